// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "json_writer.h"

static char *render(void (*fn)(struct json_writer *))
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json_writer w;

	jw_init(&w, f);
	fn(&w);
	assert_int_equal(jw_finish(&w), 0);
	fclose(f);
	return buf;
}

static void nested(struct json_writer *w)
{
	jw_object_start(w);
	jw_kv_u64(w, "a", 1);
	jw_key(w, "b");
	jw_array_start(w);
	jw_i64(w, -2);
	jw_bool(w, true);
	jw_null(w);
	jw_object_start(w);
	jw_object_end(w);
	jw_array_end(w);
	jw_kv_string(w, "c", "x");
	jw_object_end(w);
}

static void test_nesting_and_commas(void **state)
{
	(void)state;
	assert_string_equal(render(nested), "{\"a\":1,\"b\":[-2,true,null,{}],\"c\":\"x\"}\n");
}

static void hostile(struct json_writer *w)
{
	/* quote, backslash, newline, tab, ESC, DEL, valid UTF-8 (é), invalid
	 * byte 0xff, truncated sequence 0xe2 0x82, surrogate ed a0 80 */
	static const char s[] = "a\"b\\c\nd\te\x1b" "f\x7f" "\xc3\xa9\xff\xe2\x82" "g\xed\xa0\x80";

	jw_string_n(w, s, sizeof(s) - 1);
}

static void test_escaping_hostile_names(void **state)
{
	(void)state;
	assert_string_equal(render(hostile),
		"\"a\\\"b\\\\c\\nd\\te\\u001bf\\u007f\xc3\xa9\\ufffd\\ufffd\\ufffdg\\ufffd\\ufffd\\ufffd\"\n");
}

static void test_utf8_validation(void **state)
{
	(void)state;
	assert_true(jw_string_is_utf8("plain/path", 10));
	assert_true(jw_string_is_utf8("\xe2\x82\xac", 3));	/* euro sign */
	assert_true(jw_string_is_utf8("\xf0\x9f\x98\x80", 4));	/* emoji */
	assert_false(jw_string_is_utf8("\xc0\xaf", 2));		/* overlong */
	assert_false(jw_string_is_utf8("\xe0\x80\xaf", 3));	/* overlong */
	assert_false(jw_string_is_utf8("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(jw_string_is_utf8("\xe2\x82", 2));		/* truncated */
	assert_true(jw_string_is_utf8("ab\0\xff", 4));		/* stops at NUL */
}

static void hexval(struct json_writer *w)
{
	static const uint8_t b[] = { 0x00, 0xab, 0xff };

	jw_hex(w, b, sizeof(b));
}

static void test_hex(void **state)
{
	(void)state;
	assert_string_equal(render(hexval), "\"00abff\"\n");
}

static void test_misuse_is_reported(void **state)
{
	char buf[64];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json_writer w;

	(void)state;
	jw_init(&w, f);
	jw_object_start(&w);
	assert_int_equal(jw_finish(&w), -1);	/* unclosed object */
	jw_init(&w, f);
	jw_array_end(&w);
	assert_int_equal(jw_finish(&w), -1);	/* close without open */
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_escaping_hostile_names),
		cmocka_unit_test(test_utf8_validation),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_misuse_is_reported),
	};
	return cmocka_run_group_tests_name("json_writer", tests, NULL, NULL);
}
