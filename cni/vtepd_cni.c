/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtepd_cni.c: vtepd-cni, the CNI plugin (spec 1.0.0: ADD, DEL, CHECK, VERSION). It reads the
 * network config on stdin and the runtime's CNI_* variables, delegates addresses to the IPAM
 * plugin the config names (looked up in CNI_PATH, run with the same stdin and environment),
 * and asks vtepd over its control socket (as vtepctl does, through the ctl client) to attach
 * the container: a veth into CNI_NETNS named CNI_IFNAME, with its MAC, first IPv4 address and
 * MTU. Further addresses and the routes it sets itself inside the container's namespace.
 * It prints the result, or the spec's error document on stdout with exit status 1.
 * What it undoes on failure: an ADD that fails leaves no port, no veth and no IPAM lease.
 */
#include "cni.h"
#include "ctr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/route.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CNI_STDIN_MAX (1u << 20)

/* linux/ipv6.h's in6_ifreq (that header clashes with netinet/in.h) */
struct cni_in6_ifreq {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

static const char *cni_getenv(const char *name)
{
	return getenv(name);
}

static int cni_fail(const char *version, const struct cni_err *e)
{
	char *doc = cni_error_json(version, e);

	if (doc) {
		printf("%s\n", doc);
		free(doc);
	} else {
		printf("{\"cniVersion\": \"%s\", \"code\": %d, \"msg\": \"out of memory\"}\n", CNI_VERSION, e->code);
	}
	fflush(stdout);
	return 1;
}

static int cni_read_all(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap >= CNI_STDIN_MAX) {
				free(buf);
				return EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			free(buf);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* ---- the IPAM plugin ---- */

/* Run the IPAM plugin TYPE from CNI_PATH with COMMAND, the config on its stdin; *res on success. */
static int cni_ipam(const struct cni_env *env, const char *type, const char *command, const char *conf,
		    size_t conf_len, struct cni_result *res, struct cni_err *e)
{
	char path[4352] = "", dirs[4096];
	char *save = NULL, *out = NULL;
	int in_p[2], out_p[2], status, rc = 0;
	size_t out_len = 0;
	pid_t pid;

	snprintf(dirs, sizeof(dirs), "%s", env->path);
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", d, type);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
			break;
		path[0] = '\0';
	}
	if (!path[0]) {
		cni_set_err(e, CNI_ERR_CONFIG, "ipam.type: plugin '%s' not found in CNI_PATH '%s'", type, env->path);
		return ENOENT;
	}
	if (pipe2(in_p, O_CLOEXEC))
		goto sys;
	if (pipe2(out_p, O_CLOEXEC)) {
		close(in_p[0]);
		close(in_p[1]);
		goto sys;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(in_p[0]);
		close(in_p[1]);
		close(out_p[0]);
		close(out_p[1]);
		goto sys;
	}
	if (pid == 0) {
		if (dup2(in_p[0], 0) < 0 || dup2(out_p[1], 1) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);   /* as the runtime started us */
		setenv("CNI_COMMAND", command, 1);
		execl(path, type, (char *)NULL);
		_exit(127);
	}
	close(in_p[0]);
	close(out_p[1]);
	for (size_t off = 0; off < conf_len;) {
		ssize_t w = write(in_p[1], conf + off, conf_len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;   /* the plugin's status tells */
		off += (size_t)w;
	}
	close(in_p[1]);
	rc = cni_read_all(out_p[0], &out, &out_len);
	close(out_p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc) {
		cni_set_err(e, CNI_ERR_IPAM, "ipam %s %s: reading its output: %s", type, command, strerror(rc));
		return rc;
	}
	json_error_t je;
	json_t *doc = out_len ? json_loadb(out, out_len, 0, &je) : NULL;

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const json_t *code = json_object_get(doc, "code"), *msg = json_object_get(doc, "msg");

		/* its own code when it gave one (a transient 11 stays 11), else ours */
		cni_set_err(e, json_is_integer(code) && json_integer_value(code) > 0 ? (int)json_integer_value(code)
										      : CNI_ERR_IPAM,
			    "ipam %s %s failed: %s", type, command,
			    json_is_string(msg) ? json_string_value(msg) : (out_len ? out : "no output"));
		rc = EIO;
	} else if (res) {
		if (!doc) {
			cni_set_err(e, CNI_ERR_IPAM, "ipam %s %s: its result is not JSON: %s", type, command, je.text);
			rc = EPROTO;
		} else if (cni_result_parse(doc, "ipam result", NULL, res, e)) {
			e->code = CNI_ERR_IPAM;
			rc = EPROTO;
		}
	}
	json_decref(doc);
	free(out);
	return rc;
sys:
	rc = errno;
	cni_set_err(e, CNI_ERR_IO, "ipam %s: %s", type, strerror(rc));
	return rc;
}

/* ---- vtepd ---- */

/* vtepd not reachable is CNI's "try again later", a refusal is ours (100). */
static void cni_ctr_err(struct cni_err *e, enum ctr_fail fail, const char *err)
{
	cni_set_err(e, fail == CTR_UNREACHABLE ? CNI_ERR_AGAIN : CNI_ERR_VTEPD, "%s%s", err,
		    fail == CTR_UNREACHABLE ? "; try again later" : "");
}

/* One request to vtepd. */
static int cni_vtepd(const struct cni_conf *c, bool json, int argc, char **argv, char **body, struct cni_err *e)
{
	enum ctr_fail fail;
	char err[480];
	int rc = ctr_call(c->socket, json, argc, argv, body, &fail, err, sizeof(err));

	if (rc)
		cni_ctr_err(e, fail, err);
	return rc;
}

/* The VNI's anycast gateways (show vrfs): whether vtepd knows the VNI at all is not asked here. */
static int cni_gateways(const struct cni_conf *c, struct cni_ip *gw4, struct cni_ip *gw6, struct cni_err *e)
{
	char *argv[] = { "show", "vrfs" };
	char *body = NULL;
	int rc;
	json_t *doc, *vrf, *vni;
	size_t i, j;

	memset(gw4, 0, sizeof(*gw4));
	memset(gw6, 0, sizeof(*gw6));
	rc = cni_vtepd(c, true, 2, argv, &body, e);
	if (rc)
		return rc;
	doc = json_loads(body, 0, NULL);
	free(body);
	json_array_foreach(json_object_get(doc, "vrfs"), i, vrf) {
		json_array_foreach(json_object_get(vrf, "vnis"), j, vni) {
			const char *g4 = json_string_value(json_object_get(vni, "gateway4"));
			const char *g6 = json_string_value(json_object_get(vni, "gateway6"));

			if (json_integer_value(json_object_get(vni, "vni")) != c->vni)
				continue;
			if (g4 && cni_parse_prefix(g4, &gw4->family, gw4->addr, &gw4->len))
				gw4->family = 0;
			if (g6 && cni_parse_prefix(g6, &gw6->family, gw6->addr, &gw6->len))
				gw6->family = 0;
		}
	}
	json_decref(doc);
	return 0;
}

static int cni_detach(const struct cni_conf *c, const char *port, struct cni_err *e)
{
	enum ctr_fail fail;
	char err[480];
	int rc = ctr_detach(c->socket, port, &fail, err, sizeof(err));

	if (rc)
		cni_ctr_err(e, fail, err);
	return rc;
}

/* ---- inside the container's namespace ---- */

static int cni_ns_enter(const char *path, int *orig, struct cni_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0) {
		rc = errno;
		cni_set_err(e, CNI_ERR_NETNS, "cannot open CNI_NETNS %s: %s", path, strerror(rc));
		return rc;
	}
	*orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*orig < 0 || setns(fd, CLONE_NEWNET)) {
		rc = errno;
		cni_set_err(e, CNI_ERR_NETNS, "cannot enter CNI_NETNS %s: %s", path, strerror(rc));
		if (*orig >= 0)
			close(*orig);
		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

static void cni_ns_leave(int orig)
{
	if (setns(orig, CLONE_NEWNET))
		abort();   /* cannot happen: our own namespace; never go on in the wrong one */
	close(orig);
}

static void cni_prefix_mask(int family, uint8_t len, uint8_t *mask)
{
	size_t n = family == AF_INET ? 4 : 16;

	memset(mask, 0, n);
	for (size_t i = 0; i < n && len; i++) {
		uint8_t b = len >= 8 ? 8 : len;

		mask[i] = (uint8_t)(0xff00u >> b);
		len -= b;
	}
}

static int cni_add_route(const char *ifname, const struct cni_route *rt, struct cni_err *e)
{
	int fd = socket(rt->family, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;
	char dst[INET6_ADDRSTRLEN];

	inet_ntop(rt->family, rt->dst, dst, sizeof(dst));
	if (fd < 0) {
		rc = errno;
		goto out;
	}
	if (rt->family == AF_INET) {
		struct rtentry r;
		struct sockaddr_in *sa;
		char dev[CNI_NAME_MAX];

		memset(&r, 0, sizeof(r));
		snprintf(dev, sizeof(dev), "%s", ifname);
		sa = (struct sockaddr_in *)&r.rt_dst;
		sa->sin_family = AF_INET;
		memcpy(&sa->sin_addr, rt->dst, 4);
		sa = (struct sockaddr_in *)&r.rt_genmask;
		sa->sin_family = AF_INET;
		cni_prefix_mask(AF_INET, rt->len, (uint8_t *)&sa->sin_addr);
		r.rt_flags = RTF_UP | (rt->len == 32 ? RTF_HOST : 0);
		if (rt->has_gw) {
			sa = (struct sockaddr_in *)&r.rt_gateway;
			sa->sin_family = AF_INET;
			memcpy(&sa->sin_addr, rt->gw, 4);
			r.rt_flags |= RTF_GATEWAY;
		}
		r.rt_dev = dev;
		if (ioctl(fd, SIOCADDRT, &r))
			rc = errno;
	} else {
		struct in6_rtmsg r;

		memset(&r, 0, sizeof(r));
		memcpy(&r.rtmsg_dst, rt->dst, 16);
		r.rtmsg_dst_len = rt->len;
		r.rtmsg_metric = 1;
		r.rtmsg_flags = RTF_UP | (rt->len == 128 ? RTF_HOST : 0);
		if (rt->has_gw) {
			memcpy(&r.rtmsg_gateway, rt->gw, 16);
			r.rtmsg_flags |= RTF_GATEWAY;
		}
		r.rtmsg_ifindex = (int)if_nametoindex(ifname);
		if (ioctl(fd, SIOCADDRT, &r))
			rc = errno;
	}
	close(fd);
out:
	if (rc == EEXIST)
		return 0;
	if (rc)
		cni_set_err(e, CNI_ERR_NETNS, "route %s/%u on %s: %s", dst, rt->len, ifname, strerror(rc));
	return rc;
}

static int cni_add_addr6(const char *ifname, const struct cni_ip *ip, struct cni_err *e)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;
	struct cni_in6_ifreq r;
	char a[INET6_ADDRSTRLEN];

	memset(&r, 0, sizeof(r));
	memcpy(&r.addr, ip->addr, 16);
	r.prefixlen = ip->len;
	r.ifindex = (int)if_nametoindex(ifname);
	if (fd < 0 || ioctl(fd, SIOCSIFADDR, &r))
		rc = errno;
	if (fd >= 0)
		close(fd);
	if (rc && rc != EEXIST) {
		inet_ntop(AF_INET6, ip->addr, a, sizeof(a));
		cni_set_err(e, CNI_ERR_NETNS, "address %s/%u on %s: %s", a, ip->len, ifname, strerror(rc));
		return rc;
	}
	return 0;
}

/* In the container: the addresses vtepd did not set (IPv6) and the routes. */
static int cni_netns_setup(const struct cni_env *env, const struct cni_result *r, const struct cni_ip *v4,
			   struct cni_err *e)
{
	int orig, rc = 0;

	rc = cni_ns_enter(env->netns, &orig, e);
	if (rc)
		return rc;
	if (!if_nametoindex(env->ifname)) {
		rc = ENODEV;
		cni_set_err(e, CNI_ERR_NETNS, "interface %s is not in %s after attach", env->ifname, env->netns);
	}
	for (size_t i = 0; !rc && i < r->n_ips; i++) {
		if (&r->ips[i] == v4)
			continue;
		if (r->ips[i].family == AF_INET) {
			rc = ENOTSUP;
			cni_set_err(e, CNI_ERR_UNSUPPORTED, "ips: only one IPv4 address per interface is supported");
		} else {
			rc = cni_add_addr6(env->ifname, &r->ips[i], e);
		}
	}
	for (size_t i = 0; !rc && i < r->n_routes; i++)
		rc = cni_add_route(env->ifname, &r->routes[i], e);
	cni_ns_leave(orig);
	return rc;
}

/* Whether the namespace we are in has the route on ifname (/proc/self/net follows setns). */
static bool cni_route_present(const char *ifname, const struct cni_route *rt)
{
	FILE *f = fopen(rt->family == AF_INET ? "/proc/self/net/route" : "/proc/self/net/ipv6_route", "r");
	char line[512];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char dev[64], dst[40], gw[40], src[40];
		unsigned dlen, slen, flags, metric, ref, use;
		uint8_t d[16] = { 0 }, g[16] = { 0 }, want_gw[16] = { 0 }, mask[4];

		if (rt->family == AF_INET) {
			uint32_t dv, gv, mv;

			if (sscanf(line, "%63s %8s %8s %x %u %u %u %x", dev, dst, gw, &flags, &ref, &use, &metric,
				   &mv) != 8 || strcmp(dev, ifname))
				continue;
			/* the kernel prints each address's 32 bits as they are in memory: network order */
			dv = (uint32_t)strtoul(dst, NULL, 16);
			gv = (uint32_t)strtoul(gw, NULL, 16);
			memcpy(d, &dv, 4);
			memcpy(g, &gv, 4);
			cni_prefix_mask(AF_INET, rt->len, mask);
			if (memcmp(&mv, mask, 4) || memcmp(d, rt->dst, 4))
				continue;
			if (rt->has_gw)
				memcpy(want_gw, rt->gw, 4);
			found = !memcmp(g, want_gw, 4);
		} else {
			if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %63s", dst, &dlen, src, &slen, gw, &metric, &ref,
				   &use, &flags, dev) != 10 || strcmp(dev, ifname) || dlen != rt->len)
				continue;
			for (int i = 0; i < 16; i++) {
				unsigned b1, b2;

				sscanf(dst + 2 * i, "%2x", &b1);
				sscanf(gw + 2 * i, "%2x", &b2);
				d[i] = (uint8_t)b1;
				g[i] = (uint8_t)b2;
			}
			if (rt->has_gw)
				memcpy(want_gw, rt->gw, 16);
			found = !memcmp(d, rt->dst, 16) && !memcmp(g, want_gw, 16);
		}
	}
	fclose(f);
	return found;
}

