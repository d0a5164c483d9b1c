// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include "errors.h"
#include "exitcodes.h"
#include "remount.h"
#include "util.h"

static const struct { unsigned long st, ms; } keep[] = {
	{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
	{ ST_SYNCHRONOUS, MS_SYNCHRONOUS }, { ST_MANDLOCK, MS_MANDLOCK },
	{ ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
	{ ST_RELATIME, MS_RELATIME },
};

/* the highest ancestor of p (resolved, absolute) on the same device */
static int mount_point(char *p, dev_t dev)
{
	struct stat st;

	for (;;) {
		char *slash = strrchr(p, '/');

		if (!slash || slash == p) {	/* parent is / */
			if (stat("/", &st))
				return -errno;
			if (st.st_dev == dev)
				strcpy(p, "/");
			return 0;
		}
		*slash = 0;
		if (stat(p, &st))
			return -errno;
		if (st.st_dev != dev) {
			*slash = '/';
			return 0;
		}
	}
}

int ikt_remount_probe(const char *dir, struct ikt_remount *r)
{
	char p[PATH_MAX], *real;
	struct statvfs vfs;
	struct stat st;
	size_t n = strlen(dir);

	memset(r, 0, sizeof(*r));
	if (n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, dir, n + 1);
	/* the directory may not exist yet: its nearest existing ancestor */
	while (stat(p, &st)) {
		char *slash = strrchr(p, '/');

		if (errno != ENOENT || !slash)
			return -errno;
		if (slash == p) {
			strcpy(p, "/");
			continue;
		}
		*slash = 0;
	}
	if (statvfs(p, &vfs))
		return -errno;
	if (!(real = realpath(p, NULL)))
		return -errno;
	n = strlen(real);
	if (n >= sizeof(r->mnt)) {
		free(real);
		return -ENAMETOOLONG;
	}
	memcpy(r->mnt, real, n + 1);
	free(real);
	if (stat(r->mnt, &st))
		return -errno;
	int ret = mount_point(r->mnt, st.st_dev);

	if (ret)
		return ret;
	r->readonly = vfs.f_flag & ST_RDONLY;
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (vfs.f_flag & keep[i].st)
			r->flags |= keep[i].ms;
	return 0;
}

int ikt_remount_rw(struct ikt_remount *r)
{
	if (!r->readonly)
		return 0;
	if (mount(NULL, r->mnt, NULL, MS_REMOUNT | r->flags, NULL)) {
		p_err("cannot remount %s read-write for the carry: %s; no kexec", r->mnt, strerror(errno));
		return IKT_EXIT_ERROR;
	}
	r->done = true;
	p_info("remounted %s read-write for the carry", r->mnt);
	return 0;
}

void ikt_remount_ro(struct ikt_remount *r)
{
	if (!r->done)
		return;
	sync();
	if (mount(NULL, r->mnt, NULL, MS_REMOUNT | MS_RDONLY | r->flags, NULL))
		p_info("could not remount %s read-only again: %s", r->mnt, strerror(errno));
	else
		r->done = false;
}
