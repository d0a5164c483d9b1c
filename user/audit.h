/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The pre-kexec verdict: what the next kernel's log will miss if kexec
 * executes now. Planned from the tracker's view, then refined while the
 * measurement list is streamed (which entries are at risk, and whether the
 * list still fits the segment reserved for an execute-time copy). */
#ifndef IKT_AUDIT_H
#define IKT_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include "imakexec.h"
#include "record.h"
#include "verdict.h"

/* sizeof(struct ima_kexec_hdr) at the start of the kexec buffer */
#define IKT_KEXEC_HDR_BYTES 24

struct ikt_audit {
	enum ikt_verdict verdict;
	const char *why;
	uint64_t count;		/* entries per the tracker */
	uint64_t log_count;	/* entries read from the list */
	uint64_t lost_from;	/* first seq at risk; UINT64_MAX: none */
	uint64_t at_risk;	/* entries that will be missing */
	bool check_fit;		/* execute-copy: does the list fit the segment */
	uint64_t segment_size;
	uint64_t list_bytes;	/* bytes the copy needs, header included */
	uint64_t kexec_rec;	/* state.kexec_rec_*: the kexec_load record */
	unsigned int kexec_digits;
	uint64_t exec_record;	/* the kexec_execute record to come (0: none) */
	/* Reading the list costs O(n^2) in the kernel (every 4 KiB read()
	 * walks it from the head), so skip what cannot matter: */
	bool skip_all;		/* verdict needs no entry (nothing loaded) */
	uint64_t skip_count;	/* entries of the load snapshot: not at risk */
	uint64_t skip_bytes;	/* their bytes in binary_runtime_measurements */
	uint64_t read_from;	/* first entry read; UINT64_MAX: list not read */
	bool stopped;		/* the scan stopped at its limit of at-risk entries */
};

/* the entries at risk, in list order (the same entries audit --save writes) */
struct ikt_risk_list {
	struct record_entry *e;
	size_t n, cap;
};

/* kexec_loaded: /sys/kernel/kexec_loaded (0/1), or -1 if unreadable */
void ikt_audit_plan(struct ikt_audit *a, const struct ikt_view *v,
		    const struct ikt_state *s, int kexec_loaded);
/* Feed each list entry in order (from entry skip_count, at byte
 * skip_bytes, when the reader can seek there; log_count starts at it).
 * record_bytes is what the kernel counts for it (pcr, digest, name length,
 * name, data length, data). Returns true if the entry will be missing from
 * the next kernel's log. */
bool ikt_audit_entry(struct ikt_audit *a, uint64_t seq, uint64_t record_bytes);
/* Read the list (path, or securityfs when NULL) and feed every entry to
 * ikt_audit_entry, keeping those at risk in rl. From the end of the load
 * snapshot when the live list can seek there; if that offset turns out not
 * to be a record boundary, a second and last pass reads it all. With
 * limit > 0 (and nothing else needing the rest) it stops after limit
 * at-risk entries and sets stopped: ikt_audit_unread adds the rest. Does
 * not settle the verdict (ikt_audit_finish). 0, or IKT_EXIT_ERROR (said). */
int ikt_audit_scan(struct ikt_audit *a, const char *path, uint64_t limit,
		   struct ikt_risk_list *rl);
/* after a stopped scan: live is the list's length now; what was not read
 * is all at risk (the entries at risk are a tail) */
void ikt_audit_unread(struct ikt_audit *a, uint64_t live);
void ikt_risk_free(struct ikt_risk_list *rl);
/* After the last entry: settle the verdict (SAFE or OVERFLOW for
 * execute-copy kernels; count mismatches noted in why). */
void ikt_audit_finish(struct ikt_audit *a);

#endif
