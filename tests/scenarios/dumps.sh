#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug
# The routes around the ptrace questions of procfs and process_vm_readv,
# each shown to work in audit mode (reported, would_deny) and refused in
# enforce mode, with ordinary twins that stay allowed and working:
#   pageout   process_madvise(MADV_PAGEOUT) of a credential holder's heap
#             (its pages go to swap, where the device shows them)
#   kcore     an open of /proc/kcore (every process's memory)
#   core      the core dump of a credential holder, and of a setuid-style
#             process (credentials changed) with fs.suid_dumpable=2; an
#             ordinary crash still dumps
#   regs      a tracer that followed its child's exec into a credential
#             holder: register reads and writes (the way to make it write
#             out its secrets); the same on an ordinary exec works
#   nondumpable  pidfd_getfd on a child that made itself non-dumpable
#   uprobe    a uprobe (tracefs; perf and BPF register them the same way) on
#             libpam, pamspy's target; one on an ordinary program works
#   fd_reopen a credential holder's memfd of secrets reopened through its
#             /proc/<pid>/fd/N and map_files/<range>; ls -l, stat and lsof
#             of those links keep working and stay quiet
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

work=$(mktemp -d /tmp/dumps.XXXXXX)
chmod 755 "$work"
cp /usr/bin/sleep "$work/sshd"
mkdir -m 1777 "$work/cores"
old_pattern=$(cat /proc/sys/kernel/core_pattern)
old_suid=$(cat /proc/sys/fs/suid_dumpable)
echo "$work/cores/core.%e.%p" >/proc/sys/kernel/core_pattern
echo 2 >/proc/sys/fs/suid_dumpable
ulimit -c unlimited

# tool.py ROUTE PID: one route against PID; exit 0 when it got through,
# 1 when refused (errno printed), 2 on a test error.
cat >"$work/tool.py" <<'PYEOF'
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
route = sys.argv[1]
pid = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 0

def refused(what):
    e = ctypes.get_errno()
    print("%s refused: %s" % (what, os.strerror(e)))
    sys.exit(1)

class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

if route == "pageout":
    for line in open("/proc/%d/maps" % pid):
        if "[heap]" in line or "[stack]" in line:
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            break
    pidfd = libc.syscall(434, pid, 0)                       # pidfd_open
    iov = iovec(lo, hi - lo)
    if libc.syscall(440, pidfd, ctypes.byref(iov), 1, 21, 0) < 0:   # MADV_PAGEOUT
        refused("process_madvise")
    print("paged out")
elif route == "kcore":
    try:
        with open("/proc/kcore", "rb") as f:
            f.read(4096)
    except OSError as e:
        print("kcore refused: %s" % e.strerror)
        sys.exit(1)
    print("kcore read")
elif route in ("regs", "regs-plain"):
    target = sys.argv[2]
    child = os.fork()
    if child == 0:
        libc.ptrace(0, 0, None, None)                       # PTRACE_TRACEME
        os.execv(target, [os.path.basename(target), "600"])
    os.waitpid(child, 0)                                     # SIGTRAP at exec
    buf = ctypes.create_string_buffer(27 * 8)               # user_regs_struct
    ok = True
    if libc.ptrace(12, child, None, buf) < 0:               # PTRACE_GETREGS
        print("GETREGS refused: %s" % os.strerror(ctypes.get_errno()))
        ok = False
    if libc.ptrace(13, child, None, buf) < 0:               # PTRACE_SETREGS
        print("SETREGS refused: %s" % os.strerror(ctypes.get_errno()))
        ok = False
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    print("child %d" % child)
    sys.exit(0 if ok else 1)
elif route == "nondumpable":
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(r)
        if sys.argv[2] == "nondumpable":
            libc.prctl(4, 0, 0, 0, 0)                       # PR_SET_DUMPABLE 0
        secret = os.open("/etc/hostname", os.O_RDONLY)
        os.write(w, b"%d" % secret)
        signal.pause()
    os.close(w)
    fd = int(os.read(r, 16))
    pidfd = libc.syscall(434, child, 0)
    got = libc.syscall(438, pidfd, fd, 0)                   # pidfd_getfd
    err = ctypes.get_errno()
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    print("child %d" % child)
    if got < 0:
        print("pidfd_getfd refused: %s" % os.strerror(err))
        sys.exit(1)
    sys.exit(0)
else:
    sys.exit(2)
PYEOF

