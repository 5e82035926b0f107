/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_check.h: what a fuzz target calls a broken promise: it says which, and aborts. */
#ifndef VTEP_FUZZ_CHECK_H
#define VTEP_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define FZ_CHECK(c)                                                                                    \
	do {                                                                                           \
		if (!(c)) {                                                                            \
			fprintf(stderr, "fuzz: check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__);   \
			abort();                                                                       \
		}                                                                                      \
	} while (0)

#endif
