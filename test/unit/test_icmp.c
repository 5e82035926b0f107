/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_icmp.c: unit tests of dataplane/icmp.c, the ICMP "fragmentation needed" and ICMPv6
 * "packet too big" builders and the frame classifier: every header field, both checksums
 * (the ICMPv6 one with its pseudo-header), the quoted original up to the minimum MTU, and
 * every packet that must not be answered.
 */
#include <check.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "icmp.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a }, mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* An IPv4/UDP frame from A (192.168.1.1) to B (192.168.1.2) with len bytes of frame. */
static size_t v4_frame(uint8_t *f, size_t len, uint16_t frag)
{
	memset(f, 0, len);
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8), f[17] = (uint8_t)(len - 14);
	f[18] = 0x12, f[19] = 0x34;
	f[20] = (uint8_t)(frag >> 8), f[21] = (uint8_t)frag;
	f[22] = 64, f[23] = 17;
	f[26] = 192, f[27] = 168, f[28] = 1, f[29] = 1;
	f[30] = 192, f[31] = 168, f[32] = 1, f[33] = 2;
	for (size_t i = 34; i < len; i++)
		f[i] = (uint8_t)(i * 13);
	return len;
}

static size_t v6_frame(uint8_t *f, size_t len, uint8_t next)
{
	memset(f, 0, len);
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	f[12] = 0x86, f[13] = 0xdd;
	f[14] = 0x60;
	f[18] = (uint8_t)((len - 54) >> 8), f[19] = (uint8_t)(len - 54);
	f[20] = next, f[21] = 64;
	f[22] = 0xfd, f[37] = 1;
	f[38] = 0xfd, f[53] = 2;
	for (size_t i = 54; i < len; i++)
		f[i] = (uint8_t)(i * 7);
	return len;
}

START_TEST(test_classify)
{
	uint8_t f[2000];

	ck_assert_int_eq(icmp_frame_kind(f, v4_frame(f, 1514, 0)), ICMP_KIND_IPV4);
	ck_assert_int_eq(icmp_frame_kind(f, v4_frame(f, 1514, 0x4000)), ICMP_KIND_IPV4_DF);
	ck_assert_int_eq(icmp_frame_kind(f, v6_frame(f, 1514, 17)), ICMP_KIND_IPV6);
	v4_frame(f, 1514, 0);
	ck_assert_int_eq(icmp_frame_kind(f, 1000), ICMP_KIND_OTHER);      /* total length beyond the frame */
	f[14] = 0x44;
	ck_assert_int_eq(icmp_frame_kind(f, 1514), ICMP_KIND_OTHER);      /* IHL 4 */
	f[14] = 0x45, f[12] = 0x88, f[13] = 0xb5;
	ck_assert_int_eq(icmp_frame_kind(f, 1514), ICMP_KIND_OTHER);
	ck_assert_int_eq(icmp_frame_kind(f, 10), ICMP_KIND_OTHER);
}
END_TEST

START_TEST(test_frag_needed)
{
	uint8_t f[2000], out[ICMP_FRAME_MAX];
	size_t n;

	/* a big packet: the quote stops at 576 bytes of IP */
	n = icmp4_frag_needed(out, f, v4_frame(f, 1514, 0x4000), 1450);
	ck_assert_uint_eq(n, 14 + 576);
	ck_assert_mem_eq(out, mac_a, 6);
	ck_assert_mem_eq(out + 6, mac_b, 6);
	ck_assert_uint_eq(rd16(out + 12), 0x0800);
	ck_assert_uint_eq(out[14], 0x45);
	ck_assert_uint_eq(rd16(out + 16), 576);
	ck_assert_uint_eq(rd16(out + 20), 0);      /* not a fragment */
	ck_assert_uint_eq(out[22], 64);
	ck_assert_uint_eq(out[23], 1);
	ck_assert_uint_eq(icmp_csum(out + 14, 20, 0), 0);
	ck_assert_mem_eq(out + 26, f + 30, 4);
	ck_assert_mem_eq(out + 30, f + 26, 4);
	ck_assert_uint_eq(out[34], 3);
	ck_assert_uint_eq(out[35], 4);
	ck_assert_uint_eq(rd16(out + 38), 0);
	ck_assert_uint_eq(rd16(out + 40), 1450);
	ck_assert_uint_eq(icmp_csum(out + 34, 576 - 20, 0), 0);
	ck_assert_mem_eq(out + 42, f + 14, 548);

	/* a small one is quoted whole (total length, not the frame's padding) */
	v4_frame(f, 100, 0x4000);
	n = icmp4_frag_needed(out, f, 120, 1000);
	ck_assert_uint_eq(n, 14 + 20 + 8 + 86);
	ck_assert_mem_eq(out + 42, f + 14, 86);
	ck_assert_uint_eq(icmp_csum(out + 34, 8 + 86, 0), 0);
}
END_TEST

