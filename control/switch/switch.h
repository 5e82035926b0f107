/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * switch.h: the switch's control state (struct vtepd) and the functions of its modules:
 * switch.c (lookups shared by the others), publish.c (the fast path's snapshot), ports.c and ports_memif.c (container ports),
 * vteps.c (remote VTEPs and their outer next hops), learning.c (MAC learning and aging),
 * vrfs.c (tenant VRFs: their route tables and RIBs, connected, local host and EVPN routes, L3 VNIs),
 * vnis.c (VNIs added and deleted at run time, and their state file).
 * The switch knows nothing of BGP or management: whoever needs to hear of local MACs
 * (the fabric's EVPN speaker) sets the hooks. Everything here runs on the control thread.
 */
#ifndef VTEP_SWITCH_H
#define VTEP_SWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtep_dp.h"
#include "fastpath.h"
#include "vtep_config.h"

struct arp_table;
struct dp_route_table;
struct fdb;
struct route_prefix;
struct route_rib;
struct fabric;
struct ctl_server;
struct api_server;
struct metrics_server;
struct rte_mempool;
struct rte_ring;
struct rte_rcu_qsbr;

#define VTEPD_MAX_FLOOD 256

struct vtepd_vni {
	uint32_t vni;
	bool learning;
	bool outer_frag;                   /* outer fragmentation on */
	uint16_t mtu;                      /* inner IP MTU (the VNI's, default underlay - 50); container default */
	uint16_t n_flood;
	uint16_t flood[VTEPD_MAX_FLOOD];   /* VTEP ids */
	bool vtep_check;                   /* decapsulate only from known VTEPs (flood list, EVPN, static) */
	uint32_t max_macs;                 /* learning limit, VTEP_MAX_MACS_UNLIMITED: none */
	bool learn_full;                   /* at max_macs (as published to the fast path) */
	uint64_t learn_limit;              /* new MACs refused here for max_macs (the fast path counts its own) */
	bool runtime;                      /* added with 'vni add' (vnis.c), not from the configuration */
};

/*
 * An IP binding a container's ARP or neighbour discovery taught the gateway (learning.c): a
 * local host route in its VNI's VRF and a MAC+IP route for EVPN while it lives.
 */
struct vtepd_neigh {
	uint8_t ip[16];                    /* IPv4: the first 4 bytes, network order */
	uint8_t mac[6];
	bool v6;
	bool adv;                          /* IPv4: the one the EVPN RIB holds for its MAC (one per MAC) */
	uint64_t last_seen;                /* seconds (dp_clock_sec): its last ARP / ND */
};

struct vtepd_port {
	bool in_use;
	bool from_config;
	struct vtep_port_config conf;      /* as attached (mtu and mac filled in) */
	uint16_t vni_idx;
	uint16_t dpdk_port;
	struct rte_mempool *pool;          /* the port's own mbufs (its AF_XDP UMEM) */
	struct dp_xsk *xsk;                /* jumbo MTU: our multi-buffer AF_XDP port (dpdk_port DP_XSK_PORT) */
	unsigned generation;               /* attach count of this slot, for unique pool names */
	uint64_t attached_at;              /* seconds since the epoch */
	bool learn_full;                   /* at its max_macs (as published to the fast path) */
	uint64_t learn_limit;              /* new MACs refused here for max_macs (the fast path counts its own) */
	struct vtepd_neigh *neigh;         /* its learned IP bindings (not the configured ip) */
	uint32_t n_neigh, neigh_cap;       /* in use, allocated (grows up to max_neighbors) */
	uint64_t neigh_refused;            /* new bindings refused: the port was at max_neighbors */
};

/* One outer next hop of a remote VTEP, from the kernel's FIB (one of an ECMP set). */
struct vtepd_nexthop {
	int ifindex;                       /* out interface: one of the uplinks */
	uint16_t uplink;                   /* index in vtepd.uplinks */
	uint32_t gateway;                  /* 0 when on-link */
	bool resolved;                     /* mac is known (a kept MAC while the kernel re-resolves counts) */
	uint8_t mac[6];
};

struct vtepd_vtep {
	uint32_t ip;                       /* network order; 0 = free */
	bool dynamic;                      /* learned from the data plane, not configured */
	bool resolved;                     /* some next hop is usable: the first usable one is below */
	int ifindex;                       /* kernel's out interface for it (first usable next hop) */
	uint32_t gateway;                  /* 0 when on-link */
	uint8_t mac[6];                    /* next-hop MAC */
	int last_error;                    /* errno of the last failed resolution, 0 if none */
	uint64_t resolve_requests;         /* times we asked the kernel to resolve */
	bool idle;                         /* dynamic, and no MAC points at it since idle_since */
	uint64_t idle_since;
	uint8_t n_nh;                      /* the route's next hops through uplinks (usable or not) */
	struct vtepd_nexthop nh[DP_MAX_NEXTHOPS];
	bool retiring;                     /* ip 0: removed, but a published snapshot may still have it:
					      the id is not reused until a snapshot without it is published */
};

/* An underlay interface (uplink): a DPDK port (AF_XDP, or a NIC), its kernel interface and link. */
struct vtepd_uplink {
	char ifname[VTEP_IFNAME_MAX];      /* the kernel's interface (the exception TAP for a DPDK-owned NIC) */
	uint16_t slot;                     /* DP_PORT_UPLINK(index) */
	uint16_t dpdk_port;                /* DP_XSK_PORT: xsk */
	struct dp_xsk *xsk;                /* jumbo MTU: our multi-buffer AF_XDP port */
	uint8_t mac[6];
	int ifindex;
	bool up;                           /* the kernel's link state: IFF_UP, carrier (IFF_LOWER_UP) and operstate */
	int xdp_lock;                      /* vtep_xdp_claim() of its AF_XDP interface, or -1 */
	uint16_t exc_port;                 /* DPDK port of its exception TAP (ifname), UINT16_MAX when none */
	int8_t nic_link;                   /* with a TAP: DPDK's last link status (1 up, 0 down, -1 not read yet) */
	char name[VTEP_IFNAME_MAX + 8];    /* in show ports/stats: ifname, or "underlay", "underlayN" for a NIC */
};

/*
 * A tenant VRF (vrfs.c): its route table (which every snapshot shares) and the RIB that programs
 * it, and its L3 VNI (published as a VNI of its own after the L2 VNIs, symmetric IRB).
 */
struct vtepd_vrf {
	struct dp_route_table *table;
	struct route_rib *rib;
	uint32_t l3vni;
	uint8_t router_mac[6];             /* router_mac, or the first uplink's MAC (auto) */
	uint64_t host_refused;             /* local host routes not installed (the RIB or the table full) */
	uint64_t remote_refused;           /* EVPN routes not installed (VTEP table, the RIB or the table full) */
	uint64_t local_moved;              /* local host routes removed: their MAC moved to a remote VTEP */
	uint32_t remote_routes;            /* EVPN host and type-5 routes in the RIB (each holds vtep_refs) */
	uint32_t vtep_refs[VTEP_MAX_VTEPS]; /* EVPN routes per next-hop VTEP id: the L3 VNI's known VTEPs */
	bool runtime;                      /* added with 'vrf add' (vrfs_runtime.c), not from the configuration */
};

struct vtepd_stats {
	uint64_t learn_events, learn_ignored, learn_errors, vtep_table_full;
	uint64_t arp_table_full;           /* remote MAC+IP bindings not installed: ARP suppression table full */
	uint64_t nl_events, resolutions, publishes;
	uint64_t nl_errors;                /* failed reads of the netlink monitor */
	uint64_t learn_limit;              /* learn events refused for a port's or a VNI's max_macs */
	uint64_t vteps_aged;               /* learned VTEPs removed: no MAC behind them for the aging time */
	uint64_t neigh_learned;            /* learned IP bindings added */
	uint64_t neigh_aged;               /* ... removed: not refreshed for neighbor_aging */
	uint64_t neigh_gone;               /* ... removed: their MAC left the port (aged, moved, detached) */
	uint64_t neigh_refused;            /* ... refused: their port at max_neighbors, or their MAC not learnable */
};

struct vtepd;

/*
 * Who hears of local MACs: set by the fabric's BGP EVPN speaker when it starts (fabric.h);
 * NULL: nobody (no BGP). The switch calls them through vtepd_local_mac / vtepd_local_ip.
 */
struct vtepd_hooks {
	/* A local MAC appeared (learned, attached) or went away. */
	void (*local_mac)(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], bool present);
	/* A local MAC's IP binding (from its ARP, or the attached port's address). */
	void (*local_ip)(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], uint32_t ip);
	/* A local MAC's IPv6 binding (from its neighbour discovery). */
	void (*local_ip6)(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], const uint8_t ip6[16]);
	/* One learned binding of a local MAC went (ip_len 32 or 128, ip in network order). */
	void (*local_ip_del)(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], uint8_t ip_len, const void *ip);
	/*
	 * VNI index vni_idx was added at run time (present, once it is published) or is about to
	 * go (not present, while it is still published, before its MACs are flushed).
	 */
	void (*vni)(struct vtepd *d, uint16_t vni_idx, bool present);
	/*
	 * VRF index k was added at run time (present: its table exists, it is published) or is
	 * about to go (not present: no VNI is in it any more, its table still exists).
	 */
	void (*vrf)(struct vtepd *d, uint16_t k, bool present);
};

