#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The L3 leaf's routes with GoBGP as a Nexus-shaped iBGP peer (issue 14): vtepd, with VRF
# tenant (L3 VNI 900001, everything auto) and the anycast-gateway VNI 5000, announces a
# type 5 per advertised prefix and gateway subnet (RD router-id:3, RT 65535:900001, the
# router's MAC, label 900001) and its container's MAC+IP route with two labels (5000, 900001),
# both RTs and the router's MAC; GoBGP's adj-in shows them. GoBGP injects a Nexus-shaped
# type 5 (RD router-id:3) and a two-label type 2 with its router MAC: vtepd imports both into
# VRF tenant (show bgp evpn type 5, show vrfs). Withdrawals go both ways.
# vt-suite: once
source "$(dirname "$0")/lib.sh"

vt_fabric 2
C1=${VT_P}c1
vt_ns "$C1"
L1=${VT_P}-leaf1
G=${VT_P}l2
vt_gobgp "$G" 65535 10.0.0.2 10.0.0.1 65535

{ vt_conf_l3_base "$L1" "10.0.0.1"; cat <<EOF; } > "$VT_TMP/leaf1.yaml"
    router_mac: auto
    rd: auto
    route_targets: {import: auto, export: auto}
    advertise: [10.9.0.0/16]
    advertise_subnets: true
vnis:
  - vni: 5000
    vrf: tenant
    gateway: 192.168.1.1/24
ports:
  - {name: c1, vni: 5000, netns: $C1, ip: 192.168.1.10/24, mac: 02:00:00:01:00:10}
bgp:
  asn: 65535
  router_id: 10.0.0.1
  neighbors:
    - {address: 10.0.0.2, remote_as: 65535}
EOF
"$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" >/dev/null || vt_fail "config invalid: $("$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" 2>&1)"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
RMAC=$(ip -n "${VT_P}l1" -j link show ul0 | jq -r '.[0].address')   # router_mac auto: the uplink's
vt_bgp_established "$L1" "session with GoBGP" "$VT_TMP/gobgpd.log"
vt_pass "iBGP EVPN session with GoBGP established"

# ---- show vrfs: what the leaf announces the VRF with ----
vrfs=$(vt_ctl "$L1" -j show vrfs)
echo "$vrfs" | jq -e --arg m "$RMAC" '.vrfs == [{name: "tenant", l3vni: 900001, origin: "config", router_mac: $m, rd: "10.0.0.1:3",
	import_rt: "RT:65535:900001", export_rt: "RT:65535:900001", advertised_prefixes: 2, type5_routes: 0, host_routes: 0,
	route_updates: 0, route_withdrawals: 0, remote_routes: 0, remote_refused: 0, local_moved: 0,
	vnis: [{vni: 5000, gateway4: "192.168.1.1/24", gateway6: "-"}]}]' >/dev/null ||
	vt_fail "show vrfs: $vrfs (router MAC $RMAC; underlay: $(vt_ctl "$L1" -j show ports | jq -c ".ports[0]"))"
vt_ctl "$L1" show vrfs | grep -q "tenant" || vt_fail "show vrfs (text): $(vt_ctl "$L1" show vrfs)"
vt_pass "show vrfs: tenant, L3 VNI 900001, RD 10.0.0.1:3, RT 65535:900001, router MAC $RMAC, VNI 5000"

# ---- what GoBGP received from us ----
t5_line() { vt_gobgp_cli neighbor 10.0.0.1 adj-in -a evpn 2>&1 | grep -F "[prefix:$1]"; }
vt_wait_for 15 bash -c "$(declare -f vt_gobgp_cli t5_line); VT_GOBGP_NS=$VT_GOBGP_NS; t5_line 10.9.0.0/16 >/dev/null" ||
	vt_fail "GoBGP has no type 5 for 10.9.0.0/16: $(vt_gobgp_cli neighbor 10.0.0.1 adj-in -a evpn 2>&1)"
for p in 10.9.0.0/16 192.168.1.0/24; do
	line=$(t5_line "$p")
	echo "$line" | grep -qF "[rd:10.0.0.1:3]" || vt_fail "type 5 $p: RD is not 10.0.0.1:3: $line"
	echo "$line" | grep -qF "[900001]" || vt_fail "type 5 $p: label is not 900001: $line"
	echo "$line" | grep -qF "[GW: 0.0.0.0]" || vt_fail "type 5 $p: gateway IP is not 0: $line"
	echo "$line" | grep -qF "[65535:900001]" || vt_fail "type 5 $p: no RT 65535:900001: $line"
	echo "$line" | grep -qiF "[router's mac: $RMAC]" || vt_fail "type 5 $p: no router MAC $RMAC: $line"
	echo "$line" | grep -qF "[VXLAN]" || vt_fail "type 5 $p: no VXLAN encapsulation: $line"
