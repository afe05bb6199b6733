#!/bin/bash
# case: vmdump-sshd
# expect: attack
# kinds: vm_read
# what: a process_vm_readv region dumper (memroutes.py vmdump: parses maps, one process_vm_readv per rw region) of a process named sshd
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
mr_holder "$(named "$PYEXE" sshd)" "vmdump-s3cret" || case_done
out=$("$PY" "$MR" vmdump "$HOLDER" "vmdump-s3cret")
say "$out"
ok test "${out#*found=}" = 1
kill "$HOLDER"
case_done
