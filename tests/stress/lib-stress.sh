# shellcheck shell=bash
# Helpers for tests/stress/scenarios (sourced after tests/scenarios/lib.sh).
OB=$PMGUARD_REPO/.build/stress/openbench
OPENER=$PMGUARD_REPO/.build/stress/opener
for b in "$OB" "$OPENER"; do
	[ -x "$b" ] || { echo "FAIL: $b missing: run tests/stress/run (it builds it)"; exit 1; }
done
OUT=$PMGUARD_OUT

# meminfo FIELD: value in kB.
meminfo() { awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo; }

# openers PREFIX TARGET_PID KIND...: one opener loop (tests/stress/opener.c)
# per kind, forever, each with its own tick file ($OUT/PREFIX-N-KIND.ticks),
# record of slow turns (.slow) and total (.total).  Sets OPENERS.
OPENERS=()
openers() {
	local prefix=$1 pid=$2 k n=0
	shift 2
	for k in "$@"; do
		n=$((n + 1))
		OPENBENCH_PAUSE=/tmp/stress-pause "$OPENER" "/proc/$pid/$k" \
			"$OUT/$prefix-$n-$k.ticks" "$OUT/$prefix-$n-$k.slow" >"$OUT/$prefix-$n-$k.total" &
		OPENERS+=($!)
	done
}
# route_openers TARGET_PID ROUTE...: loops over the other routes into
# TARGET's memory (tests/scenarios/memroutes.py loop: vm = process_vm_readv,
# ptrace = attach, PEEKDATA, detach), pausing like the openers.  Added to
# OPENERS.
route_openers() {
	local pid=$1 r
	shift
	for r in "$@"; do
		PMG_PAUSE_FILE=/tmp/stress-pause nice -n 19 "$PY" \
			"$PMGUARD_REPO/tests/scenarios/memroutes.py" loop "$r" "$pid" &
		OPENERS+=($!)
	done
}
openers_stop() {
	[ ${#OPENERS[@]} -gt 0 ] || return 0
	kill -TERM "${OPENERS[@]}" 2>/dev/null
	wait "${OPENERS[@]}" 2>/dev/null
	OPENERS=()
}

# control_start: a process opening a tmpfs file in a loop (pmguard never
# sees it), with the openers' program.  It tells a guest-wide freeze (TCG on
# a busy host) from an opener that pmguard blocked: while the host does not
# run the guest, the control's turns are slow too.
control_start() {
	echo x >/tmp/stress-control
	"$OPENER" /tmp/stress-control "$OUT/control.ticks" "$OUT/control.slow" >/dev/null &
	CONTROL=$!
}
control_stop() { kill -TERM "$CONTROL" 2>/dev/null; wait "$CONTROL" 2>/dev/null; }

# ticks_report T0 T1 PREFIX: the openers $OUT/PREFIX-*.ticks between unix
# times T0 and T1.  Prints "min median max seconds stuck worst": opens per
# second summed over the openers (min, median, max over the whole seconds
# of the window; a paused opener ticks with 0), then how many times an
# opener was stuck while the rest of the guest ran, and the longest such
# time in seconds.  Stuck: one turn of an opener's loop (one open+close)
# took more than 1 s of which more than 1 s is not covered by a slow turn
# of the control process (a slow control turn = the guest did not run).
ticks_report() {
	"$PY" - "$OUT" "$@" <<'PYEOF'
import glob, statistics, sys
out, t0, t1, prefix = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
def load_ticks(path):
    per = {}
    for line in open(path):
        t, n = map(int, line.split())
        if t0 <= t <= t1:
            per[t] = per.get(t, 0) + n
    return per
def load_slow(path):
    try:
        return [tuple(map(float, l.split())) for l in open(path) if l.strip()]
    except FileNotFoundError:
        return []
ticks = sorted(glob.glob(f"{out}/{prefix}-*.ticks"))
each = [load_ticks(f) for f in ticks]
secs = list(range(int(t0) + 1, int(t1)))      # whole seconds only
vals = [sum(p.get(t, 0) for p in each) for t in secs]
ctl = load_slow(f"{out}/control.slow")
def uncovered(s, e):
    """Seconds of [s, e] during which the control was not in a slow turn."""
    segs = sorted((max(a, s), min(b, e)) for a, b in ctl if b > s and a < e)
    covered, cur = 0.0, s
    for a, b in segs:
        if b > cur:
            covered += b - max(a, cur)
            cur = b
    return (e - s) - covered
stuck, worst = 0, 0.0
for f in ticks:
    for s, e in load_slow(f[:-len(".ticks")] + ".slow"):
        if e < t0 or s > t1 or e - s <= 1:
            continue
        u = uncovered(s, e)
        worst = max(worst, u)
        if u > 1:
            stuck += 1
            print(f"stuck: {f.split('/')[-1]} {s:.3f}..{e:.3f} ({e - s:.2f} s, {u:.2f} s while the control ran)",
                  file=sys.stderr)
if not vals:
    print(0, 0, 0, 0, stuck, round(worst, 2))
else:
    print(min(vals), int(statistics.median(vals)), max(vals), len(vals), stuck, round(worst, 2))
PYEOF
}
