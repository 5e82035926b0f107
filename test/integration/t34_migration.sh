#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vt-suite: once
# Live migration of a podman container between two leaves (issue 15, doc/cni.md): three vtepd
# leaves in an iBGP full mesh (AS 65535, VNI 100), a podman storage root per leaf standing for
# a host, each with its own conflist for the same network name (its own vtepd, host-local leases
# of its own). Container X (fixed MAC and IP, given as --mac-address/--ip: podman 4.3 passes them
# to vtepd-cni as CNI_ARGS MAC=/IP=) starts on leaf 1; peer P on leaf 3 pings it every 50 ms
# from before the first move to the end, so leaf 3 has learned X at leaf 1 first.
#   Move 1, leaf 1 -> leaf 2, break before make, the order of podman's checkpoint and restore:
#     with CRIU, `podman container checkpoint --export` on root 1 and `podman container restore
#     --import` on root 2; where CRIU cannot work (criu check fails, as on kernels whose vDSO it
#     does not know) that step is skipped with the reason printed and the same move is made by
#     `podman rm` on root 1 (CNI DEL) and `podman run --mac-address M --ip X` on root 2 (CNI ADD).
#   Move 2, leaf 2 -> leaf 1, make before break, as when the source still holds the port while
#     the copy starts elsewhere: X frozen on leaf 2 (`podman pause`, the cgroup freezer CRIU
#     also uses, its interface down so that its namespace is silent, as CRIU's network lock makes it), started on
#     leaf 1 with the same MAC and IP, then removed on leaf 2. Leaf 1 must
#     advertise with the mobility sequence raised past leaf 2's, and leaf 2 withdraw its route
#     for X while X's port is still attached there.
#   Move 3, leaf 1 -> leaf 2 make before break again, rolled back: the copy on leaf 2 is removed
#     while X is still attached, frozen and silent, at leaf 1: leaf 1 must take X's MAC back and
#     advertise it before X speaks again (fabric_reclaim_ports), then X resumes.
# After each move: P reaches X; every leaf's MAC table and `show bgp evpn` have X at the new leaf
# only, the sequence as RFC 7432 section 15 says; the gap P saw (first ping lost to the first
# answered again) is measured and printed, with the pings lost. Skips (exit 0, "SKIP:") only when
# podman, runc, conmon or busybox-static is missing or podman cannot run a container here.
# As one command: VT_BUILD=$PWD/build bash test/integration/t34_migration.sh
source "$(dirname "$0")/lib.sh"
CNI=$VT_BUILD/cni/vtepd-cni
[ -x "$CNI" ] || vt_fail "$CNI is not built"
[ -x /usr/lib/cni/host-local ] || vt_fail "host-local is not installed (containernetworking-plugins; scripts/setup.sh installs it)"
skip() { echo "SKIP: $*"; exit 0; }
for b in podman conmon runc nsenter; do
	command -v "$b" >/dev/null || skip "$b is not installed (scripts/setup.sh installs it)"
done
[ -x /bin/busybox ] || skip "/bin/busybox (busybox-static) is not installed (scripts/setup.sh installs it)"
command -v ping >/dev/null && ping -V 2>&1 | grep -q iputils || vt_fail "iputils ping is not installed"

