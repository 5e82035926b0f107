/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fastpath.c: the poll-mode worker. Per burst: parse, one bulk FDB lookup for every source
 * and destination MAC, then switch, encapsulate or flood each packet, buffering transmits
 * per output port and flushing once per poll. Frames to the anycast gateway's MAC are routed
 * in their VNI's VRF (one bulk route lookup per burst and family, then dp_route_one), to a
 * local host or, by symmetric IRB, into the VRF's L3 VNI towards a remote leaf; frames that
 * arrive on an L3 VNI are routed to local hosts only (dp_l3vni_route). No
 * locks, no allocation beyond mbufs, no syscalls but the PMDs' own per-burst ones, no
 * logging: everything is a counter.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring_elem.h>

#include "arp.h"
#include "fastpath.h"
#include "fdb.h"
#include "gateway.h"
#include "icmp.h"
#include "l3.h"
#include "reasm.h"
#include "route.h"
#include "trace.h"
#include "vxlan.h"
#include "xsk.h"

static const char *const dp_drop_names[DP_DROP_MAX] = {
	[DP_DROP_TRUNCATED] = "truncated",
	[DP_DROP_NOT_IPV4] = "not_ipv4",
	[DP_DROP_BAD_IP_HEADER] = "bad_ip_header",
	[DP_DROP_NOT_LOCAL] = "not_local",
	[DP_DROP_OUTER_FRAGMENT] = "outer_fragment",
	[DP_DROP_NOT_UDP] = "not_udp",
	[DP_DROP_WRONG_PORT] = "wrong_port",
	[DP_DROP_BAD_UDP_LENGTH] = "bad_udp_length",
	[DP_DROP_BAD_VXLAN_FLAGS] = "bad_vxlan_flags",
	[DP_DROP_INNER_TRUNCATED] = "inner_truncated",
	[DP_DROP_UNKNOWN_VNI] = "unknown_vni",
	[DP_DROP_BAD_SRC_MAC] = "bad_src_mac",
	[DP_DROP_REMOTE_TO_REMOTE] = "remote_to_remote",
	[DP_DROP_HAIRPIN] = "hairpin",
	[DP_DROP_RUNT] = "runt",
	[DP_DROP_NO_VNI] = "no_vni",
	[DP_DROP_VTEP_UNRESOLVED] = "vtep_unresolved",
	[DP_DROP_TOO_BIG] = "too_big",
	[DP_DROP_FRAG_NEEDED] = "frag_needed",
	[DP_DROP_NO_HEADROOM] = "no_headroom",
	[DP_DROP_NO_MBUF] = "no_mbuf",
	[DP_DROP_MULTISEG] = "multiseg",
	[DP_DROP_TX_FULL] = "tx_full",
	[DP_DROP_NO_DEST] = "no_dest",
	[DP_DROP_UNKNOWN_VTEP] = "unknown_vtep",
	[DP_DROP_TO_GATEWAY_UNROUTED] = "to_gateway_unrouted",
	[DP_DROP_TO_GATEWAY_OTHER] = "to_gateway_other",
	[DP_DROP_GATEWAY_FRAGMENT] = "gateway_fragment",
	[DP_DROP_GATEWAY_MALFORMED] = "gateway_malformed",
	[DP_DROP_GATEWAY_CONFLICT] = "gateway_conflict",
	[DP_DROP_NO_ROUTE] = "no_route",
	[DP_DROP_TTL_EXPIRED] = "ttl_expired",
	[DP_DROP_GLEAN] = "glean",
	[DP_DROP_ROUTE_NO_L3VNI] = "route_no_l3vni",
	[DP_DROP_ROUTE_NO_VTEP] = "route_no_vtep",
	[DP_DROP_L3VNI_NOT_ROUTER_MAC] = "l3vni_not_router_mac",
	[DP_DROP_L3VNI_MALFORMED] = "l3vni_malformed",
	[DP_DROP_L3VNI_TO_GATEWAY] = "l3vni_to_gateway",
};

_Static_assert((int)DP_DROP_TRUNCATED == (int)VXLAN_ERR_TRUNCATED &&
	       (int)DP_DROP_INNER_TRUNCATED == (int)VXLAN_ERR_INNER_TRUNCATED,
	       "dp_drop must mirror vxlan_parse_result");

const char *dp_drop_name(enum dp_drop d)
{
	return (d > 0 && d < DP_DROP_MAX) ? dp_drop_names[d] : "unknown";
}

uint64_t dp_clock_sec(void)
{
	return rte_get_tsc_cycles() / rte_get_tsc_hz();
}

/* Transmit-buffer callback: the PMD refused these; undo their tx count and drop them. */
static void dp_tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	struct dp_port_counters *pc = userdata;

	for (uint16_t i = 0; i < unsent; i++) {
		pc->tx_pkts--;
		pc->tx_bytes -= rte_pktmbuf_pkt_len(pkts[i]);
		pc->drops[DP_DROP_TX_FULL]++;
		rte_pktmbuf_free(pkts[i]);
	}
}

int dp_worker_init(struct dp_worker *w)
{
	for (unsigned i = 0; i < DP_N_SLOTS; i++) {
		w->txb[i] = rte_zmalloc("vtep_txb", RTE_ETH_TX_BUFFER_SIZE(DP_BURST), RTE_CACHE_LINE_SIZE);
		if (!w->txb[i]) {
			dp_worker_fini(w);
			return ENOMEM;
		}
		w->txb[i]->size = DP_BURST;
	}
	w->trace = rte_zmalloc("vtep_trace", sizeof(*w->trace), RTE_CACHE_LINE_SIZE);
	if (!w->trace) {
		dp_worker_fini(w);
		return ENOMEM;
	}
	w->n_dirty = 0;
	w->from_vtep = DP_NO_ID;
	return 0;
}

void dp_worker_fini(struct dp_worker *w)
{
	for (unsigned i = 0; i < DP_N_SLOTS; i++) {
		rte_free(w->txb[i]);
		w->txb[i] = NULL;
	}
	rte_free(w->trace);
	w->trace = NULL;
}

static inline void dp_drop(struct dp_worker *w, uint16_t slot, enum dp_drop why, struct rte_mbuf *m)
{
	w->counters->ports[slot].drops[why]++;
	rte_pktmbuf_free(m);
}

static void dp_tx_flush(struct dp_worker *w, const struct dp_topology *t, uint16_t slot);

/*
 * Queue m on slot's transmit buffer; a full buffer goes out at once, the rest at the end
 * of the poll (dp_flush).
 */
static inline void dp_send(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, struct rte_mbuf *m)
{
	struct rte_eth_dev_tx_buffer *b = w->txb[slot];
	struct dp_port_counters *pc = &w->counters->ports[slot];

	if (unlikely(t->port_dpdk[slot] == DP_NO_ID)) {
		dp_drop(w, slot, DP_DROP_NO_DEST, m);
		return;
	}
	pc->tx_pkts++;
	pc->tx_bytes += rte_pktmbuf_pkt_len(m);
	if (b->length == 0)
		w->dirty[w->n_dirty++] = slot;
	b->pkts[b->length++] = m;
	if (b->length == b->size)
		dp_tx_flush(w, t, slot);
}

/*
 * Hand what slot's buffer holds to its port (a DPDK port or one of our AF_XDP sockets);
 * what the port refuses is a counted tx_full drop. The port's own cycles are counted apart
 * from ours (io_cycles).
 */
static void dp_tx_flush(struct dp_worker *w, const struct dp_topology *t, uint16_t slot)
{
	struct rte_eth_dev_tx_buffer *b = w->txb[slot];
	uint64_t t0 = rte_rdtsc();
	uint16_t sent;

	if (t->port_dpdk[slot] == DP_XSK_PORT)
		sent = dp_xsk_tx(t->port_xsk[slot], b->pkts, b->length);
	else
		sent = rte_eth_tx_burst(t->port_dpdk[slot], 0, b->pkts, b->length);
	w->loop_io_cycles += rte_rdtsc() - t0;
	if (sent < b->length)
		dp_tx_unsent(b->pkts + sent, (uint16_t)(b->length - sent), &w->counters->ports[slot]);
	b->length = 0;
}

static void dp_flush(struct dp_worker *w, const struct dp_topology *t)
{
	for (uint16_t i = 0; i < w->n_dirty; i++) {
		uint16_t slot = w->dirty[i];

		if (w->txb[slot]->length)
			dp_tx_flush(w, t, slot);
	}
	w->n_dirty = 0;
}

/*
 * The MTU policy. A frame too big for its way out (the tunnel of its VNI, or a container
 * port) is never dropped silently:
 *  - IPv4 with DF clear is fragmented to fit, each piece sent on its way;
 *  - IPv4 with DF set, and IPv6, get an ICMP "fragmentation needed" / "packet too big"
 *    with the MTU of the way out, sent back to the container it came from (rate-limited),
 *    and the frame is counted as frag_needed (from the tunnel there is no one to tell:
 *    too_big);
 *  - anything else is counted as too_big.
 */
static inline uint16_t dp_l2_len(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	return eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) ? RTE_ETHER_HDR_LEN + 4 : RTE_ETHER_HDR_LEN;
}

static inline void dp_encap_send(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot,
				 uint16_t vni_idx, uint16_t vt, uint16_t sport, struct rte_mbuf *m);

/*
 * Answer m with the ICMP error of its kind; m stays the caller's. From a container port the
 * error goes back out of it; from the tunnel, back through the tunnel to the VTEP m came
 * from (w->from_vtep), so that a sender behind another leaf learns the path MTU too.
 */
static void dp_icmp_answer(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot, int kind,
			   uint16_t mtu, const struct rte_mbuf *m)
{
	struct dp_mtu_counters *mc = &w->counters->mtu;
	struct rte_mbuf *r;

	if (!dp_rate_limit_take(&w->icmp_rate, w->now_tsc, rte_get_tsc_hz(), DP_ICMP_RATE_PER_SEC,
				DP_ICMP_RATE_BURST)) {
		mc->icmp_rate_limited++;
		return;
	}
	r = dp_mtu_icmp(m, kind, mtu, w->pool);
	if (!r) {
		mc->icmp_not_allowed++;
		return;
	}
	if (kind == ICMP_KIND_IPV4_DF)
		mc->icmp4_sent++;
	else
		mc->icmp6_sent++;
	if (!dp_slot_is_uplink(in_slot))
		dp_send(w, t, in_slot, r);
	else
		dp_encap_send(w, t, in_slot, w->from_vni, w->from_vtep,
			      vxlan_src_port(rte_pktmbuf_mtod(r, const uint8_t *), rte_pktmbuf_data_len(r)), r);
}

/*
 * m (from in_slot) is too big for an IP MTU of mtu. Returns how many pieces of it are in
 * out[] to send on (m was IPv4 with DF clear), or 0 when m was answered or dropped.
 */
