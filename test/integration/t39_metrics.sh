#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vt-suite: once
# Prometheus metrics (issue 16): leaf 1 (VRF tenant with the anycast-gateway VNI 100, an iBGP
# EVPN session with GoBGP) serves /metrics on its underlay address (metrics.listen
# 10.0.0.1:9101), leaf 2 has no metrics key. After traffic between containers c1 and c2
# (VNI 100) has stopped, a scrape from another namespace: Content-Type text/plain 0.0.4,
# `promtool check metrics` clean, every family present (per port, VNI, VTEP, VRF, BGP peer,
# drops by reason with every reason of the fast path, fast-path cycles, build info), and the
# values equal `vtepctl -j show stats` (and show vteps, show bgp summary) taken right after.
# A real Prometheus server scrapes it once (target up, vtepd_build_info queried). Only GET
# /metrics: other paths 404, POST 405. Off by default: leaf 2 listens on no TCP port. A bad
# address is refused with FILE:LINE:COLUMN; an IPv6 listener ([::1]) answers.
source "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || vt_fail "curl is not installed"
command -v promtool >/dev/null || vt_fail "promtool is not installed (scripts/setup.sh installs prometheus)"

vt_fabric 4
C1=${VT_P}c1 C2=${VT_P}c2
vt_ns "$C1"
vt_ns "$C2"
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2 L4=${VT_P}-leaf4
G=${VT_P}l3
vt_gobgp "$G" 65535 10.0.0.3 10.0.0.1 65535

{ vt_conf_l3_base "$L1" 10.0.0.1; cat <<EOF; } > "$VT_TMP/leaf1.yaml"
    router_mac: auto
    rd: auto
    route_targets: {import: auto, export: auto}
    advertise: [10.9.0.0/16]
vnis:
  - vni: 100
    vrf: tenant
    flood: [10.0.0.2]
    gateway: 192.168.10.254/24
ports:
  - {name: c1, vni: 100, netns: $C1, ip: 192.168.10.1/24, mac: 02:00:00:00:01:01}
bgp:
  asn: 65535
  router_id: 10.0.0.1
  neighbors:
    - {address: 10.0.0.3, remote_as: 65535}
metrics:
  listen: 10.0.0.1:9101
EOF
{ vt_conf_base "$L2" 10.0.0.2; cat <<EOF; } > "$VT_TMP/leaf2.yaml"
vnis:
  - vni: 100
    flood: [10.0.0.1]
ports:
  - {name: c2, vni: 100, netns: $C2, ip: 192.168.10.2/24, mac: 02:00:00:00:02:01}
EOF
for i in 1 2; do
	"$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" >/dev/null ||
		vt_fail "leaf$i config invalid: $("$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" 2>&1)"
done

# ---- a bad address: refused where it is, FILE:LINE:COLUMN ----
for bad in 10.0.0.1:99999 10.0.0.1 "'[::1]9101'" host:9101 "'::1:9101'"; do
	sed "s|^  listen: 10.0.0.1:9101\$|  listen: $bad|" "$VT_TMP/leaf1.yaml" > "$VT_TMP/bad.yaml"
	out=$("$VTEPD" --check-config -c "$VT_TMP/bad.yaml" 2>&1) && vt_fail "metrics.listen $bad was accepted"
	line=$(grep -n '^  listen:' "$VT_TMP/bad.yaml" | cut -d: -f1)
	grep -q "bad.yaml:$line:11: metrics.listen: '.*' is not an address and port (expected A.B.C.D:PORT or \[IPv6\]:PORT" <<<"$out" ||
		vt_fail "metrics.listen $bad: wrong message: $out"
done
vt_pass "a bad metrics.listen is refused with FILE:LINE:COLUMN ($out)"

vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
eval "PID2=\$VT_PID_${VT_P}_leaf2"

# ---- off by default: leaf 2 (no metrics key) listens on no TCP port ----
listening=$(ip netns exec "${VT_P}l2" ss -Htlnp)
[ -z "$listening" ] || vt_fail "leaf 2 has no metrics key but something listens in its namespace: $listening"
ip netns exec "${VT_P}l3" curl -s -o /dev/null --max-time 3 http://10.0.0.2:9101/metrics &&
	vt_fail "leaf 2 answered on 10.0.0.2:9101 without a metrics key"
vt_pass "metrics are off by default: leaf 2 (pid $PID2) listens on no TCP port"

vt_bgp_established "$L1" "session with GoBGP" "$VT_TMP/gobgpd.log"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show vteps | jq '[.vteps[] | select(.resolved)] | length')\" -ge 1 ]" ||
	vt_fail "leaf 1 did not resolve leaf 2: $(vt_ctl "$L1" show vteps)"
