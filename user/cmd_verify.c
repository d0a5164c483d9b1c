// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* verify: replay the IMA measurement list against expected PCR values.
 *
 * Reads expected values first (TPM sysfs unless --pcrs/--pcr), then
 * streams the list once (memory independent of its size). A bank/PCR
 * pair is compared when it has an expected value and the list extends
 * that PCR, or when the value was given with --pcr. A pair matches if
 * the running value equals the expected one after any entry of the
 * current (last) list, or at its start when that list does not extend
 * the PCR (entries after the match are reported as extra: appended but
 * not yet extended when the PCR was read). A value reached inside a
 * --prior with entries of the PCR after it is a mismatch (verify.h).
 * --record counts an entry as present only at or before the match.
 * Indexes are 0-based positions in the chain (priors, then the list).
 * Exit: 0 every pair matches and every template digest is the SHA-1 of
 * its data; 1 otherwise; 2 unreadable or malformed input (no verdict);
 * 64 bad command line.
 *
 * --json prints one object:
 * {
 *   "log": { "path": str, "entries": u64, "violations": u64, "bytes": u64,
 *            "pcrs": [ { "pcr": u, "entries": u64 } ] },
 *   "chain": [ { "path": str, "first_index": u64, "entries": u64 } ],
 *                                     (priors oldest first, then the list)
 *   "boundaries": [ { "index": u64, "offset": u64, "pcr": u,
 *       "kind": "boot_aggregate" | "kexec_load" | "kexec_execute",
 *       "template": str,
 *       "kexec": null | { "segment_size": u64, "binary_runtime_size": u64,
 *                         "measurements_count": i64 },
 *       "kexec_valid": bool  (kexec kinds only; false: payload malformed) } ],
 *   "boundaries_dropped": u64,        (beyond the first 1024)
 *   "banks": [ { "bank": "sha1" | "sha256" | "sha384" | "sha512" | "sm3_256",
 *       "pcrs": [ { "pcr": u, "source": "sysfs" | "file" | "argument",
 *           "entries": u64, "match": bool,
 *           "reset_value": bool,     (reset value, but the chain extends it)
 *           "match_in_prior": bool,  (reached inside a prior, entries follow)
 *           "match_index": i64 | null,  (-1: reset value, before any entry)
 *           "extra_entries": u64, "match_boot": u | null (1-based, chain),
 *           "expected": hex, "replayed": hex, "sha1_padded": bool } ] } ],
 *   "template_digest_errors": { "count": u64, "indexes": [u64] (first 16) },
 *   "record": {                       (only with --record)
 *       "path": str, "version": u, "boot_id": str, "current_boot_id": str,
 *       "same_boot": bool, "created": u64, "entries": u64,
 *       "absent_count": u64,        (absent up to the PCR match)
 *       "absent": [ { "seq": u64, "pcr": u, "template_digest": hex,
 *           "template": str, "name": str, "name_hex": hex (only when name
 *           is not valid UTF-8 or holds NULs) } ] },
 *   "checked": u, "mismatched": u,
 *   "verdict": "match" | "mismatch"
 * }
 * With --evidence FILE --ak AK.pem --nonce HEX it checks an evidence file
 * instead (TPM quote + chain of logs, off the machine; user/evidence/,
 * schema and exit codes in user/evidence/evreport.c).
 *
 * On error (exit 2, or 64 for a bad --pcr): the message on stderr and, as
 * for every command, { "verdict": "error", "error": str, "exit_code": u }
 * (errors.h).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "errors.h"
#include "commands.h"
#include "evreport.h"
#include "exitcodes.h"
#include "prom.h"
#include "pcrs.h"
#include "record.h"
#include "verify.h"
#include "verify_report.h"

#define MAX_SPECS 16
#define ERR_LEN 512

struct verify_args {
	const char *log;
	const char *prior[VERIFY_MAX_PRIOR];
	unsigned int nprior;
	const char *record;
	const char *tpm;
	const char *pcrs[MAX_SPECS];
	unsigned int npcrs;
	const char *pcr[MAX_SPECS];
	unsigned int npcr;
	bool json;
	const char *prom;
	const char *evidence;
	const char *ak;
	const char *nonce;
};

enum { OPT_TPM = 0x100, OPT_PROM, OPT_PRIOR, OPT_EVIDENCE, OPT_AK, OPT_NONCE };

