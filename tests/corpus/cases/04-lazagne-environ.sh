#!/bin/bash
# case: lazagne-environ
# expect: attack
# kinds: environ
# what: LaZagne-style sweep: read /proc/*/environ of every process, grep for passwords and tokens
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
DB_PASSWORD=corpus-db-s3cret sleep 600 &
V=$!
cat >"$BIN/laZagne.py" <<'PYEOF'
#!/usr/bin/python3
import os, re
hits, n = [], 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) == os.getpid():
        continue
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = f.read()
        n += 1
    except OSError:
        continue
    for var in env.split(b"\0"):
        if re.match(rb"[A-Z_]*(PASS|SECRET|TOKEN|KEY)[A-Z_]*=", var):
            hits.append((pid, var.decode(errors="replace")))
print(f"{n} environ files read")
for pid, var in hits:
    print(pid, var)
PYEOF
chmod +x "$BIN/laZagne.py"
"$BIN/laZagne.py" >"$CASE_WORK/out.txt"
cat "$CASE_WORK/out.txt"
ok grep -q "DB_PASSWORD=corpus-db-s3cret" "$CASE_WORK/out.txt"
kill "$V"
case_done
