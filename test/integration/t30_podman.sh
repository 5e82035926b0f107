#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# podman on a vtepd network through vtepd-cni (issue 15): rootful podman (Debian's 4.3) with its
# CNI backend runs `podman run -d --network NET` on two leaves (each its own vtepd instance in VNI
# 100, a conflist per leaf naming that instance, host-local leases under $VT_TMP), and the two
# containers ping each other across the leaves; `podman rm -f` (CNI DEL) removes the port at
# vtepd and the lease. The image is a busybox rootfs (Debian's busybox-static) imported with
# `podman import`: no registry. Everything podman keeps lives under $VT_TMP (--root, --runroot,
# --network-config-dir, --tmpdir, CONTAINERS_CONF; vfs storage, so no overlay mounts), never in
# /etc/cni/net.d, /var/lib/containers or the host's podman state. Skips (exit 0, "SKIP:") only
# when podman, runc, conmon or busybox-static is missing or podman cannot run a container here.
# As one command: VT_BUILD=$PWD/build bash test/integration/t30_podman.sh
# vt-suite: once
source "$(dirname "$0")/lib.sh"
CNI=$VT_BUILD/cni/vtepd-cni
[ -x "$CNI" ] || vt_fail "$CNI is not built"
[ -x /usr/lib/cni/host-local ] || vt_fail "host-local is not installed (containernetworking-plugins; scripts/setup.sh installs it)"
skip() { echo "SKIP: $*"; exit 0; }
for b in podman conmon runc; do
	command -v "$b" >/dev/null || skip "$b is not installed (scripts/setup.sh installs it)"
done
[ -x /bin/busybox ] && /bin/busybox --list | grep -qx ping ||
	skip "/bin/busybox (busybox-static) is not installed (scripts/setup.sh installs it)"

# podman, isolated: all of its state under $VT_TMP/podman (vt_podman_conf: its containers.conf,
# runc not crun, runc's state there too; runc handles v1, v2 and hybrid cgroups, but not
# --cgroups=disabled). The containers' and conmon's cgroups go under a parent of this test's
# own, removed at exit.
PD=$VT_TMP/podman
mkdir -p "$PD/net.d" "$PD/tmp"
vt_podman_conf "$PD"
PODMAN=(podman --root "$PD/root" --runroot "$PD/runroot" --storage-driver vfs --tmpdir "$PD/tmp"
	--network-backend cni --network-config-dir "$PD/net.d" --cgroup-manager cgroupfs
	--events-backend file --runtime "$PD/bin/runc")
CG=/${VT_P}-podman          # --cgroup-parent: /sys/fs/cgroup/*/$CG
pm() { "${PODMAN[@]}" "$@" 2>>"$VT_TMP/podman.log"; }
POD_CTRS=()
# podman 4.3 writes the CNI results cache under /var/lib/cni/results (no flag moves it; each
# file goes at DEL): the directories are removed at exit if this test made them.
CNI_CACHE_MADE=0
[ -d /var/lib/cni ] || CNI_CACHE_MADE=1
# At exit, before vtepd stops (CNI DEL needs it): the containers removed, their conmon and
# process killed by PID if still there, any mount under $VT_TMP undone.
pod_cleanup() {
	local c pids p m
	for c in "${POD_CTRS[@]}"; do
		pids=$("${PODMAN[@]}" inspect --format '{{.State.ConmonPid}} {{.State.Pid}}' "$c" 2>/dev/null)
		"${PODMAN[@]}" rm -f -t 0 "$c" >/dev/null 2>&1
		for p in $pids; do [ "$p" -gt 1 ] 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
	done
	while read -r m; do umount -l "$m" 2>/dev/null; done < <(awk -v t="$VT_TMP" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r)
	vt_cgroup_remove "$CG"
	[ $CNI_CACHE_MADE = 0 ] || rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null
	return 0
}
trap 'rc=$?; pod_cleanup; (exit $rc); vt_cleanup' EXIT

# The image: a rootfs with busybox and the applets the test uses, imported into this root.
vt_busybox_tar "$PD/busybox.tar" sh ping ip sleep cat
# podman import writes a blob cache to /var/lib/containers/cache whatever --root says: it runs
# in a mount namespace of its own with an empty /var/lib.
unshare -m --propagation private sh -c 'mount -t tmpfs vt-podman-import /var/lib && exec "$@"' sh \
	"${PODMAN[@]}" import --change 'CMD ["/bin/sh"]' "$PD/busybox.tar" localhost/vt-busybox:t >/dev/null 2>>"$VT_TMP/podman.log" ||
	vt_fail "podman import failed: $(tail -3 "$VT_TMP/podman.log")"
# Can podman run a container here at all? If not, say exactly why and skip.
if ! out=$("${PODMAN[@]}" run --rm --cgroup-parent "$CG" --network none localhost/vt-busybox:t /bin/sh -c 'echo ok' 2>&1) ||
	[ "$out" != ok ]; then
	skip "podman cannot run a container on this machine: $out"
fi

vt_fabric 2
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
for i in 1 2; do
	{ vt_conf_base "${VT_P}-leaf$i" "10.0.0.$i"; printf 'vnis:\n  - vni: 100\n    flood: [10.0.0.%d]\n' $((3 - i)); } \
		> "$VT_TMP/leaf$i.yaml"
done
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"

