// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "atomicfile.h"

static char dir[64], path[128], msg[512];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_afileXXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		n += de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."));
	closedir(d);
	return n;
}

static int open_quiet(struct ikt_afile *a, const char *p, mode_t mode)
{
	FILE *f = fmemopen(msg, sizeof(msg), "w");
	int ret = ikt_afile_open(a, p, mode, "test", f);

	fclose(f);
	return ret;
}

static void test_writes_whole_file_with_mode(void **state)
{
	struct ikt_afile a;
	struct stat st;
	char buf[32] = "";
	FILE *f;

	(void)state;
	assert_int_equal(open_quiet(&a, path, 0600), 0);
	fputs("new\n", a.f);
	assert_int_equal(stat(path, &st), -1);	/* nothing visible before commit */
	assert_int_equal(ikt_afile_commit(&a, "test", stderr), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "new\n");
	assert_int_equal(entries(), 1);		/* no temporary left */
}

static void test_refuses_fifo_and_symlink(void **state)
{
	struct ikt_afile a;
	char link[160];

	(void)state;
	assert_int_equal(mkfifo(path, 0666), 0);
	assert_int_not_equal(open_quiet(&a, path, 0600), 0);
	assert_non_null(strstr(msg, "not a regular file"));
	unlink(path);
	snprintf(link, sizeof(link), "%s/victim", dir);
	assert_int_equal(symlink(link, path), 0);
	assert_int_not_equal(open_quiet(&a, path, 0600), 0);
	assert_int_equal(access(link, F_OK), -1);	/* nothing created through it */
}

static void test_planted_old_style_tmp_is_not_used(void **state)
{
	struct ikt_afile a;
	char old[160];
	struct stat st;

	(void)state;
	/* the predictable "FILE.tmp" of earlier versions, planted world-writable */
	snprintf(old, sizeof(old), "%s.tmp", path);
	assert_int_equal(mkfifo(old, 0666), 0);
	assert_int_equal(open_quiet(&a, path, 0600), 0);
	assert_string_not_equal(a.tmp, "out.tmp");
	ikt_afile_abort(&a);
	assert_int_equal(lstat(old, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(entries(), 1);		/* abort removed its temporary */
}

static void test_missing_directory(void **state)
{
	struct ikt_afile a;

	(void)state;
	assert_int_not_equal(open_quiet(&a, "/nonexistent/dir/x", 0600), 0);
	assert_non_null(strstr(msg, "cannot open directory /nonexistent/dir"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writes_whole_file_with_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_fifo_and_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_planted_old_style_tmp_is_not_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
