/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Pre-reboot record of at-risk measurement entries, written by
 * "audit --save" and read by "verify --record".
 *
 * Format, version 1: text, one item per line, fields separated by one
 * space, lines end with "\n":
 *   imakexec-trace-record 1
 *   boot_id <contents of /proc/sys/kernel/random/boot_id>
 *   created <seconds since the epoch>
 *   entry <seq> <pcr> <template-digest> <template-name> <event-name>
 *   ...
 *   end <number of entry lines>
 * seq is the entry's 0-based index in the list when saved; pcr 0..23;
 * template-digest the 40 lowercase hex digits of the SHA-1 template
 * digest; template-name and event-name are percent-encoded: bytes
 * 0x21..0x7e other than '%' stand for themselves, every other byte is
 * %XX (uppercase hex); an empty string is written "-" (and "-" itself
 * as %2D). The "end" line guards against a truncated file; a record
 * without it, with lines out of this order, unknown keywords or
 * malformed fields is rejected. Entries match list entries by template
 * digest, each list entry accounting for at most one record entry. */
#ifndef IKT_RECORD_H
#define IKT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "util.h"

#define RECORD_MAGIC "imakexec-trace-record"
#define RECORD_VERSION 1
#define RECORD_BOOT_ID_MAX 64
#define RECORD_TEMPLATE_MAX 255
#define RECORD_LINE_MAX 65536
#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

struct record_entry {
	uint64_t seq;
	uint32_t pcr;
	uint8_t digest[IMA_SHA1_LEN];
	char template_name[RECORD_TEMPLATE_MAX + 1];
	char *event_name;		/* heap, NUL added; may contain NULs */
	size_t event_name_len;
	bool present;			/* seen in the current list */
	uint64_t at;			/* with present: list index and PCR */
	uint32_t at_pcr;		/* of the entry that matched it */
};

struct record {
	unsigned int version;
	char boot_id[RECORD_BOOT_ID_MAX];
	uint64_t created;
	size_t n;
	struct record_entry *e;
	size_t *order;			/* indices sorted by digest, then seq */
	size_t *next;			/* per digest group: next unmatched */
};

int record_write_header(FILE *f, const char *boot_id, uint64_t created);
int record_write_entry(FILE *f, uint64_t seq, uint32_t pcr, const uint8_t digest[IMA_SHA1_LEN],
		       const char *template_name, const char *event_name,
		       size_t event_name_len);
/* writes the trailer and flushes; 0 or -1 */
int record_write_end(FILE *f, uint64_t count);
/* the whole record: header, the n entries (seq, pcr, digest, names), end;
 * 0 or -1 (errno set by stdio) */
int record_write(FILE *f, const char *boot_id, uint64_t created,
		 const struct record_entry *e, size_t n);

/* 0, or -1 with "label: line N: ..." in err */
int record_read(FILE *f, const char *label, struct record *r, char *err, size_t errlen);
void record_free(struct record *r);
/* the running kernel's boot id, without the newline; 0 or -errno */
int record_boot_id(const char *path, char *buf, size_t len);

/* after record_read: mark the first not yet present entry with this
 * digest as present; returns the entry marked, NULL if none */
struct record_entry *record_match(struct record *r, const uint8_t digest[IMA_SHA1_LEN]);
size_t record_absent(const struct record *r);

#endif
