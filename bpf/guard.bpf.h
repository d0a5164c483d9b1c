/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The kexec guard (LSM capable on reboot(LINUX_REBOOT_CMD_KEXEC)) and the
 * seal that follows an allowed execute.
 * Part of imakexec.bpf.c (one BPF object, one skeleton): included there. */
#ifndef IKT_GUARD_BPF_H
#define IKT_GUARD_BPF_H

#include "guard_decide.h"

/* ABI constants (uapi and the x86 syscall tables), fixed by the ABI */
#define CAP_SYS_BOOT		22
#define PROT_EXEC		0x4
#define LINUX_REBOOT_MAGIC1	0xfee1dead
#define LINUX_REBOOT_CMD_KEXEC	0x45584543
#define NR_REBOOT_64		169	/* x86_64 and x32 (with __X32_SYSCALL_BIT) */
#define NR_REBOOT_32		88	/* ia32 */
#define X32_SYSCALL_BIT		0x40000000
#define EPERM			1
#define TS_COMPAT		0x0002	/* arch/x86/include/asm/thread_info.h */

/* While sealed (an allowed kexec is executing), deny what IMA would
 * measure, and so while exec's pre-seal holds for anyone but exec;
 * otherwise keep the verdict we were given. */
static __always_inline int seal_verdict(int ret)
{
	struct ikt_config *c;
	struct ikt_state *s;

	if (ret)
		return ret;
	s = get_state();
	if (!s)
		return 0;
	if (s->sealed) {
		__sync_fetch_and_add(&s->seal_denied, 1);
		return -EPERM;
	}
	c = get_config();
	if (c && presealed(c, s)) {
		__sync_fetch_and_add(&s->preseal_denied, 1);
		return -EPERM;
	}
	return 0;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(seal_exec, struct linux_binprm *bprm, int ret)
{
	return seal_verdict(ret);
}

SEC("lsm/mmap_file")
int BPF_PROG(seal_mmap, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags, int ret)
{
	if (!(prot & PROT_EXEC))
		return ret;
	return seal_verdict(ret);
}

SEC("lsm/file_open")
int BPF_PROG(seal_open, struct file *file, int ret)
{
	return seal_verdict(ret);
}

/* Is the current task in reboot(LINUX_REBOOT_CMD_KEXEC)? Only reboot,
 * kexec_load and kexec_file_load check CAP_SYS_BOOT this way; the syscall
 * number and the arguments come from the task's saved registers, read the
 * way the kernel dispatched them: the ABI from the task's TS_COMPAT (set by
 * the ia32 entries, int 0x80 from a 64-bit task included; what
 * in_ia32_syscall() tests), the number from the low 32 bits of orig_ax
 * (do_syscall_64 and do_int80_syscall_32 take it as an int: higher bits
 * never reach the table), x32 as the x86_64 number with __X32_SYSCALL_BIT. */
static __always_inline bool in_reboot_kexec(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (void *)bpf_task_pt_regs(t);
	__u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	__u32 cmd = BPF_CORE_READ(regs, dx);	/* third argument in both ABIs */
	bool ia32 = (__u32)BPF_CORE_READ(regs, bx) == LINUX_REBOOT_MAGIC1 &&
		    nr == NR_REBOOT_32;
	bool x64 = (__u32)BPF_CORE_READ(regs, di) == LINUX_REBOOT_MAGIC1 &&
		   (nr == NR_REBOOT_64 || nr == (NR_REBOOT_64 | X32_SYSCALL_BIT));

	if (cmd != LINUX_REBOOT_CMD_KEXEC)
		return false;
	/* without the field (never on x86 so far) judge both forms */
	if (!bpf_core_field_exists(t->thread_info.status))
		return ia32 || x64;
	return BPF_CORE_READ(t, thread_info.status) & TS_COMPAT ? ia32 : x64;
}

/* Would the next kernel's log replay PCR 10 if the kexec ran now? Gather
 * what the decision needs from the kernel (IMA's list length `len`, read
 * by the caller, the kexec_image the kernel would execute, IMA's list
 * mutex and binary_runtime_size) and from our maps, then decide with the
 * pure function the host unit test checks (guard_decide.h). The reads keep
 * the order of the checks: the list length, then the in-flight counters,
 * then the list mutex, then the bytes a copy needs. */
static __always_inline __u32 guard_judge(struct ikt_state *s,
					 const struct ikt_config *c, __s64 len)
{
	struct ikt_guard_in in = {};

	in.len = len;
	in.image = kexec_image_now();
	in.image_seen = bpf_ksym_exists(&kexec_image);
	in.sealed = s->sealed;
	in.loads_inflight = s->loads_inflight;
	in.kexec_state = s->kexec_state;
	in.touched = s->touched;
	in.preloaded = c->preloaded;
	in.image_traced = s->image_ptr;
	in.inflight = s->inflight;
	in.inflight_untracked = s->inflight_untracked;
	in.hashing = s->hashing;
	in.hashing_untracked = s->hashing_untracked;
	in.mutex_busy = list_mutex_busy();
	in.carry_mode = c->carry_mode;
	in.carry_valid = c->carry_valid;
	in.carry_count = c->carry_count;
	in.snap = s->snap;
	in.list_bytes = list_bytes();
	in.hdr_bytes = sizeof(struct ima_kexec_hdr___local);
	in.kexec_rec_bytes = s->kexec_rec_bytes;
	in.kexec_rec_digits = s->kexec_rec_digits;
	return ikt_guard_decide(&in);
}

SEC("lsm/capable")
int BPF_PROG(guard_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts, int ret)
{
	struct ikt_config *c;
	struct ikt_state *s;
	struct ikt_event *e;
	__u32 why;
	__s64 len;

	if (ret || cap != CAP_SYS_BOOT || !in_reboot_kexec())
		return ret;
	c = get_config();
	s = get_state();
	if (!c || !s || !c->guard)
		return ret;
	len = ima_len();
	why = guard_judge(s, c, len);
	s->guard_last_reason = why;
	s->guard_count = len;
	if (why >= IKT_G_REFUSE_MIN)
		__sync_fetch_and_add(&s->guard_refused, 1);
	else
		__sync_fetch_and_add(&s->guard_allowed, 1);
	e = reserve(s, IKT_EV_GUARD);
	if (e) {
		e->idx = why;
		e->count = len;
		e->bytes = s->snap.count;
		e->ret = why >= IKT_G_REFUSE_MIN ? -EPERM : 0;
		e->flags = why >= IKT_G_REFUSE_MIN ? IKT_F_REFUSED : 0;
		bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	}
	if (why >= IKT_G_REFUSE_MIN)
		return -EPERM;
	/* from here until the kernels switch, nothing new gets measured and
	 * nothing gets loaded (with no image too: a load finishing before
	 * kernel_kexec() would otherwise run unjudged); only this task's
	 * reboot returning lifts it */
	s->sealed_tid = bpf_get_current_pid_tgid();
	s->sealed = 1;
	return 0;
}

/* A thread ended: exec's pre-seal ends with exec's process (exit, or
 * SIGKILL at any point: a killed exec leaves nothing held), and what the
 * thread left counted in flight was a missed exit (inflight.bpf.h). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(preseal_exit, struct task_struct *p)
{
	struct ikt_config *c = get_config();
	struct ikt_state *s = get_state();
	__u32 tgid, pid;

	if (!c || !s)
		return 0;
	tgid = BPF_CORE_READ(p, tgid);
	pid = BPF_CORE_READ(p, pid);
	if_thread_exit(s, (__u64)tgid << 32 | pid);
	/* the task let through exited: its reboot returned (a missed
	 * reboot_exit must not leave the whole system sealed) */
	if (s->sealed && s->sealed_tid == ((__u64)tgid << 32 | pid)) {
		s->sealed = 0;
		s->sealed_tid = 0;
	}
	if (c->preseal_tgid && tgid == c->preseal_tgid && pid == tgid) {
		s->preseal_exited_gen = c->preseal_gen;
		s->preseal_exited = tgid;
	}
	return 0;
}

/* reboot() returned: a kexec that was let through did not happen. Only
 * the return of the task that was let through lifts the seal (any user
 * can call reboot and have it fail). */
static __always_inline void reboot_returned(void)
{
	struct ikt_state *s = get_state();

	if (!s || !s->sealed)
		return;
	if (s->sealed_tid != bpf_get_current_pid_tgid()) {
		__sync_fetch_and_add(&s->seal_kept, 1);
		return;
	}
	s->sealed = 0;
	s->sealed_tid = 0;
}

/* x86_64 and x32 */
SEC("fexit/__x64_sys_reboot")
int BPF_PROG(reboot_exit, const struct pt_regs *regs, long ret)
{
	reboot_returned();
	return 0;
}

SEC("fexit/__ia32_sys_reboot")
int BPF_PROG(reboot_ia32_exit, const struct pt_regs *regs, long ret)
{
	reboot_returned();
	return 0;
}

#endif
