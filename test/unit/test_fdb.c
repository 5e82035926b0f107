/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fdb.c: unit tests of dataplane/fdb.c, the MAC table: learning, moves, static
 * entries, aging, capacity, flushes, walks, bulk lookups, RCU reclamation with a
 * concurrent reader thread, and a table of the production size. EAL is initialised
 * once (no hugepages, in memory) and the tests run in that one process (CK_NOFORK).
 */
#include <check.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "test_eal.h"
#include "fdb.h"
#include "vtep_config.h"

#define DP_TEST_BIG_ID 0x7ffffff0u         /* a VTEP id no daemon table has */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* A distinct key for every (vni_idx, n): MAC 02:nn:nn:nn:nn:nn. */
static uint64_t key_n(uint16_t vni_idx, uint32_t n)
{
	uint8_t mac[6] = {0x02, (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, 0x5a};

	return fdb_key(vni_idx, mac);
}

static struct fdb_stats stats_of(const struct fdb *f)
{
	struct fdb_stats st;

	fdb_get_stats(f, &st);
	return st;
}

static struct fdb *create_or_fail(const char *name, uint32_t cap, struct rte_rcu_qsbr *v)
{
	struct fdb *f = fdb_create(name, cap, v);

	ck_assert_msg(f != NULL, "fdb_create(%s, %u): %s", name, cap, rte_strerror(rte_errno));
	return f;
}

START_TEST(test_key_helpers)
{
	const uint8_t mac[6] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02};
	uint8_t back[6];
	uint64_t k = fdb_key(0xabcd, mac);

	ck_assert_uint_eq(k, 0xabcddeadbeef0102ull);
	ck_assert_uint_eq(fdb_key_vni_idx(k), 0xabcd);
	fdb_key_mac(k, back);
	ck_assert_mem_eq(back, mac, 6);
	ck_assert(fdb_dest_is_vtep(fdb_dest_vtep(5)));
	ck_assert(!fdb_dest_is_vtep(fdb_dest_port(5)));
	ck_assert_uint_eq(fdb_dest_id(fdb_dest_vtep(5)), 5);
}
END_TEST

START_TEST(test_learn_lookup)
{
	struct fdb *f = create_or_fail("t_learn", 1024, NULL);
	const uint64_t k = key_n(1, 42);
	struct fdb_entry *e;
	bool moved = true;

	ck_assert_ptr_null(fdb_lookup(f, k));
	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_port(3), 100, &moved), 0);
	ck_assert(!moved);
	e = fdb_lookup(f, k);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->key, k);
	ck_assert_uint_eq(fdb_entry_dest(e), fdb_dest_port(3));
	ck_assert_uint_eq(e->flags, 0);
	ck_assert_uint_eq(e->last_seen, 100);
	ck_assert_uint_eq(e->moves, 0);
	ck_assert_ptr_null(fdb_lookup(f, key_n(1, 43)));
	ck_assert_ptr_null(fdb_lookup(f, key_n(2, 42)));
	ck_assert_uint_eq(stats_of(f).learned, 1);
	ck_assert_uint_eq(stats_of(f).entries, 1);
	ck_assert_uint_eq(stats_of(f).capacity, 1024);

	/* learning it again where it is refreshes it and is not a new entry */
	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_port(3), 150, NULL), 0);
	ck_assert_ptr_eq(fdb_lookup(f, k), e);
	ck_assert_uint_eq(e->last_seen, 150);
	ck_assert_uint_eq(stats_of(f).learned, 1);
	ck_assert_uint_eq(stats_of(f).entries, 1);
	/* the fast path's touch */
	fdb_entry_touch(e, 200);
	ck_assert_uint_eq(e->last_seen, 200);
	/* a learn event older than the last touch does not move last_seen back */
	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_port(3), 180, NULL), 0);
	ck_assert_uint_eq(e->last_seen, 200);

	ck_assert_int_eq(fdb_delete(f, k), 0);
	ck_assert_ptr_null(fdb_lookup(f, k));
	ck_assert_int_eq(fdb_delete(f, k), ENOENT);
	ck_assert_uint_eq(stats_of(f).entries, 0);
	fdb_destroy(f);
}
END_TEST

START_TEST(test_two_vnis_distinct)
{
	struct fdb *f = create_or_fail("t_vnis", 64, NULL);
	const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 1};
	struct fdb_entry *a, *b;

	ck_assert_int_eq(fdb_learn(f, fdb_key(1, mac), fdb_dest_port(1), 1, NULL), 0);
	ck_assert_int_eq(fdb_learn(f, fdb_key(2, mac), fdb_dest_vtep(9), 1, NULL), 0);
	ck_assert_uint_eq(stats_of(f).entries, 2);
	ck_assert_uint_eq(stats_of(f).moves, 0);
	a = fdb_lookup(f, fdb_key(1, mac));
	b = fdb_lookup(f, fdb_key(2, mac));
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(fdb_entry_dest(a), fdb_dest_port(1));
	ck_assert_uint_eq(fdb_entry_dest(b), fdb_dest_vtep(9));
	ck_assert_ptr_null(fdb_lookup(f, fdb_key(3, mac)));
	ck_assert_int_eq(fdb_delete(f, fdb_key(1, mac)), 0);
	ck_assert_ptr_null(fdb_lookup(f, fdb_key(1, mac)));
	ck_assert_ptr_eq(fdb_lookup(f, fdb_key(2, mac)), b);
	ck_assert_uint_eq(fdb_entry_dest(b), fdb_dest_vtep(9));
	fdb_destroy(f);
}
END_TEST

START_TEST(test_move)
{
	struct fdb *f = create_or_fail("t_move", 64, NULL);
	const uint64_t k = key_n(7, 1);
	struct fdb_entry *e;
	bool moved;

	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_port(1), 10, &moved), 0);
	ck_assert(!moved);
	e = fdb_lookup(f, k);
	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_vtep(7), 20, &moved), 0);
	ck_assert(moved);
	/* updated in place: a reader holding the entry sees the new destination */
	ck_assert_ptr_eq(fdb_lookup(f, k), e);
	ck_assert_uint_eq(fdb_entry_dest(e), fdb_dest_vtep(7));
	ck_assert_uint_eq(e->moves, 1);
	ck_assert_uint_eq(e->last_seen, 20);
	ck_assert_uint_eq(stats_of(f).moves, 1);
	ck_assert_uint_eq(stats_of(f).learned, 1);
	ck_assert_uint_eq(stats_of(f).entries, 1);

	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_vtep(7), 30, &moved), 0);
	ck_assert(!moved);
	ck_assert_uint_eq(e->moves, 1);
	ck_assert_uint_eq(stats_of(f).moves, 1);

	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_port(1), 40, &moved), 0);
	ck_assert(moved);
	ck_assert_uint_eq(e->moves, 2);
	ck_assert_uint_eq(stats_of(f).moves, 2);
	ck_assert_uint_eq(fdb_entry_dest(e), fdb_dest_port(1));
	fdb_destroy(f);
}
END_TEST

