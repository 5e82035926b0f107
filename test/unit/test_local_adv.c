/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_local_adv.c: a MAC learned locally is advertised in the tick that learns it. The path
 * under test is the daemon's own code from the learn ring on: control/switch/learning.c (the tick's
 * drain of the fast path's learn ring into the FDB; vtepd.c runs it every 5 ms), the EVPN
 * RIB (evpn_rib.c), our routes on the wire (evpn_adv.c) and the session layer (bgp_fsm.c),
 * over TCP on loopback to a second speaker B whose decoder checks what arrives. Only
 * fabric.c's two-line glue (fabric_local_mac/_ip, the switch's hooks: hand the event to
 * the RIB) is re-stated here, because fabric.c needs the whole daemon.
 *
 * The clock is the test's: speaker A's bgp_tick() is only ever called with the frozen time
 * T, and after the one learning tick nothing of A runs again, so whatever B receives A sent
 * from inside that tick: a MAC is advertised at most one tick (5 ms) after the fast path
 * saw it, inside the 10 ms goal. (perf/bench_learn_latency.sh measures it against FRR.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ring_elem.h>

#include "test_eal.h"
#include "test_loopback.h"
#include "bgp_fsm.h"
#include "evpn_adv.h"
#include "evpn_rib.h"
#include "fdb.h"
#include "switch.h"

#define AS_A 65001
#define AS_B 65002
#define WAIT_MS 5000
#define VNI 100

static struct vtepd d;                 /* what learning.c works on: FDB, learn ring, ports */
static struct evpn_rib *rib;
static struct evpn_adv adv;
static struct bgp *a, *b;
static uint16_t port;
static int b_updates, b_established;
static struct evpn_route b_routes[8], b_gone[8];
static struct bgp_update b_last;
static int b_n_routes, b_n_gone;

/* ---- the switch's hooks (fabric.c's glue), and the daemon functions this path never uses ---- */

static void hook_local_mac(struct vtepd *dd, uint16_t vni_idx, const uint8_t mac[6], bool present)
{
	(void)dd;
	evpn_rib_local_mac(rib, vni_idx, mac, present, false);
}

static void hook_local_ip(struct vtepd *dd, uint16_t vni_idx, const uint8_t mac[6], uint32_t ip)
{
	(void)dd;
	evpn_rib_local_ip(rib, vni_idx, mac, ip);
}

static void hook_local_ip6(struct vtepd *dd, uint16_t vni_idx, const uint8_t mac[6], const uint8_t ip6[16])
{
	(void)dd;
	evpn_rib_local_ip6(rib, vni_idx, mac, ip6);
}

static void hook_local_ip_del(struct vtepd *dd, uint16_t vni_idx, const uint8_t mac[6], uint8_t ip_len, const void *ip)
{
	(void)dd;
	evpn_rib_local_ip_del(rib, vni_idx, mac, ip_len, ip);
}

int vtepd_vtep_get(struct vtepd *dd, uint32_t ip, bool dynamic, uint16_t *id)
{
	(void)dd;
	(void)ip;
	(void)dynamic;
	(void)id;
	ck_abort_msg("a local MAC needs no remote VTEP");
	return ENOSPC;
}

uint16_t vtepd_vni_index(const struct vtepd *dd, uint32_t vni)
{
	(void)dd;
	(void)vni;
	ck_abort_msg("static MACs are not on this path");
	return 0;
}

int vtepd_port_find(const struct vtepd *dd, const char *name)
{
	(void)dd;
	(void)name;
	ck_abort_msg("static MACs are not on this path");
	return -1;
}

/* ---- the two speakers ---- */

static void a_advertise(void *ctx, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky,
			bool withdraw)
{
	(void)ctx;
	evpn_adv_all(&adv, r, vni_idx, seq, sticky, withdraw);
}

static void a_established(struct bgp_peer *p, void *ctx)
{
	(void)ctx;
	evpn_adv_dump(&adv, p);
}

static void b_on_established(struct bgp_peer *p, void *ctx)
{
	(void)p;
	(void)ctx;
	b_established++;
}

static void b_update(struct bgp_peer *p, const struct bgp_update *u, const struct evpn_route *reach,
		     const struct evpn_route *unreach, void *ctx)
{
	(void)p;
	(void)ctx;
	b_updates++;
	b_last = *u;
	for (size_t i = 0; i < u->n_reach && b_n_routes < 8; i++)
		b_routes[b_n_routes++] = reach[i];
	for (size_t i = 0; i < u->n_unreach && b_n_gone < 8; i++)
		b_gone[b_n_gone++] = unreach[i];
}

/* One turn for B only, on the real clock. */
static void b_step(void)
{
	struct pollfd pfd = { .fd = bgp_fd(b), .events = POLLIN };

	poll(&pfd, 1, 1);
	bgp_process(b);
	bgp_tick(b, mono_ms());
}

static void free_all(void)
{
	vtepd_neigh_port_gone(&d, 1);
	bgp_free(a);
	bgp_free(b);
	evpn_rib_free(rib);
	fdb_destroy(d.fdb);
	rte_ring_free(d.learn_ring);
	a = b = NULL;
	rib = NULL;
}

/*
 * A (AS 65001) and B (b_as: AS 65002 for eBGP, 65001 for iBGP) up; A advertises LOCAL_PREF
 * adv_lp by default and, with has_lp, lp to B.
 */
static void setup_peers(uint32_t b_as, uint32_t adv_lp, bool has_lp, uint32_t lp)
{
	static const struct evpn_rib_ops rib_ops = { .advertise = a_advertise };
	static const struct bgp_ops a_ops = { .established = a_established };
	static const struct bgp_ops b_ops = { .established = b_on_established, .update = b_update };
	struct evpn_rib_config rc = { .asn = AS_A, .router_id = inet_addr("1.1.1.1"), .vtep_ip = inet_addr("10.0.0.1") };
	struct bgp_local la = { .asn = AS_A, .router_id = inet_addr("1.1.1.1"), .local_addr = inet_addr("127.0.0.1") };
	struct bgp_local lb = { .asn = b_as, .router_id = inet_addr("2.2.2.2"), .local_addr = inet_addr("127.0.0.2") };
	struct bgp_peer_config pa = { .addr = inet_addr("127.0.0.2"), .remote_as = b_as, .connect_retry = 1,
				      .has_local_pref = has_lp, .local_pref = lp };
	struct bgp_peer_config pb = { .addr = inet_addr("127.0.0.1"), .remote_as = AS_A, .passive = true };
	uint64_t t0;

	memset(&d, 0, sizeof(d));
	d.hooks.local_mac = hook_local_mac;
	d.hooks.local_ip = hook_local_ip;
	d.hooks.local_ip6 = hook_local_ip6;
	d.hooks.local_ip_del = hook_local_ip_del;
	b_updates = b_established = b_n_routes = b_n_gone = 0;
	d.fdb = fdb_create("t_adv", 1024, NULL);
	ck_assert_ptr_nonnull(d.fdb);
	d.learn_ring = rte_ring_create_elem("t_adv_learn", sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE,
					    SOCKET_ID_ANY, RING_F_SC_DEQ);
	ck_assert_ptr_nonnull(d.learn_ring);
	d.n_vnis = 1;
	d.vnis[0].vni = VNI;
	d.ports[1].in_use = true;            /* the container port the MAC is behind */

	rib = evpn_rib_new(&rc, &rib_ops, NULL);
	ck_assert_ptr_nonnull(rib);
	ck_assert_int_eq(evpn_rib_add_vni(rib, 0, VNI, NULL, NULL, 0, NULL, 0), 0);

	port = free_port("127.0.0.2");   /* both speakers listen on it (they share one port number) */
	la.port = lb.port = port;
	a = bgp_new(&la, &a_ops, NULL);
	b = bgp_new(&lb, &b_ops, NULL);
	ck_assert(a && b);
	evpn_adv_init(&adv, a, rib, AS_A, rc.vtep_ip, true);
	ck_assert_uint_eq(adv.local_pref, 100);   /* the default */
	adv.local_pref = adv_lp;
	ck_assert_int_eq(bgp_add_peer(b, &pb, NULL), 0);
	ck_assert_int_eq(bgp_start(b), 0);
	ck_assert_int_eq(bgp_add_peer(a, &pa, NULL), 0);
	ck_assert_int_eq(bgp_start(a), 0);

	/* Bring the session up on the real clock; B gets A's dump (type 3, End-of-RIB). */
	t0 = mono_ms();
	while (!(b_established && b_last.end_of_rib_evpn)) {
		struct pollfd pfd = { .fd = bgp_fd(a), .events = POLLIN };

		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "no session between A and B");
		poll(&pfd, 1, 1);
		bgp_process(a);
		bgp_tick(a, mono_ms());
		b_step();
	}
	ck_assert_int_eq(bgp_peer_state(bgp_peer_at(a, 0)), BGP_ST_ESTABLISHED);
	b_updates = b_n_routes = b_n_gone = 0;
}

