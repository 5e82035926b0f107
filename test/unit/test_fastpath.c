/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fastpath.c: unit tests of dataplane/fastpath.c, the poll-mode worker, run for real
 * through DPDK without any network. Every port is a net_ring ethdev over two rte_rings: the
 * test enqueues what the port "receives" and dequeues what the worker transmitted. The
 * worker is driven one dp_worker_poll() at a time on the test thread, and the test plays
 * the control thread: it builds and publishes the topology snapshot and turns learn events
 * into FDB entries. Covered: encapsulation, local switching, flooding with head-end
 * replication and split horizon, decapsulation, learning requests, every drop reason but
 * no_headroom (mbufs always have the headroom), the
 * exception port (the kernel's TAP), transmit overflow, the anycast gateway (ARP, neighbour
 * discovery, echo, conflicts, frames to it), routing in a VRF (forwarding to a local host,
 * time exceeded, glean, what is not routed), symmetric IRB over the VRF's L3 VNI (to remote
 * leaves, from them to local hosts, what is dropped), and a full mixed burst against the same packets
 * one at a time. Every test asserts the exact frames out of every port, the
 * exact counters, and that every mbuf went back to the pool. EAL is initialised once (no
 * hugepages, no shared files) and the tests run in that one process (CK_NOFORK).
 */
#include <check.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "test_eal.h"
#include "test_dp_vni.h"
#include "vtep_dp.h"
#include "arp.h"
#include "fastpath.h"
#include "fdb.h"
#include "mtu.h"
#include "reasm.h"
#include "route.h"
#include "vtep_limits.h"
#include "vxlan.h"

#define UDP_PORT 4789
#define UNDERLAY_MTU 1500
#define POOL_MBUFS 2047
#define RING_SLOTS 1024
#define SMALL_TX_SLOTS 8            /* port E's transmit ring holds 7 frames */
#define MAX_OUT 160                 /* frames kept per port per collection */
#define FRAME_MAX 2048

#define IPV4(a, b, c, d) RTE_BE32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define LOCAL_IP IPV4(10, 0, 0, 1)
#define VTEP0_IP IPV4(10, 0, 0, 2)
#define VTEP1_IP IPV4(10, 0, 0, 3)
#define STRANGER_IP IPV4(10, 0, 0, 9)   /* a VTEP the topology does not know */
#define VNI_A 100                       /* VNI index 0: ports B and C, floods to VTEPs 0 and 1 */
#define VNI_B 200                       /* VNI index 1: port D, floods to VTEP 0 */

/*
 * Ring ports: A is the underlay, B C D containers of the standard topology; E (a container
 * port with a tiny transmit ring), X (the exception port, the kernel's TAP), U (a second
 * uplink) and Y (the second uplink's exception TAP) are added to the topology only by the tests that need them.
 */
enum { PA, PB, PC, PD, PE, PX, PU, PY, N_PORTS };
#define SLOT_B 1
#define SLOT_C 2
#define SLOT_D 3
#define SLOT_E 4
static const uint16_t port_slot[N_PORTS] = { DP_PORT_UNDERLAY, SLOT_B, SLOT_C, SLOT_D, SLOT_E, DP_PORT_EXCEPTION,
					      DP_PORT_UPLINK(1), DP_PORT_EXCEPTION_OF(1) };
static const char port_name[N_PORTS] = { 'A', 'B', 'C', 'D', 'E', 'X', 'U', 'Y' };
_Static_assert(SLOT_B != DP_PORT_UNDERLAY && SLOT_C != DP_PORT_UNDERLAY && SLOT_D != DP_PORT_UNDERLAY &&
	       SLOT_E != DP_PORT_UNDERLAY && SLOT_E <= VTEP_MAX_PORTS && DP_PORT_EXCEPTION > VTEP_MAX_PORTS &&
	       DP_PORT_EXCEPTION < DP_N_SLOTS, "container slots must be valid and distinct from the special ones");

static const uint8_t underlay_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t nexthop_mac[2][6] = { { 0x02, 0x00, 0x00, 0x00, 0x01, 0x02 },
					   { 0x02, 0x00, 0x00, 0x00, 0x01, 0x03 } };
static const uint32_t vtep_ip[2] = { VTEP0_IP, VTEP1_IP };

/* MAC identities; every test gets fresh addresses (see mac_set) so nothing carries over. */
enum {
	MAC_ZERO = 0x00, MAC_B = 0x0b, MAC_B2 = 0x1b, MAC_B3 = 0x2b, MAC_C = 0x0c, MAC_D = 0x0d, MAC_E = 0x0e,
	MAC_R0 = 0xa0, MAC_R1 = 0xa1, MAC_R8 = 0xa8, MAC_R9 = 0xa9, MAC_UNKNOWN = 0xee, MAC_MCAST = 0xfe,
	MAC_BCAST = 0xff
};

struct frame {
	uint32_t len;
	uint8_t data[FRAME_MAX];
};

struct outset {
	unsigned n[N_PORTS];
	struct frame f[N_PORTS][MAX_OUT];
};

/* process-wide */
static struct rte_mempool *g_pool;
static struct rte_ring *g_rx[N_PORTS], *g_tx[N_PORTS];
static uint16_t g_port[N_PORTS];

/* per test (fixture) */
static uint16_t g_gen;
static unsigned g_pool_start;
static struct fdb *g_fdb;
static struct rte_ring *g_learn;
static struct dp_counters *g_ctr;
static struct dp_worker g_w;
static struct dp_topology *_Atomic g_topo;
static struct outset g_out;

/* ---- addresses and frames ---- */

static void mac_set(uint8_t *p, uint8_t id)
{
	if (id == MAC_BCAST) {
		memset(p, 0xff, 6);
	} else if (id == MAC_ZERO) {
		memset(p, 0, 6);
	} else if (id == MAC_MCAST) {
		const uint8_t m[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

		memcpy(p, m, 6);
	} else {
		const uint8_t m[6] = { 0x02, 0xf0, (uint8_t)(g_gen >> 8), (uint8_t)g_gen, 0x00, id };

		memcpy(p, m, 6);
	}
}

static uint64_t key_of(uint16_t vni_idx, uint8_t id)
{
	uint8_t mac[6];

	mac_set(mac, id);
	return fdb_key(vni_idx, mac);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/*
 * An inner Ethernet frame of len bytes (len >= 10; shorter than 14 only for runts): an
 * IPv4/UDP packet when there is room, with a payload pattern that depends on seed.
 */
static uint32_t inner_frame(uint8_t *buf, uint8_t dst, uint8_t src, uint32_t len, uint8_t seed)
{
	uint8_t hdr[14];

	ck_assert(len <= FRAME_MAX);
	mac_set(hdr, dst);
	mac_set(hdr + 6, src);
	hdr[12] = 0x08;
	hdr[13] = 0x00;
	memcpy(buf, hdr, len < 14 ? len : 14);
	for (uint32_t i = 14; i < len; i++)
		buf[i] = (uint8_t)(seed * 31u + i * 7u);
	if (len >= 14 + 28) {
		uint8_t *ip = buf + 14;

		ip[0] = 0x45;
		ip[1] = 0;
		ip[2] = (uint8_t)((len - 14) >> 8);
		ip[3] = (uint8_t)(len - 14);
		ip[6] = 0;
		ip[7] = 0;
		ip[8] = 64;
		ip[9] = 17;
		ip[12] = 192, ip[13] = 168, ip[14] = 1, ip[15] = seed;
		ip[16] = 192, ip[17] = 168, ip[18] = 2, ip[19] = (uint8_t)(seed + 1);
		ip[20] = 0x10, ip[21] = seed;       /* UDP ports */
		ip[22] = 0x20, ip[23] = (uint8_t)(seed * 3);
	}
	return len;
}

/* A VXLAN frame from src_ip to dst_ip carrying inner, as a remote VTEP would send it. */
static uint32_t vxlan_frame(uint8_t *buf, uint32_t src_ip, uint32_t dst_ip, uint16_t udp_port, uint32_t vni,
			    const uint8_t *inner, uint32_t inner_len)
{
	struct vxlan_template t;

	ck_assert(inner_len + VXLAN_OUTER_LEN <= FRAME_MAX);
	vxlan_template_init(&t, nexthop_mac[0], underlay_mac, src_ip, dst_ip, udp_port);
	vxlan_encap_write(buf, &t, vni, (uint16_t)inner_len, vxlan_src_port(inner, inner_len), 0x4242);
	memcpy(buf + VXLAN_OUTER_LEN, inner, inner_len);
	return inner_len + VXLAN_OUTER_LEN;
}

static bool ip_csum_ok(const uint8_t *ip)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += rd16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* ---- ports, polling, output ---- */

static void inject(int p, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(g_pool);
	char *d;

	ck_assert_msg(m != NULL, "mbuf pool empty");
	d = rte_pktmbuf_append(m, (uint16_t)len);
	ck_assert_msg(d != NULL, "no room for %u bytes in an mbuf", len);
	memcpy(d, data, len);
	ck_assert_int_eq(rte_ring_enqueue(g_rx[p], m), 0);
}

static unsigned poll_once(void)
{
	return dp_worker_poll(&g_w, atomic_load_explicit(&g_topo, memory_order_acquire));
}

/* Inject one frame on port p and run one poll, which must receive exactly it. */
static void run(int p, const uint8_t *data, uint32_t len)
{
	inject(p, data, len);
	ck_assert_uint_eq(poll_once(), 1);
}

/* The inner frame, encapsulated by VTEP 0 to us, received on the underlay port (PA). */
static void run_decap(uint32_t vni, const uint8_t *inner, uint32_t inner_len)
{
	uint8_t buf[FRAME_MAX];

	run(PA, buf, vxlan_frame(buf, VTEP0_IP, LOCAL_IP, UDP_PORT, vni, inner, inner_len));
}

/* Move every transmitted frame into o (appending), freeing the mbufs. */
static void collect_into(struct outset *o)
{
	struct rte_mbuf *m;

	for (int p = 0; p < N_PORTS; p++) {
		while (rte_ring_dequeue(g_tx[p], (void **)&m) == 0) {
			if (o->n[p] < MAX_OUT) {
				struct frame *f = &o->f[p][o->n[p]];
				const void *d;

				f->len = rte_pktmbuf_pkt_len(m);
				ck_assert_uint_le(f->len, FRAME_MAX);
				/* a pointer into the mbuf, or to f->data when it had to gather */
				d = rte_pktmbuf_read(m, 0, f->len, f->data);
				ck_assert_ptr_nonnull(d);
				if (d != f->data)
					memcpy(f->data, d, f->len);
				if (m->nb_segs != 1)
					f->len = 0;     /* the fast path never chains: flag it */
			}
			o->n[p]++;
			rte_pktmbuf_free(m);
		}
	}
}

static void collect(void)
{
	memset(g_out.n, 0, sizeof(g_out.n));
	collect_into(&g_out);
}

/* Collect, and check how many frames each port sent (E and X: none unless said). */
#define expect_out(a, b, c, d) expect_out6(a, b, c, d, 0, 0)

static void expect_out6(unsigned a, unsigned b, unsigned c, unsigned d, unsigned e, unsigned x)
{
	const unsigned want[N_PORTS] = { a, b, c, d, e, x, 0, 0 };

	collect();
	for (int p = 0; p < N_PORTS; p++)
		ck_assert_msg(g_out.n[p] == want[p], "port %c sent %u frames, expected %u", port_name[p], g_out.n[p],
			      want[p]);
}

static void expect_frame(const struct frame *f, const uint8_t *data, uint32_t len)
{
	ck_assert_uint_eq(f->len, len);
	ck_assert_mem_eq(f->data, data, len);
}

/* run_decap, and the inner frame comes out on D alone, as it went in. */
static void decap_to_d(uint32_t vni, const uint8_t *inner, uint32_t inner_len)
{
	run_decap(vni, inner, inner_len);
	expect_out(0, 0, 0, 1);
	expect_frame(&g_out.f[PD][0], inner, inner_len);
}

/* Which of the two VTEPs an encapsulated frame is addressed to (-1: neither). */
static int vtep_of(const struct frame *f)
{
	for (int i = 0; i < 2; i++)
		if (f->len >= VXLAN_OUTER_LEN && memcmp(f->data + 30, &vtep_ip[i], 4) == 0)
			return i;
	return -1;
}

/*
 * f must be inner encapsulated for VTEP vt (0 or 1) in vni, built exactly as RFC 7348 wants;
 * its UDP source port vxlan_src_port's hash of the inner frame unless routed (routed into an
 * L3 VNI: in the range, dp_route_sport's hash of the inner flow, see test_l3vni_route_sport).
 */
static void expect_encap_as(const struct frame *f, int vt, uint32_t vni, const uint8_t *inner, uint32_t len,
			    bool routed)
{
	struct vxlan_parsed p;
	uint16_t sport;

	ck_assert_uint_eq(f->len, len + VXLAN_OUTER_LEN);
	ck_assert_int_eq(vxlan_parse(f->data, f->len, vtep_ip[vt], UDP_PORT, &p), VXLAN_OK);
	ck_assert_int_eq(vxlan_parse(f->data, f->len, vtep_ip[!vt], UDP_PORT, NULL), VXLAN_ERR_NOT_LOCAL);
	ck_assert_uint_eq(p.vni, vni);
	ck_assert_uint_eq(p.outer_src_ip, LOCAL_IP);
	ck_assert_uint_eq(p.outer_len, VXLAN_OUTER_LEN);
	ck_assert_uint_eq(p.inner_len, len);
	ck_assert_mem_eq(f->data, nexthop_mac[vt], 6);
	ck_assert_mem_eq(f->data + 6, underlay_mac, 6);
	ck_assert_mem_eq(f->data + 30, &vtep_ip[vt], 4);
	ck_assert_msg(ip_csum_ok(f->data + VXLAN_ETH_LEN), "outer IPv4 checksum is wrong");
	ck_assert_uint_eq(f->data[VXLAN_ETH_LEN + 8], VXLAN_OUTER_TTL);
	ck_assert_uint_eq(rd16(f->data + 16), len + VXLAN_OUTER_LEN - VXLAN_ETH_LEN);
	ck_assert_uint_eq(rd16(f->data + 38), len + 16);
	sport = rd16(f->data + 34);
	ck_assert_uint_ge(sport, VXLAN_SRC_PORT_MIN);
	if (!routed)
		ck_assert_uint_eq(sport, vxlan_src_port(inner, len));
	ck_assert_uint_eq(rd16(f->data + 36), UDP_PORT);
	ck_assert_mem_eq(f->data + VXLAN_OUTER_LEN, inner, len);
}

static void expect_encap(const struct frame *f, int vt, uint32_t vni, const uint8_t *inner, uint32_t len)
{
	expect_encap_as(f, vt, vni, inner, len, false);
}

/* ---- counters ---- */

static uint64_t drops_total(void)
{
	uint64_t n = 0;

	for (unsigned s = 0; s < RTE_DIM(g_ctr->ports); s++)
		for (unsigned r = 0; r < DP_DROP_MAX; r++)
			n += g_ctr->ports[s].drops[r];
	return n;
}

/* Exactly n drops in all, all of them on slot for why. */
static void expect_only_drop(uint16_t slot, enum dp_drop why, uint64_t n)
{
	ck_assert_msg(g_ctr->ports[slot].drops[why] == n, "slot %u drop %s = %lu, expected %lu", slot,
		      dp_drop_name(why), (unsigned long)g_ctr->ports[slot].drops[why], (unsigned long)n);
	ck_assert_msg(drops_total() == n, "%lu drops in all, expected %lu", (unsigned long)drops_total(),
		      (unsigned long)n);
}

static void expect_no_drops(void)
{
	ck_assert_msg(drops_total() == 0, "%lu unexpected drops", (unsigned long)drops_total());
}

static void expect_port(uint16_t slot, uint64_t rx, uint64_t rx_bytes, uint64_t tx, uint64_t tx_bytes)
{
	const struct dp_port_counters *pc = &g_ctr->ports[slot];

	ck_assert_msg(pc->rx_pkts == rx && pc->rx_bytes == rx_bytes && pc->tx_pkts == tx && pc->tx_bytes == tx_bytes,
		      "slot %u: rx %lu/%lu tx %lu/%lu, expected rx %lu/%lu tx %lu/%lu", slot,
		      (unsigned long)pc->rx_pkts, (unsigned long)pc->rx_bytes, (unsigned long)pc->tx_pkts,
		      (unsigned long)pc->tx_bytes, (unsigned long)rx, (unsigned long)rx_bytes, (unsigned long)tx,
		      (unsigned long)tx_bytes);
}

static void expect_vtep_idle(unsigned first)
{
	for (unsigned i = first; i < RTE_DIM(g_ctr->vteps); i++) {
		const struct dp_vtep_counters *v = &g_ctr->vteps[i];

		ck_assert_msg(!v->tx_pkts && !v->tx_bytes && !v->rx_pkts && !v->rx_bytes && !v->unresolved_drops,
			      "VTEP %u counters moved", i);
	}
}

static void reset_counters(void)
{
	memset(g_ctr, 0, sizeof(*g_ctr));
}

/* ---- learning (the control thread's side) ---- */

static unsigned learn_take(struct dp_learn_event *ev, unsigned max)
{
	return rte_ring_dequeue_burst_elem(g_learn, ev, sizeof(*ev), max, NULL);
}

static void expect_no_learn(void)
{
	ck_assert_uint_eq(rte_ring_count(g_learn), 0);
}

static void expect_one_learn(uint16_t vni_idx, uint8_t mac, uint32_t dest, uint32_t ip)
{
	struct dp_learn_event ev[4];

	ck_assert_uint_eq(learn_take(ev, RTE_DIM(ev)), 1);
	ck_assert_uint_eq(ev[0].key, key_of(vni_idx, mac));
	ck_assert_uint_eq(ev[0].dest, dest);
	ck_assert_uint_eq(ev[0].vtep_ip, ip);
}

static void fdb_put(uint16_t vni_idx, uint8_t mac, uint32_t dest)
{
	ck_assert_int_eq(fdb_learn(g_fdb, key_of(vni_idx, mac), dest, dp_clock_sec(), NULL), 0);
}

/* ---- topology ---- */

static void vni_fill(struct dp_vni *v, uint32_t vni, const uint16_t *ports, uint16_t n_ports, const uint16_t *flood,
		     uint16_t n_flood)
{
	ck_assert(test_dp_vni_fill(v, vni, ports, n_ports, flood, n_flood, false, UNDERLAY_MTU));
}

static void topo_add_port(struct dp_topology *t, int p, uint16_t vni_idx)
{
	uint16_t slot = port_slot[p];

	t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = slot, .dpdk_port = g_port[p] };
	t->port_dpdk[slot] = g_port[p];
	t->port_vni[slot] = vni_idx;
}

/*
 * The standard topology: underlay A; B and C in VNI 100 (index 0), flooding to VTEPs 0 and 1;
 * D in VNI 200 (index 1), flooding to VTEP 0. Both VTEPs resolved.
 */
static struct dp_topology *topo_std(void)
{
	static const uint16_t ports_a[] = { SLOT_B, SLOT_C }, ports_b[] = { SLOT_D };
	static const uint16_t flood_a[] = { 0, 1 }, flood_b[] = { 0 };
	struct dp_topology *t = dp_topology_new(LOCAL_IP, UDP_PORT, UNDERLAY_MTU);

	ck_assert_ptr_nonnull(t);
	topo_add_port(t, PA, DP_NO_ID);
	topo_add_port(t, PB, 0);
	topo_add_port(t, PC, 0);
	topo_add_port(t, PD, 1);
	t->n_vnis = 2;
	vni_fill(&t->vnis[0], VNI_A, ports_a, 2, flood_a, 2);
	vni_fill(&t->vnis[1], VNI_B, ports_b, 1, flood_b, 1);
	for (int i = 0; i < 2; i++) {
		t->vteps[i].ip = vtep_ip[i];
		t->vteps[i].n_nh = 1;   /* one next hop, on the first uplink (slot 0) */
		vxlan_template_init(&t->vteps[i].nh[0].tmpl, underlay_mac, nexthop_mac[i], LOCAL_IP, vtep_ip[i], UDP_PORT);
	}
	ck_assert_int_eq(dp_topology_finish(t), 0);
	return t;
}

/* Publish t as the control thread does (single-threaded here: the old one is freed at once). */
static void publish(struct dp_topology *t)
{
	dp_topology_free(atomic_exchange_explicit(&g_topo, t, memory_order_acq_rel));
}

/* ---- fixture ---- */

static void drain_rings(void)
{
	struct rte_mbuf *m;

	for (int p = 0; p < N_PORTS; p++) {
		while (rte_ring_dequeue(g_rx[p], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (rte_ring_dequeue(g_tx[p], (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
}

static void setup(void)
{
	char name[RTE_RING_NAMESIZE];

	g_gen++;
	drain_rings();
	g_pool_start = rte_mempool_avail_count(g_pool);
	snprintf(name, sizeof(name), "fp_fdb_%u", g_gen);
	g_fdb = fdb_create(name, 4096, NULL);
	ck_assert_msg(g_fdb != NULL, "fdb_create: %s", rte_strerror(rte_errno));
	snprintf(name, sizeof(name), "fp_learn_%u", g_gen);
	g_learn = rte_ring_create_elem(name, sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE, (int)rte_socket_id(),
				       RING_F_SC_DEQ);
	ck_assert_msg(g_learn != NULL, "learn ring: %s", rte_strerror(rte_errno));
	g_ctr = rte_zmalloc("fp_counters", sizeof(*g_ctr), RTE_CACHE_LINE_SIZE);
	ck_assert_ptr_nonnull(g_ctr);
	memset(&g_w, 0, sizeof(g_w));
	g_w.topology = &g_topo;
	g_w.fdb = g_fdb;
	g_w.learn_ring = g_learn;
	g_w.pool = g_pool;
	g_w.qsbr = NULL;
	g_w.qsbr_id = 0;
	g_w.counters = g_ctr;
	ck_assert_int_eq(dp_worker_init(&g_w), 0);
	publish(topo_std());
}

static void teardown(void)
{
	drain_rings();
	dp_worker_fini(&g_w);
	publish(NULL);
	rte_ring_free(g_learn);
	g_learn = NULL;
	fdb_destroy(g_fdb);
	g_fdb = NULL;
	rte_free(g_ctr);
	g_ctr = NULL;
}

/* End of every test: the worker took everything, the test saw everything, no mbuf leaked. */
static void finish(void)
{
	for (int p = 0; p < N_PORTS; p++) {
		ck_assert_msg(rte_ring_count(g_rx[p]) == 0, "port %c: frames left unreceived", port_name[p]);
		ck_assert_msg(rte_ring_count(g_tx[p]) == 0, "port %c: frames left unchecked", port_name[p]);
	}
	ck_assert_msg(rte_mempool_avail_count(g_pool) == g_pool_start, "mbuf leak: %u available, %u at the start",
		      rte_mempool_avail_count(g_pool), g_pool_start);
}

/* ---- tests ---- */

/* An ARP request from src for tip, as a container sends it (sender address spa). */
static uint32_t arp_request(uint8_t *buf, uint8_t src, uint32_t spa, uint32_t tip)
{
	uint8_t *a = buf + 14;

	memset(buf, 0, 60);
	mac_set(buf, MAC_BCAST);
	mac_set(buf + 6, src);
	buf[12] = 0x08, buf[13] = 0x06;
	a[0] = 0, a[1] = 1, a[2] = 0x08, a[3] = 0x00, a[4] = 6, a[5] = 4, a[6] = 0, a[7] = 1;
	mac_set(a + 8, src);
	memcpy(a + 14, &spa, 4);
	memcpy(a + 24, &tip, 4);
	return 60;
}

START_TEST(test_arp_suppression)
{
	uint8_t req[FRAME_MAX], mac_r1[6], mac_b[6];
	uint32_t spa = IPV4(192, 168, 1, 2), tip = IPV4(192, 168, 1, 9);
	uint32_t len = arp_request(req, MAC_B, spa, tip);
	struct arp_table *arp;
	struct dp_learn_event ev[8];
	const uint8_t *r;
	unsigned n;

	mac_set(mac_r1, MAC_R1);
	mac_set(mac_b, MAC_B);
	/* without a table: flooded as any broadcast, and the sender's address is reported */
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	n = learn_take(ev, RTE_DIM(ev));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ev[0].key, key_of(0, MAC_B));
	ck_assert_uint_eq(ev[0].dest, DP_LEARN_IP | SLOT_B);
	ck_assert_uint_eq(ev[0].vtep_ip, spa);
	ck_assert_uint_eq(ev[1].dest, fdb_dest_port(SLOT_B));

	/* with the target known in VNI 100: answered on the asking port, nothing flooded */
	arp = arp_table_create("fp_arp", 1024, NULL);
	ck_assert_ptr_nonnull(arp);
	ck_assert_int_eq(arp_table_set(arp, 0, tip, mac_r1), 0);
	g_w.arp = arp;
	reset_counters();
	run(PB, req, len);
	expect_out(0, 1, 0, 0);
	r = g_out.f[PB][0].data;
	ck_assert_uint_eq(g_out.f[PB][0].len, 60);
	ck_assert_mem_eq(r, mac_b, 6);                  /* to the asker */
	ck_assert_mem_eq(r + 6, mac_r1, 6);             /* from the target */
	ck_assert_uint_eq(rd16(r + 12), 0x0806);
	ck_assert_uint_eq(rd16(r + 14 + 6), 2);         /* reply */
	ck_assert_mem_eq(r + 14 + 8, mac_r1, 6);
	ck_assert_mem_eq(r + 14 + 14, &tip, 4);
	ck_assert_mem_eq(r + 14 + 18, mac_b, 6);
	ck_assert_mem_eq(r + 14 + 24, &spa, 4);
	ck_assert_uint_eq(g_ctr->vnis[0].arp_suppressed, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	/* an answered request still reports its sender's address, even when nothing else came in the burst */
	len = arp_request(req, MAC_B3, IPV4(192, 168, 1, 3), tip);
	run(PB, req, len);
	expect_out(0, 1, 0, 0);
	expect_one_learn(0, MAC_B3, DP_LEARN_IP | SLOT_B, IPV4(192, 168, 1, 3));

	/* the same address in VNI 200 is another host: flooded there */
	len = arp_request(req, MAC_D, spa, tip);
	run(PD, req, len);
	expect_out(1, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->vnis[1].arp_suppressed, 0);
	/* a gratuitous ARP (target = sender) is never answered */
	len = arp_request(req, MAC_B2, tip, tip);
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].arp_suppressed, 2);
	drain_rings();
	g_w.arp = NULL;
	arp_table_destroy(arp);
	finish();
}
END_TEST

START_TEST(test_encap_known_remote)
{
	uint8_t in[FRAME_MAX], in2[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_R1, MAC_B, 120, 1);
	uint32_t len2 = inner_frame(in2, MAC_R1, MAC_B, 77, 2);
	uint16_t id1;

	fdb_put(0, MAC_R1, fdb_dest_vtep(1));
	run(PB, in, len);
	expect_out(1, 0, 0, 0);
	expect_encap(&g_out.f[PA][0], 1, VNI_A, in, len);
	id1 = rd16(g_out.f[PA][0].data + 18);

	expect_port(SLOT_B, 1, len, 0, 0);
	expect_port(DP_PORT_UNDERLAY, 0, 0, 1, len + VXLAN_OUTER_LEN);
	expect_port(SLOT_C, 0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_pkts, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_bytes, len);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].local_pkts, 0);
	ck_assert_uint_eq(g_ctr->vnis[1].encap_pkts, 0);
	ck_assert_uint_eq(g_ctr->vteps[1].tx_pkts, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].tx_bytes, len + VXLAN_OUTER_LEN);
	expect_vtep_idle(2);
	ck_assert_uint_eq(g_ctr->vteps[0].tx_pkts, 0);
	expect_no_drops();
	/* B's address was new: one learn request for it at its slot */
	expect_one_learn(0, MAC_B, fdb_dest_port(SLOT_B), 0);
	ck_assert_uint_eq(g_ctr->worker.learn_posted, 1);
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));

	/* a second frame: nothing more to learn, the next IP id */
	run(PB, in2, len2);
	expect_out(1, 0, 0, 0);
	expect_encap(&g_out.f[PA][0], 1, VNI_A, in2, len2);
	ck_assert_uint_eq(rd16(g_out.f[PA][0].data + 18), (uint16_t)(id1 + 1));
	ck_assert_uint_eq(g_ctr->vteps[1].tx_pkts, 2);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_bytes, len + len2);
	expect_no_learn();
	finish();
}
END_TEST

