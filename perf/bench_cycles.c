/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_cycles: vtepd's own fast-path work, measured alone on one core. The real worker
 * (dp_worker_poll, the real MAC table, topology and counters) polls two DPDK ring ports, a
 * container port and the underlay; this program feeds bursts of 32 prepared frames into one
 * and takes what comes out of the other, outside the timed region. The cycles of each poll
 * less those inside the ports' receive and transmit (the worker's own io accounting, the
 * same that `vtepctl show stats` reports as own_cycles_per_pkt) are vtepd's own work.
 *
 * Points: encap (inner frames from the container to remote MACs, learned-source refresh,
 * destination lookup, VXLAN header) and decap (VXLAN from a remote VTEP, parse, learning
 * refresh, lookup, delivery), with the MAC table holding MACS entries (half behind the
 * container port, half behind the VTEP); the traffic uses one source and destination MAC
 * (--traffic-macs 1) or draws both at random from all of the table's (0: every frame its
 * own pair, so every lookup may miss the caches); FLOWS distinct IPv4/UDP flows.
 *
 *   bench_cycles [--macs N,..] [--traffic-macs N,..] [--flows N,..] [--packets N] [--size BYTES] [--json FILE]
 *   (EAL options first, then --; e.g. bench_cycles -l 1 --no-pci --no-huge -m 512 -- --macs 1000,1000000)
 *
 * With --routes N,.. it measures route lookups instead (dataplane/route.c, no ports): a VRF
 * table of N host routes (IPv4 /32s spread over 10.0.0.0/8; IPv6 /128s in one /64) and 1k
 * prefixes towards 256 remote next hops; bursts of 32 destinations drawn at random from the
 * hosts, each burst one bulk lookup and a read of every result's next-hop record; cycles per
 * destination, IPv4 and IPv6.
 *   bench_cycles -l 1 --no-pci --no-huge -m 2048 -- --routes 1000,1000000 [--packets N]
 *
 * With --routed N,.. it measures the routing step in the real worker, against the bridged
 * frame in the same run: one VRF, two VNIs with the anycast gateway, 64-byte frames from a
 * container to the gateway MAC routed to a LOCAL next hop (a container in the other VNI),
 * and from the same container to a container MAC in its own VNI (bridged); with N IPv4 host
 * routes (random /32s), with --prefixes N IPv4 prefixes of mixed lengths and no host routes
 * (default 1000, 0: none), with --routed6 N,.. IPv6 /128 host routes (default 1000, 0: none).
 * Each table's points: routed and bridged, to one destination and to destinations drawn at
 * random from all N routes (or N MACs) per frame; they take turns in BC_L3_ROUNDS rounds, and
 * a point's figure is the median of its rounds, so that a busy spell of this shared machine
 * falls on all of them alike. Routed minus bridged is the routing step.
 * With --remote N,.. also N IPv4 host routes behind 16 other leaves (REMOTE next hops: routed
 * into the VRF's L3 VNI, symmetric IRB, out of the underlay), against the bridged frame to
 * remote MACs behind the same leaves (encap).
 *   bench_cycles -l 1 --no-pci -- --routed 1000,1000000 [--prefixes N] [--routed6 N,..] [--remote N,..]
 *                [--json FILE]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_udp.h>

#include "vtep_dp.h"
#include "fastpath.h"
#include "fdb.h"
#include "port.h"
#include "route.h"
#include "vxlan.h"

#define BC_UDP_PORT 4789
#define BC_VNI 100
#define BC_SLOT_C 1                    /* the container port's slot */
#define BC_SLOT_B 2                    /* routed points: a container port in the other VNI */
#define BC_SLOT_D 3                    /* routed points: a second container port in C's VNI */
#define BC_FRAMES 4096                 /* prepared mbufs in circulation */
#define BC_RING 8192
#define BC_MAX_POINTS 16
#define BC_IP(a, b, c, d) RTE_BE32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* ring ports: the container port and the underlay; B and D only in the routed points */
enum { BC_PORT_C, BC_PORT_U, BC_PORT_B, BC_PORT_D, BC_N_PORTS };

static const uint8_t bc_underlay_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0xee, 0x01 };
static const uint8_t bc_nexthop_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0xee, 0x02 };
static const uint32_t bc_local_ip = BC_IP(10, 0, 0, 1), bc_remote_ip = BC_IP(10, 0, 0, 2);

struct bc_result {
	const char *dir;
	unsigned macs, traffic_macs, flows;
	uint64_t pkts, own_cycles, io_cycles, out_pkts;
};

static struct rte_mempool *bc_pool;
static struct rte_ring *bc_rx[BC_N_PORTS], *bc_tx[BC_N_PORTS];
static uint16_t bc_port[BC_N_PORTS];
static struct dp_topology *_Atomic bc_topo;

/* xorshift64*: the frames' random picks (outside the timed region) */
static uint64_t bc_rand_state = 0x2545f4914f6cdd1dull;
static inline uint64_t bc_rand(void)
{
	bc_rand_state ^= bc_rand_state >> 12;
	bc_rand_state ^= bc_rand_state << 25;
	bc_rand_state ^= bc_rand_state >> 27;
	return bc_rand_state * 0x2545f4914f6cdd1dull;
}

/* MAC i of a side: local MACs 02:01:xx:xx:xx:xx, remote ones 02:02:xx:xx:xx:xx */
static inline void bc_mac(uint8_t side, uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = side;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static int bc_ports_create(void)
{
	for (int p = 0; p < BC_N_PORTS; p++) {
		char name[RTE_RING_NAMESIZE], err[256];
		int id;

		snprintf(name, sizeof(name), "bc_rx%d", p);
		bc_rx[p] = rte_ring_create(name, BC_RING, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "bc_tx%d", p);
		bc_tx[p] = rte_ring_create(name, BC_RING, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!bc_rx[p] || !bc_tx[p]) {
			fprintf(stderr, "bench_cycles: ring %s: %s\n", name, rte_strerror(rte_errno));
			return -1;
		}
		snprintf(name, sizeof(name), "net_ring_bc%d", p);
		id = rte_eth_from_rings(name, &bc_rx[p], 1, &bc_tx[p], 1, rte_socket_id());
		if (id < 0) {
			fprintf(stderr, "bench_cycles: rte_eth_from_rings(%s): %s\n", name, rte_strerror(rte_errno));
			return -1;
		}
		bc_port[p] = (uint16_t)id;
		if (dp_port_start(bc_port[p], bc_pool, 1024, err, sizeof(err)) != 0) {
			fprintf(stderr, "bench_cycles: port %s: %s\n", name, err);
			return -1;
		}
	}
	return 0;
}

/* One VNI: the container port and one remote VTEP (resolved), learning on, as a leaf runs it. */
static struct dp_topology *bc_topology(void)
{
	struct dp_topology *t = dp_topology_new(bc_local_ip, BC_UDP_PORT, 1500);
	struct dp_vni *v;

	if (!t)
		return NULL;
	t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = DP_PORT_UNDERLAY, .dpdk_port = bc_port[BC_PORT_U] };
	t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = BC_SLOT_C, .dpdk_port = bc_port[BC_PORT_C] };
	t->port_dpdk[DP_PORT_UNDERLAY] = bc_port[BC_PORT_U];
	t->port_dpdk[BC_SLOT_C] = bc_port[BC_PORT_C];
	t->port_vni[BC_SLOT_C] = 0;
	t->n_vnis = 1;
	v = &t->vnis[0];
	v->vni = BC_VNI;
	v->learning = true;
	dp_vni_set_mtu(v, 0, false, 1500);
	v->ports = calloc(VTEP_MAX_PORTS + 1, sizeof(uint16_t));
	v->flood = calloc(VTEP_MAX_VTEPS, sizeof(uint16_t));
	if (!v->ports || !v->flood) {
		dp_topology_free(t);
		return NULL;
	}
	v->ports[0] = BC_SLOT_C;
	v->n_ports = 1;
	v->flood[0] = 0;
	v->n_flood = 1;
	t->vteps[0].ip = bc_remote_ip;
	t->vteps[0].n_nh = 1;
	vxlan_template_init(&t->vteps[0].nh[0].tmpl, bc_underlay_mac, bc_nexthop_mac, bc_local_ip, bc_remote_ip, BC_UDP_PORT);
	if (dp_topology_finish(t) != 0) {
		dp_topology_free(t);
		return NULL;
	}
	return t;
}

