// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "errors.h"
#include "atomicfile.h"
#include "carry.h"
#include "exitcodes.h"
#include "listbuf.h"
#include "record.h"


int ikt_carry_dir(const char *dir)
{
	return ikt_afile_dir(dir, "carry directory");
}

int ikt_carry_prefetch(const char *log, struct ikt_carry_pre *pre)
{
	memset(pre, 0, sizeof(*pre));
	return ikt_list_load(log, "the list read ahead for the carry", &pre->buf, &pre->len,
			     &pre->count, &pre->last);
}

void ikt_carry_pre_free(struct ikt_carry_pre *pre)
{
	free(pre->buf);
	memset(pre, 0, sizeof(*pre));
}

/* The list now, from pre: its last record re-read where it was, and what
 * follows. buf: pre's records up to that one + what was read (malloc'ed).
 * 1 if pre no longer matches the list (then read it whole), 0, or -1. */
static int read_after(const char *log, const struct ikt_carry_pre *pre, char **buf,
		      size_t *len, uint64_t *count)
{
	size_t keep = pre->last, want = pre->len - pre->last, cap = want + (64 << 10), got = 0;
	uint64_t tail = 0;
	int fd, ret = -1;
	ssize_t n;

	*buf = NULL;
	if ((fd = open(log, O_RDONLY | O_CLOEXEC)) < 0 ||
	    lseek(fd, (off_t)keep, SEEK_SET) != (off_t)keep) {
		if (fd >= 0)
			close(fd);
		return 1;	/* not seekable: read it whole */
	}
	*buf = malloc(keep + cap);
	while (*buf && (n = read(fd, *buf + keep + got, cap - got)) > 0) {
		got += (size_t)n;
		if (got == cap) {
			char *nb = keep + cap < IKT_LIST_MAX ? realloc(*buf, keep + (cap << 1)) : NULL;

			if (!nb) {
				free(*buf);
				*buf = NULL;
				break;
			}
			*buf = nb;
			cap <<= 1;
		}
	}
	close(fd);
	if (!*buf) {
		p_err("reading %s for the carry: out of memory", log);
		return -1;
	}
	if (got < want || memcmp(*buf + keep, pre->buf + keep, want)) {
		ret = 1;	/* the list changed under us (trimmed?) */
	} else if (!ikt_list_count("the list read for the carry", *buf + keep, got, &tail, NULL)) {
		memcpy(*buf, pre->buf, keep);
		*len = keep + got;
		*count = pre->count - 1 + tail;
		return 0;
	}
	free(*buf);
	*buf = NULL;
	return ret;
}

int ikt_carry_write(const char *dir, const char *log, const struct ikt_carry_pre *pre,
		    char *path, size_t plen, uint64_t *count)
{
	char boot[RECORD_BOOT_ID_MAX];
	struct ikt_afile out;
	char *buf = NULL;
	size_t len = 0;
	int n, ret;

	if ((ret = record_boot_id(BOOT_ID_PATH, boot, sizeof(boot)))) {
		p_err("cannot read %s: %s", BOOT_ID_PATH, strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	n = snprintf(path, plen, "%s/%s.bin", dir, boot);
	if (n < 0 || (size_t)n >= plen) {
		p_err("carry path too long");
		return IKT_EXIT_ERROR;
	}
	/* the carry is written from this copy, never read back */
	ret = pre && pre->buf && pre->count ? read_after(log, pre, &buf, &len, count) : 1;
	if (ret < 0 ||
	    (ret > 0 && ikt_list_load(log, "the list read for the carry", &buf, &len, count, NULL)))
		goto fail;
	if (ikt_afile_open(&out, path, 0600))
		goto fail;
	if (fwrite(buf, 1, len, out.f) != len) {
		p_err("could not write the carry %s: %s (disk full or read-only?); "
			"no kexec", path, strerror(errno));
		ikt_afile_abort(&out);
		goto fail;
	}
	if (ikt_afile_commit(&out))
		goto fail;
	free(buf);
	return 0;
fail:
	free(buf);
	return IKT_EXIT_ERROR;
}
