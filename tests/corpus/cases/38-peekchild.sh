#!/bin/bash
# case: tracer-own-child
# expect: benign
# what: a tracer forks a child, PTRACE_ATTACHes to it, PEEKDATAs and process_vm_readvs it (memroutes.py peekchild: the everyday debugger case)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
out=$("$PY" "$MR" peekchild "own-child-s3cret")
say "$out"
ok test "${out#*found=}" = 1
case_done
