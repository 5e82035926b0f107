/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_bgp.c: the bgp section of the configuration (the EVPN speaker and its
 * neighbours) and the EVPN keys of a VNI and of a VRF (route distinguisher, route targets). Route
 * distinguishers and targets are parsed by the EVPN codec (control/bgp/evpn.c).
 *
 *   bgp:
 *     asn: 65001                  # required
 *     router_id: 10.0.0.1         # default vtep.source_ip
 *     hold_time: 90               # 0 or 3..65535
 *     port: 179
 *     graceful_restart: true
 *     restart_time: 120           # 1..4095
 *     rt_match_vni_only: auto     # auto (eBGP on), true, false
 *     advertise: true             # originate type 2/3 for local MACs and VNIs
 *     arp_suppression: true
 *     duplicate_detection: {max_moves: 5, window: 180}
 *     listen: [192.168.0.1]       # default: all local addresses
 *     local_preference: 100       # LOCAL_PREF sent to iBGP peers
 *     neighbors:
 *       - {address: 10.0.0.254, remote_as: 65000, passive: false, password: s3cret,
 *          max_routes: 0, ttl_security: false, hold_time: 0, description: spine1,
 *          update_source: ul0,    # an address or an interface; default: the kernel's choice
 *          local_preference: 200} # iBGP only
 *   vnis:
 *     - vni: 100
 *       rd: 10.0.0.1:32867        # or auto: router-id:(32767 + the VNI's index + 1)
 *       route_targets: {import: [65000:100], export: [65001:100]}   # each list: or auto
 *   vrfs:
 *     - name: tenant
 *       rd: auto                  # router-id:(3 + the VRF's index), or as for a VNI
 *       route_targets: {import: auto, export: auto}   # auto: ASN:L3VNI
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_bgp.h"
#include "evpn.h"

/* An interface name as the kernel takes it, and nothing a DPDK devargs string would split on. */
static bool cfg_bgp_ifname_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= VTEP_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == ':' || ch == ',' || ch == '=')
			return false;
	}
	return true;
}

/* A neighbour's update_source: a unicast IPv4 address, or an interface name (its first IPv4 address). */
static int cfg_update_source(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			     yaml_node_t *val, const char *path)
{
	struct vtep_bgp_neighbor_config *n = m->obj;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc;

	(void)k;
	if ((rc = cfg_scalar(c, key, val, path, "an IPv4 address or an interface name", &s)))
		return rc;
	if (s[strspn(s, "0123456789.")] == '\0') {
		/* digits and dots: meant as an address */
		if ((rc = cfg_ipv4_unicast(c, key, val, path, &n->update_source)))
			return rc;
		if (n->update_source == n->address)
			return cfg_fail(c, cfg_mark(key, val), "%s: %s is the neighbour's own address (expected one of "
					"this host's addresses)", path, s);
		return 0;
	}
	if (strlen(s) != val->data.scalar.length || !cfg_bgp_ifname_ok(s))
		return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is neither an IPv4 address nor a valid interface name "
				"(expected e.g. 192.168.0.1 or ul0: 1..15 characters without '/', ':', ',', '=' or "
				"whitespace)", path, cfg_show(val, sv, sizeof(sv)));
	snprintf(n->update_source_if, sizeof(n->update_source_if), "%s", s);
	return 0;
}

/* bgp.listen: a list of local unicast IPv4 addresses, no duplicates. */
static int cfg_listen(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		      yaml_node_t *val, const char *path)
{
	struct vtep_bgp_config *b = m->obj;
	size_t n;
	int rc;

	(void)k;
	(void)path;
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, "bgp.listen", "a list of IPv4 addresses");
	n = cfg_seq_len(val);
	if (n == 0 || n > VTEP_BGP_MAX_LISTEN)
		return cfg_fail(c, cfg_mark(key, val), "bgp.listen: %zu addresses (expected 1..%d; leave the key out to "
				"listen on all addresses)", n, VTEP_BGP_MAX_LISTEN);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = cfg_seq_item(c, val, i);
		char sub[64];
		uint32_t a;

		cfg_path_idx(sub, sizeof(sub), "bgp.listen", i);
		if ((rc = cfg_ipv4_unicast(c, item, item, sub, &a)))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (b->listen[j] == a)
				return cfg_fail(c, &item->start_mark, "%s: duplicate address (also bgp.listen[%zu])", sub, j);
		b->listen[b->n_listen++] = a;
	}
	return 0;
}

