#!/bin/bash
# case: ps
# expect: benign
# what: ps aux, ps -ef, ps -eo pid,comm,args (procps-ng reads every process's environ)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
sleep 600 &
V=$!
ok ps aux >/dev/null
ok ps -ef >/dev/null
ok ps -eo pid,comm,args >/dev/null
kill "$V"
case_done
