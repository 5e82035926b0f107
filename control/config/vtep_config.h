/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtep_config.h: the daemon's configuration as parsed from YAML (config.c).
 * Plain C, no DPDK: the parser and its tests build without EAL.
 * Addresses are stored in network byte order.
 */
#ifndef VTEP_CONFIG_H
#define VTEP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtep_limits.h"

#define VTEP_NETNS_MAX 256      /* netns name or path, including the NUL */

#define VTEP_DEFAULT_UDP_PORT 4789
#define VTEP_DEFAULT_UNDERLAY_MTU 1500
#define VTEP_DEFAULT_MAC_TABLE_SIZE (1u << 20)
#define VTEP_DEFAULT_MAC_AGING_SEC 300
/* A learned IP binding (the gateway's ARP/ND table) not refreshed for this long goes: NX-OS's ARP timeout. */
#define VTEP_DEFAULT_NEIGHBOR_AGING_SEC 1500
/* Learned IP bindings a port may hold when max_neighbors is not configured. */
#define VTEP_DEFAULT_PORT_MAX_NEIGHBORS 256
#define VTEP_PORT_MAX_NEIGHBORS_MAX 65536
#define VTEP_DEFAULT_MBUFS 32768
#define VTEP_DEFAULT_LCORE 1
#define VTEP_DEFAULT_CONTAINER_IFNAME "eth0"
/* MAC limits (max_macs) when not configured: a port may fill 1/16 of the MAC table, a VNI half of it. */
#define VTEP_DEFAULT_PORT_MAX_MACS_DIV 16
#define VTEP_DEFAULT_VNI_MAX_MACS_DIV 2

/* A MAC entry that never ages: either behind a local port or a remote VTEP. */
struct vtep_static_mac_config {
	uint8_t mac[6];
	bool to_vtep;                    /* true: vtep_ip, false: port */
	uint32_t vtep_ip;                /* network order */
	char port[VTEP_IFNAME_MAX];
	int line;                        /* where it was declared, for errors */
};

struct vtep_vni_config {
	uint32_t vni;                    /* 1 .. 2^24-1 */
	bool learning;                   /* learn remote MACs from decapsulated frames; default true */
	uint32_t n_flood;
	uint32_t *flood;                 /* remote VTEP IPs (network order), head-end replication list */
	uint32_t n_static_macs;
	struct vtep_static_mac_config *static_macs;
	uint32_t mtu;                    /* largest inner IP packet carried; 0: underlay MTU minus 50 */
	bool outer_fragmentation;        /* fragment VXLAN packets over the underlay MTU (RFC 7348 4.3: off) */
	int vtep_check;                  /* decapsulate only from known VTEPs: -1 auto (on under BGP EVPN), 0, 1 */
	uint32_t max_macs;               /* MACs learned in the VNI at most; 0: default, VTEP_MAX_MACS_UNLIMITED */
	/* EVPN (used when bgp is configured) */
	bool has_rd;                     /* false: auto, router-id:index (NX-OS style) */
	uint8_t rd[8];                   /* as on the wire */
	uint32_t n_rt_import, n_rt_export;   /* 0: auto, ASN:VNI */
	uint64_t *rt_import, *rt_export; /* extended communities, host order big-endian value */
	int line;
	/* L3 (issue 14): the VRF the VNI is routed in, and its anycast gateway addresses */
	uint16_t vrf;                    /* index into vtep_config.vrfs; VTEP_NO_VRF: none (L2 only) */
	bool gw4_on;
	uint32_t gw4;                    /* network order; a host address of its subnet */
	uint8_t gw4_len;                 /* 1..31 */
	bool gw6_on;
	uint8_t gw6[16];                 /* network order; not link-local or multicast, host part non-zero */
	uint8_t gw6_len;                 /* 1..127 */
};

#define VTEP_VRF_NAME_MAX 16             /* 1..15 characters of A-Z a-z 0-9 _ -, including the NUL */
#define VTEP_VRF_MAX_PREFIXES 256        /* advertise entries (IPv4 and IPv6 together) per VRF */

