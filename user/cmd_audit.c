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

#define HUMAN_LIST_MAX 50

struct audit_args {
	bool json;
	bool all;		/* list every at-risk entry in human output */
	const char *save;	/* --save FILE */
	const char *prom;	/* --prometheus FILE */
	const char *log;	/* --log FILE (tests) */
};

struct risk_entry {
	uint64_t seq;
	uint32_t pcr;
	bool violation;
	uint8_t digest[IMALOG_DIGEST_SIZE];
	char tmpl[IMALOG_NAME_MAX + 1];
	char *name;
	size_t name_len;
};

struct risk_list {
	struct risk_entry *e;
	size_t n, cap;
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

static int risk_add(struct risk_list *l, const struct ima_record *r)
{
	struct risk_entry *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = realloc(l->e, cap * sizeof(*l->e));

		if (!p)
			return -ENOMEM;
		l->e = p;
		l->cap = cap;
	}
	e = &l->e[l->n];
	memset(e, 0, sizeof(*e));
	e->seq = r->index;
	e->pcr = r->pcr;
	e->violation = r->violation;
	memcpy(e->digest, r->digest, sizeof(e->digest));
	snprintf(e->tmpl, sizeof(e->tmpl), "%s", r->template_name);
	e->name = malloc(r->event_name_len + 1);
	if (!e->name)
		return -ENOMEM;
	memcpy(e->name, r->event_name ? r->event_name : "", r->event_name_len);
	e->name[r->event_name_len] = '\0';
	e->name_len = r->event_name_len;
	l->n++;
	return 0;
}

static void risk_free(struct risk_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].name);
	free(l->e);
}

/* bytes the kernel counts for this entry when sizing the kexec buffer */
static uint64_t kernel_record_bytes(const struct ima_record *r)
{
	return 4 + IMALOG_DIGEST_SIZE + 4 + strlen(r->template_name) + 4 + r->data_len;
}

/* Stop after `limit` at-risk entries (0: read them all) when nothing else
 * needs the rest: the entries at risk are then all from lost_from on, so
 * the live count says how many more there are without reading them. */
