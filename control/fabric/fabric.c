/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fabric.c: the daemon's BGP EVPN speaker bound to the switch, tying three modules of
 * control/bgp/ to it: the sessions (bgp_fsm.c) deliver routes to the EVPN RIB
 * (evpn_rib.c), whose decisions land here and are carried out on the dataplane (remote
 * MACs into the FDB, remote VTEPs into flood lists) or sent to every established peer
 * (our own routes: evpn_adv.c).
 * Local MACs reach the RIB through the switch's hooks (learning.c, ports.c) and from FDB
 * removals. The L3 leaf (doc/l3-leaf.md): the configured IP-VRFs go to the RIB (import) and to
 * evpn_adv (our MAC+IP routes in their two-label shape, our type-5 prefixes), each with its
 * RD, route targets and router MAC as this file derives them; the best route of each VRF
 * prefix goes to the switch's VRF route table (vrfs.c). Control thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "arp.h"
#include "bgp_fsm.h"
#include "bgp_msg.h"
#include "evpn_adv.h"
#include "evpn_rib.h"
#include "fabric.h"
#include "fdb.h"
#include "log.h"
#include "route_rib.h"
#include "switch.h"

struct fabric {
	struct vtepd *d;
	struct bgp *bgp;
	struct evpn_rib *rib;
	uint64_t stale_deadline_ms[VTEP_BGP_MAX_NEIGHBORS];   /* graceful restart: when a peer's stale routes go */
	uint64_t received[VTEP_BGP_MAX_NEIGHBORS];            /* routes announced by each peer since it came up */
	struct evpn_adv adv;                 /* our routes on the wire */
	uint64_t fdb_changes;                /* FDB installs and removals made for routes */
	uint64_t fdb_changed_us;             /* wall clock (us) after the last UPDATE that changed the FDB */
	/* the L3 leaf: cfg.vrfs[i] is vrfs[i] (what our routes carry) and rib_vrfs[i] (what it imports) */
	struct evpn_adv_vrf vrfs[VTEP_MAX_VRFS];
	struct evpn_rib_vrf rib_vrfs[VTEP_MAX_VRFS];
	struct fabric_vrf_stats vrf_stats[VTEP_MAX_VRFS];
	uint16_t vni_vrf[VTEP_MAX_VNIS];     /* by VNI index: the VRF index, EVPN_ADV_NO_VRF for none */
	struct evpn_adv_prefix *prefixes;    /* our type-5 routes */
	size_t n_prefixes;
	bool reclaim;                        /* a remote MAC went: a port's own MAC may be ours again */
	struct vtep_bgp_config globals;      /* the bgp section it started with, without the neighbours */
};

static uint64_t fabric_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *ip_str(uint32_t ip, char *buf)
{
	return inet_ntop(AF_INET, &ip, buf, INET_ADDRSTRLEN);
}

static size_t fabric_peer_index(const struct fabric *vb, const struct bgp_peer *p)
{
	for (size_t i = 0; i < bgp_peer_count(vb->bgp); i++)
		if (bgp_peer_at(vb->bgp, i) == p)
			return i;
	return 0;
}

/* ---- session up-calls ---- */

static void fabric_established(struct bgp_peer *p, void *ctx)
{
	struct fabric *vb = ctx;
	char a[INET_ADDRSTRLEN];
	struct bgp_peer_stats st;

	vlog_peer(VLOG_INFO, ip_str(bgp_peer_config(p)->addr, a), "bgp: session with %s established", a);
	vb->received[fabric_peer_index(vb, p)] = 0;
	bgp_peer_get_stats(p, &st);
	if (!st.gr && vb->stale_deadline_ms[fabric_peer_index(vb, p)]) {
		/* RFC 4724 4.2: back without graceful restart: what is still stale goes now */
		vb->stale_deadline_ms[fabric_peer_index(vb, p)] = 0;
		evpn_rib_peer_flush_stale(vb->rib, bgp_peer_config(p)->addr);
	}
	evpn_adv_dump(&vb->adv, p);
}

static void fabric_down(struct bgp_peer *p, bool graceful, uint16_t restart_time, void *ctx)
{
	struct fabric *vb = ctx;
	uint32_t addr = bgp_peer_config(p)->addr;
	char a[INET_ADDRSTRLEN];

	if (graceful) {
		vb->stale_deadline_ms[fabric_peer_index(vb, p)] = fabric_now_ms() + restart_time * 1000u;
		vlog_peer(VLOG_INFO, ip_str(addr, a), "bgp: session with %s lost; keeping its routes for %u s "
			  "(graceful restart)", a, restart_time);
	} else {
		vlog_peer(VLOG_INFO, ip_str(addr, a), "bgp: session with %s down; its routes are withdrawn", a);
	}
	evpn_rib_peer_down(vb->rib, addr, graceful);
}

static void fabric_update(struct bgp_peer *p, const struct bgp_update *u, const struct evpn_route *reach,
			     const struct evpn_route *unreach, void *ctx)
{
	struct fabric *vb = ctx;
	const struct bgp_peer_config *pc = bgp_peer_config(p);

	if (u->end_of_rib_evpn) {
		evpn_rib_peer_flush_stale(vb->rib, pc->addr);
		vb->stale_deadline_ms[fabric_peer_index(vb, p)] = 0;
		return;
	}
	uint64_t changes = vb->fdb_changes;

	vb->received[fabric_peer_index(vb, p)] += u->n_reach;
	evpn_rib_update(vb->rib, pc->addr, !bgp_peer_is_ibgp(p), &u->attrs, reach, u->n_reach, unreach, u->n_unreach,
			u->attrs.action == BGP_ATTR_TREAT_AS_WITHDRAW);
	if (vb->fdb_changes != changes) {
		/* once per UPDATE, for the route-ingest benchmark: when the fast path had all of it */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		vb->fdb_changed_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	}
	if (pc->max_routes && evpn_rib_peer_paths(vb->rib, pc->addr) > pc->max_routes) {
		char a[INET_ADDRSTRLEN], why[128];

		snprintf(why, sizeof(why), "peer %s sent more than max_routes %u routes", ip_str(pc->addr, a),
			 pc->max_routes);
		vlog_peer(VLOG_WARN, a, "bgp: %s", why);
		bgp_peer_stop(p, BGP_ERR_CEASE, 1, why);
	}
}

static void fabric_count_local(const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, void *arg)
{
	(void)r, (void)vni_idx, (void)seq, (void)sticky;
	++*(uint64_t *)arg;
}

