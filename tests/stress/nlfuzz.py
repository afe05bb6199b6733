#!/usr/bin/python3
"""Generic netlink fuzzer for the pmguard family (raw sockets, no libnl).

nlfuzz.py [--seconds S] [--seed N] [--out FILE] [--allow-success]

Sends random and malformed pmguard requests for S seconds: bad lengths,
truncated netlink and genetlink headers, missing, unknown, duplicated and
wrongly typed attributes, huge strings, nested garbage, every command id
0..255 (except PMGUARD_CMD_LOCK, 10, which would pin the module until
reboot; 11 is skipped too), NLM_F_DUMP on commands that are not dumps, and policies and rule
specs that are almost valid.  Every answer is read and classified.

Prints one JSON summary: messages sent, answers by errno, successes by
command, send errors.  A success is an answer with error 0, or data, to a
message that had NLM_F_REQUEST: the kernel acks a message without it
(when NLM_F_ACK asks) with 0 without running anything; those answers are
counted as "OK-not-a-request".  Exit 0, or 1 when --allow-success is not given and
any request that changes something (RULE_ADD/DEL, FLUSH, REPLACE,
SET_CONFIG) succeeded: run unprivileged, that would be a hole.
"""
import argparse
import collections
import errno
import json
import os
import random
import select
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 1, 2, 4, 8
NLM_F_ROOT, NLM_F_MATCH = 0x100, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
NLA_F_NESTED = 0x8000
NLA_F_NET_BYTEORDER = 0x4000
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10

# uapi/linux/pmguard.h
CMD = dict(UNSPEC=0, EVENT=1, GET_STATS=2, GET_CONFIG=3, RULE_LIST=4, RULE_ADD=5,
           RULE_DEL=6, POLICY_FLUSH=7, POLICY_REPLACE=8, SET_CONFIG=9, LOCK=10,
           MEM_SUMMARY=11)
# PMGUARD_CMD_LOCK is 10 (count the enum in uapi/linux/pmguard.h; the
# fuzzer checks it against the header at start).  11 (MEM_SUMMARY, a
# kernel->user notification) is skipped too, to be safe.
NEVER = {CMD['LOCK'], 11}
CHANGING = {CMD['RULE_ADD'], CMD['RULE_DEL'], CMD['POLICY_FLUSH'],
            CMD['POLICY_REPLACE'], CMD['SET_CONFIG']}
A = dict(UNSPEC=0, PAD=1, SEQ=2, TIME_NS=3, KIND=4, ACCESS=5, RESULT=6, ACTION=7,
         SEVERITY=8, RULE=9, FLAGS=10, CALLER=11, TARGET=12, STATS=13, MODE=14,
         COUNT=15, RULE_NAME=16, RULE_INDEX=17, RULE_SPEC=18, POLICY=19,
         DEFAULT_ACTION=20, DEFAULT_SEVERITY=21, LOCKED=22, FOLD_MS=23,
         NR_RULES=24, SUMMARY=25, FIRST_SEQ=26, SENSITIVE_NAME=27)
A_MAX = 27
R = dict(UNSPEC=0, PAD=1, NAME=2, ACTION=3, SEVERITY=4, CALLER_EXE=5, CALLER_COMM=6,
         CALLER_UID=7, TARGET_EXE=8, TARGET_COMM=9, KINDS=10, ACCESS=11, FLAGS_SET=12,
         FLAGS_CLEAR=13, CALLER_EXE_DEV=14, CALLER_EXE_INO=15, TARGET_EXE_DEV=16,
         TARGET_EXE_INO=17, STALE=18, INDEX=19)
R_MAX = 19
PATHS = ['/usr/bin/gdb', '/usr/bin/python3', '/bin/sh', '/', '/proc/self/exe',
         '/nonexistent', 'relative/path', '', '/dev/null', '/proc/1/mem',
         '/sys/kernel/debug', '/tmp', '/usr/bin/sleep']


def attr(kind, payload, pad=True):
    # nla_len is 16 bits: a longer payload gets 0xffff, a lie the kernel
    # must catch like any other.
    a = struct.pack('HH', min(4 + len(payload), 0xffff), kind & 0xffff) + payload
    if pad:
        a += b'\0' * (-len(a) % 4)
    return a


