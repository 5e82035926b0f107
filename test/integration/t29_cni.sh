#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vtepd-cni (issue 15), driven as a runtime drives it: the spec's CNI_* variables and the network
# config on stdin, with Debian's host-local as IPAM (its leases under $VT_TMP). Two leaves on one
# underlay bridge; leaf 1 is an L3 leaf (VRF tenant; VNI 100: gateway 192.168.10.1/24, VNI 300:
# 192.168.30.1/24 and 2001:db8:30::1/64), leaf 2 is L2 only (VNIs 100, 200). Asserted: VERSION;
# ADD gives the spec's result (interfaces with sandbox, ips, routes: the anycast gateway as
# default route) and vtepd has the port with the container's MAC and address; CHECK passes, and
# fails (code 103) on a prevResult whose address or route differs, on another VNI, or for a
# container vtepd does not know; containers ADDed on both leaves in VNI 100 ping each other (one
# through /proc/PID/ns/net); a container in VNI 200 does not reach VNI 100; a container in
# 192.168.30.0/24 reaches VNI 100 through the anycast gateway (with an IPv6 address and default
# route too, which the plugin sets, and CHECK passes); an ADD vtepd refuses (unknown VNI) fails
# with code 100, one whose route fails after the attach with 102, and neither leaves a port, a
# lease or a veth; the MAC and address a runtime asks for (CNI_ARGS MAC= and IP=, as podman 4.3
# passes them; runtimeConfig.ips) are the container's, an address IPAM refuses or did not give
# fails (101) and leaves nothing; DEL removes the port, the veth and the lease; DEL again, DEL
# without CNI_NETNS and DEL of an unknown container succeed; with vtepd stopped ADD fails with
# code 11 naming the socket, and leaves no lease and no interface; DEL then releases the lease
# and fails with 11 (the runtime retries).
# As one command: VT_BUILD=$PWD/build bash test/integration/t29_cni.sh
# vt-suite: once
source "$(dirname "$0")/lib.sh"
CNI=$VT_BUILD/cni/vtepd-cni
[ -x "$CNI" ] || vt_fail "$CNI is not built"
[ -x /usr/lib/cni/host-local ] || vt_fail "host-local is not installed (containernetworking-plugins; scripts/setup.sh installs it)"

vt_fabric 2
for c in a1 b2 c2 r1 x1 s2; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
{ vt_conf_l3_base "$L1" 10.0.0.1; cat <<EOF; } > "$VT_TMP/leaf1.yaml"
vnis:
  - vni: 100
    vrf: tenant
    gateway: 192.168.10.1/24
    flood: [10.0.0.2]
  - vni: 300
    vrf: tenant
    gateway: [192.168.30.1/24, '2001:db8:30::1/64']
EOF
{ vt_conf_base "$L2" 10.0.0.2; cat <<EOF; } > "$VT_TMP/leaf2.yaml"
vnis:
  - vni: 100
    flood: [10.0.0.1]
  - vni: 200
EOF
for i in 1 2; do
	"$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" >/dev/null ||
		vt_fail "config invalid: $("$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" 2>&1)"
done
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"

# conf LEAF NETWORK VNI SUBNET FIRST LAST [DATADIR]: a network config as a runtime passes it
conf() {
	jq -nc --arg inst "$1" --arg net "$2" --argjson vni "$3" --arg sub "$4" --arg s "$5" --arg e "$6" \
		--arg dir "${7:-$VT_TMP/ipam-$1}" \
		'{cniVersion: "1.0.0", name: $net, type: "vtepd-cni", vtepd: $inst, vni: $vni, mtu: 1400,
		  ipam: {type: "host-local", dataDir: $dir,
			 ranges: [[{subnet: $sub, rangeStart: $s, rangeEnd: $e}]]}}'
}
# cni VAR COMMAND CONTAINERID NETNS-PATH CONF: the plugin's stdout into VAR, its status in $CNI_RC
cni() {
	local -n _out=$1
	_out=$(printf '%s' "$5" | CNI_COMMAND=$2 CNI_CONTAINERID=$3 CNI_NETNS=$4 CNI_IFNAME=eth0 \
		CNI_PATH="$VT_BUILD/cni:/usr/lib/cni" "$CNI" 2>>"$VT_TMP/cni.log")   # *.log: checked for sanitizer reports
	CNI_RC=$?
}
leases() { ls "$1" 2>/dev/null | grep -c '^[0-9]' || true; }
port_of() { jq -r '.interfaces[0].name' <<<"$1"; }
ports() { vt_ctl "$1" -j show ports | jq -r '.ports[].name'; }

