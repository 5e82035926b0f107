/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_fastpath.c: libFuzzer target for the fast path as it runs (dataplane/fastpath.c and
 * everything it calls: VXLAN parsing, the MAC and ARP tables, fragmentation, ICMP errors,
 * outer reassembly). The real worker polls DPDK ring ports: an underlay, two container
 * ports and the exception port, with a topology that has a resolved and an unresolved VTEP,
 * ARP suppression, an anycast gateway (VNI 100: 192.168.0.1/24, 2001:db8::1/64, MAC
 * 0000.2222.3333; VNI 200: 192.168.2.1/24), both VNIs routed in one VRF (connected subnets,
 * host routes to 192.168.0.10 on A and 192.168.2.11 on B, a blackhole 10.99.0.0/16, routes
 * behind VTEP 0 at 10.98.0.0/16 and 2001:db8:98::/48) with its L3 VNI 900001 (symmetric IRB,
 * router MAC 02::0e:01), a VNI with outer fragmentation and a container port with a small MTU, in
 * two worlds: a 1500-byte underlay with 2 KiB mbufs, and a 9216-byte (jumbo) underlay with
 * mbufs that hold a whole jumbo frame.
 *
 * An input is a world byte (bit 0: jumbo) and a sequence of records [flags][length, 2 bytes
 * little-endian][frame]: flags bits 0-1 pick the receiving port, bit 2 chains the frame over
 * several mbufs. Every frame
 * is received, the worker polls until it has nothing left, the learn events it posts are
 * applied to the MAC table as the control thread would (and removed after the input).
 * Whatever comes out must hold, else abort():
 *  - each received frame counted once on its port;
 *  - every frame sent is one segment, no longer than its port allows, and every IPv4 header
 *    the fast path built for the underlay (source: the VTEP) has a valid checksum, a length
 *    that fits the frame and fits the underlay's MTU;
 *  - the gateway: what leaves port A from the gateway MAC is one of its answers (an ARP reply
 *    or a glean request from it, an ICMP echo reply, time exceeded or too big with valid checksums,
 *    an ICMPv6 echo reply, time exceeded, packet too big, neighbour advertisement or solicitation with a valid
 *    checksum), or to 192.168.0.10 (maybe routed) an IPv4 header still valid; nothing leaves
 *    A to the gateway MAC, and nothing goes into the tunnel in VNI 100 to it, nor from it
 *    but its glean requests;
 *  - the L3 VNI: what we send in it is IPv4 or IPv6 from our router MAC to a unicast MAC
 *    (routed, or an ICMP error back); nothing in it is ever learned;
 *  - no mbuf leaks: with the outputs freed and the reassembler emptied, the pool is whole.
 *
 * Build: part of the meson build with clang (test/fuzz_fastpath); scripts/test.sh runs it.
 * Run:   build-clang/test/fuzz_fastpath -max_total_time=60 test/fuzz/corpus/fastpath
 * FUZZ_FASTPATH_SHOW=1 in the environment prints what each input did (to check that a seed
 * takes the path it is named after): frames out per port, drops, size decisions.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "arp.h"
#include "vtep_dp.h"
#include "fastpath.h"
#include "fdb.h"
#include "fuzz_check.h"
#include "reasm.h"
#include "route.h"
#include "test_dp_vni.h"
#include "vxlan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_IPV4(a, b, c, d) RTE_BE32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define FZ_LOCAL_IP FZ_IPV4(10, 0, 0, 1)
#define FZ_UDP_PORT 4789
#define FZ_JUMBO_MTU 9216
#define FZ_JUMBO_BUF (10240 + RTE_PKTMBUF_HEADROOM)
#define FZ_PORT_B_MTU 1400
#define FZ_POOL_MBUFS 4095
#define FZ_RING_SLOTS 1024
#define FZ_MAX_FRAMES 64         /* records taken from one input */
#define FZ_MAX_FRAME 9300
#define FZ_MAX_LEARNED 512

