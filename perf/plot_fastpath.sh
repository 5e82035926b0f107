#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# plot_fastpath.sh [JSON [PNG]]: the fast-path benchmark's results (perf/bench_fastpath.sh) as
# a bar chart: vtepd's encap and decap Mpps against the testpmd io ceiling, per frame size
# (one flow, the 1k-MAC table, each point's median run). gnuplot (gnuplot-nox) draws it.
set -euo pipefail
# shellcheck source=plot_common.sh
source "$(dirname "$0")/plot_common.sh"
plot_init fastpath "$@"
jq -r '.median as $b | ["64", "512", "1500", "imix"][] as $s
	| [$s,
	   ($b | map(select(.what == "vtepd" and .direction == "encap" and .size == $s and .flows == 1 and .mac_table < 100000))[0].mpps // 0),
	   ($b | map(select(.what == "vtepd" and .direction == "decap" and .size == $s and .flows == 1 and .mac_table < 100000))[0].mpps // 0),
	   ($b | map(select(.what == "testpmd-io" and .size == $s))[0].mpps // 0)] | @tsv' "$json" > "$dat"
gnuplot <<EOF2
set terminal pngcairo size 900,500
set output "$png"
set title "vtepd's fast path over memif, one core, against testpmd io-forwarding ($(jq -r .date "$json"))"
set ylabel "Mpps"
set xlabel "frame size (bytes)"
$plot_bars
set key top right
set grid ytics
plot "$dat" using 2:xtic(1) title "vtepd encap", "" using 3 title "vtepd decap", "" using 4 title "testpmd io (ceiling)"
EOF2
echo "plot: $png"
