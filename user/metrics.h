/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The tracker's metrics (names documented in README, "Fleet outputs"). */
#ifndef IKT_METRICS_H
#define IKT_METRICS_H

#include "imakexec.h"
#include "prom.h"
#include "verdict.h"

/* one gauge per verdict, in enum order, 1 for the current one */
void ikt_metrics_verdict(struct prom_writer *w, const char *name, const char *help,
			 enum ikt_verdict current);
void ikt_metrics_tracker(struct prom_writer *w, const struct ikt_state *s,
			 const struct ikt_view *v);
/* --prometheus FILE for monitor/status-like callers: open, write, commit */
int ikt_metrics_write_file(const char *path, const struct ikt_state *s,
			   const struct ikt_view *v);

#endif
