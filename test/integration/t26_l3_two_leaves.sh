#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The seed scenario of issue 14 (doc/l3-leaf.md): two vtepd L3 leaves in iBGP AS 65535, VTEPs
# on loopbacks 1.1.1.1 and 2.2.2.2 reached through an underlay router namespace, peering on
# them (update_source). VRF tenant with L3 VNI 900001 and two L2 VNIs with anycast gateways
# (5000: 192.168.1.1/24, 5001: 192.168.2.1/24, gateway MAC 0000.2222.3333), a container per
# subnet per leaf. Asserted: every container pings its gateway; same-subnet pings across the
# leaves of 108 to 64452 bytes lose nothing; show routes lists the other leaf's hosts as remote
# host routes with its router MAC; containers in different subnets reach each other across the
# leaves both ways, routed over VNI 900001 with the other leaf's router MAC as inner destination
# and ours as inner source (tshark on the underlay); traceroute shows one routed hop within a
# leaf and across leaves too (the fabric is one router: the egress leaf does not take the TTL
# down again); a container moved from leaf 1 to leaf 2 (detach, attach with the same MAC and
# address) is routed to at leaf 2 at once, not after aging. A silent container behind leaf 2
# is found by leaf 1's glean (leaf 2 hands it to its ports, learns the answer and advertises
# it). A container's learned binding
# (attached without ip, its address from its ARP) goes when it falls silent: leaf 1 ages it
# (fastpath.neighbor_aging 4 s here) and withdraws its MAC+IP route, and leaf 2's host route
# for it goes too.
# As one command: VT_BUILD=$PWD/build bash test/integration/t26_l3_two_leaves.sh
source "$(dirname "$0")/lib.sh"
command -v traceroute >/dev/null || vt_fail "traceroute is not installed (scripts/setup.sh installs it)"

R=${VT_P}rt
vt_ns "$R"
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
for i in 1 2; do
	vt_ns "${VT_P}l$i"
	vt_link "${VT_P}l$i" ul0 "$R" "r$i"
	ip -n "$R" addr add "10.1.$i.254/24" dev "r$i"
	ip -n "${VT_P}l$i" addr add "10.1.$i.1/24" dev ul0
	ip -n "${VT_P}l$i" addr add "$i.$i.$i.$i/32" dev lo
	ip -n "${VT_P}l$i" route add "$((3 - i)).$((3 - i)).$((3 - i)).$((3 - i))/32" via "10.1.$i.254"
	ip -n "$R" route add "$i.$i.$i.$i/32" via "10.1.$i.1"
done
for c in c1a c1b c2a c2b cm cs cq; do vt_ns "${VT_P}$c"; done

# leaf I: VTEP I.I.I.I (on lo), containers cIa (VNI 5000, 192.168.1.I0) and cIb (VNI 5001, 192.168.2.I0)
for i in 1 2; do
	o=$((3 - i))
	{ vt_conf_l3_base "${VT_P}-leaf$i" "$i.$i.$i.$i"; cat <<EOF; } > "$VT_TMP/leaf$i.yaml"
vnis:
  - vni: 5000
    vrf: tenant
    gateway: [192.168.1.1/24, '2001:db8:1::1/64']
  - vni: 5001
    vrf: tenant
    gateway: [192.168.2.1/24, '2001:db8:2::1/64']
ports:
  - {name: c${i}a, vni: 5000, netns: ${VT_P}c${i}a, ip: 192.168.1.${i}0/24, mac: 02:00:00:0$i:00:10}
  - {name: c${i}b, vni: 5001, netns: ${VT_P}c${i}b, ip: 192.168.2.${i}0/24, mac: 02:00:00:0$i:00:20}
bgp:
  asn: 65535
  router_id: $i.$i.$i.$i
  neighbors:
    - {address: $o.$o.$o.$o, remote_as: 65535, update_source: $i.$i.$i.$i}
EOF
	# leaf 1 ages learned IP bindings after 4 s without a word from their host (the last check)
	[ "$i" = 1 ] && sed -i 's/^  mbufs: .*/&\n  neighbor_aging: 4/' "$VT_TMP/leaf$i.yaml"
	"$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" >/dev/null ||
		vt_fail "config invalid: $("$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" 2>&1)"
