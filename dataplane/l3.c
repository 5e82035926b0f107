/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l3.c: the routing step's checks, rewrite, time exceeded and glean requests on byte
 * buffers (see l3.h).
 *
 * Offsets: Ethernet 0 dst, 6 src, 12 type; IPv4 at 14 (+0 version/IHL, +2 total length,
 * +6 flags/offset, +8 TTL, +9 protocol, +10 checksum, +12 src, +16 dst); IPv6 at 14 (+4
 * payload length, +6 next header, +7 hop limit, +8 src, +24 dst).
 */
#include "l3.h"

#include <stdbool.h>
#include <string.h>

#include "icmp.h"

#define L3_ICMP_HDR 8
#define L3_PROTO_ICMP 1
#define L3_PROTO_FRAGMENT6 44
#define L3_PROTO_ICMP6 58
#define L3_ERROR_TTL 64
#define L3_ICMP4_QUOTE_MAX (576 - L3_IPV4_HDR - L3_ICMP_HDR)
#define L3_ICMP6_QUOTE_MAX (1280 - L3_IPV6_HDR - L3_ICMP_HDR)

static void l3_eth_header(uint8_t *out, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	bytes_wr16(out + 12, type);
}

/*
 * An ICMP error (type, code; info: the 32-bit word after the checksum) from the gateway g to
 * the sender of the checked IPv4 frame orig, quoting what 576 bytes allow.
 */
static size_t l3_icmp4_error(uint8_t *out, const uint8_t *orig, const struct dp_gateway *g, uint8_t type,
			     uint8_t code, uint32_t info)
{
	const uint8_t *o = orig + L3_ETH;
	uint8_t *ip = out + L3_ETH, *icmp = ip + L3_IPV4_HDR;
	size_t ihl = (size_t)(o[0] & 0x0f) * 4, quote = bytes_rd16(o + 2);   /* checked: within the frame */

	if (!g->ip4_on || (bytes_rd16(o + 6) & 0x1fff))
		return 0;       /* no address to answer from; only the first fragment is answered */
	if (o[9] == L3_PROTO_ICMP && (quote < ihl + 1 || o[ihl] == 3 || o[ihl] == 4 || o[ihl] == 5 ||
				      o[ihl] == 11 || o[ihl] == 12))
		return 0;       /* never an error about an error */
	if (quote > L3_ICMP4_QUOTE_MAX)
		quote = L3_ICMP4_QUOTE_MAX;
	l3_eth_header(out, orig + 6, g->mac, 0x0800);
	memset(ip, 0, L3_IPV4_HDR + L3_ICMP_HDR);
	ip[0] = 0x45;
	bytes_wr16(ip + 2, (uint16_t)(L3_IPV4_HDR + L3_ICMP_HDR + quote));
	ip[8] = L3_ERROR_TTL;
	ip[9] = L3_PROTO_ICMP;
	memcpy(ip + 12, &g->ip4, 4);
	memcpy(ip + 16, o + 12, 4);
	bytes_wr16(ip + 10, icmp_csum(ip, L3_IPV4_HDR, 0));
	icmp[0] = type;
	icmp[1] = code;
	bytes_wr16(icmp + 4, (uint16_t)(info >> 16));
	bytes_wr16(icmp + 6, (uint16_t)info);
	memcpy(icmp + L3_ICMP_HDR, o, quote);
	bytes_wr16(icmp + 2, icmp_csum(icmp, L3_ICMP_HDR + quote, 0));
	return L3_ETH + L3_IPV4_HDR + L3_ICMP_HDR + quote;
}

/* The ICMPv6 pseudo-header's sum (RFC 8200 8.1) for len bytes after the IPv6 header ip. */
static uint32_t l3_pseudo6(const uint8_t *ip, uint32_t len)
{
	uint32_t sum = (len >> 16) + (len & 0xffff) + L3_PROTO_ICMP6;

	for (int i = 8; i < 40; i += 2)
		sum += bytes_rd16(ip + i);
	return sum;
}

