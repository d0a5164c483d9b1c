/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* node_exporter textfile output: metrics are written to a temporary file in
 * the target directory and renamed over the target, so a scrape never sees
 * a half-written file. */
#ifndef IKT_PROM_H
#define IKT_PROM_H

#include <limits.h>
#include <stdio.h>

#include "atomicfile.h"

struct prom_writer {
	struct ikt_afile out;
	FILE *f;		/* out.f */
	char last[128];		/* last metric whose HELP/TYPE was written */
};

/* 0 or -errno (message printed to err) */
int prom_open(struct prom_writer *w, const char *path);
/* labels: NULL or a rendered label set such as `bank="sha1",pcr="10"` */
void prom_metric(struct prom_writer *w, const char *name, const char *type,
		 const char *help, const char *labels, double value);
/* rename into place; 0 or -errno (message printed to err) */
int prom_commit(struct prom_writer *w);
void prom_abort(struct prom_writer *w);
/* escape a label value (backslash, quote, newline) into out */
void prom_label_escape(const char *in, char *out, size_t outlen);

#endif
