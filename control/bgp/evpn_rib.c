/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * evpn_rib.c: the EVPN routing table of the leaf (see evpn_rib.h).
 *
 * Six tables, all chained hash maps that grow by doubling (sized up front from
 * evpn_rib_config.expected_routes, so that a full table is never rehashed on the way; large
 * bucket arrays and the entries' pools in huge pages when the system has them, see objpool.h):
 *  - routes: one per EVPN route key (RD, tag, MAC/IP or originator), holding one path
 *    per peer; the first path lives inside the route (one allocation per route in the
 *    common single-path case, from a pool: objpool.c);
 *  - macs: one per (VNI, MAC), where MAC mobility is decided between our local MAC and the
 *    best remote route of any RD;
 *  - vteps: one per (VNI, VTEP) with a count of the type-3 routes that put it in the flood
 *    list;
 *  - route-target sets: every distinct list of RTs a path carries, shared (reference
 *    counted) by all the paths with that list, which is usually all paths of an UPDATE;
 *  - remote IPs: one per (VNI, IPv4 address) announced in imported MAC+IP routes, with the
 *    MACs announcing it (several routes can: a MAC that moves between VTEPs has two for a
 *    while, an address taken over by a new MAC too), so the daemon's ARP table holds the
 *    newest binding until the last route goes, never losing it to the older route's withdrawal;
 *  - L3 prefixes: one per (IP-VRF, prefix) with the usable type-5 and MAC+IP routes imported
 *    there (several RDs, several leaves), whose best is pushed out through ops.l3_route.
 * Every key comes from BGP peers, so the maps hash with a universal hash under random
 * multipliers per RIB (multiply-add-shift over 64-bit words, see rib_hash_words): a peer
 * that cannot see the hashes cannot choose routes that pile up in one chain.
 * An UPDATE's NLRIs are processed in batches whose hash buckets are prefetched first.
 * Every decision is pushed out through the ops callbacks as it happens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "evpn_rib.h"
#include "hugemem.h"
#include "objpool.h"

#define RIB_NO_VNI UINT16_MAX
#define RIB_MAX_VNIS 4096

#define RIB_BATCH 32              /* NLRIs whose buckets are prefetched together */
#define RIB_MAP_MIN 1024
#define RIB_MAP_MAX (1u << 24)    /* buckets sized up front at most */

/* A list of route targets, shared by every path that carries exactly this list. */
struct rib_rts {
	struct rib_rts *hnext;
	uint64_t hash;
	uint32_t refs;
	uint8_t n;
	uint64_t rt[];
};

struct rib_path {
	struct rib_path *next;
	struct rib_rts *rts;         /* never NULL */
	uint32_t peer;
	uint32_t nexthop;
	uint32_t seq;
	uint32_t local_pref;
	bool sticky, stale;
	uint8_t rmac[6];             /* the router's MAC community, zero when none */
};

struct rib_route {
	struct rib_route *hnext;
	uint64_t hash;
	struct evpn_route nlri;
	uint16_t vni_idx;            /* where the best path is imported (RIB_NO_VNI: nowhere) */
	struct rib_path *paths;
	struct rib_path *best;
	uint32_t flood_vtep;         /* type 3: the VTEP this route put into vni_idx's flood list */
	uint32_t import_vni;         /* the VNI the last UPDATE named (type 2: label, type 3: PMSI label or tag) */
	struct rib_mac *mac;         /* type 2: the MAC entry this route counts for ... */
	struct rib_route *mac_next;  /* ... and the next route of that MAC */
	uint16_t ip_vni;             /* type 2 with IPv4: the VNI its address was announced in, or RIB_NO_VNI */
	struct rib_l3 *l3;           /* types 2 (with an IP) and 5: the VRF prefix this route is imported into ... */
	struct rib_route *l3_next;   /* ... and the next route there */
	bool first_used;             /* first is on the paths list */
	bool import_ebgp;            /* ... and it came from an eBGP peer (the auto RT match, evpn_rib_vni_start) */
	struct rib_path first;       /* the first path, without an allocation of its own */
};

/*
 * A local MAC's IPv6 addresses: a host has several (a stable and a temporary one, RFC 8981),
 * and each of its solicitations may come from another, so keeping one would flap the route.
 * At most RIB_MAX_IP6 per MAC: a new one past that replaces the oldest.
 */
#define RIB_MAX_IP6 4
struct rib_ip6s {
	uint8_t n, next;             /* how many; the oldest (the next replaced) when full */
	uint8_t a[RIB_MAX_IP6][16];
};

struct rib_mac {
	struct rib_mac *hnext;
	uint64_t key;                /* vni index << 48 | MAC */
	uint32_t n_routes;           /* remote type-2 routes of this MAC (any RD, any IP) ... */
	struct rib_route *routes;    /* ... linked through mac_next */
	bool local, local_sticky, advertised, frozen;
	uint32_t local_seq, local_ip;
	uint32_t adv_seq;            /* sequence of what we last advertised */
	uint32_t installed_vtep;     /* what the dataplane was last told, 0: nothing remote */
	uint32_t moves;
	uint32_t *move_times;        /* the last dup_max_moves moves (seconds), allocated at the first move */
	struct rib_ip6s *local_ip6;  /* its IPv6 bindings (from neighbour discovery), allocated at the first */
};

struct rib_flood {
	struct rib_flood *hnext;
	uint64_t key;                /* vni index << 32 | VTEP */
	uint32_t refs;
};

struct rib_ip_mac {
	uint8_t mac[6];
	uint32_t refs;               /* imported MAC+IP routes announcing this MAC with the address */
};

struct rib_ip {
	struct rib_ip *hnext;
	uint64_t key;                /* vni index << 32 | IPv4 address (network order) */
	uint32_t n, cap;             /* MACs announcing the address, oldest first */
	struct rib_ip_mac *macs;     /* &one while cap is 1: one MAC needs no allocation of its own */
	struct rib_ip_mac one;
	uint8_t bound[6];            /* the MAC the daemon was last given (the newest) */
	bool announced;              /* bound is set */
};

/* One prefix of an IP-VRF and the usable routes imported there. */
struct rib_l3 {
	struct rib_l3 *hnext;
	uint64_t hash;
	uint32_t l3vni;
	uint8_t ip_len, plen;
	uint8_t prefix[16];
	struct rib_route *routes;    /* linked through l3_next */
	bool installed;              /* out is what the daemon was last told */
	struct evpn_rib_l3 out;
};

struct rib_vni {
	bool active;
	uint32_t vni;
	uint8_t rd[8];
	uint8_t n_import, n_export;
	uint64_t import[EVPN_RIB_MAX_RT], export[EVPN_RIB_MAX_RT];
	bool auto_import;
};

/*
 * The hash's random multipliers (derived from evpn_rib_config.hash_key, random per RIB: keys
 * come from peers): one per 64-bit word of the longest key, a route-target list (its length
 * and EVPN_RIB_MAX_RT targets), and the added constant.
 */
__extension__ typedef unsigned __int128 rib_u128;
#define RIB_HASH_WORDS (1 + EVPN_RIB_MAX_RT)
struct rib_hkey {
	rib_u128 b;
	rib_u128 a[RIB_HASH_WORDS];
};

struct rib_map {
	void **buckets;
	size_t n_buckets, n;
	size_t mapped;               /* the buckets' bytes when they are a huge-page mapping, else 0 (calloc) */
	const struct rib_hkey *hk;   /* the RIB's */
};

struct evpn_rib {
	struct rib_hkey hk;              /* first: 16-byte aligned, as calloc gives */
	struct evpn_rib_config cfg;
	struct evpn_rib_ops ops;
	void *ctx;
	struct rib_vni vnis[RIB_MAX_VNIS];
	uint16_t active[RIB_MAX_VNIS];   /* indexes of the configured VNIs */
	uint16_t n_active;
	struct rib_map routes, macs, floods, rtsets, ips, l3s;
	struct evpn_rib_vrf *vrfs;       /* the IP-VRFs (evpn_rib_set_vrfs) */
	size_t n_vrfs;
	struct objpool route_pool, mac_pool, l3_pool, ip_pool;   /* struct rib_route, rib_mac, rib_l3, rib_ip */
	uint64_t n_stale;                /* stale paths, all peers */
	struct evpn_rib_stats st;
};

/* ---- hashing (keyed) and the maps ---- */

/*
 * SipHash-1-3 (Aumasson and Bernstein): here only a pseudo-random function, to derive the
 * hash's multipliers from the RIB's 128-bit key (rib_hkey_init) and to make a key without
 * getrandom. Words are read in host order: nothing hashed here leaves the process.
 */
#define RIB_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define RIB_SIPROUND                                                                               \
	do {                                                                                       \
		v0 += v1; v1 = RIB_ROTL(v1, 13); v1 ^= v0; v0 = RIB_ROTL(v0, 32);                  \
		v2 += v3; v3 = RIB_ROTL(v3, 16); v3 ^= v2;                                         \
		v0 += v3; v3 = RIB_ROTL(v3, 21); v3 ^= v0;                                         \
		v2 += v1; v1 = RIB_ROTL(v1, 17); v1 ^= v2; v2 = RIB_ROTL(v2, 32);                  \
	} while (0)

static uint64_t rib_siphash(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v0 = key[0] ^ 0x736f6d6570736575ULL, v1 = key[1] ^ 0x646f72616e646f6dULL;
	uint64_t v2 = key[0] ^ 0x6c7967656e657261ULL, v3 = key[1] ^ 0x7465646279746573ULL;
	uint64_t m, last = (uint64_t)len << 56;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, 8);
		v3 ^= m;
		RIB_SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		last |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= last;
	RIB_SIPROUND;
	v0 ^= last;
	v2 ^= 0xff;
	RIB_SIPROUND;
	RIB_SIPROUND;
	RIB_SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The multipliers of key: SipHash of their index, 128 bits each. */
static void rib_hkey_init(struct rib_hkey *hk, const uint64_t key[2])
{
	uint64_t w[2 * (RIB_HASH_WORDS + 1)];

	for (uint64_t i = 0; i < 2 * (RIB_HASH_WORDS + 1); i++)
		w[i] = rib_siphash(key, &i, sizeof(i));
	hk->b = (rib_u128)w[0] << 64 | w[1];
	for (size_t i = 0; i < RIB_HASH_WORDS; i++)
		hk->a[i] = (rib_u128)w[2 + 2 * i] << 64 | w[3 + 2 * i];
}

/*
 * The hash of a key of n 64-bit words (n <= RIB_HASH_WORDS): bits 64 to 127 of
 * (b + a[0] w[0] + ... + a[n-1] w[n-1]) mod 2^128, with the RIB's random 128-bit a[i] and b.
 * Its low l bits, the bucket of a table of 2^l (l <= 64), are Dietzfelbinger's
 * multiply-add-shift ((A.w + b) mod 2^(64+l)) div 2^64, strongly universal (Dietzfelbinger
 * 1996; Thorup, "High speed hashing for integers and strings", the vector form): any two
 * different keys of one length share a bucket with probability 2^-l over the multipliers,
 * whatever the keys, so routes a peer picks without seeing the hashes spread like random
 * ones, as under SipHash, for a few multiplications per key instead of SipHash's rounds.
 * Every key of one table has the same number of words, or its length in the first word.
 */
static uint64_t rib_hash_words(const struct rib_hkey *hk, const uint64_t *w, size_t n)
{
	rib_u128 acc = hk->b;

	for (size_t i = 0; i < n; i++)
		acc += hk->a[i] * w[i];
	return (uint64_t)(acc >> 64);
}

static uint64_t rib_hash_u64(const struct rib_map *m, uint64_t k)
{
	return (uint64_t)((m->hk->b + m->hk->a[0] * k) >> 64);
}

/*
 * The n (<= 8) bytes at p as one word, loaded straight into a register: a word written to
 * memory in parts (a memcpy of 4 or 6 bytes into a zeroed array) and read back whole cannot
 * be forwarded from the store buffer and stalls the load for a dozen cycles or more.
 */
static inline uint64_t rib_word(const uint8_t *p, size_t n)
{
	uint64_t w = 0;
	uint32_t lo;
	uint16_t hi;

	switch (n) {
	case 8:
		memcpy(&w, p, 8);
		return w;
	case 6:
		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 2);
		return lo | (uint64_t)hi << 32;
	case 4:
		memcpy(&lo, p, 4);
		return lo;
	default:
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)p[i] << (8 * i);
		return w;
	}
}

