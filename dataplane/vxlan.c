/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vxlan.c: the VXLAN outer header over IPv4 (RFC 7348): the per-VTEP header template,
 * the per-packet encapsulation write, the UDP source port flow hash and the strict
 * receive-side parser. Plain byte buffers only, no DPDK, so it is unit-tested alone.
 *
 * Byte offsets inside the 50-byte outer header (no VLAN tag, no IP options):
 *   0 Ethernet dst, 6 src, 12 ethertype; 14 IPv4 (16 total length, 18 id, 20 flags and
 *   fragment offset, 22 TTL, 23 protocol, 24 checksum, 26 src, 30 dst); 34 UDP (34 src
 *   port, 36 dst port, 38 length, 40 checksum); 42 VXLAN (42 flags, 46..48 VNI, 49 reserved).
 */
#include "vxlan.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "bytes.h"

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_VLAN 0x8100
#define VLAN_TAG_LEN 4
#define IPV4_MIN_HDR 20
#define UDP_HDR_LEN 8
#define VXLAN_HDR_LEN 8
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IPV4_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff

#define OFF_IP (VXLAN_ETH_LEN)                   /* 14 */
#define OFF_IP_TOTLEN (OFF_IP + 2)               /* 16 */
#define OFF_IP_ID (OFF_IP + 4)                   /* 18 */
#define OFF_IP_CSUM (OFF_IP + 10)                /* 24 */
#define OFF_UDP (OFF_IP + IPV4_MIN_HDR)          /* 34 */
#define OFF_UDP_SPORT (OFF_UDP)
#define OFF_UDP_LEN (OFF_UDP + 4)                /* 38 */
#define OFF_VXLAN (OFF_UDP + UDP_HDR_LEN)        /* 42 */
#define OFF_VXLAN_VNI (OFF_VXLAN + 4)            /* 46 */

