/* SPDX-License-Identifier: BSD-3-Clause */
/* test_hex.h: hex strings (spaces allowed) to bytes, for the wire-format tests' vectors. */
#ifndef VTEP_TEST_HEX_H
#define VTEP_TEST_HEX_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>

static inline size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		unsigned v;

		if (*s == ' ') {
			s++;
			continue;
		}
		ck_assert_msg(sscanf(s, "%2x", &v) == 1, "bad hex at '%s'", s);
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

#endif
