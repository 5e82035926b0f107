/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd_log.h: the vtepctl commands about vtepd's own log (cmd_log.c): log level, show log.
 * Rows of commands.c's table. Control thread only.
 */
#ifndef VTEP_CMD_LOG_H
#define VTEP_CMD_LOG_H

struct ctl_out;

#define LOG_LEVEL_USAGE "log level err|warn|info|debug"

int cmd_log_level(struct ctl_out *o, int argc, char **argv, void *ctx);
int cmd_show_log(struct ctl_out *o, int argc, char **argv, void *ctx);

#endif