/*
 * Aging sees the fast path's traffic: the worker marks the entries it hits, fdb_age folds the
 * marks into last_seen, so a MAC in use survives and an idle one ages. A MAC that moves is
 * switched to its new place by the very next frame (the hash carries the destination).
 */
START_TEST(test_seen_bits_and_moves)
{
	uint8_t in[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_R1, MAC_B, 100, 3);
	struct fdb_entry *b, *c;

	ck_assert_int_eq(fdb_learn(g_fdb, key_of(0, MAC_R1), fdb_dest_vtep(1), 100, NULL), 0);
	ck_assert_int_eq(fdb_learn(g_fdb, key_of(0, MAC_B), fdb_dest_port(SLOT_B), 100, NULL), 0);
	ck_assert_int_eq(fdb_learn(g_fdb, key_of(0, MAC_C), fdb_dest_port(SLOT_C), 100, NULL), 0);
	run(PB, in, len);                   /* B -> R1: B seen as a source */
	expect_out(1, 0, 0, 0);
	expect_no_learn();
	/*
	 * at 400, with 300 s aging: C (idle since 100) goes, and R1 (only a destination: aging
	 * follows sources, as in any bridge); B stays
	 */
	ck_assert_uint_eq(fdb_age(g_fdb, 400, 300), 2);
	ck_assert_ptr_null(fdb_lookup(g_fdb, key_of(0, MAC_C)));
	ck_assert_ptr_null(fdb_lookup(g_fdb, key_of(0, MAC_R1)));
	b = fdb_lookup(g_fdb, key_of(0, MAC_B));
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->last_seen, 400);
	/* nothing seen since: the marks were consumed, B ages 300 s after the fold */
	ck_assert_uint_eq(fdb_age(g_fdb, 699, 300), 0);
	ck_assert_uint_eq(fdb_age(g_fdb, 700, 300), 1);
	ck_assert_ptr_null(fdb_lookup(g_fdb, key_of(0, MAC_B)));

	/* a move: R1 behind VTEP 1, then behind port C; the next frame to R1 goes to C */
	ck_assert_int_eq(fdb_learn(g_fdb, key_of(0, MAC_R1), fdb_dest_vtep(1), 800, NULL), 0);
	ck_assert_int_eq(fdb_learn(g_fdb, key_of(0, MAC_B), fdb_dest_port(SLOT_B), 800, NULL), 0);
	run(PB, in, len);
	expect_out(1, 0, 0, 0);
	ck_assert_int_eq(fdb_learn(g_fdb, key_of(0, MAC_R1), fdb_dest_port(SLOT_C), 801, NULL), 0);
	run(PB, in, len);
	expect_out(0, 0, 1, 0);
	expect_frame(&g_out.f[PC][0], in, len);
	c = fdb_lookup(g_fdb, key_of(0, MAC_R1));
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(fdb_entry_dest(c), fdb_dest_port(SLOT_C));
	expect_no_learn();
	finish();
}
END_TEST

/* A frame from B flooded in VNI 100: one copy to C, one encapsulated copy to each VTEP. */
static void expect_flood_from_b(const uint8_t *in, uint32_t len)
{
	int seen[2] = { 0, 0 };

	expect_out(2, 0, 1, 0);
	expect_frame(&g_out.f[PC][0], in, len);
	for (unsigned i = 0; i < 2; i++) {
		int vt = vtep_of(&g_out.f[PA][i]);

		ck_assert_msg(vt >= 0, "flooded copy %u goes to no VTEP of the flood list", i);
		seen[vt]++;
		expect_encap(&g_out.f[PA][i], vt, VNI_A, in, len);
	}
	ck_assert_int_eq(seen[0], 1);
	ck_assert_int_eq(seen[1], 1);
	expect_port(SLOT_B, 1, len, 0, 0);
	expect_port(SLOT_C, 0, 0, 1, len);
	expect_port(SLOT_D, 0, 0, 0, 0);
	expect_port(DP_PORT_UNDERLAY, 0, 0, 2, 2 * (len + VXLAN_OUTER_LEN));
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_pkts, 2);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_bytes, 2 * len);
	ck_assert_uint_eq(g_ctr->vnis[0].local_pkts, 0);
	ck_assert_uint_eq(g_ctr->vnis[1].flooded, 0);
	ck_assert_uint_eq(g_ctr->vteps[0].tx_pkts, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].tx_pkts, 1);
	ck_assert_uint_eq(g_ctr->vteps[0].tx_bytes, len + VXLAN_OUTER_LEN);
	expect_no_drops();
}

START_TEST(test_flood_unknown_and_broadcast)
{
	uint8_t in[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_UNKNOWN, MAC_B, 100, 3);
	struct fdb_entry *e;

	run(PB, in, len);
	expect_flood_from_b(in, len);
	expect_one_learn(0, MAC_B, fdb_dest_port(SLOT_B), 0);
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	e = fdb_lookup(g_fdb, key_of(0, MAC_B));
	ck_assert_ptr_nonnull(e);

	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_B, 64, 4);
	run(PB, in, len);
	expect_flood_from_b(in, len);
	expect_no_learn();      /* B is known where it is */

	/* D's broadcast stays in VNI 200: VTEP 0 only, never B or C */
	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_D, 90, 5);
	run(PD, in, len);
	expect_out(1, 0, 0, 0);
	expect_encap(&g_out.f[PA][0], 0, VNI_B, in, len);
	ck_assert_uint_eq(g_ctr->vnis[1].flooded, 1);
	ck_assert_uint_eq(g_ctr->vnis[1].encap_pkts, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	ck_assert_uint_eq(g_ctr->vteps[0].tx_pkts, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].tx_pkts, 0);
	expect_no_drops();
	expect_one_learn(1, MAC_D, fdb_dest_port(SLOT_D), 0);
	finish();
}
END_TEST

START_TEST(test_local_switch_and_hairpin)
{
	uint8_t in[FRAME_MAX];
	uint32_t len;

	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_C, fdb_dest_port(SLOT_C));
	fdb_put(0, MAC_B2, fdb_dest_port(SLOT_B));

	len = inner_frame(in, MAC_C, MAC_B, 200, 6);
	run(PB, in, len);
	expect_out(0, 0, 1, 0);
	expect_frame(&g_out.f[PC][0], in, len);
	ck_assert_uint_eq(g_ctr->vnis[0].local_pkts, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_pkts, 0);
	expect_port(SLOT_B, 1, len, 0, 0);
	expect_port(SLOT_C, 0, 0, 1, len);
	expect_port(DP_PORT_UNDERLAY, 0, 0, 0, 0);
	expect_vtep_idle(0);
	expect_no_drops();
	expect_no_learn();

	/* and back */
	len = inner_frame(in, MAC_B, MAC_C, 61, 7);
	run(PC, in, len);
	expect_out(0, 1, 0, 0);
	expect_frame(&g_out.f[PB][0], in, len);
	ck_assert_uint_eq(g_ctr->vnis[0].local_pkts, 2);
	expect_no_learn();

	/* hairpin: the destination is behind the port the frame came in on */
	reset_counters();
	len = inner_frame(in, MAC_B2, MAC_B, 80, 8);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_HAIRPIN, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].local_pkts, 0);
	expect_port(SLOT_B, 1, len, 0, 0);
	expect_no_learn();

	/* C's address is known in VNI 100 only: from D (VNI 200) it is unknown, flooded there */
	reset_counters();
	fdb_put(1, MAC_D, fdb_dest_port(SLOT_D));
	len = inner_frame(in, MAC_C, MAC_D, 70, 9);
	run(PD, in, len);
	expect_out(1, 0, 0, 0);
	expect_encap(&g_out.f[PA][0], 0, VNI_B, in, len);
	ck_assert_uint_eq(g_ctr->vnis[1].flooded, 1);
	expect_no_drops();
	expect_no_learn();

	/* B's address shows up on C: a move is requested */
	reset_counters();
	len = inner_frame(in, MAC_C, MAC_B, 60, 10);
	run(PC, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_C, DP_DROP_HAIRPIN, 1);
	expect_one_learn(0, MAC_B, fdb_dest_port(SLOT_C), 0);
	finish();
}
END_TEST

START_TEST(test_decap_known_local)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_C, MAC_R0, 150, 11);
	uint32_t olen = vxlan_frame(out, VTEP0_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);

	fdb_put(0, MAC_C, fdb_dest_port(SLOT_C));
	run(PA, out, olen);
	expect_out(0, 0, 1, 0);
	expect_frame(&g_out.f[PC][0], in, len);
	expect_one_learn(0, MAC_R0, fdb_dest_vtep(0), VTEP0_IP);
	expect_port(DP_PORT_UNDERLAY, 1, olen, 0, 0);
	expect_port(SLOT_C, 0, 0, 1, len);
	expect_port(SLOT_B, 0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_pkts, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_bytes, len);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	ck_assert_uint_eq(g_ctr->vnis[1].decap_pkts, 0);
	ck_assert_uint_eq(g_ctr->vteps[0].rx_pkts, 1);
	ck_assert_uint_eq(g_ctr->vteps[0].rx_bytes, len);
	ck_assert_uint_eq(g_ctr->vteps[0].tx_pkts, 0);
	expect_vtep_idle(1);
	expect_no_drops();
	fdb_put(0, MAC_R0, fdb_dest_vtep(0));

	/* trailing bytes after the IP packet (Ethernet padding) are not part of the inner frame */
	memset(out + olen, 0xee, 12);
	run(PA, out, olen + 12);
	expect_out(0, 0, 1, 0);
	expect_frame(&g_out.f[PC][0], in, len);
	expect_no_learn();

	/* the same inner frame in VNI 200, where C's address is unknown: flooded to D only */
	reset_counters();
	decap_to_d(VNI_B, in, len);
	ck_assert_uint_eq(g_ctr->vnis[1].decap_pkts, 1);
	ck_assert_uint_eq(g_ctr->vnis[1].flooded, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_pkts, 0);
	expect_no_drops();
	expect_one_learn(1, MAC_R0, fdb_dest_vtep(0), VTEP0_IP);
	finish();
}
END_TEST

START_TEST(test_decap_flood_split_horizon)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_BCAST, MAC_R1, 98, 12);
	uint32_t olen = vxlan_frame(out, VTEP1_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);

	run(PA, out, olen);
	expect_out(0, 1, 1, 0);        /* nothing back into the tunnel, nothing to VNI 200 */
	expect_frame(&g_out.f[PB][0], in, len);
	expect_frame(&g_out.f[PC][0], in, len);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_pkts, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_pkts, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].rx_pkts, 1);
	ck_assert_uint_eq(g_ctr->vteps[0].tx_pkts + g_ctr->vteps[1].tx_pkts, 0);
	expect_port(DP_PORT_UNDERLAY, 1, olen, 0, 0);
	expect_port(SLOT_B, 0, 0, 1, len);
	expect_port(SLOT_C, 0, 0, 1, len);
	expect_no_drops();
	expect_one_learn(0, MAC_R1, fdb_dest_vtep(1), VTEP1_IP);
	fdb_put(0, MAC_R1, fdb_dest_vtep(1));

	/* unknown unicast from the tunnel: the same */
	reset_counters();
	len = inner_frame(in, MAC_UNKNOWN, MAC_R1, 300, 13);
	olen = vxlan_frame(out, VTEP1_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
	run(PA, out, olen);
	expect_out(0, 1, 1, 0);
	expect_frame(&g_out.f[PB][0], in, len);
	expect_frame(&g_out.f[PC][0], in, len);
	expect_no_drops();
	expect_no_learn();

	/* the destination is behind another VTEP: never relayed tunnel to tunnel */
	reset_counters();
	len = inner_frame(in, MAC_R1, MAC_R0, 100, 14);
	run_decap(VNI_A, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_REMOTE_TO_REMOTE, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_pkts, 1);
	expect_one_learn(0, MAC_R0, fdb_dest_vtep(0), VTEP0_IP);
	finish();
}
END_TEST

/*
 * Underlay frames the fast path must not decapsulate, each built from a good VXLAN frame
 * (VNI 100, VTEP 0 to us, inner broadcast from R0). for_kernel: not VXLAN to us at all,
 * so it belongs to the kernel when there is an exception port; otherwise malformed VXLAN,
 * always dropped.
 */
enum decap_case {
	DC_UNKNOWN_VNI, DC_FLAGS, DC_TRUNCATED, DC_WRONG_PORT, DC_NOT_LOCAL, DC_MORE_FRAGMENTS, DC_FRAG_OFFSET,
	DC_SRC_MCAST, DC_SRC_ZERO, DC_NOT_IPV4, DC_ARP, DC_NOT_UDP, DC_UDP_LENGTH, DC_INNER_TRUNCATED, DC_IP_VERSION,
	DC_MAX
};

static const struct {
	const char *name;
	enum dp_drop why;
	bool for_kernel;
} decap_cases[DC_MAX] = {
	[DC_UNKNOWN_VNI] = { "unknown VNI", DP_DROP_UNKNOWN_VNI, false },
	[DC_FLAGS] = { "I flag clear", DP_DROP_BAD_VXLAN_FLAGS, false },
	[DC_TRUNCATED] = { "truncated", DP_DROP_TRUNCATED, true },
	[DC_WRONG_PORT] = { "wrong UDP port", DP_DROP_WRONG_PORT, true },
	[DC_NOT_LOCAL] = { "not to us", DP_DROP_NOT_LOCAL, true },
	[DC_MORE_FRAGMENTS] = { "MF set", DP_DROP_OUTER_FRAGMENT, true },
	[DC_FRAG_OFFSET] = { "fragment offset", DP_DROP_OUTER_FRAGMENT, true },
	[DC_SRC_MCAST] = { "inner source multicast", DP_DROP_BAD_SRC_MAC, false },
	[DC_SRC_ZERO] = { "inner source zero", DP_DROP_BAD_SRC_MAC, false },
	[DC_NOT_IPV4] = { "not IPv4", DP_DROP_NOT_IPV4, true },
	[DC_ARP] = { "ARP (short)", DP_DROP_TRUNCATED, true },
	[DC_NOT_UDP] = { "not UDP", DP_DROP_NOT_UDP, true },
	[DC_UDP_LENGTH] = { "UDP length", DP_DROP_BAD_UDP_LENGTH, false },
	[DC_INNER_TRUNCATED] = { "inner truncated", DP_DROP_INNER_TRUNCATED, false },
	[DC_IP_VERSION] = { "IP version", DP_DROP_BAD_IP_HEADER, false },
};

static uint32_t decap_case_frame(enum decap_case c, uint8_t *out)
{
	uint8_t in[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_BCAST, MAC_R0, 100, (uint8_t)c);
	uint32_t olen = vxlan_frame(out, VTEP0_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);

	switch (c) {
	case DC_UNKNOWN_VNI:
		return vxlan_frame(out, VTEP0_IP, LOCAL_IP, UDP_PORT, 999, in, len);
	case DC_FLAGS:
		out[42] &= (uint8_t)~VXLAN_FLAG_I;
		break;
	case DC_TRUNCATED:
		return 40;
	case DC_WRONG_PORT:
		return vxlan_frame(out, VTEP0_IP, LOCAL_IP, UDP_PORT + 1, VNI_A, in, len);
	case DC_NOT_LOCAL:
		return vxlan_frame(out, VTEP0_IP, IPV4(10, 0, 0, 7), UDP_PORT, VNI_A, in, len);
	case DC_MORE_FRAGMENTS:
		out[20] |= 0x20;
		break;
	case DC_FRAG_OFFSET:
		out[21] = 0x01;
		break;
	case DC_SRC_MCAST:
		mac_set(out + VXLAN_OUTER_LEN + 6, MAC_MCAST);
		break;
	case DC_SRC_ZERO:
		mac_set(out + VXLAN_OUTER_LEN + 6, MAC_ZERO);
		break;
	case DC_NOT_IPV4:
		out[12] = 0x86, out[13] = 0xdd;
		break;
	case DC_ARP:     /* a 42-byte ARP request for our address, as the kernel's neighbours send */
		memset(out, 0xff, 6);
		memcpy(out + 6, nexthop_mac[0], 6);
		out[12] = 0x08, out[13] = 0x06;
		memset(out + 14, 0, 28);
		out[15] = 1, out[16] = 8, out[18] = 6, out[19] = 4, out[21] = 1;
		memcpy(out + 22, nexthop_mac[0], 6);
		memcpy(out + 28, &vtep_ip[0], 4);
		{
			const uint32_t target = LOCAL_IP;

			memcpy(out + 38, &target, 4);
		}
		return 42;
	case DC_NOT_UDP:
		out[23] = 6;
		break;
	case DC_UDP_LENGTH:
		out[38] = 0, out[39] = 10;
		break;
	case DC_INNER_TRUNCATED:
		return vxlan_frame(out, VTEP0_IP, LOCAL_IP, UDP_PORT, VNI_A, in, 10);
	case DC_IP_VERSION:
		out[14] = 0x65;
		break;
	case DC_MAX:
		break;
	}
	return olen;
}

/* Without an exception port every one of them is dropped, counted under its reason. */
START_TEST(test_decap_drops)
{
	uint8_t out[FRAME_MAX];

	for (int c = 0; c < DC_MAX; c++) {
		uint32_t olen = decap_case_frame((enum decap_case)c, out);

		reset_counters();
		inject(PA, out, olen);
		ck_assert_msg(poll_once() == 1, "%s: not received", decap_cases[c].name);
		collect();
		for (int p = 0; p < N_PORTS; p++)
			ck_assert_msg(g_out.n[p] == 0, "%s: %u frames out of port %c", decap_cases[c].name, g_out.n[p],
				      port_name[p]);
		ck_assert_msg(g_ctr->ports[DP_PORT_UNDERLAY].drops[decap_cases[c].why] == 1 && drops_total() == 1,
			      "%s: not counted as %s (%lu drops in all)", decap_cases[c].name,
			      dp_drop_name(decap_cases[c].why), (unsigned long)drops_total());
		expect_port(DP_PORT_UNDERLAY, 1, olen, 0, 0);
		ck_assert_msg(g_ctr->vnis[0].decap_pkts == 0, "%s: counted as decapsulated", decap_cases[c].name);
		ck_assert_msg(rte_ring_count(g_learn) == 0, "%s: learned from a dropped frame", decap_cases[c].name);
		expect_vtep_idle(0);
	}
	finish();
}
END_TEST

/*
 * With an exception port (the kernel's TAP), what is not VXLAN to us goes to the kernel
 * unchanged, malformed VXLAN is still dropped, and what the kernel sends goes out on the
 * underlay unchanged. VXLAN to us is still decapsulated.
 */
START_TEST(test_exception_port)
{
	struct dp_topology *t = topo_std();
	uint8_t out[FRAME_MAX], in[FRAME_MAX];
	uint32_t olen, len;

	topo_add_port(t, PX, DP_NO_ID);
	publish(t);
	for (int c = 0; c < DC_MAX; c++) {
		olen = decap_case_frame((enum decap_case)c, out);
		reset_counters();
		inject(PA, out, olen);
		ck_assert_msg(poll_once() == 1, "%s: not received", decap_cases[c].name);
		collect();
		for (int p = 0; p < N_PORTS; p++) {
			unsigned want = p == PX && decap_cases[c].for_kernel;

			ck_assert_msg(g_out.n[p] == want, "%s: %u frames out of port %c, expected %u", decap_cases[c].name,
				      g_out.n[p], port_name[p], want);
		}
		if (decap_cases[c].for_kernel) {
			ck_assert_msg(g_out.f[PX][0].len == olen && memcmp(g_out.f[PX][0].data, out, olen) == 0,
				      "%s: changed on its way to the kernel", decap_cases[c].name);
			ck_assert_msg(drops_total() == 0, "%s: dropped", decap_cases[c].name);
			expect_port(DP_PORT_EXCEPTION, 0, 0, 1, olen);
		} else {
			ck_assert_msg(g_ctr->ports[DP_PORT_UNDERLAY].drops[decap_cases[c].why] == 1 && drops_total() == 1,
				      "%s: not counted as %s", decap_cases[c].name, dp_drop_name(decap_cases[c].why));
			expect_port(DP_PORT_EXCEPTION, 0, 0, 0, 0);
		}
		expect_port(DP_PORT_UNDERLAY, 1, olen, 0, 0);
		ck_assert_msg(rte_ring_count(g_learn) == 0, "%s: learned", decap_cases[c].name);
	}

	/* the kernel's own frames leave on the underlay as they are, and teach nothing */
	reset_counters();
	olen = decap_case_frame(DC_ARP, out);
	out[21] = 2;                            /* an ARP reply */
	run(PX, out, olen);
	expect_out6(1, 0, 0, 0, 0, 0);
	expect_frame(&g_out.f[PA][0], out, olen);
	expect_port(DP_PORT_EXCEPTION, 1, olen, 0, 0);
	expect_port(DP_PORT_UNDERLAY, 0, 0, 1, olen);
	expect_no_drops();
	expect_no_learn();

	/* VXLAN to us is not the kernel's */
	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_R0, 100, 60);
	run_decap(VNI_A, in, len);
	expect_out(0, 1, 1, 0);
	expect_frame(&g_out.f[PB][0], in, len);
	expect_no_drops();
	expect_one_learn(0, MAC_R0, fdb_dest_vtep(0), VTEP0_IP);
	finish();
}
END_TEST

/*
 * Frames the kernel could not mean (found by fuzz_fastpath): a runt from the underlay is not
 * handed to the kernel; from the exception port a runt or a frame over the underlay's MTU is a
 * counted drop, never given to the NIC, and a chained frame leaves as one segment.
 */
START_TEST(test_exception_port_bad_frames)
{
	struct dp_topology *t = topo_std();
	uint8_t out[FRAME_MAX];
	uint32_t olen = decap_case_frame(DC_ARP, out);
	struct rte_mbuf *m1, *m2;

	topo_add_port(t, PX, DP_NO_ID);
	publish(t);
	run(PA, out, 13);
	expect_out6(0, 0, 0, 0, 0, 0);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_TRUNCATED, 1);
	reset_counters();

	run(PX, out, 13);
	expect_out6(0, 0, 0, 0, 0, 0);
	expect_only_drop(DP_PORT_EXCEPTION, DP_DROP_RUNT, 1);
	reset_counters();

	memset(out + olen, 0, UNDERLAY_MTU + 18 + 1 - olen);
	run(PX, out, UNDERLAY_MTU + 18);        /* Ethernet, one VLAN tag, the MTU: still goes */
	expect_out6(1, 0, 0, 0, 0, 0);
	expect_frame(&g_out.f[PA][0], out, UNDERLAY_MTU + 18);
	run(PX, out, UNDERLAY_MTU + 19);
	expect_out6(0, 0, 0, 0, 0, 0);
	expect_only_drop(DP_PORT_EXCEPTION, DP_DROP_TOO_BIG, 1);
	reset_counters();

	m1 = rte_pktmbuf_alloc(g_pool);
	m2 = rte_pktmbuf_alloc(g_pool);
	ck_assert(m1 && m2);
	memcpy(rte_pktmbuf_append(m1, 20), out, 20);
	memcpy(rte_pktmbuf_append(m2, (uint16_t)(olen - 20)), out + 20, olen - 20);
	ck_assert_int_eq(rte_pktmbuf_chain(m1, m2), 0);
	ck_assert_int_eq(rte_ring_enqueue(g_rx[PX], m1), 0);
	ck_assert_uint_eq(poll_once(), 1);
	expect_out6(1, 0, 0, 0, 0, 0);          /* collect flags a chain with length 0 */
	expect_frame(&g_out.f[PA][0], out, olen);
	expect_no_drops();
	finish();
}
END_TEST

START_TEST(test_learn_unknown_vtep)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_BCAST, MAC_R9, 120, 20);
	uint32_t olen = vxlan_frame(out, STRANGER_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
	struct dp_topology *t;

	run(PA, out, olen);
	expect_out(0, 1, 1, 0);
	expect_frame(&g_out.f[PB][0], in, len);
	expect_frame(&g_out.f[PC][0], in, len);
	expect_one_learn(0, MAC_R9, fdb_dest_vtep(DP_VTEP_UNKNOWN), STRANGER_IP);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_pkts, 1);
	expect_vtep_idle(0);
	expect_no_drops();

	/* a VNI with learning off learns nothing from the tunnel */
	t = topo_std();
	t->vnis[0].learning = false;
	publish(t);
	len = inner_frame(in, MAC_BCAST, MAC_R8, 80, 21);
	run_decap(VNI_A, in, len);
	expect_out(0, 1, 1, 0);
	expect_no_learn();
	finish();
}
END_TEST

/*
 * A VTEP with two equal-cost next hops, one on each uplink: every flow leaves by the one its
 * hash (the UDP source port) picks, always the same, with that uplink's MAC and that next
 * hop's; both are used. VXLAN from the second uplink is decapsulated like from the first.
 */