struct vtepd {
	struct vtep_config cfg;
	bool hugepages;

	struct rte_mempool *pool;
	struct dp_reasm *reasm;            /* outer reassembly, used by the fast path alone */
	struct dp_xsk *underlay_xsk;       /* jumbo underlay over AF_XDP (underlay_port DP_XSK_PORT) */
	struct fdb *fdb;
	struct arp_table *arp;             /* ARP suppression (EVPN MAC+IP); NULL when off */
	struct rte_ring *learn_ring;
	struct rte_rcu_qsbr *qsbr;
	struct dp_counters *counters;
	struct dp_worker worker;
	struct dp_topology *_Atomic topology;

	uint16_t underlay_port;
	uint16_t exception_port;           /* TAP towards the kernel, UINT16_MAX when unused */
	uint8_t underlay_mac[6];
	int underlay_ifindex;
	/* every uplink; uplinks[0] is also underlay_port / underlay_xsk / underlay_mac / underlay_ifindex */
	uint16_t n_uplinks;
	struct vtepd_uplink uplinks[VTEP_MAX_UPLINKS];

	/*
	 * VNI slots: vnis[i] and cfg.vnis[i] (cfg.n_vnis == n_vnis) are the same VNI. A VNI
	 * deleted at run time leaves a free slot (vni 0 in both) that the next 'vni add' takes:
	 * the indexes of the others never change (the FDB, the RIB and the ports key on them).
	 */
	uint16_t n_vnis;
	struct vtepd_vni vnis[VTEP_MAX_VNIS];
	struct vtepd_port ports[VTEP_MAX_PORTS + 1];
	struct vtepd_vtep vteps[VTEP_MAX_VTEPS];
	uint16_t n_vrfs;                   /* a VRF deleted at run time leaves a hole: l3vni 0, no table */
	uint32_t vrf_tables;               /* route tables made so far: each one's DPDK name */
	struct vtepd_vrf vrfs[VTEP_MAX_VRFS];
	uint32_t vtep_cache_ip;            /* the last VTEP vtepd_vtep_get() found */
	uint16_t vtep_cache_id;
	uint64_t anchor_gen;               /* fdb_anchor_generation() of the last snapshot (known VTEPs) */