out=$(CNI_COMMAND=VERSION "$CNI" </dev/null)
jq -e '.supportedVersions | index("1.0.0") != null' <<<"$out" >/dev/null || vt_fail "VERSION: $out"

# ADD on leaf 1, VNI 100: the result, vtepd's port, the container's interface and routes
C100_1=$(conf "$L1" vtep100 100 192.168.10.0/24 192.168.10.10 192.168.10.49)
cni A ADD ctr-a1 "/run/netns/${VT_P}a1" "$C100_1"
[ "$CNI_RC" = 0 ] || vt_fail "ADD a1 failed ($CNI_RC): $A $(tail -5 "$VT_TMP/cni.log")"
jq -e --arg ns "/run/netns/${VT_P}a1" '.cniVersion == "1.0.0" and (.interfaces | length) == 2 and
	.interfaces[1].name == "eth0" and .interfaces[1].sandbox == $ns and
	.ips[0].address == "192.168.10.10/24" and .ips[0].interface == 1 and
	.routes == [{dst: "0.0.0.0/0", gw: "192.168.10.1"}]' <<<"$A" >/dev/null || vt_fail "ADD a1: unexpected result: $A"
PA=$(port_of "$A")
MAC_A=$(jq -r '.interfaces[1].mac' <<<"$A")
[ "${#PA}" -le 15 ] || vt_fail "port name $PA is longer than 15 characters"
vt_ctl "$L1" -j show ports | jq -e --arg p "$PA" --arg m "$MAC_A" \
	'.ports[] | select(.name == $p) | .vni == 100 and .ip == "192.168.10.10/24" and .mac == $m and .mtu == 1400' \
	>/dev/null || vt_fail "vtepd's port $PA is not as asked: $(vt_ctl "$L1" show ports)"
ip -n "${VT_P}a1" -j addr show eth0 | jq -e --arg m "$MAC_A" \
	'.[0].address == $m and .[0].mtu == 1400 and any(.[0].addr_info[]; .local == "192.168.10.10" and .prefixlen == 24)' \
	>/dev/null || vt_fail "eth0 in a1: $(ip -n "${VT_P}a1" addr show eth0)"
ip -n "${VT_P}a1" route show default | grep -q "via 192.168.10.1 dev eth0" ||
	vt_fail "a1 has no default route via the anycast gateway: $(ip -n "${VT_P}a1" route)"
[ "$(leases "$VT_TMP/ipam-$L1/vtep100")" = 1 ] || vt_fail "host-local holds no lease for a1"
vt_pass "ADD: result with interfaces, sandbox, ips and the anycast gateway route; vtepd's port $PA as asked"

# CHECK
cni chk CHECK ctr-a1 "/run/netns/${VT_P}a1" "$(jq -c --argjson p "$A" '. + {prevResult: $p}' <<<"$C100_1")"
[ "$CNI_RC" = 0 ] || vt_fail "CHECK a1 failed: $chk"
bad=$(jq -c '.ips[0].address = "192.168.10.11/24"' <<<"$A")
cni chk CHECK ctr-a1 "/run/netns/${VT_P}a1" "$(jq -c --argjson p "$bad" '. + {prevResult: $p}' <<<"$C100_1")"
[ "$CNI_RC" = 1 ] && jq -e '.code == 103 and (.msg | contains("192.168.10.11/24"))' <<<"$chk" >/dev/null ||
	vt_fail "CHECK with another address passed or gave the wrong error: $chk"
