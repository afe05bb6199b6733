#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug
# The routes into a credential holder's memory that are not procfs files:
# a process_vm_readv region dumper, process_vm_writev, PTRACE_ATTACH and
# PTRACE_SEIZE with PEEKDATA, a ptrace sniffer that follows a user's
# shell into sudo and peeks what sudo reads as the password (its register
# reads of sudo are refused in enforce mode, so it learns nothing), and
# pidfd_getfd taking the memfd a credential holder keeps a secret in.  In
# audit mode each is reported at high severity (would_deny, bytes copied);
# in enforce mode each fails before a byte reaches the attacker.  Everyday
# debugging keeps working and stays quiet: strace -f, gdb -p and gdb on a
# child, a tracer peeking its own child, a supervisor taking a file from
# its child with pidfd_getfd, an MPI-like same-user process_vm_readv pair,
# and reads of one's own memory.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

R="$PMGUARD_REPO/tests/scenarios/memroutes.py"
SECRET=pmguard-secret-4711
PASSWORD=hunter2-pmguard
work=$(mktemp -d /tmp/routes.XXXXXX)
chmod 755 "$work"
pyexe=$(readlink -f "$PY")
cp "$pyexe" "$work/sshd"	# a credential holder, by its executable's name
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

start_holder() {	# start_holder EXE ADDRFILE: sets HOLDER
	rm -f "$2"
	"$1" "$R" holder "$SECRET" "$2" &
	HOLDER=$!
	local i
	for i in $(seq 1 100); do [ -s "$2" ] && return 0; sleep 0.1; done
	fail "holder $1 did not start"
	finish
}
start_holder "$work/sshd" "$work/addr"
SSHD=$HOLDER ADDR=$(cat "$work/addr")
start_holder "$PY" "$work/addr-plain"
PLAIN=$HOLDER ADDR_PLAIN=$(cat "$work/addr-plain")

# sniff OUT: a user's shell runs "sudo -S" with the password on stdin; a
# root ptrace sniffer attached to the shell captures what sudo reads.
sniff() {
	# (setpriv execs bash: $! is the shell itself, not a subshell)
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		bash -c "while [ ! -e '$1.go' ]; do sleep 0.1; done
			 echo '$PASSWORD' | sudo -S -k -p '' true; sleep 0.5" \
		>"$1.sudo" 2>&1 &
	local shell=$!
	"$PY" "$R" sniff "$shell" "$1" "$1.go" >"$1.log" 2>&1
	wait "$shell"
	log "sniffer: $(cat "$1.log"); sudo: $(tr '\n' ' ' <"$1.sudo")"
}

[ -u /usr/bin/sudo ] || fail "sudo is not installed setuid (tests/setup.sh installs it)"

### audit mode: every route works, and is reported
pmg_load
ev="$PMGUARD_OUT/audit.jsonl"
pmg_monitor "$ev"
out=$("$PY" "$R" vmdump "$SSHD" "$SECRET")
check "process_vm_readv dumper finds the secret in audit mode ($out)" \
	test "${out#*found=}" = 1
check "process_vm_writev works in audit mode" "$PY" "$R" vmwrite "$SSHD" "$ADDR" "$SECRET"
out=$("$PY" "$R" peek "$SSHD" attach "$ADDR" "$SECRET")
check "PTRACE_ATTACH + PEEKDATA finds the secret in audit mode ($out)" \
	test "${out#*found=}" = 1
out=$("$PY" "$R" peek "$SSHD" seize "$ADDR" "$SECRET")
check "PTRACE_SEIZE + PEEKDATA finds the secret in audit mode ($out)" \
	test "${out#*found=}" = 1
out=$("$PY" "$R" getfd "$SSHD" "$SECRET")
check "pidfd_getfd takes sshd's memfd of secrets in audit mode ($out)" \
	test "${out#*found=}" = 1
sniff "$work/audit-sniffed"
check "the sniffer captures sudo's password in audit mode" \
	grep -q "$PASSWORD" "$work/audit-sniffed"
