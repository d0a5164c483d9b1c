// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Expected PCR values: sysfs, evmctl-style files, command line; see pcrs.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pcrs.h"
#include "util.h"

#define PCRS_LINE_MAX 4096
/* 24 PCRs per bank and comments: anything longer is not such a file (a
 * device like /dev/zero would otherwise be read forever) */
#define PCRS_LINES_MAX 1024

const char *pcr_source_name(enum pcr_source s)
{
	switch (s) {
	case PCR_SRC_SYSFS: return "sysfs";
	case PCR_SRC_FILE: return "file";
	case PCR_SRC_ARG: return "argument";
	default: return "none";
	}
}

int pcrs_parse_hex(const char *s, size_t n, uint8_t *out, size_t size)
{
	size_t nd = 0;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (isspace((unsigned char)s[i]))
			continue;
		v = hex_digit((unsigned char)s[i]);
		if (v < 0 || nd >= 2 * size)
			return -1;
		if (nd % 2 == 0)
			out[nd / 2] = (uint8_t)(v << 4);
		else
			out[nd / 2] |= (uint8_t)v;
		nd++;
	}
	return nd == 2 * size ? 0 : -1;
}

struct pcr_bank_values *pcrs_bank(struct pcr_values *pv, const char *bank,
				  char *err, size_t errlen)
{
	struct pcr_bank_values *b;
	const EVP_MD *md;
	int size;

	for (unsigned int i = 0; i < pv->nbanks; i++)
		if (!strcmp(pv->banks[i].bank, bank))
			return &pv->banks[i];
	md = replay_bank_md(bank);
	size = md ? EVP_MD_get_size(md) : 0;
	if (size <= 0 || size > REPLAY_MAX_DIGEST || strlen(bank) >= REPLAY_BANK_NAME) {
		snprintf(err, errlen, "unsupported PCR bank '%s' (sha1, sha256, sha384, sha512, sm3_256)",
			 bank);
		return NULL;
	}
	if (pv->nbanks >= REPLAY_MAX_BANKS) {
		snprintf(err, errlen, "too many PCR banks");
		return NULL;
	}
	b = &pv->banks[pv->nbanks++];
	memset(b, 0, sizeof(*b));
	strcpy(b->bank, bank);
	b->size = (unsigned int)size;
	return b;
}

int pcrs_set(struct pcr_values *pv, const char *bank, unsigned int pcr,
	     const uint8_t *val, enum pcr_source src, char *err, size_t errlen)
{
	struct pcr_bank_values *b = pcrs_bank(pv, bank, err, errlen);

	if (!b)
		return -1;
	if (pcr >= IMA_NPCR) {
		snprintf(err, errlen, "PCR index %u out of range 0..23", pcr);
		return -1;
	}
	if (b->src[pcr] != PCR_SRC_NONE) {
		snprintf(err, errlen, "%s PCR %u given twice", bank, pcr);
		return -1;
	}
	b->src[pcr] = src;
	memcpy(b->val[pcr], val, b->size);
	return 0;
}

/* "PCR-NN: HEX..." -> pcr, hex start; -1 if malformed */
static int parse_line(const char *line, unsigned int *pcr, const char **hex)
{
	const char *p = line;
	unsigned int n = 0, nd = 0;

	if (strncasecmp(p, "PCR-", 4))
		return -1;
	for (p += 4; isdigit((unsigned char)*p) && nd < 2; p++, nd++)
		n = n * 10 + (unsigned int)(*p - '0');
	if (!nd || *p != ':')
		return -1;
	*pcr = n;
	*hex = p + 1;
	return 0;
}

int pcrs_parse_stream(struct pcr_values *pv, const char *bank, FILE *f,
		      const char *label, char *err, size_t errlen)
{
	uint8_t val[REPLAY_MAX_DIGEST];
	char line[PCRS_LINE_MAX];
	struct pcr_bank_values *b;
	unsigned int lineno = 0, count = 0, pcr;
	const char *hex;
	char sub[256];

	b = pcrs_bank(pv, bank, sub, sizeof(sub));
	if (!b) {
		snprintf(err, errlen, "%s: %s", label, sub);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		const char *p = line;

		if (++lineno > PCRS_LINES_MAX) {
			snprintf(err, errlen, "%s: more than %d lines: not a PCR list", label,
				 PCRS_LINES_MAX);
			return -1;
		}
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			snprintf(err, errlen, "%s: line %u: longer than %d bytes", label,
				 lineno, PCRS_LINE_MAX - 2);
			return -1;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (parse_line(p, &pcr, &hex)) {
			snprintf(err, errlen, "%s: line %u: expected \"PCR-NN: HEX\"", label, lineno);
			return -1;
		}
		if (pcr >= IMA_NPCR) {
			snprintf(err, errlen, "%s: line %u: PCR index %u out of range 0..23",
				 label, lineno, pcr);
			return -1;
		}
		if (pcrs_parse_hex(hex, strlen(hex), val, b->size)) {
			snprintf(err, errlen, "%s: line %u: PCR-%02u: expected %u hex bytes for %s",
				 label, lineno, pcr, b->size, bank);
			return -1;
		}
		if (pcrs_set(pv, bank, pcr, val, PCR_SRC_FILE, sub, sizeof(sub))) {
			snprintf(err, errlen, "%s: line %u: %s", label, lineno, sub);
			return -1;
		}
		count++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", label, strerror(errno));
		return -1;
	}
	if (!count) {
		snprintf(err, errlen, "%s: no \"PCR-NN: HEX\" lines", label);
		return -1;
	}
	return 0;
}