START_TEST(test_ecmp_uplinks)
{
	static const uint8_t uplink2_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x11 };
	struct dp_topology *t = topo_std();
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	unsigned on[N_PORTS] = { 0 };
	uint32_t len, olen;

	topo_add_port(t, PU, DP_NO_ID);
	t->vteps[1].n_nh = 2;
	t->vteps[1].nh[1].slot = DP_PORT_UPLINK(1);
	vxlan_template_init(&t->vteps[1].nh[1].tmpl, uplink2_mac, nexthop_mac[0], LOCAL_IP, VTEP1_IP, UDP_PORT);
	publish(t);
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_R1, fdb_dest_vtep(1));

	for (unsigned f = 0; f < 64; f++) {
		uint16_t sport;
		int want, other;

		len = inner_frame(in, MAC_R1, MAC_B, 100, (uint8_t)f);
		sport = vxlan_src_port(in, len);
		want = ((sport & 0x3fff) * 2u) >> 14 ? PU : PA;
		other = want == PU ? PA : PU;
		for (int rep = 0; rep < 2; rep++) {
			const struct frame *fr;

			run(PB, in, len);
			collect();
			ck_assert_msg(g_out.n[want] == 1 && g_out.n[other] == 0, "flow %u: %u on %c, %u on %c", f,
				      g_out.n[want], port_name[want], g_out.n[other], port_name[other]);
			fr = &g_out.f[want][0];
			ck_assert_mem_eq(fr->data, want == PU ? nexthop_mac[0] : nexthop_mac[1], 6);
			ck_assert_mem_eq(fr->data + 6, want == PU ? uplink2_mac : underlay_mac, 6);
			ck_assert_uint_eq((unsigned)fr->data[34] << 8 | fr->data[35], sport);
			ck_assert(ip_csum_ok(fr->data + 14));
		}
		on[want]++;
	}
	ck_assert_msg(on[PA] >= 16 && on[PU] >= 16, "64 flows: %u on the first uplink, %u on the second", on[PA], on[PU]);
	ck_assert_uint_eq(g_ctr->ports[DP_PORT_UPLINK(1)].tx_pkts, 2 * on[PU]);
	ck_assert_uint_eq(g_ctr->ports[DP_PORT_UNDERLAY].tx_pkts, 2 * on[PA]);
	ck_assert_uint_eq(g_ctr->vteps[1].tx_pkts, 128);

	reset_counters();
	len = inner_frame(in, MAC_B, MAC_R1, 100, 7);
	olen = vxlan_frame(out, VTEP1_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
	run(PU, out, olen);
	expect_out(0, 1, 0, 0);
	expect_frame(&g_out.f[PB][0], in, len);
	expect_port(DP_PORT_UPLINK(1), 1, olen, 0, 0);
	ck_assert_uint_eq(g_ctr->vteps[1].rx_pkts, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_pkts, 1);
	finish();
}
END_TEST

/*
 * Two DPDK-owned uplinks, each with its own exception TAP: what is not VXLAN from uplink i
 * goes up TAP i only, and what the kernel writes on TAP i leaves by uplink i only.
 */
START_TEST(test_exception_per_uplink)
{
	struct dp_topology *t = topo_std();
	uint8_t out[FRAME_MAX];
	uint32_t olen;

	ck_assert(dp_slot_is_exception(DP_PORT_EXCEPTION_OF(1)) && !dp_slot_is_uplink(DP_PORT_EXCEPTION_OF(1)));
	ck_assert(dp_slot_is_uplink(DP_PORT_UPLINK(VTEP_MAX_UPLINKS - 1)) &&
		  !dp_slot_is_exception(DP_PORT_UPLINK(VTEP_MAX_UPLINKS - 1)));
	ck_assert(DP_PORT_EXCEPTION_OF(VTEP_MAX_UPLINKS - 1) < DP_N_SLOTS);
	for (uint16_t u = 0; u < VTEP_MAX_UPLINKS; u++)
		ck_assert(dp_slot_uplink_index(DP_PORT_UPLINK(u)) == u && dp_slot_uplink_index(DP_PORT_EXCEPTION_OF(u)) == u);
	topo_add_port(t, PX, DP_NO_ID);
	topo_add_port(t, PU, DP_NO_ID);
	topo_add_port(t, PY, DP_NO_ID);
	publish(t);

	/* ARP from either uplink goes up that uplink's TAP */
	olen = decap_case_frame(DC_ARP, out);
	for (int from = 0; from < 2; from++) {
		int up = from ? PU : PA, tap = from ? PY : PX;

		reset_counters();
		run(up, out, olen);
		collect();
		for (int p = 0; p < N_PORTS; p++)
			ck_assert_msg(g_out.n[p] == (p == tap), "ARP from %c: %u frames out of %c", port_name[up], g_out.n[p],
				      port_name[p]);
		expect_frame(&g_out.f[tap][0], out, olen);
		expect_port(port_slot[tap], 0, 0, 1, olen);
		expect_port(port_slot[up], 1, olen, 0, 0);
		expect_no_drops();
	}

	/* the kernel's replies on either TAP leave by that TAP's uplink */
	out[21] = 2;
	for (int from = 0; from < 2; from++) {
		int up = from ? PU : PA, tap = from ? PY : PX;

		reset_counters();
		run(tap, out, olen);
		collect();
		for (int p = 0; p < N_PORTS; p++)
			ck_assert_msg(g_out.n[p] == (p == up), "from TAP %c: %u frames out of %c", port_name[tap], g_out.n[p],
				      port_name[p]);
		expect_frame(&g_out.f[up][0], out, olen);
		expect_port(port_slot[tap], 1, olen, 0, 0);
		expect_port(port_slot[up], 0, 0, 1, olen);
		expect_no_drops();
		expect_no_learn();
	}

	/* a runt on the second TAP is that TAP's counted drop */
	reset_counters();
	run(PY, out, 10);
	collect();
	ck_assert_uint_eq(g_ctr->ports[DP_PORT_EXCEPTION_OF(1)].drops[DP_DROP_RUNT], 1);
	ck_assert_uint_eq(g_out.n[PU] + g_out.n[PA], 0);
	finish();
}
END_TEST

START_TEST(test_vtep_unresolved)
{
	struct dp_topology *t = topo_std();
	uint8_t in[FRAME_MAX];
	uint32_t len;

	t->vteps[1].n_nh = 0;
	publish(t);
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_R1, fdb_dest_vtep(1));

	len = inner_frame(in, MAC_R1, MAC_B, 100, 22);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_VTEP_UNRESOLVED, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].unresolved_drops, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].tx_pkts, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_pkts, 0);
	expect_port(DP_PORT_UNDERLAY, 0, 0, 0, 0);

	/* flooding: C and VTEP 0 get theirs, the copy for VTEP 1 is dropped */
	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_B, 100, 23);
	run(PB, in, len);
	expect_out(1, 0, 1, 0);
	expect_frame(&g_out.f[PC][0], in, len);
	expect_encap(&g_out.f[PA][0], 0, VNI_A, in, len);
	expect_only_drop(SLOT_B, DP_DROP_VTEP_UNRESOLVED, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].unresolved_drops, 1);
	ck_assert_uint_eq(g_ctr->vteps[0].unresolved_drops, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_pkts, 1);

	/* an entry naming a VTEP id beyond the table is dropped, not followed */
	reset_counters();
	ck_assert_int_eq(fdb_add_static(g_fdb, key_of(0, MAC_R9), fdb_dest_vtep(DP_VTEP_UNKNOWN)), 0);
	len = inner_frame(in, MAC_R9, MAC_B, 100, 24);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_VTEP_UNRESOLVED, 1);
	expect_no_learn();
	finish();
}
END_TEST

/* Set the DF bit of inner_frame's IPv4 header. */
static void set_df(uint8_t *frame)
{
	frame[14 + 6] |= 0x40;
}

/*
 * The IPv4 pieces in f[0..n) (inner frames, or encapsulated ones when outer) must be the
 * fragments of the packet of frame orig: same Ethernet header, same IP id, offsets in
 * order in units of 8, MF on all but the last, checksums right, each within mtu, and
 * their payloads together exactly the original's.
 */
static void expect_fragments(const struct frame *f, unsigned n, unsigned skip, const uint8_t *orig, uint32_t orig_len,
			     uint16_t mtu)
{
	const uint8_t *oip = orig + 14;
	uint32_t payload = orig_len - 14 - 20, at = 0;

	ck_assert_uint_ge(n, 2);
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *eth = f[i].data + skip, *ip = eth + 14;
		uint16_t tot = rd16(ip + 2), fo = rd16(ip + 6);

		ck_assert_uint_eq(f[i].len, skip + 14u + tot);
		ck_assert_mem_eq(eth, orig, 14);
		ck_assert_uint_le(tot, mtu);
		ck_assert_uint_eq(rd16(ip + 4), rd16(oip + 4));                 /* id */
		ck_assert_uint_eq((fo & 0x1fff) * 8u, at);                       /* offset */
		ck_assert_uint_eq(!!(fo & 0x2000), i + 1 < n);                   /* MF */
		ck_assert_uint_eq(fo & 0x4000, 0);                               /* DF stays clear */
		ck_assert_msg(ip_csum_ok(ip), "piece %u: IPv4 checksum is wrong", i);
		if (i + 1 < n)
			ck_assert_uint_eq((tot - 20u) % 8, 0);
		ck_assert_mem_eq(ip + 20, oip + 20 + at, tot - 20u);
		ck_assert_mem_eq(ip + 8, oip + 8, 2);                            /* TTL, protocol */
		ck_assert_mem_eq(ip + 12, oip + 12, 8);                          /* addresses */
		at += tot - 20u;
	}
	ck_assert_uint_eq(at, payload);
}

/* The ICMPv4 "fragmentation needed" f must answer orig with next-hop MTU mtu. */
static void expect_frag_needed(const struct frame *f, const uint8_t *orig, uint32_t orig_len, uint16_t mtu)
{
	const uint8_t *ip = f->data + 14, *icmp = ip + 20;
	uint32_t quote = orig_len - 14 < 548 ? orig_len - 14 : 548;

	ck_assert_mem_eq(f->data, orig + 6, 6);
	ck_assert_mem_eq(f->data + 6, orig, 6);
	ck_assert_uint_eq(rd16(f->data + 12), 0x0800);
	ck_assert_uint_eq(f->len, 14 + 20 + 8 + quote);
	ck_assert_msg(ip_csum_ok(ip), "ICMP's IPv4 checksum is wrong");
	ck_assert_uint_eq(ip[9], 1);
	ck_assert_mem_eq(ip + 12, orig + 14 + 16, 4);    /* from the original destination */
	ck_assert_mem_eq(ip + 16, orig + 14 + 12, 4);    /* to the sender */
	ck_assert_uint_eq(icmp[0], 3);
	ck_assert_uint_eq(icmp[1], 4);
	ck_assert_uint_eq(rd16(icmp + 6), mtu);
	ck_assert_mem_eq(icmp + 8, orig + 14, quote);
}

/* Inner IPv4 too big for the tunnel: DF clear is fragmented, DF set is answered, non-IP is dropped. */
START_TEST(test_mtu_tunnel)
{
	static uint8_t in[FRAME_MAX];
	const uint32_t fits = UNDERLAY_MTU - (VXLAN_OUTER_LEN - VXLAN_ETH_LEN);     /* 1464 */
	struct frame inner[4];
	uint32_t len;

	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_R1, fdb_dest_vtep(1));

	/* exactly the MTU passes whole */
	len = inner_frame(in, MAC_R1, MAC_B, fits, 27);
	set_df(in);
	run(PB, in, len);
	expect_out(1, 0, 0, 0);
	expect_encap(&g_out.f[PA][0], 1, VNI_A, in, len);
	ck_assert_uint_eq(rd16(g_out.f[PA][0].data + 16), UNDERLAY_MTU);

	/* 1500 bytes of IP, DF clear: two pieces, each encapsulated within 1500 */
	len = inner_frame(in, MAC_R1, MAC_B, 1514, 25);
	run(PB, in, len);
	expect_out(2, 0, 0, 0);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_uint_le(rd16(g_out.f[PA][i].data + 16), UNDERLAY_MTU);
		ck_assert_int_eq(vtep_of(&g_out.f[PA][i]), 1);
		/* one flow, one UDP source port (ECMP keeps the pieces together) */
		ck_assert_uint_eq(rd16(g_out.f[PA][i].data + 34), vxlan_src_port(in, len));
	}
	ck_assert_uint_eq(g_ctr->mtu.fragmented, 1);
	ck_assert_uint_eq(g_ctr->mtu.fragments, 2);
	expect_fragments(g_out.f[PA], 2, VXLAN_OUTER_LEN, in, len, 1450);
	ck_assert_uint_eq(g_ctr->vteps[1].tx_pkts, 3);
	ck_assert_uint_eq(drops_total(), 0);

	/* a fragment itself (the middle one of a bigger datagram) keeps its place: offsets from 1480, MF on both */
	reset_counters();
	len = inner_frame(in, MAC_R1, MAC_B, 1514, 32);
	in[14 + 6] = 0x20, in[14 + 7] = 185;       /* MF, offset 185 x 8 = 1480 */
	run(PB, in, len);
	expect_out(2, 0, 0, 0);
	{
		const uint8_t *ip0 = g_out.f[PA][0].data + VXLAN_OUTER_LEN + 14, *ip1 = g_out.f[PA][1].data + VXLAN_OUTER_LEN + 14;

		ck_assert_uint_eq(rd16(ip0 + 6), 0x2000 | 185);
		ck_assert_uint_eq(rd16(ip1 + 6), 0x2000 | (185 + (rd16(ip0 + 2) - 20u) / 8));
		ck_assert_uint_eq(rd16(ip0 + 2) + rd16(ip1 + 2) - 40u, 1500 - 20u);
		ck_assert_msg(ip_csum_ok(ip0) && ip_csum_ok(ip1), "checksums of the re-fragmented pieces");
	}

	/* DF set: nothing into the tunnel, "fragmentation needed" with MTU 1450 back to B */
	len = inner_frame(in, MAC_R1, MAC_B, 1514, 25);
	reset_counters();
	set_df(in);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	expect_frag_needed(&g_out.f[PB][0], in, len, 1450);
	expect_only_drop(SLOT_B, DP_DROP_FRAG_NEEDED, 1);
	ck_assert_uint_eq(g_ctr->mtu.icmp4_sent, 1);

	/* IPv6: "packet too big" with MTU 1450 */
	reset_counters();
	len = inner_frame(in, MAC_R1, MAC_B, 1514, 29);
	in[12] = 0x86, in[13] = 0xdd;
	memset(in + 14, 0, 40);
	in[14] = 0x60;
	in[14 + 4] = (uint8_t)((1514 - 54) >> 8), in[14 + 5] = (uint8_t)(1514 - 54);
	in[14 + 6] = 17, in[14 + 7] = 64;
	in[14 + 8] = 0xfd, in[14 + 23] = 1;     /* fd00::1 to fd00::2 */
	in[14 + 24] = 0xfd, in[14 + 39] = 2;
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	ck_assert_uint_eq(rd16(g_out.f[PB][0].data + 12), 0x86dd);
	ck_assert_uint_eq(g_out.f[PB][0].data[14 + 40], 2);                      /* ICMPv6 type */
	ck_assert_uint_eq(rd16(g_out.f[PB][0].data + 14 + 40 + 6), 1450);        /* low half of the MTU */
	ck_assert_uint_eq(g_out.f[PB][0].len, 14 + 1280);
	expect_only_drop(SLOT_B, DP_DROP_FRAG_NEEDED, 1);
	ck_assert_uint_eq(g_ctr->mtu.icmp6_sent, 1);

	/* not IP: counted as too big */
	reset_counters();
	len = inner_frame(in, MAC_R1, MAC_B, 1514, 30);
	in[12] = 0x88, in[13] = 0xb5;
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_TOO_BIG, 1);

	/* flooded, DF clear: the pieces are flooded (C gets both, each VTEP both) */
	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_B, 1514, 28);
	run(PB, in, len);
	expect_out(4, 0, 2, 0);
	memcpy(inner, g_out.f[PC], sizeof(struct frame) * 2);
	expect_fragments(inner, 2, 0, in, len, 1450);
	ck_assert_uint_eq(drops_total(), 0);

	/* flooded, DF set, to a broadcast address: C gets it whole, no ICMP for a broadcast */
	reset_counters();
	set_df(in);
	run(PB, in, len);
	expect_out(0, 0, 1, 0);
	expect_frame(&g_out.f[PC][0], in, len);
	ck_assert_uint_eq(g_ctr->mtu.icmp4_sent, 0);
	ck_assert_uint_eq(g_ctr->mtu.icmp_not_allowed, 1);
	ck_assert_uint_eq(g_ctr->ports[SLOT_B].drops[DP_DROP_FRAG_NEEDED], 1);
	expect_no_learn();
	finish();
}
END_TEST

/* ICMP errors are rate-limited: a burst of DF packets gets at most the burst allowance. */
START_TEST(test_mtu_icmp_rate_limit)
{
	static uint8_t in[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_R1, MAC_B, 1514, 31);
	unsigned sent = 0;

	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_R1, fdb_dest_vtep(1));
	set_df(in);
	for (unsigned i = 0; i < 2 * DP_ICMP_RATE_BURST; i++) {
		run(PB, in, len);
		collect();
		sent += g_out.n[PB];
	}
	ck_assert_uint_ge(sent, DP_ICMP_RATE_BURST);
	ck_assert_uint_lt(sent, 2 * DP_ICMP_RATE_BURST);
	ck_assert_uint_eq(g_ctr->mtu.icmp4_sent, sent);
	ck_assert_uint_eq(g_ctr->mtu.icmp_rate_limited, 2 * DP_ICMP_RATE_BURST - sent);
	expect_only_drop(SLOT_B, DP_DROP_FRAG_NEEDED, 2 * DP_ICMP_RATE_BURST);
	finish();
}
END_TEST

/* A container port's own MTU applies to what is delivered to it, locally or from the tunnel. */
START_TEST(test_mtu_port)
{
	static uint8_t in[FRAME_MAX], out[FRAME_MAX];
	struct dp_topology *t = topo_std();
	uint32_t len, olen;

	t->port_mtu[SLOT_C] = 1000;
	publish(t);
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_C, fdb_dest_port(SLOT_C));

	len = inner_frame(in, MAC_C, MAC_B, 1514, 40);
	run(PB, in, len);
	expect_out(0, 0, 2, 0);
	expect_fragments(g_out.f[PC], 2, 0, in, len, 1000);

	set_df(in);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	expect_frag_needed(&g_out.f[PB][0], in, len, 1000);
	expect_only_drop(SLOT_B, DP_DROP_FRAG_NEEDED, 1);

	/* from the tunnel (1450 of IP, within the underlay) to C: DF clear is split ... */
	reset_counters();
	len = inner_frame(in, MAC_C, MAC_R0, 1464, 41);
	run_decap(VNI_A, in, len);
	expect_out(0, 0, 2, 0);
	expect_fragments(g_out.f[PC], 2, 0, in, len, 1000);
	/* ... DF set is answered through the tunnel, to the VTEP it came from */
	set_df(in);
	run_decap(VNI_A, in, len);
	expect_out(1, 0, 0, 0);
	ck_assert_int_eq(vtep_of(&g_out.f[PA][0]), 0);
	{
		struct frame icmp = { .len = g_out.f[PA][0].len - VXLAN_OUTER_LEN };

		memcpy(icmp.data, g_out.f[PA][0].data + VXLAN_OUTER_LEN, icmp.len);
		expect_frag_needed(&icmp, in, len, 1000);
	}
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_FRAG_NEEDED, 1);
	/* ... unless it came from a VTEP we do not know: then there is no way back, too big */
	olen = vxlan_frame(out, STRANGER_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
	run(PA, out, olen);
	expect_out(0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->ports[DP_PORT_UNDERLAY].drops[DP_DROP_TOO_BIG], 1);
	finish();
}
END_TEST

/* An mbuf holding a copy of the len bytes of frame. */
static struct rte_mbuf *mbuf_of(const uint8_t *frame, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(g_pool);

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(rte_pktmbuf_append(m, (uint16_t)len));
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	return m;
}

/* dp_mtu_fragment: 0 and the pieces, or a positive errno saying why not (OVS style). */
START_TEST(test_mtu_fragment_errors)
{
	static struct rte_mbuf *hog[POOL_MBUFS];
	struct rte_mbuf *out[DP_MTU_MAX_FRAGS], *m;
	uint8_t in[FRAME_MAX];
	uint32_t len = inner_frame(in, MAC_C, MAC_B, 1514, 90);
	unsigned n = 99, n_hog = 0;

	/* 1500 bytes of IP at MTU 576: three pieces */
	m = mbuf_of(in, len);
	ck_assert_int_eq(dp_mtu_fragment(m, 576, g_pool, out, DP_MTU_MAX_FRAGS, &n), 0);
	ck_assert_uint_eq(n, 3);
	rte_pktmbuf_free_bulk(out, n);
	rte_pktmbuf_free(m);
	/* more pieces than out[] holds */
	m = mbuf_of(in, len);
	ck_assert_int_eq(dp_mtu_fragment(m, 576, g_pool, out, 2, &n), ERANGE);
	ck_assert_uint_eq(n, 0);
	rte_pktmbuf_free(m);
	/* an MTU without room for 8 bytes of payload */
	m = mbuf_of(in, len);
	ck_assert_int_eq(dp_mtu_fragment(m, 27, g_pool, out, DP_MTU_MAX_FRAGS, &n), EINVAL);
	rte_pktmbuf_free(m);
	/* not IPv4 with DF clear */
	set_df(in);
	m = mbuf_of(in, len);
	ck_assert_int_eq(dp_mtu_fragment(m, 576, g_pool, out, DP_MTU_MAX_FRAGS, &n), EINVAL);
	ck_assert_uint_eq(n, 0);
	rte_pktmbuf_free(m);
	/* no mbuf left for the pieces */
	in[14 + 6] &= (uint8_t)~0x40;
	m = mbuf_of(in, len);
	while (n_hog < RTE_DIM(hog) && (hog[n_hog] = rte_pktmbuf_alloc(g_pool)) != NULL)
		n_hog++;
	n = 99;
	ck_assert_int_eq(dp_mtu_fragment(m, 576, g_pool, out, DP_MTU_MAX_FRAGS, &n), ENOMEM);
	ck_assert_uint_eq(n, 0);
	for (unsigned i = 0; i < n_hog; i++)
		rte_pktmbuf_free(hog[i]);
	rte_pktmbuf_free(m);
}
END_TEST

/* Outer fragmentation (a per-VNI option): the VXLAN packet is split on the underlay. */
START_TEST(test_mtu_outer_fragmentation)
{
	static uint8_t in[FRAME_MAX], whole[FRAME_MAX];
	struct dp_topology *t = topo_std();
	uint32_t len, at = 0;

	dp_vni_set_mtu(&t->vnis[0], 1500, true, UNDERLAY_MTU);
	publish(t);
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_R1, fdb_dest_vtep(1));
	len = inner_frame(in, MAC_R1, MAC_B, 1514, 50);
	set_df(in);     /* the inner DF does not matter: the outer packet is split */
	run(PB, in, len);
	expect_out(2, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->mtu.outer_fragmented, 1);
	/* put the outer packet back together and check it is the VXLAN packet of the frame */
	memcpy(whole, g_out.f[PA][0].data, 34);
	for (unsigned i = 0; i < 2; i++) {
		const uint8_t *ip = g_out.f[PA][i].data + 14;
		uint16_t tot = rd16(ip + 2), fo = rd16(ip + 6);

		ck_assert_uint_le(tot, UNDERLAY_MTU);
		ck_assert_msg(ip_csum_ok(ip), "outer fragment %u: checksum", i);
		ck_assert_uint_eq((fo & 0x1fff) * 8u, at);
		ck_assert_uint_eq(!!(fo & 0x2000), i == 0);
		memcpy(whole + 34 + at, ip + 20, tot - 20u);
		at += tot - 20u;
	}
	ck_assert_uint_eq(at, len + 16);
	whole[16] = (uint8_t)((at + 20) >> 8), whole[17] = (uint8_t)(at + 20);
	whole[20] = 0, whole[21] = 0;
	{
		struct vxlan_parsed p;

		ck_assert_int_eq(vxlan_parse(whole, 34 + at, VTEP1_IP, UDP_PORT, &p), VXLAN_OK);
		ck_assert_uint_eq(p.vni, VNI_A);
		ck_assert_uint_eq(p.inner_len, len);
		ck_assert_mem_eq(whole + VXLAN_OUTER_LEN, in, len);
	}
	/* over the VNI's own MTU: the inner policy again (DF set: answered) */
	len = inner_frame(in, MAC_R1, MAC_B, 1600, 51);
	set_df(in);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	expect_frag_needed(&g_out.f[PB][0], in, len, 1500);
	finish();
}
END_TEST

/* Split the VXLAN frame f (outer header of 34 bytes) into outer fragments of at most step payload bytes. */
static unsigned outer_split(const uint8_t *f, uint32_t len, uint32_t step, uint8_t frags[][FRAME_MAX], uint32_t *lens)
{
	uint32_t payload = len - 34, at = 0;
	unsigned n = 0;

	while (at < payload) {
		uint32_t part = payload - at > step ? step : payload - at;
		uint8_t *o = frags[n];
		uint16_t fo = (uint16_t)(at / 8) | (at + part < payload ? 0x2000 : 0);
		uint32_t sum = 0;

		memcpy(o, f, 34);
		memcpy(o + 34, f + 34 + at, part);
		o[16] = (uint8_t)((20 + part) >> 8), o[17] = (uint8_t)(20 + part);
		o[20] = (uint8_t)(fo >> 8), o[21] = (uint8_t)fo;
		o[24] = o[25] = 0;
		for (int i = 0; i < 20; i += 2)
			sum += rd16(o + 14 + i);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		o[24] = (uint8_t)(~sum >> 8), o[25] = (uint8_t)~sum;
		lens[n++] = 34 + part;
		at += part;
	}
	return n;
}