START_TEST(test_static)
{
	struct fdb *f = create_or_fail("t_static", 64, NULL);
	const uint64_t ks = key_n(1, 1), kd = key_n(1, 2);
	struct fdb_entry *e;
	bool moved = true;

	ck_assert_int_eq(fdb_add_static(f, ks, fdb_dest_port(2)), 0);
	e = fdb_lookup(f, ks);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->flags & FDB_F_STATIC, FDB_F_STATIC);
	ck_assert_uint_eq(stats_of(f).learned, 0);
	ck_assert_uint_eq(stats_of(f).entries, 1);

	/* learning it elsewhere is refused and counted; it does not move */
	ck_assert_int_eq(fdb_learn(f, ks, fdb_dest_vtep(9), 100, &moved), EEXIST);
	ck_assert(!moved);
	ck_assert_uint_eq(fdb_entry_dest(e), fdb_dest_port(2));
	ck_assert_uint_eq(e->moves, 0);
	ck_assert_uint_eq(stats_of(f).static_conflicts, 1);
	ck_assert_uint_eq(stats_of(f).moves, 0);
	/* seen where it is configured: fine, not a conflict */
	ck_assert_int_eq(fdb_learn(f, ks, fdb_dest_port(2), 100, &moved), 0);
	ck_assert(!moved);
	ck_assert_uint_eq(stats_of(f).static_conflicts, 1);

	/* never ages */
	ck_assert_uint_eq(fdb_age(f, UINT64_MAX, 1), 0);
	ck_assert_ptr_eq(fdb_lookup(f, ks), e);

	/* a dynamic entry converts to static */
	ck_assert_int_eq(fdb_learn(f, kd, fdb_dest_port(1), 5, NULL), 0);
	ck_assert_int_eq(fdb_add_static(f, kd, fdb_dest_port(4)), 0);
	e = fdb_lookup(f, kd);
	ck_assert_uint_eq(e->flags & FDB_F_STATIC, FDB_F_STATIC);
	ck_assert_uint_eq(fdb_entry_dest(e), fdb_dest_port(4));
	ck_assert_int_eq(fdb_learn(f, kd, fdb_dest_port(1), 6, NULL), EEXIST);
	ck_assert_uint_eq(stats_of(f).static_conflicts, 2);
	ck_assert_uint_eq(fdb_age(f, 1000000, 10), 0);
	ck_assert_uint_eq(stats_of(f).entries, 2);
	/* reconfiguring a static entry changes its destination */
	ck_assert_int_eq(fdb_add_static(f, kd, fdb_dest_vtep(3)), 0);
	ck_assert_uint_eq(fdb_entry_dest(e), fdb_dest_vtep(3));
	ck_assert_uint_eq(stats_of(f).entries, 2);
	/* static entries can be deleted explicitly */
	ck_assert_int_eq(fdb_delete(f, kd), 0);
	ck_assert_ptr_null(fdb_lookup(f, kd));
	fdb_destroy(f);
}
END_TEST

START_TEST(test_aging)
{
	struct fdb *f = create_or_fail("t_age", 128, NULL);

	/* dynamic entries seen at 0, 100, ..., 900; statics at 0 */
	for (uint32_t i = 0; i < 10; i++)
		ck_assert_int_eq(fdb_learn(f, key_n(1, i), fdb_dest_port(1), i * 100, NULL), 0);
	ck_assert_int_eq(fdb_add_static(f, key_n(2, 0), fdb_dest_port(1)), 0);
	ck_assert_int_eq(fdb_add_static(f, key_n(2, 1), fdb_dest_vtep(1)), 0);
	/* the fast path saw entry 2 recently */
	fdb_entry_touch(fdb_lookup(f, key_n(1, 2)), 950);
	/* one seen "in the future" (clock skew) is not aged */
	ck_assert_int_eq(fdb_learn(f, key_n(1, 50), fdb_dest_port(1), 5000, NULL), 0);

	ck_assert_uint_eq(fdb_age(f, 1000, 0), 0); /* 0: aging disabled */
	ck_assert_uint_eq(stats_of(f).entries, 13);

	/* now 1000, max 300: entries with last_seen <= 700 go, except the touched one */
	ck_assert_uint_eq(fdb_age(f, 1000, 300), 7);
	ck_assert_uint_eq(stats_of(f).aged, 7);
	for (uint32_t i = 0; i < 10; i++) {
		bool keep = i >= 8 || i == 2;

		ck_assert_msg((fdb_lookup(f, key_n(1, i)) != NULL) == keep, "entry %u (seen at %u)", i, i * 100);
	}
	ck_assert_ptr_nonnull(fdb_lookup(f, key_n(1, 50)));
	ck_assert_ptr_nonnull(fdb_lookup(f, key_n(2, 0)));
	ck_assert_ptr_nonnull(fdb_lookup(f, key_n(2, 1)));
	ck_assert_uint_eq(stats_of(f).entries, 6);
	/* again at the same time: nothing more */
	ck_assert_uint_eq(fdb_age(f, 1000, 300), 0);
	/* the boundary: now - last_seen == max_age ages */
	ck_assert_uint_eq(fdb_age(f, 1100, 300), 1); /* entry 8, seen at 800 */
	ck_assert_ptr_null(fdb_lookup(f, key_n(1, 8)));
	ck_assert_ptr_nonnull(fdb_lookup(f, key_n(1, 9)));
	ck_assert_uint_eq(stats_of(f).aged, 8);
	fdb_destroy(f);
}
END_TEST

static void fill_full(struct fdb *f, uint32_t cap, uint16_t vni)
{
	for (uint32_t i = 0; i < cap; i++) {
		int r = fdb_learn(f, key_n(vni, i), fdb_dest_port(1 + i % 7), 1, NULL);

		ck_assert_msg(r == 0, "key %u of %u: %s", i, cap, strerror(r));
	}
}

