/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fabric_l3.c: the L3 leaf's routes as the daemon's speaker (control/fabric/fabric.c)
 * sends them. The real fabric_start() runs on a switch that has just what the speaker reads
 * (the configuration, the VNIs, an FDB, the uplink's MAC): a VRF tenant (L3 VNI 900001, auto
 * RD, RTs and router MAC, one advertised IPv4 and one IPv6 prefix, advertise_subnets) with
 * two routed VNIs and one pure L2 VNI. A raw BGP peer on loopback (iBGP, AS 65535, as the
 * seed scenario's leaves) takes the session and checks the bytes of every UPDATE it gets,
 * field by field against what RFC 9135 and RFC 9136 and NX-OS's auto values say: a MAC+IP
 * route of a routed VNI with two labels, both RTs and the router MAC; type 5 with RD
 * router-id:3, RT 65535:900001, gateway IP 0, label 900001; its withdrawal; End-of-RIB after
 * the type-5 routes. And the other way: a Nexus-shaped type 5 it sends is imported into the
 * VRF and counted by the fabric's l3_route callback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ring_elem.h>

#include "test_eal.h"
#include "test_fabric_leaf.h"
#include "test_loopback.h"
#include "test_hex.h"
#include "bgp_msg.h"
#include "evpn.h"
#include "evpn_adv.h"
#include "evpn_rib.h"
#include "fabric.h"
#include "fdb.h"
#include "route.h"
#include "route_rib.h"
#include "switch.h"

#define WAIT_MS 5000
#define ASN 65535

static struct vtepd d;
static struct vtep_vni_config vni_cfg[3];
static struct vtep_bgp_neighbor_config nb;
static struct vtep_prefix4_config p4 = { .len = 16 };
static struct vtep_prefix6_config p6 = { .len = 48 };
static uint16_t port;

static const uint8_t UL_MAC[6] = { 0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc };   /* the uplink: the auto router MAC */
static const uint8_t C1_MAC[6] = { 0x02, 0x00, 0x00, 0x01, 0x00, 0x10 };   /* a container in VNI 5000 */
static const uint8_t C3_MAC[6] = { 0x02, 0x00, 0x00, 0x01, 0x00, 0x30 };   /* a container in L2 VNI 100 */

/* ---- the switch and its configuration ---- */

static void leaf_setup(void)
{
	static const char *const gw6 = "2001:db8:1::1";

	test_fabric_leaf(&d, "t_fabric_l3", ASN, &port);
	memset(vni_cfg, 0, sizeof(vni_cfg));
	memset(&nb, 0, sizeof(nb));
	memcpy(d.underlay_mac, UL_MAC, 6);
	d.n_uplinks = 1;
	memcpy(d.uplinks[0].mac, UL_MAC, 6);
	d.n_vnis = 3;
	d.vnis[0].vni = 5000;
	d.vnis[1].vni = 5001;
	d.vnis[2].vni = 100;

	d.cfg.n_vnis = 3;
	d.cfg.vnis = vni_cfg;
	vni_cfg[0] = (struct vtep_vni_config){ .vni = 5000, .vrf = 0, .gw4_on = true, .gw4 = inet_addr("192.168.1.1"),
					       .gw4_len = 24, .gw6_on = true, .gw6_len = 64 };
	ck_assert_int_eq(inet_pton(AF_INET6, gw6, vni_cfg[0].gw6), 1);
	vni_cfg[1] = (struct vtep_vni_config){ .vni = 5001, .vrf = 0, .gw4_on = true, .gw4 = inet_addr("192.168.2.1"),
					       .gw4_len = 24 };
	vni_cfg[2] = (struct vtep_vni_config){ .vni = 100, .vrf = VTEP_NO_VRF };
	d.cfg.n_vrfs = 1;
	snprintf(d.cfg.vrfs[0].name, sizeof(d.cfg.vrfs[0].name), "tenant");
	d.cfg.vrfs[0].l3vni = 900001;
	d.cfg.vrfs[0].router_mac_auto = true;
	p4.addr = inet_addr("10.9.0.0");
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:9::", p6.addr), 1);
	d.cfg.vrfs[0].n_prefix4 = 1;
	d.cfg.vrfs[0].prefix4 = &p4;
	d.cfg.vrfs[0].n_prefix6 = 1;
	d.cfg.vrfs[0].prefix6 = &p6;
	d.cfg.vrfs[0].advertise_subnets = true;

	nb.address = inet_addr("127.0.0.3");
	nb.remote_as = ASN;
	nb.passive = true;                   /* the raw peer connects */
	d.cfg.bgp.n_neighbors = 1;
	d.cfg.bgp.neighbors = &nb;
}

static void leaf_teardown(void)
{
	test_fabric_leaf_free(&d);
}

/* ---- the raw peer: a TCP socket the test drives by hand ---- */

struct raw {
	int fd;
	size_t len;
	uint8_t buf[70000];
	uint8_t msg[4096];
	size_t msg_len;
	uint8_t type;
};

static struct raw raw;

static void step(void)
{
	test_fabric_step(&d);
}

static bool raw_next(void)
{
	uint64_t t0 = mono_ms();

	for (;;) {
		ssize_t n;

		if (raw.len >= 19) {
			size_t mlen = (size_t)raw.buf[16] << 8 | raw.buf[17];

			ck_assert_uint_ge(mlen, 19);
			ck_assert_uint_le(mlen, sizeof(raw.msg));
			if (raw.len >= mlen) {
				memcpy(raw.msg, raw.buf, mlen);
				raw.msg_len = mlen;
				raw.type = raw.buf[18];
				memmove(raw.buf, raw.buf + mlen, raw.len - mlen);
				raw.len -= mlen;
				return true;
			}
		}
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "timed out waiting for a message from the speaker");
		step();
		n = recv(raw.fd, raw.buf + raw.len, sizeof(raw.buf) - raw.len, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return false;
		if (n < 0) {
			ck_assert_msg(errno == EAGAIN || errno == EWOULDBLOCK, "recv: %s", strerror(errno));
			continue;
		}
		raw.len += (size_t)n;
	}
}

/* The message just read, as hex, for failure messages. */
static const char *msg_hex(void)
{
	static char out[2 * sizeof(raw.msg) + 1];

	for (size_t i = 0; i < raw.msg_len; i++)
		snprintf(out + 2 * i, 3, "%02x", raw.msg[i]);
	return out;
}

static void raw_send(const uint8_t *buf, size_t len)
{
	ck_assert_int_eq(send(raw.fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* The next UPDATE, skipping KEEPALIVEs. */
static void raw_update(void)
{
	do
		ck_assert_msg(raw_next(), "the speaker closed the session");
	while (raw.type == BGP_MSG_KEEPALIVE);
	ck_assert_uint_eq(raw.type, BGP_MSG_UPDATE);
}

/* 127.0.0.3 connects to the speaker and brings the session up (iBGP, 4-octet AS, EVPN). */
static void raw_session(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct bgp_open o = { .version = 4, .my_as = ASN, .hold_time = 90, .bgp_id = inet_addr("3.3.3.3") };
	uint8_t buf[4096];
	int one = 1;

	o.caps.mp_evpn = true;
	o.caps.as4 = true;
	o.caps.as4_asn = ASN;
	o.caps.route_refresh = true;
	memset(&raw, 0, sizeof(raw));
	raw.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(raw.fd, 0);
	setsockopt(raw.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sin.sin_addr.s_addr = inet_addr("127.0.0.3");
	ck_assert_int_eq(bind(raw.fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sin.sin_addr.s_addr = inet_addr("127.0.0.1");
	sin.sin_port = htons(port);
	ck_assert_msg(connect(raw.fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "connect: %s", strerror(errno));
	ck_assert(raw_next());
	ck_assert_uint_eq(raw.type, BGP_MSG_OPEN);
	raw_send(buf, bgp_open_encode(buf, sizeof(buf), &o));
	raw_send(buf, bgp_keepalive_encode(buf, sizeof(buf)));
	ck_assert(raw_next());
	ck_assert_uint_eq(raw.type, BGP_MSG_KEEPALIVE);
}

/* ---- expected bytes ---- */

/* The UPDATE just read is exactly hex (header included); on a mismatch, say where. */
static void assert_msg_is(const char *what, const char *hexs)
{
	uint8_t want[4096];
	size_t n = hex(hexs, want, sizeof(want));

	for (size_t i = 0; i < n && i < raw.msg_len; i++)
		ck_assert_msg(raw.msg[i] == want[i], "%s: byte %zu is %02x, want %02x: %s", what, i, raw.msg[i], want[i],
			      msg_hex());
	ck_assert_msg(raw.msg_len == n, "%s: %zu bytes, want %zu: %s", what, raw.msg_len, n, msg_hex());
}

#define MARKER "ffffffffffffffffffffffffffffffff"
/* ORIGIN IGP, AS_PATH empty (iBGP), LOCAL_PREF 100 */
#define IBGP_HEAD "40010100 400200 40050400000064"
/* MP_REACH_NLRI EVPN, next hop the VTEP 10.0.0.1, reserved */
#define MP_REACH(len) "800e" len "001946 04 0a000001 00"
#define RD_L2_5000 "0001 01010101 8000"           /* 1.1.1.1:32768, the first VNI's auto RD */
#define RD_VRF "0001 01010101 0003"               /* 1.1.1.1:3, the first IP-VRF's (NX-OS) */
#define ESI0 "00000000000000000000"
#define RT_5000 "0002ffff00001388"                /* 65535:5000 */
#define RT_900001 "0002ffff000dbba1"              /* 65535:900001 */
#define RT_100 "0002ffff00000064"                 /* 65535:100 */
#define ENCAP "030c000000000008"                  /* VXLAN */
#define RMAC "0603 020000aabbcc"                  /* router's MAC: the uplink's */

/* c1's MAC+IP in VNI 5000 (VRF tenant): two labels, both RTs, the router MAC. */
static const char MACIP_L3[] =
	MARKER "007e 02 0000 0067 " IBGP_HEAD " " MP_REACH("33")
	"02 28 " RD_L2_5000 " " ESI0 " 00000000 30 020000010010 20 c0a8010a 001388 0dbba1 "
	"c01020 " RT_5000 " " RT_900001 " " ENCAP " " RMAC;
/* Its withdrawal: MP_UNREACH with the same NLRI, labels zero. */
static const char MACIP_L3_WITHDRAW[] =
	MARKER "0047 02 0000 0030 800f2d 001946 "
	"02 28 " RD_L2_5000 " " ESI0 " 00000000 30 020000010010 20 c0a8010a 000000 000000";
/* c1's MAC+IPv6 (2001:db8:1::10, from its neighbour discovery): the same shape, a 128-bit IP. */
#define MACIP6_L3_OF(a6)                                                                                   \
	MARKER "008a 02 0000 0073 " IBGP_HEAD " " MP_REACH("3f")                                           \
	"02 34 " RD_L2_5000 " " ESI0 " 00000000 30 020000010010 80 " a6 " 001388 0dbba1 "                   \
	"c01020 " RT_5000 " " RT_900001 " " ENCAP " " RMAC
#define MACIP6_L3_WITHDRAW_OF(a6)                                                                          \
	MARKER "0053 02 0000 003c 800f39 001946 "                                                          \
	"02 34 " RD_L2_5000 " " ESI0 " 00000000 30 020000010010 80 " a6 " 000000 000000"
#define C1_IP6_HEX "20010db8000100000000000000000010"    /* 2001:db8:1::10 */
static const char MACIP6_L3[] = MACIP6_L3_OF(C1_IP6_HEX);
static const char MACIP6_L3_WITHDRAW[] = MACIP6_L3_WITHDRAW_OF(C1_IP6_HEX);
/* c1's MAC-only route: as an L2 VNI's, one label, its RT, no router MAC. */
static const char MAC_ONLY[] =
	MARKER "0067 02 0000 0050 " IBGP_HEAD " " MP_REACH("2c")
	"02 21 " RD_L2_5000 " " ESI0 " 00000000 30 020000010010 00 001388 "
	"c01010 " RT_5000 " " ENCAP;
/* c3's MAC+IP in the pure L2 VNI 100 (the third VNI: RD 1.1.1.1:32770, apart from the VRF's 1.1.1.1:3). */
static const char MACIP_L2[] =
	MARKER "006b 02 0000 0054 " IBGP_HEAD " " MP_REACH("30")
	"02 25 0001 01010101 8002 " ESI0 " 00000000 30 020000010030 20 c0a8030a 000064 "
	"c01010 " RT_100 " " ENCAP;
/* c3's MAC-only route in VNI 100. */
static const char MAC_ONLY_L2[] =
	MARKER "0067 02 0000 0050 " IBGP_HEAD " " MP_REACH("2c")
	"02 21 0001 01010101 8002 " ESI0 " 00000000 30 020000010030 00 000064 "
	"c01010 " RT_100 " " ENCAP;
/* Type 5, 10.9.0.0/16 (advertise): RD 1.1.1.1:3, gateway 0, label the L3 VNI. */
#define T5_4(prefix_len, prefix)                                                                               \
	MARKER "0070 02 0000 0059 " IBGP_HEAD " " MP_REACH("2d")                                                   \
	"05 22 " RD_VRF " " ESI0 " 00000000 " prefix_len " " prefix " 00000000 0dbba1 "                           \
	"c01018 " RT_900001 " " ENCAP " " RMAC
/* Type 5, IPv6: ESI, tag, length, 16-byte prefix, 16-byte gateway 0, label. */
#define T5_6(prefix_len, prefix)                                                                               \
	MARKER "0088 02 0000 0071 " IBGP_HEAD " " MP_REACH("45")                                                   \
	"05 3a " RD_VRF " " ESI0 " 00000000 " prefix_len " " prefix " 00000000000000000000000000000000 0dbba1 "   \
	"c01018 " RT_900001 " " ENCAP " " RMAC
static const char *const T5[] = {
	T5_4("10", "0a090000"),                                  /* advertise 10.9.0.0/16 */
	T5_6("30", "20010db8000900000000000000000000"),          /* advertise 2001:db8:9::/48 */
	T5_4("18", "c0a80100"),                                  /* VNI 5000's subnet 192.168.1.0/24 */
	T5_6("40", "20010db8000100000000000000000000"),          /* VNI 5000's subnet 2001:db8:1::/64 */
	T5_4("18", "c0a80200"),                                  /* VNI 5001's subnet 192.168.2.0/24 */
};

static bool msg_is(const char *hexs)
{
	uint8_t want[4096];
	size_t n = hex(hexs, want, sizeof(want));

	return n == raw.msg_len && !memcmp(raw.msg, want, n);
}

/* The first bytes of an UPDATE's first NLRI: type 3 routes come first in the dump. */
static uint8_t msg_nlri_type(void)
{
	/* 19 header, 2 withdrawn length, 2 attribute length, then attributes: find MP_REACH */
	size_t off = 23, end = 23 + ((size_t)raw.msg[21] << 8 | raw.msg[22]);

	while (off + 3 <= end) {
		uint8_t flags = raw.msg[off], type = raw.msg[off + 1];
		size_t hl = (flags & 0x10) ? 4 : 3;
		size_t len = (flags & 0x10) ? ((size_t)raw.msg[off + 2] << 8 | raw.msg[off + 3]) : raw.msg[off + 2];

		if (type == 14)
			return raw.msg[off + hl + 5 + raw.msg[off + hl + 3]];
		if (type == 15)
			return raw.msg[off + hl + 3];
		off += hl + len;
	}
	return 0;
}

/* ---- tests ---- */

/*
 * The dump to a peer that comes up: type 3 per VNI, the MAC routes (MAC+IP of a routed VNI in
 * its L3 shape, the others as before), the type-5 routes, End-of-RIB last. Byte for byte.
 */
START_TEST(test_dump_l3_shapes)
{
	static const uint8_t c1_ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	bool seen_macip_l3 = false, seen_mac_only = false, seen_macip_l2 = false, seen_mac_only_l2 = false;
	size_t t5 = 0, imet = 0;

	leaf_setup();
	ck_assert_int_eq(fabric_start(&d), 0);
	/* c1 (VNI 5000, 192.168.1.10) and c3 (VNI 100, 192.168.3.10) attached before the session */
	fabric_local_mac(&d, 0, C1_MAC, true);
	fabric_local_ip(&d, 0, C1_MAC, inet_addr("192.168.1.10"));
	fabric_local_mac(&d, 2, C3_MAC, true);
	fabric_local_ip(&d, 2, C3_MAC, inet_addr("192.168.3.10"));
	raw_session();
	for (;;) {
		raw_update();
		if (raw.msg_len == 29) {   /* End-of-RIB: empty MP_UNREACH for EVPN */
			assert_msg_is("End-of-RIB", MARKER "001d 02 0000 0006 800f03 001946");
			break;
		}
		switch (msg_nlri_type()) {
		case EVPN_RT_IMET:
			ck_assert_uint_eq(t5, 0);
			imet++;
			break;
		case EVPN_RT_MAC_IP:
			ck_assert_msg(t5 == 0, "a MAC route after the type-5 routes");
			if (msg_is(MACIP_L3))
				seen_macip_l3 = true;
			else if (msg_is(MAC_ONLY))
				seen_mac_only = true;
			else if (msg_is(MACIP_L2))
				seen_macip_l2 = true;
			else if (msg_is(MAC_ONLY_L2))
				seen_mac_only_l2 = true;
			else if (raw.msg_len == 126)   /* as long as the L3 shape: say which byte differs */
				assert_msg_is("c1's MAC+IP route (VNI 5000, VRF tenant)", MACIP_L3);
			else
				ck_abort_msg("an unexpected MAC route: %s", msg_hex());
			break;
		case EVPN_RT_IP_PREFIX:
			ck_assert_uint_lt(t5, sizeof(T5) / sizeof(T5[0]));
			assert_msg_is("type-5 route", T5[t5]);
			t5++;
			break;
		default:
			ck_abort_msg("an UPDATE with NLRI type %u", msg_nlri_type());
		}
	}
	ck_assert_uint_eq(imet, 3);
	ck_assert_msg(seen_macip_l3, "no MAC+IP route for c1 with two labels and the router MAC");
	ck_assert_msg(seen_mac_only, "no MAC-only route for c1");
	ck_assert_msg(seen_macip_l2 && seen_mac_only_l2, "no one-label MAC+IP or MAC-only route for c3 in the L2 VNI");
	ck_assert_uint_eq(t5, 5);

	/* c1's address goes: the L3-shaped route is withdrawn, the MAC-only one stays */
	fabric_local_ip(&d, 0, C1_MAC, 0);
	raw_update();
	assert_msg_is("withdrawal of c1's MAC+IP route", MACIP_L3_WITHDRAW);
	/* and it comes back: announced again at once, in the L3 shape */
	fabric_local_ip(&d, 0, C1_MAC, inet_addr("192.168.1.10"));
	raw_update();
	assert_msg_is("c1's MAC+IP route again", MACIP_L3);
	/* its IPv6 address: a MAC+IP route with a 128-bit IP, two labels, both RTs, the router MAC */
	fabric_local_ip6(&d, 0, C1_MAC, c1_ip6);
	raw_update();
	assert_msg_is("c1's MAC+IPv6 route", MACIP6_L3);
	/* the same again: nothing new; gone: withdrawn, then announced again */
	fabric_local_ip6(&d, 0, C1_MAC, c1_ip6);
	fabric_local_ip6(&d, 0, C1_MAC, NULL);
	raw_update();
	assert_msg_is("withdrawal of c1's MAC+IPv6 route", MACIP6_L3_WITHDRAW);
	fabric_local_ip6(&d, 0, C1_MAC, c1_ip6);
	raw_update();
	assert_msg_is("c1's MAC+IPv6 route again", MACIP6_L3);
	/* a second address (a host has several): announced too, the first stays; a fifth replaces the oldest */
	for (uint8_t i = 0x11; i <= 0x14; i++) {
		uint8_t a6[16];
		char want[sizeof(MACIP6_L3)], *at;

		memcpy(a6, c1_ip6, 16);
		a6[15] = i;
		if (i == 0x14) {
			fabric_local_ip6(&d, 0, C1_MAC, a6);
			raw_update();
			assert_msg_is("the oldest IPv6 address makes room", MACIP6_L3_WITHDRAW);
			raw_update();
		} else {
			fabric_local_ip6(&d, 0, C1_MAC, a6);
			raw_update();
		}
		memcpy(want, MACIP6_L3, sizeof(want));
		at = strstr(want, C1_IP6_HEX);
		ck_assert_ptr_nonnull(at);
		snprintf(at + 30, 3, "%02x", i);
		at[32] = ' ';
		assert_msg_is("another MAC+IPv6 route of c1", want);
	}
	close(raw.fd);
	leaf_teardown();
}
END_TEST

/*
 * The VRFs reach the RIB: a Nexus-shaped type 5 (RD 3.3.3.3:3, RT 65535:900001, router MAC,
 * label 900001) is imported into VRF tenant and pushed out through the l3_route callback,
 * its withdrawal too; one with another VRF's RT is not imported.
 */
START_TEST(test_type5_imported_into_vrf)
{
	static const uint8_t peer_rmac[6] = { 0x00, 0x00, 0x33, 0x33, 0x00, 0x03 };
	struct fabric_vrf_stats st;
	struct evpn_rib_l3 l3;
	struct evpn_route r;
	struct bgp_attrs a;
	uint8_t rd[8], buf[4096], pfx[4] = { 172, 16, 0, 0 };
	size_t n, done;

	leaf_setup();
	ck_assert_int_eq(fabric_start(&d), 0);
	raw_session();
	do
		raw_update();
	while (raw.msg_len != 29);       /* up to End-of-RIB */

	ck_assert_int_eq(evpn_rd_parse("3.3.3.3:3", rd), 0);
	evpn_route_prefix(&r, rd, 32, pfx, 12, 900001);
	memset(&a, 0, sizeof(a));
	a.has_origin = a.has_as_path = a.has_local_pref = true;
	a.local_pref = 100;
	a.mp_nh_len = 4;
	memcpy(a.mp_nh, &(uint32_t){ inet_addr("10.0.0.3") }, 4);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(ASN, 900001);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_encap_vxlan();
	a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac(peer_rmac);
	n = bgp_update_encode_evpn(buf, sizeof(buf), &a, &r, 1, false, true, &done);
	ck_assert_uint_gt(n, 0);
	raw_send(buf, n);
	for (uint64_t t0 = mono_ms(); !evpn_rib_l3_lookup(fabric_rib(&d), 900001, 32, pfx, 12, &l3);)
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "the type-5 route was not imported into VRF tenant"), step();
	ck_assert_uint_eq(l3.source, EVPN_RT_IP_PREFIX);
	ck_assert_uint_eq(l3.vtep_ip, inet_addr("10.0.0.3"));
	ck_assert_uint_eq(l3.vni, 900001);
	ck_assert_mem_eq(l3.rmac, peer_rmac, 6);
	fabric_vrf_get_stats(&d, 0, &st);
	ck_assert_uint_eq(st.l3_updates, 1);
	ck_assert_uint_eq(st.l3_withdrawals, 0);

	/* another VRF's route target: kept in the RIB, in no VRF */
	pfx[1] = 17;
	evpn_route_prefix(&r, rd, 32, pfx, 12, 900002);
	a.ext_comm[0] = evpn_ec_rt_as2(ASN, 900002);
	n = bgp_update_encode_evpn(buf, sizeof(buf), &a, &r, 1, false, true, &done);
	raw_send(buf, n);
	/* then the first one's withdrawal */
	pfx[1] = 16;
	evpn_route_prefix(&r, rd, 32, pfx, 12, 900001);
	n = bgp_update_encode_evpn(buf, sizeof(buf), NULL, &r, 1, true, true, &done);
	raw_send(buf, n);
	for (uint64_t t0 = mono_ms(); evpn_rib_l3_lookup(fabric_rib(&d), 900001, 32, pfx, 12, NULL);)
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "the withdrawn type-5 route stayed"), step();
	fabric_vrf_get_stats(&d, 0, &st);
	ck_assert_uint_eq(st.l3_updates, 1);
	ck_assert_uint_eq(st.l3_withdrawals, 1);
	pfx[1] = 17;
	ck_assert(!evpn_rib_l3_lookup(fabric_rib(&d), 900002, 32, pfx, 12, NULL));
	close(raw.fd);
	leaf_teardown();
}
END_TEST

/* What show vrfs and show bgp evpn type 5 read: the VRF's auto RD, RTs, router MAC, prefixes. */
START_TEST(test_vrf_auto_values)
{
	const struct evpn_adv_prefix *pf;
	const struct evpn_adv_vrf *v;
	const struct evpn_rib_vrf *rv;
	uint8_t rd[8], mac[6];
	size_t n;

	leaf_setup();
	/* without BGP: the router MAC still, nothing else */
	d.cfg.bgp.enabled = false;
	ck_assert_int_eq(fabric_start(&d), 0);
	ck_assert_ptr_null(fabric_vrf(&d, 0));
	ck_assert_ptr_null(fabric_prefixes(&d, &n));
	ck_assert_uint_eq(n, 0);
	fabric_router_mac(&d, 0, mac);
	ck_assert_mem_eq(mac, UL_MAC, 6);
	/* an explicit router MAC wins over the uplink's */
	d.cfg.vrfs[0].router_mac_auto = false;
	memcpy(d.cfg.vrfs[0].router_mac, C3_MAC, 6);
	fabric_router_mac(&d, 0, mac);
	ck_assert_mem_eq(mac, C3_MAC, 6);
	d.cfg.vrfs[0].router_mac_auto = true;

	d.cfg.bgp.enabled = true;
	ck_assert_int_eq(fabric_start(&d), 0);
	v = fabric_vrf(&d, 0);
	rv = fabric_rib_vrf(&d, 0);
	ck_assert(v && rv);
	ck_assert_ptr_null(fabric_vrf(&d, 1));
	ck_assert_int_eq(evpn_rd_parse("1.1.1.1:3", rd), 0);
	ck_assert_mem_eq(v->rd, rd, 8);
	ck_assert_mem_eq(v->rmac, UL_MAC, 6);
	ck_assert_uint_eq(v->l3vni, 900001);
	ck_assert_uint_eq(v->n_export, 1);
	ck_assert_uint_eq(v->export_rt[0], evpn_ec_rt_as2(ASN, 900001));
	ck_assert_uint_eq(rv->n_import, 1);
	ck_assert_uint_eq(rv->import[0], evpn_ec_rt_as2(ASN, 900001));
	ck_assert(rv->auto_rt);
	pf = fabric_prefixes(&d, &n);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(pf[4].prefix_len, 24);
	ck_assert_mem_eq(pf[4].prefix, ((const uint8_t[]){ 192, 168, 2, 0 }), 4);
	leaf_teardown();
}
END_TEST

/* ---- received L3 routes in the VRF's route table (symmetric IRB) ---- */

static const uint8_t PEER_RMAC[6] = { 0x00, 0x00, 0x33, 0x33, 0x00, 0x03 };  /* the raw peer's router MAC */
static const uint8_t H20_MAC[6] = { 0x02, 0x00, 0x00, 0x02, 0x00, 0x20 };   /* a host behind the peer */

/* The switch's VRFs and the speaker, and the raw peer's session up to End-of-RIB. */
static void l3_leaf_up(void)
{
	leaf_setup();
	ck_assert_int_eq(vtepd_vrfs_create(&d), 0);
	ck_assert_uint_eq(d.n_vrfs, 1);
	ck_assert_int_eq(fabric_start(&d), 0);
	raw_session();
	do
		raw_update();
	while (raw.msg_len != 29);
}

static void l3_leaf_down(void)
{
	close(raw.fd);
	leaf_teardown();
	vtepd_vrfs_free(&d);
}

/* The raw peer (VTEP vtep) announces or withdraws a MAC+IP route in VNI 5000 with two labels. */
static void send_macip(const char *rd, const uint8_t mac[6], const char *ip, const char *vtep, uint32_t seq,
		       bool withdraw)
{
	struct evpn_route r = { .type = EVPN_RT_MAC_IP, .ip_len = 32, .label1 = 5000, .label2 = 900001,
				.has_label2 = true };
	struct bgp_attrs a;
	uint8_t buf[4096];
	size_t n, done;

	ck_assert_int_eq(evpn_rd_parse(rd, r.rd), 0);
	memcpy(r.mac, mac, 6);
	ck_assert_int_eq(inet_pton(AF_INET, ip, r.ip), 1);
	memset(&a, 0, sizeof(a));
	a.has_origin = a.has_as_path = a.has_local_pref = true;
	a.local_pref = 100;
	a.mp_nh_len = 4;
	memcpy(a.mp_nh, &(uint32_t){ inet_addr(vtep) }, 4);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(ASN, 5000);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(ASN, 900001);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_encap_vxlan();
	a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac(PEER_RMAC);
	if (seq)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_mac_mobility(seq, false);
	n = bgp_update_encode_evpn(buf, sizeof(buf), withdraw ? NULL : &a, &r, 1, withdraw, true, &done);
	ck_assert_uint_gt(n, 0);
	raw_send(buf, n);
}

/* The raw peer announces or withdraws a Nexus-shaped type 5 (RD 3.3.3.3:3, label 900001), IPv4 or IPv6. */
static void send_t5(const char *prefix, uint8_t len, const char *vtep, bool withdraw)
{
	struct evpn_route r;
	struct bgp_attrs a;
	uint8_t rd[8], pfx[16], buf[4096];
	size_t n, done;
	bool v6 = strchr(prefix, ':') != NULL;

	ck_assert_int_eq(evpn_rd_parse("3.3.3.3:3", rd), 0);
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, prefix, pfx), 1);
	evpn_route_prefix(&r, rd, v6 ? 128 : 32, pfx, len, 900001);
	memset(&a, 0, sizeof(a));
	a.has_origin = a.has_as_path = a.has_local_pref = true;
	a.local_pref = 100;
	a.mp_nh_len = 4;
	memcpy(a.mp_nh, &(uint32_t){ inet_addr(vtep) }, 4);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(ASN, 900001);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_encap_vxlan();
	a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac(PEER_RMAC);
	n = bgp_update_encode_evpn(buf, sizeof(buf), withdraw ? NULL : &a, &r, 1, withdraw, true, &done);
	ck_assert_uint_gt(n, 0);
	raw_send(buf, n);
}

static struct route_prefix pfx4(const char *s)
{
	struct route_prefix p;

	ck_assert_int_eq(route_prefix_parse(s, &p), 0);
	return p;
}

/* VRF tenant's best path of exactly prefix s, once it has source src (polling the speaker). */
static struct route_rib_info wait_best(const char *s, enum route_src src)
{
	struct route_prefix p = pfx4(s);
	struct route_rib_info info;

	for (uint64_t t0 = mono_ms();; step()) {
		if (route_rib_best(d.vrfs[0].rib, &p, &info) == 0 && info.src == src)
			return info;
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "%s: no %s route in VRF tenant", s, route_src_name(src));
	}
}

/* Wait until VRF tenant has no path of source src for prefix s. */
static void wait_no_path(const char *s, enum route_src src)
{
	struct route_prefix p = pfx4(s);
	struct dp_route_nh nh;

	for (uint64_t t0 = mono_ms(); route_rib_path(d.vrfs[0].rib, &p, src, 0, &nh) == 0; step())
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "%s: the %s route stayed in VRF tenant", s, route_src_name(src));
}

/* What the fast path finds for address a in VRF tenant's table. */
static const struct dp_route_nh *lookup(const char *a)
{
	return dp_route_nh_at(d.vrfs[0].table, dp_route_lookup4(d.vrfs[0].table, ntohl(inet_addr(a))));
}

static void assert_remote(const struct dp_route_nh *nh, const char *vtep)
{
	ck_assert_uint_eq(nh->type, DP_ROUTE_NH_REMOTE);
	ck_assert_uint_lt(nh->vtep_id, VTEP_MAX_VTEPS);
	ck_assert_uint_eq(d.vteps[nh->vtep_id].ip, inet_addr(vtep));
	ck_assert_uint_eq(nh->l3vni, 900001);
	ck_assert_mem_eq(nh->mac, PEER_RMAC, 6);
}

/* Whether the snapshot's L3 VNI of VRF tenant lets VTEP id send. */
static bool l3vni_knows(uint16_t id)
{
	struct dp_topology *t = dp_topology_new(d.cfg.source_ip, 4789, 1500);
	bool known;

	ck_assert_ptr_nonnull(t);
	t->n_vnis = d.n_vnis;
	ck_assert_int_eq(vtepd_vrfs_fill(&d, t), 0);
	ck_assert_int_eq(dp_topology_finish(t), 0);
	ck_assert_uint_eq(t->vrfs[0].l3vni_idx, 3);
	known = dp_vni_vtep_known(&t->vnis[3], id);
	dp_topology_free(t);
	return known;
}

/*
 * The snapshot carries VRF tenant's L3 VNI after the three L2 VNIs: l3 set, the VRF, no ports,
 * no flood list, no learning, checked VTEPs, the L2 VNIs' MTU; the decap lookup finds it.
 */
START_TEST(test_l3vni_published)
{
	struct dp_topology *t;
	const struct dp_vni *v;

	leaf_setup();
	d.cfg.underlay_mtu = 1500;
	d.vnis[0].mtu = 1450;
	d.vnis[1].mtu = 1400;
	d.vnis[2].mtu = 8000;        /* not in the VRF */
	d.vnis[1].n_flood = 1;       /* a leaf in the flood list of an L2 VNI of the VRF may send ... */
	d.vnis[1].flood[0] = 7;
	d.vnis[2].n_flood = 1;       /* ... one of a VNI of no VRF may not */
	d.vnis[2].flood[0] = 8;
	ck_assert_int_eq(vtepd_vrfs_create(&d), 0);
	ck_assert_uint_eq(vtepd_vrf_l3vni_index(&d, 0), 3);
	ck_assert_uint_eq(vtepd_vrf_l3vni_index(&d, 1), DP_NO_ID);
	t = dp_topology_new(d.cfg.source_ip, 4789, 1500);
	ck_assert_ptr_nonnull(t);
	t->n_vnis = d.n_vnis;
	for (uint16_t i = 0; i < d.n_vnis; i++)
		t->vnis[i].vni = d.vnis[i].vni;
	ck_assert_int_eq(vtepd_vrfs_fill(&d, t), 0);
	ck_assert_int_eq(dp_topology_finish(t), 0);
	ck_assert_uint_eq(t->n_vnis, 4);
	ck_assert_uint_eq(t->n_vrfs, 1);
	ck_assert_uint_eq(t->vrfs[0].l3vni, 900001);
	ck_assert_uint_eq(t->vrfs[0].l3vni_idx, 3);
	ck_assert_mem_eq(t->vrfs[0].router_mac, UL_MAC, 6);
	v = &t->vnis[3];
	ck_assert(v->l3);
	ck_assert_uint_eq(v->vni, 900001);
	ck_assert_uint_eq(v->vrf, 0);
	ck_assert(!v->learning);
	ck_assert_uint_eq(v->n_ports, 0);
	ck_assert_uint_eq(v->n_flood, 0);
	ck_assert_ptr_null(v->gw);
	ck_assert_uint_eq(v->ip_mtu, 1450);
	ck_assert(v->vtep_check);
	ck_assert(dp_vni_vtep_known(v, 7));
	ck_assert(!dp_vni_vtep_known(v, 8));
	ck_assert(!dp_vni_vtep_known(v, 5));
	ck_assert(!dp_vni_vtep_known(v, DP_NO_ID));
	/* the L2 VNIs are as they were: routed in tenant, or in none */
	ck_assert(!t->vnis[0].l3 && !t->vnis[2].l3);
	ck_assert_uint_eq(t->vnis[0].vrf, 0);
	ck_assert_uint_eq(t->vnis[2].vrf, VTEP_NO_VRF);
	/* the decap lookup finds the L3 VNI like any VNI */
	ck_assert_uint_eq(dp_topology_vni_index(t, 900001), 3);
	ck_assert_uint_eq(dp_topology_vni_index(t, 5000), 0);
	dp_topology_free(t);
	vtepd_vrfs_free(&d);
	fdb_destroy(d.fdb);
	close(d.epoll_fd);
}
END_TEST

/*
 * A two-label MAC+IP route and a type 5 from the peer land in VRF tenant's route table as a
 * /32 host route and the prefix, next hop REMOTE: the peer's VTEP, its router MAC, the L3
 * VNI; that VTEP may then send to the L3 VNI. A better route replaces, withdrawals remove
 * (the connected subnet is what is left), and the VTEP is no longer known.
 */
START_TEST(test_remote_routes_installed)
{
	struct route_rib_info info;
	uint16_t id;

	l3_leaf_up();
	send_macip("3.3.3.3:1", H20_MAC, "192.168.1.20", "10.0.0.3", 0, false);
	send_t5("172.16.0.0", 12, "10.0.0.3", false);
	info = wait_best("192.168.1.20/32", ROUTE_SRC_EVPN_HOST);
	ck_assert(info.installed);
	assert_remote(&info.nh, "10.0.0.3");
	id = (uint16_t)info.nh.vtep_id;
	info = wait_best("172.16.0.0/12", ROUTE_SRC_EVPN_PREFIX);
	ck_assert(info.installed);
	assert_remote(&info.nh, "10.0.0.3");
	/* the fast path's view: longest prefix match */
	assert_remote(lookup("192.168.1.20"), "10.0.0.3");
	assert_remote(lookup("172.31.1.1"), "10.0.0.3");
	/* IPv6 the same way */
	send_t5("2001:db8:77::", 48, "10.0.0.3", false);
	info = wait_best("2001:db8:77::/48", ROUTE_SRC_EVPN_PREFIX);
	assert_remote(&info.nh, "10.0.0.3");
	{
		uint8_t a6[16];

		ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:77:1::5", a6), 1);
		assert_remote(dp_route_nh_at(d.vrfs[0].table, dp_route_lookup6(d.vrfs[0].table, a6)), "10.0.0.3");
	}
	send_t5("2001:db8:77::", 48, "10.0.0.3", true);
	wait_no_path("2001:db8:77::/48", ROUTE_SRC_EVPN_PREFIX);
	ck_assert_uint_eq(lookup("192.168.1.21")->type, DP_ROUTE_NH_GLEAN);
	ck_assert_uint_eq(lookup("172.32.0.1")->type, DP_ROUTE_NH_NONE);
	ck_assert_uint_eq(d.vrfs[0].remote_routes, 2);
	ck_assert_uint_eq(d.vrfs[0].vtep_refs[id], 2);
	ck_assert(l3vni_knows(id));
	ck_assert(d.topology_dirty);

	/* the host moves behind another VTEP (a higher sequence): the host route follows */
	send_macip("4.4.4.4:1", H20_MAC, "192.168.1.20", "10.0.0.4", 1, false);
	for (uint64_t t0 = mono_ms(); lookup("192.168.1.20")->vtep_id == id; step())
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "the host route did not move to 10.0.0.4");
	assert_remote(lookup("192.168.1.20"), "10.0.0.4");
	ck_assert_uint_eq(d.vrfs[0].remote_routes, 2);
	ck_assert_uint_eq(d.vrfs[0].vtep_refs[id], 1);
	ck_assert(l3vni_knows(lookup("192.168.1.20")->vtep_id));

	/* withdrawals: the type 5 goes, the host route's older path takes over, then goes too */
	send_t5("172.16.0.0", 12, "10.0.0.3", true);
	wait_no_path("172.16.0.0/12", ROUTE_SRC_EVPN_PREFIX);
	ck_assert_uint_eq(lookup("172.31.1.1")->type, DP_ROUTE_NH_NONE);
	send_macip("4.4.4.4:1", H20_MAC, "192.168.1.20", "10.0.0.4", 0, true);
	for (uint64_t t0 = mono_ms(); lookup("192.168.1.20")->vtep_id != id; step())
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "the host route did not return to 10.0.0.3");
	send_macip("3.3.3.3:1", H20_MAC, "192.168.1.20", "10.0.0.3", 0, true);
	wait_no_path("192.168.1.20/32", ROUTE_SRC_EVPN_HOST);
	ck_assert_uint_eq(lookup("192.168.1.20")->type, DP_ROUTE_NH_GLEAN);
	ck_assert_uint_eq(d.vrfs[0].remote_routes, 0);
	ck_assert_uint_eq(d.vrfs[0].vtep_refs[id], 0);
	ck_assert(!l3vni_knows(id));
	ck_assert_uint_eq(d.vrfs[0].remote_refused, 0);
	l3_leaf_down();
}
END_TEST

