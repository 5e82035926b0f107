#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# demo.sh: two vtepd leaves, four containers, two VNIs, proven end to end.
#
#   scripts/demo.sh          install what is missing, build, run the demo, tear it down
#   scripts/demo.sh --keep   leave it running and print how to look around
#   scripts/demo.sh --down   tear down a demo left running with --keep
#
# By default it builds and runs the build tree's programs (VTEPD_BUILD, default build/). With
# VTEPD_PREFIX=DIR it runs an installed vtepd instead, builds nothing, and takes the sample
# configs from there: DIR/sbin/vtepd, DIR/bin/vtepctl, DIR/share/doc/vtepd/examples/ (the
# Debian package: VTEPD_PREFIX=/usr; `meson install --destdir T`: VTEPD_PREFIX=T/usr/local).
#
# Topology (every piece is a network namespace on this machine; traffic stays inside):
#
#   vd-c1a 192.168.10.1 (VNI 100) --+                          +-- vd-c2a 192.168.10.2 (VNI 100)
#                                   vd-leaf1 ==== underlay ==== vd-leaf2
#   vd-c1b 192.168.10.3 (VNI 200) --+  10.0.0.1   veth ul0     10.0.0.2  +-- vd-c2b 192.168.10.4 (VNI 200)
#
# Each leaf is one vtepd process (DPDK fast path, AF_XDP on the underlay and container veths).
# All four containers share one IP subnet, so only the VNI keeps VNI 100 and VNI 200 apart.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${VTEPD_BUILD:-$top/build}
state=/run/vtepd/demo
namespaces=(vd-leaf1 vd-leaf2 vd-c1a vd-c1b vd-c2a vd-c2b)

down() {
	local f pid
	for f in "$state"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid"
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null || true
		fi
		rm -f "$f"
	done
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	# vtepd keeps its list of container veths for its next start; the containers are gone now
	rm -f /run/vtepd/demo-leaf1.ports /run/vtepd/demo-leaf2.ports
	rmdir "$state" 2>/dev/null || true   # kept when it still holds the logs of a failed run
}

case "${1:-}" in
--down) down; rm -f "$state"/leaf*.log; rmdir "$state" 2>/dev/null; echo "demo: torn down"; exit 0 ;;
--keep | "") ;;
*) echo "usage: $0 [--keep | --down]" >&2; exit 2 ;;
esac
keep=${1:-}

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (namespaces, AF_XDP, hugepages)" >&2; exit 1; }
if [ -n "${VTEPD_PREFIX:-}" ]; then
	vtepd=$VTEPD_PREFIX/sbin/vtepd
	vtepctl=$VTEPD_PREFIX/bin/vtepctl
	confdir=$VTEPD_PREFIX/share/doc/vtepd/examples
	for f in "$vtepd" "$vtepctl" "$confdir/demo-leaf1.yaml" "$confdir/demo-leaf2.yaml"; do
		[ -e "$f" ] || { echo "demo: $f not found (VTEPD_PREFIX=$VTEPD_PREFIX)" >&2; exit 1; }
	done
	unset VTEPD_BPF_DIR   # the installed vtepd finds its own XDP objects
else
	"$top/scripts/setup.sh" "$(basename "$build")"
	export VTEPD_BPF_DIR=$build/dataplane/bpf
	vtepd=$build/control/vtepd
	vtepctl=$build/control/vtepctl
	confdir=$top/conf
fi

down   # idempotent: a previous demo's leftovers go first
mkdir -p "$state"
if [ -z "$keep" ]; then trap down EXIT; fi

echo "== building the topology"
for ns in "${namespaces[@]}"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add ul0 netns vd-leaf1 type veth peer name ul0 netns vd-leaf2
for i in 1 2; do
	ip -n "vd-leaf$i" addr add "10.0.0.$i/24" dev ul0
	ip -n "vd-leaf$i" link set ul0 up
	ip netns exec "vd-leaf$i" ethtool -K ul0 tx off >/dev/null 2>&1 || true
done

echo "== starting vtepd on both leaves"
for i in 1 2; do
	ip netns exec "vd-leaf$i" "$vtepd" -c "$confdir/demo-leaf$i.yaml" > "$state/leaf$i.log" 2>&1 &
	echo $! > "$state/leaf$i.pid"
done
for i in 1 2; do
	ok=
	for _ in $(seq 200); do
		if "$vtepctl" -n "demo-leaf$i" show ports >/dev/null 2>&1; then ok=1; break; fi
		kill -0 "$(cat "$state/leaf$i.pid")" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$ok" ]; then
		echo "demo: vtepd on leaf $i did not start; its log:" >&2
		cat "$state/leaf$i.log" >&2
		exit 1
	fi
done
"$vtepctl" -n demo-leaf1 show ports

failures=0
check_ping() {   # from-ns to-ip description expect(yes|no)
	local out replies
	out=$(ip netns exec "$1" ping -c 3 -i 0.2 -W 1 "$2" 2>&1 || true)
	replies=$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	replies=${replies:-0}
	if [ "$4" = yes ] && [ "$replies" -gt 0 ]; then
		echo "  ok   $3: $replies/3 replies"
	elif [ "$4" = no ] && [ "$replies" -eq 0 ]; then
		echo "  ok   $3: no reply, the VNIs are isolated"
	else
		echo "  FAIL $3: $replies/3 replies (expected $( [ "$4" = yes ] && echo replies || echo none))"
		failures=$((failures + 1))
	fi
}

echo "== same VNI reaches across the VXLAN underlay"
check_ping vd-c1a 192.168.10.2 "c1a -> c2a (VNI 100)" yes
check_ping vd-c2a 192.168.10.1 "c2a -> c1a (VNI 100)" yes
check_ping vd-c1b 192.168.10.4 "c1b -> c2b (VNI 200)" yes
check_ping vd-c2b 192.168.10.3 "c2b -> c1b (VNI 200)" yes
echo "== different VNIs stay apart (same IP subnet on purpose)"
check_ping vd-c1a 192.168.10.4 "c1a (VNI 100) -> c2b (VNI 200)" no
check_ping vd-c1b 192.168.10.2 "c1b (VNI 200) -> c2a (VNI 100)" no

echo "== what leaf 1 learned (vtepctl -n demo-leaf1 show macs)"
"$vtepctl" -n demo-leaf1 show macs
echo "== leaf 1's remote VTEPs (vtepctl -n demo-leaf1 show vteps)"
"$vtepctl" -n demo-leaf1 show vteps

if [ "$failures" -ne 0 ]; then
	echo "demo: $failures check(s) failed; vtepd logs are in $state/leaf1.log and leaf2.log" >&2
	exit 1
fi
echo "demo: all checks passed"
[ -n "$keep" ] || rm -f "$state"/leaf*.log   # nothing to read after a good run; the tear-down removes $state
if [ -n "$keep" ]; then
	cat <<EOF

The demo is still running. Look around:
  $vtepctl -n demo-leaf1 show vnis|macs|ports|vteps|stats    (add -j for JSON)
  ip netns exec vd-c1a ping 192.168.10.2
  $vtepctl -n demo-leaf1 attach c1c vni 100 netns vd-c1b ip 192.168.10.5/24   (a second port into a namespace)
Logs: $state/leaf1.log, $state/leaf2.log
Tear down: $0 --down
EOF
fi
