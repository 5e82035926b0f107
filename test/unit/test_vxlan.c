/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vxlan.c: unit tests of dataplane/vxlan.c: the outer header bytes, the incremental
 * IPv4 checksum, the UDP source port hash, the parser's every reject reason (and their
 * order), frames from a real Linux kernel VXLAN capture, and a random-input robustness loop.
 */
#include <check.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vxlan.h"

#define FRAME_MAX 2048

static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xaa};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xbb};

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint32_t v = ((uint32_t)a << 24) | ((uint32_t)b << 16) | ((uint32_t)c << 8) | d;

	return htonl(v);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Full RFC 1071 checksum of an IPv4 header of hlen bytes, checksum field taken as zero. */
static uint16_t ip_csum_full(const uint8_t *ip, unsigned hlen)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < hlen; i += 2)
		if (i != 10)
			sum += rd16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* xorshift64*: deterministic pseudo-random numbers for the tests */
static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* An inner Ethernet/IPv4/UDP-or-TCP frame of len bytes (len >= 14). */
static void make_inner(uint8_t *p, uint32_t len, const uint8_t dmac[6], const uint8_t smac[6], uint32_t sip,
		       uint32_t dip, uint8_t proto, uint16_t sport, uint16_t dport)
{
	memset(p, 0, len);
	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	wr16(p + 12, 0x0800);
	if (len < 14 + 24)
		return;
	p[14] = 0x45;
	wr16(p + 16, (uint16_t)(len - 14));
	p[22] = 64;
	p[23] = proto;
	memcpy(p + 26, &sip, 4);
	memcpy(p + 30, &dip, 4);
	wr16(p + 34, sport);
	wr16(p + 36, dport);
}

/* Template + encap of a default inner frame into buf; returns the frame length. */
static uint32_t build_frame(uint8_t *buf, uint32_t vni, uint16_t inner_len, uint32_t src_ip, uint32_t dst_ip)
{
	struct vxlan_template t;

	vxlan_template_init(&t, mac_a, mac_b, src_ip, dst_ip, 4789);
	make_inner(buf + VXLAN_OUTER_LEN, inner_len, mac_b, mac_a, ip4(192, 168, 1, 1), ip4(192, 168, 1, 2), 17,
		   1234, 80);
	vxlan_encap_write(buf, &t, vni, inner_len, vxlan_src_port(buf + VXLAN_OUTER_LEN, inner_len), 7);
	return VXLAN_OUTER_LEN + inner_len;
}

/* Parse a copy of exactly len bytes in its own heap block, so ASan sees any overread. */
static enum vxlan_parse_result parse_exact(const uint8_t *frame, uint32_t len, uint32_t local_ip,
					   struct vxlan_parsed *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum vxlan_parse_result r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, frame, len);
	r = vxlan_parse(copy, len, local_ip, 4789, out);
	free(copy);
	return r;
}

#define LOCAL_IP ip4(10, 0, 0, 2)
#define REMOTE_IP ip4(10, 0, 0, 1)

/* ---- template and encapsulation ---- */

START_TEST(test_encap_bytes_exact)
{
	static const uint8_t expect[VXLAN_OUTER_LEN] = {
		/* Ethernet: dst, src, IPv4 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0xbb, 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x08, 0x00,
		/* IPv4: 45, TOS 0, total 96, id 0x1234, no flags, TTL 64, UDP, csum 0x5457, 10.0.0.1 > 10.0.0.2 */
		0x45, 0x00, 0x00, 0x60, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11, 0x54, 0x57,
		0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
		/* UDP: 50000 > 4789, length 76, checksum 0 */
		0xc3, 0x50, 0x12, 0xb5, 0x00, 0x4c, 0x00, 0x00,
		/* VXLAN: I flag, reserved, VNI 100, reserved */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00,
	};
	struct vxlan_template t;
	uint8_t out[VXLAN_OUTER_LEN + 8];

	vxlan_template_init(&t, mac_a, mac_b, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 4789);
	memset(out, 0xee, sizeof(out));
	vxlan_encap_write(out, &t, 100, 60, 50000, 0x1234);
	for (unsigned i = 0; i < VXLAN_OUTER_LEN; i++)
		ck_assert_msg(out[i] == expect[i], "byte %u: got 0x%02x, expected 0x%02x", i, out[i], expect[i]);
	/* nothing written past the outer header */
	for (unsigned i = VXLAN_OUTER_LEN; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0xee);

	/* a 24-bit VNI uses all three bytes, and bits above 24 are not written */
	vxlan_encap_write(out, &t, 0xfabcdef1u, 60, 50000, 0x1234);
	ck_assert_uint_eq(out[46], 0xbc);
	ck_assert_uint_eq(out[47], 0xde);
	ck_assert_uint_eq(out[48], 0xf1);
	ck_assert_uint_eq(out[49], 0x00);
	ck_assert_uint_eq(out[42], 0x08);
}
END_TEST

