/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vrfs_runtime.c: tenant VRFs added and deleted at run time ('vtepctl vrf add / vrf del'),
 * without touching the others. A VRF lives in a slot k: d->vrfs[k] and d->cfg.vrfs[k], and k
 * is its index everywhere (the VNIs' vrf, the snapshot's VRFs, the fabric's VRFs, counters).
 * Adding takes a free slot (one a deleted VRF left, else the next), makes its route table and
 * RIB as vtepd_vrfs_create does for the configuration's, publishes it and tells the hooks (the
 * fabric imports and announces for it). Deleting needs no VNI in it: the hooks withdraw its
 * type-5 routes and unimport what was received for it (its EVPN routes leave its RIB), it
 * leaves the fast path (publish waits for readers), then its table is freed and its slot left
 * as a hole (l3vni 0, no table, empty name) that every loop over the VRFs skips.
 *
 * Memory: each table is preallocated (two 64 MiB first levels and about 800 bytes a route);
 * fastpath.runtime_vrfs reserves room for that many default-size VRFs at start.
 *
 * Run-time VRFs survive a restart as run-time VNIs do: one 'vrf add' line each in
 * /run/vtepd/NAME.vrfs, read after the configuration's VRFs are made and before the run-time
 * VNIs (which may be in them) come back. Control thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_rcu_qsbr.h>

#include "log.h"
#include "route_rib.h"
#include "switch.h"

#define VTEPD_VRF_ARGS_MAX 32
#define VTEPD_VRF_LINE_MAX (VTEP_VRF_MAX_PREFIXES * 44 + 256)

static void vtepd_vrfs_state_path(const struct vtepd *d, char *path, size_t len)
{
	snprintf(path, len, "/run/vtepd/%s.vrfs", d->cfg.name);
}

void vtepd_vrf_conf_free(struct vtep_vrf_config *vc)
{
	free(vc->rt_import);
	free(vc->rt_export);
	free(vc->prefix4);
	free(vc->prefix6);
	memset(vc, 0, sizeof(*vc));
}

