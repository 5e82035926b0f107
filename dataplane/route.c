/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * route.c: the route table of a tenant VRF (route.h): longest-prefix match per address
 * family, next-hop records shared by reference count, RCU-safe for fast-path readers.
 *
 * Which DPDK table, and why (DPDK 22.11, as Debian 12 ships it):
 *   - rte_lpm (IPv4) is the only one with RCU support (rte_lpm_rcu_qsbr_add, experimental
 *     in 22.11), but its writer keeps the rules of one depth in a flat array searched
 *     linearly: adding or deleting one of 1M /32 host routes scans all the others (O(n) per
 *     change, O(n^2) to load them), and it finds a free tbl8 group by scanning from the
 *     first. Next hops are 24 bits. rte_lpm6 has no RCU at all and 21-bit next hops.
 *   - rte_fib (DIR24_8) and rte_fib6 (TRIE) are stable API (DPDK_23 ABI, nothing
 *     experimental), keep their routes in an rte_rib/rte_rib6 tree (O(prefix length) per
 *     change, and a next-hop lookup of an exact prefix for the writer), take up to 64-bit
 *     next hops (we use 4-byte entries: 31-bit indexes, half the memory of 8-byte ones),
 *     have bulk lookups (AVX-512 when the CPU has it) and a default next hop for a miss.
 *     We use them. Their price in 22.11: no RCU (rte_fib_rcu_qsbr_add came in 24.11), so
 *     this file supplies what they lack; and a fixed 2^24-entry first level, 64 MiB per
 *     family per VRF, allocated at create.
 *   - IPv6 host routes (/128) go to an exact-match rte_hash instead (lock-free readers, RCU
 *     reclamation, as the FDB): the TRIE reserves 8 to 13 groups of 1 KiB per /128 however
 *     much they share, and allocates every group at create.
 *
 * What the fast path may see while the writer changes a FIB, and what we do about it:
 *   1. When a group of 256 second-level entries becomes uniform, DPDK 22.11 writes the
 *      parent entry and then zeroes the group. A reader that read the parent just before
 *      reads 0: next-hop index 0, which we never hand out. A lookup that gives 0 is done
 *      again (counted as reader_retries). A change collapses its groups bottom-up, so a
 *      reader chasing it meets at most one zero per level: as many retries as the FIB has
 *      levels of groups (1 for IPv4, 13 for IPv6), then it is a miss.
 *   2. The zeroed group goes back to the FIB's free list at once and the next change may
 *      reuse it for another prefix while a reader still holds the old parent pointer. We
 *      keep that from happening across changes: after each change the writer takes an RCU
 *      token, and before the next change of that family it waits until every reader has
 *      reported a quiescent state since (free when the fast path is idle: an offline lcore
 *      does not hold it up; under load at most one poll round per change; counted as
 *      writer_waits). One change that both frees and allocates groups (a short prefix over
 *      several /24s holding longer routes) can still reuse within itself; entries always
 *      hold valid group indexes, so a reader caught there reads a wrong next hop of this
 *      table, never memory outside it. DPDK 24.11's RCU support removes both points.
 *   3. 22.11's TRIE (IPv6) never releases the groups it reserves for a route longer than /24
 *      when that route is deleted, so under churn it refuses adds with groups to spare. An
 *      add refused after deletes rebuilds the IPv6 FIB from its own tree into a fresh one,
 *      publishes that (readers load t->fib6 once per call), frees the old one after a grace
 *      period and tries again (route_fib6_rebuild; counted as fib6_rebuilds). The IPv6 FIB's
 *      memory is held twice during a rebuild, which costs one add per route.
 *   4. Next-hop records are freed after a grace period: an index whose last route went
 *      away waits in a FIFO with the RCU token of its release and returns to the free stack
 *      once the readers have passed it (the writer waits for the oldest only when the
 *      stack is empty). Records never change while referenced.
 * test_route's reader-thread tests see 1 and 2 happen (wrong next hops) without these.
 *
 * Index 0 is the "read a collapsing group" value, index 1 (DP_ROUTE_NH_MISS) the default
 * next hop of both FIBs (a record of type NONE), and records start at 2.
 *
 * 22.11's rte_fib_add returns 0 even when replacing a route's next hop ran out of groups;
 * we check the tree afterwards and report ENOSPC. Such a failed replace may have written
 * the new next hop into part of the prefix, so the table keeps that next hop's reference
 * (counted as stuck_refs in the log) for as long as it lives.
 *
 * Memory (dp_route_stats.memory_bytes) is measured as in fdb.c: DPDK heap bytes before and
 * after create (first levels, groups, trees' node pools, records, the writer's arrays): all of
 * it is allocated at create. rte_fib gives its tree two mempool nodes per route, which is most
 * of it at scale (test_route prints 1M IPv4 host routes).
 */
#include "route.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_rib.h>
#include <rte_rib6.h>

#define ROUTE_LOG(level, fmt, ...) RTE_LOG(level, USER1, "route: " fmt "\n", ##__VA_ARGS__)

