/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * publish.c: the switch's snapshot for the fast path: builds struct dp_topology (vtep_dp.h)
 * from the control state and publishes it (one atomic pointer store, the old snapshot freed
 * after an RCU grace period). Control thread only.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "switch.h"

/*
 * VNI i's anycast gateway from the configuration (vtep.anycast_gateway_mac and the VNI's
 * gateway addresses), onto v; none when the VNI has no gateway address. 0 or ENOMEM.
 */
static int vtepd_publish_gateway(const struct vtepd *d, uint16_t i, struct dp_vni *v)
{
	const struct vtep_vni_config *vc = i < d->cfg.n_vnis ? &d->cfg.vnis[i] : NULL;

	if (!vc || vc->vni != v->vni || !d->cfg.anycast_gw_mac_on || (!vc->gw4_on && !vc->gw6_on))
		return 0;
	v->gw = calloc(1, sizeof(*v->gw));
	if (!v->gw)
		return ENOMEM;
	dp_gateway_set_mac(v->gw, d->cfg.anycast_gw_mac);
	v->gw->ip4_on = vc->gw4_on;
	v->gw->ip4 = vc->gw4;
	v->gw->ip4_len = vc->gw4_len;
	v->gw->ip6_on = vc->gw6_on;
	memcpy(v->gw->ip6, vc->gw6, 16);
	v->gw->ip6_len = vc->gw6_len;
	return 0;
}

int vtepd_publish(struct vtepd *d)
{
	struct dp_topology *t = dp_topology_new(d->cfg.source_ip, d->cfg.udp_port, (uint16_t)d->cfg.underlay_mtu);
	struct dp_topology *old;

	if (!t)
		return ENOMEM;
	for (uint16_t u = 0; u < d->n_uplinks; u++) {
		const struct vtepd_uplink *ul = &d->uplinks[u];

		t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = ul->slot, .dpdk_port = ul->dpdk_port, .xsk = ul->xsk };
		t->port_dpdk[ul->slot] = ul->dpdk_port;
		t->port_xsk[ul->slot] = ul->xsk;
	}
	for (uint16_t u = 0; u < d->n_uplinks; u++) {
		uint16_t e = DP_PORT_EXCEPTION_OF(u);

		if (d->uplinks[u].exc_port == UINT16_MAX)
			continue;
		t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = e, .dpdk_port = d->uplinks[u].exc_port };
		t->port_dpdk[e] = d->uplinks[u].exc_port;
	}
	for (uint16_t s = 1; s <= VTEP_MAX_PORTS; s++) {
		if (!d->ports[s].in_use)
			continue;
		t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = s, .dpdk_port = d->ports[s].dpdk_port,
							.xsk = d->ports[s].xsk };
		t->port_dpdk[s] = d->ports[s].dpdk_port;
		t->port_xsk[s] = d->ports[s].xsk;
		t->port_vni[s] = d->ports[s].vni_idx;
		t->port_mtu[s] = (uint16_t)d->ports[s].conf.mtu;
		t->port_learn_full[s] = d->ports[s].learn_full;
	}
	t->n_vnis = d->n_vnis;
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		struct dp_vni *v = &t->vnis[i];

		v->vni = d->vnis[i].vni;
		v->learning = d->vnis[i].learning;
		v->learn_full = d->vnis[i].learn_full;
		dp_vni_set_mtu(v, d->vnis[i].mtu, d->vnis[i].outer_frag, (uint16_t)d->cfg.underlay_mtu);
		v->ports = calloc(VTEP_MAX_PORTS + 1, sizeof(uint16_t));
		v->flood = calloc(d->vnis[i].n_flood + 1, sizeof(uint16_t));
		if (!v->ports || !v->flood) {
			dp_topology_free(t);
			return ENOMEM;
		}
		for (uint16_t s = 1; s <= VTEP_MAX_PORTS; s++)
			if (d->ports[s].in_use && d->ports[s].vni_idx == i)
				v->ports[v->n_ports++] = s;
		for (uint16_t f = 0; f < d->vnis[i].n_flood; f++)
			v->flood[v->n_flood++] = d->vnis[i].flood[f];
		if (vtepd_publish_gateway(d, i, v)) {
			dp_topology_free(t);
			return ENOMEM;
		}
	}
	vtepd_vteps_fill(d, t);
	if (vtepd_vrfs_fill(d, t) != 0 || vtepd_vteps_fill_known(d, t) != 0 || dp_topology_finish(t) != 0) {
		dp_topology_free(t);
		return ENOMEM;
	}
	old = atomic_exchange_explicit(&d->topology, t, memory_order_acq_rel);
	if (old) {
		rte_rcu_qsbr_synchronize(d->qsbr, RTE_QSBR_THRID_INVALID);
		/* a VTEP id the fast path no longer sees is free: its counters start again from 0 */
		for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++)
			if (old->vteps[i].ip && !t->vteps[i].ip)
				memset(&d->counters->vteps[i], 0, sizeof(d->counters->vteps[i]));
		dp_topology_free(old);
	}
	/* no reader sees a removed VTEP any more: its id may be reused */
	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++)
		d->vteps[i].retiring = false;
	d->topology_dirty = false;
	d->stats.publishes++;
	return 0;
}
