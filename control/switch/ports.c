/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ports.c: container ports. Attaching makes a veth pair with one end inside the
 * container's network namespace (MAC, address, MTU, checksum offload off), takes the host
 * end with DPDK's net_af_xdp PMD running our XDP program, and publishes the port to the
 * fast path. Detaching undoes all of it.
 *
 * Restarts keep containers connected. Every port is listed, with all its settings and
 * whether it came from the configuration or from vtepctl, in the state file
 * /run/vtepd/NAME.ports. On exit (SIGTERM) vtepd removes its XDP programs, DPDK ports and
 * memif sockets but leaves the container veths (and the state file) in place: the container
 * keeps its interface, index, addresses and routes. The next start (after a clean exit or
 * a SIGKILL alike) re-adopts each listed veth whose settings did not change: it takes the
 * host end again without touching the container's end. Ports attached at run time come
 * back the same way; a configuration port that is no longer in the configuration, or one
 * whose settings changed, is removed (and made anew in the second case). 'vtepctl detach'
 * removes a port entirely, state included.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring_elem.h>

#include "fdb.h"
#include "log.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"
#include "xdp.h"
#include "xsk.h"

/*
 * Each container port has its own mbuf pool. DPDK 22.11's net_af_xdp keeps about 2048
 * mbufs in a socket's fill ring and does not return them when the port is closed, so a
 * pool shared by all ports would shrink with every detach; a pool per port is freed whole
 * with it. Frames crossing to another port are copied into that port's UMEM by its PMD.
 */
#define PORT_POOL_MBUFS 4095
#define PORT_POOL_CACHE 64

static void vtepd_ports_state_path(const struct vtepd *d, char *path, size_t len)
{
	snprintf(path, len, "/run/vtepd/%s.ports", d->cfg.name);
}

/*
 * Ports listed by the state file of the previous vtepd, while this one starts: each is
 * taken again by the configuration's attach of the same name or by vtepd_ports_restore(),
 * and until then it stays listed in the state file.
 */
struct vtepd_saved_port {
	struct vtep_port_config conf;
	bool runtime;                      /* attached with vtepctl, not from the configuration */
	bool legacy;                       /* a line of an older vtepd: a name only */
	bool taken;
};
static struct vtepd_saved_port vtepd_saved[VTEP_MAX_PORTS];
static int vtepd_n_saved;
static bool vtepd_state_loaded;    /* this vtepd read the state file: it may rewrite or remove it */

static void vtepd_port_state_line(FILE *f, const struct vtep_port_config *c, bool runtime)
{
	const char *origin = runtime ? "runtime" : "config";
	char mac[24] = "-", ip[24] = "-";

	if (c->has_mac)
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0], c->mac[1], c->mac[2], c->mac[3],
			 c->mac[4], c->mac[5]);
	if (c->has_ip)
		snprintf(ip, sizeof(ip), "%s/%u", inet_ntoa((struct in_addr){ c->ip }), c->prefix_len);
	if (c->type == VTEP_PORT_MEMIF)
		fprintf(f, "memif %s %s %u %s %u %s %u\n", c->name, origin, c->vni, c->socket, c->memif_id, mac, c->mtu);
	else
		fprintf(f, "af_xdp %s %s %u %s %d %s %s %s %u\n", c->name, origin, c->vni, c->pid > 0 ? "-" : c->netns,
			c->pid, c->ifname, mac, ip, c->mtu);
}

