/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vrfs.c: the switch's tenant VRFs: per configured VRF a route table the fast path reads
 * (dataplane/route.h, shared by every snapshot, not copied) and the RIB that programs it
 * (control/route/route_rib.h). What it installs on its own, without BGP:
 *  - connected routes: each routed VNI's gateway subnets, next hop GLEAN in that VNI (the
 *    fast path asks for the host's MAC);
 *  - local host routes (/32): an attached port's configured `ip` when its MAC is known, and
 *    every address a container's ARP reports for its MAC (the fast path's learn ring, e.g. its
 *    answer to the gateway's glean request), within its VNI's gateway subnet; next hop LOCAL
 *    (the port, the MAC, the VNI). A detached port's host routes go with it.
 * Sizes come from vtep_limits.h (VTEP_VRF_MAX_*). Control thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_memory.h>

#include "log.h"
#include "route.h"
#include "route_rib.h"
#include "switch.h"

uint16_t vtepd_vni_vrf(const struct vtepd *d, uint16_t vi)
{
	/* d->vnis is loaded in the configuration's order */
	if (vi >= d->n_vnis || vi >= d->cfg.n_vnis || d->cfg.vnis[vi].vni != d->vnis[vi].vni)
		return VTEP_NO_VRF;
	return d->cfg.vnis[vi].vrf < d->n_vrfs ? d->cfg.vnis[vi].vrf : VTEP_NO_VRF;
}

static int vtepd_vrf_connected(struct vtepd *d, uint16_t k)
{
	struct vtepd_vrf *vrf = &d->vrfs[k];

	for (uint16_t vi = 0; vi < d->n_vnis; vi++) {
		const struct vtep_vni_config *vc = &d->cfg.vnis[vi];
		struct dp_route_nh nh = { .type = DP_ROUTE_NH_GLEAN, .vni_idx = vi };
		struct route_prefix p;
		int rc;

		if (vtepd_vni_vrf(d, vi) != k)
			continue;
		if (vc->gw4_on) {
			route_prefix_v4(&p, ntohl(vc->gw4), vc->gw4_len);
			if ((rc = route_rib_add(vrf->rib, &p, ROUTE_SRC_CONNECTED, 0, &nh)))
				return rc;
		}
		if (vc->gw6_on) {
			route_prefix_v6(&p, vc->gw6, vc->gw6_len);
			if ((rc = route_rib_add(vrf->rib, &p, ROUTE_SRC_CONNECTED, 0, &nh)))
				return rc;
		}
	}
	return 0;
}

int vtepd_vrfs_create(struct vtepd *d)
{
	for (uint32_t k = 0; k < d->cfg.n_vrfs && k < VTEP_MAX_VRFS; k++) {
		const struct vtep_vrf_config *c = &d->cfg.vrfs[k];
		struct vtepd_vrf *vrf = &d->vrfs[k];
		char name[DP_ROUTE_NAME_MAX + 1];
		struct dp_route_conf rc = {
			.name = name,
			.socket_id = SOCKET_ID_ANY,
			.max_v4_routes = c->max_ipv4_routes,
			.max_v6_routes = c->max_ipv6_routes,
			.max_nexthops = VTEP_VRF_MAX_NEXTHOPS,
			.qsbr = d->qsbr,
		};
		int err;

		snprintf(name, sizeof(name), "vrf%u", k);
		vrf->l3vni = c->l3vni;
		memcpy(vrf->router_mac, c->router_mac_auto ? d->uplinks[0].mac : c->router_mac, 6);
		err = dp_route_table_create(&rc, &vrf->table);
		if (!err)
			err = route_rib_create(c->name, vrf->table, c->max_ipv4_routes + c->max_ipv6_routes,
					       &vrf->rib);
		d->n_vrfs = (uint16_t)(k + 1);     /* counted before it is complete: vtepd_vrfs_free frees what is made */
		if (!err)
			err = vtepd_vrf_connected(d, (uint16_t)k);
		if (err) {
			vlog(VLOG_ERR, "%s:%d: VRF %s: cannot create its route table (%u IPv4 and %u IPv6 routes): %s",
			     d->cfg.path, c->line, c->name, c->max_ipv4_routes, c->max_ipv6_routes, strerror(err));
			return err;
		}
		{
			struct dp_route_stats st;

			dp_route_get_stats(vrf->table, &st);
			vlog(VLOG_INFO, "VRF %s: L3 VNI %u, route table of %u IPv4 and %u IPv6 routes (%lu MiB)", c->name,
			     c->l3vni, c->max_ipv4_routes, c->max_ipv6_routes,
			     (unsigned long)(st.memory_bytes >> 20));
		}
	}
	return 0;
}

