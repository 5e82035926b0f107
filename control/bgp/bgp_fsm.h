/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bgp_fsm.h: BGP sessions (RFC 4271 section 8): one finite state machine per neighbour,
 * its TCP connection over the kernel's stack (active and passive, non-blocking), the hold,
 * keepalive and connect-retry timers (with back-off), OPEN negotiation, connection
 * collision, NOTIFICATION on every error, and graceful restart (RFC 4724) signalling.
 * It knows nothing of routes: decoded UPDATEs go up through struct bgp_ops, and the layer
 * above (the RIB) sends whole encoded messages down with bgp_peer_send().
 *
 * Runs on the control thread. A struct bgp owns an epoll fd with every socket of its own
 * in it; the daemon watches that one fd and calls bgp_process() when it is readable, and
 * bgp_tick() every few milliseconds. Everything returns 0 or a positive errno.
 */
#ifndef VTEP_BGP_FSM_H
#define VTEP_BGP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp_msg.h"

enum bgp_state {
	BGP_ST_IDLE,
	BGP_ST_CONNECT,
	BGP_ST_ACTIVE,
	BGP_ST_OPENSENT,
	BGP_ST_OPENCONFIRM,
	BGP_ST_ESTABLISHED,
};
const char *bgp_state_name(enum bgp_state s);

#define BGP_MAX_LISTEN 16
#define BGP_IFNAME_MAX 16            /* IFNAMSIZ */

/* This speaker. */
struct bgp_local {
	uint32_t asn;
	uint32_t router_id;          /* network order */
	uint32_t local_addr;         /* network order: default source of outgoing connections (0: the kernel's
					choice) and the listen address when listen is empty (0: all addresses) */
	uint32_t listen[BGP_MAX_LISTEN];   /* network order: listen on these addresses only ... */
	size_t n_listen;             /* ... when n_listen > 0 */
	uint16_t port;               /* listen and connect port, default 179 (tests use others) */
	uint16_t hold_time;          /* proposed, default 90 */
	bool graceful_restart;       /* advertise GR (helper and restarting speaker) for EVPN */
	uint16_t gr_time;            /* restart time advertised, default 120 */
	char hostname[64];           /* FQDN capability; empty: not sent */
};

struct bgp_peer_config {
	uint32_t addr;               /* network order */
	uint32_t remote_as;
	bool passive;                /* never connect, only accept */
	uint16_t hold_time;          /* 0: use the local one */
	uint16_t connect_retry;      /* seconds, default 5; backs off x2 up to 120 */
	char password[80];           /* TCP MD5 (RFC 2385); empty: none */
	uint32_t max_routes;         /* 0: unlimited; enforced by the RIB through bgp_peer_stop() */
	bool ttl_security;           /* GTSM (RFC 5082): send TTL 255, accept only 255 */
	char description[64];
	/*
	 * Update source: outgoing connections are bound to source_addr, or to the first IPv4
	 * address of interface source_ifname (looked up at each attempt); neither given:
	 * bgp_local.local_addr. Incoming connections are accepted on any local address.
	 */
	uint32_t source_addr;        /* network order; 0: none */
	char source_ifname[BGP_IFNAME_MAX];
	bool has_local_pref;         /* LOCAL_PREF sent to this (iBGP) peer; false: the speaker's default */
	uint32_t local_pref;
};

struct bgp_peer_stats {
	enum bgp_state state;
	uint64_t established_at;     /* seconds since the epoch, 0 if never */
	uint32_t established_count;  /* times the session came up */
	uint64_t msgs_in[6], msgs_out[6];   /* by message type (index 0: unused) */
	uint64_t updates_rejected;   /* UPDATEs answered with a NOTIFICATION */
	uint64_t treat_as_withdraw;  /* UPDATEs whose routes were withdrawn under RFC 7606 */
	uint64_t attrs_discarded;
	/*
	 * EVPN routes whose length byte delimits them but whose content is malformed: treated as
	 * withdrawn (RFC 7606), the rest of the UPDATE kept and the session up. By reason
	 * (evpn_nlri_err_name); evpn_bad_withdrawn: those whose key could be read, withdrawn.
	 */
	uint64_t evpn_malformed;
	uint64_t evpn_bad[EVPN_NLRI_ERR_MAX];
	uint64_t evpn_bad_withdrawn;
	uint64_t bad_logs_suppressed;   /* log lines about such UPDATEs held back by the rate limit */
	uint64_t evpn_label0;        /* type-5 routes with label 0 and no overlay index, treated as withdrawn */
	uint64_t evpn_host_bits;     /* type-5 prefixes whose bits past the prefix length were cleared */
	uint8_t last_notif_sent[2], last_notif_rcvd[2];   /* code, subcode */
	char last_error[160];        /* why the session last went down, with the peer's address */
	struct bgp_open peer_open;   /* what the peer sent */
	bool as4, ext_msg, gr;       /* negotiated */
	uint16_t hold_time;          /* negotiated */
};

struct bgp;
struct bgp_peer;

