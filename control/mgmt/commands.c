/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commands.c: the vtepctl commands, served on the control thread through ctl.c: show
 * vnis, macs, ports, vteps, stats, vrfs and routes, BGP EVPN (summary, routes, type 5), attach and detach,
 * vni add and vni del. Each handler writes through the
 * ctl output builder, so text and JSON come from the same code.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "api.h"
#include "arp.h"
#include "bgp_fsm.h"
#include "cmd_log.h"
#include "commands.h"
#include "ctl.h"
#include "evpn_adv.h"
#include "evpn_rib.h"
#include "fabric.h"
#include "fdb.h"
#include "frame_trace.h"
#include "log.h"
#include "netlink.h"
#include "reload.h"
#include "route.h"
#include "route_rib.h"
#include "stats.h"
#include "switch.h"
#include "xsk.h"
#include "xdp.h"

static void fmt_mac(char *buf, size_t len, const uint8_t m[6])
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* "10.9.0.0/16", "2001:db8::/48" (ip_len 32 or 128). */
static void fmt_prefix(char *buf, size_t len, uint8_t ip_len, const uint8_t *addr, uint8_t plen)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(ip_len == 128 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, plen);
}

static void ctl_ip(struct ctl_out *o, const char *key, uint32_t ip)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ip, buf, sizeof(buf));
	ctl_str(o, key, buf);
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* ---- show vnis ---- */
struct mac_counts {
	uint64_t local[VTEP_MAX_VNIS], remote[VTEP_MAX_VNIS];
};

static int count_macs(const struct fdb_entry *e, void *arg)
{
	struct mac_counts *c = arg;
	uint16_t vi = fdb_key_vni_idx(e->key);

	if (vi < VTEP_MAX_VNIS) {
		if (fdb_dest_is_vtep(e->dest))
			c->remote[vi]++;
		else
			c->local[vi]++;
	}
	return 0;
}

static int cmd_show_vnis(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct mac_counts *c = calloc(1, sizeof(*c));

	(void)argv;
	if (argc) {
		free(c);
		ctl_error(o, "usage: show vnis");
		return EINVAL;
	}
	if (!c)
		return ENOMEM;
	fdb_walk(d->fdb, count_macs, c);
	ctl_list_begin(o, "vnis");
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		const struct vtepd_vni *v = &d->vnis[i];
		const struct dp_vni_counters *vc = &d->counters->vnis[i];
		char flood[VTEPD_MAX_FLOOD * 16 + 1] = "";
		unsigned ports = 0;

		if (!v->vni)
			continue;          /* a free slot (a VNI deleted at run time) */
		for (int s = 1; s <= VTEP_MAX_PORTS; s++)
			ports += d->ports[s].in_use && d->ports[s].vni_idx == i;
		for (uint16_t f = 0; f < v->n_flood; f++) {
			char ip[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &d->vteps[v->flood[f]].ip, ip, sizeof(ip));
			snprintf(flood + strlen(flood), sizeof(flood) - strlen(flood), "%s%s", f ? " " : "", ip);
		}
		ctl_obj_begin(o, NULL);
		ctl_u64(o, "vni", v->vni);
		ctl_str(o, "origin", v->runtime ? "runtime" : "config");
		ctl_str(o, "vrf", vtepd_vni_vrf(d, i) != VTEP_NO_VRF ? d->cfg.vrfs[vtepd_vni_vrf(d, i)].name : "-");
		ctl_bool(o, "learning", v->learning);
		ctl_u64(o, "mtu", v->mtu);
		ctl_bool(o, "outer_fragmentation", v->outer_frag);
		ctl_u64(o, "ports", ports);
		ctl_u64(o, "local_macs", c->local[i]);
		ctl_u64(o, "remote_macs", c->remote[i]);
		ctl_str(o, "flood", flood[0] ? flood : "-");
		ctl_u64(o, "encap_pkts", vc->encap_pkts);
		ctl_u64(o, "decap_pkts", vc->decap_pkts);
		ctl_u64(o, "flooded", vc->flooded);
		/* issue 12: who may send into the VNI, and how many MACs it may learn */
		ctl_bool(o, "vtep_check", v->vtep_check);
		ctl_u64(o, "unknown_vtep_drops", vc->unknown_vtep);
		ctl_u64(o, "macs", fdb_vni_entries(d->fdb, i));
		ctl_u64(o, "max_macs", vtepd_vni_max_macs(d, i) == VTEP_MAX_MACS_UNLIMITED ? 0 : vtepd_vni_max_macs(d, i));
		ctl_u64(o, "learn_limit_drops", stats_vni_learn_limit(d, i));
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	free(c);
	return 0;
}

/* ---- show macs ---- */
/*
 * The reply is streamed (ctl_stream): SHOW_MACS_STEP_ROWS rows at a time, resumed from a
 * table position as the client reads, so a million MACs take no more memory than a few
 * hundred. Filters: vni, mac, port, vtep; paging: limit N and cursor C (the next_cursor of
 * the previous page: a table position, stable while entries come and go).
 */
#define SHOW_MACS_USAGE "show macs [vni N] [mac M] [port NAME] [vtep A.B.C.D] [count] [limit N] [cursor C]"
#define SHOW_MACS_STEP_ROWS 256
#define SHOW_MACS_STEP_SLOTS 65536       /* table slots looked at per step, matching or not */

struct show_macs_ctx {
	struct vtepd *d;
	struct ctl_out *o;
	uint16_t vni_idx;     /* DP_NO_ID: all */
	bool has_mac, has_vtep, count_only, has_limit;
	uint8_t mac[6];
	int port_slot;        /* -1: any */
	uint32_t vtep_ip;
	uint64_t limit;
	uint32_t pos;         /* the table position to go on from */
	uint64_t rows;        /* matched so far */
	unsigned step_rows;
	uint64_t now;
};

static bool show_mac_matches(const struct show_macs_ctx *c, const struct fdb_entry *e)
{
	uint32_t dest = fdb_entry_dest(e);

	if (c->vni_idx != DP_NO_ID && fdb_key_vni_idx(e->key) != c->vni_idx)
		return false;
	if (c->has_mac) {
		uint8_t mac[6];

		fdb_key_mac(e->key, mac);
		if (memcmp(mac, c->mac, 6) != 0)
			return false;
	}
	if (c->port_slot >= 0 && (fdb_dest_is_vtep(dest) || fdb_dest_id(dest) != (uint32_t)c->port_slot))
		return false;
	if (c->has_vtep && (!fdb_dest_is_vtep(dest) || fdb_dest_id(dest) >= VTEP_MAX_VTEPS ||
			    c->d->vteps[fdb_dest_id(dest)].ip != c->vtep_ip))
		return false;
	return true;
}

static int count_one_mac(const struct fdb_entry *e, void *arg)
{
	struct show_macs_ctx *c = arg;

	c->rows += show_mac_matches(c, e);
	return 0;
}

static int show_one_mac(const struct fdb_entry *e, void *arg)
{
	struct show_macs_ctx *c = arg;
	uint16_t vi = fdb_key_vni_idx(e->key);
	uint32_t dest = fdb_entry_dest(e);
	uint8_t mac[6];
	char buf[32];

	if (!show_mac_matches(c, e))
		return 0;
	fdb_key_mac(e->key, mac);
	fmt_mac(buf, sizeof(buf), mac);
	ctl_obj_begin(c->o, NULL);
	ctl_u64(c->o, "vni", vi < c->d->n_vnis ? c->d->vnis[vi].vni : 0);
	ctl_str(c->o, "mac", buf);
	if (fdb_dest_is_vtep(dest)) {
		uint32_t id = fdb_dest_id(dest);

		ctl_str(c->o, "type", (e->flags & FDB_F_STATIC) ? "static" : "remote");
		ctl_str(c->o, "port", NULL);
		if (id < VTEP_MAX_VTEPS)
			ctl_ip(c->o, "vtep", c->d->vteps[id].ip);
		else
			ctl_str(c->o, "vtep", NULL);
	} else {
		uint32_t slot = fdb_dest_id(dest);

		ctl_str(c->o, "type", (e->flags & FDB_F_STATIC) ? "static" : "local");
		ctl_str(c->o, "port", slot <= VTEP_MAX_PORTS && c->d->ports[slot].in_use ? c->d->ports[slot].conf.name : "?");
		ctl_str(c->o, "vtep", NULL);
	}
	if (e->flags & (FDB_F_STATIC | FDB_F_CP))
		ctl_str(c->o, "age", NULL);
	else
		ctl_u64(c->o, "age", c->now > e->last_seen ? c->now - e->last_seen : 0);
	ctl_u64(c->o, "moves", e->moves);
	if (fabric_rib(c->d)) {
		struct evpn_rib_mac_info mi;

		evpn_rib_mac_info(fabric_rib(c->d), vi, mac, &mi);
		ctl_str(c->o, "source", (e->flags & FDB_F_CP) ? "evpn" : (e->flags & FDB_F_STATIC) ? "config" : "learned");
		ctl_u64(c->o, "seq", fdb_dest_is_vtep(dest) ? mi.remote_seq : mi.local_seq);
		ctl_bool(c->o, "duplicate", mi.frozen);
	}
	ctl_obj_end(c->o);
	c->rows++;
	c->step_rows++;
	return c->step_rows >= SHOW_MACS_STEP_ROWS || (c->has_limit && c->rows >= c->limit);
}

/* One step of the reply: the next rows; at the end the count and where the next page starts. */
static int show_macs_step(struct ctl_out *o, void *arg)
{
	struct show_macs_ctx *c = arg;
	bool end;

	c->o = o;
	c->step_rows = 0;
	end = fdb_walk_from(c->d->fdb, &c->pos, SHOW_MACS_STEP_SLOTS, show_one_mac, c);
	if (!end && !(c->has_limit && c->rows >= c->limit))
		return CTL_STREAM_MORE;
	ctl_list_end(o);
	if (ctl_is_json(o) || c->has_limit)
		ctl_u64(o, "count", c->rows);
	if (!end)
		ctl_u64(o, "next_cursor", c->pos);
	else if (ctl_is_json(o))
		ctl_str(o, "next_cursor", NULL);
	return 0;
}

