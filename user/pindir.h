/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The pin directory, trusted only when it is what attach makes: a real
 * directory (not a symlink) on a bpf filesystem, owned by root, with no
 * group or other access, holding root-owned 0600 pins. Everything inside
 * is reached through the directory's fd, so a path swapped after the check
 * (bpffs mounted mode 1777 lets any user create names there) is never
 * followed. */
#ifndef IKT_PINDIR_H
#define IKT_PINDIR_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#define IKT_PINDIR_ABSENT 1	/* ikt_pindir_open: nothing there */

struct ikt_pindir {
	int fd;			/* the directory, O_DIRECTORY|O_NOFOLLOW */
	int parent_fd;
	bool created;		/* made by this ikt_pindir_open */
	char path[PATH_MAX];
	char base[NAME_MAX + 1];
};

void ikt_pindir_init(struct ikt_pindir *d);
/* 0 opened, IKT_PINDIR_ABSENT when absent and !create, or an exit code
 * after printing which check failed and the fix. */
int ikt_pindir_open(struct ikt_pindir *d, const char *dir, bool create);
/* A path for bpf_obj_pin/bpf_obj_get that resolves inside the opened
 * directory (/proc/self/fd/N/name). -ENAMETOOLONG if it does not fit. */
int ikt_pindir_path(const struct ikt_pindir *d, const char *name, char *buf, size_t len);
/* 0 if name is absent, 1 if it is a root-owned regular file without
 * group/other access, or an exit code after printing why not. */
int ikt_pindir_check_pin(const struct ikt_pindir *d, const char *name);
/* unlink one pin; ENOENT is success */
int ikt_pindir_unlink(const struct ikt_pindir *d, const char *name);
/* unlink every entry and the directory itself; 0 or -errno (printed) */
int ikt_pindir_remove_all(struct ikt_pindir *d);
/* remove the directory if empty (after a failed attach that created it) */
void ikt_pindir_remove_if_created(struct ikt_pindir *d);
void ikt_pindir_close(struct ikt_pindir *d);
/* Serialise attach/detach: an exclusive lock held until the fd is
 * closed, on a root-only lock file in /run (or, where /run is not a
 * root-only directory, on the pin directory's parent). -1 on error. */
int ikt_pin_lock(const char *dir);

#endif
