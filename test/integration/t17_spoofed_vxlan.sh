#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Hostile neighbours on the underlay and in a container (issue 12), replayed against a
# running leaf. An attacker namespace on the fabric bridge, which is no VTEP of anyone, sends
# hand-made VXLAN (python3 raw sockets, stdlib only):
#  - frames from its own address carrying a local container's MAC, into a VNI with
#    vtep_check: dropped and counted, the container's MAC stays local, it stays reachable;
#  - frames from 1100 spoofed outer sources: no VTEP is created, the leaf sends no ARP for any;
#  - into a VNI without the check: the local container's MAC is still not taken (it is
#    pinned to its port: fdb.move_refused), and the VTEP learned from the attacker's other
#    frames ages out once no MAC is behind it.
# And in containers: one floods random source MACs and stops at its port's max_macs, another
# fills its VNI's max_macs, while a container in another VNI keeps learning.
source "$(dirname "$0")/lib.sh"

vt_fabric 3                     # l1: the leaf under test, l2: a legitimate leaf, l3: the attacker
for c in c1 c2 c3 c4 c5 c6 c7; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
MAC_C1=02:00:00:00:01:01 MAC_C3=02:00:00:00:03:01

# The frame tool: VXLAN from any outer source, floods of source MACs, an ARP counter.
cat > "$VT_TMP/frames.py" <<'EOF'
import random, socket, struct, sys, time

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload

def sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((iface, 0))
    return s

def inner(dst, src):   # a small frame of a local experimental EtherType
    return mac(dst) + mac(src) + struct.pack("!H", 0x88b5) + b"spoof" * 10

cmd = sys.argv[1]
if cmd == "vxlan":
    # vxlan IFACE DST_MAC DST_IP VNI INNER_SRC (a MAC or 'random') OUTER_SRC_FIRST N_SOURCES REPEAT
    iface, dmac, dip, vni, isrc, first, n, rep = sys.argv[2:10]
    s = sock(iface)
    smac = open("/sys/class/net/%s/address" % iface).read().strip()
    base = struct.unpack("!I", socket.inet_aton(first))[0]
    rnd = random.Random(7)
    sent = 0
    for r in range(int(rep)):
        for i in range(int(n)):
            src = socket.inet_ntoa(struct.pack("!I", base + i))
            m = isrc if isrc != "random" else "02:5f:%02x:%02x:%02x:%02x" % tuple(rnd.randrange(256) for _ in range(4))
            vx = struct.pack("!II", 0x08000000, int(vni) << 8) + inner("ff:ff:ff:ff:ff:ff", m)
            udp = struct.pack("!HHHH", 49152 + i % 16000, 4789, 8 + len(vx), 0) + vx
            s.send(mac(dmac) + mac(smac) + struct.pack("!H", 0x0800) + ipv4(src, dip, 17, udp))
            sent += 1
            if sent % 64 == 0:
                time.sleep(0.002)   # not faster than the veth and AF_XDP take without loss
    print(sent)
elif cmd == "macs":
    # macs IFACE COUNT TAG: COUNT frames from distinct source MACs 02:TAG:00:xx:xx:xx, broadcast
    iface, n, tag = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = sock(iface)
    for i in range(n):
        s.send(inner("ff:ff:ff:ff:ff:ff", "02:%02x:00:%02x:%02x:%02x" % (tag, i >> 16 & 255, i >> 8 & 255, i & 255)))
        if i % 64 == 63:
            time.sleep(0.002)
    print(n)
elif cmd == "arpcount":
    # arpcount IFACE SECONDS SENDER_IP TARGET_PREFIX: ARP requests from SENDER_IP for TARGET_PREFIX*
    iface, secs, sender, prefix = sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))   # all: p1 is a bridge port
    s.bind((iface, 0))
    s.settimeout(0.2)
    end = time.time() + secs
    n = 0
    open(sys.argv[6], "w").write("ready\n")
    while time.time() < end:
        try:
            f = s.recv(2048)
        except socket.timeout:
            continue
        if len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x01" and socket.inet_ntoa(f[28:32]) == sender and \
                socket.inet_ntoa(f[38:42]).startswith(prefix):
            n += 1
    print(n)
