/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_bgp_msg.c: unit tests of the BGP codec (control/bgp/bgp_msg.c) against the real messages
 * of FRR 8.4 and GoBGP 3.10 in test/data/bgp/ (extracted from /work/shared/captures), byte
 * vectors of our own encoders, every RFC 7606 outcome (treat-as-withdraw, attribute-discard,
 * session reset), lying lengths and truncations, message size limits, and a check that
 * Wireshark's dissector reads our encoders' output without a malformed or error mark.
 */
#include <check.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_msg.h"
#include "test_hex.h"

#define MAXR 1024

static struct evpn_route g_reach[MAXR], g_unreach[MAXR];
static struct bgp_update g_u;
static struct bgp_error g_err;

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                  */
/* ---------------------------------------------------------------------------------------- */


/* A captured message from test/data/bgp (VTEPD_TEST_DATA or ./test/data). */
static size_t load(const char *name, uint8_t *buf, size_t cap)
{
	const char *dir = getenv("VTEPD_TEST_DATA");
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/bgp/%s", dir ? dir : "test/data", name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	ck_assert_uint_gt(n, 0);
	return n;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void rd_str(const uint8_t rd[8], char *buf)
{
	evpn_rd_format(rd, buf, 32);
}

/* Header then UPDATE decode of a whole message. */
static int dec_update(const uint8_t *msg, size_t len, bool as4)
{
	uint16_t mlen = 0;
	uint8_t type = 0;

	memset(&g_err, 0, sizeof(g_err));
	ck_assert_int_eq(bgp_header_parse(msg, len, BGP_MAX_MSG_EXT, &mlen, &type, &g_err), 0);
	ck_assert_uint_eq(mlen, len);
	ck_assert_uint_eq(type, BGP_MSG_UPDATE);
	return bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, as4, &g_u, g_reach, MAXR, g_unreach, MAXR,
				 &g_err);
}

static void assert_route_eq(const struct evpn_route *a, const struct evpn_route *b)
{
	ck_assert_uint_eq(a->type, b->type);
	ck_assert_mem_eq(a->rd, b->rd, 8);
	ck_assert_mem_eq(a->esi, b->esi, 10);
	ck_assert_uint_eq(a->eth_tag, b->eth_tag);
	ck_assert_mem_eq(a->mac, b->mac, 6);
	ck_assert_uint_eq(a->ip_len, b->ip_len);
	ck_assert_mem_eq(a->ip, b->ip, 16);
	ck_assert_uint_eq(a->label1, b->label1);
	ck_assert_uint_eq(a->label2, b->label2);
	ck_assert_int_eq(a->has_label2, b->has_label2);
	ck_assert_uint_eq(a->prefix_len, b->prefix_len);
	ck_assert_mem_eq(a->gw_ip, b->gw_ip, 16);
}

static void assert_attrs_eq(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	ck_assert_int_eq(a->has_origin, b->has_origin);
	ck_assert_uint_eq(a->origin, b->origin);
	ck_assert_uint_eq(a->as_path_len, b->as_path_len);
	for (size_t i = 0; i < a->as_path_len && i < BGP_MAX_AS_PATH; i++)
		ck_assert_uint_eq(a->as_path[i], b->as_path[i]);
	ck_assert_uint_eq(a->mp_nh_len, b->mp_nh_len);
	ck_assert_mem_eq(a->mp_nh, b->mp_nh, a->mp_nh_len);
	ck_assert_uint_eq(a->n_ext_comm, b->n_ext_comm);
	for (size_t i = 0; i < a->n_ext_comm; i++)
		ck_assert_uint_eq(a->ext_comm[i], b->ext_comm[i]);
	ck_assert_int_eq(a->has_pmsi, b->has_pmsi);
	if (a->has_pmsi) {
		ck_assert_uint_eq(a->pmsi_flags, b->pmsi_flags);
		ck_assert_uint_eq(a->pmsi_tunnel_type, b->pmsi_tunnel_type);
		ck_assert_uint_eq(a->pmsi_label, b->pmsi_label);
		ck_assert_uint_eq(a->pmsi_endpoint_len, b->pmsi_endpoint_len);
		ck_assert_mem_eq(a->pmsi_endpoint, b->pmsi_endpoint, a->pmsi_endpoint_len);
	}
	ck_assert_int_eq(a->has_med, b->has_med);
	ck_assert_uint_eq(a->med, b->med);
	ck_assert_int_eq(a->has_local_pref, b->has_local_pref);
	ck_assert_uint_eq(a->local_pref, b->local_pref);
}

static bool has_ec(const struct bgp_attrs *a, uint64_t ec)
{
	for (uint32_t i = 0; i < a->n_ext_comm; i++)
		if (a->ext_comm[i] == ec)
			return true;
	return false;
}

/* A message under construction. */
struct msg {
	uint8_t b[70000];
	size_t len;
};

static struct msg g_m;

static void m_hex(struct msg *m, const char *h)
{
	m->len += hex(h, m->b + m->len, sizeof(m->b) - m->len);
}

static void m_put16(struct msg *m, size_t off, size_t v)
{
	m->b[off] = (uint8_t)(v >> 8);
	m->b[off + 1] = (uint8_t)v;
}

/* UPDATE from hex parts: withdrawn routes, NLRI, then the attributes (NULL-terminated). */
static struct msg *build_update(const char *wd, const char *nlri, ...)
{
	struct msg *m = &g_m;
	size_t alen_off;
	const char *a;
	va_list ap;

	memset(m->b, 0xff, 16);
	m->b[18] = BGP_MSG_UPDATE;
	m->len = 21;
	m_hex(m, wd);
	m_put16(m, 19, m->len - 21);
	alen_off = m->len;
	m->len += 2;
	va_start(ap, nlri);
	while ((a = va_arg(ap, const char *)) != NULL)
		m_hex(m, a);
	va_end(ap);
	m_put16(m, alen_off, m->len - alen_off - 2);
	m_hex(m, nlri);
	m_put16(m, 16, m->len);
	return m;
}

/* Standard pieces. */
#define NLRI_T2_MAC "02 21 00010a0000020002 00000000000000000000 00000000 30 020000000002 00 000064"
#define A_ORIGIN "40 01 01 00"
#define A_ASPATH "40 02 06 02 01 0000fde8"
#define A_MP_T2 "80 0e 2c 0019 46 04 0a000002 00 " NLRI_T2_MAC
#define A_MP_UN_T2 "80 0f 26 0019 46 " NLRI_T2_MAC
#define A_EXT "c0 10 10 030c000000000008 0002fde800000064"

/* Our standard attributes: IGP, AS path [asn], next hop 10.0.0.1, RT asn:100, VXLAN. */
static void std_attrs(struct bgp_attrs *a, uint32_t asn)
{
	memset(a, 0, sizeof(*a));
	a->has_origin = true;
	a->origin = 0;
	a->has_as_path = true;
	a->as_path[0] = asn;
	a->as_path_len = 1;
	a->mp_nh_len = 4;
	memcpy(a->mp_nh, (const uint8_t[]){ 10, 0, 0, 1 }, 4);
	a->ext_comm[0] = asn > 0xffff ? evpn_ec_rt_as4(asn, 100) : evpn_ec_rt_as2((uint16_t)asn, 100);
	a->ext_comm[1] = evpn_ec_encap_vxlan();
	a->n_ext_comm = 2;
}

/* Type-2 MAC+IPv4 route i under RD 10.0.0.1:1, label VNI 100. */
static void make_route(struct evpn_route *r, unsigned i)
{
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_MAC_IP;
	evpn_rd_type1(r->rd, ip4("10.0.0.1"), 1);
	memcpy(r->mac, (const uint8_t[]){ 2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i }, 6);
	r->ip_len = 32;
	memcpy(r->ip, (const uint8_t[]){ 10, 100, (uint8_t)(i >> 8), (uint8_t)i }, 4);
	r->label1 = 100;
}

static void make_imet(struct evpn_route *r, const char *vtep)
{
	uint32_t a = ip4(vtep);

	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_IMET;
	evpn_rd_type1(r->rd, a, 1);
	r->ip_len = 32;
	memcpy(r->ip, &a, 4);
}

/* ---------------------------------------------------------------------------------------- */
/* Header                                                                                   */
/* ---------------------------------------------------------------------------------------- */

START_TEST(header_good_and_bad)
{
	uint8_t m[64];
	uint16_t len = 0;
	uint8_t type = 0;
	struct bgp_error e;

	ck_assert_uint_eq(load("frr-session-f12-0-keepalive.bin", m, sizeof(m)), 19);
	ck_assert_int_eq(bgp_header_parse(m, 19, BGP_MAX_MSG, &len, &type, &e), 0);
	ck_assert_uint_eq(len, 19);
	ck_assert_uint_eq(type, BGP_MSG_KEEPALIVE);
	for (size_t k = 0; k < 19; k++)
		ck_assert_int_eq(bgp_header_parse(m, k, BGP_MAX_MSG, &len, &type, &e), EAGAIN);
	/* a bad marker byte anywhere */
	for (int i = 0; i < 16; i++) {
		memset(&e, 0, sizeof(e));
		m[i] = 0xfe;
		ck_assert_int_eq(bgp_header_parse(m, 19, BGP_MAX_MSG, &len, &type, &e), EBADMSG);
		ck_assert_uint_eq(e.code, 1);
		ck_assert_uint_eq(e.subcode, 1);
		ck_assert_ptr_nonnull(strstr(e.reason, "marker"));
		m[i] = 0xff;
	}
	/* lengths outside 19..max */
	m[16] = 0;
	m[17] = 18;
	ck_assert_int_eq(bgp_header_parse(m, 19, BGP_MAX_MSG, &len, &type, &e), EBADMSG);
	ck_assert_uint_eq(e.code, 1);
	ck_assert_uint_eq(e.subcode, 2);
	ck_assert_uint_eq(e.data_len, 2);
	ck_assert_uint_eq(e.data[1], 18);
	m[2 + 14] = 0x10; /* 4097 */
	m[17] = 0x01;
	ck_assert_int_eq(bgp_header_parse(m, 19, BGP_MAX_MSG, &len, &type, &e), EBADMSG);
	ck_assert_uint_eq(e.subcode, 2);
	ck_assert_uint_eq(e.data[0], 0x10);
	ck_assert_uint_eq(e.data[1], 0x01);
	/* the same length is fine once extended messages are negotiated, for an UPDATE */
	m[18] = BGP_MSG_UPDATE;
	ck_assert_int_eq(bgp_header_parse(m, 19, BGP_MAX_MSG_EXT, &len, &type, &e), 0);
	ck_assert_uint_eq(len, 4097);
	/* unknown types */
	m[16] = 0;
	m[17] = 19;
	for (unsigned t = 0; t < 256; t++) {
		if (t >= 1 && t <= 5)
			continue;
		m[18] = (uint8_t)t;
		memset(&e, 0, sizeof(e));
		ck_assert_int_eq(bgp_header_parse(m, 19, BGP_MAX_MSG, &len, &type, &e), EBADMSG);
		ck_assert_uint_eq(e.code, 1);
		ck_assert_uint_eq(e.subcode, 3);
		ck_assert_uint_eq(e.data_len, 1);
		ck_assert_uint_eq(e.data[0], t);
	}
}
END_TEST

START_TEST(header_type_lengths)
{
	static const struct {
		uint8_t type;
		uint16_t min, max; /* valid range */
	} t[] = { { 1, 29, 4096 }, { 2, 23, 4096 }, { 3, 21, 4096 }, { 4, 19, 19 }, { 5, 23, 23 } };
	uint8_t m[19];

	memset(m, 0xff, 16);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (unsigned l = 0; l <= 4100; l++) {
			struct bgp_error e;
			uint16_t len;
			uint8_t type;
			int r;

			m[16] = (uint8_t)(l >> 8);
			m[17] = (uint8_t)l;
			m[18] = t[i].type;
			memset(&e, 0, sizeof(e));
			r = bgp_header_parse(m, sizeof(m), BGP_MAX_MSG, &len, &type, &e);
			if (l >= t[i].min && l <= t[i].max) {
				ck_assert_int_eq(r, 0);
			} else {
				ck_assert_msg(r == EBADMSG, "type %u length %u accepted", t[i].type, l);
				ck_assert_uint_eq(e.code, 1);
				ck_assert_uint_eq(e.subcode, 2);
			}
		}
	}
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* OPEN                                                                                     */
/* ---------------------------------------------------------------------------------------- */

static int dec_open(const uint8_t *m, size_t len, struct bgp_open *o, struct bgp_error *e)
{
	uint16_t mlen;
	uint8_t type;

	memset(e, 0, sizeof(*e));
	ck_assert_int_eq(bgp_header_parse(m, len, BGP_MAX_MSG, &mlen, &type, e), 0);
	ck_assert_uint_eq(mlen, len);
	ck_assert_uint_eq(type, BGP_MSG_OPEN);
	return bgp_open_decode(m + BGP_HDR_LEN, len - BGP_HDR_LEN, o, e);
}

START_TEST(open_frr)
{
	uint8_t m[256];
	size_t n = load("frr-session-f08-0-open.bin", m, sizeof(m));
	struct bgp_open o;
	struct bgp_error e;

	ck_assert_uint_eq(n, 96);
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert_uint_eq(o.version, 4);
	ck_assert_uint_eq(o.my_as, 65001);
	ck_assert_uint_eq(o.asn, 65001);
	ck_assert_uint_eq(o.hold_time, 180);
	ck_assert_uint_eq(o.bgp_id, ip4("10.0.0.1"));
	ck_assert(o.caps.mp_evpn);
	ck_assert(!o.caps.mp_ipv4_unicast); /* no bgp default ipv4-unicast */
	ck_assert(o.caps.route_refresh);
	ck_assert(o.caps.route_refresh_old);
	ck_assert(o.caps.enhanced_route_refresh);
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_asn, 65001);
	ck_assert(o.caps.ext_msg);
	ck_assert(o.caps.fqdn);
	ck_assert_str_eq(o.caps.hostname, "frr1");
	ck_assert(o.caps.gr);
	ck_assert(o.caps.gr_restarting); /* FRR sets R (0xc078) */
	ck_assert_uint_eq(o.caps.gr_time, 120);
	ck_assert(!o.caps.gr_evpn); /* helper only: no address family listed */
	ck_assert(!o.caps.gr_evpn_fwd);
	ck_assert(o.caps.llgr);
	ck_assert_uint_eq(o.caps.n_unknown, 1); /* ADD-PATH (69) */

	n = load("frr-session-f10-0-open.bin", m, sizeof(m));
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert_uint_eq(o.asn, 65000);
	ck_assert_uint_eq(o.bgp_id, ip4("10.0.0.2"));
	ck_assert_str_eq(o.caps.hostname, "dut");
}
END_TEST

START_TEST(open_gobgp)
{
	uint8_t m[256];
	size_t n = load("gobgp-inject-f06-0-open.bin", m, sizeof(m));
	struct bgp_open o;
	struct bgp_error e;

	ck_assert_uint_eq(n, 59);
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert_uint_eq(o.my_as, 65002);
	ck_assert_uint_eq(o.asn, 65002);
	ck_assert_uint_eq(o.hold_time, 90);
	ck_assert_uint_eq(o.bgp_id, ip4("10.0.0.3"));
	ck_assert(o.caps.mp_evpn);
	ck_assert(o.caps.route_refresh);
	ck_assert(!o.caps.route_refresh_old);
	ck_assert(!o.caps.enhanced_route_refresh);
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_asn, 65002);
	ck_assert(o.caps.fqdn);
	ck_assert_str_eq(o.caps.hostname, "vm");
	ck_assert(!o.caps.ext_msg);
	ck_assert(!o.caps.gr);
	ck_assert(!o.caps.llgr);
	ck_assert_uint_eq(o.caps.n_unknown, 1); /* extended next hop (5), ignored */
}
END_TEST

static struct bgp_open our_open(void)
{
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.asn = 65001;
	o.my_as = 65001;
	o.hold_time = 180;
	o.bgp_id = ip4("10.0.0.1");
	o.caps.mp_evpn = true;
	o.caps.route_refresh = true;
	o.caps.as4 = true;
	o.caps.as4_asn = 65001;
	o.caps.ext_msg = true;
	o.caps.fqdn = true;
	snprintf(o.caps.hostname, sizeof(o.caps.hostname), "frr1");
	o.caps.gr = true;
	o.caps.gr_time = 120;
	o.caps.gr_evpn = true;
	o.caps.gr_evpn_fwd = true;
	return o;
}

/* Hand-checked against RFC 4271 4.2 / RFC 5492: each capability in its own parameter. */
#define V_OUR_OPEN                                                                        \
	"ffffffffffffffffffffffffffffffff 004d 01 04 fde9 00b4 0a000001 30 "              \
	"02 06 01 04 0019 00 46 " /* MP 25/70 */                                           \
	"02 02 80 00 "            /* route refresh (old) */                                \
	"02 02 02 00 "            /* route refresh */                                      \
	"02 06 41 04 0000fde9 "   /* 4-octet AS 65001 */                                   \
	"02 02 06 00 "            /* extended message */                                   \
	"02 08 49 06 04 66727231 00 " /* FQDN frr1 */                                      \
	"02 08 40 06 0078 0019 46 80" /* GR 120 s, EVPN with F */

