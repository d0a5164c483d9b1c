// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "errors.h"
#include "metrics.h"
#include "prom.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/ikt-prom-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/imakexec.prom", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static char *slurp(const char *p)
{
	static char buf[8192];
	FILE *f = fopen(p, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_write_and_rename(void **state)
{
	struct prom_writer w;

	(void)state;
	assert_int_equal(prom_open(&w, path), 0);
	prom_metric(&w, "x_total", "counter", "An x.", NULL, 3);
	prom_metric(&w, "y", "gauge", "A y.", "bank=\"sha1\"", 1);
	prom_metric(&w, "y", "gauge", "A y.", "bank=\"sha256\"", 0);
	prom_metric(&w, "z", "gauge", "A z.", NULL, NAN);
	assert_int_equal(access(path, F_OK), -1);	/* not visible before commit */
	assert_int_equal(prom_commit(&w), 0);
	assert_string_equal(slurp(path),
		"# HELP x_total An x.\n# TYPE x_total counter\nx_total 3\n"
		"# HELP y A y.\n# TYPE y gauge\ny{bank=\"sha1\"} 1\ny{bank=\"sha256\"} 0\n"
		"# HELP z A z.\n# TYPE z gauge\nz NaN\n");
}

static void test_tracker_metrics(void **state)
{
	struct ikt_state s = { .appended = 9, .drops = 2 };
	struct ikt_view v = { .count_known = true, .count = 109, .gap_known = true,
			      .gap = 4, .verdict = IKT_V_GAP, .normal = IKT_KEXEC_FILE };
	char *txt;

	(void)state;
	assert_int_equal(ikt_metrics_write_file(path, &s, &v), 0);
	txt = slurp(path);
	assert_non_null(strstr(txt, "\nimakexec_ima_entries 109\n"));
	assert_non_null(strstr(txt, "\nimakexec_gap_entries 4\n"));
	assert_non_null(strstr(txt, "imakexec_verdict{verdict=\"GAP\"} 1\n"));
	assert_non_null(strstr(txt, "imakexec_verdict{verdict=\"SAFE\"} 0\n"));
	assert_non_null(strstr(txt, "imakexec_kexec_state{state=\"loaded-file\"} 1\n"));
	assert_non_null(strstr(txt, "imakexec_snapshot_entries NaN\n"));
	assert_non_null(strstr(txt, "imakexec_ringbuf_drops_total 2\n"));
}

static void test_missing_directory_fails_cleanly(void **state)
{
	struct prom_writer w;
	char msg[256];
	FILE *f = fmemopen(msg, sizeof(msg), "w");

	(void)state;
	ikt_msg_stream(f);
	assert_int_not_equal(prom_open(&w, "/nonexistent/dir/x.prom"), 0);
	ikt_msg_stream(NULL);
	fclose(f);
	assert_non_null(strstr(msg, "cannot open directory /nonexistent/dir for /nonexistent/dir/x.prom"));
}

static void test_label_escape(void **state)
{
	char out[32];

	(void)state;
	prom_label_escape("a\"b\\c\nd", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c\\nd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_and_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tracker_metrics, setup, teardown),
		cmocka_unit_test(test_missing_directory_fails_cleanly),
		cmocka_unit_test(test_label_escape),
	};
	return cmocka_run_group_tests_name("prom", tests, NULL, NULL);
}
