#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug
# A credential-holding target (an executable named sshd): any reader is
# high severity, the allowlisted debugger (gdb, by executable) included:
# "gdb -p $(pidof sshd)" is a credential dump, and gdb stays allowed on
# other processes.  A renamed process cannot pass as gdb, and in enforce
# mode the open (and gdb's attach) is denied before the memory is reachable.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

work=$(mktemp -d /tmp/sensitive.XXXXXX)
cp /usr/bin/sleep "$work/sshd"
"$work/sshd" 600 &
SSHD=$!
sleep 600 &
PLAIN=$!
pyexe=$(readlink -f "$PY")
cp "$pyexe" "$work/gdb"

read_mem() {	# read_mem INTERPRETER: read one page of the target's stack
	"$1" - "$SSHD" <<'PYEOF'
import sys
pid = sys.argv[1]
with open(f"/proc/{pid}/maps") as maps:
    start = next(int(l.split("-")[0], 16) for l in maps if "[stack]" in l)
with open(f"/proc/{pid}/mem", "rb", 0) as mem:
    mem.seek(start)
    mem.read(4096)
PYEOF
}

gdb_read() {	# gdb_read [PID]: gdb attaches and reads 8 bytes of the stack
	gdb -nx -batch -p "${1:-$SSHD}" -ex 'x/8xb $sp' >"$PMGUARD_OUT/gdb.out" 2>&1 &&
		grep -q '^0x' "$PMGUARD_OUT/gdb.out"
}

### audit mode
pmg_load
ev="$PMGUARD_OUT/audit.jsonl"
pmg_monitor "$ev"
check "python reads sshd memory in audit mode" read_mem "$PY"
check "gdb reads sshd memory in audit mode" gdb_read
check "copy of python named gdb reads sshd memory" read_mem "$work/gdb"
"$PY" -c '
import ctypes, sys
ctypes.CDLL(None).prctl(15, b"gdb", 0, 0, 0)   # PR_SET_NAME
with open("/proc/%s/environ" % sys.argv[1], "rb") as f: f.read()
' "$SSHD"
pmg_monitor_stop

expect "$ev" "python on sshd: high severity" kind=mem caller.exe="$pyexe" \
	target.pid="$SSHD" target.exe="$work/sshd" severity=high action=alert \
	rule=sensitive-memory flags@target_sensitive flags@would_deny
expect "$ev" "gdb on sshd: high severity, would be denied" kind=mem \
	caller.comm=gdb caller.exe=/usr/bin/gdb target.pid="$SSHD" action=alert \
	severity=high rule=sensitive-memory flags@would_deny
expect_none "$ev" "the allowlist does not cover a sensitive target" \
	caller.exe=/usr/bin/gdb target.pid="$SSHD" action=allow
expect "$ev" "renamed copy named gdb is not allowed" kind=mem \
	caller.comm=gdb caller.exe="$work/gdb" action=alert severity=high \
	flags@comm_spoofs_allowed
expect "$ev" "prctl-renamed python flagged" kind=environ caller.comm=gdb \
	caller.exe="$pyexe" action=alert severity=high flags@comm_mismatch \
	flags@comm_spoofs_allowed

### enforce mode
pmg_load mode=enforce
ev="$PMGUARD_OUT/enforce.jsonl"
pmg_monitor "$ev"
read_mem "$PY" 2>"$PMGUARD_OUT/denied.err"
check "python read of sshd memory denied" grep -q "PermissionError" "$PMGUARD_OUT/denied.err"
check "python read of sshd environ denied" bash -c "! cat /proc/$SSHD/environ >/dev/null 2>&1"
# gdb cannot attach to sshd (ptrace is guarded like procfs), so it reads
# nothing, by /proc/<pid>/mem or by its PTRACE_PEEKDATA fallback.
gdb_reads_nothing() { ! gdb_read 2>/dev/null; }
check "gdb reads nothing of sshd in enforce mode" gdb_reads_nothing
cp "$PMGUARD_OUT/gdb.out" "$PMGUARD_OUT/gdb-sshd-enforce.out"
log "gdb on sshd in enforce mode: $(grep -m1 -iE 'ptrace|Cannot access|not permitted' "$PMGUARD_OUT/gdb.out")"
check "gdb still reads another process's memory in enforce mode" gdb_read "$PLAIN"
check "renamed copy still denied" bash -c "! '$work/gdb' -c 'open(\"/proc/$SSHD/mem\",\"rb\")' 2>/dev/null"
check "maps of sshd still readable (not denied by default)" grep -q stack "/proc/$SSHD/maps"
pmg_monitor_stop

expect "$ev" "denial reported" kind=mem caller.exe="$pyexe" target.pid="$SSHD" \
	action=deny result=-13 result_name=EACCES severity=high
expect "$ev" "environ denial reported" kind=environ target.pid="$SSHD" \
	action=deny result=-13
expect "$ev" "gdb's attach to sshd denied" kind=ptrace caller.exe=/usr/bin/gdb \
	target.pid="$SSHD" action=deny result=-1 severity=high
expect "$ev" "gdb allowed on a process that is not sensitive" kind=mem \
	caller.exe=/usr/bin/gdb target.pid="$PLAIN" action=allow rule=allow:gdb result=0
kill "$SSHD" "$PLAIN"
rm -rf "$work"
finish
