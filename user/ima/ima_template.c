// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Template descriptors and field decoding of IMA measurement records
 * (ima_template.c / ima_template_lib.c counterparts); see imalog.h. */
#include <stdio.h>
#include <string.h>
#include "imalog.h"
#include "util.h"

static const struct {
	const char *name;
	const char *fmt;
} builtin_templates[] = {
	{ "ima", "d|n" },
	{ "ima-ng", "d-ng|n-ng" },
	{ "ima-ngv2", "d-ngv2|n-ng" },
	{ "ima-sig", "d-ng|n-ng|sig" },
	{ "ima-sigv2", "d-ngv2|n-ng|sig" },
	{ "ima-buf", "d-ng|n-ng|buf" },
	{ "ima-modsig", "d-ng|n-ng|sig|d-modsig|modsig" },
	{ "evm-sig", "d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode" },
};

/* template fields of ima_template.c supported_fields[] */
enum field_kind {
	F_D, F_N, F_D_NG, F_D_NGV2, F_N_NG, F_SIG, F_BUF, F_D_MODSIG, F_MODSIG,
	F_EVMSIG, F_IUID, F_IGID, F_IMODE, F_XATTRNAMES, F_XATTRLENGTHS,
	F_XATTRVALUES, F_OTHER,
};

static const char *const known_fields[] = {
	[F_D] = "d", [F_N] = "n", [F_D_NG] = "d-ng", [F_D_NGV2] = "d-ngv2",
	[F_N_NG] = "n-ng", [F_SIG] = "sig", [F_BUF] = "buf", [F_D_MODSIG] = "d-modsig",
	[F_MODSIG] = "modsig", [F_EVMSIG] = "evmsig", [F_IUID] = "iuid",
	[F_IGID] = "igid", [F_IMODE] = "imode", [F_XATTRNAMES] = "xattrnames",
	[F_XATTRLENGTHS] = "xattrlengths", [F_XATTRVALUES] = "xattrvalues",
};

/* kernel hash_algo_name[] and hash_digest_size[] */
#define ALGO(n, s) { n, sizeof(n) - 1, s }
static const struct {
	const char *name;
	size_t len;
	unsigned int size;
} algos[] = {
	ALGO("md4", 16), ALGO("md5", 16), ALGO("sha1", 20), ALGO("rmd160", 20),
	ALGO("rmd256", 32), ALGO("rmd320", 40), ALGO("sha224", 28), ALGO("sha256", 32),
	ALGO("sha384", 48), ALGO("sha512", 64), ALGO("wp256", 32), ALGO("wp384", 48),
	ALGO("wp512", 64), ALGO("tgr128", 16), ALGO("tgr160", 20), ALGO("tgr192", 24),
	ALGO("sm3", 32), ALGO("streebog256", 32), ALGO("streebog512", 64),
	ALGO("sha3-256", 32), ALGO("sha3-384", 48), ALGO("sha3-512", 64),
};


/* algo[0..len) need not be NUL-terminated */
static unsigned int algo_size(const char *algo, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(algos); i++)
		if (algos[i].len == len && !memcmp(algos[i].name, algo, len))
			return algos[i].size;
	return 0;
}

/* ids from ima_template_fields() are known_fields[] pointers: compare
 * those first, names only for ids from elsewhere */
static enum field_kind field_kind(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_fields); i++)
		if (id == known_fields[i])
			return (enum field_kind)i;
	for (size_t i = 0; i < ARRAY_SIZE(known_fields); i++)
		if (!strcmp(id, known_fields[i]))
			return (enum field_kind)i;
	return F_OTHER;
}

static const char *field_lookup(const char *id, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_fields); i++)
		if (strlen(known_fields[i]) == len && !memcmp(known_fields[i], id, len))
			return known_fields[i];
	return NULL;
}

/* fills ids[] from a builtin name or a "|"-separated format; -1 if unknown */
int ima_template_fields(const char *name, const char **ids, unsigned int *n)
{
	const char *fmt = name, *p;

	for (size_t i = 0; i < ARRAY_SIZE(builtin_templates); i++)
		if (!strcmp(builtin_templates[i].name, name))
			fmt = builtin_templates[i].fmt;
	*n = 0;
	for (p = fmt;; p++) {
		const char *end = strchr(p, '|');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (*n >= IMALOG_MAX_FIELDS || !(ids[*n] = field_lookup(p, len)))
			return -1;
		(*n)++;
		if (!end)
			return 0;
		p = end;
	}
}

