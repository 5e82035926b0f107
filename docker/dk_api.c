/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dk_api.c: the requests of libnetwork's remote network driver protocol (docker.h), each a
 * JSON object in and out. A network is a vtepd VNI (the driver adds it with 'vni add' when
 * vtepd lacks it, and removes what it added); an endpoint is a vtepd port: at Join vtepd makes
 * the veth, its host end taken over AF_XDP, its other end in the driver's own network
 * namespace under a name Join returns (InterfaceName), which Docker then moves into the
 * container (the sandbox's namespace may not exist yet when Join is called: Docker creates it
 * with the container); Leave, and DeleteEndpoint when Leave did not come, detach it. Every
 * refusal is {"Err": "..."} naming what was wrong; nothing changes then.
 */
#include "docker.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DK_ERR_MAX 640

struct dk_req {
	struct dk_driver *d;
	json_t *in;         /* the request (a JSON object) */
	json_t *out;        /* the response, set by the handler on success */
	char err[DK_ERR_MAX];
};

static int dk_fail(struct dk_req *r, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int dk_fail(struct dk_req *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return rc;
}

char *dk_err_json(const char *msg)
{
	json_t *o = json_pack("{s:s}", "Err", msg);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return s;
}

/* ---- fields ---- */

static bool dk_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > DK_ID_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

/* A required id (NetworkID, EndpointID). */
static int dk_id(struct dk_req *r, const char *key, const char **out)
{
	const json_t *v = json_object_get(r->in, key);

	if (!v)
		return dk_fail(r, EINVAL, "%s is missing", key);
	if (!json_is_string(v) || !dk_id_ok(json_string_value(v)))
		return dk_fail(r, EINVAL, "%s: expected an id (1 to %d letters, digits, '-', '_' or '.')", key, DK_ID_MAX);
	*out = json_string_value(v);
	return 0;
}

/* An optional object member: absent or null is NULL. */
static int dk_obj(struct dk_req *r, const json_t *parent, const char *key, const char *where, json_t **out)
{
	json_t *v = json_object_get(parent, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return dk_fail(r, EINVAL, "%s%s: expected an object", where, key);
	*out = v;
	return 0;
}

/* An optional string member: absent or null is "". */
static int dk_str(struct dk_req *r, const json_t *parent, const char *key, const char *where, const char **out)
{
	json_t *v = json_object_get(parent, key);

	*out = "";
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return dk_fail(r, EINVAL, "%s%s: expected a string", where, key);
	*out = json_string_value(v);
	return 0;
}

static bool dk_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "A.B.C.D/LEN" */
static bool dk_parse_ip4(const char *s, uint8_t ip[4], uint8_t *len)
{
	char a[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	uint32_t l;

	if (!slash || (size_t)(slash - s) >= sizeof(a) || !dk_parse_u32(slash + 1, 0, 32, &l))
		return false;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	*len = (uint8_t)l;
	return inet_pton(AF_INET, a, ip) == 1;
}

static bool dk_parse_mac(const char *s, uint8_t mac[6])
{
	char tail;

	return sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%c", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
		      &mac[5], &tail) == 6 && strlen(s) == 17 && !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] |
									   mac[4] | mac[5]);
}