#define ROUTE_CHUNK 64              /* addresses per rte_fib lookup call (stack buffer) */
/* Lookups of one address that read a collapsing group (point 1 above). A change collapses its
 * groups from the deepest up, and each zero a reader meets is one level higher than the last:
 * one level below DIR24_8's first (IPv4), at most 13 below the TRIE's (IPv6, 8 bits each). */
#define ROUTE_RETRIES4 4
#define ROUTE_RETRIES6 14
#define ROUTE_MAX_ROUTES (1u << 26) /* per family (rte_fib's tree gets twice as many nodes, an int) */
#define ROUTE_MAX_NEXTHOPS (1u << 24)

enum { ROUTE_V4, ROUTE_V6 };

struct route_pending {
	uint32_t idx;
	uint32_t pad;
	uint64_t token;
};

struct dp_route_table {
	/* read by the fast path; rd first: dp_route_nh_at (route.h) reads it inline */
	struct dp_route_nh_view rd;     /* the rd.n_nh next-hop records */
	struct rte_fib *fib4;
	struct rte_fib6 *fib6;          /* replaced by route_fib6_rebuild: readers load it once per call */
	struct rte_hash *host6;         /* IPv6 /128 routes: address -> next-hop index (lock-free, RCU) */

	/* written by the fast path */
	uint64_t reader_retries __rte_cache_aligned;

	/* writer only */
	struct rte_rcu_qsbr *qsbr __rte_cache_aligned;
	struct rte_hash *nh_hash;       /* record -> index */
	uint32_t last_nh;               /* the index dp_route_nh_get gave last: routes come in runs of one next hop */
	uint32_t *refs;                 /* per index */
	uint32_t *free_stack;
	uint32_t n_free;
	struct route_pending *pend;     /* FIFO of released indexes, max_nexthops */
	uint32_t pend_head, pend_count;
	uint32_t max_nh;
	uint32_t nh_used;
	uint32_t max_routes[2], routes[2];
	bool gate_pending[2];
	uint64_t gate_token[2];
	uint64_t full, writer_waits, stuck_refs, mem_bytes;
	struct rte_fib6_conf fib6_conf;
	int socket_id;
	unsigned fib6_gen;              /* the IPv6 FIB's name alternates between two */
	uint64_t v6_dels_since_rebuild, fib6_rebuilds;
	char name[DP_ROUTE_NAME_MAX + 1];
};

static uint64_t route_heap_allocated(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats s;
		int sock = rte_socket_id_by_idx(i);

		if (sock >= 0 && rte_malloc_get_socket_stats(sock, &s) == 0)
			total += s.heap_allocsz_bytes;
	}
	return total;
}

static inline uint32_t route_mask4(uint8_t depth)
{
	return depth == 0 ? 0 : UINT32_MAX << (32 - depth);
}

static void route_mask6(uint8_t out[16], const uint8_t in[16], uint8_t depth)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = depth > 8 * i ? depth - 8 * i : 0;

		out[i] = bits >= 8 ? in[i] : (uint8_t)(in[i] & (uint8_t)(0xff00u >> bits));
	}
}

const char *dp_route_nh_type_name(uint8_t type)
{
	switch (type) {
	case DP_ROUTE_NH_NONE: return "none";
	case DP_ROUTE_NH_LOCAL: return "local";
	case DP_ROUTE_NH_REMOTE: return "remote";
	case DP_ROUTE_NH_GLEAN: return "glean";
	case DP_ROUTE_NH_DROP: return "drop";
	default: return "?";
	}
}

void dp_route_table_free(struct dp_route_table *t)
{
	if (t == NULL)
		return;
	if (t->stuck_refs)
		ROUTE_LOG(WARNING, "%s: freed with %" PRIu64 " next-hop references kept by failed replaces",
			  t->name, t->stuck_refs);
	/* let deleted host keys finish their grace period, so the hash can empty its defer queue */
	if (t->qsbr != NULL && t->host6 != NULL)
		rte_rcu_qsbr_synchronize(t->qsbr, RTE_QSBR_THRID_INVALID);
	rte_fib_free(t->fib4);
	rte_fib6_free(t->fib6);
	rte_hash_free(t->host6);
	rte_hash_free(t->nh_hash);
	rte_free(t->rd.nh);
	rte_free(t->refs);
	rte_free(t->free_stack);
	rte_free(t->pend);
	rte_free(t);
}

/*
 * The IPv6 host routes' hash: CRC32 of the 16 address bytes, read with memcpy, since the
 * addresses come straight from packet headers at any alignment (rte_hash_crc reads them as
 * 8-byte words, which UBSan rightly flags).
 */
static uint32_t route_host6_hash(const void *key, uint32_t key_len, uint32_t init_val)
{
	uint64_t w0, w1;

	RTE_SET_USED(key_len);
	memcpy(&w0, key, sizeof(w0));
	memcpy(&w1, (const uint8_t *)key + sizeof(w0), sizeof(w1));
	return rte_hash_crc_8byte(w1, rte_hash_crc_8byte(w0, init_val));
}

