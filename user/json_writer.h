/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Minimal streaming JSON writer (in the manner of bpftool's json_writer):
 * commas and nesting are tracked for the caller; strings are escaped so any
 * byte sequence yields valid JSON. */
#ifndef IKT_JSON_WRITER_H
#define IKT_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	int depth;
	bool first[JW_MAX_DEPTH];	/* no element written yet at this depth */
	bool after_key;
	bool failed;			/* nesting misuse or I/O error */
};

void jw_init(struct json_writer *w, FILE *out);
void jw_object_start(struct json_writer *w);
void jw_object_end(struct json_writer *w);
void jw_array_start(struct json_writer *w);
void jw_array_end(struct json_writer *w);
/* key: a plain-ASCII constant of the caller (written as is, unescaped) */
void jw_key(struct json_writer *w, const char *key);
/* Bytes up to the first NUL or len, whichever comes first. Invalid UTF-8
 * bytes become U+FFFD. Returns true if the string holds all len bytes
 * (no NUL inside, nothing replaced); else a raw hex copy keeps them. */
bool jw_string_n(struct json_writer *w, const char *s, size_t len);
void jw_string(struct json_writer *w, const char *s);
void jw_hex(struct json_writer *w, const uint8_t *buf, size_t len);
void jw_u64(struct json_writer *w, uint64_t v);
void jw_i64(struct json_writer *w, int64_t v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* key + value shorthands */
void jw_kv_string(struct json_writer *w, const char *k, const char *v);
void jw_kv_u64(struct json_writer *w, const char *k, uint64_t v);
void jw_kv_i64(struct json_writer *w, const char *k, int64_t v);
void jw_kv_bool(struct json_writer *w, const char *k, bool v);
/* Untrusted bytes under key: the string (up to a NUL, invalid UTF-8 as
 * U+FFFD) and, when that is not the whole of it (invalid UTF-8 or a NUL
 * inside len), the raw bytes as hex under "<key>_hex", so nothing is lost. */
void jw_kv_bytes(struct json_writer *w, const char *key, const char *s, size_t len);
/* v when known, else null */
void jw_kv_u64_or_null(struct json_writer *w, const char *k, bool known, uint64_t v);
/* ends a top-level value with a newline (JSON lines) and flushes;
 * returns -1 if anything failed */
int jw_finish(struct json_writer *w);
/* the same without the flush, for streams flushed in batches */
int jw_end_line(struct json_writer *w);

/* length of the valid UTF-8 sequence at s (1..4), 0 if invalid */
size_t utf8_seq_len(const unsigned char *s, size_t avail);
bool jw_string_is_utf8(const char *s, size_t len);

#endif
