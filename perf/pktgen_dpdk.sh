#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# pktgen_dpdk.sh: drive Pktgen-DPDK (the generator users know) against vtepd the way
# bench_fastpath.sh drives ours: one leaf with memif on both sides (perf/memif_leaf.sh),
# Pktgen-DPDK the client of both, sending inner UDP frames into port m1 and counting the
# VXLAN frames that come out of the underlay, per frame size; JSON like the other benchmarks.
#
# Pktgen-DPDK is not packaged in Debian: build it yourself and point PKTGEN_DPDK at the
# binary (or put it on PATH as pktgen). Without it this script says so and exits 0.
#   PKTGEN_DPDK=/opt/pktgen/bin/pktgen bash perf/pktgen_dpdk.sh     (SIZES, DURATION as in bench_fastpath.sh)
# Our own generator, perf/pktgen, is what the tests and bench_fastpath.sh use.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
PG=${PKTGEN_DPDK:-$(command -v pktgen || true)}
if [ -z "$PG" ] || [ ! -x "$PG" ]; then
	echo "pktgen_dpdk: SKIP: Pktgen-DPDK is not installed (it is not packaged in Debian 12)."
	echo "pktgen_dpdk: build it from its sources and run PKTGEN_DPDK=/path/to/pktgen bash perf/pktgen_dpdk.sh;"
	echo "pktgen_dpdk: vtepd's own generator (build/perf/pktgen/pktgen) runs in perf/bench_fastpath.sh."
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "pktgen_dpdk: run as root (namespaces, hugepages)" >&2; exit 1; }
DURATION=${DURATION:-5}
SIZES=${SIZES:-64 512 1500}
OUT=${OUT:-$top/perf/results/pktgen_dpdk.json}
[ -x "$top/build/control/vtepd" ] || bash "$top/scripts/setup.sh" build >/dev/null
ML_BUILD=$top/build
# shellcheck source=memif_leaf.sh
source "$top/perf/memif_leaf.sh"
trap ml_cleanup EXIT
trap 'exit 130' INT TERM
ML_PREFIXES+=("${ML_NAME}pgd")
ml_vtepd

# The Lua script: per size, clear, send on port 0 for DURATION, read both ports' counters.
lua=$ML_TMP/bench.lua
res=$ML_TMP/pktgen_dpdk.txt
{
	echo 'package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"'
	echo 'require "Pktgen"'
	echo "local out = io.open(\"$res\", \"w\")"
	echo "pktgen.set_mac(\"0\", \"dst\", \"$ML_MAC_REMOTE\")"
	echo 'pktgen.set_ipaddr("0", "src", "192.168.0.1/24")'
	echo 'pktgen.set_ipaddr("0", "dst", "192.168.0.2")'
	echo 'pktgen.set_proto("0", "udp")'
	echo 'pktgen.set("0", "rate", 100)'
	for size in $SIZES; do
		[ "$size" = imix ] && { echo "pktgen_dpdk: imix is not driven here (Pktgen-DPDK sets one size per port)" >&2; continue; }
		cat <<EOF
pktgen.clear("all")
pktgen.set("0", "size", $size)
pktgen.start("0")
pktgen.delay($((DURATION * 1000)))
pktgen.stop("0")
pktgen.delay(500)
do
	local s = pktgen.portStats("all", "port")
	out:write(string.format("%d %d %d\n", $size, s[0].opackets, s[1].ipackets))
end
EOF
	done
	echo 'out:close()'
	echo 'pktgen.quit()'
} > "$lua"

# Main and worker lcores both on CPU 0: vtepd's fast path keeps CPU 1 to itself.
"$PG" --lcores '0@0,1@0' --file-prefix "${ML_NAME}pgd" --huge-unlink --no-pci --no-telemetry \
	--vdev "net_memif0,role=client,socket=$ML_SOCK_C,socket-abstract=no" \
	--vdev "net_memif1,role=client,socket=$ML_SOCK_U,socket-abstract=no" \
	-- -P -T -m "1.[0-1]" -f "$lua" > "$ML_TMP/pktgen_dpdk.log" 2>&1 < /dev/null &
ML_PIDS+=($!)
for _ in $(seq $(( (DURATION + 5) * 20 * $(echo "$SIZES" | wc -w) + 200 ))); do
	kill -0 "${ML_PIDS[-1]}" 2>/dev/null || break
	sleep 0.1
done
if [ ! -s "$res" ]; then
	echo "pktgen_dpdk: Pktgen-DPDK wrote no results; its log:" >&2
	tail -30 "$ML_TMP/pktgen_dpdk.log" >&2
	exit 1
fi
mkdir -p "$(dirname "$OUT")"
awk -v d="$DURATION" '{ printf "{\"size\": %d, \"sent\": %d, \"received\": %d, \"mpps\": %.4f}\n", $1, $2, $3, $3 / d / 1e6 }' "$res" |
	jq -s --arg date "$(date -u +%FT%TZ)" '{date: $date, generator: "Pktgen-DPDK", direction: "encap",
		command: "bash perf/pktgen_dpdk.sh", results: .}' > "$OUT"
echo "size   sent        received    Mpps (encap, through vtepd)"
jq -r '.results[] | "\(.size)\t\(.sent)\t\(.received)\t\(.mpps)"' "$OUT" | awk -F'\t' '{ printf "%-6s %-11s %-11s %s\n", $1, $2, $3, $4 }'
echo "JSON: $OUT"
