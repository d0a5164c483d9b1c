// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "errors.h"
#include "atomicfile.h"
#include "exitcodes.h"
#include "stage.h"

static int name(const struct ikt_loadfile *f, const char *what, char *buf, size_t n)
{
	int r = snprintf(buf, n, "%s-%" PRIx64 "-%" PRIu64 "-%" PRId64 "-%" PRId64 ".%09u",
			 what, (uint64_t)f->dev, (uint64_t)f->ino, (int64_t)f->size,
			 (int64_t)f->mtime_sec, f->mtime_nsec);

	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

void ikt_stage_path(const struct ikt_loadfile *f, const char *what, char *buf, size_t n)
{
	char nm[NAME_MAX + 1];

	if (name(f, what, nm, sizeof(nm)))
		snprintf(buf, n, "%s", IKT_STAGE_DIR);
	else
		snprintf(buf, n, "%s/%s", IKT_STAGE_DIR, nm);
}

int ikt_stage_save(int fd, const struct ikt_loadfile *f, const char *what)
{
	char path[PATH_MAX], buf[1 << 16];
	struct ikt_afile out;
	int64_t total = 0;
	ssize_t n;
	int ret;

	if ((ret = ikt_afile_dir(IKT_STAGE_DIR, "stage directory")))
		return ret;
	ikt_stage_path(f, what, path, sizeof(path));
	if (ikt_afile_open(&out, path, 0600))
		return IKT_EXIT_ERROR;
	if (lseek(fd, 0, SEEK_SET) < 0)
		goto io_error;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (fwrite(buf, 1, (size_t)n, out.f) != (size_t)n)
			goto io_error;
		total += n;
	}
	if (n < 0 || total != f->size) {
		errno = n < 0 ? errno : EIO;
		goto io_error;
	}
	return ikt_afile_commit(&out) ? IKT_EXIT_ERROR : 0;
io_error:
	p_err("could not copy the %s %s to %s: %s", what, f->path,
		path, strerror(errno));
	ikt_afile_abort(&out);
	return IKT_EXIT_ERROR;
}

int ikt_stage_open(const struct ikt_loadfile *f, const char *what, int *fd)
{
	char nm[NAME_MAX + 1];
	struct stat st;
	int dfd, e;

	*fd = -1;
	if (name(f, what, nm, sizeof(nm)))
		return -ENAMETOOLONG;
	dfd = open(IKT_STAGE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	/* only a directory nobody but root could have filled */
	if (fstat(dfd, &st) || st.st_uid != 0 || (st.st_mode & 0077)) {
		close(dfd);
		return -EPERM;
	}
	*fd = openat(dfd, nm, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	e = errno;
	close(dfd);
	if (*fd < 0)
		return -e;
	if (fstat(*fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 0077) || st.st_size != f->size) {
		close(*fd);
		*fd = -1;
		return -EPERM;
	}
	return 0;
}