/* An inner Ethernet/IPv4/UDP frame of size bytes at p (MACs filled per send). */
static void bc_inner(uint8_t *p, unsigned size)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	memset(p, 0, size);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(size - RTE_ETHER_HDR_LEN));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = BC_IP(192, 168, 0, 1);
	ip->dst_addr = BC_IP(192, 168, 0, 2);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(1024);
	udp->dst_port = rte_cpu_to_be_16(5001);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(size - RTE_ETHER_HDR_LEN - sizeof(*ip)));
}

/*
 * The prepared frames: for decap, a VXLAN packet from the remote VTEP whose outer header is
 * written once (vxlan_encap_write, as the peer would); for encap, the inner frame alone.
 */
static int bc_frames(struct rte_mbuf **f, bool decap, unsigned size)
{
	struct vxlan_template tmpl;

	vxlan_template_init(&tmpl, bc_nexthop_mac, bc_underlay_mac, bc_remote_ip, bc_local_ip, BC_UDP_PORT);
	for (unsigned i = 0; i < BC_FRAMES; i++) {
		uint8_t *p;

		f[i] = rte_pktmbuf_alloc(bc_pool);
		if (!f[i] || !(p = (uint8_t *)rte_pktmbuf_append(f[i], (uint16_t)(size + (decap ? VXLAN_OUTER_LEN : 0)))))
			return -1;
		if (decap) {
			bc_inner(p + VXLAN_OUTER_LEN, size);
			vxlan_encap_write(p, &tmpl, BC_VNI, (uint16_t)size, 49152, (uint16_t)i);
		} else {
			bc_inner(p, size);
		}
	}
	return 0;
}

/*
 * Give frame m a random source and destination among the table's MACs and a random one of
 * the flows (this touches the frame as a receiving PMD would).
 */
static inline void bc_pick(struct rte_mbuf *m, bool decap, uint32_t n_local, uint32_t n_remote, uint32_t flows)
{
	uint8_t *p = rte_pktmbuf_mtod_offset(m, uint8_t *, decap ? VXLAN_OUTER_LEN : 0);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + RTE_ETHER_HDR_LEN);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint64_t r = bc_rand();
	uint32_t local = (uint32_t)(r % n_local), remote = (uint32_t)((r >> 24) % n_remote);
	uint32_t flow = flows > 1 ? (uint32_t)((r >> 44) % flows) : 0;

	bc_mac(decap ? 2 : 1, decap ? remote : local, p + 6);       /* source */
	bc_mac(decap ? 1 : 2, decap ? local : remote, p);           /* destination */
	ip->src_addr = BC_IP(192, 168, (flow >> 8) & 0xff, flow & 0xff);
	udp->src_port = rte_cpu_to_be_16((uint16_t)(1024 + (flow >> 16)));
}

/*
 * What one timed point sends: prepared frames into in_port, what comes out of out_port
 * restored by prepending (restore > 0) or stripping (< 0) that many bytes, and pick(m, arg)
 * giving each frame its addresses before it goes in (outside the timed region).
 */
struct bc_traffic {
	uint16_t in_port, out_port;
	int restore;
	void (*pick)(struct rte_mbuf *m, void *arg);
	void *arg;
};

/*
 * Polls longer than this (in microseconds) are left out of a point: no poll of 32 frames takes
 * that long unless the thread was preempted (this machine's two cores are shared), which would
 * add milliseconds to one poll. They are counted (polls_left_out in the JSON).
 */
#define BC_POLL_MAX_US 100

/* Polls left out of the last points (BC_POLL_MAX_US), for the JSON. */
static uint64_t bc_left_out;

/*
 * Send packets frames (and a tenth more first, untimed, to warm up) of tr through the worker
 * w, BC_FRAMES prepared ones in circulation. *own: the polls' cycles less the ports' receive
 * and transmit, *io those; *pkts the frames of the polls timed, *got those that came out.
 * 0, or -1 when frames were lost or came back out of the port they went in on.
 */
static int bc_loop(struct dp_worker *w, struct rte_mbuf **frames, const struct bc_traffic *tr, uint64_t packets,
		   uint64_t *pkts, uint64_t *own_out, uint64_t *io_out, uint64_t *got_out)
{
	struct rte_mbuf *out[DP_BURST * 2];
	uint64_t own = 0, io = 0, done = 0, warm = packets / 10, got = 0, timed = 0;
	uint64_t poll_max = rte_get_tsc_hz() / 1000000 * BC_POLL_MAX_US;
	unsigned next = 0, free_n = BC_FRAMES;

	while (done < packets + warm) {
		const struct dp_topology *t = atomic_load_explicit(&bc_topo, memory_order_acquire);
		struct rte_mbuf *burst[DP_BURST];
		unsigned n = RTE_MIN((unsigned)DP_BURST, free_n), k;
		uint64_t t0, t1;

		for (unsigned i = 0; i < n; i++) {
			burst[i] = frames[next];
			next = (next + 1) % BC_FRAMES;
			tr->pick(burst[i], tr->arg);
		}
		free_n -= rte_ring_enqueue_burst(bc_rx[tr->in_port], (void **)burst, n, NULL);
		t0 = rte_rdtsc();
		k = dp_worker_poll(w, t);
		t1 = rte_rdtsc();
		if (done >= warm && t1 - t0 > poll_max) {
			bc_left_out++;
		} else if (done >= warm) {
			own += t1 - t0 - w->loop_io_cycles;
			io += w->loop_io_cycles;
			timed += k;
		}
		done += k;
		/* what came out, back to its prepared form */
		while ((n = rte_ring_dequeue_burst(bc_tx[tr->out_port], (void **)out, RTE_DIM(out), NULL)) > 0) {
			for (unsigned i = 0; i < n; i++) {
				if (tr->restore > 0)
					rte_pktmbuf_prepend(out[i], (uint16_t)tr->restore);
				else if (tr->restore < 0)
					rte_pktmbuf_adj(out[i], (uint16_t)-tr->restore);
			}
			got += done > warm ? n : 0;
			/* the ring of prepared frames keeps its order: what went out comes back in turn */
			free_n += n;
		}
		if (rte_ring_count(bc_tx[tr->in_port]) > 0) {
			fprintf(stderr, "bench_cycles: frames went back out of the port they came in on\n");
			return -1;
		}
		if (k == 0 && free_n == 0) {
			fprintf(stderr, "bench_cycles: frames lost (drops counted: see vtepd's counters)\n");
			return -1;
		}
	}
	*pkts = timed;
	*own_out = own;
	*io_out = io;
	*got_out = got;
	return 0;
}

