// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The guard's decision (bpf/guard_decide.h: ikt_guard_decide), the same
 * function the BPF program calls from lsm/capable, on inputs made here
 * (issue 25.5): every reason it can return, the precedence between them,
 * and every exact-fit boundary: the list (header included) exactly the
 * segment, list + kexec_execute record exactly the segment, one byte over
 * each; a load snapshot exactly filling its segment; the snapshot count
 * equal to the list length and one off either way; the carry count the
 * same. Built with bpf/ headers only (no tracker, no skeleton). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "guard_decide.h"

#define IMG 0xffff888004a5c000ull	/* a kimage pointer as the kernel has it */
#define HDR 24				/* sizeof(struct ima_kexec_hdr) */

/* every reason some test below got from the function (checked last) */
static uint64_t seen;

static __u32 decide(const struct ikt_guard_in *in)
{
	__u32 r = ikt_guard_decide(in);

	assert_true(r < 64);
	seen |= 1ull << r;
	return r;
}

/* an image loaded with kexec_file_load under tracking on a load-snapshot
 * kernel, nothing appended since its snapshot: allowed */
static struct ikt_guard_in snapshot_ok(void)
{
	struct ikt_guard_in in;

	memset(&in, 0, sizeof(in));
	in.len = 100;
	in.image_seen = 1;
	in.image = in.image_traced = IMG;
	in.touched = IKT_SLOT_NORMAL;
	in.kexec_state = IKT_KEXEC_FILE;
	in.carry_mode = IKT_CARRY_LOAD;
	in.hdr_bytes = HDR;
	in.snap.valid = 1;
	in.snap.count = 100;
	in.snap.bytes = 6000;
	in.snap.segment_size = 8192;
	return in;
}

/* the same image on an execute-copy kernel: 3,800 bytes of records, no
 * kexec_load record (the policy measures no ima_kexec data) */
static struct ikt_guard_in copy_ok(void)
{
	struct ikt_guard_in in = snapshot_ok();

	in.carry_mode = IKT_CARRY_EXECUTE;
	in.len = 38;
	in.snap.count = 30;	/* the copy at execute does not use it */
	in.list_bytes = 3800;
	return in;
}

static void test_allowed(void **state)
{
	struct ikt_guard_in in = snapshot_ok();

	(void)state;
	assert_int_equal(decide(&in), IKT_G_OK_SNAPSHOT);
	in = copy_ok();
	assert_int_equal(decide(&in), IKT_G_OK_COPY);
	in = snapshot_ok();
	in.carry_mode = IKT_CARRY_NONE;
	in.carry_valid = 1;
	in.carry_count = 100;
	assert_int_equal(decide(&in), IKT_G_OK_CARRIED);
}

/* no image: the kernel's own kexec_image says so, whatever was traced;
 * without the symbol, the traced state decides */
static void test_no_image(void **state)
{
	struct ikt_guard_in in = snapshot_ok();

	(void)state;
	in.image = 0;
	assert_int_equal(decide(&in), IKT_G_OK_NO_IMAGE);
	in.len = -1;		/* precedes the count: the kernel fails the call */
	in.inflight = 1;
	assert_int_equal(decide(&in), IKT_G_OK_NO_IMAGE);
	in = snapshot_ok();
	in.image_seen = 0;
	in.image = 0;
	in.kexec_state = IKT_KEXEC_NONE;	/* unloaded under tracking */
	assert_int_equal(decide(&in), IKT_G_OK_NO_IMAGE);
	in.touched = 0;		/* never loaded under tracking, none at attach */
	assert_int_equal(decide(&in), IKT_G_OK_NO_IMAGE);
	/* without the symbol, a traced image is judged as traced */
	in = snapshot_ok();
	in.image_seen = 0;
	in.image = 0;
	assert_int_equal(decide(&in), IKT_G_OK_SNAPSHOT);
}

