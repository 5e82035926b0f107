/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hugemem.h: memory for the control thread's big tables (the EVPN RIB's pools and bucket
 * arrays, the route RIB's entry chunks). On these VMs the first touch of a 4 KiB page costs
 * 9 to 18 us even when populated, of a 2 MiB huge page's 4 KiB about 0.1 us, so large chunks
 * are taken as hugetlbfs pages (MAP_HUGETLB), populated at once. The same pool of huge pages
 * feeds DPDK, which allocates from it at run time (a VRF's route table, a rebuilt IPv6 FIB,
 * another vtepd instance): a huge page is taken only while more than a reserve (a quarter of
 * the pool, at least HUGEMEM_RESERVE_MIN pages) stays free, else ordinary 4 KiB pages, also
 * populated. Both come zeroed.
 */
#ifndef VTEP_HUGEMEM_H
#define VTEP_HUGEMEM_H

#include <stdbool.h>
#include <stddef.h>

#define HUGEMEM_PAGE (2u << 20)
#define HUGEMEM_RESERVE_MIN 128u

/*
 * Maps huge_len bytes (rounded up to HUGEMEM_PAGE) in huge pages when the reserve allows, else
 * small_len bytes in 4 KiB pages. Returns the mapping and its length in *mapped, or NULL.
 */
void *hugemem_map(size_t huge_len, size_t small_len, size_t *mapped);
void hugemem_unmap(void *p, size_t mapped);
/* Whether the pool has a page for us above the reserve (hugemem_map's test). */
bool hugemem_room(size_t pages);

#endif