# holder: a credential holder (a python named sshd) keeping a secret in a
# memfd it also maps shared; writes "PID FD START-END" to $1
mkdir -p "$work/h"
cp /usr/bin/python3 "$work/h/sshd"
cat >"$work/holder.py" <<'PYEOF'
import mmap, os, sys, time
fd = os.memfd_create("secrets")
os.write(fd, b"pmguard-memfd-secret-0815\n" + b"\0" * 4070)
m = mmap.mmap(fd, 4096, mmap.MAP_SHARED)
for line in open("/proc/self/maps"):
    if "memfd:secrets" in line:
        rng = line.split()[0]
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %d %s\n" % (os.getpid(), fd, rng))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
PYEOF
start_holder() { # FILE: start a holder, wait for its line
	PYTHONHOME=/usr "$work/h/sshd" "$work/holder.py" "$1" &
	local i
	for i in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done
	fail "the holder did not start"
}
fd_routes() { # DIR: every fd/N and map_files route, and their benign twins
	local d=$1 pid fd rng rc
	read -r pid fd rng <"$d/holder"
	rc=0; cat "/proc/$pid/fd/$fd" >"$d/fd.out" 2>&1 || rc=$?; echo $rc >"$d/rc-fd"
	rc=0; cat "/proc/$pid/map_files/$rng" >"$d/mapf.out" 2>&1 || rc=$?; echo $rc >"$d/rc-mapf"
	rc=0; ls -l "/proc/$pid/fd" >"$d/ls.out" 2>&1 || rc=$?; echo $rc >"$d/rc-ls"
	rc=0; stat -L "/proc/$pid/fd/$fd" >"$d/stat.out" 2>&1 || rc=$?; echo $rc >"$d/rc-stat"
	rc=0; lsof -p "$pid" >"$d/lsof.out" 2>&1 || rc=$?; echo $rc >"$d/rc-lsof"
	rc=0; cat "/proc/$2/fd/0" </dev/null >/dev/null 2>&1 || rc=$?; echo $rc >"$d/rc-fd-plain"
}

T=/sys/kernel/tracing
LIBPAM=$(readlink -f /lib/x86_64-linux-gnu/libpam.so.0)
PAMCOMM=$(basename "$LIBPAM" | cut -c1-15)	# a comm holds 15 characters
uprobe_try() { # NAME FILE: 0 when a uprobe on FILE could be enabled
	echo "p:pmg_$1 $2:0x0" >>"$T/uprobe_events" || return 2
	local rc=0
	echo 1 >"$T/events/uprobes/pmg_$1/enable" 2>/dev/null || rc=1
	echo 0 >"$T/events/uprobes/pmg_$1/enable" 2>/dev/null
	echo "-:pmg_$1" >>"$T/uprobe_events"
	return $rc
}
HAVE_UPROBES=0
[ -w "$T/uprobe_events" ] && [ -f "$LIBPAM" ] && HAVE_UPROBES=1

as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
ev="$PMGUARD_OUT/events.jsonl"

run_mode() { # MODE: every route; "rc-NAME" files hold each one's exit status
	local mode=$1 d=$work/$1 rc
	mkdir -p "$d"
	"$work/sshd" 600 &
	local sshd=$!
	sleep 600 &
	local plain=$!
	sleep 0.5
	echo "$sshd" >"$d/sshd.pid"
	echo "$plain" >"$d/plain.pid"
	rc=0; "$PY" "$work/tool.py" pageout "$sshd" >"$d/pageout.out" 2>&1 || rc=$?; echo $rc >"$d/rc-pageout"
	rc=0; "$PY" "$work/tool.py" pageout "$plain" >"$d/pageout-plain.out" 2>&1 || rc=$?; echo $rc >"$d/rc-pageout-plain"
	rc=0; "$PY" "$work/tool.py" kcore >"$d/kcore.out" 2>&1 || rc=$?; echo $rc >"$d/rc-kcore"
	rc=0; "$PY" "$work/tool.py" regs "$work/sshd" >"$d/regs.out" 2>&1 || rc=$?; echo $rc >"$d/rc-regs"
	rc=0; "$PY" "$work/tool.py" regs /usr/bin/sleep >"$d/regs-plain.out" 2>&1 || rc=$?; echo $rc >"$d/rc-regs-plain"
	rc=0; as_nobody "$PY" "$work/tool.py" nondumpable nondumpable >"$d/nd.out" 2>&1 || rc=$?; echo $rc >"$d/rc-nd"
	rc=0; as_nobody "$PY" "$work/tool.py" nondumpable dumpable >"$d/nd-plain.out" 2>&1 || rc=$?; echo $rc >"$d/rc-nd-plain"
	if [ "$HAVE_UPROBES" = 1 ]; then
		rc=0; uprobe_try pam "$LIBPAM" || rc=$?; echo $rc >"$d/rc-uprobe"
		rc=0; uprobe_try sleep /usr/bin/sleep || rc=$?; echo $rc >"$d/rc-uprobe-plain"
	fi
	start_holder "$d/holder"
	fd_routes "$d" "$plain"
	kill "$(cut -d' ' -f1 "$d/holder")"
	# core dumps: the credential holder, an ordinary process, and a
	# process that changed its credentials (dumped as root only)
	rm -f "$work/cores/"*
	kill -SEGV "$sshd"
	kill -SEGV "$plain"
	"$PY" -c 'import os, signal; os.setuid(65534); os.kill(os.getpid(), signal.SIGSEGV)' 2>/dev/null
	sleep 2
	ls "$work/cores" >"$d/cores.txt"
	wait "$sshd" "$plain" 2>/dev/null
	log "$mode: $(for f in "$d"/rc-*; do printf '%s=%s ' "${f##*/rc-}" "$(cat "$f")"; done)cores: $(tr '\n' ' ' <"$d/cores.txt")"
	for f in "$d"/*.out; do log "  ${f##*/}: $(tr '\n' ' ' <"$f")"; done
}