static int cmd_show_macs(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct show_macs_ctx c = { .d = d, .o = o, .vni_idx = DP_NO_ID, .port_slot = -1, .now = dp_clock_sec() };
	struct show_macs_ctx *sc;

	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t n;

		if (strcmp(k, "count") == 0) {
			c.count_only = true;
			continue;
		}
		if (!v || (strcmp(k, "vni") && strcmp(k, "mac") && strcmp(k, "port") && strcmp(k, "vtep") &&
			   strcmp(k, "limit") && strcmp(k, "cursor"))) {
			ctl_error(o, "usage: " SHOW_MACS_USAGE);
			return EINVAL;
		}
		i++;
		if (strcmp(k, "vni") == 0) {
			if (parse_u32(v, VTEP_VNI_MAX, &n)) {
				ctl_error(o, "bad VNI '%s' (expected 1 to %u)", v, VTEP_VNI_MAX);
				return EINVAL;
			}
			c.vni_idx = vtepd_vni_index(d, n);
			if (c.vni_idx == DP_NO_ID) {
				ctl_error(o, "VNI %u is not configured", n);
				return ENOENT;
			}
		} else if (strcmp(k, "mac") == 0) {
			if (vtep_parse_mac(v, c.mac)) {
				ctl_error(o, "bad MAC '%s' (expected xx:xx:xx:xx:xx:xx)", v);
				return EINVAL;
			}
			c.has_mac = true;
		} else if (strcmp(k, "port") == 0) {
			c.port_slot = vtepd_port_find(d, v);
			if (c.port_slot < 0) {
				ctl_error(o, "no port '%s'", v);
				return ENOENT;
			}
		} else if (strcmp(k, "vtep") == 0) {
			if (inet_pton(AF_INET, v, &c.vtep_ip) != 1) {
				ctl_error(o, "bad VTEP address '%s' (expected A.B.C.D)", v);
				return EINVAL;
			}
			c.has_vtep = true;
		} else if (strcmp(k, "limit") == 0) {
			if (parse_u32(v, UINT32_MAX, &n) || n == 0) {
				ctl_error(o, "bad limit '%s' (expected 1 to %u)", v, UINT32_MAX);
				return EINVAL;
			}
			c.limit = n;
			c.has_limit = true;
		} else {
			if (parse_u32(v, UINT32_MAX, &n)) {
				ctl_error(o, "bad cursor '%s' (expected the next_cursor of a previous page)", v);
				return EINVAL;
			}
			c.pos = n;
		}
	}
	fdb_refresh(d->fdb, c.now);    /* the ages count from what the fast path saw until now */
	if (c.count_only) {
		uint32_t pos = c.pos;

		while (!fdb_walk_from(d->fdb, &pos, UINT32_MAX, count_one_mac, &c))
			;
		ctl_u64(o, "count", c.rows);
		return 0;
	}
	sc = malloc(sizeof(*sc));
	if (!sc)
		return ENOMEM;
	*sc = c;
	ctl_list_begin(o, "macs");
	ctl_stream(o, show_macs_step, sc, free);
	return 0;
}

/* ---- show ports ---- */
static const char *port_link(uint16_t dpdk_port)
{
	struct rte_eth_link link;

	if (rte_eth_link_get_nowait(dpdk_port, &link) != 0)
		return "?";
	return link.link_status == RTE_ETH_LINK_UP ? "up" : "down";
}

/*
 * An AF_XDP port's link is its kernel interface's: DPDK's net_af_xdp always says up. The
 * kernel's operstate (RFC 2863) is "up" only when the interface is up and has a carrier
 * (for a veth: its peer inside the container is up too).
 */
static const char *port_link_kernel(const char *ifname)
{
	uint8_t st;

	if (nl_link_get_operstate(ifname, &st) != 0)
		return "?";
	switch (st) {
	case IF_OPER_UP: return "up";
	case IF_OPER_DOWN: case IF_OPER_LOWERLAYERDOWN: case IF_OPER_NOTPRESENT: return "down";
	case IF_OPER_DORMANT: return "dormant";
	case IF_OPER_TESTING: return "testing";
	default: return "unknown";
	}
}

/*
 * Frames a port lost before vtepd could receive them: for an AF_XDP port the kernel's
 * receive drops on its interface (the socket's ring full or out of buffers), for a DPDK
 * port (memif, a NIC) the PMD's missed and no-mbuf counts.
 */
static uint64_t port_rx_missed(const char *xdp_ifname, uint16_t dpdk_port)
{
	struct rte_eth_stats st;
	uint64_t dropped = 0;

	if (xdp_ifname)
		return nl_link_get_rx_dropped(xdp_ifname, &dropped) == 0 ? dropped : 0;
	if (dpdk_port == DP_XSK_PORT || !rte_eth_dev_is_valid_port(dpdk_port) || rte_eth_stats_get(dpdk_port, &st) != 0)
		return 0;
	return st.imissed + st.rx_nombuf;
}

static void port_counters(struct ctl_out *o, const struct dp_port_counters *pc, uint64_t rx_missed)
{
	ctl_u64(o, "rx_pkts", pc->rx_pkts);
	ctl_u64(o, "tx_pkts", pc->tx_pkts);
	ctl_u64(o, "drops", stats_port_drops(pc));
	ctl_u64(o, "rx_missed", rx_missed);
}

static bool underlay_is_af_xdp(const struct vtepd *d)
{
	return !d->cfg.underlay_exception &&
	       (d->underlay_xsk || !strncmp(d->cfg.underlay_devargs, "net_af_xdp", strlen("net_af_xdp")));
}

static int cmd_show_ports(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	char mac[32];

	(void)argv;
	if (argc) {
		ctl_error(o, "usage: show ports");
		return EINVAL;
	}
	ctl_list_begin(o, "ports");
	ctl_obj_begin(o, NULL);
	ctl_str(o, "name", d->cfg.underlay_exception ? "underlay" : d->cfg.underlay_ifname);
	ctl_str(o, "kind", "underlay");
	ctl_str(o, "vni", "-");
	fmt_mac(mac, sizeof(mac), d->underlay_mac);
	ctl_str(o, "mac", mac);
	ctl_ip(o, "ip", d->cfg.source_ip);
	ctl_u64(o, "mtu", d->cfg.underlay_mtu);
	ctl_str(o, "netns", "-");
	ctl_str(o, "socket", "-");
	/* a DPDK-owned NIC: down when DPDK says so, or when its exception TAP is down (failover) */
	ctl_str(o, "link", underlay_is_af_xdp(d) ? port_link_kernel(d->cfg.underlay_ifname) :
			   !d->uplinks[0].up ? "down" : port_link(d->underlay_port));
	port_counters(o, &d->counters->ports[DP_PORT_UNDERLAY],
		      port_rx_missed(underlay_is_af_xdp(d) ? d->cfg.underlay_ifname : NULL, d->underlay_port));
	ctl_obj_end(o);
	for (uint16_t u = 1; u < d->n_uplinks; u++) {
		const struct vtepd_uplink *ul = &d->uplinks[u];
		char umac[32];

		ctl_obj_begin(o, NULL);
		ctl_str(o, "name", ul->name);
		ctl_str(o, "kind", "underlay");
		ctl_str(o, "vni", "-");
		fmt_mac(umac, sizeof(umac), ul->mac);
		ctl_str(o, "mac", umac);
		ctl_ip(o, "ip", d->cfg.source_ip);
		ctl_u64(o, "mtu", d->cfg.underlay_mtu);
		ctl_str(o, "netns", "-");
		ctl_str(o, "socket", "-");
		ctl_str(o, "link", !ul->up ? "down" :
				   ul->exc_port != UINT16_MAX && ul->dpdk_port != DP_XSK_PORT ? port_link(ul->dpdk_port) : "up");
		port_counters(o, &d->counters->ports[ul->slot],
			      port_rx_missed(ul->exc_port == UINT16_MAX ? ul->ifname : NULL, ul->dpdk_port));
		ctl_obj_end(o);
	}
	for (uint16_t u = 1; u < d->n_uplinks; u++) {
		const struct vtepd_uplink *ul = &d->uplinks[u];
		char umac[32];

		if (ul->exc_port == UINT16_MAX)
			continue;
		ctl_obj_begin(o, NULL);
		ctl_str(o, "name", ul->ifname);
		ctl_str(o, "kind", "exception");
		ctl_str(o, "vni", "-");
		fmt_mac(umac, sizeof(umac), ul->mac);
		ctl_str(o, "mac", umac);
		ctl_str(o, "ip", "-");
		ctl_u64(o, "mtu", d->cfg.underlay_mtu);
		ctl_str(o, "netns", "-");
		ctl_str(o, "socket", "-");
		ctl_str(o, "link", port_link_kernel(ul->ifname));
		port_counters(o, &d->counters->ports[DP_PORT_EXCEPTION_OF(u)], port_rx_missed(NULL, ul->exc_port));
		ctl_obj_end(o);
	}
	if (d->exception_port != UINT16_MAX) {
		ctl_obj_begin(o, NULL);
		ctl_str(o, "name", d->cfg.underlay_ifname);
		ctl_str(o, "kind", "exception");
		ctl_str(o, "vni", "-");
		ctl_str(o, "mac", mac);
		ctl_str(o, "ip", "-");
		ctl_u64(o, "mtu", d->cfg.underlay_mtu);
		ctl_str(o, "netns", "-");
		ctl_str(o, "socket", "-");
		ctl_str(o, "link", port_link(d->exception_port));
		port_counters(o, &d->counters->ports[DP_PORT_EXCEPTION], port_rx_missed(NULL, d->exception_port));
		ctl_obj_end(o);
	}
	for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
		const struct vtepd_port *p = &d->ports[s];

		if (!p->in_use)
			continue;
		ctl_obj_begin(o, NULL);
		ctl_str(o, "name", p->conf.name);
		ctl_str(o, "kind", p->conf.type == VTEP_PORT_MEMIF ? "memif" : "af_xdp");
		ctl_u64(o, "vni", p->conf.vni);
		if (p->conf.has_mac) {
			fmt_mac(mac, sizeof(mac), p->conf.mac);
			ctl_str(o, "mac", mac);
		} else {
			ctl_str(o, "mac", "random");
		}
		if (p->conf.has_ip)
			ctl_strf(o, "ip", "%s/%u", inet_ntoa((struct in_addr){ p->conf.ip }), p->conf.prefix_len);
		else
			ctl_str(o, "ip", "-");
		ctl_u64(o, "mtu", p->conf.mtu);
		if (p->conf.type == VTEP_PORT_MEMIF)
			ctl_str(o, "netns", "-");
		else if (p->conf.netns[0])
			ctl_strf(o, "netns", "%s:%s", p->conf.netns, p->conf.ifname);
		else
			ctl_strf(o, "netns", "pid %d:%s", p->conf.pid, p->conf.ifname);
		if (p->conf.type == VTEP_PORT_MEMIF)
			ctl_strf(o, "socket", "%s:%u", p->conf.socket, p->conf.memif_id);
		else
			ctl_str(o, "socket", "-");
		ctl_str(o, "link", p->conf.type == VTEP_PORT_MEMIF ? port_link(p->dpdk_port) : port_link_kernel(p->conf.name));
		port_counters(o, &d->counters->ports[s],
			      port_rx_missed(p->conf.type == VTEP_PORT_MEMIF ? NULL : p->conf.name, p->dpdk_port));
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	return 0;
}

