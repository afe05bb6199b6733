#!/bin/bash
# case: alias-hidden-tid
# expect: attack
# kinds: maps mem environ
# what: the hidden /proc/<tid>/{maps,mem,environ} of a second thread (not listed in /proc)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "alias-hidden-tid-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
ok "$PY" "$READ" --prefix "/proc/$T" --secret alias-hidden-tid-s3cret
kill "$V"
case_done