/* d-ng, d-ngv2, d-modsig: "[type:]algo:\0" + digest */
static int parse_digest_ng(struct ima_record *r, const struct ima_field *fl,
			   enum field_kind kind, char *err, size_t errlen)
{
	const uint8_t *nul = memchr(fl->data, '\0', fl->len);
	const char *algo, *colon;
	size_t hdr, alen;
	unsigned int size;

	if (!nul) {
		snprintf(err, errlen, "field %s: no \"<algo>:\" prefix", fl->id);
		return -1;
	}
	hdr = (size_t)(nul - fl->data);
	if (hdr < 2 || fl->data[hdr - 1] != ':') {
		snprintf(err, errlen, "field %s: malformed \"<algo>:\" prefix", fl->id);
		return -1;
	}
	algo = (const char *)fl->data;
	alen = hdr - 1;
	if (kind == F_D_NGV2) {	/* "ima:" or "verity:" first */
		colon = memchr(algo, ':', alen);
		if (!colon || colon == algo) {
			snprintf(err, errlen, "field d-ngv2: no digest type");
			return -1;
		}
		alen -= (size_t)(colon + 1 - algo);
		algo = colon + 1;
	}
	if (alen >= IMALOG_ALGO_MAX) {
		snprintf(err, errlen, "field %s: algorithm name too long", fl->id);
		return -1;
	}
	char name[IMALOG_ALGO_MAX];

	memcpy(name, algo, alen);
	name[alen] = '\0';
	size = algo_size(name, alen);
	if (!size) {
		snprintf(err, errlen, "field %s: unknown algorithm '%s'", fl->id, name);
		return -1;
	}
	if (fl->len - hdr - 1 != size) {
		snprintf(err, errlen, "field %s: %s digest of %zu bytes, expected %u",
			 fl->id, name, (size_t)(fl->len - hdr - 1), size);
		return -1;
	}
	if (kind == F_D_MODSIG)
		return 0;
	memcpy(r->file_algo, name, alen + 1);
	r->file_digest = nul + 1;
	r->file_digest_len = size;
	return 0;
}

static int decode_field(struct ima_record *r, const struct ima_field *fl,
			char *err, size_t errlen)
{
	enum field_kind kind = field_kind(fl->id);

	switch (kind) {
	case F_D:
		if (fl->len != IMA_SHA1_LEN && fl->len != 16) {
			snprintf(err, errlen, "field d: digest of %u bytes, expected 20",
				 fl->len);
			return -1;
		}
		strcpy(r->file_algo, fl->len == 16 ? "md5" : "sha1");
		r->file_digest = fl->data;
		r->file_digest_len = fl->len;
		break;
	case F_D_MODSIG:
		if (!fl->len)
			break;
		/* fall through */
	case F_D_NG:
	case F_D_NGV2:
		return parse_digest_ng(r, fl, kind, err, errlen);
	case F_N:
	case F_N_NG:
		if (fl->len == 0 || fl->data[fl->len - 1] != '\0') {
			snprintf(err, errlen, "field %s: event name not NUL-terminated", fl->id);
			return -1;
		}
		if (kind == F_N && fl->len > IMALOG_EVENT_NAME_MAX + 1) {
			snprintf(err, errlen, "field n: length %u exceeds %u", fl->len,
				 IMALOG_EVENT_NAME_MAX + 1);
			return -1;
		}
		r->event_name = (const char *)fl->data;
		r->event_name_len = fl->len - 1;
		break;
	case F_BUF:
		r->buf = fl->data;
		r->buf_len = fl->len;
		break;
	default:
		break;
	}
	return 0;
}

static void clear_decoded(struct ima_record *r)
{
	r->nfields = 0;
	r->event_name = NULL;
	r->event_name_len = 0;
	r->file_algo[0] = '\0';
	r->file_digest = NULL;
	r->file_digest_len = 0;
	r->buf = NULL;
	r->buf_len = 0;
}

