/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config.c: vtepd's YAML configuration loader. Parses with the libyaml
 * document API (so every node keeps its line and column), describes each
 * section by its key table (walked by config_walk.c) and runs the checks
 * that tie keys and sections together (VNIs, flood lists, static MACs,
 * container ports; the L3 sections are config_l3.c). Every error is a single line
 * "FILE:LINE:COLUMN: what was wrong (what was expected)".
 */
#include "vtep_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "config_bgp.h"
#include "config_l3.h"
#include "config_memif.h"
#include "config_walk.h"

void vtep_config_free(struct vtep_config *cfg)
{
	if (!cfg)
		return;
	if (cfg->vnis) {
		for (uint32_t i = 0; i < cfg->n_vnis; i++) {
			free(cfg->vnis[i].flood);
			free(cfg->vnis[i].static_macs);
			free(cfg->vnis[i].rt_import);
			free(cfg->vnis[i].rt_export);
		}
	}
	for (uint32_t i = 0; i < VTEP_MAX_VRFS; i++) {
		free(cfg->vrfs[i].rt_import);
		free(cfg->vrfs[i].rt_export);
		free(cfg->vrfs[i].prefix4);
		free(cfg->vrfs[i].prefix6);
	}
	free(cfg->vnis);
	free(cfg->ports);
	free(cfg->bgp.neighbors);
	memset(cfg, 0, sizeof(*cfg));
}

/* ------------------------------------------------------------------ */
/* Duplicate detection                                                */
/* ------------------------------------------------------------------ */

struct cfg_keyidx {
	uint64_t key;
	size_t idx;
};

static int cfg_keyidx_cmp(const void *a, const void *b)
{
	const struct cfg_keyidx *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Of keys[0..n), find the earliest entry (in list order) whose key already
 * appeared: *dup is its index (SIZE_MAX if none) and *first the earlier one.
 */
static int cfg_first_dup(const uint64_t *keys, size_t n, size_t *dup, size_t *first)
{
	struct cfg_keyidx *v;

	*dup = SIZE_MAX;
	*first = SIZE_MAX;
	if (n < 2)
		return 0;
	v = malloc(n * sizeof(*v));
	if (!v)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i].key = keys[i];
		v[i].idx = i;
	}
	qsort(v, n, sizeof(*v), cfg_keyidx_cmp);
	for (size_t i = 1; i < n; i++) {
		/* first two of a run of equal keys */
		if (v[i].key == v[i - 1].key && (i < 2 || v[i - 1].key != v[i - 2].key) &&
		    v[i].idx < *dup) {
			*dup = v[i].idx;
			*first = v[i - 1].idx;
		}
	}
	free(v);
	return 0;
}

