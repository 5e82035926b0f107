/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_bgp_fsm.c: Check tests of control/bgp/bgp_fsm.c, the BGP session layer, over real TCP on
 * loopback. They need root: without it the program says so and exits 77 (skipped). Each
 * test runs in its own forked process that first unshares its network namespace and brings
 * its lo up, so every socket and address it makes dies with it. Two speakers run in the same
 * process, A on 127.0.0.1 and B on 127.0.0.2 (port 1179), driven by one loop that calls
 * bgp_process()/bgp_tick() on both; each speaker's clock is the real monotonic clock plus a
 * skew the test moves forward to fire timers. A third "peer" on 127.0.0.3 is a raw TCP
 * socket the test drives by hand (OPENs and bad messages built byte by byte here).
 * BGP_TEST_VERBOSE=1 prints both speakers' logs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "bgp_fsm.h"

#define PORT 1179
#define A_IP "127.0.0.1"
#define B_IP "127.0.0.2"
#define RAW_IP "127.0.0.3"
#define AS_A 65001
#define AS_B 65002
#define AS_RAW 65003
#define WAIT_MS 5000

#define ck_assert_err(expr, want)                                                                       \
	do {                                                                                           \
		int err_ = (expr);                                                                     \
		ck_assert_msg(err_ == (want), "%s: got %d (%s), want %d (%s)", #expr, err_, strerror(err_), \
			      (int)(want), strerror(want));                                             \
	} while (0)

/* ---------------------------------------------------------------------------------------- */
/* Speakers                                                                                 */
/* ---------------------------------------------------------------------------------------- */

#define LOG_LINES 256

struct side {
	const char *name;
	struct bgp *b;
	int64_t skew_ms;
	bool frozen;                 /* not processed: a speaker that stopped responding */
	int n_established, n_down, n_update, n_refresh;
	bool last_graceful;
	uint16_t last_restart_time;
	struct bgp_update last_u;
	struct evpn_route first_reach, first_unreach;
	char log[LOG_LINES][256];
	int n_log;
};

static struct side *sides[2];
static int n_sides;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void cb_established(struct bgp_peer *p, void *ctx)
{
	struct side *s = ctx;

	s->n_established++;
	/* The session is usable from inside the up-call. */
	ck_assert_int_eq(bgp_peer_state(p), BGP_ST_ESTABLISHED);
}

static void cb_down(struct bgp_peer *p, bool graceful, uint16_t restart_time, void *ctx)
{
	struct side *s = ctx;

	s->n_down++;
	s->last_graceful = graceful;
	s->last_restart_time = restart_time;
	ck_assert_int_ne(bgp_peer_state(p), BGP_ST_ESTABLISHED);
}

static void cb_update(struct bgp_peer *p, const struct bgp_update *u, const struct evpn_route *reach,
		      const struct evpn_route *unreach, void *ctx)
{
	struct side *s = ctx;

	(void)p;
	s->n_update++;
	s->last_u = *u;
	if (u->n_reach)
		s->first_reach = reach[0];
	if (u->n_unreach)
		s->first_unreach = unreach[0];
}

static void cb_refresh(struct bgp_peer *p, void *ctx)
{
	struct side *s = ctx;

	(void)p;
	s->n_refresh++;
}

static void cb_log(int level, const char *peer, const char *msg, void *ctx)
{
	struct side *s = ctx;

	ck_assert_int_ge(level, 0);
	ck_assert_int_le(level, 3);
	ck_assert_ptr_null(strchr(msg, '\n'));
	/* a line about a neighbour names it as the log's peer field (the journal's VTEPD_PEER) */
	if (strncmp(msg, "peer ", 5) == 0) {
		ck_assert_ptr_nonnull(peer);
		ck_assert_int_eq(strncmp(msg + 5, peer, strlen(peer)), 0);
	}
	snprintf(s->log[s->n_log % LOG_LINES], sizeof(s->log[0]), "%s", msg);
	s->n_log++;
	if (getenv("BGP_TEST_VERBOSE"))
		fprintf(stderr, "[%s %llu] %d %s\n", s->name, (unsigned long long)(mono_ms() + s->skew_ms), level, msg);
}

/* A logged line holding both strings. */
static bool has_log(const struct side *s, const char *a, const char *b)
{
	int first = s->n_log > LOG_LINES ? s->n_log - LOG_LINES : 0;

	for (int i = first; i < s->n_log; i++) {
		const char *l = s->log[i % LOG_LINES];

		if (strstr(l, a) && (!b || strstr(l, b)))
			return true;
	}
	return false;
}

static const struct bgp_ops test_ops = {
	.established = cb_established, .down = cb_down, .update = cb_update, .refresh = cb_refresh, .log = cb_log,
};

static struct bgp_local local_cfg(const char *addr, uint32_t asn, const char *id, bool gr, uint16_t hold)
{
	struct bgp_local l;

	memset(&l, 0, sizeof(l));
	l.asn = asn;
	l.router_id = ip4(id);
	l.local_addr = ip4(addr);
	l.port = PORT;
	l.hold_time = hold;
	l.graceful_restart = gr;
	l.gr_time = 77;
	snprintf(l.hostname, sizeof(l.hostname), "vtep-%s", addr);
	return l;
}

static struct side *side_new_cfg(const char *name, const struct bgp_local *l)
{
	struct side *s = calloc(1, sizeof(*s));

	ck_assert_ptr_nonnull(s);
	ck_assert_int_lt(n_sides, 2);
	s->name = name;
	s->b = bgp_new(l, &test_ops, s);
	ck_assert_ptr_nonnull(s->b);
	sides[n_sides++] = s;
	return s;
}

static struct side *side_new(const char *name, const char *addr, uint32_t asn, const char *id, bool gr, uint16_t hold)
{
	struct bgp_local l = local_cfg(addr, asn, id, gr, hold);

	return side_new_cfg(name, &l);
}

static struct bgp_peer_config peer_cfg(const char *addr, uint32_t remote_as, bool passive)
{
	struct bgp_peer_config c;

	memset(&c, 0, sizeof(c));
	c.addr = ip4(addr);
	c.remote_as = remote_as;
	c.passive = passive;
	c.connect_retry = 2;
	return c;
}

static struct bgp_peer *add_peer(struct side *s, const struct bgp_peer_config *c)
{
	struct bgp_peer *p = NULL;

	ck_assert_err(bgp_add_peer(s->b, c, &p), 0);
	ck_assert_ptr_nonnull(p);
	return p;
}

static struct bgp_peer *peer0(const struct side *s)
{
	return bgp_peer_at(s->b, 0);
}

static struct bgp_peer_stats stats(const struct side *s)
{
	struct bgp_peer_stats st;

	bgp_peer_get_stats(peer0(s), &st);
	return st;
}

static enum bgp_state state0(const struct side *s)
{
	return bgp_peer_state(peer0(s));
}

/* One turn of the loop: wait up to 1 ms for I/O, then process and tick every live speaker. */
static void step(void)
{
	struct pollfd pfd[2];
	int n = 0;

	for (int i = 0; i < n_sides; i++)
		if (!sides[i]->frozen)
			pfd[n++] = (struct pollfd){ .fd = bgp_fd(sides[i]->b), .events = POLLIN };
	if (poll(pfd, (nfds_t)n, 1) < 0)
		ck_abort_msg("poll: %s", strerror(errno));
	for (int i = 0; i < n_sides; i++) {
		if (sides[i]->frozen)
			continue;
		bgp_process(sides[i]->b);
		bgp_tick(sides[i]->b, mono_ms() + (uint64_t)sides[i]->skew_ms);
	}
}

#define RUN_UNTIL(cond)                                                                        \
	do {                                                                                   \
		uint64_t t0_ = mono_ms();                                                      \
		while (!(cond)) {                                                              \
			ck_assert_msg(mono_ms() - t0_ < WAIT_MS, "timed out waiting for: %s", #cond); \
			step();                                                                \
		}                                                                              \
	} while (0)

/* Keep the loop going for ms of real time. */
static void settle(unsigned ms)
{
	uint64_t t0 = mono_ms();

	while (mono_ms() - t0 < ms)
		step();
}

static void skew_all(int64_t ms)
{
	for (int i = 0; i < n_sides; i++)
		sides[i]->skew_ms += ms;
}

/* A on 127.0.0.1 (AS 65001, id 1.1.1.1) and B on 127.0.0.2 (AS 65002, id 2.2.2.2), each with the other as its neighbour. */
static void pair(struct side **a, struct side **b, bool gr_a, bool gr_b, uint16_t hold_a, uint16_t hold_b,
		 bool passive_b_side)
{
	struct bgp_peer_config ca = peer_cfg(B_IP, AS_B, false);
	struct bgp_peer_config cb = peer_cfg(A_IP, AS_A, passive_b_side);

	*a = side_new("A", A_IP, AS_A, "1.1.1.1", gr_a, hold_a);
	*b = side_new("B", B_IP, AS_B, "2.2.2.2", gr_b, hold_b);
	add_peer(*a, &ca);
	add_peer(*b, &cb);
}

static void start_both(struct side *a, struct side *b)
{
	ck_assert_err(bgp_start(b->b), 0);
	ck_assert_err(bgp_start(a->b), 0);
}

static bool both_established(const struct side *a, const struct side *b)
{
	return state0(a) == BGP_ST_ESTABLISHED && state0(b) == BGP_ST_ESTABLISHED;
}

static void up_pair(struct side **a, struct side **b, bool gr_a, bool gr_b, uint16_t hold_a, uint16_t hold_b)
{
	pair(a, b, gr_a, gr_b, hold_a, hold_b, false);
	start_both(*a, *b);
	RUN_UNTIL(both_established(*a, *b));
}

/* ---------------------------------------------------------------------------------------- */
/* Raw peer: a TCP socket the test drives by hand                                           */
/* ---------------------------------------------------------------------------------------- */

struct raw {
	int fd;
	size_t len;
	uint8_t buf[70000];
	uint8_t msg[70000];         /* the last message read, header included */
	uint8_t type;
	size_t body_len;
};

static struct raw *raw_new(int fd)
{
	struct raw *r = calloc(1, sizeof(*r));
	int one = 1;

	ck_assert_ptr_nonnull(r);
	r->fd = fd;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return r;
}

static void raw_free(struct raw *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

static struct raw *raw_connect(const char *src, const char *dst)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	sin.sin_addr.s_addr = ip4(src);
	ck_assert_msg(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "bind %s: %s", src, strerror(errno));
	sin.sin_addr.s_addr = ip4(dst);
	sin.sin_port = htons(PORT);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "connect %s: %s", dst, strerror(errno));
	return raw_new(fd);
}

