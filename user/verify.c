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
		for (unsigned int p = 0; p < REPLAY_NPCR; p++) {
			if (v->src[p] == PCR_SRC_NONE)
				continue;
			res->src[b][p] = v->src[p];
			replay_expect(&res->rp, b, p, v->val[p]);
		}
	}
	return 0;
}

int verify_run(const char *log, const struct pcr_values *pv, struct record *rec,
	       struct verify_result *res, char *err, size_t errlen)
{
	struct ima_record r;
	struct imalog l;
	bool digest_ok;
	int ret = -1, n;

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
	n = imalog_open(&l, log);
	if (n) {
		snprintf(err, errlen, "%s: %s", log ? log : IMA_DEFAULT_LOG, strerror(-n));
		return -1;
	}
	memcpy(res->log_path, l.path, sizeof(res->log_path));
	while ((n = imalog_next(&l, &r)) > 0) {
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
		if (rec)
			record_match(rec, r.digest);
	}
	if (n < 0) {
		snprintf(err, errlen, "%s", l.err);
		goto cleanup;
	}
	res->bytes = l.offset;
	for (unsigned int b = 0; b < res->rp.nbanks; b++) {
		for (unsigned int p = 0; p < REPLAY_NPCR; p++) {
			if (!verify_checked(res, b, p))
				continue;
			res->checked++;
			res->mismatched += !res->rp.banks[b].matched[p];
		}
	}
	if (!res->checked) {
		snprintf(err, errlen, "nothing to verify: the list (%llu entries) extends no PCR "
			 "that has an expected value", (unsigned long long)res->rp.total);
		goto cleanup;
	}
	res->match = !res->mismatched && !res->rp.digest_errors;
	ret = 0;
cleanup:
	imalog_close(&l);
	return ret;
}

void verify_free(struct verify_result *res)
{
	replay_free(&res->rp);
	free(res->bnd);
	res->bnd = NULL;
}
