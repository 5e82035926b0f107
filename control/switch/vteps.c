/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vteps.c: the remote VTEP table of the control thread and the outer next hop of each
 * VTEP, taken from the kernel's FIB and neighbour table (the kernel owns the underlay).
 * An unresolved next hop asks the kernel to resolve it (ARP) and keeps traffic to that VTEP
 * counted as 'vtep_unresolved' drops until it is; netlink changes trigger re-resolution.
 * Also which VTEPs are known in each VNI (vtep_check), the aging of learned VTEPs, and the
 * removal of the others once nothing names them (an EVPN VTEP whose routes were withdrawn).
 * A removed id is reused only after a snapshot without it was published: until then a reader
 * may still find it in an older snapshot, where it must still mean the removed VTEP.
 * A route may have several equal-cost next hops on several uplinks: each VTEP keeps them
 * all, and the snapshot carries those whose uplink's link is up (the fast path picks one
 * per flow). A link going down takes its next hops out of every VTEP's set at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <stdlib.h>

#include <rte_rcu_qsbr.h>

#include "fdb.h"
#include "log.h"
#include "netlink.h"
#include "switch.h"
#include "vxlan.h"

int vtepd_vtep_get(struct vtepd *d, uint32_t ip, bool dynamic, uint16_t *id)
{
	int free_id = -1;

	/* routes come in runs with one next hop: remember the last answer */
	if (ip && d->vtep_cache_ip == ip && d->vteps[d->vtep_cache_id].ip == ip) {
		if (!dynamic)
			d->vteps[d->vtep_cache_id].dynamic = false;
		*id = d->vtep_cache_id;
		return 0;
	}

	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++) {
		if (d->vteps[i].ip == ip) {
			if (!dynamic)
				d->vteps[i].dynamic = false;
			*id = i;
			d->vtep_cache_ip = ip;
			d->vtep_cache_id = i;
			return 0;
		}
		if (d->vteps[i].ip == 0 && !d->vteps[i].retiring && free_id < 0)
			free_id = i;
	}
	if (free_id < 0) {
		d->stats.vtep_table_full++;
		return ENOSPC;
	}
	memset(&d->vteps[free_id], 0, sizeof(d->vteps[free_id]));
	d->vteps[free_id].ip = ip;
	d->vteps[free_id].dynamic = dynamic;
	*id = (uint16_t)free_id;
	d->topology_dirty = true;
	if (d->underlay_ifindex)
		d->resolve_all = true;
	vlog(VLOG_INFO, "remote VTEP %s added (%s)", inet_ntoa((struct in_addr){ ip }), dynamic ? "learned" : "configured");
	return 0;
}

int vtepd_uplink_find(const struct vtepd *d, int ifindex)
{
	for (uint16_t u = 0; u < d->n_uplinks; u++)
		if (d->uplinks[u].ifindex == ifindex && ifindex > 0)
			return u;
	return -1;
}

static bool vtepd_nexthop_usable(const struct vtepd *d, const struct vtepd_nexthop *nh)
{
	return nh->resolved && nh->uplink < d->n_uplinks && d->uplinks[nh->uplink].up;
}

/* What `show vteps` says of v: resolved, through the first usable next hop. */
static void vtepd_vtep_summary(const struct vtepd *d, struct vtepd_vtep *v)
{
	for (unsigned i = 0; i < v->n_nh; i++) {
		if (vtepd_nexthop_usable(d, &v->nh[i])) {
			v->resolved = true;
			v->ifindex = v->nh[i].ifindex;
			v->gateway = v->nh[i].gateway;
			memcpy(v->mac, v->nh[i].mac, 6);
			return;
		}
	}
	v->resolved = false;
	if (v->n_nh) {
		v->ifindex = v->nh[0].ifindex;
		v->gateway = v->nh[0].gateway;
	}
}

/* Neighbour answers of one resolution pass: VTEPs behind the same gateways ask once. */
#define VTEPD_NEIGH_CACHE 32
struct vtepd_neigh_cache {
	unsigned n;
	struct {
		int ifindex;
		uint32_t ip;
		int rc;
		uint8_t mac[6];
	} e[VTEPD_NEIGH_CACHE];
};

