#!/bin/bash
# case: vmdump-sshd-tid
# expect: attack
# kinds: vm_read
# what: the process_vm_readv dumper given a thread id of a process named sshd (its second thread) instead of its pid: /proc/<tid>/maps, process_vm_readv(tid)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
py_victim "$(named "$PYEXE" sshd)" "vmdump-tid-s3cret" 1 || case_done
TID=$(other_thread "$VICTIM") || { bad "no second thread"; case_done; }
say "victim $VICTIM, thread $TID"
out=$("$PY" "$MR" vmdump "$TID" "The password is vmdump-tid-s3cret")
say "$out"
ok test "${out#*found=}" = 1
kill "$VICTIM"
case_done
