/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commands.h: the vtepctl commands (commands.c) served on the daemon's management socket
 * (ctl.c does the socket and the framing): show vnis/macs/ports/vteps/arp/stats/bgp/evpn,
 * attach, detach. Control thread only.
 */
#ifndef VTEP_COMMANDS_H
#define VTEP_COMMANDS_H

#include <stdbool.h>

struct ctl_out;
struct vtepd;

/* Run one command as the socket would (telemetry.c); the output to read with ctl_out_next, then ctl_out_free. */
struct ctl_out *vtepd_commands_run(struct vtepd *d, bool json, int argc, char **argv);

/* The management server on d->ctl_fd; its descriptor goes into the event loop. */
int vtepd_commands_start(struct vtepd *d);
/* Serves what its clients are ready for, never waiting; also expires slow clients. */
void vtepd_commands_serve(struct vtepd *d);
void vtepd_commands_stop(struct vtepd *d);
/* The management API (api.h) on the same commands: its descriptor goes into the event loop. */
int vtepd_api_start(struct vtepd *d);
void vtepd_api_serve(struct vtepd *d);
/* Every tick; slow: the 100 ms one, which also expires idle clients. */
void vtepd_api_tick(struct vtepd *d, bool slow);
void vtepd_api_stop(struct vtepd *d);

#endif
