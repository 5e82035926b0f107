/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fabric.h: the daemon's BGP EVPN speaker bound to the switch (fabric.c): sessions on
 * sockets (control/bgp/), received routes into the FDB, the VTEPs and the ARP table,
 * local MACs advertised. Everything takes the switch (struct vtepd, switch.h); without a
 * bgp section in the configuration it is off and these are no-ops. Control thread only.
 */
#ifndef VTEP_FABRIC_H
#define VTEP_FABRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bgp;
struct evpn_rib;
struct vtepd;

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
/* Wall clock (microseconds) when an UPDATE last changed the FDB; 0: never. */
uint64_t fabric_fdb_changed_us(const struct vtepd *d);
struct evpn_rib *fabric_rib(const struct vtepd *d);
/* Neighbour i's routes: announced to us since it came up, in the RIB from it, ours it has now. */
void fabric_peer_routes(const struct vtepd *d, size_t i, uint64_t *received, uint64_t *accepted, uint64_t *sent);
struct bgp *fabric_speaker(const struct vtepd *d);

#endif
