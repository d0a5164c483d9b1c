// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* attach / detach: pinned tracking that outlives the process. */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "errors.h"
#include "commands.h"
#include "env.h"
#include "exitcodes.h"
#include "pindir.h"
#include "status_report.h"
#include "tracker.h"

struct attach_args {
	struct ikt_load_opts load;
	bool json;
	int usage_error;
};

static const struct argp_option attach_opts[] = {
	{ "ringbuf-kb", 'r', "KIB", 0, "event ring buffer size in KiB, power of two (default 256)", 0 },
	{ "guard", 'g', NULL, 0, "arm the kexec guard: refuse reboot(LINUX_REBOOT_CMD_KEXEC) "
	  "while the next kernel's log would not replay PCR 10 (needs the BPF LSM)", 0 },
	{ "json", 'j', NULL, 0, "print the resulting status as one JSON object", 0 },
	{ "verbose", 'v', NULL, 0, "show libbpf messages and the verifier log", 0 },
	{},
};

static error_t attach_parse(int key, char *arg, struct argp_state *state)
{
	struct attach_args *a = state->input;

	switch (key) {
	case 'r':
		if (ikt_parse_ringbuf_kb(arg, &a->load.ringbuf_kb))
			argp_error(state, "invalid --ringbuf-kb '%s': need a power of two from 4 to 1048576", arg);
		break;
	case 'g': a->load.guard = true; break;
	case 'j': a->json = true; break;
	case 'v': a->load.verbose = true; break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char attach_doc[] =
	"Load the tracker and pin its programs, links and maps under "
	IKT_PIN_DIR " so tracking survives this process. Idempotent: an existing "
	"pinned tracker is kept and reported.\v"
	"Examples:\n"
	"  imakexec-trace attach\n"
	"  imakexec-trace attach --guard\n"
	"  imakexec-trace attach --ringbuf-kb 4096 --json\n";

static bool guard_armed(const struct ikt_tracker *t)
{
	struct ikt_config c;

	return !ikt_tracker_read(t, NULL, &c) && c.guard &&
	       t->hooks.h[IKT_HOOK_GUARD].status == IKT_HOOK_ATTACHED;
}

int cmd_attach(int argc, char **argv)
{
	struct attach_args a = { .load = { .ringbuf_kb = IKT_RINGBUF_KB_DEFAULT } };
	struct argp argp = { attach_opts, attach_parse, NULL, attach_doc, NULL, NULL, NULL };
	struct ikt_tracker t;
	struct ikt_env env;
	int ret, lock;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	ikt_msg_json(a.json);
	ikt_env_probe(&env, NULL);
	ret = ikt_env_require(&env, IKT_NEED_PRIV | IKT_NEED_BTF | IKT_NEED_IMA |
			      IKT_NEED_KEXEC | IKT_NEED_BPFFS);
	if (ret)
		return ret;
	ikt_tracker_init(&t);
	/* a concurrent attach waits here, then finds this one's pins */
	lock = ikt_pin_lock(IKT_PIN_DIR);
	if (lock < 0)
		return IKT_EXIT_ERROR;
	ret = ikt_pins_present(IKT_PIN_DIR);
	if (ret == 1) {
		p_info("already attached (%s); keeping it", IKT_PIN_DIR);
		goto report;
	}
	if (ret)
		goto cleanup;
	ret = ikt_tracker_load(&t, &env, &a.load);
	if (ret)
		goto cleanup;
	ret = ikt_tracker_pin(&t, IKT_PIN_DIR);
	if (ret)
		goto cleanup;
	ikt_tracker_close(&t);
report:
	ret = ikt_tracker_open_pinned(&t, &env, IKT_PIN_DIR);
	if (!ret && a.load.guard && !guard_armed(&t)) {
		p_err("already attached without the kexec guard (%s); "
			"run 'imakexec-trace detach', then 'imakexec-trace attach --guard'",
			IKT_PIN_DIR);
		ret = IKT_EXIT_ERROR;
	}
	if (!ret)
		ret = ikt_status_report(stdout, &t, &env, a.json);
cleanup:
	ikt_tracker_close(&t);
	close(lock);
	return ret;
}

static error_t detach_parse(int key, char *arg, struct argp_state *state)
{
	if (key == ARGP_KEY_ARG)
		argp_error(state, "unexpected argument '%s'", arg);
	return ARGP_ERR_UNKNOWN;
}

int cmd_detach(int argc, char **argv)
{
	static const char doc[] = "Remove the pinned tracker from " IKT_PIN_DIR
		"; nothing is left behind. Harmless when not attached.\v"
		"Example:\n  imakexec-trace detach\n";
	struct argp argp = { NULL, detach_parse, NULL, doc, NULL, NULL, NULL };
	struct ikt_env env;
	int ret, was, lock;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return IKT_EXIT_USAGE;
	ikt_env_probe(&env, NULL);
	ret = ikt_env_require(&env, IKT_NEED_PRIV);
	if (ret)
		return ret;
	lock = ikt_pin_lock(IKT_PIN_DIR);
	if (lock < 0)
		return IKT_EXIT_ERROR;
	was = ikt_pins_present(IKT_PIN_DIR);
	ret = was > 1 ? was : ikt_unpin(IKT_PIN_DIR);
	close(lock);
	if (ret)
		return ret;
	printf("%s\n", was ? "detached: tracking stopped, pins removed"
			   : "not attached: nothing to remove");
	return IKT_EXIT_OK;
}
