/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_api.c: the management API's request layer (api_req.c): every endpoint's request
 * becomes the right vtepctl argv, and every class of bad input (bad JSON, not an object,
 * unknown, duplicate and missing fields, wrong types and ranges, oversize bodies, wrong
 * Content-Type, bodies and query parameters where none are taken, bad path parameters,
 * unknown paths and methods) is refused with its HTTP status and a message naming the
 * field; the errno -> status map and the error document; and ctl_run / ctl_out_next, which
 * the server drives (a streamed reply comes in several parts).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_req.h"
#include "ctl.h"

static struct api_call call;
static char err[512];

/* Builds a request; returns its status (0: valid, call holds the argv). */
static int req(const char *method, const char *path, const char *body, const char *ct, const char *q1k,
	       const char *q1v)
{
	struct api_request r = { .method = method, .path = path, .content_type = ct, .body = body,
				 .body_len = body ? strlen(body) : 0 };

	if (q1k) {
		r.qkey[0] = q1k;
		r.qval[0] = q1v;
		r.n_query = 1;
	}
	err[0] = '\0';
	return api_req_build(&r, &call, err, sizeof(err));
}

static int post(const char *path, const char *body)
{
	return req("POST", path, body, "application/json", NULL, NULL);
}

/* The argv joined by spaces. */
static const char *words(void)
{
	static char buf[1024];

	buf[0] = '\0';
	for (int i = 0; i < call.argc; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? " " : "", call.argv[i]);
	return buf;
}

#define ck_ok(expr, want)                                                                  \
	do {                                                                               \
		int st_ = (expr);                                                          \
		ck_assert_msg(st_ == 0, "%s: status %d: %s", #expr, st_, err);            \
		ck_assert_str_eq(words(), want);                                           \
		api_call_free(&call);                                                      \
	} while (0)

#define ck_bad(expr, status, needle)                                                       \
	do {                                                                               \
		int st_ = (expr);                                                          \
		ck_assert_msg(st_ == (status), "%s: status %d, expected %d (%s)", #expr, st_, \
			      status, err);                                                \
		ck_assert_msg(strstr(err, needle), "%s: '%s' does not say '%s'", #expr, err, needle); \
		ck_assert_int_eq(call.argc, 0);                                            \
	} while (0)

START_TEST(test_get_endpoints)
{
	ck_ok(req("GET", "/v1/vnis", NULL, NULL, NULL, NULL), "show vnis");
	ck_ok(req("GET", "/v1/vrfs", NULL, NULL, NULL, NULL), "show vrfs");
	ck_ok(req("GET", "/v1/ports", NULL, NULL, NULL, NULL), "show ports");
	ck_ok(req("GET", "/v1/macs", NULL, NULL, NULL, NULL), "show macs");
	ck_ok(req("GET", "/v1/macs", NULL, NULL, "vni", "100"), "show macs vni 100");
	ck_ok(req("GET", "/v1/macs", NULL, NULL, "count", "true"), "show macs count");
	ck_ok(req("GET", "/v1/macs", NULL, NULL, "count", NULL), "show macs count");
	ck_ok(req("GET", "/v1/macs", NULL, NULL, "count", "false"), "show macs");
	ck_ok(req("GET", "/v1/macs", NULL, NULL, "cursor", "0"), "show macs cursor 0");
	ck_ok(req("GET", "/v1/routes", NULL, NULL, "vrf", "tenant"), "show routes vrf tenant");
	ck_ok(req("GET", "/v1/neighbors", NULL, NULL, NULL, NULL), "show neighbors");
	ck_ok(req("GET", "/v1/vteps", NULL, NULL, NULL, NULL), "show vteps");
	ck_ok(req("GET", "/v1/arp", NULL, NULL, NULL, NULL), "show arp");
	ck_ok(req("GET", "/v1/peers", NULL, NULL, NULL, NULL), "show bgp summary");
	ck_ok(req("GET", "/v1/evpn/routes", NULL, NULL, "type", "5"), "show bgp evpn type 5");
	ck_ok(req("GET", "/v1/stats", NULL, NULL, NULL, NULL), "show stats");
	ck_ok(req("GET", "/v1/stats", NULL, NULL, "section", "fdb"), "show stats fdb");
	ck_ok(req("GET", "/v1/log", NULL, NULL, NULL, NULL), "show log");

	/* several parameters: in the table's order, whatever the query's */
	struct api_request r = { .method = "GET", .path = "/v1/macs", .n_query = 3,
				 .qkey = { "limit", "port", "vni" }, .qval = { "10", "c1", "7" } };
	ck_assert_int_eq(api_req_build(&r, &call, err, sizeof(err)), 0);
	ck_assert_str_eq(words(), "show macs vni 7 port c1 limit 10");
	api_call_free(&call);
}
END_TEST

START_TEST(test_get_bad_query)
{
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "colour", "red"), 400, "unknown query parameter 'colour'");
	ck_bad(req("GET", "/v1/vnis", NULL, NULL, "x", "1"), 400, "takes none");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "vni", "abc"), 400, "'vni'");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "vni", "0"), 400, "'vni'");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "vni", "-1"), 400, "'vni'");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "vni", "16777216"), 400, "'vni'");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "vni", "99999999999999999999999"), 400, "'vni'");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "limit", "0"), 400, "'limit'");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "count", "maybe"), 400, "'count'");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "port", "abcdefghijklmnop"), 400, "'port'");
	ck_bad(req("GET", "/v1/macs", NULL, NULL, "port", "a\tb"), 400, "control characters");
	ck_bad(req("GET", "/v1/evpn/routes", NULL, NULL, "type", "4"), 400, "'type'");
	ck_bad(req("GET", "/v1/stats", NULL, NULL, "section", "nope"), 400, "fdb|vrfs");
	ck_bad(req("GET", "/v1/vnis", "{}", "application/json", NULL, NULL), 400, "takes no request body");

	struct api_request r = { .method = "GET", .path = "/v1/macs", .n_query = 2,
				 .qkey = { "vni", "vni" }, .qval = { "1", "2" } };
	ck_assert_int_eq(api_req_build(&r, &call, err, sizeof(err)), 400);
	ck_assert_ptr_nonnull(strstr(err, "given twice"));
	r.n_query = 0;
	r.query_overflow = true;
	ck_assert_int_eq(api_req_build(&r, &call, err, sizeof(err)), 400);
	ck_assert_ptr_nonnull(strstr(err, "too many"));
}
END_TEST

