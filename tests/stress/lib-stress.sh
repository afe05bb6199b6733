# shellcheck shell=bash
# Helpers for tests/stress/scenarios (sourced after tests/scenarios/lib.sh).
OB=$PMGUARD_REPO/.build/stress/openbench
[ -x "$OB" ] || { echo "FAIL: $OB missing: run tests/stress/run (it builds it)"; exit 1; }
OUT=$PMGUARD_OUT

# meminfo FIELD: value in kB.
meminfo() { awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo; }

# openers PREFIX TARGET_PID KIND...: one openbench loop per kind, forever,
# with a tick file each ($OUT/PREFIX-KIND.ticks).  Sets OPENERS.
OPENERS=()
openers() {
	local prefix=$1 pid=$2 k
	shift 2
	for k in "$@"; do
		"$OB" loop "/proc/$pid/$k" 0 "$OUT/$prefix-$k.ticks" >"$OUT/$prefix-$k.total" &
		OPENERS+=($!)
	done
}
openers_stop() {
	[ ${#OPENERS[@]} -gt 0 ] || return 0
	kill -TERM "${OPENERS[@]}" 2>/dev/null
	wait "${OPENERS[@]}" 2>/dev/null
	OPENERS=()
}

# accounting FILE: the kernel's counters add up (pmguard stats --json).
accounting() {
	"$PY" - "$1" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
d = s["dropped"]
decided = s["allowed"] + s["alerted"] + s["denied"]
dropped = sum(d.get(k, 0) for k in ("queue_full", "nomem", "no_listener", "send"))
ok = decided == s["reported"] + dropped and s["seen"] == decided
print(f"seen={s['seen']} decided={decided} reported={s['reported']} dropped={d} "
      f"folded={s.get('folded')} -> {'exact' if ok else 'NOT EXACT'}")
sys.exit(0 if ok else 1)
PYEOF
}

# ticks_report T0 T1 FILES...: opens per second summed over the openers,
# between unix times T0 and T1 (inclusive): "min median max seconds".
ticks_report() {
	"$PY" - "$@" <<'PYEOF'
import collections, statistics, sys
t0, t1, files = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
per = collections.Counter()
for f in files:
    for line in open(f):
        t, n = map(int, line.split())
        if t0 <= t <= t1:
            per[t] += n
secs = [per.get(t, 0) for t in range(t0 + 1, t1)]   # whole seconds only
if not secs:
    print("0 0 0 0")
else:
    print(min(secs), int(statistics.median(secs)), max(secs), len(secs))
PYEOF
}
