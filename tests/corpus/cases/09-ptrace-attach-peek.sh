#!/bin/bash
# case: ptrace-attach-peek
# expect: attack
# kinds: ptrace ptrace_read
# what: PTRACE_ATTACH + PTRACE_PEEKDATA of 64 words of a process named sshd (memroutes.py peek attach)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
mr_holder "$(named "$PYEXE" sshd)" "attach-s3cret" || case_done
out=$("$PY" "$MR" peek "$HOLDER" attach "$ADDR" "attach-s3cret")
say "$out"
ok test "${out#*found=}" = 1
kill "$HOLDER"
case_done
