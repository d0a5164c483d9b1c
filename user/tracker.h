/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Loading, attaching and pinning the BPF tracker, or opening a pinned one. */
#ifndef IKT_TRACKER_H
#define IKT_TRACKER_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "env.h"
#include "hooks.h"
#include "imakexec.h"

#define IKT_PIN_DIR "/sys/fs/bpf/imakexec"
#define IKT_RINGBUF_KB_DEFAULT 256

struct imakexec_bpf;
struct bpf_link;

struct ikt_tracker {
	struct imakexec_bpf *skel;	/* NULL when opened from pins */
	struct bpf_link *links[IKT_HOOK_COUNT];
	struct ikt_hooks hooks;
	int state_fd, config_fd, events_fd, loaded_fd;
	int inflight_fd;	/* in-flight records: ikt_inflight_open() */
	bool from_pins;
};

struct ikt_load_opts {
	unsigned int ringbuf_kb;
	bool verbose;		/* libbpf's own messages */
	bool guard;		/* load the kexec guard and seal, and arm it */
};

void ikt_tracker_init(struct ikt_tracker *t);
/* Load and attach for this process; reconciles the counter with securityfs.
 * Returns 0 or an exit code after printing the cause. */
int ikt_tracker_load(struct ikt_tracker *t, const struct ikt_env *env,
		     const struct ikt_load_opts *o);
/* Pin maps and links under dir (root-owned 0700 on bpffs, see pindir.h);
 * on failure removes only what it pinned. 0 or an exit code. */
int ikt_tracker_pin(struct ikt_tracker *t, const char *dir);
/* Open what `attach` pinned, checking the directory, each pin's owner
 * and mode and each map's shape. IKT_EXIT_NOTATTACHED if nothing is
 * pinned; another exit code (printed) if what is there is not trusted. */
int ikt_tracker_open_pinned(struct ikt_tracker *t, const struct ikt_env *env,
			    const char *dir);
/* What status, audit and monitor do first: probe the machine, check the
 * needs (IKT_NEED_*, reported), open the tracker pinned in IKT_PIN_DIR.
 * t is initialised whatever the result (ikt_tracker_close is safe). */
int ikt_tracker_open_cmd(struct ikt_tracker *t, struct ikt_env *env, unsigned int needs);
int ikt_tracker_read(const struct ikt_tracker *t, struct ikt_state *s,
		     struct ikt_config *c);
/* what the current kexec image was loaded from (exec) */
int ikt_tracker_read_loaded(const struct ikt_tracker *t, struct ikt_loadinfo *li);
/* user-written config (the BPF side only reads it); 0 or -errno */
int ikt_tracker_write_config(const struct ikt_tracker *t, const struct ikt_config *c);
void ikt_tracker_close(struct ikt_tracker *t);
/* Remove every pin under a trusted dir and dir itself; 0 if nothing was
 * there; an exit code (printed) when dir is not trusted: then nothing is
 * removed. */
int ikt_unpin(const char *dir);
/* 0 nothing pinned, 1 a trusted directory holds a tracker, or an exit
 * code after printing why the directory is not trusted. */
int ikt_pins_present(const char *dir);
/* Parse and validate a ring size in KiB (power of two, 4..1048576). */
int ikt_parse_ringbuf_kb(const char *s, unsigned int *kb);
/* Bytes one event takes in the ring: the kernel's 8-byte record header
 * (BPF_RINGBUF_HDR_SZ) plus the event, rounded up to 8. Every event the
 * BPF side submits is one struct ikt_event, so a ring of size S holds
 * (S - 1) / IKT_RING_RECORD_SIZE of them (a reserve fails once the
 * producer would be S or more bytes ahead of the consumer). */
#define IKT_RING_RECORD_SIZE ((sizeof(struct ikt_event) + 8 + 7) / 8 * 8)
/* The event ring's size in bytes as the kernel has it (map info of the
 * loaded or pinned map, i.e. attach --ringbuf-kb in force); 0 or -errno. */
int ikt_tracker_ring_size(const struct ikt_tracker *t, uint64_t *bytes);

#endif
