/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The kexec guard's decision as one pure function: would the next
 * kernel's log replay PCR 10 if the kexec ran now? The BPF program
 * (guard.bpf.h: guard_judge) reads the kernel and its own maps into a
 * struct ikt_guard_in and calls ikt_guard_decide(); the host unit test
 * (tests/unit/test_guard_decide.c) calls the same function with inputs of
 * its own. No kernel pointers, no helpers, no reads: plain integers only,
 * so it compiles both with clang -target bpf (types from vmlinux.h) and
 * with the host compiler (types from <linux/types.h>, via imakexec.h). */
#ifndef IKT_GUARD_DECIDE_H
#define IKT_GUARD_DECIDE_H

#include "imakexec.h"
#include "kexec_record.h"

/* What the guard decides from, as gathered at the reboot(KEXEC) call. */
struct ikt_guard_in {
	__s64 len;		/* IMA's own list length (ima_htable.len), -1 unreadable */
	__u64 image;		/* the kernel's kexec_image now (0: none, or unreadable) */
	__u64 image_traced;	/* state.image_ptr: kexec_image after the last traced load */
	__u64 list_bytes;	/* IMA's binary_runtime_size: the records a copy
				 * needs, header not included (0: unknown) */
	__u64 hdr_bytes;	/* sizeof(struct ima_kexec_hdr) the copy starts with */
	__u64 carry_count;	/* config: entries of the armed carry */
	__u64 kexec_rec_bytes;	/* state: the last kexec_load record's size (0: none) */
	__u64 loads_inflight;	/* state: kexec loads past their LSM hook */
	__u64 inflight;		/* state: appends entered, not returned */
	__u64 inflight_untracked;	/* state: appends fentry could not record */
	__u64 hashing;		/* state: measurements being taken */
	__u64 hashing_untracked;	/* state: of those, not recorded */
	struct ikt_snapshot snap;	/* state: the normal image's load snapshot */
	__u32 kexec_rec_digits;	/* state: digits of that record's three numbers */
	__u32 kexec_state;	/* state: enum ikt_kexec_state of the normal image */
	__u32 touched;		/* state: IKT_SLOT_* changed by a traced load */
	__u32 preloaded;	/* config: IKT_SLOT_* loaded before attach */
	__u32 carry_mode;	/* config: enum ikt_carry_mode */
	__u32 carry_valid;	/* config: a carry of carry_count entries is armed */
	__u32 image_seen;	/* the kernel has a kexec_image symbol (kallsyms) */
	__u32 mutex_busy;	/* IMA's list mutex held or waited for */
	__u32 sealed;		/* state: another allowed kexec is under way */
	__u32 pad;
};

/* enum ikt_guard_reason for `in`: below IKT_G_REFUSE_MIN allows. The
 * order of the checks is the order of precedence: the first that applies
 * is the reason reported. */
static inline __attribute__((always_inline)) __u32
ikt_guard_decide(const struct ikt_guard_in *in)
{
	const struct ikt_snapshot *snap = &in->snap;
	__u32 st = in->kexec_state;
	__u64 brs;

	if (in->sealed)		/* another allowed kexec is under way */
		return IKT_G_BUSY;
	if (in->loads_inflight)
		return IKT_G_LOAD_INFLIGHT;
	if (!(in->touched & IKT_SLOT_NORMAL))
		st = (in->preloaded & IKT_SLOT_NORMAL) ? IKT_KEXEC_PRELOADED : IKT_KEXEC_NONE;
	/* what the kernel will execute, not what was traced, decides whether
	 * there is an image: one loaded by a way the tracker did not see (or
	 * while attach ran) is not judged as "none" */
	if (in->image_seen && !in->image)
		return IKT_G_OK_NO_IMAGE;
	if (st == IKT_KEXEC_NONE)
		return !in->image_seen ? IKT_G_OK_NO_IMAGE :
		       (in->touched & IKT_SLOT_NORMAL) ? IKT_G_IMAGE_UNKNOWN : IKT_G_PRELOADED;
	if (st == IKT_KEXEC_UNKNOWN ||
	    (in->image_seen && st != IKT_KEXEC_PRELOADED && in->image != in->image_traced))
		return IKT_G_IMAGE_UNKNOWN;
	if (in->len < 0)
		return IKT_G_NO_COUNT;
	if (in->inflight || in->inflight_untracked)
		return IKT_G_INFLIGHT;
	if (in->hashing || in->hashing_untracked)
		return IKT_G_HASHING;
	if (in->mutex_busy)
		return IKT_G_INFLIGHT;
	if (st == IKT_KEXEC_PRELOADED)
		return IKT_G_PRELOADED;
	if (in->carry_mode == IKT_CARRY_NONE)
		return in->carry_valid && in->carry_count == (__u64)in->len ?
		       IKT_G_OK_CARRIED : IKT_G_NOT_CARRIED;
	if (st == IKT_KEXEC_LEGACY)
		return IKT_G_LEGACY;
	if (!snap->valid)
		return in->carry_mode == IKT_CARRY_EXECUTE ?
		       IKT_G_SEGMENT_UNKNOWN : IKT_G_NO_SNAPSHOT;
	if (in->carry_mode == IKT_CARRY_EXECUTE) {
		if (!in->list_bytes)
			return IKT_G_SEGMENT_UNKNOWN;
		/* the kernel's own size of the copy: records + header, and
		 * the kexec_execute record it appends before copying */
		brs = in->list_bytes + in->hdr_bytes;
		brs += ikt_exec_record_bytes(in->kexec_rec_bytes, in->kexec_rec_digits,
					     snap->segment_size, brs, (__u64)in->len);
		return brs > snap->segment_size ? IKT_G_OVERFLOW : IKT_G_OK_COPY;
	}
	if (snap->bytes >= snap->segment_size)
		return IKT_G_SEGMENT_FULL;
	return snap->count == (__u64)in->len ? IKT_G_OK_SNAPSHOT : IKT_G_GAP;
}

#endif