/* Rewrite the state file: the attached ports, then those of the previous vtepd not yet taken. */
void vtepd_ports_state_save(const struct vtepd *d)
{
	char path[256], tmp[272];
	FILE *f;

	vtepd_ports_state_path(d, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	mkdir("/run/vtepd", 0700);
	f = fopen(tmp, "w");
	if (!f) {
		vlog(VLOG_WARN, "cannot write %s: %s", tmp, strerror(errno));
		return;
	}
	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		if (d->ports[s].in_use)
			vtepd_port_state_line(f, &d->ports[s].conf, !d->ports[s].from_config);
	for (int i = 0; i < vtepd_n_saved; i++) {
		const struct vtepd_saved_port *sp = &vtepd_saved[i];

		if (sp->taken)
			continue;
		if (sp->legacy && sp->conf.type == VTEP_PORT_MEMIF)
			fprintf(f, "memif %s\n", sp->conf.socket);
		else if (sp->legacy)
			fprintf(f, "%s\n", sp->conf.name);
		else
			vtepd_port_state_line(f, &sp->conf, sp->runtime);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		vlog(VLOG_WARN, "cannot write %s: %s", path, strerror(errno));
}

/* One line of the state file; false when it is not one we wrote. */
static bool vtepd_port_state_parse(char *line, struct vtepd_saved_port *sp)
{
	struct vtep_port_config *c = &sp->conf;
	char *tok[12], *save = NULL;
	int n = 0;
	unsigned long v;

	memset(sp, 0, sizeof(*sp));
	for (char *t = strtok_r(line, " \t", &save); t && n < 12; t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n == 1 || (n == 2 && !strcmp(tok[0], "memif"))) {
		/* written by an older vtepd: just what to remove */
		sp->legacy = true;
		if (n == 2) {
			c->type = VTEP_PORT_MEMIF;
			snprintf(c->socket, sizeof(c->socket), "%s", tok[1]);
			return vtep_memif_socket_check(c->socket) == 0;
		}
		snprintf(c->name, sizeof(c->name), "%s", tok[0]);
		return strlen(tok[0]) < sizeof(c->name) && vtep_ifname_check(c->name) == 0;
	}
	if (n < 8 || strlen(tok[1]) >= sizeof(c->name))
		return false;
	snprintf(c->name, sizeof(c->name), "%s", tok[1]);
	sp->runtime = !strcmp(tok[2], "runtime");
	c->vni = (uint32_t)strtoul(tok[3], NULL, 10);
	if (!strcmp(tok[0], "memif") && n == 8) {
		c->type = VTEP_PORT_MEMIF;
		snprintf(c->socket, sizeof(c->socket), "%s", tok[4]);
		c->memif_id = (uint32_t)strtoul(tok[5], NULL, 10);
		c->has_mac = strcmp(tok[6], "-") && vtep_parse_mac(tok[6], c->mac) == 0;
		v = strtoul(tok[7], NULL, 10);
		c->mtu = (uint32_t)v;
		return vtep_ifname_check(c->name) == 0 && vtep_memif_socket_check(c->socket) == 0;
	}
	if (strcmp(tok[0], "af_xdp") || n != 10)
		return false;
	c->type = VTEP_PORT_AF_XDP;
	c->pid = (int)strtol(tok[5], NULL, 10);
	if (c->pid <= 0)
		snprintf(c->netns, sizeof(c->netns), "%s", tok[4]);
	snprintf(c->ifname, sizeof(c->ifname), "%s", tok[6]);
	c->has_mac = strcmp(tok[7], "-") && vtep_parse_mac(tok[7], c->mac) == 0;
	c->has_ip = strcmp(tok[8], "-") && vtep_parse_ipv4_prefix(tok[8], &c->ip, &c->prefix_len) == 0;
	c->mtu = (uint32_t)strtoul(tok[9], NULL, 10);
	return vtep_ifname_check(c->name) == 0 && vtep_ifname_check(c->ifname) == 0 &&
	       (c->pid > 0 || vtep_netns_check(c->netns) == 0);
}

/* True when name is one of the uplinks' interfaces (an iface= of their devargs, or the exception interface). */
static bool vtepd_is_underlay_iface(const struct vtepd *d, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(name, d->cfg.underlay_ifname))
		return true;
	for (uint32_t u = 0; u < d->cfg.n_uplinks; u++) {
		const char *opt = strstr(d->cfg.uplinks[u].devargs, "iface=");

		if (!strcmp(name, d->cfg.uplinks[u].ifname))
			return true;
		if (opt && !strncmp(opt + 6, name, n) && (opt[6 + n] == ',' || opt[6 + n] == '\0'))
			return true;
	}
	return false;
}

void vtepd_ports_state_load(struct vtepd *d)
{
	char path[256], line[VTEP_NETNS_MAX + VTEP_MEMIF_SOCKET_MAX + 128];
	FILE *f;

	vtepd_n_saved = 0;
	vtepd_state_loaded = true;
	vtepd_ports_state_path(d, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && vtepd_n_saved < VTEP_MAX_PORTS) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (!vtepd_port_state_parse(line, &vtepd_saved[vtepd_n_saved]))
			vlog(VLOG_WARN, "%s: ignoring a line vtepd did not write", path);
		else if (vtepd_saved[vtepd_n_saved].conf.type == VTEP_PORT_AF_XDP &&
			 vtepd_is_underlay_iface(d, vtepd_saved[vtepd_n_saved].conf.name))
			vlog(VLOG_WARN, "%s: ignoring port %s: it is the underlay", path, vtepd_saved[vtepd_n_saved].conf.name);
		else
			vtepd_n_saved++;
	}
	fclose(f);
}

