#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Positive controls of the server scenario (tests/server/guest).

control.py TARGETS OUT: for every credential holder in TARGETS ("NAME PID"
lines: the sshd listener, a live session's sshd processes, a running sudo,
alice's ssh-agent) and every route into its memory, one attempt, as root:

  mem      /proc/PID/mem read at the start of the heap ([heap] in maps)
  environ  /proc/PID/environ read
  vm_read  process_vm_readv of the heap
  ptrace   PTRACE_ATTACH (then waitpid and PTRACE_DETACH if it worked)
  getfd    pidfd_getfd of one of its open file descriptors

One JSON line per attempt in OUT: target, pid, route (= the event kind),
ok, errno (name), bytes (read), time (epoch seconds).  The host matches
them against the events (caller.exe is this interpreter, a copy of
python3 at a known path) and judges.  Runs under a copied python3, so only
the standard library is used.
"""
import ctypes
import errno
import json
import os
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_open = 434
SYS_pidfd_getfd = 438
PTRACE_ATTACH, PTRACE_DETACH = 16, 17
CHUNK = 4096


class IOVec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


libc.process_vm_readv.restype = ctypes.c_ssize_t
libc.process_vm_readv.argtypes = [ctypes.c_int, ctypes.POINTER(IOVec), ctypes.c_ulong,
                                  ctypes.POINTER(IOVec), ctypes.c_ulong, ctypes.c_ulong]
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.syscall.restype = ctypes.c_long


def ename(e):
    return errno.errorcode.get(e, str(e))


def heap(pid):
    """Start of the heap (or of the first writable mapping): maps is read
    here as any dumper does; that read is an event of its own."""
    first_rw = None
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            parts = line.split()
            lo = int(parts[0].split("-")[0], 16)
            if len(parts) > 5 and parts[5] == "[heap]":
                return lo
            if first_rw is None and parts[1].startswith("rw"):
                first_rw = lo
    return first_rw


def try_mem(pid, addr):
    fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
    try:
        os.lseek(fd, addr, os.SEEK_SET)
        return len(os.read(fd, CHUNK))
    finally:
        os.close(fd)


def try_environ(pid, _addr):
    with open("/proc/%d/environ" % pid, "rb") as f:
        return len(f.read())


def try_vm_read(pid, addr):
    buf = ctypes.create_string_buffer(CHUNK)
    local = IOVec(ctypes.cast(buf, ctypes.c_void_p), CHUNK)
    remote = IOVec(ctypes.c_void_p(addr), CHUNK)
    n = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    if n < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return n


def try_ptrace(pid, _addr):
    if libc.ptrace(PTRACE_ATTACH, pid, None, None) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    try:
        os.waitpid(pid, getattr(os, "__WALL", 0x40000000))
    finally:
        libc.ptrace(PTRACE_DETACH, pid, None, None)
    return 0


def try_getfd(pid, _addr):
    fds = sorted(int(x) for x in os.listdir("/proc/%d/fd" % pid))
    pidfd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else libc.syscall(SYS_pidfd_open, pid, 0)
    if pidfd < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    try:
        fd = libc.syscall(SYS_pidfd_getfd, pidfd, fds[0] if fds else 0, 0)
        if fd < 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
        os.close(fd)
        return 0
    finally:
        os.close(pidfd)


ROUTES = [("mem", try_mem), ("environ", try_environ), ("vm_read", try_vm_read),
          ("ptrace", try_ptrace), ("getfd", try_getfd)]


def main():
    targets = []
    with open(sys.argv[1]) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                targets.append((parts[0], int(parts[1])))
            elif parts:
                targets.append((parts[0], None))
    out = open(sys.argv[2], "w")
    for name, pid in targets:
        addr = None
        if pid is not None:
            try:
                addr = heap(pid)
            except OSError as e:
                print("%s: maps: %s" % (name, e))
        for route, fn in ROUTES:
            rec = {"target": name, "pid": pid, "route": route, "ok": False,
                   "errno": None, "bytes": 0, "time": time.time()}
            if pid is None:
                rec["errno"] = "no such target"
            elif route in ("mem", "vm_read") and addr is None:
                rec["errno"] = "no heap address"
            else:
                try:
                    rec["bytes"] = fn(pid, addr)
                    rec["ok"] = True
                except OSError as e:
                    rec["errno"] = ename(e.errno)
            print(json.dumps(rec))
            out.write(json.dumps(rec) + "\n")
            out.flush()
    out.close()


if __name__ == "__main__":
    main()
