/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_l3.c: the L3 leaf's configuration (issue 14): tenant VRFs with their L3 VNIs, router
 * MACs, EVPN identifiers and advertised prefixes; a VNI's VRF and its distributed anycast
 * gateway (an IPv4 and an IPv6 address with the subnet's length); the fabric-wide gateway
 * MAC; and the checks that tie them together and to the VNIs, ports and bgp section.
 *
 *   vtep:
 *     anycast_gateway_mac: 0000.2222.3333     # or 00:00:22:22:33:33
 *   vrfs:
 *     - name: tenant                           # 1..15 of A-Z a-z 0-9 _ -
 *       l3vni: 900001
 *       router_mac: auto                       # or a unicast MAC
 *       rd: auto                               # config_bgp.c
 *       route_targets: {import: auto, export: auto}
 *       advertise: [10.9.0.0/16, 2001:db8:9::/48]
 *       advertise_subnets: false
 *   vnis:
 *     - vni: 5000
 *       vrf: tenant
 *       gateway: [192.168.1.1/24, 2001:db8:1::1/64]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_bgp.h"
#include "config_l3.h"

#define CFG_PFX_STR (INET6_ADDRSTRLEN + 8)   /* ADDRESS/LEN */

static const char *cfg_pfx4_str(uint32_t a, unsigned len, char buf[CFG_PFX_STR])
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	snprintf(buf, CFG_PFX_STR, "%s/%u", s, len);
	return buf;
}

static const char *cfg_pfx6_str(const uint8_t a[16], unsigned len, char buf[CFG_PFX_STR])
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	snprintf(buf, CFG_PFX_STR, "%s/%u", s, len);
	return buf;
}

/* The network order IPv4 mask of a prefix length 0..32. */
static uint32_t cfg_mask4(unsigned len)
{
	return htonl(len ? 0xffffffffu << (32 - len) : 0);
}

/* a with the bits past len cleared, into out. */
static void cfg_net6(const uint8_t a[16], unsigned len, uint8_t out[16])
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = len > i * 8 ? len - i * 8 : 0;

		out[i] = bits >= 8 ? a[i] : (uint8_t)(a[i] & (0xff00u >> bits));
	}
}

static bool cfg_same_net6(const uint8_t a[16], const uint8_t b[16], unsigned len)
{
	uint8_t na[16], nb[16];

	cfg_net6(a, len, na);
	cfg_net6(b, len, nb);
	return !memcmp(na, nb, 16);
}

/* ------------------------------------------------------------------ */
/* vtep.anycast_gateway_mac                                           */
/* ------------------------------------------------------------------ */

int cfg_anycast_gw_mac(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		       yaml_node_t *val, const char *path)
{
	(void)m;
	(void)k;
	(void)key;
	(void)val;
	(void)path;
	c->cfg->anycast_gw_mac_on = true;
	return 0;
}

int cfg_l3_mac_free(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
		    const uint8_t mac[6])
{
	const struct vtep_config *cfg = c->cfg;

	if (cfg->anycast_gw_mac_on && !memcmp(mac, cfg->anycast_gw_mac, 6))
		return cfg_fail(c, cfg_mark(key, val), "%s: %02x:%02x:%02x:%02x:%02x:%02x is vtep.anycast_gateway_mac "
				"(expected another MAC: the gateway MAC is every leaf's own)", path, mac[0], mac[1],
				mac[2], mac[3], mac[4], mac[5]);
	return 0;
}

/* ------------------------------------------------------------------ */
/* vrfs                                                               */
/* ------------------------------------------------------------------ */

