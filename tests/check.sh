#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/check.sh (`make check`): the one test command.
#
#   static    checkpatch --strict per file, sparse
#   userland  make -C userland; make -C userland test (cmocka, one test per
#             case); make -C userland fuzz FUZZ_SECONDS=5 (a short pass)
#   vm        tests/vm/run on every kernel: module build (-Werror),
#             scenarios, KUnit on debug
#   matrix    (after vm; "static" lines) a -Werror module build against
#             the headers of every other Debian flavour/version (MATRIX),
#             no boot
#
# Knobs (environment):
#   KERNELS="5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug"   kernels to build
#                  and boot (module build -Werror, then the scenarios)
#   MATRIX="5.10-cloud 6.1-rt ..."   compile-only kernels (tests/kernels/
#                  fetch names; headers only); MATRIX= (empty) skips it
#   SCENARIOS="atomic-shell benign"    scenarios to run (default: all)
#   SKIP_STATIC=1  SKIP_USERLAND=1  SKIP_VM=1 (VM off still builds per kernel)
#   SKIP_PACKAGING=1 (DKMS against 5.10/6.1/6.12/7.3 headers, make install/deb,
#                     and the systemd-as-init VM with the service)
#   VM_JOBS=2      kernels booted at once (default 2): the Debian kernels
#                  two at a time, one vCPU each, longest first, then the
#                  debug kernel alone with two vCPUs so that KASAN and
#                  lockdep see real concurrency.  Under TCG a guest with
#                  two vCPUs needs both host cores (its vCPU threads wait
#                  for each other), so two such guests at once were slower
#                  than one after the other, while two one-vCPU guests take
#                  about as long side by side as alone (README, "Test
#                  command").  VM_JOBS=1: one after the other, in the order
#                  of KERNELS, two vCPUs each.
#   SERVER_KERNELS="6.1 7.3"  the real-server scenario (tests/server/run: a
#                  Debian 12 image with systemd, the workload and controls
#                  in audit and enforce mode) on these kernels, one vCPU,
#                  as jobs of the VM pool; the recovery boots on the first
#                  one.  SERVER_KERNELS= (empty) or SKIP_VM=1 skips it;
#                  SERVER_IDLE (seconds, default 120) its idle period.
#   PMGUARD_CACHE=/var/cache/pmguard-test
#
# Every test prints one line "PASS|FAIL|SKIP <where> <name> [(reason)]";
# the last line is "N passed, N failed, N skipped".  Exit 1 if anything
# failed.  Logs: .build/results/.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
KERNELS=${KERNELS:-5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug}
SERVER_KERNELS=${SERVER_KERNELS-6.1 7.3}
MATRIX=${MATRIX-5.10-rt 5.10-cloud 6.1-rt 6.1-cloud 6.12-cloud 6.12-bpo 7.3-cloud}
OUT=$REPO/.build/results
mkdir -p "$OUT"
LINES=$OUT/check.lines
: >"$LINES"
START=$(date +%s)

# Result lines go to stdout and into $LINES (counted at the end).
result() { # STATUS WHERE NAME [REASON]
	local l="$1 $2 $3${4:+ ($4)}"
	echo "$l"
	echo "$l" >>"$LINES"
}
indent() { sed 's/^/    | /'; }
# Stages: "== NAME (elapsed)"; each one's duration goes to $STAGES
# ($OUT/stages.tsv; the host checks that run alongside the guests write
# $OUT/stages-host.tsv).
STAGE= STAGE_T0=$START STAGES=$OUT/stages.tsv
: >"$OUT/stages.tsv"
: >"$OUT/stages-host.tsv"
section() {
	local now
	now=$(date +%s)
	[ -z "$STAGE" ] || printf '%s\t%s\n' "$STAGE" $((now - STAGE_T0)) >>"$STAGES"
	STAGE=$* STAGE_T0=$now
	echo "== $* ($((now - START))s)"
}