/* CHECK in the container: the interface, its MAC, every address and route of prevResult. */
static int cni_netns_check(const struct cni_env *env, const struct cni_result *prev, struct cni_err *e)
{
	struct ifaddrs *ifa = NULL;
	int orig, rc;

	rc = cni_ns_enter(env->netns, &orig, e);
	if (rc)
		return rc;
	if (!if_nametoindex(env->ifname)) {
		rc = ENODEV;
		cni_set_err(e, CNI_ERR_CHECK, "interface %s is not in %s", env->ifname, env->netns);
		goto out;
	}
	if (prev->has_sandbox_mac) {
		struct ifreq ifr;
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", env->ifname);
		if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) ||
		    memcmp(ifr.ifr_hwaddr.sa_data, prev->sandbox_mac, 6)) {
			rc = EINVAL;
			cni_set_err(e, CNI_ERR_CHECK, "interface %s in %s does not have the MAC of prevResult",
				    env->ifname, env->netns);
		}
		if (fd >= 0)
			close(fd);
		if (rc)
			goto out;
	}
	if (getifaddrs(&ifa)) {
		rc = errno;
		cni_set_err(e, CNI_ERR_CHECK, "listing the addresses in %s: %s", env->netns, strerror(rc));
		goto out;
	}
	for (size_t i = 0; i < prev->n_ips; i++) {
		const struct cni_ip *ip = &prev->ips[i];
		bool found = false;
		char a[INET6_ADDRSTRLEN];

		for (struct ifaddrs *p = ifa; p && !found; p = p->ifa_next) {
			uint8_t mask[16];
			const void *addr, *nm;

			if (!p->ifa_addr || !p->ifa_netmask || p->ifa_addr->sa_family != ip->family ||
			    strcmp(p->ifa_name, env->ifname))
				continue;
			addr = ip->family == AF_INET ? (const void *)&((struct sockaddr_in *)p->ifa_addr)->sin_addr
						     : (const void *)&((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr;
			nm = ip->family == AF_INET ? (const void *)&((struct sockaddr_in *)p->ifa_netmask)->sin_addr
						   : (const void *)&((struct sockaddr_in6 *)p->ifa_netmask)->sin6_addr;
			cni_prefix_mask(ip->family, ip->len, mask);
			found = !memcmp(addr, ip->addr, ip->family == AF_INET ? 4 : 16) &&
				!memcmp(nm, mask, ip->family == AF_INET ? 4 : 16);
		}
		if (!found) {
			inet_ntop(ip->family, ip->addr, a, sizeof(a));
			rc = ENOENT;
			cni_set_err(e, CNI_ERR_CHECK, "interface %s in %s lacks the address %s/%u of prevResult",
				    env->ifname, env->netns, a, ip->len);
			break;
		}
	}
	freeifaddrs(ifa);
	for (size_t i = 0; !rc && i < prev->n_routes; i++) {
		const struct cni_route *rt = &prev->routes[i];

		if (!cni_route_present(env->ifname, rt)) {
			char d[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN] = "";

			inet_ntop(rt->family, rt->dst, d, sizeof(d));
			if (rt->has_gw)
				inet_ntop(rt->family, rt->gw, g, sizeof(g));
			rc = ENOENT;
			cni_set_err(e, CNI_ERR_CHECK, "%s in %s lacks the route %s/%u%s%s of prevResult", env->ifname,
				    env->netns, d, rt->len, rt->has_gw ? " via " : "", g);
		}
	}
out:
	cni_ns_leave(orig);
	return rc;
}

/* ---- the commands ---- */

static bool cni_in_subnet(const struct cni_ip *ip, const struct cni_ip *gw)
{
	uint8_t mask[16];
	size_t n = ip->family == AF_INET ? 4 : 16;

	if (gw->family != ip->family || gw->len != ip->len)
		return false;
	cni_prefix_mask(ip->family, ip->len, mask);
	for (size_t i = 0; i < n; i++)
		if ((ip->addr[i] & mask[i]) != (gw->addr[i] & mask[i]))
			return false;
	return true;
}

/*
 * Without IPAM the requested addresses are the container's: each with its prefix length, or
 * without one when it lies in the subnet of the VNI's anycast gateway (which gives it).
 */
static int cni_static_ips(const struct cni_req_ip *req, size_t n, const char *from, const struct cni_ip *gw4,
			  const struct cni_ip *gw6, struct cni_result *r, struct cni_err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct cni_ip *ip = &r->ips[r->n_ips];
		const struct cni_ip *gw = req[i].family == AF_INET ? gw4 : gw6;

		memset(ip, 0, sizeof(*ip));
		ip->family = req[i].family;
		memcpy(ip->addr, req[i].addr, 16);
		ip->len = req[i].len;
		if (!ip->len && gw->family) {
			ip->len = gw->len;
			if (!cni_in_subnet(ip, gw))
				ip->len = 0;
		}
		if (!ip->len) {
			char a[INET6_ADDRSTRLEN];

			inet_ntop(req[i].family, req[i].addr, a, sizeof(a));
			cni_set_err(e, CNI_ERR_CONFIG, "%s %s has no prefix length, the config has no ipam to give one and "
				    "it is not in the subnet of the VNI's gateway: give it as A/LEN", from, a);
			return EINVAL;
		}
		r->n_ips++;
	}
	return 0;
}