static int cfg_size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t cfg_mac_key(const uint8_t mac[6])
{
	uint64_t k = 0;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

/* ------------------------------------------------------------------ */
/* Sections                                                           */
/* ------------------------------------------------------------------ */

#define CFG_TOP(f) CFG_AT(struct vtep_config, f)

static int cfg_vtep_name(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			 yaml_node_t *val, const char *path)
{
	struct vtep_config *cfg = m->obj;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	size_t len;
	bool ok;
	int rc;

	(void)k;
	rc = cfg_scalar(c, key, val, path, "an instance name", &s);
	if (rc)
		return rc;
	len = val->data.scalar.length;
	ok = len >= 1 && len < sizeof(cfg->name);
	for (size_t i = 0; ok && i < len; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		     (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-';
	if (!ok)
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is not a valid instance name (expected 1..31 characters of A-Z, a-z, 0-9, '_' or '-')",
				path, cfg_show(val, sv, sizeof(sv)));
	memcpy(cfg->name, s, len + 1);
	return 0;
}

static const struct cfg_key cfg_vtep_keys[] = {
	{ "name", CFG_FN, .fn = cfg_vtep_name },
	{ "source_ip", CFG_IPV4, CFG_REQUIRED, CFG_TOP(source_ip) },
	{ "udp_port", CFG_UINT, .min = 1, .max = 65535, CFG_TOP(udp_port), CFG_DEF(VTEP_DEFAULT_UDP_PORT) },
	{ "anycast_gateway_mac", CFG_MAC_ANY, CFG_TOP(anycast_gw_mac), .fn = cfg_anycast_gw_mac },
};
static const struct cfg_table cfg_vtep_table = { CFG_KEYS(cfg_vtep_keys), "a mapping with 'source_ip'" };

/* Value of the iface= option of a DPDK devargs string, or false when it has none. */
static bool cfg_devargs_iface(const char *devargs, const char **v, size_t *vlen)
{
	const char *p = strchr(devargs, ',');

	while (p) {
		const char *opt = p + 1, *end = strchr(opt, ',');
		size_t olen = end ? (size_t)(end - opt) : strlen(opt);

		if (olen >= 6 && !memcmp(opt, "iface=", 6)) {
			*v = opt + 6;
			*vlen = olen - 6;
			return true;
		}
		p = end;
	}
	return false;
}

/* True when devargs names a PCI device: [DDDD:]BB:DD.F, alone or followed by options. */
static bool cfg_devargs_is_pci(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	if (n == 4 && s[4] == ':')
		s += 5;
	if (strspn(s, "0123456789abcdefABCDEF") != 2 || s[2] != ':' || strspn(s + 3, "0123456789abcdefABCDEF") != 2 ||
	    s[5] != '.' || s[6] < '0' || s[6] > '7')
		return false;
	return s[7] == '\0' || s[7] == ',';
}

/* An uplink of underlay.ports given as a mapping; port is read by cfg_underlay_ports(). */
static const struct cfg_key cfg_uplink_keys[] = {
	{ "port", CFG_RAW, CFG_REQUIRED },
	{ "interface", CFG_IFNAME, CFG_REQUIRED, CFG_AT(struct vtep_uplink_config, ifname) },
};
static const struct cfg_table cfg_uplink_table = { CFG_KEYS(cfg_uplink_keys), "a mapping {port, interface}" };

/*
 * underlay.ports: several uplinks, each an AF_XDP (or other vdev) port that leaves its
 * interface, named by iface=, to the kernel. The first also fills underlay_devargs/_ifname.
 */
static int cfg_underlay_ports(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val)
{
	struct vtep_config *cfg = c->cfg;
	char path[64], sv[CFG_SHOW_MAX + 16];
	size_t n;

	if (val->type != YAML_SEQUENCE_NODE || cfg_seq_len(val) == 0)
		return cfg_kind(c, key, val, "underlay.ports", "a non-empty list of DPDK devargs strings");
	n = cfg_seq_len(val);
	if (n > VTEP_MAX_UPLINKS)
		return cfg_fail(c, &val->start_mark, "underlay.ports: %zu uplinks (expected at most %d)", n,
				VTEP_MAX_UPLINKS);
	for (size_t i = 0; i < n; i++) {
		struct vtep_uplink_config *u = &cfg->uplinks[i];
		const yaml_node_t *item = cfg_seq_item(c, val, i);
		const char *s, *v;
		size_t len, vlen;
		int rc;

		cfg_path_idx(path, sizeof(path), "underlay.ports", i);
		u->exception = false;
		if (item && item->type == YAML_MAPPING_NODE) {
			/* {port: DEVARGS, interface: TAP}: a DPDK-owned port with its own exception interface */
			struct cfg_map um;

			rc = cfg_map_open(c, &um, (yaml_node_t *)item, (yaml_node_t *)item, path, &cfg_uplink_table, u);
			if (!rc)
				rc = cfg_map_passes(c, &um);
			if (rc)
				return rc;
			u->exception = true;
			item = cfg_map_val(&um, "port");
			snprintf(path + strlen(path), sizeof(path) - strlen(path), ".port");
		}
		rc = cfg_scalar(c, NULL, item, path, "a DPDK devargs string or a mapping {port, interface}", &s);
		if (rc)
			return rc;
		len = item->data.scalar.length;
		if (len == 0 || len >= sizeof(u->devargs))
			return cfg_fail(c, &item->start_mark, "%s: devargs string is %zu characters long "
					"(expected 1 to %zu, e.g. net_af_xdp1,iface=eth2)", path, len, sizeof(u->devargs) - 1);
		for (size_t k = 0; k < len; k++)
			if ((unsigned char)s[k] <= ' ' || s[k] == 0x7f)
				return cfg_fail(c, &item->start_mark, "%s: '%s' contains whitespace or a control "
						"character (expected a DPDK devargs string)", path, cfg_show(item, sv, sizeof(sv)));
		if (u->exception) {
			/* the TAP is a new interface: it cannot be the one DPDK takes */
			if (cfg_devargs_iface(s, &v, &vlen) && vlen == strlen(u->ifname) && !memcmp(v, u->ifname, vlen))
				return cfg_fail(c, &item->start_mark, "%s: iface=%s is the interface DPDK takes "
						"(expected another name for the exception interface vtepd "
						"creates for the kernel)", path, u->ifname);
		} else if (cfg_devargs_is_pci(s)) {
			return cfg_fail(c, &item->start_mark, "%s: '%s' is a PCI port, invisible to the kernel "
					"(expected {port: PCI, interface: NAME}: vtepd creates NAME as its exception "
					"interface)", path, cfg_show(item, sv, sizeof(sv)));
		} else if (!cfg_devargs_iface(s, &v, &vlen) || !cfg_ifname_ok(v, vlen) || memchr(v, '\0', vlen)) {
			return cfg_fail(c, &item->start_mark, "%s: '%s' has no valid iface= option (expected "
					"net_af_xdpN,iface=NAME with a 1..15 character interface name)", path,
					cfg_show(item, sv, sizeof(sv)));
		} else {
			memcpy(u->ifname, v, vlen);    /* the interface DPDK takes is the uplink's */
			u->ifname[vlen] = '\0';
		}
		memcpy(u->devargs, s, len + 1);
		u->line = (int)item->start_mark.line + 1;
		for (size_t j = 0; j < i; j++) {
			size_t d1 = strcspn(u->devargs, ","), d2 = strcspn(cfg->uplinks[j].devargs, ",");

			if (!strcmp(u->ifname, cfg->uplinks[j].ifname))
				return cfg_fail(c, &item->start_mark, "%s: interface '%s' is already uplink %zu "
						"(expected each interface once)", path, u->ifname, j);
			if (d1 == d2 && !memcmp(u->devargs, cfg->uplinks[j].devargs, d1))
				return cfg_fail(c, &item->start_mark, "%s: device name '%.*s' is already used by uplink "
						"%zu (expected a distinct DPDK device name each, e.g. net_af_xdp0, "
						"net_af_xdp1)", path, (int)d1, u->devargs, j);
		}
	}
	cfg->n_uplinks = (uint32_t)n;
	memcpy(cfg->underlay_devargs, cfg->uplinks[0].devargs, sizeof(cfg->underlay_devargs));
	memcpy(cfg->underlay_ifname, cfg->uplinks[0].ifname, sizeof(cfg->underlay_ifname));
	cfg->underlay_exception = cfg->uplinks[0].exception;
	return 0;
}

/*
 * underlay: one uplink (port, with interface and exception) or several (ports). Which keys
 * go together, and the defaults that depend on the devargs, are the code below; the table
 * only names the keys and parses mtu once the rest is known.
 */
static const struct cfg_key cfg_underlay_keys[] = {
	{ "port", CFG_RAW },
	{ "interface", CFG_RAW },
	{ "mtu", CFG_UINT, .pass = 1, .min = 576, .max = 9216, CFG_TOP(underlay_mtu), CFG_DEF(VTEP_DEFAULT_UNDERLAY_MTU) },
	{ "exception", CFG_RAW },
	{ "ports", CFG_RAW },
};
static const struct cfg_table cfg_underlay_table = { CFG_KEYS(cfg_underlay_keys), "a mapping with 'port'" };

static int cfg_section_underlay(struct cfg_ctx *c, const struct cfg_map *top, const struct cfg_key *k,
				yaml_node_t *key, yaml_node_t *val, const char *path)
{
	struct vtep_config *cfg = c->cfg;
	struct cfg_map m;
	struct cfg_kv {
		yaml_node_t *key, *val;
	} port, ifc, exc, ports;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	size_t len;
	int rc;

	(void)top;
	(void)k;
	rc = cfg_map_open(c, &m, key, val, path, &cfg_underlay_table, cfg);
	if (rc)
		return rc;
	port = (struct cfg_kv){ cfg_map_key(&m, "port"), cfg_map_val(&m, "port") };
	ifc = (struct cfg_kv){ cfg_map_key(&m, "interface"), cfg_map_val(&m, "interface") };
	exc = (struct cfg_kv){ cfg_map_key(&m, "exception"), cfg_map_val(&m, "exception") };
	ports = (struct cfg_kv){ cfg_map_key(&m, "ports"), cfg_map_val(&m, "ports") };
	if (ports.val) {
		if (port.val)
			return cfg_fail(c, &ports.key->start_mark, "underlay.ports: given together with underlay.port "
					"(expected one of them: port for one uplink, ports for a list)");
		if (ifc.val || exc.val)
			return cfg_fail(c, &(ifc.val ? ifc.key : exc.key)->start_mark,
					"underlay.%s: not allowed with underlay.ports (each uplink's interface is its "
					"iface= option, and the kernel keeps it)", ifc.val ? "interface" : "exception");
		rc = cfg_underlay_ports(c, ports.key, ports.val);
		return rc ? rc : cfg_map_pass(c, &m, 1);
	}
	if (!port.val)
		return cfg_fail(c, &key->start_mark, "'underlay' is missing required key 'port' (or 'ports', a list)");

	rc = cfg_scalar(c, port.key, port.val, "underlay.port", "a DPDK devargs string", &s);
	if (rc)
		return rc;
	len = port.val->data.scalar.length;
	if (len == 0)
		return cfg_fail(c, cfg_mark(port.key, port.val),
				"underlay.port: empty value (expected a DPDK devargs string, e.g. 0000:01:00.0 or net_af_xdp0,iface=ul0)");
	if (len >= sizeof(cfg->underlay_devargs))
		return cfg_fail(c, cfg_mark(port.key, port.val),
				"underlay.port: devargs string is %zu characters long (expected fewer than %zu)",
				len, sizeof(cfg->underlay_devargs));
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return cfg_fail(c, cfg_mark(port.key, port.val),
					"underlay.port: '%s' contains whitespace or a control character (expected a DPDK devargs string)",
					cfg_show(port.val, sv, sizeof(sv)));
	memcpy(cfg->underlay_devargs, s, len + 1);

	/* A NIC that DPDK owns is invisible to the kernel: its traffic reaches the kernel through
	 * an exception interface that vtepd creates. AF_XDP and AF_PACKET ports leave the
	 * interface to the kernel, which keeps its address. */
	cfg->underlay_exception = cfg_devargs_is_pci(s);
	if (exc.val) {
		rc = cfg_bool(c, exc.key, exc.val, "underlay.exception", &cfg->underlay_exception);
		if (rc)
			return rc;
	}
	if (!cfg->underlay_exception && cfg_devargs_is_pci(s))
		return cfg_fail(c, cfg_mark(exc.key, exc.val),
				"underlay.exception: a PCI port is owned by DPDK and invisible to the kernel "
				"(expected true, so that the kernel keeps the address on an exception interface)");
	if (cfg->underlay_exception && !ifc.val)
		return cfg_fail(c, &key->start_mark,
				"'underlay' is missing required key 'interface' (with exception: true it names the kernel "
				"interface vtepd creates for the underlay's address)");

	if (ifc.val) {
		rc = cfg_ifname(c, ifc.key, ifc.val, "underlay.interface", cfg->underlay_ifname);
		if (rc)
			return rc;
	} else {
		const char *v;
		size_t vlen;

		if (!cfg_devargs_iface(s, &v, &vlen))
			return cfg_fail(c, &key->start_mark,
					"'underlay' is missing required key 'interface' (expected it, or an iface=NAME option in underlay.port)");
		if (!cfg_ifname_ok(v, vlen) || memchr(v, '\0', vlen))
			return cfg_fail(c, cfg_mark(port.key, port.val),
					"underlay.port: iface= option of '%s' is not a valid interface name (expected 1..15 printable characters without '/', ':', ',', '=' or whitespace)",
					cfg_show(port.val, sv, sizeof(sv)));
		memcpy(cfg->underlay_ifname, v, vlen);
		cfg->underlay_ifname[vlen] = '\0';
	}
	if (cfg->underlay_exception) {
		const char *v;
		size_t vlen;

		if (cfg_devargs_iface(s, &v, &vlen) && vlen == strlen(cfg->underlay_ifname) &&
		    !memcmp(v, cfg->underlay_ifname, vlen))
			return cfg_fail(c, cfg_mark(ifc.key, ifc.val),
					"underlay.interface: '%s' is the interface DPDK takes (iface=); with exception: true "
					"it must name the kernel interface vtepd creates for the address", cfg->underlay_ifname);
	}

	rc = cfg_map_pass(c, &m, 1);
	if (rc)
		return rc;
	cfg->n_uplinks = 1;
	memcpy(cfg->uplinks[0].devargs, cfg->underlay_devargs, sizeof(cfg->uplinks[0].devargs));
	memcpy(cfg->uplinks[0].ifname, cfg->underlay_ifname, sizeof(cfg->uplinks[0].ifname));
	cfg->uplinks[0].line = (int)port.val->start_mark.line + 1;
	cfg->uplinks[0].exception = cfg->underlay_exception;
	return 0;
}

static const struct cfg_key cfg_fastpath_keys[] = {
	{ "lcore", CFG_UINT, .max = 1023, CFG_TOP(fastpath_lcore), CFG_DEF(VTEP_DEFAULT_LCORE) },
	{ "mac_table_size", CFG_UINT, .min = 1024, .max = 16777216, CFG_TOP(mac_table_size),
	  CFG_DEF(VTEP_DEFAULT_MAC_TABLE_SIZE) },
	{ "mac_aging", CFG_UINT, .max = CFG_MAC_AGING_MAX, .hint = "seconds, 0 disables aging", CFG_TOP(mac_aging_sec),
	  CFG_DEF(VTEP_DEFAULT_MAC_AGING_SEC) },
	{ "neighbor_aging", CFG_UINT, .max = CFG_MAC_AGING_MAX, .hint = "seconds, 0 disables aging",
	  CFG_TOP(neighbor_aging_sec), CFG_DEF(VTEP_DEFAULT_NEIGHBOR_AGING_SEC) },
	{ "mbufs", CFG_UINT, .min = 4096, .max = 1048576, CFG_TOP(mbufs), CFG_DEF(VTEP_DEFAULT_MBUFS) },
	{ "runtime_vrfs", CFG_UINT, .max = VTEP_MAX_VRFS, .hint = "VRFs 'vrf add' may create: memory reserved",
	  CFG_TOP(runtime_vrfs), CFG_DEF(0) },
	{ "capture", CFG_BOOL, CFG_TOP(capture) },
};
static const struct cfg_table cfg_fastpath_table = { CFG_KEYS(cfg_fastpath_keys), "a mapping" };

static int cfg_control_socket(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			      yaml_node_t *val, const char *path)
{
	struct vtep_config *cfg = m->obj;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	size_t len;
	int rc;

	(void)k;
	rc = cfg_scalar(c, key, val, path, "an absolute path", &s);
	if (rc)
		return rc;
	len = val->data.scalar.length;
	if (s[0] != '/')
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is not an absolute path (expected a path starting with '/')",
				path, cfg_show(val, sv, sizeof(sv)));
	if (len >= sizeof(cfg->socket_path))
		return cfg_fail(c, cfg_mark(key, val),
				"%s: path is %zu characters long (expected fewer than %zu)",
				path, len, sizeof(cfg->socket_path));
	memcpy(cfg->socket_path, s, len + 1);
	return 0;
}

static const struct cfg_key cfg_control_keys[] = {
	{ "socket", CFG_FN, .fn = cfg_control_socket },
};
static const struct cfg_table cfg_control_table = { CFG_KEYS(cfg_control_keys), "a mapping" };

/* api.socket, api.token_file: an absolute path into the key's char array. */
static int cfg_api_path(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			yaml_node_t *val, const char *path)
{
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	size_t len;
	int rc;

	rc = cfg_scalar(c, key, val, path, "an absolute path", &s);
	if (rc)
		return rc;
	len = val->data.scalar.length;
	if (s[0] != '/' || memchr(s, '\0', len))
		return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is not an absolute path (expected a path starting with '/')",
				path, cfg_show(val, sv, sizeof(sv)));
	if (len >= k->size)
		return cfg_fail(c, cfg_mark(key, val), "%s: path is %zu characters long (expected fewer than %zu)", path,
				len, k->size);
	memcpy(cfg_field(m, k), s, len + 1);
	return 0;
}

