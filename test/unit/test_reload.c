/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_reload.c: the configuration reload's difference (control/mgmt/reload.c): a switch is
 * made from one YAML file as vtepd makes it (VNI slots, VRFs, attached ports, run-time
 * objects marked), a second file is planned against it, and the test checks what is added,
 * removed, changed in place, taken over from run time, and refused (with the key and its
 * FILE:LINE:COLUMN), and that a refusal plans nothing. The bgp section's hook refuses
 * changes of the section's own keys and takes neighbour changes (test_fabric_peers checks
 * what they do to the sessions). Applying a plan (VNIs, flood lists, settings, static MACs; no ports, no
 * VRF tables) keeps the untouched VNI in its slot with its MACs and counters, on a switch with
 * a real FDB and snapshot but no fast path.
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
#include "reload.h"
#include "switch.h"

static struct vtepd d;
static struct vtep_config nc;
static struct vtepd_reload_plan plan;
static char err[1024];
static char path[128];
static int n_files;

#define HEAD "vtep:\n  name: t_reload\n  source_ip: 10.0.0.1\nunderlay:\n  port: net_af_xdp0,iface=ul0\n" \
	     "fastpath:\n  mac_table_size: 4096\n  mbufs: 8192\n"

/* Write yaml to a file of its own and load it into cfg (the file's name in path). */
static void load(const char *yaml, struct vtep_config *cfg)
{
	FILE *f;
	char e[512];

	snprintf(path, sizeof(path), "/tmp/t_reload_%d_%d.yaml", (int)getpid(), n_files++);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(yaml, f);
	fclose(f);
	ck_assert_msg(vtep_config_load_file(path, cfg, e, sizeof(e)) == 0, "%s", e);
}

/* The running switch as vtepd makes it from yaml (no ports unless the test attaches them). */
static void run(const char *yaml)
{
	struct vtep_vni_config *all;

	vtep_config_free(&d.cfg);
	load(yaml, &d.cfg);
	all = realloc(d.cfg.vnis, VTEP_MAX_VNIS * sizeof(*all));
	ck_assert_ptr_nonnull(all);
	memset(all + d.cfg.n_vnis, 0, (VTEP_MAX_VNIS - d.cfg.n_vnis) * sizeof(*all));
	for (uint32_t i = d.cfg.n_vnis; i < VTEP_MAX_VNIS; i++)
		all[i].vrf = VTEP_NO_VRF;
	d.cfg.vnis = all;
	memset(d.vnis, 0, sizeof(d.vnis));
	d.n_vnis = (uint16_t)d.cfg.n_vnis;
	for (uint16_t i = 0; i < d.n_vnis; i++) {
		d.vnis[i].vni = d.cfg.vnis[i].vni;
		d.vnis[i].learning = d.cfg.vnis[i].learning;
		d.vnis[i].mtu = (uint16_t)(d.cfg.vnis[i].mtu ? d.cfg.vnis[i].mtu : d.cfg.underlay_mtu - 50);
		d.vnis[i].max_macs = d.cfg.vnis[i].max_macs;
		for (uint32_t f = 0; f < d.cfg.vnis[i].n_flood; f++)
			ck_assert_int_eq(vtepd_vtep_get(&d, d.cfg.vnis[i].flood[f], false, &d.vnis[i].flood[d.vnis[i].n_flood++]), 0);
	}
	d.n_vrfs = (uint16_t)d.cfg.n_vrfs;
	for (uint16_t k = 0; k < d.n_vrfs; k++)
		d.vrfs[k].l3vni = d.cfg.vrfs[k].l3vni;
}

/* A port in the switch as attach leaves it (defaults filled), without a DPDK port. */
static void port(int slot, const struct vtep_port_config *pc, bool from_config)
{
	struct vtepd_port *p = &d.ports[slot];

	p->in_use = true;
	p->from_config = from_config;
	p->conf = *pc;
	if (!p->conf.ifname[0])
		snprintf(p->conf.ifname, sizeof(p->conf.ifname), "eth0");
	p->vni_idx = vtepd_vni_index(&d, pc->vni);
	if (!p->conf.mtu)
		p->conf.mtu = d.vnis[p->vni_idx].mtu;
}

