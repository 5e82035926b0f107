/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pg_frame.c: building, varying and recognising the generator's frames (see pg_frame.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pg_frame.h"

static void pg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void pg_put32(uint8_t *p, uint32_t v)
{
	pg_put16(p, (uint16_t)(v >> 16));
	pg_put16(p + 2, (uint16_t)v);
}

static uint16_t pg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint16_t pg_ipv4_checksum(const uint8_t *iph)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		if (i != 10)
			sum += pg_get16(iph + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int pg_frame_spec_check(const struct pg_frame_spec *s, char *err, size_t errlen)
{
	if (s->flows == 0 || s->flows > (1u << 20)) {
		snprintf(err, errlen, "flows %u out of range (1 to %u)", s->flows, 1u << 20);
		return EINVAL;
	}
	if (s->macs > (1u << 24)) {
		snprintf(err, errlen, "a storm of %u MACs is too many (at most %u)", s->macs, 1u << 24);
		return EINVAL;
	}
	if (s->src_mac[0] & 1) {
		snprintf(err, errlen, "the source MAC must be unicast");
		return EINVAL;
	}
	if (s->dst_ips > (1u << 24)) {
		snprintf(err, errlen, "%u destination addresses are too many (at most %u)", s->dst_ips, 1u << 24);
		return EINVAL;
	}
	if (s->vxlan && (s->vni == 0 || s->vni > 0xffffff)) {
		snprintf(err, errlen, "VNI %u out of range (1 to 16777215)", s->vni);
		return EINVAL;
	}
	return 0;
}

static void pg_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6])
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	pg_put16(p + 12, 0x0800);
}

/* IPv4 header with UDP, no options, TTL 64, DF clear, checksum set. */
static void pg_ipv4(uint8_t *p, uint16_t total_len, uint32_t src, uint32_t dst)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	pg_put16(p + 2, total_len);
	p[8] = 64;
	p[9] = 17;
	pg_put32(p + 12, src);
	pg_put32(p + 16, dst);
	pg_put16(p + 10, pg_ipv4_checksum(p));
}

static void pg_udp(uint8_t *p, uint16_t sport, uint16_t dport, uint16_t len)
{
	pg_put16(p, sport);
	pg_put16(p + 2, dport);
	pg_put16(p + 4, len);
	pg_put16(p + 6, 0);             /* no checksum (allowed over IPv4) */
}

uint32_t pg_frame_template(const struct pg_frame_spec *s, uint32_t size, uint8_t *tmpl)
{
	uint32_t inner = size - PG_FCS, o = 0;

	if (size < PG_MIN_SIZE || size > PG_MAX_SIZE)
		return 0;
	memset(tmpl, 0, PG_MAX_HEAD);
	if (s->vxlan) {
		pg_eth(tmpl, s->outer_dst_mac, s->outer_src_mac);
		pg_ipv4(tmpl + 14, (uint16_t)(inner + 36), s->outer_src_ip, s->outer_dst_ip);
		pg_udp(tmpl + 34, 49152, s->outer_dport, (uint16_t)(inner + 16));
		tmpl[42] = 0x08;                /* I flag */
		pg_put32(tmpl + 46, s->vni << 8);
		o = PG_VXLAN_OVERHEAD;
	}
	pg_eth(tmpl + o, s->dst_mac, s->src_mac);
	pg_ipv4(tmpl + o + 14, (uint16_t)(inner - 14), s->src_ip, s->dst_ip);
	pg_udp(tmpl + o + 34, s->sport, s->dport, (uint16_t)(inner - 34));
	pg_put16(tmpl + o + PG_L2L4_LEN, PG_MAGIC);
	return o + PG_L2L4_LEN + PG_HDR_LEN;
}

