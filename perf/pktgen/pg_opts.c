/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pg_opts.c: the generator's command line and its frame size schedule (see pg_opts.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_opts.h"

void pg_opts_usage(FILE *f)
{
	fprintf(f,
		"usage: pktgen [EAL options] -- [options]\n"
		"  ports   --port N | --tx-port N --rx-port N   (DPDK port ids; default 0)\n"
		"          --tx-only | --rx-only                 (default: send and receive)\n"
		"  frames  --size 64..9000 | imix | imix:SIZE:WEIGHT,...   (default 64; imix = " PG_DEFAULT_IMIX ")\n"
		"          --flows N (1..1048576)  --macs N (source MAC storm)  --broadcast\n"
		"          --src-mac M --dst-mac M --src-ip A --dst-ip A --sport P --dport P\n"
		"          --dst-ips N (destinations dst-ip, dst-ip + 1, ... in turn: N host routes)\n"
		"          --vxlan VNI --outer-src-mac M --outer-dst-mac M --outer-src-ip A --outer-dst-ip A\n"
		"  timing  --rate PPS (k/M suffix; 0 = as fast as possible) --duration S --count N\n"
		"          --drain S --link-wait S --idle-exit S --burst N\n"
		"  rx      --stream ID --rx-stream ID --rx-expect N --vxlan-port P\n"
		"  output  --json FILE --label TEXT\n"
		"  start   --start-file FILE (send once FILE exists, waiting at most --link-wait)\n");
}

/* Unsigned integer with an optional k/M/G suffix (powers of 1000). */
static int pg_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || !*s || *s == '-' || *s == '+')
		return EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return EINVAL;
	if (*end == 'k' || *end == 'K')
		mul = 1000, end++;
	else if (*end == 'M')
		mul = 1000000, end++;
	else if (*end == 'G')
		mul = 1000000000, end++;
	if (*end || v > max / mul)
		return EINVAL;
	*out = v * mul;
	return 0;
}

/* A number of option what in min..max (k/M suffixes as pg_u64), or EINVAL with the range in err. */
static int pg_range(const char *a, const char *what, uint64_t min, uint64_t max, uint64_t *v, char *err,
		    size_t errlen)
{
	if (pg_u64(a, max, v) || *v < min) {
		snprintf(err, errlen, "bad %s '%s' (expected %" PRIu64 " to %" PRIu64 ")", what, a, min, max);
		return EINVAL;
	}
	return 0;
}

static int pg_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 86400)
		return EINVAL;
	*out = v;
	return 0;
}

static int pg_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6 ||
	    strlen(s) != 17)
		return EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int pg_ip(const char *s, uint32_t *host)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return EINVAL;
	*host = ntohl(a.s_addr);
	return 0;
}

