/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * evpn.c: the EVPN wire codec (RFC 7432, RFC 8365, RFC 9136): NLRI of route types 2, 3 and 5
 * (types 1, 4 and unknown ones are skipped by their length byte), route distinguishers (RFC 4364
 * section 4.2) and the extended communities an EVPN VXLAN leaf uses. No state, no allocation;
 * every decoder checks its bounds before it reads.
 */
#include "evpn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Fixed part of a type-2 NLRI value: RD, ESI, Ethernet tag, MAC length, MAC, IP length. */
#define EVPN_T2_FIXED (8 + 10 + 4 + 1 + 6 + 1)
/* Fixed part of a type-3 NLRI value: RD, Ethernet tag, IP length. */
#define EVPN_T3_FIXED (8 + 4 + 1)
#define EVPN_LABEL_LEN 3
/* Type-5 NLRI value (RFC 9136 section 3.1): RD, ESI, tag, prefix length, prefix, gateway, label. */
#define EVPN_T5_FIXED (8 + 10 + 4 + 1)
#define EVPN_T5_LEN_V4 (EVPN_T5_FIXED + 4 + 4 + EVPN_LABEL_LEN)    /* 34 */
#define EVPN_T5_LEN_V6 (EVPN_T5_FIXED + 16 + 16 + EVPN_LABEL_LEN)  /* 58 */

static uint32_t evpn_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t evpn_get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static void evpn_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void evpn_put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

/* Bytes of an IP length in bits, or -1 when it is not 0, 32 or 128. */
static int evpn_ip_bytes(uint8_t bits)
{
	switch (bits) {
	case 0:
		return 0;
	case 32:
		return 4;
	case 128:
		return 16;
	default:
		return -1;
	}
}

bool evpn_route_same_key(const struct evpn_route *a, const struct evpn_route *b)
{
	int ipb;

	if (a->type != b->type || memcmp(a->rd, b->rd, sizeof(a->rd)) != 0 || a->eth_tag != b->eth_tag)
		return false;
	if (a->ip_len != b->ip_len)
		return false;
	ipb = evpn_ip_bytes(a->ip_len);
	if (ipb < 0)
		ipb = 16; /* not a valid route; compare all we have */
	if (memcmp(a->ip, b->ip, (size_t)ipb) != 0)
		return false;
	if (a->type == EVPN_RT_MAC_IP && memcmp(a->mac, b->mac, sizeof(a->mac)) != 0)
		return false;
	if (a->type == EVPN_RT_IP_PREFIX && a->prefix_len != b->prefix_len)
		return false;
	return true;
}

/* Clear the bits of ip[0..bytes) past plen; true when any was set. */
static bool evpn_mask_prefix(uint8_t *ip, size_t bytes, uint8_t plen)
{
	bool set = false;

	for (size_t i = 0; i < bytes; i++) {
		size_t bits = plen, keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * i : 0;
		uint8_t m = (uint8_t)(0xff00u >> keep);

		if (ip[i] & ~m)
			set = true;
		ip[i] &= m;
	}
	return set;
}

/* A malformed NLRI: its reason (static text) and code, in d. */
static void evpn_bad(struct evpn_nlri_diag *d, enum evpn_nlri_err code, const char *why)
{
	d->code = code;
	d->error = why;
}

/*
 * The identity of a type-2 value: RD, ESI, tag, MAC and IP, from their usual places; false
 * when the IP length is not 0, 32 or 128 or the value is too short to hold them.
 */
static bool evpn_key_mac_ip(const uint8_t *v, size_t vlen, struct evpn_route *r)
{
	int ipb;

	if (vlen < EVPN_T2_FIXED)
		return false;
	ipb = evpn_ip_bytes(v[EVPN_T2_FIXED - 1]);
	if (ipb < 0 || vlen < EVPN_T2_FIXED + (size_t)ipb)
		return false;
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_MAC_IP;
	memcpy(r->rd, v, 8);
	memcpy(r->esi, v + 8, 10);
	r->eth_tag = evpn_get32(v + 18);
	memcpy(r->mac, v + 23, 6);
	r->ip_len = v[29];
	memcpy(r->ip, v + EVPN_T2_FIXED, (size_t)ipb);
	return true;
}

