// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* imakexec-trace kernel side: IMA appends, the kexec load snapshot, kexec
 * load/unload/execute, the execute-time copy and the files read for kexec.
 * Counters live in the `state` map (exact); events go to the ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "imakexec.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* uapi/linux/kexec.h: syscall ABI flags, fixed by the ABI */
#define KEXEC_ON_CRASH		0x00000001
#define KEXEC_FILE_UNLOAD	0x00000001
#define KEXEC_FILE_ON_CRASH	0x00000002

#define MAX_DIGEST_SLOTS 8

/* ABI constants (uapi and the x86 syscall tables), fixed by the ABI */
#define CAP_SYS_BOOT		22
#define PROT_EXEC		0x4
#define LINUX_REBOOT_MAGIC1	0xfee1dead
#define LINUX_REBOOT_CMD_KEXEC	0x45584543
#define NR_REBOOT_64		169	/* x86_64 and x32 (with __X32_SYSCALL_BIT) */
#define NR_REBOOT_32		88	/* ia32 */
#define X32_SYSCALL_BIT		0x40000000
#define EPERM			1

/* How far back from the list's tail an append looks for its own entry:
 * further only if that many appends completed between its unlock of
 * ima_extend_list_mutex and its fexit. */
#define SEQ_WALK 16

#ifndef bpf_ksym_exists	/* libbpf >= 1.2 has it */
#define bpf_ksym_exists(sym) (!!(&(sym)))
#endif

/* IMA's own list and counters (security/integrity/ima/ima_queue.c),
 * resolved through kallsyms (CONFIG_KALLSYMS_ALL); weak, so a kernel
 * without them loads and reports the count as unreadable. */
extern const void ima_htable __ksym __weak;
extern const void ima_measurements __ksym __weak;
extern const void ima_extend_list_mutex __ksym __weak;
extern const void binary_runtime_size __ksym __weak;	/* CONFIG_IMA_KEXEC */
/* 7.x (measurement-list staging): atomic_long_t ima_num_records[], indexed
 * by enum binary_lists, replaces ima_htable.len */
extern const void ima_num_records __ksym __weak;

enum binary_lists___ikt {
	BINARY___ikt = 0,	/* the list binary_runtime_measurements shows */
	BINARY_STAGED___ikt = 1,	/* staged, still copied at kexec */
};

/* Offsets into the per-list arrays, in functions of their own: inlined,
 * the compiler hoists the relocated constant above the existence check,
 * and on a kernel without enum binary_lists that poisoned instruction
 * would then be reachable. Called only where the enum exists. */
static __noinline __u64 binary_off(__u64 size)
{
	return bpf_core_enum_value(enum binary_lists___ikt, BINARY___ikt) * size;
}

static __noinline __u64 binary_staged_off(__u64 size)
{
	return bpf_core_enum_value(enum binary_lists___ikt, BINARY_STAGED___ikt) * size;
}

/* Bytes the execute-time copy needs for the records: IMA's own
 * binary_runtime_size (an array per list with staging). 0 if unknown. */
static __always_inline __u64 list_bytes(void)
{
	__u64 a = 0, b = 0;

	if (!bpf_ksym_exists(binary_runtime_size))
		return 0;
	if (!bpf_core_enum_value_exists(enum binary_lists___ikt, BINARY_STAGED___ikt))
		return bpf_probe_read_kernel(&a, sizeof(a), &binary_runtime_size) ? 0 : a;
	if (bpf_probe_read_kernel(&a, sizeof(a), (const char *)&binary_runtime_size +
				  binary_off(sizeof(a))) ||
	    bpf_probe_read_kernel(&b, sizeof(b), (const char *)&binary_runtime_size +
				  binary_staged_off(sizeof(b))))
		return 0;
	return a + b;
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ikt_state);
} state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* written by user space only: see struct ikt_config */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ikt_config);
} ikt_config SEC(".maps");

/* snapshot taken inside a kexec_file_load still in progress, per thread */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, struct ikt_snapshot);
} pending SEC(".maps");

/* appends between fentry and fexit, keyed by thread: only a call whose
 * fentry ran is counted out again, so calls that were already inside when
 * attach ran never make the count negative */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u8);
} inflight_tids SEC(".maps");

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

/* mutex waiters: a list before 7.x, a pointer to the first waiter after */
struct mutex___first {
	void *first_waiter;
} __attribute__((preserve_access_index));

