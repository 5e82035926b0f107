/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_evpn_rib.c: the EVPN RIB on its own: import by route target, best path across
 * peers, loops, flood lists from type-3 routes, MAC mobility (sequence numbers, the
 * lower-VTEP tie-break, sticky MACs, duplicate detection), graceful restart's stale paths,
 * and the IP-VRFs: type-5 and host routes imported by RT, the best per (VRF, prefix).
 * Every decision is recorded from the ops callbacks and checked exactly.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evpn_adv.h"
#include "evpn_rib.h"
#include "hugemem.h"

#define ASN 65001

static uint32_t ip(const char *s) { return inet_addr(s); }

struct event {
	char kind;                 /* 'M' remote MAC, 'F' flood, 'A' advertise, 'D' duplicate, 'I' remote IP, 'L' L3 route */
	uint16_t vni_idx;
	uint8_t mac[6];
	uint32_t vtep;
	bool add_or_withdraw;      /* F, I: add; A: withdraw */
	uint32_t seq;
	bool sticky;
	uint8_t type, ip_len;
	struct evpn_rib_l3 l3;
};

static struct event events[256];
static int n_events, n_overflow;

/* The next event slot; events past the array are only counted. */
static struct event *rec(char kind)
{
	static struct event spare;
	struct event *e = n_events < 256 ? &events[n_events++] : (n_overflow++, &spare);

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	return e;
}

static void ev_remote_mac(void *ctx, uint16_t vni_idx, const uint8_t mac[6], uint32_t vtep)
{
	struct event *e = rec('M');

	(void)ctx;
	e->vni_idx = vni_idx;
	e->vtep = vtep;
	memcpy(e->mac, mac, 6);
}

static void ev_flood(void *ctx, uint16_t vni_idx, uint32_t vtep, bool add)
{
	struct event *e = rec('F');

	(void)ctx;
	e->vni_idx = vni_idx;
	e->vtep = vtep;
	e->add_or_withdraw = add;
}

static void ev_advertise(void *ctx, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky,
			 bool withdraw)
{
	struct event *e = rec('A');

	(void)ctx;
	e->vni_idx = vni_idx;
	e->add_or_withdraw = withdraw;
	e->seq = seq;
	e->sticky = sticky;
	e->type = r->type;
	e->ip_len = r->ip_len;
	memcpy(e->mac, r->mac, 6);
}

static void ev_remote_ip(void *ctx, uint16_t vni_idx, uint32_t addr, const uint8_t mac[6], bool add)
{
	struct event *e = rec('I');

	(void)ctx;
	e->vni_idx = vni_idx;
	e->vtep = addr;             /* the address */
	e->add_or_withdraw = add;
	memcpy(e->mac, mac, 6);
}

static void ev_duplicate(void *ctx, uint16_t vni_idx, const uint8_t mac[6])
{
	struct event *e = rec('D');

	(void)ctx;
	e->vni_idx = vni_idx;
	memcpy(e->mac, mac, 6);
}

static void ev_l3(void *ctx, const struct evpn_rib_l3 *r)
{
	struct event *e = rec('L');

	(void)ctx;
	e->l3 = *r;
}

/* The last batch the RIB named before taking it (not an event: it comes before them). */
static struct evpn_rib_ahead ahead[64];
static size_t n_ahead, n_prefetch_calls;
static uint32_t ahead_l3vni;

static void ev_prefetch(void *ctx, uint32_t l3vni, const struct evpn_rib_ahead *a, size_t n)
{
	(void)ctx;
	ck_assert_uint_le(n, 64);
	memcpy(ahead, a, n * sizeof(*a));
	n_ahead = n;
	ahead_l3vni = l3vni;
	n_prefetch_calls++;
}

static const struct evpn_rib_ops ops = {
	.remote_mac = ev_remote_mac, .flood_vtep = ev_flood, .advertise = ev_advertise, .duplicate = ev_duplicate,
	.remote_ip = ev_remote_ip, .l3_route = ev_l3, .prefetch = ev_prefetch,
};

static struct evpn_rib *rib;
static const uint8_t MAC1[6] = { 2, 0, 0, 0, 0, 1 };

static void setup(void)
{
	struct evpn_rib_config c = { .asn = ASN, .router_id = inet_addr("10.0.0.1"), .vtep_ip = inet_addr("10.0.0.1"),
				     .rt_match_vni_only = -1, .dup_max_moves = 5, .dup_window_sec = 180,
				     .local_pref = 100 };

	n_events = n_overflow = 0;
	n_ahead = n_prefetch_calls = 0;
	rib = evpn_rib_new(&c, &ops, NULL);
	ck_assert_ptr_nonnull(rib);
	ck_assert_int_eq(evpn_rib_add_vni(rib, 0, 100, NULL, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(evpn_rib_add_vni(rib, 1, 200, NULL, NULL, 0, NULL, 0), 0);
}

static void teardown(void)
{
	evpn_rib_free(rib);
	rib = NULL;
}

/* Attributes of a route from a peer: next hop VTEP, RT asn:vni, optional MAC mobility. */
static struct bgp_attrs attrs(const char *nh, uint16_t rt_asn, uint32_t rt_vni, uint32_t peer_as, int seq, bool sticky)
{
	struct bgp_attrs a;

	memset(&a, 0, sizeof(a));
	a.has_origin = true;
	a.has_as_path = true;
	a.as_path[0] = peer_as;
	a.as_path_len = peer_as ? 1 : 0;
	a.mp_nh_len = 4;
	uint32_t n = ip(nh);
	memcpy(a.mp_nh, &n, 4);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(rt_asn, rt_vni);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_encap_vxlan();
	if (seq >= 0)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_mac_mobility((uint32_t)seq, sticky);
	return a;
}

static struct evpn_route mac_route(const char *rd, const uint8_t mac[6], uint32_t vni)
{
	struct evpn_route r;

	memset(&r, 0, sizeof(r));
	r.type = EVPN_RT_MAC_IP;
	ck_assert_int_eq(evpn_rd_parse(rd, r.rd), 0);
	memcpy(r.mac, mac, 6);
	r.label1 = vni;
	return r;
}

static struct evpn_route imet_route(const char *rd, const char *orig)
{
	struct evpn_route r;
	uint32_t o = ip(orig);

	memset(&r, 0, sizeof(r));
	r.type = EVPN_RT_IMET;
	ck_assert_int_eq(evpn_rd_parse(rd, r.rd), 0);
	r.ip_len = 32;
	memcpy(r.ip, &o, 4);
	return r;
}

static const struct event *last(char kind)
{
	for (int i = n_events - 1; i >= 0; i--)
		if (events[i].kind == kind)
			return &events[i];
	return NULL;
}

static int count(char kind)
{
	int n = 0;

	for (int i = 0; i < n_events; i++)
		n += events[i].kind == kind;
	return n;
}

/*
 * Automatic RDs: an L2 VNI's is router-id:(32767 + index + 1), NX-OS style, so that with any
 * number of L2 VNIs none takes an IP-VRF's automatic RD (router-id:3 upward). It used to be
 * router-id:(index + 1): the third VNI collided with the first VRF.
 */
START_TEST(test_auto_rd_l2_apart_from_vrfs)
{
	uint8_t rd[8], want[8], vrf_rd[8];
	uint64_t rts[EVPN_RIB_MAX_RT];
	size_t n_rts;

	for (uint16_t i = 2; i < 16; i++)
		ck_assert_int_eq(evpn_rib_add_vni(rib, i, 100u + i, NULL, NULL, 0, NULL, 0), 0);
	evpn_rib_vni_info(rib, 0, rd, rts, &n_rts);
	evpn_rd_type1(want, inet_addr("10.0.0.1"), 32768);
	ck_assert_mem_eq(rd, want, 8);
	for (uint16_t i = 0; i < 16; i++) {
		evpn_rib_vni_info(rib, i, rd, rts, &n_rts);
		for (uint16_t v = 0; v < EVPN_RIB_MAX_VRFS; v++) {
			evpn_rd_type1(vrf_rd, inet_addr("10.0.0.1"), EVPN_RIB_AUTO_RD_VRF(v));
			ck_assert_msg(memcmp(rd, vrf_rd, 8) != 0, "VNI index %u has VRF %u's automatic RD", i, v);
		}
	}
	ck_assert_uint_gt(EVPN_RIB_AUTO_RD_VNI(0), EVPN_RIB_AUTO_RD_VRF(EVPN_RIB_MAX_VRFS - 1));
	ck_assert_uint_gt(EVPN_RIB_AUTO_RD_VNI(4095), EVPN_RIB_AUTO_RD_VNI(0));   /* no wrap */
}
END_TEST

START_TEST(test_import_auto_rt_any_as_from_ebgp)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);

	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 1);
	ck_assert_int_eq(events[0].kind, 'M');
	ck_assert_uint_eq(events[0].vni_idx, 0);
	ck_assert_uint_eq(events[0].vtep, ip("10.0.0.2"));
	ck_assert_mem_eq(events[0].mac, MAC1, 6);
	/* the withdrawal matches on the key, with the label zeroed */
	r.label1 = 0;
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, NULL, 0, &r, 1, false);
	ck_assert_int_eq(n_events, 2);
	ck_assert_int_eq(events[1].kind, 'M');
	ck_assert_uint_eq(events[1].vtep, 0);
}
END_TEST

START_TEST(test_import_needs_matching_rt_over_ibgp)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 0, -1, false);   /* another AS's RT over iBGP */
	struct bgp_attrs ok = attrs("10.0.0.2", ASN, 100, 0, -1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);
	struct evpn_rib_stats st;

	evpn_rib_update(rib, ip("10.0.0.9"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 0);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.not_imported, 1);
	evpn_rib_update(rib, ip("10.0.0.9"), false, &ok, &r, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 1);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));
	/* a route for VNI 100 carrying VNI 200's RT is not imported into either */
	struct bgp_attrs wrong = attrs("10.0.0.3", ASN, 200, 0, -1, false);
	struct evpn_route r2 = mac_route("10.0.0.3:1", (const uint8_t[]){ 2, 0, 0, 0, 0, 7 }, 100);

	evpn_rib_update(rib, ip("10.0.0.9"), false, &wrong, &r2, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 1);
}
END_TEST

