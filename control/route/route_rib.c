/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * route_rib.c: a VRF's routing information base (route_rib.h). Prefixes are found through
 * an rte_hash (keyed with a random seed per RIB, with the extendable table so that
 * max_prefixes always fit); each prefix holds its paths in an array sorted by preference
 * (source, then origin), so paths[0] is the best, and that is what the dataplane table
 * holds for the prefix. Only the best's changes reach the table.
 *
 * A withdrawal always succeeds in the RIB. When the next best cannot be programmed (the
 * table is out of next hops or blocks), the prefix leaves the table rather than keep
 * pointing at the withdrawn next hop, and stays in the RIB unprogrammed until its best
 * changes again (counted in refused).
 *
 * Entries come from chunks that grow from 16 KiB to 2 MiB, and freed ones are reused; chunks
 * of 256 KiB and more are mapped populated, as one 2 MiB huge page when the system has one
 * free (on these VMs a 4 KiB page's first touch costs 9 to 18 us even populated: most of
 * route ingest). Under AddressSanitizer each entry is its own calloc.
 */
#include "route_rib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_random.h>

#include "hugemem.h"
#include "log.h"

struct route_path {
	uint32_t src;               /* enum route_src */
	uint32_t origin;
	struct dp_route_nh nh;
};

struct route_entry {
	struct route_prefix pfx;
	bool installed;             /* the dataplane table holds paths[0] for this prefix */
	uint32_t n_paths, cap;
	struct route_path *paths;   /* sorted by (src, origin); &one while there is room in it */
	struct route_path one;      /* most prefixes have one path: no allocation of its own */
};

#if defined(__SANITIZE_ADDRESS__)
#define ROUTE_RIB_PLAIN_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ROUTE_RIB_PLAIN_MALLOC 1
#endif
#endif

#define ROUTE_CHUNK_FIRST (16u << 10)
#define ROUTE_CHUNK_MAX (2u << 20)
#define ROUTE_CHUNK_MAP (256u << 10)   /* chunks this big are mapped populated */
#define ROUTE_CHUNK_HUGE (2u << 20)    /* and are one 2 MiB huge page when there is one */

/* The head of an entries' chunk. */
struct route_chunk {
	struct route_chunk *next;
	size_t mapped;              /* the chunk's bytes when mmap'd, 0 when malloc'd */
};

struct route_rib {
	struct dp_route_table *dp;
	struct route_chunk *chunks;
	struct route_entry *free_entries;   /* linked through their paths pointer */
	struct route_entry *cur, *end;      /* the unused part of the newest chunk */
	size_t chunk_bytes;                 /* the next chunk's */
	struct rte_hash *hash;      /* struct route_prefix -> struct route_entry * */
	uint32_t max_prefixes;
	uint32_t heap_paths;        /* entries whose paths are an allocation of their own */
	struct route_rib_stats st;
	/*
	 * The last prefix looked up and what the hash said (NULL: not there). One change of a
	 * prefix looks it up several times (its paths, then the add); the hash is asked once.
	 * Kept true by every add and removal of a prefix.
	 */
	bool last_valid;
	struct route_prefix last_key;
	hash_sig_t last_sig;        /* last_key's hash, for the add that follows a miss */
	struct route_entry *last;
	char name[32];
};

static const char *const route_src_names[ROUTE_SRC_MAX] = {
	[ROUTE_SRC_CONNECTED] = "connected",
	[ROUTE_SRC_STATIC] = "static",
	[ROUTE_SRC_LOCAL_HOST] = "local",
	[ROUTE_SRC_EVPN_HOST] = "host",
	[ROUTE_SRC_EVPN_PREFIX] = "type-5",
};

const char *route_src_name(enum route_src src)
{
	return (unsigned)src < ROUTE_SRC_MAX ? route_src_names[src] : "?";
}

/* ---- prefixes ---- */

static unsigned route_af_bits(uint8_t family)
{
	return family == ROUTE_AF_V4 ? 32 : family == ROUTE_AF_V6 ? 128 : 0;
}

