/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_l3.h: the L3 leaf's configuration (config_l3.c): the vrfs section, a VNI's vrf and
 * anycast gateway, vtep.anycast_gateway_mac, and the checks that tie them to the rest, as the
 * loader's tables (config.c) name them.
 */
#ifndef VTEP_CONFIG_L3_H
#define VTEP_CONFIG_L3_H

#include "config_walk.h"

/* vrfs: the tenant VRFs (parsed before vnis, which name them). */
cfg_key_fn cfg_section_vrfs;
/* vtep.anycast_gateway_mac: after the MAC is stored, marks it given. */
cfg_key_fn cfg_anycast_gw_mac;
/* vnis[].vni: not the L3 VNI of a VRF. */
cfg_key_fn cfg_vni_not_l3vni;
/* vnis[].vrf: a VRF's name into the VNI's index; vnis[].gateway: the anycast gateway addresses. */
cfg_key_fn cfg_vni_vrf;
cfg_key_fn cfg_vni_gateway;
/* A MAC of a port or a static MAC: not the anycast gateway MAC (the error is at key/val, named path). */
int cfg_l3_mac_free(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
		    const uint8_t mac[6]);
/* A port's address (network order) in VNI vni: not the VNI's gateway address. */
int cfg_l3_port_ip_free(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
			uint32_t vni, uint32_t ip);
/* After the vnis: each VRF's L3 VNI is a VNI of the fast path too, all within VTEP_MAX_VNIS. */
int cfg_check_vni_total(struct cfg_ctx *c, yaml_node_t *vrfs);
/* After the bgp section: without it, a VRF keeps its EVPN keys at their defaults (vrfs: the section's node). */
int cfg_check_vrfs_bgp(struct cfg_ctx *c, yaml_node_t *vrfs);

#endif
