/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * evpn.h: EVPN routes on the wire (RFC 7432, RFC 8365, RFC 9136): the NLRI of route types 2
 * (MAC/IP advertisement, with the optional second label of RFC 9135 symmetric IRB), 3
 * (inclusive multicast) and 5 (IP prefix), route distinguishers, and the extended communities
 * EVPN uses. Types 1 and 4 are recognised and skipped. Pure codec: no state.
 * Every decoder is bounds-checked against its input and never reads past it.
 */
#ifndef VTEP_EVPN_H
#define VTEP_EVPN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVPN_AFI 25
#define EVPN_SAFI 70

enum evpn_route_type {
	EVPN_RT_ETH_AD = 1,
	EVPN_RT_MAC_IP = 2,
	EVPN_RT_IMET = 3,           /* inclusive multicast Ethernet tag */
	EVPN_RT_ES = 4,
	EVPN_RT_IP_PREFIX = 5,
};

/* One EVPN route as carried in MP_REACH/MP_UNREACH (type 2, 3 or 5). */
struct evpn_route {
	uint8_t type;               /* EVPN_RT_MAC_IP, EVPN_RT_IMET or EVPN_RT_IP_PREFIX */
	uint8_t rd[8];              /* route distinguisher, as on the wire */
	uint8_t esi[10];            /* types 2 and 5 */
	uint32_t eth_tag;
	uint8_t mac[6];             /* type 2 */
	uint8_t ip_len;             /* bits: 0, 32 or 128 (type 2: host IP; type 3: originator IP;
	                               type 5: the family of the prefix, 32 or 128) */
	uint8_t ip[16];             /* IPv4 in the first 4 bytes; type 5: the prefix, bits past prefix_len zero */
	uint32_t label1;            /* raw 24-bit value: type 2 the L2 VNI, type 5 the L3 VNI */
	uint32_t label2;            /* type 2, optional: the L3 VNI (RFC 9135 symmetric IRB) */
	bool has_label2;
	uint8_t prefix_len;         /* type 5: IP prefix length, 0..32 or 0..128 */
	uint8_t gw_ip[16];          /* type 5: gateway IP (overlay index), the prefix's family; zero when unused */
};

/* Route identity: what withdrawals match on (never the labels; type 5: RD, tag, prefix and
 * its length, RFC 9136 section 3.1, not the ESI or gateway IP). */
bool evpn_route_same_key(const struct evpn_route *a, const struct evpn_route *b);

/*
 * Decode one NLRI at p (len bytes available). Returns the bytes consumed (> 0) and fills *r
 * for types 2, 3 and 5; for types 1, 4 and unknown types returns the bytes consumed and sets
 * *skipped to the type (r untouched). Returns 0 on a malformed NLRI of type 2, 3 or 5 (length
 * beyond the input, a length that does not fit the type, MAC length != 48, IP length not
 * 0/32/128, type-5 length not 34 or 58, type-5 prefix length past 32 or 128).
 * Type 2: the length byte says which labels are present (none, as some MP_UNREACH senders do; one; two).
 * Type 5: prefix bits past the prefix length are cleared (RFC 9136 says they should be zero;
 * the route is kept, normalised, as FRR's tables do), so that its key is the prefix.
 */
size_t evpn_nlri_decode(const uint8_t *p, size_t len, struct evpn_route *r, uint8_t *skipped);

/* Why an NLRI is malformed (RFC 7606 treat-as-withdraw reasons; counters are indexed by it). */
enum evpn_nlri_err {
	EVPN_NLRI_OK = 0,
	EVPN_NLRI_BAD_LENGTH,       /* the length byte does not fit the type (a label cut short, bytes left over) */
	EVPN_NLRI_BAD_MAC_LEN,      /* type 2: MAC length not 48 */
	EVPN_NLRI_BAD_IP_LEN,       /* types 2, 3, 4: IP length not 0 (type 2 only), 32 or 128 */
	EVPN_NLRI_BAD_PREFIX_LEN,   /* type 5: prefix length past 32 or 128 */
	EVPN_NLRI_BAD_FAMILY,       /* type 5: length not 34 (IPv4) or 58 (IPv6): families mixed or cut */
	EVPN_NLRI_NO_LABEL,         /* type 2 advertised without its label (bgp_msg.c: only withdrawals may omit it) */
	EVPN_NLRI_ERR_MAX
};
/* "bad_length", "bad_mac_length", ...: short names, for counters and JSON keys. */
const char *evpn_nlri_err_name(enum evpn_nlri_err e);