/* The same for IPv6 (RFC 4443 2.4), quoting what 1280 bytes allow. */
static size_t l3_icmp6_error(uint8_t *out, const uint8_t *orig, size_t orig_len, const struct dp_gateway *g,
			     uint8_t type, uint8_t code, uint32_t info)
{
	const uint8_t *o = orig + L3_ETH;
	uint8_t *ip = out + L3_ETH, *icmp = ip + L3_IPV6_HDR;
	size_t quote = L3_IPV6_HDR + (size_t)bytes_rd16(o + 4);

	if (!g->ip6_on)
		return 0;
	if (o[6] == L3_PROTO_ICMP6 && (orig_len < L3_ETH + L3_IPV6_HDR + 1 || o[L3_IPV6_HDR] < 128))
		return 0;       /* never an error about an error */
	if (o[6] == L3_PROTO_FRAGMENT6 && orig_len >= L3_ETH + L3_IPV6_HDR + 4 &&
	    (bytes_rd16(o + L3_IPV6_HDR + 2) & 0xfff8))
		return 0;       /* only the first fragment is answered */
	if (quote > L3_ICMP6_QUOTE_MAX)
		quote = L3_ICMP6_QUOTE_MAX;
	l3_eth_header(out, orig + 6, g->mac, 0x86dd);
	memset(ip, 0, L3_IPV6_HDR + L3_ICMP_HDR);
	ip[0] = 0x60;
	bytes_wr16(ip + 4, (uint16_t)(L3_ICMP_HDR + quote));
	ip[6] = L3_PROTO_ICMP6;
	ip[7] = L3_ERROR_TTL;
	memcpy(ip + 8, g->ip6, 16);
	memcpy(ip + 24, o + 8, 16);
	icmp[0] = type;
	icmp[1] = code;
	bytes_wr16(icmp + 4, (uint16_t)(info >> 16));
	bytes_wr16(icmp + 6, (uint16_t)info);
	memcpy(icmp + L3_ICMP_HDR, o, quote);
	bytes_wr16(icmp + 2, icmp_csum(icmp, L3_ICMP_HDR + quote, l3_pseudo6(ip, (uint32_t)(L3_ICMP_HDR + quote))));
	return L3_ETH + L3_IPV6_HDR + L3_ICMP_HDR + quote;
}

size_t l3_time_exceeded(uint8_t *out, const uint8_t *orig, size_t orig_len, uint8_t family,
			const struct dp_gateway *g)
{
	/* ICMP type 11 code 0 / ICMPv6 type 3 code 0: TTL / hop limit exceeded in transit */
	return family == 4 ? l3_icmp4_error(out, orig, g, 11, 0, 0) : l3_icmp6_error(out, orig, orig_len, g, 3, 0, 0);
}

size_t l3_too_big(uint8_t *out, const uint8_t *orig, size_t orig_len, uint8_t family, const struct dp_gateway *g,
		  uint16_t mtu)
{
	/* ICMP type 3 code 4 with the next-hop MTU (RFC 1191 4) / ICMPv6 packet too big (RFC 4443 3.2) */
	return family == 4 ? l3_icmp4_error(out, orig, g, 3, 4, mtu) : l3_icmp6_error(out, orig, orig_len, g, 2, 0, mtu);
}

size_t l3_arp_request(uint8_t *out, const struct dp_gateway *g, uint32_t target)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t head[8] = { 0, 1, 0x08, 0x00, 6, 4, 0, 1 };   /* Ethernet, IPv4, request */
	uint8_t *a = out + L3_ETH;

	if (!g->ip4_on)
		return 0;
	l3_eth_header(out, bcast, g->mac, 0x0806);
	memcpy(a, head, 8);
	memcpy(a + 8, g->mac, 6);
	memcpy(a + 14, &g->ip4, 4);
	memset(a + 18, 0, 6);
	memcpy(a + 24, &target, 4);
	return L3_ARP_LEN;
}

size_t l3_neighbour_solicit(uint8_t *out, const struct dp_gateway *g, const uint8_t target[16])
{
	uint8_t *ip = out + L3_ETH, *icmp = ip + L3_IPV6_HDR;
	uint8_t mac[6] = { 0x33, 0x33, 0xff, target[13], target[14], target[15] };
	static const uint8_t snm[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	if (!g->ip6_on)
		return 0;
	l3_eth_header(out, mac, g->mac, 0x86dd);
	memset(ip, 0, L3_IPV6_HDR + 32);
	ip[0] = 0x60;
	bytes_wr16(ip + 4, 32);
	ip[6] = L3_PROTO_ICMP6;
	ip[7] = 255;
	memcpy(ip + 8, g->ip6, 16);
	memcpy(ip + 24, snm, 13);
	memcpy(ip + 37, target + 13, 3);
	icmp[0] = 135;
	memcpy(icmp + 8, target, 16);
	icmp[24] = 1;           /* source link-layer address, 8 bytes */
	icmp[25] = 1;
	memcpy(icmp + 26, g->mac, 6);
	bytes_wr16(icmp + 2, icmp_csum(icmp, 32, l3_pseudo6(ip, 32)));
	return L3_NS_LEN;
}
