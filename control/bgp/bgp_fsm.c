/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bgp_fsm.c: BGP sessions (RFC 4271 section 8). Owns the listening socket, one finite state
 * machine per neighbour with up to two TCP connections at a time (one we initiated, one we
 * accepted: connection collision, RFC 4271 section 6.8), their input buffers and output
 * queues, the connect-retry (with back-off), hold and keepalive timers, OPEN negotiation,
 * a NOTIFICATION for every error, TCP MD5 (RFC 2385), GTSM (RFC 5082) and graceful restart
 * (RFC 4724: a lost session reported as graceful to the layer above, and a restarted peer's
 * new connection replacing the session we still hold). Message encoding and decoding is bgp_msg.c's.
 *
 * Memory of a closed connection is released only at the end of bgp_process()/bgp_tick(), so
 * that epoll events already fetched and callers up the stack never see freed memory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp_fsm.h"

#define BGP_IN_BUF (BGP_MAX_MSG_EXT + BGP_HDR_LEN)
#define BGP_OUT_MAX (16u << 20)          /* bytes queued per connection before ENOBUFS */
#define BGP_OUT_KEEP (64u << 10)         /* an empty output buffer larger than this is released */
#define BGP_OPEN_HOLD 240                /* hold timer while waiting for the peer's OPEN (s) */
#define BGP_RETRY_DEFAULT 5
#define BGP_RETRY_MAX 120
#define BGP_ROUTES_MAX 4096              /* routes decoded per UPDATE, each way */
#define BGP_LISTEN_RETRY_MS 1000
#define BGP_READ_BUDGET 64               /* reads per connection per bgp_process() */
#define BGP_EVENTS 64
#define BGP_UNKNOWN_LOG_MS 60000         /* one log line per unknown connecting address per minute */
#define BGP_UNKNOWN_SLOTS 64             /* unknown addresses remembered for that */
#define BGP_BAD_LOG_MS 10000             /* one line per peer per 10 s about UPDATEs kept under RFC 7606 */

enum { BGP_LOG_ERR, BGP_LOG_WARN, BGP_LOG_INFO, BGP_LOG_DEBUG };

/* Why a connection ended: decides whether the loss is graceful (RFC 4724). */
enum bgp_end {
	BGP_END_TCP,          /* closed, reset or write error */
	BGP_END_HOLD,         /* hold timer expired (we sent 4/0) */
	BGP_END_NOTIF_SENT,
	BGP_END_NOTIF_RCVD,
	BGP_END_COLLISION,
	BGP_END_GR_REPLACED,  /* a graceful-restart peer came back on a new connection (RFC 4724 4.2) */
};

/* What an epoll event's data.ptr points to: a connection or a listening socket. */
enum bgp_ev_kind { BGP_EV_CONN, BGP_EV_LISTEN };

struct bgp_conn {
	enum bgp_ev_kind kind;   /* BGP_EV_CONN: first, like struct bgp_listener's */
	struct bgp_peer *peer;
	int fd;
	bool outgoing;        /* we initiated it */
	bool dead;            /* closed; freed at the end of the current bgp_process/bgp_tick */
	bool epollout;        /* EPOLLOUT registered */
	enum bgp_state state; /* CONNECT (connect in progress), OPENSENT, OPENCONFIRM, ESTABLISHED */
	int werr;             /* a write failed: the connection ends at the next opportunity */
	uint64_t hold_at, ka_at;   /* deadlines in ms; 0: off */
	uint16_t hold, ka;         /* negotiated, seconds */
	bool ext_msg;
	uint8_t *in;
	size_t in_len;
	/* Output queue: [out_msg, out_len) holds whole messages, [out_off, out_len) is unsent. */
	uint8_t *out;
	size_t out_len, out_off, out_msg, out_cap;
	struct bgp_conn *next_dead;
};

struct bgp_peer {
	struct bgp *bgp;
	struct bgp_peer_config cfg;
	char name[INET_ADDRSTRLEN];
	struct bgp_conn *out, *in;
	enum bgp_state state;
	uint64_t retry_at;    /* connect-retry timer deadline (ms); 0: off */
	uint16_t retry_cur;   /* current connect-retry interval (s), backs off */
	uint64_t truncated;   /* UPDATEs with more routes than our arrays */
	bool bad_logged;      /* a line about a malformed UPDATE was logged, at bad_logged_ms ... */
	uint64_t bad_logged_ms;
	uint64_t bad_suppressed;   /* ... and this many UPDATEs' lines were not, since */
	struct bgp_peer_stats st;
};

/* One listening socket (all addresses, or one of bgp_local.listen). */
struct bgp_listener {
	enum bgp_ev_kind kind;   /* BGP_EV_LISTEN */
	struct bgp *bgp;
	int fd;                  /* -1: not (yet) listening; retried from bgp_tick */
	uint32_t addr;           /* network order; 0: all */
	bool warned;
};

/* An address that is no neighbour's and tried to connect: logged once a minute. */
struct bgp_unknown {
	uint32_t addr;
	uint64_t logged_ms;
	uint64_t suppressed;     /* attempts since that log line */
};

struct bgp {
	struct bgp_local local;
	struct bgp_ops ops;
	void *ctx;
	int epfd;
	struct bgp_listener lis[BGP_MAX_LISTEN];
	size_t n_lis;
	bool started, freeing;
	uint64_t now_ms, listen_retry_at;
	struct bgp_peer **peers;
	size_t n_peers, cap_peers;
	struct bgp_conn *dead;
	struct evpn_route *reach, *unreach;
	uint64_t unknown_accepts;
	struct bgp_unknown unknown[BGP_UNKNOWN_SLOTS];
};

static const uint8_t bgp_mp_evpn_cap[6] = { 1, 4, 0, EVPN_AFI, 0, EVPN_SAFI };

const char *bgp_state_name(enum bgp_state s)
{
	switch (s) {
	case BGP_ST_IDLE: return "Idle";
	case BGP_ST_CONNECT: return "Connect";
	case BGP_ST_ACTIVE: return "Active";
	case BGP_ST_OPENSENT: return "OpenSent";
	case BGP_ST_OPENCONFIRM: return "OpenConfirm";
	case BGP_ST_ESTABLISHED: return "Established";
	}
	return "?";
}

static const char *bgp_msg_name(uint8_t type)
{
	static const char *const names[] = { "?", "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE", "ROUTE-REFRESH" };

	return type < 6 ? names[type] : "?";
}

static uint64_t bgp_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void bgp_log(const struct bgp *b, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bgp_log(const struct bgp *b, int level, const char *fmt, ...)
{
	static const char *const tags[] = { "error", "warning", "info", "debug" };
	char msg[512];
	va_list ap;

	const char *peer = NULL;

	va_start(ap, fmt);
	/* the lines about a neighbour start "peer %s" with its address: the log's peer field */
	if (strncmp(fmt, "peer %s", 7) == 0 || strncmp(fmt, "refused a connection from %s", 28) == 0) {
		va_list pa;

		va_copy(pa, ap);
		peer = va_arg(pa, const char *);
		va_end(pa);
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b->ops.log) {
		b->ops.log(level, peer, msg, b->ctx);
	} else if (level <= BGP_LOG_INFO) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr, "vtepd[%ld.%03ld] %s: bgp %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000000, tags[level], msg);
	}
}

static uint16_t bgp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t bgp_peer_hold_cfg(const struct bgp_peer *p)
{
	return p->cfg.hold_time ? p->cfg.hold_time : p->bgp->local.hold_time;
}

static uint16_t bgp_peer_retry_initial(const struct bgp_peer *p)
{
	return p->cfg.connect_retry;
}

static void bgp_retry_backoff(struct bgp_peer *p)
{
	uint32_t next = (uint32_t)p->retry_cur * 2;

	p->retry_cur = next > BGP_RETRY_MAX ? BGP_RETRY_MAX : (uint16_t)next;
}

/* ---------------------------------------------------------------------------------------- */
/* Connections: epoll, output queue, closing                                                */
/* ---------------------------------------------------------------------------------------- */

