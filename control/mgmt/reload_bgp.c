/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload_bgp.c: the bgp section's part of a reload (reload.h: vtepd_reload_bgp). The keys of
 * the section itself need a restart: the reload is refused, naming the key and where it is.
 * The neighbours change at run time: fabric_neighbors_apply (control/fabric/fabric.c) checks
 * the new list in the check step and makes the change in the apply step (doc/reload.md);
 * vtepd_reload_plan_bgp lists those changes as rows of the plan ('vtepctl reload').
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fabric.h"
#include "reload.h"
#include "switch.h"

/* The fabric's "KEY: what" as "FILE:LINE:COLUMN: KEY: what", KEY located in the file at path. */
static int reload_bgp_refuse(int rc, const char *ferr, const char *path, char *err, size_t errlen)
{
	const char *sep = strstr(ferr, ": ");
	char key[64];

	if (!sep || (size_t)(sep - ferr) >= sizeof(key))
		return vtepd_reload_refuse(rc, err, errlen, path, "bgp", "%s", ferr);
	memcpy(key, ferr, (size_t)(sep - ferr));
	key[sep - ferr] = '\0';
	return vtepd_reload_refuse(rc, err, errlen, path, key, "%s", sep + 2);
}

int vtepd_reload_bgp(struct vtepd *d, const struct vtep_bgp_config *old, const struct vtep_bgp_config *nw,
		     const char *path, bool apply, char *err, size_t errlen)
{
	char ferr[256];
	int rc;

	if (!apply) {
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
	}
	/* the neighbours: checked (the fabric compares with what runs), then changed */
	rc = fabric_neighbors_apply(d, nw, !apply, ferr, sizeof(ferr));
	return rc ? reload_bgp_refuse(rc, ferr, path, err, errlen) : 0;
}

/* "KEY" appended to out's comma-separated list. */
static void reload_bgp_key(char *out, size_t len, const char *key)
{
	size_t o = strlen(out);

	if (o < len)
		snprintf(out + o, len - o, "%s%s", o ? ", " : "", key);
}

/* The keys of one neighbour that differ between a and b, comma-separated; "" when none. */
static void reload_bgp_nb_diff(const struct vtep_bgp_neighbor_config *a, const struct vtep_bgp_neighbor_config *b,
			       char *out, size_t len)
{
	out[0] = '\0';
	if (a->remote_as != b->remote_as)
		reload_bgp_key(out, len, "remote_as");
	if (a->passive != b->passive)
		reload_bgp_key(out, len, "passive");
	if (strcmp(a->password, b->password))
		reload_bgp_key(out, len, "password");
	if (a->max_routes != b->max_routes)
		reload_bgp_key(out, len, "max_routes");
	if (a->ttl_security != b->ttl_security)
		reload_bgp_key(out, len, "ttl_security");
	if (a->hold_time != b->hold_time)
		reload_bgp_key(out, len, "hold_time");
	if (strcmp(a->description, b->description))
		reload_bgp_key(out, len, "description");
	if (a->update_source != b->update_source || strcmp(a->update_source_if, b->update_source_if))
		reload_bgp_key(out, len, "update_source");
	if (a->has_local_pref != b->has_local_pref || (a->has_local_pref && a->local_pref != b->local_pref))
		reload_bgp_key(out, len, "local_preference");
}

static const struct vtep_bgp_neighbor_config *reload_bgp_find(const struct vtep_bgp_config *bc, uint32_t addr)
{
	for (uint32_t i = 0; i < bc->n_neighbors; i++)
		if (bc->neighbors[i].address == addr)
			return &bc->neighbors[i];
	return NULL;
}

void vtepd_reload_plan_bgp(const struct vtep_bgp_config *old, const struct vtep_bgp_config *nw,
			   struct vtepd_reload_plan *p)
{
	char a[INET_ADDRSTRLEN], what[sizeof(p->rows[0].detail)];

	if (!old->enabled || !nw->enabled)
		return;
	/* removed ones first, as the fabric removes them */
	for (uint32_t i = 0; i < old->n_neighbors; i++)
		if (!reload_bgp_find(nw, old->neighbors[i].address))
			vtepd_reload_row(p, "neighbor", "removed", NULL,
					 inet_ntop(AF_INET, &old->neighbors[i].address, a, sizeof(a)));
	for (uint32_t i = 0; i < nw->n_neighbors; i++) {
		const struct vtep_bgp_neighbor_config *n = &nw->neighbors[i], *o = reload_bgp_find(old, n->address);

		inet_ntop(AF_INET, &n->address, a, sizeof(a));
		if (!o) {
			vtepd_reload_row(p, "neighbor", "added", NULL, a);
			continue;
		}
		reload_bgp_nb_diff(o, n, what, sizeof(what));
		if (what[0])
			vtepd_reload_row(p, "neighbor", "changed", what, a);
	}
}
