#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The distributed anycast gateway on one leaf (issue 14): a container's gateway answers ARP,
# neighbour solicitations and pings (IPv4, IPv6, link-local, 1008 bytes) from the fabric-wide
# gateway MAC; a ping too big for one packet and traffic for other subnets are counted drops,
# never flooded into the tunnel (no route in the VRF: no_route).
source "$(dirname "$0")/lib.sh"

vt_fabric 1
C1=${VT_P}c1
vt_ns "$C1"
# this test wants IPv6 in the container (neighbour discovery), without router solicitations
ip netns exec "$C1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
	net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0
L1=${VT_P}-leaf1
{ vt_conf_l3_base "$L1" "10.0.0.1"; cat <<EOF; } > "$VT_TMP/leaf1.yaml"
vnis:
  - vni: 5000
    vrf: tenant
    flood: [10.0.0.2]
    gateway: [192.168.1.1/24, '2001:db8:1::1/64']
ports:
  - {name: c1, vni: 5000, netns: $C1, ip: 192.168.1.10/24, mac: 02:00:00:01:00:10}
EOF
"$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" >/dev/null || vt_fail "config invalid: $("$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" 2>&1)"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
ip -n "$C1" addr add 2001:db8:1::10/64 dev eth0 nodad
ip -n "$C1" route add default via 192.168.1.1

stat() { vt_ctl "$L1" -j show stats | jq -r "$1"; }

ip netns exec "$C1" ping -c 3 -i 0.2 -W 2 192.168.1.1 >/dev/null || vt_fail "c1 cannot ping its gateway 192.168.1.1"
ip netns exec "$C1" ping -c 3 -i 0.2 -W 2 -s 1008 192.168.1.1 >/dev/null || vt_fail "no 1008-byte ping to the gateway"
ip -n "$C1" neigh show 192.168.1.1 | grep -q "lladdr 00:00:22:22:33:33" ||
	vt_fail "c1's ARP entry for the gateway: $(ip -n "$C1" neigh show 192.168.1.1)"
vt_pass "the IPv4 gateway answers ARP and ping (56 and 1008 bytes) from 0000.2222.3333"

ip netns exec "$C1" ping -6 -c 3 -i 0.2 -W 2 -s 1008 2001:db8:1::1 >/dev/null || vt_fail "c1 cannot ping 2001:db8:1::1"
ip netns exec "$C1" ping -6 -c 3 -i 0.2 -W 2 fe80::200:22ff:fe22:3333%eth0 >/dev/null ||
	vt_fail "c1 cannot ping the gateway's link-local fe80::200:22ff:fe22:3333"
ip -n "$C1" -6 neigh show 2001:db8:1::1 | grep -q "lladdr 00:00:22:22:33:33 router" ||
	vt_fail "c1's neighbour entry for the gateway: $(ip -n "$C1" -6 neigh show)"
vt_pass "the IPv6 gateway answers neighbour solicitations (as a router) and ping, link-local too"

sleep 2   # the container's own IPv6 multicast (MLD reports) is over: what follows is only ours
ul_tx0=$(stat '.ports[0].tx_pkts')
ip netns exec "$C1" ping -c 2 -i 0.2 -W 1 -s 3000 192.168.1.1 >/dev/null && vt_fail "a fragmented ping to the gateway was answered"
ip netns exec "$C1" ping -c 2 -i 0.2 -W 1 192.168.2.5 >/dev/null && vt_fail "a ping to another subnet was answered"
sleep 0.3
[ "$(stat '.ports[] | select(.port == "c1") | .drops.gateway_fragment')" -ge 2 ] ||
	vt_fail "fragments to the gateway not counted: $(vt_ctl "$L1" show stats)"
[ "$(stat '.ports[] | select(.port == "c1") | .drops.no_route')" -ge 2 ] ||
	vt_fail "frames to another subnet without a route not counted: $(vt_ctl "$L1" show stats)"
v=$(stat '.vnis[] | select(.vni == 5000)')
for k in gw_arp_replies gw_na_sent gw_echo_replies; do
	[ "$(echo "$v" | jq ".$k")" -ge 1 ] || vt_fail "show stats: $k not counted: $v"
done
[ "$(echo "$v" | jq .gw_echo_replies)" -ge 12 ] || vt_fail "show stats: echo replies $(echo "$v" | jq .gw_echo_replies), expected 12"
ul_tx1=$(stat '.ports[0].tx_pkts')
[ "$ul_tx1" = "$ul_tx0" ] || vt_fail "$((ul_tx1 - ul_tx0)) frames went into the tunnel (expected none: all to the gateway)"
vt_pass "fragments and frames without a route are counted drops, nothing is flooded"