/* Empty every port ring (the frames in them are freed by their array) and free the frames. */
static void bc_frames_free(struct rte_mbuf **frames)
{
	struct rte_mbuf *m;

	for (int p = 0; p < BC_N_PORTS; p++) {
		while (rte_ring_dequeue(bc_rx[p], (void **)&m) == 0)
			;
		while (rte_ring_dequeue(bc_tx[p], (void **)&m) == 0)
			;
	}
	for (unsigned i = 0; i < BC_FRAMES; i++)
		rte_pktmbuf_free(frames[i]);
}

struct bc_l2_pick {
	bool decap;
	uint32_t n_local, n_remote, flows;
};

static void bc_l2_pick(struct rte_mbuf *m, void *arg)
{
	const struct bc_l2_pick *p = arg;

	bc_pick(m, p->decap, p->n_local, p->n_remote, p->flows);
}

static int bc_point(struct dp_worker *w, bool decap, unsigned macs, unsigned traffic_macs, unsigned flows,
		    uint64_t packets, unsigned size, struct bc_result *res)
{
	static unsigned gen;
	unsigned n_local = macs / 2 ? macs / 2 : 1, n_remote = macs - n_local ? macs - n_local : 1;
	struct bc_l2_pick pick = {
		.decap = decap, .flows = flows,
		.n_local = traffic_macs ? RTE_MIN(traffic_macs, n_local) : n_local,
		.n_remote = traffic_macs ? RTE_MIN(traffic_macs, n_remote) : n_remote,
	};
	struct bc_traffic tr = {
		.in_port = decap ? BC_PORT_U : BC_PORT_C, .out_port = decap ? BC_PORT_C : BC_PORT_U,
		.restore = decap ? VXLAN_OUTER_LEN : -VXLAN_OUTER_LEN, .pick = bc_l2_pick, .arg = &pick,
	};
	struct rte_mbuf *frames[BC_FRAMES] = { NULL };
	char name[32];
	struct fdb *fdb;
	uint64_t now = dp_clock_sec();
	int rc = -1;

	snprintf(name, sizeof(name), "bc_fdb%u", gen++);
	fdb = fdb_create(name, macs + 16, NULL);
	if (!fdb) {
		fprintf(stderr, "bench_cycles: MAC table of %u: %s\n", macs, rte_strerror(rte_errno));
		return -1;
	}
	/* the table: local MACs learned behind the container port, remote ones behind the VTEP */
	for (unsigned i = 0; i < n_local; i++) {
		uint8_t mac[6];

		bc_mac(1, i, mac);
		if (fdb_learn(fdb, fdb_key(0, mac), fdb_dest_port(BC_SLOT_C), now, NULL) != 0)
			goto out;
	}
	for (unsigned i = 0; i < n_remote; i++) {
		uint8_t mac[6];

		bc_mac(2, i, mac);
		if (fdb_learn(fdb, fdb_key(0, mac), fdb_dest_vtep(0), now, NULL) != 0)
			goto out;
	}
	w->fdb = fdb;
	if (bc_frames(frames, decap, size) != 0) {
		fprintf(stderr, "bench_cycles: out of mbufs\n");
		goto out;
	}
	if (bc_loop(w, frames, &tr, packets, &res->pkts, &res->own_cycles, &res->io_cycles, &res->out_pkts) != 0)
		goto out;
	res->dir = decap ? "decap" : "encap";
	res->macs = macs;
	res->traffic_macs = traffic_macs;
	res->flows = flows;
	rc = 0;
out:
	w->fdb = NULL;
	bc_frames_free(frames);
	fdb_destroy(fdb);
	return rc;
}

#define BC_ROUTE_PREFIXES 1000
#define BC_ROUTE_DESTS 65536           /* prepared destinations, drawn from the hosts */

/* Host i of N: IPv4 spread over 10.0.0.0/8 (an odd multiplier permutes 24 bits), IPv6 dense. */
static inline uint32_t bc_route_host4(uint32_t i)
{
	return (10u << 24) | ((i * 2654435761u) & 0xffffffu);
}

static inline void bc_route_host6(uint32_t i, uint8_t a[16])
{
	static const uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };

	memcpy(a, base, 16);
	a[12] = (uint8_t)(i >> 24);
	a[13] = (uint8_t)(i >> 16);
	a[14] = (uint8_t)(i >> 8);
	a[15] = (uint8_t)i;
}

/* Cycles per destination of bulk route lookups in a table of n host routes; -1 on failure. */
static double bc_route_point(unsigned n, bool v6, uint64_t packets, uint64_t *mem)
{
	static unsigned gen;
	static uint32_t d4[BC_ROUTE_DESTS];
	static uint8_t d6[BC_ROUTE_DESTS][16];
	struct dp_route_conf c = {
		.socket_id = (int)rte_socket_id(), .max_nexthops = 256,
		.max_v4_routes = v6 ? 0 : n + BC_ROUTE_PREFIXES,
		.max_v6_routes = v6 ? n + BC_ROUTE_PREFIXES : 0,
		/* IPv4: a block per /24 holding hosts (at most 64k in a /8); IPv6: dense hosts */
		.v4_tbl8_groups = RTE_MIN(n, 65536u) + 1024,
		.v6_tbl8_groups = n / 128 + 4096,
	};
	struct dp_route_table *t;
	struct dp_route_stats st;
	uint32_t nh[256], out[DP_BURST];
	uint64_t cycles = 0, done = 0, sink = 0;
	char name[32];
	double r = -1;
	int rc;

	snprintf(name, sizeof(name), "bc_rt%u", gen++);
	c.name = name;
	rc = dp_route_table_create(&c, &t);
	if (rc != 0) {
		fprintf(stderr, "bench_cycles: route table of %u: %s\n", n, strerror(rc));
		return -1;
	}
	for (unsigned i = 0; i < 256; i++) {
		struct dp_route_nh h = { .type = DP_ROUTE_NH_REMOTE, .vtep_id = i + 1, .l3vni = 900001,
					 .mac = { 0x02, 0, 0, 0, 0, (uint8_t)i } };

		if ((rc = dp_route_nh_get(t, &h, &nh[i])) != 0)
			goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		uint8_t a[16];

		if (v6)
			bc_route_host6(i, a);
		rc = v6 ? dp_route_add6(t, a, 128, nh[i % 256]) : dp_route_add4(t, bc_route_host4(i), 32, nh[i % 256]);
		if (rc != 0)
			goto out;
	}
	for (unsigned i = 0; i < BC_ROUTE_PREFIXES; i++) {
		uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb9, (uint8_t)(i >> 8), (uint8_t)i };

		rc = v6 ? dp_route_add6(t, a, 48, nh[i % 256])
			: dp_route_add4(t, (172u << 24) | (16u << 16) | (i << 6), 26, nh[i % 256]);
		if (rc != 0)
			goto out;
	}
	for (unsigned i = 0; i < BC_ROUTE_DESTS; i++) {
		uint32_t h = (uint32_t)(bc_rand() % n);

		if (v6)
			bc_route_host6(h, d6[i]);
		else
			d4[i] = bc_route_host4(h);
	}
	for (uint64_t k = 0; done < packets; k++) {
		unsigned off = (unsigned)((k * DP_BURST) % BC_ROUTE_DESTS);
		uint64_t t0 = rte_rdtsc(), t1;

		if (v6)
			dp_route_lookup6_bulk(t, (const uint8_t(*)[16])&d6[off], DP_BURST, out);
		else
			dp_route_lookup4_bulk(t, &d4[off], DP_BURST, out);
		for (unsigned i = 0; i < DP_BURST; i++)
			sink += dp_route_nh_at(t, out[i])->vtep_id;
		t1 = rte_rdtsc();
		cycles += t1 - t0;
		done += DP_BURST;
	}
	if (sink == 0) {
		fprintf(stderr, "bench_cycles: every route lookup missed\n");
		goto out;
	}
	dp_route_get_stats(t, &st);
	*mem = st.memory_bytes;
	r = (double)cycles / (double)done;
