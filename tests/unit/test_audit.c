// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "audit.h"
#include "exitcodes.h"

static struct ikt_view v;
static struct ikt_state s;

static int setup(void **state)
{
	(void)state;
	memset(&v, 0, sizeof(v));
	memset(&s, 0, sizeof(s));
	v.count_known = true;
	v.lost_from = UINT64_MAX;
	return 0;
}

static void feed(struct ikt_audit *a, uint64_t n, uint64_t bytes)
{
	for (uint64_t i = 0; i < n; i++)
		ikt_audit_entry(a, i, bytes);
	ikt_audit_finish(a);
}

static void test_gap_lists_entries_after_snapshot(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_GAP;
	v.mode = IKT_CARRY_LOAD;
	v.normal = IKT_KEXEC_FILE;
	v.lost_from = 7;
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 10, 100);
	assert_int_equal(a.verdict, IKT_A_GAP);
	assert_int_equal(a.at_risk, 3);
	assert_int_equal(a.lost_from, 7);
	assert_int_equal(ikt_audit_exit_code(a.verdict), IKT_EXIT_FINDING);
}

static void test_gap_becomes_safe_when_log_has_nothing_new(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_GAP;
	v.mode = IKT_CARRY_LOAD;
	v.lost_from = 10;
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 10, 100);
	assert_int_equal(a.verdict, IKT_A_SAFE);
	assert_int_equal(ikt_audit_exit_code(a.verdict), IKT_EXIT_OK);
}

static void test_loss_all_lists_everything(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_LOSS_ALL;
	v.mode = IKT_CARRY_NONE;
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 5, 100);
	assert_int_equal(a.verdict, IKT_A_LOSS_ALL);
	assert_int_equal(a.at_risk, 5);
}

static void test_execute_copy_fits(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_SAFE;
	v.mode = IKT_CARRY_EXECUTE;
	s.snap.valid = 1;
	s.snap.segment_size = 4096;
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 40, 100);	/* 24 + 4000 bytes */
	assert_int_equal(a.verdict, IKT_A_SAFE);
	assert_int_equal(a.list_bytes, 4024);
	assert_int_equal(a.at_risk, 0);
}

static void test_execute_copy_overflow_cuts_whole_records(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_SAFE;
	v.mode = IKT_CARRY_EXECUTE;
	s.snap.valid = 1;
	s.snap.segment_size = 4096;
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 45, 100);	/* record 40 ends at 4124 > 4096 */
	assert_int_equal(a.verdict, IKT_A_OVERFLOW);
	assert_int_equal(a.lost_from, 40);
	assert_int_equal(a.at_risk, 5);
	assert_int_equal(a.list_bytes, 24 + 4500);
	assert_int_equal(ikt_audit_exit_code(a.verdict), IKT_EXIT_FINDING);
}

static void test_kernel_flag_overrides_tracker(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_GAP;
	v.mode = IKT_CARRY_LOAD;
	v.lost_from = 1;
	ikt_audit_plan(&a, &v, &s, 0);	/* unloaded behind our back */
	assert_int_equal(a.verdict, IKT_A_NOT_LOADED);
	v.verdict = IKT_V_NOT_LOADED;
	ikt_audit_plan(&a, &v, &s, 1);	/* loaded behind our back */
	assert_int_equal(a.verdict, IKT_A_UNKNOWN);
	assert_int_equal(ikt_audit_exit_code(a.verdict), IKT_EXIT_ERROR);
}

static void test_unknown_stays_unknown(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_UNKNOWN;
	v.why = "image loaded before tracking started";
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 3, 10);
	assert_int_equal(a.verdict, IKT_A_UNKNOWN);
	assert_int_equal(a.at_risk, 0);
	assert_string_equal(ikt_audit_verdict_str(a.verdict), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gap_lists_entries_after_snapshot, setup),
		cmocka_unit_test_setup(test_gap_becomes_safe_when_log_has_nothing_new, setup),
		cmocka_unit_test_setup(test_loss_all_lists_everything, setup),
		cmocka_unit_test_setup(test_execute_copy_fits, setup),
		cmocka_unit_test_setup(test_execute_copy_overflow_cuts_whole_records, setup),
		cmocka_unit_test_setup(test_kernel_flag_overrides_tracker, setup),
		cmocka_unit_test_setup(test_unknown_stays_unknown, setup),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
