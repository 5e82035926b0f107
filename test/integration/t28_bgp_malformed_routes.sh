#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Malformed EVPN routes from a peer (RFC 7606, RFC 7432, RFC 9136): a raw BGP speaker (Python,
# in its own namespace) advertises MACs :01, :02, :03 and a type 3, then UPDATEs mixing
# malformed routes (a type 2 whose label is cut, a type 5 with prefix length 33, a type 3 with
# IP length 24, a type 1 of the wrong length) with good ones (:04, :05). vtepd keeps the
# session Established (no NOTIFICATION), withdraws :02, installs :04 and :05, keeps :01, :03
# and the flood list, counts the malformed routes by reason in show bgp summary, and logs
# one line naming the peer. A type 3 whose PMSI_TUNNEL is malformed is treated as withdrawn
# (10.0.0.2 leaves the flood list), the session still up.
# vt-suite: once
source "$(dirname "$0")/lib.sh"

vt_fabric 2
C1=${VT_P}c1
vt_ns "$C1"
L1=${VT_P}-leaf1
G=${VT_P}l2

{ vt_conf_base "$L1" 10.0.0.1; cat <<EOF; } > "$VT_TMP/leaf1.yaml"
vnis:
  - vni: 100
ports:
  - {name: c1, vni: 100, netns: $C1, mac: 02:00:00:00:01:01, ip: 192.168.60.1/24}
bgp:
  asn: 65001
  neighbors:
    - {address: 10.0.0.2, remote_as: 65002}
EOF
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"

# The peer: OPEN (AS 65002, EVPN, 4-octet AS), then the UPDATEs below, KEEPALIVEs until killed.
cat > "$VT_TMP/inject.py" <<'EOF'
import os, select, socket, sys, time

tmp = sys.argv[1]
RD = "0001 0a000002 8063"                       # 10.0.0.2:32867
ESI_TAG = "00000000000000000000 00000000"

def b(h):
    return bytes.fromhex(h.replace(" ", ""))

def msg(typ, body):
    return b"\xff" * 16 + (19 + len(body)).to_bytes(2, "big") + bytes([typ]) + body

def t2(mac_last, tail="00 000064", length=0x21):
    return b("02 %02x %s %s 30 0200000002%02x %s" % (length, RD, ESI_TAG, mac_last, tail))

def update(nlri, extra=b""):
    mp = b("0019 46 04 0a000002 00") + nlri
    attrs = (b("40 01 01 00") + b("40 02 06 02 01 0000fdea") + b("90 0e") + len(mp).to_bytes(2, "big") + mp +
             b("c0 10 10 0002fdea00000064 030c000000000008") + extra)
    return msg(2, b"\x00\x00" + len(attrs).to_bytes(2, "big") + attrs)

s = socket.socket()
s.bind(("10.0.0.2", 0))
s.settimeout(10)
s.connect(("10.0.0.1", 179))
caps = b("02 06 01 04 0019 0046") + b("02 06 41 04 0000fdea")
s.sendall(msg(1, b("04 fdea 005a 0a000002") + bytes([len(caps)]) + caps))

def read_msg():
    h = b""
    while len(h) < 19:
        c = s.recv(19 - len(h))
        if not c:
            raise SystemExit("connection closed")
        h += c
    n = int.from_bytes(h[16:18], "big") - 19
    body = b""
    while len(body) < n:
        c = s.recv(n - len(body))
        if not c:
            raise SystemExit("connection closed")
        body += c
    return h[18], body

while True:
    t, body = read_msg()
    if t == 3:
        raise SystemExit("NOTIFICATION %d/%d" % (body[0], body[1]))
    if t == 1:
        s.sendall(msg(4, b""))
    if t == 4:
        break
s.sendall(update(t2(1) + t2(2) + t2(3)))
s.sendall(update(b("03 11 %s 00000000 20 0a000002" % RD), b("c0 16 09 00 06 000064 0a000002")))
open(os.path.join(tmp, "sent-good"), "w").close()
go = os.path.join(tmp, "go")
phase = 0
last_ka = time.time()
s.setblocking(False)
while True:
    if phase == 0 and os.path.exists(go):
        s.setblocking(True)
        # a type 2 with its label cut to 2 bytes (:02) beside a good one (:04)
        s.sendall(update(t2(2, "00 0000", 0x20) + t2(4)))
        # a type 5 with IPv4 prefix length 33, a type 3 with IP length 24, a type 1 of 24 bytes, and :05
        s.sendall(update(b("05 22 %s %s 21 0a010000 00000000 000064" % (RD, ESI_TAG)) +
                         b("03 10 %s 00000000 18 0a0000" % RD) +
                         b("01 18 %s %s 0000" % (RD, ESI_TAG)) + t2(5)))
        s.setblocking(False)
        open(os.path.join(tmp, "sent-bad"), "w").close()
        phase = 1
    if phase == 1 and os.path.exists(go + "2"):
        s.setblocking(True)
        # the type 3 again, its PMSI_TUNNEL 4 bytes long: treat-as-withdraw (RFC 7606)
        s.sendall(update(b("03 11 %s 00000000 20 0a000002" % RD), b("c0 16 04 00060000")))
        s.setblocking(False)
        open(os.path.join(tmp, "sent-pmsi"), "w").close()
        phase = 2
    if time.time() - last_ka > 5:
        s.setblocking(True)
        s.sendall(msg(4, b""))
        s.setblocking(False)
        last_ka = time.time()
    r, _, _ = select.select([s], [], [], 0.2)
    if r:
        data = s.recv(65536)
        if not data:
            raise SystemExit("connection closed by vtepd")
        if b"\xff" * 16 + data[16:18] + b"\x03" in data[:19]:
            raise SystemExit("NOTIFICATION from vtepd")