/* api.listen: A.B.C.D:PORT, the TCP listener. */
static int cfg_api_listen(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			  yaml_node_t *val, const char *path)
{
	struct vtep_config *cfg = m->obj;
	char sv[CFG_SHOW_MAX + 16], ip[INET_ADDRSTRLEN];
	const char *s, *colon;
	unsigned long port;
	char *end;
	int rc;

	(void)k;
	rc = cfg_scalar(c, key, val, path, "an address and port, A.B.C.D:PORT", &s);
	if (rc)
		return rc;
	colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof(ip))
		goto bad;
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (inet_pton(AF_INET, ip, &cfg->api_listen_ip) != 1 || !colon[1] || *end || errno || port < 1 ||
	    port > 65535 || colon[1] == '-' || colon[1] == '+')
		goto bad;
	cfg->api_listen_port = (uint16_t)port;
	cfg->api_listen_on = true;
	return 0;
bad:
	return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is not an address and port (expected A.B.C.D:PORT, port 1 to 65535)",
			path, cfg_show(val, sv, sizeof(sv)));
}

static const struct cfg_key cfg_api_keys[] = {
	{ "socket", CFG_FN, CFG_TOP(api_socket_path), .fn = cfg_api_path },
	{ "listen", CFG_FN, .fn = cfg_api_listen },
	{ "token_file", CFG_FN, CFG_TOP(api_token_file), .fn = cfg_api_path },
};
static const struct cfg_table cfg_api_table = { CFG_KEYS(cfg_api_keys), "a mapping" };

/* The api section: a TCP listener only with a token. */
static int cfg_section_api(struct cfg_ctx *c, const struct cfg_map *top, const struct cfg_key *k, yaml_node_t *key,
			   yaml_node_t *val, const char *path)
{
	struct cfg_map m;
	int rc;

	(void)top;
	(void)k;
	rc = cfg_map_open(c, &m, key, val, path, &cfg_api_table, c->cfg);
	if (!rc)
		rc = cfg_map_passes(c, &m);
	if (!rc && c->cfg->api_listen_on && !c->cfg->api_token_file[0])
		rc = cfg_fail(c, &cfg_map_key(&m, "listen")->start_mark,
			      "api.listen: a TCP listener needs a token (expected api.token_file too)");
	return rc;
}

