// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* status: what is traced, the counts, kexec state and the gap window. */
#include <argp.h>
#include <stdio.h>
#include "errors.h"
#include "commands.h"
#include "env.h"
#include "exitcodes.h"
#include "inflight.h"
#include "status_report.h"
#include "tracker.h"

static const struct argp_option status_opts[] = {
	{ "json", 'j', NULL, 0, "one JSON object (schema in README)", 0 },
	{},
};

static error_t status_parse(int key, char *arg, struct argp_state *state)
{
	bool *json = state->input;

	switch (key) {
	case 'j': *json = true; break;
	case ARGP_KEY_ARG: argp_error(state, "unexpected argument '%s'", arg); break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const char doc[] = "Show the pinned tracker: hooks attached or missing, "
		"IMA entry count, kexec state, load snapshot and the gap window.\v"
		"Examples:\n  imakexec-trace status\n  imakexec-trace status --json | jq .gap\n";
	struct argp argp = { status_opts, status_parse, NULL, doc, NULL, NULL, NULL };
	struct ikt_tracker t;
	struct ikt_env env;
	bool json = false;
	int ret;

	if (argp_parse(&argp, argc, argv, 0, NULL, &json))
		return IKT_EXIT_USAGE;
	ikt_msg_json(json);
	ret = ikt_tracker_open_cmd(&t, &env, IKT_NEED_PRIV | IKT_NEED_BTF | IKT_NEED_IMA);
	if (ret == IKT_EXIT_NOTATTACHED)
		p_err("not attached (nothing pinned in %s): "
			"run 'imakexec-trace attach'", IKT_PIN_DIR);
	else if (!ret) {
		ikt_inflight_open(&t);	/* best effort: the records are listed if found */
		ret = ikt_status_report(stdout, &t, &env, json);
	}
	ikt_tracker_close(&t);
	return ret;
}
