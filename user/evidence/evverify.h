/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* verify --evidence: every check of an evidence file against an AK's
 * public key and the verifier's nonce, off the machine (no TPM, no BPF,
 * no kernel): the quote (tss2-mu + OpenSSL) and the chain of logs
 * replayed by libima's verify (the match must fall in the current list). */
#ifndef IKT_EVVERIFY_H
#define IKT_EVVERIFY_H

#include <stdbool.h>
#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>
#include "evfile.h"
#include "pcrs.h"
#include "verify.h"

#define EV_NONCE_MAX 64		/* TPM2B_DATA */
#define EV_WHY_LEN 512

enum ev_check {
	EVC_SIGNATURE,		/* the AK signed H_scheme(attest) */
	EVC_ATTEST,		/* TPMS_ATTEST unmarshals */
	EVC_MAGIC,		/* TPM2_GENERATED_VALUE */
	EVC_TYPE,		/* TPM2_ST_ATTEST_QUOTE */
	EVC_TRAILING,		/* no bytes after the TPMS_ATTEST */
	EVC_NONCE,		/* extraData == nonce */
	EVC_SELECTION,		/* PCR 10 and only it, in the reported banks, in order */
	EVC_PCR_DIGEST,		/* pcrDigest == H_scheme(reported values) */
	EVC_REPLAY,		/* the chain replays to the values in every bank */
	EVC_N
};

struct ev_check_result {
	bool ran;
	bool ok;
	char why[EV_WHY_LEN];
};

struct ev_verdict {
	struct ev_check_result c[EVC_N];
	TPMS_ATTEST attest;
	bool attest_parsed;
	TPMT_SIGNATURE sig;
	bool sig_parsed;
	struct verify_result vr;	/* valid when replayed */
	bool replayed;
	bool verified;			/* every check ran and passed */
};

const char *ev_check_name(enum ev_check c);
/* the reported PCR values as expected values of verify (given: checked
 * even where the chain does not extend them); 0 or -1 with err */
int ev_pcr_values(const struct evidence *ev, struct pcr_values *pv, char *err, size_t errlen);
/* -1: unusable input (a list of the chain is malformed; message in err);
 * 0: checks done, verdict in v->verified. ev_verdict_free in both cases. */
int ev_verify(const struct evidence *ev, EVP_PKEY *ak, const uint8_t *nonce, size_t nlen,
	      struct ev_verdict *v, char *err, size_t errlen);
void ev_verdict_free(struct ev_verdict *v);

#endif
