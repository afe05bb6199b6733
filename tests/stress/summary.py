#!/usr/bin/python3
"""Print the figures of a tests/stress run: summary.py RESULTS_DIR."""
import glob
import json
import os
import sys


def read(path, default=None):
    try:
        return open(path).read().strip()
    except OSError:
        return default


def dropped(d):
    """The non-zero drop counters, compactly."""
    return ', '.join(f'{k} {v}' for k, v in d.items() if v) or 'none'


res = sys.argv[1]
for d in sorted(glob.glob(os.path.join(res, 's', '*'))):
    name = os.path.basename(d)
    status = read(os.path.join(d, 'status'), '?')
    elapsed = read(os.path.join(d, 'out', 'elapsed_s'))
    print(f'{name}: {status}' + (f' ({elapsed} s)' if elapsed else ''))
    p = os.path.join(d, 'out', 'summary.json')
    if not os.path.exists(p):
        continue
    try:
        s = json.load(open(p))
    except ValueError:
        print('  (summary.json unreadable)')
        continue
    if name == 'load-unload-100':
        print(f"  {s['cycles']} of {s.get('cycles_asked', s['cycles'])} load/unload cycles in {s['seconds']} s "
              f"(queue_len {s.get('queue_len', '?')}, pause {s.get('pause', '?')}), {s['failed_ops']} failed insmod/rmmod")
        print(f"  {s['opens']} opens by 4 openers meanwhile (opens/s min {s['opens_per_s_min']}, median "
              f"{s['opens_per_s_median']}); stuck > 1 s while the guest ran: {s.get('stuck', '?')} "
              f"(longest {s.get('stuck_longest_s', '?')} s); reader got {s['reader_events']} events; "
              f"Slab {s['slab_kb_before']} -> {s['slab_kb_after']} kB")
    elif name == 'reader-faults':
        st = s['stats']
        for p_, v in s['phases'].items():
            print(f"  phase {p_:8}: opens/s min {v['min']}, median {v['median']}, max {v['max']} "
                  f"({v['seconds']} s; stuck {v.get('stuck', '?')}, longest {v.get('stuck_longest_s', '?')} s)")
        dec = st['allowed'] + st['alerted'] + st['denied']
        print(f"  reader SIGKILLed {s['kills']} times; seen {st['seen']}, decided {dec}, reported "
              f"{st['reported']}, dropped: {dropped(st['dropped'])}")
    elif name == 'flood':
        print(f"  {s['opens']} opens in {s['seconds']} s ({s['opens_per_s']}/s; 1M would take "
              f"~{s['extrapolated_s_for_1M']} s); seen {s['seen']}, reported {s['reported']} "
              f"(folded {s['folded']}), reader events {s['reader_events']}, dropped: {dropped(s['dropped'])}")
        print(f"  date loop max gap {s['date_max_gap_s']} s (same openers without pmguard: "
              f"{s.get('date_max_gap_openers_without_pmguard_s', '?')} s, idle: {s.get('date_max_gap_baseline_s', '?')} s)")
        print(f"  Slab kB {s['slab_kb']}")
        print(f"  MemAvailable kB {s['memavailable_kb']}")
    elif name == 'nlfuzz':
        for who in ('nobody', 'root'):
            v = s[who]
            ans = ', '.join(f'{k} {n}' for k, n in sorted(v['answers'].items(), key=lambda x: -x[1]))
            print(f"  {who}: {v['sent']} messages in {v['seconds']} s; answers: {ans}; "
                  f"successes by cmd {v['successes_by_cmd'] or 'none'}")
    elif name == 'fold-interleave':
        print(f"  2 callers, {s['seconds']} s, default fold: {s['opens']} opens, seen {s['seen']}, "
              f"{s['folded']} folded, {s['bursts']} bursts (allowed <= 44); burst restarts < 900 ms "
              f"after the same caller's previous one (reader's view): {s.get('early_restarts_seen_by_reader', '?')}")
    else:
        print('  ' + json.dumps(s))
