#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installing vtepd (issue 16), as an operator does it.
# (a) `meson install --destdir` of the build under test into a temporary directory: the programs,
#     the XDP objects, the CNI plugin and the sample configs are at their paths, no test, fuzzer
#     or benchmark program is; the demo (scripts/demo.sh with VTEPD_PREFIX) runs from there and
#     passes its checks, and the installed vtepd loaded the installed XDP objects (found next to
#     its own executable, with no VTEPD_BPF_DIR), not the build tree's.
# (b) The Debian package: built with dpkg-buildpackage from a copy of the sources (no build
#     directory), installed twice (the upgrade path), /usr/sbin/vtepd run with a config in
#     /etc/vtepd/ and a container port in a namespace of the test, vtepctl answers, stopped
#     (SIGTERM, status 0), purged; then nothing is left: no file or directory the package listed
#     (but directories other packages own, or that existed before), no /etc/vtepd, no vtepd
#     process from the package, no /run/vtepd/NAME.*, no /run/dpdk/vtepd-NAME, no hugepage file,
#     no XDP program on the test's links. A failure purges the package too.
# As one command: VT_BUILD=$PWD/build bash test/integration/t37_install.sh
# vt-suite: once
source "$(dirname "$0")/lib.sh"

for ns in $(ip netns list | awk '{print $1}'); do
	case $ns in vd-*) vt_fail "a demo namespace ($ns) already exists; run scripts/demo.sh --down first" ;; esac
done
if dpkg-query -W -f='${Status}' vtepd 2>/dev/null | grep -qv "not-installed"; then
	vt_fail "a vtepd package is installed already; this test would purge it (dpkg --purge vtepd first)"
fi
command -v dpkg-buildpackage >/dev/null && [ -x /usr/bin/dh ] ||
	vt_fail "dpkg-dev and debhelper are not installed (scripts/setup.sh installs them)"

