/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test/unit/test_config.c: Check tests of the YAML configuration parser
 * (control/config/config.c): a full config read field by field, defaults, one test per
 * class of error asserting the exact LINE:COLUMN and the message, the text
 * helpers, files from test/data/config/, and a random-mutation robustness run.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "evpn.h"
#include "vtep_config.h"

/* Four lines that make a valid configuration; tests append from line 5 on. */
#define BASE                                                                   \
	"vtep:\n"                                                              \
	"  source_ip: 10.0.0.1\n"                                              \
	"underlay:\n"                                                          \
	"  port: net_af_xdp0,iface=ul0\n"

/* Same content as test/data/config/leaf1.yaml (less its comment line). */
static const char FULL[] =
	"vtep:\n"
	"  name: leaf1\n"
	"  source_ip: 10.0.0.1\n"
	"  udp_port: 4790\n"
	"underlay:\n"
	"  port: \"net_af_xdp0,iface=ul0,start_queue=0\"\n"
	"  interface: ul1\n"
	"  mtu: 9000\n"
	"fastpath:\n"
	"  lcore: 3\n"
	"  mac_table_size: 65536\n"
	"  mac_aging: 600\n"
	"  mbufs: 65536\n"
	"control:\n"
	"  socket: /run/vtepd/test-leaf1.sock\n"
	"vnis:\n"
	"  - vni: 100\n"
	"    learning: true\n"
	"    flood: [10.0.0.2, 10.0.0.3]\n"
	"    static_macs:\n"
	"      - mac: 02:00:00:00:00:01\n"
	"        vtep: 10.0.0.2\n"
	"      - mac: 02:AA:bb:cc:dd:02\n"
	"        port: c1\n"
	"  - vni: 16777215\n"
	"    learning: off\n"
	"ports:\n"
	"  - name: c1\n"
	"    vni: 100\n"
	"    netns: c1\n"
	"    ifname: eth1\n"
	"    mac: 02:00:00:00:01:01\n"
	"    ip: 192.168.10.1/24\n"
	"    mtu: 8950\n"
	"  - name: c2\n"
	"    vni: 16777215\n"
	"    pid: 4242\n";

/* ------------------------------------------------------------------ */
/* helpers                                                            */
/* ------------------------------------------------------------------ */

static uint32_t ip(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void assert_zeroed(const struct vtep_config *cfg, int tline)
{
	static const struct vtep_config zero;

	ck_assert_msg(!memcmp(cfg, &zero, sizeof(zero)),
		      "test line %d: configuration not cleared after an error", tline);
}

static int load(const char *yaml, struct vtep_config *cfg, char *err, size_t errlen)
{
	return vtep_config_load_string("t.yaml", yaml, strlen(yaml), cfg, err, errlen);
}

static void load_ok_at(int tline, const char *yaml, struct vtep_config *cfg)
{
	char err[1024];
	int rc = load(yaml, cfg, err, sizeof(err));

	ck_assert_msg(rc == 0, "test line %d: expected success, got %d: %s", tline, rc, err);
}
#define LOAD_OK(yaml, cfg) load_ok_at(__LINE__, (yaml), (cfg))

/* Load yaml, expect EINVAL with "t.yaml:LINE:COL: " and needle in the one-line message. */
static void expect_err_at(int tline, const char *yaml, int line, int col, const char *needle)
{
	struct vtep_config cfg;
	char err[1024], prefix[64];
	int rc;

	memset(&cfg, 0xa5, sizeof(cfg));
	memset(err, 0, sizeof(err));
	rc = load(yaml, &cfg, err, sizeof(err));
	ck_assert_msg(rc == EINVAL, "test line %d: expected EINVAL, got %d (%s)", tline, rc, err);
	snprintf(prefix, sizeof(prefix), "t.yaml:%d:%d: ", line, col);
	ck_assert_msg(!strncmp(err, prefix, strlen(prefix)),
		      "test line %d: expected error at %d:%d, got '%s'", tline, line, col, err);
	ck_assert_msg(strstr(err, needle) != NULL,
		      "test line %d: expected '%s' in '%s'", tline, needle, err);
	ck_assert_msg(!strchr(err, '\n'), "test line %d: message is not one line: '%s'", tline, err);
	assert_zeroed(&cfg, tline);
}
#define EXPECT_ERR(yaml, line, col, needle) expect_err_at(__LINE__, (yaml), (line), (col), (needle))

/* Growing string for generated configurations. */
struct sbuf {
	char *s;
	size_t len, cap;
	int lines;
};

__attribute__((format(printf, 2, 3)))
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		ck_assert_int_ge(n, 0);
		if (b->s && b->len + (size_t)n < b->cap)
			break;
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
	for (int i = 0; i < n; i++)
		if (b->s[b->len + (size_t)i] == '\n')
			b->lines++;
	b->len += (size_t)n;
}

static const char *data_dir(void)
{
	static char buf[4096];
	const char *env = getenv("VTEPD_TEST_DATA");
	const char *slash;

	if (env && *env)
		return env;
	/* fall back to <dir of this file>/../data */
	slash = strrchr(__FILE__, '/');
	if (!slash)
		return "../data";
	snprintf(buf, sizeof(buf), "%.*s/../data", (int)(slash - __FILE__), __FILE__);
	return buf;
}

static void data_path(char *buf, size_t len, const char *file)
{
	snprintf(buf, len, "%s/config/%s", data_dir(), file);
}

/* Every field of FULL / leaf1.yaml. */
static void check_full(const struct vtep_config *cfg)
{
	const struct vtep_vni_config *v;
	const struct vtep_port_config *p;
	static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t mac2[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x02 };
	static const uint8_t pmac[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };

	ck_assert_str_eq(cfg->name, "leaf1");
	ck_assert_uint_eq(cfg->source_ip, ip("10.0.0.1"));
	ck_assert_uint_eq(cfg->udp_port, 4790);
	ck_assert_str_eq(cfg->underlay_devargs, "net_af_xdp0,iface=ul0,start_queue=0");
	ck_assert_str_eq(cfg->underlay_ifname, "ul1");     /* explicit interface wins over iface= */
	ck_assert_uint_eq(cfg->underlay_mtu, 9000);
	ck_assert_uint_eq(cfg->fastpath_lcore, 3);
	ck_assert_uint_eq(cfg->mac_table_size, 65536);
	ck_assert_uint_eq(cfg->mac_aging_sec, 600);
	ck_assert_uint_eq(cfg->mbufs, 65536);
	ck_assert_str_eq(cfg->socket_path, "/run/vtepd/test-leaf1.sock");

	ck_assert_uint_eq(cfg->n_vnis, 2);
	v = &cfg->vnis[0];
	ck_assert_uint_eq(v->vni, 100);
	ck_assert(v->learning);
	ck_assert_uint_eq(v->n_flood, 2);
	ck_assert_uint_eq(v->flood[0], ip("10.0.0.2"));
	ck_assert_uint_eq(v->flood[1], ip("10.0.0.3"));
	ck_assert_uint_eq(v->n_static_macs, 2);
	ck_assert_mem_eq(v->static_macs[0].mac, mac1, 6);
	ck_assert(v->static_macs[0].to_vtep);
	ck_assert_uint_eq(v->static_macs[0].vtep_ip, ip("10.0.0.2"));
	ck_assert_mem_eq(v->static_macs[1].mac, mac2, 6);
	ck_assert(!v->static_macs[1].to_vtep);
	ck_assert_str_eq(v->static_macs[1].port, "c1");
	v = &cfg->vnis[1];
	ck_assert_uint_eq(v->vni, 16777215);
	ck_assert(!v->learning);
	ck_assert_uint_eq(v->n_flood, 0);
	ck_assert_ptr_null(v->flood);
	ck_assert_uint_eq(v->n_static_macs, 0);
	ck_assert_ptr_null(v->static_macs);

	ck_assert_uint_eq(cfg->n_ports, 2);
	p = &cfg->ports[0];
	ck_assert_str_eq(p->name, "c1");
	ck_assert_uint_eq(p->vni, 100);
	ck_assert_str_eq(p->netns, "c1");
	ck_assert_int_eq(p->pid, 0);
	ck_assert_str_eq(p->ifname, "eth1");
	ck_assert(p->has_mac);
	ck_assert_mem_eq(p->mac, pmac, 6);
	ck_assert(p->has_ip);
	ck_assert_uint_eq(p->ip, ip("192.168.10.1"));
	ck_assert_uint_eq(p->prefix_len, 24);
	ck_assert_uint_eq(p->mtu, 8950);
	p = &cfg->ports[1];
	ck_assert_str_eq(p->name, "c2");
	ck_assert_uint_eq(p->vni, 16777215);
	ck_assert_str_eq(p->netns, "");
	ck_assert_int_eq(p->pid, 4242);
	ck_assert_str_eq(p->ifname, "eth0");
	ck_assert(!p->has_mac);
	ck_assert(!p->has_ip);
	ck_assert_uint_eq(p->mtu, 0);

	ck_assert_ptr_eq(vtep_config_find_vni(cfg, 100), &cfg->vnis[0]);
	ck_assert_ptr_eq(vtep_config_find_vni(cfg, 16777215), &cfg->vnis[1]);
	ck_assert_ptr_null(vtep_config_find_vni(cfg, 101));
}

/* ------------------------------------------------------------------ */
/* valid configurations                                               */
/* ------------------------------------------------------------------ */

START_TEST(test_full_string)
{
	struct vtep_config cfg;

	LOAD_OK(FULL, &cfg);
	check_full(&cfg);
	ck_assert_str_eq(cfg.path, "t.yaml");
	/* declaration lines, for the daemon's messages */
	ck_assert_int_eq(cfg.vnis[0].line, 17);
	ck_assert_int_eq(cfg.vnis[1].line, 25);
	ck_assert_int_eq(cfg.vnis[0].static_macs[0].line, 21);
	ck_assert_int_eq(cfg.vnis[0].static_macs[1].line, 23);
	ck_assert_int_eq(cfg.ports[0].line, 28);
	ck_assert_int_eq(cfg.ports[1].line, 35);
	vtep_config_free(&cfg);
	ck_assert_uint_eq(cfg.n_vnis, 0);
	ck_assert_ptr_null(cfg.vnis);
	ck_assert_ptr_null(cfg.ports);
	vtep_config_free(&cfg);          /* freeing twice is harmless */
}
END_TEST

START_TEST(test_full_file)
{
	struct vtep_config cfg;
	char path[4352], err[1024];
	int rc;

	data_path(path, sizeof(path), "leaf1.yaml");
	rc = vtep_config_load_file(path, &cfg, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s: %d %s", path, rc, err);
	check_full(&cfg);
	ck_assert_str_eq(cfg.path, path);
	ck_assert_int_eq(cfg.vnis[0].line, 18);  /* the file has one comment line more */
	vtep_config_free(&cfg);
}
END_TEST

START_TEST(test_bgp_section)
{
	struct vtep_config cfg;
	uint8_t rd[8];

	LOAD_OK(BASE "vnis:\n"
		"  - vni: 100\n"
		"    rd: 10.0.0.1:32867\n"
		"    route_targets: {import: [65000:100, 4200000000:100], export: [10.0.0.1:7]}\n"
		"  - vni: 200\n"
		"    rd: auto\n"
		"    route_targets: {import: auto}\n"
		"bgp:\n"
		"  asn: 4200000001\n"
		"  hold_time: 30\n"
		"  graceful_restart: false\n"
		"  restart_time: 60\n"
		"  rt_match_vni_only: false\n"
		"  duplicate_detection: {max_moves: 3, window: 60}\n"
		"  neighbors:\n"
		"    - {address: 10.0.0.254, remote_as: 65000, password: s3cret, max_routes: 1000,\n"
		"       ttl_security: true, hold_time: 9, description: spine1}\n"
		"    - {address: 10.0.0.253, remote_as: 4200000001, passive: true}\n", &cfg);
	ck_assert(cfg.bgp.enabled);
	ck_assert_uint_eq(cfg.bgp.asn, 4200000001u);
	ck_assert_uint_eq(cfg.bgp.router_id, ip("10.0.0.1"));   /* defaults to the VTEP address */
	ck_assert_uint_eq(cfg.bgp.hold_time, 30);
	ck_assert_uint_eq(cfg.bgp.port, 179);
	ck_assert(!cfg.bgp.graceful_restart);
	ck_assert_uint_eq(cfg.bgp.restart_time, 60);
	ck_assert_int_eq(cfg.bgp.rt_match_vni_only, 0);
	ck_assert_uint_eq(cfg.bgp.dup_max_moves, 3);
	ck_assert_uint_eq(cfg.bgp.dup_window_sec, 60);
	ck_assert_uint_eq(cfg.bgp.n_neighbors, 2);
	ck_assert_uint_eq(cfg.bgp.neighbors[0].address, ip("10.0.0.254"));
	ck_assert_uint_eq(cfg.bgp.neighbors[0].remote_as, 65000);
	ck_assert_str_eq(cfg.bgp.neighbors[0].password, "s3cret");
	ck_assert_uint_eq(cfg.bgp.neighbors[0].max_routes, 1000);
	ck_assert(cfg.bgp.neighbors[0].ttl_security);
	ck_assert_uint_eq(cfg.bgp.neighbors[0].hold_time, 9);
	ck_assert_str_eq(cfg.bgp.neighbors[0].description, "spine1");
	ck_assert(cfg.bgp.neighbors[1].passive);
	ck_assert(cfg.vnis[0].has_rd);
	ck_assert_int_eq(evpn_rd_parse("10.0.0.1:32867", rd), 0);
	ck_assert_mem_eq(cfg.vnis[0].rd, rd, 8);
	ck_assert_uint_eq(cfg.vnis[0].n_rt_import, 2);
	ck_assert_uint_eq(cfg.vnis[0].rt_import[0], evpn_ec_rt_as2(65000, 100));
	ck_assert_uint_eq(cfg.vnis[0].rt_import[1], evpn_ec_rt_as4(4200000000u, 100));
	ck_assert_uint_eq(cfg.vnis[0].n_rt_export, 1);
	ck_assert_uint_eq(cfg.vnis[0].rt_export[0], evpn_ec_rt_ip4(ip("10.0.0.1"), 7));
	ck_assert(!cfg.vnis[1].has_rd);
	ck_assert_uint_eq(cfg.vnis[1].n_rt_import, 0);
	vtep_config_free(&cfg);

	/* defaults */
	LOAD_OK(BASE "bgp: {asn: 65001}\n", &cfg);
	ck_assert(cfg.bgp.enabled && cfg.bgp.graceful_restart && cfg.bgp.advertise_local && cfg.bgp.arp_suppression);
	ck_assert_uint_eq(cfg.bgp.hold_time, 90);
	ck_assert_uint_eq(cfg.bgp.restart_time, 120);
	ck_assert_int_eq(cfg.bgp.rt_match_vni_only, -1);
	ck_assert_uint_eq(cfg.bgp.dup_max_moves, 5);
	ck_assert_uint_eq(cfg.bgp.dup_window_sec, 180);
	ck_assert_uint_eq(cfg.bgp.n_neighbors, 0);
	vtep_config_free(&cfg);
	LOAD_OK(BASE, &cfg);
	ck_assert(!cfg.bgp.enabled);
	vtep_config_free(&cfg);
}
END_TEST

START_TEST(test_bgp_errors)
{
	EXPECT_ERR(BASE "bgp:\n  router_id: 10.0.0.9\n", 5, 1, "'bgp' is missing required key 'asn'");
	EXPECT_ERR(BASE "bgp:\n  asn: 0\n", 6, 8, "bgp.asn: 0 is out of range");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  hold_time: 2\n", 7, 14, "bgp.hold_time: 2 is not allowed");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  restart_time: 5000\n", 7, 17, "bgp.restart_time: 5000 is out of range");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  rt_match_vni_only: maybe\n", 7, 22, "not a boolean");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbours: []\n", 7, 3, "unknown key 'neighbours' in 'bgp'");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2}\n", 8, 7,
		   "'bgp.neighbors[0]' is missing required key 'remote_as'");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.1, remote_as: 2}\n", 8, 17,
		   "is this VTEP's own vtep.source_ip");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 2}\n"
		   "    - {address: 10.0.0.2, remote_as: 3}\n", 9, 17, "duplicate neighbour (first given at line 8)");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 2, password: "
		   "'0123456789012345678901234567890123456789012345678901234567890123456789012345678901'}\n", 8, 51,
		   "the TCP MD5 key limit");
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n    rd: 10.0.0.1\n", 7, 9, "vnis[0].rd: '10.0.0.1' is not a route distinguisher");
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n    route_targets: {import: [65000]}\n", 7, 30,
		   "vnis[0].route_targets.import[0]: '65000' is not a route target");
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n    route_targets: {import: [], export: auto}\n", 7, 29,
		   "0 route targets (expected 1..64, or auto)");
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n    route_targets: {both: auto}\n", 7, 21,
		   "unknown key 'both' in 'vnis[0].route_targets'");
}
END_TEST

/* Peering on interface addresses and iBGP: update_source, bgp.listen, local_preference. */
START_TEST(test_bgp_peering_keys)
{
	struct vtep_config cfg;

	LOAD_OK(BASE "bgp:\n"
		"  asn: 65535\n"
		"  listen: [192.168.0.1, 192.168.0.3]\n"
		"  local_preference: 150\n"
		"  neighbors:\n"
		"    - {address: 192.168.0.0, remote_as: 65000, update_source: 192.168.0.1}\n"
		"    - {address: 192.168.0.2, remote_as: 65000, update_source: ul1}\n"
		"    - {address: 10.0.0.254, remote_as: 65535, update_source: 10.0.0.1, local_preference: 0}\n"
		"    - {address: 10.0.0.253, remote_as: 65535}\n", &cfg);
	ck_assert_uint_eq(cfg.bgp.n_listen, 2);
	ck_assert_uint_eq(cfg.bgp.listen[0], ip("192.168.0.1"));
	ck_assert_uint_eq(cfg.bgp.listen[1], ip("192.168.0.3"));
	ck_assert_uint_eq(cfg.bgp.local_pref, 150);
	ck_assert_uint_eq(cfg.bgp.neighbors[0].update_source, ip("192.168.0.1"));
	ck_assert_str_eq(cfg.bgp.neighbors[0].update_source_if, "");
	ck_assert_uint_eq(cfg.bgp.neighbors[1].update_source, 0);
	ck_assert_str_eq(cfg.bgp.neighbors[1].update_source_if, "ul1");
	ck_assert_uint_eq(cfg.bgp.neighbors[2].update_source, ip("10.0.0.1"));   /* the VTEP loopback */
	ck_assert(cfg.bgp.neighbors[2].has_local_pref);
	ck_assert_uint_eq(cfg.bgp.neighbors[2].local_pref, 0);
	ck_assert(!cfg.bgp.neighbors[3].has_local_pref);
	ck_assert_uint_eq(cfg.bgp.neighbors[3].update_source, 0);
	ck_assert_str_eq(cfg.bgp.neighbors[3].update_source_if, "");
	vtep_config_free(&cfg);
	/* defaults: all addresses, the kernel's source, LOCAL_PREF 100 */
	LOAD_OK(BASE "bgp: {asn: 65001}\n", &cfg);
	ck_assert_uint_eq(cfg.bgp.n_listen, 0);
	ck_assert_uint_eq(cfg.bgp.local_pref, 100);
	vtep_config_free(&cfg);

	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  listen: 192.168.0.1\n", 7, 11, "bgp.listen: expected a list of IPv4 addresses");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  listen: []\n", 7, 11, "bgp.listen: 0 addresses (expected 1..16");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  listen: [192.168.0.1, 224.0.0.5]\n", 7, 25,
		   "bgp.listen[1]: '224.0.0.5' is a multicast address");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  listen: [192.168.0.1, eth0]\n", 7, 25,
		   "bgp.listen[1]: 'eth0' is not an IPv4 address");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  listen: [192.168.0.1, 192.168.0.1]\n", 7, 25,
		   "bgp.listen[1]: duplicate address (also bgp.listen[0])");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  local_preference: -1\n", 7, 21, "bgp.local_preference");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 2, update_source: 'ul0,x=1'}\n",
		   8, 56, "bgp.neighbors[0].update_source: 'ul0,x=1' is neither an IPv4 address nor a valid interface name");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 2, update_source: averyverylongname}\n",
		   8, 56, "is neither an IPv4 address nor a valid interface name");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 2, update_source: 10.0.0}\n",
		   8, 56, "bgp.neighbors[0].update_source: '10.0.0' is not an IPv4 address");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 2, update_source: 10.0.0.2}\n",
		   8, 56, "bgp.neighbors[0].update_source: 10.0.0.2 is the neighbour's own address");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 2, update_source: [ul0]}\n",
		   8, 56, "bgp.neighbors[0].update_source");
	EXPECT_ERR(BASE "bgp:\n  asn: 1\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 2, local_preference: 200}\n",
		   8, 59, "bgp.neighbors[0].local_preference: the neighbour is eBGP (remote_as 2, bgp.asn 1)");
}
END_TEST

