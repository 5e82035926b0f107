/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bgp_inject.c: a BGP EVPN route generator for benchmarks. It connects to a speaker, opens
 * an eBGP session (multiprotocol L2VPN/EVPN, 4-octet AS, extended messages), sends N routes
 * of one kind, packed into as few UPDATEs as
 * the negotiated message size allows (all encoded before the first one is sent, so that the
 * generator never holds the receiver back), then End-of-RIB, and keeps the session up with
 * KEEPALIVEs until SIGINT/SIGTERM or --hold-for seconds. It prints one line of JSON with the
 * time the first UPDATE left and the time the last one was written.
 *
 * Kinds (--kind), all with Nexus-style RDs and RTs:
 *   mac     type-2 MAC routes: distinct MACs 02:be:..., one VNI (the default)
 *   macip   type-2 MAC+IP routes of symmetric IRB: MAC 02:bf:... with host 10.0.0.0 + i + 1,
 *           two labels (the VNI, the L3 VNI), both RTs, the router MAC
 *   type5   type-5 IP prefix routes: 32.0.0.0/24 + i * 256 (/24s), gateway 0, label the L3
 *           VNI, RD router-id:3, the L3 VNI's RT, the router MAC
 *
 *   bgp_inject --peer 10.0.0.1 --local 10.0.0.9 --asn 65009 --peer-asn 65001 --routes 100000
 *              [--kind mac|macip|type5] [--vni 100] [--l3vni 900001] [--rmac 02:00:00:00:09:09]
 *              [--nexthop 10.0.0.9] [--hold-for 600]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp_msg.h"
#include "evpn.h"

static volatile sig_atomic_t inject_stop;

static void inject_on_signal(int sig)
{
	(void)sig;
	inject_stop = 1;
}

static double inject_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int inject_write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one whole BGP message into buf (65535 + header). Returns its type, or -1. */
static int inject_read_msg(int fd, uint8_t *buf, size_t cap, uint16_t *len)
{
	size_t have = 0, want = BGP_HDR_LEN;
	struct bgp_error err;
	uint8_t type = 0;

	while (have < want) {
		ssize_t r = read(fd, buf + have, want - have);

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		have += (size_t)r;
		if (have == BGP_HDR_LEN && want == BGP_HDR_LEN) {
			if (bgp_header_parse(buf, have, cap, len, &type, &err) != 0) {
				fprintf(stderr, "bgp_inject: bad message from peer: %s\n", err.reason);
				return -1;
			}
			want = *len;
		}
	}
	return type;
}