vt_wait_for 10 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show bgp summary | jq '.neighbors[0].routes_sent')\" -ge 1 ]" ||
	vt_fail "leaf 1 announced nothing to GoBGP: $(vt_ctl "$L1" show bgp summary)"

# ---- traffic: containers c1 <-> c2 across the tunnel, a flood, the gateway, then quiet ----
vt_ping "$C1" 192.168.10.2 5 || vt_fail "c1 -> c2 (VNI 100) no reply"
vt_ping "$C2" 192.168.10.1 5 || vt_fail "c2 -> c1 (VNI 100) no reply"
vt_ping "$C1" 192.168.10.254 3 || vt_fail "c1 -> its gateway no reply"
ip netns exec "$C1" arping -c 3 -w 4 -I eth0 192.168.10.99 >/dev/null 2>&1 || true
ip -n "$C1" route add default via 192.168.10.254
ip netns exec "$C1" ping -c 3 -i 0.2 -W 1 10.9.9.9 >/dev/null 2>&1 || true   # routed: no route
sleep 1

scrape() {   # NS URL [curl args]: the body; headers into $VT_TMP/headers
	ip netns exec "$1" curl -sS --max-time 10 -D "$VT_TMP/headers" "${@:3}" "$2"
}
M=$VT_TMP/metrics.txt
scrape "${VT_P}l3" http://10.0.0.1:9101/metrics > "$M" || vt_fail "no answer on 10.0.0.1:9101/metrics"
S=$(vt_ctl "$L1" -j show stats)
V=$(vt_ctl "$L1" -j show vteps)
B=$(vt_ctl "$L1" -j show bgp summary)
N=$(vt_ctl "$L1" -j show vnis)
grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$VT_TMP/headers" ||
	vt_fail "Content-Type: $(grep -i content-type "$VT_TMP/headers")"
grep -q '^HTTP/1.1 200' "$VT_TMP/headers" || vt_fail "status: $(head -1 "$VT_TMP/headers")"
vt_log "scrape: $(wc -l < "$M") lines, $(grep -c '^# TYPE' "$M") families"

# ---- promtool: the format is clean ----
lint=$(promtool check metrics < "$M" 2>&1) || vt_fail "promtool check metrics: $lint"
[ -z "$lint" ] || vt_fail "promtool check metrics complains: $lint"
vt_pass "promtool check metrics: clean"

# ---- every family present ----
for f in vtepd_build_info \
	vtepd_port_rx_packets_total vtepd_port_rx_bytes_total vtepd_port_tx_packets_total vtepd_port_tx_bytes_total \
	vtepd_port_drops_total vtepd_port_learn_refused_total vtepd_port_learn_limit_total vtepd_port_macs \
	vtepd_drops_total \
	vtepd_vni_encap_packets_total vtepd_vni_encap_bytes_total vtepd_vni_decap_packets_total vtepd_vni_decap_bytes_total \
	vtepd_vni_flooded_packets_total vtepd_vni_local_packets_total vtepd_vni_arp_suppressed_total \
	vtepd_vni_gateway_arp_replies_total vtepd_vni_gateway_echo_replies_total vtepd_vni_to_gateway_unrouted_total \
	vtepd_vni_macs vtepd_vni_unknown_vtep_drops_total vtepd_vni_learn_limit_total \
	vtepd_vtep_tx_packets_total vtepd_vtep_tx_bytes_total vtepd_vtep_rx_packets_total vtepd_vtep_rx_bytes_total \
	vtepd_vtep_unresolved_drops_total vtepd_vtep_resolved \
	vtepd_vrf_routed_packets_total vtepd_vrf_no_route_total vtepd_vrf_ttl_expired_total vtepd_vrf_glean_sent_total \
	vtepd_vrf_routes vtepd_vrf_route_capacity vtepd_vrf_routes_refused_full_total vtepd_vrf_host_routes_refused_total \
	vtepd_bgp_peer_state vtepd_bgp_peer_up vtepd_bgp_peer_uptime_seconds vtepd_bgp_peer_established_total \
	vtepd_bgp_peer_messages_received_total vtepd_bgp_peer_messages_sent_total \
	vtepd_bgp_peer_updates_received_total vtepd_bgp_peer_updates_sent_total \
	vtepd_bgp_peer_prefixes_received vtepd_bgp_peer_prefixes_accepted vtepd_bgp_peer_prefixes_sent \
	vtepd_bgp_unknown_connections_total \
	vtepd_fastpath_loops_total vtepd_fastpath_idle_sleeps_total vtepd_fastpath_busy_cycles_total \
	vtepd_fastpath_busy_packets_total vtepd_fastpath_io_cycles_total vtepd_mbufs_free vtepd_mbufs_capacity \
	vtepd_mtu_fragmented_packets_total vtepd_reasm_fragments_total \
	vtepd_fdb_entries vtepd_fdb_learned_total vtepd_fdb_move_refused_total vtepd_fdb_learn_limit_total \
	vtepd_learn_events_total vtepd_snapshots_published_total vtepd_underlay_xdp_packets_total \
	vtepd_metrics_scrapes_total; do
	grep -q "^# TYPE $f " "$M" || vt_fail "family $f missing"
	grep -q "^${f}[{ ]" "$M" || vt_fail "family $f has no sample"