static int vtepd_vrf_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* advertise PREFIX,...: as the configuration's vrfs[].advertise (host bits zero, unicast, each once). */
static int vtepd_vrf_parse_advertise(const char *s, struct vtep_vrf_config *vc, char *err, size_t errlen)
{
	static const uint8_t loop6[16] = { [15] = 1 };
	char *buf = strdup(s), *save = NULL;
	int rc = EINVAL;

	vc->prefix4 = calloc(VTEP_VRF_MAX_PREFIXES, sizeof(*vc->prefix4));
	vc->prefix6 = calloc(VTEP_VRF_MAX_PREFIXES, sizeof(*vc->prefix6));
	if (!buf || !vc->prefix4 || !vc->prefix6) {
		free(buf);
		return ENOMEM;
	}
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint8_t a6[16], len;
		uint32_t a4;

		if (vc->n_prefix4 + vc->n_prefix6 == VTEP_VRF_MAX_PREFIXES) {
			snprintf(err, errlen, "advertise: too many prefixes (expected at most %d)", VTEP_VRF_MAX_PREFIXES);
			goto out;
		}
		if (!strchr(t, ':')) {
			uint32_t h, mask;

			if (vtep_parse_ipv4_prefix(t, &a4, &len))
				goto not_prefix;
			h = ntohl(a4);
			mask = len ? 0xffffffffu << (32 - len) : 0;
			if (h & ~mask) {
				snprintf(err, errlen, "advertise: %s has host bits set", t);
				goto out;
			}
			if ((len >= 8 && (h >> 24) == 127) || (len >= 3 && (h >> 29) == 7)) {
				snprintf(err, errlen, "advertise: %s is a loopback, multicast or reserved prefix (expected a "
						      "unicast prefix)", t);
				goto out;
			}
			for (uint32_t j = 0; j < vc->n_prefix4; j++)
				if (vc->prefix4[j].addr == a4 && vc->prefix4[j].len == len) {
					snprintf(err, errlen, "advertise: %s is given twice", t);
					goto out;
				}
			vc->prefix4[vc->n_prefix4].addr = a4;
			vc->prefix4[vc->n_prefix4++].len = len;
		} else {
			bool host = false;

			if (vtep_parse_ipv6_prefix(t, a6, &len))
				goto not_prefix;
			for (unsigned b = len; b < 128; b++)
				host |= (a6[b / 8] >> (7 - b % 8)) & 1;
			if (host) {
				snprintf(err, errlen, "advertise: %s has host bits set", t);
				goto out;
			}
			if ((len >= 8 && a6[0] == 0xff) || (len >= 10 && a6[0] == 0xfe && (a6[1] & 0xc0) == 0x80) ||
			    (len == 128 && !memcmp(a6, loop6, 16))) {
				snprintf(err, errlen, "advertise: %s is a multicast, link-local or loopback prefix (expected "
						      "a unicast prefix)", t);
				goto out;
			}
			for (uint32_t j = 0; j < vc->n_prefix6; j++)
				if (!memcmp(vc->prefix6[j].addr, a6, 16) && vc->prefix6[j].len == len) {
					snprintf(err, errlen, "advertise: %s is given twice", t);
					goto out;
				}
			memcpy(vc->prefix6[vc->n_prefix6].addr, a6, 16);
			vc->prefix6[vc->n_prefix6++].len = len;
		}
		continue;
not_prefix:
		snprintf(err, errlen, "advertise: '%s' is not a prefix (expected ADDRESS/LEN,..., e.g. 10.9.0.0/16 or "
				      "2001:db8:9::/48)", t);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int vtepd_vrf_parse(const struct vtepd *d, int argc, char **argv, struct vtep_vrf_config *vc, char *err,
		    size_t errlen)
{
	bool seen_mac = false, seen4 = false, seen6 = false, seen_adv = false, seen_sub = false;
	const char *name = argc >= 1 ? argv[0] : "";
	size_t len = strlen(name);
	bool ok = len >= 1 && len < sizeof(vc->name);
	int rc = EINVAL;

	memset(vc, 0, sizeof(*vc));
	vc->router_mac_auto = true;
	vc->max_ipv4_routes = VTEP_VRF_MAX_V4_ROUTES;
	vc->max_ipv6_routes = VTEP_VRF_MAX_V6_ROUTES;
	for (size_t i = 0; ok && i < len; i++)
		ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		     (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-';
	if (!ok) {
		snprintf(err, errlen, "bad VRF name '%s' (expected 1..%zu characters of A-Z, a-z, 0-9, '_' or '-')", name,
			 sizeof(vc->name) - 1);
		return EINVAL;
	}
	if (!strcmp(name, "default") || !strcmp(name, "management")) {
		snprintf(err, errlen, "VRF name '%s' is reserved (expected a tenant VRF's name: 'default' and "
				      "'management' are the underlay's)", name);
		return EINVAL;
	}
	memcpy(vc->name, name, len + 1);
	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t n;

		if (!v) {
			snprintf(err, errlen, "'%s' needs a value", k);
			goto fail;
		}
		if (!strcmp(k, "l3vni") && !vc->l3vni) {
			if (vtepd_vrf_parse_u32(v, 1, VTEP_VNI_MAX, &vc->l3vni)) {
				snprintf(err, errlen, "bad l3vni '%s' (expected 1 to %u)", v, VTEP_VNI_MAX);
				vc->l3vni = 0;
				goto fail;
			}
		} else if (!strcmp(k, "router_mac") && !seen_mac) {
			seen_mac = true;
			if (!strcmp(v, "auto"))
				continue;
			if (vtep_parse_mac(v, vc->router_mac) || (vc->router_mac[0] & 1) ||
			    !(vc->router_mac[0] | vc->router_mac[1] | vc->router_mac[2] | vc->router_mac[3] |
			      vc->router_mac[4] | vc->router_mac[5])) {
				snprintf(err, errlen, "bad router_mac '%s' (expected auto or a unicast MAC)", v);
				goto fail;
			}
			if (d->cfg.anycast_gw_mac_on && !memcmp(vc->router_mac, d->cfg.anycast_gw_mac, 6)) {
				snprintf(err, errlen, "router_mac %s is vtep.anycast_gateway_mac (expected this leaf's own "
						      "MAC, or auto)", v);
				goto fail;
			}
			vc->router_mac_auto = false;
		} else if (!strcmp(k, "max_ipv4_routes") && !seen4) {
			if (vtepd_vrf_parse_u32(v, 1024, VTEP_VRF_MAX_V4_ROUTES_LIMIT, &n)) {
				snprintf(err, errlen, "bad max_ipv4_routes '%s' (expected 1024 to %u)", v,
					 VTEP_VRF_MAX_V4_ROUTES_LIMIT);
				goto fail;
			}
			vc->max_ipv4_routes = n;
			seen4 = true;
		} else if (!strcmp(k, "max_ipv6_routes") && !seen6) {
			if (vtepd_vrf_parse_u32(v, 1024, VTEP_VRF_MAX_V6_ROUTES_LIMIT, &n)) {
				snprintf(err, errlen, "bad max_ipv6_routes '%s' (expected 1024 to %u)", v,
					 VTEP_VRF_MAX_V6_ROUTES_LIMIT);
				goto fail;
			}
			vc->max_ipv6_routes = n;
			seen6 = true;
		} else if (!strcmp(k, "advertise") && !seen_adv) {
			if ((rc = vtepd_vrf_parse_advertise(v, vc, err, errlen)))
				goto fail;
			rc = EINVAL;
			seen_adv = true;
		} else if (!strcmp(k, "advertise_subnets") && !seen_sub) {
			if (strcmp(v, "on") && strcmp(v, "off")) {
				snprintf(err, errlen, "bad advertise_subnets '%s' (expected on or off)", v);
				goto fail;
			}
			vc->advertise_subnets = !strcmp(v, "on");
			seen_sub = true;
		} else {
			snprintf(err, errlen, "unknown or repeated option '%s' (expected l3vni, router_mac, max_ipv4_routes, "
					      "max_ipv6_routes, advertise or advertise_subnets, each once)", k);
			goto fail;
		}
	}
	if (!vc->l3vni) {
		snprintf(err, errlen, "VRF '%s' needs 'l3vni N' (its L3 VNI, 1 to %u)", name, VTEP_VNI_MAX);
		goto fail;
	}
	return 0;
fail:
	vtepd_vrf_conf_free(vc);
	return rc;
}

void vtepd_vrf_format(const struct vtepd *d, uint16_t k, char *buf, size_t len)
{
	const struct vtep_vrf_config *vc = &d->cfg.vrfs[k];
	size_t o = 0;

#define VRF_PUT(...) (o += (size_t)snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__))
	VRF_PUT("%s l3vni %u", vc->name, vc->l3vni);
	if (!vc->router_mac_auto)
		VRF_PUT(" router_mac %02x:%02x:%02x:%02x:%02x:%02x", vc->router_mac[0], vc->router_mac[1],
			vc->router_mac[2], vc->router_mac[3], vc->router_mac[4], vc->router_mac[5]);
	if (vc->max_ipv4_routes && vc->max_ipv4_routes != VTEP_VRF_MAX_V4_ROUTES)
		VRF_PUT(" max_ipv4_routes %u", vc->max_ipv4_routes);
	if (vc->max_ipv6_routes && vc->max_ipv6_routes != VTEP_VRF_MAX_V6_ROUTES)
		VRF_PUT(" max_ipv6_routes %u", vc->max_ipv6_routes);
	for (uint32_t i = 0; i < vc->n_prefix4; i++)
		VRF_PUT("%s%s/%u", i ? "," : " advertise ", inet_ntoa((struct in_addr){ vc->prefix4[i].addr }),
			vc->prefix4[i].len);
	for (uint32_t i = 0; i < vc->n_prefix6; i++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, vc->prefix6[i].addr, a, sizeof(a));
		VRF_PUT("%s%s/%u", i || vc->n_prefix4 ? "," : " advertise ", a, vc->prefix6[i].len);
	}
	if (vc->advertise_subnets)
		VRF_PUT(" advertise_subnets on");
#undef VRF_PUT
}

