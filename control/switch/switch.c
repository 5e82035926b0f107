/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * switch.c: the lookups into the switch's state that its modules share (a VNI's index, a
 * port's slot) and the mbuf size an MTU needs. Control thread only.
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "switch.h"

uint16_t vtepd_mbuf_size(uint32_t mtu)
{
	/* Ethernet with one VLAN tag, and the XDP headroom AF_XDP keeps in front of each frame */
	uint32_t room = mtu + RTE_ETHER_HDR_LEN + 4 + 256;

	return (uint16_t)(RTE_PKTMBUF_HEADROOM + RTE_MAX(room, (uint32_t)RTE_MBUF_DEFAULT_DATAROOM));
}

uint16_t vtepd_vni_index(const struct vtepd *d, uint32_t vni)
{
	for (uint16_t i = 0; i < d->n_vnis; i++)
		if (d->vnis[i].vni == vni)
			return i;
	return DP_NO_ID;
}

int vtepd_port_find(const struct vtepd *d, const char *name)
{
	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		if (d->ports[s].in_use && strcmp(d->ports[s].conf.name, name) == 0)
			return s;
	return -1;
}
