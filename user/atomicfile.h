/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Write a file so that readers see the old one or the whole new one, never
 * a part, and nothing another user planted is followed or reused: a
 * temporary with an unpredictable name is created O_EXCL|O_NOFOLLOW in the
 * target's directory (through its fd), fsync'ed, renamed over the target,
 * and the directory fsync'ed. A target that exists and is not a regular
 * file (FIFO, device, directory, symlink) is refused. */
#ifndef IKT_ATOMICFILE_H
#define IKT_ATOMICFILE_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

struct ikt_afile {
	FILE *f;		/* write here */
	int dirfd;
	char path[PATH_MAX];	/* target as given */
	char name[NAME_MAX + 1];	/* target's last component */
	char tmp[NAME_MAX + 1];		/* temporary in the same directory */
};

/* 0 or -errno; the message (naming path and cause) goes to err,
 * prefixed with prog */
int ikt_afile_open(struct ikt_afile *a, const char *path, mode_t mode);
/* flush, fsync, rename, fsync the directory; 0 or -errno (printed) */
int ikt_afile_commit(struct ikt_afile *a);
/* create dir (parents 0755, itself 0700) if missing and require a
 * root-owned 0700 directory that is not a symlink: 0 or an exit code,
 * the message naming `what` */
int ikt_afile_dir(const char *dir, const char *what);
/* drop the temporary (safe after a failed commit or on an unused one) */
void ikt_afile_abort(struct ikt_afile *a);

#endif
