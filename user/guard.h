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
/* exec's pre-seal lasts at most this long, even if exec hangs */
#define IKT_PRESEAL_MAX_S 60

/* short token ("gap", "inflight", ...); "none" before any decision */
const char *ikt_guard_reason_str(uint32_t reason);
/* one sentence: what the kernel state was, and for a refusal the fix */
const char *ikt_guard_reason_why(uint32_t reason);

struct ikt_state;
struct ikt_config;
/* does exec's pre-seal hold others off now (as the BPF side decides)? */
bool ikt_presealed(const struct ikt_state *s, const struct ikt_config *c);

#endif