static struct vtepd_saved_port *vtepd_saved_find(const char *name)
{
	for (int i = 0; i < vtepd_n_saved; i++)
		if (!vtepd_saved[i].taken && !strcmp(vtepd_saved[i].conf.name, name) &&
		    (vtepd_saved[i].conf.type == VTEP_PORT_AF_XDP || !vtepd_saved[i].legacy))
			return &vtepd_saved[i];
	return NULL;
}

/* Remove what a listed port of the previous vtepd left: its veth (with our XDP program) or memif socket. */
static void vtepd_saved_remove(const struct vtepd_saved_port *sp, const char *why)
{
	const struct vtep_port_config *c = &sp->conf;
	char err[256];

	if (c->type == VTEP_PORT_MEMIF) {
		if (access(c->socket, F_OK) == 0 && vtepd_memif_remove_stale(c->socket) == 0)
			vlog(VLOG_WARN, "removed memif socket %s left behind by a previous vtepd", c->socket);
		return;
	}
	if (!if_nametoindex(c->name))
		return;
	if (vtep_xdp_remove_ours(c->name, err, sizeof(err)) != 0) {
		vlog_port(VLOG_WARN, c->name, "port %s left behind by a previous vtepd: %s; leaving it", c->name, err);
		return;
	}
	if (nl_link_delete(c->name) == 0)
		vlog_port(VLOG_WARN, c->name, "removed port %s left behind by a previous vtepd (%s)", c->name, why);
}

/* True when the veth of the previous vtepd is what pc asks for, so the container keeps it. */
static bool vtepd_saved_matches(const struct vtepd_saved_port *sp, const struct vtep_port_config *pc)
{
	const struct vtep_port_config *c = &sp->conf;

	return !sp->legacy && c->type == VTEP_PORT_AF_XDP && pc->type == VTEP_PORT_AF_XDP &&
	       !strcmp(c->netns, pc->netns) && c->pid == pc->pid && !strcmp(c->ifname, pc->ifname) &&
	       c->has_mac == pc->has_mac && (!c->has_mac || !memcmp(c->mac, pc->mac, 6)) && c->has_ip == pc->has_ip &&
	       (!c->has_ip || (c->ip == pc->ip && c->prefix_len == pc->prefix_len)) && c->mtu == pc->mtu;
}

void vtepd_ports_restore(struct vtepd *d)
{
	char err[512];

	for (int i = 0; i < vtepd_n_saved; i++) {
		struct vtepd_saved_port *sp = &vtepd_saved[i];
		int rc;

		if (sp->taken)
			continue;
		if (!sp->runtime || sp->legacy) {
			sp->taken = true;
			vtepd_saved_remove(sp, "no longer in the configuration");
			continue;
		}
		if (vtepd_port_find(d, sp->conf.name) > 0) {
			sp->taken = true;
			vlog_port(VLOG_WARN, sp->conf.name, "port %s attached at run time is not restored: the configuration has a port of that name",
			     sp->conf.name);
			continue;
		}
		/* attach takes the entry (and the veth with it) */
		rc = vtepd_port_attach(d, &sp->conf, false, err, sizeof(err));
		if (rc) {
			vlog_port(VLOG_WARN, sp->conf.name, "port %s attached at run time could not be restored: %s", sp->conf.name, err);
			sp->taken = true;
			vtepd_saved_remove(sp, "not restored");
		}
	}
	vtepd_n_saved = 0;
	vtepd_ports_state_save(d);
}

