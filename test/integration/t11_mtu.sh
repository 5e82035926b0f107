#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# MTU and fragmentation, end to end, underlay MTU 1500. Two vtepd leaves with containers at
# MTU 1500 (c1, c2) and at MTU 1450 (c3, c4), all in VNI 100, and a third leaf that is the
# kernel's VXLAN (c5 behind vxlan100 at MTU 1500, so the kernel fragments its outer packets):
#  - ping with payloads of 108 ... 64452 bytes between every pair of MTUs: zero loss;
#  - ping -M do -s 1472 through the 1450 overlay gets "frag needed" with MTU 1450 back;
#  - tracepath finds the path MTU 1450;
#  - iperf3 TCP between two MTU-1500 containers completes (PMTU discovery through the overlay);
#  - the kernel peer's outer fragments are reassembled by vtepd and delivered;
#  - every size decision shows in vtepctl show stats, and tshark finds nothing malformed.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || vt_fail "tshark is not installed (scripts/setup.sh installs it)"
command -v iperf3 >/dev/null || vt_fail "iperf3 is not installed (scripts/setup.sh installs it)"
command -v tracepath >/dev/null || vt_fail "tracepath is not installed (scripts/setup.sh installs it)"

vt_fabric 3
for c in c1 c2 c3 c4 c5; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2 K=${VT_P}l3

vt_leaf_conf 1 1500 "10.0.0.2, 10.0.0.3" c1 192.168.10.1 02:00:00:00:01:01 1500 c3 192.168.10.3 02:00:00:00:01:03 1450
vt_leaf_conf 2 1500 "10.0.0.1, 10.0.0.3" c2 192.168.10.2 02:00:00:00:02:02 1500 c4 192.168.10.4 02:00:00:00:02:04 1450

# Leaf 3: the kernel's VXLAN at MTU 1500 over a 1500 underlay, so its outer packets fragment.
vt_kernel_vtep "$K" 10.0.0.3 1500 "${VT_P}c5" 02:00:00:00:03:05 192.168.10.5/24 10.0.0.1 10.0.0.2

vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
for c in c1:1500 c3:1450; do
	got=$(ip -n "${VT_P}${c%%:*}" -j link show eth0 | jq '.[0].mtu')
	[ "$got" = "${c##*:}" ] || vt_fail "${c%%:*}: interface MTU $got, expected ${c##*:}"
done

ip netns exec "${VT_P}sw" tshark -q -i p1 -w "$VT_TMP/underlay.pcap" > "$VT_TMP/tshark-capture.log" 2>&1 &
cap=$!
VT_PIDS+=("$cap")
vt_wait_for 10 test -s "$VT_TMP/underlay.pcap" || sleep 1

# Warm up: ARP and MAC learning everywhere.
for pair in c1:192.168.10.2 c3:192.168.10.4 c1:192.168.10.4 c5:192.168.10.1 c5:192.168.10.2; do
	vt_ping "${VT_P}${pair%%:*}" "${pair##*:}" 3 || vt_fail "${pair%%:*} -> ${pair##*:}: no reply"
done

sizes=(108 1008 10008 50008 60008 64452)
vt_ping_sizes "c1:192.168.10.2 c3:192.168.10.4 c1:192.168.10.4 c4:192.168.10.1" "${sizes[@]}"
vt_pass "ping ${sizes[*]} bytes, MTU 1500<->1500, 1450<->1450, 1500<->1450: zero loss"
frag=$(vt_ctl "$L1" -j show stats | jq '.mtu.fragmented')
[ "$frag" -gt 0 ] || vt_fail "leaf1 fragmented nothing: $(vt_ctl "$L1" -j show stats | jq -c .mtu)"
vt_pass "leaf1 fragmented $frag inner packets into $(vt_ctl "$L1" -j show stats | jq '.mtu.fragments') pieces"

# PMTU discovery: DF set and too big for the 1450 overlay.
out=$(ip netns exec "${VT_P}c1" ping -c 3 -i 0.3 -W 2 -M do -s 1472 192.168.10.2 2>&1 || true)
echo "$out" | grep -Eq "mtu ?= ?1450" || vt_fail "ping -M do -s 1472 did not learn MTU 1450: $out"
icmp=$(vt_ctl "$L1" -j show stats | jq '.mtu.icmp4_sent')
[ "$icmp" -ge 1 ] || vt_fail "leaf1 counted no ICMP sent"
needed=$(vt_ctl "$L1" -j show stats | jq '[.ports[] | select(.port == "c1") | .drops.frag_needed] | .[0]')
[ "$needed" -ge 1 ] || vt_fail "c1's frag_needed drops not counted: $(vt_ctl "$L1" -j show stats | jq -c '.ports[] | select(.port == "c1") | .drops')"
vt_pass "ping -M do -s 1472 through the 1450 overlay: frag needed, mtu 1450 ($icmp ICMP sent)"

out=$(ip netns exec "${VT_P}c2" tracepath -n -m 3 192.168.10.1 2>&1 || true)
echo "$out" | grep -Eq "pmtu 1450" || vt_fail "tracepath did not find the path MTU 1450: $out"
vt_pass "tracepath finds pmtu 1450"

# The kernel's outer fragments: c5 (1500 behind vxlan100 at 1500) to c1 and c2, DF clear.
before=$(vt_ctl "$L1" -j show stats | jq '.mtu.reassembled')
for s in 1472 4000 20000; do
	out=$(ip netns exec "${VT_P}c5" ping -q -c 5 -i "$VT_PING_GAP" -W 3 -M dont -s "$s" 192.168.10.1 2>&1)
	echo "$out" | grep -q " 0% packet loss" || vt_fail "kernel VXLAN c5 -> c1 ping -s $s lost packets: $(echo "$out" | tail -2 | tr '\n' ' ')"
done
after=$(vt_ctl "$L1" -j show stats | jq '.mtu.reassembled')
[ "$after" -gt "$before" ] || vt_fail "leaf1 reassembled no outer fragments: $(vt_ctl "$L1" -j show stats | jq -c .mtu)"
vt_pass "outer fragments from the kernel's VXLAN reassembled and delivered ($((after - before)) packets)"

sleep 0.5
kill -INT "$cap"; wait "$cap" 2>/dev/null || true
total=$(vt_pcap_clean "$VT_TMP/underlay.pcap" 100)
big=$(tshark -r "$VT_TMP/underlay.pcap" -Y "ip.src == 10.0.0.1 && frame.len > 1514" 2>/dev/null | wc -l)
[ "$big" -eq 0 ] || vt_fail "$big frames from leaf1 over the 1500 underlay MTU"
vt_pass "tshark: $total frames on leaf1's underlay, none malformed, none over the MTU"

# (after the capture: a TCP stream would fill it with 300,000 frames)
mbps=$(vt_iperf3_tcp "${VT_P}c1" "${VT_P}c2" 192.168.10.2)
vt_pass "iperf3 TCP c1 -> c2 completed: $mbps Mbit/s"

vt_ctl "$L1" show stats | sed -n '/mtu/,/}/p' | head -14