START_TEST(test_underlay_exception)
{
	struct vtep_config cfg;

	/* a PCI NIC is DPDK's alone: the exception interface is on by default */
	LOAD_OK("vtep: {source_ip: 10.0.0.1}\nunderlay: {port: '0000:3b:00.1', interface: vtep0}\n", &cfg);
	ck_assert(cfg.underlay_exception);
	ck_assert_str_eq(cfg.underlay_ifname, "vtep0");
	vtep_config_free(&cfg);
	LOAD_OK("vtep: {source_ip: 10.0.0.1}\nunderlay: {port: '3b:00.1,rx_vec_en=0', interface: vtep0}\n", &cfg);
	ck_assert(cfg.underlay_exception);
	vtep_config_free(&cfg);
	/* an AF_XDP port may ask for it too (DPDK then takes every frame) */
	LOAD_OK("vtep: {source_ip: 10.0.0.1}\nunderlay: {port: 'net_af_xdp0,iface=ul0', interface: vtep0, "
		"exception: yes}\n", &cfg);
	ck_assert(cfg.underlay_exception);
	ck_assert_str_eq(cfg.underlay_ifname, "vtep0");
	vtep_config_free(&cfg);
}
END_TEST

START_TEST(test_defaults)
{
	struct vtep_config cfg;

	LOAD_OK(BASE, &cfg);
	ck_assert_str_eq(cfg.name, "vtepd");
	ck_assert_uint_eq(cfg.source_ip, ip("10.0.0.1"));
	ck_assert_uint_eq(cfg.udp_port, VTEP_DEFAULT_UDP_PORT);
	ck_assert_str_eq(cfg.underlay_devargs, "net_af_xdp0,iface=ul0");
	ck_assert_str_eq(cfg.underlay_ifname, "ul0");      /* from iface= */
	ck_assert(!cfg.underlay_exception);                /* AF_XDP: the kernel keeps ul0 */
	ck_assert_uint_eq(cfg.underlay_mtu, VTEP_DEFAULT_UNDERLAY_MTU);
	ck_assert_uint_eq(cfg.fastpath_lcore, VTEP_DEFAULT_LCORE);
	ck_assert_uint_eq(cfg.mac_table_size, VTEP_DEFAULT_MAC_TABLE_SIZE);
	ck_assert_uint_eq(cfg.mac_aging_sec, VTEP_DEFAULT_MAC_AGING_SEC);
	ck_assert_uint_eq(cfg.neighbor_aging_sec, VTEP_DEFAULT_NEIGHBOR_AGING_SEC);
	ck_assert_uint_eq(cfg.mbufs, VTEP_DEFAULT_MBUFS);
	ck_assert_uint_eq(cfg.runtime_vrfs, 0);
	ck_assert(!cfg.capture);
	ck_assert_str_eq(cfg.socket_path, "/run/vtepd/vtepd.sock");
	ck_assert_uint_eq(cfg.n_vnis, 0);
	ck_assert_ptr_null(cfg.vnis);
	ck_assert_uint_eq(cfg.n_ports, 0);
	ck_assert_ptr_null(cfg.ports);
	vtep_config_free(&cfg);

	/* socket default follows the name; iface= found among other options; empty sections */
	LOAD_OK("vtep:\n"
		"  name: leaf-7_b\n"
		"  source_ip: 192.0.2.1\n"
		"underlay:\n"
		"  port: 'net_af_xdp0,start_queue=0,iface=ens5f1,queue_count=2'\n"
		"fastpath:\n"
		"control: {}\n"
		"vnis: []\n"
		"ports:\n", &cfg);
	ck_assert_str_eq(cfg.name, "leaf-7_b");
	ck_assert_str_eq(cfg.socket_path, "/run/vtepd/leaf-7_b.sock");
	ck_assert_str_eq(cfg.underlay_ifname, "ens5f1");
	ck_assert_uint_eq(cfg.fastpath_lcore, VTEP_DEFAULT_LCORE);
	ck_assert_uint_eq(cfg.n_vnis, 0);
	ck_assert_uint_eq(cfg.n_ports, 0);
	vtep_config_free(&cfg);

	/* PCI address with an explicit interface; VNI and port defaults */
	LOAD_OK("vtep: {source_ip: 10.0.0.1}\n"
		"underlay:\n"
		"  port: 0000:01:00.0\n"
		"  interface: enp1s0f0\n"
		"vnis:\n"
		"  - vni: 7\n"
		"ports:\n"
		"  - {name: c1, vni: 7, netns: /proc/1/ns/net}\n", &cfg);
	ck_assert_str_eq(cfg.underlay_devargs, "0000:01:00.0");
	ck_assert_str_eq(cfg.underlay_ifname, "enp1s0f0");
	ck_assert_uint_eq(cfg.n_vnis, 1);
	ck_assert(cfg.vnis[0].learning);
	ck_assert_uint_eq(cfg.vnis[0].n_flood, 0);
	ck_assert_uint_eq(cfg.vnis[0].n_static_macs, 0);
	ck_assert_str_eq(cfg.ports[0].netns, "/proc/1/ns/net");
	ck_assert_str_eq(cfg.ports[0].ifname, VTEP_DEFAULT_CONTAINER_IFNAME);
	ck_assert(!cfg.ports[0].has_mac);
	ck_assert(!cfg.ports[0].has_ip);
	ck_assert_uint_eq(cfg.ports[0].mtu, 0);
	vtep_config_free(&cfg);
}
END_TEST

START_TEST(test_scalar_forms)
{
	struct vtep_config cfg;

	/* quoted scalars, booleans in every spelling, limits of every range */
	LOAD_OK("vtep:\n"
		"  name: \"1234567890123456789012345678901\"\n"
		"  source_ip: '10.0.0.1'\n"
		"  udp_port: \"65535\"\n"
		"underlay: {port: 'x,iface=u', mtu: 576}\n"
		"fastpath: {lcore: 0, mac_table_size: 1024, mac_aging: 0, neighbor_aging: 0, mbufs: 4096}\n"
		"vnis:\n"
		"  - {vni: 1, learning: Yes}\n"
		"  - {vni: 2, learning: NO}\n"
		"  - {vni: 3, learning: On}\n"
		"  - {vni: 4, learning: false}\n"
		"ports:\n"
		"  - {name: a, vni: 1, pid: 1, mtu: 68, ip: 10.1.1.1/1, max_neighbors: 1}\n"
		"  - {name: b, vni: 1, pid: 4194304, mtu: 526, ip: 10.1.1.2/32, max_neighbors: 65536}\n", &cfg);
	ck_assert_uint_eq(strlen(cfg.name), 31);
	ck_assert_uint_eq(cfg.udp_port, 65535);
	ck_assert_uint_eq(cfg.underlay_mtu, 576);
	ck_assert_uint_eq(cfg.fastpath_lcore, 0);
	ck_assert_uint_eq(cfg.mac_table_size, 1024);
	ck_assert_uint_eq(cfg.mac_aging_sec, 0);
	ck_assert_uint_eq(cfg.neighbor_aging_sec, 0);
	ck_assert_uint_eq(cfg.mbufs, 4096);
	ck_assert_uint_eq(cfg.ports[0].max_neighbors, 1);
	ck_assert_uint_eq(cfg.ports[1].max_neighbors, 65536);
	ck_assert(cfg.vnis[0].learning);
	ck_assert(!cfg.vnis[1].learning);
	ck_assert(cfg.vnis[2].learning);
	ck_assert(!cfg.vnis[3].learning);
	ck_assert_uint_eq(cfg.ports[0].pid, 1);
	ck_assert_uint_eq(cfg.ports[0].mtu, 68);
	ck_assert_uint_eq(cfg.ports[0].prefix_len, 1);
	ck_assert_uint_eq(cfg.ports[1].pid, 4194304);
	ck_assert_uint_eq(cfg.ports[1].mtu, 526);
	ck_assert_uint_eq(cfg.ports[1].prefix_len, 32);
	vtep_config_free(&cfg);

	LOAD_OK("vtep: {source_ip: 10.0.0.1, udp_port: 1}\n"
		"underlay: {port: 'x,iface=u', mtu: 9216}\n"
		"fastpath: {lcore: 1023, mac_table_size: 16777216, mac_aging: 604800, mbufs: 1048576, runtime_vrfs: 16, capture: true}\n",
		&cfg);
	ck_assert_uint_eq(cfg.udp_port, 1);
	ck_assert_uint_eq(cfg.underlay_mtu, 9216);
	/* a VNI without mtu: 9000, which a port may have, not 9216 - 50 */
	ck_assert_uint_eq(vtep_vni_default_mtu(cfg.underlay_mtu), VTEP_MAX_MTU);
	ck_assert_uint_eq(vtep_vni_default_mtu(1500), 1450);
	ck_assert_uint_eq(cfg.fastpath_lcore, 1023);
	ck_assert_uint_eq(cfg.mac_table_size, 16777216);
	ck_assert_uint_eq(cfg.mac_aging_sec, 604800);
	ck_assert_uint_eq(cfg.mbufs, 1048576);
	ck_assert_uint_eq(cfg.runtime_vrfs, 16);
	ck_assert(cfg.capture);
	vtep_config_free(&cfg);
}
END_TEST

/* The same remote VTEP in many VNIs counts once against VTEP_MAX_VTEPS. */
START_TEST(test_shared_flood_lists)
{
	struct sbuf b = { 0 };
	struct vtep_config cfg;

	sb_add(&b, BASE "vnis:\n");
	for (int v = 1; v <= 8; v++) {
		sb_add(&b, "  - vni: %d\n    flood:\n", v);
		for (int j = 0; j < 256; j++)
			sb_add(&b, "      - 10.9.%d.%d\n", j / 200, j % 200 + 1);
	}
	LOAD_OK(b.s, &cfg);
	ck_assert_uint_eq(cfg.n_vnis, 8);
	ck_assert_uint_eq(cfg.vnis[7].n_flood, 256);
	ck_assert_uint_eq(cfg.vnis[7].flood[255], ip("10.9.1.56"));
	vtep_config_free(&cfg);
	free(b.s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* document-level errors                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_err_syntax)
{
	/* wrong indentation: libyaml's problem mark, with the block it was parsing */
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1\n name: x\n", 3, 2,
		   "YAML syntax error: did not find expected key (while parsing a block mapping at line 1 column 1)");
	/* unclosed flow sequence */
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    flood: [10.0.0.2, 10.0.0.3\n  - vni: 2\n", 8, 8,
		   "did not find expected ',' or ']' (while parsing a flow sequence at line 7 column 12)");
	/* unterminated quoted string */
	EXPECT_ERR(BASE "control:\n  socket: \"/run/x\n", 7, 1,
		   "found unexpected end of stream (while scanning a quoted scalar at line 6 column 11)");
	/* tab used for indentation */
	EXPECT_ERR("vtep:\n\tsource_ip: 10.0.0.1\n", 2, 1, "found character that cannot start any token");
	/* invalid UTF-8: libyaml's reader error placed from its byte offset */
	EXPECT_ERR("vtep:\n  name: \xff\n", 2, 9, "invalid leading UTF-8 octet");
	/* a second document */
	EXPECT_ERR(BASE "---\nvtep: {}\n", 5, 1, "second YAML document");
	/* anchors and aliases are refused where they are written */
	EXPECT_ERR(BASE "vnis:\n  - &v {vni: 1}\n", 6, 5, "anchor '&v' is not supported");
	EXPECT_ERR("x: &a 1\n", 1, 4, "anchor '&a' is not supported");
	EXPECT_ERR(BASE "vnis: *nothing\n", 5, 7, "alias '*nothing' is not supported");
}
END_TEST

START_TEST(test_err_empty)
{
	const char *empties[] = { "", "\n\n", "# nothing but a comment\n", "---\n", "--- ~\n", "---\n...\n" };

	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++)
		EXPECT_ERR(empties[i], 1, 1,
			   "empty configuration (expected a mapping with 'vtep' and 'underlay')");
}
END_TEST

START_TEST(test_err_top_not_mapping)
{
	EXPECT_ERR("- vtep\n- underlay\n", 1, 1,
		   "top level: expected a mapping with 'vtep' and 'underlay', got a sequence");
	EXPECT_ERR("# comment\n\nhello\n", 3, 1, "got a scalar 'hello'");
	EXPECT_ERR("  [1, 2]\n", 1, 3, "got a sequence");
}
END_TEST

START_TEST(test_err_unknown_key)
{
	EXPECT_ERR(BASE "fastpth:\n  lcore: 2\n", 5, 1,
		   "unknown key 'fastpth' at top level (expected one of: vtep, underlay, fastpath, control, api, metrics, vrfs, vnis, ports, bgp)");
	EXPECT_ERR("vtep:\n  soruce_ip: 10.0.0.1\n", 2, 3,
		   "unknown key 'soruce_ip' in 'vtep' (expected one of: name, source_ip, udp_port, anycast_gateway_mac)");
	EXPECT_ERR(BASE "  interfce: ul0\n", 5, 3, "unknown key 'interfce' in 'underlay'");
	EXPECT_ERR(BASE "fastpath: {lcores: 2}\n", 5, 12, "unknown key 'lcores' in 'fastpath'");
	EXPECT_ERR(BASE "control:\n  path: /x\n", 6, 3, "unknown key 'path' in 'control' (expected one of: socket)");
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    lerning: true\n", 7, 5,
		   "unknown key 'lerning' in 'vnis[0]' (expected one of: vni, learning, flood, static_macs, rd, route_targets, mtu, outer_fragmentation, vtep_check, max_macs, vrf, gateway)");
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    static_macs:\n      - {mac: 02:00:00:00:00:01, vtep: 10.0.0.2, vlan: 3}\n",
		   8, 50, "unknown key 'vlan' in 'vnis[0].static_macs[0]' (expected one of: mac, vtep, port)");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - {name: c1, vni: 1, pid: 3, namespace: x}\n", 7, 32,
		   "unknown key 'namespace' in 'ports[0]'");
	/* a key that is not a scalar */
	EXPECT_ERR(BASE "? [a, b]\n: c\n", 5, 3, "key at top level is a sequence");
}
END_TEST

START_TEST(test_err_duplicate_key)
{
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1\n  source_ip: 10.0.0.2\n", 3, 3,
		   "duplicate key 'source_ip' in 'vtep' (first given at line 2 column 3)");
	EXPECT_ERR(BASE "vtep:\n  source_ip: 10.0.0.5\n", 5, 1,
		   "duplicate key 'vtep' at top level (first given at line 1 column 1)");
	EXPECT_ERR(BASE "vnis:\n  - {vni: 1, flood: [], vni: 2}\n", 6, 25, "duplicate key 'vni' in 'vnis[0]'");
}
END_TEST

START_TEST(test_err_missing_required)
{
	EXPECT_ERR("vtep:\n  name: leaf1\nunderlay:\n  port: x,iface=u\n", 1, 1,
		   "'vtep' is missing required key 'source_ip'");
	EXPECT_ERR("# leaf1\nvtep:\n  name: leaf1\nunderlay: {port: 'u,iface=u'}\n", 2, 1,
		   "'vtep' is missing required key 'source_ip'");
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1\n", 1, 1, "configuration is missing required key 'underlay'");
	EXPECT_ERR("underlay:\n  port: x,iface=u\n", 1, 1, "configuration is missing required key 'vtep'");
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1\nunderlay:\n  mtu: 1500\n", 3, 1,
		   "'underlay' is missing required key 'port'");
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1\nunderlay:\n  port: 0000:01:00.0\n", 3, 1,
		   "'underlay' is missing required key 'interface' (with exception: true it names the kernel interface");
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1\nunderlay:\n  port: x\n", 3, 1,
		   "'underlay' is missing required key 'interface' (expected it, or an iface=NAME option in underlay.port)");
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1\nunderlay:\n  port: 0000:01:00.0\n  interface: vtep0\n"
		   "  exception: false\n", 6, 14, "underlay.exception: a PCI port is owned by DPDK");
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1\nunderlay:\n  port: net_af_xdp0,iface=ul0\n  interface: ul0\n"
		   "  exception: true\n", 5, 14, "underlay.interface: 'ul0' is the interface DPDK takes");
	EXPECT_ERR(BASE "vnis:\n  - learning: false\n", 6, 5, "'vnis[0]' is missing required key 'vni'");
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    static_macs:\n      - vtep: 10.0.0.2\n", 8, 9,
		   "'vnis[0].static_macs[0]' is missing required key 'mac'");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - vni: 1\n    pid: 5\n", 7, 5,
		   "'ports[0]' is missing required key 'name'");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - name: c1\n    pid: 5\n", 7, 5,
		   "'ports[0]' is missing required key 'vni'");
}
END_TEST

START_TEST(test_err_wrong_kind)
{
	EXPECT_ERR("vtep: 10.0.0.1\nunderlay: {port: u,iface=u}\n", 1, 7,
		   "vtep: expected a mapping with 'source_ip', got a scalar '10.0.0.1'");
	/* an empty value is reported at its key */
	EXPECT_ERR("vtep:\nunderlay: {port: u,iface=u}\n", 1, 1, "vtep: expected a mapping with 'source_ip', got an empty value");
	EXPECT_ERR("vtep: {source_ip: 10.0.0.1}\nunderlay: [u]\n", 2, 11, "underlay: expected a mapping with 'port', got a sequence");
	EXPECT_ERR(BASE "fastpath: 3\n", 5, 11, "fastpath: expected a mapping, got a scalar '3'");
	EXPECT_ERR(BASE "control: [a]\n", 5, 10, "control: expected a mapping, got a sequence");
	EXPECT_ERR(BASE "vnis:\n  vni: 1\n", 6, 3, "vnis: expected a sequence of VNI mappings, got a mapping");
	EXPECT_ERR(BASE "vnis:\n  - 100\n", 6, 5, "vnis[0]: expected a mapping with 'vni', got a scalar '100'");
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n  - vni: 2\n    flood: [{ip: 10.0.0.2}]\n", 8, 13,
		   "vnis[1].flood[0]: expected an IPv4 address, got a mapping");
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    flood: 10.0.0.2\n", 7, 12,
		   "vnis[0].flood: expected a sequence of IPv4 addresses, got a scalar '10.0.0.2'");
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    static_macs: {mac: 02:00:00:00:00:01}\n", 7, 18,
		   "vnis[0].static_macs: expected a sequence of static MAC mappings, got a mapping");
	EXPECT_ERR(BASE "vnis:\n  - vni: [1]\n", 6, 10, "vnis[0].vni: expected an integer 1..16777215, got a sequence");
	EXPECT_ERR(BASE "ports: {name: c1}\n", 5, 8, "ports: expected a sequence of port mappings, got a mapping");
	EXPECT_ERR(BASE "ports:\n  - c1\n", 6, 5, "ports[0]: expected a mapping with 'name' and 'vni', got a scalar 'c1'");
	EXPECT_ERR("vtep:\n  name: {a: 1}\n  source_ip: 10.0.0.1\n", 2, 9, "vtep.name: expected an instance name, got a mapping");
}
END_TEST