	int epoll_fd, ctl_fd, nl_fd, timer_fd, signal_fd;
	bool topology_dirty;
	bool resolve_all;
	volatile bool quit;
	uint64_t ticks;
	uint64_t started_at;
	struct vtepd_stats stats;
	struct vtepd_hooks hooks;
	/* owned by the daemon's other subsystems; the switch never looks inside */
	struct fabric *fabric;             /* the BGP EVPN speaker (fabric.h), NULL without a bgp section */
	struct ctl_server *ctl;            /* the management socket's clients (on ctl_fd, ctl.h) */
	struct api_server *api;            /* the management API (HTTP, api.h) */
	struct metrics_server *metrics;    /* the Prometheus endpoint (metrics.h), NULL without metrics.listen */
};

/* switch.c */
/*
 * The largest MTU for DPDK's net_af_xdp driver: it carries one UMEM frame per packet, and its
 * frames are our mbufs, which must fit a page with the XDP headroom (DPDK 22.11's driver has
 * no multi-buffer support). Above it, interfaces use vtepd's multi-buffer AF_XDP port (xsk.h).
 */
#define VTEPD_AF_XDP_MAX_MTU 3000
/* The mbuf size (headroom included) that holds a frame of an interface with this MTU in one segment. */
uint16_t vtepd_mbuf_size(uint32_t mtu);
/* The index of VNI vni in d->vnis, DP_NO_ID when it is not configured. */
uint16_t vtepd_vni_index(const struct vtepd *d, uint32_t vni);
/* The slot of the attached port called name, -1 when there is none. */
int vtepd_port_find(const struct vtepd *d, const char *name);