/* Ports: U underlay, A (VNI 100), B (VNI 200, MTU 1400, outer fragmentation), X exception. */
enum { FZ_U, FZ_A, FZ_B, FZ_X, FZ_N_PORTS };
static const uint16_t fz_slot[FZ_N_PORTS] = { DP_PORT_UNDERLAY, 1, 2, DP_PORT_EXCEPTION };

/* A world: its mbufs, its underlay MTU, its worker and topology (ports and tables are shared). */
struct fz_world {
	struct rte_mempool *pool;
	uint16_t underlay_mtu;
	struct dp_worker w;
	struct dp_topology *_Atomic topo;
};
static struct fz_world fz_worlds[2];
static const uint8_t fz_gw_mac[6] = { 0x00, 0x00, 0x22, 0x22, 0x33, 0x33 };
static const uint8_t fz_rmac[6] = { 0x02, 0, 0, 0, 0x0e, 0x01 };   /* our router MAC in the VRF */
#define FZ_L3VNI 900001
#define FZ_L3VNI_IDX 2
static struct rte_ring *fz_rx[FZ_N_PORTS], *fz_tx[FZ_N_PORTS];
static uint16_t fz_port[FZ_N_PORTS];
static struct fdb *fz_fdb;
static struct arp_table *fz_arp;
static struct dp_route_table *fz_rt;
static struct rte_ring *fz_learn;
static struct dp_counters *fz_ctr;
static uint64_t fz_learned[FZ_MAX_LEARNED];
static unsigned fz_n_learned;
static bool fz_show;
static unsigned long fz_l3vni_out;      /* frames we sent in the L3 VNI (shown with FUZZ_FASTPATH_SHOW) */

static void fz_die(const char *what)
{
	fprintf(stderr, "fuzz_fastpath: %s: %s\n", what, rte_strerror(rte_errno));
	exit(1);
}

static void fz_mac(uint8_t mac[6], uint8_t id)
{
	const uint8_t m[6] = { 0x02, 0, 0, 0, 0, id };

	memcpy(mac, m, 6);
}

static void fz_ports_create(void)
{
	for (int p = 0; p < FZ_N_PORTS; p++) {
		struct rte_eth_conf conf;
		char name[RTE_RING_NAMESIZE];
		int id;

		snprintf(name, sizeof(name), "fz_rx%d", p);
		fz_rx[p] = rte_ring_create(name, FZ_RING_SLOTS, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "fz_tx%d", p);
		fz_tx[p] = rte_ring_create(name, FZ_RING_SLOTS, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!fz_rx[p] || !fz_tx[p])
			fz_die("ring");
		snprintf(name, sizeof(name), "net_ring_fz%d", p);
		id = rte_eth_from_rings(name, &fz_rx[p], 1, &fz_tx[p], 1, rte_socket_id());
		if (id < 0)
			fz_die("rte_eth_from_rings");
		fz_port[p] = (uint16_t)id;
		memset(&conf, 0, sizeof(conf));
		if (rte_eth_dev_configure(fz_port[p], 1, 1, &conf) ||
		    rte_eth_rx_queue_setup(fz_port[p], 0, FZ_RING_SLOTS, rte_socket_id(), NULL, fz_worlds[0].pool) ||
		    rte_eth_tx_queue_setup(fz_port[p], 0, FZ_RING_SLOTS, rte_socket_id(), NULL) ||
		    rte_eth_dev_start(fz_port[p]))
			fz_die("ring port");
	}
}

/*
 * VNI 100 (index 0): port A, floods to VTEPs 0 (10.0.0.2, resolved) and 1 (10.0.0.3, not
 * resolved). VNI 200 (index 1): port B (MTU 1400), floods to VTEP 0, outer fragmentation on
 * (over the 1500-byte underlay with an MTU of 1500, so its VXLAN packets are split), takes
 * VXLAN from VTEP 0 only (vtep_check); port B is at its MAC limit (learns no new MAC).
 * VNI 900001 (index 2): the VRF's L3 VNI, no ports, no flood list, no learning.
 */