/* the kernel's image is not the one the tracker saw loaded */
static void test_image_unknown(void **state)
{
	struct ikt_guard_in in = snapshot_ok();

	(void)state;
	in.image = IMG + 0x1000;
	assert_int_equal(decide(&in), IKT_G_IMAGE_UNKNOWN);
	in = snapshot_ok();
	in.kexec_state = IKT_KEXEC_UNKNOWN;	/* loads overlapped */
	assert_int_equal(decide(&in), IKT_G_IMAGE_UNKNOWN);
	in.image_seen = 0;			/* whatever the kernel says */
	in.image = 0;
	assert_int_equal(decide(&in), IKT_G_IMAGE_UNKNOWN);
	in = snapshot_ok();
	in.kexec_state = IKT_KEXEC_NONE;	/* an unload traced, yet an image */
	assert_int_equal(decide(&in), IKT_G_IMAGE_UNKNOWN);
	/* without the symbol the pointers are not compared */
	in = snapshot_ok();
	in.image_seen = 0;
	in.image = IMG + 0x1000;
	assert_int_equal(decide(&in), IKT_G_OK_SNAPSHOT);
}

/* loaded before tracking (or while attach ran): never judged as current */
static void test_preloaded(void **state)
{
	struct ikt_guard_in in = snapshot_ok();

	(void)state;
	in.touched = 0;
	in.preloaded = IKT_SLOT_NORMAL;
	in.image_traced = 0;	/* no traced load: the pointer is not compared */
	assert_int_equal(decide(&in), IKT_G_PRELOADED);
	in.carry_mode = IKT_CARRY_NONE;	/* before the carry rule */
	in.carry_valid = 1;
	in.carry_count = 100;
	assert_int_equal(decide(&in), IKT_G_PRELOADED);
	/* an image there while attach saw none and no load was traced */
	in = snapshot_ok();
	in.touched = 0;
	assert_int_equal(decide(&in), IKT_G_PRELOADED);
	/* only the normal slot counts: a crash image preloaded is not it */
	in.preloaded = IKT_SLOT_CRASH;
	in.image_seen = 0;
	assert_int_equal(decide(&in), IKT_G_OK_NO_IMAGE);
	/* a traced load of the normal slot replaces what attach found */
	in = snapshot_ok();
	in.preloaded = IKT_SLOT_NORMAL;
	assert_int_equal(decide(&in), IKT_G_OK_SNAPSHOT);
	/* the crash slot touched leaves the normal one preloaded */
	in.touched = IKT_SLOT_CRASH;
	assert_int_equal(decide(&in), IKT_G_PRELOADED);
}

/* the first that applies is the reason: busy, load in flight, image,
 * count, appends in flight, hashing, the list mutex */
static void test_precedence(void **state)
{
	struct ikt_guard_in in = snapshot_ok();

	(void)state;
	in.sealed = 1;
	in.loads_inflight = 1;
	in.image = 0;
	in.len = -1;
	assert_int_equal(decide(&in), IKT_G_BUSY);
	in.sealed = 0;
	assert_int_equal(decide(&in), IKT_G_LOAD_INFLIGHT);
	in.loads_inflight = 0;
	assert_int_equal(decide(&in), IKT_G_OK_NO_IMAGE);
	in.image = IMG;
	in.inflight = 1;
	in.hashing = 1;
	assert_int_equal(decide(&in), IKT_G_NO_COUNT);
	in.len = 100;
	assert_int_equal(decide(&in), IKT_G_INFLIGHT);
	in.inflight = 0;
	in.inflight_untracked = 1;	/* an entry fentry could not record */
	assert_int_equal(decide(&in), IKT_G_INFLIGHT);
	in.inflight_untracked = 0;
	assert_int_equal(decide(&in), IKT_G_HASHING);
	in.hashing = 0;
	in.hashing_untracked = 1;
	assert_int_equal(decide(&in), IKT_G_HASHING);
	in.hashing_untracked = 0;
	in.mutex_busy = 1;	/* an append the tracker did not see enter */
	assert_int_equal(decide(&in), IKT_G_INFLIGHT);
	in.mutex_busy = 0;
	assert_int_equal(decide(&in), IKT_G_OK_SNAPSHOT);
	/* each alone refuses an otherwise allowed execute-copy kexec too */
	in = copy_ok();
	in.mutex_busy = 1;
	assert_int_equal(decide(&in), IKT_G_INFLIGHT);
	in = copy_ok();
	in.hashing_untracked = 1;
	assert_int_equal(decide(&in), IKT_G_HASHING);
	in = copy_ok();
	in.sealed = 1;
	assert_int_equal(decide(&in), IKT_G_BUSY);
}

