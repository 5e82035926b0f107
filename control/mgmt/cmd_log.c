/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd_log.c: vtepctl's commands about vtepd's log (log.c): `log level LEVEL` changes the
 * level at run time (no restart, no config change: a restart goes back to the start level,
 * info or -d's debug); `show log` says the level, where lines go (journal or stderr) and the
 * instance they carry.
 */
#include <errno.h>

#include "cmd_log.h"
#include "ctl.h"
#include "log.h"

int cmd_log_level(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	enum vlog_level level, was = vlog_get_level();

	(void)ctx;
	if (argc != 1) {
		ctl_error(o, "usage: " LOG_LEVEL_USAGE);
		return EINVAL;
	}
	if (vlog_level_parse(argv[0], &level) != 0) {
		ctl_error(o, "log level: '%s' is not a level: use err, warn, info or debug", argv[0]);
		return EINVAL;
	}
	vlog_set_level(level);
	vlog(VLOG_INFO, "log level %s (was %s), set by vtepctl", vlog_level_name(level), vlog_level_name(was));
	ctl_str(o, "level", vlog_level_name(level));
	ctl_str(o, "was", vlog_level_name(was));
	return 0;
}

int cmd_show_log(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	(void)argv, (void)ctx;
	if (argc) {
		ctl_error(o, "usage: show log");
		return EINVAL;
	}
	ctl_str(o, "level", vlog_level_name(vlog_get_level()));
	ctl_str(o, "destination", vlog_to_journal() ? "journal" : "stderr");
	return 0;
}
