// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* One pass over the measurement list; see verify.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "verify.h"

const char *boundary_kind_name(enum boundary_kind k)
{
	switch (k) {
	case BOUNDARY_BOOT_AGGREGATE: return "boot_aggregate";
	case BOUNDARY_KEXEC_LOAD: return "kexec_load";
	default: return "kexec_execute";
	}
}

static bool name_is(const struct ima_record *r, const char *name)
{
	size_t n = strlen(name);

	return r->event_name && r->event_name_len == n && !memcmp(r->event_name, name, n);
}

static int note_boundary(struct verify_result *res, const struct ima_record *r)
{
	struct verify_boundary *b;
	enum boundary_kind kind;

	if (name_is(r, "boot_aggregate"))
		kind = BOUNDARY_BOOT_AGGREGATE;
	else if (r->buf && name_is(r, "kexec_load"))
		kind = BOUNDARY_KEXEC_LOAD;
	else if (r->buf && name_is(r, "kexec_execute"))
		kind = BOUNDARY_KEXEC_EXECUTE;
	else
		return 0;
	if (res->nbnd >= VERIFY_MAX_BOUNDARIES) {
		res->bnd_dropped++;
		return 0;
	}
	if (!res->bnd) {
		res->bnd = calloc(VERIFY_MAX_BOUNDARIES, sizeof(*res->bnd));
		if (!res->bnd)
			return -1;
	}
	b = &res->bnd[res->nbnd++];
	b->index = r->index;
	b->offset = r->offset;
	b->pcr = r->pcr;
	b->kind = kind;
	strcpy(b->template_name, r->template_name);
	if (kind != BOUNDARY_BOOT_AGGREGATE)
		b->kexec_valid = !kexec_event_parse(r->buf, r->buf_len, &b->kexec);
	return 0;
}

bool verify_checked(const struct verify_result *res, unsigned int bank, unsigned int pcr)
{
	enum pcr_source s = res->src[bank][pcr];

	return s == PCR_SRC_ARG || (s != PCR_SRC_NONE && res->rp.entries[pcr] > 0);
}

static int setup_banks(struct verify_result *res, const struct pcr_values *pv,
		       char *err, size_t errlen)
{
	for (unsigned int i = 0; i < pv->nbanks; i++) {
		const struct pcr_bank_values *v = &pv->banks[i];
		int b = replay_add_bank(&res->rp, v->bank);

		if (b < 0) {
			snprintf(err, errlen, "cannot replay PCR bank %s", v->bank);
			return -1;
		}
		for (unsigned int p = 0; p < IMA_NPCR; p++) {
			if (v->src[p] == PCR_SRC_NONE)
				continue;
			res->src[b][p] = v->src[p];
			replay_expect(&res->rp, b, p, v->val[p]);
		}
	}
	return 0;
}

bool verify_reset_value(const struct verify_result *res, unsigned int bank, unsigned int pcr)
{
	const struct replay_bank *b = &res->rp.banks[bank];

	return b->matched[pcr] && b->match_index[pcr] < 0 && res->rp.entries[pcr] > 0;
}

bool verify_match_in_prior(const struct verify_result *res, unsigned int bank,
			   unsigned int pcr)
{
	const struct replay_bank *b = &res->rp.banks[bank];
	uint64_t at = b->entries_at_match[pcr];

	return b->matched[pcr] && b->match_index[pcr] >= 0 &&
	       at <= res->prior_entries[pcr] && at < res->rp.entries[pcr];
}

bool verify_pcr_match(const struct verify_result *res, unsigned int bank, unsigned int pcr)
{
	return res->rp.banks[bank].matched[pcr] && !verify_reset_value(res, bank, pcr) &&
	       !verify_match_in_prior(res, bank, pcr);
}

bool verify_covers(const struct verify_result *res, unsigned int pcr, uint64_t i)
{
	bool checked = false;

	for (unsigned int b = 0; b < res->rp.nbanks; b++) {
		if (!verify_checked(res, b, pcr))
			continue;
		checked = true;
		if (!verify_pcr_match(res, b, pcr) ||
		    res->rp.banks[b].match_index[pcr] < (int64_t)i)
			return false;
	}
	return checked;
}

/* while streaming: the record at chain index i is already known to be
 * unauthenticated (no bank expects its PCR, or one matched before it) */
static bool past_match(const struct verify_result *res, unsigned int pcr, uint64_t i)
{
	bool want = false;

	for (unsigned int b = 0; b < res->rp.nbanks; b++) {
		const struct replay_bank *bk = &res->rp.banks[b];

		if (!bk->want[pcr])
			continue;
		want = true;
		if (bk->matched[pcr] && bk->match_index[pcr] < (int64_t)i)
			return true;
	}
	return !want;
}

unsigned int verify_boot_of(const struct verify_result *res, uint64_t i)
{
	unsigned int b = 0;

	while (b + 1 < res->nboots && i >= res->boots[b + 1].first_index)
		b++;
	return b;
}