START_TEST(open_encode_vector)
{
	struct bgp_open o = our_open(), d;
	uint8_t want[128], got[256];
	size_t n = hex(V_OUR_OPEN, want, sizeof(want));
	struct bgp_error e;

	ck_assert_uint_eq(bgp_open_encode(got, sizeof(got), &o), n);
	ck_assert_mem_eq(got, want, n);
	for (size_t cap = 0; cap < n; cap++)
		ck_assert_uint_eq(bgp_open_encode(got, cap, &o), 0);
	ck_assert_uint_eq(bgp_open_encode(got, sizeof(got), &o), n);
	ck_assert_int_eq(dec_open(got, n, &d, &e), 0);
	ck_assert_uint_eq(d.asn, 65001);
	ck_assert_uint_eq(d.hold_time, 180);
	ck_assert(d.caps.mp_evpn && d.caps.route_refresh && d.caps.route_refresh_old && d.caps.as4 && d.caps.ext_msg);
	ck_assert(!d.caps.enhanced_route_refresh && !d.caps.llgr && !d.caps.mp_ipv4_unicast);
	ck_assert(d.caps.gr && !d.caps.gr_restarting && d.caps.gr_evpn && d.caps.gr_evpn_fwd);
	ck_assert_uint_eq(d.caps.gr_time, 120);
	ck_assert_str_eq(d.caps.hostname, "frr1");
	ck_assert_uint_eq(d.caps.n_unknown, 0);
}
END_TEST

START_TEST(open_round_trip_all_caps)
{
	struct bgp_open o = our_open(), d;
	uint8_t m[512];
	struct bgp_error e;
	size_t n;

	o.hold_time = 0;
	o.caps.mp_ipv4_unicast = true;
	o.caps.enhanced_route_refresh = true;
	o.caps.gr_restarting = true;
	o.caps.gr_time = 4095;
	o.caps.gr_evpn_fwd = false;
	memset(o.caps.hostname, 'h', sizeof(o.caps.hostname) - 1); /* 63 characters, the most we keep */
	n = bgp_open_encode(m, sizeof(m), &o);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(dec_open(m, n, &d, &e), 0);
	ck_assert_uint_eq(d.hold_time, 0);
	ck_assert(d.caps.mp_ipv4_unicast && d.caps.enhanced_route_refresh && d.caps.gr_restarting && d.caps.gr_evpn);
	ck_assert(!d.caps.gr_evpn_fwd);
	ck_assert_uint_eq(d.caps.gr_time, 4095);
	ck_assert_str_eq(d.caps.hostname, o.caps.hostname);
	/* a bare OPEN: no capabilities at all */
	memset(&o, 0, sizeof(o));
	o.my_as = 64512;
	o.hold_time = 3;
	o.bgp_id = ip4("1.2.3.4");
	n = bgp_open_encode(m, sizeof(m), &o);
	ck_assert_uint_eq(n, 29);
	ck_assert_int_eq(dec_open(m, n, &d, &e), 0);
	ck_assert_uint_eq(d.asn, 64512);
	ck_assert_uint_eq(d.version, 4);
	ck_assert(!d.caps.as4 && !d.caps.mp_evpn);
}
END_TEST

START_TEST(open_as4)
{
	struct bgp_open o = our_open(), d;
	uint8_t m[256];
	struct bgp_error e;
	size_t n;

	o.asn = 4200000000u;
	o.my_as = 0;
	o.caps.as4_asn = 4200000000u;
	n = bgp_open_encode(m, sizeof(m), &o);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(m[20], 0x5b); /* AS_TRANS 23456 in the 2-octet field */
	ck_assert_uint_eq(m[21], 0xa0);
	ck_assert_int_eq(dec_open(m, n, &d, &e), 0);
	ck_assert_uint_eq(d.my_as, BGP_AS_TRANS);
	ck_assert_uint_eq(d.asn, 4200000000u);
	ck_assert_uint_eq(d.caps.as4_asn, 4200000000u);
	/* a 4-octet AS cannot be announced without the capability */
	o.caps.as4 = false;
	ck_assert_uint_eq(bgp_open_encode(m, sizeof(m), &o), 0);
}
END_TEST

/* An OPEN from hex parameter bytes (after the opt param length). */
static size_t open_with(uint8_t *m, size_t cap, const char *fixed, const char *params)
{
	size_t n;

	memset(m, 0xff, 16);
	m[18] = BGP_MSG_OPEN;
	n = 19 + hex(fixed, m + 19, cap - 19);
	ck_assert_uint_eq(n, 28);
	n += 1;
	n += hex(params, m + n, cap - n);
	m[28] = (uint8_t)(n - 29);
	m[16] = (uint8_t)(n >> 8);
	m[17] = (uint8_t)n;
	return n;
}

#define OPEN_FIXED "04 fde9 00b4 0a000001"

START_TEST(open_errors)
{
	static const struct {
		const char *fixed, *params;
		uint8_t sub;
		const char *reason;
	} c[] = {
		{ "03 fde9 00b4 0a000001", "", 1, "version 3" },
		{ "04 fde9 0001 0a000001", "", 6, "hold time 1" },
		{ "04 fde9 0002 0a000001", "", 6, "hold time 2" },
		{ "04 fde9 00b4 00000000", "", 3, "identifier" },
		{ "04 5ba0 00b4 0a000001", "", 2, "AS_TRANS" },
		{ "04 0000 00b4 0a000001", "", 2, "AS 0" },
		{ OPEN_FIXED, "02 06 41 04 00000000", 2, "AS 0" },
		{ OPEN_FIXED, "01 02 0000", 4, "optional parameter type 1" },
		{ OPEN_FIXED, "03 00", 4, "optional parameter type 3" },
		{ OPEN_FIXED, "02 06 01 04 0019 00", 0, "overruns" },         /* param longer than the rest */
		{ OPEN_FIXED, "02 04 01 04 0019", 0, "capability 1" },        /* capability overruns its param */
		{ OPEN_FIXED, "02 05 01 03 0019 00", 0, "capability 1" },     /* MP length 3 */
		{ OPEN_FIXED, "02 03 02 01 00", 0, "capability 2" },          /* route refresh with a value */
		{ OPEN_FIXED, "02 05 41 03 00fde9", 0, "capability 65" },     /* AS4 length 3 */
		{ OPEN_FIXED, "02 03 40 01 00", 0, "capability 64" },         /* GR length 1 */
		{ OPEN_FIXED, "02 05 40 03 007800", 0, "capability 64" },     /* GR with a partial tuple */
		{ OPEN_FIXED, "02 04 49 02 05 00", 0, "capability 73" },      /* hostname longer than the cap */
		{ OPEN_FIXED, "02 05 49 03 01 41 05", 0, "capability 73" },   /* domain longer than the cap */
		{ OPEN_FIXED, "02 08 47 06 001946800000", 0, "capability 71" }, /* LLGR not a multiple of 7 */
		{ OPEN_FIXED, "02 01 41", 0, "truncated" },                   /* capability header cut */
		{ OPEN_FIXED, "02", 0, "truncated" },                         /* parameter header cut */
	};
	uint8_t m[128];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t n = open_with(m, sizeof(m), c[i].fixed, c[i].params);
		struct bgp_open o;
		struct bgp_error e;

		ck_assert_msg(dec_open(m, n, &o, &e) == EBADMSG, "case %zu (%s) accepted", i, c[i].reason);
		ck_assert_uint_eq(e.code, 2);
		ck_assert_msg(e.subcode == c[i].sub, "case %zu: subcode %u", i, e.subcode);
		ck_assert_msg(strstr(e.reason, c[i].reason) != NULL, "case %zu: reason '%s'", i, e.reason);
		if (e.subcode == 1) {
			ck_assert_uint_eq(e.data_len, 2);
			ck_assert_uint_eq(e.data[0], 0);
			ck_assert_uint_eq(e.data[1], 4);
		}
	}
}
END_TEST

START_TEST(open_tolerated)
{
	uint8_t m[400];
	struct bgp_open o;
	struct bgp_error e;
	size_t n;

	/* unknown capabilities, several capabilities in one parameter, hold 0 and 3 */
	n = open_with(m, sizeof(m), "04 fde9 0000 0a000001", "02 0f c8 03 010203 01 04 0019 0046 05 00 02 00");
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert_uint_eq(o.caps.n_unknown, 2);
	ck_assert(o.caps.mp_evpn && o.caps.route_refresh);
	n = open_with(m, sizeof(m), "04 fde9 0003 0a000001", "");
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	/* AS_TRANS is fine with the capability */
	n = open_with(m, sizeof(m), "04 5ba0 00b4 0a000001", "02 06 41 04 fa56ea00");
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert_uint_eq(o.asn, 4200000000u);
	/* other MP families are recognised, not unknown */
	n = open_with(m, sizeof(m), OPEN_FIXED, "02 06 01 04 0002 00 01 02 06 01 04 0001 00 01");
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert(o.caps.mp_ipv4_unicast && !o.caps.mp_evpn);
	ck_assert_uint_eq(o.caps.n_unknown, 0);
	/* GR with IPv4 and EVPN tuples: only EVPN's F bit is kept */
	n = open_with(m, sizeof(m), OPEN_FIXED, "02 0c 40 0a 805a 0001 01 80 0019 46 00");
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert(o.caps.gr && o.caps.gr_restarting && o.caps.gr_evpn && !o.caps.gr_evpn_fwd);
	ck_assert_uint_eq(o.caps.gr_time, 90);
	/* FQDN with a domain and an unprintable hostname byte */
	n = open_with(m, sizeof(m), OPEN_FIXED, "02 0b 49 09 03 61 0a 62 04 64 6f 6d 78");
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert_str_eq(o.caps.hostname, "a?b");
	/* a 100-byte hostname is cut to 63 characters */
	{
		char params[600];
		size_t off = (size_t)snprintf(params, sizeof(params), "02 68 49 66 64 ");

		for (int i = 0; i < 100; i++)
			off += (size_t)snprintf(params + off, sizeof(params) - off, "41");
		snprintf(params + off, sizeof(params) - off, " 00");
		n = open_with(m, sizeof(m), OPEN_FIXED, params);
		ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
		ck_assert_uint_eq(strlen(o.caps.hostname), 63);
	}
}
END_TEST

START_TEST(open_rfc9072)
{
	/* extended optional parameters: 255, 255, 2-byte length, parameters with 2-byte lengths */
	uint8_t m[128];
	struct bgp_open o;
	struct bgp_error e;
	size_t n;

	memset(m, 0xff, 16);
	m[18] = BGP_MSG_OPEN;
	n = 19 + hex(OPEN_FIXED " ff ff 0012 02 0006 01 04 0019 0046 02 0006 41 04 0000fde9", m + 19, sizeof(m) - 19);
	m[16] = 0;
	m[17] = (uint8_t)n;
	ck_assert_int_eq(dec_open(m, n, &o, &e), 0);
	ck_assert(o.caps.mp_evpn && o.caps.as4);
	ck_assert_uint_eq(o.asn, 65001);
	/* the extended length lying */
	m[31] = 0x13;
	ck_assert_int_eq(dec_open(m, n, &o, &e), EBADMSG);
	ck_assert_uint_eq(e.code, 2);
}
END_TEST

