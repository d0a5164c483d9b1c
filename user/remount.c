// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include "errors.h"
#include "exitcodes.h"
#include "remount.h"
#include "util.h"

/* statvfs f_flag bits, as the kernel has them (glibc lacks the last) */
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif
#define IKT_ST_VALID 0x0020
#define IKT_ST_KNOWN (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_SYNCHRONOUS | \
		      ST_MANDLOCK | ST_NOATIME | ST_NODIRATIME | ST_RELATIME | ST_NOSYMFOLLOW)

struct opt {
	const char *name;
	unsigned long ms, st;
};

/* mountinfo's per-mount options (fs/proc_namespace.c show_mnt_opts): a
 * remount replaces all of them by what it is given */
static const struct opt mnt_opts[] = {
	{ "nosuid", MS_NOSUID, ST_NOSUID }, { "nodev", MS_NODEV, ST_NODEV },
	{ "noexec", MS_NOEXEC, ST_NOEXEC }, { "noatime", MS_NOATIME, ST_NOATIME },
	{ "nodiratime", MS_NODIRATIME, ST_NODIRATIME }, { "relatime", MS_RELATIME, ST_RELATIME },
	{ "nosymfollow", MS_NOSYMFOLLOW, ST_NOSYMFOLLOW },
	{ "idmapped", 0, 0 },	/* the mount's idmapping, which a remount keeps */
};

/* its generic superblock options (show_sb_opts); sync, mand and lazytime
 * are in MS_RMT_MASK, so a remount without them clears them; dirsync is
 * not (a remount never changes it), passed all the same. Every other
 * super option is the file system's own, left as it is by a remount
 * without data. */
static const struct opt sb_opts[] = {
	{ "sync", MS_SYNCHRONOUS, ST_SYNCHRONOUS }, { "mand", MS_MANDLOCK, ST_MANDLOCK },
	{ "lazytime", MS_LAZYTIME, 0 }, { "dirsync", MS_DIRSYNC, 0 },
};

static const struct opt *find_opt(const struct opt *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

/* parse "ro,opt,..." into *ms and *st; 1 ro, 0 rw, -1 after setting
 * r->why (unknown per-mount option, or no ro/rw first) */
static int parse_opts(const char *opts, bool strict, unsigned long *ms, unsigned long *st,
		      struct ikt_remount *r)
{
	char *buf = strdup(opts), *save = NULL, *o;
	int ro = -1;

	if (!buf) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return -1;
	}
	for (o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		const struct opt *k = strict ? find_opt(mnt_opts, ARRAY_SIZE(mnt_opts), o) :
				      find_opt(sb_opts, ARRAY_SIZE(sb_opts), o);

		if (ro < 0) {
			if (strcmp(o, "ro") && strcmp(o, "rw"))
				break;
			ro = !strcmp(o, "ro");
		} else if (k) {
			*ms |= k->ms;
			*st |= k->st;
		} else if (strict) {
			snprintf(r->why, sizeof(r->why), "it has the mount flag '%.64s', "
				 "unknown to --remount", o);
			free(buf);
			return -1;
		}
	}
	free(buf);
	if (ro < 0)
		snprintf(r->why, sizeof(r->why), "mountinfo options '%.64s' not understood", opts);
	return ro;
}

int ikt_remount_flags(const char *mnt_o, const char *sb_o, unsigned long st_flags,
		      struct ikt_remount *r)
{
	unsigned long ms = 0, st = 0;
	int mro, sro;

	r->flags = 0;
	r->why[0] = 0;
	if ((mro = parse_opts(mnt_o, true, &ms, &st, r)) < 0 ||
	    (sro = parse_opts(sb_o, false, &ms, &st, r)) < 0)
		return -EINVAL;
	if (mro != sro) {
		/* MS_RDONLY sets both; going back would change the other */
		snprintf(r->why, sizeof(r->why), "the mount is %s but its file system is %s: "
			 "a remount cannot restore both", mro ? "read-only" : "read-write",
			 sro ? "read-only" : "read-write");
		return -EINVAL;
	}
	if ((ms & (MS_NOATIME | MS_RELATIME)) == (MS_NOATIME | MS_RELATIME)) {
		snprintf(r->why, sizeof(r->why), "it is both noatime and relatime");
		return -EINVAL;
	}
	if (!(ms & (MS_NOATIME | MS_RELATIME)))
		ms |= MS_STRICTATIME;	/* else a remount makes it relatime */
	if (mro)
		st |= ST_RDONLY;
	st_flags &= ~(unsigned long)IKT_ST_VALID;
	if (st_flags & ~(unsigned long)IKT_ST_KNOWN) {
		snprintf(r->why, sizeof(r->why), "statvfs reports flags 0x%lx, unknown to --remount",
			 st_flags & ~(unsigned long)IKT_ST_KNOWN);
		return -EINVAL;
	}
	if (st_flags != st) {
		snprintf(r->why, sizeof(r->why), "statvfs (flags 0x%lx) and mountinfo (0x%lx) "
			 "disagree", st_flags, st);
		return -EINVAL;
	}
	r->flags = ms;
	return 0;
}

