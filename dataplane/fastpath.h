/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fastpath.h: the poll-mode worker. One lcore polls every port of the current topology
 * snapshot in bursts and runs each packet to completion: decapsulation from the underlay,
 * encapsulation and local switching from container ports, flooding with head-end
 * replication, routing of frames to the anycast gateway's MAC in their VNI's VRF (to local
 * hosts, or over the VRF's L3 VNI to remote leaves, and from it to local hosts). When idle it
 * backs off to sleeping (offline for RCU while asleep).
 */
#ifndef VTEP_FASTPATH_H
#define VTEP_FASTPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "vtep_dp.h"
#include "mtu.h"

struct arp_table;
struct dp_reasm;
struct dp_trace;
struct fdb;
struct rte_mempool;
struct rte_ring;
struct rte_rcu_qsbr;

struct dp_worker {
	/* set by the control thread before launch */
	struct dp_topology *_Atomic *topology;  /* current snapshot, published with release */
	struct fdb *fdb;
	struct arp_table *arp;                  /* ARP suppression; NULL: off */
	struct rte_ring *learn_ring;            /* struct dp_learn_event elements, MP/SC */
	struct rte_mempool *pool;
	struct dp_reasm *reasm;                 /* outer reassembly; NULL: outer fragments are dropped */
	struct rte_rcu_qsbr *qsbr;
	unsigned qsbr_id;
	struct dp_counters *counters;
	volatile bool stop;
	struct dp_trace *trace;                 /* the frame trace (trace.h), allocated by dp_worker_init */
	/* worker-private */
	struct rte_eth_dev_tx_buffer *txb[DP_N_SLOTS];   /* per slot: what goes out at the end of the poll */
	uint16_t dirty[DP_N_SLOTS];
	uint16_t n_dirty;
	uint16_t ip_id;
	uint64_t now_sec;
	uint64_t now_tsc;
	uint64_t loop_io_cycles;                /* this poll's cycles inside the ports' receive and transmit */
	struct dp_rate_limit icmp_rate;
	struct dp_rate_limit glean_rate[VTEP_MAX_VRFS];   /* ARP requests / NSs the gateway sends, per VRF */
	uint16_t from_vtep, from_vni;           /* the decapsulated packet in hand: its VTEP id and VNI index */
};

/* Allocate the worker's transmit buffers. 0 or ENOMEM. */
int dp_worker_init(struct dp_worker *w);
void dp_worker_fini(struct dp_worker *w);
/*
 * The lcore entry point (rte_eal_remote_launch); returns 0 when w->stop is set. Its signature
 * is DPDK's lcore_function_t, whose return value rte_eal_wait_lcore() hands back.
 */
int dp_worker_run(void *w);
/* One poll of every port (exported for tests): returns packets received. */
unsigned dp_worker_poll(struct dp_worker *w, const struct dp_topology *t);

/* Seconds on the clock FDB last-seen stamps use (TSC based, shared with the control thread). */
uint64_t dp_clock_sec(void);

#endif
