/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reasm.h: reassembly of outer IPv4 fragments on the underlay (a router or a peer that
 * fragments VXLAN packets), on DPDK's IP reassembly table. Bounded: at most max_packets
 * datagrams in reassembly at once, each of at most RTE_LIBRTE_IP_FRAG_MAX_FRAG fragments,
 * each given up after a timeout, so a flood of bogus fragments holds a bounded number of
 * mbufs. Owned and used by the fast-path worker alone.
 */
#ifndef VTEP_REASM_H
#define VTEP_REASM_H

#include <stdint.h>

#include "vtep_dp.h"          /* struct dp_reasm_counters */

struct rte_mbuf;
struct dp_reasm;

/* 0 max_packets or timeout_ms: defaults (1024 datagrams, 1000 ms). NULL when out of memory. */
struct dp_reasm *dp_reasm_create(unsigned max_packets, unsigned timeout_ms, int socket_id);
void dp_reasm_free(struct dp_reasm *r);

/*
 * Feed one fragment: the Ethernet frame m with its IPv4 header at offset l2_len. m now
 * belongs to the reassembler. Returns the whole datagram (one segment, the first
 * fragment's Ethernet header in front, IP header fixed up) when m completed it, else NULL.
 */
struct rte_mbuf *dp_reasm_feed(struct dp_reasm *r, struct rte_mbuf *m, uint16_t l2_len, uint64_t now_tsc,
			       struct dp_reasm_counters *c);

/* Give up on datagrams older than the timeout and free every discarded fragment. Once per poll. */
void dp_reasm_flush(struct dp_reasm *r, uint64_t now_tsc, struct dp_reasm_counters *c);

#endif