static void bgp_conn_epoll(struct bgp_conn *c)
{
	struct epoll_event ev = { .data.ptr = c };

	if (c->state == BGP_ST_CONNECT)
		ev.events = EPOLLOUT;
	else
		ev.events = EPOLLIN | (c->epollout ? EPOLLOUT : 0);
	if (epoll_ctl(c->peer->bgp->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		bgp_log(c->peer->bgp, BGP_LOG_ERR, "peer %s: epoll_ctl: %s", c->peer->name, strerror(errno));
}

static struct bgp_conn *bgp_conn_new(struct bgp_peer *p, int fd, bool outgoing, enum bgp_state state)
{
	struct bgp_conn *c = calloc(1, sizeof(*c));
	struct epoll_event ev;

	if (!c)
		return NULL;
	c->in = malloc(BGP_IN_BUF);
	if (!c->in) {
		free(c);
		return NULL;
	}
	c->kind = BGP_EV_CONN;
	c->peer = p;
	c->fd = fd;
	c->outgoing = outgoing;
	c->state = state;
	ev.events = state == BGP_ST_CONNECT ? EPOLLOUT : EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(p->bgp->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		bgp_log(p->bgp, BGP_LOG_ERR, "peer %s: epoll_ctl add: %s", p->name, strerror(errno));
		free(c->in);
		free(c);
		return NULL;
	}
	if (outgoing)
		p->out = c;
	else
		p->in = c;
	return c;
}

static void bgp_conn_free(struct bgp_conn *c)
{
	free(c->in);
	free(c->out);
	free(c);
}

/* Discard what the peer sent and we did not read, so that close() sends FIN, not RST. */
static void bgp_fd_drain(int fd)
{
	uint8_t junk[4096];

	for (int i = 0; i < 16; i++)
		if (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) <= 0)
			break;
}

/* Close the socket and detach the connection from its peer; memory goes later. */
static void bgp_conn_close(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp *b = p->bgp;

	if (c->dead)
		return;
	epoll_ctl(b->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->state != BGP_ST_CONNECT)
		bgp_fd_drain(c->fd);
	close(c->fd);
	c->fd = -1;
	c->dead = true;
	if (p->out == c)
		p->out = NULL;
	if (p->in == c)
		p->in = NULL;
	c->next_dead = b->dead;
	b->dead = c;
}

static void bgp_free_dead(struct bgp *b)
{
	while (b->dead) {
		struct bgp_conn *c = b->dead;

		b->dead = c->next_dead;
		bgp_conn_free(c);
	}
}

/* Advance out_msg past every message written in full. */
static void bgp_conn_out_advance(struct bgp_conn *c)
{
	while (c->out_msg < c->out_off) {
		size_t mlen = bgp_get16(c->out + c->out_msg + 16);

		if (c->out_msg + mlen > c->out_off)
			break;
		c->out_msg += mlen;
	}
}

/* Write as much as the socket takes; EPOLLOUT interest only while something is left. */
static void bgp_conn_flush(struct bgp_conn *c)
{
	bool want;

	if (c->dead || c->state == BGP_ST_CONNECT)
		return;
	while (!c->werr && c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				c->werr = errno;
			break;
		}
		c->out_off += (size_t)n;
	}
	bgp_conn_out_advance(c);
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = c->out_msg = 0;
		if (c->out_cap > BGP_OUT_KEEP) {
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
	}
	want = c->out_off < c->out_len && !c->werr;
	if (want != c->epollout) {
		c->epollout = want;
		bgp_conn_epoll(c);
	}
}

/* Count msgs, which holds whole messages (checked by the caller), by type. */
static void bgp_count_out(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	size_t off = 0;

	while (off + BGP_HDR_LEN <= len) {
		uint8_t type = msg[off + 18];

		if (type > 0 && type < 6)
			p->st.msgs_out[type]++;
		off += bgp_get16(msg + off + 16);
	}
}

/* Append whole messages to the output queue. limit: the 16 MiB cap applies (the layer above's messages). */
static int bgp_conn_queue(struct bgp_conn *c, const uint8_t *msg, size_t len, bool limit)
{
	if (c->dead)
		return ENOTCONN;
	if (limit && c->out_len - c->out_off + len > BGP_OUT_MAX)
		return ENOBUFS;
	if (c->out_len + len > c->out_cap && c->out_msg > 0) {
		memmove(c->out, c->out + c->out_msg, c->out_len - c->out_msg);
		c->out_len -= c->out_msg;
		c->out_off -= c->out_msg;
		c->out_msg = 0;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		uint8_t *n;

		while (cap < c->out_len + len)
			cap *= 2;
		n = realloc(c->out, cap);
		if (!n)
			return ENOMEM;
		c->out = n;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, msg, len);
	c->out_len += len;
	bgp_count_out(c->peer, msg, len);
	if (!c->epollout)
		bgp_conn_flush(c);
	return 0;
}

static void bgp_conn_send_keepalive(struct bgp_conn *c)
{
	uint8_t buf[BGP_HDR_LEN];
	size_t n = bgp_keepalive_encode(buf, sizeof(buf));

	if (n)
		bgp_conn_queue(c, buf, n, false);
}

static void bgp_conn_send_open(struct bgp_conn *c)
{
	const struct bgp *b = c->peer->bgp;
	struct bgp_open o;
	uint8_t buf[BGP_MAX_MSG];
	size_t n;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = b->local.asn > 0xffff ? BGP_AS_TRANS : (uint16_t)b->local.asn;
	o.asn = b->local.asn;
	o.hold_time = bgp_peer_hold_cfg(c->peer);
	o.bgp_id = b->local.router_id;
	o.caps.mp_evpn = true;
	o.caps.route_refresh = true;
	o.caps.as4 = true;
	o.caps.as4_asn = b->local.asn;
	o.caps.ext_msg = true;
	if (b->local.graceful_restart) {
		o.caps.gr = true;
		o.caps.gr_time = b->local.gr_time;
		o.caps.gr_evpn = true;
		o.caps.gr_evpn_fwd = true;
	}
	if (b->local.hostname[0]) {
		o.caps.fqdn = true;
		snprintf(o.caps.hostname, sizeof(o.caps.hostname), "%s", b->local.hostname);
	}
	n = bgp_open_encode(buf, sizeof(buf), &o);
	if (!n) {
		bgp_log(b, BGP_LOG_ERR, "peer %s: cannot encode our OPEN", c->peer->name);
		return;
	}
	bgp_conn_queue(c, buf, n, false);
}

/*
 * Queue a NOTIFICATION and push it out. Unsent whole messages queued before it are dropped
 * (a partly written one is finished first) so that it is not stuck behind a backlog.
 */
static void bgp_conn_notify(struct bgp_conn *c, uint8_t code, uint8_t subcode, const uint8_t *data,
			    size_t data_len)
{
	struct bgp_peer *p = c->peer;
	uint8_t buf[BGP_MAX_MSG];
	size_t n;

	if (c->dead || c->state == BGP_ST_CONNECT)
		return;
	if (c->out_off == c->out_msg)
		c->out_len = c->out_off;
	else
		c->out_len = c->out_msg + bgp_get16(c->out + c->out_msg + 16);
	n = bgp_notification_encode(buf, sizeof(buf), code, subcode, data, data_len);
	if (!n)
		n = bgp_notification_encode(buf, sizeof(buf), code, subcode, NULL, 0);
	if (!n)
		return;
	p->st.last_notif_sent[0] = code;
	p->st.last_notif_sent[1] = subcode;
	bgp_conn_queue(c, buf, n, false);
	bgp_conn_flush(c);
	bgp_log(p->bgp, BGP_LOG_INFO, "peer %s: sent NOTIFICATION %u/%u (%s)", p->name, code, subcode,
		bgp_error_name(code, subcode));
}

/* ---------------------------------------------------------------------------------------- */
/* Peer state                                                                               */
/* ---------------------------------------------------------------------------------------- */

static void bgp_peer_set_state(struct bgp_peer *p, enum bgp_state s, const char *why)
{
	if (p->state == s)
		return;
	bgp_log(p->bgp, BGP_LOG_INFO, "peer %s: %s -> %s%s%s%s", p->name, bgp_state_name(p->state),
		bgp_state_name(s), why ? " (" : "", why ? why : "", why ? ")" : "");
	p->state = s;
	p->st.state = s;
}