/* Every truncation of a real OPEN (the header length following) is refused, never overread. */
START_TEST(open_truncated)
{
	static const char *const files[] = { "frr-session-f08-0-open.bin", "gobgp-inject-f06-0-open.bin" };

	for (size_t f = 0; f < 2; f++) {
		uint8_t m[256];
		size_t n = load(files[f], m, sizeof(m));

		for (size_t k = 19; k < n; k++) {
			uint8_t *p = malloc(k);
			struct bgp_error e;
			struct bgp_open o;
			uint16_t mlen;
			uint8_t type;

			memcpy(p, m, k);
			p[16] = 0;
			p[17] = (uint8_t)k;
			memset(&e, 0, sizeof(e));
			if (bgp_header_parse(p, k, BGP_MAX_MSG, &mlen, &type, &e) == 0)
				ck_assert_msg(bgp_open_decode(p + 19, k - 19, &o, &e) == EBADMSG, "%s cut at %zu accepted",
					      files[f], k);
			else
				ck_assert_uint_lt(k, 29);
			free(p);
		}
		/* the optional parameter length lying in both directions */
		for (int d = -1; d <= 1; d += 2) {
			struct bgp_error e;
			struct bgp_open o;

			m[28] = (uint8_t)(m[28] + d);
			ck_assert_int_eq(dec_open(m, n, &o, &e), EBADMSG);
			ck_assert_uint_eq(e.code, 2);
			m[28] = (uint8_t)(m[28] - d);
		}
	}
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* KEEPALIVE, NOTIFICATION, ROUTE-REFRESH, End-of-RIB                                       */
/* ---------------------------------------------------------------------------------------- */

START_TEST(keepalive_notification_refresh)
{
	static uint8_t big[4096];
	uint8_t want[64], m[5000], frr[64];
	const uint8_t *data;
	size_t n, dl;
	uint8_t code, sub, st, safi;
	uint16_t afi;
	struct bgp_error e;

	/* KEEPALIVE: byte-exact with FRR's */
	n = load("frr-session-f13-0-keepalive.bin", frr, sizeof(frr));
	ck_assert_uint_eq(bgp_keepalive_encode(m, sizeof(m)), 19);
	ck_assert_mem_eq(m, frr, n);
	ck_assert_uint_eq(bgp_keepalive_encode(m, 18), 0);

	/* NOTIFICATION Cease/Administrative Shutdown with an RFC 9003 message "bye" */
	n = hex("ffffffffffffffffffffffffffffffff 0019 03 06 02 03 627965", want, sizeof(want));
	ck_assert_uint_eq(bgp_notification_encode(m, sizeof(m), 6, 2, (const uint8_t *)"\x03" "bye", 4), n);
	ck_assert_mem_eq(m, want, n);
	for (size_t cap = 0; cap < n; cap++)
		ck_assert_uint_eq(bgp_notification_encode(m, cap, 6, 2, (const uint8_t *)"\x03" "bye", 4), 0);
	ck_assert_int_eq(bgp_notification_decode(want + 19, n - 19, &code, &sub, &data, &dl), 0);
	ck_assert_uint_eq(code, 6);
	ck_assert_uint_eq(sub, 2);
	ck_assert_uint_eq(dl, 4);
	ck_assert_mem_eq(data, "\x03" "bye", 4);
	/* no data */
	ck_assert_uint_eq(bgp_notification_encode(m, sizeof(m), 4, 0, NULL, 0), 21);
	ck_assert_int_eq(bgp_notification_decode(m + 19, 2, &code, &sub, &data, &dl), 0);
	ck_assert_uint_eq(code, 4);
	ck_assert_uint_eq(dl, 0);
	ck_assert_ptr_null(data);
	ck_assert_int_eq(bgp_notification_decode(m + 19, 1, &code, &sub, &data, &dl), EBADMSG);
	ck_assert_int_eq(bgp_notification_decode(m + 19, 0, &code, &sub, &data, &dl), EBADMSG);
	/* data that would make the message bigger than 4096, and data_len without data */
	ck_assert_uint_eq(bgp_notification_encode(m, sizeof(m), 3, 1, big, 4096 - 21), 4096);
	ck_assert_uint_eq(bgp_notification_encode(m, sizeof(m), 3, 1, big, 4096 - 20), 0);
	ck_assert_uint_eq(bgp_notification_encode(m, sizeof(m), 3, 1, NULL, 3), 0);

	/* ROUTE-REFRESH for EVPN */
	n = hex("ffffffffffffffffffffffffffffffff 0017 05 0019 00 46", want, sizeof(want));
	ck_assert_uint_eq(bgp_route_refresh_encode(m, sizeof(m), EVPN_AFI, 0, EVPN_SAFI), n);
	ck_assert_mem_eq(m, want, n);
	ck_assert_uint_eq(bgp_route_refresh_encode(m, 22, EVPN_AFI, 0, EVPN_SAFI), 0);
	ck_assert_int_eq(bgp_route_refresh_decode(want + 19, 4, &afi, &st, &safi, &e), 0);
	ck_assert_uint_eq(afi, 25);
	ck_assert_uint_eq(st, 0);
	ck_assert_uint_eq(safi, 70);
	ck_assert_uint_eq(bgp_route_refresh_encode(m, sizeof(m), 1, 2, 1), 23); /* EoRR (RFC 7313) */
	ck_assert_int_eq(bgp_route_refresh_decode(m + 19, 4, &afi, &st, &safi, &e), 0);
	ck_assert_uint_eq(st, 2);
	for (size_t l = 0; l < 8; l++) {
		if (l == 4)
			continue;
		memset(&e, 0, sizeof(e));
		ck_assert_int_eq(bgp_route_refresh_decode(m + 19, l, &afi, &st, &safi, &e), EBADMSG);
		ck_assert_uint_eq(e.code, 7);
		ck_assert_uint_eq(e.subcode, 1);
	}
}
END_TEST

START_TEST(end_of_rib)
{
	uint8_t frr[64], m[64];
	size_t n = load("frr-session-f15-2-update.bin", frr, sizeof(frr));

	/* our End-of-RIB is byte for byte FRR's */
	ck_assert_uint_eq(bgp_eor_evpn_encode(m, sizeof(m)), n);
	ck_assert_mem_eq(m, frr, n);
	ck_assert_uint_eq(bgp_eor_evpn_encode(m, n - 1), 0);
	ck_assert_int_eq(dec_update(frr, n, true), 0);
	ck_assert(g_u.end_of_rib_evpn);
	ck_assert(!g_u.end_of_rib_ipv4);
	ck_assert(g_u.has_mp_unreach_evpn);
	ck_assert_uint_eq(g_u.n_unreach, 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);

	/* an empty UPDATE is the IPv4 End-of-RIB */
	build_update("", "", NULL);
	ck_assert_uint_eq(g_m.len, 23);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert(g_u.end_of_rib_ipv4);
	ck_assert(!g_u.end_of_rib_evpn);
	/* MP_UNREACH with a route, or with another attribute, is not an End-of-RIB */
	build_update("", "", A_MP_UN_T2, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert(!g_u.end_of_rib_evpn);
	ck_assert_uint_eq(g_u.n_unreach, 1);
	build_update("", "", "80 0f 03 0019 46", A_ORIGIN, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert(!g_u.end_of_rib_evpn);
	/* nor is an MP_UNREACH for another family */
	build_update("", "", "80 0f 03 0001 01", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert(!g_u.end_of_rib_evpn);
	ck_assert(!g_u.has_mp_unreach_evpn);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Real UPDATEs                                                                             */
/* ---------------------------------------------------------------------------------------- */

static void load_update(const char *name)
{
	static uint8_t m[4096];
	size_t n = load(name, m, sizeof(m));

	ck_assert_msg(dec_update(m, n, true) == 0, "%s: %s", name, g_err.reason);
	ck_assert_msg(g_u.attrs.action == BGP_ATTR_OK, "%s: %s", name, g_u.attrs.action_reason);
	ck_assert_uint_eq(g_u.attrs.n_discarded, 0);
	ck_assert(!g_u.truncated);
}

static void assert_t2(const struct evpn_route *r, const char *rd, const char *mac, const char *ip, uint32_t label)
{
	char b[32], macs[20];

	ck_assert_uint_eq(r->type, EVPN_RT_MAC_IP);
	rd_str(r->rd, b);
	ck_assert_str_eq(b, rd);
	snprintf(macs, sizeof(macs), "%02x:%02x:%02x:%02x:%02x:%02x", r->mac[0], r->mac[1], r->mac[2], r->mac[3],
		 r->mac[4], r->mac[5]);
	ck_assert_str_eq(macs, mac);
	if (ip) {
		ck_assert_uint_eq(r->ip_len, 32);
		ck_assert(inet_ntop(AF_INET, r->ip, b, sizeof(b)) != NULL);
		ck_assert_str_eq(b, ip);
	} else {
		ck_assert_uint_eq(r->ip_len, 0);
	}
	for (int i = 0; i < 10; i++)
		ck_assert_uint_eq(r->esi[i], 0);
	ck_assert_uint_eq(r->eth_tag, 0);
	ck_assert_uint_eq(r->label1, label);
	ck_assert(!r->has_label2);
}

static void assert_t3(const struct evpn_route *r, const char *rd, const char *ip)
{
	char b[32];

	ck_assert_uint_eq(r->type, EVPN_RT_IMET);
	rd_str(r->rd, b);
	ck_assert_str_eq(b, rd);
	ck_assert_uint_eq(r->ip_len, 32);
	ck_assert(inet_ntop(AF_INET, r->ip, b, sizeof(b)) != NULL);
	ck_assert_str_eq(b, ip);
}

static void assert_nh(const char *ip)
{
	ck_assert_uint_eq(g_u.attrs.mp_nh_len, 4);
	ck_assert_mem_eq(g_u.attrs.mp_nh, &(uint32_t){ ip4(ip) }, 4);
}

static void assert_path(size_t n, ...)
{
	va_list ap;

	ck_assert(g_u.attrs.has_as_path);
	ck_assert_uint_eq(g_u.attrs.as_path_len, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(g_u.attrs.as_path[i], va_arg(ap, unsigned));
	va_end(ap);
}

START_TEST(frr_session_updates)
{
	/* FRR 10.0.0.2 (AS 65000): one MP_REACH with MAC-only and MAC+IP */
	load_update("frr-session-f15-0-update.bin");
	ck_assert(g_u.has_mp_reach_evpn);
	ck_assert_uint_eq(g_u.n_reach, 2);
	ck_assert_uint_eq(g_u.n_unreach, 0);
	assert_t2(&g_reach[0], "10.0.0.2:2", "02:00:00:00:00:02", NULL, 100);
	assert_t2(&g_reach[1], "10.0.0.2:2", "02:00:00:00:00:02", "10.100.0.2", 100);
	assert_nh("10.0.0.2");
	ck_assert(g_u.attrs.has_origin);
	ck_assert_uint_eq(g_u.attrs.origin, 0);
	assert_path(1, 65000);
	ck_assert_uint_eq(g_u.attrs.n_ext_comm, 2);
	ck_assert(has_ec(&g_u.attrs, evpn_ec_rt_as2(65000, 100)));
	ck_assert(has_ec(&g_u.attrs, evpn_ec_encap_vxlan()));
	ck_assert(!g_u.attrs.has_pmsi);
	ck_assert(!g_u.attrs.has_next_hop && !g_u.attrs.has_med && !g_u.attrs.has_local_pref);
	ck_assert(!g_u.end_of_rib_evpn && !g_u.end_of_rib_ipv4);

	/* type 3 with PMSI: ingress replication, VNI 100, endpoint 10.0.0.2 */
	load_update("frr-session-f15-1-update.bin");
	ck_assert_uint_eq(g_u.n_reach, 1);
	assert_t3(&g_reach[0], "10.0.0.2:2", "10.0.0.2");
	assert_nh("10.0.0.2");
	ck_assert(g_u.attrs.has_pmsi);
	ck_assert_uint_eq(g_u.attrs.pmsi_flags, 0);
	ck_assert_uint_eq(g_u.attrs.pmsi_tunnel_type, 6);
	ck_assert_uint_eq(g_u.attrs.pmsi_label, 100);
	ck_assert_uint_eq(g_u.attrs.pmsi_endpoint_len, 4);
	ck_assert_mem_eq(g_u.attrs.pmsi_endpoint, &(uint32_t){ ip4("10.0.0.2") }, 4);

	/* FRR 10.0.0.1 (AS 65001) */
	load_update("frr-session-f17-0-update.bin");
	ck_assert_uint_eq(g_u.n_reach, 2);
	assert_t2(&g_reach[1], "10.0.0.1:2", "02:00:00:00:00:01", "10.100.0.1", 100);
	assert_nh("10.0.0.1");
	assert_path(1, 65001);
	ck_assert(has_ec(&g_u.attrs, evpn_ec_rt_as2(65001, 100)));

	/* FRR re-advertising the peer's own routes back to it: AS_PATH 65001 65000, next hop kept */
	load_update("frr-session-f19-0-update.bin");
	assert_path(2, 65001, 65000);
	assert_nh("10.0.0.2");
	assert_t2(&g_reach[0], "10.0.0.2:2", "02:00:00:00:00:02", NULL, 100);
	load_update("frr-session-f21-1-update.bin");
	assert_path(2, 65000, 65001);
	assert_t3(&g_reach[0], "10.0.0.1:2", "10.0.0.1");
	ck_assert(g_u.attrs.has_pmsi);
}
END_TEST

START_TEST(gobgp_updates)
{
	/* GoBGP: ORIGIN, AS_PATH, MP_REACH, EXT_COMM; one NLRI per UPDATE; NX-OS style RD */
	load_update("gobgp-inject-f14-0-update.bin");
	ck_assert_uint_eq(g_u.n_reach, 1);
	assert_t2(&g_reach[0], "10.0.0.3:32867", "02:00:00:00:00:03", NULL, 100);
	assert_nh("10.0.0.3");
	assert_path(1, 65002);
	ck_assert(has_ec(&g_u.attrs, evpn_ec_rt_as2(65002, 100)));
	ck_assert(has_ec(&g_u.attrs, evpn_ec_encap_vxlan()));

	load_update("gobgp-inject-f16-0-update.bin");
	assert_t2(&g_reach[0], "10.0.0.3:32867", "02:00:00:00:00:03", "10.100.0.3", 100);

	load_update("gobgp-inject-f18-0-update.bin");
	assert_t3(&g_reach[0], "10.0.0.3:32867", "10.0.0.3");
	ck_assert(g_u.attrs.has_pmsi);
	ck_assert_uint_eq(g_u.attrs.pmsi_label, 100);
	ck_assert_mem_eq(g_u.attrs.pmsi_endpoint, &(uint32_t){ ip4("10.0.0.3") }, 4);

	/* GoBGP's withdrawals keep the label (100): matched on the key all the same */
	load_update("gobgp-inject-f22-0-update.bin");
	ck_assert_uint_eq(g_u.n_reach, 0);
	ck_assert_uint_eq(g_u.n_unreach, 1);
	ck_assert(g_u.has_mp_unreach_evpn && !g_u.has_mp_reach_evpn && !g_u.end_of_rib_evpn);
	assert_t2(&g_unreach[0], "10.0.0.3:32867", "02:00:00:00:00:03", NULL, 100);
	load_update("gobgp-inject-f24-0-update.bin");
	assert_t2(&g_unreach[0], "10.0.0.3:32867", "02:00:00:00:00:03", "10.100.0.3", 100);
	load_update("gobgp-inject-f26-0-update.bin");
	assert_t3(&g_unreach[0], "10.0.0.3:32867", "10.0.0.3");

	/* FRR withdrawing GoBGP's three routes in one MP_UNREACH, labels zeroed */
	load_update("gobgp-inject-f28-0-update.bin");
	ck_assert_uint_eq(g_u.n_unreach, 3);
	assert_t2(&g_unreach[0], "10.0.0.3:32867", "02:00:00:00:00:03", NULL, 0);
	assert_t2(&g_unreach[1], "10.0.0.3:32867", "02:00:00:00:00:03", "10.100.0.3", 0);
	assert_t3(&g_unreach[2], "10.0.0.3:32867", "10.0.0.3");

	/* FRR to GoBGP: routes of 10.0.0.3 re-advertised with AS_PATH 65000 65002 */
	load_update("gobgp-inject-f20-4-update.bin");
	assert_path(2, 65000, 65002);
	assert_t2(&g_reach[1], "10.0.0.3:32867", "02:00:00:00:00:03", "10.100.0.3", 100);
}
END_TEST

START_TEST(macmove_updates)
{
	struct evpn_route withdrawn[2], moved;
	uint32_t seq = 99;
	bool sticky = true;
	int found = 0;

	/* the old side withdraws MAC+IP and MAC-only of 02:..:02 under RD 10.0.0.2:2 */
	load_update("frr-macmove-f02-0-update.bin");
	ck_assert_uint_eq(g_u.n_unreach, 2);
	assert_t2(&g_unreach[0], "10.0.0.2:2", "02:00:00:00:00:02", "10.100.0.2", 0);
	assert_t2(&g_unreach[1], "10.0.0.2:2", "02:00:00:00:00:02", NULL, 0);
	memcpy(withdrawn, g_unreach, sizeof(withdrawn));

	/* they match the routes advertised earlier, whose label was 100 */
	load_update("frr-session-f19-0-update.bin");
	ck_assert(evpn_route_same_key(&g_reach[0], &withdrawn[1]));
	ck_assert(evpn_route_same_key(&g_reach[1], &withdrawn[0]));
	ck_assert(!evpn_route_same_key(&g_reach[0], &withdrawn[0]));

	/* the new side advertises the MAC with MAC Mobility sequence 1 */
	load_update("frr-macmove-f04-1-update.bin");
	ck_assert_uint_eq(g_u.n_reach, 1);
	assert_t2(&g_reach[0], "10.0.0.1:2", "02:00:00:00:00:02", NULL, 100);
	assert_nh("10.0.0.1");
	ck_assert_uint_eq(g_u.attrs.n_ext_comm, 3);
	for (uint32_t i = 0; i < g_u.attrs.n_ext_comm; i++)
		if (evpn_ec_get_mac_mobility(g_u.attrs.ext_comm[i], &seq, &sticky))
			found++;
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(seq, 1);
	ck_assert(!sticky);
	moved = g_reach[0];
	ck_assert(!evpn_route_same_key(&moved, &withdrawn[1])); /* another RD: another route */

	load_update("frr-macmove-f10-0-update.bin");
	assert_t2(&g_reach[0], "10.0.0.1:2", "02:00:00:00:00:02", "10.100.0.2", 100);
	ck_assert(has_ec(&g_u.attrs, evpn_ec_mac_mobility(1, false)));
	load_update("frr-macmove-f12-0-update.bin");
	assert_path(2, 65000, 65001);
}
END_TEST

static const char *update_files[] = {
	"frr-session-f15-0-update.bin", "frr-session-f15-1-update.bin", "frr-session-f15-2-update.bin",
	"frr-session-f17-0-update.bin", "frr-session-f17-1-update.bin", "frr-session-f17-2-update.bin",
	"frr-session-f19-0-update.bin", "frr-session-f19-1-update.bin", "frr-session-f21-0-update.bin",
	"frr-session-f21-1-update.bin", "gobgp-inject-f14-0-update.bin", "gobgp-inject-f16-0-update.bin",
	"gobgp-inject-f18-0-update.bin", "gobgp-inject-f20-0-update.bin", "gobgp-inject-f20-1-update.bin",
	"gobgp-inject-f20-2-update.bin", "gobgp-inject-f20-3-update.bin", "gobgp-inject-f20-4-update.bin",
	"gobgp-inject-f20-5-update.bin", "gobgp-inject-f22-0-update.bin", "gobgp-inject-f24-0-update.bin",
	"gobgp-inject-f26-0-update.bin", "gobgp-inject-f28-0-update.bin", "frr-macmove-f02-0-update.bin",
	"frr-macmove-f04-0-update.bin", "frr-macmove-f04-1-update.bin", "frr-macmove-f06-0-update.bin",
	"frr-macmove-f10-0-update.bin", "frr-macmove-f12-0-update.bin",
};
#define N_UPDATE_FILES (sizeof(update_files) / sizeof(update_files[0]))

/* Decode a real UPDATE, encode what was decoded with our encoder, decode that: same routes. */
START_TEST(reencode_real_updates)
{
	static struct evpn_route reach[MAXR], unreach[MAXR];
	static uint8_t out[BGP_MAX_MSG];
	const char *name = update_files[_i];
	struct bgp_update first;
	size_t n, done;

	load_update(name);
	first = g_u;
	memcpy(reach, g_reach, first.n_reach * sizeof(reach[0]));
	memcpy(unreach, g_unreach, first.n_unreach * sizeof(unreach[0]));
	if (first.n_reach) {
		n = bgp_update_encode_evpn(out, sizeof(out), &first.attrs, reach, first.n_reach, false, true, &done);
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_eq(done, first.n_reach);
		ck_assert_int_eq(dec_update(out, n, true), 0);
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
		ck_assert_uint_eq(g_u.n_reach, first.n_reach);
		for (size_t i = 0; i < first.n_reach; i++)
			assert_route_eq(&g_reach[i], &reach[i]);
		assert_attrs_eq(&g_u.attrs, &first.attrs);
	}
	if (first.n_unreach) {
		n = bgp_update_encode_evpn(out, sizeof(out), NULL, unreach, first.n_unreach, true, true, &done);
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_eq(done, first.n_unreach);
		ck_assert_int_eq(dec_update(out, n, true), 0);
		ck_assert_uint_eq(g_u.n_unreach, first.n_unreach);
		ck_assert_uint_eq(g_u.n_reach, 0);
		for (size_t i = 0; i < first.n_unreach; i++) {
			ck_assert(evpn_route_same_key(&g_unreach[i], &unreach[i]));
			ck_assert_uint_eq(g_unreach[i].label1, 0); /* zeroed, as FRR does */
		}
	}
}
END_TEST

/* Every file of test/data/bgp is a valid message of its type. */
START_TEST(all_capture_files)
{
	const char *dir = getenv("VTEPD_TEST_DATA");
	char path[512];
	struct dirent *de;
	DIR *d;
	int count = 0;

	snprintf(path, sizeof(path), "%s/bgp", dir ? dir : "test/data");
	d = opendir(path);
	ck_assert_msg(d != NULL, "cannot open %s", path);
	while ((de = readdir(d)) != NULL) {
		static uint8_t m[BGP_MAX_MSG_EXT];
		size_t n, l = strlen(de->d_name);
		uint16_t mlen;
		uint8_t type;
		struct bgp_error e;
		struct bgp_open o;

		if (l < 5 || strcmp(de->d_name + l - 4, ".bin") != 0)
			continue;
		n = load(de->d_name, m, sizeof(m));
		ck_assert_int_eq(bgp_header_parse(m, n, BGP_MAX_MSG, &mlen, &type, &e), 0);
		ck_assert_uint_eq(mlen, n);
		if (type == BGP_MSG_OPEN)
			ck_assert_int_eq(bgp_open_decode(m + 19, n - 19, &o, &e), 0);
		else if (type == BGP_MSG_UPDATE)
			load_update(de->d_name);
		else
			ck_assert_uint_eq(type, BGP_MSG_KEEPALIVE);
		count++;
	}
	closedir(d);
	ck_assert_int_ge(count, 37);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Our encoder, byte for byte                                                               */
/* ---------------------------------------------------------------------------------------- */

static void assert_bytes(const uint8_t *got, size_t n, const char *want_hex)
{
	static uint8_t want[4096];
	size_t wn = hex(want_hex, want, sizeof(want));

	ck_assert_uint_eq(n, wn);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "byte %zu: 0x%02x, expected 0x%02x", i, got[i], want[i]);
}

START_TEST(encode_vectors)
{
	struct bgp_attrs a;
	struct evpn_route r[2];
	uint8_t m[512], frr[256];
	size_t n, done = 99, fn;

	/* type 2 MAC+IP, 4-octet AS path (RFC 4271 4.3, RFC 4760 3, RFC 7432 7.2, RFC 4360) */
	std_attrs(&a, 65001);
	make_route(&r[0], 1);
	n = bgp_update_encode_evpn(m, sizeof(m), &a, r, 1, false, true, &done);
	ck_assert_uint_eq(done, 1);
	assert_bytes(m, n,
		     "ffffffffffffffffffffffffffffffff 006a 02 0000 0053 "
		     "40 01 01 00 "
		     "40 02 06 02 01 0000fde9 "
		     "80 0e 30 0019 46 04 0a000001 00 "
		     "02 25 00010a0000010001 00000000000000000000 00000000 30 020000000001 20 0a640001 000064 "
		     "c0 10 10 0002fde900000064 030c000000000008");
	/* every smaller buffer is refused */
	for (size_t cap = 0; cap < n; cap++) {
		ck_assert_uint_eq(bgp_update_encode_evpn(m, cap, &a, r, 1, false, true, &done), 0);
		ck_assert_uint_eq(done, 0);
	}

	/* type 3 + PMSI with a 2-octet AS path: FRR's frame 17 update 1 without its extended-length
	 * MP_REACH header and with 2-octet ASes */
	make_imet(&r[0], "10.0.0.1");
	evpn_rd_type1(r[0].rd, ip4("10.0.0.1"), 2);
	a.has_pmsi = true;
	a.pmsi_tunnel_type = 6;
	a.pmsi_label = 100;
	a.pmsi_endpoint_len = 4;
	memcpy(a.pmsi_endpoint, &(uint32_t){ ip4("10.0.0.1") }, 4);
	n = bgp_update_encode_evpn(m, sizeof(m), &a, r, 1, false, false, &done);
	assert_bytes(m, n,
		     "ffffffffffffffffffffffffffffffff 0060 02 0000 0049 "
		     "40 01 01 00 "
		     "40 02 04 02 01 fde9 "
		     "80 0e 1c 0019 46 04 0a000001 00 03 11 00010a0000010002 00000000 20 0a000001 "
		     "c0 10 10 0002fde900000064 030c000000000008 "
		     "c0 16 09 00 06 000064 0a000001");

	/* a withdrawal is FRR's (macmove frame 2) except for FRR's extended-length flag on MP_UNREACH */
	fn = load("frr-macmove-f02-0-update.bin", frr, sizeof(frr));
	ck_assert_int_eq(dec_update(frr, fn, true), 0);
	memcpy(r, g_unreach, 2 * sizeof(r[0]));
	r[0].label1 = 777; /* whatever the labels, a withdrawal zeroes them */
	n = bgp_update_encode_evpn(m, sizeof(m), NULL, r, 2, true, true, &done);
	ck_assert_uint_eq(done, 2);
	ck_assert_uint_eq(n, fn - 1);
	ck_assert_uint_eq(m[17], frr[17] - 1);  /* message length */
	ck_assert_uint_eq(m[22], frr[22] - 1);  /* attribute length */
	ck_assert_uint_eq(m[23], 0x80);         /* FRR: 0x90 */
	ck_assert_uint_eq(frr[23], 0x90);
	ck_assert_uint_eq(m[24], 15);
	ck_assert_uint_eq(m[25], frr[26]);      /* MP_UNREACH length, one byte instead of two */
	ck_assert_mem_eq(m + 26, frr + 27, fn - 27);
	ck_assert_mem_eq(m, frr, 17);
}
END_TEST

START_TEST(encode_as_path_forms)
{
	struct bgp_attrs a;
	struct evpn_route r;
	uint8_t m[512];
	size_t n, done;

	make_route(&r, 7);
	/* iBGP: empty AS_PATH */
	std_attrs(&a, 65001);
	a.as_path_len = 0;
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done);
	ck_assert_mem_eq(m + 23, "\x40\x01\x01\x00\x40\x02\x00", 7);
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
	ck_assert(g_u.attrs.has_as_path);
	ck_assert_uint_eq(g_u.attrs.as_path_len, 0);

	/* a 4-octet AS towards a 2-octet peer: AS_TRANS in AS_PATH, the real path in AS4_PATH */
	std_attrs(&a, 4200000000u);
	a.as_path[1] = 65000;
	a.as_path_len = 2;
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, false, &done);
	ck_assert_mem_eq(m + 27, "\x40\x02\x06\x02\x02\x5b\xa0\xfd\xe8", 9);
	{
		static const uint8_t as4p[] = { 0xc0, 0x11, 0x0a, 0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0x00, 0x00, 0xfd, 0xe8 };

		ck_assert_ptr_nonnull(memmem(m, n, as4p, sizeof(as4p)));
	}
	ck_assert_int_eq(dec_update(m, n, false), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
	ck_assert_uint_eq(g_u.attrs.as_path_len, 2);
	ck_assert_uint_eq(g_u.attrs.as_path[0], BGP_AS_TRANS);
	ck_assert_uint_eq(g_u.attrs.as_path[1], 65000);
	/* the same with 4-octet ASes: no AS4_PATH */
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done);
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.attrs.as_path[0], 4200000000u);
	ck_assert_ptr_null(memmem(m, n, "\xc0\x11", 2));

	/* MED and LOCAL_PREF when set, in type order */
	std_attrs(&a, 65001);
	a.has_med = true;
	a.med = 50;
	a.has_local_pref = true;
	a.local_pref = 200;
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done);
	ck_assert_mem_eq(m + 36, "\x80\x04\x04\x00\x00\x00\x32\x40\x05\x04\x00\x00\x00\xc8", 14);
	ck_assert_int_eq(dec_update(m, n, true), 0);
	assert_attrs_eq(&g_u.attrs, &a);

	/* 64 communities: an extended-length EXTENDED_COMMUNITIES (512 bytes) */
	for (int i = 0; i < BGP_MAX_EXT_COMM; i++)
		a.ext_comm[i] = evpn_ec_rt_as2(65001, (uint32_t)i);
	a.n_ext_comm = BGP_MAX_EXT_COMM;
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done);
	ck_assert_uint_eq(n, 0); /* 512 bytes of communities do not fit a 512-byte buffer */
	{
		static uint8_t big[BGP_MAX_MSG];

		n = bgp_update_encode_evpn(big, sizeof(big), &a, &r, 1, false, true, &done);
		ck_assert_ptr_nonnull(memmem(big, n, "\xd0\x10\x02\x00", 4));
		ck_assert_int_eq(dec_update(big, n, true), 0);
		assert_attrs_eq(&g_u.attrs, &a);
	}

	/* the extended-length flag starts at 256 bytes: 31 communities (248 bytes), then 32 (256) */
	a.n_ext_comm = 31;
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done);
	ck_assert_ptr_nonnull(memmem(m, n, "\xc0\x10\xf8\x00\x02", 5));
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.attrs.n_ext_comm, 31);
	a.n_ext_comm = 32;
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done);
	ck_assert_ptr_nonnull(memmem(m, n, "\xd0\x10\x01\x00\x00\x02", 6));
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.attrs.n_ext_comm, 32);

	/* MP_REACH of exactly 255 bytes keeps a one-byte length: 9 + 35 + 2 * 39 + 7 * 19 */
	{
		struct evpn_route rs[11];

		make_route(&rs[0], 1);
		rs[0].ip_len = 0;
		make_route(&rs[1], 2);
		make_route(&rs[2], 3);
		for (int i = 3; i < 11; i++)
			make_imet(&rs[i], i & 1 ? "10.0.0.1" : "10.0.0.2");
		std_attrs(&a, 65001);
		n = bgp_update_encode_evpn(m, sizeof(m), &a, rs, 10, false, true, &done);
		ck_assert_uint_eq(done, 10);
		ck_assert_mem_eq(m + 36, "\x80\x0e\xff\x00\x19\x46", 6);
		ck_assert_int_eq(dec_update(m, n, true), 0);
		ck_assert_uint_eq(g_u.n_reach, 10);
		n = bgp_update_encode_evpn(m, sizeof(m), &a, rs, 11, false, true, &done);
		ck_assert_uint_eq(done, 11);
		ck_assert_mem_eq(m + 36, "\x90\x0e\x01\x12\x00\x19\x46", 7);
		ck_assert_int_eq(dec_update(m, n, true), 0);
		ck_assert_uint_eq(g_u.n_reach, 11);
	}

	/* next hop lengths */
	a.mp_nh_len = 5;
	ck_assert_uint_eq(bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done), 0);
	a.mp_nh_len = 0;
	ck_assert_uint_eq(bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done), 0);
	/* invalid routes, no routes, no attributes */
	std_attrs(&a, 65001);
	r.ip_len = 24;
	ck_assert_uint_eq(bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done), 0);
	make_route(&r, 7);
	ck_assert_uint_eq(bgp_update_encode_evpn(m, sizeof(m), &a, &r, 0, false, true, &done), 0);
	ck_assert_uint_eq(bgp_update_encode_evpn(m, sizeof(m), NULL, &r, 1, false, true, &done), 0);
}
END_TEST

