/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_route.c: unit tests of a VRF's route table (dataplane/route.c) and its RIB
 * (control/route/route_rib.c): add, replace, withdraw, longest-prefix match with
 * overlapping prefixes, host routes over prefixes, default routes, IPv4 and IPv6, next-hop
 * sharing and reference counts, full tables, bulk lookups against a linear-scan model,
 * source preference and fallback, a reader thread under RCU while the writer changes
 * 100k routes, and the memory of 1M IPv4 host routes (printed). EAL runs once, without
 * hugepages; the tests share the process (CK_NOFORK).
 */
#include <check.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "test_eal.h"
#include "route.h"
#include "route_rib.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

static void ip6(uint8_t out[16], const char *s)
{
	struct route_prefix p;

	ck_assert_int_eq(route_prefix_parse(s, &p), 0);
	ck_assert_uint_eq(p.family, ROUTE_AF_V6);
	memcpy(out, p.addr, 16);
}

static struct dp_route_nh nh_remote(uint32_t vtep, uint32_t l3vni)
{
	struct dp_route_nh n;

	memset(&n, 0, sizeof(n));
	n.type = DP_ROUTE_NH_REMOTE;
	n.vtep_id = vtep;
	n.l3vni = l3vni;
	n.mac[0] = 0x02;
	n.mac[4] = (uint8_t)(vtep >> 8);
	n.mac[5] = (uint8_t)vtep;
	return n;
}

static struct dp_route_nh nh_local(uint32_t port, uint16_t vni_idx)
{
	struct dp_route_nh n;

	memset(&n, 0, sizeof(n));
	n.type = DP_ROUTE_NH_LOCAL;
	n.port = port;
	n.vni_idx = vni_idx;
	n.mac[0] = 0x0a;
	n.mac[5] = (uint8_t)port;
	return n;
}

static struct dp_route_nh nh_glean(uint16_t vni_idx)
{
	struct dp_route_nh n;

	memset(&n, 0, sizeof(n));
	n.type = DP_ROUTE_NH_GLEAN;
	n.vni_idx = vni_idx;
	return n;
}

static struct dp_route_nh nh_drop(void)
{
	struct dp_route_nh n;

	memset(&n, 0, sizeof(n));
	n.type = DP_ROUTE_NH_DROP;
	return n;
}

static struct dp_route_table *table_new_g(const char *name, uint32_t v4, uint32_t v6, uint32_t nhs,
					  struct rte_rcu_qsbr *v, uint32_t groups4, uint32_t groups6)
{
	struct dp_route_conf c = {
		.name = name, .socket_id = SOCKET_ID_ANY, .max_v4_routes = v4, .max_v6_routes = v6,
		.max_nexthops = nhs, .v4_tbl8_groups = groups4, .v6_tbl8_groups = groups6, .qsbr = v,
	};
	struct dp_route_table *t = NULL;
	int rc = dp_route_table_create(&c, &t);

	ck_assert_msg(rc == 0, "dp_route_table_create(%s): %s", name, strerror(rc));
	ck_assert_ptr_nonnull(t);
	return t;
}

static struct dp_route_table *table_new(const char *name, uint32_t v4, uint32_t v6, uint32_t nhs,
					struct rte_rcu_qsbr *v)
{
	return table_new_g(name, v4, v6, nhs, v, 0, 0);
}

static uint32_t get_nh(struct dp_route_table *t, struct dp_route_nh n)
{
	uint32_t idx = 0;

	ck_assert_int_eq(dp_route_nh_get(t, &n, &idx), 0);
	ck_assert_uint_ge(idx, DP_ROUTE_NH_FIRST);
	return idx;
}

static struct dp_route_stats stats_of(const struct dp_route_table *t)
{
	struct dp_route_stats st;

	dp_route_get_stats(t, &st);
	return st;
}

/* ---- next hops ---- */

/*
 * A table takes exactly max_nexthops distinct records, however their hashes fall: 16384 (the
 * VRF default) remote next hops with distinct router MACs all fit, the next is ENOSPC. The
 * record hash was sized to the limit without room for full buckets and refused records
 * from about 15,950 on.
 */
START_TEST(test_nexthops_all_fit)
{
	const uint32_t max = 16384;
	struct dp_route_table *t = table_new("nh_fill", 1024, 1024, max, NULL);
	struct dp_route_nh n;
	uint32_t idx;

	for (uint32_t i = 0; i < max; i++) {
		n = nh_remote(i % 1024, 900001);
		n.mac[2] = (uint8_t)(i >> 16);
		n.mac[3] = (uint8_t)(i >> 8);
		n.mac[4] = (uint8_t)i;
		ck_assert_msg(dp_route_nh_get(t, &n, &idx) == 0, "next hop %u of %u refused", i, max);
	}
	ck_assert_uint_eq(stats_of(t).nexthops, max);
	n = nh_remote(1, 900002);
	ck_assert_int_eq(dp_route_nh_get(t, &n, &idx), ENOSPC);
	dp_route_table_free(t);
}
END_TEST

START_TEST(test_nexthops)
{
	struct dp_route_table *t = table_new("t_nh", 16, 16, 3, NULL);
	struct dp_route_nh bad;
	uint32_t a, b, c, d;

	a = get_nh(t, nh_remote(5, 900001));
	b = get_nh(t, nh_remote(5, 900001));           /* the same record is shared */
	ck_assert_uint_eq(a, b);
	ck_assert_uint_eq(dp_route_nh_refs(t, a), 2);
	c = get_nh(t, nh_local(3, 7));
	ck_assert_uint_ne(c, a);
	ck_assert_uint_eq(dp_route_nh_at(t, c)->type, DP_ROUTE_NH_LOCAL);
	ck_assert_uint_eq(dp_route_nh_at(t, c)->port, 3);
	ck_assert_uint_eq(dp_route_nh_at(t, a)->vtep_id, 5);
	ck_assert_uint_eq(dp_route_nh_at(t, a)->l3vni, 900001);
	/* bad indexes read as the miss record; reserved indexes are nobody's */
	ck_assert_uint_eq(dp_route_nh_at(t, 1000)->type, DP_ROUTE_NH_NONE);
	ck_assert_uint_eq(dp_route_nh_at(t, DP_ROUTE_NH_MISS)->type, DP_ROUTE_NH_NONE);
	ck_assert_int_eq(dp_route_nh_put(t, DP_ROUTE_NH_MISS), EINVAL);
	ck_assert_int_eq(dp_route_nh_put(t, 0), EINVAL);
	ck_assert_int_eq(dp_route_nh_put(t, 1000), EINVAL);

	/* records that are not canonical are refused */
	bad = nh_glean(1);
	bad.port = 4;
	ck_assert_int_eq(dp_route_nh_get(t, &bad, &d), EINVAL);
	bad = nh_drop();
	bad.mac[0] = 1;
	ck_assert_int_eq(dp_route_nh_get(t, &bad, &d), EINVAL);
	bad = nh_remote(1, 2);
	bad.type = DP_ROUTE_NH_TYPE_MAX;
	ck_assert_int_eq(dp_route_nh_get(t, &bad, &d), EINVAL);
	bad = nh_remote(1, 0x1000000);
	ck_assert_int_eq(dp_route_nh_get(t, &bad, &d), EINVAL);
	ck_assert_int_eq(dp_route_nh_get(t, NULL, &d), EINVAL);

	/* three records fit, a fourth does not */
	d = get_nh(t, nh_drop());
	bad = nh_glean(9);
	ck_assert_int_eq(dp_route_nh_get(t, &bad, &b), ENOSPC);
	ck_assert_uint_eq(stats_of(t).full, 1);
	ck_assert_uint_eq(stats_of(t).nexthops, 3);

	/* the last put frees the index (no readers: at once) for another record */
	ck_assert_int_eq(dp_route_nh_put(t, a), 0);
	ck_assert_uint_eq(dp_route_nh_refs(t, a), 1);
	ck_assert_int_eq(dp_route_nh_put(t, a), 0);
	ck_assert_uint_eq(dp_route_nh_refs(t, a), 0);
	ck_assert_int_eq(dp_route_nh_put(t, a), ENOENT);
	ck_assert_int_eq(dp_route_nh_get(t, &bad, &b), 0);
	ck_assert_uint_eq(b, a);
	ck_assert_uint_eq(dp_route_nh_at(t, b)->type, DP_ROUTE_NH_GLEAN);
	ck_assert_uint_eq(dp_route_nh_at(t, b)->vni_idx, 9);
	/* and the old record is not found any more: a new get makes a new one (no room) */
	bad = nh_remote(5, 900001);
	ck_assert_int_eq(dp_route_nh_get(t, &bad, &a), ENOSPC);
	dp_route_nh_put(t, b);
	dp_route_nh_put(t, c);
	dp_route_nh_put(t, d);
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	dp_route_table_free(t);
}
END_TEST

/* ---- IPv4 ---- */