START_TEST(test_loops_and_own_routes_rejected)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);
	struct evpn_rib_stats st;

	a.as_path[1] = ASN;            /* FRR reflects our own route back: "65000 65001" */
	a.as_path_len = 2;
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
	struct bgp_attrs own = attrs("10.0.0.1", 65000, 100, 65000, -1, false);   /* next hop is us */
	evpn_rib_update(rib, ip("10.0.0.2"), true, &own, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 0);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.rejected_as_loop, 1);
	ck_assert_uint_eq(st.rejected_own, 1);
	ck_assert_uint_eq(st.paths, 0);
}
END_TEST

START_TEST(test_flood_list_from_type3)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct evpn_route r1 = imet_route("10.0.0.2:1", "10.0.0.2");
	struct evpn_route r2 = imet_route("10.0.0.2:7", "10.0.0.2");
	uint32_t ep = ip("10.0.0.2");

	a.has_pmsi = true;
	a.pmsi_tunnel_type = 6;
	a.pmsi_label = 100;
	a.pmsi_endpoint_len = 4;
	memcpy(a.pmsi_endpoint, &ep, 4);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r1, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 1);
	ck_assert_int_eq(events[0].kind, 'F');
	ck_assert(events[0].add_or_withdraw);
	ck_assert_uint_eq(events[0].vtep, ep);
	ck_assert_uint_eq(events[0].vni_idx, 0);
	/* a second route to the same VTEP and VNI adds nothing; the flood entry goes with the last one */
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r2, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 1);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, NULL, 0, &r1, 1, false);
	ck_assert_int_eq(n_events, 1);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, NULL, 0, &r2, 1, false);
	ck_assert_int_eq(n_events, 2);
	ck_assert(!events[1].add_or_withdraw);
}
END_TEST

START_TEST(test_best_path_across_two_reflectors)
{
	struct bgp_attrs a = attrs("10.0.0.2", ASN, 100, 0, -1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);

	evpn_rib_update(rib, ip("10.0.9.1"), false, &a, &r, 1, NULL, 0, false);
	evpn_rib_update(rib, ip("10.0.9.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 1);               /* installed once */
	evpn_rib_update(rib, ip("10.0.9.1"), false, &a, NULL, 0, &r, 1, false);
	ck_assert_int_eq(count('M'), 1);               /* the other reflector still has it */
	evpn_rib_update(rib, ip("10.0.9.2"), false, &a, NULL, 0, &r, 1, false);
	ck_assert_int_eq(count('M'), 2);
	ck_assert_uint_eq(last('M')->vtep, 0);
}
END_TEST

/* The best path of each route as evpn_rib_walk reports it: peer and LOCAL_PREF. */
struct best_seen {
	uint32_t peer, local_pref;
	int n_best, n_paths;
};

static void walk_best(const struct evpn_rib_path_info *p, void *arg)
{
	struct best_seen *b = arg;

	b->n_paths++;
	if (p->best) {
		b->n_best++;
		b->peer = p->peer;
		b->local_pref = p->local_pref;
	}
}

/*
 * LOCAL_PREF in best path: of one route's paths the higher LOCAL_PREF wins before the lowest
 * peer address; an eBGP peer's LOCAL_PREF is ignored (its paths get the configured default,
 * 100 here); iBGP paths without one get the default too.
 */
START_TEST(test_local_pref_best_path)
{
	struct bgp_attrs lo = attrs("10.0.0.2", ASN, 100, 0, -1, false);
	struct bgp_attrs hi = attrs("10.0.0.3", ASN, 100, 0, -1, false);
	struct bgp_attrs eb = attrs("10.0.0.4", ASN, 100, 65000, -1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);
	struct best_seen b = { 0 };

	lo.has_local_pref = true;
	lo.local_pref = 100;
	hi.has_local_pref = true;
	hi.local_pref = 200;
	evpn_rib_update(rib, ip("10.0.9.1"), false, &lo, &r, 1, NULL, 0, false);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));
	/* the higher LOCAL_PREF wins though its peer's address is higher */
	evpn_rib_update(rib, ip("10.0.9.2"), false, &hi, &r, 1, NULL, 0, false);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.3"));
	evpn_rib_walk(rib, walk_best, &b);
	ck_assert_int_eq(b.n_paths, 2);
	ck_assert_int_eq(b.n_best, 1);
	ck_assert_uint_eq(b.peer, ip("10.0.9.2"));
	ck_assert_uint_eq(b.local_pref, 200);
	/* an eBGP peer's LOCAL_PREF 500 counts as the default 100: it loses to 200 ... */
	eb.has_local_pref = true;
	eb.local_pref = 500;
	evpn_rib_update(rib, ip("10.0.0.9"), true, &eb, &r, 1, NULL, 0, false);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.3"));
	/* ... and, once 200 is withdrawn, ties with the iBGP 100: the lowest peer address decides */
	evpn_rib_update(rib, ip("10.0.9.2"), false, &hi, NULL, 0, &r, 1, false);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.4"));
	memset(&b, 0, sizeof(b));
	evpn_rib_walk(rib, walk_best, &b);
	ck_assert_uint_eq(b.peer, ip("10.0.0.9"));
	ck_assert_uint_eq(b.local_pref, 100);
	/* an iBGP path without LOCAL_PREF gets the default as well */
	lo.has_local_pref = false;
	evpn_rib_update(rib, ip("10.0.9.1"), false, &lo, &r, 1, NULL, 0, false);
	memset(&b, 0, sizeof(b));
	evpn_rib_walk(rib, walk_best, &b);
	ck_assert_uint_eq(b.peer, ip("10.0.0.9"));
	ck_assert_uint_eq(b.local_pref, 100);
}
END_TEST

/*
 * Between routes of one MAC from different VTEPs (different RDs): the MAC mobility sequence
 * first, then the higher LOCAL_PREF, then the lower VTEP.
 */
START_TEST(test_local_pref_between_vteps)
{
	struct bgp_attrs v2 = attrs("10.0.0.2", ASN, 100, 0, -1, false);
	struct bgp_attrs v3 = attrs("10.0.0.3", ASN, 100, 0, -1, false);
	struct evpn_route r2 = mac_route("10.0.0.2:1", MAC1, 100);
	struct evpn_route r3 = mac_route("10.0.0.3:1", MAC1, 100);

	v2.has_local_pref = v3.has_local_pref = true;
	v2.local_pref = v3.local_pref = 100;
	evpn_rib_update(rib, ip("10.0.9.1"), false, &v3, &r3, 1, NULL, 0, false);
	evpn_rib_update(rib, ip("10.0.9.1"), false, &v2, &r2, 1, NULL, 0, false);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));           /* equal: the lower VTEP */
	v3.local_pref = 300;
	evpn_rib_update(rib, ip("10.0.9.1"), false, &v3, &r3, 1, NULL, 0, false);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.3"));           /* the higher LOCAL_PREF */
	v2 = attrs("10.0.0.2", ASN, 100, 0, 1, false);                /* sequence 1, no LOCAL_PREF */
	evpn_rib_update(rib, ip("10.0.9.1"), false, &v2, &r2, 1, NULL, 0, false);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));           /* mobility first */
}
END_TEST

/*
 * The tables' hash is keyed, randomly per RIB (the keys are peer-supplied): two RIBs hash the
 * same route differently, one key always gives the same hash, and the bucket spread of
 * routes that differ in one MAC byte is unrelated between keys.
 */
START_TEST(test_hash_keyed)
{
	struct evpn_rib_config c = { .asn = ASN, .router_id = inet_addr("10.0.0.1"), .vtep_ip = inet_addr("10.0.0.1") };
	struct evpn_rib *r1, *r2, *k1, *k2;
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);
	int same_bucket = 0;

	r1 = evpn_rib_new(&c, NULL, NULL);
	r2 = evpn_rib_new(&c, NULL, NULL);
	c.hash_key[0] = 0x0123456789abcdefULL;
	c.hash_key[1] = 0xfedcba9876543210ULL;
	k1 = evpn_rib_new(&c, NULL, NULL);
	k2 = evpn_rib_new(&c, NULL, NULL);
	ck_assert(r1 && r2 && k1 && k2);
	ck_assert_uint_ne(evpn_rib_route_hash(r1, &r), evpn_rib_route_hash(r2, &r));
	ck_assert_uint_eq(evpn_rib_route_hash(k1, &r), evpn_rib_route_hash(k2, &r));
	ck_assert_uint_ne(evpn_rib_route_hash(k1, &r), evpn_rib_route_hash(r1, &r));
	for (int i = 0; i < 256; i++) {
		struct evpn_route x = r, y = r;

		x.mac[5] = (uint8_t)i;
		y.mac[5] = (uint8_t)(i + 1);
		ck_assert_uint_ne(evpn_rib_route_hash(k1, &x), evpn_rib_route_hash(k1, &y));
		/* two routes in one bucket of 1024 under r1 are seldom together under r2 */
		same_bucket += (evpn_rib_route_hash(r1, &x) & 1023) == (evpn_rib_route_hash(r1, &y) & 1023) &&
			       (evpn_rib_route_hash(r2, &x) & 1023) == (evpn_rib_route_hash(r2, &y) & 1023);
	}
	ck_assert_int_le(same_bucket, 1);
	evpn_rib_free(r1);
	evpn_rib_free(r2);
	evpn_rib_free(k1);
	evpn_rib_free(k2);
}
END_TEST

START_TEST(test_local_mac_advertised_and_withdrawn)
{
	evpn_rib_local_mac(rib, 0, MAC1, true, false);
	ck_assert_int_eq(n_events, 1);
	ck_assert_int_eq(events[0].kind, 'A');
	ck_assert(!events[0].add_or_withdraw);
	ck_assert_uint_eq(events[0].seq, 0);
	evpn_rib_local_ip(rib, 0, MAC1, ip("192.168.1.1"));
	ck_assert_int_eq(n_events, 2);                 /* the MAC+IP route; MAC-only stands as it was */
	ck_assert_uint_eq(events[1].ip_len, 32);
	ck_assert(!events[1].add_or_withdraw);
	evpn_rib_local_mac(rib, 0, MAC1, false, false);
	ck_assert_int_eq(count('A'), 4);               /* both withdrawn */
	ck_assert(last('A')->add_or_withdraw);
}
END_TEST

