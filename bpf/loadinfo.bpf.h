/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the current kexec image was loaded from (paths, inode identity,
 * command line), for `exec` to reload the same image.
 * Part of imakexec.bpf.c (one BPF object, one skeleton): included there. */
#ifndef IKT_LOADINFO_BPF_H
#define IKT_LOADINFO_BPF_H

/* kexec_file_load runs under kexec_mutex, one at a time: slot 0 holds
 * what the load in progress has read, slot 1 the current image's */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct ikt_loadinfo);
} loaded SEC(".maps");

#define LOADING 0
#define CURRENT 1

/* inode timestamps: a timespec64 before 6.7, split fields after */
struct inode___ts64 {
	struct timespec64 i_mtime;
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

struct inode___split {
	time64_t i_mtime_sec;
	u32 i_mtime_nsec;
	time64_t i_ctime_sec;
	u32 i_ctime_nsec;
} __attribute__((preserve_access_index));

/* 6.6 - 6.10: ctime private as __i_ctime, mtime still a timespec64 */
struct inode___ctime64 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

static __always_inline struct ikt_loadinfo *loadinfo(__u32 slot)
{
	return bpf_map_lookup_elem(&loaded, &slot);
}

static __always_inline void copy_ctime(struct file *file, __s64 *sec, __u32 *nsec)
{
	struct inode *ino = BPF_CORE_READ(file, f_inode);

	if (bpf_core_field_exists(((struct inode___ts64 *)ino)->i_ctime)) {
		*sec = BPF_CORE_READ((struct inode___ts64 *)ino, i_ctime.tv_sec);
		*nsec = BPF_CORE_READ((struct inode___ts64 *)ino, i_ctime.tv_nsec);
	} else if (bpf_core_field_exists(((struct inode___ctime64 *)ino)->__i_ctime)) {
		*sec = BPF_CORE_READ((struct inode___ctime64 *)ino, __i_ctime.tv_sec);
		*nsec = BPF_CORE_READ((struct inode___ctime64 *)ino, __i_ctime.tv_nsec);
	} else if (bpf_core_field_exists(((struct inode___split *)ino)->i_ctime_sec)) {
		*sec = BPF_CORE_READ((struct inode___split *)ino, i_ctime_sec);
		*nsec = BPF_CORE_READ((struct inode___split *)ino, i_ctime_nsec);
	}
}

static __always_inline void record_file(struct file *file, bool initrd)
{
	struct ikt_loadinfo *l = loadinfo(LOADING);
	struct inode *ino = file->f_inode;
	struct ikt_loadfile *f;
	__u64 tid = bpf_get_current_pid_tgid();
	long n;

	if (!l)
		return;
	if (l->tid != tid) {	/* a new load: forget an older one's files */
		l->tid = tid;
		l->kernel.path_len = 0;
		l->initrd.path_len = 0;
		l->kernel_ctime_sec = l->initrd_ctime_sec = 0;
		l->kernel_ctime_nsec = l->initrd_ctime_nsec = 0;
	}
	f = initrd ? &l->initrd : &l->kernel;
	if (initrd)
		copy_ctime(file, &l->initrd_ctime_sec, &l->initrd_ctime_nsec);
	else
		copy_ctime(file, &l->kernel_ctime_sec, &l->kernel_ctime_nsec);
	n = bpf_d_path(&file->f_path, f->path, sizeof(f->path));
	f->path_len = n > 0 ? n : 0;
	f->ino = BPF_CORE_READ(ino, i_ino);
	f->dev = BPF_CORE_READ(ino, i_sb, s_dev);
	f->size = BPF_CORE_READ(ino, i_size);
	if (bpf_core_field_exists(((struct inode___ts64 *)ino)->i_mtime)) {
		f->mtime_sec = BPF_CORE_READ((struct inode___ts64 *)ino, i_mtime.tv_sec);
		f->mtime_nsec = BPF_CORE_READ((struct inode___ts64 *)ino, i_mtime.tv_nsec);
	} else if (bpf_core_field_exists(((struct inode___split *)ino)->i_mtime_sec)) {
		f->mtime_sec = BPF_CORE_READ((struct inode___split *)ino, i_mtime_sec);
		f->mtime_nsec = BPF_CORE_READ((struct inode___split *)ino, i_mtime_nsec);
	}
}

/* The command line as the kernel copied it (kimage_file_prepare_segments
 * passes its own copy, without the NUL, to IMA): user memory can change
 * after that copy, this cannot. Not called for an empty command line. */
SEC("fentry/ima_kexec_cmdline")
int BPF_PROG(load_cmdline)
{
	struct ikt_loadinfo *l = loadinfo(LOADING);
	__u64 bufp = 0, sz = 0, n;
	const void *buf;
	int size;

	/* by helper: the verifier refuses a direct read of a void * argument */
	if (!l || bpf_get_func_arg(ctx, 1, &bufp) || bpf_get_func_arg(ctx, 2, &sz))
		return 0;
	buf = (const void *)bufp;
	size = (int)sz;
	l->cmdline_tid = 0;
	if (!buf || size < 0 || size >= IKT_CMDLINE_LEN)
		return 0;
	/* restate the bound in a register the verifier tracks (the compiler
	 * would drop a plain mask as redundant) */
	n = (__u64)size;
	asm volatile("%[n] &= %[m]" : [n] "+r"(n) : [m] "i"(IKT_CMDLINE_LEN - 1));
	if (n && bpf_probe_read_kernel(l->cmdline, n, buf))
		return 0;
	l->cmdline[n & (IKT_CMDLINE_LEN - 1)] = 0;
	l->cmdline_len = (__u32)n + 1;
	l->cmdline_tid = bpf_get_current_pid_tgid();
	return 0;
}

/* at a successful normal kexec_file_load: the image it made is current */
static __always_inline void commit_load(const struct pt_regs *regs, bool unload)
{
	struct ikt_loadinfo *l = loadinfo(LOADING), *cur = loadinfo(CURRENT);
	__u64 tid = bpf_get_current_pid_tgid();
	unsigned long len = PT_REGS_PARM3_CORE_SYSCALL(regs);

	if (!l || !cur)
		return;
	cur->valid = 0;
	if (unload || l->tid != tid || !l->kernel.path_len || len >= IKT_CMDLINE_LEN)
		goto out;
	/* a command line was passed but its kernel copy was not seen: the
	 * image cannot be reloaded as it was */
	if (len && l->cmdline_tid != tid)
		goto out;
	bpf_probe_read_kernel(&cur->kernel, sizeof(cur->kernel), &l->kernel);
	bpf_probe_read_kernel(&cur->initrd, sizeof(cur->initrd), &l->initrd);
	cur->kernel_ctime_sec = l->kernel_ctime_sec;
	cur->kernel_ctime_nsec = l->kernel_ctime_nsec;
	cur->initrd_ctime_sec = l->initrd_ctime_sec;
	cur->initrd_ctime_nsec = l->initrd_ctime_nsec;
	cur->cmdline_len = len ? l->cmdline_len : 0;
	if (len)
		bpf_probe_read_kernel(cur->cmdline, sizeof(cur->cmdline), l->cmdline);
	cur->cmdline_kernel = 1;
	cur->valid = 1;
out:
	l->tid = 0;
	l->cmdline_tid = 0;
}

#endif