void fabric_peer_routes(const struct vtepd *d, size_t i, uint64_t *received, uint64_t *accepted, uint64_t *sent)
{
	const struct fabric *vb = d->fabric;
	struct bgp_peer *p = bgp_peer_at(vb->bgp, i);

	*received = vb->received[i];
	*accepted = evpn_rib_peer_paths(vb->rib, bgp_peer_config(p)->addr);
	*sent = 0;
	/* every local route goes to every established peer (End-of-RIB after the first dump) */
	if (vb->adv.advertise_local && bgp_peer_state(p) == BGP_ST_ESTABLISHED) {
		evpn_rib_walk_local(vb->rib, fabric_count_local, sent);
		*sent += vb->n_prefixes;
	}
}

static void fabric_refresh(struct bgp_peer *p, void *ctx)
{
	struct fabric *vb = ctx;

	evpn_adv_dump(&vb->adv, p);
}

static void fabric_log(int level, const char *peer, const char *msg, void *ctx)
{
	(void)ctx;
	vlog_peer(level <= VLOG_DEBUG ? (enum vlog_level)level : VLOG_DEBUG, peer, "bgp: %s", msg);
}

/* ---- RIB decisions ---- */

static void fabric_remote_mac(void *ctx, uint16_t vni_idx, const uint8_t mac[6], uint32_t vtep_ip)
{
	struct fabric *vb = ctx;
	struct vtepd *d = vb->d;
	uint64_t key = fdb_key(vni_idx, mac);

	if (vtep_ip) {
		uint32_t prev;
		uint16_t id;

		if (vtepd_vtep_get(d, vtep_ip, false, &id) != 0)
			return;
		if (fdb_install_prev(d->fdb, key, fdb_dest_vtep(id), FDB_F_CP, &prev) != 0) {
			d->stats.learn_errors++;
			return;
		}
		vb->fdb_changes++;
		/* MAC mobility: a host that moved to another leaf is routed there now, not here */
		if (prev != FDB_DEST_NONE && !fdb_dest_is_vtep(prev))
			vtepd_vrf_mac_remote(d, vni_idx, mac);
	} else {
		struct fdb_entry *e = fdb_lookup(d->fdb, key);

		/* only a remote entry goes: a local one is the MAC having moved to us */
		vb->reclaim = true;   /* it may be a port's own MAC that moved away and is free again */
		if (e && fdb_dest_is_vtep(e->dest) && fdb_delete(d->fdb, key) == 0)
			vb->fdb_changes++;
	}
}

static void fabric_flood_vtep(void *ctx, uint16_t vni_idx, uint32_t vtep_ip, bool add)
{
	struct fabric *vb = ctx;
	struct vtepd *d = vb->d;
	struct vtepd_vni *v = &d->vnis[vni_idx];
	uint16_t id;

	if (vtepd_vtep_get(d, vtep_ip, false, &id) != 0)
		return;
	for (uint16_t i = 0; i < v->n_flood; i++) {
		if (v->flood[i] != id)
			continue;
		if (!add) {
			v->flood[i] = v->flood[--v->n_flood];
			d->topology_dirty = true;
		}
		return;
	}
	if (add && v->n_flood < VTEPD_MAX_FLOOD) {
		v->flood[v->n_flood++] = id;
		d->topology_dirty = true;
	}
}

static void fabric_advertise(void *ctx, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky,
				bool withdraw)
{
	struct fabric *vb = ctx;

	evpn_adv_all(&vb->adv, r, vni_idx, seq, sticky, withdraw);
}

static void fabric_remote_ip(void *ctx, uint16_t vni_idx, uint32_t ip, const uint8_t mac[6], bool add)
{
	struct fabric *vb = ctx;
	struct vtepd *d = vb->d;

	if (!d->arp)
		return;
	if (add) {
		if (arp_table_set(d->arp, vni_idx, ip, mac) != 0)
			d->stats.arp_table_full++;   /* ARP for it is flooded instead of answered */
	} else
		arp_table_del(d->arp, vni_idx, ip);
}

static void fabric_duplicate(void *ctx, uint16_t vni_idx, const uint8_t mac[6])
{
	struct fabric *vb = ctx;

	vlog_vni(VLOG_WARN, vb->d->vnis[vni_idx].vni, "evpn: MAC %02x:%02x:%02x:%02x:%02x:%02x in VNI %u moved %u times within %u s: frozen "
			"as a duplicate", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], vb->d->vnis[vni_idx].vni,
	     vb->d->cfg.bgp.dup_max_moves, vb->d->cfg.bgp.dup_window_sec);
}

/* An FDB entry leaves: a local MAC that aged out or whose port went away is withdrawn. */
static void fabric_fdb_removed(const struct fdb_entry *e, void *arg)
{
	struct fabric *vb = arg;
	uint8_t mac[6];

	if (fdb_dest_is_vtep(e->dest) || (e->flags & FDB_F_STATIC))
		return;
	fdb_key_mac(e->key, mac);
	evpn_rib_local_mac(vb->rib, fdb_key_vni_idx(e->key), mac, false, false);
}

/* Local MACs that existed before the speaker: feed them to the RIB once. */
static int fabric_seed_one(const struct fdb_entry *e, void *arg)
{
	struct fabric *vb = arg;
	uint8_t mac[6];

	if (fdb_dest_is_vtep(e->dest) || (e->flags & FDB_F_STATIC))
		return 0;
	fdb_key_mac(e->key, mac);
	evpn_rib_local_mac(vb->rib, fdb_key_vni_idx(e->key), mac, true, false);
	return 0;
}

static void fabric_seed(struct fabric *vb)
{
	struct vtepd *d = vb->d;

	fdb_walk(d->fdb, fabric_seed_one, vb);
	for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
		const struct vtepd_port *p = &d->ports[s];

		if (p->in_use && p->conf.has_mac && p->conf.has_ip)
			evpn_rib_local_ip(vb->rib, p->vni_idx, p->conf.mac, p->conf.ip);
	}
}

/* ---- the L3 leaf ---- */

/*
 * The RIB's best route of a VRF prefix changed or went (r->vtep_ip 0): counted per VRF and
 * installed in the VRF's route table (a MAC+IP route as a host route, a type 5 as its
 * prefix, next hop the remote VTEP, its router MAC and the L3 VNI; vrfs.c).
 */
