#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Configuration reload without a restart (vtepctl reload, SIGHUP; doc/reload.md), issue 16.
# Two vtepd leaves with static flood lists, VNI 100 (containers c1, c2) and VNI 200 (d1, d2).
# Asserted, while c1 pings c2 in VNI 100 every 20 ms the whole time:
#  - a reload (vtepctl reload on leaf 1, SIGHUP on leaf 2) that adds VNI 300 with ports e1, e2
#    (e1 then pings e2 across), removes VNI 200 with its ports, adds a flood address and a
#    static MAC to VNI 100: show vnis, ports, macs and vteps say so, the veths of d1 and d2 are
#    gone, vtepctl reload lists the changes; VRF blue is added;
#  - a second reload removes the static MAC, the flood address and VRF blue again and adds port c1b;
#  - the same file again changes nothing;
#  - a VNI added at run time (vni add 400) stays through a reload that does not name it, and
#    is taken over (origin config) by one that does;
#  - broken files: a YAML syntax error, a bad value, a key that needs a restart
#    (vtep.source_ip, fastpath.mbufs): vtepctl reload exits non-zero with FILE:LINE:COLUMN and
#    what was wrong, and show vnis/ports/macs/vteps are as before; SIGHUP with a broken file
#    logs why and changes nothing;
#  - not one reply of the ping in VNI 100 is missing (no gap in icmp_seq).
source "$(dirname "$0")/lib.sh"

vt_fabric 2
for c in c1 c2 d1 d2 e1 e2 c1b; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2

# conf I [STAGE]: leaf I's file at stage a (start), b (first reload), c (second reload)
conf() {
	local i=$1 st=$2 o=$((3 - $1))
	vt_conf_base "${VT_P}-leaf$i" "10.0.0.$i"
	echo "  runtime_vrfs: 1"    # room for the route tables of VRFs a reload adds
	[ "$st" = b ] && printf 'vrfs:\n  - {name: blue, l3vni: 5000, max_ipv4_routes: 1024, max_ipv6_routes: 1024}\n'
	echo "vnis:"
	if [ "$st" = b ]; then
		cat <<EOF
  - vni: 100
    flood: [10.0.0.$o, 10.0.0.9]
    static_macs:
      - {mac: "02:00:00:00:99:99", vtep: 10.0.0.9}
EOF
	else
		printf '  - vni: 100\n    flood: [10.0.0.%s]\n' "$o"
	fi
	[ "$st" = a ] && printf '  - vni: 200\n    flood: [10.0.0.%s]\n' "$o"
	[ "$st" != a ] && printf '  - vni: 300\n    flood: [10.0.0.%s]\n    mtu: 1400\n' "$o"
	echo "ports:"
	echo "  - {name: c$i, vni: 100, netns: ${VT_P}c$i, mac: \"02:00:00:00:0$i:01\", ip: 192.168.100.$i/24}"
	[ "$st" = a ] && echo "  - {name: d$i, vni: 200, netns: ${VT_P}d$i, mac: \"02:00:00:00:0$i:02\", ip: 192.168.200.$i/24}"
	[ "$st" != a ] && echo "  - {name: e$i, vni: 300, netns: ${VT_P}e$i, mac: \"02:00:00:00:0$i:03\", ip: 192.168.30.$i/24}"
	[ "$st" = c ] && [ "$i" = 1 ] && echo "  - {name: c1b, vni: 100, netns: ${VT_P}c1b, mac: \"02:00:00:00:01:04\", ip: 192.168.100.11/24}"
	return 0
}
for i in 1 2; do conf "$i" a > "$VT_TMP/leaf$i.yaml"; done
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
eval "PID2=\$VT_PID_${VT_P}_leaf2"
vt_wait_for 20 vt_ping "${VT_P}c1" 192.168.100.2 1 || vt_fail "c1 cannot ping c2 in VNI 100"
vt_wait_for 20 vt_ping "${VT_P}d1" 192.168.200.2 1 || vt_fail "d1 cannot ping d2 in VNI 200"
vt_pass "two leaves, c1 -> c2 in VNI 100, d1 -> d2 in VNI 200"