/* ------------------------------------------------------------------ */
/* values                                                             */
/* ------------------------------------------------------------------ */

START_TEST(test_err_bad_ip)
{
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.300\n", 2, 14,
		   "vtep.source_ip: '10.0.0.300' is not an IPv4 address (expected dotted quad, e.g. 10.0.0.1)");
	EXPECT_ERR("vtep:\n  source_ip: '10.0.1'\n", 2, 14, "'10.0.1' is not an IPv4 address");
	/* CRLF line ends and a UTF-8 byte order mark do not move positions */
	EXPECT_ERR("vtep:\r\n  name: x\r\n  source_ip: 10.0.0.300\r\n", 3, 14, "'10.0.0.300' is not an IPv4 address");
	EXPECT_ERR("\xef\xbb\xbfvtep:\n  source_ip: 10.0.0.300\n", 2, 14, "'10.0.0.300' is not an IPv4 address");
	EXPECT_ERR("vtep:\n  source_ip: 10.0.0.1/24\n", 2, 14, "is not an IPv4 address");
	EXPECT_ERR("vtep:\n  source_ip: leaf1\n", 2, 14, "'leaf1' is not an IPv4 address");
	EXPECT_ERR("vtep:\n  source_ip: 0.0.0.0\n", 2, 14, "'0.0.0.0' is the unspecified address (expected a unicast IPv4 address)");
	EXPECT_ERR("vtep:\n  source_ip: 239.1.1.1\n", 2, 14, "'239.1.1.1' is a multicast address");
	EXPECT_ERR("vtep:\n  source_ip: 255.255.255.255\n", 2, 14, "is the broadcast address");
	EXPECT_ERR("vtep:\n  source_ip:\n", 2, 3, "vtep.source_ip: '' is not an IPv4 address");
	EXPECT_ERR(BASE "vnis:\n  - vni: 5\n    flood: [10.0.0.2, 10.0.0.256]\n", 7, 23,
		   "vnis[0].flood[1]: '10.0.0.256' is not an IPv4 address");
	EXPECT_ERR(BASE "vnis:\n  - vni: 5\n    flood: [224.0.0.5]\n", 7, 13, "vnis[0].flood[0]: '224.0.0.5' is a multicast address");
	EXPECT_ERR(BASE "vnis:\n  - vni: 5\n    static_macs:\n      - {mac: 02:00:00:00:00:01, vtep: 10.0.0}\n", 8, 40,
		   "vnis[0].static_macs[0].vtep: '10.0.0' is not an IPv4 address");
	EXPECT_ERR(BASE "vnis:\n  - vni: 5\n    static_macs:\n      - {mac: 02:00:00:00:00:01, vtep: 10.0.0.1}\n", 8, 40,
		   "vnis[0].static_macs[0].vtep: 10.0.0.1 is this VTEP's own vtep.source_ip");
	EXPECT_ERR(BASE "vnis: [{vni: 5}]\nports:\n  - {name: c1, vni: 5, pid: 9, ip: 192.168.1.1}\n", 7, 36,
		   "ports[0].ip: '192.168.1.1' is not an IPv4 address with prefix length");
	EXPECT_ERR(BASE "vnis: [{vni: 5}]\nports:\n  - {name: c1, vni: 5, pid: 9, ip: 192.168.1.1/33}\n", 7, 36,
		   "'192.168.1.1/33' is not an IPv4 address with prefix length (expected a.b.c.d/len with len 0..32");
	EXPECT_ERR(BASE "vnis: [{vni: 5}]\nports:\n  - {name: c1, vni: 5, pid: 9, ip: 224.1.1.1/4}\n", 7, 36,
		   "ports[0].ip: '224.1.1.1/4' is not a unicast host address");
}
END_TEST

START_TEST(test_err_bad_mac)
{
	const char *bad[] = { "02:00:00:00:01", "02:00:00:00:01:1", "02-00-00-00-01-01", "02:00:00:00:01:0g",
			      "002:00:00:00:01:01", "'02:00:00:00:01:01:'", "'02:00:00:00:01: 1'", "''" };
	char y[512], needle[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *shown = bad[i][0] == '\'' ? bad[i] + 1 : bad[i];
		size_t n = strlen(shown) - (bad[i][0] == '\'');

		snprintf(y, sizeof(y), BASE "vnis: [{vni: 5}]\nports:\n  - name: c1\n    vni: 5\n    pid: 9\n    mac: %s\n", bad[i]);
		snprintf(needle, sizeof(needle), "ports[0].mac: '%.*s' is not a MAC address (expected six hex pairs", (int)n, shown);
		EXPECT_ERR(y, 10, 10, needle);
	}
	EXPECT_ERR(BASE "vnis:\n  - vni: 5\n    static_macs:\n      - mac: 2:0:0:0:0:1\n        vtep: 10.0.0.2\n", 8, 14,
		   "vnis[0].static_macs[0].mac: '2:0:0:0:0:1' is not a MAC address");
}
END_TEST

START_TEST(test_err_multicast_mac)
{
	EXPECT_ERR(BASE "vnis: [{vni: 5}]\nports:\n  - {name: c1, vni: 5, pid: 9, mac: '01:00:5e:00:00:01'}\n", 7, 37,
		   "ports[0].mac: '01:00:5e:00:00:01' is a multicast MAC address (expected a unicast MAC");
	EXPECT_ERR(BASE "vnis:\n  - vni: 5\n    static_macs:\n      - mac: ff:ff:ff:ff:ff:ff\n        vtep: 10.0.0.2\n", 8, 14,
		   "vnis[0].static_macs[0].mac: 'ff:ff:ff:ff:ff:ff' is a multicast MAC address");
	EXPECT_ERR(BASE "vnis:\n  - vni: 5\n    static_macs:\n      - mac: 00:00:00:00:00:00\n        vtep: 10.0.0.2\n", 8, 14,
		   "'00:00:00:00:00:00' is the all-zero MAC address (expected a unicast MAC)");
	EXPECT_ERR(BASE "vnis: [{vni: 5}]\nports:\n  - {name: c1, vni: 5, pid: 9, mac: '00:00:00:00:00:00'}\n", 7, 37,
		   "ports[0].mac: '00:00:00:00:00:00' is the all-zero MAC address");
}
END_TEST

/* Bad integers, one table row per key and kind of mistake. */
struct int_case {
	const char *tmpl;   /* one %s for the value */
	int line, col;
	const char *value;
	const char *needle;
};

#define T_UDP "vtep:\n  source_ip: 10.0.0.1\n  udp_port: %s\nunderlay:\n  port: u,iface=u0\n"
#define T_UMTU BASE "  mtu: %s\n"
#define T_LCORE BASE "fastpath:\n  lcore: %s\n"
#define T_MTS BASE "fastpath:\n  mac_table_size: %s\n"
#define T_AGING BASE "fastpath:\n  mac_aging: %s\n"
#define T_MBUFS BASE "fastpath:\n  mbufs: %s\n"
#define T_RTVRFS BASE "fastpath:\n  runtime_vrfs: %s\n"
#define T_VNI BASE "vnis:\n  - vni: %s\n"
#define T_PVNI BASE "vnis:\n  - vni: 100\nports:\n  - name: c1\n    netns: c1\n    vni: %s\n"
#define T_PID BASE "vnis:\n  - vni: 100\nports:\n  - name: c1\n    vni: 100\n    pid: %s\n"
#define T_VMTU BASE "vnis:\n  - vni: 100\n    mtu: %s\n"
#define T_VOFRAG BASE "vnis:\n  - vni: 100\n    outer_fragmentation: %s\n"
#define T_PMTU BASE "vnis:\n  - vni: 100\nports:\n  - name: c1\n    vni: 100\n    pid: 1\n    mtu: %s\n"

static const struct int_case int_cases[] = {
	{ T_UDP, 3, 13, "0", "vtep.udp_port: 0 is out of range (expected 1..65535)" },
	{ T_UDP, 3, 13, "65536", "vtep.udp_port: 65536 is out of range (expected 1..65535)" },
	{ T_UDP, 3, 13, "12abc", "vtep.udp_port: '12abc' is not a decimal integer (expected 1..65535)" },
	{ T_UDP, 3, 13, "-1", "vtep.udp_port: '-1' is not a decimal integer" },
	{ T_UDP, 3, 13, "0x10", "vtep.udp_port: '0x10' is not a decimal integer" },
	{ T_UDP, 3, 13, "+80", "vtep.udp_port: '+80' is not a decimal integer" },
	{ T_UDP, 3, 13, "0100", "vtep.udp_port: '0100' is not a decimal integer" },
	{ T_UDP, 3, 13, "47.89", "vtep.udp_port: '47.89' is not a decimal integer" },
	{ T_UDP, 3, 13, "\" 4789\"", "vtep.udp_port: ' 4789' is not a decimal integer" },
	{ T_UDP, 3, 13, "18446744073709551617", "vtep.udp_port: 18446744073709551617 is out of range" },
	{ T_UDP, 3, 13, "99999999999999999999999999", "vtep.udp_port: 99999999999999999999999999 is out of range" },
	{ T_UMTU, 5, 8, "575", "underlay.mtu: 575 is out of range (expected 576..9216)" },
	{ T_UMTU, 5, 8, "9217", "underlay.mtu: 9217 is out of range (expected 576..9216)" },
	{ T_UMTU, 5, 8, "1500b", "underlay.mtu: '1500b' is not a decimal integer" },
	{ T_LCORE, 6, 10, "1024", "fastpath.lcore: 1024 is out of range (expected 0..1023)" },
	{ T_LCORE, 6, 10, "-0", "fastpath.lcore: '-0' is not a decimal integer" },
	{ T_LCORE, 6, 10, "4294967297", "fastpath.lcore: 4294967297 is out of range" },
	{ T_MTS, 6, 19, "1023", "fastpath.mac_table_size: 1023 is out of range (expected 1024..16777216)" },
	{ T_MTS, 6, 19, "16777217", "fastpath.mac_table_size: 16777217 is out of range" },
	{ T_MTS, 6, 19, "1e6", "fastpath.mac_table_size: '1e6' is not a decimal integer" },
	{ T_AGING, 6, 14, "604801", "fastpath.mac_aging: 604801 is out of range (expected 0..604800, seconds, 0 disables aging)" },
	{ T_AGING, 6, 14, "5m", "fastpath.mac_aging: '5m' is not a decimal integer" },
	{ T_MBUFS, 6, 10, "4095", "fastpath.mbufs: 4095 is out of range (expected 4096..1048576)" },
	{ T_MBUFS, 6, 10, "1048577", "fastpath.mbufs: 1048577 is out of range" },
	{ T_MBUFS, 6, 10, "true", "fastpath.mbufs: 'true' is not a decimal integer" },
	{ T_RTVRFS, 6, 17, "17", "fastpath.runtime_vrfs: 17 is out of range (expected 0..16, VRFs 'vrf add' may create: memory reserved)" },
	{ T_RTVRFS, 6, 17, "-1", "fastpath.runtime_vrfs: '-1' is not a decimal integer" },
	{ T_VNI, 6, 10, "0", "vnis[0].vni: 0 is out of range (expected 1..16777215)" },
	{ T_VNI, 6, 10, "16777216", "vnis[0].vni: 16777216 is out of range (expected 1..16777215)" },
	{ T_VNI, 6, 10, "0x64", "vnis[0].vni: '0x64' is not a decimal integer" },
	{ T_PVNI, 10, 10, "0", "ports[0].vni: 0 is out of range (expected 1..16777215)" },
	{ T_PVNI, 10, 10, "100x", "ports[0].vni: '100x' is not a decimal integer" },
	{ T_PID, 10, 10, "0", "ports[0].pid: 0 is out of range (expected 1..4194304, a process id)" },
	{ T_PID, 10, 10, "-5", "ports[0].pid: '-5' is not a decimal integer" },
	{ T_PID, 10, 10, "4194305", "ports[0].pid: 4194305 is out of range" },
	{ T_PMTU, 11, 10, "67", "ports[0].mtu: 67 is out of range (expected 68..9000)" },
	{ T_PMTU, 11, 10, "9001", "ports[0].mtu: 9001 is out of range (expected 68..9000)" },
	{ T_VMTU, 7, 10, "67", "vnis[0].mtu: 67 is out of range (expected 68..9000)" },
	{ T_VMTU, 7, 10, "9001", "vnis[0].mtu: 9001 is out of range (expected 68..9000)" },
	{ T_VOFRAG, 7, 26, "maybe", "vnis[0].outer_fragmentation: 'maybe' is not a boolean" },
	{ T_PMTU, 11, 10, "1400.5", "ports[0].mtu: '1400.5' is not a decimal integer" },
};

START_TEST(test_err_integer)
{
	const struct int_case *tc = &int_cases[_i];
	char y[1024];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(y, sizeof(y), tc->tmpl, tc->value);
#pragma GCC diagnostic pop
	expect_err_at(1000 + _i, y, tc->line, tc->col, tc->needle);
}
END_TEST

START_TEST(test_err_other_values)
{
	EXPECT_ERR("vtep:\n  name: leaf 1\n  source_ip: 10.0.0.1\n", 2, 9,
		   "vtep.name: 'leaf 1' is not a valid instance name (expected 1..31 characters of A-Z, a-z, 0-9, '_' or '-')");
	EXPECT_ERR("vtep:\n  name: 12345678901234567890123456789012\n  source_ip: 10.0.0.1\n", 2, 9, "is not a valid instance name");
	EXPECT_ERR("vtep:\n  name: ''\n  source_ip: 10.0.0.1\n", 2, 9, "vtep.name: '' is not a valid instance name");
	EXPECT_ERR("vtep:\n  name: \"a\\0b\"\n  source_ip: 10.0.0.1\n", 2, 9, "vtep.name: value contains a NUL character");
	EXPECT_ERR("vtep:\n  name: \"a\\nb\"\n  source_ip: 10.0.0.1\n", 2, 9, "vtep.name: 'a\\x0ab' is not a valid instance name");
	EXPECT_ERR(BASE "vnis:\n  - {vni: 1, learning: maybe}\n", 6, 24,
		   "vnis[0].learning: 'maybe' is not a boolean (expected true/false, yes/no or on/off)");
	EXPECT_ERR(BASE "control:\n  socket: run/vtepd.sock\n", 6, 11,
		   "control.socket: 'run/vtepd.sock' is not an absolute path");
	EXPECT_ERR("vtep: {source_ip: 10.0.0.1}\nunderlay:\n  port: ''\n", 3, 9,
		   "underlay.port: empty value (expected a DPDK devargs string");
	EXPECT_ERR("vtep: {source_ip: 10.0.0.1}\nunderlay:\n  port: 'net_af_xdp0, iface=u'\n", 3, 9,
		   "contains whitespace or a control character");
	EXPECT_ERR("vtep: {source_ip: 10.0.0.1}\nunderlay:\n  port: net_af_xdp0,iface=\n", 3, 9,
		   "underlay.port: iface= option of 'net_af_xdp0,iface=' is not a valid interface name");
	EXPECT_ERR("vtep: {source_ip: 10.0.0.1}\nunderlay:\n  port: net_af_xdp0,iface=a_very_long_iface_name\n", 3, 9,
		   "is not a valid interface name");
}
END_TEST

START_TEST(test_err_long_devargs)
{
	char y[1024], port[300];

	memset(port, 'a', 256);
	port[256] = '\0';
	snprintf(y, sizeof(y), "vtep: {source_ip: 10.0.0.1}\nunderlay:\n  interface: u\n  port: %s\n", port);
	EXPECT_ERR(y, 4, 9, "underlay.port: devargs string is 256 characters long (expected fewer than 256)");
	port[255] = '\0';
	snprintf(y, sizeof(y), "vtep: {source_ip: 10.0.0.1}\nunderlay:\n  interface: u\n  port: %s\n", port);
	{
		struct vtep_config cfg;

		LOAD_OK(y, &cfg);
		ck_assert_uint_eq(strlen(cfg.underlay_devargs), 255);
		vtep_config_free(&cfg);
	}
}
END_TEST

/* A value echoed in a message is cut, and stays on one line. */
START_TEST(test_err_long_socket)
{
	struct vtep_config cfg;
	char y[512], path[200];

	/* 107 characters fit sun_path with its NUL, 108 do not */
	memset(path, 'a', sizeof(path));
	memcpy(path, "/run/vtepd/", 11);
	path[107] = '\0';
	snprintf(y, sizeof(y), BASE "control:\n  socket: %s\n", path);
	LOAD_OK(y, &cfg);
	ck_assert_str_eq(cfg.socket_path, path);
	vtep_config_free(&cfg);
	path[107] = 'a';
	path[108] = '\0';
	snprintf(y, sizeof(y), BASE "control:\n  socket: %s\n", path);
	EXPECT_ERR(y, 6, 11, "control.socket: path is 108 characters long (expected fewer than 108)");
}
END_TEST

/* The api section (issue 15): the socket beside the control socket, TCP only with a token. */
START_TEST(test_api_section)
{
	struct vtep_config cfg;
	char y[512], path[200];

	LOAD_OK(BASE, &cfg);
	ck_assert_str_eq(cfg.api_socket_path, "/run/vtepd/vtepd.api.sock");
	ck_assert(!cfg.api_listen_on);
	ck_assert_str_eq(cfg.api_token_file, "");
	vtep_config_free(&cfg);
	LOAD_OK(BASE "control: {socket: /tmp/x/leaf.sock}\napi:\n", &cfg);
	ck_assert_str_eq(cfg.api_socket_path, "/tmp/x/leaf.api.sock");
	vtep_config_free(&cfg);
	LOAD_OK(BASE "control: {socket: /tmp/ctl}\n", &cfg);
	ck_assert_str_eq(cfg.api_socket_path, "/tmp/ctl.api.sock");
	vtep_config_free(&cfg);
	/* a control socket path too long for the suffix: the API's goes to /run/vtepd */
	memset(path, 'a', sizeof(path));
	memcpy(path, "/run/vtepd/", 11);
	path[107] = '\0';
	snprintf(y, sizeof(y), BASE "control:\n  socket: %s\n", path);
	LOAD_OK(y, &cfg);
	ck_assert_str_eq(cfg.api_socket_path, "/run/vtepd/vtepd.api.sock");
	vtep_config_free(&cfg);

	LOAD_OK(BASE "api:\n  socket: /run/a.sock\n  listen: 127.0.0.1:8080\n  token_file: /etc/vtepd/token\n", &cfg);
	ck_assert_str_eq(cfg.api_socket_path, "/run/a.sock");
	ck_assert(cfg.api_listen_on);
	ck_assert_uint_eq(cfg.api_listen_ip, ip("127.0.0.1"));
	ck_assert_uint_eq(cfg.api_listen_port, 8080);
	ck_assert_str_eq(cfg.api_token_file, "/etc/vtepd/token");
	vtep_config_free(&cfg);

	EXPECT_ERR(BASE "api:\n  listen: 127.0.0.1:8080\n", 6, 3,
		   "api.listen: a TCP listener needs a token (expected api.token_file too)");
	EXPECT_ERR(BASE "api:\n  listen: 127.0.0.1\n  token_file: /t\n", 6, 11,
		   "api.listen: '127.0.0.1' is not an address and port (expected A.B.C.D:PORT");
	EXPECT_ERR(BASE "api:\n  listen: 127.0.0.1:0\n  token_file: /t\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "api:\n  listen: 127.0.0.1:65536\n  token_file: /t\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "api:\n  listen: 127.0.0.1:-1\n  token_file: /t\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "api:\n  listen: host:80\n  token_file: /t\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "api:\n  token_file: token\n", 6, 15, "api.token_file: 'token' is not an absolute path");
	EXPECT_ERR(BASE "api:\n  socket: [a]\n", 6, 11, "api.socket");
	EXPECT_ERR(BASE "api:\n  port: 80\n", 6, 3, "unknown key 'port' in 'api' (expected one of: socket, listen, token_file)");
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[108] = '\0';
	snprintf(y, sizeof(y), BASE "api:\n  socket: %s\n", path);
	EXPECT_ERR(y, 6, 11, "api.socket: path is 108 characters long (expected fewer than 108)");
}
END_TEST

