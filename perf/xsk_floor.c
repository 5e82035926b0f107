/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xsk_floor.c: the floor of any AF_XDP switch over veths, for bench_mtu.sh. Forwards every
 * frame between two interfaces through AF_XDP and does nothing else: one UMEM shared by both
 * sockets (XDP_SHARED_UMEM), so a received frame is sent from where it landed, with no copy
 * in userspace, no lookup and no encapsulation. Multi-buffer (XDP_USE_SG), so jumbo frames
 * pass. Whatever TCP reaches through two of these is the most an AF_XDP switch can carry on
 * this machine; what vtepd carries is measured against it.
 *
 *   xsk_floor IFACE_A IFACE_B XDP_OBJECT     (until SIGTERM or SIGINT)
 *
 * XDP_OBJECT is vtepd's port program (xdp_vtep_port.o): every frame to the socket. The
 * program runs in the driver's (veth's native) XDP hook like vtepd's; XSK_FLOOR_SKB=1 in the
 * environment puts it in the generic (skb) hook instead, to compare the two.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>
#include <linux/if_link.h>

#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4)
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0)
#endif

#define FLOOR_CHUNK 4096u
#define FLOOR_CHUNKS 8192u
#define FLOOR_RING 2048u
#define FLOOR_BATCH 64u

struct floor_side {
	const char *ifname;
	int ifindex;
	struct bpf_object *obj;
	struct xsk_socket *sock;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	unsigned long forwarded;
};

static volatile sig_atomic_t floor_stop;
static uint32_t floor_xdp_flags;   /* 0: native hook; XDP_FLAGS_SKB_MODE: generic */

static void floor_on_signal(int sig)
{
	(void)sig;
	floor_stop = 1;
}

static int floor_attach(struct floor_side *s, const char *xdp_obj)
{
	struct bpf_program *prog;

	s->ifindex = (int)if_nametoindex(s->ifname);
	if (!s->ifindex) {
		fprintf(stderr, "xsk_floor: no interface %s\n", s->ifname);
		return ENODEV;
	}
	s->obj = bpf_object__open_file(xdp_obj, NULL);
	if (libbpf_get_error(s->obj) || bpf_object__load(s->obj)) {
		fprintf(stderr, "xsk_floor: cannot load %s\n", xdp_obj);
		s->obj = NULL;
		return EINVAL;
	}
	prog = bpf_object__next_program(s->obj, NULL);
	if (!prog || bpf_xdp_attach(s->ifindex, bpf_program__fd(prog), floor_xdp_flags, NULL)) {
		fprintf(stderr, "xsk_floor: cannot attach %s to %s\n", xdp_obj, s->ifname);
		return EINVAL;
	}
	return 0;
}

static int floor_bind(struct floor_side *s, struct xsk_umem *umem)
{
	struct xsk_socket_config cfg = { .rx_size = FLOOR_RING, .tx_size = FLOOR_RING,
					 .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD, .xdp_flags = floor_xdp_flags,
					 .bind_flags = XDP_USE_SG | (floor_xdp_flags ? XDP_COPY : 0) };
	struct bpf_map *map;
	uint32_t queue = 0;
	int rc, fd;

	rc = xsk_socket__create_shared(&s->sock, s->ifname, 0, umem, &s->rx, &s->tx, &s->fill, &s->comp, &cfg);
	if (rc) {
		fprintf(stderr, "xsk_floor: cannot bind a socket to %s: %s\n", s->ifname, strerror(-rc));
		s->sock = NULL;
		return -rc;
	}
	fd = xsk_socket__fd(s->sock);
	map = bpf_object__find_map_by_name(s->obj, "xsks_map");
	if (!map || bpf_map_update_elem(bpf_map__fd(map), &queue, &fd, BPF_ANY)) {
		fprintf(stderr, "xsk_floor: cannot fill xsks_map on %s\n", s->ifname);
		return EINVAL;
	}
	return 0;
}

/* Give the first n chunks starting at chunk first to side s's fill ring. */
static void floor_fill(struct floor_side *s, uint32_t first, uint32_t n)
{
	uint32_t idx;

	while (xsk_ring_prod__reserve(&s->fill, n, &idx) != n)
		;
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = (uint64_t)(first + i) * FLOOR_CHUNK;
	xsk_ring_prod__submit(&s->fill, n);
}

/* Frames sent on out are done: they go back to in's fill ring, where they came from. */
static void floor_recycle(struct floor_side *out, struct floor_side *in)
{
	uint32_t idx_comp, idx_fill, n = xsk_ring_cons__peek(&out->comp, FLOOR_BATCH, &idx_comp);

	if (!n)
		return;
	while (xsk_ring_prod__reserve(&in->fill, n, &idx_fill) != n)
		;
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&in->fill, idx_fill + i) =
			*xsk_ring_cons__comp_addr(&out->comp, idx_comp + i) & ~(uint64_t)(FLOOR_CHUNK - 1);
	xsk_ring_prod__submit(&in->fill, n);
	xsk_ring_cons__release(&out->comp, n);
}

