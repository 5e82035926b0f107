#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# FRR as the other L3 leaf (issue 14): symmetric IRB between vtepd and Linux + FRR, iBGP AS
# 65535 on the uplink addresses. vtepd (10.0.0.1): VRF tenant, L3 VNI 900001, VNI 5000 with
# the anycast gateway 192.168.1.1/24, container c1. FRR (10.0.0.2): a VRF (below), L3 VNI
# 900001 (bridge br900001 + VXLAN device, its MAC the router MAC), VNI 5001 with the same
# anycast gateway MAC at 192.168.2.1/24 and host h2, and an external network 10.50.0.0/24
# (host x at .2) in the VRF that FRR announces as a type-5 prefix (`advertise ipv4 unicast`),
# `advertise-all-vni`.
# Asserts: FRR installs our MAC+IP host route with our router MAC (show evpn rmac, show evpn
# next-hops, the VRF's kernel route); vtepd installs h2's host route and FRR's prefix; c1 and
# h2, in different subnets, ping each other both ways, routed over VNI 900001 (tshark: the
# router MACs both ways); c1 reaches x (10.50.0.2) through the type-5 route.
# FRR's tenant is a real FRR VRF (`vrf NAME` / `vni 900001`, `router bgp 65535 vrf NAME`): a
# Linux VRF device `tenant` where the kernel has them (CONFIG_NET_VRF), else (as on the CI
# machines) FRR's network-namespace VRF backend (zebra -n): the VRF is namespace ${VT_P}fvrf,
# FRR's VRF of the same name. The L3 and L2 VNIs' VXLAN devices are made in the leaf's own
# namespace (their UDP sockets, the underlay, stay there) and moved into the VRF's, with the
# bridges, the SVI, h2's and x's links. VT_FRR_VRF=netns picks the namespace VRF on any kernel.
# vt-suite: once
source "$(dirname "$0")/lib.sh"
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] || vt_fail "FRR is not installed (scripts/setup.sh installs it)"

vt_fabric 2
C1=${VT_P}c1 H2=${VT_P}h2 X=${VT_P}x F=${VT_P}l2
vt_ns "$C1"
vt_ns "$H2"
vt_ns "$X"
L1=${VT_P}-leaf1
FRR_RMAC=02:00:00:aa:00:02

# ---- the FRR leaf: VRF, L3 VNI, an L2 VNI with an SVI at the anycast gateway ----
# T: the namespace of the tenant's interfaces (F's own with a VRF device, the VRF's with netns).
ip netns exec "$F" sysctl -qw net.ipv4.ip_forward=1
vrf_dev=0
ip -n "$F" link add tenant type vrf table 1001 2>/dev/null && vrf_dev=1
if [ $vrf_dev = 1 ] && [ "${VT_FRR_VRF:-}" != netns ]; then
	FVRF=tenant T=$F VRF_NS=()
	ip -n "$F" link set tenant up
	in_vrf() { ip -n "$F" link set "$1" master tenant; }
	vt_log "FRR leaf: VRF tenant, a Linux VRF device"
else
	[ $vrf_dev = 0 ] || ip -n "$F" link del tenant
	FVRF=${VT_P}fvrf T=${VT_P}fvrf VRF_NS=("${VT_P}fvrf")
	vt_ns "$T"
	ip netns exec "$T" sysctl -qw net.ipv4.ip_forward=1
	in_vrf() { :; }
	vt_log "FRR leaf: VRF $FVRF on FRR's network-namespace backend$([ $vrf_dev = 1 ] || echo " (this kernel has no VRF devices)")"
fi
ROUTES="ip -n $T route show $([ "$T" = "$F" ] && echo "vrf $FVRF")"
# vxlan_dev NAME VNI: the VNI's VXLAN device, made in F (its socket on the underlay), then in T
vxlan_dev() {
	ip -n "$F" link add "$1" type vxlan id "$2" local 10.0.0.2 dstport 4789 nolearning
	[ "$T" = "$F" ] || ip -n "$F" link set "$1" netns "$T"
}
ip -n "$T" link add br900001 type bridge
ip -n "$T" link set br900001 address "$FRR_RMAC" addrgenmode none
in_vrf br900001
vxlan_dev vxlan900001 900001
ip -n "$T" link set vxlan900001 master br900001 addrgenmode none
ip -n "$T" link add br5001 type bridge
ip -n "$T" link set br5001 address 00:00:22:22:33:33
in_vrf br5001
ip -n "$T" addr add 192.168.2.1/24 dev br5001
vxlan_dev vxlan5001 5001
ip -n "$T" link set vxlan5001 master br5001 addrgenmode none
vt_link "$T" h2h "$H2" eth0
ip -n "$T" link set h2h master br5001
vt_link "$T" ext0 "$X" eth0
in_vrf ext0
ip -n "$T" addr add 10.50.0.1/24 dev ext0
for l in vxlan900001 br900001 vxlan5001 br5001 h2h ext0; do ip -n "$T" link set "$l" up; done
ip -n "$X" addr add 10.50.0.2/24 dev eth0
ip -n "$X" route add default via 10.50.0.1
ip -n "$H2" link set eth0 address 02:00:00:02:00:10 mtu 1450
ip -n "$H2" addr add 192.168.2.10/24 dev eth0
ip -n "$H2" route add default via 192.168.2.1

