/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cni_conf.c: the CNI plugin's documents (CNI spec 1.0.0, also 0.4.0): the CNI_* environment,
 * the network config, IPAM results and prevResult read with jansson; the result, error and
 * version documents written with it; the port name and MAC derived from the container.
 */
#include "cni.h"
#include "ctr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define CNI_RUN_DIR "/run/vtepd"

static const char *const cni_versions[] = { "0.4.0", "1.0.0" };

static void cni_fmt_prefix(char *buf, size_t len, int family, const uint8_t *a, uint8_t plen);

void cni_set_err(struct cni_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

bool cni_version_supported(const char *v)
{
	for (size_t i = 0; i < sizeof(cni_versions) / sizeof(cni_versions[0]); i++)
		if (!strcmp(v, cni_versions[i]))
			return true;
	return false;
}

int cni_parse_addr(const char *s, int *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return EINVAL;
}

int cni_parse_prefix(const char *s, int *family, uint8_t addr[16], uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	char *end;
	long n;

	if (!slash || (size_t)(slash - s) >= INET6_ADDRSTRLEN || !slash[1])
		return EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (cni_parse_addr(buf, family, addr))
		return EINVAL;
	errno = 0;
	n = strtol(slash + 1, &end, 10);
	if (errno || *end || n < 0 || n > (*family == AF_INET ? 32 : 128) || slash[1] == '-' || slash[1] == '+')
		return EINVAL;
	*len = (uint8_t)n;
	return 0;
}

int cni_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
				       &tail) != 6)
		return EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return EINVAL;   /* multicast or zero: not a container's */
	return 0;
}

/* A requested address: "A" or "A/LEN" (LEN 1 or more). 0 or EINVAL. */
static int cni_parse_req_ip(const char *s, struct cni_req_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!strchr(s, '/'))
		return cni_parse_addr(s, &ip->family, ip->addr);
	if (cni_parse_prefix(s, &ip->family, ip->addr, &ip->len) || ip->len == 0)
		return EINVAL;
	return 0;
}

/* ---- environment ---- */

/*
 * CNI_ARGS of an ADD: KEY=VALUE pairs separated by ';' (libcni's format). MAC= and IP= (a
 * comma-separated list of A or A/LEN) are taken; other keys (IgnoreUnknown, K8S_POD_NAME ...)
 * are for other plugins and left alone.
 */
static int cni_env_args(const char *args, struct cni_env *env, struct cni_err *e)
{
	char buf[4096], *save = NULL;

	if (strlen(args) >= sizeof(buf)) {
		cni_set_err(e, CNI_ERR_ENV, "CNI_ARGS is longer than %zu characters", sizeof(buf) - 1);
		return EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", args);
	for (char *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *v = strchr(kv, '='), *save2 = NULL;

		if (!v || v == kv) {
			cni_set_err(e, CNI_ERR_ENV, "CNI_ARGS: '%.64s' is not KEY=VALUE", kv);
			return EINVAL;
		}
		*v++ = '\0';
		if (!strcmp(kv, "MAC")) {
			if (cni_parse_mac(v, env->mac)) {
				cni_set_err(e, CNI_ERR_ENV, "CNI_ARGS MAC '%.64s' is not a unicast xx:xx:xx:xx:xx:xx", v);
				return EINVAL;
			}
			env->has_mac = true;
		} else if (!strcmp(kv, "IP")) {
			env->n_ips = 0;
			for (char *a = strtok_r(v, ",", &save2); a; a = strtok_r(NULL, ",", &save2)) {
				if (env->n_ips == CNI_MAX_IPS) {
					cni_set_err(e, CNI_ERR_ENV, "CNI_ARGS IP: more than %d addresses", CNI_MAX_IPS);
					return EINVAL;
				}
				if (cni_parse_req_ip(a, &env->ips[env->n_ips])) {
					cni_set_err(e, CNI_ERR_ENV, "CNI_ARGS IP '%.64s' is not an address (A or A/LEN)", a);
					return EINVAL;
				}
				env->n_ips++;
			}
		}
	}
	return 0;
}

/* 1 to 15 characters an interface name may have (vtepd's rule: no '/', ':', ',', '=' or whitespace). */
static bool cni_ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CNI_NAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= ' ' || ch >= 0x7f || strchr("/:,=", ch))
			return false;
	}
	return true;
}