static int cfg_vrf_name(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			yaml_node_t *val, const char *path)
{
	struct vtep_vrf_config *v = m->obj;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	size_t len;
	bool ok;
	int rc;

	(void)k;
	if ((rc = cfg_scalar(c, key, val, path, "a VRF name", &s)))
		return rc;
	len = val->data.scalar.length;
	ok = len >= 1 && len < sizeof(v->name);
	for (size_t i = 0; ok && i < len; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		     s[i] == '_' || s[i] == '-';
	if (!ok)
		return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is not a valid VRF name (expected 1..%zu characters "
				"of A-Z, a-z, 0-9, '_' or '-')", path, cfg_show(val, sv, sizeof(sv)), sizeof(v->name) - 1);
	if (!strcmp(s, "default") || !strcmp(s, "management"))
		return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is reserved (expected a tenant VRF's name: 'default' "
				"and 'management' are the underlay's, as on NX-OS)", path, s);
	memcpy(v->name, s, len + 1);
	for (const struct vtep_vrf_config *q = c->cfg->vrfs; q < v; q++)
		if (!strcmp(q->name, v->name))
			return cfg_fail(c, cfg_mark(key, val), "%s: duplicate VRF name '%s' (first declared at line %d)",
					path, v->name, q->line);
	return 0;
}

static int cfg_vrf_l3vni(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			 yaml_node_t *val, const char *path)
{
	const struct vtep_vrf_config *v = m->obj;

	(void)k;
	for (const struct vtep_vrf_config *q = c->cfg->vrfs; q < v; q++)
		if (q->l3vni == v->l3vni)
			return cfg_fail(c, cfg_mark(key, val), "%s: duplicate L3 VNI %u (first declared at line %d, "
					"VRF '%s')", path, v->l3vni, q->line, q->name);
	return 0;
}

static int cfg_vrf_router_mac(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			      yaml_node_t *val, const char *path)
{
	struct vtep_vrf_config *v = m->obj;
	const char *s;
	int rc;

	(void)k;
	if ((rc = cfg_scalar(c, key, val, path, "auto or a MAC address", &s)))
		return rc;
	if (!strcmp(s, "auto")) {
		v->router_mac_auto = true;   /* the table's default applies only when the key is absent */
		return 0;
	}
	if ((rc = cfg_mac_unicast(c, key, val, path, true, v->router_mac)))
		return rc;
	if (c->cfg->anycast_gw_mac_on && !memcmp(v->router_mac, c->cfg->anycast_gw_mac, 6))
		return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is vtep.anycast_gateway_mac (expected this leaf's own "
				"MAC, or auto: other leaves send routed frames to it over the L3 VNI)", path, s);
	v->router_mac_auto = false;
	return 0;
}

/* Why a prefix cannot be advertised (NULL: it can); host bits are checked apart. */
static const char *cfg_adv4_bad(uint32_t a, unsigned len)
{
	uint32_t h = ntohl(a);

	if (len >= 8 && (h >> 24) == 127)
		return "a loopback";
	if (len >= 3 && (h >> 29) == 7)
		return "a multicast or reserved (224/3)";
	return NULL;
}

static const char *cfg_adv6_bad(const uint8_t a[16], unsigned len)
{
	static const uint8_t loop[16] = { [15] = 1 };

	if (len >= 8 && a[0] == 0xff)
		return "a multicast";
	if (len >= 10 && a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "a link-local";
	if (len == 128 && !memcmp(a, loop, 16))
		return "a loopback";
	return NULL;
}

/* vrfs[].advertise: IPv4 and IPv6 prefixes announced as type 5, host bits zero, each once. */
static int cfg_vrf_advertise(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			     yaml_node_t *val, const char *path)
{
	struct vtep_vrf_config *v = m->obj;
	uint16_t at4[VTEP_VRF_MAX_PREFIXES], at6[VTEP_VRF_MAX_PREFIXES];   /* list index of each prefix kept */
	char ipath[96], sv[CFG_SHOW_MAX + 16], want[CFG_PFX_STR];
	size_t n;
	int rc;

	(void)k;
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, path, "a list of IPv4 and IPv6 prefixes");
	n = cfg_seq_len(val);
	if (n == 0)
		return 0;
	if (n > VTEP_VRF_MAX_PREFIXES)
		return cfg_fail(c, &cfg_seq_item(c, val, VTEP_VRF_MAX_PREFIXES)->start_mark,
				"%s: too many prefixes (%zu, expected at most %d)", path, n, VTEP_VRF_MAX_PREFIXES);
	v->prefix4 = calloc(n, sizeof(*v->prefix4));
	v->prefix6 = calloc(n, sizeof(*v->prefix6));
	if (!v->prefix4 || !v->prefix6)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = cfg_seq_item(c, val, i);
		const char *s, *why;
		uint8_t len;

		cfg_path_idx(ipath, sizeof(ipath), path, i);
		if ((rc = cfg_scalar(c, NULL, it, ipath, "a prefix", &s)))
			return rc;
		if (!strchr(s, ':')) {
			struct vtep_prefix4_config *p = &v->prefix4[v->n_prefix4];
			uint32_t a;

			if (vtep_parse_ipv4_prefix(s, &a, &len))
				goto not_prefix;
			if ((a & cfg_mask4(len)) != a)
				return cfg_fail(c, &it->start_mark, "%s: %s has host bits set (expected %s)", ipath, s,
						cfg_pfx4_str(a & cfg_mask4(len), len, want));
			if ((why = cfg_adv4_bad(a, len)))
				return cfg_fail(c, &it->start_mark, "%s: %s is %s prefix (expected a unicast prefix)",
						ipath, s, why);
			for (uint32_t j = 0; j < v->n_prefix4; j++)
				if (v->prefix4[j].addr == a && v->prefix4[j].len == len)
					return cfg_fail(c, &it->start_mark, "%s: duplicate prefix %s (also %s[%u])", ipath,
							s, path, (unsigned)at4[j]);
			p->addr = a;
			p->len = len;
			at4[v->n_prefix4++] = (uint16_t)i;
		} else {
			struct vtep_prefix6_config *p = &v->prefix6[v->n_prefix6];
			uint8_t a[16], net[16];

			if (vtep_parse_ipv6_prefix(s, a, &len))
				goto not_prefix;
			cfg_net6(a, len, net);
			if (memcmp(net, a, 16))
				return cfg_fail(c, &it->start_mark, "%s: %s has host bits set (expected %s)", ipath, s,
						cfg_pfx6_str(net, len, want));
			if ((why = cfg_adv6_bad(a, len)))
				return cfg_fail(c, &it->start_mark, "%s: %s is %s prefix (expected a unicast prefix)",
						ipath, s, why);
			for (uint32_t j = 0; j < v->n_prefix6; j++)
				if (!memcmp(v->prefix6[j].addr, a, 16) && v->prefix6[j].len == len)
					return cfg_fail(c, &it->start_mark, "%s: duplicate prefix %s (also %s[%u])", ipath,
							s, path, (unsigned)at6[j]);
			memcpy(p->addr, a, 16);
			p->len = len;
			at6[v->n_prefix6++] = (uint16_t)i;
		}
		continue;
not_prefix:
		return cfg_fail(c, &it->start_mark, "%s: '%s' is not a prefix (expected ADDRESS/LEN, e.g. 10.9.0.0/16 "
				"or 2001:db8:9::/48)", ipath, cfg_show(it, sv, sizeof(sv)));
	}
	return 0;
}