void vtepd_vrfs_free(struct vtepd *d)
{
	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		route_rib_free(d->vrfs[k].rib);
		dp_route_table_free(d->vrfs[k].table);
		d->vrfs[k].rib = NULL;
		d->vrfs[k].table = NULL;
	}
	d->n_vrfs = 0;
}

void vtepd_vrfs_fill(const struct vtepd *d, struct dp_topology *t)
{
	t->n_vrfs = d->n_vrfs;
	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		t->vrfs[k].table = d->vrfs[k].rib ? d->vrfs[k].table : NULL;
		t->vrfs[k].l3vni = d->vrfs[k].l3vni;
		memcpy(t->vrfs[k].router_mac, d->vrfs[k].router_mac, 6);
	}
	for (uint16_t i = 0; i < t->n_vnis; i++)
		t->vnis[i].vrf = vtepd_vni_vrf(d, i);
}

void vtepd_vrf_host(struct vtepd *d, uint16_t slot, const uint8_t mac[6], uint32_t ip, bool learned)
{
	uint16_t vi = slot <= VTEP_MAX_PORTS && d->ports[slot].in_use ? d->ports[slot].vni_idx : DP_NO_ID;
	uint16_t k = vi != DP_NO_ID ? vtepd_vni_vrf(d, vi) : VTEP_NO_VRF;
	struct dp_route_nh nh = { .type = DP_ROUTE_NH_LOCAL, .vni_idx = vi, .port = slot };
	struct route_rib_info cur;
	struct route_prefix p;
	int rc;

	if (k == VTEP_NO_VRF || !d->vrfs[k].rib)
		return;
	if (learned) {
		const struct vtep_vni_config *vc = &d->cfg.vnis[vi];
		uint32_t mask = vc->gw4_len ? htonl(UINT32_MAX << (32 - vc->gw4_len)) : 0;

		/* a container reports addresses of its own subnet only, never the gateway's */
		if (!vc->gw4_on || ((ip ^ vc->gw4) & mask) || ip == vc->gw4)
			return;
	}
	memcpy(nh.mac, mac, 6);
	route_prefix_v4(&p, ntohl(ip), 32);
	if (route_rib_best(d->vrfs[k].rib, &p, &cur) == 0 && cur.src == ROUTE_SRC_LOCAL_HOST &&
	    !memcmp(&cur.nh, &nh, sizeof(nh)))
		return;             /* nothing new (ARP refreshes) */
	rc = route_rib_add(d->vrfs[k].rib, &p, ROUTE_SRC_LOCAL_HOST, 0, &nh);
	if (rc) {
		d->vrfs[k].host_refused++;
		vlog(VLOG_WARN, "VRF %s: host route %s/32 via port %s not installed: %s", d->cfg.vrfs[k].name,
		     inet_ntoa((struct in_addr){ ip }), d->ports[slot].conf.name, strerror(rc));
		return;
	}
	vlog(VLOG_DEBUG, "VRF %s: host route %s/32 via port %s", d->cfg.vrfs[k].name, inet_ntoa((struct in_addr){ ip }),
	     d->ports[slot].conf.name);
}

struct vtepd_vrf_gone {
	uint32_t slot;
	size_t n, cap;
	struct route_prefix *p;
	bool nomem;
};

static int vtepd_vrf_gone_cb(const struct route_rib_info *info, void *arg)
{
	struct vtepd_vrf_gone *g = arg;

	if (info->src != ROUTE_SRC_LOCAL_HOST || info->nh.type != DP_ROUTE_NH_LOCAL || info->nh.port != g->slot)
		return 0;
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		struct route_prefix *p = realloc(g->p, cap * sizeof(*p));

		if (!p) {
			g->nomem = true;
			return 1;
		}
		g->p = p;
		g->cap = cap;
	}
	g->p[g->n++] = info->prefix;
	return 0;
}

void vtepd_vrf_port_gone(struct vtepd *d, uint16_t slot)
{
	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		struct vtepd_vrf_gone g = { .slot = slot };

		if (!d->vrfs[k].rib)
			continue;
		route_rib_walk(d->vrfs[k].rib, vtepd_vrf_gone_cb, &g);
		for (size_t i = 0; i < g.n; i++)
			route_rib_del(d->vrfs[k].rib, &g.p[i], ROUTE_SRC_LOCAL_HOST, 0);
		if (g.nomem)
			vlog(VLOG_ERR, "VRF %s: out of memory removing the host routes of slot %u", d->cfg.vrfs[k].name,
			     slot);
		free(g.p);
	}
}