static void fabric_l3_route(void *ctx, const struct evpn_rib_l3 *r)
{
	struct fabric *vb = ctx;
	struct route_prefix p;
	uint32_t a4;

	for (uint32_t i = 0; i < vb->d->cfg.n_vrfs; i++) {
		if (vb->vrfs[i].l3vni != r->l3vni)
			continue;
		if (r->vtep_ip)
			vb->vrf_stats[i].l3_updates++;
		else
			vb->vrf_stats[i].l3_withdrawals++;
		memcpy(&a4, r->prefix, 4);
		if ((r->ip_len == 32 ? route_prefix_v4(&p, ntohl(a4), r->prefix_len)
				     : route_prefix_v6(&p, r->prefix, r->prefix_len)) != 0)
			return;
		vtepd_vrf_remote(vb->d, (uint16_t)i, &p, r->source == EVPN_RT_MAC_IP, r->vtep_ip, r->rmac, r->vni);
		return;
	}
}

/*
 * A batch of received routes comes: look their FDB, ARP and route-table keys up in bulk first
 * (rte_hash's bulk lookup prefetches every key's buckets together), so that the calls for
 * each route that follow find the buckets in the cache instead of waiting for them one by one.
 */
static void fabric_prefetch(void *ctx, uint32_t l3vni, const struct evpn_rib_ahead *a, size_t n)
{
	struct fabric *vb = ctx;
	struct vtepd *d = vb->d;
	uint64_t fdb_keys[64];
	uint16_t arp_vni[64];
	uint32_t arp_ip[64];
	struct route_prefix pfx[64];
	unsigned n_fdb = 0, n_arp = 0, n_pfx = 0;
	struct route_rib *rib = NULL;

	for (uint32_t i = 0; l3vni && i < d->cfg.n_vrfs && i < d->n_vrfs; i++)
		if (vb->vrfs[i].l3vni == l3vni)
			rib = d->vrfs[i].rib;
	for (size_t i = 0; i < n && i < 64; i++) {
		uint32_t a4;

		memcpy(&a4, a[i].ip, 4);
		if (a[i].vni_idx != UINT16_MAX) {
			fdb_keys[n_fdb++] = fdb_key(a[i].vni_idx, a[i].mac);
			if (a[i].ip_len == 32 && d->arp) {
				arp_vni[n_arp] = a[i].vni_idx;
				arp_ip[n_arp++] = a4;
			}
		}
		if (a[i].l3 && rib &&
		    (a[i].ip_len == 32 ? route_prefix_v4(&pfx[n_pfx], ntohl(a4), a[i].prefix_len)
				       : route_prefix_v6(&pfx[n_pfx], a[i].ip, a[i].prefix_len)) == 0)
			n_pfx++;
	}
	if (n_fdb)
		fdb_prefetch(d->fdb, fdb_keys, n_fdb);
	if (n_arp)
		arp_table_prefetch(d->arp, arp_vni, arp_ip, n_arp);
	if (n_pfx)
		route_rib_prefetch(rib, pfx, n_pfx);
}

void fabric_router_mac(const struct vtepd *d, size_t vrf, uint8_t mac[6])
{
	if (vrf >= d->cfg.n_vrfs)
		memset(mac, 0, 6);
	else if (!d->cfg.vrfs[vrf].router_mac_auto)
		memcpy(mac, d->cfg.vrfs[vrf].router_mac, 6);
	else
		memcpy(mac, d->n_uplinks ? d->uplinks[0].mac : d->underlay_mac, 6);
}

/* The route target ASN:value of an auto RT, as the RIB makes the VNIs' (a 4-octet AS: its form). */
static uint64_t fabric_auto_rt(uint32_t asn, uint32_t value)
{
	return asn > 0xffff ? evpn_ec_rt_as4(asn, (uint16_t)value) : evpn_ec_rt_as2((uint16_t)asn, value);
}

static bool fabric_prefix_known(const struct fabric *vb, const struct evpn_adv_prefix *pf)
{
	for (size_t i = 0; i < vb->n_prefixes; i++) {
		const struct evpn_adv_prefix *o = &vb->prefixes[i];

		if (o->vrf == pf->vrf && o->ip_len == pf->ip_len && o->prefix_len == pf->prefix_len &&
		    !memcmp(o->prefix, pf->prefix, 16))
			return true;
	}
	return false;
}

