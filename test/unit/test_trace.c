/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_trace.c: unit tests of dataplane/trace.c, the frame trace's records: what
 * dp_trace_parse reads from a container's frame (VNI from the port, MACs, IPv4, IPv6, ARP)
 * and from a VXLAN frame on the underlay (outer source, VNI, the inner frame), a frame too
 * short to parse, and the text each kind of decision reads as.
 */
#include <check.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

static struct dp_topology *topo;
static struct dp_id_map_slot vni_map[4];

static void setup(void)
{
	topo = calloc(1, sizeof(*topo));
	ck_assert_ptr_nonnull(topo);
	topo->local_ip = htonl(0x0a000001);      /* 10.0.0.1 */
	topo->udp_port = 4789;
	topo->n_vnis = 1;
	topo->vnis[0].vni = 100;
	for (unsigned s = 0; s < DP_N_SLOTS; s++)
		topo->port_vni[s] = DP_NO_ID;
	topo->port_vni[1] = 0;
	memset(vni_map, 0, sizeof(vni_map));
	vni_map[dp_id_hash(100) & 3] = (struct dp_id_map_slot){ .key = 100, .id = 0 };
	topo->vni_map = vni_map;
	topo->vni_map_mask = 3;
}

static void teardown(void)
{
	free(topo);
}

static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0x01, 0x01 }, mac2[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };

