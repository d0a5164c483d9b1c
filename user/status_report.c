// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "errors.h"
#include "exitcodes.h"
#include "guard.h"
#include "inflight.h"
#include "json_writer.h"
#include "status_report.h"
#include "sysfs.h"
#include "verdict.h"

static void json_guard(struct json_writer *w, const struct ikt_state *s,
		       const struct ikt_config *c, const struct ikt_inflight_list *l)
{
	jw_key(w, "guard");
	jw_object_start(w);
	jw_kv_bool(w, "armed", c->guard);
	jw_kv_u64(w, "allowed", s->guard_allowed);
	jw_kv_u64(w, "refused", s->guard_refused);
	jw_kv_string(w, "last_decision", ikt_guard_reason_str(s->guard_last_reason));
	jw_kv_bool(w, "last_refused", ikt_guard_refuses(s->guard_last_reason));
	jw_kv_u64(w, "last_count", s->guard_count);
	jw_kv_bool(w, "sealed", s->sealed);
	jw_kv_u64(w, "seal_denied", s->seal_denied);
	jw_kv_u64(w, "sealed_appends", s->sealed_appends);
	jw_kv_bool(w, "presealed", ikt_presealed(s, c));
	jw_kv_u64(w, "preseal_denied", s->preseal_denied);
	jw_kv_u64(w, "preseal_appends", s->preseal_appends);
	jw_kv_u64(w, "seal_kept", s->seal_kept);
	jw_kv_u64(w, "appends_inflight", s->inflight);
	jw_kv_u64(w, "appends_untracked", s->inflight_untracked);
	jw_kv_u64(w, "measuring", s->hashing);
	jw_kv_u64(w, "measuring_untracked", s->hashing_untracked);
	jw_kv_u64(w, "loads_inflight", s->loads_inflight);
	jw_kv_u64(w, "leaks_healed", s->leaks_healed);
	ikt_inflight_json(w, l);
	jw_kv_bool(w, "carry_armed", c->carry_valid);
	jw_kv_u64_or_null(w, "carry_count", c->carry_valid, c->carry_count);
	jw_object_end(w);
}

static void json_report(FILE *out, const struct ikt_tracker *t,
			const struct ikt_state *s, const struct ikt_config *c,
			const struct ikt_view *v, int live_rc, uint64_t live,
			const struct ikt_inflight_list *l)
{
	struct json_writer w;
	uint64_t ring = 0;
	int ring_rc;

	jw_init(&w, out);
	jw_object_start(&w);
	jw_kv_u64(&w, "version", 2);
	jw_kv_bool(&w, "attached", t->from_pins);
	jw_kv_string(&w, "carry_mode", ikt_carry_mode_str(v->mode));
	jw_kv_u64_or_null(&w, "ima_count", v->count_known, v->count);
	jw_kv_u64_or_null(&w, "securityfs_count", live_rc == 0, live);
	jw_kv_u64_or_null(&w, "kernel_count", s->kcount >= 0 && s->appended, (uint64_t)s->kcount);
	jw_kv_bool(&w, "count_from_kernel", c->count_from_kernel);
	jw_kv_u64(&w, "appended_since_attach", s->appended);
	jw_kv_u64(&w, "violations_since_attach", s->violations);
	jw_kv_u64(&w, "refused_since_attach", s->refused);
	jw_kv_string(&w, "kexec_state", ikt_kexec_state_str(v->normal));
	jw_kv_string(&w, "crash_state", ikt_kexec_state_str(v->crash));
	jw_kv_u64(&w, "loads", s->loads);
	jw_kv_u64(&w, "unloads", s->unloads);
	jw_key(&w, "snapshot");
	if (s->snap.valid) {
		jw_object_start(&w);
		jw_kv_u64(&w, "count", s->snap.count);
		jw_kv_u64(&w, "bytes", s->snap.bytes);
		jw_kv_u64(&w, "segment_size", s->snap.segment_size);
		jw_object_end(&w);
	} else {
		jw_null(&w);
	}
	jw_kv_string(&w, "verdict", ikt_verdict_str(v->verdict));
	jw_kv_u64_or_null(&w, "gap", v->gap_known, v->gap);
	jw_kv_string(&w, "reason", v->why);
	jw_kv_u64(&w, "copies", s->copies);
	jw_kv_u64(&w, "ringbuf_drops", s->drops);
	ring_rc = ikt_tracker_ring_size(t, &ring);
	jw_kv_u64_or_null(&w, "ringbuf_size", ring_rc == 0, ring);
	jw_kv_u64(&w, "ringbuf_record_size", IKT_RING_RECORD_SIZE);
	json_guard(&w, s, c, l);
	jw_key(&w, "hooks");
	jw_array_start(&w);
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		const struct ikt_hook *h = &t->hooks.h[i];

		jw_object_start(&w);
		jw_kv_string(&w, "program", h->prog);
		jw_kv_string(&w, "function", h->func);
		jw_kv_string(&w, "traces", h->what);
		jw_kv_string(&w, "status", ikt_hook_status_str(h->status));
		jw_kv_u64_or_null(&w, "recursion_misses", h->misses_known, h->recursion_misses);
		if (h->reason[0])
			jw_kv_string(&w, "reason", h->reason);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	jw_finish(&w);
}