# Where the time went: the stages, and a table of every step's seconds per
# kernel (from each tests/vm/run's times.tsv), also kept as $OUT/times.md.
time_summary() {
	local k f ks=()
	echo "Time per stage (s): $(awk -F'\t' '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' "$OUT/stages.tsv")"
	[ ! -s "$OUT/stages-host.tsv" ] ||
		echo "  alongside the guests (nice 10): $(awk -F'\t' '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' "$OUT/stages-host.tsv")"
	for k in $KERNELS; do
		[ ! -f "$OUT/$k/times.tsv" ] || ks+=("$k")
	done
	[ ${#ks[@]} -gt 0 ] || return 0
	for k in "${ks[@]}"; do
		sed "s/^/$k\t/" "$OUT/$k/times.tsv"
	done | awk -F'\t' -v kernels="${ks[*]}" '
	{ if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } t[$2, $1] = $3; sum[$2] += $3 }
	END {
		nk = split(kernels, k, " ")
		line = "| step |"; sep = "|---|"
		for (j = 1; j <= nk; j++) { line = line " " k[j] " |"; sep = sep "---:|" }
		print line " all |"; print sep "---:|"
		for (i = 1; i <= n; i++) {
			s = order[i]; line = "| " s " |"
			for (j = 1; j <= nk; j++) line = line " " ((s, k[j]) in t ? t[s, k[j]] : "") " |"
			print line " " sum[s] " |"
		}
	}' >"$OUT/times.md"
	echo "Seconds per step and kernel ($OUT/times.md):"
	sed 's/^/  /' "$OUT/times.md"
}

# Runs a component that prints result lines itself; keeps its lines.
run_component() { # WHERE COMMAND...
	local where=$1 tmp=$OUT/.component-$1.out rc=0
	shift
	"$@" | tee "$tmp" || rc=$?
	grep -E '^(PASS|FAIL|SKIP) ' "$tmp" >>"$LINES" || true
	# a component that failed without saying what failed still fails
	if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$tmp"; then
		result FAIL "$where" "$1" "exit $rc"
	fi
}

static_checks() {
	local src f rc kenv build log
	section static
	if ! src=$(tests/kernels/fetch source); then
		result FAIL static kernel-source "cannot prepare linux-source-6.1"
		return
	fi
	mkdir -p "$OUT/static"
	shopt -s nullglob
	for f in module/*.c module/*.h uapi/linux/*.h; do
		log=$OUT/static/checkpatch-${f//\//_}.log
		if perl "$src/scripts/checkpatch.pl" --strict --no-tree --no-summary --terse -f "$f" >"$log" 2>&1; then
			result PASS static "checkpatch:$f"
		else
			result FAIL static "checkpatch:$f" "$(grep -cE '(ERROR|WARNING|CHECK):' "$log") reports"
			indent <"$log" | head -n 40
		fi
	done
	shopt -u nullglob

	# sparse against the Debian 6.1 headers, on a private copy of the tree.
	if ! kenv=$(tests/kernels/fetch 6.1); then
		result FAIL static sparse "cannot fetch kernel 6.1"
		return
	fi
	build=$REPO/.build/sparse
	rm -rf "$build"
	mkdir -p "$build"
	cp -a Kbuild module uapi "$build/"
	log=$OUT/static/sparse.log
	rc=0
	(
		# shellcheck source=/dev/null
		. "$kenv"
		make -j"$(nproc)" -C "$KDIR" M="$build" C=2 modules
	) >"$log" 2>&1 || rc=$?
	# sparse reports on our files only; kernel headers are not ours to fix
	if grep -E "^($build/)?(module|uapi)/[^:]*:[0-9]+:([0-9]+:)? *(warning|error)" "$log" >"$log.ours"; then
		result FAIL static sparse "$(wc -l <"$log.ours") reports"
		indent <"$log.ours" | head -n 40
	elif [ "$rc" != 0 ]; then
		result FAIL static sparse "build failed"
		tail -n 30 "$log" | indent
	else
		result PASS static sparse
	fi
}

# A -Werror module build per compile-only kernel (headers only: cheap).
compile_matrix() {
	local k kenv build log kver kdir
	[ -n "$MATRIX" ] || return 0
	section "compile matrix"
	mkdir -p "$OUT/static"
	for k in $MATRIX; do
		log=$OUT/static/build-$k.log
		if ! kenv=$(tests/kernels/fetch "$k" 2>"$log"); then
			result FAIL static "build:$k" "cannot fetch the $k headers"
			tail -n 20 "$log" | indent
			continue
		fi
		# shellcheck source=/dev/null
		read -r kver kdir < <(. "$kenv"; echo "${KVER:?} ${KDIR:?}")
		build=$REPO/.build/matrix/$k
		rm -rf "$build"
		mkdir -p "$build"
		cp -a Kbuild module uapi "$build/"
		if tests/kernels/kmake "$kenv" make -j"$(nproc)" -C "$kdir" \
			M="$build" KCFLAGS=-Werror modules >>"$log" 2>&1 && [ -f "$build/module/pmguard.ko" ]; then
			result PASS static "build:$k" "$kver"
		else
			result FAIL static "build:$k" "module build failed"
			grep -E 'error|warning' "$log" | head -n 20 | indent
		fi
	done
}

# The reader is built once, here, before anything uses it (the guests run
# it; the unit tests, the fuzzers and the packages reuse its objects).
USERLAND_BUILT=0
# (With SKIP_USERLAND=1 too, silently: the guests need it.)
userland_build() {
	local log=$OUT/userland
	mkdir -p "$log"
	if [ ! -f userland/Makefile ]; then
		result SKIP userland all "userland/Makefile does not exist yet"
		return
	fi
	if make -C userland >"$log/build.log" 2>&1; then
		[ "${SKIP_USERLAND:-0}" = 1 ] || result PASS userland build
		USERLAND_BUILT=1
	else
		result FAIL userland build
		tail -n 40 "$log/build.log" | indent
	fi
}

userland_tests() {
	local log=$OUT/userland
	[ "$USERLAND_BUILT" = 1 ] || return 0
	section userland
	local rc=0 n
	make -C userland test >"$log/test.log" 2>&1 || rc=$?
	# cmocka: "== build/test_x" names the binary, then per case
	# "[ RUN      ] name" and its "[       OK ]/[  FAILED  ]/[  SKIPPED ] name".
	awk '
	/^== / { bin = $2; sub(/.*\//, "", bin); next }
	/^\[ RUN      \] / { name = $4; pending[bin "." name] = 1; order[++n] = bin "." name; next }
	/^\[ +(OK|FAILED|SKIPPED) +\] [A-Za-z_]/ {
		st = $0; sub(/^\[ */, "", st); sub(/ *\].*/, "", st)
		name = $0; sub(/^\[[^]]*\] /, "", name); key = bin "." name
		if (!(key in pending)) next
		delete pending[key]
		print (st == "OK" ? "PASS" : st == "FAILED" ? "FAIL" : "SKIP"), key
	}
	END { for (i = 1; i <= n; i++) if (order[i] in pending) print "FAIL", order[i], "(crashed)" }
	' "$log/test.log" >"$log/cases"
	while read -r st name reason; do
		result "$st" userland "$name" "${reason//[()]/}"
	done <"$log/cases"
	n=$(grep -c . "$log/cases" || true)
	if [ "$rc" != 0 ] && ! grep -q '^FAIL' "$log/cases"; then
		result FAIL userland "make-test" "exit $rc"
	fi
	if [ "$rc" != 0 ] || grep -q '^FAIL' "$log/cases"; then
		tail -n 60 "$log/test.log" | indent
	fi
	[ "$n" -gt 0 ] || [ "$rc" != 0 ] || result PASS userland make-test
	# A short pass of the policy-parser and event-decoder fuzzers (libFuzzer,
	# ASan, UBSan) from the committed corpora; make fuzz runs longer.
	if make -C userland fuzz FUZZ_SECONDS=5 >"$log/fuzz.log" 2>&1; then
		result PASS userland fuzz
	else
		result FAIL userland fuzz "see $log/fuzz.log"
		tail -n 40 "$log/fuzz.log" | indent
	fi
}

