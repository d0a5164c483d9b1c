// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The guard's in-flight records and the threads behind them (inflight.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "imakexec.h"
#include "inflight.h"

#define IKT_MAX_PROG_MAPS 32

int ikt_inflight_open(struct ikt_tracker *t)
{
	__u32 ids[IKT_MAX_PROG_MAPS];
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(pi);
	uint32_t id = t->hooks.h[IKT_HOOK_ADD_ENTER].prog_id;
	int pfd, ret = -ENOENT;

	if (t->inflight_fd >= 0)
		return 0;
	if (!id)
		return -ENOENT;
	pfd = bpf_prog_get_fd_by_id(id);
	if (pfd < 0)
		return -errno;
	pi.nr_map_ids = IKT_MAX_PROG_MAPS;
	pi.map_ids = (uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(pfd, &pi, &len)) {
		ret = -errno;
		goto out;
	}
	for (__u32 i = 0; i < pi.nr_map_ids && i < IKT_MAX_PROG_MAPS; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		/* the map this program updates, with the shape it was built with */
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) && !strcmp(mi.name, "inflight_recs") &&
		    mi.type == BPF_MAP_TYPE_HASH && mi.key_size == sizeof(struct ikt_ifkey) &&
		    mi.value_size == sizeof(struct ikt_ifval)) {
			t->inflight_fd = fd;
			ret = 0;
			break;
		}
		close(fd);
	}
out:
	close(pfd);
	return ret;
}

const char *ikt_inflight_kind_str(uint32_t kind)
{
	switch (kind) {
	case IKT_IF_APPEND: return "append";
	case IKT_IF_HASH_FILE: return "file-measurement";
	case IKT_IF_HASH_BUF: return "buffer-measurement";
	case IKT_IF_LOAD: return "kexec-load";
	default: return "unknown";
	}
}

