/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pg_main.c: pktgen, vtepd's traffic generator: DPDK set-up of the ports named by EAL's
 * devargs (memif, AF_XDP, anything DPDK drives), the one-core send/receive loop, and the
 * result (one line on stdout, JSON with --json). Frames come from pg_frame.c, the receive
 * accounting from pg_stats.c, the options from pg_opts.c.
 *
 *   pktgen -l 0 --file-prefix pg1 --vdev net_memif0,role=client,socket=/run/vtepd/x.memif \
 *          -- --size imix --flows 1000 --rate 1M --duration 5 --json out.json
 *
 * Sending stops after --duration or --count; receiving goes on for --drain seconds (or
 * until --rx-expect packets came) and, while nothing arrives, sleeps with growing pauses.
 * The loop never allocates but mbufs and never logs per packet.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "pg_frame.h"
#include "pg_opts.h"
#include "pg_stats.h"

#define PG_MBUFS 8191
#define PG_DESC 1024
#define PG_MAX_TEMPLATES 16

static volatile sig_atomic_t pg_stop;

static void pg_on_signal(int sig)
{
	(void)sig;
	pg_stop = 1;
}

struct pg_tmpl {
	uint32_t size, len, head;
	uint8_t bytes[PG_MAX_HEAD];
};

struct pg_run {
	const struct pg_opts *o;
	uint64_t hz;
	struct rte_mempool *pool;
	struct pg_tmpl tmpl[PG_MAX_TEMPLATES];
	uint8_t sched_tmpl[PG_MAX_SCHED];      /* schedule entry -> template */
	unsigned n_tmpl;
	/* transmit */
	uint64_t tx_pkts, tx_bytes, tx_retries, tx_nombuf, tx_start, tx_end;
	/* receive */
	uint64_t rx_pkts, rx_bytes, rx_ours, rx_foreign, rx_other_stream, rx_first, rx_last;
	uint64_t rx_poll_last, rx_poll_gap_max;   /* longest time between two receive polls (cycles) */
	int32_t rx_stream;
	struct pg_seq seq;
	struct pg_latency lat;                 /* in TSC cycles */
};

