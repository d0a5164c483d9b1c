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
#include "errors.h"
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
	int ret;

	ikt_msg_stream(f);
	ret = ikt_afile_open(a, p, mode);
	ikt_msg_stream(NULL);
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
	assert_int_equal(ikt_afile_commit(&a), 0);
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

static int dir_quiet(const char *d)
{
	FILE *err = fmemopen(msg, sizeof(msg), "w");
	int ret;

	ikt_msg_stream(err);
	ret = ikt_afile_dir(d, "test directory");
	ikt_msg_stream(NULL);
	fclose(err);
	return ret;
}

/* creates a missing 0700 directory with its parents; accepts it again */
static void test_private_dir_created(void **state)
{
	char d[192];
	struct stat st;

	(void)state;
	snprintf(d, sizeof(d), "%s/a/b/c", dir);
	assert_int_equal(dir_quiet(d), 0);
	assert_int_equal(lstat(d, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(dir_quiet(d), 0);
}

/* a group/world-accessible directory, a symlink to one, a relative path:
 * refused with the path named, nothing changed */
static void test_private_dir_refusals(void **state)
{
	char d[192], l[192];
	struct stat st;

	(void)state;
	snprintf(d, sizeof(d), "%s/open", dir);
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_not_equal(dir_quiet(d), 0);
	assert_non_null(strstr(msg, "refusing test directory"));
	assert_non_null(strstr(msg, d));
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	snprintf(d, sizeof(d), "%s/private", dir);
	assert_int_equal(mkdir(d, 0700), 0);
	snprintf(l, sizeof(l), "%s/link", dir);
	assert_int_equal(symlink(d, l), 0);
	assert_int_not_equal(dir_quiet(l), 0);
	assert_int_not_equal(dir_quiet("relative/dir"), 0);
	assert_non_null(strstr(msg, "absolute path"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writes_whole_file_with_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_fifo_and_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_planted_old_style_tmp_is_not_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_dir_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_dir_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
