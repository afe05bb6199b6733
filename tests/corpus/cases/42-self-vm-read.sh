#!/bin/bash
# case: self-vm-read
# expect: benign
# what: a process copies its own memory with process_vm_readv (its own pid), from its main thread and from a second thread
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
"$PY" - "$MR" <<'PYEOF'
import ctypes, os, sys, threading
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import memroutes as m
buf = ctypes.create_string_buffer(b"self" * 16)
res = []
def rd():
    data, err = m.vm_read(os.getpid(), ctypes.addressof(buf), 64)
    res.append(data == buf.raw[:64])
rd()
t = threading.Thread(target=rd); t.start(); t.join()
print(f"self reads: {res}")
sys.exit(0 if res == [True, True] else 1)
PYEOF
ok test $? = 0
case_done
