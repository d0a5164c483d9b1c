// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "errors.h"
#include "exitcodes.h"
#include "imakexec.skel.h"
#include "sysfs.h"
#include "tracker.h"

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* --verbose: warnings (incl. the verifier log) and info, not debug */
	if (!verbose_libbpf || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void ikt_tracker_init(struct ikt_tracker *t)
{
	memset(t, 0, sizeof(*t));
	t->state_fd = t->config_fd = t->events_fd = t->loaded_fd = t->inflight_fd = -1;
}

/* the programs that take an in-flight record back (a call's return, a
 * thread's exit) or lift the seal */
static bool is_exit_hook(int i)
{
	switch (i) {
	case IKT_HOOK_ADD_EXIT: case IKT_HOOK_MEASURE_EXIT: case IKT_HOOK_BUFMEASURE_EXIT:
	case IKT_HOOK_FILE_LOAD: case IKT_HOOK_LEGACY_LOAD: case IKT_HOOK_LEGACY_LOAD_IA32:
	case IKT_HOOK_LEGACY_LOAD_X32: case IKT_HOOK_PRESEAL_EXIT: case IKT_HOOK_REBOOT_EXIT:
	case IKT_HOOK_REBOOT_EXIT_IA32: case IKT_HOOK_ADD_EXIT2: case IKT_HOOK_MEASURE_EXIT2:
	case IKT_HOOK_BUFMEASURE_EXIT2:
		return true;
	default:
		return false;
	}
}

int ikt_tracker_ring_size(const struct ikt_tracker *t, uint64_t *bytes)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	if (t->events_fd < 0)
		return -EBADF;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(t->events_fd, &info, &len))
		return -errno;
	*bytes = info.max_entries;
	return 0;
}

int ikt_parse_ringbuf_kb(const char *s, unsigned int *kb)
{
	uint64_t v;

	if (ikt_parse_u64(s, &v) || v < 4 || v > 1048576 || (v & (v - 1)))
		return -EINVAL;
	*kb = (unsigned int)v;
	return 0;
}

/* the skeleton's program for each hook: a renamed program fails to build */
static struct bpf_program *prog_of(const struct imakexec_bpf *skel, enum ikt_hook_id id)
{
	struct bpf_program *const progs[IKT_HOOK_COUNT] = {
		[IKT_HOOK_ADD_ENTER] = skel->progs.add_entry_enter,
		[IKT_HOOK_ADD_EXIT] = skel->progs.add_entry_exit,
		[IKT_HOOK_SNAPSHOT] = skel->progs.snapshot_exit,
		[IKT_HOOK_FILE_LOAD] = skel->progs.kexec_file_load_exit,
		[IKT_HOOK_LEGACY_LOAD] = skel->progs.kexec_load_exit,
		[IKT_HOOK_EXECUTE] = skel->progs.kexec_execute,
		[IKT_HOOK_COPY] = skel->progs.copy_exit,
		[IKT_HOOK_READ_FILE] = skel->progs.read_file,
		[IKT_HOOK_LOAD_DATA] = skel->progs.load_data,
		[IKT_HOOK_GUARD] = skel->progs.guard_capable,
		[IKT_HOOK_REBOOT_EXIT] = skel->progs.reboot_exit,
		[IKT_HOOK_SEAL_EXEC] = skel->progs.seal_exec,
		[IKT_HOOK_SEAL_MMAP] = skel->progs.seal_mmap,
		[IKT_HOOK_SEAL_OPEN] = skel->progs.seal_open,
		[IKT_HOOK_PRESEAL_EXIT] = skel->progs.preseal_exit,
		[IKT_HOOK_REBOOT_EXIT_IA32] = skel->progs.reboot_ia32_exit,
		[IKT_HOOK_MEASURE_ENTER] = skel->progs.measure_enter,
		[IKT_HOOK_MEASURE_EXIT] = skel->progs.measure_exit,
		[IKT_HOOK_BUFMEASURE_ENTER] = skel->progs.bufmeasure_enter,
		[IKT_HOOK_BUFMEASURE_EXIT] = skel->progs.bufmeasure_exit,
		[IKT_HOOK_LEGACY_LOAD_IA32] = skel->progs.kexec_load_ia32_exit,
		[IKT_HOOK_LEGACY_LOAD_X32] = skel->progs.kexec_load_x32_exit,
		[IKT_HOOK_CMDLINE] = skel->progs.load_cmdline,
		[IKT_HOOK_ADD_ENTER2] = skel->progs.add_entry_enter2,
		[IKT_HOOK_ADD_EXIT2] = skel->progs.add_entry_exit2,
		[IKT_HOOK_MEASURE_ENTER2] = skel->progs.measure_enter2,
		[IKT_HOOK_MEASURE_EXIT2] = skel->progs.measure_exit2,
		[IKT_HOOK_BUFMEASURE_ENTER2] = skel->progs.bufmeasure_enter2,
		[IKT_HOOK_BUFMEASURE_EXIT2] = skel->progs.bufmeasure_exit2,
	};

	return progs[id];
}

