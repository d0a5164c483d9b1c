// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* PCR replay with OpenSSL EVP; see replay.h. */
#include <string.h>
#include "replay.h"
#include "util.h"

static const struct {
	const char *bank;
	const char *evp;
} bank_names[] = {
	{ "sha1", "SHA1" },
	{ "sha256", "SHA256" },
	{ "sha384", "SHA384" },
	{ "sha512", "SHA512" },
	{ "sm3_256", "SM3" },
};

/* OpenSSL name of a TPM bank, NULL if unknown */
static const char *bank_evp_name(const char *bank)
{
	for (size_t i = 0; i < ARRAY_SIZE(bank_names); i++)
		if (!strcmp(bank_names[i].bank, bank))
			return bank_names[i].evp;
	return NULL;
}

const EVP_MD *replay_bank_md(const char *bank)
{
	const char *evp = bank_evp_name(bank);

	return evp ? EVP_get_digestbyname(evp) : NULL;
}

/* Digests are fetched once (EVP_MD_fetch) and each has its own context:
 * EVP_DigestInit_ex() with EVP_sha1() & co. fetches the provider
 * implementation again on every call, and switching one context between
 * algorithms frees and reallocates its provider state each time. */
int replay_init(struct replay *rp)
{
	memset(rp, 0, sizeof(*rp));
	rp->first_digest_error = -1;
	rp->sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	rp->ctx = EVP_MD_CTX_new();
	if (!rp->sha1 || !rp->ctx) {
		replay_free(rp);
		return -1;
	}
	return 0;
}

void replay_free(struct replay *rp)
{
	for (unsigned int i = 0; i < rp->nbanks; i++) {
		EVP_MD_CTX_free(rp->banks[i].ctx);
		EVP_MD_free(rp->banks[i].md);
		rp->banks[i].ctx = NULL;
		rp->banks[i].md = NULL;
	}
	EVP_MD_CTX_free(rp->ctx);
	EVP_MD_free(rp->sha1);
	rp->ctx = NULL;
	rp->sha1 = NULL;
}

int replay_find_bank(const struct replay *rp, const char *bank)
{
	for (unsigned int i = 0; i < rp->nbanks; i++)
		if (!strcmp(rp->banks[i].name, bank))
			return (int)i;
	return -1;
}

int replay_add_bank(struct replay *rp, const char *bank)
{
	struct replay_bank *b;
	const char *evp = bank_evp_name(bank);
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	int i = replay_find_bank(rp, bank), size;

	if (i >= 0)
		return i;
	if (!evp || rp->nbanks >= REPLAY_MAX_BANKS || strlen(bank) >= REPLAY_BANK_NAME)
		return -1;
	md = EVP_MD_fetch(NULL, evp, NULL);
	if (!md)
		return -1;
	size = EVP_MD_get_size(md);
	ctx = EVP_MD_CTX_new();
	if (size <= 0 || size > REPLAY_MAX_DIGEST || !ctx) {
		EVP_MD_CTX_free(ctx);
		EVP_MD_free(md);
		return -1;
	}
	b = &rp->banks[rp->nbanks];
	memset(b, 0, sizeof(*b));
	strcpy(b->name, bank);
	b->md = md;
	b->ctx = ctx;
	b->is_sha1 = EVP_MD_is_a(md, "SHA1");
	b->size = (unsigned int)size;
	return (int)rp->nbanks++;
}

void replay_expect(struct replay *rp, int bank, unsigned int pcr, const uint8_t *val)
{
	struct replay_bank *b = &rp->banks[bank];

	if (pcr >= IMA_NPCR)
		return;
	b->want[pcr] = true;
	memcpy(b->expected[pcr], val, b->size);
	/* a PCR still in its reset state matches before any entry */
	b->matched[pcr] = rp->entries[pcr] == 0 && all_zero(val, b->size);
	b->match_index[pcr] = -1;
	b->entries_at_match[pcr] = 0;
}

int replay_template_hash(EVP_MD_CTX *ctx, const EVP_MD *md,
			 const struct ima_record *rec, uint8_t *out)
{
	if (!EVP_DigestInit_ex2(ctx, md, NULL))
		return -1;
	if (rec->is_ima) {
		uint8_t name[IMALOG_EVENT_NAME_MAX + 1] = { 0 };

		if (rec->nfields != 2 || rec->fields[1].len > IMALOG_EVENT_NAME_MAX)
			return -1;
		memcpy(name, rec->fields[1].data, rec->fields[1].len);
		if (!EVP_DigestUpdate(ctx, rec->fields[0].data, rec->fields[0].len) ||
		    !EVP_DigestUpdate(ctx, name, sizeof(name)))
			return -1;
	} else if (!EVP_DigestUpdate(ctx, rec->data, rec->data_len)) {
		return -1;
	}
	return EVP_DigestFinal_ex(ctx, out, NULL) ? 0 : -1;
}

static int extend(struct replay_bank *b, uint8_t *val, const uint8_t *digest)
{
	EVP_MD_CTX *ctx = b->ctx;

	if (!EVP_DigestInit_ex2(ctx, b->md, NULL) ||
	    !EVP_DigestUpdate(ctx, val, b->size) ||
	    !EVP_DigestUpdate(ctx, digest, b->size) ||
	    !EVP_DigestFinal_ex(ctx, val, NULL))
		return -1;
	return 0;
}

static void note_match(struct replay *rp, struct replay_bank *b, unsigned int pcr,
		       const struct ima_record *rec)
{
	bool native = !memcmp(b->pcr[pcr], b->expected[pcr], b->size);

	if (!b->want[pcr] || b->matched[pcr] ||
	    (!native && (b->is_sha1 || memcmp(b->pcr_pad[pcr], b->expected[pcr], b->size))))
		return;
	b->matched[pcr] = true;
	b->padded[pcr] = !native;
	b->match_index[pcr] = (int64_t)rec->index;
	b->entries_at_match[pcr] = rp->entries[pcr];
}

int replay_extend(struct replay *rp, const struct ima_record *rec, bool *digest_ok)
{
	uint8_t digest[REPLAY_MAX_DIGEST], sha1d[IMA_SHA1_LEN];
	unsigned int pcr = rec->pcr;

	*digest_ok = true;
	if (pcr >= IMA_NPCR)
		return -1;
	if (!rec->violation) {
		if (replay_template_hash(rp->ctx, rp->sha1, rec, sha1d))
			return -1;
		if (memcmp(sha1d, rec->digest, IMA_SHA1_LEN)) {
			*digest_ok = false;
			if (rp->first_digest_error < 0)
				rp->first_digest_error = (int64_t)rec->index;
			rp->digest_errors++;
		}
	} else {
		rp->violations++;
	}
	rp->entries[pcr]++;
	rp->total++;
	for (unsigned int i = 0; i < rp->nbanks; i++) {
		struct replay_bank *b = &rp->banks[i];

		if (rec->violation)
			memset(digest, 0xff, b->size);
		else if (b->is_sha1)
			memcpy(digest, sha1d, sizeof(sha1d));
		else if (replay_template_hash(b->ctx, b->md, rec, digest))
			return -1;
		if (extend(b, b->pcr[pcr], digest))
			return -1;
		if (!b->is_sha1) {
			if (!rec->violation) {
				memset(digest, 0, b->size);
				memcpy(digest, sha1d, sizeof(sha1d));
			}
			if (extend(b, b->pcr_pad[pcr], digest))
				return -1;
		}
		note_match(rp, b, pcr, rec);
	}
	return 0;
}
