/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fdb.c: the MAC table. One DPDK rte_hash in lock-free read/write mode with the
 * extendable bucket table, keyed by fdb_key() (8 bytes); its data value is the index of
 * an entry in a preallocated, cache-aligned array of struct fdb_entry in DPDK memory.
 *
 * One writer (the control thread) owns everything below except the fast-path reads.
 * Index life cycle: FREE (on the writer's free stack) -> LIVE (in the hash) -> on delete
 * PENDING (key removed from the hash, but a reader may still hold the entry) -> FREE
 * again, either at once when there is no RCU variable, or from the hash's RCU defer
 * queue callback once every reader has reported a quiescent state since the delete.
 * Capacity counts LIVE + PENDING, so a full table refuses new keys (ENOSPC, counted)
 * rather than reusing an entry a reader might still see.
 *
 * Memory: fdb_memory_bytes() is measured, not computed: the DPDK malloc heap's
 * allocated bytes (all sockets) before and after fdb_create() built the entry array,
 * the writer's side arrays, the rte_hash (its rings, buckets, extendable buckets and
 * key store) and its RCU defer queue. It includes malloc element overhead. It assumes
 * no other thread allocates from the DPDK heap during fdb_create() (the control thread
 * creates tables at start-up). The per-VNI anchor arrays (4 KiB each, for VNIs with EVPN
 * or static MACs behind a VTEP) come later and are not in it.
 *
 * The writer also keeps what points where (fdb_account): entries per VTEP, port slot and
 * VNI, and anchors per (VNI, VTEP). The daemon uses them for its MAC limits, to age
 * learned VTEPs and to know which VTEPs may send into a VNI (vtep_check).
 */
#include "fdb.h"
#include "vtep_limits.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_memory.h>
#include <rte_rcu_qsbr.h>

/*
 * The table's name prefixes its DPDK objects: rings "HT_<name>" and "HT_EXT_<name>",
 * defer queue ring "HASH_RCU_<name>" (memzone "RG_HASH_RCU_<name>", at most 31 bytes).
 */
#define FDB_NAME_MAX 19
/* rte_hash refuses fewer entries than one bucket holds (RTE_HASH_BUCKET_ENTRIES, internal). */
#define FDB_HASH_MIN_ENTRIES 8u
/* Deleted entries the RCU defer queue holds at most before the writer waits for readers. */
#define FDB_DQ_MAX 65536u

/* Ids counted per destination (fdb_vtep_entries ...): the daemon's VTEPs, port slots and VNIs. */
#define FDB_N_VTEPS VTEP_MAX_VTEPS
#define FDB_N_PORTS (VTEP_MAX_PORTS + 2)
#define FDB_N_VNIS VTEP_MAX_VNIS

#define FDB_LOG(level, fmt, ...) RTE_LOG(level, USER1, "fdb: " fmt "\n", ##__VA_ARGS__)

/*
 * What the hash holds per key: the entry's index and its destination in one word, so that a
 * lookup answers without touching the entry (the writer re-stores it when dest changes).
 */
static inline void *fdb_data(uint32_t idx, uint32_t dest)
{
	return (void *)(uintptr_t)(((uint64_t)dest << 32) | idx);
}
static inline uint32_t fdb_data_idx(const void *data) { return (uint32_t)(uintptr_t)data; }
static inline uint32_t fdb_data_dest(const void *data) { return (uint32_t)((uintptr_t)data >> 32); }

enum fdb_slot_state {
	FDB_SLOT_FREE = 0,
	FDB_SLOT_LIVE,
	FDB_SLOT_PENDING,
};

struct fdb {
	/* read by the fast path */
	struct rte_hash *hash;          /* key -> fdb_data(index, dest) */
	struct fdb_entry *entries;      /* n_slots */
	uint64_t *hits;                 /* a bit per index: seen by the fast path since the last fold */
	uint32_t n_hit_words;

