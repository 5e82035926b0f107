/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_netlink.c: Check tests of control/switch/netlink.c against the real kernel. They need root:
 * without it the program says so and exits 77 (skipped). Each test runs in its own forked
 * process that first unshares its network namespace (every link it makes dies with it) and
 * its mount namespace, with a private tmpfs on /run/netns: the named namespaces that
 * `ip netns add` creates there are invisible outside the test process and die with it. The
 * teardown deletes them explicitly; on the failing path (Check ends a failed test with
 * _exit(), and a timed-out one with SIGKILL, so no code of ours runs) the end of the
 * process's mount namespace removes them. Traffic (ARP) only crosses veth pairs the tests
 * create.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <check.h>

#include "netlink.h"

#define LONG_NAME "abcdefghijklmnop" /* 16 bytes: one more than an interface name may have */

/* ---------------------------------------------------------------------------------------- */
/* Fixture: private namespaces, named peer namespaces                                       */
/* ---------------------------------------------------------------------------------------- */

#define MAX_NS 4
static char test_ns[MAX_NS][32];
static int test_ns_count;

static void ns_cleanup(void)
{
	for (int i = 0; i < test_ns_count; i++) {
		char cmd[192];

		if (!test_ns[i][0])
			continue;
		snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", test_ns[i]);
		if (system(cmd) != 0)
			fprintf(stderr, "test_netlink: cleanup: '%s' failed\n", cmd);
		test_ns[i][0] = '\0';
	}
	test_ns_count = 0;
}

/* Create the named namespace vtt-<pid>-<n> and return an fd of it (through nl_netns_open). */
static int ns_add(const char **name_out)
{
	char cmd[192];
	char *name;
	int fd, err;

	ck_assert_int_lt(test_ns_count, MAX_NS);
	name = test_ns[test_ns_count];
	snprintf(name, sizeof(test_ns[0]), "vtt-%d-%d", (int)getpid(), test_ns_count);
	test_ns_count++; /* registered before it exists, so a failure below still cleans it up */
	snprintf(cmd, sizeof(cmd), "ip netns add %s", name);
	ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
	err = nl_netns_open(name, 0, &fd);
	ck_assert_msg(err == 0, "nl_netns_open(%s): %s", name, strerror(err));
	if (name_out)
		*name_out = name;
	return fd;
}

static void setup(void)
{
	int err;

	test_ns_count = 0;
	ck_assert_msg(unshare(CLONE_NEWNET | CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
	ck_assert_msg(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "mount --make-rprivate /: %s",
		      strerror(errno));
	ck_assert_msg(mkdir("/run/netns", 0755) == 0 || errno == EEXIST, "mkdir /run/netns: %s", strerror(errno));
	ck_assert_msg(mount("vtt-netns", "/run/netns", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") == 0,
		      "mount tmpfs on /run/netns: %s", strerror(errno));
	err = nl_link_set_up("lo", 0);
	ck_assert_msg(err == 0, "nl_link_set_up(lo): %s", strerror(err));
}

static void teardown(void)
{
	ns_cleanup();
}

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                  */
/* ---------------------------------------------------------------------------------------- */

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void run(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
}

static int self_netns(void)
{
	int fd, err;

	err = nl_netns_open(NULL, (int)getpid(), &fd);
	ck_assert_msg(err == 0, "nl_netns_open(pid): %s", strerror(err));
	return fd;
}

static ino_t fd_inode(int fd)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return st.st_ino;
}

static ino_t thread_netns_inode(void)
{
	struct stat st;

	ck_assert_int_eq(stat("/proc/thread-self/ns/net", &st), 0);
	return st.st_ino;
}

/* Run fn(arg) in a thread that has joined netns fd (fn must not use ck_assert). */
struct ns_call {
	int fd;
	void (*fn)(void *arg);
	void *arg;
	int err;
};

static void *ns_call_thread(void *p)
{
	struct ns_call *c = p;

	if (setns(c->fd, CLONE_NEWNET) < 0) {
		c->err = errno;
		return NULL;
	}
	c->fn(c->arg);
	return NULL;
}

static void in_ns(int fd, void (*fn)(void *arg), void *arg)
{
	struct ns_call c = { .fd = fd, .fn = fn, .arg = arg };
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, ns_call_thread, &c), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(c.err == 0, "setns: %s", strerror(c.err));
}

/* Everything a test wants to know about a link, read in the namespace of the caller. */
struct link_probe {
	const char *ifname;
	int ifindex_err, mac_err, mtu_err, flags_err, lo_flags_err, addr_err, mask_err, brd_err, csum_err;
	int ifindex;
	uint8_t mac[6];
	uint32_t mtu;
	short flags, lo_flags;
	uint32_t addr, mask, brd;
	uint32_t txcsum;
};

static int probe_ioctl(int s, const char *ifname, unsigned long req, struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	return ioctl(s, req, ifr) < 0 ? errno : 0;
}

static void probe_addr(int s, const char *ifname, unsigned long req, int *err, uint32_t *out)
{
	struct ifreq ifr;
	struct sockaddr_in sin;

	*err = probe_ioctl(s, ifname, req, &ifr);
	if (*err)
		return;
	memcpy(&sin, &ifr.ifr_addr, sizeof(sin));
	*out = sin.sin_addr.s_addr;
}

static void probe_link(void *arg)
{
	struct link_probe *p = arg;
	struct ethtool_value ev = { .cmd = ETHTOOL_GTXCSUM };
	struct ifreq ifr;
	int s;

	p->ifindex_err = nl_link_ifindex(p->ifname, &p->ifindex);
	p->mac_err = nl_link_get_mac(p->ifname, p->mac);
	p->mtu_err = nl_link_get_mtu(p->ifname, &p->mtu);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		p->flags_err = p->lo_flags_err = p->addr_err = p->mask_err = p->brd_err = p->csum_err = errno;
		return;
	}
	p->flags_err = probe_ioctl(s, p->ifname, SIOCGIFFLAGS, &ifr);
	p->flags = ifr.ifr_flags;
	p->lo_flags_err = probe_ioctl(s, "lo", SIOCGIFFLAGS, &ifr);
	p->lo_flags = ifr.ifr_flags;
	probe_addr(s, p->ifname, SIOCGIFADDR, &p->addr_err, &p->addr);
	probe_addr(s, p->ifname, SIOCGIFNETMASK, &p->mask_err, &p->mask);
	probe_addr(s, p->ifname, SIOCGIFBRDADDR, &p->brd_err, &p->brd);
	probe_ioctl(s, p->ifname, 0, &ifr); /* just fills the name */
	ifr.ifr_data = (void *)&ev;
	p->csum_err = ioctl(s, SIOCETHTOOL, &ifr) < 0 ? errno : 0;
	p->txcsum = ev.data;
	close(s);
}

