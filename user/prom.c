// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include "prom.h"

int prom_open(struct prom_writer *w, const char *path, FILE *err)
{
	int fd;

	memset(w, 0, sizeof(*w));
	if (strlen(path) >= sizeof(w->path)) {
		fprintf(err, "imakexec-trace: --prometheus path too long\n");
		return -ENAMETOOLONG;
	}
	strcpy(w->path, path);
	snprintf(w->tmp, sizeof(w->tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || !(w->f = fdopen(fd, "w"))) {
		int e = errno;

		fprintf(err, "imakexec-trace: cannot create %s: %s; check that the "
			"directory exists and is writable\n", w->tmp, strerror(e));
		if (fd >= 0) {
			close(fd);
			unlink(w->tmp);
		}
		return -e;
	}
	return 0;
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

int prom_commit(struct prom_writer *w, FILE *err)
{
	int ret = 0;

	if (fflush(w->f) || ferror(w->f) || fsync(fileno(w->f)))
		ret = errno ? -errno : -EIO;
	if (fclose(w->f) && !ret)
		ret = -errno;
	w->f = NULL;
	if (!ret && rename(w->tmp, w->path))
		ret = -errno;
	if (ret) {
		fprintf(err, "imakexec-trace: writing %s failed: %s\n", w->path, strerror(-ret));
		unlink(w->tmp);
	}
	return ret;
}

void prom_abort(struct prom_writer *w)
{
	if (w->f) {
		fclose(w->f);
		w->f = NULL;
		unlink(w->tmp);
	}
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
