/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * evpn_rib.h: the EVPN routing table of the leaf. Routes from BGP peers (Adj-RIB-In, one
 * path per peer), the best path of each route, import into VNIs by route target, MAC
 * mobility between our own MACs and remote ones (RFC 7432 section 15: sequence numbers,
 * the lower-VTEP tie-break, sticky MACs, duplicate detection), the routes we
 * originate, and the IP-VRFs of symmetric IRB (RFC 9135, RFC 9136): type-5 routes and the
 * host routes of MAC+IP routes with an L3 VNI, imported by route target into a VRF named by
 * its L3 VNI, the best one of each (VRF, prefix) pushed out with its VTEP and router MAC. It owns no sockets and no dataplane: decisions leave through struct
 * evpn_rib_ops (install a remote MAC, add a flood VTEP, advertise a route ...), so it is
 * tested on its own. Control thread only.
 */
#ifndef VTEP_EVPN_RIB_H
#define VTEP_EVPN_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp_msg.h"
#include "evpn.h"

#define EVPN_RIB_MAX_RT 16
#define EVPN_RIB_MAX_VRFS 1024

/* An IP-VRF, as the RIB's caller configures it: its L3 VNI and the route targets it imports. */
struct evpn_rib_vrf {
	uint32_t l3vni;
	uint8_t n_import;
	uint64_t import[EVPN_RIB_MAX_RT];
	bool auto_rt;                /* also import any RT whose value is the L3 VNI (ASN:L3VNI of any AS, as FRR does) */
};

/*
 * The best route of an IP-VRF for one prefix, as the RIB pushes it out (evpn_rib_ops.l3_route)
 * and answers evpn_rib_l3_lookup. vtep_ip 0: the VRF has no route for the prefix any more.
 */
struct evpn_rib_l3 {
	uint32_t l3vni;              /* the VRF */
	uint8_t ip_len;              /* 32 (IPv4) or 128 (IPv6) */
	uint8_t prefix_len;          /* host routes: 32 or 128 */
	uint8_t prefix[16];          /* network order, bits past prefix_len zero */
	uint8_t source;              /* EVPN_RT_MAC_IP (host route) or EVPN_RT_IP_PREFIX (type 5) */
	uint32_t vtep_ip;            /* the remote VTEP (network order); 0: gone */
	uint8_t rmac[6];             /* the remote router's MAC: inner destination MAC */
	uint32_t vni;                /* the VNI to encapsulate with: the route's L3 VNI label */
	uint32_t peer;               /* the BGP peer of the path (network order) */
};

struct evpn_rib_config {
	uint32_t asn;
	uint32_t router_id;          /* network order */
	uint32_t vtep_ip;            /* our VTEP address, network order (next hop of our routes) */
	int rt_match_vni_only;       /* -1: auto (on for routes from eBGP peers), 0, 1 */
	uint32_t dup_max_moves;      /* duplicate detection: this many moves ... */
	uint32_t dup_window_sec;     /* ... within this window freezes the MAC */
	uint64_t expected_routes;    /* tables are sized for this many routes up front (0: small) */
	uint32_t local_pref;         /* LOCAL_PREF of routes from eBGP peers and of iBGP routes without one */
	uint64_t hash_key[2];        /* key the tables' hash multipliers come from; both 0: random, the default */
};

/* What the RIB decides, for the daemon to carry out. Any may be NULL. */
/* A received route of a batch, as evpn_rib_ops.prefetch names it. */
struct evpn_rib_ahead {
	uint16_t vni_idx;            /* a MAC+IP route imported into an L2 VNI: its index, or UINT16_MAX */
	uint8_t mac[6];              /* with vni_idx */
	uint8_t ip_len;              /* the route's IP: 0, 32 or 128 bits */
	uint8_t ip[16];
	bool l3;                     /* a prefix of the IP-VRF: ip/prefix_len */
	uint8_t prefix_len;
};

