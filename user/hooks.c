// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "hooks.h"
#include "util.h"

/* Execute-time copy functions, newest first: mainline >= 6.16's reboot
 * notifier, then the one our kernel/patches/6.1 series adds. */
static const char *const copy_candidates[] = {
	"ima_update_kexec_buffer",
	"ima_kexec_execute_copy",
};

/* Syscall entry points are wrappers named after the architecture; the
 * first prefix whose kexec_file_load is in BTF names them all. */
static const char *const syscall_prefixes[] = {
	"__x64_sys_", "__arm64_sys_", "__riscv_sys_", "__s390x_sys_", "sys_",
};

#define HOOK(id, p, w, ...) [id] = { .prog = p, .what = w, __VA_ARGS__ }
static const struct ikt_hook defaults[IKT_HOOK_COUNT] = {
	HOOK(IKT_HOOK_ADD_ENTER, "add_entry_enter", "IMA appends (in flight)",
	     .required = true, .func = "ima_add_template_entry"),
	HOOK(IKT_HOOK_ADD_EXIT, "add_entry_exit", "IMA appends",
	     .required = true, .func = "ima_add_template_entry"),
	HOOK(IKT_HOOK_SNAPSHOT, "snapshot_exit", "IMA list snapshot at kexec load",
	     .func = "ima_add_kexec_buffer"),
	HOOK(IKT_HOOK_FILE_LOAD, "kexec_file_load_exit", "kexec_file_load syscall",
	     .syscall = true, .func = "kexec_file_load"),
	HOOK(IKT_HOOK_LEGACY_LOAD, "kexec_load_exit", "kexec_load syscall (legacy)",
	     .syscall = true, .func = "kexec_load"),
	HOOK(IKT_HOOK_EXECUTE, "kexec_execute", "kexec execute", .func = "kernel_kexec"),
	HOOK(IKT_HOOK_COPY, "copy_exit", "IMA list copy at kexec execute"),	/* discovered */
	HOOK(IKT_HOOK_READ_FILE, "read_file", "kernel/initramfs files read for kexec",
	     .lsm = true, .func = "bpf_lsm_kernel_read_file"),
	HOOK(IKT_HOOK_LOAD_DATA, "load_data", "kernel image loaded by kexec_load",
	     .lsm = true, .func = "bpf_lsm_kernel_load_data"),
	HOOK(IKT_HOOK_GUARD, "guard_capable", "kexec guard (reboot capability check)",
	     .lsm = true, .func = "bpf_lsm_capable"),
	HOOK(IKT_HOOK_REBOOT_EXIT, "reboot_exit", "reboot syscall return (lifts the seal)",
	     .syscall = true, .func = "reboot"),
	HOOK(IKT_HOOK_SEAL_EXEC, "seal_exec", "seal: exec",
	     .lsm = true, .func = "bpf_lsm_bprm_check_security"),
	HOOK(IKT_HOOK_SEAL_MMAP, "seal_mmap", "seal: executable mmap",
	     .lsm = true, .func = "bpf_lsm_mmap_file"),
	HOOK(IKT_HOOK_SEAL_OPEN, "seal_open", "seal: file open",
	     .lsm = true, .func = "bpf_lsm_file_open"),
	/* the tracepoint sched_process_exit, which do_exit fires */
	HOOK(IKT_HOOK_PRESEAL_EXIT, "preseal_exit", "thread exit (lifts exec's pre-seal, "
	     "takes back what it left in flight)", .func = "do_exit"),
	HOOK(IKT_HOOK_REBOOT_EXIT_IA32, "reboot_ia32_exit", "ia32 reboot syscall return "
	     "(lifts the seal)", .optional = true, .func = "__ia32_sys_reboot"),
	HOOK(IKT_HOOK_MEASURE_ENTER, "measure_enter", "files being hashed for IMA (in flight)",
	     .optional = true, .func = "ima_collect_measurement"),
	HOOK(IKT_HOOK_MEASURE_EXIT, "measure_exit", "files hashed for IMA",
	     .optional = true, .func = "ima_collect_measurement"),
	HOOK(IKT_HOOK_BUFMEASURE_ENTER, "bufmeasure_enter", "buffers being measured (in flight)",
	     .optional = true, .func = "process_buffer_measurement"),
	HOOK(IKT_HOOK_BUFMEASURE_EXIT, "bufmeasure_exit", "buffers measured",
	     .optional = true, .func = "process_buffer_measurement"),
	HOOK(IKT_HOOK_LEGACY_LOAD_IA32, "kexec_load_ia32_exit", "kexec_load syscall, ia32 ABI",
	     .func = "__ia32_compat_sys_kexec_load"),
	HOOK(IKT_HOOK_LEGACY_LOAD_X32, "kexec_load_x32_exit", "kexec_load syscall, x32 ABI",
	     .func = "__x32_compat_sys_kexec_load"),
	HOOK(IKT_HOOK_CMDLINE, "load_cmdline", "kexec command line (the kernel's copy)",
	     .func = "ima_kexec_cmdline"),
	/* the same functions as hooks above: no funcs bit of their own */
	HOOK(IKT_HOOK_ADD_ENTER2, "add_entry_enter2", "IMA appends (in flight, second program)",
	     .func = "ima_add_template_entry"),
	HOOK(IKT_HOOK_ADD_EXIT2, "add_entry_exit2", "IMA appends (second program)",
	     .func = "ima_add_template_entry"),
	HOOK(IKT_HOOK_MEASURE_ENTER2, "measure_enter2", "files being hashed (in flight, "
	     "second program)", .optional = true, .func = "ima_collect_measurement"),
	HOOK(IKT_HOOK_MEASURE_EXIT2, "measure_exit2", "files hashed (second program)",
	     .optional = true, .func = "ima_collect_measurement"),
	HOOK(IKT_HOOK_BUFMEASURE_ENTER2, "bufmeasure_enter2", "buffers being measured "
	     "(in flight, second program)", .optional = true, .func = "process_buffer_measurement"),
	HOOK(IKT_HOOK_BUFMEASURE_EXIT2, "bufmeasure_exit2", "buffers measured (second program)",
	     .optional = true, .func = "process_buffer_measurement"),
};
#undef HOOK