	/* writer only, on their own cache lines */
	uint32_t *free_stack __rte_cache_aligned; /* n_free free indices; the top is reused first */
	uint8_t *state;                 /* enum fdb_slot_state per index */
	struct rte_rcu_qsbr *qsbr;
	uint32_t capacity;              /* live + pending never exceed this */
	uint32_t hash_entries;          /* rte_hash size: capacity, at least FDB_HASH_MIN_ENTRIES */
	uint32_t n_slots;               /* hash_entries + 1: one spare so an index is always at hand */
	uint32_t n_free;
	uint32_t live;
	uint32_t pending;
	uint32_t dq_size;
	uint64_t mem_bytes;
	struct fdb_stats st;
	fdb_remove_cb remove_cb;
	void *remove_arg;
	/* what points where (fdb_account) */
	uint32_t vtep_refs[FDB_N_VTEPS];
	uint32_t port_refs[FDB_N_PORTS];
	uint32_t vni_refs[FDB_N_VNIS];
	uint32_t *anchors[FDB_N_VNIS];  /* per VNI index, NULL until needed: anchored entries per VTEP id */
	uint64_t anchor_gen;
	char name[FDB_NAME_MAX + 1];
};

static inline bool fdb_is_anchor(uint32_t dest, uint32_t flags)
{
	return fdb_dest_is_vtep(dest) && fdb_dest_id(dest) < FDB_N_VTEPS && (flags & (FDB_F_CP | FDB_F_STATIC));
}

/*
 * The entry (key, dest, flags) arrives (delta 1) or leaves (delta -1) in the per-destination
 * counts. An anchored entry's VNI array exists already (fdb_anchor_prepare).
 */
static void fdb_account(struct fdb *fdb, uint64_t key, uint32_t dest, uint32_t flags, int delta)
{
	uint16_t vi = fdb_key_vni_idx(key);
	uint32_t id = fdb_dest_id(dest);

	if (vi < FDB_N_VNIS)
		fdb->vni_refs[vi] += (uint32_t)delta;
	if (!fdb_dest_is_vtep(dest)) {
		if (id < FDB_N_PORTS)
			fdb->port_refs[id] += (uint32_t)delta;
		return;
	}
	if (id >= FDB_N_VTEPS)
		return;
	fdb->vtep_refs[id] += (uint32_t)delta;
	if (vi < FDB_N_VNIS && fdb_is_anchor(dest, flags) && fdb->anchors[vi]) {
		uint32_t *a = &fdb->anchors[vi][id];

		*a += (uint32_t)delta;
		if ((delta > 0 && *a == 1) || (delta < 0 && *a == 0))
			fdb->anchor_gen++;
	}
}

/* Before an entry becomes anchored: its VNI's counts must exist. 0 or ENOMEM. */
static int fdb_anchor_prepare(struct fdb *fdb, uint64_t key, uint32_t dest, uint32_t flags)
{
	uint16_t vi = fdb_key_vni_idx(key);

	if (!fdb_is_anchor(dest, flags) || vi >= FDB_N_VNIS || fdb->anchors[vi])
		return 0;
	fdb->anchors[vi] = rte_zmalloc("fdb_anchors", FDB_N_VTEPS * sizeof(uint32_t), 0);
	return fdb->anchors[vi] ? 0 : ENOMEM;
}

static uint64_t fdb_heap_allocated(void)
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

/* Defer queue callback: the grace period of a deleted entry is over; reuse its index. */
static void fdb_reclaim_cb(void *p, void *key_data)
{
	struct fdb *fdb = p;
	uint32_t idx = fdb_data_idx(key_data);

	if (idx >= fdb->n_slots || fdb->state[idx] != FDB_SLOT_PENDING) {
		FDB_LOG(ERR, "%s: reclaim of entry %u which is not pending deletion", fdb->name, idx);
		return;
	}
	fdb->state[idx] = FDB_SLOT_FREE;
	fdb->pending--;
	fdb->free_stack[fdb->n_free++] = idx;
}

static void fdb_free_arrays(struct fdb *fdb)
{
	for (unsigned i = 0; i < FDB_N_VNIS; i++)
		rte_free(fdb->anchors[i]);
	rte_free(fdb->entries);
	rte_free(fdb->hits);
	rte_free(fdb->free_stack);
	rte_free(fdb->state);
	rte_free(fdb);
}

/* rte_hash's key comparison: 0 when equal, like memcmp. */
static int fdb_key_equal(const void *a, const void *b, size_t len)
{
	uint64_t x, y;

	(void)len;
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x != y;
}

struct fdb *fdb_create(const char *name, uint32_t capacity, struct rte_rcu_qsbr *qsbr)
{
	struct rte_hash_parameters hp = {0};
	struct fdb *fdb;
	uint64_t before;
	uint32_t hash_entries, n_slots;

