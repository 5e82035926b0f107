/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats.c: the numbers show stats, show vnis and show bgp summary print and /metrics exports,
 * computed once for both (stats.h): the counter tables, the sums, the port names; and
 * vtepd's Prometheus families, built in one pass over ports, VNIs, VTEPs, VRFs and BGP peers
 * (aggregates only, nothing per MAC), and the endpoint's start and stop.
 */
#include "stats.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_mempool.h>

#include "bgp_fsm.h"
#include "fabric.h"
#include "fdb.h"
#include "log.h"
#include "route.h"
#include "switch.h"
#include "xdp.h"
#include "xsk.h"

#ifndef VTEPD_VERSION
#define VTEPD_VERSION "unknown"
#endif

#define STATS_C(s, field, key, metric, help) { key, metric, help, offsetof(struct s, field) }

const struct stats_counter stats_vni_counters[] = {
	STATS_C(dp_vni_counters, encap_pkts, "encap_pkts", "vtepd_vni_encap_packets_total",
		"Frames sent into the tunnel (each copy of a flooded frame counts)."),
	STATS_C(dp_vni_counters, encap_bytes, "encap_bytes", "vtepd_vni_encap_bytes_total",
		"Bytes of the frames sent into the tunnel (inner frames)."),
	STATS_C(dp_vni_counters, decap_pkts, "decap_pkts", "vtepd_vni_decap_packets_total",
		"Frames received from the tunnel."),
	STATS_C(dp_vni_counters, decap_bytes, "decap_bytes", "vtepd_vni_decap_bytes_total",
		"Bytes of the frames received from the tunnel (inner frames)."),
	STATS_C(dp_vni_counters, flooded, "flooded", "vtepd_vni_flooded_packets_total",
		"Broadcast, unknown-unicast and multicast frames flooded."),
	STATS_C(dp_vni_counters, local_pkts, "local_pkts", "vtepd_vni_local_packets_total",
		"Frames switched between two local ports."),
	STATS_C(dp_vni_counters, arp_suppressed, "arp_suppressed", "vtepd_vni_arp_suppressed_total",
		"ARP requests answered by vtepd instead of flooded."),
	STATS_C(dp_vni_counters, gw_arp_replies, "gw_arp_replies", "vtepd_vni_gateway_arp_replies_total",
		"ARP requests for the anycast gateway's IPv4 address answered."),
	STATS_C(dp_vni_counters, gw_arp_answers, "gw_arp_answers", "vtepd_vni_gateway_arp_answers_total",
		"ARP replies to the gateway's MAC (answers to its glean requests) taken in."),
	STATS_C(dp_vni_counters, gw_na_answers, "gw_na_answers", "vtepd_vni_gateway_na_answers_total",
		"Neighbour advertisements to the gateway's MAC taken in."),
	STATS_C(dp_vni_counters, gw_na_sent, "gw_na_sent", "vtepd_vni_gateway_na_sent_total",
		"Neighbour solicitations for the gateway's IPv6 addresses answered."),
	STATS_C(dp_vni_counters, gw_echo_replies, "gw_echo_replies", "vtepd_vni_gateway_echo_replies_total",
		"ICMP and ICMPv6 echo requests to the gateway answered."),
	STATS_C(dp_vni_counters, gw_conflicts, "gw_conflicts", "vtepd_vni_gateway_conflicts_total",
		"Frames from the gateway's MAC, or ARP/ND claiming or probing its addresses."),
	STATS_C(dp_vni_counters, gw_remote_gleans, "gw_remote_gleans", "vtepd_vni_gateway_remote_gleans_total",
		"Other leaves' glean ARP/NS from the tunnel handed to the local ports."),
	STATS_C(dp_vni_counters, gw_unrouted, "to_gateway_unrouted", "vtepd_vni_to_gateway_unrouted_total",
		"Frames to the gateway's MAC not for the gateway and not routed (dropped)."),
};
const size_t stats_n_vni_counters = sizeof(stats_vni_counters) / sizeof(stats_vni_counters[0]);