/* vrfs[]: name and L3 VNI first, so that every later message can name the VRF. */
#define CFG_VRF(f) CFG_AT(struct vtep_vrf_config, f)
static const struct cfg_key cfg_vrf_keys[] = {
	{ "name", CFG_FN, CFG_REQUIRED, .fn = cfg_vrf_name },
	{ "l3vni", CFG_UINT, CFG_REQUIRED, .min = 1, .max = VTEP_VNI_MAX, CFG_VRF(l3vni), .fn = cfg_vrf_l3vni },
	{ "router_mac", CFG_FN, .fn = cfg_vrf_router_mac, CFG_VRF(router_mac_auto), CFG_DEF(true) },
	{ "rd", CFG_FN, .fn = cfg_vrf_rd },
	{ "route_targets", CFG_MAP, .map = &cfg_vrf_rt_table },
	{ "advertise", CFG_FN, CFG_NULL_OK, .fn = cfg_vrf_advertise },
	{ "advertise_subnets", CFG_BOOL, CFG_VRF(advertise_subnets), CFG_DEF(false) },
	{ "max_ipv4_routes", CFG_UINT, .min = 1024, .max = VTEP_VRF_MAX_V4_ROUTES_LIMIT,
	  .hint = "IPv4 routes its table holds, preallocated", CFG_VRF(max_ipv4_routes), CFG_DEF(VTEP_VRF_MAX_V4_ROUTES) },
	{ "max_ipv6_routes", CFG_UINT, .min = 1024, .max = VTEP_VRF_MAX_V6_ROUTES_LIMIT,
	  .hint = "IPv6 routes its table holds, preallocated", CFG_VRF(max_ipv6_routes), CFG_DEF(VTEP_VRF_MAX_V6_ROUTES) },
};
static const struct cfg_table cfg_vrf_table = { CFG_KEYS(cfg_vrf_keys), "a mapping with 'name' and 'l3vni'" };