static int cni_add(const struct cni_env *env, const struct cni_conf *c, const char *text, size_t len,
		   struct cni_err *e)
{
	struct cni_result r;
	struct cni_ip gw4, gw6;
	const struct cni_ip *v4 = NULL;
	char port[CNI_NAME_MAX];
	uint8_t mac[6];
	char *doc;
	int rc;
	const struct cni_req_ip *req;
	const char *req_from;
	size_t n_req;

	memset(&r, 0, sizeof(r));
	cni_port_name(env->containerid, env->ifname, port);
	/* vtepd first: when it is down nothing is allocated */
	rc = cni_gateways(c, &gw4, &gw6, e);
	if (rc)
		return rc;
	req = cni_requested_ips(env, c, &n_req, &req_from);
	if (c->ipam_type[0]) {
		/* the IPAM plugin reads the requested addresses itself (host-local: CNI_ARGS IP=,
		 * runtimeConfig.ips, args.cni.ips); one it did not give is an error, not another address */
		rc = cni_ipam(env, c->ipam_type, "ADD", text, len, &r, e);
		if (rc) {   /* nothing allocated (a DEL here could free another ADD's lease) */
			cni_result_free(&r);
			return rc;
		}
		rc = cni_requested_check(req, n_req, req_from, c->ipam_type, &r, e);
		if (rc) {
			struct cni_err ignore;

			cni_ipam(env, c->ipam_type, "DEL", text, len, NULL, &ignore);
			cni_result_free(&r);
			return rc;
		}
	} else {
		rc = cni_static_ips(req, n_req, req_from, &gw4, &gw6, &r, e);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < r.n_ips; i++) {
		struct cni_ip *ip = &r.ips[i];
		const struct cni_ip *gw = ip->family == AF_INET ? &gw4 : &gw6;

		if (ip->family == AF_INET && !v4)
			v4 = ip;
		if (!ip->has_gw && cni_in_subnet(ip, gw)) {   /* the anycast gateway of the L3 leaf */
			ip->has_gw = true;
			memcpy(ip->gw, gw->addr, 16);
		}
	}
	if (r.n_routes == 0) {   /* without IPAM routes: the default route is the anycast gateway */
		for (size_t i = 0; i < r.n_ips; i++) {
			const struct cni_ip *ip = &r.ips[i];
			const struct cni_ip *gw = ip->family == AF_INET ? &gw4 : &gw6;
			bool dup = false;

			if (!cni_in_subnet(ip, gw))
				continue;
			for (size_t k = 0; k < r.n_routes; k++)
				dup |= r.routes[k].family == ip->family;
			if (dup || r.n_routes == CNI_MAX_ROUTES)
				continue;
			struct cni_route *rt = &r.routes[r.n_routes++];

			memset(rt, 0, sizeof(*rt));
			rt->family = ip->family;
			rt->has_gw = true;
			memcpy(rt->gw, gw->addr, 16);
		}
	}

