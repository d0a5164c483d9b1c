/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Expected PCR values, per bank and PCR 0..23, from:
 *  - TPM 2.0 sysfs: <tpm>/pcr-<bank>/<n>, one hex value (default
 *    <tpm> = /sys/class/tpm/tpm0); TPM 1.2: <tpm>/device/pcrs (sha1);
 *  - evmctl-style files, "--pcrs [bank,]FILE" (bank defaults to sha1):
 *    lines "PCR-NN: HEX", the hex may be split by spaces ("PCR-10: 0A 1B
 *    ..."); blank lines and lines starting with '#' are ignored;
 *  - "--pcr bank:HEX" (PCR 10) or "--pcr bank:N:HEX".
 * Values from --pcr are "explicit": they are checked even when the list
 * has no entry for that PCR. A value given twice is an error. */
#ifndef IKT_PCRS_H
#define IKT_PCRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "replay.h"

#define PCRS_DEFAULT_TPM "/sys/class/tpm/tpm0"

enum pcr_source { PCR_SRC_NONE, PCR_SRC_SYSFS, PCR_SRC_FILE, PCR_SRC_ARG };

struct pcr_bank_values {
	char bank[REPLAY_BANK_NAME];
	unsigned int size;
	enum pcr_source src[IMA_NPCR];	/* PCR_SRC_NONE: not set */
	uint8_t val[IMA_NPCR][REPLAY_MAX_DIGEST];
};

struct pcr_values {
	unsigned int nbanks;
	struct pcr_bank_values banks[REPLAY_MAX_BANKS];
};

const char *pcr_source_name(enum pcr_source s);
/* hex digits, whitespace between them ignored; exactly size bytes. 0/-1 */
int pcrs_parse_hex(const char *s, size_t n, uint8_t *out, size_t size);
/* bank entry (created if needed); NULL with message if unsupported */
struct pcr_bank_values *pcrs_bank(struct pcr_values *pv, const char *bank,
				  char *err, size_t errlen);
int pcrs_set(struct pcr_values *pv, const char *bank, unsigned int pcr,
	     const uint8_t *val, enum pcr_source src, char *err, size_t errlen);
/* evmctl-style file contents from f; label names it in messages */
int pcrs_parse_stream(struct pcr_values *pv, const char *bank, FILE *f,
		      const char *label, char *err, size_t errlen);
/* "[bank,]FILE" */
int pcrs_load_file(struct pcr_values *pv, const char *spec, char *err, size_t errlen);
/* "bank:HEX" or "bank:N:HEX" */
int pcrs_parse_arg(struct pcr_values *pv, const char *spec, char *err, size_t errlen);
/* all PCRs of every bank OpenSSL can replay; number of banks read (0 if
 * none), -1 on a read or format error. */
int pcrs_load_sysfs(struct pcr_values *pv, const char *tpmdir, char *err, size_t errlen);

#endif
