#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# DPDK's own tools on a running leaf (issue 16, doc/observability.md). Leaf 1 (vtepd,
# fastpath.capture: true) has c1 and c2 in VNI 100; leaf 2 is the kernel's VXLAN with c3.
#  - dpdk-telemetry.py answers /vtepd/ports, /vtepd/vnis and /vtepd/stats with what
#    `vtepctl -j show ports|vnis|stats` says, and DPDK's /ethdev/list and /ethdev/stats,N;
#  - dpdk-dumpcap (a DPDK secondary process) captures on c1's port while c1 pings c2 with a
#    recognisable payload: tshark reads the pcapng and finds exactly those echo requests and
#    replies;
#  - `vtepctl trace` shows a frame forwarded to c2, one encapsulated to VTEP 10.0.0.2, one
#    decapsulated from it, and one dropped as bad_src_mac (a frame c1 sends from a multicast
#    source MAC), in text and JSON;
#  - vtepd keeps its hugepage files while it runs (dumpcap maps them) and removes them at exit.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || vt_fail "tshark is not installed (scripts/setup.sh installs it)"
command -v dpdk-dumpcap >/dev/null || vt_fail "dpdk-dumpcap is not installed (package dpdk)"
command -v dpdk-telemetry.py >/dev/null || vt_fail "dpdk-telemetry.py is not installed (package dpdk)"

vt_fabric 2
for c in c1 c2 c3; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1
vt_kernel_vtep "${VT_P}l2" 10.0.0.2 1450 "${VT_P}c3" 02:00:00:00:03:01 192.168.10.3/24 10.0.0.1

{ vt_conf_base "$L1" 10.0.0.1; cat <<EOF2; } > "$VT_TMP/leaf1.yaml"
  capture: true
vnis:
  - vni: 100
    flood: [10.0.0.2]
ports:
  - name: c1
    vni: 100
    netns: ${VT_P}c1
    mac: 02:00:00:00:01:01
    ip: 192.168.10.1/24
  - name: c2
    vni: 100
    netns: ${VT_P}c2
    mac: 02:00:00:00:01:02
    ip: 192.168.10.2/24
EOF2
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
PID1=$(eval echo "\$VT_PID_${L1//-/_}")

# Hugepage files stay while vtepd runs (unless this machine has no hugepages: --no-huge).
hugepages=$(vt_ctl "$L1" -j show stats | jq -r .fastpath.hugepages)
[ "$hugepages" = true ] || vt_fail "this test needs hugepages (dpdk-dumpcap maps vtepd's memory through them)"
ls /dev/hugepages/"vtepd-${L1}map_"* >/dev/null 2>&1 ||
	vt_fail "fastpath.capture: true, but vtepd-$L1 has no hugepage files for dpdk-dumpcap"
grep -q "fastpath.capture: hugepage files of vtepd-$L1 kept" "$VT_TMP/$L1.log" || vt_fail "capture not said in the log"

vt_ping "${VT_P}c1" 192.168.10.2 3 || vt_fail "c1 -> c2: no reply"
vt_ping "${VT_P}c1" 192.168.10.3 3 || vt_fail "c1 -> c3 (behind the kernel VTEP): no reply"

# ---- telemetry ----
tel() { echo "$1" | dpdk-telemetry.py -f "vtepd-$L1" 2>/dev/null | grep '^{' | tail -1; }
tel /ethdev/list > "$VT_TMP/ethdev-list.json"
jq -e '."/ethdev/list" | length == 3' "$VT_TMP/ethdev-list.json" >/dev/null ||
	vt_fail "/ethdev/list: $(cat "$VT_TMP/ethdev-list.json")"
c1_port=$(jq -r '."/ethdev/list"[1]' "$VT_TMP/ethdev-list.json")
tel "/ethdev/stats,$c1_port" | jq -e '."/ethdev/stats".ipackets > 0' >/dev/null ||
	vt_fail "/ethdev/stats,$c1_port: $(tel "/ethdev/stats,$c1_port")"

