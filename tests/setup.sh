#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/setup.sh: install everything `make check` needs on Debian 12.
# Run as root; idempotent; quiet unless something fails.
#
#  - enables bookworm-backports (for the 6.12 kernels) in a source file of
#    its own, /etc/apt/sources.list.d/pmguard-backports.sources
#  - apt-get update, then installs the packages below
#
# Kernels are not installed: tests/kernels/fetch downloads and extracts them
# into the cache.
set -euo pipefail

PACKAGES=(
	# build: module, userland, static checks
	build-essential bc flex bison libelf-dev libssl-dev dwarves kmod
	pkg-config sparse perl git
	libnl-genl-3-dev libnl-3-dev libjson-c-dev libcmocka-dev libsystemd-dev
	# kernels: Debian's 6.1 source for the debug kernel, unpacking .debs
	linux-source-6.1 xz-utils zstd cpio dpkg-dev
	# VM
	qemu-system-x86 busybox-static
	# used inside the guest (it runs on the host's root filesystem)
	gdb python3 procps util-linux coreutils iproute2
)

SOURCES=/etc/apt/sources.list.d/pmguard-backports.sources
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

die() {
	echo "setup: ERROR: $*" >&2
	[ ! -s "$LOG" ] || tail -n 40 "$LOG" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "run me as root"
# shellcheck source=/dev/null
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] ||
	echo "setup: WARNING: written for Debian 12 (bookworm), this is ${PRETTY_NAME:-unknown}" >&2

want_sources="Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
if [ "$(cat "$SOURCES" 2>/dev/null)" != "$want_sources" ]; then
	printf '%s\n' "$want_sources" >"$SOURCES"
fi

export DEBIAN_FRONTEND=noninteractive
# The archive is reached over the network: retry a few times.
retry() {
	local i
	for i in 1 2 3; do
		"$@" >"$LOG" 2>&1 && ! grep -q '^Err:' "$LOG" && return 0
		[ "$i" = 3 ] || sleep $((i * 10))
	done
	return 1
}
# (an "Err:" line for any source means its lists are stale or missing)
retry apt-get -q update || die "apt-get update failed"
retry apt-get -q install -y --no-install-recommends "${PACKAGES[@]}" ||
	die "apt-get install failed"

# Guest scenarios use Debian's interpreter by its absolute path.
[ -x /usr/bin/python3 ] || die "/usr/bin/python3 missing"
[ -f /usr/src/linux-source-6.1.tar.xz ] || die "/usr/src/linux-source-6.1.tar.xz missing"
exit 0
