// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sysfs.h"

int ikt_read_text(const char *path, char *buf, size_t len)
{
	size_t off = 0;
	int fd, err = 0;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off < len - 1) {
		ssize_t n = read(fd, buf + off, len - 1 - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		off += n;
	}
	close(fd);
	if (err)
		return err;
	buf[off] = '\0';
	while (off > 0 && (buf[off - 1] == '\n' || buf[off - 1] == '\r'))
		buf[--off] = '\0';
	return (int)off;
}

int ikt_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*v = x;
	return 0;
}

int ikt_read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	int n = ikt_read_text(path, buf, sizeof(buf));

	if (n < 0)
		return n;
	return ikt_parse_u64(buf, v);
}

int ikt_list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == wl && !strncmp(p, word, wl))
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}
