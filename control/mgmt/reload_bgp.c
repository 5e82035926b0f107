/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload_bgp.c: the bgp section's part of a reload (reload.h: vtepd_reload_bgp). The keys of
 * the section itself need a restart: the reload is refused, naming the key and where it is.
 * The neighbours change at run time: fabric_neighbors_apply (control/fabric/fabric.c) checks
 * the new list in the check step and makes the change in the apply step (doc/reload.md).
 */
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