static int raw_listen(const char *addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sin.sin_addr.s_addr = ip4(addr);
	ck_assert_msg(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "bind %s: %s", addr, strerror(errno));
	ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

/* Accept the speaker's next connection to our listener, running the loop meanwhile. */
static struct raw *raw_accept(int lfd)
{
	int fd;

	RUN_UNTIL((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0);
	return raw_new(fd);
}

static void raw_send(struct raw *r, const uint8_t *buf, size_t len)
{
	ck_assert_int_eq(send(r->fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* The next whole message from the speaker (running the loop meanwhile); false on EOF or reset. */
static bool raw_next(struct raw *r)
{
	uint64_t t0 = mono_ms();

	for (;;) {
		ssize_t n;

		if (r->len >= 19) {
			size_t mlen = (size_t)r->buf[16] << 8 | r->buf[17];

			ck_assert_uint_ge(mlen, 19);
			if (r->len >= mlen) {
				for (int i = 0; i < 16; i++)
					ck_assert_uint_eq(r->buf[i], 0xff);
				memcpy(r->msg, r->buf, mlen);
				r->type = r->buf[18];
				r->body_len = mlen - 19;
				memmove(r->buf, r->buf + mlen, r->len - mlen);
				r->len -= mlen;
				return true;
			}
		}
		ck_assert_msg(mono_ms() - t0 < WAIT_MS, "timed out waiting for a message from the speaker");
		step();
		n = recv(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return false;
		if (n < 0) {
			ck_assert_msg(errno == EAGAIN || errno == EWOULDBLOCK, "recv: %s", strerror(errno));
			continue;
		}
		r->len += (size_t)n;
	}
}

static const uint8_t *raw_expect(struct raw *r, uint8_t type)
{
	ck_assert_msg(raw_next(r), "connection closed while waiting for a message of type %u", type);
	ck_assert_msg(r->type == type, "got message type %u, want %u", r->type, type);
	return r->msg + 19;
}

static void raw_expect_notification(struct raw *r, uint8_t code, uint8_t subcode)
{
	const uint8_t *body = raw_expect(r, BGP_MSG_NOTIFICATION);

	ck_assert_uint_ge(r->body_len, 2);
	ck_assert_msg(body[0] == code && body[1] == subcode, "NOTIFICATION %u/%u, want %u/%u", body[0], body[1], code,
		      subcode);
}

static void raw_expect_eof(struct raw *r)
{
	ck_assert_msg(!raw_next(r), "got a message of type %u, want the connection closed", r->type);
}

static size_t put_hdr(uint8_t *buf, size_t len, uint8_t type)
{
	memset(buf, 0xff, 16);
	buf[16] = (uint8_t)(len >> 8);
	buf[17] = (uint8_t)len;
	buf[18] = type;
	return len;
}

/* An UPDATE of this body, header added. */
static void raw_send_update(struct raw *r, const uint8_t *body, size_t len)
{
	uint8_t buf[4096];

	ck_assert_uint_le(19 + len, sizeof(buf));
	memcpy(buf + 19, body, len);
	raw_send(r, buf, put_hdr(buf, 19 + len, BGP_MSG_UPDATE));
}

struct raw_open {
	uint16_t my_as;
	uint32_t as4;                /* 0: no 4-octet AS capability */
	const char *id;
	uint16_t hold;
	bool mp_evpn, ext_msg;
	uint16_t gr_time;            /* 0: no graceful restart capability; else for EVPN, forwarding kept */
	bool gr_restarting;          /* the R bit: "I have just restarted" */
};

/* An OPEN as FRR sends it: one capability per optional parameter, plus one unknown capability. */
static size_t raw_open_build(uint8_t *buf, const struct raw_open *o)
{
	uint8_t *p = buf + 19, *opt;
	uint32_t id = ip4(o->id);

	*p++ = 4;
	*p++ = (uint8_t)(o->my_as >> 8);
	*p++ = (uint8_t)o->my_as;
	*p++ = (uint8_t)(o->hold >> 8);
	*p++ = (uint8_t)o->hold;
	memcpy(p, &id, 4);
	p += 4;
	opt = p++;
	if (o->mp_evpn) {
		static const uint8_t mp[] = { 2, 6, 1, 4, 0, 25, 0, 70 };

		memcpy(p, mp, sizeof(mp));
		p += sizeof(mp);
	}
	{
		static const uint8_t rr_and_unknown[] = { 2, 2, 2, 0, 2, 4, 99, 2, 0xab, 0xcd };

		memcpy(p, rr_and_unknown, sizeof(rr_and_unknown));
		p += sizeof(rr_and_unknown);
	}
	if (o->as4) {
		*p++ = 2;
		*p++ = 6;
		*p++ = 65;
		*p++ = 4;
		*p++ = (uint8_t)(o->as4 >> 24);
		*p++ = (uint8_t)(o->as4 >> 16);
		*p++ = (uint8_t)(o->as4 >> 8);
		*p++ = (uint8_t)o->as4;
	}
	if (o->ext_msg) {
		*p++ = 2;
		*p++ = 2;
		*p++ = 6;
		*p++ = 0;
	}
	if (o->gr_time) {
		*p++ = 2;
		*p++ = 8;
		*p++ = 64;
		*p++ = 6;
		*p++ = (uint8_t)((o->gr_restarting ? 0x80 : 0) | (o->gr_time >> 8 & 0x0f));
		*p++ = (uint8_t)o->gr_time;
		*p++ = 0;
		*p++ = 25;
		*p++ = 70;
		*p++ = 0x80;
	}
	*opt = (uint8_t)(p - opt - 1);
	return put_hdr(buf, (size_t)(p - buf), BGP_MSG_OPEN);
}

static const struct raw_open raw_open_default = {
	.my_as = AS_RAW, .as4 = AS_RAW, .id = "3.3.3.3", .hold = 90, .mp_evpn = true, .ext_msg = false,
};

static size_t keepalive_build(uint8_t *buf)
{
	return put_hdr(buf, 19, BGP_MSG_KEEPALIVE);
}

/* End-of-RIB for EVPN, by hand: only MP_UNREACH_NLRI 25/70, empty. */
static size_t eor_build(uint8_t *buf)
{
	static const uint8_t body[] = { 0, 0, 0, 6, 0x80, 15, 3, 0, 25, 70 };

	memcpy(buf + 19, body, sizeof(body));
	return put_hdr(buf, 19 + sizeof(body), BGP_MSG_UPDATE);
}

static size_t route_refresh_build(uint8_t *buf, uint16_t afi, uint8_t safi)
{
	buf[19] = (uint8_t)(afi >> 8);
	buf[20] = (uint8_t)afi;
	buf[21] = 0;
	buf[22] = safi;
	return put_hdr(buf, 23, BGP_MSG_ROUTE_REFRESH);
}

/* Does the OPEN body carry the capability bytes cap? */
static bool open_has_cap(const uint8_t *body, size_t len, const uint8_t *cap, size_t cap_len)
{
	for (size_t i = 10; i + cap_len <= len; i++)
		if (!memcmp(body + i, cap, cap_len))
			return true;
	return false;
}

/* Raw peer 127.0.0.3 connects to A, exchanges OPEN and KEEPALIVE: A's neighbour is Established. */
static struct raw *raw_session(struct side *a, const struct raw_open *o)
{
	uint8_t buf[4096];
	struct raw *r = raw_connect(RAW_IP, A_IP);

	raw_expect(r, BGP_MSG_OPEN);
	raw_send(r, buf, raw_open_build(buf, o));
	raw_send(r, buf, keepalive_build(buf));
	raw_expect(r, BGP_MSG_KEEPALIVE);
	RUN_UNTIL(state0(a) == BGP_ST_ESTABLISHED);
	return r;
}

/* A's peer c started, and a raw session with it that FRR's OPEN established. */
static struct raw *raw_started(struct side *a, const struct bgp_peer_config *c)
{
	add_peer(a, c);
	ck_assert_err(bgp_start(a->b), 0);
	return raw_session(a, &raw_open_default);
}

/* ---------------------------------------------------------------------------------------- */
/* Kernel view                                                                              */
/* ---------------------------------------------------------------------------------------- */

/*
 * ESTABLISHED TCP sockets with an end on port 1179 (*total) and how many of them have that
 * end at server:1179, i.e. belong to connections initiated towards server.
 */
static void tcp_established(uint32_t server, int *total, int *to_server)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];

	ck_assert_ptr_nonnull(f);
	*total = *to_server = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned la, lp, ra, rp, st;

		if (sscanf(line, " %*u: %X:%X %X:%X %X", &la, &lp, &ra, &rp, &st) != 5 || st != 1)
			continue;
		if (lp != PORT && rp != PORT)
			continue;
		(*total)++;
		if ((lp == PORT && la == server) || (rp == PORT && ra == server))
			(*to_server)++;
	}
	fclose(f);
}

/* Is the epoll fd quiet (no spurious readiness, e.g. EPOLLOUT left armed)? */
static bool quiet(const struct side *s)
{
	struct pollfd pfd = { .fd = bgp_fd(s->b), .events = POLLIN };

	return poll(&pfd, 1, 0) == 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Fixture                                                                                  */
/* ---------------------------------------------------------------------------------------- */

static void lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ck_assert_int_eq(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert_msg(ioctl(fd, SIOCSIFFLAGS, &ifr) == 0, "bring lo up: %s", strerror(errno));
	close(fd);
}

static void setup(void)
{
	n_sides = 0;
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s", strerror(errno));
	lo_up();
}

static void teardown(void)
{
	for (int i = 0; i < n_sides; i++) {
		bgp_free(sides[i]->b);
		free(sides[i]);
	}
	n_sides = 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Tests                                                                                    */
/* ---------------------------------------------------------------------------------------- */

START_TEST(test_both_active)
{
	struct side *a, *b;
	struct bgp_peer_stats sa, sb;
	uint8_t buf[64];
	int total, to_a;

	pair(&a, &b, true, true, 90, 30, false);
	ck_assert_int_eq(state0(a), BGP_ST_IDLE);
	ck_assert_err(bgp_peer_send(peer0(a), buf, eor_build(buf)), ENOTCONN);
	ck_assert_uint_eq(bgp_peer_count(a->b), 1);
	ck_assert_ptr_null(bgp_peer_at(a->b, 1));
	ck_assert_uint_eq(bgp_peer_config(peer0(a))->addr, ip4(B_IP));
	ck_assert_uint_eq(bgp_local_config(a->b)->asn, AS_A);
	start_both(a, b);
	RUN_UNTIL(both_established(a, b));
	ck_assert_int_eq(a->n_established, 1);
	ck_assert_int_eq(b->n_established, 1);

	sa = stats(a);
	sb = stats(b);
	ck_assert_int_eq(sa.state, BGP_ST_ESTABLISHED);
	ck_assert_uint_eq(sa.established_count, 1);
	ck_assert_uint_ne(sa.established_at, 0);
	ck_assert_uint_eq(sa.hold_time, 30); /* min(90, 30) */
	ck_assert_uint_eq(sb.hold_time, 30);
	ck_assert(sa.as4 && sb.as4 && sa.ext_msg && sb.ext_msg && sa.gr && sb.gr);
	ck_assert_uint_eq(sa.peer_open.asn, AS_B);
	ck_assert_uint_eq(sa.peer_open.bgp_id, ip4("2.2.2.2"));
	ck_assert_uint_eq(sb.peer_open.bgp_id, ip4("1.1.1.1"));
	ck_assert_uint_eq(sb.peer_open.hold_time, 90);
	ck_assert(sb.peer_open.caps.mp_evpn && sb.peer_open.caps.route_refresh && sb.peer_open.caps.gr_evpn);
	ck_assert(sb.peer_open.caps.gr_evpn_fwd && !sb.peer_open.caps.gr_restarting);
	ck_assert_uint_eq(sb.peer_open.caps.gr_time, 77);
	ck_assert_uint_eq(sa.msgs_in[BGP_MSG_OPEN], 1);
	ck_assert_uint_ge(sa.msgs_out[BGP_MSG_OPEN], 1);
	ck_assert_uint_ge(sa.msgs_in[BGP_MSG_KEEPALIVE], 1);
	ck_assert_uint_ge(sa.msgs_out[BGP_MSG_KEEPALIVE], 1);
	ck_assert(!bgp_peer_is_ibgp(peer0(a)));
	ck_assert(bgp_peer_as4(peer0(a)));
	ck_assert_uint_eq(bgp_peer_max_msg(peer0(a)), 65535);
	ck_assert(has_log(a, "127.0.0.2", "-> Established"));

	/* It stays up, on exactly one TCP connection, and nothing is left to do. */
	settle(300);
	ck_assert(both_established(a, b));
	ck_assert_uint_eq(stats(a).established_count, 1);
	ck_assert_uint_eq(stats(b).established_count, 1);
	tcp_established(ip4(A_IP), &total, &to_a);
	ck_assert_int_eq(total, 2);
	ck_assert_uint_eq(bgp_peer_pending(peer0(a)), 0);
	bgp_process(a->b);
	bgp_process(b->b);
	ck_assert(quiet(a) && quiet(b));
}
END_TEST

START_TEST(test_one_passive)
{
	struct side *a, *b;
	int total, to_b;

	pair(&a, &b, false, false, 90, 90, true);
	ck_assert_err(bgp_start(b->b), 0);
	ck_assert_err(bgp_start(b->b), EALREADY);
	ck_assert_int_eq(state0(b), BGP_ST_ACTIVE);
	settle(50);
	ck_assert_int_eq(state0(b), BGP_ST_ACTIVE); /* passive: never connects */
	ck_assert_err(bgp_start(a->b), 0);
	RUN_UNTIL(both_established(a, b));
	ck_assert_int_eq(a->n_established, 1);
	ck_assert_int_eq(b->n_established, 1);
	ck_assert(!stats(a).gr && !stats(b).gr);
	ck_assert_uint_eq(stats(a).hold_time, 90);
	/* The only connection is A's, to B's listener. */
	tcp_established(ip4(B_IP), &total, &to_b);
	ck_assert_int_eq(total, 2);
	ck_assert_int_eq(to_b, 2);
}
END_TEST

START_TEST(test_keepalives)
{
	struct side *a, *b;

	up_pair(&a, &b, false, false, 30, 30);
	/* 10 keepalive intervals (100 s, hold 30 s): the keepalives keep resetting the hold timers. */
	for (int i = 0; i < 10; i++) {
		struct bgp_peer_stats a0 = stats(a), b0 = stats(b);

		skew_all(10000);
		RUN_UNTIL(stats(a).msgs_in[BGP_MSG_KEEPALIVE] > a0.msgs_in[BGP_MSG_KEEPALIVE] &&
			  stats(b).msgs_in[BGP_MSG_KEEPALIVE] > b0.msgs_in[BGP_MSG_KEEPALIVE]);
		ck_assert_uint_gt(stats(a).msgs_out[BGP_MSG_KEEPALIVE], a0.msgs_out[BGP_MSG_KEEPALIVE]);
		ck_assert_uint_gt(stats(b).msgs_out[BGP_MSG_KEEPALIVE], b0.msgs_out[BGP_MSG_KEEPALIVE]);
	}
	ck_assert(both_established(a, b));
	ck_assert_uint_eq(stats(a).established_count, 1);
	ck_assert_uint_eq(stats(b).established_count, 1);
	ck_assert_int_eq(a->n_down, 0);
}
END_TEST

/* Hold timer expiry with GR on both sides, on A only, on neither. */
static const struct {
	bool gr_a, gr_b, graceful;
} hold_cases[] = { { true, true, true }, { true, false, false }, { false, false, false } };

START_TEST(test_hold_expiry)
{
	struct side *a, *b;
	struct bgp_peer_stats sa, sb;

	up_pair(&a, &b, hold_cases[_i].gr_a, hold_cases[_i].gr_b, 3, 3);
	ck_assert_uint_eq(stats(a).hold_time, 3);
	b->frozen = true;
	a->skew_ms += 3100;
	RUN_UNTIL(state0(a) != BGP_ST_ESTABLISHED);
	sa = stats(a);
	ck_assert_uint_eq(sa.last_notif_sent[0], BGP_ERR_HOLD_TIMER);
	ck_assert_uint_eq(sa.last_notif_sent[1], 0);
	ck_assert_msg(strstr(sa.last_error, "hold timer") && strstr(sa.last_error, B_IP), "last_error '%s'",
		      sa.last_error);
	ck_assert_int_eq(a->n_down, 1);
	ck_assert_int_eq(a->last_graceful, hold_cases[_i].graceful);
	ck_assert_uint_eq(a->last_restart_time, hold_cases[_i].graceful ? 77 : 0);
	ck_assert_int_eq(state0(a), BGP_ST_IDLE);

	/* B wakes up to the NOTIFICATION: a NOTIFICATION is never graceful. */
	b->frozen = false;
	RUN_UNTIL(b->n_down == 1);
	sb = stats(b);
	ck_assert_uint_eq(sb.last_notif_rcvd[0], BGP_ERR_HOLD_TIMER);
	ck_assert_uint_eq(sb.last_notif_rcvd[1], 0);
	ck_assert(!b->last_graceful);
	ck_assert(has_log(b, "127.0.0.1 sent NOTIFICATION 4/0", NULL));
}
END_TEST

START_TEST(test_bad_peer_as)
{
	struct side *a, *b;
	struct bgp_peer_config ca = peer_cfg(B_IP, 65099, false);
	struct bgp_peer_config cb = peer_cfg(A_IP, AS_A, false);

	a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	b = side_new("B", B_IP, AS_B, "2.2.2.2", false, 90);
	add_peer(a, &ca);
	add_peer(b, &cb);
	start_both(a, b);
	RUN_UNTIL(stats(a).last_notif_sent[0] == 2 && stats(b).last_notif_rcvd[0] == 2);
	ck_assert_uint_eq(stats(a).last_notif_sent[1], 2);
	ck_assert_uint_eq(stats(b).last_notif_rcvd[1], 2);
	settle(100);
	ck_assert_uint_eq(stats(a).established_count, 0);
	ck_assert_uint_eq(stats(b).established_count, 0);
	ck_assert_int_eq(a->n_established + b->n_established, 0);
	ck_assert(has_log(a, "65002", "65099"));
}
END_TEST

START_TEST(test_no_mp_evpn)
{
	static const uint8_t mp_evpn[] = { 1, 4, 0, 25, 0, 70 };
	static const uint8_t as4_cap[] = { 65, 4, 0, 0, 0xfd, 0xe9 };
	static const uint8_t gr_cap[] = { 64, 6, 0, 77, 0, 25, 70, 0x80 };
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, true);
	struct raw_open o = raw_open_default;
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", true, 90);
	const uint8_t *body;
	uint8_t buf[4096];
	struct raw *r;

	add_peer(a, &c);
	ck_assert_err(bgp_start(a->b), 0);
	r = raw_connect(RAW_IP, A_IP);
	/* A's OPEN: version 4, AS, hold, id, and the capabilities an EVPN speaker needs. */
	body = raw_expect(r, BGP_MSG_OPEN);
	ck_assert_uint_eq(body[0], 4);
	ck_assert_uint_eq((unsigned)body[1] << 8 | body[2], AS_A);
	ck_assert_uint_eq((unsigned)body[3] << 8 | body[4], 90);
	ck_assert(!memcmp(body + 5, (uint8_t[]){ 1, 1, 1, 1 }, 4));
	ck_assert(open_has_cap(body, r->body_len, mp_evpn, sizeof(mp_evpn)));
	ck_assert(open_has_cap(body, r->body_len, as4_cap, sizeof(as4_cap)));
	ck_assert(open_has_cap(body, r->body_len, gr_cap, sizeof(gr_cap)));

	o.mp_evpn = false;
	raw_send(r, buf, raw_open_build(buf, &o));
	body = raw_expect(r, BGP_MSG_NOTIFICATION);
	ck_assert_uint_eq(body[0], 2);
	ck_assert_uint_eq(body[1], 7);
	ck_assert_uint_eq(r->body_len, 2 + sizeof(mp_evpn));
	ck_assert(!memcmp(body + 2, mp_evpn, sizeof(mp_evpn)));
	raw_expect_eof(r);
	raw_free(r);
	ck_assert_uint_eq(stats(a).last_notif_sent[0], 2);
	ck_assert_uint_eq(stats(a).last_notif_sent[1], 7);
	ck_assert_int_ne(state0(a), BGP_ST_ESTABLISHED);
	ck_assert_int_eq(a->n_established, 0);
}
END_TEST

START_TEST(test_as4)
{
	struct side *a, *b;
	struct bgp_peer_config ca = peer_cfg(B_IP, 4200000001u, false);
	struct bgp_peer_config cb = peer_cfg(A_IP, 4200000000u, false);
	struct bgp_peer_stats st;

	a = side_new("A", A_IP, 4200000000u, "1.1.1.1", false, 90);
	b = side_new("B", B_IP, 4200000001u, "2.2.2.2", false, 90);
	add_peer(a, &ca);
	add_peer(b, &cb);
	start_both(a, b);
	RUN_UNTIL(both_established(a, b));
	st = stats(a);
	ck_assert(st.as4 && bgp_peer_as4(peer0(a)));
	ck_assert_uint_eq(st.peer_open.asn, 4200000001u);
	ck_assert_uint_eq(st.peer_open.my_as, BGP_AS_TRANS);
	ck_assert_uint_eq(stats(b).peer_open.asn, 4200000000u);
}
END_TEST

START_TEST(test_update_and_refresh)
{
	struct side *a, *b;
	uint8_t buf[4096];
	size_t len;

	up_pair(&a, &b, true, true, 90, 90);
	/* End-of-RIB, built by hand. */
	ck_assert_err(bgp_peer_send(peer0(a), buf, eor_build(buf)), 0);
	RUN_UNTIL(b->n_update == 1);
	ck_assert(b->last_u.end_of_rib_evpn);
	ck_assert_uint_eq(stats(b).msgs_in[BGP_MSG_UPDATE], 1);
	ck_assert_uint_eq(stats(a).msgs_out[BGP_MSG_UPDATE], 1);

	/* A type-3 route through the codec. */
	{
		struct bgp_attrs attrs;
		struct evpn_route rt;
		size_t done = 0;

		memset(&attrs, 0, sizeof(attrs));
		memset(&rt, 0, sizeof(rt));
		attrs.has_origin = true;
		attrs.has_as_path = true;
		attrs.as_path_len = 1;
		attrs.as_path[0] = AS_A;
		attrs.mp_nh_len = 4;
		memcpy(attrs.mp_nh, (uint8_t[]){ 10, 0, 0, 1 }, 4);
		attrs.n_ext_comm = 1;
		attrs.ext_comm[0] = evpn_ec_rt_as2(AS_A, 100);
		attrs.has_pmsi = true;
		attrs.pmsi_tunnel_type = 6;
		attrs.pmsi_label = 100;
		attrs.pmsi_endpoint_len = 4;
		memcpy(attrs.pmsi_endpoint, (uint8_t[]){ 10, 0, 0, 1 }, 4);
		rt.type = EVPN_RT_IMET;
		evpn_rd_type1(rt.rd, ip4("10.0.0.1"), 100);
		rt.ip_len = 32;
		memcpy(rt.ip, (uint8_t[]){ 10, 0, 0, 1 }, 4);
		len = bgp_update_encode_evpn(buf, bgp_peer_max_msg(peer0(a)), &attrs, &rt, 1, false, true, &done);
		ck_assert_uint_gt(len, 0);
		ck_assert_uint_eq(done, 1);
		ck_assert_err(bgp_peer_send(peer0(a), buf, len), 0);
		RUN_UNTIL(b->n_update == 2);
		ck_assert_uint_eq(b->last_u.n_reach, 1);
		ck_assert_uint_eq(b->first_reach.type, EVPN_RT_IMET);
		ck_assert(!memcmp(b->first_reach.rd, rt.rd, 8));
		ck_assert(!memcmp(b->first_reach.ip, rt.ip, 4));
	}

	/* ROUTE-REFRESH for EVPN reaches ops->refresh; one for IPv4 unicast is ignored. */
	ck_assert_err(bgp_peer_send(peer0(a), buf, route_refresh_build(buf, 1, 1)), 0);
	ck_assert_err(bgp_peer_send(peer0(a), buf, route_refresh_build(buf, 25, 70)), 0);
	RUN_UNTIL(b->n_refresh == 1 && stats(b).msgs_in[BGP_MSG_ROUTE_REFRESH] == 2);
	settle(50);
	ck_assert_int_eq(b->n_refresh, 1);

	/* Messages that are not whole messages are refused. */
	ck_assert_err(bgp_peer_send(peer0(a), buf, 10), EINVAL);
	len = eor_build(buf);
	ck_assert_err(bgp_peer_send(peer0(a), buf, len - 1), EINVAL);
	ck_assert_err(bgp_peer_send(peer0(a), buf, len + 5), EINVAL);
	buf[17] = 5;
	ck_assert_err(bgp_peer_send(peer0(a), buf, len), EINVAL);
	ck_assert(both_established(a, b));
	ck_assert_int_eq(b->n_update, 2);
}
END_TEST

START_TEST(test_malformed_update)
{
	/* Total path attribute length 200 in a 10-byte body: a lie RFC 7606 does not let us survive. */
	static const uint8_t bad_body[] = { 0, 0, 0, 200, 0x40, 1, 1, 0, 0x40, 2 };
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, false);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", true, 90);
	int lfd = raw_listen(RAW_IP), fd;
	struct bgp_peer_stats st;
	uint8_t buf[4096];
	struct raw *r;

	add_peer(a, &c);
	ck_assert_err(bgp_start(a->b), 0);
	r = raw_accept(lfd); /* A connects to us */
	raw_expect(r, BGP_MSG_OPEN);
	raw_send(r, buf, raw_open_build(buf, &raw_open_default));
	raw_send(r, buf, keepalive_build(buf));
	raw_expect(r, BGP_MSG_KEEPALIVE);
	RUN_UNTIL(state0(a) == BGP_ST_ESTABLISHED);

	raw_send_update(r, bad_body, sizeof(bad_body));
	raw_expect_notification(r, BGP_ERR_UPDATE, 1);
	raw_expect_eof(r);
	raw_free(r);
	st = stats(a);
	ck_assert_int_eq(st.state, BGP_ST_IDLE);
	ck_assert_uint_eq(st.updates_rejected, 1);
	ck_assert_uint_eq(st.last_notif_sent[0], 3);
	ck_assert_uint_eq(st.last_notif_sent[1], 1);
	ck_assert_int_eq(a->n_down, 1);
	ck_assert(!a->last_graceful);
	ck_assert_int_eq(a->n_update, 0);
	ck_assert(has_log(a, "peer 127.0.0.3", "UPDATE rejected"));

	/* No reconnection before connect-retry (2 s) ... */
	settle(100);
	ck_assert_int_lt(accept4(lfd, NULL, NULL, SOCK_CLOEXEC), 0);
	ck_assert_int_eq(state0(a), BGP_ST_IDLE);
	/* ... and one after it. */
	a->skew_ms += 2100;
	RUN_UNTIL((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0);
	r = raw_new(fd);
	raw_expect(r, BGP_MSG_OPEN);
	ck_assert_int_eq(state0(a), BGP_ST_OPENSENT);
	raw_free(r);
	close(lfd);
}
END_TEST

/*
 * RFC 7606 section 4: an UPDATE whose last attribute runs past the end of the path attributes,
 * after the MP_REACH_NLRI that holds its route. The route can still be located: the session
 * stays up and the update goes up as treat-as-withdraw (it used to be reset with 3/1).
 */
START_TEST(test_attr_overrun_treat_as_withdraw)
{
	static const uint8_t body[] = {
		0, 0,                                              /* no withdrawn routes */
		0, 0x40,                                           /* 64 bytes of attributes */
		0x80, 14, 0x2c, 0, 25, 70, 4, 10, 0, 0, 2, 0,      /* MP_REACH_NLRI, next hop 10.0.0.2 */
		2, 0x21, 0, 1, 10, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, 2, 0, 0, 0, 0, 2,
		0, 0, 0, 100,                                      /* type 2, MAC 02:00:00:00:00:02, VNI 100 */
		0x40, 1, 1, 0,                                     /* ORIGIN */
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xeb,                /* AS_PATH 65003 */
		0xc0, 16, 0xff, 0,                                 /* EXTENDED_COMMUNITIES: 255 bytes, 1 there */
	};
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, true);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	struct bgp_peer_stats st;
	struct raw *r;

	r = raw_started(a, &c);
	raw_send_update(r, body, sizeof(body));
	RUN_UNTIL(a->n_update == 1);
	ck_assert_int_eq(a->last_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
	ck_assert_ptr_nonnull(strstr(a->last_u.attrs.action_reason, "overruns the attribute area"));
	ck_assert_uint_eq(a->last_u.n_reach, 1);          /* located, to be withdrawn */
	ck_assert_uint_eq(a->first_reach.label1, 100);
	settle(50);
	st = stats(a);
	ck_assert_int_eq(st.state, BGP_ST_ESTABLISHED);
	ck_assert_uint_eq(st.treat_as_withdraw, 1);
	ck_assert_uint_eq(st.updates_rejected, 0);
	ck_assert_uint_eq(st.msgs_out[BGP_MSG_NOTIFICATION], 0);
	ck_assert_int_eq(a->n_down, 0);
	raw_free(r);
}
END_TEST

/*
 * A type-5 route whose length byte still delimits it but whose content is malformed
 * (length 33; prefix length 33 in an IPv4 route) is discarded, counted and logged with the
 * peer; the type-2 route beside it goes up, the session stays (no NOTIFICATION).
 */
START_TEST(test_malformed_type5_kept_session)
{
	static const uint8_t body[] = {
		0, 0,                                              /* no withdrawn routes */
		0, 0x8e,                                           /* 142 bytes of attributes */
		0x40, 1, 1, 0,                                     /* ORIGIN */
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xeb,                /* AS_PATH 65003 */
		0x80, 14, 0x73, 0, 25, 70, 4, 10, 0, 0, 2, 0,      /* MP_REACH_NLRI, next hop 10.0.0.2 */
		2, 0x21, 0, 1, 10, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, 2, 0, 0, 0, 0, 2,
		0, 0, 0, 100,                                      /* type 2, MAC 02:00:00:00:00:02, VNI 100 */
		5, 0x21, 0, 1, 1, 1, 1, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 10, 1, 0, 0,
		0, 0, 0, 0, 0x0d, 0xbb,                            /* type 5 of 33 bytes: no room for its label */
		5, 0x22, 0, 1, 1, 1, 1, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 33, 10, 1, 0, 0,
		0, 0, 0, 0, 0x0d, 0xbb, 0xa1,                      /* type 5, IPv4 prefix length 33 */
		0xc0, 16, 8, 0, 2, 0xfd, 0xe8, 0, 0, 0, 100,       /* RT 65000:100 */
	};
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, true);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	struct bgp_peer_stats st;
	struct raw *r;

	r = raw_started(a, &c);
	raw_send_update(r, body, sizeof(body));
	RUN_UNTIL(a->n_update == 1);
	ck_assert_int_eq(a->last_u.attrs.action, BGP_ATTR_OK);
	ck_assert_uint_eq(a->last_u.n_reach, 1);
	ck_assert_uint_eq(a->first_reach.type, EVPN_RT_MAC_IP);
	ck_assert_uint_eq(a->last_u.n_evpn_malformed, 2);
	settle(50);
	st = stats(a);
	ck_assert_int_eq(st.state, BGP_ST_ESTABLISHED);
	ck_assert_uint_eq(st.evpn_malformed, 2);
	ck_assert_uint_eq(st.updates_rejected, 0);
	ck_assert_uint_eq(st.treat_as_withdraw, 0);
	ck_assert_uint_eq(st.msgs_out[BGP_MSG_NOTIFICATION], 0);
	ck_assert_int_eq(a->n_down, 0);
	ck_assert(has_log(a, "peer 127.0.0.3", "2 malformed EVPN routes treated as withdrawn"));
	ck_assert(has_log(a, "peer 127.0.0.3", "type-5 length is not 34"));
	raw_free(r);
}
END_TEST

/* Lines logged that hold both strings (defined further down). */
static int count_log(const struct side *s, const char *a, const char *b);

/*
 * RFC 7606 at the session: the peer advertises MACs :02 and :03, then sends one UPDATE with
 * a malformed :03 (its label cut to 2 bytes) beside a good :04. The session stays Established
 * (no NOTIFICATION, no down), :04 goes up as advertised and :03 as withdrawn, the counters
 * say why, and the log names the peer; the same UPDATE again and again is logged once per
 * 10 s, the lines held back counted and reported with the next.
 */
START_TEST(test_malformed_route_withdrawn_session_stays)
{
	static const uint8_t good[] = {
		0, 0, 0, 0x6a,
		0x40, 1, 1, 0,                                     /* ORIGIN */
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xeb,                /* AS_PATH 65003 */
		0x80, 14, 0x4f, 0, 25, 70, 4, 10, 0, 0, 2, 0,      /* MP_REACH_NLRI, next hop 10.0.0.2 */
		2, 0x21, 0, 1, 10, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, 2, 0, 0, 0, 0, 2,
		0, 0, 0, 100,                                      /* type 2, MAC :02, VNI 100 */
		2, 0x21, 0, 1, 10, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, 2, 0, 0, 0, 0, 3,
		0, 0, 0, 100,                                      /* type 2, MAC :03, VNI 100 */
		0xc0, 16, 8, 0, 2, 0xfd, 0xe8, 0, 0, 0, 100,       /* RT 65000:100 */
	};
	static const uint8_t mixed[] = {
		0, 0, 0, 0x69,
		0x40, 1, 1, 0,
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xeb,
		0x80, 14, 0x4e, 0, 25, 70, 4, 10, 0, 0, 2, 0,
		2, 0x20, 0, 1, 10, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, 2, 0, 0, 0, 0, 3,
		0, 0, 0,                                           /* type 2, MAC :03, label cut to 2 bytes */
		2, 0x21, 0, 1, 10, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, 2, 0, 0, 0, 0, 4,
		0, 0, 0, 100,                                      /* type 2, MAC :04, VNI 100 */
		0xc0, 16, 8, 0, 2, 0xfd, 0xe8, 0, 0, 0, 100,
	};
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, true);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	struct bgp_peer_stats st;
	struct raw *r;

	r = raw_started(a, &c);
	raw_send_update(r, good, sizeof(good));
	RUN_UNTIL(a->n_update == 1);
	ck_assert_uint_eq(a->last_u.n_reach, 2);

	raw_send_update(r, mixed, sizeof(mixed));
	RUN_UNTIL(a->n_update == 2);
	ck_assert_int_eq(a->last_u.attrs.action, BGP_ATTR_OK);
	ck_assert_uint_eq(a->last_u.n_reach, 1);
	ck_assert_uint_eq(a->first_reach.mac[5], 4);
	ck_assert_uint_eq(a->first_reach.label1, 100);
	ck_assert_uint_eq(a->last_u.n_unreach, 1);
	ck_assert_uint_eq(a->first_unreach.type, EVPN_RT_MAC_IP);
	ck_assert_uint_eq(a->first_unreach.mac[5], 3);
	settle(50);
	st = stats(a);
	ck_assert_int_eq(st.state, BGP_ST_ESTABLISHED);
	ck_assert_uint_eq(st.msgs_out[BGP_MSG_NOTIFICATION], 0);
	ck_assert_int_eq(a->n_down, 0);
	ck_assert_uint_eq(st.updates_rejected, 0);
	ck_assert_uint_eq(st.treat_as_withdraw, 0);
	ck_assert_uint_eq(st.evpn_malformed, 1);
	ck_assert_uint_eq(st.evpn_bad[EVPN_NLRI_BAD_LENGTH], 1);
	ck_assert_uint_eq(st.evpn_bad_withdrawn, 1);
	ck_assert_int_eq(count_log(a, "peer 127.0.0.3", "1 malformed EVPN routes treated as withdrawn"), 1);
	ck_assert(has_log(a, "peer 127.0.0.3", "type-2 length does not fit its IP length and labels"));

	/* twice more at once: counted, not logged */
	raw_send_update(r, mixed, sizeof(mixed));
	raw_send_update(r, mixed, sizeof(mixed));
	RUN_UNTIL(a->n_update == 4);
	st = stats(a);
	ck_assert_uint_eq(st.evpn_malformed, 3);
	ck_assert_uint_eq(st.bad_logs_suppressed, 2);
	ck_assert_int_eq(count_log(a, "peer 127.0.0.3", "malformed EVPN routes"), 1);
	/* 10 s later the next one is logged, with the count of those held back */
	a->skew_ms += 10500;
	step();
	raw_send_update(r, mixed, sizeof(mixed));
	RUN_UNTIL(a->n_update == 5);
	ck_assert_int_eq(count_log(a, "peer 127.0.0.3", "malformed EVPN routes"), 2);
	ck_assert(has_log(a, "peer 127.0.0.3", "[2 more not logged]"));
	ck_assert_int_eq(stats(a).state, BGP_ST_ESTABLISHED);
	raw_free(r);
}
END_TEST

/* Whole messages written in pieces, and several messages in one write. */
START_TEST(test_split_messages)
{
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, true);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	struct raw_open o = raw_open_default;
	uint8_t buf[4096];
	struct raw *r;
	size_t len;

	add_peer(a, &c);
	ck_assert_err(bgp_start(a->b), 0);
	r = raw_connect(RAW_IP, A_IP);
	raw_expect(r, BGP_MSG_OPEN);
	o.as4 = 0; /* a 2-octet-AS speaker */
	len = raw_open_build(buf, &o);
	for (size_t i = 0; i < len; i++) {
		raw_send(r, buf + i, 1);
		step();
		step();
		if (i + 1 < len)
			ck_assert_int_eq(state0(a), BGP_ST_OPENSENT);
	}
	RUN_UNTIL(state0(a) == BGP_ST_OPENCONFIRM);
	raw_expect(r, BGP_MSG_KEEPALIVE);

	/* KEEPALIVE + End-of-RIB + KEEPALIVE in one buffer, cut in odd places. */
	len = keepalive_build(buf);
	len += eor_build(buf + len);
	len += keepalive_build(buf + len);
	raw_send(r, buf, 7);
	settle(20);
	ck_assert_int_eq(state0(a), BGP_ST_OPENCONFIRM);
	raw_send(r, buf + 7, 20);
	RUN_UNTIL(state0(a) == BGP_ST_ESTABLISHED);
	settle(20);
	ck_assert_int_eq(a->n_update, 0);
	raw_send(r, buf + 27, len - 27);
	RUN_UNTIL(a->n_update == 1 && stats(a).msgs_in[BGP_MSG_KEEPALIVE] == 2);
	ck_assert(a->last_u.end_of_rib_evpn);
	ck_assert(!bgp_peer_as4(peer0(a)));
	ck_assert_uint_eq(stats(a).peer_open.asn, AS_RAW);
	ck_assert_uint_eq(bgp_peer_max_msg(peer0(a)), 4096); /* the raw peer did not offer extended messages */
	raw_free(r);
}
END_TEST

/* Each bad message from the raw peer gets its NOTIFICATION, then the connection closes. */
START_TEST(test_raw_errors)
{
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, true);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	uint8_t buf[8192];
	struct raw *r;
	size_t len;

	add_peer(a, &c);
	ck_assert_err(bgp_start(a->b), 0);

	/* Bad marker: 1/1. */
	r = raw_connect(RAW_IP, A_IP);
	raw_expect(r, BGP_MSG_OPEN);
	len = keepalive_build(buf);
	buf[3] = 0;
	raw_send(r, buf, len);
	raw_expect_notification(r, BGP_ERR_HEADER, 1);
	raw_expect_eof(r);
	raw_free(r);

	/* KEEPALIVE before OPEN: FSM error in OpenSent, 5/1. */
	r = raw_connect(RAW_IP, A_IP);
	raw_expect(r, BGP_MSG_OPEN);
	raw_send(r, buf, keepalive_build(buf));
	raw_expect_notification(r, BGP_ERR_FSM, 1);
	raw_expect_eof(r);
	raw_free(r);

	/* UPDATE in OpenConfirm: 5/2. */
	r = raw_connect(RAW_IP, A_IP);
	raw_expect(r, BGP_MSG_OPEN);
	raw_send(r, buf, raw_open_build(buf, &raw_open_default));
	raw_expect(r, BGP_MSG_KEEPALIVE);
	raw_send(r, buf, eor_build(buf));
	raw_expect_notification(r, BGP_ERR_FSM, 2);
	raw_expect_eof(r);
	raw_free(r);

	/* A second OPEN in Established: 5/3. */
	r = raw_session(a, &raw_open_default);
	raw_send(r, buf, raw_open_build(buf, &raw_open_default));
	raw_expect_notification(r, BGP_ERR_FSM, 3);
	raw_expect_eof(r);
	raw_free(r);
	RUN_UNTIL(a->n_down == 1);

	/* A 5000-byte message without extended messages: 1/2. */
	r = raw_session(a, &raw_open_default);
	memset(buf + 19, 0, 5000 - 19);
	raw_send(r, buf, put_hdr(buf, 5000, BGP_MSG_UPDATE));
	raw_expect_notification(r, BGP_ERR_HEADER, 2);
	raw_expect_eof(r);
	raw_free(r);

	/* Bad hold time: 2/6; our own BGP identifier: 2/3; bad AS: 2/2. */
	{
		struct raw_open bad_hold = raw_open_default, bad_id = raw_open_default, bad_as = raw_open_default;
		const struct raw_open *bad[] = { &bad_hold, &bad_id, &bad_as };
		const uint8_t want[] = { 6, 3, 2 };

		bad_hold.hold = 2;
		bad_id.id = "1.1.1.1";
		bad_as.as4 = 65004;
		for (int i = 0; i < 3; i++) {
			r = raw_connect(RAW_IP, A_IP);
			raw_expect(r, BGP_MSG_OPEN);
			raw_send(r, buf, raw_open_build(buf, bad[i]));
			raw_expect_notification(r, BGP_ERR_OPEN, want[i]);
			raw_expect_eof(r);
			raw_free(r);
		}
	}
	ck_assert_int_eq(a->n_established, 2);
	ck_assert_int_eq(a->n_down, 2);

	/* With extended messages negotiated, a 4998-byte UPDATE (IPv4 withdrawals) is fine. */
	{
		struct raw_open ext = raw_open_default;
		size_t body = 4998 - 19 - 4; /* 995 IPv4 /32 withdrawals */

		ext.ext_msg = true;
		r = raw_session(a, &ext);
		ck_assert_uint_eq(bgp_peer_max_msg(peer0(a)), 65535);
		buf[19] = (uint8_t)(body >> 8);
		buf[20] = (uint8_t)body;
		for (size_t i = 0; i < body / 5; i++)
			memcpy(buf + 21 + i * 5, (uint8_t[]){ 32, 10, 1, (uint8_t)(i >> 8), (uint8_t)i }, 5);
		buf[21 + body] = 0;
		buf[22 + body] = 0;
		raw_send(r, buf, put_hdr(buf, 4998, BGP_MSG_UPDATE));
		RUN_UNTIL(a->n_update == 1);
		ck_assert_int_eq(state0(a), BGP_ST_ESTABLISHED);
		raw_free(r);
	}
}
END_TEST

