#!/bin/bash
# case: lsof
# expect: benign
# what: lsof -p of an ordinary (non-sensitive) process
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
sleep 600 &
V=$!
wait_for grep -q sleep /proc/$V/comm
ok bash -c "lsof -p $V 2>/dev/null | grep -q sleep"
kill "$V"
case_done
