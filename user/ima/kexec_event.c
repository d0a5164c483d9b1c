// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Parser of the ima_kexec critical-data payload; see kexec_event.h. */
#include <stdbool.h>
#include <string.h>
#include "kexec_event.h"

/* "key=" then digits then ';' at *pos; value in *out */
static int take_field(const uint8_t *buf, size_t len, size_t *pos, const char *key,
		      bool allow_minus, uint64_t max, uint64_t *out, bool *neg)
{
	size_t klen = strlen(key), p = *pos, ndig = 0;
	uint64_t v = 0;

	*neg = false;
	if (len - p < klen || memcmp(buf + p, key, klen))
		return -1;
	p += klen;
	if (allow_minus && p < len && buf[p] == '-') {
		*neg = true;
		p++;
	}
	while (p < len && buf[p] >= '0' && buf[p] <= '9') {
		unsigned int d = buf[p] - '0';

		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
		p++;
		ndig++;
	}
	if (!ndig || ndig > 20 || p >= len || buf[p] != ';')
		return -1;
	*pos = p + 1;
	*out = v;
	return 0;
}

int kexec_event_parse(const uint8_t *buf, size_t len, struct kexec_event *ev)
{
	uint64_t seg, size, count;
	size_t pos = 0;
	bool neg;

	memset(ev, 0, sizeof(*ev));
	if (!buf)
		return -1;
	if (len && buf[len - 1] == '\0')
		len--;
	if (take_field(buf, len, &pos, "kexec_segment_size=", false, UINT64_MAX, &seg, &neg) ||
	    take_field(buf, len, &pos, "ima_binary_runtime_size=", false, UINT64_MAX, &size, &neg) ||
	    take_field(buf, len, &pos, "ima_runtime_measurements_count=", true,
			(uint64_t)INT64_MAX + 1, &count, &neg))
		return -1;
	if (pos != len || (!neg && count > (uint64_t)INT64_MAX) || (neg && count == 0))
		return -1;
	ev->segment_size = seg;
	ev->binary_runtime_size = size;
	ev->measurements_count = neg ? (count == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
				       -(int64_t)count) : (int64_t)count;
	return 0;
}
