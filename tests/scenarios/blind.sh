#!/bin/bash
# kernels: 5.10 6.1 6.12-rt 7.3 debug
# Blinding: root disarms every kprobe with debugfs (kprobes/enabled = 0).
# pmguard cannot stop that, but it must notice: at the disarm (so a blink,
# disarmed and re-armed within a second, is seen too), the stats
# say blind, the kernel log says so, and subscribers get a critical guard
# record; once the probes are armed again, an info record says so.
# Also ftrace off (kernel.ftrace_enabled = 0, which silences kprobes on
# ftrace): either pmguard still sees an access, or it says it is blind.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

KP=/sys/kernel/debug/kprobes/enabled
[ -w "$KP" ] || { fail "no $KP (debugfs not mounted?)"; finish; }
stat_of() {	# stat_of NAME: one counter of 'pmguard stats --json'
	"$PMGUARD_BIN" stats --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1]))' "$1"
}
wait_stat() {	# wait_stat NAME VALUE: poll up to 15 s
	local i
	for i in $(seq 1 30); do
		[ "$(stat_of "$1")" = "$2" ] && return 0
		sleep 0.5
	done
	return 1
}
sleep 600 &
V=$!

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"
check "not blind after load" test "$(stat_of blind)" = 0
echo 0 >"$KP"
check "blind within seconds of kprobes/enabled = 0" wait_stat blind 1
check "blinded counted once" test "$(stat_of blinded)" = 1
cat /proc/$V/maps >/dev/null	# unseen: that is what blind means
echo 1 >"$KP"
check "seeing again once kprobes are armed" wait_stat blind 0
check "kernel log names it" bash -c "dmesg | grep -qE 'pmguard: kprobes are (being )?disarmed'"

# A blink: disarmed and armed again well within the canary's second.  The
# disarm is seen as it is asked for.
b0=$(stat_of blinded)
echo 0 >"$KP"
echo 1 >"$KP"
sleep 2
check "a blink is seen (blinded $b0 -> $(stat_of blinded))" test "$(stat_of blinded)" -gt "$b0"
check "seeing again after the blink" wait_stat blind 0

# ftrace off: the probes either keep firing or pmguard says it is blind.
ft=/proc/sys/kernel/ftrace_enabled
if [ -w "$ft" ]; then
	echo 0 >"$ft"
	sleep 3
	before=$(stat_of seen)
	cat /proc/$V/maps >/dev/null
	sleep 1
	after=$(stat_of seen)
	blind=$(stat_of blind)
	echo 1 >"$ft"
	log "ftrace off: seen $before -> $after, blind=$blind"
	check "with ftrace off, pmguard sees the access or says it is blind" \
		test "$after" -gt "$before" -o "$blind" = 1
	wait_stat blind 0 || true
fi
sleep 1
pmg_monitor_stop

# With nobody subscribed, the guard records are lost, and counted.
drop_of() {	# drop_of NAME: one drop counter of 'pmguard stats --json'
	"$PMGUARD_BIN" stats --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["dropped"][sys.argv[1]])' "$1"
}
lost=$(drop_of guard)
echo 0 >"$KP"
wait_stat blind 1 || fail "not blind again"
echo 1 >"$KP"
wait_stat blind 0 || fail "not seeing again"
check "guard records nobody received are counted ($lost -> $(drop_of guard))" \
	test "$(drop_of guard)" -ge $((lost + 2))

expect_queue "critical guard record: blind" "$ev" --type guard --min 1 \
	state=blind severity=critical
expect_queue "info guard record: seeing again" "$ev" --type guard --min 1 \
	state=seeing severity=info
kill "$V"
finish
