/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * icmp.c: ICMPv4 "fragmentation needed" and ICMPv6 "packet too big" frames, and the
 * classification of a frame for the fast path's size decisions (see icmp.h).
 *
 * Offsets: Ethernet 0 dst, 6 src, 12 type; IPv4 at 14 (+0 version/IHL, +2 total length,
 * +6 flags/offset, +8 TTL, +9 protocol, +10 checksum, +12 src, +16 dst); IPv6 at 14 (+4
 * payload length, +6 next header, +7 hop limit, +8 src, +24 dst).
 */
#include "icmp.h"

#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd
#define IP4 ICMP_ETH_LEN
#define IP6 ICMP_ETH_LEN
#define IPV4_HDR 20
#define IPV6_HDR 40
#define ICMP_HDR 8
#define IPV4_DF 0x4000
#define IPV4_OFFSET_MASK 0x1fff
#define PROTO_ICMP 1
#define PROTO_FRAGMENT6 44
#define PROTO_ICMP6 58
#define ERROR_TTL 64

uint16_t icmp_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += bytes_rd16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A usable IPv4 header at frame + 14: returns its length (20..60), 0 when malformed. */
static size_t icmp_ipv4_hdr_len(const uint8_t *frame, size_t len)
{
	size_t ihl;

	if (len < ICMP_ETH_LEN + IPV4_HDR || bytes_rd16(frame + 12) != ETH_TYPE_IPV4 || (frame[IP4] >> 4) != 4)
		return 0;
	ihl = (size_t)(frame[IP4] & 0x0f) * 4;
	if (ihl < IPV4_HDR || len < ICMP_ETH_LEN + ihl || bytes_rd16(frame + IP4 + 2) < ihl ||
	    bytes_rd16(frame + IP4 + 2) > len - ICMP_ETH_LEN)
		return 0;
	return ihl;
}

enum icmp_frame_kind icmp_frame_kind(const uint8_t *frame, size_t len)
{
	if (len < ICMP_ETH_LEN)
		return ICMP_KIND_OTHER;
	if (bytes_rd16(frame + 12) == ETH_TYPE_IPV6)
		return len >= ICMP_ETH_LEN + IPV6_HDR && (frame[IP6] >> 4) == 6 ? ICMP_KIND_IPV6 : ICMP_KIND_OTHER;
	if (!icmp_ipv4_hdr_len(frame, len))
		return ICMP_KIND_OTHER;
	return (bytes_rd16(frame + IP4 + 6) & IPV4_DF) ? ICMP_KIND_IPV4_DF : ICMP_KIND_IPV4;
}

static bool icmp_ipv4_unicast(uint32_t a)
{
	return a != 0 && a != 0xffffffffu && (a >> 28) != 0xe && (a >> 24) != 127;
}

