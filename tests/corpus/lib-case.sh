# shellcheck shell=bash
# Helpers for corpus cases (tests/corpus/cases/*.sh).  A case runs as root
# in the guest, in its own loginuid (so the recorder and pmguard's events
# name it), with CASE_WORK a private writable directory, and PMGUARD_BIN,
# PMGUARD_REPO set.  It prints what it did; it exits non-zero only if the
# access itself did not work (then the row says "case error": a detector
# that stays silent about an attack that failed proves nothing).
set -u
PY=/usr/bin/python3
PYEXE=$(readlink -f "$PY")
BIN=$CASE_WORK/bin
mkdir -p "$BIN"
CASE_FAILS=0

say() { printf '%s\n' "$*"; }
bad() { printf 'FAIL: %s\n' "$*"; CASE_FAILS=$((CASE_FAILS + 1)); }
ok() { if "$@"; then say "ok: $*"; else bad "$*"; fi; }

# wait_for COND...: poll up to 60 s (TCG is slow to start python).
wait_for() {
	local end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

# named COPY_OF NAME: a copy of an executable under another name, so its
# executable's base name (and comm) is NAME.  Prints the path.
named() {
	cp "$1" "$BIN/$2"
	printf '%s\n' "$BIN/$2"
}

# py_victim EXE SECRET [THREADS]: a python process (EXE: python or a copy)
# holding SECRET in its heap and in its environment, with THREADS extra
# threads.  Sets VICTIM.  Waits until it is ready.
py_victim() {
	local exe=$1 secret=$2 threads=${3:-0}
	CORPUS_SECRET="$secret" "$exe" -c '
import os, sys, threading, time
secret = "".join(["The password is ", os.environ["CORPUS_SECRET"]])
held = [secret.encode() * 4]
for _ in range(int(sys.argv[1])):
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
open(sys.argv[2], "w").close()
time.sleep(600)' "$threads" "$CASE_WORK/ready.$$.$RANDOM" &
	VICTIM=$!
	wait_for tasks_more_than "$VICTIM" "$threads" ||
		{ bad "victim $exe did not start"; return 1; }
	# let it reach its sleep (the marker file) so the secret is in memory
	wait_for bash -c "ls '$CASE_WORK'/ready.* >/dev/null 2>&1" || true
	rm -f "$CASE_WORK"/ready.*
}

# tasks_more_than PID N: PID has more than N threads.
tasks_more_than() {
	local t=(/proc/"$1"/task/*)
	[ -e "${t[0]}" ] && [ "${#t[@]}" -gt "$2" ]
}

# other_thread PID: a thread id of PID other than PID.
other_thread() {
	local t
	for t in /proc/"$1"/task/*; do
		t=${t##*/}
		[ "$t" = "$1" ] || { printf '%s\n' "$t"; return 0; }
	done
	return 1
}

case_done() {
	if [ "$CASE_FAILS" -ne 0 ]; then
		say "$CASE_FAILS case check(s) failed"
		exit 1
	fi
	exit 0
}

# The attack and benign tools of the non-procfs routes (process_vm_readv/
# writev, ptrace): tests/scenarios/memroutes.py (see its usage).
MR=$PMGUARD_REPO/tests/scenarios/memroutes.py
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

# mr_holder EXE SECRET: EXE (python or a copy, e.g. named sshd) runs
# memroutes.py holder: SECRET in its memory, its address written out.
# Sets HOLDER (pid) and ADDR (hex).  Waits until it is ready.
mr_holder() {
	local f=$CASE_WORK/addr.$RANDOM
	"$1" "$MR" holder "$2" "$f" &
	HOLDER=$!
	wait_for test -s "$f" || { bad "holder $1 did not start"; return 1; }
	ADDR=$(cat "$f")
}

# traced PID: PID has a tracer.
traced() {
	local k v
	while read -r k v; do
		[ "$k" = TracerPid: ] && { [ "$v" != 0 ]; return; }
	done <"/proc/$1/status"
	return 1
}
