#!/usr/bin/python3
"""Score the detection corpus: pmguard's verdicts next to three peers'.

evaluate.py OUTDIR [--markdown FILE] [--json FILE] [--details]

OUTDIR is a corpus scenario's output (tests/corpus/scenarios/corpus.sh):
  cases.jsonl   one line per case: name, loginuid, expect, kinds, rc
  events.jsonl  pmguard monitor --json (every record)
  trace.txt     the bpftrace recorder (tests/corpus/trace.bt)

Each case ran in its own loginuid, so pmguard's events (caller.loginuid)
and the recorder's lines (its LID field) name the case.

pmguard: an attack is "caught" when, for every kind the case lists
(# kinds:), at least one event of that kind has action alert or deny; a
benign case is a false positive ("FP") when any event has action alert or
deny.  Allowed events and no event at all are what benign cases expect.

The peers are evaluated on the SAME accesses, as the recorder saw them,
with their published logic (see docs/corpus.md for sources and
assumptions):

KQL (Sentinel / Defender style, the rule pmguard started from):
    alert when a process's command line, or the path an open() was given,
    matches  /proc/<digits>/(mem|maps|environ)  (a pid segment right
    before the file name), or when the process name (comm, or the name it
    was executed as) contains a known tool name (KQL_TOOLS).
Tracee TRC-1023 "Process memory access detected" (proc_mem_access):
    on security_file_open, pathname (d_path of the opened file) matches
    the Go regexp  /proc/(?:\\d.+)/mem$  (unanchored at the start) and the
    open is a read (O_ACCMODE is O_RDONLY or O_RDWR).  No exclusion of the
    process's own memory.
Falco "Read environment variable from /proc files":
    open_read and container and fd.name glob /proc/*/environ and not
    proc.name in (known_binaries_to_read_environment_variables_from_proc_files)
    with the list [scsi_id, argoexec].  open_read = open/openat/openat2
    exit, fd >= 0, read access mode, fd type file.  fd.name is the path as
    given, made absolute with the dirfd's name (or the cwd) and normalized:
    symlinks and /proc/self/fd/N are not resolved.  glob is fnmatch(3)
    without FNM_PATHNAME ('*' matches '/').  proc.name is the comm given at
    exec (a later prctl(PR_SET_NAME) is not seen).  ASSUMED: "container" is
    dropped (nothing here runs in a container; with it, Falco would report
    nothing at all).

The routes without a file (process_vm_readv/writev, ptrace), from the
recorder's P (ptrace: request, pid) and V (process_vm_*: pid) records:

Tracee (v0.24.1, signatures/golang/): TRC-103 ptrace_code_injection: a
    ptrace event with request PTRACE_POKETEXT or PTRACE_POKEDATA; TRC-1025
    process_vm_write_inject: a process_vm_writev event whose pid is not the
    caller's process id; TRC-102 anti_debugging: request PTRACE_TRACEME.
    Nothing for process_vm_readv, PTRACE_ATTACH/SEIZE or PEEK.
Falco (rules/falco_rules.yaml, stable): "PTRACE attached to process":
    evt.type=ptrace and evt.arg.request contains one of PTRACE_POKETEXT,
    PTRACE_POKEDATA, PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_SETREGS (a
    substring test on the request's name: PTRACE_SETREGSET matches too),
    and proc_name_exists, and not proc.name in (known_ptrace_binaries), an
    empty list; "PTRACE anti-debug attempt": request contains
    PTRACE_TRACEME.  No rule for process_vm_readv/writev.
KQL: nothing new; its path and tool-name tests apply to these cases too
    (a dumper that reads /proc/<pid>/maps first is caught by that path).
pidfd_getfd(2) (fd theft): none of the three has a rule for it, so the
    recorder does not trace it and every peer column follows from the
    other records alone.
"""
import argparse
import collections
import fnmatch
import json
import os
import posixpath
import re
import sys

