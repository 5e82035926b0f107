/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_values.c: the text forms of configuration values that the loader and the CLI
 * share (vtep_config.h): MAC, IPv4 and IPv6 addresses, prefixes, interface and netns names, a
 * port's address, a memif socket path. Each says yes or no; the caller words the error. And
 * the lookups in a loaded configuration, by VNI and by VRF name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vtep_config.h"

/* ------------------------------------------------------------------ */
/* Text helpers (public)                                              */
/* ------------------------------------------------------------------ */

static int cfg_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int vtep_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t out[6];

	if (!s || !mac || strlen(s) != 17)
		return EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *p = s + i * 3;
		int hi = cfg_hexval(p[0]), lo = cfg_hexval(p[1]);

		if (hi < 0 || lo < 0)
			return EINVAL;
		if (i < 5 && p[2] != ':')
			return EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, out, 6);
	return 0;
}

int vtep_parse_mac_dotted(const char *s, uint8_t mac[6])
{
	uint8_t out[6];

	if (!s || !mac || strlen(s) != 14 || s[4] != '.' || s[9] != '.')
		return EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *p = s + (i / 2) * 5 + (i % 2) * 2;
		int hi = cfg_hexval(p[0]), lo = cfg_hexval(p[1]);

		if (hi < 0 || lo < 0)
			return EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, out, 6);
	return 0;
}

int vtep_parse_ipv4(const char *s, uint32_t *ip_be)
{
	struct in_addr a;

	if (!s || !ip_be)
		return EINVAL;
	if (inet_pton(AF_INET, s, &a) != 1)
		return EINVAL;
	*ip_be = a.s_addr;
	return 0;
}

int vtep_parse_ipv4_prefix(const char *s, uint32_t *ip_be, uint8_t *len)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash, *p;
	size_t n;
	unsigned plen = 0;
	uint32_t ip;

	if (!s || !ip_be || !len)
		return EINVAL;
	slash = strchr(s, '/');
	if (!slash)
		return EINVAL;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (vtep_parse_ipv4(buf, &ip))
		return EINVAL;
	p = slash + 1;
	n = strlen(p);
	if (n == 0 || n > 2 || (n == 2 && p[0] == '0'))
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return EINVAL;
		plen = plen * 10 + (unsigned)(p[i] - '0');
	}
	if (plen > 32)
		return EINVAL;
	*ip_be = ip;
	*len = (uint8_t)plen;
	return 0;
}

/* The prefix length after a '/': 1 to 3 decimal digits, no leading zero, at most max. */
static int cfg_prefix_len(const char *p, unsigned max, uint8_t *len)
{
	size_t n = strlen(p);
	unsigned v = 0;

	if (n == 0 || n > 3 || (n > 1 && p[0] == '0'))
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return EINVAL;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v > max)
		return EINVAL;
	*len = (uint8_t)v;
	return 0;
}

int vtep_parse_ipv6_prefix(const char *s, uint8_t addr[16], uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	const char *slash;
	size_t n;
	uint8_t l;

	if (!s || !addr || !len)
		return EINVAL;
	slash = strchr(s, '/');
	if (!slash)
		return EINVAL;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, &a) != 1 || cfg_prefix_len(slash + 1, 128, &l))
		return EINVAL;
	memcpy(addr, a.s6_addr, 16);
	*len = l;
	return 0;
}

int vtep_memif_socket_check(const char *path)
{
	size_t len = strnlen(path, VTEP_MEMIF_SOCKET_MAX);

	if (path[0] != '/' || len >= VTEP_MEMIF_SOCKET_MAX || path[len - 1] == '/')
		return EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)path[i];

		if (ch <= ' ' || ch >= 0x7f || ch == ',' || ch == '=')
			return EINVAL;
	}
	return 0;
}

/*
 * Port and interface names go into DPDK devargs ("iface=NAME,...") and are kernel interface
 * names: 1 to IFNAMSIZ-1 printable characters, not "." or "..", no '/' or whitespace
 * (the kernel's rules), and no ':' (aliases), ',' or '=' (devargs separators).
 */
int vtep_ifname_check(const char *name)
{
	size_t len = strnlen(name, VTEP_IFNAME_MAX);

	if (len == 0 || len >= VTEP_IFNAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == ':' || ch == ',' || ch == '=')
			return EINVAL;
	}
	return 0;
}

/* A netns name as in 'ip netns' (a file under /run/netns) or an absolute path; printable, no whitespace. */
int vtep_netns_check(const char *s)
{
	size_t len = strnlen(s, VTEP_NETNS_MAX);

	if (len == 0 || len >= VTEP_NETNS_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= ' ' || ch >= 0x7f || (s[0] != '/' && ch == '/'))
			return EINVAL;
	}
	return 0;
}

/* An address a container port may have: unicast, not 0/8, loopback, multicast or broadcast, prefix 1..32. */
int vtep_port_ip_check(uint32_t ip_be, uint8_t prefix_len)
{
	uint32_t h = ntohl(ip_be), host_mask;

	if (prefix_len == 0 || prefix_len > 32 || (h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 0xe)
		return EINVAL;
	if (prefix_len <= 30) {
		host_mask = 0xffffffffu >> prefix_len;
		if ((h & host_mask) == 0 || (h & host_mask) == host_mask)
			return EINVAL;   /* the subnet's own address or its broadcast */
	}
	return 0;
}

const struct vtep_vni_config *vtep_config_find_vni(const struct vtep_config *cfg, uint32_t vni)
{
	if (!cfg)
		return NULL;
	for (uint32_t i = 0; i < cfg->n_vnis; i++)
		if (cfg->vnis[i].vni == vni)
			return &cfg->vnis[i];
	return NULL;
}

const struct vtep_vrf_config *vtep_config_find_vrf(const struct vtep_config *cfg, const char *name)
{
	if (!cfg || !name)
		return NULL;
	for (uint32_t i = 0; i < cfg->n_vrfs && i < VTEP_MAX_VRFS; i++)
		if (!strcmp(cfg->vrfs[i].name, name))
			return &cfg->vrfs[i];
	return NULL;
}