void vtepd_vrfs_state_save(const struct vtepd *d)
{
	char path[256], tmp[272], *line;
	unsigned n = 0;
	FILE *f;

	vtepd_vrfs_state_path(d, path, sizeof(path));
	for (uint16_t k = 0; k < d->n_vrfs; k++)
		n += d->vrfs[k].l3vni && d->vrfs[k].runtime;
	if (!n) {
		remove(path);
		return;
	}
	line = malloc(VTEPD_VRF_LINE_MAX);
	if (!line) {
		vlog(VLOG_WARN, "cannot write %s: %s", path, strerror(ENOMEM));
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	mkdir("/run/vtepd", 0700);
	f = fopen(tmp, "w");
	if (!f) {
		vlog(VLOG_WARN, "cannot write %s: %s", tmp, strerror(errno));
		free(line);
		return;
	}
	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		if (!d->vrfs[k].l3vni || !d->vrfs[k].runtime)
			continue;
		vtepd_vrf_format(d, k, line, VTEPD_VRF_LINE_MAX);
		fprintf(f, "%s\n", line);
	}
	free(line);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		vlog(VLOG_WARN, "cannot write %s: %s", path, strerror(errno));
}

/* Free slots at the end leave the table (and the snapshot). */
static void vtepd_vrfs_trim(struct vtepd *d)
{
	while (d->n_vrfs && !d->vrfs[d->n_vrfs - 1].l3vni)
		d->n_vrfs--;
	d->cfg.n_vrfs = d->n_vrfs;
}

