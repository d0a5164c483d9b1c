// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* exec's clock and its wait after a refusal for something in flight (an
 * append, a file being hashed, a kexec load): the pre-seal keeps new ones
 * from starting, so what is in flight only drains. */
#include <errno.h>
#include <inttypes.h>
#include <time.h>
#include "errors.h"
#include "exec.h"
#include "hooks.h"
#include "inflight.h"
#include "util.h"

double exec_elapsed_ms(const struct exec_ctx *x)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - x->t0.tv_sec) * 1e3 + (double)(t.tv_nsec - x->t0.tv_nsec) / 1e6;
}

bool exec_refusal_drains(uint32_t reason)
{
	return reason == IKT_G_INFLIGHT || reason == IKT_G_HASHING ||
	       reason == IKT_G_LOAD_INFLIGHT;
}

/* An `inflight` refusal: an append had entered IMA (its measurement in the
 * TPM, e.g. waiting for the chip) or held or waited for the list mutex. The
 * pre-seal holds new ones off, so what is in flight only drains: wait for
 * the tracker's in-flight count to reach 0 (at most IKT_INFLIGHT_WAIT_MS),
 * then back off a little more for the list mutex, which only the kernel
 * sees, doubling per attempt. Without this the retries came 40 ms apart
 * (one carry each) and an append slower than that refused all of them. */
#define IKT_INFLIGHT_WAIT_MS 2000.0
#define IKT_INFLIGHT_BACKOFF_MS 5u

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t in_flight(const struct ikt_state *s)
{
	return s->inflight + s->hashing + s->loads_inflight;
}

/* an in-flight count that did not drain in IKT_INFLIGHT_WAIT_MS: either a
 * call really blocked (an extend waiting for a busy TPM, a hash of a huge
 * file) or an exit the tracker missed (the trampoline's recursion check
 * skipped it; its record goes when the thread exits or enters again) */
static void report_stuck(struct exec_ctx *x)
{
	static const int progs[] = { IKT_HOOK_ADD_EXIT, IKT_HOOK_MEASURE_EXIT,
				     IKT_HOOK_BUFMEASURE_EXIT, IKT_HOOK_FILE_LOAD,
				     IKT_HOOK_LEGACY_LOAD };
	uint64_t missed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(progs); i++)
		if (x->t.hooks.h[progs[i]].misses_known)
			missed += x->t.hooks.h[progs[i]].recursion_misses;
	p_info("still in flight after %.0f ms (list length %" PRId64 "); exits the "
	       "tracker missed so far: %" PRIu64 " (counted when exec started), records taken "
	       "back: %" PRIu64 "%s", IKT_INFLIGHT_WAIT_MS, (int64_t)x->s.kcount, missed,
	       (uint64_t)x->s.leaks_healed, missed ? "" : "; so a call is really "
	       "blocked (an extend waiting for the TPM, or a large file being hashed)");
	exec_list_inflight(x, NULL);
	if (x->attempts >= x->a->retries)
		p_info("a call that is really blocked may take longer than this exec waits "
		       "(%.0f ms per attempt): --retries raises the number of attempts",
		       IKT_INFLIGHT_WAIT_MS);
}

/* which thread holds each in-flight record, and where it waits in the
 * kernel (p_info lines); l, when given, keeps what was read */
void exec_list_inflight(struct exec_ctx *x, struct ikt_inflight_list *keep)
{
	struct ikt_inflight_list mine, *l = keep ? keep : &mine;
	char line[1024];

	ikt_inflight_open(&x->t);	/* only when something did not drain */
	ikt_inflight_read(&x->t, l);
	for (unsigned int i = 0; i < l->shown; i++) {
		ikt_inflight_line(&l->r[i], line, sizeof(line));
		p_info("in flight: %s", line);
	}
	if (!l->known)
		p_info("in flight: the tracker's records could not be read (a tracker "
		       "pinned by an older version): 'status --json' after the next attach lists them");
	else if (l->total > l->shown)
		p_info("in flight: ... and %" PRIu64 " more record(s)", l->total - l->shown);
}

void exec_settle_inflight(struct exec_ctx *x)
{
	double t0 = exec_elapsed_ms(x), until = t0 + IKT_INFLIGHT_WAIT_MS;
	uint64_t first = x->s.inflight, hfirst = x->s.hashing, lfirst = x->s.loads_inflight;
	unsigned int shift = x->attempts < 6 ? x->attempts : 6;

	while (in_flight(&x->s) && exec_elapsed_ms(x) < until) {
		sleep_ms(1);
		if (ikt_tracker_read(&x->t, &x->s, NULL))
			return;
	}
	if (in_flight(&x->s))	/* still up: say what could explain it */
		report_stuck(x);
	sleep_ms(IKT_INFLIGHT_BACKOFF_MS << shift);
	p_info("waited %.1f ms before the next attempt: %" PRIu64 " append(s), %" PRIu64
	       " measurement(s) being taken and %" PRIu64 " kexec load(s) in flight after "
	       "the refusal, %" PRIu64 ", %" PRIu64 " and %" PRIu64 " now%s%s",
	       exec_elapsed_ms(x) - t0, first, hfirst, lfirst, (uint64_t)x->s.inflight,
	       (uint64_t)x->s.hashing, (uint64_t)x->s.loads_inflight,
	       first + hfirst + lfirst ? "" : " (it had ended, or IMA's list mutex was held "
	       "or waited for)", x->s.leaks_healed ? "; the tracker took back "
	       "records of calls whose exit it missed" : "");
}
