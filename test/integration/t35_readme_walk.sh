#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README's walk (issue 15), run as written: the commands between <!-- walk:begin --> and
# <!-- walk:end --> put two podman and two Docker containers on VNI 100 of the demo's two leaves
# and ping across them, without vtepctl. The test runs the block as one script, with set -e, and
# before its last line (the tear-down) checks that nothing the containers had is left: no port
# at either leaf but the demo's own, no host-local lease, no Docker network of the walk.
#
# The walk writes where a host's runtimes live (/etc/cni/net.d, /opt/cni/bin, /var/lib/cni,
# podman's and runc's state, /run/docker/plugins, dockerd's and the Docker driver's state, /tmp/bb): the test runs it in a mount
# namespace of its own with an empty tmpfs on each, so the host's are never touched. dockerd is
# the test's own (a host has it as a service; the walk expects it running), with its state on
# those tmpfs and DOCKER_HOST pointing at it; podman gets a containers.conf (CONTAINERS_CONF)
# for what this kind of machine needs (runc on hybrid cgroups, cgroupfs, lower ulimits; doc/cni.md)
# and vfs storage. At the end every process left in that mount namespace is killed by PID.
# Skips only when podman or dockerd is missing or cannot run a container here.
# As one command: VT_BUILD=$PWD/build bash test/integration/t35_readme_walk.sh
# vt-suite: once
source "$(dirname "$0")/lib.sh"
skip() { echo "SKIP: $*"; exit 0; }
for b in podman runc conmon dockerd docker; do
	command -v "$b" >/dev/null || skip "$b is not installed (scripts/setup.sh installs it)"
done
# The walk uses the demo's build (scripts/demo.sh builds build/; the suite always has it).
for f in control/vtepd cni/vtepd-cni docker/vtepd-docker; do
	[ -x "$VT_TOP/build/$f" ] || vt_fail "$VT_TOP/build/$f is not built (bash scripts/setup.sh build)"
done
[ -e /run/vtepd/demo-leaf1.sock ] && vt_fail "a demo is running (scripts/demo.sh --down first)"

WALK=$VT_TMP/walk.sh
awk '/<!-- walk:end -->/ {w = 0} w && !/^```/ {print} /<!-- walk:begin -->/ {w = 1}' "$VT_TOP/README.md" > "$WALK"
[ -z "${VT_WALK_DROP:-}" ] || sed -i -E "/$VT_WALK_DROP/d" "$WALK"   # by hand only: try a part
[ "$(grep -c . "$WALK")" -gt 10 ] || vt_fail "README.md has no walk block between its markers"
LAST=$(tail -n 1 "$WALK")
[[ $LAST == *"demo.sh --down"* ]] || vt_fail "the walk's last line is not the demo's tear-down: $LAST"

# The directories the walk writes, made on the host only where missing (and removed again):
# in the walk's mount namespace each gets an empty tmpfs.
DIRS=(/etc/cni/net.d /opt/cni/bin /var/lib/cni /var/lib/containers /run/containers /run/runc
	/run/docker /var/lib/docker /etc/docker /var/lib/vtepd-docker /tmp/bb)
MADE=()
for d in "${DIRS[@]}"; do
	top=$d
	while [ ! -e "$(dirname "$top")" ]; do top=$(dirname "$top"); done
	if [ ! -e "$d" ]; then
		[ -e "$top" ] || MADE+=("$top")
		mkdir -p "$d"
	fi
