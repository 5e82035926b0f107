/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mtu.h: the fast path's tools for frames too big for where they go (the policy that
 * picks one is in fastpath.c): IPv4 fragmentation into single-segment pieces that keep room
 * for an outer header, the ICMP error frame as an mbuf, and the token bucket that limits
 * how many ICMP errors go out.
 */
#ifndef VTEP_MTU_H
#define VTEP_MTU_H

#include <stdbool.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;

#define DP_MTU_MAX_FRAGS 64          /* pieces one packet may become (a 9000-byte packet at MTU 576 needs 17) */
#define DP_ICMP_RATE_PER_SEC 1000    /* ICMP errors sent per second at most ... */
#define DP_ICMP_RATE_BURST 50        /* ... with bursts of this many */

/*
 * Split the IPv4 packet of the Ethernet frame m (untagged, single segment, DF clear) into
 * pieces whose IP packets are at most mtu bytes: fragment offsets in units of 8, MF on all
 * but the last, header checksums computed, and each piece carrying m's Ethernet header.
 * Pieces come from pool, one segment each, with the pool's full headroom in front.
 * Returns 0 with the number of pieces written to out (1 to max_out) in *n_out, or an errno
 * with *n_out 0: EINVAL (m is not such a packet, or mtu leaves no room for 8 bytes of
 * payload), ERANGE (more than max_out pieces), ENOMEM (pool empty). m is never freed here;
 * on success its data no longer starts at the Ethernet header: free it.
 */
int dp_mtu_fragment(struct rte_mbuf *m, uint16_t mtu, struct rte_mempool *pool, struct rte_mbuf **out,
		    unsigned max_out, unsigned *n_out);

/*
 * The ICMP error answering frame m (kind from icmp_frame_kind: ICMP_KIND_IPV4_DF gets
 * "fragmentation needed" with next-hop MTU mtu, ICMP_KIND_IPV6 "packet too big"), in a
 * new mbuf from pool. NULL when m must not be answered or the pool is empty.
 */
struct rte_mbuf *dp_mtu_icmp(const struct rte_mbuf *m, int kind, uint16_t mtu, struct rte_mempool *pool);

/* A token bucket in TSC cycles: rate tokens per second, at most burst saved up. */
struct dp_rate_limit {
	uint64_t last_tsc;
	uint64_t credit;            /* tokens x tsc_hz */
};
bool dp_rate_limit_take(struct dp_rate_limit *r, uint64_t now_tsc, uint64_t tsc_hz, uint32_t rate, uint32_t burst);

#endif