int pg_opts_sizes(const char *s, struct pg_opts *o, char *err, size_t errlen)
{
	uint32_t size[16], weight[16], n = 0, total = 0;
	int64_t credit[16] = { 0 };
	const char *mix = NULL;
	uint64_t v;

	snprintf(o->size_desc, sizeof(o->size_desc), "%s", s);
	if (!strcmp(s, "imix"))
		mix = PG_DEFAULT_IMIX;
	else if (!strncmp(s, "imix:", 5))
		mix = s + 5;
	if (!mix) {
		if (pg_u64(s, PG_MAX_SIZE, &v) || v < PG_MIN_SIZE) {
			snprintf(err, errlen, "bad size '%s' (expected %d to %d, imix or imix:SIZE:WEIGHT,...)", s,
				 PG_MIN_SIZE, PG_MAX_SIZE);
			return EINVAL;
		}
		o->sizes[0] = (uint32_t)v;
		o->n_sizes = 1;
		return 0;
	}
	for (const char *p = mix; *p; n++) {
		char item[32], *colon;
		size_t len = strcspn(p, ",");
		uint64_t w;

		if (n == 16 || len == 0 || len >= sizeof(item)) {
			snprintf(err, errlen, "bad IMIX '%s' (expected up to 16 SIZE:WEIGHT items, comma-separated)", mix);
			return EINVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		colon = strchr(item, ':');
		if (!colon) {
			snprintf(err, errlen, "bad IMIX item '%s' (expected SIZE:WEIGHT)", item);
			return EINVAL;
		}
		*colon = '\0';
		if (pg_u64(item, PG_MAX_SIZE, &v) || v < PG_MIN_SIZE || pg_u64(colon + 1, PG_MAX_SCHED, &w) || w == 0) {
			snprintf(err, errlen, "bad IMIX item '%s:%s' (expected a size of %d to %d and a weight of 1 to %d)",
				 item, colon + 1, PG_MIN_SIZE, PG_MAX_SIZE, PG_MAX_SCHED);
			return EINVAL;
		}
		size[n] = (uint32_t)v;
		weight[n] = (uint32_t)w;
		total += (uint32_t)w;
		p += len;
		if (*p == ',' && *++p == '\0') {
			snprintf(err, errlen, "bad IMIX '%s' (trailing comma)", mix);
			return EINVAL;
		}
	}
	if (n == 0 || total > PG_MAX_SCHED) {
		snprintf(err, errlen, "bad IMIX '%s' (expected 1 to 16 items whose weights add up to at most %d)", mix,
			 PG_MAX_SCHED);
		return EINVAL;
	}
	/* smooth weighted round robin: the sizes interleave instead of coming in runs */
	for (uint32_t k = 0; k < total; k++) {
		uint32_t best = 0;

		for (uint32_t i = 0; i < n; i++) {
			credit[i] += weight[i];
			if (credit[i] > credit[best])
				best = i;
		}
		credit[best] -= total;
		o->sizes[k] = size[best];
	}
	o->n_sizes = total;
	return 0;
}

double pg_opts_mean_size(const struct pg_opts *o)
{
	double sum = 0;

	for (uint32_t i = 0; i < o->n_sizes; i++)
		sum += o->sizes[i];
	return o->n_sizes ? sum / o->n_sizes : 0;
}

static void pg_opts_defaults(struct pg_opts *o)
{
	static const uint8_t src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }, dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t osrc[6] = { 0x02, 0, 0, 0, 0xee, 0x01 }, odst[6] = { 0x02, 0, 0, 0, 0xee, 0x02 };

	memset(o, 0, sizeof(*o));
	memcpy(o->spec.src_mac, src, 6);
	memcpy(o->spec.dst_mac, dst, 6);
	o->spec.src_ip = 0xc0a80001;            /* 192.168.0.1 */
	o->spec.dst_ip = 0xc0a80002;
	o->spec.sport = 1024;
	o->spec.dport = 5001;
	o->spec.flows = 1;
	o->spec.vni = 100;
	memcpy(o->spec.outer_src_mac, osrc, 6);
	memcpy(o->spec.outer_dst_mac, odst, 6);
	o->spec.outer_src_ip = 0x0a000002;      /* 10.0.0.2 -> 10.0.0.1 */
	o->spec.outer_dst_ip = 0x0a000001;
	o->spec.outer_dport = 4789;
	o->sizes[0] = 64;
	o->n_sizes = 1;
	snprintf(o->size_desc, sizeof(o->size_desc), "64");
	o->tx = o->rx = true;
	o->duration = -1;                       /* unset: 10 s, or 600 s at most with --count */
	o->drain = 1;
	o->link_wait = 10;
	o->stream = 1;
	o->rx_stream = -1;
	o->vxlan_port = 4789;
	o->burst = 32;
}

enum {
	PG_O_PORT = 256, PG_O_TX_PORT, PG_O_RX_PORT, PG_O_TX_ONLY, PG_O_RX_ONLY, PG_O_SIZE, PG_O_FLOWS, PG_O_MACS,
	PG_O_BCAST, PG_O_SRC_MAC, PG_O_DST_MAC, PG_O_SRC_IP, PG_O_DST_IP, PG_O_SPORT, PG_O_DPORT, PG_O_VXLAN,
	PG_O_OSRC_MAC, PG_O_ODST_MAC, PG_O_OSRC_IP, PG_O_ODST_IP, PG_O_RATE, PG_O_DURATION, PG_O_COUNT, PG_O_DRAIN,
	PG_O_LINK_WAIT, PG_O_IDLE_EXIT, PG_O_BURST, PG_O_STREAM, PG_O_RX_STREAM, PG_O_RX_EXPECT, PG_O_VXLAN_PORT,
	PG_O_JSON, PG_O_LABEL, PG_O_START_FILE, PG_O_DST_IPS, PG_O_HELP,
};