START_TEST(test_v4_lpm)
{
	struct dp_route_table *t = table_new("t_v4", 64, 0, 16, NULL);
	uint32_t n8 = get_nh(t, nh_remote(8, 900001)), n16 = get_nh(t, nh_remote(16, 900001)),
		 n24 = get_nh(t, nh_glean(24)), n32 = get_nh(t, nh_local(32, 1)), n0 = get_nh(t, nh_drop()),
		 n16b = get_nh(t, nh_remote(17, 900001)), got;

	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), DP_ROUTE_NH_MISS);
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 0, 0, 0), 8, n8), 0);
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 1, 0, 0), 16, n16), 0);
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 1, 2, 0), 24, n24), 0);
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 1, 2, 3), 32, n32), 0);
	ck_assert_uint_eq(stats_of(t).v4_routes, 4);
	/* each route holds a reference of its own */
	ck_assert_uint_eq(dp_route_nh_refs(t, n32), 2);

	/* the longest match wins; the host route beats every prefix */
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), n32);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 4)), n24);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 3, 3)), n16);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 2, 2, 3)), n8);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(11, 1, 2, 3)), DP_ROUTE_NH_MISS);

	/* the default route catches the rest */
	ck_assert_int_eq(dp_route_add4(t, 0, 0, n0), 0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(11, 1, 2, 3)), n0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(255, 255, 255, 255)), n0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), n32);

	/* host bits are ignored; the exact prefix reads back */
	ck_assert_int_eq(dp_route_get4(t, ip4(10, 1, 99, 99), 16, &got), 0);
	ck_assert_uint_eq(got, n16);
	ck_assert_int_eq(dp_route_get4(t, ip4(10, 1, 0, 0), 17, &got), ENOENT);

	/* replace: the /16 moves to another VTEP; the old next hop loses the route's reference */
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 1, 0, 0), 16, n16b), 0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 3, 3)), n16b);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 4)), n24);
	ck_assert_uint_eq(dp_route_nh_refs(t, n16), 1);
	ck_assert_uint_eq(dp_route_nh_refs(t, n16b), 2);
	ck_assert_uint_eq(stats_of(t).v4_routes, 5);
	/* adding the same again changes nothing */
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 1, 0, 0), 16, n16b), 0);
	ck_assert_uint_eq(dp_route_nh_refs(t, n16b), 2);

	/* withdraw: the next longest takes over */
	ck_assert_int_eq(dp_route_del4(t, ip4(10, 1, 2, 3), 32), 0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), n24);
	ck_assert_int_eq(dp_route_del4(t, ip4(10, 1, 2, 0), 24), 0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), n16b);
	ck_assert_int_eq(dp_route_del4(t, ip4(10, 1, 0, 0), 16), 0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), n8);
	ck_assert_int_eq(dp_route_del4(t, ip4(10, 1, 0, 0), 16), ENOENT);
	ck_assert_int_eq(dp_route_del4(t, 0, 0), 0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(11, 1, 2, 3)), DP_ROUTE_NH_MISS);

	/* bad arguments */
	ck_assert_int_eq(dp_route_add4(t, 0, 33, n8), EINVAL);
	ck_assert_int_eq(dp_route_add4(t, 0, 8, 0), EINVAL);
	ck_assert_int_eq(dp_route_add4(t, 0, 8, DP_ROUTE_NH_MISS), EINVAL);
	ck_assert_int_eq(dp_route_add4(t, 0, 8, 999), EINVAL);
	{
		uint8_t a6[16] = {0};

		ck_assert_int_eq(dp_route_add6(t, a6, 64, n8), EINVAL);   /* no IPv6 table */
		ck_assert_uint_eq(dp_route_lookup6(t, a6), DP_ROUTE_NH_MISS);
	}

	/* the last route goes: only our own references remain */
	ck_assert_int_eq(dp_route_del4(t, ip4(10, 0, 0, 0), 8), 0);
	ck_assert_uint_eq(stats_of(t).v4_routes, 0);
	for (uint32_t i = DP_ROUTE_NH_FIRST; i < DP_ROUTE_NH_FIRST + 6; i++)
		ck_assert_uint_eq(dp_route_nh_refs(t, i), 1);
	dp_route_nh_put(t, n8);
	dp_route_nh_put(t, n16);
	dp_route_nh_put(t, n16b);
	dp_route_nh_put(t, n24);
	dp_route_nh_put(t, n32);
	dp_route_nh_put(t, n0);
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	dp_route_table_free(t);
}
END_TEST

/* ---- IPv6 ---- */

/*
 * dp_route_add4_new (a prefix the caller knows is not there: no search first) adds like
 * dp_route_add4: the route counts, holds its reference, is found by lookups and by its exact
 * prefix (host bits ignored), and is replaced and deleted as any other.
 */
START_TEST(test_v4_add_new)
{
	struct dp_route_table *t = table_new("t_v4n", 64, 0, 16, NULL);
	uint32_t a = get_nh(t, nh_remote(8, 900001)), b = get_nh(t, nh_remote(9, 900001)), got;

	ck_assert_int_eq(dp_route_add4_new(t, ip4(10, 1, 0, 0), 16, a), 0);
	ck_assert_int_eq(dp_route_add4_new(t, ip4(10, 1, 2, 3), 32, b), 0);
	ck_assert_int_eq(dp_route_add4_new(t, ip4(10, 2, 9, 9), 24, a), 0);
	ck_assert_uint_eq(stats_of(t).v4_routes, 3);
	ck_assert_uint_eq(dp_route_nh_refs(t, a), 3);
	ck_assert_uint_eq(dp_route_nh_refs(t, b), 2);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), b);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 4)), a);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 2, 9, 1)), a);
	ck_assert_int_eq(dp_route_get4(t, ip4(10, 2, 9, 0), 24, &got), 0);
	ck_assert_uint_eq(got, a);
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 1, 2, 3), 32, a), 0);   /* replace */
	ck_assert_uint_eq(dp_route_nh_refs(t, b), 1);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), a);
	ck_assert_int_eq(dp_route_del4(t, ip4(10, 1, 2, 3), 32), 0);
	ck_assert_int_eq(dp_route_del4(t, ip4(10, 1, 0, 0), 16), 0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 1, 2, 3)), DP_ROUTE_NH_MISS);
	ck_assert_uint_eq(stats_of(t).v4_routes, 1);
	ck_assert_int_eq(dp_route_add4_new(t, ip4(10, 1, 2, 3), 33, a), EINVAL);
	dp_route_table_free(t);
}
END_TEST

START_TEST(test_v6_lpm)
{
	struct dp_route_table *t = table_new("t_v6", 0, 64, 16, NULL);
	uint32_t n32 = get_nh(t, nh_remote(32, 900001)), n64 = get_nh(t, nh_glean(2)),
		 n128 = get_nh(t, nh_local(4, 2)), n0 = get_nh(t, nh_drop()), n64b = get_nh(t, nh_remote(7, 900001)),
		 got;
	uint8_t p32[16], p64[16], h[16], a[16];

	ip6(p32, "2001:db8::");
	ip6(p64, "2001:db8:0:1::");
	ip6(h, "2001:db8:0:1::42");
	ck_assert_int_eq(dp_route_add6(t, p32, 32, n32), 0);
	ck_assert_int_eq(dp_route_add6(t, p64, 64, n64), 0);
	ck_assert_int_eq(dp_route_add6(t, h, 128, n128), 0);
	ck_assert_uint_eq(stats_of(t).v6_routes, 3);

	ck_assert_uint_eq(dp_route_lookup6(t, h), n128);
	ip6(a, "2001:db8:0:1::43");
	ck_assert_uint_eq(dp_route_lookup6(t, a), n64);
	ip6(a, "2001:db8:0:2::42");
	ck_assert_uint_eq(dp_route_lookup6(t, a), n32);
	ip6(a, "2001:db9::1");
	ck_assert_uint_eq(dp_route_lookup6(t, a), DP_ROUTE_NH_MISS);
	ck_assert_int_eq(dp_route_add6(t, a, 0, n0), 0);
	ck_assert_uint_eq(dp_route_lookup6(t, a), n0);
	ck_assert_uint_eq(dp_route_lookup6(t, h), n128);

	/* host bits ignored; replace; withdraw falls back */
	ip6(a, "2001:db8:0:1:ffff::");
	ck_assert_int_eq(dp_route_get6(t, a, 64, &got), 0);
	ck_assert_uint_eq(got, n64);
	ck_assert_int_eq(dp_route_add6(t, a, 64, n64b), 0);
	ip6(a, "2001:db8:0:1::43");
	ck_assert_uint_eq(dp_route_lookup6(t, a), n64b);
	ck_assert_uint_eq(dp_route_nh_refs(t, n64), 1);
	ck_assert_int_eq(dp_route_del6(t, h, 128), 0);
	ck_assert_uint_eq(dp_route_lookup6(t, h), n64b);
	ck_assert_int_eq(dp_route_del6(t, h, 128), ENOENT);
	ck_assert_int_eq(dp_route_del6(t, p64, 64), 0);
	ck_assert_uint_eq(dp_route_lookup6(t, h), n32);
	ck_assert_int_eq(dp_route_del6(t, p32, 32), 0);
	ck_assert_uint_eq(dp_route_lookup6(t, h), n0);
	ck_assert_int_eq(dp_route_del6(t, p32, 0), 0);
	ck_assert_uint_eq(dp_route_lookup6(t, h), DP_ROUTE_NH_MISS);
	ck_assert_int_eq(dp_route_add6(t, h, 129, n0), EINVAL);
	ck_assert_int_eq(dp_route_add4(t, 0, 0, n0), EINVAL);            /* no IPv4 table */
	ck_assert_uint_eq(dp_route_lookup4(t, 0), DP_ROUTE_NH_MISS);
	ck_assert_uint_eq(stats_of(t).v6_routes, 0);

	dp_route_nh_put(t, n32);
	dp_route_nh_put(t, n64);
	dp_route_nh_put(t, n64b);
	dp_route_nh_put(t, n128);
	dp_route_nh_put(t, n0);
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	dp_route_table_free(t);
}
END_TEST

