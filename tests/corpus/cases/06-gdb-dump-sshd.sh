#!/bin/bash
# case: gdb-dump-sshd
# expect: attack
# kinds: ptrace mem
# what: the real, allowlisted gdb (by executable) attaches to a process named sshd and dumps a core (gcore); the secret is in the core
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
# A debugger is a credential dumper's easiest tool: the allowlist that
# keeps gdb quiet on ordinary processes must not cover a credential holder.
py_victim "$(named "$PYEXE" sshd)" "gdb-dump-s3cret" || case_done
V=$VICTIM
gdb -nx -batch -p "$V" -ex "gcore $CASE_WORK/core" >"$CASE_WORK/gdb.out" 2>&1
tail -n 3 "$CASE_WORK/gdb.out"
ok grep -aq "The password is gdb-dump-s3cret" "$CASE_WORK/core"
rm -f "$CASE_WORK/core"
kill "$V"
case_done
