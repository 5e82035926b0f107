/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fabric.h: the daemon's BGP EVPN speaker bound to the switch (fabric.c): sessions on
 * sockets (control/bgp/), received routes into the FDB, the VTEPs, the ARP table and the VRFs,
 * local MACs advertised. Everything takes the switch (struct vtepd, switch.h); without a
 * bgp section in the configuration it is off and these are no-ops. Control thread only.
 */
#ifndef VTEP_FABRIC_H
#define VTEP_FABRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bgp;
struct evpn_adv_prefix;
struct evpn_adv_vrf;
struct evpn_rib;
struct evpn_rib_vrf;
struct vtepd;

/* What the RIB pushed out for a VRF (evpn_rib_ops.l3_route): best routes changed, and gone. */
struct fabric_vrf_stats {
	uint64_t l3_updates, l3_withdrawals;
};

/* Start the speaker when the configuration has a bgp section (sets the switch's hooks). 0 or errno. */
int fabric_start(struct vtepd *d);
void fabric_stop(struct vtepd *d);
/* The speaker's descriptor for the event loop, -1 when off. */
int fabric_fd(const struct vtepd *d);
void fabric_process(struct vtepd *d);
void fabric_tick(struct vtepd *d);
/* A local MAC appeared (learned, attached) or went away; its IP binding. No-ops without BGP. */
void fabric_local_mac(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], bool present);
void fabric_local_ip(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], uint32_t ip);
void fabric_local_ip6(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], const uint8_t ip6[16]);
void fabric_local_ip_del(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], uint8_t ip_len, const void *ip);
/* Wall clock (microseconds) when an UPDATE last changed the FDB; 0: never. */
uint64_t fabric_fdb_changed_us(const struct vtepd *d);
struct evpn_rib *fabric_rib(const struct vtepd *d);
/* Neighbour i's routes: announced to us since it came up, in the RIB from it, ours it has now. */
void fabric_peer_routes(const struct vtepd *d, size_t i, uint64_t *received, uint64_t *accepted, uint64_t *sent);
struct bgp *fabric_speaker(const struct vtepd *d);

struct vtep_bgp_config;
/*
 * The configuration reload (doc/reload.md): the neighbours of new_bgp against the running
 * ones, matched by address. An unchanged one keeps its session; a removed one gets Cease/3 and
 * its routes leave the RIB (and the FDB, flood lists, ARP table and VRFs) at once, without
 * graceful-restart keeping; a new one starts as at startup; a changed one is reset (Cease/6)
 * and starts again with its new settings, except for a description or max_routes alone (no
 * reset; a lower max_routes already exceeded stops it as an UPDATE would). The global bgp
 * settings (asn, router_id, listen ...) and adding or removing the bgp section need a restart:
 * refused. dry_run: only check, change nothing; a check that passed makes the apply that
 * follows succeed (but for a lack of memory). 0, or a positive errno with err as "KEY: what"
 * (KEY the configuration key: "bgp.asn", "bgp.neighbors[2]"; a neighbour by its address).
 */
int fabric_neighbors_apply(struct vtepd *d, const struct vtep_bgp_config *new_bgp, bool dry_run, char *err,
			   size_t errlen);

/* The L3 leaf. VRF i's router MAC: its router_mac, or (auto) the first uplink's MAC; works without BGP. */
void fabric_router_mac(const struct vtepd *d, size_t i, uint8_t mac[6]);
/* VRF i (index in cfg.vrfs) as our routes carry it (RD, router MAC, export RTs), and as the RIB
 * imports into it (import RTs, auto); NULL without BGP or past the VRFs. */
const struct evpn_adv_vrf *fabric_vrf(const struct vtepd *d, size_t i);
const struct evpn_rib_vrf *fabric_rib_vrf(const struct vtepd *d, size_t i);
void fabric_vrf_get_stats(const struct vtepd *d, size_t i, struct fabric_vrf_stats *st);
/* Our type-5 prefixes (advertise, and advertise_subnets' gateway subnets); NULL and 0 without BGP. */
const struct evpn_adv_prefix *fabric_prefixes(const struct vtepd *d, size_t *n);

#endif