KQL_PATH = re.compile(r'/proc/\d+/(?:mem|maps|environ)\b')
KQL_TOOLS = ('mimipenguin', 'lazagne', 'linikatz', 'pacemaker', '3snake',
             'truffleproc', 'swap_digger')
TRACEE_RE = re.compile(r'/proc/(?:\d.+)/mem$')
FALCO_GLOB = '/proc/*/environ'
FALCO_ALLOWED = ('scsi_id', 'argoexec')

# ptrace requests (x86; the ia32 numbers are the same for these)
PTRACE_NAMES = {
    0: 'PTRACE_TRACEME', 1: 'PTRACE_PEEKTEXT', 2: 'PTRACE_PEEKDATA', 3: 'PTRACE_PEEKUSR',
    4: 'PTRACE_POKETEXT', 5: 'PTRACE_POKEDATA', 6: 'PTRACE_POKEUSR', 7: 'PTRACE_CONT',
    8: 'PTRACE_KILL', 9: 'PTRACE_SINGLESTEP', 12: 'PTRACE_GETREGS', 13: 'PTRACE_SETREGS',
    14: 'PTRACE_GETFPREGS', 15: 'PTRACE_SETFPREGS', 16: 'PTRACE_ATTACH', 17: 'PTRACE_DETACH',
    18: 'PTRACE_GETFPXREGS', 19: 'PTRACE_SETFPXREGS', 24: 'PTRACE_SYSCALL',
    25: 'PTRACE_GET_THREAD_AREA', 26: 'PTRACE_SET_THREAD_AREA', 30: 'PTRACE_ARCH_PRCTL',
    31: 'PTRACE_SYSEMU', 32: 'PTRACE_SYSEMU_SINGLESTEP', 33: 'PTRACE_SINGLEBLOCK',
    0x4200: 'PTRACE_SETOPTIONS', 0x4201: 'PTRACE_GETEVENTMSG', 0x4202: 'PTRACE_GETSIGINFO',
    0x4203: 'PTRACE_SETSIGINFO', 0x4204: 'PTRACE_GETREGSET', 0x4205: 'PTRACE_SETREGSET',
    0x4206: 'PTRACE_SEIZE', 0x4207: 'PTRACE_INTERRUPT', 0x4208: 'PTRACE_LISTEN',
    0x4209: 'PTRACE_PEEKSIGINFO', 0x420a: 'PTRACE_GETSIGMASK', 0x420b: 'PTRACE_SETSIGMASK',
    0x420c: 'PTRACE_SECCOMP_GET_FILTER', 0x420d: 'PTRACE_SECCOMP_GET_METADATA',
    0x420e: 'PTRACE_GET_SYSCALL_INFO',
}
# Falco's macro ptrace_attach_or_injection: evt.arg.request contains ...
FALCO_PTRACE = ('PTRACE_POKETEXT', 'PTRACE_POKEDATA', 'PTRACE_ATTACH', 'PTRACE_SEIZE',
                'PTRACE_SETREGS')
FALCO_PTRACE_ALLOWED = ()       # list known_ptrace_binaries: []
TRACEE_POKE = (4, 5)            # TRC-103: PTRACE_POKETEXT, PTRACE_POKEDATA
PTRACE_TRACEME = 0

O_ACCMODE, O_RDONLY, O_RDWR = 3, 0, 2
O_DIRECTORY = 0o200000
O_PATH = 0o10000000
AT_FDCWD = -100
SEV = ['info', 'low', 'medium', 'high', 'critical']


class Access:
    """One open as the recorder saw it."""

    def __init__(self, lid, pid, tid):
        self.lid, self.pid, self.tid = lid, pid, tid
        self.literal = None     # path argument of open/openat
        self.dfd = AT_FDCWD
        self.flags = None       # open flags (syscall)
        self.comm = ''
        self.dpath = None       # d_path (security_file_open, procfs only)
        self.fflags = None      # file->f_flags
        self.ret = None
        self.fdname = None      # Falco's fd.name

    def __repr__(self):
        return (f'{self.comm}[{self.pid}/{self.tid}] open({self.literal!r}, dfd={self.dfd}) '
                f'= {self.ret}  d_path={self.dpath!r} fd.name={self.fdname!r}')