/*
 * A route that cannot be installed (here: the VTEP table is full when the host moves behind a
 * new VTEP) is counted and leaves no route behind: the prefix never keeps forwarding to the
 * VTEP the RIB no longer chose.
 */
START_TEST(test_remote_route_refused)
{
	struct route_rib_info info;
	uint16_t id;

	l3_leaf_up();
	send_macip("3.3.3.3:1", H20_MAC, "192.168.1.20", "10.0.0.3", 0, false);
	info = wait_best("192.168.1.20/32", ROUTE_SRC_EVPN_HOST);
	id = (uint16_t)info.nh.vtep_id;
	for (uint32_t i = 0; i < VTEP_MAX_VTEPS; i++)
		if (!d.vteps[i].ip)
			d.vteps[i].ip = htonl(0x0ac80000u + i);      /* 10.200.x.y: the table is full */
	send_macip("4.4.4.4:1", H20_MAC, "192.168.1.20", "10.0.0.4", 1, false);
	wait_no_path("192.168.1.20/32", ROUTE_SRC_EVPN_HOST);
	ck_assert_uint_eq(d.vrfs[0].remote_refused, 1);
	ck_assert_uint_eq(d.vrfs[0].remote_routes, 0);
	ck_assert_uint_eq(d.vrfs[0].vtep_refs[id], 0);
	ck_assert_uint_eq(lookup("192.168.1.20")->type, DP_ROUTE_NH_GLEAN);
	l3_leaf_down();
}
END_TEST

