#!/bin/bash
# kernels: 6.1 7.3 debug
# Every access is decided afresh, also inside a burst from one caller on
# one CPU (where each CPU's memo of the last verdict is hit): the verdict
# follows each change of what it depends on, at the very next access.
# Enforce mode; one root caller pinned to CPU 0 opens a target's environ
# 20 times per step while the target renames itself to a credential
# holder's name and back, a deny rule is added and removed, the mode
# flips, the caller renames itself to an allowlisted tool and drops its
# uid to the target's.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P="$PMGUARD_BIN"
work=$(mktemp -d /tmp/recheck.XXXXXX)
chmod 755 "$work"
mkfifo -m 666 "$work/ctl"
# The target: renames itself to each line it reads.
setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" -c '
import sys
for line in open(sys.argv[1]):
    with open("/proc/self/comm", "w") as f:
        f.write(line.strip())
' "$work/ctl" &
T=$!
exec 8>"$work/ctl"
printf 'plain\n' >&8

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"
check "mode enforce" "$P" mode enforce

"$PY" - "$T" "$P" "$(readlink -f "$PY")" 8>&- 9>"$work/ctl" <<'EOF' >"$work/steps.txt" 2>&1
import os, subprocess, sys, time

target, pmguard, python = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.sched_setaffinity(0, {0})
ctl = os.fdopen(9, "w")


def opens(n=20):
    ok = denied = 0
    for _ in range(n):
        try:
            open(f"/proc/{target}/environ", "rb").close()
            ok += 1
        except PermissionError:
            denied += 1
    return ok, denied


def rename_target(name):
    ctl.write(name + "\n")
    ctl.flush()
    for _ in range(200):
        with open(f"/proc/{target}/comm") as f:
            if f.read().strip() == name:
                return
        time.sleep(0.05)
    print(f"FAIL target did not rename itself to {name}")


def step(what, expect_ok):
    ok, denied = opens()
    good = ok == 20 if expect_ok else denied == 20
    print(f"{'ok' if good else 'FAIL'} {what} ({ok} opened, {denied} refused)")


def pmg(*args):
    subprocess.run([pmguard, *args], check=True, stdout=subprocess.DEVNULL)


rename_target("plain")
step("a plain target's environ opens", True)
rename_target("sshd")
step("renamed sshd: refused at once", False)
rename_target("plain")
step("renamed back: opens again", True)
pmg("policy", "add", "--index", "0", "rule", "recheck-deny", "action=deny",
    "severity=high", "kinds=environ", f"caller_exe={python}")
step("a new deny rule applies at once", False)
pmg("policy", "del", "recheck-deny")
step("its removal too", True)
rename_target("sshd")
pmg("mode", "audit")
step("audit mode: the sshd target's environ opens", True)
pmg("mode", "enforce")
step("enforce again: refused", False)
rename_target("plain")
with open("/proc/self/comm", "w") as f:
    f.write("gdb")
step("caller renamed gdb: opens (alert)", True)
with open("/proc/self/comm", "w") as f:
    f.write("recheck")
# The kernel's own check wants every id of the target's: gids too.
os.setresgid(65534, 65534, 0)
os.setresuid(65534, 65534, 0)
step("caller with the target's uid: opens", True)
os.setresuid(0, 0, 0)
os.setresgid(0, 0, 0)
step("caller root again: opens", True)
EOF
while read -r status what; do
	if [ "$status" = ok ]; then pass "$what"; else fail "$status $what"; fi
done <"$work/steps.txt"
exec 8>&-
"$P" mode audit
pmg_monitor_stop

expect "$ev" "the sshd target's accesses are denied" kind=environ \
	target.pid="$T" target.comm=sshd action=deny rule=sensitive-memory
expect "$ev" "the caller named gdb is flagged, raised to high" kind=environ \
	target.pid="$T" caller.comm=gdb flags@comm_spoofs_allowed action=alert \
	severity=high
expect "$ev" "the caller with the target's uid meets own-uid" kind=environ \
	target.pid="$T" caller.uid=65534 flags@same_uid action=alert severity=low \
	rule=own-uid result=0
kill "$T" 2>/dev/null
rm -rf "$work"
finish
