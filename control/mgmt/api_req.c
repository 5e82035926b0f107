/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * api_req.c: the management API's endpoints and their schemas, request validation (JSON
 * with jansson) and the mapping of a request onto the words of a vtepctl command; the
 * HTTP status of an errno and the JSON error document. No HTTP and no daemon state here:
 * api.c serves it, test_api checks it.
 */
#include "api_req.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#define VNI_MAX 16777215
#define ARRAY(a) (a), (sizeof(a) / sizeof((a)[0]))

/* ---- the schemas ---- */

static const struct api_field q_macs[] = {
	{ "vni", API_INT, false, 1, VNI_MAX, "vni", NULL },
	{ "mac", API_STR, false, 1, 32, "mac", NULL },
	{ "port", API_STR, false, 1, 15, "port", NULL },
	{ "vtep", API_STR, false, 1, 15, "vtep", NULL },
	{ "limit", API_INT, false, 1, UINT32_MAX, "limit", NULL },
	{ "cursor", API_INT, false, 0, UINT32_MAX, "cursor", NULL },
	{ "count", API_FLAG, false, 0, 0, "count", NULL },
};
static const struct api_field q_vrf[] = {
	{ "vrf", API_STR, false, 1, 31, "vrf", NULL },
};
static const struct api_field q_evpn[] = {
	{ "type", API_ENUM, false, 0, 0, "type", "2|3|5" },
	{ "vni", API_INT, false, 1, VNI_MAX, "vni", NULL },
};
static const struct api_field q_stats[] = {
	{ "section", API_ENUM, false, 0, 0, NULL, "fdb|vrfs" },
};
static const struct api_field b_port[] = {
	{ "name", API_STR, true, 1, 15, NULL, NULL },
	{ "vni", API_INT, true, 1, VNI_MAX, "vni", NULL },
	{ "netns", API_STR, false, 1, 255, "netns", NULL },
	{ "pid", API_INT, false, 1, INT32_MAX, "pid", NULL },
	{ "memif", API_STR, false, 1, 107, "memif", NULL },
	{ "memif_id", API_INT, false, 0, UINT32_MAX, "memif_id", NULL },
	{ "ifname", API_STR, false, 1, 15, "ifname", NULL },
	{ "mac", API_STR, false, 1, 17, "mac", NULL },
	{ "ip", API_STR, false, 1, 18, "ip", NULL },
	{ "mtu", API_INT, false, 1, 65535, "mtu", NULL },
};
static const struct api_field b_vni[] = {
	{ "vni", API_INT, true, 1, VNI_MAX, NULL, NULL },
	{ "vrf", API_STR, false, 1, 31, "vrf", NULL },
	{ "gateway", API_STR, false, 1, 18, "gateway", NULL },
	{ "gateway6", API_STR, false, 1, 43, "gateway6", NULL },
	{ "mtu", API_INT, false, 1, 65535, "mtu", NULL },
	{ "learning", API_ONOFF, false, 0, 0, "learning", NULL },
	{ "flood", API_STRLIST, false, 1, 256, "flood", NULL },
	{ "max_macs", API_INT, false, 0, 16777216, "max_macs", NULL },
};
static const struct api_field b_vrf[] = {
	{ "name", API_STR, true, 1, 15, NULL, NULL },
	{ "l3vni", API_INT, true, 1, VNI_MAX, "l3vni", NULL },
	{ "router_mac", API_STR, false, 1, 17, "router_mac", NULL },
	{ "max_ipv4_routes", API_INT, false, 1024, 16777216, "max_ipv4_routes", NULL },
	{ "max_ipv6_routes", API_INT, false, 1024, 4194304, "max_ipv6_routes", NULL },
	{ "advertise", API_STRLIST, false, 1, 256, "advertise", NULL },
	{ "advertise_subnets", API_ONOFF, false, 0, 0, "advertise_subnets", NULL },
};
static const struct api_field b_log[] = {
	{ "level", API_ENUM, true, 0, 0, NULL, "err|warn|info|debug" },
};
static const struct api_field p_vrf = { "name", API_STR, true, 1, 15, NULL, NULL };
static const struct api_field p_port = { "name", API_STR, true, 1, 15, NULL, NULL };
static const struct api_field p_vni = { "vni", API_INT, true, 1, VNI_MAX, NULL, NULL };

