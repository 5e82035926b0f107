/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload.c: 'vtepctl reload' and SIGHUP. The file vtepd was started with is loaded again by
 * the ordinary loader (its FILE:LINE:COLUMN errors), compared with what runs, and the
 * difference made with the run-time building blocks of the switch (vnis.c, vrfs_runtime.c,
 * ports.c), each of which leaves the other VNIs' slots, entries and counters as they are:
 *
 *   plan    (reads only)  VNIs, VRFs and ports that go, come, change in place or are taken
 *                         over from run time; every key that needs a restart refuses the
 *                         whole reload, naming the key and where it is in the file; every
 *                         change is checked against what runs (room, names, ports in a VNI
 *                         that goes, run-time objects in the way);
 *   bgp     (reads only)  the bgp section (reload_bgp.c);
 *   apply                 ports detached, VNIs deleted, VRFs deleted, VRFs added, VNIs added,
 *                         VNIs changed in place (flood lists, settings, static MACs), ports
 *                         attached, static MACs installed, the bgp section, one publish.
 *
 * Objects added at run time ('vni add', 'vrf add', 'attach') that the file does not name are
 * left alone; one the file names is taken over (its origin becomes the configuration, and it
 * leaves the run-time state files) when the file's settings can be applied to it the way
 * they would be to the configuration's own. doc/reload.md is the user's side of this.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl.h"
#include "fdb.h"
#include "log.h"
#include "reload.h"
#include "service.h"
#include "switch.h"

