/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * api.c: the management API's HTTP server (libmicrohttpd without threads of its own, in
 * external epoll mode, on the control thread): the UNIX and optional TCP listeners, the
 * bearer token of the TCP listener, reading bodies up to API_MAX_BODY, running the
 * request's command (api_req.c builds its argv) through ctl_run, and sending its JSON:
 * whole when it fits one step, else streamed (chunked) from ctl_out_next as the client
 * reads. Errors are {"error": "...", "status": N}. Also what metrics.c shares: a TCP listening
 * socket (IPv4 or IPv6) and a libmicrohttpd daemon set up the same way (api_httpd_start).
 */
#include "api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api_req.h"
#include "log.h"

#define API_TOKEN_MAX 256
#define API_STREAM_STEPS 8              /* ctl steps per call of the content reader at most */
#define API_STREAM_BLOCK (64u << 10)

struct api_listener {
	struct api_server *s;
	struct MHD_Daemon *mhd;
	bool need_token;
	int mhd_ep;
};

struct api_server {
	int ep;                                 /* epoll over the daemons' epoll descriptors */
	struct api_listener unix_l, tcp_l;
	char path[108];
	char token[API_TOKEN_MAX];
	size_t token_len;
	const struct ctl_command *cmds;
	size_t n_cmds;
	void *ctx;
	bool stream_idle;                       /* a content reader returned 0: run again next tick */
	struct api_server_stats st;
};

/* One request's state across the access handler's calls. */
struct api_conn {
	char *body;
	size_t len;
	bool too_large;
	bool responded;                 /* answered before the body was read */
};

/* A streamed reply: the command's output and the part not yet handed to libmicrohttpd. */
struct api_stream {
	struct api_server *s;
	struct ctl_out *o;
	const char *p;
	size_t len, off;
	bool done;
};

/* ---- responses ---- */

