// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* user/inflight.c against a real BPF hash map shaped like inflight_recs
 * (root: bpf(2)), with records of this thread, of a thread that does not
 * exist, and more than are described. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <cmocka.h>
#include "imakexec.h"
#include "inflight.h"
#include "json_writer.h"
#include "tracker.h"

static struct ikt_tracker t;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int setup(void **state)
{
	(void)state;
	ikt_tracker_init(&t);
	t.inflight_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "inflight_recs",
				       sizeof(struct ikt_ifkey), sizeof(struct ikt_ifval), 64, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ikt_tracker_close(&t);
	return 0;
}

static void put(uint32_t tgid, uint32_t tid, uint32_t kind, uint64_t val)
{
	struct ikt_ifkey k = { .tid = (uint64_t)tgid << 32 | tid, .kind = kind };
	struct ikt_ifval v = { .val = val, .call = 0xffff888000001000ull };

	assert_int_equal(bpf_map_update_elem(t.inflight_fd, &k, &v, BPF_NOEXIST), 0);
}

/* the print lines (when print) then the JSON object, in one string */
static char *render(const struct ikt_inflight_list *l, bool print)
{
	struct json_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (print)
		ikt_inflight_print(f, l, "  ");
	jw_init(&w, f);
	jw_object_start(&w);
	ikt_inflight_json(&w, l);
	jw_object_end(&w);
	jw_finish(&w);
	fclose(f);
	return buf;
}

#define NEED_MAP() do { if (t.inflight_fd < 0) skip(); } while (0)	/* not root */

static void test_own_thread_described(void **state)
{
	struct ikt_inflight_list l;
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	char line[1024];

	(void)state;
	NEED_MAP();
	assert_int_equal(prctl(PR_SET_NAME, "ikt-\"unit\\"), 0);	/* a name a user chose */
	put((uint32_t)getpid(), tid, IKT_IF_APPEND, mono_ns() - 1500000000ull);
	ikt_inflight_read(&t, &l);
	assert_true(l.known);
	assert_int_equal(l.total, 1);
	assert_int_equal(l.shown, 1);
	assert_int_equal(l.r[0].tid, tid);
	assert_int_equal(l.r[0].tgid, (uint32_t)getpid());
	assert_true(l.r[0].age_known);
	assert_true(l.r[0].age_ms >= 1500 && l.r[0].age_ms < 60000);
	assert_true(l.r[0].thread_seen);
	assert_string_equal(l.r[0].comm, "ikt-?unit?");	/* quote and backslash replaced */
	assert_int_equal(l.r[0].state, 'R');		/* it is reading its own /proc */
	ikt_inflight_line(&l.r[0], line, sizeof(line));
	assert_non_null(strstr(line, "append by thread"));
	assert_non_null(strstr(line, ": ikt-?unit?, state R"));
}

static void test_gone_thread_and_load(void **state)
{
	struct ikt_inflight_list l;
	char line[1024];
	unsigned int gone = 0, load = 0;

	(void)state;
	NEED_MAP();
	/* pid_max is at most 2^22: this thread cannot exist */
	put(0x7ffffff0u, 0x7ffffff1u, IKT_IF_HASH_FILE, mono_ns());
	/* a load keeps a sequence, not a time; a time in the future is not an age */
	put((uint32_t)getpid(), (uint32_t)syscall(SYS_gettid), IKT_IF_LOAD, 7);
	put(0x7ffffff2u, 0x7ffffff2u, IKT_IF_APPEND, mono_ns() + 3600000000000ull);
	ikt_inflight_read(&t, &l);
	assert_int_equal(l.total, 3);
	for (unsigned int i = 0; i < l.shown; i++) {
		ikt_inflight_line(&l.r[i], line, sizeof(line));
		if (l.r[i].kind == IKT_IF_LOAD) {
			load++;
			assert_false(l.r[i].age_known);
			assert_true(l.r[i].thread_seen);
			assert_null(strstr(line, " ms"));
		} else {
			gone++;
			assert_false(l.r[i].thread_seen);
			assert_non_null(strstr(line, "its thread is gone"));
			assert_true(l.r[i].kind == IKT_IF_HASH_FILE ? l.r[i].age_known :
				    !l.r[i].age_known);
		}
	}
	assert_int_equal(gone, 2);
	assert_int_equal(load, 1);
}

static void test_bounded_and_json(void **state)
{
	struct ikt_inflight_list l;
	char *buf, *p;

	(void)state;
	NEED_MAP();
	for (uint32_t i = 0; i < IKT_INFLIGHT_SHOW + 4; i++)
		put(0x7fffff00u, 0x7fffff00u + i, IKT_IF_APPEND, mono_ns());
	ikt_inflight_read(&t, &l);
	assert_int_equal(l.total, IKT_INFLIGHT_SHOW + 4);
	assert_int_equal(l.shown, IKT_INFLIGHT_SHOW);
	buf = render(&l, true);
	assert_non_null(strstr(buf, "  ... and 4 more\n"));
	p = strstr(buf, "{\"inflight_records\":[{\"kind\":\"append\",\"tid\":");
	assert_non_null(p);
	assert_non_null(strstr(p, "\"thread_alive\":false}"));
	assert_non_null(strstr(p, "],\"inflight_records_total\":20}"));
	free(buf);
}

static void test_not_read(void **state)
{
	struct ikt_tracker none;
	struct ikt_inflight_list l;
	char *buf;

	(void)state;
	ikt_tracker_init(&none);
	assert_int_equal(ikt_inflight_open(&none), -ENOENT);	/* no program known */
	ikt_inflight_read(&none, &l);
	assert_false(l.known);
	buf = render(&l, false);
	assert_non_null(strstr(buf, "{\"inflight_records\":null,\"inflight_records_total\":null}"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_own_thread_described, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_thread_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded_and_json, setup, teardown),
		cmocka_unit_test(test_not_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
