/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Test helper: build binary_runtime_measurements records in memory. */
#ifndef IKT_TEST_IMALOG_BUILD_H
#define IKT_TEST_IMALOG_BUILD_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

struct tbuf {
	uint8_t b[1 << 16];
	size_t n;
};

static inline void tb_put(struct tbuf *t, const void *p, size_t n)
{
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static inline void tb_u32(struct tbuf *t, uint32_t v)
{
	uint8_t le[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

	tb_put(t, le, 4);
}

static inline void tb_field(struct tbuf *t, const void *p, size_t n)
{
	tb_u32(t, (uint32_t)n);
	tb_put(t, p, n);
}

/* "sha256:\0" + 32 bytes of fill */
static inline void tb_dng(struct tbuf *t, uint8_t fill)
{
	uint8_t f[8 + 32];

	memcpy(f, "sha256:", 8);
	memset(f + 8, fill, 32);
	tb_field(t, f, sizeof(f));
}

static inline void tb_name(struct tbuf *t, const char *name)
{
	tb_field(t, name, strlen(name) + 1);
}

/* one non-"ima" record; template data taken from d; digest = SHA-1(data)
 * unless violation (zero) */
static inline void tb_record(struct tbuf *out, uint32_t pcr, const char *tmpl,
			     const struct tbuf *d, int violation)
{
	uint8_t dig[20] = { 0 };

	if (!violation)
		EVP_Digest(d->b, d->n, dig, NULL, EVP_sha1(), NULL);
	tb_u32(out, pcr);
	tb_put(out, dig, 20);
	tb_u32(out, (uint32_t)strlen(tmpl));
	tb_put(out, tmpl, strlen(tmpl));
	tb_u32(out, (uint32_t)d->n);
	tb_put(out, d->b, d->n);
}

/* ima-ng record with file digest fill byte and name */
static inline void tb_ima_ng(struct tbuf *out, uint32_t pcr, uint8_t fill,
			     const char *name, int violation)
{
	static struct tbuf d;

	d.n = 0;
	tb_dng(&d, violation ? 0 : fill);
	tb_name(&d, name);
	tb_record(out, pcr, "ima-ng", &d, violation);
}

/* "ima" template record: digest fill, name (no NUL) */
static inline void tb_ima(struct tbuf *out, uint32_t pcr, uint8_t fill, const char *name)
{
	uint8_t d[20], padded[256] = { 0 }, dig[20];
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	memset(d, fill, 20);
	memcpy(padded, name, strlen(name));
	EVP_DigestInit_ex(c, EVP_sha1(), NULL);
	EVP_DigestUpdate(c, d, 20);
	EVP_DigestUpdate(c, padded, 256);
	EVP_DigestFinal_ex(c, dig, NULL);
	EVP_MD_CTX_free(c);
	tb_u32(out, pcr);
	tb_put(out, dig, 20);
	tb_u32(out, 3);
	tb_put(out, "ima", 3);
	tb_put(out, d, 20);
	tb_u32(out, (uint32_t)strlen(name));
	tb_put(out, name, strlen(name));
}

static inline FILE *tb_file(const struct tbuf *t)
{
	FILE *f = tmpfile();

	if (f) {
		fwrite(t->b, 1, t->n, f);
		rewind(f);
	}
	return f;
}

#endif