/* 0 (no keepalives) or 3..65535 seconds (RFC 4271 4.2), of bgp or of a neighbour. */
static int cfg_hold_time(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			 yaml_node_t *val, const char *path)
{
	uint16_t v;

	memcpy(&v, cfg_field(m, k), sizeof(v));
	if (v > 0 && v < 3)
		return cfg_fail(c, cfg_mark(key, val), "%s: %u is not allowed (expected 0 or 3..65535, RFC 4271)",
				path, v);
	return 0;
}

static int cfg_nb_address(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			  yaml_node_t *val, const char *path)
{
	const struct vtep_bgp_neighbor_config *n = m->obj;

	(void)k;
	if (n->address == c->cfg->source_ip)
		return cfg_fail(c, cfg_mark(key, val), "%s: is this VTEP's own vtep.source_ip "
				"(expected the address of a BGP neighbour)", path);
	return 0;
}

static int cfg_nb_password(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			   yaml_node_t *val, const char *path)
{
	struct vtep_bgp_neighbor_config *n = m->obj;
	const char *s;
	int rc;

	(void)k;
	if ((rc = cfg_scalar(c, key, val, path, "a string", &s)))
		return rc;
	if (!*s || strlen(s) >= sizeof(n->password))
		return cfg_fail(c, cfg_mark(key, val), "%s: %zu characters (expected 1..%zu, "
				"the TCP MD5 key limit)", path, strlen(s), sizeof(n->password) - 1);
	snprintf(n->password, sizeof(n->password), "%s", s);
	return 0;
}

static int cfg_nb_local_pref(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			     yaml_node_t *val, const char *path)
{
	struct vtep_bgp_neighbor_config *n = m->obj;

	(void)k;
	if (n->remote_as != c->cfg->bgp.asn)
		return cfg_fail(c, cfg_mark(key, val), "%s: the neighbour is eBGP (remote_as %u, bgp.asn %u) "
				"and LOCAL_PREF goes to iBGP neighbours only", path, n->remote_as, c->cfg->bgp.asn);
	n->has_local_pref = true;
	return 0;
}

#define CFG_NB(f) CFG_AT(struct vtep_bgp_neighbor_config, f)
static const struct cfg_key cfg_neighbor_keys[] = {
	{ "address", CFG_IPV4, CFG_REQUIRED, CFG_NB(address), .fn = cfg_nb_address },
	{ "remote_as", CFG_UINT, CFG_REQUIRED, .min = 1, .max = UINT32_MAX, CFG_NB(remote_as) },
	{ "passive", CFG_BOOL, CFG_NB(passive) },
	{ "password", CFG_FN, .fn = cfg_nb_password },
	{ "max_routes", CFG_UINT, .max = UINT32_MAX, .hint = "0 = unlimited", CFG_NB(max_routes) },
	{ "ttl_security", CFG_BOOL, CFG_NB(ttl_security) },
	{ "hold_time", CFG_UINT, .max = 65535, .hint = "0 = bgp.hold_time", CFG_NB(hold_time), .fn = cfg_hold_time },
	{ "description", CFG_STR, CFG_NB(description) },
	{ "update_source", CFG_FN, .fn = cfg_update_source },
	{ "local_preference", CFG_UINT, .max = UINT32_MAX, .hint = "sent to iBGP neighbours", CFG_NB(local_pref),
	  .fn = cfg_nb_local_pref },
};
static const struct cfg_table cfg_neighbor_table = {
	CFG_KEYS(cfg_neighbor_keys), "a mapping with 'address' and 'remote_as'"
};

static int cfg_neighbor(struct cfg_ctx *c, yaml_node_t *item, const char *path, struct vtep_bgp_neighbor_config *n)
{
	struct cfg_map m;
	int rc;

	rc = cfg_map_open(c, &m, item, item, path, &cfg_neighbor_table, n);
	if (rc)
		return rc;
	n->line = (int)item->start_mark.line + 1;
	return cfg_map_passes(c, &m);
}

