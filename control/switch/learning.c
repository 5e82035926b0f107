/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * learning.c: the writer side of MAC learning. Drains the fast path's learn ring into the
 * FDB (creating a remote VTEP the first time a MAC is learned behind it), ages dynamic
 * entries and learned VTEPs, keeps the ports' and VNIs' MAC limits (max_macs), and installs
 * the configuration's static MACs and the attached ports' own MACs.
 *
 * What is never learned: a MAC pinned elsewhere (static, or a container port's own MAC:
 * fdb_learn refuses it, fdb.move_refused), a new MAC over its port's or its VNI's limit
 * (learn_limit), a MAC behind a VTEP that is not known in a VNI with vtep_check. The fast
 * path filters the same cases from the snapshot; the checks here catch what was posted
 * before a snapshot caught up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ring_elem.h>

#include "fdb.h"
#include "log.h"
#include "switch.h"

#define LEARN_BURST 256
#define LEARN_MAX_BURSTS 64       /* per tick, so the control thread stays responsive */

uint32_t vtepd_port_max_macs(const struct vtepd *d, uint16_t slot)
{
	uint32_t m = slot <= VTEP_MAX_PORTS ? d->ports[slot].conf.max_macs : 0;

	return m ? m : RTE_MAX(d->cfg.mac_table_size / VTEP_DEFAULT_PORT_MAX_MACS_DIV, 1u);
}

uint32_t vtepd_vni_max_macs(const struct vtepd *d, uint16_t vni_idx)
{
	uint32_t m = vni_idx < d->n_vnis ? d->vnis[vni_idx].max_macs : 0;

	return m ? m : RTE_MAX(d->cfg.mac_table_size / VTEP_DEFAULT_VNI_MAX_MACS_DIV, 1u);
}

/*
 * Would learning key at dest take a port or a VNI over its max_macs? A new MAC counts against
 * both, a MAC moving into a port against the port. Counted when refused.
 */
static bool vtepd_learn_over_limit(struct vtepd *d, uint64_t key, uint32_t dest)
{
	const struct fdb_entry *e = fdb_lookup(d->fdb, key);
	uint16_t vi = fdb_key_vni_idx(key);
	uint32_t slot = fdb_dest_id(dest);

	if (e && (fdb_entry_dest(e) == dest || (e->flags & FDB_F_PINNED)))
		return false;   /* nothing new, or fdb_learn refuses it (move_refused) */
	if (!e && fdb_vni_entries(d->fdb, vi) >= vtepd_vni_max_macs(d, vi)) {
		d->vnis[vi].learn_limit++;
		d->stats.learn_limit++;
		return true;
	}
	if (!fdb_dest_is_vtep(dest) && fdb_port_entries(d->fdb, slot) >= vtepd_port_max_macs(d, (uint16_t)slot)) {
		d->ports[slot].learn_limit++;
		d->stats.learn_limit++;
		return true;
	}
	return false;
}

void vtepd_learning_limits(struct vtepd *d)
{
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		bool full = fdb_vni_entries(d->fdb, i) >= vtepd_vni_max_macs(d, i);

		if (full != d->vnis[i].learn_full) {
			d->vnis[i].learn_full = full;
			d->topology_dirty = true;
		}
	}
	for (uint16_t s = 1; s <= VTEP_MAX_PORTS; s++) {
		bool full = d->ports[s].in_use && fdb_port_entries(d->fdb, s) >= vtepd_port_max_macs(d, s);

		if (full != d->ports[s].learn_full) {
			d->ports[s].learn_full = full;
			d->topology_dirty = true;
		}
	}
	if (fdb_anchor_generation(d->fdb) != d->anchor_gen)
		d->topology_dirty = true;   /* a VTEP became known in a VNI, or stopped being known */
}

int vtepd_learning_port_mac(struct vtepd *d, uint16_t slot, uint16_t vni_idx, const uint8_t mac[6])
{
	return fdb_install(d->fdb, fdb_key(vni_idx, mac), fdb_dest_port(slot), FDB_F_PORT);
}

