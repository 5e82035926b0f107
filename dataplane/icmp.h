/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * icmp.h: the ICMP errors vtepd sends back to a container whose packet cannot cross the
 * overlay whole: ICMPv4 "fragmentation needed" (type 3 code 4, RFC 792/1191) and ICMPv6
 * "packet too big" (type 2, RFC 4443). Pure functions on byte buffers (no DPDK), so they
 * are unit-tested alone.
 *
 * The error is built as the path would have answered: from the original destination (its
 * MAC and IP address as source) to the original sender, quoting as much of the original
 * packet as the minimum MTU allows (576 bytes of IPv4, 1280 of IPv6), which is what Linux's
 * tunnels do for bridged traffic. No error is built for a packet that must not get one:
 * an ICMP error itself, a non-first fragment, a broadcast, multicast or unspecified source
 * or destination.
 */
#ifndef VTEP_ICMP_H
#define VTEP_ICMP_H

#include <stddef.h>
#include <stdint.h>

#define ICMP_ETH_LEN 14
#define ICMP4_QUOTE_MAX (576 - 20 - 8)       /* original bytes quoted in an ICMPv4 error */
#define ICMP6_QUOTE_MAX (1280 - 40 - 8)      /* ... in an ICMPv6 error */
#define ICMP_FRAME_MAX (ICMP_ETH_LEN + 1280) /* the largest error frame built here */

/*
 * What sort of frame this is, for the size decisions of the fast path: frame points to an
 * Ethernet header, len bytes. ICMP_KIND_IPV4_DF and _IPV4 need a well-formed IPv4 header.
 */
enum icmp_frame_kind {
	ICMP_KIND_OTHER = 0,     /* not IP, or a malformed IP header */
	ICMP_KIND_IPV4,          /* IPv4, DF clear: may be fragmented */
	ICMP_KIND_IPV4_DF,       /* IPv4, DF set: answered with "fragmentation needed" */
	ICMP_KIND_IPV6,          /* IPv6: answered with "packet too big" */
};
enum icmp_frame_kind icmp_frame_kind(const uint8_t *frame, size_t len);

/*
 * Build into out (at least ICMP_FRAME_MAX bytes) the Ethernet frame of an ICMPv4
 * "fragmentation needed and DF set" answering the IPv4 frame orig (orig_len bytes), with
 * next-hop MTU mtu. Returns the frame's length, or 0 when orig must not be answered.
 */
size_t icmp4_frag_needed(uint8_t *out, const uint8_t *orig, size_t orig_len, uint16_t mtu);

/* The same for an IPv6 frame: ICMPv6 "packet too big" with MTU mtu. */
size_t icmp6_packet_too_big(uint8_t *out, const uint8_t *orig, size_t orig_len, uint32_t mtu);

/* The Internet checksum (RFC 1071) of len bytes, added to sum (host order partial sums). */
uint16_t icmp_csum(const uint8_t *p, size_t len, uint32_t sum);

#endif
