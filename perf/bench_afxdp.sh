#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench_afxdp.sh: container ports over AF_XDP veths, the same traffic through four switches in one
# run, at each frame size of SIZES (64 512 1500 imix), both directions (encap: a container's frames
# in, VXLAN out of the underlay; decap: VXLAN from a remote VTEP in, the inner frames out to the
# container):
#   vtepd      the leaf's container port and underlay both AF_XDP (as deployed)
#   testpmd    dpdk-testpmd io-forwarding between the same two veth ends (the raw AF_XDP ceiling)
#   kernel     the Linux kernel's VXLAN and bridge on the same veths (Docker's overlay)
#   ovs        OVS-DPDK 3.1 (Debian's openvswitch-switch-dpdk), the standard userspace tunnel
#              setup: bridge br-int (netdev) with the container port and a VXLAN port (VNI 100,
#              remote 10.0.0.2), bridge br-phy (netdev) with the underlay port, 10.0.0.1 on br-phy's
#              LOCAL port, the route and the remote VTEP's MAC given with ovs/route/add and
#              tnl/neigh/set (no ARP). Both bridges do NORMAL switching with static FDB entries
#              (fdb/add), a MAC lookup as in vtepd and the kernel's bridge (OVS folds both bridges
#              into one cached datapath flow per direction). The ports are OVS's own AF_XDP netdev
#              (type=afxdp, native XDP mode on the veths; OVS_PORT=afxdp, the default): Debian's
#              build has it, and over these veths it was as fast or faster than a DPDK port on
#              DPDK's AF_XDP PMD (OVS_PORT=dpdk: type=dpdk, dpdk-devargs=net_af_xdp_...,iface=...;
#              best of 3 at 64/1500/IMIX: encap 1.56/0.93/1.30 against 1.54/0.90/1.10 Mpps, decap
#              1.54/0.98/1.33 against 0.80/0.80/1.13). Both kinds get the interface's MTU
#              (mtu_request; OVS would set a DPDK port to 1500). DPDK is initialised as in any
#              OVS-DPDK (dpdk-init=true, main lcore 0, 256 MB, its own --file-prefix; OVS adds
#              --in-memory, so no hugepage files); the PMD thread polls both ports on lcore 1.
#              The script installs the package when it is missing (apt-get; no network: OVS is
#              skipped and said so, the rest still runs). It runs its own ovsdb-server and the
#              package's DPDK vswitchd (/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk, called
#              by its path: the system's update-alternatives choice is left alone) inside the leaf's
#              namespace, with a private database, run and log directory under its tmp dir, and
#              stops them by PID. A system openvswitch service is never used or touched (on a
#              machine with systemd, installing the package starts it; this script leaves it be).
# Our generator (perf/pktgen) holds the far ends of both veths in one namespace, AF_XDP on both,
# pinned to lcore 0; the switch under test polls on lcore 1. Mpps delivered, median of RUNS runs
# (the machine is shared and noisy); prints the table with the ratios, writes
# perf/results/afxdp.json (every run and the median per point).
#   bash perf/bench_afxdp.sh     (RUNS=3, DURATION=3, SIZES="64 512 1500 imix",
#                                 SWITCHES="vtepd testpmd kernel ovs", OVS_PORT=afxdp|dpdk,
#                                 RATE=PPS for a fixed rate instead of flat out)
# The defaults make 96 points, about 8 minutes (7 min 37 s on a 2-vCPU VM); the estimate is
# printed first, the time taken last.
# A benchmark, never a timed test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
DURATION=${DURATION:-3}
RUNS=${RUNS:-3}
SIZES=${SIZES:-64 512 1500 imix}
SWITCHES=${SWITCHES:-vtepd testpmd kernel ovs}
OVS_PORT=${OVS_PORT:-afxdp}
OUT=${OUT:-$top/perf/results/afxdp.json}
OVS_VSWITCHD=${OVS_VSWITCHD:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
[ "$(id -u)" -eq 0 ] || { echo "bench_afxdp: run as root (namespaces, AF_XDP)" >&2; exit 1; }
if [ ! -x "$build/perf/pktgen/pktgen" ] || ! command -v dpdk-testpmd >/dev/null; then
	bash "$top/scripts/setup.sh" build >/dev/null
fi
case $OVS_PORT in afxdp|dpdk) ;; *) echo "bench_afxdp: OVS_PORT is afxdp or dpdk" >&2; exit 1;; esac
export VTEPD_BPF_DIR=$build/dataplane/bpf
P=vtax$$
G=${P}g L=${P}l          # the generator's namespace, the leaf's
NAME=$P-leaf
LOCAL_MAC=02:00:00:00:00:01 REMOTE_MAC=02:00:00:00:00:02 REMOTE_VTEP_MAC=02:00:00:00:ee:02
tmp=$(mktemp -d /tmp/vtepd-afxdp.XXXXXX)
pids=()
# stop PID...: TERM, up to 5 s, then KILL; by PID only (our own children), then forgotten
stop() {
	local pid keep=() p
	for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "$@"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do [[ " $* " == *" $p "* ]] || keep+=("$p"); done
	pids=(${keep[@]+"${keep[@]}"})
}
cleanup() {
	[ ${#pids[@]} -eq 0 ] || stop "${pids[@]}"
	ip netns del "$G" 2>/dev/null || true
	ip netns del "$L" 2>/dev/null || true
	rm -rf /var/run/dpdk/"${P}"* /var/run/dpdk/vtepd-"$NAME"
	rm -f /dev/hugepages/"${P}"* /run/vtepd/"$NAME".sock /run/vtepd/"$NAME".ports
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The two namespaces and the underlay veth (ul0 in the leaf, 10.0.0.1; ulg in the generator's),
# the remote VTEP 10.0.0.2 a permanent neighbour behind ul0. MTU 1600 on the underlay for every
# switch: 1500-byte inner frames plus 50 bytes of VXLAN.
topology() {
	ip netns del "$G" 2>/dev/null || true
	ip netns del "$L" 2>/dev/null || true
	ip netns add "$G"; ip netns add "$L"
	ip -n "$G" link set lo up; ip -n "$L" link set lo up
	ip link add ul0 netns "$L" mtu 1600 type veth peer name ulg netns "$G" mtu 1600
	ip -n "$L" link set ul0 up; ip -n "$G" link set ulg up
	ip -n "$L" addr add 10.0.0.1/24 dev ul0
	ip -n "$L" neigh add 10.0.0.2 lladdr "$REMOTE_VTEP_MAC" dev ul0 nud permanent
}
# ... and, for the kernel, testpmd and OVS, the container veth (cport in the leaf, eth0 in the
# generator's); vtepd makes its own when it attaches the port (MTU 1550, the underlay's - 50).
# MTU 1600 here too: testpmd forwards the VXLAN frames themselves to the container side.
container_veth() {
	ip link add cport netns "$L" mtu 1600 type veth peer name eth0 netns "$G" mtu 1600
	ip -n "$L" link set cport up; ip -n "$G" link set eth0 up
	ip netns exec "$G" ethtool -K eth0 tx off >/dev/null 2>&1 || true
}

# gen JSON LABEL: encap: frames from the container side (eth0) to the remote MAC, counted on ulg;
# decap ($DIR): VXLAN from the remote VTEP into ulg (to ul0's MAC), inner frames counted on eth0.
# $SIZE: a frame size or imix (the inner frame's, for decap).
gen() {
	local args
	if [ "$DIR" = encap ]; then
		args=(--tx-port 0 --rx-port 1 --src-mac "$LOCAL_MAC" --dst-mac "$REMOTE_MAC")
	else
		args=(--tx-port 1 --rx-port 0 --vxlan 100 --outer-src-ip 10.0.0.2 --outer-dst-ip 10.0.0.1
		      --outer-src-mac "$REMOTE_VTEP_MAC" --outer-dst-mac "$(ip -n "$L" -j link show ul0 | jq -r '.[0].address')"
		      --src-mac "$REMOTE_MAC" --dst-mac "$LOCAL_MAC" --src-ip 192.168.0.2 --dst-ip 192.168.0.1)
	fi
	ip netns exec "$G" "$build/perf/pktgen/pktgen" -l 0 --file-prefix "${P}pg" --huge-unlink --no-pci --no-telemetry \
		--log-level=notice --vdev net_af_xdp0,iface=eth0 --vdev net_af_xdp1,iface=ulg \
		-- "${args[@]}" --size "$SIZE" --duration "$DURATION" ${RATE:+--rate "$RATE"} --drain 0.5 --link-wait 20 --json "$1" --label "$2" \
		> "$tmp/pg.log" 2>&1 || { echo "pktgen failed:" >&2; tail -20 "$tmp/pg.log" >&2; return 1; }
}

point_vtepd() {
	topology
	cat > "$tmp/leaf.yaml" <<EOF2
vtep: {name: $NAME, source_ip: 10.0.0.1}
underlay: {port: 'net_af_xdp0,iface=ul0', mtu: 1600}
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
	stop "$pid"
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
		-- --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 --max-pkt-len=1618 --stats-period 60 > "$tmp/testpmd.log" 2>&1 < /dev/null &
	local pid=$!
	pids+=("$pid")
	for _ in $(seq 100); do grep -q "Press enter to exit\|Port 1: link state change\|Checking link statuses" "$tmp/testpmd.log" && break; sleep 0.1; done
	sleep 1
	gen "$1" testpmd
	stop "$pid"
}

# OVS-DPDK: installed if missing; $ovs_status says why it was skipped, empty when it runs.
ovs_status=
ovs_prepare() {
	local missing=()
	[ -x "$OVS_VSWITCHD" ] || missing+=(openvswitch-switch-dpdk)
	command -v ovsdb-server >/dev/null && command -v ovs-vsctl >/dev/null || missing+=(openvswitch-switch)
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "OVS-DPDK: installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
		> "$tmp/ovs-install.log" 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get update > /dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
			> "$tmp/ovs-install.log" 2>&1 || true
	fi
	if [ ! -x "$OVS_VSWITCHD" ] || ! command -v ovsdb-server >/dev/null; then
		ovs_status="not installed (apt-get install openvswitch-switch-dpdk failed: $(grep -m1 -E '^E:' "$tmp/ovs-install.log" || tail -1 "$tmp/ovs-install.log")): skipped"
		echo "OVS-DPDK: $ovs_status"
	fi
}

vsctl() { ovs-vsctl --timeout=30 "$@"; }
appctl() { ovs-appctl --timeout=30 -t "$tmp/ovs/ovs-vswitchd.ctl" "$@"; }
ovs_fail() {
	local d=$tmp/ovs
	echo "OVS-DPDK: $1" >&2
	if [ -S "$d/db.sock" ]; then vsctl --columns=name,ofport,error list interface >&2 || true; fi
	grep -hE '\|(ERR|EMER|WARN)\|' "$d"/*.log 2>/dev/null | tail -20 >&2 || true
	tail -5 "$d"/*.out >&2 2>/dev/null || true
	cp "$d"/*.log "$tmp/" 2>/dev/null || true
	return 1
}
# ovs_port BRIDGE IFACE: add the AF_XDP port on IFACE, by $OVS_PORT's kind, with IFACE's MTU
# (OVS would set a DPDK port to 1500 and drop the 1500-byte frames' VXLAN on the underlay)
ovs_port() {
	local mtu
	mtu=$(ip -n "$L" -j link show "$2" | jq -r '.[0].mtu')
	if [ "$OVS_PORT" = afxdp ]; then
		vsctl add-port "$1" "$2" -- set interface "$2" type=afxdp options:n_rxq=1 mtu_request="$mtu"
	else
		vsctl add-port "$1" "$2" -- set interface "$2" type=dpdk mtu_request="$mtu" \
			"options:dpdk-devargs=net_af_xdp_$2,iface=$2,start_queue=0,queue_count=1" options:n_rxq=1
	fi
}
# ovs_start: a private ovsdb-server and ovs-vswitchd in the leaf's namespace, the two bridges.
# Called with set -e off (from an if): every step checked.
ovs_start() {
	local d=$tmp/ovs ulmac p ok=
	rm -rf "$d"; mkdir -p "$d"
	export OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d OVS_PKGDATADIR=/usr/share/openvswitch
	ovsdb-tool create "$d/conf.db" "$OVS_SCHEMA" || { ovs_fail "ovsdb-tool create failed"; return 1; }
	ip netns exec "$L" ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" --unixctl="$d/ovsdb-server.ctl" \
		--pidfile="$d/ovsdb-server.pid" --log-file="$d/ovsdb-server.log" -vconsole:off -vsyslog:off \
		> "$d/ovsdb-server.out" 2>&1 &
	ovs_dbpid=$!
	pids+=("$ovs_dbpid")
	for _ in $(seq 100); do [ -S "$d/db.sock" ] && break; sleep 0.1; done
	if ! { vsctl --no-wait init &&
	       vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true other_config:dpdk-lcore-mask=0x1 \
		other_config:pmd-cpu-mask=0x2 other_config:dpdk-socket-mem=256 other_config:dpdk-socket-limit=256 \
		other_config:dpdk-extra="--file-prefix=${P}ovs --huge-unlink --no-pci --no-telemetry"; }; then
		ovs_fail "ovsdb-server did not start"; return 1
	fi
	ip netns exec "$L" "$OVS_VSWITCHD" "unix:$d/db.sock" --unixctl="$d/ovs-vswitchd.ctl" \
		--pidfile="$d/ovs-vswitchd.pid" --log-file="$d/ovs-vswitchd.log" -vconsole:off -vsyslog:off \
		> "$d/ovs-vswitchd.out" 2>&1 &
	ovs_swpid=$!
	pids+=("$ovs_swpid")
	for _ in $(seq 300); do [ -S "$d/ovs-vswitchd.ctl" ] && break; kill -0 "$ovs_swpid" 2>/dev/null || break; sleep 0.1; done
	[ -S "$d/ovs-vswitchd.ctl" ] || { ovs_fail "ovs-vswitchd did not start"; return 1; }
	ulmac=$(ip -n "$L" -j link show ul0 | jq -r '.[0].address')
	# br-phy takes ul0's MAC: the remote VTEP's VXLAN is addressed to it
	if ! { vsctl add-br br-int -- set bridge br-int datapath_type=netdev \
		-- add-br br-phy -- set bridge br-phy datapath_type=netdev other_config:hwaddr="$ulmac" &&
	       ovs_port br-phy ul0 && ovs_port br-int cport &&
	       vsctl add-port br-int vxlan0 -- set interface vxlan0 type=vxlan options:remote_ip=10.0.0.2 \
		options:local_ip=10.0.0.1 options:key=100; }; then
		ovs_fail "bridges or ports failed"; return 1
	fi
	if ! { ip -n "$L" link set br-phy up && ip -n "$L" link set br-int up &&
	       ip -n "$L" addr add 10.0.0.1/24 dev br-phy; }; then
		ovs_fail "br-phy's address failed"; return 1
	fi
	# the route and the remote VTEP's MAC (no ARP); static MACs on both bridges (NORMAL)
	if ! { appctl ovs/route/add 10.0.0.2/24 br-phy &&
	       appctl tnl/neigh/set br-phy 10.0.0.2 "$REMOTE_VTEP_MAC" &&
	       appctl fdb/add br-int cport 0 "$LOCAL_MAC" &&
	       appctl fdb/add br-int vxlan0 0 "$REMOTE_MAC" &&
	       appctl fdb/add br-phy ul0 0 "$REMOTE_VTEP_MAC" &&
	       appctl fdb/add br-phy br-phy 0 "$ulmac"; } > /dev/null; then
		ovs_fail "route, neighbour or FDB failed"; return 1
	fi
	for _ in $(seq 100); do
		ok=1
		for p in ul0 cport; do
			[ "$(vsctl get interface "$p" ofport 2>/dev/null)" -gt 0 ] 2>/dev/null || ok=
		done
		[ -n "$ok" ] && appctl dpif-netdev/pmd-rxq-show 2>/dev/null | grep -q "port: cport" && break
		ok=
		sleep 0.1
	done
	[ -n "$ok" ] || { ovs_fail "the ports did not come up"; return 1; }
	sleep 1
}
ovs_stop() {
	if [ -n "${ovs_swpid:-}" ]; then appctl exit > /dev/null 2>&1 || true; fi
	stop ${ovs_swpid:+"$ovs_swpid"} ${ovs_dbpid:+"$ovs_dbpid"}
	ovs_swpid='' ovs_dbpid=
	unset OVS_RUNDIR OVS_DBDIR OVS_LOGDIR OVS_SYSCONFDIR OVS_PKGDATADIR
}
point_ovs() {
	topology
	container_veth
	# 10.0.0.1 lives on br-phy (OVS's tunnel endpoint); ul0 is only OVS's port
	ip -n "$L" neigh flush dev ul0; ip -n "$L" addr flush dev ul0
	ovs_start || { ovs_stop; return 1; }
	gen "$1" ovs || { ovs_fail "pktgen failed"; ovs_stop; return 1; }
	if [ -n "${OVS_DEBUG:-}" ]; then
		{ appctl dpif-netdev/pmd-stats-show; appctl dpctl/dump-flows; appctl fdb/show br-int
		  vsctl --columns=name,statistics list interface; } > "$OVS_DEBUG/ovs-$SIZE-$DIR.txt" 2>&1
		cp "$tmp/ovs/ovs-vswitchd.log" "$OVS_DEBUG/"
	fi
	ovs_stop
}

active=()
for what in $SWITCHES; do
	case $what in
	vtepd|testpmd|kernel) active+=("$what");;
	ovs) ovs_prepare; [ -n "$ovs_status" ] || active+=(ovs);;
	*) echo "bench_afxdp: unknown switch '$what' (vtepd testpmd kernel ovs)" >&2; exit 1;;
	esac
done
ovs_version=
[ ! -x "$OVS_VSWITCHD" ] || ovs_version=$("$OVS_VSWITCHD" --version 2>/dev/null | head -1) || true
nsizes=$(wc -w <<< "$SIZES")
points=$((RUNS * nsizes * 2 * ${#active[@]}))
# about 2 s of set-up per point besides the traffic
echo "bench_afxdp: $points points (${active[*]}; sizes $SIZES; encap, decap; $RUNS runs), about" \
	"$(( (points * (DURATION + 2) + 59) / 60 )) minutes"
start=$SECONDS
results=()
for run in $(seq "$RUNS"); do
	for SIZE in $SIZES; do
		for DIR in encap decap; do
			for what in "${active[@]}"; do
				if [ "$what" = ovs ] && [ -n "$ovs_status" ]; then continue; fi
				if [ "$what" = ovs ]; then
					if ! point_ovs "$tmp/$what.json"; then
						ovs_status="failed at $SIZE $DIR (run $run): see the messages above: skipped from there on"
						echo "OVS-DPDK: $ovs_status"
						continue
					fi
				else
					"point_$what" "$tmp/$what.json"
				fi
				results+=("$(jq -c --arg what "$what" --arg dir "$DIR" --argjson run "$run" '{what: $what,
					direction: $dir, size, run: $run, mpps: .rx.mpps, tx_mpps: .tx.mpps, loss_pct: .rx.loss_pct}' \
					"$tmp/$what.json")")
				echo "run $run, $SIZE, $DIR, $what: $(echo "${results[-1]}" | jq -r \
					'"\(.mpps) Mpps delivered (\(.tx_mpps) sent, \(.loss_pct * 100 | round / 100)% lost)"')"
			done
		done
	done
done
elapsed=$((SECONDS - start))
[ -n "$ovs_status" ] || ovs_status="measured ($OVS_PORT ports)"
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "${results[@]}" | jq -s --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
	--arg kernel "$(uname -r)" --argjson cores "$(nproc)" --arg date "$(date -u +%FT%TZ)" \
	--arg ovs "$ovs_status" --arg ovs_port "$OVS_PORT" --arg ovs_version "$ovs_version" \
	--argjson duration "$DURATION" --argjson runs "$RUNS" --argjson elapsed "$elapsed" --arg sizes "$SIZES" '
	def ratio(a; b): if a == null or b == null or b == 0 then null else (a / b * 100 | round) / 100 end;
	{machine: {cpu: $cpu, cores: $cores, kernel: $kernel}, date: $date, command: "bash perf/bench_afxdp.sh",
	 seconds_per_point: $duration, runs: $runs, seconds_total: $elapsed,
	 ovs_dpdk: {status: $ovs, port_type: $ovs_port, version: $ovs_version},
	 median: [($sizes | split(" ") | map(select(. != ""))[]) as $size | ("encap", "decap") as $dir
		| [.[] | select(.size == $size and .direction == $dir)] | select(length > 0)
		| (group_by(.what) | map({key: .[0].what, value: (map(.mpps) | sort | .[(length - 1) / 2 | floor])})
		   | from_entries) as $b
		| {size: $size, direction: $dir, mpps: $b,
		   vtepd_over: {testpmd: ratio($b.vtepd; $b.testpmd), kernel: ratio($b.vtepd; $b.kernel),
				ovs: ratio($b.vtepd; $b.ovs)}}],
	 results: .}' > "$OUT"
echo
echo "AF_XDP veths, Mpps delivered, median of $RUNS runs of ${DURATION} s ($((elapsed / 60)) min $((elapsed % 60)) s in all)"
jq -r 'def f: if . == null then "-" else tostring end;
	def pct: if . == null then "-" else "\(. * 100 | round)%" end;
	def x: if . == null then "-" else "\(.)x" end;
	def pad($n): if length < $n then . + (" " * ($n - length)) else . + " " end;
	["size", "dir", "vtepd", "testpmd", "kernel", "OVS-DPDK", "vtepd/testpmd", "vtepd/kernel", "vtepd/OVS"],
	(.median[] | [.size, .direction, (.mpps.vtepd | f), (.mpps.testpmd | f), (.mpps.kernel | f), (.mpps.ovs | f),
		(.vtepd_over.testpmd | pct), (.vtepd_over.kernel | x), (.vtepd_over.ovs | x)])
	| [., [6, 7, 8, 9, 8, 10, 15, 14, 10]] | transpose | map(. as [$s, $n] | $s | pad($n)) | add | sub(" +$"; "")' "$OUT"
jq -r '"OVS-DPDK: \(.ovs_dpdk.status)"' "$OUT"
echo "JSON: $OUT"
bash "$top/perf/plot_afxdp.sh" "$OUT" "${OUT%.json}.png"