/* Type 2 value (after the 2-byte header), vlen bytes. false when malformed (d says why). */
static bool evpn_decode_mac_ip(const uint8_t *v, size_t vlen, struct evpn_route *r, struct evpn_nlri_diag *d)
{
	int ipb;
	size_t base;
	const uint8_t *q;

	if (vlen < EVPN_T2_FIXED) {
		evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "type-2 length shorter than its fixed part");
		return false;
	}
	ipb = evpn_ip_bytes(v[EVPN_T2_FIXED - 1]);
	base = EVPN_T2_FIXED + (size_t)(ipb < 0 ? 0 : ipb);
	if (v[8 + 10 + 4] != 48)
		evpn_bad(d, EVPN_NLRI_BAD_MAC_LEN, "type-2 MAC length is not 48");
	else if (ipb < 0)
		evpn_bad(d, EVPN_NLRI_BAD_IP_LEN, "type-2 IP length is not 0, 32 or 128");
	/* The length byte says which labels are present: none (some withdrawals), one or two. */
	else if (vlen != base && vlen != base + EVPN_LABEL_LEN && vlen != base + 2 * EVPN_LABEL_LEN)
		evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "type-2 length does not fit its IP length and labels");
	if (d->error) {
		d->key_valid = evpn_key_mac_ip(v, vlen, r);
		return false;
	}
	evpn_key_mac_ip(v, vlen, r);
	q = v + base;
	if (vlen >= base + EVPN_LABEL_LEN)
		r->label1 = evpn_get24(q);
	if (vlen == base + 2 * EVPN_LABEL_LEN) {
		r->label2 = evpn_get24(q + EVPN_LABEL_LEN);
		r->has_label2 = true;
	}
	return true;
}

/* Type 3 value, vlen bytes. false when malformed (d says why). */
static bool evpn_decode_imet(const uint8_t *v, size_t vlen, struct evpn_route *r, struct evpn_nlri_diag *d)
{
	int ipb;

	if (vlen < EVPN_T3_FIXED) {
		evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "type-3 length shorter than its fixed part");
		return false;
	}
	ipb = evpn_ip_bytes(v[12]);
	if (ipb <= 0) {
		evpn_bad(d, EVPN_NLRI_BAD_IP_LEN, "type-3 IP length is not 32 or 128");
		return false;
	}
	if (vlen < EVPN_T3_FIXED + (size_t)ipb) {
		evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "type-3 length does not fit its IP length");
		return false;
	}
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_IMET;
	memcpy(r->rd, v, 8);
	r->eth_tag = evpn_get32(v + 8);
	r->ip_len = v[12];
	memcpy(r->ip, v + EVPN_T3_FIXED, (size_t)ipb);
	if (vlen != EVPN_T3_FIXED + (size_t)ipb) {
		evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "type-3 length does not fit its IP length");
		d->key_valid = true;
		return false;
	}
	return true;
}

/*
 * Type 5 value (RFC 9136 section 3.1), vlen bytes: 34 (IPv4) or 58 (IPv6); the prefix and
 * the gateway IP are of one family. false when malformed (d says why); d->host_bits_cleared:
 * prefix bits past the prefix length were set (they are cleared).
 */
static bool evpn_decode_prefix(const uint8_t *v, size_t vlen, struct evpn_route *r, struct evpn_nlri_diag *d)
{
	size_t ab;
	uint8_t plen;

	if (vlen == EVPN_T5_LEN_V4) {
		ab = 4;
	} else if (vlen == EVPN_T5_LEN_V6) {
		ab = 16;
	} else {
		evpn_bad(d, EVPN_NLRI_BAD_FAMILY, "type-5 length is not 34 (IPv4) or 58 (IPv6)");
		return false;
	}
	plen = v[22];
	if (plen > 8 * ab) {
		evpn_bad(d, EVPN_NLRI_BAD_PREFIX_LEN,
			 ab == 4 ? "type-5 IPv4 prefix length is over 32" : "type-5 IPv6 prefix length is over 128");
		return false;
	}
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_IP_PREFIX;
	memcpy(r->rd, v, 8);
	memcpy(r->esi, v + 8, 10);
	r->eth_tag = evpn_get32(v + 18);
	r->prefix_len = plen;
	r->ip_len = (uint8_t)(8 * ab);
	memcpy(r->ip, v + EVPN_T5_FIXED, ab);
	memcpy(r->gw_ip, v + EVPN_T5_FIXED + ab, ab);
	r->label1 = evpn_get24(v + EVPN_T5_FIXED + 2 * ab);
	d->host_bits_cleared = evpn_mask_prefix(r->ip, ab, plen);
	return true;
}