/* The peer's state from its connections (at least one exists). */
static void bgp_peer_state_from_conns(struct bgp_peer *p, const char *why)
{
	enum bgp_state s = BGP_ST_IDLE;

	if (p->out && p->out->state > s)
		s = p->out->state;
	if (p->in && p->in->state > s)
		s = p->in->state;
	if (s == BGP_ST_IDLE)
		s = p->cfg.passive ? BGP_ST_ACTIVE : BGP_ST_IDLE;
	bgp_peer_set_state(p, s, why);
}

static struct bgp_conn *bgp_peer_est(const struct bgp_peer *p)
{
	if (p->out && p->out->state == BGP_ST_ESTABLISHED)
		return p->out;
	if (p->in && p->in->state == BGP_ST_ESTABLISHED)
		return p->in;
	return NULL;
}

/*
 * Connection c ended. With another connection left (collision), the peer carries on with
 * that one; otherwise it goes Idle and restarts after connect-retry. Leaving Established
 * calls ops->down.
 */
static void bgp_conn_end(struct bgp_conn *c, enum bgp_end why, const char *reason)
{
	struct bgp_peer *p = c->peer;
	struct bgp *b = p->bgp;
	bool was_est = c->state == BGP_ST_ESTABLISHED;

	if (c->dead)
		return;
	bgp_conn_close(c);
	if (p->out || p->in) {
		bgp_log(b, BGP_LOG_INFO, "peer %s: %s connection closed (%s)", p->name,
			c->outgoing ? "outgoing" : "incoming", reason);
		bgp_peer_state_from_conns(p, reason);
	} else {
		bgp_peer_set_state(p, BGP_ST_IDLE, reason);
		if (!b->freeing) {
			p->retry_at = b->now_ms + (uint64_t)p->retry_cur * 1000;
			bgp_retry_backoff(p);
		}
	}
	if (was_est || !(p->out || p->in))
		snprintf(p->st.last_error, sizeof(p->st.last_error), "peer %s: %s", p->name, reason);
	if (was_est && b->ops.down && !b->freeing) {
		bool graceful = (why == BGP_END_TCP || why == BGP_END_HOLD || why == BGP_END_GR_REPLACED) && p->st.gr;

		b->ops.down(p, graceful, graceful ? p->st.peer_open.caps.gr_time : 0, b->ctx);
	}
}

/* Send a NOTIFICATION for err and end the connection. */
static void bgp_conn_error(struct bgp_conn *c, const struct bgp_error *err)
{
	char reason[200];

	snprintf(reason, sizeof(reason), "sent NOTIFICATION %u/%u (%s): %s", err->code, err->subcode,
		 bgp_error_name(err->code, err->subcode), err->reason);
	bgp_conn_notify(c, err->code, err->subcode, err->data, err->data_len);
	bgp_conn_end(c, BGP_END_NOTIF_SENT, reason);
}

static void bgp_conn_fail(struct bgp_conn *c, uint8_t code, uint8_t subcode, const uint8_t *data, size_t data_len,
			  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void bgp_conn_fail(struct bgp_conn *c, uint8_t code, uint8_t subcode, const uint8_t *data, size_t data_len,
			  const char *fmt, ...)
{
	struct bgp_error err;
	va_list ap;

	memset(&err, 0, sizeof(err));
	err.code = code;
	err.subcode = subcode;
	if (data_len > sizeof(err.data))
		data_len = sizeof(err.data);
	if (data_len)
		memcpy(err.data, data, data_len);
	err.data_len = data_len;
	va_start(ap, fmt);
	vsnprintf(err.reason, sizeof(err.reason), fmt, ap);
	va_end(ap);
	bgp_conn_error(c, &err);
}

/* ---------------------------------------------------------------------------------------- */
/* Sockets                                                                                  */
/* ---------------------------------------------------------------------------------------- */

static void bgp_sin(struct sockaddr_in *sin, uint32_t addr, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	sin->sin_port = htons(port);
}

static int bgp_set_md5(int fd, uint32_t addr, const char *password)
{
	struct tcp_md5sig md5;
	size_t len = strlen(password);

	memset(&md5, 0, sizeof(md5));
	bgp_sin((struct sockaddr_in *)&md5.tcpm_addr, addr, 0);
	if (len > TCP_MD5SIG_MAXKEYLEN)
		return EINVAL;
	md5.tcpm_keylen = (uint16_t)len;
	memcpy(md5.tcpm_key, password, len);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)) < 0)
		return errno;
	return 0;
}

static int bgp_set_ttl(int fd, bool min_too)
{
	int ttl = 255;

	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0)
		return errno;
	if (min_too && setsockopt(fd, IPPROTO_IP, IP_MINTTL, &ttl, sizeof(ttl)) < 0)
		return errno;
	return 0;
}

/*
 * Socket options of a peer's connection: GTSM; no Nagle, so that an UPDATE for a MAC just
 * learned leaves now and does not wait for the ACK of the previous one (which the peer's
 * delayed ACK holds up to 40 ms).
 */
static void bgp_peer_sockopts(struct bgp_peer *p, int fd)
{
	int tos = IPTOS_PREC_INTERNETCONTROL, one = 1;
	int err;

	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (p->cfg.ttl_security && (err = bgp_set_ttl(fd, true)) != 0)
		bgp_log(p->bgp, BGP_LOG_WARN, "peer %s: TTL security: %s", p->name, strerror(err));
}

/* Per-peer options on one listening socket: the peer's MD5 key; TTL 255 for SYN-ACKs to GTSM peers. */
static void bgp_listener_peer_opts_one(struct bgp_listener *l, struct bgp_peer *p)
{
	struct bgp *b = l->bgp;
	int err;

	if (l->fd < 0)
		return;
	if (p->cfg.password[0] && (err = bgp_set_md5(l->fd, p->cfg.addr, p->cfg.password)) != 0)
		bgp_log(b, BGP_LOG_ERR, "peer %s: TCP MD5 on the listening socket: %s", p->name, strerror(err));
	if (p->cfg.ttl_security && (err = bgp_set_ttl(l->fd, false)) != 0)
		bgp_log(b, BGP_LOG_WARN, "peer %s: TTL 255 on the listening socket: %s", p->name, strerror(err));
}

/* The same on every listening socket. */
static void bgp_listener_peer_opts(struct bgp *b, struct bgp_peer *p)
{
	for (size_t i = 0; i < b->n_lis; i++)
		bgp_listener_peer_opts_one(&b->lis[i], p);
}

static int bgp_listen_open(struct bgp_listener *l)
{
	struct bgp *b = l->bgp;
	struct sockaddr_in sin;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = l };
	int one = 1, tos = IPTOS_PREC_INTERNETCONTROL, fd, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	bgp_sin(&sin, l->addr, b->local.port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 64) < 0 ||
	    epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	l->fd = fd;
	for (size_t i = 0; i < b->n_peers; i++)
		bgp_listener_peer_opts_one(l, b->peers[i]);
	return 0;
}

/*
 * Open every listening socket not open yet, now, or later from bgp_tick when its address is
 * not (yet) ours. Before bgp_start has succeeded, an error other than a missing address fails.
 */
static int bgp_listen_try(struct bgp *b)
{
	int first_err = 0;

	for (size_t i = 0; i < b->n_lis; i++) {
		struct bgp_listener *l = &b->lis[i];
		char addr[INET_ADDRSTRLEN];
		int err;

		if (l->fd >= 0)
			continue;
		err = bgp_listen_open(l);
		inet_ntop(AF_INET, &l->addr, addr, sizeof(addr));
		if (!err) {
			bgp_log(b, BGP_LOG_INFO, "listening on %s:%u", addr, b->local.port);
			l->warned = false;
			continue;
		}
		b->listen_retry_at = b->now_ms + BGP_LISTEN_RETRY_MS;
		if (err == EADDRNOTAVAIL || b->started) {
			/* The address may appear later (and a retry from bgp_tick never gives up): one warning. */
			if (!l->warned)
				bgp_log(b, BGP_LOG_WARN, "cannot listen on %s:%u yet (%s): retrying", addr,
					b->local.port, strerror(err));
			l->warned = true;
			continue;
		}
		bgp_log(b, BGP_LOG_ERR, "cannot listen on %s:%u: %s", addr, b->local.port, strerror(err));
		if (!first_err)
			first_err = err;
	}
	if (first_err) {
		/* all or nothing: bgp_start may be called again */
		for (size_t i = 0; i < b->n_lis; i++)
			if (b->lis[i].fd >= 0) {
				close(b->lis[i].fd);
				b->lis[i].fd = -1;
			}
	}
	return first_err;
}

