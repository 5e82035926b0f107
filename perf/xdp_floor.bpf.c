/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp_floor.bpf.c: the XDP side of xdp_floor (see xdp_floor.c). xdp_floor_redirect sends
 * every frame, multi-buffer jumbo frames included, out of the interface that floor_out maps
 * its ingress interface to, inside the kernel: no socket, no copy, no lookup beyond the map.
 * xdp_floor_pass lets every frame through; on a veth it turns on the NAPI receive path that
 * frames redirected into the veth's peer need.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);     /* ingress ifindex */
	__type(value, __u32);   /* egress ifindex */
} floor_out SEC(".maps");

SEC("xdp.frags")
int xdp_floor_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&floor_out, ctx->ingress_ifindex, XDP_DROP);
}

SEC("xdp.frags")
int xdp_floor_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