int cfg_section_vrfs(struct cfg_ctx *c, const struct cfg_map *top, const struct cfg_key *k, yaml_node_t *key,
		     yaml_node_t *val, const char *vpath)
{
	struct vtep_config *cfg = c->cfg;
	char path[64];
	size_t n;

	(void)top;
	(void)k;
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, vpath, "a sequence of VRF mappings");
	n = cfg_seq_len(val);
	if (n > VTEP_MAX_VRFS)
		return cfg_fail(c, &cfg_seq_item(c, val, VTEP_MAX_VRFS)->start_mark,
				"vrfs: too many VRFs (%zu, expected at most %d)", n, VTEP_MAX_VRFS);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = cfg_seq_item(c, val, i);
		struct vtep_vrf_config *v = &cfg->vrfs[i];
		struct cfg_map m;
		int rc;

		cfg_path_idx(path, sizeof(path), "vrfs", i);
		if ((rc = cfg_map_open(c, &m, item, item, path, &cfg_vrf_table, v)))
			return rc;
		v->line = (int)item->start_mark.line + 1;
		cfg->n_vrfs = (uint32_t)i + 1;   /* freed with the rest from here on */
		if ((rc = cfg_map_passes(c, &m)))
			return rc;
	}
	return 0;
}

int cfg_check_vni_total(struct cfg_ctx *c, yaml_node_t *vrfs)
{
	const struct vtep_config *cfg = c->cfg;
	size_t first = VTEP_MAX_VNIS > cfg->n_vnis ? VTEP_MAX_VNIS - cfg->n_vnis : 0;
	yaml_node_t *item, *node;

	if ((size_t)cfg->n_vnis + cfg->n_vrfs <= VTEP_MAX_VNIS)
		return 0;
	/* the first VRF whose L3 VNI does not fit */
	item = cfg_seq_item(c, vrfs, first);
	node = cfg_map_get(c, item, "l3vni");
	return cfg_fail(c, &(node ? node : item)->start_mark, "vrfs[%zu].l3vni: %u VNIs and %u L3 VNIs are more than "
			"%d (expected at most %d VNIs and L3 VNIs together: each VRF's L3 VNI is a VNI of the fast path)",
			first, cfg->n_vnis, cfg->n_vrfs, VTEP_MAX_VNIS, VTEP_MAX_VNIS);
}

/* Without a bgp section there is no EVPN: a VRF routes between its own VNIs on this leaf only. */
int cfg_check_vrfs_bgp(struct cfg_ctx *c, yaml_node_t *vrfs)
{
	const struct vtep_config *cfg = c->cfg;

	if (cfg->bgp.enabled)
		return 0;
	for (uint32_t i = 0; i < cfg->n_vrfs; i++) {
		const struct vtep_vrf_config *v = &cfg->vrfs[i];
		yaml_node_t *item = cfg_seq_item(c, vrfs, i), *node = NULL;
		const char *what = NULL;
		char path[96];

		if (v->has_rd) {
			what = "rd";
			node = cfg_map_get(c, item, "rd");
		} else if (v->n_rt_import || v->n_rt_export) {
			what = v->n_rt_import ? "route_targets.import" : "route_targets.export";
			node = cfg_map_get(c, cfg_map_get(c, item, "route_targets"), v->n_rt_import ? "import" : "export");
		} else if (v->n_prefix4 || v->n_prefix6) {
			what = "advertise";
			node = cfg_map_get(c, item, "advertise");
		} else if (v->advertise_subnets) {
			what = "advertise_subnets";
			node = cfg_map_get(c, item, "advertise_subnets");
		}
		if (!what || !node)
			continue;
		snprintf(path, sizeof(path), "vrfs[%u].%s", i, what);
		return cfg_fail(c, &node->start_mark, "%s: given without a 'bgp' section (expected a 'bgp' section with "
				"it, or the default: without BGP EVPN a VRF routes between its own VNIs on this leaf only)",
				path);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* A VNI's VRF and anycast gateway                                    */
/* ------------------------------------------------------------------ */

int cfg_vni_not_l3vni(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		      yaml_node_t *val, const char *path)
{
	const struct vtep_vni_config *v = m->obj;
	const struct vtep_config *cfg = c->cfg;

	(void)k;
	for (uint32_t i = 0; i < cfg->n_vrfs; i++)
		if (cfg->vrfs[i].l3vni == v->vni)
			return cfg_fail(c, cfg_mark(key, val), "%s: %u is the L3 VNI of VRF '%s' (line %d) (expected an "
					"L2 VNI: an L3 VNI is declared in 'vrfs' only)", path, v->vni, cfg->vrfs[i].name,
					cfg->vrfs[i].line);
	return 0;
}

int cfg_vni_vrf(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		yaml_node_t *val, const char *path)
{
	struct vtep_vni_config *v = m->obj;
	const struct vtep_vrf_config *vrf;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc;

	(void)k;
	if ((rc = cfg_scalar(c, key, val, path, "a VRF name", &s)))
		return rc;
	vrf = vtep_config_find_vrf(c->cfg, s);
	if (!vrf)
		return cfg_fail(c, cfg_mark(key, val), "%s: VRF '%s' is not declared in 'vrfs' (expected the name of "
				"a 'vrfs' entry)", path, cfg_show(val, sv, sizeof(sv)));
	v->vrf = (uint16_t)(vrf - c->cfg->vrfs);
	return 0;
}

/* An IPv4 gateway: a unicast host address of a subnet of length 1..31. */
static int cfg_gw4(struct cfg_ctx *c, const yaml_node_t *it, const char *ipath, const char *s, uint32_t a,
		   uint8_t len)
{
	uint32_t h = ntohl(a), host = len < 32 ? 0xffffffffu >> len : 0;

	if (len == 0 || len == 32)
		return cfg_fail(c, &it->start_mark, "%s: %s has prefix length %u (expected 1..31: the length of the "
				"subnet the gateway serves)", ipath, s, len);
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 29) == 7)
		return cfg_fail(c, &it->start_mark, "%s: %s is not a unicast host address (expected an address "
				"outside 0/8, 127/8 and 224/3)", ipath, s);
	if (len <= 30 && (h & host) == 0)
		return cfg_fail(c, &it->start_mark, "%s: %s is the subnet's own address (expected a host address: "
				"the host part non-zero)", ipath, s);
	if (len <= 30 && (h & host) == host)
		return cfg_fail(c, &it->start_mark, "%s: %s is the subnet's broadcast address (expected a host "
				"address of the subnet)", ipath, s);
	return 0;
}

