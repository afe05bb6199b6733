#!/bin/bash
# The first-run demo (`make demo`), run by tests/vm/run inside the QEMU
# guest.  Everything meant for the person watching goes to the serial
# console with the prefix "demo| "; tests/demo/run shows only those lines.
# timeout: 600
set -u
BIN=$PMGUARD_BIN
OUT=$PMGUARD_OUT
PY=/usr/bin/python3
exec 3>/dev/console
show() { printf 'demo| %s\n' "$*" >&3; printf '%s\n' "$*"; }
step() { sleep 1; show ""; show "=== $*"; }
run() { show "# $*"; "$@" 2>&1 | sed -u 's/^/demo|   /' >&3; }

show "pmguard demo: kernel $(uname -r) in QEMU; your host kernel is not touched"
insmod "$PMGUARD_KO" || { show "insmod failed"; exit 1; }
show "# insmod pmguard.ko          (mode=$(cat /sys/module/pmguard/parameters/mode), default policy)"
# the events, as the reader prints them, streamed to your terminal
"$BIN" monitor 2>/dev/null | sed -u 's/^/demo| >> /' >&3 &
"$BIN" monitor --json >"$OUT/events.jsonl" 2>/dev/null &
sleep 2

step "1. Atomic Red Team T1003.007 #1: a shell holds a password; grep finds its heap, dd reads it"
sh -c 'echo "The password is T1003.007" && sleep 30' >/dev/null &
sleep 0.5
PID=$(pgrep -n -f "The password is T1003")
show "# victim: sh -c 'echo \"The password is T1003.007\" && sleep 30'   (pid $PID)"
HEAP_MEM=$(grep -E "^[0-9a-f-]* r" /proc/"$PID"/maps | grep heap | cut -d' ' -f 1)
show "# grep heap /proc/$PID/maps  ->  $HEAP_MEM"
MEM_START=$((0x${HEAP_MEM%-*}))
MEM_STOP=$((0x${HEAP_MEM#*-}))
show "# dd if=/proc/$PID/mem ibs=1 skip=$MEM_START count=$((MEM_STOP - MEM_START))"
dd if=/proc/"$PID"/mem of=/tmp/dump ibs=1 skip="$MEM_START" count=$((MEM_STOP - MEM_START)) 2>/dev/null
show "# strings /tmp/dump | grep password  ->  $(grep -a -o 'The password is T1003.007' /tmp/dump | head -n1)"
sleep 2

step "2. A MimiPenguin-like python3 script reads the memory of a process named sshd"
cp /usr/bin/sleep /tmp/sshd
/tmp/sshd 120 &
SSHD=$!
cat >/tmp/mimi.py <<'PYEOF'
import re, sys
pid = sys.argv[1]
regions = []
for line in open(f"/proc/{pid}/maps"):
    addr, perms = line.split()[:2]
    if perms.startswith("rw"):
        a, b = (int(x, 16) for x in addr.split("-"))
        regions.append((a, b))
got = 0
for a, b in regions:            # one open per region, as MimiPenguin does
    try:
        with open(f"/proc/{pid}/mem", "rb", 0) as m:
            m.seek(a)
            got += len(m.read(b - a))
    except OSError as e:
        print(f"open/read /proc/{pid}/mem: {e.strerror}")
        break
print(f"read {got} bytes from {len(regions)} regions of pid {pid}")
PYEOF
show "# /tmp/sshd (pid $SSHD) stands in for sshd: pmguard treats it as a credential holder"
run "$PY" /tmp/mimi.py "$SSHD"
sleep 2

step "3. Same attack in enforce mode: the open fails before any memory is readable"
run "$BIN" mode enforce
run "$PY" /tmp/mimi.py "$SSHD"
run "$BIN" mode audit
sleep 2

step "4. Benign: a debugger attaches (gdb -batch -p): allowed by executable identity"
sleep 60 &
BENIGN=$!
show "# gdb -batch -p $BENIGN -ex 'info inferiors'"
gdb -batch -nx -p "$BENIGN" -ex 'info inferiors' >/dev/null 2>&1
show "# and a renamed copy of python calling itself gdb is not gdb:"
cp "$PY" /tmp/gdb-impostor
show "# /tmp/gdb-impostor -c 'prctl(PR_SET_NAME, \"gdb\"); read /proc/$BENIGN/environ'"
/tmp/gdb-impostor -c "
import ctypes; ctypes.CDLL(None).prctl(15, b'gdb', 0, 0, 0)
open('/proc/$BENIGN/environ','rb').read(); print('impostor (comm gdb) read environ')" 2>&1 | sed -u 's/^/demo|   /' >&3
sleep 3

step "5. Summary"
run "$BIN" stats
show ""
show "mem summaries (what was actually read through each /proc/PID/mem file):"
"$PY" - "$OUT/events.jsonl" <<'PYEOF' | sed 's/^/demo|   /' >&3
import json, sys
acc = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "access":
        acc[r["seq"]] = r
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") != "mem_summary":
        continue
    a = acc.get(r["seq"], {})
    print(f"seq {r['seq']:>3}  {r['caller'].get('exe', '?'):<22} -> {r['target'].get('comm', '?'):<6}"
          f" pid {r['target'].get('pid')}: {r['bytes_read']:>7} bytes in {r['reads']:>6} reads"
          f"  [{a.get('action', '?')}, {a.get('severity', '?')}, rule {a.get('rule', '?')}]")
n = {}
for r in acc.values():
    n[r["action"]] = n.get(r["action"], 0) + r.get("count", 1)
print("accesses by action: " + ", ".join(f"{k} {v}" for k, v in sorted(n.items())))
PYEOF
show ""
show "Every event above is also in .build/results/demo/s/demo/out/events.jsonl (JSON lines)."
kill "$PID" "$SSHD" "$BENIGN" 2>/dev/null
pkill -P $$ 2>/dev/null
sleep 1
exit 0