/* metrics.listen: A.B.C.D:PORT or [IPv6]:PORT, the Prometheus endpoint's address. */
static int cfg_metrics_listen(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			      yaml_node_t *val, const char *path)
{
	struct vtep_config *cfg = m->obj;
	char sv[CFG_SHOW_MAX + 16], ip[INET6_ADDRSTRLEN];
	const char *s, *a, *colon;
	size_t alen;
	unsigned long port;
	char *end;
	bool v6;
	int rc;

	(void)k;
	rc = cfg_scalar(c, key, val, path, "an address and port, A.B.C.D:PORT or [IPv6]:PORT", &s);
	if (rc)
		return rc;
	v6 = s[0] == '[';
	if (v6) {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			goto bad;
		a = s + 1;
		alen = (size_t)(close - a);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		a = s;
		alen = (size_t)(colon - s);
	}
	if (alen == 0 || alen >= sizeof(ip) || memchr(s, '\0', val->data.scalar.length))
		goto bad;
	memcpy(ip, a, alen);
	ip[alen] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, cfg->metrics_ip) != 1 || !colon[1] || *end || errno || port < 1 ||
	    port > 65535 || colon[1] == '-' || colon[1] == '+')
		goto bad;
	cfg->metrics_ip6 = v6;
	cfg->metrics_port = (uint16_t)port;
	cfg->metrics_on = true;
	return 0;
bad:
	memset(cfg->metrics_ip, 0, sizeof(cfg->metrics_ip));
	return cfg_fail(c, cfg_mark(key, val),
			"%s: '%s' is not an address and port (expected A.B.C.D:PORT or [IPv6]:PORT, port 1 to 65535)", path,
			cfg_show(val, sv, sizeof(sv)));
}

static const struct cfg_key cfg_metrics_keys[] = {
	{ "listen", CFG_FN, .fn = cfg_metrics_listen },
};
static const struct cfg_table cfg_metrics_table = { CFG_KEYS(cfg_metrics_keys), "a mapping" };

/* vnis[].flood: a list of remote VTEPs, none of them twice or this VTEP. */
static int cfg_flood(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		     yaml_node_t *val, const char *path)
{
	struct vtep_vni_config *v = m->obj;
	char ipath[272], sip[INET_ADDRSTRLEN];
	uint64_t *keys;
	size_t n, dup, first;
	int rc;

	(void)k;
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, path, "a sequence of IPv4 addresses");
	n = cfg_seq_len(val);
	if (n == 0)
		return 0;
	if (n > CFG_MAX_FLOOD)
		return cfg_fail(c, &cfg_seq_item(c, val, CFG_MAX_FLOOD)->start_mark,
				"%s: too many flood addresses (%zu, expected at most %d)", path, n, CFG_MAX_FLOOD);
	v->flood = calloc(n, sizeof(*v->flood));
	if (!v->flood)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = cfg_seq_item(c, val, i);

		cfg_path_idx(ipath, sizeof(ipath), path, i);
		rc = cfg_ipv4_unicast(c, NULL, it, ipath, &v->flood[i]);
		if (rc)
			return rc;
		v->n_flood = (uint32_t)i + 1;
		if (v->flood[i] == c->cfg->source_ip)
			return cfg_fail(c, &it->start_mark,
					"%s: %s is this VTEP's own vtep.source_ip (expected a remote VTEP address)",
					ipath, inet_ntop(AF_INET, &v->flood[i], sip, sizeof(sip)));
	}
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++)
		keys[i] = v->flood[i];
	rc = cfg_first_dup(keys, n, &dup, &first);
	free(keys);
	if (rc)
		return cfg_nomem(c);
	if (dup != SIZE_MAX) {
		yaml_node_t *d = cfg_seq_item(c, val, dup), *o = cfg_seq_item(c, val, first);

		cfg_path_idx(ipath, sizeof(ipath), path, dup);
		return cfg_fail(c, &d->start_mark,
				"%s: duplicate flood address %s (first listed at line %zu column %zu)",
				ipath, inet_ntop(AF_INET, &v->flood[dup], sip, sizeof(sip)),
				o->start_mark.line + 1, o->start_mark.column + 1);
	}
	return 0;
}

static int cfg_static_vtep(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			   yaml_node_t *val, const char *path)
{
	struct vtep_static_mac_config *sm = m->obj;
	char sip[INET_ADDRSTRLEN];

	(void)k;
	if (sm->vtep_ip == c->cfg->source_ip)
		return cfg_fail(c, cfg_mark(key, val),
				"%s: %s is this VTEP's own vtep.source_ip (expected a remote VTEP address)",
				path, inet_ntop(AF_INET, &sm->vtep_ip, sip, sizeof(sip)));
	sm->to_vtep = true;
	return 0;
}

static int cfg_static_mac_addr(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			       yaml_node_t *val, const char *path)
{
	const struct vtep_static_mac_config *sm = m->obj;

	(void)k;
	return cfg_l3_mac_free(c, key, val, path, sm->mac);
}

/* vnis[].static_macs[]: mac, then exactly one of vtep and port (whose VNI is checked once 'ports' is read). */
#define CFG_SMAC(f) CFG_AT(struct vtep_static_mac_config, f)
static const struct cfg_key cfg_static_mac_keys[] = {
	{ "mac", CFG_MAC, CFG_REQUIRED, CFG_SMAC(mac), .fn = cfg_static_mac_addr },
	{ "vtep", CFG_IPV4, .pass = 1, CFG_SMAC(vtep_ip), .fn = cfg_static_vtep },
	{ "port", CFG_IFNAME, .pass = 1, CFG_SMAC(port) },
};
static const struct cfg_table cfg_static_mac_table = {
	CFG_KEYS(cfg_static_mac_keys), "a mapping with 'mac' and 'vtep' or 'port'"
};

static int cfg_static_mac(struct cfg_ctx *c, yaml_node_t *item, const char *path,
			  struct vtep_static_mac_config *sm)
{
	struct cfg_map m;
	int rc;

	rc = cfg_map_open(c, &m, item, item, path, &cfg_static_mac_table, sm);
	if (rc)
		return rc;
	sm->line = (int)item->start_mark.line + 1;
	rc = cfg_map_pass(c, &m, 0);
	if (!rc)
		rc = cfg_map_one_of(c, &m, "vtep", "port", "");
	if (!rc)
		rc = cfg_map_pass(c, &m, 1);
	return rc;
}

static int cfg_static_macs(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			   yaml_node_t *val, const char *path)
{
	struct vtep_vni_config *v = m->obj;
	char ipath[272];
	uint64_t *keys;
	size_t n, dup, first;
	int rc;

	(void)k;
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, path, "a sequence of static MAC mappings");
	n = cfg_seq_len(val);
	if (n == 0)
		return 0;
	if (n > c->cfg->mac_table_size)
		return cfg_fail(c, &cfg_seq_item(c, val, c->cfg->mac_table_size)->start_mark,
				"%s: too many static MACs (%zu, expected at most fastpath.mac_table_size = %u)",
				path, n, c->cfg->mac_table_size);
	v->static_macs = calloc(n, sizeof(*v->static_macs));
	if (!v->static_macs)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++) {
		cfg_path_idx(ipath, sizeof(ipath), path, i);
		rc = cfg_static_mac(c, cfg_seq_item(c, val, i), ipath, &v->static_macs[i]);
		if (rc)
			return rc;
		v->n_static_macs = (uint32_t)i + 1;
	}
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++)
		keys[i] = cfg_mac_key(v->static_macs[i].mac);
	rc = cfg_first_dup(keys, n, &dup, &first);
	free(keys);
	if (rc)
		return cfg_nomem(c);
	if (dup != SIZE_MAX) {
		yaml_node_t *d = cfg_map_get(c, cfg_seq_item(c, val, dup), "mac");
		const uint8_t *mac = v->static_macs[dup].mac;

		cfg_path_idx(ipath, sizeof(ipath), path, dup);
		return cfg_fail(c, &d->start_mark,
				"%s.mac: duplicate static MAC %02x:%02x:%02x:%02x:%02x:%02x in VNI %u (first declared at line %d)",
				ipath, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], v->vni,
				v->static_macs[first].line);
	}
	return 0;
}

