/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.c: the control thread's log: one line per event on stderr with a level tag, or, run
 * by systemd with stderr on the journal, one journal entry per event (sd_journal_sendv) with
 * PRIORITY, MESSAGE, SYSLOG_IDENTIFIER and the VTEPD_* fields of what it concerns. An entry
 * the journal does not take goes to stderr instead. Never called from the fast path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION 1   /* CODE_FILE would always be this file */
#include <systemd/sd-journal.h>

#include "log.h"

static enum vlog_level vlog_max = VLOG_INFO;
static int vlog_journal;
static char vlog_instance[64];

static const char *const vlog_names[] = { "err", "warn", "info", "debug" };

void vlog_set_level(enum vlog_level level)
{
	vlog_max = level;
}

enum vlog_level vlog_get_level(void)
{
	return vlog_max;
}

const char *vlog_level_name(enum vlog_level level)
{
	return level <= VLOG_DEBUG ? vlog_names[level] : "?";
}

int vlog_level_parse(const char *s, enum vlog_level *level)
{
	static const char *const long_names[] = { "error", "warning", "info", "debug" };

	for (int l = VLOG_ERR; s && l <= VLOG_DEBUG; l++)
		if (strcmp(s, vlog_names[l]) == 0 || strcmp(s, long_names[l]) == 0) {
			*level = (enum vlog_level)l;
			return 0;
		}
	return EINVAL;
}

/* systemd.exec(5): JOURNAL_STREAM is "DEVICE:INODE" of the stream stderr was connected to. */
static int vlog_stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (!js || sscanf(js, "%llu:%llu%c", &dev, &ino, &end) != 2 || fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void vlog_open(const char *instance)
{
	snprintf(vlog_instance, sizeof(vlog_instance), "%s", instance ? instance : "");
	vlog_journal = vlog_stderr_is_journal();
}

int vlog_to_journal(void)
{
	return vlog_journal;
}

/* One entry; 0 when the journal took it. */
static int vlog_journal_send(enum vlog_level level, const struct vlog_fields *f, const char *msg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char fields[7][600];
	struct iovec iov[7];
	int n = 0;

	snprintf(fields[n++], sizeof(fields[0]), "MESSAGE=%s", msg);
	snprintf(fields[n++], sizeof(fields[0]), "PRIORITY=%d", prio[level]);
	snprintf(fields[n++], sizeof(fields[0]), "SYSLOG_IDENTIFIER=vtepd");
	if (vlog_instance[0])
		snprintf(fields[n++], sizeof(fields[0]), "VTEPD_INSTANCE=%s", vlog_instance);
	if (f && f->peer && f->peer[0])
		snprintf(fields[n++], sizeof(fields[0]), "VTEPD_PEER=%s", f->peer);
	if (f && f->port && f->port[0])
		snprintf(fields[n++], sizeof(fields[0]), "VTEPD_PORT=%s", f->port);
	if (f && f->vni)
		snprintf(fields[n++], sizeof(fields[0]), "VTEPD_VNI=%u", f->vni);
	for (int i = 0; i < n; i++)
		iov[i] = (struct iovec){ .iov_base = fields[i], .iov_len = strlen(fields[i]) };
	return sd_journal_sendv(iov, n);
}

static void vlog_v(enum vlog_level level, const struct vlog_fields *f, const char *fmt, va_list ap)
{
	static const char *const tags[] = { "error", "warning", "info", "debug" };
	struct timespec ts;

	if (level > vlog_max)
		return;
	if (vlog_journal) {
		char msg[512];

		vsnprintf(msg, sizeof(msg), fmt, ap);
		if (vlog_journal_send(level, f, msg) == 0)
			return;
		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr, "vtepd[%ld.%03ld] %s: %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000000, tags[level], msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "vtepd[%ld.%03ld] %s: ", (long)ts.tv_sec, ts.tv_nsec / 1000000, tags[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void vlog(enum vlog_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_v(level, NULL, fmt, ap);
	va_end(ap);
}

void vlog_f(enum vlog_level level, const struct vlog_fields *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_v(level, f, fmt, ap);
	va_end(ap);
}
