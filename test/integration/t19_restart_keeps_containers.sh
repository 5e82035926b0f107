#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Restarting vtepd keeps the containers connected (issue 12): a ping runs from a container
# through leaf 1 while leaf 1's vtepd is stopped and started again, once with SIGTERM and
# once with SIGKILL. Afterwards the container's interface has the same index, address and
# routes, the ping went on with replies missing only while vtepd was down, and the ports
# attached at run time with vtepctl are back (an AF_XDP one, and a memif one that listens
# again). detach still removes a port entirely, and a configuration port taken out of the
# configuration is removed by the next start.
source "$(dirname "$0")/lib.sh"

vt_fabric 2
for c in c1 c2 r1 c3; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
vt_leaf_conf 1 1500 "10.0.0.2" c1 192.168.30.1 02:00:00:00:01:01 1450 c3 192.168.30.3 02:00:00:00:01:03 1450
vt_leaf_conf 2 1500 "10.0.0.1" c2 192.168.30.2 02:00:00:00:02:01 1450
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
vt_ctl "$L1" attach r1 vni 100 netns "${VT_P}r1" mac 02:00:00:00:01:11 ip 192.168.30.11/24 >/dev/null ||
	vt_fail "run-time attach of r1 failed"
vt_ctl "$L1" attach m1 vni 100 memif auto >/dev/null || vt_fail "run-time attach of memif m1 failed"
VT_FILES+=("/run/vtepd/$L1-m1.memif")
ip -n "${VT_P}c1" route add 10.99.0.0/16 via 192.168.30.2 || vt_fail "cannot add a route in ${VT_P}c1"
vt_ping "${VT_P}c1" 192.168.30.2 || vt_fail "c1 -> c2 does not work before any restart"
vt_ping "${VT_P}r1" 192.168.30.2 || vt_fail "r1 -> c2 does not work before any restart"

# What the containers have: interface index, address, routes.
snapshot() {   # container -> one line
	local ns=${VT_P}$1
	echo "$(ip -n "$ns" -j link show eth0 | jq -c '[.[0].ifindex, .[0].address, .[0].mtu]')" \
		"$(ip -n "$ns" -j addr show dev eth0 | jq -c '[.[0].addr_info[] | select(.family == "inet") | .local + "/" + (.prefixlen | tostring)]')" \
		"$(ip -n "$ns" route show | sort | tr '\n' ';')"
}
before_c1=$(snapshot c1) before_r1=$(snapshot r1)

# A ping with a timestamp per reply, through both restarts.
ip netns exec "${VT_P}c1" ping -D -i 0.2 -W 1 192.168.30.2 > "$VT_TMP/ping.log" 2>&1 &
pinger=$!
VT_PIDS+=("$pinger")
sleep 2

restart() {   # signal: sets down (seconds from the kill until vtepd answers again) and t_ready
	local sig=$1 pid t0 rc
	eval "pid=\$VT_PID_${VT_P}_leaf1"
	t0=$(date +%s.%N)
	kill "-$sig" "$pid"
	wait "$pid"; rc=$?
	if [ "$sig" = TERM ] && [ "$rc" -ne 0 ]; then vt_fail "vtepd exited with status $rc on SIGTERM"; fi
	vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
	t_ready=$(date +%s.%N)
	down=$(echo "$t_ready - $t0" | bc)
}