/*
 * A route's key (what evpn_route_same_key compares) in five words: type, IP length, prefix
 * length (type 5) and tag; RD; MAC (type 2); the IP's bytes (ip_len / 8 of them, at most 16).
 */
static uint64_t rib_route_hash(const struct evpn_rib *rib, const struct evpn_route *r)
{
	size_t ipn = r->ip_len / 8u <= 16 ? r->ip_len / 8u : 16;
	uint64_t w[5];

	w[0] = (uint64_t)r->type | (uint64_t)r->ip_len << 8 | (uint64_t)r->eth_tag << 32;
	if (r->type == EVPN_RT_IP_PREFIX)
		w[0] |= (uint64_t)r->prefix_len << 16;
	w[1] = rib_word(r->rd, 8);
	w[2] = r->type == EVPN_RT_MAC_IP ? rib_word(r->mac, 6) : 0;
	w[3] = rib_word(r->ip, ipn < 8 ? ipn : 8);
	w[4] = ipn > 8 ? rib_word(r->ip + 8, ipn - 8) : 0;
	return rib_hash_words(&rib->hk, w, 5);
}

/* Every entry type starts with its chain pointer. */
struct rib_node {
	struct rib_node *hnext;
};

/*
 * Zeroed bucket arrays; from 1 MiB up mapped by hugemem (huge pages while the pool has room).
 * *mapped: the mapping's bytes, or 0 for calloc.
 */
static void **rib_buckets_alloc(size_t n, size_t *mapped)
{
	size_t bytes = n * sizeof(void *);

	*mapped = 0;
	if (bytes >= (1u << 20))
		return hugemem_map(bytes, bytes, mapped);
	return calloc(n, sizeof(void *));
}

static void rib_buckets_free(void **b, size_t mapped)
{
	if (mapped)
		hugemem_unmap(b, mapped);
	else
		free(b);
}

static int rib_map_init(struct rib_map *m, uint64_t expected, const struct rib_hkey *hk)
{
	m->hk = hk;
	m->n_buckets = RIB_MAP_MIN;
	while (m->n_buckets < expected && m->n_buckets < RIB_MAP_MAX)
		m->n_buckets *= 2;
	m->n = 0;
	m->buckets = rib_buckets_alloc(m->n_buckets, &m->mapped);
	return m->buckets ? 0 : ENOMEM;
}

/* Grow when the load passes 1; hash_of gives an entry's hash. */
static void rib_map_grow(struct rib_map *m, uint64_t (*hash_of)(const struct rib_map *, const void *))
{
	size_t nb = m->n_buckets * 2, mapped;
	void **b;

	if (m->n < m->n_buckets)
		return;
	b = rib_buckets_alloc(nb, &mapped);
	if (!b)
		return;   /* keep working with longer chains */
	for (size_t i = 0; i < m->n_buckets; i++) {
		struct rib_node *e = m->buckets[i], *next;

		for (; e; e = next) {
			size_t j = hash_of(m, e) & (nb - 1);

			next = e->hnext;
			e->hnext = b[j];
			b[j] = e;
		}
	}
	rib_buckets_free(m->buckets, m->mapped);
	m->buckets = b;
	m->n_buckets = nb;
	m->mapped = mapped;
}

static void rib_map_insert(struct rib_map *m, void *entry, uint64_t hash)
{
	struct rib_node *e = entry;
	size_t i = hash & (m->n_buckets - 1);

	e->hnext = m->buckets[i];
	m->buckets[i] = e;
	m->n++;
}

static void rib_map_remove(struct rib_map *m, void *entry, uint64_t hash)
{
	struct rib_node **pp = (struct rib_node **)&m->buckets[hash & (m->n_buckets - 1)];

	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == entry) {
			*pp = ((struct rib_node *)entry)->hnext;
			m->n--;
			return;
		}
}

static void rib_map_free(struct rib_map *m, void (*free_entry)(struct evpn_rib *, void *), struct evpn_rib *rib)
{
	for (size_t i = 0; m->buckets && i < m->n_buckets; i++) {
		struct rib_node *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->hnext;
			free_entry(rib, e);
		}
	}
	if (m->buckets)
		rib_buckets_free(m->buckets, m->mapped);
	m->buckets = NULL;
}

static uint64_t rib_route_hash_of(const struct rib_map *m, const void *e)
{
	(void)m;
	return ((const struct rib_route *)e)->hash;
}

static uint64_t rib_mac_hash_of(const struct rib_map *m, const void *e)
{
	return rib_hash_u64(m, ((const struct rib_mac *)e)->key);
}

static uint64_t rib_rts_hash_of(const struct rib_map *m, const void *e)
{
	(void)m;
	return ((const struct rib_rts *)e)->hash;
}

/* Entries keyed by one 64-bit word (floods, ips) start alike. */
struct rib_keyed {
	struct rib_keyed *hnext;
	uint64_t key;
};

static uint64_t rib_keyed_hash_of(const struct rib_map *m, const void *e)
{
	return rib_hash_u64(m, ((const struct rib_keyed *)e)->key);
}

/*
 * The entry of m with key; with create, a new zeroed one of size bytes when there is none
 * (from pool, or malloc'd when pool is NULL). NULL: none, or no memory.
 */
static void *rib_keyed_get(struct rib_map *m, uint64_t key, size_t size, struct objpool *pool, bool create)
{
	uint64_t h = rib_hash_u64(m, key);
	struct rib_keyed *e = m->buckets[h & (m->n_buckets - 1)];

	for (; e; e = e->hnext)
		if (e->key == key)
			return e;
	if (!create || !(e = pool ? objpool_alloc(pool) : malloc(size)))
		return NULL;
	memset(e, 0, size);
	e->key = key;
	rib_map_grow(m, rib_keyed_hash_of);
	rib_map_insert(m, e, h);
	return e;
}

/* The shared set holding exactly rt[0..n), with one more reference; NULL without memory. */
static struct rib_rts *rib_rts_get(struct evpn_rib *rib, const uint64_t *rt, size_t n)
{
	uint64_t w[RIB_HASH_WORDS] = { n };
	uint64_t h;

	memcpy(&w[1], rt, n * sizeof(*rt));   /* n <= EVPN_RIB_MAX_RT */
	h = rib_hash_words(&rib->hk, w, 1 + n);
	struct rib_rts *s = rib->rtsets.buckets[h & (rib->rtsets.n_buckets - 1)];

	for (; s; s = s->hnext)
		if (s->hash == h && s->n == n && !memcmp(s->rt, rt, n * sizeof(*rt))) {
			s->refs++;
			return s;
		}
	s = malloc(sizeof(*s) + n * sizeof(*rt));
	if (!s)
		return NULL;
	s->hash = h;
	s->refs = 1;
	s->n = (uint8_t)n;
	memcpy(s->rt, rt, n * sizeof(*rt));
	rib_map_grow(&rib->rtsets, rib_rts_hash_of);
	rib_map_insert(&rib->rtsets, s, h);
	return s;
}

static void rib_rts_put(struct evpn_rib *rib, struct rib_rts *s)
{
	if (--s->refs)
		return;
	rib_map_remove(&rib->rtsets, s, s->hash);
	free(s);
}

static struct rib_path *rib_path_alloc(struct rib_route *r)
{
	struct rib_path *p;

	if (!r->first_used) {
		r->first_used = true;
		p = &r->first;
		memset(p, 0, sizeof(*p));
		return p;
	}
	return calloc(1, sizeof(*p));
}

static void rib_path_free(struct evpn_rib *rib, struct rib_route *r, struct rib_path *p)
{
	if (p->stale)
		rib->n_stale--;
	rib_rts_put(rib, p->rts);
	if (p == &r->first)
		r->first_used = false;
	else
		free(p);
}