static void human_report(FILE *out, const struct ikt_tracker *t,
			 const struct ikt_state *s, const struct ikt_config *c,
			 const struct ikt_view *v, int live_rc, uint64_t live,
			 const struct ikt_inflight_list *l)
{
	fprintf(out, "tracking:      %s\n", t->from_pins ?
		"pinned under " IKT_PIN_DIR : "this process only");
	fprintf(out, "carry mode:    %s\n", ikt_carry_mode_str(v->mode));
	if (v->count_known)
		fprintf(out, "IMA entries:   %" PRIu64, v->count);
	else
		fprintf(out, "IMA entries:   unknown");
	if (live_rc == 0)
		fprintf(out, " (securityfs: %" PRIu64 ")", live);
	fprintf(out, ", %" PRIu64 " appended since attach\n", (uint64_t)s->appended);
	fprintf(out, "kexec image:   %s, crash image: %s\n",
		ikt_kexec_state_str(v->normal), ikt_kexec_state_str(v->crash));
	if (s->snap.valid)
		fprintf(out, "load snapshot: %" PRIu64 " entries, %" PRIu64
			" bytes, segment %" PRIu64 " bytes\n",
			(uint64_t)s->snap.count, (uint64_t)s->snap.bytes,
			(uint64_t)s->snap.segment_size);
	fprintf(out, "verdict:       %s", ikt_verdict_str(v->verdict));
	if (v->gap_known && v->verdict != IKT_V_NOT_LOADED)
		fprintf(out, ", gap %" PRIu64 " entries", v->gap);
	fprintf(out, " (%s)\n", v->why);
	fprintf(out, "kexec guard:   %s", c->guard ? "armed" : "off (attach --guard arms it)");
	if (c->guard)
		fprintf(out, ", %" PRIu64 " allowed, %" PRIu64 " refused%s",
			(uint64_t)s->guard_allowed, (uint64_t)s->guard_refused,
			s->sealed ? ", SEALED (kexec executing)" : "");
	fputc('\n', out);
	if (c->guard && (s->inflight || s->hashing || s->loads_inflight ||
			 s->inflight_untracked || s->hashing_untracked))
		fprintf(out, "in flight:     %" PRIu64 " append(s), %" PRIu64 " measurement(s) "
			"being taken, %" PRIu64 " kexec load(s)%s\n", (uint64_t)s->inflight,
			(uint64_t)s->hashing, (uint64_t)s->loads_inflight,
			s->inflight_untracked || s->hashing_untracked ?
			"; some entered untracked: the guard refuses until attached again" : "");
	if (c->guard)
		ikt_inflight_print(out, l, "               ");
	if (c->guard && s->guard_last_reason)
		fprintf(out, "last decision: %s at %" PRIu64 " entries: %s (%s)\n",
			ikt_guard_refuses(s->guard_last_reason) ? "refused" : "allowed",
			(uint64_t)s->guard_count, ikt_guard_reason_str(s->guard_last_reason),
			ikt_guard_reason_why(s->guard_last_reason));
	fprintf(out, "ring drops:    %" PRIu64 "%s\n", (uint64_t)s->drops,
		s->drops ? " (events lost from the stream; counts above stay exact)" : "");
	fprintf(out, "hooks:\n");
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		const struct ikt_hook *h = &t->hooks.h[i];

		fprintf(out, "  %-9s %-44s %s%s%s\n", ikt_hook_status_str(h->status),
			h->what, h->func[0] ? h->func : "-",
			h->reason[0] ? ": " : "", h->reason);
		if (h->misses_known && h->recursion_misses)
			fprintf(out, "            %" PRIu64 " call(s) skipped by the BPF trampoline's "
				"recursion check (the program was running on that CPU)\n",
				(uint64_t)h->recursion_misses);
	}
}

int ikt_status_report(FILE *out, const struct ikt_tracker *t,
		      const struct ikt_env *env, bool json)
{
	struct ikt_state s;
	struct ikt_config c;
	struct ikt_inflight_list l;
	struct ikt_view v;
	char p[PATH_MAX];
	uint64_t live = 0;
	int ret, live_rc;

	ret = ikt_tracker_read(t, &s, &c);
	if (ret) {
		p_err("cannot read tracker state: %s",
			strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	ikt_ima_path(env, "runtime_measurements_count", p, sizeof(p));
	live_rc = ikt_read_u64(p, &live);
	ikt_view_compute(&v, &s, &c, t->hooks.mode, live_rc ? -1 : (int64_t)live);
	ikt_inflight_read(t, &l);
	if (json)
		json_report(out, t, &s, &c, &v, live_rc, live, &l);
	else
		human_report(out, t, &s, &c, &v, live_rc, live, &l);
	return IKT_EXIT_OK;
}
