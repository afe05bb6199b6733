#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/setup.sh: install everything `make check` needs on Debian 12.
# Run as root; idempotent; quiet unless something fails.
#
#  - enables bookworm-backports (for the 6.12-bpo headers) in a source file
#    of its own, /etc/apt/sources.list.d/pmguard-backports.sources
#  - enables bullseye, bullseye-security (5.10 and 6.1-deb11 kernels,
#    gcc-10 for the 5.10 headers), trixie, trixie-security and
#    trixie-backports (7.3 kernels) in /etc/apt/sources.list.d/
#    pmguard-kernels.sources, pinned to priority 100 by
#    /etc/apt/preferences.d/pmguard-kernels: nothing from them replaces a
#    bookworm package; only packages bookworm lacks (gcc-10) come from them
#  - apt-get update, then installs the packages below
#
# Kernels are not installed: tests/kernels/fetch downloads and extracts them
# into the cache (7.x builds happen in a trixie build root it debootstraps).
set -euo pipefail

PACKAGES=(
	# build: module, userland, static checks
	build-essential bc flex bison libelf-dev libssl-dev dwarves kmod
	pkg-config sparse perl git
	libnl-genl-3-dev libnl-3-dev libjson-c-dev libcmocka-dev libsystemd-dev
	# kernels: Debian's 6.1 source for the debug kernel, unpacking .debs
	linux-source-6.1 xz-utils zstd cpio dpkg-dev
	# 5.10 headers are built with gcc-10 (from bullseye), and their
	# sign-file (DKMS signs with it) links OpenSSL 1.1; 7.x headers build
	# in a trixie build root (debootstrap)
	gcc-10 libssl1.1 debootstrap
	# VM
	qemu-system-x86 busybox-static
	# the server scenario (tests/server): its image's qcow2 overlays and
	# mkfs.ext4 -d (debootstrap is above)
	qemu-utils e2fsprogs
	# used inside the guest (it runs on the host's root filesystem):
	# debuggers and a real sudo for the ptrace and sniffer scenarios
	gdb strace sudo python3 procps util-linux coreutils iproute2
	# a btrfs filesystem with subvolumes (tests/scenarios/btrfs-identity.sh)
	btrfs-progs
	# the reader's fuzzers (libFuzzer, sanitizers), make fuzz / make check
	clang libclang-rt-14-dev
	# the peers' recorder in make corpus, and a column of make bench
	bpftrace
)

SOURCES=/etc/apt/sources.list.d/pmguard-backports.sources
KSOURCES=/etc/apt/sources.list.d/pmguard-kernels.sources
KPREFS=/etc/apt/preferences.d/pmguard-kernels
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
want_ksources="Types: deb
URIs: http://deb.debian.org/debian
Suites: bullseye trixie trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bullseye-security trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
if [ "$(cat "$KSOURCES" 2>/dev/null)" != "$want_ksources" ]; then
	printf '%s\n' "$want_ksources" >"$KSOURCES"
fi
want_kprefs=
for suite in bullseye bullseye-security trixie trixie-security trixie-backports; do
	want_kprefs+="Package: *
Pin: release n=$suite
Pin-Priority: 100

"
done
if [ "$(cat "$KPREFS" 2>/dev/null)" != "$(printf '%s' "$want_kprefs")" ]; then
	printf '%s' "$want_kprefs" >"$KPREFS"
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
