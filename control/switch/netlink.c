/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netlink.c: the control thread's rtnetlink requests (see netlink.h). Every request uses a
 * short-lived NETLINK_ROUTE socket with a 2 s receive timeout, asks for an ACK and checks
 * the NLMSG_ERROR answer, so a call either finishes or fails with ETIMEDOUT. Messages are
 * built with a small fixed-size builder (struct nl_req) and parsed with bounds-checked
 * attribute walks. libbpf is used only to find and detach a leftover XDP program.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>

#include <bpf/libbpf.h>

#include "netlink.h"

#define NL_TIMEOUT_SEC 2          /* receive timeout of a request socket */
#define NL_REQ_SIZE 1024          /* largest request we build (a veth create is ~150 bytes) */
#define NL_RX_SIZE 65536          /* receive buffer; the kernel never sends more than 32 KiB */
#define NL_MON_MAX_READS 1024     /* bound on the reads of one nl_monitor_drain call */
#define NL_MON_RCVBUF (1 << 20)   /* monitor socket receive buffer (best effort) */
#define NL_DUMP_RETRIES 3         /* retries of a dump the kernel marked interrupted */
#define NL_ETH_ALEN 6
/* From <linux/if.h>, which clashes with <net/if.h>. */
#define NL_IFF_LOWER_UP 0x10000   /* carrier */
#define NL_OPER_UNKNOWN 0
#define NL_OPER_UP 6

/* ---------------------------------------------------------------------------------------- */
/* Request builder                                                                          */
/* ---------------------------------------------------------------------------------------- */

struct nl_req {
	union {
		struct nlmsghdr hdr;
		char buf[NL_REQ_SIZE];
	} u;
	bool overflow; /* an attribute did not fit: the request is refused with EMSGSIZE */
};

static atomic_uint nl_seq;

/* Start a request of type with a zeroed family header of fam_len bytes; returns that header. */
static void *nl_req_init(struct nl_req *r, uint16_t type, uint16_t flags, size_t fam_len)
{
	memset(r, 0, sizeof(*r));
	r->u.hdr.nlmsg_len = NLMSG_LENGTH(fam_len);
	r->u.hdr.nlmsg_type = type;
	r->u.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return NLMSG_DATA(&r->u.hdr);
}

/* Reserve len zeroed bytes at the tail (a family header inside a nest). */
static void *nl_req_reserve(struct nl_req *r, size_t len)
{
	size_t off = NLMSG_ALIGN(r->u.hdr.nlmsg_len);

	if (r->overflow || off + NLMSG_ALIGN(len) > sizeof(r->u.buf)) {
		r->overflow = true;
		return NULL;
	}
	r->u.hdr.nlmsg_len = off + NLMSG_ALIGN(len);
	return r->u.buf + off;
}

static struct rtattr *nl_req_put(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->u.hdr.nlmsg_len);
	struct rtattr *rta;

	if (r->overflow || len > USHRT_MAX - RTA_LENGTH(0) || off + RTA_SPACE(len) > sizeof(r->u.buf)) {
		r->overflow = true;
		return NULL;
	}
	rta = (struct rtattr *)(void *)(r->u.buf + off);
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	r->u.hdr.nlmsg_len = off + RTA_SPACE(len);
	return rta;
}

static void nl_req_put_u32(struct nl_req *r, uint16_t type, uint32_t v)
{
	nl_req_put(r, type, &v, sizeof(v));
}

static void nl_req_put_str(struct nl_req *r, uint16_t type, const char *s)
{
	nl_req_put(r, type, s, strlen(s) + 1);
}

static struct rtattr *nl_req_nest_begin(struct nl_req *r, uint16_t type)
{
	return nl_req_put(r, type, NULL, 0);
}

static void nl_req_nest_end(struct nl_req *r, struct rtattr *nest)
{
	if (!nest || r->overflow)
		return;
	nest->rta_len = (unsigned short)(r->u.buf + r->u.hdr.nlmsg_len - (char *)nest);
}

/* ---------------------------------------------------------------------------------------- */
/* Sockets and the request/answer exchange                                                  */
/* ---------------------------------------------------------------------------------------- */

/* A NETLINK_ROUTE socket bound to groups: 0 with the socket in *fd_out, or an errno with *fd_out -1. */
static int nl_socket_open(uint32_t groups, bool nonblock, int *fd_out)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int one = 1;
	int fd, err;

	*fd_out = -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), NETLINK_ROUTE);
	if (fd < 0)
		return errno;
	if (!nonblock) {
		struct timeval tv = { .tv_sec = NL_TIMEOUT_SEC };

		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
			goto fail;
	}
	/* Errors without the echoed request: smaller answers (best effort, kernel >= 4.3). */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	*fd_out = fd;
	return 0;
