#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench_fastpath.sh: vtepd's fast path alone, memif on both sides (perf/memif_leaf.sh), our
# generator (perf/pktgen) pinned to lcore 0 and vtepd's fast path to lcore 1. For each frame
# size: encap (inner frames into port m1, VXLAN out of the underlay) and decap (VXLAN into
# the underlay, inner frames out of m1), Mpps delivered, loss, latency and vtepd's own cycles
# per packet (1 and 64k flows; a MAC table of 1k and of 1M entries, learned from a MAC storm
# of the generator before the point; latency at 10/50/90% of the 64-byte rate); then, in the
# same run, dpdk-testpmd io-forwarding between two memifs with the same generator as the raw
# ceiling. Prints a table of each point's median over RUNS runs and writes JSON.
#   bash perf/bench_fastpath.sh     (RUNS=3, DURATION=3 seconds per point, SIZES="64 512 1500 imix")
# QUIET_LOAD=L: before each run, wait (at most QUIET_WAIT=300 s) until the 1-minute load average
# is below L; every point records the load average it ran at (load1).
# POINTS=routed (issue 14): routed frames instead, on an L3 leaf (memif_leaf.sh with ML_ROUTED=1:
# VRF tenant, VNIs 100 and 200 with the anycast gateway, ports m1 and m2): the generator sends
# IPv4 frames from m1's host to the gateway MAC, routed (a) to the LOCAL host of VNI 200 on m2
# (routed-local) and (b) to hosts behind the remote leaf 10.0.0.2, out of the underlay
# VXLAN-encapsulated in the L3 VNI 900001 (routed-remote: one destination, and spread over all
# the host routes in turn); the VRF holds ROUTES host routes (default 1000; e.g. "1000 1000000")
# that perf/bgp_inject announces as type-2 MAC+IP routes before each point; beside them, in the
# same run, bridged encap on the same leaf and the testpmd ceiling. Writes OUT (default
# results/fastpath_routed.json).
# A benchmark, never a timed test: the numbers depend on the machine and its load.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-3}
SIZES=${SIZES:-64 512 1500 imix}
FLOWS_MANY=${FLOWS_MANY:-65536}
RUNS=${RUNS:-3}                 # the table shows each point's median run
MACS_FEW=${MACS_FEW:-1000}
MACS_MANY=${MACS_MANY:-1000000}
POINTS=${POINTS:-bridged}       # or routed (issue 14)
ROUTES=${ROUTES:-1000}          # routed: the VRF's host routes, one set of points for each
RUN=1
case $POINTS in
bridged) OUT=${OUT:-$top/perf/results/fastpath.json};;
routed) OUT=${OUT:-$top/perf/results/fastpath_routed.json}; export ML_ROUTED=1
	max=0; for n in $ROUTES; do [ "$n" -gt "$max" ] && max=$n; done
	# the VRF's table sized for the largest set and the leaf's own routes (64k at least)
	ML_VRF_ROUTES=$(( max + 1024 > 65536 ? max + 1024 : 65536 ))
	export ML_VRF_ROUTES;;
*) echo "bench_fastpath: POINTS=$POINTS: expected bridged or routed" >&2; exit 2;;
esac
[ "$(id -u)" -eq 0 ] || { echo "bench_fastpath: run as root (namespaces, hugepages)" >&2; exit 1; }
[ -x "$top/build/perf/pktgen/pktgen" ] && [ -x "$top/build/perf/bgp_inject" ] && command -v dpdk-testpmd >/dev/null && command -v jq >/dev/null ||
	bash "$top/scripts/setup.sh" build >/dev/null
ML_BUILD=$top/build
# shellcheck source=memif_leaf.sh
source "$top/perf/memif_leaf.sh"
trap ml_cleanup EXIT
trap 'exit 130' INT TERM
PG_PREFIX=${ML_NAME}pg
ML_PREFIXES+=("$PG_PREFIX" "${ML_NAME}tp")

