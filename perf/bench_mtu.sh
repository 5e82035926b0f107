#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The MTU benchmark (issue 4), paths side by side in one run, container to container:
#   veth       two namespaces joined by a bare veth, MTU 1500 (the floor: no overlay at all)
#   kernel     the Linux kernel's VXLAN + bridge on two leaves (what Docker's overlay uses),
#              containers at the vxlan device's MTU 1450
#   vtepd      two vtepd leaves over AF_XDP, containers at MTU 1500 (vtepd fragments or sends
#              "fragmentation needed", so containers keep 1500)
#   vtepd1450  the same with containers at vtepd's default MTU, 1450 (underlay minus 50)
# 1. UDP datagram sweep: iperf3 -u -b RATE -w 4M -l SIZE, SIZE = 1000..2000 step 100: what the
#    server received (Mbit/s) and the loss, to see the cliff at each path's fragmentation
#    threshold. RATE=1G by default; RATE=0 offers as much as the sender can.
# 2. TCP: iperf3 -t 3 between the containers, containers at MTU 1450 and at 9000 (underlay 9216):
#    vtepd against the kernel's VXLAN and against two floors on the same veths, no tunnel in either:
#    the floor of any AF_XDP switch (perf/xsk_floor.c: plain AF_XDP forwarding) and the floor of
#    any XDP switch (perf/xdp_floor.c: frames redirected between the veths inside the kernel).
# Medians of RUNS runs (default 3). Prints tables, writes perf/results/mtu.json and, with
# gnuplot, perf/results/mtu_udp_sweep.png. Needs root; traffic stays in its own namespaces.
#   perf/bench_mtu.sh            RUNS=3 DURATION=2 (seconds per UDP point); PATHS= (UDP) and
#                                TCP_PATHS= (TCP) pick paths, TCP_MTUS= the TCP MTUs
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${VTEPD_BUILD:-$top/build}
runs=${RUNS:-3}
dur=${DURATION:-2}
read -ra VTEPD_LCORES <<< "${LCORES:-0 1}"   # the two fast paths' cores
rate=${RATE:-1G}       # offered UDP load; 0: as fast as the sender can (no back-pressure over AF_XDP)
out=${OUT:-mtu}            # results: perf/results/$out.json and ${out}_udp_sweep.png
window=${UDP_WINDOW:-4M}   # UDP socket buffers, the same for every path: a receiver that waits for
                           # the CPU (two fast paths poll on two cores here) must not overflow
