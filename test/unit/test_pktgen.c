/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test/unit/test_pktgen.c: Check tests of the generator's pure parts (perf/pktgen):
 * the frame builder and parser (sizes, headers, checksums, flows, MAC storms, VXLAN),
 * sequence accounting (loss, reordering, duplicates), the latency histogram's
 * percentiles, and the option parser (sizes, IMIX schedule, errors).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_frame.h"
#include "pg_opts.h"
#include "pg_stats.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static struct pg_opts opts;

/* Parse a command line given as one string (words separated by spaces). */
static int parse(const char *line, char *err, size_t errlen)
{
	char buf[512], *argv[32], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "pktgen %s", line);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	return pg_opts_parse(argc, argv, &opts, err, errlen);
}

static void default_spec(struct pg_frame_spec *s)
{
	char err[128];

	ck_assert_int_eq(parse("", err, sizeof(err)), 0);
	*s = opts.spec;
}

START_TEST(test_frame_plain)
{
	struct pg_frame_spec s;
	static uint8_t buf[PG_MAX_SIZE + 64];
	static const uint32_t sizes[] = { 64, 65, 128, 512, 1500, 1518, 9000 };
	struct pg_rx_info info;

	default_spec(&s);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint32_t size = sizes[k], len = pg_frame_build(&s, size, buf, sizeof(buf), 77 + k, 9, 123456789);

		ck_assert_uint_eq(len, size - 4);
		ck_assert(!memcmp(buf, s.dst_mac, 6) && !memcmp(buf + 6, s.src_mac, 6));
		ck_assert_uint_eq(get16(buf + 12), 0x0800);
		ck_assert_uint_eq(buf[14], 0x45);
		ck_assert_uint_eq(get16(buf + 16), len - 14);          /* IPv4 total length */
		ck_assert_uint_eq(buf[23], 17);
		ck_assert_uint_eq(get16(buf + 24), pg_ipv4_checksum(buf + 14));
		ck_assert_uint_eq(get32(buf + 26), 0xc0a80001);
		ck_assert_uint_eq(get32(buf + 30), 0xc0a80002);
		ck_assert_uint_eq(get16(buf + 34), 1024);
		ck_assert_uint_eq(get16(buf + 36), 5001);
		ck_assert_uint_eq(get16(buf + 38), len - 34);          /* UDP length */
		ck_assert_uint_eq(get16(buf + 42), PG_MAGIC);
		ck_assert_int_eq(pg_frame_parse(buf, len, 4789, &info), 0);
		ck_assert_uint_eq(info.stream, 9);
		ck_assert_uint_eq(info.seq, 77 + k);
		ck_assert_uint_eq(info.tsc, 123456789);
		ck_assert(!info.vxlan);
		ck_assert_uint_eq(info.inner_len, len);
	}
	/* out of range sizes, and a buffer too small */
	ck_assert_uint_eq(pg_frame_build(&s, 63, buf, sizeof(buf), 0, 0, 0), 0);
	ck_assert_uint_eq(pg_frame_build(&s, 9001, buf, sizeof(buf), 0, 0, 0), 0);
	ck_assert_uint_eq(pg_frame_build(&s, 128, buf, 100, 0, 0, 0), 0);
}
END_TEST

/* A known IPv4 header (RFC 1071 style example) and our checksum over it. */
START_TEST(test_ipv4_checksum)
{
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

	ck_assert_uint_eq(pg_ipv4_checksum(h), 0xb861);
	h[10] = 0xb8;
	h[11] = 0x61;
	ck_assert_uint_eq(pg_ipv4_checksum(h), 0xb861);       /* the stored checksum is skipped */
}
END_TEST

START_TEST(test_frame_sequence_48_bits)
{
	struct pg_frame_spec s;
	uint8_t buf[64];
	struct pg_rx_info info;

	default_spec(&s);
	ck_assert_uint_eq(pg_frame_build(&s, 64, buf, sizeof(buf), 0xabcdef123456ull, 65535, UINT64_MAX), 60);
	ck_assert_int_eq(pg_frame_parse(buf, 60, 4789, &info), 0);
	ck_assert_uint_eq(info.seq, 0xabcdef123456ull);
	ck_assert_uint_eq(info.stream, 65535);
	ck_assert_uint_eq(info.tsc, UINT64_MAX);
}
END_TEST