/* An Ethernet + IPv4 ICMP frame from mac1/192.168.10.1 to mac2/192.168.10.2 at f; its length. */
static uint32_t icmp_frame(uint8_t *f)
{
	memset(f, 0, 98);
	memcpy(f, mac2, 6);
	memcpy(f + 6, mac1, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = 0;
	f[17] = 84;
	f[22] = 64;
	f[23] = 1;
	memcpy(f + 26, (uint8_t[]){ 192, 168, 10, 1 }, 4);
	memcpy(f + 30, (uint8_t[]){ 192, 168, 10, 2 }, 4);
	f[34] = 8;
	return 98;
}

static const char *slot_name(void *ctx, uint16_t slot)
{
	(void)ctx;
	switch (slot) {
	case DP_PORT_UNDERLAY: return "ul0";
	case 1: return "c1";
	case 2: return "c2";
	default: return NULL;
	}
}

static const char *vrf_name(void *ctx, uint16_t vrf)
{
	(void)ctx;
	return vrf == 0 ? "tenant" : NULL;
}

static const struct dp_trace_names names = { slot_name, vrf_name, NULL };

START_TEST(parse_container_ipv4)
{
	uint8_t f[128];
	struct dp_trace_rec r = { 0 };
	char buf[512];

	dp_trace_parse(&r, topo, 1, f, icmp_frame(f));
	ck_assert_uint_eq(r.in_slot, 1);
	ck_assert_uint_eq(r.vni, 100);
	ck_assert_uint_eq(r.vni_idx, 0);
	ck_assert_mem_eq(r.src_mac, mac1, 6);
	ck_assert_mem_eq(r.dst_mac, mac2, 6);
	ck_assert_uint_eq(r.ethertype, 0x0800);
	ck_assert_uint_eq(r.family, 4);
	ck_assert_uint_eq(r.proto, 1);
	ck_assert_uint_eq(r.len, 98);
	ck_assert(!(r.flags & DP_TRACE_PARSED_OUTER));

	r.flags |= DP_TRACE_FORWARDED;
	r.n_out_slot = 1;
	r.out_slot[0] = 2;
	dp_trace_format(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "c1 vni 100 02:00:00:00:01:01 > 02:00:00:00:01:02 ipv4 192.168.10.1 > 192.168.10.2 icmp "
			      "len 98: forwarded to c2");
	ck_assert_str_eq(dp_trace_verdict(&r), "forwarded");
}
END_TEST

START_TEST(parse_vxlan_on_underlay)
{
	uint8_t f[256] = { 0 };
	uint32_t inner = icmp_frame(f + 50);
	struct dp_trace_rec r = { 0 };
	char buf[512];

	/* outer Ethernet, IPv4 10.0.0.2 -> 10.0.0.1 UDP 4789, VXLAN VNI 100 */
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((20 + 8 + 8 + inner) >> 8);
	f[17] = (uint8_t)(20 + 8 + 8 + inner);
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	memcpy(f + 30, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	f[34] = 0xc0;
	f[36] = 0x12;
	f[37] = 0xb5;                          /* 4789 */
	f[38] = (uint8_t)((8 + 8 + inner) >> 8);
	f[39] = (uint8_t)(8 + 8 + inner);
	f[42] = 0x08;                          /* I flag */
	f[46] = 0;
	f[47] = 0;
	f[48] = 100;                           /* VNI 100 */
	dp_trace_parse(&r, topo, DP_PORT_UNDERLAY, f, 50 + inner);
	ck_assert(r.flags & DP_TRACE_PARSED_OUTER);
	ck_assert_uint_eq(r.outer_src, htonl(0x0a000002));
	ck_assert_uint_eq(r.vni, 100);
	ck_assert_uint_eq(r.vni_idx, 0);
	ck_assert_mem_eq(r.src_mac, mac1, 6);
	ck_assert_uint_eq(r.family, 4);

	r.flags |= DP_TRACE_DECAP | DP_TRACE_FORWARDED;
	r.n_out_slot = 1;
	r.out_slot[0] = 2;
	dp_trace_format(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ul0 from VTEP 10.0.0.2 vni 100 02:00:00:00:01:01 > 02:00:00:00:01:02 ipv4 192.168.10.1 > "
			      "192.168.10.2 icmp len 148: decapsulated, forwarded to c2");
	ck_assert_str_eq(dp_trace_verdict(&r), "decapsulated");

	/* the same frame to another VNI: not one of ours, no index */
	f[48] = 101;
	memset(&r, 0, sizeof(r));
	dp_trace_parse(&r, topo, DP_PORT_UNDERLAY, f, 50 + inner);
	ck_assert_uint_eq(r.vni, 101);
	ck_assert_uint_eq(r.vni_idx, DP_NO_ID);
}
END_TEST

START_TEST(parse_arp_ipv6_and_runts)
{
	uint8_t f[128] = { 0 };
	struct dp_trace_rec r = { 0 };
	char buf[512];

	/* ARP request 192.168.10.1 asks for 192.168.10.9 */
	memset(f, 0xff, 6);
	memcpy(f + 6, mac1, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	f[14] = 0;
	f[15] = 1;
	f[16] = 0x08;
	f[18] = 6;
	f[19] = 4;
	f[21] = 1;
	memcpy(f + 22, mac1, 6);
	memcpy(f + 28, (uint8_t[]){ 192, 168, 10, 1 }, 4);
	memcpy(f + 38, (uint8_t[]){ 192, 168, 10, 9 }, 4);
	dp_trace_parse(&r, topo, 1, f, 42);
	ck_assert_uint_eq(r.ethertype, 0x0806);
	ck_assert_uint_eq(r.proto, 1);
	r.flags = DP_TRACE_FLOODED | DP_TRACE_FORWARDED | DP_TRACE_ENCAP;
	r.n_out_slot = 1;
	r.out_slot[0] = 2;
	r.n_out_vtep = 2;
	r.out_vtep[0] = htonl(0x0a000002);
	r.out_vtep[1] = htonl(0x0a000003);
	dp_trace_format(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "c1 vni 100 02:00:00:00:01:01 > ff:ff:ff:ff:ff:ff arp request 192.168.10.1 > 192.168.10.9 "
			      "len 42: flooded to 3 destinations (ports c2; VTEPs 10.0.0.2, 10.0.0.3)");
	ck_assert_str_eq(dp_trace_verdict(&r), "flooded");

	/* IPv6 UDP */
	memset(f, 0, sizeof(f));
	memcpy(f, mac2, 6);
	memcpy(f + 6, mac1, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[20] = 17;
	f[22] = 0xfd;
	f[37] = 1;
	f[38] = 0xfd;
	f[53] = 2;
	memset(&r, 0, sizeof(r));
	dp_trace_parse(&r, topo, 1, f, 62);
	ck_assert_uint_eq(r.family, 6);
	ck_assert_uint_eq(r.proto, 17);
	r.flags = DP_TRACE_DROPPED;
	r.drop = DP_DROP_NO_ROUTE;
	dp_trace_format(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "c1 vni 100 02:00:00:00:01:01 > 02:00:00:00:01:02 ipv6 fd00::1 > fd00::2 udp len 62: "
			      "dropped: no_route");

	/* a runt: nothing read past its end, no addresses */
	memset(&r, 0, sizeof(r));
	dp_trace_parse(&r, topo, 1, f, 10);
	ck_assert_uint_eq(r.family, 0);
	ck_assert_uint_eq(r.ethertype, 0);
	ck_assert_uint_eq(r.len, 10);
	/* a port without a VNI */
	memset(&r, 0, sizeof(r));
	dp_trace_parse(&r, topo, 2, f, 62);
	ck_assert_uint_eq(r.vni, 0);
	ck_assert_uint_eq(r.vni_idx, DP_NO_ID);
}
END_TEST

START_TEST(format_decisions)
{
	struct dp_trace_rec r = { .in_slot = 1, .vni = 100 };
	char buf[256];

	r.flags = DP_TRACE_ENCAP;
	r.n_out_vtep = 1;
	r.out_vtep[0] = htonl(0x0a000002);
	r.n_out_slot = 1;
	r.out_slot[0] = DP_PORT_UNDERLAY;
	dp_trace_format_decision(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "encapsulated to VTEP 10.0.0.2 through ul0");
	ck_assert_str_eq(dp_trace_verdict(&r), "encapsulated");

	r.flags = DP_TRACE_ROUTED | DP_TRACE_ENCAP;
	r.vrf = 0;
	dp_trace_format_decision(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "routed in VRF tenant, encapsulated to VTEP 10.0.0.2 through ul0");
	ck_assert_str_eq(dp_trace_verdict(&r), "routed");

	r = (struct dp_trace_rec){ .in_slot = 1, .flags = DP_TRACE_ANSWERED | DP_TRACE_FORWARDED,
				   .answer = DP_TRACE_ANS_GW_ECHO, .n_out_slot = 1, .out_slot = { 1 } };
	dp_trace_format_decision(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "answered by gateway_echo out of c1");
	ck_assert_str_eq(dp_trace_verdict(&r), "answered");

	r = (struct dp_trace_rec){ .in_slot = DP_PORT_UNDERLAY, .flags = DP_TRACE_PUNTED, .n_out_slot = 1,
				   .out_slot = { DP_PORT_EXCEPTION } };
	dp_trace_format_decision(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "punted to the kernel (slot257)");
	ck_assert_str_eq(dp_trace_verdict(&r), "punted");

	r = (struct dp_trace_rec){ .in_slot = 1 };
	dp_trace_format_decision(&r, &names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "consumed (no output)");

	/* every drop reason has its name, and a short buffer is cut, never overrun */
	for (unsigned d = 1; d < DP_DROP_MAX; d++) {
		r = (struct dp_trace_rec){ .flags = DP_TRACE_DROPPED, .drop = (uint16_t)d };
		dp_trace_format_decision(&r, &names, buf, sizeof(buf));
		ck_assert_str_ne(buf + strlen("dropped: "), "unknown");
	}
	char tiny[12];

	r = (struct dp_trace_rec){ .flags = DP_TRACE_DROPPED, .drop = DP_DROP_L3VNI_NOT_ROUTER_MAC };
	dp_trace_format(&r, NULL, tiny, sizeof(tiny));
	ck_assert_uint_eq(strlen(tiny), sizeof(tiny) - 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("trace");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parse_container_ipv4);
	tcase_add_test(tc, parse_vxlan_on_underlay);
	tcase_add_test(tc, parse_arp_ipv6_and_runts);
	tcase_add_test(tc, format_decisions);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
