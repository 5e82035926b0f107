/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtepd.c: the daemon. Loads the configuration, initialises DPDK (hugepages when there are
 * enough, otherwise a clear warning and --no-huge), brings up the underlay port, the MAC
 * table and the fast-path worker lcore, then runs the control thread's event loop on the
 * main thread: management socket, netlink changes, a 5 ms tick for learning (a MAC the
 * fast path saw is advertised within one tick: the 10 ms goal with room for the fast path's
 * idle sleep and the send), aging and next-hop resolution, and signals for a clean shutdown
 * that leaves nothing behind but the container veths (kept for the next start, ports.c).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_pdump.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring_elem.h>

#include "api.h"
#include "arp.h"
#include "bgp_fsm.h"
#include "commands.h"
#include "ctl.h"
#include "dpdk_memif_munmap_workaround.h"
#include "fabric.h"
#include "fdb.h"
#include "log.h"
#include "netlink.h"
#include "port.h"
#include "reasm.h"
#include "reload.h"
#include "service.h"
#include "stats.h"
#include "switch.h"
#include "telemetry.h"
#include "xsk.h"
#include "xdp.h"

#define VTEPD_TICK_MS 5
#define VTEPD_UNDERLAY_DESC 2048

static void vtepd_usage(FILE *f)
{
	fprintf(f, "usage: vtepd -c FILE.yaml [--check-config] [-d]\n"
		   "  -c, --config FILE     configuration (YAML)\n"
		   "      --check-config    validate the configuration and exit\n"
		   "  -d, --debug           verbose logging\n"
		   "      --version         print the version and exit\n"
		   "signals: SIGINT, SIGTERM stop cleanly; SIGHUP reloads the configuration file (as vtepctl reload)\n"
		   "environment: VTEPD_EAL_ARGS extra DPDK EAL arguments; VTEPD_BPF_DIR where the XDP objects are;\n"
		   "             VTEPD_NO_HUGEPAGES=1 run without hugepages\n"
		   "service: run by systemd (vtepd@NAME.service, Type=notify) it tells readiness, status and\n"
		   "         stopping through NOTIFY_SOCKET, keeps WATCHDOG_USEC's watchdog fed, and logs to the\n"
		   "         journal (PRIORITY, VTEPD_PEER, VTEPD_PORT, VTEPD_VNI, VTEPD_INSTANCE fields) when\n"
		   "         JOURNAL_STREAM names its stderr; otherwise to stderr. vtepctl log level changes the level.\n");
}

/* Hugepages: use them when enough are free and hugetlbfs is mounted. */
static bool vtepd_hugepages_usable(uint64_t need_bytes, char *why, size_t len)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	uint64_t free_pages = 0, page_kb = 0;
	bool mounted = false;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "HugePages_Free: %lu", &free_pages);
			sscanf(line, "Hugepagesize: %lu kB", &page_kb);
		}
		fclose(f);
	}
	f = fopen("/proc/mounts", "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (strstr(line, " hugetlbfs "))
				mounted = true;
		fclose(f);
	}
	if (!mounted) {
		snprintf(why, len, "no hugetlbfs mounted");
		return false;
	}
	if (free_pages * page_kb * 1024 < need_bytes) {
		snprintf(why, len, "%lu hugepages of %lu kB free, about %lu MiB needed", free_pages, page_kb,
			 need_bytes >> 20);
		return false;
	}
	return true;
}