# podman, isolated as in t30 (see there and doc/cni.md): all its state under $VT_TMP, runc with
# its state there too, lower default ulimits, cgroups under a parent of this test's own. One
# storage root per leaf ("host"); containers.conf and the runc wrapper are shared.
PD=$VT_TMP/podman
vt_podman_conf "$PD"
CG=/${VT_P}-podman
# pm H ARGS: podman on host H's root (1, 2 or 3); pm_args H: its options in PMA
pm_args() {
	mkdir -p "$PD/h$1/net.d" "$PD/h$1/tmp"
	PMA=(--root "$PD/h$1/root" --runroot "$PD/h$1/runroot" --storage-driver vfs --tmpdir "$PD/h$1/tmp"
		--network-backend cni --network-config-dir "$PD/h$1/net.d" --cgroup-manager cgroupfs
		--events-backend file --runtime "$PD/bin/runc")
}
pm() { local PMA; pm_args "$1"; shift; podman "${PMA[@]}" "$@" 2>>"$VT_TMP/podman.log"; }
POD_CTRS=()                  # "H NAME" of every container made
PING_PID=
CNI_CACHE_MADE=0
[ -d /var/lib/cni ] || CNI_CACHE_MADE=1
pod_cleanup() {
	local hc c h pids p m
	[ -z "$PING_PID" ] || { kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; }
	for hc in "${POD_CTRS[@]}"; do
		h=${hc%% *} c=${hc#* }
		pids=$(pm "$h" inspect --format '{{.State.ConmonPid}} {{.State.Pid}}' "$c" 2>/dev/null)
		pm "$h" unpause "$c" >/dev/null 2>&1
		pm "$h" rm -f -t 0 "$c" >/dev/null 2>&1
		for p in $pids; do [ "$p" -gt 1 ] 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
	done
	while read -r m; do umount -l "$m" 2>/dev/null; done < <(awk -v t="$VT_TMP" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r)
	vt_cgroup_remove "$CG"
	[ $CNI_CACHE_MADE = 0 ] || rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null
	return 0
}
trap 'rc=$?; pod_cleanup; (exit $rc); vt_cleanup' EXIT

# The image: a busybox rootfs imported into root 1, then saved and loaded into roots 2 and 3 so
# that all three hold the same image ID (a restored container names its image by ID). Import
# and load run with an empty /var/lib of their own (podman's blob cache, see t30).
vt_busybox_tar "$PD/busybox.tar" sh sleep cat
own_varlib() { unshare -m --propagation private sh -c 'mount -t tmpfs vt-podman /var/lib && exec "$@"' sh "$@"; }
for h in 1 2 3; do
	pm_args "$h"
	if [ "$h" = 1 ]; then
		own_varlib podman "${PMA[@]}" import --change 'CMD ["/bin/sh"]' "$PD/busybox.tar" localhost/vt-busybox:t &&
			pm 1 save -o "$PD/image.tar" localhost/vt-busybox:t
	else
		own_varlib podman "${PMA[@]}" load -i "$PD/image.tar"
	fi >/dev/null 2>>"$VT_TMP/podman.log" || vt_fail "podman import/save/load (host $h) failed: $(tail -3 "$VT_TMP/podman.log")"
done
if ! out=$(pm 1 run --rm --cgroup-parent "$CG" --network none localhost/vt-busybox:t /bin/sh -c 'echo ok' 2>&1) ||
	[ "$out" != ok ]; then
	skip "podman cannot run a container on this machine: $out"
fi

# Three leaves, each peering with the other two (iBGP does not pass routes on: a full mesh).
vt_fabric 3
for i in 1 2 3; do
	{ vt_conf_base "${VT_P}-leaf$i" "10.0.0.$i"
	  printf 'vnis:\n  - vni: 100\nbgp:\n  asn: 65535\n  neighbors:\n'
	  for j in 1 2 3; do
		[ "$j" = "$i" ] || printf '    - {address: 10.0.0.%d, remote_as: 65535}\n' "$j"
	  done; } > "$VT_TMP/leaf$i.yaml"
	vt_vtepd "${VT_P}l$i" "${VT_P}-leaf$i" "$VT_TMP/leaf$i.yaml"
done
L=("" "${VT_P}-leaf1" "${VT_P}-leaf2" "${VT_P}-leaf3")
established() {
	local i
	for i in 1 2 3; do
		vt_ctl "${L[$i]}" -j show bgp summary |
			jq -e '[.neighbors[] | select(.state == "Established")] | length == 2' >/dev/null || return 1
	done
}
vt_wait_for 30 established || vt_fail "the three leaves did not all establish BGP: $(vt_ctl "${L[1]}" show bgp summary)"

# The same network on every host, each conflist naming that host's vtepd; host-local keeps
# each host's leases apart (its own dataDir). The range is the migrating container's on every
# host that may receive it: a requested address must lie in the host's range.
NET=${VT_P}vtep100
for i in 1 2 3; do
	mkdir -p "$PD/h$i/net.d"
	jq -n --arg net "$NET" --arg inst "${L[$i]}" --arg dir "$VT_TMP/ipam$i" \
		'{cniVersion: "1.0.0", name: $net,
		  plugins: [{type: "vtepd-cni", vtepd: $inst, vni: 100, mtu: 1450,
			     ipam: {type: "host-local", dataDir: $dir,
				    ranges: [[{subnet: "192.168.10.0/24", rangeStart: "192.168.10.10",
					       rangeEnd: "192.168.10.99"}]]}}]}' > "$PD/h$i/net.d/$NET.conflist"