/* The metrics section (issue 16): off without listen; IPv4 or [IPv6] and a port. */
START_TEST(test_metrics_section)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
	struct vtep_config cfg;

	LOAD_OK(BASE, &cfg);
	ck_assert(!cfg.metrics_on);
	vtep_config_free(&cfg);
	LOAD_OK(BASE "metrics:\n", &cfg);
	ck_assert(!cfg.metrics_on);
	vtep_config_free(&cfg);
	LOAD_OK(BASE "metrics:\n  listen: 127.0.0.1:9100\n", &cfg);
	ck_assert(cfg.metrics_on);
	ck_assert(!cfg.metrics_ip6);
	ck_assert_uint_eq(*(uint32_t *)cfg.metrics_ip, ip("127.0.0.1"));
	ck_assert_uint_eq(cfg.metrics_port, 9100);
	vtep_config_free(&cfg);
	LOAD_OK(BASE "metrics: {listen: \"[2001:db8::9]:65535\"}\n", &cfg);
	ck_assert(cfg.metrics_on);
	ck_assert(cfg.metrics_ip6);
	ck_assert(!memcmp(cfg.metrics_ip, v6, 16));
	ck_assert_uint_eq(cfg.metrics_port, 65535);
	vtep_config_free(&cfg);

	EXPECT_ERR(BASE "metrics:\n  listen: 127.0.0.1\n", 6, 11,
		   "metrics.listen: '127.0.0.1' is not an address and port (expected A.B.C.D:PORT or [IPv6]:PORT");
	EXPECT_ERR(BASE "metrics:\n  listen: 127.0.0.1:0\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: 127.0.0.1:65536\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: 127.0.0.1:+80\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: 300.0.0.1:80\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: localhost:9100\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: '::1:9100'\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: '[::1]9100'\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: '[::1]:'\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: '[10.0.0.1]:80'\n", 6, 11, "is not an address and port");
	EXPECT_ERR(BASE "metrics:\n  listen: [::1]:9100\n", 6, 12, "YAML syntax error");   /* unquoted: a flow list */
	EXPECT_ERR(BASE "metrics:\n  port: 9100\n", 6, 3, "unknown key 'port' in 'metrics' (expected one of: listen)");
}
END_TEST

START_TEST(test_err_long_value_shown_cut)
{
	char y[4096], v[2100];

	memset(v, 'x', 2000);
	v[2000] = '\0';
	snprintf(y, sizeof(y), "vtep:\n  source_ip: %s\n", v);
	EXPECT_ERR(y, 2, 14, "vtep.source_ip: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not an IPv4 address");
	/* unknown key with control characters */
	EXPECT_ERR(BASE "\"bad\\r\\nkey\": 1\n", 5, 1, "unknown key 'bad\\x0d\\x0akey' at top level");
}
END_TEST

/* ------------------------------------------------------------------ */
/* cross checks                                                       */
/* ------------------------------------------------------------------ */

START_TEST(test_err_duplicate_vni)
{
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n  - vni: 200\n  - vni: 100\n    learning: false\n", 8, 10,
		   "vnis[2].vni: duplicate VNI 100 (first declared at line 6)");
	EXPECT_ERR(BASE "vnis: [{vni: 3}, {vni: 4}, {vni: 4}, {vni: 3}]\n", 5, 34,
		   "vnis[2].vni: duplicate VNI 4 (first declared at line 5)");
}
END_TEST

START_TEST(test_err_duplicate_flood)
{
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n    flood: [10.0.0.2, 10.0.0.3, 10.0.0.2]\n", 7, 33,
		   "vnis[0].flood[2]: duplicate flood address 10.0.0.2 (first listed at line 7 column 13)");
	/* the same address in two VNIs is fine */
	{
		struct vtep_config cfg;

		LOAD_OK(BASE "vnis:\n  - {vni: 1, flood: [10.0.0.2]}\n  - {vni: 2, flood: [10.0.0.2]}\n", &cfg);
		ck_assert_uint_eq(cfg.vnis[1].flood[0], ip("10.0.0.2"));
		vtep_config_free(&cfg);
	}
}
END_TEST

START_TEST(test_err_flood_is_source)
{
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n    flood:\n      - 10.0.0.2\n      - 10.0.0.1\n", 9, 9,
		   "vnis[0].flood[1]: 10.0.0.1 is this VTEP's own vtep.source_ip (expected a remote VTEP address)");
	/* source_ip declared after vnis: still checked */
	EXPECT_ERR("underlay: {port: 'u,iface=u'}\nvnis:\n  - {vni: 1, flood: [10.0.0.1]}\nvtep: {source_ip: 10.0.0.1}\n",
		   3, 22, "is this VTEP's own vtep.source_ip");
}
END_TEST

START_TEST(test_err_too_many_flood)
{
	struct sbuf b = { 0 };
	int line;

	sb_add(&b, BASE "vnis:\n  - vni: 1\n    flood:\n");
	for (int j = 0; j < 256; j++)
		sb_add(&b, "      - 10.8.%d.%d\n", j / 100, j % 100 + 1);
	line = b.lines + 1;
	sb_add(&b, "      - 10.8.9.9\n");
	EXPECT_ERR(b.s, line, 9, "vnis[0].flood: too many flood addresses (257, expected at most 256)");
	free(b.s);
}
END_TEST

START_TEST(test_err_too_many_vteps)
{
	struct sbuf b = { 0 };
	int line = 0;

	/* 5 VNIs x 256 distinct addresses: the 1025th distinct one is vnis[4].flood[0] */
	sb_add(&b, BASE "vnis:\n");
	for (int v = 0; v < 5; v++) {
		sb_add(&b, "  - vni: %d\n    flood:\n", v + 1);
		if (v == 4)
			line = b.lines + 1;
		for (int j = 0; j < 256; j++)
			sb_add(&b, "      - 10.%d.1.%d\n", v + 1, j);
	}
	EXPECT_ERR(b.s, line, 9, "vnis[4].flood[0]: too many distinct remote VTEP addresses (1280, expected at most 1024)");
	free(b.s);
}
END_TEST

/* Static MACs of one VNI cannot outnumber the MAC table. */
START_TEST(test_err_too_many_static_macs)
{
	struct sbuf b = { 0 };
	int line;

	sb_add(&b, BASE "fastpath: {mac_table_size: 1024}\nvnis:\n  - vni: 1\n    static_macs:\n");
	for (int j = 0; j < 1024; j++)
		sb_add(&b, "      - {mac: '02:00:00:00:%02x:%02x', vtep: 10.0.0.2}\n", j >> 8, j & 0xff);
	line = b.lines + 1;
	sb_add(&b, "      - {mac: '02:00:00:01:00:00', vtep: 10.0.0.2}\n");
	EXPECT_ERR(b.s, line, 9, "vnis[0].static_macs: too many static MACs (1025, expected at most fastpath.mac_table_size = 1024)");
	free(b.s);
}
END_TEST

START_TEST(test_err_too_many_vnis)
{
	struct sbuf b = { 0 };
	struct vtep_config cfg;
	int line;

	sb_add(&b, BASE "vnis:\n");
	for (int v = 1; v <= VTEP_MAX_VNIS; v++)
		sb_add(&b, "  - vni: %d\n", v);
	LOAD_OK(b.s, &cfg);
	ck_assert_uint_eq(cfg.n_vnis, VTEP_MAX_VNIS);
	ck_assert_ptr_eq(vtep_config_find_vni(&cfg, VTEP_MAX_VNIS), &cfg.vnis[VTEP_MAX_VNIS - 1]);
	vtep_config_free(&cfg);
	line = b.lines + 1;
	sb_add(&b, "  - vni: %d\n", VTEP_MAX_VNIS + 1);
	EXPECT_ERR(b.s, line, 5, "vnis: too many VNIs (4097, expected at most 4096)");
	free(b.s);
}
END_TEST

START_TEST(test_err_too_many_ports)
{
	struct sbuf b = { 0 };
	struct vtep_config cfg;
	int line;

	sb_add(&b, BASE "vnis: [{vni: 1}]\nports:\n");
	for (int p = 0; p < VTEP_MAX_PORTS; p++)
		sb_add(&b, "  - name: p%d\n    vni: 1\n    netns: n%d\n", p, p);
	LOAD_OK(b.s, &cfg);
	ck_assert_uint_eq(cfg.n_ports, VTEP_MAX_PORTS);
	ck_assert_str_eq(cfg.ports[VTEP_MAX_PORTS - 1].name, "p255");
	vtep_config_free(&cfg);
	line = b.lines + 1;
	sb_add(&b, "  - name: extra\n    vni: 1\n    pid: 1\n");
	EXPECT_ERR(b.s, line, 5, "ports: too many ports (257, expected at most 256)");
	free(b.s);
}
END_TEST

START_TEST(test_err_port_unknown_vni)
{
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\nports:\n  - name: c1\n    vni: 200\n    netns: c1\n", 9, 10,
		   "ports[0].vni: VNI 200 is not declared in 'vnis'");
	EXPECT_ERR(BASE "ports:\n  - {name: c1, vni: 100, netns: c1}\n", 6, 21, "ports[0].vni: VNI 100 is not declared in 'vnis'");
}
END_TEST

START_TEST(test_err_port_netns_pid)
{
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - name: c1\n    vni: 1\n    netns: c1\n    pid: 42\n", 10, 5,
		   "'ports[0]' has both 'netns' and 'pid' (expected exactly one of them)");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - name: c1\n    pid: 42\n    vni: 1\n    netns: c1\n", 10, 5,
		   "'ports[0]' has both 'netns' and 'pid'");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - {name: c1, vni: 1, pid: 2}\n  - name: c2\n    vni: 1\n", 8, 5,
		   "'ports[1]' has neither 'netns' nor 'pid' (expected exactly one of them, or 'type: memif')");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - {name: c1, vni: 1, netns: a/b}\n", 7, 31,
		   "ports[0].netns: 'a/b' is neither a netns name nor an absolute path");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - {name: c1, vni: 1, netns: ''}\n", 7, 31,
		   "ports[0].netns: '' is neither a netns name nor an absolute path");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - {name: c1, vni: 1, netns: ..}\n", 7, 31,
		   "ports[0].netns: '..' is neither");
}
END_TEST

START_TEST(test_err_bad_ifname)
{
	const char *bad[] = { "a/b", "eth:0", "'a b'", "'0123456789abcdef'", "''", "'.'", "..", "\"a\\tb\"",
			      "'y,iface=ul0'", "a=b", "\"a\\x7fb\"" };
	char y[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(y, sizeof(y), BASE "vnis: [{vni: 1}]\nports:\n  - name: %s\n    vni: 1\n    pid: 1\n", bad[i]);
		EXPECT_ERR(y, 7, 11, "is not a valid interface name (expected 1..15 printable characters without '/', ':', ',', '=' or whitespace)");
		snprintf(y, sizeof(y), BASE "vnis: [{vni: 1}]\nports:\n  - name: c1\n    vni: 1\n    pid: 1\n    ifname: %s\n", bad[i]);
		EXPECT_ERR(y, 10, 13, "ports[0].ifname: ");
		snprintf(y, sizeof(y), "vtep: {source_ip: 10.0.0.1}\nunderlay:\n  port: x\n  interface: %s\n", bad[i]);
		EXPECT_ERR(y, 4, 14, "underlay.interface: ");
	}
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - name: a/b\n    vni: 1\n    pid: 1\n", 7, 11,
		   "ports[0].name: 'a/b' is not a valid interface name");
	/* 15 characters is the longest valid name */
	{
		struct vtep_config cfg;

		LOAD_OK(BASE "vnis: [{vni: 1}]\nports:\n  - {name: 0123456789abcde, vni: 1, pid: 1, ifname: veth-c1.100}\n", &cfg);
		ck_assert_str_eq(cfg.ports[0].name, "0123456789abcde");
		ck_assert_str_eq(cfg.ports[0].ifname, "veth-c1.100");
		vtep_config_free(&cfg);
	}
}
END_TEST

START_TEST(test_err_port_mtu)
{
	/* a container may have a larger MTU than the overlay: vtepd fragments or answers with ICMP */
	{
		struct vtep_config cfg;

		LOAD_OK(BASE "vnis: [{vni: 1, mtu: 1400, outer_fragmentation: true}, {vni: 2}]\n"
			"ports:\n  - {name: c1, vni: 1, pid: 1, mtu: 1500}\n", &cfg);
		ck_assert_uint_eq(cfg.ports[0].mtu, 1500);
		ck_assert_uint_eq(cfg.vnis[0].mtu, 1400);
		ck_assert(cfg.vnis[0].outer_fragmentation);
		ck_assert_uint_eq(cfg.vnis[1].mtu, 0);
		ck_assert(!cfg.vnis[1].outer_fragmentation);
		vtep_config_free(&cfg);
	}
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - name: c1\n    vni: 1\n    pid: 1\n    mtu: 9001\n", 10, 10,
		   "ports[0].mtu: 9001 is out of range (expected 68..9000)");
}
END_TEST

/* vtep_check and max_macs (issue 12): absent is the default, 0 is no limit, nonsense is an error */
START_TEST(test_vtep_check_max_macs)
{
	{
		struct vtep_config cfg;

		LOAD_OK(BASE "vnis: [{vni: 1, vtep_check: true, max_macs: 500}, {vni: 2, vtep_check: off, max_macs: 0}, {vni: 3}]\n"
			"ports:\n  - {name: c1, vni: 1, pid: 1, max_macs: 10}\n  - {name: c2, vni: 1, pid: 1}\n"
			"  - {name: c3, vni: 1, pid: 1, max_macs: 0}\n", &cfg);
		ck_assert_int_eq(cfg.vnis[0].vtep_check, 1);
		ck_assert_int_eq(cfg.vnis[1].vtep_check, 0);
		ck_assert_int_eq(cfg.vnis[2].vtep_check, -1);
		ck_assert_uint_eq(cfg.vnis[0].max_macs, 500);
		ck_assert_uint_eq(cfg.vnis[1].max_macs, VTEP_MAX_MACS_UNLIMITED);
		ck_assert_uint_eq(cfg.vnis[2].max_macs, 0);
		ck_assert_uint_eq(cfg.ports[0].max_macs, 10);
		ck_assert_uint_eq(cfg.ports[1].max_macs, 0);
		ck_assert_uint_eq(cfg.ports[2].max_macs, VTEP_MAX_MACS_UNLIMITED);
		vtep_config_free(&cfg);
	}
	EXPECT_ERR(BASE "vnis: [{vni: 1, vtep_check: maybe}]\n", 5, 29,
		   "vnis[0].vtep_check: 'maybe' is not a boolean");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - name: c1\n    vni: 1\n    pid: 1\n    max_macs: -3\n", 10, 15,
		   "ports[0].max_macs");
}
END_TEST

START_TEST(test_err_static_mac_target)
{
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    static_macs:\n      - mac: 02:00:00:00:00:01\n        vtep: 10.0.0.2\n        port: c1\n",
		   10, 9, "'vnis[0].static_macs[0]' has both 'vtep' and 'port' (expected exactly one of them)");
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    static_macs:\n      - mac: 02:00:00:00:00:01\n        vtep: 10.0.0.9\n"
		   "      - mac: 02:00:00:00:00:02\n", 10, 9,
		   "'vnis[0].static_macs[1]' has neither 'vtep' nor 'port' (expected exactly one of them)");
}
END_TEST

START_TEST(test_err_static_mac_port_vni)
{
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n  - vni: 200\n    static_macs:\n      - mac: 02:00:00:00:00:01\n        port: c1\n"
		   "ports:\n  - {name: c1, vni: 100, pid: 10}\n", 10, 15,
		   "vnis[1].static_macs[0].port: port 'c1' belongs to VNI 100 (expected a port of VNI 200)");
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n    static_macs:\n      - {mac: 02:00:00:00:00:01, port: c9}\n"
		   "ports:\n  - {name: c1, vni: 100, pid: 10}\n", 8, 40,
		   "vnis[0].static_macs[0].port: port 'c9' is not declared in 'ports'");
	EXPECT_ERR(BASE "vnis:\n  - vni: 100\n    static_macs:\n      - {mac: 02:00:00:00:00:01, port: c1}\n", 8, 40,
		   "port 'c1' is not declared in 'ports'");
}
END_TEST

START_TEST(test_err_duplicate_static_mac)
{
	EXPECT_ERR(BASE "vnis:\n  - vni: 1\n    static_macs:\n      - {mac: 02:00:00:00:00:01, vtep: 10.0.0.2}\n"
		   "      - {mac: 02:00:00:00:00:03, vtep: 10.0.0.2}\n      - {mac: 02:00:00:00:00:01, vtep: 10.0.0.3}\n", 10, 15,
		   "vnis[0].static_macs[2].mac: duplicate static MAC 02:00:00:00:00:01 in VNI 1 (first declared at line 8)");
	/* same MAC in another VNI: fine */
	{
		struct vtep_config cfg;

		LOAD_OK(BASE "vnis:\n  - vni: 1\n    static_macs: [{mac: 02:00:00:00:00:01, vtep: 10.0.0.2}]\n"
			"  - vni: 2\n    static_macs: [{mac: 02:00:00:00:00:01, vtep: 10.0.0.3}]\n", &cfg);
		ck_assert_uint_eq(cfg.vnis[1].static_macs[0].vtep_ip, ip("10.0.0.3"));
		vtep_config_free(&cfg);
	}
}
END_TEST

START_TEST(test_err_duplicate_port_name)
{
	EXPECT_ERR(BASE "vnis: [{vni: 1}, {vni: 2}]\nports:\n  - {name: c1, vni: 1, pid: 1}\n  - name: c2\n    vni: 2\n    pid: 2\n"
		   "  - name: c1\n    vni: 2\n    pid: 3\n", 11, 11,
		   "ports[2].name: duplicate port name 'c1' (first declared at line 7)");
}
END_TEST

/* memif ports: the keys, their defaults, and what only the other kind of port takes */
START_TEST(test_memif_ports)
{
	struct vtep_config cfg;
	const struct vtep_port_config *p;

	load_ok_at(__LINE__, BASE "vnis: [{vni: 7}]\nports:\n"
		   "  - {name: m1, vni: 7, type: memif}\n"
		   "  - name: m2\n    vni: 7\n    type: memif\n    socket: /run/x/m.sock\n    memif_id: 4294967295\n"
		   "    mac: 02:00:00:00:07:02\n    ip: 10.7.0.2/16\n    mtu: 1400\n"
		   "  - {name: m3, vni: 7, type: memif, socket: /run/x/m3.sock, memif_id: 3}\n"
		   "  - {name: c1, vni: 7, type: af_xdp, netns: c1}\n", &cfg);
	ck_assert_uint_eq(cfg.n_ports, 4);
	p = &cfg.ports[0];
	ck_assert_int_eq(p->type, VTEP_PORT_MEMIF);
	ck_assert_str_eq(p->socket, "");          /* the daemon picks /run/vtepd/NAME-PORT.memif */
	ck_assert_uint_eq(p->memif_id, 0);
	ck_assert_str_eq(p->ifname, "");          /* no interface inside a container */
	ck_assert_uint_eq(p->mtu, 0);
	ck_assert(!p->has_mac && !p->netns[0] && p->pid == 0);
	p = &cfg.ports[1];
	ck_assert_int_eq(p->type, VTEP_PORT_MEMIF);
	ck_assert_str_eq(p->socket, "/run/x/m.sock");
	ck_assert_uint_eq(p->memif_id, UINT32_MAX);
	ck_assert(p->has_mac && p->mac[5] == 2 && p->has_ip && p->prefix_len == 16 && p->ip == ip("10.7.0.2"));
	ck_assert_uint_eq(p->mtu, 1400);
	ck_assert_uint_eq(cfg.ports[2].memif_id, 3);
	ck_assert_int_eq(cfg.ports[3].type, VTEP_PORT_AF_XDP);
	ck_assert_str_eq(cfg.ports[3].ifname, "eth0");
	vtep_config_free(&cfg);
	/* the default kind is AF_XDP */
	load_ok_at(__LINE__, BASE "vnis: [{vni: 7}]\nports: [{name: c1, vni: 7, pid: 9}]\n", &cfg);
	ck_assert_int_eq(cfg.ports[0].type, VTEP_PORT_AF_XDP);
	vtep_config_free(&cfg);
}
END_TEST

