#!/bin/bash
# case: alias-second-procfs
# expect: attack
# kinds: maps mem environ
# what: a second procfs mount; <mnt>/<pid>/{maps,mem,environ}
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "alias-second-procfs-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
mkdir -p "$CASE_WORK/p"
mount -t proc proc "$CASE_WORK/p" || bad "mount proc"
ok "$PY" "$READ" --prefix "$CASE_WORK/p/$V" --secret alias-second-procfs-s3cret
umount "$CASE_WORK/p"
kill "$V"
case_done
