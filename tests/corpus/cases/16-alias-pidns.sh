#!/bin/bash
# case: alias-child-pidns
# expect: attack
# kinds: maps mem environ
# what: inside a child pid namespace with its own procfs: /proc/<nspid>/{maps,mem,environ}
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
unshare --pid --fork --mount-proc bash -c '
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
py_victim "$PY" "alias-child-pidns-s3cret" || exit 1
echo "victim is pid $VICTIM in the namespace"
"$PY" "$PMGUARD_REPO/tests/corpus/readmem.py" --prefix "/proc/$VICTIM" --secret alias-child-pidns-s3cret
rc=$?; kill "$VICTIM"; exit $rc' || bad "read inside the pid namespace"
case_done
