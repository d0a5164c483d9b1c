// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* evidence: on the machine, a TPM2 quote of PCR 10 in every active bank
 * with the verifier's nonce, then the chain of logs read after it (the
 * carries `exec` left in the carry directory, oldest first, and the
 * current list), the boot ids and the TPM's clock, in one evidence file
 * (format in user/evidence/evfile.h and README) written atomically.
 *
 * Which carries and in which order: a carry is a whole list named after
 * the boot that wrote it (a random boot id), so its name says nothing of
 * order, and carries of an earlier chain (before a cold boot) stay in the
 * directory. The candidates are ordered by modification time (each is
 * written right before its boot's kexec), then the longest newest run of
 * them that, followed by the current list, replays to the quoted PCR
 * values in every bank is taken (older ones are left out as stale). If
 * none does, all are taken in that order and the verifier says why. The
 * order used is recorded in the file (CARRY sections in chain order);
 * --prior FILE... gives it explicitly instead. */
#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "atomicfile.h"
#include "carry.h"
#include "commands.h"
#include "errors.h"
#include "evfile.h"
#include "evreport.h"
#include "evverify.h"
#include "exitcodes.h"
#include "listbuf.h"
#include "quote.h"
#include "record.h"
#include "tpm.h"
#include "verify.h"

#define NONCE_MAX 32	/* a TPM takes 2 + its largest digest; keep to 32 */
#define DEFAULT_OUT "imakexec-evidence.bin"

struct ev_args {
	const char *nonce;
	uint32_t handle;
	const char *out;
	const char *carry_dir;
	const char *tcti;
	const char *log;
	const char *prior[EV_MAX_CARRIES];
	unsigned int nprior;
};

enum { OPT_AK = 0x100, OPT_CARRY_DIR, OPT_TCTI, OPT_PRIOR, OPT_NONCE };

static const struct argp_option ev_opts[] = {
	{ "nonce", OPT_NONCE, "HEX", 0, "the verifier's nonce, 1 to 32 bytes (required)", 0 },
	{ "ak", OPT_AK, "HANDLE", 0, "persistent handle of the AK (default 0x81010002; "
	  "'imakexec-trace ak create' makes it)", 0 },
	{ "out", 'o', "FILE", 0, "write the evidence here (default " DEFAULT_OUT ")", 0 },
	{ "carry-dir", OPT_CARRY_DIR, "DIR", 0, "where exec left the carries (default "
	  IKT_CARRY_DIR ")", 0 },
	{ "prior", OPT_PRIOR, "FILE", 0, "use these carries, in this order (oldest "
	  "first), instead of the carry directory; repeatable", 0 },
	{ "log", 'l', "FILE", 0, "the current list (default " IMA_DEFAULT_LOG ")", 0 },
	{ "tcti", OPT_TCTI, "CONF", 0, "TPM access (default " IKT_TPM_DEFAULT_TCTI
	  "; e.g. swtpm:port=2321)", 0 },
	{},
};

static int parse_handle(const char *s, uint32_t *h)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v < 0x81000000ul || v > 0x81ffffffull)
		return -1;
	*h = (uint32_t)v;
	return 0;
}