"$top/scripts/setup.sh" "$(basename "$build")" >/dev/null
command -v gnuplot >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1 || true; }
export VTEPD_BPF_DIR=$build/dataplane/bpf
vtepd=$build/control/vtepd
vtepctl=$build/control/vtepctl
P=vtmtu$$
tmp=$(mktemp -d /tmp/vtepd-bench-mtu.XXXXXX)
pids=()
nss=()
cleanup() {
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	rm -f /run/vtepd/"$P"-*.sock /run/vtepd/"$P"-*.ports
	rm -rf "$tmp"
}
trap cleanup EXIT
# iperf3 -w needs the kernel to allow buffers that large; raise the cap for the run, then restore it.
rmem_was=$(sysctl -n net.core.rmem_max)
wmem_was=$(sysctl -n net.core.wmem_max)
sysctl -qw net.core.rmem_max=$((rmem_was > 4194304 ? rmem_was : 4194304)) net.core.wmem_max=$((wmem_was > 4194304 ? wmem_was : 4194304))
trap 'cleanup; sysctl -qw net.core.rmem_max=$rmem_was net.core.wmem_max=$wmem_was' EXIT
ns() { ip netns add "$1"; nss+=("$1"); ip -n "$1" link set lo up; }
link() {   # ns1 if1 ns2 if2 mtu
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" mtu "$5" up
	ip -n "$3" link set "$4" mtu "$5" up
	ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1 || true
	ip netns exec "$3" ethtool -K "$4" tx off >/dev/null 2>&1 || true
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---- the three paths; each defines client/server namespaces C/S and the server address ----
setup_veth() {   # mtu
	ns "${P}va"; ns "${P}vb"
	link "${P}va" eth0 "${P}vb" eth0 "$1"
	ip -n "${P}va" addr add 192.168.60.1/24 dev eth0
	ip -n "${P}vb" addr add 192.168.60.2/24 dev eth0
	C=${P}va S=${P}vb ADDR=192.168.60.2
}

# two leaves ${P}<tag>1/2 on a switch, underlay MTU umtu, containers ${P}<tag>c1/c2
fabric() {   # tag umtu
	local t=$1 i
	ns "${P}${t}sw"
	ip -n "${P}${t}sw" link add br0 type bridge
	ip -n "${P}${t}sw" link set br0 mtu "$2" up
	for i in 1 2; do
		ns "${P}${t}$i"; ns "${P}${t}c$i"
		link "${P}${t}$i" ul0 "${P}${t}sw" "p$i" "$2"
		ip -n "${P}${t}sw" link set "p$i" master br0
		ip -n "${P}${t}$i" addr add "10.0.0.$i/24" dev ul0
	done
}

setup_kernel() {   # container mtu, underlay mtu
	local i
	fabric k "$2"
	for i in 1 2; do
		local L=${P}k$i
		ip -n "$L" link add vx100 type vxlan id 100 local "10.0.0.$i" dstport 4789 nolearning
		ip -n "$L" link set vx100 mtu "$1"
		ip -n "$L" link add br100 type bridge
		ip -n "$L" link set vx100 master br100
		link "$L" c "${P}kc$i" eth0 "$1"
		ip -n "$L" link set c master br100
		ip -n "$L" link set vx100 up
		ip -n "$L" link set br100 up
		ip -n "${P}kc$i" addr add "192.168.61.$i/24" dev eth0
		ip netns exec "$L" bridge fdb append 00:00:00:00:00:00 dev vx100 dst "10.0.0.$((3 - i))"
	done
	C=${P}kc1 S=${P}kc2 ADDR=192.168.61.2
}

setup_vtepd() {   # container mtu, underlay mtu
	local i
	fabric t "$2"
	for i in 1 2; do
		ns "${P}tc$i" 2>/dev/null || true
		cat > "$tmp/leaf$i.yaml" <<EOF2
vtep: {name: $P-leaf$i, source_ip: 10.0.0.$i}
underlay: {port: 'net_af_xdp0,iface=ul0', mtu: $2}
fastpath: {lcore: ${VTEPD_LCORES[i - 1]:-$((i - 1))}, mac_table_size: 4096, mbufs: 8192}
vnis: [{vni: 100, flood: [10.0.0.$((3 - i))]}]
ports: [{name: c, vni: 100, netns: ${P}tc$i, ip: 192.168.62.$i/24, mtu: $1}]
EOF2
		ip netns exec "${P}t$i" "$vtepd" -c "$tmp/leaf$i.yaml" > "$tmp/vtepd$i.log" 2>&1 &
		pids+=("$!")
		for _ in $(seq 200); do "$vtepctl" -n "$P-leaf$i" show ports >/dev/null 2>&1 && break; sleep 0.1; done
		"$vtepctl" -n "$P-leaf$i" show ports >/dev/null || { cat "$tmp/vtepd$i.log" >&2; exit 1; }
	done
	C=${P}tc1 S=${P}tc2 ADDR=192.168.62.2
}

# The floors: two leaves, one L2 segment at the container MTU throughout (no tunnel), each leaf
# forwarding every frame between the container's veth c and the underlay ul0 with start_TAG.
setup_floor_segment() {   # tag subnet container-mtu
	local i
	fabric "$1" "$3"
	for i in 1 2; do
		link "${P}$1$i" c "${P}$1c$i" eth0 "$3"
		ip -n "${P}$1c$i" addr add "192.168.$2.$i/24" dev eth0
		"start_$1" "$i"
	done
	sleep 1
	C=${P}$1c1 S=${P}$1c2 ADDR=192.168.$2.2
}
# the floor of any AF_XDP switch: perf/xsk_floor.c, one shared UMEM, no copy in userspace, no lookup
start_f() {   # leaf
	ip netns exec "${P}f$1" taskset -c "${VTEPD_LCORES[$1 - 1]:-$(($1 - 1))}" "$build/perf/xsk_floor" c ul0 \
		"$VTEPD_BPF_DIR/xdp_vtep_port.o" > "$tmp/floor$1.log" 2>&1 &
	pids+=("$!")
}
# the floor of any XDP switch: perf/xdp_floor.c, frames redirected between the veths inside the
# kernel; their veth peers get xdp_floor_pass, the NAPI receive path that redirected frames need
start_x() {   # leaf
	local obj=$build/perf/xdp_floor.bpf.o
	ip -n "${P}xc$1" link set dev eth0 xdpdrv obj "$obj" sec xdp.frags program xdp_floor_pass
	ip -n "${P}xsw" link set dev "p$1" xdpdrv obj "$obj" sec xdp.frags program xdp_floor_pass
	ip netns exec "${P}x$1" "$build/perf/xdp_floor" c ul0 "$obj" > "$tmp/xdp$1.log" 2>&1 &
	pids+=("$!")
}

teardown_paths() {
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	pids=()
	for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	nss=()
}

iperf_server() {
	ip netns exec "$S" iperf3 -s -J -p 5201 > "$tmp/iperf3-server.log" 2>&1 &
	pids+=("$!")
	for _ in $(seq 50); do ip netns exec "$S" ss -ltn | grep -q ':5201' && return 0; sleep 0.1; done
	echo "iperf3 server did not start" >&2; exit 1
}

warm_up() { ip netns exec "$C" ping -c 3 -i 0.2 -W 2 "$ADDR" >/dev/null || { echo "no path $C -> $ADDR" >&2; exit 1; }; }

# one UDP point: prints "received_mbps loss_percent"
udp_point() {   # size
	local j
	j=$(ip netns exec "$C" timeout $((dur + 15)) iperf3 -c "$ADDR" -p 5201 -u -b "$2" -l "$1" -t "$dur" -J -w "$window" \
		--get-server-output 2>/dev/null) || { echo "0 100"; return; }
	[ -n "${VTEPD_BENCH_DEBUG:-}" ] && echo "$j" | jq -c '[.end.sum, .server_output_json.end.sum]' >&2
	# what the server received (a datagram lost in reassembly never shows in the sender's loss count)
	echo "$j" | jq -r --argjson size "$1" '(.server_output_json.end.sum // {}) as $r | (.end.sum.packets // 0) as $sent |
		(($r.packets // 0) - ($r.lost_packets // 0)) as $got |
		[($got * $size * 8 / ($r.seconds // 1) / 1e6), (if $sent > 0 then 100 * (1 - $got / $sent) else 100 end)] | @tsv'
}

tcp_point() {
	local j
	j=$(ip netns exec "$C" timeout 30 iperf3 -c "$ADDR" -p 5201 -t 3 -J 2>/dev/null) || { echo 0; return; }
	echo "$j" | jq -r '.end.sum_received.bits_per_second / 1e6'
}

sizes=(${SIZES:-$(seq 1000 100 2000)})
mkdir -p "$top/perf/results"
declare -A udp_mbps udp_loss tcp
for path in ${PATHS:-veth kernel vtepd vtepd1450}; do
	case $path in
	veth) setup_veth 1500 ;;
	kernel) setup_kernel 1450 1500 ;;
	vtepd) setup_vtepd 1500 1500 ;;
	vtepd1450) setup_vtepd 1450 1500 ;;
	esac
	warm_up
	iperf_server
	for s in "${sizes[@]}"; do
		m=(); l=()
		for _ in $(seq "$runs"); do read -r a b <<< "$(udp_point "$s" "$rate")"; m+=("$a"); l+=("$b"); done
		udp_mbps[$path,$s]=$(printf '%s\n' "${m[@]}" | median)
		udp_loss[$path,$s]=$(printf '%s\n' "${l[@]}" | median)
	done
	teardown_paths
done
for mtu in ${TCP_MTUS:-1450 9000}; do
	for path in ${TCP_PATHS:-kernel xdp floor vtepd}; do
		umtu=$((mtu + 50)); [ "$mtu" = 9000 ] && umtu=9216
		case $path in
		kernel) setup_kernel "$mtu" "$umtu" ;;
		xdp) setup_floor_segment x 64 "$mtu" ;;
		floor) setup_floor_segment f 63 "$mtu" ;;
		vtepd) setup_vtepd "$mtu" "$umtu" ;;
		esac
		warm_up
		iperf_server
		v=()
		for _ in $(seq "$runs"); do v+=("$(tcp_point)"); done
		tcp[$path,$mtu]=$(printf '%s\n' "${v[@]}" | median)
		teardown_paths
	done
