/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_evpn_rib.c: libFuzzer target for the EVPN RIB (control/bgp/evpn_rib.c): arbitrary
 * sequences of what peers and the dataplane tell it, over a small world where routes
 * collide often: three peers (two eBGP, one iBGP), two VNIs, eight MACs, four next hops
 * (one of them our own VTEP). Each input is a list of 4-byte operations: an UPDATE
 * (type 2, 3 or 5, announce or withdraw, treat-as-withdraw, MAC mobility sequence and sticky
 * bit, route targets that import, import elsewhere or not at all, AS loops, the L3 parts: the
 * IP-VRF's RT, a second label, one of three router MACs or none), a session
 * going down (gracefully or not), End-of-RIB, a local MAC coming or going, a local IP.
 *
 * What the RIB tells the daemon through its ops is replayed into a model of the daemon's
 * state, and must stay consistent, else abort():
 *  - flood VTEPs are added only when absent and removed only when present, a withdrawn
 *    advertisement was advertised, an ARP binding is set only when it changes and removed
 *    only when held;
 *  - after every operation, every address of an imported remote MAC+IP route is bound in
 *    the ARP table to one of the MACs announcing it, and nothing else is bound;
 *  - after every operation, each MAC the RIB does not hold locally is installed at exactly
 *    the VTEP of its best remote path (none without one), and a local MAC that is not
 *    frozen is installed nowhere;
 *  - the IP-VRF's routes (ops.l3_route) are removed only when held, changed only when they
 *    change, never point at our own VTEP, and after every operation are exactly what
 *    evpn_rib_walk_l3 lists;
 *  - at the end, with every session down and every local MAC gone, nothing is left: no
 *    remote MAC, flood VTEP, remote IP or advertisement, no path; leaks are LeakSanitizer's.
 *
 * Build: part of the meson build with clang (test/fuzz_evpn_rib); scripts/test.sh runs it.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "evpn_rib.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_ASN 65001
#define FZ_PEER_AS 65002
#define FZ_N_PEERS 3            /* the last one is iBGP */
#define FZ_N_VNIS 2
#define FZ_N_MACS 8
#define FZ_N_NH 4               /* next hop 3 is our own VTEP */
#define FZ_MAX_SET 256

static const uint32_t fz_vni[FZ_N_VNIS] = { 100, 200 };
#define FZ_L3VNI 900001

/* The daemon's IP-VRF routes as ops.l3_route leaves them. */
struct fz_l3 {
	uint32_t prefix;
	uint8_t plen, source;
	uint32_t vtep;
	uint8_t rmac[6];
};
static struct fz_l3 fz_l3s[FZ_MAX_SET];
static unsigned fz_n_l3;

/* The daemon's state as the ops callbacks leave it. */
static uint32_t fz_installed[FZ_N_VNIS][FZ_N_MACS];
struct fz_item {
	uint16_t vni_idx;
	uint32_t ip;
	uint8_t mac[6];
	uint8_t type, ip_len;
};
struct fz_set {
	unsigned n;
	struct fz_item items[FZ_MAX_SET];
};
static struct fz_set fz_flood, fz_ips, fz_adv;

static uint32_t fz_ip(int a, int b, int c, int d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d);
}

static uint32_t fz_peer(unsigned i) { return fz_ip(10, 0, 1, (int)i + 1); }
static uint32_t fz_nexthop(unsigned i) { return fz_ip(10, 0, 0, (int)i + 2 > 4 ? 1 : (int)i + 2); }

static void fz_mac(uint8_t mac[6], unsigned i)
{
	const uint8_t m[6] = { 2, 0, 0, 0, 0, (uint8_t)i };

	memcpy(mac, m, 6);
}

static int fz_find(const struct fz_set *s, const struct fz_item *it)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!memcmp(&s->items[i], it, sizeof(*it)))
			return (int)i;
	return -1;
}