int cni_env_parse(const char *(*get)(const char *name), struct cni_env *env, struct cni_err *e)
{
	const char *cmd = get("CNI_COMMAND"), *v;

	memset(env, 0, sizeof(*env));
	if (!cmd || !cmd[0]) {
		cni_set_err(e, CNI_ERR_ENV, "CNI_COMMAND is not set (expected ADD, DEL, CHECK or VERSION)");
		return EINVAL;
	}
	if (!strcmp(cmd, "ADD"))
		env->cmd = CNI_CMD_ADD;
	else if (!strcmp(cmd, "DEL"))
		env->cmd = CNI_CMD_DEL;
	else if (!strcmp(cmd, "CHECK"))
		env->cmd = CNI_CMD_CHECK;
	else if (!strcmp(cmd, "VERSION"))
		env->cmd = CNI_CMD_VERSION;
	else {
		cni_set_err(e, CNI_ERR_ENV, "CNI_COMMAND '%.64s' is not one of ADD, DEL, CHECK or VERSION", cmd);
		return EINVAL;
	}
	if (env->cmd == CNI_CMD_VERSION)
		return 0;

	v = get("CNI_CONTAINERID");
	if (!v || !v[0] || strlen(v) >= sizeof(env->containerid) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(v)) {
		cni_set_err(e, CNI_ERR_ENV, "CNI_CONTAINERID '%.64s' is missing or invalid (1 to %zu letters, digits, "
			    "'_', '.' or '-')", v ? v : "", sizeof(env->containerid) - 1);
		return EINVAL;
	}
	snprintf(env->containerid, sizeof(env->containerid), "%s", v);

	v = get("CNI_IFNAME");
	if (!v || !cni_ifname_ok(v)) {
		cni_set_err(e, CNI_ERR_ENV, "CNI_IFNAME '%.64s' is missing or invalid (1 to 15 printable characters "
			    "without '/', ':', ',', '=' or whitespace)", v ? v : "");
		return EINVAL;
	}
	snprintf(env->ifname, sizeof(env->ifname), "%s", v);

	v = get("CNI_NETNS");
	if (v && v[0]) {
		size_t n = strlen(v);

		if (v[0] != '/' || n >= sizeof(env->netns) || strpbrk(v, " \t\n\r\v\f")) {
			cni_set_err(e, CNI_ERR_ENV, "CNI_NETNS '%.64s' is invalid (an absolute path, no whitespace, "
				    "shorter than %zu characters)", v, sizeof(env->netns));
			return EINVAL;
		}
		snprintf(env->netns, sizeof(env->netns), "%s", v);
	} else if (env->cmd != CNI_CMD_DEL) {
		cni_set_err(e, CNI_ERR_ENV, "CNI_NETNS is not set (ADD and CHECK need the container's network namespace)");
		return EINVAL;
	}

	v = get("CNI_PATH");
	if (v && strlen(v) >= sizeof(env->path)) {
		cni_set_err(e, CNI_ERR_ENV, "CNI_PATH is longer than %zu characters", sizeof(env->path) - 1);
		return EINVAL;
	}
	snprintf(env->path, sizeof(env->path), "%s", v ? v : "");

	v = get("CNI_ARGS");   /* only ADD takes anything from it: a DEL or CHECK never fails on it */
	if (env->cmd == CNI_CMD_ADD && v)
		return cni_env_args(v, env, e);
	return 0;
}

/* ---- network config ---- */

/* An optional string field: 0 absent, 1 present (*out), -1 wrong type (error set). */
static int cni_get_str(const json_t *obj, const char *where, const char *key, const char **out, struct cni_err *e)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_string(v)) {
		cni_set_err(e, CNI_ERR_CONFIG, "%s%s: expected a string", where, key);
		return -1;
	}
	*out = json_string_value(v);
	return 1;
}

static int cni_get_uint(const json_t *obj, const char *key, uint32_t min, uint32_t max, uint32_t *out,
			struct cni_err *e)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		cni_set_err(e, CNI_ERR_CONFIG, "%s: expected an integer from %u to %u", key, min, max);
		return -1;
	}
	*out = (uint32_t)json_integer_value(v);
	return 1;
}

