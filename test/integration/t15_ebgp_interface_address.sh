#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# eBGP on interface addresses, the way leaves peer with spines: the VTEP address (10.0.0.1)
# sits on the leaf's loopback and the session runs over the /31 of its uplink (192.168.0.1 to
# the spine's 192.168.0.0), with no NAT and no update_source configured. An FRR spine peers
# with that address only; an FRR leaf (the kernel's VXLAN, VTEP 10.0.0.2 on its loopback)
# peers the same way on its own /31. The session comes up, EVPN routes cross the spine with
# the VTEP addresses as next hops (never the interface addresses), and the containers ping
# each other. Then vtepd restarts with update_source naming the uplink and bgp.listen set to
# its address, and the session comes up again.
# vt-suite: once
source "$(dirname "$0")/lib.sh"
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] || vt_fail "FRR is not installed (scripts/setup.sh installs it)"

S=${VT_P}sp L1NS=${VT_P}l1 F=${VT_P}l2
vt_ns "$S"
vt_ns "$L1NS"
vt_ns "$F"
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"
ip netns exec "$S" sysctl -qw net.ipv4.ip_forward=1
vt_link "$L1NS" ul0 "$S" s1
vt_link "$F" ul0 "$S" s2
ip -n "$S" addr add 192.168.0.0/31 dev s1
ip -n "$S" addr add 192.168.0.2/31 dev s2
ip -n "$S" route add 10.0.0.1/32 via 192.168.0.1
ip -n "$S" route add 10.0.0.2/32 via 192.168.0.3
ip -n "$L1NS" addr add 192.168.0.1/31 dev ul0
ip -n "$L1NS" addr add 10.0.0.1/32 dev lo
ip -n "$L1NS" route add 10.0.0.0/24 via 192.168.0.0
ip -n "$F" addr add 192.168.0.3/31 dev ul0
ip -n "$F" addr add 10.0.0.2/32 dev lo
ip -n "$F" route add 10.0.0.0/24 via 192.168.0.2

# The FRR leaf: vxlan100 from its loopback address, bridge br100, container c2.
ip -n "$F" link add vxlan100 type vxlan id 100 local 10.0.0.2 dstport 4789 nolearning
ip -n "$F" link add br100 type bridge
ip -n "$F" link set vxlan100 master br100 addrgenmode none
vt_link "$F" c2h "${VT_P}c2" eth0
ip -n "$F" link set c2h master br100
ip -n "$F" link set vxlan100 up
ip -n "$F" link set br100 up
ip -n "${VT_P}c2" link set eth0 address 02:00:00:00:02:01 mtu 1450
ip -n "${VT_P}c2" addr add 192.168.80.2/24 dev eth0

vt_frr "$S" spine <<EOF2
hostname spine
router bgp 65000
 bgp router-id 10.0.0.254
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 192.168.0.1 remote-as 65001
 neighbor 192.168.0.1 timers connect 1
 neighbor 192.168.0.3 remote-as 65002
 address-family l2vpn evpn
  neighbor 192.168.0.1 activate
  neighbor 192.168.0.3 activate
 exit-address-family
EOF2
vt_frr "$F" frr2 <<EOF2
hostname frr2
router bgp 65002
 bgp router-id 10.0.0.2
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 192.168.0.2 remote-as 65000
 address-family l2vpn evpn
  neighbor 192.168.0.2 activate
  advertise-all-vni
 exit-address-family
EOF2

L1=${VT_P}-leaf1
leaf1_conf() {
	{ vt_conf_base "$L1" 10.0.0.1; cat <<EOF2; } > "$VT_TMP/leaf1.yaml"
vnis:
  - vni: 100
ports:
  - name: c1
    vni: 100
    netns: ${VT_P}c1
    mac: 02:00:00:00:01:01
    ip: 192.168.80.1/24
bgp:
  asn: 65001
  router_id: 10.0.0.1
$1
  neighbors:
    - address: 192.168.0.0
      remote_as: 65000
$2
EOF2
}
leaf1_conf "" ""
vt_vtepd "$L1NS" "$L1" "$VT_TMP/leaf1.yaml"

established() {
	"$VTEPCTL" -n "$L1" -j show bgp summary | jq -e '.neighbors[0].state == "Established"' >/dev/null &&
		vt_vtysh spine -c 'show bgp l2vpn evpn summary json' |
		jq -e '[.. | objects | select(has("192.168.0.1")) | .["192.168.0.1"].state] | index("Established") != null' >/dev/null
}
vt_wait_for 40 established ||
	vt_fail "session over the uplink not established: $(vt_ctl "$L1" show bgp summary); spine: $(vt_vtysh spine -c 'show bgp l2vpn evpn summary')"
# The session's local end is the uplink address: no NAT, nothing bound to the VTEP address.
sess=$(ip netns exec "$L1NS" ss -Htn state established '( sport = :179 or dport = :179 )')
echo "$sess" | grep -q '192.168.0.1:.*192.168.0.0:' || vt_fail "no BGP connection 192.168.0.1 <-> 192.168.0.0: $sess"
echo "$sess" | grep -q '10.0.0.1:' && vt_fail "a BGP connection uses the VTEP address: $sess"
vt_pass "eBGP session with the FRR spine on the uplink /31 (192.168.0.1 <-> 192.168.0.0)"

