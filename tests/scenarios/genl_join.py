#!/usr/bin/python3
"""Subscribe to pmguard's events with a raw netlink socket, no libnl.

An independent check that the kernel, not the reader, enforces who may
listen.

    genl_join.py [--join] [--listen SECONDS | --stall SECONDS]
    genl_join.py --eavesdrop SECONDS
    genl_join.py --stats

Default: send PMGUARD_CMD_SUBSCRIBE (--join: join the "events" multicast
group instead, the delivery before subscriptions).  Exit 0: subscribed
(or joined; with --listen, print each event's seq; with --stall, never
read, so the socket overruns); 1: permission denied; 2: family not
found; 3: other error.

--eavesdrop: what an unprivileged user can try before pmguard is loaded:
join every generic netlink multicast group id the kernel lets this
socket join (ids no family owns yet included), then listen for SECONDS;
join them all again ("rejoined N ids") whenever the module unloads.
It prints "joined N ids", one "family pmguard id F events-group G
pre-joined yes|no" line per (re)load it hears of on nlctrl's notify
group (G is among the ids joined before the load: the attack's setup
holds), and "LEAK ..." for every message of the pmguard family (or any
other non-nlctrl message naming sshd).  Exit 0.

--stats: print the module's counters (GET_STATS) as one JSON object,
keyed by attribute number (new counters included).

--rebind PORT SECONDS [STOPFILE]: what an unprivileged user can try when
a subscriber closes its socket: bind a socket to the subscriber's port id
as soon as it is free (trying for up to SECONDS), then listen for
SECONDS, or until STOPFILE exists.  Prints "bound" once bound, and
"LEAK ..." for every pmguard message it receives.  Exit 0 (bound or not).

With --listen, the first line is "port N", the socket's port id.
"""
import errno
import json
import os
import select
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
GENL_ID_CTRL = 16
CTRL_CMD_NEWFAMILY = 1
CTRL_CMD_DELFAMILY = 2
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
PMGUARD_CMD_GET_STATS = 2
PMGUARD_CMD_SUBSCRIBE = 12
PMGUARD_A_SEQ = 2
PMGUARD_A_STATS = 13


def attrs(data):
    out = {}
    while len(data) >= 4:
        length, kind = struct.unpack_from('HH', data)
        if length < 4:
            break
        out.setdefault(kind & 0x3fff, []).append(data[4:length])
        data = data[(length + 3) & ~3:]
    return out


def family_info(payload):
    """(name, id, {group name: id}) of an nlctrl family message body."""
    top = attrs(payload)
    groups = {}
    for nest in top.get(CTRL_ATTR_MCAST_GROUPS, []):
        for grp in attrs(nest).values():
            g = attrs(grp[0])
            gname = g[CTRL_ATTR_MCAST_GRP_NAME][0].rstrip(b'\0').decode()
            groups[gname] = struct.unpack('I', g[CTRL_ATTR_MCAST_GRP_ID][0])[0]
    name = top.get(CTRL_ATTR_FAMILY_NAME, [b''])[0].rstrip(b'\0').decode()
    fid = struct.unpack('H', top[CTRL_ATTR_FAMILY_ID][0][:2])[0] \
        if CTRL_ATTR_FAMILY_ID in top else -1
    return name, fid, groups


def request(sock, family, cmd, body=b'', seq=1, flags=NLM_F_REQUEST):
    body = struct.pack('BBH', cmd, 1, 0) + body
    sock.send(struct.pack('IHHII', 16 + len(body), family, flags, seq, 0) + body)


def answer(sock, seq):
    """The reply (or error) to request seq; other messages are skipped."""
    while True:
        data = sock.recv(1 << 20)
        while len(data) >= 16:
            length, mtype, _, mseq, _ = struct.unpack_from('IHHII', data)
            msg, data = data[:length], data[(length + 3) & ~3:]
            if mseq != seq:
                continue
            if mtype == NLMSG_ERROR:
                err = -struct.unpack_from('i', msg, 16)[0]
                if err:
                    raise OSError(err, errno.errorcode.get(err, str(err)))
            return mtype, msg


def resolve(sock, family):
    name = family.encode() + b'\0'
    attr = struct.pack('HH', 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    attr += b'\0' * (-len(attr) % 4)
    request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, attr, seq=1)
    _, msg = answer(sock, 1)
    _, fid, groups = family_info(msg[20:])
    return fid, groups