done

printf '\nUDP datagram sweep: iperf3 -u -b %s -w %s -l SIZE, received Mbit/s (loss %%), medians of %s runs of %s s\n' "$rate" "$window" "$runs" "$dur"
printf '%-6s | %-18s | %-18s | %-18s | %-18s\n' size "veth (MTU 1500)" "kernel VXLAN (1450)" "vtepd (1500)" \
	"vtepd (1450)"
json='{"udp": ['
for s in "${sizes[@]}"; do
	printf '%-6s | %8.0f (%5.1f%%) | %8.0f (%5.1f%%) | %8.0f (%5.1f%%) | %8.0f (%5.1f%%)\n' "$s" \
		"${udp_mbps[veth,$s]:-0}" "${udp_loss[veth,$s]:-0}" "${udp_mbps[kernel,$s]:-0}" "${udp_loss[kernel,$s]:-0}" \
		"${udp_mbps[vtepd,$s]:-0}" "${udp_loss[vtepd,$s]:-0}" "${udp_mbps[vtepd1450,$s]:-0}" "${udp_loss[vtepd1450,$s]:-0}"
	json+="{\"size\": $s, \"veth_mbps\": ${udp_mbps[veth,$s]:-0}, \"veth_loss\": ${udp_loss[veth,$s]:-0},"
	json+=" \"kernel_mbps\": ${udp_mbps[kernel,$s]:-0}, \"kernel_loss\": ${udp_loss[kernel,$s]:-0},"
	json+=" \"vtepd_mbps\": ${udp_mbps[vtepd,$s]:-0}, \"vtepd_loss\": ${udp_loss[vtepd,$s]:-0},"
	json+=" \"vtepd1450_mbps\": ${udp_mbps[vtepd1450,$s]:-0}, \"vtepd1450_loss\": ${udp_loss[vtepd1450,$s]:-0}},"
	echo "$s ${udp_mbps[veth,$s]:-0} ${udp_mbps[kernel,$s]:-0} ${udp_mbps[vtepd,$s]:-0} ${udp_mbps[vtepd1450,$s]:-0}" >> "$tmp/udp.dat"
