// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* imakexec-trace kernel side: IMA appends, the kexec load snapshot, kexec
 * load/unload/execute, the execute-time copy and the files read for kexec.
 * Counters live in the `state` map (exact); events go to the ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "imakexec.h"
#include "kexec_record.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* uapi/linux/kexec.h: syscall ABI flags, fixed by the ABI */
#define KEXEC_ON_CRASH		0x00000001
#define KEXEC_FILE_UNLOAD	0x00000001
#define KEXEC_FILE_ON_CRASH	0x00000002

#define MAX_DIGEST_SLOTS 8

#include "ima_list.bpf.h"


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

/* Did the holder of this pre-seal exit? By generation (a pid can be
 * reused by a later exec), by pid for a config written without one. */
static __always_inline bool preseal_ended(const struct ikt_config *c, const struct ikt_state *s)
{
	if (c->preseal_gen)
		return s->preseal_exited_gen == c->preseal_gen;
	return s->preseal_exited == c->preseal_tgid;
}

/* Is the current task held off by exec's pre-seal? Not exec itself, and
 * not once exec's process exited or the deadline passed. */
static __always_inline bool presealed(const struct ikt_config *c, const struct ikt_state *s)
{
	if (!c->preseal_tgid || preseal_ended(c, s) ||
	    bpf_ktime_get_boot_ns() >= c->preseal_until_ns)
		return false;
	return (__u32)(bpf_get_current_pid_tgid() >> 32) != c->preseal_tgid;
}

#include "inflight.bpf.h"

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

/* An ima_kexec record (ima-buf, payload "kexec_segment_size=...", which
 * the kernel passes as the entry's file name): its size and how many digits
 * its payload's numbers take, for the kexec_execute record to come
 * (kexec_record.h). */
static __always_inline void note_kexec_record(struct ikt_state *s, const char *tmpl,
					      const unsigned char *buf, __u64 rb)
{
	static const char key[] = "kexec_segment_size=";
	static const char buf_tmpl[] = "ima-buf";
	char p[IKT_KEXEC_PAYLOAD_MAX];
	long n;

	for (int i = 0; i < (int)sizeof(buf_tmpl); i++)
		if (tmpl[i] != buf_tmpl[i])
			return;
	n = bpf_probe_read_kernel_str(p, sizeof(p), buf);
	if (n <= IKT_KEXEC_PAYLOAD_FIXED + 3 || n >= (long)sizeof(p))
		return;
	for (int i = 0; i < (int)sizeof(key) - 1; i++)
		if (p[i] != key[i])
			return;
	s->kexec_rec_bytes = rb;
	s->kexec_rec_digits = (__u32)(n - 1 - IKT_KEXEC_PAYLOAD_FIXED);
}