static struct dp_topology *fz_topology(uint16_t underlay_mtu)
{
	static const uint16_t flood_a[] = { 0, 1 }, flood_b[] = { 0 };
	const uint8_t underlay_mac[6] = { 0x02, 0, 0, 0, 1, 1 }, nexthop_mac[6] = { 0x02, 0, 0, 0, 1, 2 };
	struct dp_topology *t = dp_topology_new(FZ_LOCAL_IP, FZ_UDP_PORT, underlay_mtu);

	if (!t)
		fz_die("topology");
	for (int p = 0; p < FZ_N_PORTS; p++) {
		uint16_t slot = fz_slot[p];

		t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = slot, .dpdk_port = fz_port[p] };
		t->port_dpdk[slot] = fz_port[p];
		t->port_vni[slot] = p == FZ_A ? 0 : p == FZ_B ? 1 : DP_NO_ID;
	}
	t->port_mtu[fz_slot[FZ_B]] = FZ_PORT_B_MTU;
	t->n_vnis = 3;
	if (!test_dp_vni_fill(&t->vnis[0], 100, &fz_slot[FZ_A], 1, flood_a, 2, false, underlay_mtu) ||
	    !test_dp_vni_fill(&t->vnis[1], 200, &fz_slot[FZ_B], 1, flood_b, 1, true, underlay_mtu) ||
	    !test_dp_vni_fill(&t->vnis[FZ_L3VNI_IDX], FZ_L3VNI, flood_a, 0, flood_a, 0, false, underlay_mtu))
		fz_die("calloc");
	t->vnis[FZ_L3VNI_IDX].learning = false;
	t->vnis[FZ_L3VNI_IDX].l3 = true;
	t->vnis[FZ_L3VNI_IDX].vrf = 0;
	if (underlay_mtu < 1600)   /* VNI 200 carries 1500-byte packets: VXLAN packets split on the underlay */
		dp_vni_set_mtu(&t->vnis[1], 1500, true, underlay_mtu);
	t->vteps[0].ip = FZ_IPV4(10, 0, 0, 2);
	t->vteps[0].n_nh = 1;
	vxlan_template_init(&t->vteps[0].nh[0].tmpl, underlay_mac, nexthop_mac, FZ_LOCAL_IP, t->vteps[0].ip, FZ_UDP_PORT);
	t->vteps[1].ip = FZ_IPV4(10, 0, 0, 3);
	t->vnis[1].vtep_check = true;
	t->vnis[1].known = calloc(VTEP_MAX_VTEPS / 64, sizeof(uint64_t));
	if (!t->vnis[1].known)
		fz_die("calloc");
	t->vnis[1].known[0] = 1;
	t->port_learn_full[fz_slot[FZ_B]] = true;
	t->vnis[0].gw = calloc(1, sizeof(*t->vnis[0].gw));
	if (!t->vnis[0].gw)
		fz_die("calloc");
	dp_gateway_set_mac(t->vnis[0].gw, fz_gw_mac);
	t->vnis[0].gw->ip4_on = true;
	t->vnis[0].gw->ip4 = FZ_IPV4(192, 168, 0, 1);
	t->vnis[0].gw->ip4_len = 24;
	t->vnis[0].gw->ip6_on = true;
	memcpy(t->vnis[0].gw->ip6, (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 16);
	t->vnis[0].gw->ip6_len = 64;
	t->vnis[1].gw = calloc(1, sizeof(*t->vnis[1].gw));
	if (!t->vnis[1].gw)
		fz_die("calloc");
	dp_gateway_set_mac(t->vnis[1].gw, fz_gw_mac);
	t->vnis[1].gw->ip4_on = true;
	t->vnis[1].gw->ip4 = FZ_IPV4(192, 168, 2, 1);
	t->vnis[1].gw->ip4_len = 24;
	t->n_vrfs = 1;
	t->vrfs[0].table = fz_rt;
	t->vrfs[0].l3vni = FZ_L3VNI;
	t->vrfs[0].l3vni_idx = FZ_L3VNI_IDX;
	memcpy(t->vrfs[0].router_mac, fz_rmac, 6);
	t->vnis[0].vrf = 0;
	t->vnis[1].vrf = 0;
	if (dp_topology_finish(t))
		fz_die("topology");
	return t;
}