const struct stats_counter stats_vrf_counters[] = {
	STATS_C(dp_vrf_counters, routed, "routed", "vtepd_vrf_routed_packets_total",
		"Packets routed (to a local host, or into the L3 VNI towards a remote leaf)."),
	STATS_C(dp_vrf_counters, routed_remote, "routed_remote", "vtepd_vrf_routed_remote_packets_total",
		"Routed packets encapsulated in the L3 VNI towards a remote VTEP."),
	STATS_C(dp_vrf_counters, routed_from_l3vni, "routed_from_l3vni", "vtepd_vrf_routed_from_l3vni_packets_total",
		"Routed packets decapsulated from the L3 VNI (to a local host)."),
	STATS_C(dp_vrf_counters, ttl_expired, "ttl_expired", "vtepd_vrf_ttl_expired_total",
		"Packets dropped: their TTL or hop limit would reach 0."),
	STATS_C(dp_vrf_counters, icmp_time_exceeded, "icmp_time_exceeded", "vtepd_vrf_icmp_time_exceeded_total",
		"ICMP time exceeded messages sent."),
	STATS_C(dp_vrf_counters, no_route, "no_route", "vtepd_vrf_no_route_total",
		"Packets dropped: no route to their destination."),
	STATS_C(dp_vrf_counters, glean_sent, "glean_sent", "vtepd_vrf_glean_sent_total",
		"ARP requests and neighbour solicitations sent for unresolved hosts."),
	STATS_C(dp_vrf_counters, glean_drops, "glean_drops", "vtepd_vrf_glean_drops_total",
		"Packets dropped waiting for their host's MAC."),
	STATS_C(dp_vrf_counters, glean_rate_limited, "glean_rate_limited", "vtepd_vrf_glean_rate_limited_total",
		"Glean drops whose ARP or NS was not sent (over the rate)."),
	STATS_C(dp_vrf_counters, no_l3vni, "route_no_l3vni", "vtepd_vrf_route_no_l3vni_total",
		"Packets dropped: the route points at a remote VTEP but the VRF has no L3 VNI published."),
	STATS_C(dp_vrf_counters, no_vtep, "route_no_vtep", "vtepd_vrf_route_no_vtep_total",
		"Packets dropped: the route points at a VTEP not in the snapshot."),
};
const size_t stats_n_vrf_counters = sizeof(stats_vrf_counters) / sizeof(stats_vrf_counters[0]);

const struct stats_counter stats_mtu_counters[] = {
	STATS_C(dp_mtu_counters, fragmented, "fragmented", "vtepd_mtu_fragmented_packets_total",
		"IPv4 packets split to fit their way out."),
	STATS_C(dp_mtu_counters, fragments, "fragments", "vtepd_mtu_fragments_total",
		"The fragments those packets became."),
	STATS_C(dp_mtu_counters, outer_fragmented, "outer_fragmented", "vtepd_mtu_outer_fragmented_packets_total",
		"VXLAN packets split on the underlay (outer fragmentation)."),
	STATS_C(dp_mtu_counters, icmp4_sent, "icmp4_sent", "vtepd_mtu_icmp4_sent_total",
		"ICMP fragmentation needed messages sent to containers."),
	STATS_C(dp_mtu_counters, icmp6_sent, "icmp6_sent", "vtepd_mtu_icmp6_sent_total",
		"ICMPv6 packet too big messages sent to containers."),
	STATS_C(dp_mtu_counters, icmp_rate_limited, "icmp_rate_limited", "vtepd_mtu_icmp_rate_limited_total",
		"ICMP errors not sent: over the rate limit."),
	STATS_C(dp_mtu_counters, icmp_not_allowed, "icmp_not_allowed", "vtepd_mtu_icmp_not_allowed_total",
		"ICMP errors not sent: the packet must not get one."),
	STATS_C(dp_mtu_counters, reasm.fragments, "reasm_fragments", "vtepd_reasm_fragments_total",
		"Outer IPv4 fragments received."),
	STATS_C(dp_mtu_counters, reasm.reassembled, "reassembled", "vtepd_reasm_reassembled_total",
		"Outer datagrams reassembled."),
	STATS_C(dp_mtu_counters, reasm.failed, "reasm_failed", "vtepd_reasm_failed_total",
		"Outer fragments discarded: overlapping, duplicate, too many, table full or too long."),
	STATS_C(dp_mtu_counters, reasm.timed_out, "reasm_timed_out", "vtepd_reasm_timed_out_total",
		"Outer fragments discarded: their datagram never completed in time."),
};
const size_t stats_n_mtu_counters = sizeof(stats_mtu_counters) / sizeof(stats_mtu_counters[0]);

/* ---- the shared numbers ---- */

bool stats_port_is_container(int s)
{
	return s != DP_PORT_UNDERLAY && s < DP_PORT_EXCEPTION;   /* uplink slots follow the exception's */
}

const char *stats_port_name(const struct vtepd *d, int s)
{
	if (s > DP_PORT_EXCEPTION && dp_slot_is_exception((uint16_t)s)) {   /* the others' exception TAPs */
		uint16_t u = dp_slot_uplink_index((uint16_t)s);

		if (u >= d->n_uplinks || d->uplinks[u].exc_port == UINT16_MAX)
			return NULL;
		return d->uplinks[u].ifname;
	}
	if (s > DP_PORT_EXCEPTION)                     /* the second uplink and on */
		return s - DP_PORT_EXCEPTION < d->n_uplinks ? d->uplinks[s - DP_PORT_EXCEPTION].name : NULL;
	if (s == DP_PORT_UNDERLAY)
		return d->cfg.underlay_exception ? "underlay" : d->cfg.underlay_ifname;
	if (s == DP_PORT_EXCEPTION)
		return d->exception_port == UINT16_MAX ? NULL : d->cfg.underlay_ifname;
	return d->ports[s].in_use ? d->ports[s].conf.name : NULL;
}