check_after() {   # what, down-seconds
	local what=$1 down=$2 gap n_after
	[ "$(snapshot c1)" = "$before_c1" ] ||
		vt_fail "after $what: c1's interface changed: before '$before_c1', after '$(snapshot c1)'"
	[ "$(snapshot r1)" = "$before_r1" ] ||
		vt_fail "after $what: r1's interface changed: before '$before_r1', after '$(snapshot r1)'"
	vt_ctl "$L1" -j show ports | jq -e '[.ports[].name] | index("r1") != null and index("c1") != null and index("m1") != null' >/dev/null ||
		vt_fail "after $what: ports c1, r1 and m1 are not all attached: $(vt_ctl "$L1" show ports)"
	[ -S "/run/vtepd/$L1-m1.memif" ] || vt_fail "after $what: memif m1's socket is not there"
	vt_ping "${VT_P}r1" 192.168.30.2 || vt_fail "after $what: r1 (attached at run time) does not reach c2"
	# the running ping: replies again after the restart, and no gap longer than the restart
	vt_wait_for 10 bash -c "awk -v t=$t_ready '/bytes from/ { gsub(/[\\[\\]]/, \"\", \$1); if (\$1 > t) n++ } END { exit !(n >= 5) }' '$VT_TMP/ping.log'" ||
		vt_fail "after $what: the ping from c1 did not resume: $(tail -3 "$VT_TMP/ping.log")"
	gap=$(awk '/bytes from/ { gsub(/[\[\]]/, "", $1); if (last && $1 - last > max) max = $1 - last; last = $1 } END { printf "%.1f", max }' "$VT_TMP/ping.log")
	[ "$(echo "$gap <= $down + 3" | bc)" = 1 ] ||
		vt_fail "after $what: the ping lost ${gap} s of replies, more than the restart (${down} s) and 3 s"
	vt_pass "$what: c1 and r1 keep index, address and routes; the ping went on (longest gap ${gap} s, vtepd down ${down} s)"
}

restart TERM
check_after "SIGTERM and start" "$down"
restart KILL
grep -q "removed XDP program 'vtep_xdp_underl' (id [0-9]*) left by a killed vtepd" "$VT_TMP/$L1.log" ||
	vt_fail "the start after SIGKILL did not report the program it removed: $(head -20 "$VT_TMP/$L1.log")"
check_after "SIGKILL and start" "$down"
kill "$pinger" 2>/dev/null; wait "$pinger" 2>/dev/null

# detach removes a port entirely: veth, container end, state; a restart does not bring it back.
vt_ctl "$L1" detach r1 >/dev/null || vt_fail "detach r1 failed"
ip -n "${VT_P}l1" link show r1 >/dev/null 2>&1 && vt_fail "host end r1 still exists after detach"
ip -n "${VT_P}r1" link show eth0 >/dev/null 2>&1 && vt_fail "r1's container end still exists after detach"
grep -q "^af_xdp r1 " "/run/vtepd/$L1.ports" && vt_fail "r1 still listed in the state file after detach"
# c3 leaves the configuration: the next start removes it.
vt_leaf_conf 1 1500 "10.0.0.2" c1 192.168.30.1 02:00:00:00:01:01 1450
eval "pid=\$VT_PID_${VT_P}_leaf1"
kill -TERM "$pid"; wait "$pid" || vt_fail "vtepd exited with an error on SIGTERM"
ip -n "${VT_P}c3" link show eth0 >/dev/null 2>&1 || vt_fail "c3's interface did not survive a clean exit"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
ip -n "${VT_P}l1" link show r1 >/dev/null 2>&1 && vt_fail "restart brought back the detached r1"
ip -n "${VT_P}l1" link show c3 >/dev/null 2>&1 && vt_fail "restart kept c3, which is no longer in the configuration"
ip -n "${VT_P}c3" link show eth0 >/dev/null 2>&1 && vt_fail "c3's container end survived its removal from the configuration"
grep -q "removed port c3 left behind by a previous vtepd (no longer in the configuration)" "$VT_TMP/$L1.log" ||
	vt_fail "restart did not report removing c3"
[ "$(snapshot c1)" = "$before_c1" ] || vt_fail "c1 changed on the restart that removed c3"
vt_ping "${VT_P}c1" 192.168.30.2 || vt_fail "c1 -> c2 after removing c3"
vt_pass "detach removes a port for good; a port taken out of the configuration goes on the next start"

# A state file that names the underlay (tampered with, or damaged) never gets it removed.
eval "pid=\$VT_PID_${VT_P}_leaf1"
kill -TERM "$pid"; wait "$pid" || vt_fail "vtepd exited with an error on SIGTERM"
echo "af_xdp ul0 runtime 100 ${VT_P}c3 0 eth0 - - 1450" >> "/run/vtepd/$L1.ports"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
grep -q "ignoring port ul0: it is the underlay" "$VT_TMP/$L1.log" || vt_fail "no warning about the state file naming ul0"
vt_ping "${VT_P}c1" 192.168.30.2 || vt_fail "c1 -> c2 after a state file that names the underlay"
vt_pass "a state file naming the underlay leaves it alone"
