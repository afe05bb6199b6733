#!/bin/bash
# kernels: 6.1
# A second, independent subscriber (docs/examples/pmguard-subscribe.py:
# plain sockets, no libnl) and `pmguard monitor --json` side by side: both
# receive the same events (same seq set) with the same fields.
# timeout: 180
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

SUB="$PMGUARD_REPO/docs/examples/pmguard-subscribe.py"
pmg_load
py_ev="$PMGUARD_OUT/python.jsonl"
rd_ev="$PMGUARD_OUT/reader.jsonl"
"$PY" "$SUB" --ready-file "$PMGUARD_OUT/py.ready" >"$py_ev" 2>"$py_ev.err" &
PY_PID=$!
for _ in $(seq 1 100); do [ -e "$PMGUARD_OUT/py.ready" ] && break; sleep 0.1; done
check "python subscriber joined" test -e "$PMGUARD_OUT/py.ready"
pmg_monitor "$rd_ev"

# the Atomic T1003.007 replay, a process named sshd, a folded burst
sh -c 'echo "The password is T1003.007" && sleep 30' &
VICTIM=$!
sleep 0.5
HEAP=$(grep heap "/proc/$VICTIM/maps" | cut -d' ' -f1)
S=$((0x${HEAP%-*})) E=$((0x${HEAP#*-}))
dd if="/proc/$VICTIM/mem" of="$PMGUARD_OUT/dump" bs=4096 iflag=skip_bytes,count_bytes \
	skip="$S" count=$((E - S)) status=none
cp /bin/sleep /tmp/sshd
/tmp/sshd 30 &
SSHD=$!
sleep 0.3
cat "/proc/$SSHD/environ" >/dev/null
# one process, six opens of the same file: one event, then a folded one
"$PY" -c "
for _ in range(6):
    open('/proc/$VICTIM/environ', 'rb').read()"
sleep 2	# fold window (1 s) closes: the folded event goes out

pmg_monitor_stop
sleep 0.5
kill -TERM "$PY_PID"
wait "$PY_PID"
kill "$VICTIM" "$SSHD" 2>/dev/null

check "python subscriber printed events" test -s "$py_ev"
check "same events, same fields" "$PY" - "$rd_ev" "$py_ev" <<'PYEOF'
import json, sys

def load(path):
    acc, summ, other = {}, {}, []
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if r.get("type") == "access":
            acc[r["seq"]] = r
        elif r.get("type") == "mem_summary":
            summ[r["seq"]] = r
        else:
            other.append(r)
    return acc, summ, other

ra, rs, ro = load(sys.argv[1])
pa, ps, po = load(sys.argv[2])
# the python subscriber joined first: compare from the reader's first seq
first = min(ra)
pa = {k: v for k, v in pa.items() if k >= first}
ps = {k: v for k, v in ps.items() if k >= first}
bad = []
if set(ra) != set(pa):
    bad.append(f"access seqs differ: reader-only {sorted(set(ra) - set(pa))[:10]} "
               f"python-only {sorted(set(pa) - set(ra))[:10]}")
if set(rs) != set(ps):
    bad.append(f"summary seqs differ: {sorted(set(rs) ^ set(ps))[:10]}")
def flat(d, pre=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(flat(v, pre + k + "."))
        else:
            out[pre + k] = v
    return out
compared = set()
for s in set(ra) & set(pa):
    a, b = flat(ra[s]), flat(pa[s])
    for k in ("kind", "caller.pid", "target.pid", "result", "action"):
        if a.get(k) != b.get(k):
            bad.append(f"seq {s}: {k} reader={a.get(k)!r} python={b.get(k)!r}")
    # every field both print must agree (host too: same guest)
    for k in set(a) & set(b):
        compared.add(k)
        if a[k] != b[k]:
            bad.append(f"seq {s}: {k} reader={a[k]!r} python={b[k]!r}")
    missing = set(a) - set(b)
    if missing:
        bad.append(f"seq {s}: python lacks {sorted(missing)}")
for s in set(rs) & set(ps):
    a, b = flat(rs[s]), flat(ps[s])
    for k in set(a) | set(b):
        if a.get(k) != b.get(k):
            bad.append(f"summary {s}: {k} reader={a.get(k)!r} python={b.get(k)!r}")
kinds = sorted({r["kind"] for r in ra.values()})
folded = sum(1 for r in ra.values() if "folded" in r.get("flags", []))
for line in bad[:20]:
    print(line)
print(f"{len(ra)} access events ({', '.join(kinds)}; {folded} folded), {len(rs)} summaries, "
      f"{len(compared)} fields compared")
need = {"mem", "maps", "environ"} - set(kinds)
if need:
    print(f"missing kinds: {need}")
sys.exit(1 if bad or need or not rs or not folded else 0)
PYEOF
finish