static unsigned dp_shrink(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot, uint16_t mtu,
			  struct rte_mbuf *m, struct rte_mbuf **out)
{
	int kind = icmp_frame_kind(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m));
	unsigned n;
	int rc;

	if (kind == ICMP_KIND_IPV4) {
		rc = dp_mtu_fragment(m, mtu, w->pool, out, DP_MTU_MAX_FRAGS, &n);
		if (!rc) {
			w->counters->mtu.fragmented++;
			w->counters->mtu.fragments += n;
			rte_pktmbuf_free(m);
			return n;
		}
		dp_drop(w, in_slot, rc == ENOMEM ? DP_DROP_NO_MBUF : DP_DROP_TOO_BIG, m);
		return 0;
	}
	if ((kind == ICMP_KIND_IPV4_DF || kind == ICMP_KIND_IPV6) &&
	    (!dp_slot_is_uplink(in_slot) || w->from_vtep < VTEP_MAX_VTEPS)) {
		dp_icmp_answer(w, t, in_slot, kind, mtu, m);
		dp_drop(w, in_slot, DP_DROP_FRAG_NEEDED, m);
		return 0;
	}
	dp_drop(w, in_slot, DP_DROP_TOO_BIG, m);
	return 0;
}

/* Send m out of container port slot, within the port's MTU. */
static inline void dp_send_port(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot, uint16_t slot,
				struct rte_mbuf *m)
{
	uint16_t mtu = t->port_mtu[slot];

	if (unlikely(mtu && rte_pktmbuf_pkt_len(m) > (uint32_t)mtu + dp_l2_len(m))) {
		struct rte_mbuf *out[DP_MTU_MAX_FRAGS];
		unsigned n = dp_shrink(w, t, in_slot, mtu, m, out);

		for (unsigned i = 0; i < n; i++)
			dp_send(w, t, slot, out[i]);
		return;
	}
	dp_send(w, t, slot, m);
}

static void dp_encap_too_big(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot, uint16_t vni_idx,
			     uint16_t vt, const struct dp_nexthop *nh, uint16_t sport, struct rte_mbuf *m);

/* Put the outer header towards next hop nh on m (an inner frame) and count it; false when m was dropped. */
static inline bool dp_encap_write(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot,
				  uint16_t vni_idx, uint16_t vt, const struct dp_nexthop *nh, uint16_t sport,
				  struct rte_mbuf *m)
{
	struct dp_vtep_counters *vc = &w->counters->vteps[vt];
	uint32_t inner_len = rte_pktmbuf_pkt_len(m);
	uint8_t *hdr = (uint8_t *)rte_pktmbuf_prepend(m, VXLAN_OUTER_LEN);

	if (unlikely(!hdr)) {
		dp_drop(w, in_slot, DP_DROP_NO_HEADROOM, m);
		return false;
	}
	vxlan_encap_write(hdr, &nh->tmpl, t->vnis[vni_idx].vni, (uint16_t)inner_len, sport, w->ip_id++);
	vc->tx_pkts++;
	vc->tx_bytes += inner_len + VXLAN_OUTER_LEN;
	w->counters->vnis[vni_idx].encap_pkts++;
	w->counters->vnis[vni_idx].encap_bytes += inner_len;
	return true;
}

/*
 * Encapsulate m (an inner frame) towards VTEP vt and queue it on the uplink of its next hop:
 * one of the VTEP's equal-cost next hops, chosen by the flow hash (sport).
 */
static inline void dp_encap_send(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot,
				 uint16_t vni_idx, uint16_t vt, uint16_t sport, struct rte_mbuf *m)
{
	const struct dp_vtep *v = &t->vteps[vt];
	const struct dp_nexthop *nh;

	if (unlikely(v->n_nh == 0)) {
		w->counters->vteps[vt].unresolved_drops++;
		dp_drop(w, in_slot, DP_DROP_VTEP_UNRESOLVED, m);
		return;
	}
	nh = dp_vtep_nexthop(v, sport);
	if (unlikely(rte_pktmbuf_pkt_len(m) > t->vnis[vni_idx].encap_frame_max)) {
		dp_encap_too_big(w, t, in_slot, vni_idx, vt, nh, sport, m);
		return;
	}
	if (likely(dp_encap_write(w, t, in_slot, vni_idx, vt, nh, sport, m)))
		dp_send(w, t, nh->slot, m);
}

/*
 * m does not fit the tunnel whole. Within the VNI's MTU but over the underlay's (only with
 * outer fragmentation on): encapsulate, then fragment the VXLAN packet. Otherwise the MTU
 * policy, then each piece is encapsulated.
 */
static void dp_encap_too_big(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot, uint16_t vni_idx,
			     uint16_t vt, const struct dp_nexthop *nh, uint16_t sport, struct rte_mbuf *m)
{
	const struct dp_vni *v = &t->vnis[vni_idx];
	uint32_t inner_len = rte_pktmbuf_pkt_len(m);
	struct rte_mbuf *out[DP_MTU_MAX_FRAGS];
	unsigned n;
	int rc;

	if (!v->outer_frag || inner_len > (uint32_t)v->ip_mtu + dp_l2_len(m)) {
		unsigned pieces = dp_shrink(w, t, in_slot, v->tunnel_mtu, m, out);

		for (unsigned i = 0; i < pieces; i++)
			dp_encap_send(w, t, in_slot, vni_idx, vt, sport, out[i]);
		return;
	}
	/* outer fragmentation: one VXLAN packet, then its fragments on the underlay */
	if (!dp_encap_write(w, t, in_slot, vni_idx, vt, nh, sport, m))
		return;
	rc = dp_mtu_fragment(m, t->underlay_mtu, w->pool, out, DP_MTU_MAX_FRAGS, &n);
	if (rc) {
		dp_drop(w, in_slot, rc == ENOMEM ? DP_DROP_NO_MBUF : DP_DROP_TOO_BIG, m);
		return;
	}
	rte_pktmbuf_free(m);
	w->counters->mtu.outer_fragmented++;
	for (unsigned i = 0; i < n; i++)
		dp_send(w, t, nh->slot, out[i]);
}

/*
 * Flood m within its VNI: every local port but in_slot, and (from a local port only) every
 * VTEP of the flood list by head-end replication. The last copy is m itself.
 */
static void dp_flood(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot, uint16_t vni_idx,
		     struct rte_mbuf *m)
{
	const struct dp_vni *v = &t->vnis[vni_idx];
	bool from_tunnel = dp_slot_is_uplink(in_slot);
	unsigned n_local = v->n_ports - (from_tunnel ? 0 : 1);
	unsigned n_remote = from_tunnel ? 0 : v->n_flood;
	unsigned total, done = 0;
	uint16_t sport = 0;

	/*
	 * Too big for the tunnel (and no outer fragmentation): split it once and flood the
	 * pieces, or answer once and flood it to the local ports only.
	 */
	if (n_remote && unlikely(rte_pktmbuf_pkt_len(m) > v->encap_frame_max) && !v->outer_frag) {
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
		int kind = icmp_frame_kind(f, rte_pktmbuf_data_len(m));

		if (kind == ICMP_KIND_IPV4) {
			struct rte_mbuf *out[DP_MTU_MAX_FRAGS];
			unsigned pieces = dp_shrink(w, t, in_slot, v->tunnel_mtu, m, out);

			for (unsigned i = 0; i < pieces; i++)
				dp_flood(w, t, in_slot, vni_idx, out[i]);
			return;
		}
		if (kind == ICMP_KIND_IPV4_DF || kind == ICMP_KIND_IPV6)
			dp_icmp_answer(w, t, in_slot, kind, v->tunnel_mtu, m);
		n_remote = 0;
		if (n_local == 0) {
			dp_drop(w, in_slot, kind == ICMP_KIND_OTHER ? DP_DROP_TOO_BIG : DP_DROP_FRAG_NEEDED, m);
			return;
		}
		/* the tunnel's share is dropped, the local ports still get theirs */
		w->counters->ports[in_slot].drops[kind == ICMP_KIND_OTHER ? DP_DROP_TOO_BIG : DP_DROP_FRAG_NEEDED]++;
	}
	total = n_local + n_remote;
	if (total == 0) {
		dp_drop(w, in_slot, DP_DROP_NO_DEST, m);
		return;
	}
	w->counters->vnis[vni_idx].flooded++;
	if (n_remote)
		sport = vxlan_src_port(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m));
	for (unsigned i = 0; i < v->n_ports; i++) {
		uint16_t slot = v->ports[i];
		struct rte_mbuf *c;

		if (slot == in_slot)
			continue;
		if (++done == total) {
			dp_send_port(w, t, in_slot, slot, m);
			return;
		}
		c = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);
		if (unlikely(!c)) {
			w->counters->ports[in_slot].drops[DP_DROP_NO_MBUF]++;
			continue;
		}
		dp_send_port(w, t, in_slot, slot, c);
	}
	for (unsigned i = 0; i < n_remote; i++) {
		struct rte_mbuf *c;

		if (++done == total) {
			dp_encap_send(w, t, in_slot, vni_idx, v->flood[i], sport, m);
			return;
		}
		c = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);
		if (unlikely(!c)) {
			w->counters->ports[in_slot].drops[DP_DROP_NO_MBUF]++;
			continue;
		}
		dp_encap_send(w, t, in_slot, vni_idx, v->flood[i], sport, c);
	}
}

/*
 * A chained mbuf (a PMD with scatter, memif, a jumbo frame in small buffers) is made one
 * segment before anything reads its headers: in place when its first buffer has the room,
 * else copied into one of the worker's mbufs, which are sized for the underlay's MTU.
 * Returns the single-segment packet, or NULL when it was counted as a multiseg drop.
 */
static struct rte_mbuf *dp_linearize(struct dp_worker *w, uint16_t slot, struct rte_mbuf *m)
{
	struct rte_mbuf *c;

	if (rte_pktmbuf_linearize(m) == 0)
		return m;
	c = rte_pktmbuf_alloc(w->pool);
	if (c && rte_pktmbuf_tailroom(c) >= rte_pktmbuf_pkt_len(m)) {
		uint32_t len = rte_pktmbuf_pkt_len(m);
		char *dst = rte_pktmbuf_append(c, (uint16_t)len);
		const void *src = rte_pktmbuf_read(m, 0, len, dst);

		if (src != dst)
			memcpy(dst, src, len);
		rte_pktmbuf_free(m);
		return c;
	}
	rte_pktmbuf_free(c);
	dp_drop(w, slot, DP_DROP_MULTISEG, m);
	return NULL;
}

static inline bool dp_mac_is_bad_src(const struct rte_ether_addr *a)
{
	return rte_is_multicast_ether_addr(a) || rte_is_zero_ether_addr(a);
}

/*
 * Learning: post (key, dest) unless the entry already says so. A small direct-mapped
 * filter keeps a flow whose MAC is not yet installed from posting once per packet.
 * Not posted, and counted on the port the frame came in on (the frame itself is forwarded
 * all the same):
 *  - a MAC pinned elsewhere (static, or another container port's own MAC): learn_refused.
 *    A frame from the tunnel or from another port never takes a local container's MAC;
 *  - a new MAC while its VNI or its port is at max_macs (the snapshot's learn_full flags,
 *    which the control thread sets from its counts): learn_limit. The frame is still
 *    switched or flooded as unknown unicast: dropping it would cut off a container that
 *    merely has more MACs than its limit, and the limit's purpose, that one container or
 *    tenant cannot fill the MAC table (nor the learn ring) for every other, holds without it.
 */
