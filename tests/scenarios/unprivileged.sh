#!/bin/bash
# kernels: 6.1 6.12
# Only CAP_NET_ADMIN in the initial user namespace hears events: not an
# unprivileged user, not root inside a user namespace (with or without its
# own network namespace).  Checked with the reader and with a raw socket,
# so the kernel is what refuses.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

JOIN="$PMGUARD_REPO/tests/scenarios/genl_join.py"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

pmg_load
ev="$PMGUARD_OUT/root.jsonl"
pmg_monitor "$ev"

rc=0; as_nobody timeout 20 "$PMGUARD_BIN" monitor --json >"$PMGUARD_OUT/nobody.jsonl" 2>"$PMGUARD_OUT/nobody.err" || rc=$?
check "reader as nobody: permission denied (exit 4, got $rc)" test "$rc" = 4
check "reader as nobody: clear message" grep -q "CAP_NET_ADMIN" "$PMGUARD_OUT/nobody.err"
rc=0; unshare -Ur timeout 20 "$PMGUARD_BIN" monitor --json >"$PMGUARD_OUT/userns.jsonl" 2>&1 || rc=$?
check "reader as root in a user namespace: denied (exit 4, got $rc)" test "$rc" = 4
rc=0; unshare -Urn timeout 20 "$PMGUARD_BIN" monitor --json >"$PMGUARD_OUT/netns.jsonl" 2>&1 || rc=$?
check "reader in a user+net namespace: family not visible (exit 3, got $rc)" test "$rc" = 3
rc=0; as_nobody "$PY" "$JOIN" >"$PMGUARD_OUT/raw-nobody.txt" 2>&1 || rc=$?
check "raw join as nobody refused by the kernel (got $rc)" test "$rc" = 1
rc=0; unshare -Ur "$PY" "$JOIN" >"$PMGUARD_OUT/raw-userns.txt" 2>&1 || rc=$?
check "raw join as userns root refused by the kernel (got $rc)" test "$rc" = 1
rc=0; as_nobody "$PMGUARD_BIN" stats >/dev/null 2>&1 || rc=$?
check "stats as nobody: permission denied (exit 4, got $rc)" test "$rc" = 4
check "stats as root works" "$PMGUARD_BIN" stats

# Events do flow meanwhile, to root only.
"$PY" "$JOIN" --listen 5 >"$PMGUARD_OUT/raw-root.txt" &
RAW=$!
sleep 2
sleep 600 &
V=$!
cat /proc/$V/environ /proc/$V/maps >/dev/null
wait "$RAW"
pmg_monitor_stop
kill "$V"
check "raw root subscriber received events" grep -q "^seq " "$PMGUARD_OUT/raw-root.txt"
expect "$ev" "root reader received the events" kind=environ target.pid="$V"
check "nobody's output is empty" test ! -s "$PMGUARD_OUT/nobody.jsonl"
check "userns output has no event" bash -c "! grep -q '\"type\":\"access\"' '$PMGUARD_OUT/userns.jsonl' '$PMGUARD_OUT/netns.jsonl'"
finish
