# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# plot_common.sh, sourced by the perf/plot_*.sh scripts: plot_init NAME [JSON [PNG]] sets json
# (default perf/results/NAME.json) and png (default perf/results/NAME.png), installs gnuplot-nox
# when gnuplot is missing, and makes the temporary data file $dat, removed at exit; $plot_bars
# holds the gnuplot settings of a clustered bar chart from zero, the kind every plot here is.
# shellcheck disable=SC2034  # json, png and plot_bars are for the sourcing script
plot_init() {
	local name=$1 results
	results=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/results
	json=${2:-$results/$name.json}
	png=${3:-$results/$name.png}
	command -v gnuplot >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null
	plot_bars='set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]'
	dat=$(mktemp /tmp/vtepd-plot.XXXXXX)
	trap 'rm -f "$dat"' EXIT
}