static struct link_probe probe_in(int netns_fd, const char *ifname)
{
	struct link_probe p = { .ifname = ifname };

	in_ns(netns_fd, probe_link, &p);
	return p;
}

static struct link_probe probe_here(const char *ifname)
{
	struct link_probe p = { .ifname = ifname };

	probe_link(&p);
	return p;
}

static int ifindex_of(const char *name)
{
	int ifindex = 0, err;

	err = nl_link_ifindex(name, &ifindex);
	ck_assert_msg(err == 0, "nl_link_ifindex(%s): %s", name, strerror(err));
	ck_assert_int_gt(ifindex, 0);
	return ifindex;
}

#define ck_assert_err(expr, want)                                                              \
	do {                                                                                   \
		int e_ = (expr);                                                               \
		ck_assert_msg(e_ == (want), "%s: got %d (%s), want %s", #expr, e_, strerror(e_), #want); \
	} while (0)

/*
 * A veth pair vtt-h0 (here, host_ip/24) <-> vtt-p0 (in a new named namespace, peer_ip/24),
 * both up. Returns the namespace fd.
 */
static int make_pair(const char *host_ip, const char *peer_ip)
{
	int nsfd = ns_add(NULL);
	int self = self_netns();

	ck_assert_err(nl_veth_create("vtt-h0", "vtt-p0", nsfd, 0, NULL), 0);
	ck_assert_err(nl_netns_configure_link(nsfd, "vtt-p0", 0, ip4(peer_ip), 24, false), 0);
	ck_assert_err(nl_netns_configure_link(self, "vtt-h0", 0, ip4(host_ip), 24, false), 0);
	close(self);
	return nsfd;
}

/* ---------------------------------------------------------------------------------------- */
/* Bad input                                                                                */
/* ---------------------------------------------------------------------------------------- */

START_TEST(test_bad_names_no_syscall)
{
#if defined(__x86_64__)
	const uint32_t arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	const uint32_t arch = AUDIT_ARCH_AARCH64;
#else
	const uint32_t arch = 0;
#endif
	/* socket() and openat() fail with EHOSTDOWN from here on: a bad name must not get that far. */
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EHOSTDOWN),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	uint8_t mac[6];
	uint32_t mtu, gw;
	int ifindex, fd, self = self_netns();

	if (!arch) {
		fprintf(stderr, "test_netlink: no seccomp arch for this CPU, bad-name syscall check skipped\n");
		return;
	}
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
	/* The filter works: a good name reaches socket() and gets its error back. */
	ck_assert_err(nl_link_delete("lo"), EHOSTDOWN);
	ck_assert_err(nl_netns_open("vtt-nonexistent", 0, &fd), EHOSTDOWN);

	ck_assert_err(nl_veth_create(LONG_NAME, "p", -1, 0, NULL), EINVAL);
	ck_assert_err(nl_veth_create("h", LONG_NAME, -1, 0, NULL), EINVAL);
	ck_assert_err(nl_veth_create(NULL, "p", -1, 0, NULL), EINVAL);
	ck_assert_err(nl_veth_create("", "p", -1, 0, NULL), EINVAL);
	ck_assert_err(nl_veth_create("a/b", "p", -1, 0, NULL), EINVAL);
	ck_assert_err(nl_veth_create("h", "a b", -1, 0, NULL), EINVAL);
	ck_assert_err(nl_veth_create("h", "..", -1, 0, NULL), EINVAL);
	ck_assert_err(nl_link_delete(LONG_NAME), EINVAL);
	ck_assert_err(nl_link_delete(NULL), EINVAL);
	ck_assert_err(nl_link_set_up(LONG_NAME, 0), EINVAL);
	ck_assert_err(nl_link_ifindex(LONG_NAME, &ifindex), EINVAL);
	ck_assert_err(nl_link_ifindex("lo", NULL), EINVAL);
	ck_assert_err(nl_link_get_mac(LONG_NAME, mac), EINVAL);
	ck_assert_err(nl_link_get_mtu(LONG_NAME, &mtu), EINVAL);
	ck_assert_err(nl_netns_configure_link(self, LONG_NAME, 0, 0, 0, false), EINVAL);
	ck_assert_err(nl_netns_configure_link(self, "lo", 0, ip4("10.0.0.1"), 33, false), EINVAL);
	ck_assert_err(nl_netns_configure_link(-1, "lo", 0, 0, 0, false), EBADF);
	ck_assert_err(nl_xdp_detach(LONG_NAME), EINVAL);
	ck_assert_err(nl_route_get(0, &ifindex, &gw), EINVAL);
	ck_assert_err(nl_route_get(ip4("224.0.0.1"), &ifindex, &gw), EINVAL);
	ck_assert_err(nl_route_get(ip4("10.0.0.1"), NULL, &gw), EINVAL);
	ck_assert_err(nl_neigh_get(0, ip4("10.0.0.1"), mac), EINVAL);
	ck_assert_err(nl_neigh_get(1, 0, mac), EINVAL);
	ck_assert_err(nl_neigh_resolve(-1, ip4("10.0.0.1")), EINVAL);
	ck_assert_err(nl_netns_open("a/b", 0, &fd), EINVAL);
	ck_assert_err(nl_netns_open("..", 0, &fd), EINVAL);
	ck_assert_err(nl_netns_open(NULL, 0, &fd), EINVAL);
	ck_assert_err(nl_netns_open("x", 1, &fd), EINVAL);
	ck_assert_err(nl_monitor_open(NULL), EINVAL);
	{
		unsigned changes = 7;

		ck_assert_err(nl_monitor_drain(-1, NULL, NULL, &changes), EBADF);
		ck_assert_uint_eq(changes, 0);
	}
	close(self);
}
END_TEST