/* a small /proc file, NUL-terminated and bounded; its length or -1 */
static ssize_t read_proc(uint32_t tgid, uint32_t tid, const char *what, char *buf, size_t size)
{
	char p[96];
	ssize_t n, got = 0;
	int fd;

	snprintf(p, sizeof(p), "/proc/%" PRIu32 "/task/%" PRIu32 "/%s", tgid, tid, what);
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	while ((size_t)got < size - 1 &&
	       (n = read(fd, buf + got, size - 1 - (size_t)got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

/* a name a user can set (comm): printable ASCII only */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			*s = '?';
}

static void describe(struct ikt_inflight_rec *r)
{
	char buf[4096], *p, *line, *save = NULL;

	if (read_proc(r->tgid, r->tid, "comm", r->comm, sizeof(r->comm)) < 0)
		return;		/* gone (or not in this PID namespace) */
	r->thread_seen = true;
	r->comm[strcspn(r->comm, "\n")] = '\0';
	sanitize(r->comm);
	/* stat: "tid (comm) S ...": the state follows the last ')' */
	if (read_proc(r->tgid, r->tid, "stat", buf, sizeof(buf)) > 0 &&
	    (p = strrchr(buf, ')')) && p[1] == ' ' && p[2])
		r->state = p[2];
	if (read_proc(r->tgid, r->tid, "wchan", r->wchan, sizeof(r->wchan)) > 0) {
		if (!strcmp(r->wchan, "0"))
			r->wchan[0] = '\0';
		sanitize(r->wchan);
	}
	/* "[<0>] func+0x1a/0x40" per frame (root; CONFIG_STACKTRACE) */
	if (read_proc(r->tgid, r->tid, "stack", buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line && r->frames < IKT_STACK_FRAMES;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f = strchr(line, ']');

		f = f ? f + 1 : line;
		f += strspn(f, " ");
		f[strcspn(f, "+ ")] = '\0';
		if (!*f)
			continue;
		snprintf(r->stack[r->frames], sizeof(r->stack[0]), "%s", f);
		sanitize(r->stack[r->frames++]);
	}
}

void ikt_inflight_read(const struct ikt_tracker *t, struct ikt_inflight_list *l)
{
	struct ikt_ifkey k, next, *prev = NULL;
	struct timespec now;
	uint64_t now_ns;

	memset(l, 0, sizeof(*l));
	if (t->inflight_fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);	/* bpf_ktime_get_ns's clock */
	now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	/* bounded: the map holds at most max_entries keys */
	for (unsigned int guard = 0; guard < 65536; guard++) {
		struct ikt_ifval v;

		if (bpf_map_get_next_key(t->inflight_fd, prev, &next))
			break;
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(t->inflight_fd, &k, &v))
			continue;	/* its call returned meanwhile */
		l->total++;
		if (l->shown < IKT_INFLIGHT_SHOW) {
			struct ikt_inflight_rec *r = &l->r[l->shown++];

			r->tid = (uint32_t)k.tid;
			r->tgid = (uint32_t)(k.tid >> 32);
			r->kind = k.kind;
			/* appends and measurements keep when they entered */
			if (k.kind != IKT_IF_LOAD && v.val && v.val <= now_ns) {
				r->age_known = true;
				r->age_ms = (now_ns - v.val) / 1000000u;
			}
			describe(r);
		}
	}
	l->known = true;
}

static void state_words(const struct ikt_inflight_rec *r, char *buf, size_t size)
{
	if (!r->thread_seen) {
		snprintf(buf, size, "its thread is gone: the tracker missed both the "
			 "call's return and the thread's exit (a record with no call behind "
			 "it; 'imakexec-trace detach' then 'attach --guard' clears it)");
		return;
	}
	snprintf(buf, size, "%s, state %c%s%s", r->comm, r->state ? r->state : '?',
		 r->wchan[0] ? ", waiting in " : "", r->wchan);
}

void ikt_inflight_line(const struct ikt_inflight_rec *r, char *buf, size_t size)
{
	size_t n;
	char st[256];

	state_words(r, st, sizeof(st));
	n = (size_t)snprintf(buf, size, "%s by thread %" PRIu32 " (process %" PRIu32 ")",
			     ikt_inflight_kind_str(r->kind), r->tid, r->tgid);
	if (r->age_known && n < size)
		n += (size_t)snprintf(buf + n, size - n, " for %" PRIu64 " ms", r->age_ms);
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, ": %s", st);
	for (unsigned int f = 0; f < r->frames && n < size; f++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", f ? " < " : "; kernel stack: ",
				      r->stack[f]);
}

void ikt_inflight_print(FILE *out, const struct ikt_inflight_list *l, const char *indent)
{
	char line[1024];

	for (unsigned int i = 0; i < l->shown; i++) {
		ikt_inflight_line(&l->r[i], line, sizeof(line));
		fprintf(out, "%s%s\n", indent, line);
	}
	if (l->total > l->shown)
		fprintf(out, "%s... and %" PRIu64 " more\n", indent, l->total - l->shown);
}

void ikt_inflight_json(struct json_writer *w, const struct ikt_inflight_list *l)
{
	jw_key(w, "inflight_records");
	if (!l->known) {
		jw_null(w);
		jw_kv_u64_or_null(w, "inflight_records_total", false, 0);
		return;
	}
	jw_array_start(w);
	for (unsigned int i = 0; i < l->shown; i++) {
		const struct ikt_inflight_rec *r = &l->r[i];

		jw_object_start(w);
		jw_kv_string(w, "kind", ikt_inflight_kind_str(r->kind));
		jw_kv_u64(w, "tid", r->tid);
		jw_kv_u64(w, "pid", r->tgid);
		jw_kv_u64_or_null(w, "age_ms", r->age_known, r->age_ms);
		jw_kv_bool(w, "thread_alive", r->thread_seen);
		if (r->thread_seen) {
			char st[2] = { r->state, 0 };

			jw_kv_string(w, "comm", r->comm);
			jw_kv_string(w, "state", st);
			jw_kv_string(w, "wchan", r->wchan);
			jw_key(w, "stack");
			jw_array_start(w);
			for (unsigned int f = 0; f < r->frames; f++)
				jw_string(w, r->stack[f]);
			jw_array_end(w);
		}
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_kv_u64(w, "inflight_records_total", l->total);
}
