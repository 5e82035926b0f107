/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fabric_peers.c: BGP neighbours added, removed and changed at run time
 * (fabric_neighbors_apply in control/fabric/fabric.c, the configuration reload's BGP step).
 * The real fabric_start() runs on a switch with one VNI (100) and an FDB; raw BGP peers on
 * loopback (127.0.0.3 ...; iBGP, AS 65535, graceful restart) connect to it, send MAC routes
 * and inclusive-multicast routes, and read what the speaker sends them. Checked: a removed
 * neighbour gets Cease/3 and exactly its routes leave the RIB, the FDB and the flood list,
 * stale ones of a graceful restart too; the neighbours left keep their session object, their
 * state and their per-neighbour counters (indices move down) and are sent nothing; a check
 * (dry run) changes nothing; a global change is refused naming its key; a changed neighbour
 * is reset with Cease/6 and comes back; a description alone resets nothing; a new one comes up.
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
#include <unistd.h>

#include <check.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "test_eal.h"
#include "test_fabric_leaf.h"
#include "test_loopback.h"
#include "bgp_fsm.h"
#include "bgp_msg.h"
#include "evpn.h"
#include "evpn_rib.h"
#include "fabric.h"
#include "fdb.h"
#include "switch.h"

#define WAIT_MS 5000
#define ASN 65535
#define VNI 100
#define MAX_NB 6

static struct vtepd d;
static struct vtep_vni_config vni_cfg[1];
static struct vtep_bgp_neighbor_config nbs[MAX_NB];
static uint16_t port;

/* Neighbour k of nbs[]: 127.0.0.(3 + k), iBGP, passive (the raw peer connects). */
static struct vtep_bgp_neighbor_config nb_cfg(int k)
{
	char a[32];

	snprintf(a, sizeof(a), "127.0.0.%d", 3 + k);
	return (struct vtep_bgp_neighbor_config){ .address = inet_addr(a), .remote_as = ASN, .passive = true,
						  .line = 10 + k };
}

static void leaf_setup(int n_nb)
{
	test_fabric_leaf(&d, "t_fabric_peers", ASN, &port);
	memset(vni_cfg, 0, sizeof(vni_cfg));
	d.n_vnis = 1;
	d.vnis[0].vni = VNI;
	d.cfg.n_vnis = 1;
	d.cfg.vnis = vni_cfg;
	vni_cfg[0] = (struct vtep_vni_config){ .vni = VNI, .vrf = VTEP_NO_VRF };

	d.cfg.bgp.graceful_restart = true;
	d.cfg.bgp.restart_time = 120;
	for (int k = 0; k < n_nb; k++)
		nbs[k] = nb_cfg(k);
	d.cfg.bgp.n_neighbors = (uint32_t)n_nb;
	d.cfg.bgp.neighbors = nbs;
}

static void leaf_teardown(void)
{
	test_fabric_leaf_free(&d);
}

static void step(void)
{
	test_fabric_step(&d);
}

/* ---- raw peers: TCP sockets the test drives by hand ---- */

struct raw {
	int fd;
	const char *ip;
	size_t len;
	uint8_t buf[70000];
	uint8_t type;
	uint8_t body[4096];
	size_t body_len;
};

static struct raw raws[MAX_NB];

/* The next whole message (running the speaker meanwhile); false on EOF or reset. */
static bool raw_next(struct raw *r)
{
	uint64_t t0 = mono_ms();

	for (;;) {
		ssize_t n;

		if (r->len >= 19) {
			size_t mlen = (size_t)r->buf[16] << 8 | r->buf[17];

			ck_assert_uint_ge(mlen, 19);
			ck_assert_uint_le(mlen, sizeof(r->body) + 19);
			if (r->len >= mlen) {
				r->type = r->buf[18];
				r->body_len = mlen - 19;
				memcpy(r->body, r->buf + 19, r->body_len);
				memmove(r->buf, r->buf + mlen, r->len - mlen);
				r->len -= mlen;
				return true;
			}
		}
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "%s: timed out waiting for a message from the speaker", r->ip);
		step();
		n = recv(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return false;
		if (n < 0) {
			ck_assert_msg(errno == EAGAIN || errno == EWOULDBLOCK, "recv: %s", strerror(errno));
			continue;
		}
		r->len += (size_t)n;
	}
}

static void raw_send(struct raw *r, const uint8_t *buf, size_t len)
{
	ck_assert_int_eq(send(r->fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Raw peer k (127.0.0.(3 + k)) connects, brings the session up (GR for EVPN) and reads up to End-of-RIB. */
static struct raw *raw_up(int k)
{
	static const char *const ips[MAX_NB] = { "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7",
						 "127.0.0.8" };
	struct raw *r = &raws[k];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct bgp_open o = { .version = 4, .my_as = ASN, .hold_time = 90, .bgp_id = inet_addr(ips[k]) };
	uint8_t buf[4096];
	int one = 1;

	o.caps.mp_evpn = o.caps.as4 = o.caps.route_refresh = true;
	o.caps.as4_asn = ASN;
	o.caps.gr = o.caps.gr_evpn = o.caps.gr_evpn_fwd = true;
	o.caps.gr_time = 120;
	memset(r, 0, sizeof(*r));
	r->ip = ips[k];
	r->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(r->fd, 0);
	setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sin.sin_addr.s_addr = inet_addr(ips[k]);
	ck_assert_int_eq(bind(r->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sin.sin_addr.s_addr = inet_addr("127.0.0.1");
	sin.sin_port = htons(port);
	ck_assert_msg(connect(r->fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "connect: %s", strerror(errno));
	ck_assert(raw_next(r));
	ck_assert_uint_eq(r->type, BGP_MSG_OPEN);
	raw_send(r, buf, bgp_open_encode(buf, sizeof(buf), &o));
	raw_send(r, buf, bgp_keepalive_encode(buf, sizeof(buf)));
	do
		ck_assert_msg(raw_next(r), "%s: the speaker closed the session", r->ip);
	while (r->type != BGP_MSG_UPDATE || r->body_len != 10);   /* End-of-RIB */
	return r;
}

static void raw_close(struct raw *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* The next message that is not a KEEPALIVE is a NOTIFICATION code/subcode. */
static void raw_expect_notification(struct raw *r, uint8_t code, uint8_t subcode)
{
	do
		ck_assert_msg(raw_next(r), "%s: closed without a NOTIFICATION", r->ip);
	while (r->type == BGP_MSG_KEEPALIVE);
	ck_assert_msg(r->type == BGP_MSG_NOTIFICATION, "%s: message type %u, want a NOTIFICATION", r->ip, r->type);
	ck_assert_uint_ge(r->body_len, 2);
	ck_assert_msg(r->body[0] == code && r->body[1] == subcode, "%s: NOTIFICATION %u/%u, want %u/%u", r->ip,
		      r->body[0], r->body[1], code, subcode);
}

/* For ms, the speaker sends r nothing but KEEPALIVEs (no reset, no re-advertisement) and keeps the connection. */
static void raw_quiet(struct raw *r, unsigned ms)
{
	uint64_t t0 = mono_ms();

	while (mono_ms() - t0 < ms) {
		ssize_t n;

		step();
		n = recv(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, MSG_DONTWAIT);
		ck_assert_msg(n != 0, "%s: the speaker closed the connection", r->ip);
		if (n > 0)
			r->len += (size_t)n;
		while (r->len >= 19 && r->len >= ((size_t)r->buf[16] << 8 | r->buf[17])) {
			size_t mlen = (size_t)r->buf[16] << 8 | r->buf[17];

			ck_assert_msg(r->buf[18] == BGP_MSG_KEEPALIVE, "%s: was sent a message of type %u", r->ip,
				      r->buf[18]);
			memmove(r->buf, r->buf + mlen, r->len - mlen);
			r->len -= mlen;
		}
	}
}

/* r announces a MAC route in VNI 100 behind VTEP r's address' 10.0.0.x twin, and its type 3 when imet. */
static void raw_announce(struct raw *r, uint8_t mac_last, bool imet)
{
	uint32_t vtep = inet_addr(r->ip) ^ inet_addr("127.0.0.0") ^ inet_addr("10.0.0.0");
	struct evpn_route rt[2];
	struct bgp_attrs a;
	uint8_t buf[4096];
	size_t n, done;
	char rd[32], vs[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &vtep, vs, sizeof(vs));
	snprintf(rd, sizeof(rd), "%s:1", vs);
	memset(rt, 0, sizeof(rt));
	rt[0].type = EVPN_RT_MAC_IP;
	ck_assert_int_eq(evpn_rd_parse(rd, rt[0].rd), 0);
	memcpy(rt[0].mac, (uint8_t[6]){ 0x02, 0, 0, 0, 0x77, mac_last }, 6);
	rt[0].label1 = VNI;
	memset(&a, 0, sizeof(a));
	a.has_origin = a.has_as_path = a.has_local_pref = true;
	a.local_pref = 100;
	a.mp_nh_len = 4;
	memcpy(a.mp_nh, &vtep, 4);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(ASN, VNI);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_encap_vxlan();
	n = bgp_update_encode_evpn(buf, sizeof(buf), &a, rt, 1, false, true, &done);
	ck_assert_uint_gt(n, 0);
	raw_send(r, buf, n);
	if (!imet)
		return;
	rt[1].type = EVPN_RT_IMET;
	memcpy(rt[1].rd, rt[0].rd, 8);
	rt[1].ip_len = 32;
	memcpy(rt[1].ip, &vtep, 4);
	a.has_pmsi = true;
	a.pmsi_tunnel_type = 6;
	a.pmsi_label = VNI;
	a.pmsi_endpoint_len = 4;
	memcpy(a.pmsi_endpoint, &vtep, 4);
	n = bgp_update_encode_evpn(buf, sizeof(buf), &a, &rt[1], 1, false, true, &done);
	ck_assert_uint_gt(n, 0);
	raw_send(r, buf, n);
}

/* ---- what the switch has ---- */

static bool fdb_has(uint8_t mac_last, const char *vtep)
{
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x77, mac_last };
	const struct fdb_entry *e = fdb_lookup(d.fdb, fdb_key(0, mac));

	if (!e)
		return false;
	ck_assert(fdb_dest_is_vtep(e->dest));
	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++)
		if (d.vteps[i].ip == inet_addr(vtep))
			return e->dest == fdb_dest_vtep(i);
	return false;
}

static bool floods_to(const char *vtep)
{
	for (uint16_t i = 0; i < d.vnis[0].n_flood; i++)
		if (d.vteps[d.vnis[0].flood[i]].ip == inet_addr(vtep))
			return true;
	return false;
}

#define WAIT_FOR(cond)                                                                              \
	do {                                                                                        \
		uint64_t t0_ = mono_ms();                                                           \
		while (!(cond)) {                                                                   \
			ck_assert_msg(mono_ms() - t0_ < WAIT_MS, "timed out waiting for: %s", #cond); \
			step();                                                                     \
		}                                                                                   \
	} while (0)

static struct bgp_peer *peer(size_t i)
{
	return bgp_peer_at(fabric_speaker(&d), i);
}

static struct bgp_peer_stats pstats(struct bgp_peer *p)
{
	struct bgp_peer_stats st;

	bgp_peer_get_stats(p, &st);
	return st;
}

/* The running neighbours, the new list given. */
static struct vtep_bgp_config new_bgp(const struct vtep_bgp_neighbor_config *list, uint32_t n)
{
	struct vtep_bgp_config b = d.cfg.bgp;

	b.neighbors = (struct vtep_bgp_neighbor_config *)list;
	b.n_neighbors = n;
	return b;
}

/* ---- tests ---- */

/*
 * Three neighbours; .3 up and .5 lost with graceful restart (its routes kept, stale). The new
 * list keeps only .4: .3 gets Cease/3, the routes of .3 and .5 (MACs and flood entries) go at
 * once, the stale ones too; .4 keeps its session object, its state, its counters (now at
 * index 0) and is sent nothing. A check first changes nothing; a changed asn is refused.
 */
START_TEST(test_neighbours_removed)
{
	struct vtep_bgp_neighbor_config keep[1];
	struct vtep_bgp_config nb;
	struct raw *r3, *r4, *r5;
	struct bgp_peer *p4;
	uint64_t rcv, acc, sent;
	char err[256];

	leaf_setup(3);
	ck_assert_int_eq(fabric_start(&d), 0);
	r3 = raw_up(0);
	r4 = raw_up(1);
	r5 = raw_up(2);
	raw_announce(r3, 0x31, true);
	raw_announce(r3, 0x32, false);
	raw_announce(r4, 0x41, true);
	raw_announce(r5, 0x51, true);
	WAIT_FOR(fdb_has(0x31, "10.0.0.3") && fdb_has(0x32, "10.0.0.3") && fdb_has(0x41, "10.0.0.4") &&
		 fdb_has(0x51, "10.0.0.5") && floods_to("10.0.0.3") && floods_to("10.0.0.4") && floods_to("10.0.0.5"));
	/* .5 goes away without a word: graceful restart keeps its routes, stale */
	raw_close(r5);
	WAIT_FOR(bgp_peer_state(peer(2)) != BGP_ST_ESTABLISHED);
	for (int i = 0; i < 50; i++)
		step();
	ck_assert(fdb_has(0x51, "10.0.0.5") && floods_to("10.0.0.5"));
	p4 = peer(1);
	ck_assert_uint_eq(pstats(p4).established_count, 1);
	fabric_peer_routes(&d, 0, &rcv, &acc, &sent);
	ck_assert_uint_eq(rcv, 3);
	fabric_peer_routes(&d, 1, &rcv, &acc, &sent);
	ck_assert_uint_eq(rcv, 2);
	ck_assert_uint_eq(acc, 2);

	keep[0] = nbs[1];
	nb = new_bgp(keep, 1);
	/* a global change: refused, in the check and in the apply, naming the key */
	nb.asn = ASN + 1;
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, true, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "bgp.asn: changed") && strstr(err, "restart"), "err '%s'", err);
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, false, err, sizeof(err)), EINVAL);
	nb.asn = ASN;
	nb.listen[0] = inet_addr("127.0.0.2");
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, true, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "bgp.listen: changed"), "err '%s'", err);
	nb.listen[0] = inet_addr("127.0.0.1");
	nb.enabled = false;
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, true, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "bgp") && strstr(err, "removed"), "err '%s'", err);
	nb.enabled = true;
	/* the check passes and changes nothing */
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, true, err, sizeof(err)), 0);
	ck_assert_uint_eq(bgp_peer_count(fabric_speaker(&d)), 3);
	raw_quiet(r3, 100);
	ck_assert(fdb_has(0x31, "10.0.0.3") && fdb_has(0x51, "10.0.0.5"));

	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, false, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(bgp_peer_count(fabric_speaker(&d)), 1);
	ck_assert_ptr_eq(peer(0), p4);
	/* gone at once, not when a timer fires */
	ck_assert(!fdb_has(0x31, "10.0.0.3") && !fdb_has(0x32, "10.0.0.3") && !fdb_has(0x51, "10.0.0.5"));
	ck_assert(!floods_to("10.0.0.3") && !floods_to("10.0.0.5"));
	ck_assert_uint_eq(evpn_rib_peer_paths(fabric_rib(&d), inet_addr("127.0.0.3")), 0);
	ck_assert_uint_eq(evpn_rib_peer_paths(fabric_rib(&d), inet_addr("127.0.0.5")), 0);
	ck_assert(fdb_has(0x41, "10.0.0.4") && floods_to("10.0.0.4"));
	raw_expect_notification(r3, BGP_ERR_CEASE, 3);
	ck_assert_msg(!raw_next(r3), "the removed neighbour's connection stayed open");
	/* .4: the same session, nothing sent to it, its counters at its new index */
	raw_quiet(r4, 300);
	ck_assert_int_eq(bgp_peer_state(p4), BGP_ST_ESTABLISHED);
	ck_assert_uint_eq(pstats(p4).established_count, 1);
	ck_assert_uint_eq(pstats(p4).msgs_out[BGP_MSG_NOTIFICATION], 0);
	fabric_peer_routes(&d, 0, &rcv, &acc, &sent);
	ck_assert_uint_eq(rcv, 2);
	ck_assert_uint_eq(acc, 2);
	/* .3 comes back: refused, its routes stay out */
	raw_close(r3);
	ck_assert(fdb_has(0x41, "10.0.0.4"));
	raw_close(r4);
	leaf_teardown();
}
END_TEST

