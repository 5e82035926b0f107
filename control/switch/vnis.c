/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnis.c: VNIs added and deleted at run time ('vtepctl vni add / vni del'), without touching
 * the others. A VNI lives in a slot: d->vnis[i] and d->cfg.vnis[i] describe it, and i is its
 * index everywhere (FDB keys, the RIB, ports, per-VNI counters). Adding takes a free slot (one
 * a deleted VNI left, else the next), fills it as the configuration's VNIs are filled
 * (vtepd.c) and publishes the snapshot, which the fast path picks up without a lock; the
 * other VNIs' slots, entries and counters stay as they are. Deleting withdraws the VNI's
 * EVPN routes (through the hooks, while the fast path still sees it), unpublishes it, drains
 * the learn ring and then flushes its MACs and ARP bindings, and frees the slot.
 *
 * Run-time VNIs survive a restart the way run-time ports do (ports.c): they are listed, one
 * 'vni add' line each, in /run/vtepd/NAME.vnis, which the next start reads before its ports
 * come back. A VNI of the configuration that was deleted comes back from the configuration.
 * Control thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_rcu_qsbr.h>

#include "arp.h"
#include "fdb.h"
#include "log.h"
#include "switch.h"

#define VTEPD_VNI_ARGS_MAX 32

static void vtepd_vnis_state_path(const struct vtepd *d, char *path, size_t len)
{
	snprintf(path, len, "/run/vtepd/%s.vnis", d->cfg.name);
}

void vtepd_vni_conf_free(struct vtep_vni_config *vc)
{
	free(vc->flood);
	free(vc->static_macs);
	free(vc->rt_import);
	free(vc->rt_export);
	memset(vc, 0, sizeof(*vc));
	vc->vrf = VTEP_NO_VRF;
}

static int vtepd_vni_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
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

/* flood A.B.C.D,...: unicast, not our own address, no duplicates. */
static int vtepd_vni_parse_flood(const struct vtepd *d, const char *s, struct vtep_vni_config *vc, char *err,
				 size_t errlen)
{
	char buf[VTEPD_MAX_FLOOD * 16 + 1], *save = NULL;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "flood: too many addresses (expected at most %d)", VTEPD_MAX_FLOOD);
		return EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	vc->flood = calloc(VTEPD_MAX_FLOOD, sizeof(*vc->flood));
	if (!vc->flood)
		return ENOMEM;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint32_t ip, h;

		if (vc->n_flood == VTEPD_MAX_FLOOD) {
			snprintf(err, errlen, "flood: too many addresses (expected at most %d)", VTEPD_MAX_FLOOD);
			return EINVAL;
		}
		if (vtep_parse_ipv4(t, &ip)) {
			snprintf(err, errlen, "flood: bad address '%s' (expected A.B.C.D,...)", t);
			return EINVAL;
		}
		h = ntohl(ip);
		if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 0xe) {
			snprintf(err, errlen, "flood: %s is not a unicast address", t);
			return EINVAL;
		}
		if (ip == d->cfg.source_ip) {
			snprintf(err, errlen, "flood: %s is this VTEP's own vtep.source_ip (expected a remote VTEP)", t);
			return EINVAL;
		}
		for (uint32_t i = 0; i < vc->n_flood; i++)
			if (vc->flood[i] == ip) {
				snprintf(err, errlen, "flood: %s is given twice", t);
				return EINVAL;
			}
		vc->flood[vc->n_flood++] = ip;
	}
	if (!vc->n_flood) {
		snprintf(err, errlen, "flood: no address (expected A.B.C.D,...)");
		return EINVAL;
	}
	return 0;
}

