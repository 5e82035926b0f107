/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_config.c: libFuzzer target for the YAML config loader (conf/). Every input is loaded
 * as a config document. It must either load, and then hold what the loader promises (every
 * port in a configured VNI, limits and MTUs in range, strings terminated), or fail with a
 * positive errno and one line that names the document and where in it ("fuzz.yaml:L:C: ...").
 * The L3 sections (VRFs, gateways) hold their rules too: VRFs named once, L3 VNIs apart.
 * Leaks on either way out are caught by LeakSanitizer.
 *
 * Build: part of the meson build with clang (test/fuzz_config); scripts/test.sh runs it.
 * Run:   build-clang/test/fuzz_config -max_total_time=60 conf
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "vtep_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_TERMINATED(s) FZ_CHECK(memchr((s), '\0', sizeof(s)) != NULL)

static void fz_check_loaded(const struct vtep_config *cfg)
{
	FZ_TERMINATED(cfg->name);
	FZ_TERMINATED(cfg->underlay_devargs);
	FZ_TERMINATED(cfg->underlay_ifname);
	FZ_TERMINATED(cfg->socket_path);
	FZ_CHECK(cfg->source_ip != 0);
	FZ_CHECK(cfg->udp_port != 0);
	FZ_CHECK(cfg->underlay_mtu >= 576 && cfg->underlay_mtu <= 9216);
	FZ_CHECK(cfg->n_vnis <= VTEP_MAX_VNIS && cfg->n_ports <= VTEP_MAX_PORTS);
	FZ_CHECK(cfg->n_vnis == 0 || cfg->vnis != NULL);
	FZ_CHECK(cfg->n_uplinks >= 1 && cfg->n_uplinks <= VTEP_MAX_UPLINKS);
	for (uint32_t i = 0; i < cfg->n_uplinks; i++) {
		FZ_TERMINATED(cfg->uplinks[i].devargs);
		FZ_TERMINATED(cfg->uplinks[i].ifname);
		FZ_CHECK(cfg->uplinks[i].ifname[0] != '\0');
	}
	FZ_CHECK(cfg->n_ports == 0 || cfg->ports != NULL);
	for (uint32_t i = 0; i < cfg->n_vnis; i++) {
		FZ_CHECK(cfg->vnis[i].vni >= 1 && cfg->vnis[i].vni <= 0xffffff);
		FZ_CHECK(vtep_config_find_vni(cfg, cfg->vnis[i].vni) == &cfg->vnis[i]);   /* no VNI twice */
	}
	for (uint32_t i = 0; i < cfg->n_ports; i++) {
		const struct vtep_port_config *p = &cfg->ports[i];

		FZ_TERMINATED(p->name);
		FZ_TERMINATED(p->netns);
		FZ_TERMINATED(p->ifname);
		FZ_CHECK(p->name[0] != '\0');
		FZ_CHECK(vtep_config_find_vni(cfg, p->vni) != NULL);
		FZ_CHECK(p->mtu <= VTEP_MAX_MTU);
		for (uint32_t j = 0; j < i; j++)
			FZ_CHECK(strcmp(cfg->ports[j].name, p->name) != 0);
	}
	/* L3: VRFs named once, L3 VNIs apart from the L2 ones, gateways only in a VRF with the gateway MAC */
	FZ_CHECK(cfg->n_vrfs <= VTEP_MAX_VRFS);
	for (uint32_t i = 0; i < cfg->n_vrfs; i++) {
		const struct vtep_vrf_config *v = &cfg->vrfs[i];

		FZ_TERMINATED(v->name);
		FZ_CHECK(v->name[0] != '\0');
		FZ_CHECK(vtep_config_find_vrf(cfg, v->name) == v);
		FZ_CHECK(v->l3vni >= 1 && v->l3vni <= VTEP_VNI_MAX);
		FZ_CHECK(vtep_config_find_vni(cfg, v->l3vni) == NULL);
		for (uint32_t j = 0; j < i; j++)
			FZ_CHECK(cfg->vrfs[j].l3vni != v->l3vni);
		FZ_CHECK(v->n_prefix4 + v->n_prefix6 <= VTEP_VRF_MAX_PREFIXES);
		FZ_CHECK(v->router_mac_auto ? !memcmp(v->router_mac, "\0\0\0\0\0", 6) : !(v->router_mac[0] & 1));
		if (!cfg->bgp.enabled)
			FZ_CHECK(!v->has_rd && !v->n_rt_import && !v->n_rt_export && !v->n_prefix4 && !v->n_prefix6 &&
				 !v->advertise_subnets);
	}
	for (uint32_t i = 0; i < cfg->n_vnis; i++) {
		const struct vtep_vni_config *v = &cfg->vnis[i];

		FZ_CHECK(v->vrf == VTEP_NO_VRF || v->vrf < cfg->n_vrfs);
		if (v->gw4_on || v->gw6_on)
			FZ_CHECK(v->vrf != VTEP_NO_VRF && cfg->anycast_gw_mac_on);
		FZ_CHECK(!v->gw4_on || (v->gw4_len >= 1 && v->gw4_len <= 31));
		FZ_CHECK(!v->gw6_on || (v->gw6_len >= 1 && v->gw6_len <= 127));
	}
	for (uint32_t i = cfg->n_vrfs; i < VTEP_MAX_VRFS; i++)
		FZ_CHECK(cfg->vrfs[i].name[0] == '\0' && !cfg->vrfs[i].rt_import && !cfg->vrfs[i].prefix4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vtep_config cfg;
	char err[512];
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	err[0] = '\0';
	rc = vtep_config_load_string("fuzz.yaml", (const char *)data, size, &cfg, err, sizeof(err));
	if (rc == 0) {
		fz_check_loaded(&cfg);
		vtep_config_free(&cfg);
	} else {
		FZ_CHECK(rc > 0);
		FZ_CHECK(strncmp(err, "fuzz.yaml:", 10) == 0);
		FZ_CHECK(strchr(err, '\n') == NULL);
	}
	return 0;
}