static int vtepd_eal_init(struct vtepd *d, const char *prog)
{
	char *argv[64];
	int argc = 0;
	static char lcores[32], main_lcore[16], mem[32], prefix[64];
	char why[160];
	unsigned worker = d->cfg.fastpath_lcore;
	unsigned control = worker == 0 ? 1 : 0;
	uint64_t need = (uint64_t)d->cfg.mbufs * (vtepd_mbuf_size(d->cfg.underlay_mtu) + 384u) +
			(uint64_t)d->cfg.mac_table_size * 96 + (96u << 20) +
			/* each VRF's route table: two 64 MiB first levels and some 700 bytes per route (183 MiB measured) */
			(uint64_t)(d->cfg.n_vrfs + d->cfg.runtime_vrfs) * ((128u << 20) + 800ull * (VTEP_VRF_MAX_V4_ROUTES + VTEP_VRF_MAX_V6_ROUTES));
	char *extra = getenv("VTEPD_EAL_ARGS");
	int rc;

	argv[argc++] = (char *)prog;
	snprintf(lcores, sizeof(lcores), "%u,%u", control, worker);
	snprintf(main_lcore, sizeof(main_lcore), "%u", control);
	argv[argc++] = "-l";
	argv[argc++] = lcores;
	argv[argc++] = "--main-lcore";
	argv[argc++] = main_lcore;
	argv[argc++] = "--log-level=notice";
	if (getenv("VTEPD_NO_HUGEPAGES")) {
		snprintf(why, sizeof(why), "VTEPD_NO_HUGEPAGES is set");
		d->hugepages = false;
	} else {
		d->hugepages = vtepd_hugepages_usable(need, why, sizeof(why));
	}
	if (!d->hugepages) {
		snprintf(mem, sizeof(mem), "%lu", (unsigned long)((need >> 20) + 64));
		vlog(VLOG_WARN, "hugepages not usable (%s): running without them (--no-huge -m %s); "
			       "expect lower performance. Reserve some with: echo 1024 > /proc/sys/vm/nr_hugepages",
		     why, mem);
		argv[argc++] = "--no-huge";
		argv[argc++] = "-m";
		argv[argc++] = mem;
	} else if (!d->cfg.capture) {
		argv[argc++] = "--huge-unlink";  /* no hugepage files left behind */
	} else {
		/*
		 * fastpath.capture: dpdk-dumpcap, a secondary process, maps our memory through
		 * its hugepage files, so they stay (EAL's default removes only stale ones of our
		 * prefix at start); vtepd_remove_hugepage_files takes them at exit.
		 */
		argv[argc++] = "--huge-unlink=existing";
		vlog(VLOG_INFO, "fastpath.capture: hugepage files of vtepd-%s kept for dpdk-dumpcap "
				"(removed at exit)", d->cfg.name);
	}
	if (d->cfg.capture && !d->hugepages)
		vlog(VLOG_WARN, "fastpath.capture: needs hugepages (%s): dpdk-dumpcap cannot attach", why);
	/*
	 * Not --in-memory (nor --no-shconf): memif ports need DPDK's multi-process channel.
	 * A prefix of our own keeps instances apart; its runtime directory goes at exit.
	 */
	snprintf(prefix, sizeof(prefix), "--file-prefix=vtepd-%s", d->cfg.name);
	argv[argc++] = prefix;
	static char allows[VTEP_MAX_UPLINKS][300];
	bool pci = false;

	for (uint32_t u = 0; u < d->cfg.n_uplinks && u < VTEP_MAX_UPLINKS; u++) {
		if (!dp_port_devargs_is_pci(d->cfg.uplinks[u].devargs))
			continue;
		snprintf(allows[u], sizeof(allows[u]), "%s", d->cfg.uplinks[u].devargs);
		argv[argc++] = "-a";
		argv[argc++] = allows[u];
		pci = true;
	}
	if (!pci)
		argv[argc++] = "--no-pci";
	if (extra) {
		char *copy = strdup(extra), *save = NULL;

		for (char *tok = strtok_r(copy, " ", &save); tok && argc < 62; tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
	}
	argv[argc] = NULL;
	/*
	 * Under systemd, RUNTIME_DIRECTORY lists the unit's RuntimeDirectory= paths
	 * ("/run/vtepd:/run/dpdk" for vtepd@.service) and EAL would take that list as the base
	 * of its runtime directory. DPDK's tools (dpdk-dumpcap, dpdk-telemetry.py) look in
	 * /run/dpdk/PREFIX: EAL keeps its default.
	 */
	unsetenv("RUNTIME_DIRECTORY");
	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		vlog(VLOG_ERR, "DPDK initialisation failed: %s", rte_strerror(rte_errno));
		return rte_errno ? rte_errno : EINVAL;
	}
	if (d->cfg.capture && d->hugepages && (rc = rte_pdump_init()) != 0)
		vlog(VLOG_WARN, "fastpath.capture: pdump initialisation failed: %s (dpdk-dumpcap will not work)",
		     rte_strerror(rte_errno));
	if (!rte_lcore_is_enabled(worker)) {
		vlog(VLOG_ERR, "fast-path lcore %u is not available", worker);
		return EINVAL;
	}
	return 0;
}

/*
 * The exception interface: with a port that DPDK owns outright, the kernel sees the
 * underlay through a TAP of ours that carries the port's MAC. Frames that are not VXLAN to
 * us go up to it; whatever the kernel sends on it (ARP, BGP, ping replies) goes out the port.
 */
static int vtepd_exception_start(struct vtepd *d, uint16_t u)
{
	struct vtepd_uplink *ul = &d->uplinks[u];
	char devargs[128], err[256];
	const uint8_t *m = ul->mac;
	int rc;

	/* one TAP per DPDK-owned uplink, each its own DPDK device (net_tap_vtepd, net_tap_vtepd1, ...) */
	snprintf(devargs, sizeof(devargs), "net_tap_vtepd%.0u,iface=%s,mac=%02x:%02x:%02x:%02x:%02x:%02x", u,
		 ul->ifname, m[0], m[1], m[2], m[3], m[4], m[5]);
	rc = dp_port_probe(devargs, &ul->exc_port, err, sizeof(err));
	if (rc == 0)
		rc = dp_port_start(ul->exc_port, d->pool, 512, err, sizeof(err));
	if (rc == 0 && (rc = nl_link_set_up(ul->ifname, d->cfg.underlay_mtu)) != 0)
		snprintf(err, sizeof(err), "cannot bring it up: %s", strerror(rc));
	if (u == 0)
		d->exception_port = ul->exc_port;
	if (rc) {
		vlog(VLOG_ERR, "exception interface %s: %s", ul->ifname, err);
		return rc;
	}
	vlog(VLOG_INFO, "exception interface %s up (DPDK port %u): give it the underlay address", ul->ifname,
	     ul->exc_port);
	return 0;
}