START_TEST(test_frame_flows_and_macs)
{
	struct pg_frame_spec s;
	uint8_t buf[64], tmpl[PG_MAX_HEAD];
	static uint64_t tuples[10000];
	uint32_t head;

	default_spec(&s);
	s.flows = 10000;
	for (uint64_t seq = 0; seq < 10000; seq++) {
		pg_frame_build(&s, 64, buf, sizeof(buf), seq, 1, 0);
		tuples[seq] = (uint64_t)get32(buf + 26) << 16 | get16(buf + 34);
		ck_assert_uint_eq(get16(buf + 24), pg_ipv4_checksum(buf + 14));
		ck_assert(!memcmp(buf + 6, s.src_mac, 6));
	}
	/* 10000 distinct (source address, source port) pairs; flow 10000 is flow 0 again */
	for (int i = 0; i < 10000; i++)
		for (int j = i + 1; j < i + 5000 && j < 10000; j += 97)
			ck_assert(tuples[i] != tuples[j]);
	ck_assert_uint_eq(tuples[4096], (uint64_t)(0xc0a80001 + 1) << 16 | 1024);
	ck_assert_uint_eq(tuples[4097], (uint64_t)(0xc0a80001 + 1) << 16 | 1025);
	pg_frame_build(&s, 64, buf, sizeof(buf), 10000, 1, 0);
	ck_assert_uint_eq((uint64_t)get32(buf + 26) << 16 | get16(buf + 34), tuples[0]);

	/* a MAC storm: N source MACs in turn, the low 24 bits counting up from the base */
	default_spec(&s);
	s.src_mac[3] = 0x00; s.src_mac[4] = 0xff; s.src_mac[5] = 0xfe;
	s.macs = 1000;
	for (uint64_t seq = 0; seq < 2000; seq++) {
		uint32_t low;

		pg_frame_build(&s, 64, buf, sizeof(buf), seq, 1, 0);
		low = (uint32_t)buf[9] << 16 | (uint32_t)buf[10] << 8 | buf[11];
		ck_assert_uint_eq(low, 0xfffe + seq % 1000);
		ck_assert(!memcmp(buf + 6, s.src_mac, 3));
	}
	/* stamping a copied template gives the same bytes as building */
	head = pg_frame_template(&s, 64, tmpl);
	ck_assert_uint_eq(head, 60);
	{
		uint8_t a[60], b[60];

		memcpy(a, tmpl, head);
		pg_frame_stamp(&s, a, 1234, 3, 42);
		pg_frame_build(&s, 64, b, sizeof(b), 1234, 3, 42);
		ck_assert(!memcmp(a, b, 60));
	}
}
END_TEST

/* --dst-ips N: destinations dst-ip + seq % N in turn (routed frames to N host routes), checksum kept */
START_TEST(test_frame_dst_ips)
{
	char err[128];
	uint8_t buf[64];

	ck_assert_int_eq(parse("--dst-ip 10.0.0.1 --dst-ips 1000 --flows 3", err, sizeof(err)), 0);
	ck_assert_uint_eq(opts.spec.dst_ips, 1000);
	for (uint64_t seq = 0; seq < 3000; seq++) {
		pg_frame_build(&opts.spec, 64, buf, sizeof(buf), seq, 1, 0);
		ck_assert_uint_eq(get32(buf + 30), 0x0a000001 + seq % 1000);
		ck_assert_uint_eq(get32(buf + 26), 0xc0a80001);
		ck_assert_uint_eq(get16(buf + 34), 1024 + seq % 3);
		ck_assert_uint_eq(get16(buf + 24), pg_ipv4_checksum(buf + 14));
	}
	/* one flow: the checksum follows the destination alone */
	ck_assert_int_eq(parse("--dst-ip 10.0.0.250 --dst-ips 10", err, sizeof(err)), 0);
	pg_frame_build(&opts.spec, 64, buf, sizeof(buf), 7, 1, 0);
	ck_assert_uint_eq(get32(buf + 30), 0x0a000101);
	ck_assert_uint_eq(get16(buf + 24), pg_ipv4_checksum(buf + 14));
}
END_TEST

START_TEST(test_frame_broadcast_option)
{
	char err[128];
	uint8_t buf[64];

	ck_assert_int_eq(parse("--broadcast", err, sizeof(err)), 0);
	pg_frame_build(&opts.spec, 64, buf, sizeof(buf), 0, 1, 0);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(buf[i], 0xff);
}
END_TEST