	if (c->has_mac)   /* runtimeConfig.mac or args.cni.mac, else CNI_ARGS MAC= (podman's --mac-address) */
		memcpy(mac, c->mac, 6);
	else if (env->has_mac)
		memcpy(mac, env->mac, 6);
	else
		cni_derive_mac(env->containerid, env->ifname, mac);
	struct ctr_attach at = { .port = port, .vni = c->vni, .netns = env->netns, .ifname = env->ifname,
				 .mac = mac, .ip4 = v4 ? v4->addr : NULL, .ip4_len = v4 ? v4->len : 0,
				 .mtu = c->mtu };
	enum ctr_fail fail;
	char err[480];

	rc = ctr_attach(c->socket, &at, &fail, err, sizeof(err));
	if (rc)
		cni_ctr_err(e, fail, err);
	if (!rc)
		rc = cni_netns_setup(env, &r, v4, e);
	if (rc) {
		struct cni_err ignore;

		if (!(e->code == CNI_ERR_VTEPD || e->code == CNI_ERR_AGAIN))
			cni_detach(c, port, &ignore);   /* attached: undo */
		if (c->ipam_type[0])
			cni_ipam(env, c->ipam_type, "DEL", text, len, NULL, &ignore);
		cni_result_free(&r);
		return rc;
	}
	doc = cni_result_json(c->version, port, env->ifname, env->netns, mac, &r);
	cni_result_free(&r);
	if (!doc) {
		cni_set_err(e, CNI_ERR_IO, "out of memory writing the result");
		return ENOMEM;
	}
	printf("%s\n", doc);
	free(doc);
	return 0;
}

