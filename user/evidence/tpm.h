/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The machine's side of evidence: ESAPI (tpm2-tss) through a TCTI from
 * Tss2_TctiLdr_Initialize ("device:/dev/tpmrm0" by default; "swtpm:port=N"
 * in tests). Only `evidence` and `ak create` use this file. Every
 * function prints its error (p_err) and returns an exit code. */
#ifndef IKT_TPM_H
#define IKT_TPM_H

#include <stdbool.h>
#include <stdint.h>
#include <tss2/tss2_esys.h>
#include "evfile.h"

#define IKT_TPM_DEFAULT_TCTI "device:/dev/tpmrm0"
#define IKT_AK_DEFAULT_HANDLE 0x81010002u

struct ikt_tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
};

int ikt_tpm_open(struct ikt_tpm *t, const char *tcti);
void ikt_tpm_close(struct ikt_tpm *t);
/* The AK: a primary key under the endorsement hierarchy from a fixed
 * template (restricted signing; fixedTPM, fixedParent,
 * sensitiveDataOrigin, userWithAuth; RSA-2048 RSASSA-SHA256 or ECC P-256
 * ECDSA-SHA256), made persistent at handle. The same template gives the
 * same key, so an AK already there with that public area is kept
 * (*existed); another object there is an error. *pub: its public area. */
int ikt_tpm_ak_create(struct ikt_tpm *t, uint32_t handle, bool ecc, TPM2B_PUBLIC *pub,
		      bool *existed);
/* Quote PCR 10 of every bank TPM2_CAP_PCRS shows it allocated in (and
 * that we can replay) with nonce as qualifying data, signed by the AK at
 * handle with its own scheme; read the PCR values until they hash to the
 * quote's pcrDigest (an extend between the read and the quote makes the
 * loop try again). Fills ev's attest, sig (into the buffers given) and
 * pcrs. */
int ikt_tpm_quote(struct ikt_tpm *t, uint32_t handle, const uint8_t *nonce, size_t nlen,
		  struct evidence *ev, uint8_t *attest, uint8_t *sig);
/* TPM2_ReadClock's TPMS_TIME_INFO, marshalled */
int ikt_tpm_clock(struct ikt_tpm *t, uint8_t out[EV_CLOCK_LEN]);

#endif