/* no CONFIG_IMA_KEXEC: only a carry of exactly the current list */
static void test_carry(void **state)
{
	struct ikt_guard_in in = snapshot_ok();

	(void)state;
	in.carry_mode = IKT_CARRY_NONE;
	in.snap.valid = 0;
	assert_int_equal(decide(&in), IKT_G_NOT_CARRIED);
	in.carry_count = 100;	/* the count without the carry armed */
	assert_int_equal(decide(&in), IKT_G_NOT_CARRIED);
	in.carry_valid = 1;
	assert_int_equal(decide(&in), IKT_G_OK_CARRIED);
	in.carry_count = 99;	/* one appended after the carry */
	assert_int_equal(decide(&in), IKT_G_NOT_CARRIED);
	in.carry_count = 101;
	assert_int_equal(decide(&in), IKT_G_NOT_CARRIED);
	/* a legacy load is carried like any other (nothing else carries) */
	in.carry_count = 100;
	in.kexec_state = IKT_KEXEC_LEGACY;
	assert_int_equal(decide(&in), IKT_G_OK_CARRIED);
	in.carry_valid = 0;
	assert_int_equal(decide(&in), IKT_G_NOT_CARRIED);
}

/* a kernel that carries the list: a kexec_load image never does */
static void test_legacy(void **state)
{
	struct ikt_guard_in in = snapshot_ok();

	(void)state;
	in.kexec_state = IKT_KEXEC_LEGACY;
	assert_int_equal(decide(&in), IKT_G_LEGACY);
	in = copy_ok();
	in.kexec_state = IKT_KEXEC_LEGACY;
	in.snap.valid = 0;	/* before the snapshot rule */
	assert_int_equal(decide(&in), IKT_G_LEGACY);
}

/* load-snapshot kernel: the snapshot's count against the list length, a
 * snapshot that filled its segment was cut */
static void test_snapshot(void **state)
{
	struct ikt_guard_in in = snapshot_ok();

	(void)state;
	in.snap.valid = 0;
	assert_int_equal(decide(&in), IKT_G_NO_SNAPSHOT);
	in = snapshot_ok();
	in.snap.count = 99;	/* one appended after the load */
	assert_int_equal(decide(&in), IKT_G_GAP);
	in.snap.count = 101;	/* never happens: still not the list */
	assert_int_equal(decide(&in), IKT_G_GAP);
	in.snap.count = 100;
	in.snap.bytes = in.snap.segment_size - 1;	/* one byte to spare */
	assert_int_equal(decide(&in), IKT_G_OK_SNAPSHOT);
	in.snap.bytes = in.snap.segment_size;		/* exactly full: cut */
	assert_int_equal(decide(&in), IKT_G_SEGMENT_FULL);
	in.snap.bytes = in.snap.segment_size + 1;
	assert_int_equal(decide(&in), IKT_G_SEGMENT_FULL);
	in.snap.count = 99;	/* full precedes the gap */
	assert_int_equal(decide(&in), IKT_G_SEGMENT_FULL);
}

/* execute-copy kernel: the copy is the header, the records
 * (binary_runtime_size) and the kexec_execute record appended before it */
static void test_copy_list_exactly_the_segment(void **state)
{
	struct ikt_guard_in in = copy_ok();

	(void)state;
	in.snap.segment_size = HDR + 3800;	/* header + records == segment */
	assert_int_equal(decide(&in), IKT_G_OK_COPY);
	in.list_bytes = 3801;			/* one byte over */
	assert_int_equal(decide(&in), IKT_G_OVERFLOW);
	in.list_bytes = 3800;
	in.snap.segment_size = HDR + 3800 - 1;	/* the header counts */
	assert_int_equal(decide(&in), IKT_G_OVERFLOW);
	in.hdr_bytes = 0;			/* (as given: the caller's sizeof) */
	assert_int_equal(decide(&in), IKT_G_OK_COPY);
}

/* a kexec_load record of 190 bytes with 10 digits (the numbers of
 * test_audit_fit): for a 4-digit segment, a 4-digit list (3,824 bytes with
 * the header) and 38 records, the kexec_execute record is 193 bytes */
