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

/* PCR values after the whole log, by replaying it: plumbing, not vectors
 * (those are in test_replay) */
static void write_pcrs(const char *path, const char *bank, int break_it)
{
	struct replay rp;
	struct ima_record r;
	struct imalog l;
	FILE *f = tb_file(&log_buf), *out;
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
	f = fopen(recp, "r");
	assert_int_equal(record_read(f, recp, &rec, err, sizeof(err)), 0);
	fclose(f);
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
	struct ima_record r;
	struct imalog l;
	uint64_t cut = 0;
	FILE *f;

	(void)state;
	write_pcrs(pcrsp, "sha256", 0);		/* over the whole chain */
	snprintf(spec, sizeof(spec), "sha256,%s", pcrsp);
	f = tb_file(&log_buf);
	imalog_init_fp(&l, f, "log");
	while (imalog_next(&l, &r) > 0)
		if (r.index == 3)
			cut = r.offset;
	imalog_close(&l);
	fclose(f);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_prior_chain),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests_name("verify", tests, setup, teardown);
}
