#!/bin/bash
# case: getfd-sshd
# expect: attack
# kinds: getfd
# what: pidfd_getfd(2) takes the memfd a process named sshd keeps a secret in, and reads the secret through it (fd theft: no procfs path, no memory copy by syscall)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
mr_holder "$(named "$PYEXE" sshd)" "getfd-s3cret" || case_done
out=$("$PY" "$MR" getfd "$HOLDER" "getfd-s3cret")
say "$out"
ok test "${out#*found=}" = 1
kill "$HOLDER"
case_done
