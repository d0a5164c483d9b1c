// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The evidence file parser and every check of verify --evidence, on
 * quotes made here: a TPMS_ATTEST marshalled with tss2-mu and signed with
 * an OpenSSL key as a TPM signs (H_scheme(attest), RSASSA / RSAPSS /
 * ECDSA), over a chain of two generated lists whose PCR values libima
 * replays. (Quotes of a real TPM, swtpm, are checked by tests/evidence/run.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <tss2/tss2_mu.h>
#include "evfile.h"
#include "evverify.h"
#include "quote.h"
#include "../unit/imalog_build.h"
#include "swtpm_evidence.h"
#include <openssl/pem.h>

static EVP_PKEY *rsa, *rsa2, *ec;
static struct tbuf prior, cur, crafted;
static const uint8_t nonce[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				   17, 18, 19, 20 };

struct opts {
	EVP_PKEY *key;
	uint16_t sigalg;	/* TPM2_ALG_RSASSA (default), RSAPSS, ECDSA, HMAC */
	uint32_t magic;		/* 0: TPM2_GENERATED_VALUE */
	uint16_t type;		/* 0: quote */
	bool trailing;		/* a byte after the TPMS_ATTEST, signed */
	const uint8_t *nonce;
	size_t nlen;
	int sel;		/* 1: PCR 0 too; 2: banks swapped; 3: an empty sha384 bank;
				 * 4: sha1 alone selected (its digest right), two reported */
	bool bad_value;		/* report a changed sha1 value (digest of the true ones) */
	int chain;		/* 1: prior crafted; 2: prior left out; 3: two priors reordered */
};

static uint8_t attest_buf[4096], sig_buf[1024];
static uint8_t file_buf[1 << 18];
static size_t file_len;
static struct evidence ev;

/* PCR 10 after the lists, per bank (sha1, sha256) */
static void replay_lists(const struct tbuf *const *l, unsigned int n, struct ev_pcr *out)
{
	static struct replay rp;
	struct ima_record r;
	struct imalog log;
	bool ok;

	assert_int_equal(replay_init(&rp), 0);
	assert_int_equal(replay_add_bank(&rp, "sha1"), 0);
	assert_int_equal(replay_add_bank(&rp, "sha256"), 1);
	for (unsigned int i = 0; i < n; i++) {
		FILE *f = fmemopen((void *)l[i]->b, l[i]->n, "r");

		imalog_init_fp(&log, f, "t");
		while (imalog_next(&log, &r) > 0)
			assert_int_equal(replay_extend(&rp, &r, &ok), 0);
		imalog_close(&log);
		fclose(f);
	}
	out[0] = (struct ev_pcr){ .alg = TPM2_ALG_SHA1, .pcr = 10, .size = 20 };
	out[1] = (struct ev_pcr){ .alg = TPM2_ALG_SHA256, .pcr = 10, .size = 32 };
	memcpy(out[0].value, rp.banks[0].pcr[10], 20);
	memcpy(out[1].value, rp.banks[1].pcr[10], 32);
	replay_free(&rp);
}

static void sign(const struct opts *o, const uint8_t *msg, size_t len, TPMT_SIGNATURE *s)
{
	EVP_PKEY *key = o->key ? o->key : rsa;
	uint16_t alg = o->sigalg ? o->sigalg : (key == ec ? TPM2_ALG_ECDSA : TPM2_ALG_RSASSA);
	uint8_t dig[32], out[512];
	size_t olen = sizeof(out);
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(key, NULL);

	EVP_Digest(msg, len, dig, NULL, EVP_sha256(), NULL);
	assert_true(EVP_PKEY_sign_init(c) > 0);
	assert_true(EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) > 0);
	if (alg == TPM2_ALG_RSAPSS) {
		assert_true(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0);
		assert_true(EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 32) > 0);
	}
	assert_true(EVP_PKEY_sign(c, out, &olen, dig, 32) > 0);
	EVP_PKEY_CTX_free(c);
	memset(s, 0, sizeof(*s));
	s->sigAlg = alg;
	if (alg == TPM2_ALG_ECDSA) {
		const uint8_t *p = out;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)olen);
		const BIGNUM *r, *sv;

		ECDSA_SIG_get0(es, &r, &sv);
		s->signature.ecdsa.hash = TPM2_ALG_SHA256;
		s->signature.ecdsa.signatureR.size = (UINT16)BN_bn2bin(r, s->signature.ecdsa.signatureR.buffer);
		s->signature.ecdsa.signatureS.size = (UINT16)BN_bn2bin(sv, s->signature.ecdsa.signatureS.buffer);
		ECDSA_SIG_free(es);
	} else if (alg == TPM2_ALG_HMAC) {
		s->signature.hmac.hashAlg = TPM2_ALG_SHA256;
		s->signature.hmac.digest.sha256[0] = 1;
	} else {
		s->signature.rsassa.hash = TPM2_ALG_SHA256;
		s->signature.rsassa.sig.size = (UINT16)olen;
		memcpy(s->signature.rsassa.sig.buffer, out, olen);
	}
}