/*
 * Local host routes beat remote ones for the same address, and MAC mobility moves the host
 * route with the MAC: a container attached here (its port's MAC and address) is routed here
 * while the old leaf's route is still around; when its MAC shows up behind a remote VTEP with
 * a higher sequence, the local host route goes at once and the remote one forwards.
 */
START_TEST(test_host_route_follows_mac)
{
	static const uint8_t H30_MAC[6] = { 0x02, 0x00, 0x00, 0x01, 0x00, 0x30 };
	struct route_rib_info info;

	l3_leaf_up();
	d.ports[1].in_use = true;
	d.ports[1].vni_idx = 0;
	snprintf(d.ports[1].conf.name, sizeof(d.ports[1].conf.name), "c30");

	/* 192.168.1.20 is behind the peer; then it is attached here (moved to us) */
	send_macip("3.3.3.3:1", H20_MAC, "192.168.1.20", "10.0.0.3", 0, false);
	wait_best("192.168.1.20/32", ROUTE_SRC_EVPN_HOST);
	ck_assert_int_eq(fdb_install(d.fdb, fdb_key(0, H20_MAC), fdb_dest_port(1), FDB_F_PORT), 0);
	fabric_local_mac(&d, 0, H20_MAC, true);
	vtepd_vrf_host(&d, 1, H20_MAC, inet_addr("192.168.1.20"), false);
	info = wait_best("192.168.1.20/32", ROUTE_SRC_LOCAL_HOST);
	ck_assert_uint_eq(info.n_paths, 2);
	ck_assert_uint_eq(lookup("192.168.1.20")->type, DP_ROUTE_NH_LOCAL);
	ck_assert_uint_eq(lookup("192.168.1.20")->port, 1);
	/* the old leaf withdraws: still local */
	send_macip("3.3.3.3:1", H20_MAC, "192.168.1.20", "10.0.0.3", 0, true);
	wait_no_path("192.168.1.20/32", ROUTE_SRC_EVPN_HOST);
	ck_assert_uint_eq(lookup("192.168.1.20")->type, DP_ROUTE_NH_LOCAL);

	/* c30 (192.168.1.30, learned from its ARP) is local; then its MAC is announced by the peer
	   with sequence 1: it moved there, and its host route moves with it */
	ck_assert_int_eq(fdb_install(d.fdb, fdb_key(0, H30_MAC), fdb_dest_port(1), 0), 0);
	fabric_local_mac(&d, 0, H30_MAC, true);
	vtepd_vrf_host(&d, 1, H30_MAC, inet_addr("192.168.1.30"), true);
	wait_best("192.168.1.30/32", ROUTE_SRC_LOCAL_HOST);
	send_macip("3.3.3.3:1", H30_MAC, "192.168.1.30", "10.0.0.3", 1, false);
	info = wait_best("192.168.1.30/32", ROUTE_SRC_EVPN_HOST);
	ck_assert_uint_eq(info.n_paths, 1);
	assert_remote(lookup("192.168.1.30"), "10.0.0.3");
	ck_assert(fdb_dest_is_vtep(fdb_lookup(d.fdb, fdb_key(0, H30_MAC))->dest));
	ck_assert_uint_eq(d.vrfs[0].local_moved, 1);
	/* the other host's local route is untouched */
	ck_assert_uint_eq(lookup("192.168.1.20")->type, DP_ROUTE_NH_LOCAL);
	l3_leaf_down();
}
END_TEST

