// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* hashfloor: the hashing floor of 'imakexec-trace verify' on one machine.
 *
 * Usage: hashfloor [--mode MODE[,MODE...]] [--repeat N] LOG
 *
 * Loads the template data of every record of the binary measurement list
 * LOG into memory first (untimed), then times only the OpenSSL work that
 * verify must do to replay the sha1 and sha256 banks:
 *   per record (not a violation): SHA-1(data) (also the template-digest
 *   check, a memcmp), SHA-256(data); per record: extend the sha1 PCR
 *   (SHA-1 of 40 bytes) and the sha256 PCR (SHA-256 of 64 bytes), with
 *   0xff digests for violations.
 * No parsing, no I/O, no allocation inside the timed loop. The records
 * are timed in chunks of 64 KiB of template data, each read once
 * (untimed) just before: the floor hashes data in cache, as verify does
 * right after read() copied a block.
 *
 * Modes (how OpenSSL is called; the hashing is the same), each timed in
 * turn when several are given:
 *   evp         EVP_MD_fetch()ed digests, one context per algorithm,
 *               EVP_DigestInit_ex2() per hash (default: the floor)
 *   evp-legacy  EVP_sha1()/EVP_sha256() and one shared context, as verify
 *               did before (implicit fetch and context churn per Init)
 *   lowlevel    SHA1_Init/SHA256_Init (deprecated API, no EVP): the
 *               compression functions plus their padding, nothing else
 *
 * Prints per mode one line "seconds S cpu C entries N violations V
 * digest_errors E mode M": S the wall time of the best of --repeat runs
 * (default 3), C its CPU time; then the replayed sha1 and sha256 values
 * of every PCR that was extended ("sha1 PCR-10: HEX"), which every mode
 * must agree on (exit 1 if not).
 * "ima" template records are hashed as the kernel does (digest, name
 * NUL-padded to 256 bytes). Malformed input: exit 2. */
#define OPENSSL_SUPPRESS_DEPRECATED	/* SHA1_Init & co. for --mode lowlevel */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#define NPCR 24

struct rec {
	size_t off;		/* template data (as hashed) in the arena */
	uint32_t len;
	uint8_t pcr;
	uint8_t violation;
	uint8_t digest[20];	/* logged SHA-1 template digest */
};

static uint8_t *arena;
static size_t arena_len, arena_cap;
static struct rec *recs;
static size_t nrecs, recs_cap;

static void die(const char *msg)
{
	fprintf(stderr, "hashfloor: %s\n", msg);
	exit(2);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 1 << 16;
	p = realloc(p, *cap * elem);
	if (!p)
		die("out of memory");
	return p;
}

