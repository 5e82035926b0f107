/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_evpn.c: unit tests of the EVPN codec (control/bgp/evpn.c): type-2, type-3 and type-5 NLRI
 * against fixed byte vectors (some taken from FRR 8.4 and GoBGP 3.10 captures, the type-5 ones
 * built by hand from RFC 9136 section 3.1), withdrawal forms, the skipping of types 1, 4 and
 * unknown types, every malformed form, route keys, route distinguishers and extended communities.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evpn.h"
#include "test_hex.h"


static uint32_t ip4(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* FRR 8.4, frr-evpn-session.pcap frame 15: MAC-only type 2, RD 10.0.0.2:2, label VNI 100. */
#define V_T2_MAC "02 21 00010a0000020002 00000000000000000000 00000000 30 020000000002 00 000064"
/* Same frame: MAC+IPv4 10.100.0.2. */
#define V_T2_MACIP "02 25 00010a0000020002 00000000000000000000 00000000 30 020000000002 20 0a640002 000064"
/* Hand-built: RD 65000:100, ESI 00:11:..., tag 7, MAC+IPv4 with label 2 (L3 VNI 2000). */
#define V_T2_L2 "02 28 0000fde800000064 00112233445566778899 00000007 30 aabbccddeeff 20 c0a80a01 000064 0007d0"
/* Hand-built: RD 4200000000:5, MAC+IPv6 2001:db8::1. */
#define V_T2_V6                                                                                                   \
	"02 31 0002fa56ea000005 00000000000000000000 00000000 30 020000000001 80 20010db8000000000000000000000001 " \
	"0000c8"
/* FRR, frame 15: type 3, RD 10.0.0.2:2, originator 10.0.0.2. */
#define V_T3 "03 11 00010a0000020002 00000000 20 0a000002"
/* Hand-built: type 3 with an IPv6 originator. */
#define V_T3_V6 "03 1d 00010a0000020002 00000064 80 20010db8000000000000000000000002"
/* FRR withdrawal (macmove frame 2): MAC+IP with the label zeroed. */
#define V_WD_LABEL0 "02 25 00010a0000020002 00000000000000000000 00000000 30 020000000002 20 0a640002 000000"
/* A withdrawal without the label bytes (30 + 0 bytes). */
#define V_WD_NOLABEL "02 1e 00010a0000020002 00000000000000000000 00000000 30 020000000002 00"
#define V_WD_NOLABEL_IP "02 22 00010a0000020002 00000000000000000000 00000000 30 020000000002 20 0a640002"

/*
 * Type 5, RFC 9136 section 3.1, built by hand: RD 1.1.1.1:3 (NX-OS auto IP-VRF RD), ESI 0,
 * tag 0, 10.1.0.0/16, gateway IP 0, label the L3 VNI 900001 (0x0dbba1). Length 34.
 */
#define V_T5 "05 22 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 0dbba1"
/* IPv6: RD 2.2.2.2:3, tag 7, 2001:db8:1::/48, gateway IP 0, L3 VNI 900001. Length 58. */
#define V_T5_V6                                                                                                   \
	"05 3a 0001020202020003 00000000000000000000 00000007 30 20010db8000100000000000000000000 " \
	"00000000000000000000000000000000 0dbba1"
/* IPv4 with an ESI and a gateway IP (overlay index), /32. */
#define V_T5_GW "05 22 0000fde800000064 00112233445566778899 00000000 20 c0a80a05 c0a80a01 000000"

static const uint8_t rd_10_0_0_2_2[8] = { 0, 1, 10, 0, 0, 2, 0, 2 };
static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 };

static void assert_route_eq(const struct evpn_route *a, const struct evpn_route *b)
{
	ck_assert_uint_eq(a->type, b->type);
	ck_assert_mem_eq(a->rd, b->rd, 8);
	ck_assert_mem_eq(a->esi, b->esi, 10);
	ck_assert_uint_eq(a->eth_tag, b->eth_tag);
	ck_assert_mem_eq(a->mac, b->mac, 6);
	ck_assert_uint_eq(a->ip_len, b->ip_len);
	ck_assert_mem_eq(a->ip, b->ip, 16);
	ck_assert_uint_eq(a->label1, b->label1);
	ck_assert_uint_eq(a->label2, b->label2);
	ck_assert_int_eq(a->has_label2, b->has_label2);
	ck_assert_uint_eq(a->prefix_len, b->prefix_len);
	ck_assert_mem_eq(a->gw_ip, b->gw_ip, 16);
}

static size_t decode_hex(const char *h, struct evpn_route *r, uint8_t *skipped, size_t *in_len)
{
	uint8_t b[128];
	size_t n = hex(h, b, sizeof(b));

	if (in_len)
		*in_len = n;
	return evpn_nlri_decode(b, n, r, skipped);
}

/* Encoding r gives exactly the bytes of h. */
static void assert_encodes_to(const struct evpn_route *r, bool withdraw, const char *h)
{
	uint8_t want[128], got[128];
	size_t n = hex(h, want, sizeof(want));

	ck_assert_uint_eq(evpn_nlri_encode(got, sizeof(got), r, withdraw), n);
	ck_assert_mem_eq(got, want, n);
	/* every smaller buffer is refused, without writing past it */
	for (size_t cap = 0; cap < n; cap++) {
		memset(got, 0xee, sizeof(got));
		ck_assert_uint_eq(evpn_nlri_encode(got, cap, r, withdraw), 0);
		for (size_t i = cap; i < sizeof(got); i++)
			ck_assert_uint_eq(got[i], 0xee);
	}
}

START_TEST(t2_mac_only)
{
	struct evpn_route r;
	uint8_t sk = 99;
	size_t n;

	memset(&r, 0xaa, sizeof(r));
	ck_assert_uint_eq(decode_hex(V_T2_MAC, &r, &sk, &n), n);
	ck_assert_uint_eq(n, 35);
	ck_assert_uint_eq(sk, 0);
	ck_assert_uint_eq(r.type, EVPN_RT_MAC_IP);
	ck_assert_mem_eq(r.rd, rd_10_0_0_2_2, 8);
	for (int i = 0; i < 10; i++)
		ck_assert_uint_eq(r.esi[i], 0);
	ck_assert_uint_eq(r.eth_tag, 0);
	ck_assert_mem_eq(r.mac, mac2, 6);
	ck_assert_uint_eq(r.ip_len, 0);
	ck_assert_uint_eq(r.label1, 100);
	ck_assert(!r.has_label2);
	ck_assert_uint_eq(r.label2, 0);
	assert_encodes_to(&r, false, V_T2_MAC);
}
END_TEST