START_TEST(test_routing)
{
	ck_bad(req("GET", "/v1/nosuch", NULL, NULL, NULL, NULL), 404, "no such resource");
	ck_bad(req("GET", "/v2/vnis", NULL, NULL, NULL, NULL), 404, "no such resource");
	ck_bad(req("GET", "/", NULL, NULL, NULL, NULL), 404, "no such resource");
	ck_bad(req("GET", "/v1/vnis/", NULL, NULL, NULL, NULL), 404, "no such resource");
	ck_bad(req("DELETE", "/v1/ports/", NULL, NULL, NULL, NULL), 404, "no such resource");
	ck_bad(req("DELETE", "/v1/ports/a/b", NULL, NULL, NULL, NULL), 404, "no such resource");
	ck_bad(req("PUT", "/v1/ports", "{}", "application/json", NULL, NULL), 405, "allowed: GET, POST");
	ck_assert_str_eq(call.allow, "GET, POST");
	ck_bad(req("DELETE", "/v1/vnis", NULL, NULL, NULL, NULL), 405, "allowed: GET, POST");
	ck_bad(req("POST", "/v1/macs", "{}", "application/json", NULL, NULL), 405, "allowed: GET");
	ck_bad(req("GET", "/v1/ports/c1", NULL, NULL, NULL, NULL), 405, "allowed: DELETE");
	ck_assert_str_eq(call.allow, "DELETE");
}
END_TEST

START_TEST(test_post_port)
{
	ck_ok(post("/v1/ports", "{\"name\":\"c1\",\"vni\":100,\"netns\":\"ns1\"}"), "attach c1 vni 100 netns ns1");
	/* fields go in the table's order, whatever the body's */
	ck_ok(post("/v1/ports", "{\"mtu\":1400,\"ip\":\"10.0.0.5/24\",\"mac\":\"02:00:00:00:00:01\",\"ifname\":\"eth7\","
			       "\"pid\":42,\"vni\":7,\"name\":\"c2\"}"),
	      "attach c2 vni 7 pid 42 ifname eth7 mac 02:00:00:00:00:01 ip 10.0.0.5/24 mtu 1400");
	ck_ok(post("/v1/ports", "{\"name\":\"m1\",\"vni\":7,\"memif\":\"auto\",\"memif_id\":3}"),
	      "attach m1 vni 7 memif auto memif_id 3");
	ck_ok(req("POST", "/v1/ports", "{\"name\":\"c1\",\"vni\":1,\"pid\":1}", "application/json; charset=utf-8", NULL,
		  NULL), "attach c1 vni 1 pid 1");
}
END_TEST