static void fz_set_add(struct fz_set *s, const struct fz_item *it, bool must_be_new)
{
	int i = fz_find(s, it);

	FZ_CHECK(!must_be_new || i < 0);
	if (i < 0) {
		FZ_CHECK(s->n < FZ_MAX_SET);
		s->items[s->n++] = *it;
	}
}

static void fz_set_del(struct fz_set *s, const struct fz_item *it)
{
	int i = fz_find(s, it);

	FZ_CHECK(i >= 0);
	s->items[i] = s->items[--s->n];
}

static int fz_mac_index(const uint8_t mac[6])
{
	const uint8_t base[5] = { 2, 0, 0, 0, 0 };

	return !memcmp(mac, base, 5) && mac[5] < FZ_N_MACS ? mac[5] : -1;
}

static void fz_on_remote_mac(void *ctx, uint16_t vni_idx, const uint8_t mac[6], uint32_t vtep_ip)
{
	int m = fz_mac_index(mac);

	(void)ctx;
	FZ_CHECK(vni_idx < FZ_N_VNIS && m >= 0);
	fz_installed[vni_idx][m] = vtep_ip;
}

static void fz_on_flood(void *ctx, uint16_t vni_idx, uint32_t vtep_ip, bool add)
{
	struct fz_item it;

	(void)ctx;
	memset(&it, 0, sizeof(it));
	it.vni_idx = vni_idx;
	it.ip = vtep_ip;
	FZ_CHECK(vni_idx < FZ_N_VNIS && vtep_ip != fz_nexthop(3));
	if (add)
		fz_set_add(&fz_flood, &it, true);
	else
		fz_set_del(&fz_flood, &it);
}

/* The daemon's ARP table: (VNI, address) -> MAC, set or replaced on add, removed on remove. */
static void fz_on_remote_ip(void *ctx, uint16_t vni_idx, uint32_t ip, const uint8_t mac[6], bool add)
{
	struct fz_item it;
	int i;

	(void)ctx;
	memset(&it, 0, sizeof(it));
	it.vni_idx = vni_idx;
	it.ip = ip;
	FZ_CHECK(vni_idx < FZ_N_VNIS);
	for (i = 0; i < (int)fz_ips.n && (fz_ips.items[i].vni_idx != vni_idx || fz_ips.items[i].ip != ip); i++)
		;
	if (add) {
		FZ_CHECK(i == (int)fz_ips.n || memcmp(fz_ips.items[i].mac, mac, 6));   /* a change, never a repeat */
		memcpy(it.mac, mac, 6);
		if (i == (int)fz_ips.n)
			fz_set_add(&fz_ips, &it, true);
		else
			fz_ips.items[i] = it;
	} else {
		FZ_CHECK(i < (int)fz_ips.n);
		fz_ips.items[i] = fz_ips.items[--fz_ips.n];
	}
}

static void fz_on_advertise(void *ctx, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky,
			    bool withdraw)
{
	struct fz_item it;

	(void)ctx;
	(void)seq;
	(void)sticky;
	memset(&it, 0, sizeof(it));
	it.vni_idx = vni_idx;
	it.type = r->type;
	it.ip_len = r->ip_len;
	memcpy(&it.ip, r->ip, 4);
	memcpy(it.mac, r->mac, 6);
	FZ_CHECK(vni_idx < FZ_N_VNIS);
	if (withdraw)
		fz_set_del(&fz_adv, &it);
	else
		fz_set_add(&fz_adv, &it, false);   /* a new sequence number re-advertises */
}

static unsigned fz_l3_find(uint32_t prefix, uint8_t plen)
{
	unsigned i;

	for (i = 0; i < fz_n_l3 && (fz_l3s[i].prefix != prefix || fz_l3s[i].plen != plen); i++)
		;
	return i;
}

