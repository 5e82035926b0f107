/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_walk.h: the configuration loader's walker (config_walk.c), which its section modules
 * use (config.c: vtep/underlay/fastpath/vnis/ports and the loader; config_bgp.c: the bgp
 * section and a VNI's EVPN keys; config_memif.c: a port's kind and the memif keys): the parse
 * context, the key tables, the typed scalars and the node helpers. Every helper that
 * fails writes one "FILE:LINE:COLUMN: message" line and returns a positive errno.
 */
#ifndef VTEP_CONFIG_WALK_H
#define VTEP_CONFIG_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "vtep_config.h"

#define CFG_MAX_FILE_SIZE (16u << 20)    /* refuse larger configuration files */
#define CFG_MAX_FLOOD 256                /* flood addresses per VNI */
#define CFG_PID_MAX 4194304              /* PID_MAX_LIMIT */
#define CFG_MAC_AGING_MAX (86400u * 7)
#define CFG_SHOW_MAX 48                  /* bytes of a user value quoted in a message */
#define CFG_MAX_DEPTH 32                 /* collection nesting; the schema needs 5 */

struct cfg_ctx {
	const char *name;                /* file name used in messages */
	const char *input;               /* raw bytes, to place reader errors */
	size_t input_len;
	yaml_document_t *doc;
	struct vtep_config *cfg;
	char *err;
	size_t errlen;
};

/*
 * The schema is table-driven: every mapping of the file (a section, a list entry) has a table
 * of struct cfg_key, one line per key, in the order the "expected one of" messages list them.
 * cfg_map_open() checks the node is a mapping, matches its keys against the table (unknown,
 * duplicate and missing required keys) and stores the defaults of the keys not given (also of
 * the nested mappings not given); cfg_map_pass() parses the keys of one pass in table order
 * into the object: "where it goes" is an offset into the struct the mapping fills.
 * Passes only order the checks (an entry's later keys may need its earlier ones); the rules
 * that tie keys together are small functions in the section code, run between passes.
 * A new key is one line in its table (and its field in vtep_config.h), e.g.
 *   { "arp_timeout", CFG_UINT, .min = 1, .max = 3600, .hint = "seconds", CFG_VNI(arp_timeout), CFG_DEF(60) },
 */
struct cfg_map;
struct cfg_key;

/* Parser of a CFG_FN key, or extra check of a typed key (after the value is stored). */
typedef int cfg_key_fn(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		       yaml_node_t *val, const char *path);

/* The keys of one kind of mapping, and what a value of another kind gets told it should be. */
struct cfg_table {
	const struct cfg_key *keys;
	size_t n_keys;
	const char *expected;
};

enum cfg_type {
	CFG_RAW,        /* recognised; the section code reads the node itself */
	CFG_UINT,       /* decimal integer min..max (hint after the range) into a 2, 4 or 8 byte field */
	CFG_BOOL,       /* true/false, yes/no, on/off into a bool, or an int (0/1) */
	CFG_IPV4,       /* unicast IPv4 address into a uint32_t, network order */
	CFG_IFNAME,     /* interface name into char[VTEP_IFNAME_MAX] */
	CFG_MAC,        /* unicast MAC address into uint8_t[6] */
	CFG_MAC_ANY,    /* same, also in Cisco's dotted form xxxx.xxxx.xxxx */
	CFG_STR,        /* any string, cut to fit char[size] */
	CFG_MAP,        /* a nested mapping, walked with table map (all its passes), into the same object */
	CFG_FN,         /* parsed by fn */
};

/* flags */
#define CFG_REQUIRED   0x1u
#define CFG_NULL_OK    0x2u     /* a plain null value (nothing, ~, null) means absent */
#define CFG_ONLY_AF_XDP (1u << (8 + VTEP_PORT_AF_XDP))   /* a key of one kind of port only */
#define CFG_ONLY_MEMIF  (1u << (8 + VTEP_PORT_MEMIF))
#define CFG_ONLY_MASK  0xff00u

struct cfg_key {
	const char *name;
	enum cfg_type type;
	unsigned flags;
	unsigned pass;                   /* cfg_map_pass() number that parses it */
	uint64_t min, max;               /* CFG_UINT */
	const char *hint;                /* CFG_UINT: said after the range */
	size_t off, size;                /* where it goes in the mapping's object */
	cfg_key_fn *fn;                  /* CFG_FN: the parser; other types: a check after storing */
	const struct cfg_table *map;     /* CFG_MAP */
	bool has_def;                    /* stored at off when the key is absent (or null with CFG_NULL_OK) */
	int64_t def;
};