START_TEST(test_frag_needed_refused)
{
	uint8_t f[2000], out[ICMP_FRAME_MAX];

	v4_frame(f, 1514, 0x4000 | 0x0010);                        /* a non-first fragment */
	ck_assert_uint_eq(icmp4_frag_needed(out, f, 1514, 1450), 0);
	v4_frame(f, 1514, 0x4000);
	f[23] = 1, f[34] = 3;                                      /* an ICMP error */
	ck_assert_uint_eq(icmp4_frag_needed(out, f, 1514, 1450), 0);
	f[34] = 8;                                                 /* an echo request is answered */
	ck_assert_uint_gt(icmp4_frag_needed(out, f, 1514, 1450), 0);
	v4_frame(f, 1514, 0x4000);
	f[30] = 224;                                               /* multicast destination */
	ck_assert_uint_eq(icmp4_frag_needed(out, f, 1514, 1450), 0);
	v4_frame(f, 1514, 0x4000);
	memset(f + 26, 0xff, 4);                                   /* broadcast source */
	ck_assert_uint_eq(icmp4_frag_needed(out, f, 1514, 1450), 0);
	v4_frame(f, 1514, 0x4000);
	memset(f + 26, 0, 4);                                      /* unspecified source */
	ck_assert_uint_eq(icmp4_frag_needed(out, f, 1514, 1450), 0);
	v4_frame(f, 1514, 0x4000);
	memset(f, 0xff, 6);                                        /* Ethernet broadcast */
	ck_assert_uint_eq(icmp4_frag_needed(out, f, 1514, 1450), 0);
	v6_frame(f, 1514, 17);                                     /* not IPv4 */
	ck_assert_uint_eq(icmp4_frag_needed(out, f, 1514, 1450), 0);
}
END_TEST

/* The ICMPv6 checksum over the pseudo-header (addresses, length, next header 58). */
static uint16_t icmp6_check(const uint8_t *ip6, size_t icmp_len)
{
	uint32_t sum = 0;

	for (int i = 8; i < 40; i += 2)
		sum += rd16(ip6 + i);
	sum += (uint32_t)icmp_len + 58;
	return icmp_csum(ip6 + 40, icmp_len, sum);
}

START_TEST(test_packet_too_big)
{
	uint8_t f[2000], out[ICMP_FRAME_MAX];
	size_t n;

	n = icmp6_packet_too_big(out, f, v6_frame(f, 1514, 17), 1450);
	ck_assert_uint_eq(n, 14 + 1280);
	ck_assert_mem_eq(out, mac_a, 6);
	ck_assert_uint_eq(rd16(out + 12), 0x86dd);
	ck_assert_uint_eq(out[14] >> 4, 6);
	ck_assert_uint_eq(rd16(out + 18), 1280 - 40);
	ck_assert_uint_eq(out[20], 58);
	ck_assert_mem_eq(out + 22, f + 38, 16);
	ck_assert_mem_eq(out + 38, f + 22, 16);
	ck_assert_uint_eq(out[54], 2);
	ck_assert_uint_eq(out[55], 0);
	ck_assert_uint_eq(rd16(out + 58), 0);
	ck_assert_uint_eq(rd16(out + 60), 1450);
	ck_assert_mem_eq(out + 62, f + 14, 1232);
	ck_assert_uint_eq(icmp6_check(out + 14, 1240), 0);

	/* refused: an ICMPv6 error, a multicast destination, an unspecified source */
	v6_frame(f, 1514, 58);
	f[54] = 1;
	ck_assert_uint_eq(icmp6_packet_too_big(out, f, 1514, 1450), 0);
	f[54] = 128;                                               /* echo request: answered */
	ck_assert_uint_gt(icmp6_packet_too_big(out, f, 1514, 1450), 0);
	v6_frame(f, 1514, 17);
	f[38] = 0xff;
	ck_assert_uint_eq(icmp6_packet_too_big(out, f, 1514, 1450), 0);
	v6_frame(f, 1514, 17);
	memset(f + 22, 0, 16);
	ck_assert_uint_eq(icmp6_packet_too_big(out, f, 1514, 1450), 0);
	v4_frame(f, 1514, 0);
	ck_assert_uint_eq(icmp6_packet_too_big(out, f, 1514, 1450), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("icmp");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_frag_needed);
	tcase_add_test(tc, test_frag_needed_refused);
	tcase_add_test(tc, test_packet_too_big);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
