// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "escape.h"
#include "json_writer.h"

size_t ikt_escape(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, i = 0;

	if (!outlen)
		return 0;
	while (i < len && p[i]) {
		char tmp[8];
		size_t n = utf8_seq_len(p + i, len - i), tl;

		if (p[i] == '\\') {
			memcpy(tmp, "\\\\", 3);
			n = 1;
		} else if (p[i] < 0x20 || p[i] == 0x7f || !n) {
			snprintf(tmp, sizeof(tmp), "\\x%02x", p[i]);
			n = 1;
		} else {
			memcpy(tmp, p + i, n);
			tmp[n] = '\0';
		}
		tl = strlen(tmp);
		if (o + tl >= outlen)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
		i += n;
	}
	out[o] = '\0';
	return o;
}
