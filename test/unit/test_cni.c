/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cni.c: the CNI plugin's documents (cni/cni_conf.c): the CNI_* environment, the network
 * config (bad JSON, missing fields, wrong types, unsupported versions: each the spec's error
 * code and a message naming the field), IPAM results, the result, error and version JSON, and
 * the port name and MAC derived from the container.
 */
#include "cni.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* ---- environment ---- */

static const char *env_vals[16][2];

static const char *fake_getenv(const char *name)
{
	for (int i = 0; i < 16 && env_vals[i][0]; i++)
		if (!strcmp(env_vals[i][0], name))
			return env_vals[i][1];
	return NULL;
}

static void set_env(const char *cmd, const char *cid, const char *ifname, const char *netns)
{
	int n = 0;

	memset(env_vals, 0, sizeof(env_vals));
	if (cmd) {
		env_vals[n][0] = "CNI_COMMAND";
		env_vals[n++][1] = cmd;
	}
	if (cid) {
		env_vals[n][0] = "CNI_CONTAINERID";
		env_vals[n++][1] = cid;
	}
	if (ifname) {
		env_vals[n][0] = "CNI_IFNAME";
		env_vals[n++][1] = ifname;
	}
	if (netns) {
		env_vals[n][0] = "CNI_NETNS";
		env_vals[n++][1] = netns;
	}
	env_vals[n][0] = "CNI_PATH";
	env_vals[n++][1] = "/usr/lib/cni";
}

/* the env fails with code 4 and a message containing want */
static void env_bad(const char *want)
{
	struct cni_env env;
	struct cni_err e = { 0 };

	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), EINVAL);
	ck_assert_int_eq(e.code, CNI_ERR_ENV);
	ck_assert_msg(strstr(e.msg, want), "'%s' does not name %s", e.msg, want);
}

START_TEST(env_good_and_bad)
{
	struct cni_env env;
	struct cni_err e = { 0 };

	set_env("ADD", "abc123", "eth0", "/run/netns/x");
	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), 0);
	ck_assert_int_eq(env.cmd, CNI_CMD_ADD);
	ck_assert_str_eq(env.containerid, "abc123");
	ck_assert_str_eq(env.ifname, "eth0");
	ck_assert_str_eq(env.netns, "/run/netns/x");
	ck_assert_str_eq(env.path, "/usr/lib/cni");
	set_env("VERSION", NULL, NULL, NULL);
	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), 0);
	ck_assert_int_eq(env.cmd, CNI_CMD_VERSION);
	set_env("DEL", "abc", "eth0", NULL);   /* DEL without a netns: allowed */
	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), 0);
	ck_assert_str_eq(env.netns, "");

	set_env(NULL, "abc", "eth0", "/run/netns/x");
	env_bad("CNI_COMMAND");
	set_env("ADDD", "abc", "eth0", "/run/netns/x");
	env_bad("CNI_COMMAND 'ADDD'");
	set_env("ADD", NULL, "eth0", "/run/netns/x");
	env_bad("CNI_CONTAINERID");
	set_env("ADD", "a b", "eth0", "/run/netns/x");
	env_bad("CNI_CONTAINERID");
	set_env("ADD", "abc", NULL, "/run/netns/x");
	env_bad("CNI_IFNAME");
	set_env("ADD", "abc", "a-name-of-16-chr", "/run/netns/x");
	env_bad("CNI_IFNAME");
	set_env("ADD", "abc", "eth:0", "/run/netns/x");
	env_bad("CNI_IFNAME");
	set_env("ADD", "abc", "eth0", NULL);
	env_bad("CNI_NETNS");
	set_env("CHECK", "abc", "eth0", "");
	env_bad("CNI_NETNS");
	set_env("ADD", "abc", "eth0", "run/netns/x");
	env_bad("CNI_NETNS");
	set_env("ADD", "abc", "eth0", "/run/netns/x y");
	env_bad("CNI_NETNS");
}
END_TEST