out:
	if (rc != 0)
		fprintf(stderr, "bench_cycles: loading %u routes: %s\n", n, strerror(rc));
	dp_route_table_free(t);
	return r;
}

/* ---- routed frames (--routed): the routing step against the bridged frame, side by side ---- */

/*
 * One leaf, one VRF with two L2 VNIs, both with the anycast gateway (one fabric-wide MAC):
 * VNI 5000 holds the sending container's port C and a second port D; VNI 5001 holds port B.
 * A routed frame goes from C's container to the gateway MAC with a destination whose route
 * is LOCAL (a container behind B, in VNI 5001): route lookup, TTL, rewrite, out of B. The
 * bridged frame goes from the same container to a container MAC behind D (same VNI, the MAC
 * table): out of D. Same size, same sender, same run.
 */
#define BC_L3_VNI_A 5000
#define BC_L3_VNI_B 5001
#define BC_L3_PREFIXES 1000            /* --prefixes default */
#define BC_L3_V6_HOSTS 1000            /* --routed6 default */
#define BC_L3_ROUNDS 10                /* a table's points take turns, a tenth of the frames each time */
#define BC_L3_MAX_NH 8192u             /* LOCAL next-hop records at most: one per local host up to this many (see perf/README.md) */

static const uint8_t bc_gw_mac[6] = { 0x00, 0x00, 0x22, 0x22, 0x33, 0x33 };
static const uint8_t bc_src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2 };

/* BC_T_REMOTE4: IPv4 host routes behind other leaves (REMOTE), against bridged encap */
enum bc_l3_table { BC_T_HOST4, BC_T_PREFIX4, BC_T_HOST6, BC_T_REMOTE4 };
static const char *const bc_l3_table_name[] = { "ipv4-hosts", "ipv4-prefixes", "ipv6-hosts", "ipv4-remote" };
#define BC_L3_VTEPS 16                 /* remote leaves (VTEPs 10.0.0.2 up) of the REMOTE points */
#define BC_L3_L3VNI 900001

struct bc_l3_result {
	enum bc_l3_table table;
	unsigned entries;           /* routes of that kind (host routes, prefixes); bridged: MACs in the table */
	bool routed;
	bool spread;                /* destinations drawn from all entries; else one destination */
	uint64_t pkts, own_cycles, io_cycles;       /* all rounds */
	double round_own[BC_L3_ROUNDS];             /* own cycles per packet of each round */
	double own_median;                          /* ... their median: the point's figure */
};

static struct dp_gateway *bc_gateway(uint32_t ip4_be, const uint8_t ip6[16])
{
	struct dp_gateway *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	dp_gateway_set_mac(g, bc_gw_mac);
	g->ip4_on = true;
	g->ip4 = ip4_be;
	g->ip4_len = 24;
	g->ip6_on = true;
	memcpy(g->ip6, ip6, 16);
	g->ip6_len = 64;
	return g;
}

/* The routed topology around VRF table rt (no underlay traffic; the underlay is polled, empty). */
static struct dp_topology *bc_l3_topology(struct dp_route_table *rt)
{
	static const uint8_t gw6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t gw6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 0, 0, 1 };
	struct dp_topology *t = dp_topology_new(bc_local_ip, BC_UDP_PORT, 1500);

	if (!t)
		return NULL;
	t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = DP_PORT_UNDERLAY, .dpdk_port = bc_port[BC_PORT_U] };
	t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = BC_SLOT_C, .dpdk_port = bc_port[BC_PORT_C] };
	t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = BC_SLOT_B, .dpdk_port = bc_port[BC_PORT_B] };
	t->rx[t->n_rx++] = (struct dp_rx_port){ .slot = BC_SLOT_D, .dpdk_port = bc_port[BC_PORT_D] };
	t->port_dpdk[DP_PORT_UNDERLAY] = bc_port[BC_PORT_U];
	t->port_dpdk[BC_SLOT_C] = bc_port[BC_PORT_C];
	t->port_dpdk[BC_SLOT_B] = bc_port[BC_PORT_B];
	t->port_dpdk[BC_SLOT_D] = bc_port[BC_PORT_D];
	t->port_vni[BC_SLOT_C] = 0;
	t->port_vni[BC_SLOT_D] = 0;
	t->port_vni[BC_SLOT_B] = 1;
	t->n_vnis = 2;
	for (unsigned i = 0; i < 2; i++) {
		struct dp_vni *v = &t->vnis[i];

		v->vni = i ? BC_L3_VNI_B : BC_L3_VNI_A;
		v->vrf = 0;
		v->learning = true;
		dp_vni_set_mtu(v, 0, false, 1500);
		v->ports = calloc(VTEP_MAX_PORTS + 1, sizeof(uint16_t));
		v->flood = calloc(VTEP_MAX_VTEPS, sizeof(uint16_t));
		v->gw = i ? bc_gateway(BC_IP(192, 168, 1, 1), gw6_b) : bc_gateway(BC_IP(192, 168, 0, 1), gw6_a);
		if (!v->ports || !v->flood || !v->gw) {
			dp_topology_free(t);
			return NULL;
		}
	}
	t->vnis[0].ports[t->vnis[0].n_ports++] = BC_SLOT_C;
	t->vnis[0].ports[t->vnis[0].n_ports++] = BC_SLOT_D;
	t->vnis[1].ports[t->vnis[1].n_ports++] = BC_SLOT_B;
	/* the VRF's L3 VNI (symmetric IRB: no ports, no flood list, no learning) */
	t->vnis[2].vni = BC_L3_L3VNI;
	t->vnis[2].vrf = 0;
	t->vnis[2].l3 = true;
	dp_vni_set_mtu(&t->vnis[2], 0, false, 1500);
	t->n_vnis = 3;
	t->n_vrfs = 1;
	t->vrfs[0].table = rt;
	t->vrfs[0].l3vni = BC_L3_L3VNI;
	t->vrfs[0].l3vni_idx = 2;
	memcpy(t->vrfs[0].router_mac, bc_underlay_mac, 6);
	/* the other leaves, resolved: the REMOTE routes' and the remote MACs' VTEPs */
	for (unsigned i = 0; i < BC_L3_VTEPS; i++) {
		uint32_t ip = rte_cpu_to_be_32(rte_be_to_cpu_32(bc_remote_ip) + i);

		t->vteps[i].ip = ip;
		t->vteps[i].n_nh = 1;
		vxlan_template_init(&t->vteps[i].nh[0].tmpl, bc_underlay_mac, bc_nexthop_mac, bc_local_ip, ip,
				    BC_UDP_PORT);
	}
	if (dp_topology_finish(t) != 0) {
		dp_topology_free(t);
		return NULL;
	}
	return t;
}