/* Which kexec slots were already loaded before tracking, this kernel's
 * carry mode and the guard switch. No count is aligned here: the list
 * length is the kernel's own counter (ima_htable.len, which
 * runtime_measurements_count prints and the BPF side reads), incremented
 * under IMA's list mutex, so it is exact whatever is appending while
 * attach runs; measure events carry their position in that list. */
static int init_config(struct ikt_tracker *t, const struct ikt_env *env,
		       const struct ikt_load_opts *o)
{
	struct ikt_config c = {};
	char p[PATH_MAX];
	struct timespec ts;
	__u32 zero = 0;
	uint64_t v;

	c.count_from_kernel = 1;
	c.base_valid = 1;
	c.carry_mode = t->hooks.mode;
	c.guard = o->guard;
	c.funcs = t->hooks.funcs;
	c.funcs_valid = 2;	/* today's bit layout (user/hooks.c) */
	ikt_sys_path(env, "/sys/kernel/kexec_loaded", p, sizeof(p));
	if (!ikt_read_u64(p, &v) && v)
		c.preloaded |= IKT_SLOT_NORMAL;
	ikt_sys_path(env, "/sys/kernel/kexec_crash_loaded", p, sizeof(p));
	if (!ikt_read_u64(p, &v) && v)
		c.preloaded |= IKT_SLOT_CRASH;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	c.attach_boot_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	if (bpf_map_update_elem(t->config_fd, &zero, &c, BPF_ANY)) {
		p_err("cannot write config map: %s", strerror(errno));
		return IKT_EXIT_ERROR;
	}
	return 0;
}

/* The guard decides on the kernel's own list length, read through
 * kallsyms: without it every kexec would be refused, so say so now.
 * ima_htable (struct ima_h_table, up to 6.x) or ima_num_records (indexed by
 * enum binary_lists, kernels with measurement-list staging). */
