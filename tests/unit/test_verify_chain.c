// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* verify_run (libima) where the suite did not show a fault fails
 * (tests/mutate, issue 25): a template digest that is not the SHA-1 of its
 * data is a mismatch even though PCR 10 replays (the replay extends the
 * logged digest); two --prior lists replay oldest first, not reversed;
 * --record counts no entry present when PCR 10 does not match. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "imalog_build.h"
#include "pcrs.h"
#include "record.h"
#include "replay.h"
#include "verify.h"

static char dir[] = "/tmp/test_verify_chainXXXXXX";
static struct tbuf list;
static size_t off[8];		/* byte offset of record i; off[n] = list.n */
static unsigned int nrec;

static void path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void write_file(const char *p, const void *b, size_t n)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

/* PCR 10 (sha256) after replaying t, as verify's expected value */
static void pcr10_of(const struct tbuf *t, struct pcr_values *pv, int break_it)
{
	struct replay rp;
	struct ima_record r;
	struct imalog l;
	FILE *f = tb_file(t);
	char err[256];
	bool ok;
	int b;

	assert_int_equal(replay_init(&rp), 0);
	b = replay_add_bank(&rp, "sha256");
	imalog_init_fp(&l, f, "list");
	while (imalog_next(&l, &r) > 0)
		assert_int_equal(replay_extend(&rp, &r, &ok), 0);
	imalog_close(&l);
	fclose(f);
	if (break_it)
		rp.banks[b].pcr[10][0] ^= 1;
	memset(pv, 0, sizeof(*pv));
	assert_int_equal(pcrs_set(pv, "sha256", 10, rp.banks[b].pcr[10], PCR_SRC_ARG, err,
				  sizeof(err)), 0);
	replay_free(&rp);
}

static void add(uint8_t fill, const char *name)
{
	off[nrec++] = list.n;
	tb_ima_ng(&list, 10, fill, name, 0);
	off[nrec] = list.n;
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	add(1, "boot_aggregate");
	add(2, "/bin/a");
	add(3, "/bin/b");
	add(4, "/bin/c");
	add(5, "/bin/d");
	add(6, "/bin/e");
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* one byte of record 3's template data changed, its logged digest kept:
 * PCR 10 still replays (the TPM was extended with the logged digest), the
 * entry no longer matches it: not a verification */
static void test_digest_error_is_a_mismatch(void **state)
{
	static struct verify_result res;
	static struct tbuf bad;
	struct pcr_values pv;
	char p[320], err[512];

	(void)state;
	bad.n = 0;
	tb_put(&bad, list.b, list.n);
	bad.b[off[4] - 2] ^= 0x20;		/* record 3's name: "/bin/c" -> "/bin/C" */
	pcr10_of(&bad, &pv, 0);
	path(p, sizeof(p), "digest-error");
	write_file(p, bad.b, bad.n);
	assert_int_equal(verify_run(p, NULL, 0, &pv, NULL, &res, err, sizeof(err)), 0);
	assert_int_equal(res.mismatched, 0);	/* the PCR replays ... */
	assert_int_equal(res.rp.digest_errors, 1);
	assert_int_equal(res.digest_error_index[0], 3);
	assert_false(res.match);		/* ... the list does not verify */
	verify_free(&res);
	/* the intact list verifies against its own value */
	pcr10_of(&list, &pv, 0);
	path(p, sizeof(p), "intact");
	write_file(p, list.b, list.n);
	assert_int_equal(verify_run(p, NULL, 0, &pv, NULL, &res, err, sizeof(err)), 0);
	assert_true(res.match);
	verify_free(&res);
}

/* carries A (records 0-1) and B (2-3), current list C (4-5): A, B, C
 * replays to the TPM; B, A, C does not */
static void test_two_priors_oldest_first(void **state)
{
	static struct verify_result res;
	struct pcr_values pv;
	char a[320], b[320], c[320], err[512];
	const char *ab[2] = { a, b }, *ba[2] = { b, a };

	(void)state;
	pcr10_of(&list, &pv, 0);
	path(a, sizeof(a), "A");
	path(b, sizeof(b), "B");
	path(c, sizeof(c), "C");
	write_file(a, list.b, off[2]);
	write_file(b, list.b + off[2], off[4] - off[2]);
	write_file(c, list.b + off[4], list.n - off[4]);
	assert_int_equal(verify_run(c, ab, 2, &pv, NULL, &res, err, sizeof(err)), 0);
	assert_true(res.match);
	assert_int_equal(res.nboots, 3);
	assert_string_equal(res.boots[0].path, a);
	assert_int_equal(res.boots[1].first_index, 2);
	verify_free(&res);
	assert_int_equal(verify_run(c, ba, 2, &pv, NULL, &res, err, sizeof(err)), 0);
	assert_false(res.match);
	verify_free(&res);
}

/* a record of records 2-4; the list holds them all again, but PCR 10 does
 * not match: none is authenticated, all three are absent */
static void test_record_needs_a_match(void **state)
{
	static struct verify_result res;
	struct record rec;
	struct pcr_values pv;
	uint8_t dig[3][20];
	char p[320], rp[320], err[512];
	FILE *f;

	(void)state;
	path(p, sizeof(p), "list");
	path(rp, sizeof(rp), "record");
	write_file(p, list.b, list.n);
	for (int i = 0; i < 3; i++)
		memcpy(dig[i], list.b + off[2 + i] + 4, 20);	/* pcr, then the digest */
	f = fopen(rp, "w");
	assert_non_null(f);
	record_write_header(f, "0b6cbd38-2a3c-4d25-9f2a-7c3f0e1d2b4a", 5);
	for (int i = 0; i < 3; i++)
		record_write_entry(f, 2 + (uint64_t)i, 10, dig[i], "ima-ng", "x", 1);
	assert_int_equal(record_write_end(f, 3), 0);
	fclose(f);
	for (int broken = 0; broken < 2; broken++) {
		memset(&rec, 0, sizeof(rec));
		f = fopen(rp, "r");
		assert_non_null(f);
		assert_int_equal(record_read(f, rp, &rec, err, sizeof(err)), 0);
		fclose(f);
		pcr10_of(&list, &pv, broken);
		assert_int_equal(verify_run(p, NULL, 0, &pv, &rec, &res, err, sizeof(err)), 0);
		assert_int_equal(res.match, !broken);
		assert_int_equal(record_absent(&rec), broken ? 3 : 0);
		verify_free(&res);
		record_free(&rec);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_error_is_a_mismatch),
		cmocka_unit_test(test_two_priors_oldest_first),
		cmocka_unit_test(test_record_needs_a_match),
	};

	return cmocka_run_group_tests_name("verify_chain", tests, setup, teardown);
}