static int vtepd_neigh(struct vtepd_neigh_cache *nc, int ifindex, uint32_t ip, uint8_t mac[6], bool *asked)
{
	int rc;

	*asked = false;
	for (unsigned i = 0; i < nc->n; i++) {
		if (nc->e[i].ifindex == ifindex && nc->e[i].ip == ip) {
			memcpy(mac, nc->e[i].mac, 6);
			return nc->e[i].rc;
		}
	}
	rc = nl_neigh_get(ifindex, ip, mac);
	if (rc) {
		/* Not (or no longer) in the kernel's table: ask for it, once per pass. */
		nl_neigh_resolve(ifindex, ip);
		*asked = true;
	}
	if (nc->n < VTEPD_NEIGH_CACHE) {
		nc->e[nc->n].ifindex = ifindex;
		nc->e[nc->n].ip = ip;
		nc->e[nc->n].rc = rc;
		memcpy(nc->e[nc->n].mac, mac, 6);
		nc->n++;
	}
	return rc;
}

static const char *vtepd_route_error(int rc)
{
	switch (rc) {
	case EXDEV:
		return "route uses another interface";
	case ENETDOWN:
		return "every next hop's interface is down";
	default:
		return strerror(rc);
	}
}

/*
 * The next hops of v: every member of the kernel's route to it that leaves through an uplink
 * (an ECMP route gives several), each with its neighbour's MAC. A next hop whose MAC the
 * kernel is re-resolving keeps the MAC it had meanwhile.
 */
static void vtepd_vtep_resolve_one(struct vtepd *d, struct vtepd_vtep *v, struct vtepd_neigh_cache *nc)
{
	struct nl_nexthop kn[DP_MAX_NEXTHOPS];
	struct vtepd_nexthop nh[DP_MAX_NEXTHOPS];
	bool was_resolved = v->resolved;
	unsigned n_kn = 0, n = 0, dead = 0;
	int rc, nerr = 0;

	d->stats.resolutions++;
	rc = nl_route_get_nexthops(v->ip, kn, DP_MAX_NEXTHOPS, &n_kn);
	for (unsigned i = 0; rc == 0 && i < n_kn; i++) {
		int u = vtepd_uplink_find(d, kn[i].ifindex);
		struct vtepd_nexthop *h = &nh[n];
		uint8_t mac[6] = { 0 };
		bool asked;
		int nrc;

		if (u < 0)
			continue;
		if (kn[i].dead) {
			dead++;
			continue;
		}
		memset(h, 0, sizeof(*h));
		h->ifindex = kn[i].ifindex;
		h->uplink = (uint16_t)u;
		h->gateway = kn[i].gateway;
		for (unsigned j = 0; j < v->n_nh; j++) {
			if (v->nh[j].ifindex == h->ifindex && v->nh[j].gateway == h->gateway && v->nh[j].resolved) {
				h->resolved = true;
				memcpy(h->mac, v->nh[j].mac, 6);
			}
		}
		nrc = vtepd_neigh(nc, h->ifindex, h->gateway ? h->gateway : v->ip, mac, &asked);
		if (nrc == 0) {
			h->resolved = true;
			memcpy(h->mac, mac, 6);
		} else {
			nerr = nrc;
			v->resolve_requests += asked;
		}
		n++;
	}
	if (rc == 0 && n == 0)
		rc = dead ? ENETDOWN : EXDEV;   /* no member through a (live) uplink */
	if (rc) {
		if (v->resolved || v->last_error != rc)
			vlog(VLOG_WARN, "remote VTEP %s: no route through the underlay (%s)",
			     inet_ntoa((struct in_addr){ v->ip }), vtepd_route_error(rc));
		if (v->n_nh)
			d->topology_dirty = true;
		v->n_nh = 0;
		v->resolved = false;
		v->last_error = rc;
		return;
	}
	if (n != v->n_nh || memcmp(nh, v->nh, n * sizeof(nh[0])) != 0) {
		d->topology_dirty = true;
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *m = nh[i].mac;
			bool known = false;

			for (unsigned j = 0; j < v->n_nh && !known; j++)
				known = !memcmp(&v->nh[j], &nh[i], sizeof(nh[i]));
			if (!known && nh[i].resolved)
				vlog(VLOG_INFO, "remote VTEP %s: next hop %02x:%02x:%02x:%02x:%02x:%02x on %s%s%s",
				     inet_ntoa((struct in_addr){ v->ip }), m[0], m[1], m[2], m[3], m[4], m[5],
				     d->uplinks[nh[i].uplink].ifname, nh[i].gateway ? " (via gateway)" : "",
				     n > 1 ? " (equal-cost)" : "");
		}
		memset(v->nh, 0, sizeof(v->nh));
		memcpy(v->nh, nh, n * sizeof(nh[0]));
		v->n_nh = (uint8_t)n;
	}
	vtepd_vtep_summary(d, v);
	if (v->resolved != was_resolved)
		d->topology_dirty = true;
	v->last_error = v->resolved ? 0 : nerr ? nerr : ENETDOWN;
}

