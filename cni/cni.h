/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cni.h: the CNI plugin's pure parts (cni_conf.c): the runtime's environment, the network
 * config on stdin, the IPAM plugin's result, the result and error documents the plugin
 * prints (CNI spec 1.0.0), the port name and MAC derived from the container. No I/O here,
 * so the unit test drives all of it. The plugin itself (vtepd_cni.c) talks to vtepd only
 * over its control socket, like vtepctl.
 */
#ifndef VTEPD_CNI_H
#define VTEPD_CNI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The spec's well-known error codes (0-99 are reserved to the spec) and ours (100 and up). */
enum cni_code {
	CNI_ERR_VERSION = 1,        /* incompatible CNI version */
	CNI_ERR_UNSUPPORTED = 2,    /* unsupported field in the network config */
	CNI_ERR_UNKNOWN_CTR = 3,    /* container unknown or does not exist */
	CNI_ERR_ENV = 4,            /* invalid necessary environment variables */
	CNI_ERR_IO = 5,             /* I/O failure */
	CNI_ERR_DECODE = 6,         /* failed to decode content */
	CNI_ERR_CONFIG = 7,         /* invalid network config */
	CNI_ERR_AGAIN = 11,         /* try again later */
	CNI_ERR_VTEPD = 100,        /* vtepd refused the request (its message follows) */
	CNI_ERR_IPAM = 101,         /* the IPAM plugin failed or answered nonsense */
	CNI_ERR_NETNS = 102,        /* configuring the container's interface failed */
	CNI_ERR_CHECK = 103,        /* CHECK found a difference */
};

#define CNI_VERSION "1.0.0"
#define CNI_NAME_MAX 16           /* IFNAMSIZ with the NUL: port and interface names */
#define CNI_PATH_MAX 256          /* vtepd's netns path limit, with the NUL */
#define CNI_MAX_IPS 8
#define CNI_MAX_ROUTES 32

/* An error: the code and one message naming what was wrong. */
struct cni_err {
	int code;
	char msg[512];
};

enum cni_cmd { CNI_CMD_ADD, CNI_CMD_DEL, CNI_CMD_CHECK, CNI_CMD_VERSION };

/*
 * An address the runtime asks for (podman's --ip, a restored container's address): CNI_ARGS
 * IP=, runtimeConfig.ips or args.cni.ips. len 0: given without a prefix length.
 */
struct cni_req_ip {
	int family;
	uint8_t addr[16];
	uint8_t len;
};

/* The runtime's CNI_* variables (getenv-style lookup, so the test passes its own). */
struct cni_env {
	enum cni_cmd cmd;
	char containerid[256];
	char netns[CNI_PATH_MAX];   /* empty: none given (allowed for DEL) */
	char ifname[CNI_NAME_MAX];
	char path[4096];            /* CNI_PATH: where the IPAM plugin is looked for */
	/* ADD only, from CNI_ARGS (podman 4.3 passes --mac-address and --ip there): MAC=, IP= */
	bool has_mac;
	uint8_t mac[6];
	size_t n_ips;
	struct cni_req_ip ips[CNI_MAX_IPS];
};

struct cni_ip {
	int family;                 /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t len;
	bool has_gw;
	uint8_t gw[16];
};

struct cni_route {
	int family;
	uint8_t dst[16];
	uint8_t len;
	bool has_gw;
	uint8_t gw[16];
};

/* The network config (stdin). */
struct cni_conf {
	char version[16];           /* cniVersion as given */
	char name[256];             /* the network's name */
	char socket[CNI_PATH_MAX];  /* vtepd's control socket, from "vtepd" (instance) or "socket" */
	uint32_t vni;
	uint32_t mtu;               /* 0: the VNI's */
	bool has_mac;
	uint8_t mac[6];             /* runtimeConfig.mac / args.cni.mac */
	size_t n_ips;               /* runtimeConfig.ips, else args.cni.ips (the "ips" capability) */
	struct cni_req_ip ips[CNI_MAX_IPS];
	const char *ips_from;       /* which of the two, for messages */
	char ipam_type[64];         /* empty: no IPAM */
	json_t *prev;               /* prevResult (borrowed from root), or NULL */
	json_t *root;               /* the parsed document (owned) */
};

/* Parsed IPAM result or prevResult: addresses, routes, dns (kept as JSON). */
struct cni_result {
	size_t n_ips;
	struct cni_ip ips[CNI_MAX_IPS];
	size_t n_routes;
	struct cni_route routes[CNI_MAX_ROUTES];
	json_t *dns;                /* owned reference, or NULL */
	bool has_sandbox_mac;
	uint8_t sandbox_mac[6];     /* prevResult: the MAC of the interface in the sandbox */
};

int cni_env_parse(const char *(*get)(const char *name), struct cni_env *env, struct cni_err *e);
int cni_conf_parse(const char *text, size_t len, enum cni_cmd cmd, struct cni_conf *c, struct cni_err *e);
void cni_conf_free(struct cni_conf *c);
/* An IPAM result or prevResult object into r; what names where it came from in errors. */
int cni_result_parse(const json_t *obj, const char *what, const char *ifname, struct cni_result *r,
		     struct cni_err *e);
void cni_result_free(struct cni_result *r);

/* The result of ADD: host-side port, the container's interface (with sandbox), ips, routes, dns. */
char *cni_result_json(const char *version, const char *port, const char *ifname, const char *netns,
		      const uint8_t mac[6], const struct cni_result *r);
char *cni_error_json(const char *version, const struct cni_err *e);
char *cni_version_json(void);
bool cni_version_supported(const char *v);

/*
 * The addresses the runtime asks for (the config's, else CNI_ARGS IP=; *from names where they
 * came from): each must be in the IPAM result r, or it is an error naming the address (the IPAM
 * plugin ignored the request). 0 or EADDRNOTAVAIL.
 */
const struct cni_req_ip *cni_requested_ips(const struct cni_env *env, const struct cni_conf *c, size_t *n,
					   const char **from);
int cni_requested_check(const struct cni_req_ip *req, size_t n, const char *from, const char *ipam,
			const struct cni_result *r, struct cni_err *e);

/* Stable names from the container: the port (15 characters, "vc" + hash) and a MAC. */
void cni_port_name(const char *containerid, const char *ifname, char out[CNI_NAME_MAX]);
void cni_derive_mac(const char *containerid, const char *ifname, uint8_t mac[6]);

void cni_set_err(struct cni_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int cni_parse_prefix(const char *s, int *family, uint8_t addr[16], uint8_t *len);
int cni_parse_addr(const char *s, int *family, uint8_t addr[16]);
int cni_parse_mac(const char *s, uint8_t mac[6]);

#endif