static void fz_on_l3(void *ctx, const struct evpn_rib_l3 *r)
{
	static const uint8_t zero[6];
	uint32_t prefix;
	unsigned i;

	(void)ctx;
	FZ_CHECK(r->l3vni == FZ_L3VNI && r->ip_len == 32 && r->prefix_len <= 32);
	memcpy(&prefix, r->prefix, 4);
	i = fz_l3_find(prefix, r->prefix_len);
	if (!r->vtep_ip) {
		FZ_CHECK(i < fz_n_l3);
		fz_l3s[i] = fz_l3s[--fz_n_l3];
		return;
	}
	FZ_CHECK(r->vtep_ip != fz_nexthop(3) && r->vni == FZ_L3VNI && memcmp(r->rmac, zero, 6));
	FZ_CHECK(r->source == EVPN_RT_MAC_IP || r->source == EVPN_RT_IP_PREFIX);
	if (i < fz_n_l3) /* a change, never a repeat */
		FZ_CHECK(fz_l3s[i].vtep != r->vtep_ip || fz_l3s[i].source != r->source ||
			 memcmp(fz_l3s[i].rmac, r->rmac, 6));
	else {
		FZ_CHECK(fz_n_l3 < FZ_MAX_SET);
		fz_n_l3++;
	}
	fz_l3s[i].prefix = prefix;
	fz_l3s[i].plen = r->prefix_len;
	fz_l3s[i].source = r->source;
	fz_l3s[i].vtep = r->vtep_ip;
	memcpy(fz_l3s[i].rmac, r->rmac, 6);
}

static const struct evpn_rib_ops fz_ops = {
	.remote_mac = fz_on_remote_mac, .flood_vtep = fz_on_flood, .advertise = fz_on_advertise,
	.remote_ip = fz_on_remote_ip, .l3_route = fz_on_l3,
};

/* One UPDATE from peer, described by three bytes (see the header comment). */
static void fz_update(struct evpn_rib *rib, unsigned peer, bool withdraw_all, uint8_t b1, uint8_t b2, uint8_t b3)
{
	bool imet = b1 & 1, withdraw = b1 & 2, sticky = b1 & 4, with_ip = b1 & 8, loop = b1 & 0x80;
	bool l3 = b3 & 0x08, t5 = b3 & 0x10;
	unsigned rmac = (b3 >> 5) & 3;
	unsigned rt_mode = (b1 >> 4) & 3, vi = (b1 >> 6) & 1, mac = b2 & 7, nh = (b2 >> 3) & 3, seq = b2 >> 5;
	uint32_t nexthop = fz_nexthop(nh);
	struct evpn_route r;
	struct bgp_attrs a;

	memset(&r, 0, sizeof(r));
	r.rd[1] = 1;                                    /* type 1: next hop : VNI index + 1 */
	memcpy(r.rd + 2, &nexthop, 4);
	r.rd[7] = (uint8_t)(vi + 1);
	if (imet) {
		r.type = EVPN_RT_IMET;
		r.ip_len = 32;
		memcpy(r.ip, &nexthop, 4);
	} else if (t5) {
		uint32_t pfx = fz_ip(10, b3 & 7, 0, 0);

		r.type = EVPN_RT_IP_PREFIX;
		r.rd[7] = 3;
		r.ip_len = 32;
		r.prefix_len = vi ? 16 : 32; /* a /32 competes with the host routes of type 2 */
		if (r.prefix_len == 32)
			pfx = fz_ip(192, 168, 0, b3 & 7);
		memcpy(r.ip, &pfx, 4);
		r.label1 = withdraw ? 0 : FZ_L3VNI;
	} else {
		r.type = EVPN_RT_MAC_IP;
		fz_mac(r.mac, mac);
		r.label1 = fz_vni[vi];
		if (with_ip) {
			uint32_t host = fz_ip(192, 168, 0, b3 & 7);

			r.ip_len = 32;
			memcpy(r.ip, &host, 4);
		}
		if (l3) {
			r.label2 = FZ_L3VNI;
			r.has_label2 = true;
		}
	}
	memset(&a, 0, sizeof(a));
	a.has_origin = true;
	a.has_as_path = true;
	if (peer < FZ_N_PEERS - 1)
		a.as_path[a.as_path_len++] = FZ_PEER_AS;
	if (loop)
		a.as_path[a.as_path_len++] = FZ_ASN;
	a.mp_nh_len = 4;
	memcpy(a.mp_nh, &nexthop, 4);
	if (rt_mode == 0)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(FZ_ASN, fz_vni[vi]);
	else if (rt_mode == 1)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(FZ_ASN, fz_vni[1 - vi]);
	else if (rt_mode == 3)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(FZ_PEER_AS, fz_vni[vi]);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_encap_vxlan();
	if (l3 || t5)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_rt_as2(FZ_ASN, FZ_L3VNI);
	if (rmac) {
		const uint8_t m[6] = { 0, 0, 0x22, 0x22, 0x33, (uint8_t)rmac };

		a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac(m);
	}
	if (seq)
		a.ext_comm[a.n_ext_comm++] = evpn_ec_mac_mobility(seq - 1, sticky);
	if (withdraw)
		evpn_rib_update(rib, fz_peer(peer), peer < FZ_N_PEERS - 1, &a, NULL, 0, &r, 1, false);
	else
		evpn_rib_update(rib, fz_peer(peer), peer < FZ_N_PEERS - 1, &a, &r, 1, NULL, 0, withdraw_all);
}

