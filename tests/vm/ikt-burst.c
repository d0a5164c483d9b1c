// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ikt-burst: measurement load generator for the VM guest (static binary in
 * the test initramfs). Each unit of work makes IMA append exactly one entry
 * under the harness policy (FILE_CHECK mask=MAY_READ, BPRM_CHECK).
 *
 *   ikt-burst write N [FILE]  rewrite FILE with distinct content and read it
 *                             back, N times (one FILE_CHECK entry each)
 *   ikt-burst exec N [DIR]    create N distinct tiny static executables in
 *                             DIR and run each once (one BPRM_CHECK entry each)
 *   ikt-burst time N CMD...   run CMD N times (stdout/stderr to /dev/null)
 *   ikt-burst kexec 1         call reboot(LINUX_REBOOT_CMD_KEXEC) directly
 *                             (kexec -e refuses by itself when nothing is
 *                             loaded) and print "IKT rebootkexec errno=..."
 *
 * Prints one "IKT burst=MODE ..." line: n, wall time (ns), entries before
 * and after (runtime_measurements_count), rate; "time" prints min, median
 * and max in microseconds and the exit status of the last run.
 * Exit 0, 1 when a step failed, 2 on bad usage. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define COUNT_FILE "/sys/kernel/security/ima/runtime_measurements_count"
#define MAX_REPS 100000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long long ima_count(void)
{
	char buf[32] = "";
	int fd = open(COUNT_FILE, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtoll(buf, NULL, 10) : -1;
}

static int parse_n(const char *s, unsigned long *n)
{
	char *end;

	errno = 0;
	*n = strtoul(s, &end, 10);
	return (errno || end == s || *end || *n == 0 || *n > 100000000ul) ? -1 : 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void report(const char *mode, unsigned long n, uint64_t ns, long long before)
{
	long long after = ima_count();

	printf("IKT burst=%s n=%lu ns=%" PRIu64 " before=%lld after=%lld per_s=%.0f\n",
	       mode, n, ns, before, after, ns ? n * 1e9 / (double)ns : 0.0);
	fflush(stdout);
}

/* FILE_CHECK: closing a written file resets its measured state, so the next
 * read open measures the new content (a distinct digest: appended). */
static int burst_write(unsigned long n, const char *path)
{
	long long before = ima_count();
	uint64_t t0 = now_ns();
	char buf[64];

	for (unsigned long i = 0; i < n; i++) {
		int len = snprintf(buf, sizeof(buf), "ikt-burst %d %lu\n", getpid(), i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || write_all(fd, buf, (size_t)len) || close(fd)) {
			fprintf(stderr, "ikt-burst: writing %s failed at %lu: %s\n", path, i, strerror(errno));
			return 1;
		}
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "ikt-burst: opening %s failed at %lu: %s\n", path, i, strerror(errno));
			return 1;
		}
		close(fd);
	}
	report("write", n, now_ns() - t0, before);
	return 0;
}

/* A minimal x86_64 ELF executable: exit(0), then an 8-byte tag that makes
 * every copy's digest distinct. */
struct tiny_exe {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned char code[12];
	uint64_t tag;
} __attribute__((packed));

static void tiny_exe_init(struct tiny_exe *x)
{
	static const unsigned char code[12] = {
		0xb8, 0x3c, 0x00, 0x00, 0x00,	/* mov $60, %eax (exit) */
		0x31, 0xff,			/* xor %edi, %edi */
		0x0f, 0x05,			/* syscall */
		0x90, 0x90, 0x90,
	};
	const Elf64_Addr base = 0x400000;

	memset(x, 0, sizeof(*x));
	memcpy(x->eh.e_ident, ELFMAG, SELFMAG);
	x->eh.e_ident[EI_CLASS] = ELFCLASS64;
	x->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	x->eh.e_ident[EI_VERSION] = EV_CURRENT;
	x->eh.e_type = ET_EXEC;
	x->eh.e_machine = EM_X86_64;
	x->eh.e_version = EV_CURRENT;
	x->eh.e_entry = base + offsetof(struct tiny_exe, code);
	x->eh.e_phoff = offsetof(struct tiny_exe, ph);
	x->eh.e_ehsize = sizeof(Elf64_Ehdr);
	x->eh.e_phentsize = sizeof(Elf64_Phdr);
	x->eh.e_phnum = 1;
	x->ph.p_type = PT_LOAD;
	x->ph.p_flags = PF_R | PF_X;
	x->ph.p_vaddr = x->ph.p_paddr = base;
	x->ph.p_filesz = x->ph.p_memsz = sizeof(*x);
	x->ph.p_align = 0x1000;
	memcpy(x->code, code, sizeof(code));
}

static int run_quiet(char *const argv[], int *status)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int burst_exec(unsigned long n, const char *dir)
{
	long long before = ima_count();
	uint64_t t0 = now_ns();
	struct tiny_exe x;
	char path[4096];

	tiny_exe_init(&x);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "ikt-burst: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		char *argv[] = { path, NULL };
		int fd, status;

		x.tag = ((uint64_t)getpid() << 32) ^ (uint64_t)t0 ^ i;
		snprintf(path, sizeof(path), "%s/x%lu", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
		if (fd < 0 || write_all(fd, &x, sizeof(x)) || close(fd)) {
			fprintf(stderr, "ikt-burst: writing %s failed: %s\n", path, strerror(errno));
			return 1;
		}
		if (run_quiet(argv, &status) || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "ikt-burst: running %s failed (status %d)\n", path, status);
			return 1;
		}
		unlink(path);
	}
	report("exec", n, now_ns() - t0, before);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int time_cmd(unsigned long n, char *const argv[])
{
	uint64_t *us = calloc(n, sizeof(*us));
	int status = 0;

	if (!us) {
		fprintf(stderr, "ikt-burst: out of memory\n");
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		if (run_quiet(argv, &status)) {
			fprintf(stderr, "ikt-burst: cannot run %s: %s\n", argv[0], strerror(errno));
			free(us);
			return 1;
		}
		us[i] = (now_ns() - t0) / 1000;
	}
	qsort(us, n, sizeof(*us), cmp_u64);
	printf("IKT burst=time n=%lu min_us=%" PRIu64 " median_us=%" PRIu64 " max_us=%" PRIu64
	       " rc=%d\n", n, us[0], us[n / 2], us[n - 1],
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fflush(stdout);
	free(us);
	return 0;
}

static int reboot_kexec(void)
{
	long r = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			 LINUX_REBOOT_CMD_KEXEC, NULL);

	printf("IKT rebootkexec ret=%ld errno=%d (%s)\n", r, r ? errno : 0,
	       r ? strerror(errno) : "ok");
	fflush(stdout);
	return r ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: ikt-burst write N [FILE] | exec N [DIR] | time N CMD [ARG...] | kexec 1\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long n;

	if (argc < 3 || parse_n(argv[2], &n))
		return usage();
	if (!strcmp(argv[1], "write") && argc <= 4)
		return burst_write(n, argc == 4 ? argv[3] : "/tmp/ikt-burst");
	if (!strcmp(argv[1], "exec") && argc <= 4)
		return burst_exec(n, argc == 4 ? argv[3] : "/tmp/ikt-exec");
	if (!strcmp(argv[1], "kexec") && argc == 3)
		return reboot_kexec();
	if (!strcmp(argv[1], "time") && argc >= 4 && n <= MAX_REPS)
		return time_cmd(n, argv + 3);
	return usage();
}