/* What evpn_nlri_decode_diag says besides the route. */
struct evpn_nlri_diag {
	const char *error;          /* why it is malformed (static text), else NULL */
	enum evpn_nlri_err code;    /* the same, as a reason code */
	bool delimited;             /* malformed, but its own length byte fits the input: the NLRIs after it can be read */
	/*
	 * Malformed type 2 or 3 whose identity (RD, tag, MAC, IP: what withdrawals match on) sits
	 * whole at its usual place: *r holds that key (labels zero), so that the route can be
	 * withdrawn (RFC 7606 treat-as-withdraw). Type 5 never: a length that is not 34 or 58 or a
	 * prefix length past the family leaves the prefix unknown.
	 */
	bool key_valid;
	bool host_bits_cleared;     /* type 5: bits past the prefix length were set, and were cleared */
};
/*
 * evpn_nlri_decode with the diagnosis. Types 1 and 4 are checked too (type 1: length 25;
 * type 4: length 23 or 35 with IP length 32 or 128): a malformed one still returns its bytes
 * consumed and *skipped, with d->error, d->code and d->delimited set.
 */
size_t evpn_nlri_decode_diag(const uint8_t *p, size_t len, struct evpn_route *r, uint8_t *skipped,
			     struct evpn_nlri_diag *d);

/* Encode r at p (cap bytes). Returns the bytes written, 0 if it does not fit or r is not valid.
 * withdraw: the labels are sent as zero. Type 5: bits of ip past prefix_len are sent as zero. */
size_t evpn_nlri_encode(uint8_t *p, size_t cap, const struct evpn_route *r, bool withdraw);

/* A type-5 route: prefix (4 or 16 bytes as ip_bits says, 32 or 128) / prefix_len in rd, tag 0, ESI 0, gateway IP 0, label the L3 VNI. */
void evpn_route_prefix(struct evpn_route *r, const uint8_t rd[8], uint8_t ip_bits, const uint8_t *prefix,
		       uint8_t prefix_len, uint32_t l3vni);

/* Route distinguishers. */
void evpn_rd_type1(uint8_t rd[8], uint32_t ip_be, uint16_t index);  /* router-id:index */
void evpn_rd_type0(uint8_t rd[8], uint16_t asn, uint32_t value);
/* "10.0.0.1:32867", "65000:100" or "4200000000:100"; 0 or EINVAL. */
int evpn_rd_parse(const char *s, uint8_t rd[8]);
void evpn_rd_format(const uint8_t rd[8], char *buf, size_t len);

/* Extended communities (8 bytes, network order as a big-endian uint64). */
#define EVPN_EC_TYPE_TRANS_AS2 0x00
#define EVPN_EC_TYPE_TRANS_IP4 0x01
#define EVPN_EC_TYPE_TRANS_AS4 0x02
#define EVPN_EC_SUB_RT 0x02
#define EVPN_EC_TYPE_OPAQUE 0x03
#define EVPN_EC_SUB_ENCAP 0x0c
#define EVPN_EC_SUB_DEFAULT_GW 0x0d
#define EVPN_EC_TYPE_EVPN 0x06
#define EVPN_EC_SUB_MAC_MOBILITY 0x00
#define EVPN_EC_SUB_ROUTER_MAC 0x03
#define EVPN_ENCAP_VXLAN 8

uint64_t evpn_ec_rt_as2(uint16_t asn, uint32_t value);
uint64_t evpn_ec_rt_ip4(uint32_t ip_be, uint16_t value);
uint64_t evpn_ec_rt_as4(uint32_t asn, uint16_t value);
uint64_t evpn_ec_encap_vxlan(void);
uint64_t evpn_ec_mac_mobility(uint32_t seq, bool sticky);
uint64_t evpn_ec_router_mac(const uint8_t mac[6]);
uint64_t evpn_ec_default_gw(void);
bool evpn_ec_is_rt(uint64_t ec);
/* The local administrator part of a route target (the VNI for auto RTs), and its global part. */
uint32_t evpn_ec_rt_value(uint64_t ec);
bool evpn_ec_get_mac_mobility(uint64_t ec, uint32_t *seq, bool *sticky);
/* The router's MAC (0x06/0x03, RFC 9135 section 8.1); false for any other community. */
bool evpn_ec_get_router_mac(uint64_t ec, uint8_t mac[6]);
/* The default gateway community (0x03/0x0d, RFC 7432 section 7.8). */
bool evpn_ec_is_default_gw(uint64_t ec);
/* "RT:65000:100", "ENCAP:VXLAN", "MM:5,sticky", "RMAC:..", "DEFGW", "0x..." */
void evpn_ec_format(uint64_t ec, char *buf, size_t len);
/* Parse an RT as written in config: "65000:100", "4200000000:100", "10.0.0.1:100". */
int evpn_rt_parse(const char *s, uint64_t *ec);

#endif
