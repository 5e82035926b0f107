/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fdb.h: the MAC table of every VNI, one rte_hash keyed by (VNI index, MAC).
 *
 * Concurrency: exactly one writer (the control thread) and any number of fast-path
 * readers that never lock. The hash runs in lock-free read/write mode; deleted keys
 * and entries are reclaimed through an RCU QSBR variable that every reader reports
 * quiescent states on. The fast path never touches the entries: its lookups get each
 * entry's index and destination from the hash itself, and it marks what it saw in a bit
 * per entry, which the writer folds into last_seen (fdb_refresh, fdb_age). It posts learn
 * events to the control thread, which calls fdb_learn().
 */
#ifndef VTEP_FDB_H
#define VTEP_FDB_H

#include <stdbool.h>
#include <stdint.h>

struct rte_rcu_qsbr;
struct fdb;

/* Destination of an entry: a local port slot, or a remote VTEP id with FDB_DEST_VTEP set. */
#define FDB_DEST_VTEP 0x80000000u
#define FDB_DEST_ID_MASK 0x7fffffffu
static inline uint32_t fdb_dest_port(uint32_t slot) { return slot; }
static inline uint32_t fdb_dest_vtep(uint32_t vtep_id) { return vtep_id | FDB_DEST_VTEP; }
static inline bool fdb_dest_is_vtep(uint32_t dest) { return (dest & FDB_DEST_VTEP) != 0; }
static inline uint32_t fdb_dest_id(uint32_t dest) { return dest & FDB_DEST_ID_MASK; }

#define FDB_F_STATIC 0x1u
#define FDB_F_CP 0x2u               /* installed by the control plane (EVPN): never ages; local learning may move it */
#define FDB_F_PORT 0x4u             /* a container port's own MAC (attached with it): never ages, never moves by
				       learning (a frame from elsewhere with this source is not learned); goes with the port */
/* Entries whose destination no learned frame may take (counted fdb.move_refused). */
#define FDB_F_PINNED (FDB_F_STATIC | FDB_F_PORT)

struct fdb_entry {
	uint64_t key;               /* fdb_key() */
	uint32_t dest;              /* written by the writer, read by the fast path (atomically) */
	uint32_t flags;             /* FDB_F_* */
	uint64_t last_seen;         /* seconds (caller's clock); refreshed by the fast path */
	uint32_t moves;             /* times this MAC changed destination */
	uint32_t pad;
};

/* (vni index, MAC) packed in 64 bits: MAC in the low 48, index in the high 16. */
static inline uint64_t fdb_key(uint16_t vni_idx, const uint8_t mac[6])
{
	return ((uint64_t)vni_idx << 48) | ((uint64_t)mac[0] << 40) | ((uint64_t)mac[1] << 32) |
	       ((uint64_t)mac[2] << 24) | ((uint64_t)mac[3] << 16) | ((uint64_t)mac[4] << 8) | (uint64_t)mac[5];
}
static inline uint16_t fdb_key_vni_idx(uint64_t key) { return (uint16_t)(key >> 48); }
static inline void fdb_key_mac(uint64_t key, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(key >> (40 - 8 * i));
}

struct fdb_stats {
	uint64_t entries;
	uint64_t capacity;
	uint64_t learned;           /* new dynamic entries */
	uint64_t moves;             /* entries whose destination changed: learned or installed (EVPN, attach) */
	uint64_t static_conflicts;  /* learn attempts against a static entry (refused) */
	uint64_t move_refused;      /* learn attempts that would move a pinned entry (static or a port's own MAC) */
	uint64_t full;              /* learn/add refused because the table was full */
	uint64_t aged;              /* removed by aging */
};

/*
 * Create a table for capacity entries. qsbr: the RCU variable the fast-path readers report
 * on (may be NULL in single-threaded use, e.g. tests). name must be unique per process.
 * Returns NULL and sets rte_errno on failure.
 */
struct fdb *fdb_create(const char *name, uint32_t capacity, struct rte_rcu_qsbr *qsbr);
void fdb_destroy(struct fdb *fdb);

/* Returns the entry or NULL. Entries stay valid until the reader's next quiescent state. */
struct fdb_entry *fdb_lookup(const struct fdb *fdb, uint64_t key);
/* Bulk form: looks up n (<= 64) keys, fills out[i] (NULL on miss), returns the hit bitmask. */
uint64_t fdb_lookup_bulk(const struct fdb *fdb, const uint64_t *keys, unsigned n, struct fdb_entry **out);
/*
 * The fast path's lookup: per key its entry's index and destination (idx FDB_REF_NONE when
 * absent), from the hash alone. Returns the bitmask of hits. n <= 64.
 */
#define FDB_REF_NONE UINT32_MAX
struct fdb_ref {
	uint32_t idx;
	uint32_t dest;
};
uint64_t fdb_lookup_bulk_ref(const struct fdb *fdb, const uint64_t *keys, unsigned n, struct fdb_ref *out);
/* The fast path's "seen" bits (one per entry index), and marking one. */
uint64_t *fdb_hit_bits(const struct fdb *fdb);
static inline void fdb_hit_mark(uint64_t *hits, uint32_t idx)
{
	uint64_t bit = 1ull << (idx % 64);

	if (!(__atomic_load_n(&hits[idx / 64], __ATOMIC_RELAXED) & bit))
		__atomic_fetch_or(&hits[idx / 64], bit, __ATOMIC_RELAXED);
}
/* An entry's flags by index (the fast path's rare question: is it static?). */
uint32_t fdb_flags_at(const struct fdb *fdb, uint32_t idx);

