#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Jumbo frames end to end: two vtepd leaves over a 9216 underlay, containers at MTU 9000
# (c1, c2) and one at 1500 (c3 behind leaf 2). Interfaces over a page per frame use vtepd's
# multi-buffer AF_XDP port (DPDK 22.11's AF_XDP driver has no multi-buffer support):
#  - 9000 -> 1500 with DF set: leaf 2 answers "frag needed" (MTU 1500) through the tunnel;
#  - ping with payloads of 108 ... 64452 bytes, 9000 <-> 9000 and 9000 -> 1500: zero loss;
#  - ping -M do -s 8972 crosses whole (a 9064-byte VXLAN frame on the underlay, no fragmenting);
#  - tracepath finds the path MTU 9000; iperf3 TCP between the 9000 containers completes;
#  - tshark finds nothing malformed and no frame over the underlay MTU.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || vt_fail "tshark is not installed (scripts/setup.sh installs it)"
command -v iperf3 >/dev/null || vt_fail "iperf3 is not installed (scripts/setup.sh installs it)"

vt_fabric 2
for c in c1 c2 c3; do vt_ns "${VT_P}$c"; done
for i in 1 2; do
	ip -n "${VT_P}l$i" link set ul0 mtu 9216
	ip -n "${VT_P}sw" link set "p$i" mtu 9216
done
ip -n "${VT_P}sw" link set br0 mtu 9216
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
vt_leaf_conf 1 9216 10.0.0.2 c1 192.168.10.1 02:00:00:00:01:01 9000
vt_leaf_conf 2 9216 10.0.0.1 c2 192.168.10.2 02:00:00:00:02:02 9000 c3 192.168.10.3 02:00:00:00:02:03 1500
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
grep -q "multi-buffer AF_XDP, MTU 9216" "$VT_TMP/$L1.log" || vt_fail "leaf1's underlay is not on the multi-buffer AF_XDP port"
got=$(ip -n "${VT_P}c1" -j link show eth0 | jq '.[0].mtu')
[ "$got" = 9000 ] || vt_fail "c1: interface MTU $got, expected 9000"

ip netns exec "${VT_P}sw" tshark -q -i p1 -w "$VT_TMP/underlay.pcap" > "$VT_TMP/tshark-capture.log" 2>&1 &
cap=$!
VT_PIDS+=("$cap")
vt_wait_for 10 test -s "$VT_TMP/underlay.pcap" || sleep 1

for pair in c1:192.168.10.2 c1:192.168.10.3; do
	vt_ping "${VT_P}${pair%%:*}" "${pair##*:}" 3 || vt_fail "${pair%%:*} -> ${pair##*:}: no reply"
done
# 9000 -> 1500: the first DF packet too big for c3's port is answered through the tunnel with
# "frag needed" (MTU 1500) from leaf 2, so c1 learns the path MTU and fragments from then on.
out=$(ip netns exec "${VT_P}c1" ping -c 2 -i 0.3 -W 2 -s 8972 192.168.10.3 2>&1 || true)
echo "$out" | grep -Eq "mtu ?= ?1500" || vt_fail "c1 -> c3 (MTU 1500) did not learn MTU 1500 from leaf 2: $out"
icmp=$(vt_ctl "$L2" -j show stats | jq '.mtu.icmp4_sent')
[ "$icmp" -ge 1 ] || vt_fail "leaf2 counted no ICMP sent through the tunnel"
vt_pass "9000 -> 1500 with DF: leaf 2 sends frag needed (MTU 1500) back through the tunnel"
sizes=(108 1008 8972 10008 50008 60008 64452)
vt_ping_sizes "c1:192.168.10.2 c2:192.168.10.1 c1:192.168.10.3" "${sizes[@]}"
vt_pass "ping ${sizes[*]} bytes, MTU 9000<->9000 and 9000->1500 across a 9216 underlay: zero loss"
xdrops=$(vt_ctl "$L1" -j show stats | jq '[.ports[] | select(.port == "c1" or .port == "ul0") | .drops.xsk_rx_no_mbuf, .drops.xsk_rx_too_long] | add')
[ "$xdrops" = 0 ] || vt_fail "leaf1's multi-buffer ports dropped $xdrops frames: $(vt_ctl "$L1" -j show stats | jq -c '.ports')"

before=$(vt_ctl "$L1" -j show stats | jq '.mtu.fragmented')
out=$(ip netns exec "${VT_P}c1" ping -q -c 5 -i "$VT_PING_GAP" -W 3 -M do -s 8972 192.168.10.2 2>&1)
echo "$out" | grep -q " 0% packet loss" || vt_fail "ping -M do -s 8972 did not cross whole: $out"
after=$(vt_ctl "$L1" -j show stats | jq '.mtu.fragmented')
[ "$after" = "$before" ] || vt_fail "leaf1 fragmented a 9000-byte packet that fits the 9216 underlay"
vt_pass "ping -M do -s 8972: 9000-byte packets cross whole"

out=$(ip netns exec "${VT_P}c2" tracepath -n -m 3 192.168.10.1 2>&1 || true)
echo "$out" | grep -Eq "pmtu 9000" || vt_fail "tracepath did not find the path MTU 9000: $out"
vt_pass "tracepath finds pmtu 9000"

sleep 0.5
kill -INT "$cap"; wait "$cap" 2>/dev/null || true
total=$(vt_pcap_clean "$VT_TMP/underlay.pcap" 100)
jumbo=$(tshark -r "$VT_TMP/underlay.pcap" -Y "ip.src == 10.0.0.1 && vxlan && frame.len == 9064" 2>/dev/null | wc -l)
over=$(tshark -r "$VT_TMP/underlay.pcap" -Y "frame.len > 9230" 2>/dev/null | wc -l)
[ "$jumbo" -ge 5 ] || vt_fail "only $jumbo whole 9064-byte VXLAN frames from leaf1"
[ "$over" -eq 0 ] || vt_fail "$over frames over the 9216 underlay MTU"
vt_pass "tshark: $total frames, $jumbo jumbo VXLAN frames of 9064 bytes, none malformed"

mbps=$(vt_iperf3_tcp "${VT_P}c1" "${VT_P}c2" 192.168.10.2)
vt_pass "iperf3 TCP c1 -> c2 at MTU 9000 completed: $mbps Mbit/s"
