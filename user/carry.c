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
	/* the carry is written from this copy, never read back */
	if (ikt_list_load(log, "the list read for the carry", &buf, &len, count))
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