/* Types 1 and 4, which we skip: is the length right for the type? (RFC 7432 sections 7.1, 7.4) */
static void evpn_check_skipped(uint8_t type, const uint8_t *v, size_t vlen, struct evpn_nlri_diag *d)
{
	if (type == EVPN_RT_ETH_AD && vlen != 8 + 10 + 4 + EVPN_LABEL_LEN) {
		evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "type-1 length is not 25");
	} else if (type == EVPN_RT_ES) {
		int ipb = vlen >= 19 ? evpn_ip_bytes(v[18]) : -1;

		if (vlen < 19)
			evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "type-4 length shorter than its fixed part");
		else if (ipb <= 0)
			evpn_bad(d, EVPN_NLRI_BAD_IP_LEN, "type-4 IP length is not 32 or 128");
		else if (vlen != 19 + (size_t)ipb)
			evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "type-4 length does not fit its IP length");
	}
	d->delimited = d->error != NULL;
}

const char *evpn_nlri_err_name(enum evpn_nlri_err e)
{
	static const char *const names[EVPN_NLRI_ERR_MAX] = {
		[EVPN_NLRI_OK] = "ok",
		[EVPN_NLRI_BAD_LENGTH] = "bad_length",
		[EVPN_NLRI_BAD_MAC_LEN] = "bad_mac_length",
		[EVPN_NLRI_BAD_IP_LEN] = "bad_ip_length",
		[EVPN_NLRI_BAD_PREFIX_LEN] = "bad_prefix_length",
		[EVPN_NLRI_BAD_FAMILY] = "bad_family",
		[EVPN_NLRI_NO_LABEL] = "no_label",
	};

	return (unsigned)e < EVPN_NLRI_ERR_MAX ? names[e] : "unknown";
}

size_t evpn_nlri_decode_diag(const uint8_t *p, size_t len, struct evpn_route *r, uint8_t *skipped,
			     struct evpn_nlri_diag *d)
{
	struct evpn_nlri_diag dd;
	size_t vlen;
	bool ok;

	if (!d)
		d = &dd;
	memset(d, 0, sizeof(*d));
	if (len < 2) {
		evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "NLRI header truncated");
		return 0;
	}
	vlen = p[1];
	if (vlen > len - 2) {
		evpn_bad(d, EVPN_NLRI_BAD_LENGTH, "NLRI length overruns the NLRI field");
		return 0;
	}
	switch (p[0]) {
	case EVPN_RT_MAC_IP:
		ok = evpn_decode_mac_ip(p + 2, vlen, r, d);
		break;
	case EVPN_RT_IMET:
		ok = evpn_decode_imet(p + 2, vlen, r, d);
		break;
	case EVPN_RT_IP_PREFIX:
		ok = evpn_decode_prefix(p + 2, vlen, r, d);
		break;
	default:
		evpn_check_skipped(p[0], p + 2, vlen, d);
		if (skipped)
			*skipped = p[0];
		return 2 + vlen;
	}
	if (!ok) {
		d->delimited = true;
		return 0;
	}
	if (skipped)
		*skipped = 0;
	return 2 + vlen;
}

size_t evpn_nlri_decode(const uint8_t *p, size_t len, struct evpn_route *r, uint8_t *skipped)
{
	return evpn_nlri_decode_diag(p, len, r, skipped, NULL);
}

void evpn_route_prefix(struct evpn_route *r, const uint8_t rd[8], uint8_t ip_bits, const uint8_t *prefix,
		       uint8_t prefix_len, uint32_t l3vni)
{
	size_t ab = ip_bits == 128 ? 16 : 4;

	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_IP_PREFIX;
	memcpy(r->rd, rd, 8);
	r->ip_len = (uint8_t)(8 * ab);
	memcpy(r->ip, prefix, ab);
	r->prefix_len = prefix_len;
	evpn_mask_prefix(r->ip, ab, prefix_len);
	r->label1 = l3vni & 0xffffff;
}