# pg SOCK0 SOCK1 JSON [pktgen options]: the generator as client of two memifs (ports 0 and 1).
pg() {
	local s0=$1 s1=$2 json=$3; shift 3
	"$PKTGEN" -l 0 --file-prefix "$PG_PREFIX" --huge-unlink --no-pci --no-telemetry --log-level=notice \
		--vdev "net_memif0,role=client,socket=$s0,socket-abstract=no,rsize=11" \
		--vdev "net_memif1,role=client,socket=$s1,socket-abstract=no,rsize=11" \
		-- --duration "$DURATION" --drain 0.5 --link-wait 20 --json "$json" "$@" > "$ML_TMP/pg.log" 2>&1 ||
		{ echo "pktgen failed:" >&2; cat "$ML_TMP/pg.log" >&2; return 1; }
	grep '^pktgen' "$ML_TMP/pg.log" | sed 's/^/  /'
}

encap=(--tx-port 0 --rx-port 1 --src-mac "$ML_MAC_LOCAL" --dst-mac "$ML_MAC_REMOTE")
decap=(--tx-port 1 --rx-port 0 --vxlan 100 --outer-src-ip 10.0.0.2 --outer-dst-ip 10.0.0.1
       --src-mac "$ML_MAC_REMOTE" --dst-mac "$ML_MAC_LOCAL" --src-ip 192.168.0.2 --dst-ip 192.168.0.1)
results=()
want() { case " $POINTS " in *" $1 "*) return 0;; esac; return 1; }

# rpoint KIND SIZE ROUTES DSTS: one point on the L3 leaf (ML_ROUTED=1): KIND routed-local (m1 to
# the host of VNI 200 on m2), routed-remote (m1 to DSTS of the ROUTES hosts behind 10.0.0.2, into
# the L3 VNI) or bridged (m1 to the static remote MAC of VNI 100, encap). A fresh vtepd with
# ROUTES host routes announced by perf/bgp_inject; cycles as in point.
rpoint() {
	local kind=$1 size=$2 routes=$3 dsts=${4:-1} json=$ML_TMP/$1-$2-$3-${4:-1}.json s1 c0 p0 c1 p1 io0 io1 r0 r1 cpp own
	local -a pargs=(--tx-port 0 --rx-port 1 --src-mac "$ML_MAC_LOCAL" --src-ip 192.168.1.10 --size "$size")
	case $kind in
	routed-local) s1=$ML_SOCK_C2; pargs+=(--dst-mac "$ML_GW_MAC" --dst-ip 192.168.2.10);;
	routed-remote) s1=$ML_SOCK_U; pargs+=(--dst-mac "$ML_GW_MAC" --dst-ip 10.0.0.1 --dst-ips "$dsts");;
	bridged) s1=$ML_SOCK_U; pargs+=(--dst-mac "$ML_MAC_REMOTE" --dst-ip 192.168.1.20);;
	esac
	ml_vtepd
	ml_inject "$routes"
	c0=$(ml_stat .fastpath.busy_cycles); p0=$(ml_stat .fastpath.busy_pkts); io0=$(ml_stat .fastpath.io_cycles)
	r0=$(ml_stat '[.vrfs[].routed] | add')
	echo "vtepd $kind, size $size, $routes host routes, $dsts destinations"
	pg "$ML_SOCK_C" "$s1" "$json" "${pargs[@]}" --label "vtepd-$kind"
	c1=$(ml_stat .fastpath.busy_cycles); p1=$(ml_stat .fastpath.busy_pkts); io1=$(ml_stat .fastpath.io_cycles)
	r1=$(ml_stat '[.vrfs[].routed] | add')
	ml_vtepd_stop
	cpp=$(( p1 > p0 ? (c1 - c0) / (p1 - p0) : 0 ))
	own=$(( p1 > p0 ? (c1 - c0 - (io1 - io0)) / (p1 - p0) : 0 ))
	echo "  vtepd: $cpp cycles per packet, $own of them its own; $(( r1 - r0 )) routed"
	# against the ceiling of its size taken just before it (tpoint), in the same run
	results+=("$(jq -c --arg dir "$kind" --argjson cpp "$cpp" --argjson own "$own" --argjson run "$RUN" \
		--argjson routes "$routes" --argjson dsts "$dsts" --argjson routed "$(( r1 - r0 ))" \
		--argjson ceil "$(jq '.rx.mpps' "$ML_TMP/tp-$size.json")" \
		'{run: $run, what: "vtepd", direction: $dir, size, flows, routes: $routes, destinations: $dsts, routed: $routed,
		mpps: .rx.mpps, tx_mpps: .tx.mpps, loss_pct: .rx.loss_pct, latency_ns, cycles_per_pkt: $cpp, own_cycles_per_pkt: $own,
		ceiling_mpps: $ceil, of_ceiling: (if $ceil > 0 then .rx.mpps / $ceil else 0 end), load1: '"$(cut -d' ' -f1 /proc/loadavg)"'}' "$json")")
}

