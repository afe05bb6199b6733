#!/bin/bash
# kernels: 6.1 6.12-rt
# timeout: 600
# Policy replaced over and over while other processes open /proc files,
# call process_vm_readv and attach/peek/detach with ptrace in a loop: no crash, no splat (the VM runner checks the log), every open is
# decided (seen = allowed + alerted + denied) and accounted for.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P="$PMGUARD_BIN"
pmg_load fold_ms=0
pmg_monitor "$PMGUARD_OUT/events.jsonl"
sleep 600 &
V=$!
openers=()
for f in maps environ mem; do
	nice -n 19 "$PY" -c '
import sys
while True:
    try:
        open(sys.argv[1], "rb").close()
    except OSError:
        pass' /proc/$V/$f &
	openers+=($!)
done
for route in vm ptrace; do
	nice -n 19 "$PY" "$PMGUARD_REPO/tests/scenarios/memroutes.py" loop "$route" "$V" &
	openers+=($!)
done
printf 'default action=alert severity=low\nrule a action=deny kinds=environ,vm_read caller_exe=%s\n' \
	"$(readlink -f "$PY")" >"$PMGUARD_OUT/a.conf"
printf 'default action=alert severity=medium\nrule b action=allow kinds=maps\n' >"$PMGUARD_OUT/b.conf"
# Race only once every route is running (python starts are slow under TCG,
# and at nice 19 on one vCPU the loops can take seconds to get going).
routes_running() {
	"$P" stats --json | "$PY" -c '
import json, sys
k = json.load(sys.stdin)["kinds"]
sys.exit(0 if all(k[n]["seen"] > 0 for n in ("mem", "maps", "vm_read", "ptrace", "ptrace_read")) else 1)'
}
for _ in $(seq 1 120); do routes_running && break; sleep 0.5; done
check "every route's loop is running before the replacements" routes_running
fails=0
for i in $(seq 1 30); do
	"$P" policy load "$PMGUARD_OUT/a.conf" || fails=$((fails + 1))
	"$P" policy load "$PMGUARD_OUT/b.conf" || fails=$((fails + 1))
	[ $((i % 10)) = 0 ] && { "$P" mode enforce; "$P" mode audit; }
done
check "60 policy replacements succeeded ($fails failed)" test "$fails" = 0
kill "${openers[@]}"
wait "${openers[@]}" 2>/dev/null
check "every open decided and accounted for" pmg_stats_settled "$PMGUARD_OUT/stats.json"
cat "$PMGUARD_OUT/stats.json"
check "more than 100 decisions on every route, no missed probe hits" "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
k = s["kinds"]
sys.exit(0 if s["allowed"] + s["alerted"] + s["denied"] > 100 and s["dropped"]["missed"] == 0
         and all(k[n]["seen"] > 0 for n in ("mem", "vm_read", "ptrace", "ptrace_read")) else 1)' "$PMGUARD_OUT/stats.json"
pmg_monitor_stop
kill "$V"
finish