static void add_env(const char *name, const char *value)
{
	int n = 0;

	while (n < 15 && env_vals[n][0])
		n++;
	env_vals[n][0] = name;
	env_vals[n][1] = value;
}

/* CNI_ARGS as podman 4.3 passes --mac-address and --ip: MAC= and IP= taken, others left alone */
START_TEST(env_args)
{
	struct cni_env env;
	struct cni_err e = { 0 };
	uint8_t a[16] = { 0 };

	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=c1;MAC=02:aa:bb:cc:dd:01;IP=192.168.10.10");
	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), 0);
	ck_assert(env.has_mac);
	ck_assert_mem_eq(env.mac, "\x02\xaa\xbb\xcc\xdd\x01", 6);
	ck_assert_uint_eq(env.n_ips, 1);
	ck_assert_int_eq(env.ips[0].family, AF_INET);
	ck_assert_uint_eq(env.ips[0].len, 0);
	inet_pton(AF_INET, "192.168.10.10", a);
	ck_assert_mem_eq(env.ips[0].addr, a, 16);

	set_env("ADD", "abc", "eth0", "/run/netns/x");   /* a list, with lengths, an empty pair */
	add_env("CNI_ARGS", "IP=10.1.0.5/24,fd00::5/64;;");
	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), 0);
	ck_assert(!env.has_mac);
	ck_assert_uint_eq(env.n_ips, 2);
	ck_assert_uint_eq(env.ips[0].len, 24);
	ck_assert_int_eq(env.ips[1].family, AF_INET6);
	ck_assert_uint_eq(env.ips[1].len, 64);

	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "K8S_POD_NAME=c1");
	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), 0);
	ck_assert(!env.has_mac && env.n_ips == 0);

	set_env("DEL", "abc", "eth0", NULL);   /* DEL never fails on CNI_ARGS */
	add_env("CNI_ARGS", "MAC=nonsense");
	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), 0);

	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "MAC=01:00:5e:00:00:01");
	env_bad("CNI_ARGS MAC '01:00:5e:00:00:01'");
	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "IP=192.168.10.300");
	env_bad("CNI_ARGS IP '192.168.10.300'");
	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "IP=10.0.0.1/0");
	env_bad("CNI_ARGS IP");
	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "IgnoreUnknown=1;junk");
	env_bad("CNI_ARGS: 'junk'");
	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "=5");
	env_bad("CNI_ARGS");
	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "IP=1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9");
	env_bad("more than 8");
}
END_TEST

/* ---- network config ---- */

#define GOOD "\"cniVersion\": \"1.0.0\", \"name\": \"vtep100\", \"type\": \"vtepd-cni\""

/* the config fails with code and a message containing want */
static void conf_bad(enum cni_cmd cmd, const char *text, int code, const char *want)
{
	struct cni_conf c;
	struct cni_err e = { 0 };

	ck_assert_msg(cni_conf_parse(text, strlen(text), cmd, &c, &e) == EINVAL, "accepted: %s", text);
	ck_assert_msg(e.code == code, "%s: code %d, expected %d (%s)", text, e.code, code, e.msg);
	ck_assert_msg(strstr(e.msg, want), "%s: '%s' does not name %s", text, e.msg, want);
	ck_assert_ptr_null(c.root);
}

