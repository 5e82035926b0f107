/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * evpn_adv.c: our own EVPN routes on the wire (see evpn_adv.h). One UPDATE per route, sent
 * the moment the RIB decides: bgp_peer_send() queues it and writes what the socket takes
 * at once, so nothing waits for a timer.
 */
#include <string.h>

#include "evpn_adv.h"

void evpn_adv_init(struct evpn_adv *ad, struct bgp *bgp, struct evpn_rib *rib, uint32_t asn, uint32_t vtep_ip,
		   bool advertise_local)
{
	memset(ad, 0, sizeof(*ad));
	ad->bgp = bgp;
	ad->rib = rib;
	ad->asn = asn;
	ad->vtep_ip = vtep_ip;
	ad->advertise_local = advertise_local;
	ad->local_pref = 100;
}

void evpn_adv_set_l3(struct evpn_adv *ad, const struct evpn_adv_l3 *l3)
{
	if (l3)
		ad->l3 = *l3;
	else
		memset(&ad->l3, 0, sizeof(ad->l3));
}

const struct evpn_adv_vrf *evpn_adv_vni_vrf(const struct evpn_adv *ad, uint16_t vni_idx)
{
	uint16_t v;

	if (vni_idx >= ad->l3.n_vnis || !ad->l3.vni_vrf)
		return NULL;
	v = ad->l3.vni_vrf[vni_idx];
	return v < ad->l3.n_vrfs ? &ad->l3.vrfs[v] : NULL;
}

static void evpn_adv_attrs(const struct evpn_adv *ad, const struct bgp_peer *p, const struct evpn_route *r,
			   uint16_t vni_idx, uint32_t seq, bool sticky, struct bgp_attrs *a)
{
	uint64_t rts[EVPN_RIB_MAX_RT];
	uint8_t rd[8];
	size_t n_rts = 0;

	memset(a, 0, sizeof(*a));
	a->has_origin = true;
	a->origin = 0;   /* IGP */
	a->has_as_path = true;
	if (!bgp_peer_is_ibgp(p)) {
		a->as_path[0] = ad->asn;
		a->as_path_len = 1;
	} else {
		/* well-known mandatory on iBGP (RFC 4271 5.1.5): a reflector withdraws routes without it */
		const struct bgp_peer_config *pc = bgp_peer_config(p);

		a->has_local_pref = true;
		a->local_pref = pc->has_local_pref ? pc->local_pref : ad->local_pref;
	}
	a->mp_nh_len = 4;
	memcpy(a->mp_nh, &ad->vtep_ip, 4);
	evpn_rib_vni_info(ad->rib, vni_idx, rd, rts, &n_rts);
	for (size_t i = 0; i < n_rts && a->n_ext_comm < BGP_MAX_EXT_COMM - 2; i++)
		a->ext_comm[a->n_ext_comm++] = rts[i];
	a->ext_comm[a->n_ext_comm++] = evpn_ec_encap_vxlan();
	if (r->type == EVPN_RT_MAC_IP && (seq || sticky))
		a->ext_comm[a->n_ext_comm++] = evpn_ec_mac_mobility(seq, sticky);
	if (r->type == EVPN_RT_IMET) {
		a->has_pmsi = true;
		a->pmsi_flags = 0;
		a->pmsi_tunnel_type = 6;   /* ingress replication */
		a->pmsi_label = r->label1; /* the VNI */
		a->pmsi_endpoint_len = 4;
		memcpy(a->pmsi_endpoint, &ad->vtep_ip, 4);
	}
}

void evpn_adv_send(struct evpn_adv *ad, struct bgp_peer *p, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq,
		   bool sticky, bool withdraw)
{
	const struct evpn_adv_vrf *vrf;
	struct bgp_attrs a;
	size_t done = 0, len;

	if (bgp_peer_state(p) != BGP_ST_ESTABLISHED)
		return;
	/* RFC 9135 symmetric IRB: a host of a routed VNI, with the L3 VNI and router MAC (MAC-only routes stay L2) */
	if (r->type == EVPN_RT_MAC_IP && r->ip_len && (vrf = evpn_adv_vni_vrf(ad, vni_idx))) {
		evpn_adv_send_macip_l3(ad, p, vrf, r, vni_idx, seq, sticky, withdraw);
		return;
	}
	evpn_adv_attrs(ad, p, r, vni_idx, seq, sticky, &a);
	len = bgp_update_encode_evpn(ad->buf, bgp_peer_max_msg(p), &a, r, 1, withdraw, bgp_peer_as4(p), &done);
	if (!len || done != 1 || bgp_peer_send(p, ad->buf, len) != 0) {
		ad->send_errors++;
		return;
	}
	ad->updates_sent++;
}