START_TEST(test_netns_open)
{
	const char *name;
	char path[64];
	struct stat st;
	int fd = -1, fd2 = -1, nsfd;

	ck_assert_err(nl_netns_open("vtt-does-not-exist", 0, &fd), ENOENT);
	ck_assert_err(nl_netns_open("/nonexistent/netns", 0, &fd), ENOENT);
	ck_assert_err(nl_netns_open(NULL, 0x3fffffff, &fd), ENOENT); /* above any pid_max */
	ck_assert_err(nl_netns_open("/proc/self/stat", 0, &fd), EINVAL); /* not a namespace */
	ck_assert_err(nl_netns_open("/proc/self/ns/uts", 0, &fd), EINVAL); /* not a network one */

	/* By pid: the namespace this process lives in. */
	fd = self_netns();
	ck_assert_int_eq(stat("/proc/self/ns/net", &st), 0);
	ck_assert_uint_eq(fd_inode(fd), st.st_ino);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);

	/* By name and by path: the same namespace, not ours. */
	nsfd = ns_add(&name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	ck_assert_err(nl_netns_open(path, 0, &fd2), 0);
	ck_assert_uint_eq(fd_inode(fd2), fd_inode(nsfd));
	ck_assert_uint_ne(fd_inode(nsfd), fd_inode(fd));
	close(fd);
	close(fd2);
	close(nsfd);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Links                                                                                    */
/* ---------------------------------------------------------------------------------------- */

START_TEST(test_veth_peer_in_netns)
{
	const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct link_probe p;
	uint32_t mtu = 0;
	int ifindex, nsfd = ns_add(NULL);

	ck_assert_err(nl_veth_create("vtt-h0", "vtt-p0", nsfd, 1400, mac), 0);
	/* Host end here with the MTU, peer end only in the namespace with MTU and MAC. */
	ck_assert_err(nl_link_get_mtu("vtt-h0", &mtu), 0);
	ck_assert_uint_eq(mtu, 1400);
	ck_assert_err(nl_link_ifindex("vtt-p0", &ifindex), ENODEV);
	p = probe_in(nsfd, "vtt-p0");
	ck_assert_err(p.ifindex_err, 0);
	ck_assert_err(p.mac_err, 0);
	ck_assert_mem_eq(p.mac, mac, 6);
	ck_assert_err(p.mtu_err, 0);
	ck_assert_uint_eq(p.mtu, 1400);
	ck_assert_err(probe_in(nsfd, "vtt-h0").ifindex_err, ENODEV);

	/* The host name is taken; so is the peer name in its namespace. */
	ck_assert_err(nl_veth_create("vtt-h0", "vtt-p9", nsfd, 1400, mac), EEXIST);
	ck_assert_err(nl_veth_create("vtt-h1", "vtt-p0", nsfd, 1400, NULL), EEXIST);
	ck_assert_err(nl_link_ifindex("vtt-h1", &ifindex), ENODEV);

	/* Deleting the host end removes the peer too; a second delete finds nothing. */
	ck_assert_err(nl_link_delete("vtt-h0"), 0);
	ck_assert_err(nl_link_ifindex("vtt-h0", &ifindex), ENODEV);
	ck_assert_err(probe_in(nsfd, "vtt-p0").ifindex_err, ENODEV);
	ck_assert_err(nl_link_delete("vtt-h0"), ENOENT);
	close(nsfd);
}
END_TEST

/*
 * rx_dropped: frames of an EtherType no one handles, sent into vtt-ra, arrive on its peer
 * vtt-rb and are dropped there by the kernel; the count follows exactly.
 */
START_TEST(test_link_rx_dropped)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
	uint8_t frame[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5 };
	uint64_t before = UINT64_MAX, after = UINT64_MAX;
	int fd, ifindex;

	ck_assert_err(nl_link_get_rx_dropped("vtt-nonexistent", &before), ENODEV);
	ck_assert_err(nl_link_get_rx_dropped("bad/name", &before), EINVAL);
	ck_assert_err(nl_veth_create("vtt-ra", "vtt-rb", -1, 0, NULL), 0);
	ck_assert_err(nl_link_set_up("vtt-ra", 0), 0);
	ck_assert_err(nl_link_set_up("vtt-rb", 0), 0);
	ck_assert_err(nl_link_get_rx_dropped("vtt-rb", &before), 0);
	ck_assert_err(nl_link_ifindex("vtt-ra", &ifindex), 0);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	ck_assert_msg(fd >= 0, "AF_PACKET socket: %s", strerror(errno));
	to.sll_ifindex = ifindex;
	memset(to.sll_addr, 0xff, 6);
	for (int i = 0; i < 5; i++)
		ck_assert_msg(sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)sizeof(frame),
			      "sendto: %s", strerror(errno));
	close(fd);
	/* veth delivers through the peer's backlog: give it a moment */
	for (int i = 0; i < 100; i++) {
		ck_assert_err(nl_link_get_rx_dropped("vtt-rb", &after), 0);
		if (after >= before + 5)
			break;
		usleep(10000);
	}
	ck_assert_uint_eq(after, before + 5);
	ck_assert_err(nl_link_delete("vtt-ra"), 0);
}
END_TEST

