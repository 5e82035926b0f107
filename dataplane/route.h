/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * route.h: the route table of one tenant VRF: an IPv4 and an IPv6 longest-prefix-match
 * table (DPDK rte_fib DIR24_8 and rte_fib6 TRIE, IPv6 host routes in an rte_hash) whose
 * results are indexes into a table of next-hop records (LOCAL, REMOTE, GLEAN, DROP),
 * shared by reference count.
 *
 * Concurrency, as the FDB: one writer (the control thread) and fast-path readers that never
 * lock. Readers report quiescent states on the table's RCU QSBR variable; a next-hop record
 * whose last route went away is reused only after a grace period, and the writer keeps
 * DPDK 22.11's FIB from reusing a table block a reader may still be reading (route.c's
 * header comment says how and why).
 *
 * All writer functions return 0 or a positive errno. IPv4 addresses are in host byte order
 * (as rte_fib takes them); IPv6 addresses are 16 bytes in network order.
 */
#ifndef VTEP_ROUTE_H
#define VTEP_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

struct rte_rcu_qsbr;
struct dp_route_table;

/* What a next hop does with a routed packet. */
enum dp_route_nh_type {
	DP_ROUTE_NH_NONE = 0,       /* no route: the lookup missed (record DP_ROUTE_NH_MISS only) */
	DP_ROUTE_NH_LOCAL,          /* a local container: port slot, its MAC, the L2 VNI index */
	DP_ROUTE_NH_REMOTE,         /* behind a remote VTEP: VTEP id, its router MAC, the L3 VNI */
	DP_ROUTE_NH_GLEAN,          /* a connected subnet of an L2 VNI: resolve the destination's MAC */
	DP_ROUTE_NH_DROP,           /* blackhole */
	DP_ROUTE_NH_TYPE_MAX,
};

/*
 * A next-hop record. Records are immutable while referenced and identical records are
 * shared (the writer finds them by content), so every unused field must be zero.
 */
struct dp_route_nh {
	uint8_t type;               /* enum dp_route_nh_type */
	uint8_t pad0;
	uint16_t vni_idx;           /* LOCAL, GLEAN: the L2 VNI's index */
	uint32_t port;              /* LOCAL: container port slot */
	uint32_t vtep_id;           /* REMOTE: remote VTEP id */
	uint32_t l3vni;             /* REMOTE: the L3 VNI (24 bits) */
	uint8_t mac[6];             /* LOCAL: the container's MAC; REMOTE: the remote router MAC */
	uint8_t pad1[2];
};

/*
 * Reserved next-hop indexes. DP_ROUTE_NH_MISS is what a lookup returns when no route
 * matches (its record has type DP_ROUTE_NH_NONE). Index 0 is never handed out (route.c).
 */
#define DP_ROUTE_NH_MISS 1u
#define DP_ROUTE_NH_FIRST 2u        /* the first index dp_route_nh_get hands out */

/* The next-hop records of a table, its first member (for dp_route_nh_at). */
struct dp_route_nh_view {
	struct dp_route_nh *nh;     /* n_nh records */
	uint32_t n_nh;
};

struct dp_route_conf {
	const char *name;           /* unique per process, at most DP_ROUTE_NAME_MAX characters */
	int socket_id;              /* SOCKET_ID_ANY (-1) for any */
	uint32_t max_v4_routes;     /* 0: no IPv4 table */
	uint32_t max_v6_routes;     /* 0: no IPv6 table */
	uint32_t max_nexthops;      /* distinct next-hop records (besides the reserved ones) */
	uint32_t v4_tbl8_groups;    /* DIR24_8 groups of 256 entries (a /24 holding longer routes
				       needs one); 0: max(256, max_v4_routes / 16) */
	uint32_t v6_tbl8_groups;    /* TRIE groups for IPv6 prefixes: 22.11 sets aside one per byte
				       between a prefix and its covering route (or /24); /128s are
				       in a hash and need none; 0: max(1024, max_v6_routes) */
	struct rte_rcu_qsbr *qsbr;  /* the readers' RCU variable; NULL when single-threaded (tests) */
};
#define DP_ROUTE_NAME_MAX 16

struct dp_route_stats {
	uint64_t v4_routes, v4_capacity;
	uint64_t v6_routes, v6_capacity;
	uint64_t nexthops;          /* records in use (reserved ones not counted) */
	uint64_t nexthops_capacity;
	uint64_t nexthops_pending;  /* unused, waiting for their grace period */
	uint64_t full;              /* adds refused: route limit, next-hop limit or FIB blocks (ENOSPC) */
	uint64_t writer_waits;      /* writer operations that had to wait for the readers */
	uint64_t reader_retries;    /* fast-path lookups done again (a FIB block was collapsing) */
	uint64_t fib6_rebuilds;     /* IPv6 FIBs rebuilt to win back DPDK 22.11's leaked blocks (route.c) */
	uint64_t memory_bytes;      /* DPDK heap bytes the table holds (measured at create) */
};

