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
#include <stdlib.h>
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

uint32_t vtepd_port_max_neighbors(const struct vtepd *d, uint16_t slot)
{
	uint32_t m = slot <= VTEP_MAX_PORTS ? d->ports[slot].conf.max_neighbors : 0;

	return m ? m : VTEP_DEFAULT_PORT_MAX_NEIGHBORS;
}

/*
 * Binding idx of port slot goes: its host route (if it still points here), and its MAC+IP
 * route. An IPv4 binding the EVPN RIB held (one per MAC) is replaced there by the newest
 * other IPv4 binding of the MAC, or the port's configured address at its own MAC, unless
 * the MAC itself is gone (mac_gone).
 */
static void vtepd_neigh_remove(struct vtepd *d, uint16_t slot, uint32_t idx, bool mac_gone)
{
	struct vtepd_port *p = &d->ports[slot];
	struct vtepd_neigh n = p->neigh[idx];
	struct vtepd_neigh *next = NULL;

	p->neigh[idx] = p->neigh[--p->n_neigh];
	vtepd_vrf_host_del(d, slot, n.mac, n.v6, n.ip);
	if (n.v6 || !n.adv) {
		if (n.v6)
			vtepd_local_ip_del(d, p->vni_idx, n.mac, 128, n.ip);
		return;
	}
	vtepd_local_ip_del(d, p->vni_idx, n.mac, 32, n.ip);
	for (uint32_t i = 0; !mac_gone && i < p->n_neigh; i++) {
		struct vtepd_neigh *o = &p->neigh[i];

		if (!o->v6 && !memcmp(o->mac, n.mac, 6) && (!next || o->last_seen > next->last_seen))
			next = o;
	}
	if (next) {
		uint32_t ip;

		next->adv = true;
		memcpy(&ip, next->ip, 4);
		vtepd_local_ip(d, p->vni_idx, n.mac, ip);
	} else if (!mac_gone && p->conf.has_ip && p->conf.has_mac && !memcmp(n.mac, p->conf.mac, 6)) {
		vtepd_local_ip(d, p->vni_idx, n.mac, p->conf.ip);   /* the port's configured address again */
	}
}

/* The learned binding of ip (v6 or not) in VNI index vi, on any port: its slot and index, false when none. */
static bool vtepd_neigh_find(const struct vtepd *d, uint16_t vi, bool v6, const uint8_t ip[16], uint16_t *slot,
			     uint32_t *idx)
{
	for (uint16_t s = 1; s <= VTEP_MAX_PORTS; s++) {
		const struct vtepd_port *p = &d->ports[s];

		if (!p->in_use || p->vni_idx != vi)
			continue;
		for (uint32_t i = 0; i < p->n_neigh; i++)
			if (p->neigh[i].v6 == v6 && !memcmp(p->neigh[i].ip, ip, 16)) {
				*slot = s;
				*idx = i;
				return true;
			}
	}
	return false;
}

static void vtepd_learn_one(struct vtepd *d, const struct dp_learn_event *ev, uint64_t now);

/*
 * A container's ARP (or neighbour discovery) told us an address of its MAC: a learned binding
 * of its port (a /32 or /128 host route, MAC+IP for EVPN), refreshed by every report. Its MAC
 * is learned first when it is not at the port yet (the frame's own MAC event may come after
 * it in the ring): the RIB advertises a MAC+IP route only for a local MAC, and would drop a
 * binding that came first. At most max_neighbors per port: more are refused and counted.
 */
