#!/bin/bash
# timeout: 1200
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
CATCHUP=${STRESS_CATCHUP_SECONDS:-120}
STOP_MAX=${STRESS_STOP_MAX_SECONDS:-60}

# sock_sum PID COLUMN: a column of /proc/net/netlink (5: Rmem, bytes
# queued; 9: Drops) summed over the process's netlink sockets.
sock_sum() {
	local inodes
	inodes=$(ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
	awk -v l="$inodes" -v c="$2" 'BEGIN { n = split(l, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		NR > 1 && ($10 in want) { s += $c } END { print s + 0 }' /proc/net/netlink
}

# last_access_time FILE: the decision time of the last complete access
# record in FILE (ISO 8601, UTC, ns), cheaply: no python in the loop, which
# on the debug kernel would compete with the openers for the 2 vCPUs.
last_access_time() {
	tail -c 300000 "$1" 2>/dev/null | head -n -1 | grep '"type":"access"' | tail -n 1 |
		sed -n 's/.*"time":"\([^"]*\)".*/\1/p'
}

# after_resume FILE T: the access events in FILE decided after unix time T
# (prints their number; exit 1 if none).
after_resume() {
	"$PY" - "$1" "$2" <<'PYEOF'
import json, sys, datetime
t = float(sys.argv[2])
n = 0
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue        # the line being written
    if r.get("type") == "access":
        ts = datetime.datetime.strptime(r["time"][:26], "%Y-%m-%dT%H:%M:%S.%f").replace(
            tzinfo=datetime.timezone.utc).timestamp()
        n += ts > t
print(n)
sys.exit(0 if n else 1)
PYEOF
}

pmg_load fold_ms=0
sleep 100000 &
V=$!
control_start
openers rf "$V" mem environ maps mem
declare -A T0 T1

reader() { # reader NAME: 'monitor --json' in its own session, to tmpfs; sets RD
	setsid "$PMGUARD_BIN" monitor --json >>"/tmp/$1" 2>>"$OUT/$1.err" &
	RD=$!
}

phase_begin() { T0[$1]=$(date +%s); log "phase $1"; }
phase_end() { T1[$1]=$(date +%s); }

phase_begin normal
reader r-normal.jsonl
sleep "$PHASE"
kill -TERM "$RD"; wait "$RD"
phase_end normal

phase_begin killed
end=$(( $(date +%s) + PHASE ))
kills=0
while [ "$(date +%s)" -lt "$end" ]; do
	reader r-killed.jsonl
	sleep 2
	kill -KILL "$RD"; wait "$RD" 2>/dev/null
	kills=$((kills + 1))
done
phase_end killed

phase_begin stopped
reader r-stopped.jsonl
sleep 1
check "stopped reader runs in its own session" \
	test "$(awk '{ print $6 }' /proc/$RD/stat)" = "$RD"
kill -STOP "$RD"
sleep "$PHASE"
# It must overrun: on a slow guest (the debug kernel) PHASE seconds of
# opens may not fill its socket.  Stay stopped until the kernel dropped
# something for it, up to STOP_MAX seconds.
# (Wall-clock bounds: each poll itself takes seconds on the debug guest.)
stop_t0=$(( $(date +%s) - PHASE ))
while [ "$(sock_sum "$RD" 9)" = 0 ] && [ $(( $(date +%s) - stop_t0 )) -lt "$STOP_MAX" ]; do
	sleep 2
done
stopped_s=$(( $(date +%s) - stop_t0 ))
state=$(awk '{ print $3 }' /proc/$RD/stat)
backlog=$(sock_sum "$RD" 5)
drops=$(sock_sum "$RD" 9)
kill -CONT "$RD"
resumed=$(date +%s.%N)
resumed_iso=$(date -u -d "@$resumed" +%Y-%m-%dT%H:%M:%S.%NZ)
# After SIGCONT the reader must catch up: events decided after it was
# resumed reach it (an overrun must not silence a reader for good).  Its
# socket still holds what was queued before the overrun (megabytes: the
# reader asks for a large receive buffer), decided before SIGCONT, and on
# a TCG guest it formats a few hundred records a second: those come
# first.  Wait for the first event decided after SIGCONT, the openers
# running all along, up to CATCHUP seconds.
caught=
while [ $(( $(date +%s) - ${resumed%.*} )) -lt "$CATCHUP" ]; do
	sleep 2
	t=$(last_access_time /tmp/r-stopped.jsonl)
	if [[ -n $t && $t > $resumed_iso ]]; then
		caught=$(( $(date +%s) - ${resumed%.*} ))
		break
	fi
done
kill -TERM "$RD"; wait "$RD"; rc=$?
check "the stopped reader was stopped (state $state) and exits 0 after SIGCONT+SIGTERM (rc $rc)" \
	test "$state" = T -a "$rc" = 0
phase_end stopped

phase_begin none
sleep "$PHASE"
phase_end none

phase_begin again
reader r-again.jsonl
sleep "$PHASE"
phase_end again

openers_stop
control_stop
sleep 3
pmg_stats_settled "$OUT/stats.json" || true	# pmg_accounting below reports it
kill -TERM "$RD"; wait "$RD"
cp /tmp/r-*.jsonl "$OUT/"
check "counters exact once quiet" pmg_accounting "$OUT/stats.json"
if [ "${drops:-0}" -gt 0 ]; then
	check "the stopped reader saw its overrun ($drops dropped: a lost record)" \
		grep -q '"type":"lost"' "$OUT/r-stopped.jsonl"
else
	log "the stopped reader's socket did not overrun in ${stopped_s} s (slow guest): no lost record expected"
fi
n_after=$(after_resume "$OUT/r-stopped.jsonl" "$resumed")
log "stopped reader: stopped ${stopped_s} s, $drops messages dropped and $backlog bytes queued in its sockets at SIGCONT; first event decided after SIGCONT: $([ -n "$caught" ] && echo "after $caught s" || echo "not within $CATCHUP s"); $n_after such events in all"
check "the resumed reader received events decided after SIGCONT (the first after ${caught:-more than $CATCHUP} s)" test "${n_after:-0}" -gt 0
check "a fresh reader after all that receives events" grep -q '"type":"access"' "$OUT/r-again.jsonl"

json="{\"scenario\": \"reader-faults\", \"phase_seconds\": $PHASE, \"kills\": $kills, \"stopped_s\": $stopped_s, \"stopped_drops\": $drops, \"stopped_backlog_bytes\": $backlog, \"catchup_s\": ${caught:-null}, \"phases\": {"
sep=
for p in normal killed stopped none again; do
	read -r mn med mx n st worst < <(ticks_report "${T0[$p]}" "${T1[$p]}" rf)
	log "phase $p: opens/s min $mn median $med max $mx ($n s)"
	check "phase $p: the openers never stuck > 1 s while the rest of the guest ran ($st times; longest ${worst} s)" test "${st:-1}" = 0
	json+="$sep\"$p\": {\"min\": $mn, \"median\": $med, \"max\": $mx, \"seconds\": $n, \"stuck\": $st, \"stuck_longest_s\": $worst}"
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