/* The default of a key: stored as the key's value would be (a 1-byte field is a bool). */
#define CFG_DEF(v) .has_def = true, .def = (v)

/* Where a key goes: .off and .size of member f of struct type t. */
#define CFG_AT(t, f) .off = offsetof(t, f), .size = sizeof(((t *)0)->f)

#define CFG_MAX_KEYS 16

/* One mapping being walked against its table. */
struct cfg_map {
	const char *path;                /* in messages; NULL: the top level */
	yaml_node_t *node;
	const struct cfg_key *keys;
	size_t n_keys;
	void *obj;                       /* what the keys' offsets point into */
	yaml_node_t *key[CFG_MAX_KEYS], *val[CFG_MAX_KEYS];   /* as given, per table line; NULL: absent */
};

#define CFG_KEYS(t) (t), (sizeof(t) / sizeof((t)[0]))

/*
 * Check that val (the value of key, or a list item: key == val) is a mapping (else "expected
 * t->expected"), and match its keys against t's: unknown, non-scalar and duplicate keys are
 * errors at the key; a missing required key is an error at key (path NULL: the top level,
 * whose required keys cfg_map_require() checks later). obj is what the keys fill.
 */
int cfg_map_open(struct cfg_ctx *c, struct cfg_map *m, yaml_node_t *key, yaml_node_t *val, const char *path,
		 const struct cfg_table *t, void *obj);
int cfg_map_require(struct cfg_ctx *c, const struct cfg_map *m, const yaml_mark_t *where);
/* Parse the keys of pass, in table order; cfg_map_passes(): all passes, in order. */
int cfg_map_pass(struct cfg_ctx *c, const struct cfg_map *m, unsigned pass);
int cfg_map_passes(struct cfg_ctx *c, const struct cfg_map *m);
/* The key node of name as given (NULL: absent), and its value. */
yaml_node_t *cfg_map_key(const struct cfg_map *m, const char *name);
yaml_node_t *cfg_map_val(const struct cfg_map *m, const char *name);
/* A given key whose CFG_ONLY_* flags exclude kind (NULL: none). */
const struct cfg_key *cfg_map_other_kind(const struct cfg_map *m, unsigned kind);
/* Exactly one of keys a and b: errors at the later one when both, at the mapping when neither. */
int cfg_map_one_of(struct cfg_ctx *c, const struct cfg_map *m, const char *a, const char *b, const char *or_else);
/* The object a key of m points at. */
static inline void *cfg_field(const struct cfg_map *m, const struct cfg_key *k)
{
	return (char *)m->obj + k->off;
}

int cfg_fail(struct cfg_ctx *c, const yaml_mark_t *m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* cfg_fail at a line and column of the file (1-based), for errors not tied to one node. */
int cfg_fail_lc(struct cfg_ctx *c, size_t line, size_t col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int cfg_nomem(struct cfg_ctx *c);
bool cfg_is_null(const yaml_node_t *n);
const yaml_mark_t *cfg_mark(const yaml_node_t *key, const yaml_node_t *val);
const char *cfg_show(const yaml_node_t *n, char *buf, size_t size);
/* cfg_show for len bytes at s (not NUL-terminated): control bytes escaped, long values cut. */
const char *cfg_show_str(const char *s, size_t len, char *buf, size_t size);
int cfg_kind(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
	     const char *expected);
size_t cfg_seq_len(const yaml_node_t *seq);
yaml_node_t *cfg_seq_item(struct cfg_ctx *c, const yaml_node_t *seq, size_t i);
yaml_node_t *cfg_map_get(struct cfg_ctx *c, const yaml_node_t *map, const char *name);
void cfg_path(char *dst, size_t size, const char *parent, const char *key);
void cfg_path_idx(char *dst, size_t size, const char *parent, size_t i);
int cfg_scalar(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
	       const char *expected, const char **out);
int cfg_uint(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path, uint64_t min,
	     uint64_t max, const char *hint, uint64_t *out);
int cfg_bool(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path, bool *out);
int cfg_ipv4_unicast(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
		     uint32_t *ip);
/* A unicast, non-zero MAC; dotted: Cisco's xxxx.xxxx.xxxx form is taken too. */
int cfg_mac_unicast(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path, bool dotted,
		    uint8_t mac[6]);
/* An interface name of len bytes at s (need not end there: a devargs option) that the kernel takes. */
bool cfg_ifname_ok(const char *s, size_t len);
/* A scalar interface name into out; the error names path. */
int cfg_ifname(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
	       char out[VTEP_IFNAME_MAX]);

#endif