static void setup(void)
{
	setup_peers(AS_B, 100, false, 0);
}

static void post_learn(const uint8_t mac[6], uint32_t dest, uint32_t ip)
{
	struct dp_learn_event ev = { .key = fdb_key(0, mac), .dest = dest, .vtep_ip = ip };

	/* what the fast path does for a frame from a container port */
	ck_assert_int_eq(rte_ring_enqueue_elem(d.learn_ring, &ev, sizeof(ev)), 0);
}

/* B only, until it has n UPDATEs or wait_ms passed; A does not run. */
static void b_until(int n, unsigned wait_ms)
{
	uint64_t t0 = mono_ms();

	while (b_updates < n && mono_ms() - t0 < wait_ms)
		b_step();
}

START_TEST(test_learned_mac_advertised_in_its_tick)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
	uint32_t ip = inet_addr("192.168.10.1"), nh;
	uint64_t t;

	setup();
	t = mono_ms();   /* A's clock from here on: frozen */
	bgp_tick(a, t);
	/* The frame was seen: a MAC learn event and its ARP's MAC+IP event, in one burst. */
	post_learn(mac, fdb_dest_port(1), 0);
	post_learn(mac, DP_LEARN_IP | 1, ip);
	/* Nothing leaves before the tick that drains the ring. */
	b_until(1, 100);
	ck_assert_int_eq(b_updates, 0);

	/* One tick of vtepd: the drain, then the speaker's timers, at the same instant. */
	vtepd_learning_drain(&d);
	bgp_tick(a, t);
	ck_assert_uint_eq(d.stats.learn_events, 2);
	ck_assert_ptr_nonnull(fdb_lookup(d.fdb, fdb_key(0, mac)));

	/* Both routes were written during that tick: B gets them without A running again. */
	b_until(2, WAIT_MS);
	ck_assert_int_eq(b_updates, 2);
	ck_assert_int_eq(b_n_routes, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(b_routes[i].type, EVPN_RT_MAC_IP);
		ck_assert_mem_eq(b_routes[i].mac, mac, 6);
		ck_assert_uint_eq(b_routes[i].label1, VNI);
	}
	ck_assert_uint_eq(b_routes[0].ip_len, 0);                /* MAC only first ... */
	ck_assert_uint_eq(b_routes[1].ip_len, 32);               /* ... then MAC+IP */
	ck_assert_mem_eq(b_routes[1].ip, &ip, 4);
	memcpy(&nh, b_last.attrs.mp_nh, 4);
	ck_assert_uint_eq(b_last.attrs.mp_nh_len, 4);
	ck_assert_uint_eq(nh, inet_addr("10.0.0.1"));
	ck_assert_uint_eq(adv.updates_sent, 3);                  /* the type 3 of the dump, and these two */
	ck_assert_uint_eq(adv.send_errors, 0);
	free_all();
}
END_TEST