/* max_macs of a VNI or a port: 1 .. 16M, or 0 for no limit (stored as VTEP_MAX_MACS_UNLIMITED). */
static int cfg_max_macs(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			yaml_node_t *val, const char *path)
{
	uint32_t *out = cfg_field(m, k);

	(void)c;
	(void)key;
	(void)val;
	(void)path;
	if (*out == 0)
		*out = VTEP_MAX_MACS_UNLIMITED;
	return 0;
}

#define CFG_MAX_MACS .min = 0, .max = 16777216, .hint = "MACs, 0 for no limit", .fn = cfg_max_macs

/*
 * vnis[]: the EVPN keys (rd, route_targets) come after the VNI's own, and the gateway (which
 * needs the VNI's vrf) last. The L3 keys are config_l3.c's.
 */
#define CFG_VNI(f) CFG_AT(struct vtep_vni_config, f)
static const struct cfg_key cfg_vni_keys[] = {
	{ "vni", CFG_UINT, CFG_REQUIRED, .min = 1, .max = VTEP_VNI_MAX, CFG_VNI(vni), .fn = cfg_vni_not_l3vni },
	{ "learning", CFG_BOOL, CFG_VNI(learning), CFG_DEF(true) },
	{ "flood", CFG_FN, CFG_NULL_OK, .fn = cfg_flood },
	{ "static_macs", CFG_FN, CFG_NULL_OK, .fn = cfg_static_macs },
	{ "rd", CFG_FN, .pass = 1, .fn = cfg_vni_rd },
	{ "route_targets", CFG_MAP, .pass = 1, .map = &cfg_rt_table },
	{ "mtu", CFG_UINT, .min = VTEP_MIN_MTU, .max = VTEP_MAX_MTU, CFG_VNI(mtu) },
	{ "outer_fragmentation", CFG_BOOL, CFG_VNI(outer_fragmentation) },
	{ "vtep_check", CFG_BOOL, CFG_VNI(vtep_check), CFG_DEF(-1) },   /* -1: auto */
	{ "max_macs", CFG_UINT, CFG_MAX_MACS, CFG_VNI(max_macs) },
	{ "vrf", CFG_FN, .fn = cfg_vni_vrf, CFG_VNI(vrf), CFG_DEF(VTEP_NO_VRF) },
	{ "gateway", CFG_FN, CFG_NULL_OK, .pass = 1, .fn = cfg_vni_gateway },
};
static const struct cfg_table cfg_vni_table = { CFG_KEYS(cfg_vni_keys), "a mapping with 'vni'" };

static int cfg_vni(struct cfg_ctx *c, yaml_node_t *item, const char *path, struct vtep_vni_config *v)
{
	struct cfg_map m;
	int rc;

	rc = cfg_map_open(c, &m, item, item, path, &cfg_vni_table, v);
	if (rc)
		return rc;
	v->line = (int)item->start_mark.line + 1;
	return cfg_map_passes(c, &m);
}

static int cfg_section_vnis(struct cfg_ctx *c, const struct cfg_map *top, const struct cfg_key *k, yaml_node_t *key,
			    yaml_node_t *val, const char *vpath)
{
	struct vtep_config *cfg = c->cfg;
	char path[64];
	uint64_t *keys;
	size_t n, dup, first;
	int rc;

	(void)top;
	(void)k;
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, vpath, "a sequence of VNI mappings");
	n = cfg_seq_len(val);
	if (n == 0)
		return 0;
	if (n > VTEP_MAX_VNIS)
		return cfg_fail(c, &cfg_seq_item(c, val, VTEP_MAX_VNIS)->start_mark,
				"vnis: too many VNIs (%zu, expected at most %d)", n, VTEP_MAX_VNIS);
	cfg->vnis = calloc(n, sizeof(*cfg->vnis));
	if (!cfg->vnis)
		return cfg_nomem(c);
	cfg->n_vnis = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		cfg_path_idx(path, sizeof(path), "vnis", i);
		rc = cfg_vni(c, cfg_seq_item(c, val, i), path, &cfg->vnis[i]);
		if (rc)
			return rc;
	}
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++)
		keys[i] = cfg->vnis[i].vni;
	rc = cfg_first_dup(keys, n, &dup, &first);
	free(keys);
	if (rc)
		return cfg_nomem(c);
	if (dup != SIZE_MAX) {
		yaml_node_t *d = cfg_map_get(c, cfg_seq_item(c, val, dup), "vni");

		return cfg_fail(c, &d->start_mark, "vnis[%zu].vni: duplicate VNI %u (first declared at line %d)",
				dup, cfg->vnis[dup].vni, cfg->vnis[first].line);
	}
	return 0;
}

static int cfg_port_name(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			 yaml_node_t *val, const char *path)
{
	const struct vtep_config *cfg = c->cfg;
	const struct vtep_port_config *p = m->obj;

	(void)k;
	for (const struct vtep_port_config *q = cfg->ports; q < p; q++)
		if (!strcmp(q->name, p->name))
			return cfg_fail(c, cfg_mark(key, val), "%s: duplicate port name '%s' (first declared at line %d)",
					path, p->name, q->line);
	return 0;
}

static int cfg_port_vni(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			yaml_node_t *val, const char *path)
{
	const struct vtep_port_config *p = m->obj;

	(void)k;
	for (uint32_t i = 0; i < c->cfg->n_vrfs; i++)
		if (c->cfg->vrfs[i].l3vni == p->vni)
			return cfg_fail(c, cfg_mark(key, val), "%s: VNI %u is the L3 VNI of VRF '%s' (expected the vni "
					"of a 'vnis' entry: containers attach to L2 VNIs)", path, p->vni,
					c->cfg->vrfs[i].name);
	if (!vtep_config_find_vni(c->cfg, p->vni))
		return cfg_fail(c, cfg_mark(key, val),
				"%s: VNI %u is not declared in 'vnis' (expected the vni of a 'vnis' entry)",
				path, p->vni);
	return 0;
}

static int cfg_port_netns(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			  yaml_node_t *val, const char *path)
{
	struct vtep_port_config *p = m->obj;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	size_t len;
	int rc;

	(void)k;
	rc = cfg_scalar(c, key, val, path, "a netns name or an absolute path", &s);
	if (rc)
		return rc;
	len = val->data.scalar.length;
	if (len >= sizeof(p->netns) || strlen(s) != len || vtep_netns_check(s) != 0)
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is neither a netns name nor an absolute path (expected a name as in 'ip netns' or a path like /proc/1234/ns/net, printable, without whitespace, shorter than %zu characters)",
				path, cfg_show(val, sv, sizeof(sv)), sizeof(p->netns));
	memcpy(p->netns, s, len + 1);
	return 0;
}

