/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Human and JSON rendering of a verify result (schema in cmd_verify.c). */
#ifndef IKT_VERIFY_REPORT_H
#define IKT_VERIFY_REPORT_H

#include <stdio.h>
#include "verify.h"

void verify_report_text(FILE *f, const struct verify_result *res, const char *record_path);
/* 0, or -1 if writing failed */
int verify_report_json(FILE *f, const struct verify_result *res, const char *record_path);
/* {"verdict":"error","error":msg} */

#endif
