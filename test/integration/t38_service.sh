#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vt-suite: once
# vtepd as a systemd service (issue 16), without systemd as PID 1: the test plays systemd.
#  - the built unit vtepd@.service passes `systemd-analyze verify`;
#  - vtepd runs with the unit's own ExecStart line (%i substituted; /etc/vtepd/NAME.yaml is an
#    overlay of /etc in a private mount namespace), within the unit's CapabilityBoundingSet
#    and NoNewPrivileges (setpriv): AF_XDP underlay, a port into a namespace, one into a
#    process's /proc/PID/ns/net, BGP on port 179;
#  - sd_notify on the test's NOTIFY_SOCKET: READY=1 only once the control socket answers with
#    the ports attached and the BGP neighbour configured, a STATUS= line sent again only when
#    it changes, WATCHDOG=1 repeated under WATCHDOG_USEC (none without), STOPPING=1 on SIGTERM;
#  - the journal (the test's socket on /run/systemd/journal/socket, JOURNAL_STREAM = stderr's
#    device:inode): entries with PRIORITY, MESSAGE, VTEPD_INSTANCE, VTEPD_PEER for a refused
#    BGP connection, VTEPD_PORT and VTEPD_VNI for a port attach; nothing on stderr;
#  - vtepctl log level debug|err at run time, bad levels refused, show log;
#  - without JOURNAL_STREAM, the lines are on stderr as before and the journal gets nothing.
source "$(dirname "$0")/lib.sh"

L=${VT_P}-svc
UNIT=$VT_BUILD/systemd/vtepd@.service
[ -f "$UNIT" ] || vt_fail "no built unit $UNIT"

# ---- systemd-analyze verify: the built unit, with vtepd's path the only change (it is not
# installed here); man pages are checked when installed (the docs' part).
vt_log "systemd-analyze verify"
mkdir -p "$VT_TMP/units"
sed "s|^ExecStart=[^ ]*/vtepd |ExecStart=$VTEPD |" "$UNIT" > "$VT_TMP/units/vtepd@$L.service"
man_opt=--man=no
man -w vtepd 2>/dev/null | grep -q . && man_opt=--man=yes
out=$(systemd-analyze verify $man_opt "$VT_TMP/units/vtepd@$L.service" 2>&1) ||
	vt_fail "systemd-analyze verify failed: $out"
[ -z "$out" ] || vt_fail "systemd-analyze verify is not clean: $out"
grep -qx 'Type=notify' "$UNIT" || vt_fail "the unit is not Type=notify"
grep -q '^WatchdogSec=' "$UNIT" || vt_fail "the unit has no WatchdogSec"
grep -qx 'RuntimeDirectoryPreserve=yes' "$UNIT" || vt_fail "an instance's stop would remove /run/vtepd"
vt_pass "the unit verifies clean"

# ---- the unit's ExecStart, %i substituted
exec_line=$(sed -n 's/^ExecStart=//p' "$UNIT")
read -r -a argv <<< "${exec_line//%i/$L}"
[[ ${argv[0]} == */sbin/vtepd ]] || vt_fail "ExecStart runs ${argv[0]}, not an sbin/vtepd"
[ "${argv[*]:1}" = "-c /etc/vtepd/$L.yaml" ] || vt_fail "ExecStart's arguments: ${argv[*]:1}"
argv[0]=$VTEPD
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ /,+/g')
[ -n "$caps" ] || vt_fail "the unit has no CapabilityBoundingSet"

