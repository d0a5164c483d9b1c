/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Types shared by the BPF programs and the user-space tool. Stable layout:
 * pinned maps written by one version are read by the next, so only append. */
#ifndef IMAKEXEC_H
#define IMAKEXEC_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define IKT_NAME_LEN 256
#define IKT_TMPL_LEN 16
#define IKT_COMM_LEN 16
#define IKT_SHA1_LEN 20
#define IKT_PATH_LEN 512
#define IKT_CMDLINE_LEN 4096	/* power of two >= COMMAND_LINE_SIZE (x86: 2048) */

enum ikt_event_type {
	IKT_EV_MEASURE = 1,	/* entry appended to the IMA list */
	IKT_EV_SNAPSHOT = 2,	/* list serialized into the kexec buffer (load) */
	IKT_EV_KEXEC_LOAD = 3,	/* kexec_file_load / kexec_load returned */
	IKT_EV_KEXEC_EXEC = 4,	/* kernel_kexec entered (execute) */
	IKT_EV_COPY = 5,	/* execute-time copy of the list finished */
	IKT_EV_READ_FILE = 6,	/* kernel/initramfs read or loaded for kexec */
	IKT_EV_GUARD = 7,	/* reboot(LINUX_REBOOT_CMD_KEXEC) judged by the guard */
};

/* How this kernel hands the IMA list to the next kernel (written by attach
 * into ikt_config.carry_mode, read by the guard). */
enum ikt_carry_mode {
	IKT_CARRY_NONE = 0,	/* no CONFIG_IMA_KEXEC: list is lost */
	IKT_CARRY_LOAD = 1,	/* snapshot at kexec_file_load (< 6.16) */
	IKT_CARRY_EXECUTE = 2,	/* copy at execute (>= 6.16, patched 6.1) */
};

/* Why the guard let a kexec execute through or refused it (event idx,
 * state.guard_last_reason). Values below IKT_G_REFUSE_MIN allow. */
enum ikt_guard_reason {
	IKT_G_NONE = 0,		/* no decision yet */
	IKT_G_OK_COPY = 1,	/* execute-copy kernel, list fits the segment */
	IKT_G_OK_SNAPSHOT = 2,	/* nothing appended since the load snapshot */
	IKT_G_OK_CARRIED = 3,	/* carry armed for exactly the current list */
	IKT_G_OK_NO_IMAGE = 4,	/* no image loaded: the kernel fails the call */
	IKT_G_REFUSE_MIN = 16,
	IKT_G_NO_COUNT = 16,	/* kernel list length unreadable */
	IKT_G_INFLIGHT = 17,	/* an append is in flight */
	IKT_G_PRELOADED = 18,	/* image loaded before tracking started */
	IKT_G_NO_SNAPSHOT = 19,	/* no load snapshot traced for the image */
	IKT_G_GAP = 20,		/* entries appended after the load snapshot */
	IKT_G_SEGMENT_FULL = 21,	/* the load snapshot was cut */
	IKT_G_LEGACY = 22,	/* kexec_load image on a kernel that carries */
	IKT_G_NOT_CARRIED = 23,	/* no carry for the current list */
	IKT_G_OVERFLOW = 24,	/* list outgrew the kexec segment */
	IKT_G_SEGMENT_UNKNOWN = 25,	/* execute-copy without a traced segment */
	IKT_G_LOAD_INFLIGHT = 26,	/* a kexec load is inside its syscall */
	IKT_G_IMAGE_UNKNOWN = 27,	/* the kernel's image is not the one traced */
	IKT_G_HASHING = 28,	/* a measurement is being taken (file hashed) */
	IKT_G_BUSY = 29,	/* another allowed kexec is under way (sealed) */
};

enum ikt_kexec_state {
	IKT_KEXEC_NONE = 0,
	IKT_KEXEC_FILE = 1,	/* loaded with kexec_file_load */
	IKT_KEXEC_LEGACY = 2,	/* loaded with kexec_load: never carries IMA */
	IKT_KEXEC_PRELOADED = 3,	/* loaded before tracking started */
	IKT_KEXEC_UNKNOWN = 4,	/* loads overlapped: which one won is unknown */
};

/* event flags */
#define IKT_F_VIOLATION (1u << 0)	/* measurement is a violation */
#define IKT_F_NAME_TRUNC (1u << 1)	/* name longer than IKT_NAME_LEN - 1 */
#define IKT_F_DIGEST_OK (1u << 2)	/* digest holds the SHA-1 template digest */
#define IKT_F_CRASH (1u << 3)		/* kexec load targeted the crash kernel */
#define IKT_F_UNLOAD (1u << 4)		/* kexec load was an unload */
#define IKT_F_LEGACY (1u << 5)		/* kexec_load rather than kexec_file_load */
#define IKT_F_INITRAMFS (1u << 6)	/* read file is the initramfs */
#define IKT_F_SEQ_OK (1u << 7)		/* measure: idx is the entry's list position */
#define IKT_F_REFUSED (1u << 8)		/* guard: the kexec was refused */

