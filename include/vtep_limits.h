/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtep_limits.h: the limits and constants both sides of the contract need: the sizes of
 * the fast path's tables (VNIs, ports, remote VTEPs, uplinks, VRFs) that the snapshot and the
 * counters are laid out by, and the bounds the configuration is checked against.
 * Plain C, no DPDK.
 */
#ifndef VTEP_LIMITS_H
#define VTEP_LIMITS_H

#include <stdint.h>

#define VTEP_IFNAME_MAX 16      /* IFNAMSIZ, including the NUL */
#define VTEP_MAX_VNIS 4096
#define VTEP_MAX_PORTS 256      /* container ports; slot 0 is the underlay */
#define VTEP_MAX_VTEPS 1024     /* remote VTEPs */
#define VTEP_MAX_UPLINKS 4      /* underlay interfaces (underlay.ports) */
#define VTEP_VNI_MAX 0xffffffu  /* 24 bits */
#define VTEP_MAX_VRFS 16        /* tenant VRFs (IP-VRFs, each with an L3 VNI) */
#define VTEP_NO_VRF 0xffffu     /* a VNI's VRF index when it is in none (a pure L2 VNI) */
/*
 * A VRF's route table, preallocated when the VRF is created (dataplane/route.h): besides a
 * fixed 64 MiB first level per family, about 550 bytes per route, so the default is sized for
 * a leaf's tenants (64k IPv4 and 16k IPv6 routes, some 170 MiB per VRF); a border leaf sets
 * vrfs[].max_ipv4_routes / max_ipv6_routes, up to the limits below.
 */
#define VTEP_VRF_MAX_V4_ROUTES 65536u
#define VTEP_VRF_MAX_V6_ROUTES 16384u
#define VTEP_VRF_MAX_V4_ROUTES_LIMIT 16777216u
#define VTEP_VRF_MAX_V6_ROUTES_LIMIT 4194304u
#define VTEP_VRF_MAX_NEXTHOPS 16384u   /* distinct next hops (a local host, a VTEP's router MAC, a subnet) */

#define VTEP_ENCAP_OVERHEAD_V4 50
#define VTEP_MIN_MTU 68         /* IPv4's minimum (RFC 791) */
#define VTEP_MAX_MTU 9000       /* the largest inner IP MTU of a VNI or a container port */
#define VTEP_MAX_MACS_UNLIMITED UINT32_MAX  /* max_macs: 0 in the YAML */

/*
 * A VNI's MTU when its config gives none: what the underlay carries after the encapsulation,
 * at most what a VNI or a container port may have (an underlay of 9216 gives 9000, not 9166,
 * so that a port attached with the VNI's MTU is accepted).
 */
static inline uint32_t vtep_vni_default_mtu(uint32_t underlay_mtu)
{
	uint32_t fits = underlay_mtu - VTEP_ENCAP_OVERHEAD_V4;

	return fits < VTEP_MAX_MTU ? fits : VTEP_MAX_MTU;
}

#endif
