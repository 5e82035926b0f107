/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gateway.h: the distributed anycast gateway's own answers on byte buffers (no mbufs): ICMP
 * and ICMPv6 echo replies and IPv6 neighbour advertisements, built in place from the frame
 * that asked, and the verdict on every other frame addressed to the gateway. ARP for the
 * gateway is answered by fastpath.c with the ARP suppression code. What is answered and
 * why (RFC 792, RFC 1122 3.2.2.6, RFC 4443 4.2, RFC 4861 7.1.1 and 7.2.4):
 *  - echo requests to the gateway's IPv4, IPv6 or link-local address: an unfragmented IPv4
 *    packet without options, or an IPv6 packet whose next header is ICMPv6, with a valid
 *    checksum and a unicast source. Fragments are dropped (not reassembled);
 *  - neighbour solicitations for the gateway's IPv6 or link-local address, to the target
 *    itself or to its solicited-node group, valid by RFC 4861 7.1.1 (hop limit 255, code 0,
 *    at least 24 bytes, valid checksum, options of non-zero length within the message):
 *    a solicited advertisement with the router and override flags and the target
 *    link-layer address option (the gateway MAC). A duplicate address probe (unspecified
 *    source) or an advertisement for the gateway's address from a container is a conflict;
 *  - router solicitations are not answered (no router advertisements are configured): they
 *    are forwarded as any multicast.
 * And which IPv6 address a container's neighbour discovery tells (gw_nd_learnable), for the
 * fast path to learn its /128 host route.
 */
#ifndef VTEP_GATEWAY_H
#define VTEP_GATEWAY_H

#include <stdint.h>

#include "vtep_dp.h"

enum gw_result {
	GW_PASS = 0,        /* not the gateway's business: forward as usual */
	GW_ECHO_REPLY,      /* the frame is now the echo reply: send it back (its length in *len) */
	GW_NA,              /* the frame is now the neighbour advertisement: send it back */
	GW_UNROUTED,        /* to the gateway MAC, not to its address: for routing */
	GW_OTHER,           /* to its address, not an echo request or a solicitation */
	GW_FRAGMENT,        /* a fragment to its address */
	GW_MALFORMED,       /* to it, malformed */
	GW_CONFLICT,        /* claims or probes its address */
	GW_NO_ROOM,         /* a valid solicitation, but no room in the buffer for the answer */
};

/*
 * A frame from a container addressed to the gateway's MAC (not ARP): *len bytes at frame,
 * room bytes writable there. An answer is built in place and its length put in *len.
 */
enum gw_result gw_to_gateway(const struct dp_gateway *g, uint8_t *frame, uint32_t *len, uint32_t room);

/*
 * An IPv6 multicast frame (destination 33:33:...) from a container: a solicitation for the
 * gateway's address is answered in place; GW_PASS for whatever else (forwarded as usual).
 */
enum gw_result gw_ipv6_multicast(const struct dp_gateway *g, uint8_t *frame, uint32_t *len, uint32_t room);

/* What gw_nd_learnable found: nothing to learn, or a solicitation or advertisement to learn from. */
enum gw_nd_kind {
	GW_ND_NONE = 0,
	GW_ND_SOLICIT,
	GW_ND_ADVERT,
};

/*
 * A frame from a container (len bytes at frame): if it is an ICMPv6 neighbour solicitation or
 * advertisement valid by RFC 4861 7.1.1 / 7.1.2 (hop limit 255, code 0, at least 24 bytes,
 * a valid checksum, options of non-zero length within the message, and for an advertisement
 * to a multicast group the solicited flag clear) that tells which global address the frame's
 * Ethernet source uses, put that address in addr and say which kind it was:
 *  - a solicitation from a global unicast source (not ::, not link-local fe80::/10, not
 *    multicast or loopback) whose source link-layer address option is the Ethernet source;
 *  - an advertisement whose target is a global unicast address and whose target
 *    link-layer address option, when it has one, is the Ethernet source.
 * GW_ND_NONE for anything else (not ND, malformed, link-local, a proxy's answer).
 */
enum gw_nd_kind gw_nd_learnable(const uint8_t *frame, uint32_t len, uint8_t addr[16]);

#endif
