/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * objpool.c: fixed-size object pools (see objpool.h). A chunk starts with one pointer to the
 * previous chunk; objects follow, 16-byte aligned.
 */
#include "objpool.h"

#include "hugemem.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define OBJPOOL_PLAIN_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OBJPOOL_PLAIN_MALLOC 1
#endif
#endif

#define OBJPOOL_FIRST_CHUNK (64u << 10)
#define OBJPOOL_MAX_CHUNK (2u << 20)
#define OBJPOOL_HDR 16u              /* the previous chunk, and this one's size when it is mapped */
#define OBJPOOL_MAP_CHUNK (256u << 10)  /* chunks this big are mapped, not malloc'd */
#define OBJPOOL_HUGE_CHUNK (2u << 20)   /* a mapped chunk is one 2 MiB huge page when there is one */

void objpool_init(struct objpool *p, size_t obj_size)
{
	p->obj_size = (obj_size + 15) & ~(size_t)15;
	p->free_list = NULL;
	p->cur = p->end = NULL;
	p->chunks = NULL;
	p->chunk_bytes = OBJPOOL_FIRST_CHUNK;
}

#ifdef OBJPOOL_PLAIN_MALLOC
void *objpool_alloc(struct objpool *p)
{
	return malloc(p->obj_size);
}

void objpool_free(struct objpool *p, void *obj)
{
	(void)p;
	free(obj);
}

void objpool_destroy(struct objpool *p)
{
	(void)p;
}
#else
static int objpool_grow(struct objpool *p)
{
	size_t bytes = p->chunk_bytes;
	unsigned char *c;

	if (bytes < OBJPOOL_HDR + p->obj_size)
		bytes = OBJPOOL_HDR + p->obj_size;
	if (bytes >= OBJPOOL_MAP_CHUNK) {
		/* a huge page while the pool has room, else 4 KiB pages, populated at once */
		size_t mapped;

		c = hugemem_map(OBJPOOL_HUGE_CHUNK, bytes, &mapped);
		if (c == NULL)
			return ENOMEM;
		bytes = mapped;
		((size_t *)(void *)c)[1] = bytes;
	} else {
		c = malloc(bytes);
		if (!c)
			return ENOMEM;
		((size_t *)(void *)c)[1] = 0;
	}
	*(void **)c = p->chunks;
	p->chunks = c;
	p->cur = c + OBJPOOL_HDR;
	p->end = c + bytes;
	if (p->chunk_bytes < OBJPOOL_MAX_CHUNK)
		p->chunk_bytes *= 2;
	return 0;
}

void *objpool_alloc(struct objpool *p)
{
	void *o = p->free_list;

	if (o) {
		p->free_list = *(void **)o;
		return o;
	}
	if ((size_t)(p->end - p->cur) < p->obj_size && objpool_grow(p) != 0)
		return NULL;
	o = p->cur;
	p->cur += p->obj_size;
	return o;
}

void objpool_free(struct objpool *p, void *obj)
{
	if (!obj)
		return;
	*(void **)obj = p->free_list;
	p->free_list = obj;
}

void objpool_destroy(struct objpool *p)
{
	while (p->chunks) {
		void *c = p->chunks;

		size_t mapped = ((size_t *)c)[1];

		p->chunks = *(void **)c;
		if (mapped)
			hugemem_unmap(c, mapped);
		else
			free(c);
	}
	p->free_list = NULL;
	p->cur = p->end = NULL;
}
#endif
