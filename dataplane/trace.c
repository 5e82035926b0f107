/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trace.c: the frame trace's records: what a frame was (parsed from its bytes before the
 * fast path changes them) and how a record reads as text. The recording itself, from the
 * counters a frame moved, is the worker's (fastpath.c, dp_trace_burst); see trace.h.
 */
#include "trace.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vxlan.h"

static uint16_t tr_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The Ethernet header at f (len bytes) and what is inside: MACs, ethertype, IPs, protocol. */
static void tr_parse_eth(struct dp_trace_rec *r, const uint8_t *f, uint32_t len)
{
	uint32_t off = 14;

	if (len < 14)
		return;
	memcpy(r->dst_mac, f, 6);
	memcpy(r->src_mac, f + 6, 6);
	r->ethertype = tr_be16(f + 12);
	if (r->ethertype == 0x8100 && len >= 18) {
		r->ethertype = tr_be16(f + 16);
		off = 18;
	}
	f += off;
	len -= off;
	if (r->ethertype == 0x0800 && len >= 20 && (f[0] >> 4) == 4) {
		r->family = 4;
		r->proto = f[9];
		memcpy(r->src_ip, f + 12, 4);
		memcpy(r->dst_ip, f + 16, 4);
	} else if (r->ethertype == 0x86dd && len >= 40 && (f[0] >> 4) == 6) {
		r->family = 6;
		r->proto = f[6];
		memcpy(r->src_ip, f + 8, 16);
		memcpy(r->dst_ip, f + 24, 16);
	} else if (r->ethertype == 0x0806 && len >= 28 && tr_be16(f) == 1 && tr_be16(f + 2) == 0x0800 &&
		   f[4] == 6 && f[5] == 4) {
		r->family = 4;
		r->proto = (uint8_t)tr_be16(f + 6);     /* the opcode */
		memcpy(r->src_ip, f + 14, 4);
		memcpy(r->dst_ip, f + 24, 4);
	}
}

void dp_trace_parse(struct dp_trace_rec *r, const struct dp_topology *t, uint16_t slot, const uint8_t *f,
		    uint32_t len)
{
	r->in_slot = slot;
	r->len = len;
	r->vni_idx = DP_NO_ID;
	if (dp_slot_is_uplink(slot)) {
		struct vxlan_parsed p;

		if (vxlan_parse(f, len, t->local_ip, t->udp_port, &p) == VXLAN_OK) {
			r->flags |= DP_TRACE_PARSED_OUTER;
			r->outer_src = p.outer_src_ip;
			r->vni = p.vni;
			r->vni_idx = dp_topology_vni_index(t, p.vni);
			tr_parse_eth(r, f + p.outer_len, len - p.outer_len);
			return;
		}
	} else if (!dp_slot_is_exception(slot) && slot < DP_N_SLOTS) {
		r->vni_idx = t->port_vni[slot];
		if (r->vni_idx < t->n_vnis)
			r->vni = t->vnis[r->vni_idx].vni;
		else
			r->vni_idx = DP_NO_ID;
	}
	tr_parse_eth(r, f, len);
}

const char *dp_trace_verdict(const struct dp_trace_rec *r)
{
	if (r->flags & DP_TRACE_DROPPED)
		return "dropped";
	if (r->flags & DP_TRACE_PUNTED)
		return "punted";
	if (r->flags & DP_TRACE_ANSWERED)
		return "answered";
	if (r->flags & DP_TRACE_ROUTED)
		return "routed";
	if (r->flags & DP_TRACE_FLOODED)
		return "flooded";
	if (r->flags & DP_TRACE_ENCAP)
		return "encapsulated";
	if (r->flags & DP_TRACE_FORWARDED)
		return r->flags & DP_TRACE_DECAP ? "decapsulated" : "forwarded";
	return "consumed";
}

const char *dp_trace_answer_name(uint8_t answer)
{
	switch (answer) {
	case DP_TRACE_ANS_ARP_SUPPRESSED: return "arp_suppression";
	case DP_TRACE_ANS_GW_ARP: return "gateway_arp";
	case DP_TRACE_ANS_GW_ND: return "gateway_nd";
	case DP_TRACE_ANS_GW_ECHO: return "gateway_echo";
	default: return "none";
	}
}

struct tr_buf {
	char *p;
	size_t len, used;
};

static void tr_put(struct tr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tr_put(struct tr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->used >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->used = b->used + (size_t)n < b->len ? b->used + (size_t)n : b->len - 1;
}

static const char *tr_slot(const struct dp_trace_names *n, uint16_t slot, char *tmp, size_t len)
{
	const char *s = n && n->slot ? n->slot(n->ctx, slot) : NULL;

	if (s)
		return s;
	snprintf(tmp, len, "slot%u", slot);
	return tmp;
}

static const char *tr_proto(uint8_t family, uint8_t proto)
{
	switch (proto) {
	case 1: return family == 4 ? "icmp" : NULL;
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return family == 6 ? "icmp6" : NULL;
	default: return NULL;
	}
}

/* The output ports of r, with uplinks or without (uplinks: the way to the VTEPs). */
static void tr_slots(struct tr_buf *b, const struct dp_trace_rec *r, const struct dp_trace_names *n, bool uplinks)
{
	bool first = true;
	char tmp[16];

	for (unsigned i = 0; i < r->n_out_slot && i < DP_TRACE_OUTS; i++) {
		if (dp_slot_is_uplink(r->out_slot[i]) != uplinks)
			continue;
		tr_put(b, "%s%s", first ? "" : ", ", tr_slot(n, r->out_slot[i], tmp, sizeof(tmp)));
		first = false;
	}
	if (r->n_out_slot > DP_TRACE_OUTS && !uplinks)
		tr_put(b, "%s...", first ? "" : ", ");
}

static unsigned tr_count_slots(const struct dp_trace_rec *r, bool uplinks)
{
	unsigned k = 0;

	for (unsigned i = 0; i < r->n_out_slot && i < DP_TRACE_OUTS; i++)
		k += dp_slot_is_uplink(r->out_slot[i]) == uplinks;
	return k;
}

static void tr_vteps(struct tr_buf *b, const struct dp_trace_rec *r)
{
	for (unsigned i = 0; i < r->n_out_vtep && i < DP_TRACE_OUTS; i++) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &r->out_vtep[i], ip, sizeof(ip));
		tr_put(b, "%s%s", i ? ", " : "", ip);
	}
	if (r->n_out_vtep > DP_TRACE_OUTS)
		tr_put(b, ", ...");
}