# A conflist per leaf (two hosts in real life, each with its own vtep100), as doc/cni.md shows.
# NET LEAF FIRST LAST
conflist() {
	jq -n --arg net "$1" --arg inst "$2" --arg s "$3" --arg e "$4" --arg dir "$VT_TMP/ipam" \
		'{cniVersion: "1.0.0", name: $net,
		  plugins: [{type: "vtepd-cni", vtepd: $inst, vni: 100, mtu: 1450,
			     ipam: {type: "host-local", dataDir: $dir,
				    ranges: [[{subnet: "192.168.10.0/24", rangeStart: $s, rangeEnd: $e}]]}}]}'
}
N1=${VT_P}vtep100a N2=${VT_P}vtep100b
conflist "$N1" "$L1" 192.168.10.10 192.168.10.49 > "$PD/net.d/$N1.conflist"
conflist "$N2" "$L2" 192.168.10.50 192.168.10.99 > "$PD/net.d/$N2.conflist"
pm network ls --format '{{.Name}} {{.Driver}}' | grep -qx "$N1 vtepd-cni" ||
	vt_fail "podman does not list network $N1: $("${PODMAN[@]}" network ls 2>&1)"
leases() { ls "$VT_TMP/ipam/$1" 2>/dev/null | grep -c '^[0-9]' || true; }
ports() { vt_ctl "$1" -j show ports | jq -r '.ports[] | select(.kind != "underlay") | "\(.name) \(.vni) \(.mac) \(.ip)"'; }

# run NAME NET: podman run -d on NET; the container's PID in $CPID
run() {
	pm run -d --name "$1" --cgroup-parent "$CG" --network "$2" localhost/vt-busybox:t sleep 600 >/dev/null ||
		vt_fail "podman run --network $2 failed: $(tail -5 "$VT_TMP/podman.log")"
	POD_CTRS+=("$1")
}
C1=${VT_P}c1 C2=${VT_P}c2
run "$C1" "$N1"
run "$C2" "$N2"
ip_of() { pm inspect --format "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"; }
mac_of() { pm inspect --format "{{(index .NetworkSettings.Networks \"$2\").MacAddress}}" "$1"; }
IP1=$(ip_of "$C1" "$N1") IP2=$(ip_of "$C2" "$N2")
[ "$IP1" = 192.168.10.10 ] && [ "$IP2" = 192.168.10.50 ] ||
	vt_fail "podman inspect: addresses '$IP1' and '$IP2', not 192.168.10.10 and 192.168.10.50"
MAC1=$(mac_of "$C1" "$N1")
NS1=$(pm inspect --format '{{.NetworkSettings.SandboxKey}}' "$C1")
[ -e "$NS1" ] || vt_fail "$C1's network namespace '$NS1' does not exist"
ports "$L1" | grep -q " 100 $MAC1 192.168.10.10/24\$" ||
	vt_fail "vtepd $L1 has no port for $C1 ($MAC1, 192.168.10.10): $(vt_ctl "$L1" show ports)"
ports "$L2" | grep -q " 100 .* 192.168.10.50/24\$" ||
	vt_fail "vtepd $L2 has no port for $C2: $(vt_ctl "$L2" show ports)"
out=$(pm exec "$C1" ip addr show eth0)
grep -q "inet 192.168.10.10/24" <<<"$out" && grep -q "mtu 1450" <<<"$out" ||
	vt_fail "eth0 in $C1: $out"
[ "$(leases "$N1")" = 1 ] && [ "$(leases "$N2")" = 1 ] || vt_fail "host-local does not hold one lease per network"
vt_pass "podman run -d --network on two leaves: vtepd has each container's port (VNI 100, MAC, IP), eth0 as podman says"

pm exec "$C1" ping -c 3 -i 0.2 -W 2 192.168.10.50 >/dev/null ||
	vt_fail "$C1 (leaf 1) cannot ping $C2 (leaf 2): $(pm exec "$C1" ping -c 1 -W 1 192.168.10.50 2>&1)"
pm exec "$C2" ping -c 3 -i 0.2 -W 2 192.168.10.10 >/dev/null ||
	vt_fail "$C2 (leaf 2) cannot ping $C1 (leaf 1)"
vt_pass "the two podman containers ping each other across the leaves"

# podman rm -f: CNI DEL; the port leaves vtepd and the lease is released; the other leaf stays
before2=$(ports "$L2")
pm rm -f -t 0 "$C1" >/dev/null || vt_fail "podman rm -f $C1 failed: $(tail -5 "$VT_TMP/podman.log")"
[ -z "$(ports "$L1")" ] || vt_fail "vtepd $L1 still has a port after podman rm -f: $(vt_ctl "$L1" show ports)"
[ "$(leases "$N1")" = 0 ] || vt_fail "the lease of $C1 is still held after podman rm -f"
[ ! -e "$NS1" ] || vt_fail "$C1's network namespace $NS1 is still there after podman rm -f"
! ls /var/lib/cni/results 2>/dev/null | grep -q "^$N1-" || vt_fail "CNI's cached result for $C1 is still there"
[ "$(ports "$L2")" = "$before2" ] || vt_fail "removing $C1 changed $L2's ports"
! pm exec "$C2" ping -c 2 -i 0.2 -W 1 192.168.10.10 >/dev/null || vt_fail "$C2 still reaches $C1 after podman rm -f"
pm rm -f -t 0 "$C2" >/dev/null || vt_fail "podman rm -f $C2 failed"
[ -z "$(ports "$L2")" ] && [ "$(leases "$N2")" = 0 ] || vt_fail "$C2's port or lease survives podman rm -f"
[ -z "$(pm ps -aq)" ] || vt_fail "podman still lists containers: $(pm ps -a)"
vt_pass "podman rm -f removes the port at vtepd (CNI DEL) and the lease"
