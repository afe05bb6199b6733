#!/bin/bash
# case: alias-fd-reopen
# expect: attack
# kinds: maps mem environ
# what: each file opened O_PATH (no access), then reopened for reading through /proc/self/fd/N
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "alias-fd-reopen-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
ok "$PY" "$READ" --reopen --prefix "/proc/$V" --secret alias-fd-reopen-s3cret
kill "$V"
case_done
