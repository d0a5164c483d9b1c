// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Rendering of verify results; the JSON schema is documented in cmd_verify.c. */
#include <inttypes.h>
#include <string.h>
#include "escape.h"
#include "json_writer.h"
#include "verify_report.h"
#include "util.h"

#define ESC_MAX 1024

static void text_boundary(FILE *f, const struct verify_boundary *b)
{
	fprintf(f, "boundary: entry %" PRIu64 " PCR %u %s (%s)", b->index, b->pcr,
		boundary_kind_name(b->kind), b->template_name);
	if (b->kind == BOUNDARY_BOOT_AGGREGATE)
		fputc('\n', f);
	else if (b->kexec_valid)
		fprintf(f, ": segment %" PRIu64 " bytes, list %" PRIu64 " bytes, %" PRId64
			" entries\n", b->kexec.segment_size, b->kexec.binary_runtime_size,
			b->kexec.measurements_count);
	else
		fprintf(f, ": malformed payload\n");
}

static void text_pcr(FILE *f, const struct verify_result *res, unsigned int bi, unsigned int p)
{
	const struct replay_bank *b = &res->rp.banks[bi];
	uint64_t n = res->rp.entries[p];

	fprintf(f, "%-7s PCR %-2u: ", b->name, p);
	if (verify_reset_value(res, bi, p)) {
		fprintf(f, "MISMATCH: the TPM holds the reset value, but the list extends "
			"this PCR %" PRIu64 " times (a PCR never extended vouches for no "
			"entry)\n", n);
		return;
	}
	if (verify_match_in_prior(res, bi, p)) {
		uint64_t at = b->entries_at_match[p], i = (uint64_t)b->match_index[p];
		unsigned int k = verify_boot_of(res, i);

		fprintf(f, "MISMATCH: the value is reached inside prior %u (%s) at its entry %"
			PRIu64 " (chain entry %" PRIu64 "), before the current list starts; "
			"the %" PRIu64 " later entries of this PCR (%" PRIu64 " in the priors) "
			"are not covered\n", k + 1, res->boots[k].path,
			i - res->boots[k].first_index, i, n - at, res->prior_entries[p] - at);
		return;
	}
	if (!b->matched[p]) {
		fprintf(f, "MISMATCH after %" PRIu64 " entries\n  replayed ", n);
		put_hex(f, b->pcr[p], b->size);
		fprintf(f, "\n  expected ");
		put_hex(f, b->expected[p], b->size);
		fprintf(f, " (%s)\n", pcr_source_name(res->src[bi][p]));
		return;
	}
	if (b->match_index[p] < 0)
		fprintf(f, "match before the first entry (reset value)");
	else
		fprintf(f, "match at entry %" PRId64, b->match_index[p]);
	if (b->entries_at_match[p] < n)
		fprintf(f, "; %" PRIu64 " later entries of this PCR are extra\n",
			n - b->entries_at_match[p]);
	else
		fprintf(f, " (last of %" PRIu64 ")\n", n);
}

static void text_record(FILE *f, const struct verify_result *res, const char *path)
{
	const struct record *r = res->rec;
	char esc[ESC_MAX];
	size_t absent = record_absent(r);

	fprintf(f, "record %s: boot %s (%s), %zu entries, %zu absent from the list up to "
		"the PCR match\n",
		path, r->boot_id, strcmp(r->boot_id, res->boot_id) ? "an earlier boot" :
		"this boot", r->n, absent);
	for (size_t i = 0; i < r->n; i++) {
		const struct record_entry *e = &r->e[i];

		if (e->present)
			continue;
		ikt_escape(e->event_name, e->event_name_len, esc, sizeof(esc));
		fprintf(f, "  absent: seq %" PRIu64 " PCR %u %s ", e->seq, e->pcr,
			e->template_name);
		put_hex(f, e->digest, sizeof(e->digest));
		fprintf(f, " %s\n", esc);
	}
}

void verify_report_text(FILE *f, const struct verify_result *res, const char *record_path)
{
	const struct replay *rp = &res->rp;

	fprintf(f, "log %s: %" PRIu64 " entries, %" PRIu64 " violations, %" PRIu64 " bytes\n",
		res->log_path, rp->total, rp->violations, res->bytes);
	verify_report_chain_text(f, res);
	if (res->rec)
		text_record(f, res, record_path);
	fprintf(f, "verdict: %s (%u of %u bank/PCR values match)\n",
		res->match ? "match" : "MISMATCH", res->checked - res->mismatched, res->checked);
}