EOF
ip netns exec "$G" python3 "$VT_TMP/inject.py" "$VT_TMP" > "$VT_TMP/inject.log" 2>&1 &
INJ=$!
VT_PIDS+=("$INJ")

vt_bgp_established "$L1" "session with the raw peer" "$VT_TMP/inject.log"
vt_wait_for 10 test -e "$VT_TMP/sent-good" || vt_fail "the peer did not send its routes: $(cat "$VT_TMP/inject.log")"
has_mac() { "$VTEPCTL" -n "$L1" -j show macs | jq -e ".macs[] | select(.mac == \"$1\" and .vtep == \"10.0.0.2\" and .source == \"evpn\")" >/dev/null; }
first_installed() { has_mac 02:00:00:00:02:01 && has_mac 02:00:00:00:02:02 && has_mac 02:00:00:00:02:03; }
vt_wait_for 15 first_installed ||
	vt_fail "the good routes were not installed: $(vt_ctl "$L1" show macs); $(vt_ctl "$L1" show bgp evpn)"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"10.0.0.2\"' >/dev/null" ||
	vt_fail "the type-3 route did not add 10.0.0.2 to the flood list: $(vt_ctl "$L1" show evpn vni)"
est=$(vt_ctl "$L1" -j show bgp summary | jq '.neighbors[0].uptime')
vt_pass "session up, MACs :01 :02 :03 and the type 3 installed"

touch "$VT_TMP/go"
vt_wait_for 10 test -e "$VT_TMP/sent-bad" || vt_fail "the peer did not send the malformed UPDATEs: $(cat "$VT_TMP/inject.log")"
bad_applied() { has_mac 02:00:00:00:02:04 && has_mac 02:00:00:00:02:05 && ! has_mac 02:00:00:00:02:02; }
vt_wait_for 15 bad_applied ||
	vt_fail "the malformed :02 was not withdrawn or :04/:05 not installed: $(vt_ctl "$L1" show macs)"
sleep 1
sum=$(vt_ctl "$L1" -j show bgp summary)
echo "$sum" | jq -e '.neighbors[0] | .state == "Established" and .updates_reset == 0 and .treat_as_withdraw == 0' >/dev/null ||
	vt_fail "the session did not stay up: $sum; $(cat "$VT_TMP/inject.log")"
kill -0 "$INJ" 2>/dev/null || vt_fail "the peer's connection ended: $(cat "$VT_TMP/inject.log")"
[ "$(echo "$sum" | jq '.neighbors[0].uptime')" -ge "$est" ] || vt_fail "the session was re-established: $sum"
has_mac 02:00:00:00:02:01 && has_mac 02:00:00:00:02:03 || vt_fail "good routes lost: $(vt_ctl "$L1" show macs)"
vt_ctl "$L1" -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == "10.0.0.2"' >/dev/null ||
	vt_fail "the flood list lost 10.0.0.2: $(vt_ctl "$L1" show evpn vni)"
vt_pass "session stays Established: :02 withdrawn, :04 :05 installed, :01 :03 and the flood list kept"

echo "$sum" | jq -e '.neighbors[0] | .malformed_routes == 4 and .malformed_withdrawn == 1 and
	.malformed_by_reason.bad_length == 2 and .malformed_by_reason.bad_prefix_length == 1 and
	.malformed_by_reason.bad_ip_length == 1' >/dev/null ||
	vt_fail "malformed routes not counted by reason: $(echo "$sum" | jq '.neighbors[0]')"
vt_ctl "$L1" show bgp summary | grep -q MALFORMED_ROUTES || vt_fail "show bgp summary (text) lacks the counters"
grep -q "peer 10.0.0.2: UPDATE: 1 malformed EVPN routes treated as withdrawn" "$VT_TMP/$L1.log" ||
	vt_fail "no log line naming the peer: $(grep -i 'peer 10.0.0.2' "$VT_TMP/$L1.log" | tail -5)"
[ "$(grep -c 'malformed EVPN routes' "$VT_TMP/$L1.log")" -eq 1 ] ||
	vt_fail "the second UPDATE within 10 s was logged too: $(grep 'malformed EVPN' "$VT_TMP/$L1.log")"
vt_pass "malformed routes counted by reason (show bgp summary -j), one log line naming the peer"

touch "$VT_TMP/go2"
vt_wait_for 10 test -e "$VT_TMP/sent-pmsi" || vt_fail "the peer did not send the bad PMSI: $(cat "$VT_TMP/inject.log")"
vt_wait_for 15 bash -c "'$VTEPCTL' -n $L1 -j show evpn vni 100 | jq -e '.vnis[0].remote_vteps == \"-\"' >/dev/null" ||
	vt_fail "the type 3 with a malformed PMSI_TUNNEL was not withdrawn: $(vt_ctl "$L1" show evpn vni)"
sum=$(vt_ctl "$L1" -j show bgp summary)
echo "$sum" | jq -e '.neighbors[0] | .state == "Established" and .updates_reset == 0 and .treat_as_withdraw == 1' >/dev/null ||
	vt_fail "a malformed PMSI_TUNNEL: not one treat-as-withdraw on an Established session: $sum"
has_mac 02:00:00:00:02:01 && has_mac 02:00:00:00:02:04 || vt_fail "MAC routes lost with the type 3: $(vt_ctl "$L1" show macs)"
vt_pass "a type 3 with a malformed PMSI_TUNNEL is treated as withdrawn, the session and MAC routes stay"