START_TEST(test_post_port_bad)
{
	/* bad JSON */
	ck_bad(post("/v1/ports", "{\"name\": \"x\","), 400, "bad JSON");
	ck_bad(post("/v1/ports", "not json"), 400, "bad JSON");
	ck_bad(post("/v1/ports", "{\"name\":\"c1\",\"vni\":1,\"pid\":1} trailing"), 400, "bad JSON");
	ck_bad(post("/v1/ports", "{\"name\":\"c\\u0000\",\"vni\":1,\"pid\":1}"), 400, "bad JSON");
	ck_bad(post("/v1/ports", "{\"name\":\"\xff\",\"vni\":1,\"pid\":1}"), 400, "bad JSON");
	ck_bad(post("/v1/ports", "{\"vni\":1,\"vni\":2,\"name\":\"c\",\"pid\":1}"), 400, "duplicate");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":99999999999999999999999,\"pid\":1}"), 400, "bad JSON");
	/* not an object */
	ck_bad(post("/v1/ports", "[1,2]"), 400, "must be a JSON object");
	ck_bad(post("/v1/ports", "\"x\""), 400, "must be a JSON object");
	ck_bad(post("/v1/ports", ""), 400, "empty body");
	/* unknown fields */
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":1,\"pid\":1,\"colour\":\"red\"}"), 400, "unknown field 'colour'");
	/* missing fields */
	ck_bad(post("/v1/ports", "{\"vni\":1,\"pid\":1}"), 400, "missing required field 'name'");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"pid\":1}"), 400, "missing required field 'vni'");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":1}"), 400, "netns,pid,memif");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":1,\"pid\":1,\"netns\":\"n\"}"), 400, "conflicting");
	/* wrong types and ranges */
	ck_bad(post("/v1/ports", "{\"name\":5,\"vni\":1,\"pid\":1}"), 400, "field 'name': expected a string, got an integer");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":\"1\",\"pid\":1}"), 400, "field 'vni': expected an integer, got a string");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":1.5,\"pid\":1}"), 400, "field 'vni': expected an integer, got a number");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":true,\"pid\":1}"), 400, "got a boolean");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":null,\"pid\":1}"), 400, "got null");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":[],\"pid\":1}"), 400, "got an array");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":{},\"pid\":1}"), 400, "got an object");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":0,\"pid\":1}"), 400, "field 'vni': expected an integer from 1");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":16777216,\"pid\":1}"), 400, "field 'vni'");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":1,\"pid\":-4}"), 400, "field 'pid'");
	ck_bad(post("/v1/ports", "{\"name\":\"c\",\"vni\":1,\"pid\":1,\"mtu\":65536}"), 400, "field 'mtu'");
	ck_bad(post("/v1/ports", "{\"name\":\"\",\"vni\":1,\"pid\":1}"), 400, "field 'name'");
	ck_bad(post("/v1/ports", "{\"name\":\"abcdefghijklmnop\",\"vni\":1,\"pid\":1}"), 400, "field 'name'");
	ck_bad(post("/v1/ports", "{\"name\":\"a\\nb\",\"vni\":1,\"pid\":1}"), 400, "control characters");
	/* Content-Type */
	ck_bad(req("POST", "/v1/ports", "{\"name\":\"c\",\"vni\":1,\"pid\":1}", "text/plain", NULL, NULL), 415,
	       "not application/json");
	ck_bad(req("POST", "/v1/ports", "{\"name\":\"c\",\"vni\":1,\"pid\":1}", NULL, NULL, NULL), 415, "(none)");
	ck_bad(req("POST", "/v1/ports", "{\"name\":\"c\",\"vni\":1,\"pid\":1}", "application/jsonx", NULL, NULL), 415,
	       "Content-Type");
	/* query parameters on a POST */
	ck_bad(req("POST", "/v1/ports", "{\"name\":\"c\",\"vni\":1,\"pid\":1}", "application/json", "dry", "1"), 400,
	       "unknown query parameter 'dry'");
}
END_TEST

