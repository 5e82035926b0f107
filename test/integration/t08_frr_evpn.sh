#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# BGP EVPN with FRR (Debian's frr) whose data plane is the Linux kernel's VXLAN and bridge:
# the eBGP session comes up; type-3 routes go both ways (FRR's kernel fdb gets the all-zero
# entry for our VTEP, our flood list gets FRR's); type-2 routes go both ways (FRR installs our
# container's MAC, we install FRR's); the containers ping each other with no static flood list;
# a container moves from behind FRR to behind vtepd and back (MAC mobility sequence numbers,
# both fdbs follow); FRR's bgpd is killed and restarted while traffic runs and forwarding
# continues through graceful restart.
# vt-suite: once
source "$(dirname "$0")/lib.sh"
command -v vtysh >/dev/null && [ -x /usr/lib/frr/bgpd ] || vt_fail "FRR is not installed (scripts/setup.sh installs it)"

vt_fabric 2
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"
vt_ns "${VT_P}c3"
L1=${VT_P}-leaf1
F=${VT_P}l2

# Leaf 2 is FRR with the kernel's VXLAN: vxlan100 + br100 + container c2.
ip -n "$F" link add vxlan100 type vxlan id 100 local 10.0.0.2 dstport 4789 nolearning
ip -n "$F" link add br100 type bridge
ip -n "$F" link set vxlan100 master br100 addrgenmode none
vt_link "$F" c2h "${VT_P}c2" eth0
ip -n "$F" link set c2h master br100
ip -n "$F" link set vxlan100 up
ip -n "$F" link set br100 up
ip -n "${VT_P}c2" link set eth0 address 02:00:00:00:02:01 mtu 1450
ip -n "${VT_P}c2" addr add 192.168.50.2/24 dev eth0
vt_link "$F" c3h "${VT_P}c3" eth0
ip -n "$F" link set c3h master br100
ip -n "${VT_P}c3" link set eth0 address 02:00:00:00:03:01 mtu 1450
ip -n "${VT_P}c3" addr add 192.168.50.3/24 dev eth0
cat > "$VT_TMP/frr2-bgpd.conf" <<EOF2
hostname frr2
router bgp 65000
 bgp router-id 10.0.0.2
 bgp graceful-restart
 bgp graceful-restart preserve-fw-state
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 10.0.0.1 remote-as 65001
 neighbor 10.0.0.1 timers 3 9
 address-family l2vpn evpn
  neighbor 10.0.0.1 activate
  advertise-all-vni
 exit-address-family
EOF2
vt_frr "$F" frr2 < "$VT_TMP/frr2-bgpd.conf"

{ vt_conf_base "$L1" 10.0.0.1; cat <<EOF2; } > "$VT_TMP/leaf1.yaml"
vnis:
  - vni: 100
ports:
  - name: c1
    vni: 100
    netns: ${VT_P}c1
    mac: 02:00:00:00:01:01
    ip: 192.168.50.1/24
bgp:
  asn: 65001
  neighbors:
    - address: 10.0.0.2
      remote_as: 65000
EOF2
# Every BGP message vtepd sends is captured on its fabric port and checked by tshark at the end.
ip netns exec "${VT_P}sw" tshark -q -i p1 -w "$VT_TMP/bgp.pcap" -f "tcp port 179" > "$VT_TMP/tshark-capture.log" 2>&1 &
cap=$!
VT_PIDS+=("$cap")
vt_wait_for 10 test -s "$VT_TMP/bgp.pcap" || sleep 1
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"

vt_wait_for 30 bash -c "'$VTEPCTL' -n $L1 -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
	vt_fail "session with FRR not established: $(vt_ctl "$L1" show bgp summary); FRR: $(vt_vtysh frr2 -c 'show bgp summary')"
vt_pass "eBGP EVPN session with FRR established"

# Type 3 both ways.
vt_wait_for 15 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '00:00:00:00:00:00 dst 10.0.0.1'" ||
	vt_fail "FRR did not install our VTEP for flooding: $(ip netns exec "$F" bridge fdb show dev vxlan100); $(vt_vtysh frr2 -c 'show bgp l2vpn evpn')"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"10.0.0.2\"' >/dev/null" ||
	vt_fail "we did not add FRR's VTEP to the flood list: $(vt_ctl "$L1" show evpn vni); routes: $(vt_ctl "$L1" show bgp evpn)"
vt_pass "type-3 routes both ways: each side floods to the other"