/* A prefix a VRF advertises as EVPN type 5: host bits zero. */
struct vtep_prefix4_config {
	uint32_t addr;                   /* network order */
	uint8_t len;                     /* 0..32 */
};

struct vtep_prefix6_config {
	uint8_t addr[16];                /* network order */
	uint8_t len;                     /* 0..128 */
};

/*
 * A tenant VRF (an IP-VRF): routed between its VNIs (vtep_vni_config.vrf) on this leaf, and
 * between leaves over its L3 VNI (symmetric IRB). The EVPN fields have the VNIs' form.
 */
struct vtep_vrf_config {
	char name[VTEP_VRF_NAME_MAX];    /* unique */
	uint32_t l3vni;                  /* 1 .. 2^24-1; unique, not an L2 VNI of vnis */
	bool router_mac_auto;            /* default true: the first uplink's MAC, at run time */
	uint8_t router_mac[6];           /* when !router_mac_auto: unicast, not vtep.anycast_gateway_mac */
	/* EVPN (used when bgp is configured; without bgp these keep their defaults) */
	bool has_rd;                     /* false: auto, router-id:(3 + the VRF's index) (NX-OS IP-VRF style) */
	uint8_t rd[8];                   /* as on the wire */
	uint32_t n_rt_import, n_rt_export;   /* 0: auto, ASN:L3VNI */
	uint64_t *rt_import, *rt_export; /* extended communities, host order big-endian value */
	uint32_t n_prefix4, n_prefix6;   /* advertise: announced as type 5 */
	struct vtep_prefix4_config *prefix4;
	struct vtep_prefix6_config *prefix6;
	bool advertise_subnets;          /* announce the gateway subnets of the VRF's VNIs as type 5 */
	uint32_t max_ipv4_routes;        /* what its route table holds (default VTEP_VRF_MAX_V4_ROUTES) */
	uint32_t max_ipv6_routes;        /* (default VTEP_VRF_MAX_V6_ROUTES) */
	int line;
};

#define VTEP_MEMIF_SOCKET_MAX 108       /* sun_path, including the NUL */

enum vtep_port_type {
	VTEP_PORT_AF_XDP = 0,            /* a veth into the container's netns, host end through AF_XDP */
	VTEP_PORT_MEMIF,                 /* a DPDK net_memif: vtepd is the server, the container's DPDK app the client */
};

/* A container port: a veth whose host end vtepd owns through AF_XDP, or a memif. */
struct vtep_port_config {
	enum vtep_port_type type;        /* default af_xdp */
	char name[VTEP_IFNAME_MAX];      /* host-side interface name, also the port's name */
	uint32_t vni;
	char netns[VTEP_NETNS_MAX];      /* named netns (/run/netns/NAME) or a path; empty when pid is used */
	int pid;                         /* 0 when netns is used */
	char ifname[VTEP_IFNAME_MAX];    /* interface name inside the container, default eth0 */
	bool has_mac;
	uint8_t mac[6];                  /* container-side MAC; random when absent */
	bool has_ip;
	uint32_t ip;                     /* network order */
	uint8_t prefix_len;
	uint32_t mtu;                    /* 0: the VNI's MTU */
	uint32_t max_macs;               /* MACs learned on the port at most; 0: default, VTEP_MAX_MACS_UNLIMITED */
	uint32_t max_neighbors;          /* learned IP bindings at most; 0: VTEP_DEFAULT_PORT_MAX_NEIGHBORS */
	/* memif only (netns, pid and ifname are AF_XDP only) */
	char socket[VTEP_MEMIF_SOCKET_MAX];  /* empty: /run/vtepd/INSTANCE-NAME.memif */
	uint32_t memif_id;               /* the interface id on that socket, default 0 */
	int line;
};

#define VTEP_BGP_MAX_NEIGHBORS 64
#define VTEP_BGP_PASSWORD_MAX 80         /* TCP_MD5SIG_MAXKEYLEN */

