/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtep_dp.h: what the fast path and the control thread share.
 *
 * The control thread owns all state. It describes the switch to the fast path as an
 * immutable snapshot (struct dp_topology: VNIs, their ports and flood lists, remote VTEPs
 * with their precomputed outer headers), publishes it with one atomic pointer store and
 * frees the previous one after an RCU QSBR grace period. The fast path never locks and
 * never writes shared state except its own counters and FDB last-seen stamps; it sends
 * MAC learning requests to the control thread over a lock-free ring.
 *
 * This is the whole contract: the snapshot, the counters and drop reasons, the learn
 * ring's messages, the port slots and limits. It includes only libc, DPDK and include/
 * headers. Both sides include it; nothing under dataplane/ or include/ includes control/.
 */
#ifndef VTEP_DP_H
#define VTEP_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "vtep_limits.h"

/* --- the outer header template: built by the control thread, written per packet (vxlan.c) --- */
#define VXLAN_OUTER_LEN 50      /* Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 */
#define VXLAN_ETH_LEN 14

/*
 * The outer header towards one remote VTEP, built once by the control thread whenever
 * the next hop changes (vxlan_template_init). Only the lengths, IP id, checksum, UDP
 * source port and VNI vary per packet.
 */
struct vxlan_template {
	uint8_t hdr[VXLAN_OUTER_LEN];   /* Ethernet, IPv4 (no options, DF clear, TTL 64), UDP (csum 0), VXLAN (I flag) */
	uint32_t ip_csum_partial;       /* one's-complement sum of the fixed IPv4 header words, total length and id zero */
};

#define DP_BURST 32
#define DP_PORT_UNDERLAY 0          /* port slot of the (first) uplink; container ports use 1..VTEP_MAX_PORTS */
#define DP_PORT_EXCEPTION (VTEP_MAX_PORTS + 1) /* the kernel's side of a DPDK-owned underlay (TAP) */
/* Slot of uplink i (0 .. VTEP_MAX_UPLINKS - 1): the first is DP_PORT_UNDERLAY, the others follow the exception's. */
#define DP_PORT_UPLINK(i) ((uint16_t)((i) == 0 ? DP_PORT_UNDERLAY : DP_PORT_EXCEPTION + (i)))
/* Slot of uplink i's exception interface (a DPDK-owned NIC's TAP): the first is DP_PORT_EXCEPTION, the others follow the last uplink's. */
#define DP_PORT_EXCEPTION_OF(i) ((uint16_t)((i) == 0 ? DP_PORT_EXCEPTION : VTEP_MAX_PORTS + VTEP_MAX_UPLINKS + (i)))
#define DP_N_SLOTS (VTEP_MAX_PORTS + 2 * VTEP_MAX_UPLINKS)
#define DP_MAX_NEXTHOPS 4           /* outer next hops of one VTEP (an ECMP set) */
#define DP_NO_ID UINT16_MAX
#define DP_XSK_PORT (UINT16_MAX - 1)        /* port_dpdk[] of a slot served by our own AF_XDP port (xsk.h) */
#define DP_LEARN_RING_SIZE 4096

