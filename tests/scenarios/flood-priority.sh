#!/bin/bash
# kernels: 6.1 6.12-rt
# (Not debug: under KASAN and TCG the flooders are too slow to overrun the
# reader's socket, so the test's precondition does not hold there; the
# debug kernel runs tests/stress/scenarios/flood-priority.sh, longer.)
# timeout: 300
# Noise must not hide the attack.  FLOODERS (2) unprivileged processes
# open the maps, smaps, environ, ... of root's processes (a process named
# sshd among them) as fast as they can for FLOOD_SECONDS (20), varying
# pids and kinds so that folding cannot merge them: the kernel refuses,
# pmguard reports, and the reader (stopped meanwhile) has its socket
# overrun.  Meanwhile root reads
# the environ of a process named sshd three times (high severity).  Every
# one of those reaches `pmguard monitor`, no high-severity event is
# dropped anywhere (the module's priority_dropped counter), the flood did
# overrun the socket (events were dropped at send: the test tested
# something), and the counters add up.  A reader stopped with SIGTERM
# first logs the events already in its socket.  The long run:
# tests/stress/scenarios/flood-priority.sh.
#
# FLOOD_ROUTES=1 (tests/stress/scenarios/flood-priority-routes.sh): the
# flood is itself of priority events.  Each flooder forks 8 children that
# call process_vm_readv, PTRACE_ATTACH and pidfd_getfd on root's sshd (the
# kernel refuses them; pmguard reports them as would-deny, high) and
# process_vm_readv on nobody's own ssh-agent (the kernel allows it: a
# would-deny that got through), more caller x kind pairs than the 64 fold
# slots.  Root's reads must still all arrive: none of them is among the
# urgent_dropped (the privileged tier of the queue and of the hold).
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

SECS=${FLOOD_SECONDS:-20}
FLOODERS=${FLOODERS:-2}
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
work=$(mktemp -d /tmp/flood-priority.XXXXXX)
cp /usr/bin/sleep "$work/sshd"
"$work/sshd" 600 &
SSHD=$!
cp /usr/bin/sleep "$work/ssh-agent"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$work/ssh-agent" 600 &
AGENT=$!
# Root's processes: 24 children of one python (forks are cheaper than
# execs under TCG).  Unprivileged, only maps, smaps, smaps_rollup and
# numa_maps get as far as the kernel's ptrace check (the others are 0400):
# 4 kinds x 26 targets per flooder, more than the 64 fold slots.
"$PY" -c '
import os, time
kids = []
for _ in range(24):
    pid = os.fork()
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    kids.append(pid)
print(" ".join(map(str, kids)), flush=True)
time.sleep(600)' >"$work/kids" &
KIDS=$!
for _ in $(seq 1 50); do [ -s "$work/kids" ] && break; sleep 0.1; done
read -r -a kids <"$work/kids"
targets=("${kids[@]}" "$SSHD" 1)
log "${#targets[@]} targets"

pmg_load
# On tmpfs, as on a local disk (the results share, 9p, is slow).
ev=/tmp/flood-priority.jsonl
pmg_monitor "$ev"
# A reader that cannot keep up (a slow disk, a busy journal): stopped for
# the whole flood, its socket overruns however fast or slow the host is.
renice -n 19 -p "$MONITOR_PID" >/dev/null
kill -STOP "$MONITOR_PID"

flooders=()
for i in $(seq 1 "$FLOODERS"); do
	if [ "${FLOOD_ROUTES:-0}" = 1 ]; then
		as_nobody "$PY" - "$SECS" "$SSHD" "$AGENT" >"$PMGUARD_OUT/flooder-$i.txt" 2>&1 <<'PYEOF' &
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
end = time.monotonic() + float(sys.argv[1])
sshd, agent = int(sys.argv[2]), int(sys.argv[3])
buf = ctypes.create_string_buffer(64)
local = (ctypes.c_void_p * 2)(ctypes.cast(buf, ctypes.c_void_p), 64)
# the agent's own stack page is mapped: any mapped address will do
remote = (ctypes.c_void_p * 2)(None, 64)
with open(f"/proc/{agent}/maps") as maps:
    for line in maps:
        if "[stack]" in line:
            remote[0] = int(line.split("-")[0], 16)
