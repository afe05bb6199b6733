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
	( while :; do cat /proc/$V/$f >/dev/null 2>&1; done ) &
	openers+=($!)
done

pmg_load queue_len=16
pmg_monitor "$PMGUARD_OUT/events.jsonl"
"$PY" "$PMGUARD_REPO/tests/scenarios/genl_join.py" --stall 600 >/dev/null &
STALLED=$!
for i in $(seq 1 10); do
	sleep 0.3
	rmmod pmguard || fail "rmmod pmguard (cycle $i)"
	insmod "$PMGUARD_KO" queue_len=16 || fail "insmod (cycle $i)"
done

# Accounting, with the openers stopped and the queue drained.
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
sys.exit(0 if decided == accounted and s["seen"] == decided and decided > 0 else 1)
PYEOF
kill "$STALLED"
pmg_monitor_stop
kill "$V"
pmg_unload
finish