# Counters move between two reads (a container's IPv6 chatter, a refreshed MAC): vtepctl's answer
# is read between two telemetry answers and each value must lie between them (equal for the rest).
between() {   # what, telemetry before, vtepctl, telemetry after
	if [[ $2 =~ ^[0-9]+$ && $3 =~ ^[0-9]+$ && $4 =~ ^[0-9]+$ ]]; then
		[ "$2" -le "$3" ] && [ "$3" -le "$4" ] && return 0
	else
		[ "$3" != null ] && [ "$2" = "$3" ] && [ "$3" = "$4" ] && return 0
	fi
	vt_fail "$1: telemetry said '$2' then '$4', vtepctl between them '$3'"
}
tel /vtepd/ports > "$VT_TMP/tel-ports.json"
vt_ctl "$L1" -j show ports > "$VT_TMP/ctl-ports.json"
tel /vtepd/ports > "$VT_TMP/tel-ports2.json"
for p in ul0 c1 c2; do
	for f in kind mac vni rx_pkts tx_pkts drops; do
		q='."/vtepd/ports".ports[$p][$f]'
		between "/vtepd/ports: port $p $f" \
			"$(jq -r --arg p "$p" --arg f "$f" "$q" "$VT_TMP/tel-ports.json")" \
			"$(jq -r --arg p "$p" --arg f "$f" '.ports[] | select(.name == $p) | .[$f]' "$VT_TMP/ctl-ports.json")" \
			"$(jq -r --arg p "$p" --arg f "$f" "$q" "$VT_TMP/tel-ports2.json")"
	done
done
tel /vtepd/ports,c2 | jq -e '."/vtepd/ports" | .name == "c2" and .mac == "02:00:00:00:01:02"' >/dev/null ||
	vt_fail "/vtepd/ports,c2: $(tel /vtepd/ports,c2)"

tel /vtepd/vnis > "$VT_TMP/tel-vnis.json"
vt_ctl "$L1" -j show vnis > "$VT_TMP/ctl-vnis.json"
tel /vtepd/vnis > "$VT_TMP/tel-vnis2.json"
for f in ports local_macs remote_macs encap_pkts decap_pkts flooded flood; do
	q='."/vtepd/vnis".vnis["100"][$f]'
	between "/vtepd/vnis: VNI 100 $f" "$(jq -r --arg f "$f" "$q" "$VT_TMP/tel-vnis.json")" \
		"$(jq -r --arg f "$f" '.vnis[] | select(.vni == 100) | .[$f]' "$VT_TMP/ctl-vnis.json")" \
		"$(jq -r --arg f "$f" "$q" "$VT_TMP/tel-vnis2.json")"
done
jq -e '."/vtepd/vnis".vnis["100"] | .ports == 2 and .encap_pkts > 0 and .decap_pkts > 0' "$VT_TMP/tel-vnis.json" >/dev/null ||
	vt_fail "/vtepd/vnis: VNI 100 without its ports or tunnel traffic: $(cat "$VT_TMP/tel-vnis.json")"

tel /vtepd/stats > "$VT_TMP/tel-stats.json"
vt_ctl "$L1" -j show stats > "$VT_TMP/ctl-stats.json"
tel /vtepd/stats > "$VT_TMP/tel-stats2.json"
for f in .fastpath.learn_posted .fastpath.mbufs_total .fdb.capacity .control.learn_events .control.resolutions; do
	between "/vtepd/stats: $f" "$(jq -r "(.\"/vtepd/stats\"$f)" "$VT_TMP/tel-stats.json")" \
		"$(jq -r "$f" "$VT_TMP/ctl-stats.json")" "$(jq -r "(.\"/vtepd/stats\"$f)" "$VT_TMP/tel-stats2.json")"
done
jq -e '."/vtepd/stats".fdb.entries >= 3' "$VT_TMP/tel-stats.json" >/dev/null ||
	vt_fail "/vtepd/stats: fewer than 3 MACs: $(cat "$VT_TMP/tel-stats.json")"
vt_pass "dpdk-telemetry.py answers /vtepd/ports, /vtepd/vnis, /vtepd/stats as vtepctl does, and /ethdev/*"

