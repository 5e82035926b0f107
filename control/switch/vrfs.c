/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vrfs.c: the switch's tenant VRFs: per configured VRF a route table the fast path reads
 * (dataplane/route.h, shared by every snapshot, not copied) and the RIB that programs it
 * (control/route/route_rib.h). What it installs on its own, without BGP:
 *  - connected routes: each routed VNI's gateway subnets, next hop GLEAN in that VNI (the
 *    fast path asks for the host's MAC);
 *  - local host routes (/32): an attached port's configured `ip` when its MAC is known, and
 *    every address a container's ARP reports for its MAC (the fast path's learn ring, e.g. its
 *    answer to the gateway's glean request), within its VNI's gateway subnet; and (/128) every
 *    global IPv6 address its neighbour solicitations and advertisements report, within its
 *    VNI's IPv6 gateway subnet (e.g. its answer to the gateway's glean NS); next hop LOCAL
 *    (the port, the MAC, the VNI). A detached port's host routes go with it, and so do those
 *    of a MAC that moved to a remote VTEP (MAC mobility).
 * And what the fabric's EVPN RIB hands it (symmetric IRB): the best host route (MAC+IP with
 * an L3 VNI) or type-5 prefix of each VRF prefix, next hop REMOTE (the VTEP's id, its router
 * MAC, the L3 VNI). The VTEP's id comes from the switch's table as for type-2/3 routes: taken
 * as configured (never aged, so the id never changes while routes name it); its outer next
 * hop and whether it is resolved live in the snapshot's VTEP record, which the fast path
 * reads by that id, so a change there needs no change of the routes. Each VRF counts its
 * routes per VTEP: those VTEPs, and the flood lists of its L2 VNIs, may send to its L3 VNI.
 * The snapshot carries each VRF's L3 VNI as a VNI of its own, after the L2 VNIs.
 * Sizes come from vtep_limits.h (VTEP_VRF_MAX_*). Control thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
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

int vtepd_vrf_vni_connected(struct vtepd *d, uint16_t vi, bool add)
{
	const struct vtep_vni_config *vc = &d->cfg.vnis[vi];
	struct dp_route_nh nh = { .type = DP_ROUTE_NH_GLEAN, .vni_idx = vi };
	uint16_t k = vtepd_vni_vrf(d, vi);
	struct route_prefix p;
	int rc;

	if (k == VTEP_NO_VRF || !d->vrfs[k].rib)
		return 0;
	if (vc->gw4_on) {
		route_prefix_v4(&p, ntohl(vc->gw4), vc->gw4_len);
		rc = add ? route_rib_add(d->vrfs[k].rib, &p, ROUTE_SRC_CONNECTED, 0, &nh)
			 : route_rib_del(d->vrfs[k].rib, &p, ROUTE_SRC_CONNECTED, 0);
		if (rc && add)
			return rc;
	}
	if (vc->gw6_on) {
		route_prefix_v6(&p, vc->gw6, vc->gw6_len);
		rc = add ? route_rib_add(d->vrfs[k].rib, &p, ROUTE_SRC_CONNECTED, 0, &nh)
			 : route_rib_del(d->vrfs[k].rib, &p, ROUTE_SRC_CONNECTED, 0);
		if (rc && add) {
			if (vc->gw4_on) {
				route_prefix_v4(&p, ntohl(vc->gw4), vc->gw4_len);
				route_rib_del(d->vrfs[k].rib, &p, ROUTE_SRC_CONNECTED, 0);
			}
			return rc;
		}
	}
	return 0;
}

static int vtepd_vrf_connected(struct vtepd *d, uint16_t k)
{
	for (uint16_t vi = 0; vi < d->n_vnis; vi++) {
		int rc;

		if (vtepd_vni_vrf(d, vi) == k && (rc = vtepd_vrf_vni_connected(d, vi, true)))
			return rc;
	}
	return 0;
}

