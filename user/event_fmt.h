/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Rendering of tracker events: one human line, or one JSON object per line
 * (schema in README.md, "monitor --json"). */
#ifndef IKT_EVENT_FMT_H
#define IKT_EVENT_FMT_H

#include <stdint.h>
#include <stdio.h>
#include "imakexec.h"
#include "json_writer.h"
#include "verdict.h"

const char *ikt_event_type_str(uint32_t type);
/* base: list length when the tracker's counter was 0 */
void ikt_event_human(FILE *out, const struct ikt_event *e,
		     const struct ikt_view *v, uint64_t base);
void ikt_event_json(struct json_writer *w, const struct ikt_event *e,
		    const struct ikt_view *v, uint64_t base);

#endif
