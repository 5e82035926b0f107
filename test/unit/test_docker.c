/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_docker.c: vtepd-docker's requests and state (docker/dk_api.c, dk_state.c) against a
 * fake vtepd that records each command: the protocol's answers, every refusal as {"Err"} with
 * nothing changed (bad JSON, missing fields, wrong types, unknown ids and options), the VNI
 * used, added ('vni add') or refused when vtepd cannot add it and removed only by the last
 * network that needs it, the attach at Join and the detach at Leave or DeleteEndpoint, and
 * the state file kept across a restart.
 */
#include "docker.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the fake vtepd ---- */

static char calls[64][512];
static int n_calls;
static const char *vnis_body;
static int rc_vni, rc_attach, rc_detach;
static const char *msg_vni;

static int fake_call(const char *socket, bool json, int argc, char **argv, char **body, enum ctr_fail *fail,
		     char *err, size_t errlen)
{
	char *c = calls[n_calls < 64 ? n_calls++ : 63];
	int rc = 0;

	(void)json;
	snprintf(c, 512, "%s:", socket);
	for (int i = 0; i < argc; i++)
		snprintf(c + strlen(c), 512 - strlen(c), " %s", argv[i]);
	if (body)
		*body = NULL;
	*fail = CTR_OK;
	if (!strcmp(argv[0], "show")) {
		if (body)
			*body = strdup(vnis_body);
		return 0;
	}
	if (!strcmp(argv[0], "vni"))
		rc = rc_vni;
	else if (!strcmp(argv[0], "attach"))
		rc = rc_attach;
	else if (!strcmp(argv[0], "detach"))
		rc = rc_detach;
	if (rc) {
		*fail = CTR_REFUSED;
		snprintf(err, errlen, "vtepd on %s: %s", socket, !strcmp(argv[0], "vni") && msg_vni ? msg_vni : "no");
	}
	return rc;
}

static struct dk_driver drv;

static void setup(void)
{
	n_calls = 0;
	vnis_body = "{\"vnis\": [{\"vni\": 100}]}";
	rc_vni = rc_attach = rc_detach = 0;
	msg_vni = NULL;
	ck_assert_int_eq(dk_driver_init(&drv, NULL, "/run/vtepd/t.sock", 4242, fake_call), 0);
}

static void teardown(void)
{
	dk_driver_free(&drv);
}

/* The request's answer as JSON (owned by the caller), its HTTP status in *status. */
static json_t *req_status(const char *path, const char *body, unsigned *status)
{
	char *out = dk_handle(&drv, path, body, strlen(body), status);
	json_t *j;

	ck_assert_ptr_nonnull(out);
	j = json_loads(out, 0, NULL);
	ck_assert_msg(j != NULL, "not JSON: %s", out);
	free(out);
	return j;
}

static json_t *req(const char *path, const char *body)
{
	unsigned status;
	json_t *j = req_status(path, body, &status);

	ck_assert_uint_eq(status, 200);
	return j;
}

/* The request is refused with an Err containing want; the state is as before. */
static void refused(const char *path, const char *body, const char *want)
{
	char *before = json_dumps(drv.state, JSON_SORT_KEYS);
	json_t *j = req(path, body);
	const char *e = json_string_value(json_object_get(j, "Err"));
	char *after = json_dumps(drv.state, JSON_SORT_KEYS);

	ck_assert_msg(e && strstr(e, want), "%s %s: Err '%s' lacks '%s'", path, body, e ? e : "(none)", want);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	json_decref(j);
}

static void ok(const char *path, const char *body)
{
	json_t *j = req(path, body);

	ck_assert_msg(!json_object_get(j, "Err"), "%s %s: %s", path, body,
		      json_string_value(json_object_get(j, "Err")));
	json_decref(j);
}

#define NET(id, opts) "{\"NetworkID\": \"" id "\", \"Options\": {\"com.docker.network.generic\": {" opts "}}, " \
	"\"IPv4Data\": [{\"Pool\": \"10.1.0.0/24\", \"Gateway\": \"10.1.0.1/24\"}], \"IPv6Data\": []}"

/* ---- tests ---- */

