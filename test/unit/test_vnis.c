/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vnis.c: VNIs added and deleted at run time (control/switch/vnis.c) on a switch with a
 * real FDB, learn ring, counters and snapshot but no fast path running: the words of 'vni
 * add' (defaults, every option, every refusal with its message), a new VNI taking a free slot
 * and appearing in the published snapshot before the hook hears of it, a deleted one leaving
 * the snapshot after the hook heard (while it was still published) with its MACs and
 * counters gone and every other VNI at its index, EBUSY naming the ports, a full table, and
 * the state file a restart reads back. Also remote VTEPs (vteps.c, vtepd_vteps_age) that
 * nothing names any more leaving the table at once (a learned one only by aging), their ids
 * kept out of use until a snapshot without them is published.
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
#include "switch.h"

static struct vtepd d;

/* what the hook heard: index, present, and whether the published snapshot had the VNI then */
static struct {
	uint16_t idx;
	bool present, published;
	uint32_t vni;
} heard[16];
static int n_heard;

static void hook_vni(struct vtepd *sw, uint16_t vi, bool present)
{
	const struct dp_topology *t = atomic_load(&sw->topology);

	ck_assert_int_lt(n_heard, 16);
	heard[n_heard].idx = vi;
	heard[n_heard].present = present;
	heard[n_heard].vni = sw->vnis[vi].vni;
	heard[n_heard].published = dp_topology_vni_index(t, sw->vnis[vi].vni) == vi;
	n_heard++;
}

