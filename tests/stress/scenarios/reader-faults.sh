#!/bin/bash
# timeout: 900
# The reader misbehaves while 4 processes open another process's files in
# a loop (fold_ms=0: every open is an event): a normal reader; the reader
# SIGKILLed and restarted every 2 s; a reader that stops reading (SIGSTOP,
# in its own session so nothing SIGHUPs it); no reader at all; a normal
# reader again.  The openers never block (opens per second in every phase
# compared with the first), and once quiet the counters are exact:
# allowed + alerted + denied == reported + dropped, seen == decided.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"
. "$PMGUARD_REPO/tests/stress/lib-stress.sh"
PHASE=${STRESS_PHASE_SECONDS:-12}

pmg_load fold_ms=0
sleep 100000 &
V=$!
openers rf "$V" mem environ maps mem
declare -A T0 T1

reader() { # reader FILE: start 'monitor --json' in its own session; sets RD
	setsid "$PMGUARD_BIN" monitor --json >>"$1" 2>>"$1.err" &
	RD=$!
}

phase_begin() { T0[$1]=$(date +%s); log "phase $1"; }
phase_end() { T1[$1]=$(date +%s); }

phase_begin normal
reader "$OUT/r-normal.jsonl"
sleep "$PHASE"
kill -TERM "$RD"; wait "$RD"
phase_end normal

phase_begin killed
end=$(( $(date +%s) + PHASE ))
kills=0
while [ "$(date +%s)" -lt "$end" ]; do
	reader "$OUT/r-killed.jsonl"
	sleep 2
	kill -KILL "$RD"; wait "$RD" 2>/dev/null
	kills=$((kills + 1))
done
phase_end killed

phase_begin stopped
reader "$OUT/r-stopped.jsonl"
sleep 1
check "stopped reader runs in its own session" \
	test "$(awk '{ print $6 }' /proc/$RD/stat)" = "$RD"
kill -STOP "$RD"
sleep "$PHASE"
state=$(awk '{ print $3 }' /proc/$RD/stat)
kill -CONT "$RD"
sleep 1
kill -TERM "$RD"; wait "$RD"; rc=$?
check "the stopped reader was stopped (state $state) and exits 0 after SIGCONT+SIGTERM (rc $rc)" \
	test "$state" = T -a "$rc" = 0
phase_end stopped

phase_begin none
sleep "$PHASE"
phase_end none

phase_begin again
reader "$OUT/r-again.jsonl"
sleep "$PHASE"
phase_end again

openers_stop
sleep 3
"$PMGUARD_BIN" stats --json >"$OUT/stats.json"
kill -TERM "$RD"; wait "$RD"
check "counters exact once quiet" accounting "$OUT/stats.json"
check "the stopped reader saw its overrun (lost record)" grep -q '"type":"lost"' "$OUT/r-stopped.jsonl"

json="{\"scenario\": \"reader-faults\", \"phase_seconds\": $PHASE, \"kills\": $kills, \"phases\": {"
sep=
for p in normal killed stopped none again; do
	read -r mn med mx n < <(ticks_report "${T0[$p]}" "${T1[$p]}" "$OUT"/rf-*.ticks)
	log "phase $p: opens/s min $mn median $med max $mx ($n s)"
	check "phase $p: the openers never stalled a whole second" test "${mn:-0}" -gt 0
	json+="$sep\"$p\": {\"min\": $mn, \"median\": $med, \"max\": $mx, \"seconds\": $n}"
	sep=", "
done
json+="}, \"stats\": $(cat "$OUT/stats.json")}"
echo "$json" >"$OUT/summary.json"
"$PY" - "$OUT/summary.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
base = s["phases"]["normal"]["median"] or 1
for p, v in s["phases"].items():
    print(f"{p:8} median {v['median']:6} opens/s  = {v['median'] / base:.2f} x normal")
PYEOF
kill "$V"
pmg_unload
finish