/* Why the fast path dropped a packet. The first entries mirror enum vxlan_parse_result. */
enum dp_drop {
	DP_DROP_TRUNCATED = 1,      /* = VXLAN_ERR_TRUNCATED ... keep in step with vxlan.h */
	DP_DROP_NOT_IPV4,
	DP_DROP_BAD_IP_HEADER,
	DP_DROP_NOT_LOCAL,
	DP_DROP_OUTER_FRAGMENT,
	DP_DROP_NOT_UDP,
	DP_DROP_WRONG_PORT,
	DP_DROP_BAD_UDP_LENGTH,
	DP_DROP_BAD_VXLAN_FLAGS,
	DP_DROP_INNER_TRUNCATED,
	DP_DROP_UNKNOWN_VNI,        /* decap: VNI not configured */
	DP_DROP_BAD_SRC_MAC,        /* source MAC multicast or zero */
	DP_DROP_REMOTE_TO_REMOTE,   /* decap: destination is behind another VTEP (split horizon) */
	DP_DROP_HAIRPIN,            /* destination is the port the frame came in on */
	DP_DROP_RUNT,               /* container frame shorter than an Ethernet header */
	DP_DROP_NO_VNI,             /* container port without a VNI */
	DP_DROP_VTEP_UNRESOLVED,    /* outer next hop not resolved yet (resolution is under way) */
	DP_DROP_TOO_BIG,            /* too big for its way out and neither fragmentable nor answerable (not IP) */
	DP_DROP_FRAG_NEEDED,        /* too big, DF set or IPv6: answered with ICMP "fragmentation needed" / "too big" */
	DP_DROP_NO_HEADROOM,
	DP_DROP_NO_MBUF,            /* copy for flooding failed: pool empty */
	DP_DROP_MULTISEG,           /* a chained mbuf longer than one of the worker's mbufs */
	DP_DROP_TX_FULL,            /* transmit queue full (counted on the egress port) */
	DP_DROP_NO_DEST,            /* flooded, but the VNI has nowhere to send it */
	DP_DROP_UNKNOWN_VTEP,       /* decap: the outer source is not a known VTEP of the VNI (vtep_check) */
	/* the anycast gateway (struct dp_gateway): never flooded, never learned */
	DP_DROP_TO_GATEWAY_UNROUTED,    /* to the gateway MAC, not for the gateway itself: to be routed */
	DP_DROP_TO_GATEWAY_OTHER,       /* to the gateway's address, but not an echo request or an NS */
	DP_DROP_GATEWAY_FRAGMENT,       /* an IP fragment to the gateway's address (not reassembled) */
	DP_DROP_GATEWAY_MALFORMED,      /* to the gateway (MAC, or an NS for its address) but malformed */
	DP_DROP_GATEWAY_CONFLICT,       /* from the gateway MAC, or ARP/ND claiming or probing its address */
	/* routing in a VRF (frames to the gateway MAC, struct dp_vrf) */
	DP_DROP_NO_ROUTE,               /* no route to the destination, a blackhole route, or not a unicast destination */
	DP_DROP_TTL_EXPIRED,            /* TTL / hop limit would reach 0: ICMP time exceeded sent back (rate-limited) */
	DP_DROP_GLEAN,                  /* destination in a connected subnet, its MAC unknown: ARP / NS sent (rate-limited) */
	DP_DROP_ROUTE_NO_L3VNI,         /* the route points at a remote VTEP, but the VRF has no L3 VNI published */
	DP_DROP_ROUTE_NO_VTEP,          /* ... at a VTEP id that is not a VTEP of the snapshot */
	/* decapsulated from an L3 VNI (symmetric IRB): routed to local hosts only */
	DP_DROP_L3VNI_NOT_ROUTER_MAC,   /* the inner destination is not the VRF's router MAC */
	DP_DROP_L3VNI_MALFORMED,        /* to the router MAC, but not IPv4 / IPv6 or a bad IP header */
	DP_DROP_L3VNI_TO_GATEWAY,       /* to a gateway address of the VRF: not answered over the tunnel */
	DP_DROP_MAX
};
const char *dp_drop_name(enum dp_drop d);

struct dp_port_counters {
	uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	uint64_t drops[DP_DROP_MAX];
	/* frames forwarded but whose source MAC was not learned: */
	uint64_t learn_refused;             /* ... it is pinned elsewhere (static, another port's own MAC) */
	uint64_t learn_limit;               /* ... a new MAC over the port's or the VNI's max_macs */
} __rte_cache_aligned;

struct dp_vni_counters {
	uint64_t encap_pkts, encap_bytes;   /* sent into the tunnel (per copy) */
	uint64_t decap_pkts, decap_bytes;   /* received from the tunnel */
	uint64_t flooded;                   /* BUM or unknown-unicast frames flooded */
	uint64_t local_pkts;                /* switched between two local ports */
	uint64_t arp_suppressed;            /* ARP requests answered by vtepd instead of flooded */
	uint64_t unknown_vtep;              /* decap drops: not from a known VTEP of the VNI */
	uint64_t learn_limit;               /* new MACs not learned: the VNI (or their port) at max_macs */
	/* the anycast gateway */
	uint64_t gw_arp_replies;            /* ARP requests for the gateway's IPv4 answered */
	uint64_t gw_arp_answers;            /* ARP replies to its MAC (answers to its glean requests) taken in */
	uint64_t gw_na_answers;             /* neighbour advertisements to its MAC (answers to glean) taken in */
	uint64_t gw_na_sent;                /* neighbour solicitations for its IPv6 (global or link-local) answered */
	uint64_t gw_echo_replies;           /* ICMP and ICMPv6 echo requests to it answered */
	uint64_t gw_conflicts;              /* frames from its MAC, ARP/ND claiming or probing its addresses */
	uint64_t gw_remote_gleans;          /* other leaves' glean ARP/NS from the tunnel, handed to the local ports */
	uint64_t gw_unrouted;               /* frames to its MAC not for it (to_gateway_unrouted drops) */
} __rte_cache_aligned;

