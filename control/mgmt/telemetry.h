/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * telemetry.h: vtepd's commands on DPDK's telemetry socket (dpdk-telemetry.py): /vtepd/ports,
 * /vtepd/vnis and /vtepd/stats, answered by the control thread (see telemetry.c).
 */
#ifndef VTEP_TELEMETRY_H
#define VTEP_TELEMETRY_H

struct vtepd;

/* Register the commands and open the hand-over's eventfd (add vtepd_telemetry_fd to the loop). 0 or errno. */
int vtepd_telemetry_start(struct vtepd *d);
/* The eventfd the control thread polls; -1 before start. */
int vtepd_telemetry_fd(void);
/* Readable eventfd: answer the telemetry thread's pending request. */
void vtepd_telemetry_serve(struct vtepd *d);
/* Fail any waiting and later request at once, close the eventfd. */
void vtepd_telemetry_stop(void);

#endif