/* At evpn_rib_free: the route-target sets go with their own map. */
static void rib_route_free(struct evpn_rib *rib, void *e)
{
	struct rib_route *r = e;

	while (r->paths) {
		struct rib_path *p = r->paths;

		r->paths = p->next;
		if (p != &r->first)
			free(p);
	}
	objpool_free(&rib->route_pool, r);
}

static void rib_l3_free(struct evpn_rib *rib, void *e)
{
	objpool_free(&rib->l3_pool, e);
}

static void rib_plain_free(struct evpn_rib *rib, void *e)
{
	(void)rib;
	free(e);
}

static void rib_ip_free(struct evpn_rib *rib, void *e)
{
	struct rib_ip *ip = e;

	if (ip->macs != &ip->one)
		free(ip->macs);
	objpool_free(&rib->ip_pool, ip);
}

static struct rib_route *rib_route_find(const struct evpn_rib *rib, const struct evpn_route *nlri, uint64_t hash)
{
	struct rib_route *r = rib->routes.buckets[hash & (rib->routes.n_buckets - 1)];

	for (; r; r = r->hnext)
		if (r->hash == hash && evpn_route_same_key(&r->nlri, nlri))
			return r;
	return NULL;
}

static uint64_t rib_mac_key(uint16_t vni_idx, const uint8_t mac[6])
{
	uint64_t k = (uint64_t)vni_idx << 48;

	for (int i = 0; i < 6; i++)
		k |= (uint64_t)mac[i] << (40 - 8 * i);
	return k;
}

static struct rib_mac *rib_mac_get(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], bool create)
{
	uint64_t key = rib_mac_key(vni_idx, mac), h = rib_hash_u64(&rib->macs, key);
	struct rib_mac *m = rib->macs.buckets[h & (rib->macs.n_buckets - 1)];

	for (; m; m = m->hnext)
		if (m->key == key)
			return m;
	if (!create)
		return NULL;
	m = objpool_alloc(&rib->mac_pool);
	if (!m)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->key = key;
	rib_map_grow(&rib->macs, rib_mac_hash_of);
	rib_map_insert(&rib->macs, m, h);
	return m;
}

static void rib_mac_free(struct evpn_rib *rib, void *e)
{
	struct rib_mac *m = e;

	free(m->move_times);
	free(m->local_ip6);
	objpool_free(&rib->mac_pool, m);
}

static void rib_mac_put(struct evpn_rib *rib, struct rib_mac *m)
{
	if (m->local || m->n_routes || m->installed_vtep || m->advertised || m->frozen)
		return;
	rib_map_remove(&rib->macs, m, rib_hash_u64(&rib->macs, m->key));
	rib_mac_free(rib, m);
}

static void rib_mac_addr(const struct rib_mac *m, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(m->key >> (40 - 8 * i));
}

/* ---- configuration ---- */

/* 128 random bits from the kernel; should it fail, the clock, the PID and an address mixed. */
static void rib_random_key(uint64_t key[2])
{
	struct timespec ts;
	uint64_t seed[2];

	if (getrandom(key, 2 * sizeof(key[0]), GRND_NONBLOCK) == (ssize_t)(2 * sizeof(key[0])) && (key[0] || key[1]))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	seed[1] = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)key;
	key[0] = rib_siphash(seed, &seed[0], sizeof(seed[0])) | 1;
	key[1] = rib_siphash(seed, &seed[1], sizeof(seed[1]));
}

struct evpn_rib *evpn_rib_new(const struct evpn_rib_config *c, const struct evpn_rib_ops *ops, void *ctx)
{
	struct evpn_rib *rib = calloc(1, sizeof(*rib));

	if (!rib)
		return NULL;
	rib->cfg = *c;
	if (!rib->cfg.dup_max_moves)
		rib->cfg.dup_max_moves = 5;
	if (!rib->cfg.dup_window_sec)
		rib->cfg.dup_window_sec = 180;
	if (ops)
		rib->ops = *ops;
	rib->ctx = ctx;
	objpool_init(&rib->route_pool, sizeof(struct rib_route));
	objpool_init(&rib->mac_pool, sizeof(struct rib_mac));
	objpool_init(&rib->l3_pool, sizeof(struct rib_l3));
	objpool_init(&rib->ip_pool, sizeof(struct rib_ip));
	if (!c->hash_key[0] && !c->hash_key[1])
		rib_random_key(rib->cfg.hash_key);
	rib_hkey_init(&rib->hk, rib->cfg.hash_key);
	if (rib_map_init(&rib->routes, c->expected_routes, &rib->hk) ||
	    rib_map_init(&rib->macs, c->expected_routes, &rib->hk) ||
	    rib_map_init(&rib->floods, 0, &rib->hk) || rib_map_init(&rib->rtsets, 0, &rib->hk) ||
	    rib_map_init(&rib->ips, c->expected_routes, &rib->hk) ||
	    rib_map_init(&rib->l3s, c->expected_routes, &rib->hk)) {
		evpn_rib_free(rib);
		return NULL;
	}
	return rib;
}

void evpn_rib_free(struct evpn_rib *rib)
{
	if (!rib)
		return;
	rib_map_free(&rib->routes, rib_route_free, rib);
	rib_map_free(&rib->macs, rib_mac_free, rib);
	rib_map_free(&rib->floods, rib_plain_free, rib);
	rib_map_free(&rib->rtsets, rib_plain_free, rib);
	rib_map_free(&rib->ips, rib_ip_free, rib);
	rib_map_free(&rib->l3s, rib_l3_free, rib);
	free(rib->vrfs);
	objpool_destroy(&rib->route_pool);
	objpool_destroy(&rib->mac_pool);
	objpool_destroy(&rib->l3_pool);
	objpool_destroy(&rib->ip_pool);
	free(rib);
}

int evpn_rib_add_vni(struct evpn_rib *rib, uint16_t vni_idx, uint32_t vni, const uint8_t *rd,
		     const uint64_t *rt_import, size_t n_import, const uint64_t *rt_export, size_t n_export)
{
	struct rib_vni *v;

	if (vni_idx >= RIB_MAX_VNIS || n_import > EVPN_RIB_MAX_RT || n_export > EVPN_RIB_MAX_RT)
		return EINVAL;
	v = &rib->vnis[vni_idx];
	if (!v->active)
		rib->active[rib->n_active++] = vni_idx;
	memset(v, 0, sizeof(*v));
	v->active = true;
	v->vni = vni;
	if (rd)
		memcpy(v->rd, rd, 8);
	else
		evpn_rd_type1(v->rd, rib->cfg.router_id, EVPN_RIB_AUTO_RD_VNI(vni_idx));
	/* auto route target: ASN:VNI, a 4-octet-AS RT when the ASN needs it */
	if (n_export == 0) {
		v->export[0] = rib->cfg.asn > 0xffff ? evpn_ec_rt_as4(rib->cfg.asn, (uint16_t)vni)
						     : evpn_ec_rt_as2((uint16_t)rib->cfg.asn, vni);
		v->n_export = 1;
	} else {
		memcpy(v->export, rt_export, n_export * sizeof(*rt_export));
		v->n_export = (uint8_t)n_export;
	}
	if (n_import == 0) {
		v->auto_import = true;
		v->import[0] = v->export[0];
		v->n_import = 1;
	} else {
		memcpy(v->import, rt_import, n_import * sizeof(*rt_import));
		v->n_import = (uint8_t)n_import;
	}
	return 0;
}

void evpn_rib_vni_info(const struct evpn_rib *rib, uint16_t vni_idx, uint8_t rd[8], uint64_t *rts, size_t *n_rts)
{
	const struct rib_vni *v = &rib->vnis[vni_idx < RIB_MAX_VNIS ? vni_idx : 0];

	memcpy(rd, v->rd, 8);
	*n_rts = v->n_export;
	memcpy(rts, v->export, v->n_export * sizeof(*rts));
}

void evpn_rib_vni_import(const struct evpn_rib *rib, uint16_t vni_idx, uint64_t *rts, size_t *n_rts, bool *auto_rt)
{
	const struct rib_vni *v = &rib->vnis[vni_idx < RIB_MAX_VNIS ? vni_idx : 0];

	*n_rts = v->n_import;
	memcpy(rts, v->import, v->n_import * sizeof(*rts));
	*auto_rt = v->auto_import;
}

/* ---- import ---- */

static uint16_t rib_vni_by_number(const struct evpn_rib *rib, uint32_t vni)
{
	for (uint16_t i = 0; i < rib->n_active; i++)
		if (rib->vnis[rib->active[i]].vni == vni)
			return rib->active[i];
	return RIB_NO_VNI;
}

/* Does a path with these route targets import into v? */
static bool rib_rt_match(const struct evpn_rib *rib, const struct rib_vni *v, const uint64_t *rt, size_t n, bool ebgp)
{
	bool vni_only = rib->cfg.rt_match_vni_only < 0 ? ebgp : rib->cfg.rt_match_vni_only == 1;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < v->n_import; j++)
			if (rt[i] == v->import[j])
				return true;
		/* FRR's habit: an auto RT of any AS matches on the VNI alone */
		if (v->auto_import && vni_only && evpn_ec_is_rt(rt[i]) && evpn_ec_rt_value(rt[i]) == v->vni)
			return true;
	}
	return false;
}

/* The VNI a received route belongs to: its label (type 2) or its PMSI label (type 3), if the RTs import it. */
static uint32_t rib_route_vni(const struct evpn_route *r, const struct bgp_attrs *a)
{
	return r->type == EVPN_RT_MAC_IP ? r->label1 : (a->has_pmsi ? a->pmsi_label : r->eth_tag);
}

/* The VNI index a route naming vni (or its tag) imports into with these RTs, RIB_NO_VNI: none. */
static uint16_t rib_import_vni_of(const struct evpn_rib *rib, uint32_t vni, uint32_t eth_tag, const uint64_t *rt,
				  size_t n_rt, bool ebgp)
{
	uint16_t idx = rib_vni_by_number(rib, vni);

	if (idx == RIB_NO_VNI && eth_tag)
		idx = rib_vni_by_number(rib, eth_tag);
	if (idx == RIB_NO_VNI || !rib_rt_match(rib, &rib->vnis[idx], rt, n_rt, ebgp))
		return RIB_NO_VNI;
	return idx;
}

