/* SPDX-License-Identifier: BSD-3-Clause */
/* test_metrics.c: the Prometheus text format of metrics.c: HELP and TYPE lines, samples, label escaping. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

START_TEST(test_family_and_samples)
{
	struct ctl_buf b = { 0 };

	ck_assert_str_eq(metrics_body(&b), "");
	metrics_family(&b, "vtepd_port_rx_packets_total", METRICS_COUNTER, "Frames received on the port.");
	metrics_sample(&b, "vtepd_port_rx_packets_total", 42, "port", "c1", "vni", "100", NULL);
	metrics_sample(&b, "vtepd_port_rx_packets_total", UINT64_MAX, "port", "eth0", "vni", NULL, NULL);
	metrics_family(&b, "vtepd_fdb_entries", METRICS_GAUGE, "MACs.");
	metrics_sample(&b, "vtepd_fdb_entries", 0, NULL);
	ck_assert_str_eq(metrics_body(&b),
			 "# HELP vtepd_port_rx_packets_total Frames received on the port.\n"
			 "# TYPE vtepd_port_rx_packets_total counter\n"
			 "vtepd_port_rx_packets_total{port=\"c1\",vni=\"100\"} 42\n"
			 "vtepd_port_rx_packets_total{port=\"eth0\"} 18446744073709551615\n"
			 "# HELP vtepd_fdb_entries MACs.\n"
			 "# TYPE vtepd_fdb_entries gauge\n"
			 "vtepd_fdb_entries 0\n");
	ck_assert_uint_eq(b.len, strlen(metrics_body(&b)));
	ctl_buf_free(&b);
	ck_assert_ptr_null(b.p);
}
END_TEST

/* Label values escape \, " and newline; HELP escapes \ and newline, never quotes. */
START_TEST(test_escaping)
{
	struct ctl_buf b = { 0 };

	metrics_family(&b, "m", METRICS_GAUGE, "a \"quoted\" \\ help\nline");
	metrics_sample(&b, "m", 1, "port", "we\"ird\\na\nme", "x", "", NULL);
	ck_assert_str_eq(metrics_body(&b),
			 "# HELP m a \"quoted\" \\\\ help\\nline\n"
			 "# TYPE m gauge\n"
			 "m{port=\"we\\\"ird\\\\na\\nme\",x=\"\"} 1\n");
	ctl_buf_free(&b);
}
END_TEST

/* All labels left out: no braces; the array form is the same writer. */
START_TEST(test_labels_vector)
{
	struct ctl_buf b = { 0 };
	const char *keys[] = { "a", "b", "c" };
	const char *vals[] = { NULL, "2", "3" };
	const char *none[] = { NULL };

	metrics_sample_v(&b, "m", 7, 3, keys, vals);
	metrics_sample_v(&b, "m", 8, 1, keys, none);
	ck_assert_str_eq(metrics_body(&b), "m{b=\"2\",c=\"3\"} 7\nm 8\n");
	ctl_buf_free(&b);
}
END_TEST

/* A body larger than the first allocation grows; every line intact. */
START_TEST(test_large_body)
{
	struct ctl_buf b = { 0 };
	const char *p;
	int lines = 0;

	for (int i = 0; i < 20000; i++)
		metrics_sample(&b, "vtepd_vni_macs", (uint64_t)i, "vni", "16777215", NULL);
	p = metrics_body(&b);
	ck_assert_ptr_nonnull(p);
	for (; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 20000);
	ck_assert(strstr(metrics_body(&b), "vtepd_vni_macs{vni=\"16777215\"} 19999\n") != NULL);
	ctl_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("format");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_family_and_samples);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_labels_vector);
	tcase_add_test(tc, test_large_body);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