static int cni_del(const struct cni_env *env, const struct cni_conf *c, const char *text, size_t len,
		   struct cni_err *e)
{
	char port[CNI_NAME_MAX];
	struct cni_err ipam_e;
	int rc, rc_ipam = 0;

	cni_port_name(env->containerid, env->ifname, port);
	rc = cni_detach(c, port, e);
	/* the lease goes whatever vtepd said: a DEL retried later finds nothing to release */
	if (c->ipam_type[0])
		rc_ipam = cni_ipam(env, c->ipam_type, "DEL", text, len, NULL, &ipam_e);
	if (rc)
		return rc;
	if (rc_ipam) {
		*e = ipam_e;
		return rc_ipam;
	}
	return 0;
}

static int cni_check(const struct cni_env *env, const struct cni_conf *c, const char *text, size_t len,
		     struct cni_err *e)
{
	char port[CNI_NAME_MAX], want_ns[CNI_PATH_MAX + CNI_NAME_MAX + 2];
	char *argv[] = { "show", "ports" };
	char *body = NULL;
	struct cni_result prev;
	int rc;
	bool found = false;
	json_t *doc, *p;
	size_t i;

	cni_port_name(env->containerid, env->ifname, port);
	rc = cni_vtepd(c, true, 2, argv, &body, e);
	if (rc)
		return rc;
	doc = json_loads(body, 0, NULL);
	free(body);
	snprintf(want_ns, sizeof(want_ns), "%s:%s", env->netns, env->ifname);
	json_array_foreach(json_object_get(doc, "ports"), i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));

		if (!name || strcmp(name, port))
			continue;
		found = true;
		if (json_integer_value(json_object_get(p, "vni")) != c->vni) {
			cni_set_err(e, CNI_ERR_CHECK, "port %s at vtepd on %s is in VNI %lld, not %u", port, c->socket,
				    (long long)json_integer_value(json_object_get(p, "vni")), c->vni);
			rc = EINVAL;
		} else if (!json_is_string(json_object_get(p, "netns")) ||
			   strcmp(json_string_value(json_object_get(p, "netns")), want_ns)) {
			const char *ns = json_string_value(json_object_get(p, "netns"));

			cni_set_err(e, CNI_ERR_CHECK, "port %s at vtepd on %s goes to %s, not %s", port, c->socket,
				    ns ? ns : "?", want_ns);
			rc = EINVAL;
		}
	}
	json_decref(doc);
	if (!found) {
		cni_set_err(e, CNI_ERR_CHECK, "vtepd on %s has no port %s for this container", c->socket, port);
		return ENOENT;
	}
	if (rc)
		return rc;
	rc = cni_result_parse(c->prev, "prevResult", env->ifname, &prev, e);
	if (rc) {
		e->code = CNI_ERR_CONFIG;
		return rc;
	}
	rc = cni_netns_check(env, &prev, e);
	cni_result_free(&prev);
	if (!rc && c->ipam_type[0])
		rc = cni_ipam(env, c->ipam_type, "CHECK", text, len, NULL, e);
	return rc;
}