# The kernel refuses nobody's read of root's process; pmguard still sees it.
rc=0; as_nobody "$PY" "$R" vmread "$PLAIN" "$ADDR_PLAIN" >/dev/null 2>&1 || rc=$?
check "the kernel refuses nobody's process_vm_readv of root (exit $rc)" test "$rc" = 2
# The caller cannot hold its own event back: a process_vm_readv that
# blocks on a userfaultfd page of its own, after the secret landed in its
# first buffer, is reported when decided, while it is still blocked.
"$PY" "$R" vmstall "$SSHD" "$ADDR" "$SECRET" "$work/stall" >/dev/null 2>&1 &
STALL=$!
for _ in $(seq 1 100); do [ -s "$work/stall" ] && break; sleep 0.1; done
check "a stalled process_vm_readv has the secret in its first buffer ($(cat "$work/stall" 2>/dev/null))" \
	grep -q found=1 "$work/stall"
seen=no
for _ in $(seq 1 10); do
	if "$PY" "$PMGUARD_REPO/tests/scenarios/events.py" "$ev" --min 1 kind=vm_read \
		caller.pid="$STALL" target.pid="$SSHD" severity=high flags@would_deny >/dev/null; then
		seen=yes; break
	fi
	sleep 0.5
done
check "the stalled call is reported while it blocks (seen=$seen)" test "$seen" = yes
check "the stalled call is still blocked" kill -0 "$STALL"
kill -9 "$STALL" 2>/dev/null; wait "$STALL" 2>/dev/null
sleep 1.5	# the fold window closes
pmg_monitor_stop

expect "$ev" "the stalled call's summary follows when it ends" --type mem_summary \
	kind=vm_read caller.pid="$STALL" target.pid="$SSHD"
expect "$ev" "vm_read of sshd: high, would be denied, bytes copied" --min-bytes 65536 \
	kind=vm_read target.pid="$SSHD" caller.exe="$pyexe" severity=high \
	action=alert rule=sensitive-memory result=0 flags@would_deny flags@target_sensitive
expect "$ev" "vm_write of sshd: high, would be denied" --min-bytes 8 kind=vm_write \
	target.pid="$SSHD" severity=high action=alert flags@would_deny access=write
expect "$ev" "PTRACE_ATTACH and PTRACE_SEIZE of sshd: high, would be denied" --min 2 \
	kind=ptrace target.pid="$SSHD" severity=high action=alert rule=sensitive-memory \
	flags@would_deny
expect "$ev" "PEEKDATA of sshd: high, would be denied, 512 bytes each" --min-bytes 1024 \
	kind=ptrace_read target.pid="$SSHD" severity=high action=alert \
	flags@would_deny flags@caller_is_tracer
expect "$ev" "pidfd_getfd of sshd: high, would be denied" kind=getfd \
	target.pid="$SSHD" caller.exe="$pyexe" severity=high action=alert \
	rule=sensitive-memory result=0 flags@would_deny access=read-write
expect "$ev" "the sniffer's attach to the user's shell is reported" kind=ptrace \
	caller.exe="$pyexe" target.uid=65534 target.exe=/usr/bin/bash result=0
expect "$ev" "the sniffer's PEEKDATA of sudo: high, would be denied" kind=ptrace_read \
	target.comm=sudo target.exe=/usr/bin/sudo severity=high flags@would_deny \
	flags@caller_is_tracer
expect "$ev" "nobody's refused process_vm_readv of root is reported" kind=vm_read \
	caller.uid=65534 target.pid="$PLAIN" result=-1 result_name=EPERM

### enforce mode: every route fails before a byte is copied
pmg_load mode=enforce
ev="$PMGUARD_OUT/enforce.jsonl"
pmg_monitor "$ev"
rc=0; "$PY" "$R" vmdump "$SSHD" "$SECRET" 2>"$work/e.err" || rc=$?
check "process_vm_readv of sshd denied with EPERM (exit $rc: $(cat "$work/e.err"))" \
	test "$rc" = 2
rc=0; "$PY" "$R" vmwrite "$SSHD" "$ADDR" "$SECRET" 2>/dev/null || rc=$?
check "process_vm_writev of sshd denied (exit $rc)" test "$rc" = 2
rc=0; "$PY" "$R" peek "$SSHD" attach "$ADDR" "$SECRET" 2>"$work/e.err" || rc=$?
check "PTRACE_ATTACH of sshd denied (exit $rc: $(cat "$work/e.err"))" test "$rc" = 2
rc=0; "$PY" "$R" peek "$SSHD" seize "$ADDR" "$SECRET" 2>/dev/null || rc=$?
check "PTRACE_SEIZE of sshd denied (exit $rc)" test "$rc" = 2
rc=0; "$PY" "$R" getfd "$SSHD" "$SECRET" 2>"$work/e.err" || rc=$?
check "pidfd_getfd of sshd denied with EPERM (exit $rc: $(cat "$work/e.err"))" \
	test "$rc" = 2