static bool bgp_listen_pending(const struct bgp *b)
{
	for (size_t i = 0; i < b->n_lis; i++)
		if (b->lis[i].fd < 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------------------------------- */
/* FSM events                                                                               */
/* ---------------------------------------------------------------------------------------- */

/* A connection is up (ours completed, or accepted): send OPEN, OpenSent. */
static void bgp_conn_up(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp *b = p->bgp;

	c->state = BGP_ST_OPENSENT;
	bgp_conn_epoll(c);
	c->hold_at = b->now_ms + BGP_OPEN_HOLD * 1000ull;
	p->retry_at = 0;
	bgp_conn_send_open(c);
	bgp_peer_state_from_conns(p, c->outgoing ? "connected" : "accepted a connection");
}

static void bgp_peer_connect_failed(struct bgp_peer *p, const char *what, int err)
{
	struct bgp *b = p->bgp;
	char why[128];

	if (p->out)
		bgp_conn_close(p->out);
	snprintf(why, sizeof(why), "%s: %s", what, strerror(err));
	if (p->in) {
		bgp_peer_state_from_conns(p, why);
		return;
	}
	bgp_log(b, BGP_LOG_DEBUG, "peer %s: %s; retry in %u s", p->name, why, p->retry_cur);
	snprintf(p->st.last_error, sizeof(p->st.last_error), "peer %s: %s", p->name, why);
	p->retry_at = b->now_ms + (uint64_t)p->retry_cur * 1000;
	bgp_retry_backoff(p);
	bgp_peer_set_state(p, BGP_ST_ACTIVE, why);
}

/*
 * The source address of an outgoing connection: the peer's update source (an address, or
 * the first IPv4 address of an interface, looked up now), else the speaker's local_addr;
 * 0: the kernel's choice. EADDRNOTAVAIL when the interface has no IPv4 address.
 */
static int bgp_peer_source(const struct bgp_peer *p, uint32_t *src)
{
	struct ifaddrs *ifa, *i;

	*src = 0;
	if (!p->cfg.source_ifname[0]) {
		*src = p->cfg.source_addr ? p->cfg.source_addr : p->bgp->local.local_addr;
		return 0;
	}
	if (getifaddrs(&ifa) < 0)
		return errno;
	for (i = ifa; i && !*src; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    !strncmp(i->ifa_name, p->cfg.source_ifname, BGP_IFNAME_MAX))
			*src = ((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifa);
	return *src ? 0 : EADDRNOTAVAIL;
}

/* Start a non-blocking connection to the peer: Connect. */
static void bgp_peer_connect(struct bgp_peer *p)
{
	struct bgp *b = p->bgp;
	struct sockaddr_in sin;
	struct bgp_conn *c;
	uint32_t src = 0;
	int fd, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		bgp_peer_connect_failed(p, "socket", errno);
		return;
	}
	if (p->cfg.password[0] && (err = bgp_set_md5(fd, p->cfg.addr, p->cfg.password)) != 0) {
		close(fd);
		bgp_peer_connect_failed(p, "TCP MD5", err);
		return;
	}
	bgp_peer_sockopts(p, fd);
	if ((err = bgp_peer_source(p, &src)) != 0) {
		char what[64];

		close(fd);
		snprintf(what, sizeof(what), "update source %s has no IPv4 address", p->cfg.source_ifname);
		bgp_peer_connect_failed(p, what, err);
		return;
	}
	if (src) {
		char what[64], a[INET_ADDRSTRLEN];

		bgp_sin(&sin, src, 0);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			err = errno;
			close(fd);
			snprintf(what, sizeof(what), "bind to the source address %s", inet_ntop(AF_INET, &src, a, sizeof(a)));
			bgp_peer_connect_failed(p, what, err);
			return;
		}
	}
	bgp_sin(&sin, p->cfg.addr, b->local.port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
		err = errno;
		close(fd);
		bgp_peer_connect_failed(p, "connect", err);
		return;
	}
	c = bgp_conn_new(p, fd, true, BGP_ST_CONNECT);
	if (!c) {
		close(fd);
		bgp_peer_connect_failed(p, "connect", ENOMEM);
		return;
	}
	p->retry_at = b->now_ms + (uint64_t)p->retry_cur * 1000;
	bgp_peer_set_state(p, BGP_ST_CONNECT, NULL);
}

/* Leave Idle: Connect, or Active for a passive peer. */
static void bgp_peer_start(struct bgp_peer *p)
{
	if (p->bgp->freeing || !p->bgp->started || p->out || p->in)
		return;
	p->retry_at = 0;
	if (p->cfg.passive)
		bgp_peer_set_state(p, BGP_ST_ACTIVE, NULL);
	else
		bgp_peer_connect(p);
}

/* Has our connect() finished? 0: yes, EINPROGRESS: not yet, else its error. */
static int bgp_connect_result(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&pfd, 1, 0) <= 0)
		return EINPROGRESS;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

/* An accepted connection from the peer's address. */
static void bgp_peer_accept(struct bgp_peer *p, int fd)
{
	struct bgp *b = p->bgp;
	struct bgp_conn *c, *est;

	bgp_peer_sockopts(p, fd);
	est = bgp_peer_est(p);
	if ((est && !p->st.gr) || b->freeing) {
		uint8_t buf[64];
		size_t n = bgp_notification_encode(buf, sizeof(buf), BGP_ERR_CEASE, 7, NULL, 0);

		if (n && send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)n)
			p->st.msgs_out[BGP_MSG_NOTIFICATION]++;
		bgp_fd_drain(fd);
		close(fd);
		bgp_log(b, BGP_LOG_INFO, "peer %s: rejected a connection with Cease/7: session already established",
			p->name);
		return;
	}
	if (est) {
		/*
		 * Graceful restart (RFC 4724 section 4.2): the peer restarted while we still hold
		 * the session. The new connection's OPEN will end the old session as if its TCP
		 * connection had closed (routes kept as stale); until then the old one stands,
		 * parked in the other slot if it took the incoming one.
		 */
		bgp_log(b, BGP_LOG_INFO, "peer %s: new connection while established: graceful restart, the old session "
			"ends at its OPEN", p->name);
		if (est == p->in) {
			if (p->out)
				bgp_conn_close(p->out);   /* an attempt of ours left over: the peer is back */
			p->in = NULL;
			p->out = est;
		}
	}
	if (p->out && p->out->state == BGP_ST_CONNECT) {
		/* Our own attempt: if it has in fact completed, both stay until the OPENs decide. */
		if (bgp_connect_result(p->out->fd) == 0)
			bgp_conn_up(p->out);
		else
			bgp_conn_close(p->out);
	}
	if (p->in) {
		bgp_log(b, BGP_LOG_INFO, "peer %s: a new connection replaces the previous incoming one", p->name);
		bgp_conn_notify(p->in, BGP_ERR_CEASE, 7, NULL, 0);
		bgp_conn_close(p->in);
	}
	c = bgp_conn_new(p, fd, false, BGP_ST_OPENSENT);
	if (!c) {
		close(fd);
		bgp_log(b, BGP_LOG_ERR, "peer %s: out of memory for an accepted connection", p->name);
		if (!p->out)
			bgp_peer_set_state(p, p->cfg.passive ? BGP_ST_ACTIVE : BGP_ST_IDLE, "out of memory");
		return;
	}
	bgp_conn_up(c);
}

static struct bgp_peer *bgp_find_peer(const struct bgp *b, uint32_t addr)
{
	for (size_t i = 0; i < b->n_peers; i++)
		if (b->peers[i]->cfg.addr == addr)
			return b->peers[i];
	return NULL;
}

