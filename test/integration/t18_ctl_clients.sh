#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Nothing on the management socket can take the switch down (issue 12):
#  - 50 clients that connect and send nothing (or half a request) do not slow vtepctl down,
#    and BGP keeps installing routes meanwhile; idle clients are dropped after their request
#    timeout; beyond 64 connections clients get a clear "too many" error;
#  - `show macs -j` at 1M MACs (from a BGP peer, perf/bgp_inject) completes, is valid JSON,
#    and vtepd's memory grows by at most 32 MiB while it is sent; filters and paging work;
#    a client that stops reading half way gets an error exit from vtepctl, not 0;
#  - SIGHUP reloads the unchanged configuration (logged, nothing changes); vtepd and vtepctl print their version.
# vt-suite: once
source "$(dirname "$0")/lib.sh"

N=1000000
vt_ns "${VT_P}t"
vt_ns "${VT_P}i"
vt_link "${VT_P}t" ul0 "${VT_P}i" ul0
ip -n "${VT_P}t" addr add 10.0.0.1/24 dev ul0
ip -n "${VT_P}i" addr add 10.0.0.9/24 dev ul0
L=${VT_P}-leaf
cat > "$VT_TMP/leaf.yaml" <<EOF
vtep: {name: $L, source_ip: 10.0.0.1}
underlay: {port: 'net_af_xdp0,iface=ul0'}
fastpath: {mac_table_size: 1100000, mbufs: 8192}
vnis: [{vni: 100}]
bgp:
  asn: 65001
  neighbors: [{address: 10.0.0.9, remote_as: 65009, passive: true}]
EOF
# without hugepages: the test leaves the machine's hugepages to the others
VTEPD_NO_HUGEPAGES=1 vt_vtepd "${VT_P}t" "$L" "$VT_TMP/leaf.yaml"
pid=$(eval echo "\$VT_PID_${L//-/_}")
sock=/run/vtepd/$L.sock

# clients.py SOCKET N SECONDS idle|partial OUT: hold N connections that send nothing (idle)
# or half a request (partial), opening a new one whenever the server closes one.
cat > "$VT_TMP/clients.py" <<'EOF'
import json, select, socket, sys, time
path, n, secs, mode, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
st = {"connects": 0, "dropped": 0, "timeout_replies": 0, "busy": 0, "busy_msg": "", "max_open": 0,
      "connect_errors": 0}
conns = []
end = time.time() + secs
while time.time() < end:
    while len(conns) < n:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            if mode == "partial":
                s.sendall(b"json\tshow\tsta")
        except OSError:
            st["connect_errors"] += 1
            s.close()
            time.sleep(0.01)
            break
        st["connects"] += 1
        conns.append(s)
    st["max_open"] = max(st["max_open"], len(conns))
    r, _, _ = select.select(conns, [], [], 0.05)
    for s in r:
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if data.startswith(b"16\n"):
            st["busy"] += 1
            st["busy_msg"] = data[3:].decode(errors="replace").strip()
            time.sleep(0.01)
        else:
            st["dropped"] += 1
            st["timeout_replies"] += b"timed out" in data
        s.close()
        conns.remove(s)
json.dump(st, open(out, "w"))
EOF

# 1. 50 idle clients, then 50 that send half a request: they add at most 100 ms to vtepctl's
# answer (measured against the same command with no other client: a sanitizer build's
# vtepctl alone takes 80 to 100 ms to start), and BGP goes on.
ctl_ms() {
	local t0 out
	t0=$(date +%s%N)
	out=$(vt_ctl "$L" -j show stats) || vt_fail "vtepctl show stats failed ($1): $out"
	echo $((($(date +%s%N) - t0) / 1000000))
}
base=()
for i in $(seq 5); do base+=("$(ctl_ms "no other client")"); sleep 0.2; done
base_ms=$(printf '%s\n' "${base[@]}" | sort -n | sed -n 3p)
python3 "$VT_TMP/clients.py" "$sock" 50 16 idle "$VT_TMP/idle.json" &
holder=$!; VT_PIDS+=("$holder")
sleep 1
slow=0 times=()
for i in $(seq 10); do
	ms=$(ctl_ms "50 idle clients connected")
	times+=("$ms")
	[ "$ms" -le $((base_ms + 100)) ] || slow=$((slow + 1))
	sleep 0.5
done
# one late answer of ten is the machine (2 shared cores), more would be vtepd
[ "$slow" -le 1 ] ||
	vt_fail "vtepctl took over 100 ms more than alone ($base_ms ms) $slow times of 10 with 50 idle clients: ${times[*]} ms"
