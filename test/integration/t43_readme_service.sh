#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README's "Run it as a service" (issue 16), run as written under systemd as PID 1: the
# commands between <!-- service:begin --> and <!-- service:end --> run as one script (set -e,
# pipefail) in a container that systemd boots, from the .deb built by the block itself to a
# leaf of an FRR fabric that systemd runs and that is scraped, then the purge.
#
# The container: systemd-nspawn boots this machine's own root, seen through an overlay whose
# writes go to a tmpfs (the package, /etc/vtepd, the journal and the build of the package never
# reach the host), in a network namespace of the test: the example config's own network (uplinks
# eth1 192.168.0.1/31 and eth2 192.168.0.3/31, VTEP 10.0.0.11 on lo), with one FRR in a second
# namespace as both spines (AS 65000 at 192.168.0.0 and 192.168.0.2). The container boots only
# to sysinit.target (the host's enabled services do not start); hugepages are the host's.
# The block's `editor` step changes nothing: the test's network is the example's own.
#
# Before the block's last line (the purge), the test checks what the block claims:
#  - vtepd@leaf1 is active, its main process is /usr/sbin/vtepd and sent READY and STATUS
#    (Type=notify), and runs with the unit's hardening in force: its capability bounding set
#    is the unit's, no_new_privs, a seccomp filter, a mount namespace of its own;
#  - both BGP sessions are Established (vtepctl show bgp summary, and FRR says so), FRR has the
#    leaf's type-3 routes of VNIs 100 and 200;
#  - the journal holds its entries with PRIORITY, VTEPD_INSTANCE and VTEPD_PEER for each spine,
#    and a reload by vtepctl and one by systemctl (SIGHUP, ExecReload);
#  - /metrics passes promtool and says both peers are established; the XDP object loaded is the
#    package's (found next to /usr/sbin/vtepd); a container port attached at run time
#    (vtepctl attach into a namespace: setns and AF_XDP through the unit's sandbox);
#  - a crash (SIGSEGV) is restarted (Restart=on-failure): a new main process, NRestarts 1, the
#    sessions up again, the port back; installing the package again (the upgrade path) leaves
#    it running.
# After the purge: the instance stopped cleanly by the package's prerm, its enabled link gone,
# no /etc/vtepd, no file the package listed (but those the host has too), no run files, XDP
# locks, DPDK runtime directory, hugepage files, XDP programs, deb-systemd-helper state or
# dpkg info files; the host's own dpkg never heard of vtepd.
# As one command: VT_BUILD=$PWD/build-asan bash test/integration/t43_readme_service.sh
# vt-suite: once
source "$(dirname "$0")/lib.sh"

for c in systemd-nspawn nsenter unshare promtool; do
	command -v "$c" >/dev/null || vt_fail "$c is not installed (scripts/setup.sh installs it)"
done
[ -x /lib/systemd/systemd ] || vt_fail "systemd is not installed (scripts/setup.sh installs it)"
[ -f "$VT_TOP/build/build.ninja" ] || vt_fail "$VT_TOP/build is not set up (the block's setup.sh would build it: bash scripts/setup.sh)"
if dpkg-query -W -f='${Status}' vtepd 2>/dev/null | grep -qv "not-installed"; then
	vt_fail "a vtepd package is installed on this machine: the test compares the container's files with the host's"
fi
[ -e /run/vtepd/leaf1.sock ] || ls /dev/hugepages/vtepd-leaf1map_* >/dev/null 2>&1 &&
	vt_fail "a vtepd named leaf1 runs on this machine (the block's instance has that name)"

WALK=$VT_TMP/service.sh
awk '/<!-- service:end -->/ {w = 0} w && !/^```/ {print} /<!-- service:begin -->/ {w = 1}' "$VT_TOP/README.md" > "$WALK"
[ "$(grep -c . "$WALK")" -gt 8 ] || vt_fail "README.md has no service block between its markers"
LAST=$(tail -n 1 "$WALK")
[[ $LAST == "apt purge vtepd"* ]] || vt_fail "the service block's last line is not the purge: $LAST"
grep -q '^systemctl enable --now vtepd@leaf1' "$WALK" || vt_fail "the service block starts no vtepd@leaf1"