/* Outer fragments are reassembled: in order, out of order; overlapping, duplicate and missing ones are not. */
START_TEST(test_reassembly)
{
	static uint8_t in[FRAME_MAX], out[FRAME_MAX], frags[8][FRAME_MAX];
	uint32_t lens[8], len, olen;
	unsigned n;

	g_w.reasm = dp_reasm_create(16, 20, (int)rte_socket_id());
	ck_assert_ptr_nonnull(g_w.reasm);
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	len = inner_frame(in, MAC_B, MAC_R0, 1400, 60);
	olen = vxlan_frame(out, VTEP0_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);

	/* in order: three fragments, the last short of a VXLAN header's length */
	n = outer_split(out, olen, 704, frags, lens);
	ck_assert_uint_eq(n, 3);
	for (unsigned i = 0; i < n; i++)
		inject(PA, frags[i], lens[i]);
	ck_assert_uint_eq(poll_once(), 3);
	expect_out(0, 1, 0, 0);
	expect_frame(&g_out.f[PB][0], in, len);
	ck_assert_uint_eq(g_ctr->mtu.reasm.fragments, 3);
	ck_assert_uint_eq(g_ctr->mtu.reasm.reassembled, 1);

	/* out of order, one poll each */
	out[19] = 0x43;     /* another IP id */
	n = outer_split(out, olen, 504, frags, lens);
	ck_assert_uint_eq(n, 3);
	run(PA, frags[2], lens[2]);
	run(PA, frags[0], lens[0]);
	expect_out(0, 0, 0, 0);
	run(PA, frags[1], lens[1]);
	expect_out(0, 1, 0, 0);
	expect_frame(&g_out.f[PB][0], in, len);
	ck_assert_uint_eq(g_ctr->mtu.reasm.reassembled, 2);

	/* overlapping: the middle fragment resent with its offset moved back 8 bytes */
	out[19] = 0x44;
	n = outer_split(out, olen, 504, frags, lens);
	frags[1][21] = (uint8_t)(frags[1][21] - 1);
	for (unsigned i = 0; i < n; i++)
		inject(PA, frags[i], lens[i]);
	ck_assert_uint_eq(poll_once(), 3);
	expect_out(0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->mtu.reasm.reassembled, 2);

	/* missing: the last fragment never comes; the first two time out (20 ms) */
	out[19] = 0x45;
	n = outer_split(out, olen, 504, frags, lens);
	inject(PA, frags[0], lens[0]);
	inject(PA, frags[1], lens[1]);
	ck_assert_uint_eq(poll_once(), 2);
	expect_out(0, 0, 0, 0);
	rte_delay_ms(50);
	poll_once();
	ck_assert_uint_ge(g_ctr->mtu.reasm.timed_out + g_ctr->mtu.reasm.failed, 5);
	ck_assert_uint_eq(g_ctr->mtu.reasm.reassembled, 2);
	ck_assert_uint_eq(g_ctr->mtu.reasm.fragments, 11);
	ck_assert_uint_eq(drops_total(), 0);
	dp_reasm_free(g_w.reasm);
	g_w.reasm = NULL;
	finish();
}
END_TEST

START_TEST(test_runt_and_bad_source)
{
	uint8_t in[FRAME_MAX];
	uint32_t len;

	len = inner_frame(in, MAC_C, MAC_B, 10, 30);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_RUNT, 1);

	len = inner_frame(in, MAC_C, MAC_B, 13, 31);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_RUNT, 2);
	expect_no_learn();

	len = inner_frame(in, MAC_BCAST, MAC_ZERO, 60, 32);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->ports[SLOT_B].drops[DP_DROP_BAD_SRC_MAC], 1);

	len = inner_frame(in, MAC_C, MAC_MCAST, 60, 33);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->ports[SLOT_B].drops[DP_DROP_BAD_SRC_MAC], 2);
	ck_assert_uint_eq(drops_total(), 4);
	expect_no_learn();
	expect_port(SLOT_B, 4, 10 + 13 + 60 + 60, 0, 0);

	/* a bare 14-byte header is a frame */
	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_B, 14, 34);
	run(PB, in, len);
	expect_flood_from_b(in, len);
	expect_one_learn(0, MAC_B, fdb_dest_port(SLOT_B), 0);
	finish();
}
END_TEST

START_TEST(test_no_vni)
{
	struct dp_topology *t = topo_std();
	uint8_t in[FRAME_MAX];
	uint32_t len;

	t->port_vni[SLOT_D] = DP_NO_ID;
	t->vnis[1].n_ports = 0;
	publish(t);

	len = inner_frame(in, MAC_BCAST, MAC_D, 60, 40);
	run(PD, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_D, DP_DROP_NO_VNI, 1);
	expect_port(SLOT_D, 1, len, 0, 0);
	ck_assert_uint_eq(g_ctr->vnis[1].encap_pkts + g_ctr->vnis[1].flooded, 0);
	expect_no_learn();

	/* VNI 200 now has no local port: a broadcast from the tunnel has nowhere to go */
	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_R0, 60, 41);
	run_decap(VNI_B, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_NO_DEST, 1);
	expect_one_learn(1, MAC_R0, fdb_dest_vtep(0), VTEP0_IP);
	finish();
}
END_TEST

START_TEST(test_tx_full)
{
	struct dp_topology *t = topo_std();
	const unsigned n = 10, room = SMALL_TX_SLOTS - 1;
	uint8_t in[FRAME_MAX];
	uint32_t len = 0;

	topo_add_port(t, PE, 0);
	t->vnis[0].ports[t->vnis[0].n_ports++] = SLOT_E;
	publish(t);
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_E, fdb_dest_port(SLOT_E));

	for (unsigned i = 0; i < n; i++) {
		len = inner_frame(in, MAC_E, MAC_B, 100, (uint8_t)i);
		inject(PB, in, len);
	}
	ck_assert_uint_eq(poll_once(), n);
	expect_out6(0, 0, 0, 0, room, 0);
	for (unsigned i = 0; i < room; i++) {
		inner_frame(in, MAC_E, MAC_B, 100, (uint8_t)i);
		expect_frame(&g_out.f[PE][i], in, len);
	}
	expect_only_drop(SLOT_E, DP_DROP_TX_FULL, n - room);
	expect_port(SLOT_E, 0, 0, room, room * len);
	ck_assert_uint_eq(g_ctr->vnis[0].local_pkts, n);
	finish();
}
END_TEST

/* Chained mbufs are refused on both sides; flood copies that find the pool empty are counted. */
START_TEST(test_multiseg_and_pool_empty)
{
	static struct rte_mbuf *hog[POOL_MBUFS];
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint32_t len, olen;
	unsigned n_hog = 0;
	int p;

	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	for (int side = 0; side < 2; side++) {
		struct rte_mbuf *m1 = rte_pktmbuf_alloc(g_pool), *m2 = rte_pktmbuf_alloc(g_pool);
		const uint8_t *data;

		len = inner_frame(in, MAC_BCAST, MAC_B, 100, 70);
		olen = vxlan_frame(out, VTEP0_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
		data = side ? out : in;
		if (side == 0)
			olen = len;
		ck_assert(m1 && m2);
		memcpy(rte_pktmbuf_append(m1, 60), data, 60);
		memcpy(rte_pktmbuf_append(m2, (uint16_t)(olen - 60)), data + 60, olen - 60);
		ck_assert_int_eq(rte_pktmbuf_chain(m1, m2), 0);
		p = side ? PA : PB;
		ck_assert_int_eq(rte_ring_enqueue(g_rx[p], m1), 0);
		ck_assert_uint_eq(poll_once(), 1);
		/* made one segment, then handled like any frame: the broadcast is flooded */
		if (side) {
			expect_out(0, 1, 1, 0);
			expect_frame(&g_out.f[PB][0], in, len);
		} else {
			expect_out(2, 0, 1, 0);
			expect_frame(&g_out.f[PC][0], in, len);
		}
		ck_assert_uint_eq(drops_total(), 0);
		reset_counters();
	}
	{
		struct dp_learn_event ev;   /* the decapsulated copy says B moved behind VTEP 0: not the point here */

		while (rte_ring_dequeue_elem(g_learn, &ev, sizeof(ev)) == 0)
			;
	}
	/* a chain longer than any mbuf of the pool is a counted drop */
	{
		struct rte_mbuf *head = NULL;
		uint32_t total = 0;

		len = inner_frame(in, MAC_BCAST, MAC_B, 1500, 72);
		while (total < 3000) {
			struct rte_mbuf *seg = rte_pktmbuf_alloc(g_pool);
			uint32_t part = total == 0 ? len : 1500;

			ck_assert_ptr_nonnull(seg);
			memcpy(rte_pktmbuf_append(seg, (uint16_t)part), in, part);
			if (head)
				ck_assert_int_eq(rte_pktmbuf_chain(head, seg), 0);
			else
				head = seg;
			total += part;
		}
		ck_assert_int_eq(rte_ring_enqueue(g_rx[PB], head), 0);
		ck_assert_uint_eq(poll_once(), 1);
		expect_out(0, 0, 0, 0);
		expect_only_drop(SLOT_B, DP_DROP_MULTISEG, 1);
		reset_counters();
	}

	/* a broadcast from B with no mbuf left for the copies: the frame itself still goes to the last one */
	len = inner_frame(in, MAC_BCAST, MAC_B, 100, 71);
	inject(PB, in, len);
	while (n_hog < RTE_DIM(hog) && (hog[n_hog] = rte_pktmbuf_alloc(g_pool)) != NULL)
		n_hog++;
	ck_assert_uint_eq(rte_mempool_avail_count(g_pool), 0);
	ck_assert_uint_eq(poll_once(), 1);
	for (unsigned i = 0; i < n_hog; i++)
		rte_pktmbuf_free(hog[i]);
	expect_out(1, 0, 0, 0);
	expect_encap(&g_out.f[PA][0], 1, VNI_A, in, len);
	expect_only_drop(SLOT_B, DP_DROP_NO_MBUF, 2);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_pkts, 1);
	expect_no_learn();
	finish();
}
END_TEST

/* The mixed burst: what each packet is and where it must end up. */
struct burst_kind {
	int in_port;
	uint8_t dst, src;
	uint32_t vni;                  /* from the tunnel: VNI of the outer header */
	uint32_t from_ip;              /* from the tunnel: outer source */
	uint32_t len;
	unsigned out[N_PORTS];         /* A B C D E X */
	enum dp_drop drop;             /* 0: none */
	uint16_t drop_slot;
};

static const struct burst_kind tunnel_kinds[] = {
	{ PA, MAC_C, MAC_R0, VNI_A, VTEP0_IP, 90, { 0, 0, 1, 0, 0, 0 }, 0, 0 },
	{ PA, MAC_B, MAC_R1, VNI_A, VTEP1_IP, 300, { 0, 1, 0, 0, 0, 0 }, 0, 0 },
	{ PA, MAC_BCAST, MAC_R0, VNI_A, VTEP0_IP, 64, { 0, 1, 1, 0, 0, 0 }, 0, 0 },
	{ PA, MAC_R1, MAC_R0, VNI_A, VTEP0_IP, 70, { 0, 0, 0, 0, 0, 0 }, DP_DROP_REMOTE_TO_REMOTE, DP_PORT_UNDERLAY },
	{ PA, MAC_C, MAC_R0, 999, VTEP0_IP, 80, { 0, 0, 0, 0, 0, 0 }, DP_DROP_UNKNOWN_VNI, DP_PORT_UNDERLAY },
	{ PA, MAC_D, MAC_R1, VNI_B, VTEP1_IP, 128, { 0, 0, 0, 1, 0, 0 }, 0, 0 },
	{ PA, MAC_C, MAC_R1, VNI_B, VTEP1_IP, 100, { 0, 0, 0, 1, 0, 0 }, 0, 0 },     /* C unknown in VNI 200 */
};

static const struct burst_kind local_kinds[] = {
	{ PB, MAC_C, MAC_B, 0, 0, 100, { 0, 0, 1, 0, 0, 0 }, 0, 0 },
	{ PB, MAC_R0, MAC_B, 0, 0, 200, { 1, 0, 0, 0, 0, 0 }, 0, 0 },
	{ PB, MAC_R1, MAC_B3, 0, 0, 66, { 1, 0, 0, 0, 0, 0 }, 0, 0 },
	{ PB, MAC_UNKNOWN, MAC_B, 0, 0, 150, { 2, 0, 1, 0, 0, 0 }, 0, 0 },
	{ PB, MAC_BCAST, MAC_B3, 0, 0, 60, { 2, 0, 1, 0, 0, 0 }, 0, 0 },
	{ PB, MAC_B2, MAC_B, 0, 0, 72, { 0, 0, 0, 0, 0, 0 }, DP_DROP_HAIRPIN, SLOT_B },
	{ PB, MAC_C, MAC_B, 0, 0, 10, { 0, 0, 0, 0, 0, 0 }, DP_DROP_RUNT, SLOT_B },
	{ PB, MAC_C, MAC_MCAST, 0, 0, 60, { 0, 0, 0, 0, 0, 0 }, DP_DROP_BAD_SRC_MAC, SLOT_B },
	{ PB, MAC_R1, MAC_B, 0, 0, 1500, { 2, 0, 0, 0, 0, 0 }, 0, 0 },       /* too big: two pieces */
	{ PB, MAC_R1, MAC_B3, 0, 0, 1000, { 1, 0, 0, 0, 0, 0 }, 0, 0 },
};

static uint32_t burst_packet(const struct burst_kind *k, unsigned i, uint8_t *buf)
{
	static uint8_t inner[FRAME_MAX];
	uint32_t len = k->len + (k->len >= 60 && k->len < 1000 ? i % 5 : 0);

	if (k->in_port != PA)
		return inner_frame(buf, k->dst, k->src, len, (uint8_t)(i + 50));
	len = inner_frame(inner, k->dst, k->src, len, (uint8_t)(i + 50));
	return vxlan_frame(buf, k->from_ip, LOCAL_IP, UDP_PORT, k->vni, inner, len);
}

START_TEST(test_burst_matches_single)
{
	static struct outset one, bulk;
	static struct dp_counters saved;
	static uint8_t buf[FRAME_MAX];
	unsigned want[N_PORTS] = { 0 }, want_drops[DP_DROP_MAX] = { 0 };

	/* every source is known where it is: neither run has anything to learn */
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_B2, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_B3, fdb_dest_port(SLOT_B));
	fdb_put(0, MAC_C, fdb_dest_port(SLOT_C));
	fdb_put(1, MAC_D, fdb_dest_port(SLOT_D));
	fdb_put(0, MAC_R0, fdb_dest_vtep(0));
	fdb_put(0, MAC_R1, fdb_dest_vtep(1));
	fdb_put(1, MAC_R1, fdb_dest_vtep(1));
	memset(one.n, 0, sizeof(one.n));
	memset(bulk.n, 0, sizeof(bulk.n));

	/* one packet per poll, in the order the worker polls the ports (underlay first) */
	g_w.ip_id = 0x1000;
	for (unsigned i = 0; i < DP_BURST; i++) {
		const struct burst_kind *k = &tunnel_kinds[i % RTE_DIM(tunnel_kinds)];

		run(PA, buf, burst_packet(k, i, buf));
		collect_into(&one);
		for (int p = 0; p < N_PORTS; p++)
			want[p] += k->out[p];
		want_drops[k->drop] += k->drop != 0;
	}
	for (unsigned i = 0; i < DP_BURST; i++) {
		const struct burst_kind *k = &local_kinds[i % RTE_DIM(local_kinds)];

		run(PB, buf, burst_packet(k, i, buf));
		collect_into(&one);
		for (int p = 0; p < N_PORTS; p++)
			want[p] += k->out[p];
		want_drops[k->drop] += k->drop != 0;
	}
	memcpy(&saved, g_ctr, sizeof(saved));
	expect_no_learn();
	for (int p = 0; p < N_PORTS; p++)
		ck_assert_msg(one.n[p] == want[p], "one at a time: port %d sent %u, expected %u", p, one.n[p], want[p]);

	/* all of it in one poll: a full burst on each port */
	reset_counters();
	g_w.ip_id = 0x1000;
	for (unsigned i = 0; i < DP_BURST; i++)
		inject(PA, buf, burst_packet(&tunnel_kinds[i % RTE_DIM(tunnel_kinds)], i, buf));
	for (unsigned i = 0; i < DP_BURST; i++)
		inject(PB, buf, burst_packet(&local_kinds[i % RTE_DIM(local_kinds)], i, buf));
	ck_assert_uint_eq(poll_once(), 2 * DP_BURST);
	collect_into(&bulk);
	expect_no_learn();

	for (int p = 0; p < N_PORTS; p++) {
		ck_assert_msg(bulk.n[p] == want[p], "burst: port %d sent %u, expected %u", p, bulk.n[p], want[p]);
		for (unsigned i = 0; i < want[p]; i++) {
			ck_assert_msg(bulk.f[p][i].len == one.f[p][i].len &&
					      memcmp(bulk.f[p][i].data, one.f[p][i].data, one.f[p][i].len) == 0,
				      "port %d frame %u differs between burst and one at a time", p, i);
		}
	}
	for (unsigned r = 1; r < DP_DROP_MAX; r++) {
		uint64_t n = 0;

		for (unsigned s = 0; s < RTE_DIM(g_ctr->ports); s++)
			n += g_ctr->ports[s].drops[r];
		ck_assert_msg(n == want_drops[r], "burst: %lu %s drops, expected %u", (unsigned long)n,
			      dp_drop_name((enum dp_drop)r), want_drops[r]);
	}
	ck_assert_msg(memcmp(saved.ports, g_ctr->ports, sizeof(saved.ports)) == 0, "port counters differ");
	ck_assert_msg(memcmp(saved.vnis, g_ctr->vnis, sizeof(saved.vnis)) == 0, "VNI counters differ");
	ck_assert_msg(memcmp(saved.vteps, g_ctr->vteps, sizeof(saved.vteps)) == 0, "VTEP counters differ");
	finish();
}
END_TEST

/* The standard topology with vtep_check on both VNIs: VNI 100 knows VTEPs 0 and 1, VNI 200 only VTEP 0. */
static struct dp_topology *topo_checked(void)
{
	struct dp_topology *t = topo_std();

	for (int i = 0; i < 2; i++) {
		t->vnis[i].vtep_check = true;
		t->vnis[i].known = calloc(VTEP_MAX_VTEPS / 64, sizeof(uint64_t));
		ck_assert_ptr_nonnull(t->vnis[i].known);
	}
	t->vnis[0].known[0] = 0x3;
	t->vnis[1].known[0] = 0x1;
	return t;
}

/*
 * vtep_check (issue 12): a VNI that checks takes frames only from its known VTEPs. A frame
 * from an address that is no VTEP, or from a VTEP known in another VNI only, is dropped
 * (unknown_vtep, on the underlay and on the VNI): not delivered, not learned, even when its
 * source MAC is a local container's. A VNI without the check still takes them.
 */
START_TEST(test_vtep_check)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint32_t len, olen;

	publish(topo_checked());
	fdb_put(0, MAC_C, fdb_dest_port(SLOT_C));
	/* a stranger, carrying C's MAC as its source, to B's MAC (unknown: would be flooded) */
	len = inner_frame(in, MAC_B, MAC_C, 120, 30);
	olen = vxlan_frame(out, STRANGER_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
	run(PA, out, olen);
	expect_out(0, 0, 0, 0);
	expect_no_learn();
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_UNKNOWN_VTEP, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].unknown_vtep, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_pkts, 0);
	ck_assert_uint_eq(fdb_entry_dest(fdb_lookup(g_fdb, key_of(0, MAC_C))), fdb_dest_port(SLOT_C));

	/* VTEP 1 is known in VNI 100 but not in VNI 200 */
	len = inner_frame(in, MAC_BCAST, MAC_R1, 100, 31);
	olen = vxlan_frame(out, VTEP1_IP, LOCAL_IP, UDP_PORT, VNI_B, in, len);
	run(PA, out, olen);
	expect_out(0, 0, 0, 0);
	expect_no_learn();
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_UNKNOWN_VTEP, 2);
	ck_assert_uint_eq(g_ctr->vnis[1].unknown_vtep, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].rx_pkts, 0);

	/* ... and is taken in VNI 100: flooded to B and C, learned */
	olen = vxlan_frame(out, VTEP1_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
	run(PA, out, olen);
	expect_out(0, 1, 1, 0);
	expect_frame(&g_out.f[PB][0], in, len);
	expect_one_learn(0, MAC_R1, fdb_dest_vtep(1), VTEP1_IP);
	ck_assert_uint_eq(g_ctr->vnis[0].decap_pkts, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].rx_pkts, 1);

	/* a stranger on the second uplink: dropped and counted on that uplink */
	{
		struct dp_topology *t2 = topo_checked();

		topo_add_port(t2, PU, DP_NO_ID);
		publish(t2);
	}
	reset_counters();
	len = inner_frame(in, MAC_B, MAC_C, 120, 33);
	olen = vxlan_frame(out, STRANGER_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
	run(PU, out, olen);
	expect_out(0, 0, 0, 0);
	expect_no_learn();
	expect_only_drop(DP_PORT_UPLINK(1), DP_DROP_UNKNOWN_VTEP, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].unknown_vtep, 1);

	/* without the check, the stranger's frame goes through (and asks for its VTEP to be learned) */
	publish(topo_std());
	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_R9, 100, 32);
	olen = vxlan_frame(out, STRANGER_IP, LOCAL_IP, UDP_PORT, VNI_A, in, len);
	run(PA, out, olen);
	expect_out(0, 1, 1, 0);
	expect_one_learn(0, MAC_R9, fdb_dest_vtep(DP_VTEP_UNKNOWN), STRANGER_IP);
	expect_no_drops();
	finish();
}
END_TEST

/*
 * A pinned MAC (a port's own MAC, or a static one) is never learned elsewhere: a frame from
 * the tunnel or from another port with that source is forwarded but posts no learn event,
 * counted as learn_refused on the port it came in on.
 */
START_TEST(test_learn_pinned)
{
	uint8_t in[FRAME_MAX];
	uint32_t len;

	ck_assert_int_eq(fdb_install(g_fdb, key_of(0, MAC_B), fdb_dest_port(SLOT_B), FDB_F_PORT), 0);
	ck_assert_int_eq(fdb_install(g_fdb, key_of(0, MAC_C), fdb_dest_port(SLOT_C), FDB_F_STATIC), 0);
	/* from VTEP 0 with B's MAC, to C: delivered to C, B stays B's */
	len = inner_frame(in, MAC_C, MAC_B, 110, 40);
	run_decap(VNI_A, in, len);
	expect_out(0, 0, 1, 0);
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->ports[DP_PORT_UNDERLAY].learn_refused, 1);
	/* from port C with B's MAC, and from port B with C's (static) MAC */
	len = inner_frame(in, MAC_BCAST, MAC_B, 90, 41);
	run(PC, in, len);
	collect();
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->ports[SLOT_C].learn_refused, 1);
	len = inner_frame(in, MAC_BCAST, MAC_C, 90, 42);
	run(PB, in, len);
	collect();
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->ports[SLOT_B].learn_refused, 1);
	/* B's own frames are B's: nothing to learn, nothing refused */
	len = inner_frame(in, MAC_C, MAC_B, 90, 43);
	run(PB, in, len);
	expect_out(0, 0, 1, 0);
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->ports[SLOT_B].learn_refused, 1);
	ck_assert_uint_eq(fdb_entry_dest(fdb_lookup(g_fdb, key_of(0, MAC_B))), fdb_dest_port(SLOT_B));
	expect_no_drops();
	finish();
}
END_TEST

/*
 * MAC limits: a port or a VNI at its max_macs (the snapshot's learn_full) posts no event for
 * a new MAC, counted as learn_limit on the port and the VNI; the frame is still flooded. Known
 * MACs and other ports and VNIs learn as before.
 */
START_TEST(test_learn_limit)
{
	struct dp_topology *t = topo_std();
	uint8_t in[FRAME_MAX];
	uint32_t len;

	t->port_learn_full[SLOT_B] = true;
	t->vnis[1].learn_full = true;
	publish(t);
	fdb_put(0, MAC_B2, fdb_dest_port(SLOT_B));
	/* a new MAC from B: flooded, not learned */
	len = inner_frame(in, MAC_BCAST, MAC_B, 100, 50);
	run(PB, in, len);
	expect_flood_from_b(in, len);
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->ports[SLOT_B].learn_limit, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].learn_limit, 1);
	/* B's known MAC: seen, nothing to post */
	reset_counters();
	len = inner_frame(in, MAC_BCAST, MAC_B2, 100, 51);
	run(PB, in, len);
	expect_flood_from_b(in, len);
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->ports[SLOT_B].learn_limit, 0);
	/* C, in the same VNI, learns */
	len = inner_frame(in, MAC_B2, MAC_C, 100, 52);
	run(PC, in, len);
	expect_out(0, 1, 0, 0);
	expect_one_learn(0, MAC_C, fdb_dest_port(SLOT_C), 0);
	/* VNI 200 is full: neither D nor the tunnel learns a new MAC there; VNI 100 still does from the tunnel */
	len = inner_frame(in, MAC_BCAST, MAC_D, 100, 53);
	run(PD, in, len);
	collect();
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->ports[SLOT_D].learn_limit, 1);
	len = inner_frame(in, MAC_BCAST, MAC_R0, 100, 54);
	run_decap(VNI_B, in, len);
	expect_out(0, 0, 0, 1);
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->ports[DP_PORT_UNDERLAY].learn_limit, 1);
	ck_assert_uint_eq(g_ctr->vnis[1].learn_limit, 2);
	run_decap(VNI_A, in, len);
	expect_out(0, 1, 1, 0);
	expect_one_learn(0, MAC_R0, fdb_dest_vtep(0), VTEP0_IP);
	expect_no_drops();
	finish();
}
END_TEST

/* ---- the anycast gateway ---- */