/* ---- full tables ---- */

START_TEST(test_full)
{
	struct dp_route_table *t = table_new("t_full", 4, 4, 8, NULL);
	uint32_t a = get_nh(t, nh_remote(1, 100)), b = get_nh(t, nh_remote(2, 100));
	uint8_t x[16] = {0x20, 0x01};
	int rc;

	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(dp_route_add4(t, ip4(10, 0, i, 0), 24, a), 0);
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 0, 9, 0), 24, a), ENOSPC);
	ck_assert_uint_eq(stats_of(t).full, 1);
	/* replacing an existing route needs no room */
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 0, 1, 0), 24, b), 0);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 0, 1, 1)), b);
	ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 0, 9, 1)), DP_ROUTE_NH_MISS);
	for (unsigned i = 0; i < 4; i++) {
		x[15] = (uint8_t)i;
		ck_assert_int_eq(dp_route_add6(t, x, 128, a), 0);
	}
	x[15] = 9;
	ck_assert_int_eq(dp_route_add6(t, x, 128, a), ENOSPC);
	ck_assert_uint_eq(dp_route_nh_refs(t, a), 1 + 3 + 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(dp_route_del4(t, ip4(10, 0, i, 0), 24), 0);
		x[15] = (uint8_t)i;
		ck_assert_int_eq(dp_route_del6(t, x, 128), 0);
	}
	ck_assert_uint_eq(dp_route_nh_refs(t, a), 1);
	ck_assert_uint_eq(dp_route_nh_refs(t, b), 1);
	dp_route_nh_put(t, a);
	dp_route_nh_put(t, b);
	dp_route_table_free(t);

	/*
	 * Out of FIB blocks (not routes): IPv4 host routes in distinct /24s need a block each,
	 * IPv6 /64s several; 64 blocks (the least DIR24_8 takes). The table refuses the rest,
	 * keeps working, and empties back to zero references.
	 */
	{
		struct dp_route_conf c = {
			.name = "t_blocks", .socket_id = SOCKET_ID_ANY, .max_v4_routes = 1000, .max_v6_routes = 1000,
			.max_nexthops = 8, .v4_tbl8_groups = 64, .v6_tbl8_groups = 64,
		};
		unsigned ok4 = 0, ok6 = 0, refused = 0;

		ck_assert_int_eq(dp_route_table_create(&c, &t), 0);
		a = get_nh(t, nh_remote(1, 100));
		for (unsigned i = 0; i < 200; i++) {
			rc = dp_route_add4(t, ip4(10, i, 0, 1), 32, a);
			ck_assert_msg(rc == 0 || rc == ENOSPC, "add4 %u: %d", i, rc);
			ok4 += rc == 0;
			refused += rc == ENOSPC;
		}
		for (unsigned i = 0; i < 200; i++) {
			memset(x, 0, sizeof(x));
			x[0] = 0x20;
			x[1] = 0x01;
			x[2] = (uint8_t)i;
			rc = dp_route_add6(t, x, 64, a);
			ck_assert_msg(rc == 0 || rc == ENOSPC, "add6 %u: %d", i, rc);
			ok6 += rc == 0;
			refused += rc == ENOSPC;
		}
		fprintf(stderr, "test_full: 64 blocks took %u IPv4 /32s and %u IPv6 /64s, each in a /24 of its own\n",
			ok4, ok6);
		ck_assert_uint_ge(ok4, 32);
		ck_assert_uint_lt(ok4, 200);
		ck_assert_uint_lt(ok6, 200);
		ck_assert_uint_eq(stats_of(t).full, refused);
		ck_assert_uint_eq(stats_of(t).v4_routes, ok4);
		ck_assert_uint_eq(stats_of(t).v6_routes, ok6);
		/* what went in is found, what did not is not */
		for (unsigned i = 0; i < 200; i++)
			ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, i, 0, 1)), i < ok4 ? a : DP_ROUTE_NH_MISS);
		ck_assert_uint_eq(dp_route_nh_refs(t, a), 1 + ok4 + ok6);
		for (unsigned i = 0; i < ok4; i++)
			ck_assert_int_eq(dp_route_del4(t, ip4(10, i, 0, 1), 32), 0);
		for (unsigned i = 0; i < ok6; i++) {
			memset(x, 0, sizeof(x));
			x[0] = 0x20;
			x[1] = 0x01;
			x[2] = (uint8_t)i;
			ck_assert_int_eq(dp_route_del6(t, x, 64), 0);
		}
		ck_assert_uint_eq(dp_route_nh_refs(t, a), 1);
		/* the blocks came back */
		ck_assert_int_eq(dp_route_add4(t, ip4(10, 199, 0, 1), 32, a), 0);
		ck_assert_int_eq(dp_route_del4(t, ip4(10, 199, 0, 1), 32), 0);

		/*
		 * A replace that needs a block when none is left: DPDK 22.11 reports success and
		 * changes nothing; the table says ENOSPC and the old next hop stays.
		 */
		b = get_nh(t, nh_remote(2, 100));
		ck_assert_int_eq(dp_route_add4(t, ip4(10, 250, 0, 0), 24, a), 0);
		ck_assert_int_eq(dp_route_add4(t, ip4(10, 250, 0, 5), 32, a), 0);   /* same as its /24: no block */
		for (unsigned i = 0; i < 64; i++)
			ck_assert_int_eq(dp_route_add4(t, ip4(10, i, 0, 1), 32, a), 0);
		ck_assert_int_eq(dp_route_add4(t, ip4(10, 100, 0, 1), 32, a), ENOSPC);
		refused = (unsigned)stats_of(t).full;
		ck_assert_int_eq(dp_route_add4(t, ip4(10, 250, 0, 5), 32, b), ENOSPC);
		ck_assert_uint_eq(stats_of(t).full, refused + 1);
		ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 250, 0, 5)), a);
		{
			uint32_t got;

			ck_assert_int_eq(dp_route_get4(t, ip4(10, 250, 0, 5), 32, &got), 0);
			ck_assert_uint_eq(got, a);
		}
		/* with a block free again the replace goes through */
		ck_assert_int_eq(dp_route_del4(t, ip4(10, 0, 0, 1), 32), 0);
		ck_assert_int_eq(dp_route_add4(t, ip4(10, 250, 0, 5), 32, b), 0);
		ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 250, 0, 5)), b);
		ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 250, 0, 6)), a);
		for (unsigned i = 1; i < 64; i++)
			ck_assert_int_eq(dp_route_del4(t, ip4(10, i, 0, 1), 32), 0);
		ck_assert_int_eq(dp_route_del4(t, ip4(10, 250, 0, 5), 32), 0);
		ck_assert_int_eq(dp_route_del4(t, ip4(10, 250, 0, 0), 24), 0);
		ck_assert_uint_eq(dp_route_nh_refs(t, a), 1);
		/* the failed replace keeps its reference on b (route.c: it may be in the table) */
		ck_assert_uint_eq(dp_route_nh_refs(t, b), 2);
		dp_route_nh_put(t, a);
		dp_route_nh_put(t, b);
		ck_assert_uint_eq(stats_of(t).nexthops, 1);
		dp_route_table_free(t);
	}
}
END_TEST

START_TEST(test_create_errors)
{
	struct dp_route_conf c = {.name = "t_err", .socket_id = SOCKET_ID_ANY, .max_v4_routes = 8, .max_nexthops = 8};
	struct dp_route_table *t = (struct dp_route_table *)&c, *u;

	c.max_nexthops = 0;
	ck_assert_int_eq(dp_route_table_create(&c, &t), EINVAL);
	ck_assert_ptr_null(t);
	c.max_nexthops = 8;
	c.max_v4_routes = 0;
	ck_assert_int_eq(dp_route_table_create(&c, &t), EINVAL);
	c.max_v4_routes = 8;
	c.name = "a_name_much_too_long";
	ck_assert_int_eq(dp_route_table_create(&c, &t), ENAMETOOLONG);
	c.name = "";
	ck_assert_int_eq(dp_route_table_create(&c, &t), EINVAL);
	ck_assert_int_eq(dp_route_table_create(NULL, &t), EINVAL);
	c.name = "t_err";
	ck_assert_int_eq(dp_route_table_create(&c, &t), 0);
	ck_assert_int_ne(dp_route_table_create(&c, &u), 0);   /* the same name twice */
	ck_assert_ptr_null(u);
	dp_route_table_free(t);
	dp_route_table_free(NULL);
}
END_TEST

