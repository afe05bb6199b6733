#!/bin/bash
# kernels: 5.10 6.1 6.12 7.3
# Only CAP_NET_ADMIN in the initial user namespace hears events: not an
# unprivileged user, not root inside a user namespace (with or without its
# own network namespace).  Checked with the reader and with a raw socket,
# so the kernel is what refuses.  Nothing is sent to the "events" group
# (even root, joined to it, hears nothing), and when a subscriber closes
# its socket, an unprivileged socket that binds the same port id as soon
# as it is free does not inherit the stream.
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
check "raw subscribe as nobody refused by the kernel (got $rc)" test "$rc" = 1
rc=0; unshare -Ur "$PY" "$JOIN" >"$PMGUARD_OUT/raw-userns.txt" 2>&1 || rc=$?
check "raw subscribe as userns root refused by the kernel (got $rc)" test "$rc" = 1
rc=0; as_nobody "$PMGUARD_BIN" stats >/dev/null 2>&1 || rc=$?
check "stats as nobody: permission denied (exit 4, got $rc)" test "$rc" = 4
check "stats as root works" "$PMGUARD_BIN" stats

# Events do flow meanwhile, to root's subscribers only; root's socket
# that joined the "events" group gets nothing.
# listening: wait until FILE... all say which port they listen on
listening() {
	local f i
	for f in "$@"; do
		for i in $(seq 1 100); do grep -q '^port' "$f" && break; sleep 0.1; done
	done
}
"$PY" "$JOIN" --listen 60 >"$PMGUARD_OUT/raw-root.txt" &
RAW=$!
"$PY" "$JOIN" --join --listen 60 >"$PMGUARD_OUT/raw-group.txt" &
GROUP=$!
listening "$PMGUARD_OUT/raw-root.txt" "$PMGUARD_OUT/raw-group.txt"
sleep 600 &
V=$!
cat /proc/$V/environ /proc/$V/maps >/dev/null
for i in $(seq 1 50); do grep -q '^seq' "$PMGUARD_OUT/raw-root.txt" && break; sleep 0.1; done
sleep 1
kill "$RAW" "$GROUP"
wait "$RAW" "$GROUP" 2>/dev/null
check "raw root subscriber received events" grep -q "^seq " "$PMGUARD_OUT/raw-root.txt"
check "root's socket in the events group received nothing" \
	bash -c "grep -q '^joined' '$PMGUARD_OUT/raw-group.txt' && ! grep -q '^seq ' '$PMGUARD_OUT/raw-group.txt'"

# A subscriber closes its socket (it is killed once it has received an
# event); nobody binds its port id as soon as it is free and listens while
# events keep coming: until root's reader has received 5 more events of V
# (each one pmguard sent to every subscriber it knew of; folding makes
# that about 5 s), or 150 rounds.
"$PY" "$JOIN" --listen 60 >"$PMGUARD_OUT/raw-root2.txt" &
RAW=$!
listening "$PMGUARD_OUT/raw-root2.txt"
port=$(sed -n 's/^port //p' "$PMGUARD_OUT/raw-root2.txt")
stop=$(mktemp -u /tmp/rebind-stop.XXXXXX)
as_nobody "$PY" "$JOIN" --rebind "$port" 60 "$stop" >"$PMGUARD_OUT/rebind.txt" 2>&1 &
REBIND=$!
for i in $(seq 1 50); do
	cat /proc/$V/environ /proc/$V/maps >/dev/null
	grep -q '^seq' "$PMGUARD_OUT/raw-root2.txt" && break
	sleep 0.2
done
kill "$RAW"
wait "$RAW" 2>/dev/null
# Events keep coming from here on: with none until the rebind was bound,
# its bind failed with EADDRINUSE for 60 s (twice on 6.1, loaded host);
# with events flowing, as before, it binds.
v_events() { grep -c "\"pid\":$V[,}]" "$ev"; }
n0=
for i in $(seq 1 150); do
	cat /proc/$V/environ /proc/$V/maps >/dev/null
	if [ -z "$n0" ]; then
		grep -q '^bound' "$PMGUARD_OUT/rebind.txt" && n0=$(v_events)
	elif [ "$(v_events)" -ge $((n0 + 5)) ]; then
		break
	fi
	sleep 0.2
done
n0=${n0:-$(v_events)}
n1=$(v_events)
touch "$stop"
wait "$REBIND"
rm -f "$stop"
log "rebind: $(tr '\n' ' ' <"$PMGUARD_OUT/rebind.txt"); root's reader got $((n1 - n0)) events of V meanwhile"
check "the closed subscriber had received events" grep -q "^seq " "$PMGUARD_OUT/raw-root2.txt"
check "nobody bound the closed subscriber's port id" grep -q "^bound" "$PMGUARD_OUT/rebind.txt"
check "events were sent while nobody's socket held the port id ($((n1 - n0)) to root's reader)" test $((n1 - n0)) -ge 1
check "and received nothing of pmguard's" bash -c "! grep -q '^LEAK' '$PMGUARD_OUT/rebind.txt'"

pmg_monitor_stop
kill "$V"
expect "$ev" "root reader received the events" kind=environ target.pid="$V"
check "nobody's output is empty" test ! -s "$PMGUARD_OUT/nobody.jsonl"
check "userns output has no event" bash -c "! grep -q '\"type\":\"access\"' '$PMGUARD_OUT/userns.jsonl' '$PMGUARD_OUT/netns.jsonl'"
finish
