/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* One error path for every command (in the manner of bpftool's p_err).
 * Every message goes to one stream (stderr, or exec's kmsg tee) prefixed
 * with the command's name ("imakexec-trace audit: ..."); the callers never
 * spell the prefix. p_err is for what makes the command fail: under --json
 * the first one is also kept, and when the command returns an error exit
 * code (2 and above; audit's UNKNOWN verdict is not an error message)
 * main prints it on stdout as the last JSON document:
 *   {"verdict": "error", "error": "...", "exit_code": N}
 * p_info is for notes, warnings and progress: the stream only, never JSON. */
#ifndef IKT_ERRORS_H
#define IKT_ERRORS_H

#include <stdbool.h>
#include <stdio.h>

/* main: the prefix, e.g. "imakexec-trace audit" (kept by pointer) */
void ikt_msg_init(const char *prog);
/* a command with --json: errors become a JSON document at exit */
void ikt_msg_json(bool json);
/* where messages go (default stderr); NULL restores stderr */
void ikt_msg_stream(FILE *f);

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* main, after the command: prints the JSON error document when due and
 * forgets the kept error; returns ret */
int ikt_msg_finish(int ret);

#endif
