/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xsk.c: the multi-buffer AF_XDP port (see xsk.h), on libxdp's socket rings and libbpf.
 *
 * UMEM: XSK_FRAMES frames of 4 KiB; half of them start on the fill ring, the other half
 * are the transmit free list. Receive copies a packet's frames into an mbuf and gives the
 * frames straight back to the fill ring; transmit copies an mbuf into free frames, one
 * descriptor each (XDP_PKT_CONTD on all but the last), and takes frames back from the
 * completion ring. Copy mode is what a veth offers anyway, so the copies cost what the
 * kernel's own copy costs, not more.
 */
#include "xsk.h"

#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <xdp/xsk.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4)         /* linux/if_xdp.h of Linux 6.6 */
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0)
#endif

#define XSK_FRAME 4096u
#define XSK_FRAMES 4096u
#define XSK_RING 2048u
#define XSK_RX_BATCH 64u

struct dp_xsk {
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_socket *sock;
	struct xsk_umem *umem;
	void *area;
	int fd;
	struct rte_mempool *pool;
	struct rte_mbuf *partial;       /* a packet whose last frame has not come yet */
	bool partial_drop;              /* ... which is being dropped */
	uint32_t n_free;
	uint64_t free_frames[XSK_FRAMES / 2];
	uint32_t outstanding;           /* frames on the transmit ring or in flight */
	struct dp_xsk_stats stats;
	/* control side */
	struct bpf_object *obj;
	int ifindex;
	char ifname[IF_NAMESIZE];
};

static void dp_xsk_detach(struct dp_xsk *x)
{
	if (x->ifindex)
		bpf_xdp_detach(x->ifindex, 0, NULL);
	x->ifindex = 0;
}

void dp_xsk_close(struct dp_xsk *x)
{
	if (!x)
		return;
	rte_pktmbuf_free(x->partial);
	if (x->sock)
		xsk_socket__delete(x->sock);
	if (x->umem)
		xsk_umem__delete(x->umem);
	dp_xsk_detach(x);
	if (x->obj)
		bpf_object__close(x->obj);
	if (x->area)
		munmap(x->area, (size_t)XSK_FRAME * XSK_FRAMES);
	rte_free(x);
}

static int dp_xsk_attach_program(struct dp_xsk *x, const char *xdp_obj, char *err, size_t errlen)
{
	struct bpf_program *prog;
	int rc;

	x->obj = bpf_object__open_file(xdp_obj, NULL);
	if (libbpf_get_error(x->obj)) {
		rc = (int)-libbpf_get_error(x->obj);
		x->obj = NULL;
		snprintf(err, errlen, "cannot open XDP object %s: %s", xdp_obj, strerror(rc));
		return rc;
	}
	prog = bpf_object__next_program(x->obj, NULL);
	if (!prog) {
		snprintf(err, errlen, "XDP object %s has no program", xdp_obj);
		return ENOENT;
	}
	rc = bpf_object__load(x->obj);
	if (rc) {
		snprintf(err, errlen, "cannot load XDP object %s: %s", xdp_obj, strerror(-rc));
		return -rc;
	}
	bpf_xdp_detach(x->ifindex, 0, NULL);   /* a killed vtepd's program */
	rc = bpf_xdp_attach(x->ifindex, bpf_program__fd(prog), 0, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot attach the XDP program to %s: %s", x->ifname, strerror(-rc));
		x->ifindex = 0;
		return -rc;
	}
	return 0;
}