done

X=${VT_P}x P=${VT_P}p
XMAC=02:00:5e:10:00:10 XIP=192.168.10.10 PIP=192.168.10.30
# run H NAME MAC IP: a container on host H's leaf with that MAC and address
run() {
	pm "$1" run -d --name "$2" --cgroup-parent "$CG" --network "$NET" --mac-address "$3" --ip "$4" \
		localhost/vt-busybox:t sleep 600 >/dev/null ||
		vt_fail "podman run on host $1 --mac-address $3 --ip $4 failed: $(tail -5 "$VT_TMP/podman.log")"
	POD_CTRS+=("$1 $2")
}
# port_of LEAF: "MAC IP" of the leaf's container ports
ports() { vt_ctl "$1" -j show ports | jq -r '.ports[] | select(.kind != "underlay") | "\(.mac) \(.ip)"'; }
run 1 "$X" "$XMAC" "$XIP"
run 3 "$P" 02:00:5e:10:00:30 "$PIP"
[ "$(ports "${L[1]}")" = "$XMAC $XIP/24" ] ||
	vt_fail "leaf 1's port for X is not $XMAC $XIP/24: $(vt_ctl "${L[1]}" show ports)"
out=$(pm 1 inspect --format "{{(index .NetworkSettings.Networks \"$NET\").MacAddress}} {{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$X")
[ "$out" = "$XMAC $XIP" ] || vt_fail "podman inspect X: '$out', not '$XMAC $XIP'"
vt_pass "podman run --mac-address --ip through vtepd-cni: X has its MAC and address at vtepd and in podman"

# mac_at I: "TYPE VTEP SEQ" of X's MAC in leaf I's MAC table
mac_at() { vt_ctl "${L[$1]}" -j show macs | jq -r --arg m "$XMAC" '.macs[] | select(.mac == $m) | "\(.type) \(.vtep // "-") \(.seq)"'; }
# routes_at I: X's type-2 routes at leaf I, one "NEXTHOP PEER SEQ BEST IP" a line, sorted
routes_at() {
	vt_ctl "${L[$1]}" -j show bgp evpn type 2 |
		jq -r --arg m "$XMAC" '.routes[] | select(.mac == $m) | "\(.nexthop) \(.peer) \(.seq) \(.best) \(.ip)"' | sort
}
# located N SEQ: every leaf has X at leaf N only: local there, remote at 10.0.0.N elsewhere, all
# with sequence SEQ, and no route for X from another VTEP anywhere
located() {
	local n=$1 seq=$2 i want r
	for i in 1 2 3; do
		if [ "$i" = "$n" ]; then want="local - $seq"; else want="remote 10.0.0.$n $seq"; fi
		[ "$(mac_at "$i")" = "$want" ] || return 1
		r=$(routes_at "$i")
		[ -n "$r" ] || return 1
		# the MAC-only and the MAC+IP route, both from leaf N with SEQ, nothing else
		[ "$(awk '{print $1, $3}' <<<"$r" | sort -u)" = "10.0.0.$n $seq" ] || return 1
		grep -q " $XIP\$" <<<"$r" || return 1
	done
}
state() {
	local i
	for i in 1 2 3; do
		echo "leaf $i: mac [$(mac_at "$i")] routes [$(routes_at "$i" | tr '\n' ';')]"
	done
}
vt_wait_for 10 located 1 0 || vt_fail "X is not at leaf 1 (sequence 0) everywhere: $(state)"

