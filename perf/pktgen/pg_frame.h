/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pg_frame.h: the generator's frames (pure C, no DPDK): building inner Ethernet/IPv4/UDP
 * frames, optionally pre-encapsulated in VXLAN, with the generator's header (magic, stream,
 * sequence number, transmit timestamp) at the start of the UDP payload; varying them per
 * packet (flows, source MACs); and finding that header again in a received frame, inner or
 * encapsulated.
 *
 * Sizes are Ethernet frame sizes including the 4-byte FCS, as traffic generators count
 * them (a "64-byte frame" is 60 bytes in the buffer). With VXLAN the size is the inner
 * frame's; the wire frame is 50 bytes longer.
 */
#ifndef PG_FRAME_H
#define PG_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PG_FCS 4
#define PG_MIN_SIZE 64
#define PG_MAX_SIZE 9000
#define PG_VXLAN_OVERHEAD 50
#define PG_HDR_LEN 18                  /* the generator's header; a 64-byte frame has exactly room for it */
#define PG_MAGIC 0x7067                /* "pg" */
#define PG_L2L4_LEN 42                 /* Ethernet 14 + IPv4 20 + UDP 8 */
#define PG_MAX_HEAD (PG_VXLAN_OVERHEAD + PG_L2L4_LEN + PG_HDR_LEN)  /* bytes a template holds */
#define PG_SEQ_MASK 0xffffffffffffull  /* sequence numbers are 48 bits on the wire */

struct pg_frame_spec {
	uint8_t src_mac[6], dst_mac[6];   /* inner; dst ff:ff:ff:ff:ff:ff for broadcast */
	uint32_t src_ip, dst_ip;          /* inner, host order */
	uint16_t sport, dport;            /* inner UDP, host order */
	uint32_t flows;                   /* 1..: flow f uses sport + f % 4096 and src_ip + f / 4096 */
	uint32_t macs;                    /* 0 or 1: one source MAC; N: a storm of N (low 24 bits + i) */
	uint32_t dst_ips;                 /* 0 or 1: one destination; N: dst_ip + seq % N (e.g. N host routes) */
	bool vxlan;                       /* pre-encapsulate (the decap direction) */
	uint32_t vni;
	uint8_t outer_src_mac[6], outer_dst_mac[6];
	uint32_t outer_src_ip, outer_dst_ip;   /* host order */
	uint16_t outer_dport;             /* 4789 */
};

/* What a received frame's generator header said. */
struct pg_rx_info {
	uint16_t stream;
	uint64_t seq;                     /* 48 bits */
	uint64_t tsc;                     /* the sender's timestamp */
	bool vxlan;                       /* it came encapsulated */
	uint32_t vni;
	uint32_t inner_len;               /* bytes of the inner frame in the buffer parsed (no FCS) */
};

/* Bytes in the buffer for a frame of size (FCS excluded), the wire bytes with VXLAN. */
static inline uint32_t pg_frame_len(const struct pg_frame_spec *s, uint32_t size)
{
	return size - PG_FCS + (s->vxlan ? PG_VXLAN_OVERHEAD : 0);
}

/* Check a spec: 0 or EINVAL with a message. */
int pg_frame_spec_check(const struct pg_frame_spec *s, char *err, size_t errlen);

/*
 * The constant part of a frame of size (64..9000) into tmpl (PG_MAX_HEAD bytes): all headers
 * for flow 0, MAC 0, lengths and checksums for that size. Returns the bytes a packet copies
 * from it (headers plus the generator header), or 0 when size is out of range.
 */
uint32_t pg_frame_template(const struct pg_frame_spec *s, uint32_t size, uint8_t *tmpl);

/*
 * Make packet seq of a frame whose first bytes were copied from its template: flow
 * seq % flows, MAC seq % macs and destination seq % dst_ips (source address, port and MAC,
 * destination address, the IPv4 checksum, the outer UDP source port from the flow), then
 * the generator header.
 */
void pg_frame_stamp(const struct pg_frame_spec *s, uint8_t *frame, uint64_t seq, uint16_t stream, uint64_t tsc);

/* The whole frame in one go (template, stamp, payload zeroed): length or 0. For tests and slow paths. */
uint32_t pg_frame_build(const struct pg_frame_spec *s, uint32_t size, uint8_t *buf, size_t cap, uint64_t seq,
			uint16_t stream, uint64_t tsc);

/*
 * Find the generator header in a received frame: plain, or VXLAN to UDP port vxlan_port
 * (host order) around it. 0 and info filled; ENOENT when the frame is not the generator's.
 */
int pg_frame_parse(const uint8_t *frame, uint32_t len, uint16_t vxlan_port, struct pg_rx_info *info);

/* RFC 1071 checksum of an IPv4 header (20 bytes) as stored, for building and for tests. */
uint16_t pg_ipv4_checksum(const uint8_t *iph);

#endif