/* An IPv4 gateway: a unicast host address of a subnet of length 1..31 (as the configuration's). */
static int vtepd_vni_gw4_check(uint32_t a, uint8_t len, const char *s, char *err, size_t errlen)
{
	uint32_t h = ntohl(a), host = len < 32 ? 0xffffffffu >> len : 0;

	if (len == 0 || len == 32)
		snprintf(err, errlen, "gateway %s: prefix length %u (expected 1..31: the subnet the gateway serves)", s,
			 len);
	else if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 29) == 7)
		snprintf(err, errlen, "gateway %s: not a unicast host address (expected one outside 0/8, 127/8 and 224/3)",
			 s);
	else if (len <= 30 && (h & host) == 0)
		snprintf(err, errlen, "gateway %s: the subnet's own address (expected a host address)", s);
	else if (len <= 30 && (h & host) == host)
		snprintf(err, errlen, "gateway %s: the subnet's broadcast address (expected a host address)", s);
	else
		return 0;
	return EINVAL;
}

/* An IPv6 gateway: global or unique-local unicast, subnet length 1..127, host part non-zero. */
static int vtepd_vni_gw6_check(const uint8_t a[16], uint8_t len, const char *s, char *err, size_t errlen)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint8_t zero[16] = { 0 };
	bool host_zero = true;

	for (unsigned b = len; b < 128; b++)
		host_zero &= !((a[b / 8] >> (7 - b % 8)) & 1);
	if (len == 0 || len == 128)
		snprintf(err, errlen, "gateway6 %s: prefix length %u (expected 1..127: the subnet the gateway serves)", s,
			 len);
	else if (a[0] == 0xff)
		snprintf(err, errlen, "gateway6 %s: a multicast address (expected a unicast address)", s);
	else if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		snprintf(err, errlen, "gateway6 %s: a link-local address (expected a global or unique local address)", s);
	else if (!memcmp(a, zero, 15) || !memcmp(a, mapped, sizeof(mapped)))
		snprintf(err, errlen, "gateway6 %s: not a unicast host address (expected no ::, ::1 or IPv4-mapped)", s);
	else if (host_zero)
		snprintf(err, errlen, "gateway6 %s: the subnet-router anycast address (expected a host address)", s);
	else
		return 0;
	return EINVAL;
}

int vtepd_vni_parse(const struct vtepd *d, int argc, char **argv, struct vtep_vni_config *vc, char *err,
		    size_t errlen)
{
	bool seen_mtu = false, seen_learning = false, seen_flood = false, seen_max = false, seen_vrf = false;
	int rc = EINVAL;

	memset(vc, 0, sizeof(*vc));
	vc->vrf = VTEP_NO_VRF;
	vc->learning = true;
	vc->vtep_check = -1;
	if (argc < 1 || vtepd_vni_parse_u32(argv[0], 1, VTEP_VNI_MAX, &vc->vni)) {
		snprintf(err, errlen, "bad VNI '%s' (expected 1 to %u)", argc < 1 ? "" : argv[0], VTEP_VNI_MAX);
		return EINVAL;
	}
	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const struct vtep_vrf_config *vrf;
		uint32_t n;

		if (!v) {
			snprintf(err, errlen, "'%s' needs a value", k);
			goto fail;
		}
		if (!strcmp(k, "vrf") && !seen_vrf) {
			vrf = vtep_config_find_vrf(&d->cfg, v);
			if (!vrf) {
				snprintf(err, errlen, "VRF '%s' does not exist (expected the name of a VRF of 'show vrfs')", v);
				rc = ENOENT;
				goto fail;
			}
			vc->vrf = (uint16_t)(vrf - d->cfg.vrfs);
			seen_vrf = true;
		} else if (!strcmp(k, "gateway") && !vc->gw4_on) {
			if (vtep_parse_ipv4_prefix(v, &vc->gw4, &vc->gw4_len)) {
				snprintf(err, errlen, "bad gateway '%s' (expected A.B.C.D/LEN)", v);
				goto fail;
			}
			if (vtepd_vni_gw4_check(vc->gw4, vc->gw4_len, v, err, errlen))
				goto fail;
			vc->gw4_on = true;
		} else if (!strcmp(k, "gateway6") && !vc->gw6_on) {
			if (vtep_parse_ipv6_prefix(v, vc->gw6, &vc->gw6_len)) {
				snprintf(err, errlen, "bad gateway6 '%s' (expected X::Y/LEN)", v);
				goto fail;
			}
			if (vtepd_vni_gw6_check(vc->gw6, vc->gw6_len, v, err, errlen))
				goto fail;
			vc->gw6_on = true;
		} else if (!strcmp(k, "mtu") && !seen_mtu) {
			if (vtepd_vni_parse_u32(v, VTEP_MIN_MTU, VTEP_MAX_MTU, &n)) {
				snprintf(err, errlen, "bad mtu '%s' (expected %u to %u)", v, VTEP_MIN_MTU, VTEP_MAX_MTU);
				goto fail;
			}
			vc->mtu = n;
			seen_mtu = true;
		} else if (!strcmp(k, "learning") && !seen_learning) {
			if (strcmp(v, "on") && strcmp(v, "off")) {
				snprintf(err, errlen, "bad learning '%s' (expected on or off)", v);
				goto fail;
			}
			vc->learning = !strcmp(v, "on");
			seen_learning = true;
		} else if (!strcmp(k, "flood") && !seen_flood) {
			if ((rc = vtepd_vni_parse_flood(d, v, vc, err, errlen)))
				goto fail;
			rc = EINVAL;
			seen_flood = true;
		} else if (!strcmp(k, "max_macs") && !seen_max) {
			if (vtepd_vni_parse_u32(v, 0, 16777216, &n)) {
				snprintf(err, errlen, "bad max_macs '%s' (expected 0 to 16777216, 0 for no limit)", v);
				goto fail;
			}
			vc->max_macs = n ? n : VTEP_MAX_MACS_UNLIMITED;
			seen_max = true;
		} else {
			snprintf(err, errlen, "unknown or repeated option '%s' (expected vrf, gateway, gateway6, mtu, "
					      "learning, flood or max_macs, each once)", k);
			goto fail;
		}
	}
	if ((vc->gw4_on || vc->gw6_on) && vc->vrf == VTEP_NO_VRF) {
		snprintf(err, errlen, "a gateway needs 'vrf NAME' (the anycast gateway routes in a VRF)");
		goto fail;
	}
	if ((vc->gw4_on || vc->gw6_on) && !d->cfg.anycast_gw_mac_on) {
		snprintf(err, errlen, "a gateway needs vtep.anycast_gateway_mac in the configuration (the fabric-wide "
				      "gateway MAC)");
		goto fail;
	}
	return 0;