static uint16_t rib_import_vni(const struct evpn_rib *rib, const struct evpn_route *r, const struct bgp_attrs *a,
			       const uint64_t *rt, size_t n_rt, bool ebgp)
{
	return rib_import_vni_of(rib, rib_route_vni(r, a), r->eth_tag, rt, n_rt, ebgp);
}

/* ---- MAC mobility ---- */

static uint64_t rib_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

/*
 * The best remote path for a MAC among all its type-2 routes: highest sequence (RFC 7432
 * section 15 puts MAC mobility first), then highest LOCAL_PREF, then lowest VTEP.
 */
static const struct rib_path *rib_mac_best_remote(const struct evpn_rib *rib, const struct rib_mac *m)
{
	const struct rib_path *best = NULL;

	(void)rib;
	for (const struct rib_route *r = m->routes; r; r = r->mac_next) {
		const struct rib_path *p = r->best;

		if (!p)
			continue;
		if (!best || p->seq > best->seq ||
		    (p->seq == best->seq && (p->local_pref > best->local_pref ||
					     (p->local_pref == best->local_pref &&
					      ntohl(p->nexthop) < ntohl(best->nexthop)))))
			best = p;
	}
	return best;
}

static void rib_mac_attach(struct rib_mac *m, struct rib_route *r)
{
	r->mac = m;
	r->mac_next = m->routes;
	m->routes = r;
	m->n_routes++;
}

static void rib_mac_detach(struct rib_mac *m, struct rib_route *r)
{
	for (struct rib_route **pp = &m->routes; *pp; pp = &(*pp)->mac_next)
		if (*pp == r) {
			*pp = r->mac_next;
			m->n_routes--;
			break;
		}
	r->mac = NULL;
	r->mac_next = NULL;
}

/* Our type-2 route for a local MAC: MAC only (ip_len 0), MAC+IPv4 (32) or MAC+IPv6 (128) with ip. */
static void rib_advertise_ip(struct evpn_rib *rib, const struct rib_mac *m, uint8_t ip_len, const void *ip,
			     bool withdraw)
{
	uint16_t vni_idx = (uint16_t)(m->key >> 48);
	const struct rib_vni *v = &rib->vnis[vni_idx];
	struct evpn_route r;

	if (!rib->ops.advertise)
		return;
	memset(&r, 0, sizeof(r));
	r.type = EVPN_RT_MAC_IP;
	memcpy(r.rd, v->rd, 8);
	rib_mac_addr(m, r.mac);
	r.label1 = v->vni;
	r.ip_len = ip_len;
	if (ip_len)
		memcpy(r.ip, ip, ip_len / 8);
	rib->ops.advertise(rib->ctx, &r, vni_idx, m->local_seq, m->local_sticky, withdraw);
}

static void rib_advertise_mac(struct evpn_rib *rib, struct rib_mac *m, bool withdraw)
{
	rib_advertise_ip(rib, m, 0, NULL, withdraw);
	if (m->local_ip)
		rib_advertise_ip(rib, m, 32, &m->local_ip, withdraw);
	for (unsigned i = 0; m->local_ip6 && i < m->local_ip6->n; i++)
		rib_advertise_ip(rib, m, 128, m->local_ip6->a[i], withdraw);
}

/* Record a move; true when the MAC has now moved too often and is frozen. */
static bool rib_mac_moved(struct evpn_rib *rib, struct rib_mac *m)
{
	uint64_t now = rib_now();
	uint32_t recent = 0;

	if (!m->move_times)
		m->move_times = calloc(rib->cfg.dup_max_moves, sizeof(*m->move_times));
	m->moves++;
	rib->st.mobility_moves++;
	if (!m->move_times)
		return m->frozen;   /* no memory for the history: moves are counted, never frozen */
	m->move_times[(m->moves - 1) % rib->cfg.dup_max_moves] = (uint32_t)now;
	for (uint32_t i = 0; i < rib->cfg.dup_max_moves && i < m->moves; i++)
		if (now - m->move_times[i] < rib->cfg.dup_window_sec)
			recent++;
	if (!m->frozen && recent >= rib->cfg.dup_max_moves) {
		uint8_t mac[6];

		m->frozen = true;
		rib->st.duplicates++;
		rib_mac_addr(m, mac);
		if (rib->ops.duplicate)
			rib->ops.duplicate(rib->ctx, (uint16_t)(m->key >> 48), mac);
	}
	return m->frozen;
}

/*
 * Decide who owns a MAC: our local port, or the best remote route. Called after anything
 * about the MAC changed. A frozen MAC keeps whatever it had.
 */
static void rib_mac_resolve(struct evpn_rib *rib, struct rib_mac *m)
{
	const struct rib_path *rp = rib_mac_best_remote(rib, m);
	uint16_t vni_idx = (uint16_t)(m->key >> 48);
	uint8_t mac[6];
	bool local_wins;

	rib_mac_addr(m, mac);
	if (m->frozen) {
		/* a duplicate: we stop advertising changes; forwarding follows the remote only if we do not hold it */
		if (!m->local && (rp ? rp->nexthop : 0) != m->installed_vtep) {
			m->installed_vtep = rp ? rp->nexthop : 0;
			if (rib->ops.remote_mac)
				rib->ops.remote_mac(rib->ctx, vni_idx, mac, m->installed_vtep);
		}
		return;
	}
	if (m->local && rp) {
		if (m->local_sticky && !rp->sticky)
			local_wins = true;
		else if (rp->sticky && !m->local_sticky)
			local_wins = false;
		else if (m->local_seq != rp->seq)
			local_wins = m->local_seq > rp->seq;
		else
			local_wins = ntohl(rib->cfg.vtep_ip) < ntohl(rp->nexthop);
	} else {
		local_wins = m->local;
	}

	if (local_wins) {
		if (m->installed_vtep) {
			m->installed_vtep = 0;   /* the dataplane already learned it locally */
			if (rib->ops.remote_mac)
				rib->ops.remote_mac(rib->ctx, vni_idx, mac, 0);
		}
		if (!m->frozen && (!m->advertised || m->adv_seq != m->local_seq)) {
			rib_advertise_mac(rib, m, false);
			m->advertised = true;
			m->adv_seq = m->local_seq;
		}
		return;
	}
	/* remote wins, or nobody */
	if (m->advertised) {
		rib_advertise_mac(rib, m, true);
		m->advertised = false;
	}
	if (m->local && rp) {
		/* it moved away from us: the newer remote sequence says so */
		m->local = false;
		rib_mac_moved(rib, m);
	}
	if ((rp ? rp->nexthop : 0) != m->installed_vtep) {
		m->installed_vtep = rp ? rp->nexthop : 0;
		if (rib->ops.remote_mac)
			rib->ops.remote_mac(rib->ctx, vni_idx, mac, m->installed_vtep);
	}
}

void evpn_rib_local_mac(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], bool present, bool sticky)
{
	struct rib_mac *m;

	if (vni_idx >= RIB_MAX_VNIS || !rib->vnis[vni_idx].active)
		return;
	m = rib_mac_get(rib, vni_idx, mac, present);
	if (!m)
		return;
	if (present && !m->local) {
		const struct rib_path *rp = rib_mac_best_remote(rib, m);

		if (m->frozen) {
			m->local = true;
			return;
		}
		if (rp && rp->sticky && !sticky) {
			/* a sticky MAC never moves: put the dataplane back on the remote VTEP */
			m->installed_vtep = rp->nexthop;
			if (rib->ops.remote_mac)
				rib->ops.remote_mac(rib->ctx, vni_idx, mac, rp->nexthop);
			return;
		}
		m->local = true;
		m->local_sticky = sticky;
		if (rp) {
			/* a MAC known remotely shows up here: it moved to us */
			m->local_seq = rp->seq + 1;
			if (rib_mac_moved(rib, m))
				return;
		}
		rib_mac_resolve(rib, m);
	} else if (!present && m->local) {
		m->local = false;
		if (m->advertised) {
			rib_advertise_mac(rib, m, true);
			m->advertised = false;
		}
		rib_mac_resolve(rib, m);
	}
	rib_mac_put(rib, m);
}

void evpn_rib_local_ip(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], uint32_t ip)
{
	struct rib_mac *m;

	if (vni_idx >= RIB_MAX_VNIS || !rib->vnis[vni_idx].active)
		return;
	m = rib_mac_get(rib, vni_idx, mac, ip != 0);
	if (!m || m->local_ip == ip)
		return;
	if (m->advertised && m->local_ip)
		rib_advertise_ip(rib, m, 32, &m->local_ip, true);   /* the old MAC+IP route */
	m->local_ip = ip;
	if (m->advertised && ip)
		rib_advertise_ip(rib, m, 32, &ip, false);           /* the MAC-only route stands */
	rib_mac_put(rib, m);
}

void evpn_rib_local_ip6(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], const uint8_t ip6[16])
{
	struct rib_ip6s *l;
	struct rib_mac *m;

	if (vni_idx >= RIB_MAX_VNIS || !rib->vnis[vni_idx].active)
		return;
	m = rib_mac_get(rib, vni_idx, mac, ip6 != NULL);
	if (!m)
		return;
	l = m->local_ip6;
	if (!ip6) {
		if (m->advertised)
			for (unsigned i = 0; l && i < l->n; i++)
				rib_advertise_ip(rib, m, 128, l->a[i], true);
		free(l);
		m->local_ip6 = NULL;
		rib_mac_put(rib, m);
		return;
	}
	for (unsigned i = 0; l && i < l->n; i++)
		if (!memcmp(l->a[i], ip6, 16))
			return;                 /* known */
	if (!l && !(l = m->local_ip6 = calloc(1, sizeof(*l)))) {
		rib_mac_put(rib, m);
		return;
	}
	if (l->n == RIB_MAX_IP6) {
		if (m->advertised)
			rib_advertise_ip(rib, m, 128, l->a[l->next], true);   /* the oldest makes room */
		memcpy(l->a[l->next], ip6, 16);
		l->next = (uint8_t)((l->next + 1) % RIB_MAX_IP6);
	} else {
		memcpy(l->a[l->n++], ip6, 16);
	}
	if (m->advertised)
		rib_advertise_ip(rib, m, 128, ip6, false);             /* the MAC-only route stands */
	rib_mac_put(rib, m);                                     /* as for IPv4: kept for a local MAC only */
}

