// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Streaming parser of binary_runtime_measurements; see imalog.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "imalog.h"
#include "util.h"

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

int imalog_seek(struct imalog *l, uint64_t offset, uint64_t index)
{
	if (l->count || l->offset || l->end || offset > INT64_MAX)
		return -EINVAL;
	if (fseeko(l->f, (off_t)offset, SEEK_SET))
		return -errno;
	l->offset = offset;
	l->count = index;
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

/* Make n more bytes of the current record available at buf + pos,
 * reading whole blocks; the record so far (buf + start) stays in the
 * window, moved to its front when needed. Returns the bytes available
 * (n, or fewer at the end of the list or on a read error, with errno
 * from the failing read in *rd_errno). */
static size_t fill(struct imalog *l, size_t n, int *rd_errno)
{
	size_t got;

	*rd_errno = 0;
	if (l->end - l->pos >= n)
		return n;
	if (l->start) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->pos -= l->start;
		l->end -= l->start;
		l->start = 0;
	}
	if (l->pos + n > l->cap || l->cap - l->end < IMALOG_READ_BLOCK / 2) {
		size_t cap = l->pos + n > l->end + IMALOG_READ_BLOCK ?
			     l->pos + n : l->end + IMALOG_READ_BLOCK;
		uint8_t *nb = realloc(l->buf, cap);

		if (!nb) {
			*rd_errno = ENOMEM;
			return l->end - l->pos;
		}
		l->buf = nb;
		l->cap = cap;
	}
	while (l->end - l->pos < n) {
		got = fread(l->buf + l->end, 1, l->cap - l->end, l->f);
		l->end += got;
		if (got == 0) {
			if (ferror(l->f))
				*rd_errno = errno ? errno : EIO;
			break;
		}
	}
	return l->end - l->pos < n ? l->end - l->pos : n;
}

/* consume exactly n bytes of the current record; what names the field
 * for messages. The bytes are at buf + pos - n, valid until the next
 * get() (which may move the window). */
static int get(struct imalog *l, const struct ima_record *r, size_t n, const char *what)
{
	int rd_errno;
	size_t got = fill(l, n, &rd_errno);

	l->pos += got;
	l->offset += got;
	if (got == n)
		return 0;
	if (rd_errno == ENOMEM)
		fail(l, r, "out of memory reading %s", what);
	else if (rd_errno)
		fail(l, r, "read error in %s: %s", what, strerror(rd_errno));
	else
		fail(l, r, "truncated %s at offset %" PRIu64 " (%zu of %zu bytes)",
		     what, l->offset - got, got, n);
	return -1;
}

/* "ima": digest[20], u32 len, name[len]; builds d and n fields */
static int read_ima_template(struct imalog *l, struct ima_record *r)
{
	const uint8_t *d;
	uint32_t nlen;

	if (get(l, r, IMA_SHA1_LEN + 4, "ima template digest and name length"))
		return -1;
	nlen = get_le32(l->buf + l->pos - 4);
	if (nlen > IMALOG_EVENT_NAME_MAX) {
		fail(l, r, "event name length %u at offset %" PRIu64 " exceeds %u",
		     nlen, l->offset - 4, IMALOG_EVENT_NAME_MAX);
		return -1;
	}
	if (get(l, r, nlen, "ima template event name"))
		return -1;
	d = l->buf + l->pos - nlen - (IMA_SHA1_LEN + 4);
	r->data = d;
	r->data_len = IMA_SHA1_LEN + 4 + nlen;
	r->nfields = 2;
	r->fields[0] = (struct ima_field){ "d", d, IMA_SHA1_LEN };
	r->fields[1] = (struct ima_field){ "n", d + IMA_SHA1_LEN + 4, nlen };
	strcpy(r->file_algo, "sha1");
	r->file_digest = d;
	r->file_digest_len = IMA_SHA1_LEN;
	r->event_name = (const char *)r->fields[1].data;
	r->event_name_len = nlen;
	r->buf = NULL;
	r->buf_len = 0;
	return 0;
}