static void vtepd_learn_ip(struct vtepd *d, const struct dp_learn_event *ev, uint64_t now)
{
	uint32_t slot = ev->dest & ~DP_LEARN_IP6;   /* without DP_LEARN_IP and the IPv6 bit */
	bool v6 = (ev->dest & DP_LEARN_IP6) == DP_LEARN_IP6;
	uint16_t vi = fdb_key_vni_idx(ev->key), os;
	const struct fdb_entry *e;
	struct vtepd_port *p;
	struct vtepd_neigh *n;
	uint8_t mac[6], ip[16] = { 0 };
	uint32_t i, oi;

	if (slot == 0 || slot > VTEP_MAX_PORTS || !d->ports[slot].in_use || d->ports[slot].vni_idx != vi ||
	    vi >= d->n_vnis) {
		d->stats.learn_ignored++;
		return;
	}
	p = &d->ports[slot];
	fdb_key_mac(ev->key, mac);
	if (v6)
		memcpy(ip, ev->ip6, 16);
	else
		memcpy(ip, &ev->vtep_ip, 4);
	/* the port's configured address at its own MAC is no learned binding: it lives with the port */
	if (!v6 && p->conf.has_ip && p->conf.has_mac && ev->vtep_ip == p->conf.ip && !memcmp(mac, p->conf.mac, 6))
		return;
	e = fdb_lookup(d->fdb, ev->key);
	if (!e || fdb_entry_dest(e) != fdb_dest_port(slot)) {
		struct dp_learn_event mev = { .key = ev->key, .dest = fdb_dest_port(slot) };

		vtepd_learn_one(d, &mev, now);
		e = fdb_lookup(d->fdb, ev->key);
		if (!e || fdb_entry_dest(e) != fdb_dest_port(slot)) {
			/* its MAC is refused here (a limit, pinned elsewhere): so is the address */
			p->neigh_refused++;
			d->stats.neigh_refused++;
			return;
		}
	}
	for (i = 0; i < p->n_neigh; i++) {
		n = &p->neigh[i];
		if (n->v6 == v6 && !memcmp(n->ip, ip, 16)) {
			if (!memcmp(n->mac, mac, 6)) {
				n->last_seen = now;     /* a refresh: nothing else changes */
				return;
			}
			break;
		}
	}
	if (i < p->n_neigh) {
		vtepd_neigh_remove(d, (uint16_t)slot, i, false);     /* the address moved to another MAC here */
	} else if (p->n_neigh >= vtepd_port_max_neighbors(d, (uint16_t)slot)) {
		/* refused before looking at the other ports: a spray of addresses costs one port's scan */
		p->neigh_refused++;
		d->stats.neigh_refused++;
		return;
	} else if (vtepd_neigh_find(d, vi, v6, ip, &os, &oi)) {
		vtepd_neigh_remove(d, os, oi, false);                /* ... or from another port */
	}
	if (p->n_neigh == p->neigh_cap) {
		uint32_t cap = p->neigh_cap ? 2 * p->neigh_cap : 4;
		struct vtepd_neigh *a;

		cap = RTE_MIN(cap, vtepd_port_max_neighbors(d, (uint16_t)slot));
		a = realloc(p->neigh, cap * sizeof(*a));
		if (!a) {
			d->stats.learn_errors++;
			return;
		}
		p->neigh = a;
		p->neigh_cap = cap;
	}
	n = &p->neigh[p->n_neigh++];
	*n = (struct vtepd_neigh){ .v6 = v6, .last_seen = now };
	memcpy(n->ip, ip, 16);
	memcpy(n->mac, mac, 6);
	d->stats.neigh_learned++;
	if (v6) {
		vtepd_local_ip6(d, vi, mac, ip);
		vtepd_vrf_host6(d, (uint16_t)slot, mac, ip);
		return;
	}
	for (i = 0; i + 1 < p->n_neigh; i++)
		if (!p->neigh[i].v6 && !memcmp(p->neigh[i].mac, mac, 6))
			p->neigh[i].adv = false;   /* the RIB holds one IPv4 address per MAC: the newest */
	n->adv = true;
	vtepd_local_ip(d, vi, mac, ev->vtep_ip);
	vtepd_vrf_host(d, (uint16_t)slot, mac, ev->vtep_ip, true);   /* routed to it from now on */
}

void vtepd_neigh_age(struct vtepd *d, uint64_t now)
{
	uint64_t max_age = d->cfg.neighbor_aging_sec;
	bool refreshed = false;

	for (uint16_t s = 1; s <= VTEP_MAX_PORTS; s++) {
		struct vtepd_port *p = &d->ports[s];

		if (!p->in_use || !p->n_neigh)
			continue;
		if (!refreshed) {
			fdb_refresh(d->fdb, now);   /* what the fast path saw of each MAC */
			refreshed = true;
		}
		for (uint32_t i = 0; i < p->n_neigh;) {
			const struct vtepd_neigh *n = &p->neigh[i];
			const struct fdb_entry *e = fdb_lookup(d->fdb, fdb_key(p->vni_idx, n->mac));
			uint64_t seen;

			if (!e || fdb_entry_dest(e) != fdb_dest_port(s)) {
				vtepd_neigh_remove(d, s, i, true);      /* its MAC aged out or left the port */
				d->stats.neigh_gone++;
				continue;
			}
			seen = RTE_MAX(n->last_seen, __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED));
			if (max_age && now >= seen + max_age) {
				vtepd_neigh_remove(d, s, i, false);
				d->stats.neigh_aged++;
				continue;
			}
			i++;
		}
	}
}

void vtepd_neigh_port_gone(struct vtepd *d, uint16_t slot)
{
	struct vtepd_port *p;

	if (slot == 0 || slot > VTEP_MAX_PORTS)
		return;
	p = &d->ports[slot];
	while (p->n_neigh)
		vtepd_neigh_remove(d, slot, p->n_neigh - 1, true);
	free(p->neigh);
	p->neigh = NULL;
	p->neigh_cap = 0;
}

static void vtepd_learn_one(struct vtepd *d, const struct dp_learn_event *ev, uint64_t now)
{
	uint32_t dest = ev->dest;
	bool moved = false;
	int rc;

	if (!fdb_dest_is_vtep(dest) && (dest & DP_LEARN_IP)) {
		vtepd_learn_ip(d, ev, now);
		return;
	}

	if (fdb_key_vni_idx(ev->key) >= d->n_vnis || !d->vnis[fdb_key_vni_idx(ev->key)].vni) {
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
		vlog_vni(VLOG_DEBUG, d->vnis[fdb_key_vni_idx(ev->key)].vni, "MAC %02x:%02x:%02x:%02x:%02x:%02x moved in VNI %u", mac[0], mac[1], mac[2], mac[3],
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
	vtepd_neigh_age(d, now);
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
