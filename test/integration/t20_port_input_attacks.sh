#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Hostile or mistaken port input against a running leaf (issue 12): names that would be
# pasted into DPDK devargs ('y,iface=ul0'), bad netns names and memif paths, a MAC another
# port has, addresses no container may have, a full MAC table, a second vtepd on the same
# underlay, a foreign XDP program on the underlay, a FIFO as config. Each gets one clear
# error, nothing changes, and a ping across the two leaves keeps going throughout.
# Also: show ports gives an AF_XDP port's link state from the kernel.
source "$(dirname "$0")/lib.sh"

vt_fabric 3
for c in c1 c2 c9; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1 L2=${VT_P}-leaf2 L3=${VT_P}-leaf3
vt_leaf_conf 1 1500 "10.0.0.2" c1 192.168.40.1 02:00:00:00:01:01 1450
vt_leaf_conf 2 1500 "10.0.0.1" c2 192.168.40.2 02:00:00:00:02:01 1450
vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"
vt_vtepd "${VT_P}l2" "$L2" "$VT_TMP/leaf2.yaml"
vt_ping "${VT_P}c1" 192.168.40.2 || vt_fail "c1 -> c2 does not work to begin with"

xdp_id() { ip -n "${VT_P}l$1" -j link show "${2:-ul0}" | jq -r '.[0].xdp.prog.id // "none"'; }
state() {   # what must not change on leaf 1
	echo "xdp=$(xdp_id 1)"
	ip -n "${VT_P}l1" -j link show | jq -c '[.[] | [.ifname, (.xdp.prog.name // "")]] | sort'
	vt_ctl "$L1" -j show ports | jq -c '[.ports[] | [.name, .mac, .ip]]'
	vt_ctl "$L1" -j show macs | jq -c '[.macs[] | select(.vtep == null or .vtep == "-") | [.mac, .port]] | sort'
	cat "/run/vtepd/$L1.ports"
}
[ "$(xdp_id 1)" != none ] || vt_fail "no XDP program on leaf 1's underlay to begin with"
before=$(state)

ip netns exec "${VT_P}c1" ping -D -i 0.2 -W 1 192.168.40.2 > "$VT_TMP/ping.log" 2>&1 &
pinger=$!
VT_PIDS+=("$pinger")
sleep 1

expect_error() {   # expected-substring, vtepctl args...
	local want=$1 out rc; shift
	out=$("$VTEPCTL" "$@" 2>&1 >/dev/null); rc=$?
	[ "$rc" -ne 0 ] || vt_fail "vtepctl $* succeeded, expected an error"
	[ "$(echo "$out" | wc -l)" -eq 1 ] || vt_fail "vtepctl $*: error is not one line: $out"
	echo "$out" | grep -qF -- "$want" || vt_fail "vtepctl $*: error '$out' does not say '$want'"
	[ "$(state)" = "$before" ] || vt_fail "vtepctl $* changed leaf 1: before:
$before
after:
$(state)"
}
N9=(netns "${VT_P}c9")
expect_error "bad port name 'y,iface=ul0'" -n "$L1" attach 'y,iface=ul0' vni 100 "${N9[@]}"
expect_error "bad port name 'y,iface=ul0'" -n "$L1" attach 'y,iface=ul0' vni 100 "${N9[@]}" mtu 9000
expect_error "bad port name 'a=b'" -n "$L1" attach 'a=b' vni 100 "${N9[@]}"
expect_error "bad port name '..'" -n "$L1" attach '..' vni 100 "${N9[@]}"
expect_error "bad port name" -n "$L1" attach "$(printf 'a\033b')" vni 100 "${N9[@]}"
expect_error "bad port name 'm,iface=ul0'" -n "$L1" attach 'm,iface=ul0' vni 100 memif auto
expect_error "bad interface name 'e,iface=ul0'" -n "$L1" attach c9 vni 100 "${N9[@]}" ifname 'e,iface=ul0'
expect_error "bad netns 'a b'" -n "$L1" attach c9 vni 100 netns 'a b'
expect_error "bad netns '..'" -n "$L1" attach c9 vni 100 netns ..
expect_error "bad memif socket '/run/vtepd/x,iface=ul0'" -n "$L1" attach m9 vni 100 memif /run/vtepd/x,iface=ul0
expect_error "bad memif socket '/run/vtepd/a=b'" -n "$L1" attach m9 vni 100 memif /run/vtepd/a=b
expect_error "MAC 02:00:00:00:01:01 is already port c1's" -n "$L1" attach c9 vni 100 "${N9[@]}" mac 02:00:00:00:01:01
expect_error "bad MAC" -n "$L1" attach c9 vni 100 "${N9[@]}" mac ff:ff:ff:ff:ff:ff
expect_error "bad MAC" -n "$L1" attach c9 vni 100 "${N9[@]}" mac 01:00:5e:00:00:01
for a in 0.0.0.0/0 192.168.40.9/0 127.0.0.1/8 224.0.0.1/24 255.255.255.255/32 192.168.40.0/24 192.168.40.255/24; do
	expect_error "$a is not a unicast host address" -n "$L1" attach c9 vni 100 "${N9[@]}" ip "$a"
