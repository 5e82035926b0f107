#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench_cycles.sh: vtepd's own fast-path work in cycles per packet (perf/bench_cycles.c): the
# real worker between two DPDK ring ports on lcore 1, 64-byte frames in bursts of 32, encap and
# decap with learning and lookup; a MAC table of 1k and of 1M entries; the traffic on one MAC
# pair (bursts of one conversation) or on random pairs of all the table's MACs (every frame a
# different pair, the worst case for the caches); 1 and 64k flows. The ports' own cycles (the
# ring PMD's receive and transmit) are counted apart, as `vtepctl show stats` does.
# RUNS runs (default 5), the table shows each point's median; JSON in perf/results/cycles.json.
# Routed frames (issue 14), in the same runs: one VRF, two VNIs with the anycast gateway, 64-byte
# frames from a container to the gateway MAC routed to a container in the other VNI (a LOCAL
# next hop) or into the L3 VNI to another leaf (REMOTE), side by side with the bridged frame from
# the same container to one in its own VNI (to a local port, or encapsulated to that leaf);
# with ROUTED IPv4 host routes (random /32s), PREFIXES IPv4 prefixes of mixed lengths and no host
# routes, ROUTED6 IPv6 /128 host routes; to one destination and to destinations spread over all
# the routes (or MACs); a table's four points take turns in 10 rounds within a run (each point's
# figure is its median round). The table gives routed minus bridged against the issue's bound (+40).
# JSON in perf/results/cycles_routed.json.
#   bash perf/bench_cycles.sh        (PACKETS=10000000 per point per run)
#   POINTS=routed RUNS=5 PACKETS=2000000 bash perf/bench_cycles.sh     (the routed points only)
# Knobs: RUNS, PACKETS, POINTS ("macs routed"), ROUTED (1000,1000000), PREFIXES (1000, 0: none),
# ROUTED6 (1000, 0: none), REMOTE (1000,1000000, empty: none; IPv4 host routes behind 16 other
# leaves, routed into the L3 VNI, symmetric IRB, against bridged encap to MACs behind them),
# OUT, OUT_ROUTED.
# Polls longer than 100 us (the thread was preempted: the cores are shared) are left out and
# counted (polls_left_out).
# A benchmark, never a timed test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
RUNS=${RUNS:-5}
PACKETS=${PACKETS:-10000000}
OUT=${OUT:-$top/perf/results/cycles.json}
OUT_ROUTED=${OUT_ROUTED:-$top/perf/results/cycles_routed.json}
POINTS=${POINTS:-macs routed}
ROUTED=${ROUTED:-1000,1000000}
PREFIXES=${PREFIXES:-1000}
ROUTED6=${ROUTED6:-1000}
REMOTE=${REMOTE-1000,1000000}
[ "$(id -u)" -eq 0 ] || { echo "bench_cycles: run as root (hugepages)" >&2; exit 1; }
[ -x "$build/perf/bench_cycles" ] && command -v jq >/dev/null || bash "$top/scripts/setup.sh" build >/dev/null
prefix=vtbc$$
tmp=$(mktemp -d /tmp/vtepd-cycles.XXXXXX)
cleanup() {
	rm -rf "/var/run/dpdk/$prefix" "$tmp"
	rm -f /dev/hugepages/"$prefix"map_* 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

want() { case " $POINTS " in *" $1 "*) return 0 ;; esac; return 1; }
eal=(-l 1 --no-pci --no-telemetry --file-prefix "$prefix" --huge-unlink --log-level=notice)
for run in $(seq "$RUNS"); do
	echo "run $run of $RUNS"
	if want macs; then
		"$build/perf/bench_cycles" "${eal[@]}" -- --packets "$PACKETS" --json "$tmp/run$run.json" | sed 's/^/  /'
	fi
	if want routed; then
		"$build/perf/bench_cycles" "${eal[@]}" -- --routed "$ROUTED" --prefixes "$PREFIXES" --routed6 "$ROUTED6" \
			${REMOTE:+--remote "$REMOTE"} --packets "$PACKETS" --json "$tmp/routed$run.json" | sed 's/^/  /'
	fi