START_TEST(test_template_fields)
{
	struct vxlan_template t;
	uint32_t sum = 0;

	vxlan_template_init(&t, mac_a, mac_b, ip4(192, 0, 2, 1), ip4(198, 51, 100, 7), 8472);
	ck_assert_mem_eq(t.hdr, mac_b, 6);
	ck_assert_mem_eq(t.hdr + 6, mac_a, 6);
	ck_assert_uint_eq(rd16(t.hdr + 12), 0x0800);
	ck_assert_uint_eq(t.hdr[14], 0x45);
	ck_assert_uint_eq(t.hdr[15], 0);
	ck_assert_uint_eq(rd16(t.hdr + 16), 0);         /* total length: per packet */
	ck_assert_uint_eq(rd16(t.hdr + 18), 0);         /* id: per packet */
	ck_assert_uint_eq(rd16(t.hdr + 20), 0);         /* DF clear, no fragment */
	ck_assert_uint_eq(t.hdr[22], VXLAN_OUTER_TTL);
	ck_assert_uint_eq(t.hdr[23], 17);
	ck_assert_uint_eq(rd16(t.hdr + 24), 0);
	ck_assert_uint_eq(rd16(t.hdr + 36), 8472);
	ck_assert_uint_eq(rd16(t.hdr + 40), 0);         /* UDP checksum 0 */
	ck_assert_uint_eq(t.hdr[42], VXLAN_FLAG_I);
	for (int i = 43; i < VXLAN_OUTER_LEN; i++)
		ck_assert_uint_eq(t.hdr[i], 0);
	for (int i = 0; i < 20; i += 2)
		sum += rd16(t.hdr + 14 + i);
	ck_assert_uint_eq(t.ip_csum_partial, sum);
}
END_TEST

START_TEST(test_encap_checksum_matches_full)
{
	/* addresses chosen to make the sums carry (all-ones) as well as ordinary ones */
	const uint32_t srcs[] = {ip4(10, 0, 0, 1), ip4(255, 255, 255, 255), ip4(0, 0, 0, 0), ip4(172, 31, 254, 9)};
	const uint32_t dsts[] = {ip4(10, 0, 0, 2), ip4(255, 255, 255, 254), ip4(0, 0, 0, 1), ip4(192, 168, 255, 255)};
	uint8_t out[VXLAN_OUTER_LEN];
	unsigned checked = 0;

	for (unsigned a = 0; a < 4; a++) {
		struct vxlan_template t;

		vxlan_template_init(&t, mac_a, mac_b, srcs[a], dsts[a], 4789);
		for (uint32_t len = 0; len <= 65535 - 36; len += (len < 2000 ? 1 : 97)) {
			uint16_t id = (uint16_t)rnd();

			vxlan_encap_write(out, &t, (uint32_t)rnd(), (uint16_t)len, 49152, id);
			ck_assert_uint_eq(rd16(out + 16), len + 36);
			ck_assert_uint_eq(rd16(out + 38), len + 16);
			ck_assert_uint_eq(rd16(out + 18), id);
			ck_assert_msg(rd16(out + 24) == ip_csum_full(out + 14, 20),
				      "len %u id %u: csum 0x%04x, full 0x%04x", len, id, rd16(out + 24),
				      ip_csum_full(out + 14, 20));
			checked++;
		}
		/* every id at a few lengths, including the largest */
		for (uint32_t id = 0; id <= 0xffff; id++) {
			uint16_t len = (uint16_t)((id & 1) ? 65535 - 36 : (id % 1500));

			vxlan_encap_write(out, &t, 1, len, 65535, (uint16_t)id);
			ck_assert_uint_eq(rd16(out + 24), ip_csum_full(out + 14, 20));
			checked++;
		}
	}
	/* a valid header sums (with its checksum) to 0xffff */
	{
		uint32_t sum = 0;

		for (int i = 0; i < 20; i += 2)
			sum += rd16(out + 14 + i);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		ck_assert_uint_eq(sum, 0xffff);
	}
	ck_assert_uint_gt(checked, 200000);
}
END_TEST

START_TEST(test_encap_parse_roundtrip)
{
	uint8_t buf[FRAME_MAX];
	const uint32_t vnis[] = {1, 100, 4096, 0xabcdef, 0xffffff};

	for (unsigned v = 0; v < 5; v++) {
		for (uint16_t inner = 14; inner <= 1500; inner += 37) {
			struct vxlan_parsed p;
			uint32_t len = build_frame(buf, vnis[v], inner, REMOTE_IP, LOCAL_IP);

			memset(&p, 0xff, sizeof(p));
			ck_assert_int_eq(parse_exact(buf, len, LOCAL_IP, &p), VXLAN_OK);
			ck_assert_uint_eq(p.outer_src_ip, REMOTE_IP);
			ck_assert_uint_eq(p.vni, vnis[v]);
			ck_assert_uint_eq(p.outer_len, VXLAN_OUTER_LEN);
			ck_assert_uint_eq(p.inner_len, inner);
		}
	}
}
END_TEST

/* ---- UDP source port ---- */