/* An IPv6 address the fast path learned from neighbour discovery: MAC+IP with 128 bits, same tick. */
START_TEST(test_learned_ip6_advertised_in_its_tick)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x06 };
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6 };
	struct dp_learn_event ev = { .key = fdb_key(0, mac), .dest = DP_LEARN_IP6 | 1 };
	uint64_t t;

	setup();
	t = mono_ms();
	bgp_tick(a, t);
	memcpy(ev.ip6, ip6, 16);
	post_learn(mac, fdb_dest_port(1), 0);
	ck_assert_int_eq(rte_ring_enqueue_elem(d.learn_ring, &ev, sizeof(ev)), 0);
	vtepd_learning_drain(&d);
	bgp_tick(a, t);
	ck_assert_uint_eq(d.stats.learn_events, 2);
	ck_assert_uint_eq(d.stats.learn_ignored, 0);
	b_until(2, WAIT_MS);
	ck_assert_int_eq(b_n_routes, 2);
	ck_assert_uint_eq(b_routes[0].ip_len, 0);
	ck_assert_uint_eq(b_routes[1].type, EVPN_RT_MAC_IP);
	ck_assert_mem_eq(b_routes[1].mac, mac, 6);
	ck_assert_uint_eq(b_routes[1].ip_len, 128);
	ck_assert_mem_eq(b_routes[1].ip, ip6, 16);
	free_all();
}
END_TEST