/* A MAC other ports or the static MACs of the configuration already have: their name in err. */
static int vtepd_port_mac_taken(const struct vtepd *d, const struct vtep_port_config *pc, char *err, size_t errlen)
{
	const uint8_t *m = pc->mac;

	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		if (d->ports[s].in_use && d->ports[s].conf.has_mac && !memcmp(d->ports[s].conf.mac, m, 6)) {
			snprintf(err, errlen, "MAC %02x:%02x:%02x:%02x:%02x:%02x is already port %s's", m[0], m[1], m[2],
				 m[3], m[4], m[5], d->ports[s].conf.name);
			return EEXIST;
		}
	for (uint32_t v = 0; v < d->cfg.n_vnis; v++)
		for (uint32_t i = 0; i < d->cfg.vnis[v].n_static_macs; i++)
			if (!memcmp(d->cfg.vnis[v].static_macs[i].mac, m, 6) &&
			    strcmp(d->cfg.vnis[v].static_macs[i].port, pc->name)) {
				snprintf(err, errlen, "MAC %02x:%02x:%02x:%02x:%02x:%02x is a static MAC of VNI %u in the configuration",
					 m[0], m[1], m[2], m[3], m[4], m[5], d->cfg.vnis[v].vni);
				return EEXIST;
			}
	return 0;
}

/* Everything of pc that goes into a devargs string, a netlink request or a path: checked here once. */
static int vtepd_port_check_input(const struct vtep_port_config *pc, char *err, size_t errlen)
{
	if (vtep_ifname_check(pc->name)) {
		snprintf(err, errlen, "bad port name '%s' (1 to 15 printable characters without '/', ':', ',', '=' or whitespace)",
			 pc->name);
		return EINVAL;
	}
	if (pc->type == VTEP_PORT_AF_XDP && pc->ifname[0] && vtep_ifname_check(pc->ifname)) {
		snprintf(err, errlen, "bad interface name '%s' (1 to 15 printable characters without '/', ':', ',', '=' or whitespace)",
			 pc->ifname);
		return EINVAL;
	}
	if (pc->type == VTEP_PORT_AF_XDP && pc->netns[0] && vtep_netns_check(pc->netns)) {
		snprintf(err, errlen, "bad netns '%s' (a name as in 'ip netns' or an absolute path, printable, no whitespace)",
			 pc->netns);
		return EINVAL;
	}
	if (pc->type == VTEP_PORT_MEMIF && pc->socket[0] && vtep_memif_socket_check(pc->socket)) {
		snprintf(err, errlen, "bad memif socket path '%s' (absolute, shorter than %d characters, no ',', '=' or whitespace)",
			 pc->socket, VTEP_MEMIF_SOCKET_MAX);
		return EINVAL;
	}
	if (pc->has_mac) {
		const uint8_t *m = pc->mac;

		if ((m[0] & 1) || !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
			snprintf(err, errlen, "MAC %02x:%02x:%02x:%02x:%02x:%02x is not a unicast address", m[0], m[1], m[2],
				 m[3], m[4], m[5]);
			return EINVAL;
		}
	}
	if (pc->has_ip && vtep_port_ip_check(pc->ip, pc->prefix_len)) {
		snprintf(err, errlen, "%s/%u is not a unicast host address (expected a prefix of 1 to 32, not 0/8, 127/8, "
				      "multicast, broadcast or the subnet's own address)",
			 inet_ntoa((struct in_addr){ pc->ip }), pc->prefix_len);
		return EINVAL;
	}
	return 0;
}

