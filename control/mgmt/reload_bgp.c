/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload_bgp.c: the bgp section's part of a reload (reload.h: vtepd_reload_bgp). Today every
 * key of the section needs a restart, and so does any neighbour added, removed or changed:
 * the reload is refused, naming the key and where it is. This is the hook where neighbour
 * changes are made without a restart.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reload.h"
#include "switch.h"

static const struct vtep_bgp_neighbor_config *reload_bgp_find(const struct vtep_bgp_config *b, uint32_t addr)
{
	for (uint32_t i = 0; i < b->n_neighbors; i++)
		if (b->neighbors[i].address == addr)
			return &b->neighbors[i];
	return NULL;
}

/* Two neighbours' settings (their lines aside) are the same. */
static bool reload_bgp_same(const struct vtep_bgp_neighbor_config *a, const struct vtep_bgp_neighbor_config *b)
{
	return a->address == b->address && a->remote_as == b->remote_as && a->passive == b->passive &&
	       !strcmp(a->password, b->password) && a->max_routes == b->max_routes &&
	       a->ttl_security == b->ttl_security && a->hold_time == b->hold_time &&
	       !strcmp(a->description, b->description) && a->update_source == b->update_source &&
	       !strcmp(a->update_source_if, b->update_source_if) && a->has_local_pref == b->has_local_pref &&
	       (!a->has_local_pref || a->local_pref == b->local_pref);
}


int vtepd_reload_bgp(struct vtepd *d, const struct vtep_bgp_config *old, const struct vtep_bgp_config *nw,
		     const char *path, bool apply, char *err, size_t errlen)
{
	char key[64];

	(void)d;
	if (apply)
		return 0;                  /* nothing is accepted yet that would need applying */
	if (old->enabled != nw->enabled)
		return vtepd_reload_refuse(EINVAL, err, errlen, path, "bgp", "the section was %s: needs a restart",
					   nw->enabled ? "added" : "removed");
	if (!nw->enabled)
		return 0;
#define BGP_SAME(f, k)                                                                                           \
	do {                                                                                                     \
		if (old->f != nw->f)                                                                             \
			return vtepd_reload_refuse(EINVAL, err, errlen, path, "bgp." k, "changed: needs a restart"); \
	} while (0)
	BGP_SAME(asn, "asn");
	BGP_SAME(router_id, "router_id");
	BGP_SAME(hold_time, "hold_time");
	BGP_SAME(port, "port");
	BGP_SAME(graceful_restart, "graceful_restart");
	BGP_SAME(restart_time, "restart_time");
	BGP_SAME(rt_match_vni_only, "rt_match_vni_only");
	BGP_SAME(advertise_local, "advertise");
	BGP_SAME(dup_max_moves, "duplicate_detection.max_moves");
	BGP_SAME(dup_window_sec, "duplicate_detection.window");
	BGP_SAME(arp_suppression, "arp_suppression");
	BGP_SAME(local_pref, "local_preference");
	BGP_SAME(n_listen, "listen");
#undef BGP_SAME
	if (memcmp(old->listen, nw->listen, sizeof(old->listen[0]) * nw->n_listen))
		return vtepd_reload_refuse(EINVAL, err, errlen, path, "bgp.listen", "changed: needs a restart");
	/* neighbours: the hook for changing them at run time */
	for (uint32_t i = 0; i < nw->n_neighbors; i++) {
		const struct vtep_bgp_neighbor_config *n = &nw->neighbors[i], *o = reload_bgp_find(old, n->address);

		if (o && reload_bgp_same(o, n))
			continue;
		snprintf(key, sizeof(key), "bgp.neighbors[%u]", i);
		return vtepd_reload_refuse(EINVAL, err, errlen, path, key, "neighbour %u.%u.%u.%u %s: BGP neighbour "
					   "changes need a restart (not yet supported)",
					   ((const uint8_t *)&n->address)[0], ((const uint8_t *)&n->address)[1],
					   ((const uint8_t *)&n->address)[2], ((const uint8_t *)&n->address)[3],
					   o ? "changed" : "added");
	}
	for (uint32_t i = 0; i < old->n_neighbors; i++) {
		const struct vtep_bgp_neighbor_config *o = &old->neighbors[i];

		if (reload_bgp_find(nw, o->address))
			continue;
		return vtepd_reload_refuse(EINVAL, err, errlen, path, "bgp.neighbors", "neighbour %u.%u.%u.%u removed: "
					   "BGP neighbour changes need a restart (not yet supported)",
					   ((const uint8_t *)&o->address)[0], ((const uint8_t *)&o->address)[1],
					   ((const uint8_t *)&o->address)[2], ((const uint8_t *)&o->address)[3]);
	}
	return 0;
}