	if (name == NULL || name[0] == '\0' || capacity == 0 || capacity > RTE_HASH_ENTRIES_MAX) {
		FDB_LOG(ERR, "create %s: invalid name or capacity %u (1..%u)", name ? name : "(null)", capacity,
			(unsigned)RTE_HASH_ENTRIES_MAX);
		rte_errno = EINVAL;
		return NULL;
	}
	if (strlen(name) > FDB_NAME_MAX) {
		FDB_LOG(ERR, "create %s: name longer than %d characters", name, FDB_NAME_MAX);
		rte_errno = ENAMETOOLONG;
		return NULL;
	}
	hash_entries = RTE_MAX(capacity, FDB_HASH_MIN_ENTRIES);
	n_slots = hash_entries + 1;

	before = fdb_heap_allocated();
	fdb = rte_zmalloc("fdb", sizeof(*fdb), RTE_CACHE_LINE_SIZE);
	if (fdb == NULL)
		goto nomem;
	fdb->entries = rte_zmalloc("fdb_entries", (size_t)n_slots * sizeof(struct fdb_entry), RTE_CACHE_LINE_SIZE);
	fdb->free_stack = rte_malloc("fdb_free", (size_t)n_slots * sizeof(uint32_t), RTE_CACHE_LINE_SIZE);
	fdb->state = rte_zmalloc("fdb_state", n_slots, RTE_CACHE_LINE_SIZE);
	fdb->n_hit_words = (n_slots + 63) / 64;
	fdb->hits = rte_zmalloc("fdb_hits", (size_t)fdb->n_hit_words * sizeof(uint64_t), RTE_CACHE_LINE_SIZE);
	if (fdb->entries == NULL || fdb->free_stack == NULL || fdb->state == NULL || fdb->hits == NULL)
		goto nomem;

	strcpy(fdb->name, name);
	fdb->qsbr = qsbr;
	fdb->capacity = capacity;
	fdb->hash_entries = hash_entries;
	fdb->n_slots = n_slots;
	fdb->st.capacity = capacity;
	/* index 0 on top, so a fresh table fills the array in order */
	for (uint32_t i = 0; i < n_slots; i++)
		fdb->free_stack[i] = n_slots - 1 - i;
	fdb->n_free = n_slots;

	hp.name = name;
	hp.entries = hash_entries;
	hp.key_len = sizeof(uint64_t);
	hp.hash_func = rte_hash_crc;
	hp.hash_func_init_val = 0;
	hp.socket_id = SOCKET_ID_ANY;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	rte_errno = 0;
	fdb->hash = rte_hash_create(&hp);
	if (fdb->hash == NULL) {
		int err = rte_errno ? rte_errno : ENOMEM;

		FDB_LOG(ERR, "create %s: rte_hash_create for %u entries failed: %s", name, hash_entries,
			rte_strerror(err));
		fdb_free_arrays(fdb);
		rte_errno = err;
		return NULL;
	}

	/* keys are one 64-bit word: compare them as such, not with memcmp */
	rte_hash_set_cmp_func(fdb->hash, fdb_key_equal);

	if (qsbr != NULL) {
		struct rte_hash_rcu_config rc = {0};

		/*
		 * Reclaim on every delete (trigger 0) whatever has passed its grace period,
		 * all of it at once (max_reclaim_size = queue size); the writer keeps the queue
		 * from overflowing (fdb_remove), so no deleted key is ever lost.
		 */
		fdb->dq_size = RTE_MIN(hash_entries, FDB_DQ_MAX);
		rc.v = qsbr;
		rc.mode = RTE_HASH_QSBR_MODE_DQ;
		rc.dq_size = fdb->dq_size;
		rc.trigger_reclaim_limit = 0;
		rc.max_reclaim_size = fdb->dq_size;
		rc.key_data_ptr = fdb;
		rc.free_key_data_func = fdb_reclaim_cb;
		rte_errno = 0;
		if (rte_hash_rcu_qsbr_add(fdb->hash, &rc) != 0) {
			int err = rte_errno ? rte_errno : ENOMEM;

			FDB_LOG(ERR, "create %s: rte_hash_rcu_qsbr_add failed: %s", name, rte_strerror(err));
			rte_hash_free(fdb->hash);
			fdb_free_arrays(fdb);
			rte_errno = err;
			return NULL;
		}
	}
	fdb->mem_bytes = fdb_heap_allocated() - before;
	return fdb;

nomem:
	FDB_LOG(ERR, "create %s: out of DPDK memory for %u entries", name, capacity);
	if (fdb)
		fdb_free_arrays(fdb);
	rte_errno = ENOMEM;
	return NULL;
}