START_TEST(conf_good)
{
	const char *t = "{" GOOD ", \"vtepd\": \"leaf1\", \"vni\": 100, \"mtu\": 1400,"
			"\"ipam\": {\"type\": \"host-local\", \"subnet\": \"10.1.0.0/24\"},"
			"\"runtimeConfig\": {\"mac\": \"02:00:00:00:00:01\"},"
			"\"prevResult\": {\"ips\": [{\"address\": \"10.1.0.2/24\"}]}}";
	struct cni_conf c;
	struct cni_err e = { 0 };

	ck_assert_int_eq(cni_conf_parse(t, strlen(t), CNI_CMD_CHECK, &c, &e), 0);
	ck_assert_str_eq(c.version, "1.0.0");
	ck_assert_str_eq(c.name, "vtep100");
	ck_assert_str_eq(c.socket, "/run/vtepd/leaf1.sock");
	ck_assert_uint_eq(c.vni, 100);
	ck_assert_uint_eq(c.mtu, 1400);
	ck_assert_str_eq(c.ipam_type, "host-local");
	ck_assert(c.has_mac && c.mac[0] == 2 && c.mac[5] == 1);
	ck_assert_ptr_nonnull(c.prev);
	cni_conf_free(&c);

	t = "{\"cniVersion\": \"0.4.0\", \"name\": \"n\", \"vni\": 16777215, \"args\": {\"cni\": {\"mac\": \"0a:00:00:00:00:02\"}}}";
	ck_assert_int_eq(cni_conf_parse(t, strlen(t), CNI_CMD_ADD, &c, &e), 0);
	ck_assert_str_eq(c.socket, "/run/vtepd/vtepd.sock");   /* the default instance */
	ck_assert_str_eq(c.ipam_type, "");
	ck_assert_uint_eq(c.mtu, 0);
	ck_assert(c.has_mac && c.mac[0] == 0x0a);
	ck_assert_ptr_null(c.prev);
	cni_conf_free(&c);

	t = "{" GOOD ", \"socket\": \"/tmp/v.sock\", \"vni\": 1}";
	ck_assert_int_eq(cni_conf_parse(t, strlen(t), CNI_CMD_DEL, &c, &e), 0);
	ck_assert_str_eq(c.socket, "/tmp/v.sock");
	cni_conf_free(&c);
}
END_TEST

START_TEST(conf_bad_json)
{
	conf_bad(CNI_CMD_ADD, "", CNI_ERR_DECODE, "not JSON");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 100", CNI_ERR_DECODE, "not JSON");
	conf_bad(CNI_CMD_ADD, "[1, 2]", CNI_ERR_DECODE, "not a JSON object");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 100, \"vni\": 200}", CNI_ERR_DECODE, "vni");
}
END_TEST

START_TEST(conf_version)
{
	struct cni_conf c;
	struct cni_err e = { 0 };
	const char *t = "{\"cniVersion\": \"2.0.0\", \"name\": \"n\", \"vni\": 1}";
	char *doc;
	json_t *j;

	conf_bad(CNI_CMD_ADD, t, CNI_ERR_VERSION, "cniVersion '2.0.0'");
	conf_bad(CNI_CMD_ADD, "{\"cniVersion\": \"0.3.1\", \"name\": \"n\", \"vni\": 1}", CNI_ERR_VERSION, "0.3.1");
	conf_bad(CNI_CMD_ADD, "{\"name\": \"n\", \"vni\": 1}", CNI_ERR_CONFIG, "cniVersion");
	conf_bad(CNI_CMD_ADD, "{\"cniVersion\": 1, \"name\": \"n\", \"vni\": 1}", CNI_ERR_CONFIG, "cniVersion");
	/* the error document of an unsupported version carries a version we speak */
	ck_assert_int_eq(cni_conf_parse(t, strlen(t), CNI_CMD_ADD, &c, &e), EINVAL);
	doc = cni_error_json(c.version, &e);
	j = json_loads(doc, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j, "cniVersion")), "1.0.0");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "code")), 1);
	json_decref(j);
	free(doc);
}
END_TEST