static int vtepd_port_validate(struct vtepd *d, struct vtep_port_config *pc, bool adopting, uint16_t *vni_idx,
			       int *slot, char *err, size_t errlen)
{
	int rc = vtepd_port_check_input(pc, err, errlen);

	if (rc)
		return rc;
	if (vtepd_port_find(d, pc->name) > 0) {
		snprintf(err, errlen, "port %s is already attached", pc->name);
		return EEXIST;
	}
	if (pc->has_mac && vtepd_port_mac_taken(d, pc, err, errlen))
		return EEXIST;
	*vni_idx = vtepd_vni_index(d, pc->vni);
	if (*vni_idx == DP_NO_ID) {
		snprintf(err, errlen, "VNI %u is not configured", pc->vni);
		return ENOENT;
	}
	if (!pc->ifname[0] && pc->type == VTEP_PORT_AF_XDP)
		snprintf(pc->ifname, sizeof(pc->ifname), "%s", VTEP_DEFAULT_CONTAINER_IFNAME);
	if (pc->type == VTEP_PORT_MEMIF)
		vtepd_memif_default_socket(d, pc);
	if (pc->mtu == 0)
		pc->mtu = d->vnis[*vni_idx].mtu;
	if (pc->mtu < VTEP_MIN_MTU || pc->mtu > VTEP_MAX_MTU) {
		snprintf(err, errlen, "port %s: MTU %u out of range (%u to %u)", pc->name, pc->mtu, VTEP_MIN_MTU,
			 VTEP_MAX_MTU);
		return EINVAL;
	}
	if (pc->type == VTEP_PORT_MEMIF) {
		for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
			const struct vtep_port_config *q = &d->ports[s].conf;

			if (d->ports[s].in_use && q->type == VTEP_PORT_MEMIF && !strcmp(q->socket, pc->socket)) {
				snprintf(err, errlen, "port %s already serves memif socket %s (one port per socket)",
					 q->name, q->socket);
				return EEXIST;
			}
		}
	} else if (!pc->netns[0] && pc->pid <= 0) {
		snprintf(err, errlen, "a network namespace (netns NAME or pid PID) is required");
		return EINVAL;
	}
	*slot = -1;
	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		if (!d->ports[s].in_use) {
			*slot = s;
			break;
		}
	if (*slot < 0) {
		snprintf(err, errlen, "all %u port slots are in use", VTEP_MAX_PORTS);
		return ENOSPC;
	}
	if (pc->type == VTEP_PORT_AF_XDP && !adopting && if_nametoindex(pc->name)) {
		snprintf(err, errlen, "interface %s already exists and is not a vtepd port", pc->name);
		return EEXIST;
	}
	return 0;
}

/* Where the container lives, in words, and the path of the container ports' XDP object. */
static int vtepd_port_describe(const struct vtep_port_config *pc, char *ns_desc, size_t ns_len, char *obj,
			       size_t obj_len, char *err, size_t errlen)
{
	if (pc->netns[0])
		snprintf(ns_desc, ns_len, "netns %s", pc->netns);
	else
		snprintf(ns_desc, ns_len, "the netns of pid %d", pc->pid);
	if (vtep_xdp_object_path(false, obj, obj_len) != 0) {
		snprintf(err, errlen, "XDP object %s not found (set VTEPD_BPF_DIR)", obj);
		return ENOENT;
	}
	return 0;
}

/* The veth pair into the container's netns, configured and up (AF_XDP ports). */
static int vtepd_port_veth(const struct vtep_port_config *pc, char *ns_desc, size_t ns_len, char *obj,
			   size_t obj_len, char *err, size_t errlen)
{
	int nsfd = -1, rc;

	rc = vtepd_port_describe(pc, ns_desc, ns_len, obj, obj_len, err, errlen);
	if (rc)
		return rc;
	rc = nl_netns_open(pc->netns[0] ? pc->netns : NULL, pc->netns[0] ? 0 : pc->pid, &nsfd);
	if (rc) {
		if (pc->netns[0])
			snprintf(err, errlen, "cannot open network namespace '%s': %s", pc->netns, strerror(rc));
		else
			snprintf(err, errlen, "cannot open the network namespace of pid %d: %s", pc->pid, strerror(rc));
		return rc;
	}
	rc = nl_veth_create(pc->name, pc->ifname, nsfd, pc->mtu, pc->has_mac ? pc->mac : NULL);
	if (rc) {
		snprintf(err, errlen, "cannot create veth %s <-> %s in %s: %s", pc->name, pc->ifname, ns_desc,
			 strerror(rc));
		close(nsfd);
		return rc;
	}
	rc = nl_netns_configure_link(nsfd, pc->ifname, pc->mtu, pc->has_ip ? pc->ip : 0, pc->prefix_len, true);
	close(nsfd);
	if (rc) {
		snprintf(err, errlen, "cannot configure %s inside %s: %s", pc->ifname, ns_desc, strerror(rc));
		nl_link_delete(pc->name);
		return rc;
	}
	rc = nl_link_set_up(pc->name, pc->mtu);
	if (rc) {
		snprintf(err, errlen, "cannot bring %s up: %s", pc->name, strerror(rc));
		nl_link_delete(pc->name);
	}
	return rc;
}

