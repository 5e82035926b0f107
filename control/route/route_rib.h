/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * route_rib.h: the routing information base of one tenant VRF (route_rib.c): every route
 * we know per prefix and source (connected subnets, static routes, local and EVPN host
 * routes, EVPN type-5 prefixes), one best per prefix, and that best programmed into the
 * VRF's dataplane table (dataplane/route.h). Control thread only.
 *
 * Best path: the most preferred source (connected > static > local host > EVPN host >
 * type-5), then the lowest origin (the VTEP id for EVPN routes, so of two type-5 paths
 * from two VTEPs the lower id wins until ECMP comes). A source keeps one path per prefix
 * and origin; adding it again replaces its next hop.
 *
 * Functions return 0 or a positive errno. A change the dataplane table refuses (ENOSPC)
 * is undone in the RIB, so the RIB and the table always agree.
 */
#ifndef VTEP_ROUTE_RIB_H
#define VTEP_ROUTE_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route.h"

enum route_src {
	ROUTE_SRC_CONNECTED = 0,    /* a VRF's subnet on an L2 VNI (next hop GLEAN) */
	ROUTE_SRC_STATIC,           /* configured */
	ROUTE_SRC_LOCAL_HOST,       /* a local container's /32 or /128 (attach, learned ARP/ND) */
	ROUTE_SRC_EVPN_HOST,        /* a type-2 MAC+IP route's /32 or /128 from a remote VTEP */
	ROUTE_SRC_EVPN_PREFIX,      /* a type-5 IP prefix route */
	ROUTE_SRC_MAX,
};

#define ROUTE_AF_V4 4
#define ROUTE_AF_V6 6

/* A prefix: IPv4 in addr[0..3] (network order, the rest zero) or IPv6; host bits zero. */
struct route_prefix {
	uint8_t family;             /* ROUTE_AF_V4 or ROUTE_AF_V6 */
	uint8_t len;
	uint8_t addr[16];
	uint8_t pad[2];             /* zero: the RIB hashes the whole structure, in 4-byte words */
};
#define ROUTE_PREFIX_STRLEN 50      /* "ffff:...:ffff/128" with its NUL */

/* Build prefixes (host bits cleared). EINVAL: length beyond the family's. */
int route_prefix_v4(struct route_prefix *p, uint32_t addr_host_order, uint8_t len);
int route_prefix_v6(struct route_prefix *p, const uint8_t addr[16], uint8_t len);
/* "10.1.0.0/16", "2001:db8::/32" (a missing length is a host route). EINVAL when malformed. */
int route_prefix_parse(const char *s, struct route_prefix *p);
void route_prefix_format(const struct route_prefix *p, char *buf, size_t size);
const char *route_src_name(enum route_src src);

struct route_rib;

/* A RIB for at most max_prefixes prefixes (both families), programming dp. */
int route_rib_create(const char *name, struct dp_route_table *dp, uint32_t max_prefixes, struct route_rib **out);
/* Withdraw every route from the dataplane table and free the RIB. */
void route_rib_free(struct route_rib *rib);
/*
 * Free the RIB and leave the dataplane table as it is: for a table freed right after (the
 * daemon's shutdown), where withdrawing a million routes one by one took seconds.
 */
void route_rib_drop(struct route_rib *rib);

/*
 * Add or replace the path of (prefix, src, origin) with next hop *nh (a dp_route_nh record,
 * unused fields zero). EINVAL bad prefix, source or record; ENOSPC the RIB or the
 * dataplane table is full (nothing changed).
 */
int route_rib_add(struct route_rib *rib, const struct route_prefix *p, enum route_src src, uint32_t origin,
		  const struct dp_route_nh *nh);
/* Withdraw that path; the next best takes over, or the prefix goes. ENOENT when absent. */
int route_rib_del(struct route_rib *rib, const struct route_prefix *p, enum route_src src, uint32_t origin);
/* Bring the hash buckets of n (<= 64) prefixes about to change into the cache. */
void route_rib_prefetch(const struct route_rib *rib, const struct route_prefix *p, unsigned n);

/*
 * The next hop of exactly the path (prefix, src, origin), whether or not it is the best.
 * EINVAL bad prefix or source, ENOENT no such path.
 */
int route_rib_path(const struct route_rib *rib, const struct route_prefix *p, enum route_src src, uint32_t origin,
		   struct dp_route_nh *nh);

/* A prefix's best path, for show and tests. */
struct route_rib_info {
	struct route_prefix prefix;
	enum route_src src;
	uint32_t origin;
	struct dp_route_nh nh;
	uint32_t nh_idx;            /* the dataplane's next-hop index, 0 when not in the table */
	bool installed;             /* the dataplane table forwards the prefix by this path */
	uint32_t n_paths;           /* paths of every source */
};
/* The best path of exactly this prefix. ENOENT when there is none. */
int route_rib_best(const struct route_rib *rib, const struct route_prefix *p, struct route_rib_info *info);
/*
 * Visit every prefix (in no order) with its best path; stop when cb returns non-zero.
 * No change to the RIB from cb.
 */
typedef int (*route_rib_walk_cb)(const struct route_rib_info *info, void *arg);
void route_rib_walk(const struct route_rib *rib, route_rib_walk_cb cb, void *arg);

struct route_rib_stats {
	uint64_t prefixes;
	uint64_t paths;
	uint64_t paths_by_src[ROUTE_SRC_MAX];
	uint64_t refused;           /* changes undone because the RIB or the dataplane table was full */
};
void route_rib_get_stats(const struct route_rib *rib, struct route_rib_stats *st);

#endif