# EVPN routes both ways, next hops the VTEP addresses.
vt_wait_for 20 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '00:00:00:00:00:00 dst 10.0.0.1'" ||
	vt_fail "the FRR leaf did not get our type-3 route with next hop 10.0.0.1: $(ip netns exec "$F" bridge fdb show dev vxlan100); spine: $(vt_vtysh spine -c 'show bgp l2vpn evpn')"
vt_wait_for 20 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '02:00:00:00:01:01 dst 10.0.0.1'" ||
	vt_fail "the FRR leaf did not install c1's MAC behind 10.0.0.1: $(ip netns exec "$F" bridge fdb show dev vxlan100)"
nh=$(vt_vtysh spine -c 'show bgp l2vpn evpn json' | jq -r '[.. | objects | select(.mac? == "02:00:00:00:01:01") | .nexthops[]?.ip] | unique | join(" ")')
[ "$nh" = 10.0.0.1 ] || vt_fail "the spine holds c1's MAC route with next hop '$nh', not the VTEP address 10.0.0.1"
vt_wait_for 20 bash -c "'$VTEPCTL' -n $L1 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"10.0.0.2\"' >/dev/null" ||
	vt_fail "we did not add the FRR leaf's VTEP 10.0.0.2 to the flood list: $(vt_ctl "$L1" show bgp evpn)"
ip netns exec "${VT_P}c2" arping -c 1 -w 2 -I eth0 192.168.80.99 >/dev/null 2>&1 || true
vt_wait_for 20 bash -c "'$VTEPCTL' -n $L1 -j show macs | jq -e '.macs[] | select(.mac == \"02:00:00:00:02:01\" and .vtep == \"10.0.0.2\" and .source == \"evpn\")' >/dev/null" ||
	vt_fail "we did not install c2's MAC behind 10.0.0.2: $(vt_ctl "$L1" show bgp evpn)"
vt_pass "type-2 and type-3 routes cross the spine with the VTEP addresses as next hops"

vt_ping "${VT_P}c1" 192.168.80.2 5 || vt_fail "c1 -> c2 across the routed fabric: no reply"
vt_ping "${VT_P}c2" 192.168.80.1 5 || vt_fail "c2 -> c1: no reply"
vt_pass "containers behind vtepd and the FRR leaf ping each other"

# Connections from an address that is no neighbour's (the FRR leaf's loopback, to ours): each
# refused and counted, one log line for all of them.
for _ in 1 2 3 4 5; do
	ip netns exec "$F" python3 -c 'import socket; s = socket.socket(); s.bind(("10.0.0.2", 0)); s.settimeout(5); s.connect(("10.0.0.1", 179)); s.recv(1)' 2>/dev/null || true
done
vt_wait_for 5 bash -c "'$VTEPCTL' -n $L1 -j show stats | jq -e '.control.bgp_unknown_connections == 5' >/dev/null" ||
	vt_fail "5 connections from 10.0.0.2 not counted: $(vt_ctl "$L1" -j show stats | jq -c .control)"
n=$(grep -c 'refused a connection from 10.0.0.2' "$VT_TMP/$L1.log")
[ "$n" -eq 1 ] || vt_fail "$n log lines for 5 connections from one unknown address (expected 1 a minute)"
vt_ctl "$L1" -j show bgp summary | jq -e '.unknown_connections == 5' >/dev/null || vt_fail "show bgp summary does not count them"
vt_pass "connections from an unknown address: refused, counted (5), logged once"

# update_source naming the uplink, and bgp.listen limited to its address: the same session.
pid=$(eval echo "\$VT_PID_${L1//-/_}")
kill -TERM "$pid"
wait "$pid"; rc=$?
[ "$rc" -eq 0 ] || vt_fail "vtepd exited with status $rc after SIGTERM"
mv "$VT_TMP/$L1.log" "$VT_TMP/$L1-first.log"   # kept for the sanitizer check at the end
leaf1_conf "  listen: [192.168.0.1]" "      update_source: ul0"
vt_vtepd "$L1NS" "$L1" "$VT_TMP/leaf1.yaml"
vt_wait_for 40 established ||
	vt_fail "session with update_source ul0 not established: $(vt_ctl "$L1" show bgp summary)"
ip netns exec "$L1NS" ss -Hltn | grep -q '192.168.0.1:179' ||
	vt_fail "vtepd does not listen on 192.168.0.1:179 alone: $(ip netns exec "$L1NS" ss -Hltn)"
ip netns exec "$L1NS" ss -Hltn | grep -q '0.0.0.0:179' && vt_fail "vtepd listens on all addresses despite bgp.listen"
# the routes come back a moment after the session (FRR's advertisement timer): ping until they do
ok=0
for _ in $(seq 8); do vt_ping "${VT_P}c1" 192.168.80.2 1 && { ok=1; break; }; done
[ "$ok" = 1 ] || vt_fail "c1 -> c2 after the restart: no reply"
vt_pass "update_source ul0 and bgp.listen [192.168.0.1]: session up again, traffic flows"