done
machine() {
	jq -n --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" --arg kernel "$(uname -r)" \
		--arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '{cpu: $cpu, cores: '"$(nproc)"', kernel: $kernel, load_after: $load}'
}
mkdir -p "$(dirname "$OUT")"
if want macs; then
jq -s --argjson machine "$(machine)" \
	--arg date "$(date -u +%FT%TZ)" --argjson runs "$RUNS" '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	{machine: $machine, date: $date, command: "bash perf/bench_cycles.sh",
	 runs: $runs, size: .[0].size, burst: .[0].burst, tsc_hz: .[0].tsc_hz,
	 polls_left_out: (map(.polls_left_out // 0) | add),
	 results: [.[] | .points] | add,
	 median: ([.[] | .points] | add | group_by([.direction, .mac_entries, .traffic_macs, .flows])
		| map(.[0] + {own_cycles_per_pkt: (map(.own_cycles_per_pkt) | median),
			      io_cycles_per_pkt: (map(.io_cycles_per_pkt) | median), runs: length} | del(.packets)))}' \
	"$tmp"/run*.json > "$OUT"
echo
echo "vtepd's own cycles per packet, median of $RUNS runs (64-byte frames, bursts of 32, one core):"
echo "direction  MACs in table  traffic MACs  flows   own cycles/pkt  ring PMD cycles/pkt"
jq -r '.median | sort_by(.direction != "encap", .mac_entries, .traffic_macs == 0, .flows)[] |
	[.direction, .mac_entries, (if .traffic_macs == 0 then "all, random" else (.traffic_macs | tostring) end),
	 .flows, .own_cycles_per_pkt, .io_cycles_per_pkt] | @tsv' "$OUT" |
	awk -F'\t' '{ printf "%-10s %-14s %-13s %-7s %-15.1f %.1f\n", $1, $2, $3, $4, $5, $6 }'
echo "JSON: $OUT"
fi
if want routed; then
jq -s --argjson machine "$(machine)" --arg date "$(date -u +%FT%TZ)" --argjson runs "$RUNS" \
	--arg cmd "POINTS=routed RUNS=$RUNS PACKETS=$PACKETS ROUTED=$ROUTED PREFIXES=$PREFIXES ROUTED6=$ROUTED6${REMOTE:+ REMOTE=$REMOTE} bash perf/bench_cycles.sh" '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	([.[] | .points] | add | group_by([.table, .entries, .destinations, .kind])
	 | map(.[0] + {own_cycles_per_pkt: (map(.own_cycles_per_pkt) | median),
		       io_cycles_per_pkt: (map(.io_cycles_per_pkt) | median), runs: length} | del(.packets))) as $med
	| {machine: $machine, date: $date, command: $cmd, runs: $runs, size: .[0].size, burst: .[0].burst,
	   tsc_hz: .[0].tsc_hz, bound_routed_minus_bridged: 40,
	   polls_left_out: (map(.polls_left_out // 0) | add),
	   results: [.[] | .points] | add, median: $med,
	   routed_minus_bridged: ($med | group_by([.table, .entries, .destinations])
		| map({table: .[0].table, entries: .[0].entries, destinations: .[0].destinations,
		       routed: (map(select(.kind == "routed")) | .[0].own_cycles_per_pkt),
		       bridged: (map(select(.kind == "bridged")) | .[0].own_cycles_per_pkt)}
		      | . + {difference: (((.routed - .bridged) * 10 | round) / 10), within_bound: (.routed - .bridged <= 40)}))}' \
	"$tmp"/routed*.json > "$OUT_ROUTED"
echo
echo "routed against bridged, vtepd's own cycles per packet, median of $RUNS runs (64 bytes, bursts of 32):"
echo "table          routes     destinations  routed   bridged  routed-bridged (bound +40)"
jq -r '.routed_minus_bridged | sort_by(.table, .entries, .destinations != "one")[] |
	[.table, .entries, .destinations, .routed, .bridged, .difference, (if .within_bound then "met" else "missed" end)] | @tsv' \
	"$OUT_ROUTED" | awk -F'\t' '{ printf "%-14s %-10s %-13s %-8.1f %-8.1f %+.1f %s\n", $1, $2, $3, $4, $5, $6, $7 }'
echo "polls left out (preempted): $(jq .polls_left_out "$OUT_ROUTED"); JSON: $OUT_ROUTED"
fi