/* Both speakers connect at once: one session survives, on the connection of the higher BGP id. */
static const char *const collision_ids[][2] = { { "1.1.1.1", "2.2.2.2" }, { "9.9.9.9", "2.2.2.2" } };

START_TEST(test_collision)
{
	struct bgp_peer_config ca = peer_cfg(B_IP, AS_B, false);
	struct bgp_peer_config cb = peer_cfg(A_IP, AS_A, false);
	struct side *a = side_new("A", A_IP, AS_A, collision_ids[_i][0], false, 90);
	struct side *b = side_new("B", B_IP, AS_B, collision_ids[_i][1], false, 90);
	bool a_wins = ntohl(ip4(collision_ids[_i][0])) > ntohl(ip4(collision_ids[_i][1]));
	struct bgp_peer_stats sa, sb;
	int total, to_loser;

	/* Both listen first, then both connect before either processes anything. */
	start_both(a, b);
	add_peer(a, &ca);
	add_peer(b, &cb);
	ck_assert_int_eq(state0(a), BGP_ST_CONNECT);
	ck_assert_int_eq(state0(b), BGP_ST_CONNECT);
	RUN_UNTIL(both_established(a, b));
	settle(300);
	ck_assert(both_established(a, b));
	sa = stats(a);
	sb = stats(b);
	ck_assert_uint_eq(sa.established_count, 1);
	ck_assert_uint_eq(sb.established_count, 1);
	ck_assert_int_eq(a->n_down + b->n_down, 0);
	/* The loser's connection got Cease/7. */
	ck_assert_msg((sa.last_notif_sent[0] == 6 && sa.last_notif_sent[1] == 7) ||
			      (sb.last_notif_sent[0] == 6 && sb.last_notif_sent[1] == 7),
		      "no Cease/7 sent: A %u/%u, B %u/%u", sa.last_notif_sent[0], sa.last_notif_sent[1],
		      sb.last_notif_sent[0], sb.last_notif_sent[1]);
	ck_assert(has_log(a, "collision", NULL) && has_log(b, "collision", NULL));
	/* Exactly one connection is left: the winner's, i.e. the one made to the loser's listener. */
	tcp_established(ip4(a_wins ? B_IP : A_IP), &total, &to_loser);
	ck_assert_int_eq(total, 2);
	ck_assert_int_eq(to_loser, 2);
}
END_TEST