static int pg_port_setup(uint16_t port, struct rte_mempool *pool, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	uint16_t rxd = PG_DESC, txd = PG_DESC;
	int rc;

	memset(&conf, 0, sizeof(conf));
	if (!rte_eth_dev_is_valid_port(port)) {
		snprintf(err, errlen, "no DPDK port %u (%u ports from the EAL arguments: give --vdev or -a)", port,
			 rte_eth_dev_count_avail());
		return ENODEV;
	}
	rc = rte_eth_dev_configure(port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(port, 0, rxd, (unsigned)rte_eth_dev_socket_id(port), NULL, pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(port, 0, txd, (unsigned)rte_eth_dev_socket_id(port), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	if (rc) {
		snprintf(err, errlen, "cannot start port %u: %s", port, rte_strerror(-rc));
		return -rc;
	}
	rte_eth_promiscuous_enable(port);
	return 0;
}

static int pg_link_wait(uint16_t port, double seconds)
{
	uint64_t end = rte_get_tsc_cycles() + (uint64_t)(seconds * (double)rte_get_tsc_hz());
	struct rte_eth_link link;

	do {
		if (rte_eth_link_get_nowait(port, &link) == 0 && link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_us_sleep(10000);
	} while (rte_get_tsc_cycles() < end && !pg_stop);
	return ETIMEDOUT;
}

static void pg_templates(struct pg_run *r)
{
	const struct pg_opts *o = r->o;

	for (uint32_t i = 0; i < o->n_sizes; i++) {
		unsigned t;

		for (t = 0; t < r->n_tmpl && r->tmpl[t].size != o->sizes[i]; t++)
			;
		if (t == r->n_tmpl) {
			r->tmpl[t].size = o->sizes[i];
			r->tmpl[t].len = pg_frame_len(&o->spec, o->sizes[i]);
			r->tmpl[t].head = pg_frame_template(&o->spec, o->sizes[i], r->tmpl[t].bytes);
			r->n_tmpl++;
		}
		r->sched_tmpl[i] = (uint8_t)t;
	}
}

/* Build and send up to n packets; the ones the PMD did not take give their sequence numbers back. */
static void pg_send(struct pg_run *r, unsigned n, uint64_t now)
{
	const struct pg_opts *o = r->o;
	struct rte_mbuf *m[512];
	uint64_t bytes = 0;
	uint16_t sent;

	if (rte_pktmbuf_alloc_bulk(r->pool, m, n) != 0) {
		r->tx_nombuf++;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t seq = r->tx_pkts + i;
		const struct pg_tmpl *t = &r->tmpl[r->sched_tmpl[seq % o->n_sizes]];
		uint8_t *p = rte_pktmbuf_mtod(m[i], uint8_t *);

		m[i]->data_len = (uint16_t)t->len;
		m[i]->pkt_len = t->len;
		memcpy(p, t->bytes, t->head);
		pg_frame_stamp(&o->spec, p, seq & PG_SEQ_MASK, o->stream, now);
	}
	sent = rte_eth_tx_burst(o->tx_port, 0, m, (uint16_t)n);
	if (sent < n) {
		r->tx_retries++;
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	}
	for (unsigned i = 0; i < sent; i++)
		bytes += r->tmpl[r->sched_tmpl[(r->tx_pkts + i) % o->n_sizes]].size;
	r->tx_pkts += sent;
	r->tx_bytes += bytes;
}

static unsigned pg_receive(struct pg_run *r)
{
	const struct pg_opts *o = r->o;
	struct rte_mbuf *m[512];
	uint16_t n = rte_eth_rx_burst(o->rx_port, 0, m, (uint16_t)o->burst);
	uint64_t now = rte_rdtsc();

	if (r->rx_poll_last && now - r->rx_poll_last > r->rx_poll_gap_max)
		r->rx_poll_gap_max = now - r->rx_poll_last;
	r->rx_poll_last = now;
	if (!n)
		return 0;
	if (!r->rx_first)
		r->rx_first = now;
	r->rx_last = now;
	for (uint16_t i = 0; i < n; i++) {
		struct pg_rx_info info;

		r->rx_pkts++;
		r->rx_bytes += m[i]->pkt_len + PG_FCS;
		/* the headers are in the first segment (a jumbo frame over memif comes chained) */
		if (pg_frame_parse(rte_pktmbuf_mtod(m[i], const uint8_t *), m[i]->data_len, o->vxlan_port, &info)) {
			r->rx_foreign++;
			continue;
		}
		if (r->rx_stream < 0)
			r->rx_stream = info.stream;
		if (info.stream != r->rx_stream) {
			r->rx_other_stream++;
			continue;
		}
		r->rx_ours++;
		pg_seq_rx(&r->seq, info.seq);
		if (info.tsc <= now)
			pg_latency_add(&r->lat, now - info.tsc);
	}
	rte_pktmbuf_free_bulk(m, n);
	return n;
}

/*
 * The start gate: wait (bounded) until the file exists. The receive side polls meanwhile: a
 * memif client hands its peer receive buffers only when it polls, and the peer's frames
 * would be dropped before that.
 */
static int pg_start_wait(struct pg_run *r, const char *path, double seconds)
{
	uint64_t end = rte_get_tsc_cycles() + (uint64_t)(seconds * (double)rte_get_tsc_hz());

	for (;;) {
		if (r->o->rx)
			pg_receive(r);
		if (!path[0] || access(path, F_OK) == 0)
			return 0;
		if (rte_get_tsc_cycles() >= end || pg_stop)
			return ETIMEDOUT;
		rte_delay_us_sleep(200);
	}
}

static void pg_loop(struct pg_run *r)
{
	const struct pg_opts *o = r->o;
	uint64_t hz = r->hz, t0 = rte_rdtsc();
	uint64_t tx_until = t0 + (uint64_t)(o->duration * (double)hz), rx_until = 0, idle_since = 0;
	bool sending = o->tx;
	unsigned idle = 0, pause_us = 10;
	/* at a fixed rate, send in batches of about 10 us; sleep when the next one is 20 us or more away */
	uint64_t batch = o->rate_pps / 100000 < 1 ? 1 : o->rate_pps / 100000 > o->burst ? o->burst : o->rate_pps / 100000;

	r->tx_start = t0;
	if (!o->tx)
		rx_until = tx_until;
	for (;;) {
		uint64_t now = rte_rdtsc();
		unsigned got = 0;

		if (sending && (pg_stop || now >= tx_until || (o->count && r->tx_pkts >= o->count))) {
			sending = false;
			r->tx_end = now;
			rx_until = now + (uint64_t)(o->drain * (double)hz);
			if (!o->rx)
				break;
		}
		if (sending) {
			uint64_t n = o->burst;

			if (o->rate_pps) {
				uint64_t due = (uint64_t)((double)(now - t0) * (double)o->rate_pps / (double)hz);

				n = due > r->tx_pkts ? due - r->tx_pkts : 0;
				if (n > o->burst)
					n = o->burst;
				if (n < batch && (!o->count || r->tx_pkts + n < o->count)) {
					uint64_t wait_us = (batch - n) * 1000000 / o->rate_pps;

					n = 0;
					if (wait_us >= 20 && !(o->rx && pg_receive(r)))
						rte_delay_us_sleep((unsigned)(wait_us > 1000 ? 1000 : wait_us));
				}
			}
			if (o->count && n > o->count - r->tx_pkts)
				n = o->count - r->tx_pkts;
			if (n)
				pg_send(r, (unsigned)n, now);
		}
		if (o->rx) {
			got = pg_receive(r);
			if (!sending) {
				if (pg_stop || now >= rx_until || (o->rx_expect && r->rx_ours >= o->rx_expect))
					break;
				if (!o->tx && o->idle_exit > 0 && r->rx_pkts && idle_since &&
				    now - idle_since > (uint64_t)(o->idle_exit * (double)hz))
					break;
			}
			if (got) {
				idle = 0;
				idle_since = 0;
				pause_us = 10;
			} else if (!idle_since) {
				idle_since = now;
			}
			/* nothing to send and nothing coming: sleep, longer each time (up to 1 ms) */
			if (!got && !sending && ++idle > 256) {
				rte_delay_us_sleep(pause_us);
				if (pause_us < 1000)
					pause_us *= 2;
			}
		}
	}
	if (!r->tx_end)
		r->tx_end = rte_rdtsc();
}

static double pg_secs(uint64_t cycles, uint64_t hz)
{
	return (double)cycles / (double)hz;
}

static uint64_t pg_ns(uint64_t cycles, uint64_t hz)
{
	return (uint64_t)((double)cycles * 1e9 / (double)hz);
}

static void pg_report(const struct pg_run *r, FILE *out, bool json)
{
	const struct pg_opts *o = r->o;
	double tx_s = pg_secs(r->tx_end - r->tx_start, r->hz);
	double rx_s = r->rx_last > r->rx_first ? pg_secs(r->rx_last - r->rx_first, r->hz) : 0;
	uint64_t expected = o->rx_expect ? o->rx_expect : (o->tx && r->rx_stream == o->stream ? r->tx_pkts : 0);
	uint64_t lost = pg_seq_lost(&r->seq, expected);
	uint64_t base = expected ? expected : r->seq.next;
	double loss_pct = base ? 100.0 * (double)lost / (double)base : 0;
	double tx_mpps = tx_s > 0 ? (double)r->tx_pkts / tx_s / 1e6 : 0;
	double rx_mpps = rx_s > 0 ? (double)r->rx_ours / rx_s / 1e6 : 0;
	double tx_gbps = tx_s > 0 ? (double)r->tx_bytes * 8 / tx_s / 1e9 : 0;
	double rx_gbps = rx_s > 0 ? (double)r->rx_bytes * 8 / rx_s / 1e9 : 0;
	uint64_t p50 = pg_ns(pg_latency_quantile(&r->lat, 0.50), r->hz);
	uint64_t p99 = pg_ns(pg_latency_quantile(&r->lat, 0.99), r->hz);
	uint64_t p999 = pg_ns(pg_latency_quantile(&r->lat, 0.999), r->hz);
	uint64_t lmax = pg_ns(r->lat.max, r->hz), lmin = r->lat.count ? pg_ns(r->lat.min, r->hz) : 0;
	uint64_t lmean = r->lat.count ? pg_ns(r->lat.sum / r->lat.count, r->hz) : 0;

	if (!json) {
		fprintf(out,
			"pktgen%s%s: size %s flows %u%s | tx %lu pkts %.3f Mpps %.3f Gbit/s | rx %lu pkts %.3f Mpps, "
			"lost %lu (%.4f%%), reordered %lu, dup %lu, foreign %lu | latency ns p50 %lu p99 %lu p99.9 %lu max %lu\n",
			o->label[0] ? " " : "", o->label, o->size_desc, o->spec.flows, o->spec.vxlan ? " vxlan" : "",
			(unsigned long)r->tx_pkts, tx_mpps, tx_gbps, (unsigned long)r->rx_ours, rx_mpps,
			(unsigned long)lost, loss_pct, (unsigned long)r->seq.reordered, (unsigned long)r->seq.duplicates,
			(unsigned long)r->rx_foreign, (unsigned long)p50, (unsigned long)p99, (unsigned long)p999,
			(unsigned long)lmax);
		return;
	}
	fprintf(out, "{\"label\": \"%s\", \"size\": \"%s\", \"mean_size\": %.1f, \"flows\": %u, \"macs\": %u, "
		     "\"vxlan\": %s, \"rate_pps\": %lu, \"stream\": %u,\n",
		o->label, o->size_desc, pg_opts_mean_size(o), o->spec.flows, o->spec.macs,
		o->spec.vxlan ? "true" : "false", (unsigned long)o->rate_pps, o->stream);
	fprintf(out, " \"tx\": {\"packets\": %lu, \"bytes\": %lu, \"seconds\": %.6f, \"mpps\": %.4f, \"gbps\": %.4f, "
		     "\"retries\": %lu, \"no_mbuf\": %lu},\n",
		(unsigned long)r->tx_pkts, (unsigned long)r->tx_bytes, tx_s, tx_mpps, tx_gbps,
		(unsigned long)r->tx_retries, (unsigned long)r->tx_nombuf);
	fprintf(out, " \"rx\": {\"packets\": %lu, \"bytes\": %lu, \"ours\": %lu, \"foreign\": %lu, \"other_stream\": %lu, "
		     "\"stream\": %d, \"seconds\": %.6f, \"mpps\": %.4f, \"gbps\": %.4f, \"expected\": %lu, \"lost\": %lu, "
		     "\"loss_pct\": %.6f, \"reordered\": %lu, \"duplicates\": %lu, \"highest_seq\": %lu, "
		     "\"max_poll_gap_us\": %.1f},\n",
		(unsigned long)r->rx_pkts, (unsigned long)r->rx_bytes, (unsigned long)r->rx_ours,
		(unsigned long)r->rx_foreign,
		(unsigned long)r->rx_other_stream, r->rx_stream, rx_s, rx_mpps, rx_gbps, (unsigned long)expected,
		(unsigned long)lost, loss_pct, (unsigned long)r->seq.reordered, (unsigned long)r->seq.duplicates,
		(unsigned long)(r->seq.next ? r->seq.next - 1 : 0), (double)r->rx_poll_gap_max * 1e6 / (double)r->hz);
	fprintf(out, " \"latency_ns\": {\"samples\": %lu, \"min\": %lu, \"mean\": %lu, \"p50\": %lu, \"p99\": %lu, "
		     "\"p999\": %lu, \"max\": %lu},\n",
		(unsigned long)r->lat.count, (unsigned long)lmin, (unsigned long)lmean, (unsigned long)p50,
		(unsigned long)p99, (unsigned long)p999, (unsigned long)lmax);
	fprintf(out, " \"ports\": [");
	for (int k = 0; k < 2; k++) {
		uint16_t port = k ? o->rx_port : o->tx_port;
		struct rte_eth_stats st;

		if (k && o->rx_port == o->tx_port)
			break;
		memset(&st, 0, sizeof(st));
		rte_eth_stats_get(port, &st);
		fprintf(out, "%s{\"id\": %u, \"ipackets\": %lu, \"opackets\": %lu, \"imissed\": %lu, \"ierrors\": %lu, "
			     "\"oerrors\": %lu, \"rx_nombuf\": %lu}", k ? ", " : "", port, (unsigned long)st.ipackets,
			(unsigned long)st.opackets, (unsigned long)st.imissed, (unsigned long)st.ierrors,
			(unsigned long)st.oerrors, (unsigned long)st.rx_nombuf);
	}
	fprintf(out, "]}\n");
}

int main(int argc, char **argv)
{
	static struct pg_opts o;
	static struct pg_run r;
	char err[600], pool_name[32];
	uint32_t max_len = 0;
	int n, rc;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "pktgen: DPDK initialisation failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	if (pg_opts_parse(argc, argv, &o, err, sizeof(err))) {
		if (strcmp(err, "help"))
			fprintf(stderr, "pktgen: %s\n", err);
		pg_opts_usage(stderr);
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, pg_on_signal);
	signal(SIGTERM, pg_on_signal);
	r.o = &o;
	r.hz = rte_get_tsc_hz();
	r.rx_stream = o.rx_stream;
	pg_latency_init(&r.lat);
	pg_templates(&r);
	for (unsigned t = 0; t < r.n_tmpl; t++)
		if (r.tmpl[t].len > max_len)
			max_len = r.tmpl[t].len;
	snprintf(pool_name, sizeof(pool_name), "pktgen_%d", (int)getpid());
	r.pool = rte_pktmbuf_pool_create(pool_name, PG_MBUFS, 256, 0,
					 (uint16_t)(RTE_PKTMBUF_HEADROOM + RTE_MAX(max_len, 2048u)),
					 (int)rte_socket_id());
	rc = r.pool ? 0 : ENOMEM;
	if (rc)
		snprintf(err, sizeof(err), "cannot allocate %u mbufs: %s", PG_MBUFS, rte_strerror(rte_errno));
	if (rc == 0)
		rc = pg_port_setup(o.tx_port, r.pool, err, sizeof(err));
	if (rc == 0 && o.rx_port != o.tx_port)
		rc = pg_port_setup(o.rx_port, r.pool, err, sizeof(err));
	if (rc == 0 && (pg_link_wait(o.tx_port, o.link_wait) || pg_link_wait(o.rx_port, o.link_wait))) {
		snprintf(err, sizeof(err), "link of port %u or %u not up after %.1f s (is the peer there?)", o.tx_port,
			 o.rx_port, o.link_wait);
		rc = ETIMEDOUT;
	}
	if (rc == 0 && pg_start_wait(&r, o.start_file, o.link_wait)) {
		snprintf(err, sizeof(err), "%s did not appear within %.1f s", o.start_file, o.link_wait);
		rc = ETIMEDOUT;
	}
	if (rc == 0) {
		pg_loop(&r);
		pg_report(&r, stdout, false);
		fflush(stdout);
		if (o.json[0]) {
			FILE *f = fopen(o.json, "w");

			if (!f) {
				fprintf(stderr, "pktgen: cannot write %s: %s\n", o.json, strerror(errno));
				rc = errno;
			} else {
				pg_report(&r, f, true);
				fclose(f);
			}
		}
	} else {
		fprintf(stderr, "pktgen: %s\n", err);
	}
	for (int k = 0; k < 2; k++) {
		uint16_t port = k ? o.rx_port : o.tx_port;

		if (rte_eth_dev_is_valid_port(port)) {
			rte_eth_dev_stop(port);
			rte_eth_dev_close(port);
		}
	}
	rte_mempool_free(r.pool);
	rte_eal_cleanup();
	return rc ? 1 : 0;
}
