// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Streaming parser of binary_runtime_measurements; see imalog.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "imalog.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int imalog_open(struct imalog *l, const char *path)
{
	const char *p = path ? path : IMA_DEFAULT_LOG;
	FILE *f = fopen(p, "rb");

	if (!f && !path && errno == ENOENT) {
		p = IMA_DEFAULT_LOG_ALT;
		f = fopen(p, "rb");
	}
	if (!f)
		return -errno;
	imalog_init_fp(l, f, p);
	l->own = true;
	return 0;
}

void imalog_init_fp(struct imalog *l, FILE *f, const char *label)
{
	const char *base = strrchr(label, '/');

	memset(l, 0, sizeof(*l));
	l->f = f;
	snprintf(l->path, sizeof(l->path), "%s", label);
	snprintf(l->label, sizeof(l->label), "%s", base && base[1] ? base + 1 : label);
}

void imalog_close(struct imalog *l)
{
	if (l->own && l->f)
		fclose(l->f);
	free(l->buf);
	l->f = NULL;
	l->buf = NULL;
}

static void fail(struct imalog *l, const struct ima_record *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(l->err, sizeof(l->err), "%s: record %" PRIu64 " at offset %" PRIu64 ": %s",
		 l->label, r->index, r->offset, msg);
}

/* read exactly n bytes at buf + at; what names the field for messages */
static int get(struct imalog *l, const struct ima_record *r, size_t at, size_t n,
	       const char *what)
{
	size_t got;

	if (at + n > l->cap) {
		size_t cap = at + n < 4096 ? 4096 : at + n;
		uint8_t *nb = realloc(l->buf, cap);

		if (!nb) {
			fail(l, r, "out of memory reading %s", what);
			return -1;
		}
		l->buf = nb;
		l->cap = cap;
	}
	got = fread(l->buf + at, 1, n, l->f);
	l->offset += got;
	if (got == n)
		return 0;
	if (ferror(l->f))
		fail(l, r, "read error in %s: %s", what, strerror(errno));
	else
		fail(l, r, "truncated %s at offset %" PRIu64 " (%zu of %zu bytes)",
		     what, l->offset - got, got, n);
	return -1;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* "ima": digest[20], u32 len, name[len]; builds d and n fields */
static int read_ima_template(struct imalog *l, struct ima_record *r)
{
	uint32_t nlen;

	if (get(l, r, 0, IMALOG_DIGEST_SIZE + 4, "ima template digest and name length"))
		return -1;
	nlen = get_le32(l->buf + IMALOG_DIGEST_SIZE);
	if (nlen > IMALOG_EVENT_NAME_MAX) {
		fail(l, r, "event name length %u at offset %" PRIu64 " exceeds %u",
		     nlen, l->offset - 4, IMALOG_EVENT_NAME_MAX);
		return -1;
	}
	if (get(l, r, IMALOG_DIGEST_SIZE + 4, nlen, "ima template event name"))
		return -1;
	r->data = l->buf;
	r->data_len = IMALOG_DIGEST_SIZE + 4 + nlen;
	r->nfields = 2;
	r->fields[0] = (struct ima_field){ "d", l->buf, IMALOG_DIGEST_SIZE };
	r->fields[1] = (struct ima_field){ "n", l->buf + IMALOG_DIGEST_SIZE + 4, nlen };
	strcpy(r->file_algo, "sha1");
	r->file_digest = l->buf;
	r->file_digest_len = IMALOG_DIGEST_SIZE;
	r->event_name = (const char *)r->fields[1].data;
	r->event_name_len = nlen;
	r->buf = NULL;
	r->buf_len = 0;
	return 0;
}

int imalog_next(struct imalog *l, struct ima_record *r)
{
	uint8_t hdr[4 + IMALOG_DIGEST_SIZE + 4];
	uint32_t nlen, dlen;
	size_t got;
	char err[256];

	memset(r, 0, sizeof(*r));
	r->index = l->count;
	r->offset = l->offset;
	got = fread(hdr, 1, sizeof(hdr), l->f);
	l->offset += got;
	if (got == 0 && feof(l->f))
		return 0;
	if (got != sizeof(hdr)) {
		if (ferror(l->f))
			fail(l, r, "read error: %s", strerror(errno));
		else
			fail(l, r, "truncated record header (%zu of %zu bytes)", got, sizeof(hdr));
		return -1;
	}
	r->pcr = get_le32(hdr);
	if (r->pcr > IMALOG_PCR_MAX) {
		fail(l, r, "PCR index %u out of range 0..%u", r->pcr, IMALOG_PCR_MAX);
		return -1;
	}
	memcpy(r->digest, hdr + 4, IMALOG_DIGEST_SIZE);
	r->violation = all_zero(r->digest, IMALOG_DIGEST_SIZE);
	nlen = get_le32(hdr + 4 + IMALOG_DIGEST_SIZE);
	if (nlen == 0 || nlen > IMALOG_NAME_MAX) {
		fail(l, r, "template name length %u at offset %" PRIu64 " %s", nlen,
		     r->offset + 24, nlen ? "exceeds 255" : "is zero");
		return -1;
	}
	if (get(l, r, 0, nlen, "template name"))
		return -1;
	for (uint32_t i = 0; i < nlen; i++) {
		if (l->buf[i] < 0x21 || l->buf[i] > 0x7e) {
			fail(l, r, "template name byte %u is not printable ASCII (0x%02x)",
			     i, l->buf[i]);
			return -1;
		}
	}
	memcpy(r->template_name, l->buf, nlen);
	r->template_name[nlen] = '\0';
	if (!ima_template_known(r->template_name)) {
		fail(l, r, "unknown template '%s'", r->template_name);
		return -1;
	}
	r->is_ima = !strcmp(r->template_name, "ima");
	if (r->is_ima) {
		if (read_ima_template(l, r))
			return -1;
		l->count++;
		return 1;
	}
	if (get(l, r, 0, 4, "template data length"))
		return -1;
	dlen = get_le32(l->buf);
	if (dlen == 0 || dlen > IMALOG_DATA_MAX) {
		fail(l, r, "template data length %u at offset %" PRIu64 " %s", dlen,
		     l->offset - 4, dlen ? "exceeds 1048576" : "is zero");
		return -1;
	}
	if (get(l, r, 0, dlen, "template data"))
		return -1;
	r->data = l->buf;
	r->data_len = dlen;
	if (imalog_parse_template_data(r, err, sizeof(err))) {
		fail(l, r, "template %s: %s", r->template_name, err);
		return -1;
	}
	l->count++;
	return 1;
}
