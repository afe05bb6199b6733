#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt
# Atomic Red Team T1003.007 test 1, replayed literally: a victim shell
# holds a password, grep finds its heap in maps, dd reads it from mem.
# pmguard must report both accesses with the right caller and target.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"

sh -c 'echo "The password is T1003.007" && sleep 30' &
sleep 0.5
PID=$(pgrep -n -f "The password is T1003")
HEAP_MEM=$(grep -E "^[0-9a-f-]* r" /proc/"$PID"/maps | grep heap | cut -d' ' -f 1)
MEM_START=$((0x$(echo "$HEAP_MEM" | cut -d"-" -f1)))
MEM_STOP=$((0x$(echo "$HEAP_MEM" | cut -d"-" -f2)))
MEM_SIZE=$((MEM_STOP - MEM_START))
dd if=/proc/"${PID}"/mem of="$PMGUARD_OUT/dump" ibs=1 skip="$MEM_START" count="$MEM_SIZE" 2>"$PMGUARD_OUT/dd.err"
check "password recovered from the heap" grep -q "The password is T1003.007" "$PMGUARD_OUT/dump"
pmg_monitor_stop
kill "$PID"

expect "$ev" "grep reading maps reported" kind=maps caller.comm=grep \
	caller.exe=/usr/bin/grep target.pid="$PID" target.exe=/usr/bin/dash \
	result=0 action=alert mitre=T1003.007
expect "$ev" "dd reading mem reported" kind=mem access=read caller.comm=dd \
	caller.exe=/usr/bin/dd target.pid="$PID" target.comm=sh \
	target.exe=/usr/bin/dash result=0 action=alert severity=medium \
	rule=memory-read
expect "$ev" "caller identity complete" kind=mem caller.uid=0 caller.euid=0 \
	'caller.pid~^[0-9]+$' 'caller.ppid~^[0-9]+$' caller.cap_sys_ptrace=true
"$PY" "$EVENTS" "$ev" --show kind=mem caller.comm=dd | head -1
finish