START_TEST(t2_mac_ipv4)
{
	struct evpn_route r;
	uint8_t sk;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T2_MACIP, &r, &sk, &n), n);
	ck_assert_uint_eq(r.ip_len, 32);
	ck_assert_uint_eq(r.ip[0], 10);
	ck_assert_uint_eq(r.ip[1], 100);
	ck_assert_uint_eq(r.ip[2], 0);
	ck_assert_uint_eq(r.ip[3], 2);
	for (int i = 4; i < 16; i++)
		ck_assert_uint_eq(r.ip[i], 0);
	ck_assert_uint_eq(r.label1, 100);
	assert_encodes_to(&r, false, V_T2_MACIP);
}
END_TEST

START_TEST(t2_label2)
{
	static const uint8_t esi[10] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99 };
	static const uint8_t mac[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct evpn_route r, built;
	uint8_t sk;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T2_L2, &r, &sk, &n), n);
	ck_assert_uint_eq(n, 42);
	ck_assert_mem_eq(r.esi, esi, 10);
	ck_assert_uint_eq(r.eth_tag, 7);
	ck_assert_mem_eq(r.mac, mac, 6);
	ck_assert_uint_eq(r.label1, 100);
	ck_assert(r.has_label2);
	ck_assert_uint_eq(r.label2, 2000);
	assert_encodes_to(&r, false, V_T2_L2);

	/* the same route built field by field */
	memset(&built, 0, sizeof(built));
	built.type = EVPN_RT_MAC_IP;
	evpn_rd_type0(built.rd, 65000, 100);
	memcpy(built.esi, esi, 10);
	built.eth_tag = 7;
	memcpy(built.mac, mac, 6);
	built.ip_len = 32;
	memcpy(built.ip, (const uint8_t[]){ 192, 168, 10, 1 }, 4);
	built.label1 = 100;
	built.label2 = 2000;
	built.has_label2 = true;
	assert_encodes_to(&built, false, V_T2_L2);
	/* labels wider than 24 bits are cut to 24 */
	built.label1 = 0x7000064;
	built.label2 = 0xff0007d0;
	assert_encodes_to(&built, false, V_T2_L2);
	/* withdraw: both labels present, zeroed */
	assert_encodes_to(&built, true,
			  "02 28 0000fde800000064 00112233445566778899 00000007 30 aabbccddeeff 20 c0a80a01 000000 000000");
}
END_TEST

START_TEST(t2_mac_ipv6)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t rd[8] = { 0, 2, 0xfa, 0x56, 0xea, 0, 0, 5 };
	struct evpn_route r;
	uint8_t sk;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T2_V6, &r, &sk, &n), n);
	ck_assert_uint_eq(n, 51);
	ck_assert_mem_eq(r.rd, rd, 8);
	ck_assert_uint_eq(r.ip_len, 128);
	ck_assert_mem_eq(r.ip, v6, 16);
	ck_assert_uint_eq(r.label1, 200);
	ck_assert(!r.has_label2);
	assert_encodes_to(&r, false, V_T2_V6);
}
END_TEST

START_TEST(t3_imet)
{
	struct evpn_route r;
	uint8_t sk = 9;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T3, &r, &sk, &n), n);
	ck_assert_uint_eq(n, 19);
	ck_assert_uint_eq(sk, 0);
	ck_assert_uint_eq(r.type, EVPN_RT_IMET);
	ck_assert_mem_eq(r.rd, rd_10_0_0_2_2, 8);
	ck_assert_uint_eq(r.eth_tag, 0);
	ck_assert_uint_eq(r.ip_len, 32);
	ck_assert_mem_eq(r.ip, ((const uint8_t[]){ 10, 0, 0, 2 }), 4);
	ck_assert_uint_eq(r.label1, 0);
	ck_assert(!r.has_label2);
	assert_encodes_to(&r, false, V_T3);
	assert_encodes_to(&r, true, V_T3);

	ck_assert_uint_eq(decode_hex(V_T3_V6, &r, &sk, &n), n);
	ck_assert_uint_eq(r.ip_len, 128);
	ck_assert_uint_eq(r.eth_tag, 100);
	ck_assert_uint_eq(r.ip[15], 2);
	assert_encodes_to(&r, false, V_T3_V6);
}
END_TEST

START_TEST(withdraw_forms)
{
	struct evpn_route adv, wd, wd2;
	uint8_t sk;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T2_MACIP, &adv, &sk, &n), n);
	/* FRR's withdrawal: label zeroed */
	ck_assert_uint_eq(decode_hex(V_WD_LABEL0, &wd, &sk, &n), n);
	ck_assert_uint_eq(wd.label1, 0);
	ck_assert(evpn_route_same_key(&adv, &wd));
	/* our encoder writes the withdrawal exactly as FRR does */
	assert_encodes_to(&adv, true, V_WD_LABEL0);
	/* a withdrawal without the label bytes */
	ck_assert_uint_eq(decode_hex(V_WD_NOLABEL_IP, &wd2, &sk, &n), n);
	ck_assert_uint_eq(n, 36);
	ck_assert_uint_eq(wd2.label1, 0);
	ck_assert(!wd2.has_label2);
	ck_assert(evpn_route_same_key(&adv, &wd2));
	ck_assert_uint_eq(decode_hex(V_WD_NOLABEL, &wd2, &sk, &n), n);
	ck_assert_uint_eq(wd2.ip_len, 0);
	ck_assert(!evpn_route_same_key(&adv, &wd2)); /* MAC-only is another route than MAC+IP */
	ck_assert_uint_eq(decode_hex(V_T2_MAC, &adv, &sk, &n), n);
	ck_assert(evpn_route_same_key(&adv, &wd2));
}
END_TEST

