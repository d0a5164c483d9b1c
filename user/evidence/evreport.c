// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* verify --evidence, the command's body and its reports.
 *
 * --json prints one object:
 * {
 *   "evidence": { "path": str, "version": u, "banks": u, "carries": u,
 *                 "boot_ids": [str] (the carries' oldest first, then the current) },
 *   "quote": { "signature": "rsassa"|"rsapss"|"ecdsa"|..., "hash": str|null,
 *              "magic": u, "type": u, "qualified_signer": hex, "nonce": hex,
 *              "clock": u64, "reset_count": u, "restart_count": u, "safe": bool,
 *              "firmware_version": u64, "pcr_digest": hex,
 *              "pcrs": [ { "bank": str, "pcr": u, "value": hex } ] } | null
 *              (null: the TPMS_ATTEST does not unmarshal),
 *   "clock_read": { "clock": u64, "reset_count": u, "restart_count": u,
 *                   "safe": bool, "time": u64 } | null (unsigned, read after
 *                   the logs; null if it does not unmarshal),
 *   "checks": [ { "check": "signature"|"attest_format"|"magic"|"type"|
 *                 "trailing_bytes"|"nonce"|"pcr_selection"|"pcr_digest"|"replay",
 *                 "ran": bool, "ok": bool, "detail": str } ],
 *   "replay": null | { the members of verify --json: log, chain, boundaries,
 *                      banks, template_digest_errors, checked, mismatched, verdict },
 *   "failed_check": str | null,   (the first check that failed or did not run)
 *   "verdict": "verified" | "not-verified"
 * }
 * Errors (exit 2, 64): the message on stderr and the error document
 * (errors.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <tss2/tss2_mu.h>
#include "errors.h"
#include "evfile.h"
#include "evreport.h"
#include "evverify.h"
#include "exitcodes.h"
#include "json_writer.h"
#include "quote.h"
#include "util.h"
#include "verify_report.h"

#define ERR_LEN 512

int ev_parse_nonce(const char *hex, uint8_t *out, size_t max, size_t *n)
{
	size_t len = strlen(hex);

	if (!len || len % 2 || len / 2 > max)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

static EVP_PKEY *read_ak(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f) {
		snprintf(err, errlen, "AK %s: %m", path);
		return NULL;
	}
	k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k)
		snprintf(err, errlen, "AK %s: not a PEM public key", path);
	return k;
}

static int first_failed(const struct ev_verdict *v)
{
	for (int c = 0; c < EVC_N; c++)
		if (!v->c[c].ran || !v->c[c].ok)
			return c;
	return -1;
}

static bool clock_read(const struct evidence *ev, TPMS_TIME_INFO *ti)
{
	size_t off = 0;

	return !Tss2_MU_TPMS_TIME_INFO_Unmarshal(ev->clock, EV_CLOCK_LEN, &off, ti) &&
	       off == EV_CLOCK_LEN;
}

static void text(FILE *f, const char *path, const struct evidence *ev,
		 const struct ev_verdict *v)
{
	const TPMS_ATTEST *a = &v->attest;
	TPMS_TIME_INFO ti;
	int fc = first_failed(v);

	fprintf(f, "evidence %s: format %u, PCR 10 in %u bank%s, %u carr%s and the current "
		"list\n", path, ev->version, ev->nbanks, ev->nbanks == 1 ? "" : "s",
		ev->ncarries, ev->ncarries == 1 ? "y" : "ies");
	if (v->attest_parsed) {
		fprintf(f, "quote: clock %" PRIu64 " ms, resetCount %u, restartCount %u, safe %s, "
			"firmware 0x%016" PRIx64 "\n", a->clockInfo.clock, a->clockInfo.resetCount,
			a->clockInfo.restartCount, a->clockInfo.safe ? "yes" : "no",
			a->firmwareVersion);
		fprintf(f, "quote: signer ");
		put_hex(f, a->qualifiedSigner.name, a->qualifiedSigner.size);
		fputc('\n', f);
	}
	for (unsigned int i = 0; i < ev->nbanks; i++) {
		fprintf(f, "quote: %-7s PCR %u = ", ev_alg_name(ev->pcrs[i].alg), ev->pcrs[i].pcr);
		put_hex(f, ev->pcrs[i].value, ev->pcrs[i].size);
		fputc('\n', f);
	}
	if (clock_read(ev, &ti))
		fprintf(f, "clock read after the logs (not signed): clock %" PRIu64 " ms, "
			"resetCount %u, restartCount %u\n", ti.clockInfo.clock,
			ti.clockInfo.resetCount, ti.clockInfo.restartCount);
	for (int c = 0; c < EVC_N; c++)
		fprintf(f, "check %-15s %s%s%s\n", ev_check_name(c),
			!v->c[c].ran ? "not run" : v->c[c].ok ? "ok" : "FAIL",
			v->c[c].why[0] ? ": " : "", v->c[c].why);
	if (v->replayed) {
		fprintf(f, "chain: %" PRIu64 " entries, %" PRIu64 " violations, %" PRIu64
			" bytes in %u lists\n", v->vr.rp.total, v->vr.rp.violations, v->vr.bytes,
			v->vr.nboots);
		if (v->vr.nboots == 1)
			fprintf(f, "chain: boot 1 of 1: %s, %" PRIu64 " entries (this boot)\n",
				v->vr.boots[0].path, v->vr.boots[0].entries);
		verify_report_chain_text(f, &v->vr);
	}
	if (fc < 0)
		fprintf(f, "verdict: verified\n");
	else
		fprintf(f, "verdict: NOT VERIFIED: %s: %s\n", ev_check_name(fc),
			v->c[fc].ran ? v->c[fc].why : "not run (an earlier check failed)");
}

static int json(FILE *f, const char *path, const struct evidence *ev,
		const struct ev_verdict *v)
{
	const TPMS_ATTEST *a = &v->attest;
	struct json_writer w;
	TPMS_TIME_INFO ti;
	int fc = first_failed(v);

	jw_init(&w, f);
	jw_object_start(&w);
	jw_key(&w, "evidence");
	jw_object_start(&w);
	jw_kv_string(&w, "path", path);
	jw_kv_u64(&w, "version", ev->version);
	jw_kv_u64(&w, "banks", ev->nbanks);
	jw_kv_u64(&w, "carries", ev->ncarries);
	jw_key(&w, "boot_ids");
	jw_array_start(&w);
	for (unsigned int i = 0; i < ev->ncarries; i++)
		jw_string(&w, ev->carries[i].id);
	jw_string(&w, ev->current.id);
	jw_array_end(&w);
	jw_object_end(&w);
	jw_key(&w, "quote");
	if (!v->attest_parsed) {
		jw_null(&w);
	} else {
		const char *h = v->sig_parsed ? ev_alg_name(quote_sig_hash(&v->sig)) : NULL;

		jw_object_start(&w);
		jw_kv_string(&w, "signature", v->sig_parsed ? quote_sig_alg_name(v->sig.sigAlg) :
			     "unparsed");
		jw_key(&w, "hash");
		if (h)
			jw_string(&w, h);
		else
			jw_null(&w);
		jw_kv_u64(&w, "magic", a->magic);
		jw_kv_u64(&w, "type", a->type);
		jw_key(&w, "qualified_signer");
		jw_hex(&w, a->qualifiedSigner.name, a->qualifiedSigner.size);
		jw_key(&w, "nonce");
		jw_hex(&w, a->extraData.buffer, a->extraData.size);
		jw_kv_u64(&w, "clock", a->clockInfo.clock);
		jw_kv_u64(&w, "reset_count", a->clockInfo.resetCount);
		jw_kv_u64(&w, "restart_count", a->clockInfo.restartCount);
		jw_kv_bool(&w, "safe", a->clockInfo.safe);
		jw_kv_u64(&w, "firmware_version", a->firmwareVersion);
		jw_key(&w, "pcr_digest");
		jw_hex(&w, a->attested.quote.pcrDigest.buffer, a->attested.quote.pcrDigest.size);
		jw_key(&w, "pcrs");
		jw_array_start(&w);
		for (unsigned int i = 0; i < ev->nbanks; i++) {
			jw_object_start(&w);
			jw_kv_string(&w, "bank", ev_alg_name(ev->pcrs[i].alg));
			jw_kv_u64(&w, "pcr", ev->pcrs[i].pcr);
			jw_key(&w, "value");
			jw_hex(&w, ev->pcrs[i].value, ev->pcrs[i].size);
			jw_object_end(&w);
		}
		jw_array_end(&w);
		jw_object_end(&w);
	}
	jw_key(&w, "clock_read");
	if (clock_read(ev, &ti)) {
		jw_object_start(&w);
		jw_kv_u64(&w, "clock", ti.clockInfo.clock);
		jw_kv_u64(&w, "reset_count", ti.clockInfo.resetCount);
		jw_kv_u64(&w, "restart_count", ti.clockInfo.restartCount);
		jw_kv_bool(&w, "safe", ti.clockInfo.safe);
		jw_kv_u64(&w, "time", ti.time);
		jw_object_end(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "checks");
	jw_array_start(&w);
	for (int c = 0; c < EVC_N; c++) {
		jw_object_start(&w);
		jw_kv_string(&w, "check", ev_check_name(c));
		jw_kv_bool(&w, "ran", v->c[c].ran);
		jw_kv_bool(&w, "ok", v->c[c].ran && v->c[c].ok);
		jw_kv_string(&w, "detail", v->c[c].why);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_key(&w, "replay");
	if (v->replayed) {
		jw_object_start(&w);
		verify_report_json_members(&w, &v->vr, NULL);
		jw_object_end(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "failed_check");
	if (fc < 0)
		jw_null(&w);
	else
		jw_string(&w, ev_check_name(fc));
	jw_kv_string(&w, "verdict", fc < 0 ? "verified" : "not-verified");
	jw_object_end(&w);
	return jw_finish(&w);
}

int ev_verify_file(const char *path, const char *ak_pem, const char *nonce_hex, bool js)
{
	static struct ev_verdict v;
	uint8_t nonce[EV_NONCE_MAX], *buf = NULL;
	struct evidence ev;
	char err[ERR_LEN];
	EVP_PKEY *ak = NULL;
	size_t nlen, len;
	int ret = IKT_EXIT_ERROR;

	if (ev_parse_nonce(nonce_hex, nonce, sizeof(nonce), &nlen)) {
		p_err("--nonce: 1 to %d bytes in hex expected", EV_NONCE_MAX);
		return IKT_EXIT_USAGE;
	}
	if (!(ak = read_ak(ak_pem, err, sizeof(err))) ||
	    evfile_read(path, &buf, &len, err, sizeof(err))) {
		p_err("%s", err);
		goto out;
	}
	if (evfile_parse(buf, len, &ev, err, sizeof(err))) {
		p_err("%s: %s", path, err);
		goto out;
	}
	if (ev_verify(&ev, ak, nonce, nlen, &v, err, sizeof(err))) {
		p_err("%s: %s", path, err);
		ev_verdict_free(&v);
		goto out;
	}
	if (js) {
		if (json(stdout, path, &ev, &v)) {
			p_err("cannot write the report");
			ev_verdict_free(&v);
			goto out;
		}
	} else {
		text(stdout, path, &ev, &v);
		fflush(stdout);
	}
	ret = v.verified ? IKT_EXIT_OK : IKT_EXIT_FINDING;
	ev_verdict_free(&v);
out:
	EVP_PKEY_free(ak);
	free(buf);
	return ret;
}