void evpn_rib_local_ip_del(struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6], uint8_t ip_len,
			   const void *ip)
{
	struct rib_ip6s *l;
	struct rib_mac *m;
	unsigned i, n;

	if (vni_idx >= RIB_MAX_VNIS || !rib->vnis[vni_idx].active || !(m = rib_mac_get(rib, vni_idx, mac, false)))
		return;
	if (ip_len == 32) {
		if (!m->local_ip || memcmp(&m->local_ip, ip, 4))
			return;                 /* not the binding we hold (another replaced it) */
		if (m->advertised)
			rib_advertise_ip(rib, m, 32, &m->local_ip, true);
		m->local_ip = 0;
		rib_mac_put(rib, m);
		return;
	}
	if (ip_len != 128 || !(l = m->local_ip6))
		return;
	for (i = 0; i < l->n && memcmp(l->a[i], ip, 16); i++)
		;
	if (i == l->n)
		return;
	if (m->advertised)
		rib_advertise_ip(rib, m, 128, l->a[i], true);
	/* keep the others oldest first, from a[0]: when full, a[next] is the oldest */
	{
		struct rib_ip6s k = { .n = 0 };
		unsigned first = l->n == RIB_MAX_IP6 ? l->next : 0;

		for (n = 0; n < l->n; n++) {
			unsigned j = (first + n) % RIB_MAX_IP6;

			if (j != i)
				memcpy(k.a[k.n++], l->a[j], 16);
		}
		*l = k;
	}
	if (!l->n) {
		free(l);
		m->local_ip6 = NULL;
	}
	rib_mac_put(rib, m);
}

/* ---- paths from peers ---- */

static void rib_flood_ref(struct evpn_rib *rib, uint16_t vni_idx, uint32_t vtep, int delta)
{
	uint64_t key = (uint64_t)vni_idx << 32 | vtep;
	struct rib_flood *f = rib_keyed_get(&rib->floods, key, sizeof(*f), NULL, delta > 0);

	if (delta > 0) {
		if (!f)
			return;
		if (f->refs++ == 0 && rib->ops.flood_vtep)
			rib->ops.flood_vtep(rib->ctx, vni_idx, vtep, true);
	} else if (f && f->refs > 0) {
		if (--f->refs == 0) {
			if (rib->ops.flood_vtep)
				rib->ops.flood_vtep(rib->ctx, vni_idx, vtep, false);
			rib_map_remove(&rib->floods, f, rib_hash_u64(&rib->floods, key));
			free(f);
		}
	}
}

/*
 * One more (delta +1) or one fewer (-1) imported MAC+IP route binds ip to mac in vni_idx. The
 * daemon hears the newest MAC of the address whenever that changes, and the removal when the
 * last route goes.
 */
static void rib_ip_ref(struct evpn_rib *rib, uint16_t vni_idx, uint32_t ip, const uint8_t mac[6], int delta)
{
	uint64_t key = (uint64_t)vni_idx << 32 | ip;
	struct rib_ip *e = rib_keyed_get(&rib->ips, key, sizeof(*e), &rib->ip_pool, delta > 0);
	uint32_t i;

	if (!e)
		return;
	for (i = 0; i < e->n && memcmp(e->macs[i].mac, mac, 6); i++)
		;
	if (delta > 0) {
		if (i == e->n) {
			if (e->n == e->cap) {
				uint32_t cap = e->cap ? 2 * e->cap : 1;
				struct rib_ip_mac *grown = cap == 1 ? &e->one : malloc(cap * sizeof(*grown));

				if (!grown)
					return;   /* e has a MAC already (cap > 1 here): it stays */
				if (e->n)
					memcpy(grown, e->macs, e->n * sizeof(*grown));
				if (e->macs && e->macs != &e->one)
					free(e->macs);
				e->macs = grown;
				e->cap = cap;
			}
			memcpy(e->macs[e->n].mac, mac, 6);
			e->macs[e->n++].refs = 0;
		}
		e->macs[i].refs++;
	} else if (i < e->n && --e->macs[i].refs == 0) {
		memmove(&e->macs[i], &e->macs[i + 1], (e->n - i - 1) * sizeof(e->macs[0]));
		e->n--;
	}
	if (e->n == 0) {
		if (e->announced && rib->ops.remote_ip)
			rib->ops.remote_ip(rib->ctx, vni_idx, ip, e->bound, false);
		rib_map_remove(&rib->ips, e, rib_hash_u64(&rib->ips, key));
		rib_ip_free(rib, e);
		return;
	}
	if (!e->announced || memcmp(e->bound, e->macs[e->n - 1].mac, 6)) {
		e->announced = true;
		memcpy(e->bound, e->macs[e->n - 1].mac, 6);
		if (rib->ops.remote_ip)
			rib->ops.remote_ip(rib->ctx, vni_idx, ip, e->bound, true);
	}
}

/* Best path of one route: not stale before stale, then the highest LOCAL_PREF, then the lowest peer address. */
static struct rib_path *rib_select(const struct rib_route *r)
{
	struct rib_path *best = NULL;

	for (struct rib_path *p = r->paths; p; p = p->next) {
		if (!best || (best->stale && !p->stale))
			best = p;
		else if (best->stale == p->stale &&
			 (p->local_pref > best->local_pref ||
			  (p->local_pref == best->local_pref && ntohl(p->peer) < ntohl(best->peer))))
			best = p;
	}
	return best;
}

/* ---- IP-VRFs: type-5 and host routes ---- */

static uint64_t rib_l3_hash(const struct evpn_rib *rib, uint32_t l3vni, uint8_t ip_len, uint8_t plen,
			    const uint8_t *prefix)
{
	uint64_t w[3] = { (uint64_t)l3vni | (uint64_t)ip_len << 32 | (uint64_t)plen << 40,
			  rib_word(prefix, ip_len == 128 ? 8 : 4), ip_len == 128 ? rib_word(prefix + 8, 8) : 0 };

	return rib_hash_words(&rib->hk, w, 3);
}

static uint64_t rib_l3_hash_of(const struct rib_map *m, const void *e)
{
	(void)m;
	return ((const struct rib_l3 *)e)->hash;
}

static struct rib_l3 *rib_l3_get(struct evpn_rib *rib, uint32_t l3vni, uint8_t ip_len, uint8_t plen,
				 const uint8_t *prefix, bool create)
{
	size_t ab = ip_len == 128 ? 16 : 4;
	uint64_t h = rib_l3_hash(rib, l3vni, ip_len, plen, prefix);
	struct rib_l3 *e = rib->l3s.buckets[h & (rib->l3s.n_buckets - 1)];

	for (; e; e = e->hnext)
		if (e->hash == h && e->l3vni == l3vni && e->ip_len == ip_len && e->plen == plen &&
		    !memcmp(e->prefix, prefix, ab))
			return e;
	if (!create || !(e = objpool_alloc(&rib->l3_pool)))
		return NULL;
	memset(e, 0, sizeof(*e));
	e->hash = h;
	e->l3vni = l3vni;
	e->ip_len = ip_len;
	e->plen = plen;
	memcpy(e->prefix, prefix, ab);
	rib_map_grow(&rib->l3s, rib_l3_hash_of);
	rib_map_insert(&rib->l3s, e, h);
	return e;
}

static bool rib_mac_is_zero(const uint8_t mac[6])
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* The first IP-VRF the route targets import into, or NULL. */
static const struct evpn_rib_vrf *rib_vrf_match(const struct evpn_rib *rib, const struct rib_rts *rts)
{
	for (size_t v = 0; v < rib->n_vrfs; v++) {
		const struct evpn_rib_vrf *f = &rib->vrfs[v];

		for (size_t i = 0; i < rts->n; i++) {
			for (size_t j = 0; j < f->n_import; j++)
				if (rts->rt[i] == f->import[j])
					return f;
			if (f->auto_rt && evpn_ec_is_rt(rts->rt[i]) && evpn_ec_rt_value(rts->rt[i]) == f->l3vni)
				return f;
		}
	}
	return NULL;
}

/* A route a VRF can use: router's MAC and an L3 VNI (type 5: its label; type 2: the second label). */
static bool rib_route_l3_usable(const struct rib_route *r)
{
	if (!r->best || rib_mac_is_zero(r->best->rmac))
		return false;
	if (r->nlri.type == EVPN_RT_IP_PREFIX)
		return r->nlri.label1 != 0;
	return r->nlri.has_label2 && r->nlri.label2 != 0;
}

/* Is a a better route of a VRF prefix than b? LOCAL_PREF, host route, sequence, lower VTEP. */
static bool rib_l3_better(const struct rib_route *a, const struct rib_route *b)
{
	const struct rib_path *pa = a->best, *pb = b->best;

	if (pa->local_pref != pb->local_pref)
		return pa->local_pref > pb->local_pref;
	if (a->nlri.type != b->nlri.type)
		return a->nlri.type == EVPN_RT_MAC_IP;
	if (pa->seq != pb->seq)
		return pa->seq > pb->seq;
	return ntohl(pa->nexthop) < ntohl(pb->nexthop);
}

static bool rib_l3_same(const struct evpn_rib_l3 *a, const struct evpn_rib_l3 *b)
{
	return a->vtep_ip == b->vtep_ip && a->source == b->source && a->vni == b->vni && !memcmp(a->rmac, b->rmac, 6);
}

/* Choose the best route of e and tell the daemon when that changed. */
static void rib_l3_resolve(struct evpn_rib *rib, struct rib_l3 *e)
{
	const struct rib_route *best = NULL;
	struct evpn_rib_l3 o;

	for (const struct rib_route *r = e->routes; r; r = r->l3_next)
		if (!best || rib_l3_better(r, best))
			best = r;
	memset(&o, 0, sizeof(o));
	o.l3vni = e->l3vni;
	o.ip_len = e->ip_len;
	o.prefix_len = e->plen;
	memcpy(o.prefix, e->prefix, sizeof(o.prefix));
	if (best) {
		o.source = best->nlri.type;
		o.vtep_ip = best->best->nexthop;
		memcpy(o.rmac, best->best->rmac, 6);
		o.vni = best->nlri.type == EVPN_RT_IP_PREFIX ? best->nlri.label1 : best->nlri.label2;
		o.peer = best->best->peer;
	}
	if (!best && !e->installed)
		return;
	if (best && e->installed && rib_l3_same(&o, &e->out)) {
		e->out.peer = o.peer;
		return;
	}
	e->out = o;
	e->installed = best != NULL;
	if (rib->ops.l3_route)
		rib->ops.l3_route(rib->ctx, &o);
}

