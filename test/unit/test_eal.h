/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_eal.h: DPDK's EAL for a unit test: started without hugepages, PCI, shared config or
 * telemetry, on lcore 0, with a --file-prefix of the test's own; and at the end cleaned up with
 * the runtime directory EAL made for that prefix (empty with --no-shconf, but left behind).
 */
#ifndef VTEP_TEST_EAL_H
#define VTEP_TEST_EAL_H

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

/* 0, or -1 with the reason on stderr. name: the test's program name; mem_mb: its memory. */
static inline int test_eal_init(const char *name, unsigned mem_mb)
{
	/* static: EAL may keep pointers into its arguments */
	static char prog[64], mem[16], prefix[96], a1[] = "--no-huge", a2[] = "-m", a4[] = "--no-pci",
	     a5[] = "--no-shconf", a6[] = "--no-telemetry", a8[] = "-l", a9[] = "0",
	     a10[] = "--log-level=lib.eal:error";
	static char *argv[] = { prog, a1, a2, mem, a4, a5, a6, prefix, a8, a9, a10, NULL };

	snprintf(prog, sizeof(prog), "%s", name);
	snprintf(mem, sizeof(mem), "%u", mem_mb);
	snprintf(prefix, sizeof(prefix), "--file-prefix=vtepd_%s", name);
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed: %s\n", name, rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static inline void test_eal_cleanup(void)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
}

#endif
