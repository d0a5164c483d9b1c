// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "errors.h"
#include "imalog.h"
#include "listbuf.h"

static int read_whole(const char *path, char **buf, size_t *len)
{
	size_t cap = 1 << 20;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*len = 0;
	*buf = fd >= 0 ? malloc(cap) : NULL;
	if (!*buf) {
		p_err("cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = read(fd, *buf + *len, cap - *len)) > 0) {
		*len += (size_t)n;
		if (*len == cap) {
			char *nb = cap < IKT_LIST_MAX ? realloc(*buf, cap << 1) : NULL;

			if (!nb) {
				n = -1;
				errno = cap < IKT_LIST_MAX ? ENOMEM : EFBIG;
				break;
			}
			*buf = nb;
			cap <<= 1;
		}
	}
	if (n < 0)
		p_err("reading %s failed: %s%s", path, strerror(errno),
		      errno == EFBIG ? " (larger than any measurement list we read)" : "");
	close(fd);
	return n < 0 ? -1 : 0;
}

int ikt_list_count(const char *what, char *buf, size_t len, uint64_t *count,
		   size_t *last)
{
	FILE *f = fmemopen(buf, len ? len : 1, "r");
	struct ima_record r;
	struct imalog l;
	int ret;

	if (!f) {
		p_err("%s", strerror(errno));
		return -1;
	}
	if (!len)
		fgetc(f);	/* an empty list: fmemopen needs a size of 1 */
	imalog_init_fp(&l, f, what);
	if (last)
		*last = 0;
	while ((ret = imalog_next(&l, &r)) == 1)
		if (last)
			*last = (size_t)r.offset;
	if (ret < 0)
		p_err("%s does not parse: %s", what, l.err);
	*count = l.count;
	imalog_close(&l);
	fclose(f);
	return ret < 0 ? -1 : 0;
}

int ikt_list_load(const char *path, const char *what, char **buf, size_t *len,
		  uint64_t *count, size_t *last)
{
	if (read_whole(path, buf, len))
		goto fail;
	if (ikt_list_count(what, *buf, *len, count, last))
		goto fail;
	return 0;
fail:
	free(*buf);
	*buf = NULL;
	*len = 0;
	return -1;
}
