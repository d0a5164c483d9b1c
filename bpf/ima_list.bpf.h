/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* IMA's own list and counters, read in place (kallsyms + CO-RE): the list
 * length, an entry's position, the list mutex, the bytes a copy needs.
 * Part of imakexec.bpf.c (one BPF object, one skeleton): included there. */
#ifndef IKT_IMA_LIST_BPF_H
#define IKT_IMA_LIST_BPF_H

/* How far back from the list's tail an append looks for its own entry:
 * further only if that many appends completed between its unlock of
 * ima_extend_list_mutex and its fexit. */
#define SEQ_WALK 16

#ifndef bpf_ksym_exists	/* libbpf >= 1.2 has it */
#define bpf_ksym_exists(sym) (!!(sym))
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

	if (!bpf_ksym_exists(&binary_runtime_size))
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

/* mutex waiters: a list before 7.x, a pointer to the first waiter after */
struct mutex___first {
	void *first_waiter;
} __attribute__((preserve_access_index));

/* IMA's list mutex held, or a task waiting for it (an append in flight
 * that entered before attach is not in `inflight`) */
static __always_inline bool list_mutex_busy(void)
{
	const struct mutex *m = (const void *)&ima_extend_list_mutex;

	if (!bpf_ksym_exists(&ima_extend_list_mutex))
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

/* The kernel's own list length, incremented under ima_extend_list_mutex
 * by every append: ima_htable.len up to 6.x, ima_num_records[BINARY] in
 * kernels with measurement-list staging. -1 if unreadable. */
static __always_inline __s64 ima_len(void)
{
	const char *p = NULL;
	__s64 v = -1;

	if (bpf_core_type_exists(struct ima_h_table) && bpf_ksym_exists(&ima_htable))
		p = (const char *)&ima_htable + bpf_core_field_offset(struct ima_h_table, len);
	else if (bpf_core_enum_value_exists(enum binary_lists___ikt, BINARY___ikt) &&
		 bpf_ksym_exists(&ima_num_records))
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

	if (!bpf_ksym_exists(&ima_measurements))
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

#endif