/* Move whole packets from in's receive ring to out's transmit ring; returns the frames moved. */
static uint32_t floor_forward(struct floor_side *in, struct floor_side *out)
{
	uint32_t idx_rx, idx_tx, n, whole = 0;

	floor_recycle(out, in);
	n = xsk_ring_cons__peek(&in->rx, FLOOR_BATCH, &idx_rx);
	for (uint32_t i = 0; i < n; i++)
		if (!(xsk_ring_cons__rx_desc(&in->rx, idx_rx + i)->options & XDP_PKT_CONTD))
			whole = i + 1;
	in->rx.cached_cons -= n - whole;   /* the tail of an unfinished packet is read again next time */
	if (!whole)
		return 0;
	if (xsk_ring_prod__reserve(&out->tx, whole, &idx_tx) != whole) {
		in->rx.cached_cons -= whole;   /* out's ring is full: kick it, and take these next time */
		sendto(xsk_socket__fd(out->sock), NULL, 0, MSG_DONTWAIT, NULL, 0);
		return 0;
	}
	for (uint32_t i = 0; i < whole; i++)
		*xsk_ring_prod__tx_desc(&out->tx, idx_tx + i) = *xsk_ring_cons__rx_desc(&in->rx, idx_rx + i);
	xsk_ring_prod__submit(&out->tx, whole);
	xsk_ring_cons__release(&in->rx, whole);
	for (int kicks = 0; kicks < 16; kicks++) {   /* copy mode sends on sendto */
		if (sendto(xsk_socket__fd(out->sock), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN &&
		    errno != EBUSY && errno != ENOBUFS)
			break;
		if (__atomic_load_n(out->tx.consumer, __ATOMIC_ACQUIRE) == *out->tx.producer)
			break;
	}
	in->forwarded += whole;
	return whole;
}

int main(int argc, char **argv)
{
	struct xsk_umem_config ucfg = { .fill_size = FLOOR_RING, .comp_size = FLOOR_RING, .frame_size = FLOOR_CHUNK };
	struct floor_side side[2] = { { .ifname = argc > 1 ? argv[1] : "" }, { .ifname = argc > 2 ? argv[2] : "" } };
	size_t size = (size_t)FLOOR_CHUNK * FLOOR_CHUNKS;
	struct xsk_umem *umem = NULL;
	unsigned idle = 0;
	void *area;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: xsk_floor IFACE_A IFACE_B XDP_OBJECT\n");
		return 2;
	}
	if (getenv("XSK_FLOOR_SKB") && strcmp(getenv("XSK_FLOOR_SKB"), "1") == 0)
		floor_xdp_flags = XDP_FLAGS_SKB_MODE;
	signal(SIGTERM, floor_on_signal);
	signal(SIGINT, floor_on_signal);
	area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		perror("xsk_floor: mmap");
		return 1;
	}
	if (floor_attach(&side[0], argv[3]) || floor_attach(&side[1], argv[3]))
		goto out;
	if (xsk_umem__create(&umem, area, size, &side[0].fill, &side[0].comp, &ucfg)) {
		fprintf(stderr, "xsk_floor: cannot register the UMEM\n");
		umem = NULL;
		goto out;
	}
	if (floor_bind(&side[0], umem) || floor_bind(&side[1], umem))
		goto out;
	floor_fill(&side[0], 0, FLOOR_RING);
	floor_fill(&side[1], FLOOR_RING, FLOOR_RING);
	/* the other half of the chunks covers frames on the transmit rings and in flight */
	while (!floor_stop) {
		uint32_t n = floor_forward(&side[0], &side[1]) + floor_forward(&side[1], &side[0]);

		if (n) {
			idle = 0;
		} else if (++idle >= 512) {   /* idle like vtepd's worker: spin, then nap */
			struct timespec ts = { .tv_sec = 0, .tv_nsec = idle < 2048 ? 10000 : 100000 };

			nanosleep(&ts, NULL);
		}
	}
	printf("xsk_floor: %s -> %s %lu frames, %s -> %s %lu frames\n", side[0].ifname, side[1].ifname,
	       side[0].forwarded, side[1].ifname, side[0].ifname, side[1].forwarded);
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (side[i].sock)
			xsk_socket__delete(side[i].sock);
	}
	if (umem)
		xsk_umem__delete(umem);
	for (int i = 0; i < 2; i++) {
		if (side[i].ifindex && side[i].obj)
			bpf_xdp_detach(side[i].ifindex, floor_xdp_flags, NULL);
		if (side[i].obj)
			bpf_object__close(side[i].obj);
	}
	munmap(area, size);
	return rc;
}
