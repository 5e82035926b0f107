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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "vtep_dp.h"

#define L3_ETH 14
#define L3_IPV4_HDR 20
#define L3_IPV6_HDR 40

enum l3_check {
	L3_ROUTE = 0,       /* route it: the destination is in *dst4 or dst6 */
	L3_MALFORMED,       /* a bad header (version, lengths, IPv4 checksum) */
	L3_NOT_UNICAST,     /* destination or source not a unicast address: never routed */
	L3_NOT_IP,          /* neither IPv4 nor IPv6 */
};

/* Unicast and routable: not 0/8, 127/8, 224/3 (multicast and class E, with the broadcast). */
static inline bool l3_ipv4_unicast(uint32_t a)
{
	return (a >> 24) != 0 && (a >> 24) != 127 && (a >> 29) != 7;
}

/* Unicast and routable beyond the link: not ::, ::1, multicast or link-local (fe80::/10). */
static inline bool l3_ipv6_unicast(const uint8_t *a)
{
	static const uint8_t zero[15];

	if (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
		return false;
	return memcmp(a, zero, 15) != 0 || a[15] > 1;
}

/*
 * Whether the IPv4 header ip of ihl bytes (a multiple of 4) has a right checksum: the one's
 * complement sum of its 16-bit words is 0xffff (RFC 1071). Summed 32 bits at a time and folded,
 * which gives the same sum (RFC 1071 2(C)) in either byte order; inline, as every routed packet
 * is checked.
 */
static inline bool l3_ipv4_csum_ok(const uint8_t *ip, uint32_t ihl)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < ihl; i += 4) {
		uint32_t w;

		memcpy(&w, ip + i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * Check the IP packet of the untagged Ethernet frame f (len bytes) for routing. IPv4:
 * *family 4 and *dst4 (host order); IPv6: *family 6 and dst6. The TTL is not looked at
 * here (l3_ttl_left). Inline: once per routed packet.
 */
static inline enum l3_check l3_route_check(const uint8_t *f, uint32_t len, uint8_t *family, uint32_t *dst4,
					   uint8_t dst6[16])
{
	const uint8_t *ip = f + L3_ETH;
	uint16_t type;

	if (len < L3_ETH)
		return L3_MALFORMED;
	type = bytes_rd16(f + 12);
	if (type == 0x0800) {
		uint32_t ihl, total;

		if (len < L3_ETH + L3_IPV4_HDR || (ip[0] >> 4) != 4)
			return L3_MALFORMED;
		ihl = (uint32_t)(ip[0] & 0x0f) * 4;
		total = bytes_rd16(ip + 2);
		if (ihl < L3_IPV4_HDR || total < ihl || total > len - L3_ETH || !l3_ipv4_csum_ok(ip, ihl))
			return L3_MALFORMED;
		if (!l3_ipv4_unicast(bytes_rd32(ip + 16)) || !l3_ipv4_unicast(bytes_rd32(ip + 12)))
			return L3_NOT_UNICAST;
		*family = 4;
		*dst4 = bytes_rd32(ip + 16);
		return L3_ROUTE;
	}
	if (type == 0x86dd) {
		if (len < L3_ETH + L3_IPV6_HDR || (ip[0] >> 4) != 6 ||
		    bytes_rd16(ip + 4) > len - L3_ETH - L3_IPV6_HDR)
			return L3_MALFORMED;
		if (!l3_ipv6_unicast(ip + 24) || !l3_ipv6_unicast(ip + 8))
			return L3_NOT_UNICAST;
		*family = 6;
		memcpy(dst6, ip + 24, 16);
		return L3_ROUTE;
	}
	return L3_NOT_IP;
}


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
 * source src_mac, destination dst_mac. Inline: once per routed packet.
 */
static inline void l3_forward(uint8_t *f, uint8_t family, const uint8_t src_mac[6], const uint8_t dst_mac[6])
{
	uint8_t *ip = f + L3_ETH;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	if (family == 4) {
		/* RFC 1624 eqn. 3 for the TTL/protocol word going down by 0x0100 */
		uint32_t sum = (uint32_t)(uint16_t)~bytes_rd16(ip + 10) + (uint16_t)~bytes_rd16(ip + 8);

		ip[8]--;
		sum += bytes_rd16(ip + 8);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		bytes_wr16(ip + 10, (uint16_t)~sum);
	} else {
		ip[7]--;
	}
}


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
