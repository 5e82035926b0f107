#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vt-suite: once
# vtepd-docker, Docker's remote network driver (issue 15), with Debian's docker.io 20.10 started
# by the test (no systemd). Two hosts, each a holder process with its own mount namespace (a
# tmpfs on /run/docker, where dockerd finds plugins, and on /etc/docker) in its leaf's network
# namespace; in it run that host's vtepd, dockerd (its own containerd, every directory under
# $VT_TMP, no bridge, no iptables) and vtepd-docker. Asserted: `docker network create -d vtepd
# --opt vni=100` on both hosts, `docker run -d --network` a container on each: vtepd has the
# port (VNI 100, Docker's MAC and address), eth0 in the container has the MTU asked for, and
# the containers ping each other across the leaves; a network on a VNI vtepd lacks is added at
# run time (`vni add`) and removed with the network, or, where vtepd cannot add VNIs, refused
# naming the VNI and the socket; bad requests on the plugin socket (bad JSON, unknown network,
# missing fields, unknown path) get {"Err": ...}, and docker network create shows the driver's
# refusal of an unknown option; a restarted driver still knows its network
# and endpoint (state file); `docker rm -f` leaves no port, no veth, no endpoint in the state;
# `docker network rm` leaves the state empty. Skips (exit 0, "SKIP:") only when docker.io or
# busybox-static is missing or dockerd cannot start or run a container here.
# As one command: VT_BUILD=$PWD/build bash test/integration/t31_docker.sh
source "$(dirname "$0")/lib.sh"
DRV=$VT_BUILD/docker/vtepd-docker
[ -x "$DRV" ] || vt_fail "$DRV is not built"
skip() { echo "SKIP: $*"; exit 0; }
for b in dockerd docker containerd runc curl; do
	command -v "$b" >/dev/null || skip "$b is not installed (scripts/setup.sh installs docker.io)"
done
[ -x /bin/busybox ] && /bin/busybox --list | grep -qx ping ||
	skip "/bin/busybox (busybox-static) is not installed (scripts/setup.sh installs it)"

CG=/${VT_P}-docker          # dockerd --cgroup-parent: /sys/fs/cgroup/*/$CG
export DOCKER_CONFIG=$VT_TMP/docker-cli   # the CLI's config: not ~/.docker
HOLDERS=() DOCKERDS=() DRIVERS=() SHIMS=() MADE_DIRS=()
for d in /run/docker /etc/docker; do
	[ -d "$d" ] || { mkdir -p "$d" && MADE_DIRS+=("$d"); }
