#!/bin/bash
# case: pgrep
# expect: benign
# what: pgrep -a sleep; pgrep -f pattern; pkill -0
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
sleep 600 &
V=$!
ok pgrep -a sleep >/dev/null
ok pgrep -f "sleep 600" >/dev/null
ok pkill -0 -f "sleep 600"
kill "$V"
case_done