START_TEST(skip_other_types)
{
	/* type 1 (25), type 5 (34, decoded), type 2, type 4 (23), unknown 9 (3), type 0 (1), type 3 */
	static const char *seq = "01 19 00010a0000010001 00000000000000000000 00000000 000064 "
				 "05 22 00010a0000010001 00000000000000000000 00000000 18 0a640000 00000000 000064 " V_T2_MAC
				 " 04 17 00010a0000010001 00000000000000000000 20 0a000001 "
				 "09 03 aabbcc 00 01 ff " V_T3;
	static const int expect_type[] = { 1, 5, 2, 4, 9, 0, 3 };
	static const size_t expect_len[] = { 27, 36, 35, 25, 5, 3, 19 };
	uint8_t b[256];
	size_t n = hex(seq, b, sizeof(b)), off = 0;

	for (size_t i = 0; i < sizeof(expect_type) / sizeof(expect_type[0]); i++) {
		struct evpn_route r;
		uint8_t sk = 0xee;
		size_t c;

		memset(&r, 0x5a, sizeof(r));
		c = evpn_nlri_decode(b + off, n - off, &r, &sk);
		ck_assert_uint_eq(c, expect_len[i]);
		if (expect_type[i] == 2 || expect_type[i] == 3 || expect_type[i] == 5) {
			ck_assert_uint_eq(sk, 0);
			ck_assert_uint_eq(r.type, expect_type[i]);
		} else {
			ck_assert_uint_eq(sk, expect_type[i]);
			ck_assert_uint_eq(r.type, 0x5a); /* untouched */
		}
		off += c;
	}
	ck_assert_uint_eq(off, n);
	/* a NULL skipped pointer is allowed */
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &(struct evpn_route){ 0 }, NULL), 27);
	/* a skipped type whose length runs past the input is malformed */
	ck_assert_uint_eq(evpn_nlri_decode(b, 26, &(struct evpn_route){ 0 }, NULL), 0);
}
END_TEST


START_TEST(t5_ipv4)
{
	static const uint8_t rd[8] = { 0, 1, 1, 1, 1, 1, 0, 3 };
	static const uint8_t pfx[4] = { 10, 1, 0, 0 };
	struct evpn_route r, built;
	uint8_t sk = 99;
	size_t n;

	memset(&r, 0xaa, sizeof(r));
	ck_assert_uint_eq(decode_hex(V_T5, &r, &sk, &n), n);
	ck_assert_uint_eq(n, 36);
	ck_assert_uint_eq(sk, 0);
	ck_assert_uint_eq(r.type, EVPN_RT_IP_PREFIX);
	ck_assert_mem_eq(r.rd, rd, 8);
	for (int i = 0; i < 10; i++)
		ck_assert_uint_eq(r.esi[i], 0);
	ck_assert_uint_eq(r.eth_tag, 0);
	ck_assert_uint_eq(r.ip_len, 32);
	ck_assert_uint_eq(r.prefix_len, 16);
	ck_assert_mem_eq(r.ip, pfx, 4);
	for (int i = 4; i < 16; i++)
		ck_assert_uint_eq(r.ip[i], 0);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(r.gw_ip[i], 0);
	ck_assert_uint_eq(r.label1, 900001);
	ck_assert(!r.has_label2);
	assert_encodes_to(&r, false, V_T5);
	/* the withdrawal: the same NLRI with the label zeroed */
	assert_encodes_to(&r, true, "05 22 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 000000");
	/* built from parts, as our advertisements are */
	evpn_route_prefix(&built, rd, 32, pfx, 16, 900001);
	assert_route_eq(&built, &r);
	assert_encodes_to(&built, false, V_T5);
}
END_TEST

START_TEST(t5_ipv6)
{
	static const uint8_t pfx[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01 };
	struct evpn_route r, built;
	uint8_t sk;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T5_V6, &r, &sk, &n), n);
	ck_assert_uint_eq(n, 60);
	ck_assert_uint_eq(r.type, EVPN_RT_IP_PREFIX);
	ck_assert_uint_eq(r.eth_tag, 7);
	ck_assert_uint_eq(r.ip_len, 128);
	ck_assert_uint_eq(r.prefix_len, 48);
	ck_assert_mem_eq(r.ip, pfx, 16);
	ck_assert_uint_eq(r.label1, 900001);
	assert_encodes_to(&r, false, V_T5_V6);
	evpn_route_prefix(&built, r.rd, 128, pfx, 48, 900001);
	built.eth_tag = 7;
	assert_route_eq(&built, &r);
}
END_TEST

START_TEST(t5_gateway_esi)
{
	static const uint8_t esi[10] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99 };
	static const uint8_t gw[4] = { 192, 168, 10, 1 }, pfx[4] = { 192, 168, 10, 5 };
	struct evpn_route r;
	uint8_t sk;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T5_GW, &r, &sk, &n), n);
	ck_assert_mem_eq(r.esi, esi, 10);
	ck_assert_uint_eq(r.prefix_len, 32);
	ck_assert_mem_eq(r.ip, pfx, 4);
	ck_assert_mem_eq(r.gw_ip, gw, 4);
	for (int i = 4; i < 16; i++)
		ck_assert_uint_eq(r.gw_ip[i], 0);
	ck_assert_uint_eq(r.label1, 0);
	assert_encodes_to(&r, false, V_T5_GW);
}
END_TEST

