#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The daemon's configuration handling: every sample in conf/ validates with --check-config;
# a broken file is refused with FILE:LINE:COLUMN and a non-zero exit, and starts nothing.
source "$(dirname "$0")/lib.sh"

for f in "$VT_TOP"/conf/*.yaml; do
	out=$("$VTEPD" --check-config -c "$f" 2>&1) || vt_fail "sample $(basename "$f") rejected: $out"
	echo "$out" | grep -q "configuration OK" || vt_fail "no OK line for $(basename "$f"): $out"
done
vt_pass "every sample in conf/ validates"

cat > "$VT_TMP/bad.yaml" <<'EOF2'
vtep:
  name: badleaf
  source_ip: 10.0.0.300
underlay:
  port: net_af_xdp0,iface=ul0
EOF2
out=$("$VTEPD" --check-config -c "$VT_TMP/bad.yaml" 2>&1) && vt_fail "a bad address was accepted"
echo "$out" | grep -q "bad.yaml:3:14: " || vt_fail "error does not point at line 3 column 14: $out"
echo "$out" | grep -q "10.0.0.300" || vt_fail "error does not quote the bad value: $out"
vt_pass "bad value: $out"

# Without --check-config the daemon must refuse the file before touching anything.
vt_ns "${VT_P}l1"
VT_NAMES+=(badleaf)
ip netns exec "${VT_P}l1" "$VTEPD" -c "$VT_TMP/bad.yaml" > "$VT_TMP/bad.log" 2>&1 && vt_fail "vtepd started on a bad file"
grep -q "bad.yaml:3:14" "$VT_TMP/bad.log" || vt_fail "vtepd did not report file:line:col: $(cat "$VT_TMP/bad.log")"
[ -e /run/vtepd/badleaf.sock ] && vt_fail "vtepd created its socket despite the bad file"
vt_pass "vtepd refuses a bad file and starts nothing"

printf 'vtep: [unclosed\n' > "$VT_TMP/syntax.yaml"
out=$("$VTEPD" --check-config -c "$VT_TMP/syntax.yaml" 2>&1) && vt_fail "a YAML syntax error was accepted"
echo "$out" | grep -Eq "syntax.yaml:[0-9]+:[0-9]+: " || vt_fail "syntax error without a position: $out"
out=$("$VTEPD" --check-config -c "$VT_TMP/missing.yaml" 2>&1) && vt_fail "a missing file was accepted"
echo "$out" | grep -q "missing.yaml" || vt_fail "missing file not named: $out"
out=$("$VTEPD" 2>&1) && vt_fail "vtepd without -c succeeded"
echo "$out" | grep -q "usage" || vt_fail "no usage text: $out"
vt_pass "syntax errors, missing files and missing options are reported"