void fdb_destroy(struct fdb *fdb)
{
	if (fdb == NULL)
		return;
	/*
	 * Let every deleted entry finish its grace period so that rte_hash_free can empty
	 * (and free) the defer queue. Readers must be offline or still reporting.
	 */
	if (fdb->qsbr != NULL && fdb->pending > 0)
		rte_rcu_qsbr_synchronize(fdb->qsbr, RTE_QSBR_THRID_INVALID);
	rte_hash_free(fdb->hash);
	if (fdb->pending > 0)
		FDB_LOG(ERR, "%s: destroyed with %u deleted entries not reclaimed", fdb->name, fdb->pending);
	fdb_free_arrays(fdb);
}

struct fdb_entry *fdb_lookup(const struct fdb *fdb, uint64_t key)
{
	void *data;

	if (rte_hash_lookup_data(fdb->hash, &key, &data) < 0)
		return NULL;
	return &fdb->entries[fdb_data_idx(data)];
}

/* n (<= 64) keys in rte_hash's bulk calls: each hit's data word in data[], the hit bitmask. */
static uint64_t fdb_bulk_data(const struct fdb *fdb, const uint64_t *keys, unsigned n, void **data)
{
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t mask = 0;

	for (unsigned base = 0; base < n; base += RTE_HASH_LOOKUP_BULK_MAX) {
		unsigned cnt = RTE_MIN(n - base, (unsigned)RTE_HASH_LOOKUP_BULK_MAX);
		uint64_t hits = 0;

		for (unsigned i = 0; i < cnt; i++)
			kp[i] = &keys[base + i];
		if (rte_hash_lookup_bulk_data(fdb->hash, kp, cnt, &hits, data + base) < 0)
			hits = 0;
		mask |= hits << base;
	}
	return mask;
}

uint64_t fdb_lookup_bulk(const struct fdb *fdb, const uint64_t *keys, unsigned n, struct fdb_entry **out)
{
	void *data[64];
	uint64_t mask;

	n = RTE_MIN(n, 64u); /* the mask has 64 bits */
	mask = fdb_bulk_data(fdb, keys, n, data);
	/* the caller reads (and touches) what was found next: start those cache misses now */
	for (unsigned i = 0; i < n; i++) {
		out[i] = ((mask >> i) & 1) ? &fdb->entries[fdb_data_idx(data[i])] : NULL;
		if (out[i])
			rte_prefetch0(out[i]);
	}
	return mask;
}

uint64_t fdb_lookup_bulk_ref(const struct fdb *fdb, const uint64_t *keys, unsigned n, struct fdb_ref *out)
{
	void *data[64];
	uint64_t mask;

	n = RTE_MIN(n, 64u);
	mask = fdb_bulk_data(fdb, keys, n, data);
	for (unsigned i = 0; i < n; i++) {
		bool hit = (mask >> i) & 1;

		out[i].idx = hit ? fdb_data_idx(data[i]) : FDB_REF_NONE;
		out[i].dest = hit ? fdb_data_dest(data[i]) : 0;
	}
	return mask;
}

uint64_t *fdb_hit_bits(const struct fdb *fdb)
{
	return fdb->hits;
}

uint32_t fdb_flags_at(const struct fdb *fdb, uint32_t idx)
{
	return idx < fdb->n_slots ? __atomic_load_n(&fdb->entries[idx].flags, __ATOMIC_RELAXED) : 0;
}

/* Writer side: what the fast path saw since the last fold becomes last_seen = now. */
void fdb_refresh(struct fdb *fdb, uint64_t now)
{
	for (uint32_t w = 0; w < fdb->n_hit_words; w++) {
		uint64_t bits;

		if (__atomic_load_n(&fdb->hits[w], __ATOMIC_RELAXED) == 0)
			continue;
		bits = __atomic_exchange_n(&fdb->hits[w], 0, __ATOMIC_RELAXED);
		while (bits) {
			uint32_t idx = w * 64 + (uint32_t)__builtin_ctzll(bits);
			struct fdb_entry *e = &fdb->entries[idx];

			bits &= bits - 1;
			if (idx < fdb->n_slots && fdb->state[idx] == FDB_SLOT_LIVE && now > e->last_seen)
				__atomic_store_n(&e->last_seen, now, __ATOMIC_RELAXED);
		}
	}
}