START_TEST(test_frame_vxlan)
{
	struct pg_frame_spec s;
	static uint8_t buf[PG_MAX_SIZE + 64];
	struct pg_rx_info info;
	uint32_t len;

	default_spec(&s);
	s.vxlan = true;
	s.vni = 0xabcdef;
	s.flows = 20000;
	len = pg_frame_build(&s, 64, buf, sizeof(buf), 16385, 4, 99);
	ck_assert_uint_eq(len, 60 + 50);
	ck_assert(!memcmp(buf, s.outer_dst_mac, 6) && !memcmp(buf + 6, s.outer_src_mac, 6));
	ck_assert_uint_eq(get16(buf + 16), len - 14);          /* outer IPv4 total length */
	ck_assert_uint_eq(get16(buf + 24), pg_ipv4_checksum(buf + 14));
	ck_assert_uint_eq(get32(buf + 26), 0x0a000002);
	ck_assert_uint_eq(get32(buf + 30), 0x0a000001);
	ck_assert_uint_eq(get16(buf + 34), 49152 + 16385 % 16384);   /* entropy from the flow */
	ck_assert_uint_eq(get16(buf + 36), 4789);
	ck_assert_uint_eq(get16(buf + 38), len - 34);
	ck_assert_uint_eq(buf[42], 0x08);
	ck_assert_uint_eq(get32(buf + 46), 0xabcdef00);
	ck_assert(!memcmp(buf + 50, s.dst_mac, 6));
	ck_assert_uint_eq(get16(buf + 50 + 16), 60 - 14);      /* inner IPv4 total length */
	ck_assert_uint_eq(get16(buf + 50 + 24), pg_ipv4_checksum(buf + 50 + 14));
	ck_assert_int_eq(pg_frame_parse(buf, len, 4789, &info), 0);
	ck_assert(info.vxlan);
	ck_assert_uint_eq(info.vni, 0xabcdef);
	ck_assert_uint_eq(info.seq, 16385);
	ck_assert_uint_eq(info.stream, 4);
	ck_assert_uint_eq(info.inner_len, 60);
	/* received on another VXLAN port: not recognised */
	ck_assert_int_eq(pg_frame_parse(buf, len, 8472, &info), ENOENT);
	len = pg_frame_build(&s, 9000, buf, sizeof(buf), 1, 4, 99);
	ck_assert_uint_eq(len, 8996 + 50);
	ck_assert_int_eq(pg_frame_parse(buf, len, 4789, &info), 0);
	ck_assert_uint_eq(info.inner_len, 8996);
}
END_TEST

START_TEST(test_frame_parse_foreign)
{
	struct pg_frame_spec s;
	uint8_t buf[128], copy[128];
	struct pg_rx_info info;
	uint32_t len;

	default_spec(&s);
	len = pg_frame_build(&s, 64, buf, sizeof(buf), 5, 1, 0);
	for (uint32_t cut = 0; cut < len; cut++)
		ck_assert_int_eq(pg_frame_parse(buf, cut, 4789, &info), ENOENT);
	memcpy(copy, buf, len);
	copy[12] = 0x86; copy[13] = 0xdd;                          /* IPv6 */
	ck_assert_int_eq(pg_frame_parse(copy, len, 4789, &info), ENOENT);
	memcpy(copy, buf, len);
	copy[23] = 6;                                              /* TCP */
	ck_assert_int_eq(pg_frame_parse(copy, len, 4789, &info), ENOENT);
	memcpy(copy, buf, len);
	copy[42] ^= 1;                                             /* magic */
	ck_assert_int_eq(pg_frame_parse(copy, len, 4789, &info), ENOENT);
	memcpy(copy, buf, len);
	copy[20] = 0x20;                                           /* a fragment (MF) */
	ck_assert_int_eq(pg_frame_parse(copy, len, 4789, &info), ENOENT);
	ck_assert_int_eq(pg_frame_parse(buf, len, 4789, &info), 0);
}
END_TEST