static void rib_l3_detach(struct evpn_rib *rib, struct rib_route *r)
{
	struct rib_l3 *e = r->l3;

	for (struct rib_route **pp = &e->routes; *pp; pp = &(*pp)->l3_next)
		if (*pp == r) {
			*pp = r->l3_next;
			break;
		}
	r->l3 = NULL;
	r->l3_next = NULL;
	rib_l3_resolve(rib, e);
	if (!e->routes) {
		rib_map_remove(&rib->l3s, e, e->hash);
		objpool_free(&rib->l3_pool, e);
	}
}

/* Import r (type 2 with an IP, or type 5) into the VRF its best path's RTs name, or out of any. */
static void rib_route_l3(struct evpn_rib *rib, struct rib_route *r)
{
	const struct evpn_rib_vrf *v = NULL;

	if (r->nlri.type != EVPN_RT_IP_PREFIX && !(r->nlri.type == EVPN_RT_MAC_IP && r->nlri.ip_len))
		return;
	if (r->best && rib->n_vrfs) {
		v = rib_vrf_match(rib, r->best->rts);
		if (v && !rib_route_l3_usable(r)) {
			rib->st.l3_no_rmac++;
			v = NULL;
		}
	}
	if (r->l3 && (!v || r->l3->l3vni != v->l3vni))
		rib_l3_detach(rib, r);
	if (v && !r->l3) {
		uint8_t plen = r->nlri.type == EVPN_RT_IP_PREFIX ? r->nlri.prefix_len : r->nlri.ip_len;
		struct rib_l3 *e = rib_l3_get(rib, v->l3vni, r->nlri.ip_len, plen, r->nlri.ip, true);

		if (!e)
			return;
		r->l3 = e;
		r->l3_next = e->routes;
		e->routes = r;
	}
	if (r->l3)
		rib_l3_resolve(rib, r->l3);
}

int evpn_rib_set_vrfs(struct evpn_rib *rib, const struct evpn_rib_vrf *vrfs, size_t n)
{
	struct evpn_rib_vrf *copy = NULL;

	if (n > EVPN_RIB_MAX_VRFS)
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!vrfs[i].l3vni || vrfs[i].l3vni > 0xffffff || vrfs[i].n_import > EVPN_RIB_MAX_RT)
			return EINVAL;
		for (size_t j = 0; j < i; j++)
			if (vrfs[j].l3vni == vrfs[i].l3vni)
				return EINVAL;
	}
	if (n) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return ENOMEM;
		memcpy(copy, vrfs, n * sizeof(*copy));
	}
	free(rib->vrfs);
	rib->vrfs = copy;
	rib->n_vrfs = n;
	for (size_t i = 0; i < rib->routes.n_buckets; i++)
		for (struct rib_route *r = rib->routes.buckets[i]; r; r = r->hnext)
			rib_route_l3(rib, r);
	return 0;
}

bool evpn_rib_l3_lookup(const struct evpn_rib *rib, uint32_t l3vni, uint8_t ip_len, const uint8_t *prefix,
			uint8_t prefix_len, struct evpn_rib_l3 *out)
{
	const struct rib_l3 *e;

	if ((ip_len != 32 && ip_len != 128) || prefix_len > ip_len)
		return false;
	e = rib_l3_get((struct evpn_rib *)rib, l3vni, ip_len, prefix_len, prefix, false);
	if (!e || !e->installed)
		return false;
	if (out)
		*out = e->out;
	return true;
}

void evpn_rib_walk_l3(const struct evpn_rib *rib, evpn_rib_l3_cb cb, void *arg)
{
	for (size_t i = 0; i < rib->l3s.n_buckets; i++)
		for (const struct rib_l3 *e = rib->l3s.buckets[i]; e; e = e->hnext)
			if (e->installed)
				cb(&e->out, arg);
}

/* Re-run selection for r and push what changed (flood list, MAC ownership). */
static void rib_route_changed(struct evpn_rib *rib, struct rib_route *r, uint16_t new_vni)
{
	struct rib_path *best = rib_select(r);
	uint32_t old_flood = r->flood_vtep;
	uint16_t old_vni = r->vni_idx;

	r->best = best;
	r->vni_idx = best ? new_vni : RIB_NO_VNI;
	if (r->nlri.type == EVPN_RT_IMET) {
		uint32_t nv = (best && r->vni_idx != RIB_NO_VNI) ? best->nexthop : 0;

		if (old_flood && (old_flood != nv || old_vni != r->vni_idx))
			rib_flood_ref(rib, old_vni, old_flood, -1);
		if (nv && (old_flood != nv || old_vni != r->vni_idx))
			rib_flood_ref(rib, r->vni_idx, nv, +1);
		r->flood_vtep = nv;
	} else if (r->nlri.type == EVPN_RT_MAC_IP) {
		struct rib_mac *m = r->mac;
		uint16_t ip_vni = (best && r->nlri.ip_len == 32) ? r->vni_idx : RIB_NO_VNI;
		uint32_t addr;

		memcpy(&addr, r->nlri.ip, 4);
		if (r->ip_vni != ip_vni) {
			if (r->ip_vni != RIB_NO_VNI)
				rib_ip_ref(rib, r->ip_vni, addr, r->nlri.mac, -1);
			if (ip_vni != RIB_NO_VNI)
				rib_ip_ref(rib, ip_vni, addr, r->nlri.mac, +1);
		}
		r->ip_vni = ip_vni;

		if (m && (old_vni != r->vni_idx || !best)) {
			rib_mac_detach(m, r);
			rib_mac_resolve(rib, m);
			rib_mac_put(rib, m);
			m = NULL;
		}
		if (!m && best && r->vni_idx != RIB_NO_VNI) {
			m = rib_mac_get(rib, r->vni_idx, r->nlri.mac, true);
			if (m)
				rib_mac_attach(m, r);
		}
		if (m) {
			rib_mac_resolve(rib, m);
			rib_mac_put(rib, m);
		}
	}
	rib_route_l3(rib, r);
}

static void rib_route_drop_if_empty(struct evpn_rib *rib, struct rib_route *r)
{
	if (r->paths)
		return;
	rib_map_remove(&rib->routes, r, r->hash);
	objpool_free(&rib->route_pool, r);
}

static void rib_path_remove(struct evpn_rib *rib, struct rib_route *r, uint32_t peer)
{
	for (struct rib_path **pp = &r->paths; *pp; pp = &(*pp)->next) {
		if ((*pp)->peer == peer) {
			struct rib_path *p = *pp;

			*pp = p->next;
			rib_path_free(rib, r, p);
			rib->st.paths--;
			rib_route_changed(rib, r, r->vni_idx);
			rib_route_drop_if_empty(rib, r);
			return;
		}
	}
}

/* One NLRI of an UPDATE with the attributes every NLRI of it shares (see evpn_rib_update). */
struct rib_update_ctx {
	uint32_t peer, nexthop, seq, local_pref;
	bool ebgp, sticky, loop;
	const struct bgp_attrs *a;
	const uint64_t *rt;
	size_t n_rt;
	struct rib_rts *rts;         /* interned once per UPDATE, one reference per path taken */
	uint8_t rmac[6];             /* the router's MAC community, zero when none */
	uint32_t memo_vni, memo_tag; /* rib_import_vni's last answer (it depends on these alone here) */
	uint8_t memo_type;
	uint16_t memo_idx;
	bool memo_valid;
};

static uint16_t rib_update_import(const struct evpn_rib *rib, struct rib_update_ctx *u, const struct evpn_route *nl)
{
	if (!u->memo_valid || u->memo_type != nl->type || u->memo_vni != nl->label1 || u->memo_tag != nl->eth_tag) {
		u->memo_idx = rib_import_vni(rib, nl, u->a, u->rt, u->n_rt, u->ebgp);
		u->memo_type = nl->type;
		u->memo_vni = nl->label1;
		u->memo_tag = nl->eth_tag;
		u->memo_valid = true;
	}
	return u->memo_idx;
}

static void rib_update_one(struct evpn_rib *rib, struct rib_update_ctx *u, const struct evpn_route *nl, uint64_t h)
{
	uint32_t nh = u->nexthop;
	struct rib_route *r;
	struct rib_path *p;
	uint16_t vni_idx;

	rib->st.received++;
	if (nl->type == EVPN_RT_IMET && u->a->has_pmsi && u->a->pmsi_endpoint_len == 4)
		memcpy(&nh, u->a->pmsi_endpoint, 4);
	r = rib_route_find(rib, nl, h);
	if (u->loop || nh == rib->cfg.vtep_ip || nh == 0) {
		/* our own route reflected back, or nothing we can tunnel to: drop any older path */
		if (u->loop)
			rib->st.rejected_as_loop++;
		else if (nh == 0)
			rib->st.unsupported_nexthop++;
		else
			rib->st.rejected_own++;
		if (r)
			rib_path_remove(rib, r, u->peer);
		return;
	}
	/* a type 5 belongs to no layer-2 VNI: its IP-VRF comes from its RTs (rib_route_l3) */
	vni_idx = nl->type == EVPN_RT_IP_PREFIX ? RIB_NO_VNI : rib_update_import(rib, u, nl);
	if (vni_idx == RIB_NO_VNI && nl->type != EVPN_RT_IP_PREFIX)
		rib->st.not_imported++;
	if (!r) {
		r = objpool_alloc(&rib->route_pool);
		if (!r)
			return;
		memset(r, 0, offsetof(struct rib_route, first));
		r->nlri = *nl;
		r->hash = h;
		r->vni_idx = RIB_NO_VNI;
		r->ip_vni = RIB_NO_VNI;
		rib_map_grow(&rib->routes, rib_route_hash_of);
		rib_map_insert(&rib->routes, r, h);
	}
	r->import_vni = rib_route_vni(nl, u->a);
	r->import_ebgp = u->ebgp;
	r->nlri.label1 = nl->label1;
	r->nlri.label2 = nl->label2;
	r->nlri.has_label2 = nl->has_label2;
	memcpy(r->nlri.gw_ip, nl->gw_ip, sizeof(nl->gw_ip));
	memcpy(r->nlri.esi, nl->esi, sizeof(nl->esi));
	for (p = r->paths; p && p->peer != u->peer; p = p->next)
		;
	if (!p) {
		p = rib_path_alloc(r);
		if (!p) {
			rib_route_drop_if_empty(rib, r);
			return;
		}
		p->peer = u->peer;
		p->rts = u->rts;
		u->rts->refs++;
		p->next = r->paths;
		r->paths = p;
		rib->st.paths++;
	} else if (p->rts != u->rts) {
		rib_rts_put(rib, p->rts);
		p->rts = u->rts;
		u->rts->refs++;
	}
	p->nexthop = nh;
	p->seq = u->seq;
	p->local_pref = u->local_pref;
	p->sticky = u->sticky;
	memcpy(p->rmac, u->rmac, 6);
	if (p->stale) {
		p->stale = false;
		rib->n_stale--;
	}
	rib_route_changed(rib, r, vni_idx);
}

