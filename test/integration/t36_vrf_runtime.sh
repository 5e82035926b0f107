#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# VRFs created and deleted at run time (vtepctl vrf add / vrf del, doc/vrfs.md), issue 15.
# Two vtepd leaves in iBGP (AS 65000, peering directly on the underlay bridge), each with
# memory for two run-time VRFs (fastpath.runtime_vrfs: 2) and config VRF tenant (L3 VNI 900001)
# with c1 in VNI 100 (192.168.100.0/24) on leaf 1 and c2 in VNI 101 (192.168.101.0/24) on leaf 2,
# so c1 -> c2 is routed across the leaves over tenant's L3 VNI. Asserted:
#  - a ping from c1 to c2 every 20 ms runs while VRFs are added and deleted 6 times on both
#    leaves and VRF blue is made and used: not one reply is missing (no gap in icmp_seq);
#  - run-time VRF blue (L3 VNI 5000, advertising 10.99.0.0/16), added on both leaves, with VNIs
#    300 and 301 (gateways) added into it on leaf 1 and VNI 302 on leaf 2: d1 (300) pings e1
#    (301) on leaf 1 through the gateway, and d2 (302) on leaf 2 across the leaves (symmetric
#    IRB: d1's host route at leaf 2 is a remote route with L3 VNI 5000, from its type-2 route
#    with two labels, leaf 2 counts what it routed from the L3 VNI); 10.99.0.0/16 is a type-5
#    route at leaf 2 imported into blue; blue and tenant stay apart;
#  - vrf del blue while VNIs are in it is refused (EBUSY, naming them) and changes nothing;
#    bad vrf add / vrf del arguments are refused with a clear error;
#  - a restart (SIGTERM, start) keeps run-time VRF blue, its VNIs and their run-time ports;
#  - after detach and vni del, vrf del blue on leaf 1 withdraws: leaf 2 no longer has leaf 1's
#    type-5 route 10.99.0.0/16 nor d1's host route, and the state file is gone.
source "$(dirname "$0")/lib.sh"

vt_fabric 2
for c in c1 c2 d1 e1 d2; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
for i in 1 2; do
	o=$((3 - i))
	{ vt_conf_l3_base "${VT_P}-leaf$i" "10.0.0.$i" | sed 's/^  mbufs: .*/&\n  runtime_vrfs: 2/'; cat <<EOF; } > "$VT_TMP/leaf$i.yaml"
vnis:
  - {vni: 10$((i - 1)), vrf: tenant, gateway: 192.168.10$((i - 1)).254/24}
ports:
  - {name: c$i, vni: 10$((i - 1)), netns: ${VT_P}c$i, mac: "02:00:00:00:0$i:01", ip: 192.168.10$((i - 1)).$i/24}
bgp:
  asn: 65000
  neighbors:
    - {address: 10.0.0.$o, remote_as: 65000}
EOF
	grep -q "^  runtime_vrfs: 2" "$VT_TMP/leaf$i.yaml" || vt_fail "leaf $i's config lacks runtime_vrfs"
done
# reach SECONDS NS ADDR: ADDR answers a ping from NS within SECONDS (a deadline, not a count of tries)
reach() { timeout "$1" bash -c "until ip netns exec '$2' ping -c 1 -W 1 '$3' >/dev/null 2>&1; do sleep 0.1; done"; }
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
ip -n "${VT_P}c1" route add default via 192.168.100.254
ip -n "${VT_P}c2" route add default via 192.168.101.254
vt_bgp_established "$L1" "leaf 1's session with leaf 2"
vt_bgp_established "$L2" "leaf 2's session with leaf 1"
reach 20 "${VT_P}c1" 192.168.101.2 || vt_fail "c1 cannot ping c2 through VRF tenant"
vt_pass "two leaves in iBGP, c1 (VNI 100) -> c2 (VNI 101) routed across the leaves in config VRF tenant"

# t5 L FROM PREFIX: the number of type-5 routes L has from VTEP FROM for PREFIX
t5() { vt_ctl "$1" -j show bgp evpn type 5 | jq --arg n "$2" --arg p "$3" '[.routes[] | select(.nexthop == $n and .prefix == $p)] | length'; }
t5_is() { [ "$(t5 "$1" "$2" "$3")" = "$4" ]; }
# route L VRF PREFIX: the row of PREFIX in show routes vrf VRF (JSON), or nothing
route() { vt_ctl "$1" -j show routes vrf "$2" 2>/dev/null | jq -c ".routes[] | select(.prefix == \"$3\")"; }
remote_in_blue() { # L PREFIX VTEP: PREFIX is an installed remote route of VRF blue via VTEP over L3 VNI 5000
	route "$1" blue "$2" | jq -e --arg v "$3" '.nexthop == "remote" and .vtep == $v and .vni == 5000 and .installed' >/dev/null
}
has_vrf() { vt_ctl "$1" -j show vrfs | jq -e --arg n "$2" '[.vrfs[].name] | index($n) != null' >/dev/null; }

