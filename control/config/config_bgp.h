/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_bgp.h: the bgp section of the configuration and the EVPN keys of a VNI and a VRF
 * (config_bgp.c), as the loader's tables (config.c) name them.
 */
#ifndef VTEP_CONFIG_BGP_H
#define VTEP_CONFIG_BGP_H

#include "config_walk.h"

cfg_key_fn cfg_section_bgp;
/* The EVPN keys of a VNI: rd, and route_targets (import, export). */
cfg_key_fn cfg_vni_rd;
extern const struct cfg_table cfg_rt_table;
/* The same keys of a VRF (vrfs[]). */
cfg_key_fn cfg_vrf_rd;
extern const struct cfg_table cfg_vrf_rt_table;

#endif