int dp_xsk_open(const char *ifname, const char *xdp_obj, struct rte_mempool *pool, struct dp_xsk **out, char *err,
		size_t errlen)
{
	struct xsk_umem_config ucfg = { .fill_size = XSK_RING, .comp_size = XSK_RING, .frame_size = XSK_FRAME,
					.frame_headroom = 0, .flags = 0 };
	struct xsk_socket_config scfg = { .rx_size = XSK_RING, .tx_size = XSK_RING,
					  .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD, .xdp_flags = 0,
					  .bind_flags = XDP_USE_SG };
	struct dp_xsk *x = rte_zmalloc("vtep_xsk", sizeof(*x), RTE_CACHE_LINE_SIZE);
	struct bpf_map *map;
	uint32_t idx, queue = 0;
	int rc;

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	x->fd = -1;
	x->pool = pool;
	snprintf(x->ifname, sizeof(x->ifname), "%s", ifname);
	x->ifindex = (int)if_nametoindex(ifname);
	if (!x->ifindex) {
		snprintf(err, errlen, "no interface %s", ifname);
		rte_free(x);
		return ENODEV;
	}
	rc = dp_xsk_attach_program(x, xdp_obj, err, errlen);
	if (rc)
		goto fail;
	x->area = mmap(NULL, (size_t)XSK_FRAME * XSK_FRAMES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		rc = errno;
		snprintf(err, errlen, "cannot map the UMEM: %s", strerror(rc));
		goto fail;
	}
	rc = -xsk_umem__create(&x->umem, x->area, (uint64_t)XSK_FRAME * XSK_FRAMES, &x->fill, &x->comp, &ucfg);
	if (rc) {
		x->umem = NULL;
		snprintf(err, errlen, "cannot register the UMEM: %s", strerror(rc));
		goto fail;
	}
	rc = -xsk_socket__create(&x->sock, ifname, 0, x->umem, &x->rx, &x->tx, &scfg);
	if (rc) {
		x->sock = NULL;
		snprintf(err, errlen, "cannot bind a multi-buffer AF_XDP socket to %s (Linux 6.6 or later is needed): %s",
			 ifname, strerror(rc));
		goto fail;
	}
	x->fd = xsk_socket__fd(x->sock);
	map = bpf_object__find_map_by_name(x->obj, "xsks_map");
	if (!map || bpf_map_update_elem(bpf_map__fd(map), &queue, &x->fd, BPF_ANY)) {
		rc = map ? errno : ENOENT;
		snprintf(err, errlen, "cannot put the socket in the XDP program's xsks_map: %s", strerror(rc));
		goto fail;
	}
	/* the first half of the frames waits for packets, the second half for transmits */
	if (xsk_ring_prod__reserve(&x->fill, XSK_FRAMES / 2, &idx) != XSK_FRAMES / 2) {
		rc = ENOSPC;
		snprintf(err, errlen, "cannot fill the UMEM fill ring");
		goto fail;
	}
	for (uint32_t i = 0; i < XSK_FRAMES / 2; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) = (uint64_t)i * XSK_FRAME;
	xsk_ring_prod__submit(&x->fill, XSK_FRAMES / 2);
	for (uint32_t i = 0; i < XSK_FRAMES / 2; i++)
		x->free_frames[x->n_free++] = (uint64_t)(XSK_FRAMES / 2 + i) * XSK_FRAME;
	*out = x;
	return 0;
fail:
	dp_xsk_close(x);
	return rc;
}