static void fabric_prefix_add(struct fabric *vb, uint16_t vrf, uint8_t ip_len, const uint8_t *addr, uint8_t len)
{
	struct evpn_adv_prefix pf = { .vrf = vrf, .ip_len = ip_len, .prefix_len = len };

	memcpy(pf.prefix, addr, ip_len / 8);
	/* a gateway's subnet: clear the host bits */
	for (unsigned b = len; b < ip_len; b++)
		pf.prefix[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	if (!fabric_prefix_known(vb, &pf))
		vb->prefixes[vb->n_prefixes++] = pf;
}

/*
 * The configured IP-VRFs: RD (auto: router-id:(3 + index), as NX-OS numbers IP-VRFs), route
 * targets (auto: ASN:L3VNI, imported from any AS too), router MAC, the VRF of each VNI, and the
 * type-5 prefixes (advertise, and with advertise_subnets the gateway subnets of its VNIs).
 */
/* VRF i's RD, RTs, router MAC (what our routes carry and what it imports), and its advertise prefixes. */
static void fabric_vrf_fill(struct fabric *vb, uint16_t i)
{
	const struct vtep_config *cfg = &vb->d->cfg;
	const struct vtep_vrf_config *vc = &cfg->vrfs[i];
	struct evpn_adv_vrf *av = &vb->vrfs[i];
	struct evpn_rib_vrf *rv = &vb->rib_vrfs[i];
	uint64_t auto_rt = fabric_auto_rt(cfg->bgp.asn, vc->l3vni);

	memset(av, 0, sizeof(*av));
	memset(rv, 0, sizeof(*rv));
	memset(&vb->vrf_stats[i], 0, sizeof(vb->vrf_stats[i]));
	if (!vc->l3vni)
		return;            /* the slot of a VRF deleted at run time */
	av->l3vni = rv->l3vni = vc->l3vni;
	if (vc->has_rd)
		memcpy(av->rd, vc->rd, 8);
	else
		evpn_rd_type1(av->rd, cfg->bgp.router_id, EVPN_RIB_AUTO_RD_VRF(i));
	fabric_router_mac(vb->d, i, av->rmac);
	if (!(av->rmac[0] | av->rmac[1] | av->rmac[2] | av->rmac[3] | av->rmac[4] | av->rmac[5]))
		vlog(VLOG_WARN, "bgp: VRF %s has no router MAC (router_mac auto and no uplink MAC): peers "
				"cannot route to it", vc->name);
	if (vc->n_rt_export) {
		av->n_export = (uint8_t)(vc->n_rt_export < EVPN_RIB_MAX_RT ? vc->n_rt_export : EVPN_RIB_MAX_RT);
		memcpy(av->export_rt, vc->rt_export, av->n_export * sizeof(av->export_rt[0]));
	} else {
		av->export_rt[0] = auto_rt;
		av->n_export = 1;
	}
	if (vc->n_rt_import) {
		rv->n_import = (uint8_t)(vc->n_rt_import < EVPN_RIB_MAX_RT ? vc->n_rt_import : EVPN_RIB_MAX_RT);
		memcpy(rv->import, vc->rt_import, rv->n_import * sizeof(rv->import[0]));
	} else {
		rv->import[0] = auto_rt;
		rv->n_import = 1;
		rv->auto_rt = true;
	}
	for (uint32_t k = 0; k < vc->n_prefix4; k++)
		fabric_prefix_add(vb, i, 32, (const uint8_t *)&vc->prefix4[k].addr, vc->prefix4[k].len);
	for (uint32_t k = 0; k < vc->n_prefix6; k++)
		fabric_prefix_add(vb, i, 128, vc->prefix6[k].addr, vc->prefix6[k].len);
}

/* The RIB's VRFs: those that exist (a VRF deleted at run time leaves a hole in vb->rib_vrfs). */
static int fabric_rib_vrfs_set(struct fabric *vb)
{
	struct evpn_rib_vrf list[VTEP_MAX_VRFS];
	size_t n = 0;

	for (uint32_t i = 0; i < vb->d->cfg.n_vrfs && i < VTEP_MAX_VRFS; i++)
		if (vb->rib_vrfs[i].l3vni)
			list[n++] = vb->rib_vrfs[i];
	return evpn_rib_set_vrfs(vb->rib, list, n);
}

/*
 * The configured IP-VRFs: RD (auto: router-id:(3 + index), as NX-OS numbers IP-VRFs), route
 * targets (auto: ASN:L3VNI, imported from any AS too), router MAC, the VRF of each VNI, and the
 * type-5 prefixes (advertise, and with advertise_subnets the gateway subnets of its VNIs).
 * Set up without VRFs too: 'vrf add' may add some at run time.
 */
static int fabric_l3_setup(struct fabric *vb)
{
	const struct vtep_config *cfg = &vb->d->cfg;
	struct vtepd *d = vb->d;
	size_t max = 0;
	int rc;

	for (uint16_t i = 0; i < VTEP_MAX_VNIS; i++)
		vb->vni_vrf[i] = EVPN_ADV_NO_VRF;
	for (uint32_t i = 0; i < cfg->n_vrfs; i++)
		max += cfg->vrfs[i].n_prefix4 + cfg->vrfs[i].n_prefix6;
	max += 2u * VTEP_MAX_VNIS;       /* the gateway subnets of VNIs added at run time too */
	max += (size_t)VTEP_MAX_VRFS * VTEP_VRF_MAX_PREFIXES;   /* and the advertise prefixes of VRFs added so */
	vb->prefixes = calloc(max + 1, sizeof(*vb->prefixes));   /* + 1: never calloc(0) */
	if (!vb->prefixes)
		return ENOMEM;
	for (uint32_t i = 0; i < cfg->n_vrfs; i++)
		fabric_vrf_fill(vb, (uint16_t)i);
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		const struct vtep_vni_config *vc = d->vnis[i].vni ? vtep_config_find_vni(cfg, d->vnis[i].vni) : NULL;

		if (!vc || vc->vrf >= cfg->n_vrfs)
			continue;
		vb->vni_vrf[i] = vc->vrf;
		if (!cfg->vrfs[vc->vrf].advertise_subnets)
			continue;
		if (vc->gw4_on)
			fabric_prefix_add(vb, vc->vrf, 32, (const uint8_t *)&vc->gw4, vc->gw4_len);
		if (vc->gw6_on)
			fabric_prefix_add(vb, vc->vrf, 128, vc->gw6, vc->gw6_len);
	}
	rc = fabric_rib_vrfs_set(vb);
	if (rc) {
		vlog(VLOG_ERR, "bgp: the RIB refused the VRFs: %s", strerror(rc));
		return rc;
	}
	evpn_adv_set_l3(&vb->adv, &(struct evpn_adv_l3){
		.vrfs = vb->vrfs, .n_vrfs = cfg->n_vrfs, .vni_vrf = vb->vni_vrf, .n_vnis = VTEP_MAX_VNIS,
		.prefixes = vb->prefixes, .n_prefixes = vb->n_prefixes,
	});
	return 0;
}