# ---- the ping in VRF tenant that must not lose one reply ----
vt_ping_start "${VT_P}c1" 192.168.101.2 "$VT_TMP/ping.log"

# ---- churn: VRFs added and deleted 6 times on both leaves, a VNI in one of them each time ----
for k in $(seq 6); do
	for L in "$L1" "$L2"; do
		out=$(vt_ctl "$L" vrf add "tmp$k" l3vni $((6000 + k)) max_ipv4_routes 1024 max_ipv6_routes 1024 advertise "10.77.$k.0/24" 2>&1) ||
			vt_fail "$L: vrf add tmp$k: $out"
		out=$(vt_ctl "$L" vni add $((1000 + k)) vrf "tmp$k" gateway "10.78.$k.1/24" 2>&1) || vt_fail "$L: vni add $((1000 + k)): $out"
	done
	vt_wait_for 10 t5_is "$L2" 10.0.0.1 "10.77.$k.0/24" 1 ||
		vt_fail "leaf 2 did not get leaf 1's type-5 route 10.77.$k.0/24 of VRF tmp$k: $(vt_ctl "$L2" show bgp evpn type 5)"
	for L in "$L1" "$L2"; do
		out=$(vt_ctl "$L" vni del $((1000 + k)) 2>&1) || vt_fail "$L: vni del $((1000 + k)): $out"
		out=$(vt_ctl "$L" vrf del "tmp$k" 2>&1) || vt_fail "$L: vrf del tmp$k: $out"
	done
done
for L in "$L1" "$L2"; do
	n=$(vt_ctl "$L" -j show vrfs | jq '.vrfs | length')
	[ "$n" = 1 ] || vt_fail "$L: $n VRFs after the churn (expected tenant alone): $(vt_ctl "$L" show vrfs)"
done
vt_wait_for 10 t5_is "$L2" 10.0.0.1 10.77.6.0/24 0 ||
	vt_fail "leaf 2 kept a type-5 route of leaf 1's deleted VRF: $(vt_ctl "$L2" show bgp evpn type 5)"
vt_pass "VRFs added and deleted 6 times on both leaves (with a VNI each), their type-5 routes announced and withdrawn"

# ---- run-time VRF blue on both leaves, its VNIs and containers ----
for L in "$L1" "$L2"; do
	out=$(vt_ctl "$L" vrf add blue l3vni 5000 max_ipv4_routes 1024 max_ipv6_routes 1024 advertise 10.99.0.0/16 2>&1) ||
		vt_fail "$L: vrf add blue: $out"
done
vt_ctl "$L1" vni add 300 vrf blue gateway 10.30.0.254/24 >/dev/null || vt_fail "leaf 1: vni add 300"
vt_ctl "$L1" vni add 301 vrf blue gateway 10.31.0.254/24 >/dev/null || vt_fail "leaf 1: vni add 301"
vt_ctl "$L2" vni add 302 vrf blue gateway 10.32.0.254/24 >/dev/null || vt_fail "leaf 2: vni add 302"
vt_ctl "$L1" attach d1 vni 300 netns "${VT_P}d1" mac 02:00:00:00:01:30 ip 10.30.0.1/24 >/dev/null || vt_fail "attach d1"
vt_ctl "$L1" attach e1 vni 301 netns "${VT_P}e1" mac 02:00:00:00:01:31 ip 10.31.0.1/24 >/dev/null || vt_fail "attach e1"
vt_ctl "$L2" attach d2 vni 302 netns "${VT_P}d2" mac 02:00:00:00:02:32 ip 10.32.0.2/24 >/dev/null || vt_fail "attach d2"
gw_routes() {
	ip -n "${VT_P}d1" route replace default via 10.30.0.254
	ip -n "${VT_P}e1" route replace default via 10.31.0.254
	ip -n "${VT_P}d2" route replace default via 10.32.0.254
}
gw_routes
reach 10 "${VT_P}d1" 10.30.0.254 || vt_fail "d1 cannot ping its gateway in run-time VRF blue"
reach 10 "${VT_P}d1" 10.31.0.1 || vt_fail "d1 (VNI 300) cannot ping e1 (VNI 301) on leaf 1 through VRF blue"
vt_pass "run-time VRF blue on leaf 1: d1 (VNI 300) -> e1 (VNI 301) routed through the gateway"