int pcrs_load_file(struct pcr_values *pv, const char *spec, char *err, size_t errlen)
{
	char bank[REPLAY_BANK_NAME] = "sha1";
	const char *comma = strchr(spec, ','), *path = spec;
	FILE *f;
	int ret;

	if (comma && (size_t)(comma - spec) < sizeof(bank) && comma > spec) {
		char cand[REPLAY_BANK_NAME];

		memcpy(cand, spec, (size_t)(comma - spec));
		cand[comma - spec] = '\0';
		if (replay_bank_md(cand) || strspn(cand, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
		    strlen(cand)) {
			strcpy(bank, cand);
			path = comma + 1;
		}
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ret = pcrs_parse_stream(pv, bank, f, path, err, errlen);
	fclose(f);
	return ret;
}

int pcrs_parse_arg(struct pcr_values *pv, const char *spec, char *err, size_t errlen)
{
	const char *c1 = strchr(spec, ':'), *c2, *hex;
	char bank[REPLAY_BANK_NAME], *end;
	uint8_t val[REPLAY_MAX_DIGEST];
	struct pcr_bank_values *b;
	unsigned long pcr = 10;

	if (!c1 || c1 == spec || (size_t)(c1 - spec) >= sizeof(bank)) {
		snprintf(err, errlen, "--pcr '%s': expected BANK:HEX or BANK:N:HEX", spec);
		return -1;
	}
	memcpy(bank, spec, (size_t)(c1 - spec));
	bank[c1 - spec] = '\0';
	hex = c1 + 1;
	c2 = strchr(hex, ':');
	if (c2) {
		errno = 0;
		pcr = strtoul(hex, &end, 10);
		if (end != c2 || end == hex || errno || pcr >= IMA_NPCR) {
			snprintf(err, errlen, "--pcr '%s': PCR index must be 0..23", spec);
			return -1;
		}
		hex = c2 + 1;
	}
	b = pcrs_bank(pv, bank, err, errlen);
	if (!b)
		return -1;
	if (pcrs_parse_hex(hex, strlen(hex), val, b->size)) {
		snprintf(err, errlen, "--pcr '%s': expected %u hex bytes for %s", spec, b->size, bank);
		return -1;
	}
	return pcrs_set(pv, bank, (unsigned int)pcr, val, PCR_SRC_ARG, err, errlen);
}

/* one sysfs value file */
static int read_value(const char *path, uint8_t *val, size_t size, char *err, size_t errlen)
{
	char buf[2 * REPLAY_MAX_DIGEST + 16];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	if (pcrs_parse_hex(buf, n, val, size)) {
		snprintf(err, errlen, "%s: expected %zu hex bytes", path, size);
		return -1;
	}
	return 0;
}

int pcrs_load_sysfs(struct pcr_values *pv, const char *tpmdir, char *err, size_t errlen)
{
	uint8_t val[REPLAY_MAX_DIGEST];
	char path[4096], sub[256];
	struct dirent *de;
	int nbanks = 0, ret = -1;
	DIR *d = opendir(tpmdir);

	if (!d) {
		snprintf(err, errlen, "%s: %s", tpmdir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		const char *bank = de->d_name + 4;
		struct pcr_bank_values *b;

		/* banks OpenSSL cannot compute are not replayable: skipped */
		if (strncmp(de->d_name, "pcr-", 4) || !replay_bank_md(bank))
			continue;
		b = pcrs_bank(pv, bank, err, errlen);
		if (!b)
			goto cleanup;
		for (unsigned int i = 0; i < IMA_NPCR; i++) {
			snprintf(path, sizeof(path), "%s/%s/%u", tpmdir, de->d_name, i);
			if (read_value(path, val, b->size, err, errlen) ||
			    pcrs_set(pv, bank, i, val, PCR_SRC_SYSFS, sub, sizeof(sub)))
				goto cleanup;
		}
		nbanks++;
	}
	if (!nbanks) {		/* TPM 1.2: device/pcrs, "PCR-00: XX XX ..." */
		FILE *f;

		snprintf(path, sizeof(path), "%s/device/pcrs", tpmdir);
		f = fopen(path, "r");
		if (f) {
			int r = pcrs_parse_stream(pv, "sha1", f, path, err, errlen);

			fclose(f);
			if (r)
				goto cleanup;
			for (unsigned int i = 0; i < pv->nbanks; i++)
				if (!strcmp(pv->banks[i].bank, "sha1"))
					for (unsigned int p = 0; p < IMA_NPCR; p++)
						if (pv->banks[i].src[p] == PCR_SRC_FILE)
							pv->banks[i].src[p] = PCR_SRC_SYSFS;
			nbanks = 1;
		}
	}
	ret = nbanks;
cleanup:
	closedir(d);
	return ret;
}