/* Static entries: 02::a0 behind VTEP 0, 02::a1 behind VTEP 1 (VNI 100); 02::0a on A (A's own, pinned), 02::0b on B. */
static void fz_tables(void)
{
	uint8_t mac[6];

	fz_mac(mac, 0xa0);
	FZ_CHECK(fdb_add_static(fz_fdb, fdb_key(0, mac), fdb_dest_vtep(0)) == 0);
	fz_mac(mac, 0xa1);
	FZ_CHECK(fdb_add_static(fz_fdb, fdb_key(0, mac), fdb_dest_vtep(1)) == 0);
	fz_mac(mac, 0x0a);
	FZ_CHECK(fdb_install(fz_fdb, fdb_key(0, mac), fz_slot[FZ_A], FDB_F_PORT) == 0);   /* A's own MAC */
	fz_mac(mac, 0x0b);
	FZ_CHECK(fdb_add_static(fz_fdb, fdb_key(1, mac), fz_slot[FZ_B]) == 0);
	/* ARP suppression: 192.168.0.160 is 02::a0 in VNI 100 */
	fz_mac(mac, 0xa0);
	FZ_CHECK(arp_table_set(fz_arp, 0, FZ_IPV4(192, 168, 0, 160), mac) == 0);
}

/* The VRF's routes (see the top of the file). */
static void fz_routes(void)
{
	struct dp_route_conf rc = { .name = "fz_vrf", .socket_id = SOCKET_ID_ANY, .max_v4_routes = 64,
				    .max_v6_routes = 64, .max_nexthops = 16 };
	struct dp_route_nh nh[] = {
		{ .type = DP_ROUTE_NH_GLEAN, .vni_idx = 0 },
		{ .type = DP_ROUTE_NH_GLEAN, .vni_idx = 1 },
		{ .type = DP_ROUTE_NH_LOCAL, .vni_idx = 0, .port = fz_slot[FZ_A] },
		{ .type = DP_ROUTE_NH_LOCAL, .vni_idx = 1, .port = fz_slot[FZ_B] },
		{ .type = DP_ROUTE_NH_DROP },
		{ .type = DP_ROUTE_NH_REMOTE, .vtep_id = 0, .l3vni = 900001, .mac = { 0x02, 0, 0, 0, 9, 9 } },
	};
	static const uint32_t pfx[][2] = { { 0xc0a80000, 24 }, { 0xc0a80200, 24 }, { 0xc0a8000a, 32 },
					    { 0xc0a8020b, 32 }, { 0x0a630000, 16 }, { 0x0a620000, 16 } };
	uint32_t idx[RTE_DIM(nh)];

	fz_mac(nh[2].mac, 0x0a);
	fz_mac(nh[3].mac, 0x0b);
	FZ_CHECK(dp_route_table_create(&rc, &fz_rt) == 0);
	for (unsigned i = 0; i < RTE_DIM(nh); i++) {
		FZ_CHECK(dp_route_nh_get(fz_rt, &nh[i], &idx[i]) == 0);
		FZ_CHECK(dp_route_add4(fz_rt, pfx[i][0], (uint8_t)pfx[i][1], idx[i]) == 0);
	}
	FZ_CHECK(dp_route_add6(fz_rt, (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8 }, 64, idx[0]) == 0);
	FZ_CHECK(dp_route_add6(fz_rt, (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 0x98 }, 48, idx[5]) == 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char a0[] = "fuzz_fastpath", a1[] = "--no-huge", a2[] = "-m", a3[] = "512", a4[] = "--no-pci",
	     a5[] = "--no-shconf", a6[] = "--no-telemetry", a8[] = "-l", a9[] = "0", a10[] = "--log-level=*:error";
	char *eal_argv[] = { a0, a1, a2, a3, a4, a5, a6, prefix, a8, a9, a10, NULL };

	(void)argc;
	(void)argv;
	fz_show = getenv("FUZZ_FASTPATH_SHOW") != NULL;
	snprintf(prefix, sizeof(prefix), "--file-prefix=vtepd_fuzz_fastpath_%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) < 0)
		fz_die("rte_eal_init");
	fz_worlds[0].pool = rte_pktmbuf_pool_create("fz_pool", FZ_POOL_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
						    (int)rte_socket_id());
	fz_worlds[0].underlay_mtu = 1500;
	fz_worlds[1].pool = rte_pktmbuf_pool_create("fz_pool_jumbo", FZ_POOL_MBUFS / 2, 0, 0, FZ_JUMBO_BUF,
						    (int)rte_socket_id());
	fz_worlds[1].underlay_mtu = FZ_JUMBO_MTU;
	if (!fz_worlds[0].pool || !fz_worlds[1].pool)
		fz_die("mbuf pool");
	fz_ports_create();
	fz_fdb = fdb_create("fz_fdb", 4096, NULL);
	fz_arp = arp_table_create("fz_arp", 1024, NULL);
	fz_learn = rte_ring_create_elem("fz_learn", sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE,
					(int)rte_socket_id(), RING_F_SC_DEQ);
	fz_ctr = rte_zmalloc("fz_counters", sizeof(*fz_ctr), RTE_CACHE_LINE_SIZE);
	if (!fz_fdb || !fz_arp || !fz_learn || !fz_ctr)
		fz_die("tables");
	fz_tables();
	fz_routes();
	for (int i = 0; i < 2; i++) {
		struct fz_world *wd = &fz_worlds[i];

		wd->w.topology = &wd->topo;
		wd->w.fdb = fz_fdb;
		wd->w.arp = fz_arp;
		wd->w.learn_ring = fz_learn;
		wd->w.pool = wd->pool;
		wd->w.counters = fz_ctr;
		wd->w.reasm = dp_reasm_create(16, 50, (int)rte_socket_id());
		if (!wd->w.reasm || dp_worker_init(&wd->w))
			fz_die("dp_worker_init");
		atomic_store(&wd->topo, fz_topology(wd->underlay_mtu));
	}
	/* the directory EAL made for the file prefix (empty with --no-shconf) */
	rmdir(rte_eal_get_runtime_dir());
	return 0;
}

/* A frame of len bytes as one mbuf, or chained over mbufs of at most seg bytes each; NULL if the pool is dry. */
static struct rte_mbuf *fz_mbuf(struct rte_mempool *pool, const uint8_t *d, uint32_t len, uint32_t seg)
{
	struct rte_mbuf *head = NULL, *last = NULL;
	uint32_t off = 0;

	do {
		uint32_t n = len - off < seg ? len - off : seg;
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		if (!m) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), d + off, n);
		if (!head) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
			head->pkt_len += n;
		}
		last = m;
		off += n;
	} while (off < len);
	return head;
}