uint64_t stats_port_drops(const struct dp_port_counters *pc)
{
	uint64_t drops = 0;

	for (int r = 1; r < DP_DROP_MAX; r++)
		drops += pc->drops[r];
	return drops;
}

uint64_t stats_port_learn_limit(const struct vtepd *d, int s)
{
	return d->counters->ports[s].learn_limit + (stats_port_is_container(s) ? d->ports[s].learn_limit : 0);
}

const struct dp_xsk *stats_port_xsk(const struct vtepd *d, int s)
{
	return s == DP_PORT_UNDERLAY ? d->underlay_xsk :
	       dp_slot_is_uplink((uint16_t)s) ? d->uplinks[s - DP_PORT_EXCEPTION].xsk :
	       dp_slot_is_exception((uint16_t)s) ? NULL :
	       s != DP_PORT_EXCEPTION ? d->ports[s].xsk : NULL;
}

void stats_fdb_sums(const struct vtepd *d, uint64_t *move_refused, uint64_t *learn_limit)
{
	struct fdb_stats fs;
	uint64_t refused, limit = d->stats.learn_limit;

	fdb_get_stats(d->fdb, &fs);
	refused = fs.move_refused;
	for (int s = 0; s < DP_N_SLOTS; s++) {
		refused += d->counters->ports[s].learn_refused;
		limit += d->counters->ports[s].learn_limit;
	}
	*move_refused = refused;
	*learn_limit = limit;
}

uint64_t stats_vni_learn_limit(const struct vtepd *d, uint16_t i)
{
	return d->counters->vnis[i].learn_limit + d->vnis[i].learn_limit;
}

size_t stats_vnis(const struct vtepd *d, uint16_t *idx, uint32_t *vni)
{
	size_t n = 0;

	for (uint16_t i = 0; i < d->n_vnis && n < VTEP_MAX_VNIS; i++) {
		if (d->vnis[i].vni) {
			idx[n] = i;
			vni[n++] = d->vnis[i].vni;
		}
	}
	/* the VRFs' L3 VNIs, after the L2 VNIs as in the snapshot: what crossed them routed */
	for (uint16_t k = 0; k < d->n_vrfs && n < VTEP_MAX_VNIS; k++) {
		uint16_t i = vtepd_vrf_l3vni_index(d, k);

		if (i != DP_NO_ID) {
			idx[n] = i;
			vni[n++] = d->vrfs[k].l3vni;
		}
	}
	return n;
}

int stats_xdp(const struct vtepd *d, uint64_t *to_vtepd, uint64_t *to_kernel)
{
	uint64_t redirected = 0, passed = 0;

	if (vtep_xdp_stats(d->cfg.underlay_ifname, &redirected, &passed) != 0)
		return ENOENT;
	/* the filters of the other uplinks add theirs */
	for (uint16_t u = 1; u < d->n_uplinks; u++) {
		uint64_t r = 0, p = 0;

		if (vtep_xdp_stats(d->uplinks[u].ifname, &r, &p) == 0) {
			redirected += r;
			passed += p;
		}
	}
	*to_vtepd = redirected;
	*to_kernel = passed;
	return 0;
}

void stats_peer(const struct vtepd *d, size_t i, uint64_t now, struct stats_peer *p)
{
	struct bgp_peer *peer = bgp_peer_at(fabric_speaker(d), i);
	struct bgp_peer_stats st;

	bgp_peer_get_stats(peer, &st);
	*p = (struct stats_peer){
		.addr = bgp_peer_config(peer)->addr,
		.state = (int)st.state,
		.uptime = st.state == BGP_ST_ESTABLISHED && st.established_at && now > st.established_at
				  ? now - st.established_at : 0,
		.established = st.established_count,
		.msgs_in = st.msgs_in[1] + st.msgs_in[2] + st.msgs_in[3] + st.msgs_in[4] + st.msgs_in[5],
		.msgs_out = st.msgs_out[1] + st.msgs_out[2] + st.msgs_out[3] + st.msgs_out[4] + st.msgs_out[5],
		.updates_in = st.msgs_in[BGP_MSG_UPDATE],
		.updates_out = st.msgs_out[BGP_MSG_UPDATE],
		.rejected = st.updates_rejected + st.treat_as_withdraw,
		.updates_reset = st.updates_rejected,
		.treat_as_withdraw = st.treat_as_withdraw,
		.malformed = st.evpn_malformed,
	};
	fabric_peer_routes(d, i, &p->received, &p->accepted, &p->sent);
}

/* ---- the families ---- */

#define C METRICS_COUNTER
#define G METRICS_GAUGE

static void fmt_ip4(char *buf, size_t len, uint32_t ip)
{
	inet_ntop(AF_INET, &ip, buf, (socklen_t)len);
}

/* Per port: the ports show stats lists, labelled with their name and (container ports) VNI. */
struct port_label {
	int slot;
	const char *name;
	char vni[12];
};