static const uint8_t gw_mac[6] = { 0x00, 0x00, 0x22, 0x22, 0x33, 0x33 };   /* NX-OS 0000.2222.3333 */
#define GW4 IPV4(192, 168, 1, 1)
#define HOST4 IPV4(192, 168, 1, 2)
static const uint8_t gw6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
/* fe80::200:22ff:fe22:3333, the gateway MAC's modified EUI-64 */
static const uint8_t gw_ll6[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x22, 0xff, 0xfe, 0x22, 0x33, 0x33 };
static const uint8_t host6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint8_t host_ll6[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b };
static const uint8_t all_nodes6[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t all_routers6[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

/*
 * The standard topology with an anycast gateway in VNI 100 (index 0): 192.168.1.1/24,
 * 2001:db8:1::1/64, MAC 0000.2222.3333; mac_on, v4 and v6 say which parts are on.
 * VNI 200 has none.
 */
static struct dp_topology *topo_gw(bool mac_on, bool v4, bool v6)
{
	struct dp_topology *t = topo_std();
	struct dp_gateway *g = calloc(1, sizeof(*g));

	ck_assert_ptr_nonnull(g);
	dp_gateway_set_mac(g, gw_mac);
	ck_assert_mem_eq(g->ll6, gw_ll6, 16);
	g->mac_on = mac_on;
	g->ip4_on = v4;
	g->ip4 = GW4;
	g->ip4_len = 24;
	g->ip6_on = v6;
	memcpy(g->ip6, gw6, 16);
	g->ip6_len = 64;
	t->vnis[0].gw = g;
	return t;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The one's-complement sum of len bytes added to sum, folded (not inverted). */
static uint16_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += rd16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t pseudo6(const uint8_t *ip6, uint32_t len)
{
	return sum16(ip6 + 8, 32, 0) + len + 58;
}

/* The ICMPv6 message after the IPv6 header ip6 (payload length from it) has a valid checksum. */
static bool icmp6_csum_ok(const uint8_t *ip6)
{
	uint32_t len = rd16(ip6 + 4);

	return sum16(ip6 + 40, len, pseudo6(ip6, len)) == 0xffff;
}

/* Set the ICMPv6 checksum of the frame f (IPv6 at 14, payload length from the header). */
static void icmp6_fix_csum(uint8_t *f)
{
	uint8_t *ip = f + 14;
	uint32_t len = rd16(ip + 4);

	wr16(ip + 42, 0);
	wr16(ip + 42, (uint16_t)~sum16(ip + 40, len, pseudo6(ip, len)));
}

static void ipv4_fix_csum(uint8_t *ip)
{
	wr16(ip + 10, 0);
	wr16(ip + 10, (uint16_t)~sum16(ip, (uint32_t)(ip[0] & 0x0f) * 4, 0));
}

/* Ethernet header from MAC id src to dst (6 bytes; NULL: the IPv6 multicast MAC of ip6 dst6). */
static void eth6(uint8_t *f, uint8_t src, const uint8_t *dst, const uint8_t *dst6)
{
	if (dst) {
		memcpy(f, dst, 6);
	} else {
		f[0] = 0x33, f[1] = 0x33;
		memcpy(f + 2, dst6 + 12, 4);
	}
	mac_set(f + 6, src);
	f[12] = 0x86, f[13] = 0xdd;
}

/* An IPv6 frame carrying icmp (len bytes, checksum filled in here) from src6 to dst6, hop limit hop. */
static uint32_t icmp6_frame(uint8_t *f, uint8_t src, const uint8_t *dst, const uint8_t *src6, const uint8_t *dst6,
			    uint8_t hop, const uint8_t *icmp, uint32_t len)
{
	uint8_t *ip = f + 14;

	eth6(f, src, dst, dst6);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[3] = 0x2a;                       /* a flow label */
	wr16(ip + 4, (uint16_t)len);
	ip[6] = 58;
	ip[7] = hop;
	memcpy(ip + 8, src6, 16);
	memcpy(ip + 24, dst6, 16);
	memcpy(ip + 40, icmp, len);
	icmp6_fix_csum(f);
	return 14 + 40 + len;
}

/* ff02::1:ffXX:XXXX of a */
static void solicited_node(uint8_t *out, const uint8_t *a)
{
	static const uint8_t prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	memcpy(out, prefix, 13);
	memcpy(out + 13, a + 13, 3);
}

/*
 * A neighbour solicitation for target from MAC id src (address src6) to dst6 (NULL: the
 * target's solicited-node group; dst NULL: its multicast MAC), with the source link-layer
 * address option when slla.
 */
static uint32_t ns_frame(uint8_t *f, uint8_t src, const uint8_t *dst, const uint8_t *src6, const uint8_t *dst6,
			 const uint8_t *target, bool slla, uint8_t hop)
{
	uint8_t icmp[32] = { 135 }, group[16];

	if (!dst6) {
		solicited_node(group, target);
		dst6 = group;
	}
	memcpy(icmp + 8, target, 16);
	icmp[24] = 1;
	icmp[25] = 1;
	mac_set(icmp + 26, src);
	return icmp6_frame(f, src, dst, src6, dst6, hop, icmp, slla ? 32 : 24);
}

/* An ICMPv6 echo request with len bytes of payload. */
static uint32_t echo6_frame(uint8_t *f, uint8_t src, const uint8_t *dst, const uint8_t *src6, const uint8_t *dst6,
			    uint32_t len)
{
	uint8_t icmp[FRAME_MAX] = { 128, 0, 0, 0, 0x12, 0x34, 0x00, 0x07 };

	ck_assert_uint_le(len + 8 + 54, FRAME_MAX);
	for (uint32_t i = 0; i < len; i++)
		icmp[8 + i] = (uint8_t)(i * 13 + 5);
	return icmp6_frame(f, src, dst, src6, dst6, 64, icmp, 8 + len);
}

/* An ICMP echo request (DF set, as ping sends it) from MAC id src, src4 to dst4, with len bytes of payload. */
static uint32_t echo4_frame(uint8_t *f, uint8_t src, const uint8_t *dst, uint32_t src4, uint32_t dst4, uint32_t len)
{
	uint8_t *ip = f + 14, *icmp = ip + 20;

	ck_assert_uint_le(14 + 20 + 8 + len, FRAME_MAX);
	memcpy(f, dst, 6);
	mac_set(f + 6, src);
	f[12] = 0x08, f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = 0x10;
	wr16(ip + 2, (uint16_t)(20 + 8 + len));
	wr16(ip + 4, 0xbeef);
	ip[6] = 0x40;
	ip[8] = 61;
	ip[9] = 1;
	memcpy(ip + 12, &src4, 4);
	memcpy(ip + 16, &dst4, 4);
	ipv4_fix_csum(ip);
	icmp[0] = 8, icmp[1] = 0, icmp[2] = 0, icmp[3] = 0;
	icmp[4] = 0x12, icmp[5] = 0x34, icmp[6] = 0x00, icmp[7] = 0x07;
	for (uint32_t i = 0; i < len; i++)
		icmp[8 + i] = (uint8_t)(i * 7 + 3);
	wr16(icmp + 2, (uint16_t)~sum16(icmp, 8 + len, 0));
	return 14 + 20 + 8 + len;
}

/* f is the echo reply from the gateway to the IPv4 echo request req (req_len bytes), field by field. */
static void expect_echo4_reply(const struct frame *f, const uint8_t *req, uint32_t req_len)
{
	const uint8_t *r = f->data, *ip = r + 14, *rip = req + 14;

	ck_assert_uint_eq(f->len, req_len);
	ck_assert_mem_eq(r, req + 6, 6);                    /* to the asker */
	ck_assert_mem_eq(r + 6, gw_mac, 6);                 /* from the gateway MAC */
	ck_assert_uint_eq(rd16(r + 12), 0x0800);
	ck_assert_mem_eq(ip, rip, 8);                       /* version, IHL, TOS, length, id, flags */
	ck_assert_uint_eq(ip[8], 64);                       /* a fresh TTL */
	ck_assert_uint_eq(ip[9], 1);
	ck_assert_msg(ip_csum_ok(ip), "echo reply: bad IPv4 header checksum");
	ck_assert_mem_eq(ip + 12, rip + 16, 4);             /* from the gateway's address */
	ck_assert_mem_eq(ip + 16, rip + 12, 4);             /* to the asker's */
	ck_assert_uint_eq(ip[20], 0);                       /* echo reply, code 0 */
	ck_assert_uint_eq(ip[21], 0);
	ck_assert_mem_eq(ip + 24, rip + 24, req_len - 14 - 24);   /* id, sequence, payload */
	ck_assert_msg(sum16(ip + 20, req_len - 14 - 20, 0) == 0xffff, "echo reply: bad ICMP checksum");
}

/* f is the ICMPv6 echo reply from the gateway to req, field by field. */
static void expect_echo6_reply(const struct frame *f, const uint8_t *req, uint32_t req_len)
{
	const uint8_t *r = f->data, *ip = r + 14, *rip = req + 14;

	ck_assert_uint_eq(f->len, req_len);
	ck_assert_mem_eq(r, req + 6, 6);
	ck_assert_mem_eq(r + 6, gw_mac, 6);
	ck_assert_uint_eq(rd16(r + 12), 0x86dd);
	ck_assert_mem_eq(ip, rip, 7);                       /* version, class, flow, length, next header */
	ck_assert_uint_eq(ip[7], 64);
	ck_assert_mem_eq(ip + 8, rip + 24, 16);
	ck_assert_mem_eq(ip + 24, rip + 8, 16);
	ck_assert_uint_eq(ip[40], 129);
	ck_assert_uint_eq(ip[41], 0);
	ck_assert_mem_eq(ip + 44, rip + 44, req_len - 14 - 44);
	ck_assert_msg(icmp6_csum_ok(ip), "echo reply: bad ICMPv6 checksum");
}

/* f is the gateway's neighbour advertisement for target to MAC id to at address dst6, field by field. */
static void expect_na(const struct frame *f, uint8_t to, const uint8_t *target, const uint8_t *dst6)
{
	static const uint8_t ip_head[8] = { 0x60, 0, 0, 0, 0, 32, 58, 255 };
	static const uint8_t na_head[8] = { 136, 0, 0, 0, 0xe0, 0, 0, 0 };   /* checksum checked apart */
	const uint8_t *ip = f->data + 14, *icmp = ip + 40;
	uint8_t mac[6];

	mac_set(mac, to);
	ck_assert_uint_eq(f->len, 14 + 40 + 32);
	ck_assert_mem_eq(f->data, mac, 6);
	ck_assert_mem_eq(f->data + 6, gw_mac, 6);
	ck_assert_uint_eq(rd16(f->data + 12), 0x86dd);
	ck_assert_mem_eq(ip, ip_head, 8);                   /* no flow label, 32 bytes, ICMPv6, hop limit 255 */
	ck_assert_mem_eq(ip + 8, target, 16);               /* from the target */
	ck_assert_mem_eq(ip + 24, dst6, 16);                /* to the solicitor */
	ck_assert_mem_eq(icmp, na_head, 2);
	ck_assert_mem_eq(icmp + 4, na_head + 4, 4);         /* router, solicited, override */
	ck_assert_mem_eq(icmp + 8, target, 16);
	ck_assert_uint_eq(icmp[24], 2);                     /* target link-layer address, 8 bytes */
	ck_assert_uint_eq(icmp[25], 1);
	ck_assert_mem_eq(icmp + 26, gw_mac, 6);
	ck_assert_msg(icmp6_csum_ok(ip), "NA: bad ICMPv6 checksum");
}

/*
 * With VTEPD_TEST_PCAP=FILE in the environment, the gateway's answers are also written to
 * FILE (pcap, Ethernet), to be decoded by hand: tshark -r FILE -V.
 */
static void pcap_note(const struct frame *f)
{
	static FILE *out;
	const char *path = getenv("VTEPD_TEST_PCAP");
	uint32_t rec[4] = { 0, 0, f->len, f->len };

	if (!path)
		return;
	if (!out) {
		const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };   /* v2.4, Ethernet */

		out = fopen(path, "wb");
		ck_assert_ptr_nonnull(out);
		ck_assert_uint_eq(fwrite(hdr, sizeof(hdr), 1, out), 1);
	}
	ck_assert_uint_eq(fwrite(rec, sizeof(rec), 1, out), 1);
	ck_assert_uint_eq(fwrite(f->data, f->len, 1, out), 1);
	fflush(out);
}

static void learn_drain(void)
{
	struct dp_learn_event ev[64];

	while (learn_take(ev, RTE_DIM(ev)))
		;
}

static void expect_drop(uint16_t slot, enum dp_drop why, uint64_t n)
{
	ck_assert_msg(g_ctr->ports[slot].drops[why] == n, "slot %u drop %s = %lu, expected %lu", slot,
		      dp_drop_name(why), (unsigned long)g_ctr->ports[slot].drops[why], (unsigned long)n);
}

/*
 * ARP for the gateway's IPv4 from a container is answered from the gateway MAC (broadcast
 * or unicast to it), and the asker's address is still reported; ARP for anything else, in
 * a VNI without the gateway, with the gateway's IPv4 off, or malformed is forwarded as
 * before; ARP claiming or probing the gateway's address is a counted conflict, dropped.
 */
START_TEST(test_gw_arp)
{
	uint8_t req[FRAME_MAX], mac_b[6], mac_c[6];
	uint32_t len, spa = HOST4, spa_c = IPV4(192, 168, 1, 3);
	const uint8_t *r, *a;

	mac_set(mac_b, MAC_B);
	mac_set(mac_c, MAC_C);
	publish(topo_gw(true, true, true));
	len = arp_request(req, MAC_B, spa, GW4);
	run(PB, req, len);
	expect_out(0, 1, 0, 0);
	pcap_note(&g_out.f[PB][0]);
	r = g_out.f[PB][0].data;
	a = r + 14;
	ck_assert_uint_eq(g_out.f[PB][0].len, 60);
	ck_assert_mem_eq(r, mac_b, 6);
	ck_assert_mem_eq(r + 6, gw_mac, 6);
	ck_assert_uint_eq(rd16(r + 12), 0x0806);
	ck_assert_uint_eq(rd16(a), 1);
	ck_assert_uint_eq(rd16(a + 2), 0x0800);
	ck_assert_uint_eq(a[4], 6);
	ck_assert_uint_eq(a[5], 4);
	ck_assert_uint_eq(rd16(a + 6), 2);
	ck_assert_mem_eq(a + 8, gw_mac, 6);
	ck_assert_mem_eq(a + 14, &(uint32_t){ GW4 }, 4);
	ck_assert_mem_eq(a + 18, mac_b, 6);
	ck_assert_mem_eq(a + 24, &spa, 4);
	ck_assert_mem_eq(a + 28, req + 14 + 28, 60 - 14 - 28);   /* the padding */
	ck_assert_uint_eq(g_ctr->vnis[0].gw_arp_replies, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].arp_suppressed, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	expect_port(SLOT_B, 1, 60, 1, 60);
	expect_no_drops();
	/* the asker's address still goes to the control plane (MAC+IP) */
	expect_one_learn(0, MAC_B, DP_LEARN_IP | SLOT_B, spa);

	/* unicast to the gateway MAC (a cache refresh): answered too */
	len = arp_request(req, MAC_C, spa_c, GW4);
	memcpy(req, gw_mac, 6);
	run(PC, req, len);
	expect_out(0, 0, 1, 0);
	r = g_out.f[PC][0].data;
	ck_assert_mem_eq(r, mac_c, 6);
	ck_assert_mem_eq(r + 6, gw_mac, 6);
	ck_assert_mem_eq(r + 14 + 8, gw_mac, 6);
	ck_assert_mem_eq(r + 14 + 24, &spa_c, 4);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_arp_replies, 2);
	learn_drain();

	/* not answered: another target, the gateway's address in VNI 200 (no gateway there) */
	len = arp_request(req, MAC_B, spa, IPV4(192, 168, 1, 9));
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	len = arp_request(req, MAC_D, spa, GW4);
	run(PD, req, len);
	expect_out(1, 0, 0, 0);
	/* malformed: cut before the target, a hardware length of 8: forwarded as any broadcast */
	len = arp_request(req, MAC_B, spa, GW4);
	run(PB, req, 14 + 20);
	expect_out(2, 0, 1, 0);
	req[14 + 4] = 8;
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_arp_replies, 2);
	ck_assert_uint_eq(g_ctr->vnis[1].gw_arp_replies, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_conflicts, 0);
	expect_no_drops();
	learn_drain();

	/*
	 * conflicts: gratuitous ARP for the gateway's address (request and reply), a probe for it
	 * (sender 0.0.0.0), a reply claiming it: dropped, neither answered nor learned nor flooded
	 */
	len = arp_request(req, MAC_B2, GW4, GW4);
	run(PB, req, len);
	req[14 + 7] = 2;
	run(PB, req, len);
	len = arp_request(req, MAC_B3, 0, GW4);
	run(PB, req, len);
	len = arp_request(req, MAC_B3, GW4, spa);
	req[14 + 7] = 2;
	memcpy(req, mac_b, 6);
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_conflicts, 4);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_arp_replies, 2);
	expect_only_drop(SLOT_B, DP_DROP_GATEWAY_CONFLICT, 4);
	expect_no_learn();

	/* the gateway's IPv4 off (IPv6 only): the request is flooded, a gratuitous ARP too */
	publish(topo_gw(true, false, true));
	reset_counters();
	len = arp_request(req, MAC_B, spa, GW4);
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	len = arp_request(req, MAC_B2, GW4, GW4);
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	/* no gateway MAC: no gateway at all */
	publish(topo_gw(false, true, true));
	len = arp_request(req, MAC_B, spa, GW4);
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_arp_replies, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_conflicts, 0);
	expect_no_drops();
	learn_drain();
	finish();
}
END_TEST

/*
 * Neighbour solicitations for the gateway's IPv6 and link-local addresses (to the target's
 * solicited-node group or unicast to it) are answered with a solicited router
 * advertisement carrying the gateway MAC; invalid ones for the gateway are dropped (not
 * flooded); a duplicate address probe or an advertisement for its address is a conflict;
 * anything else, router solicitations included, is forwarded as before.
 */
START_TEST(test_gw_nd)
{
	uint8_t req[FRAME_MAX], other6[16], icmp[32] = { 0 };
	static const uint8_t unspecified[16];
	uint32_t len;

	publish(topo_gw(true, true, true));
	/* to the solicited-node group, with the source link-layer address option */
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 255);
	run(PB, req, len);
	expect_out(0, 1, 0, 0);
	expect_na(&g_out.f[PB][0], MAC_B, gw6, host6);
	pcap_note(&g_out.f[PB][0]);
	expect_port(SLOT_B, 1, len, 1, 86);
	/* unicast to the gateway (unreachability detection), no option: the answer is 8 bytes longer */
	len = ns_frame(req, MAC_B, gw_mac, host6, gw6, gw6, false, 255);
	ck_assert_uint_eq(len, 78);
	run(PB, req, len);
	expect_out(0, 1, 0, 0);
	expect_na(&g_out.f[PB][0], MAC_B, gw6, host6);
	/* for the link-local address, from C's link-local */
	len = ns_frame(req, MAC_C, NULL, host_ll6, NULL, gw_ll6, true, 255);
	run(PC, req, len);
	expect_out(0, 0, 1, 0);
	expect_na(&g_out.f[PC][0], MAC_C, gw_ll6, host_ll6);
	pcap_note(&g_out.f[PC][0]);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_na_sent, 3);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	expect_no_drops();

	/* not for the gateway: another target in the same solicited-node group; VNI 200 */
	memcpy(other6, gw6, 16);
	other6[5] = 2;
	len = ns_frame(req, MAC_B, NULL, host6, NULL, other6, true, 255);
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	len = ns_frame(req, MAC_D, NULL, host6, NULL, gw6, true, 255);
	run(PD, req, len);
	expect_out(1, 0, 0, 0);
	/* cut inside the target: not known to be for the gateway, forwarded as any multicast */
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 255);
	run(PB, req, 14 + 40 + 16);
	expect_out(2, 0, 1, 0);
	/* a router solicitation: not answered (no router advertisements), forwarded */
	icmp[0] = 133;
	len = icmp6_frame(req, MAC_B, NULL, host_ll6, all_routers6, 255, icmp, 8);
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_na_sent, 3);
	expect_no_drops();

	/* invalid solicitations for the gateway: dropped, not flooded */
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 64);      /* hop limit not 255 */
	run(PB, req, len);
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 255);     /* an option of length 0 */
	req[14 + 40 + 25] = 0;
	icmp6_fix_csum(req);
	run(PB, req, len);
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 255);     /* an option cut short */
	wr16(req + 14 + 4, 28);
	icmp6_fix_csum(req);
	run(PB, req, 14 + 40 + 28);
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 255);     /* a bad checksum */
	req[14 + 40 + 3] ^= 1;
	run(PB, req, len);
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 255);     /* code 1 */
	req[14 + 41] = 1;
	icmp6_fix_csum(req);
	run(PB, req, len);
	len = ns_frame(req, MAC_B, NULL, host6, all_nodes6, gw6, true, 255);   /* to neither target nor group */
	run(PB, req, len);
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 255);     /* payload length beyond the frame */
	wr16(req + 14 + 4, 40);
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_GATEWAY_MALFORMED, 7);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_na_sent, 3);

	/* conflicts: a duplicate address probe for the gateway's address, an advertisement of it */
	len = ns_frame(req, MAC_B, NULL, unspecified, NULL, gw6, false, 255);
	run(PB, req, len);
	memset(icmp, 0, sizeof(icmp));
	icmp[0] = 136;
	icmp[4] = 0x20;
	memcpy(icmp + 8, gw_ll6, 16);
	len = icmp6_frame(req, MAC_C, NULL, host_ll6, all_nodes6, 255, icmp, 24);
	run(PC, req, len);
	expect_out(0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_conflicts, 2);
	expect_drop(SLOT_B, DP_DROP_GATEWAY_CONFLICT, 1);
	expect_drop(SLOT_C, DP_DROP_GATEWAY_CONFLICT, 1);

	/* the gateway's IPv6 off: solicitations for it are forwarded */
	publish(topo_gw(true, true, false));
	reset_counters();
	len = ns_frame(req, MAC_B, NULL, host6, NULL, gw6, true, 255);
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	len = ns_frame(req, MAC_B, NULL, host_ll6, NULL, gw_ll6, true, 255);
	run(PB, req, len);
	expect_out(2, 0, 1, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_na_sent, 0);
	expect_no_drops();
	learn_drain();
	finish();
}
END_TEST

/*
 * A neighbour advertisement for target from MAC id src (address src6) to dst6 (dst NULL:
 * dst6's multicast MAC), flags (0x40 solicited, 0x20 override), with a target link-layer
 * address option carrying MAC id tlla (0: none).
 */
static uint32_t na_frame(uint8_t *f, uint8_t src, const uint8_t *dst, const uint8_t *src6, const uint8_t *dst6,
			 const uint8_t *target, uint8_t flags, uint8_t tlla)
{
	uint8_t icmp[32] = { 136 };

	icmp[4] = flags;
	memcpy(icmp + 8, target, 16);
	icmp[24] = 2;
	icmp[25] = 1;
	mac_set(icmp + 26, tlla);
	return icmp6_frame(f, src, dst, src6, dst6, 255, icmp, tlla ? 32 : 24);
}

/* The learn ring holds (among MAC events) exactly one IPv6 address event: MAC id mac in VNI index vi at slot, a6. */
static void expect_ip6_learn(uint16_t vi, uint8_t mac, uint16_t slot, const uint8_t *a6)
{
	struct dp_learn_event ev[16];
	unsigned n = learn_take(ev, RTE_DIM(ev)), found = 0;

	for (unsigned i = 0; i < n; i++) {
		if (!(ev[i].dest & DP_LEARN_IP))
			continue;
		ck_assert_uint_eq(ev[i].dest, DP_LEARN_IP6 | slot);
		ck_assert_uint_eq(ev[i].key, key_of(vi, mac));
		ck_assert_mem_eq(ev[i].ip6, a6, 16);
		found++;
	}
	ck_assert_uint_eq(found, 1);
}

/* The learn ring holds no address event (MAC events are drained with it). */
static void expect_no_ip_learn(const char *what)
{
	struct dp_learn_event ev[16];
	unsigned n = learn_take(ev, RTE_DIM(ev));

	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(!(ev[i].dest & DP_LEARN_IP), "%s: an address was learned", what);
}

/*
 * A container's neighbour solicitations (global source, source link-layer address option =
 * Ethernet source) and advertisements (global target, the Ethernet source) report its IPv6
 * address to the control thread, once per burst of them; link-local or unspecified sources,
 * link-local targets, a hop limit below 255, a bad checksum, a code not 0, a link-layer
 * option naming another MAC or a solicited advertisement to a group report nothing. The
 * frames themselves are forwarded as before.
 */
START_TEST(test_nd_learn)
{
	static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };
	static const uint8_t neg6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77 };
	static const uint8_t unspecified[16];
	uint8_t f[FRAME_MAX], c_mac[6];
	uint32_t len;

	/* a solicitation: its source is learned for its MAC; the frame is flooded as before */
	len = ns_frame(f, MAC_B, NULL, host6, NULL, peer6, true, 255);
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_ip6_learn(0, MAC_B, SLOT_B, host6);
	/* the same again at once: not posted again */
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("repeated NS");
	/* an unsolicited advertisement to all-nodes: its target, for the Ethernet source */
	len = na_frame(f, MAC_C, NULL, peer6, all_nodes6, peer6, 0x20, MAC_C);
	run(PC, f, len);
	expect_out(2, 1, 0, 0);
	expect_ip6_learn(0, MAC_C, SLOT_C, peer6);
	/* a solicited one, unicast to the asker, without the option: learned too */
	fdb_put(0, MAC_B, fdb_dest_port(SLOT_B));
	len = na_frame(f, MAC_B2, NULL, host6, host6, peer6, 0x60, 0);
	mac_set(f, MAC_B);
	run(PC, f, len);
	expect_out(0, 1, 0, 0);
	expect_ip6_learn(0, MAC_B2, SLOT_C, peer6);

	/* nothing learned from these (an address not learned before: not hidden by the filter) */
	len = ns_frame(f, MAC_B, NULL, host_ll6, NULL, peer6, true, 255);
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("link-local source");
	len = ns_frame(f, MAC_B, NULL, unspecified, NULL, peer6, false, 255);
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("unspecified source (DAD)");
	len = ns_frame(f, MAC_B, NULL, neg6, NULL, peer6, true, 64);
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("hop limit 64");
	len = ns_frame(f, MAC_B, NULL, neg6, NULL, peer6, true, 255);
	f[14 + 40 + 2] ^= 0x01;
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("bad checksum");
	len = ns_frame(f, MAC_B, NULL, neg6, NULL, peer6, true, 255);
	f[14 + 40 + 1] = 1;
	icmp6_fix_csum(f);
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("code 1");
	len = ns_frame(f, MAC_B, NULL, neg6, NULL, peer6, true, 255);
	mac_set(c_mac, MAC_C);
	memcpy(f + 14 + 40 + 26, c_mac, 6);             /* the option names another MAC */
	icmp6_fix_csum(f);
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("SLLA mismatch");
	len = ns_frame(f, MAC_B, NULL, neg6, NULL, peer6, false, 255);
	run(PB, f, len);
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("NS without SLLA");
	len = ns_frame(f, MAC_B, NULL, neg6, NULL, peer6, true, 255);
	run(PB, f, len - 1);                            /* payload length beyond the frame */
	expect_out(2, 0, 1, 0);
	expect_no_ip_learn("truncated");
	len = na_frame(f, MAC_C, NULL, peer6, all_nodes6, host_ll6, 0x20, MAC_C);
	run(PC, f, len);
	expect_out(2, 1, 0, 0);
	expect_no_ip_learn("link-local target");
	len = na_frame(f, MAC_C, NULL, peer6, all_nodes6, neg6, 0x60, MAC_C);
	run(PC, f, len);
	expect_out(2, 1, 0, 0);
	expect_no_ip_learn("solicited NA to a group");
	len = na_frame(f, MAC_C, NULL, peer6, all_nodes6, neg6, 0x20, MAC_B);
	run(PC, f, len);
	expect_out(2, 1, 0, 0);
	expect_no_ip_learn("TLLA mismatch (a proxy)");
	len = na_frame(f, MAC_C, NULL, peer6, all_nodes6, all_nodes6, 0x20, MAC_C);
	run(PC, f, len);
	expect_out(2, 1, 0, 0);
	expect_no_ip_learn("multicast target");
	finish();
}
END_TEST