START_TEST(protocol)
{
	unsigned status;
	json_t *j;

	j = req("/Plugin.Activate", "");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "Implements"), 0)), "NetworkDriver");
	json_decref(j);
	j = req("/NetworkDriver.GetCapabilities", "null");
	ck_assert_str_eq(json_string_value(json_object_get(j, "Scope")), "local");
	json_decref(j);
	j = req_status("/NetworkDriver.Frobnicate", "{}", &status);
	ck_assert_uint_eq(status, 404);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "Err")), "Frobnicate"));
	json_decref(j);
	refused("/NetworkDriver.CreateNetwork", "{\"NetworkID\": ", "bad JSON");
	refused("/NetworkDriver.CreateNetwork", "[]", "not a JSON object");
	refused("/NetworkDriver.CreateNetwork", "", "not a JSON object");
	refused("/NetworkDriver.CreateNetwork", "{\"a\": 1, \"a\": 2}", "bad JSON");
	ok("/NetworkDriver.DiscoverNew", "{\"DiscoveryType\": 1, \"DiscoveryData\": {}}");
	ok("/NetworkDriver.ProgramExternalConnectivity", "{\"NetworkID\": \"n\", \"EndpointID\": \"e\"}");
	ck_assert_int_eq(n_calls, 0);
}
END_TEST

START_TEST(create_network_bad)
{
	refused("/NetworkDriver.CreateNetwork", "{}", "NetworkID is missing");
	refused("/NetworkDriver.CreateNetwork", "{\"NetworkID\": 7}", "NetworkID: expected an id");
	refused("/NetworkDriver.CreateNetwork", "{\"NetworkID\": \"a/b\"}", "NetworkID: expected an id");
	refused("/NetworkDriver.CreateNetwork", "{\"NetworkID\": \"n1\"}", "the VNI is missing");
	refused("/NetworkDriver.CreateNetwork", "{\"NetworkID\": \"n1\", \"Options\": []}", "Options: expected an object");
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"0\""), "option vni=0");
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"16777216\""), "option vni=16777216");
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"1x\""), "option vni=1x");
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": 100"), "option vni: expected a string");
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"100\", \"mtu\": \"67\""), "option mtu=67");
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"100\", \"colour\": \"red\""), "unknown option 'colour'");
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"100\", \"socket\": \"rel.sock\""), "option socket=");
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"100\", \"vtepd\": \"a b\""), "option vtepd=");
	refused("/NetworkDriver.CreateNetwork",
		"{\"NetworkID\": \"n1\", \"Options\": {\"com.docker.network.generic\": {\"vni\": \"100\"}}, "
		"\"IPv4Data\": [{\"Gateway\": \"10.1.0.1\"}]}", "IPv4Data[0].Gateway '10.1.0.1'");
	ck_assert_int_eq(n_calls, 0);   /* vtepd is asked nothing about a bad request */
}
END_TEST

START_TEST(network_on_known_vni)
{
	json_t *net;

	ok("/NetworkDriver.CreateNetwork",
	   NET("n1", "\"vni\": \"100\", \"com.docker.network.driver.mtu\": \"1400\", \"com.docker.x\": \"y\""));
	ck_assert_int_eq(n_calls, 1);
	ck_assert_str_eq(calls[0], "/run/vtepd/t.sock: show vnis");
	net = json_object_get(json_object_get(drv.state, "networks"), "n1");
	ck_assert_int_eq(json_integer_value(json_object_get(net, "vni")), 100);
	ck_assert_int_eq(json_integer_value(json_object_get(net, "mtu")), 1400);
	ck_assert(json_is_false(json_object_get(net, "vni_created")));
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"100\""), "network n1 exists already");
	/* another vtepd for this network */
	ok("/NetworkDriver.CreateNetwork", NET("n2", "\"vni\": \"100\", \"vtepd\": \"leaf2\""));
	ck_assert_str_eq(calls[n_calls - 1], "/run/vtepd/leaf2.sock: show vnis");
	ok("/NetworkDriver.DeleteNetwork", "{\"NetworkID\": \"n1\"}");
	ck_assert_str_eq(calls[n_calls - 1], "/run/vtepd/leaf2.sock: show vnis");   /* not ours: no vni del */
	refused("/NetworkDriver.DeleteNetwork", "{\"NetworkID\": \"n1\"}", "network n1 is not known");
}
END_TEST

