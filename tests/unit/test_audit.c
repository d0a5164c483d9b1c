// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdlib.h>
#include <unistd.h>
#include "audit.h"
#include "kexec_record.h"
#include "imalog_build.h"
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
	assert_int_equal(a.verdict, IKT_V_GAP);
	assert_int_equal(a.at_risk, 3);
	assert_int_equal(a.lost_from, 7);
	assert_int_equal(ikt_verdict_exit_code(a.verdict), IKT_EXIT_FINDING);
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
	assert_int_equal(a.verdict, IKT_V_SAFE);
	assert_int_equal(ikt_verdict_exit_code(a.verdict), IKT_EXIT_OK);
}

static void test_loss_all_lists_everything(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_LOSS_ALL;
	v.mode = IKT_CARRY_NONE;
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 5, 100);
	assert_int_equal(a.verdict, IKT_V_LOSS_ALL);
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
	assert_int_equal(a.verdict, IKT_V_SAFE);
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
	assert_int_equal(a.verdict, IKT_V_OVERFLOW);
	assert_int_equal(a.lost_from, 40);
	assert_int_equal(a.at_risk, 5);
	assert_int_equal(a.list_bytes, 24 + 4500);
	assert_int_equal(ikt_verdict_exit_code(a.verdict), IKT_EXIT_FINDING);
}

/* the kexec_execute record the kernel appends before the copy must fit
 * too: a kexec_load record of 190 bytes whose numbers took 10 digits
 * (segment 4096, list 3724, count 37) */
static void test_execute_copy_needs_room_for_kexec_execute(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_SAFE;
	v.mode = IKT_CARRY_EXECUTE;
	s.snap.valid = 1;
	s.snap.segment_size = 4096;
	s.kexec_rec_bytes = 190;
	s.kexec_rec_digits = 10;
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 38, 100);	/* 3824 bytes, 38 records: 193 more fit */
	assert_int_equal(a.exec_record, 193);
	assert_int_equal(a.verdict, IKT_V_SAFE);
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 39, 100);	/* 3924 + 193 > 4096, though the list fits */
	assert_int_equal(a.list_bytes, 3924);
	assert_int_equal(a.verdict, IKT_V_OVERFLOW);
	assert_int_equal(a.at_risk, 0);
	/* the digits follow the list: 9,999 -> 10,000 bytes is one more */
	assert_int_equal(ikt_exec_record_bytes(190, 10, 4096, 10000, 100), 190 + 3 + 1 + 1);
	/* no kexec_load record: the policy measures none, nothing to add */
	s.kexec_rec_bytes = 0;
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 39, 100);
	assert_int_equal(a.exec_record, 0);
	assert_int_equal(a.verdict, IKT_V_SAFE);
}

static void test_kernel_flag_overrides_tracker(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_GAP;
	v.mode = IKT_CARRY_LOAD;
	v.lost_from = 1;
	ikt_audit_plan(&a, &v, &s, 0);	/* unloaded behind our back */
	assert_int_equal(a.verdict, IKT_V_NOT_LOADED);
	v.verdict = IKT_V_NOT_LOADED;
	ikt_audit_plan(&a, &v, &s, 1);	/* loaded behind our back */
	assert_int_equal(a.verdict, IKT_V_UNKNOWN);
	assert_int_equal(ikt_verdict_exit_code(a.verdict), IKT_EXIT_ERROR);
}

static void test_unknown_stays_unknown(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_UNKNOWN;
	v.why = "image loaded before tracking started";
	ikt_audit_plan(&a, &v, &s, 1);
	feed(&a, 3, 10);
	assert_int_equal(a.verdict, IKT_V_UNKNOWN);
	assert_int_equal(a.at_risk, 0);
	assert_string_equal(ikt_verdict_str(a.verdict), "UNKNOWN");
}

static void snapshot(uint64_t count, uint64_t list_bytes, uint64_t segment)
{
	s.snap.valid = 1;
	s.snap.count = count;
	s.snap.bytes = IKT_KEXEC_HDR_BYTES + list_bytes;
	s.snap.segment_size = segment;
}

/* the reader may start after the load snapshot: nothing there is at risk */
static void test_gap_skips_snapshot_entries(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_GAP;
	v.mode = IKT_CARRY_LOAD;
	v.lost_from = 7;
	snapshot(7, 700, 4096);
	ikt_audit_plan(&a, &v, &s, 1);
	assert_int_equal(a.skip_count, 7);
	assert_int_equal(a.skip_bytes, 700);
	assert_false(a.skip_all);
	a.log_count = a.skip_count;
	for (uint64_t i = 7; i < 10; i++)
		ikt_audit_entry(&a, i, 100);
	ikt_audit_finish(&a);
	assert_int_equal(a.verdict, IKT_V_GAP);
	assert_int_equal(a.at_risk, 3);
	assert_int_equal(a.log_count, 10);
}

/* a full segment may end in a cut record: its size says nothing */
static void test_full_snapshot_is_not_skipped(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_GAP;
	v.mode = IKT_CARRY_LOAD;
	v.lost_from = 7;
	snapshot(7, 4096 - IKT_KEXEC_HDR_BYTES, 4096);
	ikt_audit_plan(&a, &v, &s, 1);
	assert_int_equal(a.skip_count, 0);
	snapshot(0, 0, 4096);
	ikt_audit_plan(&a, &v, &s, 1);
	assert_int_equal(a.skip_count, 0);
}