START_TEST(test_src_port_range_and_stability)
{
	uint8_t f[128];
	static bool seen[65536];
	unsigned distinct = 0;
	uint16_t p0;

	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < 1000; i++) {
		uint16_t p;

		make_inner(f, 100, mac_b, mac_a, ip4(10, 1, 0, 1), ip4(10, 1, 0, 2), 6, (uint16_t)(10000 + i), 443);
		p = vxlan_src_port(f, 100);
		ck_assert_uint_ge(p, VXLAN_SRC_PORT_MIN);
		/* same flow, same port (payload and length of the packet do not matter... */
		f[60] ^= 0x5a;
		ck_assert_uint_eq(vxlan_src_port(f, 100), p);
		if (!seen[p]) {
			seen[p] = true;
			distinct++;
		}
	}
	/* 1000 flows differing in the TCP source port spread over 16384 ports: expect ~970 distinct */
	ck_assert_uint_ge(distinct, 900);

	/* random inner frames stay in range */
	for (unsigned i = 0; i < 100000; i++) {
		for (unsigned j = 0; j < sizeof(f); j++)
			f[j] = (uint8_t)rnd();
		ck_assert_uint_ge(vxlan_src_port(f, (uint32_t)(rnd() % sizeof(f))), VXLAN_SRC_PORT_MIN);
	}

	/* each hashed field changes the port (for this fixed flow) */
	make_inner(f, 100, mac_b, mac_a, ip4(10, 1, 0, 1), ip4(10, 1, 0, 2), 17, 5000, 53);
	p0 = vxlan_src_port(f, 100);
	{
		const unsigned offs[] = {0, 5, 6, 11, 26, 29, 30, 33, 34, 35, 36, 37};

		for (unsigned k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
			uint8_t g[128];

			memcpy(g, f, sizeof(g));
			g[offs[k]] ^= 0x01;
			ck_assert_msg(vxlan_src_port(g, 100) != p0, "flipping byte %u did not change the port",
				      offs[k]);
		}
	}
}
END_TEST

START_TEST(test_src_port_fields_not_hashed)
{
	uint8_t f[128], g[128];
	uint16_t p;
	unsigned distinct = 0;
	static bool seen[65536];

	/* a fragment: the bytes where ports would be are not ports; they must not be hashed */
	make_inner(f, 100, mac_b, mac_a, ip4(10, 1, 0, 1), ip4(10, 1, 0, 2), 6, 1111, 2222);
	wr16(f + 20, 0x2000); /* MF */
	p = vxlan_src_port(f, 100);
	memcpy(g, f, sizeof(g));
	wr16(g + 34, 3333);
	ck_assert_uint_eq(vxlan_src_port(g, 100), p);
	wr16(f + 20, 0x0010); /* non-first fragment */
	p = vxlan_src_port(f, 100);
	memcpy(g, f, sizeof(g));
	wr16(g + 36, 4444);
	ck_assert_uint_eq(vxlan_src_port(g, 100), p);

	/* ICMP: no ports */
	make_inner(f, 100, mac_b, mac_a, ip4(10, 1, 0, 1), ip4(10, 1, 0, 2), 1, 0x0800, 0x1234);
	p = vxlan_src_port(f, 100);
	memcpy(g, f, sizeof(g));
	wr16(g + 38, 0x9999);
	g[34] = 0;
	ck_assert_uint_eq(vxlan_src_port(g, 100), p);

	/* non-IP (ARP): only MACs count, so different target IPs in the payload give one port */
	memset(f, 0, sizeof(f));
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	wr16(f + 12, 0x0806);
	p = vxlan_src_port(f, 42);
	memcpy(g, f, sizeof(g));
	g[41] = 7;
	ck_assert_uint_eq(vxlan_src_port(g, 42), p);

	/* one 802.1Q tag: IPs and ports behind it are hashed */
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < 500; i++) {
		make_inner(f + 4, 100, mac_b, mac_a, ip4(10, 2, 0, 1), ip4(10, 2, (uint8_t)(i >> 8), (uint8_t)i), 17,
			   7, 7);
		memcpy(f, mac_b, 6);
		memcpy(f + 6, mac_a, 6);
		wr16(f + 12, 0x8100);
		wr16(f + 14, 100);
		p = vxlan_src_port(f, 104);
		if (!seen[p]) {
			seen[p] = true;
			distinct++;
		}
	}
	ck_assert_uint_ge(distinct, 450);
}
END_TEST

START_TEST(test_src_port_any_length)
{
	uint8_t full[128];

	make_inner(full, sizeof(full), mac_b, mac_a, ip4(10, 1, 0, 1), ip4(10, 1, 0, 2), 6, 1, 2);
	/* every prefix, in an exact-size heap block: ASan reports any read past inner_len */
	for (uint32_t len = 0; len <= sizeof(full); len++) {
		uint8_t *p = malloc(len ? len : 1);

		ck_assert_ptr_nonnull(p);
		memcpy(p, full, len);
		ck_assert_uint_ge(vxlan_src_port(p, len), VXLAN_SRC_PORT_MIN);
		free(p);
	}
	/* same with a VLAN tag and with IP options claiming more than there is */
	full[14] = 0x4f;
	for (uint32_t len = 0; len <= 80; len++) {
		uint8_t *p = malloc(len ? len : 1);

		ck_assert_ptr_nonnull(p);
		memcpy(p, full, len);
		ck_assert_uint_ge(vxlan_src_port(p, len), VXLAN_SRC_PORT_MIN);
		if (len >= 14) {
			wr16(p + 12, 0x8100);
			ck_assert_uint_ge(vxlan_src_port(p, len), VXLAN_SRC_PORT_MIN);
		}
		free(p);
	}
}
END_TEST

/* ---- parser: every reject reason ---- */

