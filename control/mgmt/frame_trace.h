/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frame_trace.h: the `trace` command (frame_trace.c): arm the fast path's frame trace, show
 * what it recorded, stop it. vtepctl's `trace N` runs `trace N ...`, then `trace show` until
 * it stops answering EAGAIN.
 */
#ifndef VTEP_FRAME_TRACE_H
#define VTEP_FRAME_TRACE_H

struct ctl_out;

#define VTEPD_TRACE_USAGE "trace N [port NAME] [timeout S] | trace show | trace stop"

/* The command handler (ctx: struct vtepd). */
int vtepd_cmd_trace(struct ctl_out *o, int argc, char **argv, void *ctx);

#endif