static error_t ev_parse(int key, char *arg, struct argp_state *state)
{
	struct ev_args *a = state->input;

	switch (key) {
	case OPT_NONCE: a->nonce = arg; break;
	case OPT_AK:
		if (parse_handle(arg, &a->handle))
			argp_error(state, "invalid --ak '%s': a persistent handle 0x81xxxxxx", arg);
		break;
	case 'o': a->out = arg; break;
	case OPT_CARRY_DIR: a->carry_dir = arg; break;
	case OPT_TCTI: a->tcti = arg; break;
	case 'l': a->log = arg; break;
	case OPT_PRIOR:
		if (a->nprior >= EV_MAX_CARRIES)
			argp_error(state, "at most %d --prior", EV_MAX_CARRIES);
		a->prior[a->nprior++] = arg;
		break;
	case ARGP_KEY_ARG: argp_error(state, "unexpected argument '%s'", arg); break;
	case ARGP_KEY_END:
		if (!a->nonce)
			argp_error(state, "--nonce HEX is required");
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct carry {
	char id[EV_ID_MAX + 1];
	char path[PATH_MAX];
	struct timespec mtime;
	char *data;
	size_t len;
};

static int by_mtime(const void *x, const void *y)
{
	const struct carry *a = x, *b = y;

	if (a->mtime.tv_sec != b->mtime.tv_sec)
		return a->mtime.tv_sec < b->mtime.tv_sec ? -1 : 1;
	if (a->mtime.tv_nsec != b->mtime.tv_nsec)
		return a->mtime.tv_nsec < b->mtime.tv_nsec ? -1 : 1;
	return strcmp(a->id, b->id);
}

static bool id_ok(const char *s, size_t n)
{
	if (!n || n > EV_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '/')
			return false;
	return true;
}

/* *.bin in dir but this boot's own, oldest first; read and parsed whole
 * (a malformed one is left out with a warning). 0 or an exit code. */
static int scan_carries(const char *dir, const char *self, struct carry *c, unsigned int *n)
{
	static struct carry all[256];
	unsigned int m = 0, skip;
	struct dirent *d;
	DIR *dp;

	*n = 0;
	dp = opendir(dir);
	if (!dp) {
		if (errno == ENOENT)
			return 0;
		p_err("carry directory %s: %s", dir, strerror(errno));
		return IKT_EXIT_ERROR;
	}
	while ((d = readdir(dp))) {
		size_t len = strlen(d->d_name);
		struct stat st;

		if (len < 5 || strcmp(d->d_name + len - 4, ".bin") || !id_ok(d->d_name, len - 4))
			continue;
		if (fstatat(dirfd(dp), d->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (len - 4 == strlen(self) && !memcmp(d->d_name, self, len - 4))
			continue;	/* this boot's own carry (an exec that did not kexec) */
		if (m == sizeof(all) / sizeof(all[0]))
			break;
		memset(&all[m], 0, sizeof(all[m]));
		memcpy(all[m].id, d->d_name, len - 4);
		snprintf(all[m].path, sizeof(all[m].path), "%s/%s", dir, d->d_name);
		all[m].mtime = st.st_mtim;
		m++;
	}
	closedir(dp);
	qsort(all, m, sizeof(all[0]), by_mtime);
	skip = m > EV_MAX_CARRIES ? m - EV_MAX_CARRIES : 0;
	if (skip)
		p_info("%u carries in %s: the %u oldest left out (at most %d)", m, dir, skip,
		       EV_MAX_CARRIES);
	for (unsigned int i = skip; i < m; i++) {
		uint64_t cnt;

		if (ikt_list_load(all[i].path, all[i].path, &all[i].data, &all[i].len, &cnt, NULL)) {
			p_info("carry %s left out: not a whole list", all[i].path);
			continue;
		}
		c[(*n)++] = all[i];
	}
	return 0;
}

/* the first k such that carries[k..n) and the current list replay to
 * the values in ev->pcrs; -1 if none */
static int chain_start(const struct evidence *ev, const struct carry *c, unsigned int n,
		       const char *cur, size_t curlen)
{
	static struct pcr_values pv;
	static struct verify_result res;
	struct verify_list lists[EV_MAX_CARRIES + 1];
	char err[256];

	if (ev_pcr_values(ev, &pv, err, sizeof(err)))
		return -1;
	for (unsigned int k = 0; k <= n; k++) {
		unsigned int m = 0;
		bool ok;

		for (unsigned int i = k; i < n; i++)
			lists[m++] = (struct verify_list){ c[i].path, (const uint8_t *)c[i].data,
							   c[i].len };
		lists[m++] = (struct verify_list){ "current", (const uint8_t *)cur, curlen };
		ok = !verify_run_lists(lists, m, &pv, NULL, &res, err, sizeof(err)) && res.match;
		verify_free(&res);
		if (ok)
			return (int)k;
	}
	return -1;
}

int cmd_evidence(int argc, char **argv)
{
	static const char doc[] =
		"Make evidence for a remote verifier: a TPM2 quote of PCR 10 in every active "
		"bank, qualified with the verifier's nonce and signed by the AK, then the chain "
		"of logs (the carries exec left, oldest first, and the current list), the boot "
		"ids and the TPM's clock, in one file. Check it anywhere with 'imakexec-trace "
		"verify --evidence FILE --ak AK.pem --nonce HEX'.\v"
		"Exit: 0 written, 2 TPM, list or file error, 64 bad command line.\n"
		"Examples:\n"
		"  imakexec-trace ak create --out ak.pem     # once\n"
		"  imakexec-trace evidence --nonce $(openssl rand -hex 20) --out ev.bin\n";
	struct argp argp = { ev_opts, ev_parse, NULL, doc, NULL, NULL, NULL };
	static struct carry carries[EV_MAX_CARRIES];
	static struct evidence ev;
	static uint8_t attest[EV_ATTEST_MAX], sig[EV_SIG_MAX];
	struct ev_args a = { .handle = IKT_AK_DEFAULT_HANDLE, .out = DEFAULT_OUT,
			     .carry_dir = IKT_CARRY_DIR };
	char boot[RECORD_BOOT_ID_MAX], *cur = NULL;
	uint8_t nonce[NONCE_MAX];
	unsigned int nc = 0, first = 0;
	struct ikt_tpm tpm = { 0 };
	struct ikt_afile out;
	uint64_t count;
	size_t nlen, curlen;
	int ret, k;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	if (ev_parse_nonce(a.nonce, nonce, sizeof(nonce), &nlen)) {
		p_err("--nonce: 1 to %d bytes in hex expected", NONCE_MAX);
		return IKT_EXIT_USAGE;
	}
	if ((ret = record_boot_id(NULL, boot, sizeof(boot))) || !id_ok(boot, strlen(boot))) {
		p_err("cannot read this boot's id: %s", ret ? strerror(-ret) : "malformed");
		return IKT_EXIT_ERROR;
	}
	memset(&ev, 0, sizeof(ev));
	if ((ret = ikt_tpm_open(&tpm, a.tcti)))
		return ret;
	/* the quote first, the logs after it: the log then holds at least
	 * every entry the quoted PCR values cover (IMA appends before it
	 * extends); entries after are extra */
	if ((ret = ikt_tpm_quote(&tpm, a.handle, nonce, nlen, &ev, attest, sig)))
		goto out;
	ret = IKT_EXIT_ERROR;
	if (ikt_list_load(a.log ? a.log : IMA_DEFAULT_LOG, "the current list", &cur, &curlen,
			  &count, NULL))
		goto out;
	if (a.nprior) {
		for (unsigned int i = 0; i < a.nprior; i++) {
			const char *base = strrchr(a.prior[i], '/');
			size_t l;

			base = base ? base + 1 : a.prior[i];
			l = strlen(base);
			if (l > 4 && !strcmp(base + l - 4, ".bin"))
				l -= 4;
			memset(&carries[nc], 0, sizeof(carries[nc]));
			if (!id_ok(base, l)) {
				p_err("--prior %s: its name is not a boot id", a.prior[i]);
				goto out;
			}
			memcpy(carries[nc].id, base, l);
			if (ikt_list_load(a.prior[i], a.prior[i], &carries[nc].data,
					  &carries[nc].len, &count, NULL))
				goto out;
			nc++;
		}
	} else {
		if ((ret = scan_carries(a.carry_dir, boot, carries, &nc)))
			goto out;
		ret = IKT_EXIT_ERROR;
		k = chain_start(&ev, carries, nc, cur, curlen);
		if (k < 0)
			p_info("no run of the %u carries in %s and the current list replays to "
			       "the quoted PCR 10: all taken, oldest first (verify will say why)",
			       nc, a.carry_dir);
		else
			first = (unsigned int)k;
		if (first)
			p_info("%u older carr%s in %s left out (an earlier chain: they do not "
			       "replay to the quoted PCR 10)", first, first == 1 ? "y" : "ies",
			       a.carry_dir);
	}
	for (unsigned int i = first; i < nc; i++)
		ev.carries[ev.ncarries++] = (struct ev_list){ .data = (uint8_t *)carries[i].data,
							      .len = carries[i].len };
	for (unsigned int i = first; i < nc; i++)
		memcpy(ev.carries[i - first].id, carries[i].id, sizeof(carries[i].id));
	snprintf(ev.current.id, sizeof(ev.current.id), "%s", boot);
	ev.current.data = (uint8_t *)cur;
	ev.current.len = curlen;
	if ((ret = ikt_tpm_clock(&tpm, ev.clock)))
		goto out;
	ret = IKT_EXIT_ERROR;
	if (ikt_afile_open(&out, a.out, 0600))
		goto out;
	if (evfile_write(out.f, &ev)) {
		p_err("cannot write %s: %s", a.out, strerror(errno ? errno : EIO));
		ikt_afile_abort(&out);
		goto out;
	}
	if (ikt_afile_commit(&out))
		goto out;
	printf("%s: quote of PCR 10 in", a.out);
	for (unsigned int i = 0; i < ev.nbanks; i++)
		printf("%s %s", i ? "," : "", ev_alg_name(ev.pcrs[i].alg));
	printf("; chain:");
	for (unsigned int i = 0; i < ev.ncarries; i++)
		printf(" carry %s (%zu bytes) ->", ev.carries[i].id, ev.carries[i].len);
	printf(" current %s (%zu bytes)\n", boot, curlen);
	ret = IKT_EXIT_OK;
out:
	ikt_tpm_close(&tpm);
	for (unsigned int i = 0; i < nc; i++)
		free(carries[i].data);
	free(cur);
	return ret;
}