START_TEST(conf_fields)
{
	conf_bad(CNI_CMD_ADD, "{\"cniVersion\": \"1.0.0\", \"vni\": 1}", CNI_ERR_CONFIG, "name");
	conf_bad(CNI_CMD_ADD, "{\"cniVersion\": \"1.0.0\", \"name\": 5, \"vni\": 1}", CNI_ERR_CONFIG, "name");
	conf_bad(CNI_CMD_ADD, "{" GOOD "}", CNI_ERR_CONFIG, "vni");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": \"100\"}", CNI_ERR_CONFIG, "vni");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 0}", CNI_ERR_CONFIG, "vni");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 16777216}", CNI_ERR_CONFIG, "vni");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1.5}", CNI_ERR_CONFIG, "vni");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"mtu\": \"1500\"}", CNI_ERR_CONFIG, "mtu");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"mtu\": 20}", CNI_ERR_CONFIG, "mtu");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"vtepd\": 3}", CNI_ERR_CONFIG, "vtepd");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"vtepd\": \"a/b\"}", CNI_ERR_CONFIG, "vtepd");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"vtepd\": \"\"}", CNI_ERR_CONFIG, "vtepd");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"socket\": \"v.sock\"}", CNI_ERR_CONFIG, "socket");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"vtepd\": \"a\", \"socket\": \"/v.sock\"}", CNI_ERR_CONFIG,
		 "vtepd and socket");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"ipam\": \"host-local\"}", CNI_ERR_CONFIG, "ipam");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"ipam\": {}}", CNI_ERR_CONFIG, "ipam.type");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"ipam\": {\"type\": 7}}", CNI_ERR_CONFIG, "ipam.type");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"ipam\": {\"type\": \"../bin/sh\"}}", CNI_ERR_CONFIG, "ipam.type");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"runtimeConfig\": {\"mac\": \"01:00:00:00:00:01\"}}",
		 CNI_ERR_CONFIG, "runtimeConfig.mac");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"runtimeConfig\": {\"mac\": 5}}", CNI_ERR_CONFIG,
		 "runtimeConfig.mac");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"args\": {\"cni\": {\"mac\": \"zz\"}}}", CNI_ERR_CONFIG,
		 "args.cni.mac");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"prevResult\": []}", CNI_ERR_CONFIG, "prevResult");
	conf_bad(CNI_CMD_CHECK, "{" GOOD ", \"vni\": 1}", CNI_ERR_CONFIG, "prevResult");
}
END_TEST

