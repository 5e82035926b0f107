/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp_vtep.c: the XDP programs vtepd puts on its AF_XDP interfaces. DPDK's net_af_xdp PMD
 * loads the object (devarg xdp_prog=), attaches its first program and fills xsks_map.
 *
 * Built twice from this file:
 *  - VTEP_XDP_UNDERLAY: on the underlay interface. Only VXLAN addressed to the VTEP goes to
 *    the socket (UDP to the configured port, and outer IPv4 fragments to the VTEP address);
 *    everything else (ARP, ICMP, BGP, SSH) is passed to the kernel, which keeps the
 *    underlay's address, neighbours and routes.
 *  - otherwise: on the host end of a container veth. Every frame goes to the socket.
 *
 * Both are multi-buffer aware ("xdp.frags"): they read only the headers, which are in the
 * first buffer, so a jumbo frame passes (or goes to a multi-buffer socket, see xsk.h) whole.
 *
 * vtepd writes vtep_cfg after the PMD has loaded the program; until then the underlay
 * program matches UDP port 4789 to any address.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct vtep_xdp_cfg {
	__u32 vtep_ip;   /* network order; 0 = any */
	__u16 udp_port;  /* host order; 0 = 4789 */
	__u16 pad;
};

enum { VTEP_XDP_REDIRECTED, VTEP_XDP_PASSED, VTEP_XDP_STATS_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vtep_xdp_cfg);
} vtep_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VTEP_XDP_STATS_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vtep_stats SEC(".maps");

static __always_inline void vtep_count(__u32 what)
{
	__u64 *n = bpf_map_lookup_elem(&vtep_stats, &what);

	if (n)
		*n += 1;
}

static __always_inline int vtep_to_socket(struct xdp_md *ctx)
{
	int action = bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);

	vtep_count(action == XDP_REDIRECT ? VTEP_XDP_REDIRECTED : VTEP_XDP_PASSED);
	return action;
}

#ifdef VTEP_XDP_UNDERLAY
static __always_inline int vtep_is_tunnel(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 key = 0;
	__u32 want_ip = 0;
	__u16 want_port = 4789;
	struct vtep_xdp_cfg *cfg = bpf_map_lookup_elem(&vtep_cfg, &key);

	if (cfg) {
		want_ip = cfg->vtep_ip;
		if (cfg->udp_port)
			want_port = cfg->udp_port;
	}
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->version != 4 || ip->ihl < 5 || ip->protocol != IPPROTO_UDP)
		return 0;
	if (want_ip && ip->daddr != want_ip)
		return 0;
	/* Fragments of UDP to the VTEP address are ours to reassemble (only when the address is known). */
	if (ip->frag_off & bpf_htons(0x3fff))
		return want_ip != 0;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end)
		return 0;
	return udp->dest == bpf_htons(want_port);
}

SEC("xdp.frags")
int vtep_xdp_underlay(struct xdp_md *ctx)
{
	if (!vtep_is_tunnel(ctx)) {
		vtep_count(VTEP_XDP_PASSED);
		return XDP_PASS;
	}
	return vtep_to_socket(ctx);
}
#else
SEC("xdp.frags")
int vtep_xdp_port(struct xdp_md *ctx)
{
	return vtep_to_socket(ctx);
}
#endif

char _license[] SEC("license") = "Dual BSD/GPL";