/* RFC 9136: bits past the prefix length should be zero; we clear them and say so. */
START_TEST(t5_host_bits)
{
	struct evpn_route r, clean;
	struct evpn_nlri_diag d;
	uint8_t b[128];
	size_t n;

	n = hex("05 22 0001010101010003 00000000000000000000 00000000 10 0a01ff01 00000000 0dbba1", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode_diag(b, n, &r, NULL, &d), n);
	ck_assert(d.host_bits_cleared);
	ck_assert_ptr_null(d.error);
	ck_assert_uint_eq(r.ip[0], 10);
	ck_assert_uint_eq(r.ip[1], 1);
	ck_assert_uint_eq(r.ip[2], 0);
	ck_assert_uint_eq(r.ip[3], 0);
	ck_assert_uint_eq(decode_hex(V_T5, &clean, NULL, &n), n);
	ck_assert(evpn_route_same_key(&r, &clean));
	assert_encodes_to(&r, false, V_T5);
	/* a clean one says nothing; a prefix length inside a byte keeps its bits (10.1.128.0/17) */
	n = hex(V_T5, b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode_diag(b, n, &r, NULL, &d), n);
	ck_assert(!d.host_bits_cleared);
	n = hex("05 22 0001010101010003 00000000000000000000 00000000 11 0a01c000 00000000 0dbba1", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode_diag(b, n, &r, NULL, &d), n);
	ck_assert(d.host_bits_cleared);
	ck_assert_uint_eq(r.ip[2], 0x80);
	/* /0 clears all; the encoder never sends bits past the length */
	n = hex("05 22 0001010101010003 00000000000000000000 00000000 00 ffffffff 00000000 0dbba1", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode_diag(b, n, &r, NULL, &d), n);
	ck_assert(d.host_bits_cleared);
	ck_assert_uint_eq(r.ip[0] | r.ip[1] | r.ip[2] | r.ip[3], 0);
	r.ip[3] = 0x55;
	assert_encodes_to(&r, false, "05 22 0001010101010003 00000000000000000000 00000000 00 00000000 00000000 0dbba1");
	/* IPv6 /65 */
	n = hex("05 3a 0001020202020003 00000000000000000000 00000000 41 20010db800010000ffffffffffffffff "
		"00000000000000000000000000000000 0dbba1",
		b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode_diag(b, n, &r, NULL, &d), n);
	ck_assert(d.host_bits_cleared);
	ck_assert_uint_eq(r.ip[8], 0x80);
	for (int i = 9; i < 16; i++)
		ck_assert_uint_eq(r.ip[i], 0);
}
END_TEST

START_TEST(t5_malformed)
{
	static const char *const bad[] = {
		/* length 33 and 35 (an IPv4 route one byte short or long) */
		"05 21 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 0dbb",
		"05 23 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 0dbba1 00",
		/* length 57, 59; a type-5 the size of a type 2 (36) */
		("05 39 0001020202020003 00000000000000000000 00000000 30 20010db8000100000000000000000000 "
		 "00000000000000000000000000000000 0dbb"),
		("05 3b 0001020202020003 00000000000000000000 00000000 30 20010db8000100000000000000000000 "
		 "00000000000000000000000000000000 0dbba1 00"),
		"05 24 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 0dbba1 0000",
		/* mixed families: an IPv4 prefix with an IPv6 gateway (46) */
		"05 2e 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000000000000000000000000000 0dbba1",
		/* prefix length 33 in an IPv4 route, 129 and 255 in an IPv6 one */
		"05 22 0001010101010003 00000000000000000000 00000000 21 0a010000 00000000 0dbba1",
		("05 3a 0001020202020003 00000000000000000000 00000000 81 20010db8000100000000000000000000 "
		 "00000000000000000000000000000000 0dbba1"),
		("05 3a 0001020202020003 00000000000000000000 00000000 ff 20010db8000100000000000000000000 "
		 "00000000000000000000000000000000 0dbba1"),
		/* empty */
		"05 00",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct evpn_route r;
		struct evpn_nlri_diag d;
		uint8_t b[128], sk = 0xee;
		size_t n = hex(bad[i], b, sizeof(b));

		memset(&r, 0x5a, sizeof(r));
		ck_assert_msg(evpn_nlri_decode_diag(b, n, &r, &sk, &d) == 0, "bad type 5 #%zu decoded", i);
		ck_assert_ptr_nonnull(d.error);
		ck_assert_msg(strstr(d.error, "type-5"), "#%zu: %s", i, d.error);
		/* its own length byte still delimits it: the NLRIs after it can be read */
		ck_assert(d.delimited);
		ck_assert_uint_eq(sk, 0xee);
		ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	}
	/* and the limits themselves are valid: /32, /0, /128 */
	{
		struct evpn_route r;
		uint8_t b[128];
		size_t n = hex("05 22 0001010101010003 00000000000000000000 00000000 20 0a010001 00000000 0dbba1", b,
			       sizeof(b));

		ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), n);
		ck_assert_uint_eq(r.prefix_len, 32);
		n = hex("05 3a 0001020202020003 00000000000000000000 00000000 80 20010db8000100000000000000000001 "
			"00000000000000000000000000000000 0dbba1",
			b, sizeof(b));
		ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), n);
		ck_assert_uint_eq(r.prefix_len, 128);
		ck_assert_uint_eq(r.ip[15], 1);
	}
	/* a length byte past the input is not delimited */
	{
		struct evpn_nlri_diag d;
		uint8_t b[128];
		size_t n = hex(V_T5, b, sizeof(b));

		ck_assert_uint_eq(evpn_nlri_decode_diag(b, n - 1, &(struct evpn_route){ 0 }, NULL, &d), 0);
		ck_assert(!d.delimited);
		ck_assert_ptr_nonnull(d.error);
	}
}
END_TEST

/* RFC 9136 section 3.1: RD, tag, prefix length and prefix are the key; ESI, gateway and label are not. */
START_TEST(t5_route_key)
{
	struct evpn_route a, b;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T5, &a, NULL, &n), n);
	b = a;
	b.label1 = 0;
	b.gw_ip[0] = 1;
	b.esi[9] = 1;
	ck_assert(evpn_route_same_key(&a, &b));
	b = a;
	b.prefix_len = 17;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.ip[1] = 2;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.rd[7] = 4;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.eth_tag = 1;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.ip_len = 128; /* 10.1.0.0/16 is not ::a01:0/16 */
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.type = EVPN_RT_IMET;
	ck_assert(!evpn_route_same_key(&a, &b));
}
END_TEST

/* RFC 9135: the second label of a MAC+IP route is the L3 VNI; a withdrawal zeroes both. */
START_TEST(t2_two_labels_withdraw)
{
	struct evpn_route r;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T2_L2, &r, NULL, &n), n);
	ck_assert(r.has_label2);
	assert_encodes_to(&r, true,
			  "02 28 0000fde800000064 00112233445566778899 00000007 30 aabbccddeeff 20 c0a80a01 000000 000000");
	/* L2 VNI 5000 and L3 VNI 900001 as the seed scenario sends them */
	r.label1 = 5000;
	r.label2 = 900001;
	assert_encodes_to(&r, false,
			  "02 28 0000fde800000064 00112233445566778899 00000007 30 aabbccddeeff 20 c0a80a01 001388 0dbba1");
}
END_TEST