static void vtepd_learn_one(struct vtepd *d, const struct dp_learn_event *ev, uint64_t now)
{
	uint32_t dest = ev->dest;
	bool moved = false;
	int rc;

	if (!fdb_dest_is_vtep(dest) && (dest & DP_LEARN_IP)) {
		uint32_t slot = dest & ~DP_LEARN_IP6;   /* without DP_LEARN_IP and the IPv6 bit */
		uint8_t mac[6];

		/* a container's ARP (or neighbour discovery) told us its address: MAC+IP for EVPN */
		if (slot == 0 || slot > VTEP_MAX_PORTS || !d->ports[slot].in_use) {
			d->stats.learn_ignored++;
			return;
		}
		fdb_key_mac(ev->key, mac);
		if ((dest & DP_LEARN_IP6) == DP_LEARN_IP6) {
			/* an IPv6 address: MAC+IP for EVPN, a /128 host route */
			vtepd_local_ip6(d, fdb_key_vni_idx(ev->key), mac, ev->ip6);
			if (d->ports[slot].vni_idx == fdb_key_vni_idx(ev->key))
				vtepd_vrf_host6(d, (uint16_t)slot, mac, ev->ip6);
			return;
		}
		vtepd_local_ip(d, fdb_key_vni_idx(ev->key), mac, ev->vtep_ip);
		if (d->ports[slot].vni_idx == fdb_key_vni_idx(ev->key))
			vtepd_vrf_host(d, (uint16_t)slot, mac, ev->vtep_ip, true);   /* routed to it from now on */
		return;
	}

	if (fdb_key_vni_idx(ev->key) >= d->n_vnis) {
		d->stats.learn_ignored++;
		return;
	}
	if (fdb_dest_is_vtep(dest)) {
		if (fdb_dest_id(dest) == DP_VTEP_UNKNOWN) {
			uint16_t id;

			if (d->vnis[fdb_key_vni_idx(ev->key)].vtep_check) {
				d->stats.learn_ignored++;   /* posted under an older snapshot: not a known VTEP */
				return;
			}
			if (vtepd_vtep_get(d, ev->vtep_ip, true, &id) != 0) {
				d->stats.learn_errors++;
				return;
			}
			dest = fdb_dest_vtep(id);
		} else if (fdb_dest_id(dest) >= VTEP_MAX_VTEPS || d->vteps[fdb_dest_id(dest)].ip != ev->vtep_ip) {
			d->stats.learn_ignored++;   /* the VTEP went (aged) since, its id may be another's now */
			return;
		}
	} else if (fdb_dest_id(dest) == 0 || fdb_dest_id(dest) > VTEP_MAX_PORTS || !d->ports[fdb_dest_id(dest)].in_use) {
		d->stats.learn_ignored++;   /* the port went away after the frame was seen */
		return;
	}
	if (vtepd_learn_over_limit(d, ev->key, dest))
		return;
	rc = fdb_learn(d->fdb, ev->key, dest, now, &moved);
	if (rc && rc != EEXIST)
		d->stats.learn_errors++;
	if (rc == 0 && !fdb_dest_is_vtep(dest)) {
		uint8_t m[6];

		fdb_key_mac(ev->key, m);
		vtepd_local_mac(d, fdb_key_vni_idx(ev->key), m, true);
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
	unsigned total = 0;

	for (unsigned b = 0; b < LEARN_MAX_BURSTS; b++) {
		unsigned n = rte_ring_dequeue_burst_elem(d->learn_ring, evs, sizeof(evs[0]), LEARN_BURST, NULL);

		for (unsigned i = 0; i < n; i++)
			vtepd_learn_one(d, &evs[i], now);
		d->stats.learn_events += n;
		total += n;
		if (n < LEARN_BURST)
			break;
	}
	if (total)
		vtepd_learning_limits(d);
	else if (fdb_anchor_generation(d->fdb) != d->anchor_gen)
		d->topology_dirty = true;   /* EVPN routes made a VTEP known in a VNI, or unknown */
}

void vtepd_learning_age(struct vtepd *d)
{
	uint64_t now = dp_clock_sec();

	if (d->cfg.mac_aging_sec)
		fdb_age(d->fdb, now, d->cfg.mac_aging_sec);
	vtepd_learning_limits(d);
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