static void inject_usage(void)
{
	fprintf(stderr, "usage: bgp_inject --peer IP --local IP --asn N --peer-asn N --routes N "
			"[--kind mac|macip|type5] [--vni N] [--l3vni N] [--rmac MAC] [--nexthop IP] [--port N] "
			"[--hold-for S]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "peer", required_argument, NULL, 'p' },   { "local", required_argument, NULL, 'l' },
		{ "asn", required_argument, NULL, 'a' },    { "peer-asn", required_argument, NULL, 'A' },
		{ "routes", required_argument, NULL, 'n' }, { "vni", required_argument, NULL, 'v' },
		{ "nexthop", required_argument, NULL, 'h' }, { "port", required_argument, NULL, 'P' },
		{ "hold-for", required_argument, NULL, 'H' }, { "kind", required_argument, NULL, 'k' },
		{ "l3vni", required_argument, NULL, 'L' },  { "rmac", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	enum { KIND_MAC, KIND_MACIP, KIND_TYPE5 } kind = KIND_MAC;
	uint32_t l3vni = 900001;
	uint8_t rmac[6] = { 0x02, 0, 0, 0, 0x09, 0x09 };
	uint32_t peer = 0, local = 0, nexthop = 0, asn = 0, peer_asn = 0, vni = 100;
	unsigned long routes = 0, hold_for = 3600;
	uint16_t port = BGP_PORT, len;
	static uint8_t buf[BGP_MAX_MSG_EXT + BGP_HDR_LEN], in[BGP_MAX_MSG_EXT + BGP_HDR_LEN];
	struct evpn_route *batch;
	struct bgp_attrs attrs;
	struct bgp_open o, theirs;
	struct bgp_error err;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	size_t max_msg = BGP_MAX_MSG, n_batch = 4096;
	double t_first = 0, t_last = 0, t_keepalive;
	unsigned long sent = 0, updates = 0;
	uint8_t *out = NULL;
	size_t out_len = 0, out_cap = 0;
	int fd, opt, type;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': peer = inet_addr(optarg); break;
		case 'l': local = inet_addr(optarg); break;
		case 'h': nexthop = inet_addr(optarg); break;
		case 'a': asn = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'A': peer_asn = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'n': routes = strtoul(optarg, NULL, 10); break;
		case 'v': vni = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'P': port = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'H': hold_for = strtoul(optarg, NULL, 10); break;
		case 'L': l3vni = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'k':
			if (!strcmp(optarg, "mac"))
				kind = KIND_MAC;
			else if (!strcmp(optarg, "macip"))
				kind = KIND_MACIP;
			else if (!strcmp(optarg, "type5"))
				kind = KIND_TYPE5;
			else {
				fprintf(stderr, "bgp_inject: --kind %s: expected mac, macip or type5\n", optarg);
				return 2;
			}
			break;
		case 'R':
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &rmac[0], &rmac[1], &rmac[2], &rmac[3], &rmac[4],
				   &rmac[5]) != 6) {
				fprintf(stderr, "bgp_inject: --rmac %s: expected a MAC address\n", optarg);
				return 2;
			}
			break;
		default: inject_usage(); return 2;
		}
	}
	if (!peer || !local || !asn || !peer_asn || vni == 0 || vni > 0xffffff || l3vni == 0 || l3vni > 0xffffff ||
	    (kind == KIND_MACIP && routes > 0xfffffe) || (kind == KIND_TYPE5 && routes > 0xffffff)) {
		inject_usage();
		return 2;
	}
	if (!nexthop)
		nexthop = local;
	signal(SIGINT, inject_on_signal);
	signal(SIGTERM, inject_on_signal);
	signal(SIGPIPE, SIG_IGN);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = local;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("bgp_inject: bind");
		return 1;
	}
	sa.sin_addr.s_addr = peer;
	sa.sin_port = htons(port);
	for (int tries = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0; tries++) {
		if (tries == 100) {
			perror("bgp_inject: connect");
			return 1;
		}
		close(fd);
		usleep(100000);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		sa.sin_addr.s_addr = local;
		sa.sin_port = 0;
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			return 1;
		sa.sin_addr.s_addr = peer;
		sa.sin_port = htons(port);
	}

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.asn = asn;
	o.my_as = asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn;
	o.hold_time = 180;
	o.bgp_id = local;
	o.caps.mp_evpn = true;
	o.caps.as4 = true;
	o.caps.as4_asn = asn;
	o.caps.ext_msg = true;
	o.caps.route_refresh = true;
	if (inject_write_all(fd, buf, bgp_open_encode(buf, sizeof(buf), &o)) != 0)
		return 1;
	/* their OPEN, then their KEEPALIVE */
	type = inject_read_msg(fd, in, sizeof(in), &len);
	if (type != BGP_MSG_OPEN || bgp_open_decode(in + BGP_HDR_LEN, len - BGP_HDR_LEN, &theirs, &err) != 0) {
		fprintf(stderr, "bgp_inject: no usable OPEN from the peer (type %d)\n", type);
		return 1;
	}
	if (theirs.caps.ext_msg)
		max_msg = BGP_MAX_MSG_EXT;
	if (inject_write_all(fd, buf, bgp_keepalive_encode(buf, sizeof(buf))) != 0)
		return 1;
	do {
		type = inject_read_msg(fd, in, sizeof(in), &len);
		if (type == BGP_MSG_NOTIFICATION) {
			fprintf(stderr, "bgp_inject: the peer sent a NOTIFICATION %u/%u\n", in[19], in[20]);
			return 1;
		}
	} while (type >= 0 && type != BGP_MSG_KEEPALIVE);
	if (type < 0)
		return 1;

	memset(&attrs, 0, sizeof(attrs));
	attrs.has_origin = true;
	attrs.has_as_path = true;
	attrs.as_path[0] = asn;
	attrs.as_path_len = 1;
	attrs.mp_nh_len = 4;
	memcpy(attrs.mp_nh, &nexthop, 4);
	if (kind != KIND_TYPE5)
		attrs.ext_comm[attrs.n_ext_comm++] = asn > 0xffff ? evpn_ec_rt_as4(asn, (uint16_t)vni)
								   : evpn_ec_rt_as2((uint16_t)asn, vni);
	if (kind != KIND_MAC) {
		attrs.ext_comm[attrs.n_ext_comm++] = asn > 0xffff ? evpn_ec_rt_as4(asn, (uint16_t)l3vni)
								   : evpn_ec_rt_as2((uint16_t)asn, l3vni);
		attrs.ext_comm[attrs.n_ext_comm++] = evpn_ec_router_mac(rmac);
	}
	attrs.ext_comm[attrs.n_ext_comm++] = evpn_ec_encap_vxlan();
	batch = calloc(n_batch, sizeof(*batch));
	if (!batch)
		return 1;

	/* Every UPDATE is encoded before the clock starts: the benchmark times the receiver. */
	while (sent < routes && !inject_stop) {
		size_t n = 0, done = 0, msg;

		for (; n < n_batch && sent + n < routes; n++) {
			struct evpn_route *r = &batch[n];
			unsigned long i = sent + n;

			memset(r, 0, sizeof(*r));
			if (kind == KIND_TYPE5) {
				uint32_t pfx = htonl((32u << 24) + ((uint32_t)i << 8));

				r->type = EVPN_RT_IP_PREFIX;
				evpn_rd_type1(r->rd, nexthop, 3);
				r->ip_len = 32;
				memcpy(r->ip, &pfx, 4);
				r->prefix_len = 24;
				r->label1 = l3vni;
				continue;
			}
			r->type = EVPN_RT_MAC_IP;
			evpn_rd_type1(r->rd, nexthop, 32867);
			r->mac[0] = 0x02;
			r->mac[1] = kind == KIND_MACIP ? 0xbf : 0xbe;
			r->mac[2] = (uint8_t)(i >> 24);
			r->mac[3] = (uint8_t)(i >> 16);
			r->mac[4] = (uint8_t)(i >> 8);
			r->mac[5] = (uint8_t)i;
			r->label1 = vni;
			if (kind == KIND_MACIP) {
				uint32_t host = htonl((10u << 24) + (uint32_t)i + 1);

				r->ip_len = 32;
				memcpy(r->ip, &host, 4);
				r->label2 = l3vni;
				r->has_label2 = true;
			}
		}
		for (size_t off = 0; off < n; off += done) {
			if (out_len + max_msg > out_cap) {
				uint8_t *bigger;

				out_cap = out_cap ? out_cap * 2 : (size_t)16 << 20;
				bigger = realloc(out, out_cap);
				if (!bigger) {
					fprintf(stderr, "bgp_inject: out of memory for the UPDATEs\n");
					return 1;
				}
				out = bigger;
			}
			msg = bgp_update_encode_evpn(out + out_len, max_msg, &attrs, batch + off, n - off, false, true, &done);
			if (!msg || !done) {
				fprintf(stderr, "bgp_inject: cannot encode an UPDATE\n");
				return 1;
			}
			out_len += msg;
			updates++;
		}
		sent += n;
	}
	t_first = inject_now();
	if (inject_write_all(fd, out, out_len) != 0) {
		fprintf(stderr, "bgp_inject: cannot send the UPDATEs\n");
		return 1;
	}
	inject_write_all(fd, buf, bgp_eor_evpn_encode(buf, sizeof(buf)));
	t_last = inject_now();
	printf("{\"routes\": %lu, \"updates\": %lu, \"max_msg\": %zu, \"t_first\": %.6f, \"t_last\": %.6f}\n", sent, updates,
	       max_msg, t_first, t_last);
	fflush(stdout);

	/* Hold the session: answer with KEEPALIVEs, drain whatever the peer sends. */
	t_keepalive = inject_now();
	while (!inject_stop && inject_now() - t_last < (double)hold_for) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 1000) > 0) {
			ssize_t r = read(fd, in, sizeof(in));

			if (r <= 0)
				break;
		}
		if (inject_now() - t_keepalive >= 30) {
			inject_write_all(fd, buf, bgp_keepalive_encode(buf, sizeof(buf)));
			t_keepalive = inject_now();
		}
	}
	free(batch);
	free(out);
	close(fd);
	return 0;
}
