// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* audit's renderers: the human report, the JSON object (schema in README)
 * and the Prometheus textfile. */
#include <inttypes.h>
#include <stdio.h>
#include "audit_report.h"
#include "escape.h"
#include "json_writer.h"
#include "metrics.h"
#include "util.h"

void ikt_audit_print_json(const struct ikt_audit *au, const struct ikt_view *v,
			  const struct ikt_risk_list *rl, const char *saved)
{
	struct json_writer w;

	jw_init(&w, stdout);
	jw_object_start(&w);
	jw_kv_u64(&w, "version", 2);	/* 2: entries[].template_digest (was digest) */
	jw_kv_string(&w, "verdict", ikt_verdict_str(au->verdict));
	jw_kv_string(&w, "reason", au->why);
	jw_kv_string(&w, "carry_mode", ikt_carry_mode_str(v->mode));
	jw_kv_string(&w, "kexec_state", ikt_kexec_state_str(v->normal));
	jw_kv_u64(&w, "ima_count", au->log_count);
	jw_kv_u64_or_null(&w, "list_read_from", au->read_from != UINT64_MAX, au->read_from);
	jw_kv_u64(&w, "at_risk", au->at_risk);
	jw_kv_u64_or_null(&w, "first_lost_seq", au->at_risk, au->lost_from);
	jw_kv_u64_or_null(&w, "segment_size", au->check_fit, au->segment_size);
	jw_kv_u64_or_null(&w, "list_bytes", au->check_fit, au->list_bytes);
	jw_key(&w, "entries");
	jw_array_start(&w);
	for (size_t i = 0; i < rl->n; i++) {
		const struct record_entry *e = &rl->e[i];

		jw_object_start(&w);
		jw_kv_u64(&w, "seq", e->seq);
		jw_kv_u64(&w, "pcr", e->pcr);
		jw_key(&w, "template_digest");
		jw_hex(&w, e->digest, sizeof(e->digest));
		jw_kv_string(&w, "template", e->template_name);
		jw_kv_bytes(&w, "name", e->event_name, e->event_name_len);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_key(&w, "saved");
	if (saved)
		jw_string(&w, saved);
	else
		jw_null(&w);
	jw_object_end(&w);
	jw_finish(&w);
}

void ikt_audit_print_human(const struct ikt_audit *au, const struct ikt_view *v,
			   const struct ikt_risk_list *rl, const char *saved, bool all)
{
	size_t shown = all ? rl->n : (rl->n < IKT_AUDIT_HUMAN_MAX ? rl->n : IKT_AUDIT_HUMAN_MAX);

	printf("verdict: %s", ikt_verdict_str(au->verdict));
	switch (au->verdict) {
	case IKT_V_GAP:
		printf(": %" PRIu64 " measurements since the load snapshot will be lost", au->at_risk);
		break;
	case IKT_V_LOSS_ALL:
		printf(": all %" PRIu64 " measurements will be lost", au->at_risk);
		break;
	case IKT_V_OVERFLOW:
		printf(": list (%" PRIu64 " bytes) no longer fits the segment (%" PRIu64
		       " bytes): %" PRIu64 " entries will be cut",
		       au->list_bytes, au->segment_size, au->at_risk);
		break;
	default:
		break;
	}
	printf("\n  %s\n  carry mode %s, kexec image %s, %" PRIu64 " entries in the list\n",
	       au->why, ikt_carry_mode_str(v->mode), ikt_kexec_state_str(v->normal),
	       au->log_count);
	if (rl->n)
		printf("  %-7s %-3s %-40s %-8s %s\n", "seq", "pcr", "template digest (sha1)",
		       "template", "name");
	for (size_t i = 0; i < shown; i++) {
		const struct record_entry *e = &rl->e[i];
		char name[4 * 256 + 1];

		ikt_escape(e->event_name, e->event_name_len, name, sizeof(name));
		printf("  %-7" PRIu64 " %-3u ", e->seq, e->pcr);
		put_hex(stdout, e->digest, sizeof(e->digest));
		printf(" %-8s %s\n", e->template_name, name);
	}
	if (shown < au->at_risk)
		printf("  ... %" PRIu64 " more (--all lists them, --json gives all)\n",
		       au->at_risk - shown);
	if (saved)
		printf("  pre-reboot record saved to %s (use: imakexec-trace verify --record %s)\n",
		       saved, saved);
}

int ikt_audit_metrics(const char *path, const struct ikt_state *s,
		      const struct ikt_view *v, const struct ikt_audit *au)
{
	struct prom_writer w;
	int ret = prom_open(&w, path);

	if (ret)
		return ret;
	ikt_metrics_tracker(&w, s, v);
	ikt_metrics_verdict(&w, "imakexec_audit_verdict",
			    "Last audit verdict (1 for the current one).", au->verdict);
	prom_metric(&w, "imakexec_audit_at_risk_entries", "gauge",
		    "Entries the last audit found would be lost.", NULL, (double)au->at_risk);
	return prom_commit(&w);
}
