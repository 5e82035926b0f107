/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl.c: unit tests of control/ctl.c: the output builder (JSON and text rendering),
 * the management socket server (dispatch, errors, malformed and silent clients, socket file
 * handling) and the client, end to end in one process over UNIX sockets in a temp directory.
 */
#include "ctl.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------------ */
/* Builder                                                                               */

static void
assert_body(struct ctl_out *o, const char *expected)
{
	size_t len = 0;
	const char *body = ctl_out_body(o, &len);
	ck_assert_ptr_nonnull(body);
	ck_assert_str_eq(body, expected);
	ck_assert_uint_eq(len, strlen(expected));
}

START_TEST(test_json_scalars_and_escaping)
{
	struct ctl_out *o = ctl_out_new(true);
	ck_assert_ptr_nonnull(o);
	ck_assert(ctl_is_json(o));
	ctl_str(o, "s", "a\"b\\c\n\x01\x1f\x7f/\xc3\xa9");
	ctl_u64(o, "u", UINT64_MAX);
	ctl_i64(o, "i", INT64_MIN);
	ctl_bool(o, "t", true);
	ctl_bool(o, "f", false);
	ctl_strf(o, "fmt", "%d-%s", 7, "x");
	ctl_str(o, "n", NULL);
	ctl_u64(o, "k\"\t", 1);
	/* yajl: short escapes where JSON has them, \u00XX for the other controls, DEL as is */
	assert_body(o, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u001F\x7f/\xc3\xa9\","
		    "\"u\":18446744073709551615,\"i\":-9223372036854775808,"
		    "\"t\":true,\"f\":false,\"fmt\":\"7-x\",\"n\":null,\"k\\\"\\t\":1}");
	ck_assert_int_eq(ctl_out_status(o), 0);
	ctl_out_free(o);
}
END_TEST

START_TEST(test_json_empty_document)
{
	struct ctl_out *o = ctl_out_new(true);
	assert_body(o, "{}");
	/* rendering twice gives the same document */
	assert_body(o, "{}");
	ctl_out_free(o);
}
END_TEST

START_TEST(test_json_nested)
{
	struct ctl_out *o = ctl_out_new(true);
	ctl_obj_begin(o, NULL);                 /* explicit top level is the implicit one */
	ctl_str(o, "name", "br0");
	ctl_obj_begin(o, "cfg");
	ctl_u64(o, "mtu", 1500);
	ctl_obj_begin(o, "inner");
	ctl_bool(o, "on", true);
	ctl_obj_end(o);
	ctl_obj_end(o);
	ctl_list_begin(o, "ports");
	ctl_obj_begin(o, NULL);
	ctl_str(o, "name", "p0");
	ctl_list_begin(o, "vnis");
	ctl_obj_begin(o, NULL);
	ctl_u64(o, "vni", 10);
	ctl_obj_end(o);
	ctl_list_end(o);
	ctl_obj_end(o);
	ctl_obj_begin(o, NULL);
	ctl_str(o, "name", "p1");
	ctl_obj_end(o);
	ctl_list_end(o);
	ctl_list_begin(o, "empty");
	ctl_list_end(o);
	ctl_i64(o, "last", -1);
	ctl_obj_end(o);
	assert_body(o, "{\"name\":\"br0\",\"cfg\":{\"mtu\":1500,\"inner\":{\"on\":true}},"
		    "\"ports\":[{\"name\":\"p0\",\"vnis\":[{\"vni\":10}]},{\"name\":\"p1\"}],"
		    "\"empty\":[],\"last\":-1}");
	ctl_out_free(o);
}
END_TEST

START_TEST(test_json_misuse_does_not_break_document)
{
	struct ctl_out *o = ctl_out_new(true);
	ctl_obj_end(o);                 /* end without begin: ignored */
	ctl_list_end(o);
	ctl_list_begin(o, "l");
	ctl_obj_begin(o, NULL);
	ctl_u64(o, "a", 1);
	ctl_list_end(o);                /* mismatched: we are in an object, ignored */
	ctl_u64(o, "b", 2);
	/* never closed: the body closes everything */
	assert_body(o, "{\"l\":[{\"a\":1,\"b\":2}]}");
	ctl_out_free(o);

	/* an unnamed object inside an object is merged into it, and its end pops nothing */
	o = ctl_out_new(true);
	ctl_obj_begin(o, "cfg");
	ctl_obj_begin(o, NULL);
	ctl_u64(o, "a", 1);
	ctl_obj_end(o);
	ctl_u64(o, "b", 2);
	ctl_obj_end(o);
	ctl_u64(o, "c", 3);
	assert_body(o, "{\"cfg\":{\"a\":1,\"b\":2},\"c\":3}");
	ctl_out_free(o);

	/* NULL builder is tolerated everywhere */
	ctl_u64(NULL, "x", 1);
	ctl_str(NULL, "x", "y");
	ctl_obj_begin(NULL, "x");
	ctl_obj_end(NULL);
	ctl_list_begin(NULL, "x");
	ctl_list_end(NULL);
	ctl_error(NULL, "x");
	ctl_out_free(NULL);
}
END_TEST

