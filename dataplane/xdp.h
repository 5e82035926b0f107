/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp.h: vtepd's own XDP programs (bpf/xdp_vtep.c): where their objects are, and the
 * configuration and counters of the program attached to an interface. DPDK's net_af_xdp
 * PMD loads and attaches the object; this module finds it again through the kernel.
 */
#ifndef VTEP_XDP_H
#define VTEP_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Path of the underlay or container-port object: $VTEPD_BPF_DIR, the build tree, then the install dir. */
int vtep_xdp_object_path(bool underlay, char *path, size_t len);
/* Tell the underlay program which address and UDP port are ours (network order ip, host order port). */
int vtep_xdp_configure(const char *ifname, uint32_t vtep_ip, uint16_t udp_port);
/* Sum the per-CPU counters of the program attached to ifname. */
int vtep_xdp_stats(const char *ifname, uint64_t *redirected, uint64_t *passed);

#endif
