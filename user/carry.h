/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The carry: on kernels without CONFIG_IMA_KEXEC, `exec` writes the whole
 * binary measurement list to CARRY_DIR/<boot id>.bin before the kexec, so
 * the next boot can replay it (verify --prior) ahead of its own list. */
#ifndef IKT_CARRY_H
#define IKT_CARRY_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#define IKT_CARRY_DIR "/var/lib/imakexec/carry"

/* Make or check the carry directory: a real directory owned by root
 * without group/other access (created 0700, parents 0755). 0 or an exit
 * code after printing the cause and fix. */
int ikt_carry_dir(const char *dir);
/* Copy the binary list at log into dir/<boot id>.bin durably (file and
 * directory fsync'ed) and count its records; *count is what the guard
 * must see as the list length. 0 or an exit code (printed). */
int ikt_carry_write(const char *dir, const char *log, char *path, size_t plen,
		    uint64_t *count);

#endif
