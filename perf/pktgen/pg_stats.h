/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pg_stats.h: the receive side's accounting (pure C, no allocation): packets, loss,
 * reordering and duplicates from the sequence numbers of one stream, and a latency
 * histogram (log-linear buckets, at most 1/32 relative error) with its percentiles.
 */
#ifndef PG_STATS_H
#define PG_STATS_H

#include <stdint.h>

#define PG_SEQ_WINDOW 4096             /* late packets this close to the newest are told from duplicates */

struct pg_seq {
	uint64_t next;                 /* one past the highest sequence number seen */
	uint64_t received;             /* every packet, duplicates included */
	uint64_t duplicates;           /* seen before (within the window) */
	uint64_t reordered;            /* arrived after a higher sequence number */
	uint64_t missing;              /* gaps below next not filled (so far) */
	uint64_t window[PG_SEQ_WINDOW / 64];   /* bit per sequence number in (next - WINDOW, next) */
};

/* Account one received sequence number. */
void pg_seq_rx(struct pg_seq *s, uint64_t seq);
/*
 * Packets lost: with sent (how many the stream sent, 0 when unknown) everything not received
 * once; without, the gaps (losses after the last received packet cannot be seen then).
 */
uint64_t pg_seq_lost(const struct pg_seq *s, uint64_t sent);

#define PG_LAT_SUB_BITS 5
#define PG_LAT_BUCKETS ((64 - PG_LAT_SUB_BITS + 1) << PG_LAT_SUB_BITS)

struct pg_latency {
	uint64_t count, sum, min, max;
	uint64_t buckets[PG_LAT_BUCKETS];
};

void pg_latency_init(struct pg_latency *l);
void pg_latency_add(struct pg_latency *l, uint64_t v);
/*
 * The value at quantile q (0 < q <= 1): the smallest v such that at least q of the samples
 * are <= v, read from the histogram (the upper end of v's bucket, never above max); 0 with no
 * samples. Exact below 32 and for q = 1.
 */
uint64_t pg_latency_quantile(const struct pg_latency *l, double q);
/* Bucket of v, and the highest value in a bucket (exposed for the tests). */
unsigned pg_latency_bucket(uint64_t v);
uint64_t pg_latency_bucket_top(unsigned b);

#endif