/* the "ips" capability (runtimeConfig.ips), else args.cni.ips; and the check of IPAM's result against them */
START_TEST(conf_requested_ips)
{
	const char *t = "{" GOOD ", \"vni\": 100, \"runtimeConfig\": {\"ips\": [\"10.1.0.7/24\"]},"
			"\"args\": {\"cni\": {\"ips\": [\"10.1.0.8\"]}}}";
	const char *t2 = "{" GOOD ", \"vni\": 100, \"args\": {\"cni\": {\"ips\": [\"10.1.0.8\", \"fd00::8\"]}}}";
	struct cni_conf c;
	struct cni_env env;
	struct cni_err e = { 0 };
	struct cni_result r;
	const struct cni_req_ip *req;
	const char *from;
	size_t n;
	json_t *j;

	ck_assert_int_eq(cni_conf_parse(t, strlen(t), CNI_CMD_ADD, &c, &e), 0);
	ck_assert_uint_eq(c.n_ips, 1);
	ck_assert_uint_eq(c.ips[0].len, 24);
	ck_assert_str_eq(c.ips_from, "runtimeConfig.ips");
	/* the config's list wins over CNI_ARGS IP= */
	set_env("ADD", "abc", "eth0", "/run/netns/x");
	add_env("CNI_ARGS", "IP=10.1.0.9");
	ck_assert_int_eq(cni_env_parse(fake_getenv, &env, &e), 0);
	req = cni_requested_ips(&env, &c, &n, &from);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(from, "runtimeConfig.ips");
	j = json_loads("{\"ips\": [{\"address\": \"10.1.0.7/24\"}]}", 0, NULL);
	ck_assert_int_eq(cni_result_parse(j, "ipam result", NULL, &r, &e), 0);
	ck_assert_int_eq(cni_requested_check(req, n, from, "host-local", &r, &e), 0);
	json_decref(j);
	j = json_loads("{\"ips\": [{\"address\": \"10.1.0.2/24\"}]}", 0, NULL);   /* IPAM ignored it */
	ck_assert_int_eq(cni_result_parse(j, "ipam result", NULL, &r, &e), 0);
	ck_assert_int_eq(cni_requested_check(req, n, from, "host-local", &r, &e), EADDRNOTAVAIL);
	ck_assert_int_eq(e.code, CNI_ERR_IPAM);
	ck_assert_msg(strstr(e.msg, "runtimeConfig.ips asks for 10.1.0.7/24, but ipam host-local gave 10.1.0.2/24"),
		      "%s", e.msg);
	json_decref(j);
	cni_conf_free(&c);

	ck_assert_int_eq(cni_conf_parse(t2, strlen(t2), CNI_CMD_ADD, &c, &e), 0);
	ck_assert_uint_eq(c.n_ips, 2);
	ck_assert_str_eq(c.ips_from, "args.cni.ips");
	ck_assert_int_eq(c.ips[1].family, AF_INET6);
	cni_conf_free(&c);
	/* none in the config: CNI_ARGS IP= */
	t2 = "{" GOOD ", \"vni\": 100}";
	ck_assert_int_eq(cni_conf_parse(t2, strlen(t2), CNI_CMD_ADD, &c, &e), 0);
	req = cni_requested_ips(&env, &c, &n, &from);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(from, "CNI_ARGS IP");
	j = json_loads("{\"ips\": []}", 0, NULL);
	ck_assert_int_eq(cni_result_parse(j, "ipam result", NULL, &r, &e), 0);
	ck_assert_int_eq(cni_requested_check(req, n, from, "host-local", &r, &e), EADDRNOTAVAIL);
	ck_assert_msg(strstr(e.msg, "CNI_ARGS IP asks for 10.1.0.9, but ipam host-local gave no address"), "%s", e.msg);
	json_decref(j);
	cni_conf_free(&c);

	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"runtimeConfig\": {\"ips\": \"10.1.0.7/24\"}}", CNI_ERR_CONFIG,
		 "runtimeConfig.ips");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"runtimeConfig\": {\"ips\": [7]}}", CNI_ERR_CONFIG,
		 "runtimeConfig.ips[0]");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"args\": {\"cni\": {\"ips\": [\"10.1.0.1\", \"x\"]}}}",
		 CNI_ERR_CONFIG, "args.cni.ips[1]");
	conf_bad(CNI_CMD_ADD, "{" GOOD ", \"vni\": 1, \"runtimeConfig\": {\"ips\": [\"1.1.1.1\", \"1.1.1.2\", "
		 "\"1.1.1.3\", \"1.1.1.4\", \"1.1.1.5\", \"1.1.1.6\", \"1.1.1.7\", \"1.1.1.8\", \"1.1.1.9\"]}}",
		 CNI_ERR_UNSUPPORTED, "more than 8");
}
END_TEST

/* ---- IPAM results, prevResult ---- */

static void result_bad(const char *text, const char *want)
{
	json_t *j = json_loads(text, 0, NULL);
	struct cni_result r;
	struct cni_err e = { 0 };

	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(cni_result_parse(j, "ipam result", "eth0", &r, &e), EINVAL);
	ck_assert_msg(e.code == CNI_ERR_DECODE || e.code == CNI_ERR_UNSUPPORTED, "%s: code %d", text, e.code);
	ck_assert_msg(strstr(e.msg, want), "%s: '%s' does not name %s", text, e.msg, want);
	cni_result_free(&r);
	json_decref(j);
}

