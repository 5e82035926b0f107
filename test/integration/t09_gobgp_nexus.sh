#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# BGP EVPN with GoBGP (Debian's gobgpd) injecting Nexus-style routes: RD router-id:32867,
# RT ASN:VNI, VXLAN encapsulation, MAC-only and MAC+IP type 2, type 3 with PMSI. vtepd
# installs them (MAC behind the VTEP, VTEP in the flood list, ARP answered locally from the
# MAC+IP route) and removes them on withdrawal; GoBGP's adj-in shows what vtepd advertised.
# vt-suite: once
source "$(dirname "$0")/lib.sh"

vt_fabric 3
vt_ns "${VT_P}c1"
L1=${VT_P}-leaf1
G=${VT_P}l3
vt_gobgp "$G" 65002 10.0.0.3 10.0.0.1 65001

{ vt_conf_base "$L1" 10.0.0.1; cat <<EOF2; } > "$VT_TMP/leaf1.yaml"
vnis:
  - vni: 100
ports:
  - name: c1
    vni: 100
    netns: ${VT_P}c1
    mac: 02:00:00:00:01:01
    ip: 192.168.60.1/24
bgp:
  asn: 65001
  neighbors:
    - address: 10.0.0.3
      remote_as: 65002
EOF2
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_bgp_established "$L1" "session with GoBGP" "$VT_TMP/gobgpd.log"
vt_pass "eBGP EVPN session with GoBGP established"

RD=10.0.0.3:32867
vt_gobgp_cli global rib -a evpn add macadv 02:00:00:00:03:01 0.0.0.0 etag 0 label 100 rd $RD rt 65002:100 encap vxlan nexthop 10.0.0.3 ||
	vt_fail "gobgp refused the MAC-only route"
vt_gobgp_cli global rib -a evpn add macadv 02:00:00:00:03:01 192.168.60.3 etag 0 label 100 rd $RD rt 65002:100 encap vxlan nexthop 10.0.0.3 ||
	vt_fail "gobgp refused the MAC+IP route"
vt_gobgp_cli global rib -a evpn add multicast 10.0.0.3 etag 0 rd $RD rt 65002:100 encap vxlan pmsi ingress-repl 100 10.0.0.3 nexthop 10.0.0.3 ||
	vt_fail "gobgp refused the type-3 route"

vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show macs | jq -e '.macs[] | select(.mac == \"02:00:00:00:03:01\" and .vtep == \"10.0.0.3\" and .source == \"evpn\")' >/dev/null" ||
	vt_fail "the type-2 route was not installed: $(vt_ctl "$L1" show macs); $(vt_ctl "$L1" show bgp evpn)"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"10.0.0.3\"' >/dev/null" ||
	vt_fail "the type-3 route did not add 10.0.0.3 to the flood list: $(vt_ctl "$L1" show evpn vni)"
routes=$(vt_ctl "$L1" -j show bgp evpn)
[ "$(echo "$routes" | jq '[.routes[] | select(.rd == "10.0.0.3:32867" and .peer == "10.0.0.3" and .imported)] | length')" -eq 3 ] ||
	vt_fail "expected 3 imported routes with RD 10.0.0.3:32867: $routes"
vt_pass "Nexus-style type-2 (MAC-only, MAC+IP) and type-3 routes installed"

# ARP suppression: c1 asks for 192.168.60.3; vtepd answers with the MAC of the MAC+IP route.
out=$(ip netns exec "${VT_P}c1" arping -c 2 -w 3 -I eth0 192.168.60.3 2>&1)
echo "$out" | grep -qi "02:00:00:00:03:01" || vt_fail "no ARP answer for 192.168.60.3: $out"
[ "$(vt_ctl "$L1" -j show stats | jq '.vnis[0].arp_suppressed')" -ge 1 ] || vt_fail "ARP suppression not counted"
vt_pass "ARP for a remote MAC+IP is answered by vtepd"
vt_ctl "$L1" -j show arp | jq -e '.arp == [{vni: 100, ip: "192.168.60.3", mac: "02:00:00:00:03:01", source: "evpn"}]' >/dev/null ||
	vt_fail "show arp does not list the binding: $(vt_ctl "$L1" show arp)"
vt_ctl "$L1" -j show vteps | jq -e '.vteps[] | select(.vtep == "10.0.0.3" and .source == "evpn")' >/dev/null ||
	vt_fail "show vteps does not say evpn for 10.0.0.3: $(vt_ctl "$L1" show vteps)"
vt_pass "show arp lists the ARP-suppression table, show vteps says evpn"