reach 20 "${VT_P}d1" 10.32.0.2 || vt_fail "d1 (leaf 1) cannot ping d2 (leaf 2) in run-time VRF blue"
vt_ping "${VT_P}d2" 10.31.0.1 || vt_fail "d2 (leaf 2) cannot ping e1 (leaf 1) in run-time VRF blue"
vt_wait_for 10 remote_in_blue "$L2" 10.30.0.1/32 10.0.0.1 ||
	vt_fail "leaf 2 has no remote host route 10.30.0.1/32 in blue via L3 VNI 5000: $(vt_ctl "$L2" show routes vrf blue)"
vt_wait_for 10 remote_in_blue "$L1" 10.32.0.2/32 10.0.0.2 ||
	vt_fail "leaf 1 has no remote host route 10.32.0.2/32 in blue via L3 VNI 5000: $(vt_ctl "$L1" show routes vrf blue)"
route "$L2" blue 10.30.0.1/32 | jq -e '.source == "host"' >/dev/null ||
	vt_fail "leaf 2's route to d1 is not from its MAC+IP route (type 2, two labels): $(route "$L2" blue 10.30.0.1/32)"
routed=$(vt_ctl "$L2" -j show stats | jq '.vrfs[] | select(.vrf == "blue") | .routed_from_l3vni')
[ "${routed:-0}" -gt 0 ] || vt_fail "leaf 2 routed nothing from blue's L3 VNI: $(vt_ctl "$L2" -j show stats | jq -c .vrfs)"
vt_wait_for 10 remote_in_blue "$L2" 10.99.0.0/16 10.0.0.1 ||
	vt_fail "leaf 2 did not import leaf 1's type-5 route 10.99.0.0/16 into blue: $(vt_ctl "$L2" show routes vrf blue)"
ip netns exec "${VT_P}d1" ping -c 3 -i 0.2 -W 1 192.168.101.2 >/dev/null 2>&1 && vt_fail "d1 (VRF blue) reaches c2 (VRF tenant)"
vt_ctl "$L1" -j show vrfs | jq -e '[.vrfs[] | {(.name): .origin}] | add == {"tenant": "config", "blue": "runtime"}' >/dev/null ||
	vt_fail "show vrfs does not mark tenant config and blue runtime: $(vt_ctl "$L1" show vrfs)"
vt_pass "d1 -> d2 across the leaves in blue (symmetric IRB over L3 VNI 5000, $routed routed at leaf 2), type 5 imported, tenant apart"

# ---- the ping in VRF tenant saw all of it ----
vt_ping_no_loss "$VT_TMP/ping.log" "the routed ping in VRF tenant" 100

# ---- vrf del with VNIs in it: refused, nothing changes; bad arguments ----
out=$(vt_ctl "$L1" vrf del blue 2>&1) && vt_fail "vrf del blue with VNIs in it was accepted: $out"
echo "$out" | grep -q "VRF 'blue' has 2 VNIs in it: 300, 301" || vt_fail "vrf del blue (busy) said: $out"
has_vrf "$L1" blue || vt_fail "VRF blue went after a refused vrf del"
vt_ping "${VT_P}d1" 10.32.0.2 1 || vt_fail "d1 -> d2 broke after a refused vrf del"
bad() {   # expected-text args...
	local want=$1 out
	shift
	out=$(vt_ctl "$L1" "$@" 2>&1) && vt_fail "'$*' was accepted: $out"
	echo "$out" | grep -qF "$want" || vt_fail "'$*' said '$out' (expected '$want')"
}
bad "VRF 'blue' already exists" vrf add blue l3vni 5001
bad "l3vni 900001 is the L3 VNI of VRF 'tenant'" vrf add red l3vni 900001
bad "l3vni 300 is an L2 VNI" vrf add red l3vni 300
bad "needs 'l3vni N'" vrf add red
bad "bad l3vni '0'" vrf add red l3vni 0
bad "'default' is reserved" vrf add default l3vni 7
bad "bad VRF name 'r.d'" vrf add r.d l3vni 7
bad "unknown or repeated option 'rd'" vrf add red l3vni 7 rd 1:1
bad "bad max_ipv4_routes '10'" vrf add red l3vni 7 max_ipv4_routes 10
bad "advertise: 10.9.0.1/16 has host bits set" vrf add red l3vni 7 advertise 10.9.0.1/16
bad "fastpath.runtime_vrfs" vrf add red l3vni 7 max_ipv4_routes 16777216 max_ipv6_routes 4194304
bad "VRF 'nosuch' does not exist" vrf del nosuch
bad "usage: vrf del NAME" vrf del blue tenant
[ "$(vt_ctl "$L1" -j show vrfs | jq -c '[.vrfs[].name]')" = '["tenant","blue"]' ] ||
	vt_fail "the VRFs changed after refused commands: $(vt_ctl "$L1" -j show vrfs | jq -c '[.vrfs[].name]')"