/* The iface= of an AF_XDP uplink's devargs (empty without one). */
static void vtepd_devargs_iface(const char *devargs, char iface[VTEP_IFNAME_MAX])
{
	const char *opt = strstr(devargs, "iface=");

	iface[0] = '\0';
	if (opt)
		snprintf(iface, VTEP_IFNAME_MAX, "%.*s", (int)strcspn(opt + 6, ","), opt + 6);
}

/*
 * Bring up uplink u: its DPDK port (AF_XDP with our XDP filter, which passes only VXLAN to our
 * address and leaves ARP, BGP and ICMP to the kernel; a NIC with its exception interface; our
 * multi-buffer AF_XDP port for jumbo frames), its MAC, kernel interface and link state.
 */
static int vtepd_uplink_start(struct vtepd *d, uint16_t u)
{
	struct vtepd_uplink *ul = &d->uplinks[u];
	const struct vtep_uplink_config *uc = &d->cfg.uplinks[u];
	char devargs[640], obj[512], err[256];
	bool af_xdp = strncmp(uc->devargs, "net_af_xdp", 10) == 0;
	bool exception = uc->exception;
	const char *name = exception ? "port" : uc->ifname;
	int rc;

	snprintf(ul->ifname, sizeof(ul->ifname), "%s", uc->ifname);
	if (!exception)
		snprintf(ul->name, sizeof(ul->name), "%s", ul->ifname);
	else if (u == 0)
		snprintf(ul->name, sizeof(ul->name), "underlay");
	else
		snprintf(ul->name, sizeof(ul->name), "underlay%u", u);
	ul->slot = DP_PORT_UPLINK(u);
	ul->dpdk_port = UINT16_MAX;
	snprintf(devargs, sizeof(devargs), "%s", uc->devargs);
	if (af_xdp) {
		char iface[VTEP_IFNAME_MAX];
		struct vtep_xdp_prog removed;

		vtepd_devargs_iface(uc->devargs, iface);
		/*
		 * Only a program that is provably ours and orphaned goes: another live vtepd on
		 * the interface, or a foreign program, stops us instead.
		 */
		rc = vtep_xdp_claim(iface, d->cfg.name, &ul->xdp_lock, &removed, err, sizeof(err));
		if (rc) {
			vlog(VLOG_ERR, "underlay: %s; refusing to start", err);
			return rc;
		}
		if (removed.id)
			vlog(VLOG_WARN, "underlay %s: removed XDP program '%s' (id %u) left by a killed vtepd", iface,
			     removed.name, removed.id);
		if (!strstr(devargs, "xdp_prog=")) {
			/* Exception mode takes every frame; otherwise only VXLAN, the rest stays the kernel's. */
			if (vtep_xdp_object_path(!exception, obj, sizeof(obj)) != 0) {
				vlog(VLOG_ERR, "underlay: XDP object %s not found (set VTEPD_BPF_DIR)", obj);
				return ENOENT;
			}
			vlog(VLOG_INFO, "underlay %s: XDP program %s", iface, obj);
			snprintf(devargs + strlen(devargs), sizeof(devargs) - strlen(devargs), ",xdp_prog=%s", obj);
		}
	}
	if (af_xdp && d->cfg.underlay_mtu > VTEPD_AF_XDP_MAX_MTU) {
		/* jumbo frames: our multi-buffer AF_XDP port instead of DPDK's (one page per frame) */
		rc = dp_xsk_open(ul->ifname, obj, d->pool, &ul->xsk, err, sizeof(err));
		if (rc == 0) {
			ul->dpdk_port = DP_XSK_PORT;
			rc = nl_link_get_mac(ul->ifname, ul->mac);
			if (rc)
				snprintf(err, sizeof(err), "cannot read the MAC of %s: %s", ul->ifname, strerror(rc));
		}
		if (rc) {
			vlog(VLOG_ERR, "underlay %s (MTU %u, multi-buffer AF_XDP): %s", name, d->cfg.underlay_mtu, err);
			return rc;
		}
	} else {
		rc = dp_port_probe(devargs, &ul->dpdk_port, err, sizeof(err));
		if (rc == 0)
			rc = dp_port_start(ul->dpdk_port, d->pool, VTEPD_UNDERLAY_DESC, err, sizeof(err));
		if (rc) {
			vlog(VLOG_ERR, "underlay %s: %s", name, err);
			return rc;
		}
		dp_port_mac(ul->dpdk_port, ul->mac);
	}
	if (u == 0) {
		/* the first uplink is also "the underlay" of the single-uplink code (exception, show) */
		d->underlay_port = ul->dpdk_port;
		d->underlay_xsk = ul->xsk;
		memcpy(d->underlay_mac, ul->mac, 6);
	}
	if (exception && (rc = vtepd_exception_start(d, u)) != 0)
		return rc;
	ul->ifindex = (int)if_nametoindex(ul->ifname);
	if (!ul->ifindex) {
		vlog(VLOG_ERR, "underlay: no kernel interface '%s'", ul->ifname);
		return ENODEV;
	}
	if (af_xdp && !exception) {
		rc = vtep_xdp_configure(ul->ifname, d->cfg.source_ip, d->cfg.udp_port);
		if (rc) {
			vlog(VLOG_ERR, "underlay %s: cannot configure the XDP program: %s", ul->ifname, strerror(rc));
			return rc;
		}
	}
	/*
	 * The link state is the kernel's (DPDK's AF_XDP driver always says up); for a DPDK-owned
	 * NIC, that of its exception TAP (set down, the uplink is down).
	 */
	ul->up = true;
	if ((rc = nl_link_get_up(ul->ifindex, &ul->up)) != 0)
		vlog(VLOG_WARN, "underlay %s: cannot read its link state (%s): taken as up", ul->ifname, strerror(rc));
	if (ul->xsk)
		vlog(VLOG_INFO, "underlay %s up (multi-buffer AF_XDP, MTU %u)%s", ul->ifname, d->cfg.underlay_mtu,
		     ul->up ? "" : ", link down");
	else
		vlog(VLOG_INFO, "underlay %s up (DPDK port %u)%s", uc->devargs, ul->dpdk_port, ul->up ? "" : ", link down");
	return 0;
}

