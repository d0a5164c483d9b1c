/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* verify --evidence: read the file, the AK and the nonce, run every
 * check (evverify.c), print the human or JSON report (schema in
 * evreport.c) and return the exit code: 0 verified, 1 a check failed, 2
 * unusable input, 64 a malformed nonce. */
#ifndef IKT_EVREPORT_H
#define IKT_EVREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int ev_verify_file(const char *path, const char *ak_pem, const char *nonce_hex, bool json);
/* hex (even length, no separators) to 1..max bytes; 0 or -1 */
int ev_parse_nonce(const char *hex, uint8_t *out, size_t max, size_t *n);

#endif