int main(void)
{
	struct cni_env env;
	struct cni_conf c;
	struct cni_err e = { 0 };
	char *text = NULL;
	size_t len = 0;
	int rc;

	signal(SIGPIPE, SIG_IGN);   /* an IPAM plugin or vtepd that hangs up is an error, not our death */
	if (cni_env_parse(cni_getenv, &env, &e))
		return cni_fail(NULL, &e);
	if (env.cmd == CNI_CMD_VERSION) {   /* whatever the config says: the versions we speak */
		char *doc = cni_version_json();

		printf("%s\n", doc ? doc : "");
		free(doc);
		return doc ? 0 : 1;
	}
	rc = cni_read_all(0, &text, &len);
	if (rc) {
		cni_set_err(&e, CNI_ERR_IO, "reading the network config on stdin: %s", strerror(rc));
		return cni_fail(NULL, &e);
	}
	if (cni_conf_parse(text, len, env.cmd, &c, &e)) {
		free(text);
		return cni_fail(NULL, &e);
	}
	switch (env.cmd) {
	case CNI_CMD_VERSION:
		rc = 0;
		break;
	case CNI_CMD_ADD:
		rc = cni_add(&env, &c, text, len, &e);
		break;
	case CNI_CMD_DEL:
		rc = cni_del(&env, &c, text, len, &e);
		break;
	case CNI_CMD_CHECK:
		rc = cni_check(&env, &c, text, len, &e);
		break;
	}
	if (rc)
		rc = cni_fail(c.version, &e);
	cni_conf_free(&c);
	free(text);
	fflush(stdout);
	return rc;
}