done
grep -q '^vtepd_build_info{version="[0-9.]*"} 1$' "$M" || vt_fail "build info: $(grep '^vtepd_build_info' "$M")"
# every drop reason of the fast path, zeros included: the reasons show stats -j lists
# (and the two of vtepd's own AF_XDP port, xsk_rx_no_mbuf and xsk_rx_too_long, which a port without it lacks)
json_reasons=$(jq -r '[.ports[].drops | keys[]] | unique[]' <<<"$S")
[ "$(wc -l <<<"$json_reasons")" -ge 38 ] || vt_fail "show stats lists only $(wc -l <<<"$json_reasons") drop reasons"
for r in $json_reasons xsk_rx_no_mbuf xsk_rx_too_long; do
	grep -q "^vtepd_drops_total{reason=\"$r\"} [0-9]*$" "$M" || vt_fail "vtepd_drops_total{reason=\"$r\"} missing"
done
reasons=$(sed -n 's/^vtepd_drops_total{reason="\([a-z0-9_]*\)"} [0-9]*$/\1/p' "$M")
[ "$(wc -l <<<"$reasons")" = "$(sort -u <<<"$json_reasons"$'\n'xsk_rx_no_mbuf$'\n'xsk_rx_too_long | wc -l)" ] ||
	vt_fail "vtepd_drops_total has reasons show stats has not: $(grep '^vtepd_drops_total' "$M")"
vt_pass "every family present, every drop reason ($(wc -l <<<"$reasons")) a series"

# ---- the values are show stats' ----
val() {   # METRIC LABELS: the sample's value ("" when none)
	grep -F "$1{$2} " "$M" | awk '{print $NF}'
}
eq() {   # WHAT METRIC-VALUE JSON-VALUE
	if [ -z "$2" ] || [ "$2" != "$3" ]; then vt_fail "$1: /metrics says '$2', vtepctl says '$3'"; fi
}
checked=0
while read -r port vni rx tx rxb txb; do
	lab="port=\"$port\""
	[ "$vni" = - ] || lab="$lab,vni=\"$vni\""
	eq "$port rx_packets" "$(val vtepd_port_rx_packets_total "$lab")" "$rx"
	eq "$port tx_packets" "$(val vtepd_port_tx_packets_total "$lab")" "$tx"
	eq "$port rx_bytes" "$(val vtepd_port_rx_bytes_total "$lab")" "$rxb"
	eq "$port tx_bytes" "$(val vtepd_port_tx_bytes_total "$lab")" "$txb"
	checked=$((checked + 4))
done < <(jq -r --argjson p "$(vt_ctl "$L1" -j show ports)" \
	'.ports[] | . as $s | "\(.port) \([$p.ports[] | select(.name == $s.port) | .vni][0] // "-") \(.rx_pkts) \(.tx_pkts) \(.rx_bytes) \(.tx_bytes)"' <<<"$S")
c1rx=$(val vtepd_port_rx_packets_total 'port="c1",vni="100"')
[ "${c1rx:-0}" -ge 10 ] || vt_fail "c1's rx_packets is ${c1rx:-none} after the traffic"
for r in $reasons; do
	eq "drops $r" "$(val vtepd_drops_total "reason=\"$r\"")" "$(jq --arg r "$r" '[.ports[].drops[$r] // 0] | add' <<<"$S")"
	checked=$((checked + 1))
