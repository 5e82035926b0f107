/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bgp_msg.c: the BGP-4 wire codec (RFC 4271): message header, OPEN with its capabilities
 * (RFC 5492, 4760, 6793, 2918/7313, 4724, 8654, 9072), UPDATE with RFC 7606 error handling
 * and EVPN NLRI in MP_REACH/MP_UNREACH (RFC 4760, evpn.c), NOTIFICATION, KEEPALIVE,
 * ROUTE-REFRESH and End-of-RIB. No sockets, no state, no allocation: every decoder checks
 * its bounds before it reads, every encoder checks its room before it writes.
 */
#include "bgp_msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define BGP_MARKER_LEN 16
#define BGP_OPEN_MIN 29
#define BGP_UPDATE_MIN 23
#define BGP_NOTIFICATION_MIN 21
#define BGP_ROUTE_REFRESH_LEN 23

/* Attribute flags and type codes (RFC 4271 section 4.3 and the IANA registry). */
#define BGP_AF_OPTIONAL 0x80
#define BGP_AF_TRANSITIVE 0x40
#define BGP_AF_PARTIAL 0x20
#define BGP_AF_EXTLEN 0x10

enum {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_EXT_COMM = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_PMSI_TUNNEL = 22,
};

/* Capability codes. */
enum {
	BGP_CAP_MP = 1,
	BGP_CAP_ROUTE_REFRESH = 2,
	BGP_CAP_EXT_MSG = 6,
	BGP_CAP_GR = 64,
	BGP_CAP_AS4 = 65,
	BGP_CAP_ENHANCED_RR = 70,
	BGP_CAP_LLGR = 71,
	BGP_CAP_FQDN = 73,
	BGP_CAP_ROUTE_REFRESH_OLD = 128,
};

#define BGP_OPT_PARAM_CAPS 2
#define BGP_OPT_PARAM_EXT 255 /* RFC 9072 extended optional parameters length */
#define BGP_AS_SEQUENCE 2

static uint16_t bgp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t bgp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void bgp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void bgp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Fill *err (when given) and return EBADMSG. */
static int bgp_fail(struct bgp_error *err, uint8_t code, uint8_t subcode, const uint8_t *data, size_t data_len,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int bgp_fail(struct bgp_error *err, uint8_t code, uint8_t subcode, const uint8_t *data, size_t data_len,
		    const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return EBADMSG;
	err->code = code;
	err->subcode = subcode;
	if (!data)
		data_len = 0;
	if (data_len > sizeof(err->data))
		data_len = sizeof(err->data);
	if (data_len)
		memcpy(err->data, data, data_len);
	err->data_len = data_len;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return EBADMSG;
}

/* Write the 19-byte header. */
static void bgp_put_header(uint8_t *buf, size_t len, uint8_t type)
{
	memset(buf, 0xff, BGP_MARKER_LEN);
	bgp_put16(buf + BGP_MARKER_LEN, (uint16_t)len);
	buf[18] = type;
}

/* ---------------------------------------------------------------------------------------- */
/* Header                                                                                   */
/* ---------------------------------------------------------------------------------------- */

static const char *bgp_type_name(uint8_t type)
{
	static const char *const names[] = { "type 0", "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE",
					     "ROUTE-REFRESH" };

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

int bgp_header_parse(const uint8_t *buf, size_t len, size_t max_len, uint16_t *msg_len, uint8_t *type,
		     struct bgp_error *err)
{
	uint16_t l;
	uint8_t t;
	bool ok;

	if (len < BGP_HDR_LEN)
		return EAGAIN;
	for (int i = 0; i < BGP_MARKER_LEN; i++)
		if (buf[i] != 0xff)
			return bgp_fail(err, BGP_ERR_HEADER, 1, NULL, 0, "message header: marker byte %d is 0x%02x, not 0xff",
					i, buf[i]);
	l = bgp_get16(buf + 16);
	t = buf[18];
	if (l < BGP_HDR_LEN || l > max_len)
		return bgp_fail(err, BGP_ERR_HEADER, 2, buf + 16, 2,
				"message header: length %u is outside %u..%zu", l, BGP_HDR_LEN, max_len);
	switch (t) {
	case BGP_MSG_OPEN:
		ok = l >= BGP_OPEN_MIN;
		break;
	case BGP_MSG_UPDATE:
		ok = l >= BGP_UPDATE_MIN;
		break;
	case BGP_MSG_NOTIFICATION:
		ok = l >= BGP_NOTIFICATION_MIN;
		break;
	case BGP_MSG_KEEPALIVE:
		ok = l == BGP_HDR_LEN;
		break;
	case BGP_MSG_ROUTE_REFRESH:
		ok = l == BGP_ROUTE_REFRESH_LEN;
		break;
	default:
		return bgp_fail(err, BGP_ERR_HEADER, 3, &buf[18], 1, "message header: unknown message type %u", t);
	}
	if (!ok)
		return bgp_fail(err, BGP_ERR_HEADER, 2, buf + 16, 2, "message header: length %u is not valid for %s", l,
				bgp_type_name(t));
	if (msg_len)
		*msg_len = l;
	if (type)
		*type = t;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* KEEPALIVE, NOTIFICATION, ROUTE-REFRESH, End-of-RIB                                       */
/* ---------------------------------------------------------------------------------------- */

size_t bgp_keepalive_encode(uint8_t *buf, size_t cap)
{
	if (!buf || cap < BGP_HDR_LEN)
		return 0;
	bgp_put_header(buf, BGP_HDR_LEN, BGP_MSG_KEEPALIVE);
	return BGP_HDR_LEN;
}

size_t bgp_notification_encode(uint8_t *buf, size_t cap, uint8_t code, uint8_t subcode, const uint8_t *data,
			       size_t data_len)
{
	size_t len;

	if (!buf || (data_len && !data) || data_len > BGP_MAX_MSG - BGP_NOTIFICATION_MIN)
		return 0;
	len = BGP_NOTIFICATION_MIN + data_len;
	if (cap < len)
		return 0;
	bgp_put_header(buf, len, BGP_MSG_NOTIFICATION);
	buf[19] = code;
	buf[20] = subcode;
	if (data_len)
		memcpy(buf + 21, data, data_len);
	return len;
}

int bgp_notification_decode(const uint8_t *body, size_t len, uint8_t *code, uint8_t *subcode,
			    const uint8_t **data, size_t *data_len)
{
	if (!body || len < 2)
		return EBADMSG;
	if (code)
		*code = body[0];
	if (subcode)
		*subcode = body[1];
	if (data)
		*data = len > 2 ? body + 2 : NULL;
	if (data_len)
		*data_len = len - 2;
	return 0;
}

size_t bgp_route_refresh_encode(uint8_t *buf, size_t cap, uint16_t afi, uint8_t subtype, uint8_t safi)
{
	if (!buf || cap < BGP_ROUTE_REFRESH_LEN)
		return 0;
	bgp_put_header(buf, BGP_ROUTE_REFRESH_LEN, BGP_MSG_ROUTE_REFRESH);
	bgp_put16(buf + 19, afi);
	buf[21] = subtype;
	buf[22] = safi;
	return BGP_ROUTE_REFRESH_LEN;
}

int bgp_route_refresh_decode(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *subtype, uint8_t *safi,
			     struct bgp_error *err)
{
	if (!body || len != 4)
		return bgp_fail(err, BGP_ERR_ROUTE_REFRESH, 1, body, body ? len : 0,
				"ROUTE-REFRESH: body of %zu bytes, expected 4", len);
	if (afi)
		*afi = bgp_get16(body);
	if (subtype)
		*subtype = body[2];
	if (safi)
		*safi = body[3];
	return 0;
}

size_t bgp_eor_evpn_encode(uint8_t *buf, size_t cap)
{
	static const uint8_t body[] = { 0, 0, 0, 6, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH, 3, 0, EVPN_AFI, EVPN_SAFI };
	size_t len = BGP_HDR_LEN + sizeof(body);

	if (!buf || cap < len)
		return 0;
	bgp_put_header(buf, len, BGP_MSG_UPDATE);
	memcpy(buf + BGP_HDR_LEN, body, sizeof(body));
	return len;
}

/* ---------------------------------------------------------------------------------------- */
/* OPEN                                                                                     */
/* ---------------------------------------------------------------------------------------- */

/* Append one capability in its own optional parameter (as FRR does). false when out of room. */
static bool bgp_open_add_cap(uint8_t *opt, size_t *olen, size_t cap, uint8_t code, const uint8_t *val, size_t vlen)
{
	if (vlen > 253 || *olen + 4 + vlen > cap)
		return false;
	opt[*olen] = BGP_OPT_PARAM_CAPS;
	opt[*olen + 1] = (uint8_t)(2 + vlen);
	opt[*olen + 2] = code;
	opt[*olen + 3] = (uint8_t)vlen;
	if (vlen)
		memcpy(opt + *olen + 4, val, vlen);
	*olen += 4 + vlen;
	return true;
}

size_t bgp_open_encode(uint8_t *buf, size_t cap, const struct bgp_open *o)
{
	const struct bgp_caps *c;
	uint8_t opt[255], v[80];
	size_t olen = 0, len, hlen;
	uint32_t asn;
	bool ok = true;

	if (!buf || !o)
		return 0;
	c = &o->caps;
	asn = o->asn ? o->asn : c->as4 && c->as4_asn ? c->as4_asn : o->my_as;
	if (asn > 0xffff && !c->as4)
		return 0; /* a 4-octet AS cannot be announced without the capability */

	if (c->mp_evpn) {
		const uint8_t mp[4] = { 0, EVPN_AFI, 0, EVPN_SAFI };

		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_MP, mp, sizeof(mp));
	}
	if (c->mp_ipv4_unicast) {
		const uint8_t mp[4] = { 0, 1, 0, 1 };

		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_MP, mp, sizeof(mp));
	}
	if (c->route_refresh || c->route_refresh_old)
		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_ROUTE_REFRESH_OLD, NULL, 0);
	if (c->route_refresh)
		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_ROUTE_REFRESH, NULL, 0);
	if (c->enhanced_route_refresh)
		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_ENHANCED_RR, NULL, 0);
	if (c->as4) {
		bgp_put32(v, c->as4_asn ? c->as4_asn : asn);
		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_AS4, v, 4);
	}
	if (c->ext_msg)
		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_EXT_MSG, NULL, 0);
	if (c->fqdn) {
		hlen = strnlen(c->hostname, sizeof(c->hostname) - 1);
		v[0] = (uint8_t)hlen;
		memcpy(v + 1, c->hostname, hlen);
		v[1 + hlen] = 0; /* no domain name */
		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_FQDN, v, 2 + hlen);
	}
	if (c->gr) {
		size_t glen = 2;

		bgp_put16(v, (uint16_t)((c->gr_restarting ? 0x8000 : 0) | (c->gr_time & 0x0fff)));
		if (c->gr_evpn) {
			bgp_put16(v + 2, EVPN_AFI);
			v[4] = EVPN_SAFI;
			v[5] = c->gr_evpn_fwd ? 0x80 : 0;
			glen += 4;
		}
		ok = ok && bgp_open_add_cap(opt, &olen, sizeof(opt), BGP_CAP_GR, v, glen);
	}
	if (!ok)
		return 0;

	len = BGP_OPEN_MIN + olen;
	if (cap < len)
		return 0;
	bgp_put_header(buf, len, BGP_MSG_OPEN);
	buf[19] = o->version ? o->version : BGP_VERSION;
	bgp_put16(buf + 20, (uint16_t)(asn > 0xffff ? BGP_AS_TRANS : asn));
	bgp_put16(buf + 22, o->hold_time);
	memcpy(buf + 24, &o->bgp_id, 4);
	buf[28] = (uint8_t)olen;
	memcpy(buf + 29, opt, olen);
	return len;
}