void pg_frame_stamp(const struct pg_frame_spec *s, uint8_t *frame, uint64_t seq, uint16_t stream, uint64_t tsc)
{
	uint8_t *in = frame + (s->vxlan ? PG_VXLAN_OVERHEAD : 0), *h = in + PG_L2L4_LEN;
	uint32_t flow = s->flows > 1 ? (uint32_t)(seq % s->flows) : 0;

	if (s->macs > 1) {
		uint32_t m = (uint32_t)(seq % s->macs);
		uint32_t low = ((uint32_t)s->src_mac[3] << 16 | (uint32_t)s->src_mac[4] << 8 | s->src_mac[5]) + m;

		in[9] = (uint8_t)(low >> 16);
		in[10] = (uint8_t)(low >> 8);
		in[11] = (uint8_t)low;
	}
	if (flow) {
		pg_put32(in + 26, s->src_ip + flow / 4096);
		pg_put16(in + 34, (uint16_t)(s->sport + flow % 4096));
	}
	if (s->dst_ips > 1)
		pg_put32(in + 30, s->dst_ip + (uint32_t)(seq % s->dst_ips));
	if (flow || s->dst_ips > 1)
		pg_put16(in + 24, pg_ipv4_checksum(in + 14));
	if (s->vxlan)
		pg_put16(frame + 34, (uint16_t)(49152 + flow % 16384));
	pg_put16(h + 2, stream);
	for (int i = 0; i < 6; i++)
		h[4 + i] = (uint8_t)(seq >> (40 - 8 * i));
	memcpy(h + 10, &tsc, 8);
}

uint32_t pg_frame_build(const struct pg_frame_spec *s, uint32_t size, uint8_t *buf, size_t cap, uint64_t seq,
			uint16_t stream, uint64_t tsc)
{
	uint8_t tmpl[PG_MAX_HEAD];
	uint32_t head = pg_frame_template(s, size, tmpl), len;

	if (!head)
		return 0;
	len = pg_frame_len(s, size);
	if (cap < len)
		return 0;
	memset(buf, 0, len);
	memcpy(buf, tmpl, head);
	pg_frame_stamp(s, buf, seq, stream, tsc);
	return len;
}

/* The generator header behind Ethernet/IPv4/UDP at frame, or NULL. */
static const uint8_t *pg_frame_udp(const uint8_t *frame, uint32_t len, uint16_t *dport, uint32_t *payload_len)
{
	uint32_t ihl;

	if (len < 14 + 20 + 8 || pg_get16(frame + 12) != 0x0800 || (frame[14] >> 4) != 4 || frame[23] != 17)
		return NULL;
	ihl = (frame[14] & 0xfu) * 4u;
	if (ihl < 20 || len < 14 + ihl + 8 || (pg_get16(frame + 20) & 0x3fff))   /* no fragments */
		return NULL;
	*dport = pg_get16(frame + 14 + ihl + 2);
	*payload_len = len - 14 - ihl - 8;
	return frame + 14 + ihl + 8;
}

int pg_frame_parse(const uint8_t *frame, uint32_t len, uint16_t vxlan_port, struct pg_rx_info *info)
{
	uint32_t plen;
	uint16_t dport;
	const uint8_t *p = pg_frame_udp(frame, len, &dport, &plen);

	if (!p)
		return ENOENT;
	memset(info, 0, sizeof(*info));
	if (vxlan_port && dport == vxlan_port && plen >= 8 + PG_L2L4_LEN + PG_HDR_LEN && (p[0] & 0x08)) {
		info->vxlan = true;
		info->vni = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
		frame = p + 8;
		len = plen - 8;
		p = pg_frame_udp(frame, len, &dport, &plen);
		if (!p)
			return ENOENT;
	}
	if (plen < PG_HDR_LEN || pg_get16(p) != PG_MAGIC)
		return ENOENT;
	info->inner_len = len;
	info->stream = pg_get16(p + 2);
	info->seq = 0;
	for (int i = 0; i < 6; i++)
		info->seq = info->seq << 8 | p[4 + i];
	memcpy(&info->tsc, p + 10, 8);
	return 0;
}