int dp_route_table_create(const struct dp_route_conf *conf, struct dp_route_table **out)
{
	struct rte_hash_parameters hp = {0};
	struct dp_route_table *t;
	char nm[RTE_HASH_NAMESIZE];
	uint64_t before;
	int err;

	*out = NULL;
	if (conf == NULL || conf->name == NULL || conf->name[0] == '\0' || conf->max_nexthops == 0 ||
	    conf->max_nexthops > ROUTE_MAX_NEXTHOPS || conf->max_v4_routes > ROUTE_MAX_ROUTES ||
	    conf->max_v6_routes > ROUTE_MAX_ROUTES || (conf->max_v4_routes == 0 && conf->max_v6_routes == 0)) {
		ROUTE_LOG(ERR, "create %s: invalid sizes (routes at most %u per family, one family at least; "
			  "next hops 1..%u)", conf && conf->name ? conf->name : "(null)", ROUTE_MAX_ROUTES,
			  ROUTE_MAX_NEXTHOPS);
		return EINVAL;
	}
	if (strlen(conf->name) > DP_ROUTE_NAME_MAX) {
		ROUTE_LOG(ERR, "create %s: name longer than %d characters", conf->name, DP_ROUTE_NAME_MAX);
		return ENAMETOOLONG;
	}

	before = route_heap_allocated();
	t = rte_zmalloc_socket("route_table", sizeof(*t), RTE_CACHE_LINE_SIZE, conf->socket_id);
	if (t == NULL)
		return ENOMEM;
	snprintf(t->name, sizeof(t->name), "%s", conf->name);
	t->qsbr = conf->qsbr;
	t->socket_id = conf->socket_id;
	t->max_nh = conf->max_nexthops;
	t->rd.n_nh = DP_ROUTE_NH_FIRST + conf->max_nexthops;
	t->max_routes[ROUTE_V4] = conf->max_v4_routes;
	t->max_routes[ROUTE_V6] = conf->max_v6_routes;
	t->rd.nh = rte_zmalloc_socket("route_nh", (size_t)t->rd.n_nh * sizeof(*t->rd.nh), RTE_CACHE_LINE_SIZE,
				   conf->socket_id);
	t->refs = rte_zmalloc("route_refs", (size_t)t->rd.n_nh * sizeof(uint32_t), 0);
	t->free_stack = rte_malloc("route_free", (size_t)t->rd.n_nh * sizeof(uint32_t), 0);
	t->pend = rte_malloc("route_pend", (size_t)t->max_nh * sizeof(*t->pend), 0);
	if (t->rd.nh == NULL || t->refs == NULL || t->free_stack == NULL || t->pend == NULL) {
		err = ENOMEM;
		goto fail;
	}
	t->rd.nh[DP_ROUTE_NH_MISS].type = DP_ROUTE_NH_NONE;
	/* the lowest index on top, so a fresh table fills the records in order */
	for (uint32_t i = t->rd.n_nh; i-- > DP_ROUTE_NH_FIRST;)
		t->free_stack[t->n_free++] = i;

	snprintf(nm, sizeof(nm), "rn_%s", conf->name);
	hp.name = nm;
	hp.entries = RTE_MAX(conf->max_nexthops, 8u);
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;   /* all max_nexthops fit, however their hashes fall */
	hp.key_len = sizeof(struct dp_route_nh);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = conf->socket_id;
	rte_errno = 0;
	t->nh_hash = rte_hash_create(&hp);
	if (t->nh_hash == NULL) {
		err = rte_errno ? rte_errno : ENOMEM;
		goto fail;
	}

	if (conf->max_v4_routes) {
		struct rte_fib_conf fc = {0};

		fc.type = RTE_FIB_DIR24_8;
		fc.default_nh = DP_ROUTE_NH_MISS;
		/* rte_fib gives its tree twice as many nodes: a route's and a branching one */
		fc.max_routes = (int)conf->max_v4_routes + 1;
		fc.dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
		fc.dir24_8.num_tbl8 = conf->v4_tbl8_groups ? conf->v4_tbl8_groups
							   : RTE_MAX(256u, conf->max_v4_routes / 16);
		snprintf(nm, sizeof(nm), "r4_%s", conf->name);
		rte_errno = 0;
		t->fib4 = rte_fib_create(nm, conf->socket_id, &fc);
		if (t->fib4 == NULL) {
			err = rte_errno ? rte_errno : ENOMEM;
			goto fail;
		}
	}
	if (conf->max_v6_routes) {
		struct rte_fib6_conf fc = {0};

		fc.type = RTE_FIB6_TRIE;
		fc.default_nh = DP_ROUTE_NH_MISS;
		fc.max_routes = (int)conf->max_v6_routes + 1;
		fc.trie.nh_sz = RTE_FIB6_TRIE_4B;
		fc.trie.num_tbl8 = conf->v6_tbl8_groups ? conf->v6_tbl8_groups : RTE_MAX(1024u, conf->max_v6_routes);
		snprintf(nm, sizeof(nm), "r6a_%s", conf->name);
		t->fib6_conf = fc;
		rte_errno = 0;
		t->fib6 = rte_fib6_create(nm, conf->socket_id, &fc);
		if (t->fib6 == NULL) {
			err = rte_errno ? rte_errno : ENOMEM;
			goto fail;
		}
		memset(&hp, 0, sizeof(hp));
		snprintf(nm, sizeof(nm), "h6_%s", conf->name);
		hp.name = nm;
		hp.entries = RTE_MAX(conf->max_v6_routes, 8u);
		hp.key_len = 16;
		hp.hash_func = route_host6_hash;
		hp.socket_id = conf->socket_id;
		hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
		rte_errno = 0;
		t->host6 = rte_hash_create(&hp);
		if (t->host6 == NULL) {
			err = rte_errno ? rte_errno : ENOMEM;
			goto fail;
		}
		if (conf->qsbr != NULL) {
			struct rte_hash_rcu_config rc = {0};

			/* deleted keys' slots come back after a grace period, reclaimed as the writer goes */
			rc.v = conf->qsbr;
			rc.mode = RTE_HASH_QSBR_MODE_DQ;
			rc.dq_size = hp.entries;
			rc.trigger_reclaim_limit = 0;
			rc.max_reclaim_size = hp.entries;
			if (rte_hash_rcu_qsbr_add(t->host6, &rc) != 0) {
				err = rte_errno ? rte_errno : ENOMEM;
				goto fail;
			}
		}
	}
	t->mem_bytes = route_heap_allocated() - before;
	*out = t;
	return 0;

fail:
	ROUTE_LOG(ERR, "create %s: %s (IPv4 routes %u, IPv6 routes %u, next hops %u)", conf->name, rte_strerror(err),
		  conf->max_v4_routes, conf->max_v6_routes, conf->max_nexthops);
	dp_route_table_free(t);
	return err;
}

