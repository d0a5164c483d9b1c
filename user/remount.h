/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Make a directory's file system writable for one write, then read-only
 * again: what `exec --remount` does in a systemd-shutdown hook, where
 * systemd has already remounted every file system it could not unmount
 * read-only, but the carry must still reach the disk. Only a file system
 * that is mounted read-only is touched, and only its read-only flag
 * changes (nosuid, nodev, noexec, atime flags are kept). */
#ifndef IKT_REMOUNT_H
#define IKT_REMOUNT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct ikt_remount {
	char mnt[PATH_MAX];	/* mount point that holds dir */
	unsigned long flags;	/* MS_* kept across both remounts */
	bool readonly;		/* mounted read-only when looked at */
	bool done;		/* we remounted it read-write */
};

/* Find the mount that holds dir (or its nearest existing ancestor) and
 * whether it is read-only; 0 or -errno. */
int ikt_remount_probe(const char *dir, struct ikt_remount *r);
/* remount read-write if read-only; 0 or an exit code (message to err) */
int ikt_remount_rw(struct ikt_remount *r);
/* undo ikt_remount_rw (sync first); failures are reported, not fatal */
void ikt_remount_ro(struct ikt_remount *r);

#endif