pmg_load
pmg_monitor "$ev"
run_mode audit
pmg_monitor_stop
check "audit: every route works (pageout, kcore, regs, getfd)" test \
	"$(cat "$work/audit/rc-pageout") $(cat "$work/audit/rc-kcore") $(cat "$work/audit/rc-regs")" = "0 0 0"
check "audit: the credential holder's core is written" grep -q '^core\.sshd\.' "$work/audit/cores.txt"
check "audit: the setuid-style process's core is written (suid_dumpable=2)" grep -q '^core\.python3' "$work/audit/cores.txt"
A_SSHD=$(cat "$work/audit/sshd.pid")
A_PLAIN=$(cat "$work/audit/plain.pid")
expect "$ev" "audit: pageout of the credential holder would be denied" kind=pageout \
	target.pid="$A_SSHD" action=alert severity=high flags@would_deny rule=sensitive-memory result=0
expect "$ev" "audit: pageout of an ordinary process is a memory-read" kind=pageout \
	target.pid="$A_PLAIN" action=alert severity=medium rule=memory-read
expect "$ev" "audit: kcore would be denied" kind=kcore target.pid=0 action=alert \
	severity=high flags@would_deny rule=kcore
expect "$ev" "audit: register read of the credential holder would be denied" kind=ptrace_read \
	target.comm=sshd action=alert severity=high flags@would_deny rule=sensitive-memory
expect "$ev" "audit: register write of the credential holder would be denied" kind=ptrace_write \
	target.comm=sshd action=alert severity=high flags@would_deny rule=sensitive-memory
expect "$ev" "audit: register access of an ordinary tracee is allowed" kind=ptrace_write \
	target.comm=sleep action=allow rule=own-tracee
expect "$ev" "audit: the credential holder's core would be denied" kind=core \
	target.pid="$A_SSHD" caller.pid="$A_SSHD" action=alert severity=high flags@would_deny rule=sensitive-core
expect "$ev" "audit: an ordinary core is allowed" kind=core target.pid="$A_PLAIN" \
	action=allow severity=info rule=core
expect "$ev" "audit: a core dumped as root only would be denied" kind=core \
	target.comm=python3 flags@target_nondumpable action=alert severity=high rule=nondumpable-core
expect "$ev" "audit: getfd of a non-dumpable child: nondumpable-memory" kind=getfd \
	caller.uid=65534 flags@target_nondumpable severity=high rule=nondumpable-memory
expect "$ev" "audit: getfd of a dumpable child is debug-child" kind=getfd \
	caller.uid=65534 action=allow rule=debug-child
if [ "$HAVE_UPROBES" = 1 ]; then
	check "audit: a uprobe on libpam works" test "$(cat "$work/audit/rc-uprobe")" = 0
	expect "$ev" "audit: a uprobe on libpam would be denied" kind=uprobe \
		target.comm="$PAMCOMM" action=alert severity=high flags@would_deny \
		flags@target_sensitive rule=sensitive-memory
	expect "$ev" "audit: a uprobe on an ordinary program is allowed" kind=uprobe \
		target.comm=sleep action=allow severity=info rule=uprobe
else
	log "no uprobe_events here: uprobes not tried"
fi
check "audit: the memfd of secrets reopened through fd/N" grep -q pmguard-memfd-secret "$work/audit/fd.out"
check "audit: and through map_files" grep -q pmguard-memfd-secret "$work/audit/mapf.out"
A_HOLDER=$(cut -d' ' -f1 "$work/audit/holder")
expect "$ev" "audit: fd/N reopen of the holder would be denied" kind=fd_reopen \
	target.pid="$A_HOLDER" caller.comm=cat action=alert severity=high flags@would_deny \
	rule=sensitive-memory --min 2
