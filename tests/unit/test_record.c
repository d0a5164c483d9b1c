// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "record.h"

#define BOOT "0b6cbd38-2a3c-4d25-9f2a-7c3f0e1d2b4a"

static char err[512];

static int read_text(const char *text, struct record *r)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	ret = record_read(f, "rec", r, err, sizeof(err));
	fclose(f);
	return ret;
}

static void test_roundtrip(void **state)
{
	static const char names[][16] = { "/bin/a b", "50%", "-", "", "caf\xc3\xa9\n" };
	uint8_t dig[20];
	struct record r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(record_write_header(f, BOOT, 1700000000), 0);
	for (int i = 0; i < 5; i++) {
		memset(dig, i, sizeof(dig));
		assert_int_equal(record_write_entry(f, 100 + i, 10, dig, i == 4 ? "d-ng|n-ng" : "ima-ng",
						    names[i], strlen(names[i])), 0);
	}
	assert_int_equal(record_write_end(f, 5), 0);
	fclose(f);
	assert_non_null(strstr(buf, "entry 100 10 0000000000000000000000000000000000000000 "
			       "ima-ng /bin/a%20b\n"));
	assert_non_null(strstr(buf, " 50%25\n"));
	assert_non_null(strstr(buf, " %2D\n"));
	assert_non_null(strstr(buf, " -\n"));
	assert_int_equal(read_text(buf, &r), 0);
	assert_string_equal(r.boot_id, BOOT);
	assert_int_equal(r.created, 1700000000);
	assert_int_equal(r.n, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(r.e[i].seq, 100 + i);
		assert_int_equal(r.e[i].event_name_len, strlen(names[i]));
		assert_memory_equal(r.e[i].event_name, names[i], strlen(names[i]));
		assert_int_equal(r.e[i].digest[0], i);
	}
	assert_string_equal(r.e[4].template_name, "d-ng|n-ng");
	record_free(&r);
	free(buf);
}

static void test_match_multiset(void **state)
{
	uint8_t a[20], b[20], z[20] = { 0 };
	struct record r;
	char text[1024];

	(void)state;
	memset(a, 0xaa, 20);
	memset(b, 0xbb, 20);
	snprintf(text, sizeof(text), "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\n"
		 "entry 5 10 %s ima-ng x\n"
		 "entry 6 10 %s ima-ng y\n"
		 "entry 7 10 %s ima-ng z\n"
		 "entry 8 10 %s ima-ng v\n"
		 "end 4\n",
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		 "0000000000000000000000000000000000000000",
		 "0000000000000000000000000000000000000000",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(read_text(text, &r), 0);
	assert_int_equal(record_absent(&r), 4);
	assert_true(record_match(&r, z));
	assert_true(record_match(&r, a));
	assert_false(record_match(&r, a));	/* only one a in the record */
	assert_int_equal(record_absent(&r), 2);
	assert_false(r.e[0].present);
	assert_true(r.e[1].present);		/* lowest seq of the zero group first */
	assert_false(r.e[2].present);
	assert_true(record_match(&r, z));
	assert_false(record_match(&r, z));
	assert_true(record_match(&r, b));
	assert_int_equal(record_absent(&r), 0);
	record_free(&r);
}

/* a line over RECORD_LINE_MAX is refused as soon as the buffer is full */
static void test_long_line(void **state)
{
	size_t n = RECORD_LINE_MAX * 4;
	char *text = malloc(n + 64);
	struct record r;

	(void)state;
	strcpy(text, "imakexec-trace-record 1\nboot_id ");
	memset(text + strlen(text), 'a', n);
	strcpy(text + n, "\n");
	assert_int_equal(read_text(text, &r), -1);
	assert_non_null(strstr(err, "line 2: line too long"));
	free(text);
}

static void test_bad(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "incomplete header" },
		{ "imakexec-trace-record 2\n", "unsupported record version" },
		{ "something 1\n", "not an imakexec-trace record" },
		{ "imakexec-trace-record 1\nboot_id x y\n", "line 2: expected \"boot_id ID\"" },
		{ "imakexec-trace-record 1\nboot_id zz\n", "expected \"boot_id ID\"" },
		{ "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\n", "no \"end\" line" },
		{ "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\nend 1\n",
		  "does not match" },
		{ "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\nend 0\nx\n",
		  "after the \"end\"" },
		{ "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\n"
		  "entry 1 24 0000000000000000000000000000000000000000 ima-ng x\nend 1\n",
		  "line 4: malformed entry" },
		{ "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\n"
		  "entry 1 10 000000000000000000000000000000000000000g ima-ng x\nend 1\n",
		  "malformed entry" },
		{ "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\n"
		  "entry 1 10 0000000000000000000000000000000000000000 ima-ng x%4\nend 1\n",
		  "malformed entry" },
		{ "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\n"
		  "entry 1 10 0000000000000000000000000000000000000000 ima-ng  x\nend 1\n",
		  "malformed line" },
		{ "imakexec-trace-record 1\nboot_id " BOOT "\ncreated 1\nend 0",
		  "not terminated" },
	};
	struct record r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(read_text(bad[i].text, &r), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].why);
		assert_null(r.e);
	}
}

static void test_writer_rejects(void **state)
{
	uint8_t d[20] = { 0 };
	FILE *f = fopen("/dev/null", "w");

	(void)state;
	assert_int_equal(record_write_header(f, "not a uuid", 1), -1);
	assert_int_equal(record_write_entry(f, 1, 24, d, "ima-ng", "x", 1), -1);
	assert_int_equal(record_write_entry(f, 1, 10, d, "", "x", 1), -1);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_match_multiset),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_writer_rejects),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
