#!/bin/bash
# case: ptrace-poke-sshd
# expect: attack
# kinds: ptrace ptrace_write
# what: ptrace code/data injection: PTRACE_ATTACH, then PTRACE_POKEDATA of a word into a process named sshd, read back with PEEKDATA
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
mr_holder "$(named "$PYEXE" sshd)" "poke-s3cret" || case_done
"$PY" - "$MR" "$HOLDER" "$ADDR" <<'PYEOF'
import ctypes, os, struct, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import memroutes as m
pid, addr = int(sys.argv[2]), int(sys.argv[3], 16)
r, err = m.ptrace(m.PTRACE_ATTACH, pid)
if r < 0:
    m.fail(err, "PTRACE_ATTACH")
os.waitpid(pid, 0)
word = struct.unpack("<q", b"INJECTED")[0]
r, err = m.ptrace(5, pid, addr, word & 0xFFFFFFFFFFFFFFFF)   # PTRACE_POKEDATA
w, err2 = m.peek_word(pid, addr)
m.ptrace(m.PTRACE_DETACH, pid)
print(f"POKEDATA = {r} ({os.strerror(err) if err else 'ok'}); read back {w!r}")
sys.exit(0 if r == 0 and w == b"INJECTED" else 1)
PYEOF
ok test $? = 0
kill "$HOLDER"
case_done
