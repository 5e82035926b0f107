/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * port.h: DPDK ethdev lifecycle for vtepd's ports (the underlay and container ports):
 * hot-plug probe from devargs, one RX and one TX queue on the shared mbuf pool, start,
 * and stop/close/remove. Control thread only.
 */
#ifndef VTEP_PORT_H
#define VTEP_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mempool;

/* Probe a device from devargs ("net_af_xdp3,iface=c1,..." or a PCI address) and find its port id. */
int dp_port_probe(const char *devargs, uint16_t *port_id, char *err, size_t errlen);
/* Configure one RX/TX queue pair of nb_desc descriptors each on pool and start the port. */
int dp_port_start(uint16_t port_id, struct rte_mempool *pool, uint16_t nb_desc, char *err, size_t errlen);
/* Stop, close and unplug. Safe on a port that failed half-way. */
void dp_port_remove(uint16_t port_id);
int dp_port_mac(uint16_t port_id, uint8_t mac[6]);
/* True when devargs names a PCI device (DDDD:BB:DD.F or BB:DD.F). */
bool dp_port_devargs_is_pci(const char *devargs);

#endif
