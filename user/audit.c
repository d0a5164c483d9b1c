// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "errors.h"
#include "exitcodes.h"
#include "imalog.h"
#include "kexec_record.h"

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
			a->kexec_rec = s->kexec_rec_bytes;
			a->kexec_digits = s->kexec_rec_digits;
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
	if (a->check_fit)
		a->exec_record = ikt_exec_record_bytes(a->kexec_rec, a->kexec_digits,
						       a->segment_size, a->list_bytes,
						       a->log_count);
	if (a->check_fit && a->lost_from != UINT64_MAX) {
		a->verdict = IKT_V_OVERFLOW;
		a->why = "the list no longer fits the segment reserved at kexec "
			 "load: the execute-time copy will cut the last entries";
	} else if (a->check_fit && a->list_bytes + a->exec_record > a->segment_size) {
		a->verdict = IKT_V_OVERFLOW;
		a->why = "the list fits the segment reserved at kexec load, but not "
			 "the kexec_execute record the kernel appends before copying "
			 "it: the next log will lack that record and not replay";
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

static int risk_add(struct ikt_risk_list *l, const struct ima_record *r)
{
	struct record_entry *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = realloc(l->e, cap * sizeof(*l->e));

		if (!p)
			return -ENOMEM;
		l->e = p;
		l->cap = cap;
	}
	e = &l->e[l->n];
	memset(e, 0, sizeof(*e));
	e->seq = r->index;
	e->pcr = r->pcr;
	memcpy(e->digest, r->digest, sizeof(e->digest));
	snprintf(e->template_name, sizeof(e->template_name), "%s", r->template_name);
	e->event_name = malloc(r->event_name_len + 1);
	if (!e->event_name)
		return -ENOMEM;
	memcpy(e->event_name, r->event_name ? r->event_name : "", r->event_name_len);
	e->event_name[r->event_name_len] = '\0';
	e->event_name_len = r->event_name_len;
	l->n++;
	return 0;
}

void ikt_risk_free(struct ikt_risk_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].event_name);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

/* bytes the kernel counts for this entry when sizing the kexec buffer */
static uint64_t kernel_record_bytes(const struct ima_record *r)
{
	return 4 + IMA_SHA1_LEN + 4 + strlen(r->template_name) + 4 + r->data_len;
}

/* one pass from the start (skip false) or from the snapshot's end: 0, -1
 * on an error (said unless *retry), with *retry when the seek target was
 * not a record boundary after all */
static int scan_pass(struct ikt_audit *a, const struct ikt_audit *plan, const char *path,
		     bool skip, uint64_t limit, struct ikt_risk_list *rl, bool *retry)
{
	char err[IMALOG_ERR_LEN], why[IMALOG_ERR_LEN + 160] = "";
	struct ima_record r;
	struct imalog l;
	bool seeked = false;
	int ret;

	*retry = false;
	ret = imalog_open(&l, path);
	if (ret) {
		p_err("cannot open %s: %s", path ? path : IMA_DEFAULT_LOG, strerror(-ret));
		return -1;
	}
	*a = *plan;
	a->read_from = 0;
	if (skip && !imalog_seek(&l, plan->skip_bytes, plan->skip_count)) {
		seeked = true;
		a->log_count = a->read_from = plan->skip_count;
	} else if (a->check_fit) {
		a->list_bytes -= plan->skip_bytes;	/* read and counted below */
	}
	while ((ret = imalog_next(&l, &r)) == 1) {
		if (!ikt_audit_entry(a, r.index, kernel_record_bytes(&r)))
			continue;
		if (!r.is_ima && imalog_parse_template_data(&r, err, sizeof(err))) {
			snprintf(why, sizeof(why), "%s: record %" PRIu64 " at offset %" PRIu64
				 ": %s", l.label, r.index, r.offset, err);
			ret = -1;
			break;
		}
		if (risk_add(rl, &r)) {
			snprintf(why, sizeof(why), "out of memory listing entries");
			ret = -1;
			break;
		}
		if (limit && rl->n >= limit) {
			a->stopped = true;
			ret = 0;
			break;
		}
	}
	*retry = ret < 0 && seeked;
	if (ret < 0 && !*retry && (why[0] || l.err[0]))
		p_err("%s", why[0] ? why : l.err);
	imalog_close(&l);
	return ret < 0 ? -1 : 0;
}

int ikt_audit_scan(struct ikt_audit *a, const char *path, uint64_t limit,
		   struct ikt_risk_list *rl)
{
	const struct ikt_audit plan = *a;
	/* the live list only: a saved copy need not start like the snapshot */
	bool skip = !path && plan.skip_count, retry = false;

	if (a->check_fit || path)
		limit = 0;
	if (a->skip_all) {
		a->log_count = a->count;
		return 0;
	}
	for (int pass = 0; pass < 2; pass++) {
		if (!scan_pass(a, &plan, path, skip, limit, rl, &retry))
			return 0;
		if (!retry)
			break;
		ikt_risk_free(rl);	/* not a record boundary after all: read it all */
		skip = false;
	}
	return IKT_EXIT_ERROR;
}

void ikt_audit_unread(struct ikt_audit *a, uint64_t live)
{
	if (a->stopped && live > a->log_count) {
		a->at_risk += live - a->log_count;
		a->log_count = live;
	}
}