# ---- dpdk-dumpcap on c1's port ----
ip netns exec "${VT_P}l1" dpdk-dumpcap --file-prefix="vtepd-$L1" -i net_af_xdp_c1 -w "$VT_TMP/c1.pcapng" \
	> "$VT_TMP/dumpcap.out" 2>&1 &
dc=$!
VT_PIDS+=("$dc")
vt_wait_for 20 grep -q "Packets captured" "$VT_TMP/dumpcap.out" ||
	vt_fail "dpdk-dumpcap did not start: $(cat "$VT_TMP/dumpcap.out")"
ip netns exec "${VT_P}c1" ping -c 5 -i 0.2 -p 7e57ab1e5eed 192.168.10.2 > /dev/null || vt_fail "c1 -> c2 ping with a pattern failed"
sleep 0.5
kill -INT "$dc"
for _ in $(seq 50); do vt_alive "$dc" || break; sleep 0.1; done
vt_alive "$dc" && vt_fail "dpdk-dumpcap did not stop on SIGINT"
wait "$dc" 2>/dev/null || true
[ -s "$VT_TMP/c1.pcapng" ] || vt_fail "dpdk-dumpcap wrote nothing: $(cat "$VT_TMP/dumpcap.out")"
req=$(tshark -r "$VT_TMP/c1.pcapng" -Y 'icmp.type == 8 && ip.src == 192.168.10.1 && ip.dst == 192.168.10.2 && data.data contains 7e:57:ab:1e:5e:ed' 2>/dev/null | wc -l)
rep=$(tshark -r "$VT_TMP/c1.pcapng" -Y 'icmp.type == 0 && ip.src == 192.168.10.2 && ip.dst == 192.168.10.1 && data.data contains 7e:57:ab:1e:5e:ed' 2>/dev/null | wc -l)
bad=$(tshark -r "$VT_TMP/c1.pcapng" -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l)
[ "$req" -eq 5 ] && [ "$rep" -eq 5 ] ||
	vt_fail "the pcapng of c1 has $req echo requests and $rep replies with the pattern (expected 5 and 5): $(tshark -r "$VT_TMP/c1.pcapng" 2>&1 | head -20)"
[ "$bad" -eq 0 ] || vt_fail "tshark flags $bad frames of the capture as malformed"
vt_pass "dpdk-dumpcap captured c1's 5 echo requests and 5 replies; tshark decodes them"

# ---- vtepctl trace ----
send_bad_src() {   # one frame from c1 with a multicast source MAC: a bad_src_mac drop
	ip netns exec "${VT_P}c1" python3 -c "
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
s.send(bytes.fromhex('020000000102' '010000000001' '0800') + bytes(46))"
}
vt_ctl "$L1" -j trace 64 timeout 4 > "$VT_TMP/trace.json" 2> "$VT_TMP/trace.err" &
tp=$!
VT_PIDS+=("$tp")
vt_wait_for 5 bash -c "'$VTEPCTL' -n '$L1' trace show 2>&1 | grep -q 'frames so far'" || vt_fail "the trace did not start"
send_bad_src
ip netns exec "${VT_P}c1" ping -c 1 -W 2 192.168.10.2 > /dev/null
ip netns exec "${VT_P}c1" ping -c 1 -W 2 192.168.10.3 > /dev/null
wait "$tp" || vt_fail "vtepctl trace failed: $(cat "$VT_TMP/trace.err")"
jq -e '.frames[] | select(.in_port == "c1" and .dst_ip == "192.168.10.2" and .ip_proto == 1 and .verdict == "forwarded"
	and .out_ports == "c2" and .decision == "forwarded to c2")' "$VT_TMP/trace.json" >/dev/null ||
	vt_fail "trace: no echo request from c1 forwarded to c2: $(cat "$VT_TMP/trace.json")"
jq -e '.frames[] | select(.in_port == "c1" and .dst_ip == "192.168.10.3" and .verdict == "encapsulated"
	and .vni == 100 and .out_vteps == "10.0.0.2" and .out_ports == "ul0")' "$VT_TMP/trace.json" >/dev/null ||
	vt_fail "trace: no echo request from c1 encapsulated to VTEP 10.0.0.2 through ul0: $(cat "$VT_TMP/trace.json")"
