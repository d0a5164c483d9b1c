// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* audit on an execute-copy kernel at the exact-fit boundaries (issue 25.6):
 * a list exactly as long as the segment fits; one byte more cuts its last
 * record; list + the kexec_execute record exactly the segment fits; one
 * byte less is OVERFLOW with nothing cut. The segment-fit comparisons
 * turned from > to >= (tests/mutate: audit-fit-list-ge,
 * audit-fit-exec-record-ge) passed every other host test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "audit.h"
#include "kexec_record.h"

static struct ikt_view v;
static struct ikt_state s;

static int setup(void **state)
{
	(void)state;
	memset(&v, 0, sizeof(v));
	memset(&s, 0, sizeof(s));
	v.count_known = true;
	v.lost_from = UINT64_MAX;
	v.verdict = IKT_V_SAFE;
	v.mode = IKT_CARRY_EXECUTE;
	s.snap.valid = 1;
	return 0;
}

/* n records of 100 bytes into a segment of `segment` bytes */
static void run(struct ikt_audit *a, uint64_t segment, uint64_t n)
{
	s.snap.segment_size = segment;
	ikt_audit_plan(a, &v, &s, 1);
	assert_true(a->check_fit);
	for (uint64_t i = 0; i < n; i++)
		ikt_audit_entry(a, i, 100);
	ikt_audit_finish(a);
}

/* no kexec_load record (nothing appended at execute): the list alone */
static void test_list_exactly_the_segment(void **state)
{
	struct ikt_audit a;

	(void)state;
	run(&a, 24 + 4000, 40);			/* header + 40 records == segment */
	assert_int_equal(a.list_bytes, 4024);
	assert_int_equal(a.exec_record, 0);
	assert_int_equal(a.verdict, IKT_V_SAFE);
	assert_int_equal(a.at_risk, 0);
	assert_true(a.lost_from == UINT64_MAX);
	run(&a, 24 + 4000 - 1, 40);		/* one byte over: the last record cut */
	assert_int_equal(a.verdict, IKT_V_OVERFLOW);
	assert_int_equal(a.lost_from, 39);
	assert_int_equal(a.at_risk, 1);
}

/* a kexec_load record of 190 bytes with 10 digits: the kexec_execute
 * record for a 4-digit segment, a 4-digit list and 38 records is 193 */
static void test_list_and_exec_record_exactly_the_segment(void **state)
{
	struct ikt_audit a;

	(void)state;
	s.kexec_rec_bytes = 190;
	s.kexec_rec_digits = 10;
	assert_int_equal(ikt_exec_record_bytes(190, 10, 4017, 3824, 38), 193);
	run(&a, 3824 + 193, 38);		/* list + record == segment */
	assert_int_equal(a.list_bytes, 3824);
	assert_int_equal(a.exec_record, 193);
	assert_int_equal(a.verdict, IKT_V_SAFE);
	assert_int_equal(a.at_risk, 0);
	run(&a, 3824 + 193 - 1, 38);		/* one byte short: the record is cut */
	assert_int_equal(a.verdict, IKT_V_OVERFLOW);
	assert_int_equal(a.at_risk, 0);		/* every entry fits, the record not */
	assert_true(a.lost_from == UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_list_exactly_the_segment, setup),
		cmocka_unit_test_setup(test_list_and_exec_record_exactly_the_segment, setup),
	};

	return cmocka_run_group_tests_name("audit_fit", tests, NULL, NULL);
}
