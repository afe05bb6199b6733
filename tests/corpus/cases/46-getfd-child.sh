#!/bin/bash
# case: getfd-own-child
# expect: benign
# what: a supervisor forks a child and takes a file from it with pidfd_getfd(2), as seccomp user-notification supervisors do (memroutes.py getfdchild)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
out=$("$PY" "$MR" getfdchild "own-child-s3cret")
say "$out"
ok test "${out#*found=}" = 1
case_done
