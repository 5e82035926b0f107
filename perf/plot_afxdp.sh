#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# plot_afxdp.sh [JSON [PNG]]: the AF_XDP container-port benchmark (perf/bench_afxdp.sh) as a bar
# chart: Mpps delivered by vtepd, testpmd io, the kernel's VXLAN and OVS-DPDK per frame size and
# direction (each point's median run). gnuplot (gnuplot-nox) draws it.
set -euo pipefail
# shellcheck source=plot_common.sh
source "$(dirname "$0")/plot_common.sh"
plot_init afxdp "$@"
jq -r '.median[] | ["\(.size) \(.direction)", (.mpps.vtepd // 0), (.mpps.testpmd // 0), (.mpps.kernel // 0),
	(.mpps.ovs // 0)] | @tsv' "$json" | sed "s/ /-/" > "$dat"
gnuplot <<EOF2
set terminal pngcairo size 1000,500 noenhanced
set output "$png"
set title "Container ports over AF_XDP veths, one forwarding core ($(jq -r .date "$json"))"
set ylabel "Mpps delivered"
set xlabel "frame size and direction"
$plot_bars
set key top right
set grid ytics
plot "$dat" using 2:xtic(1) title "vtepd", "" using 3 title "testpmd io (ceiling)", "" using 4 title "kernel VXLAN + bridge", \
	"" using 5 title "OVS-DPDK 3.1"
EOF2
echo "plot: $png"
