#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vt-suite: once
# The management API (issue 15): JSON over HTTP on vtepd's UNIX socket, driven with curl.
# One leaf (VNIs 100 and 200, BGP configured with a peer that never answers, the default MAC
# table of 1M slots, so that show macs takes 16 steps). Asserted: the socket is mode 0600, root's;
# every GET endpoint answers 200 with valid JSON (show macs streamed in chunks, filters and
# paging); two containers attached through POST /v1/ports ping each other, GET /v1/ports and
# vtepctl show them, DELETE /v1/ports/NAME detaches one (the veth goes) and a second DELETE
# is 404; on POST /v1/ports, POST /v1/vnis, POST /v1/vrfs and DELETE of a port, VNI or VRF,
# every class of bad input (bad JSON, not an object, unknown field, missing field, wrong
# type, out of range, oversize body, wrong Content-Type, a body where none is taken, a bad
# path parameter) answers its status with {"error": ..., "status": N} naming the field, and
# vtepctl show ports / vnis / vrfs are unchanged; handler errors map to statuses (unknown VNI
# 404, a name in use 409); POST/DELETE /v1/vnis run vni add/del (501 with a JSON error on a
# vtepd without those commands); POST/DELETE /v1/vrfs run vrf add/del (409 while a VNI is in
# it); POST /v1/reload applies a changed file (a VNI and a BGP neighbour added) and lists the
# change as vtepctl -j reload does, refuses a body, and answers a file it refuses (a bad value
# 400, a missing namespace or a run-time port in a VNI leaving the file 409) with vtepctl's
# FILE:LINE:COLUMN message, nothing changed; GET /v1/log is vtepctl -j show log, PUT /v1/log
# {"level"} sets what vtepctl shows, a bad level or body changes nothing; unknown paths 404,
# wrong methods 405 with Allow; a TCP
# listener on loopback answers 401 without the token or with a wrong one and 200 with it;
# a TCP listener without a token is refused at config load with FILE:LINE:COLUMN; every path
# of doc/openapi.yaml is implemented and every endpoint documented (and the document is valid
# OpenAPI 3.0 when openapi-spec-validator is installed); a client that sends half a request
# does not block vtepctl; the socket is gone after vtepd stops.
# As one command: VT_BUILD=$PWD/build bash test/integration/t33_api.sh
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || vt_fail "curl is not installed"

vt_fabric 1
for c in c1 c2; do vt_ns "${VT_P}$c"; done
L1=${VT_P}-leaf1
SOCK=/run/vtepd/$L1.api.sock
VT_FILES+=("$SOCK")
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$TOKEN" > "$VT_TMP/token"
chmod 600 "$VT_TMP/token"
{ vt_conf_base "$L1" 10.0.0.1 | sed 's/mac_table_size: 4096/mac_table_size: 1048576\n  runtime_vrfs: 1/'; cat <<EOF; } > "$VT_TMP/leaf1.yaml"
api:
  listen: 127.0.0.1:8089
  token_file: $VT_TMP/token
vnis:
  - vni: 100
  - vni: 200
bgp:
  asn: 65001
  router_id: 10.0.0.1
  neighbors:
    - {address: 10.0.0.9, remote_as: 65001}
EOF
"$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" >/dev/null ||
	vt_fail "config invalid: $("$VTEPD" --check-config -c "$VT_TMP/leaf1.yaml" 2>&1)"

# a TCP listener without a token: refused at load, where the listener is
sed '/token_file/d' "$VT_TMP/leaf1.yaml" > "$VT_TMP/notoken.yaml"
out=$("$VTEPD" --check-config -c "$VT_TMP/notoken.yaml" 2>&1) && vt_fail "a TCP listener without a token was accepted"
line=$(grep -n 'listen:' "$VT_TMP/notoken.yaml" | cut -d: -f1)
grep -q "notoken.yaml:$line:[0-9]*: api.listen: a TCP listener needs a token" <<<"$out" ||
	vt_fail "no FILE:LINE:COLUMN error for a listener without a token: $out"
vt_pass "a TCP listener without a token is refused at config load: $out"

vt_vtepd "${VT_P}l1" "$L1" "$VT_TMP/leaf1.yaml"

# the socket: there, mode 0600, root's
vt_wait_for 5 test -S "$SOCK" || vt_fail "no API socket $SOCK"
[ "$(stat -c '%a %U' "$SOCK")" = "600 root" ] || vt_fail "API socket mode/owner: $(stat -c '%a %U' "$SOCK")"
vt_pass "API socket $SOCK is mode 0600, owned by root"