Call = collections.namedtuple('Call', 'pid tid request target abi comm')


def ptrace_name(req):
    return PTRACE_NAMES.get(req, f'PTRACE_{req:#x}')


def call_text(c, what):
    abi = ' (ia32)' if c.abi == '32' else ''
    return f'{what}({c.target}){abi} by {c.comm}[{c.pid}]'


def parse_trace(path):
    """Accesses, command lines and exec names per case (loginuid)."""
    accesses = collections.defaultdict(list)
    cmdlines = collections.defaultdict(list)    # lid -> [(pid, argv)]
    ptraces = collections.defaultdict(list)     # lid -> [Call]
    vmcalls = collections.defaultdict(list)     # lid -> [Call]
    names = {}                                  # pid -> comm at exec
    pending = {}
    lost = []
    if not os.path.exists(path):
        return None
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('Lost'):
                lost.append(line)
                continue
            p = line.split('\t')
            try:
                kind = p[0]
                if kind == 'E' and len(p) >= 8:
                    lid, pid, tid = int(p[1]), int(p[2]), int(p[3])
                    a = Access(lid, pid, tid)
                    a.dfd, a.flags, a.comm = int(p[4]), int(p[5]), p[6]
                    a.literal = '\t'.join(p[7:])
                    pending[tid] = a
                elif kind == 'O' and len(p) >= 7:
                    lid, pid, tid = int(p[1]), int(p[2]), int(p[3])
                    a = pending.get(tid)
                    if a is None:   # an open without a traced syscall
                        a = Access(lid, pid, tid)
                        a.comm = p[5]
                        accesses[lid].append(a)
                    a.fflags, a.dpath = int(p[4]), '\t'.join(p[6:])
                elif kind == 'R' and len(p) >= 5:
                    tid = int(p[3])
                    a = pending.pop(tid, None)
                    if a is not None:
                        a.ret = int(p[4])
                        accesses[a.lid].append(a)
                elif kind == 'A' and len(p) >= 5:
                    cmdlines[int(p[1])].append((int(p[2]), '\t'.join(p[4:])))
                elif kind == 'X' and len(p) >= 5:
                    names[int(p[2])] = p[4]
                elif kind == 'P' and len(p) >= 8:
                    ptraces[int(p[1])].append(Call(
                        pid=int(p[2]), tid=int(p[3]), request=int(p[4]), target=int(p[5]),
                        abi=p[6], comm='\t'.join(p[7:])))
                elif kind == 'V' and len(p) >= 8:
                    vmcalls[int(p[1])].append(Call(
                        pid=int(p[2]), tid=int(p[3]), request=p[4], target=int(p[5]),
                        abi=p[6], comm='\t'.join(p[7:])))
            except ValueError:
                continue
    # Falco's fd table: fd.name of each successful open, per process, in order.
    for lid, accs in accesses.items():
        fds = {}
        for a in accs:
            if a.literal is None:
                continue
            lit = a.literal
            if lit.startswith('/'):
                base = lit
            elif a.dfd == AT_FDCWD:
                base = '<cwd>/' + lit
            else:
                base = fds.get((a.pid, a.dfd), '<fd%d>' % a.dfd) + '/' + lit
            a.fdname = posixpath.normpath(base)
            if a.ret is not None and a.ret >= 0:
                fds[(a.pid, a.ret)] = a.fdname
    return {'accesses': accesses, 'cmdlines': cmdlines, 'names': names, 'lost': lost,
            'ptraces': ptraces, 'vmcalls': vmcalls}


KINDS = ('mem', 'environ', 'maps', 'smaps', 'smaps_rollup', 'numa_maps', 'pagemap', 'auxv')


