// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* audit: go/no-go right before kexec -e / systemctl kexec. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "errors.h"
#include "atomicfile.h"
#include "audit.h"
#include "audit_report.h"
#include "commands.h"
#include "env.h"
#include "escape.h"
#include "exitcodes.h"
#include "imalog.h"
#include "json_writer.h"
#include "metrics.h"
#include "record.h"
#include "sysfs.h"
#include "tracker.h"

struct audit_args {
	bool json;
	bool all;		/* list every at-risk entry in human output */
	const char *save;	/* --save FILE */
	const char *prom;	/* --prometheus FILE */
	const char *log;	/* --log FILE (tests) */
};

static const struct argp_option audit_opts[] = {
	{ "json", 'j', NULL, 0, "one JSON object (schema in README)", 0 },
	{ "all", 'a', NULL, 0, "list every at-risk entry (human output lists 50)", 0 },
	{ "save", 's', "FILE", 0, "write the pre-reboot record for 'verify --record'", 0 },
	{ "prometheus", 'p', "FILE", 0, "write node_exporter textfile metrics to FILE", 0 },
	{ "log", 'l', "FILE", 0, "read the binary list from FILE instead of securityfs", 0 },
	{},
};

static error_t audit_parse(int key, char *arg, struct argp_state *state)
{
	struct audit_args *a = state->input;

	switch (key) {
	case 'j': a->json = true; break;
	case 'a': a->all = true; break;
	case 's': a->save = arg; break;
	case 'p': a->prom = arg; break;
	case 'l': a->log = arg; break;
	case ARGP_KEY_ARG: argp_error(state, "unexpected argument '%s'", arg); break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* programs whose records the verdict is computed from */
static bool feeds_verdict(int hook)
{
	switch (hook) {
	case IKT_HOOK_ADD_EXIT:
	case IKT_HOOK_SNAPSHOT:
	case IKT_HOOK_FILE_LOAD:
	case IKT_HOOK_LEGACY_LOAD:
	case IKT_HOOK_COPY:
		return true;
	default:
		return false;
	}
}

static int save_record(const char *path, const struct ikt_risk_list *rl)
{
	char boot[RECORD_BOOT_ID_MAX];
	struct ikt_afile out;
	int ret;

	if ((ret = record_boot_id(BOOT_ID_PATH, boot, sizeof(boot)))) {
		p_err("cannot read %s: %s", BOOT_ID_PATH, strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	if (ikt_afile_open(&out, path, 0600))
		return IKT_EXIT_ERROR;
	if (record_write(out.f, boot, (uint64_t)time(NULL), rl->e, rl->n)) {
		p_err("writing %s failed: %s", path, strerror(errno ? errno : EIO));
		ikt_afile_abort(&out);
		return IKT_EXIT_ERROR;
	}
	return ikt_afile_commit(&out) ? IKT_EXIT_ERROR : 0;
}

int cmd_audit(int argc, char **argv)
{
	static const char doc[] = "Go/no-go before kexec: reads the pinned tracker, "
		"securityfs, /sys/kernel/kexec_loaded and the kernel's capabilities, "
		"and says whether the next kernel's IMA log will miss measurements.\n"
		"Verdicts: SAFE, NOT-LOADED (exit 0); GAP, LOSS-ALL, OVERFLOW (exit 1); "
		"UNKNOWN or error (exit 2).\v"
		"Examples:\n"
		"  imakexec-trace audit && kexec -e\n"
		"  imakexec-trace audit --save /var/lib/imakexec/pre-kexec.record\n"
		"  imakexec-trace audit --json | jq .entries\n";
	struct audit_args a = {};
	struct argp argp = { audit_opts, audit_parse, NULL, doc, NULL, NULL, NULL };
	struct ikt_risk_list rl = {};
	struct ikt_tracker t;
	struct ikt_state s;
	struct ikt_config c;
	char stale[384];
	struct ikt_view v;
	struct ikt_audit au;
	struct ikt_env env;
	char p[PATH_MAX];
	uint64_t loaded, live;
	int ret, kl;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	ikt_msg_json(a.json);
	ret = ikt_tracker_open_cmd(&t, &env, IKT_NEED_PRIV | IKT_NEED_BTF | IKT_NEED_IMA |
				   IKT_NEED_KEXEC);
	if (ret == IKT_EXIT_NOTATTACHED) {
		p_err("UNKNOWN: not attached, so loads and "
			"measurements were not tracked: run 'imakexec-trace attach', then "
			"reload the image with kexec -s -l");
		ret = IKT_EXIT_ERROR;
	}
	if (ret)
		goto cleanup;
	if ((ret = ikt_tracker_read(&t, &s, &c))) {
		p_err("cannot read tracker state: %s",
			strerror(-ret));
		ret = IKT_EXIT_ERROR;
		goto cleanup;
	}
	ikt_view_compute(&v, &s, &c, t.hooks.mode, ikt_ima_count(&env));
	ikt_sys_path(&env, "/sys/kernel/kexec_loaded", p, sizeof(p));
	kl = ikt_read_u64(p, &loaded) ? -1 : loaded != 0;
	ikt_audit_plan(&au, &v, &s, kl);
	/* the verdict rests on what the programs recorded: if one that feeds it
	 * lost its link (pins removed), the state is stale, not evidence */
	for (int i = 0; i < IKT_HOOK_COUNT && au.verdict != IKT_V_UNKNOWN; i++) {
		const struct ikt_hook *h = &t.hooks.h[i];

		if (h->status == IKT_HOOK_FAILED && feeds_verdict(i)) {
			au.verdict = IKT_V_UNKNOWN;
			au.check_fit = false;	/* nothing may settle it later */
			snprintf(stale, sizeof(stale), "%s is no longer attached (%s), so the "
				 "tracker's state is stale: run 'imakexec-trace detach', then "
				 "'imakexec-trace attach' and reload the image", h->prog, h->reason);
			au.why = stale;
		}
	}
	/* the default human output shows the first HUMAN_LIST_MAX only */
	if ((ret = ikt_audit_scan(&au, a.log, a.json || a.all || a.save ? 0 : IKT_AUDIT_HUMAN_MAX,
				  &rl)))
		goto cleanup;
	if (au.stopped) {
		ikt_ima_path(&env, "runtime_measurements_count", p, sizeof(p));
		if (!ikt_read_u64(p, &live))
			ikt_audit_unread(&au, live);
	}
	ikt_audit_finish(&au);
	if (a.save && (ret = save_record(a.save, &rl)))
		goto cleanup;
	if (a.json)
		ikt_audit_print_json(&au, &v, &rl, a.save);
	else
		ikt_audit_print_human(&au, &v, &rl, a.save, a.all);
	if (a.prom && ikt_audit_metrics(a.prom, &s, &v, &au)) {
		ret = IKT_EXIT_ERROR;
		goto cleanup;
	}
	ret = ikt_verdict_exit_code(au.verdict);
cleanup:
	ikt_risk_free(&rl);
	ikt_tracker_close(&t);
	return ret;
}