/* ---- next hops ---- */

/* Return the released indexes whose grace period is over; with wait, wait for the oldest. */
static void route_nh_reclaim(struct dp_route_table *t, bool wait)
{
	while (t->pend_count > 0) {
		struct route_pending *p = &t->pend[t->pend_head];

		if (t->qsbr != NULL && rte_rcu_qsbr_check(t->qsbr, p->token, false) != 1) {
			if (!wait)
				return;
			t->writer_waits++;
			rte_rcu_qsbr_check(t->qsbr, p->token, true);
			wait = false;
		}
		t->free_stack[t->n_free++] = p->idx;
		t->pend_head = (t->pend_head + 1) % t->max_nh;
		t->pend_count--;
	}
}

bool dp_route_nh_valid(const struct dp_route_nh *nh)
{
	if (nh == NULL)
		return false;
	if (nh->pad0 || nh->pad1[0] || nh->pad1[1])
		return false;
	switch (nh->type) {
	case DP_ROUTE_NH_LOCAL:
		return nh->vtep_id == 0 && nh->l3vni == 0;
	case DP_ROUTE_NH_REMOTE:
		return nh->port == 0 && nh->vni_idx == 0 && nh->l3vni <= 0xffffffu;
	case DP_ROUTE_NH_GLEAN:
		return nh->port == 0 && nh->vtep_id == 0 && nh->l3vni == 0 &&
		       !(nh->mac[0] | nh->mac[1] | nh->mac[2] | nh->mac[3] | nh->mac[4] | nh->mac[5]);
	case DP_ROUTE_NH_DROP:
		return nh->vni_idx == 0 && nh->port == 0 && nh->vtep_id == 0 && nh->l3vni == 0 &&
		       !(nh->mac[0] | nh->mac[1] | nh->mac[2] | nh->mac[3] | nh->mac[4] | nh->mac[5]);
	default:
		return false;
	}
}

int dp_route_nh_get(struct dp_route_table *t, const struct dp_route_nh *nh, uint32_t *idx)
{
	void *data;
	uint32_t i;
	int rc;

	if (!dp_route_nh_valid(nh))
		return EINVAL;
	i = t->last_nh;
	if (i >= DP_ROUTE_NH_FIRST && t->refs[i] > 0 && memcmp(&t->rd.nh[i], nh, sizeof(*nh)) == 0) {
		t->refs[i]++;
		*idx = i;
		return 0;
	}
	if (rte_hash_lookup_data(t->nh_hash, nh, &data) >= 0) {
		i = (uint32_t)(uintptr_t)data;
		t->refs[i]++;
		t->last_nh = i;
		*idx = i;
		return 0;
	}
	route_nh_reclaim(t, false);
	if (t->n_free == 0)
		route_nh_reclaim(t, true);
	if (t->n_free == 0) {
		t->full++;
		return ENOSPC;
	}
	i = t->free_stack[t->n_free - 1];
	t->rd.nh[i] = *nh;
	rc = rte_hash_add_key_data(t->nh_hash, nh, (void *)(uintptr_t)i);
	if (rc < 0)
		return -rc == ENOSPC ? ENOSPC : ENOMEM;
	t->n_free--;
	t->refs[i] = 1;
	t->nh_used++;
	t->last_nh = i;
	*idx = i;
	return 0;
}