static int cfg_neighbors(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			 yaml_node_t *val, const char *npath)
{
	struct vtep_bgp_config *b = m->obj;
	size_t n;
	int rc;

	(void)k;
	(void)npath;
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, "bgp.neighbors", "a list of neighbours");
	n = cfg_seq_len(val);
	if (n > VTEP_BGP_MAX_NEIGHBORS)
		return cfg_fail(c, &key->start_mark, "bgp.neighbors: %zu neighbours (expected at most %d)", n,
				VTEP_BGP_MAX_NEIGHBORS);
	if (!n)
		return 0;
	b->neighbors = calloc(n, sizeof(*b->neighbors));
	if (!b->neighbors)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++) {
		char path[64];
		yaml_node_t *item = cfg_seq_item(c, val, i);

		cfg_path_idx(path, sizeof(path), "bgp.neighbors", i);
		rc = cfg_neighbor(c, item, path, &b->neighbors[i]);
		if (rc)
			return rc;
		b->n_neighbors++;
		for (size_t j = 0; j < i; j++)
			if (b->neighbors[j].address == b->neighbors[i].address)
				return cfg_fail(c, &cfg_map_get(c, item, "address")->start_mark,
						"%s.address: duplicate neighbour (first given at line %d)", path,
						b->neighbors[j].line);
	}
	return 0;
}

static int cfg_rt_match(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			yaml_node_t *val, const char *path)
{
	struct vtep_bgp_config *b = m->obj;
	const char *s;
	bool on;
	int rc;

	(void)k;
	if ((rc = cfg_scalar(c, key, val, path, "auto, true or false", &s)))
		return rc;
	if (!strcmp(s, "auto")) {
		b->rt_match_vni_only = -1;
		return 0;
	}
	if ((rc = cfg_bool(c, key, val, path, &on)))
		return rc;
	b->rt_match_vni_only = on;
	return 0;
}

#define CFG_BGP(f) CFG_AT(struct vtep_bgp_config, f)
static const struct cfg_key cfg_dup_keys[] = {
	{ "max_moves", CFG_UINT, .min = 2, .max = 1000, CFG_BGP(dup_max_moves), CFG_DEF(5) },
	{ "window", CFG_UINT, .min = 1, .max = 86400, .hint = "seconds", CFG_BGP(dup_window_sec), CFG_DEF(180) },
};
static const struct cfg_table cfg_dup_table = {
	CFG_KEYS(cfg_dup_keys), "a mapping with 'max_moves' and 'window'"
};

/* bgp: local_preference (pass 1) before listen (2) before the neighbours (3), which need it all. */
static const struct cfg_key cfg_bgp_keys[] = {
	{ "asn", CFG_UINT, CFG_REQUIRED, .min = 1, .max = UINT32_MAX, CFG_BGP(asn) },
	{ "router_id", CFG_IPV4, CFG_BGP(router_id) },
	{ "hold_time", CFG_UINT, .max = 65535, CFG_BGP(hold_time), .fn = cfg_hold_time, CFG_DEF(90) },
	{ "port", CFG_UINT, .min = 1, .max = 65535, CFG_BGP(port), CFG_DEF(179) },
	{ "graceful_restart", CFG_BOOL, CFG_BGP(graceful_restart), CFG_DEF(true) },
	{ "restart_time", CFG_UINT, .min = 1, .max = 4095, .hint = "seconds", CFG_BGP(restart_time), CFG_DEF(120) },
	{ "rt_match_vni_only", CFG_FN, .fn = cfg_rt_match, CFG_BGP(rt_match_vni_only), CFG_DEF(-1) },   /* -1: auto */
	{ "advertise", CFG_BOOL, CFG_BGP(advertise_local), CFG_DEF(true) },
	{ "arp_suppression", CFG_BOOL, CFG_BGP(arp_suppression), CFG_DEF(true) },
	{ "duplicate_detection", CFG_MAP, .map = &cfg_dup_table },
	{ "neighbors", CFG_FN, CFG_NULL_OK, .pass = 3, .fn = cfg_neighbors },
	{ "listen", CFG_FN, .pass = 2, .fn = cfg_listen },
	{ "local_preference", CFG_UINT, .pass = 1, .max = UINT32_MAX, .hint = "sent to iBGP neighbours", CFG_BGP(local_pref),
	  CFG_DEF(VTEP_BGP_DEFAULT_LOCAL_PREF) },
};
static const struct cfg_table cfg_bgp_table = { CFG_KEYS(cfg_bgp_keys), "a mapping with 'asn'" };

int cfg_section_bgp(struct cfg_ctx *c, const struct cfg_map *top, const struct cfg_key *k, yaml_node_t *key,
		    yaml_node_t *val, const char *path)
{
	struct vtep_bgp_config *b = &c->cfg->bgp;
	struct cfg_map m;
	int rc;

	(void)top;
	(void)k;
	rc = cfg_map_open(c, &m, key, val, path, &cfg_bgp_table, b);
	if (rc)
		return rc;
	b->enabled = true;
	b->router_id = c->cfg->source_ip;   /* the default that depends on another section */
	return cfg_map_passes(c, &m);
}