def eavesdrop(seconds):
    """Join every id we may, then report what the pmguard family sends."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((0, 0))
    def join_all():
        ids = set()
        for gid in range(1, 4096):
            try:
                sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, gid)
                ids.add(gid)
            except OSError as e:
                if e.errno == errno.EINVAL:	# past the last group id
                    break
        return ids

    joined = join_all()
    print(f'joined {len(joined)} ids: {min(joined)}..{max(joined)}', flush=True)
    pmguard = -1
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            break
        try:
            data = sock.recv(1 << 20)
        except OSError as e:	# ENOBUFS: an overrun is a leak too if it was ours
            print(f'recv: {e}', flush=True)
            continue
        while len(data) >= 20:
            length, mtype = struct.unpack_from('IH', data)
            msg, data = data[:length], data[(length + 3) & ~3:]
            if mtype == GENL_ID_CTRL:
                name, fid, groups = family_info(msg[20:])
                if name == 'pmguard' and msg[16] == CTRL_CMD_DELFAMILY:
                    # unregistering cleared its group's members: join again
                    joined = join_all()
                    print(f'rejoined {len(joined)} ids', flush=True)
                if name == 'pmguard' and msg[16] == CTRL_CMD_NEWFAMILY:
                    pmguard = fid
                    g = groups.get('events', -1)
                    print(f'family pmguard id {fid} events-group {g} pre-joined '
                          f'{"yes" if g in joined else "no"}', flush=True)
                continue
            if mtype == pmguard or b'sshd' in msg:
                seq = attrs(msg[20:]).get(PMGUARD_A_SEQ)
                print(f'LEAK type {mtype} cmd {msg[16]} seq '
                      f'{struct.unpack("Q", seq[0])[0] if seq else "-"} '
                      f'sshd {int(b"sshd" in msg)}', flush=True)
    return 0


def rebind(port, seconds, stopfile=None):
    """Take over a closed subscriber's port id, then listen."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    end = time.monotonic() + seconds
    while True:
        try:
            sock.bind((port, 0))
            break
        except OSError as e:
            if e.errno != errno.EADDRINUSE or time.monotonic() > end:
                print(f'bind: {e}', flush=True)
                return 0
            time.sleep(0.001)
    print('bound', flush=True)
    try:
        family_id, _ = resolve(sock, 'pmguard')
    except OSError as e:
        print(f'resolve: {e}')
        return 0
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return 0
        if not select.select([sock], [], [], min(left, 0.2))[0]:
            # what was sent before the stop file appeared is read first
            if stopfile and os.path.exists(stopfile):
                return 0
            continue
        data = sock.recv(1 << 20)
        while len(data) >= 20:
            length, mtype = struct.unpack_from('IH', data)
            if mtype == family_id:
                print(f'LEAK cmd {data[16]}', flush=True)
            data = data[(length + 3) & ~3:]


def stats(sock, family_id):
    request(sock, family_id, PMGUARD_CMD_GET_STATS, seq=2)
    _, msg = answer(sock, 2)
    out = {}
    for kind, values in attrs(attrs(msg[20:])[PMGUARD_A_STATS][0]).items():
        if len(values[0]) == 8:
            out[str(kind)] = struct.unpack('Q', values[0])[0]
    print(json.dumps(out, sort_keys=True))
    return 0


def main():
    args = sys.argv[1:]
    join = '--join' in args
    args = [a for a in args if a != '--join']
    mode = args[0] if args else None
    if mode == '--eavesdrop':
        return eavesdrop(float(args[1]))
    if mode == '--rebind':
        return rebind(int(args[1]), float(args[2]), args[3] if len(args) > 3 else None)
    seconds = float(args[1]) if len(args) > 1 else 0
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    try:
        family_id, groups = resolve(sock, 'pmguard')
    except OSError as e:
        print(f'resolve: {e}')
        return 2 if e.errno == errno.ENOENT else 3
    try:
        if mode == '--stats':
            return stats(sock, family_id)
        if join:
            sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups['events'])
        else:
            request(sock, family_id, PMGUARD_CMD_SUBSCRIBE, seq=3,
                    flags=NLM_F_REQUEST | NLM_F_ACK)
            answer(sock, 3)
    except PermissionError as e:
        print(f'{"join" if join else "subscribe"}: {e}')
        return 1
    except OSError as e:
        print(f'{"join" if join else "subscribe"}: {e}')
        return 1 if e.errno in (errno.EPERM, errno.EACCES) else 3
    print('joined' if join else 'subscribed', flush=True)
    if mode == '--stall':
        time.sleep(seconds)
    if mode == '--listen':
        print('port', sock.getsockname()[0], flush=True)
        sock.settimeout(seconds)
        try:
            while True:
                data = sock.recv(65536)
                while len(data) >= 16:
                    length, mtype = struct.unpack_from('IH', data)
                    if mtype == family_id:
                        a = attrs(data[20:length])
                        print('seq', struct.unpack('Q', a[PMGUARD_A_SEQ][0])[0])
                        sys.stdout.flush()
                    data = data[(length + 3) & ~3:]
        except socket.timeout:
            pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
