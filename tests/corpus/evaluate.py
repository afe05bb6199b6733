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


def parse_trace(path):
    """Accesses, command lines and exec names per case (loginuid)."""
    accesses = collections.defaultdict(list)
    cmdlines = collections.defaultdict(list)    # lid -> [(pid, argv)]
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
    return {'accesses': accesses, 'cmdlines': cmdlines, 'names': names, 'lost': lost}


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
    have_trace = trace is not None and any(trace['accesses'].values())

    rows, results = [], []
    for c in cases:
        ct = {'accesses': [], 'cmdlines': [], 'names': {}}
        if have_trace:
            ct = {'accesses': trace['accesses'].get(c['loginuid'], []),
                  'cmdlines': trace['cmdlines'].get(c['loginuid'], []),
                  'names': trace['names']}
        verdict, detail, nev, nacc, mine = pmguard_verdict(c, events)
        if c['rc'] != 0:
            verdict = f"case error (rc {c['rc']})"
        k, t, fa = kql(ct), tracee(ct), falco(ct)
        row = {
            'case': c['case'], 'expect': c['expect'], 'what': c['what'],
            'pmguard': verdict, 'pmguard_detail': detail,
            'pmguard_events': nev, 'pmguard_accesses': nacc,
            'kql': peer_cell(c['expect'], k, have_trace),
            'tracee': peer_cell(c['expect'], t, have_trace),
            'falco': peer_cell(c['expect'], fa, have_trace),
            'kql_hits': k, 'tracee_hits': t, 'falco_hits': fa,
            'opens': [repr(a) for a in ct['accesses'] if watched(a)],
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
             '(enforce mode refuses the open).',
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