bad=$(jq -c '.routes[0].gw = "192.168.10.99"' <<<"$A")
cni chk CHECK ctr-a1 "/run/netns/${VT_P}a1" "$(jq -c --argjson p "$bad" '. + {prevResult: $p}' <<<"$C100_1")"
[ "$CNI_RC" = 1 ] && jq -e '.code == 103 and (.msg | contains("0.0.0.0/0 via 192.168.10.99"))' <<<"$chk" >/dev/null ||
	vt_fail "CHECK with another default route passed or gave the wrong error: $chk"
cni chk CHECK ctr-a1 "/run/netns/${VT_P}a1" "$(jq -c --argjson p "$A" '. + {vni: 200, prevResult: $p}' <<<"$C100_1")"
[ "$CNI_RC" = 1 ] && jq -e '.code == 103 and (.msg | contains("VNI 100, not 200"))' <<<"$chk" >/dev/null ||
	vt_fail "CHECK with another VNI passed or gave the wrong error: $chk"
cni chk CHECK ctr-nobody "/run/netns/${VT_P}a1" "$(jq -c --argjson p "$A" '. + {prevResult: $p}' <<<"$C100_1")"
[ "$CNI_RC" = 1 ] && jq -e '.code == 103' <<<"$chk" >/dev/null || vt_fail "CHECK of an unknown container: $chk"
cni chk CHECK ctr-a1 "/run/netns/${VT_P}a1" "$C100_1"
[ "$CNI_RC" = 1 ] && jq -e '.code == 7 and (.msg | contains("prevResult"))' <<<"$chk" >/dev/null ||
	vt_fail "CHECK without prevResult: $chk"
vt_pass "CHECK: passes on ADD's result, fails (103) on another address, route or VNI or an unknown container"

# ADD on leaf 2 (a container given by /proc/PID/ns/net) in VNI 100: ping across the leaves
ip netns exec "${VT_P}b2" sleep 600 &
SPID=$!
VT_PIDS+=("$SPID")
C100_2=$(conf "$L2" vtep100 100 192.168.10.0/24 192.168.10.50 192.168.10.99)
cni B ADD ctr-b2 "/proc/$SPID/ns/net" "$C100_2"
[ "$CNI_RC" = 0 ] || vt_fail "ADD b2 (/proc/$SPID/ns/net) failed: $B"
jq -e '.ips[0].address == "192.168.10.50/24"' <<<"$B" >/dev/null || vt_fail "ADD b2: $B"
vt_ping "${VT_P}a1" 192.168.10.50 || vt_fail "a1 (leaf 1) cannot ping b2 (leaf 2) in VNI 100"
vt_ping "${VT_P}b2" 192.168.10.10 || vt_fail "b2 (leaf 2) cannot ping a1 (leaf 1) in VNI 100"
vt_pass "two containers ADDed on two leaves in VNI 100 ping each other (one by /proc/PID/ns/net)"

# VNI 200 on leaf 2, the same subnet: isolated from VNI 100
C200=$(conf "$L2" vtep200 200 192.168.10.0/24 192.168.10.200 192.168.10.210)
cni X ADD ctr-c2 "/run/netns/${VT_P}c2" "$C200"
[ "$CNI_RC" = 0 ] || vt_fail "ADD c2 failed: $X"
jq -e '.routes == []' <<<"$X" >/dev/null || vt_fail "c2's VNI has no gateway, yet routes were given: $X"
! vt_ping "${VT_P}c2" 192.168.10.10 1 && ! vt_ping "${VT_P}c2" 192.168.10.50 1 ||
	vt_fail "c2 in VNI 200 reaches VNI 100"
vt_pass "a container in VNI 200 does not reach VNI 100"

# another subnet, VNI 300 on leaf 1, IPv4 and IPv6 (the plugin sets the IPv6 address and both
# default routes): routed to VNI 100 through the anycast gateway, which answers on IPv6 too
ip netns exec "${VT_P}r1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
	net.ipv6.conf.default.accept_dad=0
C300=$(conf "$L1" vtep300 300 192.168.30.0/24 192.168.30.10 192.168.30.20 |
	jq -c '.ipam.ranges += [[{subnet: "2001:db8:30::/64", rangeStart: "2001:db8:30::10", rangeEnd: "2001:db8:30::20"}]]')
