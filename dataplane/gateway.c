/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gateway.c: the anycast gateway's echo replies and neighbour advertisements, built in place,
 * and its verdicts on the other frames addressed to it (see gateway.h).
 *
 * Offsets: Ethernet 0 dst, 6 src, 12 type; IPv4 at 14 (+0 version/IHL, +2 total length,
 * +6 flags/offset, +8 TTL, +9 protocol, +10 checksum, +12 src, +16 dst); IPv6 at 14 (+4
 * payload length, +6 next header, +7 hop limit, +8 src, +24 dst); ICMPv6 at 54 (+0 type,
 * +1 code, +2 checksum; NS/NA: +4 flags, +8 target, +24 options).
 */
#include "gateway.h"

#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "icmp.h"

#define GW_ETH 14
#define GW_ETH_IPV4 0x0800
#define GW_ETH_IPV6 0x86dd
#define GW_IPV4_HDR 20
#define GW_IPV6_HDR 40
#define GW_PROTO_ICMP 1
#define GW_PROTO_FRAGMENT6 44
#define GW_PROTO_ICMP6 58
#define GW_ICMP_ECHO 8
#define GW_ICMP_ECHO_REPLY 0
#define GW_ICMP6_ECHO 128
#define GW_ICMP6_ECHO_REPLY 129
#define GW_ND_NS 135
#define GW_ND_NA 136
#define GW_ND_HDR 24                    /* type, code, checksum, flags or reserved, target */
#define GW_ND_OPT_SLLA 1
#define GW_ND_OPT_TLLA 2
#define GW_NA_LEN (GW_ND_HDR + 8)       /* with the target link-layer address option */
#define GW_NA_FLAGS 0xe0                /* router, solicited, override */
#define GW_ND_HOP_LIMIT 255
#define GW_REPLY_TTL 64

/* Ethernet header of an answer: back to the sender, from the gateway's MAC. */
static void gw_eth_reply(const struct dp_gateway *g, uint8_t *f)
{
	memcpy(f, f + 6, 6);
	memcpy(f + 6, g->mac, 6);
}

/* A checksum hc after one of the words it covers went from old to new (RFC 1624, eqn. 3). */
static uint16_t gw_csum_adjust(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint32_t)(uint16_t)~hc + (uint16_t)~old + new;

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The ICMPv6 pseudo-header's sum (RFC 8200 8.1) for len bytes after the IPv6 header ip6. */
static uint32_t gw_pseudo6(const uint8_t *ip6, uint32_t len)
{
	uint32_t sum = (len >> 16) + (len & 0xffff) + GW_PROTO_ICMP6;

	for (int i = 8; i < 40; i += 2)
		sum += bytes_rd16(ip6 + i);
	return sum;
}

static bool gw_ipv4_unicast(uint32_t a)   /* host order */
{
	return a != 0 && a != 0xffffffffu && (a >> 28) != 0xe && (a >> 24) != 127;
}

static bool gw_ipv6_unicast(const uint8_t *a)
{
	static const uint8_t zero[16];

	return a[0] != 0xff && memcmp(a, zero, 16) != 0;
}

/* One of the gateway's IPv6 addresses: its own or its link-local. */
static bool gw_ipv6_is_ours(const struct dp_gateway *g, const uint8_t *a)
{
	return g->ip6_on && (!memcmp(a, g->ip6, 16) || !memcmp(a, g->ll6, 16));
}

/* a is the solicited-node multicast group of target (RFC 4291 2.7.1: ff02::1:ff00:0/104). */
static bool gw_is_solicited_node(const uint8_t *a, const uint8_t *target)
{
	static const uint8_t prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	return !memcmp(a, prefix, 13) && !memcmp(a + 13, target + 13, 3);
}

static enum gw_result gw_ipv4(const struct dp_gateway *g, uint8_t *f, uint32_t *len)
{
	uint8_t *ip = f + GW_ETH, *icmp;
	uint32_t ihl, total, src, dst;
	uint16_t old;

