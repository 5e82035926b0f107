/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vxlan.h: building and parsing the VXLAN tunnel header (RFC 7348) over IPv4.
 * Pure functions on byte buffers: no mbufs, no state, so they are unit-tested alone.
 */
#ifndef VTEP_VXLAN_H
#define VTEP_VXLAN_H

#include <stdint.h>

#include "vtep_dp.h"          /* struct vxlan_template, VXLAN_OUTER_LEN, VXLAN_ETH_LEN */

#define VXLAN_FLAG_I 0x08
#define VXLAN_SRC_PORT_MIN 49152
#define VXLAN_OUTER_TTL 64

/* All addresses in network byte order; udp_dst_port in host order. */
void vxlan_template_init(struct vxlan_template *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
			 uint32_t src_ip, uint32_t dst_ip, uint16_t udp_dst_port);

/*
 * Write the 50-byte outer header at out (which precedes the inner frame of inner_len bytes).
 * Fills IPv4 total length, id and checksum, UDP length and source port, and the VNI.
 */
void vxlan_encap_write(uint8_t *out, const struct vxlan_template *t, uint32_t vni, uint16_t inner_len,
		       uint16_t udp_src_port, uint16_t ip_id);

/* UDP source port for an inner frame: a hash of its flow (MACs, IPs, L4 ports), in 49152..65535. */
uint16_t vxlan_src_port(const uint8_t *inner, uint32_t inner_len);

/* What vxlan_parse found; VXLAN_OK or the reason the packet is not for us / is malformed. */
enum vxlan_parse_result {
	VXLAN_OK = 0,
	VXLAN_ERR_TRUNCATED,        /* shorter than the headers it claims */
	VXLAN_ERR_NOT_IPV4,         /* ethertype not IPv4 (after at most one 802.1Q tag) */
	VXLAN_ERR_BAD_IP_HEADER,    /* version != 4, IHL < 5, total length < header or > frame */
	VXLAN_ERR_NOT_LOCAL,        /* destination IP is not our VTEP address */
	VXLAN_ERR_FRAGMENT,         /* outer IPv4 fragment (MF set or offset != 0) */
	VXLAN_ERR_NOT_UDP,
	VXLAN_ERR_WRONG_PORT,       /* UDP destination port is not ours */
	VXLAN_ERR_BAD_UDP_LENGTH,   /* UDP length < 8 + 8 or beyond the IP payload */
	VXLAN_ERR_BAD_FLAGS,        /* I flag clear */
	VXLAN_ERR_INNER_TRUNCATED,  /* inner frame shorter than an Ethernet header */
	VXLAN_PARSE_RESULT_MAX
};

struct vxlan_parsed {
	uint32_t outer_src_ip;      /* network order: the remote VTEP */
	uint32_t vni;
	uint16_t outer_len;         /* bytes before the inner Ethernet header */
	uint16_t inner_len;         /* inner frame length, from the UDP length */
};

/*
 * Parse an outer Ethernet/IPv4/UDP/VXLAN frame of len bytes addressed to local_ip
 * (network order) and udp_port (host order). Reserved bits and the UDP checksum are
 * ignored (senders may leave a partial checksum, RFC 7348 allows zero).
 */
enum vxlan_parse_result vxlan_parse(const uint8_t *frame, uint32_t len, uint32_t local_ip, uint16_t udp_port,
				    struct vxlan_parsed *out);

const char *vxlan_parse_result_str(enum vxlan_parse_result r);

/*
 * An outer IPv4 fragment addressed to local_ip, with a well-formed IP header (for the
 * reassembler, which also takes fragments too short to look like VXLAN): 1 and the offset
 * of its IP header in *l2_len, else 0.
 */
int vxlan_outer_fragment(const uint8_t *frame, uint32_t len, uint32_t local_ip, uint16_t *l2_len);

#endif