/*
 * Bring what a batch of NLRIs will touch into the cache, in two rounds so that the second
 * finds the first's loads done: the routes', MACs', remote IPs' and IP-VRF prefixes' bucket slots, then
 * the first entry of each chain (a lookup's miss is mostly that entry's). The IP-VRF is the
 * one the UPDATE's RTs name (rib_route_l3 takes the best path's: the same but for a route
 * some other peer sends too).
 */
static void rib_update_prefetch(const struct evpn_rib *rib, struct rib_update_ctx *u, const struct evpn_route *nl,
				size_t n, uint64_t *hashes)
{
	void *const *slots[4 * RIB_BATCH];
	const struct evpn_rib_vrf *v = rib->n_vrfs ? rib_vrf_match(rib, u->rts) : NULL;
	struct evpn_rib_ahead ahead[RIB_BATCH];
	size_t n_slots = 0, n_ahead = 0;

	for (size_t i = 0; i < n; i++) {
		struct evpn_rib_ahead *ah = &ahead[n_ahead];

		ah->vni_idx = RIB_NO_VNI;
		ah->l3 = false;
		ah->ip_len = nl[i].ip_len <= 128 ? nl[i].ip_len : 0;
		memcpy(ah->ip, nl[i].ip, ah->ip_len / 8);
		if (v && (nl[i].type == EVPN_RT_IP_PREFIX || (nl[i].type == EVPN_RT_MAC_IP && nl[i].ip_len))) {
			uint8_t plen = nl[i].type == EVPN_RT_IP_PREFIX ? nl[i].prefix_len : nl[i].ip_len;
			uint64_t lh = rib_l3_hash(rib, v->l3vni, nl[i].ip_len, plen, nl[i].ip);

			slots[n_slots] = &rib->l3s.buckets[lh & (rib->l3s.n_buckets - 1)];
			__builtin_prefetch(slots[n_slots++]);
			ah->l3 = true;
			ah->prefix_len = plen;
		}
		hashes[i] = rib_route_hash(rib, &nl[i]);
		slots[n_slots] = &rib->routes.buckets[hashes[i] & (rib->routes.n_buckets - 1)];
		__builtin_prefetch(slots[n_slots++]);
		if (nl[i].type == EVPN_RT_MAC_IP) {
			uint16_t vni_idx = rib_update_import(rib, u, &nl[i]);

			if (vni_idx != RIB_NO_VNI) {
				uint64_t mh = rib_hash_u64(&rib->macs, rib_mac_key(vni_idx, nl[i].mac));

				ah->vni_idx = vni_idx;
				memcpy(ah->mac, nl[i].mac, 6);

				slots[n_slots] = &rib->macs.buckets[mh & (rib->macs.n_buckets - 1)];
				__builtin_prefetch(slots[n_slots++]);
				if (nl[i].ip_len == 32) {   /* its address's entry (rib_ip_ref) */
					uint32_t a4;
					uint64_t ih;

					memcpy(&a4, nl[i].ip, 4);
					ih = rib_hash_u64(&rib->ips, (uint64_t)vni_idx << 32 | a4);
					slots[n_slots] = &rib->ips.buckets[ih & (rib->ips.n_buckets - 1)];
					__builtin_prefetch(slots[n_slots++]);
				}
			}
		}
		n_ahead += ah->l3 || ah->vni_idx != RIB_NO_VNI;
	}
	for (size_t i = 0; i < n_slots; i++)
		if (*slots[i])
			__builtin_prefetch(*slots[i]);
	if (rib->ops.prefetch && n_ahead)
		rib->ops.prefetch(rib->ctx, v ? v->l3vni : 0, ahead, n_ahead);
}

void evpn_rib_update(struct evpn_rib *rib, uint32_t peer, bool ebgp, const struct bgp_attrs *a,
		     const struct evpn_route *reach, size_t n_reach, const struct evpn_route *unreach, size_t n_unreach,
		     bool withdraw_all)
{
	uint64_t rt[EVPN_RIB_MAX_RT], hashes[RIB_BATCH];
	struct rib_update_ctx u = { .peer = peer, .ebgp = ebgp, .a = a, .rt = rt };

	for (size_t i = 0; i < n_unreach; i++) {
		uint64_t h = rib_route_hash(rib, &unreach[i]);
		struct rib_route *r = rib_route_find(rib, &unreach[i], h);

		rib->st.withdrawn++;
		if (r)
			rib_path_remove(rib, r, peer);
	}
	if (!n_reach)
		return;
	if (withdraw_all) {
		rib->st.treat_as_withdraw++;
		for (size_t i = 0; i < n_reach; i++) {
			struct rib_route *r = rib_route_find(rib, &reach[i], rib_route_hash(rib, &reach[i]));

			if (r)
				rib_path_remove(rib, r, peer);
		}
		return;
	}
	for (uint8_t i = 0; i < a->as_path_len && i < BGP_MAX_AS_PATH; i++)
		if (a->as_path[i] == rib->cfg.asn)
			u.loop = true;
	if (a->has_originator_id && a->originator_id == rib->cfg.router_id)
		u.loop = true;
	for (uint32_t i = 0; i < a->n_ext_comm; i++) {
		uint32_t sq;
		bool st;

		if (evpn_ec_is_rt(a->ext_comm[i]) && u.n_rt < EVPN_RIB_MAX_RT)
			rt[u.n_rt++] = a->ext_comm[i];
		else if (evpn_ec_get_mac_mobility(a->ext_comm[i], &sq, &st)) {
			u.seq = sq;
			u.sticky = st;
		} else
			evpn_ec_get_router_mac(a->ext_comm[i], u.rmac);
	}
	if (a->mp_nh_len == 4)
		memcpy(&u.nexthop, a->mp_nh, 4);
	/* LOCAL_PREF counts only inside the AS (RFC 4271 5.1.5): an eBGP peer's is ignored */
	u.local_pref = !ebgp && a->has_local_pref ? a->local_pref : rib->cfg.local_pref;
	u.rts = rib_rts_get(rib, rt, u.n_rt);
	if (!u.rts)
		return;   /* out of memory: the routes are not taken */

	for (size_t base = 0; base < n_reach; base += RIB_BATCH) {
		size_t n = n_reach - base < RIB_BATCH ? n_reach - base : RIB_BATCH;

		rib_update_prefetch(rib, &u, reach + base, n, hashes);
		for (size_t i = 0; i < n; i++)
			rib_update_one(rib, &u, &reach[base + i], hashes[i]);
	}
	rib_rts_put(rib, u.rts);
}

/*
 * Every path of peer: mark it stale (and re-run selection where that changes the best path),
 * or remove it (only the stale ones when only_stale). Routes are collected first: removing
 * may free them.
 */
static void rib_peer_paths(struct evpn_rib *rib, uint32_t peer, bool only_stale, bool mark_stale)
{
	size_t cap = 1024, n = 0;
	struct rib_route **list = malloc(cap * sizeof(*list));

	if (!list)
		return;
	for (size_t i = 0; i < rib->routes.n_buckets; i++)
		for (struct rib_route *r = rib->routes.buckets[i]; r; r = r->hnext)
			for (struct rib_path *p = r->paths; p; p = p->next) {
				if (p->peer != peer || (only_stale && !p->stale))
					continue;
				if (mark_stale) {
					if (!p->stale)
						rib->n_stale++;
					p->stale = true;
				}
				if (n == cap) {
					struct rib_route **bigger = realloc(list, 2 * cap * sizeof(*list));

					if (!bigger)
						break;
					list = bigger;
					cap *= 2;
				}
				list[n++] = r;
			}
	for (size_t i = 0; i < n; i++) {
		if (mark_stale) {
			/* fresh paths before stale ones: another peer's may be best now */
			if (rib_select(list[i]) != list[i]->best)
				rib_route_changed(rib, list[i], list[i]->vni_idx);
			continue;
		}
		rib_path_remove(rib, list[i], peer);
		if (only_stale)
			rib->st.stale_removed++;
	}
	free(list);
}

void evpn_rib_peer_down(struct evpn_rib *rib, uint32_t peer, bool graceful)
{
	rib_peer_paths(rib, peer, false, graceful);
}

void evpn_rib_peer_flush_stale(struct evpn_rib *rib, uint32_t peer)
{
	if (rib->n_stale)   /* End-of-RIB after a fresh start: nothing to walk */
		rib_peer_paths(rib, peer, true, false);
}

uint64_t evpn_rib_peer_paths(const struct evpn_rib *rib, uint32_t peer)
{
	uint64_t n = 0;

	for (size_t i = 0; i < rib->routes.n_buckets; i++)
		for (const struct rib_route *r = rib->routes.buckets[i]; r; r = r->hnext)
			for (const struct rib_path *p = r->paths; p; p = p->next)
				n += p->peer == peer;
	return n;
}

