/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Copies of the loaded kexec image's files, for a reload after their file
 * system is gone. systemd unmounts a separate /boot before it runs the
 * system-shutdown hooks, where `exec` reloads the image on kernels that
 * snapshot the list at load. `exec --stage` (ExecStop of
 * imakexec-trace-stage.service, which stops before local file systems are
 * unmounted) copies the kernel and initramfs to IKT_STAGE_DIR on /run, a
 * tmpfs systemd keeps until the end; the hook's `exec` uses a copy only
 * when the original cannot be opened as it was loaded. A copy is named
 * after what it was copied from (device, inode, size, mtime, as recorded by
 * the BPF side at load), so a copy of another file is never taken for it;
 * directory root-owned 0700, files 0600, opened without following links. */
#ifndef IKT_STAGE_H
#define IKT_STAGE_H

#include <stdio.h>
#include "imakexec.h"

#define IKT_STAGE_DIR "/run/imakexec/stage"

/* copy the open file fd (the loaded one, already checked) for f */
int ikt_stage_save(int fd, const struct ikt_loadfile *f, const char *what);
/* open the copy for f: 0 and *fd, or -errno (no message) */
int ikt_stage_open(const struct ikt_loadfile *f, const char *what, int *fd);
/* where the copy for f is (for messages) */
void ikt_stage_path(const struct ikt_loadfile *f, const char *what, char *buf, size_t n);

#endif