int vtepd_vrf_make(struct vtepd *d, uint16_t k)
{
	const struct vtep_vrf_config *c = &d->cfg.vrfs[k];
	struct vtepd_vrf *vrf = &d->vrfs[k];
	char name[DP_ROUTE_NAME_MAX + 1];
	/* the loader always sets the sizes; a config built in code may leave them 0: the defaults */
	uint32_t max4 = c->max_ipv4_routes ? c->max_ipv4_routes : VTEP_VRF_MAX_V4_ROUTES;
	uint32_t max6 = c->max_ipv6_routes ? c->max_ipv6_routes : VTEP_VRF_MAX_V6_ROUTES;
	struct dp_route_conf rc = {
		.name = name,
		.socket_id = SOCKET_ID_ANY,
		.max_v4_routes = max4,
		.max_v6_routes = max6,
		.max_nexthops = VTEP_VRF_MAX_NEXTHOPS,
		.qsbr = d->qsbr,
	};
	struct dp_route_stats st;
	int err;

	/* a run-time VRF may take the slot of a deleted one: its table's name must be new (DPDK's names) */
	snprintf(name, sizeof(name), "vrf%u", d->vrf_tables++);
	vrf->l3vni = c->l3vni;
	memcpy(vrf->router_mac, c->router_mac_auto ? d->uplinks[0].mac : c->router_mac, 6);
	err = dp_route_table_create(&rc, &vrf->table);
	if (!err)
		err = route_rib_create(c->name, vrf->table, max4 + max6, &vrf->rib);
	if (!err)
		err = vtepd_vrf_connected(d, k);
	if (err && c->line) {
		vlog(VLOG_ERR, "%s:%d: VRF %s: cannot create its route table (%u IPv4 and %u IPv6 routes): %s",
		     d->cfg.path, c->line, c->name, max4, max6, strerror(err));
		return err;
	}
	if (err) {        /* vrf add: its caller says it */
		vlog(VLOG_WARN, "vrf add: VRF %s: cannot create its route table (%u IPv4 and %u IPv6 routes): %s",
		     c->name, max4, max6, strerror(err));
		return err;
	}
	dp_route_get_stats(vrf->table, &st);
	vlog(VLOG_INFO, "VRF %s: L3 VNI %u, route table of %u IPv4 and %u IPv6 routes (%lu MiB)", c->name, c->l3vni,
	     max4, max6, (unsigned long)(st.memory_bytes >> 20));
	return 0;
}

void vtepd_vrf_unmake(struct vtepd *d, uint16_t k)
{
	route_rib_drop(d->vrfs[k].rib);   /* the table goes with it: no withdrawals one by one */
	dp_route_table_free(d->vrfs[k].table);
	d->vrfs[k].rib = NULL;
	d->vrfs[k].table = NULL;
}

int vtepd_vrfs_create(struct vtepd *d)
{
	for (uint32_t k = 0; k < d->cfg.n_vrfs && k < VTEP_MAX_VRFS; k++) {
		int err;

		d->n_vrfs = (uint16_t)(k + 1);     /* counted before it is complete: vtepd_vrfs_free frees what is made */
		if ((err = vtepd_vrf_make(d, (uint16_t)k)))
			return err;
	}
	return 0;
}

void vtepd_vrfs_free(struct vtepd *d)
{
	for (uint16_t k = 0; k < d->n_vrfs; k++)
		vtepd_vrf_unmake(d, k);
	d->n_vrfs = 0;
}

uint16_t vtepd_vrf_l3vni_index(const struct vtepd *d, uint16_t k)
{
	uint32_t idx = d->n_vnis;

	if (k >= d->n_vrfs || !d->vrfs[k].l3vni)
		return DP_NO_ID;
	for (uint16_t j = 0; j < k; j++)
		idx += d->vrfs[j].l3vni != 0;
	return idx < VTEP_MAX_VNIS ? (uint16_t)idx : DP_NO_ID;
}

static void vtepd_known_set(uint64_t *known, uint16_t id)
{
	if (id < VTEP_MAX_VTEPS)
		known[id / 64] |= 1ull << (id % 64);
}

