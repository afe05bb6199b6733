#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""pmguard-subscribe: a second, independent pmguard subscriber.

Uses only Python's standard library (the plain socket API: no libnl, no
pyroute2).  Resolves the generic netlink family "pmguard" through the
nlctrl family, subscribes (PMGUARD_CMD_SUBSCRIBE: the module then unicasts
every event to this socket until it is closed), decodes every
PMGUARD_CMD_EVENT and PMGUARD_CMD_MEM_SUMMARY message (all attributes,
including the nested caller/target processes) and prints one JSON object
per line, with the same keys as `pmguard monitor --json` for the fields it
shares.  Gaps in the kernel's sequence numbers and socket overruns are
reported as {"type":"lost"} lines.  See docs/protocol.md.

Needs CAP_NET_ADMIN in the initial user namespace (run it as root), in the
initial network namespace.

    sudo ./pmguard-subscribe.py [--count N] [--timeout SECONDS] [--raw]

Exit status: 0 ok, 3 family not found (module not loaded), 4 permission
denied, 1 other error.
"""
import argparse
import datetime
import errno
import json
import os
import socket
import struct
import sys

# <linux/netlink.h>, <linux/genetlink.h>
NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLA_F_NESTED = 0x8000
NLA_F_NET_BYTEORDER = 0x4000
NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_VERSION = 3
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2

# <linux/pmguard.h> (values are append-only: never renumbered)
PMGUARD_GENL_NAME = "pmguard"
PMGUARD_GENL_VERSION = 3
PMGUARD_GENL_MCGRP_EVENTS = "events"  # version 1 only: 2 sends nothing there
PMGUARD_CMD_EVENT = 1
PMGUARD_CMD_MEM_SUMMARY = 11
PMGUARD_CMD_SUBSCRIBE = 12

KINDS = ["unspec", "mem", "environ", "maps", "smaps", "smaps_rollup",
         "numa_maps", "pagemap", "auxv", "vm_read", "vm_write", "ptrace",
         "ptrace_read", "ptrace_write", "getfd"]
ACTIONS = ["allow", "alert", "deny"]
SEVERITIES = ["info", "low", "medium", "high", "critical"]
FLAGS = [  # bit order of PMGUARD_F_*
    "caller_cap_ptrace", "caller_is_tracer", "caller_is_ancestor", "same_uid",
    "target_sensitive", "comm_mismatch", "comm_spoofs_allowed", "task_alias",
    "target_exe_unknown", "would_deny", "folded", "compat_syscall",
    "exe_replaced", "cross_container", "from_container",
]

# enum pmguard_attr: id -> (key, decoder)
A_SEQ, A_TIME_NS, A_KIND, A_ACCESS, A_RESULT, A_ACTION, A_SEVERITY = 2, 3, 4, 5, 6, 7, 8
A_RULE, A_FLAGS, A_CALLER, A_TARGET, A_COUNT, A_SUMMARY, A_FIRST_SEQ = 9, 10, 11, 12, 15, 25, 26

# enum pmguard_proc_attr: id -> (key, decoder)
PROC_ATTRS = {
    1: ("pid", "u32"), 2: ("tid", "u32"), 3: ("ppid", "u32"), 4: ("uid", "u32"),
    5: ("euid", "u32"), 6: ("fsuid", "u32"), 7: ("gid", "u32"),
    8: ("loginuid", "id"), 9: ("sessionid", "id"), 10: ("comm", "str"),
    11: ("exe", "str"),
    # container and service context (12 is padding)
    13: ("cgroup_id", "u64"), 14: ("cgroup", "str"), 15: ("ns_pid", "u32"),
    16: ("pid_ns", "u32"), 17: ("mnt_ns", "u32"), 18: ("user_ns", "u32"),
    19: ("net_ns", "u32"), 20: ("cgroup_ns", "u32"), 21: ("in_container", "bool"),
}
# enum pmguard_summary_attr
SUM_ATTRS = {
    2: "reads", 3: "bytes_read", 4: "writes", 5: "bytes_written",
    6: "first_offset", 7: "last_offset", 8: "duration_ns", 9: "errors",
}


def name_of(table, value):
    """A name for an enum value; unknown (newer) values stay readable."""
    return table[value] if 0 <= value < len(table) else f"unknown({value})"


def parse_attrs(data):
    """Netlink attributes -> {type: [payload, ...]} (repeated ones kept)."""
    out = {}
    off = 0
    while off + 4 <= len(data):
        length, kind = struct.unpack_from("=HH", data, off)
        if length < 4 or off + length > len(data):
            break
        out.setdefault(kind & NLA_TYPE_MASK, []).append(data[off + 4:off + length])
        off += (length + 3) & ~3
    return out


def u32(b):
    return struct.unpack("=I", b[:4])[0]


def s32(b):
    return struct.unpack("=i", b[:4])[0]


def u64(b):
    return struct.unpack("=Q", b[:8])[0]


def string(b):
    # Attacker-controlled bytes (comm, paths): never trust them to be UTF-8.
    return b.split(b"\0", 1)[0].decode("utf-8", errors="replace")


def first(attrs, kind):
    v = attrs.get(kind)
    return v[0] if v else None


def decode_proc(payload):
    out = {}
    for kind, values in parse_attrs(payload).items():
        if kind not in PROC_ATTRS:
            continue  # newer attribute: ignored, as the rules require
        key, how = PROC_ATTRS[kind]
        b = values[0]
        if how == "str":
            out[key] = string(b)
        elif how == "u64":
            out[key] = u64(b)
        elif how == "bool":
            out[key] = b[0] != 0
        elif how == "id":
            v = u32(b)
            out[key] = -1 if v == 0xffffffff else v  # (u32)-1: unset
        else:
            out[key] = u32(b)
    return out


def rfc3339(ns):
    t = datetime.datetime.fromtimestamp(ns // 1_000_000_000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{ns % 1_000_000_000:09d}Z"


def access_name(bits):
    return {1: "read", 2: "write", 3: "read-write"}.get(bits, f"unknown({bits})")


def decode_common(a, out):
    if first(a, A_SEQ) is not None:
        out["seq"] = u64(first(a, A_SEQ))
    if first(a, A_TIME_NS) is not None:
        out["time"] = rfc3339(u64(first(a, A_TIME_NS)))
    out["host"] = HOST
    if first(a, A_KIND) is not None:
        out["kind"] = name_of(KINDS, u32(first(a, A_KIND)))


def decode_event(a):
    out = {"type": "access"}
    decode_common(a, out)
    if first(a, A_ACCESS) is not None:
        out["access"] = access_name(u32(first(a, A_ACCESS)))
    if first(a, A_RESULT) is not None:
        r = s32(first(a, A_RESULT))
        out["result"] = r
        out["result_name"] = "OK" if r == 0 else errno.errorcode.get(-r, str(r))
    if first(a, A_ACTION) is not None:
        out["action"] = name_of(ACTIONS, u32(first(a, A_ACTION)))
    if first(a, A_SEVERITY) is not None:
        out["severity"] = name_of(SEVERITIES, u32(first(a, A_SEVERITY)))
    if first(a, A_RULE) is not None:
        out["rule"] = string(first(a, A_RULE))
    out["mitre"] = "T1003.007"
    if first(a, A_COUNT) is not None:
        out["count"] = u32(first(a, A_COUNT))
    if first(a, A_FIRST_SEQ) is not None:
        out["first_seq"] = u64(first(a, A_FIRST_SEQ))
    flags = u32(first(a, A_FLAGS)) if first(a, A_FLAGS) is not None else None
    if flags is not None:
        out["flags"] = [n for i, n in enumerate(FLAGS) if flags & (1 << i)]
        out["flags"] += [f"unknown({1 << i:#x})" for i in range(len(FLAGS), 32) if flags & (1 << i)]
    if first(a, A_CALLER) is not None:
        c = decode_proc(first(a, A_CALLER))
        if flags is not None:
            c["cap_sys_ptrace"] = bool(flags & 0x1)
            c["is_tracer"] = bool(flags & 0x2)
            c["is_ancestor"] = bool(flags & 0x4)
            c["comm_mismatch"] = bool(flags & 0x20)
        out["caller"] = c
    if first(a, A_TARGET) is not None:
        out["target"] = decode_proc(first(a, A_TARGET))
    return out


def decode_summary(a):
    out = {"type": "mem_summary"}
    decode_common(a, out)
    out["mitre"] = "T1003.007"
    if first(a, A_CALLER) is not None:
        out["caller"] = decode_proc(first(a, A_CALLER))
    if first(a, A_TARGET) is not None:
        out["target"] = decode_proc(first(a, A_TARGET))
    if first(a, A_SUMMARY) is not None:
        for kind, values in parse_attrs(first(a, A_SUMMARY)).items():
            if kind in SUM_ATTRS:
                out[SUM_ATTRS[kind]] = u64(values[0])
    return out


def genl_request(sock, family_id, cmd, attrs, version=1, flags=NLM_F_REQUEST, seq=1):
    body = struct.pack("=BBH", cmd, version, 0) + attrs
    sock.send(struct.pack("=IHHII", 16 + len(body), family_id, flags, seq, 0) + body)


def subscribe(sock, family_id, groups, pending):
    """PMGUARD_CMD_SUBSCRIBE, acknowledged.  Events may come before the
    ACK: they are kept in pending.  A version 1 module does not know the
    command: join its "events" group then."""
    genl_request(sock, family_id, PMGUARD_CMD_SUBSCRIBE, b"", version=PMGUARD_GENL_VERSION,
                 flags=NLM_F_REQUEST | NLM_F_ACK, seq=2)
    while True:
        data = sock.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            length, mtype, _, seq = struct.unpack_from("=IHHI", data, off)
            if length < 16:
                break
            if mtype == NLMSG_ERROR and seq == 2:
                err = -struct.unpack_from("=i", data, off + 16)[0]
                if err == errno.EOPNOTSUPP and PMGUARD_GENL_MCGRP_EVENTS in groups:
                    sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                                    groups[PMGUARD_GENL_MCGRP_EVENTS])
                elif err:
                    raise OSError(err, os.strerror(err))
                pending.append(data[off + ((length + 3) & ~3):])
                return
            off += (length + 3) & ~3
        pending.append(data)


def nla(kind, payload):
    a = struct.pack("=HH", 4 + len(payload), kind) + payload
    return a + b"\0" * (-len(a) % 4)


def resolve(sock):
    """nlctrl CTRL_CMD_GETFAMILY "pmguard" -> (family id, version, groups)."""
    genl_request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                 nla(CTRL_ATTR_FAMILY_NAME, PMGUARD_GENL_NAME.encode() + b"\0"))
    data = sock.recv(65536)
    length, mtype = struct.unpack_from("=IH", data)
    if mtype == NLMSG_ERROR:
        err = -struct.unpack_from("=i", data, 16)[0]
        raise OSError(err, os.strerror(err))
    top = parse_attrs(data[20:length])
    groups = {}
    for nest in top.get(CTRL_ATTR_MCAST_GROUPS, []):
        for grp in parse_attrs(nest).values():
            g = parse_attrs(grp[0])
            groups[string(g[CTRL_ATTR_MCAST_GRP_NAME][0])] = u32(g[CTRL_ATTR_MCAST_GRP_ID][0])
    version = u32(top[CTRL_ATTR_VERSION][0]) if CTRL_ATTR_VERSION in top else 0
    return struct.unpack("=H", top[CTRL_ATTR_FAMILY_ID][0][:2])[0], version, groups


HOST = socket.gethostname()


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=0, help="exit after N records (0: never)")
    ap.add_argument("--timeout", type=float, default=0, help="exit after SECONDS without data")
    ap.add_argument("--raw", action="store_true", help="also print the attribute ids of each message")
    ap.add_argument("--ready-file", help="create this file once joined")
    args = ap.parse_args()

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    # A large receive buffer; an overrun is still detected and reported.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    try:
        family_id, version, groups = resolve(sock)
    except OSError as e:
        print(f"pmguard-subscribe: resolving {PMGUARD_GENL_NAME}: {e}", file=sys.stderr)
        return 3 if e.errno == errno.ENOENT else 1
    if version != PMGUARD_GENL_VERSION:
        print(f"pmguard-subscribe: family version {version}, written for "
              f"{PMGUARD_GENL_VERSION}: meanings may differ", file=sys.stderr)
    pending = []
    try:
        subscribe(sock, family_id, groups, pending)
    except OSError as e:
        print(f"pmguard-subscribe: subscribing: {e} "
              "(needs CAP_NET_ADMIN in the initial user namespace)", file=sys.stderr)
        return 4 if e.errno in (errno.EPERM, errno.EACCES) else 1
    if args.ready_file:
        open(args.ready_file, "w").close()
    if args.timeout:
        sock.settimeout(args.timeout)

    last_seq = None
    printed = 0
    while not args.count or printed < args.count:
        try:
            data = pending.pop(0) if pending else sock.recv(1 << 20)
        except socket.timeout:
            break
        except OSError as e:
            if e.errno == errno.ENOBUFS:  # we were too slow: the kernel dropped
                emit({"type": "lost", "reason": "overrun"})
                continue
            raise
        off = 0
        while off + 16 <= len(data):
            length, mtype = struct.unpack_from("=IH", data, off)
            if length < 16:
                break
            msg = data[off:off + length]
            off += (length + 3) & ~3
            if mtype != family_id or length < 20:
                continue
            cmd = msg[16]
            a = parse_attrs(msg[20:])
            if cmd == PMGUARD_CMD_EVENT:
                rec = decode_event(a)
                seq = rec.get("seq")
                # Every reported event takes the next seq, delivered or not
                # (a folded event too: a fresh seq, first_seq names the
                # burst's first event): a gap is loss, going back a reload.
                if seq is not None:
                    if last_seq is not None and seq <= last_seq:
                        emit({"type": "reset", "seq": seq, "previous_seq": last_seq})
                    elif last_seq is not None and seq > last_seq + 1:
                        emit({"type": "lost", "count": seq - last_seq - 1,
                              "first_seq": last_seq + 1, "last_seq": seq - 1,
                              "reason": "seq_gap"})
                    last_seq = seq
            elif cmd == PMGUARD_CMD_MEM_SUMMARY:
                rec = decode_summary(a)  # seq: the access event it belongs to
            else:
                continue  # a newer command: ignored
            if args.raw:
                rec["_attrs"] = sorted(a)
            emit(rec)
            printed += 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
    except BrokenPipeError:
        sys.exit(0)