# point DIRECTION SIZE FLOWS MACS: one vtepd measurement with a MAC table of MACS learned
# entries (plus the two static ones the traffic uses), cycles per packet from the fast path's
# accounting. A fresh vtepd per point: with DPDK 22.11 a memif client leaving while the fast
# path is in a burst on it can crash the server (see README), and each point's client leaves.
point() {
	local dir=$1 size=$2 flows=$3 storm=${4:-$MACS_FEW} json=$ML_TMP/$1-$2-$3-${4:-0}.json c0 p0 c1 p1 io0 io1 cpp own macs
	local -n args=$dir
	ml_vtepd
	if [ "$storm" -gt 0 ]; then
		# fill the MAC table first: a storm of new source MACs, at a rate the learning keeps up with
		echo "MAC storm: $storm source MACs into m1"
		pg "$ML_SOCK_C" "$ML_SOCK_U" "$ML_TMP/storm.json" "${encap[@]}" --macs "$storm" --count "$storm" \
			--rate "${STORM_RATE:-200000}" --duration $(( storm / ${STORM_RATE:-200000} + 10 )) \
			--src-mac 02:10:00:00:00:00 --label storm
		for _ in $(seq 100); do [ "$(ml_stat .fdb.entries)" -ge "$storm" ] && break; sleep 0.1; done
		[ "$(ml_stat .fdb.entries)" -ge "$storm" ] || echo "  (only $(ml_stat .fdb.entries) MACs learned of $storm)"
	fi
	macs=$(ml_stat .fdb.entries)
	c0=$(ml_stat .fastpath.busy_cycles); p0=$(ml_stat .fastpath.busy_pkts); io0=$(ml_stat .fastpath.io_cycles)
	echo "vtepd $dir, size $size, $flows flows"
	pg "$ML_SOCK_C" "$ML_SOCK_U" "$json" "${args[@]}" --size "$size" --flows "$flows" --label "vtepd-$dir"
	c1=$(ml_stat .fastpath.busy_cycles); p1=$(ml_stat .fastpath.busy_pkts); io1=$(ml_stat .fastpath.io_cycles)
	ml_vtepd_stop
	# all busy cycles per packet, and vtepd's own: without those spent in the memif PMD's receive and transmit
	cpp=$(( p1 > p0 ? (c1 - c0) / (p1 - p0) : 0 ))
	own=$(( p1 > p0 ? (c1 - c0 - (io1 - io0)) / (p1 - p0) : 0 ))
	echo "  vtepd: $cpp cycles per packet, $own of them its own (the rest in the memif PMD)"
	results+=("$(jq -c --arg dir "$dir" --argjson cpp "$cpp" --argjson own "$own" --argjson macs "$macs" --argjson run "$RUN" \
		--argjson table "$storm" '{run: $run, what: "vtepd", direction: $dir, size, flows, mac_table: $table, mac_entries: $macs, mpps: .rx.mpps, tx_mpps: .tx.mpps, loss_pct: .rx.loss_pct, latency_ns,
		cycles_per_pkt: $cpp, own_cycles_per_pkt: $own}' "$json")")
}

