/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * service.c: the sd_notify(3) side of vtepd's systemd unit (systemd/vtepd@.service,
 * Type=notify, WatchdogSec=): readiness, status, reload, stop and the watchdog keep-alive,
 * through libsystemd. A failed notification is not an error for the switch: it is ignored.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "service.h"

static uint64_t svc_watchdog_usec;
static uint64_t svc_watchdog_last_us;
static char svc_status[256];

static uint64_t svc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void service_init(void)
{
	uint64_t usec = 0;

	/* > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID, if set, is us */
	svc_watchdog_usec = sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
	svc_watchdog_last_us = 0;
}

uint64_t service_watchdog_usec(void)
{
	return svc_watchdog_usec;
}

/* The status line: true when it changed. */
static bool svc_status_set(const char *fmt, va_list ap)
{
	char s[sizeof(svc_status)];

	vsnprintf(s, sizeof(s), fmt, ap);
	s[strcspn(s, "\n")] = '\0';      /* one line: a newline would start another assignment */
	if (strcmp(s, svc_status) == 0)
		return false;
	memcpy(svc_status, s, sizeof(s));
	return true;
}

void service_ready(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	svc_status_set(fmt, ap);
	va_end(ap);
	sd_notifyf(0, "READY=1\nSTATUS=%s", svc_status);
	svc_watchdog_last_us = svc_now_us();
}

void service_status(const char *fmt, ...)
{
	va_list ap;
	bool changed;

	va_start(ap, fmt);
	changed = svc_status_set(fmt, ap);
	va_end(ap);
	if (changed)
		sd_notifyf(0, "STATUS=%s", svc_status);
}

void service_reloading(void)
{
	/* MONOTONIC_USEC: what Type=notify-reload (systemd 253) asks for; older ones ignore it */
	sd_notifyf(0, "RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=%llu",
		   (unsigned long long)svc_now_us());
}

void service_reloaded(void)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", svc_status);
}

void service_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void service_watchdog(uint64_t now_us)
{
	if (!svc_watchdog_usec || now_us - svc_watchdog_last_us < svc_watchdog_usec / 2)
		return;
	svc_watchdog_last_us = now_us;
	sd_notify(0, "WATCHDOG=1");
}