/* Without graceful restart negotiated, a second connection from an established peer is refused. */
START_TEST(test_reject_while_established)
{
	struct side *a, *b;
	struct raw *r;

	up_pair(&a, &b, false, false, 90, 90);
	/* A second connection "from B" (B's address, another port). */
	r = raw_connect(B_IP, A_IP);
	raw_expect_notification(r, BGP_ERR_CEASE, 7);
	raw_expect_eof(r);
	raw_free(r);
	settle(100);
	ck_assert(both_established(a, b));
	ck_assert_uint_eq(stats(a).established_count, 1);
	ck_assert_int_eq(a->n_down, 0);

	/* An unknown source is closed straight away. */
	r = raw_connect("127.0.0.9", A_IP);
	raw_expect_eof(r);
	raw_free(r);
	ck_assert(has_log(a, "127.0.0.9", NULL));
	ck_assert(both_established(a, b));
}
END_TEST

/*
 * Graceful restart, RFC 4724 section 4.2: a GR peer restarts and connects again while A still
 * holds the old session. A answers the new connection with its OPEN (not Cease/7), keeps the
 * old session until the new OPEN arrives, then ends it as a graceful loss (its routes become
 * stale: down(graceful, the peer's restart time)) and carries on with the new connection.
 * _i 0: the old session was A's own connection to the peer; 1: the peer's connection to A.
 */
