#!/bin/bash
# case: art-3-python
# expect: attack
# kinds: maps mem
# what: Atomic Red Team T1003.007 test 3: python reads maps, opens mem, seeks to the heap, reads
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
sh -c 'echo "The password is T1003.007" && sleep 600' >/dev/null &
sleep 0.5
PID=$(pgrep -n -f "The password is T1003")
# dump_heap.py from the Atomic test, inline.
"$PY" - "$PID" "$CASE_WORK/dump" <<'PYEOF'
import re, sys
pid, out = sys.argv[1], sys.argv[2]
with open(f"/proc/{pid}/maps") as maps:
    for line in maps:
        if "[heap]" in line:
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
with open(f"/proc/{pid}/mem", "rb", 0) as mem:
    mem.seek(start)
    data = mem.read(end - start)
with open(out, "wb") as f:
    f.write(data)
PYEOF
ok grep -q "The password is T1003.007" "$CASE_WORK/dump"
kill "$PID"
case_done