static size_t metrics_ports(const struct vtepd *d, struct port_label *pl)
{
	size_t n = 0;

	for (int s = 0; s < DP_N_SLOTS; s++) {
		const char *name = stats_port_name(d, s);

		if (!name)
			continue;
		pl[n].slot = s;
		pl[n].name = name;
		if (stats_port_is_container(s))
			snprintf(pl[n].vni, sizeof(pl[n].vni), "%u", d->ports[s].conf.vni);
		else
			pl[n].vni[0] = '\0';
		n++;
	}
	return n;
}

enum port_value { PV_RX_PKTS, PV_RX_BYTES, PV_TX_PKTS, PV_TX_BYTES, PV_DROPS, PV_LEARN_REFUSED, PV_LEARN_LIMIT, PV_MACS };

static uint64_t port_value(const struct vtepd *d, int s, enum port_value v)
{
	const struct dp_port_counters *pc = &d->counters->ports[s];

	switch (v) {
	case PV_RX_PKTS: return pc->rx_pkts;
	case PV_RX_BYTES: return pc->rx_bytes;
	case PV_TX_PKTS: return pc->tx_pkts;
	case PV_TX_BYTES: return pc->tx_bytes;
	case PV_DROPS: return stats_port_drops(pc);
	case PV_LEARN_REFUSED: return pc->learn_refused;
	case PV_LEARN_LIMIT: return stats_port_learn_limit(d, s);
	case PV_MACS: return stats_port_is_container(s) ? fdb_port_entries(d->fdb, (uint32_t)s) : 0;
	}
	return 0;
}

static void metrics_port_families(struct ctl_buf *b, const struct vtepd *d, const struct port_label *pl, size_t n)
{
	static const struct {
		const char *name;
		enum metrics_type type;
		enum port_value v;
		const char *help;
	} fams[] = {
		{ "vtepd_port_rx_packets_total", C, PV_RX_PKTS, "Frames received on the port." },
		{ "vtepd_port_rx_bytes_total", C, PV_RX_BYTES, "Bytes received on the port." },
		{ "vtepd_port_tx_packets_total", C, PV_TX_PKTS, "Frames sent on the port." },
		{ "vtepd_port_tx_bytes_total", C, PV_TX_BYTES, "Bytes sent on the port." },
		{ "vtepd_port_drops_total", C, PV_DROPS, "Frames the fast path dropped on the port, every reason." },
		{ "vtepd_port_learn_refused_total", C, PV_LEARN_REFUSED,
		  "Frames forwarded whose source MAC was not learned: pinned elsewhere." },
		{ "vtepd_port_learn_limit_total", C, PV_LEARN_LIMIT,
		  "New source MACs not learned: the port or its VNI at max_macs." },
		{ "vtepd_port_macs", G, PV_MACS, "MACs in the MAC table behind the port (container ports)." },
	};

	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		metrics_family(b, fams[f].name, fams[f].type, fams[f].help);
		for (size_t i = 0; i < n; i++)
			metrics_sample(b, fams[f].name, port_value(d, pl[i].slot, fams[f].v), "port", pl[i].name, "vni",
				       pl[i].vni[0] ? pl[i].vni : NULL, NULL);
	}
}

/* Drops by reason, summed over the ports show stats lists; every reason, zeros included. */
static void metrics_drops(struct ctl_buf *b, const struct vtepd *d, const struct port_label *pl, size_t n)
{
	uint64_t no_mbuf = 0, too_long = 0;

	metrics_family(b, "vtepd_drops_total", C, "Frames the fast path dropped, by reason (all ports).");
	for (int r = 1; r < DP_DROP_MAX; r++) {
		uint64_t sum = 0;

		for (size_t i = 0; i < n; i++)
			sum += d->counters->ports[pl[i].slot].drops[r];
		metrics_sample(b, "vtepd_drops_total", sum, "reason", dp_drop_name((enum dp_drop)r), NULL);
	}
	for (size_t i = 0; i < n; i++) {
		const struct dp_xsk *x = stats_port_xsk(d, pl[i].slot);

		if (x) {
			no_mbuf += dp_xsk_stats(x)->rx_no_mbuf;
			too_long += dp_xsk_stats(x)->rx_too_long;
		}
	}
	/* vtepd's own multi-buffer AF_XDP port drops before the fast path sees a frame */
	metrics_sample(b, "vtepd_drops_total", no_mbuf, "reason", "xsk_rx_no_mbuf", NULL);
	metrics_sample(b, "vtepd_drops_total", too_long, "reason", "xsk_rx_too_long", NULL);
}

