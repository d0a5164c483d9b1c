/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* exec's state, shared by cmd_exec.c (plan, attempts, pre-seal) and
 * exec_load.c (what a reload reads: the loaded image's files, or
 * --kernel's). */
#ifndef IKT_EXEC_H
#define IKT_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "carry.h"
#include "env.h"
#include "inflight.h"
#include "remount.h"
#include "tracker.h"

struct exec_args {
	const char *carry_dir;
	const char *kernel, *initrd, *append;	/* --kernel: load these instead */
	bool reuse_cmdline;
	unsigned int retries;
	bool dry_run, json, remount, kmsg, stage, no_preseal;
	bool unload_on_failure;	/* returning without a kexec: unload the image */
};

enum plan { PLAN_EXECUTE, PLAN_RELOAD, PLAN_CARRY };


struct exec_ctx {
	const struct exec_args *a;
	struct ikt_tracker t;
	struct ikt_env env;
	struct ikt_state s;
	struct ikt_config c;
	struct ikt_loadinfo li;
	enum plan plan;
	int kfd, ifd;
	char carry[PATH_MAX];
	uint64_t carry_count;
	unsigned int attempts;
	uint32_t refusals[16];
	struct ikt_remount rm;
	bool kstaged, istaged;	/* reloading from the copies on /run */
	FILE *msgs;		/* kmsg tee (--kmsg) for the message stream, or NULL */
	struct timespec t0;
	bool presealed;		/* the pre-seal is held (--no-preseal: never) */
	bool preseal_taken;
	double preseal_at_ms;	/* when it was first taken, from t0 */
	struct ikt_carry_pre pre;	/* the list read before the pre-seal */
	struct ikt_state s0;	/* state when it was taken */
	struct ikt_inflight_list gave_up;	/* in flight at the last refusal */
};

/* the reload plan: what was loaded (or --kernel), its files opened; 0 or
 * an exit code (printed) */
int exec_prepare_reload(struct exec_ctx *x);

/* exec_wait.c: ms since exec started; whether a refusal reason is
 * something in flight that drains; wait for it (<= 2 s, then a backoff
 * doubling per attempt) and say how long and what */
double exec_elapsed_ms(const struct exec_ctx *x);
bool exec_refusal_drains(uint32_t reason);
void exec_settle_inflight(struct exec_ctx *x);
void exec_list_inflight(struct exec_ctx *x, struct ikt_inflight_list *keep);
/* exec_unload.c: --unload-on-failure (0 unloaded or none loaded) */
int exec_unload_image(const struct ikt_env *env);

#endif