# BGP works on meanwhile: a peer sends 1M routes while the idle clients are still there.
# (Installing them keeps the control thread busy for a moment: not timed here.)
ip netns exec "${VT_P}i" "$VT_BUILD/perf/bgp_inject" --peer 10.0.0.1 --local 10.0.0.9 --asn 65009 \
	--peer-asn 65001 --routes "$N" --nexthop 10.0.0.9 --hold-for 600 > "$VT_TMP/inject.out" 2> "$VT_TMP/inject.err" &
VT_PIDS+=("$!")
vt_wait_for 60 bash -c "[ \"\$('$VTEPCTL' -n $L -j show macs count | jq .count)\" = $N ]" ||
	vt_fail "BGP did not install $N MACs while idle clients were connected: $(vt_ctl "$L" -j show macs count)"
vt_ctl "$L" -j show bgp summary | jq -e '.neighbors[0].state == "Established"' >/dev/null ||
	vt_fail "the BGP session did not stay up: $(vt_ctl "$L" show bgp summary)"
wait "$holder"
jq -e '.max_open == 50 and .dropped >= 50 and .timeout_replies >= 50 and .busy == 0' "$VT_TMP/idle.json" >/dev/null ||
	vt_fail "idle clients were not held and then dropped after the request timeout: $(cat "$VT_TMP/idle.json")"
vt_pass "50 idle clients: vtepctl answered in ${times[*]} ms (alone: ${base[*]} ms), BGP installed $N MACs, idle clients dropped after 2 s"

python3 "$VT_TMP/clients.py" "$sock" 50 5 partial "$VT_TMP/partial.json" &
holder=$!; VT_PIDS+=("$holder")
sleep 1
vt_ctl "$L" -j show macs count | jq -e ".count == $N" >/dev/null || vt_fail "vtepctl failed with 50 half-request clients"
wait "$holder"
jq -e '.max_open == 50 and .timeout_replies >= 50' "$VT_TMP/partial.json" >/dev/null ||
	vt_fail "clients with half a request were not dropped after the timeout: $(cat "$VT_TMP/partial.json")"
vt_pass "clients that send half a request are dropped after the request timeout"

# 2. Beyond 64 connections: a clear error, and everything works again afterwards.
python3 "$VT_TMP/clients.py" "$sock" 80 4 idle "$VT_TMP/busy.json" &
holder=$!; VT_PIDS+=("$holder")
wait "$holder"
jq -e '.max_open >= 64 and .busy > 0 and (.busy_msg | test("too many control connections \\(64 open\\)"))' \
	"$VT_TMP/busy.json" >/dev/null || vt_fail "no clear refusal beyond 64 connections: $(cat "$VT_TMP/busy.json")"
vt_ctl "$L" show ports >/dev/null || vt_fail "vtepctl fails after the connection storm"
vt_pass "beyond 64 connections clients get: $(jq -r .busy_msg "$VT_TMP/busy.json")"

# 3. show macs -j at 1M MACs: complete, valid, in bounded memory.
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
base=$(rss_kb)
( while :; do rss_kb; sleep 0.05; done ) > "$VT_TMP/rss" &
sampler=$!; VT_PIDS+=("$sampler")
vt_ctl "$L" -j show macs > "$VT_TMP/macs.json" || vt_fail "show macs -j at $N MACs failed (exit $?)"
kill "$sampler"; wait "$sampler" 2>/dev/null
peak=$(sort -n "$VT_TMP/rss" | tail -1)
grow=$(((peak - base) / 1024))
python3 - "$VT_TMP/macs.json" "$N" <<'EOF' || vt_fail "show macs -j is not the expected document"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))
n = int(sys.argv[2])
macs = doc["macs"]
assert isinstance(macs, list) and len(macs) == n, len(macs)
assert doc["count"] == n and doc["next_cursor"] is None, (doc["count"], doc["next_cursor"])
assert len({m["mac"] for m in macs}) == n
for m in macs[:1000]:
    assert isinstance(m["vni"], int) and m["vni"] == 100
    assert m["type"] == "remote" and m["port"] is None and m["vtep"] == "10.0.0.9", m
    assert m["age"] is None and isinstance(m["moves"], int) and m["source"] == "evpn", m
EOF
# ASan keeps freed memory in its quarantine (256 MiB) on purpose: the bound is for real builds
if ldd "$VTEPD" | grep -q libasan; then
	vt_log "sanitizer build: vtepd grew by $grow MiB (ASan's quarantine holds freed memory; bound not checked)"
