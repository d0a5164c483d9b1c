// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kmsg.h"

/* one kernel log record holds at most 1,024 bytes (LOG_LINE_MAX is
 * larger, but a console line this long is unreadable anyway) */
#define KMSG_LINE 1000

struct tee {
	FILE *also;
	int fd, level;
	size_t len;
	char line[KMSG_LINE];
};

static void emit(struct tee *t)
{
	char rec[KMSG_LINE + 8];
	int n;

	if (t->fd < 0 || !t->len)
		return;
	n = snprintf(rec, sizeof(rec), "<%d>%.*s", t->level, (int)t->len, t->line);
	if (n > 0)
		(void)!write(t->fd, rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1);
	t->len = 0;
}

static ssize_t tee_write(void *cookie, const char *buf, size_t size)
{
	struct tee *t = cookie;

	if (t->also && fwrite(buf, 1, size, t->also) != size)
		clearerr(t->also);	/* an unread stderr must not stop the kmsg copy */
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n' || t->len == sizeof(t->line)) {
			emit(t);
			if (buf[i] == '\n')
				continue;
		}
		t->line[t->len++] = buf[i];
	}
	return (ssize_t)size;
}

static int tee_close(void *cookie)
{
	struct tee *t = cookie;

	emit(t);
	if (t->fd >= 0)
		close(t->fd);
	if (t->also)
		fflush(t->also);
	free(t);
	return 0;
}

FILE *ikt_kmsg_tee(FILE *also, int level)
{
	cookie_io_functions_t io = { .write = tee_write, .close = tee_close };
	struct tee *t = calloc(1, sizeof(*t));
	FILE *f;

	if (!t)
		return also;
	t->also = also;
	t->level = level < 0 || level > 7 ? 4 : level;
	t->fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	f = fopencookie(t, "w", io);
	if (!f) {
		if (t->fd >= 0)
			close(t->fd);
		free(t);
		return also;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}
