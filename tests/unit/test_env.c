// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Environment probing against a fake /sys tree, and the messages and exit
 * codes for each missing feature. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "errors.h"
#include "env.h"
#include "exitcodes.h"
#include "sysfs.h"
#include "tracker.h"

static char root[64];

static void put(const char *rel, const char *content)
{
	char p[512], cmd[600];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", p);
	assert_int_equal(system(cmd), 0);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/ikt-env-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static int require(const struct ikt_env *env, unsigned int needs, char *msg, size_t len)
{
	FILE *f = fmemopen(msg, len, "w");
	int rc;

	ikt_msg_stream(f);
	rc = ikt_env_require(env, needs);
	ikt_msg_stream(NULL);
	fclose(f);
	return rc;
}

static void test_full_system(void **state)
{
	struct ikt_env env;
	char msg[512] = "";
	uint64_t v;
	char p[600];

	(void)state;
	put("/sys/kernel/btf/vmlinux", "");
	put("/sys/kernel/security/lsm", "lockdown,capability,bpf\n");
	put("/sys/kernel/security/integrity/ima/runtime_measurements_count", "57\n");
	put("/sys/kernel/kexec_loaded", "0\n");
	mkdir(strcat(strcpy(p, root), "/sys/fs"), 0755);
	mkdir(strcat(strcpy(p, root), "/sys/fs/bpf"), 0755);
	ikt_env_probe(&env, root);
	assert_true(env.btf && env.securityfs && env.ima && env.kexec);
	assert_true(env.bpf_lsm && env.bpffs);
	ikt_ima_path(&env, "runtime_measurements_count", p, sizeof(p));
	assert_int_equal(ikt_read_u64(p, &v), 0);
	assert_int_equal(v, 57);
	env.caps = true;
	assert_int_equal(require(&env, ~0u, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
}

static void test_each_missing_feature(void **state)
{
	struct ikt_env env;
	char msg[512];

	(void)state;
	put("/sys/kernel/security/lsm", "lockdown,capability\n");
	ikt_env_probe(&env, root);
	env.caps = false;
	assert_int_equal(require(&env, IKT_NEED_PRIV, msg, sizeof(msg)), IKT_EXIT_NOPERM);
	env.caps = true;
	assert_int_equal(require(&env, IKT_NEED_BTF, msg, sizeof(msg)), IKT_EXIT_NOFEATURE);
	assert_non_null(strstr(msg, "CONFIG_DEBUG_INFO_BTF"));
	assert_int_equal(require(&env, IKT_NEED_IMA, msg, sizeof(msg)), IKT_EXIT_NOFEATURE);
	assert_non_null(strstr(msg, "IMA not enabled"));
	assert_int_equal(require(&env, IKT_NEED_KEXEC, msg, sizeof(msg)), IKT_EXIT_NOFEATURE);
	assert_non_null(strstr(msg, "kexec not built"));
	assert_int_equal(require(&env, IKT_NEED_BPFFS, msg, sizeof(msg)), IKT_EXIT_NOFEATURE);
	assert_non_null(strstr(msg, "mount -t bpf"));
	/* a missing BPF LSM is a warning, not an error */
	env.btf = true;
	assert_int_equal(require(&env, IKT_NEED_BTF, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "LSM programs skipped"));
}

static void test_no_securityfs(void **state)
{
	struct ikt_env env;
	char msg[512];

	(void)state;
	ikt_env_probe(&env, "/nonexistent-root");
	env.caps = true;
	assert_false(env.securityfs);
	assert_int_equal(require(&env, IKT_NEED_IMA, msg, sizeof(msg)), IKT_EXIT_NOFEATURE);
	assert_non_null(strstr(msg, "mount -t securityfs"));
}

static void test_parsers(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(ikt_parse_u64(" 12\n", &v), 0);
	assert_int_equal(v, 12);
	assert_int_not_equal(ikt_parse_u64("-1", &v), 0);
	assert_int_not_equal(ikt_parse_u64("12x", &v), 0);
	assert_int_not_equal(ikt_parse_u64("", &v), 0);
	assert_int_not_equal(ikt_parse_u64("99999999999999999999999", &v), 0);
	assert_true(ikt_list_has("lockdown,capability,bpf", "bpf"));
	assert_false(ikt_list_has("lockdown,bpfx,capability", "bpf"));
	assert_false(ikt_list_has("", "bpf"));
	assert_true(ikt_list_has("bpf", "bpf"));
}

static void test_ringbuf_size_option(void **state)
{
	unsigned int kb = 0;

	(void)state;
	assert_int_equal(ikt_parse_ringbuf_kb("4096", &kb), 0);
	assert_int_equal(kb, 4096);
	assert_int_not_equal(ikt_parse_ringbuf_kb("3000", &kb), 0);	/* not a power of two */
	assert_int_not_equal(ikt_parse_ringbuf_kb("2", &kb), 0);	/* below one page */
	assert_int_not_equal(ikt_parse_ringbuf_kb("2097152", &kb), 0);	/* above 1 GiB */
	assert_int_not_equal(ikt_parse_ringbuf_kb("16k", &kb), 0);
	assert_int_equal(kb, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_system, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_missing_feature, setup, teardown),
		cmocka_unit_test(test_no_securityfs),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_ringbuf_size_option),
	};
	return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