/* An IPv6 gateway: global or unique-local unicast, subnet length 1..127, host part non-zero. */
static int cfg_gw6(struct cfg_ctx *c, const yaml_node_t *it, const char *ipath, const char *s, const uint8_t a[16],
		   uint8_t len)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint8_t net[16], zero[16] = { 0 };

	if (len == 0 || len == 128)
		return cfg_fail(c, &it->start_mark, "%s: %s has prefix length %u (expected 1..127: the length of the "
				"subnet the gateway serves)", ipath, s, len);
	if (a[0] == 0xff)
		return cfg_fail(c, &it->start_mark, "%s: %s is a multicast address (expected a unicast address)",
				ipath, s);
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return cfg_fail(c, &it->start_mark, "%s: %s is a link-local address (expected a global or unique "
				"local address: the gateway's link-local address comes from the gateway MAC)", ipath, s);
	if (!memcmp(a, zero, 15) || !memcmp(a, mapped, sizeof(mapped)))
		return cfg_fail(c, &it->start_mark, "%s: %s is not a unicast host address (expected a global or "
				"unique local address, not ::, ::1 or IPv4-mapped)", ipath, s);
	cfg_net6(a, len, net);
	if (!memcmp(net, a, 16))
		return cfg_fail(c, &it->start_mark, "%s: %s is the subnet-router anycast address (expected a host "
				"address: the host part non-zero)", ipath, s);
	return 0;
}

/* The gateway subnet of VNI v must not overlap the one of another VNI in the same VRF. */
static int cfg_gw_overlap(struct cfg_ctx *c, const yaml_node_t *it, const char *ipath, const struct vtep_vni_config *v,
			  bool v6)
{
	const struct vtep_config *cfg = c->cfg;
	char mine[CFG_PFX_STR], theirs[CFG_PFX_STR];

	for (const struct vtep_vni_config *q = cfg->vnis; q < v; q++) {
		unsigned len;

		if (q->vrf != v->vrf)
			continue;
		if (!v6 && q->gw4_on) {
			len = q->gw4_len < v->gw4_len ? q->gw4_len : v->gw4_len;
			if (((q->gw4 ^ v->gw4) & cfg_mask4(len)) != 0)
				continue;
			cfg_pfx4_str(v->gw4, v->gw4_len, mine);
			cfg_pfx4_str(q->gw4, q->gw4_len, theirs);
		} else if (v6 && q->gw6_on) {
			len = q->gw6_len < v->gw6_len ? q->gw6_len : v->gw6_len;
			if (!cfg_same_net6(q->gw6, v->gw6, len))
				continue;
			cfg_pfx6_str(v->gw6, v->gw6_len, mine);
			cfg_pfx6_str(q->gw6, q->gw6_len, theirs);
		} else {
			continue;
		}
		return cfg_fail(c, &it->start_mark, "%s: %s overlaps %s, the gateway of VNI %u (line %d) in VRF '%s' "
				"(expected a subnet of its own in the VRF)", ipath, mine, theirs, q->vni, q->line,
				cfg->vrfs[v->vrf].name);
	}
	return 0;
}

