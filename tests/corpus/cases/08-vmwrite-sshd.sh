#!/bin/bash
# case: vmwrite-sshd
# expect: attack
# kinds: vm_write
# what: process_vm_writev of 8 bytes into a process named sshd (code/data injection without ptrace), read back with process_vm_readv
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
mr_holder "$(named "$PYEXE" sshd)" "vmwrite-s3cret" || case_done
# memroutes.py vmwrite writes the secret's first 8 bytes where they are;
# overwrite them with other bytes so the write can be seen to happen.
"$PY" - "$MR" "$HOLDER" "$ADDR" <<'PYEOF'
import ctypes, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import memroutes as m
pid, addr = int(sys.argv[2]), int(sys.argv[3], 16)
buf = ctypes.create_string_buffer(b"INJECTED", 8)
local, remote = m.iovec(ctypes.cast(buf, ctypes.c_void_p), 8), m.iovec(addr, 8)
n = m.libc.process_vm_writev(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
data, err = m.vm_read(pid, addr, 8)
print(f"process_vm_writev = {n}; read back {data!r}")
sys.exit(0 if n == 8 and data == b"INJECTED" else 1)
PYEOF
ok test $? = 0
kill "$HOLDER"
case_done
