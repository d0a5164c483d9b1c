// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The checks of verify --evidence; see evverify.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include "evverify.h"
#include "pcrs.h"
#include "quote.h"

const char *ev_check_name(enum ev_check c)
{
	static const char *const names[EVC_N] = {
		[EVC_SIGNATURE] = "signature", [EVC_ATTEST] = "attest_format",
		[EVC_MAGIC] = "magic", [EVC_TYPE] = "type", [EVC_TRAILING] = "trailing_bytes",
		[EVC_NONCE] = "nonce", [EVC_SELECTION] = "pcr_selection",
		[EVC_PCR_DIGEST] = "pcr_digest", [EVC_REPLAY] = "replay",
	};
	return c < EVC_N ? names[c] : "?";
}

__attribute__((format(printf, 4, 5)))
static void set(struct ev_verdict *v, enum ev_check c, bool ok, const char *fmt, ...)
{
	va_list ap;

	v->c[c].ran = true;
	v->c[c].ok = ok;
	va_start(ap, fmt);
	vsnprintf(v->c[c].why, sizeof(v->c[c].why), fmt, ap);
	va_end(ap);
}

static void hex(char *out, size_t n, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && 2 * i + 2 < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * i] = '\0';
}

static void check_signature(const struct evidence *ev, EVP_PKEY *ak, struct ev_verdict *v)
{
	char why[EV_WHY_LEN];
	int rc;

	if (quote_sig_parse(ev->sig, ev->sig_len, &v->sig, why, sizeof(why))) {
		set(v, EVC_SIGNATURE, false, "%s", why);
		return;
	}
	v->sig_parsed = true;
	rc = quote_sig_verify(ak, &v->sig, ev->attest, ev->attest_len, why, sizeof(why));
	if (rc < 0)
		set(v, EVC_SIGNATURE, false, "libcrypto error while verifying");
	else if (rc)
		set(v, EVC_SIGNATURE, false, "%s", why);
	else
		set(v, EVC_SIGNATURE, true, "%s-%s by the AK", quote_sig_alg_name(v->sig.sigAlg),
		    ev_alg_name(quote_sig_hash(&v->sig)));
}

static void check_attest(const struct evidence *ev, const uint8_t *nonce, size_t nlen,
			 struct ev_verdict *v)
{
	const TPMS_ATTEST *a = &v->attest;
	char h1[2 * EV_NONCE_MAX + 1], h2[2 * EV_NONCE_MAX + 1];
	size_t used;

	if (quote_attest_parse(ev->attest, ev->attest_len, &v->attest, &used)) {
		set(v, EVC_ATTEST, false, "the %zu-byte TPMS_ATTEST does not unmarshal",
		    ev->attest_len);
		return;
	}
	v->attest_parsed = true;
	set(v, EVC_ATTEST, true, "TPMS_ATTEST of %zu bytes", ev->attest_len);
	set(v, EVC_MAGIC, a->magic == TPM2_GENERATED_VALUE, "magic 0x%08" PRIx32 "%s",
	    a->magic, a->magic == TPM2_GENERATED_VALUE ? " (TPM_GENERATED)" :
	    ", not TPM_GENERATED 0xff544347: not made by a TPM");
	set(v, EVC_TYPE, a->type == TPM2_ST_ATTEST_QUOTE, "type 0x%04x%s", a->type,
	    a->type == TPM2_ST_ATTEST_QUOTE ? " (quote)" : ", not a quote (0x8018)");
	if (used == ev->attest_len)
		set(v, EVC_TRAILING, true, "none");
	else
		set(v, EVC_TRAILING, false, "%zu bytes after the TPMS_ATTEST",
		    ev->attest_len - used);
	hex(h1, sizeof(h1), a->extraData.buffer, a->extraData.size);
	hex(h2, sizeof(h2), nonce, nlen);
	if (a->extraData.size == nlen && !memcmp(a->extraData.buffer, nonce, nlen))
		set(v, EVC_NONCE, true, "%s", h2);
	else
		set(v, EVC_NONCE, false, "the quote's qualifying data is %s, not the nonce %s",
		    a->extraData.size ? h1 : "empty", h2);
}

static void check_selection(const struct evidence *ev, struct ev_verdict *v)
{
	const TPML_PCR_SELECTION *sel = &v->attest.attested.quote.pcrSelect;
	unsigned int k = 0;

	for (uint32_t i = 0; i < sel->count; i++) {
		const TPMS_PCR_SELECTION *s = &sel->pcrSelections[i];
		const char *name = ev_alg_name(s->hash);
		bool empty;

		if (!quote_sel_only(s, 10, &empty)) {
			if (empty)	/* a bank requested but not allocated */
				continue;
			set(v, EVC_SELECTION, false, "bank %s (0x%04x) of the quote selects PCRs "
			    "other than PCR 10", name ? name : "unknown", s->hash);
			return;
		}
		if (k >= ev->nbanks || ev->pcrs[k].alg != s->hash || ev->pcrs[k].pcr != 10) {
			set(v, EVC_SELECTION, false, "the quote selects PCR 10 of %s as its bank "
			    "%u, the evidence reports %s PCR %u there", name ? name : "unknown",
			    k + 1, k < ev->nbanks ? ev_alg_name(ev->pcrs[k].alg) : "nothing",
			    k < ev->nbanks ? ev->pcrs[k].pcr : 0);
			return;
		}
		k++;
	}
	if (!k || k != ev->nbanks) {
		set(v, EVC_SELECTION, false, "the quote selects PCR 10 in %u banks, the "
		    "evidence reports %u values", k, ev->nbanks);
		return;
	}
	set(v, EVC_SELECTION, true, "PCR 10 in %u bank%s", k, k == 1 ? "" : "s");
}