static void dk_fmt_mac(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static json_t *dk_net(const struct dk_driver *d, const char *id)
{
	return json_object_get(json_object_get(d->state, "networks"), id);
}

static json_t *dk_ep(const struct dk_driver *d, const char *id)
{
	return json_object_get(json_object_get(d->state, "endpoints"), id);
}

static const char *dk_s(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static uint32_t dk_u(const json_t *o, const char *key)
{
	return (uint32_t)json_integer_value(json_object_get(o, key));
}

/* The state changed: write it, or say why the request fails. */
static int dk_save(struct dk_req *r)
{
	char err[DK_ERR_MAX - 64];
	int rc = dk_state_save(r->d, err, sizeof(err));

	return rc ? dk_fail(r, rc, "%s", err) : 0;
}

/* ---- vtepd ---- */

static int dk_vtepd(struct dk_req *r, const char *socket, bool json, int argc, char **argv, char **body,
		    enum ctr_fail *fail)
{
	enum ctr_fail f;

	return r->d->call(socket, json, argc, argv, body, fail ? fail : &f, r->err, sizeof(r->err));
}

/* Whether vtepd at socket has the VNI. */
static int dk_vni_known(struct dk_req *r, const char *socket, uint32_t vni, bool *known)
{
	char *argv[] = { "show", "vnis" };
	char *body = NULL;
	json_t *doc, *v;
	size_t i;
	int rc = dk_vtepd(r, socket, true, 2, argv, &body, NULL);

	if (rc)
		return rc;
	doc = json_loads(body ? body : "", 0, NULL);
	free(body);
	if (!json_is_array(json_object_get(doc, "vnis"))) {
		json_decref(doc);
		return dk_fail(r, EPROTO, "vtepd on %s: 'show vnis' answered no list of VNIs", socket);
	}
	*known = false;
	json_array_foreach(json_object_get(doc, "vnis"), i, v)
		*known |= json_integer_value(json_object_get(v, "vni")) == vni;
	json_decref(doc);
	return 0;
}

static int dk_detach(struct dk_req *r, const json_t *net, json_t *ep)
{
	char *argv[] = { "detach", (char *)dk_s(ep, "port") };
	enum ctr_fail fail;
	int rc = dk_vtepd(r, dk_s(net, "socket"), false, 2, argv, NULL, &fail);

	if (rc == ENOENT && fail == CTR_REFUSED)
		rc = 0;   /* gone already */
	if (!rc)
		json_object_set_new(ep, "joined", json_false());
	return rc;
}

/* ---- the requests ---- */

static int dk_activate(struct dk_req *r)
{
	r->out = json_pack("{s:[s]}", "Implements", "NetworkDriver");
	return 0;
}

static int dk_capabilities(struct dk_req *r)
{
	r->out = json_pack("{s:s,s:s}", "Scope", "local", "ConnectivityScope", "local");
	return 0;
}

static int dk_nothing(struct dk_req *r)
{
	r->out = json_object();
	return 0;
}

static int dk_allocate(struct dk_req *r)
{
	r->out = json_pack("{s:{}}", "Options");
	return 0;
}

/* The network's options (--opt K=V): into net. */
static int dk_net_options(struct dk_req *r, json_t *net, uint32_t *vni)
{
	json_t *opts, *gen, *v;
	const char *k;
	bool has_vni = false;

	if (dk_obj(r, r->in, "Options", "", &opts) || dk_obj(r, opts, "com.docker.network.generic", "Options.", &gen))
		return EINVAL;
	json_object_foreach(gen, k, v) {
		const char *s = json_string_value(v);
		uint32_t n;

		if (!s)
			return dk_fail(r, EINVAL, "option %s: expected a string", k);
		if (!strcmp(k, "vni")) {
			if (!dk_parse_u32(s, 1, 16777215, vni))
				return dk_fail(r, EINVAL, "option vni=%s: expected 1 to 16777215", s);
			has_vni = true;
		} else if (!strcmp(k, "mtu") || !strcmp(k, "com.docker.network.driver.mtu")) {
			if (!dk_parse_u32(s, 68, 65535, &n))
				return dk_fail(r, EINVAL, "option %s=%s: expected an MTU, 68 to 65535", k, s);
			json_object_set_new(net, "mtu", json_integer(n));
		} else if (!strcmp(k, "vtepd")) {
			char path[DK_PATH_MAX];

			if (!dk_id_ok(s) || (size_t)snprintf(path, sizeof(path), "/run/vtepd/%s.sock", s) >= sizeof(path))
				return dk_fail(r, EINVAL, "option vtepd=%s: expected a vtepd instance name", s);
			json_object_set_new(net, "socket", json_string(path));
		} else if (!strcmp(k, "socket")) {
			if (s[0] != '/' || strlen(s) >= DK_PATH_MAX)
				return dk_fail(r, EINVAL, "option socket=%s: expected an absolute path shorter than %d",
					       s, DK_PATH_MAX);
			json_object_set_new(net, "socket", json_string(s));
		} else if (!strcmp(k, "vrf")) {
			if (!dk_id_ok(s) || strlen(s) > 64)
				return dk_fail(r, EINVAL, "option vrf=%s: expected a VRF name", s);
			json_object_set_new(net, "vrf", json_string(s));
		} else if (strncmp(k, "com.docker.", 11)) {   /* Docker's own: not ours to judge */
			return dk_fail(r, EINVAL, "unknown option '%s' (expected vni, mtu, vrf, vtepd or socket)", k);
		}
	}
	if (!has_vni)
		return dk_fail(r, EINVAL, "the VNI is missing: docker network create -d vtepd --opt vni=N ...");
	return 0;
}

/* IPv4Data[0].Gateway, Docker's "A.B.C.D/LEN": the containers' default gateway. */
static int dk_net_gateway(struct dk_req *r, json_t *net)
{
	json_t *v4 = json_object_get(r->in, "IPv4Data"), *first;
	const char *gw;
	uint8_t a[4], len;

	if (!v4 || json_is_null(v4))
		return 0;
	if (!json_is_array(v4))
		return dk_fail(r, EINVAL, "IPv4Data: expected a list");
	first = json_array_get(v4, 0);
	if (!first)
		return 0;
	if (!json_is_object(first))
		return dk_fail(r, EINVAL, "IPv4Data[0]: expected an object");
	if (dk_str(r, first, "Gateway", "IPv4Data[0].", &gw))
		return EINVAL;
	if (!gw[0])
		return 0;
	if (!dk_parse_ip4(gw, a, &len))
		return dk_fail(r, EINVAL, "IPv4Data[0].Gateway '%s': expected A.B.C.D/LEN", gw);
	json_object_set_new(net, "gateway", json_string(gw));
	return 0;
}

/* vni add N [vrf V gateway G/LEN] [mtu M]: vtepd lacks the VNI. */
static int dk_vni_add(struct dk_req *r, const json_t *net, uint32_t vni)
{
	char vni_s[12], mtu_s[12], *argv[9];
	const char *socket = dk_s(net, "socket");
	enum ctr_fail fail;
	int argc = 0, rc;

	snprintf(vni_s, sizeof(vni_s), "%u", vni);
	argv[argc++] = "vni";
	argv[argc++] = "add";
	argv[argc++] = vni_s;
	if (dk_s(net, "vrf")[0]) {
		argv[argc++] = "vrf";
		argv[argc++] = (char *)dk_s(net, "vrf");
		if (dk_s(net, "gateway")[0]) {
			argv[argc++] = "gateway";
			argv[argc++] = (char *)dk_s(net, "gateway");
		}
	}
	if (dk_u(net, "mtu")) {
		snprintf(mtu_s, sizeof(mtu_s), "%u", dk_u(net, "mtu"));
		argv[argc++] = "mtu";
		argv[argc++] = mtu_s;
	}
	rc = dk_vtepd(r, socket, false, argc, argv, NULL, &fail);
	if (rc && fail == CTR_REFUSED && strstr(r->err, "unknown command"))
		return dk_fail(r, rc, "VNI %u is not configured in vtepd at %s (and this vtepd cannot add VNIs at run "
				      "time: configure the VNI in its file)", vni, socket);
	return rc;
}

static int dk_create_network(struct dk_req *r)
{
	const char *nid;
	json_t *net;
	uint32_t vni = 0;
	bool known = false;
	int rc;

	if (dk_id(r, "NetworkID", &nid))
		return EINVAL;
	if (dk_net(r->d, nid))
		return dk_fail(r, EEXIST, "network %s exists already", nid);
	net = json_pack("{s:i,s:i,s:s,s:b}", "vni", 0, "mtu", 0, "socket", r->d->socket, "vni_created", 0);
	if (!net)
		return dk_fail(r, ENOMEM, "out of memory");
	rc = dk_net_options(r, net, &vni);
	if (!rc)
		rc = dk_net_gateway(r, net);
	if (!rc)
		rc = dk_vni_known(r, dk_s(net, "socket"), vni, &known);
	if (!rc && !known) {
		rc = dk_vni_add(r, net, vni);
		json_object_set_new(net, "vni_created", json_boolean(!rc));
	}
	if (rc) {
		json_decref(net);
		return rc;
	}
	json_object_set_new(net, "vni", json_integer(vni));
	json_object_set_new(json_object_get(r->d->state, "networks"), nid, net);
	rc = dk_save(r);
	if (rc) {   /* as it was: the VNI too */
		if (!known) {
			char vni_s[12], *argv[] = { "vni", "del", vni_s }, keep[DK_ERR_MAX];

			snprintf(vni_s, sizeof(vni_s), "%u", vni);
			memcpy(keep, r->err, sizeof(keep));
			dk_vtepd(r, dk_s(net, "socket"), false, 3, argv, NULL, NULL);
			memcpy(r->err, keep, sizeof(keep));
		}
		json_object_del(json_object_get(r->d->state, "networks"), nid);
		return rc;
	}
	r->out = json_object();
	return 0;
}

static int dk_delete_network(struct dk_req *r)
{
	json_t *nets = json_object_get(r->d->state, "networks"), *net, *other, *ep;
	const char *nid, *id;
	bool shared = false;
	int rc;

	if (dk_id(r, "NetworkID", &nid))
		return EINVAL;
	net = dk_net(r->d, nid);
	if (!net)
		return dk_fail(r, ENOENT, "network %s is not known to this driver", nid);
	json_object_foreach(json_object_get(r->d->state, "endpoints"), id, ep)
		if (!strcmp(dk_s(ep, "network"), nid))
			return dk_fail(r, EBUSY, "network %s still has endpoint %s", nid, id);
	json_object_foreach(nets, id, other) {
		if (other == net || dk_u(other, "vni") != dk_u(net, "vni") ||
		    strcmp(dk_s(other, "socket"), dk_s(net, "socket")))
			continue;
		/* another network on the same VNI: it inherits the VNI (and removes it last) */
		if (json_is_true(json_object_get(net, "vni_created")))
			json_object_set_new(other, "vni_created", json_true());
		shared = true;
		break;
	}
	if (!shared && json_is_true(json_object_get(net, "vni_created"))) {
		char vni_s[12], *argv[] = { "vni", "del", vni_s };
		enum ctr_fail fail;

		snprintf(vni_s, sizeof(vni_s), "%u", dk_u(net, "vni"));
		rc = dk_vtepd(r, dk_s(net, "socket"), false, 3, argv, NULL, &fail);
		/* gone already (vtepd restarted, or not reachable: nothing to keep it for) */
		if (rc && fail == CTR_REFUSED && rc != ENOENT)
			return dk_fail(r, rc, "network %s: cannot remove VNI %s: %.500s", nid, vni_s, r->err);
	}
	json_object_del(nets, nid);
	r->out = json_object();
	return dk_save(r);
}

/* The endpoint of this network (*net too); with detach, its port goes if it has one. */
static int dk_find_ep(struct dk_req *r, bool detach, json_t **net, json_t **ep, const char **eid)
{
	const char *nid;

	if (dk_id(r, "NetworkID", &nid) || dk_id(r, "EndpointID", eid))
		return EINVAL;
	*net = dk_net(r->d, nid);
	if (!*net)
		return dk_fail(r, ENOENT, "network %s is not known to this driver", nid);
	*ep = dk_ep(r->d, *eid);
	if (!*ep || strcmp(dk_s(*ep, "network"), nid))
		return dk_fail(r, ENOENT, "endpoint %s is not known in network %s", *eid, nid);
	return detach && json_is_true(json_object_get(*ep, "joined")) ? dk_detach(r, *net, *ep) : 0;
}

static int dk_create_endpoint(struct dk_req *r)
{
	const char *nid, *eid, *addr, *mac_s;
	char port[CTR_NAME_MAX], ifname[CTR_NAME_MAX], mac_buf[18];
	uint8_t mac[6], ip[4], len;
	json_t *iface, *ep;
	bool derived = false;

	if (dk_id(r, "NetworkID", &nid) || dk_id(r, "EndpointID", &eid))
		return EINVAL;
	if (!dk_net(r->d, nid))
		return dk_fail(r, ENOENT, "network %s is not known to this driver", nid);
	if (dk_ep(r->d, eid))
		return dk_fail(r, EEXIST, "endpoint %s exists already", eid);
	if (dk_obj(r, r->in, "Interface", "", &iface) || dk_str(r, iface, "Address", "Interface.", &addr) ||
	    dk_str(r, iface, "MacAddress", "Interface.", &mac_s))
		return EINVAL;
	if (addr[0] && !dk_parse_ip4(addr, ip, &len))
		return dk_fail(r, EINVAL, "Interface.Address '%s': expected A.B.C.D/LEN", addr);
	if (mac_s[0] && !dk_parse_mac(mac_s, mac))
		return dk_fail(r, EINVAL, "Interface.MacAddress '%s': expected a unicast xx:xx:xx:xx:xx:xx", mac_s);
	if (!mac_s[0]) {   /* ours, stable for the endpoint; Docker is told */
		ctr_mac(eid, "docker", mac);
		derived = true;
	}
	dk_fmt_mac(mac, mac_buf);
	ctr_name("vd", eid, "port", port);
	ctr_name("vx", eid, "docker", ifname);
	ep = json_pack("{s:s,s:s,s:s,s:s,s:b}", "network", nid, "mac", mac_buf, "port", port, "ifname", ifname,
		       "joined", 0);
	if (!ep)
		return dk_fail(r, ENOMEM, "out of memory");
	if (addr[0])
		json_object_set_new(ep, "ip", json_string(addr));
	json_object_set_new(json_object_get(r->d->state, "endpoints"), eid, ep);
	if (dk_save(r)) {
		json_object_del(json_object_get(r->d->state, "endpoints"), eid);
		return EIO;
	}
	r->out = derived ? json_pack("{s:{s:s}}", "Interface", "MacAddress", mac_buf) : json_object();
	return 0;
}

static int dk_delete_endpoint(struct dk_req *r)
{
	json_t *net = NULL, *ep = NULL;
	const char *eid;
	int rc = dk_find_ep(r, true, &net, &ep, &eid);   /* detached here when Leave did not come */

	if (rc)
		return rc;
	json_object_del(json_object_get(r->d->state, "endpoints"), eid);
	r->out = json_object();
	return dk_save(r);
}

static int dk_oper_info(struct dk_req *r)
{
	json_t *net = NULL, *ep = NULL;
	const char *eid;
	int rc = dk_find_ep(r, false, &net, &ep, &eid);

	if (rc)
		return rc;
	r->out = json_pack("{s:{s:s,s:i,s:s,s:O}}", "Value", "port", dk_s(ep, "port"), "vni",
			   (int)dk_u(net, "vni"), "socket", dk_s(net, "socket"), "joined",
			   json_object_get(ep, "joined"));
	return 0;
}

static int dk_join(struct dk_req *r)
{
	json_t *net = NULL, *ep = NULL;
	const char *eid, *sandbox, *gw;
	uint8_t mac[6], ip[4], len = 0;
	struct ctr_attach at = { 0 };
	struct ctr_args args;
	char gw_addr[INET_ADDRSTRLEN] = "";
	int rc;

	if (dk_str(r, r->in, "SandboxKey", "", &sandbox))
		return EINVAL;
	if (!sandbox[0])
		return dk_fail(r, EINVAL, "SandboxKey is missing");
	rc = dk_find_ep(r, true, &net, &ep, &eid);   /* joined again: the old port goes first */
	if (rc)
		return rc;
	if (!dk_parse_mac(dk_s(ep, "mac"), mac) || (dk_s(ep, "ip")[0] && !dk_parse_ip4(dk_s(ep, "ip"), ip, &len)))
		return dk_fail(r, EINVAL, "endpoint %s: its MAC or address in the state file is bad", eid);
	at.port = dk_s(ep, "port");
	at.vni = dk_u(net, "vni");
	at.pid = r->d->pid;
	at.ifname = dk_s(ep, "ifname");
	at.mac = mac;
	at.ip4 = dk_s(ep, "ip")[0] ? ip : NULL;
	at.ip4_len = len;
	at.mtu = dk_u(net, "mtu");
	ctr_attach_args(&at, &args);
	rc = dk_vtepd(r, dk_s(net, "socket"), false, args.argc, args.argv, NULL, NULL);
	if (rc)
		return rc;
	json_object_set_new(ep, "joined", json_true());
	json_object_set_new(ep, "sandbox", json_string(sandbox));
	rc = dk_save(r);
	if (rc) {
		char keep[DK_ERR_MAX];

		memcpy(keep, r->err, sizeof(keep));
		dk_detach(r, net, ep);
		memcpy(r->err, keep, sizeof(keep));
		return rc;
	}
	/* Docker's gateway (the VNI's anycast gateway on an L3 leaf) is the default route; and no
	 * gateway service: Docker would add a bridge network of its own to the container */
	gw = dk_s(net, "gateway");
	if (gw[0])
		snprintf(gw_addr, sizeof(gw_addr), "%.*s", (int)strcspn(gw, "/"), gw);
	r->out = json_pack("{s:{s:s,s:s},s:s,s:b}", "InterfaceName", "SrcName", dk_s(ep, "ifname"), "DstPrefix", "eth",
			   "Gateway", gw_addr, "DisableGatewayService", 1);
	return 0;
}

static int dk_leave(struct dk_req *r)
{
	json_t *net = NULL, *ep = NULL;
	const char *eid;
	int rc = dk_find_ep(r, true, &net, &ep, &eid);

	if (rc)
		return rc;
	json_object_del(ep, "sandbox");
	r->out = json_object();
	return dk_save(r);
}

static const struct {
	const char *path;
	int (*fn)(struct dk_req *r);
	bool body;          /* takes a JSON object (else anything, or nothing) */
} dk_requests[] = {
	{ "/Plugin.Activate", dk_activate, false },
	{ "/NetworkDriver.GetCapabilities", dk_capabilities, false },
	{ "/NetworkDriver.CreateNetwork", dk_create_network, true },
	{ "/NetworkDriver.DeleteNetwork", dk_delete_network, true },
	{ "/NetworkDriver.CreateEndpoint", dk_create_endpoint, true },
	{ "/NetworkDriver.DeleteEndpoint", dk_delete_endpoint, true },
	{ "/NetworkDriver.EndpointOperInfo", dk_oper_info, true },
	{ "/NetworkDriver.Join", dk_join, true },
	{ "/NetworkDriver.Leave", dk_leave, true },
	{ "/NetworkDriver.DiscoverNew", dk_nothing, true },
	{ "/NetworkDriver.DiscoverDelete", dk_nothing, true },
	{ "/NetworkDriver.ProgramExternalConnectivity", dk_nothing, true },
	{ "/NetworkDriver.RevokeExternalConnectivity", dk_nothing, true },
	{ "/NetworkDriver.AllocateNetwork", dk_allocate, true },
	{ "/NetworkDriver.FreeNetwork", dk_nothing, true },
};

char *dk_handle(struct dk_driver *d, const char *path, const char *body, size_t len, unsigned *status)
{
	struct dk_req r = { .d = d };
	json_error_t je;
	char *out;
	size_t i, n = sizeof(dk_requests) / sizeof(dk_requests[0]);
	int rc;

	*status = 200;
	for (i = 0; i < n && strcmp(dk_requests[i].path, path); i++)
		;
	if (i == n) {
		*status = 404;
		snprintf(r.err, sizeof(r.err), "unknown request %.200s (vtepd-docker is a NetworkDriver)", path);
		return dk_err_json(r.err);
	}
	while (len && isspace((unsigned char)body[len - 1]))
		len--;
	if (len) {
		r.in = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
		if (!r.in) {
			snprintf(r.err, sizeof(r.err), "%s: bad JSON at %d:%d: %s", path + 1, je.line, je.column, je.text);
			return dk_err_json(r.err);
		}
	}
	if (dk_requests[i].body && !json_is_object(r.in)) {
		json_decref(r.in);
		snprintf(r.err, sizeof(r.err), "%s: the request is not a JSON object", path + 1);
		return dk_err_json(r.err);
	}
	rc = dk_requests[i].fn(&r);
	json_decref(r.in);
	if (rc) {
		char msg[DK_ERR_MAX + 64];

		json_decref(r.out);
		snprintf(msg, sizeof(msg), "%s: %s", path + 1, r.err);
		return dk_err_json(msg);
	}
	out = r.out ? json_dumps(r.out, JSON_COMPACT) : NULL;
	json_decref(r.out);
	return out;
}