SEC("fexit/ima_add_template_entry")
int BPF_PROG(add_entry_exit, struct ima_template_entry *entry, int violation,
	     const char *op, struct inode *inode, const unsigned char *filename,
	     int ret)
{
	struct ikt_state *s = get_state();
	struct ikt_config *c;
	struct ikt_event *e;
	char tmpl[128] = {};
	__s64 seq;
	__u64 rb;
	long n;

	if (!s)
		return 0;
	if (ret) {
		__sync_fetch_and_add(&s->refused, 1);
		if_exit(s, IKT_IF_APPEND, NULL);
		return 0;
	}
	rb = record_bytes(entry, tmpl);
	__sync_fetch_and_add(&s->appended, 1);
	__sync_fetch_and_add(&s->appended_bytes, rb);
	note_kexec_record(s, tmpl, filename, rb);
	if (violation)
		__sync_fetch_and_add(&s->violations, 1);
	if (s->sealed)
		__sync_fetch_and_add(&s->sealed_appends, 1);
	else if ((c = get_config()) && presealed(c, s))
		__sync_fetch_and_add(&s->preseal_appends, 1);
	seq = entry_seq(entry);
	s->kcount = ima_len();
	if_exit(s, IKT_IF_APPEND, NULL);

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

#include "loadinfo.bpf.h"

/* The kernel's current normal image (kernel/kexec_core.c), what
 * kernel_kexec() will execute; weak: 0 where kallsyms lacks it. */
extern const void kexec_image __ksym __weak;

static __always_inline __u64 kexec_image_now(void)
{
	__u64 p = 0;

	if (!bpf_ksym_exists(&kexec_image) ||
	    bpf_probe_read_kernel(&p, sizeof(p), &kexec_image))
		return 0;
	return p;
}

/* A kexec load returned (any ABI). Loads that overlap (another one
 * entered or returned between this one's LSM hook and its return, or one
 * without an LSM hook, an unload, returned while others were inside) may
 * have finished in either order inside the kernel: the normal slot is then
 * "unknown" and the guard refuses until a load runs alone. */
static __always_inline void kexec_loaded(long ret, bool crash, bool unload,
					 bool legacy)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ikt_snapshot *p = bpf_map_lookup_elem(&pending, &id);
	struct ikt_snapshot none = {};
	struct ikt_state *s = get_state();
	struct ikt_event *e;
	__u64 seq_in = 0, ev;
	__u32 newstate;
	bool overlap;
	int rec;

	if (!s)
		goto out;
	rec = if_exit(s, IKT_IF_LOAD, &seq_in);
	ev = __sync_fetch_and_add(&s->load_events, 1);
	overlap = rec ? ev != seq_in : s->loads_inflight != 0;
	if (ret == 0) {
		newstate = unload ? IKT_KEXEC_NONE :
			   legacy ? IKT_KEXEC_LEGACY : IKT_KEXEC_FILE;
		if (overlap)
			newstate = IKT_KEXEC_UNKNOWN;
		s->touched |= crash ? IKT_SLOT_CRASH : IKT_SLOT_NORMAL;
		if (crash) {
			s->crash_state = newstate;
			s->crash_snap = p ? *p : none;
		} else {
			s->kexec_state = newstate;
			s->snap = p ? *p : none;
			s->image_ptr = kexec_image_now();
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

static __always_inline void legacy_loaded(long ret, unsigned long nr_segments,
					  unsigned long flags)
{
	struct ikt_loadinfo *cur = loadinfo(CURRENT);

	kexec_loaded(ret, flags & KEXEC_ON_CRASH, nr_segments == 0, true);
	if (ret == 0 && !(flags & KEXEC_ON_CRASH) && cur)
		cur->valid = 0;	/* a legacy image: nothing exec could reload */
}

/* x86_64, and x32 (compat_sys_kexec_load, same registers) */
SEC("fexit/__x64_sys_kexec_load")
int BPF_PROG(kexec_load_exit, const struct pt_regs *regs, long ret)
{
	legacy_loaded(ret, PT_REGS_PARM2_CORE_SYSCALL(regs), PT_REGS_PARM4_CORE_SYSCALL(regs));
	return 0;
}

SEC("fexit/__x32_compat_sys_kexec_load")
int BPF_PROG(kexec_load_x32_exit, const struct pt_regs *regs, long ret)
{
	legacy_loaded(ret, PT_REGS_PARM2_CORE_SYSCALL(regs), PT_REGS_PARM4_CORE_SYSCALL(regs));
	return 0;
}

/* ia32 (int 0x80, sysenter): arguments in ebx, ecx, edx, esi */
SEC("fexit/__ia32_compat_sys_kexec_load")
int BPF_PROG(kexec_load_ia32_exit, const struct pt_regs *regs, long ret)
{
	legacy_loaded(ret, (__u32)BPF_CORE_READ(regs, cx), (__u32)BPF_CORE_READ(regs, si));
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

#include "guard.bpf.h"

/* sleepable: bpf_d_path is allowed here, so exec can reopen the files */
SEC("lsm.s/kernel_read_file")
int BPF_PROG(read_file, struct file *file, enum kernel_read_file_id id,
	     bool contents, int ret)
{
	if (id == bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_IMAGE)) {
		load_entered();
		emit_read(file, id, 0);
		if (file)
			record_file(file, false);
	} else if (id == bpf_core_enum_value(enum kernel_read_file_id,
					   READING_KEXEC_INITRAMFS)) {
		load_entered();
		emit_read(file, id, IKT_F_INITRAMFS);
		if (file)
			record_file(file, true);
	}
	return seal_verdict(ret);
}

SEC("lsm/kernel_load_data")
int BPF_PROG(load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_KEXEC_IMAGE)) {
		load_entered();
		emit_read(NULL, id, IKT_F_LEGACY);
	}
	return seal_verdict(ret);
}