/* Our own routes for mac: how many, and with ip (network order) among them. */
struct local_count {
	const uint8_t *mac;
	uint32_t ip;
	unsigned n, with_ip;
	uint32_t seq;
};

static void count_local(const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, void *arg)
{
	struct local_count *c = arg;

	(void)vni_idx;
	(void)sticky;
	if (r->type != EVPN_RT_MAC_IP || memcmp(r->mac, c->mac, 6))
		return;
	c->n++;
	c->seq = seq;
	if (r->ip_len == 32 && !memcmp(r->ip, &c->ip, 4))
		c->with_ip++;
}

/*
 * Live migration, make before break and rolled back: container c40 is attached here with its
 * MAC and address; a copy starts on the peer's leaf (sequence 1): the MAC moves there (our
 * route withdrawn, the FDB entry remote, the host route remote). The copy goes again (the
 * peer withdraws) while c40 is still attached here: its MAC is back on its port, pinned, and
 * advertised with its address, and its host route is local, without a frame from it.
 */
START_TEST(test_port_mac_reclaimed)
{
	static const uint8_t H40_MAC[6] = { 0x02, 0x00, 0x00, 0x01, 0x00, 0x40 };
	const uint64_t key = fdb_key(0, H40_MAC);
	struct evpn_rib_mac_info mi;
	struct local_count lc = { .mac = H40_MAC, .ip = inet_addr("192.168.1.40") };
	const struct fdb_entry *e;

	l3_leaf_up();
	d.ports[1].in_use = true;
	d.ports[1].vni_idx = 0;
	snprintf(d.ports[1].conf.name, sizeof(d.ports[1].conf.name), "c40");
	d.ports[1].conf.has_mac = d.ports[1].conf.has_ip = true;
	memcpy(d.ports[1].conf.mac, H40_MAC, 6);
	d.ports[1].conf.ip = inet_addr("192.168.1.40");
	/* attached, as vtepd_port_attach does it */
	ck_assert_int_eq(fdb_install(d.fdb, key, fdb_dest_port(1), FDB_F_PORT), 0);
	fabric_local_mac(&d, 0, H40_MAC, true);
	fabric_local_ip(&d, 0, H40_MAC, inet_addr("192.168.1.40"));
	vtepd_vrf_host(&d, 1, H40_MAC, inet_addr("192.168.1.40"), false);
	wait_best("192.168.1.40/32", ROUTE_SRC_LOCAL_HOST);

	/* the copy on the peer's leaf wins with sequence 1 */
	send_macip("3.3.3.3:1", H40_MAC, "192.168.1.40", "10.0.0.3", 1, false);
	wait_best("192.168.1.40/32", ROUTE_SRC_EVPN_HOST);
	for (uint64_t t0 = mono_ms(); !(e = fdb_lookup(d.fdb, key)) || !fdb_dest_is_vtep(e->dest); step())
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "the MAC did not move to the peer's VTEP");
	evpn_rib_mac_info(fabric_rib(&d), 0, H40_MAC, &mi);
	ck_assert(!mi.local && mi.remote && mi.remote_seq == 1);
	evpn_rib_walk_local(fabric_rib(&d), count_local, &lc);
	ck_assert_uint_eq(lc.n, 0);

	/* the copy goes; c40 is still attached here and silent */
	send_macip("3.3.3.3:1", H40_MAC, "192.168.1.40", "10.0.0.3", 1, true);
	for (uint64_t t0 = mono_ms(); !(e = fdb_lookup(d.fdb, key)) || e->dest != fdb_dest_port(1); step())
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "the MAC is not back on port c40 after the remote route went "
			      "(entry %s)", fdb_lookup(d.fdb, key) ? "remote" : "gone");
	ck_assert_uint_eq(e->flags, FDB_F_PORT);
	evpn_rib_mac_info(fabric_rib(&d), 0, H40_MAC, &mi);
	ck_assert(mi.local && !mi.remote);
	evpn_rib_walk_local(fabric_rib(&d), count_local, &lc);
	ck_assert_uint_eq(lc.n, 2);          /* MAC only and MAC+IP, advertised again */
	ck_assert_uint_eq(lc.with_ip, 1);
	ck_assert_uint_eq(lookup("192.168.1.40")->type, DP_ROUTE_NH_LOCAL);
	ck_assert_uint_eq(lookup("192.168.1.40")->port, 1);
	l3_leaf_down();
}
END_TEST

