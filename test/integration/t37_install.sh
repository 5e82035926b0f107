#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installing vtepd (issue 16), as an operator does it: `meson install --destdir` of the build
# under test into a temporary directory: the programs, the XDP objects, the CNI plugin and the
# sample configs are at their paths, no test, fuzzer or benchmark program is; the demo
# (scripts/demo.sh with VTEPD_PREFIX) runs from there and passes its checks, and the installed
# vtepd loaded the installed XDP objects (found next to its own executable, with no
# VTEPD_BPF_DIR), not the build tree's.
# The Debian package is t43's: README's service section builds it, installs it (twice), runs
# vtepd@NAME from it under systemd and purges it, in a container.
# As one command: VT_BUILD=$PWD/build bash test/integration/t37_install.sh
# vt-suite: once
source "$(dirname "$0")/lib.sh"

for ns in $(ip netns list | awk '{print $1}'); do
	case $ns in vd-*) vt_fail "a demo namespace ($ns) already exists; run scripts/demo.sh --down first" ;; esac
done
demo_up=
install_cleanup() {
	if [ -n "$demo_up" ]; then
		bash "$VT_TOP/scripts/demo.sh" --down >/dev/null 2>&1
		rm -rf /run/vtepd/demo
	fi
}
trap 'rc=$?; install_cleanup; (exit $rc); vt_cleanup' EXIT

# ---- (a) meson install --destdir, and the demo from there
opt() { meson introspect --buildoptions "$VT_BUILD" | jq -r --arg n "$1" '.[] | select(.name == $n) | .value'; }
prefix=$(opt prefix) sbindir=$(opt sbindir) bindir=$(opt bindir) libdir=$(opt libdir) datadir=$(opt datadir)
cnidir=$(opt cni_dir)
[ -n "$cnidir" ] || cnidir=$prefix/lib/cni
dest=$VT_TMP/dest
vt_log "meson install --destdir $dest (prefix $prefix)"
meson install -C "$VT_BUILD" --destdir "$dest" > "$VT_TMP/meson-install.txt" 2>&1 ||
	vt_fail "meson install failed: $(tail -5 "$VT_TMP/meson-install.txt")"
root=$dest$prefix
bpfdir=$root/$libdir/vtepd
for f in "$root/$sbindir/vtepd" "$root/$bindir/vtepctl" "$root/$sbindir/vtepd-docker" "$dest$cnidir/vtepd-cni"; do
	[ -x "$f" ] || vt_fail "meson install: no program $f"
done
for f in "$bpfdir/xdp_vtep_underlay.o" "$bpfdir/xdp_vtep_port.o" \
	"$root/$datadir/doc/vtepd/examples/demo-leaf1.yaml" "$root/$datadir/doc/vtepd/examples/leaf-l3.yaml"; do
	[ -f "$f" ] || vt_fail "meson install: no file $f"
done
extra=$(find "$dest" -type f \( -name 'test_*' -o -name 'fuzz_*' -o -name pktgen -o -name 'bench_*' \
	-o -name bgp_inject -o -name xsk_floor -o -name 'xdp_floor*' \) )
[ -z "$extra" ] || vt_fail "meson install installed test or benchmark programs: $extra"

vt_log "the demo from the installed tree"
demo_up=1
out=$(VTEPD_PREFIX=$root bash "$VT_TOP/scripts/demo.sh" --keep 2>&1)
rc=$?
echo "$out" | grep -E '^  (ok|FAIL) |^demo:'
[ "$rc" -eq 0 ] || vt_fail "the demo from $root exited with $rc: $(echo "$out" | tail -20)"
echo "$out" | grep -q "demo: all checks passed" || vt_fail "the installed demo did not report success"
[ "$(echo "$out" | grep -c '^  ok ')" -eq 6 ] || vt_fail "the installed demo did not run its six checks"
want=$(realpath "$bpfdir/xdp_vtep_underlay.o")
for i in 1 2; do
	got=$(sed -n 's/.*underlay ul0: XDP program //p' "/run/vtepd/demo/leaf$i.log")
	[ -n "$got" ] || vt_fail "leaf $i's log names no XDP program: $(tail -5 "/run/vtepd/demo/leaf$i.log")"
	[ "$(realpath "$got")" = "$want" ] || vt_fail "the installed vtepd (leaf $i) loaded $got, not $want"
done
bash "$VT_TOP/scripts/demo.sh" --down >/dev/null 2>&1 || vt_fail "demo.sh --down failed"
demo_up=
vt_pass "meson install --destdir: everything at its path, the demo passes from there on the installed XDP objects"
