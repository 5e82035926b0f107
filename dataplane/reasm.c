/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reasm.c: outer IPv4 reassembly on DPDK's rte_ip_frag table (see reasm.h). DPDK keeps the
 * fragments as a chain; the fast path wants one segment, so a completed datagram is
 * linearised (it fits: a datagram of the underlay's MTU class is smaller than an mbuf).
 */
#include "reasm.h"

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#define REASM_DEFAULT_PACKETS 1024
#define REASM_DEFAULT_TIMEOUT_MS 1000
#define REASM_BUCKET_ENTRIES 4

struct dp_reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_ip_frag_death_row dr;
};

struct dp_reasm *dp_reasm_create(unsigned max_packets, unsigned timeout_ms, int socket_id)
{
	struct dp_reasm *r = rte_zmalloc_socket("vtep_reasm", sizeof(*r), RTE_CACHE_LINE_SIZE, socket_id);
	uint64_t cycles;

	if (!r)
		return NULL;
	if (!max_packets)
		max_packets = REASM_DEFAULT_PACKETS;
	if (!timeout_ms)
		timeout_ms = REASM_DEFAULT_TIMEOUT_MS;
	cycles = (rte_get_tsc_hz() + 999) / 1000 * timeout_ms;
	r->tbl = rte_ip_frag_table_create(rte_align32pow2(max_packets), REASM_BUCKET_ENTRIES, max_packets, cycles,
					  socket_id);
	if (!r->tbl) {
		rte_free(r);
		return NULL;
	}
	return r;
}

static void dp_reasm_free_discarded(struct dp_reasm *r, uint64_t *counter)
{
	if (!r->dr.cnt)
		return;
	*counter += r->dr.cnt;
	rte_ip_frag_free_death_row(&r->dr, 3);
}

void dp_reasm_free(struct dp_reasm *r)
{
	uint64_t freed;

	if (!r)
		return;
	/* Expire everything (a time far enough ahead that no datagram is young), a death row at a time. */
	do {
		freed = 0;
		rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, UINT64_MAX);
		dp_reasm_free_discarded(r, &freed);
	} while (freed);
	rte_ip_frag_table_destroy(r->tbl);
	rte_free(r);
}

struct rte_mbuf *dp_reasm_feed(struct dp_reasm *r, struct rte_mbuf *m, uint16_t l2_len, uint64_t now_tsc,
			       struct dp_reasm_counters *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2_len);
	struct rte_mbuf *whole;

	uint32_t frame_len = (uint32_t)l2_len + rte_be_to_cpu_16(ip->total_length);

	c->fragments++;
	if (rte_pktmbuf_pkt_len(m) > frame_len)     /* Ethernet padding is not payload */
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - frame_len));
	m->l2_len = l2_len;
	m->l3_len = (ip->version_ihl & 0x0f) * 4u;
	whole = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, now_tsc, ip);
	dp_reasm_free_discarded(r, &c->failed);
	if (!whole)
		return NULL;
	if (whole->nb_segs > 1 && rte_pktmbuf_linearize(whole) != 0) {
		c->failed += whole->nb_segs;
		rte_pktmbuf_free(whole);
		return NULL;
	}
	ip = rte_pktmbuf_mtod_offset(whole, struct rte_ipv4_hdr *, whole->l2_len);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	c->reassembled++;
	return whole;
}

void dp_reasm_flush(struct dp_reasm *r, uint64_t now_tsc, struct dp_reasm_counters *c)
{
	rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, now_tsc);
	dp_reasm_free_discarded(r, &c->timed_out);
}
