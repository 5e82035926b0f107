/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.h: the control thread's log (log.c): one line per event on stderr with a level tag,
 * below a level set at start. The fast path never logs (it counts).
 */
#ifndef VTEP_LOG_H
#define VTEP_LOG_H

enum vlog_level { VLOG_ERR, VLOG_WARN, VLOG_INFO, VLOG_DEBUG };
void vlog(enum vlog_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vlog_set_level(enum vlog_level level);

#endif