/* Writer side: the entry index of key, or -1; sig: the key's hash, computed once for the add that may follow. */
static int64_t fdb_find(const struct fdb *fdb, uint64_t key, hash_sig_t *sig)
{
	void *data;

	*sig = rte_hash_hash(fdb->hash, &key);
	if (rte_hash_lookup_with_hash_data(fdb->hash, &key, *sig, &data) < 0)
		return -1;
	return (int64_t)fdb_data_idx(data);
}

void fdb_prefetch(const struct fdb *fdb, const uint64_t *keys, unsigned n)
{
	void *data[64];

	(void)fdb_bulk_data(fdb, keys, RTE_MIN(n, 64u), data);
}

/* Writer side: tell the hash (and so the fast path) that the entry at idx now goes to dest. */
static void fdb_publish_dest(struct fdb *fdb, uint32_t idx, uint32_t dest)
{
	struct fdb_entry *e = &fdb->entries[idx];
	int ret;

	fdb_account(fdb, e->key, e->dest, e->flags, -1);
	fdb_account(fdb, e->key, dest, e->flags, 1);
	__atomic_store_n(&e->dest, dest, __ATOMIC_RELAXED);
	ret = rte_hash_add_key_data(fdb->hash, &e->key, fdb_data(idx, dest));   /* updates in place */
	if (ret < 0)
		FDB_LOG(ERR, "%s: entry %u (key %016llx): rte_hash_add_key_data: %s", fdb->name, idx,
			(unsigned long long)e->key, rte_strerror(-ret));
}

static int fdb_insert(struct fdb *fdb, uint64_t key, hash_sig_t sig, uint32_t dest, uint32_t flags, uint64_t now)
{
	struct fdb_entry *e;
	uint32_t idx;
	int ret;

	if (fdb->live + fdb->pending >= fdb->capacity) {
		/*
		 * Full, counting deleted entries still in their grace period. When the hash
		 * has exactly our capacity its key slots are exhausted too, and its add
		 * reclaims the expired ones from the defer queue itself: let it try. (A table
		 * smaller than FDB_HASH_MIN_ENTRIES reclaims at the next delete instead.)
		 */
		if (fdb->pending == 0 || fdb->hash_entries != fdb->capacity) {
			fdb->st.full++;
			return ENOSPC;
		}
	}
	if (fdb->n_free == 0) {
		/* cannot happen: n_slots exceeds what the hash can hold by one */
		FDB_LOG(ERR, "%s: no free entry with %u live and %u pending", fdb->name, fdb->live, fdb->pending);
		fdb->st.full++;
		return ENOSPC;
	}
	idx = fdb->free_stack[--fdb->n_free];
	e = &fdb->entries[idx];
	/* not visible to readers until the hash publishes the index (release store) */
	e->key = key;
	e->dest = dest;
	e->flags = flags;
	e->last_seen = now;
	e->moves = 0;
	e->pad = 0;
	fdb->state[idx] = FDB_SLOT_LIVE;
	__atomic_fetch_and(&fdb->hits[idx / 64], ~(1ull << (idx % 64)), __ATOMIC_RELAXED);
	ret = rte_hash_add_key_with_hash_data(fdb->hash, &key, sig, fdb_data(idx, dest));
	if (ret < 0) {
		fdb->state[idx] = FDB_SLOT_FREE;
		fdb->free_stack[fdb->n_free++] = idx;
		fdb->st.full += (ret == -ENOSPC);
		if (ret != -ENOSPC)
			FDB_LOG(ERR, "%s: rte_hash_add_key_data: %s", fdb->name, rte_strerror(-ret));
		return -ret;
	}
	fdb->live++;
	fdb_account(fdb, key, dest, flags, 1);
	return 0;
}