# ---- the example's network, and FRR as both spines
LEAF=${VT_P}leaf SP=${VT_P}sp
vt_ns "$LEAF"
vt_ns "$SP"
vt_link "$LEAF" eth1 "$SP" s1
vt_link "$LEAF" eth2 "$SP" s2
ip -n "$LEAF" addr add 10.0.0.11/32 dev lo
ip -n "$LEAF" addr add 192.168.0.1/31 dev eth1
ip -n "$LEAF" addr add 192.168.0.3/31 dev eth2
ip -n "$SP" addr add 192.168.0.0/31 dev s1
ip -n "$SP" addr add 192.168.0.2/31 dev s2
ip -n "$SP" route add 10.0.0.11/32 nexthop via 192.168.0.1 dev s1 nexthop via 192.168.0.3 dev s2
ip -n "$LEAF" route add 10.0.0.0/24 nexthop via 192.168.0.0 dev eth1 nexthop via 192.168.0.2 dev eth2
vt_frr "$SP" spine <<EOF
hostname spine
router bgp 65000
 bgp router-id 10.0.0.254
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 192.168.0.1 remote-as 65011
 neighbor 192.168.0.1 timers connect 1
 neighbor 192.168.0.3 remote-as 65011
 neighbor 192.168.0.3 timers connect 1
 address-family l2vpn evpn
  neighbor 192.168.0.1 activate
  neighbor 192.168.0.3 activate
 exit-address-family
EOF

# ---- the container: an overlay of / (writes to a tmpfs) booted by systemd-nspawn in a mount
# namespace and cgroup of the test's own
CG=/${VT_P}-nspawn
made_nspawn_dir=
[ -d /run/systemd/nspawn ] || made_nspawn_dir=1   # nspawn's state directory, a tmpfs in the test
VT_PREFIXES+=("vtepd-leaf1")   # hugepage files are the host's
ct_pid= ct_leader=
service_cleanup() {
	if [ -n "$ct_pid" ] && vt_alive "$ct_pid"; then
		[ -n "$ct_leader" ] && kill -RTMIN+4 "$ct_leader" 2>/dev/null    # poweroff
		for _ in $(seq 300); do vt_alive "$ct_pid" || break; sleep 0.1; done
		if vt_alive "$ct_pid"; then
			echo "FAIL: the container did not power off within 30 s" >&2
			kill -KILL "$ct_pid"
		fi
		wait "$ct_pid" 2>/dev/null
	fi
	vt_cgroup_remove "$CG"
	rmdir "$VT_TMP.ct" 2>/dev/null
	[ -z "$made_nspawn_dir" ] || rmdir /run/systemd/nspawn 2>/dev/null
	return 0
}
trap 'rc=$?; service_cleanup; (exit $rc); vt_cleanup' EXIT

cat > "$VT_TMP/boot.sh" <<EOF
set -e
for h in systemd unified; do
	mkdir -p /sys/fs/cgroup/\$h$CG
	echo \$\$ > /sys/fs/cgroup/\$h$CG/cgroup.procs
done
m=$VT_TMP.ct
mkdir -p \$m
mount -t tmpfs vt-service \$m
mkdir -p \$m/upper \$m/work \$m/root \$m/top-upper \$m/top-work \$m/top
mount -t overlay vt-service -o lowerdir=/,upperdir=\$m/upper,workdir=\$m/work \$m/root
# the clone gets an overlay of its own, outside the container's root: nspawn mounts a tmpfs on
# the container's /tmp before its binds, which would hide a clone under /tmp
mount -t overlay vt-service -o lowerdir=$VT_TOP,upperdir=\$m/top-upper,workdir=\$m/top-work \$m/top
# nspawn keeps its state on /run, which must be a tmpfs (here / holds /run)
mkdir -p /run/systemd/nspawn
mount -t tmpfs vt-service /run/systemd/nspawn
systemd-id128 new > \$m/root/etc/machine-id
# a machine booted by systemd has no policy-rc.d (a build image's, refusing every start and
# stop, would keep the package's prerm from stopping the instance)
rm -f \$m/root/usr/sbin/policy-rc.d
printf '[Unit]\nDescription=vtepd test: system initialisation only\nRequires=sysinit.target\nAfter=sysinit.target\nAllowIsolate=yes\n' \\
	> \$m/root/etc/systemd/system/vtepd-test.target
# the clone and the test's files at their own paths (nspawn mounts a tmpfs on /tmp): the clone
# through its overlay (the package's build writes there), the test's files as they are.
# nspawn's own seccomp filter refuses bpf(), which a host does not: allowed, as are all the
# capabilities this machine has (vtepd@.service bounds them itself).
mkdir -p \$m/root$VT_TMP
exec systemd-nspawn --quiet --machine=${VT_P} --directory=\$m/root --register=no --keep-unit \\
	--boot --capability=all --system-call-filter=bpf --network-namespace-path=/run/netns/$LEAF --bind=/dev/hugepages \\
	--bind=\$m/top:$VT_TOP --bind=$VT_TMP:$VT_TMP -- systemd.unit=vtepd-test.target