# ---- the leaf: underlay ul0 to a peer namespace (10.0.0.9 a configured BGP neighbour that
# nobody answers for, 10.0.0.8 a stranger); container c1 by netns, c2 by a process's pid
vt_ns "${VT_P}t"
vt_ns "${VT_P}i"
vt_ns "${VT_P}c1"
vt_ns "${VT_P}c2"
vt_link "${VT_P}t" ul0 "${VT_P}i" ul0
ip -n "${VT_P}t" addr add 10.0.0.1/24 dev ul0
ip -n "${VT_P}i" addr add 10.0.0.9/24 dev ul0
ip -n "${VT_P}i" addr add 10.0.0.8/24 dev ul0
ip netns exec "${VT_P}c2" sleep 300 &
holder=$!
VT_PIDS+=("$holder")
mkdir -p "$VT_TMP/etc/vtepd" "$VT_TMP/etc.work"
cat > "$VT_TMP/etc/vtepd/$L.yaml" <<EOF
vtep: {name: $L, source_ip: 10.0.0.1}
underlay: {port: 'net_af_xdp0,iface=ul0'}
fastpath: {mac_table_size: 4096, mbufs: 8192}
vnis: [{vni: 100}]
ports:
  - {name: c1, vni: 100, netns: ${VT_P}c1}
bgp:
  asn: 65001
  neighbors: [{address: 10.0.0.9, remote_as: 65009}]
EOF

# listen.py NOTIFY JOURNAL OUT VTEPCTL NAME: systemd's side of both sockets. Each datagram is a
# JSON line in OUT: sd_notify's assignments, or a journal entry's fields (native protocol,
# binary-safe values too). On READY=1 it asks the control socket at once (show ports, show bgp
# summary) and records what came back: READY must mean it answers with everything up.
cat > "$VT_TMP/listen.py" <<'EOF'
import json, os, select, socket, struct, subprocess, sys, time
notify_path, journal_path, out_path, vtepctl, name = sys.argv[1:6]
socks = {}
for kind, path in (("notify", notify_path), ("journal", journal_path)):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    socks[s] = kind
out = open(out_path, "a", buffering=1)

