/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The kexec guard (LSM capable on reboot(LINUX_REBOOT_CMD_KEXEC)) and the
 * seal that follows an allowed execute.
 * Part of imakexec.bpf.c (one BPF object, one skeleton): included there. */
#ifndef IKT_GUARD_BPF_H
#define IKT_GUARD_BPF_H

/* ABI constants (uapi and the x86 syscall tables), fixed by the ABI */
#define CAP_SYS_BOOT		22
#define PROT_EXEC		0x4
#define LINUX_REBOOT_MAGIC1	0xfee1dead
#define LINUX_REBOOT_CMD_KEXEC	0x45584543
#define NR_REBOOT_64		169	/* x86_64 and x32 (with __X32_SYSCALL_BIT) */
#define NR_REBOOT_32		88	/* ia32 */
#define X32_SYSCALL_BIT		0x40000000
#define EPERM			1

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
 * number and the arguments come from the task's saved registers. */
static __always_inline bool in_reboot_kexec(void)
{
	struct pt_regs *regs = (void *)bpf_task_pt_regs(bpf_get_current_task_btf());
	long nr = BPF_CORE_READ(regs, orig_ax);
	__u32 cmd = BPF_CORE_READ(regs, dx);	/* third argument in both ABIs */

	if (cmd != LINUX_REBOOT_CMD_KEXEC)
		return false;
	if ((nr & ~X32_SYSCALL_BIT) == NR_REBOOT_64 &&
	    (__u32)BPF_CORE_READ(regs, di) == LINUX_REBOOT_MAGIC1)
		return true;
	return nr == NR_REBOOT_32 &&
	       (__u32)BPF_CORE_READ(regs, bx) == LINUX_REBOOT_MAGIC1;
}

/* Would the next kernel's log replay PCR 10 if the kexec ran now? */
static __always_inline __u32 guard_judge(struct ikt_state *s,
					 const struct ikt_config *c, __s64 len)
{
	const struct ikt_snapshot *snap = &s->snap;
	__u32 st = s->kexec_state;
	__u64 brs = 0;

	if (!(s->touched & IKT_SLOT_NORMAL))
		st = (c->preloaded & IKT_SLOT_NORMAL) ? IKT_KEXEC_PRELOADED : IKT_KEXEC_NONE;
	if (st == IKT_KEXEC_NONE)
		return IKT_G_OK_NO_IMAGE;
	if (len < 0)
		return IKT_G_NO_COUNT;
	if (s->inflight || s->inflight_untracked)
		return IKT_G_INFLIGHT;
	if (list_mutex_busy())
		return IKT_G_INFLIGHT;
	if (st == IKT_KEXEC_PRELOADED)
		return IKT_G_PRELOADED;
	if (c->carry_mode == IKT_CARRY_NONE)
		return c->carry_valid && c->carry_count == (__u64)len ?
		       IKT_G_OK_CARRIED : IKT_G_NOT_CARRIED;
	if (st == IKT_KEXEC_LEGACY)
		return IKT_G_LEGACY;
	if (!snap->valid)
		return c->carry_mode == IKT_CARRY_EXECUTE ?
		       IKT_G_SEGMENT_UNKNOWN : IKT_G_NO_SNAPSHOT;
	if (c->carry_mode == IKT_CARRY_EXECUTE) {
		brs = list_bytes();
		if (!brs)
			return IKT_G_SEGMENT_UNKNOWN;
		/* the kernel's own size of the copy: records + header, and
		 * the kexec_execute record it appends before copying */
		brs += sizeof(struct ima_kexec_hdr___local);
		brs += ikt_exec_record_bytes(s->kexec_rec_bytes, s->kexec_rec_digits,
					     snap->segment_size, brs, (__u64)len);
		return brs > snap->segment_size ? IKT_G_OVERFLOW : IKT_G_OK_COPY;
	}
	if (snap->bytes >= snap->segment_size)
		return IKT_G_SEGMENT_FULL;
	return snap->count == (__u64)len ? IKT_G_OK_SNAPSHOT : IKT_G_GAP;
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
	/* from here until the kernels switch, nothing new gets measured */
	if (why != IKT_G_OK_NO_IMAGE)
		s->sealed = 1;
	return 0;
}

/* exec's process ended (exit, or SIGKILL at any point): its pre-seal
 * ends with it, so a killed exec leaves nothing held */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(preseal_exit, struct task_struct *p)
{
	struct ikt_config *c = get_config();
	struct ikt_state *s = get_state();
	__u32 tgid;

	if (!c || !s || !c->preseal_tgid)
		return 0;
	tgid = BPF_CORE_READ(p, tgid);
	if (tgid == c->preseal_tgid && BPF_CORE_READ(p, pid) == (pid_t)tgid)
		s->preseal_exited = tgid;
	return 0;
}

/* reboot() returned: a kexec that was let through did not happen */
SEC("fexit/__x64_sys_reboot")
int BPF_PROG(reboot_exit, const struct pt_regs *regs, long ret)
{
	struct ikt_state *s = get_state();

	if (s && s->sealed)
		s->sealed = 0;
	return 0;
}

#endif