done
vt_log "GoBGP: $(t5_line 10.9.0.0/16 | sed 's/  */ /g')"
vt_pass "GoBGP's adj-in: type 5 for 10.9.0.0/16 and the gateway subnet 192.168.1.0/24, RD 10.0.0.1:3, RT 65535:900001, router MAC, label 900001"

macip_line() { vt_gobgp_cli neighbor 10.0.0.1 adj-in -a evpn 2>&1 | grep -F "[mac:$1][ip:$2]"; }
vt_wait_for 15 bash -c "$(declare -f vt_gobgp_cli macip_line); VT_GOBGP_NS=$VT_GOBGP_NS; macip_line 02:00:00:01:00:10 192.168.1.10 >/dev/null" ||
	vt_fail "GoBGP has no MAC+IP route for c1: $(vt_gobgp_cli neighbor 10.0.0.1 adj-in -a evpn 2>&1)"
line=$(macip_line 02:00:00:01:00:10 192.168.1.10)
echo "$line" | grep -qF "[5000,900001]" || vt_fail "c1's MAC+IP route does not carry labels 5000,900001: $line"
echo "$line" | grep -qF "[65535:5000]" && echo "$line" | grep -qF "[65535:900001]" ||
	vt_fail "c1's MAC+IP route lacks an RT (65535:5000 and 65535:900001): $line"
echo "$line" | grep -qiF "[router's mac: $RMAC]" || vt_fail "c1's MAC+IP route has no router MAC $RMAC: $line"
vt_log "GoBGP: $(echo "$line" | sed 's/  */ /g')"
# the MAC-only route stays an L2 route: one label, no router MAC
line=$(vt_gobgp_cli neighbor 10.0.0.1 adj-in -a evpn 2>&1 | grep -F "[mac:02:00:00:01:00:10][ip:<nil>]")
[ -n "$line" ] || line=$(vt_gobgp_cli neighbor 10.0.0.1 adj-in -a evpn 2>&1 | grep -F "[mac:02:00:00:01:00:10]" | grep -vF "192.168.1.10")
echo "$line" | grep -qF "[5000]" || vt_fail "c1's MAC-only route: $line"
echo "$line" | grep -qi "router's mac" && vt_fail "c1's MAC-only route carries a router MAC: $line"
vt_pass "GoBGP's adj-in: c1's MAC+IP with labels 5000,900001, both RTs and the router MAC; its MAC-only route stays L2"

# ---- Nexus-shaped routes from GoBGP, imported into VRF tenant ----
NX_RMAC=00:00:33:33:00:02
vt_gobgp_cli global rib -a evpn add prefix 172.16.0.0/12 gw 0.0.0.0 etag 0 label 900001 rd 10.0.0.2:3 rt 65535:900001 \
	encap vxlan router-mac $NX_RMAC nexthop 10.0.0.2 || vt_fail "gobgp refused the type-5 route"
vt_gobgp_cli global rib -a evpn add macadv 02:00:00:02:00:20 192.168.1.20 etag 0 label 5000,900001 rd 10.0.0.2:32868 \
	rt 65535:5000 65535:900001 encap vxlan router-mac $NX_RMAC nexthop 10.0.0.2 || vt_fail "gobgp refused the two-label MAC+IP route"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show bgp evpn type 5 | jq -e '.vrf_routes | length == 2' >/dev/null" ||
	vt_fail "the routes were not imported into VRF tenant: $(vt_ctl "$L1" show bgp evpn type 5)"
t5=$(vt_ctl "$L1" -j show bgp evpn type 5)
echo "$t5" | jq -e --arg m "$NX_RMAC" '.vrf_routes | map(select(.vrf == "tenant" and .nexthop == "10.0.0.2" and
	.router_mac == $m and .vni == 900001 and .peer == "10.0.0.2")) | map(.prefix + " " + .source) | sort ==
	["172.16.0.0/12 type-5", "192.168.1.20/32 host"]' >/dev/null || vt_fail "show bgp evpn type 5, vrf_routes: $t5"
echo "$t5" | jq -e --arg m "$NX_RMAC" '[.routes[] | select(.prefix == "172.16.0.0/12" and .rd == "10.0.0.2:3" and
	.nexthop == "10.0.0.2" and .router_mac == $m and .l3vni == 900001 and .vrf == "tenant" and .imported and .best)]
	| length == 1' >/dev/null || vt_fail "show bgp evpn type 5, the received type 5: $t5"
echo "$t5" | jq -e --arg m "$RMAC" '[.routes[] | select(.peer == "local" and .rd == "10.0.0.1:3" and .router_mac == $m
	and .l3vni == 900001 and .rt == "RT:65535:900001")] | map(.prefix) | sort == ["10.9.0.0/16", "192.168.1.0/24"]' >/dev/null ||
	vt_fail "show bgp evpn type 5, our type-5 routes: $t5"
