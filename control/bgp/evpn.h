/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * evpn.h: EVPN routes on the wire (RFC 7432, RFC 8365): the NLRI of route types 2 (MAC/IP
 * advertisement) and 3 (inclusive multicast), route distinguishers, and the extended
 * communities EVPN uses. Types 1, 4 and 5 are recognised and skipped. Pure codec: no state.
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

/* One EVPN route as carried in MP_REACH/MP_UNREACH (type 2 or 3). */
struct evpn_route {
	uint8_t type;               /* EVPN_RT_MAC_IP or EVPN_RT_IMET */
	uint8_t rd[8];              /* route distinguisher, as on the wire */
	uint8_t esi[10];            /* type 2 only */
	uint32_t eth_tag;
	uint8_t mac[6];             /* type 2 */
	uint8_t ip_len;             /* bits: 0, 32 or 128 (type 2: host IP; type 3: originator IP) */
	uint8_t ip[16];             /* IPv4 in the first 4 bytes */
	uint32_t label1;            /* type 2: raw 24-bit value (the L2 VNI) */
	uint32_t label2;            /* type 2, optional: the L3 VNI */
	bool has_label2;
};

/* Route identity: what withdrawals match on (never the labels). */
bool evpn_route_same_key(const struct evpn_route *a, const struct evpn_route *b);

/*
 * Decode one NLRI at p (len bytes available). Returns the bytes consumed (> 0) and fills *r
 * for types 2 and 3; for types 1, 4, 5 and unknown types returns the bytes consumed and sets
 * *skipped to the type (r untouched). Returns 0 on a malformed NLRI (length beyond the input,
 * a length that does not fit the type, MAC length != 48, IP length not 0/32/128).
 * Type 2: the length byte says which labels are present (none, as some MP_UNREACH senders do; one; two).
 */
size_t evpn_nlri_decode(const uint8_t *p, size_t len, struct evpn_route *r, uint8_t *skipped);
/* Encode r at p (cap bytes). Returns the bytes written, 0 if it does not fit. */
size_t evpn_nlri_encode(uint8_t *p, size_t cap, const struct evpn_route *r, bool withdraw);

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
bool evpn_ec_is_rt(uint64_t ec);
/* The local administrator part of a route target (the VNI for auto RTs), and its global part. */
uint32_t evpn_ec_rt_value(uint64_t ec);
bool evpn_ec_get_mac_mobility(uint64_t ec, uint32_t *seq, bool *sticky);
/* "RT:65000:100", "ENCAP:VXLAN", "MM:5,sticky", "RMAC:..", "DEFGW", "0x..." */
void evpn_ec_format(uint64_t ec, char *buf, size_t len);
/* Parse an RT as written in config: "65000:100", "4200000000:100", "10.0.0.1:100". */
int evpn_rt_parse(const char *s, uint64_t *ec);

#endif