START_TEST(test_json_deep_nesting_is_capped)
{
	struct ctl_out *o = ctl_out_new(true);
	for (int i = 0; i < 100; i++)
		ctl_obj_begin(o, "d");
	ctl_u64(o, "x", 1);             /* beyond the cap: dropped */
	for (int i = 0; i < 100; i++)
		ctl_obj_end(o);
	ctl_u64(o, "after", 1);         /* back at the top level */
	char expected[512] = "{";
	for (int i = 0; i < 32; i++)
		strcat(expected, "\"d\":{");
	for (int i = 0; i < 32; i++)
		strcat(expected, "}");
	strcat(expected, ",\"after\":1}");
	assert_body(o, expected);
	ctl_out_free(o);
}
END_TEST

START_TEST(test_text_scalars_and_objects)
{
	struct ctl_out *o = ctl_out_new(false);
	ck_assert(!ctl_is_json(o));
	ctl_str(o, "name", "br0");
	ctl_u64(o, "mtu", 1500);
	ctl_obj_begin(o, "cfg");
	ctl_str(o, "mode", "evpn");
	ctl_obj_begin(o, "inner");
	ctl_bool(o, "on", true);
	ctl_obj_end(o);
	ctl_obj_end(o);
	ctl_str(o, "empty", "");
	ctl_str(o, "none", NULL);
	ctl_str(o, "ctrl", "a\tb\nc");
	ctl_i64(o, "neg", -5);
	assert_body(o, "name: br0\nmtu: 1500\ncfg:\n  mode: evpn\n  inner:\n    on: true\n"
		    "empty:\nnone: -\nctrl: a?b?c\nneg: -5\n");
	ctl_out_free(o);
}
END_TEST

START_TEST(test_text_table_alignment)
{
	struct ctl_out *o = ctl_out_new(false);
	ctl_list_begin(o, "ports");
	ctl_obj_begin(o, NULL);
	ctl_str(o, "name", "p0");
	ctl_u64(o, "vni", 10);
	ctl_str(o, "mac", "aa:bb:cc:dd:ee:ff");
	ctl_obj_end(o);
	ctl_obj_begin(o, NULL);
	ctl_str(o, "name", "port-long");
	ctl_u64(o, "vni", 2000);
	ctl_str(o, "state", "up");      /* new column; "mac" missing in this row */
	ctl_obj_end(o);
	ctl_list_end(o);
	assert_body(o,
		    "NAME       VNI   MAC                STATE\n"
		    "p0         10    aa:bb:cc:dd:ee:ff  -\n"
		    "port-long  2000  -                  up\n");
	ctl_out_free(o);
}
END_TEST

START_TEST(test_text_list_with_siblings_and_flattening)
{
	struct ctl_out *o = ctl_out_new(false);
	ctl_u64(o, "count", 1);
	ctl_list_begin(o, "vnis");
	ctl_obj_begin(o, NULL);
	ctl_u64(o, "vni", 10);
	ctl_obj_begin(o, "flood");
	ctl_str(o, "a", "x");
	ctl_u64(o, "b", 2);
	ctl_obj_end(o);
	ctl_list_begin(o, "members");
	ctl_obj_begin(o, NULL);
	ctl_str(o, "name", "p0");
	ctl_obj_end(o);
	ctl_obj_begin(o, NULL);
	ctl_str(o, "name", "p1");
	ctl_obj_end(o);
	ctl_list_end(o);
	ctl_str(o, "note", "");         /* empty cell shows "-" */
	ctl_obj_end(o);
	ctl_list_end(o);
	assert_body(o,
		    "count: 1\n"
		    "vnis:\n"
		    "  VNI  FLOOD    MEMBERS              NOTE\n"
		    "  10   a=x,b=2  {name=p0},{name=p1}  -\n");
	ctl_out_free(o);
}
END_TEST