/*
 * .3 and .4 up. A description alone changes nothing on the wire; .4's hold time changes: it
 * alone is reset (Cease/6), its routes go, it comes back and sends them again; a new
 * neighbour .5 comes up; a lower max_routes that .3 already exceeds stops it (Cease/1).
 */
START_TEST(test_neighbours_changed_and_added)
{
	struct vtep_bgp_neighbor_config list[3];
	struct vtep_bgp_config nb;
	struct raw *r3, *r4, *r5;
	struct bgp_peer *p3, *p4;
	char err[256];

	leaf_setup(2);
	ck_assert_int_eq(fabric_start(&d), 0);
	r3 = raw_up(0);
	r4 = raw_up(1);
	raw_announce(r3, 0x31, true);
	raw_announce(r4, 0x41, true);
	WAIT_FOR(fdb_has(0x31, "10.0.0.3") && fdb_has(0x41, "10.0.0.4"));
	p3 = peer(0);
	p4 = peer(1);

	list[0] = nbs[0];
	list[1] = nbs[1];
	snprintf(list[0].description, sizeof(list[0].description), "spine 1");
	nb = new_bgp(list, 2);
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, false, err, sizeof(err)), 0);
	ck_assert_str_eq(bgp_peer_config(p3)->description, "spine 1");
	raw_quiet(r3, 200);
	raw_quiet(r4, 1);
	ck_assert_uint_eq(pstats(p3).established_count, 1);

	list[1].hold_time = 30;
	list[2] = nb_cfg(2);
	nb = new_bgp(list, 3);
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, true, err, sizeof(err)), 0);
	ck_assert_uint_eq(bgp_peer_count(fabric_speaker(&d)), 2);
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(bgp_peer_count(fabric_speaker(&d)), 3);
	ck_assert_ptr_eq(peer(0), p3);
	ck_assert_ptr_eq(peer(1), p4);
	ck_assert_uint_eq(bgp_peer_config(p4)->hold_time, 30);
	raw_expect_notification(r4, BGP_ERR_CEASE, 6);
	ck_assert(!fdb_has(0x41, "10.0.0.4"));   /* a reset, not a graceful restart */
	ck_assert(fdb_has(0x31, "10.0.0.3"));
	raw_quiet(r3, 200);
	ck_assert_uint_eq(pstats(p3).established_count, 1);
	/* .4 reconnects under its new settings; the new .5 comes up */
	raw_close(r4);
	r4 = raw_up(1);
	ck_assert_uint_eq(pstats(p4).established_count, 2);
	ck_assert_uint_eq(pstats(p4).hold_time, 30);
	raw_announce(r4, 0x41, false);
	WAIT_FOR(fdb_has(0x41, "10.0.0.4"));
	r5 = raw_up(2);
	raw_announce(r5, 0x51, false);
	WAIT_FOR(fdb_has(0x51, "10.0.0.5"));
	ck_assert_uint_eq(pstats(p3).established_count, 1);

	/* .3 has two paths (MAC and type 3): max_routes 1 stops it, without a reset for the change */
	list[0].max_routes = 1;
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, false, err, sizeof(err)), 0);
	raw_expect_notification(r3, BGP_ERR_CEASE, 1);
	ck_assert(!fdb_has(0x31, "10.0.0.3"));
	ck_assert(fdb_has(0x41, "10.0.0.4") && fdb_has(0x51, "10.0.0.5"));
	raw_close(r3);
	raw_close(r4);
	raw_close(r5);
	leaf_teardown();
}
END_TEST

/* Without a bgp section: nothing to do, and adding one needs a restart. */
START_TEST(test_no_bgp)
{
	struct vtep_bgp_config nb;
	char err[256];

	leaf_setup(1);
	d.cfg.bgp.enabled = false;
	ck_assert_int_eq(fabric_start(&d), 0);
	nb = d.cfg.bgp;
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, true, err, sizeof(err)), 0);
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, false, err, sizeof(err)), 0);
	nb.enabled = true;
	ck_assert_int_eq(fabric_neighbors_apply(&d, &nb, true, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "bgp") && strstr(err, "added") && strstr(err, "restart"), "err '%s'", err);
	leaf_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fabric_peers");
	TCase *tc = tcase_create("peers");
	SRunner *sr;
	int failed;

	if (test_eal_init("test_fabric_peers", 512) != 0)
		return EXIT_FAILURE;
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_neighbours_removed);
	tcase_add_test(tc, test_neighbours_changed_and_added);
	tcase_add_test(tc, test_no_bgp);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
