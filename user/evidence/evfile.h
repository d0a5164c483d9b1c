/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The evidence file (README "Evidence file format"): a TPM2 quote of
 * PCR 10, the PCR values it covers, then the chain of logs (the carries
 * of earlier boots, oldest first, and the current list) with their boot
 * ids, and the TPM's clock read after the logs. Version 1:
 *
 *   header   magic "IKT-EVID" (8 bytes), u32 version (1), u32 flags (0)
 *   sections u32 type, u64 length, value[length], in this order:
 *     1 ATTEST     TPMS_ATTEST as the TPM signed it (TPM2B_ATTEST's
 *                  attestationData; tpm2_quote -m), 1..EV_ATTEST_MAX bytes
 *     2 SIGNATURE  TPMT_SIGNATURE, TPM-marshalled (tpm2_quote -s, tss
 *                  format), 1..EV_SIG_MAX bytes
 *     3 PCRS       u32 count (1..EV_MAX_BANKS), then per bank in the
 *                  quote's selection order: u16 TPM_ALG_ID, u16 PCR (10),
 *                  u16 size (the algorithm's digest size), value[size]
 *     4 CARRY      0..EV_MAX_CARRIES times, oldest first: u16 id length
 *                  (1..EV_ID_MAX), the boot id that wrote it, the binary
 *                  list (the rest, at most EV_LIST_MAX bytes)
 *     5 CURRENT    once: the same for the current boot and its list
 *     6 CLOCK      TPMS_TIME_INFO from TPM2_ReadClock, TPM-marshalled
 *                  (25 bytes), read after the logs; not signed
 *     0xffffffff END, length 0; nothing may follow
 * Our integers are little-endian; the TPM structures keep the TPM's
 * big-endian marshalling. */
#ifndef IKT_EVFILE_H
#define IKT_EVFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EV_MAGIC "IKT-EVID"
#define EV_MAGIC_LEN 8
#define EV_VERSION 1
#define EV_HEADER_LEN 16
#define EV_SECTION_HDR 12
#define EV_ATTEST_MAX 2048
#define EV_SIG_MAX 1024
#define EV_MAX_BANKS 16
#define EV_DIGEST_MAX 64
#define EV_MAX_CARRIES 32		/* VERIFY_MAX_PRIOR */
#define EV_ID_MAX 64
#define EV_LIST_MAX (1ull << 30)	/* IKT_LIST_MAX */
#define EV_CLOCK_LEN 25
#define EV_FILE_MAX (4ull << 30)		/* the whole file */

enum ev_section {
	EV_SEC_ATTEST = 1, EV_SEC_SIGNATURE, EV_SEC_PCRS, EV_SEC_CARRY, EV_SEC_CURRENT,
	EV_SEC_CLOCK, EV_SEC_END = 0xffffffffu,
};

struct ev_pcr {
	uint16_t alg;			/* TPM_ALG_ID */
	uint16_t pcr;
	uint16_t size;
	uint8_t value[EV_DIGEST_MAX];
};

struct ev_list {
	char id[EV_ID_MAX + 1];		/* boot id (NUL-free, printable) */
	const uint8_t *data;		/* points into the parsed buffer */
	size_t len;
};

struct evidence {
	uint32_t version;
	const uint8_t *attest;
	size_t attest_len;
	const uint8_t *sig;
	size_t sig_len;
	unsigned int nbanks;
	struct ev_pcr pcrs[EV_MAX_BANKS];
	unsigned int ncarries;
	struct ev_list carries[EV_MAX_CARRIES];
	struct ev_list current;
	uint8_t clock[EV_CLOCK_LEN];
};

/* Parse buf[0..len) into ev (pointers into buf). 0, or -1 with the
 * section, offset and field named in err. */
int evfile_parse(const uint8_t *buf, size_t len, struct evidence *ev, char *err, size_t errlen);
/* Read path whole (at most EV_FILE_MAX bytes) into *buf (malloc'ed);
 * 0 or -1 with the cause in err */
int evfile_read(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen);
/* Write ev to f in the format above; 0 or -1 (errno set) */
int evfile_write(FILE *f, const struct evidence *ev);
/* digest size of a TPM hash algorithm and its TPM sysfs / OpenSSL bank
 * name; 0 / NULL if not one we replay */
unsigned int ev_alg_size(uint16_t alg);
const char *ev_alg_name(uint16_t alg);

#endif