static int vtepd_underlay_start(struct vtepd *d)
{
	int rc;

	for (uint16_t u = 0; u < d->cfg.n_uplinks && u < VTEP_MAX_UPLINKS; u++) {
		d->n_uplinks = (uint16_t)(u + 1);   /* counted before it starts: shutdown removes what it made */
		rc = vtepd_uplink_start(d, u);
		if (rc)
			return rc;
	}
	d->underlay_ifindex = d->uplinks[0].ifindex;
	return 0;
}

/* Link changes from the netlink monitor: those of uplinks (a NIC's exception TAP) count. */
static void vtepd_link_event(int ifindex, bool up, void *arg)
{
	struct vtepd *d = arg;
	int u = vtepd_uplink_find(d, ifindex);

	if (u >= 0)
		vtepd_uplink_link(d, (uint16_t)u, up);
}

static int vtepd_dataplane_create(struct vtepd *d)
{
	size_t qsz = rte_rcu_qsbr_get_memsize(1);

	d->qsbr = rte_zmalloc("vtep_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (!d->qsbr || rte_rcu_qsbr_init(d->qsbr, 1) != 0)
		goto nomem;
	dpdk_memif_munmap_workaround_set(d->qsbr);
	d->counters = rte_zmalloc("vtep_counters", sizeof(*d->counters), RTE_CACHE_LINE_SIZE);
	if (!d->counters)
		goto nomem;
	d->pool = rte_pktmbuf_pool_create("vtep_mbufs", d->cfg.mbufs, 256, 0, vtepd_mbuf_size(d->cfg.underlay_mtu),
					  (int)rte_socket_id());
	if (!d->pool) {
		vlog(VLOG_ERR, "cannot create a pool of %u mbufs: %s", d->cfg.mbufs, rte_strerror(rte_errno));
		return ENOMEM;
	}
	/* Outer reassembly holds at most a sixteenth of the pool (eight fragments per datagram, at most). */
	d->reasm = dp_reasm_create(RTE_MAX(d->cfg.mbufs / 128u, 16u), 0, (int)rte_socket_id());
	if (!d->reasm)
		goto nomem;
	d->fdb = fdb_create("vtep_fdb", d->cfg.mac_table_size, d->qsbr);
	if (!d->fdb) {
		vlog(VLOG_ERR, "cannot create a MAC table of %u entries: %s", d->cfg.mac_table_size,
		     rte_strerror(rte_errno));
		return ENOMEM;
	}
	if (d->cfg.bgp.enabled && d->cfg.bgp.arp_suppression) {
		d->arp = arp_table_create("vtep_arp", d->cfg.mac_table_size, d->qsbr);
		if (!d->arp) {
			vlog(VLOG_ERR, "cannot create the ARP suppression table: %s", rte_strerror(rte_errno));
			return ENOMEM;
		}
	}
	d->learn_ring = rte_ring_create_elem("vtep_learn", sizeof(struct dp_learn_event), DP_LEARN_RING_SIZE,
					     (int)rte_socket_id(), RING_F_SC_DEQ);
	if (!d->learn_ring)
		goto nomem;
	d->worker.topology = &d->topology;
	d->worker.fdb = d->fdb;
	d->worker.arp = d->arp;
	d->worker.learn_ring = d->learn_ring;
	d->worker.pool = d->pool;
	d->worker.reasm = d->reasm;
	d->worker.qsbr = d->qsbr;
	d->worker.qsbr_id = 0;
	d->worker.counters = d->counters;
	return dp_worker_init(&d->worker);
nomem:
	vlog(VLOG_ERR, "out of DPDK memory while creating the fast path");
	return ENOMEM;
}

static int vtepd_vnis_load(struct vtepd *d)
{
	/* room for every slot: VNIs added at run time (vnis.c) take the free ones */
	struct vtep_vni_config *all = realloc(d->cfg.vnis, VTEP_MAX_VNIS * sizeof(*all));

	if (!all)
		return ENOMEM;
	memset(all + d->cfg.n_vnis, 0, (VTEP_MAX_VNIS - d->cfg.n_vnis) * sizeof(*all));
	for (uint32_t i = d->cfg.n_vnis; i < VTEP_MAX_VNIS; i++)
		all[i].vrf = VTEP_NO_VRF;
	d->cfg.vnis = all;
	for (uint32_t i = 0; i < d->cfg.n_vnis; i++) {
		const struct vtep_vni_config *vc = &d->cfg.vnis[i];
		struct vtepd_vni *v = &d->vnis[d->n_vnis++];

		v->vni = vc->vni;
		v->mtu = (uint16_t)(vc->mtu ? vc->mtu : vtep_vni_default_mtu(d->cfg.underlay_mtu));
		v->outer_frag = vc->outer_fragmentation;
		/* Under EVPN, remote MACs come from BGP, not from decapsulated frames. */
		v->learning = vc->learning && !d->cfg.bgp.enabled;
		/* Under EVPN the VTEPs of a VNI are known from BGP: by default, frames from others are dropped. */
		v->vtep_check = vc->vtep_check < 0 ? d->cfg.bgp.enabled : vc->vtep_check != 0;
		v->max_macs = vc->max_macs;
		for (uint32_t f = 0; f < vc->n_flood && f < VTEPD_MAX_FLOOD; f++) {
			uint16_t id;
			int rc = vtepd_vtep_get(d, vc->flood[f], false, &id);

			if (rc) {
				vlog(VLOG_ERR, "vni %u: remote VTEP table full", vc->vni);
				return rc;
			}
			v->flood[v->n_flood++] = id;
		}
	}
	return 0;
}

static int vtepd_epoll_add(struct vtepd *d, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? errno : 0;
}

/* Signals are taken through a signalfd: block them before any thread exists. */
static void vtepd_signal_mask(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, mask, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int vtepd_loop_setup(struct vtepd *d)
{
	struct itimerspec its = { .it_interval = { 0, VTEPD_TICK_MS * 1000000L },
				  .it_value = { 0, VTEPD_TICK_MS * 1000000L } };
	sigset_t mask;
	int rc;

	vtepd_signal_mask(&mask);
	d->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (d->signal_fd < 0 || d->timer_fd < 0 || d->epoll_fd < 0)
		return errno;
	timerfd_settime(d->timer_fd, 0, &its, NULL);
	rc = ctl_server_open(d->cfg.socket_path, &d->ctl_fd);
	if (rc) {
		vlog(VLOG_ERR, "management socket %s: %s", d->cfg.socket_path, strerror(rc));
		return rc;
	}
	rc = nl_monitor_open(&d->nl_fd);
	if (rc) {
		vlog(VLOG_ERR, "netlink monitor: %s", strerror(rc));
		return rc;
	}
	rc = vtepd_commands_start(d);
	if (rc) {
		vlog(VLOG_ERR, "management socket %s: %s", d->cfg.socket_path, strerror(rc));
		return rc;
	}
	rc = vtepd_api_start(d);
	if (rc)
		return rc;
	rc = vtepd_metrics_start(d);
	if (rc)
		return rc;
	if (d->metrics && (rc = vtepd_epoll_add(d, metrics_server_fd(d->metrics))))
		return rc;
	rc = vtepd_telemetry_start(d);
	if (rc) {
		vlog(VLOG_ERR, "telemetry: %s", strerror(rc));
		return rc;
	}
	if ((rc = vtepd_epoll_add(d, vtepd_telemetry_fd())))
		return rc;
	if ((rc = vtepd_epoll_add(d, d->signal_fd)) || (rc = vtepd_epoll_add(d, d->timer_fd)) ||
	    (rc = vtepd_epoll_add(d, ctl_server_fd(d->ctl))) || (rc = vtepd_epoll_add(d, d->nl_fd)) ||
	    (rc = vtepd_epoll_add(d, api_server_fd(d->api))))
		return rc;
	return 0;
}

/*
 * A DPDK-owned NIC's link, as DPDK sees it, becomes its exception TAP's carrier: the kernel
 * (its routes, our netlink monitor and so the uplink's next hops) sees the wire come and go.
 */
static void vtepd_nic_links(struct vtepd *d)
{
	for (uint16_t u = 0; u < d->n_uplinks; u++) {
		struct vtepd_uplink *ul = &d->uplinks[u];
		struct rte_eth_link link;
		int8_t now;
		int rc;

		if (ul->exc_port == UINT16_MAX || ul->dpdk_port == DP_XSK_PORT ||
		    rte_eth_link_get_nowait(ul->dpdk_port, &link) != 0)
			continue;
		now = link.link_status == RTE_ETH_LINK_UP;
		if (now == ul->nic_link)
			continue;
		if ((now == 0 || ul->nic_link == 0) && (rc = nl_link_set_carrier(ul->ifname, now)) != 0)
			vlog(VLOG_WARN, "underlay %s: cannot set the carrier of %s %s: %s", ul->name, ul->ifname,
			     now ? "on" : "off", strerror(rc));
		else if (ul->nic_link >= 0 || !now)
			vlog(VLOG_INFO, "underlay %s: link %s", ul->name, now ? "up" : "down");
		ul->nic_link = now;
	}
}

/* The service's one-line status (STATUS=, sent when it changes): what an operator checks first. */
static void vtepd_status(struct vtepd *d, bool ready)
{
	const char *fmt = "VTEP %s, %u VNIs, %u ports, BGP %u/%u established";
	struct bgp *b = d->fabric ? fabric_speaker(d) : NULL;
	unsigned vnis = 0, ports = 0, peers = 0, up = 0;
	char src[INET_ADDRSTRLEN];

	for (uint16_t i = 0; i < d->n_vnis; i++)
		vnis += d->vnis[i].vni != 0;
	for (int s = 1; s <= VTEP_MAX_PORTS; s++)
		ports += d->ports[s].in_use;
	for (size_t i = 0; b && i < bgp_peer_count(b); i++) {
		peers++;
		up += bgp_peer_state(bgp_peer_at(b, i)) == BGP_ST_ESTABLISHED;
	}
	inet_ntop(AF_INET, &d->cfg.source_ip, src, sizeof(src));
	if (ready)
		service_ready(fmt, src, vnis, ports, up, peers);
	else
		service_status(fmt, src, vnis, ports, up, peers);
}

static void vtepd_tick(struct vtepd *d)
{
	uint64_t expirations;
	struct timespec now;

	if (read(d->timer_fd, &expirations, sizeof(expirations)) < 0)
		return;
	d->ticks++;
	clock_gettime(CLOCK_MONOTONIC, &now);
	service_watchdog((uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u);
	vtepd_learning_drain(d);
	fabric_tick(d);
	if (d->ticks % (1000 / VTEPD_TICK_MS) == 0) {
		vtepd_learning_age(d);
		/* a learned VTEP goes once no MAC was behind it for the aging time (300 s when MACs never age) */
		vtepd_vteps_age(d, dp_clock_sec(), d->cfg.mac_aging_sec ? d->cfg.mac_aging_sec : VTEP_DEFAULT_MAC_AGING_SEC);
		vtepd_vteps_resolve(d, d->resolve_all || d->ticks % (30000 / VTEPD_TICK_MS) == 0);
		d->resolve_all = false;
	} else if (d->resolve_all && d->ticks % (100 / VTEPD_TICK_MS) == 0) {
		vtepd_vteps_resolve(d, true);
		d->resolve_all = false;
	}
	if (d->topology_dirty)
		vtepd_publish(d);
	vtepd_api_tick(d, d->ticks % (100 / VTEPD_TICK_MS) == 0);
	if (d->ticks % (100 / VTEPD_TICK_MS) == 0) {
		vtepd_status(d, false);         /* sent only when it changed */
		vtepd_nic_links(d);
		vtepd_commands_serve(d);        /* drops clients past their timeout */
		vtepd_metrics_tick(d);
	}
}

/* A failed read of the netlink monitor (counted in nl_errors): logged at most once in 10 s. */
static void vtepd_nl_error(const struct vtepd *d, int err)
{
	static bool logged;
	static uint64_t logged_sec;
	uint64_t now = dp_clock_sec();

	if (logged && now - logged_sec < 10)
		return;
	logged = true;
	logged_sec = now;
	vlog(VLOG_WARN, "netlink monitor: cannot read: %s (%" PRIu64 " errors so far)", strerror(err),
	     d->stats.nl_errors);
}

static void vtepd_run(struct vtepd *d)
{
	while (!d->quit) {
		struct epoll_event evs[8];
		int n = epoll_wait(d->epoll_fd, evs, 8, 1000);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == d->signal_fd) {
				struct signalfd_siginfo si;

				if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
					continue;
				if (si.ssi_signo == SIGHUP) {
					char err[1024];

					/* as 'vtepctl reload': the result (or why nothing changed) is logged */
					vlog(VLOG_INFO, "SIGHUP: reloading %s", d->cfg.path);
					vtepd_reload(d, NULL, err, sizeof(err));
					continue;
				}
				vlog(VLOG_INFO, "signal %u: shutting down", si.ssi_signo);
				d->quit = true;
			} else if (fd == d->timer_fd) {
				vtepd_tick(d);
			} else if (fd == ctl_server_fd(d->ctl)) {
				vtepd_commands_serve(d);
			} else if (fd == api_server_fd(d->api)) {
				vtepd_api_serve(d);
			} else if (d->metrics && fd == metrics_server_fd(d->metrics)) {
				vtepd_metrics_serve(d);
			} else if (fd == vtepd_telemetry_fd()) {
				vtepd_telemetry_serve(d);
			} else if (fd == fabric_fd(d)) {
				fabric_process(d);
			} else if (fd == d->nl_fd) {
				bool changed;
				int rc = nl_monitor_service(fd, vtepd_link_event, d, &d->stats.nl_events,
							    &d->stats.nl_errors, &changed);

				if (changed)
					d->resolve_all = true;
				if (rc)
					vtepd_nl_error(d, rc);
			}
		}
		if (d->topology_dirty)
			vtepd_publish(d);
	}
}

/* EAL's runtime directory of our file prefix (its config and lock files): nothing stays behind. */
static void vtepd_remove_runtime_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dp;

	if (!strstr(dir, "/vtepd-") || !(dp = opendir(dir)))
		return;
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.' && snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
			unlink(path);
	closedir(dp);
	rmdir(dir);
}

