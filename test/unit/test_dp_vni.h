/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_vni.h: a VNI of a test topology (struct dp_vni) as the control thread would build
 * it, for the fast path's unit tests and its fuzzer.
 */
#ifndef VTEP_TEST_DP_VNI_H
#define VTEP_TEST_DP_VNI_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vtep_dp.h"

/* Learning on, MTU the underlay's less the tunnel. false when out of memory. */
static inline bool test_dp_vni_fill(struct dp_vni *v, uint32_t vni, const uint16_t *ports, uint16_t n_ports,
				    const uint16_t *flood, uint16_t n_flood, bool outer_frag, uint16_t underlay_mtu)
{
	v->vni = vni;
	v->learning = true;
	dp_vni_set_mtu(v, 0, outer_frag, underlay_mtu);
	v->ports = calloc(VTEP_MAX_PORTS + 1, sizeof(uint16_t));
	v->flood = calloc(VTEP_MAX_VTEPS, sizeof(uint16_t));
	if (!v->ports || !v->flood)
		return false;
	memcpy(v->ports, ports, n_ports * sizeof(uint16_t));
	memcpy(v->flood, flood, n_flood * sizeof(uint16_t));
	v->n_ports = n_ports;
	v->n_flood = n_flood;
	return true;
}

#endif