START_TEST(test_veth_local_defaults)
{
	uint8_t mac_a[6], mac_b[6];
	uint32_t mtu_a = 0, mtu_b = 0;
	int ifindex;

	ck_assert_err(nl_veth_create("vtt-a", "vtt-b", -1, 0, NULL), 0);
	ck_assert_err(nl_link_get_mtu("vtt-a", &mtu_a), 0);
	ck_assert_err(nl_link_get_mtu("vtt-b", &mtu_b), 0);
	ck_assert_uint_eq(mtu_a, 1500);
	ck_assert_uint_eq(mtu_b, 1500);
	ck_assert_err(nl_link_get_mac("vtt-a", mac_a), 0);
	ck_assert_err(nl_link_get_mac("vtt-b", mac_b), 0);
	ck_assert_mem_ne(mac_a, mac_b, 6);
	ck_assert_int_eq(mac_b[0] & 0x03, 0x02); /* random: locally administered unicast */
	ck_assert_int_eq(ifindex_of("vtt-a"), (int)if_nametoindex("vtt-a"));

	/* A multicast MAC is refused by the kernel, and nothing is left behind. */
	ck_assert_err(nl_veth_create("vtt-c", "vtt-d", -1, 0, (const uint8_t[6]){ 0x01, 0, 0, 0, 0, 1 }),
		      EADDRNOTAVAIL);
	ck_assert_err(nl_link_ifindex("vtt-c", &ifindex), ENODEV);

	/* Delete by the peer's name: both ends go. */
	ck_assert_err(nl_link_delete("vtt-b"), 0);
	ck_assert_err(nl_link_ifindex("vtt-a", &ifindex), ENODEV);
}
END_TEST

START_TEST(test_link_set_up)
{
	struct link_probe p;
	uint32_t mtu = 0;

	ck_assert_err(nl_veth_create("vtt-a", "vtt-b", -1, 0, NULL), 0);
	p = probe_here("vtt-a");
	ck_assert_err(p.flags_err, 0);
	ck_assert_int_eq(p.flags & IFF_UP, 0);

	ck_assert_err(nl_link_set_up("vtt-a", 9000), 0);
	p = probe_here("vtt-a");
	ck_assert_int_ne(p.flags & IFF_UP, 0);
	ck_assert_uint_eq(p.mtu, 9000);
	ck_assert_int_eq(probe_here("vtt-b").flags & IFF_UP, 0); /* only the named end */

	ck_assert_err(nl_link_set_up("vtt-a", 0), 0); /* mtu 0: leave it */
	ck_assert_err(nl_link_get_mtu("vtt-a", &mtu), 0);
	ck_assert_uint_eq(mtu, 9000);

	ck_assert_err(nl_link_set_up("vtt-a", 10), EINVAL); /* below the minimum MTU */
	ck_assert_err(nl_link_set_up("vtt-none", 0), ENODEV);
	ck_assert_err(nl_link_get_mtu("vtt-none", &mtu), ENODEV);
}
END_TEST

