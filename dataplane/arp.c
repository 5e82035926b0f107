/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arp.c: the ARP suppression table (see arp.h): an rte_hash in lock-free read/write mode
 * keyed by (VNI index, IPv4), whose data word is the MAC itself, so a lookup is one probe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "arp.h"

struct arp_table {
	struct rte_hash *hash;
	bool rcu;                        /* key slots freed by the RCU defer queue, not by us */
	uint32_t count;
	uint32_t capacity;
};

static inline uint64_t arp_key(uint16_t vni_idx, uint32_t ip)
{
	return (uint64_t)vni_idx << 32 | ip;
}

struct arp_table *arp_table_create(const char *name, uint32_t capacity, struct rte_rcu_qsbr *qsbr)
{
	struct rte_hash_parameters p = {
		.name = name, .entries = capacity < 64 ? 64 : capacity, .key_len = sizeof(uint64_t),
		.hash_func = rte_hash_crc, .socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct arp_table *t = rte_zmalloc("arp_table", sizeof(*t), 0);

	if (!t)
		return NULL;
	t->capacity = p.entries;
	t->hash = rte_hash_create(&p);
	if (!t->hash) {
		rte_free(t);
		return NULL;
	}
	if (qsbr) {
		struct rte_hash_rcu_config rc = { .v = qsbr, .mode = RTE_HASH_QSBR_MODE_DQ };

		if (rte_hash_rcu_qsbr_add(t->hash, &rc) != 0) {
			rte_hash_free(t->hash);
			rte_free(t);
			return NULL;
		}
		t->rcu = true;
	}
	return t;
}

void arp_table_destroy(struct arp_table *t)
{
	if (!t)
		return;
	rte_hash_free(t->hash);
	rte_free(t);
}

int arp_table_set(struct arp_table *t, uint16_t vni_idx, uint32_t ip, const uint8_t mac[6])
{
	uint64_t key = arp_key(vni_idx, ip), data = 0;
	hash_sig_t sig = rte_hash_hash(t->hash, &key);   /* once, for the lookup and the add */
	bool existed = rte_hash_lookup_with_hash(t->hash, &key, sig) >= 0;
	int rc;

	for (int i = 0; i < 6; i++)
		data = data << 8 | mac[i];
	if (!existed && t->count >= t->capacity)
		return ENOSPC;
	/* an existing key's data is replaced with one atomic store: readers see old or new */
	rc = rte_hash_add_key_with_hash_data(t->hash, &key, sig, (void *)(uintptr_t)data);
	if (rc < 0)
		return -rc;
	t->count += !existed;
	return 0;
}

void arp_table_prefetch(const struct arp_table *t, const uint16_t *vni_idx, const uint32_t *ip, unsigned n)
{
	uint64_t keys[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	int32_t pos[RTE_HASH_LOOKUP_BULK_MAX];

	n = RTE_MIN(n, (unsigned)RTE_HASH_LOOKUP_BULK_MAX);
	for (unsigned i = 0; i < n; i++) {
		keys[i] = arp_key(vni_idx[i], ip[i]);
		kp[i] = &keys[i];
	}
	if (n)
		(void)rte_hash_lookup_bulk(t->hash, kp, n, pos);   /* for its prefetch of the buckets */
}

int arp_table_del(struct arp_table *t, uint16_t vni_idx, uint32_t ip)
{
	uint64_t key = arp_key(vni_idx, ip);
	int32_t pos = rte_hash_del_key(t->hash, &key);

	if (pos < 0)
		return ENOENT;
	if (!t->rcu)
		rte_hash_free_key_with_position(t->hash, pos);   /* single-threaded use: free at once */
	t->count--;
	return 0;
}

uint32_t arp_table_count(const struct arp_table *t)
{
	return t->count;
}

void arp_table_walk(const struct arp_table *t, arp_table_walk_cb cb, void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;

	while (rte_hash_iterate(t->hash, &key, &data, &next) >= 0) {
		uint64_t k, v = (uintptr_t)data;
		uint8_t mac[6];

		memcpy(&k, key, sizeof(k));
		for (int i = 5; i >= 0; i--, v >>= 8)
			mac[i] = (uint8_t)v;
		if (cb((uint16_t)(k >> 32), (uint32_t)k, mac, arg))
			return;
	}
}

bool arp_table_lookup(const struct arp_table *t, uint16_t vni_idx, uint32_t ip, uint8_t mac[6])
{
	uint64_t key = arp_key(vni_idx, ip);
	void *data;

	if (rte_hash_lookup_data(t->hash, &key, &data) < 0)
		return false;
	for (int i = 5; i >= 0; i--) {
		mac[i] = (uint8_t)(uintptr_t)data;
		data = (void *)((uintptr_t)data >> 8);
	}
	return true;
}
