#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Several uplinks: leaf 1 (vtepd, VTEP 10.0.0.1 on lo) has two uplinks, ul1 to spine 1 and
# ul2 to spine 2; leaf 2 (the kernel's VXLAN, VTEP 10.0.0.2 on lo) sits behind both spines.
# Leaf 1's kernel reaches 10.0.0.2 by an ECMP route over both uplinks. vtepd takes both next
# hops from the FIB, spreads flows over both uplinks by the flow hash (counted per uplink
# by vtepd and by the spines), decapsulates from either, and when a link goes down under a
# running ping (cut by the spine: the leaf loses carrier; or set down on the leaf), moves the
# flow to the other uplink within a second (the gap between ping replies, from their
# timestamps); the next hop comes back when the link does.
source "$(dirname "$0")/lib.sh"

L1=${VT_P}l1 L2=${VT_P}l2 S1=${VT_P}s1 S2=${VT_P}s2
N1=${VT_P}-leaf1
for ns in "$L1" "$L2" "$S1" "$S2"; do vt_ns "$ns"; done
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"

# Leaf i <-> spine j: leaf ul$j = 10.i.j.1/24, spine "l$i" = 10.i.j.254/24; spines: 10.3.0.j/24.
for i in 1 2; do
	for j in 1 2; do
		vt_link "${VT_P}l$i" "ul$j" "${VT_P}s$j" "l$i"
		ip -n "${VT_P}l$i" addr add "10.$i.$j.1/24" dev "ul$j"
		ip -n "${VT_P}s$j" addr add "10.$i.$j.254/24" dev "l$i"
	done
	ip -n "${VT_P}l$i" addr add "10.0.0.$i/32" dev lo
	# ECMP to the other leaf's VTEP address, hashed on L4 (the VXLAN source port) like a fabric
	ip -n "${VT_P}l$i" route add "10.0.0.$((3 - i))/32" nexthop via "10.$i.1.254" dev ul1 nexthop via "10.$i.2.254" dev ul2
	ip netns exec "${VT_P}l$i" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
done
vt_two_spines "$S1" "$S2"

vt_kernel_vtep "$L2" 10.0.0.2 1450 "${VT_P}c2" 02:00:00:00:02:01 192.168.10.2/24 10.0.0.1
for a in $(seq 3 18); do ip -n "${VT_P}c2" addr add "192.168.10.$a/24" dev eth0; done

cat > "$VT_TMP/leaf1.yaml" <<EOF2
vtep:
  name: $N1
  source_ip: 10.0.0.1
underlay:
  ports: [ "net_af_xdp0,iface=ul1", "net_af_xdp1,iface=ul2" ]
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

