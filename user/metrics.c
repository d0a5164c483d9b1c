// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <math.h>
#include <stdio.h>
#include "metrics.h"
#include "util.h"

void ikt_metrics_verdict(struct prom_writer *w, const char *name, const char *help,
			 enum ikt_verdict current)
{
	char l[64];

	for (int i = 0; i < IKT_V__COUNT; i++) {
		snprintf(l, sizeof(l), "verdict=\"%s\"", ikt_verdict_str(i));
		prom_metric(w, name, "gauge", help, l, current == (enum ikt_verdict)i);
	}
}

void ikt_metrics_tracker(struct prom_writer *w, const struct ikt_state *s,
			 const struct ikt_view *v)
{
	static const enum ikt_kexec_state states[] = {
		IKT_KEXEC_NONE, IKT_KEXEC_FILE, IKT_KEXEC_LEGACY, IKT_KEXEC_PRELOADED,
		IKT_KEXEC_UNKNOWN,
	};
	char l[96];

	prom_metric(w, "imakexec_ima_entries", "gauge",
		    "Entries in the IMA measurement list.", NULL,
		    v->count_known ? (double)v->count : NAN);
	prom_metric(w, "imakexec_appended_total", "counter",
		    "IMA entries appended since tracking was attached.", NULL,
		    (double)s->appended);
	prom_metric(w, "imakexec_gap_entries", "gauge",
		    "Entries the next kernel's log would miss if kexec ran now (NaN: unknown).",
		    NULL, v->gap_known ? (double)v->gap : NAN);
	for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
		snprintf(l, sizeof(l), "state=\"%s\"", ikt_kexec_state_str(states[i]));
		prom_metric(w, "imakexec_kexec_state", "gauge",
			    "Current kexec image state (1 for the current one).", l,
			    v->normal == states[i]);
	}
	ikt_metrics_verdict(w, "imakexec_verdict",
			    "Verdict if kexec executed now (1 for the current one).", v->verdict);
	prom_metric(w, "imakexec_snapshot_entries", "gauge",
		    "Entries serialized into the kexec buffer at load.", NULL,
		    s->snap.valid ? (double)s->snap.count : NAN);
	prom_metric(w, "imakexec_snapshot_bytes", "gauge",
		    "Bytes serialized into the kexec buffer at load.", NULL,
		    s->snap.valid ? (double)s->snap.bytes : NAN);
	prom_metric(w, "imakexec_segment_bytes", "gauge",
		    "Size of the kexec segment reserved for the IMA list.", NULL,
		    s->snap.valid ? (double)s->snap.segment_size : NAN);
	prom_metric(w, "imakexec_guard_allowed_total", "counter",
		    "kexec executes the guard let through.", NULL, (double)s->guard_allowed);
	prom_metric(w, "imakexec_guard_refused_total", "counter",
		    "kexec executes the guard refused (the next log would not replay).", NULL,
		    (double)s->guard_refused);
	prom_metric(w, "imakexec_ringbuf_drops_total", "counter",
		    "Events lost from the ring buffer (counts stay exact).", NULL,
		    (double)s->drops);
}

int ikt_metrics_write_file(const char *path, const struct ikt_state *s,
			   const struct ikt_view *v)
{
	struct prom_writer w;
	int ret = prom_open(&w, path);

	if (ret)
		return ret;
	ikt_metrics_tracker(&w, s, v);
	return prom_commit(&w);
}