/* Routing in one VRF (per VRF index). */
struct dp_vrf_counters {
	uint64_t routed;                    /* packets routed (TTL decremented, MACs rewritten): to a local host, or
					       encapsulated in the L3 VNI to a remote leaf */
	uint64_t routed_remote;             /* ... of those, encapsulated in the L3 VNI towards a remote VTEP */
	uint64_t routed_from_l3vni;         /* ... of those, decapsulated from the L3 VNI (to a local host) */
	uint64_t ttl_expired;               /* ttl_expired drops (ICMP time exceeded sent, unless rate-limited) */
	uint64_t icmp_time_exceeded;        /* ... time exceeded messages sent */
	uint64_t no_route;                  /* no_route drops */
	uint64_t glean_sent;                /* ARP requests / neighbour solicitations sent for unresolved hosts */
	uint64_t glean_drops;               /* packets dropped waiting for their host's MAC (glean drops) */
	uint64_t glean_rate_limited;        /* ... of those, the ones whose ARP / NS was not sent: over the rate */
	uint64_t no_l3vni;                  /* route_no_l3vni drops */
	uint64_t no_vtep;                   /* route_no_vtep drops */
} __rte_cache_aligned;

struct dp_vtep_counters {
	uint64_t tx_pkts, tx_bytes, rx_pkts, rx_bytes;
	uint64_t unresolved_drops;
} __rte_cache_aligned;

/* Outer reassembly (reasm.c). */
struct dp_reasm_counters {
	uint64_t fragments;          /* outer fragments received */
	uint64_t reassembled;        /* datagrams made whole */
	uint64_t failed;             /* fragments discarded: overlapping, duplicate, too many, table full, too long */
	uint64_t timed_out;          /* fragments discarded because their datagram never completed in time */
};

/* Every size decision of the fast path (see fastpath.c's MTU policy). */
struct dp_mtu_counters {
	uint64_t fragmented;                /* IPv4 packets split to fit (before encapsulation or delivery) */
	uint64_t fragments;                 /* the pieces they became */
	uint64_t outer_fragmented;          /* VXLAN packets split on the underlay (per-VNI outer fragmentation) */
	uint64_t icmp4_sent;                /* "fragmentation needed" sent to a container */
	uint64_t icmp6_sent;                /* "packet too big" sent to a container */
	uint64_t icmp_rate_limited;         /* ... not sent: over the rate limit */
	uint64_t icmp_not_allowed;          /* ... not sent: the packet must not get an error (ICMP error, multicast) */
	struct dp_reasm_counters reasm;     /* outer reassembly */
};

struct dp_worker_counters {
	uint64_t loops, idle_sleeps;
	uint64_t busy_cycles, busy_pkts;    /* polls that moved packets: their cycles, their packets */
	uint64_t io_cycles;                 /* ... of those cycles, the ports' receive and transmit (the PMDs) */
	uint64_t learn_posted, learn_ring_full;
} __rte_cache_aligned;

/* All counters, written only by the fast-path worker, read by the control thread. */
struct dp_counters {
	struct dp_worker_counters worker;
	struct dp_mtu_counters mtu;
	struct dp_port_counters ports[DP_N_SLOTS];
	struct dp_vni_counters vnis[VTEP_MAX_VNIS];
	struct dp_vtep_counters vteps[VTEP_MAX_VTEPS];
	struct dp_vrf_counters vrfs[VTEP_MAX_VRFS];
};

