#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Container ports at run time and the MAC table's aging, through vtepctl:
# attach by netns name and by PID, errors are one clear line and a non-zero exit, aging
# removes learned MACs, detach removes the veth and the XDP program, a killed vtepd's
# ports are taken again by the next start (its XDP programs removed), and a clean exit
# leaves nothing behind but the container veths the next start takes again (t19 has more).
source "$(dirname "$0")/lib.sh"

vt_fabric 2
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
for i in 1 2; do
	{ vt_conf_base "${VT_P}-leaf$i" "10.0.0.$i" 3; cat <<EOF2; } > "$VT_TMP/leaf$i.yaml"
vnis:
  - vni: 100
    flood: [10.0.0.$((3 - i))]
  - vni: 300
    learning: false
EOF2
done
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
# Leaf 2 runs without hugepages: a clear warning, and everything below still works.
VTEPD_NO_HUGEPAGES=1 vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
grep -q "hugepages not usable (VTEPD_NO_HUGEPAGES is set): running without them" "$VT_TMP/$L2.log" ||
	vt_fail "no warning about running without hugepages: $(head -5 "$VT_TMP/$L2.log")"
[ "$(vt_ctl "$L2" -j show stats | jq '.fastpath.hugepages')" = false ] || vt_fail "show stats does not say hugepages: false"

# Attach by name on leaf 1, by PID on leaf 2 (a process sleeping in the container namespace).
vt_ctl "$L1" attach c1 vni 100 netns "${VT_P}c1" mac 02:00:00:00:01:01 ip 192.168.20.1/24 >/dev/null ||
	vt_fail "attach by netns name failed"
ip netns exec "${VT_P}c2" sleep 600 &
holder=$!
VT_PIDS+=("$holder")
# wait until the holder really is inside the namespace (ip netns exec setns()es, then execs)
want=$(stat -L -c %i "/run/netns/${VT_P}c2")
vt_wait_for 5 bash -c "[ \"\$(stat -L -c %i /proc/$holder/ns/net)\" = $want ]" || vt_fail "holder process not in ${VT_P}c2"
vt_ctl "$L2" attach c2 vni 100 pid "$holder" ifname veth7 mac 02:00:00:00:02:01 ip 192.168.20.2/24 mtu 1400 >/dev/null ||
	vt_fail "attach by pid failed"
link=$(ip -n "${VT_P}c2" -j link show veth7) || vt_fail "no veth7 inside the container of pid $holder"
echo "$link" | jq -e '.[0].mtu == 1400 and .[0].address == "02:00:00:00:02:01"' >/dev/null ||
	vt_fail "container interface veth7 lacks the MTU/MAC asked for: $link"
link=$(ip -n "${VT_P}c1" -j link show eth0) || vt_fail "no eth0 inside ${VT_P}c1"
echo "$link" | jq -e '.[0].mtu == 1450' >/dev/null || vt_fail "default container MTU is not underlay 1500 - 50: $link"
ip -n "${VT_P}l1" link show c1 | grep -q "xdp" || vt_fail "no XDP program on the host end c1"
vt_pass "attach by netns and by pid, with MAC, address and MTU"

vt_ping "${VT_P}c1" 192.168.20.2 || vt_fail "c1 -> c2 no reply after run-time attach"
vt_pass "run-time ports forward"

# Errors: one line on stderr, non-zero exit.
expect_error() {   # expected-substring, vtepctl args...
	local want=$1 out rc; shift
	out=$("$VTEPCTL" "$@" 2>&1 >/dev/null); rc=$?
	[ "$rc" -ne 0 ] || vt_fail "vtepctl $* succeeded, expected an error"
	[ "$(echo "$out" | wc -l)" -eq 1 ] || vt_fail "vtepctl $*: error is not one line: $out"
	echo "$out" | grep -q -- "$want" || vt_fail "vtepctl $*: error '$out' does not say '$want'"
}
expect_error "VNI 555 is not configured" -n "$L1" attach c9 vni 555 netns "${VT_P}c1"
expect_error "already attached" -n "$L1" attach c1 vni 100 netns "${VT_P}c1"
expect_error "network namespace" -n "$L1" attach c9 vni 100 netns "${VT_P}nosuchns"
expect_error "exactly one of" -n "$L1" attach c9 vni 100
expect_error "MTU 9001 out of range (68 to 9000)" -n "$L1" attach c9 vni 100 netns "${VT_P}c1" mtu 9001
expect_error "bad MAC" -n "$L1" attach c9 vni 100 netns "${VT_P}c1" mac 01:00:00:00:00:01
expect_error "no port named" -n "$L1" detach nosuch
expect_error "unknown command" -n "$L1" show bogus
expect_error "cannot connect" -n "${VT_P}-nosuchleaf" show ports
ip -n "${VT_P}l1" link show c9 >/dev/null 2>&1 && vt_fail "a failed attach left interface c9 behind"
for cmd in "show vnis" "show macs" "show ports" "show vteps" "show stats"; do
	vt_ctl "$L1" -j $cmd | jq -e 'type == "object"' >/dev/null || vt_fail "vtepctl -j $cmd is not a JSON object"
