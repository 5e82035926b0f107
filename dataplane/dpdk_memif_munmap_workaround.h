/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk_memif_munmap_workaround.h: a workaround for a race in DPDK 22.11's net_memif PMD
 * (see dpdk_memif_munmap_workaround.c for the bug, what it does, and when it can go).
 * Linked into the vtepd executable only (control/meson.build), which exports munmap.
 */
#ifndef VTEP_DPDK_MEMIF_MUNMAP_WORKAROUND_H
#define VTEP_DPDK_MEMIF_MUNMAP_WORKAROUND_H

struct rte_rcu_qsbr;

/* munmap from EAL's interrupt thread waits for a fast-path grace period on qsbr (NULL: off). */
void dpdk_memif_munmap_workaround_set(struct rte_rcu_qsbr *qsbr);

#endif
