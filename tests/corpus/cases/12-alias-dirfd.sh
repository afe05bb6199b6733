#!/bin/bash
# case: alias-dirfd
# expect: attack
# kinds: maps mem environ
# what: openat() of maps, mem, environ relative to an fd of the /proc/<pid> directory
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "alias-dirfd-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
ok "$PY" "$READ" --dirfd "/proc/$V" --secret alias-dirfd-s3cret
kill "$V"
case_done
