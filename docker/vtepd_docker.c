/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtepd_docker.c: vtepd-docker, Docker's remote network driver plugin for vtepd (doc/docker.md).
 * It listens on /run/docker/plugins/NAME.sock, where dockerd finds plugins, serves libnetwork's
 * JSON-over-HTTP requests with libmicrohttpd (one thread: requests run one at a time) and
 * answers each through dk_handle (dk_api.c), which asks vtepd over its control socket. On
 * SIGTERM or SIGINT it stops and removes its socket; its state file stays for the next start.
 */
#include "docker.h"

#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DK_JSON_TYPE "application/vnd.docker.plugins.v1.2+json"

/* A request's body as it arrives. */
struct dk_conn {
	char *buf;
	size_t len, cap;
	bool too_big;
};

static void dk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dk_log(const char *fmt, ...)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));
	fprintf(stderr, "%s vtepd-docker: ", when);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int dk_body_add(struct dk_conn *k, const char *p, size_t n)
{
	if (k->too_big || k->len + n > DK_BODY_MAX) {
		k->too_big = true;
		return 0;
	}
	if (k->len + n + 1 > k->cap) {
		size_t cap = k->cap ? k->cap : 4096;
		char *nb;

		while (cap < k->len + n + 1)
			cap *= 2;
		nb = realloc(k->buf, cap);
		if (!nb)
			return ENOMEM;
		k->buf = nb;
		k->cap = cap;
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->buf[k->len] = '\0';
	return 0;
}

static enum MHD_Result dk_reply(struct MHD_Connection *c, unsigned status, char *doc)
{
	static const char oom[] = "{\"Err\":\"out of memory\"}";
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (doc)
		resp = MHD_create_response_from_buffer(strlen(doc), doc, MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(sizeof(oom) - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(doc);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, DK_JSON_TYPE);
	ret = MHD_queue_response(c, doc ? status : 500, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result dk_http(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			       const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct dk_driver *d = cls;
	struct dk_conn *k = *con_cls;
	unsigned status;
	char *doc;

	(void)version;
	if (!k) {   /* the headers: the body comes next */
		k = calloc(1, sizeof(*k));
		*con_cls = k;
		return k ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		if (dk_body_add(k, upload, *upload_size))
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_POST)) {
		status = 405;
		doc = dk_err_json("vtepd-docker answers POST requests only");
	} else if (k->too_big) {
		status = 413;
		doc = dk_err_json("the request is larger than 1 MiB");
	} else {
		doc = dk_handle(d, url, k->buf ? k->buf : "", k->len, &status);
	}
	if (strcmp(url, "/Plugin.Activate") && strcmp(url, "/NetworkDriver.GetCapabilities")) {
		/* which network and endpoint, shortened as docker shows them */
		json_t *j = k->len ? json_loadb(k->buf, k->len, JSON_DECODE_ANY, NULL) : NULL;
		const char *nid = json_string_value(json_object_get(j, "NetworkID"));
		const char *eid = json_string_value(json_object_get(j, "EndpointID"));

		dk_log("%s %s%s%.12s%s%.12s: %s", method, url, nid ? " network " : "", nid ? nid : "",
		       eid ? " endpoint " : "", eid ? eid : "", doc ? doc : "out of memory");
		json_decref(j);
	}
	return dk_reply(c, status, doc);
}

static void dk_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct dk_conn *k = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (k) {
		free(k->buf);
		free(k);
		*con_cls = NULL;
	}
}

/* The plugin socket: a stale one (nobody answers) is replaced, a live one is an error. */
static int dk_listen(const char *path, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		dk_log("socket path %s is too long", path);
		return ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			dk_log("%s exists and is not a socket", path);
			return EEXIST;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(fd);
			dk_log("%s is in use (is another vtepd-docker running?)", path);
			return EADDRINUSE;
		}
		if (fd >= 0)
			close(fd);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) || listen(fd, 64)) {
		rc = errno;
		dk_log("cannot listen on %s: %s", path, strerror(rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

/* mkdir -p: /run/docker may not exist before dockerd first runs */
static int dk_mkdir(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n >= sizeof(path))
		return ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			int rc = errno;

			dk_log("cannot make directory %s: %s", path, strerror(rc));
			return rc;
		}
		path[i] = i < n ? '/' : '\0';
	}
	return 0;
}

