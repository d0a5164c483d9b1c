// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* the user side's reading of exec's pre-seal (the same rule the BPF side
 * applies: held until exec's process exits or the deadline passes) and the
 * guard's reason table */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "guard.h"
#include "imakexec.h"

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void test_preseal(void **state)
{
	struct ikt_state s;
	struct ikt_config c;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	assert_false(ikt_presealed(&s, &c));		/* never taken */
	c.preseal_tgid = 4242;
	c.preseal_until_ns = boot_ns() + IKT_PRESEAL_MAX_S * 1000000000ull;
	assert_true(ikt_presealed(&s, &c));
	s.preseal_exited = 4241;			/* another process exited */
	assert_true(ikt_presealed(&s, &c));
	s.preseal_exited = 4242;			/* exec's own: lifted */
	assert_false(ikt_presealed(&s, &c));
	s.preseal_exited = 0;
	c.preseal_until_ns = boot_ns() - 1;		/* deadline passed */
	assert_false(ikt_presealed(&s, &c));
	c.preseal_tgid = 0;				/* lifted by exec */
	c.preseal_until_ns = boot_ns() + 1000000000ull;
	assert_false(ikt_presealed(&s, &c));
}

/* a pid reused by a later exec: the exit recorded for the earlier one
 * (same pid) must not end the later pre-seal (generation decides) */
static void test_preseal_pid_reuse(void **state)
{
	struct ikt_state s;
	struct ikt_config c;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	c.preseal_tgid = 4242;
	c.preseal_until_ns = boot_ns() + IKT_PRESEAL_MAX_S * 1000000000ull;
	c.preseal_gen = 1;
	s.preseal_exited = 4242;			/* the first exec exited */
	s.preseal_exited_gen = 1;
	assert_false(ikt_presealed(&s, &c));
	c.preseal_gen = 2;				/* a new exec, same pid */
	assert_true(ikt_presealed(&s, &c));
	s.preseal_exited_gen = 2;			/* it exited too */
	assert_false(ikt_presealed(&s, &c));
}

static void test_reasons(void **state)
{
	(void)state;
	for (uint32_t r = IKT_G_REFUSE_MIN; r <= IKT_G_BUSY; r++) {
		assert_string_not_equal(ikt_guard_reason_str(r), "unknown");
		assert_true(ikt_guard_refuses(r));
	}
	assert_string_equal(ikt_guard_reason_str(IKT_G_HASHING), "hashing");
	assert_string_equal(ikt_guard_reason_str(IKT_G_LOAD_INFLIGHT), "load-inflight");
	assert_string_equal(ikt_guard_reason_str(IKT_G_IMAGE_UNKNOWN), "image-unknown");
	assert_string_equal(ikt_guard_reason_str(IKT_G_OVERFLOW), "overflow");
	assert_true(ikt_guard_refuses(IKT_G_OVERFLOW));
	assert_true(ikt_guard_refuses(IKT_G_GAP));
	assert_false(ikt_guard_refuses(IKT_G_OK_COPY));
	assert_non_null(strstr(ikt_guard_reason_why(IKT_G_OVERFLOW), "segment"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preseal),
		cmocka_unit_test(test_preseal_pid_reuse),
		cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests_name("guard", tests, NULL, NULL);
}
