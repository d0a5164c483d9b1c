/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Human and JSON rendering of a verify result (schema in cmd_verify.c). */
#ifndef IKT_VERIFY_REPORT_H
#define IKT_VERIFY_REPORT_H

#include <stdio.h>
#include "json_writer.h"
#include "verify.h"

void verify_report_text(FILE *f, const struct verify_result *res, const char *record_path);
/* 0, or -1 if writing failed */
int verify_report_json(FILE *f, const struct verify_result *res, const char *record_path);
/* the chain, boundaries, per-PCR lines and template digest errors of the
 * text report (no log line, record or verdict) */
void verify_report_chain_text(FILE *f, const struct verify_result *res);
/* the members of verify_report_json's object, into an open object */
void verify_report_json_members(struct json_writer *w, const struct verify_result *res,
				const char *record_path);

#endif