jq -e '.frames[] | select(.in_port == "ul0" and .from_vtep == "10.0.0.2" and .src_ip == "192.168.10.3" and .decapsulated
	and .out_ports == "c1")' "$VT_TMP/trace.json" >/dev/null ||
	vt_fail "trace: no echo reply from c3 decapsulated to c1: $(cat "$VT_TMP/trace.json")"
jq -e '.frames[] | select(.in_port == "c1" and .src_mac == "01:00:00:00:00:01" and .verdict == "dropped"
	and .drop_reason == "bad_src_mac")' "$VT_TMP/trace.json" >/dev/null ||
	vt_fail "trace: the frame with a multicast source MAC is not a bad_src_mac drop: $(cat "$VT_TMP/trace.json")"

# Text, one port, stops at N frames (long before its timeout).
vt_ctl "$L1" trace 2 port c1 timeout 30 > "$VT_TMP/trace.txt" 2>&1 &
tp=$!
VT_PIDS+=("$tp")
vt_wait_for 5 bash -c "'$VTEPCTL' -n '$L1' trace show 2>&1 | grep -q 'frames so far'" || vt_fail "the second trace did not start"
ip netns exec "${VT_P}c2" ping -c 1 -W 2 192.168.10.1 > /dev/null    # c2's frames are not traced
send_bad_src
ip netns exec "${VT_P}c1" ping -c 1 -W 2 192.168.10.2 > /dev/null
for _ in $(seq 100); do vt_alive "$tp" || break; sleep 0.1; done
vt_alive "$tp" && vt_fail "vtepctl trace 2 port c1 did not end once it had 2 frames"
wait "$tp" || vt_fail "vtepctl trace (text) failed: $(cat "$VT_TMP/trace.txt")"
grep -q "c1 vni 100 01:00:00:00:00:01 > 02:00:00:00:01:02 .*: dropped: bad_src_mac" "$VT_TMP/trace.txt" ||
	vt_fail "trace text: no bad_src_mac line: $(cat "$VT_TMP/trace.txt")"
grep -qE "^traced: 2$" "$VT_TMP/trace.txt" || vt_fail "trace text: not 2 frames: $(cat "$VT_TMP/trace.txt")"
grep -q "^ *[0-9].* c2 vni" "$VT_TMP/trace.txt" && vt_fail "trace port c1 traced c2's frames: $(cat "$VT_TMP/trace.txt")"
vt_ctl "$L1" trace 0 2>&1 | grep -q "not a number of frames" || vt_fail "trace 0 accepted"
vt_ctl "$L1" trace 5 port nosuch 2>&1 | grep -q "no port 'nosuch'" || vt_fail "trace of an unknown port accepted"
vt_ctl "$L1" trace show 2>&1 | grep -q "no trace running" || vt_fail "trace show without a trace"
vt_pass "vtepctl trace: forwarded, encapsulated, decapsulated and dropped (bad_src_mac) frames, JSON and text"

# ---- exit: the hugepage files go ----
kill -TERM "$PID1"
for _ in $(seq 100); do vt_alive "$PID1" || break; sleep 0.1; done
vt_alive "$PID1" && vt_fail "vtepd did not exit on SIGTERM"
wait "$PID1"; rc=$?
[ "$rc" -eq 0 ] || vt_fail "vtepd exited with status $rc"
VT_DAEMONS=()
if ls /dev/hugepages/"vtepd-${L1}map_"* >/dev/null 2>&1; then
	vt_fail "hugepage files of vtepd-$L1 left after exit: $(ls /dev/hugepages | grep -c "vtepd-${L1}map_")"
fi
grep -q "hugepage files of vtepd-$L1 removed" "$VT_TMP/$L1.log" || vt_fail "the removal is not in the log"
[ -e "/run/dpdk/vtepd-$L1" ] && vt_fail "/run/dpdk/vtepd-$L1 left after exit"
vt_pass "vtepd removed its hugepage files and runtime directory at exit"
