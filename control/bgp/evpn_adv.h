/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * evpn_adv.h: our own EVPN routes on the wire. Builds the attributes of a route we originate
 * (next hop = our VTEP, AS_PATH for eBGP, LOCAL_PREF for iBGP, the VNI's export RTs, VXLAN
 * encapsulation, MAC mobility, PMSI for type 3) and sends it as an UPDATE to one established peer or to all,
 * and the initial dump (every route we originate, then End-of-RIB). It sits between the RIB
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

struct evpn_adv {
	struct bgp *bgp;
	struct evpn_rib *rib;
	uint32_t asn;
	uint32_t vtep_ip;            /* network order */
	bool advertise_local;        /* false: send nothing but End-of-RIB */
	uint32_t local_pref;         /* LOCAL_PREF to iBGP peers without their own (default 100), never to eBGP */
	uint64_t updates_sent, send_errors;
	uint8_t buf[BGP_MAX_MSG_EXT];
};

void evpn_adv_init(struct evpn_adv *ad, struct bgp *bgp, struct evpn_rib *rib, uint32_t asn, uint32_t vtep_ip,
		   bool advertise_local);
/* One of our routes (or its withdrawal) to peer p, if it is established. */
void evpn_adv_send(struct evpn_adv *ad, struct bgp_peer *p, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq,
		   bool sticky, bool withdraw);
/* The same to every established peer: an evpn_rib_ops.advertise decision, sent as it is made. */
void evpn_adv_all(struct evpn_adv *ad, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky,
		  bool withdraw);
/* A new session, or the peer's ROUTE-REFRESH: every route we originate, then End-of-RIB. */
void evpn_adv_dump(struct evpn_adv *ad, struct bgp_peer *p);

#endif