void vtepd_vteps_resolve(struct vtepd *d, bool all)
{
	struct vtepd_neigh_cache nc;

	nc.n = 0;
	for (unsigned i = 0; i < VTEP_MAX_VTEPS; i++) {
		struct vtepd_vtep *v = &d->vteps[i];

		if (v->ip && (all || !v->resolved))
			vtepd_vtep_resolve_one(d, v, &nc);
	}
}

void vtepd_uplink_link(struct vtepd *d, uint16_t u, bool up)
{
	struct vtepd_uplink *ul;

	if (u >= d->n_uplinks || d->uplinks[u].up == up)
		return;
	ul = &d->uplinks[u];
	ul->up = up;
	vlog(up ? VLOG_INFO : VLOG_WARN, "uplink %s: link %s%s", ul->ifname, up ? "up" : "down",
	     up ? "" : ": its next hops leave every VTEP");
	/* The snapshot takes next hops of live uplinks only: republishing moves every flow at once. */
	d->topology_dirty = true;
	for (unsigned i = 0; i < VTEP_MAX_VTEPS; i++)
		if (d->vteps[i].ip)
			vtepd_vtep_summary(d, &d->vteps[i]);
	if (up)
		d->resolve_all = true;   /* and the kernel's routes say which next hops come back */
}

void vtepd_vteps_fill(const struct vtepd *d, struct dp_topology *t)
{
	for (unsigned i = 0; i < VTEP_MAX_VTEPS; i++) {
		const struct vtepd_vtep *v = &d->vteps[i];
		struct dp_vtep *dv = &t->vteps[i];

		if (!v->ip)
			continue;
		dv->ip = v->ip;
		dv->n_nh = 0;
		for (unsigned j = 0; j < v->n_nh; j++) {
			const struct vtepd_nexthop *h = &v->nh[j];
			const struct vtepd_uplink *ul = &d->uplinks[h->uplink];
			struct dp_nexthop *dn;

			if (!vtepd_nexthop_usable(d, h))
				continue;
			dn = &dv->nh[dv->n_nh++];
			dn->slot = ul->slot;
			vxlan_template_init(&dn->tmpl, ul->mac, h->mac, d->cfg.source_ip, v->ip, d->cfg.udp_port);
		}
	}
}

int vtepd_vteps_fill_known(struct vtepd *d, struct dp_topology *t)
{
	uint16_t used[VTEP_MAX_VTEPS], n_used = 0;

	for (uint16_t id = 0; id < VTEP_MAX_VTEPS; id++)
		if (d->vteps[id].ip)
			used[n_used++] = id;
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		const struct vtepd_vni *v = &d->vnis[i];
		struct dp_vni *tv = &t->vnis[i];
		const uint32_t *anchors = fdb_vni_anchors(d->fdb, i);

		tv->vtep_check = v->vtep_check;
		if (!v->vtep_check)
			continue;
		tv->known = calloc(VTEP_MAX_VTEPS / 64, sizeof(uint64_t));
		if (!tv->known)
			return ENOMEM;
		for (uint16_t f = 0; f < v->n_flood; f++)
			tv->known[v->flood[f] / 64] |= 1ull << (v->flood[f] % 64);
		for (uint16_t u = 0; anchors && u < n_used; u++)
			if (anchors[used[u]])
				tv->known[used[u] / 64] |= 1ull << (used[u] % 64);
	}
	d->anchor_gen = fdb_anchor_generation(d->fdb);
	return 0;
}

