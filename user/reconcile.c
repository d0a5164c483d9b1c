// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <sched.h>
#include "reconcile.h"

int ikt_reconcile(const struct ikt_count_reader *r, int tries, uint64_t *base)
{
	for (int i = 0; i < tries; i++) {
		uint64_t a1, f1, a2, f2, count;
		int err;

		if ((err = r->tracker(r->ctx, &a1, &f1)))
			return err;
		if ((err = r->list(r->ctx, &count)))
			return err;
		if ((err = r->tracker(r->ctx, &a2, &f2)))
			return err;
		if (a1 != a2 || f1 || f2) {
			sched_yield();
			continue;
		}
		if (count < a1)
			return -ERANGE;
		*base = count - a1;
		return 0;
	}
	return -EAGAIN;
}