done
vt_pass "vtepctl errors are one clear line; every show command gives JSON"

# Aging (3 s): learned MACs go away when the containers are quiet; a port's own MAC (attached
# with 'mac') stays while the port does (pinned to it, issue 12).
vt_ctl "$L1" -j show macs | jq -e '[.macs[] | select(.mac == "02:00:00:00:02:01")] | length == 1' >/dev/null ||
	vt_fail "remote MAC not learned before aging"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show macs | jq -c '[.macs[].mac]')\" = '[\"02:00:00:00:01:01\"]' ]" ||
	vt_fail "MACs did not age out (or c1's own went): $(vt_ctl "$L1" show macs)"
[ "$(vt_ctl "$L1" -j show stats | jq '.fdb.aged')" -ge 1 ] || vt_fail "aged counter not incremented"
vt_pass "aging removes learned MACs, a port's own MAC stays"

# Detach: veth, peer and XDP gone; the container keeps its namespace.
vt_ctl "$L1" detach c1 >/dev/null || vt_fail "detach failed"
ip -n "${VT_P}l1" link show c1 >/dev/null 2>&1 && vt_fail "host end c1 still exists after detach"
ip -n "${VT_P}c1" link show eth0 >/dev/null 2>&1 && vt_fail "container end still exists after detach"
[ "$(vt_ctl "$L1" -j show ports | jq '.ports | length')" = 1 ] || vt_fail "detached port still listed"
vt_pass "detach removes the veth pair and the XDP program"

# Kill -9 leaves the port (and XDP programs) behind; the next vtepd takes the port again.
vt_ctl "$L1" attach c1 vni 100 netns "${VT_P}c1" >/dev/null || vt_fail "re-attach failed"
idx=$(ip -n "${VT_P}c1" -j link show eth0 | jq '.[0].ifindex')
eval "pid=\$VT_PID_${VT_P}_leaf1"
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
ip -n "${VT_P}l1" link show c1 >/dev/null 2>&1 || vt_fail "expected c1 to survive kill -9 (test premise)"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
[ "$(ip -n "${VT_P}c1" -j link show eth0 | jq '.[0].ifindex')" = "$idx" ] ||
	vt_fail "restart did not keep c1's container interface"
vt_ctl "$L1" -j show ports | jq -e '[.ports[] | select(.name == "c1")] | length == 1' >/dev/null ||
	vt_fail "restart did not take c1 again: $(vt_ctl "$L1" show ports)"
grep -q "left by a killed vtepd" "$VT_TMP/$L1.log" || vt_fail "restart did not report the XDP program it removed"
vt_pass "a restart takes the ports of a killed vtepd again"

# Detach leaves nothing behind; a clean exit leaves only the container veths and their list.
vt_ctl "$L1" attach c9 vni 100 netns "${VT_P}c2" ifname eth9 >/dev/null || vt_fail "attach c9 failed"
vt_ctl "$L1" detach c9 >/dev/null || vt_fail "detach c9 failed"
ip -n "${VT_P}l1" link show c9 >/dev/null 2>&1 && vt_fail "c9 left behind after detach"
ip -n "${VT_P}c2" link show eth9 >/dev/null 2>&1 && vt_fail "c9's container end left behind after detach"
grep -q " c9 " "/run/vtepd/$L1.ports" && vt_fail "c9 still in the state file after detach"
eval "pid=\$VT_PID_${VT_P}_leaf1"
kill -TERM "$pid"; wait "$pid" 2>/dev/null
ip -n "${VT_P}l1" link show c1 >/dev/null 2>&1 || vt_fail "c1's veth did not stay after SIGTERM"
ip -n "${VT_P}l1" link show c1 | grep -q xdp && vt_fail "XDP program left on c1 after SIGTERM"
ip -n "${VT_P}l1" link show ul0 | grep -q xdp && vt_fail "XDP program left on the underlay after SIGTERM"
[ -e "/run/vtepd/$L1.sock" ] && vt_fail "control socket left behind"
grep -q "^af_xdp c1 runtime 100 " "/run/vtepd/$L1.ports" || vt_fail "state file does not list c1 after SIGTERM"
nsino=$(ip netns exec "${VT_P}l1" stat -L -c %i /proc/self/ns/net)
[ -e "/run/vtepd/xdp-$nsino-ul0.lock" ] && vt_fail "underlay lock file left behind"
vt_pass "detach leaves nothing behind; a clean exit leaves only the container veths"