void dp_trace_format_decision(const struct dp_trace_rec *r, const struct dp_trace_names *n, char *buf, size_t len)
{
	struct tr_buf b = { buf, len, 0 };
	unsigned ports = tr_count_slots(r, false);

	buf[0] = '\0';
	if (r->flags & DP_TRACE_DROPPED) {
		tr_put(&b, "dropped: %s", dp_drop_name((enum dp_drop)r->drop));
		return;
	}
	if (r->flags & DP_TRACE_DECAP)
		tr_put(&b, "decapsulated, ");
	if (r->flags & DP_TRACE_ROUTED) {
		const char *v = n && n->vrf ? n->vrf(n->ctx, r->vrf) : NULL;

		if (v)
			tr_put(&b, "routed in VRF %s, ", v);
		else
			tr_put(&b, "routed in VRF %u, ", r->vrf);
	}
	if (r->flags & DP_TRACE_ANSWERED) {
		tr_put(&b, "answered by %s", dp_trace_answer_name(r->answer));
		if (ports) {
			tr_put(&b, " out of ");
			tr_slots(&b, r, n, false);
		}
		return;
	}
	if (r->flags & DP_TRACE_PUNTED) {
		tr_put(&b, "punted to the kernel (");
		tr_slots(&b, r, n, false);
		tr_put(&b, ")");
		return;
	}
	if (r->flags & DP_TRACE_FLOODED) {
		tr_put(&b, "flooded to %u destinations", r->n_out_vtep + ports);
		if (ports) {
			tr_put(&b, " (ports ");
			tr_slots(&b, r, n, false);
			tr_put(&b, r->n_out_vtep ? "; " : ")");
		} else if (r->n_out_vtep) {
			tr_put(&b, " (");
		}
		if (r->n_out_vtep) {
			tr_put(&b, "VTEPs ");
			tr_vteps(&b, r);
			tr_put(&b, ")");
		}
		return;
	}
	if (r->flags & DP_TRACE_ENCAP) {
		tr_put(&b, "encapsulated to VTEP ");
		tr_vteps(&b, r);
		if (tr_count_slots(r, true)) {
			tr_put(&b, " through ");
			tr_slots(&b, r, n, true);
		}
		return;
	}
	if (r->flags & DP_TRACE_FORWARDED) {
		tr_put(&b, "forwarded to ");
		tr_slots(&b, r, n, false);
		if (tr_count_slots(r, true)) {
			tr_put(&b, ports ? ", " : "");
			tr_slots(&b, r, n, true);
		}
		return;
	}
	tr_put(&b, "consumed (no output)");
}

void dp_trace_format(const struct dp_trace_rec *r, const struct dp_trace_names *n, char *buf, size_t len)
{
	struct tr_buf b = { buf, len, 0 };
	char tmp[16], dec[256];

	buf[0] = '\0';
	tr_put(&b, "%s", tr_slot(n, r->in_slot, tmp, sizeof(tmp)));
	if (r->flags & DP_TRACE_PARSED_OUTER) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &r->outer_src, ip, sizeof(ip));
		tr_put(&b, " from VTEP %s", ip);
	}
	if (r->vni)
		tr_put(&b, " vni %u", r->vni);
	tr_put(&b, " %02x:%02x:%02x:%02x:%02x:%02x > %02x:%02x:%02x:%02x:%02x:%02x", r->src_mac[0], r->src_mac[1],
	       r->src_mac[2], r->src_mac[3], r->src_mac[4], r->src_mac[5], r->dst_mac[0], r->dst_mac[1], r->dst_mac[2],
	       r->dst_mac[3], r->dst_mac[4], r->dst_mac[5]);
	if (r->family) {
		char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
		int af = r->family == 4 ? AF_INET : AF_INET6;
		const char *p = tr_proto(r->family, r->proto);

		inet_ntop(af, r->src_ip, s, sizeof(s));
		inet_ntop(af, r->dst_ip, d, sizeof(d));
		if (r->ethertype == 0x0806)
			tr_put(&b, " arp %s %s > %s", r->proto == 1 ? "request" : r->proto == 2 ? "reply" : "op?", s, d);
		else if (p)
			tr_put(&b, " %s %s > %s %s", r->family == 4 ? "ipv4" : "ipv6", s, d, p);
		else
			tr_put(&b, " %s %s > %s proto %u", r->family == 4 ? "ipv4" : "ipv6", s, d, r->proto);
	} else {
		tr_put(&b, " type 0x%04x", r->ethertype);
	}
	dp_trace_format_decision(r, n, dec, sizeof(dec));
	tr_put(&b, " len %u: %s", r->len, dec);
}
