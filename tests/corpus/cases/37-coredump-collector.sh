#!/bin/bash
# case: crash-collector
# expect: benign
# what: a site policy rule allows one crash collector executable; it reads a stopped ("crashed") process's maps, environ and mem
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
COLLECTOR=$(named "$PYEXE" crash-collector)
ok "$PMGUARD_BIN" policy add --index 0 rule corpus-crash-collector action=allow \
	severity=info caller_exe="$COLLECTOR"
py_victim "$(named "$PYEXE" crashy-app)" "collector-s3cret" || case_done
kill -STOP "$VICTIM"
ok "$COLLECTOR" "$PMGUARD_REPO/tests/corpus/readmem.py" --prefix "/proc/$VICTIM" \
	--secret collector-s3cret
ok "$PMGUARD_BIN" policy del corpus-crash-collector
kill -KILL "$VICTIM"
case_done
