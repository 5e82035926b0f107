#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The daemon's configuration handling: every sample in conf/ validates with --check-config;
# a broken file is refused with FILE:LINE:COLUMN and a non-zero exit, and starts nothing.
# vt-suite: once
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

# An L3 leaf's configuration (issue 14: VRFs, L3 VNIs, anycast gateways) loads and the daemon
# starts with it; routing itself is not there yet, the VNIs are bridged as before.
vt_ns "${VT_P}l3"
vt_ns "${VT_P}sw"
vt_link "${VT_P}l3" ul0 "${VT_P}sw" p1
ip -n "${VT_P}l3" addr add 10.0.0.1/24 dev ul0
{
	vt_conf_base "${VT_P}-l3" 10.0.0.1 | sed 's/^  source_ip: .*/&\n  anycast_gateway_mac: 0000.2222.3333/'
	cat <<'EOF2'
vrfs:
  - {name: tenant, l3vni: 900001}
vnis:
  - {vni: 5000, vrf: tenant, gateway: [192.168.1.1/24, '2001:db8:1::1/64']}
  - {vni: 5001, vrf: tenant, gateway: [192.168.2.1/24]}
bgp:
  asn: 65535
EOF2
} > "$VT_TMP/l3.yaml"
vt_vtepd "${VT_P}l3" "${VT_P}-l3" "$VT_TMP/l3.yaml"
vt_ctl "${VT_P}-l3" -j show vnis | jq -e '[.vnis[].vni] | sort == [5000, 5001]' >/dev/null ||
	vt_fail "the L3 leaf does not show its two VNIs: $(vt_ctl "${VT_P}-l3" show vnis)"
vt_pass "an L3 leaf's configuration (VRF, L3 VNI, gateways) starts the daemon"

sed 's/gateway: \[192.168.2.1\/24\]/gateway: [192.168.1.129\/25]/' "$VT_TMP/l3.yaml" > "$VT_TMP/l3-bad.yaml"
out=$("$VTEPD" --check-config -c "$VT_TMP/l3-bad.yaml" 2>&1) && vt_fail "overlapping gateway subnets were accepted"
echo "$out" | grep -q "l3-bad.yaml:[0-9]*:[0-9]*: vnis\[1\].gateway\[0\]: 192.168.1.129/25 overlaps 192.168.1.1/24" ||
	vt_fail "overlap not reported with its position: $out"
vt_pass "an L3 mistake is refused: $out"
