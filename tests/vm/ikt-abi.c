// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ikt-abi: the raw syscall forms an attacker would use against the kexec
 * guard, for the VM guest (static binary in the test initramfs; scenario
 * guardabi). Each prints one "IKT abi=NAME ..." line and exits 0 when the
 * call was made (whatever the kernel answered), 1 if it could not be.
 *
 *   ikt-abi reboot64 NR good|bad   syscall(NR, MAGIC1, MAGIC2 or a wrong
 *                                  one, LINUX_REBOOT_CMD_KEXEC, 0); NR in
 *                                  hex, e.g. 0x1000000a9 (high bits set:
 *                                  x86_64 dispatches on the low 32)
 *   ikt-abi reboot32 good|bad      the same through int 0x80 (ia32, nr 88)
 *   ikt-abi load32                 ia32 kexec_load (int 0x80, nr 283) of a
 *                                  one-page image, KEXEC_ARCH_X86_64 (never
 *                                  meant to run: loaded, not executed)
 *   ikt-abi unpriv-reboot          as uid 65534: reboot(0, 0, 0, 0) (EPERM)
 *   ikt-abi sealtest               in one process (a seal denies exec):
 *                                  seal the guard's state as if a kexec of
 *                                  another task were under way, let an
 *                                  unprivileged child call reboot(), then
 *                                  report whether the seal held and whether
 *                                  an open is denied, and lift it again
 * A wrong magic2 makes reboot() fail with EINVAL after the guard decided,
 * so a "good" decision never kexecs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/reboot.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "imakexec.h"

#define NR32_REBOOT 88
#define NR32_KEXEC_LOAD 283
#define KEXEC_ARCH_X86_64 (62 << 16)
#define BAD_MAGIC2 0x1234567
#define STATE_PIN "/sys/fs/bpf/imakexec/state"

static int say(const char *name, long ret, int err)
{
	printf("IKT abi=%s ret=%ld errno=%d\n", name, ret, ret < 0 ? err : 0);
	fflush(stdout);
	return 0;
}

/* int 0x80 from a 64-bit task: the ia32 entry, TS_COMPAT set */
static long int80(long nr, long a, long b, long c, long d)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static int reboot32(int good)
{
	long r = int80(NR32_REBOOT, (long)(uint32_t)LINUX_REBOOT_MAGIC1,
		       good ? LINUX_REBOOT_MAGIC2 : BAD_MAGIC2, LINUX_REBOOT_CMD_KEXEC, 0);

	return say("reboot32", r < 0 ? -1 : r, r < 0 ? (int)-r : 0);
}

static int reboot64(const char *nrs, int good)
{
	long nr = (long)strtoull(nrs, NULL, 16);
	long r = syscall(nr, LINUX_REBOOT_MAGIC1, good ? LINUX_REBOOT_MAGIC2 : BAD_MAGIC2,
			 LINUX_REBOOT_CMD_KEXEC, 0);

	return say("reboot64", r, errno);
}

struct seg32 {
	uint32_t buf, bufsz, mem, memsz;
};

static int load32(void)
{
	/* below 4 GiB: the ia32 ABI passes 32-bit pointers */
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	struct seg32 *seg;
	long r;

	if (page == MAP_FAILED) {
		printf("IKT abi=load32 error=mmap_32bit errno=%d\n", errno);
		return 1;
	}
	memset(page, 0xf4, 4096);	/* hlt */
	seg = (struct seg32 *)(page + 4096);
	seg->buf = (uint32_t)(uintptr_t)page;
	seg->bufsz = 4096;
	seg->mem = 0x1000000;
	seg->memsz = 4096;
	r = int80(NR32_KEXEC_LOAD, 0x1000000, 1, (long)(uintptr_t)seg, KEXEC_ARCH_X86_64);
	return say("load32", r < 0 ? -1 : r, r < 0 ? (int)-r : 0);
}

static int unpriv_reboot(void)
{
	long r;

	if (setgid(65534) || setuid(65534)) {
		printf("IKT abi=unpriv-reboot error=setuid errno=%d\n", errno);
		return 1;
	}
	r = syscall(SYS_reboot, 0, 0, 0, 0);
	return say("unpriv-reboot", r, errno);
}

static long bpf_call(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static int state_rw(int fd, struct ikt_state *s, int write)
{
	union bpf_attr a;
	uint32_t zero = 0;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uint64_t)(uintptr_t)&zero;
	a.value = (uint64_t)(uintptr_t)s;
	return bpf_call(write ? BPF_MAP_UPDATE_ELEM : BPF_MAP_LOOKUP_ELEM, &a) ? -1 : 0;
}

static int sealtest(void)
{
	struct ikt_state s, after;
	union bpf_attr a;
	int fd, status, ofd, oerr;
	pid_t child;

	memset(&a, 0, sizeof(a));
	a.pathname = (uint64_t)(uintptr_t)STATE_PIN;
	fd = (int)bpf_call(BPF_OBJ_GET, &a);
	if (fd < 0 || state_rw(fd, &s, 0)) {
		printf("IKT abi=sealtest error=state_map errno=%d\n", errno);
		return 1;
	}
	s.sealed = 1;
	s.sealed_tid = (uint64_t)1 << 32 | 1;	/* "init's reboot is under way" */
	if (state_rw(fd, &s, 1)) {
		printf("IKT abi=sealtest error=state_write errno=%d\n", errno);
		return 1;
	}
	child = fork();
	if (child == 0)
		_exit(setgid(65534) || setuid(65534) ? 2 :
		      syscall(SYS_reboot, 0, 0, 0, 0) ? 0 : 3);
	waitpid(child, &status, 0);
	state_rw(fd, &after, 0);
	ofd = open("/proc/version", O_RDONLY);
	oerr = ofd < 0 ? errno : 0;
	if (ofd >= 0)
		close(ofd);
	state_rw(fd, &s, 0);	/* lift it, whatever happened */
	s.sealed = 0;
	s.sealed_tid = 0;
	state_rw(fd, &s, 1);
	printf("IKT abi=sealtest child=%d sealed_after=%u seal_kept=%llu open_errno=%d\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1, after.sealed,
	       (unsigned long long)after.seal_kept, oerr);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "reboot64"))
		return reboot64(argv[2], !strcmp(argv[3], "good"));
	if (argc == 3 && !strcmp(argv[1], "reboot32"))
		return reboot32(!strcmp(argv[2], "good"));
	if (argc == 2 && !strcmp(argv[1], "load32"))
		return load32();
	if (argc == 2 && !strcmp(argv[1], "unpriv-reboot"))
		return unpriv_reboot();
	if (argc == 2 && !strcmp(argv[1], "sealtest"))
		return sealtest();
	fprintf(stderr, "usage: ikt-abi reboot64 NR good|bad | reboot32 good|bad | load32 | "
		"unpriv-reboot | sealtest\n");
	return 2;
}