void evpn_adv_all(struct evpn_adv *ad, const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky,
		  bool withdraw)
{
	if (!ad->advertise_local)
		return;
	for (size_t i = 0; i < bgp_peer_count(ad->bgp); i++)
		evpn_adv_send(ad, bgp_peer_at(ad->bgp, i), r, vni_idx, seq, sticky, withdraw);
}

struct evpn_adv_dump_arg {
	struct evpn_adv *ad;
	struct bgp_peer *p;
};

static void evpn_adv_dump_one(const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, void *arg)
{
	struct evpn_adv_dump_arg *d = arg;

	evpn_adv_send(d->ad, d->p, r, vni_idx, seq, sticky, false);
}

void evpn_adv_dump(struct evpn_adv *ad, struct bgp_peer *p)
{
	struct evpn_adv_dump_arg d = { .ad = ad, .p = p };
	size_t len;

	if (ad->advertise_local) {
		evpn_rib_walk_local(ad->rib, evpn_adv_dump_one, &d);
		for (size_t i = 0; i < ad->l3.n_prefixes; i++) {
			const struct evpn_adv_prefix *pf = &ad->l3.prefixes[i];

			if (pf->vrf < ad->l3.n_vrfs)
				evpn_adv_send_prefix(ad, p, &ad->l3.vrfs[pf->vrf], pf->ip_len, pf->prefix, pf->prefix_len,
						     false);
		}
	}
	len = bgp_eor_evpn_encode(ad->buf, sizeof(ad->buf));
	if (len)
		bgp_peer_send(p, ad->buf, len);
}

/* ---- L3 routes ---- */

void evpn_adv_l3_attrs(const struct evpn_adv *ad, const struct evpn_adv_peer *pe, const struct evpn_adv_vrf *vrf,
		       const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, struct bgp_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->has_origin = true;
	a->origin = 0;   /* IGP */
	a->has_as_path = true;
	if (!pe->ibgp) {
		a->as_path[0] = ad->asn;
		a->as_path_len = 1;
	} else {
		a->has_local_pref = true;
		a->local_pref = pe->local_pref ? pe->local_pref : ad->local_pref;
	}
	a->mp_nh_len = 4;
	memcpy(a->mp_nh, &ad->vtep_ip, 4);
	if (r->type == EVPN_RT_MAC_IP) {
		uint64_t rts[EVPN_RIB_MAX_RT];
		uint8_t rd[8];
		size_t n_rts = 0;

		evpn_rib_vni_info(ad->rib, vni_idx, rd, rts, &n_rts);
		for (size_t i = 0; i < n_rts; i++)
			a->ext_comm[a->n_ext_comm++] = rts[i];
	}
	/* at most 2 * EVPN_RIB_MAX_RT RTs: with the 3 below, well under BGP_MAX_EXT_COMM */
	for (size_t i = 0; i < vrf->n_export && i < EVPN_RIB_MAX_RT; i++)
		a->ext_comm[a->n_ext_comm++] = vrf->export_rt[i];
	a->ext_comm[a->n_ext_comm++] = evpn_ec_encap_vxlan();
	a->ext_comm[a->n_ext_comm++] = evpn_ec_router_mac(vrf->rmac);
	if (r->type == EVPN_RT_MAC_IP && (seq || sticky))
		a->ext_comm[a->n_ext_comm++] = evpn_ec_mac_mobility(seq, sticky);
}

