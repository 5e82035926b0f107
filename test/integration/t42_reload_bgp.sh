#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# BGP neighbours changed by a configuration reload (vtepctl reload; doc/reload.md), issue 16.
# vtepd (10.0.0.1, AS 65001) and three FRR leaves with the kernel's VXLAN (A 10.0.0.2, B
# 10.0.0.3, C 10.0.0.4; each advertises VNI 100 and one MAC behind it). vtepd starts with A
# and B as neighbours. Asserted:
#  - each reload lists its neighbour changes (vtepctl -j reload: kind neighbor, the address,
#    removed/added/changed and the keys that changed) and nothing else;
#  - reload 1 removes B and adds C: B receives Cease/Peer De-configured (RFC 4486 subcode 3),
#    its MAC and VTEP leave vtepd's show macs and show evpn vni at once, and its VTEP, which
#    nothing names any more, leaves show vteps (the configured flood address 10.0.0.9, which
#    no route names, stays); C's session comes up and its MAC and VTEP arrive;
#  - reload 2 changes C's hold time and A's description: C alone is reset (Cease/Other
#    Configuration Change, subcode 6) and comes back with hold time 30; A is not reset;
#  - reload 3 changes bgp.asn: refused with FILE:LINE:COLUMN naming the key, nothing changes;
#  - through all of it A's session never resets: FRR A counts one established connection and
#    no drop, vtepd counts one establishment, and A's MAC never leaves show macs.
# vt-suite: once
source "$(dirname "$0")/lib.sh"
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] || vt_fail "FRR is not installed (scripts/setup.sh installs it)"

vt_fabric 4
L1=${VT_P}-leaf1

# FRR leaf I (10.0.0.I, AS 6500I): VNI 100 on the kernel's VXLAN, MAC 02:00:00:00:0I:01 on a
# bridge port (static, so zebra advertises it at once), vtepd as its neighbour.
frr_leaf() {
	local i=$1 ns=${VT_P}l$1
	ip -n "$ns" link add vxlan100 type vxlan id 100 local "10.0.0.$i" dstport 4789 nolearning
	ip -n "$ns" link add br100 type bridge
	ip -n "$ns" link set vxlan100 master br100 addrgenmode none
	ip -n "$ns" link add h0 type veth peer name h1
	ip -n "$ns" link set h0 master br100
	for l in vxlan100 br100 h0 h1; do ip -n "$ns" link set "$l" up; done
	ip netns exec "$ns" bridge fdb add "02:00:00:00:0$i:01" dev h0 master static
	vt_frr "$ns" "frr$i" <<EOF
hostname frr$i
router bgp 6500$i
 bgp router-id 10.0.0.$i
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 10.0.0.1 remote-as 65001
 neighbor 10.0.0.1 timers connect 2
 address-family l2vpn evpn
  neighbor 10.0.0.1 activate
  advertise-all-vni
 exit-address-family
EOF
}
for i in 2 3 4; do frr_leaf "$i"; done

