// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include "prom.h"

int prom_open(struct prom_writer *w, const char *path)
{
	int ret;

	memset(w, 0, sizeof(*w));
	ret = ikt_afile_open(&w->out, path, 0644);
	w->f = w->out.f;
	return ret;
}

void prom_metric(struct prom_writer *w, const char *name, const char *type,
		 const char *help, const char *labels, double value)
{
	if (strcmp(w->last, name)) {
		fprintf(w->f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
		snprintf(w->last, sizeof(w->last), "%s", name);
	}
	fprintf(w->f, "%s", name);
	if (labels && *labels)
		fprintf(w->f, "{%s}", labels);
	if (isnan(value))
		fprintf(w->f, " NaN\n");
	else
		fprintf(w->f, " %.17g\n", value);
}

int prom_commit(struct prom_writer *w)
{
	w->f = NULL;
	return ikt_afile_commit(&w->out);
}

void prom_abort(struct prom_writer *w)
{
	w->f = NULL;
	ikt_afile_abort(&w->out);
}

void prom_label_escape(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *in && o + 3 < outlen; in++) {
		if (*in == '\\' || *in == '"') {
			out[o++] = '\\';
			out[o++] = *in;
		} else if (*in == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}