/* Each ARP binding the daemon holds is announced by an imported remote MAC+IP route, and each
 * address such a route announces is bound (to one of the MACs announcing it). */
struct fz_walk {
	bool bound[FZ_MAX_SET];      /* by fz_ips index: some route announces this (address, MAC) */
	unsigned addresses;          /* imported best MAC+IP paths whose address is not bound at all */
};

static void fz_walk_path(const struct evpn_rib_path_info *p, void *arg)
{
	struct fz_walk *w = arg;
	uint32_t ip;
	bool any = false;

	if (p->local || !p->best || p->vni_idx == UINT16_MAX || p->route->type != EVPN_RT_MAC_IP ||
	    p->route->ip_len != 32)
		return;
	memcpy(&ip, p->route->ip, 4);
	for (unsigned i = 0; i < fz_ips.n; i++)
		if (fz_ips.items[i].vni_idx == p->vni_idx && fz_ips.items[i].ip == ip) {
			any = true;
			if (!memcmp(fz_ips.items[i].mac, p->route->mac, 6))
				w->bound[i] = true;
		}
	if (!any)
		w->addresses++;
}

static void fz_walk_l3(const struct evpn_rib_l3 *r, void *arg)
{
	unsigned *n = arg, i;
	uint32_t prefix;

	memcpy(&prefix, r->prefix, 4);
	i = fz_l3_find(prefix, r->prefix_len);
	FZ_CHECK(i < fz_n_l3 && fz_l3s[i].vtep == r->vtep_ip && fz_l3s[i].source == r->source &&
		 !memcmp(fz_l3s[i].rmac, r->rmac, 6));
	(*n)++;
}

/* The IP-VRF's routes the RIB lists are exactly those the daemon was told. */
static void fz_check_l3(const struct evpn_rib *rib)
{
	struct evpn_rib_stats st;
	unsigned n = 0;

	evpn_rib_walk_l3(rib, fz_walk_l3, &n);
	FZ_CHECK(n == fz_n_l3);
	evpn_rib_get_stats(rib, &st);
	FZ_CHECK(st.l3_prefixes == fz_n_l3);
}

static void fz_check_ips(const struct evpn_rib *rib)
{
	struct fz_walk w;

	memset(&w, 0, sizeof(w));
	evpn_rib_walk(rib, fz_walk_path, &w);
	FZ_CHECK(w.addresses == 0);
	for (unsigned i = 0; i < fz_ips.n; i++)
		FZ_CHECK(w.bound[i]);
}

