#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A routed underlay: the two leaves sit in different subnets behind a router namespace.
# vtepd takes the outer next hop from the kernel's FIB (the gateway) and neighbour table,
# follows a change of route, and recovers when the neighbour entry is flushed.
source "$(dirname "$0")/lib.sh"

R=${VT_P}rt
vt_ns "$R"
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
for i in 1 2; do
	vt_ns "${VT_P}l$i"
	vt_ns "${VT_P}c$i"
	vt_link "${VT_P}l$i" ul0 "$R" "r$i"
	ip -n "$R" addr add "10.1.$i.254/24" dev "r$i"
	ip -n "${VT_P}l$i" addr add "10.1.$i.1/24" dev ul0
	ip -n "${VT_P}l$i" route add 10.1.0.0/16 via "10.1.$i.254"
	{ vt_conf_base "${VT_P}-leaf$i" "10.1.$i.1"; cat <<EOF2; } > "$VT_TMP/leaf$i.yaml"
vnis:
  - vni: 100
    flood: [10.1.$((3 - i)).1]
ports:
  - name: c$i
    vni: 100
    netns: ${VT_P}c$i
    ip: 192.168.30.$i/24
EOF2
done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"

rmac=$(ip -n "$R" -j link show r1 | jq -r '.[0].address')
vt_wait_for 10 bash -c "'$VTEPCTL' -n $L1 -j show vteps | jq -e '.vteps[0] | .resolved and .via == \"10.1.1.254\" and .nexthop_mac == \"$rmac\"' >/dev/null" ||
	vt_fail "leaf1 did not resolve 10.1.2.1 via the router ($rmac): $(vt_ctl "$L1" show vteps)"
vt_pass "remote VTEP resolved through the gateway's MAC"

vt_ping "${VT_P}c1" 192.168.30.2 || vt_fail "c1 -> c2 across the routed underlay: no reply"
vt_ping "${VT_P}c2" 192.168.30.1 || vt_fail "c2 -> c1 across the routed underlay: no reply"
vt_pass "containers reach each other across a router"

# The kernel forgets the gateway's MAC: vtepd asks it to resolve again and keeps forwarding.
ip -n "${VT_P}l1" neigh flush dev ul0
vt_ping "${VT_P}c1" 192.168.30.2 || vt_fail "no reply after the neighbour table was flushed"
vt_wait_for 5 bash -c "ip -n ${VT_P}l1 neigh show 10.1.1.254 | grep -Eq 'REACHABLE|STALE|DELAY|PROBE'" ||
	vt_fail "the kernel has no entry for the gateway again"
vt_pass "forwarding survives a neighbour flush"

# A more specific route through a gateway that does not exist: the VTEP becomes unresolved,
# traffic to it is counted as vtep_unresolved, and removing the route restores it.
ip -n "${VT_P}l1" route add 10.1.2.1/32 via 10.1.1.253
vt_wait_for 10 bash -c "'$VTEPCTL' -n $L1 -j show vteps | jq -e '.vteps[0].via == \"10.1.1.253\"' >/dev/null" ||
	vt_fail "vtepd did not follow the route change: $(vt_ctl "$L1" show vteps)"
vt_ping "${VT_P}c1" 192.168.30.2 2 && vt_fail "traffic got through a gateway that does not exist"
[ "$(vt_ctl "$L1" -j show vteps | jq '.vteps[0].unresolved_drops')" -gt 0 ] ||
	vt_fail "drops towards an unresolved VTEP were not counted"
ip -n "${VT_P}l1" route del 10.1.2.1/32
vt_wait_for 10 bash -c "'$VTEPCTL' -n $L1 -j show vteps | jq -e '.vteps[0] | .resolved and .via == \"10.1.1.254\"' >/dev/null" ||
	vt_fail "vtepd did not return to the working route"
vt_ping "${VT_P}c1" 192.168.30.2 || vt_fail "no reply after the route was restored"
vt_pass "route changes are followed; unresolved next hops are counted, not silent"