demo_up= pkg_in= pkg_pid=
install_cleanup() {
	if [ -n "$demo_up" ]; then
		bash "$VT_TOP/scripts/demo.sh" --down >/dev/null 2>&1
		rm -rf /run/vtepd/demo
	fi
	if [ -n "$pkg_pid" ] && kill -0 "$pkg_pid" 2>/dev/null; then
		kill -TERM "$pkg_pid"
		for _ in $(seq 50); do vt_alive "$pkg_pid" || break; sleep 0.1; done
		kill -KILL "$pkg_pid" 2>/dev/null
	fi
	if [ -n "$pkg_in" ] && dpkg-query -W -f='${Status}' vtepd 2>/dev/null | grep -qv "not-installed"; then
		dpkg --purge vtepd > "$VT_TMP/purge-at-cleanup.log" 2>&1 || echo "FAIL: cleanup could not purge vtepd" >&2
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

# ---- (b) the Debian package
src=$VT_TMP/src
mkdir -p "$src"
if git -C "$VT_TOP" rev-parse --git-dir >/dev/null 2>&1; then
	# the tree as it is (changes not yet committed included), without what git ignores: build dirs
	(cd "$VT_TOP" && git ls-files -z -c -o --exclude-standard | xargs -0 cp --parents -t "$src" 2>/dev/null) ||
		vt_fail "cannot copy the sources"
else
	tar -C "$VT_TOP" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -C "$src" -xf - ||
		vt_fail "cannot copy the sources"
fi
[ -f "$src/debian/rules" ] || vt_fail "the copy of the sources has no debian/rules"
vt_log "dpkg-buildpackage -us -uc -b"
start=$(date +%s)
# no debug information (less to compile): this package is installed and purged, never debugged
(cd "$src" && DEB_BUILD_OPTIONS="parallel=2 nocheck noddebs" DEB_CFLAGS_APPEND=-g0 dpkg-buildpackage -us -uc -b) \
	> "$VT_TMP/dpkg-buildpackage.txt" 2>&1 || vt_fail "dpkg-buildpackage failed: $(tail -30 "$VT_TMP/dpkg-buildpackage.txt")"
vt_log "package built in $(( $(date +%s) - start )) s"
deb=$(ls "$VT_TMP"/vtepd_*.deb 2>/dev/null | head -1)
[ -f "$deb" ] || vt_fail "dpkg-buildpackage made no vtepd_*.deb"

# what the package will own, and which of its directories were there before it
mapfile -t listed < <(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep -v '^\.\?$')
declare -A existed
for p in "${listed[@]}"; do [ -e "$p" ] && existed[$p]=1; done

pkg_in=1
for n in 1 2; do   # the second time is the upgrade path (prerm upgrade, postinst configure from the installed version)
	dpkg -i "$deb" > "$VT_TMP/dpkg-i-$n.txt" 2>&1 || vt_fail "dpkg -i (install $n) failed: $(tail -10 "$VT_TMP/dpkg-i-$n.txt")"
	dpkg-query -W -f='${Status}' vtepd | grep -q "install ok installed" || vt_fail "vtepd not installed after dpkg -i ($n)"
done
mapfile -t owned < <(dpkg -L vtepd | grep -vx '/\.')
[ "${#owned[@]}" -gt 5 ] || vt_fail "dpkg -L vtepd lists only ${#owned[@]} paths"
for f in /usr/sbin/vtepd /usr/bin/vtepctl /usr/sbin/vtepd-docker /usr/lib/cni/vtepd-cni; do
	[ -x "$f" ] || vt_fail "the package has no $f"
done
[ -d /etc/vtepd ] || vt_fail "the package made no /etc/vtepd"
CNI_COMMAND=VERSION /usr/lib/cni/vtepd-cni </dev/null | jq -e '.supportedVersions | index("1.0.0") != null' >/dev/null ||
	vt_fail "the packaged vtepd-cni does not answer VERSION"

vt_fabric 1
vt_ns "${VT_P}c1"
name=${VT_P}-leaf1
vt_leaf_conf 1 1500 "10.0.0.2" c1 192.168.10.1 02:00:00:37:00:01 1500
cp "$VT_TMP/leaf1.yaml" "/etc/vtepd/$name.yaml"
/usr/sbin/vtepd --check-config -c "/etc/vtepd/$name.yaml" >/dev/null || vt_fail "the packaged vtepd refuses the config"
# the package's own programs, finding the package's XDP objects by themselves
(unset VTEPD_BPF_DIR ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
 exec ip netns exec "${VT_P}l1" /usr/sbin/vtepd -c "/etc/vtepd/$name.yaml") > "$VT_TMP/pkg-vtepd.log" 2>&1 &
pkg_pid=$!
VT_NAMES+=("$name")
VT_PREFIXES+=("vtepd-$name")
vt_wait_for 20 bash -c "/usr/bin/vtepctl -n '$name' show ports >/dev/null 2>&1" ||
	vt_fail "the packaged vtepd did not answer on /run/vtepd/$name.sock"
/usr/bin/vtepctl -n "$name" -j show ports | jq -e '[.ports[] | select(.name == "c1")] | length == 1' >/dev/null ||
	vt_fail "the packaged vtepd has no port c1: $(/usr/bin/vtepctl -n "$name" show ports)"
/usr/bin/vtepctl -n "$name" show vnis | grep -q '\b100\b' || vt_fail "the packaged vtepd shows no VNI 100"
got=$(sed -n 's/.*underlay ul0: XDP program //p' "$VT_TMP/pkg-vtepd.log")
[ "$(realpath "$got" 2>/dev/null)" = "$(realpath /usr/lib/*/vtepd/xdp_vtep_underlay.o)" ] ||
	vt_fail "the packaged vtepd loaded XDP program '$got', not the package's"
ip -n "${VT_P}l1" link show ul0 | grep -q xdp || vt_fail "no XDP program on ul0 while the packaged vtepd runs"

kill -TERM "$pkg_pid"
for _ in $(seq 100); do vt_alive "$pkg_pid" || break; sleep 0.1; done
vt_alive "$pkg_pid" && vt_fail "the packaged vtepd did not exit within 10 s of SIGTERM"
wait "$pkg_pid"
drc=$?
pkg_pid=
[ "$drc" -eq 0 ] || vt_fail "the packaged vtepd exited with status $drc after SIGTERM"

dpkg --purge vtepd > "$VT_TMP/purge.txt" 2>&1 || vt_fail "dpkg --purge vtepd failed: $(tail -10 "$VT_TMP/purge.txt")"
pkg_in=
grep -qi "warning" "$VT_TMP/purge.txt" && vt_fail "dpkg --purge warned: $(grep -i warning "$VT_TMP/purge.txt")"
dpkg-query -W -f='${Status}' vtepd 2>/dev/null | grep -qv "not-installed" &&
	vt_fail "vtepd is still known to dpkg after the purge: $(dpkg-query -W -f='${Status}' vtepd)"
for p in "${owned[@]}"; do
	[ -e "$p" ] || [ -L "$p" ] || continue
	[ -n "${existed[$p]:-}" ] && continue            # was there before the package
	if [ -d "$p" ] && dpkg-query -S "$p" >/dev/null 2>&1; then continue; fi   # another package's directory too
	vt_fail "$p is left after the purge"
done
[ -e /etc/vtepd ] && vt_fail "/etc/vtepd is left after the purge"
for p in /proc/[0-9]*; do
	case $(readlink "$p/exe" 2>/dev/null) in
	/usr/sbin/vtepd*) vt_fail "a vtepd of the package still runs (pid ${p#/proc/})" ;;
	esac
done
left=$(ls -d /run/vtepd/"$name".* /run/dpdk/"vtepd-$name" /dev/hugepages/"vtepd-$name"map_* 2>/dev/null)
[ -z "$left" ] || vt_fail "left after the purge: $left"
for ns in "${VT_NAMESPACES[@]}"; do
	ip -n "$ns" link show | grep -q 'xdp' && vt_fail "an XDP program is left in $ns: $(ip -n "$ns" link show | grep -B1 xdp)"
	lock=/run/vtepd/xdp-$(stat -L -c %i "/run/netns/$ns")-
	ls "$lock"* >/dev/null 2>&1 && vt_fail "an XDP lock file is left: $(ls "$lock"*)"
done
ls /var/lib/systemd/deb-systemd-helper-enabled/ 2>/dev/null | grep -q vtepd && vt_fail "systemd helper state left for vtepd"
ls /var/lib/dpkg/info/vtepd.* >/dev/null 2>&1 && vt_fail "dpkg's info files for vtepd are left"
vt_pass "the .deb builds, installs (twice), runs vtepd from /usr/sbin with /etc/vtepd, and purges without a trace"