START_TEST(test_parse_truncated_every_length)
{
	uint8_t buf[FRAME_MAX], vlan[FRAME_MAX], opt[FRAME_MAX];
	uint32_t len = build_frame(buf, 100, 14, REMOTE_IP, LOCAL_IP);
	struct vxlan_parsed p;

	ck_assert_uint_eq(len, 64);
	/* every length from 0 to 63: no room for the outer headers, then the IP length lies */
	for (uint32_t l = 0; l < len; l++) {
		enum vxlan_parse_result r = parse_exact(buf, l, LOCAL_IP, &p);

		if (l < VXLAN_OUTER_LEN)
			ck_assert_msg(r == VXLAN_ERR_TRUNCATED, "len %u: %s", l, vxlan_parse_result_str(r));
		else
			ck_assert_msg(r == VXLAN_ERR_BAD_IP_HEADER, "len %u: %s", l, vxlan_parse_result_str(r));
	}
	ck_assert_int_eq(parse_exact(buf, len, LOCAL_IP, &p), VXLAN_OK);
	/* IHL 15 claims 60 bytes of IP header: UDP and VXLAN would end past these 64 bytes */
	memcpy(vlan, buf, len);
	vlan[14] = 0x4f;
	ck_assert_int_eq(parse_exact(vlan, len, LOCAL_IP, &p), VXLAN_ERR_TRUNCATED);

	/* with a VLAN tag the headers end 4 bytes later */
	memcpy(vlan, buf, 12);
	wr16(vlan + 12, 0x8100);
	wr16(vlan + 14, 0x0064);
	memcpy(vlan + 16, buf + 12, len - 12);
	for (uint32_t l = 0; l < len + 4; l++) {
		enum vxlan_parse_result r = parse_exact(vlan, l, LOCAL_IP, &p);

		ck_assert_msg(r == (l < 54 ? VXLAN_ERR_TRUNCATED : VXLAN_ERR_BAD_IP_HEADER), "vlan len %u: %s", l,
			      vxlan_parse_result_str(r));
	}
	ck_assert_int_eq(parse_exact(vlan, len + 4, LOCAL_IP, &p), VXLAN_OK);

	/* with 4 bytes of IP options likewise */
	memcpy(opt, buf, 34);
	opt[14] = 0x46;
	wr16(opt + 16, (uint16_t)(rd16(buf + 16) + 4));
	memset(opt + 34, 0x01, 4);
	memcpy(opt + 38, buf + 34, len - 34);
	for (uint32_t l = 0; l < len + 4; l++) {
		enum vxlan_parse_result r = parse_exact(opt, l, LOCAL_IP, &p);

		ck_assert_msg(r == (l < 54 ? VXLAN_ERR_TRUNCATED : VXLAN_ERR_BAD_IP_HEADER), "opt len %u: %s", l,
			      vxlan_parse_result_str(r));
	}
	ck_assert_int_eq(parse_exact(opt, len + 4, LOCAL_IP, &p), VXLAN_OK);
}
END_TEST

/* Build a good 64+inner frame, apply one change at offset off (value written), expect result. */
struct mutation {
	const char *what;
	unsigned off;
	unsigned width; /* 1 or 2 bytes */
	uint16_t value;
	enum vxlan_parse_result expect;
};

