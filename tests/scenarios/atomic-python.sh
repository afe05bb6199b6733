#!/bin/bash
# kernels: 6.1
# Atomic Red Team T1003.007 test 3 (python): read maps, open mem, seek to
# the heap, read it.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"

sh -c 'echo "The password is T1003.007" && sleep 30' &
sleep 0.5
PID=$(pgrep -n -f "The password is T1003")
"$PY" - "$PID" >"$PMGUARD_OUT/dump.txt" <<'PYEOF'
import re, sys
pid = sys.argv[1]
with open(f"/proc/{pid}/maps") as maps:
    for line in maps:
        if "[heap]" in line:
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
with open(f"/proc/{pid}/mem", "rb", 0) as mem:
    mem.seek(start)
    data = mem.read(end - start)
for s in re.findall(rb"[ -~]{8,}", data):
    print(s.decode())
PYEOF
check "password recovered by python" grep -q "The password is T1003.007" "$PMGUARD_OUT/dump.txt"
pmg_monitor_stop
kill "$PID"

pyexe=$(readlink -f "$PY")
expect "$ev" "python reading maps reported" kind=maps caller.exe="$pyexe" \
	target.pid="$PID" action=alert
expect "$ev" "python reading mem reported" kind=mem access=read \
	caller.exe="$pyexe" target.pid="$PID" target.exe=/usr/bin/dash \
	result=0 action=alert
finish
