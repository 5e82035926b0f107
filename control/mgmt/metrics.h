/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * metrics.h: the Prometheus endpoint (metrics.c): GET /metrics in the text exposition format
 * 0.0.4 over HTTP on the address of metrics.listen, served by libmicrohttpd on the control
 * thread's event loop (no thread of its own, as api.c). Each scrape builds the whole body in
 * one pass through the collect callback (stats.c: vtepd's families), into a growing buffer
 * (ctl.h's struct ctl_buf); everything is an aggregate (per port, VNI, VTEP, VRF, peer),
 * never per MAC.
 *
 * The writer (metrics_family, metrics_sample) is usable alone (test_metrics): it writes a
 * family's HELP and TYPE lines once, then its samples, escaping label values (\ " and newline)
 * and help text (\ and newline) as the format asks.
 */
#ifndef VTEP_METRICS_H
#define VTEP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"             /* struct ctl_buf, the body being built; ctl_buf_free */

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum metrics_type { METRICS_COUNTER, METRICS_GAUGE };

/* "# HELP name help" and "# TYPE name counter|gauge". */
void metrics_family(struct ctl_buf *b, const char *name, enum metrics_type type, const char *help);
/*
 * One sample: name{l1="v1",...} value. The labels are pairs of names and values ending
 * with NULL; a NULL value leaves that label out.
 */
void metrics_sample(struct ctl_buf *b, const char *name, uint64_t value, ...);
/* The same with the labels as arrays (n pairs). */
void metrics_sample_v(struct ctl_buf *b, const char *name, uint64_t value, size_t n, const char *const *keys,
		      const char *const *vals);
/* The body built so far, NUL-terminated ("" when empty); NULL after an allocation failure. */
const char *metrics_body(const struct ctl_buf *b);

struct metrics_server;
typedef void (*metrics_collect_fn)(struct ctl_buf *b, void *ctx);

struct metrics_config {
	bool ip6;
	uint8_t ip[16];                 /* network order; IPv4: the first 4 bytes */
	uint16_t port;
};

struct metrics_server_stats {
	uint64_t scrapes;               /* GET /metrics answered */
	uint64_t errors;                /* other paths (404), other methods (405), failures (500) */
};

/* Listens on cfg's address; on failure err names the address and what failed. */
int metrics_server_open(const struct metrics_config *cfg, metrics_collect_fn collect, void *ctx,
			struct metrics_server **out, char *err, size_t errlen);
/* The descriptor to poll for input (libmicrohttpd's epoll descriptor); -1 for NULL. */
int metrics_server_fd(const struct metrics_server *s);
/* Serves whatever is ready, never waiting. */
void metrics_server_run(struct metrics_server *s);
void metrics_server_get_stats(const struct metrics_server *s, struct metrics_server_stats *st);
void metrics_server_close(struct metrics_server *s);

#endif
