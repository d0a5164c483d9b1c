// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "remount.h"

/* what makes mnt the mount point holding path: same device, and its
 * parent on another one (or mnt is /) */
static void assert_mount_point_of(const char *mnt, const char *path)
{
	char parent[4096];
	struct stat a, b, p;

	assert_int_equal(stat(mnt, &a), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_true(a.st_dev == b.st_dev);
	if (strcmp(mnt, "/")) {
		snprintf(parent, sizeof(parent), "%s/..", mnt);
		assert_int_equal(stat(parent, &p), 0);
		assert_true(p.st_dev != a.st_dev);
	}
}

static void test_proc(void **state)
{
	struct ikt_remount r;

	(void)state;
	assert_int_equal(ikt_remount_probe("/proc/self", &r), 0);
	assert_string_equal(r.mnt, "/proc");
	assert_false(r.readonly);
	assert_false(r.done);
}

/* a directory that does not exist yet: the mount of its nearest ancestor */
static void test_missing_directory(void **state)
{
	char d[64], sub[128];
	struct ikt_remount r;

	(void)state;
	snprintf(d, sizeof(d), "/tmp/test_remountXXXXXX");
	assert_non_null(mkdtemp(d));
	snprintf(sub, sizeof(sub), "%s/not/yet/there", d);
	assert_int_equal(ikt_remount_probe(sub, &r), 0);
	assert_mount_point_of(r.mnt, d);
	assert_int_equal(rmdir(d), 0);
}

static void test_root(void **state)
{
	struct ikt_remount r;

	(void)state;
	assert_int_equal(ikt_remount_probe("/", &r), 0);
	assert_mount_point_of(r.mnt, "/");
}

/* nothing to undo when nothing was remounted */
static void test_ro_noop(void **state)
{
	struct ikt_remount r;

	(void)state;
	assert_int_equal(ikt_remount_probe("/proc", &r), 0);
	assert_int_equal(ikt_remount_rw(&r), 0);
	assert_false(r.done);
	ikt_remount_ro(&r);
	assert_false(r.done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc),
		cmocka_unit_test(test_missing_directory),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_ro_noop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