struct vtep_bgp_neighbor_config {
	uint32_t address;                /* network order */
	uint32_t remote_as;
	bool passive;
	char password[VTEP_BGP_PASSWORD_MAX];   /* TCP MD5; empty: none */
	uint32_t max_routes;             /* 0: unlimited */
	bool ttl_security;
	uint16_t hold_time;              /* 0: bgp.hold_time */
	char description[64];
	int line;
	/* update_source: outgoing connections from this address or interface; neither: the kernel's choice */
	uint32_t update_source;          /* network order; 0: none */
	char update_source_if[VTEP_IFNAME_MAX];
	bool has_local_pref;             /* local_preference given for this (iBGP) neighbour */
	uint32_t local_pref;
};

#define VTEP_BGP_MAX_LISTEN 16
#define VTEP_BGP_DEFAULT_LOCAL_PREF 100

/* The BGP EVPN speaker; enabled when the configuration has a bgp section. */
struct vtep_bgp_config {
	bool enabled;
	uint32_t asn;
	uint32_t router_id;              /* network order; default vtep.source_ip */
	uint16_t hold_time;              /* default 90 */
	uint16_t port;                   /* default 179 */
	bool graceful_restart;           /* default true */
	uint16_t restart_time;           /* default 120 */
	int rt_match_vni_only;           /* -1 auto (on for eBGP), 0 off, 1 on: import auto RTs on the VNI alone */
	bool advertise_local;            /* advertise local MACs (type 2) and VNIs (type 3); default true */
	uint32_t dup_max_moves;          /* duplicate detection: moves ... (default 5) */
	uint32_t dup_window_sec;         /* ... within this many seconds (default 180) */
	bool arp_suppression;            /* default true */
	uint32_t n_neighbors;
	struct vtep_bgp_neighbor_config *neighbors;
	uint32_t n_listen;               /* 0: listen on all local addresses */
	uint32_t listen[VTEP_BGP_MAX_LISTEN];   /* network order */
	uint32_t local_pref;             /* LOCAL_PREF sent to iBGP peers, given to eBGP-learned routes; default 100 */
};

struct vtep_config {
	char path[256];                  /* file the config came from (for messages) */
	char name[32];                   /* instance name; default "vtepd" */
	uint32_t source_ip;              /* VTEP source address, network order; required */
	uint16_t udp_port;               /* default 4789 */

	char underlay_devargs[256];      /* DPDK devargs: PCI address or net_af_xdp0,iface=IF ... */
	char underlay_ifname[VTEP_IFNAME_MAX]; /* kernel interface that keeps the underlay IP; from iface= when absent */
	bool underlay_exception;         /* DPDK owns the port outright: vtepd creates underlay_ifname as a TAP
					    (exception interface) and passes all non-VXLAN traffic through it.
					    Default: true for a PCI address, false for vdevs (net_af_xdp ...) */
	uint32_t underlay_mtu;           /* default 1500 */
	/*
	 * Every uplink (underlay interface): underlay.port alone gives one, the same as
	 * underlay_devargs / underlay_ifname; underlay.ports gives 1..VTEP_MAX_UPLINKS AF_XDP
	 * ports, the first of them also in underlay_devargs / underlay_ifname.
	 */
	uint32_t n_uplinks;
	struct vtep_uplink_config {
		char devargs[256];
		char ifname[VTEP_IFNAME_MAX];   /* iface= of devargs; with exception, the TAP vtepd creates */
		int line;
		bool exception;                 /* DPDK owns the port: the kernel's traffic goes through TAP ifname */
	} uplinks[VTEP_MAX_UPLINKS];