# P pings X every 50 ms from here on (iputils ping in P's namespace: -D timestamps, -O reports
# each unanswered one).
NSP=$(pm 3 inspect --format '{{.NetworkSettings.SandboxKey}}' "$P")
[ -e "$NSP" ] || vt_fail "P's network namespace '$NSP' does not exist"
nsenter --net="$NSP" ping -D -O -n -i 0.05 -W 1 "$XIP" > "$VT_TMP/ping.log" 2>&1 &
PING_PID=$!
last_seq() { awk '/bytes from/ { for (i = 1; i <= NF; i++) if ($i ~ /^icmp_seq=/) { split($i, a, "="); s = a[2] } } END { print s + 0 }' "$VT_TMP/ping.log"; }
answered_after() { [ "$(last_seq)" -gt "$1" ]; }
vt_wait_for 10 answered_after 5 || vt_fail "P does not reach X at leaf 1: $(tail -3 "$VT_TMP/ping.log")"
mac_at_p() { pm 3 exec "$P" cat /proc/net/arp | awk -v ip="$XIP" '$1 == ip { print $4 }'; }
[ "$(mac_at_p)" = "$XMAC" ] || vt_fail "P's ARP entry for X is not $XMAC: $(pm 3 exec "$P" cat /proc/net/arp)"
vt_pass "P (leaf 3) pings X (leaf 1) every 50 ms; leaf 3 has X at leaf 1"

# gap S0: P's pings after sequence S0: "GAP_MS LOST T_BACK": the first one unanswered after S0,
# the first answered after it (at T_BACK); the gap from when the first lost one was sent (the
# answer before it plus the interval) to that answer.
gap() {
	awk -v s0="$1" '
		/bytes from/ && !/DUP/ {
			t = substr($1, 2, length($1) - 2)
			for (i = 1; i <= NF; i++) if ($i ~ /^icmp_seq=/) { split($i, a, "="); s = a[2] + 0 }
			if (!(s in ts)) ts[s] = t
		}
		END {
			for (s = s0; s in ts; s++) ;
			lost = s
			for (b = lost; b < lost + 100000 && !(b in ts); b++) ;
			if (!(b in ts) || !((lost - 1) in ts)) { print "none 0 0"; exit }
			printf "%.0f %d %s\n", (ts[b] - ts[lost - 1] - 0.05) * 1000, b - lost, ts[b]
		}' "$VT_TMP/ping.log"
}
# wait_back S0: P is answered again, well after the move (20 answers past the gap)
wait_back() {
	local s0=$1 g n _t
	for _ in $(seq 300); do
		read -r g n _t <<<"$(gap "$s0")"
		[ "$g" != none ] && [ "$(last_seq)" -gt $((s0 + n + 20)) ] && return 0
		sleep 0.1
	done
	return 1
}

# fabric N T: ms from leaf N's last port attach (its log's clock: the wall clock, as ping -D's)
# to T, the first answer after the gap: the fabric's part of the gap, advertisement to answer
fabric() {
	local ta
	ta=$(grep "info: port .* attached" "$VT_TMP/${L[$1]}.log" | tail -1 | sed 's/^vtepd\[\([0-9.]*\)\].*/\1/')
	awk -v a="$ta" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
}

# ---- move 1: leaf 1 -> leaf 2, break before make (checkpoint on host 1, restore on host 2) ----
S0=$(last_seq)
t0=$(date +%s.%N)
criu_why=
if ! command -v criu >/dev/null; then
	criu_why="criu is not installed (scripts/setup.sh installs it)"
elif ! out=$(criu check 2>&1); then
	criu_why="criu check: $(grep -m1 -i error <<<"$out" || tail -1 <<<"$out")"
