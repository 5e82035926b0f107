/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * metrics.c: the Prometheus endpoint's HTTP server and its text format: GET /metrics (HEAD
 * too) answered with the body the collect callback builds, in the exposition format 0.0.4;
 * other paths 404, other methods 405. The listener and the libmicrohttpd daemon are set up
 * as the management API's (api.c: api_tcp_listen, api_httpd_start), on the control thread.
 * What vtepd exports (the families) is stats.c's.
 */
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api.h"
#include "ctl.h"
#include "log.h"

#define METRICS_MAX_LABELS 8

struct metrics_server {
	struct MHD_Daemon *mhd;
	int mhd_ep;
	metrics_collect_fn collect;
	void *ctx;
	struct metrics_server_stats st;
};

/* ---- the text format ---- */

/* s escaped: backslash and newline always, the double quote in label values. */
static void metrics_escaped(struct ctl_buf *b, const char *s, bool quote)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\\')
			ctl_buf_add(b, "\\\\", 2);
		else if (*p == '\n')
			ctl_buf_add(b, "\\n", 2);
		else if (*p == '"' && quote)
			ctl_buf_add(b, "\\\"", 2);
		else
			ctl_buf_add(b, p, 1);
	}
}

void metrics_family(struct ctl_buf *b, const char *name, enum metrics_type type, const char *help)
{
	ctl_buf_puts(b, "# HELP ");
	ctl_buf_puts(b, name);
	ctl_buf_puts(b, " ");
	metrics_escaped(b, help, false);
	ctl_buf_puts(b, "\n# TYPE ");
	ctl_buf_puts(b, name);
	ctl_buf_puts(b, type == METRICS_COUNTER ? " counter\n" : " gauge\n");
}

void metrics_sample_v(struct ctl_buf *b, const char *name, uint64_t value, size_t n, const char *const *keys,
		      const char *const *vals)
{
	char num[24];
	bool open = false;

	ctl_buf_puts(b, name);
	for (size_t i = 0; i < n; i++) {
		if (!vals[i])
			continue;
		ctl_buf_puts(b, open ? "," : "{");
		open = true;
		ctl_buf_puts(b, keys[i]);
		ctl_buf_puts(b, "=\"");
		metrics_escaped(b, vals[i], true);
		ctl_buf_puts(b, "\"");
	}
	snprintf(num, sizeof(num), "%s%llu\n", open ? "} " : " ", (unsigned long long)value);
	ctl_buf_puts(b, num);
}

void metrics_sample(struct ctl_buf *b, const char *name, uint64_t value, ...)
{
	const char *keys[METRICS_MAX_LABELS], *vals[METRICS_MAX_LABELS];
	size_t n = 0;
	va_list ap;

	va_start(ap, value);
	for (const char *k; n < METRICS_MAX_LABELS && (k = va_arg(ap, const char *));) {
		keys[n] = k;
		vals[n++] = va_arg(ap, const char *);
	}
	va_end(ap);
	metrics_sample_v(b, name, value, n, keys, vals);
}

const char *metrics_body(const struct ctl_buf *b)
{
	return b->oom ? NULL : b->p ? b->p : "";
}

/* ---- the server ---- */

static enum MHD_Result metrics_reply(struct MHD_Connection *conn, unsigned status, const char *text, const char *allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result metrics_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				      const char *version, const char *upload_data, size_t *upload_data_size,
				      void **con_cls)
{
	static int first_call;
	struct metrics_server *s = cls;
	struct ctl_buf b = { 0 };
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	if (*con_cls != &first_call) {
		*con_cls = &first_call;         /* the headers: answer once the (empty) body is in */
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0;          /* a body: dropped */
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") != 0) {
		s->st.errors++;
		return metrics_reply(conn, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n", NULL);
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		s->st.errors++;
		return metrics_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed: GET /metrics\n", "GET, HEAD");
	}
	s->st.scrapes++;
	s->collect(&b, s->ctx);
	if (b.oom) {
		ctl_buf_free(&b);
		s->st.errors++;
		return metrics_reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", NULL);
	}
	r = MHD_create_response_from_buffer(b.len, b.p ? b.p : (void *)"", b.p ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		ctl_buf_free(&b);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, METRICS_CONTENT_TYPE);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int metrics_server_open(const struct metrics_config *cfg, metrics_collect_fn collect, void *ctx,
			struct metrics_server **out, char *err, size_t errlen)
{
	struct metrics_server *s = calloc(1, sizeof(*s));
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(cfg->port) };
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(cfg->port) };
	int fd, rc;

	*out = NULL;
	if (!s)
		return ENOMEM;
	s->collect = collect;
	s->ctx = ctx;
	s->mhd_ep = -1;
	memcpy(&s6.sin6_addr, cfg->ip, 16);
	memcpy(&s4.sin_addr, cfg->ip, 4);
	rc = cfg->ip6 ? api_tcp_listen((struct sockaddr *)&s6, sizeof(s6), &fd, err, errlen)
		      : api_tcp_listen((struct sockaddr *)&s4, sizeof(s4), &fd, err, errlen);
	if (!rc)
		rc = api_httpd_start(fd, metrics_access, s, NULL, &s->mhd, &s->mhd_ep, err, errlen);
	if (rc) {
		metrics_server_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int metrics_server_fd(const struct metrics_server *s)
{
	return s ? s->mhd_ep : -1;
}

void metrics_server_run(struct metrics_server *s)
{
	if (s && s->mhd)
		MHD_run(s->mhd);
}

void metrics_server_get_stats(const struct metrics_server *s, struct metrics_server_stats *st)
{
	*st = s->st;
}

void metrics_server_close(struct metrics_server *s)
{
	if (!s)
		return;
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	free(s);
}
