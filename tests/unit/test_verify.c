// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* verify end to end: temp files, cmd_verify exit codes, JSON content. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "commands.h"
#include "imalog_build.h"
#include "verify.h"
#include "verify_report.h"

#define KEXEC_PAYLOAD "kexec_segment_size=8192;ima_binary_runtime_size=700;" \
	"ima_runtime_measurements_count=3;"

static char dir[] = "/tmp/test_verifyXXXXXX";
static char logp[300], pcrsp[300], badp[300], recp[300];
static struct tbuf log_buf;

static void ima_buf(const char *name, const char *payload)
{
	static struct tbuf d;

	d.n = 0;
	tb_dng(&d, 0x44);
	tb_name(&d, name);
	tb_field(&d, payload, strlen(payload));
	tb_record(&log_buf, 10, "ima-buf", &d, 0);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* PCR values after the list t, by replaying it: plumbing, not vectors
 * (those are in test_replay) */
static void write_pcrs_of(const struct tbuf *t, const char *path, const char *bank,
			  int break_it)
{
	struct replay rp;
	struct ima_record r;
	struct imalog l;
	FILE *f = tb_file(t), *out;
	bool ok;
	int b;

	assert_int_equal(replay_init(&rp), 0);
	b = replay_add_bank(&rp, bank);
	imalog_init_fp(&l, f, "log");
	while (imalog_next(&l, &r) > 0)
		assert_int_equal(replay_extend(&rp, &r, &ok), 0);
	imalog_close(&l);
	fclose(f);
	out = fopen(path, "w");
	for (int p = 0; p < 24; p++) {
		fprintf(out, "PCR-%02d: ", p);
		if (break_it && p == 10)
			rp.banks[b].pcr[p][0] ^= 1;
		for (unsigned int i = 0; i < rp.banks[b].size; i++)
			fprintf(out, "%02x", rp.banks[b].pcr[p][i]);
		fputc('\n', out);
	}
	fclose(out);
	replay_free(&rp);
}

/* ... after the whole log */
static void write_pcrs(const char *path, const char *bank, int break_it)
{
	write_pcrs_of(&log_buf, path, bank, break_it);
}

/* byte offset of log_buf's record i (log_buf.n past the last); its
 * template digest into dig unless NULL */
static size_t offset_of(uint64_t i, uint8_t *dig)
{
	struct ima_record r;
	struct imalog l;
	FILE *f = tb_file(&log_buf);
	size_t off = log_buf.n;

	imalog_init_fp(&l, f, "log");
	while (imalog_next(&l, &r) > 0) {
		if (r.index != i)
			continue;
		off = (size_t)r.offset;
		if (dig)
			memcpy(dig, r.digest, 20);
	}
	imalog_close(&l);
	fclose(f);
	return off;
}

/* a record no kernel measured */
static void fabricate(struct tbuf *t)
{
	tb_ima_ng(t, 10, 0x66, "/fabricated", 0);
}

/* t = n bytes of list p, then a fabricated record */
static void fabricated_after(struct tbuf *t, const uint8_t *p, size_t n)
{
	t->n = 0;
	tb_put(t, p, n);
	fabricate(t);
}

static void read_rec(struct record *rec)
{
	char err[512];
	FILE *f = fopen(recp, "r");

	assert_non_null(f);
	assert_int_equal(record_read(f, recp, rec, err, sizeof(err)), 0);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(logp, sizeof(logp), "%s/log", dir);
	snprintf(pcrsp, sizeof(pcrsp), "%s/pcrs", dir);
	snprintf(badp, sizeof(badp), "%s/bad", dir);
	snprintf(recp, sizeof(recp), "%s/rec", dir);
	tb_ima_ng(&log_buf, 10, 1, "boot_aggregate", 0);
	tb_ima_ng(&log_buf, 10, 2, "/bin/sh", 0);
	tb_ima_ng(&log_buf, 11, 3, "/etc/x", 0);
	ima_buf("kexec_load", KEXEC_PAYLOAD);
	ima_buf("kexec_execute", "garbage");
	tb_ima_ng(&log_buf, 10, 0, "/tmp/v", 1);
	tb_ima_ng(&log_buf, 10, 1, "boot_aggregate", 0);
	write_file(logp, log_buf.b, log_buf.n);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static int run(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[8] = { "imakexec-trace verify", "--log", logp };
	int argc = 3;

	const char *args[] = { a1, a2, a3, a4 };

	for (int i = 0; i < 4; i++)
		if (args[i])
			argv[argc++] = (char *)args[i];
	return cmd_verify(argc, argv);
}

static void test_exit_codes(void **state)
{
	char spec[400], spec2[400];

	(void)state;
	write_pcrs(pcrsp, "sha256", 0);
	snprintf(spec, sizeof(spec), "sha256,%s", pcrsp);
	assert_int_equal(run("--pcrs", spec, NULL, NULL), 0);
	assert_int_equal(run("--pcrs", spec, "--json", NULL), 0);
	write_pcrs(badp, "sha1", 1);
	snprintf(spec2, sizeof(spec2), "sha1,%s", badp);
	assert_int_equal(run("--pcrs", spec, "--pcrs", spec2), 1);
	/* malformed expected values */
	write_file(badp, "PCR-10: 12\n", 11);
	assert_int_equal(run("--pcrs", spec2, NULL, NULL), 2);
	assert_int_equal(run("--pcr", "sha1:5:zz", NULL, NULL), 64);
	/* only PCR 5, which the list never extends, from a file: nothing to do */
	write_file(badp, "PCR-05: 0000000000000000000000000000000000000000\n", 49);
	assert_int_equal(run("--pcrs", spec2, NULL, NULL), 2);
	/* ... but an explicit --pcr is compared: reset value matches */
	assert_int_equal(run("--pcr", "sha1:5:0000000000000000000000000000000000000000",
			     NULL, NULL), 0);
	/* a never-extended PCR 10 (reset value) vouches for none of the
	 * list's PCR 10 entries: mismatch, not "match before the first entry" */
	assert_int_equal(run("--pcr", "sha1:10:0000000000000000000000000000000000000000",
			     NULL, NULL), 1);
	/* truncated list: error, no verdict */
	write_file(logp, log_buf.b, log_buf.n - 3);
	assert_int_equal(run("--pcrs", spec, NULL, NULL), 2);
	write_file(logp, log_buf.b, log_buf.n);
	assert_int_equal(run("--pcrs", spec, "--tpm", "/nonexistent"), 0);
	assert_int_equal(run(NULL, NULL, "--tpm", "/nonexistent"), 2);
}

static void test_json(void **state)
{
	struct pcr_values pv = { 0 };
	static struct verify_result res;
	struct record rec;
	char err[512], *buf = NULL, spec[400];
	size_t len = 0;
	FILE *f, *out;
	uint8_t dig[20];

	(void)state;
	write_pcrs(pcrsp, "sha1", 0);
	snprintf(spec, sizeof(spec), "sha1,%s", pcrsp);
	assert_int_equal(pcrs_load_file(&pv, spec, err, sizeof(err)), 0);
	f = fopen(recp, "w");
	record_write_header(f, "0b6cbd38-2a3c-4d25-9f2a-7c3f0e1d2b4a", 5);
	memcpy(dig, log_buf.b + 4, 20);		/* first entry: present */
	record_write_entry(f, 0, 10, dig, "ima-ng", "boot_aggregate", 14);
	memset(dig, 0x5a, 20);			/* not in the list */
	record_write_entry(f, 9, 10, dig, "ima-ng", "/lost\xff", 6);
	record_write_end(f, 2);
	fclose(f);
	read_rec(&rec);
	assert_int_equal(verify_run(logp, NULL, 0, &pv, &rec, &res, err, sizeof(err)), 0);
	assert_true(res.match);
	assert_int_equal(res.checked, 2);	/* sha1 PCR 10 and 11 */
	assert_int_equal(res.nbnd, 4);
	assert_int_equal(res.bnd[1].kind, BOUNDARY_KEXEC_LOAD);
	assert_true(res.bnd[1].kexec_valid);
	assert_int_equal(res.bnd[1].kexec.measurements_count, 3);
	assert_false(res.bnd[2].kexec_valid);
	out = open_memstream(&buf, &len);
	assert_int_equal(verify_report_json(out, &res, recp), 0);
	fclose(out);
	assert_non_null(strstr(buf, "\"verdict\":\"match\""));
	assert_non_null(strstr(buf, "\"kind\":\"kexec_load\""));
	assert_non_null(strstr(buf, "\"measurements_count\":3"));
	assert_non_null(strstr(buf, "\"absent_count\":1"));
	assert_non_null(strstr(buf, "\"seq\":9"));
	assert_non_null(strstr(buf, "\"name_hex\":\"2f6c6f7374ff\""));
	assert_non_null(strstr(buf, "\"violations\":1"));
	free(buf);
	verify_free(&res);
	record_free(&rec);
}

static int run_chain(const char *prior, const char *log, const char *spec)
{
	char *argv[] = { "imakexec-trace verify", "--log", (char *)log, "--pcrs", (char *)spec,
			 "--prior", (char *)prior, NULL };

	return cmd_verify(prior ? 7 : 5, argv);
}

/* A list carried from an earlier boot (exec on kernels without
 * CONFIG_IMA_KEXEC) and this boot's list replay as one chain against the
 * TPM, which kexec never reset. */
static void test_prior_chain(void **state)
{
	char prior[320], cur[320], spec[400];
	size_t cut = offset_of(3, NULL);
	FILE *f;

	(void)state;
	write_pcrs(pcrsp, "sha256", 0);		/* over the whole chain */
	snprintf(spec, sizeof(spec), "sha256,%s", pcrsp);
	assert_true(cut > 0);
	snprintf(prior, sizeof(prior), "%s/prior", dir);
	snprintf(cur, sizeof(cur), "%s/cur", dir);
	write_file(prior, log_buf.b, cut);
	write_file(cur, log_buf.b + cut, log_buf.n - cut);
	assert_int_equal(run_chain(prior, cur, spec), 0);
	assert_int_equal(run_chain(NULL, cur, spec), 1);	/* this boot alone */
	assert_int_equal(run_chain(cur, prior, spec), 1);	/* wrong order */
	/* log --combined: one list a single-file verifier replays */
	{
		char out[320], *argv[] = { "imakexec-trace log", "--prior", prior, "--log", cur,
					   "--combined", out, NULL };
		char *buf;
		long n;

		snprintf(out, sizeof(out), "%s/combined", dir);
		assert_int_equal(cmd_log(7, argv), 0);
		f = fopen(out, "r");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		assert_int_equal(n, (long)log_buf.n);
		buf = malloc((size_t)n);
		assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		assert_memory_equal(buf, log_buf.b, (size_t)n);
		free(buf);
		assert_int_equal(run_chain(NULL, out, spec), 0);
		unlink(out);
		write_file(prior, log_buf.b, cut - 3);		/* torn prior */
		assert_int_equal(cmd_log(7, argv), 2);
		assert_int_equal(access(out, F_OK), -1);	/* nothing written */
	}
	assert_int_equal(run_chain(prior, cur, spec), 2);
	assert_int_equal(run_chain("/nonexistent/prior", cur, spec), 2);
}

/* Issue 23 item 7: a prior crafted as the real prior P + a copy of the
 * current list + one fabricated record reaches the TPM's value inside
 * itself; the fabricated record follows the match and the current list
 * would all be "extra". Not a verification. */
static void test_prior_crafted(void **state)
{
	static struct tbuf crafted;
	static struct verify_result res;
	struct pcr_values pv = { 0 };
	char prior[320], cur[320], spec[400], err[512], *buf = NULL;
	const char *priors[1] = { prior };
	size_t cut = offset_of(3, NULL), len = 0;
	FILE *out;

	(void)state;
	write_pcrs(pcrsp, "sha256", 0);		/* the TPM: P, then the current list */
	snprintf(spec, sizeof(spec), "sha256,%s", pcrsp);
	snprintf(prior, sizeof(prior), "%s/crafted", dir);
	snprintf(cur, sizeof(cur), "%s/cur", dir);
	fabricated_after(&crafted, log_buf.b, log_buf.n);	/* P + the current list + 1 */
	write_file(prior, crafted.b, crafted.n);
	write_file(cur, log_buf.b + cut, log_buf.n - cut);
	assert_int_equal(run_chain(prior, cur, spec), 1);
	assert_int_equal(pcrs_load_file(&pv, spec, err, sizeof(err)), 0);
	assert_int_equal(verify_run(cur, priors, 1, &pv, NULL, &res, err, sizeof(err)), 0);
	assert_false(res.match);
	assert_int_equal(res.mismatched, 1);
	/* PCR 10: reached after chain entry 6, inside the prior */
	assert_true(res.rp.banks[0].matched[10]);
	assert_int_equal(res.rp.banks[0].match_index[10], 6);
	assert_true(verify_match_in_prior(&res, 0, 10));
	assert_false(verify_pcr_match(&res, 0, 10));
	/* PCR 11: extended by the prior only, last there: its value holds
	 * through the current list */
	assert_true(verify_pcr_match(&res, 0, 11));
	out = open_memstream(&buf, &len);
	verify_report_text(out, &res, NULL);
	fclose(out);
	assert_non_null(strstr(buf, "MISMATCH: the value is reached inside prior 1"));
	assert_non_null(strstr(buf, "at its entry 6 (chain entry 6), before the current list "
			       "starts; the 5 later entries of this PCR (1 in the priors)"));
	free(buf);
	out = open_memstream(&buf, &len);
	assert_int_equal(verify_report_json(out, &res, NULL), 0);
	fclose(out);
	assert_non_null(strstr(buf, "\"match_in_prior\":true"));
	assert_non_null(strstr(buf, "\"verdict\":\"mismatch\""));
	free(buf);
	verify_free(&res);
}

/* The match must fall in the current list: after one of its entries, or
 * at its start (the value after the priors) only for a PCR it does not
 * extend. Entries after a match in the current list stay extra. */
static void test_prior_match_before_current(void **state)
{
	static struct tbuf t;
	char prior[320], cur[320], spec[400];
	size_t cut = offset_of(3, NULL);

	(void)state;
	write_pcrs(pcrsp, "sha256", 0);
	snprintf(spec, sizeof(spec), "sha256,%s", pcrsp);
	snprintf(prior, sizeof(prior), "%s/prior", dir);
	snprintf(cur, sizeof(cur), "%s/cur", dir);
	/* the whole list as the prior, its tail again as the current list:
	 * the TPM was read "before" all of the current list's entries */
	write_file(prior, log_buf.b, log_buf.n);
	write_file(cur, log_buf.b + cut, log_buf.n - cut);
	assert_int_equal(run_chain(prior, cur, spec), 1);
	/* an empty current list: the priors' last value is its only value */
	write_file(cur, "", 0);
	assert_int_equal(run_chain(prior, cur, spec), 0);
	/* ... but not a value reached inside the prior */
	fabricated_after(&t, log_buf.b, log_buf.n);
	write_file(prior, t.b, t.n);
	assert_int_equal(run_chain(prior, cur, spec), 1);
	/* a record appended to the current list after the PCR read is extra */
	write_file(prior, log_buf.b, cut);
	fabricated_after(&t, log_buf.b + cut, log_buf.n - cut);
	write_file(cur, t.b, t.n);
	assert_int_equal(run_chain(prior, cur, spec), 0);
}

static void write_record(const uint64_t *seq, unsigned int n, const uint8_t (*dig)[20])
{
	FILE *f = fopen(recp, "w");

	assert_non_null(f);
	record_write_header(f, "0b6cbd38-2a3c-4d25-9f2a-7c3f0e1d2b4a", 5);
	for (unsigned int i = 0; i < n; i++)
		record_write_entry(f, seq[i], 10, dig[i], "ima-ng", "x", 1);
	record_write_end(f, n);
	fclose(f);
}

/* --record: an entry after the match (extra, unauthenticated) is not
 * present, even with the record's digest; nor a duplicate's second copy
 * when only the first is covered. Prior entries before the match are. */
static void test_record_extra(void **state)
{
	static struct tbuf t;
	static struct verify_result res;
	struct pcr_values pv = { 0 };
	struct record rec;
	uint64_t seq[4] = { 0, 1, 6, 7 };
	uint8_t dig[4][20];
	char spec[400], prior[320], err[512];
	const char *priors[1] = { prior };
	size_t six = offset_of(6, NULL), cut = offset_of(3, NULL);

	(void)state;
	offset_of(0, dig[0]);			/* boot_aggregate, before the match */
	offset_of(1, dig[1]);			/* /bin/sh, before the match */
	offset_of(6, dig[2]);			/* boot_aggregate again, extra */
	assert_memory_equal(dig[0], dig[2], 20);
	fabricated_after(&t, log_buf.b, 0);
	memcpy(dig[3], t.b + 4, 20);		/* fabricated, extra */
	/* the TPM was read before record 6; the list has 6 and the fabricated one */
	t.n = 0;
	tb_put(&t, log_buf.b, six);
	write_pcrs_of(&t, pcrsp, "sha1", 0);
	snprintf(spec, sizeof(spec), "sha1,%s", pcrsp);
	fabricated_after(&t, log_buf.b, log_buf.n);
	write_file(badp, t.b, t.n);
	write_record(seq, 4, (const uint8_t (*)[20])dig);
	read_rec(&rec);
	assert_int_equal(pcrs_load_file(&pv, spec, err, sizeof(err)), 0);
	assert_int_equal(verify_run(badp, NULL, 0, &pv, &rec, &res, err, sizeof(err)), 0);
	assert_true(res.match);			/* extra entries are allowed */
	assert_int_equal(res.rp.banks[0].match_index[10], 5);
	assert_int_equal(record_absent(&rec), 2);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(rec.e[i].present, rec.e[i].seq < 6);
	verify_free(&res);
	record_free(&rec);
	/* chained: records of the prior are before the match, so present */
	write_pcrs(pcrsp, "sha1", 0);
	snprintf(prior, sizeof(prior), "%s/prior", dir);
	write_file(prior, log_buf.b, cut);
	write_file(badp, log_buf.b + cut, log_buf.n - cut);
	read_rec(&rec);
	memset(&pv, 0, sizeof(pv));
	assert_int_equal(pcrs_load_file(&pv, spec, err, sizeof(err)), 0);
	assert_int_equal(verify_run(badp, priors, 1, &pv, &rec, &res, err, sizeof(err)), 0);
	assert_true(res.match);
	assert_int_equal(record_absent(&rec), 1);	/* the fabricated one */
	assert_false(rec.e[3].present);
	verify_free(&res);
	record_free(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_prior_chain),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_prior_crafted),
		cmocka_unit_test(test_prior_match_before_current),
		cmocka_unit_test(test_record_extra),
	};

	return cmocka_run_group_tests_name("verify", tests, setup, teardown);
}