/* ---- show vteps ---- */
/* Why a VTEP's next hop is not resolved, in words. */
static const char *vtep_error_text(int err)
{
	switch (err) {
	case EXDEV: return "route uses another interface than the underlay";
	case ENETUNREACH: return "no route to it";
	case EHOSTUNREACH: return "host unreachable";
	case ENOENT: case EAGAIN: return "next hop not resolved yet (ARP pending)";
	default: return strerror(err);
	}
}

static int cmd_show_vteps(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	char mac[32];

	(void)argv;
	if (argc) {
		ctl_error(o, "usage: show vteps");
		return EINVAL;
	}
	ctl_list_begin(o, "vteps");
	for (unsigned i = 0; i < VTEP_MAX_VTEPS; i++) {
		const struct vtepd_vtep *v = &d->vteps[i];
		const struct dp_vtep_counters *vc = &d->counters->vteps[i];

		if (!v->ip)
			continue;
		ctl_obj_begin(o, NULL);
		ctl_ip(o, "vtep", v->ip);
		ctl_str(o, "source", vtepd_vtep_source(d, (uint16_t)i));
		ctl_bool(o, "resolved", v->resolved);
		if (v->gateway)
			ctl_ip(o, "via", v->gateway);
		else
			ctl_str(o, "via", "direct");
		fmt_mac(mac, sizeof(mac), v->mac);
		ctl_str(o, "nexthop_mac", v->resolved ? mac : "-");
		ctl_u64(o, "tx_pkts", vc->tx_pkts);
		ctl_u64(o, "rx_pkts", vc->rx_pkts);
		ctl_u64(o, "unresolved_drops", vc->unresolved_drops);
		ctl_str(o, "error", v->last_error ? vtep_error_text(v->last_error) : "-");
		/* every next hop of the kernel's route through an uplink (equal-cost); usable ones carry traffic */
		ctl_list_begin(o, "nexthops");
		for (unsigned h = 0; h < v->n_nh; h++) {
			const struct vtepd_nexthop *nh = &v->nh[h];
			const struct vtepd_uplink *ul = &d->uplinks[nh->uplink];

			ctl_obj_begin(o, NULL);
			ctl_str(o, "uplink", ul->ifname);
			if (nh->gateway)
				ctl_ip(o, "via", nh->gateway);
			else
				ctl_str(o, "via", "direct");
			fmt_mac(mac, sizeof(mac), nh->mac);
			ctl_str(o, "mac", nh->resolved ? mac : "-");
			ctl_bool(o, "usable", nh->resolved && ul->up);
			ctl_obj_end(o);
		}
		ctl_list_end(o);
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	return 0;
}

/* ---- show arp ---- */
struct show_arp_ctx {
	struct vtepd *d;
	struct ctl_out *o;
};

static int show_one_arp(uint16_t vni_idx, uint32_t ip, const uint8_t mac[6], void *arg)
{
	struct show_arp_ctx *c = arg;
	char buf[32];

	fmt_mac(buf, sizeof(buf), mac);
	ctl_obj_begin(c->o, NULL);
	ctl_u64(c->o, "vni", vni_idx < c->d->n_vnis ? c->d->vnis[vni_idx].vni : 0);
	ctl_ip(c->o, "ip", ip);
	ctl_str(c->o, "mac", buf);
	ctl_str(c->o, "source", "evpn");   /* the table holds the MAC+IP routes of remote VTEPs */
	ctl_obj_end(c->o);
	return 0;
}

/* The ARP-suppression table: what vtepd answers for containers' ARP requests. */
static int cmd_show_arp(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct show_arp_ctx c = { .d = ctx, .o = o };

	(void)argv;
	if (argc) {
		ctl_error(o, "usage: show arp");
		return EINVAL;
	}
	ctl_list_begin(o, "arp");
	if (c.d->arp)
		arp_table_walk(c.d->arp, show_one_arp, &c);
	ctl_list_end(o);
	return 0;
}

/* ---- show stats ---- */
/* One VNI's row of show stats. */
static void show_stats_vni(struct ctl_out *o, uint32_t vni, const struct dp_vni_counters *vc)
{
	ctl_obj_begin(o, NULL);
	ctl_u64(o, "vni", vni);
	/* stats.c's table, as /metrics: the tunnel, flooding, ARP suppression, the anycast gateway
	   (drops by reason are in the ports' drops) */
	for (size_t c = 0; c < stats_n_vni_counters; c++)
		ctl_u64(o, stats_vni_counters[c].key, stats_counter_get(&stats_vni_counters[c], vc));
	ctl_obj_end(o);
}

/* show stats' "fdb" object. */
static void show_stats_fdb(struct ctl_out *o, struct vtepd *d)
{
	struct fdb_stats fs;

	fdb_get_stats(d->fdb, &fs);
	ctl_obj_begin(o, "fdb");
	ctl_u64(o, "entries", fs.entries);
	ctl_u64(o, "capacity", fs.capacity);
	ctl_u64(o, "learned", fs.learned);
	ctl_u64(o, "moves", fs.moves);
	ctl_u64(o, "static_conflicts", fs.static_conflicts);
	{
		uint64_t refused, limit;

		stats_fdb_sums(d, &refused, &limit);
		ctl_u64(o, "move_refused", refused);
		ctl_u64(o, "learn_limit", limit);
	}
	ctl_u64(o, "full", fs.full);
	ctl_u64(o, "aged", fs.aged);
	ctl_u64(o, "memory_bytes", fdb_memory_bytes(d->fdb));
	ctl_u64(o, "bgp_changed_us", fabric_fdb_changed_us(d));
	ctl_obj_end(o);
}

/* show stats' "vrfs" list: each VRF's routing counters and its route table's size. */
static void show_stats_vrfs(struct ctl_out *o, struct vtepd *d)
{
	ctl_list_begin(o, "vrfs");
	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		const struct dp_vrf_counters *rc = &d->counters->vrfs[k];

		if (!d->vrfs[k].l3vni)
			continue;          /* the slot of a VRF deleted at run time */
		ctl_obj_begin(o, NULL);
		ctl_str(o, "vrf", d->cfg.vrfs[k].name);
		for (size_t c = 0; c < stats_n_vrf_counters; c++)       /* stats.c's table, as /metrics */
			ctl_u64(o, stats_vrf_counters[c].key, stats_counter_get(&stats_vrf_counters[c], rc));
		ctl_u64(o, "host_routes_refused", d->vrfs[k].host_refused);
		if (d->vrfs[k].table) {
			struct dp_route_stats st;

			dp_route_get_stats(d->vrfs[k].table, &st);
			ctl_u64(o, "routes_ipv4", st.v4_routes);
			ctl_u64(o, "routes_ipv6", st.v6_routes);
			ctl_u64(o, "routes_refused_full", st.full);
			ctl_u64(o, "route_capacity_ipv4", st.v4_capacity);
			ctl_u64(o, "route_capacity_ipv6", st.v6_capacity);
			ctl_u64(o, "route_table_bytes", st.memory_bytes);
		}
		ctl_obj_end(o);
	}
	ctl_list_end(o);
}

/*
 * show stats [fdb|vrfs]: everything, or only that part (what a poller asks for many times a
 * second: no system calls, unlike the XDP filters' counters of the whole answer).
 */
