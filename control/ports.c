/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ports.c: container ports. Attaching makes a veth pair with one end inside the
 * container's network namespace (MAC, address, MTU, checksum offload off), takes the host
 * end with DPDK's net_af_xdp PMD running our XDP program, and publishes the port to the
 * fast path. Detaching undoes all of it. The host ends vtepd made (and the sockets of its
 * memif ports, ports_memif.c) are listed in a state file so that a vtepd that was killed is
 * cleaned up after by the next one.
 */
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
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring_elem.h>

#include "fdb.h"
#include "netlink.h"
#include "port.h"
#include "vtepd.h"
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

int vtepd_port_find(const struct vtepd *d, const char *name)
{
	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		if (d->ports[s].in_use && strcmp(d->ports[s].conf.name, name) == 0)
			return s;
	return -1;
}

static void vtepd_ports_state_path(const struct vtepd *d, char *path, size_t len)
{
	snprintf(path, len, "/run/vtepd/%s.ports", d->cfg.name);
}

/* Rewrite the state file: one host-side interface name per line. */
static void vtepd_ports_state_save(const struct vtepd *d)
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
	for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
		if (!d->ports[s].in_use)
			continue;
		if (d->ports[s].conf.type == VTEP_PORT_MEMIF)
			fprintf(f, "memif %s\n", d->ports[s].conf.socket);
		else
			fprintf(f, "%s\n", d->ports[s].conf.name);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		vlog(VLOG_WARN, "cannot write %s: %s", path, strerror(errno));
}

void vtepd_ports_cleanup_leftovers(struct vtepd *d)
{
	char path[256], name[VTEP_MEMIF_SOCKET_MAX + 8];
	FILE *f;

	vtepd_ports_state_path(d, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(name, sizeof(name), f)) {
		name[strcspn(name, "\r\n")] = '\0';
		if (!strncmp(name, "memif ", 6)) {
			if (vtep_memif_socket_check(name + 6) == 0 && access(name + 6, F_OK) == 0 &&
			    vtepd_memif_remove_stale(name + 6) == 0)
				vlog(VLOG_WARN, "removed memif socket %s left behind by a previous vtepd", name + 6);
			continue;
		}
		if (!name[0] || strlen(name) >= VTEP_IFNAME_MAX || !if_nametoindex(name))
			continue;
		nl_xdp_detach(name);
		if (nl_link_delete(name) == 0)
			vlog(VLOG_WARN, "removed port %s left behind by a previous vtepd", name);
	}
	fclose(f);
	unlink(path);
}

static int vtepd_port_validate(struct vtepd *d, struct vtep_port_config *pc, uint16_t *vni_idx, int *slot,
			       char *err, size_t errlen)
{
	size_t len = strnlen(pc->name, sizeof(pc->name));

	if (len == 0 || len >= VTEP_IFNAME_MAX || strpbrk(pc->name, "/: \t\n")) {
		snprintf(err, errlen, "bad port name '%s' (1 to 15 characters, no '/', ':' or spaces)", pc->name);
		return EINVAL;
	}
	if (vtepd_port_find(d, pc->name) > 0) {
		snprintf(err, errlen, "port %s is already attached", pc->name);
		return EEXIST;
	}
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
	if (pc->type == VTEP_PORT_AF_XDP && if_nametoindex(pc->name)) {
		snprintf(err, errlen, "interface %s already exists and is not a vtepd port", pc->name);
		return EEXIST;
	}
	return 0;
}

/* The veth pair into the container's netns, configured and up (AF_XDP ports). */
static int vtepd_port_veth(const struct vtep_port_config *pc, char *ns_desc, size_t ns_len, char *obj,
			   size_t obj_len, char *err, size_t errlen)
{
	int nsfd = -1, rc;

	if (pc->netns[0])
		snprintf(ns_desc, ns_len, "netns %s", pc->netns);
	else
		snprintf(ns_desc, ns_len, "the netns of pid %d", pc->pid);
	if (vtep_xdp_object_path(false, obj, obj_len) != 0) {
		snprintf(err, errlen, "XDP object %s not found (set VTEPD_BPF_DIR)", obj);
		return ENOENT;
	}
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

int vtepd_port_attach(struct vtepd *d, const struct vtep_port_config *req, bool from_config, char *err,
		      size_t errlen)
{
	struct vtep_port_config pc = *req;
	char devargs[768], obj[512], perr[256], pool_name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *pool = NULL;
	struct dp_xsk *xsk = NULL;
	char ns_desc[300];
	uint16_t vni_idx, dpdk_port = UINT16_MAX;
	int slot, rc;

	rc = vtepd_port_validate(d, &pc, &vni_idx, &slot, err, errlen);
	if (rc)
		return rc;
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
		rc = dp_port_probe(devargs, &dpdk_port, perr, sizeof(perr));
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
		if (vtepd_learning_port_mac(d, (uint16_t)slot, vni_idx, pc.mac) == 0) {
			vtepd_bgp_local_mac(d, vni_idx, pc.mac, true);
			if (pc.has_ip)
				vtepd_bgp_local_ip(d, vni_idx, pc.mac, pc.ip);
		}
	}
	if (xsk)
		vlog(VLOG_INFO, "port %s attached: VNI %u, %s in %s, MTU %u (slot %d, multi-buffer AF_XDP)", pc.name,
		     pc.vni, pc.ifname, ns_desc, pc.mtu, slot);
	else
		vlog(VLOG_INFO, "port %s attached: VNI %u, %s%s%s, MTU %u (slot %d, DPDK port %u)", pc.name, pc.vni,
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
static void vtepd_port_close(struct vtepd *d, int slot)
{
	struct vtepd_port *p = &d->ports[slot];

	if (p->conf.type == VTEP_PORT_MEMIF) {
		vtepd_memif_close(&p->conf, p->dpdk_port);
	} else {
		if (p->xsk)
			dp_xsk_close(p->xsk);
		else
			dp_port_remove(p->dpdk_port);
		p->xsk = NULL;
		nl_xdp_detach(p->conf.name);
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

	p->in_use = false;
	vtepd_publish(d);                 /* waits until the fast path no longer sees the port */
	vtepd_learning_drain(d);          /* learn events already queued for it are ignored now */
	fdb_flush_dest(d->fdb, fdb_dest_port((uint32_t)slot), true);
	vtepd_port_close(d, slot);
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
	vlog(VLOG_INFO, "port %s detached", name);
	return 0;
}

void vtepd_ports_detach_all(struct vtepd *d)
{
	bool any = false;

	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		if (d->ports[s].in_use) {
			struct vtepd_port *p = &d->ports[s];

			p->in_use = false;
			vtepd_port_close(d, s);
			any = true;
		}
	if (any || d->cfg.name[0]) {
		char path[256];

		vtepd_ports_state_path(d, path, sizeof(path));
		unlink(path);
	}
}
