#!/bin/bash
# timeout: 3000
# The detection corpus (tests/corpus/README is docs/corpus.md): run every
# case in tests/corpus/cases/ one after the other, each in its own loginuid
# (1000 + its index), with pmguard loaded (audit mode, default policy) and
# its reader recording, and the bpftrace recorder (tests/corpus/trace.bt)
# noting the paths, fds, command lines and names that path-based detectors
# would see.  The verdicts are computed on the host (tests/corpus/evaluate.py).
. "$PMGUARD_REPO/tests/scenarios/lib.sh"
CORPUS=$PMGUARD_REPO/tests/corpus
OUT=$PMGUARD_OUT
mkdir -p "$OUT/cases"
: >"$OUT/cases.jsonl"

# Only some cases: CORPUS_CASES="art-1-sh ps" (names), exported by the
# wrapper that tests/corpus/run writes.
CORPUS_CASES=${CORPUS_CASES:-}

ulimit -l unlimited
BT_PID=
if command -v bpftrace >/dev/null && [ -e /sys/kernel/btf/vmlinux ]; then
	# Written to tmpfs, copied out at the end: the results share (9p) is
	# slow, and a slow reader makes bpftrace lose events.
	BPFTRACE_STRLEN=200 BPFTRACE_PERF_RB_PAGES=2048 \
		bpftrace "$CORPUS/trace.bt" >/tmp/corpus-trace.txt 2>"$OUT/trace.err" &
	BT_PID=$!
	for _ in $(seq 1 300); do
		grep -q READY /tmp/corpus-trace.txt 2>/dev/null && break
		kill -0 "$BT_PID" 2>/dev/null || break
		sleep 1
	done
	if ! grep -q READY /tmp/corpus-trace.txt 2>/dev/null; then
		log "bpftrace recorder did not start: $(head -c 500 "$OUT/trace.err")"
		kill "$BT_PID" 2>/dev/null; BT_PID=
	fi
else
	log "no bpftrace or no BTF on this kernel: peer detectors cannot be evaluated"
fi
log "recorder: ${BT_PID:-none}"

pmg_load
pmg_monitor "$OUT/events.jsonl"
"$PMGUARD_BIN" policy save >"$OUT/policy-before.conf"

header() { sed -n "1,12{s/^#[[:space:]]*$2:[[:space:]]*//p}" "$1" | head -n1; }

idx=0
for f in "$CORPUS"/cases/*.sh; do
	idx=$((idx + 1))
	name=$(header "$f" case)
	if [ -n "$CORPUS_CASES" ] && [[ " $CORPUS_CASES " != *" $name "* ]]; then
		continue
	fi
	lid=$((1000 + idx))
	work=/tmp/corpus/$name
	mkdir -p "$work"
	log "case $name (loginuid $lid)"
	t0=$EPOCHREALTIME
	rc=0
	(
		echo "$lid" >/proc/self/loginuid || exit 98
		cd "$work" && CASE_WORK=$work exec timeout -k 5 240 bash "$f"
	) >"$OUT/cases/$name.log" 2>&1 </dev/null || rc=$?
	t1=$EPOCHREALTIME
	# Nothing of a case outlives it (victims, stopped processes).  Bash
	# builtins only: under TCG every exec costs a good fraction of a second.
	for p in /proc/[0-9]*; do
		l=
		read -r l 2>/dev/null <"$p/loginuid"	# (a process that just exited: quiet)
		[ "$l" = "$lid" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	while read -r _ m _; do
		[[ $m == "$work"/* ]] && umount -l "$m"
	done </proc/mounts
	# The host (evaluate.py) adds what the case's header says.
	printf '{"case": "%s", "loginuid": %d, "rc": %d, "file": "%s", "t0": %s, "t1": %s}\n' \
		"$name" "$lid" "$rc" "${f##*/}" "$t0" "$t1" >>"$OUT/cases.jsonl"
	log "  rc $rc"
	[ "$rc" = 0 ] || sed 's/^/    | /' "$OUT/cases/$name.log" | tail -20
done

"$PMGUARD_BIN" policy save >"$OUT/policy-after.conf"
check "policy restored after the cases" cmp -s "$OUT/policy-before.conf" "$OUT/policy-after.conf"
pmg_monitor_stop
"$PMGUARD_BIN" stats --json >"$OUT/stats.json"
if [ -n "$BT_PID" ]; then
	kill -INT "$BT_PID"
	wait "$BT_PID"
	cp /tmp/corpus-trace.txt "$OUT/trace.txt"
fi
grep -q '^Lost' "$OUT/trace.txt" 2>/dev/null && log "WARNING: bpftrace lost events: $(grep '^Lost' "$OUT/trace.txt" | head -3)"
finish