/* VNI vi's gateway subnets as type-5 routes of its VRF (advertise_subnets): announced, or withdrawn. */
static void fabric_vni_subnets(struct fabric *vb, uint16_t vi, bool add)
{
	const struct vtep_config *cfg = &vb->d->cfg;
	const struct vtep_vni_config *vc = &cfg->vnis[vi];
	size_t before = vb->n_prefixes;

	if (vc->vrf >= cfg->n_vrfs || !cfg->vrfs[vc->vrf].advertise_subnets || !vb->prefixes)
		return;
	if (add) {
		if (vc->gw4_on)
			fabric_prefix_add(vb, vc->vrf, 32, (const uint8_t *)&vc->gw4, vc->gw4_len);
		if (vc->gw6_on)
			fabric_prefix_add(vb, vc->vrf, 128, vc->gw6, vc->gw6_len);
		for (size_t i = before; i < vb->n_prefixes; i++)
			for (size_t p = 0; p < bgp_peer_count(vb->bgp); p++)
				evpn_adv_send_prefix(&vb->adv, bgp_peer_at(vb->bgp, p), &vb->vrfs[vc->vrf],
						     vb->prefixes[i].ip_len, vb->prefixes[i].prefix,
						     vb->prefixes[i].prefix_len, false);
	} else {
		/* the VNI's subnets are its own in the VRF (no overlap); a configured advertise entry stays */
		for (size_t i = 0; i < vb->n_prefixes; i++) {
			struct evpn_adv_prefix *pf = &vb->prefixes[i];
			const struct vtep_vrf_config *vrf = &cfg->vrfs[vc->vrf];
			uint8_t net[16] = { 0 };
			bool mine = false, configured = false;

			if (pf->vrf != vc->vrf)
				continue;
			if (pf->ip_len == 32 && vc->gw4_on && pf->prefix_len == vc->gw4_len) {
				memcpy(net, &vc->gw4, 4);
				mine = true;
			} else if (pf->ip_len == 128 && vc->gw6_on && pf->prefix_len == vc->gw6_len) {
				memcpy(net, vc->gw6, 16);
				mine = true;
			}
			for (unsigned b = pf->prefix_len; mine && b < pf->ip_len; b++)
				net[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
			if (!mine || memcmp(net, pf->prefix, pf->ip_len / 8))
				continue;
			for (uint32_t k = 0; k < vrf->n_prefix4 && pf->ip_len == 32; k++)
				configured |= vrf->prefix4[k].len == pf->prefix_len && !memcmp(&vrf->prefix4[k].addr, pf->prefix, 4);
			for (uint32_t k = 0; k < vrf->n_prefix6 && pf->ip_len == 128; k++)
				configured |= vrf->prefix6[k].len == pf->prefix_len && !memcmp(vrf->prefix6[k].addr, pf->prefix, 16);
			if (configured)
				continue;
			for (size_t p = 0; p < bgp_peer_count(vb->bgp); p++)
				evpn_adv_send_prefix(&vb->adv, bgp_peer_at(vb->bgp, p), &vb->vrfs[vc->vrf], pf->ip_len,
						     pf->prefix, pf->prefix_len, true);
			vb->prefixes[i--] = vb->prefixes[--vb->n_prefixes];
		}
	}
	vb->adv.l3.n_prefixes = vb->n_prefixes;
}

/*
 * The switch's hook: VNI index vi was added at run time (it is published: its RD and RTs are
 * the automatic ones, our type 3 goes out, routes received for it are imported) or goes
 * (our routes withdrawn, received ones unimported, while the fast path still carries it).
 */
static void fabric_vni(struct vtepd *d, uint16_t vi, bool present)
{
	struct fabric *vb = d->fabric;
	const struct vtep_vni_config *vc = &d->cfg.vnis[vi];

	if (!vb)
		return;
	if (present) {
		if (evpn_rib_add_vni(vb->rib, vi, vc->vni, vc->has_rd ? vc->rd : NULL, vc->rt_import, vc->n_rt_import,
				     vc->rt_export, vc->n_rt_export) != 0)
			return;
		vb->vni_vrf[vi] = vc->vrf < d->cfg.n_vrfs ? vc->vrf : EVPN_ADV_NO_VRF;
		evpn_rib_vni_start(vb->rib, vi);
		fabric_vni_subnets(vb, vi, true);
	} else {
		fabric_vni_subnets(vb, vi, false);
		evpn_rib_del_vni(vb->rib, vi);
		vb->vni_vrf[vi] = EVPN_ADV_NO_VRF;
	}
}

/*
 * The switch's hook: VRF index k was added at run time (its table exists: routes received
 * before for its RTs are imported now, its advertise prefixes go out) or goes (no VNI is in
 * it: its type-5 routes are withdrawn, received routes leave its table, while it exists).
 */
static void fabric_vrf_hook(struct vtepd *d, uint16_t k, bool present)
{
	struct fabric *vb = d->fabric;
	size_t before;
	int rc;

	if (!vb || k >= VTEP_MAX_VRFS)
		return;
	if (present) {
		before = vb->n_prefixes;
		fabric_vrf_fill(vb, k);
		vb->adv.l3.n_vrfs = d->cfg.n_vrfs;
		vb->adv.l3.n_prefixes = vb->n_prefixes;
		if ((rc = fabric_rib_vrfs_set(vb)))
			vlog(VLOG_ERR, "bgp: the RIB refused VRF %s: %s", d->cfg.vrfs[k].name, strerror(rc));
		for (size_t i = before; i < vb->n_prefixes; i++)
			for (size_t p = 0; p < bgp_peer_count(vb->bgp); p++)
				evpn_adv_send_prefix(&vb->adv, bgp_peer_at(vb->bgp, p), &vb->vrfs[k],
						     vb->prefixes[i].ip_len, vb->prefixes[i].prefix,
						     vb->prefixes[i].prefix_len, false);
		return;
	}
	for (size_t i = 0; i < vb->n_prefixes; i++) {
		const struct evpn_adv_prefix *pf = &vb->prefixes[i];

		if (pf->vrf != k)
			continue;
		for (size_t p = 0; p < bgp_peer_count(vb->bgp); p++)
			evpn_adv_send_prefix(&vb->adv, bgp_peer_at(vb->bgp, p), &vb->vrfs[k], pf->ip_len, pf->prefix,
					     pf->prefix_len, true);
		vb->prefixes[i--] = vb->prefixes[--vb->n_prefixes];
	}
	vb->adv.l3.n_prefixes = vb->n_prefixes;
	/* out of the RIB's VRFs: what it imported leaves its table (fabric_l3_route still finds it) */
	memset(&vb->rib_vrfs[k], 0, sizeof(vb->rib_vrfs[k]));
	if ((rc = fabric_rib_vrfs_set(vb)))
		vlog(VLOG_ERR, "bgp: the RIB refused the VRFs without %s: %s", d->cfg.vrfs[k].name, strerror(rc));
	memset(&vb->vrfs[k], 0, sizeof(vb->vrfs[k]));
	memset(&vb->vrf_stats[k], 0, sizeof(vb->vrf_stats[k]));
}

/* ---- the daemon's entry points ---- */

/* A configured neighbour as the session layer takes it. */
static void fabric_peer_cfg(const struct vtep_bgp_neighbor_config *n, struct bgp_peer_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->addr = n->address;
	pc->remote_as = n->remote_as;
	pc->passive = n->passive;
	pc->hold_time = n->hold_time;
	pc->max_routes = n->max_routes;
	pc->ttl_security = n->ttl_security;
	pc->source_addr = n->update_source;
	pc->has_local_pref = n->has_local_pref;
	pc->local_pref = n->local_pref;
	snprintf(pc->password, sizeof(pc->password), "%s", n->password);
	snprintf(pc->description, sizeof(pc->description), "%s", n->description);
	snprintf(pc->source_ifname, sizeof(pc->source_ifname), "%s", n->update_source_if);
}

int fabric_start(struct vtepd *d)
{
	const struct vtep_bgp_config *bc = &d->cfg.bgp;
	struct fabric *vb;
	struct evpn_rib_config rc = {
		.asn = bc->asn, .router_id = bc->router_id, .vtep_ip = d->cfg.source_ip,
		.rt_match_vni_only = bc->rt_match_vni_only, .dup_max_moves = bc->dup_max_moves,
		.dup_window_sec = bc->dup_window_sec, .expected_routes = d->cfg.mac_table_size,
		.local_pref = bc->local_pref,
	};
	static const struct evpn_rib_ops rib_ops = {
		.remote_mac = fabric_remote_mac, .flood_vtep = fabric_flood_vtep,
		.advertise = fabric_advertise, .duplicate = fabric_duplicate, .remote_ip = fabric_remote_ip,
		.l3_route = fabric_l3_route, .prefetch = fabric_prefetch,
	};
	static const struct bgp_ops bgp_ops = {
		.established = fabric_established, .down = fabric_down, .update = fabric_update,
		.refresh = fabric_refresh, .log = fabric_log,
	};
	struct bgp_local local = {
		/* no local_addr: listen on every address (or bgp.listen), connect from the neighbour's update source */
		.asn = bc->asn, .router_id = bc->router_id, .port = bc->port, .n_listen = bc->n_listen,
		.hold_time = bc->hold_time, .graceful_restart = bc->graceful_restart, .gr_time = bc->restart_time,
	};
	struct epoll_event ev = { .events = EPOLLIN };
	int rc2;

	if (!bc->enabled)
		return 0;
	vb = calloc(1, sizeof(*vb));
	if (!vb)
		return ENOMEM;
	vb->d = d;
	snprintf(local.hostname, sizeof(local.hostname), "%s", d->cfg.name);
	memcpy(local.listen, bc->listen, bc->n_listen * sizeof(local.listen[0]));
	vb->rib = evpn_rib_new(&rc, &rib_ops, vb);
	if (!vb->rib) {
		free(vb);
		return ENOMEM;
	}
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		const struct vtep_vni_config *vc = vtep_config_find_vni(&d->cfg, d->vnis[i].vni);

		if (!d->vnis[i].vni)
			continue;      /* a free slot */
		evpn_rib_add_vni(vb->rib, i, d->vnis[i].vni, vc && vc->has_rd ? vc->rd : NULL, vc ? vc->rt_import : NULL,
				 vc ? vc->n_rt_import : 0, vc ? vc->rt_export : NULL, vc ? vc->n_rt_export : 0);
	}
	vb->bgp = bgp_new(&local, &bgp_ops, vb);
	if (!vb->bgp) {
		evpn_rib_free(vb->rib);
		free(vb);
		return ENOMEM;
	}
	/* the next hop of our routes stays the VTEP address, whatever address the session runs on */
	evpn_adv_init(&vb->adv, vb->bgp, vb->rib, bc->asn, d->cfg.source_ip, bc->advertise_local);
	vb->adv.local_pref = bc->local_pref;
	rc2 = fabric_l3_setup(vb);
	if (rc2) {
		bgp_free(vb->bgp);
		evpn_rib_free(vb->rib);
		free(vb->prefixes);
		free(vb);
		return rc2;
	}
	for (uint32_t i = 0; i < bc->n_neighbors; i++) {
		struct bgp_peer_config pc;

		fabric_peer_cfg(&bc->neighbors[i], &pc);
		bgp_add_peer(vb->bgp, &pc, NULL);
	}
	vb->globals = *bc;
	vb->globals.neighbors = NULL;
	vb->globals.n_neighbors = 0;
	d->fabric = vb;
	d->hooks.local_mac = fabric_local_mac;
	d->hooks.local_ip = fabric_local_ip;
	d->hooks.local_ip6 = fabric_local_ip6;
	d->hooks.local_ip_del = fabric_local_ip_del;
	d->hooks.vni = fabric_vni;
	d->hooks.vrf = fabric_vrf_hook;
	fdb_set_remove_cb(d->fdb, fabric_fdb_removed, vb);
	fabric_seed(vb);
	rc2 = bgp_start(vb->bgp);
	if (rc2) {
		vlog(VLOG_ERR, "bgp: cannot start: %s", strerror(rc2));
		return rc2;
	}
	ev.data.fd = bgp_fd(vb->bgp);
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, ev.data.fd, &ev) != 0)
		return errno;
	vlog(VLOG_INFO, "bgp: AS %u, router id %s, %u neighbours", bc->asn,
	     inet_ntoa((struct in_addr){ bc->router_id }), bc->n_neighbors);
	return 0;
}