START_TEST(test_mobility_remote_to_local_bumps_sequence)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, 3, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);
	struct evpn_rib_mac_info mi;

	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));
	/* the container shows up behind us: we advertise sequence remote + 1 and take it */
	evpn_rib_local_mac(rib, 0, MAC1, true, false);
	ck_assert_uint_eq(last('A')->seq, 4);
	ck_assert(!last('A')->add_or_withdraw);
	ck_assert_uint_eq(last('M')->vtep, 0);         /* the remote entry is uninstalled */
	evpn_rib_mac_info(rib, 0, MAC1, &mi);
	ck_assert(mi.local && mi.remote);
	ck_assert_uint_eq(mi.local_seq, 4);
	/* the old leaf withdraws; we keep advertising */
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, NULL, 0, &r, 1, false);
	evpn_rib_mac_info(rib, 0, MAC1, &mi);
	ck_assert(mi.local && !mi.remote);
}
END_TEST

START_TEST(test_mobility_local_to_remote_higher_sequence_wins)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, 1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);

	evpn_rib_local_mac(rib, 0, MAC1, true, false);   /* ours, sequence 0 */
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
	/* it moved there: we withdraw ours and point the MAC at 10.0.0.2 */
	ck_assert(last('A')->add_or_withdraw);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));
}
END_TEST

START_TEST(test_mobility_tie_lower_vtep_wins)
{
	struct bgp_attrs hi = attrs("10.0.0.9", 65000, 100, 65000, 2, false);
	struct bgp_attrs lo = attrs("10.0.0.0", 65000, 100, 65000, 2, false);   /* lower than our 10.0.0.1 */
	struct evpn_route r = mac_route("10.0.0.9:1", MAC1, 100);
	struct evpn_route r2 = mac_route("10.0.0.0:1", MAC1, 100);
	struct evpn_rib_mac_info mi;

	evpn_rib_update(rib, ip("10.0.0.9"), true, &hi, &r, 1, NULL, 0, false);
	evpn_rib_local_mac(rib, 0, MAC1, true, false);   /* we take it with sequence 3 */
	ck_assert_uint_eq(last('A')->seq, 3);
	n_events = 0;
	/* 10.0.0.0 claims it with the same sequence 3: equal sequence, lower VTEP address wins */
	lo.ext_comm[2] = evpn_ec_mac_mobility(3, false);
	evpn_rib_update(rib, ip("10.0.0.0"), true, &lo, &r2, 1, NULL, 0, false);
	ck_assert(last('A') && last('A')->add_or_withdraw);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.0"));
	evpn_rib_mac_info(rib, 0, MAC1, &mi);
	ck_assert(!mi.local);
}
END_TEST

START_TEST(test_sticky_remote_never_moves)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, 0, true);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);

	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
	n_events = 0;
	evpn_rib_local_mac(rib, 0, MAC1, true, false);
	/* a sticky remote MAC keeps its place: we do not advertise it, and the dataplane goes back to the VTEP */
	ck_assert_int_eq(count('A'), 0);
	ck_assert_int_eq(count('M'), 1);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));
}
END_TEST

START_TEST(test_duplicate_detection_freezes)
{
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);
	uint32_t seq = 0;

	for (int i = 0; i < 4; i++) {
		struct evpn_rib_mac_info mi;

		/* remote takes it with a higher sequence, then it shows up here again */
		struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, (int)(seq + 1), false);

		evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
		evpn_rib_local_mac(rib, 0, MAC1, true, false);
		evpn_rib_mac_info(rib, 0, MAC1, &mi);
		seq = mi.local_seq;
	}
	ck_assert_int_eq(count('D'), 1);
	ck_assert_mem_eq(last('D')->mac, MAC1, 6);
	struct evpn_rib_mac_info mi;

	evpn_rib_mac_info(rib, 0, MAC1, &mi);
	ck_assert(mi.frozen);
	ck_assert_uint_ge(mi.moves, 5);
}
END_TEST

START_TEST(test_graceful_restart_keeps_stale_paths)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);
	struct evpn_route r2 = mac_route("10.0.0.2:1", (const uint8_t[]){ 2, 0, 0, 0, 0, 2 }, 100);
	struct evpn_rib_stats st;

	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r2, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 2);
	evpn_rib_peer_down(rib, ip("10.0.0.2"), true);
	ck_assert_int_eq(count('M'), 2);               /* still forwarding */
	/* the peer comes back and re-advertises only r; End-of-RIB removes r2 */
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
	evpn_rib_peer_flush_stale(rib, ip("10.0.0.2"));
	ck_assert_int_eq(count('M'), 3);
	ck_assert_uint_eq(last('M')->vtep, 0);
	ck_assert_uint_eq(last('M')->mac[5], 2);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.stale_removed, 1);
	ck_assert_uint_eq(evpn_rib_peer_paths(rib, ip("10.0.0.2")), 1);
	/* a hard down removes everything at once */
	evpn_rib_peer_down(rib, ip("10.0.0.2"), false);
	ck_assert_uint_eq(evpn_rib_peer_paths(rib, ip("10.0.0.2")), 0);
	ck_assert_uint_eq(last('M')->vtep, 0);
	ck_assert_uint_eq(last('M')->mac[5], 1);
}
END_TEST

/*
 * A path that turns stale loses best-path selection at once (RFC 4724 keeps it usable, our
 * selection puts fresh before stale): reflector 10.0.9.1 (best: lower address) says MAC1 is
 * behind 10.0.0.2, reflector 10.0.9.2 that it is behind 10.0.0.3; when the first restarts
 * gracefully the MAC goes to 10.0.0.3 without waiting for the next change of the route, and
 * comes back when the first returns with it.
 */
START_TEST(test_stale_path_loses_best)
{
	struct bgp_attrs a2 = attrs("10.0.0.2", ASN, 100, 0, -1, false);
	struct bgp_attrs a3 = attrs("10.0.0.3", ASN, 100, 0, -1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);

	evpn_rib_update(rib, ip("10.0.9.1"), false, &a2, &r, 1, NULL, 0, false);
	evpn_rib_update(rib, ip("10.0.9.2"), false, &a3, &r, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 1);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));
	evpn_rib_peer_down(rib, ip("10.0.9.1"), true);
	ck_assert_int_eq(count('M'), 2);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.3"));
	/* back, and the same path again: fresh, lower address, best again */
	evpn_rib_update(rib, ip("10.0.9.1"), false, &a2, &r, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 3);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.2"));
	evpn_rib_peer_flush_stale(rib, ip("10.0.9.1"));
	ck_assert_int_eq(count('M'), 3);
	ck_assert_uint_eq(evpn_rib_peer_paths(rib, ip("10.0.9.1")), 1);
}
END_TEST

START_TEST(test_treat_as_withdraw)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct evpn_route r = mac_route("10.0.0.2:1", MAC1, 100);

	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, true);
	ck_assert_int_eq(count('M'), 2);
	ck_assert_uint_eq(last('M')->vtep, 0);
}
END_TEST

START_TEST(test_many_routes)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct evpn_rib_stats st;
	enum { N = 50000 };

	for (uint32_t i = 0; i < N; i++) {
		uint8_t mac[6] = { 2, 1, (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		struct evpn_route r = mac_route("10.0.0.2:1", mac, 100);

		n_events = 0;
		evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &r, 1, NULL, 0, false);
		ck_assert_int_eq(n_events, 1);
	}
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.routes, N);
	ck_assert_uint_eq(st.macs, N);
	n_events = n_overflow = 0;
	evpn_rib_peer_down(rib, ip("10.0.0.2"), false);
	ck_assert_int_eq(n_events + n_overflow, N);    /* each MAC uninstalled once */
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.routes, 0);
	ck_assert_uint_eq(st.macs, 0);
}
END_TEST

/* Walk callback: the route targets of every path, keyed by its MAC's last byte. */
struct rt_seen {
	uint32_t n_paths;
	uint32_t n_rt[256];
	uint64_t rt0[256];
};

static void collect_rts(const struct evpn_rib_path_info *p, void *arg)
{
	struct rt_seen *seen = arg;

	seen->n_paths++;
	seen->n_rt[p->route->mac[5]] = p->n_rt;
	seen->rt0[p->route->mac[5]] = p->n_rt ? p->rts[0] : 0;
}

/*
 * One UPDATE with more NLRIs than a prefetch batch, VNIs alternating inside it (the import
 * answer is remembered per UPDATE: it must follow each NLRI's label); then paths with another
 * RT list, and a path re-announced with a new list: each path shows its own RTs.
 */
START_TEST(test_big_update_and_shared_rt_lists)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct evpn_route rs[100];
	struct rt_seen seen;
	struct evpn_rib_mac_info mi;
	struct evpn_rib_stats st;

	memset(&seen, 0, sizeof(seen));
	a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(65000, 200);   /* imports into both VNIs */
	for (int i = 0; i < 100; i++)
		rs[i] = mac_route("10.0.0.2:1", (const uint8_t[]){ 2, 0, 0, 0, 1, (uint8_t)i }, i % 2 ? 200 : 100);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, rs, 100, NULL, 0, false);
	ck_assert_int_eq(count('M'), 100);
	for (int i = 0; i < 100; i++) {
		evpn_rib_mac_info(rib, i % 2 ? 1 : 0, rs[i].mac, &mi);
		ck_assert_msg(mi.remote && mi.remote_vtep == ip("10.0.0.2"), "MAC %d not in VNI index %d", i, i % 2);
		evpn_rib_mac_info(rib, i % 2 ? 0 : 1, rs[i].mac, &mi);
		ck_assert(!mi.known);
	}
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.routes, 100);
	ck_assert_uint_eq(st.macs, 100);

	/* MAC 0 again from the same peer with one RT only; MAC 1 stays with two. */
	{
		struct bgp_attrs b = attrs("10.0.0.2", 65000, 100, 65000, -1, false);

		evpn_rib_update(rib, ip("10.0.0.2"), true, &b, &rs[0], 1, NULL, 0, false);
	}
	evpn_rib_walk(rib, collect_rts, &seen);
	ck_assert_uint_eq(seen.n_paths, 100);
	ck_assert_uint_eq(seen.n_rt[0], 1);
	ck_assert_uint_eq(seen.rt0[0], evpn_ec_rt_as2(65000, 100));
	ck_assert_uint_eq(seen.n_rt[1], 2);
	ck_assert_uint_eq(seen.n_rt[99], 2);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, NULL, 0, rs, 100, false);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.routes, 0);
	ck_assert_uint_eq(st.paths, 0);
}
END_TEST