START_TEST(test_post_vni)
{
	ck_ok(post("/v1/vnis", "{\"vni\":300}"), "vni add 300");
	ck_ok(post("/v1/vnis", "{\"max_macs\":0,\"flood\":[\"10.0.0.2\",\"10.0.0.3\"],\"learning\":false,\"mtu\":1400,"
			      "\"gateway6\":\"2001:db8::1/64\",\"gateway\":\"192.168.1.1/24\",\"vrf\":\"tenant\",\"vni\":300}"),
	      "vni add 300 vrf tenant gateway 192.168.1.1/24 gateway6 2001:db8::1/64 mtu 1400 learning off "
	      "flood 10.0.0.2,10.0.0.3 max_macs 0");
	ck_ok(post("/v1/vnis", "{\"vni\":1,\"learning\":true}"), "vni add 1 learning on");
}
END_TEST

START_TEST(test_post_vni_bad)
{
	ck_bad(post("/v1/vnis", "{\"vni\":"), 400, "bad JSON");
	ck_bad(post("/v1/vnis", "300"), 400, "must be a JSON object");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"bridge\":\"br0\"}"), 400, "unknown field 'bridge'");
	ck_bad(post("/v1/vnis", "{\"mtu\":1500}"), 400, "missing required field 'vni'");
	ck_bad(post("/v1/vnis", "{\"vni\":\"300\"}"), 400, "field 'vni': expected an integer");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"learning\":\"on\"}"), 400, "field 'learning': expected a boolean");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"learning\":1}"), 400, "field 'learning'");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"flood\":\"10.0.0.2\"}"), 400, "field 'flood': expected an array");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"flood\":[]}"), 400, "field 'flood': expected 1 to 256 items");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"flood\":[1]}"), 400, "field 'flood': item 0: expected a string");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"flood\":[\"a,b\"]}"), 400, "without ','");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"max_macs\":-1}"), 400, "field 'max_macs'");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"gateway\":{}}"), 400, "field 'gateway': expected a string, got an object");
	ck_bad(post("/v1/vnis", "{\"vni\":300,\"vrf\":\"\"}"), 400, "field 'vrf'");
	ck_bad(req("POST", "/v1/vnis", "{\"vni\":300}", "application/x-www-form-urlencoded", NULL, NULL), 415,
	       "Content-Type");
}
END_TEST

START_TEST(test_post_vrf)
{
	ck_ok(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":5000}"), "vrf add blue l3vni 5000");
	ck_ok(post("/v1/vrfs", "{\"advertise_subnets\":true,\"advertise\":[\"10.9.0.0/16\",\"2001:db8:9::/48\"],"
			      "\"max_ipv6_routes\":1024,\"max_ipv4_routes\":2048,\"router_mac\":\"02:00:00:00:00:07\","
			      "\"l3vni\":5001,\"name\":\"green\"}"),
	      "vrf add green l3vni 5001 router_mac 02:00:00:00:00:07 max_ipv4_routes 2048 max_ipv6_routes 1024 "
	      "advertise 10.9.0.0/16,2001:db8:9::/48 advertise_subnets on");
	ck_ok(post("/v1/vrfs", "{\"name\":\"x\",\"l3vni\":1,\"advertise_subnets\":false}"),
	      "vrf add x l3vni 1 advertise_subnets off");
}
END_TEST