static size_t evpn_adv_encode_one(const struct evpn_adv_peer *pe, uint8_t *buf, size_t cap, const struct bgp_attrs *a,
				  const struct evpn_route *r, bool withdraw)
{
	size_t done = 0, len, max = pe->max_msg ? pe->max_msg : BGP_MAX_MSG;

	len = bgp_update_encode_evpn(buf, max < cap ? max : cap, a, r, 1, withdraw, pe->as4, &done);
	return done == 1 ? len : 0;
}

size_t evpn_adv_encode_prefix(const struct evpn_adv *ad, const struct evpn_adv_peer *pe, uint8_t *buf, size_t cap,
			      const struct evpn_adv_vrf *vrf, uint8_t ip_len, const uint8_t *prefix, uint8_t prefix_len,
			      bool withdraw)
{
	struct evpn_route r;
	struct bgp_attrs a;

	if ((ip_len != 32 && ip_len != 128) || prefix_len > ip_len || !vrf->l3vni || vrf->l3vni > 0xffffff)
		return 0;
	evpn_route_prefix(&r, vrf->rd, ip_len, prefix, prefix_len, vrf->l3vni);
	evpn_adv_l3_attrs(ad, pe, vrf, &r, 0, 0, false, &a);
	return evpn_adv_encode_one(pe, buf, cap, &a, &r, withdraw);
}

size_t evpn_adv_encode_macip_l3(const struct evpn_adv *ad, const struct evpn_adv_peer *pe, uint8_t *buf, size_t cap,
				const struct evpn_adv_vrf *vrf, const struct evpn_route *r, uint16_t vni_idx,
				uint32_t seq, bool sticky, bool withdraw)
{
	struct evpn_route r2;
	struct bgp_attrs a;

	if (r->type != EVPN_RT_MAC_IP || !r->ip_len || !vrf->l3vni || vrf->l3vni > 0xffffff)
		return 0;
	r2 = *r;
	r2.label2 = vrf->l3vni;
	r2.has_label2 = true;
	evpn_adv_l3_attrs(ad, pe, vrf, &r2, vni_idx, seq, sticky, &a);
	return evpn_adv_encode_one(pe, buf, cap, &a, &r2, withdraw);
}

static void evpn_adv_peer_view(const struct evpn_adv *ad, struct bgp_peer *p, struct evpn_adv_peer *pe)
{
	const struct bgp_peer_config *pc = bgp_peer_config(p);

	pe->ibgp = bgp_peer_is_ibgp(p);
	pe->as4 = bgp_peer_as4(p);
	pe->local_pref = pc->has_local_pref ? pc->local_pref : ad->local_pref;
	pe->max_msg = bgp_peer_max_msg(p);
}

static void evpn_adv_send_buf(struct evpn_adv *ad, struct bgp_peer *p, size_t len)
{
	if (!len || bgp_peer_send(p, ad->buf, len) != 0) {
		ad->send_errors++;
		return;
	}
	ad->updates_sent++;
}

void evpn_adv_send_prefix(struct evpn_adv *ad, struct bgp_peer *p, const struct evpn_adv_vrf *vrf, uint8_t ip_len,
			  const uint8_t *prefix, uint8_t prefix_len, bool withdraw)
{
	struct evpn_adv_peer pe;

	if (bgp_peer_state(p) != BGP_ST_ESTABLISHED)
		return;
	evpn_adv_peer_view(ad, p, &pe);
	evpn_adv_send_buf(ad, p,
			  evpn_adv_encode_prefix(ad, &pe, ad->buf, sizeof(ad->buf), vrf, ip_len, prefix, prefix_len,
						 withdraw));
}

void evpn_adv_send_macip_l3(struct evpn_adv *ad, struct bgp_peer *p, const struct evpn_adv_vrf *vrf,
			    const struct evpn_route *r, uint16_t vni_idx, uint32_t seq, bool sticky, bool withdraw)
{
	struct evpn_adv_peer pe;

	if (bgp_peer_state(p) != BGP_ST_ESTABLISHED)
		return;
	evpn_adv_peer_view(ad, p, &pe);
	evpn_adv_send_buf(ad, p,
			  evpn_adv_encode_macip_l3(ad, &pe, ad->buf, sizeof(ad->buf), vrf, r, vni_idx, seq, sticky,
						   withdraw));
}
