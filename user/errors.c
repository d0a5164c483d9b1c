// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <string.h>
#include "errors.h"
#include "exitcodes.h"
#include "json_writer.h"

static const char *prog = "imakexec-trace";
static FILE *out;
static bool json;
static bool kept;
static char first[1024];

void ikt_msg_init(const char *p)
{
	prog = p ? p : "imakexec-trace";
}

void ikt_msg_json(bool on)
{
	json = on;
}

void ikt_msg_stream(FILE *f)
{
	out = f;
}

static void say(const char *fmt, va_list ap, bool keep)
{
	FILE *f = out ? out : stderr;
	va_list copy;

	va_copy(copy, ap);
	fprintf(f, "%s: ", prog);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
	if (keep && json && !kept) {
		vsnprintf(first, sizeof(first), fmt, copy);
		kept = true;
	}
	va_end(copy);
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap, true);
	va_end(ap);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap, false);
	va_end(ap);
}

int ikt_msg_finish(int ret)
{
	struct json_writer w;

	if (json && kept && ret >= IKT_EXIT_ERROR) {
		jw_init(&w, stdout);
		jw_object_start(&w);
		jw_kv_string(&w, "verdict", "error");
		jw_kv_string(&w, "error", first);
		jw_kv_u64(&w, "exit_code", (unsigned int)ret);
		jw_object_end(&w);
		jw_finish(&w);
	}
	kept = false;
	json = false;
	return ret;
}