static int cmd_show_stats(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	const struct dp_worker_counters *wc = &d->counters->worker;
	uint64_t redirected = 0, passed = 0;

	if (argc == 1 && strcmp(argv[0], "fdb") == 0) {
		show_stats_fdb(o, d);
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "vrfs") == 0) {
		show_stats_vrfs(o, d);
		return 0;
	}
	if (argc) {
		ctl_error(o, "usage: show stats [fdb|vrfs]");
		return EINVAL;
	}
	ctl_obj_begin(o, "fastpath");
	ctl_u64(o, "lcore", d->cfg.fastpath_lcore);
	ctl_u64(o, "loops", wc->loops);
	ctl_u64(o, "idle_sleeps", wc->idle_sleeps);
	ctl_u64(o, "busy_cycles", wc->busy_cycles);
	ctl_u64(o, "busy_pkts", wc->busy_pkts);
	ctl_u64(o, "io_cycles", wc->io_cycles);
	/* all of a busy poll's cycles per packet, and vtepd's own: without the ports' receive and transmit */
	ctl_u64(o, "cycles_per_pkt", wc->busy_pkts ? wc->busy_cycles / wc->busy_pkts : 0);
	ctl_u64(o, "own_cycles_per_pkt",
		wc->busy_pkts && wc->busy_cycles > wc->io_cycles ? (wc->busy_cycles - wc->io_cycles) / wc->busy_pkts : 0);
	ctl_u64(o, "learn_posted", wc->learn_posted);
	ctl_u64(o, "learn_ring_full", wc->learn_ring_full);
	ctl_u64(o, "mbufs_free", rte_mempool_avail_count(d->pool));
	ctl_u64(o, "mbufs_total", d->pool->size);
	ctl_bool(o, "hugepages", d->hugepages);
	ctl_obj_end(o);

	{
		const struct dp_mtu_counters *mc = &d->counters->mtu;

		ctl_obj_begin(o, "mtu");
		for (size_t c = 0; c < stats_n_mtu_counters; c++)       /* stats.c's table, as /metrics */
			ctl_u64(o, stats_mtu_counters[c].key, stats_counter_get(&stats_mtu_counters[c], mc));
		ctl_obj_end(o);
	}

	show_stats_fdb(o, d);

	ctl_obj_begin(o, "control");
	ctl_u64(o, "learn_events", d->stats.learn_events);
	ctl_u64(o, "learn_ignored", d->stats.learn_ignored);
	ctl_u64(o, "learn_errors", d->stats.learn_errors);
	ctl_u64(o, "vtep_table_full", d->stats.vtep_table_full);
	ctl_u64(o, "arp_table_full", d->stats.arp_table_full);
	ctl_u64(o, "neighbors_learned", d->stats.neigh_learned);
	ctl_u64(o, "neighbors_aged", d->stats.neigh_aged);
	ctl_u64(o, "neighbors_gone", d->stats.neigh_gone);
	ctl_u64(o, "neighbors_refused", d->stats.neigh_refused);
	ctl_u64(o, "bgp_unknown_connections", fabric_speaker(d) ? bgp_unknown_accepts(fabric_speaker(d)) : 0);
	ctl_u64(o, "netlink_events", d->stats.nl_events);
	ctl_u64(o, "netlink_errors", d->stats.nl_errors);
	ctl_u64(o, "resolutions", d->stats.resolutions);
	ctl_u64(o, "vteps_aged", d->stats.vteps_aged);
	ctl_u64(o, "snapshots_published", d->stats.publishes);
	if (d->api) {
		struct api_server_stats as;

		api_server_get_stats(d->api, &as);
		ctl_u64(o, "api_requests", as.requests);
		ctl_u64(o, "api_errors", as.errors);
		ctl_u64(o, "api_unauthorized", as.unauthorized);
	}
	ctl_obj_end(o);

	if (stats_xdp(d, &redirected, &passed) == 0) {
		ctl_obj_begin(o, "underlay_xdp");
		ctl_u64(o, "to_vtepd", redirected);
		ctl_u64(o, "to_kernel", passed);
		ctl_obj_end(o);
	}

	ctl_list_begin(o, "ports");
	for (int s = 0; s < DP_N_SLOTS; s++) {
		const struct dp_port_counters *pc = &d->counters->ports[s];
		const char *name = stats_port_name(d, s);      /* the ports /metrics has too */

		if (!name)
			continue;
		ctl_obj_begin(o, NULL);
		ctl_str(o, "port", name);
		ctl_u64(o, "rx_pkts", pc->rx_pkts);
		ctl_u64(o, "rx_bytes", pc->rx_bytes);
		ctl_u64(o, "tx_pkts", pc->tx_pkts);
		ctl_u64(o, "tx_bytes", pc->tx_bytes);
		if (!dp_slot_is_exception((uint16_t)s)) {
			bool container = stats_port_is_container(s);
			uint64_t limit = stats_port_learn_limit(d, s);
			uint32_t max = container ? vtepd_port_max_macs(d, (uint16_t)s) : 0;

			ctl_u64(o, "macs", container ? fdb_port_entries(d->fdb, (uint32_t)s) : 0);
			ctl_u64(o, "max_macs", max == VTEP_MAX_MACS_UNLIMITED ? 0 : max);   /* 0: no limit */
			ctl_u64(o, "learn_refused", pc->learn_refused);
			ctl_u64(o, "learn_limit", limit);
			if (container) {
				/* learned IP bindings (the gateway's ARP/ND table) */
				ctl_u64(o, "neighbors", d->ports[s].n_neigh);
				ctl_u64(o, "max_neighbors", vtepd_port_max_neighbors(d, (uint16_t)s));
				ctl_u64(o, "neighbors_refused", d->ports[s].neigh_refused);
			}
		}
		ctl_obj_begin(o, "drops");
		for (int r = 1; r < DP_DROP_MAX; r++)
			if (pc->drops[r] || ctl_is_json(o))
				ctl_u64(o, dp_drop_name((enum dp_drop)r), pc->drops[r]);
		{
			/* our multi-buffer AF_XDP port drops before the fast path sees a packet */
			const struct dp_xsk *x = stats_port_xsk(d, s);

			if (x) {
				ctl_u64(o, "xsk_rx_no_mbuf", dp_xsk_stats(x)->rx_no_mbuf);
				ctl_u64(o, "xsk_rx_too_long", dp_xsk_stats(x)->rx_too_long);
			}
		}
		ctl_obj_end(o);
		ctl_obj_end(o);
	}
	ctl_list_end(o);

	ctl_list_begin(o, "vnis");
	{
		/* the L2 VNIs, then the VRFs' L3 VNIs (what crossed them routed) */
		uint16_t idx[VTEP_MAX_VNIS];
		uint32_t vni[VTEP_MAX_VNIS];
		size_t n = stats_vnis(d, idx, vni);

		for (size_t i = 0; i < n; i++)
			show_stats_vni(o, vni[i], &d->counters->vnis[idx[i]]);
	}
	ctl_list_end(o);

	show_stats_vrfs(o, d);
	return 0;
}

/* ---- attach / detach ---- */
static int cmd_attach(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct vtep_port_config pc;
	bool have_vni = false, have_id = false;
	char err[512];
	int rc;

	memset(&pc, 0, sizeof(pc));
	if (argc < 1 || strlen(argv[0]) >= sizeof(pc.name)) {
		ctl_error(o, "usage: attach NAME vni N (netns NS | pid PID | memif SOCKET|auto [memif_id N]) [ifname IF] [mac MAC]"
			     " [ip A.B.C.D/LEN] [mtu N]"
			     " (NAME: 1 to 15 characters)");
		return EINVAL;
	}
	snprintf(pc.name, sizeof(pc.name), "%s", argv[0]);
	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t n;

		if (!v) {
			ctl_error(o, "attach: '%s' needs a value", k);
			return EINVAL;
		}
		if (strcmp(k, "vni") == 0) {
			if (parse_u32(v, VTEP_VNI_MAX, &n) || n == 0) {
				ctl_error(o, "attach: bad VNI '%s' (expected 1 to %u)", v, VTEP_VNI_MAX);
				return EINVAL;
			}
			pc.vni = n;
			have_vni = true;
		} else if (strcmp(k, "netns") == 0) {
			if (vtep_netns_check(v)) {
				ctl_error(o, "attach: bad netns '%s' (expected a name as in 'ip netns' or an absolute path, printable, no whitespace, shorter than %d characters)",
					  v, VTEP_NETNS_MAX);
				return EINVAL;
			}
			snprintf(pc.netns, sizeof(pc.netns), "%s", v);
		} else if (strcmp(k, "memif") == 0) {
			if (strcmp(v, "auto") && vtep_memif_socket_check(v)) {
				ctl_error(o, "attach: bad memif socket '%s' (expected auto or an absolute path shorter than %d characters, without ',', '=' or whitespace)",
					  v, VTEP_MEMIF_SOCKET_MAX);
				return EINVAL;
			}
			pc.type = VTEP_PORT_MEMIF;
			if (strcmp(v, "auto"))
				snprintf(pc.socket, sizeof(pc.socket), "%s", v);
		} else if (strcmp(k, "memif_id") == 0) {
			if (parse_u32(v, UINT32_MAX, &n)) {
				ctl_error(o, "attach: bad memif_id '%s' (expected 0 to %u)", v, UINT32_MAX);
				return EINVAL;
			}
			pc.memif_id = n;
			have_id = true;
		} else if (strcmp(k, "pid") == 0) {
			if (parse_u32(v, INT32_MAX, &n) || n == 0) {
				ctl_error(o, "attach: bad pid '%s'", v);
				return EINVAL;
			}
			pc.pid = (int)n;
		} else if (strcmp(k, "ifname") == 0) {
			if (vtep_ifname_check(v)) {
				ctl_error(o, "attach: bad interface name '%s' (1 to 15 printable characters without '/', ':', ',', '=' or whitespace)", v);
				return EINVAL;
			}
			snprintf(pc.ifname, sizeof(pc.ifname), "%s", v);
		} else if (strcmp(k, "mac") == 0) {
			if (vtep_parse_mac(v, pc.mac) || (pc.mac[0] & 1) || !(pc.mac[0] | pc.mac[1] | pc.mac[2] |
									  pc.mac[3] | pc.mac[4] | pc.mac[5])) {
				ctl_error(o, "attach: bad MAC '%s' (expected a unicast xx:xx:xx:xx:xx:xx)", v);
				return EINVAL;
			}
			pc.has_mac = true;
		} else if (strcmp(k, "ip") == 0) {
			if (vtep_parse_ipv4_prefix(v, &pc.ip, &pc.prefix_len)) {
				ctl_error(o, "attach: bad address '%s' (expected A.B.C.D/LEN)", v);
				return EINVAL;
			}
			pc.has_ip = true;
		} else if (strcmp(k, "mtu") == 0) {
			if (parse_u32(v, 65535, &n) || n == 0) {
				ctl_error(o, "attach: bad MTU '%s'", v);
				return EINVAL;
			}
			pc.mtu = n;
		} else {
			ctl_error(o, "attach: unknown option '%s' (expected vni, netns, pid, memif, memif_id, ifname, mac, ip or mtu)", k);
			return EINVAL;
		}
	}
	if (!have_vni) {
		ctl_error(o, "attach %s: 'vni N' is required", pc.name);
		return EINVAL;
	}
	if (pc.type == VTEP_PORT_MEMIF) {
		if (pc.netns[0] || pc.pid || pc.ifname[0]) {
			ctl_error(o, "attach %s: a memif port takes no netns, pid or ifname (its client connects to the socket)",
				  pc.name);
			return EINVAL;
		}
	} else if (have_id) {
		ctl_error(o, "attach %s: memif_id needs 'memif SOCKET'", pc.name);
		return EINVAL;
	} else if (!pc.netns[0] == (pc.pid == 0)) {
		ctl_error(o, "attach %s: give exactly one of 'netns NS', 'pid PID' or 'memif SOCKET'", pc.name);
		return EINVAL;
	}
	rc = vtepd_port_attach(d, &pc, false, err, sizeof(err));
	if (rc) {
		ctl_error(o, "attach %s: %s", pc.name, err);
		return rc;
	}
	ctl_str(o, "attached", pc.name);
	return 0;
}