/* A list of route targets, or "auto" (n = 0). */
static int cfg_rt_list(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val, const char *path, uint64_t **out,
		       uint32_t *n_out)
{
	char sv[CFG_SHOW_MAX + 16], sub[256];
	const char *s;
	size_t n;

	if (val->type == YAML_SCALAR_NODE) {
		if (cfg_scalar(c, key, val, path, "auto or a list of route targets", &s) == 0 && !strcmp(s, "auto"))
			return 0;
		return cfg_fail(c, cfg_mark(key, val), "%s: '%s' (expected auto or a list of route targets "
				"like [65000:100])", path, cfg_show(val, sv, sizeof(sv)));
	}
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, path, "auto or a list of route targets");
	n = cfg_seq_len(val);
	if (n == 0 || n > 64)
		return cfg_fail(c, cfg_mark(key, val), "%s: %zu route targets (expected 1..64, or auto)", path, n);
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = cfg_seq_item(c, val, i);
		int rc;

		cfg_path_idx(sub, sizeof(sub), path, i);
		if ((rc = cfg_scalar(c, item, item, sub, "a route target", &s)))
			return rc;
		if (evpn_rt_parse(s, &(*out)[i]) != 0)
			return cfg_fail(c, &item->start_mark, "%s: '%s' is not a route target (expected ASN:NN, "
					"4-byte-ASN:NN or A.B.C.D:NN)", sub, cfg_show(item, sv, sizeof(sv)));
		(*n_out)++;
	}
	return 0;
}

/* A route distinguisher, or "auto" (has stays false). */
static int cfg_rd(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val, const char *path, bool *has, uint8_t rd[8])
{
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc;

	if ((rc = cfg_scalar(c, key, val, path, "auto or a route distinguisher", &s)))
		return rc;
	if (strcmp(s, "auto") != 0) {
		if (evpn_rd_parse(s, rd) != 0)
			return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is not a route distinguisher "
					"(expected auto, A.B.C.D:NN, ASN:NN or 4-byte-ASN:NN)", path,
					cfg_show(val, sv, sizeof(sv)));
		*has = true;
	}
	return 0;
}

int cfg_vni_rd(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
	       yaml_node_t *val, const char *path)
{
	struct vtep_vni_config *v = m->obj;

	(void)k;
	return cfg_rd(c, key, val, path, &v->has_rd, v->rd);
}

static int cfg_rt_import(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			 yaml_node_t *val, const char *path)
{
	struct vtep_vni_config *v = m->obj;

	(void)k;
	return cfg_rt_list(c, key, val, path, &v->rt_import, &v->n_rt_import);
}

static int cfg_rt_export(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			 yaml_node_t *val, const char *path)
{
	struct vtep_vni_config *v = m->obj;

	(void)k;
	return cfg_rt_list(c, key, val, path, &v->rt_export, &v->n_rt_export);
}

/* vnis[].route_targets */
static const struct cfg_key cfg_rt_keys[] = {
	{ "import", CFG_FN, .fn = cfg_rt_import },
	{ "export", CFG_FN, .fn = cfg_rt_export },
};
const struct cfg_table cfg_rt_table = { CFG_KEYS(cfg_rt_keys), "a mapping with 'import' and/or 'export'" };

/* vrfs[]: rd and route_targets, in the VNIs' form (auto: router-id:(3 + index), ASN:L3VNI). */
int cfg_vrf_rd(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
	       yaml_node_t *val, const char *path)
{
	struct vtep_vrf_config *v = m->obj;

	(void)k;
	return cfg_rd(c, key, val, path, &v->has_rd, v->rd);
}

static int cfg_vrf_rt_import(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			     yaml_node_t *val, const char *path)
{
	struct vtep_vrf_config *v = m->obj;

	(void)k;
	return cfg_rt_list(c, key, val, path, &v->rt_import, &v->n_rt_import);
}

static int cfg_vrf_rt_export(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			     yaml_node_t *val, const char *path)
{
	struct vtep_vrf_config *v = m->obj;

	(void)k;
	return cfg_rt_list(c, key, val, path, &v->rt_export, &v->n_rt_export);
}

/* vrfs[].route_targets */
static const struct cfg_key cfg_vrf_rt_keys[] = {
	{ "import", CFG_FN, .fn = cfg_vrf_rt_import },
	{ "export", CFG_FN, .fn = cfg_vrf_rt_export },
};
const struct cfg_table cfg_vrf_rt_table = { CFG_KEYS(cfg_vrf_rt_keys), "a mapping with 'import' and/or 'export'" };