/* Note that the entry was seen at now (only stores when the second changed); writer side and tests. */
static inline void fdb_entry_touch(struct fdb_entry *e, uint64_t now)
{
	if (__atomic_load_n(&e->last_seen, __ATOMIC_RELAXED) != now)
		__atomic_store_n(&e->last_seen, now, __ATOMIC_RELAXED);
}
static inline uint32_t fdb_entry_dest(const struct fdb_entry *e)
{
	return __atomic_load_n(&e->dest, __ATOMIC_RELAXED);
}

/*
 * Writer side (control thread only). All return 0 or a positive errno:
 * ENOSPC table full (counted), EEXIST static entry or a port's own MAC in the way (counted, learn
 * only), ENOENT no such entry (delete), ENOMEM (install: no memory to count an anchored entry).
 * fdb_learn: add a dynamic entry or move an existing dynamic one; *moved says whether it moved.
 */
int fdb_learn(struct fdb *fdb, uint64_t key, uint32_t dest, uint64_t now, bool *moved);
/* Add or replace a static entry (never ages, never moves by learning). */
int fdb_add_static(struct fdb *fdb, uint64_t key, uint32_t dest);
/* Add or replace an entry with the given flags (FDB_F_STATIC, FDB_F_CP, FDB_F_PORT): the general form.
 * A change of destination counts as a move (fdb_stats.moves). */
int fdb_install(struct fdb *fdb, uint64_t key, uint32_t dest, uint32_t flags);
/* The same, and *prev_dest: the entry's destination before, FDB_DEST_NONE when there was none. */
#define FDB_DEST_NONE UINT32_MAX
int fdb_install_prev(struct fdb *fdb, uint64_t key, uint32_t dest, uint32_t flags, uint32_t *prev_dest);
/* Writer side: bring the hash buckets of n (<= 64) keys about to be installed into the cache. */
void fdb_prefetch(const struct fdb *fdb, const uint64_t *keys, unsigned n);
/* Called (writer side) for every entry about to be removed: aged, flushed or deleted. */
typedef void (*fdb_remove_cb)(const struct fdb_entry *e, void *arg);
void fdb_set_remove_cb(struct fdb *fdb, fdb_remove_cb cb, void *arg);
int fdb_delete(struct fdb *fdb, uint64_t key);
/* Fold the fast path's seen bits into last_seen (= now); fdb_age does it first. */
void fdb_refresh(struct fdb *fdb, uint64_t now);
/* Remove dynamic entries not seen for max_age seconds (0: none). Returns how many were removed. */
uint32_t fdb_age(struct fdb *fdb, uint64_t now, uint64_t max_age);
/* Remove every entry (static ones too when with_static) pointing at dest. Returns the count. */
uint32_t fdb_flush_dest(struct fdb *fdb, uint32_t dest, bool with_static);
/* Remove every entry of one VNI index. Returns the count. */
uint32_t fdb_flush_vni(struct fdb *fdb, uint16_t vni_idx);

/*
 * What points where (writer side, kept as entries come, go and move; ids beyond the daemon's
 * limits of vtep_config.h are not counted): entries per remote VTEP id, per port slot, per VNI
 * index, and per (VNI index, VTEP id) the entries a VTEP holds for the control plane or the
 * configuration (FDB_F_CP, FDB_F_STATIC: "anchored", the VTEP is known in that VNI).
 * fdb_anchor_generation() changes whenever a (VNI, VTEP) pair gains its first anchored entry or
 * loses its last one.
 */
uint32_t fdb_vtep_entries(const struct fdb *fdb, uint32_t vtep_id);
uint32_t fdb_port_entries(const struct fdb *fdb, uint32_t slot);
uint32_t fdb_vni_entries(const struct fdb *fdb, uint16_t vni_idx);
bool fdb_vtep_anchored(const struct fdb *fdb, uint16_t vni_idx, uint32_t vtep_id);
/* The anchored entries of a VNI per VTEP id (VTEP_MAX_VTEPS of them), NULL when it never had any. */
const uint32_t *fdb_vni_anchors(const struct fdb *fdb, uint16_t vni_idx);
uint64_t fdb_anchor_generation(const struct fdb *fdb);

/* Visit every entry (writer side); stop early when cb returns non-zero. */
typedef int (*fdb_walk_cb)(const struct fdb_entry *e, void *arg);
void fdb_walk(const struct fdb *fdb, fdb_walk_cb cb, void *arg);
/*
 * Resumable walk for large listings: visits at most budget slots from *pos on (cb as for
 * fdb_walk) and leaves *pos at the next slot to visit. Positions are table slots, so entries
 * added or removed between calls are seen or not, but the others are each seen once.
 * Returns true when the end of the table was reached.
 */
bool fdb_walk_from(const struct fdb *fdb, uint32_t *pos, uint32_t budget, fdb_walk_cb cb, void *arg);

void fdb_get_stats(const struct fdb *fdb, struct fdb_stats *st);
/* Bytes of memory the table holds (hash + entries), for the memory budget. */
uint64_t fdb_memory_bytes(const struct fdb *fdb);

#endif
