/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats.h: the switch's numbers as the operator sees them, one implementation for both
 * `vtepctl show stats` (and show vnis, show bgp summary; commands.c) and the Prometheus
 * endpoint (metrics.h): the tables of per-VNI, per-VRF and MTU counters (their JSON key and
 * their metric), the sums (a port's drops, the FDB's refused and over-limit MACs), which
 * ports show stats lists and under what name, and a BGP peer's numbers. Then vtepd's metric
 * families (stats.c) and the endpoint's life on the control thread. Control thread only.
 */
#ifndef VTEP_STATS_H
#define VTEP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

struct vtepd;
struct dp_port_counters;
struct dp_xsk;

/* One counter of a counters structure: its key in show stats, its metric, at offset off. */
struct stats_counter {
	const char *key;
	const char *metric;
	const char *help;
	size_t off;
};

static inline uint64_t stats_counter_get(const struct stats_counter *c, const void *base)
{
	return *(const uint64_t *)((const char *)base + c->off);
}

/* struct dp_vni_counters (a VNI's row of show stats), dp_vrf_counters, dp_mtu_counters. */
extern const struct stats_counter stats_vni_counters[];
extern const size_t stats_n_vni_counters;
extern const struct stats_counter stats_vrf_counters[];
extern const size_t stats_n_vrf_counters;
extern const struct stats_counter stats_mtu_counters[];
extern const size_t stats_n_mtu_counters;

/* The name show stats gives port slot s, NULL when it lists no port there. */
const char *stats_port_name(const struct vtepd *d, int s);
/* A container port slot (not an uplink or an exception TAP). */
bool stats_port_is_container(int s);
/* A port's drops, all reasons. */
uint64_t stats_port_drops(const struct dp_port_counters *pc);
/* New MACs of port s not learned for max_macs (the fast path's and the control thread's). */
uint64_t stats_port_learn_limit(const struct vtepd *d, int s);
/* Our own AF_XDP port at slot s (its drops come before the fast path's), or NULL. */
const struct dp_xsk *stats_port_xsk(const struct vtepd *d, int s);
/* The FDB's move_refused and learn_limit as show stats fdb gives them (all ports summed in). */
void stats_fdb_sums(const struct vtepd *d, uint64_t *move_refused, uint64_t *learn_limit);
/* New MACs of VNI index i not learned for max_macs (show vnis' learn_limit_drops). */
uint64_t stats_vni_learn_limit(const struct vtepd *d, uint16_t i);
/*
 * The VNIs show stats lists, in its order: the L2 VNIs, then the VRFs' L3 VNIs. Fills
 * idx[] (the counters' index) and vni[]; returns how many (at most VTEP_MAX_VNIS).
 */
size_t stats_vnis(const struct vtepd *d, uint16_t *idx, uint32_t *vni);
/* The underlay XDP filters' counters, every uplink summed; ENOENT when there are none. */
int stats_xdp(const struct vtepd *d, uint64_t *to_vtepd, uint64_t *to_kernel);

/* BGP peer i's numbers as show bgp summary gives them. */
struct stats_peer {
	uint32_t addr;                  /* network order */
	int state;                      /* enum bgp_state */
	uint64_t uptime;                /* seconds Established, 0 when not */
	uint64_t established;           /* times the session came up */
	uint64_t received, accepted, sent;   /* routes */
	uint64_t msgs_in, msgs_out, updates_in, updates_out;
	uint64_t rejected, updates_reset, treat_as_withdraw, malformed;
};
void stats_peer(const struct vtepd *d, size_t i, uint64_t now, struct stats_peer *p);

/* Every family of vtepd's /metrics (ctx: the struct vtepd). */
void stats_metrics_collect(struct ctl_buf *b, void *ctx);

/* The Prometheus endpoint of metrics.listen (nothing without it); its descriptor goes into the event loop. */
int vtepd_metrics_start(struct vtepd *d);
void vtepd_metrics_serve(struct vtepd *d);
/* The 100 ms tick: connection timeouts. */
void vtepd_metrics_tick(struct vtepd *d);
void vtepd_metrics_stop(struct vtepd *d);

#endif
