#!/bin/bash
# case: self-inspection
# expect: benign
# what: a JVM-like python process reads its own maps, smaps, environ, auxv and mem, also through its threads and /proc/<own pid>
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
ok "$PY" - <<'PYEOF'
import os, threading
pid = os.getpid()
def inspect():
    tid = threading.get_native_id()
    for path in ("/proc/self/maps", "/proc/thread-self/maps", f"/proc/{pid}/maps",
                 f"/proc/{pid}/smaps", f"/proc/{pid}/smaps_rollup", f"/proc/{pid}/environ",
                 f"/proc/{pid}/auxv", f"/proc/{pid}/task/{tid}/maps",
                 f"/proc/{pid}/task/{pid}/environ", f"/proc/{tid}/numa_maps"):
        with open(path, "rb") as f:
            f.read(4096)
    with open(f"/proc/{pid}/maps") as f:
        lo = next(int(l.split("-")[0], 16) for l in f if "[heap]" in l or "[stack]" in l)
    for path in ("/proc/self/mem", f"/proc/{pid}/task/{tid}/mem"):
        with open(path, "rb", 0) as f:
            f.seek(lo)
            f.read(4096)
t = threading.Thread(target=inspect)
t.start(); t.join()
inspect()
PYEOF
case_done
