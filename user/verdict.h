/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The verdict: what the next kernel's log would miss if kexec executed now.
 * One type for every command: status and monitor predict it from the
 * tracker's counters (struct ikt_view: list length, kexec state, the gap
 * window); audit refines the same type while it reads the list (audit.h). */
#ifndef IKT_VERDICT_H
#define IKT_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include "hooks.h"
#include "imakexec.h"

enum ikt_verdict {
	IKT_V_NOT_LOADED,	/* no kexec image loaded */
	IKT_V_SAFE,		/* nothing would be lost */
	IKT_V_GAP,		/* entries after the load snapshot would be lost */
	IKT_V_LOSS_ALL,		/* the whole list would be lost */
	IKT_V_OVERFLOW,		/* the list outgrew the segment of an execute-time
				 * copy (only audit, which reads the list, says it) */
	IKT_V_UNKNOWN,		/* image loaded before tracking, or stale state */
	IKT_V__COUNT
};

struct ikt_view {
	bool count_known;	/* the list length could be read */
	uint64_t count;		/* entries in the IMA list */
	enum ikt_carry_mode mode;
	enum ikt_kexec_state normal, crash;
	enum ikt_verdict verdict;
	bool gap_known;
	uint64_t gap;		/* entries the next kernel would miss */
	uint64_t lost_from;	/* first seq that would be lost (UINT64_MAX: none) */
	const char *why;	/* one-line explanation of the verdict */
};

/* live: the kernel's list length (runtime_measurements_count), -1 if
 * unreadable; trackers attached by this version count with it, older pins
 * with their reconciled base + appended. */
void ikt_view_compute(struct ikt_view *v, const struct ikt_state *s,
		      const struct ikt_config *c, enum ikt_carry_mode mode,
		      int64_t live);
/* 1-based position of seq in the gap window, 0 if seq is not in it */
uint64_t ikt_view_gap_pos(const struct ikt_view *v, uint64_t seq);
const char *ikt_verdict_str(enum ikt_verdict v);
/* 0 SAFE/NOT-LOADED, 1 GAP/LOSS-ALL/OVERFLOW, 2 UNKNOWN */
int ikt_verdict_exit_code(enum ikt_verdict v);
const char *ikt_kexec_state_str(enum ikt_kexec_state s);

#endif