/*
 * With the anycast gateway: a solicitation for the gateway is answered and still reports the
 * asker's address; the advertisement a host sends the gateway MAC (its answer to a glean
 * solicitation) reports its address, is taken in and counted (gw_na_answers), not dropped;
 * one claiming the gateway's address is a conflict and reports nothing.
 */
START_TEST(test_gw_nd_answer)
{
	uint8_t f[FRAME_MAX];
	uint32_t len;

	publish(topo_gw(true, true, true));
	len = ns_frame(f, MAC_B, NULL, host6, NULL, gw6, true, 255);
	run(PB, f, len);
	expect_out(0, 1, 0, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_na_sent, 1);
	expect_ip6_learn(0, MAC_B, SLOT_B, host6);

	len = na_frame(f, MAC_B3, gw_mac, host6, gw6, host6, 0x60, MAC_B3);
	run(PB, f, len);
	expect_out(0, 0, 0, 0);
	expect_no_drops();
	ck_assert_uint_eq(g_ctr->vnis[0].gw_na_answers, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_unrouted, 0);
	expect_ip6_learn(0, MAC_B3, SLOT_B, host6);

	/* the gateway's own address advertised: a conflict, nothing learned */
	len = na_frame(f, MAC_B2, NULL, gw6, all_nodes6, gw6, 0x20, MAC_B2);
	run(PB, f, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_GATEWAY_CONFLICT, 1);
	expect_no_ip_learn("the gateway's address");
	ck_assert_uint_eq(g_ctr->vnis[0].gw_na_answers, 1);
	finish();
}
END_TEST

/*
 * Echo requests to the gateway's addresses are answered (1008 bytes of payload, IPv4 and
 * IPv6, and the link-local); frames to the gateway MAC that are not answered are counted
 * by reason and dropped, never flooded.
 */
START_TEST(test_gw_echo)
{
	static const uint8_t elsewhere6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };
	uint8_t req[FRAME_MAX];
	uint32_t len;

	publish(topo_gw(true, true, true));
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 1008);
	run(PB, req, len);
	expect_out(0, 1, 0, 0);
	expect_echo4_reply(&g_out.f[PB][0], req, len);
	pcap_note(&g_out.f[PB][0]);
	expect_port(SLOT_B, 1, len, 1, len);
	len = echo6_frame(req, MAC_B, gw_mac, host6, gw6, 1008);
	run(PB, req, len);
	expect_out(0, 1, 0, 0);
	expect_echo6_reply(&g_out.f[PB][0], req, len);
	pcap_note(&g_out.f[PB][0]);
	len = echo6_frame(req, MAC_C, gw_mac, host_ll6, gw_ll6, 56);
	run(PC, req, len);
	expect_out(0, 0, 1, 0);
	expect_echo6_reply(&g_out.f[PC][0], req, len);
	/* Ethernet padding after the IP packet is not sent back */
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 4);
	ck_assert_uint_eq(len, 46);
	memset(req + len, 0, 14);
	run(PB, req, 60);
	expect_out(0, 1, 0, 0);
	expect_echo4_reply(&g_out.f[PB][0], req, len);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_echo_replies, 4);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	expect_no_drops();

	/* to be routed (to the gateway MAC, not to its address): IPv4, IPv6, not IP; an ARP reply is taken in */
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, IPV4(192, 168, 2, 5), 56);
	run(PB, req, len);
	len = echo6_frame(req, MAC_B, gw_mac, host6, elsewhere6, 56);
	run(PB, req, len);
	len = inner_frame(req, MAC_ZERO, MAC_B, 64, 1);
	memcpy(req, gw_mac, 6);
	req[12] = 0x88, req[13] = 0xb5;
	run(PB, req, len);
	len = arp_request(req, MAC_B, HOST4, GW4);
	memcpy(req, gw_mac, 6);
	req[14 + 7] = 2;
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_TO_GATEWAY_UNROUTED, 3);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_unrouted, 3);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_arp_answers, 1);
	/* an ARP request unicast to the gateway MAC for another address: not for it */
	len = arp_request(req, MAC_B, HOST4, IPV4(192, 168, 1, 77));
	memcpy(req, gw_mac, 6);
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_TO_GATEWAY_UNROUTED, 4);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_unrouted, 4);
	/* even with the gateway MAC in the MAC table behind a VTEP, nothing goes there */
	ck_assert_int_eq(fdb_learn(g_fdb, fdb_key(0, gw_mac), fdb_dest_vtep(1), dp_clock_sec(), NULL), 0);
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, IPV4(192, 168, 2, 5), 56);
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_TO_GATEWAY_UNROUTED, 5);

	/* malformed: IPv4 length beyond the frame, ICMP shorter than 8, bad checksums, IPv6 length */
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	run(PB, req, len - 1);
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	wr16(req + 14 + 2, 24);
	ipv4_fix_csum(req + 14);
	run(PB, req, 14 + 24);
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	req[14 + 20 + 8] ^= 0x40;
	run(PB, req, len);
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	req[14 + 10] ^= 0x40;
	run(PB, req, len);
	len = echo6_frame(req, MAC_B, gw_mac, host6, gw6, 56);
	req[14 + 40 + 8] ^= 0x40;
	run(PB, req, len);
	len = echo6_frame(req, MAC_B, gw_mac, host6, gw6, 56);
	run(PB, req, len - 1);
	len = echo4_frame(req, MAC_B, gw_mac, IPV4(224, 0, 0, 5), GW4, 56);   /* a multicast source */
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_GATEWAY_MALFORMED, 7);

	/* fragments to the gateway (a ping bigger than the MTU): not reassembled, counted */
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	req[14 + 6] = 0x20;                         /* more fragments */
	ipv4_fix_csum(req + 14);
	run(PB, req, len);
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	wr16(req + 14 + 6, 185);                    /* a later fragment */
	ipv4_fix_csum(req + 14);
	run(PB, req, len);
	len = echo6_frame(req, MAC_B, gw_mac, host6, gw6, 56);
	req[14 + 6] = 44;
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_GATEWAY_FRAGMENT, 3);

	/* to the gateway's address but nothing it answers: UDP, IP options, an echo reply, ICMPv6 type 1 */
	len = inner_frame(req, MAC_ZERO, MAC_B, 80, 2);
	memcpy(req, gw_mac, 6);
	memcpy(req + 14 + 16, &(uint32_t){ GW4 }, 4);
	ipv4_fix_csum(req + 14);
	run(PB, req, len);
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	req[14] = 0x46;
	ipv4_fix_csum(req + 14);
	run(PB, req, len);
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	req[14 + 20] = 0;
	run(PB, req, len);
	len = echo6_frame(req, MAC_B, gw_mac, host6, gw6, 56);
	req[14 + 40] = 1;
	icmp6_fix_csum(req);
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_TO_GATEWAY_OTHER, 4);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_echo_replies, 4);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_unrouted, 5);
	ck_assert_uint_eq(drops_total(), 5 + 7 + 3 + 4);

	/* VNI 200 has no gateway: an echo to the gateway MAC is unknown unicast there */
	reset_counters();
	len = echo4_frame(req, MAC_D, gw_mac, HOST4, GW4, 56);
	run(PD, req, len);
	expect_out(1, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->vnis[1].flooded, 1);
	/* the gateway's IPv4 off: an echo to its address is for routing */
	publish(topo_gw(true, false, true));
	len = echo4_frame(req, MAC_B, gw_mac, HOST4, GW4, 56);
	run(PB, req, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_TO_GATEWAY_UNROUTED, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_echo_replies, 0);
	learn_drain();
	finish();
}
END_TEST

/*
 * The gateway MAC is every leaf's: a frame from it (from a container or from the tunnel) is
 * a conflict, one to it from the tunnel is not flooded; both counted and dropped, never
 * learned. In a VNI without the gateway the same frames go as before.
 */
START_TEST(test_gw_mac_from_port_and_tunnel)
{
	uint8_t in[FRAME_MAX];
	struct dp_learn_event ev[4];
	uint32_t len;

	publish(topo_gw(true, true, true));
	len = inner_frame(in, MAC_BCAST, MAC_B, 100, 1);
	memcpy(in + 6, gw_mac, 6);
	run(PB, in, len);
	len = inner_frame(in, MAC_C, MAC_B, 100, 1);
	memcpy(in + 6, gw_mac, 6);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_GATEWAY_CONFLICT, 2);
	expect_no_learn();

	/* from the tunnel: from the gateway MAC, to it */
	len = inner_frame(in, MAC_BCAST, MAC_R0, 100, 2);
	memcpy(in + 6, gw_mac, 6);
	run_decap(VNI_A, in, len);
	len = inner_frame(in, MAC_ZERO, MAC_R0, 100, 3);
	memcpy(in, gw_mac, 6);
	run_decap(VNI_A, in, len);
	expect_out(0, 0, 0, 0);
	expect_drop(DP_PORT_UNDERLAY, DP_DROP_GATEWAY_CONFLICT, 1);
	expect_drop(DP_PORT_UNDERLAY, DP_DROP_TO_GATEWAY_UNROUTED, 1);
	ck_assert_uint_eq(drops_total(), 4);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_conflicts, 3);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_unrouted, 1);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);
	expect_no_learn();

	/* VNI 200, no gateway: to the gateway MAC from the tunnel is flooded to D, from it learned */
	reset_counters();
	len = inner_frame(in, MAC_ZERO, MAC_R0, 100, 4);
	memcpy(in, gw_mac, 6);
	decap_to_d(VNI_B, in, len);
	learn_drain();
	len = inner_frame(in, MAC_BCAST, MAC_R0, 100, 5);
	memcpy(in + 6, gw_mac, 6);
	run_decap(VNI_B, in, len);
	expect_out(0, 0, 0, 1);
	ck_assert_uint_eq(learn_take(ev, RTE_DIM(ev)), 1);
	ck_assert_uint_eq(ev[0].key, fdb_key(1, gw_mac));
	ck_assert_uint_eq(ev[0].dest, fdb_dest_vtep(0));
	/* and with the gateway MAC off in VNI 100 too */
	publish(topo_gw(false, true, true));
	len = inner_frame(in, MAC_BCAST, MAC_B, 100, 6);
	memcpy(in + 6, gw_mac, 6);
	run(PB, in, len);
	expect_out(2, 0, 1, 0);
	expect_no_drops();
	ck_assert_uint_eq(g_ctr->vnis[0].gw_conflicts, 0);
	learn_drain();
	finish();
}
END_TEST

/* ---- routing in a VRF ---- */

/*
 * The routed topology: the standard one with gateways in both VNIs (VNI 100: 192.168.1.1/24,
 * 2001:db8:1::1/64; VNI 200: 192.168.2.1/24, 2001:db8:2::1/64), both in VRF 0, whose table
 * holds the connected subnets (GLEAN), host routes to D (192.168.2.10, 2001:db8:2::10:
 * LOCAL), a blackhole 10.99.0.0/16 and a route behind VTEP 0 (10.98.0.0/16: REMOTE).
 */
#define GW4_B IPV4(192, 168, 2, 1)
#define HOST4_D IPV4(192, 168, 2, 10)
static const uint8_t gw6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t host6_d[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
static const uint8_t host6_new[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20 };
static struct dp_route_table *g_rt;

static uint32_t rt_nh(const struct dp_route_nh *nh)
{
	uint32_t idx;

	ck_assert_int_eq(dp_route_nh_get(g_rt, nh, &idx), 0);
	return idx;
}

static void rt_add4(uint32_t addr_be, uint8_t len, uint32_t idx)
{
	ck_assert_int_eq(dp_route_add4(g_rt, rte_be_to_cpu_32(addr_be), len, idx), 0);
}

static struct dp_topology *topo_l3(void)
{
	struct dp_topology *t = topo_gw(true, true, true);
	struct dp_gateway *g = calloc(1, sizeof(*g));
	struct dp_route_conf rc = { .name = "fp_vrf", .socket_id = SOCKET_ID_ANY, .max_v4_routes = 64,
				    .max_v6_routes = 64, .max_nexthops = 16 };
	struct dp_route_nh glean_a = { .type = DP_ROUTE_NH_GLEAN, .vni_idx = 0 };
	struct dp_route_nh glean_b = { .type = DP_ROUTE_NH_GLEAN, .vni_idx = 1 };
	struct dp_route_nh local_d = { .type = DP_ROUTE_NH_LOCAL, .vni_idx = 1, .port = SLOT_D };
	struct dp_route_nh drop = { .type = DP_ROUTE_NH_DROP };
	struct dp_route_nh remote = { .type = DP_ROUTE_NH_REMOTE, .vtep_id = 0, .l3vni = 900001,
				      .mac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 } };
	uint32_t a, b, d;

	ck_assert_ptr_nonnull(g);
	dp_gateway_set_mac(g, gw_mac);
	g->ip4_on = true;
	g->ip4 = GW4_B;
	g->ip4_len = 24;
	g->ip6_on = true;
	memcpy(g->ip6, gw6_b, 16);
	g->ip6_len = 64;
	t->vnis[1].gw = g;
	if (!g_rt) {
		ck_assert_int_eq(dp_route_table_create(&rc, &g_rt), 0);
		mac_set(local_d.mac, MAC_D);
		a = rt_nh(&glean_a);
		b = rt_nh(&glean_b);
		d = rt_nh(&local_d);
		rt_add4(GW4, 24, a);
		rt_add4(GW4_B, 24, b);
		rt_add4(HOST4_D, 32, d);
		rt_add4(IPV4(10, 99, 0, 0), 16, rt_nh(&drop));
		rt_add4(IPV4(10, 98, 0, 0), 16, rt_nh(&remote));
		ck_assert_int_eq(dp_route_add6(g_rt, gw6, 64, a), 0);
		ck_assert_int_eq(dp_route_add6(g_rt, gw6_b, 64, b), 0);
		ck_assert_int_eq(dp_route_add6(g_rt, host6_d, 128, d), 0);
	}
	t->n_vrfs = 1;
	t->vrfs[0].table = g_rt;
	t->vrfs[0].l3vni = 900001;
	t->vnis[0].vrf = 0;
	t->vnis[1].vrf = 0;
	return t;
}

/* Free the VRF's table, once no snapshot points at it. */
static void rt_free(void)
{
	publish(topo_std());
	dp_route_table_free(g_rt);
	g_rt = NULL;
}

/* in, routed to D: MACs rewritten (gateway -> D), TTL or hop limit one less, IPv4 checksum right. */
static void expect_routed_to_d(const struct frame *f, const uint8_t *in, uint32_t len)
{
	uint8_t want[FRAME_MAX];

	memcpy(want, in, len);
	mac_set(want, MAC_D);
	memcpy(want + 6, gw_mac, 6);
	if (rd16(in + 12) == 0x0800) {
		want[14 + 8]--;
		ipv4_fix_csum(want + 14);
		ck_assert_msg(ip_csum_ok(f->data + 14), "routed: bad IPv4 header checksum");
	} else {
		want[14 + 7]--;
		ck_assert_msg(icmp6_csum_ok(f->data + 14), "routed: bad ICMPv6 checksum");
	}
	expect_frame(f, want, len);
}

/*
 * A frame from B (VNI 100) to the gateway MAC for a host in VNI 200 with a host route is
 * routed to D: byte for byte the same packet with the MACs rewritten and the TTL (hop
 * limit) one less, IPv4's checksum updated; 108 and 1008 bytes, IPv4 and IPv6, one at a time
 * and together in one burst with bridged frames.
 */
START_TEST(test_route_local)
{
	uint8_t in[4][FRAME_MAX];
	uint32_t len[4], bytes = 0;

	publish(topo_l3());
	len[0] = echo4_frame(in[0], MAC_B, gw_mac, HOST4, HOST4_D, 108 - 42);
	len[1] = echo4_frame(in[1], MAC_B, gw_mac, HOST4, HOST4_D, 1008 - 42);
	len[2] = echo6_frame(in[2], MAC_B, gw_mac, host6, host6_d, 108 - 62);
	len[3] = echo6_frame(in[3], MAC_B, gw_mac, host6, host6_d, 1008 - 62);
	ck_assert_uint_eq(len[0], 108);
	ck_assert_uint_eq(len[3], 1008);
	for (int i = 0; i < 4; i++) {
		run(PB, in[i], len[i]);
		expect_out(0, 0, 0, 1);
		expect_routed_to_d(&g_out.f[PD][0], in[i], len[i]);
		bytes += len[i];
	}
	expect_no_drops();
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 4);
	expect_port(SLOT_B, 4, bytes, 0, 0);
	expect_port(SLOT_D, 0, 0, 4, bytes);
	ck_assert_uint_eq(g_ctr->vnis[0].gw_unrouted, 0);
	ck_assert_uint_eq(g_ctr->vnis[0].flooded, 0);

	/* TTL 255 and a checksum whose update carries: still right */
	in[0][14 + 8] = 255;
	ipv4_fix_csum(in[0] + 14);
	run(PB, in[0], len[0]);
	expect_out(0, 0, 0, 1);
	expect_routed_to_d(&g_out.f[PD][0], in[0], len[0]);

	/* one burst: routed IPv4, a bridged frame to C, routed IPv6 */
	{
		uint8_t br[FRAME_MAX];
		uint32_t blen = inner_frame(br, MAC_C, MAC_B, 200, 9);

		fdb_put(0, MAC_C, fdb_dest_port(SLOT_C));
		inject(PB, in[1], len[1]);
		inject(PB, br, blen);
		inject(PB, in[2], len[2]);
		ck_assert_uint_eq(poll_once(), 3);
		expect_out(0, 0, 1, 2);
		expect_routed_to_d(&g_out.f[PD][0], in[1], len[1]);
		expect_routed_to_d(&g_out.f[PD][1], in[2], len[2]);
		expect_frame(&g_out.f[PC][0], br, blen);
	}
	expect_no_drops();
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 7);
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/* f is the time exceeded from gateway address src4 to B about the IPv4 frame in (len bytes). */
static void expect_time_exceeded4(const struct frame *f, const uint8_t *in, uint32_t len)
{
	const uint8_t *ip = f->data + 14, *icmp = ip + 20;
	uint32_t quote = RTE_MIN(len - 14, 576u - 28);
	uint32_t gw = GW4, host = HOST4;

	ck_assert_uint_eq(f->len, 14 + 28 + quote);
	ck_assert_mem_eq(f->data, in + 6, 6);               /* back to the sender */
	ck_assert_mem_eq(f->data + 6, gw_mac, 6);
	ck_assert_uint_eq(rd16(f->data + 12), 0x0800);
	ck_assert_uint_eq(ip[0], 0x45);
	ck_assert_uint_eq(rd16(ip + 2), 28 + quote);
	ck_assert_uint_eq(ip[8], 64);
	ck_assert_uint_eq(ip[9], 1);
	ck_assert_msg(ip_csum_ok(ip), "time exceeded: bad IPv4 checksum");
	ck_assert_mem_eq(ip + 12, &gw, 4);                  /* from the gateway's address */
	ck_assert_mem_eq(ip + 16, &host, 4);
	ck_assert_uint_eq(icmp[0], 11);
	ck_assert_uint_eq(icmp[1], 0);
	ck_assert_uint_eq(rd16(icmp + 4), 0);
	ck_assert_uint_eq(rd16(icmp + 6), 0);
	ck_assert_mem_eq(icmp + 8, in + 14, quote);         /* the packet as it came, TTL 1 */
	ck_assert_msg(sum16(icmp, 8 + quote, 0) == 0xffff, "time exceeded: bad ICMP checksum");
}

/*
 * TTL 1 (hop limit 1) to a routed destination: not forwarded; the gateway sends ICMP (ICMPv6)
 * time exceeded back from its own address, counted; errors are never answered with errors,
 * and the ICMP rate limit holds.
 */
START_TEST(test_route_ttl_expired)
{
	uint8_t in[FRAME_MAX];
	uint32_t len;

	publish(topo_l3());
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 108 - 42);
	in[14 + 8] = 1;
	ipv4_fix_csum(in + 14);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	expect_time_exceeded4(&g_out.f[PB][0], in, len);
	pcap_note(&g_out.f[PB][0]);
	/* 1008 bytes: quoted up to 576 in all; and to a glean destination too */
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(192, 168, 2, 77), 1008 - 42);
	in[14 + 8] = 1;
	ipv4_fix_csum(in + 14);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	expect_time_exceeded4(&g_out.f[PB][0], in, len);
	ck_assert_uint_eq(g_out.f[PB][0].len, 14 + 576);
	/* TTL 0 too */
	in[14 + 8] = 0;
	ipv4_fix_csum(in + 14);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	expect_drop(SLOT_B, DP_DROP_TTL_EXPIRED, 3);
	ck_assert_uint_eq(drops_total(), 3);
	ck_assert_uint_eq(g_ctr->vrfs[0].ttl_expired, 3);
	ck_assert_uint_eq(g_ctr->vrfs[0].icmp_time_exceeded, 3);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 0);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_sent, 0);

	/* IPv6, hop limit 1: ICMPv6 time exceeded (type 3) from the gateway's IPv6 address */
	len = echo6_frame(in, MAC_B, gw_mac, host6, host6_d, 100);
	in[14 + 7] = 1;
	icmp6_fix_csum(in);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	{
		const struct frame *f = &g_out.f[PB][0];
		const uint8_t *ip = f->data + 14;

		pcap_note(f);
		ck_assert_uint_eq(f->len, 14 + 40 + 8 + len - 14);
		ck_assert_mem_eq(f->data, in + 6, 6);
		ck_assert_mem_eq(f->data + 6, gw_mac, 6);
		ck_assert_uint_eq(ip[6], 58);
		ck_assert_mem_eq(ip + 8, gw6, 16);
		ck_assert_mem_eq(ip + 24, host6, 16);
		ck_assert_uint_eq(ip[40], 3);
		ck_assert_uint_eq(ip[41], 0);
		ck_assert_mem_eq(ip + 48, in + 14, len - 14);
		ck_assert_msg(icmp6_csum_ok(ip), "ICMPv6 time exceeded: bad checksum");
	}
	ck_assert_uint_eq(g_ctr->vrfs[0].ttl_expired, 4);

	/* an ICMP error with TTL 1 is not answered (but still dropped, counted) */
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 60);
	in[14 + 20] = 3;                            /* destination unreachable */
	wr16(in + 14 + 22, 0);
	wr16(in + 14 + 22, (uint16_t)~sum16(in + 14 + 20, len - 34, 0));
	in[14 + 8] = 1;
	ipv4_fix_csum(in + 14);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	ck_assert_uint_eq(g_ctr->vrfs[0].ttl_expired, 5);
	ck_assert_uint_eq(g_ctr->vrfs[0].icmp_time_exceeded, 4);
	ck_assert_uint_eq(g_ctr->mtu.icmp_not_allowed, 1);

	/* the shared ICMP rate limit: 200 at once are not all answered */
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 60);
	in[14 + 8] = 1;
	ipv4_fix_csum(in + 14);
	for (int i = 0; i < 200; i++)
		run(PB, in, len);
	collect();
	ck_assert_uint_lt(g_out.n[PB], 200);
	ck_assert_uint_eq(g_out.n[PB] + g_ctr->mtu.icmp_rate_limited, 200);
	ck_assert_uint_eq(g_ctr->vrfs[0].ttl_expired, 205);
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/*
 * A container that only sends to other subnets is still a live source in the MAC table: a
 * routed frame's sender is learned when new and marked seen when known (so it does not age
 * out while it sends), as a bridged sender is.
 */
START_TEST(test_route_refreshes_sender)
{
	uint8_t in[FRAME_MAX];
	uint32_t len;
	struct fdb_entry *b;

	publish(topo_l3());
	learn_drain();
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 108 - 42);
	run(PB, in, len);
	expect_out(0, 0, 0, 1);
	expect_one_learn(0, MAC_B, fdb_dest_port(SLOT_B), 0);     /* a new sender: learned */

	ck_assert_int_eq(fdb_learn(g_fdb, key_of(0, MAC_B), fdb_dest_port(SLOT_B), 100, NULL), 0);
	for (int i = 0; i < 2; i++) {
		run(PB, in, len);
		expect_out(0, 0, 0, 1);
	}
	expect_no_learn();
	ck_assert_uint_eq(fdb_age(g_fdb, 400, 300), 0);           /* seen: folded into last_seen, kept */
	b = fdb_lookup(g_fdb, key_of(0, MAC_B));
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->last_seen, 400);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 3);
	fdb_delete(g_fdb, key_of(0, MAC_B));
	rt_free();
	finish();
}
END_TEST

/*
 * Routed to a port whose MTU is smaller than the packet: IPv4 with DF and IPv6 get the
 * gateway's "too big" (ICMP 3/4, ICMPv6 2) with the port's MTU, from the gateway's MAC and
 * address back to the sender's MAC (not to the MACs the packet would have had once routed);
 * IPv4 without DF is fragmented with the routed MACs; Ethernet padding after the IP packet
 * is not routed along (a 108-byte packet in a 300-byte frame goes on as 108 bytes).
 */