struct dp_learn_batch {
	unsigned n;
	uint16_t slot;                            /* where the frames came in */
	const struct dp_topology *t;
	uint64_t *hits;                           /* the MAC table's seen bits */
	struct dp_learn_event ev[2 * DP_BURST];   /* a MAC and an ARP-learned address per packet */
};

#define DP_LEARN_FILTER 1024
static RTE_DEFINE_PER_LCORE(uint64_t, dp_learn_filter_key[DP_LEARN_FILTER]);
static RTE_DEFINE_PER_LCORE(uint64_t, dp_learn_filter_stamp[DP_LEARN_FILTER]);

/*
 * The filter that keeps a burst of frames from one MAC (or its ARP, its neighbour discovery)
 * from posting one learn event each: true when tag was posted in the last 50 ms or so.
 */
static inline bool dp_learn_seen(uint64_t tag)
{
	unsigned slot = (unsigned)(dp_id_hash((uint32_t)tag ^ (uint32_t)(tag >> 32)) & (DP_LEARN_FILTER - 1));
	uint64_t stamp = rte_rdtsc() >> 20;     /* about a millisecond per unit at 1-3 GHz */

	if (RTE_PER_LCORE(dp_learn_filter_key)[slot] == tag && stamp - RTE_PER_LCORE(dp_learn_filter_stamp)[slot] < 50)
		return true;
	RTE_PER_LCORE(dp_learn_filter_key)[slot] = tag;
	RTE_PER_LCORE(dp_learn_filter_stamp)[slot] = stamp;
	return false;
}

static inline void dp_learn(struct dp_worker *w, struct dp_learn_batch *b, const struct fdb_ref *r, uint64_t key,
			    uint32_t dest, uint32_t vtep_ip)
{
	uint64_t tag = key ^ ((uint64_t)dest << 16) ^ vtep_ip;

	if (r && r->idx != FDB_REF_NONE) {
		if (likely(r->dest == dest)) {
			fdb_hit_mark(b->hits, r->idx);
			return;
		}
		if (fdb_flags_at(w->fdb, r->idx) & FDB_F_PINNED) {
			w->counters->ports[b->slot].learn_refused++;
			return;
		}
	} else if (r) {
		uint16_t vi = fdb_key_vni_idx(key);

		if (unlikely(b->t->vnis[vi].learn_full ||
			     (!fdb_dest_is_vtep(dest) && b->t->port_learn_full[fdb_dest_id(dest)]))) {
			w->counters->ports[b->slot].learn_limit++;
			w->counters->vnis[vi].learn_limit++;
			return;
		}
	}
	if (dp_learn_seen(tag))
		return;
	b->ev[b->n++] = (struct dp_learn_event){ .key = key, .dest = dest, .vtep_ip = vtep_ip };
}

/* A container's (MAC in key, at slot) IPv6 address a6, from its neighbour discovery. */
static inline void dp_learn_ip6(struct dp_learn_batch *b, uint64_t key, uint16_t slot, const uint8_t a6[16])
{
	uint32_t w[4];
	uint64_t tag;

	memcpy(w, a6, 16);
	tag = key ^ ((uint64_t)(DP_LEARN_IP6 | slot) << 16) ^ ((uint64_t)(w[0] ^ w[1]) << 32) ^ (w[2] ^ w[3]);
	if (dp_learn_seen(tag))
		return;
	b->ev[b->n] = (struct dp_learn_event){ .key = key, .dest = DP_LEARN_IP6 | slot };
	memcpy(b->ev[b->n].ip6, a6, 16);
	b->n++;
}

static void dp_learn_flush(struct dp_worker *w, struct dp_learn_batch *b)
{
	unsigned sent;

	if (!b->n)
		return;
	sent = rte_ring_enqueue_burst_elem(w->learn_ring, b->ev, sizeof(b->ev[0]), b->n, NULL);
	w->counters->worker.learn_posted += sent;
	w->counters->worker.learn_ring_full += b->n - sent;
	b->n = 0;
}

/*
 * The MACs of a burst, looked up in one bulk call. A packet whose source (destination) MAC
 * is the previous packet's shares its lookup: bursts are mostly runs of one flow, so this
 * usually leaves two keys for a whole burst. keys[] holds the distinct keys, src[j] and
 * dst[j] index packet j's among them.
 */
struct dp_burst_keys {
	uint16_t k;                         /* packets */
	uint16_t n_keys;                    /* distinct keys */
	uint8_t src[DP_BURST], dst[DP_BURST];
	uint64_t keys[2 * DP_BURST];
	struct fdb_ref refs[2 * DP_BURST];
};

static inline uint8_t dp_keys_ref(struct dp_burst_keys *b, uint64_t key, const uint8_t *prev_ref)
{
	if (b->k && b->keys[prev_ref[b->k - 1]] == key)
		return prev_ref[b->k - 1];
	b->keys[b->n_keys] = key;
	return (uint8_t)b->n_keys++;
}

static inline void dp_keys_add(struct dp_burst_keys *b, uint16_t vni_idx, const struct rte_ether_hdr *eth)
{
	b->src[b->k] = dp_keys_ref(b, fdb_key(vni_idx, eth->src_addr.addr_bytes), b->src);
	b->dst[b->k] = dp_keys_ref(b, fdb_key(vni_idx, eth->dst_addr.addr_bytes), b->dst);
	b->k++;
}

static inline void dp_keys_lookup(const struct dp_worker *w, struct dp_burst_keys *b)
{
	fdb_lookup_bulk_ref(w->fdb, b->keys, b->n_keys, b->refs);
}

static inline const struct fdb_ref *dp_keys_src(const struct dp_burst_keys *b, uint16_t j) { return &b->refs[b->src[j]]; }
static inline const struct fdb_ref *dp_keys_dst(const struct dp_burst_keys *b, uint16_t j) { return &b->refs[b->dst[j]]; }
static inline uint64_t dp_keys_src_key(const struct dp_burst_keys *b, uint16_t j) { return b->keys[b->src[j]]; }

/* Underlay frames that are not VXLAN to us: the kernel's, when it has an exception port. */
static inline bool dp_is_for_kernel(enum vxlan_parse_result r)
{
	return r == VXLAN_ERR_NOT_IPV4 || r == VXLAN_ERR_NOT_LOCAL || r == VXLAN_ERR_NOT_UDP ||
	       r == VXLAN_ERR_WRONG_PORT || r == VXLAN_ERR_TRUNCATED || r == VXLAN_ERR_FRAGMENT;
}

/*
 * What the kernel sends through the exception port goes out on the underlay unchanged, made
 * one segment (an underlay PMD need not send chains); a runt or a frame over the underlay's
 * MTU (with room for one VLAN tag) is a counted drop, never handed to the NIC.
 */
static void dp_exception_burst(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, struct rte_mbuf **pkts,
			       uint16_t n)
{
	struct dp_port_counters *pc = &w->counters->ports[slot];
	uint16_t out = DP_PORT_UPLINK(dp_slot_uplink_index(slot));   /* the TAP's own uplink */

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = rte_pktmbuf_pkt_len(m);

		pc->rx_pkts++;
		pc->rx_bytes += len;
		if (unlikely(len < RTE_ETHER_HDR_LEN))
			dp_drop(w, slot, DP_DROP_RUNT, m);
		else if (unlikely(len > (uint32_t)t->underlay_mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN))
			dp_drop(w, slot, DP_DROP_TOO_BIG, m);
		else if (likely(m->nb_segs == 1) || (m = dp_linearize(w, slot, m)))
			dp_send(w, t, out, m);
	}
}

static void dp_glean_flood(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot, uint16_t vi,
			   struct rte_mbuf *r, bool fabric);

/*
 * Is f (len bytes, from the gateway MAC) the gateway's glean of another leaf: an ARP request
 * broadcast from the gateway's IPv4 address, or a neighbour solicitation from its IPv6 address
 * to a solicited-node group (what l3.c sends)? Nothing addressed to the gateway MAC itself.
 */
static bool dp_is_remote_glean(const struct dp_gateway *gw, const uint8_t *f, uint32_t len)
{
	if (f[12] == 0x08 && f[13] == 0x06)
		return gw->ip4_on && len >= 42 && !memcmp(f, "\xff\xff\xff\xff\xff\xff", 6) &&
		       !memcmp(f + 14, "\0\1\x08\0\6\4\0\1", 8) &&
		       !memcmp(f + 22, gw->mac, 6) && !memcmp(f + 28, &gw->ip4, 4);
	return f[12] == 0x86 && f[13] == 0xdd && gw->ip6_on && len >= 14 + 40 + 24 && f[0] == 0x33 &&
	       f[1] == 0x33 && f[2] == 0xff && f[14 + 6] == 58 && f[14 + 7] == 255 && f[14 + 40] == 135 &&
	       !memcmp(f + 14 + 8, gw->ip6, 16);
}

/*
 * A decapsulated frame of VNI vi, which has a gateway pointer: every leaf has the anycast
 * gateway, so a frame from its MAC is a conflict and one to it is not ours to flood (both
 * counted and dropped; the gateway MAC is never learned behind a VTEP), except another
 * leaf's glean, which goes to the VNI's local ports only (counted gw_remote_gleans): a
 * silent host here answers it to our gateway, which learns it and advertises it. Returns
 * true when m was taken (dropped, or handed to the local ports).
 */
static bool dp_gw_from_tunnel(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			      struct rte_mbuf *m)
{
	const struct dp_gateway *gw = dp_vni_gateway(&t->vnis[vi]);
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (!gw)
		return false;
	if (unlikely(!memcmp(eth->src_addr.addr_bytes, gw->mac, 6))) {
		if (dp_is_remote_glean(gw, rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m))) {
			w->counters->vnis[vi].gw_remote_gleans++;
			dp_glean_flood(w, t, slot, vi, m, false);
			return true;
		}
		w->counters->vnis[vi].gw_conflicts++;
		dp_drop(w, slot, DP_DROP_GATEWAY_CONFLICT, m);
		return true;
	}
	if (unlikely(!memcmp(eth->dst_addr.addr_bytes, gw->mac, 6))) {
		w->counters->vnis[vi].gw_unrouted++;
		dp_drop(w, slot, DP_DROP_TO_GATEWAY_UNROUTED, m);
		return true;
	}
	return false;
}

/*
 * The frames of one burst decapsulated from L3 VNIs, to be routed (dp_l3vni_route): per
 * family, with the VNI and the VTEP each came from (a burst from the underlay may mix VRFs).
 */
struct dp_l3vni_batch {
	uint16_t n4, n6;
	struct rte_mbuf *m4[DP_BURST], *m6[DP_BURST];
	uint16_t vi4[DP_BURST], vi6[DP_BURST];
	uint16_t vt4[DP_BURST], vt6[DP_BURST];
	uint32_t a4[DP_BURST];                  /* host order, as rte_fib takes them */
	uint8_t a6[DP_BURST][16];
};

/*
 * m, an inner frame decapsulated from L3 VNI vi (symmetric IRB), from VTEP vt (DP_NO_ID: not
 * in the table): counted as received, then queued in lb for routing when it is an IP packet
 * to the VRF's router MAC, else a counted drop. Nothing from an L3 VNI is learned, flooded or
 * sent to the kernel.
 */
