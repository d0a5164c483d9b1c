// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "atomicfile.h"
#include "carry.h"
#include "exitcodes.h"
#include "imalog.h"
#include "record.h"

#define PROG "imakexec-trace exec"

static int mkdirs(const char *dir)
{
	char p[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, dir, n + 1);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0700) && errno != EEXIST ? -errno : 0;
}

int ikt_carry_dir(const char *dir, FILE *err)
{
	struct stat st;
	int ret;

	if (dir[0] != '/') {
		fprintf(err, "%s: carry directory %s must be an absolute path\n", PROG, dir);
		return IKT_EXIT_USAGE;
	}
	if ((ret = mkdirs(dir))) {
		fprintf(err, "%s: cannot create carry directory %s: %s; no kexec\n",
			PROG, dir, strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 0077)) {
		fprintf(err, "%s: refusing carry directory %s: not a root-owned 0700 "
			"directory; fix it (chown root:root, chmod 0700) or pass "
			"--carry-dir; no kexec\n", PROG, dir);
		return IKT_EXIT_ERROR;
	}
	return 0;
}

/* stream log into f; the copy is what gets counted */
static int copy_list(const char *log, FILE *f, FILE *err)
{
	char buf[64 * 1024];
	ssize_t n;
	int fd = open(log, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(err, "%s: cannot read %s: %s\n", PROG, log, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, f) != (size_t)n)
			break;
	if (n < 0)
		fprintf(err, "%s: reading %s failed: %s\n", PROG, log, strerror(errno));
	close(fd);
	return n == 0 && !ferror(f) ? 0 : -1;
}

static int count_records(const char *path, uint64_t *count, FILE *err)
{
	struct ima_record r;
	struct imalog l;
	int ret;

	if ((ret = imalog_open(&l, path))) {
		fprintf(err, "%s: cannot reopen %s: %s\n", PROG, path, strerror(-ret));
		return -1;
	}
	while ((ret = imalog_next(&l, &r)) == 1)
		;
	if (ret < 0)
		fprintf(err, "%s: the carried list does not parse: %s\n", PROG, l.err);
	*count = l.count;
	imalog_close(&l);
	return ret;
}

int ikt_carry_write(const char *dir, const char *log, char *path, size_t plen,
		    uint64_t *count, FILE *err)
{
	char boot[RECORD_BOOT_ID_MAX];
	struct ikt_afile out;
	int n, ret;

	if ((ret = record_boot_id(BOOT_ID_PATH, boot, sizeof(boot)))) {
		fprintf(err, "%s: cannot read %s: %s\n", PROG, BOOT_ID_PATH, strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	n = snprintf(path, plen, "%s/%s.bin", dir, boot);
	if (n < 0 || (size_t)n >= plen) {
		fprintf(err, "%s: carry path too long\n", PROG);
		return IKT_EXIT_ERROR;
	}
	if (ikt_afile_open(&out, path, 0600, PROG, err))
		return IKT_EXIT_ERROR;
	if (copy_list(log, out.f, err)) {
		fprintf(err, "%s: could not write the carry %s (disk full or read-only?); "
			"no kexec\n", PROG, path);
		ikt_afile_abort(&out);
		return IKT_EXIT_ERROR;
	}
	if (ikt_afile_commit(&out, PROG, err))
		return IKT_EXIT_ERROR;
	return count_records(path, count, err) ? IKT_EXIT_ERROR : 0;
}