int vtepd_vrf_add(struct vtepd *d, struct vtep_vrf_config *vc, uint16_t *vrf_idx, char *err, size_t errlen)
{
	uint16_t slot = DP_NO_ID;
	unsigned l3 = 0;
	int rc;

	if (vtep_config_find_vrf(&d->cfg, vc->name)) {
		snprintf(err, errlen, "VRF '%s' already exists", vc->name);
		rc = EEXIST;
		goto fail;
	}
	if (vtepd_vni_index(d, vc->l3vni) != DP_NO_ID) {
		snprintf(err, errlen, "l3vni %u is an L2 VNI (expected a VNI of its own)", vc->l3vni);
		rc = EEXIST;
		goto fail;
	}
	for (uint16_t k = 0; k < d->n_vrfs; k++) {
		if (d->vrfs[k].l3vni == vc->l3vni) {
			snprintf(err, errlen, "l3vni %u is the L3 VNI of VRF '%s'", vc->l3vni, d->cfg.vrfs[k].name);
			rc = EEXIST;
			goto fail;
		}
		if (d->vrfs[k].l3vni)
			l3++;
		else if (slot == DP_NO_ID)
			slot = k;
	}
	if (slot == DP_NO_ID)
		slot = d->n_vrfs < VTEP_MAX_VRFS ? d->n_vrfs : DP_NO_ID;
	if (slot == DP_NO_ID) {
		snprintf(err, errlen, "the VRF table is full (%u VRFs)", VTEP_MAX_VRFS);
		rc = ENOSPC;
		goto fail;
	}
	/* the snapshot holds the L2 VNIs, then one L3 VNI per VRF */
	if ((unsigned)d->n_vnis + l3 + 1 > VTEP_MAX_VNIS) {
		snprintf(err, errlen, "the VNI table is full (%u VNIs and L3 VNIs at most)", VTEP_MAX_VNIS);
		rc = ENOSPC;
		goto fail;
	}
	if (d->cfg.anycast_gw_mac_on && !vc->router_mac_auto && !memcmp(vc->router_mac, d->cfg.anycast_gw_mac, 6)) {
		snprintf(err, errlen, "router_mac is vtep.anycast_gateway_mac");
		rc = EINVAL;
		goto fail;
	}
	vc->line = 0;
	d->cfg.vrfs[slot] = *vc;
	memset(vc, 0, sizeof(*vc));
	memset(&d->vrfs[slot], 0, sizeof(d->vrfs[slot]));
	if (slot == d->n_vrfs) {
		d->n_vrfs++;
		d->cfg.n_vrfs = d->n_vrfs;
	}
	if ((rc = vtepd_vrf_make(d, slot))) {
		/* the name is new and the sizes checked: DPDK's FIB says ENOENT when its memory runs out */
		if (rc == ENOENT)
			rc = ENOMEM;
		snprintf(err, errlen, "cannot make its route table (%u IPv4 and %u IPv6 routes): %s%s",
			 d->cfg.vrfs[slot].max_ipv4_routes, d->cfg.vrfs[slot].max_ipv6_routes,
			 rc == ENOMEM ? "not enough memory" : strerror(rc),
			 rc == ENOMEM ? " (room for VRFs added at run time: fastpath.runtime_vrfs, or smaller "
					"max_ipv4_routes and max_ipv6_routes)" : "");
		vtepd_vrf_unmake(d, slot);
		memset(&d->vrfs[slot], 0, sizeof(d->vrfs[slot]));
		vtepd_vrf_conf_free(&d->cfg.vrfs[slot]);
		vtepd_vrfs_trim(d);
		return rc;
	}
	d->vrfs[slot].runtime = true;
	memset(&d->counters->vrfs[slot], 0, sizeof(d->counters->vrfs[slot]));
	if (d->topology && vtepd_publish(d) != 0)
		d->topology_dirty = true;      /* out of memory: the next tick publishes it */
	vtepd_vrf_hook(d, slot, true);
	vtepd_vrfs_state_save(d);
	if (vrf_idx)
		*vrf_idx = slot;
	vlog(VLOG_INFO, "VRF %s added (index %u, L3 VNI %u)", d->cfg.vrfs[slot].name, slot, d->vrfs[slot].l3vni);
	return 0;
fail:
	vtepd_vrf_conf_free(vc);
	return rc;
}