/* publish.c */
/*
 * Rebuild the fast path's snapshot from the control state and publish it (waits for readers).
 * A VTEP id that left the snapshot has its counters cleared once the fast path no longer sees it.
 */
int vtepd_publish(struct vtepd *d);

/* vteps.c */
/* The id of the VTEP at ip, adding it when absent. ENOSPC when the table is full. */
int vtepd_vtep_get(struct vtepd *d, uint32_t ip, bool dynamic, uint16_t *id);
/* Resolve the outer next hop of every VTEP (all = false: only the unresolved ones). */
void vtepd_vteps_resolve(struct vtepd *d, bool all);
/* Fill a snapshot's VTEP records (outer header templates). */
void vtepd_vteps_fill(const struct vtepd *d, struct dp_topology *t);
/*
 * Fill the snapshot's known-VTEP sets of the VNIs with vtep_check: the flood list, and every
 * VTEP that holds an EVPN or static MAC of the VNI. 0 or ENOMEM.
 */
int vtepd_vteps_fill_known(struct vtepd *d, struct dp_topology *t);
/*
 * Remove the learned VTEPs that no MAC has pointed at for max_age seconds, and at once every
 * other VTEP that nothing names any more: no MAC behind it (EVPN, static or learned), no
 * flood list (configured or EVPN type-3 routes), no VRF route, no configuration key (a flood
 * list or static MAC of the file). Their ids are reused only once a snapshot without them is
 * published (vtepd_publish). Returns how many went.
 */
unsigned vtepd_vteps_age(struct vtepd *d, uint64_t now, uint64_t max_age);
/* "learned", "evpn" or "configured". */
const char *vtepd_vtep_source(const struct vtepd *d, uint16_t id);
/* The uplink of kernel interface ifindex, or -1. */
int vtepd_uplink_find(const struct vtepd *d, int ifindex);
/*
 * The kernel says uplink u's link is up or down: when it went down, its next hops leave every
 * VTEP's set at once (the caller publishes); when it came up, every VTEP is resolved again.
 */
void vtepd_uplink_link(struct vtepd *d, uint16_t u, bool up);

