/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctr.h: what vtepd's container plugins share (vtepd-cni here, vtepd-docker in docker/): the
 * stable names and MACs derived from a container's id, and their requests to vtepd's control
 * socket through the ctl client (as vtepctl): one call with vtepd's refusal made into one
 * message, attach and detach. No state, no I/O but the control socket.
 */
#ifndef VTEPD_CTR_H
#define VTEPD_CTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTR_NAME_MAX 16           /* IFNAMSIZ with the NUL: port and interface names */

/* PREFIX (two characters) and 13 hex digits of a hash of id and sub: 15 characters, stable. */
void ctr_name(const char *prefix, const char *id, const char *sub, char out[CTR_NAME_MAX]);
/* A locally administered unicast MAC from id and sub, stable. */
void ctr_mac(const char *id, const char *sub, uint8_t mac[6]);

/* Why a call failed: vtepd not reachable (try again later) or vtepd said no. */
enum ctr_fail { CTR_OK, CTR_UNREACHABLE, CTR_REFUSED };

/*
 * argv to vtepd's control socket; on success 0 and *body (malloc'd, NULL when body is NULL).
 * Otherwise an errno, *fail and err: "vtepd is not reachable on SOCKET: ... (is vtepd
 * running?)" or "vtepd on SOCKET: <its error>".
 */
int ctr_call(const char *socket, bool json, int argc, char **argv, char **body, enum ctr_fail *fail, char *err,
	     size_t errlen);

/* attach PORT vni N (netns PATH | pid PID) ifname IF [mac MAC] [ip A/LEN] [mtu M] */
struct ctr_attach {
	const char *port;
	uint32_t vni;
	const char *netns;          /* the container's namespace path; NULL: pid's */
	int pid;
	const char *ifname;         /* the container's end */
	const uint8_t *mac;         /* NULL: vtepd's choice */
	const uint8_t *ip4;         /* NULL: no address */
	uint8_t ip4_len;
	uint32_t mtu;               /* 0: the VNI's */
};
/* The words of that request (pointing into args and a). */
struct ctr_args {
	int argc;
	char *argv[16];
	char vni[12], pid[12], mac[18], ip[20], mtu[12];
};
void ctr_attach_args(const struct ctr_attach *a, struct ctr_args *args);
int ctr_attach(const char *socket, const struct ctr_attach *a, enum ctr_fail *fail, char *err, size_t errlen);
/* detach PORT; a port vtepd does not know is gone already (0). */
int ctr_detach(const char *socket, const char *port, enum ctr_fail *fail, char *err, size_t errlen);

#endif