START_TEST(test_err_memif)
{
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: vhost}\n", 7, 30,
		   "ports[0].type: unknown port type 'vhost' (expected af_xdp or memif)");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: [memif]}\n", 7, 30,
		   "ports[0].type: expected af_xdp or memif, got a sequence");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - name: m1\n    vni: 7\n    type: memif\n    netns: c1\n", 10, 5,
		   "'ports[0]': key 'netns' is for AF_XDP ports (expected no netns, pid or ifname on a memif port");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, pid: 3, type: memif}\n", 7, 24,
		   "'ports[0]': key 'pid' is for AF_XDP ports");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, ifname: e1, type: memif}\n", 7, 24,
		   "'ports[0]': key 'ifname' is for AF_XDP ports");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: c1, vni: 7, pid: 3, socket: /run/a.sock}\n", 7, 32,
		   "'ports[0]': key 'socket' is for memif ports (expected 'type: memif' with it");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: c1, vni: 7, netns: x, type: af_xdp, memif_id: 1}\n", 7, 48,
		   "'ports[0]': key 'memif_id' is for memif ports");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: memif, socket: run/m.sock}\n", 7, 45,
		   "ports[0].socket: 'run/m.sock' is not a usable socket path (expected an absolute path");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: memif, socket: '/run/a,b'}\n", 7, 45,
		   "ports[0].socket: '/run/a,b' is not a usable socket path");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: memif, socket: '/run/a b'}\n", 7, 45,
		   "ports[0].socket: '/run/a b' is not a usable socket path");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: memif, socket: /run/}\n", 7, 45,
		   "is not a usable socket path");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: memif, socket: /"
		   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n",
		   7, 45, "shorter than 108 characters");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: memif, memif_id: -1}\n", 7, 47,
		   "ports[0].memif_id: '-1' is not a decimal integer (expected 0..4294967295");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: memif, memif_id: 4294967296}\n", 7, 47,
		   "ports[0].memif_id: 4294967296 is out of range");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 7, type: memif, socket: /run/m.sock}\n"
		   "  - {name: m2, vni: 7, type: memif, memif_id: 0, socket: /run/m.sock}\n", 8, 50,
		   "'ports[1]': memif socket /run/m.sock is already port m1's (line 7) (expected one port per socket)");
	EXPECT_ERR(BASE "vnis: [{vni: 7}]\nports:\n  - {name: m1, vni: 8, type: memif}\n", 7, 21,
		   "ports[0].vni: VNI 8 is not declared in 'vnis'");
}
END_TEST

/* ------------------------------------------------------------------ */
/* files and API edges                                                */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* The key tables: every mapping of the schema, every key             */
/* ------------------------------------------------------------------ */

/*
 * Expect an error where '@' stands in yaml (the marker is removed), with exactly msg after
 * "t.yaml:LINE:COLUMN: ".
 */
