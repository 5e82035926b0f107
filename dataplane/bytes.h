/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bytes.h: big-endian (network order) loads and stores at any alignment, for the fast path's
 * header parsing and building (vxlan.c, icmp.c, gateway.c, l3.h). memcpy of a fixed size
 * compiles to one move and a byte swap.
 */
#ifndef VTEP_BYTES_H
#define VTEP_BYTES_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t bytes_rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return ntohs(v);
}

static inline uint32_t bytes_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return ntohl(v);
}

static inline void bytes_wr16(uint8_t *p, uint16_t host)
{
	uint16_t v = htons(host);

	memcpy(p, &v, sizeof(v));
}

static inline void bytes_wr32(uint8_t *p, uint32_t host)
{
	uint32_t v = htonl(host);

	memcpy(p, &v, sizeof(v));
}

#endif
