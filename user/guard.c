// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <time.h>
#include "guard.h"
#include "imakexec.h"
#include "util.h"

static const struct {
	const char *str, *why;
} reasons[] = {
	[IKT_G_NONE] = { "none", "no kexec execute was judged yet" },
	[IKT_G_OK_COPY] = { "execute-copy", "kernel copies the list at execute and it fits the segment" },
	[IKT_G_OK_SNAPSHOT] = { "snapshot-current", "nothing was appended since the load snapshot" },
	[IKT_G_OK_CARRIED] = { "carried", "a carry of exactly the current list was written" },
	[IKT_G_OK_NO_IMAGE] = { "no-image", "no kexec image loaded (the kernel fails the call)" },
	[IKT_G_NO_COUNT] = { "no-count", "the kernel's list length could not be read: "
			     "use a kernel with CONFIG_KALLSYMS_ALL=y" },
	[IKT_G_INFLIGHT] = { "inflight", "a measurement was being appended: retry" },
	[IKT_G_PRELOADED] = { "preloaded", "image loaded before tracking started: "
			      "reload it with kexec -s -l" },
	[IKT_G_NO_SNAPSHOT] = { "no-snapshot", "no load snapshot was traced for the image: "
				"reload it with kexec -s -l" },
	[IKT_G_GAP] = { "gap", "entries were appended after the load snapshot: reload the image "
			"right before executing (imakexec-trace exec)" },
	[IKT_G_SEGMENT_FULL] = { "segment-full", "the load snapshot did not fit its segment: "
				 "the next log would be cut" },
	[IKT_G_LEGACY] = { "legacy-load", "image loaded with kexec_load, which never carries "
			   "the list: reload with kexec -s" },
	[IKT_G_NOT_CARRIED] = { "not-carried", "kernel without CONFIG_IMA_KEXEC and no carry of "
				"the current list: use imakexec-trace exec" },
	[IKT_G_OVERFLOW] = { "overflow", "the list outgrew the kexec segment: reload the image" },
	[IKT_G_SEGMENT_UNKNOWN] = { "segment-unknown", "execute-copy kernel but the segment size "
				    "is unknown: reload the image while attached" },
	[IKT_G_LOAD_INFLIGHT] = { "load-inflight", "a kexec load was inside its syscall: retry "
				  "once it returned" },
	[IKT_G_IMAGE_UNKNOWN] = { "image-unknown", "the kernel's kexec image is not the one "
				  "the tracker saw loaded (loads overlapped, or one was not "
				  "traced): reload it with kexec -s -l" },
	[IKT_G_HASHING] = { "hashing", "a measurement was being taken (a file being hashed): "
			    "retry once it is appended" },
	[IKT_G_BUSY] = { "busy", "another kexec the guard let through is under way" },
};

#define N_REASONS ARRAY_SIZE(reasons)

const char *ikt_guard_reason_str(uint32_t r)
{
	return r < N_REASONS && reasons[r].str ? reasons[r].str : "unknown";
}

const char *ikt_guard_reason_why(uint32_t r)
{
	return r < N_REASONS && reasons[r].why ? reasons[r].why :
	       "decision code unknown to this version";
}

bool ikt_presealed(const struct ikt_state *s, const struct ikt_config *c)
{
	struct timespec ts;

	if (!c->preseal_tgid || (c->preseal_gen ? s->preseal_exited_gen == c->preseal_gen :
				  s->preseal_exited == c->preseal_tgid))
		return false;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec < c->preseal_until_ns;
}