START_TEST(test_full_table)
{
	struct fdb *f = create_or_fail("t_full", 1024, NULL);
	bool moved;

	fill_full(f, 1024, 1);
	ck_assert_uint_eq(stats_of(f).entries, 1024);
	ck_assert_uint_eq(stats_of(f).full, 0);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 0), fdb_dest_port(1), 1, NULL), ENOSPC);
	ck_assert_uint_eq(stats_of(f).full, 1);
	ck_assert_int_eq(fdb_add_static(f, key_n(2, 1), fdb_dest_port(1)), ENOSPC);
	ck_assert_uint_eq(stats_of(f).full, 2);
	ck_assert_ptr_null(fdb_lookup(f, key_n(2, 0)));
	/* existing keys still refresh, move and convert */
	ck_assert_int_eq(fdb_learn(f, key_n(1, 5), fdb_dest_port(1 + 5 % 7), 9, &moved), 0);
	ck_assert(!moved);
	ck_assert_int_eq(fdb_learn(f, key_n(1, 5), fdb_dest_vtep(1), 9, &moved), 0);
	ck_assert(moved);
	ck_assert_int_eq(fdb_add_static(f, key_n(1, 6), fdb_dest_vtep(2)), 0);
	ck_assert_uint_eq(stats_of(f).full, 2);
	/* every key is still there */
	for (uint32_t i = 0; i < 1024; i++)
		ck_assert_ptr_nonnull(fdb_lookup(f, key_n(1, i)));

	/* one out, one in, then full again */
	ck_assert_int_eq(fdb_delete(f, key_n(1, 500)), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 0), fdb_dest_port(1), 1, NULL), 0);
	ck_assert_ptr_nonnull(fdb_lookup(f, key_n(2, 0)));
	ck_assert_int_eq(fdb_learn(f, key_n(2, 1), fdb_dest_port(1), 1, NULL), ENOSPC);
	ck_assert_uint_eq(stats_of(f).full, 3);
	ck_assert_uint_eq(stats_of(f).entries, 1024);
	/* empty it completely and fill it again */
	ck_assert_uint_eq(fdb_flush_vni(f, 1) + fdb_flush_vni(f, 2), 1024);
	ck_assert_uint_eq(stats_of(f).entries, 0);
	fill_full(f, 1024, 3);
	ck_assert_int_eq(fdb_learn(f, key_n(4, 0), fdb_dest_port(1), 1, NULL), ENOSPC);
	fdb_destroy(f);

	/* a capacity below the hash's minimum bucket size is still exact */
	f = create_or_fail("t_full5", 5, NULL);
	fill_full(f, 5, 1);
	ck_assert_int_eq(fdb_learn(f, key_n(1, 5), fdb_dest_port(1), 1, NULL), ENOSPC);
	ck_assert_uint_eq(stats_of(f).full, 1);
	ck_assert_int_eq(fdb_delete(f, key_n(1, 0)), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(1, 5), fdb_dest_port(1), 1, NULL), 0);
	fdb_destroy(f);
}
END_TEST

START_TEST(test_flush)
{
	struct fdb *f = create_or_fail("t_flush", 1024, NULL);
	uint32_t at_v1 = 0, static_v1 = 0, in_vni3 = 0;

	for (uint32_t i = 0; i < 300; i++) {
		uint16_t vni = (uint16_t)(1 + i % 4);
		uint32_t dest = (i % 3 == 0) ? fdb_dest_vtep(1) : (i % 3 == 1) ? fdb_dest_vtep(2) : fdb_dest_port(1);

		if (i % 10 == 0)
			ck_assert_int_eq(fdb_add_static(f, key_n(vni, i), dest), 0);
		else
			ck_assert_int_eq(fdb_learn(f, key_n(vni, i), dest, 1, NULL), 0);
	}
	for (uint32_t i = 0; i < 300; i++) {
		if (i % 3 == 0 && i % 10 != 0)
			at_v1++;
		if (i % 3 == 0 && i % 10 == 0)
			static_v1++;
		if (1 + i % 4 == 3)
			in_vni3++;
	}
	/* port 1 (slot 1) and VTEP 1 are different destinations */
	ck_assert_uint_ne(fdb_dest_vtep(1), fdb_dest_port(1));

	ck_assert_uint_eq(fdb_flush_dest(f, fdb_dest_vtep(1), false), at_v1);
	for (uint32_t i = 0; i < 300; i++) {
		const struct fdb_entry *e = fdb_lookup(f, key_n((uint16_t)(1 + i % 4), i));

		if (i % 3 == 0 && i % 10 != 0)
			ck_assert_ptr_null(e);
		else
			ck_assert_ptr_nonnull(e);
	}
	ck_assert_uint_eq(fdb_flush_dest(f, fdb_dest_vtep(1), true), static_v1);
	ck_assert_uint_eq(fdb_flush_dest(f, fdb_dest_vtep(1), true), 0);
	ck_assert_uint_eq(stats_of(f).entries, 300 - at_v1 - static_v1);

	/* by VNI (static ones too); VNI 3 lost its VTEP-1 entries already */
	{
		uint32_t left3 = 0, total = (uint32_t)stats_of(f).entries;

		for (uint32_t i = 0; i < 300; i++)
			if (1 + i % 4 == 3 && i % 3 != 0)
				left3++;
		ck_assert_uint_gt(in_vni3, left3);
		ck_assert_uint_eq(fdb_flush_vni(f, 3), left3);
		ck_assert_uint_eq(stats_of(f).entries, total - left3);
		for (uint32_t i = 0; i < 300; i++) {
			uint16_t vni = (uint16_t)(1 + i % 4);
			const struct fdb_entry *e = fdb_lookup(f, key_n(vni, i));

			if (vni == 3 || i % 3 == 0)
				ck_assert_ptr_null(e);
			else
				ck_assert_ptr_nonnull(e);
		}
	}
	ck_assert_uint_eq(fdb_flush_vni(f, 3), 0);
	ck_assert_uint_eq(fdb_flush_vni(f, 99), 0);
	fdb_destroy(f);
}
END_TEST

struct walk_ctx {
	uint8_t seen[1000];
	unsigned calls;
	unsigned stop_after;
	bool foreign;
};

static int walk_cb(const struct fdb_entry *e, void *arg)
{
	struct walk_ctx *c = arg;
	uint8_t mac[6];
	uint32_t n;

	fdb_key_mac(e->key, mac);
	n = ((uint32_t)mac[1] << 24) | ((uint32_t)mac[2] << 16) | ((uint32_t)mac[3] << 8) | mac[4];
	if (fdb_key_vni_idx(e->key) != 5 || n >= 1000 || e->key != key_n(5, n))
		c->foreign = true;
	else
		c->seen[n]++;
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after;
}

START_TEST(test_walk)
{
	struct fdb *f = create_or_fail("t_walk", 2048, NULL);
	struct walk_ctx c;

	memset(&c, 0, sizeof(c));
	fdb_walk(f, walk_cb, &c);
	ck_assert_uint_eq(c.calls, 0);

	for (uint32_t i = 0; i < 1000; i++)
		ck_assert_int_eq(fdb_learn(f, key_n(5, i), fdb_dest_port(1), 1, NULL), 0);
	/* make holes so the walk has freed slots to skip */
	for (uint32_t i = 0; i < 1000; i += 3)
		ck_assert_int_eq(fdb_delete(f, key_n(5, i)), 0);
	for (uint32_t i = 0; i < 1000; i += 3)
		ck_assert_int_eq(fdb_add_static(f, key_n(5, i), fdb_dest_port(2)), 0);

	memset(&c, 0, sizeof(c));
	fdb_walk(f, walk_cb, &c);
	ck_assert(!c.foreign);
	ck_assert_uint_eq(c.calls, 1000);
	for (uint32_t i = 0; i < 1000; i++)
		ck_assert_msg(c.seen[i] == 1, "key %u visited %u times", i, c.seen[i]);

	/* stop early */
	memset(&c, 0, sizeof(c));
	c.stop_after = 10;
	fdb_walk(f, walk_cb, &c);
	ck_assert_uint_eq(c.calls, 10);
	fdb_destroy(f);
}
END_TEST