static void expect_marked_at(int tline, const char *marked, const char *msg)
{
	char yaml[2048], full[1024];
	const char *at = strchr(marked, '@');
	int line = 1, col = 1;
	struct vtep_config cfg;
	int rc;

	ck_assert_msg(at && strlen(marked) < sizeof(yaml), "test line %d: no marker", tline);
	for (const char *p = marked; p < at; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(yaml, sizeof(yaml), "%.*s%s", (int)(at - marked), marked, at + 1);
	memset(&cfg, 0xa5, sizeof(cfg));
	rc = load(yaml, &cfg, full, sizeof(full));
	ck_assert_msg(rc == EINVAL, "test line %d: expected EINVAL, got %d for:\n%s", tline, rc, yaml);
	{
		char want[1024];

		snprintf(want, sizeof(want), "t.yaml:%d:%d: %s", line, col, msg);
		ck_assert_msg(!strcmp(full, want), "test line %d:\n  got  '%s'\n  want '%s'\nfor:\n%s", tline, full,
			      want, yaml);
	}
	assert_zeroed(&cfg, tline);
}
#define EXPECT_AT(marked, msg) expect_marked_at(__LINE__, (marked), (msg))

/* One mapping of the schema: a document that ends inside it, at indent, and its keys in order. */
static const struct schema_map {
	const char *path;                /* NULL: the top level */
	const char *doc;
	int indent;
	const char *key, *value;         /* a valid key to repeat */
	const char *keys;                /* the "expected one of" list */
} schema_maps[] = {
	{ NULL, BASE, 0, "fastpath", "{}", "vtep, underlay, fastpath, control, api, metrics, vrfs, vnis, ports, bgp" },
	{ "vtep", "underlay: {port: 'net_af_xdp0,iface=ul0'}\nvtep:\n  source_ip: 10.0.0.1\n", 2, "udp_port", "4790",
	  "name, source_ip, udp_port, anycast_gateway_mac" },
	{ "underlay", "vtep: {source_ip: 10.0.0.1}\nunderlay:\n  port: net_af_xdp0,iface=ul0\n", 2, "mtu", "1500",
	  "port, interface, mtu, exception, ports" },
	{ "underlay.ports[0]", "vtep: {source_ip: 10.0.0.1}\nunderlay:\n  ports:\n    - port: 0000:01:00.0\n", 6,
	  "interface", "tap0", "port, interface" },
	{ "fastpath", BASE "fastpath:\n  lcore: 2\n", 2, "mbufs", "8192", "lcore, mac_table_size, mac_aging, neighbor_aging, mbufs, runtime_vrfs, capture" },
	{ "control", BASE "control:\n", 2, "socket", "/run/x.sock", "socket" },
	{ "api", BASE "api:\n", 2, "socket", "/run/x.sock", "socket, listen, token_file" },
	{ "metrics", BASE "metrics:\n", 2, "listen", "127.0.0.1:9100", "listen" },
	{ "vnis[0]", BASE "vnis:\n  - vni: 100\n", 4, "learning", "true",
	  "vni, learning, flood, static_macs, rd, route_targets, mtu, outer_fragmentation, vtep_check, max_macs, vrf, "
	  "gateway" },
	{ "vrfs[0]", BASE "vrfs:\n  - name: t\n    l3vni: 1\n", 4, "advertise_subnets", "true",
	  "name, l3vni, router_mac, rd, route_targets, advertise, advertise_subnets, max_ipv4_routes, max_ipv6_routes" },
	{ "vrfs[0].route_targets", BASE "vrfs:\n  - name: t\n    l3vni: 1\n    route_targets:\n", 6, "export", "auto",
	  "import, export" },
	{ "vnis[0].static_macs[0]", BASE "vnis:\n  - vni: 100\n    static_macs:\n      - mac: 02:00:00:00:00:01\n", 8,
	  "vtep", "10.0.0.2", "mac, vtep, port" },
	{ "vnis[0].route_targets", BASE "vnis:\n  - vni: 100\n    route_targets:\n", 6, "export", "auto",
	  "import, export" },
	{ "ports[0]", BASE "vnis: [{vni: 100}]\nports:\n  - name: c1\n    vni: 100\n", 4, "netns", "c1",
	  "name, vni, netns, pid, ifname, mac, ip, mtu, type, socket, memif_id, max_macs, max_neighbors" },
	{ "bgp", BASE "bgp:\n  asn: 65001\n", 2, "hold_time", "90",
	  "asn, router_id, hold_time, port, graceful_restart, restart_time, rt_match_vni_only, advertise, "
	  "arp_suppression, duplicate_detection, neighbors, listen, local_preference" },
	{ "bgp.duplicate_detection", BASE "bgp:\n  asn: 65001\n  duplicate_detection:\n", 4, "window", "60",
	  "max_moves, window" },
	{ "bgp.neighbors[0]", BASE "bgp:\n  asn: 65001\n  neighbors:\n    - address: 10.0.0.254\n      remote_as: 1\n",
	  6, "passive", "true",
	  "address, remote_as, passive, password, max_routes, ttl_security, hold_time, description, update_source, "
	  "local_preference" },
};

START_TEST(test_schema_every_mapping)
{
	for (size_t i = 0; i < sizeof(schema_maps) / sizeof(schema_maps[0]); i++) {
		const struct schema_map *s = &schema_maps[i];
		struct sbuf b = { 0 };
		char in[96], msg[512];
		int first;

		if (s->path)
			snprintf(in, sizeof(in), "in '%s'", s->path);
		else
			snprintf(in, sizeof(in), "at top level");

		/* a key given twice: at the second, naming the first */
		sb_add(&b, "%s%*s%s: %s\n", s->doc, s->indent, "", s->key, s->value);
		first = b.lines;
		sb_add(&b, "%*s@%s: %s\n", s->indent, "", s->key, s->value);
		snprintf(msg, sizeof(msg), "duplicate key '%s' %s (first given at line %d column %d)", s->key, in,
			 first, s->indent + 1);
		EXPECT_AT(b.s, msg);
		free(b.s);

		/* an unknown key: at the key, with every key of the mapping in table order */
		b = (struct sbuf){ 0 };
		sb_add(&b, "%s%*s@bogus: 1\n", s->doc, s->indent, "");
		snprintf(msg, sizeof(msg), "unknown key 'bogus' %s (expected one of: %s)", in, s->keys);
		EXPECT_AT(b.s, msg);
		free(b.s);

		/* a key that is not a scalar */
		b = (struct sbuf){ 0 };
		sb_add(&b, "%s%*s@[a]: 1\n", s->doc, s->indent, "");
		snprintf(msg, sizeof(msg), "key %s is a sequence (expected one of: %s)", in, s->keys);
		EXPECT_AT(b.s, msg);
		free(b.s);
	}
}
END_TEST

/* Every integer key: one past its range, at the value, with the range (and hint) expected. */
START_TEST(test_schema_every_integer)
{
#define VNI7 BASE "vnis: [{vni: 7}]\n"
#define ASN BASE "bgp:\n  asn: 65001\n"
#define NB ASN "  neighbors:\n    - address: 10.0.0.254\n      remote_as: 65001\n"
	static const struct {
		const char *doc, *msg;
	} t[] = {
		{ BASE "vnis:\n  - vni: @16777216\n", "vnis[0].vni: 16777216 is out of range (expected 1..16777215)" },
		{ BASE "vrfs:\n  - name: t\n    l3vni: @16777216\n",
		  "vrfs[0].l3vni: 16777216 is out of range (expected 1..16777215)" },
		{ BASE "vrfs:\n  - {name: t, l3vni: @0}\n", "vrfs[0].l3vni: 0 is out of range (expected 1..16777215)" },
		{ BASE "vrfs:\n  - {name: t, l3vni: 1, max_ipv4_routes: @1023}\n",
		  "vrfs[0].max_ipv4_routes: 1023 is out of range (expected 1024..16777216, IPv4 routes its table holds, "
		  "preallocated)" },
		{ BASE "vrfs:\n  - {name: t, l3vni: 1, max_ipv6_routes: @4194305}\n",
		  "vrfs[0].max_ipv6_routes: 4194305 is out of range (expected 1024..4194304, IPv6 routes its table holds, "
		  "preallocated)" },
		{ BASE "vnis:\n  - vni: 7\n    mtu: @67\n", "vnis[0].mtu: 67 is out of range (expected 68..9000)" },
		{ BASE "vnis:\n  - vni: 7\n    max_macs: @16777217\n",
		  "vnis[0].max_macs: 16777217 is out of range (expected 0..16777216, MACs, 0 for no limit)" },
		{ VNI7 "ports:\n  - {name: c1, vni: @0, pid: 1}\n", "ports[0].vni: 0 is out of range (expected 1..16777215)" },
		{ VNI7 "ports:\n  - {name: c1, vni: 7, pid: @4194305}\n",
		  "ports[0].pid: 4194305 is out of range (expected 1..4194304, a process id)" },
		{ VNI7 "ports:\n  - {name: c1, vni: 7, pid: 1, mtu: @9001}\n",
		  "ports[0].mtu: 9001 is out of range (expected 68..9000)" },
		{ VNI7 "ports:\n  - {name: c1, vni: 7, type: memif, memif_id: @4294967296}\n",
		  "ports[0].memif_id: 4294967296 is out of range (expected 0..4294967295, the id the client asks for)" },
		{ VNI7 "ports:\n  - {name: c1, vni: 7, pid: 1, max_macs: @16777217}\n",
		  "ports[0].max_macs: 16777217 is out of range (expected 0..16777216, MACs, 0 for no limit)" },
		{ VNI7 "ports:\n  - {name: c1, vni: 7, pid: 1, max_neighbors: @0}\n",
		  "ports[0].max_neighbors: 0 is out of range (expected 1..65536, learned IP bindings)" },
		{ BASE "fastpath: {neighbor_aging: @604801}\n",
		  "fastpath.neighbor_aging: 604801 is out of range (expected 0..604800, seconds, 0 disables aging)" },
		{ ASN "  hold_time: @65536\n", "bgp.hold_time: 65536 is out of range (expected 0..65535)" },
		{ ASN "  hold_time: @2\n", "bgp.hold_time: 2 is not allowed (expected 0 or 3..65535, RFC 4271)" },
		{ ASN "  port: @0\n", "bgp.port: 0 is out of range (expected 1..65535)" },
		{ ASN "  restart_time: @0\n", "bgp.restart_time: 0 is out of range (expected 1..4095, seconds)" },
		{ ASN "  local_preference: @4294967296\n",
		  "bgp.local_preference: 4294967296 is out of range (expected 0..4294967295, sent to iBGP neighbours)" },
		{ ASN "  duplicate_detection: {max_moves: @1}\n",
		  "bgp.duplicate_detection.max_moves: 1 is out of range (expected 2..1000)" },
		{ ASN "  duplicate_detection: {window: @86401}\n",
		  "bgp.duplicate_detection.window: 86401 is out of range (expected 1..86400, seconds)" },
		{ ASN "  neighbors:\n    - {address: 10.0.0.254, remote_as: @0}\n",
		  "bgp.neighbors[0].remote_as: 0 is out of range (expected 1..4294967295)" },
		{ NB "      max_routes: @4294967296\n",
		  "bgp.neighbors[0].max_routes: 4294967296 is out of range (expected 0..4294967295, 0 = unlimited)" },
		{ NB "      hold_time: @1\n",
		  "bgp.neighbors[0].hold_time: 1 is not allowed (expected 0 or 3..65535, RFC 4271)" },
		{ NB "      hold_time: @65536\n",
		  "bgp.neighbors[0].hold_time: 65536 is out of range (expected 0..65535, 0 = bgp.hold_time)" },
		{ NB "      local_preference: @4294967296\n",
		  "bgp.neighbors[0].local_preference: 4294967296 is out of range (expected 0..4294967295, sent to iBGP "
		  "neighbours)" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_marked_at(__LINE__ * 1000 + (int)i, t[i].doc, t[i].msg);   /* "test line" LLLLnnn: case nnn */
#undef VNI7
#undef ASN
#undef NB
}
END_TEST

/* Every required key missing: at the mapping's key (or its list item), naming the key. */
START_TEST(test_schema_every_required)
{
	EXPECT_AT("@vtep: {}\nunderlay: {port: 'net_af_xdp0,iface=ul0'}\n", "'vtep' is missing required key 'source_ip'");
	EXPECT_AT("@vtep: {source_ip: 10.0.0.1}\n", "configuration is missing required key 'underlay' "
		  "(expected a mapping with 'vtep' and 'underlay')");
	EXPECT_AT("vtep: {source_ip: 10.0.0.1}\nunderlay:\n  ports:\n    - @interface: tap0\n",
		  "'underlay.ports[0]' is missing required key 'port'");
	EXPECT_AT("vtep: {source_ip: 10.0.0.1}\nunderlay:\n  ports:\n    - @port: 0000:01:00.0\n",
		  "'underlay.ports[0]' is missing required key 'interface'");
	EXPECT_AT(BASE "vnis:\n  - @learning: true\n", "'vnis[0]' is missing required key 'vni'");
	EXPECT_AT(BASE "vrfs:\n  - @l3vni: 1\n", "'vrfs[0]' is missing required key 'name'");
	EXPECT_AT(BASE "vrfs:\n  - @{name: t, rd: auto}\n", "'vrfs[0]' is missing required key 'l3vni'");
	EXPECT_AT(BASE "vnis:\n  - vni: 1\n    static_macs:\n      - @port: c1\n",
		  "'vnis[0].static_macs[0]' is missing required key 'mac'");
	EXPECT_AT(BASE "vnis: [{vni: 1}]\nports:\n  - @{vni: 1, pid: 1}\n", "'ports[0]' is missing required key 'name'");
	EXPECT_AT(BASE "vnis: [{vni: 1}]\nports:\n  - @{name: c1, pid: 1}\n", "'ports[0]' is missing required key 'vni'");
	EXPECT_AT(BASE "@bgp: {router_id: 10.0.0.1}\n", "'bgp' is missing required key 'asn'");
	EXPECT_AT(BASE "bgp:\n  asn: 1\n  neighbors:\n    - @remote_as: 2\n",
		  "'bgp.neighbors[0]' is missing required key 'address'");
	EXPECT_AT(BASE "bgp:\n  asn: 1\n  neighbors:\n    - @address: 10.0.0.9\n",
		  "'bgp.neighbors[0]' is missing required key 'remote_as'");
}
END_TEST

/* A key of one kind of port on the other kind: at the key, whatever else the port has right or wrong. */
START_TEST(test_schema_port_kind)
{
	static const char *const afxdp_only[] = { "netns: c1", "pid: 5", "ifname: eth1" };
	static const char *const memif_only[] = { "socket: /run/m.sock", "memif_id: 3" };
	char doc[512], msg[256];

	for (size_t i = 0; i < 3; i++) {
		/* the kind is checked before the name and the VNI (an unknown VNI 9 here) */
		snprintf(doc, sizeof(doc), BASE "vnis: [{vni: 7}]\nports:\n  - name: m1\n    vni: 9\n    @%s\n"
			 "    type: memif\n", afxdp_only[i]);
		snprintf(msg, sizeof(msg), "'ports[0]': key '%.*s' is for AF_XDP ports (expected no netns, pid or "
			 "ifname on a memif port: its client connects to the socket)",
			 (int)strcspn(afxdp_only[i], ":"), afxdp_only[i]);
		EXPECT_AT(doc, msg);
	}
	for (size_t i = 0; i < 2; i++) {
		snprintf(doc, sizeof(doc), BASE "vnis: [{vni: 7}]\nports:\n  - name: c1\n    vni: 9\n    pid: 5\n"
			 "    @%s\n", memif_only[i]);
		snprintf(msg, sizeof(msg), "'ports[0]': key '%.*s' is for memif ports (expected 'type: memif' with it, "
			 "or netns/pid for AF_XDP)", (int)strcspn(memif_only[i], ":"), memif_only[i]);
		EXPECT_AT(doc, msg);
	}
}
END_TEST

/* Defaults come from the key tables: for keys not given, for a section given empty or partly, never for bgp absent. */
START_TEST(test_schema_defaults)
{
	static const char *const docs[] = {
		BASE "fastpath:\nvnis: [{vni: 1}]\n",
		BASE "fastpath: ~\nvnis: [{vni: 1, mtu: 1400}]\n",
		BASE "fastpath: {mac_aging: 0}\nvnis: [{vni: 1, learning: false}]\n",
	};
	struct vtep_config cfg;

	for (size_t i = 0; i < 3; i++) {
		LOAD_OK(docs[i], &cfg);
		ck_assert_uint_eq(cfg.fastpath_lcore, VTEP_DEFAULT_LCORE);
		ck_assert_uint_eq(cfg.mac_table_size, VTEP_DEFAULT_MAC_TABLE_SIZE);
		ck_assert_uint_eq(cfg.mac_aging_sec, i == 2 ? 0 : VTEP_DEFAULT_MAC_AGING_SEC);
		ck_assert_uint_eq(cfg.mbufs, VTEP_DEFAULT_MBUFS);
		ck_assert_uint_eq(cfg.udp_port, VTEP_DEFAULT_UDP_PORT);
		ck_assert_uint_eq(cfg.underlay_mtu, VTEP_DEFAULT_UNDERLAY_MTU);
		ck_assert(cfg.vnis[0].learning == (i != 2));
		ck_assert_int_eq(cfg.vnis[0].vtep_check, -1);
		/* no bgp section: nothing of it set, not even its defaults */
		ck_assert(!cfg.bgp.enabled);
		ck_assert_uint_eq(cfg.bgp.hold_time, 0);
		ck_assert_uint_eq(cfg.bgp.dup_max_moves, 0);
		ck_assert_int_eq(cfg.bgp.rt_match_vni_only, 0);
		vtep_config_free(&cfg);
	}
	/* bgp without duplicate_detection: the nested table's defaults too */
	LOAD_OK(BASE "bgp: {asn: 65001}\n", &cfg);
	ck_assert_uint_eq(cfg.bgp.dup_max_moves, 5);
	ck_assert_uint_eq(cfg.bgp.dup_window_sec, 180);
	ck_assert_int_eq(cfg.bgp.rt_match_vni_only, -1);
	ck_assert_uint_eq(cfg.bgp.local_pref, VTEP_BGP_DEFAULT_LOCAL_PREF);
	vtep_config_free(&cfg);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The L3 leaf: VRFs, L3 VNIs, anycast gateways (issue 14)            */
/* ------------------------------------------------------------------ */

/* Five lines: BASE with the fabric-wide gateway MAC; tests append from line 6 on. */
#define L3HEAD                                                                 \
	"vtep:\n"                                                              \
	"  source_ip: 10.0.0.1\n"                                              \
	"  anycast_gateway_mac: 0000.2222.3333\n"                              \
	"underlay:\n"                                                          \
	"  port: net_af_xdp0,iface=ul0\n"
/* ... and VRF tenant (declared at line 7), L3 VNI 900001; tests append from line 9 on. */
#define L3VRF L3HEAD "vrfs:\n  - name: tenant\n    l3vni: 900001\n"

static void ip6(const char *s, uint8_t out[16])
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
}

static uint64_t rt(const char *s)
{
	uint64_t v;

	ck_assert_int_eq(evpn_rt_parse(s, &v), 0);
	return v;
}

/* Every new key, given: the struct fields the lead wires into the snapshot. */
START_TEST(test_l3_full)
{
	static const char doc[] =
		L3HEAD
		"vrfs:\n"
		"  - name: tenant\n"
		"    l3vni: 900001\n"
		"  - name: blue-2_X\n"
		"    l3vni: 16777215\n"
		"    router_mac: 0200.0000.aa01\n"
		"    rd: 10.0.0.1:77\n"
		"    route_targets: {import: [65535:900002, 65000:1], export: auto}\n"
		"    advertise: [10.9.0.0/16, 2001:db8:9::/48, 0.0.0.0/0, '::/0', 10.9.0.0/24]\n"
		"    advertise_subnets: true\n"
		"    max_ipv4_routes: 1048576\n"
		"    max_ipv6_routes: 1024\n"
		"  - name: c\n"
		"    l3vni: 1\n"
		"    router_mac: 02:00:00:00:aa:02\n"
		"    route_targets: {import: auto, export: [65535:3]}\n"
		"vnis:\n"
		"  - vni: 5000\n"
		"    vrf: tenant\n"
		"    gateway: [192.168.1.1/24, 2001:db8:1::1/64]\n"
		"  - vni: 5001\n"
		"    vrf: tenant\n"
		"    gateway: 192.168.2.254/23\n"                  /* one address, not a list */
		"  - vni: 5002\n"
		"    vrf: blue-2_X\n"
		"    gateway: ['2001:db8:1::1/64', 192.168.1.1/24]\n"  /* 5000's subnets, another VRF */
		"  - vni: 5003\n"
		"    vrf: tenant\n"                                  /* in a VRF, no gateway */
		"  - vni: 5004\n"                                    /* L2 only */
		"    gateway: []\n"
		"ports:\n"
		"  - {name: c1, vni: 5000, pid: 1, ip: 192.168.1.2/24, mac: 02:00:00:00:01:01}\n"
		"bgp:\n"
		"  asn: 65535\n";
	static const uint8_t gwmac[6] = { 0, 0, 0x22, 0x22, 0x33, 0x33 };
	static const uint8_t rmac1[6] = { 2, 0, 0, 0, 0xaa, 1 }, rmac2[6] = { 2, 0, 0, 0, 0xaa, 2 };
	const struct vtep_vrf_config *t, *b;
	struct vtep_config cfg;
	uint8_t rd[8], a6[16];

	LOAD_OK(doc, &cfg);
	ck_assert(cfg.anycast_gw_mac_on);
	ck_assert_mem_eq(cfg.anycast_gw_mac, gwmac, 6);
	ck_assert_uint_eq(cfg.n_vrfs, 3);
	t = &cfg.vrfs[0];
	b = &cfg.vrfs[1];
	ck_assert_str_eq(t->name, "tenant");
	ck_assert_uint_eq(t->l3vni, 900001);
	ck_assert_int_eq(t->line, 7);
	ck_assert(t->router_mac_auto);
	ck_assert(!t->has_rd);
	ck_assert_uint_eq(t->n_rt_import + t->n_rt_export + t->n_prefix4 + t->n_prefix6, 0);
	ck_assert(!t->advertise_subnets);
	ck_assert_uint_eq(t->max_ipv4_routes, 65536);
	ck_assert_uint_eq(t->max_ipv6_routes, 16384);

	ck_assert_str_eq(b->name, "blue-2_X");
	ck_assert_uint_eq(b->l3vni, 16777215);
	ck_assert(!b->router_mac_auto);
	ck_assert_mem_eq(b->router_mac, rmac1, 6);
	ck_assert(b->has_rd);
	ck_assert_int_eq(evpn_rd_parse("10.0.0.1:77", rd), 0);
	ck_assert_mem_eq(b->rd, rd, 8);
	ck_assert_uint_eq(b->n_rt_import, 2);
	ck_assert_uint_eq(b->rt_import[0], rt("65535:900002"));
	ck_assert_uint_eq(b->rt_import[1], rt("65000:1"));
	ck_assert_uint_eq(b->n_rt_export, 0);
	ck_assert_uint_eq(b->n_prefix4, 3);
	ck_assert_uint_eq(b->prefix4[0].addr, ip("10.9.0.0"));
	ck_assert_uint_eq(b->prefix4[0].len, 16);
	ck_assert_uint_eq(b->prefix4[1].addr, 0);
	ck_assert_uint_eq(b->prefix4[1].len, 0);
	ck_assert_uint_eq(b->prefix4[2].addr, ip("10.9.0.0"));   /* the same address, another length */
	ck_assert_uint_eq(b->prefix4[2].len, 24);
	ck_assert_uint_eq(b->n_prefix6, 2);
	ip6("2001:db8:9::", a6);
	ck_assert_mem_eq(b->prefix6[0].addr, a6, 16);
	ck_assert_uint_eq(b->prefix6[0].len, 48);
	ip6("::", a6);
	ck_assert_mem_eq(b->prefix6[1].addr, a6, 16);
	ck_assert_uint_eq(b->prefix6[1].len, 0);
	ck_assert(b->advertise_subnets);
	ck_assert_uint_eq(b->max_ipv4_routes, 1048576);
	ck_assert_uint_eq(b->max_ipv6_routes, 1024);

	ck_assert(!cfg.vrfs[2].router_mac_auto);
	ck_assert_mem_eq(cfg.vrfs[2].router_mac, rmac2, 6);
	ck_assert_uint_eq(cfg.vrfs[2].n_rt_import, 0);
	ck_assert_uint_eq(cfg.vrfs[2].n_rt_export, 1);
	ck_assert_uint_eq(cfg.vrfs[2].rt_export[0], rt("65535:3"));

	ck_assert_ptr_eq(vtep_config_find_vrf(&cfg, "blue-2_X"), b);
	ck_assert_ptr_eq(vtep_config_find_vrf(&cfg, "tenant"), t);
	ck_assert_ptr_null(vtep_config_find_vrf(&cfg, "Tenant"));
	ck_assert_ptr_null(vtep_config_find_vrf(&cfg, ""));
	ck_assert_ptr_null(vtep_config_find_vrf(&cfg, NULL));
	ck_assert_ptr_null(vtep_config_find_vrf(NULL, "tenant"));

	ck_assert_uint_eq(cfg.n_vnis, 5);
	ck_assert_uint_eq(cfg.vnis[0].vrf, 0);
	ck_assert(cfg.vnis[0].gw4_on && cfg.vnis[0].gw6_on);
	ck_assert_uint_eq(cfg.vnis[0].gw4, ip("192.168.1.1"));
	ck_assert_uint_eq(cfg.vnis[0].gw4_len, 24);
	ip6("2001:db8:1::1", a6);
	ck_assert_mem_eq(cfg.vnis[0].gw6, a6, 16);
	ck_assert_uint_eq(cfg.vnis[0].gw6_len, 64);
	ck_assert_uint_eq(cfg.vnis[1].vrf, 0);
	ck_assert(cfg.vnis[1].gw4_on && !cfg.vnis[1].gw6_on);
	ck_assert_uint_eq(cfg.vnis[1].gw4, ip("192.168.2.254"));
	ck_assert_uint_eq(cfg.vnis[1].gw4_len, 23);
	ck_assert_uint_eq(cfg.vnis[2].vrf, 1);
	ck_assert(cfg.vnis[2].gw4_on && cfg.vnis[2].gw6_on);
	ck_assert_mem_eq(cfg.vnis[2].gw6, a6, 16);
	ck_assert_uint_eq(cfg.vnis[3].vrf, 0);
	ck_assert(!cfg.vnis[3].gw4_on && !cfg.vnis[3].gw6_on);
	ck_assert_uint_eq(cfg.vnis[4].vrf, VTEP_NO_VRF);
	ck_assert(!cfg.vnis[4].gw4_on && !cfg.vnis[4].gw6_on);
	vtep_config_free(&cfg);
	ck_assert_uint_eq(cfg.n_vrfs, 0);

	/* the colon form of the gateway MAC; a VRF without BGP (routes on this leaf only), defaults given */
	LOAD_OK("vtep:\n  source_ip: 10.0.0.1\n  anycast_gateway_mac: 00:00:22:22:33:33\nunderlay:\n"
		"  port: net_af_xdp0,iface=ul0\nvrfs:\n  - {name: t, l3vni: 9, router_mac: auto, rd: auto,\n"
		"     route_targets: {import: auto, export: auto}, advertise: [], advertise_subnets: false}\n"
		"vnis: [{vni: 5, vrf: t, gateway: [10.1.0.1/31]}, {vni: 6, vrf: t, gateway: [172.16.0.1/12]}]\n", &cfg);
	ck_assert_mem_eq(cfg.anycast_gw_mac, gwmac, 6);
	ck_assert(!cfg.bgp.enabled);
	ck_assert(cfg.vrfs[0].router_mac_auto);   /* written out as auto: the uplink's MAC, as when absent */
	ck_assert_uint_eq(cfg.vnis[0].gw4_len, 31);
	vtep_config_free(&cfg);
}
END_TEST

/* No L3 keys: nothing routed, no gateway MAC, every VNI in no VRF. */
START_TEST(test_l3_defaults)
{
	struct vtep_config cfg;

	LOAD_OK(BASE "vnis: [{vni: 1}, {vni: 2, gateway: ~}]\nvrfs:\n", &cfg);
	ck_assert(!cfg.anycast_gw_mac_on);
	ck_assert_uint_eq(cfg.n_vrfs, 0);
	for (uint32_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(cfg.vnis[i].vrf, VTEP_NO_VRF);
		ck_assert(!cfg.vnis[i].gw4_on && !cfg.vnis[i].gw6_on);
	}
	vtep_config_free(&cfg);
	/* a gateway MAC with no gateway, a VRF with no VNI: both fine */
	LOAD_OK(L3VRF, &cfg);
	ck_assert(cfg.anycast_gw_mac_on);
	ck_assert_uint_eq(cfg.n_vrfs, 1);
	ck_assert(cfg.vrfs[0].router_mac_auto);
	vtep_config_free(&cfg);
}
END_TEST

/* The VRFs themselves: names, L3 VNIs, router MACs, the section's shape. */
START_TEST(test_l3_err_vrfs)
{
	struct sbuf b = { 0 };

	EXPECT_AT(L3VRF "  - name: @tenant\n    l3vni: 2\n", "vrfs[1].name: duplicate VRF name 'tenant' (first declared at line 7)");
	EXPECT_AT(L3VRF "  - name: b\n    l3vni: @900001\n",
		  "vrfs[1].l3vni: duplicate L3 VNI 900001 (first declared at line 7, VRF 'tenant')");
	EXPECT_AT(L3HEAD "vrfs:\n  - name: @a.b\n    l3vni: 1\n", "vrfs[0].name: 'a.b' is not a valid VRF name (expected "
		  "1..15 characters of A-Z, a-z, 0-9, '_' or '-')");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: @abcdefghijklmnop, l3vni: 1}\n", "vrfs[0].name: 'abcdefghijklmnop' is not a "
		  "valid VRF name (expected 1..15 characters of A-Z, a-z, 0-9, '_' or '-')");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: @'', l3vni: 1}\n", "vrfs[0].name: '' is not a valid VRF name (expected "
		  "1..15 characters of A-Z, a-z, 0-9, '_' or '-')");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: @default, l3vni: 1}\n", "vrfs[0].name: 'default' is reserved (expected a "
		  "tenant VRF's name: 'default' and 'management' are the underlay's, as on NX-OS)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: @[t], l3vni: 1}\n", "vrfs[0].name: expected a VRF name, got a sequence");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, router_mac: @0000.2222.3333}\n", "vrfs[0].router_mac: "
		  "'0000.2222.3333' is vtep.anycast_gateway_mac (expected this leaf's own MAC, or auto: other leaves "
		  "send routed frames to it over the L3 VNI)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, router_mac: @0100.2222.3333}\n", "vrfs[0].router_mac: "
		  "'0100.2222.3333' is a multicast MAC address (expected a unicast MAC: I/G bit of the first octet clear)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, router_mac: @automatic}\n", "vrfs[0].router_mac: 'automatic' "
		  "is not a MAC address (expected six hex pairs or three dotted groups of four hex digits, e.g. "
		  "02:00:00:00:00:01 or 0200.0000.0001)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, rd: @'1:2:3'}\nbgp: {asn: 1}\n", "vrfs[0].rd: '1:2:3' is not "
		  "a route distinguisher (expected auto, A.B.C.D:NN, ASN:NN or 4-byte-ASN:NN)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, route_targets: {import: [@x]}}\nbgp: {asn: 1}\n",
		  "vrfs[0].route_targets.import[0]: 'x' is not a route target (expected ASN:NN, 4-byte-ASN:NN or "
		  "A.B.C.D:NN)");
	EXPECT_AT(L3HEAD "vrfs: @tenant\n", "vrfs: expected a sequence of VRF mappings, got a scalar 'tenant'");
	EXPECT_AT(L3HEAD "vrfs:\n  - @tenant\n", "vrfs[0]: expected a mapping with 'name' and 'l3vni', got a scalar 'tenant'");
	/* the gateway MAC in either form, unicast */
	EXPECT_AT("vtep:\n  source_ip: 10.0.0.1\n  anycast_gateway_mac: @0000.2222\n", "vtep.anycast_gateway_mac: "
		  "'0000.2222' is not a MAC address (expected six hex pairs or three dotted groups of four hex digits, "
		  "e.g. 02:00:00:00:00:01 or 0200.0000.0001)");
	EXPECT_AT("vtep:\n  source_ip: 10.0.0.1\n  anycast_gateway_mac: @0100.5e00.0001\n", "vtep.anycast_gateway_mac: "
		  "'0100.5e00.0001' is a multicast MAC address (expected a unicast MAC: I/G bit of the first octet clear)");
	EXPECT_AT("vtep:\n  source_ip: 10.0.0.1\n  anycast_gateway_mac: @0000.0000.0000\n", "vtep.anycast_gateway_mac: "
		  "'0000.0000.0000' is the all-zero MAC address (expected a unicast MAC)");
	/* at most VTEP_MAX_VRFS, the error at the first one too many */
	sb_add(&b, "%s", L3HEAD "vrfs:\n");
	for (int i = 0; i <= VTEP_MAX_VRFS; i++)
		sb_add(&b, "  - %s{name: v%d, l3vni: %d}\n", i == VTEP_MAX_VRFS ? "@" : "", i, 100 + i);
	EXPECT_AT(b.s, "vrfs: too many VRFs (17, expected at most 16)");
	free(b.s);
}
END_TEST

/* Each VRF's L3 VNI is a VNI of the fast path: VNIs and L3 VNIs together at most VTEP_MAX_VNIS. */
START_TEST(test_err_l3vnis_count_as_vnis)
{
	struct sbuf b = { 0 }, b2 = { 0 };
	struct vtep_config cfg;

	for (int pass = 0; pass < 2; pass++) {
		struct sbuf *sb = pass ? &b2 : &b;

		sb_add(sb, "%s", L3HEAD "vrfs:\n  - {name: v0, l3vni: 900000}\n");
		sb_add(sb, "%s", "  - {name: v1, l3vni: 900001}\nvnis:\n");
		/* pass 0: 4094 VNIs and 2 L3 VNIs fit; pass 1: 4095 and 2 do not, the second VRF's is one too many */
		for (int v = 1; v <= VTEP_MAX_VNIS - 2 + pass; v++)
			sb_add(sb, "  - vni: %d\n", v);
	}
	LOAD_OK(b.s, &cfg);
	ck_assert_uint_eq(cfg.n_vnis + cfg.n_vrfs, VTEP_MAX_VNIS);
	vtep_config_free(&cfg);
	/* at the second VRF's l3vni: line 8, column 23 */
	EXPECT_ERR(b2.s, 8, 23, "vrfs[1].l3vni: 4095 VNIs and 2 L3 VNIs are more than 4096 (expected at most 4096 VNIs and L3 "
		  "VNIs together: each VRF's L3 VNI is a VNI of the fast path)");
	free(b.s);
	free(b2.s);
}
END_TEST

