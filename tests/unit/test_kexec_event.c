// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "kexec_event.h"

#define GOOD "kexec_segment_size=16384;ima_binary_runtime_size=12040;" \
	"ima_runtime_measurements_count=117;"

static int parse(const char *s, struct kexec_event *ev)
{
	return kexec_event_parse((const uint8_t *)s, strlen(s), ev);
}

static void test_good(void **state)
{
	struct kexec_event ev;

	(void)state;
	assert_int_equal(parse(GOOD, &ev), 0);
	assert_int_equal(ev.segment_size, 16384);
	assert_int_equal(ev.binary_runtime_size, 12040);
	assert_int_equal(ev.measurements_count, 117);
	assert_int_equal(kexec_event_parse((const uint8_t *)GOOD, sizeof(GOOD), &ev), 0);
	assert_int_equal(parse("kexec_segment_size=18446744073709551615;ima_binary_runtime_size=0;"
			       "ima_runtime_measurements_count=-9223372036854775808;", &ev), 0);
	assert_true(ev.segment_size == UINT64_MAX);
	assert_true(ev.measurements_count == INT64_MIN);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"kexec_segment_size=1;ima_binary_runtime_size=2;ima_runtime_measurements_count=3",
		"kexec_segment_size=1;ima_binary_runtime_size=2;ima_runtime_measurements_count=3;x",
		"ima_binary_runtime_size=2;kexec_segment_size=1;ima_runtime_measurements_count=3;",
		"kexec_segment_size=-1;ima_binary_runtime_size=2;ima_runtime_measurements_count=3;",
		"kexec_segment_size=18446744073709551616;ima_binary_runtime_size=2;"
		"ima_runtime_measurements_count=3;",
		"kexec_segment_size=1;ima_binary_runtime_size=2;"
		"ima_runtime_measurements_count=9223372036854775808;",
		"kexec_segment_size=1;ima_binary_runtime_size=2;ima_runtime_measurements_count=-0;",
		"kexec_segment_size= 1;ima_binary_runtime_size=2;ima_runtime_measurements_count=3;",
		"kexec_segment_size=+1;ima_binary_runtime_size=2;ima_runtime_measurements_count=3;",
		"kexec_segment_size=;ima_binary_runtime_size=2;ima_runtime_measurements_count=3;",
	};
	struct kexec_event ev;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &ev) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(ev.segment_size, 0);
	}
	assert_int_equal(kexec_event_parse(NULL, 0, &ev), -1);
}

/* every prefix of a valid payload fails; heap copies let ASan see overreads */
static void test_prefixes_and_noise(void **state)
{
	struct kexec_event ev;
	size_t n = strlen(GOOD);

	(void)state;
	for (size_t len = 0; len < n; len++) {
		uint8_t *p = malloc(len ? len : 1);

		memcpy(p, GOOD, len);
		assert_int_equal(kexec_event_parse(p, len, &ev), -1);
		free(p);
	}
	srand(3);
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)rand() % (n + 4);
		uint8_t *p = malloc(len ? len : 1);

		memcpy(p, GOOD, len < n ? len : n);
		for (size_t k = 0; k < len; k++)
			if (k >= n || rand() % 16 == 0)
				p[k] = (uint8_t)rand();
		(void)kexec_event_parse(p, len, &ev);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_prefixes_and_noise),
	};

	return cmocka_run_group_tests_name("kexec_event", tests, NULL, NULL);
}