struct evpn_rib_ops {
	/* (vni, mac) is now reached through vtep_ip (best remote route), or no longer (vtep_ip 0). */
	void (*remote_mac)(void *ctx, uint16_t vni_idx, const uint8_t mac[6], uint32_t vtep_ip);
	/* A remote VTEP joins (add) or leaves the VNI's flood list (type 3). */
	void (*flood_vtep)(void *ctx, uint16_t vni_idx, uint32_t vtep_ip, bool add);
	/* Advertise (or withdraw) one of our routes to every established peer. */
	void (*advertise)(void *ctx, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky,
			  bool withdraw);
	/* An IPv4 address of a remote MAC (MAC+IP route) is known, or no longer (add false). */
	void (*remote_ip)(void *ctx, uint16_t vni_idx, uint32_t ip, const uint8_t mac[6], bool add);
	/* A MAC was frozen by duplicate detection. */
	void (*duplicate)(void *ctx, uint16_t vni_idx, const uint8_t mac[6]);
	/*
	 * The best route of an IP-VRF for a prefix changed (VTEP, router MAC, VNI or source), or
	 * is gone (r->vtep_ip 0). A route is usable when it is imported into a VRF by its RTs,
	 * carries the router's MAC extended community and an L3 VNI (type 5: label != 0; type 2:
	 * an IP address and a second label). Among the routes of one (VRF, prefix): highest
	 * LOCAL_PREF, then a type-2 host route before a type 5, then the highest MAC mobility
	 * sequence, then the lowest VTEP.
	 */
	void (*l3_route)(void *ctx, const struct evpn_rib_l3 *r);
	/*
	 * Optional: a batch of received routes is about to be taken, all imported into the same
	 * IP-VRF (l3vni, 0: none). What the calls above may then touch can be brought into the
	 * cache now, for the batch at once (a hint: the routes may change nothing).
	 */
	void (*prefetch)(void *ctx, uint32_t l3vni, const struct evpn_rib_ahead *a, size_t n);
};

/* A received route as the RIB keeps it, for show commands. */
struct evpn_rib_path_info {
	const struct evpn_route *route;
	uint32_t peer;               /* network order; 0 for our own routes */
	uint32_t nexthop;            /* VTEP */
	uint16_t vni_idx;            /* UINT16_MAX: not imported */
	uint32_t seq;
	uint32_t local_pref;         /* as received from an iBGP peer, else evpn_rib_config.local_pref */
	bool sticky, best, stale, local;
	uint32_t n_rt;
	const uint64_t *rts;
	uint8_t rmac[6];             /* router's MAC community of the path, zero when none */
	uint32_t l3vni;              /* the IP-VRF the route is imported into (best path), 0: none */
};

struct evpn_rib_stats {
	uint64_t routes, paths, local_routes, macs;
	uint64_t received, withdrawn, rejected_as_loop, rejected_own, not_imported, unsupported_nexthop;
	uint64_t treat_as_withdraw, stale_removed, mobility_moves, duplicates;
	uint64_t l3_prefixes;        /* (VRF, prefix) entries with at least one imported route */
	uint64_t l3_no_rmac;         /* routes imported into a VRF but unusable: no router MAC or no L3 VNI */
};

struct evpn_rib;
struct evpn_rib *evpn_rib_new(const struct evpn_rib_config *c, const struct evpn_rib_ops *ops, void *ctx);
void evpn_rib_free(struct evpn_rib *rib);

/*
 * Automatic route distinguishers, type 1 (router-id:N), NX-OS style: an IP-VRF's N is 3 + the
 * VRF's index; an L2 VNI's is 32767 + index + 1 (NX-OS: 32767 + VLAN ID). The two ranges
 * never meet (EVPN_RIB_MAX_VRFS is far below 32765).
 */
#define EVPN_RIB_AUTO_RD_VRF(vrf_idx) ((uint16_t)(3 + (vrf_idx)))
#define EVPN_RIB_AUTO_RD_VNI(vni_idx) ((uint16_t)(32767 + 1 + (vni_idx)))

/* A VNI (index as in the dataplane). rd NULL: auto (EVPN_RIB_AUTO_RD_VNI). RT lists empty: auto (ASN:VNI). */
int evpn_rib_add_vni(struct evpn_rib *rib, uint16_t vni_idx, uint32_t vni, const uint8_t *rd,
		     const uint64_t *rt_import, size_t n_import, const uint64_t *rt_export, size_t n_export);
/*
 * A VNI added while the RIB runs (after evpn_rib_add_vni): our type-3 route for it goes out
 * (ops.advertise), and the routes peers sent for it before, kept in the RIB unimported, are
 * imported now (their MACs, flood entries and ARP bindings reach the ops).
 */
void evpn_rib_vni_start(struct evpn_rib *rib, uint16_t vni_idx);
/*
 * A VNI goes: our routes in it (type 3, the MACs and MAC+IP routes of its local MACs) are
 * withdrawn, the received routes imported into it are unimported (the ops take their MACs,
 * flood entries and ARP bindings away) but kept, and the index is free for another VNI.
 * 0 or ENOENT (no such VNI).
 */