const struct api_endpoint api_endpoints[] = {
	{ "GET", "/v1/vnis", { "show", "vnis" }, .ok_status = 200, .summary = "the VNIs (show vnis)" },
	{ "POST", "/v1/vnis", { "vni", "add" }, .body = ARRAY(b_vni), .ok_status = 201,
	  .summary = "create a VNI (vni add)" },
	{ "DELETE", "/v1/vnis/{vni}", { "vni", "del" }, .param = &p_vni, .ok_status = 200,
	  .summary = "delete a VNI (vni del)" },
	{ "GET", "/v1/vrfs", { "show", "vrfs" }, .ok_status = 200, .summary = "the VRFs (show vrfs)" },
	{ "POST", "/v1/vrfs", { "vrf", "add" }, .body = ARRAY(b_vrf), .ok_status = 201,
	  .summary = "create a VRF (vrf add)" },
	{ "DELETE", "/v1/vrfs/{name}", { "vrf", "del" }, .param = &p_vrf, .ok_status = 200,
	  .summary = "delete a VRF (vrf del)" },
	{ "GET", "/v1/ports", { "show", "ports" }, .ok_status = 200, .summary = "the ports (show ports)" },
	{ "POST", "/v1/ports", { "attach" }, .body = ARRAY(b_port), .one_of = "netns,pid,memif", .ok_status = 201,
	  .summary = "attach a container port (attach)" },
	{ "DELETE", "/v1/ports/{name}", { "detach" }, .param = &p_port, .ok_status = 200,
	  .summary = "detach a port (detach)" },
	{ "GET", "/v1/macs", { "show", "macs" }, .query = ARRAY(q_macs), .ok_status = 200,
	  .summary = "the MAC table, filtered and paged (show macs), streamed" },
	{ "GET", "/v1/routes", { "show", "routes" }, .query = ARRAY(q_vrf), .ok_status = 200,
	  .summary = "the VRFs' routes (show routes)" },
	{ "GET", "/v1/neighbors", { "show", "neighbors" }, .query = ARRAY(q_vrf), .ok_status = 200,
	  .summary = "the VRFs' neighbours (show neighbors)" },
	{ "GET", "/v1/vteps", { "show", "vteps" }, .ok_status = 200, .summary = "the remote VTEPs (show vteps)" },
	{ "GET", "/v1/arp", { "show", "arp" }, .ok_status = 200, .summary = "the ARP suppression table (show arp)" },
	{ "GET", "/v1/peers", { "show", "bgp", "summary" }, .ok_status = 200,
	  .summary = "the BGP sessions (show bgp summary)" },
	{ "GET", "/v1/evpn/routes", { "show", "bgp", "evpn" }, .query = ARRAY(q_evpn), .ok_status = 200,
	  .summary = "the EVPN routes (show bgp evpn)" },
	{ "GET", "/v1/stats", { "show", "stats" }, .query = ARRAY(q_stats), .ok_status = 200,
	  .summary = "the counters (show stats)" },
	{ "POST", "/v1/reload", { "reload" }, .ok_status = 200, .not_found_status = 409,
	  .summary = "read the configuration file again and apply the difference (reload)" },
	{ "GET", "/v1/log", { "show", "log" }, .ok_status = 200, .summary = "the log's level and destination (show log)" },
	{ "PUT", "/v1/log", { "log", "level" }, .body = ARRAY(b_log), .ok_status = 200,
	  .summary = "set the log level (log level)" },
};
const size_t api_n_endpoints = sizeof(api_endpoints) / sizeof(api_endpoints[0]);

