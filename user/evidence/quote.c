// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Quote parsing and checking; see quote.h and the facts it rests on
 * (TPM 2.0 Part 2 TPMS_ATTEST, Part 3 TPM2_Quote). */
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <tss2/tss2_mu.h>
#include "quote.h"

int quote_sig_parse(const uint8_t *buf, size_t len, TPMT_SIGNATURE *sig, char *why, size_t n)
{
	size_t off = 0;
	TSS2_RC rc;

	memset(sig, 0, sizeof(*sig));
	rc = Tss2_MU_TPMT_SIGNATURE_Unmarshal(buf, len, &off, sig);
	if (rc) {
		snprintf(why, n, "TPMT_SIGNATURE does not unmarshal (tss2-mu 0x%x)", rc);
		return -1;
	}
	if (off != len) {
		snprintf(why, n, "%zu bytes after the TPMT_SIGNATURE", len - off);
		return -1;
	}
	return 0;
}

int quote_attest_parse(const uint8_t *buf, size_t len, TPMS_ATTEST *a, size_t *used)
{
	size_t off = 0;

	memset(a, 0, sizeof(*a));
	if (Tss2_MU_TPMS_ATTEST_Unmarshal(buf, len, &off, a))
		return -1;
	*used = off;
	return 0;
}

uint16_t quote_sig_hash(const TPMT_SIGNATURE *sig)
{
	switch (sig->sigAlg) {
	case TPM2_ALG_RSASSA: return sig->signature.rsassa.hash;
	case TPM2_ALG_RSAPSS: return sig->signature.rsapss.hash;
	case TPM2_ALG_ECDSA: return sig->signature.ecdsa.hash;
	default: return 0;
	}
}

const char *quote_sig_alg_name(uint16_t sigalg)
{
	switch (sigalg) {
	case TPM2_ALG_RSASSA: return "rsassa";
	case TPM2_ALG_RSAPSS: return "rsapss";
	case TPM2_ALG_ECDSA: return "ecdsa";
	case TPM2_ALG_HMAC: return "hmac";
	case TPM2_ALG_NULL: return "null";
	default: return "other";
	}
}

const EVP_MD *quote_md(uint16_t alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1: return EVP_sha1();
	case TPM2_ALG_SHA256: return EVP_sha256();
	case TPM2_ALG_SHA384: return EVP_sha384();
	case TPM2_ALG_SHA512: return EVP_sha512();
	case TPM2_ALG_SM3_256: return EVP_sm3();
	default: return NULL;
	}
}

/* r || s as a DER ECDSA-Sig-Value; its length, 0 on failure */
static int ecdsa_der(const TPMS_SIGNATURE_ECC *e, uint8_t **der)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(e->signatureR.buffer, e->signatureR.size, NULL);
	BIGNUM *sv = BN_bin2bn(e->signatureS.buffer, e->signatureS.size, NULL);
	int len = 0;

	if (s && r && sv && ECDSA_SIG_set0(s, r, sv)) {
		r = sv = NULL;	/* owned by s */
		len = i2d_ECDSA_SIG(s, der);
	}
	BN_free(r);
	BN_free(sv);
	ECDSA_SIG_free(s);
	return len > 0 ? len : 0;
}

