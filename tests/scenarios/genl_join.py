#!/usr/bin/python3
"""Join the pmguard "events" group with a raw netlink socket, no libnl.

An independent check that the kernel, not the reader, enforces who may
listen.  Exit 0: joined (and, with --listen SECONDS, print each event's
seq; with --stall SECONDS, never read, so the socket overruns); 1:
permission denied; 2: family not found; 3: other error.
"""
import errno
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
PMGUARD_A_SEQ = 2


def attrs(data):
    out = {}
    while len(data) >= 4:
        length, kind = struct.unpack_from('HH', data)
        if length < 4:
            break
        out.setdefault(kind & 0x3fff, []).append(data[4:length])
        data = data[(length + 3) & ~3:]
    return out


def resolve(sock, family):
    name = family.encode() + b'\0'
    attr = struct.pack('HH', 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    attr += b'\0' * (-len(attr) % 4)
    body = struct.pack('BBH', CTRL_CMD_GETFAMILY, 1, 0) + attr
    sock.send(struct.pack('IHHII', 16 + len(body), GENL_ID_CTRL,
                          NLM_F_REQUEST, 1, 0) + body)
    data = sock.recv(65536)
    length, mtype = struct.unpack_from('IH', data)
    if mtype == NLMSG_ERROR:
        err = -struct.unpack_from('i', data, 16)[0]
        raise OSError(err, 'resolving ' + family)
    top = attrs(data[20:length])
    groups = {}
    for nest in top.get(CTRL_ATTR_MCAST_GROUPS, []):
        for grp in attrs(nest).values():
            g = attrs(grp[0])
            gname = g[CTRL_ATTR_MCAST_GRP_NAME][0].rstrip(b'\0').decode()
            groups[gname] = struct.unpack('I', g[CTRL_ATTR_MCAST_GRP_ID][0])[0]
    return struct.unpack('H', top[CTRL_ATTR_FAMILY_ID][0][:2])[0], groups


def main():
    mode = sys.argv[1] if len(sys.argv) > 2 else None
    seconds = float(sys.argv[2]) if mode else 0
    listen = seconds if mode == '--listen' else 0
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    try:
        family_id, groups = resolve(sock, 'pmguard')
    except OSError as e:
        print(f'resolve: {e}')
        return 2 if e.errno == errno.ENOENT else 3
    try:
        sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups['events'])
    except PermissionError as e:
        print(f'join: {e}')
        return 1
    print('joined')
    sys.stdout.flush()
    if mode == '--stall':
        time.sleep(seconds)
    if listen:
        sock.settimeout(listen)
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