/* Remove the live entry at idx from the hash; its index is reused after the grace period. */
static void fdb_remove(struct fdb *fdb, uint32_t idx)
{
	uint64_t key = fdb->entries[idx].key;
	int32_t pos;

	if (fdb->remove_cb)
		fdb->remove_cb(&fdb->entries[idx], fdb->remove_arg);
	fdb_account(fdb, key, fdb->entries[idx].dest, fdb->entries[idx].flags, -1);

	if (fdb->qsbr != NULL) {
		/*
		 * The defer queue holds dq_size entries. When it is that full, wait until
		 * every reader has passed a quiescent state: the enqueue in the delete below
		 * then reclaims all of them first.
		 */
		if (fdb->pending >= fdb->dq_size)
			rte_rcu_qsbr_synchronize(fdb->qsbr, RTE_QSBR_THRID_INVALID);
		fdb->state[idx] = FDB_SLOT_PENDING;
		fdb->pending++;
		fdb->live--;
		pos = rte_hash_del_key(fdb->hash, &key);
		if (pos < 0) {
			/* bookkeeping and hash disagree: keep the index out of use rather than risk reuse */
			FDB_LOG(ERR, "%s: entry %u (key %016llx) missing from the hash", fdb->name, idx,
				(unsigned long long)key);
		}
		return;
	}
	pos = rte_hash_del_key(fdb->hash, &key);
	if (pos < 0) {
		FDB_LOG(ERR, "%s: entry %u (key %016llx) missing from the hash", fdb->name, idx,
			(unsigned long long)key);
		fdb->state[idx] = FDB_SLOT_PENDING; /* leaked, never reused */
		fdb->pending++;
		fdb->live--;
		return;
	}
	/* lock-free mode never frees key slots on delete by itself */
	rte_hash_free_key_with_position(fdb->hash, pos);
	fdb->state[idx] = FDB_SLOT_FREE;
	fdb->free_stack[fdb->n_free++] = idx;
	fdb->live--;
}

int fdb_learn(struct fdb *fdb, uint64_t key, uint32_t dest, uint64_t now, bool *moved)
{
	hash_sig_t sig;
	int64_t idx = fdb_find(fdb, key, &sig);
	struct fdb_entry *e;
	int ret;

	if (moved)
		*moved = false;
	if (idx < 0) {
		ret = fdb_insert(fdb, key, sig, dest, 0, now);
		if (ret == 0)
			fdb->st.learned++;
		return ret;
	}
	e = &fdb->entries[idx];
	if (e->flags & FDB_F_PINNED) {
		if (e->dest == dest)
			return 0; /* seen where it was configured: nothing to learn */
		fdb->st.static_conflicts += (e->flags & FDB_F_STATIC) != 0;
		fdb->st.move_refused++;
		return EEXIST;
	}
	if (now > __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED))
		__atomic_store_n(&e->last_seen, now, __ATOMIC_RELAXED);
	if (e->dest != dest) {
		if (e->flags & FDB_F_CP) {
			/* learned elsewhere: no longer the control plane's (nor an anchor of its VTEP) */
			fdb_account(fdb, key, e->dest, e->flags, -1);
			__atomic_store_n(&e->flags, e->flags & ~FDB_F_CP, __ATOMIC_RELAXED);
			fdb_account(fdb, key, e->dest, e->flags, 1);
		}
		fdb_publish_dest(fdb, (uint32_t)idx, dest);
		e->moves++;
		fdb->st.moves++;
		if (moved)
			*moved = true;
	}
	return 0;
}

int fdb_install_prev(struct fdb *fdb, uint64_t key, uint32_t dest, uint32_t flags, uint32_t *prev_dest)
{
	hash_sig_t sig;
	int64_t idx = fdb_find(fdb, key, &sig);
	struct fdb_entry *e;

	*prev_dest = idx < 0 ? FDB_DEST_NONE : fdb->entries[idx].dest;
	if (fdb_anchor_prepare(fdb, key, dest, flags))
		return ENOMEM;
	if (idx < 0)
		return fdb_insert(fdb, key, sig, dest, flags, 0);
	e = &fdb->entries[idx];
	if (e->flags != flags) {
		fdb_account(fdb, key, e->dest, e->flags, -1);
		__atomic_store_n(&e->flags, flags, __ATOMIC_RELAXED);
		fdb_account(fdb, key, e->dest, flags, 1);
	}
	if (e->dest != dest) {
		fdb_publish_dest(fdb, (uint32_t)idx, dest);
		e->moves++;
		fdb->st.moves++;
	}
	return 0;
}

int fdb_install(struct fdb *fdb, uint64_t key, uint32_t dest, uint32_t flags)
{
	uint32_t prev;

	return fdb_install_prev(fdb, key, dest, flags, &prev);
}

int fdb_add_static(struct fdb *fdb, uint64_t key, uint32_t dest)
{
	return fdb_install(fdb, key, dest, FDB_F_STATIC);
}

