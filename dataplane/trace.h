/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trace.h: the frame trace (`vtepctl trace N [port NAME]`): what the fast path did with the
 * next N frames, like VPP's `trace add`.
 *
 * The control thread arms a trace in the worker's preallocated struct dp_trace; the fast
 * path, seeing it armed at the start of a poll, runs each frame of a traced port on its own
 * and writes one record per frame: where it came from and what it was (dp_trace_parse,
 * before the frame is changed), and what became of it, read from the counters the frame
 * moved (drops by reason on its port, transmits per port and per VTEP, the VNI's flooded,
 * decapsulated and answered counters, the VRFs' routed counters). Unarmed, the fast path
 * pays one load and one predictable branch per poll: no allocation, no lock, no syscall.
 * The fast path disarms itself when N records are written or the deadline passes; the
 * control thread waits an RCU grace period after a trace ends before it reads the records
 * or arms the next one, so it never reads a record being written.
 *
 * Pure C but for the worker's part (fastpath.c): parsing and formatting are unit-tested.
 */
#ifndef VTEP_TRACE_H
#define VTEP_TRACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtep_dp.h"

#define DP_TRACE_MAX 256            /* records of one trace */
#define DP_TRACE_OUTS 4             /* output ports and VTEPs a record names (the rest are counted) */

/* What became of a frame (flags of struct dp_trace_rec; several may be set). */
enum {
	DP_TRACE_DROPPED = 1 << 0,      /* drop: the reason */
	DP_TRACE_FORWARDED = 1 << 1,    /* sent out of local ports (out_slot) */
	DP_TRACE_ENCAP = 1 << 2,        /* encapsulated to VTEPs (out_vtep), through uplinks (out_slot) */
	DP_TRACE_FLOODED = 1 << 3,      /* flooded (head-end replication) */
	DP_TRACE_DECAP = 1 << 4,        /* decapsulated from the tunnel */
	DP_TRACE_ROUTED = 1 << 5,       /* routed in VRF vrf */
	DP_TRACE_ANSWERED = 1 << 6,     /* answered by vtepd: answer says how */
	DP_TRACE_PUNTED = 1 << 7,       /* handed to the kernel (an exception interface) */
	DP_TRACE_PARSED_OUTER = 1 << 8, /* from the tunnel: outer_src is the sending VTEP */
};

enum dp_trace_answer {
	DP_TRACE_ANS_NONE,
	DP_TRACE_ANS_ARP_SUPPRESSED,    /* ARP request answered from the ARP suppression table */
	DP_TRACE_ANS_GW_ARP,            /* ARP request for the gateway answered */
	DP_TRACE_ANS_GW_ND,             /* neighbour solicitation for the gateway answered */
	DP_TRACE_ANS_GW_ECHO,           /* echo request to the gateway answered */
};

struct dp_trace_rec {
	uint64_t tsc;                   /* when (the worker's poll clock) */
	uint16_t in_slot;
	uint16_t vni_idx;               /* DP_NO_ID: none */
	uint32_t vni;                   /* 0: none known */
	uint32_t len;                   /* frame length as received */
	uint32_t outer_src;             /* from the tunnel: the outer source address (network order) */
	uint8_t src_mac[6], dst_mac[6]; /* the (inner) Ethernet header */
	uint16_t ethertype;             /* host order, after one VLAN tag */
	uint8_t family;                 /* 4, 6 (src_ip/dst_ip set: IPv4 in the first 4 bytes), 0 */
	uint8_t proto;                  /* IP protocol; ARP: its opcode */
	uint8_t src_ip[16], dst_ip[16]; /* ARP: sender and target addresses */
	uint16_t flags;                 /* DP_TRACE_* */
	uint16_t drop;                  /* enum dp_drop with DP_TRACE_DROPPED */
	uint16_t vrf;                   /* VRF index with DP_TRACE_ROUTED */
	uint8_t answer;                 /* enum dp_trace_answer */
	uint8_t n_out_slot, n_out_vtep; /* ports and VTEPs it went to (all of them; names for the first few) */
	uint16_t out_slot[DP_TRACE_OUTS];
	uint32_t out_vtep[DP_TRACE_OUTS];   /* network order */
};

/* Shared between the control thread (arms, reads) and the worker (records, disarms). */
struct dp_trace {
	_Atomic uint32_t armed;         /* control: 1 to start; worker: 0 when done */
	_Atomic uint32_t n;             /* records written (worker, release) */
	uint32_t want;                  /* records to write, <= DP_TRACE_MAX */
	uint16_t slot;                  /* only this port's frames; DP_NO_ID: every port */
	uint64_t deadline_tsc;          /* the worker stops tracing after this */
	struct dp_trace_rec rec[DP_TRACE_MAX];
	/* worker-private scratch: counters before the frame */
	uint64_t drops[DP_DROP_MAX];
	uint64_t tx[DP_N_SLOTS];
	uint64_t vtep_tx[VTEP_MAX_VTEPS];
	uint64_t routed[VTEP_MAX_VRFS];
	struct dp_vni_counters vni;
};

/* Fill r's description of the frame f of len bytes received on slot (t: the snapshot, for the VTEP port and VNIs). */
void dp_trace_parse(struct dp_trace_rec *r, const struct dp_topology *t, uint16_t slot, const uint8_t *f,
		    uint32_t len);

/* The main word for what became of r: dropped, punted, answered, routed, flooded, encapsulated, forwarded, ... */
const char *dp_trace_verdict(const struct dp_trace_rec *r);
const char *dp_trace_answer_name(uint8_t answer);

/* Names for the formatter: a port slot's name, a VRF index's name (NULL: use the number). */
struct dp_trace_names {
	const char *(*slot)(void *ctx, uint16_t slot);
	const char *(*vrf)(void *ctx, uint16_t vrf);
	void *ctx;
};

/* One line for r: "c1 vni 100 02:..:01 > 02:..:02 ipv4 A > B icmp len 98: forwarded to c2". */
void dp_trace_format(const struct dp_trace_rec *r, const struct dp_trace_names *names, char *buf, size_t len);
/* The decision part of that line alone ("forwarded to c2"). */
void dp_trace_format_decision(const struct dp_trace_rec *r, const struct dp_trace_names *names, char *buf,
			      size_t len);

#endif
