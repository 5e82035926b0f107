/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_bgp_msg.c: libFuzzer target for the BGP and EVPN codecs (control/bgp/bgp_msg.c,
 * control/bgp/evpn.c). Each input goes through bgp_header_parse and the decoder of its type
 * (UPDATE in 2- and 4-octet AS sessions), through each decoder as a raw body, and through
 * evpn_nlri_decode in a loop. Whatever decodes is encoded again with our encoders and decoded
 * once more, and the results must agree (a differential check): a disagreement aborts.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *          -Icontrol/bgp test/fuzz/fuzz_bgp_msg.c control/bgp/bgp_msg.c control/bgp/evpn.c -o /tmp/fuzz_bgp
 * Run:   /tmp/fuzz_bgp -max_total_time=300 test/fuzz/corpus/bgp_msg
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_msg.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAXR 4096

static struct evpn_route fz_reach[FUZZ_MAXR], fz_unreach[FUZZ_MAXR], fz_reach2[FUZZ_MAXR], fz_unreach2[FUZZ_MAXR];
static uint8_t fz_out[BGP_MAX_MSG_EXT];

static bool fz_route_eq(const struct evpn_route *a, const struct evpn_route *b)
{
	return a->type == b->type && !memcmp(a->rd, b->rd, 8) && !memcmp(a->esi, b->esi, 10) &&
	       a->eth_tag == b->eth_tag && !memcmp(a->mac, b->mac, 6) && a->ip_len == b->ip_len &&
	       !memcmp(a->ip, b->ip, 16) && a->label1 == b->label1 && a->label2 == b->label2 &&
	       a->has_label2 == b->has_label2 && a->prefix_len == b->prefix_len && !memcmp(a->gw_ip, b->gw_ip, 16);
}

static void fz_check_error(const struct bgp_error *e, uint8_t code)
{
	FZ_CHECK(e->code == code);
	FZ_CHECK(e->data_len <= sizeof(e->data));
	FZ_CHECK(memchr(e->reason, '\0', sizeof(e->reason)) != NULL);
	FZ_CHECK(e->reason[0] != '\0');
}

/* The attributes our encoder writes came back unchanged. */
static void fz_check_attrs(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	FZ_CHECK(a->origin == b->origin);
	if (a->as_path_len <= BGP_MAX_AS_PATH) {
		FZ_CHECK(a->as_path_len == b->as_path_len);
		FZ_CHECK(!memcmp(a->as_path, b->as_path, a->as_path_len * sizeof(a->as_path[0])));
	}
	FZ_CHECK(a->mp_nh_len == b->mp_nh_len && !memcmp(a->mp_nh, b->mp_nh, a->mp_nh_len));
	FZ_CHECK(a->n_ext_comm == b->n_ext_comm);
	FZ_CHECK(!memcmp(a->ext_comm, b->ext_comm, a->n_ext_comm * sizeof(a->ext_comm[0])));
	FZ_CHECK(a->has_pmsi == b->has_pmsi);
	if (a->has_pmsi)
		FZ_CHECK(a->pmsi_flags == b->pmsi_flags && a->pmsi_tunnel_type == b->pmsi_tunnel_type &&
			 a->pmsi_label == b->pmsi_label && a->pmsi_endpoint_len == b->pmsi_endpoint_len &&
			 !memcmp(a->pmsi_endpoint, b->pmsi_endpoint, a->pmsi_endpoint_len));
	FZ_CHECK(a->has_med == b->has_med && (!a->has_med || a->med == b->med));
	FZ_CHECK(a->has_local_pref == b->has_local_pref && (!a->has_local_pref || a->local_pref == b->local_pref));
}

