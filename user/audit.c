// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "audit.h"

/* The entries serialized at load sit, byte for byte, at the head of
 * binary_runtime_measurements (the kernel writes both with the same show
 * function), unless the segment was full and the last one was cut. */
static void skip_snapshot(struct ikt_audit *a, const struct ikt_state *s)
{
	const struct ikt_snapshot *p = &s->snap;

	if (!p->valid || !p->count || p->bytes <= IKT_KEXEC_HDR_BYTES ||
	    p->bytes >= p->segment_size)
		return;
	a->skip_count = p->count;
	a->skip_bytes = p->bytes - IKT_KEXEC_HDR_BYTES;
}

void ikt_audit_plan(struct ikt_audit *a, const struct ikt_view *v,
		    const struct ikt_state *s, int kexec_loaded)
{
	memset(a, 0, sizeof(*a));
	a->count = v->count;
	a->lost_from = UINT64_MAX;
	a->read_from = UINT64_MAX;
	a->why = v->why;
	/* the kernel's own flag wins over our traced state when they differ */
	if (kexec_loaded == 0) {
		a->verdict = IKT_V_NOT_LOADED;
		a->why = "no kexec image loaded (/sys/kernel/kexec_loaded is 0)";
		a->skip_all = v->count_known;
		return;
	}
	a->verdict = v->verdict;
	switch (v->verdict) {
	case IKT_V_NOT_LOADED:
		if (kexec_loaded == 1) {
			a->verdict = IKT_V_UNKNOWN;
			a->why = "the kernel reports a kexec image that tracking never "
				 "saw loaded: reload it with kexec -s -l while attached";
		}
		return;
	case IKT_V_LOSS_ALL:
		a->lost_from = 0;
		return;
	case IKT_V_GAP:
	case IKT_V_SAFE:
		skip_snapshot(a, s);
		if (v->mode == IKT_CARRY_EXECUTE) {
			a->check_fit = s->snap.valid && s->snap.segment_size;
			a->segment_size = s->snap.segment_size;
			a->list_bytes = IKT_KEXEC_HDR_BYTES + a->skip_bytes;
			if (!a->check_fit)
				a->why = "kernel copies the IMA list at kexec execute "
					 "(segment size unknown: fit not checked)";
			return;
		}
		a->lost_from = v->lost_from;
		return;
	default:	/* UNKNOWN (OVERFLOW is audit's own finding) */
		a->verdict = IKT_V_UNKNOWN;
		return;
	}
}

bool ikt_audit_entry(struct ikt_audit *a, uint64_t seq, uint64_t record_bytes)
{
	bool risk;

	a->log_count++;
	if (a->check_fit) {
		a->list_bytes += record_bytes;
		/* whole records only: the first that does not fit and all after */
		if (a->list_bytes > a->segment_size && a->lost_from == UINT64_MAX)
			a->lost_from = seq;
	}
	risk = seq >= a->lost_from;
	a->at_risk += risk;
	return risk;
}

void ikt_audit_finish(struct ikt_audit *a)
{
	if (a->check_fit && a->lost_from != UINT64_MAX) {
		a->verdict = IKT_V_OVERFLOW;
		a->why = "the list no longer fits the segment reserved at kexec "
			 "load: the execute-time copy will cut the last entries";
	} else if (a->check_fit) {
		a->why = "kernel copies the IMA list at kexec execute and it fits "
			 "the reserved segment";
	}
	if (a->verdict == IKT_V_GAP && a->at_risk == 0) {
		/* the list was read after the tracker: nothing past the snapshot */
		a->verdict = IKT_V_SAFE;
		a->why = "nothing was measured since the kexec load snapshot";
	}
}