# Both next hops, one per uplink, each with its spine's MAC.
m1=$(ip -n "$S1" -j link show l1 | jq -r '.[0].address')
m2=$(ip -n "$S2" -j link show l1 | jq -r '.[0].address')
vt_wait_for 10 bash -c "'$VTEPCTL' -n $N1 -j show vteps | jq -e '.vteps[0].nexthops | map(select(.usable)) |
	(length == 2) and any(.uplink == \"ul1\" and .via == \"10.1.1.254\" and .mac == \"$m1\")
	and any(.uplink == \"ul2\" and .via == \"10.1.2.254\" and .mac == \"$m2\")' >/dev/null" ||
	vt_fail "10.0.0.2 did not resolve to both spines ($m1 on ul1, $m2 on ul2): $(vt_ctl "$N1" -j show vteps)"
vt_pass "the ECMP route gives 10.0.0.2 two next hops, one on each uplink"

vt_ping "${VT_P}c1" 192.168.10.2 || vt_fail "c1 -> c2 over two uplinks: no reply"
vt_pass "containers reach each other over the two uplinks"

# Counters: vtepd's transmit per uplink, and what each spine received from leaf 1.
uplink_tx() { vt_ctl "$N1" -j show ports | jq ".ports[] | select(.name == \"$1\") | .tx_pkts"; }
spine_rx() { ip -n "${VT_P}s$1" -j -s link show l1 | jq '.[0].stats64.rx.packets'; }
t1=$(uplink_tx ul1) t2=$(uplink_tx ul2) r1=$(spine_rx 1) r2=$(spine_rx 2)
pings=()
for a in $(seq 2 17); do
	ip netns exec "${VT_P}c1" ping -q -c 5 -i 0.02 -W 2 "192.168.10.$a" >/dev/null 2>&1 &
	pings+=($!)
done
wait "${pings[@]}"
d1=$(($(uplink_tx ul1) - t1)) d2=$(($(uplink_tx ul2) - t2))
s1=$(($(spine_rx 1) - r1)) s2=$(($(spine_rx 2) - r2))
vt_log "16 flows x 5 pings: vtepd sent $d1 on ul1, $d2 on ul2; spine 1 received $s1, spine 2 $s2"
[ $((d1 + d2)) -ge 80 ] || vt_fail "vtepd sent only $((d1 + d2)) packets on its uplinks for 80 pings"
[ "$d1" -ge 10 ] && [ "$d2" -ge 10 ] || vt_fail "flows not spread over both uplinks: ul1 $d1, ul2 $d2"
[ "$s1" -ge 10 ] && [ "$s2" -ge 10 ] || vt_fail "the spines did not both carry traffic: spine 1 $s1, spine 2 $s2"
vt_pass "flows spread over both uplinks by the flow hash"

# The uplink of the flow c1 -> 192.168.10.2 (one flow, one next hop).
t1=$(uplink_tx ul1) t2=$(uplink_tx ul2)
ip netns exec "${VT_P}c1" ping -q -c 20 -i 0.02 -W 2 192.168.10.2 >/dev/null 2>&1 || vt_fail "c1 -> c2: no reply before the cut"
d1=$(($(uplink_tx ul1) - t1)) d2=$(($(uplink_tx ul2) - t2))
if [ "$d1" -ge 10 ] && [ "$d2" -le 2 ]; then cut=1 keep=2
elif [ "$d2" -ge 10 ] && [ "$d1" -le 2 ]; then cut=2 keep=1
else vt_fail "one flow did not stay on one uplink: 20 pings, ul1 $d1, ul2 $d2"
fi

# cut_under_ping WHAT CMD...: run CMD (which takes ul$cut down) 1.5 s into a 5 s ping at 50 per
# second; the flow must go on by ul$keep, the replies never more than a second apart.
cut_under_ping() {
	local what=$1 pp tk end moved gap got
	shift
	ip netns exec "${VT_P}c1" ping -D -c 250 -i 0.02 -W 1 192.168.10.2 > "$VT_TMP/ping.txt" 2>&1 &
	pp=$!
	VT_PIDS+=("$pp")
	sleep 1.5
	tk=$(uplink_tx "ul$keep")
	"$@"
	wait "$pp" 2>/dev/null || true
	end=$(date +%s.%N)
	moved=$(($(uplink_tx "ul$keep") - tk))
	# the longest time between two consecutive replies (and from the last one to ping's end),
	# from ping's timestamps
	gap=$(sed -n 's/^\[\([0-9.]*\)\] .* icmp_seq=.*/\1/p' "$VT_TMP/ping.txt" |
		awk -v end="$end" 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { if (end - p > g) g = end - p; printf "%.3f", g + 0 }')
	got=$(grep -c "icmp_seq=" "$VT_TMP/ping.txt")
	vt_log "$what: $got of 250 replies, longest gap between replies ${gap} s, $moved packets moved to ul$keep"
	[ "$got" -ge 150 ] || vt_fail "$what: only $got of 250 pings answered across the cut: $(tail -3 "$VT_TMP/ping.txt")"
	awk -v g="$gap" 'BEGIN { exit !(g > 0 && g < 1.0) }' ||
		vt_fail "$what: traffic stopped for ${gap} s when ul$cut went down (expected < 1 s)"
	[ "$moved" -ge 50 ] || vt_fail "$what: only $moved packets left by ul$keep after ul$cut went down"
	vt_ctl "$N1" -j show vteps | jq -e ".vteps[0].nexthops | map(select(.usable)) | length == 1 and .[0].uplink == \"ul$keep\"" >/dev/null ||
		vt_fail "$what: the down uplink's next hop is still in use: $(vt_ctl "$N1" -j show vteps)"
	vt_ctl "$N1" -j show ports | jq -e ".ports[] | select(.name == \"ul$cut\") | .link == \"down\"" >/dev/null ||
		vt_fail "$what: show ports does not say ul$cut is down: $(vt_ctl "$N1" show ports)"
	vt_pass "$what under a ping: traffic continued on ul$keep after ${gap} s at most"
}

# back_up WHAT: ul$cut's next hop is usable again and the flow returns to it.
back_up() {
	local tc
	vt_wait_for 10 bash -c "'$VTEPCTL' -n $N1 -j show vteps | jq -e '.vteps[0].nexthops | map(select(.usable)) | length == 2' >/dev/null" ||
		vt_fail "$1: the next hop on ul$cut did not come back: $(vt_ctl "$N1" -j show vteps)"
	tc=$(uplink_tx "ul$cut")
	vt_ping "${VT_P}c1" 192.168.10.2 10 || vt_fail "$1: c1 -> c2: no reply after the link came back"
	[ $(($(uplink_tx "ul$cut") - tc)) -ge 10 ] || vt_fail "$1: the flow did not return to ul$cut"
	vt_pass "$1: the uplink's next hop returns with its link"
}

# 1. The spine cuts its side: leaf 1 sees the carrier go (IFF_LOWER_UP), its routes do not change.
vt_log "the ping's flow leaves by ul$cut: spine $cut cuts its link to leaf 1"
cut_under_ping "spine $cut's link down" ip -n "${VT_P}s$cut" link set l1 down
ip -n "${VT_P}s$cut" link set l1 up
ip -n "${VT_P}s$cut" route replace 10.0.0.1/32 via "10.1.$cut.1" metric 10
back_up "spine $cut's link up"

# 2. Leaf 1 takes its own uplink down (the spine then ignores its route over the dead link).
cut_under_ping "leaf 1's ul$cut down" ip -n "$L1" link set "ul$cut" down
ip -n "$L1" link set "ul$cut" up
back_up "leaf 1's ul$cut up"

# Every uplink's XDP filter handed its VXLAN to vtepd (show stats sums them) and the rest
# (ARP) to the kernel.
sleep 0.5
rx=$(vt_ctl "$N1" -j show ports | jq '[.ports[] | select(.kind == "underlay") | .rx_pkts] | add')
xdp=$(vt_ctl "$N1" -j show stats | jq -c '.underlay_xdp')
echo "$xdp" | jq -e --argjson rx "$rx" '.to_vtepd >= $rx and .to_kernel > 0' >/dev/null ||
	vt_fail "the uplinks' XDP counters ($xdp) do not cover the $rx frames vtepd received on them"
vt_pass "VXLAN from both uplinks reached vtepd through their XDP filters ($xdp, $rx received)"