/* ---- errors ---- */

int api_status_of_errno(int err)
{
	switch (err) {
	case 0:
		return 200;
	case EINVAL:
	case ERANGE:
	case EDOM:
	case ENAMETOOLONG:
		return 400;
	case EPERM:
	case EACCES:
		return 403;
	case ENOENT:
	case ENODEV:
	case ENXIO:
	case ESRCH:
		return 404;
	case EEXIST:
	case EBUSY:
	case EADDRINUSE:
	case ENOTEMPTY:
	case EALREADY:
	case ENOSPC:
	case EMLINK:
		return 409;
	case E2BIG:
	case EMSGSIZE:
		return 413;
	case ENOSYS:
	case EOPNOTSUPP:
		return 501;
	case EAGAIN:
		return 503;
	case ETIMEDOUT:
		return 504;
	default:
		return 500;
	}
}

int api_status_of_error(const struct api_endpoint *ep, int err)
{
	int status = api_status_of_errno(err);

	return status == 404 && ep && ep->not_found_status ? ep->not_found_status : status;
}

char *api_error_json(int status, const char *msg)
{
	json_t *j = json_pack("{s:s, s:i}", "error", msg ? msg : "", "status", status);
	char *s;

	if (!j) {       /* msg is not UTF-8: say so rather than nothing */
		j = json_pack("{s:s, s:i}", "error", "(error text not UTF-8)", "status", status);
		if (!j)
			return NULL;
	}
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static int fail(char *err, size_t errlen, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return status;
}

/* ---- argv ---- */

static int push(struct api_call *c, const char *s, size_t len)
{
	char *w;

	if (c->argc >= API_MAX_ARGV)
		return E2BIG;
	w = malloc(len + 1);
	if (!w)
		return ENOMEM;
	memcpy(w, s, len);
	w[len] = '\0';
	c->argv[c->argc++] = w;
	return 0;
}

static int push_s(struct api_call *c, const char *s)
{
	return push(c, s, strlen(s));
}

void api_call_free(struct api_call *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	c->argc = 0;
}

/* ---- value checks ---- */

static bool printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static const char *type_name(const struct api_field *f)
{
	switch (f->type) {
	case API_INT:
		return "an integer";
	case API_FLAG:
	case API_ONOFF:
		return "a boolean";
	case API_STRLIST:
		return "an array of strings";
	default:
		return "a string";
	}
}

static bool enum_ok(const char *choices, const char *s, size_t len)
{
	const char *p = choices;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);

		if (n == len && memcmp(p, s, n) == 0)
			return true;
		p += n + (bar != NULL);
	}
	return false;
}

/* A string value of f (where: "field", "query parameter" ...) */
static int check_str(const struct api_field *f, const char *where, const char *s, size_t len, char *err,
		     size_t errlen)
{
	if (f->type == API_ENUM) {
		if (!enum_ok(f->choices, s, len) || !printable(s, len))
			return fail(err, errlen, 400, "%s '%s': '%.*s' is not one of %s", where, f->name,
				    len > 32 ? 32 : (int)len, printable(s, len) ? s : "?", f->choices);
		return 0;
	}
	if ((int64_t)len < f->min || (int64_t)len > f->max)
		return fail(err, errlen, 400, "%s '%s': expected a string of %" PRId64 " to %" PRId64
			    " characters, got %zu", where, f->name, f->min, f->max, len);
	if (!printable(s, len) || memchr(s, '\0', len))
		return fail(err, errlen, 400, "%s '%s': control characters are not allowed", where, f->name);
	return 0;
}

/* A decimal integer given as text (query, path): digits only, within f's range. */
static int parse_int_text(const struct api_field *f, const char *where, const char *s, int64_t *out, char *err,
			  size_t errlen)
{
	uint64_t v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 19)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < (uint64_t)f->min || v > (uint64_t)f->max)
		goto bad;
	*out = (int64_t)v;
	return 0;