static void dp_l3vni_collect(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			     uint16_t vt, struct rte_mbuf *m, struct dp_l3vni_batch *lb)
{
	const struct dp_vni *v = &t->vnis[vi];
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint8_t family = 0;
	uint32_t dst4 = 0;

	w->counters->vnis[vi].decap_pkts++;
	w->counters->vnis[vi].decap_bytes += len;
	if (vt != DP_NO_ID) {
		w->counters->vteps[vt].rx_pkts++;
		w->counters->vteps[vt].rx_bytes += len;
	}
	if (unlikely(v->vrf >= t->n_vrfs || !t->vrfs[v->vrf].table)) {
		dp_drop(w, slot, DP_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(memcmp(f, t->vrfs[v->vrf].router_mac, 6) != 0)) {
		dp_drop(w, slot, DP_DROP_L3VNI_NOT_ROUTER_MAC, m);
		return;
	}
	switch (l3_route_check(f, rte_pktmbuf_data_len(m), &family, &dst4, lb->a6[lb->n6])) {
	case L3_ROUTE:
		if (family == 4) {
			lb->a4[lb->n4] = dst4;
			lb->vi4[lb->n4] = vi;
			lb->vt4[lb->n4] = vt;
			lb->m4[lb->n4++] = m;
		} else {
			lb->vi6[lb->n6] = vi;
			lb->vt6[lb->n6] = vt;
			lb->m6[lb->n6++] = m;
		}
		return;
	case L3_NOT_UNICAST:
		w->counters->vrfs[v->vrf].no_route++;
		dp_drop(w, slot, DP_DROP_NO_ROUTE, m);
		return;
	case L3_MALFORMED:
	case L3_NOT_IP:
		break;
	}
	dp_drop(w, slot, DP_DROP_L3VNI_MALFORMED, m);
}

static void dp_l3vni_route(struct dp_worker *w, const struct dp_topology *t, uint16_t slot,
			   struct dp_l3vni_batch *lb);

/* Packets from an uplink (slot): decapsulate, learn, switch to local ports; route those of an L3 VNI. */
static void dp_decap_burst(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, struct rte_mbuf **pkts,
			   uint16_t n)
{
	struct dp_port_counters *pc = &w->counters->ports[slot];
	struct dp_burst_keys b;
	struct rte_mbuf *ok[DP_BURST];
	uint16_t vni_idx[DP_BURST];
	uint32_t src_ip[DP_BURST];
	uint16_t src_vt[DP_BURST];
	struct dp_learn_batch lb = { .n = 0, .slot = slot, .t = t, .hits = fdb_hit_bits(w->fdb) };
	uint16_t exc = DP_PORT_EXCEPTION_OF(dp_slot_uplink_index(slot));   /* this uplink's TAP, if it has one */
	struct dp_l3vni_batch l3b;
	uint16_t k;

	b.k = 0;
	b.n_keys = 0;
	l3b.n4 = l3b.n6 = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct vxlan_parsed p;
		enum vxlan_parse_result r;
		struct rte_ether_hdr *eth;
		uint16_t vi, vt;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		pc->rx_pkts++;
		pc->rx_bytes += rte_pktmbuf_pkt_len(m);
		if (unlikely(m->nb_segs != 1) && !(m = dp_linearize(w, slot, m)))
			continue;
		r = vxlan_parse(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), t->local_ip,
				t->udp_port, &p);
		if (unlikely(r == VXLAN_ERR_FRAGMENT || r == VXLAN_ERR_TRUNCATED) && w->reasm) {
			uint16_t l2_len;

			if (vxlan_outer_fragment(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
						 t->local_ip, &l2_len)) {
				m = dp_reasm_feed(w->reasm, m, l2_len, w->now_tsc, &w->counters->mtu.reasm);
				if (!m)
					continue;
				r = vxlan_parse(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
						t->local_ip, t->udp_port, &p);
			}
		}
		if (unlikely(r != VXLAN_OK)) {
			if (dp_is_for_kernel(r) && t->port_dpdk[exc] != DP_NO_ID && rte_pktmbuf_data_len(m) >= RTE_ETHER_HDR_LEN)
				dp_send(w, t, exc, m);
			else
				dp_drop(w, slot, (enum dp_drop)r, m);
			continue;
		}
		vi = dp_topology_vni_index(t, p.vni);
		if (unlikely(vi == DP_NO_ID)) {
			dp_drop(w, slot, DP_DROP_UNKNOWN_VNI, m);
			continue;
		}
		/* only a known VTEP of the VNI may send into it: nothing else is delivered or learned */
		vt = dp_topology_vtep_id(t, p.outer_src_ip);
		if (unlikely(!dp_vni_vtep_known(&t->vnis[vi], vt))) {
			w->counters->vnis[vi].unknown_vtep++;
			dp_drop(w, slot, DP_DROP_UNKNOWN_VTEP, m);
			continue;
		}
		rte_pktmbuf_adj(m, p.outer_len);
		if (rte_pktmbuf_pkt_len(m) > p.inner_len)
			rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - p.inner_len));
		eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		if (unlikely(dp_mac_is_bad_src(&eth->src_addr))) {
			dp_drop(w, slot, DP_DROP_BAD_SRC_MAC, m);
			continue;
		}
		if (unlikely(t->vnis[vi].l3)) {
			dp_l3vni_collect(w, t, slot, vi, vt, m, &l3b);
			continue;
		}
		if (unlikely(t->vnis[vi].gw != NULL) && dp_gw_from_tunnel(w, t, slot, vi, m))
			continue;
		vni_idx[b.k] = vi;
		src_ip[b.k] = p.outer_src_ip;
		src_vt[b.k] = vt;
		ok[b.k] = m;
		dp_keys_add(&b, vi, eth);
	}
	if (unlikely(l3b.n4 | l3b.n6)) {
		dp_l3vni_route(w, t, slot, &l3b);
		w->from_vtep = DP_NO_ID;
	}
	k = b.k;
	if (!k)
		return;
	dp_keys_lookup(w, &b);

	for (uint16_t j = 0; j < k; j++) {
		struct rte_mbuf *m = ok[j];
		uint16_t vi = vni_idx[j];
		uint16_t vt = src_vt[j];
		const struct fdb_ref *dst = dp_keys_dst(&b, j);
		uint32_t len = rte_pktmbuf_pkt_len(m);

		w->counters->vnis[vi].decap_pkts++;
		w->counters->vnis[vi].decap_bytes += len;
		w->from_vtep = vt;
		w->from_vni = vi;
		if (vt != DP_NO_ID) {
			w->counters->vteps[vt].rx_pkts++;
			w->counters->vteps[vt].rx_bytes += len;
		}
		if (t->vnis[vi].learning)
			dp_learn(w, &lb, dp_keys_src(&b, j), dp_keys_src_key(&b, j),
				 fdb_dest_vtep(vt == DP_NO_ID ? DP_VTEP_UNKNOWN : vt), src_ip[j]);
		if (dst->idx != FDB_REF_NONE) {
			uint32_t d = dst->dest;

			if (fdb_dest_is_vtep(d))
				dp_drop(w, slot, DP_DROP_REMOTE_TO_REMOTE, m);
			else
				dp_send_port(w, t, slot, (uint16_t)fdb_dest_id(d), m);
		} else {
			dp_flood(w, t, slot, vi, m);
		}
	}
	w->from_vtep = DP_NO_ID;
	dp_learn_flush(w, &lb);
}

/* Turn ARP request a (in frame eth) into the reply from mac, the owner of tip, to the asker: in place. */
static inline void dp_arp_answer(struct rte_ether_hdr *eth, struct rte_arp_hdr *a, const uint8_t mac[6], uint32_t tip)
{
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	memcpy(eth->src_addr.addr_bytes, mac, 6);
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&a->arp_data.arp_sha, &a->arp_data.arp_tha);
	a->arp_data.arp_tip = a->arp_data.arp_sip;
	memcpy(a->arp_data.arp_sha.addr_bytes, mac, 6);
	a->arp_data.arp_sip = tip;
}

/*
 * An IPv6 frame from a container: when it is a neighbour solicitation or advertisement that
 * tells a global address of its Ethernet source (gw_nd_learnable), note it for that MAC (a
 * /128 host route, MAC+IP for EVPN), unless it is the VNI's gateway's address (gw, NULL:
 * none; that is a conflict, handled by the gateway). Returns what it was.
 */
static enum gw_nd_kind dp_nd_from_port(uint16_t slot, uint16_t vi, const struct dp_gateway *gw, struct rte_mbuf *m,
				       struct dp_learn_batch *lb)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	enum gw_nd_kind kind;
	uint8_t a6[16];

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 40 + 24 || f[RTE_ETHER_HDR_LEN + 6] != 58 ||
	    (f[RTE_ETHER_HDR_LEN + 40] != 135 && f[RTE_ETHER_HDR_LEN + 40] != 136))
		return GW_ND_NONE;
	kind = gw_nd_learnable(f, rte_pktmbuf_data_len(m), a6);
	if (kind == GW_ND_NONE || (gw && gw->ip6_on && !memcmp(a6, gw->ip6, 16)))
		return GW_ND_NONE;
	dp_learn_ip6(lb, fdb_key(vi, f + 6), slot, a6);
	return kind;
}

/*
 * An ARP frame from a container: note the sender's address for its MAC (so the control plane
 * can advertise MAC+IP), and answer a request ourselves for the VNI's anycast gateway (gw,
 * NULL: none) or when the suppression table knows the target. An ARP that claims the
 * gateway's address (its sender, gratuitous or not) or probes for it (sender 0.0.0.0) is a
 * conflict: counted and dropped, neither answered nor learned nor passed on to poison
 * other hosts' caches. Returns true when m was answered (and sent back out of slot) or dropped.
 */
static bool dp_arp_from_port(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			     const struct dp_gateway *gw, struct rte_mbuf *m, struct dp_learn_batch *lb)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eth + 1);
	bool request;
	uint8_t mac[6];
	uint32_t tip;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*a) ||
	    a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 || a->arp_plen != 4)
		return false;
	request = a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	tip = a->arp_data.arp_tip;
	if (gw && gw->ip4_on &&
	    (a->arp_data.arp_sip == gw->ip4 || (request && a->arp_data.arp_sip == 0 && tip == gw->ip4))) {
		w->counters->vnis[vi].gw_conflicts++;
		dp_drop(w, slot, DP_DROP_GATEWAY_CONFLICT, m);
		return true;
	}
	if (a->arp_data.arp_sip != 0 && rte_is_same_ether_addr(&a->arp_data.arp_sha, &eth->src_addr))
		dp_learn(w, lb, NULL, fdb_key(vi, eth->src_addr.addr_bytes), DP_LEARN_IP | slot, a->arp_data.arp_sip);
	if (!request)
		return false;
	if (gw && gw->ip4_on && tip == gw->ip4) {
		dp_arp_answer(eth, a, gw->mac, tip);
		w->counters->vnis[vi].gw_arp_replies++;
		dp_send(w, t, slot, m);
		return true;
	}
	if (!w->arp || tip == a->arp_data.arp_sip || !arp_table_lookup(w->arp, vi, tip, mac) ||
	    !memcmp(mac, eth->src_addr.addr_bytes, 6))
		return false;
	dp_arp_answer(eth, a, mac, tip);
	w->counters->vnis[vi].arp_suppressed++;
	dp_send(w, t, slot, m);
	return true;
}

