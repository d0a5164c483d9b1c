/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The guard's in-flight records (bpf/inflight.bpf.h), listed with the
 * thread that holds each: its name, its scheduler state and where in the
 * kernel it waits, so a count that does not drain says what is behind it
 * (a real call blocked, e.g. an extend waiting for the TPM, or a record
 * whose exit the tracker missed). */
#ifndef IKT_INFLIGHT_H
#define IKT_INFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "json_writer.h"
#include "tracker.h"

#define IKT_INFLIGHT_SHOW 16	/* records described; the rest are counted */
#define IKT_STACK_FRAMES 6

struct ikt_inflight_rec {
	uint32_t tid, tgid;
	uint32_t kind;		/* enum ikt_inflight_kind */
	bool age_known;
	uint64_t age_ms;	/* since it entered (appends, measurements) */
	bool thread_seen;	/* /proc/<tgid>/task/<tid> exists */
	char comm[17];
	char state;		/* /proc stat's state letter, 0 if not read */
	char wchan[64];		/* where it sleeps ("" if running or unknown) */
	char stack[IKT_STACK_FRAMES][48];	/* innermost first (root only) */
	unsigned int frames;
};

struct ikt_inflight_list {
	struct ikt_inflight_rec r[IKT_INFLIGHT_SHOW];
	unsigned int shown;
	uint64_t total;		/* records in the map */
	bool known;		/* the map was found and read */
};

/* Find the record map of a pinned tracker (through the program of its
 * pinned add_entry_enter link); a loaded one has it already. 0 or -errno
 * (no guard attached: -ENOENT). */
int ikt_inflight_open(struct ikt_tracker *t);
/* Read the records and describe their threads (bounded /proc reads). */
void ikt_inflight_read(const struct ikt_tracker *t, struct ikt_inflight_list *l);
const char *ikt_inflight_kind_str(uint32_t kind);
/* A record in words: kind, thread, age, its state and kernel stack. */
void ikt_inflight_line(const struct ikt_inflight_rec *r, char *buf, size_t size);
/* One line per record, each prefixed with indent; nothing if none. */
void ikt_inflight_print(FILE *out, const struct ikt_inflight_list *l, const char *indent);
/* key "inflight_records": an array (null when the map was not read) */
void ikt_inflight_json(struct json_writer *w, const struct ikt_inflight_list *l);

#endif