/* A learn request from the fast path: MAC (in key) seen at dest. */
struct dp_learn_event {
	uint64_t key;                       /* fdb_key(vni index, MAC) */
	uint32_t dest;                      /* fdb dest; FDB_DEST_VTEP|DP_VTEP_UNKNOWN when the VTEP is new */
	uint32_t vtep_ip;                   /* outer source address for remote learning */
	uint8_t ip6[16];                    /* with DP_LEARN_IP6: the IPv6 address this local MAC uses */
};
#define DP_VTEP_UNKNOWN 0x7fffffffu
/* In a learn event's dest: "vtep_ip holds the IPv4 address this local MAC uses" (from its ARP). */
#define DP_LEARN_IP 0x40000000u
/*
 * In a learn event's dest: "ip6 holds an IPv6 global address this local MAC uses" (from its
 * neighbour solicitation or advertisement). It includes DP_LEARN_IP, so a consumer that
 * skips address events on (dest & DP_LEARN_IP) skips these too; test (dest & DP_LEARN_IP6)
 * == DP_LEARN_IP6 to tell them apart, and take the slot as dest & ~DP_LEARN_IP6.
 */
#define DP_LEARN_IP6 (DP_LEARN_IP | 0x20000000u)

/* An uplink slot: a packet received there is from the tunnel. */
static inline bool dp_slot_is_uplink(uint16_t slot)
{
	return slot == DP_PORT_UNDERLAY || (slot > DP_PORT_EXCEPTION && slot <= DP_PORT_UPLINK(VTEP_MAX_UPLINKS - 1));
}

/* An exception slot: what the kernel sends on an uplink's TAP. */
static inline bool dp_slot_is_exception(uint16_t slot)
{
	return slot == DP_PORT_EXCEPTION || (slot > DP_PORT_UPLINK(VTEP_MAX_UPLINKS - 1) && slot < DP_N_SLOTS);
}

/* The index (0 .. VTEP_MAX_UPLINKS - 1) of an uplink slot or of an exception slot. */
static inline uint16_t dp_slot_uplink_index(uint16_t slot)
{
	if (slot == DP_PORT_UNDERLAY || slot == DP_PORT_EXCEPTION)
		return 0;
	return (uint16_t)(slot <= DP_PORT_UPLINK(VTEP_MAX_UPLINKS - 1) ? slot - DP_PORT_EXCEPTION
								      : slot - VTEP_MAX_PORTS - VTEP_MAX_UPLINKS);
}

/* --- the snapshot --- */
/* One outer next hop of a VTEP: the uplink it leaves by and the outer header (its MACs) for it. */
struct dp_nexthop {
	uint16_t slot;                      /* an uplink slot (DP_PORT_UPLINK) */
	struct vxlan_template tmpl;
};

struct dp_vtep {
	uint32_t ip;                        /* network order */
	uint8_t n_nh;                       /* usable next hops in nh[]; 0: unresolved (counted drops) */
	struct dp_nexthop nh[DP_MAX_NEXTHOPS];   /* equal-cost: a flow takes nh[hash of its flow % n_nh] */
};

/* The next hop of v for a flow whose VXLAN UDP source port is sport (its flow hash); v->n_nh > 0. */
static inline const struct dp_nexthop *dp_vtep_nexthop(const struct dp_vtep *v, uint16_t sport)
{
	/* the source port carries 14 bits of hash: scale them onto n_nh without a division */
	return &v->nh[((uint32_t)(sport & 0x3fff) * v->n_nh) >> 14];
}

/*
 * A VNI's distributed anycast gateway: the same addresses and the same fabric-wide MAC on
 * every leaf (NX-OS `fabric forwarding mode anycast-gateway`). The fast path answers ARP and
 * neighbour solicitations for its addresses and echo requests to them, and never floods or
 * learns its MAC. Built by the control thread (dp_gateway_set_mac, then the addresses).
 */
struct dp_gateway {
	uint8_t mac[6];                     /* the fabric-wide anycast gateway MAC */
	bool mac_on;                        /* false: no gateway at all (nothing answered, nothing dropped) */
	bool ip4_on;
	uint32_t ip4;                       /* network order */
	uint8_t ip4_len;                    /* prefix length */
	bool ip6_on;                        /* ip6 and the link-local ll6 are answered for */
	uint8_t ip6_len;
	uint8_t ip6[16];
	uint8_t ll6[16];                    /* fe80::/64 with mac's modified EUI-64 (dp_gateway_set_mac) */
};

