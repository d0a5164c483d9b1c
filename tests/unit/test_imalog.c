// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "imalog.h"
#include "imalog_build.h"

static struct tbuf log_buf, data;

static int setup(void **state)
{
	(void)state;
	log_buf.n = 0;
	data.n = 0;
	return 0;
}

/* parse log_buf fully; returns records read, -1 on error (msg in err) */
static int parse_all(char *err, size_t errlen, struct ima_record *last)
{
	struct imalog l;
	struct ima_record r;
	FILE *f = tb_file(&log_buf);
	int n = 0, ret;

	assert_non_null(f);
	imalog_init_fp(&l, f, "/x/binary_runtime_measurements");
	while ((ret = imalog_next(&l, &r)) > 0) {
		n++;
		if (last)
			*last = r;	/* pointers stay valid only for plain fields */
	}
	if (ret < 0 && err)
		snprintf(err, errlen, "%s", l.err);
	imalog_close(&l);
	fclose(f);
	return ret < 0 ? -1 : n;
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(parse_all(NULL, 0, NULL), 0);
}

static void test_ima_ng_and_ima(void **state)
{
	struct imalog l;
	struct ima_record r;
	FILE *f;

	(void)state;
	tb_ima_ng(&log_buf, 10, 0x11, "boot_aggregate", 0);
	tb_ima(&log_buf, 11, 0x22, "/bin/sh");
	tb_ima_ng(&log_buf, 23, 0, "/tmp/v", 1);
	f = tb_file(&log_buf);
	imalog_init_fp(&l, f, "log");
	assert_int_equal(imalog_next(&l, &r), 1);
	assert_int_equal(r.index, 0);
	assert_int_equal(r.offset, 0);
	assert_int_equal(r.pcr, 10);
	assert_string_equal(r.template_name, "ima-ng");
	assert_false(r.is_ima);
	assert_false(r.violation);
	assert_int_equal(r.nfields, 2);
	assert_string_equal(r.file_algo, "sha256");
	assert_int_equal(r.file_digest_len, 32);
	assert_int_equal(r.file_digest[0], 0x11);
	assert_int_equal(r.event_name_len, 14);
	assert_memory_equal(r.event_name, "boot_aggregate", 14);
	assert_int_equal(imalog_next(&l, &r), 1);
	assert_int_equal(r.index, 1);
	assert_true(r.is_ima);
	assert_int_equal(r.pcr, 11);
	assert_string_equal(r.file_algo, "sha1");
	assert_int_equal(r.event_name_len, 7);
	assert_memory_equal(r.event_name, "/bin/sh", 7);
	assert_int_equal(imalog_next(&l, &r), 1);
	assert_true(r.violation);
	assert_int_equal(r.pcr, 23);
	assert_int_equal(imalog_next(&l, &r), 0);
	assert_int_equal(l.offset, log_buf.n);
	imalog_close(&l);
	fclose(f);
}

static void add_template(const char *tmpl, int nextra)
{
	struct tbuf *d = &data;

	d->n = 0;
	tb_dng(d, 0x33);
	tb_name(d, "n");
	for (int i = 0; i < nextra; i++)
		tb_field(d, "xy", i % 2 ? 0 : 2);
	tb_record(&log_buf, 10, tmpl, d, 0);
}

static void test_all_templates(void **state)
{
	struct ima_record r;

	(void)state;
	add_template("ima-sig", 1);
	add_template("ima-buf", 1);
	data.n = 0;
	tb_dng(&data, 1);
	tb_name(&data, "m");
	tb_field(&data, "", 0);
	tb_field(&data, "", 0);
	tb_field(&data, "", 0);
	tb_record(&log_buf, 10, "ima-modsig", &data, 0);
	add_template("evm-sig", 7);
	add_template("d-ng|n-ng|iuid|igid", 2);
	data.n = 0;
	{
		uint8_t f[12 + 32];

		memcpy(f, "ima:sha256:", 12);
		memset(f + 12, 5, 32);
		tb_field(&data, f, sizeof(f));
	}
	tb_name(&data, "v2");
	tb_record(&log_buf, 10, "ima-ngv2", &data, 0);
	assert_int_equal(parse_all(NULL, 0, &r), 6);
	assert_string_equal(r.template_name, "ima-ngv2");
	assert_string_equal(r.file_algo, "sha256");
}

static void test_buf_field(void **state)
{
	struct imalog l;
	struct ima_record r;
	FILE *f;

	(void)state;
	tb_dng(&data, 0);
	tb_name(&data, "kexec_load");
	tb_field(&data, "abc", 3);
	tb_record(&log_buf, 10, "ima-buf", &data, 0);
	f = tb_file(&log_buf);
	imalog_init_fp(&l, f, "log");
	assert_int_equal(imalog_next(&l, &r), 1);
	assert_non_null(r.buf);
	assert_int_equal(r.buf_len, 3);
	assert_memory_equal(r.buf, "abc", 3);
	imalog_close(&l);
	fclose(f);
}

/* replace the u32 at offset off of log_buf */
static void poke32(size_t off, uint32_t v)
{
	struct tbuf t = { .n = 0 };

	tb_u32(&t, v);
	memcpy(log_buf.b + off, t.b, 4);
}