static void vtepd_port_release(struct vtepd *d, int slot);

/*
 * The devargs built for a port must name exactly one interface, its own. DPDK's net_af_xdp
 * takes the last iface= it is given and, when it fails or closes, detaches whatever XDP
 * program is on that interface: a name like 'y,iface=ul0' once took the underlay's.
 */
static bool vtepd_devargs_iface_is(const char *devargs, const char *ifname)
{
	const char *args = strchr(devargs, ',');
	struct rte_kvargs *kv = args ? rte_kvargs_parse(args + 1, NULL) : NULL;
	const char *v;
	bool ok;

	if (!kv)
		return false;
	v = rte_kvargs_get(kv, "iface");
	ok = rte_kvargs_count(kv, "iface") == 1 && v && !strcmp(v, ifname);
	rte_kvargs_free(kv);
	return ok;
}

/*
 * The veth of the previous vtepd, taken again (AF_XDP ports): the container's end is left
 * alone (index, addresses, routes); a program the previous vtepd left on our end goes.
 */
static int vtepd_port_adopt(const struct vtep_port_config *pc, char *ns_desc, size_t ns_len, char *obj,
			    size_t obj_len, char *err, size_t errlen)
{
	int rc;

	rc = vtepd_port_describe(pc, ns_desc, ns_len, obj, obj_len, err, errlen);
	if (rc)
		return rc;
	rc = vtep_xdp_remove_ours(pc->name, err, errlen);
	if (rc)
		return rc;
	rc = nl_link_set_up(pc->name, pc->mtu);
	if (rc)
		snprintf(err, errlen, "cannot bring %s up: %s", pc->name, strerror(rc));
	return rc;
}