# vtepd's file: bgp.asn $1, then its neighbours, one "ADDRESS AS [KEY: VALUE]..." argument each
conf() {
	local asn=$1 n
	shift
	vt_conf_base "$L1" 10.0.0.1
	printf 'vnis:\n  - vni: 100\n    flood: [10.0.0.9]\nbgp:\n  asn: %s\n  neighbors:\n' "$asn"
	for n in "$@"; do
		set -- $n
		printf '    - {address: %s, remote_as: %s' "$1" "$2"
		shift 2
		[ $# -gt 0 ] && printf ', %s' "$*"
		printf '}\n'
	done
}
conf 65001 "10.0.0.2 65002" "10.0.0.3 65003" > "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"

nb() { vt_ctl "$L1" -j show bgp summary | jq -c --arg a "$1" '.neighbors[] | select(.neighbor == $a)'; }
established() { [ "$(nb "$1" | jq -r .state)" = Established ]; }
has_mac() { vt_ctl "$L1" -j show macs | jq -e --arg m "$1" --arg v "$2" '.macs[] | select(.mac == $m and .vtep == $v)' >/dev/null; }
floods_to() { vt_ctl "$L1" -j show evpn vni 100 | jq -e --arg v "$1" '[.vnis[0].remote_vteps | scan("[0-9.]+")] | index($v) != null' >/dev/null; }
# FRR leaf I's view of its session with vtepd
# vtepd's show vteps has VTEP $1 (with source $2)
vtep_listed() { vt_ctl "$L1" -j show vteps | jq -e --arg v "$1" --arg s "${2:-}" '.vteps[] | select(.vtep == $v and ($s == "" or .source == $s))' >/dev/null; }
vtep_gone() { ! vtep_listed "$1"; }
frr_nb() { vt_vtysh "frr$1" -c "show bgp neighbors 10.0.0.1 json" | jq -c '.["10.0.0.1"]'; }
frr_up() { [ "$(frr_nb "$1" | jq -r .bgpState)" = Established ]; }
# A's session was never reset: FRR A's connection counts and vtepd's count of establishments
a_unbroken() {
	local f
	f=$(frr_nb 2)
	[ "$(echo "$f" | jq -r .bgpState)" = Established ] && [ "$(echo "$f" | jq .connectionsEstablished)" = 1 ] &&
		[ "$(echo "$f" | jq .connectionsDropped)" = 0 ] && [ "$(nb 10.0.0.2 | jq .established_count)" = 1 ] ||
		vt_fail "$1: the session with A (unchanged) was reset: FRR A: $f; vtepd: $(nb 10.0.0.2)"
	has_mac 02:00:00:00:02:01 10.0.0.2 || vt_fail "$1: A's MAC left show macs: $(vt_ctl "$L1" show macs)"
}

ab_up() { established 10.0.0.2 && established 10.0.0.3; }
vt_wait_for 30 ab_up ||
	vt_fail "sessions with A and B not established: $(vt_ctl "$L1" show bgp summary)"
ab_routes() { has_mac 02:00:00:00:02:01 10.0.0.2 && has_mac 02:00:00:00:03:01 10.0.0.3 && floods_to 10.0.0.2 && floods_to 10.0.0.3; }
vt_wait_for 20 ab_routes ||
	vt_fail "routes of A and B not in: $(vt_ctl "$L1" show macs); $(vt_ctl "$L1" show evpn vni); FRR A: $(vt_vtysh frr2 -c 'show evpn mac vni all' -c 'show bgp l2vpn evpn route' -c 'show evpn vni'); $(ip netns exec "${VT_P}l2" bridge fdb show br br100)"
a_unbroken "at the start"
vtep_listed 10.0.0.3 evpn && vtep_listed 10.0.0.9 configured ||
	vt_fail "show vteps does not have B's VTEP (evpn) and the configured 10.0.0.9: $(vt_ctl "$L1" show vteps)"
[ "$(nb 10.0.0.4)" = "" ] || vt_fail "C is a neighbour before it is configured"
vt_pass "vtepd peers with FRR A and B and has their MACs and VTEPs; C is not configured"

# the rows a reload listed (vtepctl -j reload's output in $1), "kind name action detail" a line
rows() { echo "$1" | jq -r '.changed[] | "\(.kind) \(.name) \(.action) \(.detail)"'; }

# ---- reload 1: B removed, C added ----
conf 65001 "10.0.0.2 65002" "10.0.0.4 65004" > "$VT_TMP/leaf1.yaml"
out=$(vt_ctl "$L1" -j reload 2>&1) || vt_fail "reload 1: vtepctl reload: $out"
[ "$(rows "$out")" = "$(printf 'neighbor 10.0.0.3 removed \nneighbor 10.0.0.4 added ')" ] ||
	vt_fail "reload 1 does not list B removed and C added (and nothing else): $out"
# B's routes go at once, with the reload, not when some timer fires
has_mac 02:00:00:00:03:01 10.0.0.3 && vt_fail "B's MAC is still in show macs after the reload: $(vt_ctl "$L1" show macs)"
floods_to 10.0.0.3 && vt_fail "B's VTEP is still in VNI 100's flood list: $(vt_ctl "$L1" show evpn vni)"
[ "$(nb 10.0.0.3)" = "" ] || vt_fail "B is still in show bgp summary: $(nb 10.0.0.3)"
# FRR leaf I's last NOTIFICATION received from vtepd was code/subcode HEX ("0603": Cease/Peer De-configured)
frr_said() { frr_nb "$1" | jq -e --arg c "$2" '.lastErrorCodeSubcode == $c and .lastResetDueTo == "BGP Notification received"' >/dev/null; }
vt_wait_for 10 frr_said 3 0603 ||
	vt_fail "FRR B did not receive Cease/Peer De-configured: $(frr_nb 3)"
grep -q "neighbour 10.0.0.3 removed" "$VT_TMP/$L1.log" || vt_fail "vtepd did not log B's removal"
# nothing names B's VTEP now: it leaves the VTEP table (checked every second); the configured one stays
vt_wait_for 5 vtep_gone 10.0.0.3 || vt_fail "B's VTEP is still in show vteps: $(vt_ctl "$L1" show vteps)"
vtep_listed 10.0.0.9 configured && vtep_listed 10.0.0.2 evpn ||
	vt_fail "the configured VTEP or A's left show vteps with B's: $(vt_ctl "$L1" show vteps)"
vt_pass "reload 1: B removed: it got Cease/Peer De-configured, its MAC and VTEP are gone (show vteps too; the configured one stays)"
vt_wait_for 30 established 10.0.0.4 ||
	vt_fail "reload 1: the session with C did not come up: $(vt_ctl "$L1" show bgp summary)"
c_routes() { has_mac 02:00:00:00:04:01 10.0.0.4 && floods_to 10.0.0.4; }
vt_wait_for 20 c_routes ||
	vt_fail "reload 1: C's routes did not arrive: $(vt_ctl "$L1" show macs); $(vt_ctl "$L1" show evpn vni)"
c_has_ours() { vt_vtysh frr4 -c "show bgp l2vpn evpn route" | grep -q "10.0.0.1"; }
vt_wait_for 10 c_has_ours ||
	vt_fail "reload 1: C did not get vtepd's routes: $(vt_vtysh frr4 -c 'show bgp l2vpn evpn route')"
a_unbroken "reload 1"
vt_pass "reload 1: C added: its session came up, routes flow both ways; A untouched"

# ---- reload 2: C's hold time and A's description change ----
c_est=$(nb 10.0.0.4 | jq .established_count)
conf 65001 "10.0.0.2 65002 description: spine-a" "10.0.0.4 65004 hold_time: 30" > "$VT_TMP/leaf1.yaml"
out=$(vt_ctl "$L1" reload 2>&1) || vt_fail "reload 2: vtepctl reload: $out"
# the text table: KIND NAME ACTION DETAIL, A's description and C's hold time
echo "$out" | grep -qE '^ *neighbor +10\.0\.0\.2 +changed +description *$' &&
	echo "$out" | grep -qE '^ *neighbor +10\.0\.0\.4 +changed +hold_time *$' &&
	[ "$(echo "$out" | grep -c neighbor)" = 2 ] || vt_fail "reload 2 does not list A's description and C's hold time: $out"
vt_wait_for 10 frr_said 4 0606 ||
	vt_fail "FRR C did not receive Cease/Other Configuration Change: $(frr_nb 4)"
c_back() { established 10.0.0.4 && [ "$(nb 10.0.0.4 | jq .established_count)" -gt "$c_est" ]; }
vt_wait_for 40 c_back ||
	vt_fail "reload 2: C did not come back: $(nb 10.0.0.4)"
hold=$(frr_nb 4 | jq .bgpTimerHoldTimeMsecs)
[ "$hold" = 30000 ] || vt_fail "reload 2: C's session runs with hold time $hold ms, not 30 s: $(frr_nb 4)"
vt_wait_for 20 has_mac 02:00:00:00:04:01 10.0.0.4 ||
	vt_fail "reload 2: C's MAC did not come back: $(vt_ctl "$L1" show macs)"
[ "$(nb 10.0.0.2 | jq -r .description)" = spine-a ] || vt_fail "reload 2: A's description not changed: $(nb 10.0.0.2)"
a_unbroken "reload 2"
vt_pass "reload 2: C reset with Cease/Other Configuration Change and back with hold time 30 s; A's new description did not reset it"

# ---- reload 3: a global change is refused, nothing moves ----
before=$(vt_ctl "$L1" -j show bgp summary | jq -c '[.neighbors[] | {neighbor, state, established_count}]')
conf 65009 "10.0.0.2 65002 description: spine-a" "10.0.0.4 65004 hold_time: 30" > "$VT_TMP/leaf1.yaml"
out=$(vt_ctl "$L1" reload 2>&1) && vt_fail "reload 3: a changed bgp.asn was accepted: $out"
echo "$out" | grep -qE "leaf1.yaml:[0-9]+:[0-9]+: .*bgp.asn.*restart" ||
	vt_fail "reload 3: the refusal does not name the file, line, column and bgp.asn: $out"
after=$(vt_ctl "$L1" -j show bgp summary | jq -c '[.neighbors[] | {neighbor, state, established_count}]')
[ "$after" = "$before" ] || vt_fail "reload 3: the refused reload changed the sessions: $before -> $after"
vt_ctl "$L1" -j show bgp summary | jq -e '.asn == 65001' >/dev/null || vt_fail "reload 3: the running asn changed"
frr_up 4 || vt_fail "reload 3: C's session went down"
a_unbroken "reload 3"
vt_pass "reload 3: a changed bgp.asn is refused ($(echo "$out" | head -1)); every session stays up"
