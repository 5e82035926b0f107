/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_loopback.h: what the unit tests that run BGP speakers over TCP on loopback share (the
 * fabric's speaker against a raw peer in test_fabric_l3, two speakers in test_local_adv):
 * the monotonic clock in milliseconds, and a free TCP port on a loopback address.
 */
#ifndef VTEP_TEST_LOOPBACK_H
#define VTEP_TEST_LOOPBACK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

static inline uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A TCP port free on addr (a loopback address, e.g. "127.0.0.1") a moment ago. */
static inline uint16_t free_port(const char *addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t p;

	ck_assert_int_ge(fd, 0);
	sin.sin_addr.s_addr = inet_addr(addr);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	p = ntohs(sin.sin_port);
	close(fd);
	return p;
}

#endif
