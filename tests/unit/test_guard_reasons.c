// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Every guard decision's token, as monitor, status and exec print it and
 * the VM judge matches it (guard: "not-carried" / "gap"; guardabi:
 * "legacy-load", "hashing"): one per decision code, none twice. A token
 * swapped in the table (gap printed as not-carried) passed test_guard,
 * which checks four (tests/mutate: guard-reason-gap-renamed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "guard.h"
#include "imakexec.h"

static const struct {
	uint32_t code;
	const char *str;
} want[] = {
	{ IKT_G_NONE, "none" },
	{ IKT_G_OK_COPY, "execute-copy" },
	{ IKT_G_OK_SNAPSHOT, "snapshot-current" },
	{ IKT_G_OK_CARRIED, "carried" },
	{ IKT_G_OK_NO_IMAGE, "no-image" },
	{ IKT_G_NO_COUNT, "no-count" },
	{ IKT_G_INFLIGHT, "inflight" },
	{ IKT_G_PRELOADED, "preloaded" },
	{ IKT_G_NO_SNAPSHOT, "no-snapshot" },
	{ IKT_G_GAP, "gap" },
	{ IKT_G_SEGMENT_FULL, "segment-full" },
	{ IKT_G_LEGACY, "legacy-load" },
	{ IKT_G_NOT_CARRIED, "not-carried" },
	{ IKT_G_OVERFLOW, "overflow" },
	{ IKT_G_SEGMENT_UNKNOWN, "segment-unknown" },
	{ IKT_G_LOAD_INFLIGHT, "load-inflight" },
	{ IKT_G_IMAGE_UNKNOWN, "image-unknown" },
	{ IKT_G_HASHING, "hashing" },
	{ IKT_G_BUSY, "busy" },
};

#define N (sizeof(want) / sizeof(want[0]))

static void test_every_token(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++) {
		assert_string_equal(ikt_guard_reason_str(want[i].code), want[i].str);
		assert_int_equal(ikt_guard_refuses(want[i].code), want[i].code >= IKT_G_REFUSE_MIN);
		assert_string_not_equal(ikt_guard_reason_why(want[i].code),
					"decision code unknown to this version");
	}
	/* codes between the allowing and the refusing ones, and past the last */
	for (uint32_t c = IKT_G_OK_NO_IMAGE + 1; c < IKT_G_REFUSE_MIN; c++)
		assert_string_equal(ikt_guard_reason_str(c), "unknown");
	assert_string_equal(ikt_guard_reason_str(IKT_G_BUSY + 1), "unknown");
}

static void test_no_token_twice(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++)
		for (size_t j = i + 1; j < N; j++)
			assert_string_not_equal(ikt_guard_reason_str(want[i].code),
						ikt_guard_reason_str(want[j].code));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_token),
		cmocka_unit_test(test_no_token_twice),
	};

	return cmocka_run_group_tests_name("guard_reasons", tests, NULL, NULL);
}