int quote_sig_verify(EVP_PKEY *key, const TPMT_SIGNATURE *sig, const uint8_t *msg,
		     size_t len, char *why, size_t n)
{
	uint16_t halg = quote_sig_hash(sig);
	const EVP_MD *md = quote_md(halg);
	uint8_t dig[EVP_MAX_MD_SIZE], *der = NULL;
	const uint8_t *s = NULL;
	size_t slen = 0;
	unsigned int dlen;
	EVP_PKEY_CTX *ctx = NULL;
	int ret = -1, rc, want;

	if (!halg || !md) {
		snprintf(why, n, "signature scheme %s (0x%04x) with hash 0x%04x is not RSASSA, "
			 "RSAPSS or ECDSA with a known hash", quote_sig_alg_name(sig->sigAlg),
			 sig->sigAlg, halg);
		return 1;
	}
	want = sig->sigAlg == TPM2_ALG_ECDSA ? EVP_PKEY_EC : EVP_PKEY_RSA;
	if (EVP_PKEY_get_base_id(key) != want) {
		snprintf(why, n, "%s signature, but the AK is %s key",
			 quote_sig_alg_name(sig->sigAlg),
			 EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? "an EC" :
			 EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? "an RSA" : "another kind of");
		return 1;
	}
	if (!EVP_Digest(msg, len, dig, &dlen, md, NULL))
		return -1;
	if (sig->sigAlg == TPM2_ALG_ECDSA) {
		int l = ecdsa_der(&sig->signature.ecdsa, &der);

		if (!l) {
			snprintf(why, n, "ECDSA r/s do not form a signature");
			return 1;
		}
		s = der;
		slen = (size_t)l;
	} else {
		s = sig->signature.rsassa.sig.buffer;	/* rsapss has the same layout */
		slen = sig->signature.rsassa.sig.size;
	}
	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (!ctx || EVP_PKEY_verify_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0)
		goto out;
	if (sig->sigAlg == TPM2_ALG_RSASSA &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
		goto out;
	if (sig->sigAlg == TPM2_ALG_RSAPSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) <= 0))
		goto out;
	rc = EVP_PKEY_verify(ctx, s, slen, dig, dlen);
	if (rc == 1) {
		ret = 0;
	} else {
		snprintf(why, n, "the %s signature does not verify with the AK's public key",
			 quote_sig_alg_name(sig->sigAlg));
		ret = 1;
	}
out:
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_free(der);
	return ret;
}

int quote_pcr_digest(uint16_t alg, const struct ev_pcr *pcrs, unsigned int n,
		     uint8_t *out, unsigned int *outlen)
{
	const EVP_MD *md = quote_md(alg);
	EVP_MD_CTX *c;
	int ok;

	if (!md || !(c = EVP_MD_CTX_new()))
		return -1;
	ok = EVP_DigestInit_ex(c, md, NULL);
	for (unsigned int i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(c, pcrs[i].value, pcrs[i].size);
	ok = ok && EVP_DigestFinal_ex(c, out, outlen);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *b)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(b);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *key = NULL;

	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return key;
}

EVP_PKEY *quote_pkey_from_public(const TPMT_PUBLIC *pub)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	EVP_PKEY *key = NULL;
	BIGNUM *nn = NULL, *e = NULL;

	if (!b)
		return NULL;
	if (pub->type == TPM2_ALG_RSA) {
		uint32_t exp = pub->parameters.rsaDetail.exponent;

		nn = BN_bin2bn(pub->unique.rsa.buffer, pub->unique.rsa.size, NULL);
		e = BN_new();
		if (nn && e && BN_set_word(e, exp ? exp : 65537) &&
		    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, nn) &&
		    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e))
			key = from_params("RSA", b);
	} else if (pub->type == TPM2_ALG_ECC) {
		const TPMS_ECC_POINT *p = &pub->unique.ecc;
		const char *curve = NULL;
		uint8_t pt[1 + 2 * TPM2_MAX_ECC_KEY_BYTES];

		switch (pub->parameters.eccDetail.curveID) {
		case TPM2_ECC_NIST_P256: curve = "prime256v1"; break;
		case TPM2_ECC_NIST_P384: curve = "secp384r1"; break;
		case TPM2_ECC_NIST_P521: curve = "secp521r1"; break;
		}
		pt[0] = 0x04;
		if (curve && p->x.size == p->y.size && p->x.size <= TPM2_MAX_ECC_KEY_BYTES) {
			memcpy(pt + 1, p->x.buffer, p->x.size);
			memcpy(pt + 1 + p->x.size, p->y.buffer, p->y.size);
			if (OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, curve, 0) &&
			    OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pt,
							     1 + 2 * (size_t)p->x.size))
				key = from_params("EC", b);
		}
	}
	BN_free(nn);
	BN_free(e);
	OSSL_PARAM_BLD_free(b);
	return key;
}

bool quote_sel_only(const TPMS_PCR_SELECTION *s, unsigned int pcr, bool *empty)
{
	bool any = false, only = true;

	for (unsigned int i = 0; i < s->sizeofSelect && i < TPM2_PCR_SELECT_MAX; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			if (!(s->pcrSelect[i] & (1u << bit)))
				continue;
			any = true;
			if (i * 8 + bit != pcr)
				only = false;
		}
	}
	*empty = !any;
	return any && only;
}