/* stream one list into the replay; its indexes continue the chain's */
static int replay_list(struct verify_result *res, const struct verify_list *in, bool current,
		       struct record *rec, char *err, size_t errlen)
{
	static const uint8_t empty[1];
	struct verify_boot *boot = &res->boots[res->nboots];
	uint64_t first = res->rp.total;
	const char *path = in->path;
	struct ima_record r;
	struct imalog l;
	FILE *mf = NULL;
	bool digest_ok;
	int ret = -1, n;

	if (in->data) {
		/* an empty list: a one-byte buffer opened with nothing to read */
		mf = fmemopen((void *)(in->len ? in->data : empty), in->len ? in->len : 1, "r");
		if (!mf || (!in->len && fseek(mf, 0, SEEK_END))) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			if (mf)
				fclose(mf);
			return -1;
		}
		imalog_init_fp(&l, mf, path);
	} else if ((n = imalog_open(&l, path))) {
		snprintf(err, errlen, "%s: %s", path ? path : IMA_DEFAULT_LOG, strerror(-n));
		return -1;
	}
	snprintf(boot->path, sizeof(boot->path), "%s", l.path);
	boot->first_index = first;
	if (current)
		memcpy(res->log_path, l.path, sizeof(res->log_path));
	while ((n = imalog_next(&l, &r)) > 0) {
		r.index += first;
		if (replay_extend(&res->rp, &r, &digest_ok)) {
			snprintf(err, errlen, "libcrypto: digest failure at record %llu",
				 (unsigned long long)r.index);
			goto cleanup;
		}
		if (!digest_ok && res->rp.digest_errors <= VERIFY_MAX_DIGEST_ERRORS)
			res->digest_error_index[res->rp.digest_errors - 1] = r.index;
		if (note_boundary(res, &r)) {
			snprintf(err, errlen, "out of memory");
			goto cleanup;
		}
		if (rec && !past_match(res, r.pcr, r.index)) {
			struct record_entry *e = record_match(rec, r.digest);

			if (e) {
				e->at = r.index;
				e->at_pcr = r.pcr;
			}
		}
	}
	if (n < 0) {
		snprintf(err, errlen, "%s%s", current ? "" : "prior list: ", l.err);
		goto cleanup;
	}
	boot->entries = l.count;
	res->bytes += l.offset;
	res->nboots++;
	ret = 0;
cleanup:
	imalog_close(&l);
	if (mf)
		fclose(mf);
	return ret;
}

int verify_run(const char *log, const char *const *priors, unsigned int nprior,
	       const struct pcr_values *pv, struct record *rec,
	       struct verify_result *res, char *err, size_t errlen)
{
	struct verify_list lists[VERIFY_MAX_PRIOR + 1] = { 0 };

	if (nprior > VERIFY_MAX_PRIOR) {
		memset(res, 0, sizeof(*res));
		snprintf(err, errlen, "at most %d prior lists", VERIFY_MAX_PRIOR);
		return -1;
	}
	for (unsigned int i = 0; i < nprior; i++)
		lists[i].path = priors[i];
	lists[nprior].path = log;
	return verify_run_lists(lists, nprior + 1, pv, rec, res, err, errlen);
}

int verify_run_lists(const struct verify_list *lists, unsigned int n,
		     const struct pcr_values *pv, struct record *rec,
		     struct verify_result *res, char *err, size_t errlen)
{
	unsigned int nprior = n ? n - 1 : 0;

	memset(res, 0, sizeof(*res));
	res->rec = rec;
	if (record_boot_id(NULL, res->boot_id, sizeof(res->boot_id)))
		res->boot_id[0] = '\0';
	if (replay_init(&res->rp)) {
		snprintf(err, errlen, "libcrypto: cannot allocate a digest context");
		return -1;
	}
	if (setup_banks(res, pv, err, errlen))
		return -1;
	if (!n || nprior > VERIFY_MAX_PRIOR) {
		snprintf(err, errlen, "%u lists: 1 to %d allowed", n, VERIFY_MAX_PRIOR + 1);
		return -1;
	}
	for (unsigned int i = 0; i < nprior; i++)
		if (replay_list(res, &lists[i], false, rec, err, errlen))
			return -1;
	memcpy(res->prior_entries, res->rp.entries, sizeof(res->prior_entries));
	if (replay_list(res, &lists[nprior], true, rec, err, errlen))
		return -1;
	for (unsigned int b = 0; b < res->rp.nbanks; b++) {
		for (unsigned int p = 0; p < IMA_NPCR; p++) {
			if (!verify_checked(res, b, p))
				continue;
			res->checked++;
			res->mismatched += !verify_pcr_match(res, b, p);
		}
	}
	if (!res->checked) {
		snprintf(err, errlen, "nothing to verify: the list (%llu entries) extends no PCR "
			 "that has an expected value", (unsigned long long)res->rp.total);
		return -1;
	}
	res->match = !res->mismatched && !res->rp.digest_errors;
	/* present only if the PCR match covers the entry that matched it */
	for (size_t i = 0; rec && i < rec->n; i++)
		if (rec->e[i].present && !verify_covers(res, rec->e[i].at_pcr, rec->e[i].at))
			rec->e[i].present = false;
	return 0;
}

void verify_free(struct verify_result *res)
{
	replay_free(&res->rp);
	free(res->bnd);
	res->bnd = NULL;
}
