# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# memif_leaf.sh (sourced by the fast-path benchmarks): one vtepd leaf whose two sides are
# memifs, so that a generator reaches both without the kernel's copies. The container side
# is port m1 (VNI 100, memif socket $ML_SOCK_C); the underlay is a memif too (socket
# $ML_SOCK_U), and the kernel keeps the underlay's address on a veth in the
# leaf's namespace with a permanent neighbour for the remote VTEP 10.0.0.2 (and more with
# ML_VTEPS=N: N remote VTEPs in the VNI's flood list), which vtepd resolves its outer next hop from. MACs: the generator's container side 02:00:00:00:00:01
# (static behind m1), the remote host 02:00:00:00:00:02 (static behind 10.0.0.2).
# ML_ROUTED=1: an L3 leaf instead (ml_setup_routed): VRF tenant (L3 VNI 900001, router MAC
# $ML_RMAC) with VNI 100 (m1, anycast gateway 192.168.1.1/24, container 192.168.1.10) and
# VNI 200 (port m2 on socket $ML_SOCK_C2, gateway 192.168.2.1/24, container 192.168.2.10 with
# MAC 02:00:00:00:00:03), and a passive BGP neighbour 10.0.0.9 (on the namespace's lo) for
# perf/bgp_inject to install remote host routes behind 10.0.0.2 (ml_inject N).
# Everything it makes goes at exit, killed processes by PID: ml_cleanup.
set -u

