/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What is between its entry and its exit right now: IMA appends
 * (ima_add_template_entry), measurements being taken (a file hashed by
 * ima_collect_measurement after its LSM check and before the append, a
 * buffer measured by process_buffer_measurement) and kexec loads (from their LSM hook to the
 * return of their syscall, whatever its ABI). The guard refuses while any
 * is, and `exec` waits for them.
 * One record per thread and kind: only a call whose entry was recorded is
 * counted out again, so calls already inside when attach ran never make a
 * count negative. Tracing programs are skipped while the same program runs
 * on that CPU (the trampoline's recursion check, hit when a program is
 * preempted), so an exit can be missed and its record left behind: it is
 * taken back when that thread enters the same kind again (one record per
 * thread: it was not in two at once) or exits (sched_process_exit), and
 * counted in leaks_healed. An entry that cannot be recorded (map full) is
 * counted apart and the guard refuses from then on (fail closed).
 * A record's value: for an append or a measurement, when it entered
 * (bpf_ktime_get_ns, CLOCK_MONOTONIC), so `status` and `exec` can say how
 * long it has been in flight and which thread holds it (user/inflight.c);
 * for a load, load_events after its entry.
 * Two programs on every entry and every exit of an append or a
 * measurement: the recursion check is per program, so a call is missed
 * only when both are skipped on that CPU, i.e. two tasks preempted inside
 * them at once (with one, Debian's 7.2 on one vCPU under two measurement
 * storms skipped 160 entries and 235 exits of appends and 354 / 200 of
 * hashes in 40,000 calls: an entry missed is a call the guard would not
 * see). Both record the same call (its argument names it), the first to
 * run counts it, an exit takes it back once whichever runs.
 * Part of imakexec.bpf.c (one BPF object, one skeleton): included there. */
#ifndef IKT_INFLIGHT_BPF_H
#define IKT_INFLIGHT_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, struct ikt_ifkey);
	__type(value, struct ikt_ifval);
} inflight_recs SEC(".maps");

static __always_inline __u64 *if_count(struct ikt_state *s, __u32 kind)
{
	if (kind == IKT_IF_APPEND)
		return &s->inflight;
	if (kind == IKT_IF_LOAD)
		return &s->loads_inflight;
	return &s->hashing;
}

#define IKT_EEXIST 17

/* a thread enters call (its argument; 0 for loads): record it and count
 * it in, val kept with the record. One map operation when nothing is
 * there; else the record there is this call's (the other program on the
 * same entry ran first), or a load's (a load reads two files: two LSM
 * calls, one record), or one a missed exit left: then it is counted once
 * still, now stands for this call, and this call's exit takes it back */
static __always_inline void if_enter(struct ikt_state *s, __u32 kind, __u64 val, __u64 call)
{
	struct ikt_ifkey k = { .tid = bpf_get_current_pid_tgid(), .kind = kind };
	struct ikt_ifval v = { .val = val, .call = call }, *old;
	/* int: 6.1's verifier calls the map's own update, which returns an
	 * int there, so the upper half of the helper's long is not a sign
	 * (-EEXIST reads 4294967279 as a long: every duplicate entry was
	 * counted untracked) */
	int err = (int)bpf_map_update_elem(&inflight_recs, &k, &v, BPF_NOEXIST);

	if (err == -IKT_EEXIST) {
		if (kind == IKT_IF_LOAD)
			return;
		old = bpf_map_lookup_elem(&inflight_recs, &k);
		if (old && old->call != call) {
			old->val = val;
			old->call = call;
			__sync_fetch_and_add(&s->leaks_healed, 1);
		}
		return;
	}
	if (err) {
		if (kind == IKT_IF_APPEND)
			__sync_fetch_and_add(&s->inflight_untracked, 1);
		else if (kind == IKT_IF_LOAD)
			__sync_fetch_and_add(&s->loads_inflight, 1);	/* never out */
		else
			__sync_fetch_and_add(&s->hashing_untracked, 1);
		return;
	}
	__sync_fetch_and_add(if_count(s, kind), 1);
}

/* this thread's call returns: 1 (and its value, if val) if it was
 * counted in; one map operation unless the value is wanted */
static __always_inline int if_exit(struct ikt_state *s, __u32 kind, __u64 *val)
{
	struct ikt_ifkey k = { .tid = bpf_get_current_pid_tgid(), .kind = kind };

	if (val) {
		struct ikt_ifval *v = bpf_map_lookup_elem(&inflight_recs, &k);

		if (!v)
			return 0;
		*val = v->val;
	}
	if (bpf_map_delete_elem(&inflight_recs, &k))
		return 0;	/* not counted in, or its thread's exit took it */
	__sync_fetch_and_add(if_count(s, kind), -1);
	return 1;
}