static int cmd_detach(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	char err[256];
	int rc;

	if (argc != 1) {
		ctl_error(o, "usage: detach NAME");
		return EINVAL;
	}
	rc = vtepd_port_detach(d, argv[0], err, sizeof(err));
	if (rc) {
		ctl_error(o, "detach: %s", err);
		return rc;
	}
	ctl_str(o, "detached", argv[0]);
	return 0;
}

/* ---- vni add / del ---- */
#define VNI_ADD_USAGE "vni add N [vrf NAME] [gateway A.B.C.D/LEN] [gateway6 X::Y/LEN] [mtu N] [learning on|off]" \
		      " [flood A.B.C.D,...] [max_macs N]"

static int cmd_vni_add(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct vtep_vni_config vc;
	char err[512];
	uint16_t vi;
	int rc;

	if (argc < 1) {
		ctl_error(o, "usage: " VNI_ADD_USAGE);
		return EINVAL;
	}
	rc = vtepd_vni_parse(d, argc, argv, &vc, err, sizeof(err));
	if (!rc)
		rc = vtepd_vni_add(d, &vc, &vi, err, sizeof(err));
	if (rc) {
		ctl_error(o, "vni add %s: %s", argv[0], err);
		return rc;
	}
	ctl_u64(o, "added", d->vnis[vi].vni);
	return 0;
}

static int cmd_vni_del(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	char err[768];
	uint32_t vni;
	int rc;

	if (argc != 1) {
		ctl_error(o, "usage: vni del N");
		return EINVAL;
	}
	if (parse_u32(argv[0], VTEP_VNI_MAX, &vni) || vni == 0) {
		ctl_error(o, "vni del: bad VNI '%s' (expected 1 to %u)", argv[0], VTEP_VNI_MAX);
		return EINVAL;
	}
	rc = vtepd_vni_del(d, vni, err, sizeof(err));
	if (rc) {
		ctl_error(o, "vni del %u: %s", vni, err);
		return rc;
	}
	ctl_u64(o, "deleted", vni);
	return 0;
}

/* ---- vrf add / del ---- */
#define VRF_ADD_USAGE "vrf add NAME l3vni N [router_mac MAC] [max_ipv4_routes N] [max_ipv6_routes N]" \
		      " [advertise PREFIX,...] [advertise_subnets on|off]"

static int cmd_vrf_add(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct vtep_vrf_config vc;
	char err[512];
	uint16_t k;
	int rc;

	if (argc < 1) {
		ctl_error(o, "usage: " VRF_ADD_USAGE);
		return EINVAL;
	}
	rc = vtepd_vrf_parse(d, argc, argv, &vc, err, sizeof(err));
	if (!rc)
		rc = vtepd_vrf_add(d, &vc, &k, err, sizeof(err));
	if (rc) {
		ctl_error(o, "vrf add %s: %s", argv[0], err);
		return rc;
	}
	ctl_str(o, "added", d->cfg.vrfs[k].name);
	ctl_u64(o, "l3vni", d->vrfs[k].l3vni);
	return 0;
}

static int cmd_vrf_del(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	char err[768];
	int rc;

	if (argc != 1) {
		ctl_error(o, "usage: vrf del NAME");
		return EINVAL;
	}
	rc = vtepd_vrf_del(d, argv[0], err, sizeof(err));
	if (rc) {
		ctl_error(o, "vrf del %s: %s", argv[0], err);
		return rc;
	}
	ctl_str(o, "deleted", argv[0]);
	return 0;
}

/* ---- BGP EVPN ---- */
static int cmd_show_bgp_summary(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct bgp *b = fabric_speaker(d);
	uint64_t now = (uint64_t)time(NULL);

	(void)argv;
	if (argc) {
		ctl_error(o, "usage: show bgp summary");
		return EINVAL;
	}
	if (!b) {
		ctl_error(o, "BGP is not configured (no bgp section)");
		return ENOENT;
	}
	ctl_u64(o, "asn", d->cfg.bgp.asn);
	ctl_ip(o, "router_id", d->cfg.bgp.router_id);
	ctl_u64(o, "unknown_connections", bgp_unknown_accepts(b));   /* refused: not a neighbour's address */
	ctl_list_begin(o, "neighbors");
	for (size_t i = 0; i < bgp_peer_count(b); i++) {
		struct bgp_peer *p = bgp_peer_at(b, i);
		const struct bgp_peer_config *pc = bgp_peer_config(p);
		struct bgp_peer_stats st;
		struct stats_peer sp;           /* the numbers /metrics has too */

		bgp_peer_get_stats(p, &st);
		stats_peer(d, i, now, &sp);
		ctl_obj_begin(o, NULL);
		ctl_ip(o, "neighbor", pc->addr);
		ctl_u64(o, "remote_as", pc->remote_as);
		ctl_str(o, "state", bgp_state_name(st.state));
		if (pc->source_ifname[0])
			ctl_str(o, "update_source", pc->source_ifname);
		else if (pc->source_addr)
			ctl_ip(o, "update_source", pc->source_addr);
		else
			ctl_str(o, "update_source", "-");
		ctl_u64(o, "uptime", sp.uptime);
		ctl_u64(o, "routes_received", sp.received);
		ctl_u64(o, "routes_accepted", sp.accepted);
		ctl_u64(o, "routes_sent", sp.sent);
		ctl_u64(o, "msgs_in", sp.msgs_in);
		ctl_u64(o, "msgs_out", sp.msgs_out);
		ctl_u64(o, "updates_in", sp.updates_in);
		ctl_u64(o, "updates_out", sp.updates_out);
		ctl_u64(o, "rejected", sp.rejected);
		/* RFC 7606: UPDATEs that reset the session, UPDATEs and single routes treated as withdrawn */
		ctl_u64(o, "updates_reset", sp.updates_reset);
		ctl_u64(o, "treat_as_withdraw", sp.treat_as_withdraw);
		ctl_u64(o, "malformed_routes", sp.malformed);
		if (ctl_is_json(o)) {
			ctl_obj_begin(o, "malformed_by_reason");
			for (int r = EVPN_NLRI_OK + 1; r < EVPN_NLRI_ERR_MAX; r++)
				ctl_u64(o, evpn_nlri_err_name((enum evpn_nlri_err)r), st.evpn_bad[r]);
			ctl_obj_end(o);
			ctl_u64(o, "malformed_withdrawn", st.evpn_bad_withdrawn);
			ctl_u64(o, "attrs_discarded", st.attrs_discarded);
			ctl_u64(o, "type5_label0_withdrawn", st.evpn_label0);
			ctl_u64(o, "type5_host_bits_cleared", st.evpn_host_bits);
			ctl_u64(o, "error_logs_suppressed", st.bad_logs_suppressed);
			ctl_u64(o, "established_count", st.established_count);   /* a reset or a reload's change shows here */
			ctl_str(o, "description", pc->description);
		}
		ctl_str(o, "last_error", st.last_error[0] ? st.last_error : "-");
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	return 0;
}

struct show_routes_ctx {
	struct vtepd *d;
	struct ctl_out *o;
	int type;                 /* 0: all */
	uint16_t vni_idx;         /* DP_NO_ID: all */
};

static void show_route_fields(struct show_routes_ctx *c, const struct evpn_route *r, uint16_t vni_idx)
{
	char buf[64];

	evpn_rd_format(r->rd, buf, sizeof(buf));
	ctl_u64(c->o, "type", r->type);
	ctl_str(c->o, "rd", buf);
	ctl_u64(c->o, "vni", vni_idx < c->d->n_vnis ? c->d->vnis[vni_idx].vni : 0);
	if (r->type == EVPN_RT_MAC_IP) {
		fmt_mac(buf, sizeof(buf), r->mac);
		ctl_str(c->o, "mac", buf);
	} else {
		ctl_str(c->o, "mac", "-");
	}
	if (r->type == EVPN_RT_IP_PREFIX) {
		fmt_prefix(buf, sizeof(buf), r->ip_len, r->ip, r->prefix_len);
		ctl_str(c->o, "ip", buf);
	} else if (r->ip_len == 32) {
		inet_ntop(AF_INET, r->ip, buf, sizeof(buf));
		ctl_str(c->o, "ip", buf);
	} else if (r->ip_len == 128) {
		inet_ntop(AF_INET6, r->ip, buf, sizeof(buf));
		ctl_str(c->o, "ip", buf);
	} else {
		ctl_str(c->o, "ip", "-");
	}
}

static void show_route_path(const struct evpn_rib_path_info *p, void *arg)
{
	struct show_routes_ctx *c = arg;
	char rts[EVPN_RIB_MAX_RT * 24 + 1] = "";

	if ((c->type && p->route->type != c->type) || (c->vni_idx != DP_NO_ID && p->vni_idx != c->vni_idx))
		return;
	for (uint32_t i = 0; i < p->n_rt; i++) {
		char one[32];

		evpn_ec_format(p->rts[i], one, sizeof(one));
		snprintf(rts + strlen(rts), sizeof(rts) - strlen(rts), "%s%s", i ? " " : "", one);
	}
	ctl_obj_begin(c->o, NULL);
	show_route_fields(c, p->route, p->vni_idx);
	ctl_ip(c->o, "nexthop", p->nexthop);
	ctl_ip(c->o, "peer", p->peer);
	ctl_str(c->o, "rt", rts[0] ? rts : "-");
	ctl_u64(c->o, "seq", p->seq);
	ctl_u64(c->o, "local_pref", p->local_pref);
	ctl_bool(c->o, "best", p->best);
	ctl_bool(c->o, "stale", p->stale);
	ctl_bool(c->o, "imported", p->vni_idx != UINT16_MAX || p->l3vni);
	ctl_obj_end(c->o);
}

/* A list of route targets as text, space-separated. */
static void fmt_rts(char *buf, size_t size, const uint64_t *rts, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[32];

		evpn_ec_format(rts[i], one, sizeof(one));
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? " " : "", one);
	}
}

