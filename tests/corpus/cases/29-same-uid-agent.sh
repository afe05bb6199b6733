#!/bin/bash
# case: same-uid-agent-vmdump
# expect: attack
# kinds: vm_read
# what: a non-root user's malware (nobody) dumps that user's own ssh-agent (a copy of python named ssh-agent, run as nobody) with process_vm_readv: the MPI-like same-user allowance must not cover a credential holder
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
chmod 755 "$CASE_WORK" "$BIN"
mkdir -m 1777 "$CASE_WORK/n"
AGENT=$(named "$PYEXE" ssh-agent)
f=$CASE_WORK/n/addr
"${NOBODY[@]}" "$AGENT" "$MR" holder "agent-s3cret" "$f" 2>&1 &
H=$!
wait_for test -s "$f" || { bad "agent did not start"; case_done; }
# (setpriv execs: $! is the agent itself)
out=$("${NOBODY[@]}" "$PY" "$MR" vmdump "$H" "agent-s3cret")
say "$out"
ok test "${out#*found=}" = 1
kill "$H"
case_done