sniff "$work/enforce-sniffed"
check "the sniffer captures nothing of sudo's password in enforce mode" \
	bash -c "test -f '$work/enforce-sniffed' && ! grep -q '${PASSWORD:0:4}' '$work/enforce-sniffed'"
check "the sniffer's register reads (and PEEKDATA) of sudo were refused" \
	grep -qE "(^| )(regs-)?denied=[1-9]" "$work/enforce-sniffed.log"

pmg_monitor_stop
expect "$ev" "vm_read of sshd denied" kind=vm_read target.pid="$SSHD" action=deny \
	result=-1 result_name=EPERM severity=high rule=sensitive-memory
expect "$ev" "vm_write of sshd denied" kind=vm_write target.pid="$SSHD" action=deny result=-1
expect "$ev" "both attaches to sshd denied" --min 2 kind=ptrace target.pid="$SSHD" \
	action=deny result=-1
expect_none "$ev" "no PEEKDATA of sshd happened (the attach was refused)" \
	kind=ptrace_read target.pid="$SSHD"
expect "$ev" "pidfd_getfd of sshd denied" kind=getfd target.pid="$SSHD" action=deny \
	result=-1 result_name=EPERM severity=high rule=sensitive-memory
expect "$ev" "the sniffer's register reads of sudo denied" kind=ptrace_read target.comm=sudo \
	action=deny severity=high result=-5 result_name=EIO

### enforce mode: everyday debugging still works, quietly
ev="$PMGUARD_OUT/benign.jsonl"
pmg_monitor "$ev"
out=$("$PY" "$R" peekchild "$SECRET")
check "a tracer peeks its own child ($out)" test "${out#*found=}" = 1
out=$("$PY" "$R" getfdchild "$SECRET")
check "a supervisor takes a file from its child with pidfd_getfd ($out)" \
	test "${out#*found=}" = 1
check "strace -f of a command works" strace -f -o "$work/strace.out" \
	"$PY" -c 'import os; os.system("true")'
check "strace read the child's strings" grep -q 'execve(' "$work/strace.out"
check "gdb -p of a process that is not sensitive works" bash -c \
	"gdb -nx -batch -p $PLAIN -ex 'x/2s 0x$ADDR_PLAIN' 2>&1 | grep -q '$SECRET'"
check "gdb runs a program under it" bash -c \
	"gdb -nx -batch -ex run --args /usr/bin/true 2>&1 | grep -q 'exited normally'"
out=$(as_nobody "$PY" "$R" cma 3)
calls=${out#calls=}
check "MPI-like same-user process_vm_readv pair works ($out)" test "${calls:-0}" -gt 0
"$PY" -c '
import ctypes, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import memroutes
buf = ctypes.create_string_buffer(b"self" * 16)
data, err = memroutes.vm_read(os.getpid(), ctypes.addressof(buf), 64)
sys.exit(0 if data == buf.raw[:64] else 1)
' "$R"
check "process_vm_readv of oneself works" test $? = 0
sleep 1.5	# the fold window closes
pmg_monitor_stop

expect "$ev" "a tracer's attach to its child: allowed, info" kind=ptrace \
	caller.exe="$pyexe" action=allow rule=debug-child severity=info flags@caller_is_ancestor
expect "$ev" "a tracer's PEEKDATA of its child: allowed, info" kind=ptrace_read \
	caller.exe="$pyexe" action=allow rule=own-tracee flags@caller_is_tracer
expect "$ev" "pidfd_getfd from one's child: allowed, info" kind=getfd \
	caller.exe="$pyexe" action=allow rule=debug-child severity=info \
	flags@caller_is_ancestor
expect "$ev" "strace's attach is allowed by its rule" kind=ptrace \
	caller.exe=/usr/bin/strace action=allow rule=allow:strace
expect "$ev" "the MPI-like pair: allowed, info, every call counted" --sum-count "${calls:-0}" \
	kind=vm_read caller.uid=65534 target.uid=65534 action=allow rule=same-uid-copy \
	severity=info
expect_none "$ev" "no alert or denial on everyday debugging" action!=allow \
	target.pid!="$SYNC_PID"
expect_none "$ev" "reads of oneself are not reported" kind=vm_read \
	caller.pid='$target.pid'
kill "$SSHD" "$PLAIN"
rm -rf "$work"
finish