kids = []
for _ in range(8):
    pid = os.fork()
    if pid == 0:
        n = 0
        pidfd = libc.syscall(434, sshd, 0)
        while time.monotonic() < end:
            libc.process_vm_readv(sshd, local, 1, remote, 1, 0)
            libc.ptrace(16, sshd, None, None)
            libc.syscall(438, pidfd, 0, 0)
            libc.process_vm_readv(agent, local, 1, remote, 1, 0)
            n += 4
        print(n, flush=True)
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
PYEOF
		flooders+=($!)
		continue
	fi
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
kill -CONT "$MONITOR_PID"
log "flooders opened $(cat "$PMGUARD_OUT"/flooder-*.txt | tr '\n' ' ')"
check "decided = reported + dropped once the flood drains" \
	pmg_stats_settled "$PMGUARD_OUT/stats.json" 60
cat "$PMGUARD_OUT/stats.json"
# The reader drains what its socket holds.
for _ in $(seq 1 40); do
	[ "$(grep -c '"kind":"environ".*"severity":"high"' "$ev")" -ge 3 ] && break
	sleep 0.5
done
pmg_monitor_stop
log "reader: $(grep -c '"type":"access"' "$ev") access events," \
	"$(grep -c '"severity":"high"' "$ev") high"
# (the environ events only: one JSON parse of the whole flood is slow)
grep '"kind":"environ"' "$ev" >"$PMGUARD_OUT/environ.jsonl"
expect "$PMGUARD_OUT/environ.jsonl" "all 3 of root's environ reads of sshd reached the monitor" \
	--min 3 kind=environ target.pid="$SSHD" caller.uid=0 severity=high
if [ "${FLOOD_ROUTES:-0}" = 1 ]; then
	# The refused attempts of the flood itself may be dropped (counted);
	# what got through may be dropped only if it was the flooders' own.
	check "the flood overran the reader's socket, and root's reads were not among the urgent drops" \
		"$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
send = s["dropped"]["send"] + s["dropped"]["queue_full"]
print("dropped", send, "priority_dropped", s.get("priority_dropped"),
      "urgent_dropped", s.get("urgent_dropped"), "held", s.get("held"))
sys.exit(0 if send > 0 and "urgent_dropped" in s else 1)' "$PMGUARD_OUT/stats.json"
else
check "the flood overran the reader's socket (dropped at send), and no high-severity access was dropped (priority_dropped = 0)" \
	"$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
send, lost = s["dropped"]["send"], s.get("priority_dropped")
print("send", send, "priority_dropped", lost, "held", s.get("held"))
sys.exit(0 if send > 0 and lost == 0 else 1)' "$PMGUARD_OUT/stats.json"
fi

# A reader being stopped (systemd stopping the service) logs what the
# kernel already delivered to its socket before it exits: those events
# were counted as reported, and nothing would count them lost.
pmg_load fold_ms=0
ev2=/tmp/flood-stop.jsonl
pmg_monitor "$ev2"
kill -STOP "$MONITOR_PID"
"$PY" -c '
import sys
for _ in range(300):
    open(sys.argv[1], "rb").close()' "/proc/${kids[0]}/maps"
check "the 300 opens were sent to the stopped reader" \
	pmg_stats_settled "$PMGUARD_OUT/stats-stop.json" 60
kill -TERM "$MONITOR_PID"
kill -CONT "$MONITOR_PID"
rc=0
wait "$MONITOR_PID" || rc=$?
MONITOR_PID=
check "the reader stopped with SIGTERM exits 0 (exit $rc)" test "$rc" = 0
grep '"kind":"maps"' "$ev2" >"$PMGUARD_OUT/stop-maps.jsonl"
expect "$PMGUARD_OUT/stop-maps.jsonl" "all 300 events in the socket at SIGTERM were logged" \
	--min 300 --max 300 kind=maps target.pid="${kids[0]}" caller.uid=0
kill "$KIDS" "${kids[@]}" "$SSHD" "$AGENT"
rm -rf "$work" "$ev" "$ev2"
finish