START_TEST(test_post_vrf_bad)
{
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\""), 400, "bad JSON");
	ck_bad(post("/v1/vrfs", "[]"), 400, "must be a JSON object");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":5000,\"rd\":\"1:1\"}"), 400, "unknown field 'rd'");
	ck_bad(post("/v1/vrfs", "{\"l3vni\":5000}"), 400, "missing required field 'name'");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\"}"), 400, "missing required field 'l3vni'");
	ck_bad(post("/v1/vrfs", "{\"name\":5,\"l3vni\":5000}"), 400, "field 'name': expected a string");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":\"5000\"}"), 400, "field 'l3vni': expected an integer");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":0}"), 400, "field 'l3vni'");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":16777216}"), 400, "field 'l3vni'");
	ck_bad(post("/v1/vrfs", "{\"name\":\"abcdefghijklmnop\",\"l3vni\":5000}"), 400, "field 'name'");
	ck_bad(post("/v1/vrfs", "{\"name\":\"\",\"l3vni\":5000}"), 400, "field 'name'");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":5000,\"max_ipv4_routes\":1023}"), 400,
	       "field 'max_ipv4_routes'");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":5000,\"advertise\":\"10.9.0.0/16\"}"), 400,
	       "field 'advertise': expected an array");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":5000,\"advertise\":[]}"), 400,
	       "field 'advertise': expected 1 to 256 items");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":5000,\"advertise_subnets\":\"on\"}"), 400,
	       "field 'advertise_subnets': expected a boolean");
	ck_bad(post("/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":5000,\"router_mac\":null}"), 400,
	       "field 'router_mac': expected a string, got null");
	ck_bad(req("POST", "/v1/vrfs", "{\"name\":\"blue\",\"l3vni\":5000}", "text/plain", NULL, NULL), 415,
	       "Content-Type");
}
END_TEST

START_TEST(test_delete)
{
	ck_ok(req("DELETE", "/v1/ports/c1", NULL, NULL, NULL, NULL), "detach c1");
	ck_ok(req("DELETE", "/v1/vnis/300", NULL, NULL, NULL, NULL), "vni del 300");
	ck_ok(req("DELETE", "/v1/vrfs/blue", NULL, NULL, NULL, NULL), "vrf del blue");
	ck_bad(req("DELETE", "/v1/vrfs/abcdefghijklmnop", NULL, NULL, NULL, NULL), 400, "path parameter 'name'");
	ck_bad(req("DELETE", "/v1/vrfs/a\x01", NULL, NULL, NULL, NULL), 400, "control characters");
	ck_bad(req("DELETE", "/v1/vrfs/blue", "{}", "application/json", NULL, NULL), 400, "takes no request body");
	ck_bad(req("DELETE", "/v1/vrfs/blue", NULL, NULL, "force", "1"), 400, "unknown query parameter 'force'");
	ck_bad(req("DELETE", "/v1/ports/abcdefghijklmnop", NULL, NULL, NULL, NULL), 400, "path parameter 'name'");
	ck_bad(req("DELETE", "/v1/ports/a\x01", NULL, NULL, NULL, NULL), 400, "control characters");
	ck_bad(req("DELETE", "/v1/vnis/abc", NULL, NULL, NULL, NULL), 400, "path parameter 'vni'");
	ck_bad(req("DELETE", "/v1/vnis/0", NULL, NULL, NULL, NULL), 400, "path parameter 'vni'");
	ck_bad(req("DELETE", "/v1/vnis/16777216", NULL, NULL, NULL, NULL), 400, "path parameter 'vni'");
	ck_bad(req("DELETE", "/v1/vnis/+5", NULL, NULL, NULL, NULL), 400, "path parameter 'vni'");
	ck_bad(req("DELETE", "/v1/ports/c1", "{\"force\":true}", "application/json", NULL, NULL), 400, "takes no request body");
	ck_bad(req("DELETE", "/v1/vnis/5", "{}", "application/json", NULL, NULL), 400, "takes no request body");
	ck_bad(req("DELETE", "/v1/ports/c1", NULL, NULL, "force", "1"), 400, "unknown query parameter 'force'");
}
END_TEST

/* POST /v1/reload: vtepctl reload, which takes nothing: no body, no query. */
START_TEST(test_reload)
{
	ck_ok(req("POST", "/v1/reload", NULL, NULL, NULL, NULL), "reload");
	ck_ok(req("POST", "/v1/reload", "", "application/json", NULL, NULL), "reload");
	ck_bad(post("/v1/reload", "{}"), 400, "POST /v1/reload takes no request body");
	ck_bad(post("/v1/reload", "{\"file\": \"/etc/passwd\"}"), 400, "takes no request body");
	ck_bad(req("POST", "/v1/reload", "x", "text/plain", NULL, NULL), 400, "takes no request body");
	ck_bad(req("POST", "/v1/reload", NULL, NULL, "dry_run", "1"), 400, "unknown query parameter 'dry_run'");
	ck_bad(req("GET", "/v1/reload", NULL, NULL, NULL, NULL), 405, "allowed: POST");
	ck_assert_str_eq(call.allow, "POST");
	ck_bad(req("PUT", "/v1/reload", "{}", "application/json", NULL, NULL), 405, "allowed: POST");
	ck_bad(req("POST", "/v1/reload/now", NULL, NULL, NULL, NULL), 404, "no such resource");
}
END_TEST

