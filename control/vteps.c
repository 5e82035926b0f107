/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vteps.c: the remote VTEP table of the control thread and the outer next hop of each
 * VTEP, taken from the kernel's FIB and neighbour table (the kernel owns the underlay).
 * An unresolved next hop asks the kernel to resolve it (ARP) and keeps traffic to that VTEP
 * counted as 'vtep_unresolved' drops until it is; netlink changes trigger re-resolution.
 * Also which VTEPs are known in each VNI (vtep_check), and the aging of learned VTEPs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <stdlib.h>

#include <rte_rcu_qsbr.h>

#include "fdb.h"
#include "netlink.h"
#include "vtepd.h"

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
		if (d->vteps[i].ip == 0 && free_id < 0)
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

static void vtepd_vtep_resolve_one(struct vtepd *d, struct vtepd_vtep *v)
{
	int oif = 0, rc;
	uint32_t gw = 0;
	uint8_t mac[6];

	d->stats.resolutions++;
	rc = nl_route_get(v->ip, &oif, &gw);
	if (rc == 0 && oif != d->underlay_ifindex)
		rc = EXDEV;   /* the route leaves through an interface that is not the underlay */
	if (rc) {
		if (v->resolved || v->last_error != rc)
			vlog(VLOG_WARN, "remote VTEP %s: no route through the underlay (%s)",
			     inet_ntoa((struct in_addr){ v->ip }), rc == EXDEV ? "route uses another interface" : strerror(rc));
		if (v->resolved)
			d->topology_dirty = true;
		v->resolved = false;
		v->last_error = rc;
		return;
	}
	if (gw != v->gateway || oif != v->ifindex) {
		/* The path changed: the old MAC is no longer the right one. */
		if (v->resolved)
			d->topology_dirty = true;
		v->resolved = false;
		v->gateway = gw;
		v->ifindex = oif;
	}
	rc = nl_neigh_get(oif, gw ? gw : v->ip, mac);
	if (rc == 0) {
		if (!v->resolved || memcmp(mac, v->mac, 6) != 0) {
			memcpy(v->mac, mac, 6);
			v->resolved = true;
			d->topology_dirty = true;
			vlog(VLOG_INFO, "remote VTEP %s: next hop %02x:%02x:%02x:%02x:%02x:%02x%s",
			     inet_ntoa((struct in_addr){ v->ip }), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
			     gw ? " (via gateway)" : "");
		}
		v->last_error = 0;
		return;
	}
	/* Not (or no longer) in the kernel's table: ask for it. A known MAC stays in use meanwhile. */
	v->last_error = rc;
	v->resolve_requests++;
	nl_neigh_resolve(oif, gw ? gw : v->ip);
}

void vtepd_vteps_resolve(struct vtepd *d, bool all)
{
	for (unsigned i = 0; i < VTEP_MAX_VTEPS; i++) {
		struct vtepd_vtep *v = &d->vteps[i];

		if (v->ip && (all || !v->resolved))
			vtepd_vtep_resolve_one(d, v);
	}
}

void vtepd_vteps_fill(const struct vtepd *d, struct dp_topology *t)
{
	for (unsigned i = 0; i < VTEP_MAX_VTEPS; i++) {
		const struct vtepd_vtep *v = &d->vteps[i];

		if (!v->ip)
			continue;
		t->vteps[i].ip = v->ip;
		t->vteps[i].resolved = v->resolved;
		vxlan_template_init(&t->vteps[i].tmpl, d->underlay_mac, v->mac, d->cfg.source_ip, v->ip, d->cfg.udp_port);
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

unsigned vtepd_vteps_age(struct vtepd *d, uint64_t now, uint64_t max_age)
{
	bool gone[VTEP_MAX_VTEPS] = { false };
	unsigned n = 0;

	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++) {
		struct vtepd_vtep *v = &d->vteps[i];

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
		memset(v, 0, sizeof(*v));   /* no longer resolved, nor in the snapshot */
		gone[i] = true;
		n++;
	}
	if (!n)
		return 0;
	d->stats.vteps_aged += n;
	/* once the fast path has the snapshot without them, their ids are free: clear their counters */
	if (vtepd_publish(d) == 0)
		for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++)
			if (gone[i])
				memset(&d->counters->vteps[i], 0, sizeof(d->counters->vteps[i]));
	return n;
}

const char *vtepd_vtep_source(const struct vtepd *d, uint16_t id)
{
	uint32_t ip = d->vteps[id].ip;

	if (d->vteps[id].dynamic)
		return "learned";
	for (uint32_t i = 0; i < d->cfg.n_vnis; i++) {
		const struct vtep_vni_config *vc = &d->cfg.vnis[i];

		for (uint32_t f = 0; f < vc->n_flood; f++)
			if (vc->flood[f] == ip)
				return "configured";
		for (uint32_t m = 0; m < vc->n_static_macs; m++)
			if (vc->static_macs[m].to_vtep && vc->static_macs[m].vtep_ip == ip)
				return "configured";
	}
	/* neither learned nor in the configuration: a next hop of EVPN routes */
	return d->cfg.bgp.enabled ? "evpn" : "configured";
}
