#!/bin/bash
# case: renamed-prctl-gdb
# expect: attack
# kinds: maps mem environ
# what: python renames itself "gdb" (prctl PR_SET_NAME), then reads maps, mem, environ
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "renamed-prctl-gdb-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
ok "$PY" "$READ" --comm gdb --prefix "/proc/$V" --secret renamed-prctl-gdb-s3cret
kill "$V"
case_done
