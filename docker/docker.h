/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * docker.h: vtepd-docker, Docker's remote network driver for vtepd (doc/docker.md). The
 * driver's state (dk_state.c: its networks and endpoints, kept in a JSON file so a restarted
 * driver still knows them) and its requests (dk_api.c: one call per request of libnetwork's
 * remote driver protocol, a JSON document in, a JSON document out). vtepd is reached only
 * through a call function (ctr_call in the driver, a fake in the unit test), so all of this
 * runs without vtepd or Docker. The HTTP server and main are in vtepd_docker.c.
 */
#ifndef VTEPD_DOCKER_H
#define VTEPD_DOCKER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctr.h"

#define DK_BODY_MAX (1u << 20)      /* a larger request is refused (413) */
#define DK_ID_MAX 128               /* Docker's ids are 64 hex digits */
#define DK_PATH_MAX 256             /* vtepd's control socket path, with the NUL */

/* A request to vtepd's control socket: ctr_call's contract. */
typedef int (*dk_call_fn)(const char *socket, bool json, int argc, char **argv, char **body, enum ctr_fail *fail,
			  char *err, size_t errlen);

struct dk_driver {
	/*
	 * {"networks": {ID: {"vni", "mtu", "socket", "vni_created", "vrf", "gateway"}},
	 *  "endpoints": {ID: {"network", "mac", "ip", "port", "ifname", "joined", "sandbox"}}}
	 */
	json_t *state;
	char state_path[4096];          /* "": kept in memory only (tests) */
	char socket[DK_PATH_MAX];       /* vtepd's control socket when a network names none */
	int pid;                        /* vtepd makes the container's end in this process's network
					 * namespace (ours, Docker's), whence Docker moves it into the sandbox */
	dk_call_fn call;
};

/* A driver with an empty state (dk_state_load fills it from the file). */
int dk_driver_init(struct dk_driver *d, const char *state_path, const char *socket, int pid, dk_call_fn call);
void dk_driver_free(struct dk_driver *d);
/* The state file: read (absent: empty state) and written whole (a temporary file renamed). */
int dk_state_load(struct dk_driver *d, char *err, size_t errlen);
int dk_state_save(const struct dk_driver *d, char *err, size_t errlen);

/*
 * One request: the path ("/NetworkDriver.CreateNetwork") and its body. Returns the response
 * document (malloc'd; NULL only when out of memory) and its HTTP status in *status: 200, also
 * for a refused request ({"Err": "..."}, as libnetwork expects), 404 for an unknown path.
 */
char *dk_handle(struct dk_driver *d, const char *path, const char *body, size_t len, unsigned *status);
/* {"Err": msg} */
char *dk_err_json(const char *msg);

#endif
