/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pg_stats.c: sequence accounting and the latency histogram (see pg_stats.h).
 */
#include <math.h>
#include <string.h>

#include "pg_stats.h"

static inline void pg_bit_set(uint64_t *w, uint64_t seq)
{
	w[(seq % PG_SEQ_WINDOW) / 64] |= 1ull << (seq % 64);
}

static inline void pg_bit_clear(uint64_t *w, uint64_t seq)
{
	w[(seq % PG_SEQ_WINDOW) / 64] &= ~(1ull << (seq % 64));
}

static inline int pg_bit_test(const uint64_t *w, uint64_t seq)
{
	return (int)(w[(seq % PG_SEQ_WINDOW) / 64] >> (seq % 64)) & 1;
}

void pg_seq_rx(struct pg_seq *s, uint64_t seq)
{
	s->received++;
	if (seq >= s->next) {
		uint64_t gap = seq - s->next;

		s->missing += gap;
		if (gap >= PG_SEQ_WINDOW)
			memset(s->window, 0, sizeof(s->window));
		else
			for (uint64_t q = s->next; q < seq; q++)
				pg_bit_clear(s->window, q);
		pg_bit_set(s->window, seq);
		s->next = seq + 1;
		return;
	}
	if (s->next - seq < PG_SEQ_WINDOW) {
		if (pg_bit_test(s->window, seq)) {
			s->duplicates++;
			return;
		}
		pg_bit_set(s->window, seq);
	}
	/* older than the window: taken as late, not as a duplicate */
	s->reordered++;
	if (s->missing)
		s->missing--;
}

uint64_t pg_seq_lost(const struct pg_seq *s, uint64_t sent)
{
	uint64_t unique = s->received - s->duplicates;

	if (!sent)
		return s->missing;
	return sent > unique ? sent - unique : 0;
}

void pg_latency_init(struct pg_latency *l)
{
	memset(l, 0, sizeof(*l));
	l->min = UINT64_MAX;
}

unsigned pg_latency_bucket(uint64_t v)
{
	unsigned e;

	if (v < (1u << PG_LAT_SUB_BITS))
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);                  /* >= SUB_BITS */
	return ((e - PG_LAT_SUB_BITS + 1) << PG_LAT_SUB_BITS) |
	       (unsigned)((v >> (e - PG_LAT_SUB_BITS)) & ((1u << PG_LAT_SUB_BITS) - 1));
}

uint64_t pg_latency_bucket_top(unsigned b)
{
	unsigned hi = b >> PG_LAT_SUB_BITS, mant = b & ((1u << PG_LAT_SUB_BITS) - 1);
	unsigned e;
	uint64_t base;

	if (hi == 0)
		return b;
	e = hi + PG_LAT_SUB_BITS - 1;
	base = (1ull << e) | ((uint64_t)mant << (e - PG_LAT_SUB_BITS));
	return base + ((1ull << (e - PG_LAT_SUB_BITS)) - 1);
}

void pg_latency_add(struct pg_latency *l, uint64_t v)
{
	l->count++;
	l->sum += v;
	if (v < l->min)
		l->min = v;
	if (v > l->max)
		l->max = v;
	l->buckets[pg_latency_bucket(v)]++;
}

uint64_t pg_latency_quantile(const struct pg_latency *l, double q)
{
	uint64_t want, seen = 0;

	if (!l->count || q <= 0)
		return 0;
	if (q >= 1)
		return l->max;
	want = (uint64_t)ceil(q * (double)l->count);
	if (want == 0)
		want = 1;
	for (unsigned b = 0; b < PG_LAT_BUCKETS; b++) {
		seen += l->buckets[b];
		if (seen >= want) {
			uint64_t top = pg_latency_bucket_top(b);

			return top < l->max ? top : l->max;
		}
	}
	return l->max;
}
