#!/bin/bash
# case: strace-f
# expect: benign
# what: strace -f of a command that starts a child (python -c 'os.system("/usr/bin/true")'): strace seizes its own child and the grandchild, reads their strings
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
strace -f -s 64 -o "$CASE_WORK/strace.out" "$PY" -c 'import os; os.system("/usr/bin/true")'
ok grep -q 'execve("/usr/bin/true"' "$CASE_WORK/strace.out"
tail -n 3 "$CASE_WORK/strace.out"
case_done
