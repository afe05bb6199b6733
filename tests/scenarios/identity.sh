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

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"
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
kill "$SSHD" "$PLAIN"
rm -rf "$work"
finish