/* Stale paths are the restarting peer's alone: another peer's End-of-RIB leaves them. */
START_TEST(test_stale_paths_per_peer)
{
	struct bgp_attrs a2 = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct bgp_attrs a3 = attrs("10.0.0.3", 65000, 100, 65000, -1, false);
	struct evpn_route r2 = mac_route("10.0.0.2:1", MAC1, 100);
	struct evpn_route r3 = mac_route("10.0.0.3:1", (const uint8_t[]){ 2, 0, 0, 0, 0, 3 }, 100);
	struct evpn_rib_stats st;

	evpn_rib_update(rib, ip("10.0.0.2"), true, &a2, &r2, 1, NULL, 0, false);
	evpn_rib_update(rib, ip("10.0.0.3"), true, &a3, &r3, 1, NULL, 0, false);
	evpn_rib_peer_flush_stale(rib, ip("10.0.0.3"));     /* End-of-RIB after a fresh start: nothing */
	ck_assert_uint_eq(evpn_rib_peer_paths(rib, ip("10.0.0.3")), 1);
	evpn_rib_peer_down(rib, ip("10.0.0.2"), true);
	evpn_rib_peer_down(rib, ip("10.0.0.2"), true);       /* counted once */
	evpn_rib_peer_flush_stale(rib, ip("10.0.0.3"));
	ck_assert_uint_eq(evpn_rib_peer_paths(rib, ip("10.0.0.2")), 1);
	ck_assert_uint_eq(evpn_rib_peer_paths(rib, ip("10.0.0.3")), 1);
	/* re-announced: no longer stale, so its End-of-RIB keeps it */
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a2, &r2, 1, NULL, 0, false);
	evpn_rib_peer_flush_stale(rib, ip("10.0.0.2"));
	ck_assert_uint_eq(evpn_rib_peer_paths(rib, ip("10.0.0.2")), 1);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.stale_removed, 0);
	/* down again, not re-announced: the restart time's flush removes it */
	evpn_rib_peer_down(rib, ip("10.0.0.2"), true);
	evpn_rib_peer_flush_stale(rib, ip("10.0.0.2"));
	ck_assert_uint_eq(evpn_rib_peer_paths(rib, ip("10.0.0.2")), 0);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.stale_removed, 1);
	ck_assert_uint_eq(last('M')->vtep, 0);
	ck_assert_uint_eq(last('M')->mac[5], 1);
}
END_TEST

static void noop_local(const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, void *arg)
{
	int *n = arg;

	(void)vni_idx;
	(void)seq;
	(void)sticky;
	n[r->type == EVPN_RT_IMET ? 0 : 1]++;
}

static void with_ip(struct evpn_route *r, uint32_t addr)
{
	r->ip_len = 32;
	memcpy(r->ip, &addr, 4);
}

/*
 * An address keeps its ARP binding while any imported MAC+IP route announces it (found by
 * fuzz_evpn_rib): a MAC that moved to another VTEP, or an address taken over by a new MAC,
 * must not lose the binding when the older route is withdrawn.
 */
START_TEST(test_remote_ip_survives_older_route)
{
	const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 2 };
	struct bgp_attrs at2 = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct bgp_attrs at3 = attrs("10.0.0.3", 65000, 100, 65000, 1, false);
	struct evpn_route old_r = mac_route("10.0.0.2:1", MAC1, 100), moved = mac_route("10.0.0.3:1", MAC1, 100);
	struct evpn_route taken = mac_route("10.0.0.3:1", mac2, 100);
	uint32_t addr = ip("192.168.0.5");

	with_ip(&old_r, addr);
	with_ip(&moved, addr);
	with_ip(&taken, addr);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &at2, &old_r, 1, NULL, 0, false);
	ck_assert_int_eq(count('I'), 1);
	ck_assert(last('I')->add_or_withdraw && last('I')->vtep == addr);
	ck_assert_mem_eq(last('I')->mac, MAC1, 6);
	/* the MAC moves to 10.0.0.3, then 10.0.0.2 withdraws: the binding stands */
	evpn_rib_update(rib, ip("10.0.0.3"), true, &at3, &moved, 1, NULL, 0, false);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &at2, NULL, 0, &old_r, 1, false);
	ck_assert_int_eq(count('I'), 1);
	/* a new MAC takes the address over: rebound to it, and the old MAC's withdrawal keeps it */
	evpn_rib_update(rib, ip("10.0.0.3"), true, &at3, &taken, 1, NULL, 0, false);
	ck_assert_int_eq(count('I'), 2);
	ck_assert(last('I')->add_or_withdraw);
	ck_assert_mem_eq(last('I')->mac, mac2, 6);
	evpn_rib_update(rib, ip("10.0.0.3"), true, &at3, NULL, 0, &moved, 1, false);
	ck_assert_int_eq(count('I'), 2);
	/* the last route goes: the binding with it */
	evpn_rib_update(rib, ip("10.0.0.3"), true, &at3, NULL, 0, &taken, 1, false);
	ck_assert_int_eq(count('I'), 3);
	ck_assert(!last('I')->add_or_withdraw && last('I')->vtep == addr);
}
END_TEST

/* Three and more MACs announcing one address (its MAC list outgrows the one kept inside the entry). */
START_TEST(test_remote_ip_many_macs)
{
	struct bgp_attrs at2 = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	uint32_t addr = ip("192.168.0.6");
	struct evpn_route r[5];
	uint8_t mac[5][6];

	for (int i = 0; i < 5; i++) {
		memcpy(mac[i], (uint8_t[6]){ 2, 0, 0, 0, 1, (uint8_t)i }, 6);
		r[i] = mac_route("10.0.0.2:1", mac[i], 100);
		with_ip(&r[i], addr);
		evpn_rib_update(rib, ip("10.0.0.2"), true, &at2, &r[i], 1, NULL, 0, false);
		ck_assert_int_eq(count('I'), i + 1);
		ck_assert_mem_eq(last('I')->mac, mac[i], 6);   /* the newest wins */
	}
	/* older ones go: the binding stays with the newest */
	for (int i = 0; i < 3; i++)
		evpn_rib_update(rib, ip("10.0.0.2"), true, &at2, NULL, 0, &r[i], 1, false);
	ck_assert_int_eq(count('I'), 5);
	/* the newest goes: back to the one before it */
	evpn_rib_update(rib, ip("10.0.0.2"), true, &at2, NULL, 0, &r[4], 1, false);
	ck_assert_int_eq(count('I'), 6);
	ck_assert(last('I')->add_or_withdraw);
	ck_assert_mem_eq(last('I')->mac, mac[3], 6);
	/* and a new one again, then every route: the binding leaves with the last */
	evpn_rib_update(rib, ip("10.0.0.2"), true, &at2, &r[0], 1, NULL, 0, false);
	ck_assert_mem_eq(last('I')->mac, mac[0], 6);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &at2, NULL, 0, &r[3], 1, false);
	ck_assert_int_eq(count('I'), 7);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &at2, NULL, 0, &r[0], 1, false);
	ck_assert_int_eq(count('I'), 8);
	ck_assert(!last('I')->add_or_withdraw && last('I')->vtep == addr);
}
END_TEST

START_TEST(test_walk_local)
{
	int n[2] = { 0, 0 };

	evpn_rib_local_mac(rib, 1, MAC1, true, false);
	evpn_rib_walk_local(rib, noop_local, n);
	ck_assert_int_eq(n[0], 2);                     /* a type 3 per VNI */
	ck_assert_int_eq(n[1], 1);
}
END_TEST

/* ---- VNIs added and deleted while the RIB runs ---- */

/* leaf 10.0.0.2's routes for VNI 300 (eBGP, RT 65000:300): its type 3, and MAC2 behind it */
static const uint8_t MAC2[6] = { 2, 0, 0, 0, 0, 2 };

static void send_vni300(void)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 300, 65000, -1, false);
	struct evpn_route t3 = imet_route("10.0.0.2:3", "10.0.0.2"), t2 = mac_route("10.0.0.2:3", MAC2, 300);
	uint32_t ep = ip("10.0.0.2");

	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &t2, 1, NULL, 0, false);
	a.has_pmsi = true;
	a.pmsi_tunnel_type = 6;
	a.pmsi_label = 300;
	a.pmsi_endpoint_len = 4;
	memcpy(a.pmsi_endpoint, &ep, 4);
	evpn_rib_update(rib, ip("10.0.0.2"), true, &a, &t3, 1, NULL, 0, false);
}

/*
 * A VNI added while the RIB runs: our type 3 for it goes out at once, and the routes a peer
 * sent for it before it existed (kept, not imported) are imported now: its flood entry and MAC.
 */