done
[ "$(val vtepd_drops_total 'reason="no_route"')" -ge 3 ] || vt_fail "no_route drops: $(val vtepd_drops_total 'reason="no_route"')"
while read -r vni enc dec fl arp echo; do
	eq "vni $vni encap" "$(val vtepd_vni_encap_packets_total "vni=\"$vni\"")" "$enc"
	eq "vni $vni decap" "$(val vtepd_vni_decap_packets_total "vni=\"$vni\"")" "$dec"
	eq "vni $vni flooded" "$(val vtepd_vni_flooded_packets_total "vni=\"$vni\"")" "$fl"
	eq "vni $vni arp replies" "$(val vtepd_vni_gateway_arp_replies_total "vni=\"$vni\"")" "$arp"
	eq "vni $vni echo replies" "$(val vtepd_vni_gateway_echo_replies_total "vni=\"$vni\"")" "$echo"
	checked=$((checked + 5))
done < <(jq -r '.vnis[] | "\(.vni) \(.encap_pkts) \(.decap_pkts) \(.flooded) \(.gw_arp_replies) \(.gw_echo_replies)"' <<<"$S")
[ "$(val vtepd_vni_encap_packets_total 'vni="100"')" -ge 10 ] || vt_fail "VNI 100 encapsulated nothing"
[ "$(val vtepd_vni_gateway_echo_replies_total 'vni="100"')" -ge 3 ] || vt_fail "the gateway answered no echo"
eq "vni 100 macs" "$(val vtepd_vni_macs 'vni="100"')" "$(jq '.vnis[] | select(.vni == 100) | .macs' <<<"$N")"
while read -r vtep tx rx; do
	eq "vtep $vtep tx" "$(val vtepd_vtep_tx_packets_total "vtep=\"$vtep\"")" "$tx"
	eq "vtep $vtep rx" "$(val vtepd_vtep_rx_packets_total "vtep=\"$vtep\"")" "$rx"
	checked=$((checked + 2))
done < <(jq -r '.vteps[] | "\(.vtep) \(.tx_pkts) \(.rx_pkts)"' <<<"$V")
[ "$(val vtepd_vtep_rx_packets_total 'vtep="10.0.0.2"')" -ge 5 ] || vt_fail "nothing from VTEP 10.0.0.2"
while read -r vrf routed noroute v4; do
	eq "vrf $vrf routed" "$(val vtepd_vrf_routed_packets_total "vrf=\"$vrf\"")" "$routed"
	eq "vrf $vrf no_route" "$(val vtepd_vrf_no_route_total "vrf=\"$vrf\"")" "$noroute"
	eq "vrf $vrf ipv4 routes" "$(val vtepd_vrf_routes "vrf=\"$vrf\",family=\"ipv4\"")" "$v4"
	checked=$((checked + 3))
done < <(jq -r '.vrfs[] | "\(.vrf) \(.routed) \(.no_route) \(.routes_ipv4)"' <<<"$S")
[ "$(val vtepd_vrf_no_route_total 'vrf="tenant"')" -ge 3 ] || vt_fail "VRF tenant counted no no_route drops"
eq "busy cycles" "$(awk '$1 == "vtepd_fastpath_busy_cycles_total" {print $2}' "$M")" "$(jq .fastpath.busy_cycles <<<"$S")"
eq "busy packets" "$(awk '$1 == "vtepd_fastpath_busy_packets_total" {print $2}' "$M")" "$(jq .fastpath.busy_pkts <<<"$S")"
eq "io cycles" "$(awk '$1 == "vtepd_fastpath_io_cycles_total" {print $2}' "$M")" "$(jq .fastpath.io_cycles <<<"$S")"
eq "fdb entries" "$(awk '$1 == "vtepd_fdb_entries" {print $2}' "$M")" "$(jq .fdb.entries <<<"$S")"
eq "fdb learned" "$(awk '$1 == "vtepd_fdb_learned_total" {print $2}' "$M")" "$(jq .fdb.learned <<<"$S")"
checked=$((checked + 5))
while read -r peer state upd_in upd_out rcv acc sent; do
	eq "peer $peer up" "$(val vtepd_bgp_peer_up "peer=\"$peer\"")" "$([ "$state" = Established ] && echo 1 || echo 0)"
	eq "peer $peer state" "$(val vtepd_bgp_peer_state "peer=\"$peer\",state=\"$state\"")" 1
	[ "$(grep -c "^vtepd_bgp_peer_state{peer=\"$peer\",state=\"[A-Za-z]*\"} 0$" "$M")" = 5 ] ||
		vt_fail "peer $peer: the other states are not 0: $(grep "^vtepd_bgp_peer_state" "$M")"
	eq "peer $peer updates in" "$(val vtepd_bgp_peer_updates_received_total "peer=\"$peer\"")" "$upd_in"
	eq "peer $peer updates out" "$(val vtepd_bgp_peer_updates_sent_total "peer=\"$peer\"")" "$upd_out"
	eq "peer $peer prefixes received" "$(val vtepd_bgp_peer_prefixes_received "peer=\"$peer\"")" "$rcv"
	eq "peer $peer prefixes accepted" "$(val vtepd_bgp_peer_prefixes_accepted "peer=\"$peer\"")" "$acc"
	eq "peer $peer prefixes sent" "$(val vtepd_bgp_peer_prefixes_sent "peer=\"$peer\"")" "$sent"
	checked=$((checked + 7))
