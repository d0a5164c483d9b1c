// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <inttypes.h>
#include <string.h>
#include "escape.h"
#include "guard.h"
#include "event_fmt.h"
#include "util.h"

/* the BPF side's digest (imakexec.h) is the IMA library's SHA-1 */
_Static_assert(IKT_SHA1_LEN == IMA_SHA1_LEN, "one SHA-1 length");

const char *ikt_event_type_str(uint32_t type)
{
	switch (type) {
	case IKT_EV_MEASURE: return "measure";
	case IKT_EV_SNAPSHOT: return "snapshot";
	case IKT_EV_KEXEC_LOAD: return "kexec_load";
	case IKT_EV_KEXEC_EXEC: return "kexec_execute";
	case IKT_EV_COPY: return "copy";
	case IKT_EV_READ_FILE: return "kexec_file";
	case IKT_EV_GUARD: return "guard";
	default: return "unknown";
	}
}

static const char *load_syscall(const struct ikt_event *e)
{
	return (e->flags & IKT_F_LEGACY) ? "kexec_load" : "kexec_file_load";
}

static const char *read_kind(const struct ikt_event *e)
{
	if (e->flags & IKT_F_LEGACY)
		return "kernel-legacy";
	return (e->flags & IKT_F_INITRAMFS) ? "initramfs" : "kernel";
}

/* Trackers of this version put the list position in idx (IKT_F_SEQ_OK)
 * and the kernel's count in count; older ones a counter to add to base. */
static bool seq_known(const struct ikt_event *e)
{
	return (e->flags & IKT_F_SEQ_OK) || !e->count;
}

static void human_measure(FILE *out, const struct ikt_event *e,
			  const struct ikt_view *v, uint64_t base)
{
	char name[IKT_NAME_LEN * 4 + 1], tmpl[IKT_TMPL_LEN * 4 + 1];
	uint64_t seq = base + e->idx, pos = seq_known(e) ? ikt_view_gap_pos(v, seq) : 0;

	ikt_escape(e->name, sizeof(e->name), name, sizeof(name));
	ikt_escape(e->tmpl, sizeof(e->tmpl), tmpl, sizeof(tmpl));
	if (seq_known(e))
		fprintf(out, "MEASURE  seq=%" PRIu64 " pcr=%u %s ", seq, e->pcr, tmpl);
	else
		fprintf(out, "MEASURE  seq=? pcr=%u %s ", e->pcr, tmpl);
	if (e->flags & IKT_F_VIOLATION)
		fputs("violation", out);
	else if (e->flags & IKT_F_DIGEST_OK)
		put_hex(out, e->digest, IKT_SHA1_LEN);
	else
		fputs("digest-unavailable", out);
	fprintf(out, " %s%s", name, (e->flags & IKT_F_NAME_TRUNC) ? "..." : "");
	if (pos)
		fprintf(out, "  [lost on kexec: gap #%" PRIu64 "]", pos);
	fputc('\n', out);
}

void ikt_event_human(FILE *out, const struct ikt_event *e,
		     const struct ikt_view *v, uint64_t base)
{
	char name[IKT_NAME_LEN * 4 + 1], comm[IKT_COMM_LEN * 4 + 1];

	fprintf(out, "[%5" PRIu64 ".%06" PRIu64 "] ", (uint64_t)e->ts_ns / 1000000000,
		((uint64_t)e->ts_ns % 1000000000) / 1000);
	ikt_escape(e->comm, sizeof(e->comm), comm, sizeof(comm));
	switch (e->type) {
	case IKT_EV_MEASURE:
		human_measure(out, e, v, base);
		return;
	case IKT_EV_SNAPSHOT:
		fprintf(out, "SNAPSHOT list serialized for kexec: %" PRIu64 " entries, %"
			PRIu64 " bytes, segment %" PRIu64 " bytes\n",
			(uint64_t)e->count, (uint64_t)e->bytes,
			(uint64_t)e->segment_size);
		return;
	case IKT_EV_KEXEC_LOAD:
		fprintf(out, "LOAD     %s %s%s by %s (pid %u): %s", load_syscall(e),
			(e->flags & IKT_F_UNLOAD) ? "unload " : "",
			(e->flags & IKT_F_CRASH) ? "crash kernel" : "kernel",
			comm, e->pid, e->ret ? "failed" : "ok");
		if (e->ret)
			fprintf(out, " (%s)", strerror((int)-e->ret));
		fputc('\n', out);
		break;
	case IKT_EV_KEXEC_EXEC:
		fprintf(out, "EXECUTE  kexec by %s (pid %u): list has %" PRIu64
			" entries\n", comm, e->pid, (uint64_t)(base + e->idx));
		break;
	case IKT_EV_COPY:
		fprintf(out, "COPY     list copied at execute: %" PRIu64
			" entries, ret %" PRId64 "\n", (uint64_t)(base + e->idx),
			(int64_t)e->ret);
		return;
	case IKT_EV_READ_FILE:
		ikt_escape(e->name, sizeof(e->name), name, sizeof(name));
		fprintf(out, "FILE     %s %s read for kexec by %s (pid %u)\n",
			read_kind(e), e->name[0] ? name : "(memory buffer)", comm, e->pid);
		return;
	case IKT_EV_GUARD:
		fprintf(out, "GUARD    kexec execute by %s (pid %u) %s at %" PRId64
			" entries: %s (%s)\n", comm, e->pid,
			(e->flags & IKT_F_REFUSED) ? "REFUSED" : "allowed", (int64_t)e->count,
			ikt_guard_reason_str((uint32_t)e->idx), ikt_guard_reason_why((uint32_t)e->idx));
		return;
	default:
		fprintf(out, "UNKNOWN  event type %u\n", e->type);
		return;
	}
	/* after a load or execute, say what would be lost now */
	if (v->verdict == IKT_V_NOT_LOADED)
		return;
	fprintf(out, "           kexec now: %s", ikt_verdict_str(v->verdict));
	if (v->gap_known && v->verdict != IKT_V_SAFE)
		fprintf(out, ", %" PRIu64 " entries would be lost", v->gap);
	fprintf(out, " (%s)\n", v->why);
}

