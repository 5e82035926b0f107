#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# check_layout.sh: the source layout's rules, checked on every unit test run (meson test
# 'layout'). The build already keeps each library to the include folders it may use; this
# also names the offending line, and covers what the build cannot see:
#   - a file includes only headers of its own folder and of the folders it may depend on:
#     include/ (the fast path <-> control contract) and dataplane/ never include control/,
#     and the control subsystems form a DAG (common <- bgp <- config <- switch <- fabric
#     <- mgmt <- the daemon at the top of control/; route, a VRF's RIB, uses only the
#     dataplane, include/ and common, and switch, fabric, mgmt and the daemon may use it);
#   - cni/ (the CNI plugin, a client of the control socket like vtepctl) includes its own
#     headers and, of all of vtepd, only the ctl client's ctl.h; docker/ (the Docker driver)
#     its own and, of cni/, only ctr.h (what the container plugins share);
#   - no relative includes ("../x.h"): the folder goes on the include path instead;
#   - conf/ holds configuration files only (no C, no meson.build).
# Usage: check_layout.sh [SOURCE_ROOT]; exits 1 and prints every violation when any.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2

# Folders whose headers are checked, and what each may include besides libc/DPDK/... (<...>).
declare -A may=(
	[include]="include"
	[dataplane]="dataplane include"
	[control/common]="control/common"
	[control/bgp]="control/bgp control/common"
	[control/config]="control/config control/bgp control/common include"
	[control/route]="control/route dataplane include control/common"
	[control/switch]="control/switch control/config control/route dataplane include control/common"
	[control/fabric]="control/fabric control/route control/switch control/bgp control/config dataplane include control/common"
	[control/mgmt]="control/mgmt control/fabric control/route control/switch control/bgp control/config dataplane include control/common"
	[control]="control control/mgmt control/fabric control/route control/switch control/bgp control/config dataplane include control/common"
	[cni]="cni"
	[docker]="docker"
)
# Single headers a folder may include from a folder it may not otherwise use.
declare -A may_header=(
	[cni]="ctl.h"
	[docker]="ctr.h"
)

# Which folder each header lives in (header names are unique across these folders).
declare -A home=()
for dir in "${!may[@]}"; do
	for h in "$dir"/*.h; do
		[ -e "$h" ] && home[$(basename "$h")]=$dir
	done
done

bad=0
violation() {
	echo "check_layout: $1" >&2
	bad=1
}

for dir in "${!may[@]}"; do
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -e "$f" ] || continue
		while IFS= read -r hit; do
			line=${hit%%:*}
			text=${hit#*:}
			name=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$text")
			[ -n "$name" ] || continue
			if [[ $name == */* && $name != ../* ]]; then   # ../ is reported below
				violation "$f:$line: $text (include by name, with the folder on the include path)"
				continue
			fi
			owner=${home[$name]:-}
			[ -n "$owner" ] || continue            # not one of ours (generated, or a test's)
			case " ${may[$dir]} " in
			*" $owner "*) ;;
			*) [[ " ${may_header[$dir]:-} " == *" $name "* ]] ||
				violation "$f:$line: $text ($dir may not include $owner/${may_header[$dir]:+; of it only ${may_header[$dir]}})" ;;
			esac
		done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
	done
done

# No relative includes anywhere in the C sources.
while IFS= read -r hit; do
	violation "$hit (include by name, with the folder on the include path)"
done < <(grep -rn --include='*.c' --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"\.\./' \
	control dataplane include cni docker test perf 2>/dev/null)

# conf/: configuration files only.
while IFS= read -r f; do
	violation "$f: conf/ holds configuration files only (code goes under control/config/)"
done < <(find conf -type f \( -name '*.c' -o -name '*.h' -o -name 'meson.build' \) 2>/dev/null)

if [ "$bad" = 0 ]; then
	echo "check_layout: ok"
fi
exit "$bad"