bad:
	return fail(err, errlen, 400, "%s '%s': expected an integer from %" PRId64 " to %" PRId64 ", got '%.32s'",
		    where, f->name, f->min, f->max, printable(s, n) ? s : "?");
}

/* Adds f's word (when it has one) and the value. */
static int push_value(struct api_call *c, const struct api_field *f, const char *v, size_t len)
{
	int rc = 0;

	if (f->word)
		rc = push_s(c, f->word);
	return rc ? rc : push(c, v, len);
}

static int push_int(struct api_call *c, const struct api_field *f, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return push_value(c, f, buf, strlen(buf));
}

/* A text value (query parameter or path segment) of f onto the argv. */
static int text_value(struct api_call *c, const struct api_field *f, const char *where, const char *v, char *err,
		      size_t errlen)
{
	int64_t n = 0;
	int rc;

	switch (f->type) {
	case API_INT:
		rc = parse_int_text(f, where, v, &n, err, errlen);
		return rc ? rc : push_int(c, f, n) ? fail(err, errlen, 500, "out of memory") : 0;
	case API_FLAG:
		if (!strcmp(v, "true") || !strcmp(v, "1") || !v[0])
			return push_s(c, f->word) ? fail(err, errlen, 500, "out of memory") : 0;
		if (!strcmp(v, "false") || !strcmp(v, "0"))
			return 0;
		return fail(err, errlen, 400, "%s '%s': expected true or false, got '%.32s'", where, f->name,
			    printable(v, strlen(v)) ? v : "?");
	default:
		rc = check_str(f, where, v, strlen(v), err, errlen);
		return rc ? rc : push_value(c, f, v, strlen(v)) ? fail(err, errlen, 500, "out of memory") : 0;
	}
}

/* A JSON value of body field f onto the argv. */
static int json_value(struct api_call *c, const struct api_field *f, json_t *v, char *err, size_t errlen)
{
	int rc;

	switch (f->type) {
	case API_INT: {
		json_int_t n;

		if (!json_is_integer(v))
			break;
		n = json_integer_value(v);
		if (n < f->min || n > f->max)
			return fail(err, errlen, 400, "field '%s': expected an integer from %" PRId64 " to %" PRId64
				    ", got %" JSON_INTEGER_FORMAT, f->name, f->min, f->max, n);
		return push_int(c, f, n) ? fail(err, errlen, 500, "out of memory") : 0;
	}
	case API_ONOFF:
		if (!json_is_boolean(v))
			break;
		rc = push_s(c, f->word);
		return rc || push_s(c, json_is_true(v) ? "on" : "off") ? fail(err, errlen, 500, "out of memory") : 0;
	case API_STRLIST: {
		size_t n = json_array_size(v), total = 0;
		char *joined;

		if (!json_is_array(v))
			break;
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return fail(err, errlen, 400, "field '%s': expected %" PRId64 " to %" PRId64 " items, got %zu",
				    f->name, f->min, f->max, n);
		for (size_t i = 0; i < n; i++) {
			json_t *it = json_array_get(v, i);
			const char *s = json_string_value(it);
			size_t len = json_string_length(it);

			if (!json_is_string(it))
				return fail(err, errlen, 400, "field '%s': item %zu: expected a string", f->name, i);
			if (len < 1 || len > 64 || !printable(s, len) || memchr(s, ',', len) || memchr(s, '\0', len))
				return fail(err, errlen, 400, "field '%s': item %zu: expected 1 to 64 printable characters"
					    " without ','", f->name, i);
			total += len + 1;
		}
		joined = malloc(total + 1);
		if (!joined)
			return fail(err, errlen, 500, "out of memory");
		joined[0] = '\0';
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(joined, ",");
			strcat(joined, json_string_value(json_array_get(v, i)));
		}
		rc = push_value(c, f, joined, strlen(joined));
		free(joined);
		return rc ? fail(err, errlen, 500, "out of memory") : 0;
	}
	default:
		if (!json_is_string(v))
			break;
		rc = check_str(f, "field", json_string_value(v), json_string_length(v), err, errlen);
		return rc ? rc : push_value(c, f, json_string_value(v), json_string_length(v)) ? fail(err, errlen, 500, "out of memory") : 0;
	}
	return fail(err, errlen, 400, "field '%s': expected %s, got %s", f->name, type_name(f),
		    json_is_string(v) ? "a string" : json_is_integer(v) ? "an integer" : json_is_real(v) ? "a number" :
		    json_is_boolean(v) ? "a boolean" : json_is_null(v) ? "null" : json_is_array(v) ? "an array" :
		    "an object");
}

