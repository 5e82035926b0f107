/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * topology.c: the immutable snapshot the control thread hands the fast path (vtep_dp.h):
 * allocation, the open-addressing maps from VNI and from VTEP address to dense ids, and
 * freeing. Built and freed by the control thread only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vtep_dp.h"

struct dp_topology *dp_topology_new(uint32_t local_ip, uint16_t udp_port, uint16_t underlay_mtu)
{
	struct dp_topology *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->local_ip = local_ip;
	t->udp_port = udp_port;
	t->underlay_mtu = underlay_mtu;
	for (unsigned i = 0; i < DP_N_SLOTS; i++) {
		t->port_dpdk[i] = DP_NO_ID;
		t->port_vni[i] = DP_NO_ID;
	}
	return t;
}

static uint32_t dp_map_size(unsigned n)
{
	uint32_t size = 16;

	while (size < 2u * n + 1)
		size <<= 1;
	return size;
}

static void dp_map_insert(struct dp_id_map_slot *map, uint32_t mask, uint32_t key, uint16_t id)
{
	uint32_t i = dp_id_hash(key) & mask;

	while (map[i].key != 0 && map[i].key != key)
		i = (i + 1) & mask;
	map[i].key = key;
	map[i].id = id;
}

int dp_topology_finish(struct dp_topology *t)
{
	unsigned n_vteps = 0;
	uint32_t vni_size = dp_map_size(t->n_vnis);
	uint32_t vtep_size;

	for (unsigned i = 0; i < VTEP_MAX_VTEPS; i++)
		n_vteps += t->vteps[i].ip != 0;
	vtep_size = dp_map_size(n_vteps);
	free(t->vni_map);
	free(t->vtep_map);
	t->vni_map = calloc(vni_size, sizeof(*t->vni_map));
	t->vtep_map = calloc(vtep_size, sizeof(*t->vtep_map));
	if (!t->vni_map || !t->vtep_map)
		return ENOMEM;
	t->vni_map_mask = vni_size - 1;
	t->vtep_map_mask = vtep_size - 1;
	for (uint16_t i = 0; i < t->n_vnis; i++)
		if (t->vnis[i].vni)       /* 0: a free slot (a VNI deleted at run time) */
			dp_map_insert(t->vni_map, t->vni_map_mask, t->vnis[i].vni, i);
	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++)
		if (t->vteps[i].ip)
			dp_map_insert(t->vtep_map, t->vtep_map_mask, t->vteps[i].ip, i);
	return 0;
}

void dp_topology_free(struct dp_topology *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < t->n_vnis; i++) {
		free(t->vnis[i].ports);
		free(t->vnis[i].flood);
		free(t->vnis[i].known);
		free(t->vnis[i].gw);
	}
	free(t->vni_map);
	free(t->vtep_map);
	free(t);
}
