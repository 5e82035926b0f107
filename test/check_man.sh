#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# check_man.sh: the man pages against the code, on every unit test run (meson test 'man',
# registered by man/meson.build when scdoc builds the pages):
#   - every page renders without a warning (groff -ww);
#   - every command of vtepctl's command table (control/mgmt/commands.c) heads an entry of
#     vtepctl(8)'s COMMANDS section;
#   - every key of every configuration key table (control/config/*.c) heads an entry of
#     vtepd.yaml(5), by its path (vtep.name, vnis[].vni, bgp.neighbors[].address ...); a table
#     this script does not place is an error too, so a new table gets a place here and a page
#     entry.
# Usage: check_man.sh SOURCE_ROOT PAGE...  (the built pages: vtepctl.8, vtepd.yaml.5, ...)
# Exits 1 and names every missing entry and every warning.
set -u
root=$1
shift
fail=0
err() { echo "check_man: $*" >&2; fail=1; }

command -v groff >/dev/null || { echo "check_man: groff not found (Debian: groff-base)" >&2; exit 1; }

# Pages as text: wide lines and no hyphenation, so that an entry's head is one line.
render() { groff -t -man -Tascii -rLL=400n -rHY=0 -P-cbou "$1" 2>/dev/null; }

ctl_page= yaml_page=
for page in "$@"; do
	w=$(groff -t -man -ww -z "$page" 2>&1)
	[ -n "$w" ] && err "$(basename "$page") renders with warnings:"$'\n'"$w"
	case $(basename "$page") in
	vtepctl.8) ctl_page=$page ;;
	vtepd.yaml.5) yaml_page=$page ;;
	esac
done
[ -n "$ctl_page" ] || err "no vtepctl.8 given"
[ -n "$yaml_page" ] || err "no vtepd.yaml.5 given"
[ $fail -eq 0 ] || exit 1

# The heads of entries: each line's text after its indentation (entries start a line).
heads() { sed -E 's/^[[:space:]]+//'; }

# ---- vtepctl's commands: the words of each row of vtepd_commands[] ----
commands=$(awk '/ctl_command vtepd_commands\[\] = \{/ { p = 1; next } p && /^\};/ { p = 0 } p' \
		"$root/control/mgmt/commands.c" |
	grep -oE '\{[[:space:]]*\{[[:space:]]*"[^}]*NULL[[:space:]]*\}' |
	while read -r row; do
		grep -oE '"[^"]*"' <<<"$row" | tr -d '"' | paste -sd ' '
	done)
n_commands=$(grep -c . <<<"$commands")
[ "$n_commands" -ge 10 ] || err "found only $n_commands commands in control/mgmt/commands.c's vtepd_commands[]: has the table changed shape?"
# COMMANDS: from its heading to the next one (headings start at column 0)
ctl_text=$(render "$ctl_page" | awk '/^COMMANDS/ { p = 1; next } p && /^[A-Z]/ { p = 0 } p' | heads)
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	grep -qE "^${cmd}( |\$)" <<<"$ctl_text" || err "vtepctl.8: command '$cmd' (control/mgmt/commands.c) has no entry in COMMANDS"
done <<<"$commands"

# ---- configuration keys: each key table, and where its mapping is in the file ----
declare -A prefix=(
	[cfg_top_keys]=""
	[cfg_vtep_keys]="vtep."
	[cfg_underlay_keys]="underlay."
	[cfg_uplink_keys]="underlay.ports[]."
	[cfg_fastpath_keys]="fastpath."
	[cfg_control_keys]="control."
	[cfg_api_keys]="api."
	[cfg_metrics_keys]="metrics."
	[cfg_vrf_keys]="vrfs[]."
	[cfg_vrf_rt_keys]="vrfs[].route_targets."
	[cfg_vni_keys]="vnis[]."
	[cfg_rt_keys]="vnis[].route_targets."
	[cfg_static_mac_keys]="vnis[].static_macs[]."
	[cfg_port_keys]="ports[]."
	[cfg_bgp_keys]="bgp."
	[cfg_dup_keys]="bgp.duplicate_detection."
	[cfg_neighbor_keys]="bgp.neighbors[]."
)
keys=$(awk '
	match($0, /static const struct cfg_key [A-Za-z0-9_]+\[\] = \{/) {
		t = $0; sub(/.*struct cfg_key /, "", t); sub(/\[.*/, "", t); next
	}
	t != "" && /^\};/ { t = ""; next }
	t != "" && match($0, /^[[:space:]]*\{[[:space:]]*"[^"]+"/) {
		k = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", k); sub(/"$/, "", k); print t, k
	}' "$root"/control/config/*.c)
n_keys=$(grep -c . <<<"$keys")
[ "$n_keys" -ge 80 ] || err "found only $n_keys keys in control/config/*.c's cfg_key tables: have they changed shape?"
# the first word of each line: an entry's head is its key's path, then its type in ( )
yaml_heads=$(render "$yaml_page" | heads | sed -E 's/[ (].*$//')
while read -r table key; do
	[ -n "$table" ] || continue
	if [ -z "${prefix[$table]+set}" ]; then
		err "key table $table (control/config) has no place in test/check_man.sh: add its path there and its keys to man/vtepd.yaml.5.scd"
		continue
	fi
	path=${prefix[$table]}$key
	grep -qF -x -e "$path" <<<"$yaml_heads" ||
		err "vtepd.yaml.5: key '$path' ($table in control/config) has no entry"
done <<<"$keys"

[ $fail -eq 0 ] && echo "check_man: $n_commands commands and $n_keys keys documented; pages render cleanly"
exit $fail