/* The container's MAC the runtime asks for: runtimeConfig.mac, else args.cni.mac. */
static int cni_conf_mac(struct cni_conf *c, struct cni_err *e)
{
	const json_t *rc = json_object_get(c->root, "runtimeConfig");
	const json_t *args = json_object_get(c->root, "args");
	const char *s = NULL, *where = NULL;
	int r = 0;

	if (rc && json_is_object(rc) && (r = cni_get_str(rc, "runtimeConfig.", "mac", &s, e)) != 0)
		where = "runtimeConfig.mac";
	if (r < 0)
		return EINVAL;
	if (!where && args && json_is_object(args)) {
		const json_t *cni = json_object_get(args, "cni");

		if (cni && json_is_object(cni) && (r = cni_get_str(cni, "args.cni.", "mac", &s, e)) != 0)
			where = "args.cni.mac";
		if (r < 0)
			return EINVAL;
	}
	if (!where)
		return 0;
	if (cni_parse_mac(s, c->mac)) {
		cni_set_err(e, CNI_ERR_CONFIG, "%s: bad MAC '%.64s' (expected a unicast xx:xx:xx:xx:xx:xx)", where, s);
		return EINVAL;
	}
	c->has_mac = true;
	return 0;
}

/* The addresses the runtime asks for: runtimeConfig.ips (the "ips" capability), else args.cni.ips. */
static int cni_conf_ips(struct cni_conf *c, struct cni_err *e)
{
	const json_t *rc = json_object_get(c->root, "runtimeConfig"), *args = json_object_get(c->root, "args");
	const json_t *list = NULL, *v;
	size_t i;

	if (json_is_object(rc) && (list = json_object_get(rc, "ips")) != NULL)
		c->ips_from = "runtimeConfig.ips";
	else if (json_is_object(args) && json_is_object(json_object_get(args, "cni")) &&
		 (list = json_object_get(json_object_get(args, "cni"), "ips")) != NULL)
		c->ips_from = "args.cni.ips";
	if (!list)
		return 0;
	if (!json_is_array(list)) {
		cni_set_err(e, CNI_ERR_CONFIG, "%s: expected an array of addresses", c->ips_from);
		return EINVAL;
	}
	if (json_array_size(list) > CNI_MAX_IPS) {
		cni_set_err(e, CNI_ERR_UNSUPPORTED, "%s: more than %d addresses", c->ips_from, CNI_MAX_IPS);
		return EINVAL;
	}
	json_array_foreach(list, i, v) {
		if (!json_is_string(v) || cni_parse_req_ip(json_string_value(v), &c->ips[i])) {
			cni_set_err(e, CNI_ERR_CONFIG, "%s[%zu]: expected an address (A or A/LEN)", c->ips_from, i);
			return EINVAL;
		}
	}
	c->n_ips = json_array_size(list);
	return 0;
}

