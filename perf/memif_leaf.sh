# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# memif_leaf.sh (sourced by the fast-path benchmarks): one vtepd leaf whose two sides are
# memifs, so that a generator reaches both without the kernel's copies. The container side
# is port m1 (VNI 100, memif socket $ML_SOCK_C); the underlay is a memif too (socket
# $ML_SOCK_U), and the kernel keeps the underlay's address on a veth in the
# leaf's namespace with a permanent neighbour for the remote VTEP 10.0.0.2 (and more with
# ML_VTEPS=N: N remote VTEPs in the VNI's flood list), which vtepd resolves its outer next hop from. MACs: the generator's container side 02:00:00:00:00:01
# (static behind m1), the remote host 02:00:00:00:00:02 (static behind 10.0.0.2).
# Everything it makes goes at exit, killed processes by PID: ml_cleanup.
set -u

ML_TOP=${ML_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ML_BUILD=${ML_BUILD:-$ML_TOP/build}
ML_ID=${ML_ID:-$$}
ML_NS=vtmemif$ML_ID
ML_NAME=vtmemif$ML_ID
ML_SOCK_C=/run/vtepd/$ML_NAME-m1.memif
ML_SOCK_U=/run/vtepd/$ML_NAME-ul.memif
ML_TMP=$(mktemp -d /tmp/vtepd-memif.XXXXXX)
ML_PIDS=()
ML_PREFIXES=("vtepd-$ML_NAME")
ML_VTEPD_PID=
ML_MAC_LOCAL=02:00:00:00:00:01
ML_MAC_REMOTE=02:00:00:00:00:02
VTEPCTL=$ML_BUILD/control/vtepctl
PKTGEN=$ML_BUILD/perf/pktgen/pktgen

ml_cleanup() {
	local pid p
	for pid in "${ML_PIDS[@]}" $ML_VTEPD_PID; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${ML_PIDS[@]}" $ML_VTEPD_PID; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	ip netns del "$ML_NS" 2>/dev/null || true
	for p in "${ML_PREFIXES[@]}"; do
		rm -rf "/var/run/dpdk/$p"
		rm -f /dev/hugepages/"$p"map_* 2>/dev/null
	done
	rm -f "$ML_SOCK_C" "$ML_SOCK_U" "/run/vtepd/$ML_NAME.sock" "/run/vtepd/$ML_NAME.ports"
	[ -n "${ML_KEEP_TMP:-}" ] || rm -rf "$ML_TMP"
}

# ml_vtepd: the leaf, its fast path on lcore 1 (the generator takes lcore 0); again after
# ml_vtepd_stop, a fresh vtepd in the same namespace.
ml_vtepd() {
	[ -f "$ML_TMP/leaf.yaml" ] || ml_setup || return 1
	ip netns exec "$ML_NS" "$ML_BUILD/control/vtepd" -c "$ML_TMP/leaf.yaml" >> "$ML_TMP/vtepd.log" 2>&1 &
	ML_VTEPD_PID=$!
	for _ in $(seq 200); do
		"$VTEPCTL" -n "$ML_NAME" show ports >/dev/null 2>&1 && return 0
		kill -0 "$ML_VTEPD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "vtepd did not start:" >&2
	tail -20 "$ML_TMP/vtepd.log" >&2
	return 1
}

ml_vtepd_stop() {
	[ -n "$ML_VTEPD_PID" ] || return 0
	kill -TERM "$ML_VTEPD_PID" 2>/dev/null
	wait "$ML_VTEPD_PID" || true
	ML_VTEPD_PID=
}

# ml_setup: the namespace, the underlay veth and neighbour, the config.
ml_setup() {
	ip netns add "$ML_NS" || return 1
	ip -n "$ML_NS" link set lo up
	ip -n "$ML_NS" link add ul0 type veth peer name ul0p     # (no dummy module on every kernel)
	ip -n "$ML_NS" link set ul0p mtu 9000 up
	ip -n "$ML_NS" link set ul0 mtu 9000 up
	ip -n "$ML_NS" addr add 10.0.0.1/24 dev ul0
	# ML_VTEPS remote VTEPs (1 to 200, default 1) in the flood list: 10.0.0.2, 10.0.0.3, ..., each
	# with a permanent neighbour on the underlay's subnet
	local i flood=""
	for i in $(seq 2 $(( ${ML_VTEPS:-1} + 1 ))); do
		ip -n "$ML_NS" neigh add "10.0.0.$i" lladdr "02:00:00:00:ee:$(printf %02x "$i")" dev ul0 nud permanent
		flood+="${flood:+, }10.0.0.$i"
	done
	cat > "$ML_TMP/leaf.yaml" <<EOF
vtep:
  name: $ML_NAME
  source_ip: 10.0.0.1
underlay:
  port: net_memif_ul,role=server,socket=$ML_SOCK_U,socket-abstract=no
  interface: ul0
  mtu: 9000
fastpath:
  lcore: 1
  mac_table_size: ${ML_MAC_TABLE:-1048576}
vnis:
  - vni: 100
    flood: [$flood]
    max_macs: 0                 # no learning limit: the benchmarks fill the table from m1
    static_macs:
      - {mac: $ML_MAC_REMOTE, vtep: 10.0.0.2}
      - {mac: $ML_MAC_LOCAL, port: m1}
ports:
  - {name: m1, vni: 100, type: memif, socket: $ML_SOCK_C, max_macs: 0}
EOF
}

# ml_stat FIELD: a number from vtepctl -j show stats (a jq path, e.g. .fastpath.busy_cycles).
ml_stat() { "$VTEPCTL" -n "$ML_NAME" -j show stats | jq -r "$1"; }