static void route_clear_host_bits(struct route_prefix *p)
{
	unsigned full = p->len / 8u;   /* whole bytes of the prefix; then a partial one and zeros */

	if (full < 16) {
		p->addr[full] &= (uint8_t)(0xff00u >> (p->len % 8u));
		memset(p->addr + full + 1, 0, 15 - full);
	}
}

/*
 * An IPv4 prefix (a4: the address's 4 bytes as they lie in memory, host bits clear) written
 * in whole words: the RIB's hash and compares read it back in words, and a word written in
 * parts (a byte here, 4 bytes there) cannot be forwarded from the store buffer to that load,
 * which then waits for the stores to retire.
 */
static void route_prefix_set4(struct route_prefix *p, uint32_t a4, uint8_t len)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w[3] = { ROUTE_AF_V4 | (uint64_t)len << 8 | (uint64_t)a4 << 16, 0, 0 };

	_Static_assert(sizeof(*p) == 20 && offsetof(struct route_prefix, addr) == 2, "route_prefix layout");
	memcpy(p, w, sizeof(*p));
#else
	memset(p, 0, sizeof(*p));
	p->family = ROUTE_AF_V4;
	p->len = len;
	memcpy(p->addr, &a4, 4);
#endif
}

/* The network-order mask of an IPv4 prefix length (<= 32), as a4 of route_prefix_set4. */
static uint32_t route_mask4_be(uint8_t len)
{
	return htonl(len ? ~0u << (32 - len) : 0);
}

/* A copy of *p with host bits cleared, or EINVAL. */
static int route_prefix_norm(const struct route_prefix *p, struct route_prefix *out)
{
	unsigned bits;

	if (p == NULL)
		return EINVAL;
	bits = route_af_bits(p->family);
	if (bits == 0 || p->len > bits)
		return EINVAL;
	if (p->family == ROUTE_AF_V4) {
		uint32_t a4;

		memcpy(&a4, p->addr, 4);
		route_prefix_set4(out, a4 & route_mask4_be(p->len), p->len);
		return 0;
	}
	memset(out, 0, sizeof(*out));
	out->family = p->family;
	out->len = p->len;
	memcpy(out->addr, p->addr, bits / 8);
	route_clear_host_bits(out);
	return 0;
}

int route_prefix_v4(struct route_prefix *p, uint32_t addr, uint8_t len)
{
	if (len > 32)
		return EINVAL;
	route_prefix_set4(p, htonl(addr) & route_mask4_be(len), len);
	return 0;
}

int route_prefix_v6(struct route_prefix *p, const uint8_t addr[16], uint8_t len)
{
	if (len > 128)
		return EINVAL;
	memset(p, 0, sizeof(*p));
	p->family = ROUTE_AF_V6;
	p->len = len;
	memcpy(p->addr, addr, 16);
	route_clear_host_bits(p);
	return 0;
}

int route_prefix_parse(const char *s, struct route_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash;
	size_t alen;
	unsigned long len;
	uint8_t a[16];

	if (s == NULL)
		return EINVAL;
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1) {
		len = 32;
		if (slash) {
			char *end;

			if (slash[1] < '0' || slash[1] > '9')
				return EINVAL;
			len = strtoul(slash + 1, &end, 10);
			if (*end != '\0' || len > 32)
				return EINVAL;
		}
		return route_prefix_v4(p, ((uint32_t)a[0] << 24) | ((uint32_t)a[1] << 16) | ((uint32_t)a[2] << 8) | a[3],
				       (uint8_t)len);
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		len = 128;
		if (slash) {
			char *end;

			if (slash[1] < '0' || slash[1] > '9')
				return EINVAL;
			len = strtoul(slash + 1, &end, 10);
			if (*end != '\0' || len > 128)
				return EINVAL;
		}
		return route_prefix_v6(p, a, (uint8_t)len);
	}
	return EINVAL;
}

void route_prefix_format(const struct route_prefix *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family == ROUTE_AF_V4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(buf, size, "%s/%u", a, p->len);
}