EOF

{
	vt_conf_base "$L1" 10.0.0.1 6
	cat <<EOF
vnis:
  - vni: 100
    flood: [10.0.0.2]
    vtep_check: true
  - vni: 200
    flood: [10.0.0.2]
  - vni: 300
    max_macs: 80
  - vni: 500
ports:
  - {name: c1, vni: 100, netns: ${VT_P}c1, ip: 192.168.10.1/24, mac: "$MAC_C1"}
  - {name: c3, vni: 200, netns: ${VT_P}c3, ip: 192.168.20.1/24, mac: "$MAC_C3"}
  - {name: c4, vni: 300, netns: ${VT_P}c4, mac: "02:00:00:00:04:01", max_macs: 50}
  - {name: c6, vni: 300, netns: ${VT_P}c6, mac: "02:00:00:00:06:01", max_macs: 0}
  - {name: c5, vni: 500, netns: ${VT_P}c5, mac: "02:00:00:00:05:01"}
EOF
} > "$VT_TMP/leaf1.yaml"
{
	vt_conf_base "$L2" 10.0.0.2 6
	cat <<EOF
vnis:
  - vni: 100
    flood: [10.0.0.1]
  - vni: 200
    flood: [10.0.0.1]
ports:
  - {name: c2, vni: 100, netns: ${VT_P}c2, ip: 192.168.10.2/24, mac: "02:00:00:00:02:01"}
  - {name: c7, vni: 200, netns: ${VT_P}c7, ip: 192.168.20.2/24, mac: "02:00:00:00:07:01"}
EOF
} > "$VT_TMP/leaf2.yaml"
for i in 1 2; do
	"$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" >/dev/null || vt_fail "config leaf$i invalid: $("$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" 2>&1)"
done
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
# The spoofed sources are on-link for leaf 1: a VTEP made for any of them would be ARPed for directly.
ip -n "${VT_P}l1" route add 10.1.0.0/16 dev ul0
UL1_MAC=$(ip -n "${VT_P}l1" -j link show ul0 | jq -r '.[0].address')

vt_ping "${VT_P}c2" 192.168.10.1 || vt_fail "c2 -> c1 does not work before the attack"
vt_ping "${VT_P}c7" 192.168.20.1 || vt_fail "c7 -> c3 does not work before the attack"
vt_pass "two leaves forward in VNIs 100 and 200"

mac_where() {   # VNI MAC -> "type port vtep" in leaf 1's table, or nothing
	vt_ctl "$L1" -j show macs | jq -r --argjson v "$1" --arg m "$2" \
		'.macs[] | select(.vni == $v and .mac == $m) | "\(.type) \(.port // "-") \(.vtep // "-")"'
}
vni_field() {   # VNI FIELD of leaf 1's show vnis
	vt_ctl "$L1" -j show vnis | jq -r --argjson v "$1" ".vnis[] | select(.vni == \$v) | .$2"
}
n_vteps() { vt_ctl "$L1" -j show vteps | jq '.vteps | length'; }

# 1. From the attacker's own address, with c1's MAC, into VNI 100 (vtep_check): dropped.
dec0=$(vni_field 100 decap_pkts)
ip netns exec "${VT_P}l3" python3 "$VT_TMP/frames.py" vxlan ul0 "$UL1_MAC" 10.0.0.1 100 "$MAC_C1" 10.0.0.3 1 20 >/dev/null ||
	vt_fail "cannot send VXLAN from the attacker"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show vnis | jq '.vnis[] | select(.vni == 100) | .unknown_vtep_drops')\" -ge 20 ]" ||
	vt_fail "spoofed frames into VNI 100 not counted as unknown_vtep: $(vt_ctl "$L1" show vnis)"