START_TEST(test_vni_start_imports_earlier_routes)
{
	struct evpn_rib_stats st;
	int n[2] = { 0, 0 };

	send_vni300();
	ck_assert_int_eq(n_events, 0);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.not_imported, 2);
	ck_assert_int_eq(evpn_rib_add_vni(rib, 7, 300, NULL, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(n_events, 0);
	evpn_rib_vni_start(rib, 7);
	ck_assert_int_eq(n_events, 3);
	ck_assert_int_eq(events[0].kind, 'A');
	ck_assert_uint_eq(events[0].type, EVPN_RT_IMET);
	ck_assert_uint_eq(events[0].vni_idx, 7);
	ck_assert(!events[0].add_or_withdraw);
	ck_assert_ptr_nonnull(last('F'));
	ck_assert(last('F')->add_or_withdraw && last('F')->vni_idx == 7 && last('F')->vtep == ip("10.0.0.2"));
	ck_assert_ptr_nonnull(last('M'));
	ck_assert(last('M')->vni_idx == 7 && last('M')->vtep == ip("10.0.0.2"));
	ck_assert_mem_eq(last('M')->mac, MAC2, 6);
	evpn_rib_walk_local(rib, noop_local, n);
	ck_assert_int_eq(n[0], 3);                     /* a type 3 per VNI, 300's too */
	/* a second start imports nothing twice */
	n_events = 0;
	evpn_rib_vni_start(rib, 7);
	ck_assert_int_eq(n_events, 1);
	ck_assert_int_eq(events[0].kind, 'A');
}
END_TEST

/*
 * A VNI goes: our type 2 and type 3 withdrawn, the received routes imported into it taken out
 * of the dataplane (flood entry, MAC) but kept, so that the VNI added again imports them; the
 * other VNIs hear nothing; its index may serve another VNI, which imports none of them.
 */
START_TEST(test_del_vni_withdraws_and_unimports)
{
	struct bgp_attrs a100 = attrs("10.0.0.2", 65000, 100, 65000, -1, false);
	struct evpn_route r100 = mac_route("10.0.0.2:1", MAC1, 100);
	int n[2] = { 0, 0 };

	evpn_rib_update(rib, ip("10.0.0.2"), true, &a100, &r100, 1, NULL, 0, false);
	ck_assert_int_eq(evpn_rib_add_vni(rib, 7, 300, NULL, NULL, 0, NULL, 0), 0);
	evpn_rib_vni_start(rib, 7);
	send_vni300();
	evpn_rib_local_mac(rib, 7, MAC1, true, false);
	ck_assert_uint_eq(last('A')->type, EVPN_RT_MAC_IP);
	n_events = 0;

	ck_assert_int_eq(evpn_rib_del_vni(rib, 7), 0);
	for (int i = 0; i < n_events; i++)
		ck_assert_uint_eq(events[i].vni_idx, 7);  /* VNI 100 (index 0) untouched */
	ck_assert_int_eq(count('A'), 2);
	ck_assert(events[0].kind == 'A' && events[0].type == EVPN_RT_MAC_IP && events[0].add_or_withdraw);
	ck_assert_mem_eq(events[0].mac, MAC1, 6);
	ck_assert(events[1].kind == 'A' && events[1].type == EVPN_RT_IMET && events[1].add_or_withdraw);
	ck_assert_int_eq(count('F'), 1);
	ck_assert(!last('F')->add_or_withdraw && last('F')->vtep == ip("10.0.0.2"));
	ck_assert_int_eq(count('M'), 1);
	ck_assert_uint_eq(last('M')->vtep, 0);
	ck_assert_mem_eq(last('M')->mac, MAC2, 6);
	evpn_rib_walk_local(rib, noop_local, n);
	ck_assert_int_eq(n[0], 2);
	ck_assert_int_eq(n[1], 0);
	ck_assert_int_eq(evpn_rib_del_vni(rib, 7), ENOENT);
	n_events = 0;
	evpn_rib_local_mac(rib, 7, MAC1, true, false);       /* nothing is there any more */
	ck_assert_int_eq(n_events, 0);

	/* index 7 for VNI 400: the routes of VNI 300 stay out */
	ck_assert_int_eq(evpn_rib_add_vni(rib, 7, 400, NULL, NULL, 0, NULL, 0), 0);
	evpn_rib_vni_start(rib, 7);
	ck_assert_int_eq(n_events, 1);
	ck_assert_uint_eq(events[0].type, EVPN_RT_IMET);
	ck_assert_int_eq(evpn_rib_del_vni(rib, 7), 0);
	/* VNI 300 again: its routes come back */
	n_events = 0;
	ck_assert_int_eq(evpn_rib_add_vni(rib, 9, 300, NULL, NULL, 0, NULL, 0), 0);
	evpn_rib_vni_start(rib, 9);
	ck_assert_int_eq(count('F'), 1);
	ck_assert_int_eq(count('M'), 1);
	ck_assert_uint_eq(last('M')->vni_idx, 9);
}
END_TEST

/* ---- IP-VRFs ---- */

#define L3VNI 900001
static const uint8_t RMAC_A[6] = { 0, 0, 0x22, 0x22, 0x33, 0x33 };
static const uint8_t RMAC_B[6] = { 2, 0, 0, 0, 0xbb, 0xbb };

/* VRF L3VNI importing 65000:L3VNI (auto_rt: any AS's RT with the L3 VNI as its value). */
static void set_vrf(bool auto_rt)
{
	struct evpn_rib_vrf v = { .l3vni = L3VNI, .auto_rt = auto_rt };

	if (!auto_rt) {
		v.import[0] = evpn_ec_rt_as2(65000, L3VNI);
		v.n_import = 1;
	}
	ck_assert_int_eq(evpn_rib_set_vrfs(rib, &v, 1), 0);
}

/* iBGP attributes: next hop nh, RT 65000:L3VNI (and ASN:l2vni when not 0), router's MAC rmac (NULL: none). */
static struct bgp_attrs l3_attrs(const char *nh, uint32_t l2vni, const uint8_t *rmac, int seq)
{
	struct bgp_attrs a = attrs(nh, 65000, L3VNI, 0, seq, false);

	if (l2vni)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(ASN, l2vni);
	if (rmac)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac(rmac);
	return a;
}

static struct evpn_route t5_route(const char *rd, const char *pfx, uint8_t plen)
{
	struct evpn_route r;
	uint8_t rdb[8], a[16];
	bool v6 = strchr(pfx, ':') != NULL;

	ck_assert_int_eq(evpn_rd_parse(rd, rdb), 0);
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, pfx, a), 1);
	evpn_route_prefix(&r, rdb, v6 ? 128 : 32, a, plen, L3VNI);
	return r;
}

/* MAC+IPv4 route with labels 100 / L3VNI */
static struct evpn_route host_route(const char *rd, const uint8_t mac[6], const char *addr)
{
	struct evpn_route r = mac_route(rd, mac, 100);
	uint32_t a = ip(addr);

	r.ip_len = 32;
	memcpy(r.ip, &a, 4);
	r.label2 = L3VNI;
	r.has_label2 = true;
	return r;
}

static void assert_l3(const struct event *e, const char *pfx, uint8_t plen, const char *vtep, const uint8_t *rmac,
		      uint8_t source)
{
	uint8_t a[16] = { 0 };
	bool v6 = strchr(pfx, ':') != NULL;

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, 'L');
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, pfx, a), 1);
	ck_assert_uint_eq(e->l3.l3vni, L3VNI);
	ck_assert_uint_eq(e->l3.ip_len, v6 ? 128 : 32);
	ck_assert_uint_eq(e->l3.prefix_len, plen);
	ck_assert_mem_eq(e->l3.prefix, a, 16);
	ck_assert_uint_eq(e->l3.vtep_ip, vtep ? ip(vtep) : 0);
	if (vtep) {
		ck_assert_mem_eq(e->l3.rmac, rmac, 6);
		ck_assert_uint_eq(e->l3.vni, L3VNI);
		ck_assert_uint_eq(e->l3.source, source);
	}
}

START_TEST(test_t5_imported_by_rt_and_withdrawn)
{
	struct bgp_attrs a = l3_attrs("10.0.0.2", 0, RMAC_A, -1);
	struct evpn_route r = t5_route("10.0.0.2:3", "10.1.0.0", 16);
	struct evpn_rib_l3 got;
	struct evpn_rib_stats st;

	set_vrf(false);
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 1);
	assert_l3(&events[0], "10.1.0.0", 16, "10.0.0.2", RMAC_A, EVPN_RT_IP_PREFIX);
	ck_assert(evpn_rib_l3_lookup(rib, L3VNI, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16, &got));
	ck_assert_uint_eq(got.vtep_ip, ip("10.0.0.2"));
	ck_assert(!evpn_rib_l3_lookup(rib, L3VNI, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 17, &got));
	ck_assert(!evpn_rib_l3_lookup(rib, 5, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16, &got));
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.l3_prefixes, 1);
	ck_assert_uint_eq(st.not_imported, 0); /* a type 5 is not a layer-2 VNI's */
	/* the same again: nothing changes, nothing is said */
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 1);
	/* a new router MAC is news */
	a = l3_attrs("10.0.0.2", 0, RMAC_B, -1);
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 2);
	assert_l3(&events[1], "10.1.0.0", 16, "10.0.0.2", RMAC_B, EVPN_RT_IP_PREFIX);
	/* the withdrawal matches on RD + prefix, label zeroed */
	r.label1 = 0;
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, NULL, 0, &r, 1, false);
	ck_assert_int_eq(n_events, 3);
	assert_l3(&events[2], "10.1.0.0", 16, NULL, NULL, 0);
	ck_assert(!evpn_rib_l3_lookup(rib, L3VNI, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16, &got));
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.l3_prefixes, 0);
	ck_assert_uint_eq(st.routes, 0);
}
END_TEST

/* Before a batch of an UPDATE is taken, the RIB names what it may touch: MACs with their VNI, VRF prefixes */
START_TEST(test_prefetch_names_the_batch)
{
	struct bgp_attrs a = l3_attrs("10.0.0.2", 100, RMAC_A, -1), other = attrs("10.0.0.2", 65000, 123, 0, -1, false);
	struct evpn_route r[3] = { host_route("10.0.0.2:32768", MAC1, "192.168.1.5"),
				   t5_route("10.0.0.2:3", "10.1.0.0", 16), mac_route("10.0.0.2:32768", MAC1, 100) };
	uint32_t a4 = ip("192.168.1.5");

	set_vrf(false);
	r[2].mac[5] = 9;
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, r, 3, NULL, 0, false);
	ck_assert_uint_eq(n_prefetch_calls, 1);
	ck_assert_uint_eq(ahead_l3vni, L3VNI);
	ck_assert_uint_eq(n_ahead, 3);
	/* the MAC+IP route: its MAC in VNI index 0, its address, and its host prefix in the VRF */
	ck_assert_uint_eq(ahead[0].vni_idx, 0);
	ck_assert_mem_eq(ahead[0].mac, MAC1, 6);
	ck_assert_uint_eq(ahead[0].ip_len, 32);
	ck_assert_mem_eq(ahead[0].ip, &a4, 4);
	ck_assert(ahead[0].l3);
	ck_assert_uint_eq(ahead[0].prefix_len, 32);
	/* the type 5: a VRF prefix only */
	ck_assert_uint_eq(ahead[1].vni_idx, UINT16_MAX);
	ck_assert(ahead[1].l3);
	ck_assert_uint_eq(ahead[1].prefix_len, 16);
	ck_assert_mem_eq(ahead[1].ip, ((const uint8_t[]){ 10, 1, 0, 0 }), 4);
	/* the MAC route: a MAC only */
	ck_assert_uint_eq(ahead[2].vni_idx, 0);
	ck_assert_uint_eq(ahead[2].mac[5], 9);
	ck_assert(!ahead[2].l3);
	/* routes imported nowhere name nothing: no call */
	r[0].mac[5] = 7;
	r[1] = t5_route("10.0.0.2:3", "10.2.0.0", 16);
	evpn_rib_update(rib, ip("10.0.0.2"), false, &other, r, 2, NULL, 0, false);
	ck_assert_uint_eq(n_prefetch_calls, 1);
	/* more than a batch: one call per batch of at most 32 */
	{
		struct evpn_route many[40];

		for (int i = 0; i < 40; i++) {
			many[i] = mac_route("10.0.0.2:32768", MAC1, 100);
			many[i].mac[4] = (uint8_t)i;
		}
		evpn_rib_update(rib, ip("10.0.0.2"), false, &a, many, 40, NULL, 0, false);
		ck_assert_uint_eq(n_prefetch_calls, 3);
		ck_assert_uint_eq(n_ahead, 8);
		ck_assert_uint_eq(ahead[7].mac[4], 39);
	}
}
END_TEST