static void show_local_route(const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, void *arg)
{
	struct show_routes_ctx *c = arg;
	char rts[EVPN_RIB_MAX_RT * 24 + 1];
	uint64_t ec[EVPN_RIB_MAX_RT];
	size_t n_ec;
	uint8_t rd[8];

	(void)sticky;
	if ((c->type && r->type != c->type) || (c->vni_idx != DP_NO_ID && vni_idx != c->vni_idx))
		return;
	evpn_rib_vni_info(fabric_rib(c->d), vni_idx, rd, ec, &n_ec);
	fmt_rts(rts, sizeof(rts), ec, n_ec);
	ctl_obj_begin(c->o, NULL);
	show_route_fields(c, r, vni_idx);
	ctl_ip(c->o, "nexthop", c->d->cfg.source_ip);
	ctl_str(c->o, "peer", "local");
	ctl_str(c->o, "rt", rts[0] ? rts : "-");
	ctl_u64(c->o, "seq", seq);
	ctl_u64(c->o, "local_pref", c->d->cfg.bgp.local_pref);   /* what iBGP peers are sent */
	ctl_bool(c->o, "best", true);
	ctl_bool(c->o, "stale", false);
	ctl_bool(c->o, "imported", true);
	ctl_obj_end(c->o);
}

/* ---- type 5 and the IP-VRFs ---- */

static const char *vrf_name(const struct vtepd *d, uint32_t l3vni)
{
	for (uint32_t i = 0; i < d->cfg.n_vrfs; i++)
		if (d->cfg.vrfs[i].l3vni == l3vni)
			return d->cfg.vrfs[i].name;
	return "-";
}

static void ctl_mac(struct ctl_out *o, const char *key, const uint8_t mac[6])
{
	char buf[18];

	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		ctl_str(o, key, "-");
		return;
	}
	fmt_mac(buf, sizeof(buf), mac);
	ctl_str(o, key, buf);
}

/* Our type-5 routes, as the rows of show bgp evpn (with_vni) or of its type-5 view. */
static void show_local_prefixes(struct ctl_out *o, const struct vtepd *d, bool type5_view)
{
	size_t n;
	const struct evpn_adv_prefix *pf = fabric_prefixes(d, &n);

	for (size_t i = 0; i < n; i++) {
		const struct evpn_adv_vrf *v = fabric_vrf(d, pf[i].vrf);
		char buf[INET6_ADDRSTRLEN + 8], rts[EVPN_RIB_MAX_RT * 24 + 1];

		if (!v)
			continue;
		fmt_rts(rts, sizeof(rts), v->export_rt, v->n_export);
		ctl_obj_begin(o, NULL);
		if (type5_view) {
			fmt_prefix(buf, sizeof(buf), pf[i].ip_len, pf[i].prefix, pf[i].prefix_len);
			ctl_str(o, "prefix", buf);
			evpn_rd_format(v->rd, buf, sizeof(buf));
			ctl_str(o, "rd", buf);
		} else {
			ctl_u64(o, "type", EVPN_RT_IP_PREFIX);
			evpn_rd_format(v->rd, buf, sizeof(buf));
			ctl_str(o, "rd", buf);
			ctl_u64(o, "vni", 0);
			ctl_str(o, "mac", "-");
			fmt_prefix(buf, sizeof(buf), pf[i].ip_len, pf[i].prefix, pf[i].prefix_len);
			ctl_str(o, "ip", buf);
		}
		ctl_ip(o, "nexthop", d->cfg.source_ip);
		ctl_str(o, "peer", "local");
		if (type5_view) {
			ctl_mac(o, "router_mac", v->rmac);
			ctl_u64(o, "l3vni", v->l3vni);
			ctl_str(o, "vrf", d->cfg.vrfs[pf[i].vrf].name);
		}
		ctl_str(o, "rt", rts[0] ? rts : "-");
		if (!type5_view) {
			ctl_u64(o, "seq", 0);
			ctl_u64(o, "local_pref", d->cfg.bgp.local_pref);
		}
		ctl_bool(o, "best", true);
		ctl_bool(o, "stale", false);
		ctl_bool(o, "imported", true);
		ctl_obj_end(o);
	}
}

static void show_t5_path(const struct evpn_rib_path_info *p, void *arg)
{
	struct show_routes_ctx *c = arg;
	const struct evpn_route *r = p->route;
	char buf[INET6_ADDRSTRLEN + 8], rts[EVPN_RIB_MAX_RT * 24 + 1];

	if (r->type != EVPN_RT_IP_PREFIX)
		return;
	fmt_rts(rts, sizeof(rts), p->rts, p->n_rt);
	ctl_obj_begin(c->o, NULL);
	fmt_prefix(buf, sizeof(buf), r->ip_len, r->ip, r->prefix_len);
	ctl_str(c->o, "prefix", buf);
	evpn_rd_format(r->rd, buf, sizeof(buf));
	ctl_str(c->o, "rd", buf);
	ctl_ip(c->o, "nexthop", p->nexthop);
	ctl_ip(c->o, "peer", p->peer);
	ctl_mac(c->o, "router_mac", p->rmac);
	ctl_u64(c->o, "l3vni", r->label1);
	ctl_str(c->o, "vrf", p->l3vni ? vrf_name(c->d, p->l3vni) : "-");
	ctl_str(c->o, "rt", rts[0] ? rts : "-");
	ctl_bool(c->o, "best", p->best);
	ctl_bool(c->o, "stale", p->stale);
	ctl_bool(c->o, "imported", p->l3vni != 0);
	ctl_obj_end(c->o);
}

static void show_vrf_route(const struct evpn_rib_l3 *r, void *arg)
{
	struct show_routes_ctx *c = arg;
	char buf[INET6_ADDRSTRLEN + 8];

	ctl_obj_begin(c->o, NULL);
	ctl_str(c->o, "vrf", vrf_name(c->d, r->l3vni));
	fmt_prefix(buf, sizeof(buf), r->ip_len, r->prefix, r->prefix_len);
	ctl_str(c->o, "prefix", buf);
	ctl_str(c->o, "source", r->source == EVPN_RT_IP_PREFIX ? "type-5" : "host");
	ctl_ip(c->o, "nexthop", r->vtep_ip);
	ctl_mac(c->o, "router_mac", r->rmac);
	ctl_u64(c->o, "vni", r->vni);
	ctl_ip(c->o, "peer", r->peer);
	ctl_obj_end(c->o);
}