START_TEST(test_gr_peer_reconnects)
{
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, _i == 1);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", true, 90);
	struct raw_open o = raw_open_default;
	struct raw *old, *r;
	uint8_t buf[4096];
	int lfd = -1;

	o.gr_time = 45;
	add_peer(a, &c);
	if (_i == 0) {
		lfd = raw_listen(RAW_IP);
		ck_assert_err(bgp_start(a->b), 0);
		old = raw_accept(lfd);
		raw_expect(old, BGP_MSG_OPEN);
		raw_send(old, buf, raw_open_build(buf, &o));
		raw_send(old, buf, keepalive_build(buf));
		raw_expect(old, BGP_MSG_KEEPALIVE);
		RUN_UNTIL(state0(a) == BGP_ST_ESTABLISHED);
	} else {
		ck_assert_err(bgp_start(a->b), 0);
		old = raw_session(a, &o);
	}
	ck_assert(stats(a).gr);
	ck_assert_uint_eq(stats(a).established_count, 1);

	/* The peer is back on a new connection; the old one was never closed. */
	r = raw_connect(RAW_IP, A_IP);
	raw_expect(r, BGP_MSG_OPEN);
	settle(100);
	ck_assert_int_eq(state0(a), BGP_ST_ESTABLISHED);   /* the old session stands until the OPEN */
	ck_assert_int_eq(a->n_down, 0);
	ck_assert(has_log(a, "graceful restart", NULL));

	o.gr_restarting = true;
	raw_send(r, buf, raw_open_build(buf, &o));
	raw_expect(r, BGP_MSG_KEEPALIVE);
	ck_assert_int_eq(a->n_down, 1);
	ck_assert(a->last_graceful);
	ck_assert_uint_eq(a->last_restart_time, 45);
	ck_assert_int_ne(state0(a), BGP_ST_ESTABLISHED);
	/* The old connection is closed without a NOTIFICATION (a lost TCP session, not an error). */
	while (raw_next(old))
		ck_assert_msg(old->type == BGP_MSG_KEEPALIVE, "old connection got message type %u", old->type);
	ck_assert_uint_eq(stats(a).last_notif_sent[0], 0);

	raw_send(r, buf, keepalive_build(buf));
	RUN_UNTIL(state0(a) == BGP_ST_ESTABLISHED);
	ck_assert_uint_eq(stats(a).established_count, 2);
	ck_assert_int_eq(a->n_established, 2);
	ck_assert(stats(a).gr && stats(a).peer_open.caps.gr_restarting);
	/* Routes flow on the new session: its End-of-RIB reaches the layer above. */
	raw_send(r, buf, eor_build(buf));
	RUN_UNTIL(a->n_update == 1);
	ck_assert(a->last_u.end_of_rib_evpn);
	ck_assert_int_eq(a->n_down, 1);
	raw_free(old);
	raw_free(r);
	if (lfd >= 0)
		close(lfd);
}
END_TEST