[ "$(vni_field 100 decap_pkts)" = "$dec0" ] || vt_fail "spoofed frames were decapsulated into VNI 100"
sleep 0.5
[ "$(mac_where 100 "$MAC_C1")" = "local c1 -" ] || vt_fail "c1's MAC moved: '$(mac_where 100 "$MAC_C1")'"
[ "$(n_vteps)" = 1 ] || vt_fail "a VTEP was made for the attacker: $(vt_ctl "$L1" show vteps)"
[ "$(vt_ctl "$L1" -j show stats | jq '.ports[0].drops.unknown_vtep')" -ge 20 ] ||
	vt_fail "show stats does not count unknown_vtep drops on the underlay"
vt_ping "${VT_P}c2" 192.168.10.1 || vt_fail "c2 -> c1 broken after the spoofed frames"
vt_pass "VXLAN from an unknown VTEP with a local container's MAC: dropped, counted, c1 stays local and reachable"

# 2. 1100 spoofed outer sources (random inner MACs), twice each: no VTEP, no ARP.
ip netns exec "${VT_P}sw" python3 "$VT_TMP/frames.py" arpcount p1 8 10.0.0.1 10.1. "$VT_TMP/arp.ready" > "$VT_TMP/arp.count" &
arp_pid=$!
VT_PIDS+=("$arp_pid")
vt_wait_for 10 test -s "$VT_TMP/arp.ready" || vt_fail "the ARP counter did not start"
drops0=$(vni_field 100 unknown_vtep_drops)
ip netns exec "${VT_P}l3" python3 "$VT_TMP/frames.py" vxlan ul0 "$UL1_MAC" 10.0.0.1 100 random 10.1.0.1 1100 2 >/dev/null ||
	vt_fail "cannot send the spoofed sources"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show vnis | jq '.vnis[] | select(.vni == 100) | .unknown_vtep_drops')\" -ge $((drops0 + 2200)) ]" ||
	vt_fail "not all 2200 spoofed frames counted: $(vni_field 100 unknown_vtep_drops) (from $drops0)"
wait "$arp_pid" || true
arps=$(cat "$VT_TMP/arp.count")
[ "$(n_vteps)" = 1 ] && [ "$arps" = 0 ] ||
	vt_fail "spoofed sources grew the VTEP table to $(n_vteps) and made leaf 1 send $arps ARP requests"
[ "$(vt_ctl "$L1" -j show macs vni 100 | jq '[.macs[] | select(.type == "remote" and .vtep != "10.0.0.2")] | length')" = 0 ] ||
	vt_fail "MACs learned from spoofed sources: $(vt_ctl "$L1" show macs vni 100)"
vt_pass "1100 spoofed VTEPs: VTEP table unchanged (1), 0 ARP requests, every frame counted"

# 3. VNI 200 has no vtep_check: c3's MAC from the tunnel is still refused (pinned to its port) ...
ref0=$(vt_ctl "$L1" -j show stats | jq '.fdb.move_refused')
ip netns exec "${VT_P}l3" python3 "$VT_TMP/frames.py" vxlan ul0 "$UL1_MAC" 10.0.0.1 200 "$MAC_C3" 10.0.0.3 1 20 >/dev/null ||
	vt_fail "cannot send VXLAN into VNI 200"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show stats | jq '.fdb.move_refused')\" -ge $((ref0 + 20)) ]" ||
	vt_fail "move_refused did not count the frames with c3's MAC: $(vt_ctl "$L1" -j show stats | jq .fdb)"
sleep 0.5
[ "$(mac_where 200 "$MAC_C3")" = "local c3 -" ] || vt_fail "c3's MAC moved: '$(mac_where 200 "$MAC_C3")'"
vt_ping "${VT_P}c7" 192.168.20.1 || vt_fail "c7 -> c3 broken after the spoofed frames"
vt_pass "a frame from the tunnel does not take a local container's MAC (fdb.move_refused)"

# ... and a VTEP learned from the attacker's frames goes once no MAC is behind it (aging 6 s).
ip netns exec "${VT_P}l3" python3 "$VT_TMP/frames.py" vxlan ul0 "$UL1_MAC" 10.0.0.1 200 02:aa:00:00:00:01 10.0.0.3 1 3 >/dev/null
vt_wait_for 10 bash -c "'$VTEPCTL' -n $L1 -j show vteps | jq -e '.vteps[] | select(.vtep == \"10.0.0.3\" and .source == \"learned\")' >/dev/null" ||
	vt_fail "no learned VTEP 10.0.0.3 (test premise): $(vt_ctl "$L1" show vteps)"