/*
 * A container's address learned from its ARP (the ARP's event ahead of its MAC's) is a local
 * host route at once; when the binding ages (fastpath.neighbor_aging without an ARP or a
 * frame from the MAC) the route goes and the address is gleaned for again.
 */
START_TEST(test_learned_host_route_ages)
{
	static const uint8_t H30_MAC[6] = { 0x02, 0x00, 0x00, 0x01, 0x00, 0x30 };
	struct dp_learn_event ev = { .key = fdb_key(0, H30_MAC), .dest = DP_LEARN_IP | 1,
				     .vtep_ip = inet_addr("192.168.1.30") };
	uint64_t now;

	l3_leaf_up();
	d.ports[1].in_use = true;
	d.ports[1].vni_idx = 0;
	d.ports[1].conf.max_macs = d.vnis[0].max_macs = 16;
	snprintf(d.ports[1].conf.name, sizeof(d.ports[1].conf.name), "c30");
	d.cfg.neighbor_aging_sec = 10;
	d.learn_ring = rte_ring_create_elem("t_fl3_learn", sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE,
					    SOCKET_ID_ANY, RING_F_SC_DEQ);
	ck_assert_ptr_nonnull(d.learn_ring);
	now = dp_clock_sec();
	ck_assert_int_eq(rte_ring_enqueue_elem(d.learn_ring, &ev, sizeof(ev)), 0);
	vtepd_learning_drain(&d);
	ck_assert_ptr_nonnull(fdb_lookup(d.fdb, fdb_key(0, H30_MAC)));
	wait_best("192.168.1.30/32", ROUTE_SRC_LOCAL_HOST);
	ck_assert_uint_eq(lookup("192.168.1.30")->type, DP_ROUTE_NH_LOCAL);
	vtepd_neigh_age(&d, now + 5);
	ck_assert_uint_eq(lookup("192.168.1.30")->type, DP_ROUTE_NH_LOCAL);
	vtepd_neigh_age(&d, now + 11);
	wait_no_path("192.168.1.30/32", ROUTE_SRC_LOCAL_HOST);
	ck_assert_uint_eq(lookup("192.168.1.30")->type, DP_ROUTE_NH_GLEAN);
	ck_assert_uint_eq(d.stats.neigh_aged, 1);
	vtepd_neigh_port_gone(&d, 1);
	rte_ring_free(d.learn_ring);
	d.learn_ring = NULL;
	l3_leaf_down();
}
END_TEST