static int scan_log(struct ikt_audit *au, const struct ikt_env *env, const char *path,
		    uint64_t limit, struct risk_list *rl)
{
	const struct ikt_audit plan = *au;
	uint64_t skip = plan.skip_count;
	struct ima_record r;
	struct imalog l;
	char err[IMALOG_ERR_LEN];
	bool seeked = false, stopped = false;
	char p[PATH_MAX];
	uint64_t live;
	int ret;

	if (au->check_fit || path)
		limit = 0;
	if (au->skip_all) {
		au->log_count = au->count;
		ikt_audit_finish(au);
		return 0;
	}
again:
	ret = imalog_open(&l, path);
	if (ret) {
		p_err("cannot open %s: %s",
			path ? path : IMA_DEFAULT_LOG, strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	/* the live list only: a saved copy need not start like the snapshot */
	*au = plan;
	au->read_from = 0;
	if (!path && skip && !imalog_seek(&l, plan.skip_bytes, skip)) {
		seeked = true;
		au->log_count = au->read_from = skip;
	} else if (au->check_fit) {
		au->list_bytes -= plan.skip_bytes;	/* read and counted below */
	}
	while ((ret = imalog_next(&l, &r)) == 1) {
		if (!ikt_audit_entry(au, r.index, kernel_record_bytes(&r)))
			continue;
		if (!r.is_ima && imalog_parse_template_data(&r, err, sizeof(err))) {
			p_err("%s: record %" PRIu64
				" at offset %" PRIu64 ": %s", l.label, r.index, r.offset, err);
			ret = -1;
			break;
		}
		if (risk_add(rl, &r)) {
			p_err("out of memory listing entries");
			ret = -1;
			break;
		}
		if (limit && rl->n >= limit) {
			stopped = true;
			break;
		}
	}
	if (ret < 0 && seeked) {	/* not a record boundary after all: read it all */
		imalog_close(&l);
		risk_free(rl);
		memset(rl, 0, sizeof(*rl));
		skip = 0;
		seeked = false;
		goto again;
	}
	if (ret < 0 && l.err[0])
		p_err("%s", l.err);
	imalog_close(&l);
	if (ret < 0)
		return IKT_EXIT_ERROR;
	if (stopped) {
		ikt_ima_path(env, "runtime_measurements_count", p, sizeof(p));
		if (!ikt_read_u64(p, &live) && live > au->log_count) {
			au->at_risk += live - au->log_count;
			au->log_count = live;
		}
	}
	ikt_audit_finish(au);
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

static int save_record(const char *path, const struct risk_list *rl)
{
	char boot[RECORD_BOOT_ID_MAX];
	struct ikt_afile out;
	FILE *f;
	int ret;

	if ((ret = record_boot_id(BOOT_ID_PATH, boot, sizeof(boot)))) {
		p_err("cannot read %s: %s",
			BOOT_ID_PATH, strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	if (ikt_afile_open(&out, path, 0600))
		return IKT_EXIT_ERROR;
	f = out.f;
	ret = record_write_header(f, boot, (uint64_t)time(NULL));
	for (size_t i = 0; !ret && i < rl->n; i++) {
		const struct risk_entry *e = &rl->e[i];

		ret = record_write_entry(f, e->seq, e->pcr, e->digest, e->tmpl,
					 e->name, e->name_len);
	}
	if (!ret)
		ret = record_write_end(f, rl->n);
	if (ret) {
		p_err("writing %s failed: %s", path,
			strerror(errno ? errno : EIO));
		ikt_afile_abort(&out);
		return IKT_EXIT_ERROR;
	}
	return ikt_afile_commit(&out) ? IKT_EXIT_ERROR : 0;
}

static void print_json(const struct ikt_audit *au, const struct ikt_view *v,
		       const struct risk_list *rl, const char *saved)
{
	struct json_writer w;

	jw_init(&w, stdout);
	jw_object_start(&w);
	jw_kv_u64(&w, "version", 1);
	jw_kv_string(&w, "verdict", ikt_verdict_str(au->verdict));
	jw_kv_string(&w, "reason", au->why);
	jw_kv_string(&w, "carry_mode", ikt_carry_mode_str(v->mode));
	jw_kv_string(&w, "kexec_state", ikt_kexec_state_str(v->normal));
	jw_kv_u64(&w, "ima_count", au->log_count);
	jw_kv_u64_or_null(&w, "list_read_from", au->read_from != UINT64_MAX, au->read_from);
	jw_kv_u64(&w, "at_risk", au->at_risk);
	jw_kv_u64_or_null(&w, "first_lost_seq", au->at_risk, au->lost_from);
	jw_kv_u64_or_null(&w, "segment_size", au->check_fit, au->segment_size);
	jw_kv_u64_or_null(&w, "list_bytes", au->check_fit, au->list_bytes);
	jw_key(&w, "entries");
	jw_array_start(&w);
	for (size_t i = 0; i < rl->n; i++) {
		const struct risk_entry *e = &rl->e[i];

		jw_object_start(&w);
		jw_kv_u64(&w, "seq", e->seq);
		jw_kv_u64(&w, "pcr", e->pcr);
		jw_key(&w, "digest");
		jw_hex(&w, e->digest, sizeof(e->digest));
		jw_kv_string(&w, "template", e->tmpl);
		jw_kv_bytes(&w, "name", e->name, e->name_len);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_key(&w, "saved");
	if (saved)
		jw_string(&w, saved);
	else
		jw_null(&w);
	jw_object_end(&w);
	jw_finish(&w);
}

static void print_human(const struct ikt_audit *au, const struct ikt_view *v,
			const struct risk_list *rl, const char *saved, bool all)
{
	size_t shown = all ? rl->n : (rl->n < HUMAN_LIST_MAX ? rl->n : HUMAN_LIST_MAX);

	printf("verdict: %s", ikt_verdict_str(au->verdict));
	switch (au->verdict) {
	case IKT_V_GAP:
		printf(": %" PRIu64 " measurements since the load snapshot will be lost", au->at_risk);
		break;
	case IKT_V_LOSS_ALL:
		printf(": all %" PRIu64 " measurements will be lost", au->at_risk);
		break;
	case IKT_V_OVERFLOW:
		printf(": list (%" PRIu64 " bytes) no longer fits the segment (%" PRIu64
		       " bytes): %" PRIu64 " entries will be cut",
		       au->list_bytes, au->segment_size, au->at_risk);
		break;
	default:
		break;
	}
	printf("\n  %s\n  carry mode %s, kexec image %s, %" PRIu64 " entries in the list\n",
	       au->why, ikt_carry_mode_str(v->mode), ikt_kexec_state_str(v->normal),
	       au->log_count);
	if (rl->n)
		printf("  %-7s %-3s %-40s %-8s %s\n", "seq", "pcr", "template digest (sha1)",
		       "template", "name");
	for (size_t i = 0; i < shown; i++) {
		const struct risk_entry *e = &rl->e[i];
		char name[4 * 256 + 1];

		ikt_escape(e->name, e->name_len, name, sizeof(name));
		printf("  %-7" PRIu64 " %-3u ", e->seq, e->pcr);
		for (size_t b = 0; b < sizeof(e->digest); b++)
			printf("%02x", e->digest[b]);
		printf(" %-8s %s\n", e->tmpl, name);
	}
	if (shown < au->at_risk)
		printf("  ... %" PRIu64 " more (--all lists them, --json gives all)\n",
		       au->at_risk - shown);
	if (saved)
		printf("  pre-reboot record saved to %s (use: imakexec-trace verify --record %s)\n",
		       saved, saved);
}

static int audit_metrics(const char *path, const struct ikt_state *s,
			 const struct ikt_view *v, const struct ikt_audit *au)
{
	struct prom_writer w;
	int ret = prom_open(&w, path);

	if (ret)
		return ret;
	ikt_metrics_tracker(&w, s, v);
	ikt_metrics_verdict(&w, "imakexec_audit_verdict",
			    "Last audit verdict (1 for the current one).", au->verdict);
	prom_metric(&w, "imakexec_audit_at_risk_entries", "gauge",
		    "Entries the last audit found would be lost.", NULL, (double)au->at_risk);
	return prom_commit(&w);
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
	struct risk_list rl = {};
	struct ikt_tracker t;
	struct ikt_state s;
	struct ikt_config c;
	char stale[384];
	struct ikt_view v;
	struct ikt_audit au;
	struct ikt_env env;
	char p[PATH_MAX];
	uint64_t loaded;
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
	if ((ret = scan_log(&au, &env, a.log, a.json || a.all || a.save ? 0 : HUMAN_LIST_MAX, &rl)))
		goto cleanup;
	if (a.save && (ret = save_record(a.save, &rl)))
		goto cleanup;
	if (a.json)
		print_json(&au, &v, &rl, a.save);
	else
		print_human(&au, &v, &rl, a.save, a.all);
	if (a.prom && audit_metrics(a.prom, &s, &v, &au)) {
		ret = IKT_EXIT_ERROR;
		goto cleanup;
	}
	ret = ikt_verdict_exit_code(au.verdict);
cleanup:
	risk_free(&rl);
	ikt_tracker_close(&t);
	return ret;
}
