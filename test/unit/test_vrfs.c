/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vrfs.c: VRFs added and deleted at run time (control/switch/vrfs_runtime.c) on a switch
 * with real route tables, an FDB, counters and snapshot but no fast path running: the words
 * of 'vrf add' (defaults, every option, every refusal with its message), a new VRF taking a
 * free slot with its table and L3 VNI in the published snapshot before the hook hears of it,
 * a VNI added into it getting its connected route, EBUSY naming the VNIs, a deleted VRF
 * leaving a hole (heard while its table was still published, gone from the snapshot after)
 * with the configuration's VRF untouched, the hole taken again, an out-of-memory table leaving
 * nothing, and the state file a restart reads back before the VNIs that use it.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring_elem.h>

#include "test_eal.h"
#include "fdb.h"
#include "route_rib.h"
#include "switch.h"

static struct vtepd d;

/* what the hook heard: index, present, whether its table and L3 VNI were published then */
static struct {
	uint16_t k;
	bool present, published;
} heard[16];
static int n_heard;

static bool vrf_published(uint16_t k)
{
	const struct dp_topology *t = atomic_load(&d.topology);

	return k < t->n_vrfs && t->vrfs[k].table && t->vrfs[k].table == d.vrfs[k].table && t->vrfs[k].l3vni &&
	       t->vrfs[k].l3vni_idx != DP_NO_ID && t->vnis[t->vrfs[k].l3vni_idx].vni == t->vrfs[k].l3vni &&
	       t->vnis[t->vrfs[k].l3vni_idx].l3;
}

static void hook_vrf(struct vtepd *sw, uint16_t k, bool present)
{
	ck_assert_ptr_eq(sw, &d);
	ck_assert_int_lt(n_heard, 16);
	heard[n_heard].k = k;
	heard[n_heard].present = present;
	heard[n_heard].published = vrf_published(k);
	n_heard++;
}