static int cfg_port_mac(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			yaml_node_t *val, const char *path)
{
	const struct vtep_config *cfg = c->cfg;
	struct vtep_port_config *p = m->obj;

	(void)k;
	p->has_mac = true;
	if (cfg_l3_mac_free(c, key, val, path, p->mac))
		return EINVAL;
	for (const struct vtep_port_config *q = cfg->ports; q < p; q++)
		if (q->has_mac && !memcmp(q->mac, p->mac, 6))
			return cfg_fail(c, cfg_mark(key, val),
					"%s: MAC %02x:%02x:%02x:%02x:%02x:%02x is already port %s's (line %d) (expected a MAC of its own)",
					path, p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4], p->mac[5],
					q->name, q->line);
	return 0;
}

static int cfg_port_ip(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		       yaml_node_t *val, const char *path)
{
	struct vtep_port_config *p = m->obj;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc;

	(void)k;
	rc = cfg_scalar(c, key, val, path, "an IPv4 address with prefix length", &s);
	if (rc)
		return rc;
	if (vtep_parse_ipv4_prefix(s, &p->ip, &p->prefix_len))
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is not an IPv4 address with prefix length (expected a.b.c.d/len with len 0..32, e.g. 192.168.10.1/24)",
				path, cfg_show(val, sv, sizeof(sv)));
	if (vtep_port_ip_check(p->ip, p->prefix_len))
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is not a unicast host address (expected a unicast IPv4 address with prefix length 1..32, "
				"not in 0/8, 127/8 or 224/3, not the subnet's own or broadcast address)",
				path, s);
	if (cfg_l3_port_ip_free(c, key, val, path, p->vni, p->ip))
		return EINVAL;
	p->has_ip = true;
	return 0;
}

/*
 * ports[]: pass 0 reads the type, which rules out the other kind's keys; pass 1 names the port;
 * pass 2 is a memif's socket, pass 3 an AF_XDP port's namespace (exactly one of netns and pid);
 * pass 4 the rest.
 */
#define CFG_PORT(f) CFG_AT(struct vtep_port_config, f)
static const struct cfg_key cfg_port_keys[] = {
	{ "name", CFG_IFNAME, CFG_REQUIRED, .pass = 1, CFG_PORT(name), .fn = cfg_port_name },
	{ "vni", CFG_UINT, CFG_REQUIRED, .pass = 1, .min = 1, .max = VTEP_VNI_MAX, CFG_PORT(vni), .fn = cfg_port_vni },
	{ "netns", CFG_FN, CFG_ONLY_AF_XDP, .pass = 3, .fn = cfg_port_netns },
	{ "pid", CFG_UINT, CFG_ONLY_AF_XDP, .pass = 3, .min = 1, .max = CFG_PID_MAX, .hint = "a process id", CFG_PORT(pid) },
	{ "ifname", CFG_IFNAME, CFG_ONLY_AF_XDP, .pass = 4, CFG_PORT(ifname) },
	{ "mac", CFG_MAC, .pass = 4, CFG_PORT(mac), .fn = cfg_port_mac },
	{ "ip", CFG_FN, .pass = 4, .fn = cfg_port_ip },
	{ "mtu", CFG_UINT, .pass = 4, .min = VTEP_MIN_MTU, .max = VTEP_MAX_MTU, CFG_PORT(mtu) },
	{ "type", CFG_FN, .pass = 0, .fn = cfg_port_type },
	{ "socket", CFG_FN, CFG_ONLY_MEMIF, .pass = 2, .fn = cfg_port_socket },
	{ "memif_id", CFG_UINT, CFG_ONLY_MEMIF, .pass = 2, .max = UINT32_MAX, .hint = "the id the client asks for",
	  CFG_PORT(memif_id) },
	{ "max_macs", CFG_UINT, .pass = 4, CFG_MAX_MACS, CFG_PORT(max_macs) },
	{ "max_neighbors", CFG_UINT, .pass = 4, .min = 1, .max = VTEP_PORT_MAX_NEIGHBORS_MAX,
	  .hint = "learned IP bindings", CFG_PORT(max_neighbors) },
};
static const struct cfg_table cfg_port_table = { CFG_KEYS(cfg_port_keys), "a mapping with 'name' and 'vni'" };

static int cfg_port(struct cfg_ctx *c, yaml_node_t *item, const char *path, size_t idx)
{
	struct vtep_port_config *p = &c->cfg->ports[idx];
	struct cfg_map m;
	int rc;

	rc = cfg_map_open(c, &m, item, item, path, &cfg_port_table, p);
	if (rc)
		return rc;
	p->line = (int)item->start_mark.line + 1;
	if ((rc = cfg_map_pass(c, &m, 0)) || (rc = cfg_port_wrong_kind(c, &m, p->type)) ||
	    (rc = cfg_map_pass(c, &m, 1)))
		return rc;
	if (p->type == VTEP_PORT_MEMIF) {
		/* no interface inside a container */
		if ((rc = cfg_map_pass(c, &m, 2)) || (rc = cfg_port_memif_check(c, &m, idx)))
			return rc;
	} else {
		if ((rc = cfg_map_one_of(c, &m, "netns", "pid", ", or 'type: memif'")) || (rc = cfg_map_pass(c, &m, 3)))
			return rc;
		if (!cfg_map_key(&m, "ifname"))
			snprintf(p->ifname, sizeof(p->ifname), "%s", VTEP_DEFAULT_CONTAINER_IFNAME);
	}
	return cfg_map_pass(c, &m, 4);
}

static int cfg_section_ports(struct cfg_ctx *c, const struct cfg_map *top, const struct cfg_key *k, yaml_node_t *key,
			     yaml_node_t *val, const char *ppath)
{
	struct vtep_config *cfg = c->cfg;
	char path[64];
	size_t n;
	int rc;

	(void)top;
	(void)k;
	if (val->type != YAML_SEQUENCE_NODE)
		return cfg_kind(c, key, val, ppath, "a sequence of port mappings");
	n = cfg_seq_len(val);
	if (n == 0)
		return 0;
	if (n > VTEP_MAX_PORTS)
		return cfg_fail(c, &cfg_seq_item(c, val, VTEP_MAX_PORTS)->start_mark,
				"ports: too many ports (%zu, expected at most %d)", n, VTEP_MAX_PORTS);
	cfg->ports = calloc(n, sizeof(*cfg->ports));
	if (!cfg->ports)
		return cfg_nomem(c);
	for (size_t i = 0; i < n; i++) {
		cfg_path_idx(path, sizeof(path), "ports", i);
		rc = cfg_port(c, cfg_seq_item(c, val, i), path, i);
		if (rc)
			return rc;
		cfg->n_ports = (uint32_t)i + 1;
	}
	return 0;
}

/* Static MACs behind a port: the port must exist and belong to the same VNI. */
static int cfg_check_static_ports(struct cfg_ctx *c, yaml_node_t *vnis)
{
	struct vtep_config *cfg = c->cfg;

	for (uint32_t i = 0; i < cfg->n_vnis; i++) {
		struct vtep_vni_config *v = &cfg->vnis[i];
		yaml_node_t *seq = NULL;

		for (uint32_t j = 0; j < v->n_static_macs; j++) {
			struct vtep_static_mac_config *m = &v->static_macs[j];
			const struct vtep_port_config *p = NULL;
			yaml_node_t *pn;

			if (m->to_vtep)
				continue;
			for (uint32_t k = 0; k < cfg->n_ports; k++)
				if (!strcmp(cfg->ports[k].name, m->port))
					p = &cfg->ports[k];
			if (p && p->vni == v->vni)
				continue;
			if (!seq)
				seq = cfg_map_get(c, cfg_seq_item(c, vnis, i), "static_macs");
			pn = cfg_map_get(c, cfg_seq_item(c, seq, j), "port");
			if (!p)
				return cfg_fail(c, &pn->start_mark,
						"vnis[%u].static_macs[%u].port: port '%s' is not declared in 'ports' (expected the name of a port of VNI %u)",
						i, j, m->port, v->vni);
			return cfg_fail(c, &pn->start_mark,
					"vnis[%u].static_macs[%u].port: port '%s' belongs to VNI %u (expected a port of VNI %u)",
					i, j, m->port, p->vni, v->vni);
		}
	}
	return 0;
}

