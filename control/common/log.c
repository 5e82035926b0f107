/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.c: the control thread's log: one line per event on stderr with a level tag.
 * Never called from the fast path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static enum vlog_level vlog_max = VLOG_INFO;

void vlog_set_level(enum vlog_level level)
{
	vlog_max = level;
}

void vlog(enum vlog_level level, const char *fmt, ...)
{
	static const char *const tags[] = { "error", "warning", "info", "debug" };
	struct timespec ts;
	va_list ap;

	if (level > vlog_max)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "vtepd[%ld.%03ld] %s: ", (long)ts.tv_sec, ts.tv_nsec / 1000000, tags[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