static inline bool route_nh_live(const struct dp_route_table *t, uint32_t idx)
{
	return idx >= DP_ROUTE_NH_FIRST && idx < t->rd.n_nh && t->refs[idx] > 0;
}

/* Drop one reference; the last one removes the record from the finder and defers its index. */
static void route_nh_release(struct dp_route_table *t, uint32_t idx)
{
	if (--t->refs[idx] > 0)
		return;
	rte_hash_del_key(t->nh_hash, &t->rd.nh[idx]);
	t->nh_used--;
	t->pend[(t->pend_head + t->pend_count) % t->max_nh] = (struct route_pending){
		.idx = idx,
		.token = t->qsbr ? rte_rcu_qsbr_start(t->qsbr) : 0,
	};
	t->pend_count++;
}

int dp_route_nh_put(struct dp_route_table *t, uint32_t idx)
{
	if (idx < DP_ROUTE_NH_FIRST || idx >= t->rd.n_nh)
		return EINVAL;
	if (t->refs[idx] == 0)
		return ENOENT;
	route_nh_release(t, idx);
	return 0;
}

uint32_t dp_route_nh_refs(const struct dp_route_table *t, uint32_t idx)
{
	return idx < t->rd.n_nh ? t->refs[idx] : 0;
}

/* ---- routes (writer) ---- */

/* Before changing a FIB: readers have passed a quiescent state since its last change. */
static void route_gate_wait(struct dp_route_table *t, int fam)
{
	if (t->qsbr == NULL || !t->gate_pending[fam])
		return;
	if (rte_rcu_qsbr_check(t->qsbr, t->gate_token[fam], false) != 1) {
		t->writer_waits++;
		rte_rcu_qsbr_check(t->qsbr, t->gate_token[fam], true);
	}
	t->gate_pending[fam] = false;
}

static void route_gate_arm(struct dp_route_table *t, int fam)
{
	if (t->qsbr == NULL)
		return;
	t->gate_token[fam] = rte_rcu_qsbr_start(t->qsbr);
	t->gate_pending[fam] = true;
}

/* The tree's next hop of exactly this (masked) prefix, or false. */
static bool route_exact4(const struct dp_route_table *t, uint32_t addr, uint8_t depth, uint64_t *nh)
{
	struct rte_rib_node *n = rte_rib_lookup_exact(rte_fib_get_rib(t->fib4), addr, depth);

	return n != NULL && rte_rib_get_nh(n, nh) == 0;
}

static bool route_exact6(const struct dp_route_table *t, const uint8_t addr[16], uint8_t depth, uint64_t *nh)
{
	struct rte_rib6_node *n = rte_rib6_lookup_exact(rte_fib6_get_rib(t->fib6), addr, depth);

	return n != NULL && rte_rib6_get_nh(n, nh) == 0;
}

/*
 * The common part of an add: the family's FIB is changed by apply(); exact() reads the tree
 * back. Takes the route's reference on nh_idx and drops the replaced one's.
 */
static int route_add_common(struct dp_route_table *t, int fam, bool exists, uint64_t old, uint32_t nh_idx,
			    int rc, uint64_t now)
{
	if (rc < 0) {
		route_nh_release(t, nh_idx);
		if (rc == -ENOSPC)
			t->full++;
		return -rc;
	}
	if (!exists) {
		t->routes[fam]++;
		return 0;
	}
	if (now != nh_idx) {
		/* 22.11 reported success, but the replace ran out of groups (see the header) */
		t->full++;
		t->stuck_refs++;
		return ENOSPC;
	}
	route_nh_release(t, (uint32_t)old);
	return 0;
}

/* An IPv4 add; known_new: the caller knows the tree has no such prefix (dp_route_add4_new). */
static int route_add4(struct dp_route_table *t, uint32_t addr, uint8_t depth, uint32_t nh_idx, bool known_new)
{
	uint64_t old = 0, now = 0;
	bool exists;
	int rc;

	if (t->fib4 == NULL || depth > 32 || !route_nh_live(t, nh_idx))
		return EINVAL;
	addr &= route_mask4(depth);
	exists = !known_new && route_exact4(t, addr, depth, &old);
	if (exists && old == nh_idx)
		return 0;
	if (!exists && t->routes[ROUTE_V4] >= t->max_routes[ROUTE_V4]) {
		t->full++;
		return ENOSPC;
	}
	t->refs[nh_idx]++;
	route_gate_wait(t, ROUTE_V4);
	rc = rte_fib_add(t->fib4, addr, depth, nh_idx);
	route_gate_arm(t, ROUTE_V4);
	if (rc == 0 && exists)
		route_exact4(t, addr, depth, &now);
	return route_add_common(t, ROUTE_V4, exists, old, nh_idx, rc, now);
}

