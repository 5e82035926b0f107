#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Data-plane interop with the Linux kernel's own VXLAN: a container behind vtepd and a
# container behind a kernel vxlan device (dstport 4789, static all-zero fdb entry to our
# VTEP) ping each other both ways; tshark on the underlay decodes every frame as VXLAN
# with VNI 100 and finds nothing malformed.
source "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || vt_fail "tshark is not installed (scripts/setup.sh installs it)"

vt_fabric 2
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"
L1=${VT_P}-leaf1
K=${VT_P}l2

# Leaf 2 is the kernel: vxlan100 + bridge + a veth to container c2.
vt_kernel_vtep "$K" 10.0.0.2 1450 "${VT_P}c2" 02:00:00:00:02:01 192.168.10.2/24 10.0.0.1

{ vt_conf_base "$L1" 10.0.0.1; cat <<EOF2; } > "$VT_TMP/leaf1.yaml"
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
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"

# Capture on the fabric bridge port towards the kernel leaf.
ip netns exec "${VT_P}sw" tshark -q -i p2 -w "$VT_TMP/underlay.pcap" -f "udp port 4789" > "$VT_TMP/tshark-capture.log" 2>&1 &
cap=$!
VT_PIDS+=("$cap")
vt_wait_for 10 test -s "$VT_TMP/underlay.pcap" || sleep 1

vt_ping "${VT_P}c1" 192.168.10.2 5 || vt_fail "vtepd container -> kernel VXLAN container: no reply"
vt_ping "${VT_P}c2" 192.168.10.1 5 || vt_fail "kernel VXLAN container -> vtepd container: no reply"
vt_pass "ping both ways between vtepd and the kernel's VXLAN"

# The kernel's bridge learned our container on its VXLAN port (nolearning: no per-VTEP entry).
ip netns exec "$K" bridge fdb show dev vxlan100 | grep -q "02:00:00:00:01:01 master br100" ||
	vt_fail "kernel bridge did not learn c1 on vxlan100: $(ip netns exec "$K" bridge fdb show dev vxlan100)"
vt_ctl "$L1" -j show macs | jq -e '.macs[] | select(.mac == "02:00:00:00:02:01" and .vtep == "10.0.0.2")' >/dev/null ||
	vt_fail "vtepd did not learn the kernel container behind 10.0.0.2"

sleep 1
kill -INT "$cap"; wait "$cap" 2>/dev/null || true
total=$(tshark -r "$VT_TMP/underlay.pcap" -Y "vxlan" 2>/dev/null | wc -l)
ours=$(tshark -r "$VT_TMP/underlay.pcap" -Y "vxlan && ip.src == 10.0.0.1 && vxlan.vni == 100 && icmp" 2>/dev/null | wc -l)
bad=$(tshark -r "$VT_TMP/underlay.pcap" -Y "_ws.malformed || _ws.expert.severity >= error || vxlan.vni != 100" 2>/dev/null | wc -l)
[ "$ours" -ge 10 ] || vt_fail "tshark decoded only $ours ICMP-in-VXLAN frames from vtepd (expected >= 10); $total VXLAN frames in all"
[ "$bad" -eq 0 ] || vt_fail "tshark flags $bad frames: $(tshark -r "$VT_TMP/underlay.pcap" -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | head -5)"
# Our frames: UDP source port in the ephemeral range, TTL 64, DF clear, valid IP checksum.
sports=$(tshark -r "$VT_TMP/underlay.pcap" -Y "vxlan && ip.src == 10.0.0.1" -T fields -E occurrence=f -e udp.srcport -e ip.ttl -e ip.flags.df 2>/dev/null |
	awk '$1 < 49152 || $2 != 64 || $3 != 0' | wc -l)
[ "$sports" -eq 0 ] || vt_fail "$sports frames from vtepd with a source port < 49152, TTL != 64 or DF set"
csum=$(tshark -r "$VT_TMP/underlay.pcap" -o ip.check_checksum:TRUE -Y "ip.src == 10.0.0.1 && ip.checksum.status == \"Bad\"" 2>/dev/null | wc -l)
[ "$csum" -eq 0 ] || vt_fail "$csum frames from vtepd with a bad outer IP checksum"
vt_pass "tshark decodes $total VXLAN frames cleanly ($ours ICMP frames from vtepd)"