/* m is a well-formed Ethernet/IPv4 ARP reply. */
static bool dp_arp_is_reply(const struct rte_mbuf *m)
{
	const struct rte_arp_hdr *a = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));

	return rte_pktmbuf_data_len(m) >= sizeof(struct rte_ether_hdr) + sizeof(*a) &&
	       a->arp_hardware == rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) &&
	       a->arp_protocol == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) && a->arp_hlen == 6 && a->arp_plen == 4 &&
	       a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
}

/* What the gateway made of a frame (gateway.h): send the answer back out of slot, or count the drop. */
static void dp_gw_verdict(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			  enum gw_result r, uint32_t len, struct rte_mbuf *m)
{
	struct dp_vni_counters *vc = &w->counters->vnis[vi];

	switch (r) {
	case GW_ECHO_REPLY:
	case GW_NA:
		/* one segment (linearized on receipt), and the answer fits its buffer */
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		if (r == GW_NA)
			vc->gw_na_sent++;
		else
			vc->gw_echo_replies++;
		dp_send(w, t, slot, m);
		return;
	case GW_UNROUTED:
		vc->gw_unrouted++;
		dp_drop(w, slot, DP_DROP_TO_GATEWAY_UNROUTED, m);
		return;
	case GW_CONFLICT:
		vc->gw_conflicts++;
		dp_drop(w, slot, DP_DROP_GATEWAY_CONFLICT, m);
		return;
	case GW_OTHER:
		dp_drop(w, slot, DP_DROP_TO_GATEWAY_OTHER, m);
		return;
	case GW_FRAGMENT:
		dp_drop(w, slot, DP_DROP_GATEWAY_FRAGMENT, m);
		return;
	case GW_NO_ROOM:
		dp_drop(w, slot, DP_DROP_NO_HEADROOM, m);
		return;
	case GW_PASS:
	case GW_MALFORMED:
		break;
	}
	dp_drop(w, slot, DP_DROP_GATEWAY_MALFORMED, m);
}

/* ---- routing: frames to the gateway MAC, not for the gateway, in the VNI's VRF ---- */

#define DP_GLEAN_RATE_PER_SEC 100   /* ARP requests / NSs the gateways of one VRF send per second at most ... */
#define DP_GLEAN_RATE_BURST 16      /* ... with bursts of this many */

/* The packets of a burst to route: one port, so one VNI and one VRF; per family, for one bulk lookup each. */
#define DP_ROUTE_SENDERS 4
struct dp_route_batch {
	uint16_t n4, n6;
	struct rte_mbuf *m4[DP_BURST], *m6[DP_BURST];
	uint32_t a4[DP_BURST];                  /* host order, as rte_fib takes them */
	uint8_t a6[DP_BURST][16];
	/*
	 * The senders' MAC keys (the first few distinct ones: a container port has one MAC),
	 * refreshed in the MAC table like bridged senders, or a container that only talks to
	 * other subnets would age out while it sends.
	 */
	uint16_t n_senders;
	uint64_t senders[DP_ROUTE_SENDERS];
};

/*
 * m (to the gateway MAC, not for the gateway) from slot of VNI vi: queue it for routing, or
 * drop it when it is IP that is never routed. False when it is not IP (the caller counts it
 * as unrouted).
 */
static bool dp_route_collect(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			     struct rte_mbuf *m, struct dp_route_batch *rb)
{
	uint8_t family = 0;
	uint32_t dst4 = 0;

	switch (l3_route_check(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), &family, &dst4,
			       rb->a6[rb->n6])) {
	case L3_ROUTE: {
		uint64_t key = fdb_key(vi, rte_pktmbuf_mtod_offset(m, const uint8_t *, 6));

		if (family == 4) {
			rb->a4[rb->n4] = dst4;
			rb->m4[rb->n4++] = m;
		} else {
			rb->m6[rb->n6++] = m;
		}
		if (rb->n_senders < DP_ROUTE_SENDERS && (!rb->n_senders || rb->senders[rb->n_senders - 1] != key))
			rb->senders[rb->n_senders++] = key;
		return true;
	}
	case L3_MALFORMED:
		dp_drop(w, slot, DP_DROP_GATEWAY_MALFORMED, m);
		return true;
	case L3_NOT_UNICAST:
		w->counters->vrfs[t->vnis[vi].vrf].no_route++;
		dp_drop(w, slot, DP_DROP_NO_ROUTE, m);
		return true;
	case L3_NOT_IP:
		break;
	}
	return false;
}

/*
 * r, the gateway's answer to a routed packet that came in on slot: back out of that container
 * port, or (slot an uplink: the packet came over the L3 VNI w->from_vni from VTEP
 * w->from_vtep) back through the L3 VNI with the VRF's router MAC as its inner source.
 */
static void dp_route_reply(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, struct rte_mbuf *r)
{
	uint8_t *f = rte_pktmbuf_mtod(r, uint8_t *);

	if (!dp_slot_is_uplink(slot)) {
		dp_send(w, t, slot, r);
		return;
	}
	memcpy(f + 6, t->vrfs[t->vnis[w->from_vni].vrf].router_mac, 6);
	dp_encap_send(w, t, slot, w->from_vni, w->from_vtep, vxlan_src_port(f, rte_pktmbuf_data_len(r)), r);
}

/*
 * The gateway gw (NULL: none to answer from) answers m (checked, not yet rewritten) with an
 * ICMP error back to its sender (dp_route_reply), rate-limited: time exceeded when mtu is 0,
 * else too big for mtu. True when it was sent. m stays the caller's.
 */
static bool dp_route_icmp_error(struct dp_worker *w, const struct dp_topology *t, uint16_t slot,
				const struct dp_gateway *gw, uint8_t family, uint16_t mtu, const struct rte_mbuf *m)
{
	/* from the tunnel, only a VTEP of the table can be answered */
	bool answerable = gw && (!dp_slot_is_uplink(slot) || w->from_vtep < VTEP_MAX_VTEPS);
	struct rte_mbuf *r;
	size_t len = 0;

	if (!dp_rate_limit_take(&w->icmp_rate, w->now_tsc, rte_get_tsc_hz(), DP_ICMP_RATE_PER_SEC,
				DP_ICMP_RATE_BURST)) {
		w->counters->mtu.icmp_rate_limited++;
		return false;
	}
	r = answerable && rte_pktmbuf_data_room_size(w->pool) >= RTE_PKTMBUF_HEADROOM + L3_ICMP_FRAME_MAX
		    ? rte_pktmbuf_alloc(w->pool)
		    : NULL;
	if (r) {
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
		uint8_t *out = rte_pktmbuf_mtod(r, uint8_t *);

		len = mtu ? l3_too_big(out, f, rte_pktmbuf_data_len(m), family, gw, mtu)
			  : l3_time_exceeded(out, f, rte_pktmbuf_data_len(m), family, gw);
	}
	if (!len) {
		rte_pktmbuf_free(r);
		w->counters->mtu.icmp_not_allowed++;
		return false;
	}
	r->data_len = (uint16_t)len;
	r->pkt_len = (uint32_t)len;
	dp_route_reply(w, t, slot, r);
	return true;
}

/*
 * m's TTL / hop limit ran out at the gateway gw (NULL: none to answer from): time exceeded
 * back to its sender (rate-limited, dp_route_icmp_error), m dropped.
 */
static void dp_route_ttl_expired(struct dp_worker *w, const struct dp_topology *t, uint16_t slot,
				 const struct dp_gateway *gw, struct dp_vrf_counters *rc, uint8_t family,
				 struct rte_mbuf *m)
{
	rc->ttl_expired++;
	if (dp_route_icmp_error(w, t, slot, gw, family, 0, m))
		rc->icmp_time_exceeded++;
	dp_drop(w, slot, DP_DROP_TTL_EXPIRED, m);
}

/*
 * m (checked, not yet rewritten, of family) is routed to a port whose IP MTU is mtu: drop the
 * Ethernet padding after the IP packet, and when the packet is still too big and may not be
 * split (IPv4 with DF, IPv6), answer with the gateway's "too big" and drop it. False when m
 * was dropped; an IPv4 packet without DF goes on (dp_send_port fragments it).
 */
static bool dp_route_fits(struct dp_worker *w, const struct dp_topology *t, uint16_t slot,
			  const struct dp_gateway *gw, uint8_t family, uint16_t mtu, struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_HDR_LEN);
	uint32_t ip_len = family == 4 ? (uint32_t)(ip[2] << 8 | ip[3]) : 40u + (uint32_t)(ip[4] << 8 | ip[5]);
	uint32_t excess = rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN - ip_len;   /* checked: ip_len fits */

	if (excess && m->nb_segs == 1)
		rte_pktmbuf_trim(m, (uint16_t)excess);
	if (likely(!mtu || ip_len <= mtu || (family == 4 && !(ip[6] & 0x40))))
		return true;
	if (dp_route_icmp_error(w, t, slot, gw, family, mtu, m)) {
		if (family == 4)
			w->counters->mtu.icmp4_sent++;
		else
			w->counters->mtu.icmp6_sent++;
	}
	dp_drop(w, slot, DP_DROP_FRAG_NEEDED, m);
	return false;
}

/*
 * The gateway's ARP request / NS r into VNI vi: every local port and (fabric) by head-end
 * replication every VTEP of its flood list. The other leaves hand it to their own ports
 * (dp_gw_from_tunnel), so a silent host behind any leaf answers, to the gateway MAC of its
 * own leaf, which learns and advertises it. in_slot is where the packet that asked came in.
 */
static void dp_glean_flood(struct dp_worker *w, const struct dp_topology *t, uint16_t in_slot, uint16_t vi,
			   struct rte_mbuf *r, bool fabric)
{
	const struct dp_vni *v = &t->vnis[vi];
	unsigned total = (unsigned)v->n_ports + (fabric ? v->n_flood : 0), done = 0;
	uint16_t sport = fabric && v->n_flood ? vxlan_src_port(rte_pktmbuf_mtod(r, const uint8_t *),
							       rte_pktmbuf_data_len(r)) : 0;

	if (unlikely(!total)) {
		dp_drop(w, in_slot, DP_DROP_NO_DEST, r);     /* another leaf's glean, and no local port */
		return;
	}
	for (unsigned i = 0; i < total; i++) {
		struct rte_mbuf *c = ++done == total ? r : rte_pktmbuf_copy(r, w->pool, 0, UINT32_MAX);

		if (unlikely(!c)) {
			w->counters->ports[in_slot].drops[DP_DROP_NO_MBUF]++;
			continue;
		}
		if (i < v->n_ports)
			dp_send(w, t, v->ports[i], c);
		else
			dp_encap_send(w, t, in_slot, vi, v->flood[i - v->n_ports], sport, c);
	}
}

/*
 * Glean: m's destination is in the connected subnet of VNI h->vni_idx but has no host route
 * yet. The subnet's gateway asks for it (ARP or NS into that VNI, rate-limited per VRF);
 * its answer reaches the control thread, which installs the host route. m is dropped.
 */
