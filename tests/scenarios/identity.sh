#!/bin/bash
# kernels: 6.1 7.3
# Executable identity a process cannot choose.  A process that unmaps its
# own image and points its exe at /usr/bin/gdb with prctl(PR_SET_MM,
# PR_SET_MM_EXE_FILE) (root can; so can anyone in a user namespace) does
# not inherit gdb's allow rule: it is flagged exe_replaced and raised to
# high.  The real gdb keeps its rule.  ps keeps reading every process's
# environ, except a credential holder's (refused quietly).
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

work=$(mktemp -d /tmp/identity.XXXXXX)
gcc -static -nostdlib -fno-stack-protector -fno-pie -no-pie -O1 \
	-o "$work/exeswap" "$PMGUARD_REPO/tests/scenarios/exeswap.c" ||
	{ fail "cannot build exeswap"; finish; }
cp /usr/bin/sleep "$work/sshd"
"$work/sshd" 600 &
SSHD=$!
sleep 600 &
PLAIN=$!

# A credential holder (by its leader's name) whose other thread renamed
# itself: still a credential holder through that thread's files.
"$PY" -c '
import ctypes, threading, time
libc = ctypes.CDLL(None)
libc.prctl(15, b"sshd", 0, 0, 0)                  # the leader: PR_SET_NAME
def worker():
    libc.prctl(15, b"worker", 0, 0, 0)
    time.sleep(600)
threading.Thread(target=worker, daemon=True).start()
time.sleep(600)' &
HOLDER=$!
sleep 1
WORKER=$(grep -l '^worker$' /proc/$HOLDER/task/*/comm | head -n1 | cut -d/ -f5)

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"
cat "/proc/$HOLDER/task/$WORKER/environ" >/dev/null
rc=0; "$work/exeswap" /usr/bin/gdb "$PLAIN" || rc=$?
check "exeswap became gdb and opened maps (exit $rc)" test "$rc" = 0
check "gdb itself reads maps" bash -c "gdb -nx -batch -p $PLAIN -ex 'info proc mappings' >/dev/null 2>&1"
ps e -p "$SSHD" >/dev/null
ps e -p "$PLAIN" >/dev/null
pmg_monitor_stop

expect "$ev" "the fake gdb is flagged, its exe path says gdb" kind=maps \
	target.pid="$PLAIN" caller.exe=/usr/bin/gdb caller.comm=exeswap \
	flags@exe_replaced action=alert severity=high
expect_none "$ev" "the fake gdb does not meet gdb's allow rule" \
	caller.comm=exeswap action=allow
expect "$ev" "the real gdb keeps its allow rule" kind=maps target.pid="$PLAIN" \
	caller.comm=gdb action=allow rule=allow:gdb
expect "$ev" "ps reads an ordinary process's environ, allowed" kind=environ \
	caller.exe=/usr/bin/ps target.pid="$PLAIN" action=allow rule=environ:ps
expect "$ev" "ps reading a credential holder's environ would be refused, quietly" \
	kind=environ caller.exe=/usr/bin/ps target.pid="$SSHD" action=alert \
	severity=low flags@would_deny rule=sensitive-environ:ps
expect "$ev" "a renamed thread of a credential holder is still one" kind=environ \
	target.pid="$HOLDER" target.tid="$WORKER" target.comm=worker flags@target_sensitive \
	flags@task_alias rule=sensitive-memory severity=high
kill "$SSHD" "$PLAIN" "$HOLDER"
rm -rf "$work"
finish
