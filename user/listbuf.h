/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A binary measurement list read whole into memory and parsed there: what
 * is then written (a carry, a combined list) is exactly what was checked,
 * and nothing is read back from disk (a read of a file on a measured file
 * system would itself be measured, and the live list would move on). */
#ifndef IKT_LISTBUF_H
#define IKT_LISTBUF_H

#include <stddef.h>
#include <stdint.h>

#define IKT_LIST_MAX (1ull << 30)	/* bytes: larger is not a list we read */

/* Read path whole (at most IKT_LIST_MAX bytes) into *buf (malloc'ed, the
 * caller frees; NULL on error) of *len bytes and count its records (and,
 * if last is not NULL, give the offset of the last one). what names the
 * list in messages. 0, or -1 after printing the cause. */
int ikt_list_load(const char *path, const char *what, char **buf, size_t *len,
		  uint64_t *count, size_t *last);
/* Records in buf[0..len) and the offset of the last one (0 if none); what
 * names the list in messages. 0, or -1 after printing the cause. */
int ikt_list_count(const char *what, char *buf, size_t len, uint64_t *count,
		   size_t *last);

#endif