static void dp_route_glean(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vrf,
			   const struct dp_route_nh *h, struct dp_vrf_counters *rc, uint8_t family, uint32_t dst4,
			   const uint8_t *dst6, struct rte_mbuf *m)
{
	const struct dp_gateway *g = h->vni_idx < t->n_vnis ? dp_vni_gateway(&t->vnis[h->vni_idx]) : NULL;

	rc->glean_drops++;
	if (g && (t->vnis[h->vni_idx].n_ports || t->vnis[h->vni_idx].n_flood)) {
		if (!dp_rate_limit_take(&w->glean_rate[vrf], w->now_tsc, rte_get_tsc_hz(), DP_GLEAN_RATE_PER_SEC,
					DP_GLEAN_RATE_BURST)) {
			rc->glean_rate_limited++;
		} else {
			struct rte_mbuf *r = rte_pktmbuf_alloc(w->pool);
			size_t len = 0;

			if (r && family == 4)
				len = l3_arp_request(rte_pktmbuf_mtod(r, uint8_t *), g, rte_cpu_to_be_32(dst4));
			else if (r)
				len = l3_neighbour_solicit(rte_pktmbuf_mtod(r, uint8_t *), g, dst6);
			if (len) {
				r->data_len = (uint16_t)len;
				r->pkt_len = (uint32_t)len;
				rc->glean_sent++;
				dp_glean_flood(w, t, slot, h->vni_idx, r, true);
			} else {
				rte_pktmbuf_free(r);
			}
		}
	}
	dp_drop(w, slot, DP_DROP_GLEAN, m);
}

/*
 * The UDP source port of a packet routed into the L3 VNI (f, checked by l3_route_check, of
 * family: its IP lengths are within the frame): a hash of the inner flow in vxlan_src_port's range, cheaper than
 * it (which also mixes the inner MACs, the same for every packet to a next hop, and the length,
 * which would spread one flow over several ports): the addresses and, for TCP or UDP that is
 * not a fragment, the ports; IPv6 too (vxlan_src_port hashes only MACs for IPv6). Two
 * independent multiplies, the top bits kept.
 */
static inline uint16_t dp_route_sport(const uint8_t *f, uint8_t family)
{
	const uint8_t *ip = f + RTE_ETHER_HDR_LEN;
	uint64_t a, b, c;
	uint32_t ports = 0, l4, ip_len;
	uint8_t proto;

	if (family == 4) {
		l4 = (uint32_t)(ip[0] & 0x0f) * 4;
		ip_len = (uint32_t)(ip[2] << 8 | ip[3]);
		proto = ip[9];
		memcpy(&a, ip + 12, 8);
		b = proto;
		if ((ip[6] & 0x3f) | ip[7])     /* a fragment: its ports are in the first one only */
			proto = 0;
	} else {
		l4 = 40;
		ip_len = 40u + (uint32_t)(ip[4] << 8 | ip[5]);
		proto = ip[6];
		memcpy(&a, ip + 8, 8);
		memcpy(&c, ip + 16, 8);
		a ^= c;
		memcpy(&b, ip + 24, 8);
		memcpy(&c, ip + 32, 8);
		b ^= c ^ proto;
	}
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && ip_len >= l4 + 4)
		memcpy(&ports, ip + l4, 4);
	b ^= (uint64_t)ports << 8;
	a = a * 0x9e3779b97f4a7c15ull ^ b * 0xc4ceb9fe1a85ec53ull;
	a ^= a >> 29;
	return (uint16_t)(VXLAN_SRC_PORT_MIN + (a >> 50));
}

/*
 * Symmetric IRB: m (checked, TTL left) from slot is routed in VRF vrf to a host behind the
 * remote VTEP of next hop h. TTL / hop limit down, inner destination the remote leaf's router
 * MAC, inner source ours, encapsulated in the VRF's L3 VNI towards the VTEP (its ECMP next
 * hops, the L3 VNI's MTU). Too big for the L3 VNI: the MTU policy runs on the packet as it
 * came: IPv4 with DF and IPv6 get "fragmentation needed" / "packet too big" from the
 * sender's gateway gw (its address and MAC, as for a local next hop: dp_route_fits), IPv4
 * without DF is fragmented (or, with outer fragmentation on and within the L3 VNI's MTU,
 * its VXLAN packet is) and the pieces forwarded one by one. No L3 VNI published, a VTEP not
 * in the snapshot or not resolved: counted drops (route_no_l3vni, route_no_vtep,
 * vtep_unresolved).
 */
static void dp_route_remote(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vrf,
			    const struct dp_gateway *gw, const struct dp_route_nh *h, struct dp_vrf_counters *rc,
			    uint8_t family, struct rte_mbuf *m)
{
	const struct dp_vrf *vr = &t->vrfs[vrf];
	uint16_t li = vr->l3vni_idx;
	uint32_t vt = h->vtep_id;
	struct rte_mbuf *out[DP_MTU_MAX_FRAGS];
	const struct dp_vni *lv;
	const struct dp_vtep *v;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	unsigned n = 1;

	if (unlikely(li >= t->n_vnis || !t->vnis[li].l3)) {
		rc->no_l3vni++;
		dp_drop(w, slot, DP_DROP_ROUTE_NO_L3VNI, m);
		return;
	}
	if (unlikely(vt >= VTEP_MAX_VTEPS || t->vteps[vt].ip == 0)) {
		rc->no_vtep++;
		dp_drop(w, slot, DP_DROP_ROUTE_NO_VTEP, m);
		return;
	}
	v = &t->vteps[vt];
	if (unlikely(v->n_nh == 0)) {
		w->counters->vteps[vt].unresolved_drops++;
		dp_drop(w, slot, DP_DROP_VTEP_UNRESOLVED, m);
		return;
	}
	lv = &t->vnis[li];
	if (likely(len <= lv->encap_frame_max)) {
		/* the usual case, in one go: rewrite, hash, encapsulate (the checks above were dp_encap_send's) */
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
		uint16_t sport;
		const struct dp_nexthop *nh;

		l3_forward(f, family, vr->router_mac, h->mac);
		sport = dp_route_sport(f, family);
		nh = dp_vtep_nexthop(v, sport);
		rc->routed++;
		rc->routed_remote++;
		if (likely(dp_encap_write(w, t, slot, li, (uint16_t)vt, nh, sport, m)))
			dp_send(w, t, nh->slot, m);
		return;
	}
	/* too big: DF or IPv6 get the gateway's ICMP error; otherwise the padding is gone and m goes on */
	if (!dp_route_fits(w, t, slot, gw, family, lv->tunnel_mtu, m))
		return;
	out[0] = m;
	len = rte_pktmbuf_pkt_len(m);
	if (len > lv->encap_frame_max && (!lv->outer_frag || len > (uint32_t)lv->ip_mtu + RTE_ETHER_HDR_LEN))
		n = dp_shrink(w, t, slot, lv->tunnel_mtu, m, out);
	if (n) {
		rc->routed++;
		rc->routed_remote++;
	}
	for (unsigned i = 0; i < n; i++) {
		uint8_t *f = rte_pktmbuf_mtod(out[i], uint8_t *);

		l3_forward(f, family, vr->router_mac, h->mac);
		dp_encap_send(w, t, slot, li, (uint16_t)vt, dp_route_sport(f, family), out[i]);
	}
}

/*
 * Route m (checked by l3_route_check) from slot of VNI vi by next hop nh_idx of the VRF's
 * table rt: to a local host (LOCAL: TTL down, MACs rewritten, out of its port), to a remote
 * leaf (REMOTE: dp_route_remote), glean (GLEAN), or a counted drop (no route, blackhole,
 * TTL run out).
 */
static void dp_route_one(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			 const struct dp_gateway *gw, const struct dp_route_table *rt, uint32_t nh_idx, uint8_t family,
			 uint32_t dst4, const uint8_t *dst6, struct rte_mbuf *m)
{
	const struct dp_route_nh *h = dp_route_nh_at(rt, nh_idx);
	uint16_t vrf = t->vnis[vi].vrf;
	struct dp_vrf_counters *rc = &w->counters->vrfs[vrf];
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	if (h->type == DP_ROUTE_NH_GLEAN && h->vni_idx != vi && h->vni_idx < t->n_vnis &&
	    dp_vni_gateway(&t->vnis[h->vni_idx])) {
		/* the gateway address of another subnet of the VRF: that gateway answers (ping) */
		uint32_t len = rte_pktmbuf_data_len(m);
		enum gw_result r = gw_to_gateway(dp_vni_gateway(&t->vnis[h->vni_idx]), f, &len,
						 len + rte_pktmbuf_tailroom(m));

		if (r != GW_UNROUTED) {
			dp_gw_verdict(w, t, slot, vi, r, len, m);
			return;
		}
	}
	switch (h->type) {
	case DP_ROUTE_NH_LOCAL:
	case DP_ROUTE_NH_GLEAN:
	case DP_ROUTE_NH_REMOTE:
		break;
	default:                    /* no route, a blackhole */
		rc->no_route++;
		dp_drop(w, slot, DP_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(!l3_ttl_left(f, family))) {
		dp_route_ttl_expired(w, t, slot, gw, rc, family, m);
		return;
	}
	if (h->type == DP_ROUTE_NH_LOCAL) {
		/* the host's port must still be in the host's VNI (a route outliving its port is no route) */
		if (unlikely(h->port >= DP_N_SLOTS || t->port_vni[h->port] != h->vni_idx)) {
			rc->no_route++;
			dp_drop(w, slot, DP_DROP_NO_ROUTE, m);
			return;
		}
		if (unlikely(!dp_route_fits(w, t, slot, gw, family, t->port_mtu[h->port], m)))
			return;
		l3_forward(f, family, gw->mac, h->mac);
		rc->routed++;
		dp_send_port(w, t, slot, (uint16_t)h->port, m);
	} else if (h->type == DP_ROUTE_NH_GLEAN) {
		dp_route_glean(w, t, slot, vrf, h, rc, family, dst4, dst6, m);
	} else {
		dp_route_remote(w, t, slot, vrf, gw, h, rc, family, m);
	}
}

/* Route the packets rb collected from slot (VNI vi, gateway gw, VRF table rt): one bulk lookup per family. */
static void dp_route_burst(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			   const struct dp_gateway *gw, const struct dp_route_table *rt, struct dp_route_batch *rb)
{
	uint32_t nh[DP_BURST];

	if (rb->n4) {
		dp_route_lookup4_bulk(rt, rb->a4, rb->n4, nh);
		for (uint16_t i = 0; i < rb->n4; i++)
			dp_route_one(w, t, slot, vi, gw, rt, nh[i], 4, rb->a4[i], NULL, rb->m4[i]);
	}
	if (rb->n6) {
		dp_route_lookup6_bulk(rt, (const uint8_t (*)[16])rb->a6, rb->n6, nh);
		for (uint16_t i = 0; i < rb->n6; i++)
			dp_route_one(w, t, slot, vi, gw, rt, nh[i], 6, 0, rb->a6[i], rb->m6[i]);
	}
}

/* Whether the routed destination (dst4 host order, or dst6) is one of gateway g's addresses. */
static inline bool dp_gw_is_addr(const struct dp_gateway *g, uint8_t family, uint32_t dst4, const uint8_t *dst6)
{
	if (family == 4)
		return g->ip4_on && rte_cpu_to_be_32(dst4) == g->ip4;
	return g->ip6_on && !memcmp(dst6, g->ip6, 16);
}

/*
 * m, decapsulated from L3 VNI vi (from VTEP vt) and looked up (next hop nh_idx), is routed to
 * a local host only: LOCAL (TTL / hop limit kept: the ingress leaf took it down and the
 * fabric counts as one router; source the gateway MAC of the host's VNI, destination
 * the host, out of its port within its MTU: the MTU policy runs on the packet as it came, so
 * an ICMP error goes back through the L3 VNI from our router MAC) or GLEAN (asked for, as
 * from a port). TTL 0 (no leaf sends it): time exceeded from the host's gateway, back through
 * the L3 VNI.
 * Anything else is a counted drop: a remote next hop (remote_to_remote: never back into the
 * tunnel), no route or a subnet without a gateway (no_route), a gateway address
 * (l3vni_to_gateway: not answered over the tunnel).
 */
static void dp_l3vni_route_one(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			       uint16_t vt, uint32_t nh_idx, uint8_t family, uint32_t dst4, const uint8_t *dst6,
			       struct rte_mbuf *m)
{
	uint16_t vrf = t->vnis[vi].vrf;
	const struct dp_route_nh *h = dp_route_nh_at(t->vrfs[vrf].table, nh_idx);
	struct dp_vrf_counters *rc = &w->counters->vrfs[vrf];
	const struct dp_gateway *g = NULL;

	w->from_vni = vi;
	w->from_vtep = vt;
	if (h->type == DP_ROUTE_NH_REMOTE) {
		dp_drop(w, slot, DP_DROP_REMOTE_TO_REMOTE, m);
		return;
	}
	if ((h->type == DP_ROUTE_NH_LOCAL || h->type == DP_ROUTE_NH_GLEAN) && h->vni_idx < t->n_vnis)
		g = dp_vni_gateway(&t->vnis[h->vni_idx]);
	if (!g || (h->type == DP_ROUTE_NH_LOCAL && (h->port >= DP_N_SLOTS || t->port_vni[h->port] != h->vni_idx))) {
		rc->no_route++;
		dp_drop(w, slot, DP_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(dp_gw_is_addr(g, family, dst4, dst6))) {
		dp_drop(w, slot, DP_DROP_L3VNI_TO_GATEWAY, m);
		return;
	}
	if (unlikely(l3_ttl_zero(rte_pktmbuf_mtod(m, const uint8_t *), family))) {
		dp_route_ttl_expired(w, t, slot, g, rc, family, m);
		return;
	}
	if (h->type == DP_ROUTE_NH_GLEAN) {
		dp_route_glean(w, t, slot, vrf, h, rc, family, dst4, dst6, m);
		return;
	}
	if (unlikely(!dp_route_fits(w, t, slot, g, family, t->port_mtu[h->port], m)))
		return;
	rc->routed++;
	rc->routed_from_l3vni++;
	/* the fabric is one router: the ingress leaf took the TTL down, so only the MACs change here */
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), h->mac, 6);
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, 6), g->mac, 6);
	dp_send_port(w, t, slot, (uint16_t)h->port, m);
}