static enum MHD_Result api_send(struct MHD_Connection *conn, int status, const char *body, size_t len,
				const char *allow, bool auth)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	if (auth)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	ret = MHD_queue_response(conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result api_send_error(struct api_server *s, struct MHD_Connection *conn, int status,
				      const char *msg, const char *allow)
{
	char *j = api_error_json(status, msg);
	enum MHD_Result ret;

	s->st.errors++;
	if (!j)
		return MHD_NO;
	ret = api_send(conn, status, j, strlen(j), allow, status == 401);
	free(j);
	return ret;
}

static ssize_t api_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct api_stream *st = cls;
	unsigned steps = 0;
	size_t n;

	(void)pos;
	while (st->off == st->len) {
		int rc;

		if (st->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (steps++ == API_STREAM_STEPS) {
			st->s->stream_idle = true;      /* steps without output: go on at the next tick */
			return 0;
		}
		st->off = 0;
		rc = ctl_out_next(st->o, &st->p, &st->len);
		if (rc == 0) {
			st->done = true;
		} else if (rc != 1) {
			/* cut short: chunked, so the client sees it was not completed */
			vlog(VLOG_WARN, "api: a streamed reply failed: %s", ctl_out_error(st->o));
			st->len = 0;
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	n = st->len - st->off < max ? st->len - st->off : max;
	memcpy(buf, st->p + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void api_stream_free(void *cls)
{
	struct api_stream *st = cls;

	ctl_out_free(st->o);
	free(st);
}

/* Runs the call's command and queues its reply. */
static enum MHD_Result api_execute(struct api_server *s, struct MHD_Connection *conn, struct api_call *c)
{
	int n_words, rc;
	const struct ctl_command *cmd = ctl_find(s->cmds, s->n_cmds, c->argc, c->argv, &n_words);
	struct ctl_out *o;
	const char *p;
	size_t len;
	enum MHD_Result ret;

	if (!cmd || n_words != c->n_words) {
		char msg[128];

		snprintf(msg, sizeof(msg), "not implemented: this vtepd has no '%s%s%s' command", c->argv[0],
			 c->n_words > 1 ? " " : "", c->n_words > 1 ? c->argv[1] : "");
		return api_send_error(s, conn, 501, msg, NULL);
	}
	o = ctl_run(s->cmds, s->n_cmds, s->ctx, true, c->argc, c->argv);
	if (!o)
		return api_send_error(s, conn, 500, "out of memory", NULL);
	rc = ctl_out_status(o);
	if (!rc)
		rc = ctl_out_next(o, &p, &len);
	if (rc == 0) {
		ret = api_send(conn, c->ok_status, p, len, NULL, false);
		ctl_out_free(o);
		return ret;
	}
	if (rc != 1) {
		ret = api_send_error(s, conn, api_status_of_error(c->ep, rc), ctl_out_error(o), NULL);
		ctl_out_free(o);
		return ret;
	}
	struct api_stream *st = calloc(1, sizeof(*st));
	struct MHD_Response *r;

	if (!st) {
		ctl_out_free(o);
		return api_send_error(s, conn, 500, "out of memory", NULL);
	}
	*st = (struct api_stream){ .s = s, .o = o, .p = p, .len = len };
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, API_STREAM_BLOCK, api_stream_read, st,
					      api_stream_free);
	if (!r) {
		api_stream_free(st);
		return api_send_error(s, conn, 500, "out of memory", NULL);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(conn, (unsigned)c->ok_status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- requests ---- */

static enum MHD_Result api_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct api_request *r = cls;

	(void)kind;
	if (r->n_query == API_MAX_QUERY) {
		r->query_overflow = true;
		return MHD_NO;
	}
	r->qkey[r->n_query] = key;
	r->qval[r->n_query++] = value;
	return MHD_YES;
}

/* Constant-time comparison of the Authorization header with "Bearer TOKEN". */
static bool api_authorized(const struct api_server *s, struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	unsigned char diff = 0;
	size_t n;

	if (!h || strncmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	n = strlen(h);
	if (n != s->token_len)
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(h[i] ^ s->token[i]);
	return diff == 0;
}

static enum MHD_Result api_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct api_listener *l = cls;
	struct api_server *s = l->s;
	struct api_conn *ac = *con_cls;

	(void)version;
	if (!ac) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

		ac = calloc(1, sizeof(*ac));
		if (!ac)
			return MHD_NO;
		*con_cls = ac;
		s->st.requests++;
		if (l->need_token && !api_authorized(s, conn)) {
			s->st.unauthorized++;
			ac->responded = true;
			return api_send_error(s, conn, 401, "unauthorized: this listener needs 'Authorization: Bearer TOKEN'",
					      NULL);
		}
		/* a body announced too large is refused before it is read */
		if (cl && strtoull(cl, NULL, 10) > API_MAX_BODY) {
			char msg[96];

			ac->responded = true;
			snprintf(msg, sizeof(msg), "request body larger than %d bytes", API_MAX_BODY);
			return api_send_error(s, conn, 413, msg, NULL);
		}
		return MHD_YES;
	}
	if (ac->responded) {
		*upload_data_size = 0;          /* answered already: what comes is dropped */
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (ac->too_large || ac->len + n > API_MAX_BODY) {
			ac->too_large = true;           /* read on and drop it, answer at the end */
			return MHD_YES;
		}
		char *b = realloc(ac->body, ac->len + n);
		if (!b)
			return MHD_NO;
		ac->body = b;
		memcpy(b + ac->len, upload_data, n);
		ac->len += n;
		return MHD_YES;
	}

	struct api_request r = {
		.method = method,
		.path = url,
		.content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
		.body = ac->body,
		.body_len = ac->len,
		.body_too_large = ac->too_large,
	};
	struct api_call c;
	char err[512];
	enum MHD_Result ret;
	int status;

	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, api_query_arg, &r);
	status = api_req_build(&r, &c, err, sizeof(err));
	if (status)
		return api_send_error(s, conn, status, err, status == 405 ? c.allow : NULL);
	ret = api_execute(s, conn, &c);
	if (strcmp(method, "GET"))
		vlog(VLOG_INFO, "api: %s %s", method, url);
	api_call_free(&c);
	return ret;
}

static void api_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct api_conn *ac = *con_cls;

	(void)cls;
	(void)conn;
	(void)t;
	if (ac) {
		free(ac->body);
		free(ac);
		*con_cls = NULL;
	}
}

static void api_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	vlog(VLOG_DEBUG, "api: libmicrohttpd: %s", buf);
}

/* ---- setup ---- */

static int api_read_token(struct api_server *s, const char *file, char *err, size_t errlen)
{
	FILE *f = fopen(file, "re");
	struct stat st;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "token file %s: %s", file, strerror(errno));
		return errno;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0077))
		vlog(VLOG_WARN, "api: token file %s is readable by others (mode %03o): chmod 600 it", file,
		     (unsigned)(st.st_mode & 0777));
	if (!fgets(s->token, sizeof(s->token), f))
		s->token[0] = '\0';
	fclose(f);
	n = strcspn(s->token, "\r\n");
	s->token[n] = '\0';
	if (n < 16 || n >= API_TOKEN_MAX - 1) {
		snprintf(err, errlen, "token file %s: expected a token of 16 to %d characters on its first line",
			 file, API_TOKEN_MAX - 2);
		return EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s->token[i] <= 0x20 || s->token[i] == 0x7f) {
			snprintf(err, errlen, "token file %s: the token has a blank or control character", file);
			return EINVAL;
		}
	}
	s->token_len = n;
	return 0;
}