/*
 * With fastpath.capture the hugepage files stay while we run (dpdk-dumpcap maps them): they
 * go at exit, from every hugetlbfs mount, by our file prefix ("vtepd-NAME" + "map_N").
 */
static void vtepd_remove_hugepage_files(const struct vtepd *d)
{
	char prefix[128], line[512], path[PATH_MAX];
	unsigned removed = 0;
	FILE *f;

	if (!d->cfg.capture || !d->hugepages || !(f = fopen("/proc/mounts", "r")))
		return;
	snprintf(prefix, sizeof(prefix), "vtepd-%smap_", d->cfg.name);
	while (fgets(line, sizeof(line), f)) {
		char dev[128], dir[256], type[64];
		struct dirent *e;
		DIR *dp;

		if (sscanf(line, "%127s %255s %63s", dev, dir, type) != 3 || strcmp(type, "hugetlbfs") != 0 ||
		    !(dp = opendir(dir)))
			continue;
		while ((e = readdir(dp)))
			if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
			    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path) && unlink(path) == 0)
				removed++;
		closedir(dp);
	}
	fclose(f);
	vlog(VLOG_INFO, "fastpath.capture: %u hugepage files of vtepd-%s removed", removed, d->cfg.name);
}

static void vtepd_shutdown(struct vtepd *d)
{
	char rundir[PATH_MAX];

	if (d->worker.txb[0]) {
		d->worker.stop = true;
		rte_eal_wait_lcore(d->cfg.fastpath_lcore);
	}
	fabric_stop(d);
	vtepd_ports_shutdown(d);
	vtepd_commands_stop(d);
	vtepd_api_stop(d);
	vtepd_metrics_stop(d);
	vtepd_telemetry_stop();
	if (d->ctl_fd > 0)
		ctl_server_close(d->ctl_fd, d->cfg.socket_path);
	for (uint16_t u = 0; u < d->n_uplinks; u++) {
		if (d->uplinks[u].dpdk_port != DP_XSK_PORT && rte_eth_dev_is_valid_port(d->uplinks[u].dpdk_port) &&
		    d->pool)
			dp_port_remove(d->uplinks[u].dpdk_port);
		dp_xsk_close(d->uplinks[u].xsk);
		if (d->uplinks[u].xdp_lock >= 0) {
			char iface[VTEP_IFNAME_MAX];

			vtepd_devargs_iface(d->cfg.uplinks[u].devargs, iface);
			vtep_xdp_release(iface, d->uplinks[u].xdp_lock);   /* the program went with the port */
			d->uplinks[u].xdp_lock = -1;
		}
	}
	for (uint16_t u = 0; u < d->n_uplinks; u++)
		if (rte_eth_dev_is_valid_port(d->uplinks[u].exc_port) && d->pool)
			dp_port_remove(d->uplinks[u].exc_port);
	dp_worker_fini(&d->worker);
	dp_topology_free(atomic_load(&d->topology));
	vtepd_vrfs_free(d);                 /* after the snapshot that pointed at the route tables */
	if (d->fdb)
		fdb_destroy(d->fdb);
	arp_table_destroy(d->arp);
	rte_ring_free(d->learn_ring);
	dp_reasm_free(d->reasm);            /* returns the fragments it holds to the pool */
	rte_mempool_free(d->pool);
	rte_free(d->counters);
	dpdk_memif_munmap_workaround_set(NULL);
	rte_free(d->qsbr);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	if (d->cfg.capture && d->hugepages)
		rte_pdump_uninit();
	rte_eal_cleanup();
	vtepd_remove_hugepage_files(d);
	vtepd_remove_runtime_dir(rundir);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct vtepd daemon;  /* large: keep it off the stack */
	struct vtepd *d = &daemon;
	const char *config = NULL;
	bool check_only = false;
	char err[512];
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:dh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case 'C': check_only = true; break;
		case 'd': vlog_set_level(VLOG_DEBUG); break;
		case 'h': vtepd_usage(stdout); return 0;
		case 'V': printf("vtepd %s\n", VTEPD_VERSION); return 0;
		default: vtepd_usage(stderr); return 2;
		}
	}
	if (!config || optind != argc) {
		vtepd_usage(stderr);
		return 2;
	}
	service_init();
	rc = vtep_config_load_file(config, &d->cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "vtepd: %s\n", err);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration OK (%u VNIs, %u ports)\n", config, d->cfg.n_vnis, d->cfg.n_ports);
		vtep_config_free(&d->cfg);
		return 0;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "vtepd: must run as root (AF_XDP, hugepages, netlink)\n");
		return 1;
	}
	vlog_open(d->cfg.name);             /* the journal when stderr is systemd's journal stream */
	{
		sigset_t mask;

		vtepd_signal_mask(&mask);
	}
	d->ctl_fd = d->nl_fd = d->timer_fd = d->signal_fd = d->epoll_fd = -1;
	for (uint16_t u = 0; u < VTEP_MAX_UPLINKS; u++) {
		d->uplinks[u].xdp_lock = -1;
		d->uplinks[u].exc_port = UINT16_MAX;
		d->uplinks[u].nic_link = -1;
	}
	d->underlay_port = UINT16_MAX;
	d->exception_port = UINT16_MAX;
	d->started_at = (uint64_t)time(NULL);
	rc = vtepd_eal_init(d, argv[0]);
	if (rc)
		return 1;
	if ((rc = vtepd_dataplane_create(d)) || (rc = vtepd_underlay_start(d)) || (rc = vtepd_vnis_load(d)))
		goto out;
	if ((rc = vtepd_vrfs_create(d)))
		goto out;
	/* the VRFs, then the VNIs added at run time before a restart (a VNI may be in such a VRF), before the ports */
	vtepd_vrfs_restore(d);
	vtepd_vnis_restore(d);
	/* The snapshot must exist before the worker runs and before ports attach. */
	if ((rc = vtepd_publish(d)))
		goto out;
	if ((rc = rte_eal_remote_launch(dp_worker_run, &d->worker, d->cfg.fastpath_lcore))) {
		vlog(VLOG_ERR, "cannot launch the fast path on lcore %u: %s", d->cfg.fastpath_lcore, strerror(-rc));
		rc = -rc;
		d->worker.stop = true;
		goto out;
	}
	vtepd_ports_state_load(d);
	for (uint32_t i = 0; i < d->cfg.n_ports; i++) {
		rc = vtepd_port_attach(d, &d->cfg.ports[i], true, err, sizeof(err));
		if (rc) {
			vlog(VLOG_ERR, "%s:%d: port %s: %s", d->cfg.path, d->cfg.ports[i].line, d->cfg.ports[i].name,
			     err);
			goto out;
		}
	}
	vtepd_ports_restore(d);
	if ((rc = vtepd_learning_static(d, err, sizeof(err)))) {
		vlog(VLOG_ERR, "%s", err);
		goto out;
	}
	vtepd_vteps_resolve(d, true);
	if ((rc = vtepd_publish(d)) || (rc = vtepd_loop_setup(d)) || (rc = fabric_start(d)))
		goto out;
	vlog(VLOG_INFO, "vtepd %s ready: VTEP %s, %u VNIs, %u ports, control socket %s", d->cfg.name,
	     inet_ntoa((struct in_addr){ d->cfg.source_ip }), d->n_vnis, d->cfg.n_ports, d->cfg.socket_path);
	vtepd_status(d, true);              /* READY=1: socket listening, ports attached, fast path and BGP running */
	vtepd_run(d);
	service_stopping();
	rc = 0;
out:
	vtepd_shutdown(d);
	if (d->epoll_fd >= 0)
		close(d->epoll_fd);
	vtep_config_free(&d->cfg);
	return rc ? 1 : 0;
}