static void setup(void)
{
	size_t qsz = rte_rcu_qsbr_get_memsize(1);

	memset(&d, 0, sizeof(d));
	snprintf(d.cfg.name, sizeof(d.cfg.name), "t_vnis_%d", (int)getpid());
	d.cfg.source_ip = inet_addr("10.0.0.1");
	d.cfg.underlay_mtu = 1500;
	d.cfg.anycast_gw_mac_on = true;
	memcpy(d.cfg.anycast_gw_mac, (const uint8_t[]){ 0, 0, 0x22, 0x22, 0x33, 0x33 }, 6);
	d.cfg.n_vrfs = 1;
	snprintf(d.cfg.vrfs[0].name, sizeof(d.cfg.vrfs[0].name), "tenant");
	d.cfg.vrfs[0].l3vni = 900001;
	d.cfg.vnis = calloc(VTEP_MAX_VNIS, sizeof(*d.cfg.vnis));
	ck_assert_ptr_nonnull(d.cfg.vnis);
	for (unsigned i = 0; i < VTEP_MAX_VNIS; i++)
		d.cfg.vnis[i].vrf = VTEP_NO_VRF;
	d.cfg.vnis[0].vni = 100;                /* the configuration's */
	d.cfg.vnis[0].learning = true;
	d.cfg.n_vnis = 1;
	d.n_vnis = 1;
	d.vnis[0].vni = 100;
	d.vnis[0].mtu = 1450;
	d.fdb = fdb_create("t_vnis", 1024, NULL);
	d.learn_ring = rte_ring_create_elem("t_vnis_learn", sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE,
					    SOCKET_ID_ANY, RING_F_SC_DEQ);
	d.counters = calloc(1, sizeof(*d.counters));
	d.qsbr = rte_zmalloc("t_vnis_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	ck_assert(d.fdb && d.learn_ring && d.counters && d.qsbr);
	ck_assert_int_eq(rte_rcu_qsbr_init(d.qsbr, 1), 0);
	d.hooks.vni = hook_vni;
	n_heard = 0;
	ck_assert_int_eq(vtepd_publish(&d), 0);
}

static void teardown(void)
{
	char path[256];

	snprintf(path, sizeof(path), "/run/vtepd/%s.vnis", d.cfg.name);
	remove(path);
	dp_topology_free(atomic_load(&d.topology));
	fdb_destroy(d.fdb);
	rte_ring_free(d.learn_ring);
	rte_free(d.qsbr);
	free(d.counters);
	vtep_config_free(&d.cfg);
}

/* Parse the words of s (after 'vni add'). */
static int parse(const char *s, struct vtep_vni_config *vc, char *err, size_t errlen)
{
	char buf[512], *argv[32], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 32; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	err[0] = '\0';
	return vtepd_vni_parse(&d, argc, argv, vc, err, errlen);
}

static uint16_t add(const char *s)
{
	struct vtep_vni_config vc;
	char err[512];
	uint16_t vi = DP_NO_ID;

	ck_assert_msg(parse(s, &vc, err, sizeof(err)) == 0, "vni add %s: %s", s, err);
	ck_assert_msg(vtepd_vni_add(&d, &vc, &vi, err, sizeof(err)) == 0, "vni add %s: %s", s, err);
	return vi;
}

static uint16_t published(uint32_t vni)
{
	return dp_topology_vni_index(atomic_load(&d.topology), vni);
}

START_TEST(test_parse_defaults_and_options)
{
	struct vtep_vni_config vc;
	uint8_t gw6[16];
	char err[256];

	ck_assert_int_eq(parse("300", &vc, err, sizeof(err)), 0);
	ck_assert_uint_eq(vc.vni, 300);
	ck_assert(vc.learning);
	ck_assert_int_eq(vc.vtep_check, -1);
	ck_assert_uint_eq(vc.vrf, VTEP_NO_VRF);
	ck_assert(!vc.gw4_on && !vc.gw6_on && !vc.mtu && !vc.max_macs && !vc.n_flood && !vc.has_rd && !vc.n_rt_import);
	vtepd_vni_conf_free(&vc);

	ck_assert_int_eq(parse("301 vrf tenant gateway 192.168.1.1/24 gateway6 2001:db8:1::1/64 mtu 1400 learning off "
			       "flood 10.0.0.2,10.0.0.3 max_macs 0", &vc, err, sizeof(err)), 0);
	ck_assert_uint_eq(vc.vni, 301);
	ck_assert_uint_eq(vc.vrf, 0);
	ck_assert(vc.gw4_on && vc.gw4 == inet_addr("192.168.1.1") && vc.gw4_len == 24);
	inet_pton(AF_INET6, "2001:db8:1::1", gw6);
	ck_assert(vc.gw6_on && vc.gw6_len == 64);
	ck_assert_mem_eq(vc.gw6, gw6, 16);
	ck_assert_uint_eq(vc.mtu, 1400);
	ck_assert(!vc.learning);
	ck_assert_uint_eq(vc.n_flood, 2);
	ck_assert_uint_eq(vc.flood[1], inet_addr("10.0.0.3"));
	ck_assert_uint_eq(vc.max_macs, VTEP_MAX_MACS_UNLIMITED);   /* 0: no limit, as in the YAML */
	vtepd_vni_conf_free(&vc);
	ck_assert_int_eq(parse("302 max_macs 50", &vc, err, sizeof(err)), 0);
	ck_assert_uint_eq(vc.max_macs, 50);
	vtepd_vni_conf_free(&vc);
}
END_TEST

START_TEST(test_parse_refusals)
{
	static const struct {
		const char *args, *msg;
		int rc;
	} bad[] = {
		{ "", "bad VNI ''", EINVAL },
		{ "0", "bad VNI '0' (expected 1 to 16777215)", EINVAL },
		{ "16777216", "bad VNI '16777216'", EINVAL },
		{ "-5", "bad VNI '-5'", EINVAL },
		{ "300x", "bad VNI '300x'", EINVAL },
		{ "300 vrf", "'vrf' needs a value", EINVAL },
		{ "300 vrf blue", "VRF 'blue' does not exist", ENOENT },
		{ "300 gateway 192.168.1.1/24", "a gateway needs 'vrf NAME'", EINVAL },
		{ "300 vrf tenant gateway 192.168.1.1", "bad gateway '192.168.1.1'", EINVAL },
		{ "300 vrf tenant gateway 192.168.1.0/24", "the subnet's own address", EINVAL },
		{ "300 vrf tenant gateway 192.168.1.255/24", "broadcast", EINVAL },
		{ "300 vrf tenant gateway 192.168.1.1/32", "prefix length 32", EINVAL },
		{ "300 vrf tenant gateway 127.0.0.1/8", "not a unicast host address", EINVAL },
		{ "300 vrf tenant gateway6 fe80::1/64", "link-local", EINVAL },
		{ "300 vrf tenant gateway6 2001:db8::/64", "subnet-router anycast", EINVAL },
		{ "300 vrf tenant gateway6 ff02::1/64", "multicast", EINVAL },
		{ "300 mtu 67", "bad mtu '67' (expected 68 to 9000)", EINVAL },
		{ "300 mtu 9001", "bad mtu '9001'", EINVAL },
		{ "300 learning yes", "bad learning 'yes' (expected on or off)", EINVAL },
		{ "300 flood 10.0.0.1", "this VTEP's own vtep.source_ip", EINVAL },
		{ "300 flood 10.0.0.2,10.0.0.2", "10.0.0.2 is given twice", EINVAL },
		{ "300 flood 224.0.0.1", "not a unicast address", EINVAL },
		{ "300 flood 10.0.0.2,,x", "bad address 'x'", EINVAL },
		{ "300 max_macs 16777217", "bad max_macs '16777217'", EINVAL },
		{ "300 mtu 1400 mtu 1400", "unknown or repeated option 'mtu'", EINVAL },
		{ "300 rd 1:1", "unknown or repeated option 'rd'", EINVAL },
	};
	struct vtep_vni_config vc;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].args, &vc, err, sizeof(err));

		ck_assert_msg(rc == bad[i].rc, "'%s': rc %d (expected %d), '%s'", bad[i].args, rc, bad[i].rc, err);
		ck_assert_msg(strstr(err, bad[i].msg), "'%s' said '%s' (expected '%s')", bad[i].args, err, bad[i].msg);
		ck_assert_ptr_null(vc.flood);            /* nothing left allocated */
	}
	/* a gateway needs the anycast gateway MAC */
	d.cfg.anycast_gw_mac_on = false;
	ck_assert_int_eq(parse("300 vrf tenant gateway 192.168.1.1/24", &vc, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "vtep.anycast_gateway_mac"));
}
END_TEST

