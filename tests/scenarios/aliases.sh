#!/bin/bash
# kernels: 5.10 6.1 6.12 7.3
# Every way to name the files reaches the same open and is reported:
# /proc/<pid>/, /proc/<pid>/task/<tid>/, the hidden /proc/<tid>/ of a
# thread, openat() on a /proc/<pid> directory fd, a reopen through
# /proc/self/fd/N, a bind mount, a second procfs mount, a procfs in a
# child pid namespace; and every kind of file; and a read from a second
# thread of the attacker.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"

# A victim with a second thread.
"$PY" -c '
import threading, time
threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
time.sleep(600)' &
V=$!
T=
for _ in $(seq 1 150); do	# python starts slowly under TCG
	T=$(ls /proc/$V/task | grep -v "^$V\$" | head -1)
	[ -n "$T" ] && break
	sleep 0.2
done
[ -n "$T" ] || { fail "victim's second thread never appeared"; finish; }
pyexe=$(readlink -f "$PY")

for kind in mem environ maps smaps smaps_rollup numa_maps pagemap auxv; do
	[ -e /proc/$V/$kind ] || continue
	dd if=/proc/$V/$kind of=/dev/null bs=1 count=1 2>/dev/null
done

dd if=/proc/$V/task/$T/mem of=/dev/null bs=1 count=1 2>/dev/null
dd if=/proc/$T/environ of=/dev/null bs=1 count=1 2>/dev/null
"$PY" - "$V" "$T" <<'PYEOF'
import os, sys, threading
pid, tid = sys.argv[1], sys.argv[2]
d = os.open(f"/proc/{pid}", os.O_RDONLY | os.O_DIRECTORY)
os.close(os.open("maps", os.O_RDONLY, dir_fd=d))          # openat(dirfd)
fd = os.open(f"/proc/{pid}/task/{tid}/environ", os.O_RDONLY)
os.close(os.open(f"/proc/self/fd/{fd}", os.O_RDONLY))      # reopen via fd link
def second_thread():
    with open(f"/proc/{pid}/smaps", "rb") as f:
        f.read(1)
t = threading.Thread(target=second_thread); t.start(); t.join()
PYEOF
mkdir -p /tmp/alias-bind /tmp/alias-proc
mount --bind /proc/$V /tmp/alias-bind
dd if=/tmp/alias-bind/auxv of=/dev/null bs=1 count=1 2>/dev/null
umount /tmp/alias-bind
mount -t proc proc /tmp/alias-proc
cat /tmp/alias-proc/$V/task/$T/maps >/dev/null
umount /tmp/alias-proc
unshare --pid --fork --mount-proc sh -c \
	'sleep 600 & sleep 0.3; cat /proc/$!/environ >/dev/null; kill $!'
pmg_monitor_stop

for kind in mem environ maps smaps smaps_rollup numa_maps pagemap auxv; do
	[ -e /proc/$V/$kind ] || continue
	expect "$ev" "kind $kind reported" kind=$kind target.pid="$V" caller.comm=dd
done
expect "$ev" "task/<tid>/mem alias" kind=mem target.pid="$V" target.tid="$T" flags@task_alias
expect "$ev" "hidden /proc/<tid> alias" kind=environ target.pid="$V" target.tid="$T" caller.comm=dd
expect "$ev" "openat on a /proc/<pid> fd" kind=maps target.pid="$V" caller.exe="$pyexe"
expect "$ev" "reopen through /proc/self/fd" kind=environ target.tid="$T" caller.exe="$pyexe" --min 2
expect "$ev" "read from the attacker's second thread" kind=smaps target.pid="$V" \
	caller.exe="$pyexe" 'caller.tid!=$caller.pid'
expect "$ev" "bind mount of /proc/<pid>" kind=auxv target.pid="$V" caller.comm=dd --min 2
expect "$ev" "second procfs mount" kind=maps target.tid="$T" caller.comm=cat
expect "$ev" "procfs of a child pid namespace" kind=environ caller.comm=cat \
	target.comm=sleep 'target.pid!=1'
kill "$V"
finish