int fabric_fd(const struct vtepd *d)
{
	return d->fabric ? bgp_fd(d->fabric->bgp) : -1;
}

void fabric_process(struct vtepd *d)
{
	if (d->fabric)
		bgp_process(d->fabric->bgp);
}

/*
 * A port's own MAC (attached with it, pinned) that MAC mobility gave to another leaf (a higher
 * sequence there: a copy of the container started elsewhere while this one was still attached)
 * and whose remote route has gone since (that copy removed, a migration rolled back, that leaf
 * down): the port is still here, so the MAC is pinned to it again and advertised at once, as at
 * attach, not only when the container next speaks (until then it was flooded to, and nothing
 * advertised it). Outside the RIB's callbacks: in the tick after the route went.
 */
static void fabric_reclaim_ports(struct fabric *vb)
{
	struct vtepd *d = vb->d;

	for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
		const struct vtepd_port *p = &d->ports[s];
		struct evpn_rib_mac_info mi;

		if (!p->in_use || !p->conf.has_mac || p->vni_idx >= d->n_vnis ||
		    fdb_lookup(d->fdb, fdb_key(p->vni_idx, p->conf.mac)))
			continue;
		evpn_rib_mac_info(vb->rib, p->vni_idx, p->conf.mac, &mi);
		if (mi.remote)
			continue;   /* still elsewhere (its entry is on the way) */
		if (fdb_install(d->fdb, fdb_key(p->vni_idx, p->conf.mac), fdb_dest_port((uint32_t)s), FDB_F_PORT)) {
			d->stats.learn_errors++;
			continue;
		}
		vb->fdb_changes++;
		evpn_rib_local_mac(vb->rib, p->vni_idx, p->conf.mac, true, false);
		if (p->conf.has_ip) {
			evpn_rib_local_ip(vb->rib, p->vni_idx, p->conf.mac, p->conf.ip);
			vtepd_vrf_host(d, (uint16_t)s, p->conf.mac, p->conf.ip, false);
		}
		vlog_port(VLOG_INFO, p->conf.name, "port %s: its MAC %02x:%02x:%02x:%02x:%02x:%02x is no longer behind another leaf: "
				"back on the port and advertised", p->conf.name, p->conf.mac[0], p->conf.mac[1],
		     p->conf.mac[2], p->conf.mac[3], p->conf.mac[4], p->conf.mac[5]);
	}
}