START_TEST(test_t5_not_imported)
{
	struct bgp_attrs a = attrs("10.0.0.2", 65000, 123, 0, -1, false);
	struct evpn_route r = t5_route("10.0.0.2:3", "10.1.0.0", 16);
	struct evpn_rib_stats st;

	set_vrf(false);
	/* another RT */
	a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac(RMAC_A);
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 0);
	/* no router's MAC: nothing to put in the inner header */
	a = l3_attrs("10.0.0.2", 0, NULL, -1);
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 0);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.l3_no_rmac, 1);
	/* label 0 (an overlay index we do not resolve) */
	a = l3_attrs("10.0.0.2", 0, RMAC_A, -1);
	r.label1 = 0;
	r.gw_ip[0] = 10;
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 0);
	/* the route is kept all the same (show commands), and becomes usable with a label */
	r.label1 = L3VNI;
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 1);
	assert_l3(&events[0], "10.1.0.0", 16, "10.0.0.2", RMAC_A, EVPN_RT_IP_PREFIX);
}
END_TEST

/* Two leaves announce one prefix under their own RDs: one best, the other takes over. */
START_TEST(test_t5_best_across_leaves)
{
	struct bgp_attrs a2 = l3_attrs("10.0.0.2", 0, RMAC_A, -1), a3 = l3_attrs("10.0.0.3", 0, RMAC_B, -1);
	struct evpn_route r2 = t5_route("10.0.0.2:3", "2001:db8:1::", 48);
	struct evpn_route r3 = t5_route("10.0.0.3:3", "2001:db8:1::", 48);

	set_vrf(false);
	evpn_rib_update(rib, ip("10.0.0.3"), false, &a3, &r3, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 1);
	assert_l3(&events[0], "2001:db8:1::", 48, "10.0.0.3", RMAC_B, EVPN_RT_IP_PREFIX);
	/* the lower VTEP wins the tie */
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a2, &r2, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 2);
	assert_l3(&events[1], "2001:db8:1::", 48, "10.0.0.2", RMAC_A, EVPN_RT_IP_PREFIX);
	/* higher LOCAL_PREF beats it */
	a3.has_local_pref = true;
	a3.local_pref = 200;
	evpn_rib_update(rib, ip("10.0.0.3"), false, &a3, &r3, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 3);
	assert_l3(&events[2], "2001:db8:1::", 48, "10.0.0.3", RMAC_B, EVPN_RT_IP_PREFIX);
	/* its leaf goes down: back to the other, never a gap */
	evpn_rib_peer_down(rib, ip("10.0.0.3"), false);
	ck_assert_int_eq(n_events, 4);
	assert_l3(&events[3], "2001:db8:1::", 48, "10.0.0.2", RMAC_A, EVPN_RT_IP_PREFIX);
	evpn_rib_peer_down(rib, ip("10.0.0.2"), false);
	ck_assert_int_eq(n_events, 5);
	assert_l3(&events[4], "2001:db8:1::", 48, NULL, NULL, 0);
}
END_TEST

/* MAC+IP with two labels and RMAC: the MAC in its VNI and a /32 in the VRF; it beats a type-5 /32. */
START_TEST(test_host_route_from_type2)
{
	struct bgp_attrs ah = l3_attrs("10.0.0.3", 100, RMAC_B, -1), a5 = l3_attrs("10.0.0.2", 0, RMAC_A, -1);
	struct evpn_route h = host_route("10.0.0.3:1", MAC1, "192.168.1.10");
	struct evpn_route p = t5_route("10.0.0.2:3", "192.168.1.10", 32);

	set_vrf(false);
	evpn_rib_update(rib, ip("10.0.0.3"), false, &ah, &h, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 1);
	ck_assert_int_eq(count('L'), 1);
	assert_l3(last('L'), "192.168.1.10", 32, "10.0.0.3", RMAC_B, EVPN_RT_MAC_IP);
	/* a type-5 /32 from a lower VTEP: the host route stays best */
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a5, &p, 1, NULL, 0, false);
	ck_assert_int_eq(count('L'), 1);
	/* the host route goes: the type 5 takes over */
	h.label1 = h.label2 = 0;
	evpn_rib_update(rib, ip("10.0.0.3"), false, &ah, NULL, 0, &h, 1, false);
	ck_assert_int_eq(count('L'), 2);
	assert_l3(last('L'), "192.168.1.10", 32, "10.0.0.2", RMAC_A, EVPN_RT_IP_PREFIX);
}
END_TEST

START_TEST(test_host_route_needs_l3_parts)
{
	struct bgp_attrs ah = l3_attrs("10.0.0.3", 100, RMAC_B, -1);
	struct evpn_route h = host_route("10.0.0.3:1", MAC1, "192.168.1.10");

	set_vrf(false);
	/* one label: asymmetric IRB, not a route of the VRF */
	h.has_label2 = false;
	h.label2 = 0;
	evpn_rib_update(rib, ip("10.0.0.3"), false, &ah, &h, 1, NULL, 0, false);
	ck_assert_int_eq(count('M'), 1);
	ck_assert_int_eq(count('L'), 0);
	/* MAC only: nothing to route to */
	h = mac_route("10.0.0.3:1", MAC1, 100);
	h.label2 = L3VNI;
	h.has_label2 = true;
	evpn_rib_update(rib, ip("10.0.0.3"), false, &ah, &h, 1, NULL, 0, false);
	ck_assert_int_eq(count('L'), 0);
	/* two labels but no L3 RT */
	ah = attrs("10.0.0.3", ASN, 100, 0, -1, false);
	ah.ext_comm[ah.n_ext_comm++] = evpn_ec_router_mac(RMAC_B);
	h = host_route("10.0.0.3:1", MAC1, "192.168.1.10");
	evpn_rib_update(rib, ip("10.0.0.3"), false, &ah, &h, 1, NULL, 0, false);
	ck_assert_int_eq(count('L'), 0);
	/* all of it */
	ah = l3_attrs("10.0.0.3", 100, RMAC_B, -1);
	evpn_rib_update(rib, ip("10.0.0.3"), false, &ah, &h, 1, NULL, 0, false);
	ck_assert_int_eq(count('L'), 1);
}
END_TEST

/* A host moves between leaves: the higher MAC mobility sequence moves its host route too. */
START_TEST(test_host_route_moves_with_mac)
{
	struct bgp_attrs a2 = l3_attrs("10.0.0.2", 100, RMAC_A, -1), a3 = l3_attrs("10.0.0.3", 100, RMAC_B, 1);
	struct evpn_route h2 = host_route("10.0.0.2:1", MAC1, "192.168.1.10");
	struct evpn_route h3 = host_route("10.0.0.3:1", MAC1, "192.168.1.10");

	set_vrf(false);
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a2, &h2, 1, NULL, 0, false);
	assert_l3(last('L'), "192.168.1.10", 32, "10.0.0.2", RMAC_A, EVPN_RT_MAC_IP);
	evpn_rib_update(rib, ip("10.0.0.3"), false, &a3, &h3, 1, NULL, 0, false);
	ck_assert_int_eq(count('L'), 2);
	assert_l3(last('L'), "192.168.1.10", 32, "10.0.0.3", RMAC_B, EVPN_RT_MAC_IP);
	/* the old leaf's withdrawal comes later and changes nothing */
	h2.label1 = h2.label2 = 0;
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a2, NULL, 0, &h2, 1, false);
	ck_assert_int_eq(count('L'), 2);
	ck_assert_uint_eq(last('M')->vtep, ip("10.0.0.3"));
}
END_TEST

/* VRFs configured after the routes came, changed, removed; auto RTs; bad lists. */
/*
 * Many MAC+IP host routes and type-5 prefixes through the tables' hash: announced in UPDATEs
 * of several batches, half withdrawn (the withdrawals' IP bytes past ip_len are junk: they are
 * no part of the key), re-announced from another leaf, each (VRF, prefix), MAC and address
 * found exactly; the routes' hashes spread over 1024 buckets like random ones, though the
 * keys differ in a few bits only.
 */
