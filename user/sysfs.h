/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Small readers for sysfs/securityfs files. */
#ifndef IKT_SYSFS_H
#define IKT_SYSFS_H

#include <stddef.h>
#include <stdint.h>

/* Read up to len-1 bytes, NUL-terminate, strip trailing newline.
 * Returns the length or -errno. */
int ikt_read_text(const char *path, char *buf, size_t len);
/* Read one unsigned decimal integer; -EINVAL if the file holds anything else. */
int ikt_read_u64(const char *path, uint64_t *v);
/* Parse an unsigned decimal with nothing but whitespace around it. */
int ikt_parse_u64(const char *s, uint64_t *v);
/* 1 if word is an element of the comma-separated list, else 0. */
int ikt_list_has(const char *list, const char *word);

#endif