int cni_conf_parse(const char *text, size_t len, enum cni_cmd cmd, struct cni_conf *c, struct cni_err *e)
{
	json_error_t je;
	const char *s;
	int r;

	memset(c, 0, sizeof(*c));
	c->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!c->root) {
		cni_set_err(e, CNI_ERR_DECODE, "network config on stdin is not JSON: line %d column %d: %s",
			    je.line, je.column, je.text);
		return EINVAL;
	}
	if (!json_is_object(c->root)) {
		cni_set_err(e, CNI_ERR_DECODE, "network config on stdin is not a JSON object");
		goto bad;
	}
	r = cni_get_str(c->root, "", "cniVersion", &s, e);
	if (r < 0)
		goto bad;
	if (r == 0) {
		cni_set_err(e, CNI_ERR_CONFIG, "cniVersion: missing (this plugin supports 0.4.0 and 1.0.0)");
		goto bad;
	}
	snprintf(c->version, sizeof(c->version), "%s", s);
	if (!cni_version_supported(s)) {
		cni_set_err(e, CNI_ERR_VERSION, "cniVersion '%.32s' is not supported (this plugin supports 0.4.0 and 1.0.0)", s);
		c->version[0] = '\0';    /* the error then carries our version */
		goto bad;
	}
	if (cmd == CNI_CMD_VERSION)
		return 0;

	r = cni_get_str(c->root, "", "name", &s, e);
	if (r < 0)
		goto bad;
	if (r == 0 || !s[0]) {
		cni_set_err(e, CNI_ERR_CONFIG, "name: missing (the network's name)");
		goto bad;
	}
	snprintf(c->name, sizeof(c->name), "%s", s);

	/* vtepd: the instance name (its socket /run/vtepd/NAME.sock); socket: a path instead */
	const char *inst = NULL, *sock = NULL;
	if (cni_get_str(c->root, "", "vtepd", &inst, e) < 0 || cni_get_str(c->root, "", "socket", &sock, e) < 0)
		goto bad;
	if (inst && sock) {
		cni_set_err(e, CNI_ERR_CONFIG, "vtepd and socket: give one of them, not both");
		goto bad;
	}
	if (inst) {
		if (!inst[0] || strchr(inst, '/') || !strcmp(inst, ".") || !strcmp(inst, "..") ||
		    strlen(inst) > 200) {
			cni_set_err(e, CNI_ERR_CONFIG, "vtepd: bad instance name '%.64s' (non-empty, without '/')", inst);
			goto bad;
		}
		snprintf(c->socket, sizeof(c->socket), CNI_RUN_DIR "/%s.sock", inst);
	} else if (sock) {
		if (sock[0] != '/' || strlen(sock) >= 108) {
			cni_set_err(e, CNI_ERR_CONFIG, "socket: '%.64s' is not an absolute path shorter than 108 characters",
				    sock);
			goto bad;
		}
		snprintf(c->socket, sizeof(c->socket), "%s", sock);
	} else {
		snprintf(c->socket, sizeof(c->socket), CNI_RUN_DIR "/vtepd.sock");
	}

	r = cni_get_uint(c->root, "vni", 1, 16777215, &c->vni, e);
	if (r < 0)
		goto bad;
	if (r == 0) {
		cni_set_err(e, CNI_ERR_CONFIG, "vni: missing (the VXLAN network identifier, 1 to 16777215)");
		goto bad;
	}
	if (cni_get_uint(c->root, "mtu", 68, 65535, &c->mtu, e) < 0)
		goto bad;
	if (cni_conf_mac(c, e) || cni_conf_ips(c, e))
		goto bad;

	const json_t *ipam = json_object_get(c->root, "ipam");
	if (ipam) {
		if (!json_is_object(ipam)) {
			cni_set_err(e, CNI_ERR_CONFIG, "ipam: expected an object");
			goto bad;
		}
		r = cni_get_str(ipam, "ipam.", "type", &s, e);
		if (r < 0)
			goto bad;
		if (r == 0 || !s[0] || strchr(s, '/') || strlen(s) >= sizeof(c->ipam_type) || s[0] == '.') {
			cni_set_err(e, CNI_ERR_CONFIG, "ipam.type: missing or not a plugin name (e.g. host-local)");
			goto bad;
		}
		snprintf(c->ipam_type, sizeof(c->ipam_type), "%s", s);
	}

	c->prev = json_object_get(c->root, "prevResult");
	if (c->prev && json_is_null(c->prev))
		c->prev = NULL;
	if (c->prev && !json_is_object(c->prev)) {
		cni_set_err(e, CNI_ERR_CONFIG, "prevResult: expected an object");
		goto bad;
	}
	if (cmd == CNI_CMD_CHECK && !c->prev) {
		cni_set_err(e, CNI_ERR_CONFIG, "prevResult: missing (CHECK needs the result of ADD)");
		goto bad;
	}
	return 0;
bad:
	json_decref(c->root);
	c->root = NULL;
	c->prev = NULL;
	return EINVAL;
}

const struct cni_req_ip *cni_requested_ips(const struct cni_env *env, const struct cni_conf *c, size_t *n,
					   const char **from)
{
	if (c->n_ips) {
		*n = c->n_ips;
		*from = c->ips_from;
		return c->ips;
	}
	*n = env->n_ips;
	*from = "CNI_ARGS IP";
	return env->ips;
}

int cni_requested_check(const struct cni_req_ip *req, size_t n, const char *from, const char *ipam,
			const struct cni_result *r, struct cni_err *e)
{
	for (size_t i = 0; i < n; i++) {
		const struct cni_req_ip *q = &req[i];
		char want[INET6_ADDRSTRLEN + 4], got[256] = "";
		bool found = false;

		for (size_t j = 0; j < r->n_ips && !found; j++)
			found = r->ips[j].family == q->family && !memcmp(r->ips[j].addr, q->addr, 16) &&
				(!q->len || q->len == r->ips[j].len);
		if (found)
			continue;
		inet_ntop(q->family, q->addr, want, sizeof(want));
		if (q->len)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "/%u", q->len);
		for (size_t j = 0; j < r->n_ips; j++) {
			char a[INET6_ADDRSTRLEN + 8];
			size_t l = strlen(got);

			cni_fmt_prefix(a, sizeof(a), r->ips[j].family, r->ips[j].addr, r->ips[j].len);
			snprintf(got + l, sizeof(got) - l, "%s%s", l ? ", " : "", a);
		}
		cni_set_err(e, CNI_ERR_IPAM, "%s asks for %s, but ipam %s gave %s", from, want, ipam,
			    got[0] ? got : "no address");
		return EADDRNOTAVAIL;
	}
	return 0;
}