START_TEST(test_many_host_routes)
{
	enum { N = 20000, B = 100 };
	struct bgp_attrs a = l3_attrs("10.0.0.3", 100, RMAC_B, -1), a2 = l3_attrs("10.0.0.4", 100, RMAC_A, 7);
	static struct evpn_route rs[N], ts[N / 4];
	static uint16_t bucket[1024];
	struct evpn_rib_stats st;
	struct evpn_rib_l3 out;
	struct evpn_rib_mac_info mi;
	uint16_t worst = 0;

	set_vrf(false);
	for (uint32_t i = 0; i < N; i++) {
		uint8_t mac[6] = { 2, 1, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		uint32_t addr = htonl(0x0a000000u | i);

		rs[i] = host_route("10.0.0.3:1", mac, "10.0.0.0");
		memcpy(rs[i].ip, &addr, 4);
		if (i < N / 4) {
			uint32_t p = htonl(0x14000000u | i << 8);

			ts[i] = t5_route("10.0.0.3:3", "20.0.0.0", 24);
			memcpy(ts[i].ip, &p, 4);
		}
		bucket[evpn_rib_route_hash(rib, &rs[i]) & 1023]++;
	}
	for (int i = 0; i < 1024; i++)
		worst = bucket[i] > worst ? bucket[i] : worst;
	ck_assert_uint_le(worst, 60);   /* about 20 in each; a hash blind to the low bytes piles them up */
	for (uint32_t i = 0; i < N; i += B) {
		n_events = n_overflow = 0;
		evpn_rib_update(rib, ip("10.0.0.3"), false, &a, &rs[i], B, NULL, 0, false);
		ck_assert_int_eq(n_events + n_overflow, 3 * B);   /* a MAC, an address, a host route each */
	}
	evpn_rib_update(rib, ip("10.0.0.3"), false, &a, ts, N / 4, NULL, 0, false);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.routes, N + N / 4);
	ck_assert_uint_eq(st.macs, N);
	ck_assert_uint_eq(st.l3_prefixes, N + N / 4);
	/* every other host route and type 5 withdrawn, with junk past the address */
	for (uint32_t i = 0; i < N; i += 2) {
		struct evpn_route w = rs[i];

		memset(w.ip + 4, 0xa5, 12);
		w.label1 = w.label2 = 0;
		evpn_rib_update(rib, ip("10.0.0.3"), false, &a, NULL, 0, &w, 1, false);
		if (i < N / 4)
			evpn_rib_update(rib, ip("10.0.0.3"), false, &a, NULL, 0, &ts[i], 1, false);
	}
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.routes, N / 2 + N / 8);
	ck_assert_uint_eq(st.l3_prefixes, N / 2 + N / 8);
	ck_assert_uint_eq(st.macs, N / 2);
	for (uint32_t i = 0; i < N; i++) {
		bool gone = i % 2 == 0;

		ck_assert_msg(evpn_rib_l3_lookup(rib, L3VNI, 32, rs[i].ip, 32, &out) != gone, "host route %u", i);
		if (!gone)
			ck_assert_uint_eq(out.vtep_ip, ip("10.0.0.3"));
		evpn_rib_mac_info(rib, 0, rs[i].mac, &mi);
		ck_assert_msg(mi.remote != gone, "MAC %u", i);
		if (i < N / 4)
			ck_assert(evpn_rib_l3_lookup(rib, L3VNI, 32, ts[i].ip, 24, NULL) != gone);
	}
	/* the withdrawn ones come back from another leaf (another RD), the others move there too */
	for (uint32_t i = 0; i < N; i++)
		ck_assert_int_eq(evpn_rd_parse("10.0.0.4:1", rs[i].rd), 0);
	for (uint32_t i = 0; i < N; i += B)
		evpn_rib_update(rib, ip("10.0.0.4"), false, &a2, &rs[i], B, NULL, 0, false);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.routes, N + N / 2 + N / 8);
	ck_assert_uint_eq(st.l3_prefixes, N + N / 8);
	ck_assert_uint_eq(st.macs, N);
	for (uint32_t i = 0; i < N; i++) {
		ck_assert(evpn_rib_l3_lookup(rib, L3VNI, 32, rs[i].ip, 32, &out));
		ck_assert_msg(out.vtep_ip == ip("10.0.0.4"), "host route %u", i);   /* sequence 7 wins */
		ck_assert_mem_eq(out.rmac, RMAC_A, 6);
		evpn_rib_mac_info(rib, 0, rs[i].mac, &mi);
		ck_assert_uint_eq(mi.remote_vtep, ip("10.0.0.4"));
	}
	evpn_rib_peer_down(rib, ip("10.0.0.3"), false);
	evpn_rib_peer_down(rib, ip("10.0.0.4"), false);
	evpn_rib_get_stats(rib, &st);
	ck_assert_uint_eq(st.routes, 0);
	ck_assert_uint_eq(st.l3_prefixes, 0);
	ck_assert_uint_eq(st.macs, 0);
}
END_TEST

START_TEST(test_set_vrfs)
{
	struct bgp_attrs a = l3_attrs("10.0.0.2", 0, RMAC_A, -1);
	struct evpn_route r = t5_route("10.0.0.2:3", "10.1.0.0", 16);
	struct evpn_rib_vrf bad[2] = { { .l3vni = 7 }, { .l3vni = 7 } };

	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 0);
	set_vrf(false);
	ck_assert_int_eq(n_events, 1);
	assert_l3(&events[0], "10.1.0.0", 16, "10.0.0.2", RMAC_A, EVPN_RT_IP_PREFIX);
	ck_assert_int_eq(evpn_rib_set_vrfs(rib, NULL, 0), 0);
	ck_assert_int_eq(n_events, 2);
	assert_l3(&events[1], "10.1.0.0", 16, NULL, NULL, 0);
	/* auto: any AS's RT with the L3 VNI as its value */
	a.ext_comm[0] = evpn_ec_rt_as2(65099, L3VNI);
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	ck_assert_int_eq(n_events, 2);
	set_vrf(true);
	ck_assert_int_eq(n_events, 3);
	assert_l3(&events[2], "10.1.0.0", 16, "10.0.0.2", RMAC_A, EVPN_RT_IP_PREFIX);
	set_vrf(false); /* explicit 65000:L3VNI does not take 65099:L3VNI */
	ck_assert_int_eq(n_events, 4);
	assert_l3(&events[3], "10.1.0.0", 16, NULL, NULL, 0);
	ck_assert_int_eq(evpn_rib_set_vrfs(rib, bad, 2), EINVAL);
	bad[1].l3vni = 0;
	ck_assert_int_eq(evpn_rib_set_vrfs(rib, bad, 2), EINVAL);
	bad[1].l3vni = 1u << 24;
	ck_assert_int_eq(evpn_rib_set_vrfs(rib, bad, 2), EINVAL);
	bad[1].l3vni = 8;
	ck_assert_int_eq(evpn_rib_set_vrfs(rib, bad, 2), 0);
}
END_TEST

struct l3_walk {
	int n;
	struct evpn_rib_l3 last;
};

static void l3_walk_cb(const struct evpn_rib_l3 *r, void *arg)
{
	struct l3_walk *w = arg;

	w->n++;
	w->last = *r;
}

static void path_walk_cb(const struct evpn_rib_path_info *p, void *arg)
{
	struct evpn_rib_path_info *out = arg;

	*out = *p;
}

START_TEST(test_l3_walks)
{
	struct bgp_attrs a = l3_attrs("10.0.0.2", 0, RMAC_A, -1);
	struct evpn_route r = t5_route("10.0.0.2:3", "10.1.0.0", 16);
	struct l3_walk w = { 0 };
	struct evpn_rib_path_info pi;

	set_vrf(false);
	evpn_rib_update(rib, ip("10.0.0.2"), false, &a, &r, 1, NULL, 0, false);
	evpn_rib_walk_l3(rib, l3_walk_cb, &w);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.last.vtep_ip, ip("10.0.0.2"));
	ck_assert_uint_eq(w.last.peer, ip("10.0.0.2"));
	memset(&pi, 0, sizeof(pi));
	evpn_rib_walk(rib, path_walk_cb, &pi);
	ck_assert_uint_eq(pi.route->type, EVPN_RT_IP_PREFIX);
	ck_assert_mem_eq(pi.rmac, RMAC_A, 6);
	ck_assert_uint_eq(pi.l3vni, L3VNI);
	ck_assert_uint_eq(pi.vni_idx, UINT16_MAX);
}
END_TEST

/* ---- our L3 routes on the wire (evpn_adv.c) ---- */

static const uint8_t OUR_RMAC[6] = { 0, 0, 0x22, 0x22, 0x33, 0x33 };

static struct evpn_adv_vrf our_vrf(void)
{
	struct evpn_adv_vrf v = { .l3vni = L3VNI, .n_export = 1 };

	ck_assert_int_eq(evpn_rd_parse("10.0.0.1:3", v.rd), 0);
	memcpy(v.rmac, OUR_RMAC, 6);
	v.export_rt[0] = evpn_ec_rt_as2(ASN, L3VNI);
	return v;
}

/* Decode our UPDATE back; the NLRI bytes must be exactly nlri_hex. */
static void check_our_update(const uint8_t *m, size_t n, const char *nlri_hex, struct bgp_update *u,
			     struct evpn_route *reach, struct evpn_route *unreach)
{
	uint8_t want[128];
	size_t wn = 0;
	struct bgp_error err;
	uint16_t mlen;
	uint8_t type;
	bool found = false;

	for (const char *s = nlri_hex; *s;) {
		unsigned v;

		if (*s == ' ') {
			s++;
			continue;
		}
		ck_assert_int_eq(sscanf(s, "%2x", &v), 1);
		want[wn++] = (uint8_t)v;
		s += 2;
	}
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(bgp_header_parse(m, n, BGP_MAX_MSG, &mlen, &type, &err), 0);
	ck_assert_uint_eq(mlen, n);
	ck_assert_int_eq(bgp_update_decode(m + BGP_HDR_LEN, n - BGP_HDR_LEN, true, u, reach, 4, unreach, 4, &err), 0);
	ck_assert_uint_eq(u->attrs.action, BGP_ATTR_OK);
	for (size_t i = 0; i + wn <= n && !found; i++)
		found = !memcmp(m + i, want, wn);
	ck_assert_msg(found, "the NLRI is not in the message");
}

