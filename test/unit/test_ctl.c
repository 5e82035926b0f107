/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl.c: unit tests of control/mgmt/ctl.c: the output builder (JSON and text rendering),
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

START_TEST(test_json_invalid_utf8_and_controls)
{
	struct ctl_out *o = ctl_out_new(true);
	/* a port name from a Latin-1 file, a cut sequence, a surrogate, an overlong '/', controls */
	ctl_str(o, "port", "caf\xe9");
	ctl_str(o, "cut", "a\xc3(b");
	ctl_str(o, "sur", "\xed\xa0\x80z");
	ctl_str(o, "long", "\xc0\xaf");
	ctl_str(o, "ctl", "x\x01y\x1b[31m\n");
	ctl_str(o, "ok", "\xe2\x82\xac\xf0\x9f\x98\x80");
	ctl_u64(o, "k\xff", 1);
	assert_body(o, "{\"port\":\"caf\xef\xbf\xbd\",\"cut\":\"a\xef\xbf\xbd(b\","
		    "\"sur\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz\",\"long\":\"\xef\xbf\xbd\xef\xbf\xbd\","
		    "\"ctl\":\"x\\u0001y\\u001B[31m\\n\",\"ok\":\"\xe2\x82\xac\xf0\x9f\x98\x80\","
		    "\"k\xef\xbf\xbd\":1}");
	ctl_out_free(o);
}
END_TEST

/* A streamed list: items i = 0..n-1 in steps of `step`, then a count after the list. */
struct gen_state {
	unsigned next, n, step, fail_at;
	bool wide_later;
};

static int
gen_step(struct ctl_out *o, void *arg)
{
	struct gen_state *g = arg;
	for (unsigned k = 0; k < g->step && g->next < g->n; k++, g->next++) {
		if (g->fail_at && g->next == g->fail_at) {
			ctl_error(o, "item %u is broken", g->next);
			return EIO;
		}
		ctl_obj_begin(o, NULL);
		ctl_u64(o, "i", g->next);
		ctl_str(o, "name", g->wide_later && g->next >= g->step ? "a-much-longer-name" : "n");
		ctl_obj_end(o);
	}
	if (g->next < g->n)
		return CTL_STREAM_MORE;
	ctl_list_end(o);
	ctl_u64(o, "count", g->n);
	return 0;
}

static void
gen_free(void *arg)
{
	free(arg);
}

static struct gen_state *
gen_new(unsigned n, unsigned step)
{
	struct gen_state *g = calloc(1, sizeof(*g));
	ck_assert_ptr_nonnull(g);
	g->n = n;
	g->step = step;
	return g;
}

