// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: pre-reboot record reader and digest matching. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record r;
	char err[256];
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	memset(&r, 0, sizeof(r));
	if (record_read(f, "fuzz", &r, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < r.n; i++)
			record_match(&r, r.e[i].digest);
		record_absent(&r);
	}
	record_free(&r);
	fclose(f);
	return 0;
}
