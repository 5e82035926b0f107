# SPDX-License-Identifier: BSD-3-Clause
# lib.sh: helpers for vtepd's integration tests. Every test builds its own network
# namespaces and veth links (names carry a per-test prefix), sends traffic only inside
# them, and removes all of it on exit, pass or fail: processes by PID, namespaces, links,
# the daemons' socket and state files.
set -u

VT_TOP=${VT_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VT_BUILD=${VT_BUILD:-$VT_TOP/build}
VTEPD=$VT_BUILD/control/vtepd
VTEPCTL=$VT_BUILD/control/vtepctl
export VTEPD_BPF_DIR=$VT_BUILD/dataplane/bpf
VT_ID=${VT_ID:-$$}
VT_P=vt${VT_ID}             # prefix of every name this test makes
VT_TMP=$(mktemp -d /tmp/vtepd-test.XXXXXX)
VT_NAMESPACES=()
VT_PIDS=()
VT_NAMES=()                  # vtepd instance names (for socket/state files)
VT_DAEMONS=()                # vtepd PIDs: must exit 0 on SIGTERM, with no sanitizer report
VT_PREFIXES=()               # DPDK --file-prefix of every DPDK process: runtime dirs and hugepage files removed
VT_FILES=()                  # files to remove at the end (memif sockets ...)
PKTGEN=$VT_BUILD/perf/pktgen/pktgen
VT_FAILED=0

# jq 1.6 (Debian 12) ends `jq -e` with status 0 when its input is empty (1.7 says 4), so a
# check piped from a daemon that answered nothing would pass. In the tests, jq -e on an empty
# standard input fails. (jq -e reading a file is passed through.)
jq() {
	local a check=0 in
	for a in "$@"; do
		[ "$a" = -e ] && check=1
		[ -f "$a" ] && check=0 && break
	done
	if [ $check = 1 ]; then
		in=$(cat) || return 1
		[ -n "${in//[[:space:]]/}" ] || { echo "jq -e: empty input" >&2; return 4; }
		printf '%s\n' "$in" | command jq "$@"
	else
		command jq "$@"
	fi
}
export -f jq

vt_log() { echo "[$(date +%T)] $*"; }
vt_fail() { echo "FAIL: $*" >&2; VT_FAILED=1; exit 1; }
vt_pass() { echo "PASS: $*"; }

# vt_alive PID: running (a zombie does not count).
vt_alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $st != Z* ]]; }