int dp_route_add4(struct dp_route_table *t, uint32_t addr, uint8_t depth, uint32_t nh_idx)
{
	return route_add4(t, addr, depth, nh_idx, false);
}

int dp_route_add4_new(struct dp_route_table *t, uint32_t addr, uint8_t depth, uint32_t nh_idx)
{
	return route_add4(t, addr, depth, nh_idx, true);
}

/*
 * IPv6 host routes (/128) live in an exact-match hash, not in the TRIE: 22.11's TRIE
 * reserves a group for every byte below the covering route (13 for a /128 without one, 8
 * under a /64) for each host route, whatever they share, and allocates all groups at
 * create, so 1M host routes would need gigabytes. A /128 is always the longest match, so
 * the lookup takes the hash's answer first and the TRIE's otherwise.
 */
static bool route_host6_get(const struct dp_route_table *t, const uint8_t a[16], uint64_t *nh)
{
	void *d;

	if (rte_hash_lookup_data(t->host6, a, &d) < 0)
		return false;
	*nh = (uint64_t)(uintptr_t)d;
	return true;
}

static int route_host6_add(struct dp_route_table *t, const uint8_t a[16], uint32_t nh_idx)
{
	uint64_t old = 0;
	bool exists = route_host6_get(t, a, &old);
	int rc;

	if (exists && old == nh_idx)
		return 0;
	if (!exists && t->routes[ROUTE_V6] >= t->max_routes[ROUTE_V6]) {
		t->full++;
		return ENOSPC;
	}
	t->refs[nh_idx]++;
	rc = rte_hash_add_key_data(t->host6, a, (void *)(uintptr_t)nh_idx);
	if (rc == -ENOSPC && t->qsbr != NULL) {
		/* slots of deleted hosts still in their grace period */
		t->writer_waits++;
		rte_rcu_qsbr_synchronize(t->qsbr, RTE_QSBR_THRID_INVALID);
		rc = rte_hash_add_key_data(t->host6, a, (void *)(uintptr_t)nh_idx);
	}
	return route_add_common(t, ROUTE_V6, exists, old, nh_idx, rc, nh_idx);
}

static int route_host6_del(struct dp_route_table *t, const uint8_t a[16])
{
	uint64_t old;
	int32_t pos;

	if (!route_host6_get(t, a, &old))
		return ENOENT;
	pos = rte_hash_del_key(t->host6, a);
	if (pos < 0)
		return ENOENT;
	/* without RCU, lock-free mode leaves freeing the slot to us (no readers to wait for) */
	if (t->qsbr == NULL)
		rte_hash_free_key_with_position(t->host6, pos);
	t->routes[ROUTE_V6]--;
	route_nh_release(t, (uint32_t)old);
	return 0;
}

/*
 * DPDK 22.11's TRIE reserves groups for a new route longer than /24 and never gives them back
 * when the route is deleted (its delete looks for routes inside the range and finds the route
 * itself), so after enough churn it refuses every such add with groups to spare. When an add
 * is refused after deletes, we build a fresh rte_fib6 from the tree's routes, publish it to the
 * readers, free the old one after a grace period, and the add is tried again. 0 or an errno
 * (the old table stays when the new one cannot be built).
 */
static int route_fib6_rebuild(struct dp_route_table *t)
{
	struct rte_fib6 *old = t->fib6, *nf;
	struct rte_rib6 *rib = rte_fib6_get_rib(old);
	struct rte_rib6_node *n = NULL;
	uint8_t zero[16] = {0};
	char nm[RTE_HASH_NAMESIZE];
	uint64_t nh;
	int rc = 0;

	snprintf(nm, sizeof(nm), "r6%c_%s", (t->fib6_gen + 1) % 2 ? 'b' : 'a', t->name);
	rte_errno = 0;
	nf = rte_fib6_create(nm, t->socket_id, &t->fib6_conf);
	if (nf == NULL)
		return rte_errno ? rte_errno : ENOMEM;
	n = rte_rib6_lookup_exact(rib, zero, 0);
	if (n != NULL && rte_rib6_get_nh(n, &nh) == 0)
		rc = rte_fib6_add(nf, zero, 0, nh);
	n = NULL;
	while (rc == 0 && (n = rte_rib6_get_nxt(rib, zero, 0, n, RTE_RIB6_GET_NXT_ALL)) != NULL) {
		uint8_t ip[16], depth;

		if (rte_rib6_get_ip(n, ip) != 0 || rte_rib6_get_depth(n, &depth) != 0 || rte_rib6_get_nh(n, &nh) != 0)
			continue;
		if (depth > 0)
			rc = rte_fib6_add(nf, ip, depth, nh);
	}
	if (rc != 0) {
		rte_fib6_free(nf);
		return -rc;
	}
	__atomic_store_n(&t->fib6, nf, __ATOMIC_RELEASE);
	if (t->qsbr != NULL) {
		t->writer_waits++;
		rte_rcu_qsbr_synchronize(t->qsbr, RTE_QSBR_THRID_INVALID);
	}
	rte_fib6_free(old);
	t->fib6_gen++;
	t->fib6_rebuilds++;
	t->v6_dels_since_rebuild = 0;
	t->gate_pending[ROUTE_V6] = false;
	return 0;
}