/* 500 routes in 4096-byte messages: packed tight, never over, all decoded back. */
START_TEST(limit_4096)
{
	static struct evpn_route routes[500];
	static uint8_t m[BGP_MAX_MSG_EXT];
	struct bgp_attrs a;
	size_t n, done, total = 0, msgs = 0;
	uint16_t mlen;
	uint8_t type;
	struct bgp_error e;

	std_attrs(&a, 65001);
	for (unsigned i = 0; i < 500; i++)
		make_route(&routes[i], i);
	while (total < 500) {
		n = bgp_update_encode_evpn(m, BGP_MAX_MSG, &a, routes + total, 500 - total, false, true, &done);
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_le(n, BGP_MAX_MSG);
		ck_assert_uint_gt(done, 0);
		if (total + done < 500)
			ck_assert_uint_gt(n + 39, BGP_MAX_MSG); /* the next route (39 bytes) would not have fit */
		ck_assert_int_eq(bgp_header_parse(m, n, BGP_MAX_MSG, &mlen, &type, &e), 0);
		ck_assert_int_eq(bgp_update_decode(m + 19, n - 19, true, &g_u, g_reach, MAXR, g_unreach, MAXR, &e), 0);
		ck_assert_uint_eq(g_u.n_reach, done);
		for (size_t i = 0; i < done; i++)
			assert_route_eq(&g_reach[i], &routes[total + i]);
		total += done;
		msgs++;
	}
	ck_assert_uint_eq(total, 500);
	ck_assert_uint_ge(msgs, 5);

	/* the first message leaves routes over */
	n = bgp_update_encode_evpn(m, BGP_MAX_MSG, &a, routes, 500, false, true, &done);
	ck_assert_uint_lt(done, 500);
	/* withdrawals pack the same way */
	n = bgp_update_encode_evpn(m, BGP_MAX_MSG, NULL, routes, 500, true, true, &done);
	ck_assert_uint_le(n, BGP_MAX_MSG);
	ck_assert_uint_gt(n + 39, BGP_MAX_MSG);
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.n_unreach, done);

	/* with extended messages all 500 fit in one, which a 4096 limit refuses */
	n = bgp_update_encode_evpn(m, BGP_MAX_MSG_EXT, &a, routes, 500, false, true, &done);
	ck_assert_uint_eq(done, 500);
	ck_assert_uint_gt(n, BGP_MAX_MSG);
	ck_assert_int_eq(bgp_header_parse(m, n, BGP_MAX_MSG, &mlen, &type, &e), EBADMSG);
	ck_assert_uint_eq(e.subcode, 2);
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 500);
	assert_route_eq(&g_reach[499], &routes[499]);
	/* a caller array smaller than the update: truncated, never overflowed */
	ck_assert_int_eq(bgp_update_decode(m + 19, n - 19, true, &g_u, g_reach, 10, g_unreach, 0, &e), 0);
	ck_assert_uint_eq(g_u.n_reach, 10);
	ck_assert(g_u.truncated);

	/* not even one route fits */
	ck_assert_uint_eq(bgp_update_encode_evpn(m, 60, &a, routes, 500, false, true, &done), 0);
	ck_assert_uint_eq(done, 0);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* RFC 7606 outcomes                                                                        */
/* ---------------------------------------------------------------------------------------- */

enum outcome { OK, TAW, DISCARD, RESET, RTAW /* one EVPN route treated as withdrawn, the rest kept */ };

struct upd_case {
	const char *what;
	const char *attrs[10];
	enum outcome out;
	uint8_t subcode;    /* RESET */
	const char *reason; /* in action_reason or err.reason */
	size_t n_reach;     /* routes still reported (for withdrawal under TAW) */
	size_t n_withdrawn; /* RTAW: malformed routes withdrawn by their key (in the unreach array) */
};

#define BASE A_ORIGIN, A_ASPATH, A_MP_T2, A_EXT