cni R ADD ctr-r1 "/run/netns/${VT_P}r1" "$C300"
[ "$CNI_RC" = 0 ] || vt_fail "ADD r1 failed: $R"
jq -e '([.ips[].address] == ["192.168.30.10/24", "2001:db8:30::10/64"]) and
	.routes == [{dst: "0.0.0.0/0", gw: "192.168.30.1"}, {dst: "::/0", gw: "2001:db8:30::1"}]' <<<"$R" >/dev/null ||
	vt_fail "ADD r1: $R"
ip -n "${VT_P}r1" -6 addr show dev eth0 | grep -q "inet6 2001:db8:30::10/64" ||
	vt_fail "r1 lacks its IPv6 address: $(ip -n "${VT_P}r1" addr show eth0)"
ip -n "${VT_P}r1" -6 route show default | grep -q "via 2001:db8:30::1 dev eth0" ||
	vt_fail "r1 has no IPv6 default route via the anycast gateway: $(ip -n "${VT_P}r1" -6 route)"
cni chk CHECK ctr-r1 "/run/netns/${VT_P}r1" "$(jq -c --argjson p "$R" '. + {prevResult: $p}' <<<"$C300")"
[ "$CNI_RC" = 0 ] || vt_fail "CHECK r1 (IPv4 and IPv6) failed: $chk"
vt_ping "${VT_P}r1" 192.168.10.10 || vt_fail "r1 (192.168.30.0/24) cannot reach a1 through the anycast gateway"
vt_wait_for 5 ip netns exec "${VT_P}r1" ping -6 -c 1 -W 1 2001:db8:30::1 >/dev/null 2>&1 ||
	vt_fail "r1 cannot ping its IPv6 anycast gateway 2001:db8:30::1"
vt_pass "a container in 192.168.30.0/24 reaches VNI 100 through the anycast gateway; its IPv6 address and route work"

# vtepd refuses (VNI 999 is not configured): code 100, and the lease is released
C999=$(conf "$L1" vtep999 999 192.168.99.0/24 192.168.99.10 192.168.99.20)
cni out ADD ctr-x1 "/run/netns/${VT_P}x1" "$C999"
[ "$CNI_RC" = 1 ] && jq -e '.code == 100 and (.msg | contains("999"))' <<<"$out" >/dev/null ||
	vt_fail "ADD into an unknown VNI: $out"
[ "$(leases "$VT_TMP/ipam-$L1/vtep999")" = 0 ] || vt_fail "the refused ADD left a lease behind"
ip -n "${VT_P}x1" link show eth0 >/dev/null 2>&1 && vt_fail "the refused ADD left eth0 in x1"
# attached, then a route the container cannot have (its gateway is off-link): code 102, and the
# port, the veth and the lease are gone again
CBAD=$(conf "$L1" vtep100 100 192.168.10.0/24 192.168.10.10 192.168.10.49 |
	jq -c '.ipam.routes = [{dst: "10.99.0.0/16", gw: "172.16.0.1"}]')
before=$(ports "$L1" | sort)
cni out ADD ctr-x1 "/run/netns/${VT_P}x1" "$CBAD"
[ "$CNI_RC" = 1 ] && jq -e '.code == 102 and (.msg | contains("10.99.0.0/16"))' <<<"$out" >/dev/null ||
	vt_fail "ADD with an unreachable route: $out"
[ "$(ports "$L1" | sort)" = "$before" ] || vt_fail "the failed ADD left a port at vtepd: $(vt_ctl "$L1" show ports)"
[ "$(leases "$VT_TMP/ipam-$L1/vtep100")" = 1 ] || vt_fail "the failed ADD left a lease behind (a1's only)"
ip -n "${VT_P}x1" link show eth0 >/dev/null 2>&1 && vt_fail "the failed ADD left eth0 in x1"
vt_pass "an ADD vtepd refuses (100) or whose routes fail (102) leaves no port, no lease and no interface"