/* VRF k's L3 VNI as the snapshot's VNI v: routed only, decapsulated from the VRF's VTEPs. */
static int vtepd_vrf_fill_l3vni(const struct vtepd *d, uint16_t k, struct dp_vni *v)
{
	const struct vtepd_vrf *vrf = &d->vrfs[k];
	uint16_t mtu = 0;
	bool frag = false;

	v->vni = vrf->l3vni;
	v->vrf = k;
	v->l3 = true;
	v->learning = false;
	v->vtep_check = true;
	v->ports = calloc(1, sizeof(uint16_t));
	v->flood = calloc(1, sizeof(uint16_t));
	v->known = calloc(VTEP_MAX_VTEPS / 64, sizeof(uint64_t));
	if (!v->ports || !v->flood || !v->known)
		return ENOMEM;
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		const struct vtepd_vni *l2 = &d->vnis[i];

		if (vtepd_vni_vrf(d, i) != k)
			continue;
		/* what any of its L2 VNIs admits may be routed to another leaf */
		if (l2->mtu > mtu)
			mtu = l2->mtu;
		frag |= l2->outer_frag;
		for (uint16_t f = 0; f < l2->n_flood; f++)
			vtepd_known_set(v->known, l2->flood[f]);
	}
	dp_vni_set_mtu(v, mtu, frag, (uint16_t)d->cfg.underlay_mtu);
	for (uint16_t id = 0; id < VTEP_MAX_VTEPS; id++)
		if (vrf->vtep_refs[id])
			vtepd_known_set(v->known, id);
	return 0;
}

int vtepd_vrfs_fill(const struct vtepd *d, struct dp_topology *t)
{
	t->n_vrfs = d->n_vrfs;
	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		t->vrfs[k].table = d->vrfs[k].rib ? d->vrfs[k].table : NULL;
		t->vrfs[k].l3vni = d->vrfs[k].l3vni;
		t->vrfs[k].l3vni_idx = DP_NO_ID;
		memcpy(t->vrfs[k].router_mac, d->vrfs[k].router_mac, 6);
	}
	for (uint16_t i = 0; i < t->n_vnis; i++)
		t->vnis[i].vrf = vtepd_vni_vrf(d, i);
	/* the L3 VNIs, after the L2 VNIs (the configuration keeps both within VTEP_MAX_VNIS) */
	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		uint16_t idx = vtepd_vrf_l3vni_index(d, k);

		if (idx == DP_NO_ID || idx != t->n_vnis)
			continue;
		t->n_vnis++;              /* freed with the snapshot from here on */
		if (vtepd_vrf_fill_l3vni(d, k, &t->vnis[idx]))
			return ENOMEM;
		t->vrfs[k].l3vni_idx = idx;
	}
	return 0;
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

/* a and b agree in their first len bits */
static bool vtepd_vrf_v6_within(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned bytes = len / 8, bits = len % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !bits || !((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - bits)));
}

void vtepd_vrf_host6(struct vtepd *d, uint16_t slot, const uint8_t mac[6], const uint8_t ip6[16])
{
	uint16_t vi = slot <= VTEP_MAX_PORTS && d->ports[slot].in_use ? d->ports[slot].vni_idx : DP_NO_ID;
	uint16_t k = vi != DP_NO_ID ? vtepd_vni_vrf(d, vi) : VTEP_NO_VRF;
	struct dp_route_nh nh = { .type = DP_ROUTE_NH_LOCAL, .vni_idx = vi, .port = slot };
	const struct vtep_vni_config *vc;
	struct route_rib_info cur;
	struct route_prefix p;
	char pfx[ROUTE_PREFIX_STRLEN];
	int rc;

	if (k == VTEP_NO_VRF || !d->vrfs[k].rib)
		return;
	/* a container reports addresses of its own subnet only, never the gateway's */
	vc = &d->cfg.vnis[vi];
	if (!vc->gw6_on || !vtepd_vrf_v6_within(ip6, vc->gw6, vc->gw6_len) || !memcmp(ip6, vc->gw6, 16))
		return;
	memcpy(nh.mac, mac, 6);
	if (route_prefix_v6(&p, ip6, 128))
		return;
	if (route_rib_best(d->vrfs[k].rib, &p, &cur) == 0 && cur.src == ROUTE_SRC_LOCAL_HOST &&
	    !memcmp(&cur.nh, &nh, sizeof(nh)))
		return;             /* nothing new (neighbour discovery refreshes) */
	route_prefix_format(&p, pfx, sizeof(pfx));
	rc = route_rib_add(d->vrfs[k].rib, &p, ROUTE_SRC_LOCAL_HOST, 0, &nh);
	if (rc) {
		d->vrfs[k].host_refused++;
		vlog(VLOG_WARN, "VRF %s: host route %s via port %s not installed: %s", d->cfg.vrfs[k].name, pfx,
		     d->ports[slot].conf.name, strerror(rc));
		return;
	}
	vlog(VLOG_DEBUG, "VRF %s: host route %s via port %s", d->cfg.vrfs[k].name, pfx, d->ports[slot].conf.name);
}