fail:
	err = errno;
	close(fd);
	return err;
}

/* Called for every answer message of the request other than NLMSG_ERROR / NLMSG_DONE. */
typedef int (*nl_msg_fn)(const struct nlmsghdr *h, void *arg);

/*
 * Send r and read the answers until the ACK (NLMSG_ERROR) or, for a dump, NLMSG_DONE.
 * Returns 0, the kernel's errno, ETIMEDOUT after 2 s of silence, the first non-zero value
 * of fn, or EINTR when the kernel marked a dump as interrupted (the caller may retry).
 */
static int nl_transact(struct nl_req *r, nl_msg_fn fn, void *arg)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	bool dump = (r->u.hdr.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	bool interrupted = false;
	uint32_t seq;
	char *buf;
	ssize_t n;
	int fd, err;

	if (r->overflow)
		return EMSGSIZE;
	err = nl_socket_open(0, false, &fd);
	if (err)
		return err;
	buf = malloc(NL_RX_SIZE);
	if (!buf) {
		close(fd);
		return ENOMEM;
	}
	seq = atomic_fetch_add(&nl_seq, 1) + 1;
	r->u.hdr.nlmsg_seq = seq;
	do
		n = sendto(fd, r->u.buf, r->u.hdr.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		err = errno;
		goto out;
	}
	if ((size_t)n != r->u.hdr.nlmsg_len) {
		err = EIO;
		goto out;
	}

	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { .iov_base = buf, .iov_len = NL_RX_SIZE };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		const struct nlmsghdr *h;
		size_t left;

		n = recvmsg(fd, &mh, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = (errno == EAGAIN || errno == EWOULDBLOCK) ? ETIMEDOUT : errno;
			goto out;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			err = EMSGSIZE;
			goto out;
		}
		if (mh.msg_namelen < sizeof(from) || from.nl_pid != 0)
			continue; /* only the kernel answers a request */
		left = (size_t)n;
		for (h = (const struct nlmsghdr *)(void *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				interrupted = true;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					err = EPROTO;
				else
					err = e->error < 0 ? -e->error : 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				if (dump && h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
					int v;

					memcpy(&v, NLMSG_DATA(h), sizeof(v));
					err = v < 0 ? -v : 0;
				}
				goto out;
			}
			if (h->nlmsg_type < NLMSG_MIN_TYPE)
				continue; /* NOOP / OVERRUN */
			if (fn) {
				err = fn(h, arg);
				if (err)
					goto out;
			}
		}
	}
out:
	if (!err && interrupted)
		err = EINTR;
	free(buf);
	close(fd);
	return err;
}

/* Index the attributes following a family header of fam_len bytes; EPROTO when truncated. */
static int nl_msg_attrs(const struct nlmsghdr *h, size_t fam_len, const struct rtattr **tb, unsigned max)
{
	const struct rtattr *rta;
	size_t len;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (h->nlmsg_len < NLMSG_SPACE(fam_len))
		return h->nlmsg_len < NLMSG_LENGTH(fam_len) ? EPROTO : 0;
	len = h->nlmsg_len - NLMSG_SPACE(fam_len);
	rta = (const struct rtattr *)(const void *)((const char *)NLMSG_DATA(h) + NLMSG_ALIGN(fam_len));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		unsigned type = rta->rta_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = rta;
	}
	return 0;
}

static bool nl_attr_u32(const struct rtattr *rta, uint32_t *v)
{
	if (!rta || RTA_PAYLOAD(rta) < sizeof(*v))
		return false;
	memcpy(v, RTA_DATA(rta), sizeof(*v));
	return true;
}