vt_frr "$F" frr2 "${VRF_NS[@]}" <<EOF2
hostname frr2
router bgp 65535
 bgp router-id 10.0.0.2
 no bgp default ipv4-unicast
 neighbor 10.0.0.1 remote-as 65535
 neighbor 10.0.0.1 timers connect 1
 address-family l2vpn evpn
  neighbor 10.0.0.1 activate
  advertise-all-vni
 exit-address-family
router bgp 65535 vrf $FVRF
 bgp router-id 10.0.0.2
 address-family ipv4 unicast
  redistribute connected
 exit-address-family
 address-family l2vpn evpn
  advertise ipv4 unicast
 exit-address-family
EOF2
vt_vtysh frr2 -c "configure terminal" -c "vrf $FVRF" -c "vni 900001" -c "exit-vrf" >/dev/null ||
	vt_fail "FRR did not take the L3 VNI 900001 in VRF $FVRF"

# FRR runs the tenant as its VRF FVRF: the L3 VNI 900001 and the L2 VNI 5001 are that VRF's, up
vni_ok() {
	vt_vtysh frr2 -c "show evpn vni json" | jq -e --arg v "$FVRF" \
		'.["900001"].type == "L3" and .["900001"].tenantVrf == $v and .["5001"].type == "L2" and .["5001"].tenantVrf == $v' >/dev/null &&
	vt_vtysh frr2 -c "show vrf vni json" | jq -e --arg v "$FVRF" \
		'[.vrfs[] | select(.vrf == $v and .vni == 900001 and .state == "Up")] | length == 1' >/dev/null
}
vt_wait_for 20 vni_ok || vt_fail "FRR does not have VNIs 900001 (L3) and 5001 in VRF $FVRF, up: $(vt_vtysh frr2 -c 'show vrf' -c 'show evpn vni' -c 'show vrf vni')"
vt_vtysh frr2 -c "show vrf" -c "show evpn vni"
vt_pass "FRR has its tenant as VRF $FVRF with L3 VNI 900001 and L2 VNI 5001 (show vrf, show evpn vni, show vrf vni)"

# ---- the vtepd leaf ----
{ vt_conf_l3_base "$L1" "10.0.0.1"; cat <<EOF; } > "$VT_TMP/leaf1.yaml"
    advertise_subnets: true
vnis:
  - vni: 5000
    vrf: tenant
    gateway: 192.168.1.1/24
ports:
  - {name: c1, vni: 5000, netns: $C1, ip: 192.168.1.10/24, mac: 02:00:00:01:00:10}
bgp:
  asn: 65535
  neighbors:
    - {address: 10.0.0.2, remote_as: 65535}
EOF
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
ip -n "$C1" route add default via 192.168.1.1
RMAC=$(ip -n "${VT_P}l1" -j link show ul0 | jq -r '.[0].address')   # router_mac auto: the uplink's

vt_wait_for 40 bash -c "'$VTEPCTL' -n $L1 -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
	vt_fail "no session with FRR: $(vt_ctl "$L1" show bgp summary); $(tail -5 "$VT_TMP/frr2-bgpd.log")"
vt_pass "vtepd and the FRR leaf are in session (iBGP on the uplink addresses)"

# h2 makes itself known to FRR's zebra (its neighbour entry on br5001 becomes a MAC+IP route)
vt_ping "$H2" 192.168.2.1 || vt_fail "h2 cannot ping its gateway on the FRR leaf"

# ---- FRR installs our host route with our router MAC ----
vt_wait_for 20 bash -c "$ROUTES 192.168.1.10 | grep -q 'via 10.0.0.1 dev br900001'" ||
	vt_fail "FRR has no route to c1 via our VTEP on the L3 VNI: $($ROUTES); $(vt_vtysh frr2 -c 'show evpn vni'); $(vt_vtysh frr2 -c 'show bgp l2vpn evpn route')"
