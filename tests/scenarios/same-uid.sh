#!/bin/bash
# kernels: 6.1 7.3 debug
# "The same user" as the kernel's ptrace check has it (issue 22, item 8):
# for a procfs file the caller's fsuid, for the other routes its real uid,
# against the target's real, effective and saved uid.  A setuid-root copy
# of sleep run by nobody is not nobody's (the kernel refuses nobody its
# maps), so no same_uid; root with nobody's fsuid opening nobody's environ
# passes the kernel's check as nobody, so same_uid; nobody's own process is
# nobody's by every route.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

work=$(mktemp -d /tmp/same-uid.XXXXXX)
chmod 755 "$work"
cp /usr/bin/sleep "$work/suid-sleep"
chmod 4755 "$work/suid-sleep"
# (setpriv execs it: $! is the process itself)
setpriv --reuid=nobody --regid=nogroup --clear-groups "$work/suid-sleep" 600 &
SUID=$!
setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 600 &
OWN=$!
sleep 0.5
check "the setuid copy runs as root for nobody" \
	test "$(awk '/^Uid:/ { print $2, $3 }' "/proc/$SUID/status")" = "65534 0"

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"
rc=0
setpriv --reuid=nobody --regid=nogroup --clear-groups cat "/proc/$SUID/maps" >/dev/null 2>&1 || rc=$?
check "the kernel refuses nobody the maps of its setuid process (exit $rc)" test "$rc" != 0
setpriv --reuid=nobody --regid=nogroup --clear-groups cat "/proc/$OWN/maps" >/dev/null ||
	fail "nobody reads its own process's maps"
# root, with nobody's fsuid (setfsuid(2)): what the kernel checks for procfs.
"$PY" - "$OWN" <<'PYEOF' || fail "root with nobody's fsuid reads nobody's environ"
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.setfsuid(65534)
with open(f"/proc/{sys.argv[1]}/environ", "rb") as f:
    f.read()
PYEOF
pmg_monitor_stop

expect_none "$ev" "nobody and its setuid process: not the same user" \
	caller.uid=65534 target.pid="$SUID" flags@same_uid
expect "$ev" "nobody's refused read of its setuid process is reported" kind=maps \
	caller.uid=65534 target.pid="$SUID" result=-13
expect "$ev" "nobody and its own process: same_uid" kind=maps caller.uid=65534 \
	target.pid="$OWN" flags@same_uid
expect "$ev" "root with nobody's fsuid reading nobody's environ: same_uid" \
	kind=environ caller.uid=0 caller.fsuid=65534 target.pid="$OWN" flags@same_uid
kill "$SUID" "$OWN" 2>/dev/null
wait 2>/dev/null
rm -rf "$work"
finish
