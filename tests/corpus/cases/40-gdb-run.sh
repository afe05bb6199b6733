#!/bin/bash
# case: gdb-run
# expect: benign
# what: gdb -batch -ex run --args of a program (the child does PTRACE_TRACEME), and gdb -batch -ex 'break exit' -ex run -ex 'x/8xb $sp' reading its memory
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
gdb -nx -batch -ex run --args /usr/bin/true >"$CASE_WORK/gdb1.out" 2>&1
cat "$CASE_WORK/gdb1.out"
ok grep -q 'exited normally' "$CASE_WORK/gdb1.out"
gdb -nx -batch -ex 'break exit' -ex run -ex 'x/8xb $sp' -ex kill \
	--args /usr/bin/echo gdb-run-arg >"$CASE_WORK/gdb2.out" 2>&1
cat "$CASE_WORK/gdb2.out"
ok grep -q 'Breakpoint 1' "$CASE_WORK/gdb2.out"
case_done