static void load(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *file = NULL;
	size_t len = 0, cap = 0, got, pos = 0;

	if (!f)
		die("cannot open the list");
	for (;;) {
		file = grow(file, &cap, len + (1 << 20), 1);
		got = fread(file + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		die("read error");
	fclose(f);
	while (pos < len) {
		uint32_t nlen, dlen;
		struct rec *r;
		bool ima;

		if (len - pos < 28)
			die("truncated record header");
		recs = grow(recs, &recs_cap, nrecs + 1, sizeof(*recs));
		r = &recs[nrecs++];
		r->pcr = (uint8_t)le32(file + pos);
		if (r->pcr >= NPCR)
			die("PCR out of range");
		memcpy(r->digest, file + pos + 4, 20);
		r->violation = 1;
		for (int i = 0; i < 20; i++)
			if (r->digest[i])
				r->violation = 0;
		nlen = le32(file + pos + 24);
		pos += 28;
		if (nlen == 0 || nlen > 255 || len - pos < nlen)
			die("bad template name");
		ima = nlen == 3 && !memcmp(file + pos, "ima", 3);
		pos += nlen;
		if (ima) {	/* digest[20], u32 len, name: hashed digest || name[256] */
			if (len - pos < 24 || (nlen = le32(file + pos + 20)) > 255 ||
			    len - pos - 24 < nlen)
				die("bad ima record");
			arena = grow(arena, &arena_cap, arena_len + 276, 1);
			memset(arena + arena_len, 0, 276);
			memcpy(arena + arena_len, file + pos, 20);
			memcpy(arena + arena_len + 20, file + pos + 24, nlen);
			r->off = arena_len;
			r->len = 276;
			pos += 24 + nlen;
		} else {
			if (len - pos < 4 || (dlen = le32(file + pos)) > len - pos - 4)
				die("bad template data length");
			pos += 4;
			arena = grow(arena, &arena_cap, arena_len + dlen, 1);
			memcpy(arena + arena_len, file + pos, dlen);
			r->off = arena_len;
			r->len = dlen;
			pos += dlen;
		}
		arena_len += r->len;
	}
	free(file);
}

struct state {
	uint8_t pcr1[NPCR][20];
	uint8_t pcr256[NPCR][32];
	uint64_t digest_errors;
};

static EVP_MD *md1, *md256;
static EVP_MD_CTX *c1, *c256;

/* legacy: EVP_DigestInit_ex, which fetches the implementation again on
 * every call (as verify did before); else EVP_DigestInit_ex2 */
static inline void evp_hash(EVP_MD_CTX *c, const EVP_MD *md, bool legacy, const void *a,
			    size_t alen, const void *b, size_t blen, uint8_t *out)
{
	int ok = legacy ? EVP_DigestInit_ex(c, md, NULL) : EVP_DigestInit_ex2(c, md, NULL);

	if (!ok || !EVP_DigestUpdate(c, a, alen) ||
	    (blen && !EVP_DigestUpdate(c, b, blen)) || !EVP_DigestFinal_ex(c, out, NULL))
		die("libcrypto failure");
}

static inline void evp_records(struct state *s, size_t from, size_t to, EVP_MD_CTX *x1,
			       EVP_MD_CTX *x256, const EVP_MD *m1, const EVP_MD *m256,
			       bool legacy)
{
	uint8_t d1[20], d256[32];

	for (size_t i = from; i < to; i++) {
		const struct rec *r = &recs[i];

		if (r->violation) {
			memset(d1, 0xff, sizeof(d1));
			memset(d256, 0xff, sizeof(d256));
		} else {
			evp_hash(x1, m1, legacy, arena + r->off, r->len, NULL, 0, d1);
			s->digest_errors += !!memcmp(d1, r->digest, 20);
			evp_hash(x256, m256, legacy, arena + r->off, r->len, NULL, 0, d256);
		}
		evp_hash(x1, m1, legacy, s->pcr1[r->pcr], 20, d1, 20, s->pcr1[r->pcr]);
		evp_hash(x256, m256, legacy, s->pcr256[r->pcr], 32, d256, 32, s->pcr256[r->pcr]);
	}
}

static void run_evp(struct state *s, size_t from, size_t to)
{
	evp_records(s, from, to, c1, c256, md1, md256, false);
}

/* one context switched between the algorithms */
static void run_evp_legacy(struct state *s, size_t from, size_t to)
{
	evp_records(s, from, to, c1, c1, EVP_sha1(), EVP_sha256(), true);
}

static void run_lowlevel(struct state *s, size_t from, size_t to)
{
	uint8_t d1[20], d256[32];
	SHA_CTX h1;
	SHA256_CTX h256;

	for (size_t i = from; i < to; i++) {
		const struct rec *r = &recs[i];
		uint8_t *p1 = s->pcr1[r->pcr], *p256 = s->pcr256[r->pcr];

		if (r->violation) {
			memset(d1, 0xff, sizeof(d1));
			memset(d256, 0xff, sizeof(d256));
		} else {
			SHA1_Init(&h1);
			SHA1_Update(&h1, arena + r->off, r->len);
			SHA1_Final(d1, &h1);
			s->digest_errors += !!memcmp(d1, r->digest, 20);
			SHA256_Init(&h256);
			SHA256_Update(&h256, arena + r->off, r->len);
			SHA256_Final(d256, &h256);
		}
		SHA1_Init(&h1);
		SHA1_Update(&h1, p1, 20);
		SHA1_Update(&h1, d1, 20);
		SHA1_Final(p1, &h1);
		SHA256_Init(&h256);
		SHA256_Update(&h256, p256, 32);
		SHA256_Update(&h256, d256, 32);
		SHA256_Final(p256, &h256);
	}
}

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void hex(const char *bank, unsigned int pcr, const uint8_t *v, size_t n)
{
	printf("%s PCR-%02u: ", bank, pcr);
	for (size_t i = 0; i < n; i++)
		printf("%02x", v[i]);
	printf("\n");
}

typedef void run_fn(struct state *, size_t, size_t);

/* Hash the records in chunks of about CHUNK bytes of template data, each
 * read once (untimed) before its timed hashing: the floor is the hashing
 * of data in cache, as verify hashes each block right after read() copied
 * it, not a walk through the whole list in DRAM. */
#define CHUNK (64u << 10)

volatile uint8_t hashfloor_sink;	/* keeps the untimed reads */

static void timed_run(run_fn *run, struct state *s, double *wall, double *cpu)
{
	*wall = *cpu = 0;
	for (size_t i = 0, j; i < nrecs; i = j) {
		size_t bytes = 0;
		uint8_t x = 0;
		double t0, c0;

		for (j = i; j < nrecs && (j == i || bytes + recs[j].len <= CHUNK); j++)
			bytes += recs[j].len;
		for (size_t k = recs[i].off; k < recs[j - 1].off + recs[j - 1].len; k += 64)
			x ^= arena[k];
		for (size_t k = i; k < j; k++)
			x ^= recs[k].pcr;
		hashfloor_sink = x;
		t0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		run(s, i, j);
		*cpu += now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		*wall += now(CLOCK_MONOTONIC) - t0;
	}
}

static const struct {
	const char *name;
	run_fn *run;
} modes[] = {
	{ "evp", run_evp },
	{ "evp-legacy", run_evp_legacy },
	{ "lowlevel", run_lowlevel },
};

int main(int argc, char **argv)
{
	char *mode_list = NULL, *save = NULL, *m;
	const char *log = NULL;
	static struct state s, first;
	uint64_t violations = 0;
	bool used[NPCR] = { 0 }, have_first = false;
	int repeat = 3;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mode") && i + 1 < argc)
			mode_list = argv[++i];
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (argv[i][0] != '-' && !log)
			log = argv[i];
		else
			log = NULL, i = argc;
	}
	if (!log || repeat < 1) {
		fprintf(stderr, "usage: hashfloor [--mode evp|evp-legacy|lowlevel[,...]] "
			"[--repeat N] LOG\n");
		return 64;
	}
	md1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	md256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	c1 = EVP_MD_CTX_new();
	c256 = EVP_MD_CTX_new();
	if (!md1 || !md256 || !c1 || !c256)
		die("libcrypto: no SHA-1/SHA-256");
	load(log);
	for (size_t i = 0; i < nrecs; i++) {
		violations += recs[i].violation;
		used[recs[i].pcr] = true;
	}
	for (m = strtok_r(mode_list ? mode_list : (char[]){ "evp" }, ",", &save); m;
	     m = strtok_r(NULL, ",", &save)) {
		run_fn *run = NULL;
		double best = 0, best_cpu = 0;

		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			if (!strcmp(modes[i].name, m))
				run = modes[i].run;
		if (!run)
			die("unknown --mode");
		for (int k = 0; k < repeat; k++) {
			double t, c;

			memset(&s, 0, sizeof(s));
			timed_run(run, &s, &t, &c);
			if (!k || t < best)
				best = t, best_cpu = c;
		}
		printf("seconds %.6f cpu %.6f entries %zu violations %llu digest_errors %llu "
		       "mode %s\n", best, best_cpu, nrecs, (unsigned long long)violations,
		       (unsigned long long)s.digest_errors, m);
		if (!have_first) {
			first = s;
			have_first = true;
		} else if (memcmp(&first, &s, sizeof(s))) {
			fprintf(stderr, "hashfloor: mode %s replays other PCR values\n", m);
			return 1;
		}
	}
	for (unsigned int p = 0; p < NPCR; p++)
		if (used[p])
			hex("sha1", p, first.pcr1[p], 20);
	for (unsigned int p = 0; p < NPCR; p++)
		if (used[p])
			hex("sha256", p, first.pcr256[p], 32);
	EVP_MD_CTX_free(c1);
	EVP_MD_CTX_free(c256);
	EVP_MD_free(md1);
	EVP_MD_free(md256);
	free(arena);
	free(recs);
	return 0;
}
