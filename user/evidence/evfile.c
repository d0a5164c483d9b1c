// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The evidence container: bounded parser and writer; format in evfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "evfile.h"

static const struct {
	uint16_t alg;
	unsigned int size;
	const char *name;
} algs[] = {
	{ 0x0004, 20, "sha1" }, { 0x000b, 32, "sha256" }, { 0x000c, 48, "sha384" },
	{ 0x000d, 64, "sha512" }, { 0x0012, 32, "sm3_256" },
};

unsigned int ev_alg_size(uint16_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return algs[i].size;
	return 0;
}

const char *ev_alg_name(uint16_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return algs[i].name;
	return NULL;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

static const char *sec_name(uint32_t t)
{
	switch (t) {
	case EV_SEC_ATTEST: return "ATTEST";
	case EV_SEC_SIGNATURE: return "SIGNATURE";
	case EV_SEC_PCRS: return "PCRS";
	case EV_SEC_CARRY: return "CARRY";
	case EV_SEC_CURRENT: return "CURRENT";
	case EV_SEC_CLOCK: return "CLOCK";
	case EV_SEC_END: return "END";
	default: return "unknown";
	}
}

static int parse_pcrs(const uint8_t *p, size_t n, struct evidence *ev, char *err, size_t errlen)
{
	size_t pos = 4;
	uint32_t count;

	if (n < 4) {
		snprintf(err, errlen, "PCRS: %zu bytes, no bank count", n);
		return -1;
	}
	count = le32(p);
	if (count < 1 || count > EV_MAX_BANKS) {
		snprintf(err, errlen, "PCRS: %u banks (1 to %d allowed)", count, EV_MAX_BANKS);
		return -1;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct ev_pcr *v = &ev->pcrs[i];
		unsigned int want;

		if (n - pos < 6) {
			snprintf(err, errlen, "PCRS: bank %u at byte %zu: truncated", i, pos);
			return -1;
		}
		v->alg = le16(p + pos);
		v->pcr = le16(p + pos + 2);
		v->size = le16(p + pos + 4);
		pos += 6;
		want = ev_alg_size(v->alg);
		if (!want) {
			snprintf(err, errlen, "PCRS: bank %u: unknown hash algorithm 0x%04x", i, v->alg);
			return -1;
		}
		if (v->size != want) {
			snprintf(err, errlen, "PCRS: bank %u (%s): value of %u bytes, expected %u",
				 i, ev_alg_name(v->alg), v->size, want);
			return -1;
		}
		if (v->pcr > 23) {
			snprintf(err, errlen, "PCRS: bank %u: PCR %u", i, v->pcr);
			return -1;
		}
		if (n - pos < v->size) {
			snprintf(err, errlen, "PCRS: bank %u value at byte %zu: truncated", i, pos);
			return -1;
		}
		memcpy(v->value, p + pos, v->size);
		pos += v->size;
	}
	if (pos != n) {
		snprintf(err, errlen, "PCRS: %zu bytes after the last bank", n - pos);
		return -1;
	}
	ev->nbanks = count;
	return 0;
}

static int parse_list(const char *what, const uint8_t *p, size_t n, struct ev_list *l,
		      char *err, size_t errlen)
{
	uint16_t idlen;

	if (n < 2) {
		snprintf(err, errlen, "%s: no boot id length", what);
		return -1;
	}
	idlen = le16(p);
	if (idlen < 1 || idlen > EV_ID_MAX || n - 2 < idlen) {
		snprintf(err, errlen, "%s: boot id of %u bytes (1 to %d, within the section)",
			 what, idlen, EV_ID_MAX);
		return -1;
	}
	for (uint16_t i = 0; i < idlen; i++) {
		if (p[2 + i] < 0x21 || p[2 + i] > 0x7e || p[2 + i] == '/') {
			snprintf(err, errlen, "%s: boot id byte %u is 0x%02x (printable ASCII, "
				 "no '/', expected)", what, i, p[2 + i]);
			return -1;
		}
	}
	memcpy(l->id, p + 2, idlen);
	l->id[idlen] = '\0';
	l->data = p + 2 + idlen;
	l->len = n - 2 - idlen;
	if (l->len > EV_LIST_MAX) {
		snprintf(err, errlen, "%s: list of %zu bytes exceeds %llu", what, l->len,
			 (unsigned long long)EV_LIST_MAX);
		return -1;
	}
	return 0;
}

int evfile_parse(const uint8_t *buf, size_t len, struct evidence *ev, char *err, size_t errlen)
{
	/* sections in order; CARRY may repeat (or be absent) */
	static const uint32_t order[] = { EV_SEC_ATTEST, EV_SEC_SIGNATURE, EV_SEC_PCRS,
		EV_SEC_CARRY, EV_SEC_CURRENT, EV_SEC_CLOCK, EV_SEC_END };
	size_t pos = EV_HEADER_LEN, k = 0;
	uint32_t flags;

	memset(ev, 0, sizeof(*ev));
	if (len < EV_HEADER_LEN || memcmp(buf, EV_MAGIC, EV_MAGIC_LEN)) {
		snprintf(err, errlen, "not an evidence file (no \"%s\" header)", EV_MAGIC);
		return -1;
	}
	ev->version = le32(buf + 8);
	flags = le32(buf + 12);
	if (ev->version != EV_VERSION) {
		snprintf(err, errlen, "evidence format version %u (this build reads %d)",
			 ev->version, EV_VERSION);
		return -1;
	}
	if (flags) {
		snprintf(err, errlen, "header flags 0x%x (none defined)", flags);
		return -1;
	}
	for (;;) {
		const uint8_t *v;
		uint32_t type;
		uint64_t n;

		if (len - pos < EV_SECTION_HDR) {
			snprintf(err, errlen, "truncated at byte %zu: %s section header expected",
				 pos, sec_name(order[k]));
			return -1;
		}
		type = le32(buf + pos);
		n = le64(buf + pos + 4);
		pos += EV_SECTION_HDR;
		if (n > len - pos) {
			snprintf(err, errlen, "truncated: section %s at byte %zu holds %llu bytes, "
				 "%zu left", sec_name(type), pos - EV_SECTION_HDR,
				 (unsigned long long)n, len - pos);
			return -1;
		}
		v = buf + pos;
		/* CARRY may be skipped; anything else must come in order */
		if (order[k] == EV_SEC_CARRY && type != EV_SEC_CARRY)
			k++;
		if (type != order[k]) {
			snprintf(err, errlen, "section %s (type 0x%x) at byte %zu: %s expected",
				 sec_name(type), type, pos - EV_SECTION_HDR, sec_name(order[k]));
			return -1;
		}
		switch (type) {
		case EV_SEC_ATTEST:
			if (!n || n > EV_ATTEST_MAX) {
				snprintf(err, errlen, "ATTEST: %llu bytes (1 to %d)",
					 (unsigned long long)n, EV_ATTEST_MAX);
				return -1;
			}
			ev->attest = v;
			ev->attest_len = n;
			break;
		case EV_SEC_SIGNATURE:
			if (!n || n > EV_SIG_MAX) {
				snprintf(err, errlen, "SIGNATURE: %llu bytes (1 to %d)",
					 (unsigned long long)n, EV_SIG_MAX);
				return -1;
			}
			ev->sig = v;
			ev->sig_len = n;
			break;
		case EV_SEC_PCRS:
			if (parse_pcrs(v, n, ev, err, errlen))
				return -1;
			break;
		case EV_SEC_CARRY:
			if (ev->ncarries >= EV_MAX_CARRIES) {
				snprintf(err, errlen, "more than %d CARRY sections", EV_MAX_CARRIES);
				return -1;
			}
			if (parse_list("CARRY", v, n, &ev->carries[ev->ncarries], err, errlen))
				return -1;
			ev->ncarries++;
			break;
		case EV_SEC_CURRENT:
			if (parse_list("CURRENT", v, n, &ev->current, err, errlen))
				return -1;
			break;
		case EV_SEC_CLOCK:
			if (n != EV_CLOCK_LEN) {
				snprintf(err, errlen, "CLOCK: %llu bytes (%d expected)",
					 (unsigned long long)n, EV_CLOCK_LEN);
				return -1;
			}
			memcpy(ev->clock, v, EV_CLOCK_LEN);
			break;
		case EV_SEC_END:
			if (n) {
				snprintf(err, errlen, "END: %llu bytes (0 expected)",
					 (unsigned long long)n);
				return -1;
			}
			if (pos != len) {
				snprintf(err, errlen, "%zu bytes after END", len - pos);
				return -1;
			}
			return 0;
		}
		pos += n;
		if (type != EV_SEC_CARRY)
			k++;
	}
}

int evfile_read(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
	size_t cap = 1 << 16, got = 0;
	uint8_t *b = NULL;
	struct stat st;
	int fd, e;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > EV_FILE_MAX) {
		snprintf(err, errlen, "%s: %lld bytes exceeds %llu", path, (long long)st.st_size,
			 (unsigned long long)EV_FILE_MAX);
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size + 1 > cap)
		cap = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t n;

		if (!b || got == cap) {
			uint8_t *nb;

			if (b && cap > EV_FILE_MAX) {
				snprintf(err, errlen, "%s: exceeds %llu bytes", path,
					 (unsigned long long)EV_FILE_MAX);
				goto fail;
			}
			nb = realloc(b, b ? cap * 2 : cap);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			cap = b ? cap * 2 : cap;
			b = nb;
		}
		n = read(fd, b + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			snprintf(err, errlen, "%s: %s", path, strerror(e));
			goto fail;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	close(fd);
	*buf = b;
	*len = got;
	return 0;
fail:
	close(fd);
	free(b);
	return -1;
}

static int put(FILE *f, const void *p, size_t n)
{
	return n && fwrite(p, 1, n, f) != n ? -1 : 0;
}

static int put_le(FILE *f, uint64_t v, unsigned int n)
{
	uint8_t b[8];

	for (unsigned int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return put(f, b, n);
}

static int section(FILE *f, uint32_t type, uint64_t len)
{
	return put_le(f, type, 4) || put_le(f, len, 8);
}

static int put_list(FILE *f, uint32_t type, const struct ev_list *l)
{
	size_t idlen = strlen(l->id);

	return section(f, type, 2 + idlen + l->len) || put_le(f, idlen, 2) ||
	       put(f, l->id, idlen) || put(f, l->data, l->len);
}

int evfile_write(FILE *f, const struct evidence *ev)
{
	size_t pcrs = 4;

	for (unsigned int i = 0; i < ev->nbanks; i++)
		pcrs += 6 + ev->pcrs[i].size;
	if (put(f, EV_MAGIC, EV_MAGIC_LEN) || put_le(f, EV_VERSION, 4) || put_le(f, 0, 4) ||
	    section(f, EV_SEC_ATTEST, ev->attest_len) || put(f, ev->attest, ev->attest_len) ||
	    section(f, EV_SEC_SIGNATURE, ev->sig_len) || put(f, ev->sig, ev->sig_len) ||
	    section(f, EV_SEC_PCRS, pcrs) || put_le(f, ev->nbanks, 4))
		return -1;
	for (unsigned int i = 0; i < ev->nbanks; i++) {
		const struct ev_pcr *v = &ev->pcrs[i];

		if (put_le(f, v->alg, 2) || put_le(f, v->pcr, 2) || put_le(f, v->size, 2) ||
		    put(f, v->value, v->size))
			return -1;
	}
	for (unsigned int i = 0; i < ev->ncarries; i++)
		if (put_list(f, EV_SEC_CARRY, &ev->carries[i]))
			return -1;
	if (put_list(f, EV_SEC_CURRENT, &ev->current) ||
	    section(f, EV_SEC_CLOCK, EV_CLOCK_LEN) || put(f, ev->clock, EV_CLOCK_LEN) ||
	    section(f, EV_SEC_END, 0))
		return -1;
	return ferror(f) ? -1 : 0;
}
