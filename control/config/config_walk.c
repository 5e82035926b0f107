/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_walk.c: the generic walker of the configuration's key tables (config_walk.h):
 * a mapping checked against its table (unknown, duplicate, missing and non-scalar keys),
 * defaults stored, every key parsed by its type with its range; the typed scalar parsers
 * (integers, booleans, IPv4, MAC, interface names); the errors, each one line
 * "FILE:LINE:COLUMN: what was wrong (what was expected)", and access to the YAML nodes.
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
#include "config_walk.h"

/* ------------------------------------------------------------------ */
/* Error reporting                                                    */
/* ------------------------------------------------------------------ */

static void cfg_verr(struct cfg_ctx *c, size_t line, size_t col, const char *fmt, va_list ap)
{
	int n;

	if (!c->err || c->errlen == 0)
		return;
	if (line)
		n = snprintf(c->err, c->errlen, "%s:%zu:%zu: ", c->name, line, col);
	else
		n = snprintf(c->err, c->errlen, "%s: ", c->name);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	/* One line, whatever the file name or a value contained. */
	for (char *p = c->err; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

int cfg_fail_lc(struct cfg_ctx *c, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verr(c, line, col, fmt, ap);
	va_end(ap);
	return EINVAL;
}

__attribute__((format(printf, 3, 4)))
int cfg_fail(struct cfg_ctx *c, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verr(c, m->line + 1, m->column + 1, fmt, ap);
	va_end(ap);
	return EINVAL;
}

int cfg_nomem(struct cfg_ctx *c)
{
	cfg_fail_lc(c, 0, 0, "out of memory while loading the configuration");
	return ENOMEM;
}

static bool cfg_is_empty_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0 &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A plain null: nothing, "~" or "null"; an optional section written this way is empty. */
bool cfg_is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)n->data.scalar.value;
	return n->data.scalar.length == 0 || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* Where to point for a problem with val: the value, or its key when the value is empty. */
const yaml_mark_t *cfg_mark(const yaml_node_t *key, const yaml_node_t *val)
{
	if (key && cfg_is_empty_plain(val))
		return &key->start_mark;
	return &val->start_mark;
}

/* Copy a scalar for a message: control bytes escaped, long values cut. */
const char *cfg_show_str(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (o >= CFG_SHOW_MAX || o + 8 >= size) {
			/* do not cut a UTF-8 sequence in half */
			while (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
				o--;
			if (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0xc0)
				o--;
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
	return buf;
}

const char *cfg_show(const yaml_node_t *n, char *buf, size_t size)
{
	if (n->type != YAML_SCALAR_NODE) {
		snprintf(buf, size, "%s", n->type == YAML_MAPPING_NODE ? "<mapping>" : "<sequence>");
		return buf;
	}
	return cfg_show_str((const char *)n->data.scalar.value, n->data.scalar.length, buf, size);
}

static void cfg_describe(const yaml_node_t *n, char *buf, size_t size)
{
	char v[CFG_SHOW_MAX + 16];

	switch (n->type) {
	case YAML_MAPPING_NODE:
		snprintf(buf, size, "a mapping");
		break;
	case YAML_SEQUENCE_NODE:
		snprintf(buf, size, "a sequence");
		break;
	default:
		if (cfg_is_empty_plain(n))
			snprintf(buf, size, "an empty value");
		else
			snprintf(buf, size, "a scalar '%s'", cfg_show(n, v, sizeof(v)));
		break;
	}
}

int cfg_kind(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val,
		    const char *path, const char *expected)
{
	char got[CFG_SHOW_MAX + 32];

	cfg_describe(val, got, sizeof(got));
	return cfg_fail(c, cfg_mark(key, val), "%s: expected %s, got %s", path, expected, got);
}

/* ------------------------------------------------------------------ */
/* Tree access                                                        */
/* ------------------------------------------------------------------ */

static yaml_node_t *cfg_node(struct cfg_ctx *c, int idx)
{
	return yaml_document_get_node(c->doc, idx);
}

size_t cfg_seq_len(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *cfg_seq_item(struct cfg_ctx *c, const yaml_node_t *seq, size_t i)
{
	return cfg_node(c, seq->data.sequence.items.start[i]);
}

static bool cfg_key_is(const yaml_node_t *k, const char *name)
{
	size_t n = strlen(name);

	return k->type == YAML_SCALAR_NODE && k->data.scalar.length == n &&
	       !memcmp(k->data.scalar.value, name, n);
}

/* Value of key name in an already validated mapping, or NULL. */
yaml_node_t *cfg_map_get(struct cfg_ctx *c, const yaml_node_t *map, const char *name)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = cfg_node(c, p->key);

		if (k && cfg_key_is(k, name))
			return cfg_node(c, p->value);
	}
	return NULL;
}

void cfg_path(char *dst, size_t size, const char *parent, const char *key)
{
	int n;

	/* paths are short; a cut one would still be a readable message */
	if (parent && *parent)
		n = snprintf(dst, size, "%s.%s", parent, key);
	else
		n = snprintf(dst, size, "%s", key);
	if (n < 0)
		dst[0] = '\0';
}

void cfg_path_idx(char *dst, size_t size, const char *parent, size_t i)
{
	if (snprintf(dst, size, "%s[%zu]", parent, i) < 0)
		dst[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* The table walker                                                   */
/* ------------------------------------------------------------------ */

/* Store v in a field of size bytes: a bool (1), a uint16_t (2), a uint32_t or int (4), a uint64_t (8). */
static void cfg_store(void *dst, size_t size, int64_t v)
{
	if (size == sizeof(bool)) {
		*(bool *)dst = v != 0;
	} else if (size == sizeof(uint16_t)) {
		uint16_t v16 = (uint16_t)v;

		memcpy(dst, &v16, sizeof(v16));
	} else if (size == sizeof(uint32_t)) {
		uint32_t v32 = (uint32_t)v;   /* an int field's -1 too: the same bytes */

		memcpy(dst, &v32, sizeof(v32));
	} else if (size == sizeof(uint64_t)) {
		memcpy(dst, &v, sizeof(v));
	}
}

/* The defaults of t's keys that m does not give (m NULL: none given), into obj. */
static void cfg_defaults(const struct cfg_table *t, const struct cfg_map *m, void *obj)
{
	for (size_t i = 0; i < t->n_keys; i++) {
		const struct cfg_key *k = &t->keys[i];

		if (m && m->key[i] && !((k->flags & CFG_NULL_OK) && cfg_is_null(m->val[i])))
			continue;
		if (k->has_def)
			cfg_store((char *)obj + k->off, k->size, k->def);
		if (k->type == CFG_MAP)
			cfg_defaults(k->map, NULL, obj);
	}
}

int cfg_map_open(struct cfg_ctx *c, struct cfg_map *m, yaml_node_t *key, yaml_node_t *val, const char *path,
		 const struct cfg_table *t, void *obj)
{
	char expected[256], in[192], sk[CFG_SHOW_MAX + 16];
	size_t o = 0;

	memset(m, 0, sizeof(*m));
	m->path = path;
	m->node = val;
	m->keys = t->keys;
	m->n_keys = t->n_keys;
	m->obj = obj;
	if (val->type != YAML_MAPPING_NODE)
		return cfg_kind(c, key, val, path ? path : "top level", t->expected);
	if (t->n_keys > CFG_MAX_KEYS)
		return cfg_fail(c, &val->start_mark, "internal error: %zu keys in the schema of '%s'",
				t->n_keys, path ? path : "top level");
	expected[0] = '\0';
	for (size_t i = 0; i < t->n_keys; i++) {
		int n = snprintf(expected + o, sizeof(expected) - o, "%s%s", i ? ", " : "", t->keys[i].name);

		if (n > 0 && o + (size_t)n < sizeof(expected))
			o += (size_t)n;
	}
	if (path)
		snprintf(in, sizeof(in), "in '%s'", path);
	else
		snprintf(in, sizeof(in), "at top level");

	for (yaml_node_pair_t *p = val->data.mapping.pairs.start; p < val->data.mapping.pairs.top; p++) {
		yaml_node_t *k = cfg_node(c, p->key), *v = cfg_node(c, p->value);
		size_t i;

		if (!k || !v)
			return cfg_fail(c, &val->start_mark, "malformed mapping %s", in);
		if (k->type != YAML_SCALAR_NODE) {
			char got[CFG_SHOW_MAX + 32];

			cfg_describe(k, got, sizeof(got));
			return cfg_fail(c, &k->start_mark, "key %s is %s (expected one of: %s)",
					in, got, expected);
		}
		for (i = 0; i < t->n_keys; i++)
			if (cfg_key_is(k, t->keys[i].name))
				break;
		if (i == t->n_keys)
			return cfg_fail(c, &k->start_mark, "unknown key '%s' %s (expected one of: %s)",
					cfg_show(k, sk, sizeof(sk)), in, expected);
		if (m->key[i])
			return cfg_fail(c, &k->start_mark, "duplicate key '%s' %s (first given at line %zu column %zu)",
					t->keys[i].name, in, m->key[i]->start_mark.line + 1,
					m->key[i]->start_mark.column + 1);
		m->key[i] = k;
		m->val[i] = v;
	}
	cfg_defaults(t, m, obj);
	return path ? cfg_map_require(c, m, &key->start_mark) : 0;
}

/* A missing required key is an error at where. */
int cfg_map_require(struct cfg_ctx *c, const struct cfg_map *m, const yaml_mark_t *where)
{
	for (size_t i = 0; i < m->n_keys; i++) {
		if (!(m->keys[i].flags & CFG_REQUIRED) || m->key[i])
			continue;
		if (m->path)
			return cfg_fail(c, where, "'%s' is missing required key '%s'", m->path, m->keys[i].name);
		return cfg_fail(c, where, "configuration is missing required key '%s' "
				"(expected a mapping with 'vtep' and 'underlay')", m->keys[i].name);
	}
	return 0;
}

/* Parse one key of m as its table line says, into m's object. */
static int cfg_key_parse(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
			 yaml_node_t *val, const char *path)
{
	void *dst = cfg_field(m, k);
	const char *s;
	uint64_t u;
	bool on;
	int rc;

	switch (k->type) {
	case CFG_RAW:
		return 0;
	case CFG_FN:
		return k->fn(c, m, k, key, val, path);
	case CFG_MAP: {
		struct cfg_map sub;

		rc = cfg_map_open(c, &sub, key, val, path, k->map, m->obj);
		return rc ? rc : cfg_map_passes(c, &sub);
	}
	case CFG_UINT:
		rc = cfg_uint(c, key, val, path, k->min, k->max, k->hint, &u);
		if (rc)
			return rc;
		cfg_store(dst, k->size, (int64_t)u);
		break;
	case CFG_BOOL:
		rc = cfg_bool(c, key, val, path, &on);
		if (rc)
			return rc;
		cfg_store(dst, k->size, on);
		break;
	case CFG_IPV4:
		rc = cfg_ipv4_unicast(c, key, val, path, dst);
		break;
	case CFG_IFNAME:
		rc = cfg_ifname(c, key, val, path, dst);
		break;
	case CFG_MAC:
	case CFG_MAC_ANY:
		rc = cfg_mac_unicast(c, key, val, path, k->type == CFG_MAC_ANY, dst);
		break;
	case CFG_STR:
		rc = cfg_scalar(c, key, val, path, "a string", &s);
		if (!rc)
			snprintf(dst, k->size, "%s", s);
		break;
	default:
		return cfg_fail(c, &key->start_mark, "internal error: %s has no type", path);
	}
	if (!rc && k->fn)
		rc = k->fn(c, m, k, key, val, path);
	return rc;
}

int cfg_map_pass(struct cfg_ctx *c, const struct cfg_map *m, unsigned pass)
{
	char path[256];

	for (size_t i = 0; i < m->n_keys; i++) {
		const struct cfg_key *k = &m->keys[i];
		int rc;

		if (k->pass != pass || !m->key[i])
			continue;
		if ((k->flags & CFG_NULL_OK) && cfg_is_null(m->val[i]))
			continue;
		cfg_path(path, sizeof(path), m->path, k->name);
		rc = cfg_key_parse(c, m, k, m->key[i], m->val[i], path);
		if (rc)
			return rc;
	}
	return 0;
}

int cfg_map_passes(struct cfg_ctx *c, const struct cfg_map *m)
{
	unsigned last = 0;
	int rc = 0;

	for (size_t i = 0; i < m->n_keys; i++)
		if (m->keys[i].pass > last)
			last = m->keys[i].pass;
	for (unsigned pass = 0; !rc && pass <= last; pass++)
		rc = cfg_map_pass(c, m, pass);
	return rc;
}

static size_t cfg_map_index(const struct cfg_map *m, const char *name)
{
	for (size_t i = 0; i < m->n_keys; i++)
		if (!strcmp(m->keys[i].name, name))
			return i;
	return SIZE_MAX;
}

yaml_node_t *cfg_map_key(const struct cfg_map *m, const char *name)
{
	size_t i = cfg_map_index(m, name);

	return i == SIZE_MAX ? NULL : m->key[i];
}

yaml_node_t *cfg_map_val(const struct cfg_map *m, const char *name)
{
	size_t i = cfg_map_index(m, name);

	return i == SIZE_MAX ? NULL : m->val[i];
}

const struct cfg_key *cfg_map_other_kind(const struct cfg_map *m, unsigned kind)
{
	for (size_t i = 0; i < m->n_keys; i++) {
		unsigned only = m->keys[i].flags & CFG_ONLY_MASK;

		if (m->key[i] && only && !(only & (1u << (8 + kind))))
			return &m->keys[i];
	}
	return NULL;
}

int cfg_map_one_of(struct cfg_ctx *c, const struct cfg_map *m, const char *a, const char *b, const char *or_else)
{
	yaml_node_t *ka = cfg_map_key(m, a), *kb = cfg_map_key(m, b);

	if (ka && kb) {
		yaml_node_t *later = ka->start_mark.index > kb->start_mark.index ? ka : kb;

		return cfg_fail(c, &later->start_mark, "'%s' has both '%s' and '%s' (expected exactly one of them)",
				m->path, a, b);
	}
	if (!ka && !kb)
		return cfg_fail(c, &m->node->start_mark,
				"'%s' has neither '%s' nor '%s' (expected exactly one of them%s)", m->path, a, b, or_else);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Scalar converters                                                  */
/* ------------------------------------------------------------------ */

int cfg_scalar(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val,
		      const char *path, const char *expected, const char **out)
{
	*out = "";
	if (val->type != YAML_SCALAR_NODE)
		return cfg_kind(c, key, val, path, expected);
	if (strlen((const char *)val->data.scalar.value) != val->data.scalar.length)
		return cfg_fail(c, cfg_mark(key, val), "%s: value contains a NUL character (expected %s)",
				path, expected);
	*out = (const char *)val->data.scalar.value;
	return 0;
}

int cfg_uint(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
		    uint64_t min, uint64_t max, const char *hint, uint64_t *out)
{
	char range[160], expected[192], sv[CFG_SHOW_MAX + 16];
	const char *s;
	size_t len;
	uint64_t v = 0;
	bool digits = true;
	int rc;

	snprintf(range, sizeof(range), "%llu..%llu%s%s", (unsigned long long)min,
		 (unsigned long long)max, hint ? ", " : "", hint ? hint : "");
	snprintf(expected, sizeof(expected), "an integer %s", range);
	rc = cfg_scalar(c, key, val, path, expected, &s);
	if (rc)
		return rc;
	len = val->data.scalar.length;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			digits = false;
	if (len == 0 || !digits || (len > 1 && s[0] == '0'))
		return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is not a decimal integer (expected %s)",
				path, cfg_show(val, sv, sizeof(sv)), range);
	if (len > 19)
		return cfg_fail(c, cfg_mark(key, val), "%s: %s is out of range (expected %s)",
				path, cfg_show(val, sv, sizeof(sv)), range);
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (v < min || v > max)
		return cfg_fail(c, cfg_mark(key, val), "%s: %s is out of range (expected %s)",
				path, cfg_show(val, sv, sizeof(sv)), range);
	*out = v;
	return 0;
}

int cfg_bool(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val,
		    const char *path, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc = cfg_scalar(c, key, val, path, "a boolean (true/false)", &s);

	if (rc)
		return rc;
	for (size_t i = 0; i < 3; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return cfg_fail(c, cfg_mark(key, val), "%s: '%s' is not a boolean (expected true/false, yes/no or on/off)",
			path, cfg_show(val, sv, sizeof(sv)));
}

int cfg_ipv4_unicast(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val,
			    const char *path, uint32_t *ip)
{
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	uint32_t a, h;
	int rc = cfg_scalar(c, key, val, path, "an IPv4 address", &s);

	if (rc)
		return rc;
	if (vtep_parse_ipv4(s, &a))
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is not an IPv4 address (expected dotted quad, e.g. 10.0.0.1)",
				path, cfg_show(val, sv, sizeof(sv)));
	h = ntohl(a);
	if (h == 0)
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is the unspecified address (expected a unicast IPv4 address)", path, s);
	if ((h >> 28) == 0xe)
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is a multicast address (expected a unicast IPv4 address)", path, s);
	if (h == 0xffffffffu)
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is the broadcast address (expected a unicast IPv4 address)", path, s);
	*ip = a;
	return 0;
}

int cfg_mac_unicast(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path, bool dotted,
		    uint8_t mac[6])
{
	static const uint8_t zero[6];
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc = cfg_scalar(c, key, val, path, "a MAC address", &s);

	if (rc)
		return rc;
	if (vtep_parse_mac(s, mac) && (!dotted || vtep_parse_mac_dotted(s, mac)))
		return cfg_fail(c, cfg_mark(key, val),
				dotted ? "%s: '%s' is not a MAC address (expected six hex pairs or three dotted groups "
					 "of four hex digits, e.g. 02:00:00:00:00:01 or 0200.0000.0001)" :
					 "%s: '%s' is not a MAC address (expected six hex pairs, e.g. 02:00:00:00:00:01)",
				path, cfg_show(val, sv, sizeof(sv)));
	if (mac[0] & 1)
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is a multicast MAC address (expected a unicast MAC: I/G bit of the first octet clear)",
				path, s);
	if (!memcmp(mac, zero, 6))
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is the all-zero MAC address (expected a unicast MAC)", path, s);
	return 0;
}

/* s need not end at len (an option inside devargs). */
bool cfg_ifname_ok(const char *s, size_t len)
{
	char name[VTEP_IFNAME_MAX];

	if (len == 0 || len >= VTEP_IFNAME_MAX || memchr(s, '\0', len))
		return false;
	memcpy(name, s, len);
	name[len] = '\0';
	return vtep_ifname_check(name) == 0;
}

int cfg_ifname(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val,
		      const char *path, char out[VTEP_IFNAME_MAX])
{
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc = cfg_scalar(c, key, val, path, "an interface name", &s);

	if (rc)
		return rc;
	if (!cfg_ifname_ok(s, val->data.scalar.length))
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is not a valid interface name (expected 1..15 printable characters without '/', ':', ',', '=' or whitespace)",
				path, cfg_show(val, sv, sizeof(sv)));
	memcpy(out, s, val->data.scalar.length + 1);
	return 0;
}