START_TEST(test_text_empty_list)
{
	struct ctl_out *o = ctl_out_new(false);
	ctl_list_begin(o, "vnis");
	ctl_list_end(o);
	assert_body(o, "(no vnis)\n");
	ctl_out_free(o);

	o = ctl_out_new(false);
	ctl_u64(o, "x", 1);
	ctl_list_begin(o, "vnis");
	ctl_list_end(o);
	assert_body(o, "x: 1\nvnis:\n  (no vnis)\n");
	ctl_out_free(o);
}
END_TEST

START_TEST(test_error_replaces_body)
{
	for (int json = 0; json < 2; json++) {
		struct ctl_out *o = ctl_out_new(json);
		ctl_str(o, "a", "b");
		ck_assert_int_eq(ctl_out_status(o), 0);
		ctl_error(o, "bad vni %d\n", 5);
		ck_assert_int_eq(ctl_out_status(o), EINVAL);
		assert_body(o, "bad vni 5");
		ctl_error(o, "second\nline");   /* latest wins, kept on one line */
		assert_body(o, "second?line");
		ctl_out_free(o);
	}
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Server and client                                                                     */

static char tmpdir[64];

static void
tmpdir_setup(void)
{
	strcpy(tmpdir, "/tmp/test_ctl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
tmpdir_teardown(void)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
test_path(const char *sub)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, sub);
	return path;
}

static int
h_show_thing(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	(*(int *)ctx)++;
	ctl_list_begin(o, "args");
	for (int i = 0; i < argc; i++) {
		ctl_obj_begin(o, NULL);
		ctl_u64(o, "i", (uint64_t)i);
		ctl_str(o, "arg", argv[i]);
		ctl_obj_end(o);
	}
	ctl_list_end(o);
	return 0;
}

static int
h_show(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	(*(int *)ctx)++;
	ctl_str(o, "what", "show");
	ctl_u64(o, "argc", (uint64_t)argc);
	ctl_str(o, "first", argc ? argv[0] : NULL);
	return 0;
}

static int
h_fail(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	(*(int *)ctx)++;
	ctl_str(o, "partial", "output");        /* must not leak into the error reply */
	if (argc == 0)
		return EPERM;                   /* no ctl_error: strerror is used */
	if (strcmp(argv[0], "soft") == 0) {
		ctl_error(o, "soft failure");   /* returns 0 after ctl_error: still an error */
		return 0;
	}
	ctl_error(o, "fail: %s is broken", argv[0]);
	return ENOENT;
}

static const struct ctl_command test_cmds[] = {
	/* the shorter prefix first, so that only a longest-prefix match picks "show thing" */
	{ { "show", NULL }, "show [WHAT...]", h_show },
	{ { "show", "thing", NULL }, "show thing [ARG...]", h_show_thing },
	{ { "fail", NULL }, "fail [WHAT]", h_fail },
};
#define N_TEST_CMDS (sizeof(test_cmds) / sizeof(test_cmds[0]))

static int handler_calls;

struct server {
	int fd;
	int n;
	pthread_t tid;
};

/* Serves up to n connections, waiting for each (bounded, so a broken test cannot hang). */
static void *
server_main(void *arg)
{
	struct server *s = arg;
	for (int i = 0; i < s->n; i++) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		if (poll(&p, 1, 10000) <= 0)
			break;
		ctl_server_serve_one(s->fd, test_cmds, N_TEST_CMDS, &handler_calls);
	}
	return NULL;
}

static void
server_start(struct server *s, int fd, int n)
{
	s->fd = fd;
	s->n = n;
	ck_assert_int_eq(pthread_create(&s->tid, NULL, server_main, s), 0);
}

static void
server_join(struct server *s)
{
	ck_assert_int_eq(pthread_join(s->tid, NULL), 0);
}

