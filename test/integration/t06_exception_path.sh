#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# An underlay port that DPDK owns outright (exception: true; here an AF_XDP port whose
# program hands every frame to vtepd, standing in for a NIC bound to DPDK): the kernel keeps
# the underlay address on vtepd's exception interface (a TAP with the port's MAC). ARP,
# ping and TCP to the leaf go through it both ways while VXLAN is switched by the fast path.
source "$(dirname "$0")/lib.sh"

vt_fabric 2
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2
ip -n "${VT_P}l1" addr flush dev ul0     # the kernel gives up ul0: its address moves to vtep0
cat > "$VT_TMP/leaf1.yaml" <<EOF2
vtep:
  name: $L1
  source_ip: 10.0.0.1
underlay:
  port: net_af_xdp0,iface=ul0
  interface: vtep0
  exception: true
fastpath:
  mac_table_size: 4096
  mbufs: 8192
vnis:
  - vni: 100
    flood: [10.0.0.2]
ports:
  - name: c1
    vni: 100
    netns: ${VT_P}c1
    ip: 192.168.40.1/24
EOF2
sed -e "s/$L1/$L2/; s/10.0.0.1/10.0.0.2/; s/10.0.0.2]/10.0.0.1]/; s/c1/c2/g; s/192.168.40.1/192.168.40.2/" \
    -e '/interface: vtep0/d; /exception: true/d' "$VT_TMP/leaf1.yaml" > "$VT_TMP/leaf2.yaml"
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"

# The exception interface exists, carries the port's MAC, and takes the underlay address.
ip -n "${VT_P}l1" link show vtep0 >/dev/null 2>&1 || vt_fail "no exception interface vtep0"
[ "$(ip -n "${VT_P}l1" -j link show vtep0 | jq -r '.[0].address')" = "$(ip -n "${VT_P}l1" -j link show ul0 | jq -r '.[0].address')" ] ||
	vt_fail "vtep0 does not carry the underlay port's MAC"
ip -n "${VT_P}l1" addr add 10.0.0.1/24 dev vtep0
vt_pass "exception interface vtep0 is up with the port's MAC"

# The kernel's own traffic through it: ARP + ping both ways, and a TCP connection.
ip netns exec "${VT_P}l2" ping -c 3 -i 0.2 -W 2 10.0.0.1 >/dev/null || vt_fail "leaf2 cannot ping leaf1's kernel through the exception path"
ip netns exec "${VT_P}l1" ping -c 3 -i 0.2 -W 2 10.0.0.2 >/dev/null || vt_fail "leaf1's kernel cannot ping leaf2"
ip netns exec "${VT_P}l1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/1 2>/dev/null' 2>/dev/null || true
ip netns exec "${VT_P}l1" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.0.1", 1790)); s.listen(1); s.settimeout(10)
c, _ = s.accept(); c.sendall(c.recv(64).upper()); c.close()' &
srv=$!
VT_PIDS+=("$srv")
sleep 0.5
reply=$(ip netns exec "${VT_P}l2" python3 -c '
import socket
c = socket.create_connection(("10.0.0.1", 1790), timeout=5); c.sendall(b"bgp-open"); print(c.recv(64).decode())')
[ "$reply" = "BGP-OPEN" ] || vt_fail "TCP through the exception path failed (got '$reply')"
vt_pass "ARP, ping and TCP reach the leaf's kernel through the exception interface"

# VXLAN still goes to the fast path.
vt_ping "${VT_P}c1" 192.168.40.2 || vt_fail "c1 -> c2 no reply with the exception path on"
vt_ping "${VT_P}c2" 192.168.40.1 || vt_fail "c2 -> c1 no reply with the exception path on"
stats=$(vt_ctl "$L1" -j show stats)
exc=$(echo "$stats" | jq '.ports[] | select(.port == "vtep0")')
[ "$(echo "$exc" | jq '.rx_pkts')" -gt 0 ] && [ "$(echo "$exc" | jq '.tx_pkts')" -gt 0 ] ||
	vt_fail "exception port counters did not move: $exc"
[ "$(echo "$stats" | jq '.vnis[0].decap_pkts')" -gt 0 ] || vt_fail "no VXLAN decapsulated with the exception path on"
vt_pass "VXLAN is switched by the fast path, everything else goes to the kernel"