static void setup(void)
{
	size_t qsz = rte_rcu_qsbr_get_memsize(1);

	memset(&d, 0, sizeof(d));
	snprintf(d.cfg.name, sizeof(d.cfg.name), "t_vrfs_%d", (int)getpid());
	d.cfg.source_ip = inet_addr("10.0.0.1");
	d.cfg.underlay_mtu = 1500;
	d.cfg.anycast_gw_mac_on = true;
	memcpy(d.cfg.anycast_gw_mac, (const uint8_t[]){ 0, 0, 0x22, 0x22, 0x33, 0x33 }, 6);
	d.cfg.n_vrfs = 1;                       /* the configuration's, small */
	snprintf(d.cfg.vrfs[0].name, sizeof(d.cfg.vrfs[0].name), "tenant");
	d.cfg.vrfs[0].l3vni = 900001;
	d.cfg.vrfs[0].router_mac_auto = true;
	d.cfg.vrfs[0].max_ipv4_routes = 1024;
	d.cfg.vrfs[0].max_ipv6_routes = 1024;
	d.cfg.vnis = calloc(VTEP_MAX_VNIS, sizeof(*d.cfg.vnis));
	ck_assert_ptr_nonnull(d.cfg.vnis);
	for (unsigned i = 0; i < VTEP_MAX_VNIS; i++)
		d.cfg.vnis[i].vrf = VTEP_NO_VRF;
	d.cfg.vnis[0].vni = 100;                /* the configuration's, in tenant */
	d.cfg.vnis[0].vrf = 0;
	d.cfg.vnis[0].learning = true;
	d.cfg.n_vnis = 1;
	d.n_vnis = 1;
	d.vnis[0].vni = 100;
	d.vnis[0].mtu = 1450;
	d.fdb = fdb_create("t_vrfs", 1024, NULL);
	d.learn_ring = rte_ring_create_elem("t_vrfs_learn", sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE,
					    SOCKET_ID_ANY, RING_F_SC_DEQ);
	d.counters = calloc(1, sizeof(*d.counters));
	d.qsbr = rte_zmalloc("t_vrfs_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	ck_assert(d.fdb && d.learn_ring && d.counters && d.qsbr);
	ck_assert_int_eq(rte_rcu_qsbr_init(d.qsbr, 1), 0);
	ck_assert_int_eq(vtepd_vrfs_create(&d), 0);
	d.hooks.vrf = hook_vrf;
	n_heard = 0;
	ck_assert_int_eq(vtepd_publish(&d), 0);
}

static void teardown(void)
{
	char path[256];

	snprintf(path, sizeof(path), "/run/vtepd/%s.vrfs", d.cfg.name);
	remove(path);
	snprintf(path, sizeof(path), "/run/vtepd/%s.vnis", d.cfg.name);
	remove(path);
	dp_topology_free(atomic_load(&d.topology));
	vtepd_vrfs_free(&d);
	fdb_destroy(d.fdb);
	rte_ring_free(d.learn_ring);
	rte_free(d.qsbr);
	free(d.counters);
	vtep_config_free(&d.cfg);
}

static int words(const char *s, char *buf, size_t len, char **argv)
{
	int argc = 0;
	char *save = NULL;

	snprintf(buf, len, "%s", s);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 32; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	return argc;
}

/* Parse the words of s (after 'vrf add'). */
static int parse(const char *s, struct vtep_vrf_config *vc, char *err, size_t errlen)
{
	char buf[1024], *argv[32];
	int argc = words(s, buf, sizeof(buf), argv);

	err[0] = '\0';
	return vtepd_vrf_parse(&d, argc, argv, vc, err, errlen);
}

static uint16_t add(const char *s)
{
	struct vtep_vrf_config vc;
	char err[512];
	uint16_t k = DP_NO_ID;

	ck_assert_msg(parse(s, &vc, err, sizeof(err)) == 0, "vrf add %s: %s", s, err);
	ck_assert_msg(vtepd_vrf_add(&d, &vc, &k, err, sizeof(err)) == 0, "vrf add %s: %s", s, err);
	return k;
}

static uint16_t add_vni(const char *s)
{
	struct vtep_vni_config vc;
	char buf[512], *argv[32], err[512];
	int argc = words(s, buf, sizeof(buf), argv);
	uint16_t vi = DP_NO_ID;

	ck_assert_msg(vtepd_vni_parse(&d, argc, argv, &vc, err, sizeof(err)) == 0, "vni add %s: %s", s, err);
	ck_assert_msg(vtepd_vni_add(&d, &vc, &vi, err, sizeof(err)) == 0, "vni add %s: %s", s, err);
	return vi;
}

/* Does VRF k's RIB hold a connected route for a.b.c.d/len? */
static bool connected(uint16_t k, const char *net, uint8_t len)
{
	struct route_prefix p;
	struct route_rib_info info;

	route_prefix_v4(&p, ntohl(inet_addr(net)), len);
	return d.vrfs[k].rib && route_rib_best(d.vrfs[k].rib, &p, &info) == 0 && info.src == ROUTE_SRC_CONNECTED;
}

START_TEST(test_parse_defaults_and_options)
{
	struct vtep_vrf_config vc;
	char err[256];

	ck_assert_int_eq(parse("blue l3vni 5000", &vc, err, sizeof(err)), 0);
	ck_assert_str_eq(vc.name, "blue");
	ck_assert_uint_eq(vc.l3vni, 5000);
	ck_assert(vc.router_mac_auto);
	ck_assert_uint_eq(vc.max_ipv4_routes, VTEP_VRF_MAX_V4_ROUTES);
	ck_assert_uint_eq(vc.max_ipv6_routes, VTEP_VRF_MAX_V6_ROUTES);
	ck_assert_uint_eq(vc.n_prefix4 + vc.n_prefix6, 0);
	ck_assert(!vc.advertise_subnets);
	vtepd_vrf_conf_free(&vc);

	ck_assert_int_eq(parse("Blue_2-x router_mac 02:00:00:00:00:07 max_ipv4_routes 2048 max_ipv6_routes 1024 "
			       "advertise 10.9.0.0/16,2001:db8:9::/48,0.0.0.0/0 l3vni 16777215 advertise_subnets on",
			       &vc, err, sizeof(err)), 0);
	ck_assert_uint_eq(vc.l3vni, 16777215);
	ck_assert(!vc.router_mac_auto);
	ck_assert_uint_eq(vc.router_mac[5], 7);
	ck_assert_uint_eq(vc.max_ipv4_routes, 2048);
	ck_assert_uint_eq(vc.max_ipv6_routes, 1024);
	ck_assert_uint_eq(vc.n_prefix4, 2);
	ck_assert_uint_eq(vc.prefix4[0].addr, inet_addr("10.9.0.0"));
	ck_assert_uint_eq(vc.prefix4[0].len, 16);
	ck_assert_uint_eq(vc.prefix4[1].len, 0);
	ck_assert_uint_eq(vc.n_prefix6, 1);
	ck_assert_uint_eq(vc.prefix6[0].len, 48);
	ck_assert(vc.advertise_subnets);
	vtepd_vrf_conf_free(&vc);
}
END_TEST

START_TEST(test_parse_refusals)
{
	static const struct {
		const char *words, *says;
	} bad[] = {
		{ "", "bad VRF name ''" },
		{ "b@d l3vni 5", "bad VRF name 'b@d'" },
		{ "abcdefghijklmnop l3vni 5", "bad VRF name" },
		{ "default l3vni 5", "'default' is reserved" },
		{ "management l3vni 5", "'management' is reserved" },
		{ "blue", "needs 'l3vni N'" },
		{ "blue l3vni", "'l3vni' needs a value" },
		{ "blue l3vni 0", "bad l3vni '0'" },
		{ "blue l3vni 16777216", "bad l3vni '16777216'" },
		{ "blue l3vni 5 l3vni 6", "unknown or repeated option 'l3vni'" },
		{ "blue l3vni 5 colour red", "unknown or repeated option 'colour'" },
		{ "blue l3vni 5 router_mac 01:00:00:00:00:01", "bad router_mac" },
		{ "blue l3vni 5 router_mac 00:00:00:00:00:00", "bad router_mac" },
		{ "blue l3vni 5 router_mac nope", "bad router_mac 'nope'" },
		{ "blue l3vni 5 router_mac 00:00:22:22:33:33", "is vtep.anycast_gateway_mac" },
		{ "blue l3vni 5 max_ipv4_routes 1023", "bad max_ipv4_routes '1023'" },
		{ "blue l3vni 5 max_ipv6_routes 4194305", "bad max_ipv6_routes '4194305'" },
		{ "blue l3vni 5 advertise 10.9.0.1/16", "10.9.0.1/16 has host bits set" },
		{ "blue l3vni 5 advertise 2001:db8::1/64", "has host bits set" },
		{ "blue l3vni 5 advertise 127.0.0.0/8", "loopback" },
		{ "blue l3vni 5 advertise 224.0.0.0/4", "multicast" },
		{ "blue l3vni 5 advertise fe80::/10", "link-local" },
		{ "blue l3vni 5 advertise 10.0.0.0/8,10.0.0.0/8", "10.0.0.0/8 is given twice" },
		{ "blue l3vni 5 advertise 10.0.0.0", "'10.0.0.0' is not a prefix" },
		{ "blue l3vni 5 advertise_subnets yes", "bad advertise_subnets 'yes'" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vtep_vrf_config vc;
		char err[512];

		ck_assert_msg(parse(bad[i].words, &vc, err, sizeof(err)) == EINVAL, "'%s' accepted", bad[i].words);
		ck_assert_msg(strstr(err, bad[i].says), "'%s': '%s' does not say '%s'", bad[i].words, err, bad[i].says);
		ck_assert_ptr_null(vc.prefix4);
	}
}
END_TEST

START_TEST(test_add_publishes_then_tells)
{
	struct dp_route_table *t0 = d.vrfs[0].table;
	uint16_t k, vi;

	k = add("blue l3vni 5000 max_ipv4_routes 1024 max_ipv6_routes 1024");
	ck_assert_uint_eq(k, 1);
	ck_assert_uint_eq(d.n_vrfs, 2);
	ck_assert_uint_eq(d.cfg.n_vrfs, 2);
	ck_assert(d.vrfs[1].runtime && !d.vrfs[0].runtime);
	ck_assert(vrf_published(1));
	ck_assert(vrf_published(0));
	ck_assert_ptr_eq(d.vrfs[0].table, t0);        /* the configuration's VRF as it was */
	ck_assert_int_eq(n_heard, 1);
	ck_assert(heard[0].present && heard[0].k == 1 && heard[0].published);
	/* a VNI with a gateway in it: its connected route in the new VRF's table, not the other's */
	vi = add_vni("300 vrf blue gateway 192.168.30.1/24");
	ck_assert_uint_eq(vtepd_vni_vrf(&d, vi), 1);
	ck_assert(connected(1, "192.168.30.0", 24));
	ck_assert(!connected(0, "192.168.30.0", 24));
	ck_assert_uint_eq(atomic_load(&d.topology)->vnis[dp_topology_vni_index(atomic_load(&d.topology), 300)].vrf, 1);
}
END_TEST

START_TEST(test_del_busy_then_hole)
{
	struct dp_route_table *t0 = d.vrfs[0].table;
	char err[768];
	uint16_t k;

	k = add("blue l3vni 5000 max_ipv4_routes 1024 max_ipv6_routes 1024");
	add("green l3vni 5001 max_ipv4_routes 1024 max_ipv6_routes 1024");
	add_vni("300 vrf blue gateway 192.168.30.1/24");
	add_vni("301 vrf blue");
	n_heard = 0;
	ck_assert_int_eq(vtepd_vrf_del(&d, "blue", err, sizeof(err)), EBUSY);
	ck_assert_msg(strstr(err, "VRF 'blue' has 2 VNIs in it: 300, 301"), "%s", err);
	ck_assert_int_eq(n_heard, 0);
	ck_assert(vrf_published(k));
	ck_assert_int_eq(vtepd_vrf_del(&d, "nosuch", err, sizeof(err)), ENOENT);
	ck_assert_msg(strstr(err, "VRF 'nosuch' does not exist"), "%s", err);

	ck_assert_int_eq(vtepd_vni_del(&d, 300, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vni_del(&d, 301, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_del(&d, "blue", err, sizeof(err)), 0);
	/* heard while still published; gone after, a hole the others keep their index around */
	ck_assert_int_eq(n_heard, 1);
	ck_assert(!heard[0].present && heard[0].k == k && heard[0].published);
	ck_assert_uint_eq(d.n_vrfs, 3);
	ck_assert_uint_eq(d.vrfs[k].l3vni, 0);
	ck_assert_ptr_null(d.vrfs[k].table);
	ck_assert_ptr_null(atomic_load(&d.topology)->vrfs[k].table);
	ck_assert_ptr_null(vtep_config_find_vrf(&d.cfg, "blue"));
	ck_assert_uint_eq(dp_topology_vni_index(atomic_load(&d.topology), 5000), DP_NO_ID);
	ck_assert(vrf_published(0) && vrf_published(2));
	ck_assert_ptr_eq(d.vrfs[0].table, t0);
	ck_assert_str_eq(d.cfg.vrfs[2].name, "green");
	ck_assert_int_eq(vtepd_vrf_del(&d, "blue", err, sizeof(err)), ENOENT);
	/* a VNI cannot name the hole; a new VRF takes it */
	{
		struct vtep_vni_config vc;
		char buf[64], *argv[4];
		int argc = words("302 vrf blue", buf, sizeof(buf), argv);

		ck_assert_int_eq(vtepd_vni_parse(&d, argc, argv, &vc, err, sizeof(err)), ENOENT);
	}
	ck_assert_uint_eq(add("red l3vni 5000 max_ipv4_routes 1024 max_ipv6_routes 1024"), k);
	ck_assert(vrf_published(k));
	/* the last one goes: the table shrinks */
	ck_assert_int_eq(vtepd_vrf_del(&d, "green", err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n_vrfs, 2);
	ck_assert_uint_eq(d.cfg.n_vrfs, 2);
	/* and a configuration VRF may go too, once empty */
	ck_assert_int_eq(vtepd_vrf_del(&d, "tenant", err, sizeof(err)), EBUSY);
	ck_assert_msg(strstr(err, "VRF 'tenant' has 1 VNI in it: 100 (delete it first)"), "%s", err);
}
END_TEST

START_TEST(test_add_refusals)
{
	struct vtep_vrf_config vc;
	char err[512];
	uint16_t n;

	add("blue l3vni 5000 max_ipv4_routes 1024 max_ipv6_routes 1024");
	n = d.n_vrfs;
	ck_assert_int_eq(parse("blue l3vni 5001", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_add(&d, &vc, NULL, err, sizeof(err)), EEXIST);
	ck_assert_msg(strstr(err, "VRF 'blue' already exists"), "%s", err);
	ck_assert_int_eq(parse("tenant l3vni 5001", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_add(&d, &vc, NULL, err, sizeof(err)), EEXIST);
	ck_assert_int_eq(parse("green l3vni 100", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_add(&d, &vc, NULL, err, sizeof(err)), EEXIST);
	ck_assert_msg(strstr(err, "l3vni 100 is an L2 VNI"), "%s", err);
	ck_assert_int_eq(parse("green l3vni 900001", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_add(&d, &vc, NULL, err, sizeof(err)), EEXIST);
	ck_assert_msg(strstr(err, "l3vni 900001 is the L3 VNI of VRF 'tenant'"), "%s", err);
	/* a table the memory cannot hold: refused, nothing left */
	ck_assert_int_eq(parse("huge l3vni 6000 max_ipv4_routes 16777216 max_ipv6_routes 4194304", &vc, err,
			       sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_add(&d, &vc, NULL, err, sizeof(err)), ENOMEM);
	ck_assert_msg(strstr(err, "fastpath.runtime_vrfs"), "%s", err);
	ck_assert_uint_eq(d.n_vrfs, n);
	ck_assert_ptr_null(vtep_config_find_vrf(&d.cfg, "huge"));
	ck_assert_ptr_null(d.vrfs[n].table);
	/* a full VRF table (slots without tables stand for the VRFs) */
	for (uint16_t k = n; k < VTEP_MAX_VRFS; k++) {
		snprintf(d.cfg.vrfs[k].name, sizeof(d.cfg.vrfs[k].name), "f%u", k);
		d.cfg.vrfs[k].l3vni = d.vrfs[k].l3vni = 7000u + k;
	}
	d.n_vrfs = d.cfg.n_vrfs = VTEP_MAX_VRFS;
	ck_assert_int_eq(parse("green l3vni 5001", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_add(&d, &vc, NULL, err, sizeof(err)), ENOSPC);
	ck_assert_msg(strstr(err, "the VRF table is full (16 VRFs)"), "%s", err);
	ck_assert_uint_eq(n_heard, 1);
	for (uint16_t k = n; k < VTEP_MAX_VRFS; k++)
		memset(&d.cfg.vrfs[k], 0, sizeof(d.cfg.vrfs[k])), d.vrfs[k].l3vni = 0;
	d.n_vrfs = d.cfg.n_vrfs = n;
}
END_TEST

START_TEST(test_state_file_round_trip)
{
	char path[256], line[512], err[512], saved[4096], vsaved[1024];
	FILE *f;

	if (geteuid() != 0)
		return;                          /* /run/vtepd is root's */
	snprintf(path, sizeof(path), "/run/vtepd/%s.vrfs", d.cfg.name);
	add("blue l3vni 5000 max_ipv4_routes 1024 max_ipv6_routes 1024");
	add("green l3vni 5001 router_mac 02:00:00:00:00:07 max_ipv4_routes 2048 max_ipv6_routes 1024 "
	    "advertise 10.9.0.0/16,2001:db8:9::/48 advertise_subnets on");
	add_vni("300 vrf green gateway 192.168.30.1/24");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "blue l3vni 5000 max_ipv4_routes 1024 max_ipv6_routes 1024\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "green l3vni 5001 router_mac 02:00:00:00:00:07 max_ipv4_routes 2048 max_ipv6_routes 1024 "
			       "advertise 10.9.0.0/16,2001:db8:9::/48 advertise_subnets on\n");
	ck_assert_ptr_null(fgets(line, sizeof(line), f));
	fclose(f);

	/* a restart: the configuration's VRF made, the run-time VRFs, then the run-time VNIs */
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	saved[fread(saved, 1, sizeof(saved) - 1, f)] = '\0';
	fclose(f);
	snprintf(line, sizeof(line), "/run/vtepd/%s.vnis", d.cfg.name);
	f = fopen(line, "r");
	ck_assert_ptr_nonnull(f);
	vsaved[fread(vsaved, 1, sizeof(vsaved) - 1, f)] = '\0';
	fclose(f);
	teardown();
	setup();
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(saved, f);
	fputs("tenant l3vni 8\nbogus\n", f);   /* one that exists by now, one we never wrote */
	fclose(f);
	f = fopen(line, "w");
	ck_assert_ptr_nonnull(f);
	fputs(vsaved, f);
	fclose(f);
	vtepd_vrfs_restore(&d);
	vtepd_vnis_restore(&d);
	ck_assert_uint_eq(d.n_vrfs, 3);
	ck_assert(d.vrfs[1].runtime && d.vrfs[1].l3vni == 5000 && d.vrfs[1].table);
	ck_assert(d.vrfs[2].runtime && d.vrfs[2].l3vni == 5001);
	ck_assert_uint_eq(d.vrfs[2].router_mac[5], 7);
	ck_assert_uint_eq(d.cfg.vrfs[2].n_prefix4, 1);
	ck_assert(d.cfg.vrfs[2].advertise_subnets);
	ck_assert_uint_eq(d.cfg.vnis[1].vni, 300);
	ck_assert_uint_eq(vtepd_vni_vrf(&d, 1), 2);
	ck_assert(connected(2, "192.168.30.0", 24));
	/* the file lists what was restored, and goes with the last run-time VRF */
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_ptr_null(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_int_eq(vtepd_vni_del(&d, 300, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_del(&d, "blue", err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vrf_del(&d, "green", err, sizeof(err)), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vrfs");
	TCase *tc = tcase_create("runtime");
	SRunner *sr;
	int failed;

	if (test_eal_init("test_vrfs", 900) != 0)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_parse_defaults_and_options);
	tcase_add_test(tc, test_parse_refusals);
	tcase_add_test(tc, test_add_publishes_then_tells);
	tcase_add_test(tc, test_del_busy_then_hole);
	tcase_add_test(tc, test_add_refusals);
	tcase_add_test(tc, test_state_file_round_trip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
