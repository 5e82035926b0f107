/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xdp.c: Check tests of the XDP hook ownership in dataplane/xdp.c (vtep_xdp_claim)
 * against the real kernel. They need root: without it the program says so and exits 77
 * (skipped). Each test runs in its own forked process that first unshares its network
 * namespace: the veth, the programs attached to it and the name of the lock
 * file (which carries the namespace) are the test's alone.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>

#include <check.h>

#include "xdp.h"

#define IF "vtx0"

static void setup(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ck_assert_int_eq(system("ip link add " IF " type veth peer name vtx1 && ip link set " IF " up"), 0);
}

/* A program that passes everything, loaded under name; attached (generic XDP) to IF. Returns its id. */
static uint32_t attach_prog(const char *name)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", insns, 2, NULL);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bpf_xdp_attach((int)if_nametoindex(IF), fd, XDP_FLAGS_SKB_MODE, NULL), 0);
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	close(fd);
	return info.id;
}

static uint32_t attached_id(void)
{
	uint32_t id = 0;

	ck_assert_int_eq(bpf_xdp_query_id((int)if_nametoindex(IF), 0, &id), 0);
	return id;
}

START_TEST(test_claim_owner_alive)
{
	struct vtep_xdp_prog removed;
	char err[256], want[128];
	int fd1, fd2;

	ck_assert_int_eq(vtep_xdp_claim(IF, "leaf1", &fd1, &removed, err, sizeof(err)), 0);
	ck_assert_int_ge(fd1, 0);
	ck_assert_uint_eq(removed.id, 0);
	/* a program of ours while its owner lives: a second claimant touches nothing */
	uint32_t id = attach_prog("vtep_xdp_underl");
	ck_assert_int_eq(vtep_xdp_claim(IF, "leaf2", &fd2, &removed, err, sizeof(err)), EBUSY);
	ck_assert_int_eq(fd2, -1);
	snprintf(want, sizeof(want), IF " is in use by vtepd 'leaf1' (pid %d)", (int)getpid());
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_uint_eq(attached_id(), id);
	/* the owner gone: its program is an orphan, the next claim removes it */
	vtep_xdp_release(IF, fd1);
	ck_assert_int_eq(vtep_xdp_claim(IF, "leaf2", &fd2, &removed, err, sizeof(err)), 0);
	ck_assert_uint_eq(removed.id, id);
	ck_assert_str_eq(removed.name, "vtep_xdp_underl");
	ck_assert_uint_eq(attached_id(), 0);
	vtep_xdp_release(IF, fd2);
}
END_TEST

START_TEST(test_claim_foreign)
{
	char err[256], want[128];
	uint32_t id = attach_prog("foreign");
	int fd;

	ck_assert_int_eq(vtep_xdp_claim(IF, "leaf1", &fd, NULL, err, sizeof(err)), EBUSY);
	ck_assert_int_eq(fd, -1);
	snprintf(want, sizeof(want), IF " has a foreign XDP program 'foreign' (id %u) attached", id);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_uint_eq(attached_id(), id);
	/* vtep_xdp_remove_ours() leaves it too */
	ck_assert_int_eq(vtep_xdp_remove_ours(IF, err, sizeof(err)), EBUSY);
	ck_assert_uint_eq(attached_id(), id);
}
END_TEST

START_TEST(test_claim_errors)
{
	char err[256];
	int fd;

	ck_assert_int_eq(vtep_xdp_claim("no-such-if0", "leaf1", &fd, NULL, err, sizeof(err)), ENODEV);
	ck_assert_int_eq(fd, -1);
	ck_assert_msg(strstr(err, "no-such-if0") != NULL, "%s", err);
	ck_assert_int_eq(vtep_xdp_claim("a/b", "leaf1", &fd, NULL, err, sizeof(err)), EINVAL);
	ck_assert_int_eq(vtep_xdp_remove_ours(IF, err, sizeof(err)), 0);   /* nothing attached */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("xdp");
	TCase *tc = tcase_create("claim");
	SRunner *sr;
	int failed;

	if (geteuid() != 0) {
		printf("test_xdp: needs root (network namespaces, XDP); skipped\n");
		return 77;
	}
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_claim_owner_alive);
	tcase_add_test(tc, test_claim_foreign);
	tcase_add_test(tc, test_claim_errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