static const struct argp_option verify_opts[] = {
	{ "log", 'l', "FILE", 0, "binary measurement list (default "
	  "/sys/kernel/security/ima/binary_runtime_measurements)", 0 },
	{ "prior", OPT_PRIOR, "FILE", 0, "a list carried from an earlier boot (exec on "
	  "kernels without CONFIG_IMA_KEXEC), replayed before the current one; "
	  "repeatable, oldest first", 0 },
	{ "pcrs", 'p', "[BANK,]FILE", 0, "expected values, lines \"PCR-NN: HEX\" "
	  "(evmctl format); BANK defaults to sha1; repeatable", 0 },
	{ "pcr", 'P', "BANK:[N:]HEX", 0, "expected value of PCR N (default 10); "
	  "repeatable", 0 },
	{ "record", 'r', "FILE", 0, "pre-reboot record from 'audit --save': list "
	  "its entries absent from the list up to the PCR match", 0 },
	{ "tpm", OPT_TPM, "DIR", 0, "TPM sysfs directory read when no --pcrs/--pcr "
	  "(default /sys/class/tpm/tpm0)", 0 },
	{ "json", 'j', NULL, 0, "one JSON object (schema in cmd_verify.c)", 0 },
	{ "prometheus", OPT_PROM, "FILE", 0, "write node_exporter textfile metrics "
	  "(match per bank and PCR) to FILE", 0 },
	{ "evidence", OPT_EVIDENCE, "FILE", 0, "check an evidence file ('imakexec-trace "
	  "evidence'): the TPM quote with --ak and --nonce, and its chain of logs; no TPM "
	  "needed", 0 },
	{ "ak", OPT_AK, "AK.pem", 0, "the attestation key's public key (PEM) for --evidence", 0 },
	{ "nonce", OPT_NONCE, "HEX", 0, "the nonce the evidence must be qualified with", 0 },
	{},
};