static bool icmp4_is_error_type(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* The Ethernet header of an answer: back to the sender, from the address it wrote to. */
static void icmp_eth_reply(uint8_t *out, const uint8_t *orig, uint16_t type)
{
	memcpy(out, orig + 6, 6);
	memcpy(out + 6, orig, 6);
	bytes_wr16(out + 12, type);
}

size_t icmp4_frag_needed(uint8_t *out, const uint8_t *orig, size_t orig_len, uint16_t mtu)
{
	size_t ihl = icmp_ipv4_hdr_len(orig, orig_len);
	size_t quote, ip_len;
	uint8_t *ip = out + IP4, *icmp;

	if (!ihl || (orig[0] & 1) || (orig[6] & 1))
		return 0;
	if (bytes_rd16(orig + IP4 + 6) & IPV4_OFFSET_MASK)
		return 0;   /* only the first fragment is answered */
	if (!icmp_ipv4_unicast(bytes_rd32(orig + IP4 + 12)) || !icmp_ipv4_unicast(bytes_rd32(orig + IP4 + 16)))
		return 0;
	if (orig[IP4 + 9] == PROTO_ICMP && (orig_len < ICMP_ETH_LEN + ihl + 1 ||
					    icmp4_is_error_type(orig[ICMP_ETH_LEN + ihl])))
		return 0;   /* never an error about an error */
	quote = bytes_rd16(orig + IP4 + 2);
	if (quote > ICMP4_QUOTE_MAX)
		quote = ICMP4_QUOTE_MAX;
	ip_len = IPV4_HDR + ICMP_HDR + quote;

	icmp_eth_reply(out, orig, ETH_TYPE_IPV4);
	memset(ip, 0, IPV4_HDR + ICMP_HDR);
	ip[0] = 0x45;
	bytes_wr16(ip + 2, (uint16_t)ip_len);
	ip[8] = ERROR_TTL;
	ip[9] = PROTO_ICMP;
	memcpy(ip + 12, orig + IP4 + 16, 4);
	memcpy(ip + 16, orig + IP4 + 12, 4);
	bytes_wr16(ip + 10, icmp_csum(ip, IPV4_HDR, 0));
	icmp = ip + IPV4_HDR;
	icmp[0] = 3;
	icmp[1] = 4;
	bytes_wr16(icmp + 6, mtu);
	memcpy(icmp + ICMP_HDR, orig + IP4, quote);
	bytes_wr16(icmp + 2, icmp_csum(icmp, ICMP_HDR + quote, 0));
	return ICMP_ETH_LEN + ip_len;
}

static bool icmp_ipv6_unicast(const uint8_t *a)
{
	static const uint8_t zero[16];

	return a[0] != 0xff && memcmp(a, zero, 16) != 0;
}

size_t icmp6_packet_too_big(uint8_t *out, const uint8_t *orig, size_t orig_len, uint32_t mtu)
{
	const uint8_t *o6 = orig + IP6;
	size_t quote;
	uint8_t *ip = out + IP6, *icmp;
	uint32_t sum = 0;

	if (icmp_frame_kind(orig, orig_len) != ICMP_KIND_IPV6 || (orig[0] & 1) || (orig[6] & 1))
		return 0;
	if (!icmp_ipv6_unicast(o6 + 8) || !icmp_ipv6_unicast(o6 + 24))
		return 0;
	if (o6[6] == PROTO_ICMP6 && (orig_len < ICMP_ETH_LEN + IPV6_HDR + 1 || o6[IPV6_HDR] < 128))
		return 0;   /* never an error about an error */
	if (o6[6] == PROTO_FRAGMENT6 && orig_len >= ICMP_ETH_LEN + IPV6_HDR + 4 &&
	    (bytes_rd16(o6 + IPV6_HDR + 2) & 0xfff8))
		return 0;   /* only the first fragment is answered */
	quote = IPV6_HDR + bytes_rd16(o6 + 4);
	if (quote > orig_len - ICMP_ETH_LEN)
		quote = orig_len - ICMP_ETH_LEN;
	if (quote > ICMP6_QUOTE_MAX)
		quote = ICMP6_QUOTE_MAX;

	icmp_eth_reply(out, orig, ETH_TYPE_IPV6);
	memset(ip, 0, IPV6_HDR + ICMP_HDR);
	ip[0] = 0x60;
	bytes_wr16(ip + 4, (uint16_t)(ICMP_HDR + quote));
	ip[6] = PROTO_ICMP6;
	ip[7] = ERROR_TTL;
	memcpy(ip + 8, o6 + 24, 16);
	memcpy(ip + 24, o6 + 8, 16);
	icmp = ip + IPV6_HDR;
	icmp[0] = 2;
	bytes_wr32(icmp + 4, mtu);
	memcpy(icmp + ICMP_HDR, o6, quote);
	/* pseudo-header: addresses, upper-layer length, next header */
	for (int i = 8; i < 40; i += 2)
		sum += bytes_rd16(ip + i);
	sum += (uint32_t)(ICMP_HDR + quote) + PROTO_ICMP6;
	bytes_wr16(icmp + 2, icmp_csum(icmp, ICMP_HDR + quote, sum));
	return ICMP_ETH_LEN + IPV6_HDR + ICMP_HDR + quote;
}
