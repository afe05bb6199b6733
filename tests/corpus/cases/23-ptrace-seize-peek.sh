#!/bin/bash
# case: ptrace-seize-peek
# expect: attack
# kinds: ptrace ptrace_read
# what: PTRACE_SEIZE + PTRACE_INTERRUPT + PTRACE_PEEKDATA of a process named sshd (memroutes.py peek seize)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
mr_holder "$(named "$PYEXE" sshd)" "seize-s3cret" || case_done
out=$("$PY" "$MR" peek "$HOLDER" seize "$ADDR" "seize-s3cret")
say "$out"
ok test "${out#*found=}" = 1
kill "$HOLDER"
case_done
