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
#include "pcrs.h"

#define H20 "0102030405060708090a0b0c0d0e0f1011121314"
#define H32 "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0"

static struct pcr_values pv;
static char err[512];

static int setup(void **state)
{
	(void)state;
	memset(&pv, 0, sizeof(pv));
	err[0] = '\0';
	return 0;
}

static int parse(const char *bank, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	ret = pcrs_parse_stream(&pv, bank, f, "pcrs.txt", err, sizeof(err));
	fclose(f);
	return ret;
}

static void test_hex(void **state)
{
	uint8_t v[4];

	(void)state;
	assert_int_equal(pcrs_parse_hex("0A1b2C3d", 8, v, 4), 0);
	assert_int_equal(v[0], 0x0a);
	assert_int_equal(v[3], 0x3d);
	assert_int_equal(pcrs_parse_hex(" 0a 1b\t2c 3d\n", 13, v, 4), 0);
	assert_int_equal(pcrs_parse_hex("0a1b2c", 6, v, 4), -1);
	assert_int_equal(pcrs_parse_hex("0a1b2c3d4e", 10, v, 4), -1);
	assert_int_equal(pcrs_parse_hex("0a1b2c3g", 8, v, 4), -1);
	assert_int_equal(pcrs_parse_hex("0a1b2c3", 7, v, 4), -1);
}

static void test_file_ok(void **state)
{
	(void)state;
	assert_int_equal(parse("sha1", "# comment\n\nPCR-00: " H20 "\n"
			       "PCR-10: 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14\n"
			       "  pcr-23:" H20), 0);
	assert_int_equal(pv.nbanks, 1);
	assert_string_equal(pv.banks[0].bank, "sha1");
	assert_int_equal(pv.banks[0].src[0], PCR_SRC_FILE);
	assert_int_equal(pv.banks[0].src[10], PCR_SRC_FILE);
	assert_int_equal(pv.banks[0].src[23], PCR_SRC_FILE);
	assert_int_equal(pv.banks[0].src[1], PCR_SRC_NONE);
	assert_int_equal(pv.banks[0].val[10][19], 0x14);
	assert_int_equal(parse("sha256", "PCR-10: " H32 "\n"), 0);
	assert_int_equal(pv.nbanks, 2);
}

static void test_file_bad(void **state)
{
	(void)state;
	assert_int_equal(parse("sha1", "PCR-24: " H20 "\n"), -1);
	assert_non_null(strstr(err, "line 1: PCR index 24 out of range"));
	assert_int_equal(parse("sha1", "PCR-09: " H20 "\nPCR-10: 0102\n"), -1);
	assert_non_null(strstr(err, "pcrs.txt: line 2: PCR-10: expected 20 hex bytes"));
	setup(NULL);
	assert_int_equal(parse("sha1", "PCR-10 " H20 "\n"), -1);
	assert_non_null(strstr(err, "expected \"PCR-NN: HEX\""));
	assert_int_equal(parse("sha1", "PCR-10: " H20 "\nPCR-10: " H20 "\n"), -1);
	assert_non_null(strstr(err, "given twice"));
	assert_int_equal(parse("sha1", "\n# nothing\n"), -1);
	assert_non_null(strstr(err, "no \"PCR-NN: HEX\" lines"));
	assert_int_equal(parse("md5", "PCR-10: " H20 "\n"), -1);
	assert_non_null(strstr(err, "unsupported PCR bank 'md5'"));
	assert_int_equal(parse("sha1", "PCR-100: " H20 "\n"), -1);
}

