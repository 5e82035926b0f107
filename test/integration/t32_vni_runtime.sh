#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# VNIs created and deleted at run time (vtepctl vni add / vni del, doc/vtepctl.md), issue 15.
# Two vtepd leaves in iBGP (AS 65000, peering directly on the underlay bridge), config VNI 100
# with container c1 on leaf 1 and c2 on leaf 2, VRF tenant (L3 VNI 900001) and the anycast
# gateway MAC configured, the VRF advertising its gateway subnets (advertise_subnets). Asserted:
#  - a ping from c1 to c2 every 20 ms runs while VNIs are added and deleted 12 times on both
#    leaves (and VNI 300 is made and used): not one reply is missing (no gap in icmp_seq);
#  - run-time VNI 300 (in VRF tenant, anycast gateway 192.168.133.254/24), added on leaf 2 first
#    (a container attached) and then on leaf 1, carries a ping across the leaves, its gateway
#    answers, its subnet is a connected route of the VRF and a type-5 route at the other leaf; leaf 1 imports leaf 2's type-3 and type-2 routes sent before its
#    VNI existed; each leaf's type-3 route for VNI 300 is at the other; show vnis marks 300
#    runtime and 100 config;
#  - vni del 300 with a port attached is refused (EBUSY, naming the port) and changes nothing;
#  - bad arguments are refused with a clear error and change nothing;
#  - a restart (SIGTERM, start) keeps run-time VNI 300 (and its gateway) and its run-time port;
#  - after detach, vni del 300 withdraws: leaf 2 no longer has leaf 1's type-3 route for it,
#    nor its type-5 route, and leaf 1's connected route for its subnet is gone; so are the
#    type-5 routes of the gateway VNIs of the churn.
source "$(dirname "$0")/lib.sh"

vt_fabric 2
for c in c1 c2 d1 d2; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
for i in 1 2; do
	o=$((3 - i))
	{ vt_conf_l3_base "${VT_P}-leaf$i" "10.0.0.$i"; cat <<EOF; } > "$VT_TMP/leaf$i.yaml"
    advertise_subnets: true
vnis:
  - vni: 100
ports:
  - {name: c$i, vni: 100, netns: ${VT_P}c$i, mac: "02:00:00:00:0$i:01", ip: 192.168.100.$i/24}
bgp:
  asn: 65000
  neighbors:
    - {address: 10.0.0.$o, remote_as: 65000}
EOF
done
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
vt_bgp_established "$L1" "leaf 1's session with leaf 2"
vt_bgp_established "$L2" "leaf 2's session with leaf 1"
vt_wait_for 20 vt_ping "${VT_P}c1" 192.168.100.2 1 || vt_fail "c1 cannot ping c2 in VNI 100"
vt_pass "two leaves in iBGP, c1 -> c2 in config VNI 100"

# type3 L FROM VNI: the number of type-3 routes L has from VTEP FROM imported into VNI
type3() { vt_ctl "$1" -j show bgp evpn type 3 | jq "[.routes[] | select(.nexthop == \"$2\" and .vni == $3 and .imported)] | length"; }
# t5 L FROM PREFIX-START: the number of type-5 routes L has from VTEP FROM whose prefix starts so
t5() { vt_ctl "$1" -j show bgp evpn type 5 | jq --arg n "$2" --arg p "$3" '[.routes[] | select(.nexthop == $n and (.prefix | startswith($p)))] | length'; }
t5_is() { [ "$(t5 "$1" "$2" "$3")" = "$4" ]; }
type3_is() { [ "$(type3 "$1" "$2" "$3")" = "$4" ]; }
has_vni() { vt_ctl "$1" -j show vnis | jq -e --argjson v "$2" '[.vnis[].vni] | index($v) != null' >/dev/null; }

# ---- the ping in VNI 100 that must not lose one reply ----
vt_ping_start "${VT_P}c1" 192.168.100.2 "$VT_TMP/ping100.log"