/* Where one remote VTEP address was written: vnis[vni].flood[idx] or vnis[vni].static_macs[idx].vtep. */
struct cfg_vtep_ref {
	uint32_t vni, idx;
	bool flood;
};

/* The dataplane has VTEP_MAX_VTEPS slots for remote VTEPs. */
static int cfg_check_vtep_count(struct cfg_ctx *c, yaml_node_t *vnis)
{
	struct vtep_config *cfg = c->cfg;
	struct cfg_keyidx *keys;
	struct cfg_vtep_ref *refs;
	size_t n = 0, distinct = 0, *firsts;
	const struct cfg_vtep_ref *r;
	yaml_node_t *node, *vn;
	size_t blame;

	for (uint32_t i = 0; i < cfg->n_vnis; i++)
		n += cfg->vnis[i].n_flood + cfg->vnis[i].n_static_macs;
	if (n <= VTEP_MAX_VTEPS)
		return 0;
	keys = malloc(n * sizeof(*keys));
	refs = malloc(n * sizeof(*refs));
	firsts = malloc(n * sizeof(*firsts));
	if (!keys || !refs || !firsts) {
		free(keys);
		free(refs);
		free(firsts);
		return cfg_nomem(c);
	}
	n = 0;
	for (uint32_t i = 0; i < cfg->n_vnis; i++) {
		const struct vtep_vni_config *v = &cfg->vnis[i];

		for (uint32_t j = 0; j < v->n_flood; j++) {
			keys[n] = (struct cfg_keyidx){ v->flood[j], n };
			refs[n++] = (struct cfg_vtep_ref){ i, j, true };
		}
		for (uint32_t j = 0; j < v->n_static_macs; j++) {
			if (!v->static_macs[j].to_vtep)
				continue;
			keys[n] = (struct cfg_keyidx){ v->static_macs[j].vtep_ip, n };
			refs[n++] = (struct cfg_vtep_ref){ i, j, false };
		}
	}
	/* first mention of every distinct address, in document order */
	qsort(keys, n, sizeof(*keys), cfg_keyidx_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || keys[i].key != keys[i - 1].key)
			firsts[distinct++] = keys[i].idx;
	free(keys);
	if (distinct <= VTEP_MAX_VTEPS) {
		free(refs);
		free(firsts);
		return 0;
	}
	/* blame the first mention of the address that goes over the limit */
	qsort(firsts, distinct, sizeof(*firsts), cfg_size_cmp);
	blame = firsts[VTEP_MAX_VTEPS];
	r = &refs[blame];
	vn = cfg_seq_item(c, vnis, r->vni);
	if (r->flood) {
		node = cfg_seq_item(c, cfg_map_get(c, vn, "flood"), r->idx);
	} else {
		node = cfg_map_get(c, cfg_seq_item(c, cfg_map_get(c, vn, "static_macs"), r->idx), "vtep");
	}
	cfg_fail(c, &node->start_mark,
		 "vnis[%u].%s[%u]%s: too many distinct remote VTEP addresses (%zu, expected at most %d)",
		 r->vni, r->flood ? "flood" : "static_macs", r->idx, r->flood ? "" : ".vtep",
		 distinct, VTEP_MAX_VTEPS);
	free(refs);
	free(firsts);
	return EINVAL;
}

/* ------------------------------------------------------------------ */
/* Top level                                                          */
/* ------------------------------------------------------------------ */

/*
 * The top level. Order matters: vrfs need vtep.anycast_gateway_mac, vnis need source_ip,
 * mac_table_size and the vrfs, ports need vnis and the underlay MTU, bgp needs the VNIs, and
 * the vrfs' EVPN keys are checked against bgp last. Mistakes inside vtep/underlay (pass 0)
 * come before their absence is reported, so a half-written file gets the nearer message.
 */
static const struct cfg_key cfg_top_keys[] = {
	{ "vtep", CFG_MAP, CFG_REQUIRED, .map = &cfg_vtep_table },
	{ "underlay", CFG_FN, CFG_REQUIRED, .fn = cfg_section_underlay },
	{ "fastpath", CFG_MAP, CFG_NULL_OK, .pass = 1, .map = &cfg_fastpath_table },
	{ "control", CFG_MAP, CFG_NULL_OK, .pass = 1, .map = &cfg_control_table },
	{ "api", CFG_FN, CFG_NULL_OK, .pass = 1, .fn = cfg_section_api },
	{ "metrics", CFG_MAP, CFG_NULL_OK, .pass = 1, .map = &cfg_metrics_table },
	{ "vrfs", CFG_FN, CFG_NULL_OK, .pass = 1, .fn = cfg_section_vrfs },
	{ "vnis", CFG_FN, CFG_NULL_OK, .pass = 1, .fn = cfg_section_vnis },
	{ "ports", CFG_FN, CFG_NULL_OK, .pass = 1, .fn = cfg_section_ports },
	{ "bgp", CFG_FN, .pass = 2, .fn = cfg_section_bgp },
};
static const struct cfg_table cfg_top_table = { CFG_KEYS(cfg_top_keys), "a mapping with 'vtep' and 'underlay'" };

