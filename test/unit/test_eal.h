/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_eal.h: the end of a unit test that ran DPDK's EAL: clean it up and remove the runtime
 * directory EAL made for the test's --file-prefix (empty with --no-shconf, but left behind).
 */
#ifndef VTEP_TEST_EAL_H
#define VTEP_TEST_EAL_H

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>

static inline void test_eal_cleanup(void)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
}

#endif