/* What the kernel serialized into the kexec buffer at load. */
struct ikt_snapshot {
	__u64 valid;		/* 1 once a snapshot was taken for this image */
	__u64 count;		/* entries in the buffer (header count) */
	__u64 bytes;		/* bytes of the buffer incl. header */
	__u64 segment_size;	/* size of the kexec segment reserved */
	__u64 appended_at;	/* tracker's appended counter at the snapshot */
	__u64 appended_bytes_at;	/* tracker's appended_bytes at the snapshot */
};

/* Single-slot state map: exact counters, never lost with the ring buffer. */
struct ikt_state {
	__u64 appended;		/* entries appended since attach */
	__u64 refused;		/* ima_add_template_entry calls that failed */
	__u64 inflight;		/* appends entered but not yet returned */
	__u64 violations;	/* appended entries that are violations */
	__u64 drops;		/* events lost: ring buffer full */
	__u32 touched;		/* IKT_SLOT_* changed by a traced load */
	__u32 kexec_state;	/* enum ikt_kexec_state, normal image */
	__u32 crash_state;	/* enum ikt_kexec_state, crash image */
	__u32 executing;	/* kernel_kexec entered */
	__u64 loads;
	__u64 unloads;
	__u64 copies;		/* execute-time copies seen */
	__u64 copy_appended_at;	/* appended counter at the last copy */
	__s64 copy_ret;		/* return value of the last copy */
	struct ikt_snapshot snap;	/* current normal image */
	struct ikt_snapshot crash_snap;	/* current crash image */
	__u64 appended_bytes;	/* binary list bytes appended since attach,
				 * counted as the kernel sizes the kexec buffer */
	__s64 kcount;		/* kernel's list length (ima_htable.len) after
				 * the last append, -1 if unreadable */
	__u64 guard_allowed;	/* reboot(KEXEC) let through while armed */
	__u64 guard_refused;	/* reboot(KEXEC) refused while armed */
	__u32 guard_last_reason;	/* enum ikt_guard_reason, last decision */
	__u32 sealed;		/* allowed kexec in progress: measured
				 * operations are denied until reboot returns */
	__u64 guard_count;	/* list length at the last decision */
	__u64 seal_denied;	/* operations denied while sealed */
	__u64 sealed_appends;	/* appends that still landed while sealed
				 * (already past their LSM check) */
	__u64 inflight_untracked;	/* fentry could not record a call: the
					 * guard refuses from then on */
	__u32 preseal_exited;	/* tgid of a pre-sealing exec that exited */
	__u32 pad0;
	__u64 preseal_denied;	/* others' operations denied while pre-sealed */
	__u64 preseal_appends;	/* others' appends that still landed while
				 * pre-sealed (already past their LSM check) */
	__u64 kexec_rec_bytes;	/* the last ima_kexec record appended (a
				 * kexec_load): its binary size, 0 if none */
	__u32 kexec_rec_digits;	/* digits of its payload's three numbers */
	__u32 pad1;
	__u64 sealed_tid;	/* pid_tgid of the reboot the guard let through:
				 * only its return lifts the seal */
	__u64 seal_kept;	/* reboot() returns of other tasks while sealed
				 * (the seal stayed) */
	__u64 hashing;		/* measurements being taken (ima_collect_measurement,
				 * process_buffer_measurement entered, not left) */
	__u64 hashing_untracked;	/* entries that could not be recorded */
	__u64 loads_inflight;	/* kexec loads past their LSM hook, not returned */
	__u64 load_events;	/* load entries + exits: overlap detection */
	__u64 image_ptr;	/* kexec_image after the last traced normal load
				 * (0: none traced) */
	__u64 leaks_healed;	/* in-flight records of exited threads or of a
				 * thread that entered again (a missed exit) */
	__u64 preseal_exited_gen;	/* preseal_gen of the pre-seal whose holder
					 * exited */
};

#define IKT_SLOT_NORMAL (1u << 0)
#define IKT_SLOT_CRASH (1u << 1)

/* Written by user space only (the BPF side never touches it), so user
 * updates cannot race with the kernel's atomic counters in `state`. */