int vtepd_reload_refuse(int rc, char *err, size_t errlen, const char *path, const char *key, const char *fmt, ...)
{
	int line = 1, col = 1;
	size_t o;
	va_list ap;

	vtep_config_locate(path, key, &line, &col);
	o = (size_t)snprintf(err, errlen, "%s:%d:%d: %s: ", path, line, col, key);
	if (o < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + o, errlen - o, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static void reload_row(struct vtepd_reload_plan *p, const char *kind, const char *action, const char *detail,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void reload_row(struct vtepd_reload_plan *p, const char *kind, const char *action, const char *detail,
		       const char *fmt, ...)
{
	struct vtepd_reload_row *r;
	va_list ap;

	if (p->n_rows++ >= VTEPD_RELOAD_ROWS)
		return;
	r = &p->rows[p->n_rows - 1];
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	snprintf(r->action, sizeof(r->action), "%s", action);
	snprintf(r->detail, sizeof(r->detail), "%s", detail ? detail : "");
	va_start(ap, fmt);
	vsnprintf(r->name, sizeof(r->name), fmt, ap);
	va_end(ap);
}

void vtepd_reload_row(struct vtepd_reload_plan *p, const char *kind, const char *action, const char *detail,
		      const char *name)
{
	reload_row(p, kind, action, detail, "%s", name);
}

bool vtepd_reload_plan_empty(const struct vtepd_reload_plan *p)
{
	return p->n_rows == 0;
}

/* ---- the plan ---- */

/* The running VRF slot named name, DP_NO_ID when none. */
static uint16_t reload_vrf_slot(const struct vtepd *d, const char *name)
{
	for (uint16_t k = 0; k < d->n_vrfs; k++)
		if (d->vrfs[k].l3vni && !strcmp(d->cfg.vrfs[k].name, name))
			return k;
	return DP_NO_ID;
}

/* The name of the VRF a VNI of cfg is in ("" for none). */
static const char *reload_vni_vrf_name(const struct vtep_config *cfg, const struct vtep_vni_config *vc)
{
	return vc->vrf < cfg->n_vrfs ? cfg->vrfs[vc->vrf].name : "";
}

static const struct vtep_vni_config *reload_new_vni(const struct vtep_config *nc, uint32_t vni)
{
	for (uint32_t j = 0; j < nc->n_vnis; j++)
		if (nc->vnis[j].vni == vni)
			return &nc->vnis[j];
	return NULL;
}

static int reload_new_port(const struct vtep_config *nc, const char *name)
{
	for (uint32_t j = 0; j < nc->n_ports; j++)
		if (!strcmp(nc->ports[j].name, name))
			return (int)j;
	return -1;
}

static int reload_new_vrf(const struct vtep_config *nc, const char *name)
{
	for (uint32_t j = 0; j < nc->n_vrfs; j++)
		if (!strcmp(nc->vrfs[j].name, name))
			return (int)j;
	return -1;
}

static bool reload_u64s_same(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

static bool reload_in(const uint32_t *list, uint32_t n, uint32_t v)
{
	for (uint32_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* Flood lists as sets of addresses. */
static bool reload_flood_same(const struct vtep_vni_config *a, const struct vtep_vni_config *b)
{
	if (a->n_flood != b->n_flood)
		return false;
	for (uint32_t i = 0; i < a->n_flood; i++)
		if (!reload_in(b->flood, b->n_flood, a->flood[i]))
			return false;
	return true;
}

static const struct vtep_static_mac_config *reload_static_find(const struct vtep_vni_config *vc, const uint8_t mac[6])
{
	for (uint32_t m = 0; m < vc->n_static_macs; m++)
		if (!memcmp(vc->static_macs[m].mac, mac, 6))
			return &vc->static_macs[m];
	return NULL;
}

static bool reload_static_same(const struct vtep_static_mac_config *a, const struct vtep_static_mac_config *b)
{
	return a->to_vtep == b->to_vtep && (a->to_vtep ? a->vtep_ip == b->vtep_ip : !strcmp(a->port, b->port));
}

/* The MTU a VNI of the file has (its own, or the underlay's minus the encapsulation). */
static uint32_t reload_vni_mtu(const struct vtep_config *cfg, const struct vtep_vni_config *vc)
{
	return vc->mtu ? vc->mtu : vtep_vni_default_mtu(cfg->underlay_mtu);
}

/* The keys outside vnis, vrfs, ports and bgp: any change needs a restart. */
static int reload_plan_global(const struct vtep_config *o, const struct vtep_config *n, char *err, size_t errlen)
{
	const char *key = NULL;

	if (strcmp(o->name, n->name))
		key = "vtep.name";
	else if (o->source_ip != n->source_ip)
		key = "vtep.source_ip";
	else if (o->udp_port != n->udp_port)
		key = "vtep.udp_port";
	else if (o->anycast_gw_mac_on != n->anycast_gw_mac_on ||
		 (n->anycast_gw_mac_on && memcmp(o->anycast_gw_mac, n->anycast_gw_mac, 6)))
		key = "vtep.anycast_gateway_mac";
	else if (o->underlay_mtu != n->underlay_mtu)
		key = "underlay.mtu";
	else if (strcmp(o->underlay_devargs, n->underlay_devargs) || strcmp(o->underlay_ifname, n->underlay_ifname) ||
		 o->underlay_exception != n->underlay_exception || o->n_uplinks != n->n_uplinks)
		key = "underlay";
	else if (o->fastpath_lcore != n->fastpath_lcore)
		key = "fastpath.lcore";
	else if (o->mac_table_size != n->mac_table_size)
		key = "fastpath.mac_table_size";
	else if (o->mac_aging_sec != n->mac_aging_sec)
		key = "fastpath.mac_aging";
	else if (o->neighbor_aging_sec != n->neighbor_aging_sec)
		key = "fastpath.neighbor_aging";
	else if (o->mbufs != n->mbufs)
		key = "fastpath.mbufs";
	else if (o->runtime_vrfs != n->runtime_vrfs)
		key = "fastpath.runtime_vrfs";
	else if (strcmp(o->socket_path, n->socket_path))
		key = "control.socket";
	else if (strcmp(o->api_socket_path, n->api_socket_path))
		key = "api.socket";
	else if (o->api_listen_on != n->api_listen_on || o->api_listen_ip != n->api_listen_ip ||
		 o->api_listen_port != n->api_listen_port)
		key = "api.listen";
	else if (strcmp(o->api_token_file, n->api_token_file))
		key = "api.token_file";
	else if (o->capture != n->capture)
		key = "fastpath.capture";
	else if (o->metrics_on != n->metrics_on || o->metrics_ip6 != n->metrics_ip6 ||
		 memcmp(o->metrics_ip, n->metrics_ip, sizeof(o->metrics_ip)) || o->metrics_port != n->metrics_port)
		key = "metrics.listen";
	for (uint32_t u = 0; !key && u < n->n_uplinks && u < VTEP_MAX_UPLINKS; u++)
		if (strcmp(o->uplinks[u].devargs, n->uplinks[u].devargs) || strcmp(o->uplinks[u].ifname, n->uplinks[u].ifname) ||
		    o->uplinks[u].exception != n->uplinks[u].exception)
			key = "underlay";
	if (!key)
		return 0;
	return vtepd_reload_refuse(EINVAL, err, errlen, n->path, key, "changed: needs a restart (a reload changes "
				   "VNIs, VRFs, ports, static MACs and flood lists; nothing was changed)");
}

/* A VRF in both: everything but its name must be the same. */
static int reload_plan_vrf_same(const struct vtep_vrf_config *o, const struct vtep_vrf_config *n, uint32_t j,
				const char *path, char *err, size_t errlen)
{
	const char *what = NULL;
	char key[64];

	if (o->l3vni != n->l3vni)
		what = "l3vni";
	else if (o->router_mac_auto != n->router_mac_auto || (!n->router_mac_auto && memcmp(o->router_mac, n->router_mac, 6)))
		what = "router_mac";
	else if (o->has_rd != n->has_rd || (n->has_rd && memcmp(o->rd, n->rd, 8)))
		what = "rd";
	else if (!reload_u64s_same(o->rt_import, o->n_rt_import, n->rt_import, n->n_rt_import) ||
		 !reload_u64s_same(o->rt_export, o->n_rt_export, n->rt_export, n->n_rt_export))
		what = "route_targets";
	else if (o->n_prefix4 != n->n_prefix4 || o->n_prefix6 != n->n_prefix6 ||
		 (n->n_prefix4 && memcmp(o->prefix4, n->prefix4, n->n_prefix4 * sizeof(*n->prefix4))) ||
		 (n->n_prefix6 && memcmp(o->prefix6, n->prefix6, n->n_prefix6 * sizeof(*n->prefix6))))
		what = "advertise";
	else if (o->advertise_subnets != n->advertise_subnets)
		what = "advertise_subnets";
	else if (o->max_ipv4_routes != n->max_ipv4_routes)
		what = "max_ipv4_routes";
	else if (o->max_ipv6_routes != n->max_ipv6_routes)
		what = "max_ipv6_routes";
	if (!what)
		return 0;
	snprintf(key, sizeof(key), "vrfs[%u].%s", j, what);
	return vtepd_reload_refuse(EINVAL, err, errlen, path, key, "VRF '%s' changed: needs a restart (or remove the "
				   "VRF in one reload and add it back in the next)", n->name);
}

static int reload_plan_vrfs(const struct vtepd *d, const struct vtep_config *nc, struct vtepd_reload_plan *p,
			    char *err, size_t errlen)
{
	char key[64];
	unsigned used = 0;

	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		const char *name = d->cfg.vrfs[k].name;
		int j;

		if (!d->vrfs[k].l3vni)
			continue;
		j = reload_new_vrf(nc, name);
		if (j < 0) {
			if (d->vrfs[k].runtime) {
				used++;
				continue;
			}
			/* a VNI that stays in it: one added at run time that the file does not name */
			for (uint16_t vi = 0; vi < d->n_vnis; vi++)
				if (d->vnis[vi].vni && d->vnis[vi].runtime && d->cfg.vnis[vi].vrf == k &&
				    !reload_new_vni(nc, d->vnis[vi].vni))
					return vtepd_reload_refuse(EBUSY, err, errlen, nc->path, "vrfs", "VRF '%s' leaves "
								   "the file but VNI %u, added at run time, is in it "
								   "(delete it first: vtepctl vni del %u)", name,
								   d->vnis[vi].vni, d->vnis[vi].vni);
			p->vrf_del[p->n_vrf_del++] = k;
			reload_row(p, "vrf", "removed", NULL, "%s", name);
			continue;
		}
		if (reload_plan_vrf_same(&d->cfg.vrfs[k], &nc->vrfs[j], (uint32_t)j, nc->path, err, errlen))
			return EINVAL;
		used++;
		if (d->vrfs[k].runtime) {
			p->vrf_adopt[p->n_vrf_adopt++] = k;
			reload_row(p, "vrf", "adopted", "added at run time, now in the file", "%s", name);
		}
	}
	for (uint32_t j = 0; j < nc->n_vrfs; j++) {
		const struct vtep_vrf_config *n = &nc->vrfs[j];

		if (reload_vrf_slot(d, n->name) != DP_NO_ID)
			continue;
		snprintf(key, sizeof(key), "vrfs[%u].l3vni", j);
		/* its L3 VNI must not be a VNI or a VRF that stays without being in the file */
		for (uint16_t vi = 0; vi < d->n_vnis; vi++)
			if (d->vnis[vi].vni == n->l3vni && !reload_new_vni(nc, n->l3vni))
				return vtepd_reload_refuse(EEXIST, err, errlen, nc->path, key, "%u is VNI %u, added at "
							   "run time (delete it first)", n->l3vni, n->l3vni);
		for (uint16_t k = 0; k < d->n_vrfs; k++)
			if (d->vrfs[k].l3vni == n->l3vni && d->vrfs[k].runtime && reload_new_vrf(nc, d->cfg.vrfs[k].name) < 0)
				return vtepd_reload_refuse(EEXIST, err, errlen, nc->path, key, "%u is the L3 VNI of VRF '%s', "
							   "added at run time (delete it first)", n->l3vni,
							   d->cfg.vrfs[k].name);
		p->vrf_add[p->n_vrf_add++] = j;
		reload_row(p, "vrf", "added", NULL, "%s", n->name);
		used++;
	}
	if (used > VTEP_MAX_VRFS)
		return vtepd_reload_refuse(ENOSPC, err, errlen, nc->path, "vrfs", "%u VRFs with those added at run time "
					   "(expected at most %u)", used, VTEP_MAX_VRFS);
	return 0;
}

/* A VNI in both: what changes, or a refusal for what cannot change in place. */
static int reload_plan_vni_mod(const struct vtepd *d, const struct vtep_config *nc, uint16_t slot, uint32_t j,
			       struct vtepd_reload_plan *p, char *err, size_t errlen)
{
	const struct vtep_vni_config *o = &d->cfg.vnis[slot], *n = &nc->vnis[j];
	const char *what = NULL;
	char key[64], detail[64] = "";
	unsigned w = 0;

	if (strcmp(reload_vni_vrf_name(&d->cfg, o), reload_vni_vrf_name(nc, n)))
		what = "vrf";
	else if (o->gw4_on != n->gw4_on || (n->gw4_on && (o->gw4 != n->gw4 || o->gw4_len != n->gw4_len)) ||
		 o->gw6_on != n->gw6_on || (n->gw6_on && (memcmp(o->gw6, n->gw6, 16) || o->gw6_len != n->gw6_len)))
		what = "gateway";
	else if (o->has_rd != n->has_rd || (n->has_rd && memcmp(o->rd, n->rd, 8)))
		what = "rd";
	else if (!reload_u64s_same(o->rt_import, o->n_rt_import, n->rt_import, n->n_rt_import) ||
		 !reload_u64s_same(o->rt_export, o->n_rt_export, n->rt_export, n->n_rt_export))
		what = "route_targets";
	if (what) {
		snprintf(key, sizeof(key), "vnis[%u].%s", j, what);
		return vtepd_reload_refuse(EINVAL, err, errlen, nc->path, key, "VNI %u changed: needs a restart (or "
					   "remove the VNI in one reload and add it back in the next)", n->vni);
	}
	if (d->vnis[slot].runtime)
		w |= VTEPD_RELOAD_ADOPT;
	if (!reload_flood_same(o, n))
		w |= VTEPD_RELOAD_FLOOD;
	if (o->learning != n->learning)
		w |= VTEPD_RELOAD_LEARNING;
	if (reload_vni_mtu(&d->cfg, o) != reload_vni_mtu(nc, n))
		w |= VTEPD_RELOAD_MTU;
	if (o->max_macs != n->max_macs)
		w |= VTEPD_RELOAD_MAX_MACS;
	if (o->outer_fragmentation != n->outer_fragmentation)
		w |= VTEPD_RELOAD_OUTER_FRAG;
	if (o->vtep_check != n->vtep_check)
		w |= VTEPD_RELOAD_VTEP_CHECK;
	for (uint32_t m = 0; m < n->n_static_macs; m++) {
		const struct vtep_static_mac_config *sm = &n->static_macs[m], *om = reload_static_find(o, sm->mac);
		const uint8_t *a = sm->mac;

		if (om && reload_static_same(om, sm))
			continue;
		w |= VTEPD_RELOAD_STATIC;
		p->n_mac_add++;
		reload_row(p, "mac", om ? "changed" : "added", NULL, "%u %02x:%02x:%02x:%02x:%02x:%02x", n->vni, a[0], a[1],
			   a[2], a[3], a[4], a[5]);
	}
	for (uint32_t m = 0; m < o->n_static_macs; m++) {
		const uint8_t *a = o->static_macs[m].mac;

		if (reload_static_find(n, a))
			continue;
		w |= VTEPD_RELOAD_STATIC;
		p->n_mac_del++;
		reload_row(p, "mac", "removed", NULL, "%u %02x:%02x:%02x:%02x:%02x:%02x", o->vni, a[0], a[1], a[2], a[3],
			   a[4], a[5]);
	}
	p->vni_mod[p->n_vni_mod++] = (struct vtepd_reload_vni){ .slot = slot, .idx = j, .what = w };
	if (!(w & ~(unsigned)VTEPD_RELOAD_STATIC))
		return 0;                  /* nothing, or only static MACs (their own rows) */
	{
		static const struct { unsigned bit; const char *name; } names[] = {
			{ VTEPD_RELOAD_FLOOD, "flood" }, { VTEPD_RELOAD_LEARNING, "learning" },
			{ VTEPD_RELOAD_MTU, "mtu" }, { VTEPD_RELOAD_MAX_MACS, "max_macs" },
			{ VTEPD_RELOAD_OUTER_FRAG, "outer_fragmentation" }, { VTEPD_RELOAD_VTEP_CHECK, "vtep_check" },
		};
		size_t o2 = 0;

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if ((w & names[i].bit) && o2 < sizeof(detail))
				o2 += (size_t)snprintf(detail + o2, sizeof(detail) - o2, "%s%s", o2 ? ", " : "", names[i].name);
	}
	reload_row(p, "vni", (w & VTEPD_RELOAD_ADOPT) ? "adopted" : "changed", detail, "%u", n->vni);
	return 0;
}

/* Two prefixes (network order bytes) share their first len bits. */
static bool reload_prefix_overlap(const uint8_t *a, const uint8_t *b, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (((a[i / 8] ^ b[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

/*
 * A VNI the file adds: its gateway subnets must not overlap those of a VNI added at run time
 * that stays (the file's own VNIs the loader checked) in the same VRF.
 */
static int reload_plan_gw_overlap(const struct vtepd *d, const struct vtep_config *nc, uint32_t j, char *err,
				  size_t errlen)
{
	const struct vtep_vni_config *n = &nc->vnis[j];
	const char *vrf = reload_vni_vrf_name(nc, n);
	char key[64];

	if (!n->gw4_on && !n->gw6_on)
		return 0;
	for (uint16_t vi = 0; vi < d->n_vnis; vi++) {
		const struct vtep_vni_config *q = &d->cfg.vnis[vi];
		bool v4, v6;

		if (!d->vnis[vi].vni || !d->vnis[vi].runtime || reload_new_vni(nc, q->vni) ||
		    strcmp(reload_vni_vrf_name(&d->cfg, q), vrf))
			continue;
		v4 = n->gw4_on && q->gw4_on &&
		     reload_prefix_overlap((const uint8_t *)&n->gw4, (const uint8_t *)&q->gw4,
					   n->gw4_len < q->gw4_len ? n->gw4_len : q->gw4_len);
		v6 = n->gw6_on && q->gw6_on &&
		     reload_prefix_overlap(n->gw6, q->gw6, n->gw6_len < q->gw6_len ? n->gw6_len : q->gw6_len);
		if (v4 || v6) {
			snprintf(key, sizeof(key), "vnis[%u].gateway", j);
			return vtepd_reload_refuse(EEXIST, err, errlen, nc->path, key, "overlaps the gateway subnet of "
						   "VNI %u in VRF '%s', added at run time", q->vni, vrf);
		}
	}
	return 0;
}

static int reload_plan_vnis(const struct vtepd *d, const struct vtep_config *nc, struct vtepd_reload_plan *p,
			    char *err, size_t errlen)
{
	uint32_t holes = 0, l3 = 0, n_vnis;
	char key[64];
	int rc;

	for (uint16_t vi = 0; vi < d->n_vnis; vi++) {
		const struct vtepd_vni *v = &d->vnis[vi];
		const struct vtep_vni_config *n;

		if (!v->vni)
			continue;
		n = reload_new_vni(nc, v->vni);
		if (n) {
			if ((rc = reload_plan_vni_mod(d, nc, vi, (uint32_t)(n - nc->vnis), p, err, errlen)))
				return rc;
			continue;
		}
		if (v->runtime)
			continue;
		/* a port that stays in it: one attached at run time that the file does not name */
		for (int s = 1; s <= VTEP_MAX_PORTS; s++)
			if (d->ports[s].in_use && d->ports[s].vni_idx == vi && !d->ports[s].from_config &&
			    reload_new_port(nc, d->ports[s].conf.name) < 0)
				return vtepd_reload_refuse(EBUSY, err, errlen, nc->path, "vnis", "VNI %u leaves the file "
							   "but port %s, attached at run time, is in it (detach it "
							   "first: vtepctl detach %s)", v->vni, d->ports[s].conf.name,
							   d->ports[s].conf.name);
		p->vni_del[p->n_vni_del++] = v->vni;
		reload_row(p, "vni", "removed", NULL, "%u", v->vni);
	}
	for (uint32_t j = 0; j < nc->n_vnis; j++) {
		const struct vtep_vni_config *n = &nc->vnis[j];

		if (vtepd_vni_index(d, n->vni) != DP_NO_ID)
			continue;
		snprintf(key, sizeof(key), "vnis[%u].vni", j);
		for (uint16_t k = 0; k < d->n_vrfs; k++)
			if (d->vrfs[k].l3vni == n->vni && reload_new_vrf(nc, d->cfg.vrfs[k].name) < 0 && d->vrfs[k].runtime)
				return vtepd_reload_refuse(EEXIST, err, errlen, nc->path, key, "%u is the L3 VNI of VRF "
							   "'%s', added at run time (delete it first)", n->vni,
							   d->cfg.vrfs[k].name);
		if ((rc = reload_plan_gw_overlap(d, nc, j, err, errlen)))
			return rc;
		p->vni_add[p->n_vni_add++] = j;
		reload_row(p, "vni", "added", NULL, "%u", n->vni);
	}
	/* room: the new ones take the holes (those left now and by the VNIs that go), then the end */
	for (uint16_t vi = 0; vi < d->n_vnis; vi++)
		holes += !d->vnis[vi].vni;
	holes += p->n_vni_del;
	n_vnis = d->n_vnis + (p->n_vni_add > holes ? p->n_vni_add - holes : 0);
	for (uint16_t k = 0; k < d->n_vrfs; k++)
		l3 += d->vrfs[k].l3vni != 0;
	l3 = l3 - p->n_vrf_del + p->n_vrf_add;
	if (n_vnis + l3 > VTEP_MAX_VNIS)
		return vtepd_reload_refuse(ENOSPC, err, errlen, nc->path, "vnis", "no room for %u new VNIs (%u VNIs and "
					   "L3 VNIs at most)", p->n_vni_add, VTEP_MAX_VNIS);
	return 0;
}

/* The remote VTEPs the new file needs that are not in the table must fit. */
static int reload_plan_vteps(const struct vtepd *d, const struct vtep_config *nc, char *err, size_t errlen)
{
	uint32_t *seen, n_seen = 0, free_ids = 0, cap = 0;
	int rc = 0;

	for (uint32_t j = 0; j < nc->n_vnis; j++)
		cap += nc->vnis[j].n_flood + nc->vnis[j].n_static_macs;
	if (!cap)
		return 0;
	seen = calloc(cap, sizeof(*seen));
	if (!seen)
		return ENOMEM;
	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++)
		free_ids += !d->vteps[i].ip && !d->vteps[i].retiring;
	for (uint32_t j = 0; j < nc->n_vnis; j++) {
		const struct vtep_vni_config *n = &nc->vnis[j];

		for (uint32_t f = 0; f < n->n_flood + n->n_static_macs; f++) {
			uint32_t ip;
			bool known = false;

			if (f < n->n_flood)
				ip = n->flood[f];
			else if (n->static_macs[f - n->n_flood].to_vtep)
				ip = n->static_macs[f - n->n_flood].vtep_ip;
			else
				continue;
			for (uint16_t i = 0; i < VTEP_MAX_VTEPS && !known; i++)
				known = d->vteps[i].ip == ip;
			if (known || reload_in(seen, n_seen, ip))
				continue;
			seen[n_seen++] = ip;
		}
	}
	if (n_seen > free_ids)
		rc = vtepd_reload_refuse(ENOSPC, err, errlen, nc->path, "vnis", "%u new remote VTEP addresses, room for "
					 "%u (the VTEP table holds %u)", n_seen, free_ids, VTEP_MAX_VTEPS);
	free(seen);
	return rc;
}

/* The settings of running port q and of the file's port n (defaults as attach fills them) are the same. */
static bool reload_port_same(const struct vtepd *d, const struct vtep_config *nc, const struct vtep_port_config *q,
			     const struct vtep_port_config *n)
{
	struct vtep_port_config c = *n;
	const struct vtep_vni_config *nv = reload_new_vni(nc, n->vni);

	if (!c.ifname[0] && c.type == VTEP_PORT_AF_XDP)
		snprintf(c.ifname, sizeof(c.ifname), "%s", VTEP_DEFAULT_CONTAINER_IFNAME);
	if (c.type == VTEP_PORT_MEMIF)
		vtepd_memif_default_socket(d, &c);
	if (!c.mtu && nv)
		c.mtu = reload_vni_mtu(nc, nv);
	return q->type == c.type && q->vni == c.vni && !strcmp(q->netns, c.netns) && q->pid == c.pid &&
	       !strcmp(q->ifname, c.ifname) && (!c.has_mac || (q->has_mac && !memcmp(q->mac, c.mac, 6))) &&
	       q->has_ip == c.has_ip && (!c.has_ip || (q->ip == c.ip && q->prefix_len == c.prefix_len)) &&
	       q->mtu == c.mtu && q->max_macs == c.max_macs && q->max_neighbors == c.max_neighbors &&
	       !strcmp(q->socket, c.socket) && q->memif_id == c.memif_id;
}

/* A port the file adds: what attach would refuse, checked now (its name, its namespace, its MAC). */
static int reload_plan_port_new(const struct vtepd *d, const struct vtep_config *nc, uint32_t j,
				const struct vtepd_reload_plan *p, char *err, size_t errlen)
{
	const struct vtep_port_config *n = &nc->ports[j];
	char key[64], path[VTEP_NETNS_MAX + 16];
	struct stat st;

	snprintf(key, sizeof(key), "ports[%u].name", j);
	if (vtepd_port_find(d, n->name) < 0 && n->type == VTEP_PORT_AF_XDP && if_nametoindex(n->name))
		return vtepd_reload_refuse(EEXIST, err, errlen, nc->path, key, "interface %s already exists and is not "
					   "a vtepd port", n->name);
	if (n->type == VTEP_PORT_AF_XDP && n->netns[0]) {
		if (n->netns[0] == '/')
			snprintf(path, sizeof(path), "%s", n->netns);
		else
			snprintf(path, sizeof(path), "/run/netns/%s", n->netns);
		if (stat(path, &st) != 0) {
			snprintf(key, sizeof(key), "ports[%u].netns", j);
			return vtepd_reload_refuse(ENOENT, err, errlen, nc->path, key, "no network namespace %s (%s)",
						   n->netns, path);
		}
	}
	if (n->type == VTEP_PORT_AF_XDP && n->pid > 0 && kill(n->pid, 0) != 0 && errno == ESRCH) {
		snprintf(key, sizeof(key), "ports[%u].pid", j);
		return vtepd_reload_refuse(ESRCH, err, errlen, nc->path, key, "no process %d", n->pid);
	}
	for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
		const struct vtepd_port *q = &d->ports[s];

		if (!q->in_use || reload_in(p->port_del, p->n_port_del, (uint32_t)s))
			continue;
		if (n->has_mac && q->conf.has_mac && !memcmp(q->conf.mac, n->mac, 6)) {
			snprintf(key, sizeof(key), "ports[%u].mac", j);
			return vtepd_reload_refuse(EEXIST, err, errlen, nc->path, key, "the MAC of port %s, which stays",
						   q->conf.name);
		}
		if (n->type == VTEP_PORT_MEMIF && q->conf.type == VTEP_PORT_MEMIF) {
			struct vtep_port_config c = *n;

			vtepd_memif_default_socket(d, &c);
			if (!strcmp(c.socket, q->conf.socket)) {
				snprintf(key, sizeof(key), "ports[%u].socket", j);
				return vtepd_reload_refuse(EEXIST, err, errlen, nc->path, key, "port %s, which stays, "
							   "serves memif socket %s", q->conf.name, c.socket);
			}
		}
	}
	return 0;
}

static int reload_plan_ports(const struct vtepd *d, const struct vtep_config *nc, struct vtepd_reload_plan *p,
			     char *err, size_t errlen)
{
	uint32_t used = 0;
	int rc;

	for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
		const struct vtepd_port *q = &d->ports[s];
		int j;

		if (!q->in_use)
			continue;
		j = reload_new_port(nc, q->conf.name);
		if (j < 0) {
			if (q->from_config) {
				p->port_del[p->n_port_del++] = (uint32_t)s;
				reload_row(p, "port", "removed", NULL, "%s", q->conf.name);
			} else {
				used++;
			}
			continue;
		}
		used++;
		if (reload_port_same(d, nc, &q->conf, &nc->ports[j])) {
			if (!q->from_config) {
				p->port_adopt[p->n_port_adopt++] = (uint32_t)s;
				reload_row(p, "port", "adopted", "attached at run time, now in the file", "%s", q->conf.name);
			}
			continue;
		}
		/* changed: made anew, as a restart would */
		p->port_del[p->n_port_del++] = (uint32_t)s;
		p->port_add[p->n_port_add++] = (uint32_t)j;
		reload_row(p, "port", "replaced", "its settings changed", "%s", q->conf.name);
	}
	for (uint32_t j = 0; j < nc->n_ports; j++) {
		if (vtepd_port_find(d, nc->ports[j].name) > 0)
			continue;
		if ((rc = reload_plan_port_new(d, nc, j, p, err, errlen)))
			return rc;
		p->port_add[p->n_port_add++] = j;
		reload_row(p, "port", "added", NULL, "%s", nc->ports[j].name);
		used++;
	}
	if (used > VTEP_MAX_PORTS)
		return vtepd_reload_refuse(ENOSPC, err, errlen, nc->path, "ports", "%u ports with those attached at run "
					   "time (expected at most %u)", used, VTEP_MAX_PORTS);
	/* a new static MAC must not be the MAC of a port that stays and is not its port */
	for (uint32_t j = 0; j < nc->n_vnis; j++)
		for (uint32_t m = 0; m < nc->vnis[j].n_static_macs; m++) {
			const struct vtep_static_mac_config *sm = &nc->vnis[j].static_macs[m];

			for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
				const struct vtepd_port *q = &d->ports[s];
				char key[64];

				if (!q->in_use || reload_in(p->port_del, p->n_port_del, (uint32_t)s) || !q->conf.has_mac ||
				    memcmp(q->conf.mac, sm->mac, 6) || (!sm->to_vtep && !strcmp(sm->port, q->conf.name)))
					continue;
				snprintf(key, sizeof(key), "vnis[%u].static_macs[%u]", j, m);
				return vtepd_reload_refuse(EEXIST, err, errlen, nc->path, key, "the MAC of port %s",
							   q->conf.name);
			}
		}
	return 0;
}

int vtepd_reload_plan(const struct vtepd *d, const struct vtep_config *nc, struct vtepd_reload_plan *p, char *err,
		      size_t errlen)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = reload_plan_global(&d->cfg, nc, err, errlen)) || (rc = reload_plan_vrfs(d, nc, p, err, errlen)) ||
	    (rc = reload_plan_vnis(d, nc, p, err, errlen)) || (rc = reload_plan_vteps(d, nc, err, errlen)) ||
	    (rc = reload_plan_ports(d, nc, p, err, errlen)))
		return rc;
	vtepd_reload_plan_bgp(&d->cfg.bgp, &nc->bgp, p);
	return 0;
}

/* ---- applying it ---- */

/* The VRF index of the running switch for VRF index k of nc (VTEP_NO_VRF for none). */
static uint16_t reload_vrf_map(const struct vtepd *d, const struct vtep_config *nc, uint16_t k)
{
	return k < nc->n_vrfs ? reload_vrf_slot(d, nc->vrfs[k].name) : VTEP_NO_VRF;
}

/* Take VNI j of nc (its lists moved out of nc) with its VRF as the running switch numbers it. */
static void reload_take_vni(const struct vtepd *d, struct vtep_config *nc, uint32_t j, struct vtep_vni_config *out)
{
	struct vtep_vni_config *n = &nc->vnis[j];

	*out = *n;
	out->vrf = reload_vrf_map(d, nc, n->vrf);
	n->flood = NULL;
	n->static_macs = NULL;
	n->rt_import = n->rt_export = NULL;
	n->n_flood = n->n_static_macs = n->n_rt_import = n->n_rt_export = 0;
}

/* VNI slot's flood list: the addresses the file dropped go, those it added come; EVPN's stay. */
static int reload_flood(struct vtepd *d, uint16_t slot, const struct vtep_vni_config *o,
			const struct vtep_vni_config *n, char *err, size_t errlen)
{
	struct vtepd_vni *v = &d->vnis[slot];

	for (uint32_t f = 0; f < o->n_flood; f++) {
		uint16_t id;

		if (reload_in(n->flood, n->n_flood, o->flood[f]) || vtepd_vtep_get(d, o->flood[f], false, &id))
			continue;
		for (uint16_t i = 0; i < v->n_flood; i++)
			if (v->flood[i] == id) {
				memmove(&v->flood[i], &v->flood[i + 1], (v->n_flood - i - 1u) * sizeof(v->flood[0]));
				v->n_flood--;
				break;
			}
	}
	for (uint32_t f = 0; f < n->n_flood; f++) {
		uint16_t id;
		bool there = false;
		int rc;

		if ((rc = vtepd_vtep_get(d, n->flood[f], false, &id))) {
			snprintf(err, errlen, "VNI %u: the remote VTEP table is full (%u VTEPs)", n->vni, VTEP_MAX_VTEPS);
			return rc;
		}
		for (uint16_t i = 0; i < v->n_flood && !there; i++)
			there = v->flood[i] == id;
		if (!there && v->n_flood < VTEPD_MAX_FLOOD)
			v->flood[v->n_flood++] = id;
	}
	d->resolve_all = true;
	return 0;
}

/* The static MACs of VNI slot that the new list n no longer has leave the FDB. */
static void reload_static_remove(struct vtepd *d, uint16_t slot, const struct vtep_vni_config *o,
				 const struct vtep_vni_config *n)
{
	for (uint32_t m = 0; m < o->n_static_macs; m++) {
		uint64_t key = fdb_key(slot, o->static_macs[m].mac);
		const struct fdb_entry *e;

		if (reload_static_find(n, o->static_macs[m].mac))
			continue;
		e = fdb_lookup(d->fdb, key);
		if (e && (e->flags & FDB_F_STATIC))
			fdb_delete(d->fdb, key);
	}
}

/* Every static MAC of the configuration's VNIs in the FDB, where it is not already as it should be. */
static int reload_static_install(struct vtepd *d, char *err, size_t errlen)
{
	for (uint16_t vi = 0; vi < d->n_vnis; vi++) {
		const struct vtep_vni_config *vc = &d->cfg.vnis[vi];

		if (!d->vnis[vi].vni)
			continue;
		for (uint32_t m = 0; m < vc->n_static_macs; m++) {
			const struct vtep_static_mac_config *sm = &vc->static_macs[m];
			uint64_t key = fdb_key(vi, sm->mac);
			const struct fdb_entry *e;
			uint32_t dest;
			int rc = 0;

			if (sm->to_vtep) {
				uint16_t id;

				rc = vtepd_vtep_get(d, sm->vtep_ip, false, &id);
				dest = fdb_dest_vtep(id);
			} else {
				int s = vtepd_port_find(d, sm->port);

				rc = s > 0 ? 0 : ENOENT;
				dest = fdb_dest_port((uint32_t)(s > 0 ? s : 0));
			}
			e = rc ? NULL : fdb_lookup(d->fdb, key);
			if (!rc && e && (e->flags & FDB_F_STATIC) && fdb_entry_dest(e) == dest)
				continue;
			if (!rc)
				rc = fdb_add_static(d->fdb, key, dest);
			if (rc) {
				snprintf(err, errlen, "%s:%d: static MAC in VNI %u: %s", d->cfg.path, sm->line, vc->vni,
					 strerror(rc));
				return rc;
			}
		}
	}
	return 0;
}

/* Configured VTEPs no list names any more become learned ones: they age out once no MAC is behind them. */
static void reload_vteps_unconfigure(struct vtepd *d)
{
	if (d->cfg.bgp.enabled)
		return;                    /* EVPN's go once nothing names them (vtepd_vteps_age) */
	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++)
		if (d->vteps[i].ip && !d->vteps[i].dynamic && !strcmp(vtepd_vtep_source(d, i), "configured")) {
			bool named = false;

			for (uint16_t vi = 0; vi < d->n_vnis && !named; vi++) {
				const struct vtep_vni_config *vc = &d->cfg.vnis[vi];

				named = reload_in(vc->flood, vc->n_flood, d->vteps[i].ip);
				for (uint32_t m = 0; m < vc->n_static_macs && !named; m++)
					named = vc->static_macs[m].to_vtep && vc->static_macs[m].vtep_ip == d->vteps[i].ip;
			}
			if (!named)
				d->vteps[i].dynamic = true;
		}
}

int vtepd_reload_apply(struct vtepd *d, struct vtep_config *nc, const struct vtepd_reload_plan *p, char *err,
		       size_t errlen)
{
	char e2[512];
	int rc;

	/* what goes: ports first (a VNI with ports cannot go), then VNIs, then their VRFs */
	for (uint32_t i = 0; i < p->n_port_del; i++) {
		char name[VTEP_IFNAME_MAX];

		snprintf(name, sizeof(name), "%s", d->ports[p->port_del[i]].conf.name);
		if ((rc = vtepd_port_detach(d, name, e2, sizeof(e2)))) {
			snprintf(err, errlen, "port %s: %s", name, e2);
			return rc;
		}
	}
	for (uint32_t i = 0; i < p->n_vni_del; i++)
		if ((rc = vtepd_vni_del(d, p->vni_del[i], e2, sizeof(e2)))) {
			snprintf(err, errlen, "VNI %u: %s", p->vni_del[i], e2);
			return rc;
		}
	for (uint32_t i = 0; i < p->n_vrf_del; i++) {
		char name[VTEP_VRF_NAME_MAX];

		snprintf(name, sizeof(name), "%s", d->cfg.vrfs[p->vrf_del[i]].name);
		if ((rc = vtepd_vrf_del(d, name, e2, sizeof(e2)))) {
			snprintf(err, errlen, "VRF %s: %s", name, e2);
			return rc;
		}
	}
	/* what comes: VRFs, then the VNIs in them */
	for (uint32_t i = 0; i < p->n_vrf_adopt; i++) {
		uint16_t k = (uint16_t)p->vrf_adopt[i];
		int j = reload_new_vrf(nc, d->cfg.vrfs[k].name);

		d->vrfs[k].runtime = false;
		d->cfg.vrfs[k].line = j >= 0 ? nc->vrfs[j].line : 0;
	}
	for (uint32_t i = 0; i < p->n_vrf_add; i++) {
		struct vtep_vrf_config *n = &nc->vrfs[p->vrf_add[i]], vc = *n;
		int line = n->line;
		uint16_t k;

		n->rt_import = n->rt_export = NULL;
		n->prefix4 = NULL;
		n->prefix6 = NULL;
		n->n_rt_import = n->n_rt_export = n->n_prefix4 = n->n_prefix6 = 0;
		if ((rc = vtepd_vrf_add(d, &vc, &k, e2, sizeof(e2)))) {
			snprintf(err, errlen, "%s:%d: VRF %s: %s", nc->path, line, n->name, e2);
			return rc;
		}
		d->vrfs[k].runtime = false;
		d->cfg.vrfs[k].line = line;
	}
	for (uint32_t i = 0; i < p->n_vni_add; i++) {
		struct vtep_vni_config vc;
		uint32_t vni = nc->vnis[p->vni_add[i]].vni;
		int line = nc->vnis[p->vni_add[i]].line;
		uint16_t slot;

		reload_take_vni(d, nc, p->vni_add[i], &vc);
		if ((rc = vtepd_vni_add(d, &vc, &slot, e2, sizeof(e2)))) {
			snprintf(err, errlen, "%s:%d: VNI %u: %s", nc->path, line, vni, e2);
			return rc;
		}
		d->vnis[slot].runtime = false;
		d->cfg.vnis[slot].line = line;
	}
	/* what changes in place */
	for (uint32_t i = 0; i < p->n_vni_mod; i++) {
		const struct vtepd_reload_vni *m = &p->vni_mod[i];
		struct vtepd_vni *v = &d->vnis[m->slot];
		struct vtep_vni_config *o = &d->cfg.vnis[m->slot], vc;

		reload_take_vni(d, nc, m->idx, &vc);
		if ((m->what & VTEPD_RELOAD_FLOOD) && (rc = reload_flood(d, m->slot, o, &vc, err, errlen))) {
			vtepd_vni_conf_free(&vc);
			return rc;
		}
		if (m->what & VTEPD_RELOAD_STATIC)
			reload_static_remove(d, m->slot, o, &vc);
		v->learning = vc.learning && !d->cfg.bgp.enabled;
		v->mtu = (uint16_t)reload_vni_mtu(&d->cfg, &vc);
		v->outer_frag = vc.outer_fragmentation;
		v->vtep_check = vc.vtep_check < 0 ? d->cfg.bgp.enabled : vc.vtep_check != 0;
		v->max_macs = vc.max_macs;
		if (m->what & VTEPD_RELOAD_ADOPT)
			v->runtime = false;
		vtepd_vni_conf_free(o);
		*o = vc;
	}
	/* ports, then the static MACs that point at them */
	for (uint32_t i = 0; i < p->n_port_adopt; i++)
		d->ports[p->port_adopt[i]].from_config = true;
	for (uint32_t i = 0; i < p->n_port_add; i++) {
		const struct vtep_port_config *pc = &nc->ports[p->port_add[i]];

		if ((rc = vtepd_port_attach(d, pc, true, e2, sizeof(e2)))) {
			snprintf(err, errlen, "%s:%d: port %s: %s", nc->path, pc->line, pc->name, e2);
			return rc;
		}
	}
	free(d->cfg.ports);
	d->cfg.ports = nc->ports;
	d->cfg.n_ports = nc->n_ports;
	nc->ports = NULL;
	nc->n_ports = 0;
	if ((rc = reload_static_install(d, err, errlen)))
		return rc;
	/* the bgp section, now that the VNIs and VRFs are there */
	if ((rc = vtepd_reload_bgp(d, &d->cfg.bgp, &nc->bgp, nc->path, true, err, errlen)))
		return rc;
	{
		struct vtep_bgp_neighbor_config *nb = d->cfg.bgp.neighbors;
		uint32_t n = d->cfg.bgp.n_neighbors;

		d->cfg.bgp.neighbors = nc->bgp.neighbors;
		d->cfg.bgp.n_neighbors = nc->bgp.n_neighbors;
		nc->bgp.neighbors = nb;    /* freed with nc */
		nc->bgp.n_neighbors = n;
	}
	reload_vteps_unconfigure(d);
	vtepd_learning_limits(d);
	vtepd_vnis_state_save(d);
	vtepd_vrfs_state_save(d);
	vtepd_ports_state_save(d);
	d->topology_dirty = true;
	if (d->topology)
		vtepd_publish(d);
	return 0;
}

int vtepd_reload(struct vtepd *d, struct vtepd_reload_plan *out, char *err, size_t errlen)
{
	struct vtep_config nc;
	struct vtepd_reload_plan *p = out ? out : calloc(1, sizeof(*p));
	int rc;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	service_reloading();
	rc = vtep_config_load_file(d->cfg.path, &nc, err, errlen);
	if (rc)
		goto done;
	rc = vtepd_reload_plan(d, &nc, p, err, errlen);
	if (!rc)
		rc = vtepd_reload_bgp(d, &d->cfg.bgp, &nc.bgp, nc.path, false, err, errlen);
	if (!rc)
		rc = vtepd_reload_apply(d, &nc, p, err, errlen);
	vtep_config_free(&nc);
done:
	service_reloaded();
	if (rc)
		vlog(VLOG_ERR, "reload of %s: %s", d->cfg.path, err);
	else
		vlog(VLOG_INFO, "reload of %s: %u change%s", d->cfg.path, p->n_rows, p->n_rows == 1 ? "" : "s");
	for (uint32_t i = 0; !rc && i < p->n_rows && i < VTEPD_RELOAD_ROWS; i++)
		vlog(VLOG_INFO, "reload: %s %s %s%s%s", p->rows[i].kind, p->rows[i].name, p->rows[i].action,
		     p->rows[i].detail[0] ? ": " : "", p->rows[i].detail);
	if (!out)
		free(p);
	return rc;
}

/* ---- vtepctl reload ---- */
int vtepd_cmd_reload(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct vtepd_reload_plan *p;
	char err[1024];
	int rc;

	(void)argv;
	if (argc != 0) {
		ctl_error(o, "usage: reload");
		return EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		ctl_error(o, "reload: out of memory");
		return ENOMEM;
	}
	rc = vtepd_reload(d, p, err, sizeof(err));
	if (rc) {
		ctl_error(o, "reload: %s", err);
		free(p);
		return rc;
	}
	ctl_str(o, "file", d->cfg.path);
	ctl_u64(o, "changes", p->n_rows);
	ctl_list_begin(o, "changed");
	for (uint32_t i = 0; i < p->n_rows && i < VTEPD_RELOAD_ROWS; i++) {
		ctl_obj_begin(o, NULL);
		ctl_str(o, "kind", p->rows[i].kind);
		ctl_str(o, "name", p->rows[i].name);
		ctl_str(o, "action", p->rows[i].action);
		ctl_str(o, "detail", p->rows[i].detail);
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	free(p);
	return 0;
}