/* GET /v1/log is show log; PUT /v1/log {"level"} is log level LEVEL, the level checked first. */
START_TEST(test_log)
{
	static const char *const levels[] = { "err", "warn", "info", "debug" };

	for (size_t i = 0; i < 4; i++) {
		char body[64], want[64];

		snprintf(body, sizeof(body), "{\"level\": \"%s\"}", levels[i]);
		snprintf(want, sizeof(want), "log level %s", levels[i]);
		ck_ok(req("PUT", "/v1/log", body, "application/json", NULL, NULL), want);
	}
	ck_ok(req("PUT", "/v1/log", "{\"level\":\"info\"}", "application/json; charset=utf-8", NULL, NULL),
	      "log level info");
	/* the level */
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"loud\"}", "application/json", NULL, NULL), 400,
	       "field 'level': 'loud' is not one of err|warn|info|debug");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"\"}", "application/json", NULL, NULL), 400, "field 'level'");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"DEBUG\"}", "application/json", NULL, NULL), 400, "field 'level'");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"debug \"}", "application/json", NULL, NULL), 400, "field 'level'");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"info|debug\"}", "application/json", NULL, NULL), 400,
	       "field 'level'");
	ck_bad(req("PUT", "/v1/log", "{\"level\": 7}", "application/json", NULL, NULL), 400,
	       "field 'level': expected a string, got an integer");
	ck_bad(req("PUT", "/v1/log", "{\"level\": null}", "application/json", NULL, NULL), 400,
	       "field 'level': expected a string, got null");
	ck_bad(req("PUT", "/v1/log", "{\"level\": [\"debug\"]}", "application/json", NULL, NULL), 400,
	       "field 'level': expected a string, got an array");
	/* the body */
	ck_bad(req("PUT", "/v1/log", "{}", "application/json", NULL, NULL), 400, "missing required field 'level'");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"info\", \"destination\": \"stderr\"}", "application/json", NULL,
		   NULL), 400, "unknown field 'destination' (expected level)");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"info\", \"level\": \"debug\"}", "application/json", NULL, NULL),
	       400, "duplicate");
	ck_bad(req("PUT", "/v1/log", "{\"level\": ", "application/json", NULL, NULL), 400, "bad JSON");
	ck_bad(req("PUT", "/v1/log", "\"debug\"", "application/json", NULL, NULL), 400, "must be a JSON object with level");
	ck_bad(req("PUT", "/v1/log", "", "application/json", NULL, NULL), 400, "empty body");
	ck_bad(req("PUT", "/v1/log", NULL, NULL, NULL, NULL), 400, "empty body");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"debug\"}", "text/plain", NULL, NULL), 415, "not application/json");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"debug\"}", NULL, NULL, NULL), 415, "(none)");
	ck_bad(req("PUT", "/v1/log", "{\"level\": \"debug\"}", "application/json", "level", "info"), 400,
	       "unknown query parameter 'level'");
	/* show log takes nothing; other methods */
	ck_bad(req("GET", "/v1/log", "{}", "application/json", NULL, NULL), 400, "GET /v1/log takes no request body");
	ck_bad(req("GET", "/v1/log", NULL, NULL, "level", "debug"), 400, "unknown query parameter 'level'");
	ck_bad(post("/v1/log", "{\"level\": \"debug\"}"), 405, "allowed: GET, PUT");
	ck_assert_str_eq(call.allow, "GET, PUT");
	ck_bad(req("DELETE", "/v1/log", NULL, NULL, NULL, NULL), 405, "allowed: GET, PUT");
	ck_bad(req("PUT", "/v1/log/level", "{\"level\": \"debug\"}", "application/json", NULL, NULL), 404,
	       "no such resource");
}
END_TEST

