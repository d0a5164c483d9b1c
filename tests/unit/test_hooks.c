// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Hook probing against synthetic kernel BTF, and the recorded-funcs probe
 * that readers of the pins use instead: both must agree on every kernel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "hooks.h"

static const char *const common[] = {
	"ima_add_template_entry", "__x64_sys_kexec_file_load", "__x64_sys_kexec_load",
	"kernel_kexec", "bpf_lsm_kernel_read_file", "bpf_lsm_kernel_load_data", NULL,
};

/* a kernel BTF with the base functions plus extra (NULL-terminated) */
static struct btf *btf_of(const char *const *base, const char *const *extra)
{
	struct btf *b = btf__new_empty();
	int proto;

	assert_non_null(b);
	proto = btf__add_func_proto(b, 0);
	assert_true(proto > 0);
	for (int i = 0; base[i]; i++)
		assert_true(btf__add_func(b, base[i], BTF_FUNC_GLOBAL, proto) > 0);
	for (int i = 0; extra && extra[i]; i++)
		assert_true(btf__add_func(b, extra[i], BTF_FUNC_GLOBAL, proto) > 0);
	return b;
}

static struct btf *kernel_btf(const char *const *extra)
{
	return btf_of(common, extra);
}

/* probe from BTF, then from the recorded funcs: identical results */
static void probe_both(const char *const *extra, bool bpf_lsm, struct ikt_hooks *hs)
{
	struct btf *b = kernel_btf(extra);
	struct ikt_hooks again;

	ikt_hooks_probe(hs, b, bpf_lsm);
	btf__free(b);
	ikt_hooks_probe_recorded(&again, hs->funcs, bpf_lsm);
	assert_int_equal(again.mode, hs->mode);
	assert_int_equal(again.funcs, hs->funcs);
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		assert_int_equal(again.h[i].status, hs->h[i].status);
		assert_string_equal(again.h[i].func, hs->h[i].func);
		assert_string_equal(again.h[i].reason, hs->h[i].reason);
	}
}

static void test_stock_no_ima_kexec(void **state)
{
	struct ikt_hooks hs;

	(void)state;
	probe_both(NULL, true, &hs);
	assert_int_equal(hs.mode, IKT_CARRY_NONE);
	assert_int_equal(hs.h[IKT_HOOK_SNAPSHOT].status, IKT_HOOK_MISSING);
	assert_non_null(strstr(hs.h[IKT_HOOK_SNAPSHOT].reason, "CONFIG_IMA_KEXEC"));
	assert_int_equal(hs.h[IKT_HOOK_COPY].status, IKT_HOOK_MISSING);
	assert_int_equal(hs.h[IKT_HOOK_ADD_EXIT].status, IKT_HOOK_AVAILABLE);
	assert_int_equal(hs.h[IKT_HOOK_READ_FILE].status, IKT_HOOK_AVAILABLE);
}

static void test_load_snapshot(void **state)
{
	static const char *const extra[] = { "ima_add_kexec_buffer", NULL };
	struct ikt_hooks hs;

	(void)state;
	probe_both(extra, true, &hs);
	assert_int_equal(hs.mode, IKT_CARRY_LOAD);
	assert_int_equal(hs.h[IKT_HOOK_SNAPSHOT].status, IKT_HOOK_AVAILABLE);
}

static void test_execute_copy_patched_and_mainline(void **state)
{
	static const char *const patched[] = { "ima_add_kexec_buffer", "ima_kexec_execute_copy", NULL };
	static const char *const mainline[] = { "ima_add_kexec_buffer", "ima_update_kexec_buffer", NULL };
	struct ikt_hooks hs;

	(void)state;
	probe_both(patched, true, &hs);
	assert_int_equal(hs.mode, IKT_CARRY_EXECUTE);
	assert_string_equal(hs.h[IKT_HOOK_COPY].func, "ima_kexec_execute_copy");
	probe_both(mainline, true, &hs);
	assert_string_equal(hs.h[IKT_HOOK_COPY].func, "ima_update_kexec_buffer");
}

