// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* log --combined: write lists carried from earlier boots and the current
 * list as one binary measurement list, for verifiers that replay a single
 * file (evmctl ima_measurement, remote attestation agents). Each input is
 * read once and parsed whole first: a torn or malformed one writes nothing.
 * --ascii writes it in the format of ascii_runtime_measurements instead
 * (ima_record_ascii), for agents that read a text log (rust-keylime's
 * ima_ml_path). */
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errors.h"
#include "atomicfile.h"
#include "commands.h"
#include "exitcodes.h"
#include "imalog.h"
#include "listbuf.h"
#include "verify.h"


struct log_args {
	const char *prior[VERIFY_MAX_PRIOR];
	unsigned int nprior;
	const char *log;
	const char *out;
	bool ascii;
};

enum { OPT_PRIOR = 0x100, OPT_COMBINED, OPT_ASCII };

static const struct argp_option log_opts[] = {
	{ "prior", OPT_PRIOR, "FILE", 0, "a list carried from an earlier boot; repeatable, oldest first", 0 },
	{ "log", 'l', "FILE", 0, "the current list (default " IMA_DEFAULT_LOG ")", 0 },
	{ "combined", OPT_COMBINED, "OUT", 0, "write the chain as one binary list to OUT (required)", 0 },
	{ "ascii", OPT_ASCII, NULL, 0, "write OUT in the format of "
	  "ascii_runtime_measurements instead of the binary one", 0 },
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
	case OPT_ASCII: a->ascii = true; break;
	case ARGP_KEY_ARG: argp_error(state, "unexpected argument '%s'", arg); break;
	case ARGP_KEY_END:
		if (!a->out)
			argp_error(state, "--combined OUT is required");
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* the list in buf (checked whole by ikt_list_load) as ASCII lines */
static int write_ascii(FILE *out, const char *buf, size_t len)
{
	struct ima_record r;
	struct imalog l;
	FILE *in;
	int n;

	if (!len)
		return 0;
	in = fmemopen((void *)buf, len, "r");
	if (!in)
		return -1;
	imalog_init_fp(&l, in, "list");
	while ((n = imalog_next(&l, &r)) > 0)
		if (ima_record_ascii(out, &r))
			break;
	imalog_close(&l);
	fclose(in);
	return n ? -1 : 0;
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
		"  evmctl ima_measurement --ignore-violations /tmp/chain.bin\n"
		"  imakexec-trace log --prior CARRY --combined /tmp/chain.txt --ascii\n";
	struct argp argp = { log_opts, log_parse, NULL, doc, NULL, NULL, NULL };
	struct log_args a = { 0 };
	struct { char *data; size_t len; } in[VERIFY_MAX_PRIOR + 1] = { 0 };
	struct ikt_afile out;
	uint64_t total = 0, n;
	int ret = IKT_EXIT_ERROR;
	unsigned int i;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	/* read and check every input before writing anything */
	for (i = 0; i <= a.nprior; i++) {
		const char *p = i < a.nprior ? a.prior[i] : (a.log ? a.log : IMA_DEFAULT_LOG);

		/* what is written is what was checked: the output is never
		 * read back (on a measured file system that read would move
		 * PCR 10 past the combined list) */
		if (ikt_list_load(p, p, &in[i].data, &in[i].len, &n, NULL))
			goto cleanup;
		total += n;
	}
	if (ikt_afile_open(&out, a.out, 0600))
		goto cleanup;
	for (i = 0; i <= a.nprior; i++) {
		if (a.ascii) {
			if (write_ascii(out.f, in[i].data, in[i].len))
				break;
		} else if (in[i].len && fwrite(in[i].data, 1, in[i].len, out.f) != in[i].len) {
			break;
		}
	}
	if (i <= a.nprior) {
		p_err("cannot write %s: %s", a.out, strerror(errno ? errno : EIO));
		ikt_afile_abort(&out);
		goto cleanup;
	}
	if (ikt_afile_commit(&out))
		goto cleanup;
	printf("%s: %" PRIu64 " entries from %u lists%s\n", a.out, total, a.nprior + 1,
	       a.ascii ? " (ASCII)" : "");
	ret = IKT_EXIT_OK;
cleanup:
	for (i = 0; i <= a.nprior; i++)
		free(in[i].data);
	return ret;
}