else
	[ "$grow" -le 32 ] || vt_fail "vtepd grew by $grow MiB while sending $N MACs (bound: 32 MiB)"
fi
vt_pass "show macs -j at $N MACs: $(stat -c %s "$VT_TMP/macs.json") bytes of valid JSON, vtepd grew by $grow MiB (bound 32 MiB outside sanitizer builds)"
rm -f "$VT_TMP/macs.json"

# filters and paging
mac=$(vt_ctl "$L" -j show macs limit 1 | jq -r '.macs[0].mac')
vt_ctl "$L" -j show macs mac "$mac" | jq -e --arg m "$mac" '.count == 1 and .macs[0].mac == $m' >/dev/null ||
	vt_fail "show macs mac $mac: $(vt_ctl "$L" -j show macs mac "$mac")"
vt_ctl "$L" -j show macs vtep 10.0.0.9 count | jq -e ".count == $N" >/dev/null || vt_fail "show macs vtep count"
vt_ctl "$L" -j show macs vtep 10.0.0.8 count | jq -e ".count == 0" >/dev/null || vt_fail "show macs vtep (other) count"
vt_ctl "$L" -j show macs vni 100 limit 1000 > "$VT_TMP/p1.json" || vt_fail "show macs limit 1000"
cursor=$(jq .next_cursor "$VT_TMP/p1.json")
[ "$(jq '.macs | length' "$VT_TMP/p1.json")" = 1000 ] && [ "$cursor" != null ] || vt_fail "page 1: $(head -c 300 "$VT_TMP/p1.json")"
vt_ctl "$L" -j show macs vni 100 limit 1000 cursor "$cursor" > "$VT_TMP/p2.json" || vt_fail "show macs cursor"
[ "$(jq -s '[.[0].macs[].mac, .[1].macs[].mac] | unique | length' "$VT_TMP/p1.json" "$VT_TMP/p2.json")" = 2000 ] ||
	vt_fail "pages 1 and 2 overlap or are short"
out=$("$VTEPCTL" -n "$L" show macs port nosuch 2>&1 >/dev/null) && vt_fail "show macs port nosuch succeeded"
echo "$out" | grep -q "no port 'nosuch'" || vt_fail "show macs port nosuch: $out"
vt_ctl "$L" show macs limit 3 | head -1 | grep -q "^VNI  *MAC  *TYPE" || vt_fail "text show macs has no table header"
vt_pass "show macs filters (mac, vtep, vni, port, count) and paging (limit, cursor)"

# 4. A reader that stops half way: vtepd drops it after its write timeout, vtepctl exits 1.
"$VTEPCTL" -n "$L" -j show macs 2> "$VT_TMP/half.err" | { head -c 300000 >/dev/null; sleep 8; cat >/dev/null; }
rc=${PIPESTATUS[0]}
[ "$rc" = 1 ] || vt_fail "vtepctl exited $rc after its reply was cut short (stderr: $(cat "$VT_TMP/half.err"))"
grep -q "cut short" "$VT_TMP/half.err" || vt_fail "vtepctl did not say the reply was cut short: $(cat "$VT_TMP/half.err")"
vt_ctl "$L" -j show bgp summary | jq -e '.neighbors[0].state == "Established"' >/dev/null ||
	vt_fail "BGP session lost during the stalled reader"
vt_pass "a reader that stops gets: $(cat "$VT_TMP/half.err")"

# 5. SIGHUP reloads the configuration (unchanged: nothing changes) and is not fatal; versions.
kill -HUP "$pid"
sleep 0.5
vt_alive "$pid" || vt_fail "vtepd died on SIGHUP"
vt_wait_for 5 grep -q "reload of .*: 0 changes" "$VT_TMP/$L.log" || vt_fail "SIGHUP did not reload: $(tail -3 "$VT_TMP/$L.log")"
vt_ctl "$L" show ports >/dev/null || vt_fail "vtepctl fails after SIGHUP"
vt_pass "SIGHUP reloads the unchanged configuration: logged, nothing changed"
want=$(sed -n "s/^  version : '\\(.*\\)',/\\1/p" "$VT_TOP/meson.build")
[ -n "$want" ] || vt_fail "no version in meson.build"
[ "$("$VTEPD" --version)" = "vtepd $want" ] || vt_fail "vtepd --version: $("$VTEPD" --version 2>&1)"
[ "$("$VTEPCTL" --version)" = "vtepctl $want" ] || vt_fail "vtepctl --version: $("$VTEPCTL" --version 2>&1)"
vt_pass "vtepd and vtepctl --version print $want"