/* Every MAC: installed where its best remote path says, unless it is ours. */
static void fz_check_macs(const struct evpn_rib *rib)
{
	for (uint16_t v = 0; v < FZ_N_VNIS; v++)
		for (unsigned m = 0; m < FZ_N_MACS; m++) {
			struct evpn_rib_mac_info info;
			uint8_t mac[6];

			fz_mac(mac, m);
			evpn_rib_mac_info(rib, v, mac, &info);
			if (!info.local)
				FZ_CHECK(fz_installed[v][m] == (info.remote ? info.remote_vtep : 0));
			else if (!info.frozen)
				FZ_CHECK(fz_installed[v][m] == 0);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evpn_rib_config c = { .asn = FZ_ASN, .router_id = fz_nexthop(3), .vtep_ip = fz_nexthop(3),
				     .rt_match_vni_only = -1, .dup_max_moves = 5, .dup_window_sec = 180 };
	struct evpn_rib_stats st;
	struct evpn_rib *rib;
	uint8_t mac[6];

	memset(fz_installed, 0, sizeof(fz_installed));
	fz_flood.n = fz_ips.n = fz_adv.n = 0;
	fz_n_l3 = 0;
	rib = evpn_rib_new(&c, &fz_ops, NULL);
	FZ_CHECK(rib != NULL);
	for (uint16_t v = 0; v < FZ_N_VNIS; v++)
		FZ_CHECK(evpn_rib_add_vni(rib, v, fz_vni[v], NULL, NULL, 0, NULL, 0) == 0);
	{
		struct evpn_rib_vrf vrf = { .l3vni = FZ_L3VNI, .n_import = 1 };

		vrf.import[0] = evpn_ec_rt_as2(FZ_ASN, FZ_L3VNI);
		FZ_CHECK(evpn_rib_set_vrfs(rib, &vrf, 1) == 0);
	}

	for (size_t off = 0; off + 4 <= size && off < 4 * 512; off += 4) {
		uint8_t b0 = data[off], b1 = data[off + 1], b2 = data[off + 2], b3 = data[off + 3];
		unsigned peer = (b0 >> 3) % FZ_N_PEERS;

		switch (b0 & 7) {
		case 0: case 1: case 2: case 3:
			fz_update(rib, peer, (b0 & 0xe7) == 3, b1, b2, b3);
			break;
		case 4:
			evpn_rib_peer_down(rib, fz_peer(peer), b0 & 0x80);
			break;
		case 5:
			evpn_rib_peer_flush_stale(rib, fz_peer(peer));
			break;
		case 6:
			fz_mac(mac, b2 & 7);
			evpn_rib_local_mac(rib, (b1 >> 2) & 1, mac, b1 & 1, b1 & 2);
			break;
		default:
			fz_mac(mac, b2 & 7);
			evpn_rib_local_ip(rib, (b1 >> 2) & 1, mac, b3 ? fz_ip(192, 168, 0, b3 & 7) : 0);
			break;
		}
		fz_check_macs(rib);
		fz_check_ips(rib);
		fz_check_l3(rib);
	}

	/* every session down, every local MAC gone: nothing may be left behind */
	for (unsigned p = 0; p < FZ_N_PEERS; p++)
		evpn_rib_peer_down(rib, fz_peer(p), false);
	for (uint16_t v = 0; v < FZ_N_VNIS; v++)
		for (unsigned m = 0; m < FZ_N_MACS; m++) {
			fz_mac(mac, m);
			evpn_rib_local_ip(rib, v, mac, 0);
			evpn_rib_local_mac(rib, v, mac, false, false);
		}
	fz_check_macs(rib);
	for (unsigned p = 0; p < FZ_N_PEERS; p++)
		FZ_CHECK(evpn_rib_peer_paths(rib, fz_peer(p)) == 0);
	for (uint16_t v = 0; v < FZ_N_VNIS; v++)
		for (unsigned m = 0; m < FZ_N_MACS; m++)
			FZ_CHECK(fz_installed[v][m] == 0);
	FZ_CHECK(fz_flood.n == 0);
	FZ_CHECK(fz_ips.n == 0);
	FZ_CHECK(fz_adv.n == 0);
	FZ_CHECK(fz_n_l3 == 0);
	evpn_rib_get_stats(rib, &st);
	FZ_CHECK(st.paths == 0 && st.local_routes == 0);
	evpn_rib_free(rib);
	return 0;
}