START_TEST(test_route_too_big)
{
	struct dp_topology *t = topo_l3();
	uint8_t in[FRAME_MAX];
	uint32_t len, gw = GW4, host = HOST4;

	t->port_mtu[SLOT_D] = 1000;
	publish(t);
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 1108 - 42);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	{
		const struct frame *f = &g_out.f[PB][0];
		const uint8_t *ip = f->data + 14, *icmp = ip + 20;

		pcap_note(f);
		ck_assert_mem_eq(f->data, in + 6, 6);           /* back to B */
		ck_assert_mem_eq(f->data + 6, gw_mac, 6);
		ck_assert_msg(ip_csum_ok(ip), "too big: bad IPv4 checksum");
		ck_assert_mem_eq(ip + 12, &gw, 4);
		ck_assert_mem_eq(ip + 16, &host, 4);
		ck_assert_uint_eq(icmp[0], 3);
		ck_assert_uint_eq(icmp[1], 4);
		ck_assert_uint_eq(rd16(icmp + 6), 1000);
		ck_assert_uint_eq(f->len, 14 + 576);
		ck_assert_mem_eq(icmp + 8, in + 14, 576 - 28); /* the packet as it came: TTL not yet down */
		ck_assert_msg(sum16(icmp, 576 - 20, 0) == 0xffff, "too big: bad ICMP checksum");
	}
	expect_drop(SLOT_B, DP_DROP_FRAG_NEEDED, 1);
	ck_assert_uint_eq(g_ctr->mtu.icmp4_sent, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 0);

	/* DF clear: routed in two fragments, each with the routed MACs and TTL */
	in[14 + 6] = 0;
	ipv4_fix_csum(in + 14);
	run(PB, in, len);
	expect_out(0, 0, 0, 2);
	for (int i = 0; i < 2; i++) {
		const struct frame *f = &g_out.f[PD][i];

		ck_assert_uint_le(f->len, 14 + 1000);
		ck_assert_uint_eq(f->data[5], MAC_D);
		ck_assert_mem_eq(f->data + 6, gw_mac, 6);
		ck_assert_uint_eq(f->data[14 + 8], 60);
		ck_assert_msg(ip_csum_ok(f->data + 14), "fragment: bad IPv4 checksum");
	}
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 1);

	/* IPv6: packet too big with the MTU in 32 bits */
	len = echo6_frame(in, MAC_B, gw_mac, host6, host6_d, 1108 - 62);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	{
		const struct frame *f = &g_out.f[PB][0];
		const uint8_t *ip = f->data + 14;

		pcap_note(f);
		ck_assert_mem_eq(f->data, in + 6, 6);
		ck_assert_mem_eq(f->data + 6, gw_mac, 6);
		ck_assert_mem_eq(ip + 8, gw6, 16);
		ck_assert_mem_eq(ip + 24, host6, 16);
		ck_assert_uint_eq(ip[40], 2);
		ck_assert_uint_eq(ip[41], 0);
		ck_assert_uint_eq(rd16(ip + 44), 0);
		ck_assert_uint_eq(rd16(ip + 46), 1000);
		ck_assert_mem_eq(ip + 48, in + 14, len - 14);
		ck_assert_msg(icmp6_csum_ok(ip), "packet too big: bad checksum");
	}
	expect_drop(SLOT_B, DP_DROP_FRAG_NEEDED, 2);
	ck_assert_uint_eq(g_ctr->mtu.icmp6_sent, 1);

	/* padding: a 108-byte IPv4 packet in a 300-byte frame, and a 1008-byte one in a 1200-byte frame */
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 108 - 42);
	memset(in + len, 0xee, 300 - len);
	run(PB, in, 300);
	expect_out(0, 0, 0, 1);
	expect_routed_to_d(&g_out.f[PD][0], in, len);
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 990 - 42);
	memset(in + len, 0xee, 1200 - len);
	run(PB, in, 1200);
	expect_out(0, 0, 0, 1);
	expect_routed_to_d(&g_out.f[PD][0], in, len);
	ck_assert_uint_eq(drops_total(), 2);
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/* f is the gateway's ARP request for tpa in VNI 200 (from 192.168.2.1), byte for byte. */
static void expect_glean_arp(const struct frame *f, uint32_t tpa)
{
	uint8_t want[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t spa = GW4_B;

	memcpy(want + 6, gw_mac, 6);
	want[12] = 0x08, want[13] = 0x06;
	want[14] = 0, want[15] = 1, want[16] = 0x08, want[17] = 0, want[18] = 6, want[19] = 4;
	want[20] = 0, want[21] = 1;
	memcpy(want + 22, gw_mac, 6);
	memcpy(want + 28, &spa, 4);
	memcpy(want + 38, &tpa, 4);
	expect_frame(f, want, 42);
}

/*
 * A destination in a connected subnet without a host route: the packet is dropped (glean),
 * and the subnet's gateway ARPs for it into that VNI (its local port D and, encapsulated, the
 * VNI's flood list: VTEP 0, whose leaf hands it to its own ports: test_route_glean_from_other_leaf),
 * at most a burst's worth at once (per VRF rate limit). The
 * host's ARP reply to the gateway goes to the control thread as MAC+IP (learn ring), which
 * installs the host route; then the packet is routed. IPv6: a neighbour solicitation.
 */
START_TEST(test_route_glean)
{
	uint8_t in[FRAME_MAX], arp[FRAME_MAX];
	uint32_t len, tpa = IPV4(192, 168, 2, 20);
	unsigned sent;

	publish(topo_l3());
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, tpa, 108 - 42);
	run(PB, in, len);
	expect_out(1, 0, 0, 1);
	expect_glean_arp(&g_out.f[PD][0], tpa);
	pcap_note(&g_out.f[PD][0]);
	expect_encap(&g_out.f[PA][0], 0, VNI_B, g_out.f[PD][0].data, 42);
	expect_only_drop(SLOT_B, DP_DROP_GLEAN, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_sent, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_drops, 1);

	/* a burst of them: rate-limited */
	for (int i = 0; i < 100; i++)
		inject(PB, in, len);
	while (poll_once())
		;
	collect();
	sent = g_out.n[PD];
	ck_assert_uint_eq(g_out.n[PA], sent);
	ck_assert_uint_ge(sent, 10);
	ck_assert_uint_lt(sent, 50);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_drops, 101);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_sent, 1 + sent);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_rate_limited, 100 - sent);
	expect_only_drop(SLOT_B, DP_DROP_GLEAN, 101);

	/* the host answers the gateway: its address goes to the control thread */
	learn_drain();
	len = arp_request(arp, MAC_D, tpa, GW4_B);
	memcpy(arp, gw_mac, 6);
	arp[14 + 7] = 2;                            /* a reply, to the gateway */
	mac_set(arp + 14 + 18, MAC_ZERO);
	memcpy(arp + 14 + 18, gw_mac, 6);
	run(PD, arp, len);
	expect_out(0, 0, 0, 0);
	expect_one_learn(1, MAC_D, DP_LEARN_IP | SLOT_D, tpa);
	/* taken in, not a drop */
	expect_only_drop(SLOT_B, DP_DROP_GLEAN, 101);
	ck_assert_uint_eq(g_ctr->ports[SLOT_D].drops[DP_DROP_TO_GATEWAY_UNROUTED], 0);
	ck_assert_uint_eq(g_ctr->vnis[1].gw_arp_answers, 1);

	/* IPv6: a neighbour solicitation from the gateway's address to the solicited-node group */
	reset_counters();
	memset(g_w.glean_rate, 0, sizeof(g_w.glean_rate));    /* the bucket full again, as after a quiet second */
	len = echo6_frame(in, MAC_B, gw_mac, host6, host6_new, 56);
	run(PB, in, len);
	expect_out(1, 0, 0, 1);
	{
		const struct frame *f = &g_out.f[PD][0];
		const uint8_t *ip = f->data + 14;
		uint8_t group[16], mmac[6] = { 0x33, 0x33, 0xff, 0, 0, 0x20 };

		pcap_note(f);
		solicited_node(group, host6_new);
		ck_assert_uint_eq(f->len, 14 + 40 + 32);
		ck_assert_mem_eq(f->data, mmac, 6);
		ck_assert_mem_eq(f->data + 6, gw_mac, 6);
		ck_assert_uint_eq(ip[7], 255);
		ck_assert_mem_eq(ip + 8, gw6_b, 16);
		ck_assert_mem_eq(ip + 24, group, 16);
		ck_assert_uint_eq(ip[40], 135);
		ck_assert_mem_eq(ip + 48, host6_new, 16);
		ck_assert_uint_eq(ip[64], 1);
		ck_assert_mem_eq(ip + 66, gw_mac, 6);
		ck_assert_msg(icmp6_csum_ok(ip), "NS: bad ICMPv6 checksum");
		expect_encap(&g_out.f[PA][0], 0, VNI_B, f->data, f->len);
	}
	expect_only_drop(SLOT_B, DP_DROP_GLEAN, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_sent, 1);
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/*
 * Glean across leaves: another leaf's glean request (ARP from the gateway's address, or NS
 * from its IPv6 address to a solicited-node group) arriving over the tunnel from the same
 * anycast gateway MAC is handed to the VNI's local ports (D), never back to the fabric, never
 * learned, counted gw_remote_gleans, not a conflict: a silent host here answers it to our
 * gateway, which learns it. Anything else from the gateway MAC stays a gateway_conflict.
 */
START_TEST(test_route_glean_from_other_leaf)
{
	uint8_t in[FRAME_MAX], glean[FRAME_MAX];
	uint32_t len, glen, tpa = IPV4(192, 168, 2, 20);

	publish(topo_l3());
	/* our own glean, as another leaf sends it: to D and, encapsulated, to VTEP 0 */
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, tpa, 108 - 42);
	run(PB, in, len);
	expect_out(1, 0, 0, 1);
	expect_glean_arp(&g_out.f[PD][0], tpa);
	glen = g_out.f[PD][0].len;
	memcpy(glean, g_out.f[PD][0].data, glen);
	expect_encap(&g_out.f[PA][0], 0, VNI_B, glean, glen);
	reset_counters();
	learn_drain();

	/* VTEP 0's glean arrives here: to D only */
	decap_to_d(VNI_B, glean, glen);
	ck_assert_uint_eq(g_ctr->vnis[1].gw_remote_gleans, 1);
	ck_assert_uint_eq(g_ctr->vnis[1].gw_conflicts, 0);
	expect_no_drops();
	expect_no_learn();

	/* the same request addressed to the gateway MAC itself (not broadcast) is no glean: a
	 * conflict, never flooded to the local ports (found by fuzz_fastpath) */
	memcpy(glean, gw_mac, 6);
	run_decap(VNI_B, glean, glen);
	expect_out(0, 0, 0, 0);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_GATEWAY_CONFLICT, 1);
	ck_assert_uint_eq(g_ctr->vnis[1].gw_conflicts, 1);
	reset_counters();
	memset(glean, 0xff, 6);

	/* an ARP reply from the gateway MAC over the tunnel is no glean: a conflict, as before */
	glean[14 + 7] = 2;
	run_decap(VNI_B, glean, glen);
	expect_out(0, 0, 0, 0);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_GATEWAY_CONFLICT, 1);
	ck_assert_uint_eq(g_ctr->vnis[1].gw_conflicts, 1);

	/* IPv6: the glean NS too */
	reset_counters();
	memset(g_w.glean_rate, 0, sizeof(g_w.glean_rate));
	len = echo6_frame(in, MAC_B, gw_mac, host6, host6_new, 56);
	run(PB, in, len);
	expect_out(1, 0, 0, 1);
	glen = g_out.f[PD][0].len;
	memcpy(glean, g_out.f[PD][0].data, glen);
	reset_counters();
	learn_drain();
	decap_to_d(VNI_B, glean, glen);
	ck_assert_uint_eq(g_ctr->vnis[1].gw_remote_gleans, 1);
	expect_no_drops();
	expect_no_learn();
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/*
 * What is not routed, each counted: no route, a blackhole, a route behind a remote VTEP while
 * the VRF has no L3 VNI, a multicast or broadcast destination, a bad IPv4 checksum; and a ping to the other
 * subnet's gateway address is answered by it. Without a VRF, frames to the gateway MAC stay
 * to_gateway_unrouted drops.
 */
START_TEST(test_route_not_routed)
{
	uint8_t in[FRAME_MAX];
	uint32_t len;

	publish(topo_l3());
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(10, 1, 2, 3), 56);
	run(PB, in, len);
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(10, 99, 1, 1), 56);
	run(PB, in, len);
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(224, 0, 0, 5), 56);
	run(PB, in, len);
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(255, 255, 255, 255), 56);
	run(PB, in, len);
	len = echo6_frame(in, MAC_B, gw_mac, host6, all_nodes6, 56);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_only_drop(SLOT_B, DP_DROP_NO_ROUTE, 5);
	ck_assert_uint_eq(g_ctr->vrfs[0].no_route, 5);

	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(10, 98, 7, 7), 56);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_ROUTE_NO_L3VNI, 1);      /* topo_l3 publishes no L3 VNI */
	ck_assert_uint_eq(g_ctr->vrfs[0].no_l3vni, 1);

	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 56);
	in[14 + 10] ^= 0x55;
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_GATEWAY_MALFORMED, 1);
	ck_assert_uint_eq(drops_total(), 7);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 0);

	/* ping 192.168.2.1 from VNI 100: VNI 200's gateway answers, from its address */
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, GW4_B, 56);
	run(PB, in, len);
	expect_out(0, 1, 0, 0);
	expect_echo4_reply(&g_out.f[PB][0], in, len);
	ck_assert_uint_eq(drops_total(), 7);

	/* the VNIs in no VRF: as before routing, to_gateway_unrouted */
	{
		struct dp_topology *t = topo_l3();

		t->n_vrfs = 0;
		publish(t);
	}
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, HOST4_D, 56);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_TO_GATEWAY_UNROUTED, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 0);
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/* ---- symmetric IRB: routing over the VRF's L3 VNI ---- */

#define L3VNI 900001
#define REMOTE4 IPV4(10, 98, 7, 7)          /* behind VTEP 0 (topo_l3's 10.98.0.0/16) */
static const uint8_t rmac_ours[6] = { 0x02, 0xaa, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t rmac_remote[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };  /* topo_l3's remote next hop */
static const uint8_t remote6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x98, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 };

/*
 * topo_l3 with the VRF's L3 VNI published as the control thread does: VNI 900001 at index 2
 * (l3: no ports, no flood list, no learning), the VRF's router MAC, and 2001:db8:98::/48
 * behind VTEP 0 too.
 */
static struct dp_topology *topo_irb(void)
{
	static const uint16_t none[1];
	struct dp_topology *t = topo_l3();
	struct dp_route_nh remote = { .type = DP_ROUTE_NH_REMOTE, .vtep_id = 0, .l3vni = L3VNI };
	const uint8_t pfx6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x98 };

	vni_fill(&t->vnis[2], L3VNI, none, 0, none, 0);
	t->vnis[2].learning = false;
	t->vnis[2].l3 = true;
	t->vnis[2].vrf = 0;
	t->n_vnis = 3;
	t->vrfs[0].l3vni_idx = 2;
	memcpy(t->vrfs[0].router_mac, rmac_ours, 6);
	memcpy(remote.mac, rmac_remote, 6);
	ck_assert_int_eq(dp_route_add6(g_rt, pfx6, 48, rt_nh(&remote)), 0);
	ck_assert_int_eq(dp_topology_finish(t), 0);
	return t;
}

/* want = in (len bytes) routed by us: MACs dst then src, TTL / hop limit one less, IPv4 checksum right. */
static void routed_copy(uint8_t *want, const uint8_t *in, uint32_t len, const uint8_t *dst, const uint8_t *src)
{
	memcpy(want, in, len);
	memcpy(want, dst, 6);
	memcpy(want + 6, src, 6);
	if (rd16(in + 12) == 0x0800) {
		want[14 + 8]--;
		ipv4_fix_csum(want + 14);
	} else {
		want[14 + 7]--;
	}
}

/* A frame in the L3 VNI as a remote leaf routes it to us: from its router MAC to ours. */
static uint32_t irb_in4(uint8_t *f, uint32_t dst4, uint32_t len)
{
	uint32_t n = echo4_frame(f, MAC_R0, rmac_ours, REMOTE4, dst4, len);

	memcpy(f + 6, rmac_remote, 6);
	return n;
}

static uint32_t irb_in6(uint8_t *f, const uint8_t *dst6, uint32_t len)
{
	uint32_t n = echo6_frame(f, MAC_R0, rmac_ours, remote6, dst6, len);

	memcpy(f + 6, rmac_remote, 6);
	return n;
}

/* f (out of the underlay) is VXLAN to VTEP 0 in the L3 VNI from our router MAC to the remote one; its inner frame. */
static const uint8_t *expect_irb_out(const struct frame *f)
{
	struct vxlan_parsed p;

	ck_assert_int_eq(vxlan_parse(f->data, f->len, VTEP0_IP, UDP_PORT, &p), VXLAN_OK);
	ck_assert_uint_eq(p.vni, L3VNI);
	ck_assert_uint_eq(p.outer_src_ip, LOCAL_IP);
	ck_assert_msg(ip_csum_ok(f->data + VXLAN_ETH_LEN), "outer IPv4 checksum is wrong");
	ck_assert_mem_eq(f->data + VXLAN_OUTER_LEN, rmac_remote, 6);
	ck_assert_mem_eq(f->data + VXLAN_OUTER_LEN + 6, rmac_ours, 6);
	return f->data + VXLAN_OUTER_LEN;
}

/*
 * Symmetric IRB out: a frame from B to the gateway MAC for a host behind VTEP 0 (IPv4
 * 10.98.0.0/16, IPv6 2001:db8:98::/48) is routed into the L3 VNI: TTL / hop limit one
 * less (IPv4 checksum right), inner destination the remote router MAC, inner source ours,
 * VXLAN to VTEP 0 with VNI 900001; counted as routed and routed_remote, and on the L3 VNI
 * and the VTEP. Too big for the L3 VNI: DF set gets "fragmentation needed" back to B from
 * the gateway (MAC and address of B's subnet, as a router does, not the destination's
 * address as for a bridged frame), IPv6 "packet too big" likewise, DF clear is fragmented
 * and each piece routed (Ethernet padding dropped first); with outer fragmentation on, a
 * packet within the L3 VNI's MTU but over the underlay's goes as one VXLAN packet in
 * underlay fragments, as a bridged one does.
 */
START_TEST(test_l3vni_route_remote)
{
	uint8_t in[4][FRAME_MAX], want[FRAME_MAX];
	uint32_t len[4], bytes = 0;

	publish(topo_irb());
	len[0] = echo4_frame(in[0], MAC_B, gw_mac, HOST4, REMOTE4, 108 - 42);
	len[1] = echo4_frame(in[1], MAC_B, gw_mac, HOST4, REMOTE4, 1008 - 42);
	len[2] = echo6_frame(in[2], MAC_B, gw_mac, host6, remote6, 108 - 62);
	len[3] = echo6_frame(in[3], MAC_B, gw_mac, host6, remote6, 1008 - 62);
	for (int i = 0; i < 4; i++) {
		const uint8_t *inner;

		run(PB, in[i], len[i]);
		expect_out(1, 0, 0, 0);
		pcap_note(&g_out.f[PA][0]);
		routed_copy(want, in[i], len[i], rmac_remote, rmac_ours);
		expect_encap_as(&g_out.f[PA][0], 0, L3VNI, want, len[i], true);
		inner = expect_irb_out(&g_out.f[PA][0]);
		if (i < 2) {
			ck_assert_uint_eq(inner[14 + 8], 60);               /* echo4_frame sends TTL 61 */
			ck_assert_msg(ip_csum_ok(inner + 14), "routed to remote: bad IPv4 checksum");
		} else {
			ck_assert_uint_eq(inner[14 + 7], 63);
			ck_assert_msg(icmp6_csum_ok(inner + 14), "routed to remote: bad ICMPv6 checksum");
		}
		bytes += len[i];
	}
	expect_no_drops();
	expect_one_learn(0, MAC_B, fdb_dest_port(SLOT_B), 0);     /* the sender, learned as any sender */
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 4);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_remote, 4);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_from_l3vni, 0);
	ck_assert_uint_eq(g_ctr->vnis[2].encap_pkts, 4);
	ck_assert_uint_eq(g_ctr->vnis[2].encap_bytes, bytes);
	ck_assert_uint_eq(g_ctr->vnis[0].encap_pkts, 0);
	ck_assert_uint_eq(g_ctr->vteps[0].tx_pkts, 4);
	expect_port(SLOT_B, 4, bytes, 0, 0);

	/* 1600 bytes, DF set: over the L3 VNI's 1450; "fragmentation needed" to B from the gateway MAC */
	len[0] = echo4_frame(in[0], MAC_B, gw_mac, HOST4, REMOTE4, 1600 - 42);
	run(PB, in[0], len[0]);
	expect_out(0, 1, 0, 0);
	{
		const uint8_t *f = g_out.f[PB][0].data, *ip = f + 14;
		uint8_t mac_b[6];

		uint32_t gw = GW4, host = HOST4;

		pcap_note(&g_out.f[PB][0]);
		mac_set(mac_b, MAC_B);
		ck_assert_mem_eq(f, mac_b, 6);
		ck_assert_mem_eq(f + 6, gw_mac, 6);
		ck_assert_uint_eq(ip[9], 1);
		ck_assert_mem_eq(ip + 12, &gw, 4);              /* from B's gateway, not from REMOTE4 */
		ck_assert_mem_eq(ip + 16, &host, 4);
		ck_assert_uint_eq(ip[20], 3);
		ck_assert_uint_eq(ip[21], 4);
		ck_assert_uint_eq(rd16(ip + 26), 1450);
		ck_assert_uint_eq(g_out.f[PB][0].len, 14 + 576);
		ck_assert_mem_eq(ip + 28, in[0] + 14, 576 - 28);  /* the packet as it came: TTL not yet down */
		ck_assert_msg(ip_csum_ok(ip), "frag needed: bad IPv4 checksum");
		ck_assert_msg(sum16(ip + 20, 576 - 20, 0) == 0xffff, "frag needed: bad ICMP checksum");
	}
	expect_only_drop(SLOT_B, DP_DROP_FRAG_NEEDED, 1);
	ck_assert_uint_eq(g_ctr->mtu.icmp4_sent, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_remote, 4);
	/* IPv6, 1600 bytes: "packet too big" from B's gateway address */
	len[1] = echo6_frame(in[1], MAC_B, gw_mac, host6, remote6, 1600 - 62);
	run(PB, in[1], len[1]);
	expect_out(0, 1, 0, 0);
	{
		const uint8_t *ip = g_out.f[PB][0].data + 14;

		pcap_note(&g_out.f[PB][0]);
		ck_assert_mem_eq(g_out.f[PB][0].data + 6, gw_mac, 6);
		ck_assert_mem_eq(ip + 8, gw6, 16);
		ck_assert_mem_eq(ip + 24, host6, 16);
		ck_assert_uint_eq(ip[40], 2);
		ck_assert_uint_eq(ip[41], 0);
		ck_assert_uint_eq(rd16(ip + 46), 1450);
		ck_assert_msg(icmp6_csum_ok(ip), "packet too big: bad checksum");
	}
	expect_drop(SLOT_B, DP_DROP_FRAG_NEEDED, 2);
	ck_assert_uint_eq(g_ctr->mtu.icmp6_sent, 1);
	/* DF clear: two fragments, each routed into the L3 VNI */
	in[0][14 + 6] = 0;
	ipv4_fix_csum(in[0] + 14);
	run(PB, in[0], len[0]);
	expect_out(2, 0, 0, 0);
	for (int i = 0; i < 2; i++) {
		const uint8_t *inner = expect_irb_out(&g_out.f[PA][i]);

		ck_assert_uint_eq(inner[14 + 8], 60);
		ck_assert_msg(ip_csum_ok(inner + 14), "fragment: bad IPv4 checksum");
		ck_assert_uint_le(g_out.f[PA][i].len, UNDERLAY_MTU + 14);
	}
	ck_assert_uint_eq(g_ctr->mtu.fragmented, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_remote, 5);
	ck_assert_uint_eq(drops_total(), 2);

	/* a 108-byte packet in a 1600-byte frame (padding): the padding goes, the packet is routed whole */
	len[0] = echo4_frame(in[0], MAC_B, gw_mac, HOST4, REMOTE4, 108 - 42);
	memset(in[0] + len[0], 0xee, 1600 - len[0]);
	run(PB, in[0], 1600);
	expect_out(1, 0, 0, 0);
	routed_copy(want, in[0], len[0], rmac_remote, rmac_ours);
	expect_encap_as(&g_out.f[PA][0], 0, L3VNI, want, len[0], true);
	ck_assert_uint_eq(g_ctr->mtu.fragmented, 1);

	/* outer fragmentation on (the L3 VNI at IP MTU 1500 over a 1500 underlay): 1500 bytes, DF
	 * clear, is routed as one VXLAN packet sent in underlay fragments, as a bridged frame is */
	{
		struct dp_topology *t = topo_irb();
		uint8_t whole[FRAME_MAX];
		uint32_t off = 0;

		dp_vni_set_mtu(&t->vnis[2], 1500, true, UNDERLAY_MTU);
		publish(t);
		len[0] = echo4_frame(in[0], MAC_B, gw_mac, HOST4, REMOTE4, 1514 - 42);
		in[0][14 + 6] = 0;
		ipv4_fix_csum(in[0] + 14);
		run(PB, in[0], len[0]);
		expect_out(2, 0, 0, 0);
		ck_assert_uint_eq(g_ctr->mtu.outer_fragmented, 1);
		for (int i = 0; i < 2; i++) {
			const uint8_t *ip = g_out.f[PA][i].data + 14;
			uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4, tot = rd16(ip + 2);

			ck_assert_uint_le(tot, UNDERLAY_MTU);
			ck_assert_msg(ip_csum_ok(ip), "outer fragment: bad IPv4 checksum");
			ck_assert_uint_eq((rd16(ip + 6) & 0x1fff) * 8u, off);
			memcpy(whole + off, ip + ihl, tot - ihl);
			off += tot - ihl;
		}
		/* the reassembled UDP payload: VXLAN (8), then the routed inner frame */
		ck_assert_uint_eq(off, 8 + 8 + len[0]);
		routed_copy(want, in[0], len[0], rmac_remote, rmac_ours);
		ck_assert_mem_eq(whole + 16, want, len[0]);
		ck_assert_uint_eq(g_ctr->vrfs[0].routed_remote, 7);
		/* DF set, over the L3 VNI's 1500: the gateway answers with 1500 */
		len[0] = echo4_frame(in[0], MAC_B, gw_mac, HOST4, REMOTE4, 1600 - 42);
		run(PB, in[0], len[0]);
		expect_out(0, 1, 0, 0);
		ck_assert_uint_eq(rd16(g_out.f[PB][0].data + 14 + 26), 1500);
		ck_assert_mem_eq(g_out.f[PB][0].data + 14 + 12, &(uint32_t){ GW4 }, 4);
	}
	ck_assert_uint_eq(drops_total(), 3);
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/* in (a frame from echo4_frame / echo6_frame) made UDP from port sp to 53; the outer UDP source port it is routed with. */
static uint16_t irb_udp_sport(uint8_t *in, uint32_t len, uint16_t sp)
{
	uint8_t *ip = in + 14;

	if (rd16(in + 12) == 0x0800) {
		ip[9] = 17;
		ipv4_fix_csum(ip);
		ip += 20;
	} else {
		ip[6] = 17;
		ip += 40;
	}
	wr16(ip, sp);
	wr16(ip + 2, 53);
	run(PB, in, len);
	expect_out(1, 0, 0, 0);
	(void)expect_irb_out(&g_out.f[PA][0]);
	return rd16(g_out.f[PA][0].data + 34);
}

/* How many different values the n ports hold. */
static unsigned distinct16(const uint16_t *v, unsigned n)
{
	unsigned d = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned j = 0;

		while (j < i && v[j] != v[i])
			j++;
		d += j == i;
	}
	return d;
}

/*
 * The outer UDP source port of a packet routed into the L3 VNI hashes its inner flow (the
 * underlay's ECMP spreads on it): one UDP flow keeps its port whatever the packet size (no
 * reordering across paths), 64 flows that differ only in their UDP source port get (nearly)
 * as many ports, IPv6 as IPv4 (the inner MACs are the same for all of them: a hash of the
 * MACs alone would put them all on one port), and the fragments of a packet share one.
 */