int dp_route_add6(struct dp_route_table *t, const uint8_t addr[16], uint8_t depth, uint32_t nh_idx)
{
	uint64_t old = 0, now = 0;
	uint8_t a[16];
	bool exists;
	int rc;

	if (t->fib6 == NULL || depth > 128 || !route_nh_live(t, nh_idx))
		return EINVAL;
	if (depth == 128)
		return route_host6_add(t, addr, nh_idx);
	route_mask6(a, addr, depth);
	exists = route_exact6(t, a, depth, &old);
	if (exists && old == nh_idx)
		return 0;
	if (!exists && t->routes[ROUTE_V6] >= t->max_routes[ROUTE_V6]) {
		t->full++;
		return ENOSPC;
	}
	t->refs[nh_idx]++;
	route_gate_wait(t, ROUTE_V6);
	rc = rte_fib6_add(t->fib6, a, depth, nh_idx);
	route_gate_arm(t, ROUTE_V6);
	if (rc == -ENOSPC && !exists && t->v6_dels_since_rebuild > 0 && route_fib6_rebuild(t) == 0) {
		rc = rte_fib6_add(t->fib6, a, depth, nh_idx);
		route_gate_arm(t, ROUTE_V6);
	}
	if (rc == 0 && exists)
		route_exact6(t, a, depth, &now);
	return route_add_common(t, ROUTE_V6, exists, old, nh_idx, rc, now);
}

int dp_route_del4(struct dp_route_table *t, uint32_t addr, uint8_t depth)
{
	uint64_t old;
	int rc;

	if (t->fib4 == NULL || depth > 32)
		return EINVAL;
	addr &= route_mask4(depth);
	if (!route_exact4(t, addr, depth, &old))
		return ENOENT;
	route_gate_wait(t, ROUTE_V4);
	rc = rte_fib_delete(t->fib4, addr, depth);
	route_gate_arm(t, ROUTE_V4);
	if (rc < 0) {
		if (rc == -ENOSPC)
			t->full++;
		return -rc;
	}
	t->routes[ROUTE_V4]--;
	route_nh_release(t, (uint32_t)old);
	return 0;
}

int dp_route_del6(struct dp_route_table *t, const uint8_t addr[16], uint8_t depth)
{
	uint64_t old;
	uint8_t a[16];
	int rc;

	if (t->fib6 == NULL || depth > 128)
		return EINVAL;
	if (depth == 128)
		return route_host6_del(t, addr);
	route_mask6(a, addr, depth);
	if (!route_exact6(t, a, depth, &old))
		return ENOENT;
	route_gate_wait(t, ROUTE_V6);
	rc = rte_fib6_delete(t->fib6, a, depth);
	route_gate_arm(t, ROUTE_V6);
	if (rc < 0) {
		if (rc == -ENOSPC)
			t->full++;
		return -rc;
	}
	t->routes[ROUTE_V6]--;
	t->v6_dels_since_rebuild++;
	route_nh_release(t, (uint32_t)old);
	return 0;
}

int dp_route_get4(const struct dp_route_table *t, uint32_t addr, uint8_t depth, uint32_t *nh_idx)
{
	uint64_t nh;

	if (t->fib4 == NULL || depth > 32)
		return EINVAL;
	if (!route_exact4(t, addr & route_mask4(depth), depth, &nh))
		return ENOENT;
	*nh_idx = (uint32_t)nh;
	return 0;
}

int dp_route_get6(const struct dp_route_table *t, const uint8_t addr[16], uint8_t depth, uint32_t *nh_idx)
{
	uint64_t nh;
	uint8_t a[16];

	if (t->fib6 == NULL || depth > 128)
		return EINVAL;
	route_mask6(a, addr, depth);
	if (!(depth == 128 ? route_host6_get(t, a, &nh) : route_exact6(t, a, depth, &nh)))
		return ENOENT;
	*nh_idx = (uint32_t)nh;
	return 0;
}

/* ---- lookups (fast path) ---- */

static inline uint32_t route_result(const struct dp_route_table *t, uint64_t v)
{
	return v < t->rd.n_nh ? (uint32_t)v : DP_ROUTE_NH_MISS;
}

static inline void route_count_retry(const struct dp_route_table *t)
{
	__atomic_fetch_add(&((struct dp_route_table *)(uintptr_t)t)->reader_retries, 1, __ATOMIC_RELAXED);
}

/* A lookup read 0: the writer was collapsing the group it read. Look again. */
static __rte_noinline uint32_t route_retry4(const struct dp_route_table *t, uint32_t addr)
{
	for (int k = 0; k < ROUTE_RETRIES4; k++) {
		uint64_t v;

		route_count_retry(t);
		rte_fib_lookup_bulk(t->fib4, &addr, &v, 1);
		if (v != 0)
			return route_result(t, v);
	}
	return DP_ROUTE_NH_MISS;
}