START_TEST(result_parse)
{
	const char *t = "{\"cniVersion\": \"1.0.0\", \"ips\": [{\"address\": \"10.1.0.2/24\", \"gateway\": \"10.1.0.1\"},"
			"{\"address\": \"2001:db8::2/64\"}], \"routes\": [{\"dst\": \"0.0.0.0/0\", \"gw\": \"10.1.0.1\"},"
			"{\"dst\": \"10.9.0.0/16\"}], \"dns\": {\"nameservers\": [\"10.1.0.53\"]},"
			"\"interfaces\": [{\"name\": \"vc1\"}, {\"name\": \"eth0\", \"mac\": \"02:00:00:00:00:07\","
			"\"sandbox\": \"/run/netns/x\"}]}";
	json_t *j = json_loads(t, 0, NULL);
	struct cni_result r;
	struct cni_err e = { 0 };
	uint8_t want[4] = { 10, 1, 0, 2 };

	ck_assert_int_eq(cni_result_parse(j, "prevResult", "eth0", &r, &e), 0);
	ck_assert_uint_eq(r.n_ips, 2);
	ck_assert_int_eq(r.ips[0].family, AF_INET);
	ck_assert_mem_eq(r.ips[0].addr, want, 4);
	ck_assert_uint_eq(r.ips[0].len, 24);
	ck_assert(r.ips[0].has_gw && r.ips[0].gw[3] == 1);
	ck_assert_int_eq(r.ips[1].family, AF_INET6);
	ck_assert_uint_eq(r.ips[1].len, 64);
	ck_assert_uint_eq(r.n_routes, 2);
	ck_assert(r.routes[0].has_gw && r.routes[0].len == 0);
	ck_assert(!r.routes[1].has_gw && r.routes[1].len == 16);
	ck_assert(r.has_sandbox_mac && r.sandbox_mac[5] == 7);
	ck_assert_ptr_nonnull(r.dns);
	cni_result_free(&r);
	json_decref(j);

	result_bad("{\"ips\": {}}", "ips");
	result_bad("{\"ips\": [{\"address\": \"10.1.0.2\"}]}", "ips[0].address");
	result_bad("{\"ips\": [{\"address\": \"10.1.0.2/33\"}]}", "ips[0].address");
	result_bad("{\"ips\": [{\"address\": 5}]}", "ips[0].address");
	result_bad("{\"ips\": [{\"address\": \"10.1.0.2/24\", \"gateway\": \"2001:db8::1\"}]}", "ips[0].gateway");
	result_bad("{\"routes\": [{\"dst\": \"x/0\"}]}", "routes[0].dst");
	result_bad("{\"routes\": [{\"dst\": \"0.0.0.0/0\", \"gw\": 1}]}", "routes[0].gw");
	result_bad("{\"dns\": []}", "dns");
}
END_TEST

/* ---- result, error, version documents ---- */

START_TEST(result_json)
{
	struct cni_result r;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	char *doc;
	json_t *j, *ip;

	memset(&r, 0, sizeof(r));
	r.n_ips = 1;
	r.ips[0].family = AF_INET;
	inet_pton(AF_INET, "10.1.0.2", r.ips[0].addr);
	r.ips[0].len = 24;
	r.ips[0].has_gw = true;
	inet_pton(AF_INET, "10.1.0.1", r.ips[0].gw);
	r.n_routes = 1;
	r.routes[0].family = AF_INET;
	r.routes[0].has_gw = true;
	inet_pton(AF_INET, "10.1.0.1", r.routes[0].gw);

	doc = cni_result_json("1.0.0", "vc0123456789abc", "eth0", "/run/netns/x", mac, &r);
	j = json_loads(doc, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "cniVersion")), "1.0.0");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "interfaces"), 0), "name")),
			 "vc0123456789abc");
	ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(j, "interfaces"), 0), "sandbox"));
	json_t *c = json_array_get(json_object_get(j, "interfaces"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(c, "name")), "eth0");
	ck_assert_str_eq(json_string_value(json_object_get(c, "mac")), "02:00:00:00:00:09");
	ck_assert_str_eq(json_string_value(json_object_get(c, "sandbox")), "/run/netns/x");
	ip = json_array_get(json_object_get(j, "ips"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(ip, "address")), "10.1.0.2/24");
	ck_assert_str_eq(json_string_value(json_object_get(ip, "gateway")), "10.1.0.1");
	ck_assert_int_eq(json_integer_value(json_object_get(ip, "interface")), 1);
	ck_assert_ptr_null(json_object_get(ip, "version"));   /* 1.0.0 has none */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "routes"), 0), "dst")),
			 "0.0.0.0/0");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "routes"), 0), "gw")),
			 "10.1.0.1");
	ck_assert(json_is_object(json_object_get(j, "dns")));
	/* and it reads back as a prevResult */
	struct cni_result back;
	struct cni_err e = { 0 };
	ck_assert_int_eq(cni_result_parse(j, "prevResult", "eth0", &back, &e), 0);
	ck_assert(back.n_ips == 1 && back.has_sandbox_mac && back.sandbox_mac[5] == 9);
	cni_result_free(&back);
	json_decref(j);
	free(doc);

	doc = cni_result_json("0.4.0", "p", "eth0", "/run/netns/x", mac, &r);
	j = json_loads(doc, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "ips"), 0), "version")),
			 "4");
	json_decref(j);
	free(doc);
}
END_TEST