/* Oversize bodies: 413 on every endpoint, before anything else is looked at. */
START_TEST(test_oversize)
{
	size_t n = API_MAX_BODY + 1;
	char *big = malloc(n + 1);

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	for (size_t i = 0; i < api_n_endpoints; i++) {
		char path[64];
		const char *brace;

		snprintf(path, sizeof(path), "%s", api_endpoints[i].path);
		if ((brace = strchr(path, '{')))
			snprintf(path + (brace - path), sizeof(path) - (size_t)(brace - path), "%s",
				 api_endpoints[i].param->type == API_INT ? "5" : "c1");
		ck_bad(req(api_endpoints[i].method, path, big, "application/json", NULL, NULL), 413, "larger than 16384");
		/* a body the server stopped reading: the same */
		struct api_request r = { .method = api_endpoints[i].method, .path = path, .content_type = "application/json",
					 .body = "{}", .body_len = 2, .body_too_large = true };
		ck_assert_int_eq(api_req_build(&r, &call, err, sizeof(err)), 413);
	}
	/* exactly the limit is read */
	big[API_MAX_BODY - 1] = '}';
	big[API_MAX_BODY] = '\0';
	struct api_request r = { .method = "POST", .path = "/v1/vnis", .content_type = "application/json",
				 .body = big, .body_len = API_MAX_BODY };
	ck_assert_int_eq(api_req_build(&r, &call, err, sizeof(err)), 400);
	ck_assert_ptr_nonnull(strstr(err, "missing required field 'vni'"));
	free(big);
}
END_TEST

/* Every endpoint's schema: each body field of the wrong type and an unknown one are refused. */
START_TEST(test_every_endpoint_schema)
{
	for (size_t i = 0; i < api_n_endpoints; i++) {
		const struct api_endpoint *ep = &api_endpoints[i];
		char body[256];

		if (!ep->body)
			continue;
		for (size_t k = 0; k < ep->n_body; k++) {
			const struct api_field *f = &ep->body[k];
			const char *wrong = f->type == API_STR ? "42" : "\"x\"";
			char needle[64];

			snprintf(body, sizeof(body), "{\"%s\": %s}", f->name, wrong);
			snprintf(needle, sizeof(needle), "'%s'", f->name);
			/* a missing required field or the wrong type: either names a field, none passes */
			ck_assert_int_eq(req(ep->method, ep->path, body, "application/json", NULL, NULL), 400);
			ck_assert_int_eq(call.argc, 0);
		}
		ck_bad(req(ep->method, ep->path, "{\"zzz\": 1}", "application/json", NULL, NULL), 400,
		       "unknown field 'zzz'");
		ck_bad(req(ep->method, ep->path, "{", "application/json", NULL, NULL), 400, "bad JSON");
		ck_bad(req(ep->method, ep->path, "{}", "application/json", NULL, NULL), 400, "missing required field");
		ck_bad(req(ep->method, ep->path, "{}", "text/plain", NULL, NULL), 415, "Content-Type");
	}
}
END_TEST

START_TEST(test_errors)
{
	ck_assert_int_eq(api_status_of_errno(EEXIST), 409);
	ck_assert_int_eq(api_status_of_errno(EBUSY), 409);
	ck_assert_int_eq(api_status_of_errno(ENOENT), 404);
	ck_assert_int_eq(api_status_of_errno(EINVAL), 400);
	ck_assert_int_eq(api_status_of_errno(ENOSPC), 409);
	ck_assert_int_eq(api_status_of_errno(EPERM), 403);
	ck_assert_int_eq(api_status_of_errno(ENOMEM), 500);
	ck_assert_int_eq(api_status_of_errno(ENOSYS), 501);

	/* reload: what is missing is named by the file, not the request: 409, never 404 */
	struct api_request r = { .method = "POST", .path = "/v1/reload" };
	ck_assert_int_eq(api_req_build(&r, &call, err, sizeof(err)), 0);
	ck_assert_int_eq(api_status_of_error(call.ep, ENOENT), 409);
	ck_assert_int_eq(api_status_of_error(call.ep, ESRCH), 409);
	ck_assert_int_eq(api_status_of_error(call.ep, EINVAL), 400);
	ck_assert_int_eq(api_status_of_error(call.ep, EBUSY), 409);
	ck_assert_int_eq(api_status_of_error(call.ep, ENOSPC), 409);
	ck_assert_int_eq(api_status_of_error(call.ep, ENOMEM), 500);
	api_call_free(&call);
	r = (struct api_request){ .method = "DELETE", .path = "/v1/ports/c1" };
	ck_assert_int_eq(api_req_build(&r, &call, err, sizeof(err)), 0);
	ck_assert_int_eq(api_status_of_error(call.ep, ENOENT), 404);
	ck_assert_int_eq(api_status_of_error(call.ep, EBUSY), 409);
	api_call_free(&call);

	char *j = api_error_json(404, "no port \"x\"");
	ck_assert_str_eq(j, "{\"error\":\"no port \\\"x\\\"\",\"status\":404}");
	free(j);
	j = api_error_json(400, "bad \xff");
	ck_assert_ptr_nonnull(strstr(j, "\"status\":400"));
	free(j);
}
END_TEST

