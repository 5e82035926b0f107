#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two vtepd leaves that only peer with an FRR spine (eBGP, one AS per leaf, the spine keeps
# the EVPN next hop): each learns the other's VTEP and MACs through the spine, with no static
# flood list, and their containers reach each other.
# vt-suite: once
source "$(dirname "$0")/lib.sh"
[ -x /usr/lib/frr/bgpd ] || vt_fail "FRR is not installed (scripts/setup.sh installs it)"

vt_fabric 3
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"
S=${VT_P}l3
vt_frr "$S" spine <<EOF2
hostname spine
router bgp 65000
 bgp router-id 10.0.0.3
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 10.0.0.1 remote-as 65001
 neighbor 10.0.0.2 remote-as 65002
 address-family l2vpn evpn
  neighbor 10.0.0.1 activate
  neighbor 10.0.0.2 activate
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
    ip: 192.168.70.$i/24
bgp:
  asn: 6500$i
  neighbors:
    - address: 10.0.0.3
      remote_as: 65000
EOF2
	vt_vtepd "${VT_P}l$i" "${VT_P}-leaf$i" "$VT_TMP/leaf$i.yaml"
done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2

for L in "$L1" "$L2"; do
	vt_wait_for 30 bash -c "'$VTEPCTL' -n $L -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
		vt_fail "$L: session with the spine not established: $(vt_ctl "$L" show bgp summary)"
done
vt_pass "both leaves peer with the FRR spine"

vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"10.0.0.2\"' >/dev/null" ||
	vt_fail "leaf1 did not learn leaf2's VTEP through the spine: $(vt_ctl "$L1" show bgp evpn)"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L2 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"10.0.0.1\"' >/dev/null" ||
	vt_fail "leaf2 did not learn leaf1's VTEP through the spine: $(vt_ctl "$L2" show bgp evpn)"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show macs | jq -e '.macs[] | select(.mac == \"02:00:00:00:02:01\" and .vtep == \"10.0.0.2\")' >/dev/null" ||
	vt_fail "leaf1 did not install c2's MAC behind 10.0.0.2 (next hop kept by the spine): $(vt_ctl "$L1" show bgp evpn)"
vt_pass "type-3 and type-2 routes cross the spine with their next hop unchanged"

vt_ping "${VT_P}c1" 192.168.70.2 5 || vt_fail "c1 -> c2 through the spine-learned routes: no reply"
vt_ping "${VT_P}c2" 192.168.70.1 5 || vt_fail "c2 -> c1: no reply"
vt_pass "containers behind two vtepd leaves reach each other"

# Under EVPN, remote MACs come only from routes: after the traffic, none was learned from
# decapsulated frames, and the VNIs say learning is off.
remote=$(vt_ctl "$L1" -j show macs | jq '[.macs[] | select(.type == "remote")]')
[ "$(echo "$remote" | jq 'length')" -ge 1 ] || vt_fail "no remote MAC on leaf1"
[ "$(echo "$remote" | jq '[.[] | select(.source != "evpn")] | length')" -eq 0 ] ||
	vt_fail "remote MACs learned from the data plane under EVPN: $remote"
vt_ctl "$L1" -j show vnis | jq -e '.vnis[0].learning == false' >/dev/null || vt_fail "VNI 100 still learns remote MACs"
vt_pass "remote MACs come from EVPN routes only"
