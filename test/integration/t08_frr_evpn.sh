#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# BGP EVPN with FRR (Debian's frr) whose data plane is the Linux kernel's VXLAN and bridge:
# the eBGP session comes up; type-3 routes go both ways (FRR's kernel fdb gets the all-zero
# entry for our VTEP, our flood list gets FRR's); type-2 routes go both ways (FRR installs our
# container's MAC, we install FRR's); the containers ping each other with no static flood list.
source "$(dirname "$0")/lib.sh"
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] || vt_fail "FRR is not installed (scripts/setup.sh installs it)"

vt_fabric 2
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"
L1=${VT_P}-leaf1
F=${VT_P}l2

# Leaf 2 is FRR with the kernel's VXLAN: vxlan100 + br100 + container c2.
ip -n "$F" link add vxlan100 type vxlan id 100 local 10.0.0.2 dstport 4789 nolearning
ip -n "$F" link add br100 type bridge
ip -n "$F" link set vxlan100 master br100 addrgenmode none
vt_link "$F" c2h "${VT_P}c2" eth0
ip -n "$F" link set c2h master br100
ip -n "$F" link set vxlan100 up
ip -n "$F" link set br100 up
ip -n "${VT_P}c2" link set eth0 address 02:00:00:00:02:01 mtu 1450
ip -n "${VT_P}c2" addr add 192.168.50.2/24 dev eth0
vt_frr "$F" frr2 <<EOF2
hostname frr2
router bgp 65000
 bgp router-id 10.0.0.2
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 10.0.0.1 remote-as 65001
 neighbor 10.0.0.1 timers 3 9
 address-family l2vpn evpn
  neighbor 10.0.0.1 activate
  advertise-all-vni
 exit-address-family
EOF2

{ vt_conf_base "$L1" 10.0.0.1; cat <<EOF2; } > "$VT_TMP/leaf1.yaml"
vnis:
  - vni: 100
ports:
  - name: c1
    vni: 100
    netns: ${VT_P}c1
    mac: 02:00:00:00:01:01
    ip: 192.168.50.1/24
bgp:
  asn: 65001
  neighbors:
    - address: 10.0.0.2
      remote_as: 65000
EOF2
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"

vt_wait_for 30 bash -c "'$VTEPCTL' -n $L1 -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
	vt_fail "session with FRR not established: $(vt_ctl "$L1" show bgp summary); FRR: $(vt_vtysh frr2 -c 'show bgp summary')"
vt_pass "eBGP EVPN session with FRR established"

# Type 3 both ways.
vt_wait_for 15 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '00:00:00:00:00:00 dst 10.0.0.1'" ||
	vt_fail "FRR did not install our VTEP for flooding: $(ip netns exec "$F" bridge fdb show dev vxlan100); $(vt_vtysh frr2 -c 'show bgp l2vpn evpn')"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"10.0.0.2\"' >/dev/null" ||
	vt_fail "we did not add FRR's VTEP to the flood list: $(vt_ctl "$L1" show evpn vni); routes: $(vt_ctl "$L1" show bgp evpn)"
vt_pass "type-3 routes both ways: each side floods to the other"

# Type 2 both ways: our container's MAC is advertised at attach; FRR's once its bridge learns it.
vt_wait_for 15 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '02:00:00:00:01:01 dst 10.0.0.1'" ||
	vt_fail "FRR did not install c1's MAC behind us: $(ip netns exec "$F" bridge fdb show dev vxlan100)"
ip netns exec "${VT_P}c2" arping -c 1 -w 2 -I eth0 192.168.50.99 >/dev/null 2>&1 || true
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show macs | jq -e '.macs[] | select(.mac == \"02:00:00:00:02:01\" and .vtep == \"10.0.0.2\" and .source == \"evpn\")' >/dev/null" ||
	vt_fail "we did not install c2's MAC from FRR's type-2 route: $(vt_ctl "$L1" show macs); routes: $(vt_ctl "$L1" show bgp evpn)"
vt_pass "type-2 routes both ways"

vt_ping "${VT_P}c1" 192.168.50.2 5 || vt_fail "c1 -> c2 across vtepd and FRR: no reply"
vt_ping "${VT_P}c2" 192.168.50.1 5 || vt_fail "c2 -> c1: no reply"
vt_pass "containers behind vtepd and FRR ping each other, with no static flood list"

# FRR reflects our own routes back (AS_PATH 65000 65001): rejected, never installed as remote.
vt_ctl "$L1" -j show macs | jq -e '[.macs[] | select(.mac == "02:00:00:00:01:01" and .type == "remote")] | length == 0' >/dev/null ||
	vt_fail "our own MAC came back from FRR and was installed as remote"
vt_pass "our own routes reflected by FRR are rejected"