START_TEST(test_stream_body)
{
	/* JSON: the same document as without streaming */
	struct ctl_out *o = ctl_out_new(true);
	ctl_u64(o, "before", 7);
	ctl_list_begin(o, "items");
	ctl_stream(o, gen_step, gen_new(5, 2), gen_free);
	assert_body(o, "{\"before\":7,\"items\":[{\"i\":0,\"name\":\"n\"},{\"i\":1,\"name\":\"n\"},"
		    "{\"i\":2,\"name\":\"n\"},{\"i\":3,\"name\":\"n\"},{\"i\":4,\"name\":\"n\"}],\"count\":5}");
	ctl_out_free(o);

	/* text, the list first: one table, one header, columns widened by later steps */
	o = ctl_out_new(false);
	ctl_list_begin(o, "items");
	struct gen_state *g = gen_new(3, 2);
	g->wide_later = true;
	ctl_stream(o, gen_step, g, gen_free);
	assert_body(o, "I  NAME\n0  n\n1  n\n2  a-much-longer-name\ncount: 3\n");
	ctl_out_free(o);

	/* text, after other fields; an empty stream */
	o = ctl_out_new(false);
	ctl_u64(o, "x", 1);
	ctl_list_begin(o, "items");
	ctl_stream(o, gen_step, gen_new(2, 1), gen_free);
	assert_body(o, "x: 1\nitems:\n  I  NAME\n  0  n\n  1  n\ncount: 2\n");
	ctl_out_free(o);
	o = ctl_out_new(false);
	ctl_list_begin(o, "items");
	ctl_stream(o, gen_step, gen_new(0, 1), gen_free);
	assert_body(o, "(no items)\ncount: 0\n");
	ctl_out_free(o);

	/* a failure half way replaces the reply with the error */
	o = ctl_out_new(true);
	ctl_list_begin(o, "items");
	g = gen_new(10, 2);
	g->fail_at = 5;
	ctl_stream(o, gen_step, g, gen_free);
	assert_body(o, "item 5 is broken");
	ck_assert_int_eq(ctl_out_status(o), EIO);
	ctl_out_free(o);

	/* misuse: not inside a top-level list */
	o = ctl_out_new(true);
	ctl_stream(o, gen_step, gen_new(1, 1), gen_free);
	ck_assert_int_eq(ctl_out_status(o), EINVAL);
	ctl_out_free(o);
	/* a stream never run is freed with the builder (no leak under ASan) */
	o = ctl_out_new(true);
	ctl_list_begin(o, "items");
	ctl_stream(o, gen_step, gen_new(1, 1), gen_free);
	ctl_out_free(o);
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

/* ------------------------------------------------------------------------------------ */
/* The non-blocking server, run by a thread as vtepd's event loop runs it                */

static int
h_stream(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	(void)ctx;
	struct gen_state *g = gen_new(argc ? (unsigned)atoi(argv[0]) : 0, 100);
	if (argc > 1)
		g->fail_at = (unsigned)atoi(argv[1]);
	ctl_list_begin(o, "items");
	ctl_stream(o, gen_step, g, gen_free);
	return 0;
}

static const struct ctl_command loop_cmds[] = {
	{ { "show", "thing", NULL }, "show thing [ARG...]", h_show_thing },
	{ { "stream", NULL }, "stream N [FAIL_AT]", h_stream },
};

struct loop {
	const char *path;
	int fd;
	struct ctl_server *srv;
	pthread_t tid;
	_Atomic int stop;
	int calls;
};

static void *
loop_main(void *arg)
{
	struct loop *l = arg;
	while (!l->stop)
		ctl_server_run(l->srv, 20);
	return NULL;
}

static void
loop_start(struct loop *l, const char *sub)
{
	memset(l, 0, sizeof(*l));
	l->path = strdup(test_path(sub));
	ck_assert_int_eq(ctl_server_open(l->path, &l->fd), 0);
	ck_assert_int_eq(ctl_server_new(l->fd, loop_cmds, 2, &l->calls, &l->srv), 0);
	ck_assert_int_ge(ctl_server_fd(l->srv), 0);
	ck_assert_int_eq(pthread_create(&l->tid, NULL, loop_main, l), 0);
}

static void
loop_stop(struct loop *l, struct ctl_server_stats *st)
{
	l->stop = 1;
	ck_assert_int_eq(pthread_join(l->tid, NULL), 0);
	if (st)
		ctl_server_get_stats(l->srv, st);
	ctl_server_free(l->srv);
	ctl_server_close(l->fd, l->path);
	free((char *)l->path);
}

static int
raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return c;
}