/* fdb_install_prev: what was there before the install, in the same hash lookup; fdb_prefetch changes nothing */
START_TEST(test_install_prev)
{
	struct fdb *f = create_or_fail("t_prev", 64, NULL);
	uint64_t keys[3] = { key_n(0, 1), key_n(0, 2), key_n(1, 1) };
	uint32_t prev = 0;

	fdb_prefetch(f, keys, 3);   /* an empty table, and keys not there: nothing happens */
	ck_assert_uint_eq(stats_of(f).entries, 0);
	ck_assert_int_eq(fdb_install_prev(f, keys[0], fdb_dest_vtep(5), FDB_F_CP, &prev), 0);
	ck_assert_uint_eq(prev, FDB_DEST_NONE);
	ck_assert_int_eq(fdb_install_prev(f, keys[0], fdb_dest_vtep(6), FDB_F_CP, &prev), 0);
	ck_assert_uint_eq(prev, fdb_dest_vtep(5));
	ck_assert_int_eq(fdb_learn(f, keys[1], fdb_dest_port(2), 1, NULL), 0);
	ck_assert_int_eq(fdb_install_prev(f, keys[1], fdb_dest_vtep(6), FDB_F_CP, &prev), 0);
	ck_assert_uint_eq(prev, fdb_dest_port(2));
	ck_assert_uint_eq(fdb_entry_dest(fdb_lookup(f, keys[1])), fdb_dest_vtep(6));
	fdb_prefetch(f, keys, 3);
	ck_assert_uint_eq(stats_of(f).entries, 2);
	ck_assert_ptr_null(fdb_lookup(f, keys[2]));
	ck_assert_uint_eq(stats_of(f).moves, 2);
	fdb_destroy(f);
}
END_TEST

START_TEST(test_bulk_lookup)
{
	struct fdb *f = create_or_fail("t_bulk", 4096, NULL);
	const unsigned sizes[] = {64, 37, 1, 63, 2, 64};
	uint64_t keys[64];
	struct fdb_entry *out[64];

	for (uint32_t i = 0; i < 2000; i += 2)
		ck_assert_int_eq(fdb_learn(f, key_n(1, i), fdb_dest_vtep(i), 1, NULL), 0);
	for (unsigned round = 0; round < 200; round++) {
		unsigned n = sizes[round % 6];
		uint64_t mask, expect = 0;

		for (unsigned i = 0; i < n; i++) {
			keys[i] = key_n((uint16_t)(1 + (rnd() % 8 == 0)), (uint32_t)(rnd() % 2100));
			out[i] = (struct fdb_entry *)(uintptr_t)0x1; /* must be overwritten */
		}
		if (round == 0)
			for (unsigned i = 0; i < n; i++)
				keys[i] = key_n(1, 2 * i); /* all hits */
		if (round == 1)
			for (unsigned i = 0; i < n; i++)
				keys[i] = key_n(1, 2 * i + 1); /* all misses */
		mask = fdb_lookup_bulk(f, keys, n, out);
		for (unsigned i = 0; i < n; i++) {
			struct fdb_entry *e = fdb_lookup(f, keys[i]);

			ck_assert_ptr_eq(out[i], e);
			if (e) {
				expect |= 1ull << i;
				ck_assert_uint_eq(e->key, keys[i]);
			}
		}
		ck_assert_uint_eq(mask, expect);
		if (round == 0)
			ck_assert_uint_eq(mask, n == 64 ? UINT64_MAX : (1ull << n) - 1);
		if (round == 1)
			ck_assert_uint_eq(mask, 0);
	}
	ck_assert_uint_eq(fdb_lookup_bulk(f, keys, 0, out), 0);
	fdb_destroy(f);
}
END_TEST

START_TEST(test_create_errors)
{
	struct fdb *f;

	rte_errno = 0;
	ck_assert_ptr_null(fdb_create(NULL, 16, NULL));
	ck_assert_int_eq(rte_errno, EINVAL);
	rte_errno = 0;
	ck_assert_ptr_null(fdb_create("t_zero", 0, NULL));
	ck_assert_int_eq(rte_errno, EINVAL);
	rte_errno = 0;
	ck_assert_ptr_null(fdb_create("a_name_that_is_far_too_long", 16, NULL));
	ck_assert_int_eq(rte_errno, ENAMETOOLONG);
	f = create_or_fail("t_dup", 16, NULL);
	rte_errno = 0;
	ck_assert_ptr_null(fdb_create("t_dup", 16, NULL));
	ck_assert_int_ne(rte_errno, 0);
	fdb_destroy(f);
	/* the name is free again once destroyed */
	f = create_or_fail("t_dup", 16, NULL);
	fdb_destroy(f);
	fdb_destroy(NULL);
}
END_TEST

static struct rte_rcu_qsbr *qsbr_new(uint32_t threads)
{
	size_t sz = rte_rcu_qsbr_get_memsize(threads);
	struct rte_rcu_qsbr *v = rte_zmalloc("test_qsbr", sz, RTE_CACHE_LINE_SIZE);

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(rte_rcu_qsbr_init(v, threads), 0);
	return v;
}