int vtepd_port_attach(struct vtepd *d, const struct vtep_port_config *req, bool from_config, char *err,
		      size_t errlen)
{
	struct vtep_port_config pc = *req;
	char devargs[768], obj[512], perr[256], pool_name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *pool = NULL;
	struct dp_xsk *xsk = NULL;
	char ns_desc[300];
	uint16_t vni_idx, dpdk_port = UINT16_MAX;
	struct vtepd_saved_port *sp = vtepd_saved_find(pc.name);
	/* a veth the previous vtepd listed: ours to take again or to replace */
	bool adopt = sp && sp->conf.type == VTEP_PORT_AF_XDP && pc.type == VTEP_PORT_AF_XDP && if_nametoindex(pc.name);
	int slot, rc;

	rc = vtepd_port_validate(d, &pc, adopt, &vni_idx, &slot, err, errlen);
	if (rc)
		return rc;
	if (sp) {
		sp->taken = true;
		if (adopt && !vtepd_saved_matches(sp, &pc)) {
			vtepd_saved_remove(sp, "its settings changed");
			adopt = false;
		}
	}
	snprintf(pool_name, sizeof(pool_name), "vtep_port%d_%u", slot, ++d->ports[slot].generation);
	pool = rte_pktmbuf_pool_create(pool_name, PORT_POOL_MBUFS, PORT_POOL_CACHE, 0, vtepd_mbuf_size(pc.mtu),
				       (int)rte_socket_id());   /* the UMEM of DPDK's AF_XDP port, or jumbo mbufs for ours */
	if (!pool) {
		snprintf(err, errlen, "cannot allocate %u mbufs for port %s: %s", PORT_POOL_MBUFS, pc.name,
			 rte_strerror(rte_errno));
		return ENOMEM;
	}
	if (pc.type == VTEP_PORT_MEMIF) {
		snprintf(ns_desc, sizeof(ns_desc), "memif %s id %u", pc.socket, pc.memif_id);
		rc = vtepd_memif_open(d, &pc, pool, &dpdk_port, err, errlen);
		if (rc)
			goto undo;
		goto publish;
	}
	if (adopt)
		rc = vtepd_port_adopt(&pc, ns_desc, sizeof(ns_desc), obj, sizeof(obj), err, errlen);
	else
		rc = vtepd_port_veth(&pc, ns_desc, sizeof(ns_desc), obj, sizeof(obj), err, errlen);
	if (rc) {
		rte_mempool_free(pool);
		return rc;
	}
	if (pc.mtu > VTEPD_AF_XDP_MAX_MTU) {
		/* over a page per frame: our multi-buffer AF_XDP port (DPDK 22.11's has no multi-buffer) */
		rc = dp_xsk_open(pc.name, obj, pool, &xsk, perr, sizeof(perr));
		if (rc == 0)
			dpdk_port = DP_XSK_PORT;
	} else {
		snprintf(devargs, sizeof(devargs), "net_af_xdp_%s,iface=%s,start_queue=0,queue_count=1,xdp_prog=%s",
			 pc.name, pc.name, obj);
		if (!vtepd_devargs_iface_is(devargs, pc.name)) {
			snprintf(perr, sizeof(perr), "device arguments '%.96s...' do not name %s alone (bad characters in a name "
						     "or in the XDP object's path)", devargs, pc.name);
			rc = EINVAL;
		} else {
			rc = dp_port_probe(devargs, &dpdk_port, perr, sizeof(perr));
		}
		if (rc == 0)
			rc = dp_port_start(dpdk_port, pool, VTEPD_PORT_DESC, perr, sizeof(perr));
	}
	if (rc) {
		snprintf(err, errlen, "AF_XDP on %s: %s", pc.name, perr);
		goto undo;
	}
publish:
	memset(&d->counters->ports[slot], 0, sizeof(d->counters->ports[slot]));
	d->ports[slot] = (struct vtepd_port){ .in_use = true, .from_config = from_config, .conf = pc,
					      .vni_idx = vni_idx, .dpdk_port = dpdk_port, .pool = pool, .xsk = xsk,
					      .generation = d->ports[slot].generation,
					      .attached_at = (uint64_t)time(NULL) };
	vtepd_ports_state_save(d);
	rc = vtepd_publish(d);
	if (rc) {
		d->ports[slot].in_use = false;
		snprintf(err, errlen, "cannot publish the new port: %s", strerror(rc));
		goto undo;
	}
	if (pc.has_mac) {
		/* the container's MAC is known before it sends anything: advertise it (and its address) now */
		/* pinned to the port: a frame from elsewhere with this source MAC does not take it */
		rc = vtepd_learning_port_mac(d, (uint16_t)slot, vni_idx, pc.mac);
		if (rc) {
			const uint8_t *m = pc.mac;

			if (rc == EEXIST)
				snprintf(err, errlen, "MAC %02x:%02x:%02x:%02x:%02x:%02x is a static entry of the MAC table elsewhere",
					 m[0], m[1], m[2], m[3], m[4], m[5]);
			else if (rc == ENOSPC)
				snprintf(err, errlen, "the MAC table is full (%u entries): MAC %02x:%02x:%02x:%02x:%02x:%02x not installed",
					 d->cfg.mac_table_size, m[0], m[1], m[2], m[3], m[4], m[5]);
			else
				snprintf(err, errlen, "cannot install MAC %02x:%02x:%02x:%02x:%02x:%02x: %s", m[0], m[1], m[2],
					 m[3], m[4], m[5], strerror(rc));
			vtepd_port_release(d, slot);
			vtepd_ports_state_save(d);
			return rc;
		}
		vtepd_local_mac(d, vni_idx, pc.mac, true);
		if (pc.has_ip) {
			vtepd_local_ip(d, vni_idx, pc.mac, pc.ip);
			vtepd_vrf_host(d, (uint16_t)slot, pc.mac, pc.ip, false);
		}
	}
	if (adopt)
		vlog_port(VLOG_INFO, pc.name, "port %s: the container's %s in %s kept from the previous vtepd", pc.name, pc.ifname, ns_desc);
	if (xsk)
		vlog_f(VLOG_INFO, &(struct vlog_fields){ .port = pc.name, .vni = pc.vni }, "port %s attached: VNI %u, %s in %s, MTU %u (slot %d, multi-buffer AF_XDP)", pc.name,
		     pc.vni, pc.ifname, ns_desc, pc.mtu, slot);
	else
		vlog_f(VLOG_INFO, &(struct vlog_fields){ .port = pc.name, .vni = pc.vni }, "port %s attached: VNI %u, %s%s%s, MTU %u (slot %d, DPDK port %u)", pc.name, pc.vni,
		     pc.ifname, pc.ifname[0] ? " in " : "", ns_desc, pc.mtu, slot, dpdk_port);
	return 0;
undo:
	if (pc.type == VTEP_PORT_MEMIF) {
		if (dpdk_port != UINT16_MAX)
			vtepd_memif_close(&pc, dpdk_port);
	} else {
		if (dpdk_port != UINT16_MAX && dpdk_port != DP_XSK_PORT)
			dp_port_remove(dpdk_port);
		dp_xsk_close(xsk);
		nl_link_delete(pc.name);
	}
	rte_mempool_free(pool);
	vtepd_ports_state_save(d);
	return rc;
}

