// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "errors.h"
#include "env.h"
#include "exitcodes.h"
#include "sysfs.h"

#define SECURITYFS_MAGIC_ 0x73636673
#define BPF_FS_MAGIC_ 0xcafe4a11

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

void ikt_sys_path(const struct ikt_env *env, const char *path, char *buf,
		  size_t len)
{
	snprintf(buf, len, "%s%s", env->sysroot, path);
}

int64_t ikt_ima_count(const struct ikt_env *env)
{
	char p[PATH_MAX];
	uint64_t v;

	ikt_ima_path(env, "runtime_measurements_count", p, sizeof(p));
	return ikt_read_u64(p, &v) || v > INT64_MAX ? -1 : (int64_t)v;
}

void ikt_ima_path(const struct ikt_env *env, const char *file, char *buf,
		  size_t len)
{
	snprintf(buf, len, "%s/%s", env->ima_dir, file);
}

static bool exists(const struct ikt_env *env, const char *path)
{
	char p[PATH_MAX];

	ikt_sys_path(env, path, p, sizeof(p));
	return access(p, F_OK) == 0;
}

/* With a sysroot (tests) the magic cannot be checked: a directory is enough. */
static bool fs_is(const struct ikt_env *env, const char *path, long magic)
{
	char p[PATH_MAX];
	struct statfs st;

	ikt_sys_path(env, path, p, sizeof(p));
	if (statfs(p, &st))
		return false;
	return env->sysroot[0] ? true : (long)st.f_type == magic;
}

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

static bool probe_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return false;
	return has_cap(d, CAP_SYS_ADMIN) ||
	       (has_cap(d, CAP_BPF) && has_cap(d, CAP_PERFMON));
}

void ikt_env_probe(struct ikt_env *env, const char *sysroot)
{
	static const char *const ima_dirs[] = {
		"/sys/kernel/security/ima", "/sys/kernel/security/integrity/ima",
	};
	char p[PATH_MAX], lsm[256];

	memset(env, 0, sizeof(*env));
	snprintf(env->sysroot, sizeof(env->sysroot), "%s", sysroot ? sysroot : "");
	env->root = geteuid() == 0;
	env->caps = probe_caps();
	env->btf = exists(env, "/sys/kernel/btf/vmlinux");
	env->securityfs = fs_is(env, "/sys/kernel/security", SECURITYFS_MAGIC_);
	for (size_t i = 0; env->securityfs && i < 2; i++) {
		ikt_sys_path(env, ima_dirs[i], env->ima_dir, sizeof(env->ima_dir));
		ikt_ima_path(env, "runtime_measurements_count", p, sizeof(p));
		if (access(p, F_OK) == 0) {
			env->ima = true;
			break;
		}
		env->ima_dir[0] = '\0';
	}
	env->kexec = exists(env, "/sys/kernel/kexec_loaded");
	ikt_sys_path(env, "/sys/kernel/security/lsm", p, sizeof(p));
	if (env->securityfs && ikt_read_text(p, lsm, sizeof(lsm)) >= 0) {
		env->lsm_known = true;
		env->bpf_lsm = ikt_list_has(lsm, "bpf");
	}
	env->bpffs = fs_is(env, "/sys/fs/bpf", BPF_FS_MAGIC_);
}

int ikt_env_require(const struct ikt_env *env, unsigned int needs)
{
	if ((needs & IKT_NEED_PRIV) && !env->caps) {
		p_err("%s: run as root (or grant CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)",
		      env->root ? "missing CAP_BPF/CAP_PERFMON" : "not root");
		return IKT_EXIT_NOPERM;
	}
	if ((needs & IKT_NEED_BTF) && !env->btf) {
		p_err("kernel has no BTF (/sys/kernel/btf/vmlinux missing): "
			"use a kernel built with CONFIG_DEBUG_INFO_BTF=y");
		return IKT_EXIT_NOFEATURE;
	}
	if ((needs & IKT_NEED_IMA) && !env->securityfs) {
		p_err("securityfs not mounted at /sys/kernel/security: "
			"mount -t securityfs securityfs /sys/kernel/security");
		return IKT_EXIT_NOFEATURE;
	}
	if ((needs & IKT_NEED_IMA) && !env->ima) {
		p_err("IMA not enabled (no ima directory in /sys/kernel/security): "
			"use a kernel with CONFIG_IMA=y and do not boot with ima=off or "
			"integrity disabled");
		return IKT_EXIT_NOFEATURE;
	}
	if ((needs & IKT_NEED_KEXEC) && !env->kexec) {
		p_err("kexec not built into this kernel (/sys/kernel/kexec_loaded "
			"missing): nothing can be lost across kexec here; use a kernel "
			"with CONFIG_KEXEC_FILE=y to track kexec");
		return IKT_EXIT_NOFEATURE;
	}
	if ((needs & IKT_NEED_BPFFS) && !env->bpffs) {
		p_err("bpffs not mounted at /sys/fs/bpf: "
			"mount -t bpf bpf /sys/fs/bpf");
		return IKT_EXIT_NOFEATURE;
	}
	if ((needs & IKT_NEED_BTF) && !env->bpf_lsm)
		p_info("bpf not in /sys/kernel/security/lsm: boot with "
			"lsm=...,bpf; LSM programs skipped (kexec file reads not traced)");
	return 0;
}