void verify_report_chain_text(FILE *f, const struct verify_result *res)
{
	const struct replay *rp = &res->rp;

	for (unsigned int i = 0; res->nboots > 1 && i < res->nboots; i++)
		fprintf(f, "chain: boot %u of %u: %s, %" PRIu64 " entries from index %" PRIu64 "%s\n",
			i + 1, res->nboots, res->boots[i].path, res->boots[i].entries,
			res->boots[i].first_index, i + 1 == res->nboots ? " (this boot)" : "");
	for (size_t i = 0; i < res->nbnd; i++)
		text_boundary(f, &res->bnd[i]);
	if (res->bnd_dropped)
		fprintf(f, "boundary: %" PRIu64 " more not shown\n", res->bnd_dropped);
	for (unsigned int b = 0; b < rp->nbanks; b++)
		for (unsigned int p = 0; p < IMA_NPCR; p++)
			if (verify_checked(res, b, p))
				text_pcr(f, res, b, p);
	if (rp->digest_errors) {
		fprintf(f, "template digest differs from SHA-1 of the data: %" PRIu64
			" entries, first at", rp->digest_errors);
		for (uint64_t i = 0; i < rp->digest_errors && i < VERIFY_MAX_DIGEST_ERRORS; i++)
			fprintf(f, " %" PRIu64, res->digest_error_index[i]);
		fputc('\n', f);
	}
}

static void json_banks(struct json_writer *w, const struct verify_result *res)
{
	jw_key(w, "banks");
	jw_array_start(w);
	for (unsigned int bi = 0; bi < res->rp.nbanks; bi++) {
		const struct replay_bank *b = &res->rp.banks[bi];

		jw_object_start(w);
		jw_kv_string(w, "bank", b->name);
		jw_key(w, "pcrs");
		jw_array_start(w);
		for (unsigned int p = 0; p < IMA_NPCR; p++) {
			if (!verify_checked(res, bi, p))
				continue;
			jw_object_start(w);
			jw_kv_u64(w, "pcr", p);
			jw_kv_string(w, "source", pcr_source_name(res->src[bi][p]));
			jw_kv_u64(w, "entries", res->rp.entries[p]);
			jw_kv_bool(w, "match", verify_pcr_match(res, bi, p));
			/* the TPM was never extended although the list extends it */
			jw_kv_bool(w, "reset_value", verify_reset_value(res, bi, p));
			/* reached inside a prior, entries of the PCR after it */
			jw_kv_bool(w, "match_in_prior", verify_match_in_prior(res, bi, p));
			jw_key(w, "match_index");
			if (b->matched[p])
				jw_i64(w, b->match_index[p]);
			else
				jw_null(w);
			jw_kv_u64(w, "extra_entries", b->matched[p] ?
				  res->rp.entries[p] - b->entries_at_match[p] : 0);
			/* which boot of the chain the match falls in */
			jw_key(w, "match_boot");
			if (b->matched[p] && b->match_index[p] >= 0)
				jw_u64(w, verify_boot_of(res, (uint64_t)b->match_index[p]) + 1);
			else
				jw_null(w);
			jw_key(w, "expected");
			jw_hex(w, b->expected[p], b->size);
			jw_key(w, "replayed");
			jw_hex(w, b->padded[p] ? b->pcr_pad[p] : b->pcr[p], b->size);
			/* the kernel lacked this bank's hash: SHA-1 digests padded */
			jw_kv_bool(w, "sha1_padded", b->padded[p]);
			jw_object_end(w);
		}
		jw_array_end(w);
		jw_object_end(w);
	}
	jw_array_end(w);
}

