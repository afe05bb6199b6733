#!/bin/bash
# case: alias-symlink
# expect: attack
# kinds: maps mem environ
# what: symlinks to /proc/<pid>/maps, mem and environ, opened by their names
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "alias-symlink-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
mkdir -p "$CASE_WORK/l"
ln -s "/proc/$V/maps" "$CASE_WORK/l/m1"
ln -s "/proc/$V/mem" "$CASE_WORK/l/m2"
ln -s "/proc/$V/environ" "$CASE_WORK/l/e"
ok "$PY" "$READ" --maps "$CASE_WORK/l/m1" --mem "$CASE_WORK/l/m2" --environ "$CASE_WORK/l/e" --secret alias-symlink-s3cret
kill "$V"
case_done