	if (*len < GW_ETH + GW_IPV4_HDR || (ip[0] >> 4) != 4)
		return GW_MALFORMED;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	total = bytes_rd16(ip + 2);
	if (ihl < GW_IPV4_HDR || total < ihl || total > *len - GW_ETH)
		return GW_MALFORMED;
	memcpy(&dst, ip + 16, 4);
	if (!g->ip4_on || dst != g->ip4)
		return GW_UNROUTED;
	if (icmp_csum(ip, ihl, 0) != 0)
		return GW_MALFORMED;
	if (bytes_rd16(ip + 6) & 0x3fff)          /* more fragments, or an offset */
		return GW_FRAGMENT;
	if (ip[9] != GW_PROTO_ICMP || ihl != GW_IPV4_HDR)
		return GW_OTHER;                /* not ICMP, or with options */
	if (total - ihl < 8)
		return GW_MALFORMED;
	icmp = ip + ihl;
	if (icmp[0] != GW_ICMP_ECHO)
		return GW_OTHER;
	memcpy(&src, ip + 12, 4);
	if (!gw_ipv4_unicast((uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 | (uint32_t)ip[14] << 8 | ip[15]) ||
	    icmp_csum(icmp, total - ihl, 0) != 0)
		return GW_MALFORMED;

	/* the reply, in place: addresses swapped, a fresh TTL, type 0, the checksum adjusted */
	gw_eth_reply(g, f);
	memcpy(ip + 12, &dst, 4);
	memcpy(ip + 16, &src, 4);
	ip[8] = GW_REPLY_TTL;
	bytes_wr16(ip + 10, 0);
	bytes_wr16(ip + 10, icmp_csum(ip, GW_IPV4_HDR, 0));
	old = bytes_rd16(icmp);
	icmp[0] = GW_ICMP_ECHO_REPLY;
	icmp[1] = 0;
	bytes_wr16(icmp + 2, gw_csum_adjust(bytes_rd16(icmp + 2), old, bytes_rd16(icmp)));
	*len = GW_ETH + total;
	return GW_ECHO_REPLY;
}

/*
 * A neighbour solicitation whose target (at icmp + 8, readable) is one of the gateway's
 * addresses, plen bytes of ICMPv6 within the frame: validate (RFC 4861 7.1.1), then turn
 * it into the solicited advertisement (7.2.4).
 */
static enum gw_result gw_ns(const struct dp_gateway *g, uint8_t *f, uint32_t *len, uint32_t room, uint32_t plen)
{
	uint8_t *ip = f + GW_ETH, *icmp = ip + GW_IPV6_HDR;
	static const uint8_t unspecified[16];
	uint8_t target[16], peer[16];
	bool dad = !memcmp(ip + 8, unspecified, 16);

	if (ip[7] != GW_ND_HOP_LIMIT || icmp[1] != 0 || plen < GW_ND_HDR || ip[8] == 0xff)
		return GW_MALFORMED;
	if (icmp_csum(icmp, plen, gw_pseudo6(ip, plen)) != 0)
		return GW_MALFORMED;
	for (uint32_t off = GW_ND_HDR; off < plen;) {
		uint32_t olen;

		if (plen - off < 2)
			return GW_MALFORMED;
		olen = (uint32_t)icmp[off + 1] * 8;
		if (olen == 0 || olen > plen - off || (dad && icmp[off] == GW_ND_OPT_SLLA))
			return GW_MALFORMED;
		off += olen;
	}
	if (memcmp(ip + 24, icmp + 8, 16) && !gw_is_solicited_node(ip + 24, icmp + 8))
		return GW_MALFORMED;            /* to neither the target nor its group */
	if (dad)
		return GW_CONFLICT;             /* a container probing for the gateway's address */
	if (room < GW_ETH + GW_IPV6_HDR + GW_NA_LEN)
		return GW_NO_ROOM;

