// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* exec: the safe replacement for `kexec -e`. Makes the next kernel's log
 * replay PCR 10, then executes; the in-kernel guard (attach --guard) judges
 * the very moment of the execute, so a measurement that slips in between
 * makes the kernel refuse, and exec retries a bounded number of times. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/syscall.h>
#include "errors.h"
#include "carry.h"
#include "commands.h"
#include "env.h"
#include "exitcodes.h"
#include "guard.h"
#include "imalog.h"
#include "json_writer.h"
#include "kmsg.h"
#include "pindir.h"
#include "remount.h"
#include "stage.h"
#include "sysfs.h"
#include "tracker.h"
#include "util.h"


#include "exec.h"
#include "inflight.h"


static const char *const plan_str[] = {
	[PLAN_EXECUTE] = "execute", [PLAN_RELOAD] = "reload", [PLAN_CARRY] = "carry",
};

static const struct argp_option exec_opts[] = {
	{ "carry-dir", 'c', "DIR", 0, "where the list is carried on kernels without "
	  "CONFIG_IMA_KEXEC (default " IKT_CARRY_DIR ")", 0 },
	{ "retries", 'r', "N", 0, "attempts after a refusal, 0-15 (default 3)", 0 },
	{ "remount", 'R', NULL, 0, "if the carry directory's file system is mounted "
	  "read-only (as in a systemd-shutdown hook), remount it read-write for the "
	  "write and read-only again after it", 0 },
	{ "kmsg", 'k', NULL, 0, "also write every message to the kernel log "
	  "(/dev/kmsg): for hooks whose stderr nobody reads", 0 },
	{ "kernel", 'K', "FILE", 0, "reload this kernel (with kexec_file_load) instead of "
	  "the loaded image's own files: for an image loaded with the legacy kexec_load "
	  "or before tracking, whose files are unknown", 0 },
	{ "initrd", 'I', "FILE", 0, "initramfs for --kernel", 0 },
	{ "append", 'A', "CMDLINE", 0, "command line for --kernel", 0 },
	{ "reuse-cmdline", 'C', NULL, 0, "command line for --kernel: the running "
	  "kernel's (/proc/cmdline)", 0 },
	{ "stage", 's', NULL, 0, "do not execute: copy the loaded kernel and initramfs "
	  "to " IKT_STAGE_DIR " for a later exec that finds them unmounted "
	  "(imakexec-trace-stage.service runs this at shutdown)", 0 },
	{ "no-preseal", 'P', NULL, 0, "do not hold off other processes' measured operations "
	  "(exec, executable mmap, open, kernel file reads) from the reload or carry to the "
	  "execute; then a measurement in between makes the guard refuse and exec retry", 0 },
	{ "unload-on-failure", 'U', NULL, 0, "if no kexec happens (refused, an error, not "
	  "attached), unload the kexec image, so that a kexec -e run after exec (systemd's) "
	  "fails and the machine reboots fully; if it cannot be unloaded, reboot fully now "
	  "(the systemd-shutdown hook's default)", 0 },
	{ "dry-run", 'n', NULL, 0, "say what would be done, do nothing", 0 },
	{ "json", 'j', NULL, 0, "print the plan or the outcome as one JSON object", 0 },
	{},
};