# Type 2 both ways: our container's MAC is advertised at attach; FRR's once its bridge learns it.
vt_wait_for 15 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '02:00:00:00:01:01 dst 10.0.0.1'" ||
	vt_fail "FRR did not install c1's MAC behind us: $(ip netns exec "$F" bridge fdb show dev vxlan100)"
ip netns exec "${VT_P}c2" arping -c 1 -w 2 -I eth0 192.168.50.99 >/dev/null 2>&1 || true
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show macs | jq -e '.macs[] | select(.mac == \"02:00:00:00:02:01\" and .vtep == \"10.0.0.2\" and .source == \"evpn\")' >/dev/null" ||
	vt_fail "we did not install c2's MAC from FRR's type-2 route: $(vt_ctl "$L1" show macs); routes: $(vt_ctl "$L1" show bgp evpn)"
vt_pass "type-2 routes both ways"

vt_ping "${VT_P}c1" 192.168.50.2 5 || vt_fail "c1 -> c2 across vtepd and FRR: no reply"
vt_ping "${VT_P}c2" 192.168.50.1 5 || vt_fail "c2 -> c1: no reply"
vt_pass "containers behind vtepd and FRR ping each other, with no static flood list"

# FRR reflects our own routes back (AS_PATH 65000 65001): rejected, never installed as remote.
vt_ctl "$L1" -j show macs | jq -e '[.macs[] | select(.mac == "02:00:00:00:01:01" and .type == "remote")] | length == 0' >/dev/null ||
	vt_fail "our own MAC came back from FRR and was installed as remote"
vt_pass "our own routes reflected by FRR are rejected"

# MAC mobility: c2 leaves FRR's leaf (its veth goes) and is attached behind vtepd with the
# same MAC and address. We advertise it with a higher sequence; FRR's fdb follows.
mac_seq() { vt_ctl "$L1" -j show macs | jq -r '.macs[] | select(.mac == "02:00:00:00:02:01") | "\(.type) \(.vtep) \(.seq)"'; }
ip -n "$F" link del c2h
vt_ctl "$L1" attach c2 vni 100 netns "${VT_P}c2" mac 02:00:00:00:02:01 ip 192.168.50.2/24 >/dev/null ||
	vt_fail "attach of the moved container failed"
vt_wait_for 15 bash -c "ip netns exec $F bridge fdb show dev vxlan100 | grep -q '02:00:00:00:02:01 dst 10.0.0.1'" ||
	vt_fail "FRR did not move c2's MAC to us: $(ip netns exec "$F" bridge fdb show dev vxlan100)"
vt_ping "${VT_P}c3" 192.168.50.2 5 || vt_fail "c3 (behind FRR) cannot reach c2 at its new place"
read -r type vtep seq <<< "$(mac_seq)"
[ "$type" = local ] || vt_fail "c2's MAC is not local after the move: $(mac_seq)"
vt_pass "a container moved from FRR's leaf to vtepd is reached there (our sequence $seq)"

# And back, the way a live migration goes: c2 shows up behind FRR's leaf while vtepd still
# advertises it. FRR advertises a higher sequence, we give the MAC up and withdraw ours.
vt_link "$F" c2h "${VT_P}c2" eth1
ip -n "$F" link set c2h master br100
ip -n "${VT_P}c2" addr del 192.168.50.2/24 dev eth0
ip -n "${VT_P}c2" link set eth0 down
ip -n "${VT_P}c2" link set eth1 address 02:00:00:00:02:01 mtu 1450
ip -n "${VT_P}c2" addr add 192.168.50.2/24 dev eth1
vt_ping "${VT_P}c2" 192.168.50.3 3 || vt_fail "c2 cannot reach c3 on FRR's leaf"
vt_wait_for 15 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show macs | jq -r '.macs[] | select(.mac == \"02:00:00:00:02:01\") | .vtep')\" = 10.0.0.2 ]" ||
	vt_fail "c2's MAC did not move back behind 10.0.0.2: $(mac_seq); routes: $(vt_ctl "$L1" show bgp evpn)"
read -r type vtep seq2 <<< "$(mac_seq)"
[ "$seq2" -gt "$seq" ] || vt_fail "FRR's sequence $seq2 is not above ours ($seq)"
vt_ctl "$L1" -j show bgp evpn | jq -e '[.routes[] | select(.peer == "local" and .mac == "02:00:00:00:02:01")] | length == 0' >/dev/null ||
	vt_fail "we still advertise c2's MAC after losing it: $(vt_ctl "$L1" show bgp evpn)"
vt_ctl "$L1" detach c2 >/dev/null || vt_fail "detach of c2 failed"
vt_ping "${VT_P}c1" 192.168.50.2 3 || vt_fail "c1 cannot reach c2 back behind FRR"
vt_pass "and moved back behind FRR: its sequence $seq2 beats ours ($seq), we withdrew"

