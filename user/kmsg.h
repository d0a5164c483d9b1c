/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Messages of a command that runs where nobody reads its stderr: a
 * systemd-shutdown hook (systemd-shutdown does not pass a hook's output
 * on). ikt_kmsg_tee() returns a stream that writes each line to `also`
 * and, as one record of the kernel log, to /dev/kmsg, where the journal of
 * the next boot (and the serial console at loglevel >= 5) shows it. When
 * /dev/kmsg cannot be opened the stream writes to `also` only. */
#ifndef IKT_KMSG_H
#define IKT_KMSG_H

#include <stdio.h>

/* level: a syslog level, 0-7 (the kernel log shows it as such) */
FILE *ikt_kmsg_tee(FILE *also, int level);

#endif
