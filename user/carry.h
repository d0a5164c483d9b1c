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
/* The list read ahead of time (before exec's pre-seal): reading the
 * kernel's list file costs time quadratic in its length (each read()
 * walks the list from its head to the position), seconds for 100,000
 * entries, so the carry at the last moment reads only what came after. */
struct ikt_carry_pre {
	char *buf;		/* NULL: nothing read ahead */
	size_t len;
	size_t last;		/* offset of its last record */
	uint64_t count;
};
/* Read log ahead into *pre. 0, or -1 (printed; the carry then reads the
 * whole list itself). */
int ikt_carry_prefetch(const char *log, struct ikt_carry_pre *pre);
void ikt_carry_pre_free(struct ikt_carry_pre *pre);
/* Copy the binary list at log into dir/<boot id>.bin durably (file and
 * directory fsync'ed) and count its records; *count is what the guard
 * must see as the list length. With pre (may be NULL or empty), only what
 * follows its last record is read, after checking that record is still
 * where it was (else, e.g. a list trimmed meanwhile, the whole list is
 * read). 0 or an exit code (printed). */
int ikt_carry_write(const char *dir, const char *log, const struct ikt_carry_pre *pre,
		    char *path, size_t plen, uint64_t *count);

#endif