START_TEST(test_adv_prefix)
{
	struct evpn_adv ad;
	struct evpn_adv_vrf v = our_vrf();
	struct evpn_adv_peer ibgp = { .ibgp = true, .as4 = true }, ebgp = { .as4 = true, .max_msg = BGP_MAX_MSG };
	struct bgp_update u;
	struct evpn_route reach[4], unreach[4];
	uint8_t m[BGP_MAX_MSG], got[6];
	size_t n;
	bool rmac = false;

	evpn_adv_init(&ad, NULL, rib, ASN, ip("10.0.0.1"), true);
	n = evpn_adv_encode_prefix(&ad, &ibgp, m, sizeof(m), &v, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16, false);
	check_our_update(m, n, "05 22 00010a0000010003 00000000000000000000 00000000 10 0a010000 00000000 0dbba1", &u,
			 reach, unreach);
	ck_assert_uint_eq(u.n_reach, 1);
	ck_assert_uint_eq(reach[0].prefix_len, 16);
	ck_assert(u.attrs.has_local_pref);
	ck_assert_uint_eq(u.attrs.local_pref, 100);
	ck_assert_uint_eq(u.attrs.as_path_len, 0);
	ck_assert_uint_eq(u.attrs.mp_nh_len, 4);
	ck_assert_mem_eq(u.attrs.mp_nh, ((const uint8_t[]){ 10, 0, 0, 1 }), 4);
	ck_assert_uint_eq(u.attrs.n_ext_comm, 3);
	ck_assert_uint_eq(u.attrs.ext_comm[0], evpn_ec_rt_as2(ASN, L3VNI));
	ck_assert_uint_eq(u.attrs.ext_comm[1], evpn_ec_encap_vxlan());
	for (uint32_t i = 0; i < u.attrs.n_ext_comm; i++)
		if (evpn_ec_get_router_mac(u.attrs.ext_comm[i], got))
			rmac = true;
	ck_assert(rmac);
	ck_assert_mem_eq(got, OUR_RMAC, 6);
	ck_assert(!u.attrs.has_pmsi);
	/* eBGP: our AS in the path, no LOCAL_PREF; IPv6 /64 with host bits given is sent clean */
	n = evpn_adv_encode_prefix(&ad, &ebgp, m, sizeof(m), &v, 128,
				   (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0xff, 0xff }, 64, false);
	check_our_update(m, n,
			 "05 3a 00010a0000010003 00000000000000000000 00000000 40 20010db8000100020000000000000000 "
			 "00000000000000000000000000000000 0dbba1",
			 &u, reach, unreach);
	ck_assert(!u.attrs.has_local_pref);
	ck_assert_uint_eq(u.attrs.as_path_len, 1);
	ck_assert_uint_eq(u.attrs.as_path[0], ASN);
	/* withdrawal: MP_UNREACH only, label zeroed */
	n = evpn_adv_encode_prefix(&ad, &ibgp, m, sizeof(m), &v, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16, true);
	check_our_update(m, n, "05 22 00010a0000010003 00000000000000000000 00000000 10 0a010000 00000000 000000", &u,
			 reach, unreach);
	ck_assert_uint_eq(u.n_reach, 0);
	ck_assert_uint_eq(u.n_unreach, 1);
	ck_assert_uint_eq(u.attrs.n_ext_comm, 0);
	/* not valid, or not fitting */
	ck_assert_uint_eq(evpn_adv_encode_prefix(&ad, &ibgp, m, sizeof(m), &v, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 33,
						 false),
			  0);
	ck_assert_uint_eq(evpn_adv_encode_prefix(&ad, &ibgp, m, sizeof(m), &v, 24, (const uint8_t[]){ 10, 1, 0, 0 }, 16,
						 false),
			  0);
	ck_assert_uint_eq(evpn_adv_encode_prefix(&ad, &ibgp, m, 60, &v, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16, false),
			  0);
	v.l3vni = 0;
	ck_assert_uint_eq(evpn_adv_encode_prefix(&ad, &ibgp, m, sizeof(m), &v, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16,
						 false),
			  0);
}
END_TEST

START_TEST(test_adv_macip_two_labels)
{
	struct evpn_adv ad;
	struct evpn_adv_vrf v = our_vrf();
	struct evpn_adv_peer ibgp = { .ibgp = true, .as4 = true, .local_pref = 300 };
	struct evpn_route r = mac_route("10.0.0.1:1", MAC1, 100), reach[4], unreach[4];
	struct bgp_update u;
	uint8_t m[BGP_MAX_MSG];
	uint32_t a = ip("192.168.1.10"), seq = 0;
	bool sticky = false;
	size_t n;

	evpn_adv_init(&ad, NULL, rib, ASN, ip("10.0.0.1"), true);
	r.ip_len = 32;
	memcpy(r.ip, &a, 4);
	n = evpn_adv_encode_macip_l3(&ad, &ibgp, m, sizeof(m), &v, &r, 0, 3, false, false);
	check_our_update(m, n,
			 "02 28 00010a0000010001 00000000000000000000 00000000 30 020000000001 20 c0a8010a 000064 0dbba1",
			 &u, reach, unreach);
	ck_assert_uint_eq(u.n_reach, 1);
	ck_assert(reach[0].has_label2);
	ck_assert_uint_eq(reach[0].label1, 100);
	ck_assert_uint_eq(reach[0].label2, L3VNI);
	ck_assert_uint_eq(u.attrs.local_pref, 300);
	/* both RTs (the L2 VNI's auto one first), VXLAN, router's MAC, MAC mobility */
	ck_assert_uint_eq(u.attrs.n_ext_comm, 5);
	ck_assert_uint_eq(u.attrs.ext_comm[0], evpn_ec_rt_as2(ASN, 100));
	ck_assert_uint_eq(u.attrs.ext_comm[1], evpn_ec_rt_as2(ASN, L3VNI));
	ck_assert_uint_eq(u.attrs.ext_comm[2], evpn_ec_encap_vxlan());
	ck_assert_uint_eq(u.attrs.ext_comm[3], evpn_ec_router_mac(OUR_RMAC));
	ck_assert(evpn_ec_get_mac_mobility(u.attrs.ext_comm[4], &seq, &sticky));
	ck_assert_uint_eq(seq, 3);
	/* the route the RIB then makes of it: a host route in the VRF of a peer importing 65001:L3VNI */
	{
		struct evpn_rib_vrf rv = { .l3vni = L3VNI, .n_import = 1, .import = { evpn_ec_rt_as2(ASN, L3VNI) } };
		struct evpn_rib_config c = { .asn = 65002, .vtep_ip = ip("10.0.0.2"), .local_pref = 100 };
		struct evpn_rib *peer = evpn_rib_new(&c, &ops, NULL);

		ck_assert_ptr_nonnull(peer);
		ck_assert_int_eq(evpn_rib_set_vrfs(peer, &rv, 1), 0);
		n_events = 0;
		evpn_rib_update(peer, ip("10.0.0.1"), false, &u.attrs, reach, 1, NULL, 0, false);
		ck_assert_int_eq(count('L'), 1);
		ck_assert_uint_eq(last('L')->l3.vtep_ip, ip("10.0.0.1"));
		ck_assert_mem_eq(last('L')->l3.rmac, OUR_RMAC, 6);
		ck_assert_uint_eq(last('L')->l3.prefix_len, 32);
		evpn_rib_free(peer);
	}
	/* withdrawal */
	n = evpn_adv_encode_macip_l3(&ad, &ibgp, m, sizeof(m), &v, &r, 0, 3, false, true);
	check_our_update(m, n,
			 "02 28 00010a0000010001 00000000000000000000 00000000 30 020000000001 20 c0a8010a 000000 000000",
			 &u, reach, unreach);
	ck_assert_uint_eq(u.n_unreach, 1);
	/* a MAC-only route has no host route to carry */
	r.ip_len = 0;
	ck_assert_uint_eq(evpn_adv_encode_macip_l3(&ad, &ibgp, m, sizeof(m), &v, &r, 0, 0, false, false), 0);
}
END_TEST

/*
 * The tables' memory: zeroed and writable whichever pages it got, and a huge page only while
 * the pool keeps DPDK's reserve (checked just before, so racing processes aside).
 */
START_TEST(test_hugemem_map)
{
	size_t small = 256u << 10, mapped = 0;
	bool room = hugemem_room(1);
	unsigned char *p = hugemem_map(HUGEMEM_PAGE, small, &mapped);

	ck_assert_ptr_nonnull(p);
	ck_assert_msg(mapped == HUGEMEM_PAGE || mapped == small, "mapped %zu bytes", mapped);
	if (!room)
		ck_assert_uint_eq(mapped, small);
	for (size_t i = 0; i < mapped; i += 4096)
		ck_assert_uint_eq(p[i], 0);
	p[mapped - 1] = 1;
	hugemem_unmap(p, mapped);
	/* a request below one huge page still rounds up to one when it goes huge */
	p = hugemem_map(4096, 4096, &mapped);
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(mapped == HUGEMEM_PAGE || mapped == 4096, "mapped %zu bytes", mapped);
	hugemem_unmap(p, mapped);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("evpn_rib");
	TCase *tc = tcase_create("rib");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_auto_rd_l2_apart_from_vrfs);
	tcase_add_test(tc, test_import_auto_rt_any_as_from_ebgp);
	tcase_add_test(tc, test_import_needs_matching_rt_over_ibgp);
	tcase_add_test(tc, test_loops_and_own_routes_rejected);
	tcase_add_test(tc, test_flood_list_from_type3);
	tcase_add_test(tc, test_best_path_across_two_reflectors);
	tcase_add_test(tc, test_local_pref_best_path);
	tcase_add_test(tc, test_local_pref_between_vteps);
	tcase_add_test(tc, test_hash_keyed);
	tcase_add_test(tc, test_local_mac_advertised_and_withdrawn);
	tcase_add_test(tc, test_mobility_remote_to_local_bumps_sequence);
	tcase_add_test(tc, test_mobility_local_to_remote_higher_sequence_wins);
	tcase_add_test(tc, test_mobility_tie_lower_vtep_wins);
	tcase_add_test(tc, test_sticky_remote_never_moves);
	tcase_add_test(tc, test_duplicate_detection_freezes);
	tcase_add_test(tc, test_graceful_restart_keeps_stale_paths);
	tcase_add_test(tc, test_stale_path_loses_best);
	tcase_add_test(tc, test_treat_as_withdraw);
	tcase_add_test(tc, test_many_routes);
	tcase_add_test(tc, test_remote_ip_survives_older_route);
	tcase_add_test(tc, test_remote_ip_many_macs);
	tcase_add_test(tc, test_walk_local);
	tcase_add_test(tc, test_vni_start_imports_earlier_routes);
	tcase_add_test(tc, test_del_vni_withdraws_and_unimports);
	tcase_add_test(tc, test_big_update_and_shared_rt_lists);
	tcase_add_test(tc, test_stale_paths_per_peer);
	tcase_add_test(tc, test_t5_imported_by_rt_and_withdrawn);
	tcase_add_test(tc, test_prefetch_names_the_batch);
	tcase_add_test(tc, test_t5_not_imported);
	tcase_add_test(tc, test_t5_best_across_leaves);
	tcase_add_test(tc, test_host_route_from_type2);
	tcase_add_test(tc, test_host_route_needs_l3_parts);
	tcase_add_test(tc, test_host_route_moves_with_mac);
	tcase_add_test(tc, test_many_host_routes);
	tcase_add_test(tc, test_set_vrfs);
	tcase_add_test(tc, test_l3_walks);
	tcase_add_test(tc, test_adv_prefix);
	tcase_add_test(tc, test_adv_macip_two_labels);
	tcase_add_test(tc, test_hugemem_map);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