void fdb_set_remove_cb(struct fdb *fdb, fdb_remove_cb cb, void *arg)
{
	fdb->remove_cb = cb;
	fdb->remove_arg = arg;
}

int fdb_delete(struct fdb *fdb, uint64_t key)
{
	hash_sig_t sig;
	int64_t idx = fdb_find(fdb, key, &sig);

	if (idx < 0)
		return ENOENT;
	fdb_remove(fdb, (uint32_t)idx);
	return 0;
}

uint32_t fdb_age(struct fdb *fdb, uint64_t now, uint64_t max_age)
{
	uint32_t n = 0;

	fdb_refresh(fdb, now);
	if (max_age == 0)
		return 0; /* aging disabled */
	for (uint32_t i = 0; i < fdb->n_slots; i++) {
		const struct fdb_entry *e = &fdb->entries[i];
		uint64_t seen;

		if (fdb->state[i] != FDB_SLOT_LIVE || (e->flags & (FDB_F_STATIC | FDB_F_CP | FDB_F_PORT)))
			continue;
		seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
		if (now >= seen && now - seen >= max_age) {
			fdb_remove(fdb, i);
			n++;
		}
	}
	fdb->st.aged += n;
	return n;
}

uint32_t fdb_flush_dest(struct fdb *fdb, uint32_t dest, bool with_static)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < fdb->n_slots; i++) {
		const struct fdb_entry *e = &fdb->entries[i];

		if (fdb->state[i] != FDB_SLOT_LIVE || e->dest != dest || (!with_static && (e->flags & FDB_F_STATIC)))
			continue;
		fdb_remove(fdb, i);
		n++;
	}
	return n;
}

uint32_t fdb_flush_vni(struct fdb *fdb, uint16_t vni_idx)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < fdb->n_slots; i++) {
		if (fdb->state[i] != FDB_SLOT_LIVE || fdb_key_vni_idx(fdb->entries[i].key) != vni_idx)
			continue;
		fdb_remove(fdb, i);
		n++;
	}
	return n;
}

void fdb_walk(const struct fdb *fdb, fdb_walk_cb cb, void *arg)
{
	for (uint32_t i = 0; i < fdb->n_slots; i++) {
		if (fdb->state[i] == FDB_SLOT_LIVE && cb(&fdb->entries[i], arg) != 0)
			return;
	}
}

uint32_t fdb_vtep_entries(const struct fdb *fdb, uint32_t vtep_id)
{
	return vtep_id < FDB_N_VTEPS ? fdb->vtep_refs[vtep_id] : 0;
}

uint32_t fdb_port_entries(const struct fdb *fdb, uint32_t slot)
{
	return slot < FDB_N_PORTS ? fdb->port_refs[slot] : 0;
}

uint32_t fdb_vni_entries(const struct fdb *fdb, uint16_t vni_idx)
{
	return vni_idx < FDB_N_VNIS ? fdb->vni_refs[vni_idx] : 0;
}

bool fdb_vtep_anchored(const struct fdb *fdb, uint16_t vni_idx, uint32_t vtep_id)
{
	return vni_idx < FDB_N_VNIS && vtep_id < FDB_N_VTEPS && fdb->anchors[vni_idx] && fdb->anchors[vni_idx][vtep_id];
}

const uint32_t *fdb_vni_anchors(const struct fdb *fdb, uint16_t vni_idx)
{
	return vni_idx < FDB_N_VNIS ? fdb->anchors[vni_idx] : NULL;
}

uint64_t fdb_anchor_generation(const struct fdb *fdb)
{
	return fdb->anchor_gen;
}

bool fdb_walk_from(const struct fdb *fdb, uint32_t *pos, uint32_t budget, fdb_walk_cb cb, void *arg)
{
	uint32_t i = *pos;

	for (; i < fdb->n_slots && budget; i++, budget--) {
		if (fdb->state[i] == FDB_SLOT_LIVE && cb(&fdb->entries[i], arg) != 0) {
			i++;
			break;
		}
	}
	*pos = i;
	return i >= fdb->n_slots;
}

void fdb_get_stats(const struct fdb *fdb, struct fdb_stats *st)
{
	*st = fdb->st;
	st->entries = fdb->live;
	st->capacity = fdb->capacity;
}

uint64_t fdb_memory_bytes(const struct fdb *fdb)
{
	return fdb->mem_bytes;
}
