// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <inttypes.h>
#include <string.h>
#include "json_writer.h"

void jw_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

/* separator before a value or key at the current depth */
static void sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->out);
	w->first[w->depth] = false;
}

static void open(struct json_writer *w, char c)
{
	sep(w);
	fputc(c, w->out);
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	w->first[++w->depth] = true;
}

static void close(struct json_writer *w, char c)
{
	if (w->depth == 0 || w->after_key)
		w->failed = true;
	else
		w->depth--;
	fputc(c, w->out);
}

void jw_object_start(struct json_writer *w) { open(w, '{'); }
void jw_object_end(struct json_writer *w) { close(w, '}'); }
void jw_array_start(struct json_writer *w) { open(w, '['); }
void jw_array_end(struct json_writer *w) { close(w, ']'); }

size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

bool jw_string_is_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len && p[i]) {
		size_t n = utf8_seq_len(p + i, len - i);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

bool jw_string_n(struct json_writer *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool lossless = true;
	size_t i = 0;

	sep(w);
	fputc('"', w->out);
	while (i < len && p[i]) {
		unsigned char c = p[i];
		size_t n, run = i;

		/* printable ASCII needing no escape goes out in one piece */
		while (run < len && p[run] >= 0x20 && p[run] < 0x7f &&
		       p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			fwrite(p + i, 1, run - i, w->out);
			i = run;
			continue;
		}
		switch (c) {
		case '"': fputs("\\\"", w->out); i++; continue;
		case '\\': fputs("\\\\", w->out); i++; continue;
		case '\n': fputs("\\n", w->out); i++; continue;
		case '\r': fputs("\\r", w->out); i++; continue;
		case '\t': fputs("\\t", w->out); i++; continue;
		case '\b': fputs("\\b", w->out); i++; continue;
		case '\f': fputs("\\f", w->out); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(w->out, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_seq_len(p + i, len - i);
		if (!n) {
			fputs("\\ufffd", w->out);
			lossless = false;
			i++;
			continue;
		}
		fwrite(p + i, 1, n, w->out);
		i += n;
	}
	fputc('"', w->out);
	return lossless && i == len;
}

void jw_string(struct json_writer *w, const char *s)
{
	jw_string_n(w, s, strlen(s));
}

void jw_hex(struct json_writer *w, const uint8_t *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char chunk[128];

	sep(w);
	fputc('"', w->out);
	while (len) {
		size_t n = len < sizeof(chunk) / 2 ? len : sizeof(chunk) / 2;

		for (size_t i = 0; i < n; i++) {
			chunk[2 * i] = digits[buf[i] >> 4];
			chunk[2 * i + 1] = digits[buf[i] & 0xf];
		}
		fwrite(chunk, 1, 2 * n, w->out);
		buf += n;
		len -= n;
	}
	fputc('"', w->out);
}

/* keys are this program's own plain-ASCII constants: no escaping */
void jw_key(struct json_writer *w, const char *key)
{
	sep(w);
	fputc('"', w->out);
	fputs(key, w->out);
	fputs("\":", w->out);
	w->after_key = true;
}

/* decimal digits of v, written without printf (the monitor's hot path) */
static void put_u64(FILE *out, uint64_t v)
{
	char buf[20];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(buf + i, 1, sizeof(buf) - i, out);
}

void jw_u64(struct json_writer *w, uint64_t v)
{
	sep(w);
	put_u64(w->out, v);
}

void jw_i64(struct json_writer *w, int64_t v)
{
	sep(w);
	if (v < 0)
		fputc('-', w->out);
	put_u64(w->out, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void jw_bool(struct json_writer *w, bool v)
{
	sep(w);
	fputs(v ? "true" : "false", w->out);
}

void jw_null(struct json_writer *w)
{
	sep(w);
	fputs("null", w->out);
}

void jw_kv_string(struct json_writer *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_string(w, v);
}

void jw_kv_u64(struct json_writer *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_u64(w, v);
}

void jw_kv_i64(struct json_writer *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_i64(w, v);
}

void jw_kv_bool(struct json_writer *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void jw_kv_bytes(struct json_writer *w, const char *key, const char *s, size_t len)
{
	char hexkey[64];

	jw_key(w, key);
	if (!jw_string_n(w, s, len)) {
		snprintf(hexkey, sizeof(hexkey), "%s_hex", key);
		jw_key(w, hexkey);
		jw_hex(w, (const uint8_t *)s, len);
	}
}

void jw_kv_u64_or_null(struct json_writer *w, const char *k, bool known, uint64_t v)
{
	jw_key(w, k);
	if (known)
		jw_u64(w, v);
	else
		jw_null(w);
}

int jw_end_line(struct json_writer *w)
{
	if (w->depth != 0)
		w->failed = true;
	fputc('\n', w->out);
	if (ferror(w->out))
		w->failed = true;
	w->first[0] = true;
	return w->failed ? -1 : 0;
}

int jw_finish(struct json_writer *w)
{
	jw_end_line(w);
	if (fflush(w->out))
		w->failed = true;
	return w->failed ? -1 : 0;
}