/* learning.c */
void vtepd_learning_drain(struct vtepd *d);
void vtepd_learning_age(struct vtepd *d);
/* The learning limit of a port slot / a VNI index in effect (VTEP_MAX_MACS_UNLIMITED: none). */
uint32_t vtepd_port_max_macs(const struct vtepd *d, uint16_t slot);
uint32_t vtepd_vni_max_macs(const struct vtepd *d, uint16_t vni_idx);
/* Recompute which ports and VNIs are at their limit; marks the topology dirty when that changed. */
void vtepd_learning_limits(struct vtepd *d);
/* Install an attached port's own MAC (pinned to it: never ages, never moves by learning). */
int vtepd_learning_port_mac(struct vtepd *d, uint16_t slot, uint16_t vni_idx, const uint8_t mac[6]);
/* Install the static MACs of the configuration. 0 or errno with err. */
int vtepd_learning_static(struct vtepd *d, char *err, size_t errlen);
/*
 * The learned IP bindings (the gateway's ARP/ND table): remove those not refreshed (by an
 * ARP/ND naming them, or any frame from their MAC) for neighbor_aging seconds at now, and at
 * once those whose MAC is no longer at their port; each takes its host route and MAC+IP
 * route with it. vtepd_learning_age runs it every second.
 */
void vtepd_neigh_age(struct vtepd *d, uint64_t now);
/* Port slot goes: its learned bindings go (their MAC+IP routes are withdrawn). */
void vtepd_neigh_port_gone(struct vtepd *d, uint16_t slot);
/* The learned bindings a port may hold. */
uint32_t vtepd_port_max_neighbors(const struct vtepd *d, uint16_t slot);

/* vrfs.c */
/* VNI index vi's gateway subnets as connected routes of its VRF: added, or removed (add false). */
int vtepd_vrf_vni_connected(struct vtepd *d, uint16_t vi, bool add);
/* Create every configured VRF's route table and RIB with its connected routes (after the VNIs and uplinks). */
int vtepd_vrfs_create(struct vtepd *d);
/* Free them (the fast path must be stopped, or no snapshot may point at them any more). */
void vtepd_vrfs_free(struct vtepd *d);
/* Make VRF k's route table and RIB (d->cfg.vrfs[k] filled) with its connected routes; free them. */
int vtepd_vrf_make(struct vtepd *d, uint16_t k);
void vtepd_vrf_unmake(struct vtepd *d, uint16_t k);
/* The VRF index VNI index vi is routed in, VTEP_NO_VRF when none. */
uint16_t vtepd_vni_vrf(const struct vtepd *d, uint16_t vi);
/*
 * Fill a snapshot's VRFs and each VNI's VRF index, and append each VRF's L3 VNI to t->vnis
 * (after the n_vnis L2 VNIs: l3 set, no ports, no flood list, no learning; decapsulated only
 * from the VTEPs that are next hops of the VRF's EVPN routes or in the flood list of one of
 * its L2 VNIs), its index in t->vrfs[k].l3vni_idx. 0 or ENOMEM.
 */
int vtepd_vrfs_fill(const struct vtepd *d, struct dp_topology *t);
/* The index the snapshot gives VRF k's L3 VNI (DP_NO_ID when there is no room). */
uint16_t vtepd_vrf_l3vni_index(const struct vtepd *d, uint16_t k);
/*
 * IPv4 address ip (network order) is at mac behind port slot: a local host route in the
 * VRF of the port's VNI, if any. learned: reported by the container's ARP (only addresses
 * of its VNI's gateway subnet are taken), else configured.
 */
void vtepd_vrf_host(struct vtepd *d, uint16_t slot, const uint8_t mac[6], uint32_t ip, bool learned);
/* The same for an IPv6 address ip6 a container's neighbour discovery reported (a /128). */
void vtepd_vrf_host6(struct vtepd *d, uint16_t slot, const uint8_t mac[6], const uint8_t ip6[16]);
/* A learned binding of port slot went: its host route goes, if it still points at mac there. */
void vtepd_vrf_host_del(struct vtepd *d, uint16_t slot, const uint8_t mac[6], bool v6, const uint8_t ip[16]);
/* Port slot went: its local host routes go too. */
void vtepd_vrf_port_gone(struct vtepd *d, uint16_t slot);
/*
 * The best EVPN route of VRF k for prefix p (from the fabric's RIB, symmetric IRB): host (a
 * MAC+IP route's /32 or /128) or type 5, through the remote VTEP vtep_ip (network order; its
 * id is taken from the VTEP table and kept while routes use it), router MAC rmac, L3 VNI
 * l3vni; vtep_ip 0: the VRF has no EVPN route for p any more. It replaces the VRF's previous
 * EVPN route for p, of either kind. Local routes (connected, static, local host) stay
 * preferred (route_rib.h). Errors are counted (remote_refused) and logged.
 */