def watched(a):
    """An open of one of the files pmguard watches, by any name."""
    for p in (a.dpath, a.fdname, a.literal):
        if p and posixpath.basename(p) in KINDS:
            return True
    return False


def kql(case_trace):
    hits = []
    for pid, argv in case_trace['cmdlines']:
        if KQL_PATH.search(argv):
            hits.append(f'command line: {argv}')
    seen_names = set()
    for a in case_trace['accesses']:
        for name in (a.comm, case_trace['names'].get(a.pid, '')):
            low = name.lower()
            if any(t in low for t in KQL_TOOLS) and (a.pid, name) not in seen_names:
                seen_names.add((a.pid, name))
                hits.append(f'process name: {name}')
        if a.literal and KQL_PATH.search(a.literal):
            hits.append(f'path: {a.literal} ({a.comm})')
    return hits


def tracee(case_trace):
    hits = []
    for a in case_trace['accesses']:
        if a.dpath is None or a.fflags is None:
            continue
        if (a.fflags & O_ACCMODE) in (O_RDONLY, O_RDWR) and TRACEE_RE.search(a.dpath):
            hits.append(f'security_file_open {a.dpath} ({a.comm})')
    return hits


def tracee_calls(case_trace):
    """TRC-103, TRC-1025, TRC-102 on the ptrace / process_vm_writev events."""
    hits = []
    for c in case_trace['ptraces']:
        if c.request in TRACEE_POKE:
            hits.append('TRC-103 ptrace_code_injection: ' + call_text(c, ptrace_name(c.request)))
        elif c.request == PTRACE_TRACEME:
            hits.append('TRC-102 anti_debugging: ' + call_text(c, 'PTRACE_TRACEME'))
    for c in case_trace['vmcalls']:
        if c.request == 'w' and c.target != c.pid:
            hits.append('TRC-1025 process_vm_write_inject: ' + call_text(c, 'process_vm_writev'))
    return hits


def falco_calls(case_trace):
    """"PTRACE attached to process" and "PTRACE anti-debug attempt"."""
    hits = []
    for c in case_trace['ptraces']:
        name = ptrace_name(c.request)
        proc_name = case_trace['names'].get(c.pid) or c.comm
        if proc_name in ('<NA>', 'N/A'):
            continue                    # proc_name_exists
        if any(r in name for r in FALCO_PTRACE) and proc_name not in FALCO_PTRACE_ALLOWED:
            hits.append('PTRACE attached to process: ' + call_text(c, name))
        elif 'PTRACE_TRACEME' in name:
            hits.append('PTRACE anti-debug attempt: ' + call_text(c, name))
    return hits


def falco(case_trace):
    hits = []
    for a in case_trace['accesses']:
        if a.fdname is None or a.ret is None or a.ret < 0 or a.flags is None:
            continue
        if a.flags & O_DIRECTORY:
            continue                    # fd.typechar 'd'
        if (a.flags & O_ACCMODE) not in (O_RDONLY, O_RDWR):
            continue                    # evt.is_open_read (O_PATH counts as read)
        proc_name = case_trace['names'].get(a.pid) or a.comm
        if proc_name in FALCO_ALLOWED:
            continue
        if fnmatch.fnmatchcase(a.fdname, FALCO_GLOB):
            hits.append(f'open_read {a.fdname} ({proc_name})')
    return hits


def call_summary(ct):
    """ptrace requests and process_vm_* calls of a case, counted."""
    n = collections.Counter()
    for c in ct['ptraces']:
        n[ptrace_name(c.request) + (' (ia32)' if c.abi == '32' else '')] += 1
    for c in ct['vmcalls']:
        what = 'process_vm_readv' if c.request == 'r' else 'process_vm_writev'
        own = ' self' if c.target == c.pid else ''
        n[what + own + (' (ia32)' if c.abi == '32' else '')] += 1
    return [f'{k} x{v}' for k, v in sorted(n.items())]