int evpn_rib_del_vni(struct evpn_rib *rib, uint16_t vni_idx);
/* The RD and export RTs a VNI's routes carry. */
void evpn_rib_vni_info(const struct evpn_rib *rib, uint16_t vni_idx, uint8_t rd[8], uint64_t *rts, size_t *n_rts);
/* The RTs a VNI imports (EVPN_RIB_MAX_RT at most); auto_rt: the auto ASN:VNI (matched on the VNI alone from eBGP). */
void evpn_rib_vni_import(const struct evpn_rib *rib, uint16_t vni_idx, uint64_t *rts, size_t *n_rts, bool *auto_rt);

/*
 * The IP-VRFs (n at most EVPN_RIB_MAX_VRFS; each l3vni once, non-zero, 24 bits). Replaces the
 * list; every route is imported again and the l3_route changes go out at once. 0 or EINVAL.
 */
int evpn_rib_set_vrfs(struct evpn_rib *rib, const struct evpn_rib_vrf *vrfs, size_t n);
/* The VRF's best route for exactly prefix/prefix_len (ip_len 32 or 128); false when none. */
bool evpn_rib_l3_lookup(const struct evpn_rib *rib, uint32_t l3vni, uint8_t ip_len, const uint8_t *prefix,
			uint8_t prefix_len, struct evpn_rib_l3 *out);
/* Every (VRF, prefix) with a best route, for show commands. */
typedef void (*evpn_rib_l3_cb)(const struct evpn_rib_l3 *r, void *arg);
void evpn_rib_walk_l3(const struct evpn_rib *rib, evpn_rib_l3_cb cb, void *arg);

/* Routes from a peer (ebgp: for the auto RT match). Treat-as-withdraw: pass withdraw_all. */
void evpn_rib_update(struct evpn_rib *rib, uint32_t peer, bool ebgp, const struct bgp_attrs *a,
		     const struct evpn_route *reach, size_t n_reach, const struct evpn_route *unreach, size_t n_unreach,
		     bool withdraw_all);
/* The peer's session went down: drop its paths, or (graceful) mark them stale. */
void evpn_rib_peer_down(struct evpn_rib *rib, uint32_t peer, bool graceful);
/* End-of-RIB from the peer, or its restart time ran out: drop its paths still stale. */
void evpn_rib_peer_flush_stale(struct evpn_rib *rib, uint32_t peer);
/* How many paths the peer has (for max_routes). */
uint64_t evpn_rib_peer_paths(const struct evpn_rib *rib, uint32_t peer);

/* A MAC behind a local port appeared (learned or attached) or went away (aged, detached). */
void evpn_rib_local_mac(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], bool present, bool sticky);
/* A MAC+IP binding of a local MAC (from the attach call or ARP); ip 0 removes it. */
void evpn_rib_local_ip(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], uint32_t ip);
/*
 * An IPv6 binding of a local MAC (from its neighbour discovery): added to its others (at most 4,
 * a fifth replaces the oldest); ip6 NULL removes them all.
 */
void evpn_rib_local_ip6(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], const uint8_t ip6[16]);
/*
 * One binding of a local MAC went (aged, or its MAC left the port): ip_len 32 (the IPv4
 * binding, if it is still ip) or 128 (that IPv6 address); its MAC+IP route is withdrawn, the
 * MAC-only route and the other bindings stand.
 */
void evpn_rib_local_ip_del(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], uint8_t ip_len,
			   const void *ip);

/* Every route we originate, with its attributes (initial dump to a new peer). */
typedef void (*evpn_rib_local_cb)(const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, void *arg);
void evpn_rib_walk_local(const struct evpn_rib *rib, evpn_rib_local_cb cb, void *arg);
/* Every path (received and ours), for show commands. */
typedef void (*evpn_rib_path_cb)(const struct evpn_rib_path_info *p, void *arg);
void evpn_rib_walk(const struct evpn_rib *rib, evpn_rib_path_cb cb, void *arg);

/* The state of a MAC for show commands: local/remote, sequence, frozen. */
struct evpn_rib_mac_info {
	bool known, local, remote, frozen, sticky;
	uint32_t local_seq, remote_seq, remote_vtep;
	uint32_t moves;
};
void evpn_rib_mac_info(const struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6],
		       struct evpn_rib_mac_info *info);
void evpn_rib_get_stats(const struct evpn_rib *rib, struct evpn_rib_stats *st);
/* The hash a route's key gets in the routes table (keyed: differs between RIBs), for tests. */
uint64_t evpn_rib_route_hash(const struct evpn_rib *rib, const struct evpn_route *r);

#endif