/* mountinfo's octal escapes (\040 for a space, ...) undone in place */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = 0;
}

/* The mountinfo line of the mount that holds path (by its mount ID where
 * statx gives one, else the last one mounted at r->mnt from device dev),
 * then r->flags from it; failures end up in r->why. */
static void probe_flags(struct ikt_remount *r, const char *path, dev_t dev,
			unsigned long st_flags)
{
	struct statx sx;
	bool by_id = !statx(AT_FDCWD, path, 0, STATX_MNT_ID, &sx) &&
		     (sx.stx_mask & STATX_MNT_ID);
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *mo = NULL, *so = NULL, *mp = NULL;
	size_t cap = 0;

	if (!f) {
		snprintf(r->why, sizeof(r->why), "cannot read /proc/self/mountinfo: %s",
			 strerror(errno));
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		char *tok[8], *save = NULL, *t;
		unsigned long long id;
		unsigned int maj, min;
		int n = 0, k = 0;

		if (sscanf(line, "%llu %*u %u:%u %n", &id, &maj, &min, &n) != 3 || !n)
			continue;
		/* root, mount point, options, optional fields..., -, type,
		 * source, super options */
		for (t = strtok_r(line + n, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
			if (k < 3 || (k == 3 && !strcmp(t, "-")) || (k > 3 && k < 7))
				tok[k++] = t;
		}
		if (k != 7)
			continue;
		unescape(tok[1]);
		if (by_id ? id != sx.stx_mnt_id :
		    (makedev(maj, min) != dev || strcmp(tok[1], r->mnt)))
			continue;
		free(mp);
		free(mo);
		free(so);
		mp = strdup(tok[1]);
		mo = strdup(tok[2]);
		so = strdup(tok[6]);
		if (by_id)
			break;
	}
	fclose(f);
	free(line);
	if (!mp || !mo || !so)
		snprintf(r->why, sizeof(r->why), "its mount is not in /proc/self/mountinfo");
	else if (strlen(mp) >= sizeof(r->mnt))
		snprintf(r->why, sizeof(r->why), "its mount point is too long");
	else if (!ikt_remount_flags(mo, so, st_flags, r))
		strcpy(r->mnt, mp);	/* the mount itself, e.g. above a btrfs subvolume */
	free(mp);
	free(mo);
	free(so);
}

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
	if (r->readonly)
		probe_flags(r, p, st.st_dev, vfs.f_flag);
	return 0;
}

int ikt_remount_check(const struct ikt_remount *r)
{
	if (!r->readonly || !r->why[0])
		return 0;
	p_err("--remount cannot remount %s (the carry directory's file system) "
	      "keeping its flags: %s; no kexec. Choose a --carry-dir on a writable "
	      "file system, or mount %s with flags --remount knows", r->mnt, r->why, r->mnt);
	return IKT_EXIT_ERROR;
}

int ikt_remount_rw(struct ikt_remount *r)
{
	int ret;

	if (!r->readonly)
		return 0;
	if ((ret = ikt_remount_check(r)))
		return ret;
	if (mount(NULL, r->mnt, NULL, MS_REMOUNT | r->flags, NULL)) {
		p_err("cannot remount %s read-write for the carry: %s; no kexec", r->mnt, strerror(errno));
		return IKT_EXIT_ERROR;
	}
	r->done = true;
	p_info("remounted %s read-write for the carry", r->mnt);
	return 0;
}

int ikt_remount_verdict(const struct ikt_remount *r, int write_ret, int ro_errno)
{
	if (!ro_errno)
		return write_ret;
	if (write_ret) {
		p_err("and cannot remount %s read-only again: %s; it stays read-write",
		      r->mnt, strerror(ro_errno));
		return write_ret;
	}
	/* the carry is whole and synced, but arm_carry() has not run: the
	 * guard lets no kexec use it, and a full reboot resets PCR 10 */
	p_err("cannot remount %s read-only again after the carry: %s; no kexec, which "
	      "would leave that file system read-write and unclean (nothing unmounts it). "
	      "The carry written there is complete but not armed: no kexec uses it, and "
	      "a full reboot does not need it. Close what keeps it busy (a file open for "
	      "writing, or deleted but still open: fuser -vm %s) and run exec again, or "
	      "reboot fully", r->mnt, strerror(ro_errno), r->mnt);
	return IKT_EXIT_ERROR;
}

int ikt_remount_ro(struct ikt_remount *r, int write_ret)
{
	int err = 0;

	if (!r->done)
		return write_ret;
	sync();
	if (mount(NULL, r->mnt, NULL, MS_REMOUNT | MS_RDONLY | r->flags, NULL))
		err = errno;
	else
		r->done = false;
	if (!err)
		p_info("remounted %s read-only again", r->mnt);
	return ikt_remount_verdict(r, write_ret, err);
}
