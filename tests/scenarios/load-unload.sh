#!/bin/bash
# Load and unload repeatedly while processes open procfs files in a loop,
# a reader listens, and another subscriber never reads (its socket overruns):
# every unload succeeds, the opener is never blocked, the kernel log stays
# clean (the VM runner checks it), and the counters add up.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

sleep 600 &
V=$!
openers=()
for f in maps environ mem smaps_rollup; do
	nice -n 19 "$PY" -c '
import sys
path = sys.argv[1]
while True:
    try:
        open(path, "rb").close()
    except OSError:
        pass' /proc/$V/$f &
	openers+=($!)
done

pmg_load queue_len=16
pmg_monitor "$PMGUARD_OUT/events.jsonl"
"$PY" "$PMGUARD_REPO/tests/scenarios/genl_join.py" --stall 600 >/dev/null &
STALLED=$!
for i in $(seq 1 10); do
	log "cycle $i"
	sleep 0.3
	rmmod pmguard || fail "rmmod pmguard (cycle $i)"
	insmod "$PMGUARD_KO" queue_len=16 || fail "insmod (cycle $i)"
done

# Accounting over a few busy seconds of the last load, with a subscriber
# that never reads (its socket overruns) and a tiny queue: then the
# openers stop, the queue drains, and every decision must be accounted for.
"$PY" "$PMGUARD_REPO/tests/scenarios/genl_join.py" --stall 600 >/dev/null &
STALLED2=$!
sleep 3
kill "${openers[@]}"
wait "${openers[@]}" 2>/dev/null
sleep 1
"$PMGUARD_BIN" stats --json >"$PMGUARD_OUT/stats.json"
check "stats readable" test -s "$PMGUARD_OUT/stats.json"
check "decided = reported + dropped" "$PY" - "$PMGUARD_OUT/stats.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
d = s["dropped"]
decided = s["allowed"] + s["alerted"] + s["denied"]
accounted = s["reported"] + d["queue_full"] + d["nomem"] + d["no_listener"] + d["send"]
print(json.dumps(s))
sys.exit(0 if decided == accounted and s["seen"] == decided and decided > 50 else 1)
PYEOF
kill "$STALLED" "$STALLED2"
pmg_monitor_stop
kill "$V"
pmg_unload
finish