static void dk_usage(FILE *f)
{
	fprintf(f,
		"usage: vtepd-docker [options]\n"
		"Docker's remote network driver for vtepd: docker network create -d NAME --opt vni=N ...\n"
		"  --name NAME         the driver's name in Docker (-d NAME): socket PLUGIN_DIR/NAME.sock (vtepd)\n"
		"  --plugin-dir DIR    where dockerd looks for plugins (/run/docker/plugins)\n"
		"  --vtepd INSTANCE    vtepd's instance (vtep.name): its socket /run/vtepd/INSTANCE.sock (vtepd)\n"
		"  --socket PATH       instead of --vtepd: vtepd's control socket\n"
		"  --state-dir DIR     where the driver keeps its networks and endpoints: DIR/NAME.json\n"
		"                      (/var/lib/vtepd-docker)\n"
		"  --help              this text\n"
		"A network's options (--opt K=V): vni (required), mtu (or com.docker.network.driver.mtu), vrf,\n"
		"vtepd or socket (another vtepd than the driver's). Details: doc/docker.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },    { "plugin-dir", required_argument, NULL, 'p' },
		{ "vtepd", required_argument, NULL, 'v' },   { "socket", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "vtepd", *plugin_dir = "/run/docker/plugins", *state_dir = "/var/lib/vtepd-docker";
	char socket_path[DK_PATH_MAX] = "/run/vtepd/vtepd.sock", plugin_sock[256], state_path[4096], err[512];
	struct MHD_Daemon *mhd;
	struct dk_driver d;
	sigset_t sigs;
	int c, fd = -1, sig = 0, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'p':
			plugin_dir = optarg;
			break;
		case 'v':
			if ((size_t)snprintf(socket_path, sizeof(socket_path), "/run/vtepd/%s.sock", optarg) >=
			    sizeof(socket_path))
				goto toolong;
			break;
		case 's':
			if ((size_t)snprintf(socket_path, sizeof(socket_path), "%s", optarg) >= sizeof(socket_path))
				goto toolong;
			break;
		case 'd':
			state_dir = optarg;
			break;
		case 'h':
			dk_usage(stdout);
			return 0;
		default:
			dk_usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !name[0] || strchr(name, '/')) {
		dk_usage(stderr);
		return 2;
	}
	if ((size_t)snprintf(plugin_sock, sizeof(plugin_sock), "%s/%s.sock", plugin_dir, name) >= sizeof(plugin_sock) ||
	    (size_t)snprintf(state_path, sizeof(state_path), "%s/%s.json", state_dir, name) >= sizeof(state_path))
		goto toolong;
	signal(SIGPIPE, SIG_IGN);   /* vtepd hanging up is an error of that request */
	rc = dk_driver_init(&d, state_path, socket_path, (int)getpid(), ctr_call);
	if (!rc)
		rc = dk_mkdir(state_dir);
	if (!rc) {   /* written at once: a state directory we cannot write is an error now, not at the first network */
		rc = dk_state_load(&d, err, sizeof(err));
		if (!rc)
			rc = dk_state_save(&d, err, sizeof(err));
		if (rc)
			dk_log("%s", err);
	}
	if (!rc)
		rc = dk_mkdir(plugin_dir);
	if (!rc)
		rc = dk_listen(plugin_sock, &fd);
	if (rc) {
		dk_driver_free(&d);
		return 1;
	}
	/* the signals are ours to wait for, in no thread of libmicrohttpd's */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, dk_http, &d,
			       MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_NOTIFY_COMPLETED, dk_done, NULL,
			       MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
	if (!mhd) {
		dk_log("cannot start the HTTP server on %s", plugin_sock);
		close(fd);
		unlink(plugin_sock);
		dk_driver_free(&d);
		return 1;
	}
	dk_log("driver %s on %s, vtepd at %s, state in %s (%zu networks, %zu endpoints)", name, plugin_sock,
	       socket_path, state_path, json_object_size(json_object_get(d.state, "networks")),
	       json_object_size(json_object_get(d.state, "endpoints")));
	while (sigwait(&sigs, &sig) == EINTR)
		;
	dk_log("signal %d: stopping", sig);
	MHD_stop_daemon(mhd);
	close(fd);
	unlink(plugin_sock);
	dk_driver_free(&d);
	return 0;
toolong:
	fprintf(stderr, "vtepd-docker: a path is too long\n");
	return 2;
}