static error_t verify_parse(int key, char *arg, struct argp_state *state)
{
	struct verify_args *a = state->input;

	switch (key) {
	case 'l': a->log = arg; break;
	case 'r': a->record = arg; break;
	case 'j': a->json = true; break;
	case OPT_TPM: a->tpm = arg; break;
	case OPT_PROM: a->prom = arg; break;
	case OPT_EVIDENCE: a->evidence = arg; break;
	case OPT_AK: a->ak = arg; break;
	case OPT_NONCE: a->nonce = arg; break;
	case ARGP_KEY_END:
		if (a->evidence && (!a->ak || !a->nonce))
			argp_error(state, "--evidence needs --ak and --nonce");
		if (!a->evidence && (a->ak || a->nonce))
			argp_error(state, "--ak and --nonce go with --evidence");
		if (a->evidence && (a->log || a->nprior || a->record || a->tpm || a->npcrs ||
				    a->npcr || a->prom))
			argp_error(state, "--evidence takes only --ak, --nonce and --json");
		break;
	case OPT_PRIOR:
		if (a->nprior >= VERIFY_MAX_PRIOR)
			argp_error(state, "at most %d --prior", VERIFY_MAX_PRIOR);
		a->prior[a->nprior++] = arg;
		break;
	case 'p':
		if (a->npcrs >= MAX_SPECS)
			argp_error(state, "at most %d --pcrs", MAX_SPECS);
		a->pcrs[a->npcrs++] = arg;
		break;
	case 'P':
		if (a->npcr >= MAX_SPECS)
			argp_error(state, "at most %d --pcr", MAX_SPECS);
		a->pcr[a->npcr++] = arg;
		break;
	case ARGP_KEY_ARG: argp_error(state, "unexpected argument '%s'", arg); break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int fail(int code, const char *msg)
{
	p_err("%s", msg);
	return code;
}

static int load_expected(const struct verify_args *a, struct pcr_values *pv, int *code,
			 char *err, size_t errlen)
{
	const char *tpm = a->tpm ? a->tpm : PCRS_DEFAULT_TPM;
	int n;

	*code = IKT_EXIT_ERROR;
	for (unsigned int i = 0; i < a->npcrs; i++)
		if (pcrs_load_file(pv, a->pcrs[i], err, errlen))
			return -1;
	for (unsigned int i = 0; i < a->npcr; i++) {
		if (pcrs_parse_arg(pv, a->pcr[i], err, errlen)) {
			*code = IKT_EXIT_USAGE;
			return -1;
		}
	}
	if (a->npcrs || a->npcr)
		return 0;
	n = pcrs_load_sysfs(pv, tpm, err, errlen);
	if (n < 0)
		return -1;
	if (n == 0) {
		snprintf(err, errlen, "no PCR banks readable under %s: give --pcrs or --pcr", tpm);
		return -1;
	}
	return 0;
}

static int load_record(const char *path, struct record *rec, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ret = record_read(f, path, rec, err, errlen);
	fclose(f);
	return ret;
}

static int write_metrics(const char *path, const struct verify_result *res)
{
	struct prom_writer w;
	char l[64];

	if (prom_open(&w, path))
		return -1;
	prom_metric(&w, "imakexec_verify_match", "gauge",
		    "1 if every checked PCR replayed to its expected value.", NULL, res->match);
	for (unsigned int b = 0; b < res->rp.nbanks; b++) {
		const struct replay_bank *bk = &res->rp.banks[b];

		for (unsigned int p = 0; p < IMA_NPCR; p++) {
			if (!verify_checked(res, b, p))
				continue;
			snprintf(l, sizeof(l), "bank=\"%s\",pcr=\"%u\"", bk->name, p);
			prom_metric(&w, "imakexec_verify_pcr_match", "gauge",
				    "1 if replaying the list gives this bank's PCR value.",
				    l, verify_pcr_match(res, b, p));
		}
	}
	prom_metric(&w, "imakexec_verify_entries", "gauge",
		    "Entries in the verified measurement list.", NULL, (double)res->rp.total);
	if (res->rec)
		prom_metric(&w, "imakexec_verify_record_absent_entries", "gauge",
			    "Pre-reboot record entries missing from the list up to the "
			    "PCR match.", NULL,
			    (double)record_absent(res->rec));
	return prom_commit(&w);
}

int cmd_verify(int argc, char **argv)
{
	static const char doc[] = "Replay the IMA measurement list per PCR bank and "
		"compare with the TPM (or given) PCR values; show kexec boundaries and, "
		"with --record, which pre-reboot entries are missing.\v"
		"Examples:\n"
		"  imakexec-trace verify                      # against the TPM\n"
		"  imakexec-trace verify --json | jq .verdict\n"
		"  imakexec-trace verify --log saved.bin --pcrs sha256,pcrs.txt\n"
		"  imakexec-trace verify --pcr sha256:10:5f3a...   # one PCR by hand\n"
		"  imakexec-trace verify --record /var/lib/imakexec/record\n"
		"  imakexec-trace verify --evidence ev.bin --ak ak.pem --nonce 0011...\n"
		"Exit status: 0 match, 1 mismatch, 2 error or malformed input, 64 usage.\n"
		"With --evidence: 0 verified, 1 a check failed (named), 2 unusable input.\n";
	struct argp argp = { verify_opts, verify_parse, NULL, doc, NULL, NULL, NULL };
	static struct pcr_values pv;
	static struct verify_result res;
	struct verify_args a = { 0 };
	struct record rec = { 0 };
	char err[ERR_LEN];
	int ret, code;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	ikt_msg_json(a.json);
	if (a.evidence)
		return ev_verify_file(a.evidence, a.ak, a.nonce, a.json);
	memset(&pv, 0, sizeof(pv));
	if (load_expected(&a, &pv, &code, err, sizeof(err)))
		return fail(code, err);
	if (a.record && load_record(a.record, &rec, err, sizeof(err)))
		return fail(IKT_EXIT_ERROR, err);
	if (verify_run(a.log, a.prior, a.nprior, &pv, a.record ? &rec : NULL, &res,
		       err, sizeof(err))) {
		ret = fail(IKT_EXIT_ERROR, err);
		goto cleanup;
	}
	if (a.json) {
		if (verify_report_json(stdout, &res, a.record)) {
			ret = fail(IKT_EXIT_ERROR, "cannot write the report");
			goto cleanup;
		}
	} else {
		verify_report_text(stdout, &res, a.record);
		fflush(stdout);
	}
	ret = res.match ? IKT_EXIT_OK : IKT_EXIT_FINDING;
	if (a.prom && write_metrics(a.prom, &res))
		ret = IKT_EXIT_ERROR;
cleanup:
	verify_free(&res);
	record_free(&rec);
	return ret;
}