/* Set g's MAC and the link-local address derived from it (RFC 4291 appendix A), which hosts use as their router's. */
static inline void dp_gateway_set_mac(struct dp_gateway *g, const uint8_t mac[6])
{
	static const uint8_t fe80[8] = { 0xfe, 0x80 };

	for (int i = 0; i < 6; i++)
		g->mac[i] = mac[i];
	g->mac_on = true;
	for (int i = 0; i < 8; i++)
		g->ll6[i] = fe80[i];
	g->ll6[8] = (uint8_t)(mac[0] ^ 0x02);
	g->ll6[9] = mac[1];
	g->ll6[10] = mac[2];
	g->ll6[11] = 0xff;
	g->ll6[12] = 0xfe;
	g->ll6[13] = mac[3];
	g->ll6[14] = mac[4];
	g->ll6[15] = mac[5];
}

struct dp_vni {
	uint32_t vni;
	uint16_t vrf;                       /* the VRF it is routed in (index into dp_topology.vrfs); none when
					       not below n_vrfs (VTEP_NO_VRF) */
	bool learning;
	bool vtep_check;                    /* decap only from the VTEPs in known */
	bool learn_full;                    /* at max_macs: new MACs are not learned */
	bool outer_frag;                    /* fragment VXLAN packets that exceed the underlay MTU */
	/*
	 * The L3 VNI of VRF vrf (symmetric IRB): no ports, no flood list, no learning. Frames
	 * decapsulated from it whose inner destination is the VRF's router MAC are routed in
	 * the VRF; anything else is dropped and counted. Routed packets to a remote VTEP are
	 * encapsulated in it.
	 */
	bool l3;
	uint16_t ip_mtu;                    /* the largest inner IP packet the VNI carries */
	uint16_t tunnel_mtu;                /* ... what is split or answered to: ip_mtu, within underlay - 50
					       unless outer_frag (dp_vni_set_mtu) */
	uint16_t encap_frame_max;           /* the largest inner frame encapsulated whole */
	uint16_t n_ports;
	uint16_t n_flood;
	/*
	 * The anycast gateway (freed with the snapshot); NULL: none. Per packet the fast path
	 * reads only this pointer (with the flags above) and, when set, the gateway's MAC.
	 */
	struct dp_gateway *gw;
	uint16_t *ports;                    /* port slots */
	uint16_t *flood;                    /* VTEP ids */
	uint64_t *known;                    /* with vtep_check: a bit per VTEP id allowed to send to this VNI */
};

/* v's gateway when it has one (a gateway MAC), else NULL. */
static inline const struct dp_gateway *dp_vni_gateway(const struct dp_vni *v)
{
	return v->gw && v->gw->mac_on ? v->gw : NULL;
}

/* May VTEP vt (DP_NO_ID: an address not in the table) send frames of VNI v? */
static inline bool dp_vni_vtep_known(const struct dp_vni *v, uint16_t vt)
{
	return !v->vtep_check || (vt < VTEP_MAX_VTEPS && ((v->known[vt / 64] >> (vt % 64)) & 1));
}

struct dp_route_table;

/*
 * A tenant VRF: frames to a gateway MAC in one of its VNIs are routed by its route table.
 * The table is shared, not copied per snapshot: the control thread owns it (one per VRF for
 * the VRF's life) and changes it in place; it has its own RCU (dataplane/route.h) on the
 * same QSBR variable the worker reports to. NULL: the VRF routes nothing (frames to the
 * gateway MAC stay to_gateway_unrouted drops).
 */
struct dp_vrf {
	struct dp_route_table *table;
	uint32_t l3vni;                     /* its L3 VNI (symmetric IRB) */
	uint16_t l3vni_idx;                 /* its dp_vni (l3 set) in vnis[]; DP_NO_ID: none published */
	uint8_t router_mac[6];              /* this leaf's router MAC in the VRF: the inner source of what
					       it encapsulates, the inner destination it accepts */
};

struct dp_xsk;

struct dp_rx_port {
	uint16_t slot;
	uint16_t dpdk_port;                 /* DP_XSK_PORT: poll xsk instead */
	struct dp_xsk *xsk;
};