/* A connection from an address that is no neighbour's: counted, logged once a minute per address. */
static void bgp_unknown_accept(struct bgp *b, const struct sockaddr_in *sin)
{
	struct bgp_unknown *u = NULL, *oldest = &b->unknown[0];
	char addr[INET_ADDRSTRLEN];

	b->unknown_accepts++;
	for (size_t i = 0; i < BGP_UNKNOWN_SLOTS && !u; i++) {
		if (b->unknown[i].logged_ms && b->unknown[i].addr == sin->sin_addr.s_addr)
			u = &b->unknown[i];
		else if (b->unknown[i].logged_ms < oldest->logged_ms)
			oldest = &b->unknown[i];
	}
	if (u && b->now_ms - u->logged_ms < BGP_UNKNOWN_LOG_MS) {
		u->suppressed++;
		return;
	}
	inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
	if (u && u->suppressed)
		bgp_log(b, BGP_LOG_WARN, "refused a connection from %s:%u: not a configured neighbour (%llu more from "
			"it in the last minute, %llu from unknown addresses so far)", addr, ntohs(sin->sin_port),
			(unsigned long long)u->suppressed, (unsigned long long)b->unknown_accepts);
	else
		bgp_log(b, BGP_LOG_WARN, "refused a connection from %s:%u: not a configured neighbour (%llu from "
			"unknown addresses so far)", addr, ntohs(sin->sin_port), (unsigned long long)b->unknown_accepts);
	if (!u) {
		u = oldest;   /* a free slot (logged_ms 0) or the one logged longest ago */
		u->addr = sin->sin_addr.s_addr;
	}
	u->logged_ms = b->now_ms ? b->now_ms : 1;
	u->suppressed = 0;
}

static void bgp_accept_all(struct bgp_listener *l)
{
	struct bgp *b = l->bgp;

	for (;;) {
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		struct bgp_peer *p;
		int fd = accept4(l->fd, (struct sockaddr *)&sin, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				bgp_log(b, BGP_LOG_WARN, "accept: %s", strerror(errno));
			return;
		}
		p = sin.sin_family == AF_INET ? bgp_find_peer(b, sin.sin_addr.s_addr) : NULL;
		if (!p) {
			close(fd);
			bgp_unknown_accept(b, &sin);
			continue;
		}
		bgp_peer_accept(p, fd);
	}
}

/* The peer's OPEN on connection c (OpenSent). */
static void bgp_handle_open(struct bgp_conn *c, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	struct bgp *b = p->bgp;
	struct bgp_conn *other;
	struct bgp_error err;
	struct bgp_open o;
	uint16_t hold;

	memset(&err, 0, sizeof(err));
	memset(&o, 0, sizeof(o));
	if (bgp_open_decode(body, len, &o, &err) != 0) {
		bgp_conn_error(c, &err);
		return;
	}
	if (o.version != BGP_VERSION) {
		static const uint8_t ver[2] = { 0, BGP_VERSION };

		bgp_conn_fail(c, BGP_ERR_OPEN, 1, ver, sizeof(ver), "unsupported version %u", o.version);
		return;
	}
	if (o.asn != p->cfg.remote_as) {
		bgp_conn_fail(c, BGP_ERR_OPEN, 2, NULL, 0, "peer AS %u, configured remote-as %u", o.asn,
			      p->cfg.remote_as);
		return;
	}
	if (o.bgp_id == 0 || o.bgp_id == b->local.router_id) {
		char id[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &o.bgp_id, id, sizeof(id));
		bgp_conn_fail(c, BGP_ERR_OPEN, 3, NULL, 0, "bad BGP identifier %s", id);
		return;
	}
	if (o.hold_time == 1 || o.hold_time == 2) {
		bgp_conn_fail(c, BGP_ERR_OPEN, 6, NULL, 0, "unacceptable hold time %u", o.hold_time);
		return;
	}
	if (!o.caps.mp_evpn) {
		bgp_conn_fail(c, BGP_ERR_OPEN, 7, bgp_mp_evpn_cap, sizeof(bgp_mp_evpn_cap),
			      "peer does not offer the multiprotocol capability for L2VPN EVPN (AFI 25/SAFI 70)");
		return;
	}

	/* Connection collision (RFC 4271 section 6.8). */
	other = c == p->out ? p->in : p->out;
	if (other && other->state == BGP_ST_ESTABLISHED && p->st.gr && !c->outgoing) {
		/* The restarted peer's OPEN: its old session ends here, gracefully (see bgp_peer_accept). */
		bgp_conn_end(other, BGP_END_GR_REPLACED, "the peer restarted: a new connection replaces the session "
			     "(graceful restart)");
		other = NULL;
	}
	if (other && other->state == BGP_ST_ESTABLISHED) {
		bgp_conn_notify(c, BGP_ERR_CEASE, 7, NULL, 0);
		bgp_conn_end(c, BGP_END_COLLISION, "connection collision: session already established");
		return;
	}
	if (other && other->state == BGP_ST_CONNECT) {
		/* Our own attempt: if it has in fact completed, it takes part in the collision. */
		if (bgp_connect_result(other->fd) == 0) {
			bgp_conn_up(other);
		} else {
			bgp_conn_close(other);
			other = NULL;
		}
	}
	if (other) {
		bool keep_ours = ntohl(b->local.router_id) > ntohl(o.bgp_id);
		struct bgp_conn *loser = keep_ours ? p->in : p->out;

		bgp_log(b, BGP_LOG_INFO, "peer %s: connection collision: keeping the connection %s initiated",
			p->name, keep_ours ? "we" : "the peer");
		bgp_conn_notify(loser, BGP_ERR_CEASE, 7, NULL, 0);
		bgp_conn_end(loser, BGP_END_COLLISION, "connection collision resolution");
		if (loser == c)
			return;
	}

	hold = bgp_peer_hold_cfg(p);
	if (o.hold_time < hold)
		hold = o.hold_time;
	c->hold = hold;
	c->ka = hold ? (hold / 3 ? hold / 3 : 1) : 0;
	c->ext_msg = o.caps.ext_msg;
	p->st.peer_open = o;
	p->st.as4 = o.caps.as4;
	p->st.ext_msg = o.caps.ext_msg;
	p->st.gr = b->local.graceful_restart && o.caps.gr && o.caps.gr_evpn;
	p->st.hold_time = hold;
	bgp_conn_send_keepalive(c);
	c->state = BGP_ST_OPENCONFIRM;
	c->hold_at = hold ? b->now_ms + hold * 1000ull : 0;
	c->ka_at = c->ka ? b->now_ms + c->ka * 1000ull : 0;
	bgp_peer_state_from_conns(p, NULL);
}

static void bgp_established(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp *b = p->bgp;

	c->state = BGP_ST_ESTABLISHED;
	p->retry_cur = bgp_peer_retry_initial(p);
	p->retry_at = 0;
	p->st.established_count++;
	p->st.established_at = (uint64_t)time(NULL);
	bgp_peer_set_state(p, BGP_ST_ESTABLISHED, NULL);
	bgp_log(b, BGP_LOG_INFO, "peer %s: session up: AS %u, hold %u s, 4-octet AS %s, extended messages %s, "
		"graceful restart %s", p->name, p->st.peer_open.asn, c->hold, p->st.as4 ? "yes" : "no",
		p->st.ext_msg ? "yes" : "no", p->st.gr ? "yes" : "no");
	if (b->ops.established)
		b->ops.established(p, b->ctx);
}

static void bgp_handle_notification(struct bgp_conn *c, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	const uint8_t *data = NULL;
	size_t data_len = 0;
	uint8_t code = 0, subcode = 0;
	char text[140] = "", reason[160];

	if (bgp_notification_decode(body, len, &code, &subcode, &data, &data_len) != 0) {
		data = NULL;
		data_len = 0;
	}
	p->st.last_notif_rcvd[0] = code;
	p->st.last_notif_rcvd[1] = subcode;
	/* Shutdown communication (RFC 9003) as text, other data in hex. */
	if (code == BGP_ERR_CEASE && (subcode == 2 || subcode == 4) && data_len > 1 && data[0] == data_len - 1) {
		size_t n = data_len - 1 < sizeof(text) - 3 ? data_len - 1 : sizeof(text) - 3;

		text[0] = '"';
		for (size_t i = 0; i < n; i++)
			text[i + 1] = data[i + 1] >= 0x20 && data[i + 1] < 0x7f ? (char)data[i + 1] : '.';
		text[n + 1] = '"';
		text[n + 2] = '\0';
	} else {
		size_t off = 0;

		for (size_t i = 0; i < data_len && off + 3 < sizeof(text); i++)
			off += (size_t)snprintf(text + off, sizeof(text) - off, "%02x", data[i]);
	}
	bgp_log(p->bgp, BGP_LOG_WARN, "peer %s sent NOTIFICATION %u/%u (%s): %s", p->name, code, subcode,
		bgp_error_name(code, subcode), data_len ? text : "no data");
	snprintf(reason, sizeof(reason), "received NOTIFICATION %u/%u (%s)", code, subcode,
		 bgp_error_name(code, subcode));
	bgp_conn_end(c, BGP_END_NOTIF_RCVD, reason);
}