static __rte_noinline uint32_t route_retry6(const struct dp_route_table *t, struct rte_fib6 *fib,
					    const uint8_t addr[16])
{
	uint8_t a[1][16];

	memcpy(a[0], addr, 16);
	for (int k = 0; k < ROUTE_RETRIES6; k++) {
		uint64_t v;

		route_count_retry(t);
		rte_fib6_lookup_bulk(fib, a, &v, 1);
		if (v != 0)
			return route_result(t, v);
	}
	return DP_ROUTE_NH_MISS;
}

void dp_route_lookup4_bulk(const struct dp_route_table *t, const uint32_t *addrs, unsigned n, uint32_t *nh_idx)
{
	uint64_t v[ROUTE_CHUNK];

	if (t->fib4 == NULL) {
		for (unsigned i = 0; i < n; i++)
			nh_idx[i] = DP_ROUTE_NH_MISS;
		return;
	}
	for (unsigned off = 0; off < n; off += ROUTE_CHUNK) {
		unsigned m = RTE_MIN(n - off, (unsigned)ROUTE_CHUNK);

		/* rte_fib only reads the addresses; its prototype is not const */
		rte_fib_lookup_bulk(t->fib4, (uint32_t *)(uintptr_t)(addrs + off), v, m);
		for (unsigned i = 0; i < m; i++) {
			nh_idx[off + i] = likely(v[i] != 0) ? route_result(t, v[i]) : route_retry4(t, addrs[off + i]);
			/* the caller reads each record next: start fetching them all now */
			rte_prefetch0(&t->rd.nh[nh_idx[off + i]]);
		}
	}
}

uint32_t dp_route_lookup4(const struct dp_route_table *t, uint32_t addr)
{
	uint32_t nh;

	dp_route_lookup4_bulk(t, &addr, 1, &nh);
	return nh;
}

void dp_route_lookup6_bulk(const struct dp_route_table *t, const uint8_t (*addrs)[16], unsigned n,
			   uint32_t *nh_idx)
{
	struct rte_fib6 *fib = __atomic_load_n(&t->fib6, __ATOMIC_ACQUIRE);
	uint64_t v[ROUTE_CHUNK];

	if (fib == NULL) {
		for (unsigned i = 0; i < n; i++)
			nh_idx[i] = DP_ROUTE_NH_MISS;
		return;
	}
	for (unsigned off = 0; off < n; off += ROUTE_CHUNK) {
		unsigned m = RTE_MIN(n - off, (unsigned)ROUTE_CHUNK);

		const void *keys[ROUTE_CHUNK];
		void *hd[ROUTE_CHUNK];
		uint8_t rest[ROUTE_CHUNK][16];  /* the addresses without a host route, for the FIB */
		uint8_t at[ROUTE_CHUNK];        /* ... and where each was in the chunk */
		uint64_t hits = 0;
		unsigned k = 0;

		for (unsigned i = 0; i < m; i++)
			keys[i] = addrs[off + i];
		rte_hash_lookup_bulk_data(t->host6, keys, m, &hits, hd);
		/* a /128 is the longest match there is: only the others need the FIB */
		for (unsigned i = 0; i < m; i++) {
			if ((hits >> i) & 1) {
				nh_idx[off + i] = route_result(t, (uint64_t)(uintptr_t)hd[i]);
			} else {
				memcpy(rest[k], addrs[off + i], 16);
				at[k++] = (uint8_t)i;
			}
		}
		if (k == 0)
			continue;
		rte_fib6_lookup_bulk(fib, rest, v, k);
		for (unsigned j = 0; j < k; j++)
			nh_idx[off + at[j]] = likely(v[j] != 0) ? route_result(t, v[j]) : route_retry6(t, fib, rest[j]);
	}
	for (unsigned i = 0; i < n; i++)
		rte_prefetch0(&t->rd.nh[nh_idx[i]]);       /* as in dp_route_lookup4_bulk */
}

uint32_t dp_route_lookup6(const struct dp_route_table *t, const uint8_t addr[16])
{
	uint32_t nh;

	dp_route_lookup6_bulk(t, (const uint8_t (*)[16])addr, 1, &nh);
	return nh;
}

void dp_route_get_stats(const struct dp_route_table *t, struct dp_route_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->v4_routes = t->routes[ROUTE_V4];
	st->v4_capacity = t->max_routes[ROUTE_V4];
	st->v6_routes = t->routes[ROUTE_V6];
	st->v6_capacity = t->max_routes[ROUTE_V6];
	st->nexthops = t->nh_used;
	st->nexthops_capacity = t->max_nh;
	st->nexthops_pending = t->pend_count;
	st->full = t->full;
	st->writer_waits = t->writer_waits;
	st->reader_retries = __atomic_load_n(&t->reader_retries, __ATOMIC_RELAXED);
	st->memory_bytes = t->mem_bytes;
	st->fib6_rebuilds = t->fib6_rebuilds;
}