int imalog_parse_template_data(struct ima_record *r, char *err, size_t errlen)
{
	const char *ids[IMALOG_MAX_FIELDS];
	unsigned int n;

	if (ima_template_fields(r->template_name, ids, &n)) {
		clear_decoded(r);
		snprintf(err, errlen, "unknown template '%s'", r->template_name);
		return -1;
	}
	return imalog_parse_fields(r, ids, n, err, errlen);
}

int imalog_parse_fields(struct ima_record *r, const char *const *ids, unsigned int n,
			char *err, size_t errlen)
{
	uint32_t pos = 0;
	unsigned int i;

	clear_decoded(r);
	for (i = 0; i < n; i++) {
		struct ima_field *fl = &r->fields[i];
		uint32_t len;

		if (r->data_len - pos < 4) {
			snprintf(err, errlen, "field %u (%s) at data offset %u: truncated length",
				 i, ids[i], pos);
			return -1;
		}
		len = get_le32(r->data + pos);
		pos += 4;
		if (len > r->data_len - pos) {
			snprintf(err, errlen, "field %u (%s) at data offset %u: length %u exceeds remaining %u bytes",
				 i, ids[i], pos - 4, len, r->data_len - pos);
			return -1;
		}
		fl->id = ids[i];
		fl->data = r->data + pos;
		fl->len = len;
		pos += len;
		r->nfields = i + 1;
		if (decode_field(r, fl, err, errlen))
			return -1;
	}
	if (pos != r->data_len) {
		snprintf(err, errlen, "%u bytes after the last field (%s)",
			 r->data_len - pos, ids[n - 1]);
		return -1;
	}
	return 0;
}


/* ima_show_template_data_ascii(): DATA_FMT_DIGEST_WITH_ALGO and
 * _WITH_TYPE_AND_ALGO print the "[type:]algo:" prefix (when it is not
 * empty) and the digest after its NUL in hex; a field without that shape
 * (not written by a kernel) is printed all in hex */
static void ascii_digest_ng(FILE *f, const struct ima_field *fl)
{
	const uint8_t *nul = memchr(fl->data, '\0', fl->len);
	size_t hdr = nul ? (size_t)(nul - fl->data) : 0;

	if (!nul || !hdr || fl->data[hdr - 1] != ':') {
		put_hex(f, fl->data, fl->len);
		return;
	}
	fwrite(fl->data, 1, hdr, f);
	put_hex(f, nul + 1, fl->len - hdr - 1);
}

/* DATA_FMT_UINT: the kernel prints 1, 2, 4 and 8-byte fields with %u /
 * %llu (little-endian as stored here), any other size as nothing */
static void ascii_uint(FILE *f, const struct ima_field *fl)
{
	uint64_t v = 0;

	if (fl->len != 1 && fl->len != 2 && fl->len != 4 && fl->len != 8)
		return;
	for (uint32_t i = fl->len; i > 0; i--)
		v = v << 8 | fl->data[i - 1];
	fprintf(f, "%llu", (unsigned long long)v);
}

int ima_record_ascii(FILE *f, const struct ima_record *r)
{
	fprintf(f, "%2u ", r->pcr);
	put_hex(f, r->digest, IMA_SHA1_LEN);
	fprintf(f, " %s", r->template_name);
	for (unsigned int i = 0; i < r->nfields; i++) {
		const struct ima_field *fl = &r->fields[i];
		const uint8_t *nul;

		fputc(' ', f);
		if (!fl->len)
			continue;
		switch (field_kind(fl->id)) {
		case F_D_NG:
		case F_D_NGV2:
		case F_D_MODSIG:
			ascii_digest_ng(f, fl);
			break;
		case F_N:
		case F_N_NG:
		case F_XATTRNAMES:
			/* DATA_FMT_STRING: "%s", up to the first NUL, unescaped */
			nul = memchr(fl->data, '\0', fl->len);
			fwrite(fl->data, 1, nul ? (size_t)(nul - fl->data) : fl->len, f);
			break;
		case F_IUID:
		case F_IGID:
		case F_IMODE:
			ascii_uint(f, fl);
			break;
		default:	/* d, sig, buf, modsig, evmsig, xattrlengths/values: hex */
			put_hex(f, fl->data, fl->len);
			break;
		}
	}
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}