/*
 * May a line about a malformed UPDATE of p be logged now? One per BGP_BAD_LOG_MS per peer, so
 * that a peer sending thousands cannot flood the log; the counters count every one. more:
 * what to append about the lines held back since the last one ("" when none).
 */
static bool bgp_bad_log_ok(struct bgp_peer *p, char *more, size_t more_len)
{
	uint64_t now = p->bgp->now_ms;

	more[0] = '\0';
	if (p->bad_logged && now - p->bad_logged_ms < BGP_BAD_LOG_MS) {
		p->bad_suppressed++;
		p->st.bad_logs_suppressed++;
		return false;
	}
	if (p->bad_suppressed)
		snprintf(more, more_len, " [%" PRIu64 " more not logged]", p->bad_suppressed);
	p->bad_logged = true;
	p->bad_logged_ms = now;
	p->bad_suppressed = 0;
	return true;
}

static void bgp_handle_update(struct bgp_conn *c, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	struct bgp *b = p->bgp;
	struct bgp_update u;
	struct bgp_error err;
	char more[80];
	bool bad;

	memset(&u, 0, sizeof(u));
	memset(&err, 0, sizeof(err));
	if (bgp_update_decode(body, len, p->st.as4, &u, b->reach, BGP_ROUTES_MAX, b->unreach, BGP_ROUTES_MAX,
			      &err) != 0) {
		p->st.updates_rejected++;
		bgp_log(b, BGP_LOG_WARN, "peer %s: UPDATE rejected: %s", p->name, err.reason);
		bgp_conn_error(c, &err);
		return;
	}
	if (u.truncated) {
		p->truncated++;
		bgp_log(b, BGP_LOG_WARN, "peer %s: UPDATE with more than %u routes: the rest were ignored", p->name,
			BGP_ROUTES_MAX);
	}
	bad = u.attrs.action == BGP_ATTR_TREAT_AS_WITHDRAW || u.n_evpn_malformed || u.n_evpn_label0 ||
	      u.n_evpn_host_bits || u.attrs.n_discarded;
	if (u.attrs.action == BGP_ATTR_TREAT_AS_WITHDRAW)
		p->st.treat_as_withdraw++;
	p->st.attrs_discarded += u.attrs.n_discarded;
	p->st.evpn_malformed += u.n_evpn_malformed;
	p->st.evpn_bad_withdrawn += u.n_evpn_bad_withdrawn;
	for (int i = 0; i < EVPN_NLRI_ERR_MAX; i++)
		p->st.evpn_bad[i] += u.n_evpn_bad[i];
	p->st.evpn_label0 += u.n_evpn_label0;
	p->st.evpn_host_bits += u.n_evpn_host_bits;
	if (bad && bgp_bad_log_ok(p, more, sizeof(more))) {
		if (u.attrs.action == BGP_ATTR_TREAT_AS_WITHDRAW)
			bgp_log(b, BGP_LOG_WARN, "peer %s: UPDATE treated as withdraw: %s%s", p->name,
				u.attrs.action_reason, more);
		else if (u.attrs.n_discarded && !(u.n_evpn_malformed || u.n_evpn_label0 || u.n_evpn_host_bits))
			bgp_log(b, BGP_LOG_WARN, "peer %s: UPDATE: %" PRIu32 " attributes discarded: %s%s", p->name,
				u.attrs.n_discarded, u.attrs.action_reason, more);
		if (u.n_evpn_malformed || u.n_evpn_label0 || u.n_evpn_host_bits)
			bgp_log(b, BGP_LOG_WARN,
				"peer %s: UPDATE: %" PRIu32 " malformed EVPN routes treated as withdrawn (%" PRIu32
				" by key), %" PRIu32 " type-5 label 0, %" PRIu32 " normalised: %s%s",
				p->name, u.n_evpn_malformed, u.n_evpn_bad_withdrawn, u.n_evpn_label0, u.n_evpn_host_bits,
				u.evpn_reason, more);
	}
	if (b->ops.update)
		b->ops.update(p, &u, b->reach, b->unreach, b->ctx);
}

static void bgp_handle_refresh(struct bgp_conn *c, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	struct bgp *b = p->bgp;
	struct bgp_error err;
	uint16_t afi;
	uint8_t subtype, safi;

	memset(&err, 0, sizeof(err));
	if (bgp_route_refresh_decode(body, len, &afi, &subtype, &safi, &err) != 0) {
		bgp_conn_error(c, &err);
		return;
	}
	if (afi != EVPN_AFI || safi != EVPN_SAFI) {
		bgp_log(b, BGP_LOG_DEBUG, "peer %s: ignored ROUTE-REFRESH for AFI %u/SAFI %u", p->name, afi, safi);
		return;
	}
	if (subtype != 0) /* RFC 7313 BoRR/EoRR markers: nothing to do */
		return;
	if (b->ops.refresh)
		b->ops.refresh(p, b->ctx);
}

/* One whole message on connection c. */
static void bgp_conn_message(struct bgp_conn *c, uint8_t type, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	uint64_t now = p->bgp->now_ms;

	if (type < 6)
		p->st.msgs_in[type]++;
	if (type == BGP_MSG_NOTIFICATION) {
		bgp_handle_notification(c, body, len);
		return;
	}
	switch (c->state) {
	case BGP_ST_OPENSENT:
		if (type == BGP_MSG_OPEN) {
			bgp_handle_open(c, body, len);
			return;
		}
		break;
	case BGP_ST_OPENCONFIRM:
		if (type == BGP_MSG_KEEPALIVE) {
			c->hold_at = c->hold ? now + c->hold * 1000ull : 0;
			bgp_established(c);
			return;
		}
		break;
	case BGP_ST_ESTABLISHED:
		if (type == BGP_MSG_OPEN)
			break;
		c->hold_at = c->hold ? now + c->hold * 1000ull : 0;
		if (type == BGP_MSG_UPDATE)
			bgp_handle_update(c, body, len);
		else if (type == BGP_MSG_ROUTE_REFRESH)
			bgp_handle_refresh(c, body, len);
		return;
	default:
		break;
	}
	bgp_conn_fail(c, BGP_ERR_FSM, c->state == BGP_ST_OPENSENT ? 1 : c->state == BGP_ST_OPENCONFIRM ? 2 : 3, NULL,
		      0, "unexpected %s in state %s", bgp_msg_name(type), bgp_state_name(c->state));
}

/* Handle every whole message in the input buffer; keep a partial one for the next read. */
static void bgp_conn_parse(struct bgp_conn *c)
{
	size_t off = 0;

	while (!c->dead) {
		size_t max = c->ext_msg && c->state >= BGP_ST_OPENCONFIRM ? BGP_MAX_MSG_EXT : BGP_MAX_MSG;
		struct bgp_error err;
		uint16_t mlen;
		uint8_t type;
		int r;

		memset(&err, 0, sizeof(err));
		r = bgp_header_parse(c->in + off, c->in_len - off, max, &mlen, &type, &err);
		if (r == EAGAIN)
			break;
		if (r) {
			bgp_log(c->peer->bgp, BGP_LOG_WARN, "peer %s: bad message header: %s", c->peer->name,
				err.reason);
			bgp_conn_error(c, &err);
			return;
		}
		if (c->in_len - off < mlen)
			break;
		bgp_conn_message(c, type, c->in + off + BGP_HDR_LEN, mlen - BGP_HDR_LEN);
		off += mlen;
	}
	if (c->dead)
		return;
	if (off) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
}