/* IMA's list mutex held, or a task waiting for it (an append in flight
 * that entered before attach is not in `inflight`) */
static __always_inline bool list_mutex_busy(void)
{
	const struct mutex *m = (const void *)&ima_extend_list_mutex;

	if (!bpf_ksym_exists(ima_extend_list_mutex))
		return false;
	if (BPF_CORE_READ(m, owner.counter))
		return true;
	if (bpf_core_field_exists(m->wait_list)) {
		const struct list_head *w = &m->wait_list;

		return BPF_CORE_READ(w, next) != w;
	}
	if (bpf_core_field_exists(((struct mutex___first *)m)->first_waiter))
		return BPF_CORE_READ((struct mutex___first *)m, first_waiter) != NULL;
	return false;
}

/* inode timestamps: a timespec64 before 6.7, split fields after */
struct inode___ts64 {
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

struct inode___split {
	time64_t i_mtime_sec;
	u32 i_mtime_nsec;
} __attribute__((preserve_access_index));

/* Fields that exist only with CONFIG_IMA_KEXEC. */
struct kimage___ima {
	void *ima_buffer;
	size_t ima_buffer_size;
} __attribute__((preserve_access_index));

struct ima_kexec_hdr___local {
	__u16 version;
	__u16 _reserved0;
	__u32 _reserved1;
	__u64 buffer_size;
	__u64 count;
};

static __always_inline struct ikt_state *get_state(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&state, &zero);
}

static __always_inline struct ikt_config *get_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ikt_config, &zero);
}

/* The kernel's own list length, incremented under ima_extend_list_mutex
 * by every append: ima_htable.len up to 6.x, ima_num_records[BINARY] in
 * kernels with measurement-list staging. -1 if unreadable. */
static __always_inline __s64 ima_len(void)
{
	const char *p = NULL;
	__s64 v = -1;

	if (bpf_core_type_exists(struct ima_h_table) && bpf_ksym_exists(ima_htable))
		p = (const char *)&ima_htable + bpf_core_field_offset(struct ima_h_table, len);
	else if (bpf_core_enum_value_exists(enum binary_lists___ikt, BINARY___ikt) &&
		 bpf_ksym_exists(ima_num_records))
		p = (const char *)&ima_num_records + binary_off(bpf_core_type_size(atomic_long_t));
	if (!p || bpf_probe_read_kernel(&v, sizeof(v), p))
		return -1;
	return v;
}

static __always_inline struct list_head *list_prev(const struct list_head *p)
{
	return BPF_CORE_READ(p, prev);
}

/* Position of `entry` in the list: walk back from the tail to its queue
 * entry (IMA never removes entries, so every node stays valid) and count
 * from the length read between two reads of the same tail. -1 if the tail
 * kept moving or the entry is further back than SEQ_WALK. */
static __always_inline __s64 entry_seq(const struct ima_template_entry *entry)
{
	const struct list_head *head = (const void *)&ima_measurements;
	__u32 later = bpf_core_field_offset(struct ima_queue_entry, later);
	__u32 eoff = bpf_core_field_offset(struct ima_queue_entry, entry);

	if (!bpf_ksym_exists(ima_measurements))
		return -1;
	for (int t = 0; t < 3; t++) {
		struct list_head *tail = list_prev(head), *p;
		__s64 len = ima_len();

		if (len <= 0 || list_prev(head) != tail)
			continue;
		p = tail;
		for (int j = 0; j < SEQ_WALK && p != head && j < len; j++) {
			void *e = NULL;

			bpf_probe_read_kernel(&e, sizeof(e), (char *)p - later + eoff);
			if (e == entry)
				return len - 1 - j;
			p = list_prev(p);
		}
		return -1;
	}
	return -1;
}