# what a reload must leave as it was: the settings (not the counters) of VNIs, ports, MACs, VTEPs
state() {
	vt_ctl "$1" -j show vnis | jq -c '[.vnis[] | {vni, origin, vrf, learning, mtu, ports, flood, vtep_check, max_macs}]'
	vt_ctl "$1" -j show ports | jq -c '[.ports[] | {name, vni, mac, mtu}] | sort_by(.name)'
	vt_ctl "$1" -j show macs | jq -c '[.macs[] | select(.type != "remote") | {vni, mac, type, port, vtep}] | sort_by(.vni, .mac)'
	vt_ctl "$1" -j show vteps | jq -c '[.vteps[] | {vtep, source}] | sort_by(.vtep)'
}
has_port() { vt_ctl "$1" -j show ports | jq -e --arg n "$2" '[.ports[].name] | index($n) != null' >/dev/null; }

vt_ping_start "${VT_P}c1" 192.168.100.2 "$VT_TMP/ping100.log"

# ---- reload 1: VNI 300 and its ports come, VNI 200 and its ports go, VNI 100 gets a flood address and a static MAC ----
for i in 1 2; do conf "$i" b > "$VT_TMP/leaf$i.yaml"; done
out=$(vt_ctl "$L1" reload 2>&1) || vt_fail "leaf 1: vtepctl reload: $out"
echo "$out" | sed 's/^/  /'
echo "$out" | grep -q "300.*added" || vt_fail "leaf 1: vtepctl reload does not list VNI 300 as added: $out"
echo "$out" | grep -q "200.*removed" || vt_fail "leaf 1: vtepctl reload does not list VNI 200 as removed: $out"
vt_ctl "$L1" -j show ports >/dev/null || vt_fail "leaf 1 does not answer after the reload"
kill -HUP "$PID2"
vt_wait_for 10 grep -q "reload of .*leaf2.yaml: [0-9]* changes" "$VT_TMP/$L2.log" ||
	vt_fail "leaf 2 did not log a reload on SIGHUP: $(tail -3 "$VT_TMP/$L2.log")"
for L in "$L1" "$L2"; do
	vt_ctl "$L" -j show vnis | jq -e '[.vnis[] | {(.vni | tostring): .origin}] | add == {"100": "config", "300": "config"}' >/dev/null ||
		vt_fail "$L: show vnis after the reload: $(vt_ctl "$L" show vnis)"
	vt_ctl "$L" -j show vnis | jq -e '.vnis[] | select(.vni == 300 and .mtu == 1400 and .ports == 1)' >/dev/null ||
		vt_fail "$L: VNI 300 is not there with its port and MTU: $(vt_ctl "$L" show vnis)"
	vt_ctl "$L" -j show vnis | jq -e '.vnis[] | select(.vni == 100 and (.flood | contains("10.0.0.9")))' >/dev/null ||
		vt_fail "$L: VNI 100's flood list lacks 10.0.0.9: $(vt_ctl "$L" show vnis)"
	vt_ctl "$L" -j show macs | jq -e '.macs[] | select(.vni == 100 and .mac == "02:00:00:00:99:99" and .type == "static" and .vtep == "10.0.0.9")' >/dev/null ||
		vt_fail "$L: no static MAC 02:00:00:00:99:99 in VNI 100: $(vt_ctl "$L" show macs)"
	vt_ctl "$L" -j show macs | jq -e '[.macs[] | select(.vni == 200)] | length == 0' >/dev/null ||
		vt_fail "$L: MACs of the removed VNI 200 are left: $(vt_ctl "$L" show macs)"
	vt_ctl "$L" -j show vteps | jq -e '.vteps[] | select(.vtep == "10.0.0.9" and .source == "configured")' >/dev/null ||
		vt_fail "$L: no configured VTEP 10.0.0.9: $(vt_ctl "$L" show vteps)"
	vt_ctl "$L" -j show vrfs | jq -e '.vrfs[] | select(.name == "blue" and .l3vni == 5000 and .origin == "config")' >/dev/null ||
		vt_fail "$L: VRF blue was not added: $(vt_ctl "$L" show vrfs)"