static void bgp_conn_read(struct bgp_conn *c)
{
	for (int i = 0; i < BGP_READ_BUDGET && !c->dead; i++) {
		ssize_t n = recv(c->fd, c->in + c->in_len, BGP_IN_BUF - c->in_len, MSG_DONTWAIT);

		if (n < 0) {
			char why[96];

			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			snprintf(why, sizeof(why), "connection lost: %s", strerror(errno));
			bgp_conn_end(c, BGP_END_TCP, why);
			return;
		}
		if (n == 0) {
			bgp_conn_end(c, BGP_END_TCP, "connection closed by the peer");
			return;
		}
		c->in_len += (size_t)n;
		bgp_conn_parse(c);
	}
}

static void bgp_conn_event(struct bgp_conn *c, uint32_t events)
{
	if (c->dead)
		return;
	if (c->state == BGP_ST_CONNECT) {
		int err = bgp_connect_result(c->fd);

		if (err == 0)
			bgp_conn_up(c);
		else if (err != EINPROGRESS)
			bgp_peer_connect_failed(c->peer, "connect", err);
		return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		bgp_conn_read(c);
	if (!c->dead && (events & EPOLLOUT))
		bgp_conn_flush(c);
}

/* End connections whose writes failed. */
static void bgp_check_write_errors(struct bgp *b)
{
	for (size_t i = 0; i < b->n_peers; i++) {
		struct bgp_peer *p = b->peers[i];
		struct bgp_conn *cs[2] = { p->out, p->in };

		for (int j = 0; j < 2; j++) {
			char why[96];

			if (!cs[j] || cs[j]->dead || !cs[j]->werr)
				continue;
			snprintf(why, sizeof(why), "connection lost: %s", strerror(cs[j]->werr));
			bgp_conn_end(cs[j], BGP_END_TCP, why);
		}
	}
}

/* ---------------------------------------------------------------------------------------- */
/* API                                                                                      */
/* ---------------------------------------------------------------------------------------- */

struct bgp *bgp_new(const struct bgp_local *local, const struct bgp_ops *ops, void *ctx)
{
	struct bgp *b;

	if (!local || !local->asn || !local->router_id || local->hold_time == 1 || local->hold_time == 2 ||
	    local->gr_time > 4095 || local->n_listen > BGP_MAX_LISTEN) {
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->local = *local;
	b->local.hostname[sizeof(b->local.hostname) - 1] = '\0';
	if (!b->local.port)
		b->local.port = BGP_PORT;
	if (!b->local.hold_time)
		b->local.hold_time = 90;
	if (!b->local.gr_time)
		b->local.gr_time = 120;
	if (ops)
		b->ops = *ops;
	b->ctx = ctx;
	b->n_lis = b->local.n_listen ? b->local.n_listen : 1;
	for (size_t i = 0; i < b->n_lis; i++) {
		b->lis[i].kind = BGP_EV_LISTEN;
		b->lis[i].bgp = b;
		b->lis[i].fd = -1;
		b->lis[i].addr = b->local.n_listen ? b->local.listen[i] : b->local.local_addr;
	}
	b->now_ms = bgp_mono_ms();
	b->reach = calloc(BGP_ROUTES_MAX, sizeof(*b->reach));
	b->unreach = calloc(BGP_ROUTES_MAX, sizeof(*b->unreach));
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0 || !b->reach || !b->unreach) {
		int err = b->epfd < 0 ? errno : ENOMEM;

		if (b->epfd >= 0)
			close(b->epfd);
		free(b->reach);
		free(b->unreach);
		free(b);
		errno = err;
		return NULL;
	}
	return b;
}

void bgp_free(struct bgp *b)
{
	if (!b)
		return;
	b->freeing = true;
	for (size_t i = 0; i < b->n_peers; i++) {
		struct bgp_peer *p = b->peers[i];
		struct bgp_conn *cs[2] = { p->out, p->in };

		for (int j = 0; j < 2; j++) {
			if (!cs[j])
				continue;
			if (cs[j]->state == BGP_ST_OPENCONFIRM || cs[j]->state == BGP_ST_ESTABLISHED)
				bgp_conn_notify(cs[j], BGP_ERR_CEASE, 2, NULL, 0);
			bgp_conn_close(cs[j]);
		}
		if (p->state != BGP_ST_IDLE)
			bgp_log(b, BGP_LOG_INFO, "peer %s: %s -> Idle (shutting down)", p->name,
				bgp_state_name(p->state));
		free(p);
	}
	bgp_free_dead(b);
	free(b->peers);
	for (size_t i = 0; i < b->n_lis; i++)
		if (b->lis[i].fd >= 0)
			close(b->lis[i].fd);
	close(b->epfd);
	free(b->reach);
	free(b->unreach);
	free(b);
}

int bgp_fd(const struct bgp *b)
{
	return b->epfd;
}

static void bgp_peer_cfg_set(struct bgp_peer *p, const struct bgp_peer_config *c);

int bgp_add_peer(struct bgp *b, const struct bgp_peer_config *c, struct bgp_peer **out)
{
	struct bgp_peer *p;

	if (bgp_peer_config_check(c))
		return EINVAL;
	if (bgp_find_peer(b, c->addr))
		return EEXIST;
	if (b->n_peers == b->cap_peers) {
		size_t cap = b->cap_peers ? b->cap_peers * 2 : 8;
		struct bgp_peer **n = realloc(b->peers, cap * sizeof(*n));

		if (!n)
			return ENOMEM;
		b->peers = n;
		b->cap_peers = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	p->bgp = b;
	bgp_peer_cfg_set(p, c);
	p->retry_cur = p->cfg.connect_retry;
	inet_ntop(AF_INET, &p->cfg.addr, p->name, sizeof(p->name));
	p->state = p->st.state = BGP_ST_IDLE;
	b->peers[b->n_peers++] = p;
	bgp_listener_peer_opts(b, p);
	bgp_peer_start(p);
	if (out)
		*out = p;
	return 0;
}

int bgp_start(struct bgp *b)
{
	int err;

	if (b->started)
		return EALREADY;
	err = bgp_listen_try(b);
	if (err)
		return err;
	b->started = true;
	for (size_t i = 0; i < b->n_peers; i++)
		bgp_peer_start(b->peers[i]);
	return 0;
}

void bgp_process(struct bgp *b)
{
	struct epoll_event ev[BGP_EVENTS];
	int n = epoll_wait(b->epfd, ev, BGP_EVENTS, 0);

	for (int i = 0; i < n; i++) {
		if (*(const enum bgp_ev_kind *)ev[i].data.ptr == BGP_EV_LISTEN) {
			struct bgp_listener *l = ev[i].data.ptr;

			if (l->fd >= 0)
				bgp_accept_all(l);
			continue;
		}
		bgp_conn_event(ev[i].data.ptr, ev[i].events);
	}
	bgp_check_write_errors(b);
	bgp_free_dead(b);
}

void bgp_tick(struct bgp *b, uint64_t now_ms)
{
	b->now_ms = now_ms;
	if (b->started && now_ms >= b->listen_retry_at && bgp_listen_pending(b))
		bgp_listen_try(b);
	bgp_check_write_errors(b);
	for (size_t i = 0; i < b->n_peers; i++) {
		struct bgp_peer *p = b->peers[i];
		struct bgp_conn *cs[2] = { p->out, p->in };

		for (int j = 0; j < 2; j++) {
			struct bgp_conn *c = cs[j];

			if (!c || c->dead)
				continue;
			if (c->hold_at && now_ms >= c->hold_at) {
				char why[64];

				snprintf(why, sizeof(why), "hold timer expired (%u s)",
					 c->state == BGP_ST_OPENSENT ? BGP_OPEN_HOLD : c->hold);
				bgp_conn_notify(c, BGP_ERR_HOLD_TIMER, 0, NULL, 0);
				bgp_conn_end(c, BGP_END_HOLD, why);
				continue;
			}
			if (c->ka_at && now_ms >= c->ka_at) {
				bgp_conn_send_keepalive(c);
				c->ka_at = now_ms + c->ka * 1000ull;
			}
		}
		if (!p->retry_at || now_ms < p->retry_at)
			continue;
		if (p->out && p->out->state == BGP_ST_CONNECT) {
			/* Connect did not finish in time: try again, backing off. */
			bgp_log(b, BGP_LOG_DEBUG, "peer %s: connect timed out after %u s", p->name, p->retry_cur);
			bgp_conn_close(p->out);
			bgp_retry_backoff(p);
			bgp_peer_connect(p);
		} else if (!p->out && !p->in) {
			bgp_peer_start(p);
		} else {
			p->retry_at = 0;
		}
	}
	bgp_free_dead(b);
}

size_t bgp_peer_count(const struct bgp *b)
{
	return b->n_peers;
}

struct bgp_peer *bgp_peer_at(const struct bgp *b, size_t i)
{
	return i < b->n_peers ? b->peers[i] : NULL;
}

const struct bgp_peer_config *bgp_peer_config(const struct bgp_peer *p)
{
	return &p->cfg;
}

void bgp_peer_get_stats(const struct bgp_peer *p, struct bgp_peer_stats *st)
{
	*st = p->st;
	st->state = p->state;
}

enum bgp_state bgp_peer_state(const struct bgp_peer *p)
{
	return p->state;
}

bool bgp_peer_is_ibgp(const struct bgp_peer *p)
{
	return p->cfg.remote_as == p->bgp->local.asn;
}

size_t bgp_peer_max_msg(const struct bgp_peer *p)
{
	return p->st.ext_msg ? BGP_MAX_MSG_EXT : BGP_MAX_MSG;
}

bool bgp_peer_as4(const struct bgp_peer *p)
{
	return p->st.as4;
}

const struct bgp_local *bgp_local_config(const struct bgp *b)
{
	return &b->local;
}

uint64_t bgp_unknown_accepts(const struct bgp *b)
{
	return b->unknown_accepts;
}

int bgp_peer_send(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	struct bgp_conn *c = bgp_peer_est(p);
	size_t max = bgp_peer_max_msg(p), off = 0;

	if (!c)
		return ENOTCONN;
	if (!msg || len < BGP_HDR_LEN)
		return EINVAL;
	while (off < len) {
		size_t mlen;

		if (len - off < BGP_HDR_LEN)
			return EINVAL;
		mlen = bgp_get16(msg + off + 16);
		if (mlen < BGP_HDR_LEN || mlen > len - off)
			return EINVAL;
		if (mlen > max)
			return EMSGSIZE;
		off += mlen;
	}
	return bgp_conn_queue(c, msg, len, true);
}

size_t bgp_peer_pending(const struct bgp_peer *p)
{
	const struct bgp_conn *c = bgp_peer_est(p);

	return c ? c->out_len - c->out_off : 0;
}

/*
 * NOTIFICATION code/subcode on p's connections (those past Connect), close them, Idle; ops->down
 * (not graceful) when it was Established. retry: connect-retry runs (with back-off) as after
 * any session loss; otherwise the caller restarts or frees p.
 */
static void bgp_peer_halt(struct bgp_peer *p, uint8_t code, uint8_t subcode, const char *why, bool retry)
{
	struct bgp *b = p->bgp;
	struct bgp_conn *est = bgp_peer_est(p);
	struct bgp_conn *cs[2] = { p->out, p->in };
	char reason[200];

	snprintf(reason, sizeof(reason), "stopped: %s; sent NOTIFICATION %u/%u (%s)", why ? why : "no reason given",
		 code, subcode, bgp_error_name(code, subcode));
	for (int j = 0; j < 2; j++) {
		if (!cs[j])
			continue;
		bgp_conn_notify(cs[j], code, subcode, NULL, 0);
		bgp_conn_close(cs[j]);
	}
	snprintf(p->st.last_error, sizeof(p->st.last_error), "peer %s: %.130s", p->name, reason);
	bgp_peer_set_state(p, BGP_ST_IDLE, reason);
	p->retry_at = 0;
	if (retry && !b->freeing && b->started) {
		p->retry_at = b->now_ms + (uint64_t)p->retry_cur * 1000;
		bgp_retry_backoff(p);
	}
	if (est && b->ops.down && !b->freeing)
		b->ops.down(p, false, 0, b->ctx);
}

void bgp_peer_stop(struct bgp_peer *p, uint8_t code, uint8_t subcode, const char *why)
{
	bgp_peer_halt(p, code, subcode, why, true);
}

int bgp_peer_config_check(const struct bgp_peer_config *c)
{
	if (!c || !c->addr || !c->remote_as || c->hold_time == 1 || c->hold_time == 2 ||
	    !memchr(c->password, '\0', sizeof(c->password)) || strlen(c->password) > TCP_MD5SIG_MAXKEYLEN ||
	    !memchr(c->source_ifname, '\0', sizeof(c->source_ifname)))
		return EINVAL;
	return 0;
}

/* connect_retry as bgp_add_peer keeps it. */
static uint16_t bgp_retry_norm(uint16_t v)
{
	return !v ? BGP_RETRY_DEFAULT : v > BGP_RETRY_MAX ? BGP_RETRY_MAX : v;
}

bool bgp_peer_config_resets(const struct bgp_peer_config *a, const struct bgp_peer_config *b)
{
	return a->addr != b->addr || a->remote_as != b->remote_as || a->passive != b->passive ||
	       a->hold_time != b->hold_time || bgp_retry_norm(a->connect_retry) != bgp_retry_norm(b->connect_retry) ||
	       strncmp(a->password, b->password, sizeof(a->password)) || a->ttl_security != b->ttl_security ||
	       a->source_addr != b->source_addr || strncmp(a->source_ifname, b->source_ifname, sizeof(a->source_ifname)) ||
	       a->has_local_pref != b->has_local_pref || (a->has_local_pref && a->local_pref != b->local_pref);
}

/* Take p's MD5 key off every listening socket (its password went or changed). */
static void bgp_listener_md5_del(struct bgp *b, const struct bgp_peer *p)
{
	for (size_t i = 0; i < b->n_lis; i++)
		if (b->lis[i].fd >= 0)
			bgp_set_md5(b->lis[i].fd, p->cfg.addr, "");   /* keylen 0 deletes; ENOENT when none */
}

static void bgp_peer_cfg_set(struct bgp_peer *p, const struct bgp_peer_config *c)
{
	p->cfg = *c;
	p->cfg.description[sizeof(p->cfg.description) - 1] = '\0';
	p->cfg.connect_retry = bgp_retry_norm(p->cfg.connect_retry);
}

int bgp_peer_reconfigure(struct bgp_peer *p, const struct bgp_peer_config *c, bool *reset)
{
	struct bgp *b = p->bgp;

	if (reset)
		*reset = false;
	if (bgp_peer_config_check(c) || c->addr != p->cfg.addr)
		return EINVAL;
	if (!bgp_peer_config_resets(&p->cfg, c)) {
		memcpy(p->cfg.description, c->description, sizeof(p->cfg.description));
		p->cfg.description[sizeof(p->cfg.description) - 1] = '\0';
		p->cfg.max_routes = c->max_routes;
		return 0;
	}
	bgp_peer_halt(p, BGP_ERR_CEASE, 6, "configuration changed", false);
	if (p->cfg.password[0])
		bgp_listener_md5_del(b, p);
	bgp_peer_cfg_set(p, c);
	bgp_listener_peer_opts(b, p);
	p->retry_cur = p->cfg.connect_retry;
	bgp_log(b, BGP_LOG_INFO, "peer %s: session reset for its new settings", p->name);
	bgp_peer_start(p);
	if (reset)
		*reset = true;
	return 0;
}

void bgp_remove_peer(struct bgp *b, struct bgp_peer *p)
{
	size_t i;

	for (i = 0; i < b->n_peers && b->peers[i] != p; i++)
		;
	if (i == b->n_peers)
		return;
	bgp_peer_halt(p, BGP_ERR_CEASE, 3, "neighbour removed from the configuration", false);
	if (p->cfg.password[0])
		bgp_listener_md5_del(b, p);
	bgp_log(b, BGP_LOG_INFO, "peer %s: removed", p->name);
	memmove(&b->peers[i], &b->peers[i + 1], (b->n_peers - i - 1) * sizeof(b->peers[0]));
	b->n_peers--;
	/* its connections wait on the dead list, which never looks at the peer again */
	free(p);
}
