/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The TPM2 quote off the machine: TPMS_ATTEST and TPMT_SIGNATURE
 * unmarshalled with tss2-mu, the signature checked with OpenSSL 3, the
 * PCR composite digest; and a TPM public area as an OpenSSL key (ak
 * create). No TPM: libtss2-mu and libcrypto only. */
#ifndef IKT_QUOTE_H
#define IKT_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>
#include "evfile.h"

/* TPMT_SIGNATURE from buf, every byte used; 0, or -1 with why */
int quote_sig_parse(const uint8_t *buf, size_t len, TPMT_SIGNATURE *sig, char *why, size_t n);
/* TPMS_ATTEST from buf; *used: the bytes the unmarshaller consumed (the
 * caller checks magic, type and trailing bytes: tss2-mu does not).
 * 0, or -1 if tss2-mu rejects it */
int quote_attest_parse(const uint8_t *buf, size_t len, TPMS_ATTEST *a, size_t *used);
/* the scheme's hash (RSASSA, RSAPSS, ECDSA), 0 for any other scheme */
uint16_t quote_sig_hash(const TPMT_SIGNATURE *sig);
const char *quote_sig_alg_name(uint16_t sigalg);
/* EVP digest for a TPM hash algorithm, NULL if unknown */
const EVP_MD *quote_md(uint16_t alg);
/* Check sig over msg (H_scheme(msg), RSASSA / RSAPSS with any salt /
 * ECDSA) with key. 0 valid; 1 invalid, why says how; -1 libcrypto error */
int quote_sig_verify(EVP_PKEY *key, const TPMT_SIGNATURE *sig, const uint8_t *msg,
		     size_t len, char *why, size_t n);
/* H_alg(values in order, no lengths): the pcrDigest a quote of them
 * holds. 0, or -1 (unknown algorithm) */
int quote_pcr_digest(uint16_t alg, const struct ev_pcr *pcrs, unsigned int n,
		     uint8_t *out, unsigned int *outlen);
/* RSA or ECC (P-256/384/521) public area as a key; NULL if unsupported */
EVP_PKEY *quote_pkey_from_public(const TPMT_PUBLIC *pub);
/* true: the selection's bank b selects exactly PCR pcr; *empty: none */
bool quote_sel_only(const TPMS_PCR_SELECTION *s, unsigned int pcr, bool *empty);

#endif