/* With a reader that has not reported, a deleted entry is not reused; after it has, it is. */
START_TEST(test_rcu_grace_period)
{
	struct rte_rcu_qsbr *v = qsbr_new(1);
	struct fdb *f;
	struct fdb_entry *held;
	const uint64_t a = key_n(1, 0);

	/* this thread plays a reader that holds an entry and has not reported yet */
	ck_assert_int_eq(rte_rcu_qsbr_thread_register(v, 0), 0);
	rte_rcu_qsbr_thread_online(v, 0);

	f = create_or_fail("t_grace", 8, v);
	fill_full(f, 8, 1);
	held = fdb_lookup(f, a);
	ck_assert_ptr_nonnull(held);
	ck_assert_int_eq(fdb_delete(f, a), 0);
	ck_assert_ptr_null(fdb_lookup(f, a));
	ck_assert_uint_eq(stats_of(f).entries, 7);
	/* the deleted entry still counts: no room, and the held entry is intact */
	ck_assert_int_eq(fdb_learn(f, key_n(2, 0), fdb_dest_vtep(3), 1, NULL), ENOSPC);
	ck_assert_uint_eq(stats_of(f).full, 1);
	ck_assert_uint_eq(held->key, a);
	ck_assert_uint_eq(fdb_entry_dest(held), fdb_dest_port(1));

	/* the reader reports a quiescent state: the grace period ends, there is room again */
	rte_rcu_qsbr_quiescent(v, 0);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 0), fdb_dest_vtep(3), 1, NULL), 0);
	ck_assert_uint_eq(stats_of(f).entries, 8);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 1), fdb_dest_vtep(3), 1, NULL), ENOSPC);
	/* (held is no longer ours after that quiescent state.) Its entry went back to the
	 * free list: after the next delete and grace period, the next new key lands in it */
	ck_assert_int_eq(fdb_delete(f, key_n(1, 1)), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 1), fdb_dest_vtep(3), 1, NULL), ENOSPC);
	rte_rcu_qsbr_quiescent(v, 0);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 1), fdb_dest_vtep(3), 1, NULL), 0);
	ck_assert_ptr_eq(fdb_lookup(f, key_n(2, 1)), held);
	ck_assert_uint_eq(held->key, key_n(2, 1));
	ck_assert_uint_eq(stats_of(f).entries, 8);
	ck_assert_uint_eq(stats_of(f).full, 3);

	/* same on a larger table: deletes in one grace period keep their entries */
	rte_rcu_qsbr_thread_offline(v, 0);
	fdb_destroy(f);
	rte_rcu_qsbr_thread_online(v, 0);
	f = create_or_fail("t_grace2", 256, v);
	fill_full(f, 256, 1);
	{
		struct fdb_entry *hold[100];

		for (uint32_t i = 0; i < 100; i++) {
			hold[i] = fdb_lookup(f, key_n(1, i));
			ck_assert_int_eq(fdb_delete(f, key_n(1, i)), 0);
		}
		for (uint32_t i = 0; i < 50; i++)
			ck_assert_int_eq(fdb_learn(f, key_n(3, i), fdb_dest_port(2), 1, NULL), ENOSPC);
		for (uint32_t i = 0; i < 100; i++)
			ck_assert_uint_eq(hold[i]->key, key_n(1, i));
		rte_rcu_qsbr_quiescent(v, 0);
		for (uint32_t i = 0; i < 100; i++)
			ck_assert_int_eq(fdb_learn(f, key_n(3, i), fdb_dest_port(2), 1, NULL), 0);
		ck_assert_int_eq(fdb_learn(f, key_n(3, 100), fdb_dest_port(2), 1, NULL), ENOSPC);
	}
	rte_rcu_qsbr_thread_offline(v, 0);
	fdb_destroy(f);

	/*
	 * Below rte_hash's minimum size (8) the hash has spare slots, so a deletion still in
	 * its grace period must be counted by the table itself; it is reclaimed at the next
	 * deletion after the grace period.
	 */
	rte_rcu_qsbr_thread_online(v, 0);
	f = create_or_fail("t_grace5", 5, v);
	fill_full(f, 5, 1);
	ck_assert_int_eq(fdb_delete(f, key_n(1, 0)), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 0), fdb_dest_port(2), 1, NULL), ENOSPC);
	rte_rcu_qsbr_quiescent(v, 0);
	ck_assert_int_eq(fdb_delete(f, key_n(1, 1)), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 0), fdb_dest_port(2), 1, NULL), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(2, 1), fdb_dest_port(2), 1, NULL), ENOSPC);
	ck_assert_uint_eq(stats_of(f).entries, 4);
	rte_rcu_qsbr_thread_offline(v, 0);
	ck_assert_int_eq(rte_rcu_qsbr_thread_unregister(v, 0), 0);
	fdb_destroy(f);
	rte_free(v);
}
END_TEST

#define CONC_KEYS 600
#define CONC_CAP 1024

struct reader_ctx {
	struct fdb *fdb;
	struct rte_rcu_qsbr *v;
	const uint64_t *keys;
	bool stop;
	bool started;
	uint64_t lookups, hits, bad_key, bad_dest, loops;
};

static bool conc_dest_valid(uint32_t d)
{
	/* the writer only uses ports 1..8 and VTEPs 1..8 */
	return fdb_dest_id(d) >= 1 && fdb_dest_id(d) <= 8;
}

static void *reader_main(void *arg)
{
	struct reader_ctx *c = arg;
	struct fdb_entry *out[64];
	uint64_t bk[64];

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
		for (unsigned i = 0; i < CONC_KEYS; i++) {
			uint64_t k = c->keys[i];
			struct fdb_entry *e = fdb_lookup(c->fdb, k);

			c->lookups++;
			if (e) {
				c->hits++;
				if (!conc_dest_valid(fdb_entry_dest(e)))
					c->bad_dest++;
				/* hold it a while: it must keep its key until our quiescent state */
				for (int r = 0; r < 8; r++)
					if (__atomic_load_n(&e->key, __ATOMIC_ACQUIRE) != k)
						c->bad_key++;
			}
			if ((i & 31) == 31)
				rte_rcu_qsbr_quiescent(c->v, 0);
		}
		for (unsigned i = 0; i < 64; i++)
			bk[i] = c->keys[(c->loops * 64 + i * 7) % CONC_KEYS];
		uint64_t mask = fdb_lookup_bulk(c->fdb, bk, 64, out);
		for (unsigned i = 0; i < 64; i++) {
			c->lookups++;
			if ((mask >> i) & 1) {
				c->hits++;
				if (out[i] == NULL || __atomic_load_n(&out[i]->key, __ATOMIC_ACQUIRE) != bk[i])
					c->bad_key++;
				else if (!conc_dest_valid(fdb_entry_dest(out[i])))
					c->bad_dest++;
			} else if (out[i] != NULL) {
				c->bad_key++;
			}
		}
		rte_rcu_qsbr_quiescent(c->v, 0);
		__atomic_store_n(&c->loops, c->loops + 1, __ATOMIC_RELAXED);
	}
	rte_rcu_qsbr_thread_offline(c->v, 0);
	rte_rcu_qsbr_thread_unregister(c->v, 0);
	return NULL;
}

/* The writer's model of the table. */
struct model {
	bool present[CONC_KEYS];
	bool is_static[CONC_KEYS];
	uint32_t dest[CONC_KEYS];
	uint64_t seen[CONC_KEYS];
	uint32_t live;
};

static void model_del(struct model *m, unsigned i)
{
	m->present[i] = false;
	m->live--;
}

static char conc_err[256];

/* A failed check ends the writer with a message (no longjmp while the reader runs). */
#define WCHECK(cond, ...)                                                                \
	do {                                                                             \
		if (!(cond)) {                                                           \
			int n_ = snprintf(conc_err, sizeof(conc_err), "round %u: ", round); \
			snprintf(conc_err + n_, sizeof(conc_err) - (size_t)n_, __VA_ARGS__); \
			return conc_err;                                                 \
		}                                                                        \
	} while (0)