static void metrics_vnis(struct ctl_buf *b, const struct vtepd *d)
{
	uint16_t idx[VTEP_MAX_VNIS];
	uint32_t vni[VTEP_MAX_VNIS];
	char vs[VTEP_MAX_VNIS][12];
	size_t n = stats_vnis(d, idx, vni);

	for (size_t i = 0; i < n; i++)
		snprintf(vs[i], sizeof(vs[i]), "%u", vni[i]);
	for (size_t c = 0; c < stats_n_vni_counters; c++) {
		const struct stats_counter *sc = &stats_vni_counters[c];

		metrics_family(b, sc->metric, C, sc->help);
		for (size_t i = 0; i < n; i++)
			metrics_sample(b, sc->metric, stats_counter_get(sc, &d->counters->vnis[idx[i]]), "vni", vs[i], NULL);
	}
	/* what show vnis adds: the L2 VNIs only */
	metrics_family(b, "vtepd_vni_macs", G, "MACs in the MAC table in the VNI, local and remote.");
	for (size_t i = 0; i < n; i++)
		if (idx[i] < d->n_vnis && d->vnis[idx[i]].vni == vni[i])
			metrics_sample(b, "vtepd_vni_macs", fdb_vni_entries(d->fdb, idx[i]), "vni", vs[i], NULL);
	metrics_family(b, "vtepd_vni_unknown_vtep_drops_total", C,
		       "Frames from the tunnel dropped: not from a known VTEP of the VNI (vtep_check).");
	for (size_t i = 0; i < n; i++)
		if (idx[i] < d->n_vnis && d->vnis[idx[i]].vni == vni[i])
			metrics_sample(b, "vtepd_vni_unknown_vtep_drops_total", d->counters->vnis[idx[i]].unknown_vtep,
				       "vni", vs[i], NULL);
	metrics_family(b, "vtepd_vni_learn_limit_total", C, "New MACs not learned: the VNI or their port at max_macs.");
	for (size_t i = 0; i < n; i++)
		if (idx[i] < d->n_vnis && d->vnis[idx[i]].vni == vni[i])
			metrics_sample(b, "vtepd_vni_learn_limit_total", stats_vni_learn_limit(d, idx[i]), "vni", vs[i],
				       NULL);
}

static void metrics_vteps(struct ctl_buf *b, const struct vtepd *d)
{
	static const struct {
		const char *name;
		enum metrics_type type;
		size_t off;             /* in dp_vtep_counters; SIZE_MAX: resolved */
		const char *help;
	} fams[] = {
		{ "vtepd_vtep_tx_packets_total", C, offsetof(struct dp_vtep_counters, tx_pkts),
		  "Frames encapsulated towards the remote VTEP." },
		{ "vtepd_vtep_tx_bytes_total", C, offsetof(struct dp_vtep_counters, tx_bytes),
		  "Bytes encapsulated towards the remote VTEP (inner frames)." },
		{ "vtepd_vtep_rx_packets_total", C, offsetof(struct dp_vtep_counters, rx_pkts),
		  "Frames decapsulated from the remote VTEP." },
		{ "vtepd_vtep_rx_bytes_total", C, offsetof(struct dp_vtep_counters, rx_bytes),
		  "Bytes decapsulated from the remote VTEP (inner frames)." },
		{ "vtepd_vtep_unresolved_drops_total", C, offsetof(struct dp_vtep_counters, unresolved_drops),
		  "Frames to the remote VTEP dropped: its outer next hop not resolved." },
		{ "vtepd_vtep_resolved", G, SIZE_MAX, "1 when the remote VTEP's outer next hop is resolved." },
	};
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		metrics_family(b, fams[f].name, fams[f].type, fams[f].help);
		for (unsigned i = 0; i < VTEP_MAX_VTEPS; i++) {
			const struct vtepd_vtep *v = &d->vteps[i];
			char ip[INET_ADDRSTRLEN];

			if (!v->ip)
				continue;
			fmt_ip4(ip, sizeof(ip), v->ip);
			metrics_sample(b, fams[f].name,
				       fams[f].off == SIZE_MAX ? (uint64_t)v->resolved
							       : *(const uint64_t *)((const char *)&d->counters->vteps[i] +
										     fams[f].off),
				       "vtep", ip, NULL);
		}
	}
}