void fabric_tick(struct vtepd *d)
{
	struct fabric *vb = d->fabric;
	uint64_t now;

	if (!vb)
		return;
	if (vb->reclaim) {
		vb->reclaim = false;
		fabric_reclaim_ports(vb);
	}
	now = fabric_now_ms();
	bgp_tick(vb->bgp, now);
	for (size_t i = 0; i < bgp_peer_count(vb->bgp) && i < VTEP_BGP_MAX_NEIGHBORS; i++) {
		if (vb->stale_deadline_ms[i] && now >= vb->stale_deadline_ms[i]) {
			vb->stale_deadline_ms[i] = 0;
			evpn_rib_peer_flush_stale(vb->rib, bgp_peer_config(bgp_peer_at(vb->bgp, i))->addr);
		}
	}
}

void fabric_local_mac(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], bool present)
{
	if (d->fabric)
		evpn_rib_local_mac(d->fabric->rib, vni_idx, mac, present, false);
}

void fabric_local_ip(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], uint32_t ip)
{
	if (d->fabric)
		evpn_rib_local_ip(d->fabric->rib, vni_idx, mac, ip);
}

void fabric_local_ip6(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], const uint8_t ip6[16])
{
	if (d->fabric)
		evpn_rib_local_ip6(d->fabric->rib, vni_idx, mac, ip6);
}

void fabric_local_ip_del(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], uint8_t ip_len, const void *ip)
{
	if (d->fabric)
		evpn_rib_local_ip_del(d->fabric->rib, vni_idx, mac, ip_len, ip);
}

void fabric_stop(struct vtepd *d)
{
	struct fabric *vb = d->fabric;

	if (!vb)
		return;
	fdb_set_remove_cb(d->fdb, NULL, NULL);
	bgp_free(vb->bgp);
	evpn_rib_free(vb->rib);
	free(vb->prefixes);
	free(vb);
	d->fabric = NULL;
	d->hooks.local_mac = NULL;
	d->hooks.local_ip = NULL;
	d->hooks.local_ip6 = NULL;
	d->hooks.local_ip_del = NULL;
	d->hooks.vni = NULL;
	d->hooks.vrf = NULL;
}

uint64_t fabric_fdb_changed_us(const struct vtepd *d)
{
	return d->fabric ? d->fabric->fdb_changed_us : 0;
}

struct evpn_rib *fabric_rib(const struct vtepd *d)
{
	return d->fabric ? d->fabric->rib : NULL;
}

struct bgp *fabric_speaker(const struct vtepd *d)
{
	return d->fabric ? d->fabric->bgp : NULL;
}

const struct evpn_adv_vrf *fabric_vrf(const struct vtepd *d, size_t i)
{
	return d->fabric && i < d->cfg.n_vrfs ? &d->fabric->vrfs[i] : NULL;
}

const struct evpn_rib_vrf *fabric_rib_vrf(const struct vtepd *d, size_t i)
{
	return d->fabric && i < d->cfg.n_vrfs ? &d->fabric->rib_vrfs[i] : NULL;
}

void fabric_vrf_get_stats(const struct vtepd *d, size_t i, struct fabric_vrf_stats *st)
{
	if (d->fabric && i < d->cfg.n_vrfs)
		*st = d->fabric->vrf_stats[i];
	else
		memset(st, 0, sizeof(*st));
}

const struct evpn_adv_prefix *fabric_prefixes(const struct vtepd *d, size_t *n)
{
	*n = d->fabric ? d->fabric->n_prefixes : 0;
	return d->fabric ? d->fabric->prefixes : NULL;
}

/* ---- neighbours changed at run time (the configuration reload) ---- */

/* The first global bgp setting that differs (the configuration key), NULL when none does. */
static const char *fabric_global_change(const struct vtep_bgp_config *a, const struct vtep_bgp_config *b)
{
	if (a->asn != b->asn)
		return "bgp.asn";
	if (a->router_id != b->router_id)
		return "bgp.router_id";
	if (a->hold_time != b->hold_time)
		return "bgp.hold_time";
	if (a->port != b->port)
		return "bgp.port";
	if (a->graceful_restart != b->graceful_restart)
		return "bgp.graceful_restart";
	if (a->restart_time != b->restart_time)
		return "bgp.restart_time";
	if (a->rt_match_vni_only != b->rt_match_vni_only)
		return "bgp.rt_match_vni_only";
	if (a->advertise_local != b->advertise_local)
		return "bgp.advertise";
	if (a->arp_suppression != b->arp_suppression)
		return "bgp.arp_suppression";
	if (a->dup_max_moves != b->dup_max_moves)
		return "bgp.duplicate_detection.max_moves";
	if (a->dup_window_sec != b->dup_window_sec)
		return "bgp.duplicate_detection.window";
	if (a->n_listen != b->n_listen || memcmp(a->listen, b->listen, a->n_listen * sizeof(a->listen[0])))
		return "bgp.listen";
	if (a->local_pref != b->local_pref)
		return "bgp.local_preference";
	return NULL;
}

static const struct vtep_bgp_neighbor_config *fabric_find_nb(const struct vtep_bgp_config *bc, uint32_t addr)
{
	for (uint32_t i = 0; i < bc->n_neighbors; i++)
		if (bc->neighbors[i].address == addr)
			return &bc->neighbors[i];
	return NULL;
}

/* The index of the running neighbour with this address; bgp_peer_count() when none. */
static size_t fabric_peer_by_addr(const struct fabric *vb, uint32_t addr)
{
	size_t i, n = bgp_peer_count(vb->bgp);

	for (i = 0; i < n && bgp_peer_config(bgp_peer_at(vb->bgp, i))->addr != addr; i++)
		;
	return i;
}