echo "$t5" | jq -e '.vrfs == [{vrf: "tenant", l3vni: 900001, rd: "10.0.0.1:3", router_mac: .vrfs[0].router_mac,
	import_rt: "RT:65535:900001", import_auto: true, export_rt: "RT:65535:900001"}]' >/dev/null ||
	vt_fail "show bgp evpn type 5, vrfs: $t5"
text=$(vt_ctl "$L1" show bgp evpn type 5)
echo "$text" | grep -q "172.16.0.0/12" && echo "$text" | grep -q "192.168.1.20/32" ||
	vt_fail "show bgp evpn type 5 (text): $text"
vt_ctl "$L1" -j show vrfs | jq -e '.vrfs[0] | .type5_routes == 1 and .host_routes == 1 and .route_updates == 2 and
	.remote_routes == 2 and .remote_refused == 0' >/dev/null ||
	vt_fail "show vrfs after the import: $(vt_ctl "$L1" show vrfs)"
# both in VRF tenant's route table, behind GoBGP's VTEP with its router MAC, in the L3 VNI
vt_ctl "$L1" -j show routes vrf tenant | jq -e --arg m "$NX_RMAC" '[.routes[] | select(.nexthop == "remote") |
	"\(.prefix) \(.source) \(.vtep) \(.mac) \(.vni)"] == ["172.16.0.0/12 type-5 10.0.0.2 \($m) 900001",
	"192.168.1.20/32 host 10.0.0.2 \($m) 900001"]' >/dev/null || vt_fail "show routes: $(vt_ctl "$L1" show routes)"
# the MAC+IP route is an L2 route of VNI 5000 too: the MAC behind GoBGP's VTEP
vt_ctl "$L1" -j show macs | jq -e '.macs[] | select(.mac == "02:00:00:02:00:20" and .vtep == "10.0.0.2")' >/dev/null ||
	vt_fail "the two-label MAC+IP route did not install its MAC: $(vt_ctl "$L1" show macs); $(vt_ctl "$L1" show bgp evpn)"
vt_pass "a Nexus-shaped type 5 (RD 10.0.0.2:3) and a two-label type 2 with router MAC are imported into VRF tenant"

# the whole listing shows type 5 as prefix/length, and the usage names type 5
vt_ctl "$L1" -j show bgp evpn | jq -e '[.routes[] | select(.type == 5)] | map(.ip) | sort ==
	["10.9.0.0/16", "172.16.0.0/12", "192.168.1.0/24"]' >/dev/null || vt_fail "show bgp evpn: $(vt_ctl "$L1" show bgp evpn)"
out=$(vt_ctl "$L1" show bgp evpn type 5 vni 5000 2>&1) && vt_fail "type 5 with a vni was accepted: $out"
out=$(vt_ctl "$L1" show bgp evpn type 4 2>&1) && vt_fail "type 4 was accepted: $out"
echo "$out" | grep -q "type 2|3|5" || vt_fail "the usage does not name type 5: $out"
vt_pass "show bgp evpn lists type 5 as prefixes; bad arguments are refused with the usage"

# ---- withdrawals, both ways ----
vt_gobgp_cli global rib -a evpn del prefix 172.16.0.0/12 gw 0.0.0.0 etag 0 label 900001 rd 10.0.0.2:3
vt_gobgp_cli global rib -a evpn del macadv 02:00:00:02:00:20 192.168.1.20 etag 0 label 5000,900001 rd 10.0.0.2:32868
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show bgp evpn type 5 | jq -e '.vrf_routes == []' >/dev/null" ||
	vt_fail "withdrawn routes are still in VRF tenant: $(vt_ctl "$L1" show bgp evpn type 5)"
vt_ctl "$L1" -j show vrfs | jq -e '.vrfs[0] | .type5_routes == 0 and .host_routes == 0 and .route_withdrawals == 2 and
	.remote_routes == 0' >/dev/null ||
	vt_fail "show vrfs after the withdrawals: $(vt_ctl "$L1" show vrfs)"
vt_ctl "$L1" -j show routes vrf tenant | jq -e '[.routes[] | select(.nexthop == "remote")] == []' >/dev/null ||
	vt_fail "withdrawn routes are still in VRF tenant's route table: $(vt_ctl "$L1" show routes)"
vt_ctl "$L1" detach c1 >/dev/null || vt_fail "detach c1"
vt_wait_for 15 bash -c "! ip netns exec $G gobgp -u 127.0.0.1 -p 50051 neighbor 10.0.0.1 adj-in -a evpn 2>&1 | grep -qF '[mac:02:00:00:01:00:10]'" ||
	vt_fail "c1's routes stayed at GoBGP after its detach: $(vt_gobgp_cli neighbor 10.0.0.1 adj-in -a evpn 2>&1)"
t5_line 10.9.0.0/16 >/dev/null || vt_fail "the type 5 for 10.9.0.0/16 went with c1"
vt_pass "withdrawals: GoBGP's routes leave VRF tenant; c1's two-label route leaves GoBGP's adj-in on detach"
