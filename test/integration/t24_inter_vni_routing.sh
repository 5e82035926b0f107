#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Inter-VNI routing on one leaf, without any remote leaf (issue 14): containers in two subnets
# of VRF tenant (VNI 5000 192.168.1.0/24, VNI 5001 192.168.2.0/24, gateways .1) ping each
# other both ways through the anycast gateway (108 and 1008 bytes), one routed hop (TTL 1 gets
# time exceeded from the gateway); a container of another VRF or of a VNI without a VRF
# cannot reach them; a container attached without `ip` is reached after the gateway's glean
# ARP; a detached container's host route goes with it. IPv6 (2001:db8:1::/64, 2001:db8:2::/64,
# gateways ::1): containers given addresses after attach, none in the attach, ping each other
# both ways through the gateway: their /128 host routes are learned from their neighbour
# discovery (a solicitation for the gateway, the answer to its glean), listed by show
# neighbors and show routes, and go with a detached port.
source "$(dirname "$0")/lib.sh"

vt_fabric 1
for c in c1 c2 c3 c4 c5; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1
{ vt_conf_l3_base "$L1" "10.0.0.1"; cat <<EOF; } > "$VT_TMP/leaf1.yaml"
  - name: other
    l3vni: 900002
vnis:
  - vni: 5000
    vrf: tenant
    gateway: [192.168.1.1/24, '2001:db8:1::1/64']
  - vni: 5001
    vrf: tenant
    gateway: [192.168.2.1/24, '2001:db8:2::1/64']
  - vni: 5002
    vrf: other
    gateway: 192.168.3.1/24
  - vni: 5003
ports:
  - {name: c1, vni: 5000, netns: ${VT_P}c1, ip: 192.168.1.10/24, mac: 02:00:00:01:00:10}
  - {name: c2, vni: 5001, netns: ${VT_P}c2, ip: 192.168.2.10/24, mac: 02:00:00:02:00:10}
  - {name: c3, vni: 5002, netns: ${VT_P}c3, ip: 192.168.3.10/24, mac: 02:00:00:03:00:10}
  - {name: c4, vni: 5003, netns: ${VT_P}c4, ip: 192.168.4.10/24, mac: 02:00:00:04:00:10}
EOF
"$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" >/dev/null || vt_fail "config invalid: $("$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" 2>&1)"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
for i in 1 2 3 4; do ip -n "${VT_P}c$i" route add default via "192.168.$i.1"; done

vrf() { vt_ctl "$L1" -j show stats | jq -r ".vrfs[] | select(.vrf == \"$1\") | .$2"; }
drops() { vt_ctl "$L1" -j show stats | jq -r "[.ports[] | select(.port == \"$1\") | .drops.$2 // 0] | add // 0"; }

vt_ping_sizes "c1:192.168.2.10 c2:192.168.1.10" 108 1008
[ "$(vrf tenant routed)" -ge 40 ] || vt_fail "routed packets not counted: $(vt_ctl "$L1" show stats)"
vt_pass "VNI 5000 and 5001 ping each other both ways through the gateway (108 and 1008 bytes)"

out=$(ip netns exec "${VT_P}c1" ping -c 1 -t 1 -W 2 192.168.2.10 2>&1)
echo "$out" | grep -q "From 192.168.1.1 .*Time to live exceeded" ||
	vt_fail "ping with TTL 1: no time exceeded from the gateway 192.168.1.1: $out"
ip netns exec "${VT_P}c1" ping -c 1 -t 2 -W 2 192.168.2.10 >/dev/null || vt_fail "ping with TTL 2 did not arrive"
[ "$(vrf tenant ttl_expired)" -ge 1 ] && [ "$(vrf tenant icmp_time_exceeded)" -ge 1 ] ||
	vt_fail "time exceeded not counted: $(vt_ctl "$L1" show stats)"
if command -v tracepath >/dev/null; then
	out=$(ip netns exec "${VT_P}c1" tracepath -n -m 5 192.168.2.10 2>&1)
	echo "$out" | grep -Eq "^ 1: +192\.168\.1\.1 " || vt_fail "tracepath: the first hop is not the gateway: $out"
	echo "$out" | grep -q "hops 2 back 2" || vt_fail "tracepath: not one routed hop: $out"
fi
vt_pass "one routed hop: TTL 1 gets ICMP time exceeded from the gateway, TTL 2 arrives"

