#!/bin/bash
# case: ia32-sshd
# expect: attack
# kinds: vm_read ptrace ptrace_read
# what: a 32-bit (i386, int $0x80) dumper: process_vm_readv, then PTRACE_ATTACH + PEEKDATA, of a process named sshd whose secret is mapped below 4 GiB (MAP_32BIT)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
# Built from Debian's gcc (-m32 -nostdlib: no 32-bit libc needed), so the
# syscalls enter through the ia32 compat table: another syscall number,
# another syscall entry, the same kernel checks.
gcc -m32 -nostdlib -static -ffreestanding -fno-pic -no-pie -fno-stack-protector \
	-fno-builtin -O1 -o "$BIN/ia32peek" "$PMGUARD_REPO/tests/corpus/ia32peek.c" ||
	{ bad "cannot build the i386 dumper"; case_done; }
SECRET=ia32-s3cret
"$(named "$PYEXE" sshd)" -c '
import ctypes, mmap, os, signal, sys
m = mmap.mmap(-1, 4096, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x40)  # MAP_32BIT
m.write(("The password is " + sys.argv[1]).encode() * 8)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
open(sys.argv[2] + ".tmp", "w").write("%x\n" % addr)
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
signal.pause()
' "$SECRET" "$CASE_WORK/addr" &
V=$!
wait_for test -s "$CASE_WORK/addr" || { bad "victim did not start"; case_done; }
ADDR=$(cat "$CASE_WORK/addr")
say "victim $V, secret at 0x$ADDR"
file "$BIN/ia32peek" || true
out=$("$BIN/ia32peek" v "$V" "$ADDR" "$SECRET")
say "process_vm_readv (ia32): $out"
ok test "${out#*found=}" = 1
out=$("$BIN/ia32peek" p "$V" "$ADDR" "$SECRET")
say "PTRACE_ATTACH + PEEKDATA (ia32): $out"
ok test "${out#*found=}" = 1
kill "$V"
case_done
