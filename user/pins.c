// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Pinning the tracker under the pin directory and opening what is pinned
 * there, through a trusted directory fd (pindir.h); every pinned map is
 * checked for the type, key size, value size and size we expect. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "errors.h"
#include "exitcodes.h"
#include "imakexec.skel.h"
#include "pindir.h"
#include "tracker.h"

struct pinned_map {
	const char *name;
	enum bpf_map_type type;
	__u32 key_size, value_size, max_entries;	/* value_size: ours */
	__u32 min_value;	/* smallest any version wrote (layouts only append) */
};

#define N_MAPS 4
static const struct pinned_map maps[N_MAPS] = {
	{ "state", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ikt_state), 1,
	  offsetof(struct ikt_state, snap) },
	{ "config", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ikt_config), 1,
	  offsetof(struct ikt_config, attach_boot_ns) },
	{ "events", BPF_MAP_TYPE_RINGBUF, 0, 0, 0, 0 },
	{ "loaded", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ikt_loadinfo), 2,
	  sizeof(struct ikt_loadinfo) },
};

static struct bpf_map *skel_map(struct imakexec_bpf *skel, int i)
{
	struct bpf_map *m[N_MAPS] = { skel->maps.state, skel->maps.ikt_config,
				      skel->maps.events, skel->maps.loaded };

	return m[i];
}

int ikt_tracker_pin(struct ikt_tracker *t, const char *dir)
{
	const char *names[IKT_HOOK_COUNT + N_MAPS];
	struct ikt_pindir d;
	char p[PATH_MAX];
	int n = 0, ret;

	ret = ikt_pindir_open(&d, dir, true);
	if (ret)
		return ret;
	for (int i = 0; i < N_MAPS; i++) {
		if ((ret = ikt_pindir_path(&d, maps[i].name, p, sizeof(p))) ||
		    (ret = bpf_map__pin(skel_map(t->skel, i), p)))
			goto fail;
		names[n++] = maps[i].name;
	}
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		if (!t->links[i])
			continue;
		if ((ret = ikt_pindir_path(&d, t->hooks.h[i].prog, p, sizeof(p))) ||
		    (ret = bpf_link__pin(t->links[i], p)))
			goto fail;
		names[n++] = t->hooks.h[i].prog;
	}
	ikt_pindir_close(&d);
	return 0;
fail:
	/* remove only what this attach made */
	p_err("pinning in %s failed: %s; nothing left pinned",
		dir, strerror(-ret));
	while (n > 0)
		ikt_pindir_unlink(&d, names[--n]);
	ikt_pindir_remove_if_created(&d);
	ikt_pindir_close(&d);
	return IKT_EXIT_ERROR;
}

int ikt_pins_present(const char *dir)
{
	struct ikt_pindir d;
	int ret = ikt_pindir_open(&d, dir, false);

	if (ret == IKT_PINDIR_ABSENT)
		return 0;
	if (!ret)
		ret = ikt_pindir_check_pin(&d, "state");
	ikt_pindir_close(&d);
	return ret;
}

static int check_map(int fd, const struct pinned_map *m, const char *dir)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		p_err("%s/%s is not a BPF map: %s; run "
			"'imakexec-trace detach' then 'imakexec-trace attach'",
			dir, m->name, strerror(errno));
		return IKT_EXIT_ERROR;
	}
	if (info.type != m->type || info.key_size != m->key_size ||
	    (m->type == BPF_MAP_TYPE_ARRAY &&
	     (info.max_entries != m->max_entries || info.value_size < m->min_value))) {
		p_err("%s/%s is not the map imakexec-trace pins "
			"(type %u, key %u, value %u, entries %u): run 'imakexec-trace "
			"detach' then 'imakexec-trace attach'", dir, m->name, info.type,
			info.key_size, info.value_size, info.max_entries);
		return IKT_EXIT_ERROR;
	}
	/* a newer version's longer values would overrun our structs */
	if (info.value_size > m->value_size) {
		p_err("%s was pinned by a newer imakexec-trace "
			"(map %s holds %u bytes, this version knows %u): use that "
			"version, or 'detach' then 'attach' with this one",
			dir, m->name, info.value_size, m->value_size);
		return IKT_EXIT_ERROR;
	}
	return 0;
}

