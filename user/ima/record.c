// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Pre-reboot record reader and writer; format in record.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "record.h"
#include "util.h"

static void put_encoded(FILE *f, const char *s, size_t len)
{
	if (!len || (len == 1 && s[0] == '-')) {
		fputs(len ? "%2D" : "-", f);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > 0x20 && c < 0x7f && c != '%')
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

int record_write_header(FILE *f, const char *boot_id, uint64_t created)
{
	size_t n = strlen(boot_id);

	if (!n || n >= RECORD_BOOT_ID_MAX ||
	    strspn(boot_id, "0123456789abcdefABCDEF-") != n)
		return -1;
	fprintf(f, "%s %d\nboot_id %s", RECORD_MAGIC, RECORD_VERSION, boot_id);
	fprintf(f, "\ncreated %" PRIu64 "\n", created);
	return ferror(f) ? -1 : 0;
}

int record_write_entry(FILE *f, uint64_t seq, uint32_t pcr, const uint8_t digest[IMA_SHA1_LEN],
		       const char *template_name, const char *event_name,
		       size_t event_name_len)
{
	size_t tlen = template_name ? strlen(template_name) : 0;

	if (!tlen || tlen > RECORD_TEMPLATE_MAX || pcr >= IMA_NPCR)
		return -1;
	fprintf(f, "entry %" PRIu64 " %u ", seq, pcr);
	put_hex(f, digest, IMA_SHA1_LEN);
	fputc(' ', f);
	put_encoded(f, template_name, tlen);
	fputc(' ', f);
	put_encoded(f, event_name ? event_name : "", event_name ? event_name_len : 0);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

int record_write_end(FILE *f, uint64_t count)
{
	fprintf(f, "end %" PRIu64 "\n", count);
	return fflush(f) || ferror(f) ? -1 : 0;
}

int record_write(FILE *f, const char *boot_id, uint64_t created,
		 const struct record_entry *e, size_t n)
{
	int ret = record_write_header(f, boot_id, created);

	for (size_t i = 0; !ret && i < n; i++)
		ret = record_write_entry(f, e[i].seq, e[i].pcr, e[i].digest, e[i].template_name,
					 e[i].event_name, e[i].event_name_len);
	return ret ? ret : record_write_end(f, n);
}

/* decodes tok into a fresh heap buffer (NUL added); -1 if malformed */
static int decode(const char *tok, char **out, size_t *outlen)
{
	size_t n = strlen(tok), o = 0;
	char *buf;

	if (!strcmp(tok, "-"))
		n = 0;
	buf = malloc(n + 1);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tok[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				goto bad;
			hi = hex_digit(tok[i + 1]);
			lo = hex_digit(tok[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			buf[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (c > 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
		} else {
			goto bad;
		}
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return 0;
bad:
	free(buf);
	return -1;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end || errno || *v > max ? -1 : 0;
}

/* splits line in place on single spaces; number of tokens or -1 */
static int split(char *line, char **tok, int max)
{
	int n = 0;

	for (char *p = line;; ) {
		char *sp = strchr(p, ' ');

		if (n == max || p == sp || !*p)
			return -1;
		tok[n++] = p;
		if (!sp)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

static int parse_entry(char **tok, struct record_entry *e)
{
	uint64_t pcr;
	char *tmpl;
	size_t tlen;

	memset(e, 0, sizeof(*e));
	if (parse_u64(tok[1], UINT64_MAX, &e->seq) || parse_u64(tok[2], IMA_NPCR - 1, &pcr) ||
	    strlen(tok[3]) != 40)
		return -1;
	e->pcr = (uint32_t)pcr;
	for (int i = 0; i < IMA_SHA1_LEN; i++) {
		int hi = hex_digit(tok[3][2 * i]), lo = hex_digit(tok[3][2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		e->digest[i] = (uint8_t)(hi << 4 | lo);
	}
	if (decode(tok[4], &tmpl, &tlen))
		return -1;
	if (!tlen || tlen > RECORD_TEMPLATE_MAX || memchr(tmpl, '\0', tlen)) {
		free(tmpl);
		return -1;
	}
	memcpy(e->template_name, tmpl, tlen + 1);
	free(tmpl);
	return decode(tok[5], &e->event_name, &e->event_name_len);
}

static int cmp_order(const void *a, const void *b, void *arg)
{
	const struct record_entry *e = arg;
	const struct record_entry *x = &e[*(const size_t *)a], *y = &e[*(const size_t *)b];
	int c = memcmp(x->digest, y->digest, IMA_SHA1_LEN);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int build_index(struct record *r)
{
	r->order = malloc((r->n ? r->n : 1) * sizeof(*r->order));
	r->next = malloc((r->n ? r->n : 1) * sizeof(*r->next));
	if (!r->order || !r->next)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		r->order[i] = r->next[i] = i;
	qsort_r(r->order, r->n, sizeof(*r->order), cmp_order, r->e);
	return 0;
}

enum { ST_MAGIC, ST_BOOT, ST_CREATED, ST_ENTRIES, ST_DONE };

/* a line read by fgets into line (linecap bytes): its newline becomes the
 * NUL; NULL, or why the line is refused */
static const char *end_line(char *line, size_t linecap)
{
	size_t len = strlen(line);

	if (len == linecap - 1 && line[len - 1] != '\n')
		return "line too long";
	if (len == 0 || line[len - 1] != '\n')
		return "line not terminated (truncated file, or a NUL byte)";
	line[--len] = '\0';
	return len > RECORD_LINE_MAX ? "line too long" : NULL;
}

/* the header line state expects: NULL, or why it is not that line */
static const char *header_line(int state, char **tok, int nt, struct record *r)
{
	uint64_t v;

	switch (state) {
	case ST_MAGIC:
		if (nt != 2 || strcmp(tok[0], RECORD_MAGIC))
			return "not an imakexec-trace record";
		if (parse_u64(tok[1], UINT32_MAX, &v) || v != RECORD_VERSION)
			return "unsupported record version";
		r->version = (unsigned int)v;
		return NULL;
	case ST_BOOT:
		if (nt != 2 || strcmp(tok[0], "boot_id") || strlen(tok[1]) >= sizeof(r->boot_id) ||
		    strspn(tok[1], "0123456789abcdefABCDEF-") != strlen(tok[1]))
			return "expected \"boot_id ID\"";
		strcpy(r->boot_id, tok[1]);
		return NULL;
	case ST_CREATED:
		if (nt != 2 || strcmp(tok[0], "created") ||
		    parse_u64(tok[1], UINT64_MAX, &r->created))
			return "expected \"created SECONDS\"";
		return NULL;
	default:
		return "data after the \"end\" line";
	}
}

/* a line after the header: 1 the "end" line, 0 an entry (appended), -1
 * with *why */
static int entries_line(char **tok, int nt, struct record *r, size_t *cap, const char **why)
{
	uint64_t v;

	if (nt == 2 && !strcmp(tok[0], "end")) {
		*why = "entry count in \"end\" line does not match";
		return parse_u64(tok[1], UINT64_MAX, &v) || v != r->n ? -1 : 1;
	}
	*why = "expected \"entry SEQ PCR DIGEST TEMPLATE NAME\" or \"end N\"";
	if (nt != 6 || strcmp(tok[0], "entry"))
		return -1;
	if (r->n == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		struct record_entry *ne = realloc(r->e, nc * sizeof(*ne));

		*why = "out of memory";
		if (!ne)
			return -1;
		r->e = ne;
		*cap = nc;
	}
	*why = "malformed entry";
	if (parse_entry(tok, &r->e[r->n]))
		return -1;
	r->n++;
	return 0;
}

int record_read(FILE *f, const char *label, struct record *r, char *err, size_t errlen)
{
	/* one line at most RECORD_LINE_MAX bytes + newline + NUL, read into a
	 * fixed buffer: a huge line is refused without being held in memory */
	size_t cap = 0, linecap = RECORD_LINE_MAX + 2;
	unsigned int lineno = 0;
	char *line = malloc(linecap), *tok[8];
	int state = ST_MAGIC, ret = -1, nt, e;
	const char *why = NULL;

	memset(r, 0, sizeof(*r));
	if (!line) {
		snprintf(err, errlen, "%s: out of memory", label);
		return -1;
	}
	while (fgets(line, (int)linecap, f)) {
		lineno++;
		if ((why = end_line(line, linecap)))
			goto bad;
		why = "malformed line";
		if ((nt = split(line, tok, 8)) < 0)
			goto bad;
		if (state == ST_ENTRIES) {
			if ((e = entries_line(tok, nt, r, &cap, &why)) < 0)
				goto bad;
			if (!e)
				continue;
		} else if ((why = header_line(state, tok, nt, r))) {
			goto bad;
		}
		state++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", label, strerror(errno));
		goto cleanup;
	}
	if (state != ST_DONE) {
		snprintf(err, errlen, "%s: truncated: %s", label,
			 state == ST_ENTRIES ? "no \"end\" line" : "incomplete header");
		goto cleanup;
	}
	if (build_index(r)) {
		snprintf(err, errlen, "%s: out of memory", label);
		goto cleanup;
	}
	ret = 0;
	goto cleanup;
bad:
	snprintf(err, errlen, "%s: line %u: %s", label, lineno, why);
cleanup:
	free(line);
	if (ret)
		record_free(r);
	return ret;
}

void record_free(struct record *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->e[i].event_name);
	free(r->e);
	free(r->order);
	free(r->next);
	memset(r, 0, sizeof(*r));
}

int record_boot_id(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path ? path : BOOT_ID_PATH, "r");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	return n ? 0 : -EINVAL;
}

struct record_entry *record_match(struct record *r, const uint8_t digest[IMA_SHA1_LEN])
{
	size_t lo = 0, hi = r->n, pos;

	while (lo < hi) {		/* first index with digest >= key */
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(r->e[r->order[mid]].digest, digest, IMA_SHA1_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == r->n || memcmp(r->e[r->order[lo]].digest, digest, IMA_SHA1_LEN))
		return NULL;
	pos = r->next[lo];	/* group cursor kept at the group's first slot */
	if (pos < lo)
		pos = lo;
	if (pos >= r->n || memcmp(r->e[r->order[pos]].digest, digest, IMA_SHA1_LEN))
		return NULL;
	r->e[r->order[pos]].present = true;
	r->next[lo] = pos + 1;
	return &r->e[r->order[pos]];
}

size_t record_absent(const struct record *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += !r->e[i].present;
	return n;
}