static void test_no_bpf_lsm(void **state)
{
	struct ikt_hooks hs;

	(void)state;
	probe_both(NULL, false, &hs);
	assert_int_equal(hs.h[IKT_HOOK_READ_FILE].status, IKT_HOOK_MISSING);
	assert_int_equal(hs.h[IKT_HOOK_LOAD_DATA].status, IKT_HOOK_MISSING);
	assert_non_null(strstr(hs.h[IKT_HOOK_READ_FILE].reason, "lsm=...,bpf"));
	assert_int_equal(hs.h[IKT_HOOK_EXECUTE].status, IKT_HOOK_AVAILABLE);
}

static void test_no_btf_traces_nothing(void **state)
{
	struct ikt_hooks hs;

	(void)state;
	ikt_hooks_probe(&hs, NULL, true);
	assert_int_equal(hs.funcs, 0);
	for (int i = 0; i < IKT_HOOK_COUNT; i++)
		assert_int_equal(hs.h[i].status, IKT_HOOK_MISSING);
}

/* syscall hooks take the wrapper prefix the kernel has (arm64 here), and
 * the pinned readers name them the same from the recorded bits */
static void test_syscall_prefix_found_at_run_time(void **state)
{
	static const char *const arm64[] = {
		"ima_add_template_entry", "__arm64_sys_kexec_file_load",
		"__arm64_sys_kexec_load", "__arm64_sys_reboot", "kernel_kexec",
		"bpf_lsm_capable", NULL,
	};
	struct btf *b = btf_of(arm64, NULL);
	struct ikt_hooks hs, again;

	(void)state;
	ikt_hooks_probe(&hs, b, true);
	btf__free(b);
	assert_int_equal(hs.h[IKT_HOOK_FILE_LOAD].status, IKT_HOOK_AVAILABLE);
	assert_string_equal(hs.h[IKT_HOOK_FILE_LOAD].func, "__arm64_sys_kexec_file_load");
	assert_string_equal(hs.h[IKT_HOOK_LEGACY_LOAD].func, "__arm64_sys_kexec_load");
	assert_string_equal(hs.h[IKT_HOOK_REBOOT_EXIT].func, "__arm64_sys_reboot");
	ikt_hooks_probe_recorded(&again, hs.funcs, true);
	assert_string_equal(again.h[IKT_HOOK_REBOOT_EXIT].func, "__arm64_sys_reboot");
	/* pins of older versions recorded no prefix: they ran on x86_64 */
	ikt_hooks_probe_recorded(&again, 1u << IKT_HOOK_FILE_LOAD, true);
	assert_string_equal(again.h[IKT_HOOK_FILE_LOAD].func, "__x64_sys_kexec_file_load");
	assert_int_equal(again.h[IKT_HOOK_LEGACY_LOAD].status, IKT_HOOK_MISSING);
}

/* hooks appended past the funcs bits (the second programs) must share
 * a function with an earlier hook, whose bit stands for them */
static void test_second_programs_share_a_bit(void **state)
{
	struct ikt_hooks hs;

	(void)state;
	ikt_hooks_probe(&hs, NULL, true);
	for (int i = IKT_HOOK_ADD_ENTER2; i < IKT_HOOK_COUNT; i++) {
		int j = 0;

		assert_true(hs.h[i].func[0]);
		while (j < IKT_HOOK_ADD_ENTER2 && strcmp(hs.h[j].func, hs.h[i].func))
			j++;
		assert_true(j < IKT_HOOK_ADD_ENTER2);
		assert_true(ikt_hook_is_guard(i));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stock_no_ima_kexec),
		cmocka_unit_test(test_load_snapshot),
		cmocka_unit_test(test_execute_copy_patched_and_mainline),
		cmocka_unit_test(test_no_bpf_lsm),
		cmocka_unit_test(test_no_btf_traces_nothing),
		cmocka_unit_test(test_syscall_prefix_found_at_run_time),
		cmocka_unit_test(test_second_programs_share_a_bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