done
grep -q "^  neighbor_aging: 4" "$VT_TMP/leaf1.yaml" || vt_fail "leaf 1's config lacks neighbor_aging"
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
for c in c1a c2a; do ip -n "${VT_P}$c" route add default via 192.168.1.1; done
for c in c1b c2b; do ip -n "${VT_P}$c" route add default via 192.168.2.1; done
RMAC1=$(ip -n "${VT_P}l1" -j link show ul0 | jq -r '.[0].address')   # router_mac auto: the uplink's
RMAC2=$(ip -n "${VT_P}l2" -j link show ul0 | jq -r '.[0].address')

for L in "$L1" "$L2"; do
	vt_wait_for 40 bash -c "'$VTEPCTL' -n $L -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
		vt_fail "$L: iBGP session not established: $(vt_ctl "$L" show bgp summary)"
done
vt_pass "the two leaves peer in iBGP AS 65535 on their loopbacks 1.1.1.1 and 2.2.2.2"

for pair in c1a:192.168.1.1 c1b:192.168.2.1 c2a:192.168.1.1 c2b:192.168.2.1; do
	vt_ping "${VT_P}${pair%%:*}" "${pair##*:}" || vt_fail "${pair%%:*} cannot ping its gateway ${pair##*:}"
done
vt_pass "every container pings its anycast gateway"

# ---- the routes: each leaf has the other's hosts as remote host routes with its router MAC ----
# routes L PREFIX: the row of PREFIX in show routes vrf tenant (JSON), or nothing
routes() { vt_ctl "$1" -j show routes vrf tenant | jq -c ".routes[] | select(.prefix == \"$2\")"; }
# silent_host L NAME VNI MAC ADDR/LEN GW: container NAME (namespace ${VT_P}NAME) attached at L
# with a MAC but no ip (L learns its address only from what it sends), ADDR set inside it
silent_host() {
	local ns=${VT_P}$2
	vt_ctl "$1" attach "$2" vni "$3" netns "$ns" mac "$4" >/dev/null || vt_fail "attach $2 at $1"
	ip -n "$ns" addr add "$5" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add default via "$6"
}
remote_host() { # L PREFIX VTEP RMAC: PREFIX is a remote host route via VTEP with router MAC RMAC
	routes "$1" "$2" | jq -e --arg v "$3" --arg m "$4" '.source == "host" and .nexthop == "remote" and
		.vtep == $v and .mac == $m and .vni == 900001 and .installed' >/dev/null
}
for h in 192.168.1.20 192.168.2.20; do
	vt_wait_for 20 remote_host "$L1" "$h/32" 2.2.2.2 "$RMAC2" ||
		vt_fail "leaf 1 has no remote host route $h/32 via 2.2.2.2, router MAC $RMAC2: $(vt_ctl "$L1" show routes)"
done
for h in 192.168.1.10 192.168.2.10; do
	vt_wait_for 20 remote_host "$L2" "$h/32" 1.1.1.1 "$RMAC1" ||
		vt_fail "leaf 2 has no remote host route $h/32 via 1.1.1.1, router MAC $RMAC1: $(vt_ctl "$L2" show routes)"
done
routes "$L1" 192.168.1.10/32 | jq -e '.source == "local" and .nexthop == "local" and .port == "c1a" and
	.mac == "02:00:00:01:00:10" and .vni == 5000' >/dev/null || vt_fail "leaf 1's own host route: $(vt_ctl "$L1" show routes)"
routes "$L1" 192.168.2.0/24 | jq -e '.source == "connected" and .nexthop == "glean" and .vni == 5001' >/dev/null ||
	vt_fail "leaf 1's connected route: $(vt_ctl "$L1" show routes)"
text=$(vt_ctl "$L1" show routes)
echo "$text" | grep -E "^tenant +192\.168\.1\.20/32 +host +remote " | grep -qF "2.2.2.2" ||
	vt_fail "show routes (text): $text"
out=$(vt_ctl "$L1" show routes vrf nosuch 2>&1) && vt_fail "show routes vrf nosuch was accepted: $out"
echo "$out" | grep -q "no VRF 'nosuch' (expected one of: tenant)" || vt_fail "show routes vrf nosuch: $out"
vt_log "leaf 1: $(echo "$text" | grep -F 192.168.1.20/32 | tr -s ' ')"
vt_pass "show routes: each leaf has the other's hosts as remote host routes (VTEP, router MAC, L3 VNI 900001)"

