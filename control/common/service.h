/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * service.h: vtepd as a systemd service (service.c): the sd_notify(3) messages of a
 * Type=notify unit. READY=1 once the switch is fully up, STATUS= a one-line summary (sent
 * only when it changes), RELOADING=1 then READY=1 around a configuration reload,
 * STOPPING=1 at shutdown, WATCHDOG=1 from the control loop while systemd's watchdog is on
 * (WATCHDOG_USEC). Without NOTIFY_SOCKET (not run by systemd) each is a no-op.
 * Control thread only.
 */
#ifndef VTEP_SERVICE_H
#define VTEP_SERVICE_H

#include <stdint.h>

/* Once at start: reads WATCHDOG_USEC (WATCHDOG_PID, when set, must be ours). */
void service_init(void);
/* The switch is up: READY=1 with the status line given (as service_status). */
void service_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* STATUS=...: sent only when it differs from the last one sent. */
void service_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Around a configuration reload (vtepctl reload, SIGHUP): RELOADING=1 ... READY=1. */
void service_reloading(void);
void service_reloaded(void);
/* Shutdown begins: STOPPING=1. */
void service_stopping(void);
/*
 * Call often (every tick of the control loop): sends WATCHDOG=1 once half of the watchdog
 * interval has passed since the last one. now_us: CLOCK_MONOTONIC. Cheap when it is off.
 */
void service_watchdog(uint64_t now_us);
/* The watchdog interval systemd asked for, in microseconds (0: off). */
uint64_t service_watchdog_usec(void);

#endif