/* Whether the n packets of VNIs vi[] are all of one VRF. */
static inline bool dp_l3vni_one_vrf(const struct dp_topology *t, const uint16_t *vi, uint16_t n)
{
	for (uint16_t i = 1; i < n; i++)
		if (t->vnis[vi[i]].vrf != t->vnis[vi[0]].vrf)
			return false;
	return true;
}

/*
 * Route what lb collected from the L3 VNIs of one burst from slot: one bulk lookup per family
 * when the packets are all of one VRF (the usual case), else one lookup each.
 */
static void dp_l3vni_route(struct dp_worker *w, const struct dp_topology *t, uint16_t slot,
			   struct dp_l3vni_batch *lb)
{
	uint32_t nh[DP_BURST];

	if (lb->n4) {
		if (dp_l3vni_one_vrf(t, lb->vi4, lb->n4))
			dp_route_lookup4_bulk(dp_vni_route_table(t, &t->vnis[lb->vi4[0]]), lb->a4, lb->n4, nh);
		else
			for (uint16_t i = 0; i < lb->n4; i++)
				nh[i] = dp_route_lookup4(dp_vni_route_table(t, &t->vnis[lb->vi4[i]]), lb->a4[i]);
		for (uint16_t i = 0; i < lb->n4; i++)
			dp_l3vni_route_one(w, t, slot, lb->vi4[i], lb->vt4[i], nh[i], 4, lb->a4[i], NULL, lb->m4[i]);
	}
	if (lb->n6) {
		if (dp_l3vni_one_vrf(t, lb->vi6, lb->n6))
			dp_route_lookup6_bulk(dp_vni_route_table(t, &t->vnis[lb->vi6[0]]),
					      (const uint8_t (*)[16])lb->a6, lb->n6, nh);
		else
			for (uint16_t i = 0; i < lb->n6; i++)
				nh[i] = dp_route_lookup6(dp_vni_route_table(t, &t->vnis[lb->vi6[i]]), lb->a6[i]);
		for (uint16_t i = 0; i < lb->n6; i++)
			dp_l3vni_route_one(w, t, slot, lb->vi6[i], lb->vt6[i], nh[i], 6, 0, lb->a6[i], lb->m6[i]);
	}
}

/*
 * Whether the frame eth (len bytes, to the gateway MAC) is IPv4 or IPv6 long enough for its
 * header and not to one of gateway g's addresses: a packet to route, never one to answer.
 */
static inline bool dp_gw_not_addressed(const struct dp_gateway *g, const struct rte_ether_hdr *eth, uint32_t len)
{
	const uint8_t *ip = (const uint8_t *)(eth + 1);

	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return len >= RTE_ETHER_HDR_LEN + 20 && (!g->ip4_on || memcmp(ip + 16, &g->ip4, 4) != 0);
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
		return len >= RTE_ETHER_HDR_LEN + 40 &&
		       (!g->ip6_on || (memcmp(ip + 24, g->ip6, 16) != 0 && memcmp(ip + 24, g->ll6, 16) != 0));
	return false;
}

/*
 * A frame from a container port of a VNI with an anycast gateway (gw): from the gateway's
 * MAC (a conflict), to it (answered, or dropped until routing), ARP (dp_arp_from_port), or
 * IPv6 multicast that may be a solicitation for the gateway. An IP packet to the gateway MAC
 * that is not for the gateway goes to rb for routing when the VNI is routed (rb not NULL).
 * Returns true when m was answered, dropped or queued for routing, false when it is
 * forwarded as usual.
 */
static bool dp_gw_from_port(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, uint16_t vi,
			    const struct dp_gateway *gw, struct rte_mbuf *m, struct dp_learn_batch *lb,
			    struct dp_route_batch *rb)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const uint8_t *dst = eth->dst_addr.addr_bytes;
	bool to_gw = !memcmp(dst, gw->mac, 6);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t room = len + rte_pktmbuf_tailroom(m);
	enum gw_result r;

	if (unlikely(!memcmp(eth->src_addr.addr_bytes, gw->mac, 6))) {
		r = GW_CONFLICT;
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
		if (dp_arp_from_port(w, t, slot, vi, gw, m, lb))
			return true;
		if (!to_gw)
			return false;
		if (dp_arp_is_reply(m)) {
			/* the answer to a glean request: its sender was learned above, nothing else to do */
			w->counters->vnis[vi].gw_arp_answers++;
			rte_pktmbuf_free(m);
			return true;
		}
		r = GW_UNROUTED;                /* an ARP request unicast to the gateway MAC, not for its address */
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) &&
		   dp_nd_from_port(slot, vi, gw, m, lb) == GW_ND_ADVERT && to_gw) {
		/* the answer to a glean solicitation: its target was learned above, nothing else to do */
		w->counters->vnis[vi].gw_na_answers++;
		rte_pktmbuf_free(m);
		return true;
	} else if (to_gw) {
		/*
		 * IP not to one of the gateway's addresses goes straight to routing: gw_to_gateway
		 * would only say GW_UNROUTED after the checks l3_route_check makes too (with the
		 * same drop)
		 */
		if (rb && dp_gw_not_addressed(gw, eth, len) && dp_route_collect(w, t, slot, vi, m, rb))
			return true;
		r = gw_to_gateway(gw, rte_pktmbuf_mtod(m, uint8_t *), &len, room);
		if (r == GW_UNROUTED && rb && dp_route_collect(w, t, slot, vi, m, rb))
			return true;
	} else if (dst[0] == 0x33 && dst[1] == 0x33 && gw->ip6_on) {
		r = gw_ipv6_multicast(gw, rte_pktmbuf_mtod(m, uint8_t *), &len, room);
		if (r == GW_PASS)
			return false;
	} else {
		return false;
	}
	dp_gw_verdict(w, t, slot, vi, r, len, m);
	return true;
}

/* Packets from a container port: learn, switch locally, encapsulate or flood. */
static void dp_encap_burst(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, struct rte_mbuf **pkts,
			   uint16_t n)
{
	struct dp_port_counters *pc = &w->counters->ports[slot];
	uint16_t vi = t->port_vni[slot];
	const struct dp_gateway *gw = vi != DP_NO_ID ? dp_vni_gateway(&t->vnis[vi]) : NULL;
	const struct dp_route_table *rt = gw ? dp_vni_route_table(t, &t->vnis[vi]) : NULL;
	struct dp_route_batch rb;
	struct dp_burst_keys b;
	struct rte_mbuf *ok[DP_BURST];
	struct dp_learn_batch lb = { .n = 0, .slot = slot, .t = t, .hits = fdb_hit_bits(w->fdb) };
	uint16_t k;

	b.k = 0;
	b.n_keys = 0;
	rb.n4 = rb.n6 = rb.n_senders = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ether_hdr *eth;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		pc->rx_pkts++;
		pc->rx_bytes += rte_pktmbuf_pkt_len(m);
		if (unlikely(vi == DP_NO_ID)) {
			dp_drop(w, slot, DP_DROP_NO_VNI, m);
			continue;
		}
		if (unlikely(m->nb_segs != 1) && !(m = dp_linearize(w, slot, m)))
			continue;
		if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)) {
			dp_drop(w, slot, DP_DROP_RUNT, m);
			continue;
		}
		eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		if (unlikely(dp_mac_is_bad_src(&eth->src_addr))) {
			dp_drop(w, slot, DP_DROP_BAD_SRC_MAC, m);
			continue;
		}
		if (unlikely(gw != NULL)) {
			if (dp_gw_from_port(w, t, slot, vi, gw, m, &lb, rt ? &rb : NULL))
				continue;
		} else if (unlikely(eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) &&
			   dp_arp_from_port(w, t, slot, vi, NULL, m, &lb)) {
			continue;
		} else if (unlikely(eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))) {
			dp_nd_from_port(slot, vi, NULL, m, &lb);
		}
		ok[b.k] = m;
		dp_keys_add(&b, vi, eth);
	}
	if (unlikely(rb.n4 | rb.n6)) {
		struct fdb_ref refs[DP_ROUTE_SENDERS];

		dp_route_burst(w, t, slot, vi, gw, rt, &rb);
		fdb_lookup_bulk_ref(w->fdb, rb.senders, rb.n_senders, refs);
		for (uint16_t i = 0; i < rb.n_senders; i++)
			dp_learn(w, &lb, &refs[i], rb.senders[i], fdb_dest_port(slot), 0);
	}
	k = b.k;
	if (!k) {
		dp_learn_flush(w, &lb);         /* the senders of ARP requests answered above */
		return;
	}
	dp_keys_lookup(w, &b);

	for (uint16_t j = 0; j < k; j++) {
		struct rte_mbuf *m = ok[j];
		const struct fdb_ref *dst = dp_keys_dst(&b, j);

		dp_learn(w, &lb, dp_keys_src(&b, j), dp_keys_src_key(&b, j), fdb_dest_port(slot), 0);
		if (dst->idx != FDB_REF_NONE) {
			uint32_t d = dst->dest;

			if (fdb_dest_is_vtep(d)) {
				uint16_t sport = vxlan_src_port(rte_pktmbuf_mtod(m, const uint8_t *),
								rte_pktmbuf_data_len(m));
				uint16_t vt = (uint16_t)fdb_dest_id(d);

				if (unlikely(vt >= VTEP_MAX_VTEPS)) {
					dp_drop(w, slot, DP_DROP_VTEP_UNRESOLVED, m);
					continue;
				}
				dp_encap_send(w, t, slot, vi, vt, sport, m);
			} else if (fdb_dest_id(d) == slot) {
				dp_drop(w, slot, DP_DROP_HAIRPIN, m);
			} else {
				w->counters->vnis[vi].local_pkts++;
				dp_send_port(w, t, slot, (uint16_t)fdb_dest_id(d), m);
			}
		} else {
			dp_flood(w, t, slot, vi, m);
		}
	}
	dp_learn_flush(w, &lb);
}