# ---- churn: VNIs 1001.. added and deleted 12 times on both leaves, some options each time ----
for k in $(seq 12); do
	for L in "$L1" "$L2"; do
		case $((k % 3)) in
			0) opts="mtu 1400 vrf tenant gateway 10.77.$k.1/24" ;;
			1) opts="learning off max_macs 100" ;;
			*) opts="flood 10.0.0.9" ;;
		esac
		# shellcheck disable=SC2086
		out=$(vt_ctl "$L" vni add $((1000 + k)) $opts 2>&1) || vt_fail "$L: vni add $((1000 + k)) $opts: $out"
		out=$(vt_ctl "$L" vni add $((2000 + k)) 2>&1) || vt_fail "$L: vni add $((2000 + k)): $out"
	done
	for L in "$L1" "$L2"; do
		# one deleted at once, the other the next round: the slots freed are taken again
		out=$(vt_ctl "$L" vni del $((1000 + k)) 2>&1) || vt_fail "$L: vni del $((1000 + k)): $out"
		[ "$k" -gt 1 ] && { out=$(vt_ctl "$L" vni del $((2000 + k - 1)) 2>&1) || vt_fail "$L: vni del $((2000 + k - 1)): $out"; }
	done
done
for L in "$L1" "$L2"; do
	out=$(vt_ctl "$L" vni del 2012 2>&1) || vt_fail "$L: vni del 2012: $out"
	n=$(vt_ctl "$L" -j show vnis | jq '.vnis | length')
	[ "$n" = 1 ] || vt_fail "$L: $n VNIs after the churn (expected VNI 100 alone): $(vt_ctl "$L" show vnis)"
done
vt_wait_for 10 t5_is "$L2" 10.0.0.1 10.77. 0 ||
	vt_fail "leaf 2 kept type-5 routes of leaf 1's deleted gateway VNIs: $(vt_ctl "$L2" show bgp evpn type 5)"
vt_pass "VNIs added and deleted 12 times on both leaves (48 adds, 48 deletes), their type-5 routes withdrawn"

# ---- run-time VNI 300: leaf 2 first, with its container, then leaf 1 ----
GW300="vrf tenant gateway 192.168.133.254/24 mtu 1450"
# shellcheck disable=SC2086
out=$(vt_ctl "$L2" vni add 300 $GW300 2>&1) || vt_fail "leaf 2: vni add 300: $out"
vt_ctl "$L2" attach d2 vni 300 netns "${VT_P}d2" mac 02:00:00:00:02:03 ip 192.168.133.2/24 >/dev/null ||
	vt_fail "leaf 2: attach d2 to VNI 300"
sleep 0.5      # leaf 2's type-3 and type-2 routes for VNI 300 reach leaf 1, which has no VNI 300 yet
# shellcheck disable=SC2086
out=$(vt_ctl "$L1" vni add 300 $GW300 2>&1) || vt_fail "leaf 1: vni add 300: $out"
echo "$out" | grep -q "300" || vt_fail "leaf 1: vni add 300 said: $out"
vt_wait_for 10 type3_is "$L1" 10.0.0.2 300 1 ||
	vt_fail "leaf 1 did not import leaf 2's type-3 route for VNI 300: $(vt_ctl "$L1" show bgp evpn type 3)"
vt_ctl "$L1" -j show macs vni 300 | jq -e '.macs[] | select(.mac == "02:00:00:00:02:03")' >/dev/null ||
	vt_fail "leaf 1 did not import d2's MAC (type 2, sent before leaf 1 had VNI 300): $(vt_ctl "$L1" show macs)"
vt_wait_for 10 type3_is "$L2" 10.0.0.1 300 1 ||
	vt_fail "leaf 2 has no type-3 route of leaf 1 for VNI 300: $(vt_ctl "$L2" show bgp evpn type 3)"
vt_ctl "$L1" attach d1 vni 300 netns "${VT_P}d1" mac 02:00:00:00:01:03 ip 192.168.133.1/24 >/dev/null ||
	vt_fail "leaf 1: attach d1 to VNI 300"