/* ---- ctl_run / ctl_out_next: what the server drives ---- */

static int h_hello(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	(void)ctx;
	ctl_str(o, "hello", argc ? argv[0] : "world");
	return 0;
}

static int h_fail(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	ctl_error(o, "port 'x' is in use");
	return EBUSY;
}

static int step_n;
static int h_step(struct ctl_out *o, void *state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		ctl_obj_begin(o, NULL);
		ctl_u64(o, "n", (uint64_t)step_n++);
		ctl_obj_end(o);
	}
	if (step_n < 9)
		return CTL_STREAM_MORE;
	ctl_list_end(o);
	ctl_u64(o, "count", (uint64_t)step_n);
	return 0;
}

static int h_stream(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	step_n = 0;
	ctl_list_begin(o, "items");
	ctl_stream(o, h_step, NULL, NULL);
	return 0;
}

static const struct ctl_command cmds[] = {
	{ { "say", "hello", NULL }, "say hello [X]", h_hello },
	{ { "fail", NULL }, "fail", h_fail },
	{ { "stream", NULL }, "stream", h_stream },
};

START_TEST(test_ctl_run)
{
	char *argv[] = { "say", "hello", "there", "vni" };
	int n = -1;
	const char *p;
	size_t len;

	ck_assert_ptr_eq(ctl_find(cmds, 3, 3, argv, &n), &cmds[0]);
	ck_assert_int_eq(n, 2);
	ck_assert_ptr_null(ctl_find(cmds, 3, 1, argv + 3, &n));

	struct ctl_out *o = ctl_run(cmds, 3, NULL, true, 3, argv);
	ck_assert_int_eq(ctl_out_status(o), 0);
	ck_assert_int_eq(ctl_out_next(o, &p, &len), 0);
	ck_assert_str_eq(p, "{\"hello\":\"there\"}");
	ck_assert_uint_eq(len, strlen(p));
	ctl_out_free(o);

	char *fargv[] = { "fail" };
	o = ctl_run(cmds, 3, NULL, true, 1, fargv);
	ck_assert_int_eq(ctl_out_status(o), EBUSY);
	ck_assert_str_eq(ctl_out_error(o), "port 'x' is in use");
	ctl_out_free(o);

	/* a streamed reply: several parts, together one document */
	char *sargv[] = { "stream" };
	char doc[512] = "";
	int rc, parts = 0;
	o = ctl_run(cmds, 3, NULL, true, 1, sargv);
	ck_assert_int_eq(ctl_out_status(o), 0);
	while ((rc = ctl_out_next(o, &p, &len)) == 1) {
		strncat(doc, p, len);
		parts++;
	}
	ck_assert_int_eq(rc, 0);
	strncat(doc, p, len);
	ck_assert_int_ge(parts, 2);
	ck_assert_str_eq(doc, "{\"items\":[{\"n\":0},{\"n\":1},{\"n\":2},{\"n\":3},{\"n\":4},{\"n\":5},{\"n\":6},{\"n\":7},"
			      "{\"n\":8}],\"count\":9}");
	ctl_out_free(o);
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_get_endpoints);
	tcase_add_test(tc, test_get_bad_query);
	tcase_add_test(tc, test_routing);
	tcase_add_test(tc, test_post_port);
	tcase_add_test(tc, test_post_port_bad);
	tcase_add_test(tc, test_post_vni);
	tcase_add_test(tc, test_post_vni_bad);
	tcase_add_test(tc, test_post_vrf);
	tcase_add_test(tc, test_post_vrf_bad);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_log);
	tcase_add_test(tc, test_oversize);
	tcase_add_test(tc, test_every_endpoint_schema);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_ctl_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(api_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