fail:
	vtepd_vni_conf_free(vc);
	return rc;
}

/* The gateway subnets of vc must not overlap another VNI's in the same VRF. */
static int vtepd_vni_overlap(const struct vtepd *d, const struct vtep_vni_config *vc, char *err, size_t errlen)
{
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		const struct vtep_vni_config *q = &d->cfg.vnis[i];
		unsigned len;
		bool same = true;

		if (!q->vni || q->vrf != vc->vrf)
			continue;
		if (vc->gw4_on && q->gw4_on) {
			len = q->gw4_len < vc->gw4_len ? q->gw4_len : vc->gw4_len;
			if (!((ntohl(q->gw4) ^ ntohl(vc->gw4)) & (len ? 0xffffffffu << (32 - len) : 0))) {
				snprintf(err, errlen, "gateway overlaps the gateway subnet of VNI %u in VRF '%s'", q->vni,
					 d->cfg.vrfs[vc->vrf].name);
				return EEXIST;
			}
		}
		if (vc->gw6_on && q->gw6_on) {
			len = q->gw6_len < vc->gw6_len ? q->gw6_len : vc->gw6_len;
			for (unsigned b = 0; b < len && same; b++)
				same = !(((q->gw6[b / 8] ^ vc->gw6[b / 8]) >> (7 - b % 8)) & 1);
			if (same) {
				snprintf(err, errlen, "gateway6 overlaps the gateway subnet of VNI %u in VRF '%s'", q->vni,
					 d->cfg.vrfs[vc->vrf].name);
				return EEXIST;
			}
		}
	}
	return 0;
}