/* An Ethernet/IPv6/UDP frame of size bytes at p (addresses filled per send). */
static void bc_inner6(uint8_t *p, unsigned size)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t plen = (uint16_t)(size - RTE_ETHER_HDR_LEN - sizeof(*ip));

	memset(p, 0, size);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, bc_src6, 16);
	udp->src_port = rte_cpu_to_be_16(1024);
	udp->dst_port = rte_cpu_to_be_16(5001);
	udp->dgram_len = rte_cpu_to_be_16(plen);
}

/*
 * The routed points' traffic: the sender (MAC 02:01:0:0:0:0 behind C, 192.168.0.2 or
 * 2001:db8:0:2::2) to the gateway MAC and destination dst4[] / host i (routed), or to
 * container MAC i behind D (bridged); one destination, or one drawn at random per frame.
 */
struct bc_l3_pick {
	bool routed, v6;
	bool remote;                /* out to the other leaves (underlay), not to port B / D */
	uint32_t n;                 /* destinations to draw from (1: always the first) */
	const uint32_t *dst4;       /* IPv4 destinations, host order (routed IPv4) */
};

static void bc_l3_pick(struct rte_mbuf *m, void *arg)
{
	const struct bc_l3_pick *p = arg;
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t i = p->n > 1 ? (uint32_t)(bc_rand() % p->n) : 0;

	bc_mac(1, 0, f + 6);
	if (!p->routed) {
		bc_mac(3, i, f);
		return;
	}
	memcpy(f, bc_gw_mac, 6);
	if (p->v6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + RTE_ETHER_HDR_LEN);

		bc_route_host6(i, ip->dst_addr);
		ip->hop_limits = 64;
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);

		ip->dst_addr = rte_cpu_to_be_32(p->dst4[i]);
		ip->time_to_live = 64;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
}

/* Frames lost anywhere in the fast path (every drop is counted by reason). */
static uint64_t bc_drops(const struct dp_counters *ctr)
{
	uint64_t drops = 0;

	for (unsigned p = 0; p < BC_N_PORTS; p++)
		for (unsigned i = 0; i < DP_DROP_MAX; i++)
			drops += ctr->ports[p].drops[i];
	return drops;
}

/* Say which drops grew since before[] (what stopped a point). */
static void bc_drops_why(const struct dp_counters *ctr, const uint64_t *before)
{
	for (unsigned i = 0; i < DP_DROP_MAX; i++) {
		uint64_t d = 0;

		for (unsigned p = 0; p < BC_N_PORTS; p++)
			d += ctr->ports[p].drops[i];
		if (d != before[i])
			fprintf(stderr, "bench_cycles: %" PRIu64 " %s drops\n", d - before[i], dp_drop_name((enum dp_drop)i));
	}
}

/*
 * One round of a routed or bridged point through the current topology (the MAC table is
 * already in w), with the prepared frames: packets more frames, added to res.
 */
static int bc_l3_round(struct dp_worker *w, struct rte_mbuf **frames, const struct bc_l3_pick *pick,
		       uint64_t packets, unsigned round, struct bc_l3_result *res)
{
	struct bc_traffic tr = { .in_port = BC_PORT_C,
				 .out_port = pick->remote ? BC_PORT_U : pick->routed ? BC_PORT_B : BC_PORT_D,
				 .restore = pick->remote ? -VXLAN_OUTER_LEN : 0,
				 .pick = bc_l3_pick, .arg = (void *)(uintptr_t)pick };
	uint64_t routed0 = w->counters->vrfs[0].routed, drops0 = bc_drops(w->counters), got = 0;
	uint64_t pkts = 0, own = 0, io = 0, before[DP_DROP_MAX] = { 0 };

	for (unsigned i = 0; i < DP_DROP_MAX; i++)
		for (unsigned p = 0; p < BC_N_PORTS; p++)
			before[i] += w->counters->ports[p].drops[i];
	if (bc_loop(w, frames, &tr, packets, &pkts, &own, &io, &got) != 0 || bc_drops(w->counters) != drops0) {
		fprintf(stderr, "bench_cycles: the fast path dropped %" PRIu64 " frames (%s %s)\n",
			bc_drops(w->counters) - drops0, pick->routed ? "routed" : "bridged", pick->remote ? "remote" : "local");
		bc_drops_why(w->counters, before);
		return -1;
	}
	if (pick->routed && w->counters->vrfs[0].routed - routed0 < pkts) {
		fprintf(stderr, "bench_cycles: %" PRIu64 " of %" PRIu64 " frames were routed\n",
			w->counters->vrfs[0].routed - routed0, pkts);
		return -1;
	}
	res->routed = pick->routed;
	res->spread = pick->n > 1;
	res->pkts += pkts;
	res->own_cycles += own;
	res->io_cycles += io;
	res->round_own[round] = pkts ? (double)own / (double)pkts : 0;
	return 0;
}

static int bc_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The VRF table of one set of routed points: the connected subnets of both VNIs (GLEAN) and
 * either n IPv4 host routes (random /32s over 10.0.0.0/8), n IPv4 prefixes of mixed lengths
 * (/16 to /30, random, in 10.0.0.0/8, no host routes), or n IPv6 host routes (/128s in
 * 2001:db8:0:1::/64), every one towards a LOCAL next hop: a container behind B in VNI 5001,
 * one record per route up to BC_L3_MAX_NH, then shared.
 * dst4 (IPv4) gets n destinations: the hosts, or one address inside each prefix.
 */