START_TEST(test_add_publishes_then_tells)
{
	uint16_t vi = add("300 mtu 1400");

	ck_assert_uint_eq(vi, 1);
	ck_assert_uint_eq(d.n_vnis, 2);
	ck_assert_uint_eq(d.cfg.n_vnis, 2);
	ck_assert(d.vnis[1].runtime && !d.vnis[0].runtime);
	ck_assert_uint_eq(d.vnis[1].mtu, 1400);
	ck_assert_uint_eq(d.cfg.vnis[1].vni, 300);
	ck_assert_uint_eq(published(300), 1);
	ck_assert_uint_eq(published(100), 0);
	ck_assert_int_eq(n_heard, 1);
	ck_assert(heard[0].present && heard[0].published && heard[0].idx == 1 && heard[0].vni == 300);
	/* the default MTU is the underlay's less the encapsulation */
	ck_assert_uint_eq(d.vnis[add("301")].mtu, 1450);

	/* what the fast path gets: learning (no BGP here), the flood list, the gateway */
	const struct dp_topology *t;
	uint16_t a = add("302 learning off flood 10.0.0.7,10.0.0.8"), g = add("303 vrf tenant gateway 192.168.3.1/24");

	t = atomic_load(&d.topology);
	ck_assert(t->vnis[vi].learning && t->vnis[vi].ip_mtu == 1400);
	ck_assert(!t->vnis[a].learning);
	ck_assert_uint_eq(t->vnis[a].n_flood, 2);
	ck_assert_uint_eq(d.vteps[t->vnis[a].flood[1]].ip, inet_addr("10.0.0.8"));
	ck_assert_ptr_null(dp_vni_gateway(&t->vnis[a]));
	ck_assert_ptr_nonnull(dp_vni_gateway(&t->vnis[g]));
	ck_assert_uint_eq(dp_vni_gateway(&t->vnis[g])->ip4, inet_addr("192.168.3.1"));
}
END_TEST

