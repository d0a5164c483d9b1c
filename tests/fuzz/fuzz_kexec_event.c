// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: ima_kexec critical-data payload parser. */
#include <stdint.h>
#include "kexec_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_event ev;

	kexec_event_parse(data, size, &ev);
	return 0;
}
