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
		OPENBENCH_PAUSE=/tmp/stress-pause \
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

# control_start: a process opening a tmpfs file in a loop (pmguard never
# sees it).  It tells a guest-wide freeze (TCG on a busy host) from an
# opener that pmguard blocked: in a frozen second nobody ticks.
control_start() {
	echo x >/tmp/stress-control
	"$OB" loop /tmp/stress-control 0 "$OUT/control.ticks" >/dev/null &
	CONTROL=$!
}
control_stop() { kill -TERM "$CONTROL" 2>/dev/null; wait "$CONTROL" 2>/dev/null; }

# ticks_report T0 T1 FILES...: opens per second summed over the openers,
# between unix times T0 and T1: "min median max seconds stalled".  An opener
# writes a tick line every second it is running, paused or not (0 opens);
# a second is "stalled" when the control process ($OUT/control.ticks) has a
# line for it and some opener has none: that opener was stuck in a call
# while the rest of the guest ran.
ticks_report() {
	"$PY" - "$OUT/control.ticks" "$@" <<'PYEOF'
import collections, os, statistics, sys
ctl, t0, t1, files = sys.argv[1], int(float(sys.argv[2])), int(float(sys.argv[3])), sys.argv[4:]
def load(path):
    per = {}
    for line in open(path):
        t, n = map(int, line.split())
        if t0 <= t <= t1:
            per[t] = per.get(t, 0) + n
    return per
each = [load(f) for f in files]
control = load(ctl) if os.path.exists(ctl) else None
secs = list(range(t0 + 1, t1))      # whole seconds only
vals = [sum(p.get(t, 0) for p in each) for t in secs]
stalled = sum(1 for t in secs
              if (control is None or t in control) and any(t not in p for p in each))
if not vals:
    print("0 0 0 0 0")
else:
    print(min(vals), int(statistics.median(vals)), max(vals), len(vals), stalled)
PYEOF
}