int pg_opts_parse(int argc, char **argv, struct pg_opts *o, char *err, size_t errlen)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, PG_O_PORT }, { "tx-port", required_argument, NULL, PG_O_TX_PORT },
		{ "rx-port", required_argument, NULL, PG_O_RX_PORT }, { "tx-only", no_argument, NULL, PG_O_TX_ONLY },
		{ "rx-only", no_argument, NULL, PG_O_RX_ONLY }, { "size", required_argument, NULL, PG_O_SIZE },
		{ "flows", required_argument, NULL, PG_O_FLOWS }, { "macs", required_argument, NULL, PG_O_MACS },
		{ "broadcast", no_argument, NULL, PG_O_BCAST }, { "src-mac", required_argument, NULL, PG_O_SRC_MAC },
		{ "dst-mac", required_argument, NULL, PG_O_DST_MAC }, { "src-ip", required_argument, NULL, PG_O_SRC_IP },
		{ "dst-ip", required_argument, NULL, PG_O_DST_IP }, { "sport", required_argument, NULL, PG_O_SPORT },
		{ "dport", required_argument, NULL, PG_O_DPORT }, { "vxlan", required_argument, NULL, PG_O_VXLAN },
		{ "outer-src-mac", required_argument, NULL, PG_O_OSRC_MAC },
		{ "outer-dst-mac", required_argument, NULL, PG_O_ODST_MAC },
		{ "outer-src-ip", required_argument, NULL, PG_O_OSRC_IP },
		{ "outer-dst-ip", required_argument, NULL, PG_O_ODST_IP },
		{ "rate", required_argument, NULL, PG_O_RATE }, { "duration", required_argument, NULL, PG_O_DURATION },
		{ "count", required_argument, NULL, PG_O_COUNT }, { "drain", required_argument, NULL, PG_O_DRAIN },
		{ "link-wait", required_argument, NULL, PG_O_LINK_WAIT },
		{ "idle-exit", required_argument, NULL, PG_O_IDLE_EXIT },
		{ "burst", required_argument, NULL, PG_O_BURST }, { "stream", required_argument, NULL, PG_O_STREAM },
		{ "rx-stream", required_argument, NULL, PG_O_RX_STREAM },
		{ "rx-expect", required_argument, NULL, PG_O_RX_EXPECT },
		{ "vxlan-port", required_argument, NULL, PG_O_VXLAN_PORT },
		{ "json", required_argument, NULL, PG_O_JSON }, { "label", required_argument, NULL, PG_O_LABEL },
		{ "start-file", required_argument, NULL, PG_O_START_FILE },
		{ "dst-ips", required_argument, NULL, PG_O_DST_IPS },
		{ "help", no_argument, NULL, PG_O_HELP }, { NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, rc = 0;

	pg_opts_defaults(o);
	optind = 1;
	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		const char *a = optarg;

		switch (c) {
		case PG_O_PORT:
		case PG_O_TX_PORT:
		case PG_O_RX_PORT:
			if (pg_u64(a, UINT16_MAX - 1, &v)) {
				snprintf(err, errlen, "bad port id '%s'", a);
				return EINVAL;
			}
			if (c != PG_O_RX_PORT)
				o->tx_port = (uint16_t)v;
			if (c != PG_O_TX_PORT)
				o->rx_port = (uint16_t)v;
			break;
		case PG_O_TX_ONLY: o->rx = false; break;
		case PG_O_RX_ONLY: o->tx = false; break;
		case PG_O_SIZE: rc = pg_opts_sizes(a, o, err, errlen); break;
		case PG_O_FLOWS:
			if (pg_range(a, "--flows", 1, 1u << 20, &v, err, errlen))
				return EINVAL;
			o->spec.flows = (uint32_t)v;
			break;
		case PG_O_MACS:
			if (pg_range(a, "--macs", 0, 1u << 24, &v, err, errlen))
				return EINVAL;
			o->spec.macs = (uint32_t)v;
			break;
		case PG_O_DST_IPS:
			if (pg_range(a, "--dst-ips", 1, 1u << 24, &v, err, errlen))
				return EINVAL;
			o->spec.dst_ips = (uint32_t)v;
			break;
		case PG_O_BCAST: memset(o->spec.dst_mac, 0xff, 6); break;
		case PG_O_SRC_MAC:
		case PG_O_DST_MAC:
		case PG_O_OSRC_MAC:
		case PG_O_ODST_MAC: {
			uint8_t *m = c == PG_O_SRC_MAC ? o->spec.src_mac : c == PG_O_DST_MAC ? o->spec.dst_mac :
				     c == PG_O_OSRC_MAC ? o->spec.outer_src_mac : o->spec.outer_dst_mac;

			if (pg_mac(a, m)) {
				snprintf(err, errlen, "bad MAC '%s' (expected xx:xx:xx:xx:xx:xx)", a);
				return EINVAL;
			}
			break;
		}
		case PG_O_SRC_IP:
		case PG_O_DST_IP:
		case PG_O_OSRC_IP:
		case PG_O_ODST_IP: {
			uint32_t *ip = c == PG_O_SRC_IP ? &o->spec.src_ip : c == PG_O_DST_IP ? &o->spec.dst_ip :
				       c == PG_O_OSRC_IP ? &o->spec.outer_src_ip : &o->spec.outer_dst_ip;

			if (pg_ip(a, ip)) {
				snprintf(err, errlen, "bad IPv4 address '%s'", a);
				return EINVAL;
			}
			break;
		}
		case PG_O_SPORT:
		case PG_O_DPORT:
		case PG_O_VXLAN_PORT:
			if (pg_range(a, "UDP port", 1, UINT16_MAX, &v, err, errlen))
				return EINVAL;
			if (c == PG_O_SPORT)
				o->spec.sport = (uint16_t)v;
			else if (c == PG_O_DPORT)
				o->spec.dport = (uint16_t)v;
			else
				o->vxlan_port = o->spec.outer_dport = (uint16_t)v;
			break;
		case PG_O_VXLAN:
			if (pg_range(a, "VNI", 1, 0xffffff, &v, err, errlen))
				return EINVAL;
			o->spec.vxlan = true;
			o->spec.vni = (uint32_t)v;
			break;
		case PG_O_RATE:
			if (pg_u64(a, 1000000000ull, &v)) {
				snprintf(err, errlen, "bad --rate '%s' (packets per second, k/M suffix, 0 = as fast as possible)", a);
				return EINVAL;
			}
			o->rate_pps = v;
			break;
		case PG_O_COUNT:
		case PG_O_RX_EXPECT:
			if (pg_u64(a, PG_SEQ_MASK, &v)) {
				snprintf(err, errlen, "bad packet count '%s'", a);
				return EINVAL;
			}
			if (c == PG_O_COUNT)
				o->count = v;
			else
				o->rx_expect = v;
			break;
		case PG_O_DURATION:
		case PG_O_DRAIN:
		case PG_O_LINK_WAIT:
		case PG_O_IDLE_EXIT: {
			double *d = c == PG_O_DURATION ? &o->duration : c == PG_O_DRAIN ? &o->drain :
				    c == PG_O_LINK_WAIT ? &o->link_wait : &o->idle_exit;

			if (pg_seconds(a, d)) {
				snprintf(err, errlen, "bad time '%s' (seconds, 0 to 86400)", a);
				return EINVAL;
			}
			break;
		}
		case PG_O_BURST:
			if (pg_range(a, "--burst", 1, 512, &v, err, errlen))
				return EINVAL;
			o->burst = (unsigned)v;
			break;
		case PG_O_STREAM:
		case PG_O_RX_STREAM:
			if (pg_range(a, "stream id", 0, UINT16_MAX, &v, err, errlen))
				return EINVAL;
			if (c == PG_O_STREAM)
				o->stream = (uint16_t)v;
			else
				o->rx_stream = (int32_t)v;
			break;
		case PG_O_JSON:
		case PG_O_START_FILE:
		case PG_O_LABEL: {
			char *dst = c == PG_O_JSON ? o->json : c == PG_O_LABEL ? o->label : o->start_file;
			size_t cap = c == PG_O_LABEL ? sizeof(o->label) : sizeof(o->json);

			if (strlen(a) >= cap || (c == PG_O_LABEL && strpbrk(a, "\"\\\n"))) {
				snprintf(err, errlen, "bad --%s '%s' (too long, or quotes in a label)",
					 c == PG_O_JSON ? "json" : c == PG_O_LABEL ? "label" : "start-file", a);
				return EINVAL;
			}
			snprintf(dst, cap, "%s", a);
			break;
		}
		case PG_O_HELP:
			snprintf(err, errlen, "help");
			return EINVAL;
		default:
			snprintf(err, errlen, "unknown or incomplete option '%s'", argv[optind - 1]);
			return EINVAL;
		}
	}
	if (rc)
		return rc;
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return EINVAL;
	}
	if (!o->tx && !o->rx) {
		snprintf(err, errlen, "--tx-only and --rx-only exclude each other");
		return EINVAL;
	}
	if (o->duration < 0)
		o->duration = o->count ? 600 : 10;
	if (o->tx && o->count == 0 && o->duration == 0) {
		snprintf(err, errlen, "nothing to send: give --count N or a --duration above 0");
		return EINVAL;
	}
	if (o->rx_stream < 0 && o->tx)
		o->rx_stream = o->stream;
	return pg_frame_spec_check(&o->spec, err, errlen);
}
