#!/usr/bin/python3
"""Format tests/bench results: latency table with ratios, event rates.

report.py OUTDIR [BOOT_INFO]
"""
import collections
import glob
import json
import os
import sys

out = sys.argv[1]
info = sys.argv[2] if len(sys.argv) > 2 else None
best = collections.defaultdict(dict)     # file -> config -> (median, min, max)
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

if info and os.path.exists(info):
    for line in open(info):
        if line.startswith('uname:'):
            print(f"Kernel: {line.split()[3]}  (QEMU TCG, 2 vCPUs; one boot)")
rule = os.path.join(out, 'auditd-rule.txt')
if os.path.exists(rule):
    print(open(rule).read().strip())
print()
print('Per open+close, best median over the passes, in microseconds; ratio to "unloaded".')
print()
print('| file | ' + ' | '.join(configs) + ' |')
print('|---|' + '---|' * len(configs))
for f in files:
    base = best[f].get('unloaded', (None,))[0]
    cells = []
    for c in configs:
        v = best[f].get(c)
        if v is None:
            cells.append('-')
        elif base:
            cells.append(f'{v[0] / 1000:.1f} (x{v[0] / base:.2f})')
        else:
            cells.append(f'{v[0] / 1000:.1f}')
    print(f'| {f} | ' + ' | '.join(cells) + ' |')
print()
print('Added cost per open+close over "unloaded", microseconds:')
print()
print('| file | ' + ' | '.join(c for c in configs if c != 'unloaded') + ' |')
print('|---|' + '---|' * (len(configs) - 1))
for f in files:
    base = best[f].get('unloaded', (None,))[0]
    if base is None:
        continue
    cells = []
    for c in configs:
        if c == 'unloaded':
            continue
        v = best[f].get(c)
        cells.append('-' if v is None else f'{(v[0] - base) / 1000:+.1f}')
    print(f'| {f} | ' + ' | '.join(cells) + ' |')
print()
rates = sorted(glob.glob(os.path.join(out, 'rate-*.json')))
rates = [p for p in rates if os.path.basename(p)[5:-5].isdigit()]
if rates:
    print('Event rate: OPENERS processes open /proc/<pid>/mem in a loop; kernel counters vs reader.')
    print()
    print('| fold_ms | openers | seconds | opens | opens/s | kernel seen | decided | reported | '
          'dropped (queue_full/nomem/no_listener/send/missed) | folded | reader events | '
          'events/s | reader accesses | reader lost events | exact |')
    print('|' + '---|' * 15)
    for p in sorted(rates, key=lambda p: int(os.path.basename(p)[5:-5])):
        r = json.load(open(p))
        d = r['dropped']
        drops = '/'.join(str(d.get(k, 0)) for k in ('queue_full', 'nomem', 'no_listener', 'send', 'missed'))
        print(f"| {r['fold_ms']} | {r['openers']} | {r['seconds']:.0f} | {r['opens']} | "
              f"{r['opens_per_s']:.0f} | {r['seen']} | {r['decided']} | {r['reported']} | {drops} | "
              f"{r['folded']} | {r['reader_events']} | {r['events_per_s']:.0f} | "
              f"{r['reader_accesses']} | {r['reader_lost_events']} | {'yes' if r['exact'] else 'NO'} |")
    print()
    print('exact: opens == seen == allowed+alerted+denied == reported + dropped, and the reader '
          'received exactly the reported accesses.')