/* an evidence file per o, parsed back into ev */
static void build(const struct opts *o)
{
	static struct tbuf prior2;
	const struct tbuf *lists[3] = { &prior, &cur };
	TPMS_ATTEST a = { 0 };
	TPMT_SIGNATURE s;
	struct ev_pcr vals[2];
	uint8_t dig[32];
	unsigned int dl;
	size_t off = 0, soff = 0;
	char err[256];
	FILE *f;

	replay_lists(lists, 2, vals);
	a.magic = o->magic ? o->magic : TPM2_GENERATED_VALUE;
	a.type = o->type ? o->type : TPM2_ST_ATTEST_QUOTE;
	a.extraData.size = (UINT16)(o->nonce ? o->nlen : sizeof(nonce));
	memcpy(a.extraData.buffer, o->nonce ? o->nonce : nonce, a.extraData.size);
	a.clockInfo.clock = 123456;
	a.clockInfo.resetCount = 7;
	a.clockInfo.restartCount = 0;
	a.clockInfo.safe = 1;
	TPML_PCR_SELECTION *sel = &a.attested.quote.pcrSelect;

	sel->count = 2;
	sel->pcrSelections[0] = (TPMS_PCR_SELECTION){ TPM2_ALG_SHA1, 3, { 0, 4, 0 } };
	sel->pcrSelections[1] = (TPMS_PCR_SELECTION){ TPM2_ALG_SHA256, 3, { 0, 4, 0 } };
	if (o->sel == 1)
		sel->pcrSelections[1].pcrSelect[0] = 1;
	if (o->sel == 2) {
		sel->pcrSelections[0].hash = TPM2_ALG_SHA256;
		sel->pcrSelections[1].hash = TPM2_ALG_SHA1;
	}
	if (o->sel == 3)
		sel->pcrSelections[sel->count++] = (TPMS_PCR_SELECTION){ TPM2_ALG_SHA384, 3, { 0 } };
	if (o->sel == 4)	/* the quote selects sha1 only; two values reported */
		sel->count = 1;
	assert_int_equal(quote_pcr_digest(TPM2_ALG_SHA256, vals, o->sel == 4 ? 1 : 2, dig, &dl), 0);
	a.attested.quote.pcrDigest.size = (UINT16)dl;
	memcpy(a.attested.quote.pcrDigest.buffer, dig, dl);
	assert_int_equal(Tss2_MU_TPMS_ATTEST_Marshal(&a, attest_buf, sizeof(attest_buf), &off), 0);
	if (o->trailing)
		attest_buf[off++] = 0;
	sign(o, attest_buf, off, &s);
	assert_int_equal(Tss2_MU_TPMT_SIGNATURE_Marshal(&s, sig_buf, sizeof(sig_buf), &soff), 0);

	memset(&ev, 0, sizeof(ev));
	ev.attest = attest_buf;
	ev.attest_len = off;
	ev.sig = sig_buf;
	ev.sig_len = soff;
	ev.nbanks = 2;
	memcpy(ev.pcrs, vals, sizeof(vals));
	if (o->bad_value)
		ev.pcrs[0].value[0] ^= 1;
	if (o->chain == 3) {	/* the real prior split in two, handed over reversed */
		size_t half = 0;
		FILE *pf = fmemopen(prior.b, prior.n, "r");
		struct imalog l;
		struct ima_record r;

		imalog_init_fp(&l, pf, "p");
		imalog_next(&l, &r);
		half = l.offset;
		imalog_close(&l);
		fclose(pf);
		prior2.n = 0;
		tb_put(&prior2, prior.b + half, prior.n - half);
		ev.carries[ev.ncarries++] = (struct ev_list){ "b", prior2.b, prior2.n };
		ev.carries[ev.ncarries++] = (struct ev_list){ "a", prior.b, half };
	} else if (o->chain == 1) {
		ev.carries[ev.ncarries++] = (struct ev_list){ "a", crafted.b, crafted.n };
	} else if (o->chain != 2) {
		ev.carries[ev.ncarries++] = (struct ev_list){ "aaaa-1", prior.b, prior.n };
	}
	ev.current = (struct ev_list){ "bbbb-2", cur.b, cur.n };
	f = fmemopen(file_buf, sizeof(file_buf), "w");
	assert_int_equal(evfile_write(f, &ev), 0);
	file_len = (size_t)ftell(f);
	fclose(f);
	assert_int_equal(evfile_parse(file_buf, file_len, &ev, err, sizeof(err)), 0);
}

