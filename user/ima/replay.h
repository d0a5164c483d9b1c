/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* PCR replay of an IMA measurement list, one running value per bank and
 * PCR 0..23, as the kernel extends them (ima_pcr_extend()):
 *   violation (zero SHA-1 template digest): PCR = H(PCR || 0xff * size)
 *   otherwise:  PCR = H(PCR || H(template data))
 * where H is the bank's hash and the template data is hashed as in
 * ima_calc_field_array_hash_tfm(): each field as u32 length + bytes, or
 * for the "ima" template digest[20] || name NUL-padded to 256 bytes.
 * A kernel that could not allocate a bank's hash at boot (Debian's 6.1
 * builds sha384/sha512 as modules, which IMA cannot load that early)
 * extends that bank with the SHA-1 template digest zero-padded to the
 * bank's size instead; each non-SHA-1 bank is also replayed that way and
 * a match of either counts (padded[] says which).
 * Expected values, when set, are compared after every extend; the first
 * entry at which the running value equals the expected one is kept
 * ("a match anywhere in the list counts", as evmctl and Keylime do). */
#ifndef IKT_REPLAY_H
#define IKT_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <openssl/evp.h>
#include "imalog.h"
#include "util.h"

#define REPLAY_MAX_BANKS 8
#define REPLAY_MAX_DIGEST 64
#define REPLAY_BANK_NAME 16

struct replay_bank {
	char name[REPLAY_BANK_NAME];	/* TPM sysfs name: sha1, sha256, sm3_256 */
	EVP_MD *md;			/* fetched once (EVP_MD_fetch), owned */
	EVP_MD_CTX *ctx;		/* this bank's context, reused per hash */
	bool is_sha1;			/* reuse the template-digest SHA-1 */
	unsigned int size;
	uint8_t pcr[IMA_NPCR][REPLAY_MAX_DIGEST];
	uint8_t pcr_pad[IMA_NPCR][REPLAY_MAX_DIGEST];	/* SHA-1-padded replay */
	bool padded[IMA_NPCR];	/* the match was of the padded replay */
	bool want[IMA_NPCR];		/* expected value set */
	uint8_t expected[IMA_NPCR][REPLAY_MAX_DIGEST];
	bool matched[IMA_NPCR];
	int64_t match_index[IMA_NPCR];	/* list index; -1: before any entry */
	uint64_t entries_at_match[IMA_NPCR];	/* entries of this PCR by then */
};

struct replay {
	unsigned int nbanks;
	struct replay_bank banks[REPLAY_MAX_BANKS];
	EVP_MD_CTX *ctx;		/* SHA-1 of template data */
	EVP_MD *sha1;			/* fetched once, owned */
	uint64_t total;			/* records replayed */
	uint64_t violations;
	uint64_t entries[IMA_NPCR];	/* records per PCR */
	uint64_t digest_errors;		/* template digest != SHA-1(data) */
	int64_t first_digest_error;	/* list index, -1 if none */
};

/* EVP digest for a TPM bank name, NULL if unknown or not in OpenSSL */
const EVP_MD *replay_bank_md(const char *bank);
int replay_init(struct replay *rp);
void replay_free(struct replay *rp);
/* bank index (existing or new); -1 unsupported or too many banks */
int replay_add_bank(struct replay *rp, const char *bank);
int replay_find_bank(const struct replay *rp, const char *bank);
/* val has the bank's digest size */
void replay_expect(struct replay *rp, int bank, unsigned int pcr, const uint8_t *val);
/* H(template data) as the kernel computes it; 0 or -1 */
int replay_template_hash(EVP_MD_CTX *ctx, const EVP_MD *md,
			 const struct ima_record *rec, uint8_t *out);
/* extend every bank with rec; *digest_ok false when the logged SHA-1
 * template digest differs from SHA-1 of the data (not for violations).
 * 0, or -1 on a libcrypto failure. */
int replay_extend(struct replay *rp, const struct ima_record *rec, bool *digest_ok);

#endif