/* Everything the apply step needs checked first, so that it cannot fail half-way for a reason of the file's. */
static int fabric_neighbors_check(const struct fabric *vb, const struct vtep_bgp_config *nb, char *err, size_t errlen)
{
	const char *key;
	char a[INET_ADDRSTRLEN];

	if (!nb->enabled) {
		snprintf(err, errlen, "bgp: the section was removed: needs a restart (BGP cannot be turned off at run time)");
		return EINVAL;
	}
	if ((key = fabric_global_change(&vb->globals, nb))) {
		snprintf(err, errlen, "%s: changed: needs a restart (of the bgp section only the neighbours change at run time)", key);
		return EINVAL;
	}
	if (nb->n_neighbors > VTEP_BGP_MAX_NEIGHBORS) {
		snprintf(err, errlen, "bgp.neighbors: %u neighbours (at most %d)", nb->n_neighbors, VTEP_BGP_MAX_NEIGHBORS);
		return EINVAL;
	}
	for (uint32_t i = 0; i < nb->n_neighbors; i++) {
		const struct vtep_bgp_neighbor_config *n = &nb->neighbors[i];
		struct bgp_peer_config pc;

		fabric_peer_cfg(n, &pc);
		ip_str(n->address, a);
		if (bgp_peer_config_check(&pc)) {
			snprintf(err, errlen, "bgp.neighbors[%u]: %s (line %d): settings the BGP session refuses", i, a, n->line);
			return EINVAL;
		}
		if (fabric_find_nb(nb, n->address) != n) {
			snprintf(err, errlen, "bgp.neighbors[%u]: %s (line %d): listed twice", i, a, n->line);
			return EINVAL;
		}
	}
	return 0;
}

int fabric_neighbors_apply(struct vtepd *d, const struct vtep_bgp_config *new_bgp, bool dry_run, char *err,
			   size_t errlen)
{
	struct fabric *vb = d->fabric;
	unsigned removed = 0, added = 0, changed = 0;
	char a[INET_ADDRSTRLEN], dummy[8];
	int rc;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!vb) {
		/* no speaker: without BGP, or (unit tests) a switch whose speaker was never started */
		if (!new_bgp->enabled || d->cfg.bgp.enabled)
			return 0;
		snprintf(err, errlen, "bgp: the section was added: needs a restart (vtepd runs without BGP)");
		return EINVAL;
	}
	if ((rc = fabric_neighbors_check(vb, new_bgp, err, errlen)) || dry_run)
		return rc;

	/* removed ones first (backwards: the later ones move down), so that there is room for the new */
	for (size_t i = bgp_peer_count(vb->bgp); i-- > 0;) {
		struct bgp_peer *p = bgp_peer_at(vb->bgp, i);
		uint32_t addr = bgp_peer_config(p)->addr;

		if (fabric_find_nb(new_bgp, addr))
			continue;
		bgp_remove_peer(vb->bgp, p);
		/* all its paths, stale ones of a graceful restart too: it was removed on purpose */
		evpn_rib_peer_down(vb->rib, addr, false);
		if (i + 1 < VTEP_BGP_MAX_NEIGHBORS) {
			memmove(&vb->received[i], &vb->received[i + 1], (VTEP_BGP_MAX_NEIGHBORS - i - 1) * sizeof(vb->received[0]));
			memmove(&vb->stale_deadline_ms[i], &vb->stale_deadline_ms[i + 1],
				(VTEP_BGP_MAX_NEIGHBORS - i - 1) * sizeof(vb->stale_deadline_ms[0]));
		}
		vb->received[VTEP_BGP_MAX_NEIGHBORS - 1] = 0;
		vb->stale_deadline_ms[VTEP_BGP_MAX_NEIGHBORS - 1] = 0;
		vlog(VLOG_INFO, "bgp: neighbour %s removed (Cease/Peer De-configured sent); its routes are withdrawn",
		     ip_str(addr, a));
		removed++;
	}
	for (uint32_t k = 0; k < new_bgp->n_neighbors; k++) {
		const struct vtep_bgp_neighbor_config *n = &new_bgp->neighbors[k];
		size_t i = fabric_peer_by_addr(vb, n->address);
		struct bgp_peer_config pc;
		struct bgp_peer *p;
		bool reset = false;

		fabric_peer_cfg(n, &pc);
		ip_str(n->address, a);
		if (i == bgp_peer_count(vb->bgp)) {
			if ((rc = bgp_add_peer(vb->bgp, &pc, NULL)) != 0) {
				snprintf(err, errlen, "bgp.neighbors[%u]: %s (line %d): cannot add it: %s", k, a, n->line,
					 strerror(rc));
				vlog(VLOG_ERR, "bgp: %s", err);
				return rc;
			}
			if (i < VTEP_BGP_MAX_NEIGHBORS)
				vb->received[i] = vb->stale_deadline_ms[i] = 0;
			vlog(VLOG_INFO, "bgp: neighbour %s (AS %u) added", a, n->remote_as);
			added++;
			continue;
		}
		p = bgp_peer_at(vb->bgp, i);
		if ((rc = bgp_peer_reconfigure(p, &pc, &reset)) != 0) {
			snprintf(err, errlen, "bgp.neighbors[%u]: %s (line %d): %s", k, a, n->line, strerror(rc));
			vlog(VLOG_ERR, "bgp: %s", err);
			return rc;
		}
		if (reset) {
			/* routes a graceful restart still kept from it belong to the old settings */
			if (i < VTEP_BGP_MAX_NEIGHBORS && vb->stale_deadline_ms[i]) {
				vb->stale_deadline_ms[i] = 0;
				evpn_rib_peer_down(vb->rib, n->address, false);
			}
			vlog(VLOG_INFO, "bgp: neighbour %s changed: session reset (Cease/Other Configuration Change)", a);
			changed++;
		} else if (pc.max_routes && evpn_rib_peer_paths(vb->rib, pc.addr) > pc.max_routes &&
			   bgp_peer_state(p) == BGP_ST_ESTABLISHED) {
			char why[128];

			snprintf(why, sizeof(why), "peer %s has more than its new max_routes %u routes", a, pc.max_routes);
			vlog(VLOG_WARN, "bgp: %s", why);
			bgp_peer_stop(p, BGP_ERR_CEASE, 1, why);
		}
	}
	if (added || removed || changed)
		vlog(VLOG_INFO, "bgp: neighbours reloaded: %u added, %u removed, %u reset, %zu in all", added, removed,
		     changed, bgp_peer_count(vb->bgp));
	return 0;
}