/* A flood list or static MAC of the configuration names ip. */
static bool vtepd_vtep_configured(const struct vtepd *d, uint32_t ip)
{
	for (uint32_t i = 0; i < d->cfg.n_vnis; i++) {
		const struct vtep_vni_config *vc = &d->cfg.vnis[i];

		for (uint32_t f = 0; f < vc->n_flood; f++)
			if (vc->flood[f] == ip)
				return true;
		for (uint32_t m = 0; m < vc->n_static_macs; m++)
			if (vc->static_macs[m].to_vtep && vc->static_macs[m].vtep_ip == ip)
				return true;
	}
	return false;
}

/*
 * Something still names VTEP id: a MAC behind it, a flood list (flooded: the ids in flood
 * lists, a bit each), a VRF's route, the configuration.
 */
static bool vtepd_vtep_named(const struct vtepd *d, uint16_t id, const uint64_t *flooded)
{
	if (fdb_vtep_entries(d->fdb, id) || (flooded[id / 64] & (1ull << (id % 64))))
		return true;
	for (uint16_t k = 0; k < VTEP_MAX_VRFS; k++)
		if (d->vrfs[k].vtep_refs[id])
			return true;
	return vtepd_vtep_configured(d, d->vteps[id].ip);
}

/*
 * Forget VTEP v: out of the next snapshot, and its id kept out of use until that snapshot is
 * published. Nothing names it, so a reader of the snapshot that is published next cannot
 * reach the id: the MACs and routes that named it left their tables before that snapshot's
 * (releasing) store, and the fast path looks them up only after loading a snapshot.
 */
static void vtepd_vtep_forget(struct vtepd *d, struct vtepd_vtep *v)
{
	memset(v, 0, sizeof(*v));
	v->retiring = true;
	d->topology_dirty = true;
}

unsigned vtepd_vteps_age(struct vtepd *d, uint64_t now, uint64_t max_age)
{
	uint64_t flooded[VTEP_MAX_VTEPS / 64] = { 0 };
	unsigned n = 0, gone = 0;

	for (uint16_t i = 0; i < d->n_vnis; i++)
		for (uint16_t f = 0; f < d->vnis[i].n_flood; f++)
			if (d->vnis[i].flood[f] < VTEP_MAX_VTEPS)
				flooded[d->vnis[i].flood[f] / 64] |= 1ull << (d->vnis[i].flood[f] % 64);
	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++) {
		struct vtepd_vtep *v = &d->vteps[i];

		if (v->ip && !v->dynamic && !vtepd_vtep_named(d, i, flooded)) {
			vlog(VLOG_INFO, "remote VTEP %s removed (%s, nothing names it any more)",
			     inet_ntoa((struct in_addr){ v->ip }), d->cfg.bgp.enabled ? "evpn" : "configured");
			vtepd_vtep_forget(d, v);
			gone++;
			continue;
		}
		if (!v->ip || !v->dynamic || fdb_vtep_entries(d->fdb, i)) {
			v->idle = false;
			continue;
		}
		if (!v->idle) {
			v->idle = true;
			v->idle_since = now;
			continue;
		}
		if (now - v->idle_since < max_age)
			continue;
		vlog(VLOG_INFO, "remote VTEP %s removed (learned, no MAC behind it for %lu s)",
		     inet_ntoa((struct in_addr){ v->ip }), (unsigned long)max_age);
		vtepd_vtep_forget(d, v);    /* no longer resolved, nor in the snapshot */
		n++;
	}
	/* the next snapshot drops them; publishing clears their counters */
	d->stats.vteps_aged += n;
	return n + gone;
}

const char *vtepd_vtep_source(const struct vtepd *d, uint16_t id)
{
	uint32_t ip = d->vteps[id].ip;

	if (d->vteps[id].dynamic)
		return "learned";
	if (vtepd_vtep_configured(d, ip))
		return "configured";
	/* neither learned nor in the configuration: a next hop of EVPN routes */
	return d->cfg.bgp.enabled ? "evpn" : "configured";
}
