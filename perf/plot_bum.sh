#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# plot_bum.sh [JSON [PNG]]: the BUM replication benchmark (perf/bench_bum.sh) as a bar chart:
# broadcasts in and VXLAN copies out (Mpps) per number of remote VTEPs, each fan-out's median
# run. gnuplot (gnuplot-nox) draws it.
set -euo pipefail
# shellcheck source=plot_common.sh
source "$(dirname "$0")/plot_common.sh"
plot_init bum "$@"
jq -r '.median[] | [.fanout, .in_mpps, .out_mpps] | @tsv' "$json" > "$dat"
gnuplot <<EOF2
set terminal pngcairo size 800,450 noenhanced
set output "$png"
set title "Head-end replication over memif, one core ($(jq -r .date "$json"))"
set ylabel "Mpps"
set xlabel "remote VTEPs in the flood list"
$plot_bars
set key top left
set grid ytics
plot "$dat" using 2:xtic(1) title "broadcasts in", "" using 3 title "VXLAN copies out"
EOF2
echo "plot: $png"