static void test_copy_list_and_record_exactly_the_segment(void **state)
{
	struct ikt_guard_in in = copy_ok();

	(void)state;
	assert_int_equal(ikt_exec_record_bytes(190, 10, 4017, 3824, 38), 193);
	in.kexec_rec_bytes = 190;
	in.kexec_rec_digits = 10;
	in.snap.segment_size = 3824 + 193;	/* list + record == segment */
	assert_int_equal(decide(&in), IKT_G_OK_COPY);
	in.snap.segment_size = 3824 + 193 - 1;	/* one byte short: the record is cut */
	assert_int_equal(decide(&in), IKT_G_OVERFLOW);
	in.snap.segment_size = 3824 + 193;
	in.list_bytes = 3801;			/* the list one byte longer */
	assert_int_equal(decide(&in), IKT_G_OVERFLOW);
	in.list_bytes = 3800;
	in.len = 100;	/* 3 digits more in the record's count: 194 bytes */
	assert_int_equal(ikt_exec_record_bytes(190, 10, 4017, 3824, 100), 194);
	assert_int_equal(decide(&in), IKT_G_OVERFLOW);
	in.len = 9;	/* one digit less: 192 */
	assert_int_equal(decide(&in), IKT_G_OK_COPY);
	/* the list alone fits with a byte to spare, the record does not */
	in.len = 38;
	in.snap.segment_size = 3824 + 1;
	assert_int_equal(decide(&in), IKT_G_OVERFLOW);
	in.kexec_rec_bytes = 0;	/* no kexec_load record: none appended */
	assert_int_equal(decide(&in), IKT_G_OK_COPY);
}

/* the record's list size is the kernel's (records + header): a list of
 * 9,990 bytes of records is 10,014 with it, five digits, not four */
static void test_copy_record_counts_the_header(void **state)
{
	struct ikt_guard_in in = copy_ok();

	(void)state;
	in.list_bytes = 9990;
	in.kexec_rec_bytes = 190;
	in.kexec_rec_digits = 10;
	assert_int_equal(ikt_exec_record_bytes(190, 10, 10209, 10014, 38), 195);
	in.snap.segment_size = 10014 + 195;
	assert_int_equal(decide(&in), IKT_G_OK_COPY);
	in.snap.segment_size = 10014 + 195 - 1;
	assert_int_equal(decide(&in), IKT_G_OVERFLOW);
}

/* execute-copy without what the fit needs */
static void test_copy_unknown(void **state)
{
	struct ikt_guard_in in = copy_ok();

	(void)state;
	in.snap.valid = 0;
	assert_int_equal(decide(&in), IKT_G_SEGMENT_UNKNOWN);
	in = copy_ok();
	in.list_bytes = 0;	/* binary_runtime_size unreadable */
	assert_int_equal(decide(&in), IKT_G_SEGMENT_UNKNOWN);
	/* the snapshot's count and bytes do not matter at execute */
	in = copy_ok();
	in.snap.count = 0;
	in.snap.bytes = in.snap.segment_size;
	assert_int_equal(decide(&in), IKT_G_OK_COPY);
}

/* every reason in enum ikt_guard_reason but NONE came out of some test */
static void test_every_reason_returned(void **state)
{
	static const __u32 all[] = {
		IKT_G_OK_COPY, IKT_G_OK_SNAPSHOT, IKT_G_OK_CARRIED, IKT_G_OK_NO_IMAGE,
		IKT_G_NO_COUNT, IKT_G_INFLIGHT, IKT_G_PRELOADED, IKT_G_NO_SNAPSHOT,
		IKT_G_GAP, IKT_G_SEGMENT_FULL, IKT_G_LEGACY, IKT_G_NOT_CARRIED,
		IKT_G_OVERFLOW, IKT_G_SEGMENT_UNKNOWN, IKT_G_LOAD_INFLIGHT,
		IKT_G_IMAGE_UNKNOWN, IKT_G_HASHING, IKT_G_BUSY,
	};
	uint64_t want = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!(seen & 1ull << all[i]))
			fail_msg("reason %u never returned by the tests above", all[i]);
		want |= 1ull << all[i];
	}
	assert_true(seen == want);	/* and nothing else (NONE, unknown codes) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_no_image),
		cmocka_unit_test(test_image_unknown),
		cmocka_unit_test(test_preloaded),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_carry),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_copy_list_exactly_the_segment),
		cmocka_unit_test(test_copy_list_and_record_exactly_the_segment),
		cmocka_unit_test(test_copy_record_counts_the_header),
		cmocka_unit_test(test_copy_unknown),
		cmocka_unit_test(test_every_reason_returned),
	};

	return cmocka_run_group_tests_name("guard_decide", tests, NULL, NULL);
}