START_TEST(test_gone_mac_withdrawn_at_once)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };

	setup();
	bgp_tick(a, mono_ms());
	post_learn(mac, fdb_dest_port(1), 0);
	vtepd_learning_drain(&d);
	b_until(1, WAIT_MS);
	ck_assert_int_eq(b_updates, 1);
	ck_assert_uint_eq(b_last.n_reach, 1);

	/* The MAC goes (aged out or its port detached: fabric.c's FDB removal callback says so): the
	 * withdrawal leaves from inside that call too. */
	evpn_rib_local_mac(rib, 0, mac, false, false);
	b_until(2, WAIT_MS);
	ck_assert_int_eq(b_updates, 2);
	ck_assert_uint_eq(b_last.n_reach, 0);
	ck_assert_uint_eq(b_last.n_unreach, 1);
	free_all();
}
END_TEST

/*
 * LOCAL_PREF goes to iBGP peers only (RFC 4271 5.1.5; an FRR route reflector withdraws iBGP
 * routes without it): _i 0 eBGP: none, AS_PATH ours; 1 iBGP: the default 100, empty AS_PATH;
 * 2 iBGP with bgp.local_preference 150; 3 iBGP with the neighbour's own 7.
 */
START_TEST(test_local_pref_ibgp_only)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x03 };
	static const uint32_t want[] = { 0, 100, 150, 7 };

	setup_peers(_i == 0 ? AS_B : AS_A, _i == 2 ? 150 : 100, _i == 3, 7);
	bgp_tick(a, mono_ms());
	post_learn(mac, fdb_dest_port(1), 0);
	vtepd_learning_drain(&d);
	b_until(1, WAIT_MS);
	ck_assert_int_eq(b_updates, 1);
	ck_assert_uint_eq(b_last.n_reach, 1);
	ck_assert_int_eq(b_last.attrs.action, BGP_ATTR_OK);
	ck_assert(b_last.attrs.has_local_pref == (_i != 0));
	if (_i) {
		ck_assert_uint_eq(b_last.attrs.local_pref, want[_i]);
		ck_assert_uint_eq(b_last.attrs.as_path_len, 0);
	} else {
		ck_assert_uint_eq(b_last.attrs.as_path_len, 1);
		ck_assert_uint_eq(b_last.attrs.as_path[0], AS_A);
	}
	free_all();
}
END_TEST

/*
 * The ARP's MAC+IP event ahead of the frame's MAC event in the ring (the fast path posts the
 * ARP's first): the binding is not lost, its MAC is learned with it and both are advertised
 * in that tick, the MAC-only route first.
 */
START_TEST(test_ip_before_mac_advertised)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x04 };
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4 };
	struct dp_learn_event ev = { .key = fdb_key(0, mac), .dest = DP_LEARN_IP6 | 1 };
	uint32_t ip = inet_addr("192.168.10.4");

	setup();
	bgp_tick(a, mono_ms());
	post_learn(mac, DP_LEARN_IP | 1, ip);
	memcpy(ev.ip6, ip6, 16);
	ck_assert_int_eq(rte_ring_enqueue_elem(d.learn_ring, &ev, sizeof(ev)), 0);
	post_learn(mac, fdb_dest_port(1), 0);
	vtepd_learning_drain(&d);
	ck_assert_ptr_nonnull(fdb_lookup(d.fdb, fdb_key(0, mac)));
	b_until(3, WAIT_MS);
	ck_assert_int_eq(b_n_routes, 3);
	ck_assert_uint_eq(b_routes[0].ip_len, 0);
	ck_assert_uint_eq(b_routes[1].ip_len, 32);
	ck_assert_mem_eq(b_routes[1].ip, &ip, 4);
	ck_assert_uint_eq(b_routes[2].ip_len, 128);
	ck_assert_mem_eq(b_routes[2].ip, ip6, 16);
	ck_assert_uint_eq(d.ports[1].n_neigh, 2);
	free_all();
}
END_TEST

/*
 * A learned binding lives while its host speaks: its ARP, or any frame from its MAC (the FDB's
 * last_seen), refreshes it; neighbor_aging seconds without either and its MAC+IP route is
 * withdrawn (the MAC-only route stands). A binding whose MAC left the port goes at once.
 */
