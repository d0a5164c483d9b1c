/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The kernel functions imakexec-trace hooks, which of them this kernel has,
 * and what that says about how the IMA list crosses kexec. */
#ifndef IKT_HOOKS_H
#define IKT_HOOKS_H

#include <stdbool.h>
#include <stdint.h>
#include "imakexec.h"	/* enum ikt_carry_mode */

struct btf;

enum ikt_hook_id {
	IKT_HOOK_ADD_ENTER,
	IKT_HOOK_ADD_EXIT,
	IKT_HOOK_SNAPSHOT,
	IKT_HOOK_FILE_LOAD,
	IKT_HOOK_LEGACY_LOAD,
	IKT_HOOK_EXECUTE,
	IKT_HOOK_COPY,
	IKT_HOOK_READ_FILE,
	IKT_HOOK_LOAD_DATA,
	IKT_HOOK_GUARD,		/* appended: funcs bits are enum positions */
	IKT_HOOK_REBOOT_EXIT,
	IKT_HOOK_SEAL_EXEC,
	IKT_HOOK_SEAL_MMAP,
	IKT_HOOK_SEAL_OPEN,
	IKT_HOOK_PRESEAL_EXIT,
	/* appended (guard): the ia32 reboot's return, measurements being
	 * taken (each exit after its entry: attach runs last to first) */
	IKT_HOOK_REBOOT_EXIT_IA32,
	IKT_HOOK_MEASURE_ENTER,
	IKT_HOOK_MEASURE_EXIT,
	IKT_HOOK_BUFMEASURE_ENTER,
	IKT_HOOK_BUFMEASURE_EXIT,
	/* appended (tracking): compat kexec_load, the kernel's command line */
	IKT_HOOK_LEGACY_LOAD_IA32,
	IKT_HOOK_LEGACY_LOAD_X32,
	IKT_HOOK_CMDLINE,
	/* appended (guard): the second program on each in-flight entry and
	 * exit (bpf/inflight.bpf.h: a call is missed only if both are) */
	IKT_HOOK_ADD_ENTER2,
	IKT_HOOK_ADD_EXIT2,
	IKT_HOOK_MEASURE_ENTER2,
	IKT_HOOK_MEASURE_EXIT2,
	IKT_HOOK_BUFMEASURE_ENTER2,
	IKT_HOOK_BUFMEASURE_EXIT2,
	IKT_HOOK_COUNT,
};

enum ikt_hook_status {
	IKT_HOOK_UNPROBED = 0,
	IKT_HOOK_AVAILABLE,	/* in BTF, will be loaded */
	IKT_HOOK_MISSING,	/* kernel lacks the function or the LSM */
	IKT_HOOK_ATTACHED,
	IKT_HOOK_FAILED,	/* in BTF but attaching failed */
};

struct ikt_hook {
	const char *prog;	/* BPF program name (= pin name) */
	const char *what;	/* what it traces, for the user */
	bool required;
	bool lsm;
	bool syscall;		/* func is a syscall: prefixed with the arch's wrapper */
	bool optional;		/* a guard hook the guard runs without (the kernel
				 * lacks the function: nothing to watch there) */
	enum ikt_hook_status status;
	bool misses_known;	/* recursion_misses read from the attached program */
	uint64_t recursion_misses;	/* calls it skipped: the same program was
					 * running on that CPU (a missed exit
					 * leaves an in-flight record behind) */
	uint32_t prog_id;	/* the attached program (0: not known) */
	char func[64];		/* kernel function resolved (copy: discovered) */
	char reason[160];
};

struct ikt_hooks {
	struct ikt_hook h[IKT_HOOK_COUNT];
	enum ikt_carry_mode mode;
	uint32_t funcs;		/* probed kernel functions found (a bit each) */
};

/* Probe every hook against the kernel BTF (bpf_lsm: whether "bpf" is an
 * active LSM). Fills status MISSING/AVAILABLE, reasons and funcs. */
void ikt_hooks_probe(struct ikt_hooks *hs, const struct btf *vmlinux, bool bpf_lsm);
/* The same from the funcs of an earlier probe of this boot's kernel
 * (recorded by attach): no BTF parsing, which costs tens of ms. */
void ikt_hooks_probe_recorded(struct ikt_hooks *hs, uint32_t funcs, bool bpf_lsm);
/* guard and seal programs: loaded only by attach --guard */
static inline bool ikt_hook_is_guard(int id)
{
	return (id >= IKT_HOOK_GUARD && id <= IKT_HOOK_PRESEAL_EXIT) ||
	       (id >= IKT_HOOK_REBOOT_EXIT_IA32 && id <= IKT_HOOK_BUFMEASURE_EXIT) ||
	       (id >= IKT_HOOK_ADD_ENTER2 && id <= IKT_HOOK_BUFMEASURE_EXIT2);
}
/* funcs as recorded in pins by versions before the hooks above were
 * appended (config.funcs_valid 1): in today's bit layout */
uint32_t ikt_hooks_funcs_from_v1(uint32_t funcs);
const char *ikt_carry_mode_str(enum ikt_carry_mode m);
const char *ikt_hook_status_str(enum ikt_hook_status s);

#endif