/*
 * vnis[].gateway: the anycast gateway's addresses, a list (or one address) of at most one IPv4
 * and one IPv6 address with the subnet's length. It needs the VNI's vrf (the gateway routes,
 * as an NX-OS SVI in a VRF does) and vtep.anycast_gateway_mac. An empty list is none.
 */
int cfg_vni_gateway(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		    yaml_node_t *val, const char *path)
{
	struct vtep_vni_config *v = m->obj;
	char ipath[96], sv[CFG_SHOW_MAX + 16];
	size_t n;
	int rc;

	(void)k;
	if (val->type == YAML_SCALAR_NODE)
		n = 1;
	else if (val->type == YAML_SEQUENCE_NODE)
		n = cfg_seq_len(val);
	else
		return cfg_kind(c, key, val, path, "a list of gateway addresses with prefix length");
	if (n == 0)
		return 0;
	if (v->vrf == VTEP_NO_VRF)
		return cfg_fail(c, &key->start_mark, "%s: VNI %u has no 'vrf' (expected 'vrf: NAME' with a gateway: "
				"the anycast gateway routes in a VRF, as an NX-OS SVI does)", path, v->vni);
	if (!c->cfg->anycast_gw_mac_on)
		return cfg_fail(c, &key->start_mark, "%s: no vtep.anycast_gateway_mac (expected the fabric-wide "
				"gateway MAC in 'vtep' with a gateway, e.g. anycast_gateway_mac: 0000.2222.3333)", path);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = val->type == YAML_SCALAR_NODE ? val : cfg_seq_item(c, val, i);
		const char *s;
		uint8_t len;

		if (val->type == YAML_SCALAR_NODE)
			snprintf(ipath, sizeof(ipath), "%s", path);
		else
			cfg_path_idx(ipath, sizeof(ipath), path, i);
		if ((rc = cfg_scalar(c, NULL, it, ipath, "an address with prefix length", &s)))
			return rc;
		if (!strchr(s, ':')) {
			uint32_t a;

			if (vtep_parse_ipv4_prefix(s, &a, &len))
				goto not_address;
			if (v->gw4_on)
				return cfg_fail(c, &it->start_mark, "%s: a second IPv4 gateway (expected at most one IPv4 "
						"and one IPv6 address)", ipath);
			if ((rc = cfg_gw4(c, it, ipath, s, a, len)))
				return rc;
			v->gw4 = a;
			v->gw4_len = len;
			v->gw4_on = true;
			if ((rc = cfg_gw_overlap(c, it, ipath, v, false)))
				return rc;
		} else {
			uint8_t a[16];

			if (vtep_parse_ipv6_prefix(s, a, &len))
				goto not_address;
			if (v->gw6_on)
				return cfg_fail(c, &it->start_mark, "%s: a second IPv6 gateway (expected at most one IPv4 "
						"and one IPv6 address)", ipath);
			if ((rc = cfg_gw6(c, it, ipath, s, a, len)))
				return rc;
			memcpy(v->gw6, a, 16);
			v->gw6_len = len;
			v->gw6_on = true;
			if ((rc = cfg_gw_overlap(c, it, ipath, v, true)))
				return rc;
		}
		continue;
not_address:
		return cfg_fail(c, &it->start_mark, "%s: '%s' is not an address with prefix length (expected e.g. "
				"192.168.1.1/24 or 2001:db8:1::1/64)", ipath, cfg_show(it, sv, sizeof(sv)));
	}
	return 0;
}

int cfg_l3_port_ip_free(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
			uint32_t vni, uint32_t ip)
{
	const struct vtep_vni_config *v = vtep_config_find_vni(c->cfg, vni);
	char s[INET_ADDRSTRLEN];

	if (v && v->gw4_on && v->gw4 == ip)
		return cfg_fail(c, cfg_mark(key, val), "%s: %s is the anycast gateway of VNI %u (expected the "
				"container's own address)", path, inet_ntop(AF_INET, &ip, s, sizeof(s)), vni);
	return 0;
}
