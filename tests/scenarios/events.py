#!/usr/bin/python3
"""Count pmguard JSON-line events that match FIELD=VALUE conditions.

Usage: events.py FILE [--min N] [--max N] [--show] FIELD=VALUE ...
FIELD is dotted (caller.comm); VALUE is compared as a string, or as a
regular expression with FIELD~REGEX; FIELD!=VALUE negates; FIELD@ITEM
tests list membership; a VALUE of $OTHER.FIELD names another field.  Only records
with "type":"access" count (--type TYPE picks another record type).
--sum-count N: the matching events' "count" fields must add up to N.
--min-bytes N: what they copied must add up to at least N: their "bytes"
fields, and the bytes of the mem_summary records joined to them by seq
(process_vm_readv/writev report their bytes in a summary after the event).
Every line must be valid JSON: a line that is
not fails the check, since the reader promises one JSON object per line.
Exit 0 when the number of matches is within [min, max].

Usage: events.py --batch SPECS
Runs many checks in one process (each python start costs about a second
under TCG): SPECS has one check per line, its fields separated by \x1f:
DESCRIPTION, FILE, then the arguments above.  Prints "ok: DESCRIPTION" or
"FAIL: DESCRIPTION" (with the reason) per check; the exit status is the
number of failed checks (at most 100).
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


def read_records(path, cache):
    """The file's parsed lines, or an error string for a line that is not JSON."""
    if path not in cache:
        records = []
        try:
            with open(path, 'rb') as f:
                for n, raw in enumerate(f, 1):
                    try:
                        records.append(json.loads(raw.decode('utf-8')))
                    except (UnicodeDecodeError, json.JSONDecodeError) as e:
                        records = f'{path}:{n}: not a JSON line ({e}): {raw[:200]!r}'
                        break
        except OSError as e:
            records = f'{path}: {e.strerror}'
        cache[path] = records
    return cache[path]


def check(path, args, cache):
    """Runs one check; prints why it failed.  Returns True when it holds."""
    lo, hi, show, conds = 0, None, False, []
    rtype, want_sum, min_bytes = 'access', None, None
    args = list(args)
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
        elif a == '--min-bytes':
            min_bytes = int(args.pop(0))
        else:
            conds.append(a)
    records = read_records(path, cache)
    if isinstance(records, str):
        print(records)
        return False
    count = total = nbytes = 0
    seqs = set()
    for record in records:
        if not isinstance(record, dict) or record.get('type') != rtype:
            continue
        if all(matches(record, c) for c in conds):
            count += 1
            total += record.get('count', 1)
            nbytes += record.get('bytes', 0)
            seqs.update(record.get(k) for k in ('seq', 'first_seq') if k in record)
            if show:
                print(json.dumps(record))
    if rtype == 'access':
        for record in records:
            if (isinstance(record, dict) and record.get('type') == 'mem_summary'
                    and record.get('seq') in seqs):
                nbytes += record.get('bytes_read', 0) + record.get('bytes_written', 0)
    ok = count >= lo and (hi is None or count <= hi)
    if want_sum is not None and total != want_sum:
        ok = False
    if min_bytes is not None and nbytes < min_bytes:
        ok = False
    if not ok:
        print(f'{count} event(s) match {conds} (wanted {lo}..{hi}), '
              f'their counts add up to {total} (wanted {want_sum}), '
              f'their bytes to {nbytes} (wanted at least {min_bytes})')
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f.readlines()[-20:]:
                print('  ' + line.rstrip())
    return ok


def batch(specs):
    cache, failed = {}, 0
    with open(specs, encoding='utf-8') as f:
        for line in f:
            fields = line.rstrip('\n').split('\x1f')
            if fields and fields[-1] == '':
                fields.pop()
            if len(fields) < 2:
                print(f'FAIL: events.py: bad check line {line!r}')
                failed += 1
                continue
            what, path, args = fields[0], fields[1], fields[2:]
            sys.stdout.flush()
            if check(path, args, cache):
                print(f'ok: {what}')
            else:
                print(f'FAIL: {what}')
                failed += 1
    return min(failed, 100)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    if args[0] == '--batch' and len(args) == 2:
        return batch(args[1])
    return 0 if check(args[0], args[1:], {}) else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    except BrokenPipeError:  # --show | head: the reader has what it wanted
        sys.stderr.close()
        sys.exit(0)