/* The writer: random learns, moves, deletes, statics, aging and flushes, checked against m. */
static const char *conc_writer(struct fdb *f, struct model *m, const uint64_t *keys, const struct reader_ctx *c,
			       unsigned *ops, unsigned *enospc)
{
	uint64_t now = 2, last_loops = 0;

	/*
	 * At least 300k operations, and on until the reader has made 3000 passes over the
	 * keys (so the two overlap however they are scheduled), at most 3M.
	 */
	for (unsigned round = 0;
	     round < 300000 || (round < 3000000 && __atomic_load_n(&c->loops, __ATOMIC_RELAXED) < 3000); round++) {
		/* a writer that outran a descheduled reader would mostly see a full table */
		if ((round & 127) == 127) {
			uint64_t l = __atomic_load_n(&c->loops, __ATOMIC_RELAXED);

			if (l == last_loops)
				sched_yield();
			last_loops = l;
		}
		unsigned i = (unsigned)(rnd() % CONC_KEYS);
		unsigned op = (unsigned)(rnd() % 100);
		uint32_t d = (rnd() & 1) ? fdb_dest_vtep(1 + (uint32_t)(rnd() % 8))
					 : fdb_dest_port(1 + (uint32_t)(rnd() % 8));
		int r;

		if (round % 1000 == 0)
			now++;
		(*ops)++;
		if (op < 40) {
			bool moved;

			r = fdb_learn(f, keys[i], d, now, &moved);
			if (m->present[i] && m->is_static[i]) {
				WCHECK(r == (m->dest[i] == d ? 0 : EEXIST), "learn on static: %d", r);
			} else if (m->present[i]) {
				WCHECK(r == 0, "learn existing: %d", r);
				WCHECK(moved == (m->dest[i] != d), "moved %d", moved);
				m->dest[i] = d;
				m->seen[i] = now;
			} else if (r == ENOSPC) {
				/* only when deletions still wait for the reader */
				WCHECK(m->live < CONC_CAP, "ENOSPC with %u live", m->live);
				(*enospc)++;
			} else {
				WCHECK(r == 0, "learn new: %d", r);
				m->present[i] = true;
				m->is_static[i] = false;
				m->dest[i] = d;
				m->seen[i] = now;
				m->live++;
			}
		} else if (op < 75) {
			r = fdb_delete(f, keys[i]);
			WCHECK(r == (m->present[i] ? 0 : ENOENT), "delete: %d", r);
			if (m->present[i])
				model_del(m, i);
		} else if (op < 78) {
			r = fdb_add_static(f, keys[i], d);
			if (r == ENOSPC) {
				WCHECK(!m->present[i], "static on existing: ENOSPC");
				(*enospc)++;
			} else {
				WCHECK(r == 0, "add_static: %d", r);
				if (!m->present[i])
					m->live++;
				m->present[i] = true;
				m->is_static[i] = true;
				m->dest[i] = d;
			}
		} else if (op < 80) {
			uint64_t max_age = 1 + rnd() % 4;
			uint32_t expect = 0, got;

			for (unsigned k = 0; k < CONC_KEYS; k++)
				if (m->present[k] && !m->is_static[k] && now - m->seen[k] >= max_age) {
					model_del(m, k);
					expect++;
				}
			got = fdb_age(f, now, max_age);
			WCHECK(got == expect, "age removed %u, expected %u", got, expect);
		} else if (op < 81) {
			bool with_static = rnd() & 1;
			uint32_t expect = 0, got;

			for (unsigned k = 0; k < CONC_KEYS; k++)
				if (m->present[k] && m->dest[k] == d && (with_static || !m->is_static[k])) {
					model_del(m, k);
					expect++;
				}
			got = fdb_flush_dest(f, d, with_static);
			WCHECK(got == expect, "flush_dest removed %u, expected %u", got, expect);
		} else {
			/* delete then at once add another key: the freshest free entry is the one a
			 * reader may still hold, so early reuse would show up here */
			unsigned j = (unsigned)(rnd() % CONC_KEYS);

			if (m->present[i] && i != j) {
				r = fdb_delete(f, keys[i]);
				WCHECK(r == 0, "delete: %d", r);
				model_del(m, i);
			}
			r = fdb_learn(f, keys[j], d, now, NULL);
			if (!m->present[j]) {
				WCHECK(r == 0 || r == ENOSPC, "learn new: %d", r);
				if (r == 0) {
					m->present[j] = true;
					m->is_static[j] = false;
					m->live++;
				}
			} else if (m->is_static[j]) {
				WCHECK(r == (m->dest[j] == d ? 0 : EEXIST), "learn on static: %d", r);
			} else {
				WCHECK(r == 0, "learn existing: %d", r);
			}
			if (r == 0 && !m->is_static[j]) {
				m->dest[j] = d;
				m->seen[j] = now;
			}
			if (r == ENOSPC)
				(*enospc)++;
		}
		WCHECK(stats_of(f).entries == m->live, "entries %llu, model %u",
		       (unsigned long long)stats_of(f).entries, m->live);
	}
	return NULL;
}

START_TEST(test_rcu_concurrent_reader)
{
	struct rte_rcu_qsbr *v = qsbr_new(1);
	struct fdb *f = create_or_fail("t_conc", CONC_CAP, v);
	static uint64_t keys[CONC_KEYS];
	static struct model m;
	static struct reader_ctx c;
	pthread_t th;
	unsigned enospc = 0, ops = 0;
	const char *err;

	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	for (unsigned i = 0; i < CONC_KEYS; i++)
		keys[i] = key_n((uint16_t)(i % 3), i);
	for (unsigned i = 0; i < CONC_KEYS; i += 2) {
		m.dest[i] = fdb_dest_port(1);
		ck_assert_int_eq(fdb_learn(f, keys[i], m.dest[i], 1, NULL), 0);
		m.present[i] = true;
		m.seen[i] = 1;
		m.live++;
	}
	c.fdb = f;
	c.v = v;
	c.keys = keys;
	ck_assert_int_eq(pthread_create(&th, NULL, reader_main, &c), 0);
	while (!__atomic_load_n(&c.started, __ATOMIC_ACQUIRE))
		;

	err = conc_writer(f, &m, keys, &c, &ops, &enospc);

	__atomic_store_n(&c.stop, true, __ATOMIC_RELEASE);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(err == NULL, "writer: %s", err);
	fprintf(stderr, "test_rcu_concurrent_reader: %u writer ops (%u refused full), reader: %llu loops, "
			"%llu lookups, %llu hits\n",
		ops, enospc, (unsigned long long)c.loops, (unsigned long long)c.lookups,
		(unsigned long long)c.hits);
	ck_assert_uint_eq(c.bad_key, 0);
	ck_assert_uint_eq(c.bad_dest, 0);
	ck_assert_uint_gt(c.loops, 0);
	ck_assert_uint_gt(c.hits, 0);

	/* the table agrees with the model */
	ck_assert_uint_eq(stats_of(f).entries, m.live);
	for (unsigned i = 0; i < CONC_KEYS; i++) {
		const struct fdb_entry *e = fdb_lookup(f, keys[i]);

		ck_assert_msg((e != NULL) == m.present[i], "key %u presence", i);
		if (e) {
			ck_assert_uint_eq(fdb_entry_dest(e), m.dest[i]);
			ck_assert_uint_eq(!!(e->flags & FDB_F_STATIC), m.is_static[i]);
		}
	}

	/*
	 * Every deleted entry was reclaimed: once emptied, the table takes exactly its
	 * capacity of new keys again (the reader is offline, so all grace periods end).
	 */
	for (unsigned i = 0; i < CONC_KEYS; i++)
		if (m.present[i])
			ck_assert_int_eq(fdb_delete(f, keys[i]), 0);
	ck_assert_uint_eq(stats_of(f).entries, 0);
	fill_full(f, CONC_CAP, 7);
	ck_assert_uint_eq(stats_of(f).entries, CONC_CAP);
	ck_assert_int_eq(fdb_learn(f, key_n(8, 0), fdb_dest_port(1), 1, NULL), ENOSPC);
	fdb_destroy(f);
	rte_free(v);
}
END_TEST

