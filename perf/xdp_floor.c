/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp_floor.c: the floor of in-kernel XDP forwarding over veths, for bench_mtu.sh. Attaches
 * xdp_floor_redirect (xdp_floor.bpf.o) to two interfaces in the driver's (veth's native) hook
 * and maps each to the other, so every frame crosses between them inside the kernel by
 * reference: no AF_XDP socket, no copy into a UMEM, no userspace at all. It is the most that
 * any switch built on XDP could carry between a container's veth and the underlay on this
 * machine, the bound under xsk_floor's AF_XDP forwarding and vtepd.
 *
 *   xdp_floor IFACE_A IFACE_B XDP_FLOOR_OBJECT     (until SIGTERM or SIGINT; then detaches)
 *
 * The veth peers of both interfaces need NAPI to receive redirected frames: bench_mtu.sh
 * puts xdp_floor_pass on them.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

static volatile sig_atomic_t xdp_floor_stop;

static void xdp_floor_on_signal(int sig)
{
	(void)sig;
	xdp_floor_stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	int ifindex[2], attached = 0, rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s IFACE_A IFACE_B XDP_FLOOR_OBJECT\n", argv[0]);
		return 2;
	}
	for (int i = 0; i < 2; i++) {
		ifindex[i] = (int)if_nametoindex(argv[1 + i]);
		if (!ifindex[i]) {
			fprintf(stderr, "xdp_floor: no interface %s\n", argv[1 + i]);
			return 1;
		}
	}
	obj = bpf_object__open_file(argv[3], NULL);
	if (!obj) {
		fprintf(stderr, "xdp_floor: %s: cannot open: %s\n", argv[3], strerror(errno));
		return 1;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "xdp_floor: %s: cannot load: %s\n", argv[3], strerror(errno));
		goto out;
	}
	prog = bpf_object__find_program_by_name(obj, "xdp_floor_redirect");
	map = bpf_object__find_map_by_name(obj, "floor_out");
	if (!prog || !map) {
		fprintf(stderr, "xdp_floor: %s: no xdp_floor_redirect or floor_out\n", argv[3]);
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		uint32_t in = (uint32_t)ifindex[i], out_if = (uint32_t)ifindex[1 - i];

		if (bpf_map_update_elem(bpf_map__fd(map), &in, &out_if, BPF_ANY)) {
			fprintf(stderr, "xdp_floor: %s -> %s: map update: %s\n", argv[1 + i], argv[2 - i],
				strerror(errno));
			goto out;
		}
	}
	signal(SIGTERM, xdp_floor_on_signal);
	signal(SIGINT, xdp_floor_on_signal);
	for (; attached < 2; attached++) {
		int err = bpf_xdp_attach(ifindex[attached], bpf_program__fd(prog), XDP_FLAGS_DRV_MODE, NULL);

		if (err) {
			fprintf(stderr, "xdp_floor: %s: attach: %s\n", argv[1 + attached], strerror(-err));
			goto out;
		}
	}
	printf("xdp_floor: %s <-> %s\n", argv[1], argv[2]);
	fflush(stdout);
	while (!xdp_floor_stop)
		sleep(1);   /* a signal cuts it short; never misses one that came just before */
	rc = 0;
out:
	for (int i = 0; i < attached; i++)
		bpf_xdp_detach(ifindex[i], XDP_FLAGS_DRV_MODE, NULL);
	bpf_object__close(obj);
	return rc;
}