def pmguard_verdict(case, events):
    mine = [e for e in events
            if e.get('caller', {}).get('loginuid') == case['loginuid']]
    flagged = [e for e in mine if e.get('action') in ('alert', 'deny')]
    per_kind = {}
    for e in mine:
        k = e.get('kind')
        cur = per_kind.get(k)
        rank = (e.get('action') != 'allow', SEV.index(e.get('severity', 'info')))
        if cur is None or rank > cur[0]:
            per_kind[k] = (rank, e)
    parts = []
    for k in sorted(per_kind):
        e = per_kind[k][1]
        act = e['action']
        if 'would_deny' in e.get('flags', []):
            act = 'deny*'
        parts.append(f"{k}:{act}/{e.get('severity')}/{e.get('rule')}")
    accesses = sum(e.get('count', 1) for e in mine)
    detail = ' '.join(parts) if parts else 'no event'
    if case['expect'] == 'attack':
        missing = [k for k in case['kinds']
                   if not any(e.get('kind') == k for e in flagged)]
        if not missing:
            verdict = 'caught'
        else:
            verdict = 'MISSED ' + ','.join(missing)
    else:
        verdict = 'FP' if flagged else 'ok'
    return verdict, detail, len(mine), accesses, mine


def peer_cell(expect, hits, available):
    if not available:
        return 'n/a'
    if expect == 'attack':
        return f'caught ({len(hits)})' if hits else 'MISSED'
    return f'FP ({len(hits)})' if hits else 'ok'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('outdir')
    ap.add_argument('--markdown')
    ap.add_argument('--json')
    ap.add_argument('--details', action='store_true')
    ap.add_argument('--kernel', default='')
    args = ap.parse_args()

    cases = [json.loads(line) for line in open(os.path.join(args.outdir, 'cases.jsonl'))]
    here = os.path.dirname(os.path.abspath(__file__))
    for c in cases:      # what the case's header says (# expect:, # kinds:, # what:)
        head = {}
        with open(os.path.join(here, 'cases', c['file'])) as f:
            for line in f.read().splitlines()[:12]:
                m = re.match(r'#\s*(\w+):\s*(.*)', line)
                if m:
                    head[m.group(1)] = m.group(2).strip()
        c.setdefault('expect', head.get('expect'))
        c.setdefault('kinds', head.get('kinds', '').split())
        c.setdefault('what', head.get('what', ''))
        if 'seconds' not in c and 't0' in c:
            c['seconds'] = round(c['t1'] - c['t0'], 1)
    events = []
    with open(os.path.join(args.outdir, 'events.jsonl'), encoding='utf-8', errors='replace') as f:
        for line in f:
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue
            if r.get('type') == 'access':
                events.append(r)
    trace = parse_trace(os.path.join(args.outdir, 'trace.txt'))
    have_trace = trace is not None and (any(trace['accesses'].values())
                                        or any(trace['ptraces'].values()))

    rows, results = [], []
    for c in cases:
        ct = {'accesses': [], 'cmdlines': [], 'names': {}, 'ptraces': [], 'vmcalls': []}
        if have_trace:
            ct = {'accesses': trace['accesses'].get(c['loginuid'], []),
                  'cmdlines': trace['cmdlines'].get(c['loginuid'], []),
                  'names': trace['names'],
                  'ptraces': trace['ptraces'].get(c['loginuid'], []),
                  'vmcalls': trace['vmcalls'].get(c['loginuid'], [])}
        verdict, detail, nev, nacc, mine = pmguard_verdict(c, events)
        if c['rc'] != 0:
            verdict = f"case error (rc {c['rc']})"
        k, t, fa = kql(ct), tracee(ct) + tracee_calls(ct), falco(ct) + falco_calls(ct)
        row = {
            'case': c['case'], 'expect': c['expect'], 'what': c['what'],
            'pmguard': verdict, 'pmguard_detail': detail,
            'pmguard_events': nev, 'pmguard_accesses': nacc,
            'kql': peer_cell(c['expect'], k, have_trace),
            'tracee': peer_cell(c['expect'], t, have_trace),
            'falco': peer_cell(c['expect'], fa, have_trace),
            'kql_hits': k, 'tracee_hits': t, 'falco_hits': fa,
            'opens': [repr(a) for a in ct['accesses'] if watched(a)],
            'calls': call_summary(ct),
            'seconds': c.get('seconds'),
        }
        rows.append(row)
        results.append(row)

    hdr = ['case', 'expected', 'pmguard', 'pmguard: kind:action/severity/rule',
           'KQL', 'Tracee', 'Falco']
    lines = ['| ' + ' | '.join(hdr) + ' |', '|' + '---|' * len(hdr)]
    for r in rows:
        lines.append('| ' + ' | '.join([
            r['case'], r['expect'], r['pmguard'], r['pmguard_detail'],
            r['kql'], r['tracee'], r['falco']]) + ' |')

    def tally(col):
        att = [r for r in rows if r['expect'] == 'attack']
        ben = [r for r in rows if r['expect'] == 'benign']
        caught = sum(1 for r in att if r[col].startswith('caught'))
        fp = sum(1 for r in ben if r[col].startswith('FP'))
        return caught, len(att), fp, len(ben)

    summary = []
    for col, label in (('pmguard', 'pmguard'), ('kql', 'KQL'), ('tracee', 'Tracee'), ('falco', 'Falco')):
        if col != 'pmguard' and not have_trace:
            summary.append(f'{label}: n/a (no recorder trace on this kernel)')
            continue
        c, na, fp, nb = tally(col)
        summary.append(f'{label}: attacks caught {c}/{na} (missed {na - c}), '
                       f'benign false alerts {fp}/{nb}')
    errors = [r['case'] for r in rows if r['pmguard'].startswith('case error')]
    notes = ['deny* = would_deny: a deny verdict reported as an alert in audit mode '
             '(enforce mode refuses the open, the process_vm_readv/writev call or the ptrace request).',
             'Peers: "caught (N)" / "FP (N)" = number of alerts the rule would raise for '
             'the case\'s accesses.']
    if trace and trace['lost']:
        notes.append('WARNING: the recorder lost events: ' + '; '.join(trace['lost'][:3]))
    if errors:
        notes.append('case errors (the access itself failed; see cases/NAME.log): '
                     + ', '.join(errors))

    out = '\n'.join(lines) + '\n\n' + '\n'.join(summary) + '\n\n' + '\n'.join(notes) + '\n'
    print(out)
    if args.details:
        for r in rows:
            print(f"## {r['case']} ({r['expect']}): {r['what']}")
            print(f"pmguard: {r['pmguard']} {r['pmguard_detail']} "
                  f"({r['pmguard_events']} events for {r['pmguard_accesses']} accesses)")
            for who in ('kql', 'tracee', 'falco'):
                for h in r[who + '_hits'][:8]:
                    print(f'  {who}: {h}')
                if len(r[who + '_hits']) > 8:
                    print(f"  {who}: ... {len(r[who + '_hits']) - 8} more")
            if r['calls']:
                print('  calls: ' + ', '.join(r['calls']))
            for o in r['opens'][:12]:
                print(f'  open: {o}')
            if len(r['opens']) > 12:
                print(f"  open: ... {len(r['opens']) - 12} more")
            print()
    if args.markdown:
        with open(args.markdown, 'w') as f:
            f.write(out)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'kernel': args.kernel, 'rows': results, 'summary': summary}, f, indent=1)
    att_missed = sum(1 for r in rows if r['expect'] == 'attack' and not r['pmguard'].startswith('caught'))
    fps = sum(1 for r in rows if r['expect'] == 'benign' and r['pmguard'] != 'ok')
    return 0 if att_missed == 0 and fps == 0 and not errors else 1


if __name__ == '__main__':
    sys.exit(main())