vt_wait_for 10 vt_ping "${VT_P}d1" 192.168.133.2 1 || vt_fail "d1 cannot ping d2 in run-time VNI 300"
# d1, attached after the VNI was added, reached leaf 2 as a type-2 route
vt_wait_for 10 bash -c "'$VTEPCTL' -n $L2 -j show macs vni 300 | jq -e '.macs[] | select(.mac == \"02:00:00:00:01:03\" and .vtep == \"10.0.0.1\")' >/dev/null" ||
	vt_fail "leaf 2 did not get d1's MAC as a type-2 route: $(vt_ctl "$L2" show macs)"
vt_ping "${VT_P}d1" 192.168.133.254 || vt_fail "d1 cannot ping its anycast gateway 192.168.133.254 in VNI 300"
connected300() { vt_ctl "$1" -j show routes vrf tenant | jq -e '.routes[] | select(.prefix == "192.168.133.0/24" and .source == "connected" and .vni == 300)' >/dev/null; }
connected300 "$L1" || vt_fail "leaf 1 has no connected route 192.168.133.0/24 in VNI 300: $(vt_ctl "$L1" show routes)"
vt_wait_for 10 t5_is "$L2" 10.0.0.1 192.168.133.0/24 1 ||
	vt_fail "leaf 2 has no type-5 route 192.168.133.0/24 from leaf 1: $(vt_ctl "$L2" show bgp evpn type 5)"
vt_ctl "$L1" -j show vnis | jq -e '[.vnis[] | {(.vni | tostring): .origin}] | add == {"100": "config", "300": "runtime"}' >/dev/null ||
	vt_fail "show vnis does not mark 100 config and 300 runtime: $(vt_ctl "$L1" show vnis)"
ip netns exec "${VT_P}d1" ping -c 3 -W 1 192.168.100.2 >/dev/null 2>&1 && vt_fail "d1 (VNI 300) reaches c2 (VNI 100)"
vt_pass "run-time VNI 300: routes sent before it existed imported, type 3 both ways, d1 -> d2 across the leaves, gateway answers"

# ---- the ping in VNI 100 saw all of it ----
vt_ping_no_loss "$VT_TMP/ping100.log" "the ping in VNI 100" 200

# ---- vni del with a port attached: refused, nothing changes ----
out=$(vt_ctl "$L1" vni del 300 2>&1) && vt_fail "vni del 300 with d1 attached was accepted: $out"
echo "$out" | grep -q "VNI 300 has 1 port attached: d1" || vt_fail "vni del 300 (busy) said: $out"
has_vni "$L1" 300 || vt_fail "VNI 300 went after a refused vni del"
vt_ctl "$L1" -j show ports | jq -e '.ports[] | select(.name == "d1")' >/dev/null || vt_fail "d1 went after a refused vni del"
vt_ping "${VT_P}d1" 192.168.133.2 1 || vt_fail "d1 -> d2 broke after a refused vni del"
vt_pass "vni del 300 with d1 attached: refused ($out), VNI, port and traffic unchanged"

# ---- bad arguments: a clear error each, nothing changes ----
before=$(vt_ctl "$L1" -j show vnis | jq -c '[.vnis[].vni]')
bad() {   # expected-text args...
	local want=$1 out
	shift
	out=$(vt_ctl "$L1" "$@" 2>&1) && vt_fail "'$*' was accepted: $out"
	echo "$out" | grep -qF "$want" || vt_fail "'$*' said '$out' (expected '$want')"
}
bad "bad VNI '0'" vni add 0
bad "bad VNI '16777216'" vni add 16777216
bad "bad VNI 'x'" vni add x
bad "VNI 100 already exists" vni add 100
bad "VNI 300 already exists" vni add 300
bad "VRF 'nosuch' does not exist" vni add 301 vrf nosuch
bad "a gateway needs 'vrf NAME'" vni add 301 gateway 192.168.201.1/24
bad "bad gateway '300.1.1.1/24'" vni add 301 gateway 300.1.1.1/24
bad "bad mtu '10'" vni add 301 mtu 10
bad "bad learning 'maybe'" vni add 301 learning maybe
bad "flood: 10.0.0.1 is this VTEP's own" vni add 301 flood 10.0.0.1
bad "flood: 10.0.0.9 is given twice" vni add 301 flood 10.0.0.9,10.0.0.9
bad "bad max_macs '-1'" vni add 301 max_macs -1
bad "unknown or repeated option 'color'" vni add 301 color red
bad "unknown or repeated option 'mtu'" vni add 301 mtu 1400 mtu 1300
bad "'mtu' needs a value" vni add 301 mtu
bad "VNI 999 does not exist" vni del 999
bad "bad VNI 'abc'" vni del abc
bad "usage: vni del N" vni del 300 301
[ "$(vt_ctl "$L1" -j show vnis | jq -c '[.vnis[].vni]')" = "$before" ] ||
	vt_fail "the VNIs changed after bad commands: $before -> $(vt_ctl "$L1" -j show vnis | jq -c '[.vnis[].vni]')"