static void metrics_vrfs(struct ctl_buf *b, const struct vtepd *d)
{
	for (size_t c = 0; c < stats_n_vrf_counters; c++) {
		const struct stats_counter *sc = &stats_vrf_counters[c];

		metrics_family(b, sc->metric, C, sc->help);
		for (uint16_t k = 0; k < d->n_vrfs; k++)
			if (d->vrfs[k].l3vni)
				metrics_sample(b, sc->metric, stats_counter_get(sc, &d->counters->vrfs[k]), "vrf",
					       d->cfg.vrfs[k].name, NULL);
	}
	metrics_family(b, "vtepd_vrf_host_routes_refused_total", C, "Local host routes not installed: the table full.");
	for (uint16_t k = 0; k < d->n_vrfs; k++)
		if (d->vrfs[k].l3vni)
			metrics_sample(b, "vtepd_vrf_host_routes_refused_total", d->vrfs[k].host_refused, "vrf",
				       d->cfg.vrfs[k].name, NULL);

	static const char *const fam[] = { "vtepd_vrf_routes", "vtepd_vrf_route_capacity",
					   "vtepd_vrf_routes_refused_full_total" };
	static const char *const help[] = { "Routes in the VRF's route table (the fast path's).",
					    "Routes the VRF's route table has room for.",
					    "Routes not installed: the VRF's route table full." };
	for (int f = 0; f < 3; f++) {
		metrics_family(b, fam[f], f == 2 ? C : G, help[f]);
		for (uint16_t k = 0; k < d->n_vrfs; k++) {
			struct dp_route_stats st;

			if (!d->vrfs[k].l3vni || !d->vrfs[k].table)
				continue;
			dp_route_get_stats(d->vrfs[k].table, &st);
			if (f == 2) {
				metrics_sample(b, fam[f], st.full, "vrf", d->cfg.vrfs[k].name, NULL);
				continue;
			}
			metrics_sample(b, fam[f], f == 0 ? st.v4_routes : st.v4_capacity, "vrf", d->cfg.vrfs[k].name,
				       "family", "ipv4", NULL);
			metrics_sample(b, fam[f], f == 0 ? st.v6_routes : st.v6_capacity, "vrf", d->cfg.vrfs[k].name,
				       "family", "ipv6", NULL);
		}
	}
}

enum peer_value { PE_UP, PE_UPTIME, PE_ESTABLISHED, PE_MSGS_IN, PE_MSGS_OUT, PE_UPD_IN, PE_UPD_OUT, PE_RECEIVED,
		  PE_ACCEPTED, PE_SENT, PE_REJECTED, PE_MALFORMED };

static uint64_t peer_value(const struct stats_peer *p, enum peer_value v)
{
	switch (v) {
	case PE_UP: return p->state == BGP_ST_ESTABLISHED;
	case PE_UPTIME: return p->uptime;
	case PE_ESTABLISHED: return p->established;
	case PE_MSGS_IN: return p->msgs_in;
	case PE_MSGS_OUT: return p->msgs_out;
	case PE_UPD_IN: return p->updates_in;
	case PE_UPD_OUT: return p->updates_out;
	case PE_RECEIVED: return p->received;
	case PE_ACCEPTED: return p->accepted;
	case PE_SENT: return p->sent;
	case PE_REJECTED: return p->rejected;
	case PE_MALFORMED: return p->malformed;
	}
	return 0;
}

static void metrics_bgp(struct ctl_buf *b, const struct vtepd *d)
{
	static const struct {
		const char *name;
		enum metrics_type type;
		enum peer_value v;
		const char *help;
	} fams[] = {
		{ "vtepd_bgp_peer_up", G, PE_UP, "1 when the BGP session is Established." },
		{ "vtepd_bgp_peer_uptime_seconds", G, PE_UPTIME, "Seconds the session has been Established (0 when not)." },
		{ "vtepd_bgp_peer_established_total", C, PE_ESTABLISHED, "Times the session came up." },
		{ "vtepd_bgp_peer_messages_received_total", C, PE_MSGS_IN, "BGP messages received from the peer." },
		{ "vtepd_bgp_peer_messages_sent_total", C, PE_MSGS_OUT, "BGP messages sent to the peer." },
		{ "vtepd_bgp_peer_updates_received_total", C, PE_UPD_IN, "UPDATE messages received from the peer." },
		{ "vtepd_bgp_peer_updates_sent_total", C, PE_UPD_OUT, "UPDATE messages sent to the peer." },
		{ "vtepd_bgp_peer_prefixes_received", G, PE_RECEIVED, "EVPN routes the peer has announced to us." },
		{ "vtepd_bgp_peer_prefixes_accepted", G, PE_ACCEPTED, "... of those, the ones imported (a VNI or VRF of ours)." },
		{ "vtepd_bgp_peer_prefixes_sent", G, PE_SENT, "EVPN routes announced to the peer." },
		{ "vtepd_bgp_peer_rejected_total", C, PE_REJECTED,
		  "UPDATEs that reset the session or were treated as withdrawn (RFC 7606)." },
		{ "vtepd_bgp_peer_malformed_routes_total", C, PE_MALFORMED, "Malformed EVPN routes treated as withdrawn." },
	};
	struct bgp *bgp = fabric_speaker(d);
	size_t n = bgp ? bgp_peer_count(bgp) : 0;
	uint64_t now = (uint64_t)time(NULL);
	/* each peer's numbers once: counting the routes sent walks our local routes */
	struct stats_peer *p = n ? calloc(n, sizeof(*p)) : NULL;
	char (*ip)[INET_ADDRSTRLEN] = n ? calloc(n, sizeof(*ip)) : NULL;

	if (n && (!p || !ip)) {
		free(p);
		free(ip);
		b->oom = true;          /* answered 500: better than a scrape without its peers */
		return;
	}
	for (size_t i = 0; i < n; i++) {
		stats_peer(d, i, now, &p[i]);
		fmt_ip4(ip[i], sizeof(ip[i]), p[i].addr);
	}
	metrics_family(b, "vtepd_bgp_peer_state", G, "The BGP session's state: 1 for the state it is in, 0 for the others.");
	for (size_t i = 0; i < n; i++)
		for (int st = BGP_ST_IDLE; st <= BGP_ST_ESTABLISHED; st++)
			metrics_sample(b, "vtepd_bgp_peer_state", p[i].state == st, "peer", ip[i], "state",
				       bgp_state_name((enum bgp_state)st), NULL);
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		metrics_family(b, fams[f].name, fams[f].type, fams[f].help);
		for (size_t i = 0; i < n; i++)
			metrics_sample(b, fams[f].name, peer_value(&p[i], fams[f].v), "peer", ip[i], NULL);
	}
	free(p);
	free(ip);
	metrics_family(b, "vtepd_bgp_unknown_connections_total", C,
		       "BGP connections refused: not from a neighbour's address.");
	metrics_sample(b, "vtepd_bgp_unknown_connections_total", bgp ? bgp_unknown_accepts(bgp) : 0, NULL);
}

