#!/bin/bash
# case: alias-task
# expect: attack
# kinds: maps mem environ
# what: /proc/<pid>/task/<tid>/{maps,mem,environ} of a second thread
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "alias-task-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
ok "$PY" "$READ" --prefix "/proc/$V/task/$T" --secret alias-task-s3cret
kill "$V"
case_done