/* Sends the space-separated words of line with ctl_client_request. */
static int
request(const char *path, bool json, const char *line, int *status, char **body)
{
	char copy[8192];
	char *argv[4096];
	int argc = 0;
	snprintf(copy, sizeof(copy), "%s", line);
	for (char *save = NULL, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	*status = -1;
	*body = NULL;
	return ctl_client_request(path, json, argc, argv, status, body);
}

static void
expect_reply(const char *path, bool json, const char *line, int want_status, const char *want_body)
{
	int status;
	char *body;
	int err = request(path, json, line, &status, &body);
	ck_assert_msg(err == 0, "request '%s': %s", line, strerror(err));
	ck_assert_msg(status == want_status, "request '%s': status %d, want %d (body '%s')",
		      line, status, want_status, body);
	ck_assert_str_eq(body, want_body);
	free(body);
}

START_TEST(test_end_to_end)
{
	const char *path = test_path("e2e/run/ctl.sock");
	int fd = -1;
	ck_assert_int_eq(ctl_server_open(path, &fd), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	/* nothing pending: serve_one returns at once without blocking */
	ctl_server_serve_one(fd, test_cmds, N_TEST_CMDS, &handler_calls);

	struct server s;
	server_start(&s, fd, 14);
	expect_reply(path, false, "show thing a b", 0, "I  ARG\n0  a\n1  b\n");
	expect_reply(path, true, "show thing a b",
		     0, "{\"args\":[{\"i\":0,\"arg\":\"a\"},{\"i\":1,\"arg\":\"b\"}]}");
	expect_reply(path, false, "show thing", 0, "(no args)\n");
	/* longest prefix: "show other x" is "show" with two args, not "show thing" */
	expect_reply(path, false, "show other x", 0, "what: show\nargc: 2\nfirst: other\n");
	expect_reply(path, false, "show", 0, "what: show\nargc: 0\nfirst: -\n");
	expect_reply(path, true, "show", 0, "{\"what\":\"show\",\"argc\":0,\"first\":null}");
	expect_reply(path, false, "fail x", ENOENT, "fail: x is broken");
	expect_reply(path, true, "fail x", ENOENT, "fail: x is broken");
	expect_reply(path, false, "fail", EPERM, strerror(EPERM));
	expect_reply(path, false, "fail soft", EINVAL, "soft failure");
	expect_reply(path, false, "nope x", EINVAL,
		     "unknown command 'nope x' (try: show [WHAT...]; show thing [ARG...]; fail [WHAT])");
	expect_reply(path, false, "showthing", EINVAL,
		     "unknown command 'showthing' (try: show [WHAT...]; show thing [ARG...]; fail [WHAT])");
	expect_reply(path, false, "", EINVAL,
		     "unknown command '' (try: show [WHAT...]; show thing [ARG...]; fail [WHAT])");
	/* bytes >= 0x80 pass through JSON strings unchanged */
	expect_reply(path, true, "show thing \xc3\xa9",
		     0, "{\"args\":[{\"i\":0,\"arg\":\"\xc3\xa9\"}]}");
	server_join(&s);
	ck_assert_int_eq(handler_calls, 11);    /* ctx reaches the handlers */

	ctl_server_close(fd, path);
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), -1);
	int status;
	char *body;
	ck_assert_int_eq(request(path, false, "show", &status, &body), ENOENT);
	ck_assert_ptr_null(body);
}
END_TEST

/* Sends raw bytes, optionally half-closes, lets the server handle them, reads the reply. */
static int
raw_exchange(int listen_fd, const void *data, size_t len, bool shut, char **body)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(c, 0);
	struct sockaddr_un la;
	socklen_t llen = sizeof(la);
	ck_assert_int_eq(getsockname(listen_fd, (struct sockaddr *)&la, &llen), 0);
	memcpy(sa.sun_path, la.sun_path, sizeof(sa.sun_path));
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (len)
		ck_assert_int_eq(send(c, data, len, MSG_NOSIGNAL), (ssize_t)len);
	if (shut)
		shutdown(c, SHUT_WR);

	ctl_server_serve_one(listen_fd, test_cmds, N_TEST_CMDS, &handler_calls);

	static char reply[1 << 17];
	size_t n = 0;
	for (;;) {
		ck_assert_uint_lt(n, sizeof(reply) - 1);
		ssize_t r = recv(c, reply + n, sizeof(reply) - 1 - n, MSG_DONTWAIT);
		if (r <= 0) {
			ck_assert_msg(r == 0, "reading reply: %s", strerror(errno));
			break;
		}
		n += (size_t)r;
	}
	close(c);
	reply[n] = '\0';
	char *nl = strchr(reply, '\n');
	ck_assert_ptr_nonnull(nl);
	*body = nl + 1;
	return atoi(reply);
}