/*
 * The exception port's frames go out unchanged; the output check takes an IPv4 header from
 * the VTEP's address for one the fast path built, so the kernel's frames get another source.
 */
static void fz_not_ours(struct rte_mbuf *m)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t src;

	if (rte_pktmbuf_data_len(m) < 30 || f[12] != 0x08 || f[13] != 0x00)
		return;
	memcpy(&src, f + 26, 4);
	if (src == FZ_LOCAL_IP)
		f[29] ^= 0x80;
}

static uint64_t fz_rx_total(void)
{
	uint64_t n = 0;

	for (int p = 0; p < FZ_N_PORTS; p++)
		n += fz_ctr->ports[fz_slot[p]].rx_pkts;
	return n;
}

/* The control thread's side of learning: apply each event (remembering what to remove later). */
static void fz_apply_learning(void)
{
	struct dp_learn_event ev[64];
	unsigned n;

	while ((n = rte_ring_dequeue_burst_elem(fz_learn, ev, sizeof(ev[0]), 64, NULL)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			bool moved;

			FZ_CHECK(fdb_key_vni_idx(ev[i].key) != FZ_L3VNI_IDX);   /* nothing from the L3 VNI */
			if (ev[i].dest & DP_LEARN_IP)   /* an address (IPv4, or IPv6 with DP_LEARN_IP6) */
				continue;
			if (fdb_dest_is_vtep(ev[i].dest) && fdb_dest_id(ev[i].dest) == DP_VTEP_UNKNOWN)
				continue;
			if (fz_n_learned < FZ_MAX_LEARNED && fdb_learn(fz_fdb, ev[i].key, ev[i].dest, dp_clock_sec(), &moved) == 0)
				fz_learned[fz_n_learned++] = ev[i].key;
		}
	}
}