done
json="${json%,}], \"tcp\": ["
printf '\nTCP: iperf3 -t 3, received Mbit/s, medians of %s runs\n' "$runs"
printf '%-13s | %-12s | %-12s | %-12s | %-12s | %-14s | %-14s | %s\n' "container MTU" "kernel VXLAN" "XDP floor" \
	"AF_XDP floor" "vtepd" "vtepd / kernel" "vtepd / AF_XDP" "XDP floor / kernel"
for mtu in 1450 9000; do
	k=${tcp[kernel,$mtu]:-0} x=${tcp[xdp,$mtu]:-0} f=${tcp[floor,$mtu]:-0} v=${tcp[vtepd,$mtu]:-0}
	r=$(echo "scale=2; $v / ($k + 0.0001)" | bc)
	rf=$(echo "scale=2; $v / ($f + 0.0001)" | bc)
	rx=$(echo "scale=2; $x / ($k + 0.0001)" | bc)
	printf '%-13s | %12.0f | %12.0f | %12.0f | %12.0f | %-14s | %-14s | %s\n' "$mtu" "$k" "$x" "$f" "$v" "$r" "$rf" "$rx"
	json+="{\"mtu\": $mtu, \"kernel_mbps\": $k, \"xdp_floor_mbps\": $x, \"floor_mbps\": $f, \"vtepd_mbps\": $v,"
	json+=" \"ratio\": $r, \"floor_ratio\": $rf, \"xdp_floor_ratio\": $rx},"
done
json="${json%,}], \"runs\": $runs, \"udp_seconds\": $dur, \"udp_rate\": \"$rate\", \"udp_window\": \"$window\", \"machine\": \"$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), kernel $(uname -r)\"}"
echo "$json" | jq . > "$top/perf/results/$out.json"
if command -v gnuplot >/dev/null; then
	gnuplot <<EOF2
set terminal pngcairo size 900,500
set output "$top/perf/results/${out}_udp_sweep.png"
set title "UDP datagram sweep, container to container (iperf3 -u -b $rate -w $window, medians of $runs)"
set xlabel "datagram size (bytes)"
set ylabel "received Mbit/s"
set key bottom right
set yrange [0:*]
set grid
plot "$tmp/udp.dat" using 1:2 with linespoints title "bare veth (MTU 1500)", \
     "" using 1:3 with linespoints title "kernel VXLAN + bridge (MTU 1450)", \
     "" using 1:4 with linespoints title "vtepd, containers at MTU 1500 (vtepd fragments)", \
     "" using 1:5 with linespoints title "vtepd, containers at its default MTU 1450"
EOF2
	echo "plot: perf/results/${out}_udp_sweep.png"
fi
echo "results: perf/results/$out.json; machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