/* show bgp evpn type 5: our IP-VRFs, the type-5 paths (ours and received), each VRF's best routes. */
static int show_bgp_evpn_type5(struct ctl_out *o, struct show_routes_ctx *c)
{
	struct vtepd *d = c->d;

	ctl_list_begin(o, "vrfs");
	for (uint32_t i = 0; i < d->cfg.n_vrfs; i++) {
		const struct evpn_adv_vrf *v = fabric_vrf(d, i);
		const struct evpn_rib_vrf *rv = fabric_rib_vrf(d, i);
		char rts[EVPN_RIB_MAX_RT * 24 + 1], buf[32];

		if (!v || !rv || !d->cfg.vrfs[i].l3vni)
			continue;
		ctl_obj_begin(o, NULL);
		ctl_str(o, "vrf", d->cfg.vrfs[i].name);
		ctl_u64(o, "l3vni", v->l3vni);
		evpn_rd_format(v->rd, buf, sizeof(buf));
		ctl_str(o, "rd", buf);
		ctl_mac(o, "router_mac", v->rmac);
		fmt_rts(rts, sizeof(rts), rv->import, rv->n_import);
		ctl_str(o, "import_rt", rts);
		ctl_bool(o, "import_auto", rv->auto_rt);
		fmt_rts(rts, sizeof(rts), v->export_rt, v->n_export);
		ctl_str(o, "export_rt", rts);
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	ctl_list_begin(o, "routes");
	show_local_prefixes(o, d, true);
	evpn_rib_walk(fabric_rib(d), show_t5_path, c);
	ctl_list_end(o);
	ctl_list_begin(o, "vrf_routes");
	evpn_rib_walk_l3(fabric_rib(d), show_vrf_route, c);
	ctl_list_end(o);
	return 0;
}

#define SHOW_BGP_EVPN_USAGE "show bgp evpn [type 2|3|5] [vni N]"

static int cmd_show_bgp_evpn(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct show_routes_ctx c = { .d = d, .o = o, .type = 0, .vni_idx = DP_NO_ID };

	if (!fabric_rib(d)) {
		ctl_error(o, "BGP is not configured (no bgp section)");
		return ENOENT;
	}
	for (int i = 0; i < argc; i += 2) {
		uint32_t v;

		if (i + 1 >= argc || parse_u32(argv[i + 1], VTEP_VNI_MAX, &v)) {
			ctl_error(o, "usage: " SHOW_BGP_EVPN_USAGE);
			return EINVAL;
		}
		if (!strcmp(argv[i], "type") && (v == 2 || v == 3 || v == 5)) {
			c.type = (int)v;
		} else if (!strcmp(argv[i], "vni")) {
			c.vni_idx = vtepd_vni_index(d, v);
			if (c.vni_idx == DP_NO_ID) {
				ctl_error(o, "VNI %u is not configured", v);
				return ENOENT;
			}
		} else {
			ctl_error(o, "usage: " SHOW_BGP_EVPN_USAGE);
			return EINVAL;
		}
	}
	if (c.type == EVPN_RT_IP_PREFIX) {
		if (c.vni_idx != DP_NO_ID) {
			ctl_error(o, "type-5 routes belong to VRFs, not VNIs: show bgp evpn type 5 takes no vni");
			return EINVAL;
		}
		return show_bgp_evpn_type5(o, &c);
	}
	/* our own RD and route targets per VNI */
	ctl_list_begin(o, "vnis");
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		char rts[EVPN_RIB_MAX_RT * 24 + 1], buf[32];
		uint64_t ec[EVPN_RIB_MAX_RT];
		size_t n_ec;
		uint8_t rd[8];
		bool auto_rt;

		if ((c.vni_idx != DP_NO_ID && i != c.vni_idx) || !d->vnis[i].vni)
			continue;
		ctl_obj_begin(o, NULL);
		ctl_u64(o, "vni", d->vnis[i].vni);
		evpn_rib_vni_info(fabric_rib(d), i, rd, ec, &n_ec);
		evpn_rd_format(rd, buf, sizeof(buf));
		ctl_str(o, "rd", buf);
		evpn_rib_vni_import(fabric_rib(d), i, ec, &n_ec, &auto_rt);
		fmt_rts(rts, sizeof(rts), ec, n_ec);
		ctl_str(o, "import_rt", rts);
		ctl_bool(o, "import_auto", auto_rt);   /* the auto ASN:VNI, matched on the VNI alone from eBGP */
		evpn_rib_vni_info(fabric_rib(d), i, rd, ec, &n_ec);
		fmt_rts(rts, sizeof(rts), ec, n_ec);
		ctl_str(o, "export_rt", rts);
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	ctl_list_begin(o, "routes");
	evpn_rib_walk_local(fabric_rib(d), show_local_route, &c);
	if (!c.type && c.vni_idx == DP_NO_ID)
		show_local_prefixes(o, d, false);
	evpn_rib_walk(fabric_rib(d), show_route_path, &c);
	ctl_list_end(o);
	return 0;
}

static int cmd_show_evpn_vni(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;
	struct evpn_rib *rib = fabric_rib(d);
	uint16_t only = DP_NO_ID;

	if (!rib) {
		ctl_error(o, "BGP is not configured (no bgp section)");
		return ENOENT;
	}
	if (argc == 1) {
		uint32_t v;

		if (parse_u32(argv[0], VTEP_VNI_MAX, &v) || (only = vtepd_vni_index(d, v)) == DP_NO_ID) {
			ctl_error(o, "VNI '%s' is not configured", argv[0]);
			return ENOENT;
		}
	} else if (argc) {
		ctl_error(o, "usage: show evpn vni [N]");
		return EINVAL;
	}
	ctl_list_begin(o, "vnis");
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		uint64_t rts[EVPN_RIB_MAX_RT];
		size_t n_rts;
		uint8_t rd[8];
		char buf[64], list[EVPN_RIB_MAX_RT * 24 + 1] = "", vteps[VTEPD_MAX_FLOOD * 16 + 1] = "";

		if ((only != DP_NO_ID && i != only) || !d->vnis[i].vni)
			continue;
		evpn_rib_vni_info(rib, i, rd, rts, &n_rts);
		for (size_t k = 0; k < n_rts; k++) {
			evpn_ec_format(rts[k], buf, sizeof(buf));
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", k ? " " : "", buf);
		}
		for (uint16_t f = 0; f < d->vnis[i].n_flood; f++) {
			inet_ntop(AF_INET, &d->vteps[d->vnis[i].flood[f]].ip, buf, sizeof(buf));
			snprintf(vteps + strlen(vteps), sizeof(vteps) - strlen(vteps), "%s%s", f ? " " : "", buf);
		}
		ctl_obj_begin(o, NULL);
		ctl_u64(o, "vni", d->vnis[i].vni);
		evpn_rd_format(rd, buf, sizeof(buf));
		ctl_str(o, "rd", buf);
		ctl_str(o, "export_rt", list);
		ctl_str(o, "remote_vteps", vteps[0] ? vteps : "-");
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	return 0;
}

/* ---- show vrfs ---- */
struct vrf_route_counts {
	uint32_t l3vni;
	uint64_t type5, host;
};

static void count_vrf_route(const struct evpn_rib_l3 *r, void *arg)
{
	struct vrf_route_counts *c = arg;

	if (r->l3vni != c->l3vni)
		return;
	if (r->source == EVPN_RT_IP_PREFIX)
		c->type5++;
	else
		c->host++;
}

/* The tenant VRFs: L3 VNI, router MAC, RD and RTs (with BGP), member VNIs and their gateways. */
static int cmd_show_vrfs(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;

	(void)argv;
	if (argc) {
		ctl_error(o, "usage: show vrfs");
		return EINVAL;
	}
	ctl_list_begin(o, "vrfs");
	for (uint32_t i = 0; i < d->cfg.n_vrfs; i++) {
		const struct vtep_vrf_config *vc = &d->cfg.vrfs[i];
		const struct evpn_adv_vrf *v = fabric_vrf(d, i);
		const struct evpn_rib_vrf *rv = fabric_rib_vrf(d, i);
		struct vrf_route_counts rc = { .l3vni = vc->l3vni };
		struct fabric_vrf_stats st;
		char buf[INET6_ADDRSTRLEN + 8], rts[EVPN_RIB_MAX_RT * 24 + 1];
		uint8_t rmac[6];
		size_t n_pf, n_adv = 0;
		const struct evpn_adv_prefix *pf = fabric_prefixes(d, &n_pf);

		if (!vc->l3vni)
			continue;          /* the slot of a VRF deleted at run time */
		for (size_t k = 0; k < n_pf; k++)
			n_adv += pf[k].vrf == i;
		if (fabric_rib(d))
			evpn_rib_walk_l3(fabric_rib(d), count_vrf_route, &rc);
		fabric_vrf_get_stats(d, i, &st);
		ctl_obj_begin(o, NULL);
		ctl_str(o, "name", vc->name);
		ctl_u64(o, "l3vni", vc->l3vni);
		ctl_str(o, "origin", i < d->n_vrfs && d->vrfs[i].runtime ? "runtime" : "config");
		fabric_router_mac(d, i, rmac);
		ctl_mac(o, "router_mac", rmac);
		if (v && rv) {
			evpn_rd_format(v->rd, buf, sizeof(buf));
			ctl_str(o, "rd", buf);
			fmt_rts(rts, sizeof(rts), rv->import, rv->n_import);
			ctl_str(o, "import_rt", rts);
			fmt_rts(rts, sizeof(rts), v->export_rt, v->n_export);
			ctl_str(o, "export_rt", rts);
		} else {
			/* without BGP nothing is announced: no RD, no RTs */
			ctl_str(o, "rd", "-");
			ctl_str(o, "import_rt", "-");
			ctl_str(o, "export_rt", "-");
		}
		ctl_u64(o, "advertised_prefixes", n_adv);
		ctl_u64(o, "type5_routes", rc.type5);
		ctl_u64(o, "host_routes", rc.host);
		ctl_u64(o, "route_updates", st.l3_updates);
		ctl_u64(o, "route_withdrawals", st.l3_withdrawals);
		/* what of it is in the VRF's route table (show routes) */
		ctl_u64(o, "remote_routes", i < d->n_vrfs ? d->vrfs[i].remote_routes : 0);
		ctl_u64(o, "remote_refused", i < d->n_vrfs ? d->vrfs[i].remote_refused : 0);
		ctl_u64(o, "local_moved", i < d->n_vrfs ? d->vrfs[i].local_moved : 0);
		ctl_list_begin(o, "vnis");
		for (uint32_t k = 0; k < d->cfg.n_vnis; k++) {
			const struct vtep_vni_config *nc = &d->cfg.vnis[k];

			if (nc->vrf != i || !nc->vni)
				continue;
			ctl_obj_begin(o, NULL);
			ctl_u64(o, "vni", nc->vni);
			if (nc->gw4_on) {
				fmt_prefix(buf, sizeof(buf), 32, (const uint8_t *)&nc->gw4, nc->gw4_len);
				ctl_str(o, "gateway4", buf);
			} else {
				ctl_str(o, "gateway4", "-");
			}
			if (nc->gw6_on) {
				fmt_prefix(buf, sizeof(buf), 128, nc->gw6, nc->gw6_len);
				ctl_str(o, "gateway6", buf);
			} else {
				ctl_str(o, "gateway6", "-");
			}
			ctl_obj_end(o);
		}
		ctl_list_end(o);
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	return 0;
}

/* ---- show routes ---- */
/*
 * Every VRF's routes (or one VRF's), the best path of each prefix as its RIB holds it, sorted by
 * family, address and length. Streamed: one VRF's routes are copied and sorted at a time (at
 * most its table's size), and sent SHOW_ROUTES_STEP_ROWS at a time as the client reads.
 */
#define SHOW_ROUTES_USAGE "show routes [vrf NAME]"
#define SHOW_NEIGHBORS_USAGE "show neighbors [vrf NAME]"
#define SHOW_ROUTES_STEP_ROWS 256

struct show_routes_state {
	struct vtepd *d;
	uint16_t k, k_end;             /* the VRF being sent, and the end of the range */
	bool loaded;                   /* rows hold VRF k's routes */
	bool nomem;
	bool neighbors;                /* show neighbors: only the local hosts' routes, as neighbours */
	struct route_rib_info *rows;
	size_t n, cap, next;
	uint64_t count;
};

static int show_routes_collect(const struct route_rib_info *info, void *arg)
{
	struct show_routes_state *st = arg;

	if (st->neighbors && (info->src != ROUTE_SRC_LOCAL_HOST || info->nh.type != DP_ROUTE_NH_LOCAL))
		return 0;
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 256;
		struct route_rib_info *rows = realloc(st->rows, cap * sizeof(*rows));

		if (!rows) {
			st->nomem = true;
			return 1;
		}
		st->rows = rows;
		st->cap = cap;
	}
	st->rows[st->n++] = *info;
	return 0;
}

static int show_routes_cmp(const void *a, const void *b)
{
	const struct route_prefix *p = &((const struct route_rib_info *)a)->prefix;
	const struct route_prefix *q = &((const struct route_rib_info *)b)->prefix;
	int c;

	if (p->family != q->family)
		return p->family < q->family ? -1 : 1;
	c = memcmp(p->addr, q->addr, sizeof(p->addr));
	if (c)
		return c;
	return p->len < q->len ? -1 : p->len > q->len;
}

static void show_route_row(struct ctl_out *o, const struct vtepd *d, uint16_t k, const struct route_rib_info *r)
{
	const struct dp_route_nh *nh = &r->nh;
	char buf[ROUTE_PREFIX_STRLEN];

	ctl_obj_begin(o, NULL);
	ctl_str(o, "vrf", d->cfg.vrfs[k].name);
	route_prefix_format(&r->prefix, buf, sizeof(buf));
	ctl_str(o, "prefix", buf);
	ctl_str(o, "source", route_src_name(r->src));
	ctl_str(o, "nexthop", dp_route_nh_type_name(nh->type));
	if (nh->type == DP_ROUTE_NH_LOCAL)
		ctl_str(o, "port", nh->port <= VTEP_MAX_PORTS && d->ports[nh->port].in_use ?
				   d->ports[nh->port].conf.name : "?");
	else
		ctl_str(o, "port", NULL);
	if (nh->type == DP_ROUTE_NH_REMOTE && nh->vtep_id < VTEP_MAX_VTEPS && d->vteps[nh->vtep_id].ip)
		ctl_ip(o, "vtep", d->vteps[nh->vtep_id].ip);
	else
		ctl_str(o, "vtep", NULL);
	/* LOCAL: the host's MAC; REMOTE: the other leaf's router MAC (the inner destination) */
	if (nh->type == DP_ROUTE_NH_LOCAL || nh->type == DP_ROUTE_NH_REMOTE) {
		fmt_mac(buf, sizeof(buf), nh->mac);
		ctl_str(o, "mac", buf);
	} else {
		ctl_str(o, "mac", NULL);
	}
	/* LOCAL, GLEAN: the L2 VNI; REMOTE: the L3 VNI it is encapsulated in */
	if (nh->type == DP_ROUTE_NH_REMOTE)
		ctl_u64(o, "vni", nh->l3vni);
	else if ((nh->type == DP_ROUTE_NH_LOCAL || nh->type == DP_ROUTE_NH_GLEAN) && nh->vni_idx < d->n_vnis)
		ctl_u64(o, "vni", d->vnis[nh->vni_idx].vni);
	else
		ctl_str(o, "vni", NULL);
	ctl_u64(o, "paths", r->n_paths);
	ctl_bool(o, "installed", r->installed);
	ctl_obj_end(o);
}

/* A local host as the gateway's neighbour: its address, MAC, VNI and port. */
static void show_neighbor_row(struct ctl_out *o, const struct vtepd *d, uint16_t k, const struct route_rib_info *r)
{
	const struct dp_route_nh *nh = &r->nh;
	char buf[ROUTE_PREFIX_STRLEN], *slash;

	ctl_obj_begin(o, NULL);
	ctl_str(o, "vrf", d->cfg.vrfs[k].name);
	route_prefix_format(&r->prefix, buf, sizeof(buf));
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	ctl_str(o, "address", buf);
	fmt_mac(buf, sizeof(buf), nh->mac);
	ctl_str(o, "mac", buf);
	if (nh->vni_idx < d->n_vnis)
		ctl_u64(o, "vni", d->vnis[nh->vni_idx].vni);
	else
		ctl_str(o, "vni", NULL);
	ctl_str(o, "port", nh->port <= VTEP_MAX_PORTS && d->ports[nh->port].in_use ? d->ports[nh->port].conf.name : "?");
	ctl_bool(o, "installed", r->installed);
	ctl_obj_end(o);
}

static int show_routes_step(struct ctl_out *o, void *arg)
{
	struct show_routes_state *st = arg;
	unsigned rows = 0;

	while (rows < SHOW_ROUTES_STEP_ROWS) {
		if (!st->loaded) {
			if (st->k >= st->k_end)
				break;
			st->n = st->next = 0;
			if (st->d->vrfs[st->k].rib)
				route_rib_walk(st->d->vrfs[st->k].rib, show_routes_collect, st);
			if (st->nomem) {
				ctl_error(o, "out of memory listing the routes of VRF %s", st->d->cfg.vrfs[st->k].name);
				return ENOMEM;
			}
			qsort(st->rows, st->n, sizeof(st->rows[0]), show_routes_cmp);
			st->loaded = true;
		}
		if (st->next == st->n) {
			st->loaded = false;
			st->k++;
			continue;
		}
		if (st->neighbors)
			show_neighbor_row(o, st->d, st->k, &st->rows[st->next++]);
		else
			show_route_row(o, st->d, st->k, &st->rows[st->next++]);
		st->count++;
		rows++;
	}
	if (rows == SHOW_ROUTES_STEP_ROWS)
		return CTL_STREAM_MORE;
	ctl_list_end(o);
	if (ctl_is_json(o))
		ctl_u64(o, "count", st->count);
	return 0;
}

static void show_routes_free(void *arg)
{
	struct show_routes_state *st = arg;

	free(st->rows);
	free(st);
}

static int show_routes_or_neighbors(struct ctl_out *o, int argc, char **argv, struct vtepd *d, bool neighbors)
{
	struct show_routes_state *st;
	uint16_t k = 0, k_end = d->n_vrfs;

	if (argc != 0 && (argc != 2 || strcmp(argv[0], "vrf") != 0)) {
		ctl_error(o, "usage: %s", neighbors ? SHOW_NEIGHBORS_USAGE : SHOW_ROUTES_USAGE);
		return EINVAL;
	}
	if (argc == 2) {
		for (k = 0; k < d->n_vrfs && strcmp(d->cfg.vrfs[k].name, argv[1]) != 0; k++)
			;
		if (k == d->n_vrfs) {
			char names[VTEP_MAX_VRFS * 24] = "";
			size_t len = 0;

			for (uint16_t j = 0; j < d->n_vrfs && len < sizeof(names); j++)
				if (d->vrfs[j].l3vni)      /* not the slot of a VRF deleted at run time */
					len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "",
								d->cfg.vrfs[j].name);
			ctl_error(o, "no VRF '%s' (expected one of: %s)", argv[1], d->n_vrfs ? names : "none configured");
			return ENOENT;
		}
		k_end = (uint16_t)(k + 1);
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return ENOMEM;
	st->d = d;
	st->k = k;
	st->k_end = k_end;
	st->neighbors = neighbors;
	ctl_list_begin(o, neighbors ? "neighbors" : "routes");
	ctl_stream(o, show_routes_step, st, show_routes_free);
	return 0;
}

static int cmd_show_routes(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	return show_routes_or_neighbors(o, argc, argv, ctx, false);
}

/*
 * The gateways' neighbour table: every local host a VRF routes to (attached with an address, or
 * learned from its ARP), one row per address.
 */
static int cmd_show_neighbors(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	return show_routes_or_neighbors(o, argc, argv, ctx, true);
}

static const struct ctl_command vtepd_commands[] = {
	{ { "show", "bgp", "summary", NULL }, "show bgp summary", cmd_show_bgp_summary },
	{ { "show", "bgp", "evpn", NULL }, SHOW_BGP_EVPN_USAGE, cmd_show_bgp_evpn },
	{ { "show", "evpn", "vni", NULL }, "show evpn vni [N]", cmd_show_evpn_vni },
	{ { "show", "vnis", NULL }, "show vnis", cmd_show_vnis },
	{ { "show", "vrfs", NULL }, "show vrfs", cmd_show_vrfs },
	{ { "show", "routes", NULL }, SHOW_ROUTES_USAGE, cmd_show_routes },
	{ { "show", "neighbors", NULL }, SHOW_NEIGHBORS_USAGE, cmd_show_neighbors },
	{ { "show", "macs", NULL }, SHOW_MACS_USAGE, cmd_show_macs },
	{ { "show", "ports", NULL }, "show ports", cmd_show_ports },
	{ { "show", "vteps", NULL }, "show vteps", cmd_show_vteps },
	{ { "show", "arp", NULL }, "show arp", cmd_show_arp },
	{ { "show", "stats", NULL }, "show stats [fdb|vrfs]", cmd_show_stats },
	{ { "attach", NULL }, "attach NAME vni N (netns NS | pid PID | memif SOCKET|auto [memif_id N]) [ifname IF] [mac MAC]"
	  " [ip A.B.C.D/LEN] [mtu N]",
	  cmd_attach },
	{ { "detach", NULL }, "detach NAME", cmd_detach },
	{ { "vni", "add", NULL }, VNI_ADD_USAGE, cmd_vni_add },
	{ { "vni", "del", NULL }, "vni del N", cmd_vni_del },
	{ { "vrf", "add", NULL }, VRF_ADD_USAGE, cmd_vrf_add },
	{ { "vrf", "del", NULL }, "vrf del NAME", cmd_vrf_del },
	{ { "reload", NULL }, "reload", vtepd_cmd_reload },
	{ { "log", "level", NULL }, LOG_LEVEL_USAGE, cmd_log_level },
	{ { "show", "log", NULL }, "show log", cmd_show_log },
	{ { "trace", NULL }, VTEPD_TRACE_USAGE, vtepd_cmd_trace },
};

struct ctl_out *vtepd_commands_run(struct vtepd *d, bool json, int argc, char **argv)
{
	return ctl_run(vtepd_commands, sizeof(vtepd_commands) / sizeof(vtepd_commands[0]), d, json, argc, argv);
}

int vtepd_commands_start(struct vtepd *d)
{
	return ctl_server_new(d->ctl_fd, vtepd_commands, sizeof(vtepd_commands) / sizeof(vtepd_commands[0]), d,
			      &d->ctl);
}

void vtepd_commands_serve(struct vtepd *d)
{
	ctl_server_run(d->ctl, 0);
}

void vtepd_commands_stop(struct vtepd *d)
{
	ctl_server_free(d->ctl);
	d->ctl = NULL;
}

/* ---- the management API: the same commands over HTTP (api.c) ---- */
int vtepd_api_start(struct vtepd *d)
{
	struct api_config ac = {
		.socket_path = d->cfg.api_socket_path,
		.tcp = d->cfg.api_listen_on,
		.tcp_ip = d->cfg.api_listen_ip,
		.tcp_port = d->cfg.api_listen_port,
		.token_file = d->cfg.api_token_file[0] ? d->cfg.api_token_file : NULL,
	};
	char err[512] = "";
	int rc = api_server_open(&ac, vtepd_commands, sizeof(vtepd_commands) / sizeof(vtepd_commands[0]), d, &d->api,
				 err, sizeof(err));

	if (rc)
		vlog(VLOG_ERR, "management API: %s", err[0] ? err : strerror(rc));
	return rc;
}

void vtepd_api_serve(struct vtepd *d)
{
	api_server_run(d->api);
}

void vtepd_api_tick(struct vtepd *d, bool slow)
{
	api_server_tick(d->api, slow);
}

void vtepd_api_stop(struct vtepd *d)
{
	api_server_close(d->api);
	d->api = NULL;
}
