/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Exit codes, documented in README.md ("Exit codes"). */
#ifndef IKT_EXITCODES_H
#define IKT_EXITCODES_H

enum ikt_exit {
	IKT_EXIT_OK = 0,	/* success; audit SAFE/NOT-LOADED; verify match */
	IKT_EXIT_FINDING = 1,	/* audit GAP/LOSS-ALL/OVERFLOW; verify mismatch */
	IKT_EXIT_ERROR = 2,	/* runtime error, bad input, audit UNKNOWN */
	IKT_EXIT_USAGE = 64,	/* bad command line */
	IKT_EXIT_NOPERM = 77,	/* not root / lacking CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN */
	IKT_EXIT_NOFEATURE = 78,	/* kernel lacks BTF, IMA, securityfs, bpffs... */
	IKT_EXIT_NOTATTACHED = 79,	/* status/attach state: nothing pinned */
};

#endif