vt_wait_for 40 bash -c "! '$VTEPCTL' -n $L1 -j show vteps | jq -e '.vteps[] | select(.vtep == \"10.0.0.3\")' >/dev/null" ||
	vt_fail "the learned VTEP 10.0.0.3 did not age out: $(vt_ctl "$L1" show vteps)"
[ "$(vt_ctl "$L1" -j show stats | jq '.control.vteps_aged')" -ge 1 ] || vt_fail "vteps_aged not counted"
grep -q "remote VTEP 10.0.0.3 removed" "$VT_TMP/$L1.log" || vt_fail "no log line for the VTEP's removal"
# Netlink events and the 30 s refresh re-resolve every VTEP still there: one quiet 2 s window of
# three is enough to show that nothing resolves the VTEP that went.
quiet=0
for _ in 1 2 3; do
	res=$(vt_ctl "$L1" -j show stats | jq '.control.resolutions')
	sleep 2
	[ "$(vt_ctl "$L1" -j show stats | jq '.control.resolutions')" = "$res" ] && { quiet=1; break; }
done
[ "$quiet" = 1 ] || vt_fail "resolutions go on after the VTEP went"
vt_pass "a learned VTEP ages out after its MACs, and its resolution stops"

# 4. MAC limits: c4 floods 300 source MACs (its port allows 50), then c6 floods 300 into the same
# VNI (which allows 80) while c5, in VNI 500, sends 20 new MACs: c5 learns them all.
port_field() {   # PORT FIELD of leaf 1's show stats
	vt_ctl "$L1" -j show stats | jq -r --arg p "$1" ".ports[] | select(.port == \$p) | .$2"
}
ip netns exec "${VT_P}c4" python3 "$VT_TMP/frames.py" macs eth0 300 4 >/dev/null || vt_fail "c4 could not flood"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show stats | jq '.ports[] | select(.port == \"c4\") | .macs')\" = 50 ]" ||
	vt_fail "port c4 (max_macs 50) holds $(port_field c4 macs) MACs"
ip netns exec "${VT_P}c6" python3 "$VT_TMP/frames.py" macs eth0 300 6 >/dev/null &
flood6=$!
ip netns exec "${VT_P}c5" python3 "$VT_TMP/frames.py" macs eth0 20 5 >/dev/null || vt_fail "c5 could not send"
wait "$flood6" || vt_fail "c6 could not flood"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show vnis | jq '.vnis[] | select(.vni == 500) | .macs')\" = 21 ]" ||
	vt_fail "c5 learned only $(($(vni_field 500 macs) - 1)) of its 20 MACs during the floods"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show vnis | jq '.vnis[] | select(.vni == 300) | .macs')\" = 80 ]" ||
	vt_fail "VNI 300 (max_macs 80) holds $(vni_field 300 macs) MACs"
sleep 0.5
[ "$(port_field c4 macs)" = 50 ] || vt_fail "port c4 went over its limit: $(port_field c4 macs)"
[ "$(vni_field 300 macs)" = 80 ] || vt_fail "VNI 300 went over its limit: $(vni_field 300 macs)"
[ "$(port_field c4 learn_limit)" -ge 200 ] || vt_fail "c4's refused MACs not counted: $(port_field c4 learn_limit)"
[ "$(vni_field 300 learn_limit_drops)" -ge 200 ] || vt_fail "VNI 300's refused MACs not counted: $(vni_field 300 learn_limit_drops)"
[ "$(vt_ctl "$L1" -j show stats | jq '.fdb.learn_limit')" -ge 400 ] || vt_fail "fdb.learn_limit not counted"
vt_pass "max_macs: port c4 stops at 50, VNI 300 at 80 (refusals counted), c5 in VNI 500 learns all 20 MACs meanwhile"