# ---- same subnet across the leaves: bridged in the L2 VNIs, every size ----
vt_ping_sizes "c1a:192.168.1.20 c2a:192.168.1.10 c1b:192.168.2.20 c2b:192.168.2.10" 108 1008 10008 50008 60008 64452
vt_pass "same-subnet pings across the leaves, 108 to 64452 bytes, in both L2 VNIs: no loss"

# ---- different subnets across the leaves: routed over the L3 VNI (symmetric IRB) ----
ip netns exec "$R" tshark -i r1 -w "$VT_TMP/ul.pcap" -f "udp port 4789" > "$VT_TMP/tshark.log" 2>&1 &
TSHARK=$!
VT_PIDS+=("$TSHARK")
vt_wait_for 10 grep -q "Capturing on" "$VT_TMP/tshark.log" || vt_fail "tshark did not start: $(cat "$VT_TMP/tshark.log")"
vt_ping_sizes "c1a:192.168.2.20 c2b:192.168.1.10 c1b:192.168.1.20 c2a:192.168.2.10" 108 1008
kill -INT "$TSHARK"
wait "$TSHARK" 2>/dev/null || true
vt_pass "containers in different subnets ping each other across the leaves, both ways"

# ---- IPv6 across the leaves: addresses learned from neighbour discovery, advertised as MAC+IPv6 ----
# c1a (leaf 1, 2001:db8:1::10) and c2b (leaf 2, 2001:db8:2::20), no IPv6 in any attach
for x in c1a:1:10 c2b:2:20; do
	c=${x%%:*} n=${x#*:}
	ip netns exec "${VT_P}$c" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 \
		net.ipv6.conf.eth0.router_solicitations=0
	ip -n "${VT_P}$c" addr add "2001:db8:${n%%:*}::${n#*:}/64" dev eth0 nodad
	ip -n "${VT_P}$c" -6 route add default via "2001:db8:${n%%:*}::1"
done
tentative6() { ip -n "${VT_P}c1a" -6 addr show dev eth0 tentative; ip -n "${VT_P}c2b" -6 addr show dev eth0 tentative; }
settled6() { [ -z "$(tentative6)" ]; }
vt_wait_for 10 settled6 || vt_fail "IPv6 addresses still tentative: $(tentative6)"
# each pings its gateway: its solicitation for it tells its leaf its address
vt_ping "${VT_P}c1a" 2001:db8:1::1 || vt_fail "c1a cannot ping its gateway 2001:db8:1::1"
vt_ping "${VT_P}c2b" 2001:db8:2::1 || vt_fail "c2b cannot ping its gateway 2001:db8:2::1"
vt_wait_for 20 remote_host "$L1" 2001:db8:2::20/128 2.2.2.2 "$RMAC2" ||
	vt_fail "leaf 1 has no remote host route 2001:db8:2::20/128 via 2.2.2.2: $(vt_ctl "$L1" show routes)"
vt_wait_for 20 remote_host "$L2" 2001:db8:1::10/128 1.1.1.1 "$RMAC1" ||
	vt_fail "leaf 2 has no remote host route 2001:db8:1::10/128 via 1.1.1.1: $(vt_ctl "$L2" show routes)"
for x in c1a:2001:db8:2::20 c2b:2001:db8:1::10; do
	for s in 108 1008; do
		out=$(ip netns exec "${VT_P}${x%%:*}" ping -6 -q -c 5 -i "$VT_PING_GAP" -W 3 -s $s "${x#*:}" 2>&1)
		echo "$out" | grep -q " 0% packet loss" || vt_fail "${x%%:*} -> ${x#*:} ping -6 -s $s: $(echo "$out" | tail -2 | tr '\n' ' ')"
	done
done
vt_pass "IPv6 across the leaves: learned /128s advertised as MAC+IPv6, installed remotely, pinged both ways"

# inner MACs of what each leaf sent in VNI 900001: its router MAC to the other's (last = inner)
inner() { tshark -r "$VT_TMP/ul.pcap" -d udp.port==4789,vxlan -Y "vxlan.vni == 900001 && ip.src == $1" \
	-T fields -E occurrence=l -e eth.src -e eth.dst 2>/dev/null | sort -u; }
n=$(tshark -r "$VT_TMP/ul.pcap" -d udp.port==4789,vxlan -Y "vxlan.vni == 900001" 2>/dev/null | wc -l)
[ "$n" -ge 20 ] || vt_fail "only $n VXLAN frames in VNI 900001 on the underlay"
[ "$(inner 1.1.1.1)" = "$(printf '%s\t%s' "$RMAC1" "$RMAC2")" ] ||
	vt_fail "leaf 1's frames in VNI 900001 are not $RMAC1 -> $RMAC2: $(inner 1.1.1.1 | tr '\n' ' ')"
[ "$(inner 2.2.2.2)" = "$(printf '%s\t%s' "$RMAC2" "$RMAC1")" ] ||
	vt_fail "leaf 2's frames in VNI 900001 are not $RMAC2 -> $RMAC1: $(inner 2.2.2.2 | tr '\n' ' ')"
vt_pass "tshark: the routed traffic crosses the underlay in VNI 900001, inner MACs router MAC to router MAC ($n frames)"
for L in "$L1" "$L2"; do
	vt_ctl "$L" -j show stats | jq -e '.vnis[] | select(.vni == 900001) | .encap_pkts >= 10 and .decap_pkts >= 10' >/dev/null ||
		vt_fail "$L: show stats does not count the routed traffic in VNI 900001: $(vt_ctl "$L" -j show stats | jq -c .vnis)"
done


# ---- only the fabric's leaves may send into the L3 VNI ----
# The underlay router, no VTEP of anyone, sends leaf 1 pings for c1a in VNI 900001, inner
# destination leaf 1's router MAC: dropped as unknown_vtep, never routed to c1a.
cat > "$VT_TMP/inject.py" <<'PYEOF'
import socket, struct, sys

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))

