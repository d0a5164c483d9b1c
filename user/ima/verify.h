/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Core of "verify": stream the measurement list once, replay every bank
 * with an expected value, note kexec boundaries and match a pre-reboot
 * record. Output is in verify_report.c, the command line in cmd_verify.c. */
#ifndef IKT_VERIFY_H
#define IKT_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include "imalog.h"
#include "kexec_event.h"
#include "pcrs.h"
#include "record.h"
#include "replay.h"

#define VERIFY_MAX_BOUNDARIES 1024
#define VERIFY_MAX_DIGEST_ERRORS 16
#define VERIFY_MAX_PRIOR 32

enum boundary_kind { BOUNDARY_BOOT_AGGREGATE, BOUNDARY_KEXEC_LOAD, BOUNDARY_KEXEC_EXECUTE };

struct verify_boundary {
	uint64_t index;
	uint64_t offset;
	uint32_t pcr;
	enum boundary_kind kind;
	char template_name[IMALOG_NAME_MAX + 1];
	bool kexec_valid;		/* payload parsed (kexec kinds) */
	struct kexec_event kexec;
};

/* one boot's list in a chain: lists carried from earlier boots (exec on
 * kernels without CONFIG_IMA_KEXEC), oldest first, then the current one */
struct verify_boot {
	char path[4096];
	uint64_t first_index;	/* chain index of its first record */
	uint64_t entries;
};

struct verify_result {
	char log_path[4096];
	struct verify_boot boots[VERIFY_MAX_PRIOR + 1];
	unsigned int nboots;	/* priors + the current list */
	uint64_t prior_entries[IMA_NPCR];	/* records per PCR in the priors */
	uint64_t bytes;
	struct replay rp;		/* banks, running PCRs, counts */
	enum pcr_source src[REPLAY_MAX_BANKS][IMA_NPCR];
	struct verify_boundary *bnd;
	size_t nbnd;
	uint64_t bnd_dropped;		/* beyond VERIFY_MAX_BOUNDARIES */
	uint64_t digest_error_index[VERIFY_MAX_DIGEST_ERRORS];
	struct record *rec;		/* NULL without --record */
	char boot_id[RECORD_BOOT_ID_MAX];	/* "" if unreadable */
	unsigned int checked;		/* bank/PCR pairs compared */
	unsigned int mismatched;
	bool match;			/* verdict */
};

const char *boundary_kind_name(enum boundary_kind k);
/* true if the bank/PCR pair is compared: an expected value exists and
 * the list extends that PCR, or the value was given with --pcr */
bool verify_checked(const struct verify_result *res, unsigned int bank, unsigned int pcr);
/* log NULL: default path. priors: nprior lists replayed first, in order,
 * as one chain with log (a truncated or malformed prior is an error).
 * rec may be NULL; its entries count as present only when matched by a
 * list entry at or before a PCR match that verifies (verify_covers), not
 * by one appended after it. 0: verdict in res->match; -1: error (message in err),
 * no verdict. Free with verify_free in both cases. */
int verify_run(const char *log, const char *const *priors, unsigned int nprior,
	       const struct pcr_values *pv, struct record *rec,
	       struct verify_result *res, char *err, size_t errlen);
/* A list of the chain: read from path (NULL: the default path), or,
 * when data is set, from memory (data[0..len), len may be 0; path then
 * names it in messages and in boots[]). */
struct verify_list {
	const char *path;
	const uint8_t *data;
	size_t len;
};
/* verify_run over n lists (1..VERIFY_MAX_PRIOR + 1): the first n - 1
 * are the priors, oldest first, the last one is the current list */
int verify_run_lists(const struct verify_list *lists, unsigned int n,
		     const struct pcr_values *pv, struct record *rec,
		     struct verify_result *res, char *err, size_t errlen);
/* The verdict for one bank/PCR pair: its replay reached the expected
 * value within the current (last) list of the chain: after one of its
 * entries, or, when it never extends that PCR, at its start (the value
 * after the priors, or the reset value without priors). So a reset
 * (all-zero) value "matches before the first entry" only when the chain
 * never extends that PCR (verify_reset_value), and a value reached
 * inside a prior matches only if no entry of that PCR follows it in the
 * priors and the current list extends the PCR no further
 * (verify_match_in_prior): a PCR read before the current list's entries
 * vouches for none of them, and a prior's entries after the match are
 * not covered by the PCR. */
bool verify_pcr_match(const struct verify_result *res, unsigned int bank, unsigned int pcr);
/* matched at the reset value, but the chain extends the PCR */
bool verify_reset_value(const struct verify_result *res, unsigned int bank, unsigned int pcr);
/* matched after an entry of a prior, before the current list starts, and
 * entries of the PCR follow the match */
bool verify_match_in_prior(const struct verify_result *res, unsigned int bank,
			   unsigned int pcr);
/* the record at chain index i, which extends pcr, is at or before the
 * match of every bank that checks pcr, and every such match verifies */
bool verify_covers(const struct verify_result *res, unsigned int pcr, uint64_t i);
/* the boot (index into res->boots) that holds chain index i */
unsigned int verify_boot_of(const struct verify_result *res, uint64_t i);
void verify_free(struct verify_result *res);

#endif
