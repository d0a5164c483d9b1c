/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Payload of the ima_kexec critical-data events ("kexec_load",
 * "kexec_execute", template ima-buf, mainline v6.16+), written by
 * ima_measure_kexec_event() without a trailing NUL:
 *   kexec_segment_size=%lu;ima_binary_runtime_size=%lu;ima_runtime_measurements_count=%ld;
 */
#ifndef IKT_KEXEC_EVENT_H
#define IKT_KEXEC_EVENT_H

#include <stddef.h>
#include <stdint.h>

struct kexec_event {
	uint64_t segment_size;
	uint64_t binary_runtime_size;
	int64_t measurements_count;
};

/* Strict: exactly the three keys in that order, decimal digits only (a
 * leading '-' for the count), no overflow, one optional trailing NUL.
 * 0 on success; -1 on anything else, with *ev zeroed. Never reads past
 * buf + len. */
int kexec_event_parse(const uint8_t *buf, size_t len, struct kexec_event *ev);

#endif