void vtepd_vrf_remote(struct vtepd *d, uint16_t k, const struct route_prefix *p, bool host, uint32_t vtep_ip,
		      const uint8_t rmac[6], uint32_t l3vni);
/*
 * MAC mac of VNI index vi, local until now, is behind a remote VTEP (MAC mobility): the local
 * host routes through it go (the EVPN host route takes over).
 */
void vtepd_vrf_mac_remote(struct vtepd *d, uint16_t vi, const uint8_t mac[6]);

/* ports.c */
int vtepd_port_attach(struct vtepd *d, const struct vtep_port_config *pc, bool from_config, char *err,
		      size_t errlen);
int vtepd_port_detach(struct vtepd *d, const char *name, char *err, size_t errlen);
/*
 * Restart (see ports.c): read the previous vtepd's state file before the configuration's
 * ports attach (an attach takes its listed veth again when the settings match), then
 * restore the ports attached at run time and remove the rest. Shutdown keeps the veths.
 */
void vtepd_ports_state_load(struct vtepd *d);
void vtepd_ports_restore(struct vtepd *d);
void vtepd_ports_shutdown(struct vtepd *d);
/* Rewrite the ports' state file (after a port changed origin: a reload took it into the configuration). */
void vtepd_ports_state_save(const struct vtepd *d);

/* vnis.c */
/*
 * Parse the words of 'vni add N [vrf NAME] [gateway A.B.C.D/LEN] [gateway6 X::Y/LEN] [mtu N]
 * [learning on|off] [flood A.B.C.D,...] [max_macs N]' after 'add' into vc (its flood list
 * allocated: vtepd_vni_conf_free). 0 or EINVAL with err.
 */
int vtepd_vni_parse(const struct vtepd *d, int argc, char **argv, struct vtep_vni_config *vc, char *err,
		    size_t errlen);
void vtepd_vni_conf_free(struct vtep_vni_config *vc);
/*
 * Add VNI vc (checked as the configuration's VNIs are; vc's flood list is taken, vc emptied,
 * success or not) in a free slot, publish it, tell the hooks and keep it in the state file
 * /run/vtepd/NAME.vnis. 0, or EEXIST, EINVAL, ENOENT, ENOSPC with err. *vni_idx: its index.
 */
int vtepd_vni_add(struct vtepd *d, struct vtep_vni_config *vc, uint16_t *vni_idx, char *err, size_t errlen);
/*
 * Delete VNI vni (from the configuration or added at run time): EBUSY naming the ports while
 * ports are attached, ENOENT when there is no such L2 VNI. Its EVPN routes are withdrawn (the
 * hooks), it leaves the fast path, its MACs and ARP bindings are flushed.
 */
int vtepd_vni_del(struct vtepd *d, uint32_t vni, char *err, size_t errlen);
/* Restart: add the VNIs the state file lists (before the VRFs, the ports and the speaker start). */
void vtepd_vnis_restore(struct vtepd *d);
/* One VNI's words as 'vni add' takes them (the state file's line), into buf. */
void vtepd_vni_format(const struct vtepd *d, uint16_t vni_idx, char *buf, size_t len);
/* Rewrite the state file of the run-time VNIs (after one changed origin: a reload took it into the configuration). */
void vtepd_vnis_state_save(const struct vtepd *d);