static int bc_l3_table(enum bc_l3_table kind, unsigned n, uint32_t *dst4, struct dp_route_table **out)
{
	static unsigned gen;
	static const uint8_t net6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2 };
	static const uint8_t net6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	unsigned n_nh = RTE_MIN(n, BC_L3_MAX_NH);
	bool v6 = kind == BC_T_HOST6;
	struct dp_route_conf c = {
		.socket_id = (int)rte_socket_id(),
		.max_nexthops = VTEP_VRF_MAX_NEXTHOPS,
		/* sized for the points, not vtepd's default VRF (VTEP_VRF_MAX_V4_ROUTES) */
		.max_v4_routes = v6 ? 16 : n + 16,
		.max_v6_routes = v6 ? n + 16 : 16,
		/* a group per /24 holding /32s (at most 64k in a /8), one per prefix longer than /24 */
		.v4_tbl8_groups = (kind == BC_T_PREFIX4 ? n : RTE_MIN(n, 65536u)) + 1024,
	};
	struct dp_route_nh glean_a = { .type = DP_ROUTE_NH_GLEAN, .vni_idx = 0 };
	struct dp_route_nh glean_b = { .type = DP_ROUTE_NH_GLEAN, .vni_idx = 1 };
	struct dp_route_table *t;
	uint32_t *nh = NULL, ga = 0, gb = 0;
	char name[32];
	int rc;

	snprintf(name, sizeof(name), "bc_l3rt%u", gen++);
	c.name = name;
	*out = NULL;
	if ((rc = dp_route_table_create(&c, &t)) != 0)
		return rc;
	nh = calloc(n_nh, sizeof(*nh));
	if (!nh) {
		rc = ENOMEM;
		goto out;
	}
	if ((rc = dp_route_nh_get(t, &glean_a, &ga)) != 0 || (rc = dp_route_nh_get(t, &glean_b, &gb)) != 0)
		goto out;
	if (v6 ? (rc = dp_route_add6(t, net6_a, 64, ga)) != 0 || (rc = dp_route_add6(t, net6_b, 64, gb)) != 0
	       : (rc = dp_route_add4(t, 0xc0a80000u, 24, ga)) != 0 || (rc = dp_route_add4(t, 0xc0a80100u, 24, gb)) != 0)
		goto out;
	if (kind == BC_T_REMOTE4)
		n_nh = RTE_MIN(n_nh, (unsigned)BC_L3_VTEPS);
	for (unsigned i = 0; i < n_nh; i++) {
		struct dp_route_nh h = { .type = DP_ROUTE_NH_LOCAL, .vni_idx = 1, .port = BC_SLOT_B };

		if (kind == BC_T_REMOTE4)       /* a leaf: its VTEP, its router MAC, our L3 VNI */
			h = (struct dp_route_nh){ .type = DP_ROUTE_NH_REMOTE, .vtep_id = i, .l3vni = BC_L3_L3VNI };
		bc_mac(4, i, h.mac);
		if ((rc = dp_route_nh_get(t, &h, &nh[i])) != 0)
			goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		if (kind == BC_T_HOST6) {
			uint8_t a[16];

			bc_route_host6(i, a);
			rc = dp_route_add6(t, a, 128, nh[i % n_nh]);
		} else if (kind == BC_T_HOST4 || kind == BC_T_REMOTE4) {
			dst4[i] = bc_route_host4(i);
			rc = dp_route_add4(t, dst4[i], 32, nh[i % n_nh]);
		} else {
			/* a new prefix: lengths 16 to 30 in turn, random in 10.0.0.0/8, none twice */
			uint8_t depth = (uint8_t)(16 + i % 15);
			uint32_t mask = ~0u << (32 - depth), a, have;

			do
				a = ((10u << 24) | ((uint32_t)bc_rand() & 0xffffffu)) & mask;
			while (dp_route_get4(t, a, depth, &have) == 0);
			/* its destination: an address inside it (not the first or last) */
			dst4[i] = a | (1u + (uint32_t)(bc_rand() % ((~mask) - 1)));
			rc = dp_route_add4(t, a, depth, nh[i % n_nh]);
		}
		if (rc != 0)
			goto out;
	}
	/* the routes hold their references now: drop the ones taken for them */
	for (unsigned i = 0; i < n_nh; i++)
		dp_route_nh_put(t, nh[i]);
	dp_route_nh_put(t, ga);
	dp_route_nh_put(t, gb);
	*out = t;
out:
	free(nh);
	if (rc != 0)
		dp_route_table_free(t);
	return rc;
}

/*
 * The points of one table: its routes (kind, n), a MAC table of n MACs behind D (for prefixes
 * and IPv6, the size of the IPv4 one: BC_L3_PREFIXES and BC_L3_V6_HOSTS are 1k too), and in
 * turn, each with one destination and with destinations spread over all: routed, bridged.
 */
static int bc_l3_points(struct dp_worker *w, enum bc_l3_table kind, unsigned n, uint64_t packets, unsigned size,
			struct bc_l3_result *res, unsigned *n_res)
{
	static unsigned gen;
	struct dp_route_table *rt = NULL;
	struct dp_topology *topo = NULL;
	uint32_t *dst4 = kind == BC_T_HOST6 ? NULL : calloc(n, sizeof(uint32_t));
	struct fdb *fdb = NULL;
	struct dp_route_stats st;
	struct rte_mbuf *frames[BC_FRAMES] = { NULL };
	uint64_t now = dp_clock_sec(), t0 = rte_rdtsc();
	char name[32];
	uint8_t mac[6];
	int rc = -1, err;