START_TEST(test_parse_malformed_cases)
{
	/* a 100-byte frame: 50 outer + 50 inner; IP total 86, UDP length 66 */
	const struct mutation m[] = {
		{"ethertype IPv6", 12, 2, 0x86dd, VXLAN_ERR_NOT_IPV4},
		{"ethertype ARP", 12, 2, 0x0806, VXLAN_ERR_NOT_IPV4},
		{"ethertype 802.1ad", 12, 2, 0x88a8, VXLAN_ERR_NOT_IPV4},
		{"IP version 6", 14, 1, 0x65, VXLAN_ERR_BAD_IP_HEADER},
		{"IP version 0", 14, 1, 0x05, VXLAN_ERR_BAD_IP_HEADER},
		{"IHL 4", 14, 1, 0x44, VXLAN_ERR_BAD_IP_HEADER},
		{"IHL 0", 14, 1, 0x40, VXLAN_ERR_BAD_IP_HEADER},
		{"total length frame+1", 16, 2, 87, VXLAN_ERR_BAD_IP_HEADER},
		{"total length 65535", 16, 2, 65535, VXLAN_ERR_BAD_IP_HEADER},
		{"total length < header", 16, 2, 19, VXLAN_ERR_BAD_IP_HEADER},
		{"not our IP", 33, 1, 0x03, VXLAN_ERR_NOT_LOCAL},
		{"MF flag", 20, 2, 0x2000, VXLAN_ERR_FRAGMENT},
		{"fragment offset 1", 20, 2, 0x0001, VXLAN_ERR_FRAGMENT},
		{"fragment offset max", 20, 2, 0x1fff, VXLAN_ERR_FRAGMENT},
		{"TCP", 23, 1, 6, VXLAN_ERR_NOT_UDP},
		{"ICMP", 23, 1, 1, VXLAN_ERR_NOT_UDP},
		{"port 8472", 36, 2, 8472, VXLAN_ERR_WRONG_PORT},
		{"port 0", 36, 2, 0, VXLAN_ERR_WRONG_PORT},
		{"UDP length 0", 38, 2, 0, VXLAN_ERR_BAD_UDP_LENGTH},
		{"UDP length 8", 38, 2, 8, VXLAN_ERR_BAD_UDP_LENGTH},
		{"UDP length 15", 38, 2, 15, VXLAN_ERR_BAD_UDP_LENGTH},
		{"UDP length beyond IP payload", 38, 2, 67, VXLAN_ERR_BAD_UDP_LENGTH},
		{"UDP length 65535", 38, 2, 65535, VXLAN_ERR_BAD_UDP_LENGTH},
		{"I flag clear, others set", 42, 1, 0xf7, VXLAN_ERR_BAD_FLAGS},
		{"no flags", 42, 1, 0x00, VXLAN_ERR_BAD_FLAGS},
		{"UDP length 16: no inner frame", 38, 2, 16, VXLAN_ERR_INNER_TRUNCATED},
		{"UDP length 29: inner 13 bytes", 38, 2, 29, VXLAN_ERR_INNER_TRUNCATED},
		/* accepted variations */
		{"DF set", 20, 2, 0x4000, VXLAN_OK},
		{"reserved VXLAN bits set", 42, 1, 0xff, VXLAN_OK},
		{"reserved byte after VNI", 49, 1, 0xff, VXLAN_OK},
		{"UDP checksum garbage", 40, 2, 0xbeef, VXLAN_OK},
		{"IP checksum garbage", 24, 2, 0x0000, VXLAN_OK},
		{"TTL 1", 22, 1, 1, VXLAN_OK},
		{"UDP length 30: inner 14", 38, 2, 30, VXLAN_OK},
	};
	uint8_t base[FRAME_MAX], f[FRAME_MAX];
	uint32_t len = build_frame(base, 100, 50, REMOTE_IP, LOCAL_IP);

	ck_assert_uint_eq(len, 100);
	for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct vxlan_parsed p;
		enum vxlan_parse_result r;

		memcpy(f, base, len);
		if (m[i].width == 1)
			f[m[i].off] = (uint8_t)m[i].value;
		else
			wr16(f + m[i].off, m[i].value);
		r = parse_exact(f, len, LOCAL_IP, &p);
		ck_assert_msg(r == m[i].expect, "%s: got %s, expected %s", m[i].what, vxlan_parse_result_str(r),
			      vxlan_parse_result_str(m[i].expect));
	}

	/* UDP length shorter than the IP payload is fine: the inner frame ends where UDP says */
	{
		struct vxlan_parsed p;

		memcpy(f, base, len);
		wr16(f + 38, 40);
		ck_assert_int_eq(parse_exact(f, len, LOCAL_IP, &p), VXLAN_OK);
		ck_assert_uint_eq(p.inner_len, 24);
	}
	/* Ethernet padding after the IP packet is fine too */
	{
		struct vxlan_parsed p;

		memcpy(f, base, len);
		memset(f + len, 0, 20);
		ck_assert_int_eq(parse_exact(f, len + 20, LOCAL_IP, &p), VXLAN_OK);
		ck_assert_uint_eq(p.inner_len, 50);
	}
	/* a NULL out is allowed */
	ck_assert_int_eq(vxlan_parse(base, len, LOCAL_IP, 4789, NULL), VXLAN_OK);
	/* another local address or port */
	ck_assert_int_eq(vxlan_parse(base, len, REMOTE_IP, 4789, NULL), VXLAN_ERR_NOT_LOCAL);
	ck_assert_int_eq(vxlan_parse(base, len, LOCAL_IP, 8472, NULL), VXLAN_ERR_WRONG_PORT);
}
END_TEST

START_TEST(test_parse_check_order)
{
	uint8_t base[FRAME_MAX], f[FRAME_MAX];
	uint32_t len = build_frame(base, 100, 50, REMOTE_IP, LOCAL_IP);

	/* each pair: the earlier check wins */
	memcpy(f, base, len);
	wr16(f + 12, 0x86dd);
	f[14] = 0x65;
	ck_assert_int_eq(vxlan_parse(f, 49, LOCAL_IP, 4789, NULL), VXLAN_ERR_TRUNCATED);
	ck_assert_int_eq(vxlan_parse(f, len, LOCAL_IP, 4789, NULL), VXLAN_ERR_NOT_IPV4);

	memcpy(f, base, len);
	f[14] = 0x44;
	f[33] = 9;
	ck_assert_int_eq(vxlan_parse(f, len, LOCAL_IP, 4789, NULL), VXLAN_ERR_BAD_IP_HEADER);

	memcpy(f, base, len);
	f[33] = 9;
	wr16(f + 20, 0x2000);
	ck_assert_int_eq(vxlan_parse(f, len, LOCAL_IP, 4789, NULL), VXLAN_ERR_NOT_LOCAL);

	memcpy(f, base, len);
	wr16(f + 20, 0x2000);
	f[23] = 6;
	ck_assert_int_eq(vxlan_parse(f, len, LOCAL_IP, 4789, NULL), VXLAN_ERR_FRAGMENT);

	memcpy(f, base, len);
	f[23] = 6;
	wr16(f + 36, 1);
	ck_assert_int_eq(vxlan_parse(f, len, LOCAL_IP, 4789, NULL), VXLAN_ERR_NOT_UDP);

	memcpy(f, base, len);
	wr16(f + 36, 1);
	wr16(f + 38, 8);
	ck_assert_int_eq(vxlan_parse(f, len, LOCAL_IP, 4789, NULL), VXLAN_ERR_WRONG_PORT);

	memcpy(f, base, len);
	wr16(f + 38, 8);
	f[42] = 0;
	ck_assert_int_eq(vxlan_parse(f, len, LOCAL_IP, 4789, NULL), VXLAN_ERR_BAD_UDP_LENGTH);

	memcpy(f, base, len);
	f[42] = 0;
	wr16(f + 38, 20);
	ck_assert_int_eq(vxlan_parse(f, len, LOCAL_IP, 4789, NULL), VXLAN_ERR_BAD_FLAGS);
}
END_TEST