/* vrfs_runtime.c */
/*
 * Parse the words of 'vrf add NAME l3vni N [router_mac MAC] [max_ipv4_routes N]
 * [max_ipv6_routes N] [advertise PREFIX,...] [advertise_subnets on|off]' after 'add' into vc
 * (its prefix lists allocated: vtepd_vrf_conf_free). 0 or EINVAL with err.
 */
int vtepd_vrf_parse(const struct vtepd *d, int argc, char **argv, struct vtep_vrf_config *vc, char *err,
		    size_t errlen);
void vtepd_vrf_conf_free(struct vtep_vrf_config *vc);
/*
 * Add VRF vc (its lists taken, vc emptied, success or not) in a free VRF slot: its route table,
 * publish, the hooks, the state file /run/vtepd/NAME.vrfs. 0, or EEXIST, ENOSPC, ENOMEM with err.
 */
int vtepd_vrf_add(struct vtepd *d, struct vtep_vrf_config *vc, uint16_t *vrf_idx, char *err, size_t errlen);
/*
 * Delete VRF name: EBUSY naming the VNIs while a VNI is in it, ENOENT when there is none. Its
 * EVPN routes are withdrawn and unimported (the hooks), it leaves the fast path, its table goes.
 */
int vtepd_vrf_del(struct vtepd *d, const char *name, char *err, size_t errlen);
/* Restart: add the VRFs the state file lists (after the configuration's, before the run-time VNIs). */
void vtepd_vrfs_restore(struct vtepd *d);
/* One VRF's words as 'vrf add' takes them (the state file's line), into buf. */
void vtepd_vrf_format(const struct vtepd *d, uint16_t k, char *buf, size_t len);
/* Rewrite the state file of the run-time VRFs (after one changed origin). */
void vtepd_vrfs_state_save(const struct vtepd *d);

/* ports_memif.c */
#define VTEPD_PORT_DESC 2048               /* RX and TX descriptors of a container port */
/* Fill pc->socket with /run/vtepd/INSTANCE-NAME.memif when it is empty. */
void vtepd_memif_default_socket(const struct vtepd *d, struct vtep_port_config *pc);
/* Remove the socket file at path unless a server answers there: 0, EEXIST (not a socket), EADDRINUSE. */
int vtepd_memif_remove_stale(const char *path);
/* Probe and start the memif server for pc on pool; *dpdk_port is set once probed. */
int vtepd_memif_open(struct vtepd *d, const struct vtep_port_config *pc, struct rte_mempool *pool,
		     uint16_t *dpdk_port, char *err, size_t errlen);
void vtepd_memif_close(const struct vtep_port_config *pc, uint16_t dpdk_port);

/* Tell the hooks (no-ops without them). */
static inline void vtepd_local_mac(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], bool present)
{
	if (d->hooks.local_mac)
		d->hooks.local_mac(d, vni_idx, mac, present);
}

static inline void vtepd_local_ip(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], uint32_t ip)
{
	if (d->hooks.local_ip)
		d->hooks.local_ip(d, vni_idx, mac, ip);
}

static inline void vtepd_local_ip6(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], const uint8_t ip6[16])
{
	if (d->hooks.local_ip6)
		d->hooks.local_ip6(d, vni_idx, mac, ip6);
}

static inline void vtepd_vni_hook(struct vtepd *d, uint16_t vni_idx, bool present)
{
	if (d->hooks.vni)
		d->hooks.vni(d, vni_idx, present);
}

static inline void vtepd_vrf_hook(struct vtepd *d, uint16_t k, bool present)
{
	if (d->hooks.vrf)
		d->hooks.vrf(d, k, present);
}

static inline void vtepd_local_ip_del(struct vtepd *d, uint16_t vni_idx, const uint8_t mac[6], uint8_t ip_len,
				      const void *ip)
{
	if (d->hooks.local_ip_del)
		d->hooks.local_ip_del(d, vni_idx, mac, ip_len, ip);
}

#endif