# The order the Debian kernels start in with VM_JOBS>1: longest first
# (their guest seconds in the last measured warm run), so that the lanes
# end together.  Kernels not listed keep their order, at the end.  The
# debug kernel is not in the pool: vm_tests runs it alone, after it (cold,
# its build at nice 10 gets the time the pool leaves).
VM_LONGEST_FIRST="5.10 6.1 6.12-rt 7.3 6.12 7.3-rt"
vm_order() {
	local k
	for k in $VM_LONGEST_FIRST; do
		[[ " $KERNELS " != *" $k "* ]] || echo "$k"
	done
	for k in $KERNELS; do
		[ "$k" != debug ] || continue
		[[ " $VM_LONGEST_FIRST " == *" $k "* ]] || echo "$k"
	done
}

# One kernel's output and result lines, once its run is over.
vm_show() { # KERNEL RC
	local tmp=$OUT/vm-$1.out
	cat "$tmp"
	grep -E '^(PASS|FAIL|SKIP) ' "$tmp" >>"$LINES" || true
	if [ "$2" != 0 ] && ! grep -q '^FAIL ' "$tmp"; then
		result FAIL "$1" tests/vm/run "exit $2"
	fi
}

# The server scenario's jobs ("server-KERNEL"), recovery boots on the first.
server_jobs() {
	local k
	[ "${SKIP_VM:-0}" != 1 ] || return 0
	for k in $SERVER_KERNELS; do echo "server-$k"; done
}
server_run() { # server-KERNEL: one vCPU, whatever the pool's width
	local k=${1#server-} args=(--idle "${SERVER_IDLE:-120}")
	[ "$k" != "${SERVER_KERNELS%% *}" ] || args+=(--recovery)
	tests/server/run --kernel "$k" "${args[@]}"
}

vm_tests() {
	local k rc jobs=${VM_JOBS:-2} args=() queue=() smp=2 servers=()
	local -A pid=() t0=()
	[ "${SKIP_VM:-0}" = 1 ] && args=(--build-only)
	if [ "${SKIP_VM:-0}" = 1 ]; then
		for k in $SERVER_KERNELS; do result SKIP "server-$k" all "SKIP_VM=1"; done
	fi
	mapfile -t servers < <(server_jobs)
	if [ "$jobs" -le 1 ]; then
		for k in $KERNELS; do
			section "kernel $k"
			run_component "$k" tests/vm/run --kernel "$k" "${args[@]}"
		done
		for k in "${servers[@]}"; do
			section "$k"
			run_component "$k" server_run "$k"
		done
		return
	fi
	# VM_JOBS>1: the pool, that many kernels at once, one vCPU each when
	# there is more than one (each one's output is shown when it ends);
	# then debug alone.  The server jobs (the longest: 13 to 16 min) start
	# second and third, once the first kernel has started: longest first
	# keeps the lanes even, and by then their image (built in the
	# background from the start) is ready.
	mapfile -t queue < <(vm_order)
	if [ ${#servers[@]} -gt 0 ]; then
		queue=("${queue[@]:0:1}" "${servers[@]}" "${queue[@]:1}")
	fi
	[ ${#queue[@]} -le 1 ] || smp=1
	section "kernels ($jobs at a time, $smp vCPU each)"
	while [ ${#queue[@]} -gt 0 ] || [ ${#pid[@]} -gt 0 ]; do
		while [ ${#queue[@]} -gt 0 ] && [ ${#pid[@]} -lt "$jobs" ]; do
			k=${queue[0]}
			queue=("${queue[@]:1}")
			echo "-- kernel $k starts ($(($(date +%s) - START))s)"
			if [[ $k == server-* ]]; then
				server_run "$k" >"$OUT/vm-$k.out" 2>&1 &
			else
				PMGUARD_SMP=$smp tests/vm/run --kernel "$k" "${args[@]}" \
					>"$OUT/vm-$k.out" 2>&1 &
			fi
			pid[$k]=$!
			t0[$k]=$(date +%s)
		done
		sleep 2
		for k in "${!pid[@]}"; do
			! kill -0 "${pid[$k]}" 2>/dev/null || continue
			rc=0
			wait "${pid[$k]}" || rc=$?
			unset "pid[$k]"
			echo "-- kernel $k ended after $(($(date +%s) - t0[$k]))s ($(($(date +%s) - START))s)"
			vm_show "$k" "$rc"
		done
	done
	if [[ " $KERNELS " == *" debug "* ]]; then
		section "kernel debug"
		run_component debug tests/vm/run --kernel debug "${args[@]}"
	fi
}

# A cold cache means a debug kernel build (about 6 min on an idle 2-core
# host): start it now, at low priority, so it overlaps the other kernels'
# runs; the debug guest, last, waits for it on the cache lock.  (At nice 5
# instead of 10 it took CPU from the guests, which then ran about 20%
# slower: measured 2026-12-07, a worse trade.  Warm, it returns at once.
# Interrupted, it resumes next time.)
if [[ " $KERNELS " == *" debug "* ]]; then
	nice -n 10 tests/kernels/fetch debug >"$OUT/debug-kernel.log" 2>&1 &
fi

# The server scenario's Debian image (debootstrap, 2 to 5 min cold; warm,
# a lookup): built now, in the background, ready before its first job.
if [ -n "$(server_jobs)" ] && [ "$(id -u)" = 0 ]; then
	nice -n 10 tests/server/image >"$OUT/server-image.log" 2>&1 &
fi

# Downloads (kernels, headers, the trixie build root) overlap the static
# checks and the guests: fetch everything in the background, in the order
# the guests start.  A run that needs a kernel first waits for it on the
# cache lock.
(
	if [ "${VM_JOBS:-2}" -le 1 ]; then order=$KERNELS; else order=$(vm_order); fi
	for k in $order $MATRIX; do
		[ "$k" = debug ] || nice -n 10 tests/kernels/fetch "$k" >/dev/null 2>&1 || true
	done
) >"$OUT/prefetch.log" 2>&1 &

# The host checks (static, the reader's tests, the compile matrix, the
# packaging) need no guest: they run alongside the guests, at nice 10, so
# that they take the core a guest leaves idle (most scenarios keep one vCPU
# busy, not two) and yield when a guest needs both.  HOST_PARALLEL=0 runs
# them in the foreground instead, before and after the guests.  Their output
# is shown once the guests are done.  The packaging's own packages (dkms,
# lintian, ...) are installed first: the guests share the host's root.
host_checks_before() {
	[ "${SKIP_STATIC:-0}" = 1 ] || static_checks
	[ "${SKIP_USERLAND:-0}" = 1 ] || userland_tests
}
host_checks_after() {
	[ "${SKIP_STATIC:-0}" = 1 ] || compile_matrix
	if [ "${SKIP_PACKAGING:-0}" != 1 ]; then
		section packaging
		run_component packaging tests/packaging/run
	fi
}
section setup
userland_build
if [ "${SKIP_PACKAGING:-0}" != 1 ] && [ "$(id -u)" = 0 ]; then
	tests/packaging/setup || echo "check: WARNING: tests/packaging/setup failed" >&2
fi
HOST_PID=
if [ "${HOST_PARALLEL:-1}" = 1 ]; then
	(
		STAGE= STAGES=$OUT/stages-host.tsv
		renice -n 10 "$BASHPID" >/dev/null 2>&1 || true
		host_checks_before
		host_checks_after
		section "host checks done"
	) >"$OUT/host-checks.out" 2>&1 </dev/null &
	HOST_PID=$!
else
	host_checks_before
fi
vm_tests
if [ "${SKIP_PACKAGING:-0}" != 1 ]; then
	section systemd-vm
	run_component systemd-vm tests/packaging/systemd-vm
fi
if [ -n "$HOST_PID" ]; then
	section "host checks (ran alongside the guests)"
	rc=0
	wait "$HOST_PID" || rc=$?
	cat "$OUT/host-checks.out"
	[ "$rc" = 0 ] || result FAIL host checks "exit $rc"
else
	host_checks_after
fi

section finished
time_summary
passed=$(grep -c '^PASS ' "$LINES" || true)
failed=$(grep -c '^FAIL ' "$LINES" || true)
skipped=$(grep -c '^SKIP ' "$LINES" || true)
if [ "$failed" -gt 0 ]; then
	echo "Failed:"
	grep '^FAIL ' "$LINES" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