#define N_COPY ARRAY_SIZE(copy_candidates)
#define N_PREFIX ARRAY_SIZE(syscall_prefixes)
/* funcs bits: hook i's function, 16 + c: copy candidate c, and the index
 * of the syscall prefix found + 1 in 3 bits from 24 (0: none recorded,
 * pins of older versions: then x86_64's) */
#define COPY_BIT0 24
/* hooks from COPY_BIT0 on share a function with an earlier hook, whose
 * bit they use (func_bit: the first match; test_hooks checks it) */
#define IKT_HOOKS_OWN_BITS IKT_HOOK_ADD_ENTER2
_Static_assert(IKT_HOOKS_OWN_BITS <= COPY_BIT0, "a hook's funcs bit would be a copy candidate's");
#define PREFIX_SHIFT 26
#define PREFIX_MASK 7u
_Static_assert(PREFIX_SHIFT + 3 <= 32, "funcs bits overflow");

/* v1 layout: hooks 0-14, copy candidates from 16, prefix from 24 */
uint32_t ikt_hooks_funcs_from_v1(uint32_t funcs)
{
	return (funcs & 0x7fffu) | ((funcs >> 16 & 3u) << COPY_BIT0) |
	       ((funcs >> 24 & PREFIX_MASK) << PREFIX_SHIFT);
}

/* the funcs bit of a probed function name, -1 if not one of ours */
static int func_bit(const char *name)
{
	for (int i = 0; i < IKT_HOOK_COUNT; i++)
		if (defaults[i].func[0] && !strcmp(defaults[i].func, name))
			return i;
	for (size_t c = 0; c < N_COPY; c++)
		if (!strcmp(copy_candidates[c], name))
			return COPY_BIT0 + (int)c;
	return -1;
}

struct func_source {
	const struct btf *btf;	/* NULL: answer from recorded bits */
	uint32_t recorded;
	uint32_t *found;
};

static bool has_func(const struct func_source *src, const char *name)
{
	int bit = func_bit(name);
	bool has;

	if (src->btf)
		has = btf__find_by_name_kind(src->btf, name, BTF_KIND_FUNC) >= 0;
	else
		has = bit >= 0 && (src->recorded & (1u << bit));
	if (has && bit >= 0)
		*src->found |= 1u << bit;
	return has;
}

/* hook i is the syscall h->func: name it with this kernel's wrapper
 * prefix (the first one BTF has, or the one attach recorded) */