vt_cleanup() {
	local rc=$?
	local pid ns name drc stopping=() pending left
	# vtepd first: SIGTERM must give a clean exit (status 0, nothing from ASan/UBSan/LSan).
	# All of them at once, each given 10 s from its SIGTERM (one after the other, a test's
	# leaves each took their exit time, most of a second with the sanitizers' leak check).
	for pid in "${VT_DAEMONS[@]}"; do
		kill -0 "$pid" 2>/dev/null || continue
		kill -TERM "$pid" 2>/dev/null
		stopping+=("$pid")
	done
	pending=("${stopping[@]}")
	for _ in $(seq 100); do
		left=()
		for pid in "${pending[@]}"; do vt_alive "$pid" && left+=("$pid"); done
		pending=("${left[@]}")
		[ ${#pending[@]} -eq 0 ] && break
		sleep 0.1
	done
	for pid in "${stopping[@]}"; do
		if vt_alive "$pid"; then
			kill -KILL "$pid"
			echo "FAIL: vtepd $pid did not exit within 10 s of SIGTERM" >&2
			rc=1
		fi
		wait "$pid" 2>/dev/null; drc=$?
		if [ "$drc" -ne 0 ]; then
			echo "FAIL: vtepd $pid exited with status $drc after SIGTERM" >&2
			rc=1
		fi
	done
	if grep -lE "AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|\.(c|h):[0-9]+:[0-9]+: runtime error:" "$VT_TMP"/*.log 2>/dev/null; then
		echo "FAIL: sanitizer report in the logs above" >&2
		rc=1
	fi
	for pid in "${VT_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${VT_PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "$rc" -ne 0 ] || [ "$VT_FAILED" -ne 0 ]; then
		for f in "$VT_TMP"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $(basename "$f") (last 40 lines) ----" >&2
			tail -n 40 "$f" >&2
		done
	fi
	for ns in "${VT_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	for name in "${VT_NAMES[@]}"; do
		rm -f "/run/vtepd/$name.sock" "/run/vtepd/$name.ports" "/run/vtepd/$name.vnis" "/run/vtepd/$name.vrfs"
	done
	for name in "${VT_PREFIXES[@]}"; do
		[ -n "$name" ] || continue
		rm -rf "/var/run/dpdk/$name"
		rm -f /dev/hugepages/"$name"map_* 2>/dev/null
	done
	for name in "${VT_FILES[@]}"; do
		rm -f "$name"
	done
	[ -n "${VT_KEEP_TMP:-}" ] || rm -rf "$VT_TMP"
	exit "$rc"
}
trap vt_cleanup EXIT
trap 'exit 130' INT TERM

# vt_ns NAME: a namespace with lo up and IPv6 off (no unsolicited multicast to skew counts).
vt_ns() {
	local ns=$1
	ip netns add "$ns" || vt_fail "cannot create netns $ns"
	VT_NAMESPACES+=("$ns")
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# vt_link NS1 IF1 NS2 IF2: a veth between two namespaces, up, checksum offload off.
vt_link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || vt_fail "veth $1:$2 - $3:$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
	ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1 || true
	ip netns exec "$3" ethtool -K "$4" tx off >/dev/null 2>&1 || true
}

# vt_fabric N: a switch namespace ${VT_P}sw with a bridge and N leaf namespaces ${VT_P}l1..lN,
# each with ul0 = 10.0.0.i/24 on the bridge.
vt_fabric() {
	local n=$1 i
	vt_ns "${VT_P}sw"
	ip -n "${VT_P}sw" link add br0 type bridge
	ip -n "${VT_P}sw" link set br0 up
	for i in $(seq "$n"); do
		vt_ns "${VT_P}l$i"
		vt_link "${VT_P}l$i" ul0 "${VT_P}sw" "p$i"
		ip -n "${VT_P}sw" link set "p$i" master br0
		ip -n "${VT_P}l$i" addr add "10.0.0.$i/24" dev ul0
	done
}

# vt_vtepd NS NAME CONFIG: start vtepd in NS and wait until its control socket answers.
# With VT_VTEPD_IN=PID (a holder process in NS), vtepd runs in that process's mount and network
# namespaces instead (nsenter), so it sees the mounts made there.
vt_vtepd() {
	local ns=$1 name=$2 conf=$3 pid run=(ip netns exec "$1")
	[ -z "${VT_VTEPD_IN:-}" ] || run=(nsenter -t "$VT_VTEPD_IN" -m -n)
	VT_NAMES+=("$name")
	VT_PREFIXES+=("vtepd-$name")
	"${run[@]}" "$VTEPD" -c "$conf" > "$VT_TMP/$name.log" 2>&1 &
	pid=$!
	VT_PIDS+=("$pid")
	VT_DAEMONS+=("$pid")
	eval "VT_PID_${name//-/_}=$pid"
	for _ in $(seq 200); do
		if "$VTEPCTL" -n "$name" show ports >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || vt_fail "vtepd $name exited during startup"
		sleep 0.1
	done
	vt_fail "vtepd $name did not answer on its control socket within 20 s"
}

vt_ctl() { local name=$1; shift; "$VTEPCTL" -n "$name" "$@"; }

# The tests' pings go VT_PING_GAP apart: a 64 KB ping's reply is back well within 50 ms even on
# the sanitizer build; at 200 ms apart, the 5 pings x sizes x pairs of vt_ping_sizes alone took
# most of t11, t12 and t26.
VT_PING_GAP=0.05

# vt_ping NS ADDR [COUNT]: succeed if ADDR answers (allows the first ARP/learning round trip).
# Each of the COUNT pings is given 2 s to be answered.
vt_ping() {
	ip netns exec "$1" ping -c "${3:-3}" -i "$VT_PING_GAP" -W 2 "$2" >/dev/null 2>&1
}

# vt_ping_start NS ADDR LOG: a ping from NS to ADDR every 20 ms in the background (PID in
# VT_PINGER), its output in LOG, for vt_ping_no_loss to check once the changes under test are done.
vt_ping_start() {
	ip netns exec "$1" ping -i 0.02 -W 1 "$2" > "$3" 2>&1 &
	VT_PINGER=$!
	VT_PIDS+=("$VT_PINGER")
	sleep 1
}

# vt_ping_no_loss LOG WHAT MIN: stop VT_PINGER; fail unless every reply came (no gap in
# icmp_seq up to the last one, no duplicate) and at least MIN of them. WHAT names the ping.
vt_ping_no_loss() {
	local log=$1 what=$2 min=$3 seqs n last
	sleep 1
	kill -INT "$VT_PINGER"
	wait "$VT_PINGER" 2>/dev/null
	seqs=$(grep 'bytes from' "$log" | grep -o 'icmp_seq=[0-9]*' | cut -d= -f2)
	n=$(echo "$seqs" | grep -c .)
	last=$(echo "$seqs" | tail -1)
	[ "$n" = "$last" ] && [ "$(echo "$seqs" | sort -n | uniq | wc -l)" = "$n" ] ||
		vt_fail "$what lost replies: $n replies up to icmp_seq $last: $(tail -3 "$log" | tr '\n' ' ')"
	[ "$n" -ge "$min" ] || vt_fail "$what got only $n replies: $(tail -3 "$log" | tr '\n' ' ')"
	vt_pass "$what (every 20 ms) lost nothing: $n replies, icmp_seq 1 to $last"
}

# vt_wait_for SECONDS CMD...: poll until CMD succeeds.
vt_wait_for() {
	local t=$1; shift
	for _ in $(seq $((t * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# vt_conf_base NAME VTEP-IP [AGING]: the head of a test leaf's config (AF_XDP underlay ul0,
# small tables); the test appends its vnis and ports.
vt_conf_base() {
	cat <<EOF
vtep:
  name: $1
  source_ip: $2
underlay:
  port: net_af_xdp0,iface=ul0
fastpath:
  mac_table_size: 4096
  mbufs: 8192
EOF
	[ -n "${3:-}" ] && echo "  mac_aging: $3"
	return 0
}

# vt_conf_l3_base NAME VTEP-IP: vt_conf_base for an L3 leaf: the anycast gateway MAC
# 0000.2222.3333 and the head of VRF tenant (L3 VNI 900001); the test appends the VRF's other
# keys, more VRFs, its vnis and ports.
vt_conf_l3_base() {
	vt_conf_base "$1" "$2" | sed 's/^  source_ip: .*/&\n  anycast_gateway_mac: 0000.2222.3333/'
	printf 'vrfs:\n  - name: tenant\n    l3vni: 900001\n'
}

# vt_frr NS NAME [VRF-NS...] < BGPD-CONF: run FRR's zebra and bgpd inside NS (their own sockets
# and pid files under $VT_TMP/NAME), killed by PID at cleanup. vtysh: vt_vtysh NAME -c "...".
# With VRF-NS (namespaces the test made), zebra runs with the network-namespace VRF backend
# (-n): each VRF-NS is an FRR VRF of the same name. zebra -n makes a VRF of every namespace in
# /run/netns, so both daemons run in a mount namespace of their own whose /run/netns holds only
# the VRF-NS given (never another test's namespaces); bgpd joins zebra's, as it opens
# /run/netns/VRF for its sockets in the VRF.
vt_frr() {
	local ns=$1 name=$2 dir=$VT_TMP/$2 zpid
	shift 2
	mkdir -p "$dir"
	chmod 0755 "$VT_TMP"        # FRR drops to user frr, which must reach its files
	echo "hostname $name" > "$dir/zebra.conf"
	cat > "$dir/bgpd.conf"
	chown -R frr:frr "$dir"
	# shellcheck disable=SC2016  # expanded by the inner bash
	local view='d=$1; shift; v=(); while [ "$1" != -- ]; do v+=("$1"); shift; done; shift
		[ ${#v[@]} -gt 0 ] || exec "$@"
		for n in "${v[@]}"; do touch "$d/$n.ns" && mount --bind "/run/netns/$n" "$d/$n.ns" || exit 1; done
		mount -t tmpfs -o mode=0755 vt-netns /run/netns || exit 1
		for n in "${v[@]}"; do touch "/run/netns/$n" && mount --bind "$d/$n.ns" "/run/netns/$n" || exit 1; done
		exec "$@"'
	ip netns exec "$ns" bash -c "$view" vt-frr "$dir" "$@" -- /usr/lib/frr/zebra ${1:+-n} -d -f "$dir/zebra.conf" \
		-i "$dir/zebra.pid" -z "$dir/zserv.api" --vty_socket "$dir" > "$VT_TMP/$name-zebra.log" 2>&1 ||
		vt_fail "zebra did not start in $ns"
	vt_wait_for 10 test -s "$dir/zebra.pid" || vt_fail "zebra wrote no pid file"
	zpid=$(cat "$dir/zebra.pid")
	VT_PIDS+=("$zpid")
	vt_wait_for 10 test -S "$dir/zserv.api" || vt_fail "zebra's zserv socket did not appear"
	nsenter -t "$zpid" -m -n /usr/lib/frr/bgpd -d -f "$dir/bgpd.conf" -i "$dir/bgpd.pid" -z "$dir/zserv.api" \
		--vty_socket "$dir" > "$VT_TMP/$name-bgpd.log" 2>&1 || vt_fail "bgpd did not start in $ns"
	vt_wait_for 10 test -s "$dir/bgpd.pid" || vt_fail "bgpd wrote no pid file"
	VT_PIDS+=("$(cat "$dir/bgpd.pid")")
}
vt_vtysh() { local name=$1; shift; vtysh --vty_socket "$VT_TMP/$name" "$@"; }

# vt_gobgp NS ASN ADDR PEER PEER_ASN: run GoBGP's gobgpd in NS as AS ASN (router id and
# local address ADDR) with one L2VPN/EVPN neighbour PEER in PEER_ASN, its API on
# 127.0.0.1:50051 inside NS, its log in $VT_TMP/gobgpd.log; killed by PID at cleanup.
# Its CLI: vt_gobgp_cli ARGS... (one gobgpd per test).
vt_gobgp() {
	local ns=$1 asn=$2 addr=$3 peer=$4 peer_asn=$5
	command -v gobgpd >/dev/null && command -v gobgp >/dev/null ||
		vt_fail "GoBGP is not installed (scripts/setup.sh installs it)"
	cat > "$VT_TMP/gobgpd.toml" <<EOF
[global.config]
  as = $asn
  router-id = "$addr"
  local-address-list = ["$addr"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$peer"
    peer-as = $peer_asn
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
EOF
	ip netns exec "$ns" gobgpd -t toml -f "$VT_TMP/gobgpd.toml" --api-hosts 127.0.0.1:50051 \
		> "$VT_TMP/gobgpd.log" 2>&1 &
	VT_PIDS+=("$!")
	VT_GOBGP_NS=$ns
}
vt_gobgp_cli() { ip netns exec "$VT_GOBGP_NS" gobgp -u 127.0.0.1 -p 50051 "$@"; }

# vt_bgp_established NAME WHAT [LOG]: wait up to 30 s for vtepd NAME's first BGP session to
# be Established, else fail saying WHAT was not, with show bgp summary and LOG's last lines.
vt_bgp_established() {
	vt_wait_for 30 bash -c "'$VTEPCTL' -n $1 -j show bgp summary | jq -e '.neighbors[0].state == \"Established\"' >/dev/null" ||
		vt_fail "$2 not established: $(vt_ctl "$1" show bgp summary)${3:+; $(tail -5 "$3" 2>&1)}"
}

# vt_kernel_vtep LEAF_NS LOCAL_IP MTU CONTAINER_NS MAC IP/LEN REMOTE...: the Linux kernel's own
# VXLAN as a leaf: vxlan100 (VNI 100, dstport 4789, no learning) and a container veth on bridge
# br100, MTU on both, an all-zero fdb entry (head-end replication) per remote VTEP.
vt_kernel_vtep() {
	local k=$1 local_ip=$2 mtu=$3 c=$4 mac=$5 ip=$6 r
	shift 6
	ip -n "$k" link add vxlan100 type vxlan id 100 local "$local_ip" dstport 4789 nolearning
	ip -n "$k" link set vxlan100 mtu "$mtu"
	ip -n "$k" link add br100 type bridge
	ip -n "$k" link set vxlan100 master br100
	vt_link "$k" "${c#"$VT_P"}h" "$c" eth0
	ip -n "$k" link set "${c#"$VT_P"}h" master br100
	ip -n "$k" link set vxlan100 up
	ip -n "$k" link set br100 up
	ip -n "$c" link set eth0 address "$mac" mtu "$mtu"
	ip -n "$c" addr add "$ip" dev eth0
	for r in "$@"; do
		ip netns exec "$k" bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst "$r"
	done
}

# vt_iperf3_tcp CLIENT_NS SERVER_NS SERVER_ADDR: a 1 s iperf3 TCP run that must complete; prints
# Mbit/s. (1 s is thousands of full segments even on the ASan build, 60 Mbit/s and more there:
# PMTU discovery is long done.)
vt_iperf3_tcp() {
	local srv bps
	ip netns exec "$2" iperf3 -s -1 -p 5201 > "$VT_TMP/iperf3-server.log" 2>&1 &
	srv=$!
	VT_PIDS+=("$srv")
	vt_wait_for 10 bash -c "ip netns exec $2 ss -ltn | grep -q ':5201'" || vt_fail "iperf3 server did not listen in $2"
	ip netns exec "$1" timeout 30 iperf3 -c "$3" -p 5201 -t 1 -J > "$VT_TMP/iperf3.json" 2>&1 ||
		vt_fail "iperf3 TCP $1 -> $3 failed: $(tail -5 "$VT_TMP/iperf3.json")"
	bps=$(jq '.end.sum_received.bits_per_second' "$VT_TMP/iperf3.json")
	[ "$(echo "$bps > 0" | bc)" = 1 ] || vt_fail "iperf3 $1 -> $3 received nothing"
	wait "$srv" 2>/dev/null || true
	echo "$bps / 1000000" | bc
}

# vt_pcap_clean PCAP MIN_FRAMES: at least MIN_FRAMES frames and none that tshark marks malformed
# or as an error; prints the number of frames.
vt_pcap_clean() {
	local total bad
	total=$(tshark -r "$1" 2>/dev/null | wc -l)
	bad=$(tshark -r "$1" -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null | wc -l)
	[ "$total" -ge "$2" ] || vt_fail "only $total frames captured in $(basename "$1")"
	[ "$bad" -eq 0 ] || vt_fail "tshark flags $bad frames: $(tshark -r "$1" -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | head -5)"
	echo "$total"
}

# vt_pktgen NAME SOCKET [pktgen options...]: our generator as the memif client of SOCKET, in
# the background (DPDK prefix $VT_P-NAME, log $VT_TMP/NAME.log); its PID in VT_PID_NAME.
vt_pktgen() {
	local name=$1 sock=$2 pid; shift 2
	VT_PREFIXES+=("${VT_P}-$name")
	"$PKTGEN" -l "${VT_PKTGEN_LCORE:-0}" --file-prefix "${VT_P}-$name" --huge-unlink --no-pci --no-telemetry \
		--log-level=notice --vdev "net_memif_$name,role=client,socket=$sock,socket-abstract=no,rsize=12" -- "$@" \
		> "$VT_TMP/$name.log" 2>&1 &
	pid=$!
	VT_PIDS+=("$pid")
	eval "VT_PID_${name//-/_}=$pid"
}

# vt_ping_sizes "SRC:DST ..." SIZE...: from each container SRC (name without the prefix), 5
# pings of each payload size to DST, DF as the kernel decides; every one must be answered.
vt_ping_sizes() {
	local pairs=$1 pair src dst s out
	shift
	for pair in $pairs; do
		src=${pair%%:*} dst=${pair##*:}
		for s in "$@"; do
			out=$(ip netns exec "${VT_P}$src" ping -q -c 5 -i "$VT_PING_GAP" -W 3 -s "$s" "$dst" 2>&1)
			echo "$out" | grep -q " 0% packet loss" ||
				vt_fail "$src -> $dst ping -s $s lost packets: $(echo "$out" | tail -2 | tr '\n' ' ')"
		done
	done
}

# vt_leaf_conf I UNDERLAY_MTU "FLOOD, LIST" [NAME IP MAC MTU]...: leaf I's config (instance
# ${VT_P}-leafI, VTEP 10.0.0.I) with one VNI 100 flooding to FLOOD and its container ports, each
# into namespace ${VT_P}NAME with an address in a /24.
vt_leaf_conf() {
	local i=$1 umtu=$2 flood=$3
	shift 3
	{
		vt_conf_base "${VT_P}-leaf$i" "10.0.0.$i" | sed "s/^  port: net_af_xdp0,iface=ul0\$/&\n  mtu: $umtu/"
		printf 'vnis:\n  - vni: 100\n    flood: [%s]\nports:\n' "$flood"
		while [ $# -gt 0 ]; do
			printf '  - {name: %s, vni: 100, netns: %s, ip: %s/24, mac: "%s", mtu: %s}\n' \
				"$1" "${VT_P}$1" "$2" "$3" "$4"
			shift 4
		done
	} > "$VT_TMP/leaf$i.yaml"
	"$VTEPD" --check-config -c "$VT_TMP/leaf$i.yaml" >/dev/null || vt_fail "generated config leaf$i invalid"
}

# vt_two_spines S1 S2: join two spine namespaces by link x (10.3.0.1, 10.3.0.2); each forwards
# and routes leaf I's VTEP 10.0.0.I directly (via 10.I.J.1, on links the caller made) and through
# the other spine when that link is gone. A route over a link without carrier is no route, as a
# routing protocol would withdraw it.
vt_two_spines() {
	local s j i
	vt_link "$1" x "$2" x
	for j in 1 2; do
		s=$([ "$j" = 1 ] && echo "$1" || echo "$2")
		ip netns exec "$s" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.ignore_routes_with_linkdown=1 \
			net.ipv4.conf.default.ignore_routes_with_linkdown=1
		ip -n "$s" addr add "10.3.0.$j/24" dev x
		for i in 1 2; do
			ip -n "$s" route add "10.0.0.$i/32" via "10.$i.$j.1" metric 10
			ip -n "$s" route add "10.0.0.$i/32" via "10.3.0.$((3 - j))" metric 20
		done
	done
}

# vt_busybox_tar FILE APPLET...: a container image as a tarball, for `podman import` or
# `docker import` (no registry here): a rootfs holding Debian's busybox-static as /bin/busybox
# and a link to it for each applet named.
vt_busybox_tar() {
	local tar=$1 dir a
	shift
	dir=$(mktemp -d "$VT_TMP/rootfs.XXXXXX")
	mkdir -p "$dir/bin"
	cp /bin/busybox "$dir/bin/"
	for a in "$@"; do ln -s busybox "$dir/bin/$a"; done
	tar -C "$dir" -cf "$tar" .
}

# vt_podman_conf DIR: podman isolated under DIR, for the tests that run it: DIR/containers.conf
# (exported as CONTAINERS_CONF) with default ulimits a container may set under a hard limit
# below podman's (nofile and nproc of 1048576 and more), the events log and the CNI plugins of
# this build first; and DIR/bin/runc, runc with its state in DIR/runc (a wrapper: conmon's
# cleanup call of podman would not pass --runtime-flag on). runc, not crun: Debian 12's crun
# refuses a hybrid cgroup hierarchy (v1 controllers plus an empty v2 mount), which this machine
# and many CI hosts have.
vt_podman_conf() {
	local pd=$1
	mkdir -p "$pd/bin"
	cat > "$pd/containers.conf" <<EOC
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
events_logfile_path = "$pd/events.log"
[network]
cni_plugin_dirs = ["$VT_BUILD/cni", "/usr/lib/cni"]
EOC
	export CONTAINERS_CONF=$pd/containers.conf
	printf '#!/bin/sh\nexec %s --root %s "$@"\n' "$(command -v runc)" "$pd/runc" > "$pd/bin/runc"
	chmod +x "$pd/bin/runc"
}

# vt_cgroup_remove CG: the cgroup /CG (a --cgroup-parent of the test's own) and all below it, in
# every hierarchy; waits up to 3 s each for the last process (conmon, a shim) to leave.
vt_cgroup_remove() {
	local m
	for m in /sys/fs/cgroup/*"$1" /sys/fs/cgroup/"$1"; do
		for _ in $(seq 30); do
			[ -d "$m" ] || break
			find "$m" -depth -type d -exec rmdir {} \; 2>/dev/null
			[ -d "$m" ] && sleep 0.1
		done
	done
	return 0
}