/* Is the UPDATE just read a withdrawal (MP_UNREACH_NLRI) of a route of that type? */
static bool msg_unreach_of(uint8_t rt)
{
	size_t off = 23, end = 23 + ((size_t)raw.msg[21] << 8 | raw.msg[22]);

	while (off + 3 <= end) {
		uint8_t flags = raw.msg[off], type = raw.msg[off + 1];
		size_t hl = (flags & 0x10) ? 4 : 3;
		size_t len = (flags & 0x10) ? ((size_t)raw.msg[off + 2] << 8 | raw.msg[off + 3]) : raw.msg[off + 2];

		if (type == 15)
			return raw.msg[off + hl + 3] == rt;
		off += hl + len;
	}
	return false;
}

/* Does the UPDATE just read carry the 4 bytes of a (an IPv4 prefix in a type-5 NLRI)? */
static bool msg_has(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i + n <= raw.msg_len; i++)
		if (!memcmp(raw.msg + i, a, n))
			return true;
	return false;
}

/* What vrfs_runtime.c does around the fabric's VRF hook (test_vrfs tests the rest): VRF 0 made, then told. */
static void vrf_add_blue(void)
{
	memset(&d.cfg.vrfs[0], 0, sizeof(d.cfg.vrfs[0]));
	snprintf(d.cfg.vrfs[0].name, sizeof(d.cfg.vrfs[0].name), "blue");
	d.cfg.vrfs[0].l3vni = 900001;
	d.cfg.vrfs[0].router_mac_auto = true;
	d.cfg.vrfs[0].max_ipv4_routes = d.cfg.vrfs[0].max_ipv6_routes = 1024;
	d.cfg.vrfs[0].n_prefix4 = 1;
	d.cfg.vrfs[0].prefix4 = &p4;
	d.n_vrfs = 1;
	d.cfg.n_vrfs = 1;
	ck_assert_int_eq(vtepd_vrf_make(&d, 0), 0);
	ck_assert_ptr_nonnull(d.hooks.vrf);
	d.hooks.vrf(&d, 0, true);
}