/* Drop every MAC entry of vni_idx that no route holds any more (frozen or not). */
static void rib_vni_forget_macs(struct evpn_rib *rib, uint16_t vni_idx)
{
	struct rib_mac **list = NULL;
	size_t n = 0, cap = 0;

	for (size_t b = 0; b < rib->macs.n_buckets; b++)
		for (struct rib_mac *m = rib->macs.buckets[b]; m; m = m->hnext) {
			if ((uint16_t)(m->key >> 48) != vni_idx || m->n_routes || m->installed_vtep)
				continue;
			if (n == cap) {
				size_t c = cap ? 2 * cap : 16;
				struct rib_mac **bigger = realloc(list, c * sizeof(*list));

				if (!bigger)
					goto out;
				list = bigger;
				cap = c;
			}
			list[n++] = m;
		}
out:
	for (size_t i = 0; i < n; i++) {
		list[i]->local = list[i]->advertised = list[i]->frozen = false;
		rib_mac_put(rib, list[i]);
	}
	free(list);
}

/* Every route of the RIB for which keep(r, arg) holds, in a list the caller frees (NULL: none or no memory). */
static struct rib_route **rib_routes_where(const struct evpn_rib *rib, bool (*keep)(const struct rib_route *r,
											 const void *arg),
					   const void *arg, size_t *n)
{
	struct rib_route **list = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t b = 0; b < rib->routes.n_buckets; b++)
		for (struct rib_route *r = rib->routes.buckets[b]; r; r = r->hnext) {
			if (!keep(r, arg))
				continue;
			if (*n == cap) {
				size_t c = cap ? 2 * cap : 64;
				struct rib_route **bigger = realloc(list, c * sizeof(*list));

				if (!bigger)
					return list;
				list = bigger;
				cap = c;
			}
			list[(*n)++] = r;
		}
	return list;
}

static void rib_vni_imet(const struct evpn_rib *rib, uint16_t vni_idx, struct evpn_route *r)
{
	const struct rib_vni *v = &rib->vnis[vni_idx];

	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_IMET;
	memcpy(r->rd, v->rd, 8);
	r->ip_len = 32;
	memcpy(r->ip, &rib->cfg.vtep_ip, 4);
	r->label1 = v->vni;
}

static bool rib_route_unimported(const struct rib_route *r, const void *arg)
{
	(void)arg;
	return r->vni_idx == RIB_NO_VNI && r->best && (r->nlri.type == EVPN_RT_MAC_IP || r->nlri.type == EVPN_RT_IMET);
}

static bool rib_route_in_vni(const struct rib_route *r, const void *arg)
{
	return r->vni_idx == *(const uint16_t *)arg;
}

/* Would r import into vni_idx now? Any of its paths' route targets may bring it in. */
static bool rib_route_imports_into(const struct evpn_rib *rib, const struct rib_route *r, uint16_t vni_idx)
{
	for (const struct rib_path *p = r->paths; p; p = p->next)
		if (rib_import_vni_of(rib, r->import_vni, r->nlri.eth_tag, p->rts->rt, p->rts->n, r->import_ebgp) ==
		    vni_idx)
			return true;
	return false;
}

void evpn_rib_vni_start(struct evpn_rib *rib, uint16_t vni_idx)
{
	struct rib_route **list;
	struct evpn_route r;
	size_t n;

	if (vni_idx >= RIB_MAX_VNIS || !rib->vnis[vni_idx].active)
		return;
	rib_vni_imet(rib, vni_idx, &r);
	if (rib->ops.advertise)
		rib->ops.advertise(rib->ctx, &r, vni_idx, 0, false, false);
	/* the routes peers sent for it before it existed are in the RIB, not imported */
	list = rib_routes_where(rib, rib_route_unimported, NULL, &n);
	for (size_t i = 0; i < n; i++)
		if (rib_route_imports_into(rib, list[i], vni_idx))
			rib_route_changed(rib, list[i], vni_idx);
	free(list);
}

int evpn_rib_del_vni(struct evpn_rib *rib, uint16_t vni_idx)
{
	struct rib_route **list;
	struct evpn_route r;
	uint64_t *keys = NULL;
	size_t n = 0, cap = 0;

	if (vni_idx >= RIB_MAX_VNIS || !rib->vnis[vni_idx].active)
		return ENOENT;
	/* our MAC routes in it: withdrawn as when the MACs go */
	for (size_t b = 0; b < rib->macs.n_buckets; b++)
		for (const struct rib_mac *m = rib->macs.buckets[b]; m; m = m->hnext) {
			if ((uint16_t)(m->key >> 48) != vni_idx || !m->local)
				continue;
			if (n == cap) {
				size_t c = cap ? 2 * cap : 64;
				uint64_t *bigger = realloc(keys, c * sizeof(*keys));

				if (!bigger)
					break;
				keys = bigger;
				cap = c;
			}
			keys[n++] = m->key;
		}
	for (size_t i = 0; i < n; i++) {
		uint8_t mac[6];

		for (int k = 0; k < 6; k++)
			mac[k] = (uint8_t)(keys[i] >> (40 - 8 * k));
		evpn_rib_local_mac(rib, vni_idx, mac, false, false);
	}
	free(keys);
	rib_vni_imet(rib, vni_idx, &r);
	if (rib->ops.advertise)
		rib->ops.advertise(rib->ctx, &r, vni_idx, 0, false, true);
	/* received routes imported into it: no longer (their MACs, flood entries and ARP bindings go) */
	list = rib_routes_where(rib, rib_route_in_vni, &vni_idx, &n);
	for (size_t i = 0; i < n; i++)
		rib_route_changed(rib, list[i], RIB_NO_VNI);
	free(list);
	for (uint16_t i = 0; i < rib->n_active; i++)
		if (rib->active[i] == vni_idx) {
			rib->active[i] = rib->active[--rib->n_active];
			break;
		}
	memset(&rib->vnis[vni_idx], 0, sizeof(rib->vnis[vni_idx]));
	/* what is left of its MACs (a duplicate frozen here) goes too: the index may serve another VNI */
	rib_vni_forget_macs(rib, vni_idx);
	return 0;
}

/* ---- walks and state ---- */

void evpn_rib_walk_local(const struct evpn_rib *rib, evpn_rib_local_cb cb, void *arg)
{
	for (uint16_t i = 0; i < RIB_MAX_VNIS; i++) {
		const struct rib_vni *v = &rib->vnis[i];
		struct evpn_route r;

		if (!v->active)
			continue;
		memset(&r, 0, sizeof(r));
		r.type = EVPN_RT_IMET;
		memcpy(r.rd, v->rd, 8);
		r.ip_len = 32;
		memcpy(r.ip, &rib->cfg.vtep_ip, 4);
		r.label1 = v->vni;
		cb(&r, i, 0, false, arg);
	}
	for (size_t b = 0; b < rib->macs.n_buckets; b++)
		for (const struct rib_mac *m = rib->macs.buckets[b]; m; m = m->hnext) {
			uint16_t vni_idx = (uint16_t)(m->key >> 48);
			struct evpn_route r;

			if (!m->advertised)
				continue;
			memset(&r, 0, sizeof(r));
			r.type = EVPN_RT_MAC_IP;
			memcpy(r.rd, rib->vnis[vni_idx].rd, 8);
			rib_mac_addr(m, r.mac);
			r.label1 = rib->vnis[vni_idx].vni;
			cb(&r, vni_idx, m->local_seq, m->local_sticky, arg);
			if (m->local_ip) {
				r.ip_len = 32;
				memcpy(r.ip, &m->local_ip, 4);
				cb(&r, vni_idx, m->local_seq, m->local_sticky, arg);
			}
			for (unsigned k = 0; m->local_ip6 && k < m->local_ip6->n; k++) {
				r.ip_len = 128;
				memcpy(r.ip, m->local_ip6->a[k], 16);
				cb(&r, vni_idx, m->local_seq, m->local_sticky, arg);
			}
		}
}

void evpn_rib_walk(const struct evpn_rib *rib, evpn_rib_path_cb cb, void *arg)
{
	for (size_t i = 0; i < rib->routes.n_buckets; i++)
		for (const struct rib_route *r = rib->routes.buckets[i]; r; r = r->hnext)
			for (const struct rib_path *p = r->paths; p; p = p->next) {
				struct evpn_rib_path_info info = {
					.route = &r->nlri, .peer = p->peer, .nexthop = p->nexthop,
					.vni_idx = r->vni_idx, .seq = p->seq, .local_pref = p->local_pref,
					.sticky = p->sticky,
					.best = p == r->best, .stale = p->stale, .local = false,
					.n_rt = p->rts->n, .rts = p->rts->rt,
					.l3vni = r->l3 && p == r->best ? r->l3->l3vni : 0,
				};

				memcpy(info.rmac, p->rmac, 6);
				cb(&info, arg);
			}
}

void evpn_rib_mac_info(const struct evpn_rib *rib, uint16_t vni_idx, const uint8_t mac[6],
		       struct evpn_rib_mac_info *info)
{
	struct rib_mac *m = rib_mac_get((struct evpn_rib *)rib, vni_idx, mac, false);
	const struct rib_path *rp;

	memset(info, 0, sizeof(*info));
	if (!m)
		return;
	rp = rib_mac_best_remote(rib, m);
	info->known = true;
	info->local = m->local;
	info->frozen = m->frozen;
	info->sticky = m->local ? m->local_sticky : (rp && rp->sticky);
	info->local_seq = m->local_seq;
	info->remote = rp != NULL;
	info->remote_seq = rp ? rp->seq : 0;
	info->remote_vtep = rp ? rp->nexthop : 0;
	info->moves = m->moves;
}

uint64_t evpn_rib_route_hash(const struct evpn_rib *rib, const struct evpn_route *r)
{
	return rib_route_hash(rib, r);
}

void evpn_rib_get_stats(const struct evpn_rib *rib, struct evpn_rib_stats *st)
{
	*st = rib->st;
	st->routes = rib->routes.n;
	st->macs = rib->macs.n;
	st->l3_prefixes = rib->l3s.n;
}