static uint32_t route_prefix_v4_host(const struct route_prefix *p)
{
	return ((uint32_t)p->addr[0] << 24) | ((uint32_t)p->addr[1] << 16) | ((uint32_t)p->addr[2] << 8) | p->addr[3];
}

/* ---- the dataplane ---- */

/* Program e's best path into the table. */
static int route_rib_program(struct route_rib *rib, const struct route_entry *e)
{
	uint32_t idx;
	int rc;

	rc = dp_route_nh_get(rib->dp, &e->paths[0].nh, &idx);
	if (rc != 0)
		return rc;
	if (e->pfx.family == ROUTE_AF_V4)
		/* not installed: the table has no route of the prefix (the RIB is its only writer) */
		rc = (e->installed ? dp_route_add4 : dp_route_add4_new)(rib->dp, route_prefix_v4_host(&e->pfx), e->pfx.len,
								       idx);
	else
		rc = dp_route_add6(rib->dp, e->pfx.addr, e->pfx.len, idx);
	dp_route_nh_put(rib->dp, idx);
	return rc;
}

static int route_rib_unprogram(struct route_rib *rib, const struct route_entry *e)
{
	if (e->pfx.family == ROUTE_AF_V4)
		return dp_route_del4(rib->dp, route_prefix_v4_host(&e->pfx), e->pfx.len);
	return dp_route_del6(rib->dp, e->pfx.addr, e->pfx.len);
}

/* ---- entries ---- */

#ifdef ROUTE_RIB_PLAIN_MALLOC
static struct route_entry *route_entry_alloc(struct route_rib *rib)
{
	(void)rib;
	return calloc(1, sizeof(struct route_entry));
}

static void route_entry_free(struct route_rib *rib, struct route_entry *e)
{
	if (e->paths != &e->one && e->paths != NULL) {
		free(e->paths);
		rib->heap_paths--;
	}
	free(e);
}
#else
static int route_chunk_grow(struct route_rib *rib)
{
	size_t bytes = rib->chunk_bytes ? rib->chunk_bytes : ROUTE_CHUNK_FIRST;
	struct route_chunk *c;

	if (bytes >= ROUTE_CHUNK_MAP) {
		/* a huge page while the pool has room, else 4 KiB pages (hugemem.h says why) */
		size_t mapped;
		void *m = hugemem_map(ROUTE_CHUNK_HUGE, bytes, &mapped);

		if (m == NULL)
			return ENOMEM;
		bytes = mapped;
		c = m;
		c->mapped = bytes;
	} else {
		c = malloc(bytes);
		if (c == NULL)
			return ENOMEM;
		c->mapped = 0;
	}
	c->next = rib->chunks;
	rib->chunks = c;
	/* entries start on the first multiple of their alignment after the head */
	rib->cur = (struct route_entry *)(void *)((char *)c + RTE_ALIGN_CEIL(sizeof(*c), _Alignof(struct route_entry)));
	rib->end = rib->cur + (bytes - (size_t)((char *)rib->cur - (char *)c)) / sizeof(struct route_entry);
	rib->chunk_bytes = bytes < ROUTE_CHUNK_MAX ? 2 * bytes : ROUTE_CHUNK_MAX;
	return 0;
}

static struct route_entry *route_entry_alloc(struct route_rib *rib)
{
	struct route_entry *e = rib->free_entries;

	if (e != NULL)
		rib->free_entries = (struct route_entry *)(void *)e->paths;
	else if (rib->cur == rib->end && route_chunk_grow(rib) != 0)
		return NULL;
	else
		e = rib->cur++;
	memset(e, 0, sizeof(*e));
	return e;
}

static void route_entry_free(struct route_rib *rib, struct route_entry *e)
{
	if (e->paths != &e->one && e->paths != NULL) {
		free(e->paths);
		rib->heap_paths--;
	}
	e->paths = (struct route_path *)(void *)rib->free_entries;
	rib->free_entries = e;
}
#endif

