#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test.sh: the whole test suite, from a fresh Debian 12 machine (as root) to a verdict.
#  1. installs what is missing and reserves hugepages (scripts/setup.sh),
#  2. builds four ways, all with -Werror: gcc (build, the demo's), clang, gcc with ASan+UBSan,
#     and gcc as packagers build it (build-release: -Dbuildtype=release, i.e. -O3, with Debian's
#     hardening flags from dpkg-buildflags: _FORTIFY_SOURCE, stack protector, format security,
#     relro and now),
#  3. runs the Check unit tests of build-clang, build-asan and build-release (build-asan is
#     already gcc at build's -O2, so build's own run would only repeat it),
#  4. runs the libFuzzer targets for a bounded time each, two at a time (one per core),
#  5. runs the integration tests (network namespaces) against the ASan+UBSan build and build-release;
#     a test with the line "# vt-suite: once" runs against the ASan build only: those whose
#     subject is the control plane's exchanges with other daemons (FRR, GoBGP, the config
#     loader) or container runtimes (CNI, podman, Docker, the API), where the release build
#     adds nothing the sanitizers do not check better.
# Ends with one line "N passed, M failed" and exits non-zero on any failure.
#   VTEPD_TEST_FILTER=REGEX   run only the integration tests whose file name matches
#   VTEPD_TEST_QUICK=1        integration tests against the ASan build only
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
passed=0
failed=0
failures=()

note() { echo "== $*"; }
record() {   # name rc
	if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

"$top/scripts/setup.sh" build || { echo "0 passed, 1 failed"; exit 1; }
note "build with clang"
CC=clang "$top/scripts/setup.sh" build-clang
record "build-clang" $?
note "build with gcc, ASan+UBSan"
"$top/scripts/setup.sh" build-asan -Db_sanitize=address,undefined -Db_lundef=false
record "build-asan" $?
# Debian's hardening flags as a package build gets them, less its -O2 and -g: the release build
# type chooses those, so that this one build is both the -O3 and the hardened variant.
note "build with gcc, release and dpkg-buildflags hardening"
release_cflags=()
for f in $(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS) \
	 $(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS); do
	case $f in -O?|-g) ;; *) release_cflags+=("$f") ;; esac
done
"$top/scripts/setup.sh" build-release -Dbuildtype=release -Dc_args="${release_cflags[*]}" \
	-Dc_link_args="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)"
record "build-release" $?

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/test/lsan.supp:print_suppressions=0}
for b in build-clang build-asan build-release; do
	[ -f "$b/build.ninja" ] || continue
	note "unit tests ($b)"
	meson test -C "$b" --suite unit --print-errorlogs --num-processes 2 --logbase "unit"
	while read -r name rc; do
		record "$b:unit:$name" "$rc"
	done < <(python3 - "$b/meson-logs/unit.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    print(t["name"], 0 if t["result"] in ("OK", "SKIP", "EXPECTEDFAIL") else 1)
PY
)
done

# libFuzzer targets for a bounded time each, seeded with their corpora: the BGP parser (real
# captures), the EVPN RIB against a model of the daemon (a few sequences), the config loader
# (the shipped configs), the fast path as it runs (one seed per path through it,
# test/fuzz/make_fastpath_corpus.py). Two at a time, one per core: nothing else runs meanwhile.
declare -A fuzz_dir fuzz_pid
fuzz_start() {   # target, seed directory, extra libFuzzer options...
	local target=$1 seeds=$2 dir
	shift 2
	dir=$(mktemp -d /tmp/vtepd-fuzz.XXXXXX)
	fuzz_dir[$target]=$dir
	if ! ninja -C build-clang "test/fuzz_$target" > "$dir/build.log" 2>&1; then
		fuzz_pid[$target]=build
		return
	fi
	(cd "$dir" && exec "$top/build-clang/test/fuzz_$target" -max_total_time="${VTEPD_FUZZ_SECONDS:-30}" \
		"$@" -print_final_stats=1 "$dir" "$seeds" > "$dir/fuzz.log" 2>&1) &
	fuzz_pid[$target]=$!
}
fuzz_finish() {   # target: wait for it and report
	local target=$1 dir=${fuzz_dir[$1]} rc
	note "fuzz $target (${VTEPD_FUZZ_SECONDS:-30} s)"
	if [ "${fuzz_pid[$target]}" = build ]; then
		cat "$dir/build.log"
		record "fuzz:$target(build)" 1
		rm -rf "$dir"
		return
	fi
	wait "${fuzz_pid[$target]}"
	rc=$?
	grep -E "stat::number_of_executed_units|Done [0-9]+ runs|ERROR|SUMMARY" "$dir/fuzz.log" | head -5
	if [ $rc -ne 0 ]; then
		tail -40 "$dir/fuzz.log"
		# the failing input, to rerun it from this log: base64 -d > in; build-clang/test/fuzz_X in
		for a in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
			[ -f "$a" ] || continue
			echo "failing input $(basename "$a"), base64:"
			base64 -w 120 "$a"
		done
	fi
	record "fuzz:$target" $rc
	rm -rf "$dir"
}
fuzz_start bgp_msg "$top/test/fuzz/corpus/bgp_msg" -dict="$top/test/fuzz/bgp_msg.dict"
fuzz_start evpn_rib "$top/test/fuzz/corpus/evpn_rib"
fuzz_finish bgp_msg
fuzz_finish evpn_rib
fuzz_start config "$top/conf"
fuzz_start fastpath "$top/test/fuzz/corpus/fastpath" -max_len=20000
fuzz_finish config
fuzz_finish fastpath

builds=(build-asan build-release)
[ -n "${VTEPD_TEST_QUICK:-}" ] && builds=(build-asan)
for b in "${builds[@]}"; do
	for t in "$top"/test/integration/t*.sh; do
		name=$(basename "$t" .sh)
		if [ -n "${VTEPD_TEST_FILTER:-}" ] && ! [[ $name =~ $VTEPD_TEST_FILTER ]]; then continue; fi
		if [ "$b" != "${builds[0]}" ] && grep -q '^# vt-suite: once$' "$t"; then continue; fi
		note "integration $name ($b)"
		start=$(date +%s)
		VT_BUILD="$top/$b" timeout --kill-after=10 300 bash "$t"
		rc=$?
		echo "-- $name ($b): $([ $rc -eq 0 ] && echo passed || echo "FAILED (exit $rc)") in $(( $(date +%s) - start )) s"
		record "$b:$name" "$rc"
	done
done

echo
if [ "$failed" -ne 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