/* One burst of one port, by the kind of port. */
static inline void dp_dispatch(struct dp_worker *w, const struct dp_topology *t, uint16_t slot, struct rte_mbuf **pkts,
			       uint16_t n)
{
	if (dp_slot_is_uplink(slot))
		dp_decap_burst(w, t, slot, pkts, n);
	else if (dp_slot_is_exception(slot))
		dp_exception_burst(w, t, slot, pkts, n);
	else
		dp_encap_burst(w, t, slot, pkts, n);
}

/* What became of the traced frame r of slot: the counters it moved since dp_trace_burst's copy. */
static void dp_trace_outcome(const struct dp_worker *w, const struct dp_topology *t, struct dp_trace *tr,
			     struct dp_trace_rec *r, uint16_t slot)
{
	const struct dp_counters *c = w->counters;
	uint16_t vi = r->vni_idx;

	for (unsigned d = 1; d < DP_DROP_MAX; d++)
		if (c->ports[slot].drops[d] != tr->drops[d]) {
			r->flags |= DP_TRACE_DROPPED;
			r->drop = (uint16_t)d;
			break;
		}
	for (uint16_t j = 0; j < t->n_rx; j++) {
		uint16_t s = t->rx[j].slot;

		if (c->ports[s].tx_pkts == tr->tx[s])
			continue;
		if (r->n_out_slot < DP_TRACE_OUTS)
			r->out_slot[r->n_out_slot] = s;
		r->n_out_slot++;
		if (dp_slot_is_exception(s) && !dp_slot_is_exception(slot))
			r->flags |= DP_TRACE_PUNTED;
		else if (!dp_slot_is_uplink(s))
			r->flags |= DP_TRACE_FORWARDED;
	}
	for (uint16_t v = 0; v < VTEP_MAX_VTEPS; v++) {
		if (c->vteps[v].tx_pkts == tr->vtep_tx[v])
			continue;
		if (r->n_out_vtep < DP_TRACE_OUTS)
			r->out_vtep[r->n_out_vtep] = t->vteps[v].ip;
		r->n_out_vtep++;
		r->flags |= DP_TRACE_ENCAP;
	}
	if (!(r->flags & DP_TRACE_ENCAP) && r->n_out_slot)
		r->flags |= DP_TRACE_FORWARDED;        /* e.g. the kernel's frames out of an uplink */
	for (uint16_t v = 0; v < VTEP_MAX_VRFS; v++)
		if (c->vrfs[v].routed != tr->routed[v]) {
			r->flags |= DP_TRACE_ROUTED;
			r->vrf = v;
		}
	if (vi >= VTEP_MAX_VNIS)
		return;
	if (c->vnis[vi].flooded != tr->vni.flooded)
		r->flags |= DP_TRACE_FLOODED;
	if (c->vnis[vi].decap_pkts != tr->vni.decap_pkts)
		r->flags |= DP_TRACE_DECAP;
	r->answer = c->vnis[vi].arp_suppressed != tr->vni.arp_suppressed ? DP_TRACE_ANS_ARP_SUPPRESSED
		    : c->vnis[vi].gw_arp_replies != tr->vni.gw_arp_replies ? DP_TRACE_ANS_GW_ARP
		    : c->vnis[vi].gw_na_sent != tr->vni.gw_na_sent         ? DP_TRACE_ANS_GW_ND
		    : c->vnis[vi].gw_echo_replies != tr->vni.gw_echo_replies ? DP_TRACE_ANS_GW_ECHO
									     : DP_TRACE_ANS_NONE;
	if (r->answer != DP_TRACE_ANS_NONE)
		r->flags |= DP_TRACE_ANSWERED;
}

/*
 * A burst of slot while a trace is armed (trace.h): each frame the trace wants runs on its
 * own between two looks at the counters it can move, and gets a record. Slow, and only
 * while armed; the worker disarms when the trace has its frames or its time is up.
 */
static __rte_noinline void dp_trace_burst(struct dp_worker *w, const struct dp_topology *t, uint16_t slot,
					  struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_trace *tr = w->trace;
	const struct dp_counters *c = w->counters;

	for (uint16_t i = 0; i < n; i++) {
		uint32_t k = atomic_load_explicit(&tr->n, memory_order_relaxed);
		struct dp_trace_rec *r;

		if (k >= tr->want || w->now_tsc > tr->deadline_tsc) {
			atomic_store_explicit(&tr->armed, 0, memory_order_release);
			dp_dispatch(w, t, slot, pkts + i, (uint16_t)(n - i));
			return;
		}
		if (tr->slot != DP_NO_ID && tr->slot != slot) {
			dp_dispatch(w, t, slot, pkts + i, (uint16_t)(n - i));
			return;
		}
		r = &tr->rec[k];
		memset(r, 0, sizeof(*r));
		r->tsc = w->now_tsc;
		dp_trace_parse(r, t, slot, rte_pktmbuf_mtod(pkts[i], const uint8_t *), rte_pktmbuf_data_len(pkts[i]));
		r->len = rte_pktmbuf_pkt_len(pkts[i]);
		memcpy(tr->drops, c->ports[slot].drops, sizeof(tr->drops));
		for (uint16_t j = 0; j < t->n_rx; j++)
			tr->tx[t->rx[j].slot] = c->ports[t->rx[j].slot].tx_pkts;
		for (uint16_t v = 0; v < VTEP_MAX_VTEPS; v++)
			tr->vtep_tx[v] = c->vteps[v].tx_pkts;
		for (uint16_t v = 0; v < VTEP_MAX_VRFS; v++)
			tr->routed[v] = c->vrfs[v].routed;
		if (r->vni_idx < VTEP_MAX_VNIS)
			tr->vni = c->vnis[r->vni_idx];
		dp_dispatch(w, t, slot, pkts + i, 1);
		dp_trace_outcome(w, t, tr, r, slot);
		atomic_store_explicit(&tr->n, k + 1, memory_order_release);
	}
}

/* One poll of every port; tracing is a constant in each of the two copies dp_worker_poll calls. */
static inline __attribute__((always_inline)) unsigned dp_poll(struct dp_worker *w, const struct dp_topology *t,
							      const bool tracing)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned total = 0;

	w->now_tsc = rte_rdtsc();
	w->now_sec = w->now_tsc / rte_get_tsc_hz();
	w->loop_io_cycles = 0;
	for (uint16_t i = 0; i < t->n_rx; i++) {
		const struct dp_rx_port *rx = &t->rx[i];
		uint16_t n;

		uint64_t t0 = rte_rdtsc();

		if (likely(rx->dpdk_port != DP_XSK_PORT)) {
			n = rte_eth_rx_burst(rx->dpdk_port, 0, pkts, DP_BURST);
		} else {
			dp_xsk_poll(rx->xsk);
			n = dp_xsk_rx(rx->xsk, pkts, DP_BURST);
		}
		w->loop_io_cycles += rte_rdtsc() - t0;

		if (!n)
			continue;
		total += n;
		if (tracing)
			dp_trace_burst(w, t, rx->slot, pkts, n);
		else
			dp_dispatch(w, t, rx->slot, pkts, n);
	}
	if (w->reasm)
		dp_reasm_flush(w->reasm, w->now_tsc, &w->counters->mtu.reasm);
	dp_flush(w, t);
	return total;
}

unsigned dp_worker_poll(struct dp_worker *w, const struct dp_topology *t)
{
	/* a trace armed (trace.h): the one load and branch per poll the trace costs when it is not */
	if (unlikely(atomic_load_explicit(&w->trace->armed, memory_order_acquire) != 0))
		return dp_poll(w, t, true);
	return dp_poll(w, t, false);
}

int dp_worker_run(void *arg)
{
	struct dp_worker *w = arg;
	struct dp_worker_counters *wc = &w->counters->worker;
	unsigned idle = 0;

	/*
	 * Sleep no longer than asked when idle: the kernel's default timer slack (50 us) would
	 * turn a 10 us nap into 60 us of latency for the next packet.
	 */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	rte_rcu_qsbr_thread_register(w->qsbr, w->qsbr_id);
	rte_rcu_qsbr_thread_online(w->qsbr, w->qsbr_id);
	while (!w->stop) {
		const struct dp_topology *t = atomic_load_explicit(w->topology, memory_order_acquire);
		uint64_t start = rte_rdtsc();
		unsigned n = dp_worker_poll(w, t);

		rte_rcu_qsbr_quiescent(w->qsbr, w->qsbr_id);
		wc->loops++;
		if (n) {
			wc->busy_cycles += rte_rdtsc() - start;
			wc->io_cycles += w->loop_io_cycles;
			wc->busy_pkts += n;
			idle = 0;
			continue;
		}
		/*
		 * Idle: spin a little, then sleep longer and longer: 10 us, 100 us after ~40 ms,
		 * 500 us after ~0.7 s, 1 ms after ~1.8 s of silence. A wake-up costs ~15 us here
		 * (the nap and the PMDs' wake-up calls on empty rings), so the last step halves an
		 * idle leaf's CPU (~3.5% to ~2% of a core) for 1 ms more on the first packet of a
		 * burst after long silence.
		 */
		if (++idle < 512)
			continue;
		rte_rcu_qsbr_thread_offline(w->qsbr, w->qsbr_id);
		{
			long us = idle < 2048 ? 10 : idle < 8192 ? 100 : idle < 10240 ? 500 : 1000;
			struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

			nanosleep(&ts, NULL);
		}
		rte_rcu_qsbr_thread_online(w->qsbr, w->qsbr_id);
		wc->idle_sleeps++;
	}
	rte_rcu_qsbr_thread_offline(w->qsbr, w->qsbr_id);
	rte_rcu_qsbr_thread_unregister(w->qsbr, w->qsbr_id);
	return 0;
}
