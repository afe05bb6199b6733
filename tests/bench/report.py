#!/usr/bin/python3
"""Format tests/bench results: latency table with ratios, event rates.

report.py OUTDIR [BOOT_INFO]
"""
import collections
import glob
import json
import os
import re
import sys

out = sys.argv[1]
info = sys.argv[2] if len(sys.argv) > 2 else None
best = collections.defaultdict(dict)     # file -> config -> (median, min, max)
low = collections.defaultdict(dict)      # file -> config -> min round
configs, files = [], []
for line in open(os.path.join(out, 'latency.txt')):
    cfg, _pass, f, med, lo, hi = line.split()
    med, lo, hi = float(med), float(lo), float(hi)
    if cfg not in configs:
        configs.append(cfg)
    if f not in files:
        files.append(f)
    cur = best[f].get(cfg)
    if cur is None or med < cur[0]:
        best[f][cfg] = (med, lo, hi)
    if cfg not in low[f] or lo < low[f][cfg]:
        low[f][cfg] = lo

if info and os.path.exists(info):
    for line in open(info):
        if line.startswith('uname:'):
            print(f"Kernel: {line.split()[3]}  (QEMU TCG, 2 vCPUs; one boot)")
rule = os.path.join(out, 'auditd-rule.txt')
if os.path.exists(rule):
    print(open(rule).read().strip())
print()
def table(title, data):
    print(title)
    print()
    print('| file | ' + ' | '.join(configs) + ' |')
    print('|---|' + '---|' * len(configs))
    for f in files:
        base = data[f].get('unloaded')
        cells = []
        for c in configs:
            v = data[f].get(c)
            if v is None:
                cells.append('-')
            elif base:
                cells.append(f'{v / 1000:.1f} (x{v / base:.2f})')
            else:
                cells.append(f'{v / 1000:.1f}')
        print(f'| {f} | ' + ' | '.join(cells) + ' |')
    print()


table('Fastest round (each round is the mean of N operations; noise on a shared TCG host only '
      'adds time, so the fastest round is the best estimate), microseconds per operation, '
      'ratio to "unloaded":', low)
table('Median round, best pass (for reference):',
      {f: {c: v[0] for c, v in d.items()} for f, d in best.items()})
print('Operations: open+close of the file, except *-mem-pread: one pread() of 1 byte '
      'through an open /proc/<pid>/mem (self: a file pmguard does not track; other: one '
      'it tracks for read accounting); other-vm-readv: one process_vm_readv() of 64 bytes '
      'of another process; other-stat-read: open+read+close of /proc/<pid>/stat (a '
      'READ-mode ptrace check, as ps and top make for every process).')
print()
if 'bpftrace' in configs and 'unloaded' in configs:
    print('Added cost over "unloaded" (fastest round, microseconds), pmguard against bare '
          'bpftrace probes on the same kernel functions:')
    print()
    others = [c for c in configs if c not in ('unloaded', 'bpftrace', 'auditd')]
    print('| operation | ' + ' | '.join(others) + ' | bpftrace | pmguard at or below bpftrace |')
    print('|---|' + '---|' * (len(others) + 2))
    for f in files:
        base, bt = low[f].get('unloaded'), low[f].get('bpftrace')
        if base is None or bt is None:
            continue
        added = [low[f][c] - base if c in low[f] else None for c in others]
        cells = ['-' if a is None else f'{a / 1000:+.1f}' for a in added]
        # The deployed modes, the slower of the two; within 0.3 us (TCG
        # timer noise) counts as at.
        modes = [low[f][c] for c in ('audit', 'enforce') if c in low[f]]
        worst = max(modes) if modes else None
        verdict = '-' if worst is None else ('yes' if worst - bt <= 300 else 'no')
        if f == 'tmpfs-file':
            verdict = '(probed by neither: noise)'
        print(f'| {f} | ' + ' | '.join(cells) + f' | {(bt - base) / 1000:+.1f} | {verdict} |')
    print()
rates = sorted(glob.glob(os.path.join(out, 'rate-*.json')))
rates = [p for p in rates if re.fullmatch(r'c?\d+', os.path.basename(p)[5:-5])]
if rates:
    print('Event rate: OPENERS processes open /proc/<pid>/mem in a loop, on the host or in a '
          'container (every access cross_container: would_deny); kernel counters vs reader.')
    print()
    print('| caller | fold_ms | openers | seconds | opens | opens/s | kernel seen | decided | reported | '
          'dropped (queue_full/nomem/no_listener/send/missed) | folded | reader events | '
          'events/s | reader accesses | reader lost events | overruns | kernel exact | reader exact |')
    print('|' + '---|' * 18)
    for p in sorted(rates, key=lambda p: (os.path.basename(p)[5] == 'c',
                                          int(os.path.basename(p)[5:-5].lstrip('c')))):
        r = json.load(open(p))
        d = r['dropped']
        drops = '/'.join(str(d.get(k, 0)) for k in ('queue_full', 'nomem', 'no_listener', 'send', 'missed'))
        print(f"| {r.get('caller', 'host')} | {r['fold_ms']} | {r['openers']} | {r['seconds']:.0f} | {r['opens']} | "
              f"{r['opens_per_s']:.0f} | {r['seen']} | {r['decided']} | {r['reported']} | {drops} | "
              f"{r['folded']} | {r['reader_events']} | {r['events_per_s']:.0f} | "
              f"{r['reader_accesses']} | {r['reader_lost_events']} | "
              f"{(r.get('reader_counters') or {}).get('overruns', '?')} | "
              f"{'yes' if r.get('kernel_exact', r.get('exact')) else 'NO'} | "
              f"{'yes' if r.get('reader_exact', r.get('exact')) else 'NO'} |")
    print()
    print('kernel exact: opens == seen == allowed+alerted+denied == reported + dropped. '
          'reader exact: the reader received exactly the accesses the kernel reported.')