/* a thread exits: whatever it left recorded was a missed exit */
static __always_inline void if_thread_exit(struct ikt_state *s, __u64 tid)
{
	for (__u32 kind = 0; kind < IKT_IF_KINDS; kind++) {
		struct ikt_ifkey k = { .tid = tid, .kind = kind };

		/* every record is counted: none of this kind, none of this
		 * thread's (which is not entering anything while it exits) */
		if (!*if_count(s, kind))
			continue;
		if (bpf_map_delete_elem(&inflight_recs, &k))
			continue;
		__sync_fetch_and_add(if_count(s, kind), -1);
		__sync_fetch_and_add(&s->leaks_healed, 1);
	}
}

/* a program's whole body: this thread enters call of kind now, or returns */
static __always_inline void if_enter_now(__u32 kind, __u64 call)
{
	struct ikt_state *s = get_state();

	if (s)
		if_enter(s, kind, bpf_ktime_get_ns(), call);
}

static __always_inline void if_exit_now(__u32 kind)
{
	struct ikt_state *s = get_state();

	if (s)
		if_exit(s, kind, NULL);
}

SEC("fentry/ima_add_template_entry")
int BPF_PROG(add_entry_enter, struct ima_template_entry *entry)
{
	if_enter_now(IKT_IF_APPEND, (__u64)entry);
	return 0;
}

/* the second program on the append's entry and exit (guard); the first
 * exit is add_entry_exit in imakexec.bpf.c */
SEC("fentry/ima_add_template_entry")
int BPF_PROG(add_entry_enter2, struct ima_template_entry *entry)
{
	if_enter_now(IKT_IF_APPEND, (__u64)entry);
	return 0;
}

SEC("fexit/ima_add_template_entry")
int BPF_PROG(add_entry_exit2)
{
	if_exit_now(IKT_IF_APPEND);
	return 0;
}

/* Measurements being taken, attached with the guard: a file's hash
 * (ima_collect_measurement, which process_measurement calls after the LSM
 * check; its caller takes 7 arguments, more than x86's BPF trampoline
 * attaches to before 6.6) and a buffer's whole measurement
 * (process_buffer_measurement, 10 arguments on 6.1: attached where the
 * kernel can). Optional: status says which are attached. Two programs on
 * each entry and exit (above); a call is named by its file or buffer
 * (process_buffer_measurement's const void *buf through bpf_get_func_arg:
 * 6.1's verifier types no void pointer argument). */
SEC("fentry/ima_collect_measurement")
int BPF_PROG(measure_enter, void *iint, struct file *file)
{
	if_enter_now(IKT_IF_HASH_FILE, (__u64)file);
	return 0;
}

SEC("fentry/ima_collect_measurement")
int BPF_PROG(measure_enter2, void *iint, struct file *file)
{
	if_enter_now(IKT_IF_HASH_FILE, (__u64)file);
	return 0;
}

SEC("fexit/ima_collect_measurement")
int BPF_PROG(measure_exit)
{
	if_exit_now(IKT_IF_HASH_FILE);
	return 0;
}

SEC("fexit/ima_collect_measurement")
int BPF_PROG(measure_exit2)
{
	if_exit_now(IKT_IF_HASH_FILE);
	return 0;
}

static __always_inline __u64 buf_arg(void *ctx)
{
	__u64 buf = 0;

	bpf_get_func_arg(ctx, 2, &buf);
	return buf;
}

SEC("fentry/process_buffer_measurement")
int BPF_PROG(bufmeasure_enter)
{
	if_enter_now(IKT_IF_HASH_BUF, buf_arg(ctx));
	return 0;
}

SEC("fentry/process_buffer_measurement")
int BPF_PROG(bufmeasure_enter2)
{
	if_enter_now(IKT_IF_HASH_BUF, buf_arg(ctx));
	return 0;
}

SEC("fexit/process_buffer_measurement")
int BPF_PROG(bufmeasure_exit)
{
	if_exit_now(IKT_IF_HASH_BUF);
	return 0;
}

SEC("fexit/process_buffer_measurement")
int BPF_PROG(bufmeasure_exit2)
{
	if_exit_now(IKT_IF_HASH_BUF);
	return 0;
}

/* A kexec load passed its LSM hook (kernel_load_data for kexec_load in
 * every ABI, kernel_read_file for kexec_file_load): counted in flight
 * until its syscall returns; the value is load_events after this entry,
 * so the exit can tell whether another load entered or left meanwhile */
static __always_inline void load_entered(void)
{
	struct ikt_state *s = get_state();
	struct ikt_ifkey k = { .tid = bpf_get_current_pid_tgid(), .kind = IKT_IF_LOAD };

	if (!s || bpf_map_lookup_elem(&inflight_recs, &k))
		return;
	if_enter(s, IKT_IF_LOAD, __sync_fetch_and_add(&s->load_events, 1) + 1, 0);
}

#endif
