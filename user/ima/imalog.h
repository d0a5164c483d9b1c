/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Streaming parser of the IMA binary_runtime_measurements list.
 *
 * Record layout (ima_measurements_show(), little-endian as on x86 or with
 * ima_canonical_fmt):
 *   u32 pcr; u8 template_digest[20] (SHA-1, all zero for a violation);
 *   u32 name_len; char name[name_len];
 *   template "ima":   u8 digest[20]; u32 len; char filename[len]
 *                     (no data_len; hashed as digest || filename padded
 *                     with NULs to 256 bytes)
 *   other templates:  u32 data_len; data[data_len] = for each field
 *                     u32 len + bytes (hashed exactly as stored)
 * A template whose descriptor has no name is shown by its format string
 * ("d-ng|n-ng|..."); such names are accepted when every field is known.
 *
 * The list is read in blocks of IMALOG_READ_BLOCK bytes into a window
 * that holds at least the current record; memory use is bounded by one
 * record (template data at most IMALOG_DATA_MAX) plus one block,
 * whatever the size of the list. */
#ifndef IKT_IMALOG_H
#define IKT_IMALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "util.h"

#define IMALOG_NAME_MAX 255		/* template name length */
#define IMALOG_EVENT_NAME_MAX 255	/* IMA_EVENT_NAME_LEN_MAX, "ima" template */
#define IMALOG_DATA_MAX (1u << 20)	/* template data length */
#define IMALOG_PCR_MAX 23
#define IMALOG_MAX_FIELDS 16
#define IMALOG_ALGO_MAX 16
#define IMALOG_ERR_LEN 384
#define IMALOG_READ_BLOCK (256u << 10)

#define IMA_DEFAULT_LOG "/sys/kernel/security/ima/binary_runtime_measurements"
#define IMA_DEFAULT_LOG_ALT \
	"/sys/kernel/security/integrity/ima/binary_runtime_measurements"

struct ima_field {
	const char *id;		/* "d-ng", "n-ng", "sig", ... */
	const uint8_t *data;	/* points into the reader's buffer */
	uint32_t len;
};

struct ima_record {
	uint64_t index;		/* 0-based position in the list */
	uint64_t offset;	/* byte offset of the record */
	uint32_t pcr;
	uint8_t digest[IMA_SHA1_LEN];
	bool violation;		/* template digest all zero */
	char template_name[IMALOG_NAME_MAX + 1];
	bool is_ima;		/* legacy "ima" template */
	/* template data as stored; for "ima": digest[20] + u32 len + name */
	const uint8_t *data;
	uint32_t data_len;
	unsigned int nfields;
	struct ima_field fields[IMALOG_MAX_FIELDS];
	/* decoded from the fields (pointers into the reader's buffer) */
	const char *event_name;	/* not NUL-terminated; may contain anything */
	uint32_t event_name_len;
	char file_algo[IMALOG_ALGO_MAX];	/* "" when unknown ("ima": sha1) */
	const uint8_t *file_digest;
	uint32_t file_digest_len;
	const uint8_t *buf;	/* ima-buf "buf" field, NULL if none */
	uint32_t buf_len;
};

struct imalog {
	FILE *f;
	bool own;		/* close f on imalog_close */
	char path[4096];	/* as opened */
	char label[64];		/* file name used in messages */
	uint64_t offset;	/* bytes consumed */
	uint64_t count;		/* records returned */
	/* read window: buf[start..pos) is the current record so far,
	 * buf[pos..end) read ahead, not consumed yet */
	uint8_t *buf;
	size_t cap, start, pos, end;
	/* template of the previous record, so that a list of one template
	 * looks its fields up once */
	char tmpl_name[IMALOG_NAME_MAX + 1];
	const char *tmpl_ids[IMALOG_MAX_FIELDS];
	unsigned int tmpl_nids;
	char err[IMALOG_ERR_LEN];
};

/* path NULL: the default path, then the integrity/ima one. 0 or -errno. */
int imalog_open(struct imalog *l, const char *path);
/* read from f (not closed by imalog_close); label names it in messages */
void imalog_init_fp(struct imalog *l, FILE *f, const char *label);
/* Before the first imalog_next: continue at byte offset, the record there
 * being number index (a known record boundary, e.g. the end of a kexec
 * load snapshot). 0 or -errno (not seekable). */
int imalog_seek(struct imalog *l, uint64_t offset, uint64_t index);
/* 1: record in *r (valid until the next call); 0: clean end of list;
 * -1: malformed or truncated input or I/O error, message in l->err */
int imalog_next(struct imalog *l, struct ima_record *r);
void imalog_close(struct imalog *l);

/* Split non-"ima" template data into fields per the template, fill the
 * decoded members of r; 0 or -1 with a message (without record prefix)
 * in err. r->template_name, r->data and r->data_len must be set. */
int imalog_parse_template_data(struct ima_record *r, char *err, size_t errlen);
/* the same with the template's field ids already looked up (by
 * ima_template_fields) */
int imalog_parse_fields(struct ima_record *r, const char *const *ids, unsigned int n,
			char *err, size_t errlen);
/* field ids of a known template name or "|"-separated list of known
 * field ids (pointers to static strings); 0, or -1 if unknown */
int ima_template_fields(const char *name, const char **ids, unsigned int *n);
/* One line of ascii_runtime_measurements for r, as the kernel prints it
 * (ima_ascii_measurements_show): "%2d " PCR, the SHA-1 template digest in
 * hex, " " template name, then for every field " " and, when the field is
 * not empty, its value: digests with their "[type:]algo:" prefix and hex,
 * names up to their NUL unescaped, uid/gid/mode in decimal, everything
 * else (d, sig, buf, modsig, evmsig, xattr lengths and values) in hex.
 * An unknown field of a custom template is printed in hex. 0, or -1 on
 * a write error. */
int ima_record_ascii(FILE *f, const struct ima_record *r);

#endif
