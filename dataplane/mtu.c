/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mtu.c: IPv4 fragmentation for the fast path (DPDK's copying fragmenter, with the
 * checksums and the Ethernet header it leaves to the caller), ICMP errors in mbufs, and
 * the ICMP token bucket (see mtu.h).
 */
#include "mtu.h"

#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>

#include "icmp.h"

int dp_mtu_fragment(struct rte_mbuf *m, uint16_t mtu, struct rte_mempool *pool, struct rte_mbuf **out,
		    unsigned max_out, unsigned *n_out)
{
	struct rte_ether_hdr eth;
	const struct rte_ipv4_hdr *ip;
	unsigned ihl;
	int n;

	*n_out = 0;
	if (m->nb_segs != 1 || icmp_frame_kind(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m)) !=
				       ICMP_KIND_IPV4)
		return EINVAL;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	ihl = (ip->version_ihl & 0x0f) * 4u;
	if (mtu < ihl + 8)
		return EINVAL;
	memcpy(&eth, rte_pktmbuf_mtod(m, void *), sizeof(eth));
	/* Only the IP packet goes to the fragmenter: drop the Ethernet header and any padding. */
	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	if (rte_pktmbuf_pkt_len(m) > rte_be_to_cpu_16(ip->total_length))
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - rte_be_to_cpu_16(ip->total_length)));
	/* DPDK's convention: the number of pieces, or a negative errno */
	n = rte_ipv4_fragment_copy_nonseg_packet(m, out, (uint16_t)max_out, mtu, pool);
	if (n < 0)
		return n == -EINVAL && rte_be_to_cpu_16(ip->total_length) > mtu ? ERANGE : -n;
	if (n == 0)
		return EINVAL;
	for (int i = 0; i < n; i++) {
		struct rte_ipv4_hdr *fip = rte_pktmbuf_mtod(out[i], struct rte_ipv4_hdr *);
		void *l2;

		fip->hdr_checksum = 0;
		fip->hdr_checksum = rte_ipv4_cksum(fip);
		l2 = rte_pktmbuf_prepend(out[i], RTE_ETHER_HDR_LEN);
		if (!l2) {          /* cannot happen with the pool's headroom; never send half a packet */
			rte_pktmbuf_free_bulk(out, (unsigned)n);
			return ENOMEM;
		}
		memcpy(l2, &eth, sizeof(eth));
	}
	*n_out = (unsigned)n;
	return 0;
}

struct rte_mbuf *dp_mtu_icmp(const struct rte_mbuf *m, int kind, uint16_t mtu, struct rte_mempool *pool)
{
	const uint8_t *orig = rte_pktmbuf_mtod(m, const uint8_t *);
	struct rte_mbuf *r;
	uint8_t *out;
	size_t len;

	if (rte_pktmbuf_data_room_size(pool) < RTE_PKTMBUF_HEADROOM + ICMP_FRAME_MAX)
		return NULL;
	r = rte_pktmbuf_alloc(pool);
	if (!r)
		return NULL;
	out = rte_pktmbuf_mtod(r, uint8_t *);
	if (kind == ICMP_KIND_IPV4_DF)
		len = icmp4_frag_needed(out, orig, rte_pktmbuf_data_len(m), mtu);
	else if (kind == ICMP_KIND_IPV6)
		len = icmp6_packet_too_big(out, orig, rte_pktmbuf_data_len(m), mtu);
	else
		len = 0;
	if (!len) {
		rte_pktmbuf_free(r);
		return NULL;
	}
	r->data_len = (uint16_t)len;
	r->pkt_len = (uint32_t)len;
	return r;
}

bool dp_rate_limit_take(struct dp_rate_limit *r, uint64_t now_tsc, uint64_t tsc_hz, uint32_t rate, uint32_t burst)
{
	uint64_t cap = (uint64_t)burst * tsc_hz;

	if (now_tsc > r->last_tsc) {
		uint64_t elapsed = now_tsc - r->last_tsc;

		/* Saturate instead of overflowing after a long quiet time. */
		r->credit = elapsed >= cap / (rate ? rate : 1) ? cap : r->credit + elapsed * rate;
		if (r->credit > cap)
			r->credit = cap;
		r->last_tsc = now_tsc;
	}
	if (r->credit < tsc_hz)
		return false;
	r->credit -= tsc_hz;
	return true;
}
