/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_bgp.c: the bgp section of the configuration (the EVPN speaker and its
 * neighbours) and the EVPN keys of a VNI (route distinguisher, route targets). Route
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
 *       rd: 10.0.0.1:32867        # or auto
 *       route_targets: {import: [65000:100], export: [65001:100]}   # each list: or auto
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"
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
static int cfg_update_source(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val, const char *path,
			     struct vtep_bgp_neighbor_config *n)
{
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc;

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
static int cfg_listen(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val)
{
	struct vtep_bgp_config *b = &c->cfg->bgp;
	size_t n;
	int rc;

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

static int cfg_neighbor(struct cfg_ctx *c, yaml_node_t *item, const char *path, struct vtep_bgp_neighbor_config *n)
{
	struct cfg_field f[] = {
		{ "address", true, NULL, NULL },
		{ "remote_as", true, NULL, NULL },
		{ "passive", false, NULL, NULL },
		{ "password", false, NULL, NULL },
		{ "max_routes", false, NULL, NULL },
		{ "ttl_security", false, NULL, NULL },
		{ "hold_time", false, NULL, NULL },
		{ "description", false, NULL, NULL },
		{ "update_source", false, NULL, NULL },
		{ "local_preference", false, NULL, NULL },
	};
	char sub[224];
	const char *s;
	uint32_t v;
	int rc;

	if (item->type != YAML_MAPPING_NODE)
		return cfg_kind(c, item, item, path, "a mapping with 'address' and 'remote_as'");
	rc = cfg_collect(c, item, path, &item->start_mark, f, 10);
	if (rc)
		return rc;
	n->line = (int)item->start_mark.line + 1;
	cfg_path(sub, sizeof(sub), path, "address");
	if ((rc = cfg_ipv4_unicast(c, f[0].key, f[0].val, sub, &n->address)))
		return rc;
	if (n->address == c->cfg->source_ip)
		return cfg_fail(c, cfg_mark(f[0].key, f[0].val), "%s: is this VTEP's own vtep.source_ip "
				"(expected the address of a BGP neighbour)", sub);
	cfg_path(sub, sizeof(sub), path, "remote_as");
	if ((rc = cfg_u32(c, f[1].key, f[1].val, sub, 1, UINT32_MAX, NULL, &n->remote_as)))
		return rc;
	if (f[2].val) {
		cfg_path(sub, sizeof(sub), path, "passive");
		if ((rc = cfg_bool(c, f[2].key, f[2].val, sub, &n->passive)))
			return rc;
	}
	if (f[3].val) {
		cfg_path(sub, sizeof(sub), path, "password");
		if ((rc = cfg_scalar(c, f[3].key, f[3].val, sub, "a string", &s)))
			return rc;
		if (!*s || strlen(s) >= sizeof(n->password))
			return cfg_fail(c, cfg_mark(f[3].key, f[3].val), "%s: %zu characters (expected 1..%zu, "
					"the TCP MD5 key limit)", sub, strlen(s), sizeof(n->password) - 1);
		snprintf(n->password, sizeof(n->password), "%s", s);
	}
	if (f[4].val) {
		cfg_path(sub, sizeof(sub), path, "max_routes");
		if ((rc = cfg_u32(c, f[4].key, f[4].val, sub, 0, UINT32_MAX, "0 = unlimited", &n->max_routes)))
			return rc;
	}
	if (f[5].val) {
		cfg_path(sub, sizeof(sub), path, "ttl_security");
		if ((rc = cfg_bool(c, f[5].key, f[5].val, sub, &n->ttl_security)))
			return rc;
	}
	if (f[6].val) {
		cfg_path(sub, sizeof(sub), path, "hold_time");
		if ((rc = cfg_u32(c, f[6].key, f[6].val, sub, 0, 65535, "0 = bgp.hold_time", &v)))
			return rc;
		if (v > 0 && v < 3)
			return cfg_fail(c, cfg_mark(f[6].key, f[6].val), "%s: %u is not allowed (expected 0 or "
					"3..65535, RFC 4271)", sub, v);
		n->hold_time = (uint16_t)v;
	}
	if (f[7].val) {
		cfg_path(sub, sizeof(sub), path, "description");
		if ((rc = cfg_scalar(c, f[7].key, f[7].val, sub, "a string", &s)))
			return rc;
		snprintf(n->description, sizeof(n->description), "%s", s);
	}
	if (f[8].val) {
		cfg_path(sub, sizeof(sub), path, "update_source");
		if ((rc = cfg_update_source(c, f[8].key, f[8].val, sub, n)))
			return rc;
	}
	if (f[9].val) {
		cfg_path(sub, sizeof(sub), path, "local_preference");
		if ((rc = cfg_u32(c, f[9].key, f[9].val, sub, 0, UINT32_MAX, "sent to iBGP neighbours", &n->local_pref)))
			return rc;
		if (n->remote_as != c->cfg->bgp.asn)
			return cfg_fail(c, cfg_mark(f[9].key, f[9].val), "%s: the neighbour is eBGP (remote_as %u, bgp.asn %u) "
					"and LOCAL_PREF goes to iBGP neighbours only", sub, n->remote_as, c->cfg->bgp.asn);
		n->has_local_pref = true;
	}
	return 0;
}

static int cfg_neighbors(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val)
{
	struct vtep_bgp_config *b = &c->cfg->bgp;
	size_t n;
	int rc;

	if (cfg_is_null(val))
		return 0;
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

static int cfg_dup_detect(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val)
{
	struct vtep_bgp_config *b = &c->cfg->bgp;
	struct cfg_field f[] = {
		{ "max_moves", false, NULL, NULL },
		{ "window", false, NULL, NULL },
	};
	int rc;

	if (val->type != YAML_MAPPING_NODE)
		return cfg_kind(c, key, val, "bgp.duplicate_detection", "a mapping with 'max_moves' and 'window'");
	rc = cfg_collect(c, val, "bgp.duplicate_detection", &key->start_mark, f, 2);
	if (!rc && f[0].val)
		rc = cfg_u32(c, f[0].key, f[0].val, "bgp.duplicate_detection.max_moves", 2, 1000, NULL,
			     &b->dup_max_moves);
	if (!rc && f[1].val)
		rc = cfg_u32(c, f[1].key, f[1].val, "bgp.duplicate_detection.window", 1, 86400, "seconds",
			     &b->dup_window_sec);
	return rc;
}

int cfg_section_bgp(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val)
{
	struct vtep_bgp_config *b = &c->cfg->bgp;
	struct cfg_field f[] = {
		{ "asn", true, NULL, NULL },
		{ "router_id", false, NULL, NULL },
		{ "hold_time", false, NULL, NULL },
		{ "port", false, NULL, NULL },
		{ "graceful_restart", false, NULL, NULL },
		{ "restart_time", false, NULL, NULL },
		{ "rt_match_vni_only", false, NULL, NULL },
		{ "advertise", false, NULL, NULL },
		{ "arp_suppression", false, NULL, NULL },
		{ "duplicate_detection", false, NULL, NULL },
		{ "neighbors", false, NULL, NULL },
		{ "listen", false, NULL, NULL },
		{ "local_preference", false, NULL, NULL },
	};
	uint32_t v;
	int rc;

	if (val->type != YAML_MAPPING_NODE)
		return cfg_kind(c, key, val, "bgp", "a mapping with 'asn'");
	rc = cfg_collect(c, val, "bgp", &key->start_mark, f, 13);
	if (rc)
		return rc;
	b->enabled = true;
	b->router_id = c->cfg->source_ip;
	b->hold_time = 90;
	b->port = 179;
	b->graceful_restart = true;
	b->restart_time = 120;
	b->rt_match_vni_only = -1;
	b->advertise_local = true;
	b->arp_suppression = true;
	b->dup_max_moves = 5;
	b->dup_window_sec = 180;
	b->local_pref = VTEP_BGP_DEFAULT_LOCAL_PREF;
	if ((rc = cfg_u32(c, f[0].key, f[0].val, "bgp.asn", 1, UINT32_MAX, NULL, &b->asn)))
		return rc;
	if (f[1].val && (rc = cfg_ipv4_unicast(c, f[1].key, f[1].val, "bgp.router_id", &b->router_id)))
		return rc;
	if (f[2].val) {
		if ((rc = cfg_u32(c, f[2].key, f[2].val, "bgp.hold_time", 0, 65535, NULL, &v)))
			return rc;
		if (v > 0 && v < 3)
			return cfg_fail(c, cfg_mark(f[2].key, f[2].val), "bgp.hold_time: %u is not allowed "
					"(expected 0 or 3..65535, RFC 4271)", v);
		b->hold_time = (uint16_t)v;
	}
	if (f[3].val) {
		if ((rc = cfg_u32(c, f[3].key, f[3].val, "bgp.port", 1, 65535, NULL, &v)))
			return rc;
		b->port = (uint16_t)v;
	}
	if (f[4].val && (rc = cfg_bool(c, f[4].key, f[4].val, "bgp.graceful_restart", &b->graceful_restart)))
		return rc;
	if (f[5].val) {
		if ((rc = cfg_u32(c, f[5].key, f[5].val, "bgp.restart_time", 1, 4095, "seconds", &v)))
			return rc;
		b->restart_time = (uint16_t)v;
	}
	if (f[6].val) {
		const char *s;

		if ((rc = cfg_scalar(c, f[6].key, f[6].val, "bgp.rt_match_vni_only", "auto, true or false", &s)))
			return rc;
		if (!strcmp(s, "auto")) {
			b->rt_match_vni_only = -1;
		} else {
			bool on;

			if ((rc = cfg_bool(c, f[6].key, f[6].val, "bgp.rt_match_vni_only", &on)))
				return rc;
			b->rt_match_vni_only = on;
		}
	}
	if (f[7].val && (rc = cfg_bool(c, f[7].key, f[7].val, "bgp.advertise", &b->advertise_local)))
		return rc;
	if (f[8].val && (rc = cfg_bool(c, f[8].key, f[8].val, "bgp.arp_suppression", &b->arp_suppression)))
		return rc;
	if (f[9].val && (rc = cfg_dup_detect(c, f[9].key, f[9].val)))
		return rc;
	if (f[12].val && (rc = cfg_u32(c, f[12].key, f[12].val, "bgp.local_preference", 0, UINT32_MAX,
				       "sent to iBGP neighbours", &b->local_pref)))
		return rc;
	if (f[11].val && (rc = cfg_listen(c, f[11].key, f[11].val)))
		return rc;
	if (f[10].val && (rc = cfg_neighbors(c, f[10].key, f[10].val)))
		return rc;
	return 0;
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

int cfg_vni_evpn(struct cfg_ctx *c, yaml_node_t *rd_key, yaml_node_t *rd_val, yaml_node_t *rt_key,
		 yaml_node_t *rt_val, const char *path, struct vtep_vni_config *v)
{
	char sub[256], sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc;

	if (rd_val) {
		cfg_path(sub, sizeof(sub), path, "rd");
		if ((rc = cfg_scalar(c, rd_key, rd_val, sub, "auto or a route distinguisher", &s)))
			return rc;
		if (strcmp(s, "auto") != 0) {
			if (evpn_rd_parse(s, v->rd) != 0)
				return cfg_fail(c, cfg_mark(rd_key, rd_val), "%s: '%s' is not a route distinguisher "
						"(expected auto, A.B.C.D:NN, ASN:NN or 4-byte-ASN:NN)", sub,
						cfg_show(rd_val, sv, sizeof(sv)));
			v->has_rd = true;
		}
	}
	if (rt_val) {
		struct cfg_field f[] = {
			{ "import", false, NULL, NULL },
			{ "export", false, NULL, NULL },
		};

		cfg_path(sub, sizeof(sub), path, "route_targets");
		if (rt_val->type != YAML_MAPPING_NODE)
			return cfg_kind(c, rt_key, rt_val, sub, "a mapping with 'import' and/or 'export'");
		if ((rc = cfg_collect(c, rt_val, sub, &rt_key->start_mark, f, 2)))
			return rc;
		if (f[0].val) {
			cfg_path(sub, sizeof(sub), path, "route_targets.import");
			if ((rc = cfg_rt_list(c, f[0].key, f[0].val, sub, &v->rt_import, &v->n_rt_import)))
				return rc;
		}
		if (f[1].val) {
			cfg_path(sub, sizeof(sub), path, "route_targets.export");
			if ((rc = cfg_rt_list(c, f[1].key, f[1].val, sub, &v->rt_export, &v->n_rt_export)))
				return rc;
		}
	}
	return 0;
}