def u32(v):
    return struct.pack('I', v & 0xffffffff)


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def string(self):
        r = self.r
        choice = r.randrange(10)
        if choice == 0:
            return b''
        if choice == 1:
            return b'x' * r.choice([15, 16, 17, 63, 64, 65, 255, 256, 4095, 4096, 4097, 20000, 60000])
        if choice == 2:
            return bytes(r.randrange(256) for _ in range(r.randrange(1, 80)))
        if choice == 3:
            return r.choice(PATHS).encode()              # no NUL
        if choice == 4:
            return b'a\0b\0'                              # embedded NUL
        if choice == 5:
            return ('r%d' % r.randrange(1000)).encode() + b'\0'
        if choice == 6:
            return r.choice(PATHS).encode() + b'\0'
        if choice == 7:
            return b'../' * r.randrange(1, 30) + b'\0'
        if choice == 8:
            return '\u00e9\u4e2d\U0001f600'.encode() + b'\0'
        return b'fuzz-%d\0' % r.randrange(1 << 30)

    def scalar(self):
        r = self.r
        n = r.choice([0, 1, 2, 3, 4, 4, 4, 5, 8, 8, 12])
        v = r.choice([0, 1, 2, 3, 4, 5, 255, 256, 0x7fffffff, 0x80000000,
                      0xffffffff, 60000, 600000, r.randrange(1 << 32)])
        raw = struct.pack('Q', v | (r.randrange(1 << 32) << 32 if n > 4 else 0))
        return (raw * 2)[:n]

    def payload(self, depth):
        r = self.r
        c = r.randrange(6)
        if c == 0:
            return self.string()
        if c == 1 and depth < 4:
            return self.nested(depth + 1)
        if c == 2:
            return bytes(r.randrange(256) for _ in range(r.randrange(0, 40)))
        return self.scalar()

    def nested(self, depth=0):
        r = self.r
        out = b''
        for _ in range(r.randrange(0, 6)):
            kind = r.randrange(0, 40) if r.random() < 0.8 else r.randrange(1 << 16)
            if r.random() < 0.2:
                kind |= NLA_F_NESTED
            out += self.mangle(attr(kind, self.payload(depth)))
        return out

    def mangle(self, a):
        """Sometimes lie about an attribute's length or cut it."""
        r = self.r
        x = r.random()
        if x < 0.04 and len(a) >= 4:
            return struct.pack('H', r.choice([0, 1, 2, 3, len(a) + 4, 0xffff])) + a[2:]
        if x < 0.06 and len(a) > 4:
            return a[:r.randrange(1, len(a))]
        return a

    def rule_spec(self, valid_ish=True):
        r = self.r
        out = b''
        if r.random() < 0.9:
            out += attr(R['NAME'], self.string() if r.random() < 0.3
                        else b'fz%d\0' % r.randrange(100000))
        if r.random() < 0.9:
            out += attr(R['ACTION'], u32(r.choice([0, 1, 2, 3, 0xffffffff])))
        for key in ('SEVERITY', 'CALLER_UID', 'KINDS', 'ACCESS', 'FLAGS_SET', 'FLAGS_CLEAR',
                    'CALLER_EXE_DEV', 'STALE', 'INDEX', 'TARGET_EXE_INO'):
            if r.random() < 0.25:
                out += attr(R[key], self.scalar() if r.random() < 0.3 else
                            u32(r.choice([0, 1, 2, 4, 0x1fe, 0x7ff, 0xffff, 0xffffffff])))
        for key in ('CALLER_EXE', 'TARGET_EXE', 'CALLER_COMM', 'TARGET_COMM'):
            if r.random() < 0.25:
                out += attr(R[key], self.string() if r.random() < 0.5 else
                            r.choice(PATHS).encode() + b'\0')
        if not valid_ish or r.random() < 0.2:
            out += self.nested(2)
        return out

    def policy(self):
        r = self.r
        out = b''
        for _ in range(r.choice([0, 1, 2, 5, 20, 257])):
            c = r.random()
            if c < 0.6:
                out += attr(A['RULE_SPEC'] | (NLA_F_NESTED if r.random() < 0.5 else 0),
                            self.rule_spec())
            elif c < 0.75:
                out += attr(A['SENSITIVE_NAME'], self.string())
            elif c < 0.85:
                out += attr(r.choice([A['DEFAULT_ACTION'], A['DEFAULT_SEVERITY']]),
                            self.scalar() if r.random() < 0.5 else u32(r.randrange(8)))
            else:
                out += self.nested(2)
            if len(out) > 50000:
                break
        return out

    def attrs_for(self, cmd):
        r = self.r
        out = b''
        if cmd == CMD['RULE_ADD'] or r.random() < 0.1:
            out += attr(A['RULE_SPEC'] | (NLA_F_NESTED if r.random() < 0.5 else 0),
                        self.rule_spec(r.random() < 0.7))
            if r.random() < 0.4:
                out += attr(A['RULE_INDEX'], self.scalar() if r.random() < 0.3
                            else u32(r.choice([0, 1, 5, 255, 256, 257, 0xffffffff])))
        if cmd == CMD['RULE_DEL'] or r.random() < 0.1:
            out += attr(A['RULE_NAME'], self.string())
        if cmd == CMD['POLICY_REPLACE'] or r.random() < 0.1:
            out += attr(A['POLICY'] | (NLA_F_NESTED if r.random() < 0.5 else 0), self.policy())
        if cmd == CMD['SET_CONFIG'] or r.random() < 0.1:
            if r.random() < 0.7:
                out += attr(A['MODE'], self.scalar() if r.random() < 0.3 else u32(r.randrange(4)))
            if r.random() < 0.7:
                out += attr(A['FOLD_MS'], self.scalar() if r.random() < 0.3 else
                            u32(r.choice([0, 1, 1000, 60000, 60001, 3600000, 0xffffffff])))
        if r.random() < 0.3:
            out += self.nested()
        if r.random() < 0.1:    # duplicates
            out += out
        if len(out) > 64000:    # fit a socket buffer; the cut attribute is garbage too
            out = out[:64000]
        return out


