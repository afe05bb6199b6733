#!/bin/bash
# case: top
# expect: benign
# what: top -b -n 1 (batch mode, one iteration)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
sleep 600 &
V=$!
ok top -b -n 1 >/dev/null
kill "$V"
case_done
