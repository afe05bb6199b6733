# shellcheck shell=bash
# Helpers for VM scenarios.  Sourced by tests/scenarios/*.sh inside the
# guest, as root, with PMGUARD_KO, PMGUARD_BIN, PMGUARD_REPO, PMGUARD_OUT
# and PMGUARD_KERNEL set by the VM runner (tests/vm/run).
set -u

EVENTS="$PMGUARD_REPO/tests/scenarios/events.py"
PY=/usr/bin/python3
FAILS=0
MONITOR_PID=
SYNC_PID=

log() { printf '%s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; FAILS=$((FAILS + 1)); }
pass() { printf 'ok: %s\n' "$*"; }

# check DESCRIPTION COMMAND...: run a check, count a failure if it fails.
check() {
	local what=$1; shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

pmg_load() {
	rmmod pmguard 2>/dev/null
	insmod "$PMGUARD_KO" "$@" || { fail "insmod $*"; finish; }
}

pmg_unload() {
	rmmod pmguard || fail "rmmod pmguard"
}

# pmg_monitor FILE [ARGS]: start 'pmguard monitor --json' writing to FILE
# and wait until it is subscribed (a sync event shows up in FILE).
pmg_monitor() {
	local out=$1; shift
	"$PMGUARD_BIN" monitor --json "$@" >"$out" 2>"$out.err" &
	MONITOR_PID=$!
	sleep 1000 &
	SYNC_PID=$!
	local i
	for i in $(seq 1 100); do
		cat "/proc/$SYNC_PID/maps" >/dev/null
		if grep -q "\"pid\":$SYNC_PID[,}]" "$out" 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	fail "monitor did not report a sync event (stderr: $(cat "$out.err"))"
	finish
}

# pmg_monitor_stop: SIGTERM, wait, and check it exited 0.
pmg_monitor_stop() {
	[ -n "$MONITOR_PID" ] || return 0
	sleep 1	# let the worker deliver the last events
	kill -TERM "$MONITOR_PID"
	local rc=0
	wait "$MONITOR_PID" || rc=$?
	MONITOR_PID=
	# SYNC_PID stays set: checks exclude the sync events by it.
	[ -n "$SYNC_PID" ] && kill "$SYNC_PID" 2>/dev/null
	[ "$rc" = 0 ] || fail "monitor exited $rc"
}

# pmg_followed_reloads ERRFILE: the reader's stderr (ERRFILE) has no
# "cannot follow module reloads" warning: it joined nlctrl's notify group.
pmg_followed_reloads() {
	! grep -H 'cannot follow' "$1"
}

# pmg_accounting FILE: the counters in FILE ('pmguard stats --json') add
# up: allowed + alerted + denied = seen = reported + dropped.  Prints them.
pmg_accounting() {
	"$PY" - "$1" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
d = s["dropped"]
decided = s["allowed"] + s["alerted"] + s["denied"]
dropped = sum(d[k] for k in ("queue_full", "nomem", "no_listener", "send"))
ok = decided == s["reported"] + dropped and s["seen"] == decided
print(f"seen={s['seen']} decided={decided} reported={s['reported']} dropped={d} "
      f"folded={s.get('folded')} -> {'exact' if ok else 'NOT EXACT'}")
sys.exit(0 if ok else 1)
PYEOF
}

# pmg_stats_settled FILE [SECONDS]: write 'pmguard stats --json' to FILE
# once pmg_accounting holds, or after SECONDS (default 30) with the last
# reading.  Accesses still folded into an open burst window, or queued for
# the worker, are decided but not yet reported or dropped: the identity
# holds only once those drain, and a busy emulator can lag the window by
# seconds.  Returns 0 when it holds.
pmg_stats_settled() {
	local file=$1 secs=${2:-30} i
	for i in $(seq 1 $((secs * 2))); do
		"$PMGUARD_BIN" stats --json >"$file" || return 1
		pmg_accounting "$file" >/dev/null && return 0
		sleep 0.5
	done
	return 1
}

# pmg_sample_reader PID SECONDS [FILE]: every SECONDS, where the reader PID
# is (state, wchan, syscall, CPU ticks; lines written to FILE if given) and
# the generic netlink sockets' queues (Rmem) and drops (/proc/net/netlink).
# Runs until killed; meant for the background.
pmg_sample_reader() {
	while :; do
		echo "== $(date +%s) reader $1: state $(awk '{ print $3 }' "/proc/$1/stat")" \
			"wchan $(cat "/proc/$1/wchan") syscall $(cut -d' ' -f1 "/proc/$1/syscall")" \
			"cpu(utime+stime) $(awk '{ print $14 + $15 }' "/proc/$1/stat")" \
			"${3:+lines $(wc -l <"$3")}"
		awk 'NR == 1 || $2 == 16' /proc/net/netlink
		sleep "$2"
	done
}

# expect FILE DESCRIPTION FIELD=VALUE...: at least one access event matches.
# The checks are queued and run together by expect_flush (finish calls it):
# one python start for all of them, since each start costs about a second
# under TCG.  FILE must keep its contents until then.
expect() {
	local file=$1 what=$2; shift 2
	expect_queue "$what" "$file" --min 1 "$@"
}

# expect_none FILE DESCRIPTION FIELD=VALUE...: no access event matches.
expect_none() {
	local file=$1 what=$2; shift 2
	expect_queue "$what" "$file" --max 0 "$@"
}

EXPECT_QUEUE=
expect_queue() {
	[ -n "$EXPECT_QUEUE" ] || EXPECT_QUEUE=$(mktemp /tmp/pmg-expect.XXXXXX)
	printf '%s\x1f' "$@" >>"$EXPECT_QUEUE"
	printf '\n' >>"$EXPECT_QUEUE"
}

# expect_flush: run the queued checks; each prints ok:/FAIL: as check does.
expect_flush() {
	[ -n "$EXPECT_QUEUE" ] || return 0
	local rc=0
	"$PY" "$EVENTS" --batch "$EXPECT_QUEUE" || rc=$?
	FAILS=$((FAILS + rc))
	rm -f "$EXPECT_QUEUE"
	EXPECT_QUEUE=
}

finish() {
	expect_flush
	[ -n "$MONITOR_PID" ] && kill "$MONITOR_PID" 2>/dev/null
	[ -n "$SYNC_PID" ] && kill "$SYNC_PID" 2>/dev/null
	rmmod pmguard 2>/dev/null
	if [ "$FAILS" -ne 0 ]; then
		log "$FAILS check(s) failed"
		exit 1
	fi
	exit 0
}
