#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Three vtepd leaves on one underlay bridge, containers in VNIs 100 and 200:
# flooding reaches every remote VTEP exactly once, containers in the same VNI reach each
# other, VNIs are isolated, learned MACs show in `vtepctl show macs -j`, an idle vtepd sleeps.
source "$(dirname "$0")/lib.sh"

vt_fabric 3
for c in c1 c1b c2 c2b c3; do vt_ns "${VT_P}$c"; done

leaf_conf() {   # i, then "name vni ip" port lines
	local i=$1; shift
	local others=() j
	for j in 1 2 3; do [ "$j" != "$i" ] && others+=("10.0.0.$j"); done
	local flood="[${others[0]}, ${others[1]}]"
	{
		vt_conf_base "${VT_P}-leaf$i" "10.0.0.$i"
		cat <<EOF2
vnis:
  - vni: 100
    flood: $flood
  - vni: 200
    flood: $flood
ports:
EOF2
		while [ $# -gt 0 ]; do
			cat <<EOF2
  - name: $1
    vni: $2
    netns: ${VT_P}$1
    mac: $4
    ip: $3/24
EOF2
			shift 4
		done
	} > "$VT_TMP/leaf$i.yaml"
}
leaf_conf 1 c1 100 192.168.10.1 02:00:00:00:01:01 c1b 200 192.168.10.3 02:00:00:00:01:02
leaf_conf 2 c2 100 192.168.10.2 02:00:00:00:02:01 c2b 200 192.168.10.4 02:00:00:00:02:02
leaf_conf 3 c3 100 192.168.10.5 02:00:00:00:03:01
for i in 1 2 3; do
	"$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" >/dev/null || vt_fail "generated config leaf$i invalid"
done
for i in 1 2 3; do vt_vtepd "${VT_P}l$i" "${VT_P}-leaf$i" "$VT_TMP/leaf$i.yaml"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2 L3=${VT_P}-leaf3

# Every leaf resolves the others' next hops through the kernel (ARP on the underlay).
for L in "$L1" "$L2" "$L3"; do
	vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L -j show vteps | jq '[.vteps[] | select(.resolved)] | length')\" = 2 ]" ||
		vt_fail "$L did not resolve both remote VTEPs: $(vt_ctl "$L" show vteps)"
done
vt_pass "all leaves resolved their remote VTEPs"

vtep_rx() {   # leaf vtep-ip -> rx_pkts from that VTEP
	vt_ctl "$1" -j show vteps | jq -r --arg ip "$2" '.vteps[] | select(.vtep == $ip) | .rx_pkts'
}
underlay_tx() {
	vt_ctl "$1" -j show stats | jq -r '.ports[0].tx_pkts'
}

# 1. Flooding: 5 ARP requests for an address nobody has reach leaf 2 and leaf 3 exactly 5 times each.
b2=$(vtep_rx "$L2" 10.0.0.1); b3=$(vtep_rx "$L3" 10.0.0.1); bt=$(underlay_tx "$L1")
# (the requests arping -c 5 sends, but 0.2 s apart: arping's interval is whole seconds)
ip netns exec "${VT_P}c1" python3 - 02:00:00:00:01:01 192.168.10.1 192.168.10.99 <<'EOF' ||
import socket, struct, sys, time
mac = bytes(int(x, 16) for x in sys.argv[1].split(":"))
req = (b"\xff" * 6 + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac +
       socket.inet_aton(sys.argv[2]) + b"\x00" * 6 + socket.inet_aton(sys.argv[3])).ljust(60, b"\x00")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for i in range(5):
    if i:
        time.sleep(0.2)
    s.send(req)
EOF
	vt_fail "c1 could not send its 5 ARP requests"
sleep 0.5
a2=$(vtep_rx "$L2" 10.0.0.1); a3=$(vtep_rx "$L3" 10.0.0.1); at=$(underlay_tx "$L1")
[ $((a2 - b2)) -eq 5 ] || vt_fail "leaf2 got $((a2 - b2)) flooded copies from leaf1, expected 5"
[ $((a3 - b3)) -eq 5 ] || vt_fail "leaf3 got $((a3 - b3)) flooded copies from leaf1, expected 5"
[ $((at - bt)) -eq 10 ] || vt_fail "leaf1 sent $((at - bt)) frames on the underlay, expected 10 (5 x 2 VTEPs)"
vt_pass "a broadcast reaches every remote VTEP exactly once"

# 2. Same VNI: both directions, and across three leaves.
vt_ping "${VT_P}c1" 192.168.10.2 || vt_fail "c1 -> c2 (VNI 100) no reply"
vt_ping "${VT_P}c2" 192.168.10.1 || vt_fail "c2 -> c1 (VNI 100) no reply"
vt_ping "${VT_P}c1b" 192.168.10.4 || vt_fail "c1b -> c2b (VNI 200) no reply"
vt_ping "${VT_P}c3" 192.168.10.1 || vt_fail "c3 -> c1 (VNI 100) no reply"
vt_pass "containers in the same VNI reach each other across leaves"

