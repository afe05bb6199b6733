#!/usr/bin/python3
"""Count pmguard JSON-line events that match FIELD=VALUE conditions.

Usage: events.py FILE [--min N] [--max N] [--show] FIELD=VALUE ...
FIELD is dotted (caller.comm); VALUE is compared as a string, or as a
regular expression with FIELD~REGEX; FIELD!=VALUE negates; FIELD@ITEM
tests list membership; a VALUE of $OTHER.FIELD names another field.  Only records
with "type":"access" count (--type TYPE picks another record type).
--sum-count N: the matching events' "count" fields must add up to N.  Every line must be valid JSON: a line that is
not fails the check, since the reader promises one JSON object per line.
Exit 0 when the number of matches is within [min, max].
"""
import json
import re
import sys


def get(record, dotted):
    cur = record
    for part in dotted.split('.'):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def as_text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, list):
        return ','.join(str(v) for v in value)
    return str(value)


def matches(record, cond):
    m = re.match(r'^([\w.]+)(!=|~|=|@)(.*)$', cond)
    if not m:
        sys.exit(f'events.py: bad condition {cond!r}')
    field, op, want = m.groups()
    if want.startswith('$'):  # compare with another field: caller.tid!=$caller.pid
        want = as_text(get(record, want[1:]))
    value = get(record, field)
    if op == '@':  # list membership: flags@would_deny
        return isinstance(value, list) and want in value
    if value is None:
        return op == '!='
    text = as_text(value)
    if op == '=':
        return text == want
    if op == '!=':
        return text != want
    return re.search(want, text) is not None


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    path, args = args[0], args[1:]
    lo, hi, show, conds = 0, None, False, []
    rtype, want_sum = 'access', None
    while args:
        a = args.pop(0)
        if a == '--min':
            lo = int(args.pop(0))
        elif a == '--max':
            hi = int(args.pop(0))
        elif a == '--show':
            show = True
        elif a == '--type':
            rtype = args.pop(0)
        elif a == '--sum-count':
            want_sum = int(args.pop(0))
        else:
            conds.append(a)
    count = total = 0
    with open(path, 'rb') as f:
        for n, raw in enumerate(f, 1):
            try:
                record = json.loads(raw.decode('utf-8'))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                print(f'{path}:{n}: not a JSON line ({e}): {raw[:200]!r}')
                return 1
            if record.get('type') != rtype:
                continue
            if all(matches(record, c) for c in conds):
                count += 1
                total += record.get('count', 1)
                if show:
                    print(json.dumps(record))
    ok = count >= lo and (hi is None or count <= hi)
    if want_sum is not None and total != want_sum:
        ok = False
    if not ok:
        print(f'{count} event(s) match {conds} (wanted {lo}..{hi}), '
              f'their counts add up to {total} (wanted {want_sum})')
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f.readlines()[-20:]:
                print('  ' + line.rstrip())
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