static int open_maps(struct ikt_tracker *t, struct ikt_pindir *d)
{
	int *fds[N_MAPS] = { &t->state_fd, &t->config_fd, &t->events_fd, &t->loaded_fd };
	/* inflight_recs is not pinned: it is found through the program of a
	 * pinned link (ikt_inflight_open) */
	char p[PATH_MAX];
	int ret;

	for (int i = 0; i < N_MAPS; i++) {
		ret = ikt_pindir_check_pin(d, maps[i].name);
		if (ret == 0) {
			p_err("pinned tracker in %s is incomplete (no %s); "
				"run 'imakexec-trace detach' then 'imakexec-trace attach'",
				d->path, maps[i].name);
			return IKT_EXIT_ERROR;
		}
		if (ret != 1)
			return ret;
		if (ikt_pindir_path(d, maps[i].name, p, sizeof(p)) ||
		    (*fds[i] = bpf_obj_get(p)) < 0) {
			p_err("cannot open %s/%s: %s; run 'imakexec-trace "
				"detach' then 'imakexec-trace attach'", d->path, maps[i].name,
				strerror(errno));
			return IKT_EXIT_ERROR;
		}
		if ((ret = check_map(*fds[i], &maps[i], d->path)))
			return ret;
	}
	return 0;
}

/* a hook counts as attached when its link is pinned and is a BPF link */
/* is a link pinned under name, to a program? Also reads that program's
 * recursion misses into h (kernels without the counter: not known) */
static bool link_pinned(struct ikt_pindir *d, const char *name, struct ikt_hook *h)
{
	struct bpf_link_info info = {};
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(info), plen = sizeof(pi);
	char p[PATH_MAX];
	int fd, pfd;
	bool ok;

	if (ikt_pindir_check_pin(d, name) != 1 || ikt_pindir_path(d, name, p, sizeof(p)))
		return false;
	fd = bpf_obj_get(p);
	if (fd < 0)
		return false;
	ok = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.prog_id;
	close(fd);
	if (ok)
		h->prog_id = info.prog_id;
	if (ok && (pfd = bpf_prog_get_fd_by_id(info.prog_id)) >= 0) {
		if (!bpf_obj_get_info_by_fd(pfd, &pi, &plen) &&
		    plen > offsetof(struct bpf_prog_info, recursion_misses)) {
			h->misses_known = true;
			h->recursion_misses = pi.recursion_misses;
		}
		close(pfd);
	}
	return ok;
}

int ikt_tracker_open_pinned(struct ikt_tracker *t, const struct ikt_env *env,
			    const char *dir)
{
	struct ikt_pindir d;
	struct ikt_config c;
	struct btf *vmlinux;
	int ret;

	ret = ikt_pindir_open(&d, dir, false);
	if (ret == IKT_PINDIR_ABSENT)
		return IKT_EXIT_NOTATTACHED;
	if (ret)
		return ret;
	ret = ikt_pindir_check_pin(&d, "state");
	if (ret == 0) {
		ikt_pindir_close(&d);
		return IKT_EXIT_NOTATTACHED;
	}
	if (ret != 1)
		goto out;
	t->from_pins = true;
	if ((ret = open_maps(t, &d)))
		goto out;
	memset(&c, 0, sizeof(c));
	if (!ikt_tracker_read(t, NULL, &c) && c.funcs_valid) {
		ikt_hooks_probe_recorded(&t->hooks, c.funcs_valid == 1 ?
					 ikt_hooks_funcs_from_v1(c.funcs) : c.funcs, env->bpf_lsm);
	} else {	/* pinned by a version that did not record them */
		vmlinux = btf__load_vmlinux_btf();
		ikt_hooks_probe(&t->hooks, vmlinux, env->bpf_lsm);
		btf__free(vmlinux);
	}
	for (int i = 0; i < IKT_HOOK_COUNT; i++) {
		struct ikt_hook *h = &t->hooks.h[i];

		if (h->status != IKT_HOOK_AVAILABLE)
			continue;
		if (ikt_hook_is_guard(i) && !c.guard) {
			h->status = IKT_HOOK_MISSING;
			snprintf(h->reason, sizeof(h->reason), "guard not armed (attach --guard)");
		} else if (link_pinned(&d, h->prog, h)) {
			h->status = IKT_HOOK_ATTACHED;
		} else {
			h->status = IKT_HOOK_FAILED;
			snprintf(h->reason, sizeof(h->reason),
				 "available but not attached (no pinned link)");
		}
	}
out:
	ikt_pindir_close(&d);
	return ret;
}

int ikt_unpin(const char *dir)
{
	struct ikt_pindir d;
	int ret = ikt_pindir_open(&d, dir, false);

	if (ret == IKT_PINDIR_ABSENT)
		return 0;
	if (!ret)
		ret = ikt_pindir_remove_all(&d) ? IKT_EXIT_ERROR : 0;
	ikt_pindir_close(&d);
	return ret;
}

int ikt_tracker_open_cmd(struct ikt_tracker *t, struct ikt_env *env, unsigned int needs)
{
	int ret;

	ikt_tracker_init(t);
	ikt_env_probe(env, NULL);
	ret = ikt_env_require(env, needs);
	return ret ? ret : ikt_tracker_open_pinned(t, env, IKT_PIN_DIR);
}