/* fields of the template named r->template_name, looked up only when it
 * differs from the previous record's; -1 if unknown */
static int lookup_template(struct imalog *l, const struct ima_record *r, uint32_t nlen)
{
	if (l->tmpl_nids && !memcmp(l->tmpl_name, r->template_name, nlen + 1))
		return 0;
	l->tmpl_nids = 0;
	if (ima_template_fields(r->template_name, l->tmpl_ids, &l->tmpl_nids)) {
		l->tmpl_nids = 0;
		return -1;
	}
	strcpy(l->tmpl_name, r->template_name);
	return 0;
}

int imalog_next(struct imalog *l, struct ima_record *r)
{
	enum { HDR = 4 + IMA_SHA1_LEN + 4 };
	const uint8_t *hdr, *name;
	uint32_t nlen, dlen;
	size_t got;
	int rd_errno;
	char err[256];

	memset(r, 0, sizeof(*r));
	r->index = l->count;
	r->offset = l->offset;
	l->start = l->pos;
	got = fill(l, HDR, &rd_errno);
	if (got == 0 && !rd_errno)
		return 0;
	l->pos += got;
	l->offset += got;
	if (got != HDR) {
		if (rd_errno)
			fail(l, r, "read error: %s", strerror(rd_errno));
		else
			fail(l, r, "truncated record header (%zu of %d bytes)", got, HDR);
		return -1;
	}
	hdr = l->buf + l->pos - HDR;
	r->pcr = get_le32(hdr);
	if (r->pcr > IMALOG_PCR_MAX) {
		fail(l, r, "PCR index %u out of range 0..%u", r->pcr, IMALOG_PCR_MAX);
		return -1;
	}
	memcpy(r->digest, hdr + 4, IMA_SHA1_LEN);
	r->violation = all_zero(r->digest, IMA_SHA1_LEN);
	nlen = get_le32(hdr + 4 + IMA_SHA1_LEN);
	if (nlen == 0 || nlen > IMALOG_NAME_MAX) {
		fail(l, r, "template name length %u at offset %" PRIu64 " %s", nlen,
		     r->offset + 24, nlen ? "exceeds 255" : "is zero");
		return -1;
	}
	if (get(l, r, nlen, "template name"))
		return -1;
	name = l->buf + l->pos - nlen;
	for (uint32_t i = 0; i < nlen; i++) {
		if (name[i] < 0x21 || name[i] > 0x7e) {
			fail(l, r, "template name byte %u is not printable ASCII (0x%02x)",
			     i, name[i]);
			return -1;
		}
	}
	memcpy(r->template_name, name, nlen);
	r->template_name[nlen] = '\0';
	if (lookup_template(l, r, nlen)) {
		fail(l, r, "unknown template '%s'", r->template_name);
		return -1;
	}
	r->is_ima = nlen == 3 && !memcmp(name, "ima", 3);
	if (r->is_ima) {
		if (read_ima_template(l, r))
			return -1;
		l->count++;
		return 1;
	}
	if (get(l, r, 4, "template data length"))
		return -1;
	dlen = get_le32(l->buf + l->pos - 4);
	if (dlen == 0 || dlen > IMALOG_DATA_MAX) {
		fail(l, r, "template data length %u at offset %" PRIu64 " %s", dlen,
		     l->offset - 4, dlen ? "exceeds 1048576" : "is zero");
		return -1;
	}
	if (get(l, r, dlen, "template data"))
		return -1;
	r->data = l->buf + l->pos - dlen;
	r->data_len = dlen;
	if (imalog_parse_fields(r, l->tmpl_ids, l->tmpl_nids, err, sizeof(err))) {
		fail(l, r, "template %s: %s", r->template_name, err);
		return -1;
	}
	l->count++;
	return 1;
}
