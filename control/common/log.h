/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.h: the control thread's log (log.c): one line per event below a level that can change
 * at run time (vtepctl log level). On stderr with a level tag, or, when stderr is systemd's
 * journal stream (JOURNAL_STREAM names its device and inode), straight to the journal with a
 * PRIORITY and the event's structured fields: VTEPD_PEER, VTEPD_PORT, VTEPD_VNI and always
 * VTEPD_INSTANCE. The fast path never logs (it counts).
 */
#ifndef VTEP_LOG_H
#define VTEP_LOG_H

#include <stdint.h>

enum vlog_level { VLOG_ERR, VLOG_WARN, VLOG_INFO, VLOG_DEBUG };

/* What an event concerns, as journal fields (NULL / 0: not this one). */
struct vlog_fields {
	const char *peer;    /* VTEPD_PEER: a BGP neighbour's address */
	const char *port;    /* VTEPD_PORT: a port's name */
	uint32_t vni;        /* VTEPD_VNI */
};

void vlog(enum vlog_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vlog_f(enum vlog_level level, const struct vlog_fields *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define vlog_peer(level, peer_, ...) vlog_f(level, &(struct vlog_fields){ .peer = (peer_) }, __VA_ARGS__)
#define vlog_port(level, port_, ...) vlog_f(level, &(struct vlog_fields){ .port = (port_) }, __VA_ARGS__)
#define vlog_vni(level, vni_, ...) vlog_f(level, &(struct vlog_fields){ .vni = (vni_) }, __VA_ARGS__)

void vlog_set_level(enum vlog_level level);
enum vlog_level vlog_get_level(void);
/* "err", "warn", "info", "debug" (also "error", "warning"): 0, or EINVAL. */
int vlog_level_parse(const char *s, enum vlog_level *level);
const char *vlog_level_name(enum vlog_level level);
/*
 * Once at start: the instance (VTEPD_INSTANCE) and where lines go: the journal when
 * JOURNAL_STREAM matches stderr, else stderr. Before it (or without it): stderr.
 */
void vlog_open(const char *instance);
/* Lines go to the journal (vtepctl show log). */
int vlog_to_journal(void);

#endif