EOF
vt_log "booting systemd in a container (an overlay of /, network namespace $LEAF)"
unshare -m --propagation private bash "$VT_TMP/boot.sh" > "$VT_TMP/container.log" 2>&1 &
ct_pid=$!
# nspawn's child is the container's systemd
find_leader() {
	local p
	for p in $(pgrep -P "$ct_pid" -x systemd); do ct_leader=$p; return 0; done
	return 1
}
vt_wait_for 30 find_leader || vt_fail "the container's systemd did not start: $(tail -n 20 "$VT_TMP/container.log")"
ct() { nsenter -t "$ct_leader" -m -u -i -n -p -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8 \
	VT_TMP="$VT_TMP" "$@"; }
vt_wait_for 30 ct test -S /run/systemd/private ||
	vt_fail "the container's systemd does not listen: $(tail -n 20 "$VT_TMP/container.log")"
state=$(ct timeout 60 systemctl is-system-running --wait 2>&1)
case $state in
running|degraded) ;;
*) vt_fail "the container's systemd is '$state': $(tail -n 20 "$VT_TMP/container.log")" ;;
esac
[ "$(ct readlink /proc/1/exe)" = /usr/lib/systemd/systemd ] || [ "$(ct readlink /proc/1/exe)" = /lib/systemd/systemd ] ||
	vt_fail "PID 1 in the container is $(ct readlink /proc/1/exe)"
vt_log "systemd is PID 1 in the container ($state)"

# ---- the block, with the checks before its last line
cat > "$VT_TMP/checks.sh" <<'EOF'
set -u
echo "== checks before the purge"
fail() { echo "CHECK FAILED: $*"; exit 1; }
wait_for() { local t=$1; shift; for _ in $(seq $((t * 10))); do "$@" && return 0; sleep 0.1; done; return 1; }
show() { systemctl show -p "$1" --value vtepd@leaf1; }
for f in /usr/sbin/vtepd /usr/bin/vtepctl /usr/sbin/vtepd-docker /usr/lib/cni/vtepd-cni; do
	[ -x "$f" ] || fail "the package has no $f"
done
CNI_COMMAND=VERSION /usr/lib/cni/vtepd-cni < /dev/null | jq -e '.supportedVersions | index("1.0.0") != null' > /dev/null ||
	fail "the packaged vtepd-cni does not answer VERSION"
[ "$(show ActiveState)" = active ] || fail "vtepd@leaf1 is $(show ActiveState)"
pid=$(show MainPID)
[ "$(readlink /proc/$pid/exe)" = /usr/sbin/vtepd ] || fail "the main process is $(readlink /proc/$pid/exe)"
[ -n "$(show StatusText)" ] || fail "vtepd@leaf1 sent no STATUS="
echo "status: $(show StatusText)"
# the unit's hardening, in force on the process
want=$(sed -n 's/^CapabilityBoundingSet=//p' /lib/systemd/system/vtepd@.service | tr ' ' '\n' | sort | tr '\n' ' ')
have=$(capsh --decode="$(awk '/^CapBnd:/ {print $2}' /proc/$pid/status)" 2>/dev/null | sed 's/.*=//' | tr ',' '\n' |
	tr 'a-z' 'A-Z' | sort | tr '\n' ' ')
