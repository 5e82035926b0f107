#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# iBGP through an FRR route reflector (AS 65535, every leaf a route-reflector client): two
# vtepd leaves and one FRR leaf (the kernel's VXLAN). Our UPDATEs carry LOCAL_PREF, which the
# reflector requires of iBGP routes (without it FRR treat-as-withdraws them: "Missing
# well-known attribute LOCAL_PREF"), so each vtepd leaf learns the other's and the FRR leaf's
# VTEP and MACs through the reflector, the FRR leaf learns both of ours, and the containers of
# all three leaves ping each other.
# vt-suite: once
source "$(dirname "$0")/lib.sh"
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] || vt_fail "FRR is not installed (scripts/setup.sh installs it)"

vt_fabric 4
for i in 1 2 3; do vt_ns "${VT_P}c$i"; done
F=${VT_P}l3 RR=${VT_P}l4

# Leaf 3: FRR with the kernel's VXLAN and container c3.
ip -n "$F" link add vxlan100 type vxlan id 100 local 10.0.0.3 dstport 4789 nolearning
ip -n "$F" link add br100 type bridge
ip -n "$F" link set vxlan100 master br100 addrgenmode none
vt_link "$F" c3h "${VT_P}c3" eth0
ip -n "$F" link set c3h master br100
ip -n "$F" link set vxlan100 up
ip -n "$F" link set br100 up
ip -n "${VT_P}c3" link set eth0 address 02:00:00:00:03:01 mtu 1450
ip -n "${VT_P}c3" addr add 192.168.90.3/24 dev eth0

vt_frr "$RR" rr <<EOF2
hostname rr
router bgp 65535
 bgp router-id 10.0.0.4
 bgp cluster-id 10.0.0.4
 no bgp default ipv4-unicast
 neighbor 10.0.0.1 remote-as 65535
 neighbor 10.0.0.1 timers connect 1
 neighbor 10.0.0.2 remote-as 65535
 neighbor 10.0.0.2 timers connect 1
 neighbor 10.0.0.3 remote-as 65535
 address-family l2vpn evpn
  neighbor 10.0.0.1 activate
  neighbor 10.0.0.1 route-reflector-client
  neighbor 10.0.0.2 activate
  neighbor 10.0.0.2 route-reflector-client
  neighbor 10.0.0.3 activate
  neighbor 10.0.0.3 route-reflector-client
 exit-address-family
EOF2
vt_frr "$F" frr3 <<EOF2
hostname frr3
router bgp 65535
 bgp router-id 10.0.0.3
 no bgp default ipv4-unicast
 neighbor 10.0.0.4 remote-as 65535
 address-family l2vpn evpn
  neighbor 10.0.0.4 activate
  advertise-all-vni
 exit-address-family
EOF2

for i in 1 2; do
	{ vt_conf_base "${VT_P}-leaf$i" "10.0.0.$i"; cat <<EOF2; } > "$VT_TMP/leaf$i.yaml"
vnis:
  - vni: 100
ports:
  - name: c$i
    vni: 100
    netns: ${VT_P}c$i
    mac: 02:00:00:00:0$i:01
    ip: 192.168.90.$i/24
bgp:
  asn: 65535
  neighbors:
    - address: 10.0.0.4
      remote_as: 65535
EOF2
	vt_vtepd "${VT_P}l$i" "${VT_P}-leaf$i" "$VT_TMP/leaf$i.yaml"
done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2

for L in "$L1" "$L2"; do
	vt_wait_for 40 bash -c "'$VTEPCTL' -n $L -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
		vt_fail "$L: iBGP session with the reflector not established: $(vt_ctl "$L" show bgp summary); rr: $(vt_vtysh rr -c 'show bgp l2vpn evpn summary')"
done
vt_pass "both vtepd leaves peer with the FRR route reflector (iBGP AS 65535)"