/* The DPDK port (or our multi-buffer AF_XDP port), its pool, and the veth or the memif socket. */
static void vtepd_port_close(struct vtepd *d, int slot, bool keep_veth)
{
	struct vtepd_port *p = &d->ports[slot];

	free(p->neigh);                   /* its learned bindings (vtepd_neigh_port_gone emptied them on detach) */
	p->neigh = NULL;
	p->n_neigh = p->neigh_cap = 0;
	if (p->conf.type == VTEP_PORT_MEMIF) {
		vtepd_memif_close(&p->conf, p->dpdk_port);
	} else {
		if (p->xsk)
			dp_xsk_close(p->xsk);
		else
			dp_port_remove(p->dpdk_port);
		p->xsk = NULL;
		nl_xdp_detach(p->conf.name);
		if (!keep_veth)
			nl_link_delete(p->conf.name);
	}
	/* A NIC underlay may still hold this pool's mbufs in its transmit ring. */
	if (rte_eth_dev_is_valid_port(d->underlay_port))
		rte_eth_tx_done_cleanup(d->underlay_port, 0, 0);
	rte_mempool_free(p->pool);
	p->pool = NULL;
}

static void vtepd_port_release(struct vtepd *d, int slot)
{
	struct vtepd_port *p = &d->ports[slot];

	vtepd_neigh_port_gone(d, (uint16_t)slot); /* its learned bindings: their MAC+IP routes are withdrawn */
	vtepd_vrf_port_gone(d, (uint16_t)slot);   /* its host routes first: none may point at a reused slot */
	p->in_use = false;
	vtepd_publish(d);                 /* waits until the fast path no longer sees the port */
	vtepd_learning_drain(d);          /* learn events already queued for it are ignored now */
	fdb_flush_dest(d->fdb, fdb_dest_port((uint32_t)slot), true);
	vtepd_port_close(d, slot, false);
}

int vtepd_port_detach(struct vtepd *d, const char *name, char *err, size_t errlen)
{
	int slot = vtepd_port_find(d, name);

	if (slot < 0) {
		snprintf(err, errlen, "no port named '%s'", name);
		return ENOENT;
	}
	vtepd_port_release(d, slot);
	vtepd_ports_state_save(d);
	vlog_port(VLOG_INFO, name, "port %s detached", name);
	return 0;
}

/*
 * Exit: the DPDK ports, XDP programs and memif sockets go; the container veths stay, and
 * the state file lists them (and the ports of the previous vtepd not taken yet, if we stop
 * during startup) for the next start to take them again. See the top of this file.
 */
void vtepd_ports_shutdown(struct vtepd *d)
{
	bool any = false;

	if (!vtepd_state_loaded)
		return;   /* stopped before the ports: the previous vtepd's list stays as it is */
	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		any |= d->ports[s].in_use;
	if (any || vtepd_n_saved)
		vtepd_ports_state_save(d);
	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		if (d->ports[s].in_use) {
			d->ports[s].in_use = false;
			vtepd_port_close(d, s, true);
		}
	if (!any && !vtepd_n_saved && d->cfg.name[0]) {
		char path[256];

		vtepd_ports_state_path(d, path, sizeof(path));
		unlink(path);
	}
	vtepd_n_saved = 0;
}