static error_t exec_parse(int key, char *arg, struct argp_state *state)
{
	struct exec_args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'c': a->carry_dir = arg; break;
	case 'r':
		if (ikt_parse_u64(arg, &v) || v > 15)
			argp_error(state, "invalid --retries '%s': need 0 to 15", arg);
		a->retries = (unsigned int)v;
		break;
	case 'n': a->dry_run = true; break;
	case 'U': a->unload_on_failure = true; break;
	case 'R': a->remount = true; break;
	case 'P': a->no_preseal = true; break;
	case 'k': a->kmsg = true; break;
	case 's': a->stage = true; break;
	case 'K': a->kernel = arg; break;
	case 'I': a->initrd = arg; break;
	case 'A': a->append = arg; break;
	case 'C': a->reuse_cmdline = true; break;
	case 'j': a->json = true; break;
	case ARGP_KEY_END:
		if ((a->initrd || a->append || a->reuse_cmdline) && !a->kernel)
			argp_error(state, "--initrd, --append and --reuse-cmdline go with --kernel");
		if (a->append && a->reuse_cmdline)
			argp_error(state, "--append and --reuse-cmdline exclude each other");
		if (a->kernel && a->stage)
			argp_error(state, "--stage copies the loaded image's own files; "
				   "it does not take --kernel");
		if (a->unload_on_failure && (a->stage || a->dry_run))
			argp_error(state, "--unload-on-failure goes with an exec that executes, "
				   "not with --stage or --dry-run");
		break;
	case ARGP_KEY_ARG: argp_error(state, "unexpected argument '%s'", arg); break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char exec_doc[] =
	"Execute the loaded kexec image so that the next kernel's IMA log replays "
	"PCR 10: on kernels that snapshot the list at load, reload the same kernel, "
	"initramfs and command line right before executing; on kernels without "
	"CONFIG_IMA_KEXEC, write the whole list to the carry directory first (the "
	"next boot replays it with 'verify --prior'); on kernels that copy at "
	"execute, check the fit and execute. Needs 'attach --guard'. Returns only "
	"if the kexec did not happen.\v"
	"Exit: 0 dry run; 1 the guard refused every attempt (nothing executed); "
	"2 error (nothing executed); 77/78/79 as for the other commands.\n"
	"Examples:\n"
	"  imakexec-trace exec --dry-run\n"
	"  imakexec-trace exec\n"
	"  imakexec-trace exec --carry-dir /var/lib/imakexec/carry --retries 5\n"
	"  imakexec-trace exec --remount --kmsg   (the systemd-shutdown hook)\n"
	"  imakexec-trace exec --stage            (before /boot is unmounted)\n"
	"  imakexec-trace exec --kernel /vmlinuz --initrd /initrd.img --reuse-cmdline\n";


static bool kexec_loaded(struct exec_ctx *x)
{
	char p[PATH_MAX];
	uint64_t loaded;

	ikt_sys_path(&x->env, "/sys/kernel/kexec_loaded", p, sizeof(p));
	return !ikt_read_u64(p, &loaded) && loaded;
}


static int prepare(struct exec_ctx *x)
{
	int ret;

	if ((ret = ikt_tracker_read(&x->t, &x->s, &x->c)))
		goto read_failed;
	if (!x->c.guard) {
		p_err("the kexec guard is not armed, so nothing would stop a "
			"measurement between this step and the kernel switch: run "
			"'imakexec-trace detach', then 'imakexec-trace attach --guard'");
		return IKT_EXIT_ERROR;
	}
	if (!kexec_loaded(x)) {
		p_err("no kexec image loaded: load one with kexec -s -l first");
		return IKT_EXIT_ERROR;
	}
	switch (x->c.carry_mode) {
	case IKT_CARRY_EXECUTE:
		x->plan = PLAN_EXECUTE;
		if (x->a->kernel)
			goto reload;	/* replace the loaded image by a file load */
		if (x->s.kexec_state == IKT_KEXEC_LEGACY) {
			p_err("the image was loaded with the legacy kexec_load, "
				"which never hands the list over: load it with kexec -s -l "
				"while attached; no kexec");
			return IKT_EXIT_ERROR;
		}
		return 0;
	case IKT_CARRY_NONE:
		x->plan = PLAN_CARRY;
		if (x->a->carry_dir[0] == '/' &&
		    (ret = ikt_remount_probe(x->a->carry_dir, &x->rm))) {
			p_err("cannot find the file system of the carry "
				"directory %s: %s; no kexec", x->a->carry_dir,
				strerror(-ret));
			return IKT_EXIT_ERROR;
		}
		if (x->rm.readonly) {
			if (!x->a->remount) {
				p_err("the carry directory %s is on a read-only "
					"file system (%s): pass --remount to make it writable "
					"for the carry, or --carry-dir; no kexec",
					x->a->carry_dir, x->rm.mnt);
				return IKT_EXIT_ERROR;
			}
			/* its flags now; the directory once writable, in attempt() */
			return ikt_remount_check(&x->rm);
		}
		return ikt_carry_dir(x->a->carry_dir);
	default:
		break;
	}
reload:
	return exec_prepare_reload(x);
read_failed:
	p_err("cannot read the tracker's state: %s", strerror(errno));
	return IKT_EXIT_ERROR;
}


/* write the carry's entry count into the pinned config for the guard */
static void edit_carry(const struct exec_ctx *x, struct ikt_config *c, bool on)
{
	c->carry_valid = on;
	c->carry_count = on ? x->carry_count : 0;
}

/* the pre-seal: from here to the execute, every other task's measured
 * operation is denied, so none lands between the new snapshot (or carry)
 * and the guard's decision. The BPF side ends it when this process exits,
 * killed or not, and at the deadline even if it hangs. */
static void edit_preseal(const struct exec_ctx *x, struct ikt_config *c, bool on)
{
	struct timespec ts;

	(void)x;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	c->preseal_tgid = on ? (uint32_t)getpid() : 0;
	if (on)		/* this pre-seal's own: an older holder's exit is not its end */
		c->preseal_gen++;
	c->preseal_until_ns = on ? ((uint64_t)ts.tv_sec + IKT_PRESEAL_MAX_S) * 1000000000ull +
				   (uint64_t)ts.tv_nsec : 0;
}

/* read-modify-write of the pinned config under the pin lock */
static int update_config(struct exec_ctx *x, void (*edit)(const struct exec_ctx *,
							   struct ikt_config *, bool),
			 bool on, const char *what)
{
	int lock = ikt_pin_lock(IKT_PIN_DIR), ret = 0;

	if (lock < 0)
		return IKT_EXIT_ERROR;
	if (ikt_tracker_read(&x->t, NULL, &x->c)) {
		ret = IKT_EXIT_ERROR;
	} else {
		edit(x, &x->c, on);
		if (ikt_tracker_write_config(&x->t, &x->c))
			ret = IKT_EXIT_ERROR;
	}
	if (ret)
		p_err("cannot update the guard's %s: %s; no kexec", what, strerror(errno));
	close(lock);
	return ret;
}

static int arm_carry(struct exec_ctx *x, bool valid)
{
	return update_config(x, edit_carry, valid, "carry");
}

static int preseal(struct exec_ctx *x, bool on)
{
	int ret = update_config(x, edit_preseal, on, "pre-seal");

	if (!ret && on && ikt_tracker_read(&x->t, &x->s0, NULL))
		ret = IKT_EXIT_ERROR;
	x->presealed = on && !ret;
	if (x->presealed && !x->preseal_taken)
		x->preseal_at_ms = exec_elapsed_ms(x);
	x->preseal_taken |= x->presealed;
	return ret;
}


/* a refusal that another reload or carry can undo: something was measured
 * or was being measured in between; the others stay whatever exec does */
static bool retry_helps(uint32_t reason)
{
	switch (reason) {
	case IKT_G_INFLIGHT:
	case IKT_G_HASHING:
	case IKT_G_LOAD_INFLIGHT:
	case IKT_G_GAP:
	case IKT_G_NOT_CARRIED:
	case IKT_G_NO_COUNT:
		return true;
	default:
		return false;
	}
}

/* one attempt; returns only if the kexec did not happen: 0 refused by
 * the guard (retry), -1 refused for a reason a retry cannot change, an
 * exit code otherwise */
static int attempt(struct exec_ctx *x)
{
	char held[160] = "";
	int ret;

	if (x->plan == PLAN_RELOAD) {
		unsigned long flags = x->ifd < 0 ? KEXEC_FILE_NO_INITRAMFS : 0;

		if (syscall(SYS_kexec_file_load, x->kfd, x->ifd, (unsigned long)x->li.cmdline_len,
			    x->li.cmdline_len ? x->li.cmdline : NULL, flags)) {
			p_err("reloading %s failed: %s; the image loaded "
				"before is gone, load one again; no kexec",
				x->li.kernel.path, strerror(errno));
			return IKT_EXIT_ERROR;
		}
	} else if (x->plan == PLAN_CARRY) {
		if ((ret = ikt_remount_rw(&x->rm)))
			return ret;
		/* checked in prepare() unless it was read-only then */
		ret = x->rm.readonly ? ikt_carry_dir(x->a->carry_dir) : 0;
		if (!ret)
			ret = ikt_carry_write(x->a->carry_dir, IMA_DEFAULT_LOG, &x->pre, x->carry,
					      sizeof(x->carry), &x->carry_count);
		/* still writable: no kexec (the carry stays unarmed) */
		ret = ikt_remount_ro(&x->rm, ret);
		if (ret || (ret = arm_carry(x, true)))
			return ret;
	}
	if (x->presealed && !ikt_tracker_read(&x->t, &x->s, NULL))
		snprintf(held, sizeof(held), " (pre-sealed for the last %.1f ms: %" PRIu64
			 " operations of other processes denied, %" PRIu64 " of their "
			 "measurements landed)", exec_elapsed_ms(x) - x->preseal_at_ms,
			 (uint64_t)(x->s.preseal_denied - x->s0.preseal_denied),
			 (uint64_t)(x->s.preseal_appends - x->s0.preseal_appends));
	if (x->plan == PLAN_CARRY)
		p_info("%s done in %.1f ms (%" PRIu64 " entries to %s)%s; executing",
		       plan_str[x->plan], exec_elapsed_ms(x), x->carry_count, x->carry, held);
	else
		p_info("%s done in %.1f ms%s; executing", plan_str[x->plan], exec_elapsed_ms(x), held);
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	if (errno != EPERM) {
		p_err("kexec failed: %s; no kexec", strerror(errno));
		return IKT_EXIT_ERROR;
	}
	if (ikt_tracker_read(&x->t, &x->s, NULL))
		return IKT_EXIT_ERROR;
	if (x->attempts < ARRAY_SIZE(x->refusals))
		x->refusals[x->attempts] = x->s.guard_last_reason;
	p_info("attempt %u refused by the guard: %s (%s)",
		x->attempts + 1, ikt_guard_reason_str(x->s.guard_last_reason),
		ikt_guard_reason_why(x->s.guard_last_reason));
	if ((x->s.guard_last_reason == IKT_G_INFLIGHT && x->s.inflight_untracked) ||
	    (x->s.guard_last_reason == IKT_G_HASHING && x->s.hashing_untracked)) {
		p_info("%" PRIu64 " append(s) and %" PRIu64 " measurement(s) entered IMA "
		       "without the tracker recording them: the guard refuses every kexec "
		       "from then on; detach and attach --guard again",
		       (uint64_t)x->s.inflight_untracked, (uint64_t)x->s.hashing_untracked);
		return -1;
	}
	if (x->presealed)
		p_info("pre-seal so far: %" PRIu64 " operations of other processes denied, "
		       "%" PRIu64 " of their measurements landed (past their LSM check "
		       "before it)", (uint64_t)(x->s.preseal_denied - x->s0.preseal_denied),
		       (uint64_t)(x->s.preseal_appends - x->s0.preseal_appends));
	return retry_helps(x->s.guard_last_reason) ? 0 : -1;
}

static void report(const struct exec_ctx *x, const char *result)
{
	struct json_writer w;

	if (!x->a->json) {
		if (x->a->dry_run) {
			printf("exec: would %s", plan_str[x->plan]);
			if (x->plan == PLAN_RELOAD)
				printf(" %s (initramfs %s, command line %u bytes), then execute",
				       x->li.kernel.path, x->li.initrd.path_len ? x->li.initrd.path :
				       "none", x->li.cmdline_len);
			else if (x->plan == PLAN_CARRY)
				printf(" the list to %s/<boot id>.bin%s, then execute", x->a->carry_dir,
				       x->rm.readonly ? " (remounting its read-only file system "
				       "read-write for the write)" : "");
			printf("; the guard judges the execute\n");
		} else {
			printf("exec: %s: %u attempts, nothing executed\n", result, x->attempts);
		}
		return;
	}
	jw_init(&w, stdout);
	jw_object_start(&w);
	jw_kv_u64(&w, "version", 1);
	jw_kv_string(&w, "plan", plan_str[x->plan]);
	jw_kv_bool(&w, "dry_run", x->a->dry_run);
	if (x->plan == PLAN_RELOAD) {
		jw_kv_bytes(&w, "kernel", x->li.kernel.path, strlen(x->li.kernel.path));
		if (x->li.initrd.path_len)
			jw_kv_bytes(&w, "initramfs", x->li.initrd.path, strlen(x->li.initrd.path));
		else {
			jw_key(&w, "initramfs");
			jw_null(&w);
		}
		jw_kv_bytes(&w, "cmdline", x->li.cmdline, strnlen(x->li.cmdline, sizeof(x->li.cmdline)));
		jw_kv_bool(&w, "from_staged_copy", x->kstaged || x->istaged);
	}
	if (x->plan == PLAN_CARRY) {
		jw_kv_string(&w, "carry_dir", x->a->carry_dir);
		jw_kv_bool(&w, "carry_fs_readonly", x->rm.readonly);
	}
	if (!x->a->dry_run) {
		jw_kv_string(&w, "result", result);
		jw_kv_u64(&w, "attempts", x->attempts);
		jw_key(&w, "refusals");
		jw_array_start(&w);
		for (unsigned int i = 0; i < x->attempts && i < 16; i++)
			jw_string(&w, ikt_guard_reason_str(x->refusals[i]));
		jw_array_end(&w);
		if (x->gave_up.known)
			ikt_inflight_json(&w, &x->gave_up);
		jw_key(&w, "preseal");
		if (x->preseal_taken) {
			jw_object_start(&w);
			jw_kv_u64(&w, "denied", x->s.preseal_denied - x->s0.preseal_denied);
			jw_kv_u64(&w, "landed", x->s.preseal_appends - x->s0.preseal_appends);
			jw_object_end(&w);
		} else {
			jw_null(&w);
		}
	}
	jw_object_end(&w);
	jw_finish(&w);
}

/* --stage: keep copies of what a reload at the last moment reads */
static int stage(struct exec_ctx *x)
{
	char p[PATH_MAX];
	int ret;

	if (x->plan != PLAN_RELOAD) {
		printf("exec: nothing to stage: the plan is %s, which reads no image file\n",
		       plan_str[x->plan]);
		return 0;
	}
	if ((ret = ikt_stage_save(x->kfd, &x->li.kernel, "kernel")))
		return ret;
	if (x->ifd >= 0 && (ret = ikt_stage_save(x->ifd, &x->li.initrd, "initramfs")))
		return ret;
	ikt_stage_path(&x->li.kernel, "kernel", p, sizeof(p));
	printf("exec: staged the kernel %s (%" PRId64 " bytes)%s%s for the reload at "
	       "execute, in %s\n", x->li.kernel.path, (int64_t)x->li.kernel.size,
	       x->ifd >= 0 ? " and the initramfs " : "", x->ifd >= 0 ? x->li.initrd.path : "",
	       IKT_STAGE_DIR);
	return 0;
}

int cmd_exec(int argc, char **argv)
{
	struct exec_args a = { .carry_dir = IKT_CARRY_DIR, .retries = 3 };
	struct argp argp = { exec_opts, exec_parse, NULL, exec_doc, NULL, NULL, NULL };
	struct exec_ctx *x;
	int ret;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	ikt_msg_json(a.json);
	x = calloc(1, sizeof(*x));
	if (!x)
		return IKT_EXIT_ERROR;
	x->a = &a;
	x->kfd = x->ifd = -1;
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	if (a.kmsg && (x->msgs = ikt_kmsg_tee(stderr, 4)) == stderr)
		x->msgs = NULL;		/* no tee: stderr alone */
	if (x->msgs)
		ikt_msg_stream(x->msgs);
	ikt_tracker_init(&x->t);
	ikt_env_probe(&x->env, NULL);
	ret = ikt_env_require(&x->env, IKT_NEED_PRIV | IKT_NEED_IMA | IKT_NEED_KEXEC |
			      IKT_NEED_BPFFS);
	if (ret)
		goto cleanup;
	if (a.stage && !kexec_loaded(x)) {
		printf("exec: no kexec image loaded; nothing to stage\n");
		goto cleanup;
	}
	ret = ikt_tracker_open_pinned(&x->t, &x->env, IKT_PIN_DIR);
	if (ret == IKT_EXIT_NOTATTACHED)
		p_err("not attached: run 'imakexec-trace attach --guard' "
			"before loading the image");
	if (ret || (ret = prepare(x)))
		goto cleanup;
	if (a.stage) {
		ret = stage(x);
		goto cleanup;
	}
	if (a.dry_run) {
		report(x, "dry-run");
		goto cleanup;
	}
	sync();
	/* the bulk of a long list is read before others are held off */
	if (x->plan == PLAN_CARRY && ikt_carry_prefetch(IMA_DEFAULT_LOG, &x->pre))
		p_info("reading the list ahead failed; the carry reads it whole");
	if (!a.no_preseal && (ret = preseal(x, true)))
		goto cleanup;
	for (x->attempts = 0; x->attempts <= a.retries; x->attempts++) {
		ret = attempt(x);
		/* an execute-copy kernel whose list outgrew the segment sized
		 * at load: a reload sizes a new one for the list (the pre-seal
		 * keeps it from growing again), then the execute is retried */
		if (ret == -1 && x->plan == PLAN_EXECUTE &&
		    x->s.guard_last_reason == IKT_G_OVERFLOW) {
			p_info("the list outgrew the segment the image was loaded with: "
			       "reloading it to size one for the list");
			if ((ret = exec_prepare_reload(x)))
				break;
			continue;
		}
		if (ret == -1) {	/* no use retrying */
			x->attempts++;
			ret = 0;
			break;
		}
		if (ret)
			break;
		if (exec_refusal_drains(x->s.guard_last_reason) && x->attempts < a.retries)
			exec_settle_inflight(x);
	}
	if (x->presealed)
		preseal(x, false);	/* else its deadline or our exit ends it */
	if (!ret) {	/* every attempt refused */
		ret = IKT_EXIT_FINDING;
		/* refused last for something in flight: what it was */
		if (exec_refusal_drains(x->s.guard_last_reason)) {
			p_info("gave up with these in flight:");
			exec_list_inflight(x, &x->gave_up);
		}
		report(x, "refused");
	}
	if (x->plan == PLAN_CARRY && x->c.carry_valid)
		arm_carry(x, false);	/* no stale carry may allow a later kexec */
cleanup:
	if (ret && a.unload_on_failure)
		exec_unload_image(&x->env);
	ikt_carry_pre_free(&x->pre);
	if (x->kfd >= 0)
		close(x->kfd);
	if (x->ifd >= 0)
		close(x->ifd);
	ikt_tracker_close(&x->t);
	if (x->msgs) {
		ikt_msg_stream(NULL);
		fclose(x->msgs);
	}
	free(x);
	return ret;
}