# 3. Isolation: same subnet, different VNI: nothing gets through, and no frame of one VNI's
#    container ever shows up in the other VNI's container on the far leaf (captured there).
capture() {   # ns, source MAC, pcap
	ip netns exec "$1" tshark -q -i eth0 -a duration:4 -f "ether src $2" -w "$3" >/dev/null 2>&1 &
	VT_PIDS+=("$!")
	echo "$!"
}
frames() { tshark -r "$1" 2>/dev/null | wc -l; }
cap_b=$(capture "${VT_P}c2b" 02:00:00:00:01:01 "$VT_TMP/c2b.pcap")   # c1 (VNI 100) seen in VNI 200?
cap_a=$(capture "${VT_P}c2" 02:00:00:00:01:02 "$VT_TMP/c2.pcap")     # c1b (VNI 200) seen in VNI 100?
cap_ok=$(capture "${VT_P}c2b" 02:00:00:00:01:02 "$VT_TMP/c2b-own.pcap") # c1b in its own VNI: must be seen
# the pings once the three captures run (each has written its file's header), both at once, so
# that both are inside the captures' 4 s (one after the other, the second ran past them)
for f in c2b c2 c2b-own; do
	vt_wait_for 10 test -s "$VT_TMP/$f.pcap" || vt_fail "the capture $f.pcap did not start"
done
sleep 0.2
vt_ping "${VT_P}c1" 192.168.10.4 2 & ping_b=$!
vt_ping "${VT_P}c1b" 192.168.10.2 2 & ping_a=$!
VT_PIDS+=("$ping_b" "$ping_a")
wait "$ping_b" && vt_fail "c1 (VNI 100) reached c2b (VNI 200)"
wait "$ping_a" && vt_fail "c1b (VNI 200) reached c2 (VNI 100)"
wait "$cap_b" "$cap_a" "$cap_ok" 2>/dev/null
[ "$(frames "$VT_TMP/c2b-own.pcap")" -gt 0 ] || vt_fail "capture control: c1b's ARP broadcasts not seen by c2b"
[ "$(frames "$VT_TMP/c2b.pcap")" -eq 0 ] || vt_fail "c2b (VNI 200) saw $(frames "$VT_TMP/c2b.pcap") frames from c1 (VNI 100)"
[ "$(frames "$VT_TMP/c2.pcap")" -eq 0 ] || vt_fail "c2 (VNI 100) saw $(frames "$VT_TMP/c2.pcap") frames from c1b (VNI 200)"
vt_pass "VNIs are isolated"

# 4. Learned MACs, as JSON.
macs=$(vt_ctl "$L1" -j show macs)
echo "$macs" | jq -e '.macs[] | select(.mac == "02:00:00:00:01:01" and .vni == 100 and .type == "local" and .port == "c1")' >/dev/null ||
	vt_fail "leaf1 did not learn c1's MAC on port c1: $macs"
echo "$macs" | jq -e '.macs[] | select(.mac == "02:00:00:00:02:01" and .vni == 100 and .type == "remote" and .vtep == "10.0.0.2")' >/dev/null ||
	vt_fail "leaf1 did not learn c2's MAC behind 10.0.0.2: $macs"
echo "$macs" | jq -e '.macs[] | select(.mac == "02:00:00:00:02:02" and .vni == 200 and .vtep == "10.0.0.2")' >/dev/null ||
	vt_fail "leaf1 did not learn c2b's MAC in VNI 200: $macs"
[ "$(vt_ctl "$L1" -j show macs vni 200 | jq '[.macs[] | select(.vni != 200)] | length')" = 0 ] ||
	vt_fail "show macs vni 200 lists other VNIs"
vt_pass "learned MACs are listed with their port or VTEP"

# 5. Nothing dropped for a reason that would mean a bug.
for L in "$L1" "$L2" "$L3"; do
	bad=$(vt_ctl "$L" -j show stats | jq '[.ports[].drops | (.truncated, .bad_ip_header, .not_local, .bad_vxlan_flags, .unknown_vni, .multiseg, .no_headroom, .tx_full) ] | add')
	[ "$bad" = 0 ] || vt_fail "$L counted unexpected drops: $(vt_ctl "$L" show stats)"
done
vt_pass "no unexpected drops"

# 6. An idle vtepd backs off to sleeping: under 5% of a core over 3 s.
eval "pid=\$VT_PID_${VT_P}_leaf3"
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); sleep 3; t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
hz=$(getconf CLK_TCK)
pct=$(( (t1 - t0) * 100 / (3 * hz) ))
[ "$pct" -lt 5 ] || vt_fail "idle vtepd used $pct% of a core"
vt_pass "idle vtepd used $pct% of a core"

# 7. Frames the kernel drops before vtepd receives them are counted too (rx_missed): with
# leaf1 stopped, c1 sends 5000 datagrams into its AF_XDP port, whose rings hold about 4096.
eval "pid=\$VT_PID_${VT_P}_leaf1"
missed() { vt_ctl "$L1" -j show ports | jq -r '.ports[] | select(.name == "c1") | .rx_missed'; }
m0=$(missed)
[ -n "$m0" ] && [ "$m0" != null ] || vt_fail "show ports has no rx_missed for c1: $(vt_ctl "$L1" -j show ports)"
kill -STOP "$pid"
ip netns exec "${VT_P}c1" bash -c 'for i in $(seq 5000); do echo x > /dev/udp/192.168.10.2/9; done' 2>/dev/null
kill -CONT "$pid"
vt_wait_for 10 bash -c "[ \$('$VTEPCTL' -n $L1 -j show ports | jq '.ports[] | select(.name == \"c1\") | .rx_missed') -gt $m0 ]" ||
	vt_fail "c1's rx_missed stayed at $m0 after 5000 datagrams into a stopped vtepd"
m1=$(missed)
[ $((m1 - m0)) -ge 500 ] && [ $((m1 - m0)) -le 5000 ] || vt_fail "c1's rx_missed grew by $((m1 - m0)) (expected 500..5000)"
vt_ping "${VT_P}c1" 192.168.10.2 || vt_fail "c1 cannot reach c2 after leaf1 was stopped and continued"
vt_pass "$((m1 - m0)) datagrams dropped by the kernel while leaf1 was stopped are counted as rx_missed on c1"