	unsigned fastpath_lcore;         /* default 1 */
	uint32_t mac_table_size;         /* default 1M */
	uint32_t mac_aging_sec;          /* default 300; 0 disables aging */
	uint32_t neighbor_aging_sec;     /* learned IP bindings, default 1500; 0: they never age */
	uint32_t mbufs;                  /* mbuf pool size, default 32768 */
	uint32_t runtime_vrfs;           /* VRFs of default size 'vrf add' has memory for, default 0 */
	bool capture;                    /* fastpath.capture: pdump on, hugepage files kept for dpdk-dumpcap */
	char socket_path[108];           /* management socket; default /run/vtepd/NAME.sock */
	/* the management API (api: section): HTTP on a UNIX socket, and on TCP with a token */
	char api_socket_path[108];       /* default: socket_path with ".sock" -> ".api.sock" */
	bool api_listen_on;              /* api.listen given */
	uint32_t api_listen_ip;          /* network order */
	uint16_t api_listen_port;
	char api_token_file[256];        /* api.token_file: the bearer token; required with listen */
	/* Prometheus metrics (metrics: section): GET /metrics over HTTP on metrics_ip:metrics_port */
	bool metrics_on;                 /* metrics.listen given (off by default) */
	bool metrics_ip6;                /* metrics_ip is IPv6 (16 bytes), else IPv4 (its first 4) */
	uint8_t metrics_ip[16];          /* network order */
	uint16_t metrics_port;

	uint32_t n_vnis;
	struct vtep_vni_config *vnis;
	uint32_t n_ports;
	struct vtep_port_config *ports;
	struct vtep_bgp_config bgp;

	/* L3 (issue 14) */
	bool anycast_gw_mac_on;          /* vtep.anycast_gateway_mac given; required by any VNI gateway */
	uint8_t anycast_gw_mac[6];       /* the fabric-wide gateway MAC, the same on every leaf */
	uint32_t n_vrfs;
	struct vtep_vrf_config vrfs[VTEP_MAX_VRFS];
};

/*
 * Load and validate. Returns 0, or a positive errno with err holding one line:
 * "FILE:LINE:COLUMN: what was wrong (what was expected)". On error cfg is left freed.
 */
int vtep_config_load_file(const char *path, struct vtep_config *cfg, char *err, size_t errlen);
/* Same for a YAML document held in memory; name stands in for the file name in messages. */
int vtep_config_load_string(const char *name, const char *yaml, size_t len,
			    struct vtep_config *cfg, char *err, size_t errlen);
void vtep_config_free(struct vtep_config *cfg);
/*
 * Where key (a path as the loader's messages write it: "vtep.source_ip", "vnis[2].mtu") is in
 * the file at path: the 1-based line and column of the key, or of the nearest enclosing key
 * given (1, 1 and ENOENT when none is). 0 or a positive errno (the file cannot be read).
 */
int vtep_config_locate(const char *path, const char *key, int *line, int *col);

/* Helpers shared with the CLI and the daemon. Return 0 or EINVAL. */
int vtep_parse_mac(const char *s, uint8_t mac[6]);
/* A MAC in Cisco's dotted form, xxxx.xxxx.xxxx (as NX-OS writes it). */
int vtep_parse_mac_dotted(const char *s, uint8_t mac[6]);
int vtep_parse_ipv4(const char *s, uint32_t *ip_be);
int vtep_parse_ipv4_prefix(const char *s, uint32_t *ip_be, uint8_t *len);
/* An IPv6 address with prefix length 0..128 (inet_pton's forms, no zone): ADDR/LEN. */
int vtep_parse_ipv6_prefix(const char *s, uint8_t addr[16], uint8_t *len);
/* A memif socket path: absolute, shorter than VTEP_MEMIF_SOCKET_MAX, no ',' (devargs) or whitespace. */
int vtep_memif_socket_check(const char *path);
/* A port or interface name: a kernel interface name that is safe in DPDK devargs (no ',', '=', ':', '/', spaces). */
int vtep_ifname_check(const char *name);
/* A netns name (as in 'ip netns') or an absolute path: printable, no whitespace, not "." or "..". */
int vtep_netns_check(const char *s);
/* A container port's address: unicast host address (not 0/8, 127/8, multicast, broadcast), prefix 1..32. */
int vtep_port_ip_check(uint32_t ip_be, uint8_t prefix_len);
const struct vtep_vni_config *vtep_config_find_vni(const struct vtep_config *cfg, uint32_t vni);
/* The VRF named name (its index: the result minus cfg->vrfs), or NULL. */
const struct vtep_vrf_config *vtep_config_find_vrf(const struct vtep_config *cfg, const char *name);

#endif