done < <(jq -r '.neighbors[] | "\(.neighbor) \(.state) \(.updates_in) \(.updates_out) \(.routes_received) \(.routes_accepted) \(.routes_sent)"' <<<"$B")
[ "$(val vtepd_bgp_peer_up 'peer="10.0.0.3"')" = 1 ] || vt_fail "peer 10.0.0.3 not up in /metrics"
vt_pass "$checked values equal vtepctl -j show stats / vteps / vnis / bgp summary"

# ---- only GET /metrics ----
code=$(ip netns exec "${VT_P}l3" curl -s -o /dev/null -w '%{http_code}' http://10.0.0.1:9101/)
[ "$code" = 404 ] || vt_fail "GET / answered $code, expected 404"
code=$(ip netns exec "${VT_P}l3" curl -s -o /dev/null -w '%{http_code}' -X POST -d x=1 http://10.0.0.1:9101/metrics)
[ "$code" = 405 ] || vt_fail "POST /metrics answered $code, expected 405"
vt_pass "other paths 404, other methods 405"

# ---- a real Prometheus server scrapes it ----
if command -v prometheus >/dev/null; then
	cat > "$VT_TMP/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: vtepd
    static_configs: [{targets: ["10.0.0.1:9101"]}]
EOF
	promtool check config "$VT_TMP/prometheus.yml" >/dev/null || vt_fail "our prometheus.yml: $(promtool check config "$VT_TMP/prometheus.yml" 2>&1)"
	ip netns exec "${VT_P}l3" prometheus --config.file="$VT_TMP/prometheus.yml" --storage.tsdb.path="$VT_TMP/tsdb" \
		--web.listen-address=127.0.0.1:9090 > "$VT_TMP/prometheus.log" 2>&1 &
	VT_PIDS+=("$!")
	q() { ip netns exec "${VT_P}l3" curl -s --max-time 2 "http://127.0.0.1:9090/api/v1/$1"; }
	vt_wait_for 30 bash -c "$(declare -f q); VT_P=$VT_P; q 'query?query=vtepd_build_info' | jq -e '.data.result[0].value[1] == \"1\"' >/dev/null" ||
		vt_fail "Prometheus did not scrape vtepd: $(q targets | jq -c '.data.activeTargets[0] | {health, lastError}'); $(tail -3 "$VT_TMP/prometheus.log")"
	health=$(q targets | jq -r '.data.activeTargets[0].health')
	[ "$health" = up ] || vt_fail "Prometheus's target health: $health"
	n=$(q 'query?query=count(vtepd_drops_total)' | jq -r '.data.result[0].value[1]')
	[ "$n" = "$(wc -l <<<"$reasons")" ] || vt_fail "Prometheus has $n drop reasons, expected $(wc -l <<<"$reasons")"
	vt_pass "a Prometheus server scrapes it: target up, vtepd_build_info 1, $n drop reasons"
fi

# ---- IPv6: a listener on [::1] ----
ip netns exec "${VT_P}l4" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
{ vt_conf_base "$L4" 10.0.0.4; printf 'metrics:\n  listen: "[::1]:9104"\n'; } > "$VT_TMP/leaf4.yaml"
vt_vtepd "${VT_P}l4" "$L4" "$VT_TMP/leaf4.yaml"
scrape "${VT_P}l4" 'http://[::1]:9104/metrics' -g > "$VT_TMP/m4.txt" || vt_fail "no answer on [::1]:9104"
promtool check metrics < "$VT_TMP/m4.txt" || vt_fail "promtool on leaf 4's scrape"
grep -q '^vtepd_port_rx_packets_total{port="ul0"} 0$' "$VT_TMP/m4.txt" ||
	vt_fail "leaf 4: $(grep '^vtepd_port_rx' "$VT_TMP/m4.txt")"
ip netns exec "${VT_P}l4" ss -Htln | grep -q '\[::1\]:9104' || vt_fail "leaf 4 not on [::1]:9104: $(ip netns exec "${VT_P}l4" ss -Htln)"
vt_pass "an IPv6 listener [::1]:9104 serves the same format"
