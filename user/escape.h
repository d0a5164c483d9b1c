/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Unambiguous human rendering of untrusted names: valid printable UTF-8 is
 * kept, backslash becomes "\\", control and invalid bytes become "\xNN",
 * C1 and bidi/format controls (valid UTF-8 a terminal would act on or
 * reorder by) become "\uXXXX". JSON output keeps the exact bytes. */
#ifndef IKT_ESCAPE_H
#define IKT_ESCAPE_H

#include <stddef.h>

/* Escapes up to the first NUL or len bytes; always NUL-terminates out and
 * truncates on a whole escape. Returns the length written. */
size_t ikt_escape(const char *in, size_t len, char *out, size_t outlen);

#endif
