/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bgp_msg.h: the BGP-4 wire codec (RFC 4271) with what an EVPN leaf needs: capabilities
 * (RFC 5492; multiprotocol 4760, 4-octet AS 6793, route refresh 2918/7313, graceful
 * restart 4724, extended message 8654), path attributes with RFC 7606 error handling, and
 * EVPN NLRI inside MP_REACH/MP_UNREACH (evpn.h). Pure codec: no sockets, no state, no
 * allocation; every decoder is bounds-checked and never reads past its input.
 */
#ifndef VTEP_BGP_MSG_H
#define VTEP_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evpn.h"

#define BGP_HDR_LEN 19
#define BGP_MAX_MSG 4096
#define BGP_MAX_MSG_EXT 65535
#define BGP_VERSION 4
#define BGP_AS_TRANS 23456
#define BGP_PORT 179

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

/* NOTIFICATION codes and the subcodes we send (RFC 4271 section 4.5, 6.x; RFC 4486). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,         /* 1 conn not synced, 2 bad length, 3 bad type */
	BGP_ERR_OPEN = 2,           /* 1 version, 2 bad peer AS, 3 bad BGP id, 4 unsupp. opt param, 6 hold time, 7 unsupp. capability */
	BGP_ERR_UPDATE = 3,         /* 1 malformed attr list, 2 unrecognized well-known, 3 missing well-known, 4 attr flags, 5 attr length, 6 invalid origin, 8 invalid next hop, 9 optional attr error, 10 invalid network field, 11 malformed AS_PATH */
	BGP_ERR_HOLD_TIMER = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,          /* 1 max prefixes, 2 admin shutdown, 3 peer deconfigured, 4 admin reset, 5 conn rejected, 6 other config change, 7 collision, 8 out of resources */
	BGP_ERR_ROUTE_REFRESH = 7,
};

/* What to tell the peer (and the log) when a message is rejected. */
struct bgp_error {
	uint8_t code, subcode;
	uint8_t data[64];
	size_t data_len;
	char reason[160];           /* human-readable, for logs and counters */
};

/* Capabilities, as sent in OPEN and as received from the peer. */
struct bgp_caps {
	bool mp_evpn;               /* AFI 25 / SAFI 70 */
	bool mp_ipv4_unicast;
	bool route_refresh;         /* code 2 */
	bool route_refresh_old;     /* code 128 (pre-standard) */
	bool enhanced_route_refresh;/* code 70 */
	bool as4;                   /* code 65 */
	uint32_t as4_asn;
	bool ext_msg;               /* code 6 */
	bool gr;                    /* code 64 */
	bool gr_restarting;         /* R bit */
	uint16_t gr_time;           /* restart time, seconds (12 bits) */
	bool gr_evpn;               /* EVPN listed in the GR capability */
	bool gr_evpn_fwd;           /* F bit for EVPN: forwarding state kept */
	bool llgr;                  /* code 71 (recognised, not used) */
	bool fqdn;                  /* code 73 */
	char hostname[64];
	uint32_t n_unknown;         /* capabilities we ignored */
};

struct bgp_open {
	uint8_t version;
	uint16_t my_as;             /* the 2-octet field (AS_TRANS when the AS needs 4 octets) */
	uint16_t hold_time;
	uint32_t bgp_id;            /* network order */
	struct bgp_caps caps;
	uint32_t asn;               /* effective AS: caps.as4_asn if present, else my_as */
};

/* Path attributes of an UPDATE, decoded. Only what EVPN uses is kept; others are skipped. */
#define BGP_MAX_AS_PATH 64
#define BGP_MAX_EXT_COMM 64
enum bgp_attr_action {
	BGP_ATTR_OK = 0,
	BGP_ATTR_TREAT_AS_WITHDRAW, /* RFC 7606: keep the session, withdraw the update's routes */
};
struct bgp_attrs {
	bool has_origin;
	uint8_t origin;
	bool has_as_path;
	uint8_t as_path_len;        /* ASes of all segments, in order (max 255); list truncated at 64 */
	uint32_t as_path[BGP_MAX_AS_PATH];
	bool has_next_hop;          /* attribute 3 (IPv4 unicast) */
	uint32_t next_hop;
	bool has_med;
	uint32_t med;
	bool has_local_pref;
	uint32_t local_pref;
	uint8_t mp_nh_len;          /* MP_REACH next hop: 4 (IPv4) or 16/32 (IPv6) */
	uint8_t mp_nh[32];
	uint32_t n_ext_comm;
	uint64_t ext_comm[BGP_MAX_EXT_COMM];
	bool has_pmsi;              /* attribute 22 (RFC 6514) */
	uint8_t pmsi_flags, pmsi_tunnel_type;
	uint32_t pmsi_label;        /* raw 24 bits */
	uint8_t pmsi_endpoint_len;
	uint8_t pmsi_endpoint[16];
	bool has_originator_id;     /* route reflection: kept for loop checks */
	uint32_t originator_id;
	enum bgp_attr_action action;
	char action_reason[160];    /* why, when action != OK */
	uint32_t n_discarded;       /* attributes discarded under RFC 7606 attribute-discard */
};