/* A VNI's vrf and its gateway: every rule, at the offending value. */
START_TEST(test_l3_err_gateway)
{
	EXPECT_AT(L3VRF "vnis:\n  - vni: 5000\n    vrf: @nope\n",
		  "vnis[0].vrf: VRF 'nope' is not declared in 'vrfs' (expected the name of a 'vrfs' entry)");
	EXPECT_AT(L3HEAD "vnis:\n  - {vni: 5000, vrf: @tenant}\n",
		  "vnis[0].vrf: VRF 'tenant' is not declared in 'vrfs' (expected the name of a 'vrfs' entry)");
	/* an L3 VNI is not an L2 VNI, whichever section comes first in the file */
	EXPECT_AT(L3VRF "vnis:\n  - vni: 5000\n  - vni: @900001\n", "vnis[1].vni: 900001 is the L3 VNI of VRF 'tenant' "
		  "(line 7) (expected an L2 VNI: an L3 VNI is declared in 'vrfs' only)");
	EXPECT_AT(L3HEAD "vnis:\n  - vni: @900001\nvrfs:\n  - {name: tenant, l3vni: 900001}\n", "vnis[0].vni: 900001 is "
		  "the L3 VNI of VRF 'tenant' (line 9) (expected an L2 VNI: an L3 VNI is declared in 'vrfs' only)");
	/* a gateway needs a VRF and the gateway MAC */
	EXPECT_AT(L3VRF "vnis:\n  - vni: 5000\n    @gateway: [192.168.1.1/24]\n", "vnis[0].gateway: VNI 5000 has no "
		  "'vrf' (expected 'vrf: NAME' with a gateway: the anycast gateway routes in a VRF, as an NX-OS SVI does)");
	EXPECT_AT(BASE "vrfs: [{name: t, l3vni: 9}]\nvnis:\n  - vni: 5000\n    vrf: t\n    @gateway: 192.168.1.1/24\n",
		  "vnis[0].gateway: no vtep.anycast_gateway_mac (expected the fabric-wide gateway MAC in 'vtep' with a "
		  "gateway, e.g. anycast_gateway_mac: 0000.2222.3333)");
	/* at most one of each family */
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [192.168.1.1/24, @192.168.2.1/24]}\n",
		  "vnis[0].gateway[1]: a second IPv4 gateway (expected at most one IPv4 and one IPv6 address)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: ['2001:db8::1/64', 10.0.0.9/8, @'2001:db9::1/64']}\n",
		  "vnis[0].gateway[2]: a second IPv6 gateway (expected at most one IPv4 and one IPv6 address)");
	/* overlapping subnets of two VNIs in one VRF, IPv4 and IPv6 */
	EXPECT_AT(L3VRF "vnis:\n  - vni: 5000\n    vrf: tenant\n    gateway: [192.168.1.1/24]\n  - vni: 5001\n"
		  "    vrf: tenant\n    gateway: [@192.168.1.200/25]\n", "vnis[1].gateway[0]: 192.168.1.200/25 overlaps "
		  "192.168.1.1/24, the gateway of VNI 5000 (line 10) in VRF 'tenant' (expected a subnet of its own in the VRF)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: ['2001:db8:1:2::1/64']}\n"
		  "  - {vni: 5001, vrf: tenant, gateway: [10.0.0.9/8, @'2001:db8::1/32']}\n", "vnis[1].gateway[1]: "
		  "2001:db8::1/32 overlaps 2001:db8:1:2::1/64, the gateway of VNI 5000 (line 10) in VRF 'tenant' (expected "
		  "a subnet of its own in the VRF)");
	/* the addresses themselves */
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@fe80::1/64]}\n", "vnis[0].gateway[0]: fe80::1/64 "
		  "is a link-local address (expected a global or unique local address: the gateway's link-local address "
		  "comes from the gateway MAC)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@'ff02::1/64']}\n", "vnis[0].gateway[0]: "
		  "ff02::1/64 is a multicast address (expected a unicast address)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@'::1/64']}\n", "vnis[0].gateway[0]: ::1/64 is "
		  "not a unicast host address (expected a global or unique local address, not ::, ::1 or IPv4-mapped)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@'2001:db8:1::/64']}\n", "vnis[0].gateway[0]: "
		  "2001:db8:1::/64 is the subnet-router anycast address (expected a host address: the host part non-zero)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@'2001:db8:1::1/128']}\n", "vnis[0].gateway[0]: "
		  "2001:db8:1::1/128 has prefix length 128 (expected 1..127: the length of the subnet the gateway serves)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@192.168.1.0/24]}\n", "vnis[0].gateway[0]: "
		  "192.168.1.0/24 is the subnet's own address (expected a host address: the host part non-zero)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@192.168.1.255/24]}\n", "vnis[0].gateway[0]: "
		  "192.168.1.255/24 is the subnet's broadcast address (expected a host address of the subnet)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: @192.168.1.1/32}\n", "vnis[0].gateway: "
		  "192.168.1.1/32 has prefix length 32 (expected 1..31: the length of the subnet the gateway serves)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@127.0.0.1/8]}\n", "vnis[0].gateway[0]: "
		  "127.0.0.1/8 is not a unicast host address (expected an address outside 0/8, 127/8 and 224/3)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@224.0.0.1/24]}\n", "vnis[0].gateway[0]: "
		  "224.0.0.1/24 is not a unicast host address (expected an address outside 0/8, 127/8 and 224/3)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@192.168.1.1]}\n", "vnis[0].gateway[0]: "
		  "'192.168.1.1' is not an address with prefix length (expected e.g. 192.168.1.1/24 or 2001:db8:1::1/64)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@'2001:db8::1/129']}\n", "vnis[0].gateway[0]: "
		  "'2001:db8::1/129' is not an address with prefix length (expected e.g. 192.168.1.1/24 or 2001:db8:1::1/64)");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: @{ip: 192.168.1.1/24}}\n", "vnis[0].gateway: "
		  "expected a list of gateway addresses with prefix length, got a mapping");
	EXPECT_AT(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [@[192.168.1.1/24]]}\n", "vnis[0].gateway[0]: "
		  "expected an address with prefix length, got a sequence");
}
END_TEST

/* Prefixes to advertise, and the EVPN keys of a VRF without a bgp section. */
START_TEST(test_l3_err_advertise)
{
	static const char *const no_bgp[][2] = {
		{ "rd: @10.0.0.1:3", "vrfs[0].rd" },
		{ "route_targets: {import: @[65000:1]}", "vrfs[0].route_targets.import" },
		{ "route_targets: {import: auto, export: @[65000:1]}", "vrfs[0].route_targets.export" },
		{ "advertise: @[10.9.0.0/16]", "vrfs[0].advertise" },
		{ "advertise_subnets: @true", "vrfs[0].advertise_subnets" },
	};
	struct sbuf b = { 0 };
	char doc[512], msg[512];

	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: [@10.9.0.1/16]}\nbgp: {asn: 1}\n",
		  "vrfs[0].advertise[0]: 10.9.0.1/16 has host bits set (expected 10.9.0.0/16)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: [10.9.0.0/16, @'2001:db8:9::1/48']}\nbgp: {asn: 1}\n",
		  "vrfs[0].advertise[1]: 2001:db8:9::1/48 has host bits set (expected 2001:db8:9::/48)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: [@'2001:db8:9::/48/1']}\nbgp: {asn: 1}\n",
		  "vrfs[0].advertise[0]: '2001:db8:9::/48/1' is not a prefix (expected ADDRESS/LEN, e.g. 10.9.0.0/16 or "
		  "2001:db8:9::/48)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: [10.9.0.0/16, 10.8.0.0/16, @10.9.0.0/16]}\n"
		  "bgp: {asn: 1}\n", "vrfs[0].advertise[2]: duplicate prefix 10.9.0.0/16 (also vrfs[0].advertise[0])");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: ['2001:db8::/32', 10.9.0.0/16, @'2001:DB8::/32']}\n"
		  "bgp: {asn: 1}\n", "vrfs[0].advertise[2]: duplicate prefix 2001:DB8::/32 (also vrfs[0].advertise[0])");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: [@'ff00::/8']}\nbgp: {asn: 1}\n",
		  "vrfs[0].advertise[0]: ff00::/8 is a multicast prefix (expected a unicast prefix)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: [@'fe80::/64']}\nbgp: {asn: 1}\n",
		  "vrfs[0].advertise[0]: fe80::/64 is a link-local prefix (expected a unicast prefix)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: [@239.0.0.0/8]}\nbgp: {asn: 1}\n",
		  "vrfs[0].advertise[0]: 239.0.0.0/8 is a multicast or reserved (224/3) prefix (expected a unicast prefix)");
	EXPECT_AT(L3HEAD "vrfs:\n  - {name: t, l3vni: 1, advertise: @10.9.0.0/16}\nbgp: {asn: 1}\n",
		  "vrfs[0].advertise: expected a list of IPv4 and IPv6 prefixes, got a scalar '10.9.0.0/16'");
	sb_add(&b, "%s", L3HEAD "vrfs:\n  - name: t\n    l3vni: 1\n    advertise:\n");
	for (int i = 0; i <= VTEP_VRF_MAX_PREFIXES; i++)
		sb_add(&b, "      - %s10.%d.%d.0/24\n", i == VTEP_VRF_MAX_PREFIXES ? "@" : "", i / 256, i % 256);
	sb_add(&b, "bgp: {asn: 1}\n");
	ck_assert_uint_lt(b.len, 8192);
	{
		/* expect_marked_at holds 2 KiB: check this long one by hand */
		const char *at = strchr(b.s, '@');
		struct vtep_config cfg;
		char err[512];
		int line = 1;

		for (const char *p = b.s; p < at; p++)
			line += *p == '\n';
		memmove((char *)at, at + 1, strlen(at));
		snprintf(msg, sizeof(msg), "t.yaml:%d:9: vrfs[0].advertise: too many prefixes (257, expected at most 256)",
			 line);
		ck_assert_int_eq(load(b.s, &cfg, err, sizeof(err)), EINVAL);
		ck_assert_str_eq(err, msg);
		assert_zeroed(&cfg, __LINE__);
	}
	free(b.s);
	/* without bgp, a VRF's EVPN keys keep their defaults: each one given is an error at its value */
	for (size_t i = 0; i < sizeof(no_bgp) / sizeof(no_bgp[0]); i++) {
		snprintf(doc, sizeof(doc), L3HEAD "vrfs:\n  - name: t\n    l3vni: 1\n    %s\n", no_bgp[i][0]);
		snprintf(msg, sizeof(msg), "%s: given without a 'bgp' section (expected a 'bgp' section with it, or the "
			 "default: without BGP EVPN a VRF routes between its own VNIs on this leaf only)", no_bgp[i][1]);
		EXPECT_AT(doc, msg);
	}
	/* ... and the second VRF is named right */
	EXPECT_AT(L3VRF "  - {name: u, l3vni: 2, advertise_subnets: @yes}\n", "vrfs[1].advertise_subnets: given without a "
		  "'bgp' section (expected a 'bgp' section with it, or the default: without BGP EVPN a VRF routes between "
		  "its own VNIs on this leaf only)");
}
END_TEST

/* Ports and static MACs against the gateway: not its MAC, not its address, not an L3 VNI. */
START_TEST(test_l3_err_ports)
{
#define GW L3VRF "vnis: [{vni: 5000, vrf: tenant, gateway: [192.168.1.1/24]}]\n"
	EXPECT_AT(GW "ports:\n  - {name: c1, vni: 5000, pid: 1, ip: @192.168.1.1/24}\n", "ports[0].ip: 192.168.1.1 is the "
		  "anycast gateway of VNI 5000 (expected the container's own address)");
	EXPECT_AT(GW "ports:\n  - {name: c1, vni: 5000, pid: 1, mac: @00:00:22:22:33:33}\n", "ports[0].mac: "
		  "00:00:22:22:33:33 is vtep.anycast_gateway_mac (expected another MAC: the gateway MAC is every leaf's own)");
	EXPECT_AT(GW "ports:\n  - {name: c1, vni: @900001, pid: 1}\n", "ports[0].vni: VNI 900001 is the L3 VNI of VRF "
		  "'tenant' (expected the vni of a 'vnis' entry: containers attach to L2 VNIs)");
	EXPECT_AT(L3VRF "vnis:\n  - vni: 5000\n    static_macs: [{mac: @00:00:22:22:33:33, vtep: 10.0.0.2}]\n",
		  "vnis[0].static_macs[0].mac: 00:00:22:22:33:33 is vtep.anycast_gateway_mac (expected another MAC: the "
		  "gateway MAC is every leaf's own)");
	/* the same address in another VNI is a container's like any other */
	{
		struct vtep_config cfg;

		LOAD_OK(L3VRF "vnis:\n  - {vni: 5000, vrf: tenant, gateway: [192.168.1.1/24]}\n  - vni: 5001\n"
			"ports:\n  - {name: c1, vni: 5001, pid: 1, ip: 192.168.1.1/24}\n", &cfg);
		vtep_config_free(&cfg);
	}
#undef GW
}
END_TEST

START_TEST(test_parse_l3_values)
{
	uint8_t mac[6], want[6] = { 0x02, 0xab, 0xcd, 0xef, 0x00, 0x9f }, a[16], w[16], len = 99;
	const char *badmac[] = { "", "02ab.cdef.009", "02ab.cdef.009f.", "02abcdef009f", "02ab:cdef:009f", "02ab.cdef.0g9f",
				 " 02ab.cdef.009f", "02:ab:cd:ef:00:9f", "2ab.cdef.009fa" };
	const char *badp[] = { "2001:db8::1", "2001:db8::1/", "2001:db8::1/129", "2001:db8::1/064", "/64",
			       "2001:db8::g/64", "2001:db8::1/6a", "10.0.0.1/8", "2001:db8::1/64/1", "fe80::1%eth0/64",
			       "2001:db8::1/1000", "2001:db8::1/ 64" };

	ck_assert_int_eq(vtep_parse_mac_dotted("02AB.cdEf.009f", mac), 0);
	ck_assert_mem_eq(mac, want, 6);
	memset(mac, 0x11, 6);
	for (size_t i = 0; i < sizeof(badmac) / sizeof(badmac[0]); i++) {
		ck_assert_msg(vtep_parse_mac_dotted(badmac[i], mac) == EINVAL, "'%s' accepted", badmac[i]);
		ck_assert_uint_eq(mac[0], 0x11);
	}
	ck_assert_int_eq(vtep_parse_mac_dotted(NULL, mac), EINVAL);

	ck_assert_int_eq(vtep_parse_ipv6_prefix("2001:db8:1::1/64", a, &len), 0);
	ip6("2001:db8:1::1", w);
	ck_assert_mem_eq(a, w, 16);
	ck_assert_uint_eq(len, 64);
	ck_assert_int_eq(vtep_parse_ipv6_prefix("::/0", a, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(vtep_parse_ipv6_prefix("::ffff:10.0.0.1/128", a, &len), 0);
	ck_assert_uint_eq(len, 128);
	for (size_t i = 0; i < sizeof(badp) / sizeof(badp[0]); i++)
		ck_assert_msg(vtep_parse_ipv6_prefix(badp[i], a, &len) == EINVAL, "'%s' accepted", badp[i]);
	ck_assert_uint_eq(len, 128);   /* untouched on error */
	ck_assert_int_eq(vtep_parse_ipv6_prefix(NULL, a, &len), EINVAL);
}
END_TEST

START_TEST(test_file_errors)
{
	struct vtep_config cfg;
	char path[4352], err[1024], expect[4500];
	int rc;

	/* not found: the open() errno and "FILE: cannot open: ..." */
	data_path(path, sizeof(path), "does-not-exist.yaml");
	memset(&cfg, 0x5a, sizeof(cfg));
	rc = vtep_config_load_file(path, &cfg, err, sizeof(err));
	ck_assert_int_eq(rc, ENOENT);
	snprintf(expect, sizeof(expect), "%s: cannot open: %s", path, strerror(ENOENT));
	ck_assert_str_eq(err, expect);
	assert_zeroed(&cfg, __LINE__);

	/* a directory */
	snprintf(path, sizeof(path), "%s/config", data_dir());
	rc = vtep_config_load_file(path, &cfg, err, sizeof(err));
	ck_assert_int_eq(rc, EISDIR);
	ck_assert_msg(strstr(err, ": cannot read: ") != NULL, "%s", err);

	/* content error in a real file, with the file name in front */
	data_path(path, sizeof(path), "bad_source_ip.yaml");
	rc = vtep_config_load_file(path, &cfg, err, sizeof(err));
	ck_assert_int_eq(rc, EINVAL);
	snprintf(expect, sizeof(expect),
		 "%s:4:14: vtep.source_ip: '10.0.0.300' is not an IPv4 address (expected dotted quad, e.g. 10.0.0.1)", path);
	ck_assert_str_eq(err, expect);
	assert_zeroed(&cfg, __LINE__);
}
END_TEST

/* Issue 12: names that would reach DPDK devargs, addresses no container may have, shared MACs, FIFOs. */
START_TEST(test_port_input_rules)
{
	const char *bad_ip[] = { "0.0.0.0/0", "10.1.1.1/0", "0.1.2.3/8", "127.0.0.1/8", "224.0.0.1/24", "240.1.1.1/24",
				 "255.255.255.255/32", "10.1.1.0/24", "10.1.1.255/24" };
	struct vtep_config cfg;
	char y[512], path[] = "/tmp/vtepd-test-fifo.XXXXXX", err[512];
	int rc;

	for (size_t i = 0; i < sizeof(bad_ip) / sizeof(bad_ip[0]); i++) {
		snprintf(y, sizeof(y), BASE "vnis: [{vni: 1}]\nports:\n  - {name: c1, vni: 1, pid: 1, ip: %s}\n", bad_ip[i]);
		EXPECT_ERR(y, 7, 36, "is not a unicast host address");
	}
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - {name: c1, vni: 1, pid: 1, mac: 02:00:00:00:00:01}\n"
		   "  - {name: c2, vni: 1, pid: 1, mac: 02:00:00:00:00:01}\n", 8, 37,
		   "ports[1].mac: MAC 02:00:00:00:00:01 is already port c1's (line 7)");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - {name: c1, vni: 1, netns: 'a b'}\n", 7, 31,
		   "ports[0].netns: 'a b' is neither a netns name nor an absolute path");
	EXPECT_ERR(BASE "vnis: [{vni: 1}]\nports:\n  - {name: m1, vni: 1, type: memif, socket: '/run/a=b'}\n", 7, 45,
		   "is not a usable socket path");
	ck_assert_int_eq(vtep_ifname_check("y,iface=ul0"), EINVAL);
	ck_assert_int_eq(vtep_ifname_check("c1"), 0);
	ck_assert_int_eq(vtep_netns_check("/proc/1/ns/net"), 0);
	ck_assert_int_eq(vtep_netns_check(".."), EINVAL);

	/* a FIFO: a clear error at once, not a read that waits for a writer */
	ck_assert_ptr_nonnull(mkdtemp(path));
	ck_assert_int_lt(snprintf(y, sizeof(y), "%s/conf.yaml", path), (int)sizeof(y));
	ck_assert_int_eq(mkfifo(y, 0600), 0);
	rc = vtep_config_load_file(y, &cfg, err, sizeof(err));
	unlink(y);
	rmdir(path);
	ck_assert_int_eq(rc, EINVAL);
	ck_assert_msg(strstr(err, "not a regular file (a FIFO") != NULL, "%s", err);
}
END_TEST

START_TEST(test_small_err_buffer)
{
	struct vtep_config cfg;
	char err[16];

	memset(err, 'Z', sizeof(err));
	ck_assert_int_eq(vtep_config_load_string("t.yaml", "vtep: 1\n", 8, &cfg, err, 10), EINVAL);
	ck_assert_uint_eq(strlen(err), 9);
	ck_assert_int_eq(err[10], 'Z');
	/* no buffer at all */
	ck_assert_int_eq(vtep_config_load_string("t.yaml", "vtep: 1\n", 8, &cfg, NULL, 0), EINVAL);
	/* a length shorter than the string: only len bytes are parsed */
	ck_assert_int_eq(vtep_config_load_string("t.yaml", BASE "vtep: 1\n", strlen(BASE), &cfg, err, sizeof(err)), 0);
	vtep_config_free(&cfg);
	/* NULL text is the empty document */
	ck_assert_int_eq(vtep_config_load_string("t.yaml", NULL, 0, &cfg, err, sizeof(err)), EINVAL);
}
END_TEST