/*
 * What the table needs at the least: entries (32 bytes), rte_hash key store (16 bytes:
 * data pointer + 8-byte key) and primary buckets (64 bytes per 8 keys, power of two).
 */
static uint64_t fdb_min_bytes(uint32_t cap)
{
	uint64_t slots = (uint64_t)cap + 1;
	uint64_t buckets = rte_align32pow2(cap) / 8;

	return slots * sizeof(struct fdb_entry) + slots * 16 + buckets * 64;
}

START_TEST(test_memory_estimate)
{
	const uint32_t caps[] = {1024, 65536, 100000};

	for (unsigned i = 0; i < 3; i++) {
		struct rte_rcu_qsbr *v = qsbr_new(1);
		struct fdb *f = create_or_fail("t_mem", caps[i], v);
		uint64_t mem = fdb_memory_bytes(f);

		fprintf(stderr, "test_memory_estimate: capacity %u: %llu bytes (%.1f per entry)\n", caps[i],
			(unsigned long long)mem, (double)mem / caps[i]);
		ck_assert_uint_ge(mem, fdb_min_bytes(caps[i]));
		ck_assert_uint_lt(mem, 4 * fdb_min_bytes(caps[i]));
		fdb_destroy(f);
		rte_free(v);
	}
}
END_TEST

START_TEST(test_production_size)
{
	const uint32_t cap = VTEP_DEFAULT_MAC_TABLE_SIZE;
	struct rte_rcu_qsbr *v = qsbr_new(1);
	struct fdb *f = create_or_fail("t_prod", cap, v);
	uint64_t mem = fdb_memory_bytes(f);
	uint64_t keys[64];
	struct fdb_entry *out[64];
	uint32_t found = 0;

	for (uint32_t i = 0; i < cap; i++) {
		int r = fdb_learn(f, key_n((uint16_t)(i & 15), i >> 4), fdb_dest_vtep(i % 1000), 1, NULL);

		ck_assert_msg(r == 0, "key %u of %u: %s", i, cap, strerror(r));
	}
	ck_assert_uint_eq(stats_of(f).entries, cap);
	ck_assert_int_eq(fdb_learn(f, key_n(16, 0), fdb_dest_port(1), 1, NULL), ENOSPC);
	ck_assert_uint_eq(stats_of(f).full, 1);

	for (uint32_t base = 0; base < cap; base += 64) {
		uint64_t mask;

		for (uint32_t j = 0; j < 64; j++)
			keys[j] = key_n((uint16_t)((base + j) & 15), (base + j) >> 4);
		mask = fdb_lookup_bulk(f, keys, 64, out);
		ck_assert_msg(mask == UINT64_MAX, "keys %u..%u: mask %016llx", base, base + 63,
			      (unsigned long long)mask);
		for (uint32_t j = 0; j < 64; j++) {
			ck_assert_uint_eq(out[j]->key, keys[j]);
			ck_assert_uint_eq(fdb_entry_dest(out[j]), fdb_dest_vtep((base + j) % 1000));
			found++;
		}
		/* the single lookup agrees */
		ck_assert_ptr_eq(fdb_lookup(f, keys[base % 64]), out[base % 64]);
	}
	ck_assert_uint_eq(found, cap);

	fprintf(stderr, "test_production_size: %u entries, fdb_memory_bytes %llu (%.1f MiB, %.1f bytes/entry)\n",
		cap, (unsigned long long)mem, mem / 1048576.0, (double)mem / cap);
	ck_assert_uint_ge(mem, fdb_min_bytes(cap));
	ck_assert_uint_lt(mem, 128ull << 20); /* the documented budget */
	fdb_destroy(f);
	rte_free(v);
}
END_TEST

/*
 * A port's own MAC (FDB_F_PORT) is pinned: learning it elsewhere is refused and counted
 * (move_refused), it never ages, and it goes with its port (fdb_flush_dest with statics).
 */
START_TEST(test_port_mac_pinned)
{
	struct fdb *f = create_or_fail("t_pinned", 64, NULL);
	const uint64_t k = key_n(0, 1), ks = key_n(0, 2);
	bool moved = true;

	ck_assert_int_eq(fdb_install(f, k, fdb_dest_port(3), FDB_F_PORT), 0);
	ck_assert_int_eq(fdb_add_static(f, ks, fdb_dest_port(4)), 0);
	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_vtep(7), 10, &moved), EEXIST);
	ck_assert(!moved);
	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_port(5), 10, &moved), EEXIST);
	ck_assert_int_eq(fdb_learn(f, ks, fdb_dest_vtep(7), 10, &moved), EEXIST);
	ck_assert_uint_eq(fdb_entry_dest(fdb_lookup(f, k)), fdb_dest_port(3));
	ck_assert_uint_eq(stats_of(f).move_refused, 3);
	ck_assert_uint_eq(stats_of(f).static_conflicts, 1);
	ck_assert_uint_eq(stats_of(f).moves, 0);
	/* seen on its own port: nothing to refuse */
	ck_assert_int_eq(fdb_learn(f, k, fdb_dest_port(3), 11, &moved), 0);
	ck_assert_uint_eq(stats_of(f).move_refused, 3);
	ck_assert_uint_eq(fdb_age(f, 1000000, 10), 0);
	ck_assert_ptr_nonnull(fdb_lookup(f, k));
	ck_assert_uint_eq(fdb_flush_dest(f, fdb_dest_port(3), true), 1);
	ck_assert_ptr_null(fdb_lookup(f, k));
	fdb_destroy(f);
}
END_TEST

/*
 * The per-destination counts follow every way an entry comes, moves and goes: learn, install,
 * move, flags changing, delete, aging, flushes. Anchors (EVPN or static entries behind a VTEP,
 * per VNI) change the generation only when a (VNI, VTEP) pair gains its first or loses its last.
 * An installed entry that changes destination (an EVPN route moving a MAC) counts as a move.
 */