vt_pass "vrf del blue with VNIs 300 and 301 in it refused ($out); bad vrf add / del refused, nothing changed"

# ---- restart: the run-time VRF, its VNIs and run-time ports come back ----
eval "pid=\$VT_PID_${VT_P}_leaf1"
kill -TERM "$pid"
wait "$pid" || vt_fail "leaf 1 exited with status $? on SIGTERM"
grep -q "^blue l3vni 5000 max_ipv4_routes 1024 max_ipv6_routes 1024 advertise 10.99.0.0/16\$" "/run/vtepd/$L1.vrfs" ||
	vt_fail "the state file lacks VRF blue: $(cat "/run/vtepd/$L1.vrfs")"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_ctl "$L1" -j show vrfs | jq -e '.vrfs[] | select(.name == "blue" and .origin == "runtime" and .l3vni == 5000)' >/dev/null ||
	vt_fail "after the restart VRF blue is not back: $(vt_ctl "$L1" show vrfs)"
vt_ctl "$L1" -j show vnis | jq -e '[.vnis[] | select(.vrf == "blue" and .ports == 1) | .vni] == [300, 301]' >/dev/null ||
	vt_fail "after the restart VNIs 300 and 301 are not back in blue with their ports: $(vt_ctl "$L1" show vnis)"
gw_routes
vt_bgp_established "$L1" "leaf 1's session after its restart"
reach 20 "${VT_P}d1" 10.32.0.2 || vt_fail "after the restart d1 cannot ping d2 in blue"
vt_ping "${VT_P}d1" 10.31.0.1 || vt_fail "after the restart d1 cannot ping e1 in blue"
vt_pass "restart: run-time VRF blue, its VNIs 300 and 301 and ports d1 and e1 are back, d1 -> d2 and e1 ping"

# ---- detach, vni del, then vrf del withdraws at the other leaf ----
vt_ctl "$L1" detach d1 >/dev/null || vt_fail "detach d1"
vt_ctl "$L1" detach e1 >/dev/null || vt_fail "detach e1"
vt_ctl "$L1" vni del 300 >/dev/null || vt_fail "vni del 300"
vt_ctl "$L1" vni del 301 >/dev/null || vt_fail "vni del 301"
out=$(vt_ctl "$L1" vrf del blue 2>&1) || vt_fail "vrf del blue after its VNIs went: $out"
has_vrf "$L1" blue && vt_fail "VRF blue is still listed after vrf del"
vt_wait_for 10 t5_is "$L2" 10.0.0.1 10.99.0.0/16 0 ||
	vt_fail "leaf 2 still has leaf 1's type-5 route 10.99.0.0/16: $(vt_ctl "$L2" show bgp evpn type 5)"
[ -z "$(route "$L2" blue 10.99.0.0/16)" ] || vt_fail "leaf 2's blue kept 10.99.0.0/16: $(vt_ctl "$L2" show routes vrf blue)"
vt_wait_for 10 bash -c "[ -z \"\$('$VTEPCTL' -n $L2 -j show routes vrf blue | jq -c '.routes[] | select(.prefix == \"10.30.0.1/32\")')\" ]" ||
	vt_fail "leaf 2's blue kept d1's host route: $(vt_ctl "$L2" show routes vrf blue)"
[ ! -e "/run/vtepd/$L1.vrfs" ] || vt_fail "the state file still lists: $(cat "/run/vtepd/$L1.vrfs")"
vt_ping "${VT_P}c1" 192.168.101.2 1 || vt_fail "c1 -> c2 in VRF tenant broke after vrf del blue"
vt_pass "after its VNIs went, vrf del blue withdrew its type-5 route at leaf 2; VRF tenant untouched"