/* Plan the file yaml against the running switch. */
static int plan_for(const char *yaml)
{
	vtep_config_free(&nc);
	load(yaml, &nc);
	err[0] = '\0';
	return vtepd_reload_plan(&d, &nc, &plan, err, sizeof(err));
}

/* The plan has a row "kind name action". */
static bool row(const char *kind, const char *name, const char *action)
{
	for (uint32_t i = 0; i < plan.n_rows && i < VTEPD_RELOAD_ROWS; i++)
		if (!strcmp(plan.rows[i].kind, kind) && !strcmp(plan.rows[i].name, name) &&
		    !strcmp(plan.rows[i].action, action))
			return true;
	return false;
}

/* err starts with "<the file>:LINE:COL: key:" */
static void refused_at(int rc, int line, int col, const char *key)
{
	char want[256];

	ck_assert_msg(rc != 0, "accepted (expected %s refused)", key);
	snprintf(want, sizeof(want), "%s:%d:%d: %s:", path, line, col, key);
	ck_assert_msg(!strncmp(err, want, strlen(want)), "said '%s' (expected it to start '%s')", err, want);
}

static void setup(void)
{
	size_t qsz = rte_rcu_qsbr_get_memsize(1);

	memset(&d, 0, sizeof(d));
	memset(&nc, 0, sizeof(nc));
	d.fdb = fdb_create("t_reload", 1024, NULL);
	d.learn_ring = rte_ring_create_elem("t_reload_learn", sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE,
					    SOCKET_ID_ANY, RING_F_SC_DEQ);
	d.counters = calloc(1, sizeof(*d.counters));
	d.qsbr = rte_zmalloc("t_reload_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	ck_assert(d.fdb && d.learn_ring && d.counters && d.qsbr);
	ck_assert_int_eq(rte_rcu_qsbr_init(d.qsbr, 1), 0);
}

static void teardown(void)
{
	char p[256];

	for (int i = 0; i < n_files; i++) {
		snprintf(p, sizeof(p), "/tmp/t_reload_%d_%d.yaml", (int)getpid(), i);
		remove(p);
	}
	for (const char *ext = "vnis"; ext; ext = strcmp(ext, "vnis") ? strcmp(ext, "vrfs") ? NULL : "ports" : "vrfs") {
		snprintf(p, sizeof(p), "/run/vtepd/t_reload.%s", ext);
		remove(p);
	}
	dp_topology_free(atomic_load(&d.topology));
	fdb_destroy(d.fdb);
	rte_ring_free(d.learn_ring);
	rte_free(d.qsbr);
	free(d.counters);
	vtep_config_free(&d.cfg);
	vtep_config_free(&nc);
}

#define VNIS_AB HEAD "vnis:\n  - vni: 100\n    flood: [10.0.0.2]\n  - vni: 200\n    flood: [10.0.0.2]\n"

START_TEST(test_same_file_changes_nothing)
{
	run(VNIS_AB);
	ck_assert_int_eq(plan_for(VNIS_AB), 0);
	ck_assert(vtepd_reload_plan_empty(&plan));
	ck_assert_uint_eq(plan.n_vni_mod, 2);
	ck_assert_uint_eq(plan.vni_mod[0].what | plan.vni_mod[1].what, 0);
	ck_assert_uint_eq(plan.n_vni_add + plan.n_vni_del + plan.n_vrf_add + plan.n_vrf_del + plan.n_port_add +
			  plan.n_port_del, 0);
	/* the order of a flood list is not a change */
	run(HEAD "vnis:\n  - vni: 100\n    flood: [10.0.0.2, 10.0.0.3]\n");
	ck_assert_int_eq(plan_for(HEAD "vnis:\n  - vni: 100\n    flood: [10.0.0.3, 10.0.0.2]\n"), 0);
	ck_assert(vtepd_reload_plan_empty(&plan));
}
END_TEST

START_TEST(test_vnis_added_removed_changed)
{
	run(VNIS_AB);
	ck_assert_int_eq(plan_for(HEAD "vnis:\n"
				  "  - vni: 100\n    flood: [10.0.0.2, 10.0.0.9]\n    mtu: 1400\n    learning: false\n"
				  "    max_macs: 50\n"
				  "    static_macs:\n      - {mac: \"02:00:00:00:99:99\", vtep: 10.0.0.9}\n"
				  "  - vni: 300\n    flood: [10.0.0.2]\n"), 0);
	ck_assert_uint_eq(plan.n_vni_del, 1);
	ck_assert_uint_eq(plan.vni_del[0], 200);
	ck_assert_uint_eq(plan.n_vni_add, 1);
	ck_assert_uint_eq(nc.vnis[plan.vni_add[0]].vni, 300);
	ck_assert_uint_eq(plan.n_vni_mod, 1);
	ck_assert_uint_eq(plan.vni_mod[0].slot, 0);
	ck_assert_uint_eq(plan.vni_mod[0].what, VTEPD_RELOAD_FLOOD | VTEPD_RELOAD_MTU | VTEPD_RELOAD_LEARNING |
						       VTEPD_RELOAD_MAX_MACS | VTEPD_RELOAD_STATIC);
	ck_assert_uint_eq(plan.n_mac_add, 1);
	ck_assert(row("vni", "200", "removed"));
	ck_assert(row("vni", "300", "added"));
	ck_assert(row("vni", "100", "changed"));
	ck_assert(row("mac", "100 02:00:00:00:99:99", "added"));
	/* and back: the static MAC goes */
	run(HEAD "vnis:\n  - vni: 100\n    static_macs:\n      - {mac: \"02:00:00:00:99:99\", vtep: 10.0.0.9}\n"
		 "      - {mac: \"02:00:00:00:99:98\", vtep: 10.0.0.9}\n");
	ck_assert_int_eq(plan_for(HEAD "vnis:\n  - vni: 100\n    static_macs:\n"
				  "      - {mac: \"02:00:00:00:99:98\", vtep: 10.0.0.8}\n"), 0);
	ck_assert_uint_eq(plan.vni_mod[0].what, VTEPD_RELOAD_STATIC);
	ck_assert_uint_eq(plan.n_mac_del, 1);
	ck_assert_uint_eq(plan.n_mac_add, 1);
	ck_assert(row("mac", "100 02:00:00:00:99:99", "removed"));
	ck_assert(row("mac", "100 02:00:00:00:99:98", "changed"));
}
END_TEST

START_TEST(test_restart_keys_refused)
{
	static const struct { const char *from, *to, *key; int line, col; } cases[] = {
		{ "source_ip: 10.0.0.1", "source_ip: 10.0.0.5", "vtep.source_ip", 3, 3 },
		{ "  mbufs: 8192\n", "  mbufs: 16384\n", "fastpath.mbufs", 8, 3 },
		{ "mac_table_size: 4096", "mac_table_size: 8192", "fastpath.mac_table_size", 7, 3 },
		{ "iface=ul0\n", "iface=ul1\n", "underlay", 4, 1 },
		{ "name: t_reload", "name: t_other", "vtep.name", 2, 3 },
		{ "  mbufs: 8192\n", "  mbufs: 8192\n  capture: true\n", "fastpath.capture", 9, 3 },
		{ "  mbufs: 8192\n", "  mbufs: 8192\nmetrics:\n  listen: 127.0.0.1:9101\n", "metrics.listen", 10, 3 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char yaml[1024], *at;

		run(VNIS_AB);
		snprintf(yaml, sizeof(yaml), "%s", VNIS_AB "  - vni: 300\n");
		at = strstr(yaml, cases[i].from);
		ck_assert_ptr_nonnull(at);
		memmove(at + strlen(cases[i].to), at + strlen(cases[i].from), strlen(at + strlen(cases[i].from)) + 1);
		memcpy(at, cases[i].to, strlen(cases[i].to));
		refused_at(plan_for(yaml), cases[i].line, cases[i].col, cases[i].key);
		ck_assert_msg(strstr(err, "needs a restart"), "%s", err);
	}
}
END_TEST

START_TEST(test_vni_vrf_change_refused)
{
	const char *vrfs = "vrfs:\n  - name: red\n    l3vni: 9001\n  - name: blue\n    l3vni: 9002\n";
	char a[1024], b[1024];

	snprintf(a, sizeof(a), HEAD "%svnis:\n  - vni: 100\n    vrf: red\n", vrfs);
	snprintf(b, sizeof(b), HEAD "%svnis:\n  - vni: 100\n    vrf: blue\n", vrfs);
	run(a);
	refused_at(plan_for(b), 16, 5, "vnis[0].vrf");
	/* a VRF removed while a VNI added at run time is in it */
	snprintf(a, sizeof(a), HEAD "%svnis:\n  - vni: 100\n", vrfs);
	run(a);
	d.vnis[1].vni = 500;
	d.vnis[1].runtime = true;
	d.cfg.vnis[1].vni = 500;
	d.cfg.vnis[1].vrf = 1;
	d.n_vnis = 2;
	d.cfg.n_vnis = 2;
	snprintf(b, sizeof(b), HEAD "vrfs:\n  - name: red\n    l3vni: 9001\nvnis:\n  - vni: 100\n");
	ck_assert_int_eq(plan_for(b), EBUSY);
	ck_assert_msg(strstr(err, "VRF 'blue' leaves the file but VNI 500, added at run time, is in it"), "%s", err);
	/* the VRFs themselves: red stays, blue goes, green comes; red's l3vni cannot change */
	d.n_vnis = 1;
	d.cfg.n_vnis = 1;
	snprintf(b, sizeof(b), HEAD "vrfs:\n  - name: red\n    l3vni: 9001\n  - name: green\n    l3vni: 9003\n"
		 "vnis:\n  - vni: 100\n");
	ck_assert_int_eq(plan_for(b), 0);
	ck_assert(row("vrf", "blue", "removed"));
	ck_assert(row("vrf", "green", "added"));
	ck_assert_uint_eq(plan.n_vrf_del, 1);
	ck_assert_uint_eq(plan.n_vrf_add, 1);
	snprintf(b, sizeof(b), HEAD "vrfs:\n  - name: red\n    l3vni: 9011\nvnis:\n  - vni: 100\n");
	refused_at(plan_for(b), 11, 5, "vrfs[0].l3vni");
}
END_TEST

START_TEST(test_gateway_overlap_refused)
{
	const char *l3 = "vtep:\n  name: t_reload\n  source_ip: 10.0.0.1\n  anycast_gateway_mac: 0000.2222.3333\n"
			 "underlay:\n  port: net_af_xdp0,iface=ul0\nfastpath:\n  mac_table_size: 4096\n  mbufs: 8192\n"
			 "vrfs:\n  - name: red\n    l3vni: 9001\nvnis:\n  - vni: 100\n    vrf: red\n    gateway: 10.1.0.1/24\n";
	char b[1024];

	run(l3);
	/* VNI 500, added at run time in red with gateway 10.2.0.1/24 */
	d.vnis[1].vni = 500;
	d.vnis[1].runtime = true;
	d.cfg.vnis[1].vni = 500;
	d.cfg.vnis[1].vrf = 0;
	d.cfg.vnis[1].gw4_on = true;
	d.cfg.vnis[1].gw4 = inet_addr("10.2.0.1");
	d.cfg.vnis[1].gw4_len = 24;
	d.n_vnis = d.cfg.n_vnis = 2;
	snprintf(b, sizeof(b), "%s  - vni: 600\n    vrf: red\n    gateway: 10.2.0.5/16\n", l3);
	refused_at(plan_for(b), 19, 5, "vnis[1].gateway");
	ck_assert_msg(strstr(err, "overlaps the gateway subnet of VNI 500 in VRF 'red', added at run time"), "%s", err);
	snprintf(b, sizeof(b), "%s  - vni: 600\n    vrf: red\n    gateway: 10.3.0.5/16\n", l3);
	ck_assert_msg(plan_for(b) == 0, "%s", err);
	ck_assert(row("vni", "600", "added"));
}
END_TEST

START_TEST(test_runtime_objects)
{
	struct vtep_port_config pc = { .type = VTEP_PORT_AF_XDP, .vni = 200, .pid = 1 };

	run(VNIS_AB);
	/* VNI 400 added at run time: a file without it leaves it, a file naming it takes it over */
	d.vnis[2].vni = 400;
	d.vnis[2].runtime = true;
	d.cfg.vnis[2].vni = 400;
	d.cfg.vnis[2].learning = true;
	d.cfg.vnis[2].vtep_check = -1;    /* as 'vni add' leaves it */
	d.n_vnis = d.cfg.n_vnis = 3;
	ck_assert_int_eq(plan_for(VNIS_AB), 0);
	ck_assert(vtepd_reload_plan_empty(&plan));
	ck_assert_int_eq(plan_for(VNIS_AB "  - vni: 400\n"), 0);
	ck_assert_uint_eq(plan.n_vni_mod, 3);
	ck_assert_uint_eq(plan.vni_mod[2].what, VTEPD_RELOAD_ADOPT);
	ck_assert(row("vni", "400", "adopted"));
	/* a port attached at run time in VNI 200 stops VNI 200 from leaving */
	snprintf(pc.name, sizeof(pc.name), "rt1");
	port(1, &pc, false);
	ck_assert_int_eq(plan_for(HEAD "vnis:\n  - vni: 100\n"), EBUSY);
	ck_assert_msg(strstr(err, "VNI 200 leaves the file but port rt1, attached at run time, is in it"), "%s", err);
	ck_assert_msg(!strncmp(err, path, strlen(path)), "%s", err);
	/* a file naming it the same takes it over; naming it otherwise makes it anew */
	ck_assert_int_eq(plan_for(VNIS_AB "ports:\n  - {name: rt1, vni: 200, pid: 1}\n"), 0);
	ck_assert(row("port", "rt1", "adopted"));
	ck_assert_uint_eq(plan.n_port_adopt, 1);
	ck_assert_uint_eq(plan.n_port_add + plan.n_port_del, 0);
	ck_assert_int_eq(plan_for(VNIS_AB "ports:\n  - {name: rt1, vni: 100, pid: 1}\n"), 0);
	ck_assert(row("port", "rt1", "replaced"));
	ck_assert_uint_eq(plan.n_port_del, 1);
	ck_assert_uint_eq(plan.n_port_add, 1);
	/* a configuration port the file drops is detached, one it adds attached */
	d.ports[1].from_config = true;
	{
		char yaml[512];

		snprintf(yaml, sizeof(yaml), VNIS_AB "ports:\n  - {name: t_rl_new%d, vni: 100, pid: %d}\n", (int)getpid() % 1000,
			 (int)getpid());
		ck_assert_int_eq(plan_for(yaml), 0);
	}
	ck_assert(row("port", "rt1", "removed"));
	ck_assert_uint_eq(plan.n_port_del, 1);
	ck_assert_uint_eq(plan.n_port_add, 1);
	/* a new port in a namespace that does not exist is refused before anything is done */
	ck_assert_int_eq(plan_for(VNIS_AB "ports:\n  - {name: rt1, vni: 200, pid: 1}\n"
				  "  - {name: t_rl_x, vni: 100, netns: t_reload_no_such_ns}\n"), ENOENT);
	ck_assert_msg(strstr(err, "ports[1].netns: no network namespace t_reload_no_such_ns"), "%s", err);
}
END_TEST

START_TEST(test_bgp_hook)
{
	const char *bgp = "bgp:\n  asn: 65000\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 65000}\n";
	char a[1024], b[2048];

	snprintf(a, sizeof(a), VNIS_AB "%s", bgp);
	run(a);
	ck_assert_int_eq(plan_for(a), 0);
	ck_assert_int_eq(vtepd_reload_bgp(&d, &d.cfg.bgp, &nc.bgp, nc.path, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(plan.n_rows, 0);
	/* neighbours added, changed, removed: taken (the speaker makes them, test_fabric_peers) and listed */
	snprintf(b, sizeof(b), "%s    - {address: 10.0.0.3, remote_as: 65000}\n", a);
	ck_assert_int_eq(plan_for(b), 0);
	ck_assert_int_eq(vtepd_reload_bgp(&d, &d.cfg.bgp, &nc.bgp, nc.path, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(plan.n_rows, 1);
	ck_assert(row("neighbor", "10.0.0.3", "added"));
	snprintf(b, sizeof(b), VNIS_AB "bgp:\n  asn: 65000\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 65001}\n");
	ck_assert_int_eq(plan_for(b), 0);
	ck_assert_int_eq(vtepd_reload_bgp(&d, &d.cfg.bgp, &nc.bgp, nc.path, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(plan.n_rows, 1);
	ck_assert(row("neighbor", "10.0.0.2", "changed"));
	ck_assert_str_eq(plan.rows[0].detail, "remote_as");
	snprintf(b, sizeof(b), VNIS_AB "bgp:\n  asn: 65000\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 65000, "
		 "description: spine, max_routes: 10, local_preference: 200, password: s3cret}\n");
	ck_assert_int_eq(plan_for(b), 0);
	ck_assert_uint_eq(plan.n_rows, 1);
	ck_assert_str_eq(plan.rows[0].detail, "password, max_routes, description, local_preference");
	snprintf(b, sizeof(b), VNIS_AB "bgp:\n  asn: 65000\n  neighbors:\n");
	ck_assert_int_eq(plan_for(b), 0);
	ck_assert_int_eq(vtepd_reload_bgp(&d, &d.cfg.bgp, &nc.bgp, nc.path, false, err, sizeof(err)), 0);
	ck_assert_uint_eq(plan.n_rows, 1);
	ck_assert(row("neighbor", "10.0.0.2", "removed"));
	/* removed first, then the file's order; an unchanged one has no row */
	snprintf(b, sizeof(b), VNIS_AB "bgp:\n  asn: 65000\n  neighbors:\n    - {address: 10.0.0.5, remote_as: 65005}\n"
		 "    - {address: 10.0.0.4, remote_as: 65004}\n");
	run(b);
	snprintf(b, sizeof(b), VNIS_AB "bgp:\n  asn: 65000\n  neighbors:\n    - {address: 10.0.0.6, remote_as: 65006}\n"
		 "    - {address: 10.0.0.4, remote_as: 65004}\n    - {address: 10.0.0.7, remote_as: 65007}\n");
	ck_assert_int_eq(plan_for(b), 0);
	ck_assert_uint_eq(plan.n_rows, 3);
	ck_assert_str_eq(plan.rows[0].name, "10.0.0.5");
	ck_assert_str_eq(plan.rows[0].action, "removed");
	ck_assert_str_eq(plan.rows[1].name, "10.0.0.6");
	ck_assert_str_eq(plan.rows[2].name, "10.0.0.7");
	ck_assert_str_eq(plan.rows[2].action, "added");
	run(a);
	/* the section's own keys need a restart */
	snprintf(b, sizeof(b), VNIS_AB "bgp:\n  asn: 65001\n  neighbors:\n    - {address: 10.0.0.2, remote_as: 65000}\n");
	ck_assert_int_eq(plan_for(b), 0);
	refused_at(vtepd_reload_bgp(&d, &d.cfg.bgp, &nc.bgp, nc.path, false, err, sizeof(err)), 15, 3, "bgp.asn");
	ck_assert_int_eq(plan_for(VNIS_AB), 0);
	refused_at(vtepd_reload_bgp(&d, &d.cfg.bgp, &nc.bgp, nc.path, false, err, sizeof(err)), 1, 1, "bgp");
}
END_TEST

static int count_vni(const struct fdb_entry *e, void *arg)
{
	uint32_t *n = arg;

	n[fdb_key_vni_idx(e->key)]++;
	return 0;
}

START_TEST(test_apply_keeps_untouched_vni)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 1, 1 }, smac[6] = { 2, 0, 0, 0, 0x99, 0x99 };
	uint32_t per_vni[8] = { 0 };
	const struct dp_topology *t;
	const struct fdb_entry *e;
	uint16_t id;

	run(HEAD "vnis:\n  - vni: 100\n    flood: [10.0.0.2]\n  - vni: 200\n    flood: [10.0.0.2]\n"
		 "  - vni: 250\n    flood: [10.0.0.2]\n");
	ck_assert_int_eq(vtepd_publish(&d), 0);
	/* VNI 200 (slot 1) carries traffic: a learned MAC, counters */
	ck_assert_int_eq(vtepd_vtep_get(&d, inet_addr("10.0.0.2"), false, &id), 0);
	ck_assert_int_eq(fdb_learn(d.fdb, fdb_key(1, mac), fdb_dest_vtep(id), 1, NULL), 0);
	d.counters->vnis[1].decap_pkts = 1234;
	ck_assert_int_eq(plan_for(HEAD "vnis:\n  - vni: 200\n    flood: [10.0.0.2]\n"
				  "  - vni: 250\n    flood: [10.0.0.3]\n    mtu: 1300\n    max_macs: 10\n"
				  "    static_macs:\n      - {mac: \"02:00:00:00:99:99\", vtep: 10.0.0.9}\n"
				  "  - vni: 300\n    flood: [10.0.0.2]\n"), 0);
	ck_assert_int_eq(vtepd_reload_apply(&d, &nc, &plan, err, sizeof(err)), 0);
	/* 200 in its slot with its MAC and counters; 100's slot taken by 300; 250 changed in place */
	ck_assert_uint_eq(d.vnis[1].vni, 200);
	ck_assert_uint_eq(d.counters->vnis[1].decap_pkts, 1234);
	e = fdb_lookup(d.fdb, fdb_key(1, mac));
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(d.vnis[0].vni, 300);
	ck_assert(!d.vnis[0].runtime);
	ck_assert_uint_eq(d.vnis[2].vni, 250);
	ck_assert_uint_eq(d.vnis[2].mtu, 1300);
	ck_assert_uint_eq(d.vnis[2].max_macs, 10);
	ck_assert_uint_eq(d.vnis[2].n_flood, 1);
	ck_assert_uint_eq(d.vteps[d.vnis[2].flood[0]].ip, inet_addr("10.0.0.3"));
	ck_assert_uint_eq(d.cfg.vnis[2].n_flood, 1);
	e = fdb_lookup(d.fdb, fdb_key(2, smac));
	ck_assert_ptr_nonnull(e);
	ck_assert(e->flags & FDB_F_STATIC);
	ck_assert_str_eq(vtepd_vtep_source(&d, (uint16_t)fdb_dest_id(fdb_entry_dest(e))), "configured");
	t = atomic_load(&d.topology);
	ck_assert_uint_eq(dp_topology_vni_index(t, 200), 1);
	ck_assert_uint_eq(dp_topology_vni_index(t, 300), 0);
	ck_assert_uint_eq(dp_topology_vni_index(t, 100), DP_NO_ID);
	/* the static MAC goes with the next file, the MAC of 200 stays */
	ck_assert_int_eq(plan_for(HEAD "vnis:\n  - vni: 200\n    flood: [10.0.0.2]\n  - vni: 250\n    flood: [10.0.0.3]\n"
				  "  - vni: 300\n    flood: [10.0.0.2]\n"), 0);
	ck_assert_int_eq(vtepd_reload_apply(&d, &nc, &plan, err, sizeof(err)), 0);
	ck_assert_ptr_null(fdb_lookup(d.fdb, fdb_key(2, smac)));
	fdb_walk(d.fdb, count_vni, per_vni);
	ck_assert_uint_eq(per_vni[1], 1);
	ck_assert_uint_eq(per_vni[2], 0);
	/* 10.0.0.9 is no longer named: it is a learned VTEP now, to age out */
	ck_assert_int_eq(vtepd_vtep_get(&d, inet_addr("10.0.0.9"), true, &id), 0);
	ck_assert_str_eq(vtepd_vtep_source(&d, id), "learned");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reload");
	TCase *tc = tcase_create("plan");
	SRunner *sr;
	int failed;

	if (test_eal_init("test_reload", 256) != 0)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_same_file_changes_nothing);
	tcase_add_test(tc, test_vnis_added_removed_changed);
	tcase_add_test(tc, test_restart_keys_refused);
	tcase_add_test(tc, test_vni_vrf_change_refused);
	tcase_add_test(tc, test_gateway_overlap_refused);
	tcase_add_test(tc, test_runtime_objects);
	tcase_add_test(tc, test_bgp_hook);
	tcase_add_test(tc, test_apply_keeps_untouched_vni);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