vt_pass "bad vni add / vni del arguments refused with clear errors, nothing changed"

# ---- restart: the run-time VNI and its run-time port come back ----
eval "pid=\$VT_PID_${VT_P}_leaf1"
kill -TERM "$pid"
wait "$pid" || vt_fail "leaf 1 exited with status $? on SIGTERM"
grep -q "^300 $GW300\$" "/run/vtepd/$L1.vnis" || vt_fail "the state file lacks VNI 300: $(cat "/run/vtepd/$L1.vnis")"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_ctl "$L1" -j show vnis | jq -e '.vnis[] | select(.vni == 300 and .origin == "runtime" and .mtu == 1450 and .ports == 1)' >/dev/null ||
	vt_fail "after the restart VNI 300 is not back with its port: $(vt_ctl "$L1" show vnis)"
vt_bgp_established "$L1" "leaf 1's session after its restart"
vt_wait_for 20 vt_ping "${VT_P}d1" 192.168.133.2 1 || vt_fail "after the restart d1 cannot ping d2 in VNI 300"
vt_ping "${VT_P}d1" 192.168.133.254 || vt_fail "after the restart d1 cannot ping its gateway"
connected300 "$L1" || vt_fail "after the restart leaf 1 has no connected route for VNI 300: $(vt_ctl "$L1" show routes)"
vt_pass "restart: run-time VNI 300 (with its gateway) and its port d1 are back, d1 -> d2 pings"

# ---- detach, then vni del withdraws at the other leaf ----
vt_ctl "$L1" detach d1 >/dev/null || vt_fail "detach d1"
out=$(vt_ctl "$L1" vni del 300 2>&1) || vt_fail "vni del 300 after detach: $out"
has_vni "$L1" 300 && vt_fail "VNI 300 is still listed after vni del"
vt_wait_for 10 type3_is "$L2" 10.0.0.1 300 0 ||
	vt_fail "leaf 2 still has leaf 1's type-3 route for VNI 300: $(vt_ctl "$L2" show bgp evpn type 3)"
vt_wait_for 10 t5_is "$L2" 10.0.0.1 192.168.133.0/24 0 ||
	vt_fail "leaf 2 still has leaf 1's type-5 route 192.168.133.0/24: $(vt_ctl "$L2" show bgp evpn type 5)"
[ "$(type3 "$L2" 10.0.0.1 100)" = 1 ] || vt_fail "leaf 2 lost leaf 1's type-3 route for VNI 100: $(vt_ctl "$L2" show bgp evpn type 3)"
vt_ctl "$L1" -j show macs | jq -e '[.macs[] | select(.vni == 300)] | length == 0' >/dev/null ||
	vt_fail "leaf 1 kept MACs of the deleted VNI 300: $(vt_ctl "$L1" show macs)"
connected300 "$L1" && vt_fail "leaf 1 kept the connected route of the deleted VNI 300: $(vt_ctl "$L1" show routes)"
[ ! -e "/run/vtepd/$L1.vnis" ] || vt_fail "the state file still lists: $(cat "/run/vtepd/$L1.vnis")"
vt_ping "${VT_P}c1" 192.168.100.2 1 || vt_fail "c1 -> c2 in VNI 100 broke after vni del 300"
vt_pass "after detach, vni del 300 withdrew its type-3 and type-5 routes at leaf 2 and flushed its MACs; VNI 100 untouched"