START_TEST(test_stop_and_restart)
{
	struct side *a, *b;

	up_pair(&a, &b, true, true, 90, 90);
	bgp_peer_stop(peer0(a), BGP_ERR_CEASE, 4, "test reset");
	ck_assert_int_eq(state0(a), BGP_ST_IDLE);
	ck_assert_int_eq(a->n_down, 1);
	ck_assert(!a->last_graceful);
	ck_assert_msg(strstr(stats(a).last_error, "test reset"), "last_error '%s'", stats(a).last_error);
	ck_assert_uint_eq(stats(a).last_notif_sent[0], 6);
	ck_assert_uint_eq(stats(a).last_notif_sent[1], 4);
	RUN_UNTIL(b->n_down == 1);
	ck_assert(!b->last_graceful);
	ck_assert_uint_eq(stats(b).last_notif_rcvd[0], 6);
	ck_assert_uint_eq(stats(b).last_notif_rcvd[1], 4);
	ck_assert_err(bgp_peer_send(peer0(a), (uint8_t[19]){ 0 }, 19), ENOTCONN);

	/* Nobody reconnects before connect-retry (2 s) ... */
	settle(200);
	ck_assert_uint_eq(stats(a).established_count, 1);
	ck_assert_int_ne(state0(a), BGP_ST_ESTABLISHED);
	/* ... then the session comes back. */
	skew_all(2100);
	RUN_UNTIL(both_established(a, b));
	ck_assert_uint_eq(stats(a).established_count, 2);
	ck_assert_uint_eq(stats(b).established_count, 2);
	ck_assert_int_eq(a->n_established, 2);
}
END_TEST

/* The kernel's TCP MD5 support: is TCP_MD5SIG accepted here? */
static bool md5_supported(void)
{
	struct tcp_md5sig md5;
	struct sockaddr_in *sin = (struct sockaddr_in *)&md5.tcpm_addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

	memset(&md5, 0, sizeof(md5));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = ip4(B_IP);
	md5.tcpm_keylen = 3;
	memcpy(md5.tcpm_key, "abc", 3);
	rc = setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5));
	close(fd);
	return rc == 0;
}

static const struct {
	const char *pw_a, *pw_b;
	bool up;
} md5_cases[] = { { "s3cret-key", "s3cret-key", true }, { "s3cret-key", "other-key", false }, { "s3cret-key", "", false } };

START_TEST(test_md5)
{
	struct bgp_peer_config ca = peer_cfg(B_IP, AS_B, false);
	struct bgp_peer_config cb = peer_cfg(A_IP, AS_A, false);
	struct side *a, *b;

	if (!md5_supported()) {
		fprintf(stderr, "test_bgp_fsm: the kernel has no TCP MD5 (TCP_MD5SIG): test_md5 skipped\n");
		return;
	}
	snprintf(ca.password, sizeof(ca.password), "%s", md5_cases[_i].pw_a);
	snprintf(cb.password, sizeof(cb.password), "%s", md5_cases[_i].pw_b);
	ca.connect_retry = cb.connect_retry = 1;
	a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	b = side_new("B", B_IP, AS_B, "2.2.2.2", false, 90);
	add_peer(a, &ca);
	add_peer(b, &cb);
	start_both(a, b);
	if (md5_cases[_i].up) {
		RUN_UNTIL(both_established(a, b));
		return;
	}
	/* Several connect-retry rounds, none of which gets anywhere. */
	for (int i = 0; i < 8; i++) {
		settle(100);
		skew_all(1100);
	}
	ck_assert_uint_eq(stats(a).established_count, 0);
	ck_assert_uint_eq(stats(b).established_count, 0);
	ck_assert_uint_eq(stats(a).msgs_in[BGP_MSG_OPEN] + stats(b).msgs_in[BGP_MSG_OPEN], 0);
}
END_TEST

/* GTSM: both sides on -> up; one side only -> the other's TTL-64 packets never get through. */
START_TEST(test_ttl_security)
{
	struct bgp_peer_config ca = peer_cfg(B_IP, AS_B, false);
	struct bgp_peer_config cb = peer_cfg(A_IP, AS_A, false);
	struct side *a, *b;

	ca.ttl_security = true;
	cb.ttl_security = _i == 0;
	ca.connect_retry = cb.connect_retry = 1;
	a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	b = side_new("B", B_IP, AS_B, "2.2.2.2", false, 90);
	add_peer(a, &ca);
	add_peer(b, &cb);
	start_both(a, b);
	if (_i == 0) {
		RUN_UNTIL(both_established(a, b));
		return;
	}
	for (int i = 0; i < 6; i++) {
		settle(100);
		skew_all(1100);
	}
	ck_assert_uint_eq(stats(a).established_count, 0);
	ck_assert_uint_eq(stats(b).established_count, 0);
	ck_assert_uint_eq(stats(a).msgs_in[BGP_MSG_OPEN], 0);
}
END_TEST