struct dp_id_map_slot {
	uint32_t key;                       /* VNI or VTEP IP; 0 = empty */
	uint16_t id;
	uint16_t pad;
};

struct dp_topology {
	uint32_t local_ip;                  /* network order */
	uint16_t udp_port;                  /* host order */
	uint16_t underlay_mtu;
	uint16_t n_rx;
	struct dp_rx_port rx[DP_N_SLOTS];
	uint16_t port_dpdk[DP_N_SLOTS];     /* slot -> DPDK port id, DP_NO_ID when free, DP_XSK_PORT */
	struct dp_xsk *port_xsk[DP_N_SLOTS];    /* slot -> our AF_XDP port when port_dpdk says DP_XSK_PORT */
	uint16_t port_vni[DP_N_SLOTS];      /* slot -> VNI index */
	uint16_t port_mtu[DP_N_SLOTS];      /* slot -> the container interface's IP MTU; 0: not checked */
	bool port_learn_full[DP_N_SLOTS];   /* slot -> at its max_macs: its new MACs are not learned */
	uint16_t n_vnis;
	struct dp_vni vnis[VTEP_MAX_VNIS];
	uint16_t n_vrfs;
	struct dp_vrf vrfs[VTEP_MAX_VRFS];
	struct dp_vtep vteps[VTEP_MAX_VTEPS];       /* by VTEP id; ip 0 when unused */
	uint32_t vni_map_mask, vtep_map_mask;
	struct dp_id_map_slot *vni_map;             /* open addressing, power of two */
	struct dp_id_map_slot *vtep_map;
};

/* The route table of v's VRF, NULL when v is not routed. */
static inline struct dp_route_table *dp_vni_route_table(const struct dp_topology *t, const struct dp_vni *v)
{
	return v->vrf < t->n_vrfs ? t->vrfs[v->vrf].table : NULL;
}

/* Snapshot building (control thread). */
/* Set v's MTUs: ip_mtu 0 means the underlay's less the VXLAN overhead. */
static inline void dp_vni_set_mtu(struct dp_vni *v, uint16_t ip_mtu, bool outer_frag, uint16_t underlay_mtu)
{
	uint16_t fits = (uint16_t)(underlay_mtu - (VXLAN_OUTER_LEN - VXLAN_ETH_LEN));   /* inner frame, 14 + IP */

	v->outer_frag = outer_frag;
	v->ip_mtu = ip_mtu ? ip_mtu : (uint16_t)(underlay_mtu - VXLAN_OUTER_LEN);
	v->tunnel_mtu = outer_frag || v->ip_mtu + VXLAN_ETH_LEN <= fits ? v->ip_mtu : (uint16_t)(fits - VXLAN_ETH_LEN);
	v->encap_frame_max = (uint16_t)RTE_MIN(v->ip_mtu + VXLAN_ETH_LEN, fits);
}

struct dp_topology *dp_topology_new(uint32_t local_ip, uint16_t udp_port, uint16_t underlay_mtu);
/* Fill the id maps from vnis[] and vteps[]; call once everything else is set. 0 or ENOMEM. */
int dp_topology_finish(struct dp_topology *t);
void dp_topology_free(struct dp_topology *t);

static inline uint32_t dp_id_hash(uint32_t key)
{
	key ^= key >> 16;
	key *= 0x7feb352dU;
	key ^= key >> 15;
	key *= 0x846ca68bU;
	key ^= key >> 16;
	return key;
}

static inline uint16_t dp_id_map_find(const struct dp_id_map_slot *map, uint32_t mask, uint32_t key)
{
	for (uint32_t i = dp_id_hash(key) & mask;; i = (i + 1) & mask) {
		if (map[i].key == key)
			return map[i].id;
		if (map[i].key == 0)
			return DP_NO_ID;
	}
}

static inline uint16_t dp_topology_vni_index(const struct dp_topology *t, uint32_t vni)
{
	return vni ? dp_id_map_find(t->vni_map, t->vni_map_mask, vni) : DP_NO_ID;
}

static inline uint16_t dp_topology_vtep_id(const struct dp_topology *t, uint32_t ip)
{
	return ip ? dp_id_map_find(t->vtep_map, t->vtep_map_mask, ip) : DP_NO_ID;
}

#endif
