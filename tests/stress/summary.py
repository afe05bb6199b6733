#!/usr/bin/python3
"""Print the figures of a tests/stress run: summary.py RESULTS_DIR."""
import glob
import json
import os
import sys

res = sys.argv[1]
for d in sorted(glob.glob(os.path.join(res, 's', '*'))):
    name = os.path.basename(d)
    status = open(os.path.join(d, 'status')).read().strip() if os.path.exists(os.path.join(d, 'status')) else '?'
    print(f'{name}: {status}')
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
              f"(queue_len {s.get('queue_len', '?')}), {s['failed_ops']} failed insmod/rmmod; "
              f"{s['opens']} opens by 4 openers meanwhile (min {s['opens_per_s_min']}/s, median "
              f"{s['opens_per_s_median']}/s; {s.get('stalled_s', '?')} s stalled while the guest ran); reader got {s['reader_events']} events; "
              f"Slab {s['slab_kb_before']} -> {s['slab_kb_after']} kB")
    elif name == 'reader-faults':
        st = s['stats']
        for p_, v in s['phases'].items():
            print(f"  phase {p_:8}: opens/s min {v['min']}, median {v['median']}, max {v['max']} "
                  f"({v['seconds']} s, {v.get('stalled', '?')} s stalled while the guest ran)")
        dec = st['allowed'] + st['alerted'] + st['denied']
        print(f"  reader SIGKILLed {s['kills']} times; seen {st['seen']}, decided {dec}, reported "
              f"{st['reported']}, dropped {st['dropped']}")
    elif name == 'flood':
        print(f"  {s['opens']} opens in {s['seconds']} s ({s['opens_per_s']}/s; 1M would take "
              f"~{s['extrapolated_s_for_1M']} s); seen {s['seen']}, reported {s['reported']} "
              f"(folded {s['folded']}), reader events {s['reader_events']}, dropped {s['dropped']}")
        print(f"  date loop max gap {s['date_max_gap_s']} s (same openers without pmguard: "
              f"{s.get('date_max_gap_openers_without_pmguard_s', '?')} s, idle: {s.get('date_max_gap_baseline_s', '?')} s); Slab kB {s['slab_kb']}; "
              f"MemAvailable kB {s['memavailable_kb']}")
    elif name == 'nlfuzz':
        for who in ('nobody', 'root'):
            v = s[who]
            print(f"  {who}: {v['sent']} messages in {v['seconds']} s; answers {v['answers']}; "
                  f"successes by cmd {v['successes_by_cmd']}")
    elif name == 'fold-interleave':
        print(f"  2 callers, {s['seconds']} s, default fold: {s['opens']} opens, {s['folded']} folded, "
              f"{s['bursts']} bursts (expected <= 44)")
    else:
        print('  ' + json.dumps(s))
