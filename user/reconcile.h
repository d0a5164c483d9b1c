/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Align the tracker's append counter with the kernel's list length.
 *
 * The programs are attached first, then the list length is read. A read is
 * accepted only when the tracker saw no append start or finish around it
 * (appended unchanged and nothing in flight before and after), so every
 * entry is counted exactly once: base = list length - appended. */
#ifndef IKT_RECONCILE_H
#define IKT_RECONCILE_H

#include <stdint.h>

struct ikt_count_reader {
	int (*tracker)(void *ctx, uint64_t *appended, uint64_t *inflight);
	int (*list)(void *ctx, uint64_t *count);
	void *ctx;
};

/* 0 and *base set; -EAGAIN if no quiet moment in `tries` attempts;
 * -ERANGE if the list is shorter than what was seen appended;
 * another -errno from a reader. */
int ikt_reconcile(const struct ikt_count_reader *r, int tries, uint64_t *base);

#endif