/* Every prefix of every good vector is malformed (the copy is exactly that long: ASan sees overreads). */
START_TEST(truncated_every_byte)
{
	static const char *const vec[] = { V_T2_MAC, V_T2_MACIP, V_T2_L2, V_T2_V6, V_T3,
					   V_T3_V6,  V_WD_NOLABEL, V_T5, V_T5_V6, V_T5_GW };

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		uint8_t b[128];
		size_t n = hex(vec[v], b, sizeof(b));

		for (size_t k = 0; k < n; k++) {
			/* a heap copy of exactly k bytes, so that ASan sees any read past it */
			uint8_t *p = malloc(k ? k : 1);
			struct evpn_route r;

			memcpy(p, b, k);
			ck_assert_msg(evpn_nlri_decode(p, k, &r, NULL) == 0, "vector %zu decoded from %zu of %zu bytes", v, k,
				      n);
			/* the length byte cut to what is there: a shorter valid form or malformed, never a read past it */
			if (k >= 2) {
				size_t c;

				p[1] = (uint8_t)(k - 2);
				c = evpn_nlri_decode(p, k, &r, NULL);
				ck_assert_msg(c == 0 || c == k, "vector %zu, length byte %zu: consumed %zu", v, k - 2, c);
			}
			free(p);
		}
	}
}
END_TEST