# Each vtepd leaf floods to the other two, learned through the reflector.
for pair in "$L1:10.0.0.2 10.0.0.3" "$L2:10.0.0.1 10.0.0.3"; do
	L=${pair%%:*} want=${pair#*:}
	vt_wait_for 20 bash -c "[ \"\$('$VTEPCTL' -n $L -j show evpn vni 100 | jq -r '.vnis[0].remote_vteps | split(\" \") | sort | join(\" \")')\" = '$want' ]" ||
		vt_fail "$L did not learn the VTEPs $want through the reflector: $(vt_ctl "$L" show evpn vni); routes: $(vt_ctl "$L" show bgp evpn); rr log: $(grep -i local_pref "$VT_TMP/rr-bgpd.log" | tail -3)"
done
vt_wait_for 20 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '00:00:00:00:00:00 dst 10.0.0.1' &&
	ip netns exec $F bridge fdb show dev vxlan100 | grep -q '00:00:00:00:00:00 dst 10.0.0.2'" ||
	vt_fail "the FRR leaf did not get both vtepd leaves' type-3 routes: $(ip netns exec "$F" bridge fdb show dev vxlan100); rr: $(vt_vtysh rr -c 'show bgp l2vpn evpn')"
vt_pass "type-3 routes reflected to every leaf"

# Type 2: the reflector keeps our routes (LOCAL_PREF 100 as sent) and passes them on.
lp=$(vt_vtysh rr -c 'show bgp l2vpn evpn json' | jq -r '[.. | objects | select(.mac? == "02:00:00:00:01:01") | .locPrf?] | map(select(. != null)) | unique | join(" ")')
[ "$lp" = 100 ] || vt_fail "the reflector holds c1's MAC route with LOCAL_PREF '$lp', not 100: $(vt_vtysh rr -c 'show bgp l2vpn evpn')"
vt_wait_for 20 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '02:00:00:00:01:01 dst 10.0.0.1' &&
	ip netns exec $F bridge fdb show dev vxlan100 | grep -q '02:00:00:00:02:01 dst 10.0.0.2'" ||
	vt_fail "the FRR leaf did not install c1's and c2's MACs: $(ip netns exec "$F" bridge fdb show dev vxlan100)"
ip netns exec "${VT_P}c3" arping -c 1 -w 2 -I eth0 192.168.90.99 >/dev/null 2>&1 || true
for pair in "$L1:02:00:00:00:02:01:10.0.0.2" "$L1:02:00:00:00:03:01:10.0.0.3" "$L2:02:00:00:00:01:01:10.0.0.1" "$L2:02:00:00:00:03:01:10.0.0.3"; do
	L=${pair%%:*} rest=${pair#*:}
	mac=${rest%:*} vtep=${rest##*:}
	vt_wait_for 20 bash -c "'$VTEPCTL' -n $L -j show macs | jq -e '.macs[] | select(.mac == \"$mac\" and .vtep == \"$vtep\" and .source == \"evpn\")' >/dev/null" ||
		vt_fail "$L did not install $mac behind $vtep: $(vt_ctl "$L" show macs); routes: $(vt_ctl "$L" show bgp evpn)"
done
vt_pass "type-2 routes of all three leaves reflected, next hops unchanged"

# show bgp evpn: our own route targets per VNI (auto: 65535:100 both ways), on our routes too,
# and the LOCAL_PREF of what the reflector sent us.
ev=$(vt_ctl "$L1" -j show bgp evpn)
echo "$ev" | jq -e '.vnis == [{"vni": 100, "rd": "10.0.0.1:32768", "import_rt": "RT:65535:100", "import_auto": true, "export_rt": "RT:65535:100"}]' >/dev/null ||
	vt_fail "show bgp evpn does not show VNI 100's own RD and route targets: $(echo "$ev" | jq -c .vnis)"
echo "$ev" | jq -e '[.routes[] | select(.peer == "local")] | length > 0 and all(.rt == "RT:65535:100" and .local_pref == 100)' >/dev/null ||
	vt_fail "our own routes do not show their route target: $(echo "$ev" | jq -c '[.routes[] | select(.peer == "local")]')"
echo "$ev" | jq -e '[.routes[] | select(.peer == "10.0.0.4")] | length > 0 and all(.local_pref == 100)' >/dev/null ||
	vt_fail "reflected routes do not show LOCAL_PREF 100: $(echo "$ev" | jq -c '[.routes[] | select(.peer == "10.0.0.4")]')"
vt_ctl "$L1" show bgp evpn | grep -A1 IMPORT_AUTO | grep -Eq "^ *100 +10.0.0.1:32768 +RT:65535:100 +(true|yes) +RT:65535:100" || vt_fail "the text form of show bgp evpn lacks the VNI's route targets: $(vt_ctl "$L1" show bgp evpn)"
vt_pass "show bgp evpn shows our own RD and route targets per VNI, and each path's LOCAL_PREF"

for pair in 1:2 2:1 1:3 3:1 2:3 3:2; do
	src=${pair%%:*} dst=${pair##*:}
	vt_ping "${VT_P}c$src" "192.168.90.$dst" 5 || vt_fail "c$src -> c$dst through the reflector-learned routes: no reply"
done
vt_pass "containers on the two vtepd leaves and the FRR leaf ping each other"