static const struct upd_case upd_cases[] = {
	{ "baseline", { BASE }, OK, 0, NULL, 1 },
	{ "ORIGIN length 2", { "40 01 02 00 00", A_ASPATH, A_MP_T2, A_EXT }, TAW, 0, "ORIGIN: length 2", 1 },
	{ "ORIGIN value 3", { "40 01 01 03", A_ASPATH, A_MP_T2, A_EXT }, TAW, 0, "ORIGIN: value 3", 1 },
	{ "AS_PATH segment type 5", { A_ORIGIN, "40 02 06 05 01 0000fde8", A_MP_T2, A_EXT }, TAW, 0, "AS_PATH", 1 },
	{ "AS_PATH empty segment", { A_ORIGIN, "40 02 02 02 00", A_MP_T2, A_EXT }, TAW, 0, "AS_PATH: empty", 1 },
	{ "AS_PATH segment overrun", { A_ORIGIN, "40 02 06 02 02 0000fde8", A_MP_T2, A_EXT }, TAW, 0, "AS_PATH", 1 },
	{ "AS_PATH 2-octet in a 4-octet session", { A_ORIGIN, "40 02 04 02 01 fde8", A_MP_T2, A_EXT }, TAW, 0, "AS_PATH", 1 },
	{ "AS_PATH segment header cut", { A_ORIGIN, "40 02 07 02 01 0000fde8 02", A_MP_T2, A_EXT }, TAW, 0, "AS_PATH", 1 },
	{ "NEXT_HOP length 5", { BASE, "40 03 05 0a00000102" }, TAW, 0, "NEXT_HOP: length 5", 1 },
	{ "MED length 3", { BASE, "80 04 03 000001" }, TAW, 0, "MULTI_EXIT_DISC", 1 },
	{ "LOCAL_PREF length 5", { BASE, "40 05 05 0000006400" }, TAW, 0, "LOCAL_PREF", 1 },
	{ "COMMUNITIES length 6", { BASE, "c0 08 06 fde800640000" }, TAW, 0, "COMMUNITIES", 1 },
	{ "COMMUNITIES length 0", { BASE, "c0 08 00" }, TAW, 0, "COMMUNITIES", 1 },
	{ "ORIGINATOR_ID length 3", { BASE, "80 09 03 0a0000" }, TAW, 0, "ORIGINATOR_ID", 1 },
	{ "CLUSTER_LIST length 5", { BASE, "80 0a 05 0a00000101" }, TAW, 0, "CLUSTER_LIST", 1 },
	{ "EXTENDED_COMMUNITIES length 12", { A_ORIGIN, A_ASPATH, A_MP_T2, "c0 10 0c 030c000000000008 00000000" }, TAW, 0,
	  "EXTENDED_COMMUNITIES", 1 },
	{ "EXTENDED_COMMUNITIES length 0", { A_ORIGIN, A_ASPATH, A_MP_T2, "c0 10 00" }, TAW, 0, "EXTENDED_COMMUNITIES", 1 },
	{ "ORIGIN flagged optional", { "c0 01 01 00", A_ASPATH, A_MP_T2, A_EXT }, TAW, 0, "ORIGIN: flags", 1 },
	{ "ORIGIN flagged partial", { "60 01 01 00", A_ASPATH, A_MP_T2, A_EXT }, TAW, 0, "ORIGIN: flags", 1 },
	{ "AS_PATH flagged non-transitive", { A_ORIGIN, "00 02 06 02 01 0000fde8", A_MP_T2, A_EXT }, TAW, 0, "AS_PATH: flags",
	  1 },
	{ "MED flagged transitive", { BASE, "c0 04 04 00000001" }, TAW, 0, "MULTI_EXIT_DISC: flags", 1 },
	{ "EXTENDED_COMMUNITIES flagged well-known",
	  { A_ORIGIN, A_ASPATH, A_MP_T2, "40 10 10 030c000000000008 0002fde800000064" }, TAW, 0,
	  "EXTENDED_COMMUNITIES: flags", 1 },
	{ "MP_REACH_NLRI flagged transitive", { A_ORIGIN, A_ASPATH, "c0 0e 2c 0019 46 04 0a000002 00 " NLRI_T2_MAC, A_EXT },
	  TAW, 0, "MP_REACH_NLRI: flags", 1 },
	{ "PMSI_TUNNEL flagged non-transitive", { BASE, "80 16 09 00 06 000064 0a000002" }, TAW, 0, "PMSI_TUNNEL: flags", 1 },
	{ "missing ORIGIN", { A_ASPATH, A_MP_T2, A_EXT }, TAW, 0, "missing well-known attribute ORIGIN", 1 },
	{ "missing AS_PATH", { A_ORIGIN, A_MP_T2, A_EXT }, TAW, 0, "missing well-known attribute AS_PATH", 1 },
	{ "ATOMIC_AGGREGATE length 1", { BASE, "40 06 01 00" }, DISCARD, 0, "ATOMIC_AGGREGATE", 1 },
	{ "AGGREGATOR length 6 (4-octet session)", { BASE, "c0 07 06 fde8 0a000001" }, DISCARD, 0, "AGGREGATOR", 1 },
	{ "PMSI_TUNNEL length 4", { BASE, "c0 16 04 00060000" }, DISCARD, 0, "PMSI_TUNNEL", 1 },
	{ "PMSI_TUNNEL endpoint of 5 bytes", { BASE, "c0 16 0a 00 06 000064 0a00000200" }, DISCARD, 0, "PMSI_TUNNEL", 1 },
	{ "ORIGIN twice", { BASE, "40 01 01 02" }, DISCARD, 0, "ORIGIN (type 1) appears more than once", 1 },
	{ "EXTENDED_COMMUNITIES twice", { BASE, "c0 10 08 0002fde800000065" }, DISCARD, 0, "EXTENDED_COMMUNITIES", 1 },
	{ "unknown optional attribute twice", { BASE, "c0 63 00", "c0 63 00" }, DISCARD, 0, "type 99", 1 },
	{ "AS4_PATH flagged well-known", { BASE, "40 11 06 02 01 0000fde8" }, DISCARD, 0, "AS4_PATH", 1 },
	{ "ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES, MED, LOCAL_PREF, CLUSTER_LIST valid",
	  { BASE, "40 06 00", "c0 07 08 0000fde8 0a000001", "c0 08 04 fde80064", "80 04 04 00000005 40 05 04 00000064",
	    "80 0a 04 0a000001" },
	  OK, 0, NULL, 1 },
	{ "unknown optional transitive attribute", { BASE, "c0 63 03 010203" }, OK, 0, NULL, 1 },
	{ "unknown optional partial attribute, extended length", { BASE, "f0 fe 0003 010203" }, OK, 0, NULL, 1 },
	{ "AS4_PATH and AS4_AGGREGATOR ignored", { BASE, "c0 11 06 02 01 0000fde8", "c0 12 08 0000fde8 0a000001" }, OK, 0,
	  NULL, 1 },
	{ "unknown well-known attribute", { BASE, "40 63 03 010203" }, RESET, 2, "unrecognized well-known attribute type 99",
	  0 },
	{ "MP_REACH_NLRI twice", { BASE, A_MP_T2 }, RESET, 1, "MP_REACH_NLRI appears more than once", 0 },
	{ "MP_UNREACH_NLRI twice", { A_MP_UN_T2, A_MP_UN_T2 }, RESET, 1, "MP_UNREACH_NLRI appears more than once", 0 },
	{ "MP_REACH_NLRI length 4", { A_ORIGIN, A_ASPATH, "80 0e 04 0019 4604" }, RESET, 9, "shorter than 5", 0 },
	{ "MP_REACH_NLRI next hop overrun", { A_ORIGIN, A_ASPATH, "80 0e 08 0019 46 10 0a000002" }, RESET, 9,
	  "next hop length 16 overruns", 0 },
	{ "MP_REACH_NLRI EVPN next hop length 5", { A_ORIGIN, A_ASPATH, "80 0e 2d 0019 46 05 0a00000201 00 " NLRI_T2_MAC },
	  RESET, 9, "next hop length 5", 0 },
	/* RFC 7606 section 5.4 / RFC 7432: a malformed route whose length byte delimits it is withdrawn alone */
	{ "EVPN NLRI length byte too long",
	  { A_ORIGIN, A_ASPATH,
	    "80 0e 2d 0019 46 04 0a000002 00 02 22 00010a0000020002 00000000000000000000 00000000 30 020000000002 00 000064 00" },
	  RTAW, 0, "type-2 length does not fit its IP length and labels (route withdrawn)", 0, 1 },
	/* ... but when the bytes after it cannot be read, the NLRI cannot be located: a reset */
	{ "EVPN NLRI length byte too short",
	  { A_ORIGIN, A_ASPATH,
	    "80 0e 2c 0019 46 04 0a000002 00 02 20 00010a0000020002 00000000000000000000 00000000 30 020000000002 00 000064" },
	  RESET, 9, "malformed: NLRI header truncated", 0 },
	{ "EVPN NLRI cut by the MP_REACH length",
	  { A_ORIGIN, A_ASPATH,
	    "80 0e 2b 0019 46 04 0a000002 00 02 21 00010a0000020002 00000000000000000000 00000000 30 020000000002 00 0000" },
	  RESET, 9, "malformed: NLRI length overruns", 0 },
	{ "EVPN type 2 advertised without a label",
	  { A_ORIGIN, A_ASPATH,
	    "80 0e 29 0019 46 04 0a000002 00 02 1e 00010a0000020002 00000000000000000000 00000000 30 020000000002 00" },
	  RTAW, 0, "advertised without a label (route withdrawn)", 0, 1 },
	{ "MP_UNREACH_NLRI length 2", { "80 0f 02 0019" }, RESET, 9, "shorter than 3", 0 },
	{ "MP_UNREACH_NLRI bad NLRI", { "80 0f 06 0019 46 03 01 00" }, RTAW, 0, "type-3 length shorter than its fixed part (no key", 0, 0 },
	/* RFC 7606 section 4: the attribute area is cut short; the NLRI are located: treat-as-withdraw */
	{ "attribute overruns the area", { A_ORIGIN, A_ASPATH, A_MP_T2, "c0 10 11 030c000000000008 0002fde800000064" },
	  TAW, 0, "overruns the attribute area", 1 },
	{ "attribute header cut", { BASE, "c0 10" }, TAW, 0, "header truncated", 1 },
	{ "attribute header cut to its flags", { BASE, "c0" }, TAW, 0, "header truncated", 1 },
	{ "extended length cut", { BASE, "d0 10 00" }, TAW, 0, "extended length truncated", 1 },
	{ "ORIGIN overruns the area after MP_REACH_NLRI", { A_MP_T2, A_ASPATH, "40 01 05 00" }, TAW, 0,
	  "ORIGIN (type 1) length 5 overruns", 1 },
	{ "withdrawal, then an attribute overrunning the area", { A_MP_UN_T2, "c0 10 ff 00" }, TAW, 0, "overruns", 0 },
	/* ... but not when the cut attribute is the MP attribute holding them */
	{ "MP_REACH_NLRI overruns the area", { A_ORIGIN, A_ASPATH, "80 0e 7f 0019 46 04 0a000002 00 " NLRI_T2_MAC },
	  RESET, 1, "the NLRI cannot be located", 0 },
	{ "MP_UNREACH_NLRI header cut", { A_ORIGIN, A_ASPATH, "90 0f 00" }, RESET, 1, "the NLRI cannot be located", 0 },
	{ "MP_REACH for IPv4 unicast ignored", { A_ORIGIN, A_ASPATH, "80 0e 0d 0001 01 04 0a000001 00 18 0a0000" }, OK, 0,
	  NULL, 0 },
};

START_TEST(rfc7606_cases)
{
	const struct upd_case *c = &upd_cases[_i];
	const char *const *a = c->attrs;
	int r;

	build_update("", "", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], NULL);
	memset(&g_u, 0x5a, sizeof(g_u));
	r = dec_update(g_m.b, g_m.len, true);
	if (c->out == RESET) {
		ck_assert_msg(r == EBADMSG, "%s: not a reset", c->what);
		ck_assert_uint_eq(g_err.code, BGP_ERR_UPDATE);
		ck_assert_msg(g_err.subcode == c->subcode, "%s: subcode %u", c->what, g_err.subcode);
		ck_assert_msg(strstr(g_err.reason, c->reason) != NULL, "%s: reason '%s'", c->what, g_err.reason);
		if (c->subcode == 2 || c->subcode == 9)
			ck_assert_uint_gt(g_err.data_len, 0); /* the offending attribute */
		return;
	}
	ck_assert_msg(r == 0, "%s: %s", c->what, g_err.reason);
	if (c->out == RTAW) {
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
		ck_assert_uint_eq(g_u.n_evpn_malformed, 1);
		ck_assert_msg(strstr(g_u.evpn_reason, c->reason) != NULL, "%s: reason '%s'", c->what, g_u.evpn_reason);
		ck_assert_uint_eq(g_u.n_reach, c->n_reach);
		ck_assert_uint_eq(g_u.n_unreach, c->n_withdrawn);
		ck_assert_uint_eq(g_u.n_evpn_bad_withdrawn, c->n_withdrawn);
		if (c->n_withdrawn)
			assert_t2(&g_unreach[0], "10.0.0.2:2", "02:00:00:00:00:02", NULL, 0);
		return;
	}
	ck_assert_msg(g_u.attrs.action == (c->out == TAW ? BGP_ATTR_TREAT_AS_WITHDRAW : BGP_ATTR_OK), "%s: action %d (%s)",
		      c->what, g_u.attrs.action, g_u.attrs.action_reason);
	ck_assert_msg(g_u.attrs.n_discarded == (c->out == DISCARD ? 1u : 0u), "%s: %u discarded", c->what,
		      g_u.attrs.n_discarded);
	if (c->reason)
		ck_assert_msg(strstr(g_u.attrs.action_reason, c->reason) != NULL, "%s: reason '%s'", c->what,
			      g_u.attrs.action_reason);
	else
		ck_assert_str_eq(g_u.attrs.action_reason, "");
	ck_assert_uint_eq(g_u.n_reach, c->n_reach);
	if (c->n_reach)
		assert_t2(&g_reach[0], "10.0.0.2:2", "02:00:00:00:00:02", NULL, 100);
}
END_TEST