# What vtepd advertised, as GoBGP sees it: our type-3 and c1's type-2.
adj=$(vt_gobgp_cli neighbor 10.0.0.1 adj-in -a evpn 2>&1)
echo "$adj" | grep -q "02:00:00:00:01:01" || vt_fail "GoBGP's adj-in lacks c1's MAC: $adj"
echo "$adj" | grep -qiE "multicast|\[type:multicast\]|10\.0\.0\.1" || vt_fail "GoBGP's adj-in lacks our type-3 route: $adj"
vt_pass "GoBGP's adj-in shows vtepd's routes"

# show bgp summary counts routes received, accepted and sent, as both sides see them.
sum=$(vt_ctl "$L1" -j show bgp summary)
theirs=$(vt_gobgp_cli -j neighbor 10.0.0.1 adj-in -a evpn | jq '[.. | objects | select(has("nlri"))] | length')
[ "$(echo "$sum" | jq '.neighbors[0].routes_received')" -ge 3 ] &&
	[ "$(echo "$sum" | jq '.neighbors[0].routes_accepted')" -eq 3 ] &&
	[ "$(echo "$sum" | jq '.neighbors[0].routes_sent')" -eq "$theirs" ] && [ "$theirs" -ge 2 ] ||
	vt_fail "show bgp summary: $(echo "$sum" | jq -c '.neighbors[0]'); GoBGP holds $theirs of our routes"
vt_pass "show bgp summary: $(echo "$sum" | jq -r '.neighbors[0] | "\(.routes_received) received, \(.routes_accepted) accepted, \(.routes_sent) sent"')"

# The address is taken over by a new MAC: 02:..:03:02 announces it, then the old MAC+IP route
# goes. ARP suppression must answer with the new MAC (the old route's withdrawal must not take
# the binding the new route holds).
vt_gobgp_cli global rib -a evpn add macadv 02:00:00:00:03:02 192.168.60.3 etag 0 label 100 rd $RD rt 65002:100 encap vxlan nexthop 10.0.0.3 ||
	vt_fail "gobgp refused the new MAC+IP route"
vt_gobgp_cli global rib -a evpn del macadv 02:00:00:00:03:01 192.168.60.3 etag 0 label 100 rd $RD
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show bgp evpn | jq -e '[.routes[] | select(.ip == \"192.168.60.3\")] | length == 1 and .[0].mac == \"02:00:00:00:03:02\"' >/dev/null" ||
	vt_fail "expected one MAC+IP route for 192.168.60.3, from 02:00:00:00:03:02: $(vt_ctl "$L1" show bgp evpn)"
out=$(ip netns exec "${VT_P}c1" arping -c 2 -w 3 -I eth0 192.168.60.3 2>&1)
echo "$out" | grep -qi "02:00:00:00:03:02" || vt_fail "no ARP answer with the new MAC for 192.168.60.3: $out"
vt_pass "an address taken over by a new MAC is answered with it after the old route's withdrawal"

# Withdrawal removes them.
vt_gobgp_cli global rib -a evpn del macadv 02:00:00:00:03:01 0.0.0.0 etag 0 label 100 rd $RD
vt_gobgp_cli global rib -a evpn del macadv 02:00:00:00:03:02 192.168.60.3 etag 0 label 100 rd $RD
vt_gobgp_cli global rib -a evpn del multicast 10.0.0.3 etag 0 rd $RD
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show macs | jq -e '[.macs[] | select(.mac == \"02:00:00:00:03:01\")] | length == 0' >/dev/null" ||
	vt_fail "withdrawn MAC still installed: $(vt_ctl "$L1" show macs)"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"-\"' >/dev/null" ||
	vt_fail "withdrawn VTEP still in the flood list: $(vt_ctl "$L1" show evpn vni)"
vt_pass "withdrawals remove the MAC and the flood-list VTEP"

# max_routes: restarted with a limit of 2 while GoBGP holds 3 routes, vtepd ends the session
# with Cease/Maximum Number of Prefixes Reached and says why.
for i in 1 2 3; do
	vt_gobgp_cli global rib -a evpn add macadv 02:00:00:00:04:0$i 0.0.0.0 etag 0 label 100 rd $RD rt 65002:100 encap vxlan nexthop 10.0.0.3 ||
		vt_fail "gobgp refused route $i"
done
eval "pid=\$VT_PID_${VT_P}_leaf1"
kill -TERM "$pid"; wait "$pid" 2>/dev/null
sed -i 's/      remote_as: 65002/      remote_as: 65002\n      max_routes: 2/' "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_wait_for 30 grep -q "sent more than max_routes 2 routes" "$VT_TMP/$L1.log" ||
	vt_fail "no max_routes enforcement: $(vt_ctl "$L1" show bgp summary)"
vt_ctl "$L1" -j show bgp summary | jq -e '.neighbors[0].last_error | test("max")' >/dev/null ||
	vt_fail "show bgp summary does not say why: $(vt_ctl "$L1" show bgp summary)"
vt_pass "a neighbour over max_routes is stopped with a Cease"