START_TEST(test_seq_in_order_and_loss)
{
	static struct pg_seq s;

	memset(&s, 0, sizeof(s));
	for (uint64_t q = 0; q < 1000; q++)
		if (q % 10 != 3)
			pg_seq_rx(&s, q);
	ck_assert_uint_eq(s.received, 900);
	ck_assert_uint_eq(s.missing, 100);
	ck_assert_uint_eq(s.reordered, 0);
	ck_assert_uint_eq(pg_seq_lost(&s, 0), 100);
	/* the sender says 1005 went out: the last 5 were lost too */
	ck_assert_uint_eq(pg_seq_lost(&s, 1005), 105);
	ck_assert_uint_eq(pg_seq_lost(&s, 800), 0);
}
END_TEST

START_TEST(test_seq_reorder_and_duplicates)
{
	static struct pg_seq s;

	memset(&s, 0, sizeof(s));
	/* 0 1 3 2 4 4 6 5 9 7 8: three late packets, one duplicate, nothing lost */
	static const uint64_t q[] = { 0, 1, 3, 2, 4, 4, 6, 5, 9, 7, 8 };
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		pg_seq_rx(&s, q[i]);
	ck_assert_uint_eq(s.received, 11);
	ck_assert_uint_eq(s.duplicates, 1);
	ck_assert_uint_eq(s.reordered, 4);                         /* 2, 5, 7, 8 */
	ck_assert_uint_eq(s.missing, 0);
	ck_assert_uint_eq(pg_seq_lost(&s, 10), 0);
	/* a late packet already seen is a duplicate, not a fill */
	pg_seq_rx(&s, 7);
	ck_assert_uint_eq(s.duplicates, 2);
	ck_assert_uint_eq(pg_seq_lost(&s, 10), 0);
	/* a big gap, then one packet from inside it, then one older than the window */
	pg_seq_rx(&s, 10 + 3 * PG_SEQ_WINDOW);
	ck_assert_uint_eq(s.missing, 3 * PG_SEQ_WINDOW);
	pg_seq_rx(&s, 10 + 3 * PG_SEQ_WINDOW - 5);
	ck_assert_uint_eq(s.missing, 3 * PG_SEQ_WINDOW - 1);
	pg_seq_rx(&s, 10 + 3 * PG_SEQ_WINDOW - 5);
	ck_assert_uint_eq(s.duplicates, 3);
	pg_seq_rx(&s, 20);                                         /* beyond the window: late, counted once */
	ck_assert_uint_eq(s.missing, 3 * PG_SEQ_WINDOW - 2);
	ck_assert_uint_eq(s.reordered, 6);
	/* bits reused after the window moved on do not look like duplicates */
	memset(&s, 0, sizeof(s));
	for (uint64_t k = 0; k < 3 * PG_SEQ_WINDOW; k += 2)
		pg_seq_rx(&s, k);
	for (uint64_t k = 2 * PG_SEQ_WINDOW + 1; k < 3 * PG_SEQ_WINDOW; k += 2)
		pg_seq_rx(&s, k);
	ck_assert_uint_eq(s.duplicates, 0);
	ck_assert_uint_eq(s.missing, PG_SEQ_WINDOW);              /* the odd numbers below 2W + 1 */
}
END_TEST

START_TEST(test_latency_buckets)
{
	/* every value lands in a bucket whose range holds it, no wider than 1/32 of it */
	for (uint64_t v = 0; v < 200000; v = v < 100 ? v + 1 : v * 101 / 100) {
		unsigned b = pg_latency_bucket(v);
		uint64_t top = pg_latency_bucket_top(b);

		ck_assert_uint_lt(b, PG_LAT_BUCKETS);
		ck_assert_uint_ge(top, v);
		ck_assert(b == 0 || pg_latency_bucket_top(b - 1) < v);
		ck_assert_uint_le(top - v, v / 32);
	}
	ck_assert_uint_eq(pg_latency_bucket(UINT64_MAX), PG_LAT_BUCKETS - 1);
	ck_assert_uint_eq(pg_latency_bucket_top(PG_LAT_BUCKETS - 1), UINT64_MAX);
}
END_TEST

