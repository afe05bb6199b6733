#!/bin/bash
# case: pmap
# expect: benign
# what: pmap and pmap -X of an ordinary (non-sensitive) process
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
sleep 600 &
V=$!
wait_for grep -q sleep /proc/$V/comm
ok pmap "$V" >/dev/null
ok pmap -X "$V" >/dev/null
kill "$V"
case_done