# api METHOD PATH [BODY [CONTENT-TYPE]]: $CODE the status, $BODY the reply, $HDRS the headers
api() {
	local args=(-s -S --max-time 10 --unix-socket "$SOCK" -X "$1" -o "$VT_TMP/body" -D "$VT_TMP/hdrs" -w '%{http_code}')
	if [ $# -ge 3 ]; then
		args+=(-H "Content-Type: ${4:-application/json}" --data-binary @-)
		CODE=$(printf '%s' "$3" | curl "${args[@]}" "http://localhost$2")
	else
		CODE=$(curl "${args[@]}" "http://localhost$2" </dev/null)
	fi
	BODY=$(cat "$VT_TMP/body")
	HDRS=$(cat "$VT_TMP/hdrs")
}
# expect STATUS METHOD PATH [BODY [CT]]: the status, and a JSON body (an error's shape for >= 400)
expect() {
	local want=$1; shift
	api "$@"
	[ "$CODE" = "$want" ] || vt_fail "$1 $2 ${3:-}: status $CODE, expected $want: $BODY"
	jq -e . <<<"$BODY" >/dev/null || vt_fail "$1 $2: not JSON: $BODY"
	if [ "$want" -ge 400 ]; then
		jq -e --argjson s "$want" '(.status == $s) and (.error | type == "string" and length > 0) and
			(keys == ["error", "status"])' <<<"$BODY" >/dev/null || vt_fail "$1 $2: not the error shape: $BODY"
	fi
}
state() { { vt_ctl "$L1" -j show ports | jq -c '[.ports[].name]'; vt_ctl "$L1" -j show vnis | jq -c '[.vnis[].vni]'
	vt_ctl "$L1" -j show vrfs | jq -c '[.vrfs[].name]'; }; }

# every GET endpoint: 200 and JSON
for p in /v1/vnis /v1/vrfs /v1/ports /v1/macs /v1/routes /v1/neighbors /v1/vteps /v1/arp /v1/peers \
	/v1/evpn/routes /v1/stats "/v1/stats?section=fdb" "/v1/macs?vni=100&limit=5&count=false" \
	"/v1/evpn/routes?type=3" "/v1/evpn/routes?vni=100"; do
	expect 200 GET "$p"
done
api GET /v1/vnis
jq -e '[.vnis[].vni] == [100, 200]' <<<"$BODY" >/dev/null || vt_fail "GET /v1/vnis: $BODY"
api GET /v1/peers
jq -e '.neighbors // .peers // . | tostring | contains("10.0.0.9")' <<<"$BODY" >/dev/null ||
	vt_fail "GET /v1/peers does not show the neighbour: $BODY"
vt_pass "every GET endpoint answers 200 with JSON"

# attach two containers through the API, ping between them
BEFORE=$(state)
expect 201 POST /v1/ports "{\"name\":\"c1\",\"vni\":100,\"netns\":\"${VT_P}c1\",\"mac\":\"02:00:00:00:01:01\",\"ip\":\"192.168.20.1/24\"}"
jq -e '.attached == "c1"' <<<"$BODY" >/dev/null || vt_fail "POST /v1/ports: $BODY"
ip netns exec "${VT_P}c2" sleep 600 >/dev/null 2>&1 &
HOLDER=$!
VT_PIDS+=("$HOLDER")
sleep 0.2
expect 201 POST /v1/ports "{\"name\":\"c2\",\"vni\":100,\"pid\":$HOLDER,\"ifname\":\"eth7\",\"mac\":\"02:00:00:00:01:02\",\"ip\":\"192.168.20.2/24\",\"mtu\":1400}"
expect 200 GET /v1/ports
jq -e '[.ports[].name] | index("c1") != null and index("c2") != null' <<<"$BODY" >/dev/null ||
	vt_fail "GET /v1/ports does not list c1 and c2: $BODY"
vt_ctl "$L1" show ports | grep -q '^c2 ' || vt_ctl "$L1" show ports | grep -qw c2 || vt_fail "vtepctl does not show c2"
ip -n "${VT_P}c2" link show eth7 >/dev/null 2>&1 || vt_fail "c2 has no eth7"
vt_ping "${VT_P}c1" 192.168.20.2 || vt_fail "c1 -> c2 no reply through the API-attached ports"
vt_pass "two containers attached through POST /v1/ports ping each other"

# a name in use: 409; an unknown VNI: 404 (the handler's errors)
expect 409 POST /v1/ports "{\"name\":\"c1\",\"vni\":100,\"netns\":\"${VT_P}c1\"}"
expect 404 POST /v1/ports "{\"name\":\"c9\",\"vni\":555,\"netns\":\"${VT_P}c1\"}"
grep -q "555" <<<"$BODY" || vt_fail "unknown VNI error does not name it: $BODY"
vt_pass "handler errors: name in use 409, unknown VNI 404"

# show macs: 16 steps of 65536 slots (the default 1M-slot table), streamed as chunks; filtered by
# port, most steps find nothing, and the reply goes on from the next tick (api.c: stream_idle)
vt_ping "${VT_P}c1" 192.168.20.2 1 || true
api GET "/v1/macs"
[ "$CODE" = 200 ] && jq -e '.macs | type == "array"' <<<"$BODY" >/dev/null || vt_fail "GET /v1/macs: $CODE $BODY"
grep -qi '^transfer-encoding: chunked' <<<"$HDRS" || vt_fail "GET /v1/macs was not streamed: $HDRS"
jq -e '[.macs[].mac] | index("02:00:00:00:01:01") != null and index("02:00:00:00:01:02") != null' <<<"$BODY" >/dev/null ||
	vt_fail "GET /v1/macs lacks the containers' MACs: $BODY"
expect 200 GET "/v1/macs?port=c1"
jq -e '[.macs[].mac] == ["02:00:00:00:01:01"]' <<<"$BODY" >/dev/null || vt_fail "GET /v1/macs?port=c1: $BODY"
expect 200 GET "/v1/macs?limit=1"
jq -e '(.macs | length) == 1 and (.next_cursor | type == "number")' <<<"$BODY" >/dev/null || vt_fail "macs paging: $BODY"
expect 200 GET "/v1/macs?count=true"
jq -e '.count >= 2' <<<"$BODY" >/dev/null || vt_fail "macs count: $BODY"
expect 404 GET "/v1/macs?vni=555"
expect 400 GET "/v1/macs?vni=abc"
grep -q "'vni'" <<<"$BODY" || vt_fail "bad query value does not name the parameter: $BODY"
expect 400 GET "/v1/macs?colour=red"
grep -q "colour" <<<"$BODY" || vt_fail "unknown query parameter not named: $BODY"
expect 400 GET "/v1/vnis?x=1"
expect 400 GET "/v1/stats?section=nope"
vt_pass "GET /v1/macs streams (chunked), filters and pages; bad query parameters are 400 naming them"

# bad input on every POST/DELETE endpoint: the error, and nothing changed
BEFORE=$(state)
BIG=$(head -c 20000 /dev/zero | tr '\0' 'a')
bad() {    # bad STATUS FIELD-OR-'' METHOD PATH [BODY [CT]]
	local want=$1 field=$2; shift 2
	expect "$want" "$@"
	[ -z "$field" ] || grep -q "$field" <<<"$BODY" || vt_fail "$1 $2 ($want): the error does not name '$field': $BODY"
	[ "$(state)" = "$BEFORE" ] || vt_fail "$1 $2 with bad input changed the state: $(state) (was $BEFORE)"
}
for ep in ports vnis vrfs; do
	P=/v1/$ep
	bad 400 "JSON" POST $P '{"name": "x",'
	bad 400 "JSON" POST $P 'not json'
	bad 400 "object" POST $P '[1, 2]'
	bad 400 "empty" POST $P ''
	bad 400 "'bogus'" POST $P '{"bogus": 1, "name": "x", "vni": 100, "netns": "n"}'
	bad 400 "JSON" POST $P '{"vni": 100, "vni": 200}'
	bad 413 "" POST $P "{\"name\": \"$BIG\"}"
	bad 415 "Content-Type" POST $P '{"vni": 100}' text/plain
done
bad 400 "'vni'" POST /v1/ports '{"name": "c5", "netns": "x"}'
bad 400 "'name'" POST /v1/ports '{"vni": 100, "netns": "x"}'
bad 400 "netns,pid,memif" POST /v1/ports '{"name": "c5", "vni": 100}'
bad 400 "netns,pid,memif" POST /v1/ports "{\"name\": \"c5\", \"vni\": 100, \"netns\": \"x\", \"pid\": $HOLDER}"
bad 400 "'vni'" POST /v1/ports "{\"name\": \"c5\", \"vni\": \"100\", \"netns\": \"${VT_P}c1\"}"
bad 400 "'vni'" POST /v1/ports "{\"name\": \"c5\", \"vni\": 1.5, \"netns\": \"${VT_P}c1\"}"
bad 400 "'vni'" POST /v1/ports "{\"name\": \"c5\", \"vni\": 0, \"netns\": \"${VT_P}c1\"}"
bad 400 "'vni'" POST /v1/ports "{\"name\": \"c5\", \"vni\": 16777216, \"netns\": \"${VT_P}c1\"}"
bad 400 "'name'" POST /v1/ports "{\"name\": 5, \"vni\": 100, \"netns\": \"${VT_P}c1\"}"
bad 400 "'name'" POST /v1/ports "{\"name\": \"abcdefghijklmnop\", \"vni\": 100, \"netns\": \"${VT_P}c1\"}"
bad 400 "'mtu'" POST /v1/ports "{\"name\": \"c5\", \"vni\": 100, \"netns\": \"${VT_P}c1\", \"mtu\": true}"
bad 400 "'netns'" POST /v1/ports '{"name": "c5", "vni": 100, "netns": null}'
bad 400 "MAC" POST /v1/ports "{\"name\": \"c5\", \"vni\": 100, \"netns\": \"${VT_P}c1\", \"mac\": \"zz\"}"
bad 400 "'vni'" POST /v1/vnis '{"mtu": 1500}'
bad 400 "'vni'" POST /v1/vnis '{"vni": "300"}'
bad 400 "'learning'" POST /v1/vnis '{"vni": 300, "learning": "on"}'
bad 400 "'flood'" POST /v1/vnis '{"vni": 300, "flood": "10.0.0.2"}'
bad 400 "'flood'" POST /v1/vnis '{"vni": 300, "flood": [1]}'
bad 400 "'max_macs'" POST /v1/vnis '{"vni": 300, "max_macs": -1}'
bad 400 "'gateway'" POST /v1/vnis '{"vni": 300, "gateway": {}}'
bad 400 "'l3vni'" POST /v1/vrfs '{"name": "blue"}'
bad 400 "'name'" POST /v1/vrfs '{"l3vni": 5000}'
bad 400 "'l3vni'" POST /v1/vrfs '{"name": "blue", "l3vni": "5000"}'
bad 400 "'l3vni'" POST /v1/vrfs '{"name": "blue", "l3vni": 16777216}'
bad 400 "'name'" POST /v1/vrfs '{"name": "abcdefghijklmnop", "l3vni": 5000}'
bad 400 "'advertise'" POST /v1/vrfs '{"name": "blue", "l3vni": 5000, "advertise": "10.9.0.0/16"}'
bad 400 "'advertise_subnets'" POST /v1/vrfs '{"name": "blue", "l3vni": 5000, "advertise_subnets": "on"}'
bad 400 "'max_ipv4_routes'" POST /v1/vrfs '{"name": "blue", "l3vni": 5000, "max_ipv4_routes": 10}'
bad 400 "body" DELETE /v1/vrfs/blue '{"force": true}'
bad 400 "'name'" DELETE /v1/vrfs/abcdefghijklmnop
bad 404 "nosuch" DELETE /v1/vrfs/nosuch
bad 400 "body" DELETE /v1/ports/c1 '{"force": true}'
bad 400 "body" DELETE /v1/vnis/100 '{"force": true}'
bad 400 "'name'" DELETE /v1/ports/abcdefghijklmnop
bad 404 "nosuch" DELETE /v1/ports/nosuch
bad 400 "'vni'" DELETE /v1/vnis/abc
bad 400 "'vni'" DELETE /v1/vnis/0
bad 400 "'vni'" DELETE /v1/vnis/99999999
bad 400 "query" DELETE "/v1/ports/c1?force=1"
bad 413 "" DELETE /v1/ports/c1 "$BIG"
vt_pass "bad JSON, unknown/missing/duplicate fields, wrong types and ranges, oversize bodies, wrong Content-Type on every POST/DELETE: JSON errors, nothing changed"

# unknown paths, wrong methods
bad 404 "" GET /v1/nosuch
bad 404 "" GET /v2/vnis
bad 404 "" GET /
bad 404 "" DELETE /v1/ports/
bad 405 "" PUT /v1/ports '{}'
grep -qi '^allow: GET, POST' <<<"$HDRS" || vt_fail "405 without Allow: $HDRS"
bad 405 "" DELETE /v1/vnis
bad 405 "" POST /v1/macs '{}'
bad 405 "" GET /v1/ports/c1
vt_pass "unknown paths 404, wrong methods 405 with Allow"

# VNIs at run time: vni add / vni del when this vtepd has them, else 501
api POST /v1/vnis '{"vni": 300, "mtu": 1400, "learning": false, "max_macs": 100, "flood": ["10.0.0.2", "10.0.0.3"]}'
if [ "$CODE" = 501 ]; then
	expect 501 POST /v1/vnis '{"vni": 300}'
	expect 501 DELETE /v1/vnis/300
	grep -q "vni" <<<"$BODY" || vt_fail "501 does not name the command: $BODY"
	[ "$(state)" = "$BEFORE" ] || vt_fail "a 501 changed the state"
	vt_pass "POST/DELETE /v1/vnis: 501 with a JSON error (this vtepd has no vni add/del)"
else
	[ "$CODE" = 201 ] || vt_fail "POST /v1/vnis: $CODE $BODY"
	vt_ctl "$L1" -j show vnis | jq -e '.vnis[] | select(.vni == 300) | .mtu == 1400 and .learning == false and
		.max_macs == 100 and .flood == "10.0.0.2 10.0.0.3"' >/dev/null ||
		vt_fail "VNI 300 not created as asked: $(vt_ctl "$L1" -j show vnis)"
	expect 409 POST /v1/vnis '{"vni": 300}'
	BEFORE=$(state)
	bad 400 "gateway" POST /v1/vnis '{"vni": 301, "gateway": "not-an-address"}'
	expect 200 DELETE /v1/vnis/300
	vt_ctl "$L1" -j show vnis | jq -e '[.vnis[].vni] | index(300) == null' >/dev/null || vt_fail "VNI 300 not deleted"
	expect 404 DELETE /v1/vnis/300
	vt_ping "${VT_P}c1" 192.168.20.2 || vt_fail "c1 -> c2 broken by adding/deleting VNI 300"
	vt_pass "POST /v1/vnis creates VNI 300 (409 twice), DELETE removes it (404 twice), VNI 100 undisturbed"
fi

# VRFs at run time: vrf add / vrf del (the room for one reserved by fastpath.runtime_vrfs)
PRE_VRF=$(state)
expect 201 POST /v1/vrfs '{"name": "blue", "l3vni": 5000, "max_ipv4_routes": 1024, "max_ipv6_routes": 1024}'
vt_ctl "$L1" -j show vrfs | jq -e '.vrfs[] | select(.name == "blue") | .l3vni == 5000 and .origin == "runtime"' >/dev/null ||
	vt_fail "VRF blue not created as asked: $(vt_ctl "$L1" -j show vrfs)"
expect 409 POST /v1/vrfs '{"name": "blue", "l3vni": 5001}'
expect 201 POST /v1/vnis '{"vni": 301, "vrf": "blue"}'
expect 409 DELETE /v1/vrfs/blue
grep -q 301 <<<"$BODY" || vt_fail "DELETE of a VRF with a VNI in it does not name the VNI: $BODY"
expect 200 DELETE /v1/vnis/301
expect 200 DELETE /v1/vrfs/blue
vt_ctl "$L1" -j show vrfs | jq -e '[.vrfs[].name] | index("blue") == null' >/dev/null || vt_fail "VRF blue not deleted"
expect 404 DELETE /v1/vrfs/blue
[ "$(state)" = "$PRE_VRF" ] || vt_fail "VRF add/del left a change: $(state | tr '\n' ' ') (was ${PRE_VRF//$'\n'/ })"
vt_pass "POST /v1/vrfs creates VRF blue (409 twice), DELETE refused (409) while VNI 301 is in it, then removes it (404 twice)"

# reload over the API (POST /v1/reload): vtepctl reload's handler, its JSON. The file unchanged:
# nothing; VNI 400 and neighbour 10.0.0.8 added to the file: applied and listed; then vtepctl
# -j reload of the original file undoes the same rows in the same document
CONF=$VT_TMP/leaf1.yaml
cp "$CONF" "$VT_TMP/leaf1.orig.yaml"
expect 200 POST /v1/reload
jq -e --arg f "$CONF" '. == {"file": $f, "changes": 0, "changed": []}' <<<"$BODY" >/dev/null ||
	vt_fail "POST /v1/reload of the unchanged file: $BODY"
sed -e '/^  - vni: 200$/a\  - vni: 400' -e '/address: 10.0.0.9/a\    - {address: 10.0.0.8, remote_as: 65001}' \
	"$VT_TMP/leaf1.orig.yaml" > "$CONF"
BEFORE=$(state)
bad 400 "POST /v1/reload takes no request body" POST /v1/reload '{}'
bad 400 "unknown query parameter 'dry_run'" POST "/v1/reload?dry_run=1"
bad 405 "" GET /v1/reload
grep -qi '^allow: POST' <<<"$HDRS" || vt_fail "GET /v1/reload: 405 without Allow: POST: $HDRS"
api GET /v1/peers
jq -e 'tostring | contains("10.0.0.8") | not' <<<"$BODY" >/dev/null || vt_fail "a refused reload added 10.0.0.8: $BODY"
expect 200 POST /v1/reload
RELOADED=$BODY
jq -e --arg f "$CONF" '.file == $f and .changes == (.changed | length) and
	any(.changed[]; . == {"kind": "vni", "name": "400", "action": "added", "detail": ""})' <<<"$RELOADED" >/dev/null ||
	vt_fail "POST /v1/reload does not list VNI 400 added: $RELOADED"
jq -e 'any(.changed[]; .kind == "neighbor" and .name == "10.0.0.8" and .action == "added")' <<<"$RELOADED" >/dev/null ||
	vt_fail "POST /v1/reload does not list neighbour 10.0.0.8 added: $RELOADED"
vt_ctl "$L1" -j show vnis | jq -e '[.vnis[].vni] | index(400) != null' >/dev/null ||
	vt_fail "POST /v1/reload did not add VNI 400: $(vt_ctl "$L1" -j show vnis)"
api GET /v1/peers
jq -e 'tostring | contains("10.0.0.8")' <<<"$BODY" >/dev/null || vt_fail "POST /v1/reload did not add neighbour 10.0.0.8: $BODY"
vt_ping "${VT_P}c1" 192.168.20.2 || vt_fail "c1 -> c2 broken by a reload that added VNI 400"
cp "$VT_TMP/leaf1.orig.yaml" "$CONF"
UNDONE=$(vt_ctl "$L1" -j reload) || vt_fail "vtepctl -j reload of the original file failed"
[ "$(jq -c 'keys' <<<"$UNDONE")" = "$(jq -c 'keys' <<<"$RELOADED")" ] &&
	[ "$(jq -c '[.changed[] | [.kind, .name]] | sort' <<<"$UNDONE")" = "$(jq -c '[.changed[] | [.kind, .name]] | sort' <<<"$RELOADED")" ] &&
	jq -e 'all(.changed[]; .action == "removed")' <<<"$UNDONE" >/dev/null ||
	vt_fail "vtepctl -j reload's answer does not mirror the API's: $UNDONE against $RELOADED"
vt_ctl "$L1" -j show vnis | jq -e '[.vnis[].vni] | index(400) == null' >/dev/null || vt_fail "VNI 400 stayed"
vt_pass "POST /v1/reload applies the changed file (VNI 400, neighbour 10.0.0.8) and lists it as vtepctl -j reload does; a body or query is 400, GET 405, nothing changed"

# a file the reload refuses: the error with FILE:LINE:COLUMN, the same text as vtepctl's, and
# nothing changed: a bad value (400), a namespace that does not exist (409, not 404: the
# request names nothing), a VNI that leaves the file with a run-time port in it (409)
BEFORE=$(state)
refused() {    # refused STATUS GREP-PATTERN: POST /v1/reload against the file now in $CONF
	local want=$1 pat=$2 ctl
	bad "$want" "" POST /v1/reload
	grep -qE "^reload: $CONF:$pat" <<<"$(jq -r .error <<<"$BODY")" ||
		vt_fail "POST /v1/reload ($want): not the FILE:LINE:COLUMN error '$CONF:$pat': $BODY"
	ctl=$(vt_ctl "$L1" reload 2>&1) && vt_fail "vtepctl reload accepted the file the API refused"
	grep -qF "$(jq -r .error <<<"$BODY")" <<<"$ctl" || vt_fail "vtepctl reload says '$ctl', the API $BODY"
	api GET /v1/peers
	jq -e 'tostring | contains("10.0.0.8") | not' <<<"$BODY" >/dev/null || vt_fail "a refused reload added 10.0.0.8"
	[ "$(state)" = "$BEFORE" ] || vt_fail "a refused reload changed the state: $(state)"
}
sed -e '/^  - vni: 200$/a\  - {vni: 500, mtu: 10}' -e '/address: 10.0.0.9/a\    - {address: 10.0.0.8, remote_as: 65001}' \
	"$VT_TMP/leaf1.orig.yaml" > "$CONF"
refused 400 "$(grep -n 'vni: 500' "$CONF" | cut -d: -f1):[0-9]+: vnis\[2\]\.mtu: 10 is out of range"
{ sed '/address: 10.0.0.9/a\    - {address: 10.0.0.8, remote_as: 65001}' "$VT_TMP/leaf1.orig.yaml"
  printf 'ports:\n  - {name: zz1, vni: 200, netns: %snosuch}\n' "$VT_P"; } > "$CONF"
refused 409 "$(grep -n 'name: zz1' "$CONF" | cut -d: -f1):[0-9]+: .*no network namespace ${VT_P}nosuch"
sed -e '/^  - vni: 100$/d' -e '/address: 10.0.0.9/a\    - {address: 10.0.0.8, remote_as: 65001}' \
	"$VT_TMP/leaf1.orig.yaml" > "$CONF"
refused 409 "[0-9]+:[0-9]+: vnis: VNI 100 leaves the file"
cp "$VT_TMP/leaf1.orig.yaml" "$CONF"
expect 200 POST /v1/reload
jq -e '.changes == 0' <<<"$BODY" >/dev/null || vt_fail "the refused reloads left something to do: $BODY"
vt_pass "POST /v1/reload of a refused file: 400/409 with FILE:LINE:COLUMN as vtepctl says it, nothing changed"

# the log level: GET /v1/log is vtepctl -j show log; PUT /v1/log {"level"} is log level
loglevel() { vt_ctl "$L1" -j show log | jq -r .level; }
expect 200 GET /v1/log
[ "$(jq -cS . <<<"$BODY")" = "$(vt_ctl "$L1" -j show log | jq -cS .)" ] ||
	vt_fail "GET /v1/log differs from vtepctl -j show log: $BODY"
jq -e '.level == "info" and (.destination | type == "string")' <<<"$BODY" >/dev/null || vt_fail "GET /v1/log: $BODY"
expect 200 PUT /v1/log '{"level": "debug"}'
jq -e '. == {"level": "debug", "was": "info"}' <<<"$BODY" >/dev/null || vt_fail "PUT /v1/log debug: $BODY"
[ "$(loglevel)" = debug ] || vt_fail "PUT /v1/log debug: vtepctl show log says $(loglevel)"
BEFORE=$(state)
bad 400 "field 'level': 'loud' is not one of err|warn|info|debug" PUT /v1/log '{"level": "loud"}'
bad 400 "field 'level': expected a string" PUT /v1/log '{"level": 3}'
bad 400 "missing required field 'level'" PUT /v1/log '{}'
bad 400 "unknown field 'destination'" PUT /v1/log '{"level": "err", "destination": "journal"}'
bad 400 "JSON" PUT /v1/log '{"level": "err", "level": "warn"}'
bad 400 "object" PUT /v1/log '"err"'
bad 400 "empty" PUT /v1/log ''
bad 415 "Content-Type" PUT /v1/log '{"level": "err"}' text/plain
bad 413 "" PUT /v1/log "{\"level\": \"$BIG\"}"
bad 405 "" POST /v1/log '{"level": "err"}'
grep -qi '^allow: GET, PUT' <<<"$HDRS" || vt_fail "POST /v1/log: 405 without Allow: GET, PUT: $HDRS"
bad 400 "takes no request body" GET /v1/log '{"level": "err"}'
[ "$(loglevel)" = debug ] || vt_fail "a refused PUT /v1/log changed the level to $(loglevel)"
expect 200 PUT /v1/log '{"level": "warn"}'
expect 200 GET /v1/log
jq -e '.level == "warn"' <<<"$BODY" >/dev/null && [ "$(loglevel)" = warn ] || vt_fail "level warn: $BODY, $(loglevel)"
expect 200 PUT /v1/log '{"level": "info"}'
grep -q 'log level debug (was info)' "$VT_TMP/$L1.log" || vt_fail "vtepd did not log the level set over the API"
vt_pass "GET /v1/log is vtepctl -j show log; PUT /v1/log sets the level vtepctl shows; a bad level or body is refused, level unchanged"

# a client that sends half a request does not hold the control thread: while it waits, vtepctl
# and another API client are served; then it sends the rest and gets its answer (the
# connection stayed open and was served after the others, not before them)
mkfifo "$VT_TMP/go"
python3 - "$SOCK" "$VT_TMP/go" > "$VT_TMP/half.out" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
s.sendall(b"POST /v1/ports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"na")
open(sys.argv[2]).read()         # until the test says go
s.sendall(b"me\": 1}")
print(s.recv(4096).decode(errors="replace").splitlines()[0])
EOF
HALF=$!
VT_PIDS+=("$HALF")
sleep 0.3
vt_ctl "$L1" show vnis >/dev/null || vt_fail "vtepctl failed while a client held half a request"
expect 200 GET /v1/vnis
kill -0 "$HALF" 2>/dev/null || vt_fail "the half-request client ended early: $(cat "$VT_TMP/half.out")"
echo go > "$VT_TMP/go"
wait "$HALF" || vt_fail "the half-request client failed"
grep -q '^HTTP/1.1 400' "$VT_TMP/half.out" || vt_fail "the completed half request: $(cat "$VT_TMP/half.out")"
vt_pass "a half-sent request does not block vtepctl or other API clients"

# detach through the API
expect 200 DELETE /v1/ports/c2
jq -e '.detached == "c2"' <<<"$BODY" >/dev/null || vt_fail "DELETE /v1/ports/c2: $BODY"
vt_wait_for 5 sh -c "! ip -n ${VT_P}c2 link show eth7 >/dev/null 2>&1" || vt_fail "c2's eth7 still there after DELETE"
vt_ctl "$L1" -j show ports | jq -e '[.ports[].name] | index("c2") == null' >/dev/null || vt_fail "vtepctl still shows c2"
expect 404 DELETE /v1/ports/c2
vt_pass "DELETE /v1/ports/c2 detaches it (veth gone), a second DELETE is 404"

# the TCP listener on loopback: the token or 401
tcp() {   # tcp [AUTH-HEADER]: status into CODE
	local h=()
	[ $# -gt 0 ] && h=(-H "$1")
	CODE=$(ip netns exec "${VT_P}l1" curl -s --max-time 10 -o "$VT_TMP/body" -w '%{http_code}' "${h[@]}" \
		http://127.0.0.1:8089/v1/vnis)
	BODY=$(cat "$VT_TMP/body")
}
tcp
[ "$CODE" = 401 ] && jq -e '.status == 401' <<<"$BODY" >/dev/null || vt_fail "TCP without token: $CODE $BODY"
tcp "Authorization: Bearer wrong$TOKEN"
[ "$CODE" = 401 ] || vt_fail "TCP with a wrong token: $CODE $BODY"
tcp "Authorization: Basic $TOKEN"
[ "$CODE" = 401 ] || vt_fail "TCP with a Basic header: $CODE $BODY"
tcp "Authorization: Bearer $TOKEN"
[ "$CODE" = 200 ] && jq -e '[.vnis[].vni] == [100, 200]' <<<"$BODY" >/dev/null || vt_fail "TCP with the token: $CODE $BODY"
vt_ctl "$L1" -j show stats | jq -e '.control.api_requests > 80 and .control.api_errors > 50 and
	.control.api_unauthorized == 3' >/dev/null || vt_fail "API counters: $(vt_ctl "$L1" -j show stats | jq -c .control)"
vt_pass "TCP listener on 127.0.0.1: 401 without or with a wrong token, 200 with it; counted in show stats"

# the OpenAPI document and the implementation agree
python3 - "$VT_TOP/doc/openapi.yaml" "$VT_TOP/control/mgmt/api_req.c" <<'EOF' || vt_fail "doc/openapi.yaml and the endpoints differ"
import re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert str(doc.get("openapi", "")).startswith("3.0"), "not OpenAPI 3.0"
documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops if m in ("get", "post", "delete", "put", "patch")}
src = open(sys.argv[2]).read()
table = src[src.index("api_endpoints[] = {"):]
implemented = set(re.findall(r'\{ "(GET|POST|PUT|DELETE)", "(/v1/[^"]*)"', table))
if documented != implemented:
    print("documented, not implemented:", sorted(documented - implemented))
    print("implemented, not documented:", sorted(implemented - documented))
    sys.exit(1)
for p, ops in doc["paths"].items():
    for m, op in ops.items():
        if m == "parameters":
            continue
        codes = set(str(c) for c in op["responses"])
        assert any(c.startswith("2") for c in codes), f"{m} {p}: no success response"
        assert any(c.startswith("4") for c in codes), f"{m} {p}: no error response"
try:
    from openapi_spec_validator import validate_spec
except ImportError:
    validate_spec = None
if validate_spec:
    validate_spec(doc)
    print("openapi-spec-validator: valid")
print(len(implemented), "endpoints documented and implemented")
EOF
vt_pass "doc/openapi.yaml documents exactly the implemented endpoints"

# the socket goes with vtepd
pid_var="VT_PID_${L1//-/_}"
kill -TERM "${!pid_var}"
vt_wait_for 10 sh -c "! kill -0 ${!pid_var} 2>/dev/null" || vt_fail "vtepd did not stop"
wait "${!pid_var}"; rc=$?
[ "$rc" = 0 ] || vt_fail "vtepd exited with status $rc on SIGTERM"
[ ! -e "$SOCK" ] || vt_fail "the API socket stayed after vtepd stopped"
vt_pass "the API socket is removed when vtepd stops"