static bool ksym_visible(const struct ikt_env *env, const char *sym)
{
	char line[256], path[PATH_MAX], name[128];
	unsigned long long addr;
	bool found = false;
	char type;
	FILE *f;

	ikt_sys_path(env, "/proc/kallsyms", path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%llx %c %127s", &addr, &type, name) == 3 && addr &&
			!strcmp(name, sym);
	fclose(f);
	return found;
}

static int guard_preflight(const struct ikt_env *env, const struct btf *vmlinux)
{
	bool htable, records;

	if (!env->bpf_lsm) {
		p_err("bpf not in /sys/kernel/security/lsm: boot with "
			"lsm=...,bpf (or a kernel whose CONFIG_LSM lists bpf); the kexec "
			"guard cannot run without the BPF LSM, nothing was attached");
		return IKT_EXIT_NOFEATURE;
	}
	htable = btf__find_by_name_kind(vmlinux, "ima_h_table", BTF_KIND_STRUCT) >= 0 &&
		 ksym_visible(env, "ima_htable");
	records = !htable && btf__find_by_name_kind(vmlinux, "binary_lists", BTF_KIND_ENUM) >= 0 &&
		  ksym_visible(env, "ima_num_records");
	if (!htable && !records) {
		p_err("IMA's list length (ima_htable or ima_num_records) "
			"is not in /proc/kallsyms with an address: the guard decides on it; "
			"use a kernel with CONFIG_KALLSYMS_ALL=y and set kernel.kptr_restrict "
			"below 2; nothing was attached");
		return IKT_EXIT_NOFEATURE;
	}
	return 0;
}

/* attach hook i if it was loaded; 0, or an exit code when a hook the
 * tracker or the guard cannot do without fails */
static int attach_one(struct ikt_tracker *t, int i)
{
	struct ikt_hook *h = &t->hooks.h[i];
	struct bpf_link *l;
	char func[sizeof(h->func)];

	if (h->status != IKT_HOOK_AVAILABLE)
		return 0;
	l = bpf_program__attach(prog_of(t->skel, i));
	if (!l) {
		int err = errno;

		h->status = IKT_HOOK_FAILED;
		memcpy(func, h->func, sizeof(func));
		/* ENOTSUPP (524, kernel-internal): a trampoline for more
		 * arguments than the architecture passes in registers */
		snprintf(h->reason, sizeof(h->reason), "attaching to %s failed: %s",
			 func, err == 524 ? "the kernel's BPF trampoline cannot "
			 "attach to this function (more than 6 arguments on x86 "
			 "before 6.6)" : strerror(err));
		if (h->required || (ikt_hook_is_guard(i) && !h->optional)) {
			p_err("%s", h->reason);
			return IKT_EXIT_ERROR;
		}
		return 0;
	}
	t->links[i] = l;
	h->status = IKT_HOOK_ATTACHED;
	return 0;
}

int ikt_tracker_load(struct ikt_tracker *t, const struct ikt_env *env,
		     const struct ikt_load_opts *o)
{
	struct btf *vmlinux;
	int ret;

	verbose_libbpf = o->verbose;
	libbpf_set_print(libbpf_print);
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		p_err("cannot load kernel BTF: %s: "
			"use a kernel built with CONFIG_DEBUG_INFO_BTF=y", strerror(errno));
		return IKT_EXIT_NOFEATURE;
	}
	ikt_hooks_probe(&t->hooks, vmlinux, env->bpf_lsm);
	ret = o->guard ? guard_preflight(env, vmlinux) : 0;
	btf__free(vmlinux);
	if (ret)
		return ret;
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		struct ikt_hook *h = &t->hooks.h[i];

		if (ikt_hook_is_guard(i) && !o->guard) {
			h->status = IKT_HOOK_MISSING;
			snprintf(h->reason, sizeof(h->reason), "guard not armed (attach --guard)");
			continue;
		}
		if (ikt_hook_is_guard(i) && !h->optional && h->status != IKT_HOOK_AVAILABLE) {
			p_err("%s: the kexec guard needs %s; "
				"nothing was attached", h->reason, h->what);
			return IKT_EXIT_NOFEATURE;
		}
		if (h->required && h->status != IKT_HOOK_AVAILABLE) {
			p_err("%s: cannot trace %s; IMA support "
				"is incomplete in this kernel", h->reason, h->what);
			return IKT_EXIT_NOFEATURE;
		}
	}

	t->skel = imakexec_bpf__open();
	if (!t->skel) {
		p_err("cannot open BPF object: %s", strerror(errno));
		return IKT_EXIT_ERROR;
	}
	bpf_map__set_max_entries(t->skel->maps.events, o->ringbuf_kb * 1024);
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		struct ikt_hook *h = &t->hooks.h[i];
		struct bpf_program *p = prog_of(t->skel, i);

		/* pins are named after the program: the table must agree */
		if (strcmp(bpf_program__name(p), h->prog)) {
			p_err("internal error: hook %d is program %s, the table says %s",
			      i, bpf_program__name(p), h->prog);
			return IKT_EXIT_ERROR;
		}
		if (h->status != IKT_HOOK_AVAILABLE) {
			bpf_program__set_autoload(p, false);
			continue;
		}
		/* discovered (copy) or arch-prefixed (syscalls) at run time */
		if (i == IKT_HOOK_COPY || h->syscall)
			bpf_program__set_attach_target(p, 0, h->func);
	}
	ret = imakexec_bpf__load(t->skel);
	if (ret) {
		p_err("loading BPF programs failed: %s; "
			"rerun with --verbose for the verifier log", strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	t->state_fd = bpf_map__fd(t->skel->maps.state);
	t->config_fd = bpf_map__fd(t->skel->maps.ikt_config);
	t->events_fd = bpf_map__fd(t->skel->maps.events);
	t->loaded_fd = bpf_map__fd(t->skel->maps.loaded);
	t->inflight_fd = bpf_map__fd(t->skel->maps.inflight_recs);

	/* every exit before any entry (then last to first), so no call is
	 * counted in flight whose return goes through a trampoline without
	 * its exit: a kexec load's LSM hook (its entry) runs inside the
	 * syscall whose return is traced, and comes before it in the table */
	for (int pass = 0; pass < 2; pass++)
		for (int i = IKT_HOOK_COUNT - 1; i >= 0; i--)
			if (is_exit_hook(i) == !pass && (ret = attach_one(t, i)))
				return ret;
	return init_config(t, env, o);
}

int ikt_tracker_read(const struct ikt_tracker *t, struct ikt_state *s,
		     struct ikt_config *c)
{
	__u32 zero = 0;

	/* pins of an older version hold shorter values: the rest reads 0 */
	if (s && (memset(s, 0, sizeof(*s)), bpf_map_lookup_elem(t->state_fd, &zero, s)))
		return -errno;
	if (c && (memset(c, 0, sizeof(*c)), bpf_map_lookup_elem(t->config_fd, &zero, c)))
		return -errno;
	return 0;
}

int ikt_tracker_read_loaded(const struct ikt_tracker *t, struct ikt_loadinfo *li)
{
	__u32 current = 1;	/* slot 1: the current image (bpf/imakexec.bpf.c) */

	memset(li, 0, sizeof(*li));
	return bpf_map_lookup_elem(t->loaded_fd, &current, li) ? -errno : 0;
}

int ikt_tracker_write_config(const struct ikt_tracker *t, const struct ikt_config *c)
{
	__u32 zero = 0;

	return bpf_map_update_elem(t->config_fd, &zero, c, BPF_ANY) ? -errno : 0;
}

void ikt_tracker_close(struct ikt_tracker *t)
{
	for (int i = 0; i < IKT_HOOK_COUNT; i++)
		bpf_link__destroy(t->links[i]);
	if (t->skel) {
		imakexec_bpf__destroy(t->skel);
	} else {
		if (t->state_fd >= 0)
			close(t->state_fd);
		if (t->config_fd >= 0)
			close(t->config_fd);
		if (t->events_fd >= 0)
			close(t->events_fd);
		if (t->loaded_fd >= 0)
			close(t->loaded_fd);
		if (t->inflight_fd >= 0)
			close(t->inflight_fd);
	}
	ikt_tracker_init(t);
}
