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
#include "imalog.h"
#include "record.h"


int ikt_carry_dir(const char *dir)
{
	return ikt_afile_dir(dir, "carry directory");
}

/* Read the whole list into memory: the carry is written from this copy
 * and its records are counted from it, never by reading the carry file
 * back (a read of it would be measured, and the list would move on). */
static int read_list(const char *log, char **buf, size_t *len)
{
	size_t cap = 1 << 20;
	ssize_t n;
	int fd = open(log, O_RDONLY | O_CLOEXEC);

	*len = 0;
	*buf = fd >= 0 ? malloc(cap) : NULL;
	if (!*buf) {
		p_err("cannot read %s: %s", log, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = read(fd, *buf + *len, cap - *len)) > 0) {
		*len += (size_t)n;
		if (*len == cap) {
			char *nb = cap < (SIZE_MAX >> 1) ? realloc(*buf, cap << 1) : NULL;

			if (!nb) {
				n = -1;
				errno = ENOMEM;
				break;
			}
			*buf = nb;
			cap <<= 1;
		}
	}
	if (n < 0)
		p_err("reading %s failed: %s", log, strerror(errno));
	close(fd);
	return n < 0 ? -1 : 0;
}

static int count_records(char *buf, size_t len, uint64_t *count)
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
	imalog_init_fp(&l, f, "carry");
	while ((ret = imalog_next(&l, &r)) == 1)
		;
	if (ret < 0)
		p_err("the list read for the carry does not parse: %s", l.err);
	*count = l.count;
	imalog_close(&l);
	fclose(f);
	return ret;
}

int ikt_carry_write(const char *dir, const char *log, char *path, size_t plen,
		    uint64_t *count)
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
	if (read_list(log, &buf, &len) || count_records(buf, len, count))
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
