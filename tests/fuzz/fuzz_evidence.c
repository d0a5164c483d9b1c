// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: the evidence file (user/evidence/evfile.c) and, when it
 * parses, the quote inside it (TPMS_ATTEST, TPMT_SIGNATURE via tss2-mu). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "evfile.h"
#include "quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct evidence ev;
	TPMT_SIGNATURE sig;
	TPMS_ATTEST a;
	char err[512];
	size_t used;

	if (evfile_parse(data, size, &ev, err, sizeof(err)))
		return 0;
	if (!quote_attest_parse(ev.attest, ev.attest_len, &a, &used) && used > ev.attest_len)
		__builtin_trap();
	quote_sig_parse(ev.sig, ev.sig_len, &sig, err, sizeof(err));
	for (unsigned int i = 0; i < ev.ncarries; i++)
		if (ev.carries[i].data + ev.carries[i].len > data + size)
			__builtin_trap();
	if (ev.current.data + ev.current.len > data + size)
		__builtin_trap();
	return 0;
}
