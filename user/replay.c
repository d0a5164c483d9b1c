// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* PCR replay with OpenSSL EVP; see replay.h. */
#include <string.h>
#include <openssl/objects.h>
#include "replay.h"

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

const EVP_MD *replay_bank_md(const char *bank)
{
	for (size_t i = 0; i < sizeof(bank_names) / sizeof(bank_names[0]); i++)
		if (!strcmp(bank_names[i].bank, bank))
			return EVP_get_digestbyname(bank_names[i].evp);
	return NULL;
}

int replay_init(struct replay *rp)
{
	memset(rp, 0, sizeof(*rp));
	rp->first_digest_error = -1;
	rp->sha1 = EVP_sha1();
	rp->ctx = EVP_MD_CTX_new();
	return rp->ctx ? 0 : -1;
}

void replay_free(struct replay *rp)
{
	EVP_MD_CTX_free(rp->ctx);
	rp->ctx = NULL;
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
	const EVP_MD *md;
	int i = replay_find_bank(rp, bank), size;

	if (i >= 0)
		return i;
	md = replay_bank_md(bank);
	if (!md || rp->nbanks >= REPLAY_MAX_BANKS || strlen(bank) >= REPLAY_BANK_NAME)
		return -1;
	size = EVP_MD_get_size(md);
	if (size <= 0 || size > REPLAY_MAX_DIGEST)
		return -1;
	b = &rp->banks[rp->nbanks];
	memset(b, 0, sizeof(*b));
	strcpy(b->name, bank);
	b->md = md;
	b->size = (unsigned int)size;
	return (int)rp->nbanks++;
}

static bool is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

void replay_expect(struct replay *rp, int bank, unsigned int pcr, const uint8_t *val)
{
	struct replay_bank *b = &rp->banks[bank];

	if (pcr >= REPLAY_NPCR)
		return;
	b->want[pcr] = true;
	memcpy(b->expected[pcr], val, b->size);
	/* a PCR still in its reset state matches before any entry */
	b->matched[pcr] = rp->entries[pcr] == 0 && is_zero(val, b->size);
	b->match_index[pcr] = -1;
	b->entries_at_match[pcr] = 0;
}

int replay_template_hash(EVP_MD_CTX *ctx, const EVP_MD *md,
			 const struct ima_record *rec, uint8_t *out)
{
	if (!EVP_DigestInit_ex(ctx, md, NULL))
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

static int extend(EVP_MD_CTX *ctx, struct replay_bank *b, unsigned int pcr,
		  const uint8_t *digest)
{
	if (!EVP_DigestInit_ex(ctx, b->md, NULL) ||
	    !EVP_DigestUpdate(ctx, b->pcr[pcr], b->size) ||
	    !EVP_DigestUpdate(ctx, digest, b->size) ||
	    !EVP_DigestFinal_ex(ctx, b->pcr[pcr], NULL))
		return -1;
	return 0;
}

int replay_extend(struct replay *rp, const struct ima_record *rec, bool *digest_ok)
{
	uint8_t digest[REPLAY_MAX_DIGEST], sha1d[IMALOG_DIGEST_SIZE];
	unsigned int pcr = rec->pcr;

	*digest_ok = true;
	if (pcr >= REPLAY_NPCR)
		return -1;
	if (!rec->violation) {
		if (replay_template_hash(rp->ctx, rp->sha1, rec, sha1d))
			return -1;
		if (memcmp(sha1d, rec->digest, IMALOG_DIGEST_SIZE)) {
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
		else if (EVP_MD_get_type(b->md) == NID_sha1)
			memcpy(digest, sha1d, sizeof(sha1d));
		else if (replay_template_hash(rp->ctx, b->md, rec, digest))
			return -1;
		if (extend(rp->ctx, b, pcr, digest))
			return -1;
		if (b->want[pcr] && !b->matched[pcr] &&
		    !memcmp(b->pcr[pcr], b->expected[pcr], b->size)) {
			b->matched[pcr] = true;
			b->match_index[pcr] = (int64_t)rec->index;
			b->entries_at_match[pcr] = rp->entries[pcr];
		}
	}
	return 0;
}
