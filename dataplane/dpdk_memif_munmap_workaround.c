/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memif_guard.c: keeps DPDK 22.11's net_memif from unmapping a client's shared memory under
 * the fast path. When a memif client leaves, the PMD disconnects in EAL's interrupt thread:
 * it clears the port's "connected" flag (which every rx/tx burst checks first) and then
 * munmap()s the rings and buffers, with nothing to wait for a burst already past that check.
 * vtepd interposes munmap (exported from the executable, see control/meson.build): called
 * from the interrupt thread, it first waits for an RCU grace period of the fast path (the
 * lcore reports a quiescent state after every poll round, and is offline while it sleeps),
 * so every burst that could still see the mapping has finished. Calls from any other thread,
 * and all calls while no guard is set, go straight to the next munmap.
 */
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>

#include <rte_interrupts.h>
#include <rte_rcu_qsbr.h>

#include "switch.h"

static struct rte_rcu_qsbr *_Atomic memif_guard_qsbr;

void vtepd_memif_guard_set(struct rte_rcu_qsbr *qsbr)
{
	atomic_store(&memif_guard_qsbr, qsbr);
}

int munmap(void *addr, size_t len)
{
	static int (*_Atomic next_munmap)(void *, size_t);
	int (*next)(void *, size_t) = atomic_load(&next_munmap);
	struct rte_rcu_qsbr *q = atomic_load(&memif_guard_qsbr);

	if (!next) {
		*(void **)&next = dlsym(RTLD_NEXT, "munmap");
		atomic_store(&next_munmap, next);
	}
	if (q && rte_thread_is_intr())
		rte_rcu_qsbr_synchronize(q, RTE_QSBR_THRID_INVALID);
	return next(addr, len);
}