fi
moved=0
if [ -z "$criu_why" ]; then
	if pm 1 container checkpoint --export "$PD/x.tar.gz" "$X" >/dev/null; then
		pm 2 container restore --import "$PD/x.tar.gz" >/dev/null ||
			vt_fail "podman container restore --import on host 2 failed: $(tail -5 "$VT_TMP/podman.log")"
		POD_CTRS+=("2 $X")
		pm 1 rm -f -t 0 "$X" >/dev/null
		moved=1
		vt_pass "checkpoint on host 1 (podman container checkpoint --export), restore on host 2 (--import)"
	else
		# X may be stopped now: the move below removes it on host 1 in any state
		criu_why="podman container checkpoint failed: $(tail -2 "$VT_TMP/podman.log" | tr '\n' ' ')"
	fi
fi
if [ $moved = 0 ]; then
	echo "SKIP (checkpoint/restore step): $criu_why; X moves by podman rm on host 1 (CNI DEL) and podman run --mac-address $XMAC --ip $XIP on host 2 (CNI ADD)"
	pm 1 rm -f -t 0 "$X" >/dev/null || vt_fail "podman rm -f X on host 1 failed: $(tail -5 "$VT_TMP/podman.log")"
	run 2 "$X" "$XMAC" "$XIP"
fi
t2=$(date +%s.%N)
[ -z "$(ports "${L[1]}")" ] || vt_fail "leaf 1 still has X's port after it left: $(vt_ctl "${L[1]}" show ports)"
[ "$(ports "${L[2]}")" = "$XMAC $XIP/24" ] ||
	vt_fail "leaf 2's port for X is not $XMAC $XIP/24: $(vt_ctl "${L[2]}" show ports)"
wait_back "$S0" || vt_fail "P does not reach X at leaf 2 within 30 s: $(tail -3 "$VT_TMP/ping.log")"
read -r G1 LOST1 T1 <<<"$(gap "$S0")"
# break before make: leaf 1's withdrawal reached every leaf before leaf 2 learned X, so leaf 2
# advertises with no sequence (0, RFC 7432 15.1: it raises only past a route it still has)
SEQ1=$(mac_at 2 | awk '{print $3}')
vt_wait_for 10 located 2 "$SEQ1" || vt_fail "after move 1, X is not at leaf 2 only: $(state)"
echo "MEASURED: move 1 (leaf 1 -> leaf 2, break before make): ping gap ${G1} ms, ${LOST1} pings lost; $(fabric 2 "$T1") ms of it from the attach at leaf 2 to the first answer; the podman commands took $(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms; mobility sequence $SEQ1"
vt_pass "move 1: X at leaf 2 (MAC and IP kept), leaf 1's route withdrawn everywhere, P reaches X again"

# ---- move 2: leaf 2 -> leaf 1, make before break (X frozen on leaf 2, its port still there) ----
S0=$(last_seq)
t0=$(date +%s.%N)
NSX=$(pm 2 inspect --format '{{.NetworkSettings.SandboxKey}}' "$X")
pm 2 pause "$X" >/dev/null || vt_fail "podman pause X on host 2 failed: $(tail -5 "$VT_TMP/podman.log")"
# the freezer stops X's processes, not its kernel (which still answers ping and ARP): its
# interface goes down too, so that its namespace is silent as CRIU's network lock makes it
# during a dump (the port stays attached at leaf 2)
nsenter --net="$NSX" ip link set eth0 down || vt_fail "cannot silence X's eth0 on host 2"
run 1 "$X" "$XMAC" "$XIP"
t2=$(date +%s.%N)
# X's port is still attached at leaf 2, yet leaf 1's higher sequence moves X: leaf 1 advertises
# SEQ1 + 1, leaf 2 withdraws its own route and points X's MAC at leaf 1
[ "$(ports "${L[2]}")" = "$XMAC $XIP/24" ] || vt_fail "leaf 2 lost X's port before podman rm: $(vt_ctl "${L[2]}" show ports)"
SEQ2=$((SEQ1 + 1))
vt_wait_for 10 located 1 "$SEQ2" ||
	vt_fail "with X still attached at leaf 2, X is not at leaf 1 only with sequence $SEQ2: $(state)"