size_t evpn_nlri_encode(uint8_t *p, size_t cap, const struct evpn_route *r, bool withdraw)
{
	int ipb = evpn_ip_bytes(r->ip_len);
	size_t vlen, off;

	if (ipb < 0)
		return 0;
	if (r->type == EVPN_RT_MAC_IP) {
		vlen = EVPN_T2_FIXED + (size_t)ipb + EVPN_LABEL_LEN + (r->has_label2 ? EVPN_LABEL_LEN : 0);
		if (cap < 2 + vlen)
			return 0;
		p[0] = EVPN_RT_MAC_IP;
		p[1] = (uint8_t)vlen;
		memcpy(p + 2, r->rd, 8);
		memcpy(p + 10, r->esi, 10);
		evpn_put32(p + 20, r->eth_tag);
		p[24] = 48;
		memcpy(p + 25, r->mac, 6);
		p[31] = r->ip_len;
		memcpy(p + 32, r->ip, (size_t)ipb);
		off = 32 + (size_t)ipb;
		evpn_put24(p + off, withdraw ? 0 : r->label1);
		off += EVPN_LABEL_LEN;
		if (r->has_label2) {
			evpn_put24(p + off, withdraw ? 0 : r->label2);
			off += EVPN_LABEL_LEN;
		}
		return off;
	}
	if (r->type == EVPN_RT_IMET) {
		if (ipb == 0)
			return 0;
		vlen = EVPN_T3_FIXED + (size_t)ipb;
		if (cap < 2 + vlen)
			return 0;
		p[0] = EVPN_RT_IMET;
		p[1] = (uint8_t)vlen;
		memcpy(p + 2, r->rd, 8);
		evpn_put32(p + 10, r->eth_tag);
		p[14] = r->ip_len;
		memcpy(p + 15, r->ip, (size_t)ipb);
		return 2 + vlen;
	}
	if (r->type == EVPN_RT_IP_PREFIX) {
		if (ipb == 0 || r->prefix_len > r->ip_len)
			return 0;
		vlen = ipb == 4 ? EVPN_T5_LEN_V4 : EVPN_T5_LEN_V6;
		if (cap < 2 + vlen)
			return 0;
		p[0] = EVPN_RT_IP_PREFIX;
		p[1] = (uint8_t)vlen;
		memcpy(p + 2, r->rd, 8);
		memcpy(p + 10, r->esi, 10);
		evpn_put32(p + 20, r->eth_tag);
		p[24] = r->prefix_len;
		memcpy(p + 25, r->ip, (size_t)ipb);
		evpn_mask_prefix(p + 25, (size_t)ipb, r->prefix_len);
		memcpy(p + 25 + ipb, r->gw_ip, (size_t)ipb);
		evpn_put24(p + 25 + 2 * ipb, withdraw ? 0 : r->label1);
		return 2 + vlen;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Route distinguishers                                                                     */
/* ---------------------------------------------------------------------------------------- */

void evpn_rd_type1(uint8_t rd[8], uint32_t ip_be, uint16_t index)
{
	rd[0] = 0;
	rd[1] = 1;
	memcpy(rd + 2, &ip_be, 4);
	rd[6] = (uint8_t)(index >> 8);
	rd[7] = (uint8_t)index;
}

void evpn_rd_type0(uint8_t rd[8], uint16_t asn, uint32_t value)
{
	rd[0] = 0;
	rd[1] = 0;
	rd[2] = (uint8_t)(asn >> 8);
	rd[3] = (uint8_t)asn;
	evpn_put32(rd + 4, value);
}

/* A decimal number of 1..10 digits that fits 32 bits, nothing else. */
static bool evpn_parse_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/*
 * "A:B" where A is an IPv4 address or a 32-bit number. Returns 0, 1 or 2 for the form
 * (two-octet AS with a 32-bit value, IPv4 with a 16-bit value, four-octet AS with a 16-bit
 * value), -1 when malformed or a value is out of range.
 */
static int evpn_parse_admin_value(const char *s, uint32_t *admin, uint32_t *value)
{
	const char *colon;
	char ip[16];
	size_t alen;
	struct in_addr a;

	if (!s)
		return -1;
	colon = strchr(s, ':');
	if (!colon || strchr(colon + 1, ':'))
		return -1;
	alen = (size_t)(colon - s);
	if (!evpn_parse_u32(colon + 1, strlen(colon + 1), value))
		return -1;
	if (memchr(s, '.', alen)) {
		if (alen >= sizeof(ip))
			return -1;
		memcpy(ip, s, alen);
		ip[alen] = '\0';
		if (inet_pton(AF_INET, ip, &a) != 1 || *value > 0xffff)
			return -1;
		memcpy(admin, &a.s_addr, 4); /* network order */
		return 1;
	}
	if (!evpn_parse_u32(s, alen, admin))
		return -1;
	if (*admin <= 0xffff)
		return 0;
	if (*value > 0xffff)
		return -1;
	return 2;
}

int evpn_rd_parse(const char *s, uint8_t rd[8])
{
	uint32_t admin, value;

	switch (evpn_parse_admin_value(s, &admin, &value)) {
	case 0:
		evpn_rd_type0(rd, (uint16_t)admin, value);
		return 0;
	case 1:
		evpn_rd_type1(rd, admin, (uint16_t)value);
		return 0;
	case 2:
		rd[0] = 0;
		rd[1] = 2;
		evpn_put32(rd + 2, admin);
		rd[6] = (uint8_t)(value >> 8);
		rd[7] = (uint8_t)value;
		return 0;
	default:
		return EINVAL;
	}
}

void evpn_rd_format(const uint8_t rd[8], char *buf, size_t len)
{
	uint16_t type = (uint16_t)(rd[0] << 8 | rd[1]);

	if (!buf || !len)
		return;
	switch (type) {
	case 0:
		snprintf(buf, len, "%u:%" PRIu32, (unsigned)(rd[2] << 8 | rd[3]), evpn_get32(rd + 4));
		break;
	case 1:
		snprintf(buf, len, "%u.%u.%u.%u:%u", rd[2], rd[3], rd[4], rd[5], (unsigned)(rd[6] << 8 | rd[7]));
		break;
	case 2:
		snprintf(buf, len, "%" PRIu32 ":%u", evpn_get32(rd + 2), (unsigned)(rd[6] << 8 | rd[7]));
		break;
	default:
		snprintf(buf, len, "type%u:%02x%02x%02x%02x%02x%02x", type, rd[2], rd[3], rd[4], rd[5], rd[6], rd[7]);
		break;
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Extended communities                                                                     */
/* ---------------------------------------------------------------------------------------- */

static uint8_t evpn_ec_type(uint64_t ec)
{
	return (uint8_t)(ec >> 56);
}

static uint8_t evpn_ec_subtype(uint64_t ec)
{
	return (uint8_t)(ec >> 48);
}

uint64_t evpn_ec_rt_as2(uint16_t asn, uint32_t value)
{
	return (uint64_t)EVPN_EC_TYPE_TRANS_AS2 << 56 | (uint64_t)EVPN_EC_SUB_RT << 48 | (uint64_t)asn << 32 | value;
}

uint64_t evpn_ec_rt_ip4(uint32_t ip_be, uint16_t value)
{
	return (uint64_t)EVPN_EC_TYPE_TRANS_IP4 << 56 | (uint64_t)EVPN_EC_SUB_RT << 48 | (uint64_t)ntohl(ip_be) << 16 |
	       value;
}

uint64_t evpn_ec_rt_as4(uint32_t asn, uint16_t value)
{
	return (uint64_t)EVPN_EC_TYPE_TRANS_AS4 << 56 | (uint64_t)EVPN_EC_SUB_RT << 48 | (uint64_t)asn << 16 | value;
}

uint64_t evpn_ec_encap_vxlan(void)
{
	return (uint64_t)EVPN_EC_TYPE_OPAQUE << 56 | (uint64_t)EVPN_EC_SUB_ENCAP << 48 | EVPN_ENCAP_VXLAN;
}

uint64_t evpn_ec_mac_mobility(uint32_t seq, bool sticky)
{
	return (uint64_t)EVPN_EC_TYPE_EVPN << 56 | (uint64_t)EVPN_EC_SUB_MAC_MOBILITY << 48 |
	       (uint64_t)(sticky ? 1 : 0) << 40 | seq;
}

uint64_t evpn_ec_router_mac(const uint8_t mac[6])
{
	uint64_t ec = (uint64_t)EVPN_EC_TYPE_EVPN << 56 | (uint64_t)EVPN_EC_SUB_ROUTER_MAC << 48;

	for (int i = 0; i < 6; i++)
		ec |= (uint64_t)mac[i] << (40 - 8 * i);
	return ec;
}

uint64_t evpn_ec_default_gw(void)
{
	return (uint64_t)EVPN_EC_TYPE_OPAQUE << 56 | (uint64_t)EVPN_EC_SUB_DEFAULT_GW << 48;
}

bool evpn_ec_is_rt(uint64_t ec)
{
	uint8_t t = evpn_ec_type(ec);

	return evpn_ec_subtype(ec) == EVPN_EC_SUB_RT &&
	       (t == EVPN_EC_TYPE_TRANS_AS2 || t == EVPN_EC_TYPE_TRANS_IP4 || t == EVPN_EC_TYPE_TRANS_AS4);
}

uint32_t evpn_ec_rt_value(uint64_t ec)
{
	if (!evpn_ec_is_rt(ec))
		return 0;
	if (evpn_ec_type(ec) == EVPN_EC_TYPE_TRANS_AS2)
		return (uint32_t)ec;
	return (uint32_t)(ec & 0xffff);
}

bool evpn_ec_get_mac_mobility(uint64_t ec, uint32_t *seq, bool *sticky)
{
	if (evpn_ec_type(ec) != EVPN_EC_TYPE_EVPN || evpn_ec_subtype(ec) != EVPN_EC_SUB_MAC_MOBILITY)
		return false;
	if (seq)
		*seq = (uint32_t)ec;
	if (sticky)
		*sticky = (ec >> 40) & 1;
	return true;
}

bool evpn_ec_get_router_mac(uint64_t ec, uint8_t mac[6])
{
	if (evpn_ec_type(ec) != EVPN_EC_TYPE_EVPN || evpn_ec_subtype(ec) != EVPN_EC_SUB_ROUTER_MAC)
		return false;
	if (mac)
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)(ec >> (40 - 8 * i));
	return true;
}

bool evpn_ec_is_default_gw(uint64_t ec)
{
	return evpn_ec_type(ec) == EVPN_EC_TYPE_OPAQUE && evpn_ec_subtype(ec) == EVPN_EC_SUB_DEFAULT_GW;
}

void evpn_ec_format(uint64_t ec, char *buf, size_t len)
{
	uint8_t t = evpn_ec_type(ec), st = evpn_ec_subtype(ec);
	uint32_t seq;
	bool sticky;

	if (!buf || !len)
		return;
	if (evpn_ec_is_rt(ec)) {
		if (t == EVPN_EC_TYPE_TRANS_AS2)
			snprintf(buf, len, "RT:%u:%" PRIu32, (unsigned)((ec >> 32) & 0xffff), (uint32_t)ec);
		else if (t == EVPN_EC_TYPE_TRANS_IP4)
			snprintf(buf, len, "RT:%u.%u.%u.%u:%u", (unsigned)((ec >> 40) & 0xff), (unsigned)((ec >> 32) & 0xff),
				 (unsigned)((ec >> 24) & 0xff), (unsigned)((ec >> 16) & 0xff), (unsigned)(ec & 0xffff));
		else
			snprintf(buf, len, "RT:%" PRIu32 ":%u", (uint32_t)(ec >> 16), (unsigned)(ec & 0xffff));
	} else if (t == EVPN_EC_TYPE_OPAQUE && st == EVPN_EC_SUB_ENCAP) {
		if ((ec & 0xffff) == EVPN_ENCAP_VXLAN)
			snprintf(buf, len, "ENCAP:VXLAN");
		else
			snprintf(buf, len, "ENCAP:%u", (unsigned)(ec & 0xffff));
	} else if (t == EVPN_EC_TYPE_OPAQUE && st == EVPN_EC_SUB_DEFAULT_GW) {
		snprintf(buf, len, "DEFGW");
	} else if (evpn_ec_get_mac_mobility(ec, &seq, &sticky)) {
		snprintf(buf, len, "MM:%" PRIu32 "%s", seq, sticky ? ",sticky" : "");
	} else if (t == EVPN_EC_TYPE_EVPN && st == EVPN_EC_SUB_ROUTER_MAC) {
		snprintf(buf, len, "RMAC:%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)((ec >> 40) & 0xff),
			 (unsigned)((ec >> 32) & 0xff), (unsigned)((ec >> 24) & 0xff), (unsigned)((ec >> 16) & 0xff),
			 (unsigned)((ec >> 8) & 0xff), (unsigned)(ec & 0xff));
	} else {
		snprintf(buf, len, "0x%016" PRIx64, ec);
	}
}

int evpn_rt_parse(const char *s, uint64_t *ec)
{
	uint32_t admin, value;

	switch (evpn_parse_admin_value(s, &admin, &value)) {
	case 0:
		*ec = evpn_ec_rt_as2((uint16_t)admin, value);
		return 0;
	case 1:
		*ec = evpn_ec_rt_ip4(admin, (uint16_t)value);
		return 0;
	case 2:
		*ec = evpn_ec_rt_as4(admin, (uint16_t)value);
		return 0;
	default:
		return EINVAL;
	}
}