done
# dk I ARGS...: the docker CLI against host I's dockerd
dk() { local i=$1; shift; DOCKER_HOST=unix://$VT_TMP/d$i/docker.sock docker "$@" 2>>"$VT_TMP/docker-cli.out"; }
# stop PID: SIGTERM, up to 10 s, then SIGKILL
stop() {
	kill -TERM "$1" 2>/dev/null || return 0
	for _ in $(seq 100); do vt_alive "$1" || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
# ours PID: still a process of this test (not its PID used again): in our cgroup or naming $VT_TMP
ours() {
	grep -qF "$CG" "/proc/$1/cgroup" 2>/dev/null || tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF "$VT_TMP"
}
# At exit, before vtepd stops (Docker's Leave needs it): containers, networks, dockerd (which
# stops its containerd), any shim or containerd left, the drivers, the holders (their mount
# namespaces go with them), the cgroups, the directories this test made.
dk_cleanup() {
	local i p m c
	if [ "$1" != 0 ]; then   # dockerd's side of a failure (vt_cleanup shows the *.log files)
		for f in "$VT_TMP"/dockerd*.out "$VT_TMP/docker-cli.out"; do
			[ -f "$f" ] && { echo "---- $(basename "$f") (last 15 lines) ----"; tail -n 15 "$f"; } >&2
		done
		for i in "${!DOCKERDS[@]}"; do vt_alive "${DOCKERDS[$i]}" || echo "dockerd of host $i is not running" >&2; done
	fi
	for i in "${!DOCKERDS[@]}"; do
		for c in $(dk "$i" ps -aq); do dk "$i" rm -f "$c" >/dev/null; done
		for c in $(dk "$i" network ls -q --filter driver=vtepd); do dk "$i" network rm "$c" >/dev/null; done
		stop "${DOCKERDS[$i]}"
		p=$(cat "$VT_TMP/d$i/exec/containerd/containerd.pid" 2>/dev/null) && ours "$p" && stop "$p"
	done
	for p in "${SHIMS[@]}"; do ours "$p" && stop "$p"; done
	for p in "${DRIVERS[@]}"; do stop "$p"; done
	for p in "${HOLDERS[@]}"; do stop "$p"; done
	vt_cgroup_remove "$CG"
	for m in "${MADE_DIRS[@]}"; do rmdir "$m" 2>/dev/null; done
	return 0
}
trap 'rc=$?; dk_cleanup $rc; (exit $rc); vt_cleanup' EXIT

vt_fabric 2
L=("" "${VT_P}-leaf1" "${VT_P}-leaf2")
{ vt_conf_base "${L[1]}" 10.0.0.1; printf 'vnis:\n  - vni: 100\n    flood: [10.0.0.2]\n'; } > "$VT_TMP/leaf1.yaml"
{ vt_conf_base "${L[2]}" 10.0.0.2; printf 'vnis:\n  - vni: 100\n    flood: [10.0.0.1]\n'; } > "$VT_TMP/leaf2.yaml"

# The image: busybox with the applets the test uses.
vt_busybox_tar "$VT_TMP/busybox.tar" sh ping ip sleep cat

for i in 1 2; do
	D=$VT_TMP/d$i
	mkdir -p "$D" "$VT_TMP/state$i"
	# the holder: a mount namespace of its own, then the leaf's network namespace with its
	# sysfs (as ip netns exec gives) and the machine's cgroup hierarchies (which dockerd needs)
	mkdir -p "$D/cg"
	unshare -m --propagation private sh -c '
		mount -t tmpfs -o mode=0700 vt-docker /run/docker && mount -t tmpfs -o mode=0755 vt-docker /etc/docker &&
		mount --rbind /sys/fs/cgroup "$1" &&
		exec nsenter --net="/run/netns/$2" sh -c "mount -t sysfs vt-sysfs /sys && mount --rbind \"\$1\" /sys/fs/cgroup &&
			umount -l \"\$1\" && exec sleep 100000" sh "$1"' sh "$D/cg" "${VT_P}l$i" &
	HOLDERS[$i]=$!
	vt_wait_for 5 sh -c "readlink /proc/${HOLDERS[$i]}/exe | grep -q sleep" || vt_fail "holder of host $i did not start"
	VT_VTEPD_IN=${HOLDERS[$i]} vt_vtepd "${VT_P}l$i" "${L[$i]}" "$VT_TMP/leaf$i.yaml"
	nsenter -t "${HOLDERS[$i]}" -m -n dockerd --data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/docker.pid" -H "unix://$D/docker.sock" \
		--bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --storage-driver=vfs \
		--cgroup-parent "$CG" --containerd-namespace "${VT_P}d$i" --containerd-plugins-namespace "${VT_P}p$i" \
		> "$VT_TMP/dockerd$i.out" 2>&1 &
	DOCKERDS[$i]=$!
	for _ in $(seq 300); do
		dk "$i" version >/dev/null 2>&1 && break
		vt_alive "${DOCKERDS[$i]}" || skip "dockerd cannot start on this machine: $(tail -1 "$VT_TMP/dockerd$i.out")"
		sleep 0.1
	done
	dk "$i" version >/dev/null || vt_fail "dockerd on host $i does not answer within 30 s"
	dk "$i" import "$VT_TMP/busybox.tar" vtbusybox:1 >/dev/null || vt_fail "docker import on host $i failed"
	if [ "$i" = 1 ] && ! out=$(dk 1 run --rm --network none vtbusybox:1 sh -c 'echo ok' 2>&1) || [ "$out" != ok ]; then
		skip "dockerd cannot run a container on this machine: $out $(tail -3 "$VT_TMP/docker-cli.out")"
	fi
	nsenter -t "${HOLDERS[$i]}" -m -n "$DRV" --vtepd "${L[$i]}" --state-dir "$VT_TMP/state$i" >> "$VT_TMP/driver$i.log" 2>&1 &
	DRIVERS[$i]=$!
	vt_wait_for 10 test -S "/proc/${HOLDERS[$i]}/root/run/docker/plugins/vtepd.sock" || vt_fail "vtepd-docker $i did not listen"
done
PSOCK1=/proc/${HOLDERS[1]}/root/run/docker/plugins/vtepd.sock
[ "$(stat -c %d /run/docker)" != "$(stat -c %d "/proc/${HOLDERS[1]}/root/run/docker")" ] ||
	vt_fail "host 1's /run/docker is the machine's"
vt_pass "two hosts: each its own mount namespace with vtepd, dockerd and vtepd-docker"

# post PATH JSON: a request to host 1's driver as dockerd sends it
post() { curl -s --max-time 10 --unix-socket "$PSOCK1" -X POST -H 'Content-Type: application/json' -d "$2" "http://plugin$1"; }
out=$(post /Plugin.Activate '')
jq -e '.Implements == ["NetworkDriver"]' <<<"$out" >/dev/null || vt_fail "Plugin.Activate: $out"
out=$(post /NetworkDriver.GetCapabilities '')
jq -e '.Scope == "local"' <<<"$out" >/dev/null || vt_fail "GetCapabilities: $out"
for bad in '/NetworkDriver.CreateNetwork|{"NetworkID": "x", "Options": ' \
	'/NetworkDriver.CreateNetwork|{"Options": {"com.docker.network.generic": {"vni": "100"}}}' \
	'/NetworkDriver.CreateNetwork|{"NetworkID": "x", "Options": {"com.docker.network.generic": {"vni": "0"}}}' \
	'/NetworkDriver.CreateNetwork|{"NetworkID": "x", "Options": {"com.docker.network.generic": {"vni": "100", "colour": "red"}}}' \
	'/NetworkDriver.CreateEndpoint|{"NetworkID": "nonesuch", "EndpointID": "e1"}' \
	'/NetworkDriver.Join|{"NetworkID": "nonesuch", "EndpointID": "e1", "SandboxKey": "/x"}' \
	'/NetworkDriver.DeleteNetwork|[1, 2]' \
	'/NetworkDriver.Nonesuch|{}'; do
	out=$(post "${bad%%|*}" "${bad#*|}")
	jq -e '.Err | type == "string" and length > 0' <<<"$out" >/dev/null || vt_fail "${bad%%|*} ${bad#*|}: no Err: $out"
done
vt_alive "${DRIVERS[1]}" || vt_fail "vtepd-docker died of a bad request"
vt_pass "bad requests on the plugin socket (bad JSON, missing fields, unknown network, path) get {\"Err\": ...}"

state() { jq -c "$2" "$VT_TMP/state$1/vtepd.json"; }
ports() { vt_ctl "$1" -j show ports | jq -r '.ports[] | select(.kind != "underlay") | "\(.name) \(.vni) \(.mac) \(.ip)"'; }
vnis() { vt_ctl "$1" -j show vnis | jq -r '.vnis[].vni'; }

# A VNI vtepd lacks: added at run time by the driver and removed with the network, or refused.
if out=$(DOCKER_HOST=unix://$VT_TMP/d2/docker.sock docker network create -d vtepd --opt vni=200 --subnet 10.2.0.0/24 net200 2>&1); then
	vnis "${L[2]}" | grep -qx 200 || vt_fail "network on VNI 200 created but vtepd has no VNI 200"
	[ "$(state 2 '.networks[].vni_created')" = true ] || vt_fail "the driver does not remember adding VNI 200"
	dk 2 network rm net200 >/dev/null || vt_fail "docker network rm net200 failed"
	! vnis "${L[2]}" | grep -qx 200 || vt_fail "VNI 200 the driver added is still in vtepd after docker network rm"
	vt_pass "a network on a VNI vtepd lacks: the driver adds the VNI (vni add) and removes it with the network"
else
	grep -q "VNI 200 is not configured in vtepd at /run/vtepd/${L[2]}.sock" <<<"$out" ||
		vt_fail "docker network create on VNI 200 failed without naming the VNI and the socket: $out"
	[ "$(state 2 '.networks | length')" = 0 ] || vt_fail "a refused network is in the driver's state"
	vt_pass "a network on a VNI this vtepd lacks (and cannot add) is refused naming the VNI and the socket"
fi

# docker itself shows the driver's refusal
out=$(DOCKER_HOST=unix://$VT_TMP/d1/docker.sock docker network create -d vtepd --opt vni=100 --opt colour=red \
	--subnet 10.3.0.0/24 netbad 2>&1) && vt_fail "docker network create with an unknown option succeeded"
grep -q "unknown option 'colour'" <<<"$out" || vt_fail "docker network create with an unknown option: $out"
[ "$(state 1 '.networks | length')" = 0 ] || vt_fail "a refused network is in host 1's driver state"

# The network on both hosts: one subnet, a range of it per host (Docker's IPAM is per host).
dk 1 network create -d vtepd --opt vni=100 --opt mtu=1400 --subnet 10.1.0.0/24 --gateway 10.1.0.1 \
	--ip-range 10.1.0.16/28 net100 >/dev/null || vt_fail "docker network create on host 1 failed: $(tail -3 "$VT_TMP/docker-cli.out")"
dk 2 network create -d vtepd --opt vni=100 --opt mtu=1400 --subnet 10.1.0.0/24 --gateway 10.1.0.1 \
	--ip-range 10.1.0.32/28 net100 >/dev/null || vt_fail "docker network create on host 2 failed: $(tail -3 "$VT_TMP/docker-cli.out")"
[ "$(state 1 '[.networks[] | .vni, .mtu, .vni_created]')" = '[100,1400,false]' ] ||
	vt_fail "host 1's driver state: $(cat "$VT_TMP/state1/vtepd.json")"
C=("" "${VT_P}c1" "${VT_P}c2")
for i in 1 2; do
	dk "$i" run -d --name "${C[$i]}" --network net100 vtbusybox:1 sleep 600 >/dev/null ||
		vt_fail "docker run --network net100 on host $i failed: $(tail -5 "$VT_TMP/docker-cli.out")"
	p=$(dk "$i" inspect --format '{{.State.Pid}}' "${C[$i]}")
	SHIMS+=("$p" "$(ps -o ppid= -p "$p" | tr -d ' ')")   # the container and its shim, if rm -f cannot
done
ipof() { dk "$1" inspect --format '{{.NetworkSettings.Networks.net100.IPAddress}}' "${C[$1]}"; }
macof() { dk "$1" inspect --format '{{.NetworkSettings.Networks.net100.MacAddress}}' "${C[$1]}"; }
IP1=$(ipof 1) IP2=$(ipof 2) MAC1=$(macof 1)
[ "$IP1" = 10.1.0.16 ] && [ "$IP2" = 10.1.0.32 ] || vt_fail "Docker's addresses '$IP1' and '$IP2', not 10.1.0.16 and 10.1.0.32"
ports "${L[1]}" | grep -q " 100 $MAC1 10.1.0.16/24\$" ||
	vt_fail "vtepd ${L[1]} has no port for ${C[1]} ($MAC1, 10.1.0.16/24): $(vt_ctl "${L[1]}" show ports)"
ports "${L[2]}" | grep -q " 100 .* 10.1.0.32/24\$" || vt_fail "vtepd ${L[2]} has no port for ${C[2]}: $(vt_ctl "${L[2]}" show ports)"
out=$(dk 1 exec "${C[1]}" ip addr show eth0)
grep -q "inet 10.1.0.16/24" <<<"$out" && grep -q "mtu 1400" <<<"$out" && grep -qi "$MAC1" <<<"$out" ||
	vt_fail "eth0 in ${C[1]}: $out"
dk 1 exec "${C[1]}" ip route | grep -q "default via 10.1.0.1 dev eth0" ||
	vt_fail "${C[1]} has no default route via Docker's gateway: $(dk 1 exec "${C[1]}" ip route)"
[ "$(state 1 '[.endpoints[].joined]')" = '[true]' ] || vt_fail "host 1's driver state: $(cat "$VT_TMP/state1/vtepd.json")"
vt_pass "docker run --network net100 on two hosts: vtepd has each container's port (VNI 100, Docker's MAC and address), eth0 with MTU 1400"

dk 1 exec "${C[1]}" ping -c 3 -i 0.2 -W 2 "$IP2" >/dev/null ||
	vt_fail "${C[1]} (host 1) cannot ping ${C[2]} (host 2): $(dk 1 exec "${C[1]}" ping -c 1 -W 1 "$IP2" 2>&1)"
dk 2 exec "${C[2]}" ping -c 3 -i 0.2 -W 2 "$IP1" >/dev/null || vt_fail "${C[2]} (host 2) cannot ping ${C[1]} (host 1)"
vt_pass "the two Docker containers ping each other across the leaves"

# The driver restarted: it still knows the network and the endpoint (its state file).
stop "${DRIVERS[2]}"
[ ! -e "/proc/${HOLDERS[2]}/root/run/docker/plugins/vtepd.sock" ] || vt_fail "the stopped driver left its socket"
nsenter -t "${HOLDERS[2]}" -m -n "$DRV" --vtepd "${L[2]}" --state-dir "$VT_TMP/state2" >> "$VT_TMP/driver2.log" 2>&1 &
DRIVERS[2]=$!
vt_wait_for 10 test -S "/proc/${HOLDERS[2]}/root/run/docker/plugins/vtepd.sock" || vt_fail "vtepd-docker 2 did not restart"

# docker rm -f: Leave and DeleteEndpoint; nothing is left: port, veth, endpoint
links() { ip -n "${VT_P}l$1" -o link show | awk -F': ' '{print $2}' | grep -E '^v[dx][0-9a-f]{13}' || true; }
[ -n "$(links 1)" ] || vt_fail "no veth of the driver's naming in leaf 1: $(ip -n "${VT_P}l1" -o link show)"
for i in 1 2; do
	dk "$i" rm -f "${C[$i]}" >/dev/null || vt_fail "docker rm -f on host $i failed: $(tail -3 "$VT_TMP/docker-cli.out")"
	[ -z "$(ports "${L[$i]}")" ] || vt_fail "vtepd ${L[$i]} still has a port after docker rm -f: $(vt_ctl "${L[$i]}" show ports)"
	[ -z "$(links "$i")" ] || vt_fail "veths left in leaf $i after docker rm -f: $(links "$i")"
	[ "$(state "$i" '.endpoints')" = '{}' ] || vt_fail "driver $i still has endpoints: $(cat "$VT_TMP/state$i/vtepd.json")"
done
vt_pass "docker rm -f (the restarted driver on host 2 too) leaves no port, no veth, no endpoint"

for i in 1 2; do
	dk "$i" network rm net100 >/dev/null || vt_fail "docker network rm on host $i failed: $(tail -3 "$VT_TMP/docker-cli.out")"
	[ "$(state "$i" '.')" = '{"endpoints":{},"networks":{}}' ] || vt_fail "driver $i's state after docker network rm: $(cat "$VT_TMP/state$i/vtepd.json")"
	vnis "${L[$i]}" | grep -qx 100 || vt_fail "docker network rm removed VNI 100 of vtepd's configuration"
done
vt_pass "docker network rm leaves the driver's state empty (and vtepd's own VNI in place)"