/* ---- bulk lookups against a linear-scan model ---- */

#define MODEL_ROUTES 1500
#define MODEL_ADDRS 20000

struct model4 {
	uint32_t addr[MODEL_ROUTES];
	uint8_t len[MODEL_ROUTES];
	uint32_t nh[MODEL_ROUTES];
	bool live[MODEL_ROUTES];
};

static uint32_t model4_lookup(const struct model4 *m, uint32_t a)
{
	int best = -1;

	for (int i = 0; i < MODEL_ROUTES; i++) {
		uint32_t mask = m->len[i] ? UINT32_MAX << (32 - m->len[i]) : 0;

		if (m->live[i] && (a & mask) == m->addr[i] && (best < 0 || m->len[i] > m->len[best]))
			best = i;
	}
	return best < 0 ? DP_ROUTE_NH_MISS : m->nh[best];
}

/* Prefixes around 10.0.0.0/8 and 172.16.0.0/12 so that they overlap a lot. */
static void random_prefix4(uint32_t *addr, uint8_t *len)
{
	static const uint8_t lens[] = {8, 12, 16, 20, 22, 24, 25, 26, 28, 30, 31, 32, 32, 32, 32, 32};
	uint8_t l = lens[rnd() % RTE_DIM(lens)];
	uint32_t a = (rnd() & 1) ? ip4(10, 0, 0, 0) | (uint32_t)(rnd() & 0x0003ffff)
				 : ip4(172, 16, 0, 0) | (uint32_t)(rnd() & 0x000fffff);

	*len = l;
	*addr = a & (l ? UINT32_MAX << (32 - l) : 0);
}

static void check_model4(struct dp_route_table *t, const struct model4 *m)
{
	static uint32_t addrs[MODEL_ADDRS], bulk[MODEL_ADDRS];

	for (unsigned i = 0; i < MODEL_ADDRS; i++) {
		unsigned r = (unsigned)(rnd() % MODEL_ROUTES);

		/* mostly inside some route's prefix, sometimes anywhere */
		addrs[i] = (i % 4 == 3) ? (uint32_t)rnd() : m->addr[r] | ((uint32_t)rnd() & ~(m->len[r] ? UINT32_MAX << (32 - m->len[r]) : 0));
	}
	dp_route_lookup4_bulk(t, addrs, MODEL_ADDRS, bulk);
	for (unsigned i = 0; i < MODEL_ADDRS; i++) {
		uint32_t want = model4_lookup(m, addrs[i]);

		ck_assert_msg(bulk[i] == want, "bulk lookup of %08x: %u, the model says %u", addrs[i], bulk[i], want);
		ck_assert_uint_eq(dp_route_lookup4(t, addrs[i]), bulk[i]);
	}
	/* odd burst sizes too */
	for (unsigned n = 1; n < 70; n += 7) {
		dp_route_lookup4_bulk(t, addrs + 100, n, bulk);
		for (unsigned i = 0; i < n; i++)
			ck_assert_uint_eq(bulk[i], dp_route_lookup4(t, addrs[100 + i]));
	}
}

START_TEST(test_bulk_model_v4)
{
	static struct model4 m;
	/* a block for every /24 holding a route longer than /24 */
	struct dp_route_table *t = table_new_g("t_bulk4", MODEL_ROUTES, 0, 64, NULL, 4096, 0);
	uint32_t nhs[40];

	memset(&m, 0, sizeof(m));
	for (unsigned i = 0; i < RTE_DIM(nhs); i++)
		nhs[i] = get_nh(t, nh_remote(i + 1, 900001));
	for (unsigned i = 0; i < MODEL_ROUTES; i++) {
		random_prefix4(&m.addr[i], &m.len[i]);
		for (unsigned j = 0; j < i; j++)
			if (m.live[j] && m.addr[j] == m.addr[i] && m.len[j] == m.len[i])
				m.live[j] = false;     /* replaced by this one */
		m.nh[i] = nhs[rnd() % RTE_DIM(nhs)];
		m.live[i] = true;
		ck_assert_int_eq(dp_route_add4(t, m.addr[i], m.len[i], m.nh[i]), 0);
	}
	check_model4(t, &m);
	/* withdraw about half, replace some */
	for (unsigned i = 0; i < MODEL_ROUTES; i++) {
		if (!m.live[i])
			continue;
		if (rnd() % 2) {
			ck_assert_int_eq(dp_route_del4(t, m.addr[i], m.len[i]), 0);
			m.live[i] = false;
		} else if (rnd() % 4 == 0) {
			m.nh[i] = nhs[rnd() % RTE_DIM(nhs)];
			ck_assert_int_eq(dp_route_add4(t, m.addr[i], m.len[i], m.nh[i]), 0);
		}
	}
	check_model4(t, &m);
	/* references: one per live route plus ours */
	for (unsigned k = 0; k < RTE_DIM(nhs); k++) {
		uint32_t n = 1;

		for (unsigned i = 0; i < MODEL_ROUTES; i++)
			n += m.live[i] && m.nh[i] == nhs[k];
		ck_assert_uint_eq(dp_route_nh_refs(t, nhs[k]), n);
	}
	for (unsigned i = 0; i < MODEL_ROUTES; i++)
		if (m.live[i])
			ck_assert_int_eq(dp_route_del4(t, m.addr[i], m.len[i]), 0);
	for (unsigned k = 0; k < RTE_DIM(nhs); k++) {
		ck_assert_uint_eq(dp_route_nh_refs(t, nhs[k]), 1);
		dp_route_nh_put(t, nhs[k]);
	}
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	ck_assert_uint_eq(stats_of(t).v4_routes, 0);
	dp_route_table_free(t);
}
END_TEST

struct model6 {
	uint8_t addr[MODEL_ROUTES][16];
	uint8_t len[MODEL_ROUTES];
	uint32_t nh[MODEL_ROUTES];
	bool live[MODEL_ROUTES];
};

static bool match6(const uint8_t *a, const uint8_t *p, unsigned len)
{
	for (unsigned i = 0; i < 16 && len > 0; i++) {
		unsigned bits = len >= 8 ? 8 : len;
		uint8_t mask = (uint8_t)(0xff00u >> bits);

		if ((a[i] & mask) != p[i])
			return false;
		len -= bits;
	}
	return true;
}

static uint32_t model6_lookup(const struct model6 *m, const uint8_t *a)
{
	int best = -1;

	for (int i = 0; i < MODEL_ROUTES; i++)
		if (m->live[i] && match6(a, m->addr[i], m->len[i]) && (best < 0 || m->len[i] > m->len[best]))
			best = i;
	return best < 0 ? DP_ROUTE_NH_MISS : m->nh[best];
}

static void random_prefix6(uint8_t a[16], uint8_t *len)
{
	static const uint8_t lens[] = {16, 32, 40, 48, 56, 60, 64, 64, 72, 96, 120, 127, 128, 128, 128, 128};
	struct route_prefix p;
	uint8_t r[16];

	for (unsigned i = 0; i < 16; i++)
		r[i] = (uint8_t)rnd();
	r[0] = 0x20;
	r[1] = 0x01;
	r[2] = 0x0d;
	r[3] = (uint8_t)(0xb8 + (rnd() & 1));
	r[4] = 0;
	r[5] = (uint8_t)(rnd() & 3);
	for (unsigned i = 6; i < 8; i++)
		r[i] = (uint8_t)(rnd() & 1);
	*len = lens[rnd() % RTE_DIM(lens)];
	route_prefix_v6(&p, r, *len);
	memcpy(a, p.addr, 16);
}