done
# cgroups podman makes under its default parent (libpod_parent), removed at exit where new;
# dockerd's go under a parent of the test's own
NEW_LIBPOD=()
for c in /sys/fs/cgroup/*/; do
	[ -e "${c}libpod_parent" ] || NEW_LIBPOD+=("${c#/sys/fs/cgroup}libpod_parent")
done
walk_cleanup() {
	local m c
	for ((m = ${#MADE[@]} - 1; m >= 0; m--)); do rm -rf "${MADE[m]}"; done
	for c in "${NEW_LIBPOD[@]}"; do vt_cgroup_remove "$c"; done
	vt_cgroup_remove "/${VT_P}-docker"
	return 0
}
trap 'rc=$?; walk_cleanup; (exit $rc); vt_cleanup' EXIT

cat > "$VT_TMP/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "/run/containers/events.log"
[network]
network_backend = "cni"
EOF
printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' \
	> "$VT_TMP/storage.conf"

# What runs inside the walk's mount namespace: the tmpfs, dockerd, the walk with its checks,
# then whatever is left killed by PID.
cat > "$VT_TMP/inner.sh" <<EOF
set -u
exec 3>>"$VT_TMP/dockerd.log"
for d in ${DIRS[*]}; do mount -t tmpfs -o mode=0755 vt-walk "\$d" || exit 1; done
mkdir -p /run/docker/plugins
export CONTAINERS_CONF=$VT_TMP/containers.conf CONTAINERS_STORAGE_CONF=$VT_TMP/storage.conf
export DOCKER_HOST=unix:///run/docker/docker.sock
dockerd --data-root /var/lib/docker --exec-root /run/docker/exec --pidfile /run/docker/dockerd.pid \\
	-H \$DOCKER_HOST --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \\
	--storage-driver=vfs \\
	--cgroup-parent /${VT_P}-docker >&3 2>&1 &
for _ in \$(seq 200); do docker version >/dev/null 2>&1 && break; sleep 0.1; done
docker version >/dev/null 2>&1 || { echo "SKIP: dockerd does not start here: \$(tail -n 3 $VT_TMP/dockerd.log)"; exit 77; }
cd "$VT_TOP"
bash -e -o pipefail "$VT_TMP/walk-checked.sh"
rc=\$?
podman rm -f -a -t 0 >/dev/null 2>&1
docker rm -f \$(docker ps -aq) >/dev/null 2>&1
kill -TERM \$(cat /run/docker/dockerd.pid 2>/dev/null) 2>/dev/null
for _ in \$(seq 100); do [ -e /run/docker/dockerd.pid ] || break; sleep 0.1; done
[ -e /run/vtepd/demo-leaf1.sock ] && bash scripts/demo.sh --down >/dev/null 2>&1
me=\$(readlink /proc/self/ns/mnt)
for p in /proc/[0-9]*; do
	[ "\$(readlink "\$p/ns/mnt" 2>/dev/null)" = "\$me" ] || continue
	p=\${p#/proc/}
	[ "\$p" = \$\$ ] || [ "\$p" = \$BASHPID ] || kill -KILL "\$p" 2>/dev/null
done
exit \$rc
EOF

# The walk with the checks before its tear-down line.
{
	head -n -1 "$WALK"
	cat <<EOF
echo "== checks before the tear-down"
build/control/vtepctl -n demo-leaf1 -j show ports > $VT_TMP/ports1.json
build/control/vtepctl -n demo-leaf2 -j show ports > $VT_TMP/ports2.json
ls /var/lib/cni/networks/*/ 2>/dev/null | grep '^[0-9]' > $VT_TMP/leases || true
docker network ls --format '{{.Name}}' > $VT_TMP/docker-networks
cat /var/lib/vtepd-docker/*.json > $VT_TMP/driver-state
EOF
	tail -n 1 "$WALK"
} > "$VT_TMP/walk-checked.sh"

vt_log "running README's walk ($(grep -c . "$WALK") lines) in a mount namespace of its own"
unshare -m --propagation private bash "$VT_TMP/inner.sh" > "$VT_TMP/walk.log" 2>&1
rc=$?
[ $rc = 77 ] && skip "$(grep SKIP "$VT_TMP/walk.log")"
if [ $rc != 0 ]; then
	tail -n 40 "$VT_TMP/walk.log" >&2
	vt_fail "README's walk failed (exit $rc); the lines above are its end"
fi
grep -q "ping -c 2" "$WALK" || vt_fail "the walk pings nothing"
n=$(grep -c "bytes from" "$VT_TMP/walk.log")
[ "$n" -ge 8 ] || vt_fail "the walk's pings got $n replies, not 8: $(grep -A3 PING "$VT_TMP/walk.log")"
vt_pass "README's walk: two podman and two Docker containers on VNI 100 of two leaves ping across ($n replies)"

for i in 1 2; do
	left=$(jq -r '.ports[] | select(.kind != "underlay") | .name' "$VT_TMP/ports$i.json" | sort | tr '\n' ' ')
	[ "$left" = "c${i}a c${i}b " ] || vt_fail "leaf $i kept ports after podman rm and docker rm: $left"
done
[ ! -s "$VT_TMP/leases" ] || vt_fail "host-local leases left: $(cat "$VT_TMP/leases")"
grep -q net100 "$VT_TMP/docker-networks" && vt_fail "docker network rm left: $(cat "$VT_TMP/docker-networks")"
jq -s -e 'length == 2 and all(.[]; (.networks | length) == 0 and (.endpoints | length) == 0)' \
	"$VT_TMP/driver-state" >/dev/null ||
	vt_fail "the Docker drivers' state is not empty: $(cat "$VT_TMP/driver-state")"
vt_pass "after podman rm, docker rm and docker network rm: only the demo's ports, no lease, no network, the drivers' state empty"
grep -q "demo: torn down" "$VT_TMP/walk.log" || vt_fail "the demo's tear-down did not finish"
vt_pass "the walk's tear-down ran; nothing of it is left on the host (its mount namespace is gone)"