struct ikt_config {
	__u64 base;		/* list length when state.appended was 0 */
	__u32 base_valid;	/* base reconciled with securityfs */
	__u32 preloaded;	/* IKT_SLOT_* already loaded at attach */
	__u64 attach_boot_ns;	/* CLOCK_BOOTTIME at attach */
	__u32 funcs_valid;	/* funcs below was recorded at attach */
	__u32 funcs;		/* kernel functions attach found in BTF (bits
				 * defined by user/hooks.c), so readers of the
				 * pins need not parse the kernel BTF again */
	__u32 guard;		/* 1: refuse kexec executes that would not replay */
	__u32 carry_mode;	/* enum ikt_carry_mode of this kernel */
	__u32 carry_valid;	/* a carry of carry_count entries is on disk */
	__u32 count_from_kernel;	/* 1: list length read from the kernel
					 * (base unused, measure idx absolute) */
	__u64 carry_count;
	/* pre-seal: while `exec` (process preseal_tgid) makes the next log
	 * (reload, carry) and executes, every other task's measured
	 * operation is denied; until exec clears it, its process exits, or
	 * CLOCK_BOOTTIME passes preseal_until_ns */
	__u32 preseal_tgid;
	__u32 pad1;
	__u64 preseal_until_ns;
	__u64 preseal_gen;	/* a new value at every pre-seal: the exit of its
				 * holder ends that pre-seal only (pid reuse) */
};

/* A file kexec_file_load read, as it was then (exec reloads it only if
 * it is still the same file). */
struct ikt_loadfile {
	__u64 ino;
	__u64 dev;
	__s64 size;
	__s64 mtime_sec;
	__u32 mtime_nsec;
	__u32 path_len;		/* 0: not read (no initramfs) */
	char path[IKT_PATH_LEN];
};

/* What the current normal kexec image was loaded from: written by the BPF
 * side at a successful kexec_file_load (valid 0 after an unload, a legacy
 * load, or a load whose files were not seen), read by `exec` to reload the
 * same image at the last moment. */
struct ikt_loadinfo {
	__u32 valid;
	__u32 cmdline_len;	/* bytes incl. the NUL, as passed */
	__u64 tid;		/* loading thread (pending slot only) */
	struct ikt_loadfile kernel, initrd;
	char cmdline[IKT_CMDLINE_LEN];
	/* appended: ctime of each file (a chmod/utimes/write changes it and
	 * no user can set it back) */
	__s64 kernel_ctime_sec, initrd_ctime_sec;
	__u32 kernel_ctime_nsec, initrd_ctime_nsec;
	__u32 cmdline_kernel;	/* 1: cmdline is the kernel's own copy (the
				 * one IMA measured), not re-read from user memory */
	__u32 pad2;
	__u64 cmdline_tid;	/* loading thread whose cmdline was captured
				 * (pending slot only) */
};

struct ikt_event {
	__u32 type;		/* enum ikt_event_type */
	__u32 flags;		/* IKT_F_* */
	__u64 ts_ns;		/* bpf_ktime_get_boot_ns */
	__u64 idx;		/* appended counter (measure: index of the entry) */
	__s64 ret;		/* return value of the traced call */
	__u32 pid;
	__u32 pcr;
	__u64 count;		/* snapshot: header count */
	__u64 bytes;		/* snapshot: buffer bytes */
	__u64 segment_size;	/* snapshot: segment size */
	__u8 digest[IKT_SHA1_LEN];
	__u32 read_id;		/* read file: kernel_read_file_id value */
	char comm[IKT_COMM_LEN];
	char tmpl[IKT_TMPL_LEN];
	char name[IKT_NAME_LEN];
};

/* The in-flight records (map inflight_recs, bpf/inflight.bpf.h): one per
 * thread and kind; status and exec list them (user/inflight.c). */
enum ikt_inflight_kind {
	IKT_IF_APPEND = 0,	/* ima_add_template_entry */
	IKT_IF_HASH_FILE = 1,	/* ima_collect_measurement */
	IKT_IF_HASH_BUF = 2,	/* process_buffer_measurement */
	IKT_IF_LOAD = 3,	/* kexec_load / kexec_file_load */
	IKT_IF_KINDS = 4,
};

struct ikt_ifkey {
	__u64 tid;		/* bpf_get_current_pid_tgid(): tgid << 32 | tid */
	__u32 kind;
	__u32 pad;
};

struct ikt_ifval {
	__u64 val;		/* appends, measurements: when it entered
				 * (bpf_ktime_get_ns); loads: load_events */
	__u64 call;		/* the call's own argument (entry, file, buffer):
				 * both programs on one entry name it alike */
};

#endif