	if (kind != BC_T_HOST6 && !dst4) {
		fprintf(stderr, "bench_cycles: out of memory\n");
		return -1;
	}
	if ((err = bc_l3_table(kind, n, dst4, &rt)) != 0) {
		fprintf(stderr, "bench_cycles: VRF table of %u %s: %s\n", n, bc_l3_table_name[kind], strerror(err));
		goto out;
	}
	dp_route_get_stats(rt, &st);
	printf("  (%s: %u routes loaded in %.1f s, table %.0f MiB, %" PRIu64 " next hops)\n", bc_l3_table_name[kind],
	       n, (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz(), (double)st.memory_bytes / 1048576.0,
	       st.nexthops);
	snprintf(name, sizeof(name), "bc_l3fdb%u", gen++);
	fdb = fdb_create(name, n + 16, NULL);
	if (!fdb) {
		fprintf(stderr, "bench_cycles: MAC table of %u: %s\n", n, rte_strerror(rte_errno));
		goto out;
	}
	bc_mac(1, 0, mac);
	if (fdb_learn(fdb, fdb_key(0, mac), fdb_dest_port(BC_SLOT_C), now, NULL) != 0)
		goto out;
	for (unsigned i = 0; i < n; i++) {
		uint32_t dest = kind == BC_T_REMOTE4 ? fdb_dest_vtep(i % BC_L3_VTEPS) : fdb_dest_port(BC_SLOT_D);

		bc_mac(3, i, mac);
		if (fdb_learn(fdb, fdb_key(0, mac), dest, now, NULL) != 0)
			goto out;
	}
	topo = bc_l3_topology(rt);
	if (!topo) {
		fprintf(stderr, "bench_cycles: routed topology: out of memory\n");
		goto out;
	}
	dp_topology_free(atomic_exchange(&bc_topo, topo));
	w->fdb = fdb;
	for (unsigned i = 0; i < BC_FRAMES; i++) {
		uint8_t *p;

		frames[i] = rte_pktmbuf_alloc(bc_pool);
		if (!frames[i] || !(p = (uint8_t *)rte_pktmbuf_append(frames[i], (uint16_t)size))) {
			fprintf(stderr, "bench_cycles: out of mbufs\n");
			goto out;
		}
		if (kind == BC_T_HOST6)
			bc_inner6(p, size);
		else
			bc_inner(p, size);
	}
	/* the four points take turns, so that the machine's moods fall on all of them alike */
	memset(&res[*n_res], 0, 4 * sizeof(*res));
	for (unsigned round = 0; round < BC_L3_ROUNDS; round++)
		for (int k = 0; k < 4; k++) {
			int spread = k / 2, routed = !(k % 2);
			struct bc_l3_pick pick = { .routed = routed, .v6 = kind == BC_T_HOST6, .n = spread ? n : 1,
						   .dst4 = dst4, .remote = kind == BC_T_REMOTE4 };

			if (bc_l3_round(w, frames, &pick, packets / BC_L3_ROUNDS, round, &res[*n_res + k]) != 0)
				goto out;
		}
	for (int k = 0; k < 4; k++) {
		struct bc_l3_result *r = &res[*n_res + k];
		double sorted[BC_L3_ROUNDS];

		r->table = kind;
		r->entries = n;
		memcpy(sorted, r->round_own, sizeof(sorted));
		qsort(sorted, BC_L3_ROUNDS, sizeof(double), bc_cmp_double);
		r->own_median = (sorted[(BC_L3_ROUNDS - 1) / 2] + sorted[BC_L3_ROUNDS / 2]) / 2;
		printf("%-14s %-9u %-8s %-7s %-12.1f %-12.1f %.1f\n", bc_l3_table_name[kind], n,
		       r->routed ? "routed" : "bridged", r->spread ? "spread" : "one", r->own_median,
		       (double)r->io_cycles / (double)r->pkts, (double)r->own_cycles / (double)r->pkts);
	}
	*n_res += 4;
	fflush(stdout);
	rc = 0;
out:
	bc_frames_free(frames);
	w->fdb = NULL;
	dp_topology_free(atomic_exchange(&bc_topo, NULL));
	if (fdb)
		fdb_destroy(fdb);
	if (rt)
		dp_route_table_free(rt);
	free(dst4);
	return rc;
}

static void bc_l3_json(FILE *jf, unsigned size, double hz, const struct bc_l3_result *res, unsigned n_res)
{
	fprintf(jf, "{\"size\": %u, \"burst\": %d, \"tsc_hz\": %.0f, \"polls_left_out\": %" PRIu64 ", \"points\": [",
		size, DP_BURST, hz, bc_left_out);
	for (unsigned i = 0; i < n_res; i++)
		fprintf(jf, "%s{\"table\": \"%s\", \"entries\": %u, \"kind\": \"%s\", \"destinations\": \"%s\", "
			    "\"packets\": %" PRIu64 ", \"own_cycles_per_pkt\": %.1f, \"io_cycles_per_pkt\": %.1f, "
			    "\"own_cycles_per_pkt_all_rounds\": %.1f}",
			i ? ", " : "", bc_l3_table_name[res[i].table], res[i].entries, res[i].routed ? "routed" : "bridged",
			res[i].spread ? "spread" : "one", res[i].pkts, res[i].own_median,
			(double)res[i].io_cycles / (double)res[i].pkts, (double)res[i].own_cycles / (double)res[i].pkts);
	fprintf(jf, "]}\n");
}

static int bc_parse_list(const char *s, unsigned *out, unsigned max, unsigned lo, unsigned hi, const char *what)
{
	unsigned n = 0;
	char *end;

	while (*s && n < max) {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v < lo || v > hi || (*end && *end != ',')) {
			fprintf(stderr, "bench_cycles: --%s: '%s' is not a list of numbers %u..%u\n", what, s, lo, hi);
			return -1;
		}
		out[n++] = (unsigned)v;
		s = *end ? end + 1 : end;
	}
	return (int)n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "macs", required_argument, NULL, 'm' },
					      { "traffic-macs", required_argument, NULL, 't' },
					      { "flows", required_argument, NULL, 'f' },
					      { "packets", required_argument, NULL, 'p' },
					      { "size", required_argument, NULL, 's' },
					      { "json", required_argument, NULL, 'j' },
					      { "routes", required_argument, NULL, 'r' },
					      { "routed", required_argument, NULL, 'R' },
					      { "routed6", required_argument, NULL, '6' },
					      { "prefixes", required_argument, NULL, 'P' },
					      { "remote", required_argument, NULL, 'X' },
					      { NULL, 0, NULL, 0 } };
	unsigned macs[BC_MAX_POINTS] = { 1000, 1000000 }, traffic[BC_MAX_POINTS] = { 1, 0 };
	unsigned flows[BC_MAX_POINTS] = { 1, 65536 };
	unsigned routes[BC_MAX_POINTS], routed[BC_MAX_POINTS], routed6[BC_MAX_POINTS] = { BC_L3_V6_HOSTS };
	unsigned prefixes = BC_L3_PREFIXES, remote[BC_MAX_POINTS];
	int n_macs = 2, n_traffic = 2, n_flows = 2, n_routes = 0, n_routed = 0, n_routed6 = 1, n_remote = 0, c, ret;
	struct bc_l3_result l3res[4 * (3 * BC_MAX_POINTS + 1)];
	unsigned long long packets = 20000000;
	unsigned size = 64;
	const char *json = NULL;
	struct bc_result res[2 * BC_MAX_POINTS * BC_MAX_POINTS * BC_MAX_POINTS];
	unsigned n_res = 0;
	struct dp_counters *ctr;
	struct dp_worker w;
	double hz;
	FILE *jf = NULL;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "bench_cycles: rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((n_macs = bc_parse_list(optarg, macs, BC_MAX_POINTS, 2, 4000000, "macs")) <= 0)
				return 2;
			break;
		case 't':
			if ((n_traffic = bc_parse_list(optarg, traffic, BC_MAX_POINTS, 0, 4000000, "traffic-macs")) <= 0)
				return 2;
			break;
		case 'f':
			if ((n_flows = bc_parse_list(optarg, flows, BC_MAX_POINTS, 1, 1u << 24, "flows")) <= 0)
				return 2;
			break;
		case 'p':
			packets = strtoull(optarg, NULL, 10);
			if (packets < 1000) {
				fprintf(stderr, "bench_cycles: --packets: at least 1000\n");
				return 2;
			}
			break;
		case 's':
			size = (unsigned)strtoul(optarg, NULL, 10);
			if (size < 60 || size > 1514) {
				fprintf(stderr, "bench_cycles: --size: 60..1514 bytes (an inner frame without FCS)\n");
				return 2;
			}
			break;
		case 'j':
			json = optarg;
			break;
		case 'r':
			if ((n_routes = bc_parse_list(optarg, routes, BC_MAX_POINTS, 1, 4000000, "routes")) <= 0)
				return 2;
			break;
		case 'R':
			if ((n_routed = bc_parse_list(optarg, routed, BC_MAX_POINTS, 1, 4000000, "routed")) <= 0)
				return 2;
			break;
		case '6':
			if (!strcmp(optarg, "0"))
				n_routed6 = 0;
			else if ((n_routed6 = bc_parse_list(optarg, routed6, BC_MAX_POINTS, 1, 4000000, "routed6")) <= 0)
				return 2;
			break;
		case 'P':
			if (bc_parse_list(optarg, &prefixes, 1, 0, 1000000, "prefixes") != 1)
				return 2;
			break;
		case 'X':
			if ((n_remote = bc_parse_list(optarg, remote, BC_MAX_POINTS, 1, 4000000, "remote")) <= 0)
				return 2;
			break;
		default:
			fprintf(stderr, "usage: bench_cycles [EAL options --] [--macs N,..] [--traffic-macs N,..] [--flows N,..] "
					"[--packets N] [--size BYTES] [--json FILE]\n"
					"       bench_cycles [EAL options --] --routed N,.. [--prefixes N] [--routed6 N,..|0] "
					"[--remote N,..] [--packets N] [--size BYTES] [--json FILE]\n"
					"       bench_cycles [EAL options --] --routes N,.. [--packets N]\n");
			return 2;
		}
	}
	if (n_routes > 0) {
		hz = (double)rte_get_tsc_hz();
		printf("bench_cycles: route lookups, bursts of %d, %llu destinations per point, lcore %u, TSC %.2f GHz\n",
		       DP_BURST, packets, rte_lcore_id(), hz / 1e9);
		printf("%-6s %-12s %-10s %-14s %s\n", "family", "host routes", "prefixes", "cycles/dest", "table MiB");
		for (int v6 = 0; v6 < 2; v6++)
			for (int i = 0; i < n_routes; i++) {
				uint64_t mem = 0;
				double cyc = bc_route_point(routes[i], v6, packets, &mem);

				if (cyc < 0)
					return 1;
				printf("%-6s %-12u %-10u %-14.1f %.1f\n", v6 ? "IPv6" : "IPv4", routes[i], BC_ROUTE_PREFIXES,
				       cyc, (double)mem / (1024.0 * 1024.0));
				fflush(stdout);
			}
		rte_eal_cleanup();
		return 0;
	}
	bc_pool = rte_pktmbuf_pool_create("bc_pool", 2 * BC_FRAMES + 4096, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	ctr = rte_zmalloc("bc_counters", sizeof(*ctr), RTE_CACHE_LINE_SIZE);
	if (!bc_pool || !ctr || bc_ports_create() != 0) {
		fprintf(stderr, "bench_cycles: setup failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	memset(&w, 0, sizeof(w));
	w.topology = &bc_topo;
	w.pool = bc_pool;
	w.counters = ctr;
	w.learn_ring = rte_ring_create_elem("bc_learn", sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE,
					    (int)rte_socket_id(), RING_F_SC_DEQ);
	atomic_store(&bc_topo, bc_topology());
	if (!w.learn_ring || !atomic_load(&bc_topo) || dp_worker_init(&w) != 0) {
		fprintf(stderr, "bench_cycles: worker setup failed\n");
		return 1;
	}
	hz = (double)rte_get_tsc_hz();
	if (n_routed > 0 || n_remote > 0) {
		unsigned n_l3 = 0;

		printf("bench_cycles: routed and bridged %u-byte frames, %llu per point, bursts of %d, lcore %u, TSC %.2f GHz\n",
		       size, packets, DP_BURST, rte_lcore_id(), hz / 1e9);
		printf("%-14s %-9s %-8s %-7s %-12s %-12s %s\n", "table", "entries", "frame", "dests", "own cyc/pkt",
		       "io cyc/pkt", "own, all rounds");
		printf("(own cyc/pkt: the median of %d rounds, the points of a table taking turns)\n", BC_L3_ROUNDS);
		for (int i = 0; i < n_routed; i++)
			if (bc_l3_points(&w, BC_T_HOST4, routed[i], packets, size, l3res, &n_l3) != 0)
				return 1;
		if (prefixes && bc_l3_points(&w, BC_T_PREFIX4, prefixes, packets, size, l3res, &n_l3) != 0)
			return 1;
		for (int i = 0; i < n_routed6; i++)
			if (bc_l3_points(&w, BC_T_HOST6, routed6[i], packets, size, l3res, &n_l3) != 0)
				return 1;
		for (int i = 0; i < n_remote; i++)
			if (bc_l3_points(&w, BC_T_REMOTE4, remote[i], packets, size, l3res, &n_l3) != 0)
				return 1;
		printf("polls longer than %d us left out (preempted): %" PRIu64 "\n", BC_POLL_MAX_US, bc_left_out);
		if (json) {
			jf = fopen(json, "w");
			if (!jf) {
				fprintf(stderr, "bench_cycles: %s: %s\n", json, strerror(errno));
				return 1;
			}
			bc_l3_json(jf, size, hz, l3res, n_l3);
			fclose(jf);
		}
		dp_worker_fini(&w);
		rte_eal_cleanup();
		return 0;
	}
	printf("bench_cycles: %u-byte frames, %llu per point, bursts of %d, lcore %u, TSC %.2f GHz\n", size, packets,
	       DP_BURST, rte_lcore_id(), hz / 1e9);
	printf("%-6s %-9s %-13s %-7s %-12s %-12s %-10s\n", "dir", "MACs", "traffic MACs", "flows", "own cyc/pkt",
	       "io cyc/pkt", "own Mpps");
	for (int d = 0; d < 2; d++)
		for (int mi = 0; mi < n_macs; mi++)
			for (int ti = 0; ti < n_traffic; ti++)
				for (int fi = 0; fi < n_flows; fi++) {
					struct bc_result *r = &res[n_res];
					char tm[16];

					if (bc_point(&w, d == 1, macs[mi], traffic[ti], flows[fi], packets, size, r) != 0)
						return 1;
					n_res++;
					if (traffic[ti])
						snprintf(tm, sizeof(tm), "%u", traffic[ti]);
					else
						snprintf(tm, sizeof(tm), "all, random");
					printf("%-6s %-9u %-13s %-7u %-12.1f %-12.1f %-10.2f\n", r->dir, r->macs, tm, r->flows,
					       (double)r->own_cycles / (double)r->pkts,
					       (double)r->io_cycles / (double)r->pkts,
					       hz / ((double)r->own_cycles / (double)r->pkts) / 1e6);
					fflush(stdout);
				}
	{
		const struct dp_port_counters *pc = &ctr->ports[DP_PORT_UNDERLAY];
		uint64_t drops = 0;

		for (unsigned i = 0; i < DP_DROP_MAX; i++)
			drops += pc->drops[i] + ctr->ports[BC_SLOT_C].drops[i];
		if (drops) {
			fprintf(stderr, "bench_cycles: the fast path dropped %" PRIu64 " frames\n", drops);
			return 1;
		}
	}
	if (json) {
		jf = fopen(json, "w");
		if (!jf) {
			fprintf(stderr, "bench_cycles: %s: %s\n", json, strerror(errno));
			return 1;
		}
		fprintf(jf, "{\"size\": %u, \"burst\": %d, \"tsc_hz\": %.0f, \"polls_left_out\": %" PRIu64 ", \"points\": [",
		size, DP_BURST, hz, bc_left_out);
		for (unsigned i = 0; i < n_res; i++)
			fprintf(jf, "%s{\"direction\": \"%s\", \"mac_entries\": %u, \"traffic_macs\": %u, \"flows\": %u, "
				    "\"packets\": %" PRIu64 ", \"own_cycles_per_pkt\": %.1f, \"io_cycles_per_pkt\": %.1f}",
				i ? ", " : "", res[i].dir, res[i].macs, res[i].traffic_macs, res[i].flows, res[i].pkts,
				(double)res[i].own_cycles / (double)res[i].pkts, (double)res[i].io_cycles / (double)res[i].pkts);
		fprintf(jf, "]}\n");
		fclose(jf);
	}
	dp_worker_fini(&w);
	dp_topology_free(atomic_exchange(&bc_topo, NULL));
	rte_eal_cleanup();
	return 0;
}