void cni_conf_free(struct cni_conf *c)
{
	json_decref(c->root);
	c->root = NULL;
	c->prev = NULL;
}

/* ---- results ---- */

/* The names of a result list's entries: an ips[] or routes[] item, its prefix and gateway. */
struct cni_entry_keys {
	const char *list, *prefix, *prefix_is, *gw;
};

/* One ips[] or routes[] item (index i): its prefix and, when given, a gateway of its family. */
static int cni_entry_parse(const json_t *v, const char *what, const struct cni_entry_keys *k, size_t i, int *family,
			   uint8_t addr[16], uint8_t *len, bool *has_gw, uint8_t gw[16], struct cni_err *e)
{
	const json_t *p = json_object_get(v, k->prefix), *g = json_object_get(v, k->gw);
	int fam;

	if (!json_is_string(p) || cni_parse_prefix(json_string_value(p), family, addr, len)) {
		cni_set_err(e, CNI_ERR_DECODE, "%s: %s[%zu].%s: expected %s", what, k->list, i, k->prefix, k->prefix_is);
		return EINVAL;
	}
	if (!g)
		return 0;
	if (!json_is_string(g) || cni_parse_addr(json_string_value(g), &fam, gw) || fam != *family) {
		cni_set_err(e, CNI_ERR_DECODE, "%s: %s[%zu].%s: expected an address of the same family", what, k->list, i,
			    k->gw);
		return EINVAL;
	}
	*has_gw = true;
	return 0;
}

int cni_result_parse(const json_t *obj, const char *what, const char *ifname, struct cni_result *r,
		     struct cni_err *e)
{
	const json_t *ips = json_object_get(obj, "ips"), *routes = json_object_get(obj, "routes");
	const json_t *ifs = json_object_get(obj, "interfaces"), *dns = json_object_get(obj, "dns");
	const json_t *v;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(obj)) {
		cni_set_err(e, CNI_ERR_DECODE, "%s: not a JSON object", what);
		return EINVAL;
	}
	if (ips && !json_is_array(ips)) {
		cni_set_err(e, CNI_ERR_DECODE, "%s: ips: expected an array", what);
		return EINVAL;
	}
	json_array_foreach(ips, i, v) {
		struct cni_ip *ip = &r->ips[r->n_ips];
		const struct cni_entry_keys k = { "ips", "address", "an address/length string", "gateway" };

		if (r->n_ips == CNI_MAX_IPS) {
			cni_set_err(e, CNI_ERR_UNSUPPORTED, "%s: ips: more than %d addresses", what, CNI_MAX_IPS);
			return EINVAL;
		}
		if (cni_entry_parse(v, what, &k, i, &ip->family, ip->addr, &ip->len, &ip->has_gw, ip->gw, e))
			return EINVAL;
		r->n_ips++;
	}
	if (routes && !json_is_array(routes)) {
		cni_set_err(e, CNI_ERR_DECODE, "%s: routes: expected an array", what);
		return EINVAL;
	}
	json_array_foreach(routes, i, v) {
		struct cni_route *rt = &r->routes[r->n_routes];
		const struct cni_entry_keys k = { "routes", "dst", "a prefix string", "gw" };

		if (r->n_routes == CNI_MAX_ROUTES) {
			cni_set_err(e, CNI_ERR_UNSUPPORTED, "%s: routes: more than %d routes", what, CNI_MAX_ROUTES);
			return EINVAL;
		}
		if (cni_entry_parse(v, what, &k, i, &rt->family, rt->dst, &rt->len, &rt->has_gw, rt->gw, e))
			return EINVAL;
		r->n_routes++;
	}
	if (dns) {
		if (!json_is_object(dns)) {
			cni_set_err(e, CNI_ERR_DECODE, "%s: dns: expected an object", what);
			return EINVAL;
		}
		r->dns = json_deep_copy(dns);
	}
	/* the sandbox interface of this ifname (prevResult) */
	if (ifs && json_is_array(ifs)) {
		json_array_foreach(ifs, i, v) {
			const json_t *n = json_object_get(v, "name"), *m = json_object_get(v, "mac");
			const json_t *sb = json_object_get(v, "sandbox");

			if (json_is_string(n) && ifname && !strcmp(json_string_value(n), ifname) && json_is_string(sb) &&
			    json_is_string(m) && cni_parse_mac(json_string_value(m), r->sandbox_mac) == 0)
				r->has_sandbox_mac = true;
		}
	}
	return 0;
}

