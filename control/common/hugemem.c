/* SPDX-License-Identifier: BSD-3-Clause */
/* hugemem.c: huge-page-backed mappings for the control thread's tables (see hugemem.h). */
#include "hugemem.h"

#include <stdio.h>
#include <sys/mman.h>

#define HUGEMEM_SYSFS "/sys/kernel/mm/hugepages/hugepages-2048kB/"

static long hugemem_read(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), HUGEMEM_SYSFS "%s", name);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

bool hugemem_room(size_t pages)
{
	long total = hugemem_read("nr_hugepages"), free_pages = hugemem_read("free_hugepages"),
	     resv = hugemem_read("resv_hugepages");
	long reserve;

	if (total <= 0 || free_pages < 0 || resv < 0)
		return false;
	reserve = total / 4 > (long)HUGEMEM_RESERVE_MIN ? total / 4 : (long)HUGEMEM_RESERVE_MIN;
	return free_pages - resv - (long)pages >= reserve;
}

void *hugemem_map(size_t huge_len, size_t small_len, size_t *mapped)
{
	size_t len = (huge_len + HUGEMEM_PAGE - 1) & ~((size_t)HUGEMEM_PAGE - 1);
	void *p;

	if (len > 0 && hugemem_room(len / HUGEMEM_PAGE)) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE,
			 -1, 0);
		if (p != MAP_FAILED) {
			*mapped = len;
			return p;
		}
	}
	p = mmap(NULL, small_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*mapped = small_len;
	return p;
}

void hugemem_unmap(void *p, size_t mapped)
{
	if (p != NULL && mapped > 0)
		munmap(p, mapped);
}