/* verify; the first failed check (-1: verified) */
static int check(const struct opts *o, const uint8_t *n, size_t nlen, EVP_PKEY *key)
{
	static struct ev_verdict v;
	char err[256];
	int failed = -1;

	build(o);
	assert_int_equal(ev_verify(&ev, key ? key : rsa, n ? n : nonce, n ? nlen : sizeof(nonce),
				   &v, err, sizeof(err)), 0);
	for (int c = 0; c < EVC_N && failed < 0; c++)
		if (!v.c[c].ran || !v.c[c].ok)
			failed = c;
	assert_int_equal(v.verified, failed < 0);
	ev_verdict_free(&v);
	return failed;
}

static int setup(void **state)
{
	(void)state;
	rsa = EVP_RSA_gen(2048);
	rsa2 = EVP_RSA_gen(2048);
	ec = EVP_EC_gen("P-256");
	prior.n = cur.n = crafted.n = 0;
	tb_ima_ng(&prior, 10, 0x11, "boot_aggregate", 0);
	tb_ima_ng(&prior, 10, 0x12, "/bin/a", 0);
	tb_ima_ng(&prior, 10, 0x13, "/bin/b", 1);
	tb_ima_ng(&cur, 10, 0x21, "boot_aggregate", 0);
	tb_ima_ng(&cur, 10, 0x22, "/bin/c", 0);
	/* the real prior + a copy of the current list + one fabricated record */
	tb_put(&crafted, prior.b, prior.n);
	tb_put(&crafted, cur.b, cur.n);
	tb_ima_ng(&crafted, 10, 0x66, "/fabricated", 0);
	return rsa && rsa2 && ec ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa2);
	EVP_PKEY_free(ec);
	return 0;
}

static void test_roundtrip(void **state)
{
	(void)state;
	build(&(struct opts){ 0 });
	assert_int_equal(ev.version, 1);
	assert_int_equal(ev.nbanks, 2);
	assert_int_equal(ev.pcrs[1].alg, TPM2_ALG_SHA256);
	assert_int_equal(ev.ncarries, 1);
	assert_string_equal(ev.carries[0].id, "aaaa-1");
	assert_int_equal(ev.carries[0].len, prior.n);
	assert_memory_equal(ev.current.data, cur.b, cur.n);
	assert_string_equal(ev.current.id, "bbbb-2");
}

/* every prefix is refused (truncation anywhere), and so are a byte
 * after END and every single-byte change of the header */