/* Encode routes[0..n) (advertise or withdraw) in as many messages as needed; decode each back. */
static void fz_reencode(const struct bgp_attrs *attrs, const struct evpn_route *routes, size_t n, bool withdraw,
			bool as4)
{
	size_t total = 0;

	while (total < n) {
		struct bgp_update u2;
		struct bgp_error err;
		size_t done = 0, len;
		uint16_t mlen;
		uint8_t type;

		len = bgp_update_encode_evpn(fz_out, sizeof(fz_out), attrs, routes + total, n - total, withdraw, as4, &done);
		FZ_CHECK(len > 0 && done > 0 && done <= n - total);
		FZ_CHECK(bgp_header_parse(fz_out, len, BGP_MAX_MSG_EXT, &mlen, &type, &err) == 0);
		FZ_CHECK(mlen == len && type == BGP_MSG_UPDATE);
		memset(&err, 0, sizeof(err));
		FZ_CHECK(bgp_update_decode(fz_out + BGP_HDR_LEN, len - BGP_HDR_LEN, as4, &u2, fz_reach2, FUZZ_MAXR, fz_unreach2,
					   FUZZ_MAXR, &err) == 0);
		FZ_CHECK(u2.attrs.action == BGP_ATTR_OK);
		FZ_CHECK(u2.attrs.n_discarded == 0);
		/* what we encode is clean: no type 5 to discard, withdraw or normalise */
		FZ_CHECK(u2.n_evpn_malformed == 0 && u2.n_evpn_label0 == 0 && u2.n_evpn_host_bits == 0);
		if (withdraw) {
			FZ_CHECK(u2.n_unreach == done && u2.n_reach == 0);
			for (size_t i = 0; i < done; i++) {
				FZ_CHECK(evpn_route_same_key(&fz_unreach2[i], &routes[total + i]));
				FZ_CHECK(fz_unreach2[i].label1 == 0 && fz_unreach2[i].label2 == 0);
				FZ_CHECK(fz_unreach2[i].has_label2 == (routes[total + i].type == EVPN_RT_MAC_IP &&
								      routes[total + i].has_label2));
			}
		} else {
			FZ_CHECK(u2.n_reach == done && u2.n_unreach == 0);
			for (size_t i = 0; i < done; i++)
				FZ_CHECK(fz_route_eq(&fz_reach2[i], &routes[total + i]));
			fz_check_attrs(attrs, &u2.attrs);
		}
		total += done;
	}
}

static void fz_update(const uint8_t *body, size_t len, bool as4)
{
	struct bgp_update u;
	struct bgp_error err;
	int r;

	memset(&err, 0, sizeof(err));
	r = bgp_update_decode(body, len, as4, &u, fz_reach, FUZZ_MAXR, fz_unreach, FUZZ_MAXR, &err);
	if (r) {
		FZ_CHECK(r == EBADMSG);
		fz_check_error(&err, BGP_ERR_UPDATE);
		return;
	}
	FZ_CHECK(u.n_reach <= FUZZ_MAXR && u.n_unreach <= FUZZ_MAXR);
	FZ_CHECK(u.attrs.n_ext_comm <= BGP_MAX_EXT_COMM);
	FZ_CHECK(u.attrs.mp_nh_len == 0 || u.attrs.mp_nh_len == 4 || u.attrs.mp_nh_len == 16);
	FZ_CHECK(memchr(u.attrs.action_reason, '\0', sizeof(u.attrs.action_reason)) != NULL);
	FZ_CHECK(u.attrs.action == BGP_ATTR_OK || u.attrs.action_reason[0] != '\0');
	FZ_CHECK(memchr(u.evpn_reason, '\0', sizeof(u.evpn_reason)) != NULL);
	FZ_CHECK(!(u.n_evpn_malformed || u.n_evpn_label0 || u.n_evpn_host_bits) || u.evpn_reason[0] != '\0');
	for (size_t i = 0; i < u.n_reach; i++) /* RFC 9136: label 0 without an overlay index is a withdrawal */
		FZ_CHECK(fz_reach[i].type != EVPN_RT_IP_PREFIX || fz_reach[i].label1 != 0 || fz_reach[i].gw_ip[0] ||
			 memcmp(fz_reach[i].gw_ip, fz_reach[i].gw_ip + 1, 15) || fz_reach[i].esi[0] ||
			 memcmp(fz_reach[i].esi, fz_reach[i].esi + 1, 9));
	if (u.n_reach && u.attrs.action == BGP_ATTR_OK) {
		FZ_CHECK(u.has_mp_reach_evpn && u.attrs.has_origin && u.attrs.has_as_path);
		fz_reencode(&u.attrs, fz_reach, u.n_reach, false, as4);
	}
	if (u.n_unreach)
		fz_reencode(NULL, fz_unreach, u.n_unreach, true, as4);
}