static void test_not_loaded_reads_nothing(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.count = 42;
	ikt_audit_plan(&a, &v, &s, 0);
	assert_int_equal(a.verdict, IKT_V_NOT_LOADED);
	assert_true(a.skip_all);
	v.count_known = false;
	ikt_audit_plan(&a, &v, &s, 0);
	assert_false(a.skip_all);
}

/* execute-copy: the skipped entries' bytes still count toward the fit */
static void test_execute_copy_counts_skipped_bytes(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_SAFE;
	v.mode = IKT_CARRY_EXECUTE;
	snapshot(5, 500, 1000);
	ikt_audit_plan(&a, &v, &s, 1);
	assert_int_equal(a.list_bytes, IKT_KEXEC_HDR_BYTES + 500);
	for (uint64_t i = 5; i < 10; i++)
		ikt_audit_entry(&a, i, 100);
	ikt_audit_finish(&a);
	/* 524 + 4 x 100 = 924 fits, the fifth reaches 1024 */
	assert_int_equal(a.verdict, IKT_V_OVERFLOW);
	assert_int_equal(a.lost_from, 9);
}

/* write n ima-ng records (names /f<i>) to a temporary file */
static void write_log(char *path, size_t len, unsigned int n, int corrupt_last)
{
	static struct tbuf t;
	char name[32];
	FILE *f;
	int fd;

	t.n = 0;
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/f%u", i);
		tb_ima_ng(&t, 10, (uint8_t)(i + 1), name, 0);
	}
	if (corrupt_last)
		t.b[t.n - 1] ^= 0xff;	/* the last name loses its NUL */
	snprintf(path, len, "/tmp/test_audit.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(t.b, 1, t.n, f), t.n);
	assert_int_equal(fclose(f), 0);
}

/* the scan reads the list and keeps exactly the entries at risk, in order,
 * with their names: what --save writes and the report lists */
static void test_scan_keeps_the_entries_at_risk(void **state)
{
	struct ikt_risk_list rl = { 0 };
	struct ikt_audit a;
	char path[64];

	(void)state;
	write_log(path, sizeof(path), 9, 0);
	v.verdict = IKT_V_GAP;
	v.lost_from = 6;
	v.count = 9;
	ikt_audit_plan(&a, &v, &s, 1);
	assert_int_equal(ikt_audit_scan(&a, path, 2, &rl), 0);
	ikt_audit_finish(&a);
	assert_false(a.stopped);	/* a file is always read whole */
	assert_int_equal(a.verdict, IKT_V_GAP);
	assert_int_equal(a.log_count, 9);
	assert_int_equal(a.at_risk, 3);
	assert_int_equal(rl.n, 3);
	for (size_t i = 0; i < rl.n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "/f%zu", 6 + i);
		assert_int_equal(rl.e[i].seq, 6 + i);
		assert_string_equal(rl.e[i].event_name, want);
		assert_string_equal(rl.e[i].template_name, "ima-ng");
	}
	ikt_risk_free(&rl);
	assert_int_equal(rl.n, 0);
	unlink(path);
}

/* a record at risk that does not parse is an error, not a shorter list */
static void test_scan_malformed_at_risk_entry_fails(void **state)
{
	struct ikt_risk_list rl = { 0 };
	struct ikt_audit a;
	char path[64];

	(void)state;
	write_log(path, sizeof(path), 4, 1);
	v.verdict = IKT_V_LOSS_ALL;
	v.lost_from = 0;
	v.count = 4;
	ikt_audit_plan(&a, &v, &s, 1);
	assert_int_equal(ikt_audit_scan(&a, path, 0, &rl), IKT_EXIT_ERROR);
	ikt_risk_free(&rl);
	unlink(path);
}

/* a scan stopped at its limit counts the unread tail as at risk */
static void test_unread_tail_is_at_risk(void **state)
{
	struct ikt_audit a;

	(void)state;
	v.verdict = IKT_V_LOSS_ALL;
	v.lost_from = 0;
	ikt_audit_plan(&a, &v, &s, 1);
	for (uint64_t i = 0; i < 50; i++)
		ikt_audit_entry(&a, i, 100);
	ikt_audit_unread(&a, 120);	/* not stopped: nothing added */
	assert_int_equal(a.at_risk, 50);
	a.stopped = true;
	ikt_audit_unread(&a, 120);
	ikt_audit_finish(&a);
	assert_int_equal(a.at_risk, 120);
	assert_int_equal(a.log_count, 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gap_lists_entries_after_snapshot, setup),
		cmocka_unit_test_setup(test_gap_becomes_safe_when_log_has_nothing_new, setup),
		cmocka_unit_test_setup(test_loss_all_lists_everything, setup),
		cmocka_unit_test_setup(test_execute_copy_fits, setup),
		cmocka_unit_test_setup(test_execute_copy_overflow_cuts_whole_records, setup),
		cmocka_unit_test_setup(test_execute_copy_needs_room_for_kexec_execute, setup),
		cmocka_unit_test_setup(test_kernel_flag_overrides_tracker, setup),
		cmocka_unit_test_setup(test_unknown_stays_unknown, setup),
		cmocka_unit_test_setup(test_gap_skips_snapshot_entries, setup),
		cmocka_unit_test_setup(test_full_snapshot_is_not_skipped, setup),
		cmocka_unit_test_setup(test_not_loaded_reads_nothing, setup),
		cmocka_unit_test_setup(test_execute_copy_counts_skipped_bytes, setup),
		cmocka_unit_test_setup(test_scan_keeps_the_entries_at_risk, setup),
		cmocka_unit_test_setup(test_scan_malformed_at_risk_entry_fails, setup),
		cmocka_unit_test_setup(test_unread_tail_is_at_risk, setup),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