done
for i in 1 2; do
	L=${VT_P}-leaf$i
	has_port "$L" "d$i" && vt_fail "$L: port d$i of the removed VNI 200 is still attached"
	has_port "$L" "e$i" || vt_fail "$L: port e$i of the new VNI 300 is not attached: $(vt_ctl "$L" show ports)"
	ip -n "${VT_P}d$i" link show eth0 >/dev/null 2>&1 && vt_fail "the interface of d$i is still in its namespace"
done
vt_wait_for 20 vt_ping "${VT_P}e1" 192.168.30.2 1 || vt_fail "e1 cannot ping e2 in the VNI 300 the reload added"
vt_pass "reload (vtepctl on leaf 1, SIGHUP on leaf 2): VNI 300 with e1, e2 added (e1 -> e2 pings), VNI 200 with d1, d2 removed, VNI 100's flood list and static MAC changed, VRF blue added"

# ---- reload 2: the static MAC and the flood address go again, port c1b comes ----
for i in 1 2; do conf "$i" c > "$VT_TMP/leaf$i.yaml"; done
out=$(vt_ctl "$L1" -j reload 2>&1) || vt_fail "leaf 1: second reload: $out"
echo "$out" | jq -e '[.changed[] | "\(.kind) \(.name) \(.action)"] | (index("mac 100 02:00:00:00:99:99 removed") != null) and (index("port c1b added") != null) and (index("vni 100 changed") != null) and (index("vrf blue removed") != null)' >/dev/null ||
	vt_fail "leaf 1: the second reload said: $out"
vt_ctl "$L1" -j show macs | jq -e '[.macs[] | select(.mac == "02:00:00:00:99:99")] | length == 0' >/dev/null ||
	vt_fail "leaf 1 kept the static MAC the file no longer has: $(vt_ctl "$L1" show macs)"
vt_ctl "$L1" -j show vnis | jq -e '.vnis[] | select(.vni == 100 and .flood == "10.0.0.2")' >/dev/null ||
	vt_fail "leaf 1: VNI 100's flood list is not back to 10.0.0.2: $(vt_ctl "$L1" show vnis)"
vt_ctl "$L1" -j show vrfs | jq -e '[.vrfs[] | select(.name == "blue")] | length == 0' >/dev/null ||
	vt_fail "leaf 1: VRF blue did not go: $(vt_ctl "$L1" show vrfs)"
vt_wait_for 10 vt_ping "${VT_P}c1b" 192.168.100.2 1 || vt_fail "c1b, added by the reload, cannot ping c2"
out=$(vt_ctl "$L1" -j reload 2>&1) || vt_fail "leaf 1: reload of an unchanged file: $out"
echo "$out" | jq -e '.changes == 0' >/dev/null || vt_fail "leaf 1: a reload of the same file changed something: $out"
vt_pass "reload: static MAC, flood address and VRF blue removed, port c1b added (and pings); the same file again changes nothing"

# ---- objects added at run time ----
vt_ctl "$L1" vni add 400 >/dev/null || vt_fail "leaf 1: vni add 400"
out=$(vt_ctl "$L1" reload 2>&1) || vt_fail "leaf 1: reload with run-time VNI 400: $out"
vt_ctl "$L1" -j show vnis | jq -e '.vnis[] | select(.vni == 400 and .origin == "runtime")' >/dev/null ||
	vt_fail "leaf 1: run-time VNI 400 did not stay through a reload that does not name it: $(vt_ctl "$L1" show vnis)"
{ cat "$VT_TMP/leaf1.yaml" | sed 's/^ports:$/  - vni: 400\nports:/'; } > "$VT_TMP/leaf1-400.yaml"
cp "$VT_TMP/leaf1-400.yaml" "$VT_TMP/leaf1.yaml"
out=$(vt_ctl "$L1" reload 2>&1) || vt_fail "leaf 1: reload naming VNI 400: $out"
echo "$out" | grep -q "400.*adopted" || vt_fail "leaf 1: the reload naming VNI 400 said: $out"
vt_ctl "$L1" -j show vnis | jq -e '.vnis[] | select(.vni == 400 and .origin == "config")' >/dev/null ||
	vt_fail "leaf 1: VNI 400 was not taken over by the file: $(vt_ctl "$L1" show vnis)"