static void fz_open(const uint8_t *body, size_t len)
{
	struct bgp_open o, o2;
	struct bgp_error err;
	size_t n;

	memset(&err, 0, sizeof(err));
	if (bgp_open_decode(body, len, &o, &err) != 0) {
		fz_check_error(&err, BGP_ERR_OPEN);
		return;
	}
	FZ_CHECK(o.version == BGP_VERSION && o.bgp_id != 0 && o.asn != 0);
	FZ_CHECK(memchr(o.caps.hostname, '\0', sizeof(o.caps.hostname)) != NULL);
	n = bgp_open_encode(fz_out, sizeof(fz_out), &o);
	FZ_CHECK(n >= 29);
	FZ_CHECK(bgp_open_decode(fz_out + BGP_HDR_LEN, n - BGP_HDR_LEN, &o2, &err) == 0);
	FZ_CHECK(o2.asn == o.asn && o2.hold_time == o.hold_time && o2.bgp_id == o.bgp_id);
	FZ_CHECK(o2.caps.mp_evpn == o.caps.mp_evpn && o2.caps.mp_ipv4_unicast == o.caps.mp_ipv4_unicast);
	FZ_CHECK(o2.caps.route_refresh == o.caps.route_refresh);
	FZ_CHECK(o2.caps.route_refresh_old == (o.caps.route_refresh_old || o.caps.route_refresh));
	FZ_CHECK(o2.caps.enhanced_route_refresh == o.caps.enhanced_route_refresh);
	FZ_CHECK(o2.caps.as4 == o.caps.as4 && o2.caps.as4_asn == o.caps.as4_asn);
	FZ_CHECK(o2.caps.ext_msg == o.caps.ext_msg);
	FZ_CHECK(o2.caps.gr == o.caps.gr);
	if (o.caps.gr)
		FZ_CHECK(o2.caps.gr_restarting == o.caps.gr_restarting && o2.caps.gr_time == o.caps.gr_time &&
			 o2.caps.gr_evpn == o.caps.gr_evpn && o2.caps.gr_evpn_fwd == o.caps.gr_evpn_fwd);
	FZ_CHECK(o2.caps.fqdn == o.caps.fqdn && !strcmp(o2.caps.hostname, o.caps.hostname));
	FZ_CHECK(o2.caps.n_unknown == 0 && !o2.caps.llgr);
}

static void fz_notification(const uint8_t *msg, size_t mlen)
{
	const uint8_t *d = NULL;
	size_t dl = 0, n;
	uint8_t code, sub;

	if (bgp_notification_decode(msg + BGP_HDR_LEN, mlen - BGP_HDR_LEN, &code, &sub, &d, &dl) != 0) {
		FZ_CHECK(mlen < BGP_HDR_LEN + 2);
		return;
	}
	FZ_CHECK(dl == mlen - BGP_HDR_LEN - 2);
	FZ_CHECK(bgp_error_name(code, sub) != NULL);
	n = bgp_notification_encode(fz_out, sizeof(fz_out), code, sub, d, dl);
	if (mlen <= BGP_MAX_MSG)
		FZ_CHECK(n == mlen && !memcmp(fz_out, msg, mlen));
	else
		FZ_CHECK(n == 0);
}

static void fz_route_refresh(const uint8_t *msg, size_t mlen)
{
	struct bgp_error err;
	uint16_t afi;
	uint8_t st, safi;

	memset(&err, 0, sizeof(err));
	if (bgp_route_refresh_decode(msg + BGP_HDR_LEN, mlen - BGP_HDR_LEN, &afi, &st, &safi, &err) != 0) {
		fz_check_error(&err, BGP_ERR_ROUTE_REFRESH);
		return;
	}
	FZ_CHECK(bgp_route_refresh_encode(fz_out, sizeof(fz_out), afi, st, safi) == mlen);
	FZ_CHECK(!memcmp(fz_out, msg, mlen));
}

/* Every NLRI in a row; each decoded route encodes back to the same bytes when it had its labels. */
static void fz_nlri(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		struct evpn_route r, r2;
		struct evpn_nlri_diag d;
		uint8_t sk = 0xee, b[64];
		size_t n = evpn_nlri_decode_diag(p + off, len - off, &r, &sk, &d), e;

		if (n == 0) {
			FZ_CHECK(d.error != NULL);
			/* only a known type's content can be malformed inside its own length */
			if (!d.delimited)
				break;
			FZ_CHECK(p[off] == EVPN_RT_MAC_IP || p[off] == EVPN_RT_IMET || p[off] == EVPN_RT_IP_PREFIX);
			FZ_CHECK(d.code > EVPN_NLRI_OK && d.code < EVPN_NLRI_ERR_MAX);
			/* a key that can be read is a whole route key: it encodes as a withdrawal */
			if (d.key_valid) {
				FZ_CHECK(p[off] != EVPN_RT_IP_PREFIX && r.type == p[off] && r.label1 == 0 && !r.has_label2);
				e = evpn_nlri_encode(b, sizeof(b), &r, true);
				FZ_CHECK(e > 0 && evpn_nlri_decode(b, e, &r2, NULL) == e && evpn_route_same_key(&r, &r2));
			}
			off += 2 + (size_t)p[off + 1];
			continue;
		}
		/* types 1 and 4 are skipped even when their length is wrong for them: said, not fatal */
		FZ_CHECK(n >= 2 && n <= len - off);
		FZ_CHECK(d.error == NULL || ((p[off] == EVPN_RT_ETH_AD || p[off] == EVPN_RT_ES) && d.delimited &&
					     !d.key_valid && d.code > EVPN_NLRI_OK && d.code < EVPN_NLRI_ERR_MAX));
		FZ_CHECK(!d.host_bits_cleared || p[off] == EVPN_RT_IP_PREFIX);
		if (p[off] == EVPN_RT_MAC_IP || p[off] == EVPN_RT_IMET || p[off] == EVPN_RT_IP_PREFIX) {
			FZ_CHECK(sk == 0 && r.type == p[off]);
			e = evpn_nlri_encode(b, sizeof(b), &r, false);
			FZ_CHECK(e > 0 && evpn_nlri_decode(b, e, &r2, NULL) == e);
			FZ_CHECK(fz_route_eq(&r, &r2) && evpn_route_same_key(&r, &r2));
			if (e == n) /* the same bytes, but for prefix bits past the length, which we clear */
				FZ_CHECK(!memcmp(b, p + off, n) || d.host_bits_cleared);
			else /* only a type 2 without its label bytes encodes longer */
				FZ_CHECK(r.type == EVPN_RT_MAC_IP && e == n + 3 && r.label1 == 0);
		} else {
			FZ_CHECK(sk == p[off]);
		}
		off += n;
	}
}