static void route_chunks_free(struct route_rib *rib)
{
	while (rib->chunks != NULL) {
		struct route_chunk *c = rib->chunks;

		rib->chunks = c->next;
		if (c->mapped)
			hugemem_unmap(c, c->mapped);
		else
			free(c);
	}
}

/* ---- the RIB ---- */

int route_rib_create(const char *name, struct dp_route_table *dp, uint32_t max_prefixes, struct route_rib **out)
{
	struct rte_hash_parameters hp = {0};
	struct route_rib *rib;
	char hname[RTE_HASH_NAMESIZE];

	*out = NULL;
	if (name == NULL || dp == NULL || max_prefixes == 0 || max_prefixes > RTE_HASH_ENTRIES_MAX ||
	    strlen(name) > 20) {
		vlog(VLOG_ERR, "route rib %s: invalid name (1..20 characters) or size %u", name ? name : "(null)",
		     max_prefixes);
		return EINVAL;
	}
	rib = calloc(1, sizeof(*rib));
	if (rib == NULL)
		return ENOMEM;
	snprintf(rib->name, sizeof(rib->name), "%s", name);
	snprintf(hname, sizeof(hname), "rib_%s", name);
	hp.name = hname;
	hp.entries = RTE_MAX(max_prefixes, 8u);
	hp.key_len = sizeof(struct route_prefix);
	hp.hash_func = rte_jhash;
	hp.hash_func_init_val = (uint32_t)rte_rand();
	hp.socket_id = SOCKET_ID_ANY;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	rte_errno = 0;
	rib->hash = rte_hash_create(&hp);
	if (rib->hash == NULL) {
		int err = rte_errno ? rte_errno : ENOMEM;

		vlog(VLOG_ERR, "route rib %s: rte_hash_create for %u prefixes: %s", name, max_prefixes, rte_strerror(err));
		free(rib);
		return err;
	}
	rib->dp = dp;
	rib->max_prefixes = max_prefixes;
	*out = rib;
	return 0;
}

static struct route_entry *route_rib_find(const struct route_rib *crib, const struct route_prefix *k)
{
	/* the one-entry cache is no part of the RIB's value: the lookups of a const RIB fill it too */
	struct route_rib *rib = (struct route_rib *)(uintptr_t)crib;
	void *data;

	if (rib->last_valid && memcmp(&rib->last_key, k, sizeof(*k)) == 0)
		return rib->last;
	rib->last_sig = rte_hash_hash(rib->hash, k);
	rib->last = rte_hash_lookup_with_hash_data(rib->hash, k, rib->last_sig, &data) >= 0 ? data : NULL;
	rib->last_key = *k;
	rib->last_valid = true;
	return rib->last;
}

void route_rib_prefetch(const struct route_rib *rib, const struct route_prefix *p, unsigned n)
{
	struct route_prefix keys[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	int32_t pos[RTE_HASH_LOOKUP_BULK_MAX];
	unsigned m = 0;

	for (unsigned i = 0; i < n && m < RTE_HASH_LOOKUP_BULK_MAX; i++)
		if (route_prefix_norm(&p[i], &keys[m]) == 0) {
			kp[m] = &keys[m];
			m++;
		}
	if (m)
		(void)rte_hash_lookup_bulk(rib->hash, kp, m, pos);   /* for its prefetch of the buckets */
}

static void route_entry_drop(struct route_rib *rib, struct route_entry *e)
{
	rte_hash_del_key(rib->hash, &e->pfx);
	rib->st.prefixes--;
	rib->last_valid = false;
	route_entry_free(rib, e);
}

/* Free the RIB; withdraw: its routes from the table first (one by one). */
static void route_rib_free_common(struct route_rib *rib, bool withdraw)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	bool each = withdraw || rib->heap_paths > 0;

#ifdef ROUTE_RIB_PLAIN_MALLOC
	each = true;                /* every entry is an allocation of its own */
#endif
	while (each && rte_hash_iterate(rib->hash, &key, &data, &next) >= 0) {
		struct route_entry *e = data;

		if (withdraw && e->installed)
			route_rib_unprogram(rib, e);
		route_entry_free(rib, e);
	}
	route_chunks_free(rib);
	rte_hash_free(rib->hash);
	free(rib);
}

