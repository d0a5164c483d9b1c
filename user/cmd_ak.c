// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ak create: the attestation key `evidence` signs with, a primary key
 * under the endorsement hierarchy from a fixed template (so the same
 * template gives the same key again), made persistent; its public key is
 * written as PEM for the verifier. Why the endorsement hierarchy: a quote
 * by a key outside the endorsement/platform hierarchies has its
 * resetCount, restartCount and firmwareVersion obfuscated; with this AK
 * they are the TPM's own, so the verifier can tell a kexec (resetCount
 * kept) from a cold boot. See README "Attestation key". */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include "atomicfile.h"
#include "commands.h"
#include "errors.h"
#include "exitcodes.h"
#include "quote.h"
#include "tpm.h"

struct ak_args {
	bool create;
	uint32_t handle;
	bool ecc;
	const char *out;
	const char *tcti;
};

enum { OPT_HANDLE = 0x100, OPT_ALG, OPT_TCTI };

static const struct argp_option ak_opts[] = {
	{ "handle", OPT_HANDLE, "HANDLE", 0, "persistent handle (default 0x81010002)", 0 },
	{ "alg", OPT_ALG, "rsa|ecc", 0, "RSA-2048 RSASSA-SHA256 (default) or ECC P-256 "
	  "ECDSA-SHA256", 0 },
	{ "out", 'o', "AK.pem", 0, "write the AK's public key here (required)", 0 },
	{ "tcti", OPT_TCTI, "CONF", 0, "TPM access (default " IKT_TPM_DEFAULT_TCTI ")", 0 },
	{},
};

static error_t ak_parse(int key, char *arg, struct argp_state *state)
{
	struct ak_args *a = state->input;
	unsigned long v;
	char *end;

	switch (key) {
	case OPT_HANDLE:
		errno = 0;
		v = strtoul(arg, &end, 0);
		if (errno || *end || end == arg || v < 0x81000000ul || v > 0x817ffffful)
			argp_error(state, "invalid --handle '%s': an owner persistent handle "
				   "0x81000000..0x817fffff", arg);
		a->handle = (uint32_t)v;
		break;
	case OPT_ALG:
		if (strcmp(arg, "rsa") && strcmp(arg, "ecc"))
			argp_error(state, "invalid --alg '%s': rsa or ecc", arg);
		a->ecc = !strcmp(arg, "ecc");
		break;
	case 'o': a->out = arg; break;
	case OPT_TCTI: a->tcti = arg; break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0 && !strcmp(arg, "create"))
			a->create = true;
		else
			argp_error(state, "unexpected argument '%s' (only 'create')", arg);
		break;
	case ARGP_KEY_END:
		if (!a->create)
			argp_error(state, "'ak create' is the only subcommand");
		if (!a->out)
			argp_error(state, "--out AK.pem is required");
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_ak(int argc, char **argv)
{
	static const char doc[] =
		"create: make the attestation key (a restricted signing primary key under the "
		"endorsement hierarchy, fixed template) persistent at HANDLE and write its "
		"public key as PEM. Run again, it finds the same key and writes it again.\v"
		"Exit: 0 done, 2 TPM or file error (the handle holds another key), 64 bad "
		"command line.\n"
		"Examples:\n"
		"  imakexec-trace ak create --out ak.pem\n"
		"  imakexec-trace ak create --alg ecc --handle 0x81010003 --out ak-ecc.pem\n";
	struct argp argp = { ak_opts, ak_parse, "create", doc, NULL, NULL, NULL };
	struct ak_args a = { .handle = IKT_AK_DEFAULT_HANDLE };
	struct ikt_tpm tpm;
	struct ikt_afile out;
	TPM2B_PUBLIC pub;
	EVP_PKEY *key = NULL;
	bool existed;
	int ret;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return IKT_EXIT_USAGE;
	if ((ret = ikt_tpm_open(&tpm, a.tcti)))
		return ret;
	if ((ret = ikt_tpm_ak_create(&tpm, a.handle, a.ecc, &pub, &existed)))
		goto out;
	ret = IKT_EXIT_ERROR;
	if (!(key = quote_pkey_from_public(&pub.publicArea))) {
		p_err("cannot convert the AK's public area to a key");
		goto out;
	}
	if (ikt_afile_open(&out, a.out, 0644))
		goto out;
	if (!PEM_write_PUBKEY(out.f, key)) {
		p_err("cannot write %s", a.out);
		ikt_afile_abort(&out);
		goto out;
	}
	if (ikt_afile_commit(&out))
		goto out;
	printf("AK %s at 0x%08x (%s, endorsement hierarchy): public key in %s\n",
	       existed ? "already" : "made persistent", a.handle,
	       a.ecc ? "ECC P-256 ECDSA-SHA256" : "RSA-2048 RSASSA-SHA256", a.out);
	ret = IKT_EXIT_OK;
out:
	EVP_PKEY_free(key);
	ikt_tpm_close(&tpm);
	return ret;
}