START_TEST(test_netns_configure_link)
{
	struct link_probe p;
	ino_t before = thread_netns_inode();
	int nsfd = ns_add(NULL), self = self_netns();

	ck_assert_err(nl_veth_create("vtt-h0", "vtt-p0", nsfd, 0, NULL), 0);
	p = probe_in(nsfd, "vtt-p0");
	ck_assert_int_eq(p.flags & IFF_UP, 0);
	ck_assert_int_eq(p.lo_flags & IFF_UP, 0);
	ck_assert_uint_eq(p.txcsum, 1);

	ck_assert_err(nl_netns_configure_link(nsfd, "vtt-p0", 1450, ip4("10.77.0.2"), 24, true), 0);
	ck_assert_uint_eq(thread_netns_inode(), before); /* the caller stayed where it was */
	p = probe_in(nsfd, "vtt-p0");
	ck_assert_err(p.flags_err, 0);
	ck_assert_int_ne(p.flags & IFF_UP, 0);
	ck_assert_int_ne(p.lo_flags & IFF_UP, 0);
	ck_assert_uint_eq(p.mtu, 1450);
	ck_assert_err(p.addr_err, 0);
	ck_assert_uint_eq(p.addr, ip4("10.77.0.2"));
	ck_assert_uint_eq(p.mask, ip4("255.255.255.0"));
	ck_assert_uint_eq(p.brd, ip4("10.77.0.255"));
	ck_assert_err(p.csum_err, 0);
	ck_assert_uint_eq(p.txcsum, 0);

	/* Again (a restart): still fine. */
	ck_assert_err(nl_netns_configure_link(nsfd, "vtt-p0", 1450, ip4("10.77.0.2"), 24, true), 0);

	/* Our own end: no checksum change, /32 without broadcast, mtu 0 leaves 1500. */
	ck_assert_err(nl_netns_configure_link(self, "vtt-h0", 0, ip4("10.78.0.1"), 32, false), 0);
	p = probe_here("vtt-h0");
	ck_assert_int_ne(p.flags & IFF_UP, 0);
	ck_assert_uint_eq(p.mtu, 1500);
	ck_assert_uint_eq(p.addr, ip4("10.78.0.1"));
	ck_assert_uint_eq(p.mask, ip4("255.255.255.255"));
	ck_assert_uint_eq(p.brd, 0);
	ck_assert_uint_eq(p.txcsum, 1);

	/* The interface is not in that namespace: ENODEV; a closed fd: EBADF. */
	ck_assert_err(nl_netns_configure_link(nsfd, "vtt-h0", 0, 0, 0, false), ENODEV);
	close(self);
	ck_assert_err(nl_netns_configure_link(self, "vtt-h0", 0, 0, 0, false), EBADF);
	close(nsfd);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Routes and neighbours                                                                    */
/* ---------------------------------------------------------------------------------------- */

START_TEST(test_route_get)
{
	int nsfd = make_pair("10.77.1.1", "10.77.1.2");
	int h0 = ifindex_of("vtt-h0");
	int oif = -1;
	uint32_t gw = 1;

	/* On-link. */
	ck_assert_err(nl_route_get(ip4("10.77.1.2"), &oif, &gw), 0);
	ck_assert_int_eq(oif, h0);
	ck_assert_uint_eq(gw, 0);

	/* No default route in this namespace. */
	ck_assert_err(nl_route_get(ip4("192.0.2.1"), &oif, &gw), ENETUNREACH);

	/* Through a gateway. */
	run("ip route add 10.9.0.0/24 via 10.77.1.2");
	oif = -1;
	ck_assert_err(nl_route_get(ip4("10.9.0.5"), &oif, &gw), 0);
	ck_assert_int_eq(oif, h0);
	ck_assert_uint_eq(gw, ip4("10.77.1.2"));

	/* Routes that lead nowhere. */
	run("ip route add unreachable 10.10.0.0/16");
	run("ip route add prohibit 10.11.0.0/16");
	run("ip route add blackhole 10.12.0.0/16");
	ck_assert_err(nl_route_get(ip4("10.10.0.1"), &oif, &gw), ENETUNREACH);
	ck_assert_err(nl_route_get(ip4("10.11.0.1"), &oif, &gw), ENETUNREACH);
	ck_assert_err(nl_route_get(ip4("10.12.0.1"), &oif, &gw), ENETUNREACH);

	/* One of our own addresses has no next hop. */
	ck_assert_err(nl_route_get(ip4("10.77.1.1"), &oif, &gw), EADDRNOTAVAIL);
	close(nsfd);
}
END_TEST

/* A multipath route: every member, in the kernel's order, with the kernel's view of each. */
START_TEST(test_route_nexthops)
{
	const char *ns;
	int nsfd = ns_add(&ns), self = self_netns();
	struct nl_nexthop nh[4];
	unsigned n = 99;
	int h0, h1;
	bool up = false;
	char cmd[160];

	ck_assert_err(nl_veth_create("vtt-h0", "vtt-p0", nsfd, 0, NULL), 0);
	ck_assert_err(nl_veth_create("vtt-h1", "vtt-p1", nsfd, 0, NULL), 0);
	ck_assert_err(nl_netns_configure_link(nsfd, "vtt-p0", 0, ip4("10.77.1.2"), 24, false), 0);
	ck_assert_err(nl_netns_configure_link(nsfd, "vtt-p1", 0, ip4("10.77.2.2"), 24, false), 0);
	ck_assert_err(nl_netns_configure_link(self, "vtt-h0", 0, ip4("10.77.1.1"), 24, false), 0);
	ck_assert_err(nl_netns_configure_link(self, "vtt-h1", 0, ip4("10.77.2.1"), 24, false), 0);
	h0 = ifindex_of("vtt-h0");
	h1 = ifindex_of("vtt-h1");
	run("ip route add 10.9.0.0/24 nexthop via 10.77.1.2 nexthop via 10.77.2.2");

	ck_assert_err(nl_route_get_nexthops(ip4("10.9.0.5"), nh, 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(nh[0].ifindex, h0);
	ck_assert_uint_eq(nh[0].gateway, ip4("10.77.1.2"));
	ck_assert_int_eq(nh[1].ifindex, h1);
	ck_assert_uint_eq(nh[1].gateway, ip4("10.77.2.2"));
	ck_assert(!nh[0].dead && !nh[1].dead && !nh[0].linkdown && !nh[1].linkdown);
	/* room for one: the first */
	ck_assert_err(nl_route_get_nexthops(ip4("10.9.0.5"), nh, 1, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(nh[0].ifindex, h0);

	/* a plain route: one next hop, on-link */
	ck_assert_err(nl_route_get_nexthops(ip4("10.77.2.2"), nh, 4, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(nh[0].ifindex, h1);
	ck_assert_uint_eq(nh[0].gateway, 0);
	ck_assert_err(nl_route_get_nexthops(ip4("192.0.2.1"), nh, 4, &n), ENETUNREACH);
	ck_assert_err(nl_route_get_nexthops(ip4("10.77.1.1"), nh, 4, &n), EADDRNOTAVAIL);
	ck_assert_err(nl_route_get_nexthops(0, nh, 4, &n), EINVAL);

	/* link state: the far end goes down, so the near end loses its carrier */
	ck_assert_err(nl_link_get_up(h1, &up), 0);
	ck_assert(up);
	snprintf(cmd, sizeof(cmd), "ip -n %s link set vtt-p1 down", ns);
	run(cmd);
	ck_assert_err(nl_link_get_up(h1, &up), 0);
	ck_assert(!up);
	ck_assert_err(nl_route_get_nexthops(ip4("10.9.0.5"), nh, 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(nh[1].linkdown && !nh[0].linkdown);
	/* ours goes down: the kernel marks its next hop dead */
	run("ip link set vtt-h1 down");
	ck_assert_err(nl_route_get_nexthops(ip4("10.9.0.5"), nh, 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(nh[1].dead && !nh[0].dead);
	ck_assert_err(nl_link_get_up(h0, &up), 0);
	ck_assert(up);
	ck_assert_err(nl_link_get_up(0, &up), EINVAL);
	close(self);
	close(nsfd);
}
END_TEST

struct neigh_probe {
	const char *ifname;
	uint32_t ip;
	int err;
	uint8_t mac[6];
};

static void neigh_probe_fn(void *arg)
{
	struct neigh_probe *n = arg;
	int ifindex;

	n->err = nl_link_ifindex(n->ifname, &ifindex);
	if (!n->err)
		n->err = nl_neigh_get(ifindex, n->ip, n->mac);
}

START_TEST(test_neigh)
{
	int nsfd = make_pair("10.77.2.1", "10.77.2.2");
	int h0 = ifindex_of("vtt-h0");
	struct link_probe peer = probe_in(nsfd, "vtt-p0");
	struct neigh_probe back = { .ifname = "vtt-p0", .ip = ip4("10.77.2.1") };
	uint8_t mac[6], host_mac[6];
	const uint8_t perm[6] = { 0x02, 0, 0, 0, 0, 0x50 };
	int err = -1;

	ck_assert_err(peer.mac_err, 0);
	ck_assert_err(nl_link_get_mac("vtt-h0", host_mac), 0);

	/* Nothing known yet, on either side. */
	ck_assert_err(nl_neigh_get(h0, ip4("10.77.2.2"), mac), ENOENT);
	in_ns(nsfd, neigh_probe_fn, &back);
	ck_assert_err(back.err, ENOENT);

	/* Resolve: the kernel ARPs, the peer answers, the entry becomes usable with its MAC. */
	ck_assert_err(nl_neigh_resolve(h0, ip4("10.77.2.2")), 0);
	for (int i = 0; i < 200; i++) {
		struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };

		err = nl_neigh_get(h0, ip4("10.77.2.2"), mac);
		if (err != EAGAIN)
			break;
		nanosleep(&ts, NULL);
	}
	ck_assert_err(err, 0);
	ck_assert_mem_eq(mac, peer.mac, 6);
	/* The peer saw our ARP request: it learnt our MAC from it. */
	in_ns(nsfd, neigh_probe_fn, &back);
	ck_assert_err(back.err, 0);
	ck_assert_mem_eq(back.mac, host_mac, 6);

	/* Nobody answers for .99: the entry exists but is not usable. */
	ck_assert_err(nl_neigh_resolve(h0, ip4("10.77.2.99")), 0);
	ck_assert_err(nl_neigh_get(h0, ip4("10.77.2.99"), mac), EAGAIN);

	/* A permanent entry is usable; it belongs to its interface only. */
	run("ip neigh add 10.77.2.50 lladdr 02:00:00:00:00:50 dev vtt-h0 nud permanent");
	ck_assert_err(nl_neigh_get(h0, ip4("10.77.2.50"), mac), 0);
	ck_assert_mem_eq(mac, perm, 6);
	ck_assert_err(nl_neigh_get(ifindex_of("lo"), ip4("10.77.2.50"), mac), ENOENT);

	ck_assert_err(nl_neigh_resolve(9999, ip4("10.77.2.2")), ENODEV);
	close(nsfd);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Monitor                                                                                  */
/* ---------------------------------------------------------------------------------------- */

/* Drain fd without an error: the number of changes. */
static unsigned drain(int fd, nl_link_fn link_fn, void *arg)
{
	unsigned changes = UINT_MAX;

	ck_assert_err(nl_monitor_drain(fd, link_fn, arg, &changes), 0);
	return changes;
}

static unsigned wait_drain(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	ck_assert_int_ge(poll(&pfd, 1, 2000), 0);
	return drain(fd, NULL, NULL);
}

START_TEST(test_monitor)
{
	unsigned n;
	int fd;

	ck_assert_err(nl_monitor_open(&fd), 0);
	ck_assert_int_ne(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	(void)drain(fd, NULL, NULL);

	run("ip addr add 10.77.3.1/32 dev lo");
	n = wait_drain(fd);
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(drain(fd, NULL, NULL), 0); /* everything was read */

	run("ip route add 10.77.4.0/24 dev lo");
	ck_assert_uint_ge(wait_drain(fd), 1);

	ck_assert_err(nl_veth_create("vtt-a", "vtt-b", -1, 0, NULL), 0);
	ck_assert_uint_ge(wait_drain(fd), 1);
	close(fd);
}
END_TEST

struct link_seen {
	int ifindex;
	int ups, downs;
};

static void link_seen_fn(int ifindex, bool up, void *arg)
{
	struct link_seen *ls = arg;

	if (ifindex != ls->ifindex)
		return;
	if (up)
		ls->ups++;
	else
		ls->downs++;
}

/* The monitor tells of a link losing and regaining its carrier. */
START_TEST(test_monitor_link_state)
{
	const char *ns;
	int nsfd = ns_add(&ns), fd;
	struct link_seen ls = { 0 };
	struct pollfd pfd;
	char cmd[160];

	ck_assert_err(nl_veth_create("vtt-h0", "vtt-p0", nsfd, 0, NULL), 0);
	ck_assert_err(nl_netns_configure_link(nsfd, "vtt-p0", 0, 0, 0, false), 0);
	ck_assert_err(nl_link_set_up("vtt-h0", 0), 0);
	ls.ifindex = ifindex_of("vtt-h0");
	ck_assert_err(nl_monitor_open(&fd), 0);
	snprintf(cmd, sizeof(cmd), "ip -n %s link set vtt-p0 down", ns);
	run(cmd);
	for (int i = 0; i < 20 && !ls.downs; i++) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		ck_assert_int_ge(poll(&pfd, 1, 100), 0);
		(void)drain(fd, link_seen_fn, &ls);
	}
	ck_assert_int_ge(ls.downs, 1);
	snprintf(cmd, sizeof(cmd), "ip -n %s link set vtt-p0 up", ns);
	run(cmd);
	for (int i = 0; i < 20 && !ls.ups; i++) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		ck_assert_int_ge(poll(&pfd, 1, 100), 0);
		(void)drain(fd, link_seen_fn, &ls);
	}
	ck_assert_int_ge(ls.ups, 1);
	close(fd);
	close(nsfd);
}
END_TEST

START_TEST(test_monitor_overrun)
{
	char buf[8192];
	int small = 1;
	int fd, raw, err = 0;
	bool enobufs = false;
	ssize_t n;

	/* Two sockets with the smallest buffer: one read raw to prove the overrun, one drained. */
	ck_assert_err(nl_monitor_open(&fd), 0);
	ck_assert_err(nl_monitor_open(&raw), 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	ck_assert_int_eq(setsockopt(raw, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	run("for i in $(seq 1 64); do ip addr add 10.88.0.$i/32 dev lo || exit 1; done");

	while ((n = recv(raw, buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0 && errno == ENOBUFS) {
			enobufs = true;
			continue;
		}
		if (n < 0) {
			err = errno;
			break;
		}
	}
	ck_assert_err(err, EAGAIN);
	ck_assert_msg(enobufs, "the flood did not overrun the socket");

	ck_assert_uint_ge(drain(fd, NULL, NULL), 1);
	ck_assert_uint_eq(drain(fd, NULL, NULL), 0);
	close(fd);
	close(raw);
}
END_TEST

/*
 * The daemon's step on a readable monitor socket (vtepd's event loop calls it): a drain that
 * fails is counted as an error and is no change, so no re-resolution; changes are events.
 * vtepd once counted the negative errno of a failed drain as a change.
 */
START_TEST(test_monitor_service)
{
	uint64_t events = 0, errors = 0;
	bool changed = true;
	struct pollfd pfd;
	int fd, p[2];

	/* a broken descriptor, and one that is no socket (recvmsg fails: ENOTSOCK) */
	ck_assert_err(nl_monitor_service(-1, NULL, NULL, &events, &errors, &changed), EBADF);
	ck_assert(!changed);
	ck_assert_uint_eq(events, 0);
	ck_assert_uint_eq(errors, 1);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	changed = true;
	ck_assert_err(nl_monitor_service(p[0], NULL, NULL, &events, &errors, &changed), ENOTSOCK);
	ck_assert(!changed);
	ck_assert_uint_eq(events, 0);
	ck_assert_uint_eq(errors, 2);
	close(p[0]);
	close(p[1]);

	/* a change is an event; nothing pending is neither */
	ck_assert_err(nl_monitor_open(&fd), 0);
	run("ip addr add 10.77.5.1/32 dev lo");
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
	ck_assert_err(nl_monitor_service(fd, NULL, NULL, &events, &errors, &changed), 0);
	ck_assert(changed);
	ck_assert_uint_eq(events, 1);
	ck_assert_err(nl_monitor_service(fd, NULL, NULL, &events, &errors, &changed), 0);
	ck_assert(!changed);
	ck_assert_uint_eq(events, 1);
	ck_assert_uint_eq(errors, 2);
	close(fd);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* XDP                                                                                      */
/* ---------------------------------------------------------------------------------------- */

static uint32_t xdp_id(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	ck_assert_int_eq(bpf_xdp_query(ifindex, 0, &q), 0);
	return q.prog_id | q.skb_prog_id | q.drv_prog_id | q.hw_prog_id;
}

START_TEST(test_xdp_detach)
{
	/* r0 = XDP_PASS; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const uint32_t modes[] = { XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE };
	int ifindex, prog;

	ck_assert_err(nl_veth_create("vtt-a", "vtt-b", -1, 0, NULL), 0);
	ifindex = ifindex_of("vtt-a");
	ck_assert_err(nl_xdp_detach("vtt-a"), 0); /* nothing attached */
	ck_assert_err(nl_xdp_detach("vtt-none"), ENODEV);

	prog = bpf_prog_load(BPF_PROG_TYPE_XDP, "vtt_pass", "GPL", insns, 2, NULL);
	if (prog == -EPERM || prog == -ENOSYS || prog == -EOPNOTSUPP) {
		fprintf(stderr, "test_netlink: cannot load BPF programs here (%s): attached-XDP part skipped\n",
			strerror(-prog));
		return;
	}
	ck_assert_msg(prog >= 0, "bpf_prog_load: %s", strerror(-prog));
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		uint32_t id = 0;

		ck_assert_int_eq(bpf_xdp_attach(ifindex, prog, modes[i], NULL), 0);
		ck_assert_int_eq(bpf_xdp_query_id(ifindex, (int)modes[i], &id), 0);
		ck_assert_uint_ne(id, 0);
		ck_assert_err(nl_xdp_detach("vtt-a"), 0);
		ck_assert_uint_eq(xdp_id(ifindex), 0);
	}
	close(prog);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */

static Suite *netlink_suite(void)
{
	Suite *s = suite_create("netlink");
	TCase *tc = tcase_create("rtnetlink");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad_names_no_syscall);
	tcase_add_test(tc, test_netns_open);
	tcase_add_test(tc, test_veth_peer_in_netns);
	tcase_add_test(tc, test_veth_local_defaults);
	tcase_add_test(tc, test_link_rx_dropped);
	tcase_add_test(tc, test_link_set_up);
	tcase_add_test(tc, test_netns_configure_link);
	tcase_add_test(tc, test_route_get);
	tcase_add_test(tc, test_route_nexthops);
	tcase_add_test(tc, test_neigh);
	tcase_add_test(tc, test_monitor);
	tcase_add_test(tc, test_monitor_overrun);
	tcase_add_test(tc, test_monitor_service);
	tcase_add_test(tc, test_monitor_link_state);
	tcase_add_test(tc, test_xdp_detach);
	suite_add_tcase(s, tc);
	return s;
}

/* Can this process make namespaces at all (root inside a restricted container may not)? */
static bool can_unshare(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET | CLONE_NEWNS) == 0 ? 0 : 1);
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (geteuid() != 0) {
		printf("test_netlink: needs root (network namespaces, veth, XDP): skipped\n");
		return 77;
	}
	if (!can_unshare()) {
		printf("test_netlink: cannot create network/mount namespaces here: skipped\n");
		return 77;
	}
	sr = srunner_create(netlink_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
