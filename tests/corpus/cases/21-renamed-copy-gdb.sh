#!/bin/bash
# case: renamed-copy-gdb
# expect: attack
# kinds: maps mem environ
# what: a copy of python named gdb (comm and exe name "gdb", another file) reads maps, mem, environ
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
READ="$PMGUARD_REPO/tests/corpus/readmem.py"
py_victim "$PY" "renamed-copy-gdb-s3cret" 1 || case_done
V=$VICTIM
T=$(other_thread "$V") || { bad "no second thread"; case_done; }
ok "$(named "$PYEXE" gdb)" "$READ" --prefix "/proc/$V" --secret renamed-copy-gdb-s3cret
kill "$V"
case_done