/* ... and its deletion: told while its table exists, then the table goes and the slot empties. */
static void vrf_del_blue(void)
{
	d.hooks.vrf(&d, 0, false);
	vtepd_vrf_unmake(&d, 0);
	memset(&d.vrfs[0], 0, sizeof(d.vrfs[0]));
	memset(&d.cfg.vrfs[0], 0, sizeof(d.cfg.vrfs[0]));
	d.n_vrfs = 0;
	d.cfg.n_vrfs = 0;
}

/*
 * A VRF added at run time on a leaf that started without one (the fabric's VRF hook): a type 5
 * the peer sent before it existed is imported into its table at once, its advertise prefix
 * goes out as type 5; deleted, that prefix is withdrawn and the received route leaves its
 * table and the RIB's VRFs (kept in the RIB: added again, it is imported again).
 */
START_TEST(test_vrf_added_at_run_time)
{
	static const uint8_t adv[5] = { 16, 10, 9, 0, 0 };     /* prefix length 16, 10.9.0.0 */
	uint8_t pfx[4] = { 172, 16, 0, 0 };
	struct route_rib_info info;
	bool seen = false;
	size_t n;

	leaf_setup();
	d.cfg.n_vrfs = 0;                    /* no VRF at start: the VNIs are L2 only */
	for (int i = 0; i < 3; i++) {
		vni_cfg[i].vrf = VTEP_NO_VRF;
		vni_cfg[i].gw4_on = vni_cfg[i].gw6_on = false;
	}
	ck_assert_int_eq(vtepd_vrfs_create(&d), 0);
	ck_assert_int_eq(fabric_start(&d), 0);
	raw_session();
	do
		raw_update();
	while (raw.msg_len != 29);
	send_t5("172.16.0.0", 12, "10.0.0.3", false);
	for (int i = 0; i < 50; i++)
		step();
	ck_assert(!evpn_rib_l3_lookup(fabric_rib(&d), 900001, 32, pfx, 12, NULL));

	vrf_add_blue();
	/* imported at once, without asking the peer again */
	ck_assert(evpn_rib_l3_lookup(fabric_rib(&d), 900001, 32, pfx, 12, NULL));
	info = wait_best("172.16.0.0/12", ROUTE_SRC_EVPN_PREFIX);
	ck_assert(info.installed);
	assert_remote(&info.nh, "10.0.0.3");
	ck_assert_uint_eq(d.vrfs[0].remote_routes, 1);
	ck_assert_ptr_nonnull(fabric_vrf(&d, 0));
	ck_assert_uint_eq(fabric_vrf(&d, 0)->l3vni, 900001);
	/* our advertise prefix as type 5 */
	while (!seen) {
		raw_update();
		seen = msg_nlri_type() == EVPN_RT_IP_PREFIX && !msg_unreach_of(EVPN_RT_IP_PREFIX) && msg_has(adv, 5);
	}

	d.hooks.vrf(&d, 0, false);
	/* its received route left its table while the table was there */
	ck_assert_uint_eq(d.vrfs[0].remote_routes, 0);
	wait_no_path("172.16.0.0/12", ROUTE_SRC_EVPN_PREFIX);
	ck_assert(!evpn_rib_l3_lookup(fabric_rib(&d), 900001, 32, pfx, 12, NULL));
	fabric_prefixes(&d, &n);
	ck_assert_uint_eq(n, 0);
	for (seen = false; !seen;) {
		raw_update();
		seen = msg_unreach_of(EVPN_RT_IP_PREFIX) && msg_has(adv, 5);
	}
	vtepd_vrf_unmake(&d, 0);
	memset(&d.vrfs[0], 0, sizeof(d.vrfs[0]));
	memset(&d.cfg.vrfs[0], 0, sizeof(d.cfg.vrfs[0]));
	d.n_vrfs = d.cfg.n_vrfs = 0;

	/* added again: imported again (the RIB kept the route) */
	vrf_add_blue();
	info = wait_best("172.16.0.0/12", ROUTE_SRC_EVPN_PREFIX);
	ck_assert(info.installed);
	vrf_del_blue();
	close(raw.fd);
	leaf_teardown();
	vtepd_vrfs_free(&d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fabric_l3");
	TCase *tc = tcase_create("l3");
	SRunner *sr;
	int failed;

	if (test_eal_init("test_fabric_l3", 1024) != 0)
		return EXIT_FAILURE;
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dump_l3_shapes);
	tcase_add_test(tc, test_type5_imported_into_vrf);
	tcase_add_test(tc, test_vrf_auto_values);
	tcase_add_test(tc, test_l3vni_published);
	tcase_add_test(tc, test_remote_routes_installed);
	tcase_add_test(tc, test_host_route_follows_mac);
	tcase_add_test(tc, test_port_mac_reclaimed);
	tcase_add_test(tc, test_learned_host_route_ages);
	tcase_add_test(tc, test_remote_route_refused);
	tcase_add_test(tc, test_vrf_added_at_run_time);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
