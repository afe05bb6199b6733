#!/bin/bash
# case: same-uid-environ
# expect: attack
# kinds: environ
# what: a non-root user (nobody) reads the environ of its own other process (expected: reported, low severity)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
"${NOBODY[@]}" env API_TOKEN=same-uid-s3cret sleep 600 &
V=$!
wait_for grep -q sleep /proc/$V/comm
"${NOBODY[@]}" cat "/proc/$V/environ" | tr '\0' '\n' >"$CASE_WORK/env.txt"
ok grep -q "API_TOKEN=same-uid-s3cret" "$CASE_WORK/env.txt"
kill "$V"
case_done
