#!/bin/bash
# kernels: 6.1 7.3
# timeout: 240
# 'pmguard status' against the real module (issue 20): not loaded (exit 3),
# degraded without a subscriber (exit 1), healthy with one (exit 0), a
# stale rule and a policy that differs from the file, no permission as
# nobody (exit 4), --since counting from the previous check, and the JSON
# parsing.  Also 'policy save' over an existing file: left alone when it
# holds the running policy, refused without --force, kept as FILE.bak with.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P="$PMGUARD_BIN"
O="$PMGUARD_OUT"
D=$(mktemp -d /tmp/pmg-status.XXXXXX)
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$PMGUARD_REPO/dkms.conf")

# status ARGS...: run 'pmguard status ARGS', output in $O/st.out, exit in RC.
status() {
	RC=0
	"$P" status "$@" >"$O/st.out" 2>"$O/st.err" || RC=$?
	sed 's/^/    /' "$O/st.out"
}

# jq_check EXPR: a python expression over the JSON object j in $O/st.out.
jq_check() {
	"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ('"$1"') else 1)' "$O/st.out"
}

rmmod pmguard 2>/dev/null
status
check "not loaded: exit 3 (got $RC)" test "$RC" = 3
check "not loaded: said on the first line" grep -q '^status: *not_loaded: module not loaded' "$O/st.out"
status --json
check "not loaded --json: exit 3" test "$RC" = 3
check "not loaded --json: parses, state not_loaded" jq_check 'j["state"] == "not_loaded" and j["loaded"] is False and j["degraded"] == ["module not loaded"]'

pmg_load
cp "$PMGUARD_REPO/userland/policy.conf" "$D/policy.conf"
check "policy load" "$P" policy load --skip-missing "$D/policy.conf"

status --json --policy "$D/policy.conf" --since "$D/since.json"
check "no subscriber: exit 1 (got $RC)" test "$RC" = 1
check "no subscriber: the reason" jq_check 'any(r.startswith("no subscriber") for r in j["degraded"])'
check "loaded, versions $VERSION and no mismatch" jq_check 'j["loaded"] and j["module_version"] == "'"$VERSION"'" and j["reader_version"] == "'"$VERSION"'" and not j["version_mismatch"]'
check "policy matches the file loaded" jq_check 'j["policy"]["state"] == "matches" and j["policy"]["rules_differ"] == 0'
check "fields: mode, probes, probed, dropped, subscribers 0" jq_check 'j["mode"] == "audit" and j["probes"] > 0 and all(j["probed"].values()) and "no_listener" in j["dropped"] and j["subscribers"] == 0 and j["stale_rules"] == []'
check "--since wrote the baseline" test -s "$D/since.json"

pmg_monitor "$O/events.jsonl"
status --policy "$D/policy.conf" --since "$D/since.json"
check "with a subscriber: exit 0 (got $RC)" test "$RC" = 0
check "with a subscriber: healthy" grep -q '^status: *healthy$' "$O/st.out"
check "... since the previous check" grep -q '^missed: .*since ' "$O/st.out"
check "... policy line" grep -q "^policy: *matches $D/policy.conf" "$O/st.out"

# A rule whose executable is replaced: stale, and the running policy is no
# longer the file's.
cp /usr/bin/true "$D/tool"
check "policy add" "$P" policy add rule stale-test action=allow caller_exe="$D/tool"
cp /usr/bin/true "$D/tool.new" && mv "$D/tool.new" "$D/tool"
status --json --policy "$D/policy.conf"
check "stale: exit 1 (got $RC)" test "$RC" = 1
check "stale: named" jq_check 'j["stale_rules"] == ["stale-test"] and any("stale-test" in r for r in j["degraded"])'
check "policy differs by 1 rule" jq_check 'j["policy"]["state"] == "differs" and j["policy"]["rules_differ"] == 1'
status --policy "$D/missing.conf"
check "missing policy file: exit 1, said" bash -c "test $RC = 1 && grep -q '$D/missing.conf is missing' '$O/st.out'"
printf 'rule x action=maybe\n' >"$D/bad.conf"
status --policy "$D/bad.conf"
check "unparseable policy file: exit 1, said" bash -c "test $RC = 1 && grep -q 'does not parse: line 1' '$O/st.out'"
status --bogus
check "usage error: exit 2 and the synopsis" bash -c "test $RC = 2 && grep -q '^Usage: pmguard status' '$O/st.err'"

RC=0
setpriv --reuid=nobody --regid=nogroup --clear-groups "$P" status >"$O/st.out" 2>&1 || RC=$?
sed 's/^/    /' "$O/st.out"
check "as nobody: exit 4 (got $RC)" test "$RC" = 4
check "as nobody: CAP_NET_ADMIN is named" grep -q CAP_NET_ADMIN "$O/st.out"

# policy save over an existing, commented file.
check "policy del stale-test" "$P" policy del stale-test
printf '# the admin'"'"'s comment\n' >"$D/saved.conf"
"$P" policy save >>"$D/saved.conf"
cp "$D/saved.conf" "$D/saved.orig"
RC=0; "$P" policy save "$D/saved.conf" >"$O/save.out" 2>&1 || RC=$?
check "save over the same policy: exit 0 (got $RC), left as it is" bash -c "test $RC = 0 && cmp -s '$D/saved.conf' '$D/saved.orig' && grep -q 'left as it is' '$O/save.out'"
check "policy del allow:gdb" "$P" policy del allow:gdb
RC=0; "$P" policy save "$D/saved.conf" >"$O/save.out" 2>&1 || RC=$?
cat "$O/save.out"
check "save over another policy: refused, exit 2 (got $RC)" test "$RC" = 2
check "... the file untouched" cmp -s "$D/saved.conf" "$D/saved.orig"
check "... the message names --force" grep -q -- '--force' "$O/save.out"
RC=0; "$P" policy save --force "$D/saved.conf" >"$O/save.out" 2>&1 || RC=$?
check "save --force: exit 0 (got $RC)" test "$RC" = 0
check "... the old file kept as .bak" cmp -s "$D/saved.conf.bak" "$D/saved.orig"
check "... the new file has no allow:gdb" bash -c "! grep -q 'allow:gdb' '$D/saved.conf'"
check "... and loads" "$P" policy check "$D/saved.conf"

pmg_monitor_stop
rm -rf "$D"
finish