START_TEST(test_bulk_model_v6)
{
	static struct model6 m;
	static uint8_t addrs[MODEL_ADDRS / 4][16];
	static uint32_t bulk[MODEL_ADDRS / 4];
	struct dp_route_conf c = {
		.name = "t_bulk6", .socket_id = SOCKET_ID_ANY, .max_v6_routes = MODEL_ROUTES, .max_nexthops = 64,
		.v6_tbl8_groups = 32768,
	};
	struct dp_route_table *t;
	uint32_t nhs[40];

	ck_assert_int_eq(dp_route_table_create(&c, &t), 0);
	memset(&m, 0, sizeof(m));
	for (unsigned i = 0; i < RTE_DIM(nhs); i++)
		nhs[i] = get_nh(t, nh_remote(i + 1, 900001));
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0) {
			for (unsigned i = 0; i < MODEL_ROUTES; i++) {
				random_prefix6(m.addr[i], &m.len[i]);
				for (unsigned j = 0; j < i; j++)
					if (m.live[j] && m.len[j] == m.len[i] && !memcmp(m.addr[j], m.addr[i], 16))
						m.live[j] = false;
				m.nh[i] = nhs[rnd() % RTE_DIM(nhs)];
				m.live[i] = true;
				ck_assert_int_eq(dp_route_add6(t, m.addr[i], m.len[i], m.nh[i]), 0);
			}
		} else {
			for (unsigned i = 0; i < MODEL_ROUTES; i++)
				if (m.live[i] && rnd() % 2) {
					ck_assert_int_eq(dp_route_del6(t, m.addr[i], m.len[i]), 0);
					m.live[i] = false;
				}
		}
		for (unsigned i = 0; i < RTE_DIM(addrs); i++) {
			unsigned r = (unsigned)(rnd() % MODEL_ROUTES);

			memcpy(addrs[i], m.addr[r], 16);
			for (unsigned b = m.len[r]; b < 128; b++)
				if (rnd() & 1)
					addrs[i][b / 8] |= (uint8_t)(0x80 >> (b % 8));
		}
		dp_route_lookup6_bulk(t, (const uint8_t (*)[16])addrs, RTE_DIM(addrs), bulk);
		for (unsigned i = 0; i < RTE_DIM(addrs); i++) {
			uint32_t want = model6_lookup(&m, addrs[i]);

			ck_assert_msg(bulk[i] == want, "pass %d: bulk lookup %u: %u, the model says %u", pass, i, bulk[i],
				      want);
			ck_assert_uint_eq(dp_route_lookup6(t, addrs[i]), want);
		}
	}
	for (unsigned i = 0; i < MODEL_ROUTES; i++)
		if (m.live[i])
			ck_assert_int_eq(dp_route_del6(t, m.addr[i], m.len[i]), 0);
	for (unsigned k = 0; k < RTE_DIM(nhs); k++) {
		ck_assert_uint_eq(dp_route_nh_refs(t, nhs[k]), 1);
		dp_route_nh_put(t, nhs[k]);
	}
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	dp_route_table_free(t);
}
END_TEST

/* ---- the RIB ---- */

static struct route_prefix pfx(const char *s)
{
	struct route_prefix p;

	ck_assert_msg(route_prefix_parse(s, &p) == 0, "parse %s", s);
	return p;
}

static uint32_t lookup_str(struct dp_route_table *t, const char *addr)
{
	struct route_prefix p = pfx(addr);

	if (p.family == ROUTE_AF_V4)
		return dp_route_lookup4(t, ip4(p.addr[0], p.addr[1], p.addr[2], p.addr[3]));
	return dp_route_lookup6(t, p.addr);
}

START_TEST(test_prefix_strings)
{
	struct route_prefix p;
	char buf[ROUTE_PREFIX_STRLEN];

	p = pfx("10.1.2.3/16");
	route_prefix_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "10.1.0.0/16");
	/* host bits cleared at every length: a partial byte, the zeros after it, none, all */
	{
		static const char *const cases[][2] = {
			{ "10.1.255.3/20", "10.1.240.0/20" }, { "10.1.2.3/32", "10.1.2.3/32" },
			{ "255.255.255.255/0", "0.0.0.0/0" }, { "255.255.255.255/1", "128.0.0.0/1" },
			{ "2001:db8:ffff:ffff::1/33", "2001:db8:8000::/33" }, { "2001:db8::ff/127", "2001:db8::fe/127" },
			{ "2001:db8::ff/128", "2001:db8::ff/128" }, { "ffff::1/8", "ff00::/8" },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			p = pfx(cases[i][0]);
			route_prefix_format(&p, buf, sizeof(buf));
			ck_assert_str_eq(buf, cases[i][1]);
		}
	}
	p = pfx("192.168.1.7");
	route_prefix_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.168.1.7/32");
	p = pfx("2001:db8:ffff::1/33");
	route_prefix_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:db8:8000::/33");
	p = pfx("::/0");
	route_prefix_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "::/0");
	ck_assert_int_eq(route_prefix_parse("10.0.0.0/33", &p), EINVAL);
	ck_assert_int_eq(route_prefix_parse("10.0.0.0/", &p), EINVAL);
	ck_assert_int_eq(route_prefix_parse("10.0.0.0/-1", &p), EINVAL);
	ck_assert_int_eq(route_prefix_parse("10.0.0/8", &p), EINVAL);
	ck_assert_int_eq(route_prefix_parse("/8", &p), EINVAL);
	ck_assert_int_eq(route_prefix_parse("::1/129", &p), EINVAL);
	ck_assert_int_eq(route_prefix_parse("10.0.0.0/8x", &p), EINVAL);
	ck_assert_int_eq(route_prefix_parse(NULL, &p), EINVAL);
	ck_assert_int_eq(route_prefix_v4(&p, 0, 33), EINVAL);
	ck_assert_str_eq(route_src_name(ROUTE_SRC_EVPN_PREFIX), "type-5");
	ck_assert_str_eq(route_src_name(ROUTE_SRC_CONNECTED), "connected");
	ck_assert_str_eq(route_src_name(ROUTE_SRC_MAX), "?");
}
END_TEST

static uint32_t rib_best_nh_idx(struct route_rib *rib, const char *s, enum route_src *src, uint32_t *origin)
{
	struct route_prefix p = pfx(s);
	struct route_rib_info info;

	ck_assert_int_eq(route_rib_best(rib, &p, &info), 0);
	*src = info.src;
	*origin = info.origin;
	ck_assert(info.installed);
	return info.nh_idx;
}

START_TEST(test_rib_preference)
{
	struct dp_route_table *t = table_new("t_rib", 64, 64, 16, NULL);
	struct route_rib *rib;
	struct route_prefix p = pfx("192.168.1.0/24"), h = pfx("192.168.1.10/32"), p6 = pfx("2001:db8:1::/64");
	struct dp_route_nh glean = nh_glean(1), st = nh_remote(99, 900001), host = nh_remote(7, 900001),
			   t5a = nh_remote(3, 900001), t5b = nh_remote(9, 900001), loc = nh_local(5, 1);
	struct route_rib_stats rs;
	enum route_src src;
	uint32_t origin, idx;

	ck_assert_int_eq(route_rib_create("tenant", t, 64, &rib), 0);

	/* type-5 from VTEP 9, then from VTEP 3: the lower VTEP wins */
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 9, &t5b), 0);
	idx = rib_best_nh_idx(rib, "192.168.1.0/24", &src, &origin);
	ck_assert_uint_eq(dp_route_nh_at(t, idx)->vtep_id, 9);
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 3, &t5a), 0);
	idx = rib_best_nh_idx(rib, "192.168.1.0/24", &src, &origin);
	ck_assert_int_eq(src, ROUTE_SRC_EVPN_PREFIX);
	ck_assert_uint_eq(origin, 3);
	ck_assert_uint_eq(dp_route_nh_at(t, idx)->vtep_id, 3);
	ck_assert_uint_eq(lookup_str(t, "192.168.1.77"), idx);

	/* static beats type-5, connected beats static */
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &st), 0);
	idx = rib_best_nh_idx(rib, "192.168.1.0/24", &src, &origin);
	ck_assert_int_eq(src, ROUTE_SRC_STATIC);
	ck_assert_uint_eq(lookup_str(t, "192.168.1.77"), idx);
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_CONNECTED, 0, &glean), 0);
	idx = rib_best_nh_idx(rib, "192.168.1.0/24", &src, &origin);
	ck_assert_int_eq(src, ROUTE_SRC_CONNECTED);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "192.168.1.77"))->type, DP_ROUTE_NH_GLEAN);
	/* each path stays readable under the best, by source and origin */
	{
		struct dp_route_nh got;

		ck_assert_int_eq(route_rib_path(rib, &p, ROUTE_SRC_EVPN_PREFIX, 9, &got), 0);
		ck_assert_mem_eq(&got, &t5b, sizeof(got));
		ck_assert_int_eq(route_rib_path(rib, &p, ROUTE_SRC_STATIC, 0, &got), 0);
		ck_assert_mem_eq(&got, &st, sizeof(got));
		ck_assert_int_eq(route_rib_path(rib, &p, ROUTE_SRC_EVPN_PREFIX, 4, &got), ENOENT);
		ck_assert_int_eq(route_rib_path(rib, &h, ROUTE_SRC_EVPN_HOST, 7, &got), ENOENT);
		ck_assert_int_eq(route_rib_path(rib, &p, ROUTE_SRC_MAX, 0, &got), EINVAL);
	}
	/* a lower-preference path coming and going leaves the best alone */
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_PREFIX, 9), 0);
	ck_assert_uint_eq(lookup_str(t, "192.168.1.77"), idx);

	/* the host route beats the subnet whatever the source */
	ck_assert_int_eq(route_rib_add(rib, &h, ROUTE_SRC_EVPN_HOST, 7, &host), 0);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "192.168.1.10"))->vtep_id, 7);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "192.168.1.11"))->type, DP_ROUTE_NH_GLEAN);
	/* the container moves here: the local host route takes over, and back when it goes */
	ck_assert_int_eq(route_rib_add(rib, &h, ROUTE_SRC_LOCAL_HOST, 0, &loc), 0);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "192.168.1.10"))->type, DP_ROUTE_NH_LOCAL);
	ck_assert_int_eq(route_rib_del(rib, &h, ROUTE_SRC_LOCAL_HOST, 0), 0);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "192.168.1.10"))->vtep_id, 7);
	/* replacing a path's next hop (the host moved to VTEP 8) */
	host = nh_remote(8, 900001);
	ck_assert_int_eq(route_rib_add(rib, &h, ROUTE_SRC_EVPN_HOST, 7, &host), 0);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "192.168.1.10"))->vtep_id, 8);

	/* fallback when the best is withdrawn: connected -> static -> type-5 -> gone */
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_CONNECTED, 0), 0);
	idx = rib_best_nh_idx(rib, "192.168.1.0/24", &src, &origin);
	ck_assert_int_eq(src, ROUTE_SRC_STATIC);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "192.168.1.77"))->vtep_id, 99);
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_STATIC, 0), 0);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "192.168.1.77"))->vtep_id, 3);
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_STATIC, 0), ENOENT);
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_PREFIX, 3), 0);
	ck_assert_uint_eq(lookup_str(t, "192.168.1.77"), DP_ROUTE_NH_MISS);
	ck_assert_int_eq(route_rib_best(rib, &p, &(struct route_rib_info){0}), ENOENT);
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_PREFIX, 3), ENOENT);

	/* IPv6 the same way */
	ck_assert_int_eq(route_rib_add(rib, &p6, ROUTE_SRC_EVPN_PREFIX, 4, &t5a), 0);
	ck_assert_int_eq(route_rib_add(rib, &p6, ROUTE_SRC_CONNECTED, 0, &glean), 0);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "2001:db8:1::5"))->type, DP_ROUTE_NH_GLEAN);
	ck_assert_int_eq(route_rib_del(rib, &p6, ROUTE_SRC_CONNECTED, 0), 0);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "2001:db8:1::5"))->vtep_id, 3);

	/* bad input */
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_MAX, 0, &st), EINVAL);
	st.port = 1;                     /* not canonical for REMOTE */
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &st), EINVAL);
	p.len = 33;
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &glean), EINVAL);
	p.family = 5;
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_STATIC, 0), EINVAL);

	route_rib_get_stats(rib, &rs);
	ck_assert_uint_eq(rs.prefixes, 2);
	ck_assert_uint_eq(rs.paths, 2);
	ck_assert_uint_eq(rs.paths_by_src[ROUTE_SRC_EVPN_HOST], 1);
	ck_assert_uint_eq(rs.paths_by_src[ROUTE_SRC_EVPN_PREFIX], 1);

	/* freeing the RIB withdraws its routes: every next hop back to zero references */
	route_rib_free(rib);
	ck_assert_uint_eq(stats_of(t).v4_routes, 0);
	ck_assert_uint_eq(stats_of(t).v6_routes, 0);
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	dp_route_table_free(t);
}
END_TEST

