/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vteps.c: the remote VTEP table of the control thread and the outer next hop of each
 * VTEP, taken from the kernel's FIB and neighbour table (the kernel owns the underlay).
 * An unresolved next hop asks the kernel to resolve it (ARP) and keeps traffic to that VTEP
 * counted as 'vtep_unresolved' drops until it is; netlink changes trigger re-resolution.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

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
