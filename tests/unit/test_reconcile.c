// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <cmocka.h>
#include "reconcile.h"

/* A scripted kernel: each tracker read pops the next (appended, inflight)
 * pair, each list read pops the next count. */
struct script {
	uint64_t appended[16], inflight[16], count[16];
	int ti, li, fail_list;
};

static int tr(void *ctx, uint64_t *a, uint64_t *f)
{
	struct script *s = ctx;

	*a = s->appended[s->ti];
	*f = s->inflight[s->ti++];
	return 0;
}

static int ls(void *ctx, uint64_t *c)
{
	struct script *s = ctx;

	if (s->fail_list)
		return -ENOENT;
	*c = s->count[s->li++];
	return 0;
}

static void test_quiet_system(void **state)
{
	struct script s = { .appended = { 3, 3 }, .count = { 40 } };
	struct ikt_count_reader r = { tr, ls, &s };
	uint64_t base = 0;

	(void)state;
	assert_int_equal(ikt_reconcile(&r, 5, &base), 0);
	assert_int_equal(base, 37);
}

static void test_retries_while_appends_race(void **state)
{
	/* try 1: an append finished between the reads (3 -> 4);
	 * try 2: one in flight; try 3: quiet at 5 with the list at 45 */
	struct script s = {
		.appended = { 3, 4, 4, 4, 5, 5 },
		.inflight = { 0, 0, 1, 1, 0, 0 },
		.count = { 43, 44, 45 },
	};
	struct ikt_count_reader r = { tr, ls, &s };
	uint64_t base = 0;

	(void)state;
	assert_int_equal(ikt_reconcile(&r, 5, &base), 0);
	assert_int_equal(base, 40);
	assert_int_equal(s.li, 3);
}

static void test_gives_up_when_never_quiet(void **state)
{
	struct script s = { .inflight = { 1, 1, 1, 1 }, .count = { 1, 1 } };
	struct ikt_count_reader r = { tr, ls, &s };
	uint64_t base = 99;

	(void)state;
	assert_int_equal(ikt_reconcile(&r, 2, &base), -EAGAIN);
	assert_int_equal(base, 99);
}

static void test_inconsistent_list_is_an_error(void **state)
{
	struct script s = { .appended = { 10, 10 }, .count = { 4 } };
	struct ikt_count_reader r = { tr, ls, &s };
	uint64_t base;

	(void)state;
	assert_int_equal(ikt_reconcile(&r, 3, &base), -ERANGE);
}

static void test_reader_error_propagates(void **state)
{
	struct script s = { .fail_list = 1 };
	struct ikt_count_reader r = { tr, ls, &s };
	uint64_t base;

	(void)state;
	assert_int_equal(ikt_reconcile(&r, 3, &base), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_system),
		cmocka_unit_test(test_retries_while_appends_race),
		cmocka_unit_test(test_gives_up_when_never_quiet),
		cmocka_unit_test(test_inconsistent_list_is_an_error),
		cmocka_unit_test(test_reader_error_propagates),
	};
	return cmocka_run_group_tests_name("reconcile", tests, NULL, NULL);
}
