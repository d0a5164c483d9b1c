// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "exitcodes.h"
#include "verdict.h"
#include "util.h"

static enum ikt_kexec_state slot_state(const struct ikt_state *s,
				       const struct ikt_config *c, __u32 slot,
				       __u32 traced)
{
	if (s->touched & slot)
		return traced;
	return (c->preloaded & slot) ? IKT_KEXEC_PRELOADED : IKT_KEXEC_NONE;
}

void ikt_view_compute(struct ikt_view *v, const struct ikt_state *s,
		      const struct ikt_config *c, enum ikt_carry_mode mode,
		      int64_t live)
{
	memset(v, 0, sizeof(*v));
	v->mode = mode;
	if (c->count_from_kernel) {
		v->count_known = live >= 0;
		v->count = live >= 0 ? (uint64_t)live : 0;
	} else {
		v->count_known = c->base_valid;
		v->count = c->base + s->appended;
	}
	v->normal = slot_state(s, c, IKT_SLOT_NORMAL, s->kexec_state);
	v->crash = slot_state(s, c, IKT_SLOT_CRASH, s->crash_state);
	v->lost_from = UINT64_MAX;
	v->gap_known = true;

	switch (v->normal) {
	case IKT_KEXEC_NONE:
		v->verdict = IKT_V_NOT_LOADED;
		v->why = "no kexec image loaded";
		return;
	case IKT_KEXEC_PRELOADED:
		v->verdict = IKT_V_UNKNOWN;
		v->gap_known = false;
		v->why = "image loaded before tracking started: reload it with "
			 "kexec -s -l while attached";
		return;
	case IKT_KEXEC_UNKNOWN:
		v->verdict = IKT_V_UNKNOWN;
		v->gap_known = false;
		v->why = "kexec loads overlapped: which image the kernel kept is "
			 "unknown; reload it with kexec -s -l";
		return;
	case IKT_KEXEC_LEGACY:
		v->verdict = IKT_V_LOSS_ALL;
		v->why = "image loaded with the legacy kexec_load syscall, which "
			 "never carries the IMA list: reload with kexec -s (kexec_file_load)";
		v->lost_from = 0;
		break;
	case IKT_KEXEC_FILE:
		if (mode == IKT_CARRY_EXECUTE) {
			v->verdict = IKT_V_SAFE;
			v->why = "kernel copies the IMA list at kexec execute";
			return;
		}
		if (mode == IKT_CARRY_NONE) {
			v->verdict = IKT_V_LOSS_ALL;
			v->why = "kernel built without CONFIG_IMA_KEXEC: the IMA list is "
				 "not passed to the next kernel";
			v->lost_from = 0;
			break;
		}
		if (!s->snap.valid) {
			v->verdict = IKT_V_UNKNOWN;
			v->gap_known = false;
			v->why = "no load snapshot was traced for the loaded image";
			return;
		}
		v->lost_from = s->snap.count;
		v->verdict = IKT_V_GAP;
		v->why = "IMA list was snapshotted at kexec load; later entries "
			 "are not passed to the next kernel";
		break;
	}
	if (!v->count_known) {
		v->gap_known = false;
		return;
	}
	v->gap = v->count > v->lost_from ? v->count - v->lost_from : 0;
	if (v->verdict == IKT_V_GAP && v->gap == 0) {
		v->verdict = IKT_V_SAFE;
		v->why = "nothing was measured since the kexec load snapshot";
	}
}

uint64_t ikt_view_gap_pos(const struct ikt_view *v, uint64_t seq)
{
	if (v->lost_from == UINT64_MAX || seq < v->lost_from)
		return 0;
	return seq - v->lost_from + 1;
}

const char *ikt_verdict_str(enum ikt_verdict v)
{
	static const char *const s[] = {
		[IKT_V_NOT_LOADED] = "NOT-LOADED", [IKT_V_SAFE] = "SAFE",
		[IKT_V_GAP] = "GAP", [IKT_V_LOSS_ALL] = "LOSS-ALL",
		[IKT_V_OVERFLOW] = "OVERFLOW", [IKT_V_UNKNOWN] = "UNKNOWN",
	};
	return (unsigned int)v < ARRAY_SIZE(s) ? s[v] : "UNKNOWN";
}

int ikt_verdict_exit_code(enum ikt_verdict v)
{
	switch (v) {
	case IKT_V_SAFE:
	case IKT_V_NOT_LOADED:
		return IKT_EXIT_OK;
	case IKT_V_GAP:
	case IKT_V_LOSS_ALL:
	case IKT_V_OVERFLOW:
		return IKT_EXIT_FINDING;
	default:
		return IKT_EXIT_ERROR;
	}
}

const char *ikt_kexec_state_str(enum ikt_kexec_state st)
{
	static const char *const s[] = {
		[IKT_KEXEC_NONE] = "none", [IKT_KEXEC_FILE] = "loaded-file",
		[IKT_KEXEC_LEGACY] = "loaded-legacy",
		[IKT_KEXEC_PRELOADED] = "loaded-before-tracking",
		[IKT_KEXEC_UNKNOWN] = "loaded-unknown",
	};
	return (unsigned int)st < ARRAY_SIZE(s) ? s[st] : "invalid";
}