[ ! -e "/run/vtepd/$L1.vnis" ] || vt_fail "leaf 1: the run-time state file still lists: $(cat "/run/vtepd/$L1.vnis")"
vt_pass "a run-time VNI stays through a reload that does not name it, and is taken over by one that does"

# ---- broken files change nothing and say why, where ----
good=$VT_TMP/leaf1.good
cp "$VT_TMP/leaf1.yaml" "$good"
before=$(state "$L1")
broken() {   # what expected-line expected-text: leaf1.yaml is the broken file
	local what=$1 line=$2 want=$3 out
	out=$(vt_ctl "$L1" reload 2>&1) && vt_fail "reload of a file with $what was accepted: $out"
	echo "$out" | grep -q "$VT_TMP/leaf1.yaml:$line:[0-9]*: .*$want" ||
		vt_fail "reload of a file with $what said '$out' (expected $VT_TMP/leaf1.yaml:$line:COLUMN and '$want')"
	[ "$(state "$L1")" = "$before" ] || vt_fail "reload of a file with $what changed the switch: $before -> $(state "$L1")"
	echo "  $what: $out"
}
# a YAML syntax error (an unclosed flow sequence) in VNI 100's flood list
sed 's/^    flood: \[10.0.0.2\]$/    flood: [10.0.0.2, 10.0.0.7/' "$good" > "$VT_TMP/leaf1.yaml"
broken "a YAML syntax error" "[0-9]*" "YAML syntax error"
# a bad value, with a VNI added (which must not be)
sed 's/^    mtu: 1400$/    mtu: 10/; s/^  - vni: 400$/  - vni: 500/' "$good" > "$VT_TMP/leaf1.yaml"
n=$(grep -n "^    mtu: 10$" "$VT_TMP/leaf1.yaml" | cut -d: -f1)
broken "a bad mtu" "$n" "mtu"
# keys that need a restart, with other changes that must not be made either
sed 's/^  source_ip: 10.0.0.1$/  source_ip: 10.0.0.11/; s/^  - vni: 400$/  - vni: 500/' "$good" > "$VT_TMP/leaf1.yaml"
n=$(grep -n "source_ip: 10.0.0.11" "$VT_TMP/leaf1.yaml" | cut -d: -f1)
broken "vtep.source_ip changed" "$n" "vtep.source_ip: changed: needs a restart"
sed 's/^  mbufs: 8192$/  mbufs: 16384/; s/^  - vni: 400$/  - vni: 500/' "$good" > "$VT_TMP/leaf1.yaml"
n=$(grep -n "mbufs: 16384" "$VT_TMP/leaf1.yaml" | cut -d: -f1)
broken "fastpath.mbufs changed" "$n" "fastpath.mbufs: changed: needs a restart"
# SIGHUP with a broken file: logged, nothing changes
eval "PID1=\$VT_PID_${VT_P}_leaf1"
sed 's/^    mtu: 1400$/    mtu: 10/' "$good" > "$VT_TMP/leaf1.yaml"
kill -HUP "$PID1"
vt_wait_for 10 grep -q "reload of $VT_TMP/leaf1.yaml: $VT_TMP/leaf1.yaml:[0-9]*:[0-9]*: .*mtu" "$VT_TMP/$L1.log" ||
	vt_fail "SIGHUP with a bad file: not logged with FILE:LINE:COLUMN: $(tail -3 "$VT_TMP/$L1.log")"
[ "$(state "$L1")" = "$before" ] || vt_fail "SIGHUP with a bad file changed the switch: $before -> $(state "$L1")"
cp "$good" "$VT_TMP/leaf1.yaml"
vt_pass "broken files (syntax, value, vtep.source_ip, fastpath.mbufs; by vtepctl and SIGHUP) refused with FILE:LINE:COLUMN, nothing changed"

# ---- the ping in VNI 100 saw all of it ----
vt_ping_no_loss "$VT_TMP/ping100.log" "the ping in VNI 100 through every reload" 200
vt_ping "${VT_P}e1" 192.168.30.2 1 || vt_fail "e1 -> e2 broke"
