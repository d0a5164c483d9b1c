/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Make a directory's file system writable for one write, then read-only
 * again: what `exec --remount` does in a systemd-shutdown hook, where
 * systemd has already remounted every file system it could not unmount
 * read-only, but the carry must still reach the disk. Only a file system
 * that is mounted read-only is touched, and only its read-only flag
 * changes: both remounts (plain MS_REMOUNT of the superblock, no data) pass
 * every other flag that /proc/self/mountinfo shows, checked against
 * statvfs; a flag they could not carry over exactly refuses the remount.
 * If the file system cannot be made read-only again, no kexec may follow. */
#ifndef IKT_REMOUNT_H
#define IKT_REMOUNT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct ikt_remount {
	char mnt[PATH_MAX];	/* mount point that holds dir */
	unsigned long flags;	/* MS_* given to both remounts, MS_RDONLY aside */
	char why[192];		/* set: why a remount would change some flag */
	bool readonly;		/* mounted read-only when looked at */
	bool done;		/* we remounted it read-write */
};

/* Find the mount that holds dir (or its nearest existing ancestor) and
 * whether it is read-only; if it is, also the flags (or why[]); 0 or
 * -errno. */
int ikt_remount_probe(const char *dir, struct ikt_remount *r);
/* r->flags from one mountinfo line's per-mount options ("ro,nosuid,...")
 * and super options ("ro,lazytime,errors=..."), checked against statvfs's
 * f_flag; 0, or -EINVAL with r->why naming what cannot be carried over */
int ikt_remount_flags(const char *mnt_opts, const char *sb_opts, unsigned long st_flags,
		      struct ikt_remount *r);
/* 0 if a read-only r can be remounted keeping its flags, else an exit
 * code (message to err) */
int ikt_remount_check(const struct ikt_remount *r);
/* remount read-write if read-only; 0 or an exit code (message to err) */
int ikt_remount_rw(struct ikt_remount *r);
/* Undo ikt_remount_rw (sync first) after the write that returned
 * write_ret: write_ret if that failed, else 0 (the kexec may follow) or an
 * exit code if the file system stays writable (no kexec) */
int ikt_remount_ro(struct ikt_remount *r, int write_ret);
/* that decision, given the read-only remount's errno (0: it worked) */
int ikt_remount_verdict(const struct ikt_remount *r, int write_ret, int ro_errno);

#endif
