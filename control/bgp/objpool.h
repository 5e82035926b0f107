/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * objpool.h: fixed-size object pools for the control thread's tables (the EVPN RIB's
 * routes, MACs and IP-VRF prefixes). Objects are carved from chunks that grow geometrically
 * up to 2 MiB, and freed objects are reused. Chunks of 256 KiB and more are mapped by hugemem
 * (common/hugemem.h): one 2 MiB huge page while the pool of huge pages has room above DPDK's
 * reserve, else 4 KiB pages, populated at once; with 4 KiB pages the first touches were most
 * of route ingest on these VMs. (Transparent huge pages were tried: their first-touch zeroing
 * made route ingest twice as slow.) Huge pages count in a process's HugetlbPages, not its
 * VmRSS. Memory
 * goes back to the system only when the pool is destroyed. Under
 * AddressSanitizer every object is its own malloc, so the sanitizer still sees each one.
 * Not thread-safe: one thread owns a pool.
 */
#ifndef VTEP_OBJPOOL_H
#define VTEP_OBJPOOL_H

#include <stddef.h>

struct objpool {
	size_t obj_size;          /* rounded up to 16 bytes */
	void *free_list;          /* freed objects, linked through their first word */
	unsigned char *cur, *end; /* the unused part of the newest chunk */
	void *chunks;             /* every chunk, linked through its first word */
	size_t chunk_bytes;       /* the size of the next chunk */
};

void objpool_init(struct objpool *p, size_t obj_size);
void *objpool_alloc(struct objpool *p);   /* not zeroed; NULL without memory */
void objpool_free(struct objpool *p, void *obj);
void objpool_destroy(struct objpool *p);

#endif