void cni_result_free(struct cni_result *r)
{
	json_decref(r->dns);
	r->dns = NULL;
}

static void cni_fmt_prefix(char *buf, size_t len, int family, const uint8_t *a, uint8_t plen)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(family, a, ip, sizeof(ip));
	snprintf(buf, len, "%s/%u", ip, plen);
}

char *cni_result_json(const char *version, const char *port, const char *ifname, const char *netns,
		      const uint8_t mac[6], const struct cni_result *r)
{
	json_t *doc = json_object(), *ifs = json_array(), *ips = json_array(), *routes = json_array();
	char macs[18], buf[INET6_ADDRSTRLEN + 8];
	char *out;

	snprintf(macs, sizeof(macs), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	json_object_set_new(doc, "cniVersion", json_string(version));
	json_array_append_new(ifs, json_pack("{s:s}", "name", port));
	json_array_append_new(ifs, json_pack("{s:s,s:s,s:s}", "name", ifname, "mac", macs, "sandbox", netns));
	json_object_set_new(doc, "interfaces", ifs);
	for (size_t i = 0; i < r->n_ips; i++) {
		const struct cni_ip *ip = &r->ips[i];
		json_t *o = json_object();

		cni_fmt_prefix(buf, sizeof(buf), ip->family, ip->addr, ip->len);
		if (!strcmp(version, "0.4.0"))
			json_object_set_new(o, "version", json_string(ip->family == AF_INET ? "4" : "6"));
		json_object_set_new(o, "address", json_string(buf));
		if (ip->has_gw) {
			inet_ntop(ip->family, ip->gw, buf, sizeof(buf));
			json_object_set_new(o, "gateway", json_string(buf));
		}
		json_object_set_new(o, "interface", json_integer(1));   /* interfaces[1]: the container's */
		json_array_append_new(ips, o);
	}
	json_object_set_new(doc, "ips", ips);
	for (size_t i = 0; i < r->n_routes; i++) {
		const struct cni_route *rt = &r->routes[i];
		json_t *o = json_object();

		cni_fmt_prefix(buf, sizeof(buf), rt->family, rt->dst, rt->len);
		json_object_set_new(o, "dst", json_string(buf));
		if (rt->has_gw) {
			inet_ntop(rt->family, rt->gw, buf, sizeof(buf));
			json_object_set_new(o, "gw", json_string(buf));
		}
		json_array_append_new(routes, o);
	}
	json_object_set_new(doc, "routes", routes);
	json_object_set_new(doc, "dns", r->dns ? json_deep_copy(r->dns) : json_object());
	out = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	return out;
}

char *cni_error_json(const char *version, const struct cni_err *e)
{
	json_t *doc = json_pack("{s:s,s:i,s:s}", "cniVersion", version && version[0] ? version : CNI_VERSION,
				"code", e->code, "msg", e->msg);
	char *out = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;

	json_decref(doc);
	return out;
}

char *cni_version_json(void)
{
	json_t *v = json_array();
	json_t *doc;
	char *out;

	for (size_t i = 0; i < sizeof(cni_versions) / sizeof(cni_versions[0]); i++)
		json_array_append_new(v, json_string(cni_versions[i]));
	doc = json_pack("{s:s,s:o}", "cniVersion", CNI_VERSION, "supportedVersions", v);
	out = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	return out;
}

/* ---- names ---- */

void cni_port_name(const char *containerid, const char *ifname, char out[CNI_NAME_MAX])
{
	ctr_name("vc", containerid, ifname, out);
}

void cni_derive_mac(const char *containerid, const char *ifname, uint8_t mac[6])
{
	ctr_mac(containerid, ifname, mac);
}