/* The slot a new VNI takes: a free one, else the next; DP_NO_ID when the snapshot has no room. */
static uint16_t vtepd_vni_free_slot(const struct vtepd *d)
{
	unsigned l3 = 0;

	for (uint16_t i = 0; i < d->n_vnis; i++)
		if (!d->vnis[i].vni)
			return i;
	for (uint16_t k = 0; k < d->n_vrfs; k++)
		l3 += d->vrfs[k].l3vni != 0;
	/* the snapshot holds the L2 VNIs, then one L3 VNI per VRF */
	return (unsigned)d->n_vnis + l3 < VTEP_MAX_VNIS ? d->n_vnis : DP_NO_ID;
}

/* Free slots at the end leave the table (and the snapshot). */
static void vtepd_vnis_trim(struct vtepd *d)
{
	while (d->n_vnis && !d->vnis[d->n_vnis - 1].vni)
		d->n_vnis--;
	d->cfg.n_vnis = d->n_vnis;
}

void vtepd_vnis_state_save(const struct vtepd *d)
{
	char path[256], tmp[272], line[VTEPD_MAX_FLOOD * 16 + 256];
	unsigned n = 0;
	FILE *f;

	vtepd_vnis_state_path(d, path, sizeof(path));
	for (uint16_t i = 0; i < d->n_vnis; i++)
		n += d->vnis[i].vni && d->vnis[i].runtime;
	if (!n) {
		remove(path);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	mkdir("/run/vtepd", 0700);
	f = fopen(tmp, "w");
	if (!f) {
		vlog(VLOG_WARN, "cannot write %s: %s", tmp, strerror(errno));
		return;
	}
	for (uint16_t i = 0; i < d->n_vnis; i++) {
		if (!d->vnis[i].vni || !d->vnis[i].runtime)
			continue;
		vtepd_vni_format(d, i, line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		vlog(VLOG_WARN, "cannot write %s: %s", path, strerror(errno));
}

void vtepd_vni_format(const struct vtepd *d, uint16_t vi, char *buf, size_t len)
{
	const struct vtep_vni_config *vc = &d->cfg.vnis[vi];
	size_t o = 0;

#define VNI_PUT(...) (o += (size_t)snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__))
	VNI_PUT("%u", vc->vni);
	if (vc->vrf < d->cfg.n_vrfs)
		VNI_PUT(" vrf %s", d->cfg.vrfs[vc->vrf].name);
	if (vc->gw4_on)
		VNI_PUT(" gateway %s/%u", inet_ntoa((struct in_addr){ vc->gw4 }), vc->gw4_len);
	if (vc->gw6_on) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, vc->gw6, a, sizeof(a));
		VNI_PUT(" gateway6 %s/%u", a, vc->gw6_len);
	}
	if (vc->mtu)
		VNI_PUT(" mtu %u", vc->mtu);
	if (!vc->learning)
		VNI_PUT(" learning off");
	for (uint32_t f = 0; f < vc->n_flood; f++)
		VNI_PUT("%s%s", f ? "," : " flood ", inet_ntoa((struct in_addr){ vc->flood[f] }));
	if (vc->max_macs)
		VNI_PUT(" max_macs %u", vc->max_macs == VTEP_MAX_MACS_UNLIMITED ? 0 : vc->max_macs);
#undef VNI_PUT
}

int vtepd_vni_add(struct vtepd *d, struct vtep_vni_config *vc, uint16_t *vni_idx, char *err, size_t errlen)
{
	uint16_t slot, flood[VTEPD_MAX_FLOOD];
	struct vtepd_vni *v;
	int rc;

	if (vtepd_vni_index(d, vc->vni) != DP_NO_ID) {
		snprintf(err, errlen, "VNI %u already exists", vc->vni);
		rc = EEXIST;
		goto fail;
	}
	for (uint32_t k = 0; k < d->cfg.n_vrfs; k++)
		if (d->cfg.vrfs[k].l3vni == vc->vni) {
			snprintf(err, errlen, "VNI %u is the L3 VNI of VRF '%s'", vc->vni, d->cfg.vrfs[k].name);
			rc = EEXIST;
			goto fail;
		}
	if (vc->vrf != VTEP_NO_VRF && vc->vrf >= d->cfg.n_vrfs) {
		snprintf(err, errlen, "VRF index %u does not exist", vc->vrf);
		rc = ENOENT;
		goto fail;
	}
	if ((vc->gw4_on || vc->gw6_on) && (vc->vrf == VTEP_NO_VRF || !d->cfg.anycast_gw_mac_on)) {
		snprintf(err, errlen, "a gateway needs a VRF and vtep.anycast_gateway_mac");
		rc = EINVAL;
		goto fail;
	}
	if ((rc = vtepd_vni_overlap(d, vc, err, errlen)))
		goto fail;
	slot = vtepd_vni_free_slot(d);
	if (slot == DP_NO_ID) {
		snprintf(err, errlen, "the VNI table is full (%u VNIs and L3 VNIs at most)", VTEP_MAX_VNIS);
		rc = ENOSPC;
		goto fail;
	}
	for (uint32_t f = 0; f < vc->n_flood && f < VTEPD_MAX_FLOOD; f++)
		if ((rc = vtepd_vtep_get(d, vc->flood[f], false, &flood[f]))) {
			snprintf(err, errlen, "the remote VTEP table is full (%u VTEPs)", VTEP_MAX_VTEPS);
			goto fail;
		}

	/* the slot, as vtepd.c fills the configuration's VNIs */
	v = &d->vnis[slot];
	memset(v, 0, sizeof(*v));
	v->vni = vc->vni;
	v->mtu = (uint16_t)(vc->mtu ? vc->mtu : vtep_vni_default_mtu(d->cfg.underlay_mtu));
	v->outer_frag = vc->outer_fragmentation;
	v->learning = vc->learning && !d->cfg.bgp.enabled;
	v->vtep_check = vc->vtep_check < 0 ? d->cfg.bgp.enabled : vc->vtep_check != 0;
	v->max_macs = vc->max_macs;
	v->runtime = true;
	for (uint32_t f = 0; f < vc->n_flood && f < VTEPD_MAX_FLOOD; f++)
		v->flood[v->n_flood++] = flood[f];
	if (v->n_flood)
		d->resolve_all = true;         /* new VTEPs' next hops within 100 ms, not at the next second */
	d->cfg.vnis[slot] = *vc;
	memset(vc, 0, sizeof(*vc));
	vc->vrf = VTEP_NO_VRF;
	if (slot == d->n_vnis) {
		d->n_vnis++;
		d->cfg.n_vnis = d->n_vnis;
	}
	/* the fast path has not counted in this slot since it was free (or an L3 VNI's, re-indexed now) */
	memset(&d->counters->vnis[slot], 0, sizeof(d->counters->vnis[slot]));
	if ((rc = vtepd_vrf_vni_connected(d, slot, true))) {
		snprintf(err, errlen, "its VRF's route table refused the gateway subnet: %s", strerror(rc));
		memset(v, 0, sizeof(*v));
		vtepd_vni_conf_free(&d->cfg.vnis[slot]);
		vtepd_vnis_trim(d);
		return rc;
	}
	if (d->topology && (rc = vtepd_publish(d)) != 0)
		d->topology_dirty = true;      /* out of memory: the next tick publishes it */
	vtepd_vni_hook(d, slot, true);
	vtepd_vnis_state_save(d);
	if (vni_idx)
		*vni_idx = slot;
	vlog_vni(VLOG_INFO, v->vni, "VNI %u added (index %u)", v->vni, slot);
	return 0;
fail:
	vtepd_vni_conf_free(vc);
	return rc;
}

struct vtepd_vni_arp_gone {
	uint16_t vi;
	uint32_t n, cap;
	uint32_t *ip;
};

static int vtepd_vni_arp_collect(uint16_t vni_idx, uint32_t ip, const uint8_t mac[6], void *arg)
{
	struct vtepd_vni_arp_gone *g = arg;

	(void)mac;
	if (vni_idx != g->vi)
		return 0;
	if (g->n == g->cap) {
		uint32_t cap = g->cap ? 2 * g->cap : 64;
		uint32_t *bigger = realloc(g->ip, cap * sizeof(*bigger));

		if (!bigger)
			return 1;
		g->ip = bigger;
		g->cap = cap;
	}
	g->ip[g->n++] = ip;
	return 0;
}

int vtepd_vni_del(struct vtepd *d, uint32_t vni, char *err, size_t errlen)
{
	uint16_t vi = vni ? vtepd_vni_index(d, vni) : DP_NO_ID;
	char names[512] = "";
	unsigned busy = 0;
	uint32_t flushed;

	if (vi == DP_NO_ID) {
		for (uint32_t k = 0; vni && k < d->cfg.n_vrfs; k++)
			if (d->cfg.vrfs[k].l3vni == vni) {
				snprintf(err, errlen, "VNI %u is the L3 VNI of VRF '%s', not an L2 VNI", vni,
					 d->cfg.vrfs[k].name);
				return EINVAL;
			}
		snprintf(err, errlen, "VNI %u does not exist", vni);
		return ENOENT;
	}
	for (int s = 1; s <= VTEP_MAX_PORTS; s++) {
		size_t o = strlen(names);

		if (!d->ports[s].in_use || d->ports[s].vni_idx != vi)
			continue;
		if (o + VTEP_IFNAME_MAX + 8 < sizeof(names))
			snprintf(names + o, sizeof(names) - o, "%s%s", busy ? ", " : "", d->ports[s].conf.name);
		else if (!strstr(names, ", ..."))
			snprintf(names + o, sizeof(names) - o, ", ...");
		busy++;
	}
	if (busy) {
		snprintf(err, errlen, "VNI %u has %u port%s attached: %s (detach %s first)", vni, busy, busy > 1 ? "s" : "",
			 names, busy > 1 ? "them" : "it");
		return EBUSY;
	}
	/* EVPN first, while the fast path still carries it: our routes withdrawn, received ones unimported */
	vtepd_vni_hook(d, vi, false);
	vtepd_vrf_vni_connected(d, vi, false);
	memset(&d->vnis[vi], 0, sizeof(d->vnis[vi]));
	vtepd_vni_conf_free(&d->cfg.vnis[vi]);
	vtepd_vnis_trim(d);
	/* out of the fast path (publish waits for its readers), then what it posted before is drained */
	if (vtepd_publish(d) != 0) {
		d->topology_dirty = true;
		rte_rcu_qsbr_synchronize(d->qsbr, RTE_QSBR_THRID_INVALID);
	}
	vtepd_learning_drain(d);
	flushed = fdb_flush_vni(d->fdb, vi);
	if (d->arp) {
		struct vtepd_vni_arp_gone g = { .vi = vi };

		arp_table_walk(d->arp, vtepd_vni_arp_collect, &g);
		for (uint32_t i = 0; i < g.n; i++)
			arp_table_del(d->arp, vi, g.ip[i]);
		free(g.ip);
	}
	memset(&d->counters->vnis[vi], 0, sizeof(d->counters->vnis[vi]));
	vtepd_vnis_state_save(d);
	vlog_vni(VLOG_INFO, vni, "VNI %u deleted (index %u free, %u MACs flushed)", vni, vi, flushed);
	return 0;
}

void vtepd_vnis_restore(struct vtepd *d)
{
	char path[256], line[VTEPD_MAX_FLOOD * 16 + 256], err[512];
	FILE *f;

	vtepd_vnis_state_path(d, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *argv[VTEPD_VNI_ARGS_MAX], *save = NULL;
		struct vtep_vni_config vc;
		int argc = 0, rc;

		line[strcspn(line, "\r\n")] = '\0';
		for (char *t = strtok_r(line, " \t", &save); t && argc < VTEPD_VNI_ARGS_MAX; t = strtok_r(NULL, " \t", &save))
			argv[argc++] = t;
		if (!argc)
			continue;
		rc = vtepd_vni_parse(d, argc, argv, &vc, err, sizeof(err));
		if (!rc)
			rc = vtepd_vni_add(d, &vc, NULL, err, sizeof(err));
		if (rc)
			vlog(VLOG_WARN, "%s: VNI %s added at run time is not restored: %s", path, argv[0], err);
	}
	fclose(f);
	vtepd_vnis_state_save(d);
}
