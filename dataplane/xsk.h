/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xsk.h: vtepd's own AF_XDP port for jumbo frames. DPDK 22.11's net_af_xdp driver carries
 * one UMEM frame per packet (a page at most), so interfaces with an MTU over
 * VTEPD_AF_XDP_MAX_MTU use this port instead: an AF_XDP socket bound with multi-buffer
 * support (XDP_USE_SG, Linux 6.6 and later), our frags-aware XDP program, and a UMEM of
 * 4 KiB frames. A packet of several frames is copied into one mbuf on receive (the pool's
 * mbufs are sized for the MTU) and split over several frames on transmit. The fast-path
 * worker alone calls dp_xsk_rx and dp_xsk_tx; the control thread opens and closes.
 */
#ifndef VTEP_XSK_H
#define VTEP_XSK_H

#include <stddef.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;
struct dp_xsk;

struct dp_xsk_stats {
	uint64_t rx_no_mbuf;        /* packets dropped: the pool was empty */
	uint64_t rx_too_long;       /* packets dropped: longer than the pool's mbufs */
	uint64_t tx_no_frame;       /* packets not sent: no free UMEM frame or ring slot */
};

/*
 * Open ifname's queue 0: attach the XDP program of the object at xdp_obj (its xsks_map gets
 * the socket) and bind a multi-buffer socket. Received packets are copied into mbufs of pool.
 * 0 or a positive errno, with err saying what failed.
 */
int dp_xsk_open(const char *ifname, const char *xdp_obj, struct rte_mempool *pool, struct dp_xsk **out, char *err,
		size_t errlen);
/* Unbind, free the UMEM and detach the XDP program. */
void dp_xsk_close(struct dp_xsk *x);

/* Up to n received packets, each in one mbuf. */
uint16_t dp_xsk_rx(struct dp_xsk *x, struct rte_mbuf **pkts, uint16_t n);
/* Queue up to n packets for transmission and kick the kernel; returns how many were taken (and freed). */
uint16_t dp_xsk_tx(struct dp_xsk *x, struct rte_mbuf **pkts, uint16_t n);
/* Once per poll: take back sent frames and kick again what the kernel has not taken yet. */
void dp_xsk_poll(struct dp_xsk *x);

const struct dp_xsk_stats *dp_xsk_stats(const struct dp_xsk *x);

#endif