rmacs=$(vt_vtysh frr2 -c "show evpn rmac vni 900001 json")
echo "$rmacs" | jq -e --arg m "$RMAC" '.[$m].vtepIp == "10.0.0.1"' >/dev/null ||
	vt_fail "FRR's show evpn rmac lacks our router MAC $RMAC at 10.0.0.1: $rmacs"
nhs=$(vt_vtysh frr2 -c "show evpn next-hops vni 900001 json")
echo "$nhs" | jq -e --arg m "$RMAC" '.["10.0.0.1"].routerMac == $m' >/dev/null ||
	vt_fail "FRR's show evpn next-hops lacks 10.0.0.1 with router MAC $RMAC: $nhs"
vt_pass "FRR installed c1's host route via 10.0.0.1 with our router MAC $RMAC (show evpn rmac, next-hops)"

# ---- vtepd installs h2's host route and FRR's prefix ----
routes() { vt_ctl "$L1" -j show routes vrf tenant; }
route_is() { local out; out=$(routes) && echo "$out" | jq -e "$1" >/dev/null; }
vt_wait_for 20 route_is "[.routes[] | select(.prefix == \"192.168.2.10/32\" and .mac == \"$FRR_RMAC\" and .vtep == \"10.0.0.2\")] | length == 1" ||
	vt_fail "vtepd has no host route to h2 via 10.0.0.2 with FRR's router MAC: $(routes 2>&1)"
vt_wait_for 20 route_is "[.routes[] | select(.prefix == \"10.50.0.0/24\" and .mac == \"$FRR_RMAC\")] | length == 1" ||
	vt_fail "vtepd has not installed FRR's type-5 prefix 10.50.0.0/24: $(routes 2>&1)"
vt_pass "vtepd installed h2's host route and FRR's type-5 prefix with FRR's router MAC"

# ---- traffic, both ways, routed over the L3 VNI ----
ip netns exec "${VT_P}sw" tshark -i p1 -w "$VT_TMP/ul.pcap" -f "udp port 4789" > "$VT_TMP/tshark.log" 2>&1 &
CAPTURE=$!
VT_PIDS+=("$CAPTURE")
vt_wait_for 10 grep -q "Capturing on" "$VT_TMP/tshark.log" || vt_fail "tshark did not start: $(cat "$VT_TMP/tshark.log")"
vt_ping_sizes "c1:192.168.2.10 h2:192.168.1.10" 108 1008
vt_pass "c1 (vtepd, 192.168.1.0/24) and h2 (FRR, 192.168.2.0/24) ping each other both ways"
vt_ping "$C1" 10.50.0.2 || vt_fail "c1 cannot reach x (10.50.0.2), behind FRR's type-5 prefix"
vt_pass "c1 reaches x (10.50.0.2) through FRR's type-5 route"
sleep 1
kill "$CAPTURE" 2>/dev/null
wait "$CAPTURE" 2>/dev/null
vt_pcap_clean "$VT_TMP/ul.pcap" 20 >/dev/null
fields="-d udp.port==4789,vxlan -T fields -E occurrence=l -e vxlan.vni -e eth.src -e eth.dst"
ours=$(tshark -r "$VT_TMP/ul.pcap" -Y "vxlan.vni == 900001 && ip.src == 10.0.0.1" $fields 2>/dev/null | sort -u)
theirs=$(tshark -r "$VT_TMP/ul.pcap" -Y "vxlan.vni == 900001 && ip.src == 10.0.0.2" $fields 2>/dev/null | sort -u)
echo "$ours" | grep -q "^900001	.*$RMAC	$FRR_RMAC" || vt_fail "no VNI 900001 frame from vtepd with inner $RMAC -> $FRR_RMAC: $ours"
echo "$theirs" | grep -q "^900001	.*$FRR_RMAC	$RMAC" || vt_fail "no VNI 900001 frame from FRR with inner $FRR_RMAC -> $RMAC: $theirs"
[ -z "$(tshark -r "$VT_TMP/ul.pcap" -d udp.port==4789,vxlan -Y "vxlan.vni == 5000 || vxlan.vni == 5001" 2>/dev/null)" ] ||
	vt_fail "routed traffic crossed in an L2 VNI"
vt_pass "tshark: routed both ways in VNI 900001 between the router MACs ($RMAC, $FRR_RMAC)"
