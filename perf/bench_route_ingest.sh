#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Route ingest: a BGP peer (perf/bgp_inject, ours) sends N EVPN type-2 routes; we measure the
# time from its first UPDATE until all N MACs are programmed in vtepd's fast path (its FDB),
# and vtepd's memory; then, in the same run, the time until FRR's bgpd has received and
# accepted the same N routes (pfxRcd), and bgpd's memory. Medians of RUNS runs.
# Both daemons are watched the same way: perf/ingest_wait.py polls each over its own socket
# every POLL_INTERVAL seconds (default 0.005) and the time is that of the first poll that
# saw all N. vtepd also says when its last UPDATE changed the FDB (fdb.bgp_changed_us in
# `vtepctl -j show stats`): that exact time is reported alongside, as a check. So is the CPU
# time vtepd's control thread spent meanwhile (schedstat), steadier than the wall clock on a
# loaded machine.
# KIND picks the routes (perf/bgp_inject --kind): mac (the default: type-2 MAC routes, done
# when the MACs are in the FDB), macip (type-2 MAC+IP routes of symmetric IRB: two labels,
# router MAC; done when the host routes are in VRF tenant's route table) or type5 (type-5
# /24 prefixes; done when they are in the route table). For macip and type5 vtepd has VRF
# tenant (L3 VNI 900001) with VNI 100 in it, its table sized for N; bgpd is timed as for mac.
#   perf/bench_route_ingest.sh [N ...]        default: 100000 1000000; RUNS=3, KIND=mac
# PERF_OUT=FILE records vtepd's control thread with `perf record -g` while it takes the routes.
# Prints a table and writes perf/results/route_ingest.json (route_ingest_KIND.json for the
# L3 kinds; OUT=NAME: perf/results/NAME.json). FRR=0 leaves FRR out (vtepd's side only, to
# compare two builds of vtepd). Needs root; runs in namespaces.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${VTEPD_BUILD:-$top/build}
runs=${RUNS:-3}
interval=${POLL_INTERVAL:-0.005}
kind=${KIND:-mac}
with_frr=${FRR:-1}
case $kind in mac|macip|type5) ;; *) echo "KIND=$kind: expected mac, macip or type5" >&2; exit 2;; esac
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
"$top/scripts/setup.sh" "$(basename "$build")" >/dev/null
export VTEPD_BPF_DIR=$build/dataplane/bpf
vtepctl=$build/control/vtepctl
P=vtbench$$
tmp=$(mktemp -d /tmp/vtepd-bench.XXXXXX)
chmod 0755 "$tmp"
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	sleep 0.5
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	for ns in "${P}t" "${P}i"; do ip netns del "$ns" 2>/dev/null || true; done
	rm -f "/run/vtepd/${P}.sock" "/run/vtepd/${P}.ports"
	rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "${P}t"; ip netns add "${P}i"
ip link add ul0 netns "${P}t" type veth peer name ul0 netns "${P}i"
ip -n "${P}t" addr add 10.0.0.1/24 dev ul0; ip -n "${P}i" addr add 10.0.0.9/24 dev ul0
for ns in "${P}t" "${P}i"; do ip -n "$ns" link set lo up; ip -n "$ns" link set ul0 up; done

