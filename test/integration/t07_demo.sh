#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's demo command, as a user runs it: it must pass its own checks, exercise the
# sample configs conf/demo-leaf1.yaml and conf/demo-leaf2.yaml, and leave nothing behind.
source "$(dirname "$0")/lib.sh"

for ns in $(ip netns list | awk '{print $1}'); do
	case $ns in vd-*) vt_fail "a demo namespace ($ns) already exists; run scripts/demo.sh --down first" ;; esac
done
out=$(VTEPD_BUILD=$VT_BUILD bash "$VT_TOP/scripts/demo.sh" 2>&1)
rc=$?
echo "$out" | tail -n 25
[ "$rc" -eq 0 ] || vt_fail "demo exited with $rc"
echo "$out" | grep -q "demo: all checks passed" || vt_fail "demo did not report success"
[ "$(echo "$out" | grep -c '^  ok ')" -eq 6 ] || vt_fail "demo did not run its six checks"
left=$(ip netns list | awk '{print $1}' | grep '^vd-' || true)
[ -z "$left" ] || vt_fail "demo left namespaces behind: $left"
[ -e /run/vtepd/demo-leaf1.sock ] && vt_fail "demo left a control socket behind"
[ -e /run/vtepd/demo-leaf1.ports ] && vt_fail "demo left vtepd's list of container ports behind"
vt_pass "the demo runs, passes its checks and cleans up"
