// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "escape.h"
#include "json_writer.h"

/* code point of a valid UTF-8 sequence of n bytes */
static unsigned int codepoint(const unsigned char *p, size_t n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned int c = p[0] & lead_mask[n];

	for (size_t i = 1; i < n; i++)
		c = (c << 6) | (p[i] & 0x3f);
	return c;
}

/* Terminal controls that valid UTF-8 can carry: C1 controls (U+0080..9F,
 * e.g. U+009B is a CSI on many terminals) and the bidi/format controls
 * that reorder what is shown (U+061C, U+200E/F, U+202A..E, U+2066..9). */
static int is_hidden_control(unsigned int c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x61c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

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
		} else if (n > 1 && is_hidden_control(codepoint(p + i, n))) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", codepoint(p + i, n));
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