int api_tcp_listen(const struct sockaddr *sa, socklen_t salen, int *fd_out, char *err, size_t errlen)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	int one = 1, rc;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
	}
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (sa->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, sa, salen) < 0 || listen(fd, 16) < 0) {
		rc = errno;
		snprintf(err, errlen, sa->sa_family == AF_INET6 ? "listen on [%s]:%u: %s" : "listen on %s:%u: %s", ip, port,
			 strerror(rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

static int api_tcp_socket(const struct api_config *cfg, int *fd_out, char *err, size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg->tcp_port),
				  .sin_addr.s_addr = cfg->tcp_ip };

	return api_tcp_listen((const struct sockaddr *)&sa, sizeof(sa), fd_out, err, errlen);
}

int api_httpd_start(int fd, MHD_AccessHandlerCallback access, void *cls, MHD_RequestCompletedCallback completed,
		    struct MHD_Daemon **mhd, int *mhd_ep, char *err, size_t errlen)
{
	const union MHD_DaemonInfo *di;

	*mhd_ep = -1;
	*mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, access, cls,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)API_MAX_CONNS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)API_CONN_TIMEOUT_S,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64u << 10),
				MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				MHD_OPTION_EXTERNAL_LOGGER, api_log, NULL,
				MHD_OPTION_END);
	if (!*mhd) {
		close(fd);
		snprintf(err, errlen, "cannot start the HTTP server");
		return EIO;
	}
	di = MHD_get_daemon_info(*mhd, MHD_DAEMON_INFO_EPOLL_FD);
	*mhd_ep = di ? di->epoll_fd : -1;
	if (*mhd_ep < 0) {
		snprintf(err, errlen, "cannot poll the HTTP server");
		return EIO;
	}
	return 0;
}

static int api_listener_start(struct api_server *s, struct api_listener *l, int fd, bool need_token, char *err,
			      size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int rc;

	l->s = s;
	l->need_token = need_token;
	if ((rc = api_httpd_start(fd, api_access, l, api_completed, &l->mhd, &l->mhd_ep, err, errlen)))
		return rc;
	ev.data.ptr = l;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, l->mhd_ep, &ev) < 0) {
		snprintf(err, errlen, "cannot poll the HTTP server");
		return EIO;
	}
	return 0;
}

int api_server_open(const struct api_config *cfg, const struct ctl_command *cmds, size_t n_cmds, void *ctx,
		    struct api_server **out, char *err, size_t errlen)
{
	struct api_server *s = calloc(1, sizeof(*s));
	int fd = -1, rc;

	*out = NULL;
	if (!s)
		return ENOMEM;
	s->cmds = cmds;
	s->n_cmds = n_cmds;
	s->ctx = ctx;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0) {
		free(s);
		return errno;
	}
	if (cfg->tcp) {
		if (!cfg->token_file) {
			snprintf(err, errlen, "a TCP listener needs a token file");
			rc = EINVAL;
			goto fail;
		}
		if ((rc = api_read_token(s, cfg->token_file, err, errlen)))
			goto fail;
	}
	rc = ctl_server_open(cfg->socket_path, &fd);    /* stale files, parents, mode 0600 */
	if (rc) {
		snprintf(err, errlen, "socket %s: %s", cfg->socket_path, strerror(rc));
		goto fail;
	}
	snprintf(s->path, sizeof(s->path), "%s", cfg->socket_path);
	if ((rc = api_listener_start(s, &s->unix_l, fd, false, err, errlen)))
		goto fail;
	if (cfg->tcp) {
		if ((rc = api_tcp_socket(cfg, &fd, err, errlen)) ||
		    (rc = api_listener_start(s, &s->tcp_l, fd, true, err, errlen)))
			goto fail;
	}
	*out = s;
	return 0;
fail:
	api_server_close(s);
	return rc;
}

int api_server_fd(const struct api_server *s)
{
	return s ? s->ep : -1;
}

void api_server_run(struct api_server *s)
{
	struct epoll_event evs[2];
	int n;

	if (!s)
		return;
	n = epoll_wait(s->ep, evs, 2, 0);
	for (int i = 0; i < n; i++)
		MHD_run(((struct api_listener *)evs[i].data.ptr)->mhd);
}

void api_server_tick(struct api_server *s, bool slow)
{
	if (!s || (!slow && !s->stream_idle))
		return;
	s->stream_idle = false;
	if (s->unix_l.mhd)
		MHD_run(s->unix_l.mhd);
	if (s->tcp_l.mhd)
		MHD_run(s->tcp_l.mhd);
}

void api_server_get_stats(const struct api_server *s, struct api_server_stats *st)
{
	*st = s->st;
}

void api_server_close(struct api_server *s)
{
	struct stat st;

	if (!s)
		return;
	if (s->tcp_l.mhd)
		MHD_stop_daemon(s->tcp_l.mhd);
	if (s->unix_l.mhd)
		MHD_stop_daemon(s->unix_l.mhd);
	if (s->path[0] && lstat(s->path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(s->path);
	if (s->ep >= 0)
		close(s->ep);
	memset(s->token, 0, sizeof(s->token));
	free(s);
}