/* One family of a single sample without labels. */
static void metrics_one(struct ctl_buf *b, const char *name, enum metrics_type type, const char *help, uint64_t v)
{
	metrics_family(b, name, type, help);
	metrics_sample(b, name, v, NULL);
}

static void metrics_fastpath(struct ctl_buf *b, const struct vtepd *d)
{
	const struct dp_worker_counters *wc = &d->counters->worker;

	metrics_one(b, "vtepd_fastpath_loops_total", C, "Poll rounds of the fast-path lcore.", wc->loops);
	metrics_one(b, "vtepd_fastpath_idle_sleeps_total", C, "Times the idle fast path slept.", wc->idle_sleeps);
	metrics_one(b, "vtepd_fastpath_busy_cycles_total", C, "TSC cycles of the polls that moved packets.",
		    wc->busy_cycles);
	metrics_one(b, "vtepd_fastpath_busy_packets_total", C, "Packets of the polls that moved packets.", wc->busy_pkts);
	metrics_one(b, "vtepd_fastpath_io_cycles_total", C,
		    "Of the busy cycles, those spent in the ports' receive and transmit.", wc->io_cycles);
	metrics_one(b, "vtepd_fastpath_learn_posted_total", C, "MAC learn requests posted to the control thread.",
		    wc->learn_posted);
	metrics_one(b, "vtepd_fastpath_learn_ring_full_total", C, "MAC learn requests lost: the learn ring full.",
		    wc->learn_ring_full);
	metrics_one(b, "vtepd_mbufs_free", G, "Packet buffers free in the pool.", rte_mempool_avail_count(d->pool));
	metrics_one(b, "vtepd_mbufs_capacity", G, "Packet buffers in the pool.", d->pool->size);
	for (size_t c = 0; c < stats_n_mtu_counters; c++)
		metrics_one(b, stats_mtu_counters[c].metric, C, stats_mtu_counters[c].help,
			    stats_counter_get(&stats_mtu_counters[c], &d->counters->mtu));
}

static void metrics_fdb(struct ctl_buf *b, const struct vtepd *d)
{
	struct fdb_stats fs;
	uint64_t refused, limit;

	fdb_get_stats(d->fdb, &fs);
	stats_fdb_sums(d, &refused, &limit);
	metrics_one(b, "vtepd_fdb_entries", G, "MACs in the MAC table.", fs.entries);
	metrics_one(b, "vtepd_fdb_capacity", G, "MACs the MAC table has room for.", fs.capacity);
	metrics_one(b, "vtepd_fdb_learned_total", C, "New dynamic MACs learned.", fs.learned);
	metrics_one(b, "vtepd_fdb_moves_total", C, "MACs whose destination changed.", fs.moves);
	metrics_one(b, "vtepd_fdb_static_conflicts_total", C, "Learn attempts against a static MAC.", fs.static_conflicts);
	metrics_one(b, "vtepd_fdb_move_refused_total", C, "Learn attempts that would move a pinned MAC.", refused);
	metrics_one(b, "vtepd_fdb_learn_limit_total", C, "New MACs not learned for max_macs.", limit);
	metrics_one(b, "vtepd_fdb_full_total", C, "MACs not added: the table full.", fs.full);
	metrics_one(b, "vtepd_fdb_aged_total", C, "MACs removed by aging.", fs.aged);
	metrics_one(b, "vtepd_fdb_memory_bytes", G, "Memory the MAC table holds.", fdb_memory_bytes(d->fdb));
}