# tpoint SIZE: the ceiling, testpmd io-forwarding between two memif servers, its forwarding core
# on lcore 1. A fresh testpmd per point: 22.11's memif server can crash when a client leaves and
# another comes.
tpoint() {
	local size=$1 tp T0=$ML_TMP/tp0.memif T1=$ML_TMP/tp1.memif
	dpdk-testpmd -l 0,1 --main-lcore 0 --file-prefix "${ML_NAME}tp" --huge-unlink --no-pci --no-telemetry \
		--vdev "net_memif0,role=server,socket=$T0,socket-abstract=no" \
		--vdev "net_memif1,role=server,socket=$T1,socket-abstract=no" \
		-- --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 --stats-period 60 \
		> "$ML_TMP/testpmd.log" 2>&1 < /dev/null &
	tp=$!
	ML_PIDS+=("$tp")
	for _ in $(seq 100); do [ -S "$T0" ] && [ -S "$T1" ] && break; sleep 0.1; done
	echo "testpmd io, size $size"
	pg "$T0" "$T1" "$ML_TMP/tp-$size.json" --tx-port 0 --rx-port 1 --size "$size" --label testpmd-io ||
		{ echo "testpmd's log:" >&2; tail -20 "$ML_TMP/testpmd.log" >&2; exit 1; }
	results+=("$(jq -c --argjson run "$RUN" '{run: $run, what: "testpmd-io", direction: "io", size, flows, mpps: .rx.mpps, tx_mpps: .tx.mpps,
		loss_pct: .rx.loss_pct, latency_ns, load1: '"$(cut -d' ' -f1 /proc/loadavg)"'}' "$ML_TMP/tp-$size.json")")
	# (it may be gone already: 22.11's memif server can crash as the client leaves, after the point)
	kill -TERM "$tp" 2>/dev/null || true
	wait "$tp" || echo "  (testpmd exited with status $?)"
	rm -f "$T0" "$T1"
}

for RUN in $(seq "$RUNS"); do
	if [ -n "${QUIET_LOAD:-}" ]; then
		# on a shared machine: wait (at most QUIET_WAIT seconds, default 300) for a quieter minute
		for _ in $(seq "${QUIET_WAIT:-300}"); do
			awk -v max="$QUIET_LOAD" '{ exit !($1 < max) }' /proc/loadavg && break
			sleep 1
		done
	fi
	echo "== run $RUN of $RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	if [ "$POINTS" = routed ]; then
		# each size's ceiling right before its points (the load of this shared machine drifts);
		# every size with the first table size, 64 bytes with the others
		first=${ROUTES%% *}
		for size in $SIZES; do
			tpoint "$size"
			for routes in $ROUTES; do
				[ "$size" = 64 ] || [ "$routes" = "$first" ] || continue
				rpoint routed-local "$size" "$routes"
				rpoint routed-remote "$size" "$routes"
				[ "$size" != 64 ] || rpoint routed-remote 64 "$routes" "$routes"
			done
			[ "$size" != 64 ] || rpoint bridged 64 "$first"
		done
	fi
	if [ "$POINTS" = bridged ]; then
		for size in $SIZES; do
			point encap "$size" 1
			point decap "$size" 1
		done
		point encap 64 "$FLOWS_MANY"
		point decap 64 "$FLOWS_MANY"
		point encap 64 1 "$MACS_MANY"
		point decap 64 1 "$MACS_MANY"
		# Latency through vtepd at 10, 50 and 90% of the 64-byte encap rate just measured.
		max_pps=$(printf '%s\n' "${results[@]}" | jq -s --argjson run "$RUN" 'map(select(.run == $run and .what == "vtepd" and .direction == "encap" and .size == "64" and .flows == 1))[0].mpps * 1e6 | floor')
		for pct in 10 50 90; do
			rate=$(( max_pps * pct / 100 ))
			echo "vtepd encap, size 64, at $pct% of $max_pps pps"
			ml_vtepd
			pg "$ML_SOCK_C" "$ML_SOCK_U" "$ML_TMP/lat-$pct.json" "${encap[@]}" --size 64 --rate "$rate" --label "vtepd-lat-$pct"
			ml_vtepd_stop
			results+=("$(jq -c --argjson pct "$pct" --argjson run "$RUN" '{run: $run, what: "vtepd-latency", direction: "encap", size, flows, load_pct: $pct,
				rate_pps, mpps: .rx.mpps, loss_pct: .rx.loss_pct, latency_ns}' "$ML_TMP/lat-$pct.json")")
		done
	fi

	# The ceiling: testpmd io-forwarding, each size (the routed points took theirs beside them).
	if [ "$POINTS" = bridged ]; then
		for size in $SIZES; do tpoint "$size"; done
	fi
done