	memcpy(target, icmp + 8, 16);
	memcpy(peer, ip + 8, 16);
	gw_eth_reply(g, f);
	memset(ip, 0, GW_IPV6_HDR + GW_NA_LEN);
	ip[0] = 0x60;
	bytes_wr16(ip + 4, GW_NA_LEN);
	ip[6] = GW_PROTO_ICMP6;
	ip[7] = GW_ND_HOP_LIMIT;
	memcpy(ip + 8, target, 16);
	memcpy(ip + 24, peer, 16);
	icmp[0] = GW_ND_NA;
	icmp[4] = GW_NA_FLAGS;
	memcpy(icmp + 8, target, 16);
	icmp[GW_ND_HDR] = GW_ND_OPT_TLLA;
	icmp[GW_ND_HDR + 1] = 1;
	memcpy(icmp + GW_ND_HDR + 2, g->mac, 6);
	bytes_wr16(icmp + 2, icmp_csum(icmp, GW_NA_LEN, gw_pseudo6(ip, GW_NA_LEN)));
	*len = GW_ETH + GW_IPV6_HDR + GW_NA_LEN;
	return GW_NA;
}

static enum gw_result gw_ipv6(const struct dp_gateway *g, uint8_t *f, uint32_t *len, uint32_t room)
{
	uint8_t *ip = f + GW_ETH, *icmp = ip + GW_IPV6_HDR;
	uint8_t tmp[16];
	uint32_t plen;
	uint16_t old;

	if (*len < GW_ETH + GW_IPV6_HDR || (ip[0] >> 4) != 6)
		return GW_MALFORMED;
	plen = bytes_rd16(ip + 4);
	if (plen > *len - GW_ETH - GW_IPV6_HDR)
		return GW_MALFORMED;
	if (!gw_ipv6_is_ours(g, ip + 24))
		return GW_UNROUTED;
	if (ip[6] == GW_PROTO_FRAGMENT6)
		return GW_FRAGMENT;
	if (ip[6] != GW_PROTO_ICMP6)
		return GW_OTHER;
	if (plen < 8)
		return GW_MALFORMED;
	switch (icmp[0]) {
	case GW_ICMP6_ECHO:
		break;
	case GW_ND_NS:
		return plen >= GW_ND_HDR && gw_ipv6_is_ours(g, icmp + 8) ? gw_ns(g, f, len, room, plen) : GW_MALFORMED;
	case GW_ND_NA:
		return plen >= GW_ND_HDR && gw_ipv6_is_ours(g, icmp + 8) ? GW_CONFLICT : GW_OTHER;
	default:
		return GW_OTHER;
	}
	if (!gw_ipv6_unicast(ip + 8) || icmp_csum(icmp, plen, gw_pseudo6(ip, plen)) != 0)
		return GW_MALFORMED;

