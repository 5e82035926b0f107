/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctr.c: the container plugins' shared client side (ctr.h): names and MACs from a container's
 * id, and the call, attach and detach requests to vtepd's control socket.
 */
#include "ctr.h"
#include "ctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a 64 over the id, a NUL, sub and a salt byte. */
static uint64_t ctr_hash(const char *id, const char *sub, uint8_t salt)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *parts[2] = { id, sub };

	for (int p = 0; p < 2; p++) {
		for (const char *s = parts[p]; *s; s++)
			h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
		h = (h ^ 0) * 0x100000001b3ull;
	}
	return (h ^ salt) * 0x100000001b3ull;
}

void ctr_name(const char *prefix, const char *id, const char *sub, char out[CTR_NAME_MAX])
{
	/* 13 hex digits (52 bits): always 15 characters, the same for the same container */
	snprintf(out, CTR_NAME_MAX, "%.2s%013llx", prefix,
		 (unsigned long long)(ctr_hash(id, sub, 'p') & 0xfffffffffffffull));
}

void ctr_mac(const char *id, const char *sub, uint8_t mac[6])
{
	uint64_t h = ctr_hash(id, sub, 'm');

	mac[0] = 0x02;   /* locally administered, unicast */
	for (int i = 1; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
}

int ctr_call(const char *socket, bool json, int argc, char **argv, char **body, enum ctr_fail *fail, char *err,
	     size_t errlen)
{
	char *b = NULL;
	int status = 0, rc;

	if (body)
		*body = NULL;
	*fail = CTR_OK;
	rc = ctl_client_request(socket, json, argc, argv, &status, &b);
	if (rc) {
		*fail = CTR_UNREACHABLE;
		snprintf(err, errlen, "vtepd is not reachable on %s: %s (is vtepd running?)", socket, strerror(rc));
		free(b);
		return rc;
	}
	if (status) {
		size_t n = b ? strlen(b) : 0;

		while (n && (b[n - 1] == '\n' || b[n - 1] == '\r'))
			b[--n] = '\0';
		*fail = CTR_REFUSED;
		snprintf(err, errlen, "vtepd on %s: %s", socket, n ? b : strerror(status));
		free(b);
		return status;
	}
	if (body)
		*body = b;
	else
		free(b);
	return 0;
}

void ctr_attach_args(const struct ctr_attach *a, struct ctr_args *args)
{
	char **argv = args->argv;
	int argc = 0;

	snprintf(args->vni, sizeof(args->vni), "%u", a->vni);
	argv[argc++] = "attach";
	argv[argc++] = (char *)a->port;
	argv[argc++] = "vni";
	argv[argc++] = args->vni;
	if (a->netns) {
		argv[argc++] = "netns";
		argv[argc++] = (char *)a->netns;
	} else {
		snprintf(args->pid, sizeof(args->pid), "%d", a->pid);
		argv[argc++] = "pid";
		argv[argc++] = args->pid;
	}
	argv[argc++] = "ifname";
	argv[argc++] = (char *)a->ifname;
	if (a->mac) {
		snprintf(args->mac, sizeof(args->mac), "%02x:%02x:%02x:%02x:%02x:%02x", a->mac[0], a->mac[1],
			 a->mac[2], a->mac[3], a->mac[4], a->mac[5]);
		argv[argc++] = "mac";
		argv[argc++] = args->mac;
	}
	if (a->ip4) {
		inet_ntop(AF_INET, a->ip4, args->ip, INET_ADDRSTRLEN);
		snprintf(args->ip + strlen(args->ip), sizeof(args->ip) - strlen(args->ip), "/%u", a->ip4_len);
		argv[argc++] = "ip";
		argv[argc++] = args->ip;
	}
	if (a->mtu) {
		snprintf(args->mtu, sizeof(args->mtu), "%u", a->mtu);
		argv[argc++] = "mtu";
		argv[argc++] = args->mtu;
	}
	args->argc = argc;
}

int ctr_attach(const char *socket, const struct ctr_attach *a, enum ctr_fail *fail, char *err, size_t errlen)
{
	struct ctr_args args;

	ctr_attach_args(a, &args);
	return ctr_call(socket, false, args.argc, args.argv, NULL, fail, err, errlen);
}

int ctr_detach(const char *socket, const char *port, enum ctr_fail *fail, char *err, size_t errlen)
{
	char *argv[] = { "detach", (char *)port };
	int rc = ctr_call(socket, false, 2, argv, NULL, fail, err, errlen);

	if (rc == ENOENT && *fail == CTR_REFUSED) {   /* a port vtepd does not know is gone already */
		*fail = CTR_OK;
		return 0;
	}
	return rc;
}
