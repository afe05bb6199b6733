#!/bin/bash
# kernels: 6.1 6.12-rt debug
# timeout: 240
# Noise must not hide the attack.  FLOODERS (2) unprivileged processes
# open the maps, smaps, environ, ... of root's processes (a process named
# sshd among them) as fast as they can for FLOOD_SECONDS (25), varying
# pids and kinds so that folding cannot merge them: the kernel refuses,
# pmguard reports, and the reader's socket overruns.  Meanwhile root reads
# the environ of a process named sshd three times (high severity).  Every
# one of those reaches `pmguard monitor`, no high-severity event is
# dropped anywhere (the module's priority_dropped counter), the flood did
# overrun the socket (events were dropped at send: the test tested
# something), and the counters add up.  The long run:
# tests/stress/scenarios/flood-priority.sh.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

SECS=${FLOOD_SECONDS:-25}
FLOODERS=${FLOODERS:-2}
JOIN="$PMGUARD_REPO/tests/scenarios/genl_join.py"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
work=$(mktemp -d /tmp/flood-priority.XXXXXX)
cp /usr/bin/sleep "$work/sshd"
"$work/sshd" 600 &
SSHD=$!
# Unprivileged, only maps, smaps, smaps_rollup and numa_maps get as far as
# the kernel's ptrace check (the others are 0400): 4 kinds x 41 targets
# per flooder, more than the fold slots.
targets=($SSHD 1)
for _ in $(seq 1 40); do
	sleep 600 &
	targets+=($!)
done

pmg_load
# On tmpfs, as on a local disk (the results share, 9p, is slow).
ev=/tmp/flood-priority.jsonl
pmg_monitor "$ev"
"$PMGUARD_BIN" stats --json >"$PMGUARD_OUT/stats-before.json"

flooders=()
for i in $(seq 1 "$FLOODERS"); do
	as_nobody "$PY" - "$SECS" "${targets[@]}" >"$PMGUARD_OUT/flooder-$i.txt" 2>&1 <<'PYEOF' &
import sys, time
end = time.monotonic() + float(sys.argv[1])
pids = sys.argv[2:]
kinds = ["maps", "smaps", "environ", "smaps_rollup", "numa_maps", "auxv", "mem", "pagemap"]
paths = [f"/proc/{p}/{k}" for k in kinds for p in pids]
n = 0
while time.monotonic() < end:
    for path in paths:
        try:
            open(path, "rb").close()
        except OSError:
            pass
    n += len(paths)
print(n)
PYEOF
	flooders+=($!)
done

# root reads sshd's environ three times, spread over the flood
step=$((SECS / 4))
for i in 1 2 3; do
	sleep "$step"
	cat "/proc/$SSHD/environ" >/dev/null
	log "root read sshd's environ ($i) at $(date +%s.%N)"
done
wait "${flooders[@]}"
log "flooders opened $(cat "$PMGUARD_OUT"/flooder-*.txt | tr '\n' ' ')"
check "decided = reported + dropped once the flood drains" \
	pmg_stats_settled "$PMGUARD_OUT/stats.json" 60
cat "$PMGUARD_OUT/stats.json"
"$PY" "$JOIN" --stats >"$PMGUARD_OUT/stats-raw.json"
cat "$PMGUARD_OUT/stats-raw.json"
sleep 3	# the reader drains its socket
pmg_monitor_stop
cp "$ev" "$PMGUARD_OUT/events.jsonl"
"$PY" - "$PMGUARD_OUT/events.jsonl" "$SSHD" <<'PYEOF'
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") != "access":
        c[r.get("type")] += 1
        continue
    c["access"] += 1
    c["severity " + r.get("severity", "?")] += 1
    if r["target"]["pid"] == int(sys.argv[2]) and r["caller"]["uid"] == 0:
        c["root reads of sshd: " + r["kind"]] += 1
print(dict(c))
PYEOF

expect "$PMGUARD_OUT/events.jsonl" "all 3 of root's environ reads of sshd reached the monitor" \
	--min 3 kind=environ target.pid="$SSHD" caller.uid=0 severity=high
check "the flood overran the reader's socket (events dropped at send)" "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(0 if s["dropped"]["send"] > 0 else 1)' "$PMGUARD_OUT/stats.json"
# PMGUARD_S_PRIORITY_DROPPED: high-severity, deny or would-deny accesses
# dropped for any reason (its number from the header).
check "no high-severity access was dropped (priority_dropped = 0)" "$PY" -c '
import json, re, sys
s = json.load(open(sys.argv[1]))
h = open(sys.argv[2]).read()
e = h[h.index("enum pmguard_stat_attr {"):]
names = re.findall(r"^\s*(PMGUARD_S_\w+)", e[:e.index("};")], re.M)
n = names.index("PMGUARD_S_PRIORITY_DROPPED") if "PMGUARD_S_PRIORITY_DROPPED" in names else -1
print(f"priority_dropped ({n}): {s.get(str(n))}")
sys.exit(0 if s.get(str(n), -1) == 0 else 1)' "$PMGUARD_OUT/stats-raw.json" "$PMGUARD_REPO/uapi/linux/pmguard.h"
kill "${targets[@]:2}" "$SSHD"
rm -rf "$work" "$ev"
finish