START_TEST(rfc7606_values)
{
	/* a discarded duplicate does not overwrite the first */
	build_update("", "", BASE, "40 01 01 02", "c0 10 08 0002fde800000065", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.origin, 0);
	ck_assert_uint_eq(g_u.attrs.n_ext_comm, 2);
	ck_assert_uint_eq(g_u.attrs.n_discarded, 2);
	/* several problems: the first treat-as-withdraw reason is kept, and it replaces a discard note */
	build_update("", "", "40 01 02 00 00", A_ASPATH, A_MP_T2, A_EXT, "80 04 03 000001", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
	ck_assert_ptr_nonnull(strstr(g_u.attrs.action_reason, "ORIGIN"));
	build_update("", "", A_ORIGIN, A_ASPATH, "40 06 01 00", A_MP_T2, A_EXT, "80 04 03 000001", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
	ck_assert_uint_eq(g_u.attrs.n_discarded, 1);
	ck_assert_ptr_nonnull(strstr(g_u.attrs.action_reason, "MULTI_EXIT_DISC"));
	/* a discarded PMSI is absent */
	build_update("", "", BASE, "c0 16 04 00060000", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert(!g_u.attrs.has_pmsi);
	/* PMSI of another tunnel type without an endpoint is kept */
	build_update("", "", BASE, "c0 16 05 00 00 000064", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert(g_u.attrs.has_pmsi);
	ck_assert_uint_eq(g_u.attrs.pmsi_endpoint_len, 0);
	/* valid optional values are kept */
	build_update("", "", BASE, "80 04 04 00000005", "40 05 04 00000064", "80 09 04 0a000009", "40 03 04 0a000001",
		     NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert(g_u.attrs.has_med && g_u.attrs.has_local_pref && g_u.attrs.has_originator_id && g_u.attrs.has_next_hop);
	ck_assert_uint_eq(g_u.attrs.med, 5);
	ck_assert_uint_eq(g_u.attrs.local_pref, 100);
	ck_assert_uint_eq(g_u.attrs.originator_id, ip4("10.0.0.9"));
	ck_assert_uint_eq(g_u.attrs.next_hop, ip4("10.0.0.1"));
	/* AGGREGATOR is 6 bytes in a 2-octet session */
	build_update("", "", A_ORIGIN, "40 02 04 02 01 fde8", A_MP_T2, A_EXT, "c0 07 06 fde8 0a000001", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, false), 0);
	ck_assert_uint_eq(g_u.attrs.n_discarded, 0);
	ck_assert_uint_eq(g_u.attrs.as_path[0], 65000);
	build_update("", "", A_ORIGIN, "40 02 04 02 01 fde8", A_MP_T2, A_EXT, "c0 07 08 0000fde8 0a000001", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, false), 0);
	ck_assert_uint_eq(g_u.attrs.n_discarded, 1);
	/* a 4-octet path read as 2-octet has an unknown segment type... */
	build_update("", "", A_ORIGIN, "40 02 0a 02 02 0000fde9 0000fde8", A_MP_T2, A_EXT, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, false), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
	ck_assert(!g_u.attrs.has_as_path);
	/* AS_SET and confederation segments: every AS kept, in order */
	build_update("", "", A_ORIGIN, "40 02 16 02 01 0000fde8 01 02 00000001 00000002 03 01 00000003", A_MP_T2, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	assert_path(4, 65000, 1, 2, 3);
	/* 70 extended communities: 64 kept, 6 counted as discarded */
	{
		char ext[2000];
		size_t off = (size_t)snprintf(ext, sizeof(ext), "d0 10 0230 ");

		for (int i = 0; i < 70; i++)
			off += (size_t)snprintf(ext + off, sizeof(ext) - off, "0002fde8%08x ", i);
		build_update("", "", A_ORIGIN, A_ASPATH, A_MP_T2, ext, NULL);
		ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
		ck_assert_uint_eq(g_u.attrs.n_ext_comm, 64);
		ck_assert_uint_eq(g_u.attrs.ext_comm[63], evpn_ec_rt_as2(65000, 63));
		ck_assert_uint_eq(g_u.attrs.n_discarded, 6);
	}
	/* 300 ASes: the count saturates at 255, the list keeps the first 64 */
	{
		char path[4000];
		size_t off = (size_t)snprintf(path, sizeof(path), "50 02 04b4 02 ff ");

		for (int i = 0; i < 255; i++)
			off += (size_t)snprintf(path + off, sizeof(path) - off, "%08x", 1000 + i);
		off += (size_t)snprintf(path + off, sizeof(path) - off, " 02 2d ");
		for (int i = 0; i < 45; i++)
			off += (size_t)snprintf(path + off, sizeof(path) - off, "%08x", 5000 + i);
		build_update("", "", A_ORIGIN, path, A_MP_T2, NULL);
		ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
		ck_assert_uint_eq(g_u.attrs.as_path_len, 255);
		ck_assert_uint_eq(g_u.attrs.as_path[63], 1063);
	}
}
END_TEST

START_TEST(mp_variants)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	/* IPv6 next hop of 16, and of 32 (global + link-local: the global one is kept) */
	build_update("", "", A_ORIGIN, A_ASPATH, "80 0e 38 0019 46 10 20010db8000000000000000000000001 00 " NLRI_T2_MAC,
		     NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.mp_nh_len, 16);
	ck_assert_mem_eq(g_u.attrs.mp_nh, v6, 16);
	build_update("", "",  A_ORIGIN, A_ASPATH,
		     "80 0e 48 0019 46 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00 " NLRI_T2_MAC,
		     NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.mp_nh_len, 16);
	ck_assert_mem_eq(g_u.attrs.mp_nh, v6, 16);
	ck_assert_uint_eq(g_u.n_reach, 1);

	/* types 1, 4 and 9 between a type 2, a type 5 and a type 3: counted, skipped */
	build_update("", "", A_ORIGIN, A_ASPATH,
		     "80 0e 99 0019 46 04 0a000002 00 "
		     "01 19 00010a0000010001 00000000000000000000 00000000 000064 " NLRI_T2_MAC
		     " 04 17 00010a0000010001 00000000000000000000 20 0a000001 "
		     "05 22 00010a0000010001 00000000000000000000 00000000 18 0a640000 00000000 000064 "
		     "09 00 03 11 00010a0000020002 00000000 20 0a000002",
		     NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 3);
	ck_assert_uint_eq(g_reach[0].type, 2);
	ck_assert_uint_eq(g_reach[1].type, 5);
	ck_assert_uint_eq(g_reach[2].type, 3);
	ck_assert_uint_eq(g_u.n_skipped[1], 1);
	ck_assert_uint_eq(g_u.n_skipped[4], 1);
	ck_assert_uint_eq(g_u.n_skipped[5], 0);
	ck_assert_uint_eq(g_u.n_skipped[0], 1);

	/* a withdrawal without the label bytes is fine */
	build_update("", "", "80 0f 23 0019 46 02 1e 00010a0000020002 00000000000000000000 00000000 30 020000000002 00",
		     NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_unreach, 1);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);

	/* reach and unreach in one UPDATE */
	build_update("", "", A_MP_UN_T2, BASE, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 1);
	ck_assert_uint_eq(g_u.n_unreach, 1);
	ck_assert(g_u.has_mp_reach_evpn && g_u.has_mp_unreach_evpn);
}
END_TEST

START_TEST(ipv4_sections)
{
	/* plain IPv4 unicast NLRI and withdrawn routes are counted (and ignored) */
	build_update("08 0a 10 0a00", "18 0a0000 00", A_ORIGIN, A_ASPATH, "40 03 04 0a000001", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_ipv4_withdrawn, 2);
	ck_assert_uint_eq(g_u.n_ipv4_nlri, 2);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
	ck_assert(g_u.attrs.has_next_hop);
	/* IPv4 NLRI without NEXT_HOP: treat-as-withdraw */
	build_update("", "18 0a0000", A_ORIGIN, A_ASPATH, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
	ck_assert_ptr_nonnull(strstr(g_u.attrs.action_reason, "NEXT_HOP"));
	/* IPv4 NLRI and no attributes at all */
	build_update("", "18 0a0000", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
	ck_assert_ptr_nonnull(strstr(g_u.attrs.action_reason, "ORIGIN"));
	/* withdrawn routes alone need no attribute */
	build_update("08 0a", "", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
	ck_assert(!g_u.end_of_rib_ipv4);
	/* malformed prefixes: session reset, Invalid Network Field */
	build_update("21 0a000000 00", "", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), EBADMSG);
	ck_assert_uint_eq(g_err.subcode, 10);
	build_update("18 0a00", "", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), EBADMSG);
	ck_assert_uint_eq(g_err.subcode, 10);
	build_update("", "18 0a00", A_ORIGIN, A_ASPATH, "40 03 04 0a000001", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), EBADMSG);
	ck_assert_uint_eq(g_err.subcode, 10);
}
END_TEST

/* Lengths that lie, on real messages (FRR: MP_REACH first; GoBGP: ORIGIN first). */
START_TEST(lying_lengths)
{
	static const char *const files[] = { "frr-session-f15-0-update.bin", "gobgp-inject-f14-0-update.bin",
					     "frr-session-f15-1-update.bin", "frr-macmove-f02-0-update.bin" };

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		uint8_t m[512], orig[512];
		size_t n = load(files[f], orig, sizeof(orig));
		size_t alen = (size_t)(orig[21] << 8 | orig[22]);
		size_t mp = 0, last = 0; /* offsets of the MP attribute and of the last one */

		for (size_t off = 23; off < 23 + alen;) {
			size_t hl = orig[off] & 0x10 ? 4 : 3;
			size_t vl = hl == 4 ? (size_t)(orig[off + 2] << 8 | orig[off + 3]) : orig[off + 2];

			if (orig[off + 1] == 14 || orig[off + 1] == 15)
				mp = off;
			last = off;
			off += hl + vl;
		}
		ck_assert_uint_gt(mp, 0);

		/* withdrawn routes length 1, 2, past the end */
		for (unsigned w = 1; w <= 3; w++) {
			memcpy(m, orig, n);
			m[19] = w == 3 ? 0xff : 0;
			m[20] = (uint8_t)w;
			ck_assert_int_eq(dec_update(m, n, true), EBADMSG);
			ck_assert_uint_eq(g_err.code, 3);
		}
		/*
		 * Total path attribute length one long: 3/1. One short: the last attribute runs past
		 * the area (RFC 7606 section 4: treat-as-withdraw, the NLRI field located by the total
		 * length); its last byte, now the NLRI field, is no IPv4 prefix: 3/10 (Invalid Network Field).
		 * When the cut attribute is the MP one, its NLRI cannot be located: 3/1.
		 */
		for (int d = -1; d <= 1; d += 2) {
			memcpy(m, orig, n);
			m[22] = (uint8_t)(m[22] + d);
			ck_assert_msg(dec_update(m, n, true) == EBADMSG, "%s: attribute length %+d", files[f], d);
			ck_assert_uint_eq(g_err.code, 3);
			ck_assert_msg(g_err.subcode == (d > 0 || last == mp ? 1u : 10u), "%s %+d: %s", files[f], d, g_err.reason);
		}
		/* MP attribute length one short, one long: the NLRI no longer parse */
		for (int d = -1; d <= 1; d += 2) {
			size_t lo = orig[mp] & 0x10 ? mp + 3 : mp + 2;

			memcpy(m, orig, n);
			m[lo] = (uint8_t)(m[lo] + d);
			ck_assert_msg(dec_update(m, n, true) == EBADMSG, "%s: MP length %+d", files[f], d);
			ck_assert_uint_eq(g_err.code, 3);
		}
		/* the first NLRI's length byte one short, one long */
		for (int d = -1; d <= 1; d += 2) {
			size_t first = mp + (orig[mp] & 0x10 ? 4 : 3) + (orig[mp + 1] == 14 ? 5 + orig[mp + (orig[mp] & 0x10 ? 7 : 6)]
											   : 3);

			memcpy(m, orig, n);
			m[first + 1] = (uint8_t)(m[first + 1] + d);
			ck_assert_msg(dec_update(m, n, true) == EBADMSG, "%s: NLRI length %+d", files[f], d);
			ck_assert_uint_eq(g_err.code, 3);
			ck_assert_uint_eq(g_err.subcode, 9);
		}
		/* header length bigger than what arrived: the caller waits for the rest */
		{
			uint16_t mlen;
			uint8_t type;
			struct bgp_error e;

			memcpy(m, orig, n);
			m[17] = (uint8_t)(m[17] + 10);
			ck_assert_int_eq(bgp_header_parse(m, n, BGP_MAX_MSG, &mlen, &type, &e), 0);
			ck_assert_uint_eq(mlen, n + 10);
		}
	}
}
END_TEST

/* Every truncation of every real UPDATE, the header length following it, is a reset. */
START_TEST(truncated_updates)
{
	const char *name = update_files[_i];
	uint8_t orig[512];
	size_t n = load(name, orig, sizeof(orig));

	for (size_t k = 19; k < n; k++) {
		uint8_t *p = malloc(k);
		uint16_t mlen;
		uint8_t type;
		struct bgp_error e;
		int r;

		memcpy(p, orig, k);
		p[16] = 0;
		p[17] = (uint8_t)k;
		memset(&e, 0, sizeof(e));
		r = bgp_header_parse(p, k, BGP_MAX_MSG, &mlen, &type, &e);
		if (k < 23) {
			ck_assert_int_eq(r, EBADMSG);
		} else {
			ck_assert_int_eq(r, 0);
			r = bgp_update_decode(p + 19, k - 19, true, &g_u, g_reach, MAXR, g_unreach, MAXR, &e);
			ck_assert_msg(r == EBADMSG, "%s cut at %zu of %zu accepted", name, k, n);
			ck_assert_uint_eq(e.code, 3);
		}
		free(p);
	}
}
END_TEST

START_TEST(error_names)
{
	ck_assert_str_eq(bgp_error_name(6, 2), "Cease/Administrative Shutdown");
	ck_assert_str_eq(bgp_error_name(3, 1), "UPDATE Message Error/Malformed Attribute List");
	ck_assert_str_eq(bgp_error_name(1, 1), "Message Header Error/Connection Not Synchronized");
	ck_assert_str_eq(bgp_error_name(1, 3), "Message Header Error/Bad Message Type");
	ck_assert_str_eq(bgp_error_name(2, 2), "OPEN Message Error/Bad Peer AS");
	ck_assert_str_eq(bgp_error_name(2, 7), "OPEN Message Error/Unsupported Capability");
	ck_assert_str_eq(bgp_error_name(3, 11), "UPDATE Message Error/Malformed AS_PATH");
	ck_assert_str_eq(bgp_error_name(4, 0), "Hold Timer Expired");
	ck_assert_str_eq(bgp_error_name(5, 2), "Finite State Machine Error/Unexpected Message in OpenConfirm State");
	ck_assert_str_eq(bgp_error_name(6, 7), "Cease/Connection Collision Resolution");
	ck_assert_str_eq(bgp_error_name(6, 8), "Cease/Out of Resources");
	ck_assert_str_eq(bgp_error_name(7, 1), "ROUTE-REFRESH Message Error/Invalid Message Length");
	ck_assert_str_eq(bgp_error_name(2, 0), "OPEN Message Error");
	ck_assert_str_eq(bgp_error_name(6, 200), "Cease/unknown subcode");
	ck_assert_str_eq(bgp_error_name(0, 0), "Unknown error code");
	ck_assert_str_eq(bgp_error_name(8, 1), "Unknown error code");
	/* every code/subcode has a distinct name */
	for (unsigned c = 1; c <= 7; c++)
		for (unsigned s = 0; s < 12; s++) {
			const char *n = bgp_error_name((uint8_t)c, (uint8_t)s);

			ck_assert_ptr_nonnull(n);
			if (strstr(n, "unknown"))
				continue;
			for (unsigned s2 = s + 1; s2 < 12; s2++)
				ck_assert_str_ne(n, bgp_error_name((uint8_t)c, (uint8_t)s2));
		}
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Wireshark reads our messages                                                             */
/* ---------------------------------------------------------------------------------------- */

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* One TCP segment 10.0.0.1:40179 -> 10.0.0.2:179 carrying payload, as a classic pcap record. */
static void pcap_segment(FILE *f, const uint8_t *payload, size_t len, uint32_t *seq, uint32_t ts)
{
	static uint8_t pkt[14 + 20 + 20 + BGP_MAX_MSG];
	uint8_t *ip = pkt + 14, *tcp = ip + 20, pseudo[12];
	size_t iplen = 40 + len;
	uint32_t rec[4] = { ts, 0, (uint32_t)(14 + iplen), (uint32_t)(14 + iplen) };
	uint16_t c;

	ck_assert_uint_le(len, BGP_MAX_MSG);
	memset(pkt, 0, 54);
	memcpy(pkt, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	c = csum_fold(csum_add(0, ip, 20));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	tcp[0] = 40179 >> 8;
	tcp[1] = 40179 & 0xff;
	tcp[3] = 179;
	tcp[4] = (uint8_t)(*seq >> 24);
	tcp[5] = (uint8_t)(*seq >> 16);
	tcp[6] = (uint8_t)(*seq >> 8);
	tcp[7] = (uint8_t)*seq;
	tcp[11] = 1; /* ack 1 */
	tcp[12] = 0x50;
	tcp[13] = 0x18; /* PSH, ACK */
	tcp[14] = 0xff;
	tcp[15] = 0xff;
	memcpy(tcp + 20, payload, len);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	pseudo[10] = (uint8_t)((20 + len) >> 8);
	pseudo[11] = (uint8_t)(20 + len);
	c = csum_fold(csum_add(csum_add(0, pseudo, 12), tcp, 20 + len));
	tcp[16] = (uint8_t)(c >> 8);
	tcp[17] = (uint8_t)c;
	ck_assert_uint_eq(fwrite(rec, sizeof(rec), 1, f), 1);
	ck_assert_uint_eq(fwrite(pkt, 14 + iplen, 1, f), 1);
	*seq += (uint32_t)len;
}

/* Run a shell command, return its standard output (stderr dropped). */
static char *run(const char *cmd)
{
	static char out[65536];
	size_t n = 0;
	FILE *p = popen(cmd, "r");

	ck_assert_ptr_nonnull(p);
	while (n < sizeof(out) - 1) {
		size_t r = fread(out + n, 1, sizeof(out) - 1 - n, p);

		if (r == 0)
			break;
		n += r;
	}
	out[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	return out;
}

START_TEST(tshark_reads_our_messages)
{
	static uint8_t msgs[10][BGP_MAX_MSG];
	size_t lens[10], nm = 0, done;
	struct bgp_open o = our_open();
	struct bgp_attrs a;
	struct evpn_route r[2];
	char path[] = "/tmp/test_bgp_msg_XXXXXX.pcap", cmd[512], *out, *flagged, *types;
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 }, seq = 1;
	FILE *f;
	int fd;

	if (system("command -v tshark >/dev/null 2>&1") != 0) {
		printf("tshark_reads_our_messages: skipped, tshark is not installed\n");
		return;
	}
	snprintf(o.caps.hostname, sizeof(o.caps.hostname), "vtep1");
	o.caps.enhanced_route_refresh = true;
	lens[nm] = bgp_open_encode(msgs[nm], BGP_MAX_MSG, &o);
	nm++;
	lens[nm] = bgp_keepalive_encode(msgs[nm], BGP_MAX_MSG);
	nm++;
	/* type 2 MAC-only and MAC+IP, RT, encapsulation, MAC mobility 5 sticky, router's MAC */
	std_attrs(&a, 65001);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_mac_mobility(5, true);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac((const uint8_t[]){ 2, 0, 0, 0, 0, 0xaa });
	make_route(&r[0], 1);
	r[0].ip_len = 0;
	memset(r[0].ip, 0, 4);
	make_route(&r[1], 1);
	r[1].has_label2 = true;
	r[1].label2 = 4000;
	lens[nm] = bgp_update_encode_evpn(msgs[nm], BGP_MAX_MSG, &a, r, 2, false, true, &done);
	nm++;
	/* type 3 with PMSI */
	std_attrs(&a, 65001);
	a.has_pmsi = true;
	a.pmsi_tunnel_type = 6;
	a.pmsi_label = 100;
	a.pmsi_endpoint_len = 4;
	memcpy(a.pmsi_endpoint, (const uint8_t[]){ 10, 0, 0, 1 }, 4);
	make_imet(&r[0], "10.0.0.1");
	lens[nm] = bgp_update_encode_evpn(msgs[nm], BGP_MAX_MSG, &a, r, 1, false, true, &done);
	nm++;
	/* withdrawal of the two type-2 routes */
	make_route(&r[0], 1);
	r[0].ip_len = 0;
	memset(r[0].ip, 0, 4);
	make_route(&r[1], 1);
	lens[nm] = bgp_update_encode_evpn(msgs[nm], BGP_MAX_MSG, NULL, r, 2, true, true, &done);
	nm++;
	/* type 5, IPv4 and IPv6, with the router's MAC, and a withdrawal */
	std_attrs(&a, 65001);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac((const uint8_t[]){ 0, 0, 0x22, 0x22, 0x33, 0x33 });
	evpn_route_prefix(&r[0], (const uint8_t[]){ 0, 1, 1, 1, 1, 1, 0, 3 }, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16,
			  900001);
	evpn_route_prefix(&r[1], (const uint8_t[]){ 0, 1, 1, 1, 1, 1, 0, 3 }, 128,
			  (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 48, 900001);
	lens[nm] = bgp_update_encode_evpn(msgs[nm], BGP_MAX_MSG, &a, r, 2, false, true, &done);
	nm++;
	lens[nm] = bgp_update_encode_evpn(msgs[nm], BGP_MAX_MSG, NULL, r, 1, true, true, &done);
	nm++;
	lens[nm] = bgp_eor_evpn_encode(msgs[nm], BGP_MAX_MSG);
	nm++;
	lens[nm] = bgp_route_refresh_encode(msgs[nm], BGP_MAX_MSG, EVPN_AFI, 0, EVPN_SAFI);
	nm++;
	lens[nm] = bgp_notification_encode(msgs[nm], BGP_MAX_MSG, 6, 2, (const uint8_t *)"\x08maintain", 9);
	nm++;
	for (size_t i = 0; i < nm; i++)
		ck_assert_uint_gt(lens[i], 0);

	fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(hdr, sizeof(hdr), 1, f), 1);
	for (size_t i = 0; i < nm; i++)
		pcap_segment(f, msgs[i], lens[i], &seq, (uint32_t)(1700000000 + i));
	ck_assert_int_eq(fclose(f), 0);

	/* all three reads first, so that the file is gone whatever the assertions say */
	snprintf(cmd, sizeof(cmd), "tshark -n -r %s -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null",
		 path);
	flagged = strdup(run(cmd));
	snprintf(cmd, sizeof(cmd), "tshark -n -r %s -Y bgp -T fields -e bgp.type 2>/dev/null", path);
	types = strdup(run(cmd));
	snprintf(cmd, sizeof(cmd), "tshark -n -r %s -Y bgp -O bgp 2>/dev/null", path);
	out = run(cmd);
	unlink(path);
	ck_assert_ptr_nonnull(flagged);
	ck_assert_ptr_nonnull(types);
	ck_assert_msg(flagged[0] == '\0', "tshark flags our messages:\n%s", flagged);
	ck_assert_str_eq(types, "1\n4\n2\n2\n2\n2\n2\n2\n5\n3\n");
	free(flagged);
	free(types);
	static const char *const expect[] = {
		"My AS: 65001", "Hold Time: 180", "Hostname: vtep1", "AS Number: 65001", "AFI: Layer-2 VPN (25)",
		"Enhanced route refresh capability", "BGP-Extended Message", "Time: 120",
		"MAC Address: 02:00:00:00:00:01", "IPv4 address: 10.100.0.1", "Route Distinguisher: 00010a0000010001 (10.0.0.1:1)",
		"Route Target: 65001:100", "VXLAN Encapsulation", "Sequence number: 5", "Sticky/Static MAC: Yes",
		"Router's MAC: 02:00:00:00:00:aa", "AS_PATH: 65001", "Next hop: 10.0.0.1",
		"Inclusive Multicast Route", "Tunnel Type: Ingress Replication (6)", "MP_UNREACH_NLRI",
		"IP Prefix route (5)", "IPv4 address: 10.1.0.0", "IPv6 address: 2001:db8:1::", "IP prefix length: 48",
		"Router's MAC: 00:00:22:22:33:33", "Route Distinguisher: 0001010101010003 (1.1.1.1:3)",
		"Minor error Code (Cease): Administratively Shutdown (2)", "Shutdown Communication: maintain", "Subtype: Normal route refresh request",
	};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		ck_assert_msg(strstr(out, expect[i]) != NULL, "tshark output lacks '%s'", expect[i]);
}
END_TEST


/* ---------------------------------------------------------------------------------------- */
/* L3: type 5 (RFC 9136), MAC+IP with two labels and the router's MAC (RFC 9135)             */
/* ---------------------------------------------------------------------------------------- */

/* RFC 9136 section 3.1 by hand: RD 1.1.1.1:3, 10.1.0.0/16, gateway 0, label L3 VNI 900001. */
#define NLRI_T5 "05 22 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 0dbba1"
#define NLRI_T5_V6                                                                              \
	"05 3a 0001020202020003 00000000000000000000 00000000 30 20010db8000100000000000000000000 " \
	"00000000000000000000000000000000 0dbba1"
/* RT 65000:900001, VXLAN, router's MAC 0000.2222.3333 (the issue's anycast-gateway MAC) */
#define A_EXT_L3 "c0 10 18 0002fde8000dbba1 030c000000000008 0603000022223333"

/* An MP_REACH (next hop 10.0.0.2) or MP_UNREACH attribute around nlri (hex). */
static const char *mp_attr(char *buf, size_t cap, bool reach, const char *nlri)
{
	uint8_t tmp[1024];
	size_t n = hex(nlri, tmp, sizeof(tmp));

	if (reach)
		snprintf(buf, cap, "90 0e %04zx 0019 46 04 0a000002 00 %s", n + 9, nlri);
	else
		snprintf(buf, cap, "90 0f %04zx 0019 46 %s", n + 3, nlri);
	return buf;
}

START_TEST(t5_decode)
{
	static const uint8_t rmac[6] = { 0, 0, 0x22, 0x22, 0x33, 0x33 };
	char mp[1024];
	uint8_t got[6];
	bool found = false;

	build_update("", "", A_ORIGIN, A_ASPATH, mp_attr(mp, sizeof(mp), true, NLRI_T5 " " NLRI_T5_V6), A_EXT_L3,
		     NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
	ck_assert_uint_eq(g_u.n_reach, 2);
	ck_assert_uint_eq(g_u.n_unreach, 0);
	ck_assert_uint_eq(g_u.n_skipped[5], 0);
	ck_assert_uint_eq(g_u.n_evpn_malformed + g_u.n_evpn_label0 + g_u.n_evpn_host_bits, 0);
	ck_assert_uint_eq(g_reach[0].type, EVPN_RT_IP_PREFIX);
	ck_assert_uint_eq(g_reach[0].ip_len, 32);
	ck_assert_uint_eq(g_reach[0].prefix_len, 16);
	ck_assert_uint_eq(g_reach[0].label1, 900001);
	ck_assert_uint_eq(g_reach[1].ip_len, 128);
	ck_assert_uint_eq(g_reach[1].prefix_len, 48);
	assert_nh("10.0.0.2");
	for (uint32_t i = 0; i < g_u.attrs.n_ext_comm; i++)
		if (evpn_ec_get_router_mac(g_u.attrs.ext_comm[i], got))
			found = true;
	ck_assert(found);
	ck_assert_mem_eq(got, rmac, 6);
	ck_assert(has_ec(&g_u.attrs, evpn_ec_rt_as2(65000, 900001)));

	/* withdrawn: matched on the key, the label zeroed */
	build_update("", "", mp_attr(mp, sizeof(mp), false, NLRI_T5), NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_unreach, 1);
	ck_assert(!g_u.end_of_rib_evpn);
	ck_assert_uint_eq(g_unreach[0].type, EVPN_RT_IP_PREFIX);
	ck_assert(evpn_route_same_key(&g_unreach[0], &g_reach[0]));
}
END_TEST

/* Our encoder, byte for byte, against the RFC layouts. */
START_TEST(t5_encode_vectors)
{
	static const uint8_t rmac[6] = { 0, 0, 0x22, 0x22, 0x33, 0x33 };
	static const uint8_t rd[8] = { 0, 1, 1, 1, 1, 1, 0, 3 };
	struct bgp_attrs a;
	struct evpn_route r;
	uint8_t m[512];
	size_t n, done = 0;

	std_attrs(&a, 65001);
	a.ext_comm[a.n_ext_comm++] = evpn_ec_router_mac(rmac);
	evpn_route_prefix(&r, rd, 32, (const uint8_t[]){ 10, 1, 0, 0 }, 16, 900001);
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done);
	ck_assert_uint_eq(done, 1);
	assert_bytes(m, n,
		     "ffffffffffffffffffffffffffffffff 006f 02 0000 0058 "
		     "40 01 01 00 "
		     "40 02 06 02 01 0000fde9 "
		     "80 0e 2d 0019 46 04 0a000001 00 " NLRI_T5 " "
		     "c0 10 18 0002fde900000064 030c000000000008 0603000022223333");
	/* and back */
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 1);
	assert_route_eq(&g_reach[0], &r);
	assert_attrs_eq(&a, &g_u.attrs);
	/* the withdrawal */
	n = bgp_update_encode_evpn(m, sizeof(m), NULL, &r, 1, true, true, &done);
	assert_bytes(m, n,
		     "ffffffffffffffffffffffffffffffff 0041 02 0000 002a "
		     "80 0f 27 0019 46 "
		     "05 22 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 000000");

	/* MAC+IP with two labels: L2 VNI 100, L3 VNI 900001 (RFC 9135 section 9.1) */
	make_route(&r, 1);
	r.label2 = 900001;
	r.has_label2 = true;
	n = bgp_update_encode_evpn(m, sizeof(m), &a, &r, 1, false, true, &done);
	ck_assert_uint_eq(done, 1);
	assert_bytes(m, n,
		     "ffffffffffffffffffffffffffffffff 0075 02 0000 005e "
		     "40 01 01 00 "
		     "40 02 06 02 01 0000fde9 "
		     "80 0e 33 0019 46 04 0a000001 00 "
		     "02 28 00010a0000010001 00000000000000000000 00000000 30 020000000001 20 0a640001 000064 0dbba1 "
		     "c0 10 18 0002fde900000064 030c000000000008 0603000022223333");
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 1);
	assert_route_eq(&g_reach[0], &r);
	ck_assert(g_reach[0].has_label2);
	ck_assert_uint_eq(g_reach[0].label2, 900001);
	ck_assert(has_ec(&g_u.attrs, evpn_ec_router_mac(rmac)));
	/* IPv6 type 5 */
	evpn_route_prefix(&r, rd, 128, (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 48, 900001);
	evpn_rd_type1(r.rd, ip4("2.2.2.2"), 3);
	n = bgp_update_encode_evpn(m, sizeof(m), NULL, &r, 1, true, true, &done);
	assert_bytes(m, n,
		     "ffffffffffffffffffffffffffffffff 0059 02 0000 0042 "
		     "80 0f 3f 0019 46 "
		     "05 3a 0001020202020003 00000000000000000000 00000000 30 20010db8000100000000000000000000 "
		     "00000000000000000000000000000000 000000");
}
END_TEST

/*
 * The malformed-type-5 policy: a type 5 whose own length byte still delimits it is discarded
 * and counted, the routes around it are kept, and the session stays (no NOTIFICATION).
 */
START_TEST(t5_malformed_policy)
{
	static const char *const bad[] = {
		"05 21 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 0dbb",
		"05 23 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 0dbba1 00",
		"05 22 0001010101010003 00000000000000000000 00000000 21 0a010000 00000000 0dbba1",
		("05 3a 0001020202020003 00000000000000000000 00000000 81 20010db8000100000000000000000000 "
		 "00000000000000000000000000000000 0dbba1"),
		"05 00",
	};
	static const char *const why[] = { "length is not 34", "length is not 34", "prefix length is over 32",
					   "prefix length is over 128", "length is not 34" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char nl[1024], mp[1200];

		snprintf(nl, sizeof(nl), "%s %s %s", NLRI_T2_MAC, bad[i], NLRI_T5);
		for (int reach = 1; reach >= 0; reach--) {
			if (reach)
				build_update("", "", A_ORIGIN, A_ASPATH, mp_attr(mp, sizeof(mp), true, nl), A_EXT_L3, NULL);
			else
				build_update("", "", mp_attr(mp, sizeof(mp), false, nl), NULL);
			ck_assert_msg(dec_update(g_m.b, g_m.len, true) == 0, "#%zu: %s", i, g_err.reason);
			ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
			ck_assert_uint_eq(g_u.n_evpn_malformed, 1);
			ck_assert_msg(strstr(g_u.evpn_reason, why[i]) && strstr(g_u.evpn_reason, "NLRI byte 35"),
				      "#%zu: '%s'", i, g_u.evpn_reason);
			ck_assert_uint_eq(reach ? g_u.n_reach : g_u.n_unreach, 2);
			ck_assert_uint_eq(reach ? g_u.n_unreach : g_u.n_reach, 0);
			ck_assert_uint_eq((reach ? g_reach : g_unreach)[0].type, EVPN_RT_MAC_IP);
			ck_assert_uint_eq((reach ? g_reach : g_unreach)[1].type, EVPN_RT_IP_PREFIX);
		}
	}

	/* a type 5 whose length byte runs past the attribute cannot be delimited: a reset, as for type 2 */
	{
		char mp[1200];

		build_update("", "", A_ORIGIN, A_ASPATH,
			     mp_attr(mp, sizeof(mp), true,
				     "05 30 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 0dbba1"),
			     NULL);
		ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), EBADMSG);
		ck_assert_uint_eq(g_err.subcode, 9);
		ck_assert_ptr_nonnull(strstr(g_err.reason, "type 5"));
	}
}
END_TEST

