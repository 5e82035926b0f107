#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# setup.sh: make this Debian 12 machine ready to build, run and test vtepd, then build it.
# Idempotent: installs only missing packages, reserves 2 MB hugepages only when too few
# are reserved, mounts hugetlbfs only when it is not mounted, and rebuilds incrementally.
#   scripts/setup.sh [BUILD_DIR [meson options...]]     (default: build)
# The options apply to BUILD_DIR whether new or not (CC, CFLAGS, LDFLAGS in the environment only
# when it is new), e.g. scripts/test.sh's build-release: -Dbuildtype=release -Dc_args="..." ...
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
shift || true

packages=(gcc clang llvm meson ninja-build pkg-config dpkg-dev
          libdpdk-dev dpdk dpdk-dev libbpf-dev libxdp-dev libelf-dev zlib1g-dev
          check libyaml-dev libyajl-dev libjansson-dev libmicrohttpd-dev libsystemd-dev containernetworking-plugins
          iproute2 iputils-ping iputils-arping ethtool jq tshark procps psmisc kmod
          frr gobgpd bc iperf3 iputils-tracepath traceroute
          podman runc conmon busybox-static criu docker.io curl prometheus
          debhelper scdoc groff-base systemd systemd-container libcap2-bin)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages (${missing[*]}); run as root to install them" >&2
		exit 1
	fi
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# prometheus is for promtool and one scrape in a test, never a server of its own: without
	# systemd as PID 1 its postinst runs the init script, so while it is installed a
	# policy-rc.d (only when there is none) refuses every start; under systemd its unit is
	# disabled and stopped again.
	prom=0 policy=/usr/sbin/policy-rc.d others=()
	for p in "${missing[@]}"; do
		if [ "$p" = prometheus ]; then prom=1; else others+=("$p"); fi
	done
	[ ${#others[@]} -eq 0 ] || apt-get install -y -q --no-install-recommends "${others[@]}"
	if [ "$prom" = 1 ]; then
		if [ -e "$policy" ]; then
			apt-get install -y -q --no-install-recommends prometheus
		else
			printf '#!/bin/sh\n# scripts/setup.sh: no service starts while prometheus is installed\nexit 101\n' > "$policy"
			chmod 755 "$policy"
			apt-get install -y -q --no-install-recommends prometheus || { rm -f "$policy"; exit 1; }
			rm -f "$policy"
		fi
		if [ -d /run/systemd/system ]; then
			systemctl disable --now prometheus.service >/dev/null 2>&1 || true
		fi
	fi
fi

# Hugepages: 1024 x 2 MB (two vtepd and a generator fit). vtepd runs without them, slower, when this fails.
want_pages=${VTEPD_HUGEPAGES:-1024}
if [ "$(id -u)" -eq 0 ]; then
	have=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
	if [ "$have" -lt "$want_pages" ]; then
		echo "$want_pages" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
		have=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
		[ "$have" -lt "$want_pages" ] &&
			echo "setup: warning: only $have of $want_pages hugepages could be reserved; vtepd falls back to --no-huge" >&2
	fi
	if ! grep -qs ' hugetlbfs ' /proc/mounts; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null ||
			echo "setup: warning: cannot mount hugetlbfs on /dev/hugepages" >&2
	fi
fi

cd "$top"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$@" >/dev/null
elif [ $# -gt 0 ]; then
	meson configure "$build" "$@" >/dev/null    # the options given win over an earlier set-up's
fi
if ! ninja -C "$build" > "$build/ninja.log" 2>&1; then
	cat "$build/ninja.log" >&2
	exit 1
fi
echo "setup: built $top/$build"
