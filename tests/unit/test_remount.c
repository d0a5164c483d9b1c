// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <cmocka.h>
#include "exitcodes.h"
#include "remount.h"

#define ST_VALID_ 0x0020	/* the kernel's statvfs bits glibc lacks */
#define ST_NOSYMFOLLOW_ 0x2000

/* what makes mnt the mount point holding path: same device, and its
 * parent on another one (or mnt is /) */
static void assert_mount_point_of(const char *mnt, const char *path)
{
	char parent[4096];
	struct stat a, b, p;

	assert_int_equal(stat(mnt, &a), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_true(a.st_dev == b.st_dev);
	if (strcmp(mnt, "/")) {
		snprintf(parent, sizeof(parent), "%s/..", mnt);
		assert_int_equal(stat(parent, &p), 0);
		assert_true(p.st_dev != a.st_dev);
	}
}

static void test_proc(void **state)
{
	struct ikt_remount r;

	(void)state;
	assert_int_equal(ikt_remount_probe("/proc/self", &r), 0);
	assert_string_equal(r.mnt, "/proc");
	assert_false(r.readonly);
	assert_false(r.done);
}

/* a directory that does not exist yet: the mount of its nearest ancestor */
static void test_missing_directory(void **state)
{
	char d[64], sub[128];
	struct ikt_remount r;

	(void)state;
	snprintf(d, sizeof(d), "/tmp/test_remountXXXXXX");
	assert_non_null(mkdtemp(d));
	snprintf(sub, sizeof(sub), "%s/not/yet/there", d);
	assert_int_equal(ikt_remount_probe(sub, &r), 0);
	assert_mount_point_of(r.mnt, d);
	assert_int_equal(rmdir(d), 0);
}

static void test_root(void **state)
{
	struct ikt_remount r;

	(void)state;
	assert_int_equal(ikt_remount_probe("/", &r), 0);
	assert_mount_point_of(r.mnt, "/");
}

/* nothing to undo when nothing was remounted */
static void test_ro_noop(void **state)
{
	struct ikt_remount r;

	(void)state;
	assert_int_equal(ikt_remount_probe("/proc", &r), 0);
	assert_int_equal(ikt_remount_rw(&r), 0);
	assert_false(r.done);
	assert_int_equal(ikt_remount_ro(&r, 0), 0);
	assert_false(r.done);
}

/* every flag mountinfo shows goes into both remounts: per-mount ones,
 * the atime mode (strictatime too, which it shows as no atime option), and
 * the superblock's sync, dirsync, mand and lazytime; the file system's own
 * options (errors=, data=) stay out (a remount without data keeps them) */
static void test_flags_every_kept(void **state)
{
	struct ikt_remount r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(ikt_remount_flags("ro,nosuid,nodev,noexec,noatime,nodiratime,nosymfollow",
					   "ro,sync,dirsync,mand,lazytime,errors=remount-ro,data=ordered",
					   ST_VALID_ | ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC |
					   ST_NOATIME | ST_NODIRATIME | ST_NOSYMFOLLOW_ |
					   ST_SYNCHRONOUS | ST_MANDLOCK, &r), 0);
	assert_string_equal(r.why, "");
	assert_int_equal(r.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME |
			 MS_NOSYMFOLLOW | MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME);
	assert_int_equal(ikt_remount_flags("ro,relatime", "ro", ST_RDONLY | ST_RELATIME, &r), 0);
	assert_int_equal(r.flags, MS_RELATIME);
	/* strictatime: without MS_STRICTATIME the remount would make it relatime */
	assert_int_equal(ikt_remount_flags("ro,nodev", "ro,lazytime", ST_RDONLY | ST_NODEV, &r), 0);
	assert_int_equal(r.flags, MS_NODEV | MS_STRICTATIME | MS_LAZYTIME);
	assert_int_equal(ikt_remount_flags("ro,relatime,idmapped", "ro", ST_RDONLY | ST_RELATIME, &r), 0);
	assert_int_equal(r.flags, MS_RELATIME);
}

/* what a remount cannot carry over exactly is refused, not dropped */
static void test_flags_unknown_refused(void **state)
{
	struct ikt_remount r;

	(void)state;
	memset(&r, 0, sizeof(r));
	/* a per-mount flag this code does not know */
	assert_int_equal(ikt_remount_flags("ro,nosuid,noworld,relatime", "ro",
					   ST_RDONLY | ST_NOSUID | ST_RELATIME, &r), -EINVAL);
	assert_non_null(strstr(r.why, "'noworld'"));
	assert_int_equal(r.flags, 0);
	/* a statvfs flag this code does not know */
	assert_int_equal(ikt_remount_flags("ro,relatime", "ro", ST_RDONLY | ST_RELATIME | 0x4000,
					   &r), -EINVAL);
	assert_non_null(strstr(r.why, "0x4000"));
	/* statvfs and mountinfo disagree (wrong line, or a flag it hides) */
	assert_int_equal(ikt_remount_flags("ro,relatime", "ro", ST_RDONLY | ST_RELATIME | ST_NOEXEC,
					   &r), -EINVAL);
	assert_non_null(strstr(r.why, "disagree"));
	/* a read-only bind of a read-write file system: MS_RDONLY would make
	 * the file system read-only for every mount of it */
	assert_int_equal(ikt_remount_flags("ro,relatime", "rw", ST_RDONLY | ST_RELATIME, &r),
			 -EINVAL);
	assert_non_null(strstr(r.why, "read-write"));
	assert_int_equal(ikt_remount_flags("", "ro", ST_RDONLY, &r), -EINVAL);
	/* and the refusal stops the remount before any mount(2) */
	snprintf(r.mnt, sizeof(r.mnt), "/nonexistent");
	r.readonly = true;
	assert_int_equal(ikt_remount_check(&r), IKT_EXIT_ERROR);
	assert_int_equal(ikt_remount_rw(&r), IKT_EXIT_ERROR);
	assert_false(r.done);
}

/* read-only again failed: no kexec, whatever the write did */
static void test_verdict(void **state)
{
	struct ikt_remount r;

	(void)state;
	memset(&r, 0, sizeof(r));
	snprintf(r.mnt, sizeof(r.mnt), "/");
	assert_int_equal(ikt_remount_verdict(&r, 0, 0), 0);
	assert_int_equal(ikt_remount_verdict(&r, 0, EBUSY), IKT_EXIT_ERROR);
	assert_int_equal(ikt_remount_verdict(&r, IKT_EXIT_ERROR, 0), IKT_EXIT_ERROR);
	assert_int_equal(ikt_remount_verdict(&r, IKT_EXIT_ERROR, EBUSY), IKT_EXIT_ERROR);
}

/* The real thing, in a mount namespace of our own (and a user namespace,
 * so that it needs no privilege): tmpfs mounted read-only with flags. */
static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool own_namespace(void)
{
	static int done = -1;
	char umap[64], gmap[64];

	if (done >= 0)
		return done;
	done = 0;
	/* our ids outside, read before they become unmapped */
	snprintf(umap, sizeof(umap), "0 %u 1", (unsigned int)geteuid());
	snprintf(gmap, sizeof(gmap), "0 %u 1", (unsigned int)getegid());
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return false;
	write_file("/proc/self/setgroups", "deny");	/* absent before 3.19 */
	/* and nothing done here may reach the namespace we came from */
	if (!write_file("/proc/self/uid_map", umap) || !write_file("/proc/self/gid_map", gmap) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return false;
	done = 1;
	return true;
}

/* mountinfo's per-mount and super options of the mount at mnt */
static void mount_opts(const char *mnt, char *mo, char *so)
{
	char line[4096], mp[1024], o[1024];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	bool found = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - ");

		if (sscanf(line, "%*u %*u %*u:%*u %*s %1023s %1023s", mp, o) != 2 || !dash ||
		    strcmp(mp, mnt))
			continue;
		strcpy(mo, o);
		assert_int_equal(sscanf(dash, " - %*s %*s %1023s", so), 1);
		found = true;
	}
	fclose(f);
	assert_true(found);
}

static void tmpfs_ro(char *d, size_t n, unsigned long flags)
{
	snprintf(d, n, "/tmp/test_remountXXXXXX");
	assert_non_null(mkdtemp(d));
	assert_int_equal(mount("tmpfs", d, "tmpfs", MS_RDONLY | flags, "size=64k"), 0);
}

static void tmpfs_gone(const char *d)
{
	assert_int_equal(umount2(d, MNT_DETACH), 0);
	assert_int_equal(rmdir(d), 0);
}

static void test_real_flags_kept(void **state)
{
	static const unsigned long sets[] = {
		MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW | MS_STRICTATIME |
		MS_NODIRATIME | MS_LAZYTIME | MS_SYNCHRONOUS | MS_DIRSYNC,
		MS_NOATIME | MS_NOEXEC,
		MS_RELATIME | MS_NOSUID | MS_LAZYTIME,
	};
	char d[64], sub[128], f[160], mo[1024], so[1024], mo2[1024], so2[1024];
	struct statvfs v1, v2;

	(void)state;
	if (!own_namespace())
		skip();
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		struct ikt_remount r;
		int fd;

		tmpfs_ro(d, sizeof(d), sets[i]);
		mount_opts(d, mo, so);
		assert_int_equal(statvfs(d, &v1), 0);
		snprintf(sub, sizeof(sub), "%s/carry", d);
		assert_int_equal(ikt_remount_probe(sub, &r), 0);
		assert_string_equal(r.mnt, d);
		assert_true(r.readonly);
		assert_int_equal(ikt_remount_rw(&r), 0);
		assert_true(r.done);
		snprintf(f, sizeof(f), "%s/x", d);
		assert_true((fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
		close(fd);
		assert_int_equal(ikt_remount_ro(&r, 0), 0);
		assert_false(r.done);
		mount_opts(d, mo2, so2);
		assert_int_equal(statvfs(d, &v2), 0);
		assert_string_equal(mo2, mo);
		assert_string_equal(so2, so);
		assert_int_equal(v2.f_flag, v1.f_flag);
		tmpfs_gone(d);
	}
}

/* a file open for writing keeps the file system from going read-only
 * again: that must stop the kexec and leave done set */
static void test_real_ro_again_fails(void **state)
{
	char d[64], f[160];
	struct ikt_remount r;
	struct statvfs v;
	int fd;

	(void)state;
	if (!own_namespace())
		skip();
	tmpfs_ro(d, sizeof(d), MS_NOSUID);
	assert_int_equal(ikt_remount_probe(d, &r), 0);
	assert_int_equal(ikt_remount_rw(&r), 0);
	snprintf(f, sizeof(f), "%s/held", d);
	assert_true((fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	assert_int_equal(ikt_remount_ro(&r, 0), IKT_EXIT_ERROR);
	assert_true(r.done);
	assert_int_equal(statvfs(d, &v), 0);
	assert_false(v.f_flag & ST_RDONLY);
	close(fd);
	assert_int_equal(ikt_remount_ro(&r, 0), 0);
	assert_false(r.done);
	assert_int_equal(statvfs(d, &v), 0);
	assert_true(v.f_flag & ST_RDONLY);
	tmpfs_gone(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc),
		cmocka_unit_test(test_missing_directory),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_ro_noop),
		cmocka_unit_test(test_flags_every_kept),
		cmocka_unit_test(test_flags_unknown_refused),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_real_flags_kept),
		cmocka_unit_test(test_real_ro_again_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