vt_ping "${VT_P}c3" 192.168.1.10 2 && vt_fail "a container of VRF other reached VRF tenant"
vt_ping "${VT_P}c1" 192.168.3.10 2 && vt_fail "VRF tenant reached a container of VRF other"
vt_ping "${VT_P}c4" 192.168.1.10 2 && vt_fail "a container of a VNI without a VRF reached VRF tenant"
[ "$(drops c3 no_route)" -ge 1 ] && [ "$(vrf other no_route)" -ge 1 ] && [ "$(vrf tenant no_route)" -ge 1 ] ||
	vt_fail "no_route drops not counted: $(vt_ctl "$L1" show stats)"
vt_ping "${VT_P}c3" 192.168.3.1 || vt_fail "c3 cannot ping its own gateway"
vt_pass "other VRFs and VNIs without a VRF cannot reach the tenant, counted as no_route"

# show stats' parts alone (a poller's cheap question) are the whole answer's parts
part=$(vt_ctl "$L1" -j show stats vrfs | jq -c '[.vrfs[] | {vrf, no_route, routes_ipv4, routes_ipv6}]')
whole=$(vt_ctl "$L1" -j show stats | jq -c '[.vrfs[] | {vrf, no_route, routes_ipv4, routes_ipv6}]')
[ "$part" = "$whole" ] && [ "$(echo "$part" | jq length)" = 2 ] &&
	[ "$(echo "$part" | jq '.[0].routes_ipv4')" -ge 1 ] ||
	vt_fail "show stats vrfs ($part) is not show stats' vrfs ($whole)"
[ "$(vt_ctl "$L1" -j show stats vrfs | jq 'keys')" = '[
  "vrfs"
]' ] || vt_fail "show stats vrfs answers more than the VRFs: $(vt_ctl "$L1" -j show stats vrfs)"
[ "$(vt_ctl "$L1" -j show stats fdb | jq -c '.fdb.capacity, (keys | length)')" = "$(vt_ctl "$L1" -j show stats | jq -c '.fdb.capacity, 1')" ] ||
	vt_fail "show stats fdb is not show stats' fdb: $(vt_ctl "$L1" -j show stats fdb)"
vt_ctl "$L1" show stats bogus >/dev/null 2>&1 && vt_fail "show stats bogus was accepted"
vt_pass "show stats vrfs and show stats fdb answer their part of show stats alone"

# c5: attached at run time without an address; its MAC and address become known from its ARP
C5=${VT_P}c5
vt_ctl "$L1" attach c5 vni 5001 netns "$C5" >/dev/null || vt_fail "attach c5 failed"
ip -n "$C5" addr add 192.168.2.20/24 dev eth0
ip -n "$C5" link set eth0 up
ip -n "$C5" route add default via 192.168.2.1
g0=$(vrf tenant glean_sent)
# (a ping every 0.3 s until the first reply, for at most 4 s, about as long as 6 pings and the
# wait for the last took; the first is the glean's drop, so it never ended before)
out=$(ip netns exec "${VT_P}c1" ping -c 1 -w 4 -i 0.3 192.168.2.20 2>&1)
echo "$out" | grep -Eq " [1-9][0-9]* received" || vt_fail "c5 (attached without ip) not reached after glean: $out"
[ "$(vrf tenant glean_sent)" -gt "$g0" ] || vt_fail "no glean ARP counted: $(vt_ctl "$L1" show stats)"
[ "$(vrf tenant glean_drops)" -ge 1 ] || vt_fail "glean drops not counted: $(vt_ctl "$L1" show stats)"
vt_ping_sizes "c1:192.168.2.20 c5:192.168.1.10" 108 1008
vt_pass "a container attached without ip is reached after the gateway's glean ARP"

# show neighbors: the gateways' neighbour table, attached (c1, c2) and learned (c5) hosts
nb=$(vt_ctl "$L1" -j show neighbors vrf tenant)
C5MAC=$(ip -n "$C5" -j link show eth0 | jq -r '.[0].address')
echo "$nb" | jq -e --arg m5 "$C5MAC" '[.neighbors[] | select(.vrf == "tenant") | [.address, .mac, .vni, .port]] == [
	["192.168.1.10", "02:00:00:01:00:10", 5000, "c1"], ["192.168.2.10", "02:00:00:02:00:10", 5001, "c2"],
	["192.168.2.20", $m5, 5001, "c5"]]' >/dev/null || vt_fail "show neighbors vrf tenant: $nb"
vt_ctl "$L1" -j show neighbors | jq -e '[.neighbors[] | select(.vrf == "other")] | length == 1' >/dev/null ||
	vt_fail "show neighbors lacks VRF other's c3: $(vt_ctl "$L1" show neighbors)"