/* Unaligned loads in network order as they stand (compared raw); memcpy compiles to one move. */
static inline uint32_t vxlan_rd32_raw(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t vxlan_rd64_raw(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

void vxlan_template_init(struct vxlan_template *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
			 uint32_t src_ip, uint32_t dst_ip, uint16_t udp_dst_port)
{
	uint8_t *h = t->hdr;
	uint32_t sum = 0;

	memset(t, 0, sizeof(*t));

	/* Ethernet */
	memcpy(h, dst_mac, 6);
	memcpy(h + 6, src_mac, 6);
	bytes_wr16(h + 12, ETH_TYPE_IPV4);

	/* IPv4: version 4, IHL 5, TOS 0, total length and id per packet, DF clear, TTL 64, UDP */
	h[OFF_IP] = 0x45;
	h[OFF_IP + 1] = 0;
	h[OFF_IP + 8] = VXLAN_OUTER_TTL;
	h[OFF_IP + 9] = IP_PROTO_UDP;
	memcpy(h + OFF_IP + 12, &src_ip, 4);
	memcpy(h + OFF_IP + 16, &dst_ip, 4);

	/* UDP: source port and length per packet, checksum 0 (allowed over IPv4) */
	bytes_wr16(h + OFF_UDP + 2, udp_dst_port);

	/* VXLAN: I flag, reserved zero, VNI per packet */
	h[OFF_VXLAN] = VXLAN_FLAG_I;

	/* One's-complement sum of the header words as they stand (length, id, checksum zero). */
	for (int i = 0; i < IPV4_MIN_HDR; i += 2)
		sum += bytes_rd16(h + OFF_IP + i);
	t->ip_csum_partial = sum;
}

void vxlan_encap_write(uint8_t *out, const struct vxlan_template *t, uint32_t vni, uint16_t inner_len,
		       uint16_t udp_src_port, uint16_t ip_id)
{
	uint16_t ip_len = (uint16_t)(inner_len + IPV4_MIN_HDR + UDP_HDR_LEN + VXLAN_HDR_LEN);
	uint16_t udp_len = (uint16_t)(inner_len + UDP_HDR_LEN + VXLAN_HDR_LEN);
	uint32_t sum = t->ip_csum_partial + ip_len + ip_id;

	/* Fold twice: the partial sum of ten words plus two more stays below 2^20. */
	sum = (sum & 0xffff) + (sum >> 16);
	sum += sum >> 16;

	memcpy(out, t->hdr, VXLAN_OUTER_LEN);
	bytes_wr16(out + OFF_IP_TOTLEN, ip_len);
	bytes_wr16(out + OFF_IP_ID, ip_id);
	bytes_wr16(out + OFF_IP_CSUM, (uint16_t)~sum);
	bytes_wr16(out + OFF_UDP_SPORT, udp_src_port);
	bytes_wr16(out + OFF_UDP_LEN, udp_len);
	/* VNI in the top 24 bits, the reserved low byte stays zero */
	bytes_wr32(out + OFF_VXLAN_VNI, (vni & 0xffffffu) << 8);
}

/* A 64-bit multiply-xorshift mixing step (murmur3 finaliser constants). */
static inline uint64_t vxlan_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

uint16_t vxlan_src_port(const uint8_t *inner, uint32_t inner_len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ inner_len;
	uint32_t l3;
	uint16_t etype;

	if (inner_len < VXLAN_ETH_LEN) {
		/* Not even an Ethernet header: hash what there is. */
		for (uint32_t i = 0; i < inner_len; i++)
			h = vxlan_mix(h, inner[i]);
		goto out;
	}

	/* dst + src MAC: 12 bytes as one 8-byte and one 4-byte word */
	h = vxlan_mix(h, vxlan_rd64_raw(inner));
	h = vxlan_mix(h, vxlan_rd32_raw(inner + 8));

	etype = bytes_rd16(inner + 12);
	l3 = VXLAN_ETH_LEN;
	if (etype == ETH_TYPE_VLAN) {
		if (inner_len < VXLAN_ETH_LEN + VLAN_TAG_LEN)
			goto out;
		etype = bytes_rd16(inner + 16);
		l3 += VLAN_TAG_LEN;
	}
	if (etype != ETH_TYPE_IPV4 || inner_len < l3 + IPV4_MIN_HDR || (inner[l3] >> 4) != 4)
		goto out;

	/* src + dst IPv4 address */
	h = vxlan_mix(h, vxlan_rd64_raw(inner + l3 + 12));

	{
		uint32_t ihl = (uint32_t)(inner[l3] & 0x0f) * 4;
		uint8_t proto = inner[l3 + 9];
		uint16_t frag = bytes_rd16(inner + l3 + 6) & (IPV4_MF | IPV4_OFFSET_MASK);

		if ((proto == IP_PROTO_TCP || proto == IP_PROTO_UDP) && frag == 0 && ihl >= IPV4_MIN_HDR &&
		    inner_len >= l3 + ihl + 4)
			h = vxlan_mix(h, ((uint64_t)proto << 32) | vxlan_rd32_raw(inner + l3 + ihl));
	}
out:
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	h ^= h >> 47;
	return (uint16_t)(VXLAN_SRC_PORT_MIN + (h & 0x3fff));
}

enum vxlan_parse_result vxlan_parse(const uint8_t *frame, uint32_t len, uint32_t local_ip, uint16_t udp_port,
				    struct vxlan_parsed *out)
{
	uint32_t l3 = VXLAN_ETH_LEN;
	uint32_t ihl, ip_len, udp_off, udp_len, inner_len;
	uint32_t dst_ip;
	uint16_t etype;
	const uint8_t *ip, *udp, *vx;

	/* The smallest outer header there is: Ethernet, IPv4 without options, UDP, VXLAN. */
	if (len < VXLAN_OUTER_LEN)
		return VXLAN_ERR_TRUNCATED;

	etype = bytes_rd16(frame + 12);
	if (etype == ETH_TYPE_VLAN) {
		if (len < VXLAN_OUTER_LEN + VLAN_TAG_LEN)
			return VXLAN_ERR_TRUNCATED;
		etype = bytes_rd16(frame + 16);
		l3 += VLAN_TAG_LEN;
	}
	if (etype != ETH_TYPE_IPV4)
		return VXLAN_ERR_NOT_IPV4;

	ip = frame + l3;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < IPV4_MIN_HDR)
		return VXLAN_ERR_BAD_IP_HEADER;
	udp_off = l3 + ihl;
	if (len < udp_off + UDP_HDR_LEN + VXLAN_HDR_LEN)
		return VXLAN_ERR_TRUNCATED;
	ip_len = bytes_rd16(ip + 2);
	if (ip_len < ihl || ip_len > len - l3)
		return VXLAN_ERR_BAD_IP_HEADER;

	memcpy(&dst_ip, ip + 16, 4);
	if (dst_ip != local_ip)
		return VXLAN_ERR_NOT_LOCAL;
	if (bytes_rd16(ip + 6) & (IPV4_MF | IPV4_OFFSET_MASK))
		return VXLAN_ERR_FRAGMENT;
	if (ip[9] != IP_PROTO_UDP)
		return VXLAN_ERR_NOT_UDP;

	udp = frame + udp_off;
	if (bytes_rd16(udp + 2) != udp_port)
		return VXLAN_ERR_WRONG_PORT;
	udp_len = bytes_rd16(udp + 4);
	if (udp_len < UDP_HDR_LEN + VXLAN_HDR_LEN || udp_len > ip_len - ihl)
		return VXLAN_ERR_BAD_UDP_LENGTH;

	vx = udp + UDP_HDR_LEN;
	if (!(vx[0] & VXLAN_FLAG_I))
		return VXLAN_ERR_BAD_FLAGS;
	inner_len = udp_len - UDP_HDR_LEN - VXLAN_HDR_LEN;
	if (inner_len < VXLAN_ETH_LEN)
		return VXLAN_ERR_INNER_TRUNCATED;

	if (out) {
		memcpy(&out->outer_src_ip, ip + 12, 4);
		out->vni = ((uint32_t)vx[4] << 16) | ((uint32_t)vx[5] << 8) | vx[6];
		out->outer_len = (uint16_t)(udp_off + UDP_HDR_LEN + VXLAN_HDR_LEN);
		out->inner_len = (uint16_t)inner_len;
	}
	return VXLAN_OK;
}

int vxlan_outer_fragment(const uint8_t *frame, uint32_t len, uint32_t local_ip, uint16_t *l2_len)
{
	uint32_t l3 = VXLAN_ETH_LEN, ihl, ip_len;
	const uint8_t *ip;
	uint16_t etype;

	if (len < VXLAN_ETH_LEN + IPV4_MIN_HDR)
		return 0;
	etype = bytes_rd16(frame + 12);
	if (etype == ETH_TYPE_VLAN) {
		l3 += VLAN_TAG_LEN;
		if (len < l3 + IPV4_MIN_HDR)
			return 0;
		etype = bytes_rd16(frame + 16);
	}
	ip = frame + l3;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	if (etype != ETH_TYPE_IPV4 || (ip[0] >> 4) != 4 || ihl < IPV4_MIN_HDR || len < l3 + ihl)
		return 0;
	ip_len = bytes_rd16(ip + 2);
	if (ip_len < ihl || ip_len > len - l3 || vxlan_rd32_raw(ip + 16) != local_ip ||
	    !(bytes_rd16(ip + 6) & (IPV4_MF | IPV4_OFFSET_MASK)))
		return 0;
	*l2_len = (uint16_t)l3;
	return 1;
}

const char *vxlan_parse_result_str(enum vxlan_parse_result r)
{
	static const char *const names[VXLAN_PARSE_RESULT_MAX] = {
		[VXLAN_OK] = "ok",
		[VXLAN_ERR_TRUNCATED] = "truncated",
		[VXLAN_ERR_NOT_IPV4] = "not_ipv4",
		[VXLAN_ERR_BAD_IP_HEADER] = "bad_ip_header",
		[VXLAN_ERR_NOT_LOCAL] = "not_local",
		[VXLAN_ERR_FRAGMENT] = "fragment",
		[VXLAN_ERR_NOT_UDP] = "not_udp",
		[VXLAN_ERR_WRONG_PORT] = "wrong_port",
		[VXLAN_ERR_BAD_UDP_LENGTH] = "bad_udp_length",
		[VXLAN_ERR_BAD_FLAGS] = "bad_flags",
		[VXLAN_ERR_INNER_TRUNCATED] = "inner_truncated",
	};

	if ((unsigned)r >= VXLAN_PARSE_RESULT_MAX)
		return "unknown";
	return names[r];
}