static __always_inline struct ikt_event *reserve(struct ikt_state *s, __u32 type)
{
	struct ikt_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		__sync_fetch_and_add(&s->drops, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->type = type;
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* A burst of measurements must not wake the consumer once per entry (two
 * context switches each): measure events wake it only once the ring is an
 * eighth full, and the monitor drains on its poll timeout, so a trickle
 * still shows within a tenth of a second. Rare kexec events always wake. */
static __always_inline void submit_measure(struct ikt_event *e)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 size = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);

	bpf_ringbuf_submit(e, avail >= size / 8 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* Copy the SHA-1 template digest, the one binary_runtime_measurements shows.
 * It sits in the slot whose alg_id is TPM_ALG_SHA1; slots before it hold
 * other TPM banks, so the scan never runs past the array. */
static __always_inline void read_sha1_digest(struct ima_template_entry *entry,
					     struct ikt_event *e)
{
	struct tpm_digest *d = BPF_CORE_READ(entry, digests);
	__u16 sha1 = bpf_core_enum_value(enum tpm_algorithms, TPM_ALG_SHA1);

	for (int i = 0; i < MAX_DIGEST_SLOTS; i++) {
		if (BPF_CORE_READ(d + i, alg_id) != sha1)
			continue;
		bpf_probe_read_kernel(e->digest, IKT_SHA1_LEN,
				      BPF_CORE_READ(d + i, digest));
		e->flags |= IKT_F_DIGEST_OK;
		return;
	}
}

/* Bytes this entry adds to the binary list, by the kernel's own formula for
 * sizing the kexec buffer: pcr, SHA-1 digest, name length, name, data
 * length, data. tmpl receives the template name (custom templates are
 * named by their format, so it may be long). */
static __always_inline __u64 record_bytes(struct ima_template_entry *entry,
					  char tmpl[128])
{
	long n = bpf_probe_read_kernel_str(tmpl, 128,
					   BPF_CORE_READ(entry, template_desc, name));

	if (n <= 0)
		tmpl[0] = 0;
	return 4 + IKT_SHA1_LEN + 4 + (n > 0 ? n - 1 : 0) + 4 +
	       BPF_CORE_READ(entry, template_data_len);
}

SEC("fentry/ima_add_template_entry")
int BPF_PROG(add_entry_enter)
{
	struct ikt_state *s = get_state();
	__u64 tid = bpf_get_current_pid_tgid();
	__u8 one = 1;

	if (!s)
		return 0;
	if (bpf_map_update_elem(&inflight_tids, &tid, &one, BPF_NOEXIST)) {
		__sync_fetch_and_add(&s->inflight_untracked, 1);
		return 0;
	}
	__sync_fetch_and_add(&s->inflight, 1);
	return 0;
}

/* 1 if this thread's call was counted in by add_entry_enter */
static __always_inline int inflight_done(struct ikt_state *s)
{
	__u64 tid = bpf_get_current_pid_tgid();

	if (bpf_map_delete_elem(&inflight_tids, &tid))
		return 0;
	__sync_fetch_and_add(&s->inflight, -1);
	return 1;
}

SEC("fexit/ima_add_template_entry")
int BPF_PROG(add_entry_exit, struct ima_template_entry *entry, int violation,
	     const char *op, struct inode *inode, const unsigned char *filename,
	     int ret)
{
	struct ikt_state *s = get_state();
	struct ikt_event *e;
	char tmpl[128] = {};
	__s64 seq;
	long n;

	if (!s)
		return 0;
	if (ret) {
		__sync_fetch_and_add(&s->refused, 1);
		inflight_done(s);
		return 0;
	}
	__sync_fetch_and_add(&s->appended, 1);
	__sync_fetch_and_add(&s->appended_bytes, record_bytes(entry, tmpl));
	if (violation)
		__sync_fetch_and_add(&s->violations, 1);
	if (s->sealed)
		__sync_fetch_and_add(&s->sealed_appends, 1);
	seq = entry_seq(entry);
	s->kcount = ima_len();
	inflight_done(s);

	e = reserve(s, IKT_EV_MEASURE);
	if (!e)
		return 0;
	if (seq >= 0) {
		e->idx = seq;
		e->flags |= IKT_F_SEQ_OK;
	}
	e->count = s->kcount;
	e->pcr = BPF_CORE_READ(entry, pcr);
	if (violation)
		e->flags |= IKT_F_VIOLATION;
	else
		read_sha1_digest(entry, e);
	__builtin_memcpy(e->tmpl, tmpl, sizeof(e->tmpl) - 1);
	n = bpf_probe_read_kernel_str(e->name, sizeof(e->name), filename);
	if (n == sizeof(e->name))
		e->flags |= IKT_F_NAME_TRUNC;
	submit_measure(e);
	return 0;
}

/* Only with CONFIG_IMA_KEXEC. On kernels that copy at load (< 6.16) the
 * buffer already holds the serialized list when this returns. */
SEC("fexit/ima_add_kexec_buffer")
int BPF_PROG(snapshot_exit, struct kimage *image)
{
	struct kimage___ima *img = (void *)image;
	struct ima_kexec_hdr___local hdr = {};
	struct ikt_snapshot snap = {};
	__u64 id = bpf_get_current_pid_tgid();
	struct ikt_state *s = get_state();
	struct ikt_event *e;
	void *buf;

	if (!s || !bpf_core_field_exists(img->ima_buffer))
		return 0;
	buf = BPF_CORE_READ(img, ima_buffer);
	snap.segment_size = BPF_CORE_READ(img, ima_buffer_size);
	if (buf && !bpf_probe_read_kernel(&hdr, sizeof(hdr), buf)) {
		snap.count = hdr.count;
		snap.bytes = hdr.buffer_size;
	}
	snap.valid = 1;
	snap.appended_at = s->appended;
	snap.appended_bytes_at = s->appended_bytes;
	bpf_map_update_elem(&pending, &id, &snap, BPF_ANY);

	e = reserve(s, IKT_EV_SNAPSHOT);
	if (!e)
		return 0;
	e->idx = ima_len();
	e->count = snap.count;
	e->bytes = snap.bytes;
	e->segment_size = snap.segment_size;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline struct ikt_loadinfo *loadinfo(__u32 slot)
{
	return bpf_map_lookup_elem(&loaded, &slot);
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
	}
	f = initrd ? &l->initrd : &l->kernel;
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

/* at a successful normal kexec_file_load: the image it made is current */
static __always_inline void commit_load(const struct pt_regs *regs, bool unload)
{
	struct ikt_loadinfo *l = loadinfo(LOADING), *cur = loadinfo(CURRENT);
	__u64 tid = bpf_get_current_pid_tgid();
	unsigned long len = PT_REGS_PARM3_CORE_SYSCALL(regs);
	const char *cmd = (const char *)PT_REGS_PARM4_CORE_SYSCALL(regs);
	__u64 n;

	if (!l || !cur)
		return;
	cur->valid = 0;
	if (unload || l->tid != tid || !l->kernel.path_len || len >= IKT_CMDLINE_LEN)
		goto out;
	bpf_probe_read_kernel(&cur->kernel, sizeof(cur->kernel), &l->kernel);
	bpf_probe_read_kernel(&cur->initrd, sizeof(cur->initrd), &l->initrd);
	cur->cmdline_len = len;
	/* restate the bound in a register the verifier tracks (the compiler
	 * would drop a plain mask as redundant) */
	n = len;
	asm volatile("%[n] &= %[m]" : [n] "+r"(n) : [m] "i"(IKT_CMDLINE_LEN - 1));
	if (bpf_probe_read_user(cur->cmdline, n, cmd))
		goto out;
	cur->valid = 1;
out:
	l->tid = 0;
}

static __always_inline void kexec_loaded(long ret, bool crash, bool unload,
					 bool legacy)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ikt_snapshot *p = bpf_map_lookup_elem(&pending, &id);
	struct ikt_snapshot none = {};
	struct ikt_state *s = get_state();
	struct ikt_event *e;
	__u32 newstate;

	if (!s)
		goto out;
	if (ret == 0) {
		newstate = unload ? IKT_KEXEC_NONE :
			   legacy ? IKT_KEXEC_LEGACY : IKT_KEXEC_FILE;
		s->touched |= crash ? IKT_SLOT_CRASH : IKT_SLOT_NORMAL;
		if (crash) {
			s->crash_state = newstate;
			s->crash_snap = p ? *p : none;
		} else {
			s->kexec_state = newstate;
			s->snap = p ? *p : none;
		}
		__sync_fetch_and_add(unload ? &s->unloads : &s->loads, 1);
	}
	e = reserve(s, IKT_EV_KEXEC_LOAD);
	if (!e)
		goto out;
	e->idx = ima_len();
	e->ret = ret;
	e->flags = (crash ? IKT_F_CRASH : 0) | (unload ? IKT_F_UNLOAD : 0) |
		   (legacy ? IKT_F_LEGACY : 0);
	if (p) {
		e->count = p->count;
		e->bytes = p->bytes;
		e->segment_size = p->segment_size;
	}
	bpf_ringbuf_submit(e, 0);
out:
	if (p)
		bpf_map_delete_elem(&pending, &id);
}

SEC("fexit/__x64_sys_kexec_file_load")
int BPF_PROG(kexec_file_load_exit, const struct pt_regs *regs, long ret)
{
	unsigned long flags = PT_REGS_PARM5_CORE_SYSCALL(regs);

	kexec_loaded(ret, flags & KEXEC_FILE_ON_CRASH,
		     flags & KEXEC_FILE_UNLOAD, false);
	if (ret == 0 && !(flags & KEXEC_FILE_ON_CRASH))
		commit_load(regs, flags & KEXEC_FILE_UNLOAD);
	return 0;
}

SEC("fexit/__x64_sys_kexec_load")
int BPF_PROG(kexec_load_exit, const struct pt_regs *regs, long ret)
{
	unsigned long nr_segments = PT_REGS_PARM2_CORE_SYSCALL(regs);
	unsigned long flags = PT_REGS_PARM4_CORE_SYSCALL(regs);

	struct ikt_loadinfo *cur = loadinfo(CURRENT);

	kexec_loaded(ret, flags & KEXEC_ON_CRASH, nr_segments == 0, true);
	if (ret == 0 && !(flags & KEXEC_ON_CRASH) && cur)
		cur->valid = 0;	/* a legacy image: nothing exec could reload */
	return 0;
}

SEC("fentry/kernel_kexec")
int BPF_PROG(kexec_execute)
{
	struct ikt_state *s = get_state();
	struct ikt_event *e;

	if (!s)
		return 0;
	s->executing = 1;
	e = reserve(s, IKT_EV_KEXEC_EXEC);
	if (!e)
		return 0;
	e->idx = ima_len();
	e->count = s->snap.count;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Execute-time copy (mainline >= 6.16, our 6.1 patch). The attach target is
 * found in the kernel's BTF at load time; the program only needs the return
 * value, so it works whatever the function's arguments are. */
SEC("fexit")
int BPF_PROG(copy_exit)
{
	struct ikt_state *s = get_state();
	struct ikt_event *e;
	__u64 ret = 0;

	if (!s)
		return 0;
	bpf_get_func_ret(ctx, &ret);
	__sync_fetch_and_add(&s->copies, 1);
	s->copy_appended_at = s->appended;
	s->copy_ret = (__s64)ret;
	e = reserve(s, IKT_EV_COPY);
	if (!e)
		return 0;
	e->idx = ima_len();
	e->ret = (__s64)ret;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline void emit_read(struct file *file, __u32 id, __u32 flags)
{
	struct ikt_state *s = get_state();
	struct ikt_event *e;

	if (!s)
		return;
	e = reserve(s, IKT_EV_READ_FILE);
	if (!e)
		return;
	e->idx = ima_len();
	e->read_id = id;
	e->flags = flags;
	if (file)
		bpf_probe_read_kernel_str(e->name, sizeof(e->name),
					  BPF_CORE_READ(file, f_path.dentry, d_name.name));
	bpf_ringbuf_submit(e, 0);
}

/* While sealed (an allowed kexec is executing), deny what IMA would
 * measure; otherwise keep the verdict we were given. */
static __always_inline int seal_verdict(int ret)
{
	struct ikt_state *s;

	if (ret)
		return ret;
	s = get_state();
	if (!s || !s->sealed)
		return 0;
	__sync_fetch_and_add(&s->seal_denied, 1);
	return -EPERM;
}

/* sleepable: bpf_d_path is allowed here, so exec can reopen the files */
SEC("lsm.s/kernel_read_file")
int BPF_PROG(read_file, struct file *file, enum kernel_read_file_id id,
	     bool contents, int ret)
{
	if (id == bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_IMAGE)) {
		emit_read(file, id, 0);
		if (file)
			record_file(file, false);
	} else if (id == bpf_core_enum_value(enum kernel_read_file_id,
					   READING_KEXEC_INITRAMFS)) {
		emit_read(file, id, IKT_F_INITRAMFS);
		if (file)
			record_file(file, true);
	}
	return seal_verdict(ret);
}

SEC("lsm/kernel_load_data")
int BPF_PROG(load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_KEXEC_IMAGE))
		emit_read(NULL, id, IKT_F_LEGACY);
	return seal_verdict(ret);
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
		/* the kernel's own size of the copy: records + header */
		return brs + sizeof(struct ima_kexec_hdr___local) > snap->segment_size ?
		       IKT_G_OVERFLOW : IKT_G_OK_COPY;
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

/* reboot() returned: a kexec that was let through did not happen */
SEC("fexit/__x64_sys_reboot")
int BPF_PROG(reboot_exit, const struct pt_regs *regs, long ret)
{
	struct ikt_state *s = get_state();

	if (s && s->sealed)
		s->sealed = 0;
	return 0;
}