vt_ctl "$L1" show neighbors | grep -q "192.168.2.20" || vt_fail "show neighbors (text): $(vt_ctl "$L1" show neighbors)"
vt_ctl "$L1" show neighbors vrf nosuch 2>&1 | grep -q "no VRF 'nosuch'" || vt_fail "show neighbors vrf nosuch: no clear error"
vt_pass "show neighbors: the attached and the learned hosts of each VRF, with MAC, VNI and port"

# IPv6: no address in any attach; the host routes come from the containers' neighbour discovery
for i in 1 2; do
	ip netns exec "${VT_P}c$i" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 \
		net.ipv6.conf.eth0.router_solicitations=0
	ip -n "${VT_P}c$i" addr add "2001:db8:$i::10/64" dev eth0 nodad
	ip -n "${VT_P}c$i" -6 route add default via "2001:db8:$i::1"
done
# the link-local addresses' duplicate address detection done (the interfaces' IPv6 settled)
tentative() { ip -n "${VT_P}c1" -6 addr show dev eth0 tentative; ip -n "${VT_P}c2" -6 addr show dev eth0 tentative; }
settled() { [ -z "$(tentative)" ]; }
vt_wait_for 10 settled || vt_fail "IPv6 addresses still tentative: $(tentative)"
ping6_ok() { # NS DST SIZE: 5 pings, none lost
	local out
	out=$(ip netns exec "${VT_P}$1" ping -6 -q -c 5 -i "$VT_PING_GAP" -W 3 -s "$3" "$2" 2>&1)
	echo "$out" | grep -q " 0% packet loss" || vt_fail "$1 -> $2 ping -6 -s $3 lost packets: $(echo "$out" | tail -2 | tr '\n' ' ') $(vt_ctl "$L1" show routes; vt_ctl "$L1" -j show stats | jq -c '.ports, .vrfs')"
}
na0=$(vt_ctl "$L1" -j show stats | jq -r '[.vnis[] | select(.vni == 5001) | .gw_na_answers] | add // 0')
out=$(ip netns exec "${VT_P}c1" ping -6 -c 1 -w 4 -i 0.3 2001:db8:2::10 2>&1)   # (as above)
echo "$out" | grep -Eq " [1-9][0-9]* received" || vt_fail "c1 -> 2001:db8:2::10: nothing came back: $out"
for s in 108 1008; do ping6_ok c1 2001:db8:2::10 $s; ping6_ok c2 2001:db8:1::10 $s; done
na1=$(vt_ctl "$L1" -j show stats | jq -r '[.vnis[] | select(.vni == 5001) | .gw_na_answers] | add // 0')
[ "$na1" -gt "$na0" ] || vt_fail "the answer to the gateway's glean NS not counted (gw_na_answers $na0 -> $na1): $(vt_ctl "$L1" -j show stats | jq -c ".vnis, .vrfs")"
vt_pass "IPv6: VNI 5000 and 5001 ping each other both ways through the gateway, no IPv6 in the attach"

rt=$(vt_ctl "$L1" -j show routes vrf tenant)
echo "$rt" | jq -e '[.routes[] | select(.prefix | endswith("/128")) | "\(.prefix) \(.nexthop) \(.port) \(.vni)"] ==
	["2001:db8:1::10/128 local c1 5000", "2001:db8:2::10/128 local c2 5001"]' >/dev/null ||
	vt_fail "show routes: the learned /128s: $rt"
nb=$(vt_ctl "$L1" -j show neighbors vrf tenant)
echo "$nb" | jq -e '[.neighbors[] | select(.address | contains(":")) | [.address, .mac, .vni, .port]] == [
	["2001:db8:1::10", "02:00:00:01:00:10", 5000, "c1"], ["2001:db8:2::10", "02:00:00:02:00:10", 5001, "c2"]]' \
	>/dev/null || vt_fail "show neighbors: the learned IPv6 hosts: $nb"
vt_ctl "$L1" show neighbors | grep -q "2001:db8:2::10" || vt_fail "show neighbors (text): $(vt_ctl "$L1" show neighbors)"
vt_pass "IPv6: show routes and show neighbors list the /128 host routes learned from neighbour discovery"

vt_ctl "$L1" detach c2 >/dev/null || vt_fail "detach c2 failed"
vt_ping "${VT_P}c1" 192.168.2.10 2 && vt_fail "c2 still reached after detach"
vt_ping_sizes "c1:192.168.2.20" 108
vt_ctl "$L1" -j show routes vrf tenant | jq -e '[.routes[] | select(.prefix == "2001:db8:2::10/128" or
	.prefix == "192.168.2.10/32")] == []' >/dev/null || vt_fail "c2's host routes left after detach: $(vt_ctl "$L1" show routes)"
vt_pass "a detached container's host routes (IPv4 and IPv6) go with it; the others are still routed"