# The runtime's MAC and address: CNI_ARGS MAC= and IP= (how podman 4.3 passes --mac-address and
# --ip), runtimeConfig.ips and .mac without IPAM; an address host-local refuses, or one an IPAM
# plugin did not give (101), fails and leaves nothing behind
XNS=/run/netns/${VT_P}x1
no_trace() {   # WHAT: no port but a1's at leaf 1, a1's lease only, no eth0 in x1
	[ "$(ports "$L1" | sort)" = "$before" ] || vt_fail "$1 left a port at vtepd: $(vt_ctl "$L1" show ports)"
	[ "$(leases "$VT_TMP/ipam-$L1/vtep100")" = 1 ] || vt_fail "$1 left a lease behind"
	! ip -n "${VT_P}x1" link show eth0 >/dev/null 2>&1 || vt_fail "$1 left eth0 in x1"
}
port_has() { vt_ctl "$L1" -j show ports | jq -e --arg m "$1" --arg ip "$2" '[.ports[] | select(.mac == $m and .ip == $ip)] | length == 1' >/dev/null; }
CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=x1;MAC=02:00:5e:00:00:42;IP=192.168.10.42" cni out ADD ctr-x1 "$XNS" "$C100_1"
[ "$CNI_RC" = 0 ] && jq -e '.ips[0].address == "192.168.10.42/24" and .interfaces[1].mac == "02:00:5e:00:00:42"' \
	<<<"$out" >/dev/null || vt_fail "ADD with CNI_ARGS MAC= and IP=: $out"
port_has 02:00:5e:00:00:42 192.168.10.42/24 || vt_fail "vtepd's port for CNI_ARGS MAC= IP=: $(vt_ctl "$L1" show ports)"
ip -n "${VT_P}x1" link show eth0 | grep -q "link/ether 02:00:5e:00:00:42" || vt_fail "eth0 in x1 lacks the MAC asked for"
cni out DEL ctr-x1 "$XNS" "$C100_1"
[ "$CNI_RC" = 0 ] || vt_fail "DEL x1 failed: $out"
no_trace "DEL of x1"
CNI_ARGS="IgnoreUnknown=1;IP=192.168.10.77" cni out ADD ctr-x1 "$XNS" "$C100_1"   # outside the range
[ "$CNI_RC" = 1 ] && jq -e '.msg | contains("192.168.10.77")' <<<"$out" >/dev/null ||
	vt_fail "ADD of an address outside host-local's range: $out"
no_trace "the refused CNI_ARGS IP="
mkdir -p "$VT_TMP/ipam-bin"   # an IPAM plugin that ignores what is asked: always 192.168.10.45
printf '#!/bin/sh\ncat >/dev/null\n[ "$CNI_COMMAND" = ADD ] && echo %s\nexit 0\n' \
	"'{\"cniVersion\": \"1.0.0\", \"ips\": [{\"address\": \"192.168.10.45/24\"}]}'" > "$VT_TMP/ipam-bin/fixed-ipam"
chmod +x "$VT_TMP/ipam-bin/fixed-ipam"
out=$(jq -c '.ipam = {type: "fixed-ipam"}' <<<"$C100_1" | CNI_ARGS="IP=192.168.10.46" CNI_COMMAND=ADD \
	CNI_CONTAINERID=ctr-x1 CNI_NETNS="$XNS" CNI_IFNAME=eth0 CNI_PATH="$VT_TMP/ipam-bin" "$CNI" 2>>"$VT_TMP/cni.log")
[ $? = 1 ] && jq -e '.code == 101 and (.msg | contains("CNI_ARGS IP asks for 192.168.10.46, but ipam fixed-ipam gave 192.168.10.45/24"))' \
	<<<"$out" >/dev/null || vt_fail "ADD whose IPAM ignored CNI_ARGS IP=: $out"
no_trace "the ADD whose IPAM gave another address"
CST=$(jq -c 'del(.ipam) | .runtimeConfig = {ips: ["192.168.10.43/24"], mac: "02:00:5e:00:00:43"}' <<<"$C100_1")
cni out ADD ctr-x1 "$XNS" "$CST"
[ "$CNI_RC" = 0 ] && jq -e '.ips[0].address == "192.168.10.43/24"' <<<"$out" >/dev/null &&
	port_has 02:00:5e:00:00:43 192.168.10.43/24 || vt_fail "ADD with runtimeConfig.ips and .mac, no IPAM: $out"
