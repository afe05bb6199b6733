#!/usr/bin/python3
"""Read another process's maps, memory and environment, the way credential
dumpers do, through whichever path alias the corpus case asks for.

readmem.py [options] --secret TEXT
  --prefix DIR      files are DIR/maps, DIR/mem, DIR/environ (default)
  --maps P --mem P --environ P   explicit paths (e.g. symlinks)
  --dirfd DIR       open DIR as a directory, then openat(dirfd, "maps"...)
  --reopen          open each file O_PATH, then reopen /proc/self/fd/N
  --thread          do every open and read from a second thread
  --comm NAME       prctl(PR_SET_NAME, NAME) first
  --skip KIND       do not touch KIND (maps, mem or environ); repeatable
Exit 0 when TEXT was found in the memory (and in the environment unless
skipped); 1 otherwise.  Prints what it opened.
"""
import argparse
import ctypes
import os
import re
import sys
import threading

ap = argparse.ArgumentParser()
ap.add_argument('--prefix')
ap.add_argument('--maps')
ap.add_argument('--mem')
ap.add_argument('--environ')
ap.add_argument('--dirfd')
ap.add_argument('--reopen', action='store_true')
ap.add_argument('--thread', action='store_true')
ap.add_argument('--comm')
ap.add_argument('--skip', action='append', default=[])
ap.add_argument('--secret', required=True)
ap.add_argument('--limit', type=int, default=64 << 20)
args = ap.parse_args()

if args.comm:
    ctypes.CDLL(None).prctl(15, args.comm.encode(), 0, 0, 0)  # PR_SET_NAME

dirfd = None


def path_of(kind):
    explicit = getattr(args, kind)
    if explicit:
        return explicit
    if args.dirfd:
        return kind
    return os.path.join(args.prefix, kind)


def do_open(kind):
    """An fd for KIND, opened the way the case asks."""
    global dirfd
    p = path_of(kind)
    if args.dirfd:
        if dirfd is None:
            dirfd = os.open(args.dirfd, os.O_RDONLY | os.O_DIRECTORY)
            print(f'opened dir {args.dirfd} as fd {dirfd}')
        if args.reopen:
            fd0 = os.open(p, os.O_PATH, dir_fd=dirfd)
        else:
            fd = os.open(p, os.O_RDONLY, dir_fd=dirfd)
            print(f'openat({dirfd}, {p}) = {fd}')
            return fd
    elif args.reopen:
        fd0 = os.open(p, os.O_PATH)
    else:
        fd = os.open(p, os.O_RDONLY)
        print(f'open({p}) = {fd}')
        return fd
    fd = os.open(f'/proc/self/fd/{fd0}', os.O_RDONLY)
    print(f'open({p}, O_PATH) = {fd0}; open(/proc/self/fd/{fd0}) = {fd}')
    os.close(fd0)
    return fd


def regions(maps_text):
    out = []
    for line in maps_text.splitlines():
        f = line.split()
        lo, hi = (int(x, 16) for x in f[0].split('-'))
        name = f[5] if len(f) > 5 else ''
        if f[1].startswith('rw') and (name in ('', '[heap]', '[stack]')):
            out.append((lo, hi))
    return sorted(out, key=lambda r: r[1] - r[0])   # small regions first


result = {}


def work():
    secret = args.secret.encode()
    maps_text = ''
    if 'maps' not in args.skip:
        fd = do_open('maps')
        with os.fdopen(fd, 'r') as f:
            maps_text = f.read()
    if 'mem' not in args.skip:
        if not maps_text:
            sys.exit('mem needs maps')
        fd = do_open('mem')
        found, total = False, 0
        with os.fdopen(fd, 'rb', 0) as mem:
            for lo, hi in regions(maps_text):
                n = min(hi - lo, args.limit - total)
                if n <= 0:
                    break
                try:
                    mem.seek(lo)
                    data = mem.read(n)
                except OSError:
                    continue
                total += len(data)
                if secret in data:
                    found = True
                    break
        print(f'mem: read {total} bytes, secret {"found" if found else "NOT found"}')
        result['mem'] = found
    if 'environ' not in args.skip:
        fd = do_open('environ')
        with os.fdopen(fd, 'rb') as f:
            env = f.read()
        found = secret in env
        print(f'environ: {len(env)} bytes, secret {"found" if found else "NOT found"}')
        result['environ'] = found


if args.thread:
    t = threading.Thread(target=work)
    t.start()
    t.join()
else:
    work()
sys.exit(0 if result and all(result.values()) else 1)