def journal_fields(data):
    f, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:                        # KEY\n, 64-bit little-endian length, value, \n
            k = line
            (n,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            v = data[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        f[k.decode()] = v.decode(errors="replace")
    return f

while True:
    r, _, _ = select.select(list(socks), [], [])
    for s in r:
        data, anc, _, _ = s.recvmsg(1 << 20, socket.CMSG_SPACE(64))
        for lvl, typ, d in anc:      # a large entry comes as a memfd
            if lvl == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                fd = struct.unpack("i", d[:4])[0]
                data = os.pread(fd, 1 << 24, 0)
                os.close(fd)
        rec = {"kind": socks[s], "t": time.monotonic()}
        if socks[s] == "notify":
            rec["fields"] = dict(l.split("=", 1) for l in data.decode().split("\n") if "=" in l)
            if rec["fields"].get("READY") == "1":
                p = subprocess.run([vtepctl, "-n", name, "-j", "show", "ports"], capture_output=True, text=True,
                                   timeout=10)
                b = subprocess.run([vtepctl, "-n", name, "-j", "show", "bgp", "summary"], capture_output=True,
                                   text=True, timeout=10)
                rec["ctl_rc"], rec["ctl_ports"], rec["ctl_bgp"] = p.returncode, p.stdout, b.stdout
        else:
            rec["fields"] = journal_fields(data)
        out.write(json.dumps(rec) + "\n")
EOF

# start_vtepd TAG [VAR=VALUE...]: the unit's ExecStart in a private mount namespace (the test's
# /etc/vtepd and journal socket), in namespace t, within the unit's capabilities; its stderr in
# $VT_TMP/TAG.log, the listener's records in $VT_TMP/TAG.jsonl. Sets VT_SVC_PID.
start_vtepd() {
	local tag=$1; shift
	local out=$VT_TMP/$tag.jsonl
	rm -f "$VT_TMP/$tag.notify" "$VT_TMP/$tag.journal"
	: > "$out"
	python3 "$VT_TMP/listen.py" "$VT_TMP/$tag.notify" "$VT_TMP/$tag.journal" "$out" "$VTEPCTL" "$L" &
	VT_PIDS+=("$!")
	vt_wait_for 5 test -S "$VT_TMP/$tag.journal" || vt_fail "the listener did not start"
	: > "$VT_TMP/$tag.log"
	local js
	js=$(stat -c '%d:%i' "$VT_TMP/$tag.log")
	VT_NAMES+=("$L")
	VT_PREFIXES+=("vtepd-$L")
	# JOURNAL_STREAM=@ means stderr's device:inode; VAR= (empty) leaves VAR out
	local envs=(env -u JOURNAL_STREAM -u NOTIFY_SOCKET -u WATCHDOG_USEC -u WATCHDOG_PID -u RUNTIME_DIRECTORY VTEPD_NO_HUGEPAGES=1
		    VTEPD_BPF_DIR="$VTEPD_BPF_DIR")
	local kv
	for kv in "$@"; do
		[ "$kv" = JOURNAL_STREAM=@ ] && kv=JOURNAL_STREAM=$js
		[[ $kv == *= ]] || envs+=("$kv")
	done
	unshare -m --propagation private sh -c '
		set -e
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc,workdir=$1/etc.work" /etc
		mount -t tmpfs tmpfs /run/systemd
		mkdir /run/systemd/journal
		touch /run/systemd/journal/socket
		mount --bind "$1/$2.journal" /run/systemd/journal/socket
		shift 3
		exec "$@"' sh "$VT_TMP" "$tag" - \
		"${envs[@]}" ip netns exec "${VT_P}t" setpriv --no-new-privs --bounding-set "-all,+$caps" \
		"${argv[@]}" 2> "$VT_TMP/$tag.log" > "$VT_TMP/$tag.out" &
	VT_SVC_PID=$!
	VT_PIDS+=("$VT_SVC_PID")
	VT_DAEMONS+=("$VT_SVC_PID")
}

# records TAG KIND [JQ-FILTER]: the listener's records of KIND, as JSON lines
records() { jq -c "select(.kind == \"$2\") | .fields ${3:+| $3}" "$VT_TMP/$1.jsonl"; }
ready_seen() { records "$1" notify 'select(.READY == "1")' | grep -q .; }

# ==== run 1: journal, notify, watchdog
# RUNTIME_DIRECTORY as systemd sets it for the unit's RuntimeDirectory=vtepd dpdk
vt_log "run 1: under a NOTIFY_SOCKET, JOURNAL_STREAM, WATCHDOG_USEC=1000000 and RUNTIME_DIRECTORY"
start_vtepd r1 NOTIFY_SOCKET="$VT_TMP/r1.notify" JOURNAL_STREAM=@ WATCHDOG_USEC=1000000 \
	RUNTIME_DIRECTORY=/run/vtepd:/run/dpdk
vt_wait_for 40 ready_seen r1 || vt_fail "no READY=1 within 40 s (stderr: $(tail -5 "$VT_TMP/r1.log"))"
vt_alive "$VT_SVC_PID" || vt_fail "vtepd exited"
ready=$(jq -c 'select(.kind == "notify" and .fields.READY == "1")' "$VT_TMP/r1.jsonl" | head -1)
[ "$(jq -r .ctl_rc <<< "$ready")" = 0 ] || vt_fail "READY=1 came before the control socket answered: $ready"
jq -r .ctl_ports <<< "$ready" | jq -e '.ports[] | select(.name == "c1")' >/dev/null ||
	vt_fail "READY=1 came before port c1 was attached: $ready"
jq -r .ctl_bgp <<< "$ready" | grep -q 10.0.0.9 || vt_fail "READY=1 came before the BGP neighbour was configured: $ready"
status=$(jq -r '.fields.STATUS // empty' <<< "$ready")
[[ $status == *"VTEP 10.0.0.1"*"1 VNIs"*"1 ports"*"BGP 0/1 established"* ]] ||
	vt_fail "READY=1's STATUS is '$status'"
[ "$(records r1 notify 'select(.READY == "1")' | wc -l)" = 1 ] || vt_fail "READY=1 more than once"
[ -d "/run/dpdk/vtepd-$L" ] || vt_fail "DPDK's runtime directory is not /run/dpdk/vtepd-$L (where dpdk-dumpcap looks) under systemd's RUNTIME_DIRECTORY"
vt_pass "READY=1 once the control socket answers, port and neighbour up; STATUS=$status"
eff=$(capsh --decode="$(sed -n 's/^CapEff:\t//p' "/proc/$VT_SVC_PID/status")")
[[ $eff == *cap_net_admin* && $eff != *cap_sys_module* ]] || vt_fail "vtepd does not run within the unit's capabilities: $eff"

# ---- log levels at run time
out=$(vt_ctl "$L" -j show log) || vt_fail "show log"
jq -e '.level == "info" and .destination == "journal"' <<< "$out" >/dev/null || vt_fail "show log: $out"
out=$(vt_ctl "$L" log level loud 2>&1) && vt_fail "log level loud was accepted: $out"
grep -q "'loud' is not a level: use err, warn, info or debug" <<< "$out" || vt_fail "log level loud: '$out'"
out=$(vt_ctl "$L" log level 2>&1) && vt_fail "log level without a level was accepted"
grep -q "usage: log level err|warn|info|debug" <<< "$out" || vt_fail "log level without a level: '$out'"
n_debug() { records r1 journal 'select(.PRIORITY == "7")' | wc -l; }
[ "$(n_debug)" = 0 ] || vt_fail "debug entries at level info"
vt_ctl "$L" log level debug >/dev/null || vt_fail "log level debug"
vt_ctl "$L" -j show log | jq -e '.level == "debug"' >/dev/null || vt_fail "show log after log level debug"
# the configured neighbour 10.0.0.9 refuses us: its retries (every 5 s at first) are debug lines
vt_wait_for 20 sh -c "[ \"\$(jq -c 'select(.kind == \"journal\" and .fields.PRIORITY == \"7\")' $VT_TMP/r1.jsonl | wc -l)\" -gt 0 ]" ||
	vt_fail "no debug entries after log level debug"
records r1 journal 'select(.PRIORITY == "7" and .VTEPD_PEER == "10.0.0.9" and (.MESSAGE | test("peer 10.0.0.9: ")))' |
	grep -q . || vt_fail "the neighbour's debug entries do not carry VTEPD_PEER=10.0.0.9: $(records r1 journal 'select(.PRIORITY == "7")')"
records r1 journal 'select(.CODE_FILE != null)' | grep -q . && vt_fail "entries carry CODE_FILE (log.c's, useless)"
vt_pass "log level debug: $(n_debug) debug entries, the refusing neighbour's with VTEPD_PEER"
vt_ctl "$L" log level err >/dev/null || vt_fail "log level err"
before=$(records r1 journal 'select(.PRIORITY == "6")' | wc -l)
vt_ctl "$L" detach c1 >/dev/null || vt_fail "detach c1"
vt_ctl "$L" attach c1 vni 100 netns "${VT_P}c1" >/dev/null || vt_fail "attach c1 at level err"
sleep 1
after=$(records r1 journal 'select(.PRIORITY == "6")' | wc -l)
[ "$after" = "$before" ] || vt_fail "info entries at level err: $(records r1 journal | tail -3)"
vt_ctl "$L" log level info >/dev/null
vt_pass "log level err silences info; bad levels refused"

# a port into a process's network namespace (/proc/PID/ns/net): within the unit's capabilities
vt_ctl "$L" attach c2 vni 100 pid "$holder" >/dev/null || vt_fail "attach by pid within the unit's capabilities"
vt_wait_for 5 sh -c "jq -r 'select(.kind == \"notify\") | .fields.STATUS // empty' $VT_TMP/r1.jsonl | grep -q '2 ports'" ||
	vt_fail "no STATUS= with 2 ports after an attach: $(records r1 notify)"
vt_pass "STATUS= follows a change (a port attached by pid)"

# a stranger connects to port 179: refused, its address in VTEPD_PEER
ip netns exec "${VT_P}i" python3 -c '
import socket, time
s = socket.create_connection(("10.0.0.1", 179), timeout=5, source_address=("10.0.0.8", 0))
time.sleep(0.3)
s.close()' || vt_fail "cannot connect to vtepd's BGP port"
peer_entry() {
	records r1 journal 'select(.VTEPD_PEER == "10.0.0.8" and .PRIORITY == "4" and
		(.MESSAGE | test("refused a connection from 10.0.0.8")) and .VTEPD_INSTANCE == "'"$L"'")' | grep -q .
}
vt_wait_for 10 peer_entry || vt_fail "no journal entry with VTEPD_PEER=10.0.0.8 for the refused connection: $(records r1 journal | tail -5)"
records r1 journal 'select(.VTEPD_PORT == "c1" and .VTEPD_VNI == "100" and .PRIORITY == "6" and
	(.MESSAGE | test("port c1 attached")) and .SYSLOG_IDENTIFIER == "vtepd")' | grep -q . ||
	vt_fail "no journal entry with VTEPD_PORT=c1 VTEPD_VNI=100 for the attach: $(records r1 journal | head -20)"