START_TEST(test_malformed_requests)
{
	const char *path = test_path("malformed/ctl.sock");
	int fd;
	char *body;
	ck_assert_int_eq(ctl_server_open(path, &fd), 0);

	/* no format word */
	ck_assert_int_eq(raw_exchange(fd, "show\tthing\n", 11, false, &body), EINVAL);
	ck_assert_ptr_nonnull(strstr(body, "bad request"));

	/* embedded NUL */
	static const char nul[] = "text\tshow\0thing\n";
	ck_assert_int_eq(raw_exchange(fd, nul, sizeof(nul) - 1, false, &body), EINVAL);
	ck_assert_ptr_nonnull(strstr(body, "NUL"));

	/* longer than 4096 bytes */
	static char big[20000];
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	ck_assert_int_eq(raw_exchange(fd, big, 5000, false, &body), EMSGSIZE);
	ck_assert_ptr_nonnull(strstr(body, "too long"));
	ck_assert_int_eq(raw_exchange(fd, big, sizeof(big), false, &body), EMSGSIZE);

	/* 10k words (too long as well) */
	static char words[20010];
	memcpy(words, "text", 4);
	memset(words + 4, '\t', 10000);
	words[10004] = '\n';
	ck_assert_int_eq(raw_exchange(fd, words, 10005, false, &body), EMSGSIZE);

	/* no newline before end of stream, and an empty request */
	ck_assert_int_eq(raw_exchange(fd, "text\tshow\tthing", 15, true, &body), EINVAL);
	ck_assert_ptr_nonnull(strstr(body, "newline"));
	ck_assert_int_eq(raw_exchange(fd, "", 0, true, &body), EINVAL);
	ck_assert_int_eq(raw_exchange(fd, "\n", 1, true, &body), EINVAL);

	/* binary garbage */
	unsigned char garbage[256];
	for (int i = 0; i < 255; i++)
		garbage[i] = (unsigned char)(255 - i);
	garbage[255] = '\n';
	ck_assert_int_eq(raw_exchange(fd, garbage, sizeof(garbage), true, &body), EINVAL);

	/* format word alone: no command */
	ck_assert_int_eq(raw_exchange(fd, "json\n", 5, false, &body), EINVAL);
	ck_assert_ptr_nonnull(strstr(body, "unknown command ''"));

	/* many words within the limit are served; empty words and a CR are accepted */
	static char many[4200];
	int n = snprintf(many, sizeof(many), "text\tshow\tthing");
	for (int i = 0; i < 2000; i++)
		n += snprintf(many + n, sizeof(many) - (size_t)n, "\tx");
	many[n++] = '\n';
	ck_assert_int_le(n, 4096);
	ck_assert_int_eq(raw_exchange(fd, many, (size_t)n, false, &body), 0);
	int lines = 0;
	for (char *p = body; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 2001);
	ck_assert_ptr_nonnull(strstr(body, "1999  x\n"));

	ck_assert_int_eq(raw_exchange(fd, "text\tshow\tthing\t\ty\r\n", 20, false, &body), 0);
	ck_assert_str_eq(body, "I  ARG\n0  -\n1  y\n");

	/* the server is still fine */
	struct server s;
	server_start(&s, fd, 1);
	expect_reply(path, false, "show thing z", 0, "I  ARG\n0  z\n");
	server_join(&s);
	ctl_server_close(fd, path);
}
END_TEST

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(test_silent_client_is_dropped)
{
	const char *path = test_path("silent/ctl.sock");
	int fd;
	char *body;
	ck_assert_int_eq(ctl_server_open(path, &fd), 0);

	/* connects and sends nothing: serve_one must give up (bound, not a speed goal) */
	double t0 = now_s();
	ck_assert_int_eq(raw_exchange(fd, "", 0, false, &body), ETIMEDOUT);
	ck_assert_double_lt(now_s() - t0, 3.0);
	ck_assert_ptr_nonnull(strstr(body, "timed out"));

	/* sends half a line and stalls */
	t0 = now_s();
	ck_assert_int_eq(raw_exchange(fd, "text\tsho", 8, false, &body), ETIMEDOUT);
	ck_assert_double_lt(now_s() - t0, 3.0);
	ctl_server_close(fd, path);
}
END_TEST