# Graceful restart: kill FRR's bgpd while c1 pings c2; we keep FRR's routes (stale) and keep
# forwarding to c2 (counted where c2 receives them: FRR's own zebra may drop its side's
# routes meanwhile, which is FRR's business); bgpd comes back, re-advertises, and End-of-RIB
# clears the stale marks.
c2_rx() { ip -n "${VT_P}c2" -s -j link show eth1 | jq '.[0].stats64.rx.packets'; }
rx0=$(c2_rx)
ip netns exec "${VT_P}c1" ping -i 0.1 -c 100 -W 1 192.168.50.2 > "$VT_TMP/gr-ping.log" 2>&1 &
pinger=$!
VT_PIDS+=("$pinger")
sleep 1
kill -KILL "$(cat "$VT_TMP/frr2/bgpd.pid")"
vt_wait_for 20 bash -c "'$VTEPCTL' -n $L1 -j show bgp summary | jq -e '.neighbors[0].state != \"Established\"' >/dev/null" ||
	vt_fail "we did not notice FRR's bgpd going away"
stale=$(vt_ctl "$L1" -j show bgp evpn | jq '[.routes[] | select(.peer == "10.0.0.2" and .stale)] | length')
[ "$stale" -gt 0 ] || vt_fail "FRR's routes were not kept as stale: $(vt_ctl "$L1" show bgp evpn)"
vt_ctl "$L1" -j show macs | jq -e '.macs[] | select(.mac == "02:00:00:00:02:01" and .vtep == "10.0.0.2")' >/dev/null ||
	vt_fail "c2's MAC was removed while FRR restarts"
ip netns exec "$F" /usr/lib/frr/bgpd -d -f "$VT_TMP/frr2/bgpd.conf" -i "$VT_TMP/frr2/bgpd.pid" -z "$VT_TMP/frr2/zserv.api" \
	--vty_socket "$VT_TMP/frr2" >> "$VT_TMP/frr2-bgpd.log" 2>&1 || vt_fail "bgpd did not restart"
vt_wait_for 10 test -s "$VT_TMP/frr2/bgpd.pid"
VT_PIDS+=("$(cat "$VT_TMP/frr2/bgpd.pid")")
vt_wait_for 40 bash -c "'$VTEPCTL' -n $L1 -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
	vt_fail "session with the restarted FRR not established"
vt_wait_for 20 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show bgp evpn | jq '[.routes[] | select(.stale)] | length')\" = 0 ]" ||
	vt_fail "stale routes left after FRR's End-of-RIB: $(vt_ctl "$L1" show bgp evpn)"
wait "$pinger"
delivered=$(( $(c2_rx) - rx0 ))
[ "$delivered" -ge 100 ] || vt_fail "only $delivered of 100 echo requests reached c2 during FRR's restart"
vt_pass "forwarding to FRR's leaf continued through its restart ($delivered frames reached c2; $(sed -n 's/.*, \([0-9]*\) received.*/\1/p' "$VT_TMP/gr-ping.log")/100 replies), stale routes cleared by End-of-RIB"

kill -INT "$cap"; wait "$cap" 2>/dev/null || true
ours=$(tshark -r "$VT_TMP/bgp.pcap" -Y "bgp && ip.src == 10.0.0.1" 2>/dev/null | wc -l)
types=$(tshark -r "$VT_TMP/bgp.pcap" -Y "bgp && ip.src == 10.0.0.1" -T fields -e bgp.type 2>/dev/null | tr ',' '\n' | sort -u | tr '\n' ' ')
bad=$(tshark -r "$VT_TMP/bgp.pcap" -Y "ip.src == 10.0.0.1 && (_ws.malformed || _ws.expert.severity >= error)" 2>/dev/null | wc -l)
[ "$ours" -gt 5 ] || vt_fail "tshark found only $ours BGP frames from vtepd"
[ "$bad" -eq 0 ] || vt_fail "tshark flags $bad of vtepd's BGP frames: $(tshark -r "$VT_TMP/bgp.pcap" -Y 'ip.src == 10.0.0.1 && (_ws.malformed || _ws.expert.severity >= error)' 2>/dev/null | head -3)"
echo "$types" | grep -q 1 && echo "$types" | grep -q 2 && echo "$types" | grep -q 4 || vt_fail "expected OPEN, UPDATE and KEEPALIVE from vtepd, saw types: $types"
vt_pass "tshark decodes all $ours of vtepd's BGP frames cleanly (message types $types)"