mkdir -p "$(dirname "$OUT")"
cmd="bash perf/bench_fastpath.sh"
[ "$POINTS" = routed ] && cmd="POINTS=routed ROUTES=\"$ROUTES\" $cmd"
printf '%s\n' "${results[@]}" | jq -s --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
	--arg kernel "$(uname -r)" --arg cmd "$cmd" --arg date "$(date -u +%FT%TZ)" --argjson duration "$DURATION" \
	'{machine: {cpu: $cpu, cores: '"$(nproc)"', kernel: $kernel}, date: $date, seconds_per_point: $duration,
	  command: $cmd, runs: '"$RUNS"', results: .,
	  median: (map(select(.what != "vtepd-latency"))
		 | group_by([.what, .direction, .size, .flows, (.mac_table // 0), (.routes // 0), (.destinations // 0)])
		 | map(def med: sort | .[(length - 1) / 2 | floor];
		       .[0] + {mpps: (map(.mpps) | med), cycles_per_pkt: (map(.cycles_per_pkt // 0) | med),
			       own_cycles_per_pkt: (map(.own_cycles_per_pkt // 0) | med), runs: length}
		       + (if .[0].of_ceiling then {of_ceiling: (map(.of_ceiling) | med), loss_pct: (map(.loss_pct) | med)} else {} end)))}' > "$OUT"
echo
echo "median of $RUNS runs:"
if [ "$POINTS" = routed ]; then
	echo "what           size   routes   destinations  Mpps    testpmd io  of ceiling  cyc/pkt  own  loss %"
	jq -r '.median as $r | $r[] | select(.what == "vtepd") as $e
		| (($r | map(select(.what == "testpmd-io" and .size == $e.size))[0].mpps) // 0) as $t
		| [$e.direction, $e.size, $e.routes, $e.destinations, $e.mpps, $t, ($e.of_ceiling * 100 | floor | tostring) + "%",
		   $e.cycles_per_pkt, $e.own_cycles_per_pkt, $e.loss_pct] | @tsv' "$OUT" |
		awk -F'\t' '{ printf "%-14s %-6s %-8s %-13s %-7.3f %-11.3f %-11s %-8s %-4s %.4f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
	echo "(each a median over the runs; of ceiling: the median of each run's Mpps over the testpmd Mpps of its size"
	echo " measured just before, in the same run)"
	echo "JSON: $OUT"
	exit 0
fi
echo "size   flows  MACs     encap Mpps  decap Mpps  testpmd io  encap/ceil  decap/ceil  cyc/pkt enc  cyc/pkt dec  own enc  own dec"
jq -r '.median as $r | $r[] | select(.what == "vtepd" and .direction == "encap") as $e
	| ($r | map(select(.what == "vtepd" and .direction == "decap" and .size == $e.size and .flows == $e.flows
		and .mac_table == $e.mac_table))[0]) as $d
	| (($r | map(select(.what == "testpmd-io" and .size == $e.size))[0].mpps) // 0) as $t
	| [$e.size, $e.flows, $e.mac_entries, $e.mpps, $d.mpps, $t,
	   (if $t > 0 then ($e.mpps / $t * 100 | floor | tostring) + "%" else "-" end),
	   (if $t > 0 then ($d.mpps / $t * 100 | floor | tostring) + "%" else "-" end),
	   $e.cycles_per_pkt, $d.cycles_per_pkt, $e.own_cycles_per_pkt, $d.own_cycles_per_pkt] | @tsv' "$OUT" |
	awk -F'\t' '{ printf "%-6s %-6s %-8s %-11.3f %-11.3f %-11.3f %-11s %-11s %-12s %-12s %-8s %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }'
echo
echo "load  rate pps    p50 ns    p99 ns    p99.9 ns  max ns    loss %   (encap, 64 bytes, each load's median run by p50)"
jq -r '.results | map(select(.what == "vtepd-latency")) | group_by(.load_pct)[] | sort_by(.latency_ns.p50) | .[(length - 1) / 2 | floor]
	| [.load_pct, .rate_pps, .latency_ns.p50, .latency_ns.p99, .latency_ns.p999, .latency_ns.max, .loss_pct] | @tsv' "$OUT" |
	awk -F'\t' '{ printf "%-5s %-11s %-9s %-9s %-9s %-9s %s\n", $1 "%", $2, $3, $4, $5, $6, $7 }'
echo "JSON: $OUT"
bash "$top/perf/plot_fastpath.sh" "$OUT" "${OUT%.json}.png"
