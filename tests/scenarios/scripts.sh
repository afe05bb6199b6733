#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug
# Scripts have an identity of their own (caller_script=): a rule naming a
# script matches that script run by its "#!" line, by the script file's
# identity, and nothing else the interpreter runs: not the interpreter
# started by hand on it, not another script of the same name (a spoof,
# raised to high), not what the script execs next, not a process that
# inherits a note left by an exec that failed.  The shipped policy's
# script rules load; the rule lists and saves back with its field.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P="$PMGUARD_BIN"
work=$(mktemp -d /tmp/scripts.XXXXXX)
sleep 600 &
V=$!
# tool: reads maps and environ of $1; with "exec", execs a python that does
# the same; with "badexec", first tries to exec $work/bad (its interpreter
# does not exist) and then execs that python.
cat >"$work/tool" <<'PYEOF'
#!/usr/bin/python3
import os, sys
pid = sys.argv[1]
if len(sys.argv) > 2:
    if sys.argv[2] == "badexec":
        try:
            os.execv(sys.argv[3], [sys.argv[3]])
        except OSError:
            pass
    code = "import sys\nfor f in ('maps', 'environ'):\n    open('/proc/%s/%s' % (sys.argv[1], f), 'rb').read()\n"
    os.execv("/usr/bin/python3", ["python3", "-c", code, pid])
for f in ("maps", "environ"):
    with open("/proc/%s/%s" % (pid, f), "rb") as fh:
        fh.read()
PYEOF
chmod 755 "$work/tool"
mkdir "$work/other"
cp "$work/tool" "$work/other/tool"	# the same text, another file
printf '#!/nonexistent/interpreter\n' >"$work/bad"
chmod 755 "$work/bad"

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
check "shipped policy with script rules loads" \
	"$P" policy load --skip-missing "$PMGUARD_REPO/userland/policy.conf"
check "script rule added" "$P" policy add --index 0 rule script:tool action=allow \
	severity=info caller_script="$work/tool" kinds=maps,environ
check "failed-exec script rule added" "$P" policy add --index 0 rule script:bad \
	action=allow severity=info caller_script="$work/bad" kinds=maps,environ
"$P" policy list >"$PMGUARD_OUT/list.txt" 2>&1
check "policy list shows caller_script" grep -q "caller_script=$work/tool" "$PMGUARD_OUT/list.txt"
"$P" policy list --json >"$PMGUARD_OUT/list.json"
check "policy list --json gives the script's identity" "$PY" -c "
import json, os, sys
r = [x for x in json.load(open(sys.argv[1])) if x['name'] == 'script:tool'][0]
st = os.stat(sys.argv[2])
sys.exit(not (r['caller_script'] == sys.argv[2] and r['caller_script_ino'] == st.st_ino
              and r['caller_script_dev'] == st.st_dev and not r['stale']))
" "$PMGUARD_OUT/list.json" "$work/tool"
"$P" policy save "$PMGUARD_OUT/saved.conf"
check "policy save writes caller_script back" grep -q "caller_script=$work/tool" "$PMGUARD_OUT/saved.conf"
check "saved policy loads back" "$P" policy load "$PMGUARD_OUT/saved.conf"

pmg_monitor "$ev"
check "the script runs by its #! line" "$work/tool" "$V"
check "python3 started by hand on the script" /usr/bin/python3 "$work/tool" "$V"
check "another script of the same name" "$work/other/tool" "$V"
check "the script execs another program" "$work/tool" "$V" exec
check "an exec of a named script fails, then another exec" "$work/tool" "$V" badexec "$work/bad"
check "the script runs again after all that" "$work/tool" "$V"
pmg_monitor_stop

expect "$ev" "the script is allowed by its rule" kind=maps target.pid="$V" \
	caller.comm=tool caller.exe~'python3' action=allow rule=script:tool --min 2
expect "$ev" "and its environ read too" kind=environ target.pid="$V" \
	caller.comm=tool action=allow rule=script:tool --min 2
expect "$ev" "python3 on the script by hand: not the script" kind=maps \
	target.pid="$V" caller.comm=python3 action=alert
expect "$ev" "the other script named tool: a spoof, raised to high" kind=maps \
	target.pid="$V" caller.comm=tool action=alert severity=high \
	flags@comm_spoofs_allowed
expect_none "$ev" "nothing but the script meets its rule" \
	caller.comm=python3 rule=script:tool
expect_none "$ev" "a failed exec's note is never taken" rule=script:bad
kill "$V"
rm -rf "$work"
finish
