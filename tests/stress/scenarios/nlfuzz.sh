#!/bin/bash
# timeout: 900
# The netlink fuzzer (tests/stress/nlfuzz.py) against the pmguard family:
# FUZZ_SECONDS as an unprivileged user (setpriv nobody), then as root, while
# a process keeps opening another's files (decisions race with policy
# changes).  Unprivileged: every message refused, the policy and the
# configuration unchanged.  Root: the fuzzer may change things with valid
# messages; the known policy is restored after, and a normal access is
# still reported.  No splat (the runner checks the kernel log).
# PMGUARD_CMD_LOCK (10) is never sent.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"
. "$PMGUARD_REPO/tests/stress/lib-stress.sh"
SECS=${STRESS_FUZZ_SECONDS:-60}
FUZZ=$PMGUARD_REPO/tests/stress/nlfuzz.py

config() { "$PMGUARD_BIN" config --json | "$PY" -c '
import json, sys
c = json.load(sys.stdin)
c.pop("time", None)
print(json.dumps(c, sort_keys=True))'; }

pmg_load
sleep 100000 &
V=$!
openers fz "$V" environ maps
"$PMGUARD_BIN" policy save >"$OUT/policy-0.conf"
config >"$OUT/config-0.json"

log "fuzzing as nobody for ${SECS}s"
rc=0
# (stdout is opened by this root shell: nobody cannot write to $OUT)
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$PY" "$FUZZ" --seconds "$SECS" >"$OUT/fuzz-nobody.json" || rc=$?
cat "$OUT/fuzz-nobody.json"
check "nobody: no request that changes anything succeeded (rc $rc)" test "$rc" = 0
check "nobody: no request succeeded at all" "$PY" -c "
import json, sys
r = json.load(open('$OUT/fuzz-nobody.json'))
sys.exit(0 if not r['successes_by_cmd'] and r['sent'] > 100 else 1)"
"$PMGUARD_BIN" policy save >"$OUT/policy-1.conf"
config >"$OUT/config-1.json"
check "nobody: policy unchanged" cmp "$OUT/policy-0.conf" "$OUT/policy-1.conf"
check "nobody: config unchanged" cmp "$OUT/config-0.json" "$OUT/config-1.json"

log "fuzzing as root for ${SECS}s"
rc=0
"$PY" "$FUZZ" --seconds "$SECS" --allow-success >"$OUT/fuzz-root.json" || rc=$?
cat "$OUT/fuzz-root.json"
check "root: fuzzer ran (rc $rc)" test "$rc" = 0
config >"$OUT/config-2.json"
"$PMGUARD_BIN" policy save >"$OUT/policy-2.conf" 2>&1 || true
log "after the root fuzz: $(cat "$OUT/config-2.json")"

# Restore the known policy, mode and folding, then check it works.
check "restore: policy load" "$PMGUARD_BIN" policy load "$OUT/policy-0.conf"
check "restore: mode audit" "$PMGUARD_BIN" mode audit
check "restore: fold 1000" "$PMGUARD_BIN" fold 1000
"$PMGUARD_BIN" policy save >"$OUT/policy-3.conf"
config >"$OUT/config-3.json"
check "restored policy identical" cmp "$OUT/policy-0.conf" "$OUT/policy-3.conf"
check "restored config identical" cmp "$OUT/config-0.json" "$OUT/config-3.json"
openers_stop
pmg_monitor "$OUT/events.jsonl"
cat "/proc/$V/environ" >/dev/null
pmg_monitor_stop
expect "$OUT/events.jsonl" "a normal access is still reported after the fuzz" \
	kind=environ target.pid="$V" caller.comm=cat action=alert rule=environ-read
pmg_stats_settled "$OUT/stats.json" || true	# pmg_accounting below reports it
check "counters add up after the fuzz" pmg_accounting "$OUT/stats.json"

# Bad input at the edge of the limits: the most sensitive names, each the
# longest allowed (64 names of 63 bytes), is a valid policy; the module
# must keep answering GET_CONFIG (pmguard config, policy save) for it.
{
	echo "default action=alert severity=low"
	x60=$(printf 'x%.0s' $(seq 1 60))
	for i in $(seq 1 64); do
		printf 'sensitive n%02d%s\n' "$i" "$x60"
	done
	echo "rule r1 action=alert severity=low kinds=mem"
} >"$OUT/policy-longnames.conf"
check "64 sensitive names of 63 bytes: policy check" "$PMGUARD_BIN" policy check "$OUT/policy-longnames.conf"
check "64 sensitive names of 63 bytes: policy load" "$PMGUARD_BIN" policy load "$OUT/policy-longnames.conf"
rc=0; "$PMGUARD_BIN" config >"$OUT/config-longnames.txt" 2>&1 || rc=$?
check "64 sensitive names of 63 bytes: pmguard config works (rc $rc: $(tail -1 "$OUT/config-longnames.txt"))" test "$rc" = 0
rc=0; "$PMGUARD_BIN" policy save >"$OUT/policy-longnames-saved.conf" 2>&1 || rc=$?
check "64 sensitive names of 63 bytes: policy save works (rc $rc: $(tail -1 "$OUT/policy-longnames-saved.conf"))" test "$rc" = 0
"$PMGUARD_BIN" policy load "$OUT/policy-0.conf"

"$PY" - "$OUT" <<'PYEOF' >"$OUT/summary.json"
import json, sys
out = sys.argv[1]
n = json.load(open(f"{out}/fuzz-nobody.json"))
r = json.load(open(f"{out}/fuzz-root.json"))
print(json.dumps({"scenario": "nlfuzz", "nobody": {k: n[k] for k in ("seconds", "sent", "answers", "successes_by_cmd")},
                  "root": {k: r[k] for k in ("seconds", "sent", "answers", "successes_by_cmd", "changing_successes")}}))
PYEOF
cat "$OUT/summary.json"
kill "$V"
pmg_unload
finish