struct bgp_update {
	struct bgp_attrs attrs;
	size_t n_reach, n_unreach;  /* EVPN routes of type 2/3/5, stored in the caller's arrays */
	uint32_t n_skipped[8];      /* EVPN routes of other types, by type (index 0: unknown) */
	/*
	 * EVPN routes are checked one by one (RFC 7606 section 5.4 and 7.x, RFC 7432 section 20:
	 * keep the session when the damage is contained). A malformed route whose own length byte
	 * still delimits it (any type: bad MAC or IP length, a label cut short, a type-5 length
	 * not 34/58 or prefix length past 32/128, a type-2 advertised without a label) is
	 * treat-as-withdraw: when its key (RD, tag, MAC, IP) can still be read it goes into the
	 * unreach array, so that what the peer advertised before under that key is withdrawn;
	 * otherwise it is dropped; the other routes of the UPDATE are kept. Only an NLRI whose
	 * length cannot be read (it overruns its attribute) resets the session. A type-5 route
	 * advertised with label 0 and no overlay index (gateway IP and ESI zero) is treated as
	 * withdrawn (RFC 9136 section 3.1: put in the unreach array); prefix bits past the prefix
	 * length are cleared and counted. evpn_reason: the first of these, for the log.
	 */
	uint32_t n_evpn_malformed;                  /* malformed EVPN routes, all types (1 and 4 too) */
	uint32_t n_evpn_bad[EVPN_NLRI_ERR_MAX];     /* ... by reason */
	uint32_t n_evpn_bad_withdrawn;              /* ... of those, withdrawn by their key (in unreach) */
	uint32_t n_evpn_label0, n_evpn_host_bits;
	char evpn_reason[160];
	uint32_t n_ipv4_withdrawn, n_ipv4_nlri;  /* plain IPv4 unicast prefixes (ignored) */
	bool end_of_rib_evpn;       /* MP_UNREACH for 25/70 with no NLRI and nothing else */
	bool end_of_rib_ipv4;       /* an empty UPDATE */
	bool has_mp_reach_evpn, has_mp_unreach_evpn;
	bool truncated;             /* more routes than the caller's arrays held (counted, not fatal) */
};

/*
 * Header: validates marker, length (19 .. max_len, per type minimums) and type. Returns 0 and
 * fills *msg_len and *type, EAGAIN when fewer than 19 bytes are available, EBADMSG with err.
 */
int bgp_header_parse(const uint8_t *buf, size_t len, size_t max_len, uint16_t *msg_len, uint8_t *type,
		     struct bgp_error *err);

/* Encoders write whole messages (header included) into buf; they return the length, 0 if cap is too small. */
size_t bgp_keepalive_encode(uint8_t *buf, size_t cap);
size_t bgp_open_encode(uint8_t *buf, size_t cap, const struct bgp_open *o);
size_t bgp_notification_encode(uint8_t *buf, size_t cap, uint8_t code, uint8_t subcode, const uint8_t *data,
			       size_t data_len);
size_t bgp_route_refresh_encode(uint8_t *buf, size_t cap, uint16_t afi, uint8_t subtype, uint8_t safi);
/* End-of-RIB for EVPN: an UPDATE with only MP_UNREACH_NLRI (25/70), no NLRI. */
size_t bgp_eor_evpn_encode(uint8_t *buf, size_t cap);

/*
 * An UPDATE advertising (withdraw = false: MP_REACH_NLRI + attrs) or withdrawing (MP_UNREACH,
 * no other attribute) EVPN routes. Attribute order: ORIGIN, AS_PATH, MP_REACH, EXT_COMM, PMSI.
 * as4: encode AS_PATH with 4-octet ASes (peer has the capability). Encodes as many of the n
 * routes as fit in max_len bytes; *n_done says how many. Returns the message length or 0.
 */
size_t bgp_update_encode_evpn(uint8_t *buf, size_t max_len, const struct bgp_attrs *attrs,
			      const struct evpn_route *routes, size_t n, bool withdraw, bool as4, size_t *n_done);

/*
 * Decoders take the message body (after the 19-byte header). 0 on success; EBADMSG with err
 * when the message must be answered with a NOTIFICATION (session reset). For UPDATEs,
 * malformed attributes that RFC 7606 lets us survive set u->attrs.action to
 * BGP_ATTR_TREAT_AS_WITHDRAW (or count an attribute-discard) and return 0.
 * as4: the session negotiated 4-octet ASes.
 */
int bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_error *err);
int bgp_notification_decode(const uint8_t *body, size_t len, uint8_t *code, uint8_t *subcode,
			    const uint8_t **data, size_t *data_len);
int bgp_route_refresh_decode(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *subtype, uint8_t *safi,
			     struct bgp_error *err);
int bgp_update_decode(const uint8_t *body, size_t len, bool as4, struct bgp_update *u, struct evpn_route *reach,
		      size_t reach_cap, struct evpn_route *unreach, size_t unreach_cap, struct bgp_error *err);

/* "Cease/Administrative Shutdown" and the like, for logs. */
const char *bgp_error_name(uint8_t code, uint8_t subcode);

#endif