static void test_parse_bounds(void **state)
{
	static uint8_t b[sizeof(file_buf) + 1];
	struct evidence e;
	char err[256];

	(void)state;
	build(&(struct opts){ 0 });
	memcpy(b, file_buf, file_len);
	for (size_t n = 0; n < file_len; n++)
		assert_int_equal(evfile_parse(b, n, &e, err, sizeof(err)), -1);
	b[file_len] = 0;
	assert_int_equal(evfile_parse(b, file_len + 1, &e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "after END"));
	for (size_t i = 0; i < EV_HEADER_LEN; i++) {
		b[i] ^= 0x40;
		assert_int_equal(evfile_parse(b, file_len, &e, err, sizeof(err)), -1);
		b[i] ^= 0x40;
	}
	/* a PCR value size that is not the algorithm's */
	b[EV_HEADER_LEN + 12 + ev.attest_len + 12 + ev.sig_len + 12 + 4 + 4]++;
	assert_int_equal(evfile_parse(b, file_len, &e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected 20"));
}

static void test_parse_order(void **state)
{
	static uint8_t b[sizeof(file_buf)];
	size_t at = EV_HEADER_LEN;
	struct evidence e;
	char err[256];

	(void)state;
	build(&(struct opts){ 0 });
	memcpy(b, file_buf, file_len);
	b[at] = EV_SEC_SIGNATURE;	/* SIGNATURE where ATTEST belongs */
	assert_int_equal(evfile_parse(b, file_len, &e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ATTEST expected"));
	/* a boot id holding '/' */
	memcpy(b, file_buf, file_len);
	for (at = 0; at + 6 < file_len && memcmp(b + at, "aaaa-1", 6); at++)
		;
	b[at] = '/';
	assert_int_equal(evfile_parse(b, file_len, &e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "boot id byte 0"));
}

static void test_verified(void **state)
{
	(void)state;
	assert_int_equal(check(&(struct opts){ 0 }, NULL, 0, NULL), -1);
	assert_int_equal(check(&(struct opts){ .key = ec }, NULL, 0, ec), -1);
	assert_int_equal(check(&(struct opts){ .sigalg = TPM2_ALG_RSAPSS }, NULL, 0, NULL), -1);
	/* a bank requested but not allocated: empty bitmap, no value */
	assert_int_equal(check(&(struct opts){ .sel = 3 }, NULL, 0, NULL), -1);
}

static void test_signature(void **state)
{
	(void)state;
	assert_int_equal(check(&(struct opts){ 0 }, NULL, 0, rsa2), EVC_SIGNATURE);
	assert_int_equal(check(&(struct opts){ 0 }, NULL, 0, ec), EVC_SIGNATURE);
	assert_int_equal(check(&(struct opts){ .sigalg = TPM2_ALG_HMAC }, NULL, 0, NULL),
			 EVC_SIGNATURE);
	/* the signed bytes changed after signing */
	build(&(struct opts){ 0 });
	{
		static struct ev_verdict v;
		char err[64];

		attest_buf[ev.attest_len - 1] ^= 1;
		ev.attest = attest_buf;
		assert_int_equal(ev_verify(&ev, rsa, nonce, sizeof(nonce), &v, err, sizeof(err)), 0);
		assert_false(v.c[EVC_SIGNATURE].ok);
		assert_false(v.verified);
		ev_verdict_free(&v);
	}
}

static void test_magic_type_trailing(void **state)
{
	(void)state;
	assert_int_equal(check(&(struct opts){ .magic = 0xff544348 }, NULL, 0, NULL), EVC_MAGIC);
	assert_int_equal(check(&(struct opts){ .type = TPM2_ST_ATTEST_TIME }, NULL, 0, NULL),
			 EVC_TYPE);
	assert_int_equal(check(&(struct opts){ .trailing = true }, NULL, 0, NULL), EVC_TRAILING);
}

static void test_nonce(void **state)
{
	static const uint8_t other[20] = { 9 };

	(void)state;
	assert_int_equal(check(&(struct opts){ 0 }, other, sizeof(other), NULL), EVC_NONCE);
	assert_int_equal(check(&(struct opts){ 0 }, nonce, 19, NULL), EVC_NONCE);
}

static void test_selection(void **state)
{
	(void)state;
	assert_int_equal(check(&(struct opts){ .sel = 1 }, NULL, 0, NULL), EVC_SELECTION);
	assert_int_equal(check(&(struct opts){ .sel = 2 }, NULL, 0, NULL), EVC_SELECTION);
	/* a value reported that the quote does not cover: the selection
	 * check names it (not only the digest's) */
	assert_int_equal(check(&(struct opts){ .sel = 4 }, NULL, 0, NULL), EVC_SELECTION);
}

static void test_pcr_digest(void **state)
{
	(void)state;
	assert_int_equal(check(&(struct opts){ .bad_value = true }, NULL, 0, NULL),
			 EVC_PCR_DIGEST);
}

static void test_replay(void **state)
{
	static struct ev_verdict v;
	char err[64];

	(void)state;
	assert_int_equal(check(&(struct opts){ .chain = 1 }, NULL, 0, NULL), EVC_REPLAY);
	build(&(struct opts){ .chain = 1 });
	assert_int_equal(ev_verify(&ev, rsa, nonce, sizeof(nonce), &v, err, sizeof(err)), 0);
	assert_non_null(strstr(v.c[EVC_REPLAY].why, "reached inside carry 1 (a) entry 4"));
	ev_verdict_free(&v);
	assert_int_equal(check(&(struct opts){ .chain = 2 }, NULL, 0, NULL), EVC_REPLAY);
	assert_int_equal(check(&(struct opts){ .chain = 3 }, NULL, 0, NULL), EVC_REPLAY);
}

/* a quote swtpm made (swtpm_evidence.h), with values checked by hand:
 * the PCR 10 the TPM read back (tpm2_pcrread) and an independent replay of
 * the two lists agree; the quote carries the nonce, TPM_GENERATED, the
 * quote type and restartCount 0 (swtpm started once); another nonce fails
 * only the nonce check */
static void test_swtpm_quote(void **state)
{
	static const char *const want[][2] = {
		{ "sha1", "2ee761239ad3e0e132ddf2b3bc1bb9363bd4cb7e" },
		{ "sha256", "d4762addaadee3f5618df44264fa014b881db66d3a3e2b652d0322156a5be273" },
	};
	static const uint8_t n20[] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
				       0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33 };
	struct evidence e;
	struct ev_verdict v;
	char err[256], hex[2 * EV_DIGEST_MAX + 1];
	BIO *bio = BIO_new_mem_buf(swtpm_ak_pem, -1);
	EVP_PKEY *ak = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	unsigned int found = 0;

	(void)state;
	BIO_free(bio);
	assert_non_null(ak);
	assert_int_equal(evfile_parse(swtpm_ev, sizeof(swtpm_ev), &e, err, sizeof(err)), 0);
	assert_int_equal(e.ncarries, 1);
	for (unsigned int i = 0; i < e.nbanks; i++)
		for (size_t w = 0; w < 2; w++) {
			if (strcmp(ev_alg_name(e.pcrs[i].alg), want[w][0]) || e.pcrs[i].pcr != 10)
				continue;
			for (unsigned int b = 0; b < e.pcrs[i].size; b++)
				snprintf(hex + 2 * b, 3, "%02x", e.pcrs[i].value[b]);
			assert_string_equal(hex, want[w][1]);
			found++;
		}
	assert_int_equal(found, 2);
	assert_int_equal(ev_verify(&e, ak, n20, sizeof(n20), &v, err, sizeof(err)), 0);
	assert_true(v.verified);
	assert_true(v.attest_parsed);
	assert_int_equal(v.attest.magic, TPM2_GENERATED_VALUE);
	assert_int_equal(v.attest.type, TPM2_ST_ATTEST_QUOTE);
	assert_int_equal(v.attest.extraData.size, sizeof(n20));
	assert_memory_equal(v.attest.extraData.buffer, n20, sizeof(n20));
	assert_int_equal(v.attest.clockInfo.restartCount, 0);
	assert_int_equal(v.sig.sigAlg, TPM2_ALG_RSASSA);
	ev_verdict_free(&v);
	assert_int_equal(ev_verify(&e, ak, n20, sizeof(n20) - 1, &v, err, sizeof(err)), 0);
	assert_false(v.verified);
	assert_false(v.c[EVC_NONCE].ok);
	assert_true(v.c[EVC_SIGNATURE].ok);
	ev_verdict_free(&v);
	EVP_PKEY_free(ak);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_parse_order),
		cmocka_unit_test(test_verified),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_magic_type_trailing),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_pcr_digest),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_swtpm_quote),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
