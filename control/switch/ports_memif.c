/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ports_memif.c: memif container ports. vtepd is the server of a DPDK net_memif on a UNIX
 * socket (the container's DPDK application connects as the client); there is no veth,
 * netns or XDP. This file owns the socket file: a stale one (no server answers on it) is
 * removed before the server takes the path, and the file goes when the port does. One port
 * per socket: DPDK 22.11's interrupt thread panics when one of two memifs sharing a
 * listener is removed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "port.h"
#include "switch.h"

void vtepd_memif_default_socket(const struct vtepd *d, struct vtep_port_config *pc)
{
	if (!pc->socket[0])
		snprintf(pc->socket, sizeof(pc->socket), "/run/vtepd/%s-%s.memif", d->cfg.name, pc->name);
}

/* True when a server accepts connections on the socket at path. */
static bool vtepd_memif_listening(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool up;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	up = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return up;
}

int vtepd_memif_remove_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : errno;
	if (!S_ISSOCK(st.st_mode))
		return EEXIST;
	if (vtepd_memif_listening(path))
		return EADDRINUSE;
	return unlink(path) == 0 ? 0 : errno;
}

/* True (and err set) when the directory the socket goes in is not there. */
static bool vtepd_memif_dir_missing(const char *path, char *err, size_t errlen)
{
	char dir[VTEP_MEMIF_SOCKET_MAX];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return false;
	*slash = '\0';
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return false;
	snprintf(err, errlen, "directory %s for the memif socket does not exist", dir);
	return true;
}

int vtepd_memif_open(struct vtepd *d, const struct vtep_port_config *pc, struct rte_mempool *pool,
		     uint16_t *dpdk_port, char *err, size_t errlen)
{
	char devargs[512], perr[256];
	int rc;

	if (vtep_memif_socket_check(pc->socket)) {
		snprintf(err, errlen, "bad memif socket path '%s' (absolute, shorter than %d characters, no ',' or spaces)",
			 pc->socket, VTEP_MEMIF_SOCKET_MAX);
		return EINVAL;
	}
	(void)d;
	mkdir("/run/vtepd", 0700);
	if (vtepd_memif_dir_missing(pc->socket, err, errlen))
		return ENOENT;
	rc = vtepd_memif_remove_stale(pc->socket);
	if (rc == EEXIST) {
		snprintf(err, errlen, "%s exists and is not a socket", pc->socket);
		return rc;
	}
	if (rc == EADDRINUSE) {
		snprintf(err, errlen, "another server listens on %s", pc->socket);
		return rc;
	}
	if (rc) {
		snprintf(err, errlen, "cannot remove the stale socket %s: %s", pc->socket, strerror(rc));
		return rc;
	}
	snprintf(devargs, sizeof(devargs), "net_memif_%s,role=server,id=%u,socket=%s,socket-abstract=no", pc->name,
		 pc->memif_id, pc->socket);
	rc = dp_port_probe(devargs, dpdk_port, perr, sizeof(perr));
	if (rc == 0)
		rc = dp_port_start(*dpdk_port, pool, VTEPD_PORT_DESC, perr, sizeof(perr));
	if (rc) {
		snprintf(err, errlen, "memif on %s: %s", pc->socket, perr);
		return rc;
	}
	return 0;
}

void vtepd_memif_close(const struct vtep_port_config *pc, uint16_t dpdk_port)
{
	dp_port_remove(dpdk_port);
	/* the PMD unlinks its listener when the last interface on it goes; make sure */
	vtepd_memif_remove_stale(pc->socket);
}