/* RFC 9136 section 3.1: label 0 without an overlay index is treat-as-withdraw; host bits are cleared. */
START_TEST(t5_label0_and_host_bits)
{
	char mp[1200];

	build_update("", "", A_ORIGIN, A_ASPATH,
		     mp_attr(mp, sizeof(mp), true,
			     NLRI_T2_MAC " 05 22 0001010101010003 00000000000000000000 00000000 10 0a010000 00000000 000000"),
		     A_EXT_L3, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 1);
	ck_assert_uint_eq(g_reach[0].type, EVPN_RT_MAC_IP);
	ck_assert_uint_eq(g_u.n_unreach, 1);
	ck_assert_uint_eq(g_unreach[0].type, EVPN_RT_IP_PREFIX);
	ck_assert_uint_eq(g_u.n_evpn_label0, 1);
	ck_assert_uint_eq(g_u.n_evpn_malformed, 0);
	ck_assert_ptr_nonnull(strstr(g_u.evpn_reason, "label 0"));
	/* with a gateway IP (an overlay index) label 0 is a valid route */
	build_update("", "", A_ORIGIN, A_ASPATH,
		     mp_attr(mp, sizeof(mp), true,
			     "05 22 0001010101010003 00000000000000000000 00000000 10 0a010000 0a000001 000000"),
		     A_EXT_L3, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 1);
	ck_assert_uint_eq(g_u.n_unreach, 0);
	ck_assert_uint_eq(g_u.n_evpn_label0, 0);
	/* label 0 in a withdrawal is what withdrawals carry */
	build_update("", "", mp_attr(mp, sizeof(mp), false, NLRI_T5), NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_evpn_label0, 0);
	/* 10.1.255.1/16 is kept as 10.1.0.0/16, and counted */
	build_update("", "", A_ORIGIN, A_ASPATH,
		     mp_attr(mp, sizeof(mp), true,
			     "05 22 0001010101010003 00000000000000000000 00000000 10 0a01ff01 00000000 0dbba1"),
		     A_EXT_L3, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 1);
	ck_assert_uint_eq(g_u.n_evpn_host_bits, 1);
	ck_assert_mem_eq(g_reach[0].ip, ((const uint8_t[]){ 10, 1, 0, 0 }), 4);
	ck_assert_ptr_nonnull(strstr(g_u.evpn_reason, "cleared"));
}
END_TEST

/*
 * RFC 7606 section 5.4 with RFC 7432 / RFC 9136: each malformed EVPN route whose own length
 * byte still delimits it is treated as withdrawn on its own. Byte-exact variants, each
 * between a good type 2 (MAC 02:00:00:00:00:02) and a good type 5: the good ones are kept,
 * the bad one is withdrawn by its key when the key can be read (MAC ...:03, IP 10.0.0.3),
 * dropped otherwise, counted by reason; the session is never reset.
 */
#define T2_HEAD "00010a0000020002 00000000000000000000 00000000"
#define T3_HEAD "00010a0000020064 00000064"
#define T5_HEAD "0001010101010003 00000000000000000000 00000000"
static const struct bad_nlri {
	const char *what, *hex;
	enum evpn_nlri_err code;
	bool withdrawn;     /* its key could be read: in the unreach array */
	uint8_t type;
	const char *reason;
} bad_nlri[] = {
	{ "type 2, MAC length 47", "02 21 " T2_HEAD " 2f 020000000003 00 000064", EVPN_NLRI_BAD_MAC_LEN, true, 2,
	  "MAC length is not 48" },
	{ "type 2, MAC length 0", "02 21 " T2_HEAD " 00 020000000003 00 000064", EVPN_NLRI_BAD_MAC_LEN, true, 2,
	  "MAC length is not 48" },
	{ "type 2, IP length 24", "02 24 " T2_HEAD " 30 020000000003 18 0a0000 000064", EVPN_NLRI_BAD_IP_LEN, false, 2,
	  "IP length is not 0, 32 or 128" },
	{ "type 2, IP length 32 with 16 bytes of IP",
	  "02 31 " T2_HEAD " 30 020000000003 20 0a000003000000000000000000000000 000064", EVPN_NLRI_BAD_LENGTH, true, 2,
	  "does not fit its IP length" },
	{ "type 2, label cut to 2 bytes", "02 20 " T2_HEAD " 30 020000000003 00 0000", EVPN_NLRI_BAD_LENGTH, true, 2,
	  "does not fit its IP length and labels" },
	{ "type 2, second label cut to 1 byte", "02 26 " T2_HEAD " 30 020000000003 20 0a000003 000064 0d",
	  EVPN_NLRI_BAD_LENGTH, true, 2, "does not fit its IP length and labels" },
	{ "type 2, shorter than its fixed part", "02 10 " T2_HEAD " 30 020000", EVPN_NLRI_BAD_LENGTH, false, 2,
	  "shorter than its fixed part" },
	{ "type 2 advertised without a label", "02 1e " T2_HEAD " 30 020000000003 00", EVPN_NLRI_NO_LABEL, true, 2,
	  "without a label" },
	{ "type 3, IP length 24", "03 10 " T3_HEAD " 18 0a0000", EVPN_NLRI_BAD_IP_LEN, false, 3, "IP length is not 32 or 128" },
	{ "type 3, IP length 0", "03 0d " T3_HEAD " 00", EVPN_NLRI_BAD_IP_LEN, false, 3, "IP length is not 32 or 128" },
	{ "type 3, one byte too many", "03 12 " T3_HEAD " 20 0a000003 00", EVPN_NLRI_BAD_LENGTH, true, 3,
	  "does not fit its IP length" },
	{ "type 3, IP cut", "03 0f " T3_HEAD " 20 0a00", EVPN_NLRI_BAD_LENGTH, false, 3, "does not fit its IP length" },
	{ "type 5, IPv4 prefix with an IPv6 gateway",
	  "05 2e " T5_HEAD " 10 0a010000 00000000000000000000000000000000 0dbba1", EVPN_NLRI_BAD_FAMILY, false, 5,
	  "length is not 34 (IPv4) or 58 (IPv6)" },
	{ "type 5, IPv6 prefix with an IPv4 gateway",
	  "05 2e " T5_HEAD " 30 20010db8000100000000000000000000 00000000 0dbba1", EVPN_NLRI_BAD_FAMILY, false, 5,
	  "length is not 34 (IPv4) or 58 (IPv6)" },
	{ "type 5, IPv4 prefix length 33", "05 22 " T5_HEAD " 21 0a010000 00000000 0dbba1", EVPN_NLRI_BAD_PREFIX_LEN,
	  false, 5, "IPv4 prefix length is over 32" },
	{ "type 5, IPv6 prefix length 129",
	  "05 3a " T5_HEAD " 81 20010db8000100000000000000000000 00000000000000000000000000000000 0dbba1",
	  EVPN_NLRI_BAD_PREFIX_LEN, false, 5, "IPv6 prefix length is over 128" },
	{ "type 1 of 24 bytes", "01 18 " T2_HEAD " 000064 00", EVPN_NLRI_BAD_LENGTH, false, 1, "type-1 length is not 25" },
	{ "type 4, IP length 24", "04 17 0001010101010003 00000000000000000000 18 0a000300", EVPN_NLRI_BAD_IP_LEN, false,
	  4, "type-4 IP length" },
};