START_TEST(test_parse_vlan_and_options)
{
	uint8_t base[FRAME_MAX], f[FRAME_MAX];
	uint32_t len = build_frame(base, 0x123456, 60, REMOTE_IP, LOCAL_IP);
	struct vxlan_parsed p;

	/* one 802.1Q tag is accepted */
	memcpy(f, base, 12);
	wr16(f + 12, 0x8100);
	wr16(f + 14, 0x2064);
	memcpy(f + 16, base + 12, len - 12);
	ck_assert_int_eq(parse_exact(f, len + 4, LOCAL_IP, &p), VXLAN_OK);
	ck_assert_uint_eq(p.vni, 0x123456);
	ck_assert_uint_eq(p.outer_len, 54);
	ck_assert_uint_eq(p.inner_len, 60);
	ck_assert_uint_eq(p.outer_src_ip, REMOTE_IP);
	ck_assert_mem_eq(f + p.outer_len, base + VXLAN_OUTER_LEN, 60);
	/* a tag with something other than IPv4 behind it */
	wr16(f + 16, 0x86dd);
	ck_assert_int_eq(parse_exact(f, len + 4, LOCAL_IP, &p), VXLAN_ERR_NOT_IPV4);
	/* two tags (QinQ): only one is allowed */
	memcpy(f, base, 12);
	wr16(f + 12, 0x8100);
	wr16(f + 14, 0x0064);
	wr16(f + 16, 0x8100);
	wr16(f + 18, 0x0065);
	memcpy(f + 20, base + 12, len - 12);
	ck_assert_int_eq(parse_exact(f, len + 8, LOCAL_IP, &p), VXLAN_ERR_NOT_IPV4);

	/* IP options (IHL 6): UDP starts 4 bytes later */
	memcpy(f, base, 34);
	f[14] = 0x46;
	wr16(f + 16, (uint16_t)(rd16(base + 16) + 4));
	f[34] = 0x01;
	f[35] = 0x01;
	f[36] = 0x01;
	f[37] = 0x00;
	memcpy(f + 38, base + 34, len - 34);
	ck_assert_int_eq(parse_exact(f, len + 4, LOCAL_IP, &p), VXLAN_OK);
	ck_assert_uint_eq(p.vni, 0x123456);
	ck_assert_uint_eq(p.outer_len, 54);
	ck_assert_uint_eq(p.inner_len, 60);
	ck_assert_mem_eq(f + p.outer_len, base + VXLAN_OUTER_LEN, 60);
	/* the option bytes are not read as the UDP header: with IHL 5 this frame is wrong */
	f[14] = 0x45;
	ck_assert_int_ne(parse_exact(f, len + 4, LOCAL_IP, &p), VXLAN_OK);
	/* IHL 15 (40 bytes of options) with the total length saying so */
	{
		uint8_t g[FRAME_MAX];

		memcpy(g, base, 34);
		g[14] = 0x4f;
		wr16(g + 16, (uint16_t)(rd16(base + 16) + 40));
		memset(g + 34, 0x01, 40);
		memcpy(g + 74, base + 34, len - 34);
		ck_assert_int_eq(parse_exact(g, len + 40, LOCAL_IP, &p), VXLAN_OK);
		ck_assert_uint_eq(p.outer_len, 90);
		ck_assert_uint_eq(p.inner_len, 60);
	}
}
END_TEST

START_TEST(test_parse_result_names)
{
	for (int i = 0; i < VXLAN_PARSE_RESULT_MAX; i++) {
		const char *s = vxlan_parse_result_str((enum vxlan_parse_result)i);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_gt(strlen(s), 1);
		for (const char *c = s; *c; c++)
			ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_',
				      "name %s is not snake_case", s);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(s, vxlan_parse_result_str((enum vxlan_parse_result)j));
	}
	ck_assert_str_eq(vxlan_parse_result_str(VXLAN_ERR_TRUNCATED), "truncated");
	ck_assert_str_eq(vxlan_parse_result_str(VXLAN_ERR_NOT_IPV4), "not_ipv4");
	ck_assert_str_eq(vxlan_parse_result_str(VXLAN_ERR_INNER_TRUNCATED), "inner_truncated");
	ck_assert_str_eq(vxlan_parse_result_str(VXLAN_PARSE_RESULT_MAX), "unknown");
	ck_assert_str_eq(vxlan_parse_result_str((enum vxlan_parse_result)-1), "unknown");
}
END_TEST

