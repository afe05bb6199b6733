#!/bin/bash
# kernels: 6.1 7.3
# Runtime policy: list, save/load round trip, the shipped policy, add at a
# position, delete, flush, mode switch; bad input rejected whole with line
# and reason while the running policy stays; unprivileged users, root in a
# user namespace and root without CAP_SYS_ADMIN cannot change anything;
# an upgraded (replaced) executable no longer matches and shows as stale.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P="$PMGUARD_BIN"
O="$PMGUARD_OUT"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
snapshot() { "$P" policy save "$1"; }	# rules, default and sensitive names

pmg_load
check "policy list shows the built-in rules" bash -c "'$P' policy list | grep -q sensitive-memory"
check "rule dumps give an executable's device as stat(2) does" bash -c \
	"'$P' policy list --json | '$PY' -c 'import json,os,sys; r=[x for x in json.load(sys.stdin) if x[\"name\"] == \"allow:gdb\"][0]; sys.exit(r[\"caller_exe_dev\"] != os.stat(\"/usr/bin/gdb\").st_dev)'"
check "policy save" "$P" policy save "$O/saved.conf"
check "saved policy loads back" "$P" policy load "$O/saved.conf"
"$P" policy save "$O/saved2.conf"
check "save/load round trip is stable" cmp "$O/saved.conf" "$O/saved2.conf"
check "shipped policy.conf loads" "$P" policy load --skip-missing "$PMGUARD_REPO/userland/policy.conf"
snapshot "$O/before.json"

# Bad input: rejected whole, with the line and the reason, nothing changed.
bad() {	# bad NAME EXPECTED-TEXT FILE-CONTENT
	local name=$1 want=$2 rc=0
	printf '%b' "$3" >"$O/bad-$name.conf"
	"$P" policy load "$O/bad-$name.conf" 2>"$O/bad-$name.err" || rc=$?
	check "bad input '$name' rejected (exit $rc)" test "$rc" = 2
	check "bad input '$name' names line and reason" \
		grep -qE "bad-$name.conf:[0-9]+: .*$want" "$O/bad-$name.err"
}
ok_rule='rule keep action=alert kinds=mem\n'
bad unknown-field "unknown" "${ok_rule}rule r1 action=alert colour=blue\n"
bad overlong "long" "${ok_rule}rule r1 action=alert caller_comm=abcdefghijklmnopqrstuvwxyz\n"
bad bad-uid "uid|user" "${ok_rule}rule r1 action=alert caller_uid=no-such-user-here\n"
bad duplicate "duplicate" "${ok_rule}rule keep action=deny\n"
bad non-utf8 "UTF-8" "${ok_rule}rule r1 action=alert caller_comm=\xff\xfe\n"
bad relative-exe "absolute" "${ok_rule}rule r1 action=alert caller_exe=bin/cat\n"
{ for i in $(seq 1 257); do echo "rule r$i action=alert"; done; } >"$O/many.txt"
bad too-many "too many|257|256" "$(cat "$O/many.txt")\n"
snapshot "$O/after-bad.json"
check "running policy unchanged by bad input" cmp "$O/before.json" "$O/after-bad.json"

# Who may change it.
rc=0; as_nobody "$P" policy flush 2>"$O/nobody.err" || rc=$?
check "nobody cannot flush (exit $rc)" test "$rc" = 4
rc=0; as_nobody "$P" mode enforce 2>/dev/null || rc=$?
check "nobody cannot change the mode (exit $rc)" test "$rc" = 4
rc=0; unshare -Ur "$P" policy flush 2>"$O/userns.err" || rc=$?
check "root in a user namespace cannot flush (exit $rc)" test "$rc" = 4
rc=0; setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$P" policy flush 2>"$O/nosysadmin.err" || rc=$?
check "root without CAP_SYS_ADMIN cannot flush (exit $rc)" test "$rc" = 4
check "... and is told CAP_SYS_ADMIN is needed" grep -q CAP_SYS_ADMIN "$O/nosysadmin.err"
# The privilege is checked before the kernel resolves a path the sender
# names (a lookup on a hung mount would stall every other request).
rc=0; setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$P" policy add \
	rule probe action=allow caller_exe=/nonexistent/pmguard-probe 2>"$O/nosysadmin-add.err" || rc=$?
check "root without CAP_SYS_ADMIN cannot add a rule, path unresolved (exit $rc)" \
	grep -q CAP_SYS_ADMIN "$O/nosysadmin-add.err"
snapshot "$O/after-priv.json"
check "running policy unchanged by the unprivileged" cmp "$O/before.json" "$O/after-priv.json"

# Add at the front, enforce, delete.
ev="$O/events.jsonl"
pmg_monitor "$ev"
sleep 600 &
V=$!
check "add a rule at index 0" "$P" policy add --index 0 rule deny-cat-environ \
	action=deny severity=critical caller_exe=/usr/bin/cat kinds=environ
check "the rule is first" bash -c "'$P' policy list --json | '$PY' -c 'import json,sys; r=json.load(sys.stdin); sys.exit(r[0][\"name\"] != \"deny-cat-environ\")'"
check "mode enforce" "$P" mode enforce
check "cat is denied environ" bash -c "! cat /proc/$V/environ >/dev/null 2>&1"
check "dd still reads environ (rule is for cat)" dd if=/proc/$V/environ of=/dev/null status=none
check "mode audit" "$P" mode audit
check "cat reads environ again in audit mode" bash -c "cat /proc/$V/environ >/dev/null"
check "delete the rule" "$P" policy del deny-cat-environ
rc=0; "$P" policy del deny-cat-environ 2>"$O/del.err" || rc=$?
check "deleting it again fails clearly" grep -q "no rule" "$O/del.err"

# The folding window: bounded by the kernel.
check "fold window set to 500 ms" "$P" fold 500
check "config shows it" bash -c "'$P' config --json | grep -q '\"fold_ms\": *500'"
check "fold window over 60 s refused" bash -c "! '$P' fold 70000 2>/dev/null"
"$P" fold 1000

# An upgraded binary: a new inode at the same path.
cp /usr/bin/cat /tmp/pmg-tool
check "add a rule for /tmp/pmg-tool" "$P" policy add rule tool action=allow \
	severity=info caller_exe=/tmp/pmg-tool
/tmp/pmg-tool /proc/$V/maps >/dev/null
cp /usr/bin/cat /tmp/pmg-tool.new && mv /tmp/pmg-tool.new /tmp/pmg-tool
check "the replaced tool shows as stale" bash -c "'$P' policy list --json | grep -q '\"stale\": *true'"
/tmp/pmg-tool /proc/$V/environ >/dev/null
pmg_monitor_stop
kill "$V"
expect "$ev" "denial by the added rule reported" kind=environ caller.comm=cat \
	target.pid="$V" action=deny rule=deny-cat-environ severity=critical result=-13
expect "$ev" "tool allowed by identity before the upgrade" kind=maps \
	caller.exe=/tmp/pmg-tool target.pid="$V" action=allow rule=tool
expect_none "$ev" "the upgraded tool is not allowed by the old identity" \
	kind=environ target.pid="$V" caller.comm=pmg-tool action=allow
rm -f /tmp/pmg-tool
finish