def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    s = sum(struct.unpack("!10H", h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return h[:10] + struct.pack("!H", ~s & 0xffff) + h[12:] + payload

iface, dmac, smac, osrc, odst, rmac_to, rmac_from, n = sys.argv[1:9]
icmp = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + b"x" * 32
s = sum(struct.unpack("!%dH" % (len(icmp) // 2), icmp))
while s >> 16:
    s = (s & 0xffff) + (s >> 16)
icmp = icmp[:2] + struct.pack("!H", ~s & 0xffff) + icmp[4:]
inner = mac(rmac_to) + mac(rmac_from) + b"\x08\x00" + ipv4("192.168.2.99", "192.168.1.10", 1, icmp)
vx = struct.pack("!II", 0x08000000, 900001 << 8) + inner
udp = struct.pack("!HHHH", 50000, 4789, 8 + len(vx), 0) + vx
frame = mac(dmac) + mac(smac) + b"\x08\x00" + ipv4(osrc, odst, 17, udp)
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind((iface, 0))
for _ in range(int(n)):
    sock.send(frame)
PYEOF
stat1() { vt_ctl "$L1" -j show stats | jq -r "$1"; }
u0=$(stat1 '.ports[0].drops.unknown_vtep // 0') r0=$(stat1 '.vrfs[] | select(.vrf == "tenant") | .routed_from_l3vni // 0')
UL1_MAC=$(ip -n "${VT_P}l1" -j link show ul0 | jq -r '.[0].address')
R1_MAC=$(ip -n "$R" -j link show r1 | jq -r '.[0].address')
ip netns exec "$R" python3 "$VT_TMP/inject.py" r1 "$UL1_MAC" "$R1_MAC" 10.1.1.254 1.1.1.1 "$RMAC1" "$RMAC2" 20 ||
	vt_fail "the injection tool failed"
vt_wait_for 5 bash -c "[ \$('$VTEPCTL' -n $L1 -j show stats | jq '.ports[0].drops.unknown_vtep // 0') -ge $((u0 + 20)) ]" ||
	vt_fail "leaf 1 did not drop the underlay router's frames into VNI 900001 as unknown_vtep: $(stat1 .ports[0].drops)"
[ "$(stat1 '.vrfs[] | select(.vrf == "tenant") | .routed_from_l3vni // 0')" -eq "$r0" ] ||
	vt_fail "leaf 1 routed frames from a VTEP that is not a leaf of VRF tenant: $(stat1 '.vrfs')"
vt_pass "frames into VNI 900001 from an address that is no leaf of the VRF are unknown_vtep drops, never routed"

# ---- a container moves from leaf 1 to leaf 2, same MAC and address ----
CM=${VT_P}cm
vt_ctl "$L1" attach cm vni 5000 netns "$CM" mac 02:00:00:01:00:30 ip 192.168.1.30/24 >/dev/null || vt_fail "attach cm at leaf 1"
ip -n "$CM" route add default via 192.168.1.1
vt_wait_for 20 remote_host "$L2" 192.168.1.30/32 1.1.1.1 "$RMAC1" ||
	vt_fail "leaf 2 has no host route for cm at leaf 1: $(vt_ctl "$L2" show routes)"
vt_ping "${VT_P}c2b" 192.168.1.30 || vt_fail "c2b (leaf 2) cannot reach cm at leaf 1"
vt_ctl "$L1" detach cm >/dev/null || vt_fail "detach cm from leaf 1"
vt_ctl "$L2" attach cm vni 5000 netns "$CM" mac 02:00:00:01:00:30 ip 192.168.1.30/24 >/dev/null || vt_fail "attach cm at leaf 2"
ip -n "$CM" route replace default via 192.168.1.1
vt_wait_for 10 remote_host "$L1" 192.168.1.30/32 2.2.2.2 "$RMAC2" ||
	vt_fail "leaf 1's host route for cm did not move to leaf 2: $(vt_ctl "$L1" show routes)"
routes "$L2" 192.168.1.30/32 | jq -e '.source == "local" and .port == "cm"' >/dev/null ||
	vt_fail "leaf 2 has no local host route for cm: $(vt_ctl "$L2" show routes)"
vt_ping_sizes "c1b:192.168.1.30 c2b:192.168.1.30 c1a:192.168.1.30 cm:192.168.2.10" 108
vt_pass "a container moved from leaf 1 to leaf 2 is routed to at leaf 2 at once (no aging)"

# ---- traceroute: one routed hop, within a leaf and across leaves ----
# Symmetric IRB routes on both leaves (RFC 9135: into the L3 VNI, out of it), but the fabric
# behaves as one router: the ingress leaf takes the TTL down, the egress leaf delivers what
# comes out of the L3 VNI to its local host without taking it down again (doc/l3-leaf.md).
out=$(ip netns exec "${VT_P}c1a" traceroute -n -w 2 -m 5 192.168.2.10 2>&1)
echo "$out" | sed -n 2p | grep -Eq "^ 1  192\.168\.1\.1 " || vt_fail "traceroute: the first hop is not the gateway: $out"
echo "$out" | sed -n 3p | grep -Eq "^ 2  192\.168\.2\.10 " || vt_fail "traceroute within leaf 1: not one routed hop: $out"
[ "$(echo "$out" | wc -l)" -eq 3 ] || vt_fail "traceroute within leaf 1: more hops than the gateway and the destination: $out"
out=$(ip netns exec "${VT_P}c1a" traceroute -n -w 2 -m 5 192.168.2.20 2>&1)
echo "$out" | sed -n 2p | grep -Eq "^ 1  192\.168\.1\.1 " || vt_fail "traceroute: the first hop is not the gateway: $out"
echo "$out" | sed -n 3p | grep -Eq "^ 2  192\.168\.2\.20 " || vt_fail "traceroute across the leaves: not one routed hop: $out"
[ "$(echo "$out" | wc -l)" -eq 3 ] || vt_fail "traceroute across the leaves: more hops than the gateway and the destination: $out"
vt_pass "traceroute: one routed hop (the sender's gateway), within a leaf and across the leaves"

# ---- glean across leaves: a silent host behind leaf 2 found by leaf 1's glean ----
# cq: attached at leaf 2 with a MAC but no ip, 192.168.2.50 never said to anyone. c1a (leaf 1)
# pings it: leaf 1 gleans (connected 192.168.2.0/24) into VNI 5001's ports and flood list;
# leaf 2 hands the request from the anycast gateway to its ports (gw_remote_gleans, not a
# gateway_conflict), cq answers its own leaf's gateway, which learns it and advertises it,
# and leaf 1 routes to it.
CQ=${VT_P}cq
silent_host "$L2" cq 5001 02:00:00:02:00:50 192.168.2.50/24 192.168.2.1
c0=$(vt_ctl "$L2" -j show stats | jq '[.vnis[] | select(.vni == 5001) | .gw_conflicts] | add // 0')
# (a ping every 0.3 s until the first reply, for at most 4 s: as long as 8 pings and the wait
# for the last took, but not waiting for all 8 once one came back)
out=$(ip netns exec "${VT_P}c1a" ping -c 1 -w 4 -i 0.3 192.168.2.50 2>&1)
echo "$out" | grep -Eq " [1-9][0-9]* received" ||
	vt_fail "c1a (leaf 1) did not reach the silent cq behind leaf 2: $out $(vt_ctl "$L2" -j show stats | jq -c '.vnis')"
vt_ctl "$L2" -j show stats | jq -e '.vnis[] | select(.vni == 5001) | .gw_remote_gleans >= 1' >/dev/null ||
	vt_fail "leaf 2 did not count leaf 1's glean: $(vt_ctl "$L2" -j show stats | jq -c '.vnis')"
[ "$(vt_ctl "$L2" -j show stats | jq '[.vnis[] | select(.vni == 5001) | .gw_conflicts] | add // 0')" -eq "$c0" ] ||
	vt_fail "leaf 2 counted leaf 1's glean as a gateway conflict: $(vt_ctl "$L2" -j show stats | jq -c '.vnis')"
remote_host "$L1" 192.168.2.50/32 2.2.2.2 "$RMAC2" ||
	vt_fail "leaf 1 has no host route for cq via 2.2.2.2: $(vt_ctl "$L1" show routes)"
vt_ping_sizes "c1a:192.168.2.50" 108
vt_pass "glean across leaves: leaf 1's glean finds a silent host behind leaf 2, which learns and advertises it"

# ---- a learned binding goes when its container falls silent ----
# cs: attached at leaf 1 with a MAC but no ip; 192.168.1.40 is learned from its ARP for the
# gateway and advertised. Then its interface goes down: nothing more from it, and after leaf
# 1's neighbor_aging (4 s) the binding goes: the local host route, show neighbors, the MAC+IP
# route and so leaf 2's host route. The MAC-only route stays (its port is still attached).
CS=${VT_P}cs
silent_host "$L1" cs 5000 02:00:00:01:00:40 192.168.1.40/24 192.168.1.1
vt_ping "$CS" 192.168.1.1 || vt_fail "cs cannot ping its gateway"
vt_wait_for 10 remote_host "$L2" 192.168.1.40/32 1.1.1.1 "$RMAC1" ||
	vt_fail "leaf 2 has no host route for cs's learned 192.168.1.40: $(vt_ctl "$L2" show routes)"
vt_ctl "$L1" -j show neighbors vrf tenant | jq -e '[.neighbors[] | select(.address == "192.168.1.40")] | length == 1' \
	>/dev/null || vt_fail "leaf 1's show neighbors lacks 192.168.1.40: $(vt_ctl "$L1" show neighbors)"
vt_ping "${VT_P}c2b" 192.168.1.40 || vt_fail "c2b (leaf 2) cannot reach cs's learned address at leaf 1"
ip -n "$CS" link set eth0 down
t0=$(date +%s)
gone_l1() { ! routes "$L1" 192.168.1.40/32 | grep -q .; }
gone_l2() { ! routes "$L2" 192.168.1.40/32 | grep -q .; }
vt_wait_for 20 gone_l1 || vt_fail "leaf 1 kept cs's learned host route: $(vt_ctl "$L1" show routes)"
vt_wait_for 10 gone_l2 || vt_fail "leaf 2 kept the host route of cs's withdrawn MAC+IP: $(vt_ctl "$L2" show routes)"
t1=$(date +%s)
[ $((t1 - t0)) -ge 3 ] || vt_fail "cs's binding went after $((t1 - t0)) s, before the 4 s aging"
vt_ctl "$L1" -j show neighbors | jq -e '[.neighbors[] | select(.address == "192.168.1.40")] == []' >/dev/null ||
	vt_fail "leaf 1's show neighbors still lists 192.168.1.40: $(vt_ctl "$L1" show neighbors)"
vt_ctl "$L1" -j show stats | jq -e '.control.neighbors_aged >= 1 and
	(.ports[] | select(.port == "cs") | .neighbors == 0 and .max_neighbors == 256)' >/dev/null ||
	vt_fail "leaf 1's show stats does not count the aged binding: $(vt_ctl "$L1" -j show stats | jq -c '.control, [.ports[] | select(.port == "cs")]')"
routes "$L2" 192.168.1.10/32 | grep -q . || vt_fail "leaf 2 lost c1a's (attached) host route too: $(vt_ctl "$L2" show routes)"
vt_pass "a silent container's learned binding ages out at leaf 1 ($((t1 - t0)) s): host route, MAC+IP route and leaf 2's route go"