struct walk_acc {
	unsigned n;
	unsigned by_src[ROUTE_SRC_MAX];
	char seen[8][ROUTE_PREFIX_STRLEN];
};

static int walk_cb(const struct route_rib_info *info, void *arg)
{
	struct walk_acc *w = arg;

	if (w->n < 8)
		route_prefix_format(&info->prefix, w->seen[w->n], sizeof(w->seen[0]));
	w->by_src[info->src]++;
	w->n++;
	return 0;
}

static int walk_stop_cb(const struct route_rib_info *info, void *arg)
{
	(void)info;
	return ++*(unsigned *)arg == 2;
}

/* route_rib_drop (shutdown): the RIB goes, entries of several paths too, the table is left alone. */
START_TEST(test_rib_drop)
{
	struct dp_route_table *t = table_new("t_ribd", 64, 8, 8, NULL);
	struct dp_route_nh a = nh_remote(1, 1000), b = nh_remote(2, 1000);
	struct route_rib *rib;
	struct route_prefix p;
	char s[32];

	ck_assert_int_eq(route_rib_create("drop", t, 64, &rib), 0);
	for (unsigned i = 0; i < 40; i++) {
		snprintf(s, sizeof(s), "10.%u.0.0/16", i);
		p = pfx(s);
		ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 1, &a), 0);
		/* some with three paths: their paths are an allocation of their own */
		if (i % 4 == 0) {
			ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 2, &b), 0);
			ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &b), 0);
		}
	}
	p = pfx("2001:db8::/32");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 1, &a), 0);
	/* one withdrawn to a single path again, one gone altogether */
	p = pfx("10.0.0.0/16");
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_STATIC, 0), 0);
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_PREFIX, 2), 0);
	p = pfx("10.4.0.0/16");
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_STATIC, 0), 0);
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_PREFIX, 2), 0);
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_PREFIX, 1), 0);
	ck_assert_uint_eq(stats_of(t).v4_routes, 39);

	/* nothing withdrawn from the table (the sanitizer build checks that nothing leaks) */
	route_rib_drop(rib);
	ck_assert_uint_eq(stats_of(t).v4_routes, 39);
	ck_assert_uint_eq(stats_of(t).v6_routes, 1);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "10.9.1.1"))->vtep_id, 1);
	route_rib_drop(NULL);
	dp_route_table_free(t);
}
END_TEST

START_TEST(test_rib_walk_and_full)
{
	struct dp_route_table *t = table_new("t_ribw", 3, 2, 2, NULL);
	struct route_rib *rib;
	struct route_prefix p;
	struct dp_route_nh a = nh_remote(1, 1000), b = nh_remote(2, 1000), c = nh_remote(3, 1000);
	struct walk_acc w;
	unsigned stop = 0;
	struct route_rib_stats rs;
	struct route_rib_info info;

	ck_assert_int_eq(route_rib_create("walk", t, 4, &rib), 0);
	{
		/* the bulk prefetch is a hint: an empty RIB, a malformed prefix, the same prefix twice */
		struct route_prefix many[3] = { pfx("10.0.0.0/8"), { .family = 9 }, pfx("10.0.0.0/8") };

		route_rib_prefetch(rib, many, 3);
		route_rib_get_stats(rib, &rs);
		ck_assert_uint_eq(rs.prefixes, 0);
	}
	p = pfx("10.0.0.0/8");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &a), 0);
	{
		/* a prefetch between the find and the add that follows it changes nothing */
		struct route_prefix two[2] = { pfx("10.1.0.0/16"), pfx("10.1.1.1/32") };

		route_rib_prefetch(rib, two, 2);
		route_rib_prefetch(rib, two, 0);
	}
	p = pfx("10.1.0.0/16");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 1, &a), 0);
	p = pfx("10.1.1.1/32");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_HOST, 2, &b), 0);
	/* the table holds 2 next-hop records: a third one is refused and the RIB is unchanged */
	p = pfx("2001:db8::/32");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 3, &c), ENOSPC);
	ck_assert_int_eq(route_rib_best(rib, &p, &info), ENOENT);
	/* the table holds 3 IPv4 routes: a fourth is refused */
	p = pfx("10.2.0.0/16");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &b), ENOSPC);
	ck_assert_int_eq(route_rib_best(rib, &p, &info), ENOENT);
	/* a non-best path needs no room in the table */
	p = pfx("10.1.0.0/16");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 5, &c), 0);
	ck_assert_int_eq(route_rib_best(rib, &p, &info), 0);
	ck_assert_uint_eq(info.n_paths, 2);
	ck_assert_uint_eq(info.origin, 1);
	/* a replaced best that does not fit (a third record) is undone */
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 1, &c), ENOSPC);
	ck_assert_int_eq(route_rib_best(rib, &p, &info), 0);
	ck_assert_uint_eq(info.nh.vtep_id, 1);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "10.1.2.3"))->vtep_id, 1);
	/* withdrawing the best when the next one cannot be programmed: the prefix leaves the
	 * table (not left pointing at the withdrawn path), stays in the RIB unprogrammed */
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_PREFIX, 1), 0);
	ck_assert_int_eq(route_rib_best(rib, &p, &info), 0);
	ck_assert(!info.installed);
	ck_assert_uint_eq(info.nh_idx, 0);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "10.1.2.3"))->vtep_id, 1);   /* the /8 */
	/* when room comes back, the next change programs it */
	p = pfx("10.1.1.1/32");
	ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_HOST, 2), 0);
	p = pfx("10.1.0.0/16");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 7, &c), 0);
	ck_assert_int_eq(route_rib_best(rib, &p, &info), 0);
	ck_assert(info.installed);
	ck_assert_uint_eq(info.origin, 5);
	ck_assert_uint_eq(dp_route_nh_at(t, lookup_str(t, "10.1.2.3"))->vtep_id, 3);
	/* the table's route limit (3 IPv4 routes) */
	p = pfx("10.3.0.0/16");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &c), 0);
	p = pfx("10.1.1.0/24");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &c), ENOSPC);
	/* the RIB's own limit (4 prefixes) */
	p = pfx("2001:db8::/32");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_PREFIX, 3, &c), 0);
	p = pfx("2001:db8:1::/48");
	ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_STATIC, 0, &c), ENOSPC);
	route_rib_get_stats(rib, &rs);
	ck_assert_uint_eq(rs.prefixes, 4);
	ck_assert_uint_eq(rs.refused, 6);

	memset(&w, 0, sizeof(w));
	route_rib_walk(rib, walk_cb, &w);
	ck_assert_uint_eq(w.n, 4);
	ck_assert_uint_eq(w.by_src[ROUTE_SRC_STATIC], 2);
	ck_assert_uint_eq(w.by_src[ROUTE_SRC_EVPN_PREFIX], 2);
	route_rib_walk(rib, walk_stop_cb, &stop);
	ck_assert_uint_eq(stop, 2);

	route_rib_free(rib);
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	ck_assert_uint_eq(stats_of(t).v4_routes, 0);
	dp_route_table_free(t);
}
END_TEST