static void check_digest(const struct evidence *ev, struct ev_verdict *v)
{
	const TPM2B_DIGEST *d = &v->attest.attested.quote.pcrDigest;
	uint16_t h = quote_sig_hash(&v->sig);
	uint8_t out[EVP_MAX_MD_SIZE];
	char h1[2 * EVP_MAX_MD_SIZE + 1], h2[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int n;

	if (!v->sig_parsed || quote_pcr_digest(h, ev->pcrs, ev->nbanks, out, &n)) {
		set(v, EVC_PCR_DIGEST, false, "no usable signature scheme hash to compute it with");
		return;
	}
	hex(h1, sizeof(h1), d->buffer, d->size);
	hex(h2, sizeof(h2), out, n);
	if (d->size == n && !memcmp(d->buffer, out, n))
		set(v, EVC_PCR_DIGEST, true, "%s of the reported values: %s", ev_alg_name(h), h2);
	else
		set(v, EVC_PCR_DIGEST, false, "the quote's pcrDigest %s is not the %s of the "
		    "reported PCR values (%s)", h1, ev_alg_name(h), h2);
}

int ev_pcr_values(const struct evidence *ev, struct pcr_values *pv, char *err, size_t errlen)
{
	memset(pv, 0, sizeof(*pv));
	for (unsigned int i = 0; i < ev->nbanks; i++)
		if (pcrs_set(pv, ev_alg_name(ev->pcrs[i].alg), ev->pcrs[i].pcr, ev->pcrs[i].value,
			     PCR_SRC_ARG, err, errlen))
			return -1;
	return 0;
}

/* "carry 2 (<id>) entry 5" for chain index i */
static void where(const struct verify_result *r, uint64_t i, char *out, size_t n)
{
	unsigned int k = verify_boot_of(r, i);

	snprintf(out, n, "%s entry %" PRIu64 " (chain entry %" PRIu64 ")", r->boots[k].path,
		 i - r->boots[k].first_index, i);
}

static int check_replay(const struct evidence *ev, struct ev_verdict *v, char *err,
			size_t errlen)
{
	static struct pcr_values pv;
	struct verify_list lists[EV_MAX_CARRIES + 1];
	char labels[EV_MAX_CARRIES + 1][EV_ID_MAX + 32], at[EV_ID_MAX + 96];
	const struct verify_result *r = &v->vr;
	unsigned int n = 0;

	if (ev_pcr_values(ev, &pv, err, errlen))
		return -1;
	for (unsigned int i = 0; i <= ev->ncarries; i++) {
		const struct ev_list *l = i < ev->ncarries ? &ev->carries[i] : &ev->current;

		if (i < ev->ncarries)
			snprintf(labels[i], sizeof(labels[i]), "carry %u (%s)", i + 1, l->id);
		else
			snprintf(labels[i], sizeof(labels[i]), "current (%s)", l->id);
		lists[n++] = (struct verify_list){ labels[i], l->data, l->len };
	}
	v->replayed = true;
	if (verify_run_lists(lists, n, &pv, NULL, &v->vr, err, errlen))
		return -1;
	if (r->match) {
		set(v, EVC_REPLAY, true, "%" PRIu64 " entries in %u lists replay to PCR 10 in "
		    "every quoted bank", r->rp.total, r->nboots);
		return 0;
	}
	/* an entry changed names itself: its logged digest no longer fits */
	if (r->rp.digest_errors) {
		where(r, r->digest_error_index[0], at, sizeof(at));
		set(v, EVC_REPLAY, false, "%" PRIu64 " entries have a template digest that is "
		    "not the SHA-1 of their data, the first %s", r->rp.digest_errors, at);
		return 0;
	}
	for (unsigned int b = 0; b < r->rp.nbanks; b++) {
		const struct replay_bank *bk = &r->rp.banks[b];

		if (verify_pcr_match(r, b, 10))
			continue;
		if (verify_match_in_prior(r, b, 10)) {
			where(r, (uint64_t)bk->match_index[10], at, sizeof(at));
			set(v, EVC_REPLAY, false, "%s PCR 10: the quoted value is reached inside "
			    "%s, before the current list; %" PRIu64 " later entries of PCR 10 "
			    "are not covered", bk->name, at,
			    r->rp.entries[10] - bk->entries_at_match[10]);
		} else if (verify_reset_value(r, b, 10)) {
			set(v, EVC_REPLAY, false, "%s PCR 10: the quoted value is the reset value, "
			    "but the chain extends PCR 10 %" PRIu64 " times", bk->name,
			    r->rp.entries[10]);
		} else {
			set(v, EVC_REPLAY, false, "%s PCR 10: no entry of the %" PRIu64 " in the "
			    "chain (%u lists) replays to the quoted value", bk->name,
			    r->rp.total, r->nboots);
		}
		return 0;
	}
	return 0;
}

int ev_verify(const struct evidence *ev, EVP_PKEY *ak, const uint8_t *nonce, size_t nlen,
	      struct ev_verdict *v, char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	check_signature(ev, ak, v);
	check_attest(ev, nonce, nlen, v);
	if (v->attest_parsed && v->c[EVC_TYPE].ok) {
		check_selection(ev, v);
		check_digest(ev, v);
	}
	/* the values replayed are those the selection names */
	if (v->c[EVC_SELECTION].ok && check_replay(ev, v, err, errlen))
		return -1;
	v->verified = true;
	for (unsigned int c = 0; c < EVC_N; c++)
		if (!v->c[c].ran || !v->c[c].ok)
			v->verified = false;
	return 0;
}

void ev_verdict_free(struct ev_verdict *v)
{
	if (v->replayed)
		verify_free(&v->vr);
	v->replayed = false;
}
