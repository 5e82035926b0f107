/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frame_trace.c: `vtepctl trace N [port NAME] [timeout S]`, what the fast path did with the
 * next N frames (of one port, or of any), like VPP's `trace add`.
 *
 * The control socket never holds a request open, so a trace is three commands, which
 * vtepctl strings together: `trace N ...` arms the worker's trace (dataplane/trace.h) and
 * answers at once; `trace show` answers EAGAIN while the trace runs and, once it has its
 * frames or its time is up, the frames (text: one line each; JSON: their fields); `trace
 * stop` ends it early with what it has. One trace at a time, per daemon. Before it reads the
 * records or arms a trace, the control thread waits an RCU grace period of the fast path, so
 * the worker is never writing a record it reads nor reading a trace it changes.
 */
#include "frame_trace.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>

#include "ctl.h"
#include "fastpath.h"
#include "switch.h"
#include "trace.h"

#define FT_DEFAULT_TIMEOUT 10      /* seconds */
#define FT_MAX_TIMEOUT 3600

static struct {
	bool active;               /* armed, not yet shown */
	uint32_t want;
	uint16_t slot;
	uint32_t timeout;
	char port[VTEP_IFNAME_MAX + 8];
} ft;

/* The slot of port NAME (a container port, an uplink or an exception interface); DP_NO_ID: none. */
static uint16_t ft_slot_of(const struct vtepd *d, const char *name)
{
	for (uint16_t s = 1; s <= VTEP_MAX_PORTS; s++)
		if (d->ports[s].in_use && strcmp(d->ports[s].conf.name, name) == 0)
			return s;
	for (uint16_t u = 0; u < d->n_uplinks; u++) {
		if (strcmp(d->uplinks[u].name, name) == 0)
			return d->uplinks[u].slot;
		if (d->uplinks[u].exc_port != UINT16_MAX && strcmp(d->uplinks[u].ifname, name) == 0)
			return DP_PORT_EXCEPTION_OF(u);
	}
	return DP_NO_ID;
}

static const char *ft_slot_name(void *ctx, uint16_t slot)
{
	const struct vtepd *d = ctx;

	if (slot >= 1 && slot <= VTEP_MAX_PORTS)
		return d->ports[slot].in_use ? d->ports[slot].conf.name : NULL;
	for (uint16_t u = 0; u < d->n_uplinks; u++) {
		if (d->uplinks[u].slot == slot)
			return d->uplinks[u].name;
		if (DP_PORT_EXCEPTION_OF(u) == slot && d->uplinks[u].exc_port != UINT16_MAX)
			return d->uplinks[u].ifname;
	}
	return NULL;
}

static const char *ft_vrf_name(void *ctx, uint16_t vrf)
{
	const struct vtepd *d = ctx;

	return vrf < d->cfg.n_vrfs ? d->cfg.vrfs[vrf].name : NULL;
}

static void ft_stop_worker(struct vtepd *d)
{
	atomic_store_explicit(&d->worker.trace->armed, 0, memory_order_release);
	rte_rcu_qsbr_synchronize(d->qsbr, RTE_QSBR_THRID_INVALID);
}

static void ft_mac(char *buf, size_t len, const uint8_t m[6])
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* The frames traced so far, as a list "frames" (the trace has ended: the worker is not writing). */
static void ft_report(struct ctl_out *o, struct vtepd *d)
{
	const struct dp_trace *tr = d->worker.trace;
	const struct dp_trace_names names = { ft_slot_name, ft_vrf_name, d };
	uint32_t n = atomic_load_explicit(&tr->n, memory_order_acquire);
	uint64_t hz = rte_get_tsc_hz();

	if (n > DP_TRACE_MAX)
		n = DP_TRACE_MAX;
	ctl_u64(o, "requested", ft.want);
	ctl_u64(o, "traced", n);
	ctl_str(o, "port", ft.slot == DP_NO_ID ? "any" : ft.port);
	ctl_list_begin(o, "frames");
	for (uint32_t i = 0; i < n; i++) {
		const struct dp_trace_rec *r = &tr->rec[i];
		char buf[512], tmp[64];
		double us = hz ? (double)(r->tsc - tr->rec[0].tsc) * 1e6 / (double)hz : 0;

		ctl_obj_begin(o, NULL);
		ctl_u64(o, "n", i + 1);
		ctl_strf(o, "us", "%.0f", us);
		if (!ctl_is_json(o)) {
			dp_trace_format(r, &names, buf, sizeof(buf));
			ctl_str(o, "trace", buf);
			ctl_obj_end(o);
			continue;
		}
		ctl_str(o, "in_port", ft_slot_name(d, r->in_slot) ? ft_slot_name(d, r->in_slot) : "?");
		if (r->flags & DP_TRACE_PARSED_OUTER) {
			inet_ntop(AF_INET, &r->outer_src, tmp, sizeof(tmp));
			ctl_str(o, "from_vtep", tmp);
		}
		if (r->vni)
			ctl_u64(o, "vni", r->vni);
		ft_mac(tmp, sizeof(tmp), r->src_mac);
		ctl_str(o, "src_mac", tmp);
		ft_mac(tmp, sizeof(tmp), r->dst_mac);
		ctl_str(o, "dst_mac", tmp);
		ctl_strf(o, "ethertype", "0x%04x", r->ethertype);
		if (r->family) {
			int af = r->family == 4 ? AF_INET : AF_INET6;

			inet_ntop(af, r->src_ip, tmp, sizeof(tmp));
			ctl_str(o, "src_ip", tmp);
			inet_ntop(af, r->dst_ip, tmp, sizeof(tmp));
			ctl_str(o, "dst_ip", tmp);
			ctl_u64(o, r->ethertype == 0x0806 ? "arp_op" : "ip_proto", r->proto);
		}
		ctl_u64(o, "len", r->len);
		ctl_str(o, "verdict", dp_trace_verdict(r));
		if (r->flags & DP_TRACE_DROPPED)
			ctl_str(o, "drop_reason", dp_drop_name((enum dp_drop)r->drop));
		if (r->flags & DP_TRACE_ROUTED)
			ctl_str(o, "vrf", ft_vrf_name(d, r->vrf) ? ft_vrf_name(d, r->vrf) : "?");
		if (r->flags & DP_TRACE_ANSWERED)
			ctl_str(o, "answered_by", dp_trace_answer_name(r->answer));
		ctl_bool(o, "decapsulated", (r->flags & DP_TRACE_DECAP) != 0);
		ctl_bool(o, "flooded", (r->flags & DP_TRACE_FLOODED) != 0);
		buf[0] = '\0';
		for (unsigned k = 0; k < r->n_out_slot && k < DP_TRACE_OUTS; k++) {
			const char *p = ft_slot_name(d, r->out_slot[k]);

			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", k ? "," : "", p ? p : "?");
		}
		ctl_str(o, "out_ports", buf);
		buf[0] = '\0';
		for (unsigned k = 0; k < r->n_out_vtep && k < DP_TRACE_OUTS; k++) {
			inet_ntop(AF_INET, &r->out_vtep[k], tmp, sizeof(tmp));
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", k ? "," : "", tmp);
		}
		ctl_str(o, "out_vteps", buf);
		ctl_u64(o, "n_out_ports", r->n_out_slot);
		ctl_u64(o, "n_out_vteps", r->n_out_vtep);
		dp_trace_format_decision(r, &names, buf, sizeof(buf));
		ctl_str(o, "decision", buf);
		ctl_obj_end(o);
	}
	ctl_list_end(o);
}

