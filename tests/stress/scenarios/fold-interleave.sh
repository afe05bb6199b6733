#!/bin/bash
# timeout: 300
# Burst folding with more than one caller at a time: two processes open
# another process's mem in a loop for 10 s with the default window
# (1000 ms).  Each (caller, target, kind) stream is its own burst, and the
# module has 64 burst slots, so each caller's accesses should start at most
# one burst per window, whatever the other caller does: at most
# 2 callers x 11 windows = 22 bursts (44 allowed for slack).  A burst is an
# access reported on its own, so bursts = seen - folded (pmguard stats).
. "$PMGUARD_REPO/tests/scenarios/lib.sh"
. "$PMGUARD_REPO/tests/stress/lib-stress.sh"
SECS=10

pmg_load
ev=/tmp/fold-events.jsonl
pmg_monitor "$ev"
sleep 100000 &
V=$!
"$PMGUARD_BIN" stats --json >"$OUT/stats-0.json"
"$OB" loop "/proc/$V/mem" "$SECS" >"$OUT/a.total" &
A=$!
"$OB" loop "/proc/$V/mem" "$SECS" >"$OUT/b.total" &
B=$!
wait "$A" "$B"
sleep 3	# the last windows close
"$PMGUARD_BIN" stats --json >"$OUT/stats-1.json"
pmg_monitor_stop
cp "$ev" "$OUT/events.jsonl"
opens=$(awk '{ s += $1 } END { print s }' "$OUT/a.total" "$OUT/b.total")
read -r seen folded bursts < <("$PY" - "$OUT" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1] + "/stats-0.json"))
b = json.load(open(sys.argv[1] + "/stats-1.json"))
seen, folded = b["seen"] - a["seen"], b["folded"] - a["folded"]
print(seen, folded, seen - folded)
PYEOF
)
log "$opens opens by 2 interleaved callers in ${SECS}s: seen $seen, folded $folded -> $bursts bursts"
log "the first events the reader got (seq first_seq count time caller flags):"
"$PY" "$EVENTS" "$ev" --show caller.comm=openbench | head -12 | "$PY" -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print(" ", r["seq"], r.get("first_seq", "-"), r["count"], r["time"][11:23], r["caller"]["pid"], ",".join(r["flags"]))'
# Evidence for a failure: a caller's burst started again well within the
# window of its previous one means that burst was closed early (evicted).
early=$("$PY" - "$ev" <<'PYEOF'
import collections, datetime, json, sys
starts = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "access" and r["caller"]["comm"] == "openbench" and "folded" not in r["flags"]:
        starts[r["caller"]["pid"]].append(datetime.datetime.strptime(r["time"][:26], "%Y-%m-%dT%H:%M:%S.%f"))
n = sum(1 for v in starts.values() for a, b in zip(v, v[1:]) if (b - a).total_seconds() < 0.9)
print(n)
PYEOF
)
log "burst starts the reader got that came < 900 ms after the same caller's previous one (its burst closed early): $early"
check "every open was seen" test "$seen" = "$opens"
check "folding holds with two callers: $bursts bursts <= 44" test "$bursts" -le 44
echo "{\"scenario\": \"fold-interleave\", \"opens\": $opens, \"seen\": $seen, \"folded\": $folded, \"bursts\": $bursts, \"early_restarts_seen_by_reader\": ${early:-null}, \"seconds\": $SECS}" >"$OUT/summary.json"
kill "$V"
finish