START_TEST(test_learned_ip_ages_out)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x05 };
	static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0x01, 0x07 };
	uint32_t ip = inet_addr("192.168.10.5"), ip2 = inet_addr("192.168.10.7");
	struct fdb_entry *e;
	uint64_t now;

	setup();
	d.cfg.neighbor_aging_sec = 10;
	d.ports[1].conf.max_macs = d.vnis[0].max_macs = 16;
	bgp_tick(a, mono_ms());
	now = dp_clock_sec();
	post_learn(mac, fdb_dest_port(1), 0);
	post_learn(mac, DP_LEARN_IP | 1, ip);
	post_learn(mac2, fdb_dest_port(1), 0);
	post_learn(mac2, DP_LEARN_IP | 1, ip2);
	vtepd_learning_drain(&d);
	b_until(4, WAIT_MS);
	ck_assert_int_eq(b_n_routes, 4);
	ck_assert_uint_eq(d.ports[1].n_neigh, 2);

	/* mac sent something 8 s on (the fast path's seen bit, folded in): its binding holds */
	e = fdb_lookup(d.fdb, fdb_key(0, mac));
	ck_assert_ptr_nonnull(e);
	fdb_entry_touch(e, now + 8);
	vtepd_neigh_age(&d, now + 5);
	ck_assert_uint_eq(d.ports[1].n_neigh, 2);
	vtepd_neigh_age(&d, now + 12);
	ck_assert_uint_eq(d.ports[1].n_neigh, 1);
	ck_assert_uint_eq(d.stats.neigh_aged, 1);
	b_until(5, WAIT_MS);
	ck_assert_int_eq(b_n_gone, 1);                       /* mac2's MAC+IP only */
	ck_assert_uint_eq(b_gone[0].ip_len, 32);
	ck_assert_mem_eq(b_gone[0].mac, mac2, 6);
	ck_assert_mem_eq(b_gone[0].ip, &ip2, 4);

	/* mac leaves the port (aged out of the FDB, moved): its binding goes at the next pass */
	ck_assert_int_eq(fdb_delete(d.fdb, fdb_key(0, mac)), 0);
	vtepd_neigh_age(&d, now + 13);
	ck_assert_uint_eq(d.ports[1].n_neigh, 0);
	ck_assert_uint_eq(d.stats.neigh_gone, 1);
	b_until(6, WAIT_MS);
	ck_assert_int_eq(b_n_gone, 2);
	ck_assert_mem_eq(b_gone[1].mac, mac, 6);
	ck_assert_uint_eq(b_gone[1].ip_len, 32);
	ck_assert_mem_eq(b_gone[1].ip, &ip, 4);
	free_all();
}
END_TEST

/*
 * A host spraying ARP/ND from many addresses: a port keeps max_neighbors learned bindings,
 * the rest are refused and counted, never advertised. One aged out makes room again.
 */
START_TEST(test_learned_ips_capped)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x08 };
	uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 10 };
	uint64_t now;

	setup();
	d.ports[1].conf.max_neighbors = 3;
	d.cfg.neighbor_aging_sec = 10;
	bgp_tick(a, mono_ms());
	now = dp_clock_sec();
	post_learn(mac, fdb_dest_port(1), 0);
	for (int i = 1; i <= 5; i++) {
		struct dp_learn_event ev = { .key = fdb_key(0, mac), .dest = DP_LEARN_IP6 | 1 };

		ip6[15] = (uint8_t)i;
		memcpy(ev.ip6, ip6, 16);
		ck_assert_int_eq(rte_ring_enqueue_elem(d.learn_ring, &ev, sizeof(ev)), 0);
	}
	vtepd_learning_drain(&d);
	ck_assert_uint_eq(d.ports[1].n_neigh, 3);
	ck_assert_uint_eq(d.ports[1].neigh_refused, 2);
	ck_assert_uint_eq(d.stats.neigh_refused, 2);
	b_until(4, WAIT_MS);
	b_until(5, 200);
	ck_assert_int_eq(b_n_routes, 4);                     /* the MAC and 3 of its addresses */
	for (int i = 1; i < 4; i++) {
		ck_assert_uint_eq(b_routes[i].ip_len, 128);
		ck_assert_uint_eq(b_routes[i].ip[15], i);
	}
	vtepd_neigh_age(&d, now + 11);
	ck_assert_uint_eq(d.ports[1].n_neigh, 0);
	b_until(7, WAIT_MS);
	ck_assert_int_eq(b_n_gone, 3);
	free_all();
}
END_TEST

/*
 * A port attached with mac and ip whose container also speaks from another address: the
 * learned one takes the MAC's one IPv4 MAC+IP route (one per MAC in EVPN); when it ages out,
 * the configured address is advertised again.
 */