START_TEST(test_dest_counts)
{
	struct fdb *f = create_or_fail("t_counts", 64, NULL);
	uint64_t gen = fdb_anchor_generation(f);

	/* learned: 2 on port 1, 1 behind VTEP 5, all in VNI 0; 1 behind VTEP 5 in VNI 1 */
	ck_assert_int_eq(fdb_learn(f, key_n(0, 1), fdb_dest_port(1), 1, NULL), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(0, 2), fdb_dest_port(1), 1, NULL), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(0, 3), fdb_dest_vtep(5), 1, NULL), 0);
	ck_assert_int_eq(fdb_learn(f, key_n(1, 3), fdb_dest_vtep(5), 1, NULL), 0);
	ck_assert_uint_eq(fdb_port_entries(f, 1), 2);
	ck_assert_uint_eq(fdb_vtep_entries(f, 5), 2);
	ck_assert_uint_eq(fdb_vni_entries(f, 0), 3);
	ck_assert_uint_eq(fdb_vni_entries(f, 1), 1);
	ck_assert(!fdb_vtep_anchored(f, 0, 5));   /* learned entries do not make a VTEP known */
	ck_assert_uint_eq(fdb_anchor_generation(f), gen);

	/* a move from port 1 to VTEP 6 */
	ck_assert_int_eq(fdb_learn(f, key_n(0, 2), fdb_dest_vtep(6), 2, NULL), 0);
	ck_assert_uint_eq(fdb_port_entries(f, 1), 1);
	ck_assert_uint_eq(fdb_vtep_entries(f, 6), 1);
	ck_assert_uint_eq(fdb_vni_entries(f, 0), 3);

	/* EVPN takes the learned entry behind VTEP 5 (same place, now anchored), then moves it to VTEP 6 */
	ck_assert_int_eq(fdb_install(f, key_n(0, 3), fdb_dest_vtep(5), FDB_F_CP), 0);
	ck_assert(fdb_vtep_anchored(f, 0, 5));
	ck_assert(!fdb_vtep_anchored(f, 1, 5));
	ck_assert_uint_eq(fdb_anchor_generation(f), gen + 1);
	ck_assert_uint_eq(stats_of(f).moves, 1);
	ck_assert_int_eq(fdb_install(f, key_n(0, 3), fdb_dest_vtep(6), FDB_F_CP), 0);
	ck_assert(!fdb_vtep_anchored(f, 0, 5));
	ck_assert(fdb_vtep_anchored(f, 0, 6));
	ck_assert_uint_eq(fdb_anchor_generation(f), gen + 3);
	ck_assert_uint_eq(stats_of(f).moves, 2);
	ck_assert_uint_eq(fdb_vtep_entries(f, 5), 1);
	ck_assert_uint_eq(fdb_vtep_entries(f, 6), 2);
	/* a second EVPN MAC behind VTEP 6: still one anchor transition only when the last goes */
	ck_assert_int_eq(fdb_install(f, key_n(0, 4), fdb_dest_vtep(6), FDB_F_CP), 0);
	ck_assert_uint_eq(fdb_anchor_generation(f), gen + 3);
	ck_assert_int_eq(fdb_delete(f, key_n(0, 4)), 0);
	ck_assert(fdb_vtep_anchored(f, 0, 6));
	ck_assert_uint_eq(fdb_anchor_generation(f), gen + 3);
	/* local learning takes the EVPN MAC to port 2: no longer an anchor */
	ck_assert_int_eq(fdb_learn(f, key_n(0, 3), fdb_dest_port(2), 3, NULL), 0);
	ck_assert(!fdb_vtep_anchored(f, 0, 6));
	ck_assert_uint_eq(fdb_anchor_generation(f), gen + 4);
	ck_assert_uint_eq(fdb_port_entries(f, 2), 1);
	ck_assert_uint_eq(fdb_vtep_entries(f, 6), 1);
	/* a static MAC behind VTEP 9 in VNI 1 anchors it */
	ck_assert_int_eq(fdb_add_static(f, key_n(1, 9), fdb_dest_vtep(9)), 0);
	ck_assert(fdb_vtep_anchored(f, 1, 9));

	/* aging takes the dynamic ones, flushing the rest: every count back to zero */
	ck_assert_uint_eq(fdb_age(f, 1000, 10), 4);
	ck_assert_uint_eq(fdb_vtep_entries(f, 5), 0);
	ck_assert_uint_eq(fdb_vtep_entries(f, 6), 0);
	ck_assert_uint_eq(fdb_port_entries(f, 1), 0);
	ck_assert_uint_eq(fdb_port_entries(f, 2), 0);
	ck_assert_uint_eq(fdb_vni_entries(f, 0), 0);
	ck_assert_uint_eq(fdb_vni_entries(f, 1), 1);
	ck_assert_uint_eq(fdb_flush_vni(f, 1), 1);
	ck_assert(!fdb_vtep_anchored(f, 1, 9));
	ck_assert_uint_eq(fdb_vtep_entries(f, 9), 0);
	ck_assert_uint_eq(fdb_vni_entries(f, 1), 0);
	/* ids beyond the daemon's tables are simply not counted */
	ck_assert_int_eq(fdb_learn(f, key_n(UINT16_MAX, 1), fdb_dest_vtep(DP_TEST_BIG_ID), 1, NULL), 0);
	ck_assert_uint_eq(fdb_vtep_entries(f, DP_TEST_BIG_ID), 0);
	fdb_destroy(f);
}
END_TEST

static Suite *fdb_suite(void)
{
	Suite *s = suite_create("fdb");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_key_helpers);
	tcase_add_test(tc, test_learn_lookup);
	tcase_add_test(tc, test_two_vnis_distinct);
	tcase_add_test(tc, test_move);
	tcase_add_test(tc, test_static);
	tcase_add_test(tc, test_port_mac_pinned);
	tcase_add_test(tc, test_dest_counts);
	tcase_add_test(tc, test_aging);
	tcase_add_test(tc, test_full_table);
	tcase_add_test(tc, test_flush);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_bulk_lookup);
	tcase_add_test(tc, test_install_prev);
	tcase_add_test(tc, test_create_errors);
	tcase_add_test(tc, test_rcu_grace_period);
	tcase_add_test(tc, test_rcu_concurrent_reader);
	tcase_add_test(tc, test_memory_estimate);
	tcase_add_test(tc, test_production_size);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	/*
	 * No hugepages, no PCI, no shared files (DPDK 22.11 refuses --in-memory together
	 * with --no-huge; --no-shconf gives the same: no lock files, no IPC socket).
	 */
	SRunner *sr;
	int failed;

	if (test_eal_init("test_fdb", 512) != 0)
		return EXIT_FAILURE;
	sr = srunner_create(fdb_suite());
	/* one process: EAL can be initialised only once */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
