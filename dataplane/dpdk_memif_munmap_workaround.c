/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk_memif_munmap_workaround.c: a workaround for a DPDK 22.11 net_memif bug.
 *
 * The bug: when a memif client leaves, the PMD disconnects in EAL's interrupt thread: it
 * clears the port's "connected" flag (which every rx/tx burst checks first) and then
 * munmap()s the rings and buffers, with nothing to wait for a burst already past that
 * check. A fast-path burst in flight then touches unmapped memory: it crashed vtepd three
 * times in about a hundred client departures under load (SEGV in eth_memif_tx).
 *
 * What it does: vtepd interposes munmap (exported from the executable, see
 * control/meson.build): called from the interrupt thread, it first waits for an RCU grace
 * period of the fast path (the lcore reports a quiescent state after every poll round,
 * and is offline while it sleeps), so every burst that could still see the mapping has
 * finished. Calls from any other thread, and all calls while no qsbr is set
 * (dpdk_memif_munmap_workaround_set), go straight to the next munmap.
 *
 * When it can go: once DPDK's memif PMD synchronises its disconnect with the bursts in
 * flight, i.e. when vtepd moves past DPDK 22.11 to a release whose memif_disconnect waits
 * for them before unmapping, and test/integration/t14_memif_churn.sh (clients killed under
 * traffic; the race is rare, so many rounds: VT_CHURN_ROUNDS) stays clean without this
 * file. Then delete it, its header, the two calls in control/vtepd.c and the export and
 * dependency in control/meson.build.
 */
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>

#include <rte_interrupts.h>
#include <rte_rcu_qsbr.h>

#include "dpdk_memif_munmap_workaround.h"

static struct rte_rcu_qsbr *_Atomic workaround_qsbr;

void dpdk_memif_munmap_workaround_set(struct rte_rcu_qsbr *qsbr)
{
	atomic_store(&workaround_qsbr, qsbr);
}

/* libc's munmap, so libc's convention: 0, or -1 with errno set (the real munmap's). */
int munmap(void *addr, size_t len)
{
	static int (*_Atomic next_munmap)(void *, size_t);
	int (*next)(void *, size_t) = atomic_load(&next_munmap);
	struct rte_rcu_qsbr *q = atomic_load(&workaround_qsbr);

	if (!next) {
		*(void **)&next = dlsym(RTLD_NEXT, "munmap");
		atomic_store(&next_munmap, next);
	}
	if (q && rte_thread_is_intr())
		rte_rcu_qsbr_synchronize(q, RTE_QSBR_THRID_INVALID);
	return next(addr, len);
}