START_TEST(test_aged_ip_gives_back_configured)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x09 };
	uint32_t ip = inet_addr("192.168.10.9"), ip2 = inet_addr("192.168.10.99");
	uint64_t now;

	setup();
	d.cfg.neighbor_aging_sec = 10;
	d.ports[1].conf.has_mac = d.ports[1].conf.has_ip = true;
	memcpy(d.ports[1].conf.mac, mac, 6);
	d.ports[1].conf.ip = ip;
	bgp_tick(a, mono_ms());
	now = dp_clock_sec();
	/* as ports.c does at attach: the pinned MAC and its address */
	ck_assert_int_eq(vtepd_learning_port_mac(&d, 1, 0, mac), 0);
	hook_local_mac(&d, 0, mac, true);
	hook_local_ip(&d, 0, mac, ip);
	b_until(2, WAIT_MS);
	ck_assert_int_eq(b_n_routes, 2);
	post_learn(mac, DP_LEARN_IP | 1, ip);                /* its configured address: no learned binding */
	post_learn(mac, DP_LEARN_IP | 1, ip2);
	vtepd_learning_drain(&d);
	ck_assert_uint_eq(d.ports[1].n_neigh, 1);
	b_until(4, WAIT_MS);
	ck_assert_int_eq(b_n_routes, 3);
	ck_assert_mem_eq(b_routes[2].ip, &ip2, 4);
	ck_assert_int_eq(b_n_gone, 1);
	ck_assert_mem_eq(b_gone[0].ip, &ip, 4);
	vtepd_neigh_age(&d, now + 11);
	ck_assert_uint_eq(d.ports[1].n_neigh, 0);
	b_until(6, WAIT_MS);
	ck_assert_int_eq(b_n_gone, 2);
	ck_assert_mem_eq(b_gone[1].ip, &ip2, 4);
	ck_assert_int_eq(b_n_routes, 4);
	ck_assert_uint_eq(b_routes[3].ip_len, 32);
	ck_assert_mem_eq(b_routes[3].ip, &ip, 4);
	free_all();
}
END_TEST

/*
 * An address that moves to another MAC on another port (a container replaced by another with
 * the same address): the old binding goes with its MAC+IP route, the new one is advertised.
 */
START_TEST(test_learned_ip_moves_port)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x01, 0x0a }, mac2[6] = { 0x02, 0, 0, 0, 0x02, 0x0a };
	uint32_t ip = inet_addr("192.168.10.10");

	setup();
	d.ports[2].in_use = true;
	d.ports[1].conf.max_macs = d.ports[2].conf.max_macs = d.vnis[0].max_macs = 16;
	bgp_tick(a, mono_ms());
	post_learn(mac, fdb_dest_port(1), 0);
	post_learn(mac, DP_LEARN_IP | 1, ip);
	vtepd_learning_drain(&d);
	b_until(2, WAIT_MS);
	ck_assert_int_eq(b_n_routes, 2);
	post_learn(mac2, fdb_dest_port(2), 0);
	post_learn(mac2, DP_LEARN_IP | 2, ip);
	vtepd_learning_drain(&d);
	ck_assert_uint_eq(d.ports[1].n_neigh, 0);
	ck_assert_uint_eq(d.ports[2].n_neigh, 1);
	b_until(5, WAIT_MS);
	ck_assert_int_eq(b_n_gone, 1);
	ck_assert_mem_eq(b_gone[0].mac, mac, 6);
	ck_assert_mem_eq(b_gone[0].ip, &ip, 4);
	ck_assert_int_eq(b_n_routes, 4);
	ck_assert_mem_eq(b_routes[3].mac, mac2, 6);
	ck_assert_mem_eq(b_routes[3].ip, &ip, 4);
	vtepd_neigh_port_gone(&d, 2);
	free_all();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("local_adv");
	TCase *tc = tcase_create("advertise");
	SRunner *sr;
	int failed;

	if (test_eal_init("test_local_adv", 256) != 0)
		return EXIT_FAILURE;
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_learned_mac_advertised_in_its_tick);
	tcase_add_test(tc, test_learned_ip6_advertised_in_its_tick);
	tcase_add_test(tc, test_gone_mac_withdrawn_at_once);
	tcase_add_test(tc, test_ip_before_mac_advertised);
	tcase_add_test(tc, test_learned_ip_ages_out);
	tcase_add_test(tc, test_learned_ips_capped);
	tcase_add_test(tc, test_aged_ip_gives_back_configured);
	tcase_add_test(tc, test_learned_ip_moves_port);
	tcase_add_loop_test(tc, test_local_pref_ibgp_only, 0, 4);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