/* Create a VRF's table. *out is NULL on failure. EINVAL, ENAMETOOLONG, ENOMEM, EEXIST. */
int dp_route_table_create(const struct dp_route_conf *conf, struct dp_route_table **out);
/* Free it (readers must no longer use it). Routes still in it go with it. */
void dp_route_table_free(struct dp_route_table *t);

/*
 * Next hops (writer side). dp_route_nh_get finds the record equal to *nh or makes one, and
 * takes a reference on it: *idx. EINVAL a bad record (type, unused fields not zero), ENOSPC
 * max_nexthops in use. dp_route_nh_put drops a reference (EINVAL not a handed-out index,
 * ENOENT no reference held); the last one frees the index after a grace period.
 * Routes hold their own reference: get, add the routes, put.
 */
int dp_route_nh_get(struct dp_route_table *t, const struct dp_route_nh *nh, uint32_t *idx);
/* Whether dp_route_nh_get would take *nh: a known type, the fields it does not use zero. */
bool dp_route_nh_valid(const struct dp_route_nh *nh);
int dp_route_nh_put(struct dp_route_table *t, uint32_t idx);
/* References held on idx (0 when free or out of range). */
uint32_t dp_route_nh_refs(const struct dp_route_table *t, uint32_t idx);
/*
 * The record at idx (fast path and writer): never NULL, the miss record for bad indexes.
 * Inline, once per routed packet: a table starts with its dp_route_nh_view (route.c).
 */
static inline const struct dp_route_nh *dp_route_nh_at(const struct dp_route_table *t, uint32_t idx)
{
	const struct dp_route_nh_view *v = (const struct dp_route_nh_view *)(const void *)t;

	return &v->nh[idx < v->n_nh ? idx : DP_ROUTE_NH_MISS];
}

/*
 * Routes (writer side). Add or replace the route of prefix addr/depth (host bits are
 * ignored) towards next hop nh_idx (which must hold a reference; the route takes its
 * own). ENOSPC: route limit or FIB blocks exhausted (counted; the table is unchanged),
 * EINVAL: depth, index or no table of that family. Delete: ENOENT when absent.
 */
int dp_route_add4(struct dp_route_table *t, uint32_t addr, uint8_t depth, uint32_t nh_idx);
int dp_route_del4(struct dp_route_table *t, uint32_t addr, uint8_t depth);
/*
 * dp_route_add4 of a prefix the caller's own record says the table does not hold (a route
 * RIB's prefix it has not installed): the tree is not searched for it before the FIB's add,
 * one walk fewer per new route. Given a prefix the table holds after all, the add replaces
 * its next hop and the old one keeps a reference it never loses.
 */
int dp_route_add4_new(struct dp_route_table *t, uint32_t addr, uint8_t depth, uint32_t nh_idx);
int dp_route_add6(struct dp_route_table *t, const uint8_t addr[16], uint8_t depth, uint32_t nh_idx);
int dp_route_del6(struct dp_route_table *t, const uint8_t addr[16], uint8_t depth);
/* The next hop of exactly this prefix (writer side). ENOENT when there is no such route. */
int dp_route_get4(const struct dp_route_table *t, uint32_t addr, uint8_t depth, uint32_t *nh_idx);
int dp_route_get6(const struct dp_route_table *t, const uint8_t addr[16], uint8_t depth, uint32_t *nh_idx);

/*
 * Lookups (fast path, inside an RCU read-side section: between two quiescent states).
 * Each gives the next-hop index of the longest matching prefix, DP_ROUTE_NH_MISS when none
 * matches or there is no table of that family. Any n.
 */
uint32_t dp_route_lookup4(const struct dp_route_table *t, uint32_t addr);
void dp_route_lookup4_bulk(const struct dp_route_table *t, const uint32_t *addrs, unsigned n, uint32_t *nh_idx);
uint32_t dp_route_lookup6(const struct dp_route_table *t, const uint8_t addr[16]);
void dp_route_lookup6_bulk(const struct dp_route_table *t, const uint8_t (*addrs)[16], unsigned n,
			   uint32_t *nh_idx);

void dp_route_get_stats(const struct dp_route_table *t, struct dp_route_stats *st);
/* The name of a next-hop type ("local", "remote", "glean", "drop", "none"). */
const char *dp_route_nh_type_name(uint8_t type);

#endif
