/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * learning.c: the writer side of MAC learning. Drains the fast path's learn ring into the
 * FDB (creating a remote VTEP the first time a MAC is learned behind it), ages dynamic
 * entries, and installs the configuration's static MACs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ring_elem.h>

#include "fdb.h"
#include "vtepd.h"

#define LEARN_BURST 256
#define LEARN_MAX_BURSTS 64       /* per tick, so the control thread stays responsive */

static void vtepd_learn_one(struct vtepd *d, const struct dp_learn_event *ev, uint64_t now)
{
	uint32_t dest = ev->dest;
	bool moved = false;
	int rc;

	if (!fdb_dest_is_vtep(dest) && (dest & DP_LEARN_IP)) {
		uint32_t slot = dest & ~DP_LEARN_IP;
		uint8_t mac[6];

		/* a container's ARP told us its address: MAC+IP for EVPN */
		if (slot == 0 || slot > VTEP_MAX_PORTS || !d->ports[slot].in_use) {
			d->stats.learn_ignored++;
			return;
		}
		fdb_key_mac(ev->key, mac);
		vtepd_bgp_local_ip(d, fdb_key_vni_idx(ev->key), mac, ev->vtep_ip);
		return;
	}

	if (fdb_dest_is_vtep(dest)) {
		if (fdb_dest_id(dest) == DP_VTEP_UNKNOWN) {
			uint16_t id;

			if (vtepd_vtep_get(d, ev->vtep_ip, true, &id) != 0) {
				d->stats.learn_errors++;
				return;
			}
			dest = fdb_dest_vtep(id);
		} else if (fdb_dest_id(dest) >= VTEP_MAX_VTEPS || !d->vteps[fdb_dest_id(dest)].ip) {
			d->stats.learn_ignored++;
			return;
		}
	} else if (fdb_dest_id(dest) == 0 || fdb_dest_id(dest) > VTEP_MAX_PORTS || !d->ports[fdb_dest_id(dest)].in_use) {
		d->stats.learn_ignored++;   /* the port went away after the frame was seen */
		return;
	}
	rc = fdb_learn(d->fdb, ev->key, dest, now, &moved);
	if (rc && rc != EEXIST)
		d->stats.learn_errors++;
	if (rc == 0 && !fdb_dest_is_vtep(dest)) {
		uint8_t m[6];

		fdb_key_mac(ev->key, m);
		vtepd_bgp_local_mac(d, fdb_key_vni_idx(ev->key), m, true);
	}
	if (moved) {
		uint8_t mac[6];

		fdb_key_mac(ev->key, mac);
		vlog(VLOG_DEBUG, "MAC %02x:%02x:%02x:%02x:%02x:%02x moved in VNI %u", mac[0], mac[1], mac[2], mac[3],
		     mac[4], mac[5], d->vnis[fdb_key_vni_idx(ev->key)].vni);
	}
}

void vtepd_learning_drain(struct vtepd *d)
{
	struct dp_learn_event evs[LEARN_BURST];
	uint64_t now = dp_clock_sec();

	for (unsigned b = 0; b < LEARN_MAX_BURSTS; b++) {
		unsigned n = rte_ring_dequeue_burst_elem(d->learn_ring, evs, sizeof(evs[0]), LEARN_BURST, NULL);

		for (unsigned i = 0; i < n; i++)
			vtepd_learn_one(d, &evs[i], now);
		d->stats.learn_events += n;
		if (n < LEARN_BURST)
			break;
	}
}

void vtepd_learning_age(struct vtepd *d)
{
	if (d->cfg.mac_aging_sec)
		fdb_age(d->fdb, dp_clock_sec(), d->cfg.mac_aging_sec);
}

int vtepd_learning_static(struct vtepd *d, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < d->cfg.n_vnis; i++) {
		const struct vtep_vni_config *vc = &d->cfg.vnis[i];
		uint16_t vi = vtepd_vni_index(d, vc->vni);

		for (uint32_t m = 0; m < vc->n_static_macs; m++) {
			const struct vtep_static_mac_config *sm = &vc->static_macs[m];
			uint32_t dest;
			int rc;

			if (sm->to_vtep) {
				uint16_t id;

				rc = vtepd_vtep_get(d, sm->vtep_ip, false, &id);
				dest = fdb_dest_vtep(id);
			} else {
				int slot = vtepd_port_find(d, sm->port);

				rc = slot > 0 ? 0 : ENOENT;
				dest = fdb_dest_port((uint32_t)slot);
			}
			if (rc == 0)
				rc = fdb_add_static(d->fdb, fdb_key(vi, sm->mac), dest);
			if (rc) {
				snprintf(err, errlen, "%s:%d: static MAC in VNI %u: %s", d->cfg.path, sm->line, vc->vni,
					 strerror(rc));
				return rc;
			}
		}
	}
	return 0;
}