ML_TOP=${ML_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ML_BUILD=${ML_BUILD:-$ML_TOP/build}
ML_ID=${ML_ID:-$$}
ML_NS=vtmemif$ML_ID
ML_NAME=vtmemif$ML_ID
ML_SOCK_C=/run/vtepd/$ML_NAME-m1.memif
ML_SOCK_U=/run/vtepd/$ML_NAME-ul.memif
ML_SOCK_C2=/run/vtepd/$ML_NAME-m2.memif
ML_TMP=$(mktemp -d /tmp/vtepd-memif.XXXXXX)
ML_PIDS=()
ML_PREFIXES=("vtepd-$ML_NAME")
ML_VTEPD_PID=
ML_MAC_LOCAL=02:00:00:00:00:01
ML_MAC_REMOTE=02:00:00:00:00:02
ML_MAC_LOCAL2=02:00:00:00:00:03
ML_GW_MAC=00:00:22:22:33:33
ML_RMAC=02:00:00:00:ee:01
ML_INJECT_PID=
VTEPCTL=$ML_BUILD/control/vtepctl
PKTGEN=$ML_BUILD/perf/pktgen/pktgen

ml_cleanup() {
	local pid p
	for pid in "${ML_PIDS[@]}" $ML_VTEPD_PID $ML_INJECT_PID; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${ML_PIDS[@]}" $ML_VTEPD_PID $ML_INJECT_PID; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	ip netns del "$ML_NS" 2>/dev/null || true
	for p in "${ML_PREFIXES[@]}"; do
		rm -rf "/var/run/dpdk/$p"
		rm -f /dev/hugepages/"$p"map_* 2>/dev/null
	done
	rm -f "$ML_SOCK_C" "$ML_SOCK_C2" "$ML_SOCK_U" "/run/vtepd/$ML_NAME.sock" "/run/vtepd/$ML_NAME.ports"
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
	ml_inject_stop
	[ -n "$ML_VTEPD_PID" ] || return 0
	kill -TERM "$ML_VTEPD_PID" 2>/dev/null || true
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
	if [ -n "${ML_ROUTED:-}" ]; then
		ml_setup_routed "$flood"
		return
	fi
	{ ml_conf_head; cat <<EOF; } > "$ML_TMP/leaf.yaml"
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

# ml_conf_head [VTEP-LINE]: the leaf config's vtep (plus VTEP-LINE), underlay and fastpath parts.
ml_conf_head() {
	printf 'vtep:\n  name: %s\n  source_ip: 10.0.0.1\n' "$ML_NAME"
	[ -z "${1:-}" ] || printf '%s\n' "$1"
	cat <<EOF
underlay:
  port: net_memif_ul,role=server,socket=$ML_SOCK_U,socket-abstract=no
  interface: ul0
  mtu: 9000
fastpath:
  lcore: 1
  mac_table_size: ${ML_MAC_TABLE:-1048576}
EOF
}

# ml_stat FIELD: a number from vtepctl -j show stats (a jq path, e.g. .fastpath.busy_cycles).
ml_stat() { "$VTEPCTL" -n "$ML_NAME" -j show stats | jq -r "$1"; }

# ml_setup_routed FLOOD: the L3 leaf's config (see the header); the BGP peer's address on lo.
# The VRF's IPv4 table holds ML_VRF_ROUTES (default 65536) routes.
ml_setup_routed() {
	ip -n "$ML_NS" addr add 10.0.0.9/32 dev lo
	{ ml_conf_head "  anycast_gateway_mac: $ML_GW_MAC"; cat <<EOF; } > "$ML_TMP/leaf.yaml"
vrfs:
  - {name: tenant, l3vni: 900001, router_mac: $ML_RMAC, max_ipv4_routes: ${ML_VRF_ROUTES:-65536}, max_ipv6_routes: 1024}
vnis:
  - vni: 100
    vrf: tenant
    gateway: 192.168.1.1/24
    flood: [$1]
    max_macs: 0
    static_macs: [{mac: $ML_MAC_REMOTE, vtep: 10.0.0.2}]   # the bridged frames beside the routed ones
  - vni: 200
    vrf: tenant
    gateway: 192.168.2.1/24
ports:
  - {name: m1, vni: 100, type: memif, socket: $ML_SOCK_C, mac: $ML_MAC_LOCAL, ip: 192.168.1.10/24, max_macs: 0}
  - {name: m2, vni: 200, type: memif, socket: $ML_SOCK_C2, mac: $ML_MAC_LOCAL2, ip: 192.168.2.10/24, max_macs: 0}
bgp:
  asn: 65001
  router_id: 10.0.0.1
  neighbors: [{address: 10.0.0.9, remote_as: 65009, passive: true}]
EOF
}

# ml_inject N: perf/bgp_inject announces N type-2 MAC+IP routes of symmetric IRB (hosts
# 10.0.0.1 and up, MACs 02:bf:..., VNI 100, L3 VNI 900001, router MAC 02:00:00:00:09:09)
# behind VTEP 10.0.0.2 to the running vtepd and holds the session until ml_inject_stop;
# returns once VRF tenant holds them all besides the routes it had.
ml_inject() {
	local n=$1 want got=0
	want=$(( $(ml_stat '[.vrfs[] | .routes_ipv4] | add') + n ))
	ip netns exec "$ML_NS" "$ML_BUILD/perf/bgp_inject" --peer 10.0.0.1 --local 10.0.0.9 --asn 65009 \
		--peer-asn 65001 --routes "$n" --nexthop 10.0.0.2 --kind macip --vni 100 --l3vni 900001 \
		--hold-for 3600 > "$ML_TMP/inject.out" 2> "$ML_TMP/inject.err" &
	ML_INJECT_PID=$!
	for _ in $(seq 1800); do
		got=$(ml_stat '[.vrfs[] | .routes_ipv4] | add')
		[ "$got" -ge "$want" ] && return 0
		kill -0 "$ML_INJECT_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "ml_inject: VRF tenant holds $got IPv4 routes of $want:" >&2
	tail -5 "$ML_TMP/inject.err" "$ML_TMP/vtepd.log" >&2
	return 1
}

ml_inject_stop() {
	[ -n "$ML_INJECT_PID" ] || return 0
	kill -TERM "$ML_INJECT_PID" 2>/dev/null || true
	wait "$ML_INJECT_PID" 2>/dev/null || true
	ML_INJECT_PID=
}