void route_rib_free(struct route_rib *rib)
{
	if (rib != NULL)
		route_rib_free_common(rib, true);
}

void route_rib_drop(struct route_rib *rib)
{
	if (rib != NULL)
		route_rib_free_common(rib, false);
}

/* Where (src, origin) is in e's paths, or where it would go; *found says which. */
static uint32_t route_path_pos(const struct route_entry *e, uint32_t src, uint32_t origin, bool *found)
{
	uint32_t i;

	for (i = 0; i < e->n_paths; i++) {
		const struct route_path *q = &e->paths[i];

		if (q->src > src || (q->src == src && q->origin >= origin))
			break;
	}
	*found = i < e->n_paths && e->paths[i].src == src && e->paths[i].origin == origin;
	return i;
}

static void route_path_remove(struct route_entry *e, uint32_t pos)
{
	memmove(&e->paths[pos], &e->paths[pos + 1], (e->n_paths - pos - 1) * sizeof(e->paths[0]));
	e->n_paths--;
}

int route_rib_add(struct route_rib *rib, const struct route_prefix *p, enum route_src src, uint32_t origin,
		  const struct dp_route_nh *nh)
{
	struct route_prefix k;
	struct route_entry *e;
	struct route_path saved = {0};
	bool created = false, found;
	uint32_t pos;
	int rc;

	if (route_prefix_norm(p, &k) != 0 || (unsigned)src >= ROUTE_SRC_MAX || !dp_route_nh_valid(nh))
		return EINVAL;
	e = route_rib_find(rib, &k);
	if (e == NULL) {
		if (rib->st.prefixes >= rib->max_prefixes) {
			rib->st.refused++;
			return ENOSPC;
		}
		e = route_entry_alloc(rib);
		if (e == NULL)
			return ENOMEM;
		e->pfx = k;
		rc = rte_hash_add_key_with_hash_data(rib->hash, &e->pfx, rib->last_sig, e);   /* find hashed k */
		if (rc < 0) {
			route_entry_free(rib, e);
			rib->st.refused++;
			return -rc == ENOSPC ? ENOSPC : ENOMEM;
		}
		rib->last = e;
		rib->last_key = k;
		rib->last_valid = true;
		rib->st.prefixes++;
		created = true;
	}

	pos = route_path_pos(e, src, origin, &found);
	if (found) {
		if (memcmp(&e->paths[pos].nh, nh, sizeof(*nh)) == 0)
			return 0;
		saved = e->paths[pos];
		e->paths[pos].nh = *nh;
	} else {
		if (e->n_paths == e->cap) {
			uint32_t cap = e->cap ? 2 * e->cap : 1;
			struct route_path *np = cap == 1 ? &e->one : malloc(cap * sizeof(*np));

			if (np == NULL) {
				if (created)
					route_entry_drop(rib, e);
				return ENOMEM;
			}
			if (e->n_paths)
				memcpy(np, e->paths, e->n_paths * sizeof(*np));
			if (e->paths != &e->one && e->paths != NULL)
				free(e->paths);
			else if (np != &e->one)
				rib->heap_paths++;
			e->paths = np;
			e->cap = cap;
		}
		memmove(&e->paths[pos + 1], &e->paths[pos], (e->n_paths - pos) * sizeof(e->paths[0]));
		e->paths[pos] = (struct route_path){.src = src, .origin = origin, .nh = *nh};
		e->n_paths++;
	}

	if (pos == 0 || !e->installed) {
		rc = route_rib_program(rib, e);
		if (rc != 0) {
			/* undo: the table kept what it had */
			if (found)
				e->paths[pos] = saved;
			else
				route_path_remove(e, pos);
			rib->st.refused++;
			if (created)
				route_entry_drop(rib, e);
			return rc;
		}
		e->installed = true;
	}
	if (!found) {
		rib->st.paths++;
		rib->st.paths_by_src[src]++;
	}
	return 0;
}

