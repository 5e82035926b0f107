#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Learn-to-UPDATE latency against a real peer: a container behind vtepd sends frames from N
# new source MACs (one every 5 to 20 ms, so that they fall anywhere in vtepd's 5 ms tick);
# FRR's bgpd (Debian's frr) is vtepd's eBGP EVPN neighbour. Both ends are captured by the
# kernel (tshark on the container's interface and on FRR's underlay interface, one clock):
# a MAC's latency is the time from its first frame leaving the container to the first BGP
# UPDATE carrying it reaching FRR. Prints median, 90th and 99th percentile and maximum, and
# writes perf/results/learn_latency.json.
#   perf/bench_learn_latency.sh [N]          default N = 200. Needs root; runs in namespaces.
set -u
n=${1:-200}
VT_TOP=$(cd "$(dirname "$0")/.." && pwd)
"$VT_TOP/scripts/setup.sh" "$(basename "${VT_BUILD:-$VT_TOP/build}")" >/dev/null
source "$VT_TOP/test/integration/lib.sh"

vt_ns "${VT_P}l"
vt_ns "${VT_P}f"
vt_ns "${VT_P}c"
vt_link "${VT_P}l" ul0 "${VT_P}f" ul0
ip -n "${VT_P}l" addr add 10.0.0.1/24 dev ul0
ip -n "${VT_P}f" addr add 10.0.0.2/24 dev ul0
L=${VT_P}-leaf

vt_frr "${VT_P}f" frr <<EOF2
router bgp 65000
 bgp router-id 10.0.0.2
 no bgp default ipv4-unicast
 no bgp ebgp-requires-policy
 neighbor 10.0.0.1 remote-as 65001
 address-family l2vpn evpn
  neighbor 10.0.0.1 activate
 exit-address-family
EOF2
{ vt_conf_base "$L" 10.0.0.1; cat <<EOF2; } > "$VT_TMP/leaf.yaml"
vnis:
  - vni: 100
ports:
  - name: c1
    vni: 100
    netns: ${VT_P}c
    mac: 02:00:00:00:01:01
bgp:
  asn: 65001
  neighbors:
    - address: 10.0.0.2
      remote_as: 65000
EOF2
vt_vtepd "${VT_P}l" "$L" "$VT_TMP/leaf.yaml"
vt_wait_for 30 bash -c "'$VTEPCTL' -n $L -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
	vt_fail "no session with FRR"
sleep 1   # the initial dump and End-of-RIB are through

ip netns exec "${VT_P}f" tshark -q -i ul0 -w "$VT_TMP/bgp.pcap" -f "tcp port 179" > "$VT_TMP/tshark-bgp.log" 2>&1 &
VT_PIDS+=("$!")
ip netns exec "${VT_P}c" tshark -q -i eth0 -w "$VT_TMP/frames.pcap" -f "ether proto 0x88b5" > "$VT_TMP/tshark-c.log" 2>&1 &
VT_PIDS+=("$!")
vt_wait_for 10 test -s "$VT_TMP/bgp.pcap" && vt_wait_for 10 test -s "$VT_TMP/frames.pcap" || vt_fail "tshark did not start"
sleep 1

# The frames: broadcast, ethertype 0x88b5 (local experimental), source 02:aa:00:00:hi:lo.
ip netns exec "${VT_P}c" python3 - "$n" <<'EOF2'
import random, socket, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for i in range(n):
    src = bytes([0x02, 0xaa, 0, 0, i >> 8, i & 0xff])
    s.send(b"\xff" * 6 + src + b"\x88\xb5" + bytes(46))
    time.sleep(random.uniform(0.005, 0.020))
EOF2
vt_wait_for 20 bash -c "[ \$('$VTEPCTL' -n $L -j show bgp summary | jq '.neighbors[0].updates_out') -ge $n ]" || true
sleep 2
for pid in "${VT_PIDS[@]: -2}"; do kill -INT "$pid" 2>/dev/null || true; done
sleep 1

tshark -r "$VT_TMP/frames.pcap" -T fields -e frame.time_epoch -e eth.src > "$VT_TMP/frames.txt" 2>/dev/null
tshark -r "$VT_TMP/bgp.pcap" -Y "bgp.type == 2 && bgp.evpn.nlri.mac_addr" -T fields -E occurrence=a -E aggregator=, \
	-e frame.time_epoch -e bgp.evpn.nlri.mac_addr > "$VT_TMP/updates.txt" 2>/dev/null
python3 - "$n" "$VT_TMP/frames.txt" "$VT_TMP/updates.txt" "$VT_TOP/perf/results/learn_latency.json" <<'EOF2'
import json, sys
n, frames, updates, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
sent, got = {}, {}
for line in open(frames):
    t, mac = line.split()
    if mac.startswith("02:aa:") and mac not in sent:
        sent[mac] = float(t)
for line in open(updates):
    t, macs = line.split()
    for mac in macs.split(","):
        if mac not in got:
            got[mac] = float(t)
lat = sorted(1000 * (got[m] - sent[m]) for m in sent if m in got)
if not lat:
    sys.exit("no MAC of ours reached FRR")
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
res = {"macs_sent": len(sent), "macs_advertised": len(lat), "median_ms": round(pct(0.5), 3),
       "p90_ms": round(pct(0.9), 3), "p99_ms": round(pct(0.99), 3), "max_ms": round(lat[-1], 3),
       "within_10ms": sum(1 for x in lat if x <= 10.0)}
json.dump(res, open(out, "w"), indent=2)
print("learn -> UPDATE at FRR: %d of %d MACs; median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; "
      "%d within 10 ms" % (res["macs_advertised"], n, res["median_ms"], res["p90_ms"], res["p99_ms"],
                           res["max_ms"], res["within_10ms"]))
EOF2
echo "machine: $(nproc) cores, $(awk '/model name/ {for (i=4;i<=NF;i++) printf "%s ", $i; exit}' /proc/cpuinfo)"