cni out DEL ctr-x1 "$XNS" "$CST"
CNI_ARGS="IP=192.168.10.44" cni out ADD ctr-x1 "$XNS" "$(jq -c 'del(.ipam)' <<<"$C100_1")"   # the gateway's /24
[ "$CNI_RC" = 0 ] && jq -e '.ips[0].address == "192.168.10.44/24"' <<<"$out" >/dev/null ||
	vt_fail "ADD with CNI_ARGS IP= without a length, no IPAM, in the gateway's subnet: $out"
cni out DEL ctr-x1 "$XNS" "$(jq -c 'del(.ipam)' <<<"$C100_1")"
no_trace "the ADDs without IPAM, deleted"
vt_pass "the runtime's MAC and address (CNI_ARGS MAC=/IP=, runtimeConfig.ips): taken; an address IPAM refuses or did not give: an error, nothing left"

# DEL: the port, the veth and the lease go; DEL again, without netns, of an unknown container: success
cni out DEL ctr-a1 "/run/netns/${VT_P}a1" "$C100_1"
[ "$CNI_RC" = 0 ] || vt_fail "DEL a1 failed: $out"
ports "$L1" | grep -qx "$PA" && vt_fail "port $PA is still at vtepd after DEL"
ip -n "${VT_P}a1" link show eth0 >/dev/null 2>&1 && vt_fail "eth0 is still in a1 after DEL"
[ "$(leases "$VT_TMP/ipam-$L1/vtep100")" = 0 ] || vt_fail "a1's lease is still held after DEL"
cni out DEL ctr-a1 "/run/netns/${VT_P}a1" "$C100_1"
[ "$CNI_RC" = 0 ] || vt_fail "second DEL of a1 failed: $out"
cni out DEL ctr-a1 "" "$C100_1"
[ "$CNI_RC" = 0 ] || vt_fail "DEL of a1 without CNI_NETNS failed: $out"
cni out DEL ctr-never "/run/netns/${VT_P}a1" "$C100_1"
[ "$CNI_RC" = 0 ] || vt_fail "DEL of a container vtepd never knew failed: $out"
vt_ping "${VT_P}b2" 192.168.10.10 1 && vt_fail "b2 still reaches a1 after DEL"
vt_pass "DEL removes port, veth and lease; DEL twice, without netns, of an unknown container succeed"

# vtepd stopped: ADD fails with 11 naming the socket, no lease, no interface
PID2=$(eval echo "\$VT_PID_${L2//-/_}")
kill -TERM "$PID2"
wait "$PID2" || vt_fail "vtepd $L2 exited with status $? on SIGTERM"
cni out ADD ctr-s2 "/run/netns/${VT_P}s2" "$C100_2"
[ "$CNI_RC" = 1 ] && jq -e --arg s "/run/vtepd/$L2.sock" '.code == 11 and (.msg | contains($s))' <<<"$out" >/dev/null ||
	vt_fail "ADD with vtepd stopped: $out"
[ "$(leases "$VT_TMP/ipam-$L2/vtep100")" = 1 ] || vt_fail "ADD with vtepd stopped changed the leases (b2's only)"
ip -n "${VT_P}s2" link show eth0 >/dev/null 2>&1 && vt_fail "ADD with vtepd stopped left eth0 in s2"
vt_pass "with vtepd stopped, ADD fails with code 11 naming the socket and leaves nothing behind"

# DEL with vtepd stopped: the lease is released, and DEL fails with 11 so that the runtime retries
cni out DEL ctr-b2 "/proc/$SPID/ns/net" "$C100_2"
[ "$CNI_RC" = 1 ] && jq -e --arg s "/run/vtepd/$L2.sock" '.code == 11 and (.msg | contains($s))' <<<"$out" >/dev/null ||
	vt_fail "DEL with vtepd stopped: $out"
[ "$(leases "$VT_TMP/ipam-$L2/vtep100")" = 0 ] || vt_fail "DEL with vtepd stopped kept b2's lease"
vt_pass "with vtepd stopped, DEL releases the lease and asks the runtime to retry (11)"