START_TEST(test_parse_random_robustness)
{
	uint8_t base[FRAME_MAX];
	uint32_t blen = build_frame(base, 77, 90, REMOTE_IP, LOCAL_IP);
	unsigned counts[VXLAN_PARSE_RESULT_MAX] = {0};

	for (unsigned iter = 0; iter < 300000; iter++) {
		uint32_t len;
		uint8_t *f;
		struct vxlan_parsed p;
		enum vxlan_parse_result r;

		if (iter & 1) {
			/* pure noise */
			len = (uint32_t)(rnd() % 160);
			f = malloc(len ? len : 1);
			ck_assert_ptr_nonnull(f);
			for (uint32_t i = 0; i < len; i++)
				f[i] = (uint8_t)rnd();
		} else {
			/* a good frame, a few random bytes changed, maybe cut short or lengthened */
			len = blen - 20 + (uint32_t)(rnd() % 40);
			f = malloc(len);
			ck_assert_ptr_nonnull(f);
			memcpy(f, base, len < blen ? len : blen);
			for (uint32_t i = blen; i < len; i++)
				f[i] = (uint8_t)rnd();
			for (unsigned k = (unsigned)(rnd() % 4); k > 0; k--)
				f[rnd() % 52] = (uint8_t)rnd();
		}
		r = vxlan_parse(f, len, LOCAL_IP, 4789, &p);
		ck_assert_int_ge(r, VXLAN_OK);
		ck_assert_int_lt(r, VXLAN_PARSE_RESULT_MAX);
		counts[r]++;
		if (r == VXLAN_OK) {
			ck_assert_uint_ge(p.inner_len, 14);
			ck_assert_uint_le((uint32_t)p.outer_len + p.inner_len, len);
			ck_assert_uint_ge(p.outer_len, VXLAN_OUTER_LEN);
			/* reading the inner frame where the parser says it is stays inside the block */
			(void)vxlan_src_port(f + p.outer_len, p.inner_len);
		}
		free(f);
	}
	/* the mutations reached deep into the parser, not just the first check */
	ck_assert_uint_gt(counts[VXLAN_OK], 1000);
	ck_assert_uint_gt(counts[VXLAN_ERR_TRUNCATED], 1000);
	ck_assert_uint_gt(counts[VXLAN_ERR_BAD_IP_HEADER], 100);
}
END_TEST

/* ---- a real kernel VXLAN capture ---- */

/*
 * A tiny capture reader: classic pcap (either byte order, micro- or nanosecond) and
 * pcapng (section header, interface description, enhanced and simple packet blocks;
 * other blocks are skipped). Calls cb for every Ethernet frame captured whole.
 */
typedef void (*frame_cb)(const uint8_t *frame, uint32_t len, void *arg);

static uint32_t get32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t get16(const uint8_t *p, bool swap)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swap ? __builtin_bswap16(v) : v;
}

/* Returns the number of frames delivered, or -1 when the file is not a capture we understand. */
static int capture_read(const uint8_t *d, size_t n, frame_cb cb, void *arg)
{
	int frames = 0;

	if (n < 24)
		return -1;
	if (get32(d, false) == 0x0a0d0d0a) {
		/* pcapng */
		bool swap = false;
		uint16_t linktype[16];
		unsigned n_if = 0;
		size_t off = 0;

		while (off + 12 <= n) {
			uint32_t type = get32(d + off, swap);
			uint32_t blen;

			if (type == 0x0a0d0d0a) {
				uint32_t bom = get32(d + off + 8, false);

				if (bom == 0x1a2b3c4d)
					swap = false;
				else if (bom == 0x4d3c2b1a)
					swap = true;
				else
					return -1;
				n_if = 0;
			}
			blen = get32(d + off + 4, swap);
			if (blen < 12 || blen % 4 || off + blen > n)
				return -1;
			if (type == 1 && blen >= 20 && n_if < 16) {
				linktype[n_if++] = get16(d + off + 8, swap);
			} else if (type == 6 && blen >= 32) {
				uint32_t ifc = get32(d + off + 8, swap);
				uint32_t cap = get32(d + off + 20, swap);
				uint32_t orig = get32(d + off + 24, swap);

				if (cap <= blen - 32 && ifc < n_if && linktype[ifc] == 1 && cap == orig) {
					cb(d + off + 28, cap, arg);
					frames++;
				}
			} else if (type == 3 && blen >= 16 && n_if > 0 && linktype[0] == 1) {
				uint32_t orig = get32(d + off + 8, swap);

				if (orig <= blen - 16) {
					cb(d + off + 12, orig, arg);
					frames++;
				}
			}
			off += blen;
		}
		return frames;
	} else {
		/* classic pcap */
		uint32_t magic = get32(d, false);
		bool swap;
		size_t off = 24;

		if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
			swap = false;
		else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
			swap = true;
		else
			return -1;
		if (get32(d + 20, swap) != 1)
			return -1; /* not Ethernet */
		while (off + 16 <= n) {
			uint32_t cap = get32(d + off + 8, swap);
			uint32_t orig = get32(d + off + 12, swap);

			if (off + 16 + cap > n)
				return -1;
			if (cap == orig) {
				cb(d + off + 16, cap, arg);
				frames++;
			}
			off += 16 + (size_t)cap;
		}
		return frames;
	}
}

static uint8_t *read_whole(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long sz;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (sz = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)sz);
		if (buf && fread(buf, 1, (size_t)sz, fp) != (size_t)sz) {
			free(buf);
			buf = NULL;
		}
		*n = (size_t)sz;
	}
	fclose(fp);
	return buf;
}

/* VTEPD_SHARED, else /work/shared, else ../shared next to the source tree. */
static bool find_capture(const char *name, char *path, size_t len)
{
	const char *env = getenv("VTEPD_SHARED");
	const char *data = getenv("VTEPD_TEST_DATA"); /* SRC/test/data, set by meson */
	char dirs[4][1024];
	unsigned nd = 0;

	if (env && *env)
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s", env);
	snprintf(dirs[nd++], sizeof(dirs[0]), "/work/shared");
	if (data && *data)
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/../../../shared", data);
	{
		/* this file is SRC/test/unit/test_vxlan.c */
		char src[1024];
		char *slash;

		snprintf(src, sizeof(src), "%s", __FILE__);
		for (int up = 0; up < 3 && (slash = strrchr(src, '/')); up++)
			*slash = '\0';
		if (strcmp(src, __FILE__) != 0)
			snprintf(dirs[nd++], sizeof(dirs[0]), "%.900s/../shared", src);
	}
	for (unsigned i = 0; i < nd; i++) {
		int w = snprintf(path, len, "%s/captures/%s", dirs[i], name);

		if (w > 0 && (size_t)w < len && access(path, R_OK) == 0)
			return true;
	}
	return false;
}

