#!/bin/bash
# case: gdb-p-plain
# expect: benign
# what: gdb -p of an ordinary (not sensitive) root process: attach, read a string from its memory, detach
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
mr_holder "$PY" "plain-gdb-value" || case_done
gdb -nx -batch -p "$HOLDER" -ex "x/s 0x$ADDR" >"$CASE_WORK/gdb.out" 2>&1
tail -n 3 "$CASE_WORK/gdb.out"
ok grep -q "plain-gdb-value" "$CASE_WORK/gdb.out"
kill "$HOLDER"
case_done