START_TEST(test_socket_file_mode_and_parent)
{
	const char *path = test_path("mode/a/b/ctl.sock");
	char dir[256];
	int fd;
	struct stat st;
	mode_t old = umask(0);          /* the mode must not depend on the umask */
	int err = ctl_server_open(path, &fd);
	umask(old);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	snprintf(dir, sizeof(dir), "%s/mode/a/b", tmpdir);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	snprintf(dir, sizeof(dir), "%s/mode/a", tmpdir);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	ctl_server_close(fd, path);
	ck_assert_int_eq(lstat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_stale_socket_replaced)
{
	const char *path = test_path("stale/ctl.sock");
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/stale", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);

	/* a socket file nobody listens on, as left by a crashed daemon */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int old = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(old, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(old);
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	int status;
	char *body;
	ck_assert_int_eq(request(path, false, "show", &status, &body), ECONNREFUSED);

	int fd;
	ck_assert_int_eq(ctl_server_open(path, &fd), 0);
	struct server s;
	server_start(&s, fd, 1);
	expect_reply(path, false, "show thing q", 0, "I  ARG\n0  q\n");
	server_join(&s);
	ctl_server_close(fd, path);
}
END_TEST

START_TEST(test_live_server_not_stolen)
{
	const char *path = test_path("live/ctl.sock");
	int fd, fd2 = -1;
	ck_assert_int_eq(ctl_server_open(path, &fd), 0);
	ck_assert_int_eq(ctl_server_open(path, &fd2), EADDRINUSE);
	ck_assert_int_eq(fd2, -1);
	/* the probe connection is pending on the first server: serve (and drop) it */
	ctl_server_serve_one(fd, test_cmds, N_TEST_CMDS, &handler_calls);
	struct server s;
	server_start(&s, fd, 1);
	expect_reply(path, false, "show thing r", 0, "I  ARG\n0  r\n");
	server_join(&s);
	ctl_server_close(fd, path);
}
END_TEST

START_TEST(test_regular_file_refused)
{
	const char *path = test_path("regular/ctl.sock");
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/regular", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("keep", f);
	fclose(f);

	int fd = -1;
	ck_assert_int_eq(ctl_server_open(path, &fd), ENOTSOCK);
	ck_assert_int_eq(fd, -1);
	char buf[16] = "";
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, "keep");
	ctl_server_close(-1, path);     /* not a socket: left alone */
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_client_errors)
{
	int status;
	char *body;
	char *argv[] = { "show", "a\tb" };
	ck_assert_int_eq(ctl_client_request(test_path("none/ctl.sock"), false, 1, argv,
					    &status, &body), ENOENT);
	ck_assert_int_eq(ctl_client_request(test_path("none/ctl.sock"), false, 2, argv,
					    &status, &body), EINVAL);
	char *nl[] = { "a\nb" };
	ck_assert_int_eq(ctl_client_request(test_path("none/ctl.sock"), false, 1, nl,
					    &status, &body), EINVAL);
	char longpath[200];
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_int_eq(ctl_client_request(longpath, false, 1, argv, &status, &body),
			 ENAMETOOLONG);
	int fd;
	ck_assert_int_eq(ctl_server_open(longpath, &fd), ENAMETOOLONG);
	ck_assert_int_eq(ctl_server_open("", &fd), EINVAL);

	static char *many[3000];
	for (int i = 0; i < 3000; i++)
		many[i] = "xx";
	ck_assert_int_eq(ctl_client_request(test_path("none/ctl.sock"), false, 3000, many,
					    &status, &body), EMSGSIZE);
}
END_TEST

static Suite *
ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *b = tcase_create("builder");
	tcase_add_test(b, test_json_scalars_and_escaping);
	tcase_add_test(b, test_json_empty_document);
	tcase_add_test(b, test_json_nested);
	tcase_add_test(b, test_json_misuse_does_not_break_document);
	tcase_add_test(b, test_json_deep_nesting_is_capped);
	tcase_add_test(b, test_text_scalars_and_objects);
	tcase_add_test(b, test_text_table_alignment);
	tcase_add_test(b, test_text_list_with_siblings_and_flattening);
	tcase_add_test(b, test_text_empty_list);
	tcase_add_test(b, test_error_replaces_body);
	suite_add_tcase(s, b);

	TCase *sv = tcase_create("server");
	tcase_add_unchecked_fixture(sv, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(sv, test_end_to_end);
	tcase_add_test(sv, test_malformed_requests);
	tcase_add_test(sv, test_silent_client_is_dropped);
	tcase_add_test(sv, test_socket_file_mode_and_parent);
	tcase_add_test(sv, test_stale_socket_replaced);
	tcase_add_test(sv, test_live_server_not_stolen);
	tcase_add_test(sv, test_regular_file_refused);
	tcase_add_test(sv, test_client_errors);
	suite_add_tcase(s, sv);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ctl_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