static int cfg_walk(struct cfg_ctx *c)
{
	struct vtep_config *cfg = c->cfg;
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	struct cfg_map m;
	int rc;

	if (!root || cfg_is_null(root))
		return cfg_fail_lc(c, 1, 1, "empty configuration (expected a mapping with 'vtep' and 'underlay')");
	rc = cfg_map_open(c, &m, NULL, root, NULL, &cfg_top_table, cfg);
	if (rc)
		return rc;

	snprintf(cfg->name, sizeof(cfg->name), "vtepd");
	rc = cfg_map_pass(c, &m, 0);
	if (!rc)
		rc = cfg_map_require(c, &m, &root->start_mark);
	if (!rc)
		rc = cfg_map_pass(c, &m, 1);
	if (!rc && cfg->n_vnis)
		rc = cfg_check_static_ports(c, cfg_map_val(&m, "vnis"));
	if (!rc && cfg->n_vnis)
		rc = cfg_check_vtep_count(c, cfg_map_val(&m, "vnis"));
	if (!rc && cfg->n_vrfs)
		rc = cfg_check_vni_total(c, cfg_map_val(&m, "vrfs"));
	if (!rc)
		rc = cfg_map_pass(c, &m, 2);
	if (!rc && cfg->n_vrfs)
		rc = cfg_check_vrfs_bgp(c, cfg_map_val(&m, "vrfs"));
	if (rc)
		return rc;
	if (!cfg->socket_path[0])
		snprintf(cfg->socket_path, sizeof(cfg->socket_path), "/run/vtepd/%s.sock", cfg->name);
	if (!cfg->api_socket_path[0]) {
		size_t n = strlen(cfg->socket_path);

		if (n > 5 && strcmp(cfg->socket_path + n - 5, ".sock") == 0)
			n -= 5;
		/* beside the control socket; where that name would be too long, in /run/vtepd */
		if (snprintf(cfg->api_socket_path, sizeof(cfg->api_socket_path), "%.*s.api.sock", (int)n,
			     cfg->socket_path) >= (int)sizeof(cfg->api_socket_path))
			snprintf(cfg->api_socket_path, sizeof(cfg->api_socket_path), "/run/vtepd/%s.api.sock",
				 cfg->name);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Loading                                                            */
/* ------------------------------------------------------------------ */

/* Line and column (1-based, in characters) of a byte offset of the input. */
static void cfg_offset_pos(const struct cfg_ctx *c, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	if (off > c->input_len)
		off = c->input_len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)c->input[i];

		if (ch == '\n') {
			(*line)++;
			*col = 1;
		} else if ((ch & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int cfg_syntax_error(struct cfg_ctx *c, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown error";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return cfg_nomem(c);
	case YAML_READER_ERROR: {
		size_t line, col;

		cfg_offset_pos(c, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return cfg_fail_lc(c, line, col, "invalid input: %s (byte 0x%02x; expected UTF-8 text)",
					   problem, (unsigned)p->problem_value & 0xffu);
		return cfg_fail_lc(c, line, col, "invalid input: %s (expected UTF-8 text)", problem);
	}
	default:
		if (p->context)
			return cfg_fail(c, &p->problem_mark, "YAML syntax error: %s (%s at line %zu column %zu)",
					problem, p->context, p->context_mark.line + 1, p->context_mark.column + 1);
		return cfg_fail(c, &p->problem_mark, "YAML syntax error: %s", problem);
	}
}

/*
 * Token pre-pass, before the document is composed:
 *  - refuses anchors and aliases where they are written (not part of the schema);
 *  - bounds collection nesting: libyaml's scanner is quadratic in flow nesting
 *    depth, so "[[[[..." would otherwise keep it busy for minutes.
 * Syntax errors are left to yaml_parser_load(), which reports them in context.
 */
static int cfg_prescan(struct cfg_ctx *c)
{
	yaml_parser_t parser;
	yaml_token_t tok;
	char sv[CFG_SHOW_MAX + 16];
	int rc = 0, depth = 0;

	if (!yaml_parser_initialize(&parser))
		return cfg_nomem(c);
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->input, c->input_len);
	while (!rc) {
		bool end;

		if (!yaml_parser_scan(&parser, &tok))
			break;
		switch (tok.type) {
		case YAML_ANCHOR_TOKEN:
		case YAML_ALIAS_TOKEN: {
			bool anchor = tok.type == YAML_ANCHOR_TOKEN;
			const char *v = (const char *)(anchor ? tok.data.anchor.value : tok.data.alias.value);

			rc = cfg_fail(c, &tok.start_mark,
				      "YAML %s '%c%s' is not supported (expected plain values; anchors and aliases are not allowed)",
				      anchor ? "anchor" : "alias", anchor ? '&' : '*',
				      cfg_show_str(v, strlen(v), sv, sizeof(sv)));
			break;
		}
		case YAML_BLOCK_SEQUENCE_START_TOKEN:
		case YAML_BLOCK_MAPPING_START_TOKEN:
		case YAML_FLOW_SEQUENCE_START_TOKEN:
		case YAML_FLOW_MAPPING_START_TOKEN:
			if (++depth > CFG_MAX_DEPTH)
				rc = cfg_fail(c, &tok.start_mark,
					      "collections nested more than %d deep (expected the shallow layout of a vtepd configuration)",
					      CFG_MAX_DEPTH);
			break;
		case YAML_BLOCK_END_TOKEN:
		case YAML_FLOW_SEQUENCE_END_TOKEN:
		case YAML_FLOW_MAPPING_END_TOKEN:
			depth--;
			break;
		default:
			break;
		}
		end = tok.type == YAML_STREAM_END_TOKEN;
		yaml_token_delete(&tok);
		if (end)
			break;
	}
	yaml_parser_delete(&parser);
	return rc;
}

static int cfg_load(struct cfg_ctx *c)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	int rc;

	rc = cfg_prescan(c);
	if (rc)
		return rc;
	if (!yaml_parser_initialize(&parser))
		return cfg_nomem(c);
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->input, c->input_len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = cfg_syntax_error(c, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	/* A single document: anything after it is an error too. */
	if (!yaml_parser_load(&parser, &extra)) {
		rc = cfg_syntax_error(c, &parser);
		yaml_document_delete(&doc);
		yaml_parser_delete(&parser);
		return rc;
	}
	rc = 0;
	if (yaml_document_get_root_node(&extra))
		rc = cfg_fail(c, &extra.start_mark,
			      "a second YAML document starts here (expected a single document)");
	yaml_document_delete(&extra);
	yaml_parser_delete(&parser);
	if (!rc) {
		c->doc = &doc;
		rc = cfg_walk(c);
		c->doc = NULL;
	}
	yaml_document_delete(&doc);
	return rc;
}

int vtep_config_load_string(const char *name, const char *yaml, size_t len,
			    struct vtep_config *cfg, char *err, size_t errlen)
{
	struct cfg_ctx c = {
		.name = name ? name : "<config>",
		.input = yaml ? yaml : "",
		.input_len = yaml ? len : 0,
		.cfg = cfg,
		.err = err,
		.errlen = errlen,
	};
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!cfg) {
		cfg_fail_lc(&c, 0, 0, "no configuration structure given");
		return EINVAL;
	}
	memset(cfg, 0, sizeof(*cfg));
	rc = cfg_load(&c);
	if (rc) {
		vtep_config_free(cfg);
		return rc;
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", c.name);
	return 0;
}

int vtep_config_load_file(const char *path, struct vtep_config *cfg, char *err, size_t errlen)
{
	struct cfg_ctx c = {
		.name = path ? path : "<config>",
		.err = err,
		.errlen = errlen,
	};
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	int fd, rc;

	if (err && errlen)
		err[0] = '\0';
	if (cfg)
		memset(cfg, 0, sizeof(*cfg));
	if (!path || !cfg) {
		cfg_fail_lc(&c, 0, 0, "no configuration file or structure given");
		return EINVAL;
	}
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; only regular files are read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = errno;
		cfg_fail_lc(&c, 0, 0, "cannot open: %s", strerror(rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = errno;
		close(fd);
		cfg_fail_lc(&c, 0, 0, "cannot stat: %s", strerror(rc));
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		cfg_fail_lc(&c, 0, 0, "cannot read: %s", strerror(EISDIR));
		return EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		cfg_fail_lc(&c, 0, 0, "not a regular file (a %s; expected a configuration file)",
			    S_ISFIFO(st.st_mode) ? "FIFO" : S_ISCHR(st.st_mode) ? "character device" :
			    S_ISSOCK(st.st_mode) ? "socket" : S_ISBLK(st.st_mode) ? "block device" : "special file");
		return EINVAL;
	}
	cap = S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size < CFG_MAX_FILE_SIZE ?
	      (size_t)st.st_size + 1 : 4096;
	for (;;) {
		ssize_t n;

		if (len == cap || !buf) {
			char *nb;

			if (buf)
				cap *= 2;
			if (cap > CFG_MAX_FILE_SIZE + 1)
				cap = CFG_MAX_FILE_SIZE + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				close(fd);
				return cfg_nomem(&c);
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = errno;
			free(buf);
			close(fd);
			cfg_fail_lc(&c, 0, 0, "cannot read: %s", strerror(rc));
			return rc;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CFG_MAX_FILE_SIZE) {
			free(buf);
			close(fd);
			cfg_fail_lc(&c, 0, 0, "file is larger than %u bytes (expected a configuration file)",
				    CFG_MAX_FILE_SIZE);
			return EFBIG;
		}
	}
	close(fd);
	rc = vtep_config_load_string(path, buf, len, cfg, err, errlen);
	free(buf);
	return rc;
}
