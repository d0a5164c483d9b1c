// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: binary_runtime_measurements parser, field splitter and the
 * kexec critical-data payload of every ima-buf record it yields. */
#include <stdint.h>
#include <stdio.h>
#include "imalog.h"
#include "kexec_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
	struct ima_record r;
	struct kexec_event ev;
	struct imalog l;
	char err[256];

	if (!f)
		return 0;
	if (!size) {
		fclose(f);
		return 0;
	}
	imalog_init_fp(&l, f, "fuzz");
	while (imalog_next(&l, &r) == 1) {
		if (r.is_ima || imalog_parse_template_data(&r, err, sizeof(err)))
			continue;
		if (r.buf)
			kexec_event_parse(r.buf, r.buf_len, &ev);
	}
	imalog_close(&l);
	fclose(f);
	return 0;
}
