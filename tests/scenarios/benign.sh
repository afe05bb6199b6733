#!/bin/bash
# kernels: 6.1
# Everyday tools and self-inspection raise no alert: ps, top, pgrep, a
# process reading its own maps/mem/environ (also through its threads and
# /proc/<own pid>), pmap and lsof on a non-sensitive process, and gdb
# debugging its own child.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"
sleep 600 &
OTHER=$!

ps aux >/dev/null
ps -eo pid,comm,args >/dev/null
top -b -n 1 >/dev/null
pgrep -a sleep >/dev/null
cat /proc/self/maps /proc/self/environ /proc/self/smaps_rollup >/dev/null
cat /proc/thread-self/maps >/dev/null
"$PY" - <<'PYEOF'
import os, threading
pid = os.getpid()
def inspect():
    tid = threading.get_native_id()
    for path in (f"/proc/{pid}/maps", f"/proc/{pid}/environ",
                 f"/proc/{pid}/task/{tid}/maps", f"/proc/{pid}/task/{pid}/smaps",
                 f"/proc/{pid}/auxv"):
        with open(path, "rb") as f:
            f.read(4096)
    with open(f"/proc/{pid}/task/{tid}/mem", "rb") as f:
        pass
t = threading.Thread(target=inspect)
t.start(); t.join()
inspect()
PYEOF
command -v pmap >/dev/null && pmap "$OTHER" >/dev/null
command -v lsof >/dev/null && lsof -p "$OTHER" >/dev/null 2>&1
gdb -nx -batch -ex run -ex bt --args /usr/bin/sleep 0.1 >"$PMGUARD_OUT/gdb.out" 2>&1
pmg_monitor_stop
kill "$OTHER"

expect_none "$ev" "no alert or deny from benign work" action!=allow \
	target.pid!="$SYNC_PID"
expect_none "$ev" "no event for self-inspection" 'caller.exe~python' 
finish