/* Capabilities of one optional parameter. */
static int bgp_caps_parse(const uint8_t *p, size_t len, struct bgp_caps *c, struct bgp_error *err)
{
	size_t off = 0;

	while (off < len) {
		uint8_t code, clen;
		const uint8_t *v;

		if (len - off < 2)
			return bgp_fail(err, BGP_ERR_OPEN, 0, NULL, 0,
					"OPEN: malformed capability: header truncated (%zu byte left in its parameter)",
					len - off);
		code = p[off];
		clen = p[off + 1];
		v = p + off + 2;
		if (clen > len - off - 2)
			return bgp_fail(err, BGP_ERR_OPEN, 0, NULL, 0,
					"OPEN: malformed capability %u: length %u overruns its parameter (%zu bytes left)",
					code, clen, len - off - 2);
		off += 2 + (size_t)clen;

		switch (code) {
		case BGP_CAP_MP: {
			uint16_t afi;

			if (clen != 4)
				goto bad_len;
			afi = bgp_get16(v);
			if (afi == EVPN_AFI && v[3] == EVPN_SAFI)
				c->mp_evpn = true;
			else if (afi == 1 && v[3] == 1)
				c->mp_ipv4_unicast = true;
			break;
		}
		case BGP_CAP_ROUTE_REFRESH:
		case BGP_CAP_ROUTE_REFRESH_OLD:
		case BGP_CAP_ENHANCED_RR:
		case BGP_CAP_EXT_MSG:
			if (clen != 0)
				goto bad_len;
			if (code == BGP_CAP_ROUTE_REFRESH)
				c->route_refresh = true;
			else if (code == BGP_CAP_ROUTE_REFRESH_OLD)
				c->route_refresh_old = true;
			else if (code == BGP_CAP_ENHANCED_RR)
				c->enhanced_route_refresh = true;
			else
				c->ext_msg = true;
			break;
		case BGP_CAP_AS4:
			if (clen != 4)
				goto bad_len;
			c->as4 = true;
			c->as4_asn = bgp_get32(v);
			break;
		case BGP_CAP_GR: {
			uint16_t rt;

			if (clen < 2 || (clen - 2) % 4 != 0)
				goto bad_len;
			rt = bgp_get16(v);
			c->gr = true;
			c->gr_restarting = (rt & 0x8000) != 0;
			c->gr_time = rt & 0x0fff;
			for (size_t i = 2; i + 4 <= clen; i += 4) {
				if (bgp_get16(v + i) == EVPN_AFI && v[i + 2] == EVPN_SAFI) {
					c->gr_evpn = true;
					c->gr_evpn_fwd = (v[i + 3] & 0x80) != 0;
				}
			}
			break;
		}
		case BGP_CAP_LLGR:
			if (clen % 7 != 0)
				goto bad_len;
			c->llgr = true;
			break;
		case BGP_CAP_FQDN: {
			size_t hl, dl, n;

			if (clen < 2)
				goto bad_len;
			hl = v[0];
			if (1 + hl + 1 > clen)
				goto bad_len;
			dl = v[1 + hl];
			if (2 + hl + dl > clen)
				goto bad_len;
			n = hl < sizeof(c->hostname) - 1 ? hl : sizeof(c->hostname) - 1;
			for (size_t i = 0; i < n; i++)
				c->hostname[i] = v[1 + i] >= 0x20 && v[1 + i] < 0x7f ? (char)v[1 + i] : '?';
			c->hostname[n] = '\0';
			c->fqdn = true;
			break;
		}
		default:
			c->n_unknown++;
			break;
		}
		continue;
bad_len:
		return bgp_fail(err, BGP_ERR_OPEN, 0, NULL, 0, "OPEN: malformed capability %u: length %u is not valid",
				code, clen);
	}
	return 0;
}

int bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_error *err)
{
	static const uint8_t version_data[2] = { 0, BGP_VERSION };
	size_t opt_len, off, end;
	bool ext = false;

	if (!body || !o)
		return bgp_fail(err, BGP_ERR_OPEN, 0, NULL, 0, "OPEN: no message");
	memset(o, 0, sizeof(*o));
	if (len < 10)
		return bgp_fail(err, BGP_ERR_OPEN, 0, NULL, 0, "OPEN: body of %zu bytes is shorter than 10", len);
	o->version = body[0];
	o->my_as = bgp_get16(body + 1);
	o->hold_time = bgp_get16(body + 3);
	memcpy(&o->bgp_id, body + 5, 4);
	if (o->version != BGP_VERSION)
		return bgp_fail(err, BGP_ERR_OPEN, 1, version_data, sizeof(version_data),
				"OPEN: unsupported BGP version %u (we speak 4)", o->version);
	if (o->hold_time == 1 || o->hold_time == 2)
		return bgp_fail(err, BGP_ERR_OPEN, 6, NULL, 0, "OPEN: unacceptable hold time %u (must be 0 or >= 3)",
				o->hold_time);
	if (o->bgp_id == 0)
		return bgp_fail(err, BGP_ERR_OPEN, 3, NULL, 0, "OPEN: BGP identifier 0.0.0.0");

	opt_len = body[9];
	off = 10;
	if (opt_len == 255 && len >= 13 && body[10] == BGP_OPT_PARAM_EXT) {
		/* RFC 9072: 255, 255, then a 2-byte length; parameters have 2-byte lengths */
		ext = true;
		opt_len = bgp_get16(body + 11);
		off = 13;
	}
	if (off + opt_len != len)
		return bgp_fail(err, BGP_ERR_OPEN, 0, NULL, 0,
				"OPEN: optional parameters length %zu does not match the %zu bytes that follow", opt_len,
				len - off);
	end = len;
	while (off < end) {
		size_t hl = ext ? 3 : 2, plen;
		uint8_t ptype;
		int r;

		if (end - off < hl)
			return bgp_fail(err, BGP_ERR_OPEN, 0, NULL, 0, "OPEN: optional parameter header truncated");
		ptype = body[off];
		plen = ext ? bgp_get16(body + off + 1) : body[off + 1];
		if (plen > end - off - hl)
			return bgp_fail(err, BGP_ERR_OPEN, 0, NULL, 0,
					"OPEN: optional parameter %u: length %zu overruns the parameters (%zu bytes left)",
					ptype, plen, end - off - hl);
		if (ptype != BGP_OPT_PARAM_CAPS)
			return bgp_fail(err, BGP_ERR_OPEN, 4, NULL, 0, "OPEN: unsupported optional parameter type %u", ptype);
		r = bgp_caps_parse(body + off + hl, plen, &o->caps, err);
		if (r)
			return r;
		off += hl + plen;
	}

	o->asn = o->caps.as4 ? o->caps.as4_asn : o->my_as;
	if (o->my_as == BGP_AS_TRANS && !o->caps.as4)
		return bgp_fail(err, BGP_ERR_OPEN, 2, NULL, 0,
				"OPEN: My AS is AS_TRANS (23456) without the 4-octet AS capability");
	if (o->asn == 0)
		return bgp_fail(err, BGP_ERR_OPEN, 2, NULL, 0, "OPEN: peer AS 0 (RFC 7607)");
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* UPDATE decoding                                                                          */
/* ---------------------------------------------------------------------------------------- */

struct bgp_attr_info {
	uint8_t type;
	uint8_t flags; /* expected Optional and Transitive bits */
	const char *name;
};

static const struct bgp_attr_info bgp_attr_table[] = {
	{ BGP_ATTR_ORIGIN, BGP_AF_TRANSITIVE, "ORIGIN" },
	{ BGP_ATTR_AS_PATH, BGP_AF_TRANSITIVE, "AS_PATH" },
	{ BGP_ATTR_NEXT_HOP, BGP_AF_TRANSITIVE, "NEXT_HOP" },
	{ BGP_ATTR_MED, BGP_AF_OPTIONAL, "MULTI_EXIT_DISC" },
	{ BGP_ATTR_LOCAL_PREF, BGP_AF_TRANSITIVE, "LOCAL_PREF" },
	{ BGP_ATTR_ATOMIC_AGGREGATE, BGP_AF_TRANSITIVE, "ATOMIC_AGGREGATE" },
	{ BGP_ATTR_AGGREGATOR, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, "AGGREGATOR" },
	{ BGP_ATTR_COMMUNITIES, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, "COMMUNITIES" },
	{ BGP_ATTR_ORIGINATOR_ID, BGP_AF_OPTIONAL, "ORIGINATOR_ID" },
	{ BGP_ATTR_CLUSTER_LIST, BGP_AF_OPTIONAL, "CLUSTER_LIST" },
	{ BGP_ATTR_MP_REACH, BGP_AF_OPTIONAL, "MP_REACH_NLRI" },
	{ BGP_ATTR_MP_UNREACH, BGP_AF_OPTIONAL, "MP_UNREACH_NLRI" },
	{ BGP_ATTR_EXT_COMM, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, "EXTENDED_COMMUNITIES" },
	{ BGP_ATTR_AS4_PATH, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, "AS4_PATH" },
	{ BGP_ATTR_AS4_AGGREGATOR, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, "AS4_AGGREGATOR" },
	{ BGP_ATTR_PMSI_TUNNEL, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, "PMSI_TUNNEL" },
};

static const struct bgp_attr_info *bgp_attr_lookup(uint8_t type)
{
	for (size_t i = 0; i < sizeof(bgp_attr_table) / sizeof(bgp_attr_table[0]); i++)
		if (bgp_attr_table[i].type == type)
			return &bgp_attr_table[i];
	return NULL;
}

struct bgp_upd_ctx {
	struct bgp_update *u;
	struct evpn_route *reach, *unreach;
	size_t reach_cap, unreach_cap;
	struct bgp_error *err;
	bool as4;
	size_t unreach_nlri_bytes; /* EVPN NLRI bytes in MP_UNREACH (End-of-RIB has none) */
	bool cut_mp;               /* the attribute running past the area is MP_REACH/MP_UNREACH */
	char cut_reason[120];
	size_t n_reach_imet;       /* type-3 routes advertised: they need a well-formed PMSI_TUNNEL */
	char pmsi_bad[120];        /* why PMSI_TUNNEL was malformed; empty: it was not (or absent) */
};

/*
 * RFC 7606 section 4: an attribute (or its header) runs past the end of the path attributes.
 * Every attribute before it was whole, and the Total Attribute Length still locates the NLRI
 * field, so the update is treat-as-withdraw (a lone flags byte too: nothing can hide in it);
 * but when the cut attribute is MP_REACH_NLRI or MP_UNREACH_NLRI, the EVPN NLRI it carries
 * cannot be located, and that is a session reset (section 5.3). The caller decides after the loop.
 */
static void bgp_attr_cut(struct bgp_upd_ctx *x, uint8_t type, bool type_known, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void bgp_attr_cut(struct bgp_upd_ctx *x, uint8_t type, bool type_known, const char *fmt, ...)
{
	va_list ap;

	x->cut_mp = type_known && (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH);
	va_start(ap, fmt);
	vsnprintf(x->cut_reason, sizeof(x->cut_reason), fmt, ap);
	va_end(ap);
}

/* RFC 7606 treat-as-withdraw; the first reason is kept. */
static void bgp_upd_withdraw(struct bgp_upd_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bgp_upd_withdraw(struct bgp_upd_ctx *x, const char *fmt, ...)
{
	struct bgp_attrs *a = &x->u->attrs;
	va_list ap;

	if (a->action == BGP_ATTR_TREAT_AS_WITHDRAW)
		return;
	a->action = BGP_ATTR_TREAT_AS_WITHDRAW;
	va_start(ap, fmt);
	vsnprintf(a->action_reason, sizeof(a->action_reason), fmt, ap);
	va_end(ap);
}

/* RFC 7606 attribute-discard: counted; noted in action_reason when nothing else is there. */
static void bgp_upd_discard(struct bgp_upd_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bgp_upd_discard(struct bgp_upd_ctx *x, const char *fmt, ...)
{
	struct bgp_attrs *a = &x->u->attrs;
	va_list ap;

	a->n_discarded++;
	if (a->action != BGP_ATTR_OK || a->action_reason[0])
		return;
	va_start(ap, fmt);
	vsnprintf(a->action_reason, sizeof(a->action_reason), fmt, ap);
	va_end(ap);
}

/* Count IPv4 prefixes (length byte + ceil(len/8) bytes). false when malformed. */
static bool bgp_count_prefixes(const uint8_t *p, size_t len, uint32_t *count)
{
	size_t off = 0;

	while (off < len) {
		uint8_t bits = p[off];
		size_t n = ((size_t)bits + 7) / 8;

		if (bits > 32 || n > len - off - 1)
			return false;
		off += 1 + n;
		(*count)++;
	}
	return true;
}

static void bgp_upd_as_path(struct bgp_upd_ctx *x, const uint8_t *v, size_t vlen)
{
	struct bgp_attrs *a = &x->u->attrs;
	size_t asz = x->as4 ? 4 : 2, off = 0, stored = 0, count = 0;
	uint32_t path[BGP_MAX_AS_PATH];

	while (off < vlen) {
		uint8_t st, sl;

		if (vlen - off < 2) {
			bgp_upd_withdraw(x, "AS_PATH: segment header truncated at byte %zu of %zu", off, vlen);
			return;
		}
		st = v[off];
		sl = v[off + 1];
		if (st < 1 || st > 4) {
			bgp_upd_withdraw(x, "AS_PATH: unknown segment type %u at byte %zu", st, off);
			return;
		}
		if (sl == 0) {
			bgp_upd_withdraw(x, "AS_PATH: empty segment at byte %zu", off);
			return;
		}
		if ((size_t)sl * asz > vlen - off - 2) {
			bgp_upd_withdraw(x, "AS_PATH: segment of %u %zu-octet ASes at byte %zu overruns the attribute (%zu bytes)",
					 sl, asz, off, vlen);
			return;
		}
		for (size_t i = 0; i < sl; i++) {
			const uint8_t *q = v + off + 2 + i * asz;

			if (stored < BGP_MAX_AS_PATH)
				path[stored++] = asz == 4 ? bgp_get32(q) : bgp_get16(q);
			count++;
		}
		off += 2 + (size_t)sl * asz;
	}
	a->has_as_path = true;
	a->as_path_len = (uint8_t)(count > 255 ? 255 : count);
	memcpy(a->as_path, path, stored * sizeof(path[0]));
}

/* Note the first EVPN route problem of the UPDATE for the log. */
static void bgp_upd_evpn_note(struct bgp_update *u, const char *an, size_t off, const char *what)
{
	if (!u->evpn_reason[0])
		snprintf(u->evpn_reason, sizeof(u->evpn_reason), "%.24s: NLRI byte %zu: %.100s", an, off, what);
}

/* A type-5 route with label 0 and no overlay index (gateway IP and ESI zero): RFC 9136 section 3.1. */
static bool bgp_evpn_no_overlay(const struct evpn_route *r)
{
	static const uint8_t zero[16];

	return r->label1 == 0 && !memcmp(r->gw_ip, zero, sizeof(r->gw_ip)) && !memcmp(r->esi, zero, sizeof(r->esi));
}

/* Put r in the reach or unreach array of the caller (counted as truncated when full). */
static void bgp_upd_put(struct bgp_upd_ctx *x, const struct evpn_route *r, bool as_reach)
{
	struct bgp_update *u = x->u;
	struct evpn_route *arr = as_reach ? x->reach : x->unreach;
	size_t *cnt = as_reach ? &u->n_reach : &u->n_unreach;
	size_t cap = as_reach ? x->reach_cap : x->unreach_cap;

	if (arr && *cnt < cap) {
		arr[(*cnt)++] = *r;
		if (as_reach && r->type == EVPN_RT_IMET)
			x->n_reach_imet++;
	} else {
		u->truncated = true;
	}
}

/*
 * A malformed EVPN route whose length byte delimits it (RFC 7606 treat-as-withdraw for that
 * route): counted by reason; withdrawn by its key when the key can be read.
 */
static void bgp_upd_evpn_bad(struct bgp_upd_ctx *x, const char *an, size_t off, enum evpn_nlri_err code,
			     const char *why, const struct evpn_route *key)
{
	struct bgp_update *u = x->u;
	char what[96];

	u->n_evpn_malformed++;
	u->n_evpn_bad[code < EVPN_NLRI_ERR_MAX ? code : EVPN_NLRI_BAD_LENGTH]++;
	if (key) {
		u->n_evpn_bad_withdrawn++;
		bgp_upd_put(x, key, false);
	}
	snprintf(what, sizeof(what), "%s (%s)", why, key ? "route withdrawn" : "no key to withdraw: dropped");
	bgp_upd_evpn_note(u, an, off, what);
}

/* EVPN NLRIs of an MP attribute; attr/attr_len: the whole attribute, for the NOTIFICATION data. */
static int bgp_upd_evpn_nlri(struct bgp_upd_ctx *x, const uint8_t *p, size_t len, bool reach, const uint8_t *attr,
			     size_t attr_len)
{
	struct bgp_update *u = x->u;
	const char *an = reach ? "MP_REACH_NLRI" : "MP_UNREACH_NLRI";
	size_t off = 0;

	while (off < len) {
		struct evpn_route r;
		struct evpn_nlri_diag d;
		uint8_t skipped = 0, type = p[off];
		size_t n = evpn_nlri_decode_diag(p + off, len - off, &r, &skipped, &d);

		if (n == 0 && d.delimited) {
			/* a route we cannot read, whose length byte still delimits it: treat-as-withdraw */
			bgp_upd_evpn_bad(x, an, off, d.code, d.error, d.key_valid ? &r : NULL);
			off += 2 + (size_t)p[off + 1];
			continue;
		}
		if (n == 0)
			return bgp_fail(x->err, BGP_ERR_UPDATE, 9, attr, attr_len,
					"%s: EVPN route type %u at NLRI byte %zu is malformed: %s (length %u, %zu bytes left)", an, type,
					off, d.error ? d.error : "malformed", len - off >= 2 ? p[off + 1] : 0, len - off);
		if (type == EVPN_RT_MAC_IP || type == EVPN_RT_IMET || type == EVPN_RT_IP_PREFIX) {
			bool as_reach = reach;

			/* a route being advertised needs its label (only withdrawals may omit it) */
			if (reach && type == EVPN_RT_MAC_IP && p[off + 1] == 30 + r.ip_len / 8) {
				bgp_upd_evpn_bad(x, an, off, EVPN_NLRI_NO_LABEL, "type-2 route advertised without a label", &r);
				off += n;
				continue;
			}
			if (type == EVPN_RT_IP_PREFIX && d.host_bits_cleared) {
				u->n_evpn_host_bits++;
				bgp_upd_evpn_note(u, an, off, "type-5 prefix bits past the prefix length cleared");
			}
			if (reach && type == EVPN_RT_IP_PREFIX && bgp_evpn_no_overlay(&r)) {
				u->n_evpn_label0++;
				bgp_upd_evpn_note(u, an, off, "type-5 label 0 without an overlay index: treated as withdrawn");
				as_reach = false;
			}
			bgp_upd_put(x, &r, as_reach);
		} else {
			if (d.error)   /* a type 1 or 4 we skip anyway: counted, nothing to withdraw */
				bgp_upd_evpn_bad(x, an, off, d.code, d.error, NULL);
			u->n_skipped[type < 8 ? type : 0]++;
		}
		off += n;
	}
	return 0;
}

static int bgp_upd_mp_reach(struct bgp_upd_ctx *x, const uint8_t *v, size_t vlen, const uint8_t *attr,
			    size_t attr_len)
{
	struct bgp_attrs *a = &x->u->attrs;
	uint16_t afi;
	uint8_t safi, nhl;

	if (vlen < 5)
		return bgp_fail(x->err, BGP_ERR_UPDATE, 9, attr, attr_len,
				"MP_REACH_NLRI: length %zu is shorter than 5", vlen);
	afi = bgp_get16(v);
	safi = v[2];
	nhl = v[3];
	if ((size_t)5 + nhl > vlen)
		return bgp_fail(x->err, BGP_ERR_UPDATE, 9, attr, attr_len,
				"MP_REACH_NLRI: next hop length %u overruns the attribute (%zu bytes)", nhl, vlen);
	if (afi != EVPN_AFI || safi != EVPN_SAFI)
		return 0; /* another address family: not ours, ignored */
	if (nhl != 4 && nhl != 16 && nhl != 32)
		return bgp_fail(x->err, BGP_ERR_UPDATE, 9, attr, attr_len,
				"MP_REACH_NLRI: EVPN next hop length %u is not 4, 16 or 32", nhl);
	x->u->has_mp_reach_evpn = true;
	a->mp_nh_len = nhl == 32 ? 16 : nhl; /* global IPv6 address first, link-local dropped */
	memcpy(a->mp_nh, v + 4, a->mp_nh_len);
	/* v[4 + nhl]: reserved (RFC 4760), ignored */
	return bgp_upd_evpn_nlri(x, v + 5 + nhl, vlen - 5 - nhl, true, attr, attr_len);
}

static int bgp_upd_mp_unreach(struct bgp_upd_ctx *x, const uint8_t *v, size_t vlen, const uint8_t *attr,
			      size_t attr_len)
{
	if (vlen < 3)
		return bgp_fail(x->err, BGP_ERR_UPDATE, 9, attr, attr_len,
				"MP_UNREACH_NLRI: length %zu is shorter than 3", vlen);
	if (bgp_get16(v) != EVPN_AFI || v[2] != EVPN_SAFI)
		return 0;
	x->u->has_mp_unreach_evpn = true;
	x->unreach_nlri_bytes = vlen - 3;
	return bgp_upd_evpn_nlri(x, v + 3, vlen - 3, false, attr, attr_len);
}

/*
 * EXTENDED_COMMUNITIES (RFC 4360; RFC 7606 section 7.14: a length that is not a multiple of
 * 8 is treat-as-withdraw). The router's MAC (RFC 9135 section 8.1) becomes the inner
 * destination MAC of routed traffic: one that is zero or a group address, or a second one
 * that differs from the first, is dropped (counted as a discard), as if absent.
 */
static void bgp_upd_ext_comm(struct bgp_upd_ctx *x, const uint8_t *v, size_t vlen)
{
	struct bgp_attrs *a = &x->u->attrs;
	uint8_t rmac[6], first[6];
	bool have_rmac = false;
	size_t n;

	if (vlen == 0 || vlen % 8 != 0) {
		bgp_upd_withdraw(x, "EXTENDED_COMMUNITIES: length %zu is not a non-zero multiple of 8", vlen);
		return;
	}
	n = vlen / 8;
	a->n_ext_comm = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t ec = (uint64_t)bgp_get32(v + 8 * i) << 32 | bgp_get32(v + 8 * i + 4);

		if (evpn_ec_get_router_mac(ec, rmac)) {
			static const uint8_t zero[6];

			if (!memcmp(rmac, zero, 6) || (rmac[0] & 1)) {
				bgp_upd_discard(x, "EXTENDED_COMMUNITIES: router's MAC %02x:%02x:%02x:%02x:%02x:%02x is %s: "
						"community discarded", rmac[0], rmac[1], rmac[2], rmac[3], rmac[4], rmac[5],
						rmac[0] & 1 ? "a group address" : "zero");
				continue;
			}
			if (have_rmac && memcmp(rmac, first, 6)) {
				bgp_upd_discard(x, "EXTENDED_COMMUNITIES: a second, different router's MAC: community discarded");
				continue;
			}
			memcpy(first, rmac, 6);
			have_rmac = true;
		}
		if (a->n_ext_comm < BGP_MAX_EXT_COMM)
			a->ext_comm[a->n_ext_comm++] = ec;
		else
			a->n_discarded++; /* more than we keep */
	}
}

/*
 * PMSI_TUNNEL (RFC 6514 section 5). A malformed one is noted here and judged after the NLRI
 * are read (attributes come in any order): it decides where a type-3 route's BUM traffic
 * goes, so with type-3 routes it is treat-as-withdraw (RFC 7606 section 3: attribute-discard
 * only for attributes that affect neither selection nor installation); without, discarded.
 */
static void bgp_upd_pmsi(struct bgp_upd_ctx *x, const uint8_t *v, size_t vlen)
{
	struct bgp_attrs *a = &x->u->attrs;
	size_t ep;

	if (vlen < 5) {
		snprintf(x->pmsi_bad, sizeof(x->pmsi_bad), "PMSI_TUNNEL: length %zu is shorter than 5", vlen);
		return;
	}
	ep = vlen - 5;
	if (v[1] == 6 /* ingress replication */ && ep != 4 && ep != 16) {
		snprintf(x->pmsi_bad, sizeof(x->pmsi_bad),
			 "PMSI_TUNNEL: ingress replication endpoint of %zu bytes (not 4 or 16)", ep);
		return;
	}
	a->has_pmsi = true;
	a->pmsi_flags = v[0];
	a->pmsi_tunnel_type = v[1];
	a->pmsi_label = (uint32_t)v[2] << 16 | (uint32_t)v[3] << 8 | v[4];
	a->pmsi_endpoint_len = ep == 4 || ep == 16 ? (uint8_t)ep : 0;
	memcpy(a->pmsi_endpoint, v + 5, a->pmsi_endpoint_len);
}

/* One attribute whose header was validated. Returns 0 or EBADMSG (session reset). */
static int bgp_upd_attr(struct bgp_upd_ctx *x, const struct bgp_attr_info *ai, const uint8_t *v, size_t vlen,
			const uint8_t *attr, size_t attr_len)
{
	struct bgp_attrs *a = &x->u->attrs;

	switch (ai->type) {
	case BGP_ATTR_ORIGIN:
		if (vlen != 1)
			bgp_upd_withdraw(x, "ORIGIN: length %zu, expected 1", vlen);
		else if (v[0] > 2)
			bgp_upd_withdraw(x, "ORIGIN: value %u is not IGP, EGP or INCOMPLETE", v[0]);
		else {
			a->has_origin = true;
			a->origin = v[0];
		}
		break;
	case BGP_ATTR_AS_PATH:
		bgp_upd_as_path(x, v, vlen);
		break;
	case BGP_ATTR_NEXT_HOP:
		if (vlen != 4) {
			bgp_upd_withdraw(x, "NEXT_HOP: length %zu, expected 4", vlen);
			break;
		}
		a->has_next_hop = true;
		memcpy(&a->next_hop, v, 4);
		break;
	case BGP_ATTR_MED:
	case BGP_ATTR_LOCAL_PREF:
		if (vlen != 4) {
			bgp_upd_withdraw(x, "%s: length %zu, expected 4", ai->name, vlen);
			break;
		}
		if (ai->type == BGP_ATTR_MED) {
			a->has_med = true;
			a->med = bgp_get32(v);
		} else {
			a->has_local_pref = true;
			a->local_pref = bgp_get32(v);
		}
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		if (vlen != 0)
			bgp_upd_discard(x, "ATOMIC_AGGREGATE: length %zu, expected 0: attribute discarded", vlen);
		break;
	case BGP_ATTR_AGGREGATOR:
		if (vlen != (x->as4 ? 8u : 6u))
			bgp_upd_discard(x, "AGGREGATOR: length %zu, expected %u: attribute discarded", vlen, x->as4 ? 8 : 6);
		break;
	case BGP_ATTR_COMMUNITIES:
	case BGP_ATTR_CLUSTER_LIST:
		if (vlen == 0 || vlen % 4 != 0)
			bgp_upd_withdraw(x, "%s: length %zu is not a non-zero multiple of 4", ai->name, vlen);
		break;
	case BGP_ATTR_ORIGINATOR_ID:
		if (vlen != 4) {
			bgp_upd_withdraw(x, "ORIGINATOR_ID: length %zu, expected 4", vlen);
			break;
		}
		a->has_originator_id = true;
		memcpy(&a->originator_id, v, 4);
		break;
	case BGP_ATTR_MP_REACH:
		return bgp_upd_mp_reach(x, v, vlen, attr, attr_len);
	case BGP_ATTR_MP_UNREACH:
		return bgp_upd_mp_unreach(x, v, vlen, attr, attr_len);
	case BGP_ATTR_EXT_COMM:
		bgp_upd_ext_comm(x, v, vlen);
		break;
	case BGP_ATTR_PMSI_TUNNEL:
		bgp_upd_pmsi(x, v, vlen);
		break;
	default: /* AS4_PATH, AS4_AGGREGATOR: recognised and ignored */
		break;
	}
	return 0;
}

int bgp_update_decode(const uint8_t *body, size_t len, bool as4, struct bgp_update *u, struct evpn_route *reach,
		      size_t reach_cap, struct evpn_route *unreach, size_t unreach_cap, struct bgp_error *err)
{
	struct bgp_upd_ctx x = { .u = u, .reach = reach, .unreach = unreach, .reach_cap = reach_cap,
				 .unreach_cap = unreach_cap, .err = err, .as4 = as4 };
	const uint8_t *wd, *at, *nlri;
	size_t wlen, alen, nlen, off = 0, n_attrs = 0;
	uint8_t seen[32] = { 0 };
	bool cut = false;

	if (!u)
		return bgp_fail(err, BGP_ERR_UPDATE, 1, NULL, 0, "UPDATE: no result structure");
	memset(u, 0, sizeof(*u));
	if (!body || len < 4)
		return bgp_fail(err, BGP_ERR_UPDATE, 1, NULL, 0, "UPDATE: body of %zu bytes is shorter than 4", len);
	wlen = bgp_get16(body);
	if (wlen > len - 4)
		return bgp_fail(err, BGP_ERR_UPDATE, 1, NULL, 0,
				"UPDATE: withdrawn routes length %zu exceeds the %zu bytes left in the message", wlen, len - 4);
	wd = body + 2;
	alen = bgp_get16(body + 2 + wlen);
	if (alen > len - 4 - wlen)
		return bgp_fail(err, BGP_ERR_UPDATE, 1, NULL, 0,
				"UPDATE: total path attribute length %zu exceeds the %zu bytes left in the message", alen,
				len - 4 - wlen);
	at = body + 4 + wlen;
	nlri = at + alen;
	nlen = len - 4 - wlen - alen;
	if (!bgp_count_prefixes(wd, wlen, &u->n_ipv4_withdrawn))
		return bgp_fail(err, BGP_ERR_UPDATE, 10, NULL, 0, "UPDATE: malformed IPv4 prefix in the withdrawn routes");
	if (len == 4) {
		u->end_of_rib_ipv4 = true;
		return 0;
	}

	while (off < alen) {
		const struct bgp_attr_info *ai;
		const uint8_t *attr = at + off, *v;
		uint8_t flags, type;
		size_t hl, vlen;
		int r;

		if (alen - off < 3) {
			bgp_attr_cut(&x, alen - off >= 2 ? attr[1] : 0, alen - off >= 2,
				     "attribute header truncated at byte %zu of the %zu-byte attribute area", off, alen);
			cut = true;
			break;
		}
		flags = attr[0];
		type = attr[1];
		hl = flags & BGP_AF_EXTLEN ? 4 : 3;
		if (alen - off < hl) {
			bgp_attr_cut(&x, type, true, "attribute type %u: extended length truncated at byte %zu of the "
				     "attribute area", type, off);
			cut = true;
			break;
		}
		vlen = hl == 4 ? bgp_get16(attr + 2) : attr[2];
		ai = bgp_attr_lookup(type);
		if (vlen > alen - off - hl) {
			bgp_attr_cut(&x, type, true, "attribute %s (type %u) length %zu overruns the attribute area (%zu "
				     "bytes left)", ai ? ai->name : "unknown", type, vlen, alen - off - hl);
			cut = true;
			break;
		}
		v = attr + hl;
		off += hl + vlen;
		n_attrs++;

		if (seen[type / 8] & (1u << (type % 8))) {
			if (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH)
				return bgp_fail(err, BGP_ERR_UPDATE, 1, NULL, 0, "UPDATE: %s appears more than once",
						ai->name);
			bgp_upd_discard(&x, "attribute %s (type %u) appears more than once: the later one was discarded",
					ai ? ai->name : "unknown", type);
			continue;
		}
		seen[type / 8] |= (uint8_t)(1u << (type % 8));

		if (!ai) {
			if (!(flags & BGP_AF_OPTIONAL))
				return bgp_fail(err, BGP_ERR_UPDATE, 2, attr, hl + vlen,
						"UPDATE: unrecognized well-known attribute type %u (flags 0x%02x)", type, flags);
			continue; /* unknown optional attribute: skipped */
		}
		if ((flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) != ai->flags ||
		    ((flags & BGP_AF_PARTIAL) && ai->flags != (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE))) {
			if (type == BGP_ATTR_AS4_PATH || type == BGP_ATTR_AS4_AGGREGATOR) {
				bgp_upd_discard(&x, "%s: flags 0x%02x conflict with the attribute's category: attribute discarded",
						ai->name, flags);
				continue;
			}
			bgp_upd_withdraw(&x, "%s: flags 0x%02x conflict with the attribute's category (expected 0x%02x)",
					 ai->name, flags, ai->flags);
			/* the NLRI of a flagged MP attribute are still read, to be withdrawn */
			if (type != BGP_ATTR_MP_REACH && type != BGP_ATTR_MP_UNREACH)
				continue;
		}
		r = bgp_upd_attr(&x, ai, v, vlen, attr, hl + vlen);
		if (r)
			return r;
	}

	if (x.pmsi_bad[0] && x.n_reach_imet)
		bgp_upd_withdraw(&x, "%s: the type-3 routes it comes with are withdrawn", x.pmsi_bad);
	else if (x.pmsi_bad[0])
		bgp_upd_discard(&x, "%s: attribute discarded", x.pmsi_bad);
	if (cut && x.cut_mp)
		return bgp_fail(err, BGP_ERR_UPDATE, 1, NULL, 0, "UPDATE: %s: the NLRI cannot be located", x.cut_reason);
	if (cut)
		bgp_upd_withdraw(&x, "%s (RFC 7606 section 4)", x.cut_reason);
	/* the NLRI field last: RFC 4271 section 6.3 checks the attributes first */
	if (!bgp_count_prefixes(nlri, nlen, &u->n_ipv4_nlri))
		return bgp_fail(err, BGP_ERR_UPDATE, 10, NULL, 0, "UPDATE: malformed IPv4 prefix in the NLRI");
	if (n_attrs == 1 && !cut && u->has_mp_unreach_evpn && x.unreach_nlri_bytes == 0 && wlen == 0 && nlen == 0)
		u->end_of_rib_evpn = true;
	/* Reachable routes need the well-known mandatory attributes (RFC 7606 section 3d). */
	if ((seen[BGP_ATTR_MP_REACH / 8] & (1u << (BGP_ATTR_MP_REACH % 8))) || u->n_ipv4_nlri) {
		if (!(seen[0] & (1u << BGP_ATTR_ORIGIN)))
			bgp_upd_withdraw(&x, "missing well-known attribute ORIGIN");
		else if (!(seen[0] & (1u << BGP_ATTR_AS_PATH)))
			bgp_upd_withdraw(&x, "missing well-known attribute AS_PATH");
		else if (u->n_ipv4_nlri && !(seen[0] & (1u << BGP_ATTR_NEXT_HOP)))
			bgp_upd_withdraw(&x, "missing well-known attribute NEXT_HOP for IPv4 NLRI");
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* UPDATE encoding                                                                          */
/* ---------------------------------------------------------------------------------------- */

/* Attribute header; the extended-length flag when the value exceeds 255 bytes. */
static size_t bgp_put_attr_hdr(uint8_t *p, uint8_t flags, uint8_t type, size_t vlen)
{
	if (vlen > 255) {
		p[0] = flags | BGP_AF_EXTLEN;
		p[1] = type;
		bgp_put16(p + 2, (uint16_t)vlen);
		return 4;
	}
	p[0] = flags;
	p[1] = type;
	p[2] = (uint8_t)vlen;
	return 3;
}

static size_t bgp_attr_size(size_t vlen)
{
	return (vlen > 255 ? 4 : 3) + vlen;
}

size_t bgp_update_encode_evpn(uint8_t *buf, size_t max_len, const struct bgp_attrs *attrs,
			      const struct evpn_route *routes, size_t n, bool withdraw, bool as4, size_t *n_done)
{
	uint8_t scratch[64];
	size_t n_path = 0, n_ext = 0, path_len = 0, as4_path_len = 0, pmsi_len = 0, mp_fixed, nh_len = 0;
	size_t other = 0, nlri_len = 0, count = 0, mp_len, total, off, alen_off;
	bool need_as4_path = false;

	if (n_done)
		*n_done = 0;
	if (!buf || !routes || n == 0 || (!withdraw && !attrs))
		return 0;
	if (max_len > BGP_MAX_MSG_EXT)
		max_len = BGP_MAX_MSG_EXT;

	if (withdraw) {
		mp_fixed = 3;
	} else {
		nh_len = attrs->mp_nh_len;
		if (nh_len != 4 && nh_len != 16 && nh_len != 32)
			return 0;
		if (attrs->has_pmsi && attrs->pmsi_endpoint_len != 0 && attrs->pmsi_endpoint_len != 4 &&
		    attrs->pmsi_endpoint_len != 16)
			return 0;
		n_path = attrs->as_path_len < BGP_MAX_AS_PATH ? attrs->as_path_len : BGP_MAX_AS_PATH;
		for (size_t i = 0; i < n_path; i++)
			if (attrs->as_path[i] > 0xffff)
				need_as4_path = !as4;
		path_len = n_path ? 2 + n_path * (as4 ? 4 : 2) : 0;
		as4_path_len = need_as4_path ? 2 + n_path * 4 : 0;
		n_ext = attrs->n_ext_comm < BGP_MAX_EXT_COMM ? attrs->n_ext_comm : BGP_MAX_EXT_COMM;
		pmsi_len = attrs->has_pmsi ? 5 + (size_t)attrs->pmsi_endpoint_len : 0;
		other = bgp_attr_size(1) + bgp_attr_size(path_len);
		if (attrs->has_med)
			other += bgp_attr_size(4);
		if (attrs->has_local_pref)
			other += bgp_attr_size(4);
		if (n_ext)
			other += bgp_attr_size(8 * n_ext);
		if (need_as4_path)
			other += bgp_attr_size(as4_path_len);
		if (attrs->has_pmsi)
			other += bgp_attr_size(pmsi_len);
		mp_fixed = 2 + 1 + 1 + nh_len + 1;
	}

	/* How many routes fit. */
	for (size_t i = 0; i < n; i++) {
		size_t sz = evpn_nlri_encode(scratch, sizeof(scratch), &routes[i], withdraw);

		if (sz == 0)
			return 0; /* not a route we can encode (type or IP length) */
		mp_len = mp_fixed + nlri_len + sz;
		total = BGP_HDR_LEN + 4 + other + bgp_attr_size(mp_len);
		if (mp_len > 0xffff || total > max_len)
			break;
		nlri_len += sz;
		count++;
	}
	if (count == 0)
		return 0;
	mp_len = mp_fixed + nlri_len;
	total = BGP_HDR_LEN + 4 + other + bgp_attr_size(mp_len);

	bgp_put_header(buf, total, BGP_MSG_UPDATE);
	bgp_put16(buf + 19, 0); /* no withdrawn IPv4 routes */
	alen_off = 21;
	bgp_put16(buf + alen_off, (uint16_t)(total - BGP_HDR_LEN - 4));
	off = 23;

	if (withdraw) {
		off += bgp_put_attr_hdr(buf + off, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH, mp_len);
		bgp_put16(buf + off, EVPN_AFI);
		buf[off + 2] = EVPN_SAFI;
		off += 3;
	} else {
		off += bgp_put_attr_hdr(buf + off, BGP_AF_TRANSITIVE, BGP_ATTR_ORIGIN, 1);
		buf[off++] = attrs->origin;
		off += bgp_put_attr_hdr(buf + off, BGP_AF_TRANSITIVE, BGP_ATTR_AS_PATH, path_len);
		if (n_path) {
			buf[off++] = BGP_AS_SEQUENCE;
			buf[off++] = (uint8_t)n_path;
			for (size_t i = 0; i < n_path; i++) {
				uint32_t asn = attrs->as_path[i];

				if (as4) {
					bgp_put32(buf + off, asn);
					off += 4;
				} else {
					bgp_put16(buf + off, (uint16_t)(asn > 0xffff ? BGP_AS_TRANS : asn));
					off += 2;
				}
			}
		}
		if (attrs->has_med) {
			off += bgp_put_attr_hdr(buf + off, BGP_AF_OPTIONAL, BGP_ATTR_MED, 4);
			bgp_put32(buf + off, attrs->med);
			off += 4;
		}
		if (attrs->has_local_pref) {
			off += bgp_put_attr_hdr(buf + off, BGP_AF_TRANSITIVE, BGP_ATTR_LOCAL_PREF, 4);
			bgp_put32(buf + off, attrs->local_pref);
			off += 4;
		}
		off += bgp_put_attr_hdr(buf + off, BGP_AF_OPTIONAL, BGP_ATTR_MP_REACH, mp_len);
		bgp_put16(buf + off, EVPN_AFI);
		buf[off + 2] = EVPN_SAFI;
		buf[off + 3] = (uint8_t)nh_len;
		memcpy(buf + off + 4, attrs->mp_nh, nh_len);
		buf[off + 4 + nh_len] = 0; /* reserved */
		off += mp_fixed;
	}
	for (size_t i = 0; i < count; i++)
		off += evpn_nlri_encode(buf + off, total - off, &routes[i], withdraw);

	if (!withdraw) {
		if (n_ext) {
			off += bgp_put_attr_hdr(buf + off, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_EXT_COMM, 8 * n_ext);
			for (size_t i = 0; i < n_ext; i++) {
				bgp_put32(buf + off, (uint32_t)(attrs->ext_comm[i] >> 32));
				bgp_put32(buf + off + 4, (uint32_t)attrs->ext_comm[i]);
				off += 8;
			}
		}
		if (need_as4_path) {
			/* RFC 6793: the real path for a 2-octet peer, next to AS_TRANS in AS_PATH */
			off += bgp_put_attr_hdr(buf + off, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_AS4_PATH,
						as4_path_len);
			buf[off++] = BGP_AS_SEQUENCE;
			buf[off++] = (uint8_t)n_path;
			for (size_t i = 0; i < n_path; i++, off += 4)
				bgp_put32(buf + off, attrs->as_path[i]);
		}
		if (attrs->has_pmsi) {
			off += bgp_put_attr_hdr(buf + off, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_PMSI_TUNNEL, pmsi_len);
			buf[off] = attrs->pmsi_flags;
			buf[off + 1] = attrs->pmsi_tunnel_type;
			buf[off + 2] = (uint8_t)(attrs->pmsi_label >> 16);
			buf[off + 3] = (uint8_t)(attrs->pmsi_label >> 8);
			buf[off + 4] = (uint8_t)attrs->pmsi_label;
			memcpy(buf + off + 5, attrs->pmsi_endpoint, attrs->pmsi_endpoint_len);
			off += pmsi_len;
		}
	}
	if (off != total)
		return 0; /* cannot happen: the sizes above and the writes disagree */
	if (n_done)
		*n_done = count;
	return total;
}

/* ---------------------------------------------------------------------------------------- */
/* Error names                                                                              */
/* ---------------------------------------------------------------------------------------- */

const char *bgp_error_name(uint8_t code, uint8_t subcode)
{
	static const char *const header[] = { "Message Header Error", "Message Header Error/Connection Not Synchronized",
					      "Message Header Error/Bad Message Length",
					      "Message Header Error/Bad Message Type" };
	static const char *const open[] = {
		"OPEN Message Error",
		"OPEN Message Error/Unsupported Version Number",
		"OPEN Message Error/Bad Peer AS",
		"OPEN Message Error/Bad BGP Identifier",
		"OPEN Message Error/Unsupported Optional Parameter",
		"OPEN Message Error/Authentication Failure (deprecated)",
		"OPEN Message Error/Unacceptable Hold Time",
		"OPEN Message Error/Unsupported Capability",
		"OPEN Message Error/8 (deprecated)",
		"OPEN Message Error/9 (deprecated)",
		"OPEN Message Error/10 (deprecated)",
		"OPEN Message Error/Role Mismatch",
	};
	static const char *const update[] = {
		"UPDATE Message Error",
		"UPDATE Message Error/Malformed Attribute List",
		"UPDATE Message Error/Unrecognized Well-known Attribute",
		"UPDATE Message Error/Missing Well-known Attribute",
		"UPDATE Message Error/Attribute Flags Error",
		"UPDATE Message Error/Attribute Length Error",
		"UPDATE Message Error/Invalid ORIGIN Attribute",
		"UPDATE Message Error/AS Routing Loop (deprecated)",
		"UPDATE Message Error/Invalid NEXT_HOP Attribute",
		"UPDATE Message Error/Optional Attribute Error",
		"UPDATE Message Error/Invalid Network Field",
		"UPDATE Message Error/Malformed AS_PATH",
	};
	static const char *const hold[] = { "Hold Timer Expired" };
	static const char *const fsm[] = {
		"Finite State Machine Error",
		"Finite State Machine Error/Unexpected Message in OpenSent State",
		"Finite State Machine Error/Unexpected Message in OpenConfirm State",
		"Finite State Machine Error/Unexpected Message in Established State",
	};
	static const char *const cease[] = {
		"Cease",
		"Cease/Maximum Number of Prefixes Reached",
		"Cease/Administrative Shutdown",
		"Cease/Peer De-configured",
		"Cease/Administrative Reset",
		"Cease/Connection Rejected",
		"Cease/Other Configuration Change",
		"Cease/Connection Collision Resolution",
		"Cease/Out of Resources",
		"Cease/Hard Reset",
		"Cease/BFD Down",
	};
	static const char *const rr[] = { "ROUTE-REFRESH Message Error", "ROUTE-REFRESH Message Error/Invalid Message Length" };
	static const struct {
		const char *const *names;
		size_t n;
		const char *unknown;
	} codes[] = {
		{ NULL, 0, "Unknown error code" },
		{ header, sizeof(header) / sizeof(header[0]), "Message Header Error/unknown subcode" },
		{ open, sizeof(open) / sizeof(open[0]), "OPEN Message Error/unknown subcode" },
		{ update, sizeof(update) / sizeof(update[0]), "UPDATE Message Error/unknown subcode" },
		{ hold, sizeof(hold) / sizeof(hold[0]), "Hold Timer Expired/unknown subcode" },
		{ fsm, sizeof(fsm) / sizeof(fsm[0]), "Finite State Machine Error/unknown subcode" },
		{ cease, sizeof(cease) / sizeof(cease[0]), "Cease/unknown subcode" },
		{ rr, sizeof(rr) / sizeof(rr[0]), "ROUTE-REFRESH Message Error/unknown subcode" },
	};

	if (code == 0 || code >= sizeof(codes) / sizeof(codes[0]))
		return codes[0].unknown;
	if (subcode >= codes[code].n)
		return codes[code].unknown;
	return codes[code].names[subcode];
}