/* The entry of p and the position of its (src, origin) path: 0, EINVAL or ENOENT. */
static int route_rib_locate(const struct route_rib *rib, const struct route_prefix *p, enum route_src src,
			    uint32_t origin, struct route_entry **e, uint32_t *pos)
{
	struct route_prefix k;
	bool found;

	if (route_prefix_norm(p, &k) != 0 || (unsigned)src >= ROUTE_SRC_MAX)
		return EINVAL;
	*e = route_rib_find(rib, &k);
	if (*e == NULL)
		return ENOENT;
	*pos = route_path_pos(*e, src, origin, &found);
	return found ? 0 : ENOENT;
}

int route_rib_del(struct route_rib *rib, const struct route_prefix *p, enum route_src src, uint32_t origin)
{
	struct route_entry *e;
	uint32_t pos;
	int rc = route_rib_locate(rib, p, src, origin, &e, &pos);

	if (rc != 0)
		return rc;
	route_path_remove(e, pos);
	rib->st.paths--;
	rib->st.paths_by_src[src]--;

	if (e->n_paths == 0) {
		if (e->installed)
			route_rib_unprogram(rib, e);
		route_entry_drop(rib, e);
		return 0;
	}
	if (pos == 0 || !e->installed) {
		rc = route_rib_program(rib, e);
		if (rc != 0) {
			char pfx[ROUTE_PREFIX_STRLEN];

			route_prefix_format(&e->pfx, pfx, sizeof(pfx));
			vlog(VLOG_WARN, "route rib %s: %s: the next best path (%s) does not fit the table (%s); "
			     "the prefix is not forwarded", rib->name, pfx, route_src_name(e->paths[0].src), strerror(rc));
			if (e->installed)
				route_rib_unprogram(rib, e);
			e->installed = false;
			rib->st.refused++;
		} else {
			e->installed = true;
		}
	}
	return 0;
}

int route_rib_path(const struct route_rib *rib, const struct route_prefix *p, enum route_src src, uint32_t origin,
		   struct dp_route_nh *nh)
{
	struct route_entry *e;
	uint32_t pos;
	int rc = route_rib_locate(rib, p, src, origin, &e, &pos);

	if (rc == 0)
		*nh = e->paths[pos].nh;
	return rc;
}

static void route_rib_info_of(const struct route_rib *rib, const struct route_entry *e, struct route_rib_info *info)
{
	memset(info, 0, sizeof(*info));
	info->prefix = e->pfx;
	info->src = (enum route_src)e->paths[0].src;
	info->origin = e->paths[0].origin;
	info->nh = e->paths[0].nh;
	info->n_paths = e->n_paths;
	info->installed = e->installed;
	if (e->installed) {
		if (e->pfx.family == ROUTE_AF_V4)
			dp_route_get4(rib->dp, route_prefix_v4_host(&e->pfx), e->pfx.len, &info->nh_idx);
		else
			dp_route_get6(rib->dp, e->pfx.addr, e->pfx.len, &info->nh_idx);
	}
}

int route_rib_best(const struct route_rib *rib, const struct route_prefix *p, struct route_rib_info *info)
{
	struct route_prefix k;
	const struct route_entry *e;

	if (route_prefix_norm(p, &k) != 0)
		return EINVAL;
	e = route_rib_find(rib, &k);
	if (e == NULL)
		return ENOENT;
	route_rib_info_of(rib, e, info);
	return 0;
}

void route_rib_walk(const struct route_rib *rib, route_rib_walk_cb cb, void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;

	while (rte_hash_iterate(rib->hash, &key, &data, &next) >= 0) {
		struct route_rib_info info;

		route_rib_info_of(rib, data, &info);
		if (cb(&info, arg) != 0)
			return;
	}
}

void route_rib_get_stats(const struct route_rib *rib, struct route_rib_stats *st)
{
	*st = rib->st;
}
