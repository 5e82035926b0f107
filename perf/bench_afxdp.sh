#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench_afxdp.sh: container ports over AF_XDP veths, the same traffic through three switches in
# one run, both directions (encap: a container's 64-byte frames in, VXLAN out; decap: VXLAN from
# a remote VTEP in, the inner frames out to the container):
#   vtepd      the leaf's container port and underlay both AF_XDP (as deployed)
#   kernel     the Linux kernel's VXLAN and bridge on the same veths (Docker's overlay)
#   testpmd    dpdk-testpmd io-forwarding between the same two veth ends (the raw AF_XDP ceiling)
#   OVS-DPDK   measured when openvswitch-switch-dpdk is installed, else said so and skipped
# Our generator (perf/pktgen) holds the far ends of both veths in one namespace, AF_XDP on both,
# pinned to lcore 0; the switch under test polls on lcore 1. Mpps delivered, best of RUNS runs
# (other load only slows a point down); prints the table with the ratios, writes
# perf/results/afxdp.json.   bash perf/bench_afxdp.sh    (RUNS=3, DURATION=3, SIZE=64)
# A benchmark, never a timed test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
DURATION=${DURATION:-3}
RUNS=${RUNS:-3}
SIZE=${SIZE:-64}
OUT=${OUT:-$top/perf/results/afxdp.json}
[ "$(id -u)" -eq 0 ] || { echo "bench_afxdp: run as root (namespaces, AF_XDP)" >&2; exit 1; }
[ -x "$build/perf/pktgen/pktgen" ] && command -v dpdk-testpmd >/dev/null || bash "$top/scripts/setup.sh" build >/dev/null
export VTEPD_BPF_DIR=$build/dataplane/bpf
P=vtax$$
G=${P}g L=${P}l          # the generator's namespace, the leaf's
NAME=$P-leaf
LOCAL_MAC=02:00:00:00:00:01 REMOTE_MAC=02:00:00:00:00:02
tmp=$(mktemp -d /tmp/vtepd-afxdp.XXXXXX)
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	ip netns del "$G" 2>/dev/null || true
	ip netns del "$L" 2>/dev/null || true
	rm -rf /var/run/dpdk/"${P}"* /var/run/dpdk/vtepd-"$NAME"
	rm -f /dev/hugepages/"${P}"*map_* /run/vtepd/"$NAME".sock /run/vtepd/"$NAME".ports
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The two namespaces and the underlay veth (ul0 in the leaf, 10.0.0.1; ulg in the generator's),
# the remote VTEP 10.0.0.2 a permanent neighbour behind ul0.
topology() {
	ip netns del "$G" 2>/dev/null || true
	ip netns del "$L" 2>/dev/null || true
	ip netns add "$G"; ip netns add "$L"
	ip -n "$G" link set lo up; ip -n "$L" link set lo up
	ip link add ul0 netns "$L" type veth peer name ulg netns "$G"
	ip -n "$L" link set ul0 up; ip -n "$G" link set ulg up
	ip -n "$L" addr add 10.0.0.1/24 dev ul0
	ip -n "$L" neigh add 10.0.0.2 lladdr 02:00:00:00:ee:02 dev ul0 nud permanent
}
# ... and, for the kernel and testpmd, the container veth (cport in the leaf, eth0 in the generator's)
container_veth() {
	ip link add cport netns "$L" type veth peer name eth0 netns "$G"
	ip -n "$L" link set cport up; ip -n "$G" link set eth0 up
	ip netns exec "$G" ethtool -K eth0 tx off >/dev/null 2>&1 || true
}

# gen JSON LABEL: encap: frames from the container side (eth0) to the remote MAC, counted on ulg;
# decap ($DIR): VXLAN from the remote VTEP into ulg (to ul0's MAC), inner frames counted on eth0.
gen() {
	local args
	if [ "$DIR" = encap ]; then
		args=(--tx-port 0 --rx-port 1 --src-mac "$LOCAL_MAC" --dst-mac "$REMOTE_MAC")
	else
		args=(--tx-port 1 --rx-port 0 --vxlan 100 --outer-src-ip 10.0.0.2 --outer-dst-ip 10.0.0.1
		      --outer-src-mac 02:00:00:00:ee:02 --outer-dst-mac "$(ip -n "$L" -j link show ul0 | jq -r '.[0].address')"
		      --src-mac "$REMOTE_MAC" --dst-mac "$LOCAL_MAC" --src-ip 192.168.0.2 --dst-ip 192.168.0.1)
	fi
	ip netns exec "$G" "$build/perf/pktgen/pktgen" -l 0 --file-prefix "${P}pg" --huge-unlink --no-pci --no-telemetry \
		--log-level=notice --vdev net_af_xdp0,iface=eth0 --vdev net_af_xdp1,iface=ulg \
		-- "${args[@]}" --size "$SIZE" --duration "$DURATION" --drain 0.5 --link-wait 20 --json "$1" --label "$2" \
		> "$tmp/pg.log" 2>&1 || { echo "pktgen failed:" >&2; tail -20 "$tmp/pg.log" >&2; return 1; }
}

point_vtepd() {
	topology
	cat > "$tmp/leaf.yaml" <<EOF2
vtep: {name: $NAME, source_ip: 10.0.0.1}
underlay: {port: 'net_af_xdp0,iface=ul0'}
fastpath: {lcore: 1, mac_table_size: 4096, mbufs: 8192}
vnis:
  - vni: 100
    flood: [10.0.0.2]
    static_macs: [{mac: "$REMOTE_MAC", vtep: 10.0.0.2}, {mac: "$LOCAL_MAC", port: c1}]
ports: [{name: c1, vni: 100, netns: $G, ifname: eth0}]
EOF2
	ip netns exec "$L" "$build/control/vtepd" -c "$tmp/leaf.yaml" > "$tmp/vtepd.log" 2>&1 &
	local pid=$!
	pids+=("$pid")
	for _ in $(seq 200); do "$build/control/vtepctl" -n "$NAME" show ports >/dev/null 2>&1 && break; sleep 0.1; done
	gen "$1" vtepd
	kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}

point_kernel() {
	topology
	container_veth
	ip -n "$L" link add vxlan100 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning
	ip -n "$L" link add br100 type bridge
	ip -n "$L" link set vxlan100 master br100
	ip -n "$L" link set cport master br100
	ip -n "$L" link set vxlan100 up; ip -n "$L" link set br100 up
	ip netns exec "$L" bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 10.0.0.2
	ip netns exec "$L" bridge fdb add "$REMOTE_MAC" dev vxlan100 dst 10.0.0.2 self static
	ip netns exec "$L" bridge fdb add "$REMOTE_MAC" dev vxlan100 master static
	ip netns exec "$L" bridge fdb add "$LOCAL_MAC" dev cport master static
	gen "$1" kernel
}

point_testpmd() {
	topology
	container_veth
	ip netns exec "$L" dpdk-testpmd -l 0,1 --main-lcore 0 --file-prefix "${P}tp" --huge-unlink --no-pci --no-telemetry \
		--vdev net_af_xdp0,iface=cport --vdev net_af_xdp1,iface=ul0 \
		-- --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 --stats-period 60 > "$tmp/testpmd.log" 2>&1 < /dev/null &
	local pid=$!
	pids+=("$pid")
	for _ in $(seq 100); do grep -q "Press enter to exit\|Port 1: link state change\|Checking link statuses" "$tmp/testpmd.log" && break; sleep 0.1; done
	sleep 1
	gen "$1" testpmd
	kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}

results=()
for run in $(seq "$RUNS"); do
	for DIR in encap decap; do
		for what in vtepd kernel testpmd; do
			"point_$what" "$tmp/$what.json"
			results+=("$(jq -c --arg what "$what" --arg dir "$DIR" --argjson run "$run" '{what: $what, direction: $dir,
				run: $run, size, mpps: .rx.mpps, tx_mpps: .tx.mpps, loss_pct: .rx.loss_pct}' "$tmp/$what.json")")
			echo "run $run, $DIR, $what: $(echo "${results[-1]}" | jq -r '"\(.mpps) Mpps delivered (\(.tx_mpps) sent)"')"
		done
	done
done
ovs="not installed (apt-get install openvswitch-switch-dpdk): skipped"
command -v ovs-vswitchd >/dev/null && ovs="installed, but this benchmark does not drive it yet: skipped"
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "${results[@]}" | jq -s --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
	--arg ovs "$ovs" --arg date "$(date -u +%FT%TZ)" '{machine: {cpu: $cpu, cores: '"$(nproc)"', kernel: "'"$(uname -r)"'"},
	date: $date, command: "bash perf/bench_afxdp.sh", seconds_per_point: '"$DURATION"', ovs_dpdk: $ovs, results: .,
	best: (group_by(.direction) | map({key: .[0].direction,
		value: (group_by(.what) | map(max_by(.mpps)) | map({key: .what, value: .mpps}) | from_entries)}) | from_entries)}' > "$OUT"
echo
jq -r '.ovs_dpdk as $ovs | .best | to_entries[] | .key as $d | .value as $b |
	"\($d) over AF_XDP veths, '"$SIZE"'-byte frames, best of '"$RUNS"' (Mpps delivered)",
	"  vtepd        \($b.vtepd)", "  kernel VXLAN \($b.kernel)", "  testpmd io   \($b.testpmd)",
	"  vtepd / testpmd \(($b.vtepd / $b.testpmd * 100 | floor))%   vtepd / kernel \(($b.vtepd / $b.kernel * 100 | floor) / 100)x",
	"  OVS-DPDK: \($ovs)"' "$OUT"
echo "JSON: $OUT"