START_TEST(error_and_version_json)
{
	struct cni_err e;
	char *doc;
	json_t *j;

	cni_set_err(&e, CNI_ERR_AGAIN, "vtepd is not reachable on %s", "/run/vtepd/x.sock");
	doc = cni_error_json("0.4.0", &e);
	j = json_loads(doc, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j, "cniVersion")), "0.4.0");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "code")), 11);
	ck_assert_str_eq(json_string_value(json_object_get(j, "msg")), "vtepd is not reachable on /run/vtepd/x.sock");
	json_decref(j);
	free(doc);
	doc = cni_error_json(NULL, &e);   /* before the config was read: our version */
	j = json_loads(doc, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j, "cniVersion")), "1.0.0");
	json_decref(j);
	free(doc);

	doc = cni_version_json();
	j = json_loads(doc, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j, "cniVersion")), "1.0.0");
	ck_assert_int_eq(json_array_size(json_object_get(j, "supportedVersions")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "supportedVersions"), 1)), "1.0.0");
	json_decref(j);
	free(doc);
}
END_TEST

/* ---- names ---- */

START_TEST(names)
{
	char a[CNI_NAME_MAX], b[CNI_NAME_MAX], c[CNI_NAME_MAX];
	uint8_t m1[6], m2[6];
	const char *longid = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	cni_port_name(longid, "eth0", a);
	cni_port_name(longid, "eth0", b);
	ck_assert_str_eq(a, b);                 /* stable */
	ck_assert_uint_eq(strlen(a), 15);       /* fits IFNAMSIZ */
	ck_assert(!strncmp(a, "vc", 2));
	cni_port_name(longid, "eth1", c);
	ck_assert_str_ne(a, c);                 /* one per interface */
	cni_port_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdee", "eth0", c);
	ck_assert_str_ne(a, c);                 /* one per container */
	cni_port_name("ab", "ceth0", b);
	cni_port_name("abc", "eth0", c);
	ck_assert_str_ne(b, c);                 /* the boundary between id and ifname counts */

	cni_derive_mac(longid, "eth0", m1);
	cni_derive_mac(longid, "eth0", m2);
	ck_assert_mem_eq(m1, m2, 6);
	ck_assert_uint_eq(m1[0], 0x02);         /* locally administered unicast */
	cni_derive_mac(longid, "eth1", m2);
	ck_assert(memcmp(m1, m2, 6) != 0);
}
END_TEST

static Suite *cni_suite(void)
{
	Suite *s = suite_create("cni");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, env_good_and_bad);
	tcase_add_test(tc, env_args);
	tcase_add_test(tc, conf_requested_ips);
	tcase_add_test(tc, conf_good);
	tcase_add_test(tc, conf_bad_json);
	tcase_add_test(tc, conf_version);
	tcase_add_test(tc, conf_fields);
	tcase_add_test(tc, result_parse);
	tcase_add_test(tc, result_json);
	tcase_add_test(tc, error_and_version_json);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cni_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