/* RD and RT text: what parses formats back to a string that parses to the same bytes. */
static void fz_text(const uint8_t *p, size_t len)
{
	char s[48], f[64];
	uint8_t rd[8], rd2[8];
	uint64_t ec, ec2;
	size_t n = len < sizeof(s) - 1 ? len : sizeof(s) - 1;

	memcpy(s, p, n);
	s[n] = '\0';
	if (evpn_rd_parse(s, rd) == 0) {
		evpn_rd_format(rd, f, sizeof(f));
		FZ_CHECK(evpn_rd_parse(f, rd2) == 0 && !memcmp(rd, rd2, 8));
	}
	if (evpn_rt_parse(s, &ec) == 0) {
		FZ_CHECK(evpn_ec_is_rt(ec));
		evpn_ec_format(ec, f, sizeof(f));
		FZ_CHECK(!strncmp(f, "RT:", 3) && evpn_rt_parse(f + 3, &ec2) == 0 && ec == ec2);
	}
	if (len >= 8) {
		uint64_t raw = 0;

		evpn_rd_format(p, f, sizeof(f));
		if (p[0] == 0 && p[1] <= 2) {
			bool as2_in_type2 = p[1] == 2 && p[2] == 0 && p[3] == 0;

			/* types 0/1/2 read back the same, except a type 2 holding a 2-octet AS (read as type 0) */
			FZ_CHECK(evpn_rd_parse(f, rd2) == 0);
			FZ_CHECK(as2_in_type2 || !memcmp(p, rd2, 8));
		}
		for (int i = 0; i < 8; i++)
			raw = raw << 8 | p[i];
		evpn_ec_format(raw, f, sizeof(f));
		FZ_CHECK(memchr(f, '\0', sizeof(f)) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_error err;
	uint16_t mlen = 0;
	uint8_t type = 0;
	int r;

	memset(&err, 0, sizeof(err));
	r = bgp_header_parse(data, size, BGP_MAX_MSG_EXT, &mlen, &type, &err);
	if (r == 0 && mlen <= size) {
		const uint8_t *body = data + BGP_HDR_LEN;
		size_t blen = mlen - BGP_HDR_LEN;

		switch (type) {
		case BGP_MSG_OPEN:
			fz_open(body, blen);
			break;
		case BGP_MSG_UPDATE:
			fz_update(body, blen, true);
			fz_update(body, blen, false);
			break;
		case BGP_MSG_NOTIFICATION:
			fz_notification(data, mlen);
			break;
		case BGP_MSG_ROUTE_REFRESH:
			fz_route_refresh(data, mlen);
			break;
		case BGP_MSG_KEEPALIVE:
			FZ_CHECK(bgp_keepalive_encode(fz_out, sizeof(fz_out)) == mlen && !memcmp(fz_out, data, mlen));
			break;
		default:
			FZ_CHECK(0);
		}
	} else if (r != 0 && r != EAGAIN) {
		FZ_CHECK(r == EBADMSG);
		fz_check_error(&err, BGP_ERR_HEADER);
	}

	/* The same bytes as a raw body or NLRI list, for the decoders' own bounds checks. */
	if (size > 0) {
		switch (data[0] & 3) {
		case 0:
			fz_update(data + 1, size - 1, (data[0] & 4) != 0);
			break;
		case 1:
			fz_open(data + 1, size - 1);
			break;
		case 2:
			fz_nlri(data + 1, size - 1);
			break;
		default:
			fz_text(data + 1, size - 1);
			break;
		}
	}
	return 0;
}