wait_back "$S0" || vt_fail "P does not reach X back at leaf 1 within 30 s: $(tail -3 "$VT_TMP/ping.log")"
read -r G2 LOST2 T2 <<<"$(gap "$S0")"
echo "MEASURED: move 2 (leaf 2 -> leaf 1, make before break): ping gap ${G2} ms, ${LOST2} pings lost; $(fabric 1 "$T2") ms of it from the attach at leaf 1 to the first answer; the podman commands (pause, run) took $(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms; mobility sequence $SEQ1 -> $SEQ2"
vt_pass "move 2: leaf 1 advertises X with sequence $SEQ2, leaf 2 withdraws while X's port is still there"

# the frozen copy goes (CNI DEL at leaf 2): nothing changes for X at leaf 1
pm 2 unpause "$X" >/dev/null 2>&1
pm 2 rm -f -t 0 "$X" >/dev/null || vt_fail "podman rm -f X on host 2 failed: $(tail -5 "$VT_TMP/podman.log")"
[ -z "$(ports "${L[2]}")" ] || vt_fail "leaf 2 still has X's port after podman rm: $(vt_ctl "${L[2]}" show ports)"
S0=$(last_seq)
sleep 1
located 1 "$SEQ2" || vt_fail "removing the old copy at leaf 2 disturbed X at leaf 1: $(state)"
[ "$(gap "$S0")" = "none 0 0" ] || vt_fail "P lost pings when the old copy went at leaf 2: $(gap "$S0")"
[ "$(mac_at_p)" = "$XMAC" ] || vt_fail "P's ARP entry for X changed: $(pm 3 exec "$P" cat /proc/net/arp)"
vt_pass "the old copy's removal at leaf 2 leaves X at leaf 1 alone; P never lost X's MAC"

# ---- move 3: leaf 1 -> leaf 2 make before break, rolled back: the copy on leaf 2 goes and X,
# still attached at leaf 1, resumes there ----
NSX=$(pm 1 inspect --format '{{.NetworkSettings.SandboxKey}}' "$X")
pm 1 pause "$X" >/dev/null || vt_fail "podman pause X on host 1 failed: $(tail -5 "$VT_TMP/podman.log")"
nsenter --net="$NSX" ip link set eth0 down || vt_fail "cannot silence X's eth0 on host 1"
run 2 "$X" "$XMAC" "$XIP"
SEQ3=$((SEQ2 + 1))
vt_wait_for 10 located 2 "$SEQ3" || vt_fail "move 3: X is not at leaf 2 only with sequence $SEQ3: $(state)"
pm 2 rm -f -t 0 "$X" >/dev/null || vt_fail "podman rm -f X on host 2 failed: $(tail -5 "$VT_TMP/podman.log")"
# X is still attached at leaf 1, frozen and silent: leaf 1 takes its MAC back and advertises it
# at once (a new route: leaf 2's withdrawal went first, so no sequence), not when X next speaks
vt_wait_for 10 located 1 0 ||
	vt_fail "the copy at leaf 2 went, X is still attached at leaf 1, but leaf 1 does not advertise it: $(state)"
S0=$(last_seq)
nsenter --net="$NSX" ip link set eth0 up || vt_fail "cannot bring X's eth0 up again on host 1"
pm 1 unpause "$X" >/dev/null || vt_fail "podman unpause X on host 1 failed"
wait_back "$S0" || vt_fail "P does not reach X resumed at leaf 1 within 30 s: $(tail -3 "$VT_TMP/ping.log")"
located 1 0 || vt_fail "after X resumed at leaf 1: $(state)"
vt_pass "move 3 rolled back: the copy at leaf 2 removed, leaf 1 advertises X (still attached there) again before it speaks"

kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; PING_PID=
for hc in "1 $X" "3 $P"; do pm ${hc%% *} rm -f -t 0 "${hc#* }" >/dev/null || vt_fail "podman rm ${hc#* } failed"; done
for i in 1 2 3; do
	[ -z "$(ports "${L[$i]}")" ] || vt_fail "leaf $i keeps a port after all containers went"
	[ -z "$(ls "$VT_TMP/ipam$i/$NET" 2>/dev/null | grep '^[0-9]')" ] || vt_fail "host $i keeps a lease"
done
vt_pass "all containers removed: no port at any leaf, no lease on any host"
