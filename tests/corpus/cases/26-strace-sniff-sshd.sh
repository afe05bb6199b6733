#!/bin/bash
# case: strace-sniff-sshd
# expect: attack
# kinds: ptrace vm_read
# what: the real, allowlisted strace -p on a process named sshd, logging what its read() calls get (strace -e read -s 256), captures a password
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
# The classic sshd password sniff: strace reads each read() buffer of the
# tracee (process_vm_readv, PEEKDATA if that fails).
mkfifo "$CASE_WORK/fifo"
SSHD=$(named "$PYEXE" sshd)
"$SSHD" -c '
import os, sys, time
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
printf 'password: strace-sniffed-s3cret\n' >"$CASE_WORK/fifo"
wait "$V"
wait "$ST"
cat "$CASE_WORK/strace.out"
ok grep -q "strace-sniffed-s3cret" "$CASE_WORK/strace.out"
case_done