/* Reads until the server closes (bounded by timeout_s); returns the bytes read. */
static size_t
read_all(int c, char *buf, size_t cap, int timeout_s)
{
	size_t n = 0;
	double end = now_s() + timeout_s;
	while (n < cap - 1 && now_s() < end) {
		struct pollfd p = { .fd = c, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t r = recv(c, buf + n, cap - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return n;
}

START_TEST(test_idle_clients_do_not_block)
{
	struct loop l;
	loop_start(&l, "idle/ctl.sock");
	int idle[50];
	for (int i = 0; i < 50; i++)
		idle[i] = raw_connect(l.path);
	/* the old server took up to a second per idle client; now they do not count */
	double t0 = now_s();
	for (int i = 0; i < 5; i++)
		expect_reply(l.path, false, "show thing a", 0, "I  ARG\n0  a\n");
	ck_assert_double_lt(now_s() - t0, 1.0);
	/* after the request timeout each idle client is told why, then closed */
	for (int i = 0; i < 50; i++) {
		char buf[256];
		read_all(idle[i], buf, sizeof(buf), 10);
		ck_assert_msg(strncmp(buf, "110\nrequest timed out", 21) == 0, "idle client %d got '%s'", i, buf);
		close(idle[i]);
	}
	ck_assert_double_lt(now_s() - t0, CTL_REQUEST_TIMEOUT_MS / 1000.0 + 3);
	struct ctl_server_stats st;
	loop_stop(&l, &st);
	ck_assert_uint_ge(st.timed_out, 50);
	ck_assert_uint_eq(st.open, 0);
}
END_TEST

START_TEST(test_connection_cap)
{
	struct loop l;
	loop_start(&l, "cap/ctl.sock");
	int idle[CTL_MAX_CONNS];
	for (int i = 0; i < CTL_MAX_CONNS; i++)
		idle[i] = raw_connect(l.path);
	/* wait until the server holds them all */
	struct ctl_server_stats st;
	for (int k = 0; k < 100; k++) {
		ctl_server_get_stats(l.srv, &st);
		if (st.open == CTL_MAX_CONNS)
			break;
		usleep(10000);
	}
	int status;
	char *body;
	ck_assert_int_eq(request(l.path, false, "show thing a", &status, &body), 0);
	ck_assert_int_eq(status, EBUSY);
	ck_assert_msg(strstr(body, "too many control connections (64 open)"), "body '%s'", body);
	free(body);
	/* the slots come back when clients go */
	for (int i = 0; i < CTL_MAX_CONNS; i++)
		close(idle[i]);
	bool ok = false;
	for (int k = 0; k < 100 && !ok; k++) {
		ck_assert_int_eq(request(l.path, false, "show thing b", &status, &body), 0);
		ok = status == 0;
		free(body);
		if (!ok)
			usleep(20000);
	}
	ck_assert(ok);
	loop_stop(&l, &st);
	ck_assert_uint_ge(st.refused_busy, 1);
}
END_TEST

START_TEST(test_stream_end_to_end)
{
	struct loop l;
	loop_start(&l, "stream/ctl.sock");
	int status;
	char *body;
	/* 200k items (about 5 MB of JSON) come through whole, framed */
	ck_assert_int_eq(request(l.path, true, "stream 200000", &status, &body), 0);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(strncmp(body, "{\"items\":[{\"i\":0,\"name\":\"n\"},{\"i\":1,", 36), 0);
	const char *tail = "{\"i\":199999,\"name\":\"n\"}],\"count\":200000}";
	ck_assert_str_eq(body + strlen(body) - strlen(tail), tail);
	size_t items = 0;
	for (const char *p = body; *p; p++)     /* not strstr: ASan's makes it quadratic */
		items += p[0] == '{' && strncmp(p, "{\"i\":", 5) == 0;
	ck_assert_uint_eq(items, 200000);
	free(body);
	ck_assert_int_eq(request(l.path, false, "stream 3", &status, &body), 0);
	ck_assert_str_eq(body, "I  NAME\n0  n\n1  n\n2  n\ncount: 3\n");
	free(body);
	/* a failure after part of the reply went out: the status and text of the failure */
	ck_assert_int_eq(request(l.path, true, "stream 1000 500", &status, &body), 0);
	ck_assert_int_eq(status, EIO);
	ck_assert_str_eq(body, "item 500 is broken");
	free(body);
	/* legacy (unframed) replies are still served to scripts */
	int c = raw_connect(l.path);
	ck_assert_int_eq(send(c, "json\tstream\t2\n", 14, MSG_NOSIGNAL), 14);
	char buf[256];
	read_all(c, buf, sizeof(buf), 5);
	close(c);
	ck_assert_str_eq(buf, "0\n{\"items\":[{\"i\":0,\"name\":\"n\"},{\"i\":1,\"name\":\"n\"}],\"count\":2}");
	loop_stop(&l, NULL);
}
END_TEST

START_TEST(test_slow_reader_dropped)
{
	struct loop l;
	loop_start(&l, "slow/ctl.sock");
	/* asks for a large reply and reads none of it */
	int c = raw_connect(l.path);
	const char req[] = "json-framed\tstream\t2000000\n";
	ck_assert_int_eq(send(c, req, sizeof(req) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(req) - 1);
	struct ctl_server_stats st = { 0 };
	double t0 = now_s();
	while (now_s() - t0 < CTL_WRITE_TIMEOUT_MS / 1000.0 + 5) {
		ctl_server_get_stats(l.srv, &st);
		if (st.timed_out)
			break;
		usleep(50000);
	}
	ck_assert_uint_eq(st.timed_out, 1);
	ck_assert_double_ge(now_s() - t0, CTL_WRITE_TIMEOUT_MS / 1000.0 - 0.5);
	/* meanwhile and after, others are served */
	expect_reply(l.path, false, "show thing z", 0, "I  ARG\n0  z\n");
	/* what it got ends without a trailer: the client side calls that cut short */
	static char buf[8 << 20];
	size_t n = read_all(c, buf, sizeof(buf), 5);
	close(c);
	ck_assert_uint_gt(n, 1000);
	ck_assert_uint_lt(n, 4u << 20);    /* only what the socket buffers held */
	ck_assert_int_eq(strncmp(buf, "0\nD", 3), 0);
	ck_assert_ptr_null(strstr(buf, "\nE0 "));
	loop_stop(&l, NULL);
}
END_TEST

/* A fake server that answers each connection with the next canned reply. */
struct fake {
	int fd;
	const char *const *replies;
	size_t n;
	pthread_t tid;
};

static void *
fake_main(void *arg)
{
	struct fake *f = arg;
	for (size_t i = 0; i < f->n; i++) {
		int c = accept(f->fd, NULL, NULL);
		if (c < 0)
			break;
		char buf[4200];
		size_t got = 0;
		while (got < sizeof(buf)) {
			ssize_t r = recv(c, buf + got, sizeof(buf) - got, 0);
			if (r <= 0 || memchr(buf + got, '\n', (size_t)r))
				break;
			got += (size_t)r;
		}
		(void)!send(c, f->replies[i], strlen(f->replies[i]), MSG_NOSIGNAL);
		close(c);
	}
	return NULL;
}

START_TEST(test_client_framing)
{
	static const char *const replies[] = {
		"0\nD5\nhelloD1\n!E0 1\n",
		"0\nD5\nhello",                 /* no trailer */
		"0\nD5\nhel",                   /* cut inside a chunk */
		"0\nD5\nhelloE5 3 disk on fire\n",
		"0\nX\n",
		"",
		"2\nno such thing\n",
		"0\nE0 0\n",
		"0\nD99999999999999999999\n",
	};
	const char *path = test_path("fake/ctl.sock");
	int fd;
	ck_assert_int_eq(ctl_server_open(path, &fd), 0);
	int fl = fcntl(fd, F_GETFL);
	ck_assert_int_eq(fcntl(fd, F_SETFL, fl & ~O_NONBLOCK), 0);
	struct fake f = { .fd = fd, .replies = replies, .n = sizeof(replies) / sizeof(replies[0]) };
	ck_assert_int_eq(pthread_create(&f.tid, NULL, fake_main, &f), 0);
	int status;
	char *body;
	ck_assert_int_eq(request(path, true, "x", &status, &body), 0);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(body, "hello!");
	free(body);
	ck_assert_int_eq(request(path, true, "x", &status, &body), EPROTO);
	ck_assert_int_eq(request(path, true, "x", &status, &body), EPROTO);
	ck_assert_int_eq(request(path, true, "x", &status, &body), 0);
	ck_assert_int_eq(status, 5);
	ck_assert_str_eq(body, "disk on fire");
	free(body);
	ck_assert_int_eq(request(path, true, "x", &status, &body), EPROTO);
	ck_assert_int_eq(request(path, true, "x", &status, &body), EPROTO);
	ck_assert_int_eq(request(path, true, "x", &status, &body), 0);
	ck_assert_int_eq(status, 2);
	ck_assert_str_eq(body, "no such thing");
	free(body);
	ck_assert_int_eq(request(path, true, "x", &status, &body), 0);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(body, "");
	free(body);
	ck_assert_int_eq(request(path, true, "x", &status, &body), EPROTO);
	ck_assert_int_eq(pthread_join(f.tid, NULL), 0);
	ctl_server_close(fd, path);
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
	tcase_add_test(b, test_json_invalid_utf8_and_controls);
	tcase_add_test(b, test_stream_body);
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
	tcase_add_test(sv, test_idle_clients_do_not_block);
	tcase_add_test(sv, test_connection_cap);
	tcase_add_test(sv, test_stream_end_to_end);
	tcase_add_test(sv, test_slow_reader_dropped);
	tcase_add_test(sv, test_client_framing);
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