/* A valid interface name: 1..15 bytes, not "." or "..", no '/', ':' or white space. */
static bool nl_name_ok(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strnlen(name, IFNAMSIZ);
	if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

/* ---------------------------------------------------------------------------------------- */
/* Namespaces                                                                               */
/* ---------------------------------------------------------------------------------------- */

int nl_netns_open(const char *name_or_path, int pid, int *fd_out)
{
	char path[PATH_MAX];
	bool named = name_or_path && name_or_path[0];
	int fd, n, type;

	if (!fd_out || (named && pid > 0) || (!named && pid <= 0))
		return EINVAL;
	if (pid > 0) {
		n = snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	} else if (name_or_path[0] == '/') {
		n = snprintf(path, sizeof(path), "%s", name_or_path);
	} else {
		if (strchr(name_or_path, '/') || !strcmp(name_or_path, ".") || !strcmp(name_or_path, ".."))
			return EINVAL;
		if (strnlen(name_or_path, NAME_MAX + 1) > NAME_MAX)
			return ENAMETOOLONG;
		n = snprintf(path, sizeof(path), "/run/netns/%s", name_or_path);
	}
	if (n < 0 || (size_t)n >= sizeof(path))
		return ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	/* Refuse anything that is not a network namespace (a plain file, another ns type). */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		close(fd);
		return EINVAL;
	}
	*fd_out = fd;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Links                                                                                    */
/* ---------------------------------------------------------------------------------------- */

int nl_veth_create(const char *host_name, const char *peer_name, int peer_netns_fd, uint32_t mtu,
		   const uint8_t *peer_mac)
{
	struct nl_req r;
	struct rtattr *linkinfo, *data, *peer;
	struct ifinfomsg *ifi;

	if (!nl_name_ok(host_name) || !nl_name_ok(peer_name))
		return EINVAL;
	ifi = nl_req_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	nl_req_put_str(&r, IFLA_IFNAME, host_name);
	if (mtu)
		nl_req_put_u32(&r, IFLA_MTU, mtu);
	linkinfo = nl_req_nest_begin(&r, IFLA_LINKINFO);
	nl_req_put_str(&r, IFLA_INFO_KIND, "veth");
	data = nl_req_nest_begin(&r, IFLA_INFO_DATA);
	peer = nl_req_nest_begin(&r, VETH_INFO_PEER);
	nl_req_reserve(&r, sizeof(struct ifinfomsg)); /* the peer's own (zeroed) ifinfomsg */
	nl_req_put_str(&r, IFLA_IFNAME, peer_name);
	if (peer_netns_fd >= 0)
		nl_req_put_u32(&r, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	if (mtu)
		nl_req_put_u32(&r, IFLA_MTU, mtu);
	if (peer_mac)
		nl_req_put(&r, IFLA_ADDRESS, peer_mac, NL_ETH_ALEN);
	nl_req_nest_end(&r, peer);
	nl_req_nest_end(&r, data);
	nl_req_nest_end(&r, linkinfo);
	return nl_transact(&r, NULL, NULL);
}

int nl_link_delete(const char *name)
{
	struct nl_req r;
	struct ifinfomsg *ifi;
	int err;

	if (!nl_name_ok(name))
		return EINVAL;
	ifi = nl_req_init(&r, RTM_DELLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	nl_req_put_str(&r, IFLA_IFNAME, name);
	err = nl_transact(&r, NULL, NULL);
	return err == ENODEV ? ENOENT : err;
}

int nl_link_set_up(const char *name, uint32_t mtu)
{
	struct nl_req r;
	struct ifinfomsg *ifi;

	if (!nl_name_ok(name))
		return EINVAL;
	ifi = nl_req_init(&r, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	nl_req_put_str(&r, IFLA_IFNAME, name);
	if (mtu)
		nl_req_put_u32(&r, IFLA_MTU, mtu);
	return nl_transact(&r, NULL, NULL);
}

int nl_link_set_carrier(const char *name, bool on)
{
	struct nl_req r;
	struct ifinfomsg *ifi;
	uint8_t carrier = on;

	if (!nl_name_ok(name))
		return EINVAL;
	ifi = nl_req_init(&r, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	nl_req_put_str(&r, IFLA_IFNAME, name);
	nl_req_put(&r, IFLA_CARRIER, &carrier, sizeof(carrier));
	return nl_transact(&r, NULL, NULL);
}

struct nl_link_info {
	int ifindex;
	uint32_t mtu;
	bool has_mtu;
	bool has_mac;
	uint8_t mac[NL_ETH_ALEN];
	bool has_operstate;
	uint8_t operstate;   /* IF_OPER_* */
};

static int nl_link_info_cb(const struct nlmsghdr *h, void *arg)
{
	struct nl_link_info *li = arg;
	const struct rtattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int err;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	err = nl_msg_attrs(h, sizeof(*ifi), tb, IFLA_MAX);
	if (err)
		return err;
	li->ifindex = ifi->ifi_index;
	li->has_mtu = nl_attr_u32(tb[IFLA_MTU], &li->mtu);
	if (tb[IFLA_OPERSTATE] && RTA_PAYLOAD(tb[IFLA_OPERSTATE]) >= 1) {
		li->operstate = *(const uint8_t *)RTA_DATA(tb[IFLA_OPERSTATE]);
		li->has_operstate = true;
	}
	if (tb[IFLA_ADDRESS] && RTA_PAYLOAD(tb[IFLA_ADDRESS]) == NL_ETH_ALEN) {
		memcpy(li->mac, RTA_DATA(tb[IFLA_ADDRESS]), NL_ETH_ALEN);
		li->has_mac = true;
	}
	return 0;
}

/* RTM_GETLINK by name. ENODEV when there is no such link. */
static int nl_link_info_get(const char *name, struct nl_link_info *li)
{
	struct nl_req r;
	struct ifinfomsg *ifi;
	int err;

	if (!nl_name_ok(name))
		return EINVAL;
	memset(li, 0, sizeof(*li));
	ifi = nl_req_init(&r, RTM_GETLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	nl_req_put_str(&r, IFLA_IFNAME, name);
	nl_req_put_u32(&r, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nl_transact(&r, nl_link_info_cb, li);
	if (!err && li->ifindex <= 0)
		err = EPROTO; /* acknowledged without an answer */
	return err;
}

int nl_link_ifindex(const char *name, int *ifindex)
{
	struct nl_link_info li;
	int err;

	if (!ifindex)
		return EINVAL;
	err = nl_link_info_get(name, &li);
	if (!err)
		*ifindex = li.ifindex;
	return err;
}

int nl_link_get_mac(const char *name, uint8_t mac[6])
{
	struct nl_link_info li;
	int err;

	if (!mac)
		return EINVAL;
	err = nl_link_info_get(name, &li);
	if (err)
		return err;
	if (!li.has_mac)
		return EAFNOSUPPORT; /* not an Ethernet-like link */
	memcpy(mac, li.mac, NL_ETH_ALEN);
	return 0;
}

int nl_link_get_mtu(const char *name, uint32_t *mtu)
{
	struct nl_link_info li;
	int err;

	if (!mtu)
		return EINVAL;
	err = nl_link_info_get(name, &li);
	if (err)
		return err;
	if (!li.has_mtu)
		return EPROTO;
	*mtu = li.mtu;
	return 0;
}

int nl_link_get_operstate(const char *name, uint8_t *operstate)
{
	struct nl_link_info li;
	int err;

	if (!operstate)
		return EINVAL;
	err = nl_link_info_get(name, &li);
	if (err)
		return err;
	if (!li.has_operstate)
		return EPROTO;
	*operstate = li.operstate;
	return 0;
}

static int nl_link_stats_cb(const struct nlmsghdr *h, void *arg)
{
	struct rtnl_link_stats64 *st = arg;
	const struct rtattr *tb[IFLA_MAX + 1];
	int err;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	err = nl_msg_attrs(h, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	if (err)
		return err;
	if (!tb[IFLA_STATS64] || RTA_PAYLOAD(tb[IFLA_STATS64]) < offsetof(struct rtnl_link_stats64, tx_dropped))
		return EPROTO;
	memcpy(st, RTA_DATA(tb[IFLA_STATS64]),
	       RTA_PAYLOAD(tb[IFLA_STATS64]) < sizeof(*st) ? RTA_PAYLOAD(tb[IFLA_STATS64]) : sizeof(*st));
	return 0;
}

/* Up for forwarding: admin up, carrier, and an operstate that is up or not kept by the driver. */
static bool nl_link_msg_up(const struct ifinfomsg *ifi, const struct rtattr *operstate)
{
	uint8_t op = NL_OPER_UNKNOWN;

	if (operstate && RTA_PAYLOAD(operstate) >= 1)
		op = *(const uint8_t *)RTA_DATA(operstate);
	return (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & NL_IFF_LOWER_UP) &&
	       (op == NL_OPER_UP || op == NL_OPER_UNKNOWN);
}

struct nl_link_up_ans {
	bool seen, up;
};

static int nl_link_up_cb(const struct nlmsghdr *h, void *arg)
{
	struct nl_link_up_ans *a = arg;
	const struct rtattr *tb[IFLA_MAX + 1];
	int err;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	err = nl_msg_attrs(h, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	if (err)
		return err;
	a->seen = true;
	a->up = nl_link_msg_up(NLMSG_DATA(h), tb[IFLA_OPERSTATE]);
	return 0;
}

int nl_link_get_up(int ifindex, bool *up)
{
	struct nl_link_up_ans a = { 0 };
	struct nl_req r;
	struct ifinfomsg *ifi;
	int err;

	if (ifindex <= 0 || !up)
		return EINVAL;
	ifi = nl_req_init(&r, RTM_GETLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	nl_req_put_u32(&r, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nl_transact(&r, nl_link_up_cb, &a);
	if (!err && !a.seen)
		err = EPROTO;
	if (!err)
		*up = a.up;
	return err;
}

int nl_link_get_rx_dropped(const char *name, uint64_t *dropped)
{
	struct rtnl_link_stats64 st;
	struct nl_req r;
	struct ifinfomsg *ifi;
	int err;

	if (!nl_name_ok(name) || !dropped)
		return EINVAL;
	memset(&st, 0, sizeof(st));
	st.rx_dropped = UINT64_MAX;
	ifi = nl_req_init(&r, RTM_GETLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	nl_req_put_str(&r, IFLA_IFNAME, name);
	err = nl_transact(&r, nl_link_stats_cb, &st);
	if (!err && st.rx_dropped == UINT64_MAX)
		err = EPROTO; /* acknowledged without an answer */
	if (!err)
		*dropped = st.rx_dropped;
	return err;
}

/* ---------------------------------------------------------------------------------------- */
/* Configuring a link inside another namespace                                              */
/* ---------------------------------------------------------------------------------------- */

static int nl_addr_add(int ifindex, uint32_t ip, uint8_t prefix_len)
{
	struct nl_req r;
	struct ifaddrmsg *ifa;

	ifa = nl_req_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	nl_req_put(&r, IFA_LOCAL, &ip, sizeof(ip));
	nl_req_put(&r, IFA_ADDRESS, &ip, sizeof(ip));
	if (prefix_len < 31) {
		uint32_t host_mask = prefix_len ? htonl(UINT32_MAX >> prefix_len) : UINT32_MAX;
		uint32_t brd = ip | host_mask;

		nl_req_put(&r, IFA_BROADCAST, &brd, sizeof(brd));
	}
	return nl_transact(&r, NULL, NULL);
}

/* ETHTOOL_STXCSUM 0 through a socket of the calling thread's namespace. */
static int nl_tx_csum_off(const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = 0 };
	struct ifreq ifr;
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1); /* nl_name_ok: < IFNAMSIZ */
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		err = errno;
	close(fd);
	return err;
}

struct nl_ns_job {
	int netns_fd;
	const char *ifname;
	uint32_t mtu;
	uint32_t ip;
	uint8_t prefix_len;
	bool tx_csum_off;
	int err;
};

static void *nl_ns_job_run(void *arg)
{
	struct nl_ns_job *j = arg;
	int ifindex;

	/* The network namespace is per thread: only this short-lived thread moves. */
	if (setns(j->netns_fd, CLONE_NEWNET) < 0) {
		j->err = errno;
		return NULL;
	}
	j->err = nl_link_set_up("lo", 0);
	if (!j->err)
		j->err = nl_link_set_up(j->ifname, j->mtu);
	if (!j->err && j->ip) {
		j->err = nl_link_ifindex(j->ifname, &ifindex);
		if (!j->err)
			j->err = nl_addr_add(ifindex, j->ip, j->prefix_len);
	}
	if (!j->err && j->tx_csum_off)
		j->err = nl_tx_csum_off(j->ifname);
	return NULL;
}

int nl_netns_configure_link(int netns_fd, const char *ifname, uint32_t mtu, uint32_t ip, uint8_t prefix_len,
			    bool tx_csum_off)
{
	struct nl_ns_job job = {
		.netns_fd = netns_fd, .ifname = ifname, .mtu = mtu, .ip = ip,
		.prefix_len = prefix_len, .tx_csum_off = tx_csum_off,
	};
	pthread_t tid;
	int err;

	if (netns_fd < 0)
		return EBADF;
	if (!nl_name_ok(ifname) || prefix_len > 32)
		return EINVAL;
	err = pthread_create(&tid, NULL, nl_ns_job_run, &job);
	if (err)
		return err;
	err = pthread_join(tid, NULL);
	if (err)
		return err;
	return job.err;
}

/* ---------------------------------------------------------------------------------------- */
/* XDP leftovers                                                                            */
/* ---------------------------------------------------------------------------------------- */

int nl_xdp_detach(const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	static const struct {
		uint32_t flag;
		size_t id_off;
	} modes[] = {
		{ XDP_FLAGS_SKB_MODE, offsetof(struct bpf_xdp_query_opts, skb_prog_id) },
		{ XDP_FLAGS_DRV_MODE, offsetof(struct bpf_xdp_query_opts, drv_prog_id) },
		{ XDP_FLAGS_HW_MODE, offsetof(struct bpf_xdp_query_opts, hw_prog_id) },
	};
	int ifindex, err;

	err = nl_link_ifindex(ifname, &ifindex);
	if (err)
		return err;
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return -err;
	if (q.attach_mode == XDP_ATTACHED_NONE)
		return 0;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		uint32_t id;

		memcpy(&id, (const char *)&q + modes[i].id_off, sizeof(id));
		if (!id)
			continue;
		err = bpf_xdp_detach(ifindex, modes[i].flag, NULL);
		if (err)
			return -err;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Route and neighbour lookups                                                              */
/* ---------------------------------------------------------------------------------------- */

struct nl_route_ans {
	bool seen;
	uint8_t type;
	uint32_t oif;
	uint32_t gateway;
	bool has_oif;
	bool foreign_gateway; /* RTA_VIA: an IPv6 next hop for an IPv4 route */
};

static int nl_route_cb(const struct nlmsghdr *h, void *arg)
{
	struct nl_route_ans *a = arg;
	const struct rtattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm = NLMSG_DATA(h);
	int err;

	if (h->nlmsg_type != RTM_NEWROUTE)
		return 0;
	err = nl_msg_attrs(h, sizeof(*rtm), tb, RTA_MAX);
	if (err)
		return err;
	a->seen = true;
	a->type = rtm->rtm_type;
	a->has_oif = nl_attr_u32(tb[RTA_OIF], &a->oif);
	if (tb[RTA_GATEWAY] && RTA_PAYLOAD(tb[RTA_GATEWAY]) == sizeof(uint32_t))
		memcpy(&a->gateway, RTA_DATA(tb[RTA_GATEWAY]), sizeof(uint32_t));
	else if (tb[RTA_VIA])
		a->foreign_gateway = true;
	return 0;
}

int nl_route_get(uint32_t dst, int *oif, uint32_t *gateway)
{
	struct nl_route_ans a = { 0 };
	struct nl_req r;
	struct rtmsg *rtm;
	uint32_t hdst = ntohl(dst);
	int err;

	if (!oif || !gateway)
		return EINVAL;
	if (hdst == 0 || hdst == UINT32_MAX || (hdst >> 28) == 0xe)
		return EINVAL; /* 0.0.0.0, broadcast, multicast: never a VTEP */
	rtm = nl_req_init(&r, RTM_GETROUTE, 0, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	nl_req_put(&r, RTA_DST, &dst, sizeof(dst));
	err = nl_transact(&r, nl_route_cb, &a);
	switch (err) {
	case 0:
		break;
	case ENETUNREACH:
	case EHOSTUNREACH: /* unreachable route */
	case EACCES:       /* prohibit route */
	case EINVAL:       /* blackhole route */
	case EAGAIN:       /* throw route with nothing behind it */
		return ENETUNREACH;
	default:
		return err;
	}
	if (!a.seen)
		return EPROTO;
	switch (a.type) {
	case RTN_UNICAST:
		break;
	case RTN_UNREACHABLE:
	case RTN_PROHIBIT:
	case RTN_BLACKHOLE:
	case RTN_THROW:
		return ENETUNREACH;
	default:
		return EADDRNOTAVAIL; /* local, broadcast, ...: not reachable through a next hop */
	}
	if (a.foreign_gateway)
		return EAFNOSUPPORT;
	if (!a.has_oif || a.oif == 0 || a.oif > INT_MAX)
		return EPROTO;
	*oif = (int)a.oif;
	*gateway = a.gateway;
	return 0;
}

/* The members of a route (RTM_F_FIB_MATCH answer): RTA_MULTIPATH, or RTA_OIF and RTA_GATEWAY. */
struct nl_route_nh_ans {
	bool seen;
	uint8_t type;
	bool foreign_gateway;
	unsigned n, max;
	struct nl_nexthop *nh;
};

static void nl_route_nh_add(struct nl_route_nh_ans *a, uint32_t ifindex, const struct rtattr *gw, unsigned flags)
{
	struct nl_nexthop *h;

	if (ifindex == 0 || ifindex > INT_MAX || a->n >= a->max)
		return;
	h = &a->nh[a->n++];
	memset(h, 0, sizeof(*h));
	h->ifindex = (int)ifindex;
	if (gw && RTA_PAYLOAD(gw) == sizeof(uint32_t))
		memcpy(&h->gateway, RTA_DATA(gw), sizeof(uint32_t));
	h->dead = flags & RTNH_F_DEAD;
	h->linkdown = flags & RTNH_F_LINKDOWN;
}

static int nl_route_nh_cb(const struct nlmsghdr *h, void *arg)
{
	struct nl_route_nh_ans *a = arg;
	const struct rtattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm = NLMSG_DATA(h);
	uint32_t oif;
	int err;

	if (h->nlmsg_type != RTM_NEWROUTE || a->seen)
		return 0;
	err = nl_msg_attrs(h, sizeof(*rtm), tb, RTA_MAX);
	if (err)
		return err;
	a->seen = true;
	a->type = rtm->rtm_type;
	if (tb[RTA_MULTIPATH]) {
		const struct rtnexthop *rtnh = RTA_DATA(tb[RTA_MULTIPATH]);
		size_t left = RTA_PAYLOAD(tb[RTA_MULTIPATH]);

		while (left >= sizeof(*rtnh) && rtnh->rtnh_len >= sizeof(*rtnh) && rtnh->rtnh_len <= left) {
			const struct rtattr *gw = NULL, *rta = RTNH_DATA(rtnh);
			size_t alen = rtnh->rtnh_len - RTNH_LENGTH(0);

			for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
				if (rta->rta_type == RTA_GATEWAY)
					gw = rta;
				else if (rta->rta_type == RTA_VIA)
					a->foreign_gateway = true;
			}
			nl_route_nh_add(a, (uint32_t)rtnh->rtnh_ifindex, gw, rtnh->rtnh_flags);
			if ((size_t)RTNH_ALIGN(rtnh->rtnh_len) >= left)
				break;
			left -= RTNH_ALIGN(rtnh->rtnh_len);
			rtnh = RTNH_NEXT(rtnh);
		}
	} else if (nl_attr_u32(tb[RTA_OIF], &oif)) {
		if (tb[RTA_VIA])
			a->foreign_gateway = true;
		nl_route_nh_add(a, oif, tb[RTA_GATEWAY], rtm->rtm_flags);
	}
	return 0;
}

int nl_route_get_nexthops(uint32_t dst, struct nl_nexthop *nh, unsigned max, unsigned *n)
{
	struct nl_route_nh_ans a = { .nh = nh, .max = max };
	struct nl_req r;
	struct rtmsg *rtm;
	uint32_t hdst = ntohl(dst);
	int err;

	if (!nh || !n || max == 0)
		return EINVAL;
	*n = 0;
	if (hdst == 0 || hdst == UINT32_MAX || (hdst >> 28) == 0xe)
		return EINVAL;
	rtm = nl_req_init(&r, RTM_GETROUTE, 0, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_flags = RTM_F_FIB_MATCH;   /* the route itself, with all its next hops */
	nl_req_put(&r, RTA_DST, &dst, sizeof(dst));
	err = nl_transact(&r, nl_route_nh_cb, &a);
	if (err == 0 && a.seen && a.type != RTN_UNICAST)
		err = nl_route_get(dst, &nh[0].ifindex, &nh[0].gateway);   /* its own words for what it is */
	else if (err == 0 && a.seen && a.foreign_gateway)
		err = EAFNOSUPPORT;
	else if (err == 0 && a.seen && a.n > 0)
		*n = a.n;
	else
		/* no answer we can read (a nexthop object without compat mode, an old kernel): one next hop */
		err = nl_route_get(dst, &nh[0].ifindex, &nh[0].gateway);
	if (err == 0 && *n == 0) {
		nh[0].dead = nh[0].linkdown = false;
		*n = 1;
	}
	return err;
}

struct nl_neigh_ans {
	int ifindex;
	uint32_t ip;
	bool found;
	uint16_t state;
	bool has_mac;
	uint8_t mac[NL_ETH_ALEN];
};

static int nl_neigh_cb(const struct nlmsghdr *h, void *arg)
{
	struct nl_neigh_ans *a = arg;
	const struct rtattr *tb[NDA_MAX + 1];
	const struct ndmsg *ndm = NLMSG_DATA(h);
	int err;

	if (h->nlmsg_type != RTM_NEWNEIGH || a->found)
		return 0;
	err = nl_msg_attrs(h, sizeof(*ndm), tb, NDA_MAX);
	if (err)
		return err;
	if (ndm->ndm_family != AF_INET || ndm->ndm_ifindex != a->ifindex || (ndm->ndm_flags & NTF_PROXY))
		return 0;
	if (!tb[NDA_DST] || RTA_PAYLOAD(tb[NDA_DST]) != sizeof(uint32_t) ||
	    memcmp(RTA_DATA(tb[NDA_DST]), &a->ip, sizeof(uint32_t)))
		return 0;
	a->found = true;
	a->state = ndm->ndm_state;
	if (tb[NDA_LLADDR] && RTA_PAYLOAD(tb[NDA_LLADDR]) == NL_ETH_ALEN) {
		memcpy(a->mac, RTA_DATA(tb[NDA_LLADDR]), NL_ETH_ALEN);
		a->has_mac = true;
	}
	return 0;
}

int nl_neigh_get(int ifindex, uint32_t ip, uint8_t mac[6])
{
	const uint16_t usable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;
	struct nl_neigh_ans a;
	int err = EINTR;

	if (ifindex <= 0 || ip == 0 || !mac)
		return EINVAL;
	for (int attempt = 0; attempt < NL_DUMP_RETRIES && err == EINTR; attempt++) {
		struct nl_req r;
		struct ndmsg *ndm;

		memset(&a, 0, sizeof(a));
		a.ifindex = ifindex;
		a.ip = ip;
		/* Dump filtered by NDA_IFINDEX (ndm_ifindex must stay 0 for strict dumps). */
		ndm = nl_req_init(&r, RTM_GETNEIGH, NLM_F_DUMP, sizeof(*ndm));
		ndm->ndm_family = AF_INET;
		nl_req_put_u32(&r, NDA_IFINDEX, (uint32_t)ifindex);
		err = nl_transact(&r, nl_neigh_cb, &a);
	}
	if (err)
		return err;
	if (!a.found)
		return ENOENT;
	if (!(a.state & usable))
		return EAGAIN; /* NONE, INCOMPLETE, FAILED */
	if (!a.has_mac)
		return EAFNOSUPPORT; /* a NOARP entry of a link without Ethernet addresses */
	memcpy(mac, a.mac, NL_ETH_ALEN);
	return 0;
}

int nl_neigh_resolve(int ifindex, uint32_t ip)
{
	struct nl_req r;
	struct ndmsg *ndm;

	if (ifindex <= 0 || ip == 0)
		return EINVAL;
	/* NTF_USE: the kernel creates the entry if needed and runs neigh_event_send() (ARP). */
	ndm = nl_req_init(&r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NONE;
	ndm->ndm_flags = NTF_USE;
	nl_req_put(&r, NDA_DST, &ip, sizeof(ip));
	return nl_transact(&r, NULL, NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* Change monitor                                                                           */
/* ---------------------------------------------------------------------------------------- */

int nl_monitor_open(int *fd_out)
{
	int size = NL_MON_RCVBUF;
	int fd, err;

	if (!fd_out)
		return EINVAL;
	err = nl_socket_open(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_NEIGH, true, &fd);
	if (err)
		return err;
	/* A larger buffer makes overruns rare (past rmem_max only with CAP_NET_ADMIN). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	*fd_out = fd;
	return 0;
}

static bool nl_monitor_is_change(const struct nlmsghdr *h)
{
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
	case RTM_NEWADDR:
	case RTM_DELADDR:
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return true;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH: {
		/* The neighbour group also carries IPv6 ND churn, which no IPv4 next hop uses. */
		const struct ndmsg *ndm = NLMSG_DATA(h);

		return h->nlmsg_len < NLMSG_LENGTH(sizeof(*ndm)) || ndm->ndm_family == AF_INET;
	}
	default:
		return false;
	}
}

/* A link message: tell link_fn the link's state. */
static void nl_monitor_link(const struct nlmsghdr *h, nl_link_fn link_fn, void *arg)
{
	const struct rtattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = NLMSG_DATA(h);

	if (!link_fn || (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) ||
	    nl_msg_attrs(h, sizeof(*ifi), tb, IFLA_MAX) != 0 || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) ||
	    ifi->ifi_index <= 0)
		return;
	link_fn(ifi->ifi_index, h->nlmsg_type == RTM_NEWLINK && nl_link_msg_up(ifi, tb[IFLA_OPERSTATE]), arg);
}

int nl_monitor_drain(int fd, nl_link_fn link_fn, void *arg, unsigned *changes)
{
	bool overrun = false;
	unsigned count = 0;
	int err = 0;
	char *buf;

	*changes = 0;
	if (fd < 0)
		return EBADF;
	buf = malloc(NL_RX_SIZE);
	if (!buf)
		return ENOMEM;
	for (int reads = 0; reads < NL_MON_MAX_READS; reads++) {
		struct sockaddr_nl from;
		struct iovec iov = { .iov_base = buf, .iov_len = NL_RX_SIZE };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		const struct nlmsghdr *h;
		ssize_t n;
		size_t left;

		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				overrun = true; /* messages were lost: keep draining, report a change */
				continue;
			}
			err = errno;
			break;
		}
		if (mh.msg_namelen < sizeof(from) || from.nl_pid != 0)
			continue; /* not from the kernel */
		if (mh.msg_flags & MSG_TRUNC) {
			count++;
			continue;
		}
		left = (size_t)n;
		for (h = (const struct nlmsghdr *)(void *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (nl_monitor_is_change(h) && count < UINT_MAX)
				count++;
			nl_monitor_link(h, link_fn, arg);
		}
	}
	free(buf);
	if (overrun && count == 0)
		count = 1;
	*changes = count;
	return err;
}

int nl_monitor_service(int fd, nl_link_fn link_fn, void *arg, uint64_t *events, uint64_t *errors, bool *changed)
{
	unsigned changes;
	int err = nl_monitor_drain(fd, link_fn, arg, &changes);

	*changed = changes != 0;
	if (*changed)
		(*events)++;
	if (err)
		(*errors)++;
	return err;
}