START_TEST(test_latency_percentiles)
{
	static struct pg_latency l;

	pg_latency_init(&l);
	ck_assert_uint_eq(pg_latency_quantile(&l, 0.5), 0);
	/* 1..31 exactly: p50 of 1..31 is 16 */
	for (uint64_t v = 1; v <= 31; v++)
		pg_latency_add(&l, v);
	ck_assert_uint_eq(pg_latency_quantile(&l, 0.5), 16);
	ck_assert_uint_eq(pg_latency_quantile(&l, 1.0), 31);
	ck_assert_uint_eq(l.min, 1);
	/* 100000 samples 1..100000: percentiles within the buckets' 1/32 */
	pg_latency_init(&l);
	for (uint64_t v = 100000; v >= 1; v--)
		pg_latency_add(&l, v);
	struct { double q; uint64_t exact; } c[] = { { 0.5, 50000 }, { 0.99, 99000 }, { 0.999, 99900 }, { 1, 100000 } };
	for (size_t i = 0; i < 4; i++) {
		uint64_t got = pg_latency_quantile(&l, c[i].q);

		ck_assert_uint_ge(got, c[i].exact);
		ck_assert_uint_le(got, c[i].exact + c[i].exact / 32);
	}
	ck_assert_uint_eq(pg_latency_quantile(&l, 1.0), 100000);
	ck_assert_uint_eq(l.count, 100000);
	ck_assert_uint_eq(l.sum, 100000ull * 100001 / 2);
	/* one outlier moves p99.9 and max, not p50 or p99 */
	pg_latency_init(&l);
	for (int i = 0; i < 999; i++)
		pg_latency_add(&l, 1000);
	pg_latency_add(&l, 5000000);
	ck_assert_uint_le(pg_latency_quantile(&l, 0.5), 1000 + 1000 / 32);
	ck_assert_uint_le(pg_latency_quantile(&l, 0.99), 1000 + 1000 / 32);
	ck_assert_uint_le(pg_latency_quantile(&l, 0.999), 1000 + 1000 / 32);
	ck_assert_uint_ge(pg_latency_quantile(&l, 0.9995), 5000000);
	ck_assert_uint_eq(l.max, 5000000);
}
END_TEST

START_TEST(test_opts_defaults_and_values)
{
	char err[256];

	ck_assert_int_eq(parse("", err, sizeof(err)), 0);
	ck_assert(opts.tx && opts.rx);
	ck_assert_uint_eq(opts.n_sizes, 1);
	ck_assert_uint_eq(opts.sizes[0], 64);
	ck_assert(opts.duration == 10);
	ck_assert_int_eq(opts.rx_stream, 1);                       /* ours when sending */
	ck_assert_int_eq(parse("--count 5k --rate 2M --port 3 --stream 7 --flows 1048576 --macs 1000 --size 1500", err,
			       sizeof(err)), 0);
	ck_assert_uint_eq(opts.count, 5000);
	ck_assert(opts.duration == 600);                           /* bounded even with a count */
	ck_assert_uint_eq(opts.rate_pps, 2000000);
	ck_assert_uint_eq(opts.tx_port, 3);
	ck_assert_uint_eq(opts.rx_port, 3);
	ck_assert_uint_eq(opts.spec.flows, 1u << 20);
	ck_assert_uint_eq(opts.spec.macs, 1000);
	ck_assert_uint_eq(opts.sizes[0], 1500);
	ck_assert_int_eq(parse("--rx-only --duration 2.5 --idle-exit 1 --tx-port 1 --rx-port 2", err, sizeof(err)), 0);
	ck_assert(!opts.tx && opts.rx);
	ck_assert_int_eq(opts.rx_stream, -1);                      /* the first stream seen */
	ck_assert(opts.duration == 2.5 && opts.idle_exit == 1);
	ck_assert_uint_eq(opts.tx_port, 1);
	ck_assert_uint_eq(opts.rx_port, 2);
	ck_assert_int_eq(parse("--vxlan 100 --outer-dst-ip 10.0.0.9 --src-mac 02:aa:00:00:00:01 --vxlan-port 8472", err,
			       sizeof(err)), 0);
	ck_assert(opts.spec.vxlan);
	ck_assert_uint_eq(opts.spec.vni, 100);
	ck_assert_uint_eq(opts.spec.outer_dst_ip, 0x0a000009);
	ck_assert_uint_eq(opts.spec.src_mac[1], 0xaa);
	ck_assert_uint_eq(opts.vxlan_port, 8472);
	ck_assert_uint_eq(opts.spec.outer_dport, 8472);
}
END_TEST