/* The listen address appears after bgp_start: the speaker listens as soon as it can. */
START_TEST(test_listen_later)
{
	struct bgp_local la = local_cfg("10.99.0.1", AS_A, "1.1.1.1", false, 90);
	struct bgp_peer_config ca = peer_cfg(B_IP, AS_B, true);
	struct bgp_peer_config cb = peer_cfg("10.99.0.1", AS_A, false);
	struct side *a = side_new_cfg("A", &la);
	struct side *b = side_new("B", B_IP, AS_B, "2.2.2.2", false, 90);

	add_peer(a, &ca);
	add_peer(b, &cb);
	ck_assert_err(bgp_start(a->b), 0);
	ck_assert_err(bgp_start(b->b), 0);
	settle(50);
	ck_assert_int_ne(state0(b), BGP_ST_ESTABLISHED);
	ck_assert(has_log(a, "cannot listen", "10.99.0.1"));
	ck_assert_msg(system("ip addr add 10.99.0.1/32 dev lo") == 0, "ip addr add failed");
	for (int i = 0; i < 40 && !both_established(a, b); i++) {
		skew_all(1100);
		settle(50);
	}
	RUN_UNTIL(both_established(a, b));
	ck_assert(has_log(a, "listening on 10.99.0.1:1179", NULL));
}
END_TEST

/* A peer that stops reading: the queue fills up to 16 MiB (ENOBUFS), then drains in order. */
START_TEST(test_output_queue)
{
	struct side *a, *b;
	static uint8_t msg[4018];
	size_t body = 4018 - 19 - 4, sent = 0;
	int err = 0;

	up_pair(&a, &b, false, false, 90, 90);
	msg[19] = (uint8_t)(body >> 8);
	msg[20] = (uint8_t)body;
	for (size_t i = 0; i < body / 5; i++)
		memcpy(msg + 21 + i * 5, (uint8_t[]){ 32, 10, 2, (uint8_t)(i >> 8), (uint8_t)i }, 5);
	put_hdr(msg, sizeof(msg), BGP_MSG_UPDATE);

	b->frozen = true;
	while (sent < 20000 && (err = bgp_peer_send(peer0(a), msg, sizeof(msg))) == 0)
		sent++;
	ck_assert_err(err, ENOBUFS);
	ck_assert_uint_le(bgp_peer_pending(peer0(a)), 16u << 20);
	ck_assert_uint_gt(bgp_peer_pending(peer0(a)), (16u << 20) - sizeof(msg));
	ck_assert_uint_eq(stats(a).msgs_out[BGP_MSG_UPDATE], sent);
	b->frozen = false;
	RUN_UNTIL(stats(b).msgs_in[BGP_MSG_UPDATE] == sent);
	ck_assert_int_eq(b->n_update, (int)sent);
	RUN_UNTIL(bgp_peer_pending(peer0(a)) == 0);
	ck_assert(both_established(a, b));
	settle(20);
	bgp_process(a->b);
	ck_assert(quiet(a));
}
END_TEST

/* The neighbour's address as a connection from src to dst:PORT sees it, with optional MD5 key and TTL 255. */
static struct raw *raw_connect_opts(const char *src, const char *dst, const char *md5_key, bool ttl255)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	if (md5_key) {
		struct tcp_md5sig md5;
		struct sockaddr_in *ms = (struct sockaddr_in *)&md5.tcpm_addr;

		memset(&md5, 0, sizeof(md5));
		ms->sin_family = AF_INET;
		ms->sin_addr.s_addr = ip4(dst);
		md5.tcpm_keylen = (uint16_t)strlen(md5_key);
		memcpy(md5.tcpm_key, md5_key, strlen(md5_key));
		ck_assert_int_eq(setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)), 0);
	}
	if (ttl255) {
		int ttl = 255;

		ck_assert_int_eq(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)), 0);
	}
	sin.sin_addr.s_addr = ip4(src);
	ck_assert_msg(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "bind %s: %s", src, strerror(errno));
	sin.sin_addr.s_addr = ip4(dst);
	sin.sin_port = htons(PORT);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "connect %s: %s", dst, strerror(errno));
	return raw_new(fd);
}

/* ESTABLISHED TCP sockets with an end on port 1179 whose two addresses are x and y. */
static int tcp_between(uint32_t x, uint32_t y)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned la, lp, ra, rp, st;

		if (sscanf(line, " %*u: %X:%X %X:%X %X", &la, &lp, &ra, &rp, &st) != 5 || st != 1)
			continue;
		if ((lp == PORT || rp == PORT) && ((la == x && ra == y) || (la == y && ra == x)))
			n++;
	}
	fclose(f);
	return n;
}

/* Where a connection's far end is (the source address the speaker chose). */
static uint32_t raw_peer_addr(const struct raw *r)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	ck_assert_int_eq(getpeername(r->fd, (struct sockaddr *)&sin, &len), 0);
	return sin.sin_addr.s_addr;
}

static int count_log(const struct side *s, const char *a, const char *b)
{
	int first = s->n_log > LOG_LINES ? s->n_log - LOG_LINES : 0, n = 0;

	for (int i = first; i < s->n_log; i++)
		n += strstr(s->log[i], a) && (!b || strstr(s->log[i], b));
	return n;
}

/*
 * No listen address (the daemon's default): the speaker listens on every local address and
 * takes a neighbour's connection whatever local address it was made to (a leaf's uplink /31,
 * not the VTEP address), with TCP MD5 (_i 1) and GTSM (_i 2) on that listener. A connection
 * from an unknown address is refused, counted each time, and logged once a minute.
 */
START_TEST(test_listen_any)
{
	struct bgp_local l = local_cfg(A_IP, AS_A, "1.1.1.1", false, 90);
	struct bgp_peer_config c = peer_cfg(RAW_IP, AS_RAW, true);
	const char *key = _i == 1 ? "s3cret" : NULL;
	uint8_t buf[4096];
	struct side *a;
	struct raw *r;

	if (_i == 1 && !md5_supported()) {
		fprintf(stderr, "test_bgp_fsm: the kernel has no TCP MD5 (TCP_MD5SIG): test_listen_any/1 skipped\n");
		return;
	}
	l.local_addr = 0;
	a = side_new_cfg("A", &l);
	if (key)
		snprintf(c.password, sizeof(c.password), "%s", key);
	c.ttl_security = _i == 2;
	add_peer(a, &c);
	ck_assert_err(bgp_start(a->b), 0);
	ck_assert(has_log(a, "listening on 0.0.0.0:1179", NULL));
	/* 127.0.0.77 is configured nowhere: it stands for the uplink address the neighbour peers with */
	r = raw_connect_opts(RAW_IP, "127.0.0.77", key, _i == 2);
	raw_expect(r, BGP_MSG_OPEN);
	raw_send(r, buf, raw_open_build(buf, &raw_open_default));
	raw_send(r, buf, keepalive_build(buf));
	raw_expect(r, BGP_MSG_KEEPALIVE);
	RUN_UNTIL(state0(a) == BGP_ST_ESTABLISHED);
	raw_free(r);
	RUN_UNTIL(state0(a) != BGP_ST_ESTABLISHED);

	/* Five attempts from an unknown address: five refusals, one log line. */
	for (int i = 0; i < 5; i++) {
		r = raw_connect("127.0.0.9", "127.0.0.78");
		raw_expect_eof(r);
		raw_free(r);
	}
	ck_assert_uint_eq(bgp_unknown_accepts(a->b), 5);
	ck_assert_int_eq(count_log(a, "refused a connection from 127.0.0.9", NULL), 1);
	/* another unknown address has its own line */
	r = raw_connect("127.0.0.10", "127.0.0.78");
	raw_expect_eof(r);
	raw_free(r);
	ck_assert_int_eq(count_log(a, "refused a connection from 127.0.0.10", NULL), 1);
	/* a minute later the first address gets a line again, saying how many went unlogged */
	skew_all(61000);
	settle(5);
	r = raw_connect("127.0.0.9", "127.0.0.78");
	raw_expect_eof(r);
	raw_free(r);
	ck_assert_int_eq(count_log(a, "refused a connection from 127.0.0.9", NULL), 2);
	ck_assert(has_log(a, "127.0.0.9", "4 more from it"));
	ck_assert_uint_eq(bgp_unknown_accepts(a->b), 7);
}
END_TEST

/*
 * A listen list: A listens on 127.0.0.1 and 127.0.0.11 and nowhere else, and connects to B
 * from 127.0.0.11 (update_source), the address B knows it by. The session runs between
 * 127.0.0.11 and 127.0.0.2.
 */