START_TEST(malformed)
{
	struct evpn_route r;
	uint8_t b[128];
	size_t n;

	/* MAC length 47 */
	n = hex("02 21 00010a0000020002 00000000000000000000 00000000 2f 020000000002 00 000064", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	/* IP length 24 */
	n = hex("02 24 00010a0000020002 00000000000000000000 00000000 30 020000000002 18 0a6400 000064", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	/* IP length 64 */
	n = hex("02 29 00010a0000020002 00000000000000000000 00000000 30 020000000002 40 0a6400020a640002 000064", b,
		sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	/* length byte one too long (with the extra byte present) and one too short */
	n = hex("02 22 00010a0000020002 00000000000000000000 00000000 30 020000000002 00 000064 00", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	n = hex("02 20 00010a0000020002 00000000000000000000 00000000 30 020000000002 00 000064", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	/* length byte claims IPv4 but the IP length says IPv6 (both directions) */
	n = hex("02 25 00010a0000020002 00000000000000000000 00000000 30 020000000002 80 0a640002 000064", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	n = hex("02 31 00010a0000020002 00000000000000000000 00000000 30 020000000002 20 "
		"20010db8000000000000000000000001 0000c8",
		b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	/* length byte beyond the input */
	n = hex(V_T2_MAC, b, sizeof(b));
	b[1] = 0xff;
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	/* length shorter than the fixed part */
	n = hex("02 05 0000000000", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	/* type 3: no originator, IP length 24, length byte lying */
	n = hex("03 0d 00010a0000020002 00000000 00", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	n = hex("03 10 00010a0000020002 00000000 18 0a0000", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	n = hex("03 12 00010a0000020002 00000000 20 0a000002 00", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	n = hex("03 11 00010a0000020002 00000000 80 0a000002", b, sizeof(b));
	ck_assert_uint_eq(evpn_nlri_decode(b, n, &r, NULL), 0);
	/* empty and one-byte inputs */
	ck_assert_uint_eq(evpn_nlri_decode(b, 0, &r, NULL), 0);
	ck_assert_uint_eq(evpn_nlri_decode(b, 1, &r, NULL), 0);
}
END_TEST

/*
 * What the decoder says about a malformed route, for RFC 7606 treat-as-withdraw: why (the
 * reason code), whether its length byte still delimits it, and whether its key (RD, tag, MAC,
 * IP) sits whole at its usual place, to be withdrawn.
 */
START_TEST(malformed_diag)
{
	static const struct {
		const char *hex;
		enum evpn_nlri_err code;
		bool delimited, key;
	} v[] = {
		{ "02 21 00010a0000020002 00000000000000000000 00000007 2f 020000000002 00 000064", EVPN_NLRI_BAD_MAC_LEN, true,
		  true },
		{ "02 24 00010a0000020002 00000000000000000000 00000007 30 020000000002 18 0a6400 000064", EVPN_NLRI_BAD_IP_LEN,
		  true, false },
		{ "02 23 00010a0000020002 00000000000000000000 00000007 30 020000000002 20 0a640002 00", EVPN_NLRI_BAD_LENGTH,
		  true, true },
		{ "02 25 00010a0000020002 00000000000000000000 00000007 30 020000000002 80 0a640002 000064",
		  EVPN_NLRI_BAD_LENGTH, true, false },
		{ "02 05 0000000000", EVPN_NLRI_BAD_LENGTH, true, false },
		{ "03 12 00010a0000020002 00000007 20 0a640002 00", EVPN_NLRI_BAD_LENGTH, true, true },
		{ "03 10 00010a0000020002 00000007 18 0a6400", EVPN_NLRI_BAD_IP_LEN, true, false },
		{ "03 0f 00010a0000020002 00000007 20 0a64", EVPN_NLRI_BAD_LENGTH, true, false },
		{ "05 22 0001010101010003 00000000000000000000 00000000 21 0a010000 00000000 0dbba1",
		  EVPN_NLRI_BAD_PREFIX_LEN, true, false },
		{ "05 2e 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000000000000000000000000000 0dbba1",
		  EVPN_NLRI_BAD_FAMILY, true, false },
		{ "02 ff 00010a0000020002", EVPN_NLRI_BAD_LENGTH, false, false },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct evpn_route r;
		struct evpn_nlri_diag d;
		uint8_t b[128], sk = 0xee;
		size_t n = hex(v[i].hex, b, sizeof(b));

		memset(&r, 0x5a, sizeof(r));
		ck_assert_msg(evpn_nlri_decode_diag(b, n, &r, &sk, &d) == 0, "#%zu decoded", i);
		ck_assert_ptr_nonnull(d.error);
		ck_assert_msg(d.code == v[i].code, "#%zu: code %s (%s)", i, evpn_nlri_err_name(d.code), d.error);
		ck_assert_int_eq(d.delimited, v[i].delimited);
		ck_assert_msg(d.key_valid == v[i].key, "#%zu: key_valid %d", i, d.key_valid);
		if (!d.key_valid)
			continue;
		/* the key, labels zero */
		ck_assert_uint_eq(r.type, b[0]);
		ck_assert_mem_eq(r.rd, ((const uint8_t[]){ 0, 1, 10, 0, 0, 2, 0, 2 }), 8);
		ck_assert_uint_eq(r.eth_tag, 7);
		ck_assert_uint_eq(r.label1, 0);
		ck_assert(!r.has_label2);
		if (r.type == EVPN_RT_MAC_IP)
			ck_assert_mem_eq(r.mac, ((const uint8_t[]){ 2, 0, 0, 0, 0, 2 }), 6);
		if (r.ip_len)
			ck_assert_mem_eq(r.ip, ((const uint8_t[]){ 10, 100, 0, 2 }), 4);
	}
	/* types 1 and 4 are skipped by their length byte; a wrong length is said, and still skipped */
	{
		static const char *const skip[] = {
			"01 18 00010a0000020002 00000000000000000000 00000000 0000",
			"04 17 0001010101010003 00000000000000000000 18 0a000300",
			"04 18 0001010101010003 00000000000000000000 20 0a00030000",
		};
		static const enum evpn_nlri_err code[] = { EVPN_NLRI_BAD_LENGTH, EVPN_NLRI_BAD_IP_LEN, EVPN_NLRI_BAD_LENGTH };

		for (size_t i = 0; i < 3; i++) {
			struct evpn_nlri_diag d;
			uint8_t b[64], sk = 0;
			size_t n = hex(skip[i], b, sizeof(b));

			ck_assert_uint_eq(evpn_nlri_decode_diag(b, n, &(struct evpn_route){ 0 }, &sk, &d), n);
			ck_assert_uint_eq(sk, b[0]);
			ck_assert_ptr_nonnull(d.error);
			ck_assert_uint_eq(d.code, code[i]);
			ck_assert(d.delimited && !d.key_valid);
		}
	}
	ck_assert_str_eq(evpn_nlri_err_name(EVPN_NLRI_BAD_MAC_LEN), "bad_mac_length");
	ck_assert_str_eq(evpn_nlri_err_name(EVPN_NLRI_ERR_MAX), "unknown");
}
END_TEST

START_TEST(encode_invalid)
{
	struct evpn_route r;
	uint8_t b[128];

	memset(&r, 0, sizeof(r));
	r.type = EVPN_RT_MAC_IP;
	r.ip_len = 24;
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 0);
	r.type = EVPN_RT_IMET;
	r.ip_len = 0; /* a type 3 needs its originator */
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 0);
	r.ip_len = 32;
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 19);
	r.type = EVPN_RT_IP_PREFIX;
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 36);
	r.prefix_len = 33; /* past the family */
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 0);
	r.ip_len = 128;
	r.prefix_len = 129;
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 0);
	r.prefix_len = 128;
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 60);
	r.ip_len = 0; /* no family */
	r.prefix_len = 0;
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 0);
	r.ip_len = 24;
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 0);
	r.type = 0;
	ck_assert_uint_eq(evpn_nlri_encode(b, sizeof(b), &r, false), 0);
}
END_TEST

START_TEST(route_key)
{
	struct evpn_route a, b;
	uint8_t sk;
	size_t n;

	ck_assert_uint_eq(decode_hex(V_T2_L2, &a, &sk, &n), n);
	b = a;
	ck_assert(evpn_route_same_key(&a, &b));
	b.esi[3] ^= 1; /* ESI is not part of the key (RFC 7432 section 7.2) */
	b.label1 = 5;
	b.label2 = 6;
	b.has_label2 = false;
	ck_assert(evpn_route_same_key(&a, &b));
	b = a;
	b.mac[5] ^= 1;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.ip[3] ^= 1;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.ip_len = 0;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.rd[7] ^= 1;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.eth_tag++;
	ck_assert(!evpn_route_same_key(&a, &b));
	b = a;
	b.type = EVPN_RT_IMET;
	ck_assert(!evpn_route_same_key(&a, &b));
	/* bytes past the IP length do not count */
	b = a;
	b.ip[10] = 0x77;
	ck_assert(evpn_route_same_key(&a, &b));

	ck_assert_uint_eq(decode_hex(V_T3, &a, &sk, &n), n);
	b = a;
	ck_assert(evpn_route_same_key(&a, &b));
	b.ip[3] = 3;
	ck_assert(!evpn_route_same_key(&a, &b));
}
END_TEST

static void assert_rd(const char *s, const char *want_hex, const char *want_fmt)
{
	uint8_t rd[8], want[8];
	char buf[64];

	ck_assert_msg(evpn_rd_parse(s, rd) == 0, "RD '%s' refused", s);
	ck_assert_uint_eq(hex(want_hex, want, sizeof(want)), 8);
	ck_assert_mem_eq(rd, want, 8);
	evpn_rd_format(rd, buf, sizeof(buf));
	ck_assert_str_eq(buf, want_fmt);
}

START_TEST(rd_parse_format)
{
	static const char *const bad[] = { "", ":", "1:", ":1", "a:1", "1:b", "1:2:3", "1.2.3:4", "256.0.0.1:1",
					   "4294967296:1", "-1:5", " 1:2", "1:2 ", "1.2.3.4.5:1", "1:+2", "10.0.0.1:65536",
					   "65536:65536", "4200000000:100000", "100", "1:99999999999", "10.0.0.1 :1",
					   "0x10:1" };
	uint8_t rd[8];
	char buf[64];

	assert_rd("10.0.0.2:2", "00 01 0a 00 00 02 00 02", "10.0.0.2:2");
	assert_rd("10.0.0.3:32867", "00 01 0a 00 00 03 80 63", "10.0.0.3:32867");
	assert_rd("65000:100", "00 00 fd e8 00 00 00 64", "65000:100");
	assert_rd("65535:4294967295", "00 00 ff ff ff ff ff ff", "65535:4294967295");
	assert_rd("0:0", "00 00 00 00 00 00 00 00", "0:0");
	assert_rd("4200000000:100", "00 02 fa 56 ea 00 00 64", "4200000000:100");
	assert_rd("65536:65535", "00 02 00 01 00 00 ff ff", "65536:65535");
	assert_rd("255.255.255.255:65535", "00 01 ff ff ff ff ff ff", "255.255.255.255:65535");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(evpn_rd_parse(bad[i], rd) == EINVAL, "RD '%s' accepted", bad[i]);
	ck_assert_int_eq(evpn_rd_parse(NULL, rd), EINVAL);

	evpn_rd_type1(rd, ip4("10.0.0.1"), 32867);
	evpn_rd_format(rd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "10.0.0.1:32867");
	evpn_rd_type0(rd, 65001, 4000000000u);
	evpn_rd_format(rd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "65001:4000000000");
	/* unknown RD type: shown raw */
	memcpy(rd, (const uint8_t[]){ 0, 3, 1, 2, 3, 4, 5, 6 }, 8);
	evpn_rd_format(rd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "type3:010203040506");
	/* a short buffer is cut, never overrun */
	memset(buf, 'x', sizeof(buf));
	evpn_rd_format(rd, buf, 5);
	ck_assert_str_eq(buf, "type");
	ck_assert_int_eq(buf[5], 'x');
}
END_TEST

static uint64_t ec_hex(const char *h)
{
	uint8_t b[8];
	uint64_t v = 0;

	ck_assert_uint_eq(hex(h, b, sizeof(b)), 8);
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void assert_ec_fmt(uint64_t ec, const char *want)
{
	char buf[64];

	evpn_ec_format(ec, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

START_TEST(ext_communities)
{
	static const uint8_t rmac[6] = { 2, 0, 0, 0, 0, 1 };
	uint32_t seq = 0;
	bool sticky = true;

	ck_assert_uint_eq(evpn_ec_rt_as2(65000, 100), ec_hex("00 02 fd e8 00 00 00 64"));
	ck_assert_uint_eq(evpn_ec_rt_as2(65000, 100000), ec_hex("00 02 fd e8 00 01 86 a0"));
	ck_assert_uint_eq(evpn_ec_rt_ip4(ip4("10.0.0.1"), 100), ec_hex("01 02 0a 00 00 01 00 64"));
	ck_assert_uint_eq(evpn_ec_rt_as4(4200000000u, 100), ec_hex("02 02 fa 56 ea 00 00 64"));
	ck_assert_uint_eq(evpn_ec_encap_vxlan(), ec_hex("03 0c 00 00 00 00 00 08"));
	ck_assert_uint_eq(evpn_ec_mac_mobility(1, false), ec_hex("06 00 00 00 00 00 00 01")); /* FRR, macmove */
	ck_assert_uint_eq(evpn_ec_mac_mobility(5, true), ec_hex("06 00 01 00 00 00 00 05"));
	ck_assert_uint_eq(evpn_ec_mac_mobility(0xfffffffe, true), ec_hex("06 00 01 00 ff ff ff fe"));
	ck_assert_uint_eq(evpn_ec_router_mac(rmac), ec_hex("06 03 02 00 00 00 00 01"));

	ck_assert(evpn_ec_is_rt(evpn_ec_rt_as2(1, 2)));
	ck_assert(evpn_ec_is_rt(evpn_ec_rt_ip4(ip4("1.2.3.4"), 2)));
	ck_assert(evpn_ec_is_rt(evpn_ec_rt_as4(70000, 2)));
	ck_assert(!evpn_ec_is_rt(evpn_ec_encap_vxlan()));
	ck_assert(!evpn_ec_is_rt(ec_hex("00 03 fd e8 00 00 00 64"))); /* route origin, not target */
	ck_assert(!evpn_ec_is_rt(ec_hex("40 02 fd e8 00 00 00 64"))); /* non-transitive */
	ck_assert_uint_eq(evpn_ec_rt_value(evpn_ec_rt_as2(65000, 100)), 100);
	ck_assert_uint_eq(evpn_ec_rt_value(evpn_ec_rt_as2(65000, 16777215)), 16777215);
	ck_assert_uint_eq(evpn_ec_rt_value(evpn_ec_rt_ip4(ip4("10.0.0.1"), 200)), 200);
	ck_assert_uint_eq(evpn_ec_rt_value(evpn_ec_rt_as4(4200000000u, 300)), 300);
	ck_assert_uint_eq(evpn_ec_rt_value(evpn_ec_encap_vxlan()), 0);

	ck_assert(evpn_ec_get_mac_mobility(ec_hex("06 00 00 00 00 00 00 01"), &seq, &sticky));
	ck_assert_uint_eq(seq, 1);
	ck_assert(!sticky);
	ck_assert(evpn_ec_get_mac_mobility(evpn_ec_mac_mobility(77, true), &seq, &sticky));
	ck_assert_uint_eq(seq, 77);
	ck_assert(sticky);
	ck_assert(!evpn_ec_get_mac_mobility(evpn_ec_router_mac(rmac), &seq, &sticky));
	ck_assert(!evpn_ec_get_mac_mobility(evpn_ec_rt_as2(6, 0), &seq, &sticky));

	/* router's MAC (RFC 9135 section 8.1) and default gateway (RFC 7432 section 7.8), both ways */
	{
		uint8_t got[6] = { 0 };

		ck_assert(evpn_ec_get_router_mac(ec_hex("06 03 00 00 22 22 33 33"), got));
		ck_assert_mem_eq(got, ((const uint8_t[]){ 0, 0, 0x22, 0x22, 0x33, 0x33 }), 6);
		ck_assert(evpn_ec_get_router_mac(evpn_ec_router_mac(rmac), got));
		ck_assert_mem_eq(got, rmac, 6);
		ck_assert(!evpn_ec_get_router_mac(evpn_ec_mac_mobility(1, false), got));
		ck_assert(!evpn_ec_get_router_mac(ec_hex("03 03 00 00 22 22 33 33"), got));
		ck_assert(!evpn_ec_get_router_mac(evpn_ec_rt_as2(65000, 900001), got));
		ck_assert_uint_eq(evpn_ec_default_gw(), ec_hex("03 0d 00 00 00 00 00 00"));
		ck_assert(evpn_ec_is_default_gw(ec_hex("03 0d 00 00 00 00 00 00")));
		ck_assert(!evpn_ec_is_default_gw(evpn_ec_encap_vxlan()));
		ck_assert(!evpn_ec_is_default_gw(ec_hex("06 0d 00 00 00 00 00 00")));
	}

	assert_ec_fmt(evpn_ec_rt_as2(65000, 100), "RT:65000:100");
	assert_ec_fmt(evpn_ec_rt_ip4(ip4("10.0.0.1"), 100), "RT:10.0.0.1:100");
	assert_ec_fmt(evpn_ec_rt_as4(4200000000u, 100), "RT:4200000000:100");
	assert_ec_fmt(evpn_ec_encap_vxlan(), "ENCAP:VXLAN");
	assert_ec_fmt(ec_hex("03 0c 00 00 00 00 00 0a"), "ENCAP:10");
	assert_ec_fmt(evpn_ec_mac_mobility(5, true), "MM:5,sticky");
	assert_ec_fmt(evpn_ec_mac_mobility(5, false), "MM:5");
	assert_ec_fmt(evpn_ec_router_mac((const uint8_t[]){ 0x0a, 0xbc, 0xde, 0xf0, 0x12, 0x34 }), "RMAC:0a:bc:de:f0:12:34");
	assert_ec_fmt(ec_hex("03 0d 00 00 00 00 00 00"), "DEFGW");
	assert_ec_fmt(ec_hex("80 01 02 03 04 05 06 07"), "0x8001020304050607");
}
END_TEST

START_TEST(rt_parse)
{
	static const char *const bad[] = { "", "65000", "65000:", "x:1", "10.0.0.1:65536", "4200000000:65536",
					   "1:2:3", "4294967296:1", "10.0.0:1", "65000:-1" };
	uint64_t ec = 0;

	ck_assert_int_eq(evpn_rt_parse("65000:100", &ec), 0);
	ck_assert_uint_eq(ec, ec_hex("00 02 fd e8 00 00 00 64"));
	ck_assert_int_eq(evpn_rt_parse("65000:100000", &ec), 0); /* 2-octet AS with a value > 65535 */
	ck_assert_uint_eq(ec, ec_hex("00 02 fd e8 00 01 86 a0"));
	ck_assert_int_eq(evpn_rt_parse("4200000000:100", &ec), 0);
	ck_assert_uint_eq(ec, ec_hex("02 02 fa 56 ea 00 00 64"));
	ck_assert_int_eq(evpn_rt_parse("10.0.0.1:100", &ec), 0);
	ck_assert_uint_eq(ec, ec_hex("01 02 0a 00 00 01 00 64"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ec = 42;
		ck_assert_msg(evpn_rt_parse(bad[i], &ec) == EINVAL, "RT '%s' accepted", bad[i]);
		ck_assert_uint_eq(ec, 42);
	}
}
END_TEST

/* Decode(encode(r)) == r for a spread of routes. */
START_TEST(round_trip)
{
	for (unsigned i = 0; i < 600; i++) {
		struct evpn_route r, d;
		uint8_t b[64];
		size_t n;

		memset(&r, 0, sizeof(r));
		r.type = i % 4 == 3 ? EVPN_RT_IP_PREFIX : i % 3 == 2 ? EVPN_RT_IMET : EVPN_RT_MAC_IP;
		for (int k = 0; k < 8; k++)
			r.rd[k] = (uint8_t)(i * 7 + (unsigned)k);
		r.eth_tag = i * 2654435761u;
		for (int k = 0; k < 16; k++)
			r.ip[k] = (uint8_t)(i + (unsigned)k * 13);
		if (r.type == EVPN_RT_MAC_IP) {
			static const uint8_t lens[3] = { 0, 32, 128 };

			for (int k = 0; k < 10; k++)
				r.esi[k] = (uint8_t)(i ^ (unsigned)k);
			for (int k = 0; k < 6; k++)
				r.mac[k] = (uint8_t)(i >> k);
			r.ip_len = lens[i % 3];
			r.label1 = (i * 40503u) & 0xffffff;
			r.has_label2 = i & 1;
			r.label2 = r.has_label2 ? (i * 7919u) & 0xffffff : 0;
		} else if (r.type == EVPN_RT_IP_PREFIX) {
			r.ip_len = i & 4 ? 128 : 32;
			r.prefix_len = (uint8_t)(i % (r.ip_len + 1u));
			for (int k = 0; k < 10; k++)
				r.esi[k] = (uint8_t)(i * 3 + (unsigned)k);
			for (int k = 0; k < r.ip_len / 8; k++)
				r.gw_ip[k] = (uint8_t)(i * 5 + (unsigned)k);
			r.label1 = (i * 40503u) & 0xffffff;
		} else {
			r.ip_len = i & 4 ? 128 : 32;
		}
		memset(r.ip + r.ip_len / 8, 0, 16 - r.ip_len / 8);
		if (r.type == EVPN_RT_IP_PREFIX) { /* bits past the prefix length are zero on the wire */
			for (unsigned k = 0; k < 16; k++) {
				if (8 * k >= r.prefix_len)
					r.ip[k] = 0;
				else if (8 * (k + 1) > r.prefix_len)
					r.ip[k] &= (uint8_t)(0xff00u >> (r.prefix_len - 8 * k));
			}
		}
		n = evpn_nlri_encode(b, sizeof(b), &r, false);
		ck_assert_uint_gt(n, 0);
		memset(&d, 0x55, sizeof(d));
		ck_assert_uint_eq(evpn_nlri_decode(b, n, &d, NULL), n);
		assert_route_eq(&d, &r);
	}
}
END_TEST

static Suite *evpn_suite(void)
{
	Suite *s = suite_create("evpn");
	TCase *tc = tcase_create("nlri");

	tcase_add_test(tc, t2_mac_only);
	tcase_add_test(tc, t2_mac_ipv4);
	tcase_add_test(tc, t2_label2);
	tcase_add_test(tc, t2_mac_ipv6);
	tcase_add_test(tc, t3_imet);
	tcase_add_test(tc, withdraw_forms);
	tcase_add_test(tc, skip_other_types);
	tcase_add_test(tc, truncated_every_byte);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, malformed_diag);
	tcase_add_test(tc, encode_invalid);
	tcase_add_test(tc, route_key);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, t5_ipv4);
	tcase_add_test(tc, t5_ipv6);
	tcase_add_test(tc, t5_gateway_esi);
	tcase_add_test(tc, t5_host_bits);
	tcase_add_test(tc, t5_malformed);
	tcase_add_test(tc, t5_route_key);
	tcase_add_test(tc, t2_two_labels_withdraw);
	suite_add_tcase(s, tc);
	tc = tcase_create("rd_ec");
	tcase_add_test(tc, rd_parse_format);
	tcase_add_test(tc, ext_communities);
	tcase_add_test(tc, rt_parse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evpn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