/* ---- a reader thread while the writer changes routes ---- */

#define CONC_HOSTS 4096
#define CONC_OPS 100000
#define CONC_NHS 16

struct conc_ctx {
	struct dp_route_table *t;
	struct rte_rcu_qsbr *v;
	bool v6;
	uint32_t cover_nh;              /* the covering prefix's next hop */
	uint32_t host_nh[CONC_NHS];     /* host i's next hop when present: host_nh[i % CONC_NHS] */
	uint32_t cur;                   /* the host the writer is changing */
	bool stop, started;
	uint64_t lookups, loops, bad;
	uint32_t bad_host, bad_nh;
};

/* Host i: 10.<i/16>.<i%16*16>.1 (IPv4: each in a /24 of its own, under 10.0.0.0/8) or
 * 2001:db8:<i>::1 (IPv6, under 2001:db8::/32; a /128 or a /120, conc_len6). */
static uint32_t conc_host4(uint32_t i)
{
	return ip4(10, i >> 4, (i & 15) << 4, 1);
}

static void conc_host6(uint32_t i, uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[4] = (uint8_t)(i >> 8);
	a[5] = (uint8_t)i;
	a[15] = 1;
}

/* IPv6: odd hosts are /128s (the host table), even ones /120s (the TRIE). */
static uint8_t conc_len6(uint32_t i)
{
	return (i & 1) ? 128 : 120;
}

static void conc_check(struct conc_ctx *c, uint32_t host, uint32_t nh)
{
	c->lookups++;
	if (nh != c->cover_nh && nh != c->host_nh[host % CONC_NHS]) {
		if (c->bad++ == 0) {
			c->bad_host = host;
			c->bad_nh = nh;
		}
	}
}

static void *conc_reader(void *arg)
{
	struct conc_ctx *c = arg;
	uint32_t a4[32], out[32];
	uint8_t a6[32][16];

	/* EAL pinned the main thread (-l 0) and we inherited that: run anywhere instead */
	{
		cpu_set_t all;
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		CPU_ZERO(&all);
		for (long i = 0; i < n && i < CPU_SETSIZE; i++)
			CPU_SET((int)i, &all);
		pthread_setaffinity_np(pthread_self(), sizeof(all), &all);
	}
	rte_rcu_qsbr_thread_register(c->v, 0);
	rte_rcu_qsbr_thread_online(c->v, 0);
	__atomic_store_n(&c->started, true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		uint32_t cur = __atomic_load_n(&c->cur, __ATOMIC_RELAXED);

		/* the host being changed, many times, and a burst around it */
		for (int r = 0; r < 16; r++) {
			if (c->v6) {
				uint8_t a[16];

				conc_host6(cur, a);
				conc_check(c, cur, dp_route_lookup6(c->t, a));
			} else {
				conc_check(c, cur, dp_route_lookup4(c->t, conc_host4(cur)));
			}
		}
		for (uint32_t i = 0; i < 32; i++) {
			uint32_t h = (cur + i * 37) % CONC_HOSTS;

			if (c->v6)
				conc_host6(h, a6[i]);
			else
				a4[i] = conc_host4(h);
		}
		if (c->v6)
			dp_route_lookup6_bulk(c->t, (const uint8_t (*)[16])a6, 32, out);
		else
			dp_route_lookup4_bulk(c->t, a4, 32, out);
		for (uint32_t i = 0; i < 32; i++)
			conc_check(c, (cur + i * 37) % CONC_HOSTS, out[i]);
		rte_rcu_qsbr_quiescent(c->v, 0);
		__atomic_store_n(&c->loops, c->loops + 1, __ATOMIC_RELAXED);
	}
	rte_rcu_qsbr_thread_offline(c->v, 0);
	rte_rcu_qsbr_thread_unregister(c->v, 0);
	return NULL;
}