static void test_args(void **state)
{
	(void)state;
	assert_int_equal(pcrs_parse_arg(&pv, "sha256:" H32, err, sizeof(err)), 0);
	assert_int_equal(pv.banks[0].src[10], PCR_SRC_ARG);
	assert_int_equal(pcrs_parse_arg(&pv, "sha1:11:" H20, err, sizeof(err)), 0);
	assert_int_equal(pv.banks[1].src[11], PCR_SRC_ARG);
	assert_int_equal(pcrs_parse_arg(&pv, "sha1:24:" H20, err, sizeof(err)), -1);
	assert_int_equal(pcrs_parse_arg(&pv, "sha1:x:" H20, err, sizeof(err)), -1);
	assert_int_equal(pcrs_parse_arg(&pv, "sha1:" H32, err, sizeof(err)), -1);
	assert_int_equal(pcrs_parse_arg(&pv, H20, err, sizeof(err)), -1);
	assert_int_equal(pcrs_parse_arg(&pv, "sha256:" H32, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "given twice"));
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_file(void **state)
{
	char dir[] = "/tmp/test_pcrsXXXXXX", path[256], spec[300];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p", dir);
	put(path, "PCR-10: " H32 "\n");
	snprintf(spec, sizeof(spec), "sha256,%s", path);
	assert_int_equal(pcrs_load_file(&pv, spec, err, sizeof(err)), 0);
	assert_string_equal(pv.banks[0].bank, "sha256");
	assert_int_equal(pcrs_load_file(&pv, path, err, sizeof(err)), -1); /* sha1 */
	assert_non_null(strstr(err, "expected 20 hex bytes for sha1"));
	snprintf(spec, sizeof(spec), "%s/missing", dir);
	assert_int_equal(pcrs_load_file(&pv, spec, err, sizeof(err)), -1);
	/* an endless input (a device) is refused, not read forever */
	assert_int_equal(pcrs_load_file(&pv, "sha256,/dev/zero", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "lines: not a PCR list"));
	unlink(path);
	rmdir(dir);
}

static void rm_tree(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_sysfs(void **state)
{
	char dir[] = "/tmp/test_tpmXXXXXX", path[512];
	const char *banks[] = { "pcr-sha1", "pcr-sha256", "pcr-bogus" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int b = 0; b < 3; b++) {
		snprintf(path, sizeof(path), "%s/%s", dir, banks[b]);
		assert_int_equal(mkdir(path, 0700), 0);
		for (int i = 0; i < 24; i++) {
			snprintf(path, sizeof(path), "%s/%s/%d", dir, banks[b], i);
			put(path, b == 1 ? H32 "\n" : H20 "\n");
		}
	}
	assert_int_equal(pcrs_load_sysfs(&pv, dir, err, sizeof(err)), 2);
	assert_int_equal(pv.nbanks, 2);
	assert_int_equal(pv.banks[0].src[23], PCR_SRC_SYSFS);
	snprintf(path, sizeof(path), "%s/pcr-sha256/7", dir);
	put(path, "zz\n");
	setup(NULL);
	assert_int_equal(pcrs_load_sysfs(&pv, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "pcr-sha256/7: expected 32 hex bytes"));
	rm_tree(dir);
	/* TPM 1.2 */
	char d2[] = "/tmp/test_tpmXXXXXX";

	assert_non_null(mkdtemp(d2));
	snprintf(path, sizeof(path), "%s/device", d2);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/device/pcrs", d2);
	put(path, "PCR-00: 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14\n");
	setup(NULL);
	assert_int_equal(pcrs_load_sysfs(&pv, d2, err, sizeof(err)), 1);
	assert_int_equal(pv.banks[0].src[0], PCR_SRC_SYSFS);
	rm_tree(d2);
	setup(NULL);
	assert_int_equal(pcrs_load_sysfs(&pv, "/nonexistent/tpm0", err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_hex, setup),
		cmocka_unit_test_setup(test_file_ok, setup),
		cmocka_unit_test_setup(test_file_bad, setup),
		cmocka_unit_test_setup(test_args, setup),
		cmocka_unit_test_setup(test_load_file, setup),
		cmocka_unit_test_setup(test_sysfs, setup),
	};

	return cmocka_run_group_tests_name("pcrs", tests, NULL, NULL);
}
