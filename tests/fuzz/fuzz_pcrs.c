// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: evmctl-style pcrs files and --pcr arguments. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pcrs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pcr_values pv;
	char err[256], *arg;
	FILE *f;

	if (!size)
		return 0;
	memset(&pv, 0, sizeof(pv));
	f = fmemopen((void *)data, size, "r");
	if (f) {
		pcrs_parse_stream(&pv, (data[0] & 1) ? "sha256" : "sha1", f, "fuzz",
				  err, sizeof(err));
		fclose(f);
	}
	arg = malloc(size + 1);
	if (!arg)
		return 0;
	memcpy(arg, data, size);
	arg[size] = '\0';
	memset(&pv, 0, sizeof(pv));
	pcrs_parse_arg(&pv, arg, err, sizeof(err));
	free(arg);
	return 0;
}