static uint16_t fz_csum(const uint8_t *p, unsigned len)
{
	uint32_t s = 0;

	for (unsigned i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The ICMPv6 message of the IPv6 frame f (len bytes) has a valid checksum (pseudo-header included). */
static bool fz_icmp6_ok(const uint8_t *f, uint32_t len)
{
	uint32_t plen, s;

	if (len < 54 + 4 || f[20] != 58)
		return false;
	plen = (uint32_t)(f[18] << 8 | f[19]);
	if (54 + plen > len)
		return false;
	s = plen + 58;
	for (uint32_t i = 22; i < 54; i += 2)
		s += (uint32_t)(f[i] << 8 | f[i + 1]);
	for (uint32_t i = 0; i + 1 < plen; i += 2)
		s += (uint32_t)(f[54 + i] << 8 | f[54 + i + 1]);
	if (plen & 1)
		s += (uint32_t)f[54 + plen - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/*
 * Built by the fast path, not passed through from the kernel's exception port: the outer source
 * is the VTEP's address (fz_not_ours() gives the kernel's frames another one).
 */
static bool fz_from_vtep(const uint8_t *f)
{
	uint32_t src;

	memcpy(&src, f + 26, 4);
	return src == FZ_LOCAL_IP;
}

/*
 * A VXLAN packet's first bytes (IPv4, UDP to 4789, not a later outer fragment, whose bytes
 * there are the middle of an inner frame) in VNI vni, built by the fast path.
 */
static bool fz_vxlan_in(const uint8_t *f, uint32_t len, uint32_t vni)
{
	return len >= 50 + 14 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 17 && (f[20] & 0x1f) == 0 && f[21] == 0 &&
	       f[36] == 0x12 && f[37] == 0xb5 && f[46] == (uint8_t)(vni >> 16) && f[47] == (uint8_t)(vni >> 8) &&
	       f[48] == (uint8_t)vni && fz_from_vtep(f);
}

/* What the gateway may send out of port A, and what must never cross the tunnel in VNI 100. */
static void fz_check_gateway(int p, const uint8_t *f, uint32_t len)
{
	if (p == FZ_A) {
		FZ_CHECK(memcmp(f, fz_gw_mac, 6) != 0);
		if (memcmp(f + 6, fz_gw_mac, 6) != 0)
			return;
		if (f[12] == 0x08 && f[13] == 0x06) {           /* an ARP reply, or a glean request, from the gateway */
			FZ_CHECK(len >= 42 && f[20] == 0 && (f[21] == 2 || f[21] == 1) && !memcmp(f + 22, fz_gw_mac, 6));
		} else if (f[12] == 0x08 && f[13] == 0x00 && len >= 34 && f[30] == 192 && f[31] == 168 && f[32] == 0 &&
			   f[33] == 10) {
			unsigned ihl, tot;                      /* to 192.168.0.10, maybe routed: its header still valid */

			FZ_CHECK(len >= 14 + 20 && (f[14] >> 4) == 4);
			ihl = (f[14] & 0x0fu) * 4u;
			tot = (unsigned)(f[16] << 8 | f[17]);
			FZ_CHECK(ihl >= 20 && tot >= ihl && 14 + tot <= len && fz_csum(f + 14, ihl) == 0);
		} else if (f[12] == 0x08 && f[13] == 0x00) {    /* from a gateway address: an echo reply, time exceeded, too big */
			unsigned tot;

			FZ_CHECK(len >= 14 + 28 && f[14] == 0x45 && f[23] == 1 &&
				 (f[34] == 0 || f[34] == 11 || (f[34] == 3 && f[35] == 4)));
			tot = (unsigned)(f[16] << 8 | f[17]);
			FZ_CHECK(tot >= 28 && 14 + tot == len);
			FZ_CHECK(fz_csum(f + 14, 20) == 0 && fz_csum(f + 34, tot - 20) == 0);
		} else {                                        /* an ICMPv6 echo reply, time exceeded, too big, an NA or an NS */
			FZ_CHECK(f[12] == 0x86 && f[13] == 0xdd && fz_icmp6_ok(f, len));
			FZ_CHECK(f[54] == 129 || f[54] == 3 || f[54] == 2 || ((f[54] == 136 || f[54] == 135) && f[21] == 255 && len == 86));
		}
	} else if (p == FZ_U && fz_vxlan_in(f, len, 100)) {   /* our VXLAN in VNI 100 */
		FZ_CHECK(memcmp(f + 50, fz_gw_mac, 6) != 0);
		if (!memcmp(f + 56, fz_gw_mac, 6))              /* from it: only a glean request (ARP or NS) */
			FZ_CHECK((f[62] == 0x08 && f[63] == 0x06 && len >= 50 + 42 && f[71] == 1) ||
				 (f[62] == 0x86 && f[63] == 0xdd && len >= 50 + 86 && f[104] == 135));
	} else if (p == FZ_U && fz_vxlan_in(f, len, FZ_L3VNI)) {   /* our VXLAN in the L3 VNI: routed, or an ICMP error back */
		FZ_CHECK(!memcmp(f + 56, fz_rmac, 6));
		FZ_CHECK(!(f[50] & 1) && (f[50] | f[51] | f[52] | f[53] | f[54] | f[55]));   /* to a unicast MAC */
		FZ_CHECK((f[62] == 0x08 && f[63] == 0x00) || (f[62] == 0x86 && f[63] == 0xdd));
		fz_l3vni_out++;
	}
}

static void fz_check_output(const struct fz_world *wd, int p, const struct rte_mbuf *m)
{
	static uint8_t buf[FZ_MAX_FRAME + 64];
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *f;

	FZ_CHECK(m->nb_segs == 1);
	FZ_CHECK(len >= 14);
	if (p == FZ_U)   /* what the kernel sent through the exception port may carry a VLAN tag */
		FZ_CHECK(len <= wd->underlay_mtu + 14u + 4u);
	if (p == FZ_B)
		FZ_CHECK(len <= FZ_PORT_B_MTU + 14u);
	if ((p != FZ_U && p != FZ_A) || len > sizeof(buf))
		return;
	f = rte_pktmbuf_read(m, 0, len, buf);
	FZ_CHECK(f != NULL);
	fz_check_gateway(p, f, len);
	if (p != FZ_U)
		return;
	/* what the fast path built for the underlay: the outer IPv4 header of VXLAN, fragments, ICMP */
	if (f[12] == 0x08 && f[13] == 0x00 && len >= 34 && (f[14] >> 4) == 4) {
		unsigned ihl = (f[14] & 0x0fu) * 4u, tot = (unsigned)(f[16] << 8 | f[17]);
		uint32_t src;

		memcpy(&src, f + 26, 4);
		if (src != FZ_LOCAL_IP)
			return;   /* not built by the fast path: from the exception port, as it came (fz_not_ours) */
		FZ_CHECK(len <= wd->underlay_mtu + 14u);
		FZ_CHECK(ihl >= 20 && 14 + ihl <= len);
		FZ_CHECK(fz_csum(f + 14, ihl) == 0);
		FZ_CHECK(tot >= ihl && 14 + tot <= len);
	}
}

static void fz_show_counters(const struct fz_world *wd, const unsigned *out)
{
	const struct dp_mtu_counters *mc = &fz_ctr->mtu;

	printf("world %u: out U %u A %u B %u X %u; fragmented %lu (%lu pieces), outer %lu, icmp4 %lu, icmp6 %lu, "
	       "reassembled %lu, arp_suppressed %lu, gateway arp %lu na %lu echo %lu conflicts %lu unrouted %lu; "
	       "routed %lu (remote %lu, from L3 VNI %lu), L3 VNI out %lu; drops:",
	       wd->underlay_mtu, out[FZ_U], out[FZ_A], out[FZ_B], out[FZ_X],
	       (unsigned long)mc->fragmented, (unsigned long)mc->fragments, (unsigned long)mc->outer_fragmented,
	       (unsigned long)mc->icmp4_sent, (unsigned long)mc->icmp6_sent, (unsigned long)mc->reasm.reassembled,
	       (unsigned long)fz_ctr->vnis[0].arp_suppressed, (unsigned long)fz_ctr->vnis[0].gw_arp_replies,
	       (unsigned long)fz_ctr->vnis[0].gw_na_sent, (unsigned long)fz_ctr->vnis[0].gw_echo_replies,
	       (unsigned long)fz_ctr->vnis[0].gw_conflicts, (unsigned long)fz_ctr->vnis[0].gw_unrouted,
	       (unsigned long)fz_ctr->vrfs[0].routed, (unsigned long)fz_ctr->vrfs[0].routed_remote,
	       (unsigned long)fz_ctr->vrfs[0].routed_from_l3vni, fz_l3vni_out);
	for (int p = 0; p < FZ_N_PORTS; p++)
		for (int d = 1; d < DP_DROP_MAX; d++)
			if (fz_ctr->ports[fz_slot[p]].drops[d])
				printf(" %c:%s", "UABX"[p], dp_drop_name((enum dp_drop)d));
	printf("\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_world *wd = &fz_worlds[size ? data[0] & 1 : 0];
	unsigned avail[2] = { rte_mempool_avail_count(fz_worlds[0].pool), rte_mempool_avail_count(fz_worlds[1].pool) };
	unsigned injected = 0;
	uint64_t rx_before = fz_rx_total();
	size_t off = 1;
	unsigned out[FZ_N_PORTS] = { 0 };
	struct rte_mbuf *m;

	if (fz_show) {
		memset(fz_ctr, 0, sizeof(*fz_ctr));
		rx_before = 0;
		fz_l3vni_out = 0;
	}

	while (off + 3 <= size && injected < FZ_MAX_FRAMES) {
		uint8_t flags = data[off];
		uint32_t len = (uint32_t)data[off + 1] | (uint32_t)data[off + 2] << 8;
		int p = flags & 3;

		off += 3;
		if (len > size - off)
			len = (uint32_t)(size - off);
		if (len == 0 || len > FZ_MAX_FRAME)
			continue;
		/* chained: segments of 64 to 512 bytes; else one mbuf (up to its data room) */
		m = fz_mbuf(wd->pool, data + off, len,
			    flags & 4 ? 64u << ((flags >> 3) & 3) : rte_pktmbuf_data_room_size(wd->pool) - RTE_PKTMBUF_HEADROOM);
		off += len;
		if (!m)
			break;
		if (p == FZ_X)
			fz_not_ours(m);
		FZ_CHECK(rte_ring_enqueue(fz_rx[p], m) == 0);
		injected++;
	}
	for (int polls = 0; polls < 64; polls++) {
		unsigned got = dp_worker_poll(&wd->w, atomic_load(&wd->topo));

		fz_apply_learning();
		for (int p = 0; p < FZ_N_PORTS; p++)
			while (rte_ring_dequeue(fz_tx[p], (void **)&m) == 0) {
				fz_check_output(wd, p, m);
				out[p]++;
				rte_pktmbuf_free(m);
			}
		if (!got)
			break;
	}
	if (fz_show)
		fz_show_counters(wd, out);
	for (int p = 0; p < FZ_N_PORTS; p++)
		FZ_CHECK(rte_ring_count(fz_rx[p]) == 0);
	FZ_CHECK(fz_rx_total() - rx_before == injected);
	/* fragments waiting in reassembly hold mbufs until their timeout: start an empty reassembler */
	dp_reasm_free(wd->w.reasm);
	wd->w.reasm = dp_reasm_create(16, 50, (int)rte_socket_id());
	FZ_CHECK(wd->w.reasm != NULL);
	FZ_CHECK(rte_mempool_avail_count(fz_worlds[0].pool) == avail[0]);
	FZ_CHECK(rte_mempool_avail_count(fz_worlds[1].pool) == avail[1]);
	for (unsigned i = 0; i < fz_n_learned; i++)
		fdb_delete(fz_fdb, fz_learned[i]);
	fz_n_learned = 0;
	return 0;
}