struct capture_check {
	unsigned vxlan_frames;
	unsigned from_a, from_b;
	bool first_checked;
	uint16_t icmp_port;
	unsigned icmp_same_port;
	unsigned icmp_frames;
};

static void check_kernel_frame(const uint8_t *fr, uint32_t len, void *arg)
{
	struct capture_check *c = arg;
	struct vxlan_parsed p;
	uint32_t dst;
	enum vxlan_parse_result r;

	/* pick VXLAN by hand (IPv4, no options, UDP to 4789), independently of the parser */
	if (len < 42 || rd16(fr + 12) != 0x0800 || fr[14] != 0x45 || fr[23] != 17 || rd16(fr + 36) != 4789)
		return;
	c->vxlan_frames++;
	memcpy(&dst, fr + 30, 4);

	r = parse_exact(fr, len, dst, &p);
	ck_assert_msg(r == VXLAN_OK, "kernel frame %u rejected: %s", c->vxlan_frames, vxlan_parse_result_str(r));
	ck_assert_uint_eq(p.vni, 100);
	ck_assert_uint_eq(p.outer_len, VXLAN_OUTER_LEN);
	ck_assert_uint_eq(p.inner_len, len - VXLAN_OUTER_LEN);
	if (p.outer_src_ip == ip4(10, 0, 0, 1) && dst == ip4(10, 0, 0, 2))
		c->from_a++;
	else if (p.outer_src_ip == ip4(10, 0, 0, 2) && dst == ip4(10, 0, 0, 1))
		c->from_b++;
	else
		ck_abort_msg("unexpected VTEP addresses in the capture");
	/* the kernel's frames are not for any other address or port */
	ck_assert_int_eq(parse_exact(fr, len, ip4(10, 0, 0, 9), &p), VXLAN_ERR_NOT_LOCAL);
	ck_assert_int_eq(vxlan_parse(fr, len, dst, 8472, &p), VXLAN_ERR_WRONG_PORT);
	ck_assert_int_eq(vxlan_parse(fr, len, dst, 4789, &p), VXLAN_OK);

	if (!c->first_checked) {
		/* the first one is the ARP request from 02:00:00:00:00:01, broadcast */
		static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
		static const uint8_t h1[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

		ck_assert_mem_eq(fr + p.outer_len, bcast, 6);
		ck_assert_mem_eq(fr + p.outer_len + 6, h1, 6);
		ck_assert_uint_eq(rd16(fr + p.outer_len + 12), 0x0806);
		c->first_checked = true;
	}
	/* the pings from 10.0.0.1 are one inner flow: one source port */
	if (c->from_a > 0 && p.outer_src_ip == ip4(10, 0, 0, 1) && rd16(fr + p.outer_len + 12) == 0x0800 &&
	    fr[p.outer_len + 14 + 9] == 1) {
		uint16_t port = vxlan_src_port(fr + p.outer_len, p.inner_len);

		if (c->icmp_frames++ == 0)
			c->icmp_port = port;
		else if (port == c->icmp_port)
			c->icmp_same_port++;
	}
}

START_TEST(test_kernel_capture)
{
	char path[1200];
	uint8_t *data;
	size_t n = 0;
	struct capture_check c = {0};
	int frames;

	if (!find_capture("frr-evpn-session.pcap", path, sizeof(path))) {
		fprintf(stderr, "SKIP test_kernel_capture: frr-evpn-session.pcap not found "
				"(set VTEPD_SHARED to the directory holding captures/)\n");
		return;
	}
	data = read_whole(path, &n);
	ck_assert_msg(data != NULL, "cannot read %s", path);
	frames = capture_read(data, n, check_kernel_frame, &c);
	free(data);
	ck_assert_msg(frames > 0, "%s: not a pcap/pcapng capture of Ethernet frames", path);
	ck_assert_uint_ge(c.vxlan_frames, 1);
	ck_assert_uint_ge(c.from_a, 1);
	ck_assert_uint_ge(c.from_b, 1);
	ck_assert(c.first_checked);
	if (c.icmp_frames > 1)
		ck_assert_uint_eq(c.icmp_same_port, c.icmp_frames - 1);
	fprintf(stderr, "test_kernel_capture: %s: %d frames, %u VXLAN frames parsed\n", path, frames,
		c.vxlan_frames);
}
END_TEST

static Suite *vxlan_suite(void)
{
	Suite *s = suite_create("vxlan");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_encap_bytes_exact);
	tcase_add_test(tc, test_template_fields);
	tcase_add_test(tc, test_encap_checksum_matches_full);
	tcase_add_test(tc, test_encap_parse_roundtrip);
	tcase_add_test(tc, test_src_port_range_and_stability);
	tcase_add_test(tc, test_src_port_fields_not_hashed);
	tcase_add_test(tc, test_src_port_any_length);
	tcase_add_test(tc, test_parse_truncated_every_length);
	tcase_add_test(tc, test_parse_malformed_cases);
	tcase_add_test(tc, test_parse_check_order);
	tcase_add_test(tc, test_parse_vlan_and_options);
	tcase_add_test(tc, test_parse_result_names);
	tcase_add_test(tc, test_parse_random_robustness);
	tcase_add_test(tc, test_kernel_capture);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vxlan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