START_TEST(test_listen_list)
{
	struct bgp_local la = local_cfg(A_IP, AS_A, "1.1.1.1", false, 90);
	struct bgp_peer_config ca = peer_cfg(B_IP, AS_B, _i == 1);
	struct bgp_peer_config cb = peer_cfg("127.0.0.11", AS_A, _i == 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	struct side *a, *b;
	int total, to_b, fd;

	la.local_addr = 0;
	la.listen[0] = ip4(A_IP);
	la.listen[1] = ip4("127.0.0.11");
	la.n_listen = 2;
	ca.source_addr = ip4("127.0.0.11");
	a = side_new_cfg("A", &la);
	b = side_new("B", B_IP, AS_B, "2.2.2.2", false, 90);
	add_peer(a, &ca);
	add_peer(b, &cb);
	start_both(a, b);
	RUN_UNTIL(both_established(a, b));
	ck_assert(has_log(a, "listening on 127.0.0.1:1179", NULL) && has_log(a, "listening on 127.0.0.11:1179", NULL));
	tcp_established(0, &total, &to_b);
	ck_assert_int_eq(total, 2);  /* one connection, both ends in this namespace ... */
	ck_assert_int_eq(tcp_between(ip4("127.0.0.11"), ip4(B_IP)), 2);   /* ... between 127.0.0.11 and B */
	/* nothing listens on another local address */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = ip4("127.0.0.12");
	ck_assert_int_ne(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(errno, ECONNREFUSED);
	close(fd);
}
END_TEST

/*
 * update_source: outgoing connections leave from the configured address (_i 0), from the
 * first IPv4 address of the named interface (_i 1), or wait until the interface has one (_i 2).
 */
START_TEST(test_update_source)
{
	struct bgp_peer_config c = peer_cfg("10.98.0.2", AS_RAW, false);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	struct raw *r;
	int lfd;

	ck_assert_msg(system("ip link add d0 type veth peer name d0p && ip link set d0 up && "
			     "ip addr add 10.98.0.1/32 dev d0 && ip addr add 10.98.0.2/32 dev d0") == 0, "veth d0");
	if (_i == 0)
		c.source_addr = ip4("127.0.0.21");
	else
		snprintf(c.source_ifname, sizeof(c.source_ifname), "%s", _i == 1 ? "d0" : "d1");
	c.connect_retry = 1;
	lfd = raw_listen("10.98.0.2");
	add_peer(a, &c);
	ck_assert_err(bgp_start(a->b), 0);
	if (_i == 2) {
		settle(50);
		ck_assert(has_log(a, "update source d1 has no IPv4 address", NULL));
		ck_assert_ptr_nonnull(strstr(stats(a).last_error, "update source d1"));
		ck_assert_msg(system("ip link add d1 type veth peer name d1p && ip link set d1 up && "
				     "ip addr add 10.98.1.5/32 dev d1") == 0, "veth d1");
		skew_all(2100);
	}
	r = raw_accept(lfd);
	ck_assert_uint_eq(raw_peer_addr(r), ip4(_i == 0 ? "127.0.0.21" : _i == 1 ? "10.98.0.1" : "10.98.1.5"));
	raw_expect(r, BGP_MSG_OPEN);
	raw_free(r);
	close(lfd);
}
END_TEST

START_TEST(test_config_errors)
{
	struct bgp_local l = local_cfg(A_IP, AS_A, "1.1.1.1", false, 90);
	struct side *a = side_new("A", A_IP, AS_A, "1.1.1.1", false, 90);
	struct bgp_peer_config c = peer_cfg(B_IP, AS_B, false);

	add_peer(a, &c);
	ck_assert_err(bgp_add_peer(a->b, &c, NULL), EEXIST);
	c.addr = 0;
	ck_assert_err(bgp_add_peer(a->b, &c, NULL), EINVAL);
	c = peer_cfg("127.0.0.5", AS_B, false);
	c.hold_time = 2;
	ck_assert_err(bgp_add_peer(a->b, &c, NULL), EINVAL);
	c.hold_time = 0;
	c.remote_as = 0;
	ck_assert_err(bgp_add_peer(a->b, &c, NULL), EINVAL);
	ck_assert_uint_eq(bgp_peer_count(a->b), 1);
	/* The port is taken: bgp_start fails and says why; once it is free, it works. */
	{
		int lfd = raw_listen(A_IP);

		ck_assert_err(bgp_start(a->b), EADDRINUSE);
		ck_assert(has_log(a, "cannot listen on 127.0.0.1:1179", NULL));
		close(lfd);
		ck_assert_err(bgp_start(a->b), 0);
	}
	l.asn = 0;
	ck_assert_ptr_null(bgp_new(&l, NULL, NULL));
	l.asn = AS_A;
	l.router_id = 0;
	ck_assert_ptr_null(bgp_new(&l, NULL, NULL));
	ck_assert_str_eq(bgp_state_name(BGP_ST_OPENCONFIRM), "OpenConfirm");
	/* Defaults. */
	memset(&l, 0, sizeof(l));
	l.asn = 1;
	l.router_id = ip4("1.2.3.4");
	{
		struct bgp *bb = bgp_new(&l, NULL, NULL);

		ck_assert_ptr_nonnull(bb);
		ck_assert_uint_eq(bgp_local_config(bb)->port, 179);
		ck_assert_uint_eq(bgp_local_config(bb)->hold_time, 90);
		ck_assert_uint_eq(bgp_local_config(bb)->gr_time, 120);
		ck_assert_int_ge(bgp_fd(bb), 0);
		bgp_free(bb);
	}
}
END_TEST

/*
 * A neighbour removed at run time (the configuration reload): the removed one gets Cease/3
 * (Peer De-configured), goes down not gracefully although both sides negotiated graceful
 * restart, and its address is refused from then on; the other neighbour (the raw peer) keeps
 * its session, its place and its object.
 */
START_TEST(test_peer_removed)
{
	struct bgp_peer_config cr = peer_cfg(RAW_IP, AS_RAW, true);
	struct bgp_peer *pb, *pr;
	struct side *a, *b;
	struct raw *r;
	uint64_t unknown;

	up_pair(&a, &b, true, true, 90, 90);
	pb = peer0(a);
	pr = add_peer(a, &cr);
	r = raw_session(a, &raw_open_default);
	RUN_UNTIL(bgp_peer_state(pr) == BGP_ST_ESTABLISHED);
	ck_assert_uint_eq(bgp_peer_count(a->b), 2);

	bgp_remove_peer(a->b, pb);
	ck_assert_uint_eq(bgp_peer_count(a->b), 1);
	ck_assert_ptr_eq(bgp_peer_at(a->b, 0), pr);
	ck_assert_ptr_null(bgp_peer_at(a->b, 1));
	ck_assert_int_eq(a->n_down, 1);
	ck_assert(!a->last_graceful);
	ck_assert(has_log(a, "peer 127.0.0.2: removed", NULL));
	RUN_UNTIL(b->n_down == 1);
	ck_assert(!b->last_graceful);   /* a NOTIFICATION: never graceful */
	ck_assert_uint_eq(stats(b).last_notif_rcvd[0], BGP_ERR_CEASE);
	ck_assert_uint_eq(stats(b).last_notif_rcvd[1], 3);

	/* B keeps trying; A no longer knows it. The raw peer's session never moved. */
	unknown = bgp_unknown_accepts(a->b);
	for (int i = 0; i < 3; i++) {
		skew_all(5000);
		settle(100);
	}
	ck_assert_uint_gt(bgp_unknown_accepts(a->b), unknown);
	ck_assert_int_ne(state0(b), BGP_ST_ESTABLISHED);
	ck_assert_int_eq(bgp_peer_state(pr), BGP_ST_ESTABLISHED);
	{
		struct bgp_peer_stats st;

		bgp_peer_get_stats(pr, &st);
		ck_assert_uint_eq(st.established_count, 1);
		ck_assert_uint_eq(st.msgs_out[BGP_MSG_NOTIFICATION], 0);
	}
	ck_assert_int_eq(a->n_established, 2);   /* B's and the raw peer's first sessions */
	ck_assert_int_eq(a->n_down, 1);
	raw_free(r);
}
END_TEST

/*
 * A neighbour's settings changed at run time: the description or max_routes alone leave the
 * session alone; any other setting (the hold time here) resets it with Cease/6 (Other
 * Configuration Change) and it comes back at once with the new value, in the same object.
 */
START_TEST(test_peer_reconfigured)
{
	struct bgp_peer_config c = peer_cfg(B_IP, AS_B, false);
	struct bgp_peer *pa;
	struct side *a, *b;
	bool reset = true;

	up_pair(&a, &b, false, false, 90, 90);
	pa = peer0(a);

	snprintf(c.description, sizeof(c.description), "spine 2");
	c.max_routes = 10;
	ck_assert(!bgp_peer_config_resets(bgp_peer_config(pa), &c));
	ck_assert_err(bgp_peer_reconfigure(pa, &c, &reset), 0);
	ck_assert(!reset);
	ck_assert_str_eq(bgp_peer_config(pa)->description, "spine 2");
	ck_assert_uint_eq(bgp_peer_config(pa)->max_routes, 10);
	settle(100);
	ck_assert(both_established(a, b));
	ck_assert_int_eq(a->n_down + b->n_down, 0);

	/* bad settings and another address: refused, nothing changes */
	c.hold_time = 2;
	ck_assert_err(bgp_peer_reconfigure(pa, &c, &reset), EINVAL);
	c.hold_time = 30;
	c.addr = ip4("127.0.0.9");
	ck_assert_err(bgp_peer_reconfigure(pa, &c, &reset), EINVAL);
	ck_assert(both_established(a, b));

	c.addr = ip4(B_IP);
	ck_assert(bgp_peer_config_resets(bgp_peer_config(pa), &c));
	ck_assert_err(bgp_peer_reconfigure(pa, &c, &reset), 0);
	ck_assert(reset);
	ck_assert_int_eq(a->n_down, 1);
	ck_assert_uint_eq(stats(a).last_notif_sent[0], BGP_ERR_CEASE);
	ck_assert_uint_eq(stats(a).last_notif_sent[1], 6);
	RUN_UNTIL(b->n_down == 1);
	ck_assert_uint_eq(stats(b).last_notif_rcvd[1], 6);
	/* no connect-retry wait: A connects again at once */
	RUN_UNTIL(both_established(a, b));
	ck_assert_ptr_eq(peer0(a), pa);
	ck_assert_uint_eq(bgp_peer_count(a->b), 1);
	ck_assert_uint_eq(stats(a).established_count, 2);
	ck_assert_uint_eq(stats(a).hold_time, 30);
	ck_assert_uint_eq(stats(b).hold_time, 30);
	ck_assert_uint_eq(bgp_peer_config(pa)->hold_time, 30);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */

static Suite *bgp_fsm_suite(void)
{
	Suite *s = suite_create("bgp_fsm");
	TCase *tc = tcase_create("sessions");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_both_active);
	tcase_add_test(tc, test_one_passive);
	tcase_add_test(tc, test_keepalives);
	tcase_add_loop_test(tc, test_hold_expiry, 0, sizeof(hold_cases) / sizeof(hold_cases[0]));
	tcase_add_test(tc, test_bad_peer_as);
	tcase_add_test(tc, test_no_mp_evpn);
	tcase_add_test(tc, test_as4);
	tcase_add_test(tc, test_update_and_refresh);
	tcase_add_test(tc, test_malformed_update);
	tcase_add_test(tc, test_attr_overrun_treat_as_withdraw);
	tcase_add_test(tc, test_malformed_route_withdrawn_session_stays);
	tcase_add_test(tc, test_malformed_type5_kept_session);
	tcase_add_test(tc, test_split_messages);
	tcase_add_test(tc, test_raw_errors);
	tcase_add_loop_test(tc, test_collision, 0, 2);
	tcase_add_test(tc, test_reject_while_established);
	tcase_add_loop_test(tc, test_gr_peer_reconnects, 0, 2);
	tcase_add_test(tc, test_stop_and_restart);
	tcase_add_loop_test(tc, test_md5, 0, sizeof(md5_cases) / sizeof(md5_cases[0]));
	tcase_add_loop_test(tc, test_ttl_security, 0, 2);
	tcase_add_test(tc, test_listen_later);
	tcase_add_test(tc, test_output_queue);
	tcase_add_loop_test(tc, test_listen_any, 0, 3);
	tcase_add_loop_test(tc, test_listen_list, 0, 2);
	tcase_add_loop_test(tc, test_update_source, 0, 3);
	tcase_add_test(tc, test_peer_removed);
	tcase_add_test(tc, test_peer_reconfigured);
	suite_add_tcase(s, tc);
	return s;
}

/* Can this process make network namespaces at all (root inside a restricted container may not)? */
static bool can_unshare(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (geteuid() != 0) {
		printf("test_bgp_fsm: needs root (network namespaces): skipped\n");
		return 77;
	}
	if (!can_unshare()) {
		printf("test_bgp_fsm: cannot create network namespaces here: skipped\n");
		return 77;
	}
	sr = srunner_create(bgp_fsm_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