static int ft_usage(struct ctl_out *o)
{
	ctl_error(o, "usage: %s", VTEPD_TRACE_USAGE);
	return EINVAL;
}

static int ft_start(struct ctl_out *o, struct vtepd *d, int argc, char **argv)
{
	struct dp_trace *tr = d->worker.trace;
	unsigned long want, timeout = FT_DEFAULT_TIMEOUT;
	uint16_t slot = DP_NO_ID;
	char *end;

	errno = 0;
	want = strtoul(argv[0], &end, 10);
	if (errno || *end || argv[0][0] == '-' || want < 1 || want > DP_TRACE_MAX) {
		ctl_error(o, "trace: '%s' is not a number of frames (1..%u)", argv[0], DP_TRACE_MAX);
		return EINVAL;
	}
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return ft_usage(o);
		if (strcmp(argv[i], "port") == 0) {
			slot = ft_slot_of(d, argv[i + 1]);
			if (slot == DP_NO_ID) {
				ctl_error(o, "trace: no port '%s' (vtepctl show ports)", argv[i + 1]);
				return ENOENT;
			}
			snprintf(ft.port, sizeof(ft.port), "%s", argv[i + 1]);
		} else if (strcmp(argv[i], "timeout") == 0) {
			errno = 0;
			timeout = strtoul(argv[i + 1], &end, 10);
			if (errno || *end || argv[i + 1][0] == '-' || timeout < 1 || timeout > FT_MAX_TIMEOUT) {
				ctl_error(o, "trace: timeout '%s' is not a number of seconds (1..%u)", argv[i + 1],
					  FT_MAX_TIMEOUT);
				return EINVAL;
			}
		} else {
			return ft_usage(o);
		}
	}
	if (ft.active) {
		ctl_error(o, "trace: a trace is running (%u of %u frames so far): 'vtepctl trace stop' ends it",
			  atomic_load_explicit(&tr->n, memory_order_acquire), ft.want);
		return EBUSY;
	}
	ft_stop_worker(d);               /* the last trace's worker is done with the records */
	atomic_store_explicit(&tr->n, 0, memory_order_relaxed);
	tr->want = (uint32_t)want;
	tr->slot = slot;
	tr->deadline_tsc = rte_rdtsc() + timeout * rte_get_tsc_hz();
	ft.active = true;
	ft.want = (uint32_t)want;
	ft.slot = slot;
	ft.timeout = (uint32_t)timeout;
	atomic_store_explicit(&tr->armed, 1, memory_order_release);
	ctl_u64(o, "requested", want);
	ctl_str(o, "port", slot == DP_NO_ID ? "any" : ft.port);
	ctl_u64(o, "timeout", timeout);
	return 0;
}

static int ft_show(struct ctl_out *o, struct vtepd *d, bool stop)
{
	struct dp_trace *tr = d->worker.trace;

	if (!ft.active) {
		ctl_error(o, "trace: no trace running: start one with 'vtepctl trace N [port NAME]'");
		return ENOENT;
	}
	if (!stop && atomic_load_explicit(&tr->armed, memory_order_acquire) && rte_rdtsc() <= tr->deadline_tsc) {
		ctl_error(o, "trace: %u of %u frames so far", atomic_load_explicit(&tr->n, memory_order_acquire),
			  ft.want);
		return EAGAIN;
	}
	ft_stop_worker(d);               /* an idle port: the worker never saw the deadline */
	ft_report(o, d);
	ft.active = false;
	return 0;
}

int vtepd_cmd_trace(struct ctl_out *o, int argc, char **argv, void *ctx)
{
	struct vtepd *d = ctx;

	if (argc < 1)
		return ft_usage(o);
	if (strcmp(argv[0], "show") == 0 && argc == 1)
		return ft_show(o, d, false);
	if (strcmp(argv[0], "stop") == 0 && argc == 1)
		return ft_show(o, d, true);
	return ft_start(o, d, argc, argv);
}
