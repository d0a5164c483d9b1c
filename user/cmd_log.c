// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* log --combined: write lists carried from earlier boots and the current
 * list as one binary measurement list, for verifiers that replay a single
 * file (evmctl ima_measurement, remote attestation agents). Each input is
 * parsed whole first: a torn or malformed one writes nothing. */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "errors.h"
#include "atomicfile.h"
#include "commands.h"
#include "exitcodes.h"
#include "imalog.h"
#include "verify.h"


struct log_args {
	const char *prior[VERIFY_MAX_PRIOR];
	unsigned int nprior;
	const char *log;
	const char *out;
};

enum { OPT_PRIOR = 0x100, OPT_COMBINED };

static const struct argp_option log_opts[] = {
	{ "prior", OPT_PRIOR, "FILE", 0, "a list carried from an earlier boot; repeatable, oldest first", 0 },
	{ "log", 'l', "FILE", 0, "the current list (default " IMA_DEFAULT_LOG ")", 0 },
	{ "combined", OPT_COMBINED, "OUT", 0, "write the chain as one binary list to OUT (required)", 0 },
	{},
};

static error_t log_parse(int key, char *arg, struct argp_state *state)
{
	struct log_args *a = state->input;

	switch (key) {
	case OPT_PRIOR:
		if (a->nprior >= VERIFY_MAX_PRIOR)
			argp_error(state, "at most %d --prior", VERIFY_MAX_PRIOR);
		a->prior[a->nprior++] = arg;
		break;
	case 'l': a->log = arg; break;
	case OPT_COMBINED: a->out = arg; break;
	case ARGP_KEY_ARG: argp_error(state, "unexpected argument '%s'", arg); break;
	case ARGP_KEY_END:
		if (!a->out)
			argp_error(state, "--combined OUT is required");
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* parse path whole; records counted in *n */
static int check_list(const char *path, uint64_t *n)
{
	struct ima_record r;
	struct imalog l;
	int ret = imalog_open(&l, path);

	if (ret) {
		p_err("%s: %s", path ? path : IMA_DEFAULT_LOG, strerror(-ret));
		return -1;
	}
	while ((ret = imalog_next(&l, &r)) == 1)
		;
	*n = l.count;
	if (ret < 0)
		p_err("%s", l.err);
	imalog_close(&l);
	return ret < 0 ? -1 : 0;
}

int cmd_log(int argc, char **argv)
{
	static const char doc[] =
		"Write the lists carried by 'exec' from earlier boots and the current list "
		"as one binary measurement list (what the TPM's PCRs reflect, since kexec "
		"never resets them), for evmctl ima_measurement or an attestation agent.\v"
		"Exit: 0 written, 2 an input is unreadable, torn or malformed (nothing "
		"written), 64 bad command line.\n"
		"Example:\n"
		"  imakexec-trace log --prior /var/lib/imakexec/carry/<boot id>.bin --combined /tmp/chain.bin\n"
		"  evmctl ima_measurement --ignore-violations /tmp/chain.bin\n";
	struct argp argp = { log_opts, log_parse, NULL, doc, NULL, NULL, NULL };
	struct log_args a = { 0 };
	struct ikt_afile out;
	uint64_t total = 0, n;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	/* validate every input before writing anything */
	for (unsigned int i = 0; i <= a.nprior; i++)
		if (check_list(i < a.nprior ? a.prior[i] : a.log, &n))
			return IKT_EXIT_ERROR;
	if (ikt_afile_open(&out, a.out, 0600))
		return IKT_EXIT_ERROR;
	for (unsigned int i = 0; i <= a.nprior; i++) {
		const char *p = i < a.nprior ? a.prior[i] : (a.log ? a.log : IMA_DEFAULT_LOG);
		char buf[64 * 1024];
		size_t got;
		FILE *in = fopen(p, "re");

		if (!in) {
			p_err("%s: %s", p, strerror(errno));
			ikt_afile_abort(&out);
			return IKT_EXIT_ERROR;
		}
		while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, got, out.f) != got)
				break;
		if (ferror(in)) {
			p_err("reading %s failed", p);
			fclose(in);
			ikt_afile_abort(&out);
			return IKT_EXIT_ERROR;
		}
		fclose(in);
	}
	if (ikt_afile_commit(&out))
		return IKT_EXIT_ERROR;
	/* what was written parses as one list */
	if (check_list(a.out, &total))
		return IKT_EXIT_ERROR;
	printf("%s: %" PRIu64 " entries from %u lists\n", a.out, total, a.nprior + 1);
	return IKT_EXIT_OK;
}
