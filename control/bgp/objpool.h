/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * objpool.h: fixed-size object pools for the control thread's tables (the EVPN RIB's
 * routes, MACs and IP-VRF prefixes). Objects are carved from chunks that grow geometrically
 * up to 2 MiB, and freed objects are reused. Chunks of 256 KiB and more are mapped with
 * MAP_POPULATE: their pages come in one system call, not one page fault each, which on
 * these VMs took a third of route ingest. (Transparent huge pages for the chunks were tried:
 * on these VMs first-touch zeroing of huge pages made route ingest twice as slow.) Memory
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