static void json_boundaries(struct json_writer *w, const struct verify_result *res)
{
	jw_key(w, "boundaries");
	jw_array_start(w);
	for (size_t i = 0; i < res->nbnd; i++) {
		const struct verify_boundary *b = &res->bnd[i];

		jw_object_start(w);
		jw_kv_u64(w, "index", b->index);
		jw_kv_u64(w, "offset", b->offset);
		jw_kv_u64(w, "pcr", b->pcr);
		jw_kv_string(w, "kind", boundary_kind_name(b->kind));
		jw_kv_string(w, "template", b->template_name);
		jw_key(w, "kexec");
		if (b->kind == BOUNDARY_BOOT_AGGREGATE || !b->kexec_valid) {
			jw_null(w);
		} else {
			jw_object_start(w);
			jw_kv_u64(w, "segment_size", b->kexec.segment_size);
			jw_kv_u64(w, "binary_runtime_size", b->kexec.binary_runtime_size);
			jw_kv_i64(w, "measurements_count", b->kexec.measurements_count);
			jw_object_end(w);
		}
		if (b->kind != BOUNDARY_BOOT_AGGREGATE)
			jw_kv_bool(w, "kexec_valid", b->kexec_valid);
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_kv_u64(w, "boundaries_dropped", res->bnd_dropped);
}

static void json_record(struct json_writer *w, const struct verify_result *res,
			const char *path)
{
	const struct record *r = res->rec;
	char hex[41];

	jw_key(w, "record");
	jw_object_start(w);
	jw_kv_string(w, "path", path);
	jw_kv_u64(w, "version", r->version);
	jw_kv_string(w, "boot_id", r->boot_id);
	jw_kv_string(w, "current_boot_id", res->boot_id);
	jw_kv_bool(w, "same_boot", !strcmp(r->boot_id, res->boot_id));
	jw_kv_u64(w, "created", r->created);
	jw_kv_u64(w, "entries", r->n);
	jw_kv_u64(w, "absent_count", record_absent(r));
	jw_key(w, "absent");
	jw_array_start(w);
	for (size_t i = 0; i < r->n; i++) {
		const struct record_entry *e = &r->e[i];

		if (e->present)
			continue;
		for (int k = 0; k < 20; k++)
			snprintf(hex + 2 * k, 3, "%02x", e->digest[k]);
		jw_object_start(w);
		jw_kv_u64(w, "seq", e->seq);
		jw_kv_u64(w, "pcr", e->pcr);
		jw_kv_string(w, "template_digest", hex);
		jw_kv_string(w, "template", e->template_name);
		jw_kv_bytes(w, "name", e->event_name, e->event_name_len);
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_object_end(w);
}

int verify_report_json(FILE *f, const struct verify_result *res, const char *record_path)
{
	struct json_writer w;

	jw_init(&w, f);
	jw_object_start(&w);
	verify_report_json_members(&w, res, record_path);
	jw_object_end(&w);
	return jw_finish(&w);
}

void verify_report_json_members(struct json_writer *w, const struct verify_result *res,
				const char *record_path)
{
	const struct replay *rp = &res->rp;

	jw_key(w, "log");
	jw_object_start(w);
	jw_kv_string(w, "path", res->log_path);
	jw_kv_u64(w, "entries", rp->total);
	jw_kv_u64(w, "violations", rp->violations);
	jw_kv_u64(w, "bytes", res->bytes);
	jw_key(w, "pcrs");
	jw_array_start(w);
	for (unsigned int p = 0; p < IMA_NPCR; p++) {
		if (!rp->entries[p])
			continue;
		jw_object_start(w);
		jw_kv_u64(w, "pcr", p);
		jw_kv_u64(w, "entries", rp->entries[p]);
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_object_end(w);
	jw_key(w, "chain");
	jw_array_start(w);
	for (unsigned int i = 0; i < res->nboots; i++) {
		jw_object_start(w);
		jw_kv_string(w, "path", res->boots[i].path);
		jw_kv_u64(w, "first_index", res->boots[i].first_index);
		jw_kv_u64(w, "entries", res->boots[i].entries);
		jw_object_end(w);
	}
	jw_array_end(w);
	json_boundaries(w, res);
	json_banks(w, res);
	jw_key(w, "template_digest_errors");
	jw_object_start(w);
	jw_kv_u64(w, "count", rp->digest_errors);
	jw_key(w, "indexes");
	jw_array_start(w);
	for (uint64_t i = 0; i < rp->digest_errors && i < VERIFY_MAX_DIGEST_ERRORS; i++)
		jw_u64(w, res->digest_error_index[i]);
	jw_array_end(w);
	jw_object_end(w);
	if (res->rec)
		json_record(w, res, record_path);
	jw_kv_u64(w, "checked", res->checked);
	jw_kv_u64(w, "mismatched", res->mismatched);
	jw_kv_string(w, "verdict", res->match ? "match" : "mismatch");
}
