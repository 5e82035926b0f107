#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Several DPDK-owned uplinks, each with its own exception interface: leaf 1 (vtepd, VTEP
# 10.0.0.1 on lo) has ul1 to spine 1 and ul2 to spine 2, both taken by DPDK outright (AF_XDP
# ports whose XDP program hands every frame to vtepd, standing in for NICs bound to DPDK:
# underlay.ports entries {port, interface}). The kernel keeps each uplink's address on that
# uplink's TAP (vtep1, vtep2): ARP and ping to each address go through its own TAP. Leaf 1's
# kernel reaches leaf 2's VTEP (the kernel's VXLAN) by an ECMP route over both TAPs: vtepd
# spreads flows over both uplinks, and when one uplink is cut under a running ping (the spine
# cuts its side and the leaf's TAP goes down), the flow moves to the other within a second.
source "$(dirname "$0")/lib.sh"

L1=${VT_P}l1 L2=${VT_P}l2 S1=${VT_P}s1 S2=${VT_P}s2
N1=${VT_P}-leaf1
for ns in "$L1" "$L2" "$S1" "$S2"; do vt_ns "$ns"; done
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"

# Leaf i <-> spine j: leaf ul$j (leaf 1: its TAP vtep$j) = 10.i.j.1/24, spine "l$i" = 10.i.j.254/24.
for i in 1 2; do
	for j in 1 2; do
		vt_link "${VT_P}l$i" "ul$j" "${VT_P}s$j" "l$i"
		ip -n "${VT_P}s$j" addr add "10.$i.$j.254/24" dev "l$i"
	done
	ip -n "${VT_P}l$i" addr add "10.0.0.$i/32" dev lo
	ip netns exec "${VT_P}l$i" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
done
for j in 1 2; do ip -n "$L2" addr add "10.2.$j.1/24" dev "ul$j"; done
ip -n "$L2" route add 10.0.0.1/32 nexthop via 10.2.1.254 dev ul1 nexthop via 10.2.2.254 dev ul2
vt_two_spines "$S1" "$S2"

vt_kernel_vtep "$L2" 10.0.0.2 1450 "${VT_P}c2" 02:00:00:00:02:01 192.168.10.2/24 10.0.0.1
for a in $(seq 3 18); do ip -n "${VT_P}c2" addr add "192.168.10.$a/24" dev eth0; done

cat > "$VT_TMP/leaf1.yaml" <<EOF2
vtep:
  name: $N1
  source_ip: 10.0.0.1
underlay:
  ports:
    - port: net_af_xdp0,iface=ul1
      interface: vtep1
    - {port: "net_af_xdp1,iface=ul2", interface: vtep2}
fastpath:
  mac_table_size: 4096
  mbufs: 8192
vnis:
  - vni: 100
    flood: [10.0.0.2]
ports:
  - name: c1
    vni: 100
    netns: ${VT_P}c1
    mac: 02:00:00:00:01:01
    ip: 192.168.10.1/24
EOF2
vt_vtepd "$L1" "$N1" "$VT_TMP/leaf1.yaml"

# One exception interface per uplink, each with its own uplink's MAC; the kernel's addresses go there.
for j in 1 2; do
	ip -n "$L1" link show "vtep$j" >/dev/null 2>&1 || vt_fail "no exception interface vtep$j"
	[ "$(ip -n "$L1" -j link show "vtep$j" | jq -r '.[0].address')" = "$(ip -n "$L1" -j link show "ul$j" | jq -r '.[0].address')" ] ||
		vt_fail "vtep$j does not carry ul$j's MAC"
	ip -n "$L1" addr add "10.1.$j.1/24" dev "vtep$j"
done
ip -n "$L1" route add 10.0.0.2/32 nexthop via 10.1.1.254 dev vtep1 nexthop via 10.1.2.254 dev vtep2
vt_pass "two exception interfaces, vtep1 and vtep2, with their uplinks' MACs"

# The kernel's own traffic on each uplink goes through that uplink's TAP, both ways.
exc_pkts() { vt_ctl "$N1" -j show stats | jq -c "[.ports[] | select(.port == \"$1\") | .rx_pkts, .tx_pkts]"; }
for j in 1 2; do
	b=$(exc_pkts "vtep$j")
	ip netns exec "${VT_P}s$j" ping -c 3 -i 0.2 -W 2 "10.1.$j.1" >/dev/null ||
		vt_fail "spine $j cannot ping leaf 1's 10.1.$j.1 through vtep$j"
	ip netns exec "$L1" ping -c 3 -i 0.2 -W 2 -I "vtep$j" "10.1.$j.254" >/dev/null ||
		vt_fail "leaf 1's kernel cannot ping spine $j through vtep$j"
	a=$(exc_pkts "vtep$j")
	[ "$(jq -n "$a[0] - $b[0] >= 6 and $a[1] - $b[1] >= 6")" = true ] ||
		vt_fail "vtep$j's counters did not move with its uplink's ARP and pings ($b -> $a)"
	ip -n "${VT_P}s$j" neigh show 10.1.$j.1 dev l1 | grep -qi "$(ip -n "$L1" -j link show "vtep$j" | jq -r '.[0].address')" ||
		vt_fail "spine $j did not learn vtep$j's MAC by ARP: $(ip -n "${VT_P}s$j" neigh show dev l1)"
