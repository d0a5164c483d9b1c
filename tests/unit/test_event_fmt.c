// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "escape.h"
#include "event_fmt.h"

static char buf[8192];

static const char *human(const struct ikt_event *e, const struct ikt_view *v, uint64_t base)
{
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	ikt_event_human(f, e, v, base);
	fclose(f);
	return buf;
}

static const char *json(const struct ikt_event *e, const struct ikt_view *v, uint64_t base)
{
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json_writer w;

	jw_init(&w, f);
	ikt_event_json(&w, e, v, base);
	assert_int_equal(jw_finish(&w), 0);
	fclose(f);
	return buf;
}

static void measure(struct ikt_event *e, const char *name)
{
	memset(e, 0, sizeof(*e));
	e->type = IKT_EV_MEASURE;
	e->ts_ns = 12500000000ull;
	e->idx = 4;
	e->pcr = 10;
	e->pid = 42;
	e->flags = IKT_F_DIGEST_OK;
	for (int i = 0; i < IKT_SHA1_LEN; i++)
		e->digest[i] = (uint8_t)i;
	strcpy(e->tmpl, "ima-ng");
	strcpy(e->comm, "cat");
	memcpy(e->name, name, strlen(name));
}

static void gap_view(struct ikt_view *v, uint64_t lost_from)
{
	memset(v, 0, sizeof(*v));
	v->verdict = IKT_V_GAP;
	v->normal = IKT_KEXEC_FILE;
	v->lost_from = lost_from;
	v->gap_known = true;
}

static void test_human_measure_in_gap(void **state)
{
	struct ikt_event e;
	struct ikt_view v;

	(void)state;
	measure(&e, "/tmp/a b");
	gap_view(&v, 102);
	assert_string_equal(human(&e, &v, 100),
		"[   12.500000] MEASURE  seq=104 pcr=10 ima-ng "
		"000102030405060708090a0b0c0d0e0f10111213 /tmp/a b  [lost on kexec: gap #3]\n");
}

static void test_human_escapes_hostile_name(void **state)
{
	struct ikt_event e;
	struct ikt_view v;

	(void)state;
	measure(&e, "/x\n[ 1.0] MEASURE fake\\\xff");
	gap_view(&v, UINT64_MAX);
	human(&e, &v, 0);
	assert_non_null(strstr(buf, "/x\\x0a[ 1.0] MEASURE fake\\\\\\xff\n"));
	/* one event, one line: the embedded newline cannot forge another */
	assert_ptr_equal(strchr(buf, '\n'), buf + strlen(buf) - 1);
}

static void test_json_measure_invalid_utf8_keeps_raw(void **state)
{
	struct ikt_event e;
	struct ikt_view v;

	(void)state;
	measure(&e, "/a\"\xff");
	gap_view(&v, 0);
	assert_string_equal(json(&e, &v, 10),
		"{\"type\":\"measure\",\"ts_ns\":12500000000,\"pid\":42,\"comm\":\"cat\","
		"\"seq\":14,\"pcr\":10,\"template\":\"ima-ng\","
		"\"digest\":\"000102030405060708090a0b0c0d0e0f10111213\","
		"\"name\":\"/a\\\"\\ufffd\",\"name_hex\":\"2f6122ff\","
		"\"name_truncated\":false,\"violation\":false,\"gap_position\":15}\n");
}

static void test_json_violation_has_zero_digest(void **state)
{
	struct ikt_event e;
	struct ikt_view v;

	(void)state;
	measure(&e, "/v");
	e.flags = IKT_F_VIOLATION;
	gap_view(&v, UINT64_MAX);
	json(&e, &v, 0);
	assert_non_null(strstr(buf, "\"digest\":\"0000000000000000000000000000000000000000\""));
	assert_non_null(strstr(buf, "\"violation\":true"));
	assert_non_null(strstr(buf, "\"gap_position\":0"));
}

static void test_kexec_load_line_reports_verdict(void **state)
{
	struct ikt_event e = { .type = IKT_EV_KEXEC_LOAD, .pid = 7, .idx = 3 };
	struct ikt_view v;

	(void)state;
	strcpy(e.comm, "kexec");
	gap_view(&v, 103);
	v.gap = 0;
	v.verdict = IKT_V_SAFE;
	v.why = "nothing was measured since the kexec load snapshot";
	human(&e, &v, 100);
	assert_string_equal(buf, "[    0.000000] LOAD     kexec_file_load kernel by kexec (pid 7): ok\n"
		"           kexec now: SAFE (nothing was measured since the kexec load snapshot)\n");
	e.flags = IKT_F_LEGACY | IKT_F_CRASH;
	e.ret = -1;
	json(&e, &v, 100);
	assert_non_null(strstr(buf, "\"syscall\":\"kexec_load\",\"target\":\"crash\",\"unload\":false,\"ret\":-1,\"ima_count\":103,\"verdict\":\"SAFE\",\"gap\":0}"));
}

static void test_escape_c1_and_bidi(void **state)
{
	char out[64];

	(void)state;
	/* U+009B (CSI), U+202E (right-to-left override), U+2066: escaped */
	ikt_escape("a\xc2\x9b" "b\xe2\x80\xae" "c\xe2\x81\xa6", 11, out, sizeof(out));
	assert_string_equal(out, "a\\u009bb\\u202ec\\u2066");
	/* ordinary non-ASCII letters stay */
	ikt_escape("\xc3\xa9\xe2\x82\xac", 5, out, sizeof(out));
	assert_string_equal(out, "\xc3\xa9\xe2\x82\xac");
}

static void test_escape_truncates_on_whole_escape(void **state)
{
	char out[6];

	(void)state;
	assert_int_equal(ikt_escape("ab\x01", 3, out, sizeof(out)), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(ikt_escape("\xc3\xa9", 2, out, sizeof(out)), 2);
	assert_string_equal(out, "\xc3\xa9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_measure_in_gap),
		cmocka_unit_test(test_human_escapes_hostile_name),
		cmocka_unit_test(test_json_measure_invalid_utf8_keeps_raw),
		cmocka_unit_test(test_json_violation_has_zero_digest),
		cmocka_unit_test(test_kexec_load_line_reports_verdict),
		cmocka_unit_test(test_escape_c1_and_bidi),
		cmocka_unit_test(test_escape_truncates_on_whole_escape),
	};
	return cmocka_run_group_tests_name("event_fmt", tests, NULL, NULL);
}
