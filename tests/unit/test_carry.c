// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* the carry read ahead (before exec's pre-seal) and completed at the last
 * moment: the file must be exactly the list then, whatever came after the
 * read-ahead, and a list that changed under it (trimmed) is read whole */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "carry.h"
#include "imalog_build.h"

static char dir[] = "/tmp/test_carryXXXXXX";
static char carrydir[64], log_path[64];

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(carrydir, sizeof(carrydir), "%s/carry", dir);
	snprintf(log_path, sizeof(log_path), "%s/log", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void write_file(const char *p, const void *b, size_t n)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

static void assert_file(const char *p, const void *b, size_t n)
{
	static uint8_t got[1 << 16];
	FILE *f = fopen(p, "r");

	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got), f), n);
	fclose(f);
	assert_memory_equal(got, b, n);
}

static struct tbuf list;

static void build(unsigned int from, unsigned int to)
{
	char name[32];

	for (unsigned int i = from; i < to; i++) {
		snprintf(name, sizeof(name), "/f%u", i);
		tb_ima_ng(&list, 10, (uint8_t)i, name, 0);
	}
}

static void test_read_ahead_then_tail(void **state)
{
	struct ikt_carry_pre pre;
	char path[256];
	uint64_t count;

	(void)state;
	assert_int_equal(ikt_carry_dir(carrydir), 0);
	list.n = 0;
	build(0, 50);
	write_file(log_path, list.b, list.n);
	assert_int_equal(ikt_carry_prefetch(log_path, &pre), 0);
	assert_int_equal(pre.count, 50);
	build(50, 57);			/* appended after the read-ahead */
	write_file(log_path, list.b, list.n);
	assert_int_equal(ikt_carry_write(carrydir, log_path, &pre, path, sizeof(path), &count), 0);
	assert_int_equal(count, 57);
	assert_file(path, list.b, list.n);
	/* nothing appended: the same list */
	assert_int_equal(ikt_carry_write(carrydir, log_path, &pre, path, sizeof(path), &count), 0);
	assert_int_equal(count, 57);
	/* only the tail is read: a byte changed before the last record read
	 * ahead (which the kernel's append-only list never does) is not seen */
	{
		static struct tbuf changed;

		changed = list;
		changed.b[40] ^= 0xff;
		write_file(log_path, changed.b, changed.n);
		assert_int_equal(ikt_carry_write(carrydir, log_path, &pre, path, sizeof(path),
						 &count), 0);
		assert_file(path, list.b, list.n);
	}
	ikt_carry_pre_free(&pre);
	/* the list trimmed from its head after the read-ahead: read whole */
	list.n = 0;
	build(0, 40);
	write_file(log_path, list.b, list.n);
	assert_int_equal(ikt_carry_prefetch(log_path, &pre), 0);
	list.n = 0;
	build(20, 45);
	write_file(log_path, list.b, list.n);
	assert_int_equal(ikt_carry_write(carrydir, log_path, &pre, path, sizeof(path), &count), 0);
	assert_int_equal(count, 25);
	assert_file(path, list.b, list.n);
	ikt_carry_pre_free(&pre);
	/* no read-ahead */
	assert_int_equal(ikt_carry_write(carrydir, log_path, NULL, path, sizeof(path), &count), 0);
	assert_int_equal(count, 25);
	assert_file(path, list.b, list.n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_ahead_then_tail, setup, teardown),
	};

	return cmocka_run_group_tests_name("carry", tests, NULL, NULL);
}