/* Up-calls to the layer above. Any may be NULL. */
struct bgp_ops {
	/* The session reached Established: send the initial routes, then End-of-RIB. */
	void (*established)(struct bgp_peer *p, void *ctx);
	/*
	 * The session left Established. graceful: both sides negotiated GR for EVPN and the loss
	 * was not a NOTIFICATION we sent or received for an error, so the peer's routes are kept,
	 * marked stale, for restart_time seconds (the RIB ages them; End-of-RIB from the peer
	 * after it returns removes the stale ones left).
	 */
	void (*down)(struct bgp_peer *p, bool graceful, uint16_t restart_time, void *ctx);
	/* A decoded UPDATE (u->attrs.action tells treat-as-withdraw). */
	void (*update)(struct bgp_peer *p, const struct bgp_update *u, const struct evpn_route *reach,
		       const struct evpn_route *unreach, void *ctx);
	/* The peer asked for our routes again (ROUTE-REFRESH for EVPN). */
	void (*refresh)(struct bgp_peer *p, void *ctx);
	/*
	 * One log line, without newline; level as log.h's enum vlog_level (0 error, 1 warning,
	 * 2 info, 3 debug); peer: the neighbour's address when the line is about one, else NULL.
	 * NULL: error, warning and info lines go to stderr.
	 */
	void (*log)(int level, const char *peer, const char *msg, void *ctx);
};

struct bgp *bgp_new(const struct bgp_local *local, const struct bgp_ops *ops, void *ctx);
/* Sends Cease/Administrative Shutdown on every session, closes everything. */
void bgp_free(struct bgp *b);
/* The fd the daemon watches for readability (an epoll fd). */
int bgp_fd(const struct bgp *b);
/* Add a neighbour (before or after bgp_start). EEXIST for a duplicate address. */
int bgp_add_peer(struct bgp *b, const struct bgp_peer_config *c, struct bgp_peer **out);
/* Listen (listen[] or local_addr, port) and start every neighbour. */
int bgp_start(struct bgp *b);
/* Handle whatever I/O is ready. Never blocks. */
void bgp_process(struct bgp *b);
/* Timers; now_ms from CLOCK_MONOTONIC. */
void bgp_tick(struct bgp *b, uint64_t now_ms);

size_t bgp_peer_count(const struct bgp *b);
struct bgp_peer *bgp_peer_at(const struct bgp *b, size_t i);
const struct bgp_peer_config *bgp_peer_config(const struct bgp_peer *p);
void bgp_peer_get_stats(const struct bgp_peer *p, struct bgp_peer_stats *st);
enum bgp_state bgp_peer_state(const struct bgp_peer *p);
bool bgp_peer_is_ibgp(const struct bgp_peer *p);
/* Largest message the peer accepts (4096, or 65535 with extended messages). */
size_t bgp_peer_max_msg(const struct bgp_peer *p);
bool bgp_peer_as4(const struct bgp_peer *p);
const struct bgp_local *bgp_local_config(const struct bgp *b);
/* Connections refused because they came from an address that is no neighbour's. */
uint64_t bgp_unknown_accepts(const struct bgp *b);

/*
 * Queue a whole encoded message for the peer (Established only, else ENOTCONN). Output is
 * buffered and written as the socket allows; ENOBUFS when more than 16 MiB are queued.
 */
int bgp_peer_send(struct bgp_peer *p, const uint8_t *msg, size_t len);
/* Bytes queued but not yet written. */
size_t bgp_peer_pending(const struct bgp_peer *p);
/* Send a NOTIFICATION (Cease with subcode) and go to Idle; the peer restarts after connect-retry. */
void bgp_peer_stop(struct bgp_peer *p, uint8_t code, uint8_t subcode, const char *why);

/*
 * Neighbours changed at run time (the configuration reload, doc/reload.md).
 * bgp_peer_config_check: would bgp_add_peer take c? 0 or EINVAL (nothing else is checked).
 * bgp_peer_config_resets: does going from a to b (one address) need a new session? Every
 * setting does but the description and max_routes (enforced by the layer above).
 */
int bgp_peer_config_check(const struct bgp_peer_config *c);
bool bgp_peer_config_resets(const struct bgp_peer_config *a, const struct bgp_peer_config *b);
/*
 * Give peer p the settings c (same address, else EINVAL; c checked as bgp_add_peer does).
 * When bgp_peer_config_resets says so, the session is reset: NOTIFICATION Cease/6 (Other
 * Configuration Change, RFC 4486) on its connections, ops->down (not graceful) if it was
 * Established, and it starts again at once with the new settings, as at startup (the MD5 key
 * of the listening sockets follows). Otherwise only the description and max_routes change and
 * the session is untouched. *reset (may be NULL): whether it was reset.
 */
int bgp_peer_reconfigure(struct bgp_peer *p, const struct bgp_peer_config *c, bool *reset);
/*
 * Remove neighbour p: NOTIFICATION Cease/3 (Peer De-configured, RFC 4486) on its connections,
 * ops->down (not graceful) if it was Established, its MD5 key off the listening sockets, and p
 * freed. The peers after it move down one place in bgp_peer_at's order (which stays the
 * order of adding); a connection from its address is refused from now on. Not from inside an
 * up-call of the same speaker.
 */
void bgp_remove_peer(struct bgp *b, struct bgp_peer *p);

#endif