	/* the reply, in place: addresses swapped (the pseudo-header's sum stays), type 129 */
	gw_eth_reply(g, f);
	memcpy(tmp, ip + 8, 16);
	memcpy(ip + 8, ip + 24, 16);
	memcpy(ip + 24, tmp, 16);
	ip[7] = GW_REPLY_TTL;
	old = bytes_rd16(icmp);
	icmp[0] = GW_ICMP6_ECHO_REPLY;
	icmp[1] = 0;
	bytes_wr16(icmp + 2, gw_csum_adjust(bytes_rd16(icmp + 2), old, bytes_rd16(icmp)));
	*len = GW_ETH + GW_IPV6_HDR + plen;
	return GW_ECHO_REPLY;
}

/* An address a host may be routed to: not ::, ::1, multicast ff00::/8 or link-local fe80::/10. */
static bool gw_ipv6_global(const uint8_t *a)
{
	static const uint8_t loopback[16] = { [15] = 1 };

	return gw_ipv6_unicast(a) && memcmp(a, loopback, 16) != 0 && !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

enum gw_nd_kind gw_nd_learnable(const uint8_t *frame, uint32_t len, uint8_t addr[16])
{
	const uint8_t *ip = frame + GW_ETH, *icmp = ip + GW_IPV6_HDR, *src_mac = frame + 6, *lla = NULL;
	uint8_t want_opt;
	uint32_t plen;

	if (len < GW_ETH + GW_IPV6_HDR + GW_ND_HDR || bytes_rd16(frame + 12) != GW_ETH_IPV6 || (ip[0] >> 4) != 6 ||
	    ip[6] != GW_PROTO_ICMP6 || ip[7] != GW_ND_HOP_LIMIT || (icmp[0] != GW_ND_NS && icmp[0] != GW_ND_NA) ||
	    icmp[1] != 0)
		return GW_ND_NONE;
	plen = bytes_rd16(ip + 4);
	if (plen < GW_ND_HDR || plen > len - GW_ETH - GW_IPV6_HDR)
		return GW_ND_NONE;
	if (icmp[0] == GW_ND_NS ? !gw_ipv6_global(ip + 8) : !gw_ipv6_global(icmp + 8))
		return GW_ND_NONE;              /* nothing routable to learn: checked before the checksum */
	if (icmp[0] == GW_ND_NA && ip[24] == 0xff && (icmp[4] & 0x40))
		return GW_ND_NONE;              /* solicited, yet to a group (RFC 4861 7.1.2) */
	if (icmp_csum(icmp, plen, gw_pseudo6(ip, plen)) != 0)
		return GW_ND_NONE;
	want_opt = icmp[0] == GW_ND_NS ? GW_ND_OPT_SLLA : GW_ND_OPT_TLLA;
	for (uint32_t off = GW_ND_HDR; off < plen;) {
		uint32_t olen;

		if (plen - off < 2)
			return GW_ND_NONE;
		olen = (uint32_t)icmp[off + 1] * 8;
		if (olen == 0 || olen > plen - off)
			return GW_ND_NONE;
		if (icmp[off] == want_opt && olen == 8)
			lla = icmp + off + 2;
		off += olen;
	}
	if (icmp[0] == GW_ND_NS) {
		if (!lla || memcmp(lla, src_mac, 6))
			return GW_ND_NONE;      /* no source link-layer address, or not the frame's sender */
		memcpy(addr, ip + 8, 16);
		return GW_ND_SOLICIT;
	}
	if (lla && memcmp(lla, src_mac, 6))
		return GW_ND_NONE;              /* advertising another MAC than its own (a proxy) */
	memcpy(addr, icmp + 8, 16);
	return GW_ND_ADVERT;
}

enum gw_result gw_to_gateway(const struct dp_gateway *g, uint8_t *frame, uint32_t *len, uint32_t room)
{
	uint16_t type;

	if (*len < GW_ETH)
		return GW_MALFORMED;
	type = bytes_rd16(frame + 12);
	if (type == GW_ETH_IPV4)
		return gw_ipv4(g, frame, len);
	if (type == GW_ETH_IPV6)
		return gw_ipv6(g, frame, len, room);
	return GW_UNROUTED;
}

enum gw_result gw_ipv6_multicast(const struct dp_gateway *g, uint8_t *frame, uint32_t *len, uint32_t room)
{
	const uint8_t *d = frame, *ip = frame + GW_ETH, *icmp = ip + GW_IPV6_HDR;
	uint32_t plen;

	/* only the solicited-node groups of the gateway's addresses, and all-nodes (advertisements) */
	if (!g->ip6_on || *len < GW_ETH + GW_IPV6_HDR + GW_ND_HDR || bytes_rd16(frame + 12) != GW_ETH_IPV6)
		return GW_PASS;
	if (!(d[2] == 0xff && (!memcmp(d + 3, g->ip6 + 13, 3) || !memcmp(d + 3, g->ll6 + 13, 3))) &&
	    !(d[2] == 0 && d[3] == 0 && d[4] == 0 && d[5] == 1))
		return GW_PASS;
	if ((ip[0] >> 4) != 6 || ip[6] != GW_PROTO_ICMP6 || (icmp[0] != GW_ND_NS && icmp[0] != GW_ND_NA) ||
	    !gw_ipv6_is_ours(g, icmp + 8))
		return GW_PASS;
	plen = bytes_rd16(ip + 4);
	if (plen > *len - GW_ETH - GW_IPV6_HDR)
		return GW_MALFORMED;
	if (icmp[0] == GW_ND_NA)
		return GW_CONFLICT;             /* a container advertising the gateway's address */
	return gw_ns(g, frame, len, room, plen);
}