START_TEST(network_adds_vni)
{
	json_t *j;

	/* a vtepd without run-time VNIs: refused, naming the VNI and the socket */
	rc_vni = EINVAL;
	msg_vni = "unknown command 'vni add 200' (try: ...)";
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"200\""),
		"VNI 200 is not configured in vtepd at /run/vtepd/t.sock");
	/* vtepd refuses for another reason: its message */
	msg_vni = "vni add: the VNI table is full";
	refused("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"200\""), "the VNI table is full");
	/* added: with the VRF, Docker's gateway and the MTU; removed by the last network on it */
	rc_vni = 0;
	n_calls = 0;
	ok("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"200\", \"vrf\": \"tenant\", \"mtu\": \"1450\""));
	ck_assert_int_eq(n_calls, 2);
	ck_assert_str_eq(calls[1], "/run/vtepd/t.sock: vni add 200 vrf tenant gateway 10.1.0.1/24 mtu 1450");
	ck_assert(json_is_true(json_object_get(json_object_get(json_object_get(drv.state, "networks"), "n1"),
					       "vni_created")));
	vnis_body = "{\"vnis\": [{\"vni\": 100}, {\"vni\": 200}]}";
	ok("/NetworkDriver.CreateNetwork", NET("n2", "\"vni\": \"200\""));
	ck_assert_int_eq(n_calls, 3);
	ok("/NetworkDriver.DeleteNetwork", "{\"NetworkID\": \"n1\"}");
	ck_assert_int_eq(n_calls, 3);   /* n2 still uses VNI 200: it inherits it */
	rc_vni = EBUSY;
	refused("/NetworkDriver.DeleteNetwork", "{\"NetworkID\": \"n2\"}", "cannot remove VNI 200");
	rc_vni = 0;
	ok("/NetworkDriver.DeleteNetwork", "{\"NetworkID\": \"n2\"}");
	ck_assert_str_eq(calls[n_calls - 1], "/run/vtepd/t.sock: vni del 200");
	j = json_object_get(drv.state, "networks");
	ck_assert_int_eq(json_object_size(j), 0);
	/* vtepd gone, or its VNI gone: the network goes */
	ok("/NetworkDriver.CreateNetwork", NET("n3", "\"vni\": \"300\""));
	rc_vni = ENOENT;
	ok("/NetworkDriver.DeleteNetwork", "{\"NetworkID\": \"n3\"}");
}
END_TEST