START_TEST(evpn_malformed_variants)
{
	const struct bad_nlri *c = &bad_nlri[_i];

	for (int reach = 1; reach >= 0; reach--) {
		char nl[1024], mp[1200];
		const struct evpn_route *wd;
		size_t good_n;

		if (!reach && c->code == EVPN_NLRI_NO_LABEL)
			continue; /* a withdrawal without a label is what some senders send: valid */
		snprintf(nl, sizeof(nl), "%s %s %s", NLRI_T2_MAC, c->hex, NLRI_T5);
		if (reach)
			build_update("", "", A_ORIGIN, A_ASPATH, mp_attr(mp, sizeof(mp), true, nl), A_EXT_L3, NULL);
		else
			build_update("", "", mp_attr(mp, sizeof(mp), false, nl), NULL);
		ck_assert_msg(dec_update(g_m.b, g_m.len, true) == 0, "%s: reset: %s", c->what, g_err.reason);
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
		ck_assert_msg(g_u.n_evpn_malformed == 1, "%s: %u malformed", c->what, g_u.n_evpn_malformed);
		for (int k = 0; k < EVPN_NLRI_ERR_MAX; k++)
			ck_assert_msg(g_u.n_evpn_bad[k] == (k == (int)c->code ? 1u : 0u), "%s: reason %s counted %u", c->what,
				      evpn_nlri_err_name((enum evpn_nlri_err)k), g_u.n_evpn_bad[k]);
		ck_assert_uint_eq(g_u.n_evpn_bad_withdrawn, c->withdrawn ? 1 : 0);
		ck_assert_msg(strstr(g_u.evpn_reason, c->reason) && strstr(g_u.evpn_reason, "NLRI byte 35"), "%s: '%s'",
			      c->what, g_u.evpn_reason);
		ck_assert_ptr_nonnull(strstr(g_u.evpn_reason, c->withdrawn ? "route withdrawn" : "dropped"));
		/* the good routes around it are kept, in order */
		good_n = reach ? g_u.n_reach : g_u.n_unreach;
		ck_assert_uint_eq(good_n, 2 + (!reach && c->withdrawn ? 1 : 0));
		ck_assert_uint_eq(reach ? g_u.n_unreach : g_u.n_reach, reach && c->withdrawn ? 1 : 0);
		if (reach) {
			assert_t2(&g_reach[0], "10.0.0.2:2", "02:00:00:00:00:02", NULL, 100);
			ck_assert_uint_eq(g_reach[1].type, EVPN_RT_IP_PREFIX);
			ck_assert_uint_eq(g_reach[1].label1, 900001);
		}
		ck_assert_uint_eq(g_u.n_skipped[1] + g_u.n_skipped[4], c->type == 1 || c->type == 4 ? 1 : 0);
		if (!c->withdrawn)
			continue;
		/* the bad one's key, labels zero: what it advertised before under that key goes */
		wd = reach ? &g_unreach[0] : &g_unreach[1];
		ck_assert_uint_eq(wd->type, c->type);
		ck_assert_uint_eq(wd->label1, 0);
		ck_assert(!wd->has_label2);
		if (c->type == 2) {
			ck_assert_mem_eq(wd->mac, ((const uint8_t[]){ 2, 0, 0, 0, 0, 3 }), 6);
			if (wd->ip_len)
				ck_assert_mem_eq(wd->ip, ((const uint8_t[]){ 10, 0, 0, 3 }), 4);
		} else {
			char rd[32];

			rd_str(wd->rd, rd);
			ck_assert_str_eq(rd, "10.0.0.2:100");
			ck_assert_uint_eq(wd->eth_tag, 100);
			ck_assert_uint_eq(wd->ip_len, 32);
			ck_assert_mem_eq(wd->ip, ((const uint8_t[]){ 10, 0, 0, 3 }), 4);
		}
	}
}
END_TEST

/*
 * One UPDATE, one good and one bad route (FRR packs several in one MP_REACH): the good one is
 * advertised, the bad one withdrawn, the other attributes untouched. Then several bad ones of
 * different kinds in one UPDATE: counted each by its reason, the first named.
 */
START_TEST(evpn_mixed_good_bad)
{
	char mp[1200];

	build_update("", "", A_ORIGIN, A_ASPATH,
		     mp_attr(mp, sizeof(mp), true,
			     "02 20 " T2_HEAD " 30 020000000003 00 0000 "   /* bad: label cut */
			     "02 28 " T2_HEAD " 30 020000000004 20 0a000004 000064 0dbba1"),
		     A_EXT_L3, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
	ck_assert_uint_eq(g_u.attrs.n_discarded, 0);
	ck_assert_uint_eq(g_u.n_reach, 1);
	ck_assert_mem_eq(g_reach[0].mac, ((const uint8_t[]){ 2, 0, 0, 0, 0, 4 }), 6);
	ck_assert(g_reach[0].has_label2);
	ck_assert_uint_eq(g_reach[0].label2, 900001);
	ck_assert_uint_eq(g_u.n_unreach, 1);
	ck_assert_mem_eq(g_unreach[0].mac, ((const uint8_t[]){ 2, 0, 0, 0, 0, 3 }), 6);
	ck_assert_uint_eq(g_u.n_evpn_bad[EVPN_NLRI_BAD_LENGTH], 1);
	ck_assert_ptr_nonnull(strstr(g_u.evpn_reason, "MP_REACH_NLRI: NLRI byte 0"));
	assert_nh("10.0.0.2");
	ck_assert(has_ec(&g_u.attrs, evpn_ec_rt_as2(65000, 900001)));

	build_update("", "", A_ORIGIN, A_ASPATH,
		     mp_attr(mp, sizeof(mp), true,
			     NLRI_T2_MAC " 02 21 " T2_HEAD " 2f 020000000003 00 000064 "
			     "05 22 " T5_HEAD " 21 0a010000 00000000 0dbba1 03 12 " T3_HEAD " 20 0a000003 00 " NLRI_T5),
		     A_EXT_L3, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 2);
	ck_assert_uint_eq(g_u.n_unreach, 2);
	ck_assert_uint_eq(g_u.n_evpn_malformed, 3);
	ck_assert_uint_eq(g_u.n_evpn_bad_withdrawn, 2);
	ck_assert_uint_eq(g_u.n_evpn_bad[EVPN_NLRI_BAD_MAC_LEN], 1);
	ck_assert_uint_eq(g_u.n_evpn_bad[EVPN_NLRI_BAD_PREFIX_LEN], 1);
	ck_assert_uint_eq(g_u.n_evpn_bad[EVPN_NLRI_BAD_LENGTH], 1);
	ck_assert_ptr_nonnull(strstr(g_u.evpn_reason, "MAC length"));
	/* types 1 and 4 of the right length are skipped quietly */
	build_update("", "", A_ORIGIN, A_ASPATH,
		     mp_attr(mp, sizeof(mp), true,
			     "01 19 " T2_HEAD " 000064 04 17 0001010101010003 00000000000000000000 20 0a000003 " NLRI_T2_MAC),
		     A_EXT_L3, NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.n_reach, 1);
	ck_assert_uint_eq(g_u.n_skipped[1], 1);
	ck_assert_uint_eq(g_u.n_skipped[4], 1);
	ck_assert_uint_eq(g_u.n_evpn_malformed, 0);
}
END_TEST

/*
 * Attributes the EVPN routes depend on. PMSI_TUNNEL decides where a type 3's BUM traffic
 * goes: malformed beside a type-3 route it is treat-as-withdraw (the type 3 is withdrawn),
 * beside type-2 routes only it is discarded. The router's MAC is the inner destination of
 * routed traffic: a zero or group one, or a second different one, is dropped as if absent.
 */
START_TEST(evpn_attr_dependencies)
{
	char mp[1200];
	uint8_t got[6];
	int n_rmac = 0;

	/* FRR's type 3 with a PMSI of 4 bytes, and with an ingress-replication endpoint of 5 */
	static const char *const bad_pmsi[] = { "c0 16 04 00060000", "c0 16 0a 00 06 000064 0a00000200" };

	for (size_t i = 0; i < 2; i++) {
		build_update("", "", A_ORIGIN, A_ASPATH,
			     mp_attr(mp, sizeof(mp), true, "03 11 " T3_HEAD " 20 0a000002"), A_EXT, bad_pmsi[i], NULL);
		ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
		ck_assert_ptr_nonnull(strstr(g_u.attrs.action_reason, "PMSI_TUNNEL"));
		ck_assert_ptr_nonnull(strstr(g_u.attrs.action_reason, "type-3 routes it comes with are withdrawn"));
		ck_assert_uint_eq(g_u.attrs.n_discarded, 0);
		ck_assert_uint_eq(g_u.n_reach, 1);   /* located, to be withdrawn */
		ck_assert(!g_u.attrs.has_pmsi);
		/* before the MP_REACH too: attributes come in any order */
		build_update("", "", A_ORIGIN, bad_pmsi[i], A_ASPATH,
			     mp_attr(mp, sizeof(mp), true, "03 11 " T3_HEAD " 20 0a000002"), A_EXT, NULL);
		ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
		/* beside a type 2 only: discarded, the route kept */
		build_update("", "", BASE, bad_pmsi[i], NULL);
		ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
		ck_assert_uint_eq(g_u.attrs.n_discarded, 1);
		ck_assert_ptr_nonnull(strstr(g_u.attrs.action_reason, "attribute discarded"));
	}

	/* router's MAC: zero and group addresses dropped; the first of two different ones kept */
	build_update("", "", A_ORIGIN, A_ASPATH, A_MP_T2,
		     "c0 10 28 0002fde8000dbba1 0603000000000000 0603010000000001 0603000022223333 0603000044445555", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
	ck_assert_uint_eq(g_u.attrs.n_discarded, 3);
	ck_assert_uint_eq(g_u.attrs.n_ext_comm, 2);
	for (uint32_t k = 0; k < g_u.attrs.n_ext_comm; k++)
		if (evpn_ec_get_router_mac(g_u.attrs.ext_comm[k], got))
			n_rmac++;
	ck_assert_int_eq(n_rmac, 1);
	ck_assert_mem_eq(got, ((const uint8_t[]){ 0, 0, 0x22, 0x22, 0x33, 0x33 }), 6);
	ck_assert_ptr_nonnull(strstr(g_u.attrs.action_reason, "router's MAC 00:00:00:00:00:00 is zero"));
	ck_assert_uint_eq(g_u.n_reach, 1);
	/* the same router's MAC twice is no conflict */
	build_update("", "", A_ORIGIN, A_ASPATH, A_MP_T2, "c0 10 10 0603000022223333 0603000022223333", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.n_discarded, 0);
	/* extended communities of a bad length: the whole UPDATE withdrawn (RFC 7606 section 7.14) */
	build_update("", "", A_ORIGIN, A_ASPATH, A_MP_T2, "c0 10 0f 0603000022223333 06030000222233", NULL);
	ck_assert_int_eq(dec_update(g_m.b, g_m.len, true), 0);
	ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_TREAT_AS_WITHDRAW);
	ck_assert_uint_eq(g_u.n_reach, 1);
}
END_TEST

/*
 * GoBGP 3.10 (gobgpd in a namespace, captured on the veth with dumpcap) sending
 * `global rib -a evpn add prefix 10.1.0.0/16 ... rd 1.1.1.1:3 rt 65000:900001 gw 0.0.0.0
 * label 900001 encap vxlan router-mac 00:00:22:22:33:33`, the same for 2001:db8:1::/48, a
 * macadv with `label 5000,900001` and both RTs, and the IPv4 prefix's withdrawal (which keeps
 * its label). ORIGIN INCOMPLETE, AS_PATH 65002, next hop 10.0.0.3.
 */
static const char *const gobgp_l3[] = {
	"ffffffffffffffffffffffffffffffff006f02000000584001010240020602010000fdea800e2d001946040a00000300052200010101010100"
	"030000000000000000000000000000100a010000000000000dbba1c010180002fde8000dbba1030c0000000000080603000022223333",
	"ffffffffffffffffffffffffffffffff008702000000704001010240020602010000fdea800e45001946040a00000300053a00010101010100"
	"0300000000000000000000000000003020010db8000100000000000000000000000000000000000000000000000000000dbba1c0101800"
	"02fde8000dbba1030c0000000000080603000022223333",
	"ffffffffffffffffffffffffffffffff007d02000000664001010240020602010000fdea800e33001946040a00000300022800010101010180"
	"6300000000000000000000000000003002000000030120c0a8010a0013880dbba1c010200002fde8000013880002fde8000dbba1030c00"
	"00000000080603000022223333",
	"ffffffffffffffffffffffffffffffff0041020000002a800f27001946052200010101010100030000000000000000000000000000100a0100"
	"00000000000dbba1",
};

START_TEST(gobgp_l3_vectors)
{
	static const uint8_t rmac[6] = { 0, 0, 0x22, 0x22, 0x33, 0x33 };
	static uint8_t m[512], out[512];
	struct evpn_route r[2];
	struct bgp_attrs a;
	size_t n, o, done;
	uint8_t got[6];

	for (size_t i = 0; i < 3; i++) {
		bool has_rmac = false;

		n = hex(gobgp_l3[i], m, sizeof(m));
		ck_assert_int_eq(dec_update(m, n, true), 0);
		ck_assert_uint_eq(g_u.attrs.action, BGP_ATTR_OK);
		ck_assert_uint_eq(g_u.n_reach, 1);
		ck_assert_uint_eq(g_u.n_evpn_malformed + g_u.n_evpn_label0 + g_u.n_evpn_host_bits, 0);
		assert_nh("10.0.0.3");
		for (uint32_t k = 0; k < g_u.attrs.n_ext_comm; k++)
			if (evpn_ec_get_router_mac(g_u.attrs.ext_comm[k], got))
				has_rmac = true;
		ck_assert(has_rmac);
		ck_assert_mem_eq(got, rmac, 6);
		ck_assert(has_ec(&g_u.attrs, evpn_ec_rt_as2(65000, 900001)));
		/* our encoder writes GoBGP's bytes again (same attribute order, one NLRI) */
		a = g_u.attrs;
		r[0] = g_reach[0];
		o = bgp_update_encode_evpn(out, sizeof(out), &a, r, 1, false, true, &done);
		ck_assert_uint_eq(done, 1);
		ck_assert_uint_eq(o, n);
		ck_assert_mem_eq(out, m, n);
	}
	/* what was decoded */
	n = hex(gobgp_l3[0], m, sizeof(m));
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_reach[0].type, EVPN_RT_IP_PREFIX);
	ck_assert_uint_eq(g_reach[0].prefix_len, 16);
	ck_assert_uint_eq(g_reach[0].label1, 900001);
	r[1] = g_reach[0];
	n = hex(gobgp_l3[1], m, sizeof(m));
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_reach[0].ip_len, 128);
	ck_assert_uint_eq(g_reach[0].prefix_len, 48);
	n = hex(gobgp_l3[2], m, sizeof(m));
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_reach[0].type, EVPN_RT_MAC_IP);
	ck_assert_uint_eq(g_reach[0].label1, 5000);
	ck_assert(g_reach[0].has_label2);
	ck_assert_uint_eq(g_reach[0].label2, 900001);
	ck_assert(has_ec(&g_u.attrs, evpn_ec_rt_as2(65000, 5000)));
	/* GoBGP's withdrawal keeps the label: matched on the key all the same */
	n = hex(gobgp_l3[3], m, sizeof(m));
	ck_assert_int_eq(dec_update(m, n, true), 0);
	ck_assert_uint_eq(g_u.n_unreach, 1);
	ck_assert_uint_eq(g_unreach[0].label1, 900001);
	ck_assert(evpn_route_same_key(&g_unreach[0], &r[1]));
	/* ours zeroes it: otherwise the same bytes */
	o = bgp_update_encode_evpn(out, sizeof(out), NULL, &r[1], 1, true, true, &done);
	ck_assert_uint_eq(o, n);
	ck_assert_mem_eq(out, m, n - 3);
	ck_assert_mem_eq(out + n - 3, ((const uint8_t[]){ 0, 0, 0 }), 3);
}
END_TEST

static Suite *bgp_msg_suite(void)
{
	Suite *s = suite_create("bgp_msg");
	TCase *tc;

	tc = tcase_create("header_open");
	tcase_add_test(tc, header_good_and_bad);
	tcase_add_test(tc, header_type_lengths);
	tcase_add_test(tc, open_frr);
	tcase_add_test(tc, open_gobgp);
	tcase_add_test(tc, open_encode_vector);
	tcase_add_test(tc, open_round_trip_all_caps);
	tcase_add_test(tc, open_as4);
	tcase_add_test(tc, open_errors);
	tcase_add_test(tc, open_tolerated);
	tcase_add_test(tc, open_rfc9072);
	tcase_add_test(tc, open_truncated);
	tcase_add_test(tc, keepalive_notification_refresh);
	tcase_add_test(tc, error_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("update_real");
	tcase_add_test(tc, end_of_rib);
	tcase_add_test(tc, frr_session_updates);
	tcase_add_test(tc, gobgp_updates);
	tcase_add_test(tc, macmove_updates);
	tcase_add_loop_test(tc, reencode_real_updates, 0, N_UPDATE_FILES);
	tcase_add_test(tc, all_capture_files);
	tcase_add_loop_test(tc, truncated_updates, 0, N_UPDATE_FILES);
	tcase_add_test(tc, lying_lengths);
	suite_add_tcase(s, tc);

	tc = tcase_create("update_encode");
	tcase_add_test(tc, encode_vectors);
	tcase_add_test(tc, encode_as_path_forms);
	tcase_add_test(tc, limit_4096);
	tcase_add_test(tc, tshark_reads_our_messages);
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc7606");
	tcase_add_loop_test(tc, rfc7606_cases, 0, sizeof(upd_cases) / sizeof(upd_cases[0]));
	tcase_add_test(tc, rfc7606_values);
	tcase_add_test(tc, mp_variants);
	tcase_add_test(tc, ipv4_sections);
	suite_add_tcase(s, tc);

	tc = tcase_create("l3");
	tcase_add_test(tc, t5_decode);
	tcase_add_test(tc, t5_encode_vectors);
	tcase_add_test(tc, t5_malformed_policy);
	tcase_add_test(tc, t5_label0_and_host_bits);
	tcase_add_loop_test(tc, evpn_malformed_variants, 0, sizeof(bad_nlri) / sizeof(bad_nlri[0]));
	tcase_add_test(tc, evpn_mixed_good_bad);
	tcase_add_test(tc, evpn_attr_dependencies);
	tcase_add_test(tc, gobgp_l3_vectors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(bgp_msg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