def resolve(sock, name):
    nm = name.encode() + b'\0'
    body = struct.pack('BBH', CTRL_CMD_GETFAMILY, 1, 0) + attr(CTRL_ATTR_FAMILY_NAME, nm)
    sock.send(struct.pack('IHHII', 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    data = sock.recv(65536)
    length, mtype = struct.unpack_from('IH', data)
    if mtype == NLMSG_ERROR:
        raise OSError(-struct.unpack_from('i', data, 16)[0], 'resolve ' + name)
    off = 20
    while off + 4 <= length:
        alen, akind = struct.unpack_from('HH', data, off)
        if akind == CTRL_ATTR_FAMILY_ID:
            return struct.unpack_from('H', data, off + 4)[0]
        off += (alen + 3) & ~3
    raise OSError(errno.ENOENT, 'no family id')


def check_header():
    """Refuse to run if the header's LOCK id is not the one we skip."""
    here = os.path.dirname(os.path.abspath(__file__))
    hdr = os.path.join(here, '..', '..', 'uapi', 'linux', 'pmguard.h')
    text = open(hdr).read()
    body = text[text.index('enum pmguard_cmd {'):]
    body = body[:body.index('};')]
    names = [line.split(',')[0].strip() for line in body.splitlines()[1:]
             if line.strip().startswith('PMGUARD_CMD_')]
    if names.index('PMGUARD_CMD_LOCK') != CMD['LOCK']:
        sys.exit('nlfuzz: PMGUARD_CMD_LOCK moved in pmguard.h; fix CMD first')


def main():
    check_header()
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=float, default=60)
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--out')
    ap.add_argument('--allow-success', action='store_true')
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), 'little')
    rnd = random.Random(seed)
    gen = Gen(rnd)

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    try:
        sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    except OSError:
        pass
    fam = resolve(sock, 'pmguard')
    sock.setblocking(False)

    stats = collections.Counter()
    answers = collections.Counter()          # errno name -> count
    successes = collections.Counter()        # cmd -> count (error 0 or data)
    send_errors = collections.Counter()
    outstanding = {}                         # seq -> (cmd, has NLM_F_REQUEST)
    seq = 100
    deadline = time.monotonic() + args.seconds
    kinds = collections.Counter()

    def drain(wait):
        while True:
            rl, _, _ = select.select([sock], [], [], wait)
            if not rl:
                return
            try:
                data = sock.recv(1 << 20)
            except BlockingIOError:
                return
            except OSError as e:
                answers['recv:' + errno.errorcode.get(e.errno, str(e.errno))] += 1
                return
            off = 0
            while off + 16 <= len(data):
                length, mtype, flags, mseq, _ = struct.unpack_from('IHHII', data, off)
                if length < 16:
                    answers['malformed-reply'] += 1
                    break
                cmd, request = outstanding.get(mseq, (None, True))
                if mtype == NLMSG_ERROR:
                    err = -struct.unpack_from('i', data, off + 16)[0]
                    name = errno.errorcode.get(err, str(err)) if err else 'OK'
                    if not err and not request:
                        # netlink_rcv_skb() acks a message without
                        # NLM_F_REQUEST without handing it to genetlink:
                        # nothing ran.
                        name = 'OK-not-a-request'
                    answers[name] += 1
                    if err == 0 and cmd is not None and request:
                        successes[cmd] += 1
                    outstanding.pop(mseq, None)
                elif mtype == NLMSG_DONE:
                    answers['DONE'] += 1
                    outstanding.pop(mseq, None)
                elif mtype == fam:
                    answers['data'] += 1
                    if cmd is not None:
                        successes[cmd] += 1
                else:
                    answers['type%d' % mtype] += 1
                off += (length + 3) & ~3
            wait = 0

    while time.monotonic() < deadline:
        seq += 1
        r = rnd.random()
        cmd = rnd.randrange(256) if r < 0.3 else rnd.choice(
            [2, 3, 4, 5, 5, 6, 7, 8, 8, 8, 9, 9, 0, 1, 12])
        assert cmd != CMD['LOCK'] or cmd in NEVER
        if cmd in NEVER:
            continue
        flags = NLM_F_REQUEST
        if rnd.random() < 0.5:
            flags |= NLM_F_ACK
        if rnd.random() < 0.15:
            flags |= NLM_F_DUMP
        if rnd.random() < 0.05:
            flags = rnd.randrange(1 << 16)
        if (flags & NLM_F_DUMP) and cmd not in (CMD['RULE_LIST'],):
            kinds['dump-on-non-dump'] += 1
        version = 1 if rnd.random() < 0.8 else rnd.randrange(256)
        body = struct.pack('BBH', cmd, version, 0 if rnd.random() < 0.9 else rnd.randrange(1 << 16))
        body += gen.attrs_for(cmd)
        msg_seq = seq
        msg = struct.pack('IHHII', 16 + len(body), fam, flags, seq, 0) + body
        x = rnd.random()
        if x < 0.05:       # truncated genl header
            msg = msg[:16 + rnd.randrange(4)]
            msg = struct.pack('I', len(msg)) + msg[4:]
            kinds['truncated-genlhdr'] += 1
        elif x < 0.08:     # nlmsg_len claims more than sent
            msg = struct.pack('I', len(msg) + rnd.choice([1, 4, 100, 65536])) + msg[4:]
            kinds['len-too-long'] += 1
        elif x < 0.11:     # nlmsg_len claims less
            msg = struct.pack('I', max(0, len(msg) - rnd.choice([1, 3, 4, 8, 20]))) + msg[4:]
            kinds['len-too-short'] += 1
        elif x < 0.13:     # two messages in one datagram, the second broken
            extra_cmd = rnd.randrange(256) if rnd.random() < 0.5 else 8
            if extra_cmd in NEVER:
                continue
            extra = struct.pack('IHHII', 16 + 4 + 3, fam, NLM_F_REQUEST | NLM_F_ACK, seq + 1, 0) + \
                struct.pack('BBH', extra_cmd, 1, 0) + b'\xff\xff\xff'
            msg += b'\0' * (-len(msg) % 4) + extra
            outstanding[seq + 1] = (extra_cmd, True)
            seq += 1        # the next message must not reuse the extra's seq
            kinds['two-in-one'] += 1
        kinds['cmd-%d' % cmd if cmd < 16 else 'cmd-other'] += 1
        outstanding[msg_seq] = (cmd, bool(flags & NLM_F_REQUEST))
        try:
            sock.send(msg)
            stats['sent'] += 1
        except OSError as e:
            send_errors[errno.errorcode.get(e.errno, str(e.errno))] += 1
        if len(outstanding) > 2000:
            outstanding.clear()
        drain(0)
    drain(1.0)
    changed = {c: n for c, n in successes.items() if c in CHANGING}
    res = {'seed': seed, 'seconds': args.seconds, 'uid': os.geteuid(),
           'sent': stats['sent'], 'send_errors': dict(send_errors),
           'answers': dict(answers), 'successes_by_cmd': {str(k): v for k, v in successes.items()},
           'changing_successes': {str(k): v for k, v in changed.items()},
           'shapes': dict(kinds)}
    text = json.dumps(res, sort_keys=True)
    print(text)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text + '\n')
    if changed and not args.allow_success:
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