done
ip -n "${VT_P}c9" link show eth0 >/dev/null 2>&1 && vt_fail "a refused attach left an interface in ${VT_P}c9"
vt_pass "names with devargs separators, bad netns/memif paths, taken or non-unicast MACs, bad addresses: refused"

# A second vtepd on leaf 1's underlay: refuses to start, names the interface and the owner.
sed "s/name: $L1\$/name: $L1-b/" "$VT_TMP/leaf1.yaml" | grep -v "^ports:\|^  - {name" > "$VT_TMP/leaf1b.yaml"
VT_NAMES+=("$L1-b"); VT_PREFIXES+=("vtepd-$L1-b")
eval "owner=\$VT_PID_${VT_P}_leaf1"
timeout 60 ip netns exec "${VT_P}l1" "$VTEPD" -c "$VT_TMP/leaf1b.yaml" > "$VT_TMP/second.log" 2>&1 &&
	vt_fail "a second vtepd on ul0 started"
grep -qF "ul0 is in use by vtepd '$L1' (pid $owner)" "$VT_TMP/second.log" ||
	vt_fail "second vtepd: no clear error naming ul0 and its owner: $(grep -i err "$VT_TMP/second.log" | head -3)"
[ "$(state)" = "$before" ] || vt_fail "the second vtepd changed leaf 1: $(state)"
vt_pass "a second vtepd on the same underlay refuses to start and leaves the running one alone"

# A foreign XDP program on an underlay: vtepd refuses to start and leaves it attached.
cat > "$VT_TMP/foreign.c" <<'EOF2'
#include <linux/bpf.h>
__attribute__((section("xdp"), used)) int foreign_pass(struct xdp_md *ctx) { return XDP_PASS; }
__attribute__((section("license"), used)) char _license[] = "GPL";
EOF2
clang -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c "$VT_TMP/foreign.c" -o "$VT_TMP/foreign.o" ||
	vt_fail "cannot compile the foreign XDP program"
ip -n "${VT_P}l3" link set dev ul0 xdpgeneric obj "$VT_TMP/foreign.o" sec xdp || vt_fail "cannot attach the foreign program"
fid=$(xdp_id 3)
vt_conf_base "$L3" 10.0.0.3 > "$VT_TMP/leaf3.yaml"
printf 'vnis:\n  - vni: 100\n' >> "$VT_TMP/leaf3.yaml"
VT_NAMES+=("$L3"); VT_PREFIXES+=("vtepd-$L3")
timeout 60 ip netns exec "${VT_P}l3" "$VTEPD" -c "$VT_TMP/leaf3.yaml" > "$VT_TMP/foreign.log" 2>&1 &&
	vt_fail "vtepd started over a foreign XDP program"
grep -qF "ul0 has a foreign XDP program 'foreign_pass' (id $fid) attached" "$VT_TMP/foreign.log" ||
	vt_fail "no clear error naming the foreign program: $(grep -i err "$VT_TMP/foreign.log" | head -3)"
[ "$(xdp_id 3)" = "$fid" ] || vt_fail "the foreign XDP program was removed or replaced"
ip -n "${VT_P}l3" link set dev ul0 xdpgeneric off
vt_pass "a foreign XDP program is never removed: vtepd refuses to start, naming it"