START_TEST(state_file)
{
	char dir[] = "/tmp/test_docker.XXXXXX", path[256], err[512];
	struct dk_driver d2;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vtepd.json", dir);
	dk_driver_free(&drv);
	ck_assert_int_eq(dk_driver_init(&drv, path, "/run/vtepd/t.sock", 4242, fake_call), 0);
	ck_assert_int_eq(dk_state_load(&drv, err, sizeof(err)), 0);   /* no file: empty */
	ok("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"100\""));
	ok("/NetworkDriver.CreateEndpoint", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\", \"Interface\": {\"Address\": \"10.1.0.2/24\"}}");
	ok("/NetworkDriver.Join", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\", \"SandboxKey\": \"/k\"}");
	/* a restarted driver knows them */
	ck_assert_int_eq(dk_driver_init(&d2, path, "/run/vtepd/t.sock", 1, fake_call), 0);
	ck_assert_int_eq(dk_state_load(&d2, err, sizeof(err)), 0);
	ck_assert(json_equal(d2.state, drv.state));
	dk_driver_free(&d2);
	/* a file that is not the driver's is refused, naming it */
	f = fopen(path, "w");
	fputs("{\"networks\": {\"n1\": {\"vni\": \"100\"}}, \"endpoints\": {}}", f);
	fclose(f);
	ck_assert_int_eq(dk_driver_init(&d2, path, "/run/vtepd/t.sock", 1, fake_call), 0);
	ck_assert_int_eq(dk_state_load(&d2, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, path));
	f = fopen(path, "w");
	fputs("{\"networks\": ", f);
	fclose(f);
	ck_assert_int_eq(dk_state_load(&d2, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, path));
	dk_driver_free(&d2);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(endpoints)
{
	char port[CTR_NAME_MAX], ifname[CTR_NAME_MAX], want[256];
	uint8_t mac[6];
	char mac_s[18];
	json_t *j, *ep;

	ok("/NetworkDriver.CreateNetwork", NET("n1", "\"vni\": \"100\", \"mtu\": \"1400\""));
	refused("/NetworkDriver.CreateEndpoint", "{\"NetworkID\": \"n1\"}", "EndpointID is missing");
	refused("/NetworkDriver.CreateEndpoint", "{\"NetworkID\": \"n9\", \"EndpointID\": \"e1\"}", "network n9 is not known");
	refused("/NetworkDriver.CreateEndpoint", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\", \"Interface\": 3}",
		"Interface: expected an object");
	refused("/NetworkDriver.CreateEndpoint",
		"{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\", \"Interface\": {\"Address\": \"10.1.0.300/24\"}}",
		"Interface.Address '10.1.0.300/24'");
	refused("/NetworkDriver.CreateEndpoint",
		"{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\", \"Interface\": {\"MacAddress\": \"01:00:00:00:00:01\"}}",
		"Interface.MacAddress");
	/* no MAC from Docker: ours, and Docker is told */
	j = req("/NetworkDriver.CreateEndpoint",
		"{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\", \"Interface\": {\"Address\": \"10.1.0.2/24\", \"MacAddress\": \"\"}}");
	ctr_mac("e1", "docker", mac);
	snprintf(mac_s, sizeof(mac_s), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "Interface"), "MacAddress")), mac_s);
	json_decref(j);
	refused("/NetworkDriver.CreateEndpoint", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\"}", "endpoint e1 exists");
	/* Docker's MAC: nothing in the answer (libnetwork refuses an interface it did not ask for) */
	j = req("/NetworkDriver.CreateEndpoint",
		"{\"NetworkID\": \"n1\", \"EndpointID\": \"e2\", \"Interface\": {\"Address\": \"10.1.0.3/24\", \"MacAddress\": \"02:42:0a:01:00:03\"}}");
	ck_assert_int_eq(json_object_size(j), 0);
	json_decref(j);
	j = req("/NetworkDriver.EndpointOperInfo", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e2\"}");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "Value"), "vni")), 100);
	json_decref(j);
	refused("/NetworkDriver.EndpointOperInfo", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e9\"}", "endpoint e9 is not known");

	/* Join: the attach into our namespace, the names for Docker, its gateway */
	refused("/NetworkDriver.Join", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\"}", "SandboxKey is missing");
	n_calls = 0;
	rc_attach = EEXIST;
	refused("/NetworkDriver.Join", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\", \"SandboxKey\": \"/var/run/docker/netns/x\"}",
		"vtepd on /run/vtepd/t.sock: no");
	rc_attach = 0;
	j = req("/NetworkDriver.Join", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\", \"SandboxKey\": \"/var/run/docker/netns/x\"}");
	ctr_name("vd", "e1", "port", port);
	ctr_name("vx", "e1", "docker", ifname);
	snprintf(want, sizeof(want), "/run/vtepd/t.sock: attach %s vni 100 pid 4242 ifname %s mac %s ip 10.1.0.2/24 mtu 1400",
		 port, ifname, mac_s);
	ck_assert_str_eq(calls[n_calls - 1], want);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "InterfaceName"), "SrcName")), ifname);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "InterfaceName"), "DstPrefix")), "eth");
	ck_assert_str_eq(json_string_value(json_object_get(j, "Gateway")), "10.1.0.1");
	ck_assert(json_is_true(json_object_get(j, "DisableGatewayService")));
	json_decref(j);
	ep = json_object_get(json_object_get(drv.state, "endpoints"), "e1");
	ck_assert(json_is_true(json_object_get(ep, "joined")));
	refused("/NetworkDriver.DeleteNetwork", "{\"NetworkID\": \"n1\"}", "still has endpoint");

	/* Leave detaches; DeleteEndpoint after it asks nothing more */
	n_calls = 0;
	rc_detach = EIO;
	refused("/NetworkDriver.Leave", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\"}", "vtepd on /run/vtepd/t.sock");
	rc_detach = 0;
	ok("/NetworkDriver.Leave", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\"}");
	snprintf(want, sizeof(want), "/run/vtepd/t.sock: detach %s", port);
	ck_assert_str_eq(calls[n_calls - 1], want);
	ck_assert(json_is_false(json_object_get(ep, "joined")));
	n_calls = 0;
	ok("/NetworkDriver.DeleteEndpoint", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e1\"}");
	ck_assert_int_eq(n_calls, 0);
	/* joined and deleted without Leave: detached; a port vtepd no longer has is gone already */
	ok("/NetworkDriver.Join", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e2\", \"SandboxKey\": \"/k\"}");
	rc_detach = ENOENT;
	ok("/NetworkDriver.DeleteEndpoint", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e2\"}");
	ck_assert_ptr_nonnull(strstr(calls[n_calls - 1], "detach vd"));
	refused("/NetworkDriver.DeleteEndpoint", "{\"NetworkID\": \"n1\", \"EndpointID\": \"e2\"}", "endpoint e2 is not known");
	ck_assert_int_eq(json_object_size(json_object_get(drv.state, "endpoints")), 0);
	ok("/NetworkDriver.DeleteNetwork", "{\"NetworkID\": \"n1\"}");
}
END_TEST

static Suite *docker_suite(void)
{
	Suite *s = suite_create("docker");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, protocol);
	tcase_add_test(tc, create_network_bad);
	tcase_add_test(tc, network_on_known_vni);
	tcase_add_test(tc, network_adds_vni);
	tcase_add_test(tc, endpoints);
	tcase_add_test(tc, state_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(docker_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
