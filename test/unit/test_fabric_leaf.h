/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fabric_leaf.h: what test_fabric_l3 and test_fabric_peers share to run the real
 * fabric_start() on a switch that has just what the speaker reads: the stand-in for the
 * switch's VTEP table (vtepd_vtep_get), the switch's base (an FDB, the epoll descriptor, name
 * leaf1, VTEP address 10.0.0.1) and the bgp section's globals (listening on 127.0.0.1 at a
 * free port), its teardown, and one step of the speaker. Each test adds its VNIs, VRFs and
 * neighbours. Include it in one source file of a test program (it defines vtepd_vtep_get).
 */
#ifndef VTEP_TEST_FABRIC_LEAF_H
#define VTEP_TEST_FABRIC_LEAF_H

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <check.h>

#include "test_loopback.h"
#include "fabric.h"
#include "fdb.h"
#include "switch.h"

/*
 * The switch's VTEP table, as vteps.c keeps it (without resolving): the speaker asks for the
 * VTEPs of remote MACs, flood lists and the VRFs' routes (vrfs.c). Ids are handed out from 5
 * on, so a route naming VTEP id 0 by mistake shows.
 */
int vtepd_vtep_get(struct vtepd *dd, uint32_t ip, bool dynamic, uint16_t *id)
{
	(void)dynamic;
	ck_assert_uint_ne(ip, 0);
	for (uint16_t i = 0; i < VTEP_MAX_VTEPS; i++) {
		if (dd->vteps[i].ip == ip) {
			*id = i;
			return 0;
		}
	}
	for (uint16_t i = 5; i < VTEP_MAX_VTEPS; i++) {
		if (!dd->vteps[i].ip) {
			dd->vteps[i].ip = ip;
			*id = i;
			return 0;
		}
	}
	return ENOSPC;
}

/*
 * d made anew: an FDB named fdb_name, an epoll descriptor, name leaf1, VTEP 10.0.0.1, and bgp
 * enabled in AS asn (router id 1.1.1.1, hold time 90, advertise, LOCAL_PREF 100, auto
 * rt_match_vni_only, duplicate detection 5 moves in 180 s) listening on 127.0.0.1 at a free
 * port (*port). No VNIs, VRFs or neighbours yet.
 */
static inline void test_fabric_leaf(struct vtepd *d, const char *fdb_name, uint32_t asn, uint16_t *port)
{
	memset(d, 0, sizeof(*d));
	d->fdb = fdb_create(fdb_name, 1024, NULL);
	ck_assert_ptr_nonnull(d->fdb);
	d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	ck_assert_int_ge(d->epoll_fd, 0);
	snprintf(d->cfg.name, sizeof(d->cfg.name), "leaf1");
	d->cfg.source_ip = inet_addr("10.0.0.1");

	*port = free_port("127.0.0.1");   /* for the speaker's listener */
	d->cfg.bgp.enabled = true;
	d->cfg.bgp.asn = asn;
	d->cfg.bgp.router_id = inet_addr("1.1.1.1");
	d->cfg.bgp.port = *port;
	d->cfg.bgp.n_listen = 1;
	d->cfg.bgp.listen[0] = inet_addr("127.0.0.1");
	d->cfg.bgp.hold_time = 90;
	d->cfg.bgp.advertise_local = true;
	d->cfg.bgp.local_pref = 100;
	d->cfg.bgp.rt_match_vni_only = -1;
	d->cfg.bgp.dup_max_moves = 5;
	d->cfg.bgp.dup_window_sec = 180;
}

static inline void test_fabric_leaf_free(struct vtepd *d)
{
	fabric_stop(d);
	fdb_destroy(d->fdb);
	close(d->epoll_fd);
}

/* The speaker's work of one pass of the daemon's loop: its sockets (waiting up to 1 ms), its tick. */
static inline void test_fabric_step(struct vtepd *d)
{
	struct pollfd pfd = { .fd = fabric_fd(d), .events = POLLIN };

	poll(&pfd, 1, 1);
	fabric_process(d);
	fabric_tick(d);
}

#endif
