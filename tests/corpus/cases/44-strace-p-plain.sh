#!/bin/bash
# case: strace-p-plain
# expect: benign
# what: strace -p of an ordinary (not sensitive) process that reads from a pipe: strace attaches and reads its read() buffers
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
mkfifo "$CASE_WORK/fifo"
"$PY" -c '
import os, sys
open(sys.argv[2], "w").close()
fd = os.open(sys.argv[1], os.O_RDONLY)
while os.read(fd, 256):
    pass
' "$CASE_WORK/fifo" "$CASE_WORK/ready" &
V=$!
wait_for test -e "$CASE_WORK/ready"
strace -p "$V" -e trace=read -s 256 -o "$CASE_WORK/strace.out" &
ST=$!
wait_for traced "$V" || bad "strace did not attach"
sleep 1	# strace restarts the tracee with PTRACE_SYSCALL after the seize
printf 'an ordinary line\n' >"$CASE_WORK/fifo"
wait "$V"
wait "$ST"
cat "$CASE_WORK/strace.out"
ok grep -q "an ordinary line" "$CASE_WORK/strace.out"
case_done