static bool syscall_func(const struct func_source *src, int i, struct ikt_hook *h)
{
	char name[sizeof(h->func)];
	unsigned int idx;

	if (src->btf) {
		for (idx = 0; idx < N_PREFIX; idx++) {
			snprintf(name, sizeof(name), "%s%s", syscall_prefixes[idx], h->func);
			if (btf__find_by_name_kind(src->btf, name, BTF_KIND_FUNC) >= 0)
				break;
		}
		if (idx == N_PREFIX)
			return false;
	} else {
		if (!(src->recorded & (1u << i)))
			return false;
		idx = (src->recorded >> PREFIX_SHIFT) & PREFIX_MASK;
		idx = idx && idx <= N_PREFIX ? idx - 1 : 0;
	}
	*src->found |= 1u << i | (idx + 1) << PREFIX_SHIFT;
	snprintf(name, sizeof(name), "%s%s", syscall_prefixes[idx], h->func);
	memcpy(h->func, name, sizeof(name));
	return true;
}

static void probe(struct ikt_hooks *hs, const struct func_source *src, bool bpf_lsm)
{
	memcpy(hs->h, defaults, sizeof(defaults));
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		struct ikt_hook *h = &hs->h[i];

		if (i == IKT_HOOK_COPY) {
			for (size_t c = 0; c < N_COPY; c++)
				if (has_func(src, copy_candidates[c])) {
					snprintf(h->func, sizeof(h->func), "%s", copy_candidates[c]);
					break;
				}
			if (!h->func[0]) {
				h->status = IKT_HOOK_MISSING;
				snprintf(h->reason, sizeof(h->reason),
					 "kernel copies the IMA list at load, not at execute "
					 "(no %s or %s)", copy_candidates[0], copy_candidates[1]);
				continue;
			}
		} else if (h->lsm && !bpf_lsm) {
			h->status = IKT_HOOK_MISSING;
			snprintf(h->reason, sizeof(h->reason),
				 "bpf not in /sys/kernel/security/lsm: boot with lsm=...,bpf");
			continue;
		} else if (h->syscall) {
			if (!syscall_func(src, i, h)) {
				h->status = IKT_HOOK_MISSING;
				snprintf(h->reason, sizeof(h->reason), "no %s syscall wrapper in "
					 "kernel BTF (looked for %s%s and %zu other prefixes)",
					 h->func, syscall_prefixes[0], h->func, N_PREFIX - 1);
				continue;
			}
		} else if (!has_func(src, h->func)) {
			h->status = IKT_HOOK_MISSING;
			snprintf(h->reason, sizeof(h->reason), "%s not in kernel BTF%s",
				 h->func, i == IKT_HOOK_SNAPSHOT ?
				 " (kernel built without CONFIG_IMA_KEXEC)" : "");
			continue;
		}
		h->status = IKT_HOOK_AVAILABLE;
	}
	if (hs->h[IKT_HOOK_COPY].status == IKT_HOOK_AVAILABLE)
		hs->mode = IKT_CARRY_EXECUTE;
	else if (hs->h[IKT_HOOK_SNAPSHOT].status == IKT_HOOK_AVAILABLE)
		hs->mode = IKT_CARRY_LOAD;
	else
		hs->mode = IKT_CARRY_NONE;
}

void ikt_hooks_probe(struct ikt_hooks *hs, const struct btf *vmlinux, bool bpf_lsm)
{
	struct func_source src = { vmlinux, 0, &hs->funcs };	/* no BTF: none */

	hs->funcs = 0;
	probe(hs, &src, bpf_lsm);
}

void ikt_hooks_probe_recorded(struct ikt_hooks *hs, uint32_t funcs, bool bpf_lsm)
{
	struct func_source src = { NULL, funcs, &hs->funcs };

	hs->funcs = 0;
	probe(hs, &src, bpf_lsm);
}

const char *ikt_carry_mode_str(enum ikt_carry_mode m)
{
	switch (m) {
	case IKT_CARRY_LOAD: return "load-snapshot";
	case IKT_CARRY_EXECUTE: return "execute-copy";
	default: return "none";
	}
}

const char *ikt_hook_status_str(enum ikt_hook_status s)
{
	switch (s) {
	case IKT_HOOK_AVAILABLE: return "available";
	case IKT_HOOK_MISSING: return "missing";
	case IKT_HOOK_ATTACHED: return "attached";
	case IKT_HOOK_FAILED: return "failed";
	default: return "unprobed";
	}
}