START_TEST(test_deep_nesting)
{
	/* deeply nested flow collections must not exhaust the stack */
	size_t n = 100000;
	char *y = malloc(n * 2 + 64);
	struct vtep_config cfg;
	char err[512];
	int rc;

	ck_assert_ptr_nonnull(y);
	strcpy(y, "vnis: ");
	memset(y + 6, '[', n);
	memset(y + 6 + n, ']', n);
	strcpy(y + 6 + 2 * n, "\n");
	rc = vtep_config_load_string("t.yaml", y, strlen(y), &cfg, err, sizeof(err));
	ck_assert_int_eq(rc, EINVAL);
	/* the top mapping is level 1, so the 32nd '[' (column 7 + 31) is one too many */
	ck_assert_str_eq(err, "t.yaml:1:38: collections nested more than 32 deep "
			 "(expected the shallow layout of a vtepd configuration)");
	free(y);
}
END_TEST

/* ------------------------------------------------------------------ */
/* text helpers                                                       */
/* ------------------------------------------------------------------ */

START_TEST(test_parse_mac)
{
	uint8_t mac[6], want[6] = { 0x02, 0xab, 0xcd, 0xef, 0x00, 0x9f };
	const char *bad[] = { "", "02:ab:cd:ef:00", "02:ab:cd:ef:00:9f:", "02:ab:cd:ef:00:9", "2:ab:cd:ef:00:9f0",
			      "02-ab-cd-ef-00-9f", "02:ab:cd:ef:00:9g", "02:ab:cd:ef:00:9f ", " 02:ab:cd:ef:00:9f",
			      "02ab.cdef.009f", "0x:ab:cd:ef:00:9f", "02:ab:cd:ef::009f" };

	ck_assert_int_eq(vtep_parse_mac("02:AB:cd:Ef:00:9f", mac), 0);
	ck_assert_mem_eq(mac, want, 6);
	memset(mac, 0x11, 6);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(vtep_parse_mac(bad[i], mac) == EINVAL, "'%s' accepted", bad[i]);
		ck_assert_uint_eq(mac[0], 0x11);  /* untouched on error */
	}
	ck_assert_int_eq(vtep_parse_mac(NULL, mac), EINVAL);
}
END_TEST

START_TEST(test_parse_ipv4)
{
	uint32_t a = 0;
	uint8_t len = 99;
	const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "1.2.3.256", "a.b.c.d", "1.2.3.4 ", "01.2.3.4", "1.2.3.4/8", "::1", "0x1.2.3.4" };
	const char *badp[] = { "1.2.3.4", "1.2.3.4/", "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/024", "/24", "1.2.3/24",
			       "1.2.3.4/2a", "1.2.3.4/24/1", "1.2.3.4/ 24", "1.2.3.4//24", "1.2.3.4/100" };

	ck_assert_int_eq(vtep_parse_ipv4("192.0.2.33", &a), 0);
	ck_assert_uint_eq(a, htonl(0xc0000221));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(vtep_parse_ipv4(bad[i], &a) == EINVAL, "'%s' accepted", bad[i]);
	ck_assert_int_eq(vtep_parse_ipv4(NULL, &a), EINVAL);

	ck_assert_int_eq(vtep_parse_ipv4_prefix("192.168.10.1/24", &a, &len), 0);
	ck_assert_uint_eq(a, htonl(0xc0a80a01));
	ck_assert_uint_eq(len, 24);
	ck_assert_int_eq(vtep_parse_ipv4_prefix("0.0.0.0/0", &a, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(vtep_parse_ipv4_prefix("10.0.0.1/32", &a, &len), 0);
	ck_assert_uint_eq(len, 32);
	ck_assert_int_eq(vtep_parse_ipv4_prefix("10.0.0.1/8", &a, &len), 0);
	ck_assert_uint_eq(len, 8);
	for (size_t i = 0; i < sizeof(badp) / sizeof(badp[0]); i++)
		ck_assert_msg(vtep_parse_ipv4_prefix(badp[i], &a, &len) == EINVAL, "'%s' accepted", badp[i]);
	ck_assert_uint_eq(len, 8);  /* untouched on error */
	ck_assert_int_eq(vtep_parse_ipv4_prefix(NULL, &a, &len), EINVAL);
}
END_TEST

START_TEST(test_find_vni)
{
	struct vtep_config cfg;

	LOAD_OK(BASE "vnis: [{vni: 10}, {vni: 20}, {vni: 30}]\n", &cfg);
	ck_assert_uint_eq(vtep_config_find_vni(&cfg, 20)->vni, 20);
	ck_assert_ptr_eq(vtep_config_find_vni(&cfg, 30), &cfg.vnis[2]);
	ck_assert_ptr_null(vtep_config_find_vni(&cfg, 0));
	ck_assert_ptr_null(vtep_config_find_vni(&cfg, 25));
	vtep_config_free(&cfg);
	ck_assert_ptr_null(vtep_config_find_vni(&cfg, 20));
	ck_assert_ptr_null(vtep_config_find_vni(NULL, 20));
}
END_TEST

/* ------------------------------------------------------------------ */
/* robustness                                                         */
/* ------------------------------------------------------------------ */

static uint32_t rng_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* 2000 random mutations of FULL: every one is accepted or refused with one line, never a crash. */
START_TEST(test_random_mutations)
{
	static const char interesting[] = ":-[]{},&*!|>'\"#%@`? \t\n\r\\0123456789abcxyz.";
	size_t base_len = strlen(FULL);
	uint32_t seed = 0x9e3779b9u;
	unsigned ok = 0, bad = 0;
	char *buf = malloc(base_len + 64);

	ck_assert_ptr_nonnull(buf);
	for (int iter = 0; iter < 2000; iter++) {
		struct vtep_config cfg;
		char err[512];
		size_t len = base_len;
		int nmut = 1 + (int)(rng_next(&seed) % 4), rc;

		memcpy(buf, FULL, base_len);
		for (int m = 0; m < nmut; m++) {
			size_t pos = len ? rng_next(&seed) % len : 0;

			switch (rng_next(&seed) % 5) {
			case 0: /* random byte, possibly NUL or invalid UTF-8 */
				if (len)
					buf[pos] = (char)(rng_next(&seed) & 0xff);
				break;
			case 1: /* bit flip */
				if (len)
					buf[pos] ^= (char)(1u << (rng_next(&seed) % 8));
				break;
			case 2: /* YAML-significant character */
				if (len)
					buf[pos] = interesting[rng_next(&seed) % (sizeof(interesting) - 1)];
				break;
			case 3: /* insert */
				if (len < base_len + 32) {
					memmove(buf + pos + 1, buf + pos, len - pos);
					buf[pos] = interesting[rng_next(&seed) % (sizeof(interesting) - 1)];
					len++;
				}
				break;
			default: /* delete */
				if (len) {
					memmove(buf + pos, buf + pos + 1, len - pos - 1);
					len--;
				}
				break;
			}
		}
		memset(err, 0, sizeof(err));
		rc = vtep_config_load_string("fuzz.yaml", buf, len, &cfg, err, sizeof(err));
		ck_assert_msg(rc == 0 || rc == EINVAL, "iteration %d: rc %d (%s)", iter, rc, err);
		if (rc) {
			bad++;
			ck_assert_msg(!strncmp(err, "fuzz.yaml:", 10) && !strchr(err, '\n'),
				      "iteration %d: bad message '%s'", iter, err);
			assert_zeroed(&cfg, iter);
		} else {
			ok++;
			ck_assert_uint_le(cfg.n_vnis, VTEP_MAX_VNIS);
			vtep_config_free(&cfg);
		}
	}
	free(buf);
	/* the mutations really exercised both outcomes */
	ck_assert_uint_gt(bad, 0);
	ck_assert_uint_gt(ok, 0);
}
END_TEST

START_TEST(test_underlay_ports)
{
	struct vtep_config cfg;

	/* one port: one uplink, the same as underlay_devargs / underlay_ifname */
	LOAD_OK(BASE, &cfg);
	ck_assert_uint_eq(cfg.n_uplinks, 1);
	ck_assert_str_eq(cfg.uplinks[0].devargs, "net_af_xdp0,iface=ul0");
	ck_assert_str_eq(cfg.uplinks[0].ifname, "ul0");
	vtep_config_free(&cfg);
	/* a list: each an AF_XDP port on its own interface; the first is also "the underlay" */
	LOAD_OK("vtep: {source_ip: 10.0.0.1}\nunderlay:\n  ports: ['net_af_xdp0,iface=ul1', 'net_af_xdp1,iface=ul2,start_queue=0']\n"
		"  mtu: 9000\n", &cfg);
	ck_assert_uint_eq(cfg.n_uplinks, 2);
	ck_assert_str_eq(cfg.uplinks[0].ifname, "ul1");
	ck_assert_str_eq(cfg.uplinks[1].ifname, "ul2");
	ck_assert_str_eq(cfg.uplinks[1].devargs, "net_af_xdp1,iface=ul2,start_queue=0");
	ck_assert_int_eq(cfg.uplinks[1].line, 3);
	ck_assert_str_eq(cfg.underlay_devargs, "net_af_xdp0,iface=ul1");
	ck_assert_str_eq(cfg.underlay_ifname, "ul1");
	ck_assert(!cfg.underlay_exception);
	ck_assert_uint_eq(cfg.underlay_mtu, 9000);
	vtep_config_free(&cfg);
	LOAD_OK("vtep: {source_ip: 10.0.0.1}\nunderlay:\n  ports:\n    - net_af_xdp0,iface=eth1\n", &cfg);
	ck_assert_uint_eq(cfg.n_uplinks, 1);
	ck_assert_str_eq(cfg.underlay_ifname, "eth1");
	vtep_config_free(&cfg);
}
END_TEST

#define UL_HEAD "vtep: {source_ip: 10.0.0.1}\nunderlay:\n"
START_TEST(test_underlay_ports_errors)
{
	EXPECT_ERR(UL_HEAD "  port: a,iface=x\n  ports: ['b,iface=y']\n", 4, 3, "given together with underlay.port");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x']\n  interface: y\n", 4, 3, "underlay.interface: not allowed with underlay.ports");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x']\n  exception: true\n", 4, 3, "underlay.exception: not allowed");
	EXPECT_ERR(UL_HEAD "  ports: []\n", 3, 10, "underlay.ports: expected a non-empty list");
	EXPECT_ERR(UL_HEAD "  ports: a,iface=x\n", 3, 10, "underlay.ports: expected a non-empty list");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x', '0000:3b:00.1']\n", 3, 24, "underlay.ports[1]: '0000:3b:00.1' is a PCI port, invisible to the kernel");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x', 'b']\n", 3, 24, "underlay.ports[1]: 'b' has no valid iface= option");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x', 'b,iface=a/b']\n", 3, 24, "has no valid iface= option");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x', 'b,iface=x']\n", 3, 24, "interface 'x' is already uplink 0");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x', 'a,iface=y']\n", 3, 24, "device name 'a' is already used by uplink 0");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x', [b]]\n", 3, 24, "underlay.ports[1]: expected a DPDK devargs string");
	EXPECT_ERR(UL_HEAD "  ports: ['a0,iface=x0', 'a1,iface=x1', 'a2,iface=x2', 'a3,iface=x3', 'a4,iface=x4']\n", 3, 10,
		   "5 uplinks (expected at most 4)");
	EXPECT_ERR(UL_HEAD "  mtu: 1500\n", 2, 1, "'underlay' is missing required key 'port'");
}
END_TEST

/* underlay.ports entries {port, interface}: DPDK-owned NICs, each with its exception TAP */
START_TEST(test_underlay_ports_nic)
{
	struct vtep_config cfg;

	LOAD_OK(UL_HEAD "  ports:\n    - {port: '0000:3b:00.0', interface: vtep1}\n"
		"    - port: 0000:3b:00.1\n      interface: vtep2\n", &cfg);
	ck_assert_uint_eq(cfg.n_uplinks, 2);
	ck_assert(cfg.uplinks[0].exception && cfg.uplinks[1].exception);
	ck_assert_str_eq(cfg.uplinks[0].devargs, "0000:3b:00.0");
	ck_assert_str_eq(cfg.uplinks[0].ifname, "vtep1");
	ck_assert_str_eq(cfg.uplinks[1].devargs, "0000:3b:00.1");
	ck_assert_str_eq(cfg.uplinks[1].ifname, "vtep2");
	ck_assert_int_eq(cfg.uplinks[1].line, 5);
	/* the first is also "the underlay" of the single-uplink code */
	ck_assert(cfg.underlay_exception);
	ck_assert_str_eq(cfg.underlay_ifname, "vtep1");
	vtep_config_free(&cfg);
	/* mixed: an AF_XDP uplink and a DPDK-owned one (here AF_XDP taking every frame) */
	LOAD_OK(UL_HEAD "  ports: ['net_af_xdp0,iface=ul1', {port: 'net_af_xdp1,iface=ul2', interface: vtep2}]\n", &cfg);
	ck_assert_uint_eq(cfg.n_uplinks, 2);
	ck_assert(!cfg.uplinks[0].exception && cfg.uplinks[1].exception);
	ck_assert(!cfg.underlay_exception);
	ck_assert_str_eq(cfg.uplinks[0].ifname, "ul1");
	ck_assert_str_eq(cfg.uplinks[1].ifname, "vtep2");
	ck_assert_str_eq(cfg.uplinks[1].devargs, "net_af_xdp1,iface=ul2");
	vtep_config_free(&cfg);
	/* underlay.port with exception: still one uplink, marked as such */
	LOAD_OK(UL_HEAD "  port: '0000:3b:00.0'\n  interface: vtep0\n", &cfg);
	ck_assert_uint_eq(cfg.n_uplinks, 1);
	ck_assert(cfg.uplinks[0].exception);
	ck_assert_str_eq(cfg.uplinks[0].ifname, "vtep0");
	vtep_config_free(&cfg);
}
END_TEST

START_TEST(test_underlay_ports_nic_errors)
{
	EXPECT_ERR(UL_HEAD "  ports: [{port: '0000:3b:00.0'}]\n", 3, 11, "'underlay.ports[0]' is missing required key 'interface'");
	EXPECT_ERR(UL_HEAD "  ports: [{interface: vtep1}]\n", 3, 11, "'underlay.ports[0]' is missing required key 'port'");
	EXPECT_ERR(UL_HEAD "  ports: [{port: '0000:3b:00.0', interface: vtep1, mtu: 9000}]\n", 3, 52,
		   "unknown key 'mtu' in 'underlay.ports[0]' (expected one of: port, interface)");
	EXPECT_ERR(UL_HEAD "  ports: [{port: '0000:3b:00.0', interface: 'a/b'}]\n", 3, 45,
		   "underlay.ports[0].interface: 'a/b' is not a valid interface name");
	EXPECT_ERR(UL_HEAD "  ports: [{port: [x], interface: vtep1}]\n", 3, 18,
		   "underlay.ports[0].port: expected a DPDK devargs string");
	EXPECT_ERR(UL_HEAD "  ports: [{port: '', interface: vtep1}]\n", 3, 18, "underlay.ports[0].port: devargs string is 0 characters");
	EXPECT_ERR(UL_HEAD "  ports: [{port: 'net_af_xdp0,iface=ul1', interface: ul1}]\n", 3, 18,
		   "underlay.ports[0].port: iface=ul1 is the interface DPDK takes");
	EXPECT_ERR(UL_HEAD "  ports: ['a,iface=x', {port: '0000:3b:00.0', interface: x}]\n", 3, 31,
		   "underlay.ports[1].port: interface 'x' is already uplink 0");
	EXPECT_ERR(UL_HEAD "  ports: [{port: '0000:3b:00.0', interface: v1}, {port: '0000:3b:00.0', interface: v2}]\n", 3, 57,
		   "device name '0000:3b:00.0' is already used by uplink 0");
	/* a bare PCI address in the list says how to write it */
	EXPECT_ERR(UL_HEAD "  ports: ['0000:3b:00.0']\n", 3, 11,
		   "underlay.ports[0]: '0000:3b:00.0' is a PCI port, invisible to the kernel (expected {port: PCI, interface: NAME}");
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("valid");

	tcase_add_test(tc, test_full_string);
	tcase_add_test(tc, test_full_file);
	tcase_add_test(tc, test_underlay_exception);
	tcase_add_test(tc, test_underlay_ports);
	tcase_add_test(tc, test_underlay_ports_nic);
	tcase_add_test(tc, test_bgp_section);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_scalar_forms);
	tcase_add_test(tc, test_shared_flood_lists);
	tcase_add_test(tc, test_memif_ports);
	tcase_add_test(tc, test_l3_full);
	tcase_add_test(tc, test_l3_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_bgp_errors);
	tcase_add_test(tc, test_bgp_peering_keys);
	tcase_add_test(tc, test_underlay_ports_errors);
	tcase_add_test(tc, test_underlay_ports_nic_errors);
	tcase_add_test(tc, test_err_syntax);
	tcase_add_test(tc, test_err_empty);
	tcase_add_test(tc, test_err_top_not_mapping);
	tcase_add_test(tc, test_err_unknown_key);
	tcase_add_test(tc, test_err_duplicate_key);
	tcase_add_test(tc, test_err_missing_required);
	tcase_add_test(tc, test_err_wrong_kind);
	tcase_add_test(tc, test_err_bad_ip);
	tcase_add_test(tc, test_err_bad_mac);
	tcase_add_test(tc, test_err_multicast_mac);
	tcase_add_loop_test(tc, test_err_integer, 0, (int)(sizeof(int_cases) / sizeof(int_cases[0])));
	tcase_add_test(tc, test_err_other_values);
	tcase_add_test(tc, test_err_long_devargs);
	tcase_add_test(tc, test_err_long_socket);
	tcase_add_test(tc, test_err_long_value_shown_cut);
	tcase_add_test(tc, test_err_duplicate_vni);
	tcase_add_test(tc, test_err_duplicate_flood);
	tcase_add_test(tc, test_err_flood_is_source);
	tcase_add_test(tc, test_err_too_many_flood);
	tcase_add_test(tc, test_err_too_many_vteps);
	tcase_add_test(tc, test_err_too_many_static_macs);
	tcase_add_test(tc, test_err_too_many_vnis);
	tcase_add_test(tc, test_err_l3vnis_count_as_vnis);
	tcase_add_test(tc, test_err_too_many_ports);
	tcase_add_test(tc, test_err_port_unknown_vni);
	tcase_add_test(tc, test_err_port_netns_pid);
	tcase_add_test(tc, test_err_bad_ifname);
	tcase_add_test(tc, test_err_port_mtu);
	tcase_add_test(tc, test_vtep_check_max_macs);
	tcase_add_test(tc, test_err_static_mac_target);
	tcase_add_test(tc, test_err_static_mac_port_vni);
	tcase_add_test(tc, test_err_duplicate_static_mac);
	tcase_add_test(tc, test_err_duplicate_port_name);
	tcase_add_test(tc, test_err_memif);
	tcase_add_test(tc, test_schema_every_mapping);
	tcase_add_test(tc, test_schema_every_integer);
	tcase_add_test(tc, test_schema_every_required);
	tcase_add_test(tc, test_schema_port_kind);
	tcase_add_test(tc, test_schema_defaults);
	tcase_add_test(tc, test_l3_err_vrfs);
	tcase_add_test(tc, test_l3_err_gateway);
	tcase_add_test(tc, test_l3_err_advertise);
	tcase_add_test(tc, test_l3_err_ports);
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_small_err_buffer);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_parse_mac);
	tcase_add_test(tc, test_port_input_rules);
	tcase_add_test(tc, test_parse_ipv4);
	tcase_add_test(tc, test_find_vni);
	tcase_add_test(tc, test_api_section);
	tcase_add_test(tc, test_metrics_section);
	tcase_add_test(tc, test_parse_l3_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
