/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l3.h: the routing step's work on byte buffers (no mbufs, no DPDK), for frames a container
 * sent to the anycast gateway's MAC that are not for the gateway itself (gateway.c answers
 * those): checking an IP packet before it is routed (RFC 1812 5.2.2, RFC 8200), forwarding it
 * (TTL or hop limit decremented, the IPv4 checksum updated incrementally per RFC 1624, the
 * Ethernet addresses rewritten), the ICMP / ICMPv6 errors the gateway sends back when the
 * TTL runs out or the packet is too big for its way on (RFC 792, RFC 1191, RFC 4443), and the ARP request / neighbour solicitation
 * the gateway sends to find a host's MAC (glean). fastpath.c does the lookups and the sending.
 */
#ifndef VTEP_L3_H
#define VTEP_L3_H

#include <stddef.h>
#include <stdint.h>

#include "vtep_dp.h"

enum l3_check {
	L3_ROUTE = 0,       /* route it: the destination is in *dst4 or dst6 */
	L3_MALFORMED,       /* a bad header (version, lengths, IPv4 checksum) */
	L3_NOT_UNICAST,     /* destination or source not a unicast address: never routed */
	L3_NOT_IP,          /* neither IPv4 nor IPv6 */
};

/*
 * Check the IP packet of the untagged Ethernet frame f (len bytes) for routing. IPv4:
 * *family 4 and *dst4 (host order); IPv6: *family 6 and dst6. The TTL is not looked at
 * here (l3_ttl_left).
 */
enum l3_check l3_route_check(const uint8_t *f, uint32_t len, uint8_t *family, uint32_t *dst4, uint8_t dst6[16]);

/* Whether a routed packet of that family may be forwarded: its TTL / hop limit is above 1. */
static inline int l3_ttl_left(const uint8_t *f, uint8_t family)
{
	return family == 4 ? f[14 + 8] > 1 : f[14 + 7] > 1;
}

/* Whether a packet of that family arrived with no TTL / hop limit at all (0): never delivered. */
static inline int l3_ttl_zero(const uint8_t *f, uint8_t family)
{
	return family == 4 ? f[14 + 8] == 0 : f[14 + 7] == 0;
}

/*
 * Forward a checked packet: TTL / hop limit minus one (the IPv4 checksum adjusted), Ethernet
 * source src_mac, destination dst_mac.
 */
void l3_forward(uint8_t *f, uint8_t family, const uint8_t src_mac[6], const uint8_t dst_mac[6]);

#define L3_ICMP_FRAME_MAX (14 + 1280)   /* the largest error frame built here (ICMPv6) */

/*
 * Build into out (at least L3_ICMP_FRAME_MAX bytes) the "time exceeded in transit" (ICMP type
 * 11 code 0, ICMPv6 type 3 code 0) answering the checked frame orig (orig_len bytes, of
 * family): from the gateway g (its MAC, its IPv4 or global IPv6 address) back to the sender's
 * MAC and address, quoting as much as 576 (IPv4) / 1280 (IPv6) bytes allow. Returns the
 * frame's length, 0 when orig must not be answered (an ICMP error, a non-first fragment, the
 * gateway has no address of that family).
 */
size_t l3_time_exceeded(uint8_t *out, const uint8_t *orig, size_t orig_len, uint8_t family,
			const struct dp_gateway *g);

/*
 * The same frame for a checked packet too big for the port it is routed to (IPv4 with DF
 * set, or IPv6): "fragmentation needed" (ICMP type 3 code 4, RFC 1191) or "packet too big"
 * (ICMPv6 type 2), carrying mtu, from the gateway g back to the sender. Call it before the
 * packet is rewritten (its source MAC is where the answer goes). 0 as above.
 */
size_t l3_too_big(uint8_t *out, const uint8_t *orig, size_t orig_len, uint8_t family, const struct dp_gateway *g,
		  uint16_t mtu);

#define L3_ARP_LEN 42               /* Ethernet + ARP */
#define L3_NS_LEN (14 + 40 + 32)    /* Ethernet + IPv6 + NS with the source link-layer address option */

/*
 * The gateway g asks for target's MAC: a broadcast ARP request from its MAC and IPv4 address
 * for target (network order) into out (L3_ARP_LEN bytes). 0 when g has no IPv4 address.
 */
size_t l3_arp_request(uint8_t *out, const struct dp_gateway *g, uint32_t target);
/*
 * The same for IPv6: a neighbour solicitation to target's solicited-node group, from the
 * gateway's IPv6 address, with its MAC as the source link-layer address (L3_NS_LEN bytes).
 */
size_t l3_neighbour_solicit(uint8_t *out, const struct dp_gateway *g, const uint8_t target[16]);

#endif
