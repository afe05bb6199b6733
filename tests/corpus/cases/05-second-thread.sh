#!/bin/bash
# case: attacker-thread
# expect: attack
# kinds: maps mem environ
# what: the attacker opens and reads maps, mem and environ from a second thread (tid != pid)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
py_victim "$PY" "thread-s3cret" || case_done
ok "$PY" "$PMGUARD_REPO/tests/corpus/readmem.py" --thread --prefix "/proc/$VICTIM" --secret thread-s3cret
kill "$VICTIM"
case_done