START_TEST(test_del_leaves_the_others_alone)
{
	static const uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };
	char err[512];

	ck_assert_uint_eq(add("300"), 1);
	ck_assert_uint_eq(add("400"), 2);
	ck_assert_int_eq(fdb_add_static(d.fdb, fdb_key(0, m1), fdb_dest_port(1)), 0);
	ck_assert_int_eq(fdb_add_static(d.fdb, fdb_key(1, m1), fdb_dest_port(2)), 0);
	ck_assert_int_eq(fdb_add_static(d.fdb, fdb_key(1, m2), fdb_dest_port(2)), 0);
	ck_assert_int_eq(fdb_add_static(d.fdb, fdb_key(2, m2), fdb_dest_port(3)), 0);
	d.counters->vnis[1].decap_pkts = 7;
	d.counters->vnis[2].decap_pkts = 9;
	n_heard = 0;

	ck_assert_int_eq(vtepd_vni_del(&d, 300, err, sizeof(err)), 0);
	ck_assert_int_eq(n_heard, 1);
	ck_assert(!heard[0].present && heard[0].idx == 1 && heard[0].vni == 300);
	ck_assert_msg(heard[0].published, "the hook heard of the deletion after the VNI left the fast path");
	ck_assert_uint_eq(published(300), DP_NO_ID);
	ck_assert_uint_eq(published(100), 0);
	ck_assert_uint_eq(published(400), 2);                 /* the others keep their index */
	ck_assert_uint_eq(d.n_vnis, 3);                       /* a hole */
	ck_assert_uint_eq(d.vnis[1].vni, 0);
	ck_assert_uint_eq(d.cfg.vnis[1].vni, 0);
	ck_assert_uint_eq(d.cfg.vnis[1].vrf, VTEP_NO_VRF);
	ck_assert_uint_eq(vtepd_vni_index(&d, 300), DP_NO_ID);
	ck_assert_uint_eq(fdb_vni_entries(d.fdb, 1), 0);       /* its MACs went */
	ck_assert_ptr_nonnull(fdb_lookup(d.fdb, fdb_key(0, m1)));
	ck_assert_ptr_nonnull(fdb_lookup(d.fdb, fdb_key(2, m2)));
	ck_assert_uint_eq(d.counters->vnis[1].decap_pkts, 0);
	ck_assert_uint_eq(d.counters->vnis[2].decap_pkts, 9);
	ck_assert_int_eq(vtepd_vni_del(&d, 300, err, sizeof(err)), ENOENT);
	ck_assert_str_eq(err, "VNI 300 does not exist");

	/* the hole is taken again; deleting the last VNIs shrinks the table */
	ck_assert_uint_eq(add("500"), 1);
	ck_assert_uint_eq(d.n_vnis, 3);
	ck_assert_int_eq(vtepd_vni_del(&d, 400, err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n_vnis, 2);
	ck_assert_int_eq(vtepd_vni_del(&d, 500, err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n_vnis, 1);
	ck_assert_uint_eq(d.cfg.n_vnis, 1);
	/* a VNI of the configuration may go too */
	ck_assert_int_eq(vtepd_vni_del(&d, 100, err, sizeof(err)), 0);
	ck_assert_uint_eq(d.n_vnis, 0);
	ck_assert_uint_eq(published(100), DP_NO_ID);
}
END_TEST

START_TEST(test_del_busy_names_ports)
{
	char err[512];
	uint16_t vi = add("300");

	for (int s = 3; s <= 4; s++) {
		d.ports[s].in_use = true;
		d.ports[s].vni_idx = vi;
		snprintf(d.ports[s].conf.name, sizeof(d.ports[s].conf.name), "d%d", s);
	}
	n_heard = 0;
	ck_assert_int_eq(vtepd_vni_del(&d, 300, err, sizeof(err)), EBUSY);
	ck_assert_str_eq(err, "VNI 300 has 2 ports attached: d3, d4 (detach them first)");
	ck_assert_int_eq(n_heard, 0);
	ck_assert_uint_eq(published(300), vi);
	ck_assert_uint_eq(vtepd_vni_index(&d, 300), vi);
	d.ports[3].in_use = false;
	ck_assert_int_eq(vtepd_vni_del(&d, 300, err, sizeof(err)), EBUSY);
	ck_assert_str_eq(err, "VNI 300 has 1 port attached: d4 (detach it first)");
	d.ports[4].in_use = false;
	ck_assert_int_eq(vtepd_vni_del(&d, 300, err, sizeof(err)), 0);
	/* an L3 VNI is not deleted this way */
	ck_assert_int_eq(vtepd_vni_del(&d, 900001, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "L3 VNI of VRF 'tenant'"));
}
END_TEST

START_TEST(test_add_refusals)
{
	struct vtep_vni_config vc;
	char err[512];

	ck_assert_int_eq(parse("100", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vni_add(&d, &vc, NULL, err, sizeof(err)), EEXIST);
	ck_assert_str_eq(err, "VNI 100 already exists");
	ck_assert_int_eq(parse("900001", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vni_add(&d, &vc, NULL, err, sizeof(err)), EEXIST);
	ck_assert_str_eq(err, "VNI 900001 is the L3 VNI of VRF 'tenant'");
	/* overlapping gateway subnets in one VRF */
	add("300 vrf tenant gateway 192.168.1.1/24");
	ck_assert_int_eq(parse("301 vrf tenant gateway 192.168.1.2/25", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vni_add(&d, &vc, NULL, err, sizeof(err)), EEXIST);
	ck_assert_ptr_nonnull(strstr(err, "overlaps the gateway subnet of VNI 300 in VRF 'tenant'"));
	ck_assert_uint_eq(d.n_vnis, 2);
	/* a full table */
	for (unsigned i = d.n_vnis; i < VTEP_MAX_VNIS; i++) {
		d.vnis[i].vni = 10000 + i;
		d.cfg.vnis[i].vni = 10000 + i;
	}
	d.n_vnis = d.cfg.n_vnis = VTEP_MAX_VNIS;
	n_heard = 0;
	ck_assert_int_eq(parse("302", &vc, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vni_add(&d, &vc, NULL, err, sizeof(err)), ENOSPC);
	ck_assert_ptr_nonnull(strstr(err, "the VNI table is full"));
	ck_assert_int_eq(n_heard, 0);
	ck_assert_ptr_null(vc.flood);
}
END_TEST

START_TEST(test_state_file_round_trip)
{
	char path[256], line[512], err[512], saved[2048];
	FILE *f;

	if (geteuid() != 0)
		return;                          /* /run/vtepd is root's */
	snprintf(path, sizeof(path), "/run/vtepd/%s.vnis", d.cfg.name);
	add("300 mtu 1400 learning off flood 10.0.0.2,10.0.0.3 max_macs 0");
	add("301 vrf tenant gateway 192.168.5.1/24 gateway6 2001:db8:5::1/64 max_macs 20");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "300 mtu 1400 learning off flood 10.0.0.2,10.0.0.3 max_macs 0\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "301 vrf tenant gateway 192.168.5.1/24 gateway6 2001:db8:5::1/64 max_macs 20\n");
	ck_assert_ptr_null(fgets(line, sizeof(line), f));
	fclose(f);

	/* a restart: a fresh switch with the configuration's VNI reads the file back */
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	saved[fread(saved, 1, sizeof(saved) - 1, f)] = '\0';
	fclose(f);
	teardown();
	setup();
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(saved, f);
	fputs("100 mtu 1000\nbogus words\n", f);     /* one that exists by now, one we never wrote */
	fclose(f);
	vtepd_vnis_restore(&d);
	ck_assert_uint_eq(d.n_vnis, 3);
	ck_assert(d.vnis[1].runtime && d.vnis[1].vni == 300 && d.vnis[1].mtu == 1400 && !d.cfg.vnis[1].learning);
	ck_assert_uint_eq(d.vnis[1].n_flood, 2);
	ck_assert_uint_eq(d.cfg.vnis[2].vrf, 0);
	ck_assert_uint_eq(d.cfg.vnis[2].max_macs, 20);
	ck_assert_uint_eq(d.vnis[0].mtu, 1450);       /* the configuration's VNI 100 as it was */
	/* the file now lists what was restored, and goes with the last run-time VNI */
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_ptr_null(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_int_eq(vtepd_vni_del(&d, 300, err, sizeof(err)), 0);
	ck_assert_int_eq(vtepd_vni_del(&d, 301, err, sizeof(err)), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(test_vteps_nothing_names_go)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 7, 1 };
	uint32_t ip[6], ip_new = inet_addr("10.0.10.9");
	uint16_t id[6], id_new;
	const struct dp_topology *t;

	d.cfg.bgp.enabled = true;
	for (unsigned i = 0; i < 6; i++) {
		ip[i] = htonl(0x0a000a01u + i);      /* 10.0.10.1 ... */
		ck_assert_int_eq(vtepd_vtep_get(&d, ip[i], i == 5, &id[i]), 0);
	}
	d.vnis[0].flood[d.vnis[0].n_flood++] = id[0];   /* a type-3 route's VTEP */
	ck_assert_int_eq(fdb_install(d.fdb, fdb_key(0, mac), fdb_dest_vtep(id[1]), FDB_F_CP), 0);   /* a MAC's */
	d.vrfs[0].vtep_refs[id[2]] = 1;                 /* a VRF route's */
	d.cfg.vnis[0].flood = malloc(sizeof(uint32_t)); /* the file's flood list names it, nothing else */
	ck_assert_ptr_nonnull(d.cfg.vnis[0].flood);
	d.cfg.vnis[0].flood[d.cfg.vnis[0].n_flood++] = ip[3];
	/* id[4] is named by nothing; id[5] was learned (it ages) */
	ck_assert_int_eq(vtepd_publish(&d), 0);

	ck_assert_uint_eq(vtepd_vteps_age(&d, 1000, 300), 1);
	ck_assert_uint_eq(d.vteps[id[4]].ip, 0);
	for (unsigned i = 0; i < 6; i++)
		ck_assert_msg(i == 4 || d.vteps[id[i]].ip == ip[i], "VTEP %u left", i);
	ck_assert_uint_eq(d.stats.vteps_aged, 0);
	/* the published snapshot still has it: its id is not reused until one without it is */
	t = atomic_load(&d.topology);
	ck_assert_uint_eq(dp_topology_vtep_id(t, ip[4]), id[4]);
	ck_assert_int_eq(vtepd_vtep_get(&d, ip_new, true, &id_new), 0);
	ck_assert_uint_ne(id_new, id[4]);
	ck_assert(d.topology_dirty);
	ck_assert_int_eq(vtepd_publish(&d), 0);
	t = atomic_load(&d.topology);
	ck_assert_uint_eq(dp_topology_vtep_id(t, ip[4]), DP_NO_ID);
	ck_assert_uint_eq(dp_topology_vtep_id(t, ip_new), id_new);
	ck_assert_int_eq(vtepd_vtep_get(&d, ip[4], false, &id[4]), 0);
	ck_assert_uint_eq(d.vteps[id[4]].ip, ip[4]);
	d.vnis[0].flood[d.vnis[0].n_flood++] = id[4];

	/* the route, the MAC and the VRF route withdrawn: their VTEPs go; the file's stays */
	d.vnis[0].n_flood = 1;
	d.vnis[0].flood[0] = id[4];
	ck_assert_int_eq(fdb_delete(d.fdb, fdb_key(0, mac)), 0);
	d.vrfs[0].vtep_refs[id[2]] = 0;
	ck_assert_uint_eq(vtepd_vteps_age(&d, 1001, 300), 3);
	ck_assert_uint_eq(d.vteps[id[0]].ip, 0);
	ck_assert_uint_eq(d.vteps[id[1]].ip, 0);
	ck_assert_uint_eq(d.vteps[id[2]].ip, 0);
	ck_assert_uint_eq(d.vteps[id[3]].ip, ip[3]);
	ck_assert_str_eq(vtepd_vtep_source(&d, id[3]), "configured");
	ck_assert_uint_eq(d.vteps[id[4]].ip, ip[4]);
	ck_assert_uint_eq(d.vteps[id_new].ip, ip_new);
	ck_assert_int_eq(vtepd_publish(&d), 0);
	t = atomic_load(&d.topology);
	ck_assert_uint_eq(dp_topology_vtep_id(t, ip[0]), DP_NO_ID);
	ck_assert_uint_eq(dp_topology_vtep_id(t, ip[3]), id[3]);
	/* the learned ones go by aging only: no MAC behind them for the aging time */
	ck_assert_uint_eq(vtepd_vteps_age(&d, 1299, 300), 0);
	ck_assert_uint_eq(d.vteps[id[5]].ip, ip[5]);
	ck_assert_uint_eq(vtepd_vteps_age(&d, 1301, 300), 2);
	ck_assert_uint_eq(d.vteps[id[5]].ip, 0);
	ck_assert_uint_eq(d.vteps[id_new].ip, 0);
	ck_assert_uint_eq(d.stats.vteps_aged, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vnis");
	TCase *tc = tcase_create("runtime");
	SRunner *sr;
	int failed;

	if (test_eal_init("test_vnis", 256) != 0)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_parse_defaults_and_options);
	tcase_add_test(tc, test_parse_refusals);
	tcase_add_test(tc, test_add_publishes_then_tells);
	tcase_add_test(tc, test_del_leaves_the_others_alone);
	tcase_add_test(tc, test_del_busy_names_ports);
	tcase_add_test(tc, test_add_refusals);
	tcase_add_test(tc, test_state_file_round_trip);
	tcase_add_test(tc, test_vteps_nothing_names_go);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
