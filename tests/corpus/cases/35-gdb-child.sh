#!/bin/bash
# case: gdb-own-child
# expect: benign
# what: gdb starts a program as its child (starti), reads its memory and mappings
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
gdb -nx -batch -ex starti -ex 'x/8xb $sp' -ex 'info proc mappings' -ex kill \
	--args /usr/bin/sleep 0.2 >"$CASE_WORK/gdb.out" 2>&1
cat "$CASE_WORK/gdb.out"
ok grep -q '^0x' "$CASE_WORK/gdb.out"
case_done