[ -n "$want" ] && [ "$want" = "$have" ] || fail "capability bounding set: unit '$want', process '$have'"
grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$pid/status || fail "no_new_privs is not set"
grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/status || fail "no seccomp filter"
[ "$(readlink /proc/$pid/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || fail "no mount namespace of its own (ProtectSystem)"
established() { vtepctl -n leaf1 -j show bgp summary | jq -e '[.neighbors[] | select(.state == "Established")] | length == 2' >/dev/null; }
wait_for 30 established || fail "the sessions with the spines are not up: $(vtepctl -n leaf1 show bgp summary)"
type3() { [ "$(vtysh --vty_socket "$VT_TMP/spine" -c 'show bgp l2vpn evpn route type multicast' | grep -c '\[3\]:\[0\]:\[32\]:\[10.0.0.11\]')" -ge 2 ]; }
wait_for 30 type3 || fail "FRR has no type-3 routes of the leaf for VNIs 100 and 200: $(vtysh --vty_socket "$VT_TMP/spine" -c 'show bgp l2vpn evpn route type multicast')"
for peer in 192.168.0.0 192.168.0.2; do
	journalctl -u vtepd@leaf1 -o json |
		jq -c --arg p "$peer" 'select(.VTEPD_PEER == $p and .VTEPD_INSTANCE == "leaf1" and .PRIORITY != null)' | grep . >/dev/null ||
		fail "the journal has no entry with VTEPD_PEER=$peer: $(journalctl -u vtepd@leaf1 -o json -g established | tail -n 1)"
done
n=$(journalctl -u vtepd@leaf1 -o cat | grep -ci 'reload')
[ "$n" -ge 2 ] || fail "the journal has $n reload lines, not 2 (vtepctl reload and systemctl reload): $(journalctl -u vtepd@leaf1 -o cat | tail -5)"
[ "$(show MainPID)" = "$pid" ] || fail "the reloads changed the main process"
curl -sf 10.0.0.11:9101/metrics > /tmp/metrics.txt || fail "no /metrics on 10.0.0.11:9101"
promtool check metrics < /tmp/metrics.txt || fail "promtool check metrics is not clean"
for peer in 192.168.0.0 192.168.0.2; do
	grep -Eq "^vtepd_bgp_peer_state\{.*peer=\"$peer\".*state=\"Established\"\} 1$" /tmp/metrics.txt ||
		fail "/metrics does not say $peer is established: $(grep vtepd_bgp_peer_state /tmp/metrics.txt | head -4)"
done
echo "journal, reloads, metrics: ok"
xdp=$(journalctl -u vtepd@leaf1 -o cat | sed -n 's/^underlay eth1: XDP program //p' | tail -n 1)
[ -n "$xdp" ] && [ "$(realpath "$xdp")" = "$(realpath /usr/lib/*/vtepd/xdp_vtep_underlay.o)" ] ||
	fail "vtepd@leaf1 loaded XDP program '$xdp', not the package's"
# a container port, attached at run time through the unit's sandbox (setns, AF_XDP)
ip netns add vtc1
vtepctl -n leaf1 attach c1 vni 100 netns vtc1 mac 02:00:00:43:00:01 || fail "attach c1 failed"
ip -n vtc1 link show eth0 > /dev/null || fail "no eth0 in the port's namespace"
ip link show c1 | grep xdp > /dev/null || fail "no XDP program on c1's host end: $(ip link show c1)"
echo "port c1 attached into namespace vtc1"
# Restart=on-failure
kill -SEGV "$pid"
restarted() { [ "$(show NRestarts)" = 1 ] && [ "$(show ActiveState)" = active ] && [ "$(show MainPID)" != "$pid" ] && [ "$(show MainPID)" != 0 ]; }
wait_for 30 restarted || fail "not restarted after SIGSEGV: $(systemctl status --no-pager vtepd@leaf1 | head -5)"
wait_for 30 established || fail "the sessions are not up again after the restart: $(vtepctl -n leaf1 show bgp summary)"
vtepctl -n leaf1 -j show ports | jq -e '[.ports[] | select(.name == "c1")] | length == 1' > /dev/null ||
	fail "port c1 is not back after the restart: $(vtepctl -n leaf1 show ports)"
echo "restarted after SIGSEGV: main process $pid -> $(show MainPID), port c1 back"
# the upgrade path: the package installed again over itself
pid=$(show MainPID)
dpkg -i ../vtepd_*.deb > /tmp/dpkg-again.txt 2>&1 || fail "dpkg -i again: $(tail -5 /tmp/dpkg-again.txt)"
[ "$(show ActiveState)" = active ] && [ "$(show MainPID)" = "$pid" ] || fail "installing again stopped vtepd@leaf1"
dpkg -L vtepd | grep -vx '/\.' > "$VT_TMP/owned.txt"
systemctl is-enabled vtepd@leaf1 | grep -qx enabled || fail "vtepd@leaf1 is not enabled"
date +%s > "$VT_TMP/purge-time"
echo "== the purge"
EOF
cat > "$VT_TMP/after.sh" <<'EOF'
set -u
echo "== checks after the purge"
fail() { echo "CHECK FAILED: $*"; exit 1; }
st=$(systemctl show -p ActiveState --value vtepd@leaf1)
[ "$st" = inactive ] || fail "vtepd@leaf1 is $st after the purge (the prerm stops it)"
stop=$(journalctl -u vtepd@leaf1 -o cat --since "@$(cat "$VT_TMP/purge-time")")
grep -q 'Deactivated successfully' <<< "$stop" && ! grep -q 'Failed with result' <<< "$stop" ||
	fail "vtepd@leaf1 did not stop cleanly at the purge: $(tail -n 5 <<< "$stop")"
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/exe" 2>/dev/null)" = /usr/sbin/vtepd ] && fail "a vtepd still runs (pid ${p#/proc/})"
done
[ -e /etc/vtepd ] && fail "/etc/vtepd is left"
ls /etc/systemd/system/*.wants/vtepd@* 2>/dev/null && fail "an enabled link is left"
ls -d /run/vtepd/leaf1.* /run/vtepd/xdp-* /run/dpdk/vtepd-leaf1 2>/dev/null && fail "run files are left"
ls /var/lib/systemd/deb-systemd-helper-enabled/ 2>/dev/null | grep vtepd && fail "systemd helper state left for vtepd"
ls /var/lib/dpkg/info/vtepd.* 2>/dev/null && fail "dpkg's info files for vtepd are left"
ls /dev/hugepages/vtepd-leaf1map_* 2>/dev/null && fail "hugepage files are left"
ip link show | grep xdp >/dev/null && fail "an XDP program is left: $(ip link show | grep -B1 xdp)"
dpkg-query -W -f='${Status}' vtepd 2>/dev/null | grep -qv not-installed && fail "dpkg still knows vtepd"
while read -r p; do
	[ -e "$p" ] || [ -L "$p" ] || continue
	if [ -d "$p" ] && dpkg-query -S "$p" >/dev/null 2>&1; then continue; fi
	echo "$p"
done < "$VT_TMP/owned.txt" > "$VT_TMP/left.txt"
echo "after the purge: ok"
EOF
cat > "$VT_TMP/walk.sh" <<EOF
set -o pipefail
# the test's network is the example's own: the edit changes nothing
editor() { cmp -s "\$1" /usr/share/doc/vtepd/examples/leaf-frr-fabric.yaml; }
# the package without its debug symbols and with two jobs (the block's commands unchanged)
export DEB_BUILD_OPTIONS="parallel=2 nocheck noddebs" DEB_CFLAGS_APPEND=-g0
cd $VT_TOP
PS4='+ [\$(date +%T)] '
set -x
$(head -n -1 "$WALK")
bash -e -o pipefail $VT_TMP/checks.sh
$LAST
bash -e -o pipefail $VT_TMP/after.sh
EOF
vt_log "running README's service block ($(grep -c . "$WALK") lines) in the container"
start=$(date +%s)
# apt purge asks before it removes: the test answers y, as the user at the terminal does
ct bash -e "$VT_TMP/walk.sh" < <(yes) > "$VT_TMP/walk.txt" 2>&1
rc=$?
grep -E '^(==|status:|journal|port c1|restarted|after the purge|CHECK)' "$VT_TMP/walk.txt"
if [ $rc != 0 ]; then
	tail -n 40 "$VT_TMP/walk.txt" >&2
	ct journalctl -u vtepd@leaf1 --no-pager -n 20 >&2
	vt_fail "README's service block failed (exit $rc); the lines above are its end"
fi
vt_log "the block ran in $(( $(date +%s) - start )) s"
grep -q "vtepd_port_rx_packets_total" "$VT_TMP/walk.txt" || vt_fail "the block's curl | grep printed no vtepd_port_rx_packets_total"
vt_pass "README's service block under systemd: the .deb built and installed, vtepd@leaf1 enabled (Type=notify, hardened), both spines established, journal fields, reloads, metrics scraped"
vt_pass "a port attached at run time; vtepd@leaf1 restarted after a crash (Restart=on-failure) with it; installing again kept it running"

# what the package listed and the container still has: only what the host has too
[ -s "$VT_TMP/owned.txt" ] && [ -f "$VT_TMP/left.txt" ] || vt_fail "the container wrote no list of the package's files"
while read -r p; do
	[ -e "$p" ] || [ -L "$p" ] || vt_fail "$p is left after the purge"
done < "$VT_TMP/left.txt"
dpkg-query -W -f='${Status}' vtepd 2>/dev/null | grep -qv "not-installed" && vt_fail "the host's dpkg knows vtepd"
[ -e /etc/vtepd ] && vt_fail "the host has an /etc/vtepd now"
vt_pass "apt purge: the instance stopped cleanly, its link, /etc/vtepd, run files, hugepages and XDP programs gone, nothing left"