static void expect_error(const char *needle)
{
	char err[IMALOG_ERR_LEN];

	assert_int_equal(parse_all(err, sizeof(err), NULL), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
}

static void test_bad_name_len(void **state)
{
	size_t second;

	(void)state;
	tb_ima_ng(&log_buf, 10, 1, "a", 0);
	second = log_buf.n;
	tb_ima_ng(&log_buf, 10, 1, "b", 0);
	poke32(second + 24, 4000000);
	char want[128];

	snprintf(want, sizeof(want), "binary_runtime_measurements: record 1 at offset %zu: "
		 "template name length 4000000", second);
	expect_error(want);
	poke32(second + 24, 0);
	expect_error("template name length 0");
}

static void test_bad_fields(void **state)
{
	(void)state;
	tb_ima_ng(&log_buf, 24, 1, "a", 0);
	expect_error("PCR index 24 out of range");
	log_buf.n = 0;
	tb_ima_ng(&log_buf, 10, 1, "a", 0);
	poke32(34, 0);			/* data_len after "ima-ng" */
	expect_error("template data length 0");
	poke32(34, 0x7fffffff);
	expect_error("exceeds 1048576");
	log_buf.n = 0;
	tb_ima_ng(&log_buf, 10, 1, "a", 0);
	memcpy(log_buf.b + 28, "xx", 2);	/* "ima-ng" -> "xxa-ng" */
	expect_error("unknown template 'xxa-ng'");
	log_buf.n = 0;
	tb_ima_ng(&log_buf, 10, 1, "a", 0);
	log_buf.n -= 1;
	expect_error("truncated template data");
	log_buf.n = 10;
	expect_error("truncated record header");
}

static void test_bad_digest(void **state)
{
	uint8_t f[8 + 20];

	(void)state;
	memcpy(f, "sha256:", 8);
	memset(f + 8, 1, 20);
	tb_field(&data, f, sizeof(f));
	tb_name(&data, "x");
	tb_record(&log_buf, 10, "ima-ng", &data, 0);
	expect_error("sha256 digest of 20 bytes, expected 32");
	log_buf.n = data.n = 0;
	memcpy(f, "foo256:", 8);
	tb_field(&data, f, sizeof(f));
	tb_name(&data, "x");
	tb_record(&log_buf, 10, "ima-ng", &data, 0);
	expect_error("unknown algorithm 'foo256'");
}

static void test_bad_layout(void **state)
{
	(void)state;
	tb_dng(&data, 1);
	tb_name(&data, "x");
	tb_field(&data, "extra", 5);	/* one field too many for ima-ng */
	tb_record(&log_buf, 10, "ima-ng", &data, 0);
	expect_error("bytes after the last field");
	log_buf.n = data.n = 0;
	tb_dng(&data, 1);
	tb_u32(&data, 100);		/* n-ng length past the end */
	tb_put(&data, "x", 1);
	tb_record(&log_buf, 10, "ima-ng", &data, 0);
	expect_error("exceeds remaining");
	log_buf.n = data.n = 0;
	tb_dng(&data, 1);
	tb_field(&data, "x", 1);	/* no NUL */
	tb_record(&log_buf, 10, "ima-ng", &data, 0);
	expect_error("not NUL-terminated");
	log_buf.n = 0;
	tb_ima(&log_buf, 10, 1, "abc");
	poke32(4 + 20 + 4 + 3 + 20, 256);
	expect_error("event name length 256");
}

/* random corruption must give records or a clean error, never a crash */
static void test_mutations(void **state)
{
	struct tbuf orig;

	(void)state;
	tb_ima_ng(&log_buf, 10, 1, "boot_aggregate", 0);
	tb_ima(&log_buf, 10, 2, "/bin/sh");
	add_template("ima-sig", 1);
	add_template("evm-sig", 7);
	orig = log_buf;
	srand(7);
	for (int i = 0; i < 3000; i++) {
		log_buf = orig;
		for (int k = 0; k < 1 + i % 4; k++)
			log_buf.b[rand() % log_buf.n] = (uint8_t)rand();
		if (i % 3 == 0)
			log_buf.n = (size_t)rand() % orig.n;
		(void)parse_all(NULL, 0, NULL);
	}
}

/* continue at a known record boundary: indices and offsets carry on */
static void test_seek_to_record_boundary(void **state)
{
	struct imalog l;
	struct ima_record r;
	size_t second;
	FILE *f;

	(void)state;
	tb_ima_ng(&log_buf, 10, 0x11, "boot_aggregate", 0);
	second = log_buf.n;
	tb_ima_ng(&log_buf, 10, 0x22, "/bin/a", 0);
	tb_ima_ng(&log_buf, 10, 0x33, "/bin/b", 0);
	f = tb_file(&log_buf);
	assert_non_null(f);
	imalog_init_fp(&l, f, "log");
	assert_int_equal(imalog_seek(&l, second, 1), 0);
	assert_int_equal(imalog_next(&l, &r), 1);
	assert_int_equal(r.index, 1);
	assert_int_equal(r.offset, second);
	assert_int_equal(imalog_next(&l, &r), 1);
	assert_int_equal(r.index, 2);
	assert_int_equal(imalog_next(&l, &r), 0);
	/* only before the first record */
	assert_int_equal(imalog_seek(&l, 0, 0), -EINVAL);
	imalog_close(&l);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_seek_to_record_boundary, setup),
		cmocka_unit_test_setup(test_empty, setup),
		cmocka_unit_test_setup(test_ima_ng_and_ima, setup),
		cmocka_unit_test_setup(test_all_templates, setup),
		cmocka_unit_test_setup(test_buf_field, setup),
		cmocka_unit_test_setup(test_bad_name_len, setup),
		cmocka_unit_test_setup(test_bad_fields, setup),
		cmocka_unit_test_setup(test_bad_digest, setup),
		cmocka_unit_test_setup(test_bad_layout, setup),
		cmocka_unit_test_setup(test_mutations, setup),
	};

	return cmocka_run_group_tests_name("imalog", tests, NULL, NULL);
}
