// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* exec's reload: the files kexec_file_load read (checked unchanged, or
 * their staged copies), or those named with --kernel. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "errors.h"
#include "exec.h"
#include "exitcodes.h"
#include "stage.h"
/* st is the file f describes: same inode, device, size, mtime and ctime
 * (no user can set a ctime back). kdev: f->dev in the kernel's internal
 * encoding (MAJOR << 20 | MINOR, as the BPF side reads s_dev); 0 ctime:
 * not recorded (pins of an older version) */
static bool same_file(const struct stat *st, const struct ikt_loadfile *f,
		      int64_t ctime_sec, uint32_t ctime_nsec, bool kdev)
{
	dev_t dev = kdev ? makedev((unsigned int)(f->dev >> 20), (unsigned int)(f->dev & 0xfffff)) :
		    (dev_t)f->dev;

	if (st->st_ino != f->ino || st->st_dev != dev ||
	    (uint64_t)st->st_size != (uint64_t)f->size)
		return false;
	if (f->mtime_sec && (st->st_mtim.tv_sec != f->mtime_sec ||
			     (uint32_t)st->st_mtim.tv_nsec != f->mtime_nsec))
		return false;
	return !ctime_sec || (st->st_ctim.tv_sec == ctime_sec &&
			      (uint32_t)st->st_ctim.tv_nsec == ctime_nsec);
}

static void file_ctime(const struct exec_ctx *x, const struct ikt_loadfile *f,
		       int64_t *sec, uint32_t *nsec)
{
	bool initrd = f == &x->li.initrd;

	*sec = initrd ? x->li.initrd_ctime_sec : x->li.kernel_ctime_sec;
	*nsec = initrd ? x->li.initrd_ctime_nsec : x->li.kernel_ctime_nsec;
}

/* the file at path must still be the one kexec_file_load read */
static int open_same(const struct exec_ctx *x, const struct ikt_loadfile *f, const char *what,
		     int *fd, bool say)
{
	struct stat st;
	int64_t cs;
	uint32_t cn;

	*fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		if (say)
			p_err("cannot open the %s %s: %s; reload it with kexec -s "
				"-l while attached; no kexec", what, f->path, strerror(errno));
		return IKT_EXIT_ERROR;
	}
	file_ctime(x, f, &cs, &cn);
	if (fstat(*fd, &st) || !same_file(&st, f, cs, cn, !x->a->kernel)) {
		close(*fd);
		*fd = -1;
		if (say)
			p_err("the %s %s changed since it was loaded; reload with "
				"kexec -s -l to execute the new one; no kexec", what, f->path);
		return IKT_EXIT_ERROR;
	}
	return 0;
}

/* the loaded file, or the copy staged before its file system went away */
static int open_loaded(struct exec_ctx *x, const struct ikt_loadfile *f, const char *what,
		       int *fd, bool *staged)
{
	char p[PATH_MAX];

	if (!open_same(x, f, what, fd, false))
		return 0;
	if (!x->a->stage && !ikt_stage_open(f, what, fd)) {
		*staged = true;
		ikt_stage_path(f, what, p, sizeof(p));
		p_info("the %s %s cannot be opened as loaded (file system "
			"unmounted?); reloading from its copy %s", what, f->path, p);
		return 0;
	}
	return open_same(x, f, what, fd, true);	/* again, to say why */
}

/* --kernel: what to reload, described like a traced load */
static int explicit_file(const char *path, struct ikt_loadfile *f, __s64 *ctime_sec,
			 __u32 *ctime_nsec)
{
	struct stat st;
	size_t n = strlen(path);

	const char *why = n >= sizeof(f->path) ? "path too long" :
			  stat(path, &st) ? strerror(errno) :
			  !S_ISREG(st.st_mode) ? "not a regular file" : NULL;

	if (why) {
		p_err("cannot use %s: %s; no kexec", path, why);
		return IKT_EXIT_ERROR;
	}
	memcpy(f->path, path, n + 1);
	f->path_len = (uint32_t)n + 1;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime_sec = st.st_mtim.tv_sec;
	f->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	*ctime_sec = st.st_ctim.tv_sec;
	*ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	return 0;
}

static int explicit_loadinfo(struct exec_ctx *x)
{
	const struct exec_args *a = x->a;
	struct ikt_loadinfo *li = &x->li;
	size_t n = 0;
	int ret;

	memset(li, 0, sizeof(*li));
	if ((ret = explicit_file(a->kernel, &li->kernel, &li->kernel_ctime_sec,
				 &li->kernel_ctime_nsec)) ||
	    (a->initrd && (ret = explicit_file(a->initrd, &li->initrd, &li->initrd_ctime_sec,
					       &li->initrd_ctime_nsec))))
		return ret;
	if (a->append) {
		n = strlen(a->append);
		if (n >= sizeof(li->cmdline)) {
			p_err("--append is longer than %zu bytes; no kexec", sizeof(li->cmdline) - 1);
			return IKT_EXIT_USAGE;
		}
		memcpy(li->cmdline, a->append, n);
	} else if (a->reuse_cmdline) {
		FILE *f = fopen("/proc/cmdline", "re");

		n = f ? fread(li->cmdline, 1, sizeof(li->cmdline) - 1, f) : 0;
		if (f)
			fclose(f);
		if (!n) {
			p_err("cannot read /proc/cmdline for --reuse-cmdline; "
				"pass --append; no kexec");
			return IKT_EXIT_ERROR;
		}
		while (n && (li->cmdline[n - 1] == '\n' || li->cmdline[n - 1] == ' '))
			n--;
	}
	li->cmdline[n] = 0;
	li->cmdline_len = n ? (uint32_t)n + 1 : 0;
	li->valid = 1;
	return 0;
}
/* the reload plan: what was loaded (or --kernel), its files opened */
int exec_prepare_reload(struct exec_ctx *x)
{
	int ret;

	x->plan = PLAN_RELOAD;
	if (x->a->kernel) {
		if ((ret = explicit_loadinfo(x)))
			return ret;
	} else if (ikt_tracker_read_loaded(&x->t, &x->li)) {
		goto read_failed;
	} else if (!(x->s.touched & IKT_SLOT_NORMAL) || x->s.kexec_state != IKT_KEXEC_FILE ||
		   !x->li.valid) {
		p_err("cannot reload the image: it was %s; load it with "
			"kexec -s -l while attached, or name its files (--kernel, --initrd, "
			"--reuse-cmdline); no kexec",
			x->s.kexec_state == IKT_KEXEC_LEGACY ? "loaded with the legacy kexec_load" :
			x->s.kexec_state == IKT_KEXEC_UNKNOWN ? "replaced by loads that overlapped "
			"(which one the kernel kept is unknown)" :
			"loaded before tracking started");
		return IKT_EXIT_ERROR;
	}
	x->li.kernel.path[sizeof(x->li.kernel.path) - 1] = 0;
	x->li.initrd.path[sizeof(x->li.initrd.path) - 1] = 0;
	x->li.cmdline[sizeof(x->li.cmdline) - 1] = 0;
	if ((ret = open_loaded(x, &x->li.kernel, "kernel", &x->kfd, &x->kstaged)))
		return ret;
	if (x->li.initrd.path_len &&
	    (ret = open_loaded(x, &x->li.initrd, "initramfs", &x->ifd, &x->istaged)))
		return ret;
	return 0;
read_failed:
	p_err("cannot read the tracker's state: %s", strerror(errno));
	return IKT_EXIT_ERROR;
}