# resident memory: VmRSS plus the huge pages the process maps of its own (vtepd's RIB chunks)
rss_kb() { awk '/^VmRSS|^HugetlbPages/ {kb += $2} END {print kb}' "/proc/$1/status"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The poller first (it is polling once it said "ready"), then the injector.
start_wait() {
	rm -f "$tmp/wait.out" "$tmp/wait.ready"
	python3 "$top/perf/ingest_wait.py" "$@" --routes "${n_wait:-$n}" --interval "$interval" --ready "$tmp/wait.ready" \
		> "$tmp/wait.out" &
	waiter=$!; pids+=("$waiter")
	for _ in $(seq 500); do [ -e "$tmp/wait.ready" ] && return; sleep 0.01; done
	echo "the poller did not start" >&2; exit 1
}
inject() {
	rm -f "$tmp/inject.out"
	ip netns exec "${P}i" "$build/perf/bgp_inject" --peer 10.0.0.1 --local 10.0.0.9 --asn 65009 --peer-asn 65001 \
		--routes "$1" --nexthop 10.0.0.9 --kind "$kind" > "$tmp/inject.out" 2> "$tmp/inject.err" &
	inj=$!; pids+=("$inj")
}

# One run against vtepd: prints "seconds rss_delta_kb fdb_bytes_per_entry exact_seconds"
run_vtepd() {
	local n=$1 table=1024 pid t_first t_done base routes0=0 what=fdb cpu_ns
	while [ "$table" -lt $((n + 1024)) ]; do table=$((table * 2)); done
	if [ "$kind" = mac ]; then
		cat > "$tmp/vtepd.yaml" <<EOF2
vtep: {name: $P, source_ip: 10.0.0.1}
underlay: {port: 'net_af_xdp0,iface=ul0'}
fastpath: {mac_table_size: $table, mbufs: 8192}
vnis: [{vni: 100}]
EOF2
	else
		what=vrf
		cat > "$tmp/vtepd.yaml" <<EOF2
vtep: {name: $P, source_ip: 10.0.0.1, anycast_gateway_mac: 0000.2222.3333}
underlay: {port: 'net_af_xdp0,iface=ul0'}
fastpath: {mac_table_size: $table, mbufs: 8192}
vrfs: [{name: tenant, l3vni: 900001, max_ipv4_routes: $table, max_ipv6_routes: 1024}]
vnis: [{vni: 100, vrf: tenant, gateway: 192.168.0.1/24}]
EOF2
	fi
	cat >> "$tmp/vtepd.yaml" <<EOF2
bgp:
  asn: 65001
  neighbors: [{address: 10.0.0.9, remote_as: 65009, passive: true}]
EOF2
	ip netns exec "${P}t" "$build/control/vtepd" -c "$tmp/vtepd.yaml" > "$tmp/vtepd.log" 2>&1 &
	pid=$!; pids+=("$pid")
	for _ in $(seq 300); do "$vtepctl" -n "$P" show ports >/dev/null 2>&1 && break; sleep 0.1; done
	base=$(rss_kb "$pid")
	[ "$what" = vrf ] && routes0=$("$vtepctl" -n "$P" -j show stats | jq '[.vrfs[] | .routes_ipv4 + .routes_ipv6] | add')
	n_wait=$((n + routes0)) start_wait --vtepd "/run/vtepd/$P.sock" --what "$what"
	local perf_pid=
	if [ -n "${PERF_OUT:-}" ]; then
		# the control thread (vtepd's main thread) only: the fast path's polling would drown it
		perf record -q ${PERF_CG:--g} -t "$pid" -o "$PERF_OUT" >/dev/null 2>&1 &
		perf_pid=$!; pids+=("$perf_pid"); sleep 0.5
	fi
	cpu_ns=$(awk '{print $1}' "/proc/$pid/task/$pid/schedstat")
	inject "$n"
	wait "$waiter" || { echo "vtepd: $(tail -3 "$tmp/vtepd.log")" >&2; exit 1; }
	cpu_ns=$(( $(awk '{print $1}' "/proc/$pid/task/$pid/schedstat") - cpu_ns ))
	[ -z "$perf_pid" ] || { kill -INT "$perf_pid"; wait "$perf_pid" || true; }
	until [ -s "$tmp/inject.out" ]; do sleep 0.01; done
	t_first=$(jq '.t_first' "$tmp/inject.out")
	t_done=$(jq '.t_done' "$tmp/wait.out")
	local fdb_bytes cap exact
	fdb_bytes=$("$vtepctl" -n "$P" -j show stats | jq '.fdb.memory_bytes')
	cap=$("$vtepctl" -n "$P" -j show stats | jq '.fdb.capacity')
	exact=$("$vtepctl" -n "$P" -j show stats | jq '.fdb.bgp_changed_us')
	exact=$(echo "$exact / 1000000 - $t_first" | bc -l)
	if [ "$kind" != mac ]; then
		# the route table's preallocated bytes per slot (IPv4 and IPv6), as the FDB's per entry;
		# plus, for macip, the FDB's; the exact time is the FDB's only, so the polled one is given
		local rt_bytes
		rt_bytes=$("$vtepctl" -n "$P" -j show stats |
			jq '[.vrfs[] | .route_table_bytes / (.route_capacity_ipv4 + .route_capacity_ipv6)] | add | floor')
		if [ "$kind" = macip ]; then fdb_bytes=$((fdb_bytes / cap + rt_bytes)); else fdb_bytes=$rt_bytes; fi
		cap=1
		exact=$(echo "$t_done - $t_first" | bc -l)
	fi
	local rss t_term
	rss=$(rss_kb "$pid")
	if [ -n "${PERF_OUT:-}" ]; then
		perf record -q ${PERF_CG:--g} -p "$pid" -o "$PERF_OUT.shutdown" >/dev/null 2>&1 &
		perf_pid=$!; pids+=("$perf_pid"); sleep 0.5
	fi
	t_term=$(date +%s.%N)
	kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
	[ -z "$perf_pid" ] || wait "$perf_pid" || true
	kill -TERM "$inj" 2>/dev/null || true; wait "$inj" 2>/dev/null || true   # it may have gone with the session
	echo "$(echo "$t_done - $t_first" | bc -l) $(( rss - base )) $((fdb_bytes / cap))" "$exact" \
		"$(echo "$cpu_ns / 1000000000" | bc -l)" "$(echo "$(date +%s.%N) - $t_term" | bc -l)"
}

# One run against FRR's bgpd: prints "seconds rss_delta_kb cpu_seconds" (bgpd's threads, in clock ticks)
run_frr() {
	local n=$1 d=$tmp/frr t_first t_done base bgpd
	rm -rf "$d"; mkdir -p "$d"
	echo "hostname bench" > "$d/zebra.conf"
	cat > "$d/bgpd.conf" <<EOF2
router bgp 65001
 bgp router-id 10.0.0.1
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 10.0.0.9 remote-as 65009
 address-family l2vpn evpn
  neighbor 10.0.0.9 activate
 exit-address-family
EOF2
	chown -R frr:frr "$d"
	ip netns exec "${P}t" /usr/lib/frr/zebra -d -f "$d/zebra.conf" -i "$d/zebra.pid" -z "$d/zserv.api" --vty_socket "$d"
	for _ in $(seq 100); do [ -S "$d/zserv.api" ] && break; sleep 0.1; done
	pids+=("$(cat "$d/zebra.pid")")
	ip netns exec "${P}t" /usr/lib/frr/bgpd -d -f "$d/bgpd.conf" -i "$d/bgpd.pid" -z "$d/zserv.api" --vty_socket "$d"
	for _ in $(seq 100); do [ -s "$d/bgpd.pid" ] && break; sleep 0.1; done
	bgpd=$(cat "$d/bgpd.pid"); pids+=("$bgpd")
	sleep 1
	base=$(rss_kb "$bgpd")
	start_wait --frr-vty "$d/bgpd.vty"
	local ticks tck
	tck=$(getconf CLK_TCK)
	ticks=$(awk '{print $14 + $15}' "/proc/$bgpd/stat")   # every thread of bgpd
	inject "$n"
	wait "$waiter" || { echo "bgpd did not get the routes" >&2; exit 1; }
	ticks=$(( $(awk '{print $14 + $15}' "/proc/$bgpd/stat") - ticks ))
	until [ -s "$tmp/inject.out" ]; do sleep 0.01; done
	t_first=$(jq '.t_first' "$tmp/inject.out")
	t_done=$(jq '.t_done' "$tmp/wait.out")
	echo "$(echo "$t_done - $t_first" | bc -l) $(( $(rss_kb "$bgpd") - base ))" "$(echo "$ticks / $tck" | bc -l)"
	kill -TERM "$inj" "$bgpd" "$(cat "$d/zebra.pid")" 2>/dev/null || true
	wait "$inj" 2>/dev/null || true
	sleep 1
}

mkdir -p "$top/perf/results"
json="["
printf '%-9s | %-22s | %-22s | %-7s | %-22s\n' routes "vtepd: s (routes/s)" "FRR bgpd: s (routes/s)" ratio "bytes/route vtepd | FRR"
for n in "${sizes[@]}"; do
	vt=(); vm=(); vf=(); vx=(); vc=(); vd=(); ft=(); fm=(); fc=()
	for _ in $(seq "$runs"); do
		read -r s m f x c e <<< "$(run_vtepd "$n")"; vt+=("$s"); vm+=("$m"); vf+=("$f"); vx+=("$x"); vc+=("$c"); vd+=("$e")
		if [ "$with_frr" = 0 ]; then s=1; m=0; c=0; else read -r s m c <<< "$(run_frr "$n")"; fi
		ft+=("$s"); fm+=("$m"); fc+=("$c")
	done
	v_s=$(printf '%s\n' "${vt[@]}" | median); f_s=$(printf '%s\n' "${ft[@]}" | median)
	v_kb=$(printf '%s\n' "${vm[@]}" | median); f_kb=$(printf '%s\n' "${fm[@]}" | median)
	fdb_b=$(printf '%s\n' "${vf[@]}" | median); v_x=$(printf '%s\n' "${vx[@]}" | median)
	v_rate=$(echo "$n / $v_s" | bc); f_rate=$(echo "$n / $f_s" | bc)
	ratio=$(echo "scale=2; $f_s / $v_s" | bc)
	v_bpr=$(( v_kb * 1024 / n + fdb_b )); f_bpr=$(( f_kb * 1024 / n ))
	printf '%-9s | %8.3f (%9s) | %8.3f (%9s) | %5sx | %6s | %6s | vtepd exact %.3f s\n' "$n" "$v_s" "$v_rate" \
		"$f_s" "$f_rate" "$ratio" "$v_bpr" "$f_bpr" "$v_x"
	echo "  runs: vtepd ${vt[*]} (exact ${vx[*]}); FRR ${ft[*]}"
	echo "  CPU s: vtepd control thread ${vc[*]}; FRR bgpd ${fc[*]}; vtepd shutdown s: ${vd[*]}"
	json+="{\"routes\": $n, \"runs\": $runs, \"poll_interval\": $interval, \"vtepd_seconds\": $v_s,"
	json+=" \"vtepd_exact_seconds\": $v_x, \"frr_seconds\": $f_s, \"ratio\": $ratio,"
	json+=" \"vtepd_runs\": [$(IFS=,; echo "${vt[*]}")], \"vtepd_cpu_runs\": [$(IFS=,; echo "${vc[*]}")], \"vtepd_shutdown_runs\": [$(IFS=,; echo "${vd[*]}")], \"frr_runs\": [$(IFS=,; echo "${ft[*]}")], \"frr_cpu_runs\": [$(IFS=,; echo "${fc[*]}")],"
	json+=" \"vtepd_bytes_per_route\": $v_bpr, \"vtepd_fdb_bytes_per_entry\": $fdb_b, \"frr_bytes_per_route\": $f_bpr},"
done
json="${json%,}]"
out=route_ingest.json
[ "$kind" = mac ] || out=route_ingest_$kind.json
[ -z "${OUT:-}" ] || out=$OUT.json
[ "$with_frr" != 0 ] || echo "FRR=0: FRR was not run (its columns are placeholders)"
echo "$json" | jq . > "$top/perf/results/$out"
echo "machine: $(nproc) cores, $(awk '/model name/ {for (i=4;i<=NF;i++) printf "%s ", $i; exit}' /proc/cpuinfo); KIND=$kind; results in perf/results/$out"