START_TEST(test_opts_imix)
{
	char err[256];
	uint32_t n64 = 0, n594 = 0, n1518 = 0, run = 0, longest = 0;

	ck_assert_int_eq(parse("--size imix", err, sizeof(err)), 0);
	ck_assert_uint_eq(opts.n_sizes, 12);
	for (uint32_t i = 0; i < 12; i++) {
		n64 += opts.sizes[i] == 64;
		n594 += opts.sizes[i] == 594;
		n1518 += opts.sizes[i] == 1518;
		run = i && opts.sizes[i] == opts.sizes[i - 1] ? run + 1 : 1;
		if (run > longest)
			longest = run;
	}
	ck_assert_uint_eq(n64, 7);
	ck_assert_uint_eq(n594, 4);
	ck_assert_uint_eq(n1518, 1);
	ck_assert_uint_le(longest, 2);                             /* interleaved, not 7 in a row */
	ck_assert(opts.size_desc[0] == 'i');
	ck_assert_double_eq_tol(pg_opts_mean_size(&opts), (7 * 64 + 4 * 594 + 1518) / 12.0, 1e-9);
	ck_assert_int_eq(parse("--size imix:128:1,9000:3", err, sizeof(err)), 0);
	ck_assert_uint_eq(opts.n_sizes, 4);
	ck_assert_double_eq_tol(pg_opts_mean_size(&opts), (128 + 3 * 9000) / 4.0, 1e-9);
}
END_TEST

START_TEST(test_opts_errors)
{
	static const struct { const char *line, *needle; } c[] = {
		{ "--size 63", "bad size '63'" },
		{ "--size 9001", "bad size '9001'" },
		{ "--size big", "bad size 'big'" },
		{ "--size imix:64", "bad IMIX item '64' (expected SIZE:WEIGHT)" },
		{ "--size imix:64:0", "bad IMIX item '64:0'" },
		{ "--size imix:64:1,", "trailing comma" },
		{ "--size imix:64:1000,128:100", "add up to at most 1024" },
		{ "--flows 0", "bad --flows '0'" },
		{ "--flows 1048577", "bad --flows" },
		{ "--macs 16777217", "bad --macs" },
		{ "--dst-ips 0", "bad --dst-ips '0'" },
		{ "--dst-ips 16777217", "bad --dst-ips" },
		{ "--rate -5", "bad --rate" },
		{ "--src-mac 02:00:00:00:00", "bad MAC" },
		{ "--src-mac 01:00:00:00:00:01", "source MAC must be unicast" },
		{ "--dst-ip 10.0.0", "bad IPv4 address '10.0.0'" },
		{ "--dport 0", "bad UDP port '0'" },
		{ "--vxlan 16777216", "bad VNI" },
		{ "--duration x", "bad time 'x'" },
		{ "--duration 0", "nothing to send" },
		{ "--burst 513", "bad --burst" },
		{ "--tx-only --rx-only", "exclude each other" },
		{ "--frobnicate", "unknown or incomplete option '--frobnicate'" },
		{ "--size", "unknown or incomplete option '--size'" },
		{ "stray", "unexpected argument 'stray'" },
		{ "--label a\"b", "bad --label" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char err[256] = "";

		ck_assert_msg(parse(c[i].line, err, sizeof(err)) == EINVAL, "'%s' accepted", c[i].line);
		ck_assert_msg(strstr(err, c[i].needle), "'%s': got '%s', expected '%s'", c[i].line, err, c[i].needle);
	}
}
END_TEST

static Suite *pktgen_suite(void)
{
	Suite *s = suite_create("pktgen");
	TCase *tc = tcase_create("frame");

	tcase_add_test(tc, test_frame_plain);
	tcase_add_test(tc, test_ipv4_checksum);
	tcase_add_test(tc, test_frame_sequence_48_bits);
	tcase_add_test(tc, test_frame_flows_and_macs);
	tcase_add_test(tc, test_frame_dst_ips);
	tcase_add_test(tc, test_frame_broadcast_option);
	tcase_add_test(tc, test_frame_vxlan);
	tcase_add_test(tc, test_frame_parse_foreign);
	suite_add_tcase(s, tc);
	tc = tcase_create("stats");
	tcase_add_test(tc, test_seq_in_order_and_loss);
	tcase_add_test(tc, test_seq_reorder_and_duplicates);
	tcase_add_test(tc, test_latency_buckets);
	tcase_add_test(tc, test_latency_percentiles);
	suite_add_tcase(s, tc);
	tc = tcase_create("opts");
	tcase_add_test(tc, test_opts_defaults_and_values);
	tcase_add_test(tc, test_opts_imix);
	tcase_add_test(tc, test_opts_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pktgen_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
