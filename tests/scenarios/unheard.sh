#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug
# Nobody listening is no blind spot: with the reader killed (kill -9), a
# would-deny access of a credential holder goes to the kernel log
# (rate-limited, escaped), as audit records do while auditd is down; an
# ordinary access does not.  Both are counted as no_listener.  The next
# reader to subscribe (the restarted service) gets the would-deny first,
# with its own seq and time (replayed); the ordinary one is gone.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

work=$(mktemp -d /tmp/unheard.XXXXXX)
cp /usr/bin/sleep "$work/sshd"
"$work/sshd" 600 &
SSHD=$!
sleep 600 &
PLAIN=$!
pmg_load
"$PMGUARD_BIN" monitor --json >/dev/null 2>&1 &
MON=$!
sleep 2
kill -9 "$MON"
wait "$MON" 2>/dev/null
sleep 0.5
dmesg -c >/dev/null
cat "/proc/$SSHD/environ" >/dev/null
cat "/proc/$PLAIN/maps" >/dev/null
sleep 1
dmesg >"$PMGUARD_OUT/dmesg.txt"
check "the would-deny read of the credential holder is in the kernel log" \
	grep -qE "pmguard: no reader: action=alert would_deny severity=high kind=environ .*pid=[0-9]+ uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" target_pid=$SSHD .*target_comm=\"sshd\"" \
	"$PMGUARD_OUT/dmesg.txt"
check "the ordinary read is not" bash -c "! grep -q 'target_pid=$PLAIN ' '$PMGUARD_OUT/dmesg.txt'"
"$PMGUARD_BIN" stats --json >"$PMGUARD_OUT/stats.json"
check "both counted as no_listener" "$PY" -c "
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(s['dropped']['no_listener'] < 2)" "$PMGUARD_OUT/stats.json"
ev="$PMGUARD_OUT/next.jsonl"
pmg_monitor "$ev"
sleep 0.5
pmg_monitor_stop
expect "$ev" "the next reader gets the unheard would-deny read, replayed" kind=environ \
	target.pid="$SSHD" caller.comm=cat flags@would_deny severity=high
expect_none "$ev" "not the ordinary one" target.pid="$PLAIN"
"$PMGUARD_BIN" stats --json >"$PMGUARD_OUT/stats2.json"
check "counted as replayed" "$PY" -c "
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(s.get('replayed', 0) < 1)" "$PMGUARD_OUT/stats2.json"
ev2="$PMGUARD_OUT/after.jsonl"
pmg_monitor "$ev2"
sleep 0.5
pmg_monitor_stop
expect_none "$ev2" "a root reader took them: the one after does not get them again" \
	target.pid="$SSHD"
kill "$SSHD" "$PLAIN"
rm -rf "$work"
finish