/* fixed-size, NUL-padded kernel buffer */
static void json_name(struct json_writer *w, const char *key, const char *s, size_t size)
{
	jw_kv_bytes(w, key, s, strnlen(s, size));
}

void ikt_event_json(struct json_writer *w, const struct ikt_event *e,
		    const struct ikt_view *v, uint64_t base)
{
	uint64_t seq = base + e->idx;

	jw_object_start(w);
	jw_kv_string(w, "type", ikt_event_type_str(e->type));
	jw_kv_u64(w, "ts_ns", e->ts_ns);
	jw_kv_u64(w, "pid", e->pid);
	json_name(w, "comm", e->comm, sizeof(e->comm));
	switch (e->type) {
	case IKT_EV_MEASURE:
		jw_kv_u64_or_null(w, "seq", seq_known(e), seq);
		jw_kv_u64(w, "pcr", e->pcr);
		json_name(w, "template", e->tmpl, sizeof(e->tmpl));
		jw_key(w, "digest");
		if (e->flags & IKT_F_VIOLATION) {
			static const uint8_t zero[IKT_SHA1_LEN];

			jw_hex(w, zero, sizeof(zero));
		} else if (e->flags & IKT_F_DIGEST_OK) {
			jw_hex(w, e->digest, IKT_SHA1_LEN);
		} else {
			jw_null(w);
		}
		json_name(w, "name", e->name, sizeof(e->name));
		jw_kv_bool(w, "name_truncated", e->flags & IKT_F_NAME_TRUNC);
		jw_kv_bool(w, "violation", e->flags & IKT_F_VIOLATION);
		jw_kv_u64(w, "gap_position", seq_known(e) ? ikt_view_gap_pos(v, seq) : 0);
		break;
	case IKT_EV_GUARD:
		jw_kv_bool(w, "refused", e->flags & IKT_F_REFUSED);
		jw_kv_string(w, "decision", ikt_guard_reason_str((uint32_t)e->idx));
		jw_kv_string(w, "reason", ikt_guard_reason_why((uint32_t)e->idx));
		jw_kv_i64(w, "ima_count", (int64_t)e->count);
		jw_kv_u64(w, "snapshot_count", e->bytes);
		break;
	case IKT_EV_SNAPSHOT:
		jw_kv_u64(w, "count", e->count);
		jw_kv_u64(w, "bytes", e->bytes);
		jw_kv_u64(w, "segment_size", e->segment_size);
		break;
	case IKT_EV_KEXEC_LOAD:
		jw_kv_string(w, "syscall", load_syscall(e));
		jw_kv_string(w, "target", (e->flags & IKT_F_CRASH) ? "crash" : "kernel");
		jw_kv_bool(w, "unload", e->flags & IKT_F_UNLOAD);
		jw_kv_i64(w, "ret", e->ret);
		jw_kv_u64(w, "ima_count", seq);
		break;
	case IKT_EV_KEXEC_EXEC:
	case IKT_EV_COPY:
		jw_kv_u64(w, "ima_count", seq);
		if (e->type == IKT_EV_COPY)
			jw_kv_i64(w, "ret", e->ret);
		break;
	case IKT_EV_READ_FILE:
		jw_kv_string(w, "kind", read_kind(e));
		json_name(w, "name", e->name, sizeof(e->name));
		jw_kv_u64(w, "read_id", e->read_id);
		break;
	}
	if (e->type == IKT_EV_KEXEC_LOAD || e->type == IKT_EV_KEXEC_EXEC) {
		jw_kv_string(w, "verdict", ikt_verdict_str(v->verdict));
		jw_kv_u64_or_null(w, "gap", v->gap_known, v->gap);
	}
	jw_object_end(w);
}