# A full MAC table: the attach fails with a clear error and leaves nothing behind.
{
	vt_conf_base "$L3" 10.0.0.3 | sed 's/mac_table_size: 4096/mac_table_size: 1024/'
	printf 'vnis:\n  - vni: 100\n    static_macs:\n'
	for i in $(seq 0 1023); do printf '      - {mac: "02:aa:00:00:%02x:%02x", vtep: 10.0.0.2}\n' $((i / 256)) $((i % 256)); done
} > "$VT_TMP/leaf3.yaml"
vt_vtepd "${VT_P}l3" "$L3" "$VT_TMP/leaf3.yaml"
out=$(vt_ctl "$L3" attach c9 vni 100 "${N9[@]}" mac 02:00:00:00:09:09 2>&1) && vt_fail "attach into a full MAC table succeeded"
echo "$out" | grep -qF "the MAC table is full (1024 entries): MAC 02:00:00:00:09:09 not installed" ||
	vt_fail "no clear error for a full MAC table: $out"
ip -n "${VT_P}l3" link show c9 >/dev/null 2>&1 && vt_fail "the failed attach left c9 behind"
[ "$(vt_ctl "$L3" -j show ports | jq '.ports | length')" = 1 ] || vt_fail "the failed attach left a port listed"
vt_pass "a full MAC table fails the attach, which leaves nothing behind"

# A FIFO as the configuration: a clear error at once (no writer ever comes).
mkfifo "$VT_TMP/fifo.yaml"
out=$(timeout 10 "$VTEPD" --check-config -c "$VT_TMP/fifo.yaml" 2>&1); rc=$?
[ "$rc" = 1 ] || vt_fail "vtepd on a FIFO config exited with $rc (124: it hung): $out"
echo "$out" | grep -qF "$VT_TMP/fifo.yaml: not a regular file (a FIFO" || vt_fail "no clear error for a FIFO: $out"
# and the config loader names where a devargs separator is
printf '  - {name: "y,iface=ul0", vni: 100, netns: %s}\n' "${VT_P}c9" >> "$VT_TMP/leaf1.yaml"
out=$("$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" 2>&1) && vt_fail "config with port 'y,iface=ul0' accepted"
echo "$out" | grep -qE "leaf1.yaml:1[0-9]:[0-9]+: ports\[1\]\.name: 'y,iface=ul0' is not a valid interface name" ||
	vt_fail "no FILE:LINE:COLUMN error for the port name: $out"
vt_pass "a FIFO config is refused at once; a bad port name in the config gets FILE:LINE:COLUMN"

# The underlay kept forwarding throughout.
kill "$pinger" 2>/dev/null; wait "$pinger" 2>/dev/null
vt_ping "${VT_P}c1" 192.168.40.2 || vt_fail "c1 -> c2 no longer works"
n=$(grep -c "bytes from" "$VT_TMP/ping.log")
[ "$n" -ge 10 ] || vt_fail "the ping across the leaves got only $n replies"
gap=$(awk '/bytes from/ { gsub(/[\[\]]/, "", $1); if (last && $1 - last > max) max = $1 - last; last = $1 } END { printf "%.1f", max }' "$VT_TMP/ping.log")
[ "$(echo "$gap <= 3" | bc)" = 1 ] || vt_fail "the ping across the leaves stopped for $gap s"
vt_pass "the underlay kept forwarding ($n replies, longest gap $gap s)"

# show ports: an AF_XDP port's link follows the kernel (the container's end down: down).
link() { vt_ctl "$L1" -j show ports | jq -r --arg n "$1" '.ports[] | select(.name == $n) | .link'; }
vt_ctl "$L1" attach c9 vni 100 "${N9[@]}" >/dev/null || vt_fail "attach c9 failed"
vt_wait_for 5 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show ports | jq -r '.ports[] | select(.name == \"c9\") | .link')\" = up ]" ||
	vt_fail "c9's link is not up: $(link c9)"
ip -n "${VT_P}c9" link set eth0 down
vt_wait_for 5 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show ports | jq -r '.ports[] | select(.name == \"c9\") | .link')\" = down ]" ||
	vt_fail "c9's link still says $(link c9) with the container's end down"
ip -n "${VT_P}c9" link set eth0 up
vt_wait_for 5 bash -c "[ \"\$('$VTEPCTL' -n $L1 -j show ports | jq -r '.ports[] | select(.name == \"c9\") | .link')\" = up ]" ||
	vt_fail "c9's link did not come back up: $(link c9)"
[ "$(vt_ctl "$L1" -j show ports | jq -r '.ports[0].link')" = up ] || vt_fail "the underlay's link is not up"
vt_pass "show ports: an AF_XDP port's link state is the kernel's"