void vtepd_vrf_host_del(struct vtepd *d, uint16_t slot, const uint8_t mac[6], bool v6, const uint8_t ip[16])
{
	uint16_t vi = slot <= VTEP_MAX_PORTS && d->ports[slot].in_use ? d->ports[slot].vni_idx : DP_NO_ID;
	uint16_t k = vi != DP_NO_ID ? vtepd_vni_vrf(d, vi) : VTEP_NO_VRF;
	char pfx[ROUTE_PREFIX_STRLEN];
	struct dp_route_nh nh;
	struct route_prefix p;
	uint32_t a4;

	if (k == VTEP_NO_VRF || !d->vrfs[k].rib)
		return;
	memcpy(&a4, ip, 4);
	if (v6 ? route_prefix_v6(&p, ip, 128) : route_prefix_v4(&p, ntohl(a4), 32))
		return;
	/* only its own: the address may have moved to another MAC or port since */
	if (route_rib_path(d->vrfs[k].rib, &p, ROUTE_SRC_LOCAL_HOST, 0, &nh) != 0 || nh.type != DP_ROUTE_NH_LOCAL ||
	    nh.port != slot || memcmp(nh.mac, mac, 6) || route_rib_del(d->vrfs[k].rib, &p, ROUTE_SRC_LOCAL_HOST, 0))
		return;
	route_prefix_format(&p, pfx, sizeof(pfx));
	vlog(VLOG_DEBUG, "VRF %s: host route %s via port %s removed", d->cfg.vrfs[k].name, pfx, d->ports[slot].conf.name);
}

/* The local host routes of a port slot, or (mac set) of a MAC in VNI index vi. */
struct vtepd_vrf_gone {
	uint32_t slot;
	uint16_t vi;
	const uint8_t *mac;
	size_t n, cap;
	struct route_prefix *p;
	bool nomem;
};

