// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "exitcodes.h"
#include "verdict.h"

static struct ikt_state s;
static struct ikt_config c;

static int setup(void **state)
{
	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	c.base = 100;
	c.base_valid = 1;
	return 0;
}

static void load_file(uint64_t snap_count)
{
	s.touched |= IKT_SLOT_NORMAL;
	s.kexec_state = IKT_KEXEC_FILE;
	s.snap.valid = 1;
	s.snap.count = snap_count;
}

static void test_not_loaded(void **state)
{
	struct ikt_view v;

	(void)state;
	s.appended = 5;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, -1);
	assert_int_equal(v.verdict, IKT_V_NOT_LOADED);
	assert_int_equal(v.count, 105);
	assert_int_equal(ikt_view_gap_pos(&v, 104), 0);
}

static void test_gap_after_snapshot(void **state)
{
	struct ikt_view v;

	(void)state;
	load_file(103);		/* snapshot held entries 0..102 */
	s.appended = 10;	/* list now 110 entries: 103..109 lost */
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, -1);
	assert_int_equal(v.verdict, IKT_V_GAP);
	assert_true(v.gap_known);
	assert_int_equal(v.gap, 7);
	assert_int_equal(ikt_view_gap_pos(&v, 102), 0);
	assert_int_equal(ikt_view_gap_pos(&v, 103), 1);
	assert_int_equal(ikt_view_gap_pos(&v, 109), 7);
}

/* Trackers of this version take the list length from the kernel: the
 * tracker's own append counter and base no longer enter the count. */
static void test_count_from_kernel(void **state)
{
	struct ikt_view v;

	(void)state;
	c.count_from_kernel = 1;
	c.base = 0;
	load_file(103);
	s.appended = 3;		/* appends seen since attach: not the count */
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, 110);
	assert_true(v.count_known);
	assert_int_equal(v.count, 110);
	assert_int_equal(v.verdict, IKT_V_GAP);
	assert_int_equal(v.gap, 7);
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, 103);
	assert_int_equal(v.verdict, IKT_V_SAFE);
	/* unreadable length: count and gap unknown, never guessed */
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, -1);
	assert_false(v.count_known);
	assert_false(v.gap_known);
}

static void test_safe_when_nothing_after_snapshot(void **state)
{
	struct ikt_view v;

	(void)state;
	load_file(110);
	s.appended = 10;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, -1);
	assert_int_equal(v.verdict, IKT_V_SAFE);
	assert_int_equal(v.gap, 0);
}

static void test_no_ima_kexec_loses_all(void **state)
{
	struct ikt_view v;

	(void)state;
	load_file(0);
	s.snap.valid = 0;
	s.appended = 3;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_NONE, -1);
	assert_int_equal(v.verdict, IKT_V_LOSS_ALL);
	assert_int_equal(v.gap, 103);
	assert_int_equal(ikt_view_gap_pos(&v, 0), 1);
}

static void test_legacy_loses_all_even_with_ima_kexec(void **state)
{
	struct ikt_view v;

	(void)state;
	s.touched = IKT_SLOT_NORMAL;
	s.kexec_state = IKT_KEXEC_LEGACY;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_EXECUTE, -1);
	assert_int_equal(v.verdict, IKT_V_LOSS_ALL);
	assert_int_equal(v.gap, 100);
}

static void test_execute_copy_is_safe(void **state)
{
	struct ikt_view v;

	(void)state;
	load_file(50);
	s.appended = 30;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_EXECUTE, -1);
	assert_int_equal(v.verdict, IKT_V_SAFE);
	assert_int_equal(v.gap, 0);
}

static void test_preloaded_is_unknown_until_reload(void **state)
{
	struct ikt_view v;

	(void)state;
	c.preloaded = IKT_SLOT_NORMAL;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, -1);
	assert_int_equal(v.verdict, IKT_V_UNKNOWN);
	assert_false(v.gap_known);
	load_file(100);		/* reloaded under tracking */
	s.appended = 2;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, -1);
	assert_int_equal(v.verdict, IKT_V_GAP);
	assert_int_equal(v.gap, 2);
}

static void test_unload_after_preload(void **state)
{
	struct ikt_view v;

	(void)state;
	c.preloaded = IKT_SLOT_NORMAL | IKT_SLOT_CRASH;
	s.touched = IKT_SLOT_NORMAL;	/* traced unload of the normal image */
	s.kexec_state = IKT_KEXEC_NONE;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, -1);
	assert_int_equal(v.verdict, IKT_V_NOT_LOADED);
	assert_int_equal(v.crash, IKT_KEXEC_PRELOADED);
}

static void test_crash_load_does_not_change_verdict(void **state)
{
	struct ikt_view v;

	(void)state;
	load_file(100);
	s.touched |= IKT_SLOT_CRASH;
	s.crash_state = IKT_KEXEC_FILE;
	s.appended = 4;
	ikt_view_compute(&v, &s, &c, IKT_CARRY_LOAD, -1);
	assert_int_equal(v.verdict, IKT_V_GAP);
	assert_int_equal(v.gap, 4);
	assert_int_equal(v.crash, IKT_KEXEC_FILE);
}

static void test_strings(void **state)
{
	(void)state;
	assert_string_equal(ikt_verdict_str(IKT_V_LOSS_ALL), "LOSS-ALL");
	assert_string_equal(ikt_verdict_str((enum ikt_verdict)99), "UNKNOWN");
	assert_string_equal(ikt_kexec_state_str(IKT_KEXEC_LEGACY), "loaded-legacy");
	assert_string_equal(ikt_kexec_state_str((enum ikt_kexec_state)42), "invalid");
}

/* one table for every command: each verdict has its own name and the exit
 * code README documents */
static void test_every_verdict_named_and_coded(void **state)
{
	static const int want[IKT_V__COUNT] = {
		[IKT_V_NOT_LOADED] = IKT_EXIT_OK, [IKT_V_SAFE] = IKT_EXIT_OK,
		[IKT_V_GAP] = IKT_EXIT_FINDING, [IKT_V_LOSS_ALL] = IKT_EXIT_FINDING,
		[IKT_V_OVERFLOW] = IKT_EXIT_FINDING, [IKT_V_UNKNOWN] = IKT_EXIT_ERROR,
	};
	(void)state;
	for (int i = 0; i < IKT_V__COUNT; i++) {
		for (int j = 0; j < i; j++)
			assert_string_not_equal(ikt_verdict_str(i), ikt_verdict_str(j));
		assert_int_equal(ikt_verdict_exit_code(i), want[i]);
	}
	assert_string_equal(ikt_verdict_str(IKT_V_OVERFLOW), "OVERFLOW");
	assert_int_equal(ikt_verdict_exit_code((enum ikt_verdict)99), IKT_EXIT_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_not_loaded, setup),
		cmocka_unit_test_setup(test_gap_after_snapshot, setup),
		cmocka_unit_test_setup(test_count_from_kernel, setup),
		cmocka_unit_test_setup(test_safe_when_nothing_after_snapshot, setup),
		cmocka_unit_test_setup(test_no_ima_kexec_loses_all, setup),
		cmocka_unit_test_setup(test_legacy_loses_all_even_with_ima_kexec, setup),
		cmocka_unit_test_setup(test_execute_copy_is_safe, setup),
		cmocka_unit_test_setup(test_preloaded_is_unknown_until_reload, setup),
		cmocka_unit_test_setup(test_unload_after_preload, setup),
		cmocka_unit_test_setup(test_crash_load_does_not_change_verdict, setup),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_every_verdict_named_and_coded),
	};
	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