START_TEST(test_l3vni_route_sport)
{
	uint8_t in[FRAME_MAX];
	uint16_t p4[64], p6[64], a, b;
	uint32_t len;

	publish(topo_irb());
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, REMOTE4, 100);
	a = irb_udp_sport(in, len, 1000);
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, REMOTE4, 1000);
	b = irb_udp_sport(in, len, 1000);
	ck_assert_uint_eq(a, b);
	for (unsigned i = 0; i < 64; i++) {
		len = echo4_frame(in, MAC_B, gw_mac, HOST4, REMOTE4, 100);
		p4[i] = irb_udp_sport(in, len, (uint16_t)(1000 + i));
		len = echo6_frame(in, MAC_B, gw_mac, host6, remote6, 100);
		p6[i] = irb_udp_sport(in, len, (uint16_t)(1000 + i));
		ck_assert_uint_ge(p4[i], VXLAN_SRC_PORT_MIN);
		ck_assert_uint_ge(p6[i], VXLAN_SRC_PORT_MIN);
	}
	ck_assert_uint_ge(distinct16(p4, 64), 48);
	ck_assert_uint_ge(distinct16(p6, 64), 48);
	len = echo6_frame(in, MAC_B, gw_mac, host6, remote6, 900);
	ck_assert_uint_eq(irb_udp_sport(in, len, 1000), p6[0]);

	/* a first fragment (MF) and a later one (offset 8, no ports in it) of one packet: one port */
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, REMOTE4, 100);
	in[14 + 6] = 0x20;
	a = irb_udp_sport(in, len, 1000);
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, REMOTE4, 100);
	in[14 + 6] = 0, in[14 + 7] = 1;
	b = irb_udp_sport(in, len, 4242);
	ck_assert_uint_eq(a, b);
	expect_no_drops();
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/*
 * A route behind a remote VTEP that cannot be followed is a counted drop, never silent: the
 * VRF without an L3 VNI published (none, an L2 VNI, an index past the VNIs: route_no_l3vni),
 * a VTEP id not in the snapshot (unused, out of range: route_no_vtep), a VTEP not resolved
 * (vtep_unresolved).
 */
START_TEST(test_l3vni_route_remote_drops)
{
	static const uint16_t bad_idx[] = { DP_NO_ID, 1, 3 };
	struct dp_route_nh nh = { .type = DP_ROUTE_NH_REMOTE, .l3vni = L3VNI };
	uint8_t in[FRAME_MAX];
	uint32_t len = echo4_frame(in, MAC_B, gw_mac, HOST4, REMOTE4, 56);
	struct dp_topology *t;

	for (unsigned i = 0; i < RTE_DIM(bad_idx); i++) {
		t = topo_irb();
		t->vrfs[0].l3vni_idx = bad_idx[i];
		publish(t);
		run(PB, in, len);
		expect_out(0, 0, 0, 0);
	}
	expect_only_drop(SLOT_B, DP_DROP_ROUTE_NO_L3VNI, 3);
	ck_assert_uint_eq(g_ctr->vrfs[0].no_l3vni, 3);

	publish(topo_irb());
	memcpy(nh.mac, rmac_remote, 6);
	nh.vtep_id = 5;                                         /* no VTEP there */
	rt_add4(IPV4(10, 97, 0, 0), 16, rt_nh(&nh));
	nh.vtep_id = VTEP_MAX_VTEPS + 1;
	rt_add4(IPV4(10, 96, 0, 0), 16, rt_nh(&nh));
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(10, 97, 1, 1), 56);
	run(PB, in, len);
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(10, 96, 1, 1), 56);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_ROUTE_NO_VTEP, 2);
	ck_assert_uint_eq(g_ctr->vrfs[0].no_vtep, 2);

	t = topo_irb();
	t->vteps[1].n_nh = 0;
	publish(t);
	nh.vtep_id = 1;
	rt_add4(IPV4(10, 95, 0, 0), 16, rt_nh(&nh));
	len = echo4_frame(in, MAC_B, gw_mac, HOST4, IPV4(10, 95, 1, 1), 56);
	run(PB, in, len);
	expect_out(0, 0, 0, 0);
	expect_drop(SLOT_B, DP_DROP_VTEP_UNRESOLVED, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].unresolved_drops, 1);
	ck_assert_uint_eq(drops_total(), 6);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 0);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_remote, 0);
	ck_assert_uint_eq(g_ctr->vnis[2].encap_pkts, 0);
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/*
 * Symmetric IRB in: a frame in the L3 VNI from VTEP 0 to our router MAC is routed in the
 * VRF to the local host D: TTL / hop limit as it came (the ingress leaf took it down: the
 * fabric is one router, traceroute shows one hop), IPv4 checksum untouched, MACs rewritten
 * only (source the gateway MAC of D's VNI (here
 * made different from VNI 100's to tell them apart), destination D; IPv4 and IPv6; in one
 * burst with a bridged frame; nothing learned. A host not known yet is gleaned for. Over D's
 * MTU: DF clear is fragmented (each piece routed), DF set gets "fragmentation needed" back
 * through the L3 VNI from our router MAC to the remote one.
 */
START_TEST(test_l3vni_decap_local)
{
	static const uint8_t gw_mac_b[6] = { 0x00, 0x00, 0x22, 0x22, 0x44, 0x44 };
	uint8_t in[3][FRAME_MAX], vx[3][FRAME_MAX], want[FRAME_MAX];
	uint32_t len[3], vlen[3], bytes = 0;
	struct dp_topology *t = topo_irb();

	dp_gateway_set_mac(t->vnis[1].gw, gw_mac_b);
	publish(t);
	len[0] = irb_in4(in[0], HOST4_D, 108 - 42);
	len[1] = irb_in6(in[1], host6_d, 1008 - 62);
	for (int i = 0; i < 2; i++) {
		vlen[i] = vxlan_frame(vx[i], VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in[i], len[i]);
		run(PA, vx[i], vlen[i]);
		expect_out(0, 0, 0, 1);
		pcap_note(&g_out.f[PD][0]);
		{
			uint8_t mac_d[6];

			mac_set(mac_d, MAC_D);
			memcpy(want, in[i], len[i]);            /* the MACs only: TTL / hop limit kept */
			memcpy(want, mac_d, 6);
			memcpy(want + 6, gw_mac_b, 6);
		}
		expect_frame(&g_out.f[PD][0], want, len[i]);
		if (i == 0)
			ck_assert_msg(ip_csum_ok(g_out.f[PD][0].data + 14), "routed from L3 VNI: bad IPv4 checksum");
		else
			ck_assert_msg(icmp6_csum_ok(g_out.f[PD][0].data + 14), "routed from L3 VNI: bad ICMPv6 checksum");
		bytes += len[i];
	}
	expect_no_drops();
	expect_no_learn();
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 2);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_from_l3vni, 2);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_remote, 0);
	ck_assert_uint_eq(g_ctr->vnis[2].decap_pkts, 2);
	ck_assert_uint_eq(g_ctr->vnis[2].decap_bytes, bytes);
	ck_assert_uint_eq(g_ctr->vnis[2].flooded, 0);
	ck_assert_uint_eq(g_ctr->vteps[0].rx_pkts, 2);
	expect_port(SLOT_D, 0, 0, 2, bytes);

	/* one burst: routed IPv4, a bridged frame to C in VNI 100, routed IPv6 */
	len[2] = inner_frame(in[2], MAC_C, MAC_R0, 200, 3);
	vlen[2] = vxlan_frame(vx[2], VTEP0_IP, LOCAL_IP, UDP_PORT, VNI_A, in[2], len[2]);
	fdb_put(0, MAC_C, fdb_dest_port(SLOT_C));
	inject(PA, vx[0], vlen[0]);
	inject(PA, vx[2], vlen[2]);
	inject(PA, vx[1], vlen[1]);
	ck_assert_uint_eq(poll_once(), 3);
	expect_out(0, 0, 1, 2);
	expect_frame(&g_out.f[PC][0], in[2], len[2]);
	ck_assert_mem_eq(g_out.f[PD][0].data + 6, gw_mac_b, 6);
	ck_assert_uint_eq(g_out.f[PD][0].len, len[0]);
	ck_assert_uint_eq(g_out.f[PD][1].len, len[1]);
	expect_one_learn(0, MAC_R0, fdb_dest_vtep(0), VTEP0_IP);    /* the bridged frame's source only */
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_from_l3vni, 4);
	expect_no_drops();

	/* a host of a connected subnet not known yet: VNI 200's gateway ARPs for it (D and VTEP 0) */
	publish(topo_irb());
	len[0] = irb_in4(in[0], IPV4(192, 168, 2, 20), 60);
	vlen[0] = vxlan_frame(vx[0], VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in[0], len[0]);
	run(PA, vx[0], vlen[0]);
	expect_out(1, 0, 0, 1);
	expect_glean_arp(&g_out.f[PD][0], IPV4(192, 168, 2, 20));
	expect_encap(&g_out.f[PA][0], 0, VNI_B, g_out.f[PD][0].data, 42);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_GLEAN, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_sent, 1);

	/* D's MTU 1000: 1200 bytes DF set -> fragmentation needed back through the L3 VNI */
	t = topo_irb();
	t->port_mtu[SLOT_D] = 1000;
	publish(t);
	reset_counters();
	len[0] = irb_in4(in[0], HOST4_D, 1200 - 42);
	vlen[0] = vxlan_frame(vx[0], VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in[0], len[0]);
	run(PA, vx[0], vlen[0]);
	expect_out(1, 0, 0, 0);
	{
		const uint8_t *inner = expect_irb_out(&g_out.f[PA][0]), *ip = inner + 14;
		uint32_t gw = GW4_B, remote = REMOTE4;

		pcap_note(&g_out.f[PA][0]);
		ck_assert_uint_eq(rd16(inner + 12), 0x0800);
		ck_assert_mem_eq(ip + 12, &gw, 4);              /* from the gateway of D's subnet, a router */
		ck_assert_mem_eq(ip + 16, &remote, 4);
		ck_assert_uint_eq(ip[20], 3);
		ck_assert_uint_eq(ip[21], 4);
		ck_assert_uint_eq(rd16(ip + 26), 1000);
		ck_assert_msg(ip_csum_ok(ip), "frag needed: bad IPv4 checksum");
	}
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_FRAG_NEEDED, 1);
	ck_assert_uint_eq(g_ctr->mtu.icmp4_sent, 1);
	/* DF clear: fragments out of D, each routed */
	in[0][14 + 6] = 0;
	ipv4_fix_csum(in[0] + 14);
	vlen[0] = vxlan_frame(vx[0], VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in[0], len[0]);
	run(PA, vx[0], vlen[0]);
	expect_out(0, 0, 0, 2);
	for (int i = 0; i < 2; i++) {
		const uint8_t *f = g_out.f[PD][i].data;

		ck_assert_uint_le(g_out.f[PD][i].len, 1000 + 14);
		ck_assert_mem_eq(f + 6, gw_mac, 6);
		ck_assert_uint_eq(f[14 + 8], 61);                   /* as it came: not decremented again */
		ck_assert_msg(ip_csum_ok(f + 14), "fragment: bad IPv4 checksum");
	}
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_from_l3vni, 1);
	ck_assert_uint_eq(drops_total(), 1);
	learn_drain();
	rt_free();
	finish();
}
END_TEST

/*
 * What comes in on the L3 VNI and is not routed to a local host is a counted drop, and
 * nothing from it is learned, flooded or sent to the kernel (the exception port is up): an
 * inner destination other than our router MAC (the gateway's, the host's, broadcast), not
 * IP, a bad IPv4 header, a route behind a remote VTEP (no re-encapsulation), no route, a
 * blackhole, multicast, a gateway address; vtep_check holds on the L3 VNI as on L2 VNIs.
 */
START_TEST(test_l3vni_decap_drops)
{
	uint8_t in[FRAME_MAX], vx[FRAME_MAX];
	uint32_t len, vlen;
	struct dp_topology *t = topo_irb();

	topo_add_port(t, PX, DP_NO_ID);
	publish(t);
#define L3_IN(port)                                                                          \
	do {                                                                                 \
		vlen = vxlan_frame(vx, VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in, len);        \
		run(port, vx, vlen);                                                         \
	} while (0)
	len = irb_in4(in, HOST4_D, 56);
	memcpy(in, gw_mac, 6);
	L3_IN(PA);
	mac_set(in, MAC_D);
	L3_IN(PA);
	mac_set(in, MAC_BCAST);
	L3_IN(PA);
	expect_out6(0, 0, 0, 0, 0, 0);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_L3VNI_NOT_ROUTER_MAC, 3);

	len = arp_request(in, MAC_R0, REMOTE4, HOST4_D);
	memcpy(in, rmac_ours, 6);
	L3_IN(PA);
	len = irb_in4(in, HOST4_D, 56);
	in[14 + 10] ^= 0x55;                                /* bad IPv4 checksum */
	L3_IN(PA);
	expect_out6(0, 0, 0, 0, 0, 0);
	expect_drop(DP_PORT_UNDERLAY, DP_DROP_L3VNI_MALFORMED, 2);

	len = irb_in4(in, REMOTE4, 56);                     /* back behind VTEP 0: never re-encapsulated */
	L3_IN(PA);
	len = irb_in6(in, remote6, 56);
	L3_IN(PA);
	expect_out6(0, 0, 0, 0, 0, 0);
	expect_drop(DP_PORT_UNDERLAY, DP_DROP_REMOTE_TO_REMOTE, 2);

	len = irb_in4(in, IPV4(10, 1, 2, 3), 56);
	L3_IN(PA);
	len = irb_in4(in, IPV4(10, 99, 1, 1), 56);
	L3_IN(PA);
	len = irb_in4(in, IPV4(224, 0, 0, 5), 56);
	L3_IN(PA);
	expect_out6(0, 0, 0, 0, 0, 0);
	expect_drop(DP_PORT_UNDERLAY, DP_DROP_NO_ROUTE, 3);
	ck_assert_uint_eq(g_ctr->vrfs[0].no_route, 3);

	len = irb_in4(in, GW4_B, 56);
	L3_IN(PA);
	len = irb_in6(in, gw6_b, 56);
	L3_IN(PA);
	expect_out6(0, 0, 0, 0, 0, 0);
	expect_drop(DP_PORT_UNDERLAY, DP_DROP_L3VNI_TO_GATEWAY, 2);
	ck_assert_uint_eq(drops_total(), 12);
	ck_assert_uint_eq(g_ctr->vnis[2].decap_pkts, 12);
	ck_assert_uint_eq(g_ctr->vnis[2].flooded, 0);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 0);
	ck_assert_uint_eq(g_ctr->vrfs[0].glean_sent, 0);
	expect_no_learn();

	/* vtep_check: only VTEP 1 may send into the L3 VNI */
	reset_counters();
	t = topo_irb();
	t->vnis[2].vtep_check = true;
	t->vnis[2].known = calloc(VTEP_MAX_VTEPS / 64, sizeof(uint64_t));
	ck_assert_ptr_nonnull(t->vnis[2].known);
	t->vnis[2].known[0] = 1u << 1;
	publish(t);
	len = irb_in4(in, HOST4_D, 56);
	L3_IN(PA);
	expect_out(0, 0, 0, 0);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_UNKNOWN_VTEP, 1);
	ck_assert_uint_eq(g_ctr->vnis[2].unknown_vtep, 1);
	vlen = vxlan_frame(vx, VTEP1_IP, LOCAL_IP, UDP_PORT, L3VNI, in, len);
	run(PA, vx, vlen);
	expect_out(0, 0, 0, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_from_l3vni, 1);
	ck_assert_uint_eq(g_ctr->vteps[1].rx_pkts, 1);
#undef L3_IN
	expect_no_learn();
	rt_free();
	finish();
}
END_TEST

/*
 * TTL (hop limit) 1 in the L3 VNI: the ingress leaf already routed it (its last hop), so it is
 * delivered to the host with TTL 1, the fabric one router: traceroute across leaves shows one
 * routed hop, as within a leaf. TTL 0 (no leaf sends that): not forwarded; the destination
 * subnet's gateway sends time exceeded back through the L3 VNI to the VTEP it came from (inner
 * source our router MAC, destination the sender's); from a VTEP not in the table there is no
 * way back: dropped, counted.
 */
START_TEST(test_l3vni_decap_ttl)
{
	uint8_t in[FRAME_MAX], vx[FRAME_MAX];
	uint32_t len, vlen, gw = GW4_B, remote = REMOTE4;

	publish(topo_irb());
	len = irb_in4(in, HOST4_D, 108 - 42);
	in[14 + 8] = 1;
	ipv4_fix_csum(in + 14);
	vlen = vxlan_frame(vx, VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in, len);
	run(PA, vx, vlen);
	expect_out(0, 0, 0, 1);                                 /* TTL 1: delivered to D as it came */
	ck_assert_uint_eq(g_out.f[PD][0].data[14 + 8], 1);
	ck_assert_mem_eq(g_out.f[PD][0].data + 14, in + 14, len - 14);
	ck_assert_msg(ip_csum_ok(g_out.f[PD][0].data + 14), "TTL 1 delivered: bad IPv4 checksum");
	len = irb_in6(in, host6_d, 100);
	in[14 + 7] = 1;
	icmp6_fix_csum(in);
	vlen = vxlan_frame(vx, VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in, len);
	run(PA, vx, vlen);
	expect_out(0, 0, 0, 1);
	ck_assert_uint_eq(g_out.f[PD][0].data[14 + 7], 1);
	expect_no_drops();
	ck_assert_uint_eq(g_ctr->vrfs[0].routed_from_l3vni, 2);
	ck_assert_uint_eq(g_ctr->vrfs[0].ttl_expired, 0);

	len = irb_in4(in, HOST4_D, 108 - 42);
	in[14 + 8] = 0;
	ipv4_fix_csum(in + 14);
	vlen = vxlan_frame(vx, VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in, len);
	run(PA, vx, vlen);
	expect_out(1, 0, 0, 0);
	{
		const uint8_t *inner = expect_irb_out(&g_out.f[PA][0]), *ip = inner + 14;

		pcap_note(&g_out.f[PA][0]);
		ck_assert_uint_eq(g_out.f[PA][0].len, VXLAN_OUTER_LEN + 14 + 28 + len - 14);
		ck_assert_uint_eq(rd16(inner + 12), 0x0800);
		ck_assert_mem_eq(ip + 12, &gw, 4);              /* from the destination subnet's gateway */
		ck_assert_mem_eq(ip + 16, &remote, 4);
		ck_assert_uint_eq(ip[20], 11);
		ck_assert_uint_eq(ip[21], 0);
		ck_assert_mem_eq(ip + 28, in + 14, len - 14);
		ck_assert_msg(ip_csum_ok(ip), "time exceeded: bad IPv4 checksum");
		ck_assert_msg(sum16(ip + 20, len - 14 + 8, 0) == 0xffff, "time exceeded: bad ICMP checksum");
	}
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_TTL_EXPIRED, 1);
	ck_assert_uint_eq(g_ctr->vnis[2].encap_pkts, 1);

	len = irb_in6(in, host6_d, 100);
	in[14 + 7] = 0;
	icmp6_fix_csum(in);
	vlen = vxlan_frame(vx, VTEP0_IP, LOCAL_IP, UDP_PORT, L3VNI, in, len);
	run(PA, vx, vlen);
	expect_out(1, 0, 0, 0);
	{
		const uint8_t *inner = expect_irb_out(&g_out.f[PA][0]), *ip = inner + 14;

		pcap_note(&g_out.f[PA][0]);
		ck_assert_uint_eq(rd16(inner + 12), 0x86dd);
		ck_assert_mem_eq(ip + 8, gw6_b, 16);
		ck_assert_mem_eq(ip + 24, remote6, 16);
		ck_assert_uint_eq(ip[40], 3);
		ck_assert_uint_eq(ip[41], 0);
		ck_assert_mem_eq(ip + 48, in + 14, len - 14);
		ck_assert_msg(icmp6_csum_ok(ip), "ICMPv6 time exceeded: bad checksum");
	}
	ck_assert_uint_eq(g_ctr->vrfs[0].ttl_expired, 2);
	ck_assert_uint_eq(g_ctr->vrfs[0].icmp_time_exceeded, 2);

	/* from a VTEP not in the table (no vtep_check): nowhere to answer */
	len = irb_in4(in, HOST4_D, 56);
	in[14 + 8] = 0;
	ipv4_fix_csum(in + 14);
	vlen = vxlan_frame(vx, STRANGER_IP, LOCAL_IP, UDP_PORT, L3VNI, in, len);
	run(PA, vx, vlen);
	expect_out(0, 0, 0, 0);
	expect_only_drop(DP_PORT_UNDERLAY, DP_DROP_TTL_EXPIRED, 3);
	ck_assert_uint_eq(g_ctr->vrfs[0].ttl_expired, 3);
	ck_assert_uint_eq(g_ctr->vrfs[0].icmp_time_exceeded, 2);
	ck_assert_uint_eq(g_ctr->mtu.icmp_not_allowed, 1);
	ck_assert_uint_eq(g_ctr->vrfs[0].routed, 2);                   /* the TTL 1 ones */
	expect_no_learn();
	rt_free();
	finish();
}
END_TEST

static Suite *fastpath_suite(void)
{
	Suite *s = suite_create("fastpath");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_encap_known_remote);
	tcase_add_test(tc, test_flood_unknown_and_broadcast);
	tcase_add_test(tc, test_local_switch_and_hairpin);
	tcase_add_test(tc, test_decap_known_local);
	tcase_add_test(tc, test_decap_flood_split_horizon);
	tcase_add_test(tc, test_decap_drops);
	tcase_add_test(tc, test_exception_port);
	tcase_add_test(tc, test_exception_port_bad_frames);
	tcase_add_test(tc, test_learn_unknown_vtep);
	tcase_add_test(tc, test_vtep_unresolved);
	tcase_add_test(tc, test_ecmp_uplinks);
	tcase_add_test(tc, test_exception_per_uplink);
	tcase_add_test(tc, test_mtu_tunnel);
	tcase_add_test(tc, test_mtu_icmp_rate_limit);
	tcase_add_test(tc, test_mtu_port);
	tcase_add_test(tc, test_mtu_fragment_errors);
	tcase_add_test(tc, test_mtu_outer_fragmentation);
	tcase_add_test(tc, test_reassembly);
	tcase_add_test(tc, test_runt_and_bad_source);
	tcase_add_test(tc, test_no_vni);
	tcase_add_test(tc, test_tx_full);
	tcase_add_test(tc, test_multiseg_and_pool_empty);
	tcase_add_test(tc, test_burst_matches_single);
	tcase_add_test(tc, test_seen_bits_and_moves);
	tcase_add_test(tc, test_arp_suppression);
	tcase_add_test(tc, test_vtep_check);
	tcase_add_test(tc, test_learn_pinned);
	tcase_add_test(tc, test_learn_limit);
	tcase_add_test(tc, test_gw_arp);
	tcase_add_test(tc, test_gw_nd);
	tcase_add_test(tc, test_nd_learn);
	tcase_add_test(tc, test_gw_nd_answer);
	tcase_add_test(tc, test_gw_echo);
	tcase_add_test(tc, test_gw_mac_from_port_and_tunnel);
	tcase_add_test(tc, test_route_local);
	tcase_add_test(tc, test_route_ttl_expired);
	tcase_add_test(tc, test_route_too_big);
	tcase_add_test(tc, test_route_refreshes_sender);
	tcase_add_test(tc, test_route_glean);
	tcase_add_test(tc, test_route_glean_from_other_leaf);
	tcase_add_test(tc, test_route_not_routed);
	tcase_add_test(tc, test_l3vni_route_remote);
	tcase_add_test(tc, test_l3vni_route_remote_drops);
	tcase_add_test(tc, test_l3vni_route_sport);
	tcase_add_test(tc, test_l3vni_decap_local);
	tcase_add_test(tc, test_l3vni_decap_drops);
	tcase_add_test(tc, test_l3vni_decap_ttl);
	suite_add_tcase(s, tc);
	return s;
}

/* The ring ports, created once: rte_eth_from_rings, then configured and started like any port. */
static int ports_create(void)
{
	for (int p = 0; p < N_PORTS; p++) {
		struct rte_eth_conf conf;
		char name[RTE_RING_NAMESIZE];
		int id, rc;

		snprintf(name, sizeof(name), "fp_rx%d", p);
		g_rx[p] = rte_ring_create(name, RING_SLOTS, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "fp_tx%d", p);
		g_tx[p] = rte_ring_create(name, p == PE ? SMALL_TX_SLOTS : RING_SLOTS, (int)rte_socket_id(),
					  RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!g_rx[p] || !g_tx[p]) {
			fprintf(stderr, "test_fastpath: ring for port %d: %s\n", p, rte_strerror(rte_errno));
			return -1;
		}
		snprintf(name, sizeof(name), "net_ring_fp%d", p);
		id = rte_eth_from_rings(name, &g_rx[p], 1, &g_tx[p], 1, rte_socket_id());
		if (id < 0) {
			fprintf(stderr, "test_fastpath: rte_eth_from_rings(%s): %s\n", name, rte_strerror(rte_errno));
			return -1;
		}
		g_port[p] = (uint16_t)id;
		memset(&conf, 0, sizeof(conf));
		if ((rc = rte_eth_dev_configure(g_port[p], 1, 1, &conf)) != 0 ||
		    (rc = rte_eth_rx_queue_setup(g_port[p], 0, RING_SLOTS, rte_socket_id(), NULL, g_pool)) != 0 ||
		    (rc = rte_eth_tx_queue_setup(g_port[p], 0, RING_SLOTS, rte_socket_id(), NULL)) != 0 ||
		    (rc = rte_eth_dev_start(g_port[p])) != 0) {
			fprintf(stderr, "test_fastpath: port %s: %s\n", name, rte_strerror(-rc));
			return -1;
		}
	}
	return 0;
}

static void ports_destroy(void)
{
	for (int p = 0; p < N_PORTS; p++) {
		if (g_rx[p] && g_tx[p] && rte_eth_dev_is_valid_port(g_port[p])) {
			rte_eth_dev_stop(g_port[p]);
			rte_eth_dev_close(g_port[p]);
		}
		rte_ring_free(g_rx[p]);
		rte_ring_free(g_tx[p]);
	}
}

int main(void)
{
	/* no hugepages, no PCI, no shared files (22.11 refuses --in-memory with --no-huge) */
	SRunner *sr;
	int failed = 1;

	if (test_eal_init("test_fastpath", 512) != 0)
		return EXIT_FAILURE;
	g_pool = rte_pktmbuf_pool_create("fp_pool", POOL_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!g_pool) {
		fprintf(stderr, "test_fastpath: mbuf pool: %s\n", rte_strerror(rte_errno));
	} else if (ports_create() == 0) {
		sr = srunner_create(fastpath_suite());
		/* one process: EAL can be initialised only once */
		srunner_set_fork_status(sr, CK_NOFORK);
		srunner_run_all(sr, CK_NORMAL);
		failed = srunner_ntests_failed(sr);
		srunner_free(sr);
	}
	ports_destroy();
	rte_mempool_free(g_pool);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

