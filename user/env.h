/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the running system offers: privileges, BTF, securityfs, IMA, kexec,
 * the BPF LSM and bpffs. Checked up front so errors name cause and fix. */
#ifndef IKT_ENV_H
#define IKT_ENV_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct ikt_env {
	bool root;		/* effective uid 0 */
	bool caps;		/* CAP_SYS_ADMIN, or CAP_BPF + CAP_PERFMON */
	bool btf;		/* /sys/kernel/btf/vmlinux */
	bool securityfs;	/* /sys/kernel/security mounted */
	bool ima;		/* IMA directory in securityfs */
	bool kexec;		/* /sys/kernel/kexec_loaded */
	bool lsm_known;		/* /sys/kernel/security/lsm readable */
	bool bpf_lsm;		/* "bpf" in the active LSM list */
	bool bpffs;		/* /sys/fs/bpf is a bpf filesystem */
	char ima_dir[512];
	char sysroot[256];	/* "" on a live system; tests point elsewhere */
};

/* needs for ikt_env_require() */
#define IKT_NEED_PRIV (1u << 0)
#define IKT_NEED_BTF (1u << 1)
#define IKT_NEED_IMA (1u << 2)	/* implies securityfs */
#define IKT_NEED_KEXEC (1u << 3)
#define IKT_NEED_BPFFS (1u << 4)

void ikt_env_probe(struct ikt_env *env, const char *sysroot);
/* Reports the first unmet need (p_err: "cause: fix") and returns its exit
 * code (see exitcodes.h), or 0. Warns about a missing BPF LSM. */
int ikt_env_require(const struct ikt_env *env, unsigned int needs);
/* path of a file in the IMA securityfs directory */
void ikt_ima_path(const struct ikt_env *env, const char *file, char *buf,
		  size_t len);
/* The kernel's IMA list length (runtime_measurements_count: the atomic
 * counter every append increments under IMA's list mutex), -1 if unreadable. */
int64_t ikt_ima_count(const struct ikt_env *env);
void ikt_sys_path(const struct ikt_env *env, const char *path, char *buf,
		  size_t len);

#endif