static void metrics_control(struct ctl_buf *b, struct vtepd *d)
{
	static const struct stats_counter ctl[] = {
		STATS_C(vtepd_stats, learn_events, "learn_events", "vtepd_learn_events_total",
			"Learn requests the control thread took from the ring."),
		STATS_C(vtepd_stats, learn_ignored, "learn_ignored", "vtepd_learn_ignored_total",
			"Learn requests ignored (stale or for a port gone)."),
		STATS_C(vtepd_stats, learn_errors, "learn_errors", "vtepd_learn_errors_total", "Learn requests that failed."),
		STATS_C(vtepd_stats, vtep_table_full, "vtep_table_full", "vtepd_vtep_table_full_total",
			"Remote VTEPs not added: the table full."),
		STATS_C(vtepd_stats, arp_table_full, "arp_table_full", "vtepd_arp_table_full_total",
			"Remote MAC+IP bindings not installed: the ARP suppression table full."),
		STATS_C(vtepd_stats, neigh_learned, "neighbors_learned", "vtepd_neighbors_learned_total",
			"Learned IP bindings added."),
		STATS_C(vtepd_stats, neigh_aged, "neighbors_aged", "vtepd_neighbors_aged_total", "Learned IP bindings aged."),
		STATS_C(vtepd_stats, neigh_gone, "neighbors_gone", "vtepd_neighbors_gone_total",
			"Learned IP bindings removed with their MAC."),
		STATS_C(vtepd_stats, neigh_refused, "neighbors_refused", "vtepd_neighbors_refused_total",
			"IP bindings not learned."),
		STATS_C(vtepd_stats, nl_events, "netlink_events", "vtepd_netlink_events_total", "Netlink messages read."),
		STATS_C(vtepd_stats, nl_errors, "netlink_errors", "vtepd_netlink_errors_total",
			"Failed reads of the netlink monitor."),
		STATS_C(vtepd_stats, resolutions, "resolutions", "vtepd_resolutions_total",
			"Outer next-hop resolutions of remote VTEPs."),
		STATS_C(vtepd_stats, vteps_aged, "vteps_aged", "vtepd_vteps_aged_total", "Learned remote VTEPs aged."),
		STATS_C(vtepd_stats, publishes, "snapshots_published", "vtepd_snapshots_published_total",
			"Snapshots published to the fast path."),
	};
	uint64_t to_vtepd, to_kernel;

	for (size_t c = 0; c < sizeof(ctl) / sizeof(ctl[0]); c++)
		metrics_one(b, ctl[c].metric, C, ctl[c].help, stats_counter_get(&ctl[c], &d->stats));
	if (stats_xdp(d, &to_vtepd, &to_kernel) == 0) {
		metrics_family(b, "vtepd_underlay_xdp_packets_total", C,
			       "Packets the underlay's XDP filters handed to vtepd or to the kernel.");
		metrics_sample(b, "vtepd_underlay_xdp_packets_total", to_vtepd, "to", "vtepd", NULL);
		metrics_sample(b, "vtepd_underlay_xdp_packets_total", to_kernel, "to", "kernel", NULL);
	}
	if (d->metrics) {
		struct metrics_server_stats ms;

		metrics_server_get_stats(d->metrics, &ms);
		metrics_one(b, "vtepd_metrics_scrapes_total", C, "Scrapes of this endpoint (this one included).",
			    ms.scrapes);
	}
}

void stats_metrics_collect(struct ctl_buf *b, void *ctx)
{
	struct vtepd *d = ctx;
	static struct port_label pl[DP_N_SLOTS];        /* control thread only */
	size_t n = metrics_ports(d, pl);

	metrics_family(b, "vtepd_build_info", G, "vtepd's version; the value is always 1.");
	metrics_sample(b, "vtepd_build_info", 1, "version", VTEPD_VERSION, NULL);
	metrics_port_families(b, d, pl, n);
	metrics_drops(b, d, pl, n);
	metrics_vnis(b, d);
	metrics_vteps(b, d);
	metrics_vrfs(b, d);
	metrics_bgp(b, d);
	metrics_fastpath(b, d);
	metrics_fdb(b, d);
	metrics_control(b, d);
}

/* ---- the endpoint ---- */
int vtepd_metrics_start(struct vtepd *d)
{
	struct metrics_config mc = { .ip6 = d->cfg.metrics_ip6, .port = d->cfg.metrics_port };
	char err[256] = "";
	int rc;

	if (!d->cfg.metrics_on)
		return 0;
	memcpy(mc.ip, d->cfg.metrics_ip, sizeof(mc.ip));
	rc = metrics_server_open(&mc, stats_metrics_collect, d, &d->metrics, err, sizeof(err));
	if (rc)
		vlog(VLOG_ERR, "metrics: %s", err[0] ? err : strerror(rc));
	return rc;
}

void vtepd_metrics_serve(struct vtepd *d)
{
	metrics_server_run(d->metrics);
}

void vtepd_metrics_tick(struct vtepd *d)
{
	metrics_server_run(d->metrics);
}

void vtepd_metrics_stop(struct vtepd *d)
{
	metrics_server_close(d->metrics);
	d->metrics = NULL;
}
