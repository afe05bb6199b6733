#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug
# timeout: 300
# An unprivileged user joins every generic netlink multicast group id the
# kernel lets it join (ids that no family owns yet included) before
# pmguard is loaded, as it could at boot, around a DKMS upgrade or a
# reload: it must receive nothing of pmguard's, across a load, a reload
# (it joins every free id again once the module is gone), and an upgrade
# window (a second eavesdropper joins while the module is unloaded).
# Meanwhile root's reader, which follows the reloads, gets every access
# to a process named sshd.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

JOIN="$PMGUARD_REPO/tests/scenarios/genl_join.py"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
work=$(mktemp -d /tmp/eavesdrop.XXXXXX)
cp /usr/bin/sleep "$work/sshd"

# eavesdropper NAME: start one as nobody, wait until it has joined.
eavesdropper() {
	as_nobody "$PY" "$JOIN" --eavesdrop 600 >"$PMGUARD_OUT/$1.txt" 2>&1 &
	EAVESDROPPERS+=($!)
	local i
	for i in $(seq 1 100); do
		grep -q '^joined' "$PMGUARD_OUT/$1.txt" && return 0
		sleep 0.1
	done
	fail "eavesdropper $1 did not start: $(cat "$PMGUARD_OUT/$1.txt")"
}

# wait_loaded N: the reader has said N times that the module came back.
wait_loaded() {
	local i
	for i in $(seq 1 150); do
		[ "$(grep -c '"note":"module_loaded"' "$ev")" -ge "$1" ] && return 0
		sleep 0.2
	done
	fail "the reader did not subscribe again (load $1)"
}

# victim PHASE: a process named sshd whose environ and maps root reads.
victim() {
	"$work/sshd" 600 &
	local v=$!
	sleep 0.3
	cat "/proc/$v/environ" "/proc/$v/maps" >/dev/null
	echo "$v" >"$work/victim.$1"
	expect "$ev" "$1: root's reader got the environ read of sshd" \
		kind=environ target.pid="$v" severity=high
	expect "$ev" "$1: root's reader got the maps read of sshd" \
		kind=maps target.pid="$v"
}

EAVESDROPPERS=()
rmmod pmguard 2>/dev/null
eavesdropper before-load
ev="$PMGUARD_OUT/root.jsonl"

log "load"
pmg_load
pmg_monitor "$ev"
victim load

log "reload"
rmmod pmguard || fail "rmmod"
for i in $(seq 1 100); do
	grep -q '^rejoined' "$PMGUARD_OUT/before-load.txt" && break
	sleep 0.1
done
insmod "$PMGUARD_KO" || fail "insmod (reload)"
wait_loaded 1
victim reload

log "upgrade: unloaded, a second eavesdropper joins, a new module is loaded"
rmmod pmguard || fail "rmmod"
eavesdropper upgrade-window
cp "$PMGUARD_KO" "$work/pmguard-upgraded.ko"
insmod "$work/pmguard-upgraded.ko" || fail "insmod (upgrade)"
wait_loaded 3
victim upgrade
sleep 2
pmg_monitor_stop
kill "${EAVESDROPPERS[@]}"
sleep 0.5
cat "$PMGUARD_OUT/before-load.txt" "$PMGUARD_OUT/upgrade-window.txt"

check "the first eavesdropper was in pmguard's group id before each of the 3 loads" \
	test "$(grep -c '^family pmguard .* pre-joined yes' "$PMGUARD_OUT/before-load.txt")" = 3
check "the second eavesdropper had joined it before the upgrade" \
	grep -q '^family pmguard .* pre-joined yes' "$PMGUARD_OUT/upgrade-window.txt"
check "no eavesdropper received anything from pmguard" \
	bash -c "! grep -H '^LEAK' '$PMGUARD_OUT/before-load.txt' '$PMGUARD_OUT/upgrade-window.txt'"
check "the reader could follow module reloads" pmg_followed_reloads "$ev.err"
rm -rf "$work"
finish