int vtepd_vrf_del(struct vtepd *d, const char *name, char *err, size_t errlen)
{
	const struct vtep_vrf_config *c = name && *name ? vtep_config_find_vrf(&d->cfg, name) : NULL;
	uint16_t k = c ? (uint16_t)(c - d->cfg.vrfs) : DP_NO_ID;
	char names[512] = "", vrf_name[VTEP_VRF_NAME_MAX];
	unsigned busy = 0;

	if (k >= d->n_vrfs || !d->vrfs[k].l3vni) {
		snprintf(err, errlen, "VRF '%s' does not exist", name ? name : "");
		return ENOENT;
	}
	for (uint16_t vi = 0; vi < d->n_vnis; vi++) {
		size_t o = strlen(names);

		if (!d->vnis[vi].vni || vtepd_vni_vrf(d, vi) != k)
			continue;
		if (o + 16 < sizeof(names))
			snprintf(names + o, sizeof(names) - o, "%s%u", busy ? ", " : "", d->vnis[vi].vni);
		else if (!strstr(names, ", ..."))
			snprintf(names + o, sizeof(names) - o, ", ...");
		busy++;
	}
	if (busy) {
		snprintf(err, errlen, "VRF '%s' has %u VNI%s in it: %s (delete %s first)", name, busy, busy > 1 ? "s" : "",
			 names, busy > 1 ? "them" : "it");
		return EBUSY;
	}
	snprintf(vrf_name, sizeof(vrf_name), "%s", name);
	/* EVPN first, while its table is there: type-5 routes withdrawn, received routes leave its RIB */
	vtepd_vrf_hook(d, k, false);
	/* out of the fast path: no table, no L3 VNI (publish waits for its readers) */
	d->vrfs[k].l3vni = 0;
	{
		struct route_rib *rib = d->vrfs[k].rib;

		d->vrfs[k].rib = NULL;    /* the snapshot takes no table from a VRF without a RIB */
		if (d->topology && vtepd_publish(d) != 0) {
			d->topology_dirty = true;
			rte_rcu_qsbr_synchronize(d->qsbr, RTE_QSBR_THRID_INVALID);
		}
		d->vrfs[k].rib = rib;
	}
	vtepd_vrf_unmake(d, k);
	memset(&d->vrfs[k], 0, sizeof(d->vrfs[k]));
	vtepd_vrf_conf_free(&d->cfg.vrfs[k]);
	memset(&d->counters->vrfs[k], 0, sizeof(d->counters->vrfs[k]));
	vtepd_vrfs_trim(d);
	d->topology_dirty = true;          /* the L3 VNIs after it moved up */
	vtepd_vrfs_state_save(d);
	vlog(VLOG_INFO, "VRF %s deleted (index %u free)", vrf_name, k);
	return 0;
}

void vtepd_vrfs_restore(struct vtepd *d)
{
	char path[256], err[512], *line;
	FILE *f;

	vtepd_vrfs_state_path(d, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	line = malloc(VTEPD_VRF_LINE_MAX);
	while (line && fgets(line, VTEPD_VRF_LINE_MAX, f)) {
		char *argv[VTEPD_VRF_ARGS_MAX], *save = NULL;
		struct vtep_vrf_config vc;
		int argc = 0, rc;

		line[strcspn(line, "\r\n")] = '\0';
		for (char *t = strtok_r(line, " \t", &save); t && argc < VTEPD_VRF_ARGS_MAX; t = strtok_r(NULL, " \t", &save))
			argv[argc++] = t;
		if (!argc)
			continue;
		rc = vtepd_vrf_parse(d, argc, argv, &vc, err, sizeof(err));
		if (!rc)
			rc = vtepd_vrf_add(d, &vc, NULL, err, sizeof(err));
		if (rc)
			vlog(VLOG_WARN, "%s: VRF %s added at run time is not restored: %s", path, argv[0], err);
	}
	free(line);
	fclose(f);
	vtepd_vrfs_state_save(d);
}
