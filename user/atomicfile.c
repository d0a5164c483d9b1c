// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "errors.h"
#include "atomicfile.h"
#include "exitcodes.h"

static int split(struct ikt_afile *a, const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t dlen = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;

	if (!*name || strlen(name) > NAME_MAX - 24 || strlen(path) >= sizeof(a->path) ||
	    dlen >= len || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	memcpy(dir, slash ? path : ".", dlen);
	dir[dlen] = 0;
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->path, sizeof(a->path), "%s", path);
	return 0;
}

int ikt_afile_open(struct ikt_afile *a, const char *path, mode_t mode)
{
	char dir[PATH_MAX];
	unsigned char rnd[8];
	struct stat st;
	int fd = -1, e;

	memset(a, 0, sizeof(*a));
	a->dirfd = -1;
	if (split(a, path, dir, sizeof(dir))) {
		p_err("invalid output path '%s'", path);
		return -EINVAL;
	}
	a->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a->dirfd < 0) {
		e = errno;
		p_err("cannot open directory %s for %s: %s; create it first", dir, path, strerror(e));
		return -e;
	}
	if (!fstatat(a->dirfd, a->name, &st, AT_SYMLINK_NOFOLLOW) && !S_ISREG(st.st_mode)) {
		p_err("refusing to write %s: it exists and is not a regular "
			"file (symlink, FIFO, device or directory); remove it", path);
		ikt_afile_abort(a);
		return -EEXIST;
	}
	for (int tries = 0; fd < 0 && tries < 8; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			break;
		int n = snprintf(a->tmp, sizeof(a->tmp), ".%.*s.%02x%02x%02x%02x%02x%02x%02x%02x",
				 NAME_MAX - 24, a->name, rnd[0], rnd[1], rnd[2], rnd[3],
				 rnd[4], rnd[5], rnd[6], rnd[7]);

		if (n < 0 || (size_t)n >= sizeof(a->tmp))
			break;
		fd = openat(a->dirfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, mode);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0 || fchmod(fd, mode) || !(a->f = fdopen(fd, "w"))) {
		e = errno ? errno : EIO;
		p_err("cannot create a temporary file in %s for %s: %s", dir, path, strerror(e));
		if (fd >= 0) {
			close(fd);
			unlinkat(a->dirfd, a->tmp, 0);
		}
		a->tmp[0] = 0;
		ikt_afile_abort(a);
		return -e;
	}
	return 0;
}

int ikt_afile_commit(struct ikt_afile *a)
{
	int ret = 0;

	errno = 0;
	if (fflush(a->f) || ferror(a->f) || fsync(fileno(a->f)))
		ret = errno ? -errno : -EIO;
	if (fclose(a->f) && !ret)
		ret = errno ? -errno : -EIO;
	a->f = NULL;
	if (!ret && renameat(a->dirfd, a->tmp, a->dirfd, a->name))
		ret = -errno;
	if (!ret) {
		a->tmp[0] = 0;
		if (fsync(a->dirfd))
			ret = -errno;
	}
	if (ret)
		p_err("writing %s failed: %s", a->path, strerror(-ret));
	ikt_afile_abort(a);
	return ret;
}

void ikt_afile_abort(struct ikt_afile *a)
{
	if (a->f) {
		fclose(a->f);
		a->f = NULL;
	}
	if (a->tmp[0] && a->dirfd >= 0)
		unlinkat(a->dirfd, a->tmp, 0);
	a->tmp[0] = 0;
	if (a->dirfd >= 0)
		close(a->dirfd);
	a->dirfd = -1;
}

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

int ikt_afile_dir(const char *dir, const char *what)
{
	struct stat st;
	int ret;

	if (dir[0] != '/') {
		p_err("%s %s must be an absolute path", what, dir);
		return IKT_EXIT_USAGE;
	}
	if ((ret = mkdirs(dir))) {
		p_err("cannot create %s %s: %s; no kexec", what, dir, strerror(-ret));
		return IKT_EXIT_ERROR;
	}
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 0077)) {
		p_err("refusing %s %s: not a root-owned 0700 directory; fix it "
			"(chown root:root, chmod 0700) or remove it; no kexec", what, dir);
		return IKT_EXIT_ERROR;
	}
	return 0;
}
