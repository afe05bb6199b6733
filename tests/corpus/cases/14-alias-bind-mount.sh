#!/bin/bash
# case: alias-bind-mount
# expect: attack
# kinds: maps mem environ
# what: bind mount of /proc/<pid> on a directory; files read there
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "alias-bind-mount-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
mkdir -p "$CASE_WORK/b"
mount --bind "/proc/$V" "$CASE_WORK/b" || bad "bind mount"
ok "$PY" "$READ" --prefix "$CASE_WORK/b" --secret alias-bind-mount-s3cret
umount "$CASE_WORK/b"
kill "$V"
case_done
