// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include "errors.h"
#include "exitcodes.h"
#include "pindir.h"

#define LOCK_FILE "/run/imakexec-trace.lock"

void ikt_pindir_init(struct ikt_pindir *d)
{
	memset(d, 0, sizeof(*d));
	d->fd = d->parent_fd = -1;
}

static int split(struct ikt_pindir *d, const char *dir, char *parent, size_t len)
{
	const char *slash = strrchr(dir, '/');
	size_t plen;

	if (!slash || !slash[1] || strlen(slash + 1) > NAME_MAX ||
	    strlen(dir) >= sizeof(d->path) || (size_t)(slash - dir) + 2 > len)
		return -EINVAL;
	plen = slash == dir ? 1 : (size_t)(slash - dir);
	memcpy(parent, dir, plen);
	parent[plen] = 0;
	snprintf(d->base, sizeof(d->base), "%s", slash + 1);
	snprintf(d->path, sizeof(d->path), "%s", dir);
	return 0;
}

static bool on_bpffs(int fd)
{
	struct statfs sf;

	return !fstatfs(fd, &sf) && sf.f_type == BPF_FS_MAGIC;
}

int ikt_pindir_open(struct ikt_pindir *d, const char *dir, bool create)
{
	char parent[PATH_MAX];
	struct stat st;

	ikt_pindir_init(d);
	if (split(d, dir, parent, sizeof(parent))) {
		p_err("invalid pin directory %s", dir);
		return IKT_EXIT_ERROR;
	}
	d->parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* nothing can be pinned where no bpffs is mounted */
	if (!create && (d->parent_fd < 0 || !on_bpffs(d->parent_fd)))
		return IKT_PINDIR_ABSENT;
	if (d->parent_fd < 0 || !on_bpffs(d->parent_fd)) {
		p_err("%s is not a mounted bpf filesystem: "
			"mount -t bpf bpf %s", parent, parent);
		return IKT_EXIT_NOFEATURE;
	}
	if (create) {
		if (!mkdirat(d->parent_fd, d->base, 0700))
			d->created = true;
		else if (errno != EEXIST) {
			p_err("cannot create %s: %s", dir, strerror(errno));
			return IKT_EXIT_ERROR;
		}
	}
	d->fd = openat(d->parent_fd, d->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d->fd < 0) {
		if (errno == ENOENT && !create)
			return IKT_PINDIR_ABSENT;
		p_err("refusing %s: %s (a symlink or another "
			"file, not the directory attach makes); remove it as root and "
			"attach again", dir, errno == ELOOP || errno == ENOTDIR ?
			"not a directory" : strerror(errno));
		return IKT_EXIT_ERROR;
	}
	if (fstat(d->fd, &st) || st.st_uid != 0 || (st.st_mode & 0077) ||
	    !on_bpffs(d->fd)) {
		p_err("refusing %s: owned by uid %u with mode "
			"%04o%s; only a root-owned 0700 directory on bpffs is trusted "
			"(another user may have made it): remove it as root and attach "
			"again", dir, (unsigned int)st.st_uid,
			(unsigned int)(st.st_mode & 07777),
			on_bpffs(d->fd) ? "" : ", not on bpffs");
		return IKT_EXIT_ERROR;
	}
	if (d->created && fchmod(d->fd, 0700)) {
		p_err("cannot chmod %s: %s", dir, strerror(errno));
		return IKT_EXIT_ERROR;
	}
	return 0;
}

int ikt_pindir_path(const struct ikt_pindir *d, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "/proc/self/fd/%d/%s", d->fd, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int ikt_pindir_check_pin(const struct ikt_pindir *d, const char *name)
{
	struct stat st;

	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : IKT_EXIT_ERROR;
	if (S_ISREG(st.st_mode) && st.st_uid == 0 && !(st.st_mode & 0077))
		return 1;
	p_err("refusing %s/%s: not a root-owned 0600 pin "
		"(uid %u, mode %04o); run 'imakexec-trace detach' then attach",
		d->path, name, (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777));
	return IKT_EXIT_ERROR;
}

int ikt_pindir_unlink(const struct ikt_pindir *d, const char *name)
{
	return unlinkat(d->fd, name, 0) && errno != ENOENT ? -errno : 0;
}

int ikt_pindir_remove_all(struct ikt_pindir *d)
{
	int dfd = dup(d->fd), ret = 0;
	struct dirent *de;
	DIR *dir;

	dir = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!dir) {
		ret = -errno;
		if (dfd >= 0)
			close(dfd);
		p_err("cannot list %s: %s", d->path, strerror(-ret));
		return ret;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(d->fd, de->d_name, 0) && errno != ENOENT) {
			ret = -errno;
			p_err("cannot remove %s/%s: %s",
				d->path, de->d_name, strerror(errno));
		}
	}
	closedir(dir);
	if (unlinkat(d->parent_fd, d->base, AT_REMOVEDIR) && errno != ENOENT) {
		ret = -errno;
		p_err("cannot remove %s: %s", d->path, strerror(errno));
	}
	return ret;
}

void ikt_pindir_remove_if_created(struct ikt_pindir *d)
{
	if (d->created && d->parent_fd >= 0)
		unlinkat(d->parent_fd, d->base, AT_REMOVEDIR);
}

void ikt_pindir_close(struct ikt_pindir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->parent_fd >= 0)
		close(d->parent_fd);
	ikt_pindir_init(d);
}

int ikt_pin_lock(const char *dir)
{
	char parent[PATH_MAX];
	struct ikt_pindir tmp;
	struct stat st;
	int fd = -1;

	if (!lstat("/run", &st) && S_ISDIR(st.st_mode) && st.st_uid == 0 &&
	    !(st.st_mode & 0022))
		fd = open(LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && !split(&tmp, dir, parent, sizeof(parent)))
		fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		p_err("cannot lock %s against a concurrent attach: %s",
			LOCK_FILE, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}
