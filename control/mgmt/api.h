/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * api.h: the management API (api.c): JSON over HTTP (libmicrohttpd) on a UNIX socket
 * (mode 0600, root only) and, when configured, on a TCP address where every request must
 * carry "Authorization: Bearer TOKEN". Each endpoint (api_req.h) runs a vtepctl command's
 * handler with an argv built from the request, so vtepctl and the API share one
 * implementation.
 *
 * It runs on the control thread only, inside the daemon's event loop: libmicrohttpd has no
 * thread of its own (external epoll mode); api_server_fd is one epoll descriptor to add to
 * the loop (api_server_run when readable), api_server_tick is called every tick. Sockets
 * are non-blocking; a client that sends nothing for API_CONN_TIMEOUT_S is dropped; at most
 * API_MAX_CONNS connections. Large replies (show macs) are streamed: produced a step at a
 * time as the client reads them (chunked), so their memory stays constant.
 */
#ifndef VTEP_API_H
#define VTEP_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include <microhttpd.h>

#include "ctl.h"

#define API_MAX_CONNS 64
#define API_CONN_TIMEOUT_S 10

struct api_config {
	const char *socket_path;        /* the UNIX socket */
	bool tcp;                       /* also listen on tcp_ip:tcp_port */
	uint32_t tcp_ip;                /* network order */
	uint16_t tcp_port;
	const char *token_file;         /* the token (its first line); required with tcp */
};

struct api_server;
struct api_server_stats {
	uint64_t requests, errors, unauthorized;
};

/* Opens the sockets and starts the server; on failure err says what failed. */
int api_server_open(const struct api_config *cfg, const struct ctl_command *cmds, size_t n_cmds, void *ctx,
		    struct api_server **out, char *err, size_t errlen);
/* The descriptor to poll for input (an epoll descriptor). */
int api_server_fd(const struct api_server *s);
/* Serves whatever is ready, never waiting. */
void api_server_run(struct api_server *s);
/* Every tick: timeouts, and streamed replies waiting for their next step. */
void api_server_tick(struct api_server *s, bool slow);
void api_server_get_stats(const struct api_server *s, struct api_server_stats *st);
/* Stops, closes the sockets, removes the UNIX socket file. */
void api_server_close(struct api_server *s);

/*
 * What the API's server and the metrics endpoint (metrics.c) share. api_tcp_listen: a
 * non-blocking listening TCP socket on sa (IPv4, or IPv6 only); err names the address.
 * api_httpd_start: a libmicrohttpd daemon on the listening socket fd (taken over, closed on
 * failure) in external epoll mode, with the API's limits (connections, timeout, memory) and
 * logger; *mhd_ep is its epoll descriptor, to poll and MHD_run when readable.
 */
int api_tcp_listen(const struct sockaddr *sa, socklen_t salen, int *fd_out, char *err, size_t errlen);
int api_httpd_start(int fd, MHD_AccessHandlerCallback access, void *cls, MHD_RequestCompletedCallback completed,
		    struct MHD_Daemon **mhd, int *mhd_ep, char *err, size_t errlen);

#endif