expect "$ev" "audit: fd/N reopen of an ordinary process is low" kind=fd_reopen \
	target.pid="$A_PLAIN" action=alert severity=low rule=fd-reopen
expect_none "$ev" "audit: ls -l, stat -L and lsof of the holder's fds are no reopen" \
	kind=fd_reopen target.pid="$A_HOLDER" caller.comm~'^(ls|stat|lsof)$'
expect_flush
mv "$ev" "$PMGUARD_OUT/events-audit.jsonl"

pmg_load mode=enforce
pmg_monitor "$ev"
run_mode enforce
pmg_monitor_stop
E=$work/enforce
check "enforce: pageout of the credential holder refused (EACCES)" \
	bash -c "test \$(cat '$E/rc-pageout') = 1 && grep -q 'Permission denied' '$E/pageout.out'"
check "enforce: pageout of an ordinary process works" test "$(cat "$E/rc-pageout-plain")" = 0
check "enforce: kcore refused" bash -c "test \$(cat '$E/rc-kcore') = 1 && grep -q 'not permitted' '$E/kcore.out'"
check "enforce: register read and write of the credential holder refused (EIO)" \
	bash -c "test \$(cat '$E/rc-regs') = 1 && grep -q 'GETREGS refused: Input/output error' '$E/regs.out' && grep -q 'SETREGS refused: Input/output error' '$E/regs.out'"
check "enforce: registers of an ordinary tracee work" test "$(cat "$E/rc-regs-plain")" = 0
check "enforce: getfd of a non-dumpable child refused" test "$(cat "$E/rc-nd")" = 1
check "enforce: getfd of a dumpable child works" test "$(cat "$E/rc-nd-plain")" = 0
check "enforce: no core of the credential holder" bash -c "! grep -q '^core\.sshd\.' '$E/cores.txt'"
check "enforce: no core dumped as root only" bash -c "! grep -q '^core\.python3' '$E/cores.txt'"
check "enforce: an ordinary crash still dumps" grep -q '^core\.sleep\.' "$E/cores.txt"
check "enforce: fd/N reopen of the holder refused (EACCES), nothing read" \
	bash -c "test \$(cat '$E/rc-fd') = 1 && grep -q 'Permission denied' '$E/fd.out' && ! grep -q pmguard-memfd '$E/fd.out'"
check "enforce: map_files reopen refused" \
	bash -c "test \$(cat '$E/rc-mapf') = 1 && ! grep -q pmguard-memfd '$E/mapf.out'"
check "enforce: ls -l, stat -L and lsof of the holder work" test \
	"$(cat "$E/rc-ls") $(cat "$E/rc-stat") $(cat "$E/rc-lsof")" = "0 0 0"
check "enforce: ls -l shows the memfd" grep -q 'memfd:secrets' "$E/ls.out"
if [ "$HAVE_UPROBES" = 1 ]; then
	check "enforce: a uprobe on libpam refused" test "$(cat "$E/rc-uprobe")" = 1
	check "enforce: a uprobe on an ordinary program works" test "$(cat "$E/rc-uprobe-plain")" = 0
	expect "$ev" "enforce: the uprobe on libpam denied" kind=uprobe \
		target.comm="$PAMCOMM" action=deny severity=high result=-22
fi
E_HOLDER=$(cut -d' ' -f1 "$E/holder")
expect "$ev" "enforce: fd/N reopen denied" kind=fd_reopen target.pid="$E_HOLDER" \
	action=deny severity=high result=-13 --min 2
E_SSHD=$(cat "$E/sshd.pid")
expect "$ev" "enforce: pageout denied" kind=pageout target.pid="$E_SSHD" action=deny \
	severity=high result=-13
expect "$ev" "enforce: kcore denied" kind=kcore action=deny severity=high result=-1
expect "$ev" "enforce: register write denied" kind=ptrace_write target.comm=sshd \
	action=deny severity=high result=-5
expect "$ev" "enforce: the credential holder's core denied" kind=core target.pid="$E_SSHD" \
	action=deny severity=high rule=sensitive-core
expect "$ev" "enforce: a core dumped as root only denied" kind=core target.comm=python3 \
	action=deny severity=high rule=nondumpable-core

echo "$old_pattern" >/proc/sys/kernel/core_pattern
echo "$old_suid" >/proc/sys/fs/suid_dumpable
rm -rf "$work"
finish
