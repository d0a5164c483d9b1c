// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ima_record_ascii against the kernel's ascii_runtime_measurements
 * (ima_ascii_measurements_show, ima_show_template_data_ascii): "%2d " PCR,
 * SHA-1 template digest, template name, " " before every field (also an
 * empty one: ima-sig without a signature ends in a space), digests with
 * their algo prefix, names with %s, uid/gid/mode in decimal, the rest hex. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "imalog.h"
#include "imalog_build.h"

/* the ASCII line of the single record in t */
static char *line(const struct tbuf *t)
{
	static char out[4096];
	struct ima_record r;
	struct imalog l;
	FILE *in = fmemopen((void *)t->b, t->n, "r"), *o = fmemopen(out, sizeof(out), "w");

	imalog_init_fp(&l, in, "t");
	assert_int_equal(imalog_next(&l, &r), 1);
	assert_int_equal(ima_record_ascii(o, &r), 0);
	fputc('\0', o);
	fclose(o);
	imalog_close(&l);
	fclose(in);
	return out;
}

static const char *hexrep(uint8_t b, size_t n)
{
	static char h[2][200];
	static int k;
	char *p = h[k ^= 1];

	for (size_t i = 0; i < n; i++)
		sprintf(p + 2 * i, "%02x", b);
	return p;
}

static void digest_hex(const struct tbuf *d, char *out)
{
	uint8_t dig[20];

	EVP_Digest(d->b, d->n, dig, NULL, EVP_sha1(), NULL);
	for (int i = 0; i < 20; i++)
		sprintf(out + 2 * i, "%02x", dig[i]);
}

static void test_ima_ng(void **state)
{
	static struct tbuf t, d;
	char want[512], dh[41];

	(void)state;
	t.n = d.n = 0;
	tb_dng(&d, 0xab);
	tb_name(&d, "/usr/bin/with space");
	tb_record(&t, 10, "ima-ng", &d, 0);
	digest_hex(&d, dh);
	snprintf(want, sizeof(want), "10 %s ima-ng sha256:%s /usr/bin/with space\n", dh,
		 hexrep(0xab, 32));
	assert_string_equal(line(&t), want);
}

static void test_ima_sig_empty(void **state)
{
	static struct tbuf t, d;
	char want[512], dh[41];

	(void)state;
	t.n = d.n = 0;
	tb_dng(&d, 0x01);
	tb_name(&d, "/bin/a");
	tb_field(&d, "", 0);
	tb_record(&t, 10, "ima-sig", &d, 0);
	digest_hex(&d, dh);
	snprintf(want, sizeof(want), "10 %s ima-sig sha256:%s /bin/a \n", dh, hexrep(0x01, 32));
	assert_string_equal(line(&t), want);
	/* with a signature: hex */
	t.n = d.n = 0;
	tb_dng(&d, 0x01);
	tb_name(&d, "/bin/a");
	tb_field(&d, "\x03\x02\xff", 3);
	tb_record(&t, 10, "ima-sig", &d, 0);
	digest_hex(&d, dh);
	snprintf(want, sizeof(want), "10 %s ima-sig sha256:%s /bin/a 0302ff\n", dh,
		 hexrep(0x01, 32));
	assert_string_equal(line(&t), want);
}

static void test_ima_buf(void **state)
{
	static struct tbuf t, d;
	char want[512], dh[41];

	(void)state;
	t.n = d.n = 0;
	tb_dng(&d, 0x02);
	tb_name(&d, "kexec_execute");
	tb_field(&d, "k=1;", 4);
	tb_record(&t, 10, "ima-buf", &d, 0);
	digest_hex(&d, dh);
	snprintf(want, sizeof(want), "10 %s ima-buf sha256:%s kexec_execute 6b3d313b\n", dh,
		 hexrep(0x02, 32));
	assert_string_equal(line(&t), want);
}

static void test_ima_template_and_violation(void **state)
{
	static struct tbuf t, d;
	char want[512];

	(void)state;
	t.n = 0;
	tb_ima(&t, 10, 0x5a, "/etc/passwd");
	assert_non_null(strstr(line(&t), " ima 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a /etc/passwd\n"));
	assert_int_equal(strncmp(line(&t), "10 ", 3), 0);
	/* violation: zero template digest, zero file digest */
	t.n = d.n = 0;
	tb_dng(&d, 0);
	tb_name(&d, "/tmp/v");
	tb_record(&t, 10, "ima-ng", &d, 1);
	snprintf(want, sizeof(want), "10 %s ima-ng sha256:%s /tmp/v\n", hexrep(0, 20),
		 hexrep(0, 32));
	assert_string_equal(line(&t), want);
}

static void test_ngv2_uint_pcr(void **state)
{
	static struct tbuf t, d;
	uint8_t f[12 + 32];
	char want[512], dh[41];
	uint8_t uid[4] = { 0xe8, 0x03, 0, 0 }, gid[4] = { 0, 0, 0, 0 };

	(void)state;
	t.n = d.n = 0;
	memcpy(f, "ima:sha256:", 12);
	memset(f + 12, 0x03, 32);
	tb_field(&d, f, sizeof(f));
	tb_name(&d, "/x");
	tb_record(&t, 2, "ima-ngv2", &d, 0);
	digest_hex(&d, dh);
	snprintf(want, sizeof(want), " 2 %s ima-ngv2 ima:sha256:%s /x\n", dh, hexrep(0x03, 32));
	assert_string_equal(line(&t), want);
	/* a custom format: uid and gid in decimal */
	t.n = d.n = 0;
	tb_dng(&d, 0x04);
	tb_name(&d, "/y");
	tb_field(&d, uid, 4);
	tb_field(&d, gid, 4);
	tb_record(&t, 10, "d-ng|n-ng|iuid|igid", &d, 0);
	digest_hex(&d, dh);
	snprintf(want, sizeof(want), "10 %s d-ng|n-ng|iuid|igid sha256:%s /y 1000 0\n", dh,
		 hexrep(0x04, 32));
	assert_string_equal(line(&t), want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ima_ng),
		cmocka_unit_test(test_ima_sig_empty),
		cmocka_unit_test(test_ima_buf),
		cmocka_unit_test(test_ima_template_and_violation),
		cmocka_unit_test(test_ngv2_uint_pcr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
