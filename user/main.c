// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* imakexec-trace: track the IMA measurement list across kexec. */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include "errors.h"
#include "commands.h"
#include "errors.h"
#include "exitcodes.h"
#include "util.h"

#define IKT_VERSION "0.1.0"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "attach", cmd_attach, "load the tracker and pin it under /sys/fs/bpf/imakexec" },
	{ "detach", cmd_detach, "remove the pinned tracker" },
	{ "status", cmd_status, "what is traced, counts, kexec state and gap" },
	{ "monitor", cmd_monitor, "stream IMA appends and kexec events live" },
	{ "audit", cmd_audit, "go/no-go before kexec: what the next kernel's log will miss" },
	{ "exec", cmd_exec, "safe kexec -e: reload or carry so the next log replays, then execute" },
	{ "log", cmd_log, "write carried lists and the current one as one binary list" },
	{ "verify", cmd_verify, "replay the IMA list against the TPM PCRs; kexec boundaries" },
	{ "evidence", cmd_evidence, "TPM quote of PCR 10 + the chain of logs, for a remote verifier" },
	{ "ak", cmd_ak, "ak create: the attestation key evidence signs with" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: imakexec-trace COMMAND [OPTION...]\n"
		"Track IMA measurements across kexec soft reboots.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nRun 'imakexec-trace COMMAND --help' for the options of a command.\n"
		"Examples:\n"
		"  imakexec-trace attach            # track from now on, survives this process\n"
		"  imakexec-trace monitor --json    # stream events as JSON lines\n"
		"  imakexec-trace status            # counts, kexec state and the gap window\n");
}

int main(int argc, char **argv)
{
	int ret;

	/* A root tool must not be driven by an unprivileged user through a
	 * setuid bit: the environment and arguments would be theirs. */
	if (getauxval(AT_SECURE)) {
		fprintf(stderr, "imakexec-trace: refusing to run setuid/setgid: "
			"run it as root instead\n");
		return IKT_EXIT_NOPERM;
	}
	if (argc < 2) {
		usage(stderr);
		return IKT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return IKT_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("imakexec-trace %s\n", IKT_VERSION);
		return IKT_EXIT_OK;
	}
	argp_err_exit_status = IKT_EXIT_USAGE;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char name[64];

		if (strcmp(argv[1], commands[i].name))
			continue;
		/* argp names the program after argv[0] in its messages */
		snprintf(name, sizeof(name), "imakexec-trace %s", commands[i].name);
		argv[1] = name;
		ikt_msg_init(name);
		ret = ikt_msg_finish(commands[i].fn(argc - 1, argv + 1));
		/* output that could not be written (a full disk, a closed pipe)
		 * is an error whatever the verdict was: exit 2 */
		errno = 0;
		if ((fflush(stdout) == EOF || ferror(stdout)) && ret != IKT_EXIT_ERROR) {
			fprintf(stderr, "%s: cannot write the output: %s\n", name,
				strerror(errno ? errno : EIO));
			return IKT_EXIT_ERROR;
		}
		return ret;
	}
	fprintf(stderr, "imakexec-trace: unknown command '%s'; "
		"see 'imakexec-trace --help'\n", argv[1]);
	return IKT_EXIT_USAGE;
}
