/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * evpn_adv.h: our own EVPN routes on the wire. Builds the attributes of a route we originate
 * (next hop = our VTEP, AS_PATH for eBGP, LOCAL_PREF for iBGP, the VNI's export RTs, VXLAN
 * encapsulation, MAC mobility, PMSI for type 3; for the L3 routes of an IP-VRF, type 5 and
 * MAC+IP with two labels, the VRF's RTs and the router's MAC too) and sends it as an UPDATE to one established peer or to all,
 * and the initial dump (every route we originate, our type-5 prefixes, then End-of-RIB).
 * Given the leaf's IP-VRFs (evpn_adv_set_l3), a MAC+IP route of a VNI that belongs to a VRF
 * goes out in its L3 shape, withdrawals too. It sits between the RIB
 * (evpn_rib.c decides what to advertise) and the sessions (bgp_fsm.c); it knows nothing of
 * the daemon, so it is tested with them alone. Control thread only.
 */
#ifndef VTEP_EVPN_ADV_H
#define VTEP_EVPN_ADV_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_fsm.h"
#include "bgp_msg.h"
#include "evpn_rib.h"

/* An IP-VRF as our L3 routes carry it. */
struct evpn_adv_vrf {
	uint32_t l3vni;
	uint8_t rd[8];               /* the IP-VRF's RD (type-5 routes) */
	uint8_t rmac[6];             /* our router's MAC in this VRF */
	uint8_t n_export;
	uint64_t export_rt[EVPN_RIB_MAX_RT];
};

/* A prefix we announce as a type-5 route of a VRF. */
struct evpn_adv_prefix {
	uint16_t vrf;                /* index into evpn_adv_l3.vrfs */
	uint8_t ip_len;              /* 32 (IPv4) or 128 (IPv6) */
	uint8_t prefix_len;
	uint8_t prefix[16];          /* network order, bits past prefix_len zero */
};

#define EVPN_ADV_NO_VRF UINT16_MAX

/*
 * What this leaf originates at layer 3: its IP-VRFs, the VRF of each VNI (by VNI index) and
 * the type-5 prefixes. The caller owns the arrays; they must stay while the evpn_adv uses them.
 */
struct evpn_adv_l3 {
	const struct evpn_adv_vrf *vrfs;
	size_t n_vrfs;
	const uint16_t *vni_vrf;     /* [vni_idx]: index into vrfs, or EVPN_ADV_NO_VRF (a pure L2 VNI) */
	size_t n_vnis;
	const struct evpn_adv_prefix *prefixes;
	size_t n_prefixes;
};

struct evpn_adv {
	struct bgp *bgp;
	struct evpn_rib *rib;
	uint32_t asn;
	uint32_t vtep_ip;            /* network order */
	bool advertise_local;        /* false: send nothing but End-of-RIB */
	uint32_t local_pref;         /* LOCAL_PREF to iBGP peers without their own (default 100), never to eBGP */
	uint64_t updates_sent, send_errors;
	struct evpn_adv_l3 l3;       /* none (all zero) after evpn_adv_init: every VNI is L2 only */
	uint8_t buf[BGP_MAX_MSG_EXT];
};

void evpn_adv_init(struct evpn_adv *ad, struct bgp *bgp, struct evpn_rib *rib, uint32_t asn, uint32_t vtep_ip,
		   bool advertise_local);
/*
 * The leaf's L3 origination (copied by value; the arrays are the caller's), before sessions
 * come up: a MAC+IP route of a VNI in a VRF then carries label 2 (the L3 VNI), the VRF's RTs
 * and the router's MAC, and the dump sends the type-5 prefixes. NULL: none.
 */
void evpn_adv_set_l3(struct evpn_adv *ad, const struct evpn_adv_l3 *l3);
/* The VRF of VNI vni_idx, NULL when it is in none. */
const struct evpn_adv_vrf *evpn_adv_vni_vrf(const struct evpn_adv *ad, uint16_t vni_idx);
/* One of our routes (or its withdrawal) to peer p, if it is established (a MAC+IP route of a
 * VNI in a VRF: in its L3 shape, evpn_adv_send_macip_l3). */
void evpn_adv_send(struct evpn_adv *ad, struct bgp_peer *p, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq,
		   bool sticky, bool withdraw);
/* The same to every established peer: an evpn_rib_ops.advertise decision, sent as it is made. */
void evpn_adv_all(struct evpn_adv *ad, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky,
		  bool withdraw);
/* A new session, or the peer's ROUTE-REFRESH: every route we originate, the type-5 prefixes, then End-of-RIB. */
void evpn_adv_dump(struct evpn_adv *ad, struct bgp_peer *p);

/* ---- L3 routes (symmetric IRB, RFC 9135/9136) ---- */

/* How the session to the peer shapes an UPDATE (bgp_peer_is_ibgp, bgp_peer_as4, bgp_peer_max_msg). */
struct evpn_adv_peer {
	bool ibgp, as4;
	uint32_t local_pref;         /* to an iBGP peer; 0: the speaker's default (ad->local_pref) */
	size_t max_msg;
};

/*
 * The attributes of one of our L3 routes: ORIGIN IGP, AS_PATH (our AS to eBGP, empty to
 * iBGP with LOCAL_PREF), next hop our VTEP, route targets (a MAC+IP route: the L2 VNI's
 * export RTs, then the VRF's; a type 5: the VRF's), VXLAN encapsulation, the router's MAC,
 * and for a MAC+IP route MAC mobility when seq or sticky.
 */
void evpn_adv_l3_attrs(const struct evpn_adv *ad, const struct evpn_adv_peer *pe, const struct evpn_adv_vrf *vrf,
		       const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, struct bgp_attrs *a);
/*
 * Our type-5 route for prefix/prefix_len (ip_len 32 or 128) in vrf: RD the VRF's, ESI and tag
 * 0, gateway IP 0, label the L3 VNI; as a whole UPDATE in buf (withdraw: MP_UNREACH only).
 * Returns its length, 0 when it does not fit or the prefix is not valid.
 */
size_t evpn_adv_encode_prefix(const struct evpn_adv *ad, const struct evpn_adv_peer *pe, uint8_t *buf, size_t cap,
			      const struct evpn_adv_vrf *vrf, uint8_t ip_len, const uint8_t *prefix, uint8_t prefix_len,
			      bool withdraw);
/*
 * Our MAC+IP route r (type 2 with an IP, as the RIB gives it: RD and label 1 of the L2 VNI
 * vni_idx) with label 2 the VRF's L3 VNI, both VNIs' RTs and the router's MAC. As above.
 */
size_t evpn_adv_encode_macip_l3(const struct evpn_adv *ad, const struct evpn_adv_peer *pe, uint8_t *buf, size_t cap,
				const struct evpn_adv_vrf *vrf, const struct evpn_route *r, uint16_t vni_idx,
				uint32_t seq, bool sticky, bool withdraw);
/* The same two, sent to peer p if it is established. */
void evpn_adv_send_prefix(struct evpn_adv *ad, struct bgp_peer *p, const struct evpn_adv_vrf *vrf, uint8_t ip_len,
			  const uint8_t *prefix, uint8_t prefix_len, bool withdraw);
void evpn_adv_send_macip_l3(struct evpn_adv *ad, struct bgp_peer *p, const struct evpn_adv_vrf *vrf,
			    const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, bool withdraw);

#endif