done
vt_pass "ARP and ping to each uplink's address go through that uplink's own TAP"

# Both next hops, one per uplink (by its TAP), each with its spine's MAC.
m1=$(ip -n "$S1" -j link show l1 | jq -r '.[0].address')
m2=$(ip -n "$S2" -j link show l1 | jq -r '.[0].address')
vt_wait_for 10 bash -c "'$VTEPCTL' -n $N1 -j show vteps | jq -e '.vteps[0].nexthops | map(select(.usable)) |
	(length == 2) and any(.uplink == \"vtep1\" and .via == \"10.1.1.254\" and .mac == \"$m1\")
	and any(.uplink == \"vtep2\" and .via == \"10.1.2.254\" and .mac == \"$m2\")' >/dev/null" ||
	vt_fail "10.0.0.2 did not resolve to both spines ($m1 on vtep1, $m2 on vtep2): $(vt_ctl "$N1" -j show vteps)"
vt_pass "the ECMP route over both TAPs gives 10.0.0.2 two next hops, one on each uplink"

vt_ping "${VT_P}c1" 192.168.10.2 || vt_fail "c1 -> c2 over two NIC uplinks: no reply"
vt_pass "containers reach each other over the two NIC uplinks"

# vtepd's uplinks are "underlay" and "underlay1" (DPDK-owned: no kernel interface of their own).
UP=(underlay underlay1)
uplink_tx() { vt_ctl "$N1" -j show ports | jq ".ports[] | select(.name == \"${UP[$1 - 1]}\") | .tx_pkts"; }
uplink_rx() { vt_ctl "$N1" -j show ports | jq ".ports[] | select(.name == \"${UP[$1 - 1]}\") | .rx_pkts"; }
spine_rx() { ip -n "${VT_P}s$1" -j -s link show l1 | jq '.[0].stats64.rx.packets'; }
t1=$(uplink_tx 1) t2=$(uplink_tx 2) r1=$(spine_rx 1) r2=$(spine_rx 2)
pings=()
for a in $(seq 2 17); do
	ip netns exec "${VT_P}c1" ping -q -c 5 -i 0.02 -W 2 "192.168.10.$a" >/dev/null 2>&1 &
	pings+=($!)
done
wait "${pings[@]}"
d1=$(($(uplink_tx 1) - t1)) d2=$(($(uplink_tx 2) - t2))
s1=$(($(spine_rx 1) - r1)) s2=$(($(spine_rx 2) - r2))
vt_log "16 flows x 5 pings: vtepd sent $d1 on uplink 1, $d2 on uplink 2; spines received $s1, $s2"
[ $((d1 + d2)) -ge 80 ] || vt_fail "vtepd sent only $((d1 + d2)) packets on its uplinks for 80 pings"
[ "$d1" -ge 10 ] && [ "$d2" -ge 10 ] || vt_fail "flows not spread over both NIC uplinks: $d1, $d2"
[ "$s1" -ge 10 ] && [ "$s2" -ge 10 ] || vt_fail "the spines did not both carry traffic: spine 1 $s1, spine 2 $s2"
vt_pass "VXLAN flows spread over both NIC uplinks"

# Decapsulation from each uplink: leaf 2's kernel VXLAN keeps one route for all its flows
# (its route cache), so it is pointed at each spine in turn.
for j in 1 2; do
	ip -n "$L2" route replace 10.0.0.1/32 via "10.2.$j.254" dev "ul$j"
	u=$(uplink_rx "$j") dec=$(vt_ctl "$N1" -j show stats | jq '.vnis[0].decap_pkts')
	vt_ping "${VT_P}c1" 192.168.10.2 5 || vt_fail "c1 -> c2: no reply with leaf 2 sending by spine $j"
	u=$(($(uplink_rx "$j") - u)) dec=$(($(vt_ctl "$N1" -j show stats | jq '.vnis[0].decap_pkts') - dec))
	[ "$u" -ge 5 ] && [ "$dec" -ge 5 ] || vt_fail "VXLAN by spine $j: uplink $j received $u frames, $dec decapsulated"
done
ip -n "$L2" route replace 10.0.0.1/32 nexthop via 10.2.1.254 dev ul1 nexthop via 10.2.2.254 dev ul2
vt_pass "VXLAN from either NIC uplink is decapsulated"

# The uplink of the flow c1 -> 192.168.10.2.
t1=$(uplink_tx 1) t2=$(uplink_tx 2)
ip netns exec "${VT_P}c1" ping -q -c 20 -i 0.02 -W 2 192.168.10.2 >/dev/null 2>&1 || vt_fail "c1 -> c2: no reply before the cut"
d1=$(($(uplink_tx 1) - t1)) d2=$(($(uplink_tx 2) - t2))
if [ "$d1" -ge 10 ] && [ "$d2" -le 2 ]; then cut=1 keep=2
elif [ "$d2" -ge 10 ] && [ "$d1" -le 2 ]; then cut=2 keep=1
else vt_fail "one flow did not stay on one uplink: 20 pings, $d1 and $d2"
fi

# Cut uplink $cut 1.5 s into a 5 s ping at 50 per second: spine $cut cuts its side (it then
# routes to leaf 1 through the other spine) and leaf 1's TAP vtep$cut goes down (as for a
# NIC whose link is lost; the AF_XDP stand-in's link always says up). The flow must go on by
# the other uplink, the replies never more than a second apart.
ip netns exec "${VT_P}c1" ping -D -c 250 -i 0.02 -W 1 192.168.10.2 > "$VT_TMP/ping.txt" 2>&1 &
pp=$!
VT_PIDS+=("$pp")
sleep 1.5
tk=$(uplink_tx "$keep")
ip -n "${VT_P}s$cut" link set l1 down
ip -n "$L1" link set "vtep$cut" down
wait "$pp" 2>/dev/null || true
end=$(date +%s.%N)
moved=$(($(uplink_tx "$keep") - tk))
gap=$(sed -n 's/^\[\([0-9.]*\)\] .* icmp_seq=.*/\1/p' "$VT_TMP/ping.txt" |
	awk -v end="$end" 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { if (end - p > g) g = end - p; printf "%.3f", g + 0 }')
got=$(grep -c "icmp_seq=" "$VT_TMP/ping.txt")
vt_log "uplink $cut cut: $got of 250 replies, longest gap between replies ${gap} s, $moved packets moved to uplink $keep"
[ "$got" -ge 150 ] || vt_fail "only $got of 250 pings answered across the cut: $(tail -3 "$VT_TMP/ping.txt")"
awk -v g="$gap" 'BEGIN { exit !(g > 0 && g < 1.0) }' || vt_fail "traffic stopped for ${gap} s when uplink $cut was cut (expected < 1 s)"
[ "$moved" -ge 50 ] || vt_fail "only $moved packets left by uplink $keep after uplink $cut was cut"
vt_ctl "$N1" -j show vteps | jq -e ".vteps[0].nexthops | map(select(.usable)) | length == 1 and .[0].uplink == \"vtep$keep\"" >/dev/null ||
	vt_fail "the cut uplink's next hop is still in use: $(vt_ctl "$N1" -j show vteps)"
vt_ctl "$N1" -j show ports | jq -e ".ports[] | select(.name == \"${UP[$cut - 1]}\") | .link == \"down\"" >/dev/null ||
	vt_fail "show ports does not say uplink $cut is down: $(vt_ctl "$N1" show ports)"
vt_pass "uplink $cut cut under a ping: traffic continued on uplink $keep after ${gap} s at most"

# Back up: the next hop returns with the TAP, and the flow with it.
ip -n "${VT_P}s$cut" link set l1 up
ip -n "${VT_P}s$cut" route replace 10.0.0.1/32 via "10.1.$cut.1" metric 10
ip -n "$L1" link set "vtep$cut" up
vt_wait_for 10 bash -c "'$VTEPCTL' -n $N1 -j show vteps | jq -e '.vteps[0].nexthops | map(select(.usable)) | length == 2' >/dev/null" ||
	vt_fail "the next hop on vtep$cut did not come back: $(vt_ctl "$N1" -j show vteps)"
tc=$(uplink_tx "$cut")
vt_ping "${VT_P}c1" 192.168.10.2 10 || vt_fail "c1 -> c2: no reply after the uplink came back"
[ $(($(uplink_tx "$cut") - tc)) -ge 10 ] || vt_fail "the flow did not return to uplink $cut"
vt_pass "the uplink's next hop returns with its TAP, and the flow with it"

# A NIC losing its link: vtepd turns its TAP's carrier off (DPDK's link status; the AF_XDP
# stand-in always says up, so the carrier is turned off here): the next hop goes, and comes
# back with the carrier.
ip -n "$L1" link set "vtep$cut" carrier off
vt_wait_for 5 bash -c "'$VTEPCTL' -n $N1 -j show vteps | jq -e '.vteps[0].nexthops | map(select(.usable)) | length == 1 and .[0].uplink == \"vtep$keep\"' >/dev/null" ||
	vt_fail "vtep$cut's carrier off: its next hop is still in use: $(vt_ctl "$N1" -j show vteps)"
vt_ping "${VT_P}c1" 192.168.10.2 5 || vt_fail "c1 -> c2: no reply with vtep$cut's carrier off"
ip -n "$L1" link set "vtep$cut" carrier on
vt_wait_for 10 bash -c "'$VTEPCTL' -n $N1 -j show vteps | jq -e '.vteps[0].nexthops | map(select(.usable)) | length == 2' >/dev/null" ||
	vt_fail "vtep$cut's carrier on: its next hop did not come back: $(vt_ctl "$N1" -j show vteps)"
vt_pass "a TAP's carrier (a NIC's link) takes its uplink's next hop away and back"
