/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The in-kernel kexec guard's decisions (enum ikt_guard_reason, decided by
 * guard_capable in bpf/imakexec.bpf.c), in words. */
#ifndef IKT_GUARD_H
#define IKT_GUARD_H

#include <stdbool.h>
#include <stdint.h>

static inline bool ikt_guard_refuses(uint32_t reason)
{
	return reason >= 16;	/* IKT_G_REFUSE_MIN */
}
/* short token ("gap", "inflight", ...); "none" before any decision */
const char *ikt_guard_reason_str(uint32_t reason);
/* one sentence: what the kernel state was, and for a refusal the fix */
const char *ikt_guard_reason_why(uint32_t reason);

#endif
