#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench_bum.sh: head-end replication of broadcast frames to 1, 8 and 64 remote VTEPs. One leaf
# with memif on both sides (perf/memif_leaf.sh; its VNI floods to ML_VTEPS remote VTEPs), our
# generator (lcore 0) sends 64-byte broadcasts into port m1 as fast as it can and counts the
# VXLAN copies out of the underlay; vtepd's fast path on lcore 1. For each fan-out: broadcasts
# in per second, copies out per second, copies per broadcast (the fan-out when nothing is
# lost) and vtepd's cycles per broadcast. The median run of RUNS per point (by copies out);
# prints a table, writes perf/results/bum.json and the plot perf/results/bum.png.
#   bash perf/bench_bum.sh            (FANOUTS="1 8 64", RUNS=3, DURATION=3)
# A benchmark, never a timed test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-3}
RUNS=${RUNS:-3}
FANOUTS=${FANOUTS:-1 8 64}
OUT=${OUT:-$top/perf/results/bum.json}
[ "$(id -u)" -eq 0 ] || { echo "bench_bum: run as root (namespaces, hugepages)" >&2; exit 1; }
[ -x "$top/build/perf/pktgen/pktgen" ] && command -v jq >/dev/null || bash "$top/scripts/setup.sh" build >/dev/null
ML_BUILD=$top/build
# shellcheck source=memif_leaf.sh
source "$top/perf/memif_leaf.sh"
trap ml_cleanup EXIT
trap 'exit 130' INT TERM
PG_PREFIX=${ML_NAME}pg
ML_PREFIXES+=("$PG_PREFIX")
results=()

for n in $FANOUTS; do
	ML_VTEPS=$n
	rm -f "$ML_TMP/leaf.yaml"
	ip netns del "$ML_NS" 2>/dev/null || true
	for run in $(seq "$RUNS"); do
		ml_vtepd
		c0=$(ml_stat .fastpath.busy_cycles)
		"$PKTGEN" -l 0 --file-prefix "$PG_PREFIX" --huge-unlink --no-pci --no-telemetry --log-level=notice \
			--vdev "net_memif0,role=client,socket=$ML_SOCK_C,socket-abstract=no,rsize=11" \
			--vdev "net_memif1,role=client,socket=$ML_SOCK_U,socket-abstract=no,rsize=11" \
			-- --tx-port 0 --rx-port 1 --broadcast --src-mac "$ML_MAC_LOCAL" --size 64 --duration "$DURATION" \
			--drain 0.5 --link-wait 20 --json "$ML_TMP/bum.json" --label "bum-$n" > "$ML_TMP/pg.log" 2>&1 ||
			{ echo "pktgen failed:" >&2; cat "$ML_TMP/pg.log" >&2; exit 1; }
		c1=$(ml_stat .fastpath.busy_cycles)
		flooded=$(ml_stat '.vnis[0].flooded')
		drops=$("$VTEPCTL" -n "$ML_NAME" -j show stats | jq -c '[.ports[] | {port, drops: (.drops | with_entries(select(.value > 0)))}
			| select(.drops != {})]')
		ml_vtepd_stop
		results+=("$(jq -c --argjson n "$n" --argjson run "$run" --argjson cycles $((c1 - c0)) --argjson flooded "$flooded" --argjson drops "$drops" \
			'{fanout: $n, run: $run, in_mpps: .tx.mpps, out_mpps: .rx.mpps, sent: .tx.packets, copies: .rx.packets,
			  flooded: $flooded, copies_per_frame: (if .tx.packets > 0 then .rx.packets / .tx.packets else 0 end),
			  cycles_per_frame: (if $flooded > 0 then ($cycles / $flooded | floor) else 0 end), vtepd_drops: $drops}' \
			"$ML_TMP/bum.json")")
		echo "fan-out $n, run $run: $(echo "${results[-1]}" | jq -r '"\(.in_mpps) Mpps in, \(.out_mpps) Mpps out"')"
	done
done
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "${results[@]}" | jq -s --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
	--arg date "$(date -u +%FT%TZ)" '{machine: {cpu: $cpu, cores: '"$(nproc)"', kernel: "'"$(uname -r)"'"}, date: $date,
	command: "bash perf/bench_bum.sh", seconds_per_point: '"$DURATION"', results: .,
	median: (group_by(.fanout) | map(sort_by(.out_mpps) | .[(length - 1) / 2 | floor]))}' > "$OUT"
echo
echo "fan-out  broadcasts in Mpps  copies out Mpps  copies per broadcast  vtepd cycles per broadcast  vtepd drops   (median of $RUNS)"
jq -r '.median[] | [.fanout, .in_mpps, .out_mpps, .copies_per_frame, .cycles_per_frame, (.vtepd_drops | tostring)] | @tsv' "$OUT" |
	awk -F'\t' '{ printf "%-8s %-19.3f %-16.3f %-21.2f %-27s %s\n", $1, $2, $3, $4, $5, $6 }'
echo "JSON: $OUT"
bash "$top/perf/plot_bum.sh" "$OUT" "${OUT%.json}.png"
