/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Rendering audit's verdict: human, JSON, Prometheus. */
#ifndef IKT_AUDIT_REPORT_H
#define IKT_AUDIT_REPORT_H

#include <stdbool.h>
#include "audit.h"
#include "imakexec.h"
#include "verdict.h"

/* the human report lists this many at-risk entries unless --all */
#define IKT_AUDIT_HUMAN_MAX 50

void ikt_audit_print_json(const struct ikt_audit *au, const struct ikt_view *v,
			  const struct ikt_risk_list *rl, const char *saved);
void ikt_audit_print_human(const struct ikt_audit *au, const struct ikt_view *v,
			   const struct ikt_risk_list *rl, const char *saved, bool all);
/* --prometheus FILE: the tracker's metrics and the audit's; 0 or an exit code */
int ikt_audit_metrics(const char *path, const struct ikt_state *s,
		      const struct ikt_view *v, const struct ikt_audit *au);

#endif