records r1 journal 'select(.VTEPD_PORT == "c2")' | grep -q . || vt_fail "no journal entry for c2's attach"
grep -E "info: |warning: |error: " "$VT_TMP/r1.log" && vt_fail "vtepd's lines went to stderr too"
vt_pass "journal: VTEPD_PEER, VTEPD_PORT, VTEPD_VNI, VTEPD_INSTANCE, PRIORITY, MESSAGE"

# ---- watchdog and STATUS over a quiet while
sleep 3
n_wd=$(records r1 notify 'select(.WATCHDOG == "1")' | wc -l)
[ "$n_wd" -ge 4 ] || vt_fail "only $n_wd WATCHDOG=1 under WATCHDOG_USEC=1000000"
n_status=$(records r1 notify 'select(.STATUS != null)' | wc -l)
[ "$n_status" -le 8 ] || vt_fail "$n_status STATUS= messages: sent per tick, not per change"
vt_pass "$n_wd WATCHDOG=1, $n_status STATUS= messages"

# ---- SIGTERM: STOPPING=1, clean exit
kill -TERM "$VT_SVC_PID"
for _ in $(seq 100); do vt_alive "$VT_SVC_PID" || break; sleep 0.1; done
vt_alive "$VT_SVC_PID" && vt_fail "vtepd did not stop on SIGTERM"
wait "$VT_SVC_PID"; rc=$?
[ "$rc" = 0 ] || vt_fail "vtepd exited with $rc on SIGTERM"
records r1 notify 'select(.STOPPING == "1")' | grep -q . || vt_fail "no STOPPING=1 on SIGTERM"
vt_pass "STOPPING=1 on SIGTERM, exit 0"

# ==== run 2: no JOURNAL_STREAM, no WATCHDOG_USEC: stderr as before
vt_log "run 2: without JOURNAL_STREAM and WATCHDOG_USEC"
start_vtepd r2 NOTIFY_SOCKET="$VT_TMP/r2.notify"
vt_wait_for 40 ready_seen r2 || vt_fail "run 2: no READY=1 within 40 s"
grep -qE "^vtepd\[[0-9.]+\] info: port c1 attached: VNI 100" "$VT_TMP/r2.log" ||
	vt_fail "run 2: no 'port c1 attached' on stderr: $(head "$VT_TMP/r2.log")"
vt_ctl "$L" -j show log | jq -e '.destination == "stderr"' >/dev/null || vt_fail "run 2: show log"
sleep 2
records r2 journal | grep -q . && vt_fail "run 2: entries in the journal without JOURNAL_STREAM"
records r2 notify 'select(.WATCHDOG == "1")' | grep -q . && vt_fail "run 2: WATCHDOG=1 without WATCHDOG_USEC"
vt_pass "without JOURNAL_STREAM: lines on stderr, none in the journal; no watchdog without WATCHDOG_USEC"
exit 0
