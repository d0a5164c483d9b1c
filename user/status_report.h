/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The status report shared by `status` and `attach`. */
#ifndef IKT_STATUS_REPORT_H
#define IKT_STATUS_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "env.h"
#include "tracker.h"

/* Reads the tracker and securityfs, prints human text or one JSON object. */
int ikt_status_report(FILE *out, const struct ikt_tracker *t,
		      const struct ikt_env *env, bool json);

#endif