/* ---- routing ---- */

/* Does path match template (one "{param}" at the end at most)? *param: where its value starts. */
static bool path_match(const char *tmpl, const char *path, const char **param)
{
	const char *brace = strchr(tmpl, '{');

	*param = NULL;
	if (!brace)
		return strcmp(tmpl, path) == 0;
	size_t pre = (size_t)(brace - tmpl);
	if (strncmp(tmpl, path, pre) != 0 || !path[pre] || strchr(path + pre, '/'))
		return false;
	*param = path + pre;
	return true;
}

static const char *fields_list(const struct api_field *f, size_t n, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "", f[i].name);
	return buf;
}

static bool json_content_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof(want) - 1;

	if (!ct || strncasecmp(ct, want, n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static int build_query(const struct api_request *r, const struct api_endpoint *ep, struct api_call *c, char *err,
		       size_t errlen)
{
	char list[256];

	if (r->query_overflow)
		return fail(err, errlen, 400, "too many query parameters (at most %d)", API_MAX_QUERY);
	for (size_t i = 0; i < r->n_query; i++) {
		const struct api_field *f = NULL;

		for (size_t k = 0; k < ep->n_query; k++)
			if (!strcmp(ep->query[k].name, r->qkey[i]))
				f = &ep->query[k];
		if (!f)
			return ep->n_query ?
			       fail(err, errlen, 400, "unknown query parameter '%.32s' (expected %s)",
				    printable(r->qkey[i], strlen(r->qkey[i])) ? r->qkey[i] : "?",
				    fields_list(ep->query, ep->n_query, list, sizeof(list))) :
			       fail(err, errlen, 400, "unknown query parameter '%.32s' (%s %s takes none)",
				    printable(r->qkey[i], strlen(r->qkey[i])) ? r->qkey[i] : "?", ep->method, ep->path);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(r->qkey[k], r->qkey[i]))
				return fail(err, errlen, 400, "query parameter '%s' given twice", f->name);
	}
	/* in the table's order, so the argv does not depend on the query's */
	for (size_t k = 0; k < ep->n_query; k++) {
		for (size_t i = 0; i < r->n_query; i++) {
			int rc;

			if (strcmp(ep->query[k].name, r->qkey[i]))
				continue;
			rc = text_value(c, &ep->query[k], "query parameter", r->qval[i] ? r->qval[i] : "", err, errlen);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int build_body(const struct api_request *r, const struct api_endpoint *ep, struct api_call *c, char *err,
		      size_t errlen)
{
	json_error_t je;
	json_t *doc, *v;
	const char *key;
	char list[256];
	int rc = 0;

	if (!r->body_len)
		return fail(err, errlen, 400, "empty body (expected a JSON object with %s)",
			    fields_list(ep->body, ep->n_body, list, sizeof(list)));
	if (!json_content_type(r->content_type))
		return fail(err, errlen, 415, "Content-Type '%.48s' is not application/json",
			    r->content_type && printable(r->content_type, strlen(r->content_type)) ?
			    r->content_type : "(none)");
	doc = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!doc)
		return fail(err, errlen, 400, "bad JSON at line %d column %d: %s", je.line, je.column, je.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return fail(err, errlen, 400, "the body must be a JSON object with %s",
			    fields_list(ep->body, ep->n_body, list, sizeof(list)));
	}
	json_object_foreach(doc, key, v) {
		bool known = false;

		for (size_t k = 0; k < ep->n_body; k++)
			known |= !strcmp(ep->body[k].name, key);
		if (!known) {
			rc = fail(err, errlen, 400, "unknown field '%.32s' (expected %s)",
				  printable(key, strlen(key)) ? key : "?",
				  fields_list(ep->body, ep->n_body, list, sizeof(list)));
			goto out;
		}
	}
	for (size_t k = 0; k < ep->n_body; k++) {
		if (ep->body[k].required && !json_object_get(doc, ep->body[k].name)) {
			rc = fail(err, errlen, 400, "missing required field '%s'", ep->body[k].name);
			goto out;
		}
	}
	if (ep->one_of) {
		char names[64];
		unsigned given = 0;

		snprintf(names, sizeof(names), "%s", ep->one_of);
		for (char *save = NULL, *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save))
			given += json_object_get(doc, t) != NULL;
		if (given != 1) {
			rc = fail(err, errlen, 400, "%s: give exactly one of the fields %s", given ? "conflicting fields" :
				  "missing field", ep->one_of);
			goto out;
		}
	}
	for (size_t k = 0; k < ep->n_body && !rc; k++)
		if ((v = json_object_get(doc, ep->body[k].name)))
			rc = json_value(c, &ep->body[k], v, err, errlen);
out:
	json_decref(doc);
	return rc;
}

int api_req_build(const struct api_request *r, struct api_call *c, char *err, size_t errlen)
{
	const struct api_endpoint *ep = NULL;
	const char *param = NULL;
	bool path_known = false;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!r->method || !r->path)
		return fail(err, errlen, 400, "bad request");
	for (size_t i = 0; i < api_n_endpoints; i++) {
		const char *p;

		if (!path_match(api_endpoints[i].path, r->path, &p))
			continue;
		if (!path_known || strlen(c->allow) + 8 < sizeof(c->allow))
			snprintf(c->allow + strlen(c->allow), sizeof(c->allow) - strlen(c->allow), "%s%s",
				 path_known ? ", " : "", api_endpoints[i].method);
		path_known = true;
		if (!strcmp(api_endpoints[i].method, r->method)) {
			ep = &api_endpoints[i];
			param = p;
		}
	}
	if (!path_known)
		return fail(err, errlen, 404, "no such resource '%.64s'",
			    printable(r->path, strlen(r->path)) ? r->path : "?");
	if (!ep)
		return fail(err, errlen, 405, "method %.16s is not allowed on %.64s (allowed: %s)",
			    printable(r->method, strlen(r->method)) ? r->method : "?", r->path, c->allow);
	c->ep = ep;
	c->ok_status = ep->ok_status;
	for (int i = 0; ep->words[i]; i++) {
		if (push_s(c, ep->words[i])) {
			rc = fail(err, errlen, 500, "out of memory");
			goto bad;
		}
		c->n_words++;
	}
	if (r->body_too_large || r->body_len > API_MAX_BODY) {
		rc = fail(err, errlen, 413, "request body larger than %d bytes", API_MAX_BODY);
		goto bad;
	}
	if (ep->param && (rc = text_value(c, ep->param, "path parameter", param, err, errlen)))
		goto bad;
	if ((rc = build_query(r, ep, c, err, errlen)))
		goto bad;
	if (ep->body)
		rc = build_body(r, ep, c, err, errlen);
	else if (r->body_len)
		rc = fail(err, errlen, 400, "%s %s takes no request body", ep->method, ep->path);
	if (rc)
		goto bad;
	return 0;
bad:
	api_call_free(c);
	return rc;
}
