/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netlink.h: the rtnetlink requests the control thread makes of the kernel: veth pairs for
 * container ports, configuring an interface inside a container's network namespace, and
 * the route and neighbour lookups that resolve the outer next hop of each remote VTEP.
 * Control thread only (blocking calls with a short timeout); never called by the fast path.
 * Every function returns 0 or a positive errno. Addresses are in network byte order.
 */
#ifndef VTEP_NETLINK_H
#define VTEP_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

/* Open a network namespace: a name under /run/netns, an absolute path, or (pid > 0) /proc/PID/ns/net. */
int nl_netns_open(const char *name_or_path, int pid, int *fd_out);

/*
 * Create a veth pair: host_name stays in the caller's namespace, peer_name is created
 * directly in the namespace peer_netns_fd (-1: the caller's). mtu applies to both ends
 * (0: kernel default). peer_mac may be NULL (random). EEXIST when host_name exists.
 */
int nl_veth_create(const char *host_name, const char *peer_name, int peer_netns_fd, uint32_t mtu,
		   const uint8_t *peer_mac);
/* Delete a link in the caller's namespace (its veth peer goes with it). ENOENT when absent. */
int nl_link_delete(const char *name);
/* Set a link up, and its MTU when mtu != 0. */
int nl_link_set_up(const char *name, uint32_t mtu);
/* Set the carrier of a link whose driver lets us (a TAP: the link state of the NIC it stands for). */
int nl_link_set_carrier(const char *name, bool on);
int nl_link_ifindex(const char *name, int *ifindex);
int nl_link_get_mac(const char *name, uint8_t mac[6]);
int nl_link_get_mtu(const char *name, uint32_t *mtu);
/* The kernel's operational state of the link (IF_OPER_UP, IF_OPER_DOWN, ... of linux/if.h). */
int nl_link_get_operstate(const char *name, uint8_t *operstate);
/*
 * The kernel's count of frames a link dropped on receive (rtnl_link_stats64.rx_dropped): for
 * the host end of an AF_XDP port, frames the socket could not take (ring full, no buffer).
 */
int nl_link_get_rx_dropped(const char *name, uint64_t *dropped);

/*
 * Inside netns_fd (from a short-lived thread that setns()es there, so the caller keeps its
 * namespace): bring ifname up with mtu (0: leave), add ip/prefix_len (ip 0: none), bring lo up,
 * and when tx_csum_off turn transmit checksum offload off (ETHTOOL_STXCSUM), so that frames
 * reaching AF_XDP carry finished checksums.
 */
int nl_netns_configure_link(int netns_fd, const char *ifname, uint32_t mtu, uint32_t ip, uint8_t prefix_len,
			    bool tx_csum_off);

/* Detach whatever XDP program is attached to ifname (leftover of a killed process). 0 if none. */
int nl_xdp_detach(const char *ifname);

/*
 * Outer next-hop resolution. nl_route_get asks the kernel's FIB for dst (like `ip route get`):
 * out interface and gateway (0 when on-link), ENETUNREACH without a route.
 * nl_neigh_get reads the neighbour entry of ip on ifindex: 0 with the MAC when it is usable
 * (REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP), EAGAIN while incomplete or failed,
 * ENOENT when absent. nl_neigh_resolve asks the kernel to resolve it (RTM_NEWNEIGH with NTF_USE).
 */
int nl_route_get(uint32_t dst, int *oif, uint32_t *gateway);

/*
 * Every next hop of the kernel's route to dst (like `ip route get fibmatch`): the members of a
 * multipath (ECMP) route in the kernel's order, or the one next hop of a plain route. Up to max
 * are stored in nh[], *n is how many. Errors as nl_route_get.
 */
struct nl_nexthop {
	int ifindex;
	uint32_t gateway;                  /* 0 when on-link */
	bool dead;                         /* RTNH_F_DEAD: the kernel does not use it (its device is down) */
	bool linkdown;                     /* RTNH_F_LINKDOWN: its device has no carrier */
};
int nl_route_get_nexthops(uint32_t dst, struct nl_nexthop *nh, unsigned max, unsigned *n);

/* Whether link ifindex is up for forwarding: admin up, carrier (IFF_LOWER_UP), operstate up or unknown. */
int nl_link_get_up(int ifindex, bool *up);
int nl_neigh_get(int ifindex, uint32_t ip, uint8_t mac[6]);
int nl_neigh_resolve(int ifindex, uint32_t ip);

/*
 * A socket subscribed to link, IPv4 address, IPv4 route and neighbour changes, non-blocking.
 * nl_monitor_drain reads everything pending: 0 with the number of change messages it saw in
 * *changes (an overrun, which lost some, counts as one), or the errno of a read that failed,
 * *changes then counting those read before it. link_fn (may be NULL) hears of every link
 * message: the link's index and whether it is up (as nl_link_get_up says; a deleted link is down).
 */
typedef void (*nl_link_fn)(int ifindex, bool up, void *arg);
int nl_monitor_open(int *fd_out);
int nl_monitor_drain(int fd, nl_link_fn link_fn, void *arg, unsigned *changes);
/*
 * The daemon's step when the monitor socket is readable: drain it, add one to *events when
 * changes came and one to *errors when the drain failed, and set *changed when the caller must
 * re-resolve its next hops (changes came, even if a later read failed). An error is never a
 * change. Returns 0 or the errno of the failed drain (for the caller's log).
 */
int nl_monitor_service(int fd, nl_link_fn link_fn, void *arg, uint64_t *events, uint64_t *errors, bool *changed);

#endif