static void conc_run(bool v6)
{
	static bool present[CONC_HOSTS];
	size_t sz = rte_rcu_qsbr_get_memsize(1);
	struct rte_rcu_qsbr *v = rte_zmalloc("t_qsbr", sz, RTE_CACHE_LINE_SIZE);
	struct conc_ctx c;
	struct dp_route_conf conf = {
		.name = v6 ? "t_conc6" : "t_conc4", .socket_id = SOCKET_ID_ANY,
		.max_v4_routes = v6 ? 0 : CONC_HOSTS + 1, .max_v6_routes = v6 ? CONC_HOSTS + 1 : 0,
		.max_nexthops = 64, .v4_tbl8_groups = CONC_HOSTS, .v6_tbl8_groups = 16 * CONC_HOSTS, .qsbr = v,
	};
	struct dp_route_stats st;
	pthread_t th;
	uint8_t a[16];
	unsigned ops = 0, adds = 0, dels = 0;
	struct timespec t0, t1;

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(rte_rcu_qsbr_init(v, 1), 0);
	memset(&c, 0, sizeof(c));
	memset(present, 0, sizeof(present));
	c.v = v;
	c.v6 = v6;
	ck_assert_int_eq(dp_route_table_create(&conf, &c.t), 0);
	c.cover_nh = get_nh(c.t, nh_remote(1000, 900001));
	for (unsigned i = 0; i < CONC_NHS; i++)
		c.host_nh[i] = get_nh(c.t, nh_remote(i + 1, 900001));
	if (v6) {
		conc_host6(0, a);
		ck_assert_int_eq(dp_route_add6(c.t, a, 32, c.cover_nh), 0);
	} else {
		ck_assert_int_eq(dp_route_add4(c.t, ip4(10, 0, 0, 0), 8, c.cover_nh), 0);
	}

	ck_assert_int_eq(pthread_create(&th, NULL, conc_reader, &c), 0);
	while (!__atomic_load_n(&c.started, __ATOMIC_ACQUIRE))
		sched_yield();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (ops = 0; ops < CONC_OPS; ops++) {
		uint32_t i = (uint32_t)(rnd() % CONC_HOSTS);
		int rc;

		__atomic_store_n(&c.cur, i, __ATOMIC_RELAXED);
		if (present[i]) {
			if (v6) {
				conc_host6(i, a);
				rc = dp_route_del6(c.t, a, conc_len6(i));
			} else {
				rc = dp_route_del4(c.t, conc_host4(i), 32);
			}
			dels++;
		} else {
			if (v6) {
				conc_host6(i, a);
				rc = dp_route_add6(c.t, a, conc_len6(i), c.host_nh[i % CONC_NHS]);
			} else {
				rc = dp_route_add4(c.t, conc_host4(i), 32, c.host_nh[i % CONC_NHS]);
			}
			adds++;
		}
		if (rc != 0)
			break;
		present[i] = !present[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	__atomic_store_n(&c.stop, true, __ATOMIC_RELEASE);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	dp_route_get_stats(c.t, &st);
	fprintf(stderr, "test_concurrent_%s: %u writer ops (%u adds, %u deletes) in %.2f s, writer waits %" PRIu64
		", IPv6 FIB rebuilds %" PRIu64 ", reader: %" PRIu64 " lookups in %" PRIu64 " loops, %" PRIu64
		" retries, %" PRIu64 " bad\n", v6 ? "v6" : "v4", ops, adds, dels,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, st.writer_waits,
		st.fib6_rebuilds, c.lookups, c.loops, st.reader_retries, c.bad);
	ck_assert_uint_eq(ops, CONC_OPS);
	ck_assert_uint_gt(c.loops, 0);
	ck_assert_msg(c.bad == 0, "%" PRIu64 " lookups were neither the old nor the new next hop; first: host %u got %u",
		      c.bad, c.bad_host, c.bad_nh);

	/* everything still right, and every reference comes back */
	for (uint32_t i = 0; i < CONC_HOSTS; i++) {
		uint32_t want = present[i] ? c.host_nh[i % CONC_NHS] : c.cover_nh;

		if (v6) {
			conc_host6(i, a);
			ck_assert_uint_eq(dp_route_lookup6(c.t, a), want);
			if (present[i])
				ck_assert_int_eq(dp_route_del6(c.t, a, conc_len6(i)), 0);
		} else {
			ck_assert_uint_eq(dp_route_lookup4(c.t, conc_host4(i)), want);
			if (present[i])
				ck_assert_int_eq(dp_route_del4(c.t, conc_host4(i), 32), 0);
		}
	}
	if (v6) {
		conc_host6(0, a);
		ck_assert_int_eq(dp_route_del6(c.t, a, 32), 0);
	} else {
		ck_assert_int_eq(dp_route_del4(c.t, ip4(10, 0, 0, 0), 8), 0);
	}
	ck_assert_int_eq(dp_route_nh_put(c.t, c.cover_nh), 0);
	for (unsigned i = 0; i < CONC_NHS; i++)
		ck_assert_int_eq(dp_route_nh_put(c.t, c.host_nh[i]), 0);
	for (uint32_t i = 0; i < 70; i++)
		ck_assert_uint_eq(dp_route_nh_refs(c.t, i), 0);
	dp_route_get_stats(c.t, &st);
	ck_assert_uint_eq(st.nexthops, 0);
	ck_assert_uint_eq(st.v4_routes + st.v6_routes, 0);
	dp_route_table_free(c.t);
	rte_free(v);
}

START_TEST(test_concurrent_v4)
{
	conc_run(false);
}
END_TEST

START_TEST(test_concurrent_v6)
{
	conc_run(true);
}
END_TEST

/* A released next hop is not reused while a reader has not reported since. */
START_TEST(test_nh_grace_period)
{
	size_t sz = rte_rcu_qsbr_get_memsize(1);
	struct rte_rcu_qsbr *v = rte_zmalloc("t_qsbr2", sz, RTE_CACHE_LINE_SIZE);
	struct dp_route_table *t;
	struct dp_route_nh other = nh_local(9, 9);
	uint32_t a, b, c;

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(rte_rcu_qsbr_init(v, 1), 0);
	/* this thread plays a reader that has not reported yet */
	ck_assert_int_eq(rte_rcu_qsbr_thread_register(v, 0), 0);
	rte_rcu_qsbr_thread_online(v, 0);
	t = table_new("t_grace", 8, 0, 2, v);
	a = get_nh(t, nh_remote(1, 1));
	b = get_nh(t, nh_remote(2, 1));
	ck_assert_int_eq(dp_route_add4(t, ip4(10, 0, 0, 0), 8, a), 0);
	rte_rcu_qsbr_quiescent(v, 0);
	ck_assert_int_eq(dp_route_del4(t, ip4(10, 0, 0, 0), 8), 0);
	ck_assert_int_eq(dp_route_nh_put(t, a), 0);
	ck_assert_uint_eq(stats_of(t).nexthops_pending, 1);
	/* the record is intact and its index not handed out before the reader reports */
	ck_assert_uint_eq(dp_route_nh_at(t, a)->vtep_id, 1);
	rte_rcu_qsbr_quiescent(v, 0);
	ck_assert_int_eq(dp_route_nh_get(t, &other, &c), 0);
	ck_assert_uint_eq(c, a);
	ck_assert_uint_eq(stats_of(t).nexthops_pending, 0);
	ck_assert_uint_eq(dp_route_nh_at(t, c)->type, DP_ROUTE_NH_LOCAL);
	dp_route_nh_put(t, b);
	dp_route_nh_put(t, c);
	rte_rcu_qsbr_thread_offline(v, 0);
	ck_assert_int_eq(rte_rcu_qsbr_thread_unregister(v, 0), 0);
	dp_route_table_free(t);
	rte_free(v);
}
END_TEST

/*
 * DPDK 22.11's TRIE keeps the blocks it reserved for a deleted route: adding and deleting a
 * /64 over and over would soon be refused with 64 blocks. The table rebuilds its IPv6 FIB
 * instead, and every add goes in.
 */
START_TEST(test_fib6_rebuild)
{
	struct dp_route_table *t = table_new_g("t_rebuild", 0, 16, 4, NULL, 0, 64);
	uint32_t a = get_nh(t, nh_remote(1, 1)), b = get_nh(t, nh_remote(2, 2));
	uint8_t p[16], keep[16], h[16];

	ip6(keep, "2001:db8:ffff::");
	ip6(h, "2001:db8:ffff::1");
	ck_assert_int_eq(dp_route_add6(t, keep, 48, b), 0);
	ck_assert_int_eq(dp_route_add6(t, h, 128, a), 0);
	for (unsigned i = 0; i < 200; i++) {
		ip6(p, "2001:db8:1:1::");
		p[5] = (uint8_t)i;
		ck_assert_msg(dp_route_add6(t, p, 64, a) == 0, "add %u", i);
		ck_assert_uint_eq(dp_route_lookup6(t, p), a);
		ck_assert_int_eq(dp_route_del6(t, p, 64), 0);
		ck_assert_uint_eq(dp_route_lookup6(t, p), DP_ROUTE_NH_MISS);
	}
	ck_assert_uint_gt(stats_of(t).fib6_rebuilds, 0);
	/* what was there before is still there */
	ck_assert_uint_eq(dp_route_lookup6(t, h), a);
	ip6(p, "2001:db8:ffff::2");
	ck_assert_uint_eq(dp_route_lookup6(t, p), b);
	ck_assert_int_eq(dp_route_del6(t, keep, 48), 0);
	ck_assert_int_eq(dp_route_del6(t, h, 128), 0);
	dp_route_nh_put(t, a);
	dp_route_nh_put(t, b);
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	dp_route_table_free(t);
}
END_TEST

/* ---- 1M IPv4 host routes: memory, printed ---- */

START_TEST(test_memory_1m)
{
	const uint32_t n = 1u << 20;
	struct dp_route_table *t = table_new("t_1m", n, 0, 1024, NULL);
	struct dp_route_stats st;
	uint32_t nhs[256];
	struct timespec t0, t1;
	double secs;

	for (unsigned i = 0; i < RTE_DIM(nhs); i++)
		nhs[i] = get_nh(t, nh_remote(i + 1, 900001));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* 1M hosts in 10.0.0.0/12, towards 256 VTEPs */
	for (uint32_t i = 0; i < n; i++)
		ck_assert_int_eq(dp_route_add4(t, ip4(10, 0, 0, 0) + i, 32, nhs[i % 256]), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	dp_route_get_stats(t, &st);
	ck_assert_uint_eq(st.v4_routes, n);
	ck_assert_uint_eq(st.nexthops, 256);
	for (uint32_t i = 0; i < n; i += 4099)
		ck_assert_uint_eq(dp_route_lookup4(t, ip4(10, 0, 0, 0) + i), nhs[i % 256]);
	fprintf(stderr, "test_memory_1m: %u IPv4 host routes (a dense /12, 256 next hops): table memory %.1f MiB "
		"(%.0f bytes per route), loaded in %.2f s (%.0f routes/s)\n", n,
		(double)st.memory_bytes / (1024.0 * 1024.0), (double)st.memory_bytes / n, secs, n / secs);
	/* generous: the first level alone is 64 MiB */
	ck_assert_uint_gt(st.memory_bytes, 64ull << 20);
	ck_assert_uint_lt(st.memory_bytes, 1ull << 30);
	dp_route_table_free(t);
}
END_TEST

/* 200k EVPN host routes through the RIB into the table: the rate, printed, and back to zero. */
START_TEST(test_rib_ingest)
{
	const uint32_t n = 200000;
	struct dp_route_table *t = table_new("t_ingest", n, 0, 1024, NULL);
	struct route_rib *rib;
	struct route_prefix p;
	struct dp_route_nh h;
	struct timespec t0, t1, t2;

	ck_assert_int_eq(route_rib_create("ingest", t, n, &rib), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < n; i++) {
		h = nh_remote(1 + i % 256, 900001);
		route_prefix_v4(&p, ip4(10, 0, 0, 0) + i, 32);
		ck_assert_int_eq(route_rib_add(rib, &p, ROUTE_SRC_EVPN_HOST, 1 + i % 256, &h), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (uint32_t i = 0; i < n; i++) {
		route_prefix_v4(&p, ip4(10, 0, 0, 0) + i, 32);
		ck_assert_int_eq(route_rib_del(rib, &p, ROUTE_SRC_EVPN_HOST, 1 + i % 256), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	fprintf(stderr, "test_rib_ingest: %u EVPN host routes through the RIB: added at %.0f/s, withdrawn at %.0f/s\n", n,
		n / ((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9),
		n / ((double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9));
	ck_assert_uint_eq(stats_of(t).v4_routes, 0);
	ck_assert_uint_eq(stats_of(t).nexthops, 0);
	route_rib_free(rib);
	dp_route_table_free(t);
}
END_TEST

static Suite *route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_nexthops);
	tcase_add_test(tc, test_nexthops_all_fit);
	tcase_add_test(tc, test_v4_lpm);
	tcase_add_test(tc, test_v4_add_new);
	tcase_add_test(tc, test_v6_lpm);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_create_errors);
	tcase_add_test(tc, test_bulk_model_v4);
	tcase_add_test(tc, test_bulk_model_v6);
	tcase_add_test(tc, test_prefix_strings);
	tcase_add_test(tc, test_rib_preference);
	tcase_add_test(tc, test_rib_walk_and_full);
	tcase_add_test(tc, test_rib_drop);
	tcase_add_test(tc, test_nh_grace_period);
	tcase_add_test(tc, test_concurrent_v4);
	tcase_add_test(tc, test_concurrent_v6);
	tcase_add_test(tc, test_fib6_rebuild);
	tcase_add_test(tc, test_memory_1m);
	tcase_add_test(tc, test_rib_ingest);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	/* No hugepages, no PCI, no shared files (as test_fdb); room for 1M routes. */
	SRunner *sr;
	int failed;

	if (test_eal_init("test_route", 2048) != 0)
		return EXIT_FAILURE;
	sr = srunner_create(route_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