static int vtepd_vrf_gone_cb(const struct route_rib_info *info, void *arg)
{
	struct vtepd_vrf_gone *g = arg;

	if (info->src != ROUTE_SRC_LOCAL_HOST || info->nh.type != DP_ROUTE_NH_LOCAL)
		return 0;
	if (g->mac ? info->nh.vni_idx != g->vi || memcmp(info->nh.mac, g->mac, 6) : info->nh.port != g->slot)
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

void vtepd_vrf_mac_remote(struct vtepd *d, uint16_t vi, const uint8_t mac[6])
{
	uint16_t k = vtepd_vni_vrf(d, vi);
	struct vtepd_vrf_gone g = { .vi = vi, .mac = mac };
	char pfx[ROUTE_PREFIX_STRLEN];

	if (k == VTEP_NO_VRF || !d->vrfs[k].rib)
		return;
	route_rib_walk(d->vrfs[k].rib, vtepd_vrf_gone_cb, &g);
	for (size_t i = 0; i < g.n; i++) {
		if (route_rib_del(d->vrfs[k].rib, &g.p[i], ROUTE_SRC_LOCAL_HOST, 0) != 0)
			continue;
		d->vrfs[k].local_moved++;
		route_prefix_format(&g.p[i], pfx, sizeof(pfx));
		vlog(VLOG_INFO, "VRF %s: host route %s leaves: %02x:%02x:%02x:%02x:%02x:%02x moved to a remote VTEP",
		     d->cfg.vrfs[k].name, pfx, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	}
	if (g.nomem)
		vlog(VLOG_ERR, "VRF %s: out of memory removing the host routes of a moved MAC", d->cfg.vrfs[k].name);
	free(g.p);
}

/* A route of VRF vrf starts (delta 1) or stops naming VTEP id: its L3 VNI's known VTEPs may change. */
static void vtepd_vrf_vtep_ref(struct vtepd *d, struct vtepd_vrf *vrf, uint32_t id, int delta)
{
	if (id >= VTEP_MAX_VTEPS)
		return;
	if (delta > 0) {
		if (vrf->vtep_refs[id]++ == 0)
			d->topology_dirty = true;
	} else if (vrf->vtep_refs[id] && --vrf->vtep_refs[id] == 0) {
		d->topology_dirty = true;
	}
}

/* Remove VRF k's EVPN path of source src for p, and the VTEP reference it held. */
static void vtepd_vrf_remote_del(struct vtepd *d, uint16_t k, const struct route_prefix *p, enum route_src src)
{
	struct vtepd_vrf *vrf = &d->vrfs[k];
	struct dp_route_nh nh;

	if (route_rib_path(vrf->rib, p, src, 0, &nh) != 0 || route_rib_del(vrf->rib, p, src, 0) != 0)
		return;
	vtepd_vrf_vtep_ref(d, vrf, nh.vtep_id, -1);
	vrf->remote_routes--;
}

void vtepd_vrf_remote(struct vtepd *d, uint16_t k, const struct route_prefix *p, bool host, uint32_t vtep_ip,
		      const uint8_t rmac[6], uint32_t l3vni)
{
	enum route_src src = host ? ROUTE_SRC_EVPN_HOST : ROUTE_SRC_EVPN_PREFIX;
	struct dp_route_nh nh = { .type = DP_ROUTE_NH_REMOTE, .l3vni = l3vni }, old;
	char pfx[ROUTE_PREFIX_STRLEN];
	struct vtepd_vrf *vrf;
	bool had = false;
	uint16_t id = 0;
	int rc;

	if (k >= d->n_vrfs || !d->vrfs[k].rib)
		return;
	vrf = &d->vrfs[k];
	/* the fabric keeps one best per prefix: it may have been the other kind (a withdrawal names no kind) */
	vtepd_vrf_remote_del(d, k, p, host ? ROUTE_SRC_EVPN_PREFIX : ROUTE_SRC_EVPN_HOST);
	if (!vtep_ip) {
		vtepd_vrf_remote_del(d, k, p, src);
		return;
	}
	rc = vtepd_vtep_get(d, vtep_ip, false, &id);
	if (!rc) {
		nh.vtep_id = id;
		memcpy(nh.mac, rmac, 6);
		had = route_rib_path(vrf->rib, p, src, 0, &old) == 0;
		rc = route_rib_add(vrf->rib, p, src, 0, &nh);
	}
	if (rc) {
		/* never keep forwarding by the route this one was to replace */
		vtepd_vrf_remote_del(d, k, p, src);
		vrf->remote_refused++;
		/* a full table refuses routes by the thousand: the 1st, 2nd, 4th, 8th ... are logged */
		if ((vrf->remote_refused & (vrf->remote_refused - 1)) == 0) {
			route_prefix_format(p, pfx, sizeof(pfx));
			vlog(VLOG_WARN, "VRF %s: %s route %s via VTEP %s not installed: %s (%" PRIu64 " refused so far)",
			     d->cfg.vrfs[k].name, route_src_name(src), pfx, inet_ntoa((struct in_addr){ vtep_ip }),
			     rc == ENOSPC ? "the VTEP table, the RIB or the route table is full" : strerror(rc),
			     vrf->remote_refused);
		}
		return;
	}
	vtepd_vrf_vtep_ref(d, vrf, id, +1);
	if (had)
		vtepd_vrf_vtep_ref(d, vrf, old.vtep_id, -1);
	else
		vrf->remote_routes++;
}
