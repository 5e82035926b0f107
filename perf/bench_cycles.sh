#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench_cycles.sh: vtepd's own fast-path work in cycles per packet (perf/bench_cycles.c): the
# real worker between two DPDK ring ports on lcore 1, 64-byte frames in bursts of 32, encap and
# decap with learning and lookup; a MAC table of 1k and of 1M entries; the traffic on one MAC
# pair (bursts of one conversation) or on random pairs of all the table's MACs (every frame a
# different pair, the worst case for the caches); 1 and 64k flows. The ports' own cycles (the
# ring PMD's receive and transmit) are counted apart, as `vtepctl show stats` does.
# RUNS runs (default 5), the table shows each point's median; JSON in perf/results/cycles.json.
#   bash perf/bench_cycles.sh        (PACKETS=10000000 per point per run)
# A benchmark, never a timed test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
RUNS=${RUNS:-5}
PACKETS=${PACKETS:-10000000}
OUT=${OUT:-$top/perf/results/cycles.json}
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

for run in $(seq "$RUNS"); do
	echo "run $run of $RUNS"
	"$build/perf/bench_cycles" -l 1 --no-pci --no-telemetry --file-prefix "$prefix" --huge-unlink --log-level=notice \
		-- --packets "$PACKETS" --json "$tmp/run$run.json" | sed 's/^/  /'
done
mkdir -p "$(dirname "$OUT")"
jq -s --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" --arg kernel "$(uname -r)" \
	--arg date "$(date -u +%FT%TZ)" --argjson runs "$RUNS" '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	{machine: {cpu: $cpu, cores: '"$(nproc)"', kernel: $kernel}, date: $date, command: "bash perf/bench_cycles.sh",
	 runs: $runs, size: .[0].size, burst: .[0].burst, tsc_hz: .[0].tsc_hz,
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