uint16_t dp_xsk_rx(struct dp_xsk *x, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t idx_rx, idx_fill, got, peeked;
	uint16_t done = 0;

	got = peeked = xsk_ring_cons__peek(&x->rx, XSK_RX_BATCH, &idx_rx);
	if (!got)
		return 0;
	/* Consume no more than the packets asked for: stop after the n-th packet's last frame. */
	for (uint32_t i = 0; i < got; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx_rx + i);
		const void *data = xsk_umem__get_data(x->area, d->addr);
		bool last = !(d->options & XDP_PKT_CONTD);

		if (!x->partial && !x->partial_drop) {
			x->partial = rte_pktmbuf_alloc(x->pool);
			if (!x->partial) {
				x->stats.rx_no_mbuf++;
				x->partial_drop = true;
			}
		}
		if (x->partial) {
			char *p = rte_pktmbuf_append(x->partial, (uint16_t)d->len);

			if (p) {
				memcpy(p, data, d->len);
			} else {
				x->stats.rx_too_long++;
				rte_pktmbuf_free(x->partial);
				x->partial = NULL;
				x->partial_drop = true;
			}
		}
		if (last) {
			if (x->partial)
				pkts[done++] = x->partial;
			x->partial = NULL;
			x->partial_drop = false;
		}
		if (last && done == n) {
			got = i + 1;
			break;
		}
	}
	/* every frame goes straight back to the kernel */
	while (xsk_ring_prod__reserve(&x->fill, got, &idx_fill) != got)
		;
	for (uint32_t i = 0; i < got; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx_fill + i) =
			xsk_ring_cons__rx_desc(&x->rx, idx_rx + i)->addr & ~(uint64_t)(XSK_FRAME - 1);
	xsk_ring_prod__submit(&x->fill, got);
	xsk_ring_cons__release(&x->rx, got);
	x->rx.cached_cons -= peeked - got;      /* what was peeked but not taken is read again next time */
	return done;
}

static void dp_xsk_reap(struct dp_xsk *x)
{
	uint32_t idx, n = xsk_ring_cons__peek(&x->comp, XSK_RING, &idx);

	for (uint32_t i = 0; i < n; i++)
		x->free_frames[x->n_free++] = *xsk_ring_cons__comp_addr(&x->comp, idx + i) & ~(uint64_t)(XSK_FRAME - 1);
	xsk_ring_cons__release(&x->comp, n);
	x->outstanding -= n;
}

/*
 * Copy mode transmits on sendto, a batch of descriptors per call, and a call can find the
 * socket's send buffer full: kick a few times now, and dp_xsk_poll kicks again later until
 * the kernel has taken the whole ring.
 */
static void dp_xsk_kick(struct dp_xsk *x)
{
	for (int kicks = 0; kicks < 16; kicks++) {
		if (__atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE) == *x->tx.producer)
			return;
		if (sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN && errno != EBUSY &&
		    errno != ENOBUFS)
			return;
	}
}

void dp_xsk_poll(struct dp_xsk *x)
{
	if (x->outstanding) {
		dp_xsk_reap(x);
		if (__atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE) != *x->tx.producer)
			dp_xsk_kick(x);
	}
}

uint16_t dp_xsk_tx(struct dp_xsk *x, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t sent = 0;
	uint32_t descs = 0, idx;

	dp_xsk_reap(x);
	for (; sent < n; sent++) {
		struct rte_mbuf *m = pkts[sent];
		uint32_t len = rte_pktmbuf_pkt_len(m), frames = (len + XSK_FRAME - 1) / XSK_FRAME, off = 0;

		if (frames == 0 || frames > x->n_free || xsk_ring_prod__reserve(&x->tx, frames, &idx) != frames) {
			x->stats.tx_no_frame += n - sent;
			break;
		}
		for (uint32_t f = 0; f < frames; f++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + f);
			uint32_t part = len - off < XSK_FRAME ? len - off : XSK_FRAME;
			uint64_t addr = x->free_frames[--x->n_free];

			void *dst = xsk_umem__get_data(x->area, addr);
			const void *src = rte_pktmbuf_read(m, off, part, dst);   /* copies only across segments */

			if (src != dst)
				memcpy(dst, src, part);
			d->addr = addr;
			d->len = part;
			d->options = f + 1 < frames ? XDP_PKT_CONTD : 0;
			off += part;
		}
		xsk_ring_prod__submit(&x->tx, frames);
		x->outstanding += frames;
		descs += frames;
		rte_pktmbuf_free(m);
	}
	if (descs)
		dp_xsk_kick(x);
	return sent;
}

const struct dp_xsk_stats *dp_xsk_stats(const struct dp_xsk *x)
{
	return &x->stats;
}
