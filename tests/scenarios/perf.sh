#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug
# timeout: 240
# perf samples of user memory (issue 21).  A cpu-clock perf event with
# PERF_SAMPLE_STACK_USER (what perf record --call-graph dwarf opens) copies
# 8 KiB of its target's user stack into the sampler's ring buffer at every
# sample; root opens one on any process without a ptrace question.  Shown
# to work in audit mode on a busy credential holder (a process named
# sshd), and reported (perf_sample, high, would_deny); refused in enforce
# mode.  One that samples every process on a CPU (perf record -a) reaches
# credential holders too: the same.  Benign twins, quiet and working in
# both modes: sampling an ordinary busy process, and a perf event that
# samples no user data (perf stat, perf record without a dwarf call graph).
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

R="$PMGUARD_REPO/tests/scenarios/memroutes.py"
work=$(mktemp -d /tmp/perf.XXXXXX)
chmod 755 "$work"
cp "$(readlink -f "$PY")" "$work/sshd"
busy='while True: pass'
"$work/sshd" -c "$busy" &
SSHD=$!
"$PY" -c "$busy" &
PLAIN=$!

# plain_counter PID: a counting event, no samples (perf stat -p PID).
plain_counter() {
	"$PY" - "$1" <<'PYEOF'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
attr = bytearray(112)
struct.pack_into("IIQQQQQ", attr, 0, 1, 112, 0, 0, 0, 0, (1 << 5) | (1 << 6))
fd = libc.syscall(298, ctypes.create_string_buffer(bytes(attr), 112), int(sys.argv[1]), -1, -1, 0)
if fd < 0:
    sys.exit(f"perf_event_open: {os.strerror(ctypes.get_errno())}")
PYEOF
}

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
check "shipped policy loads" "$PMGUARD_BIN" policy load --skip-missing "$PMGUARD_REPO/userland/policy.conf"
pmg_monitor "$ev"
out=$("$PY" "$R" perf "$SSHD" 3)
log "audit, sshd: $out"
check "audit: perf samples sshd's user stack ($out)" \
	test "$(echo "$out" | sed -n 's/.*stack_bytes=\([0-9]*\).*/\1/p')" -gt 0
out=$("$PY" "$R" perf "$PLAIN" 2)
check "audit: perf samples an ordinary process's user stack ($out)" \
	test "$(echo "$out" | sed -n 's/.*stack_bytes=\([0-9]*\).*/\1/p')" -gt 0
out=$("$PY" "$R" perf wide 2)
check "audit: perf samples every process on CPU 0 ($out)" \
	test "$(echo "$out" | sed -n 's/.*samples=\([0-9]*\).*/\1/p')" -gt 0
check "audit: a counting perf event on sshd works" plain_counter "$SSHD"

"$PMGUARD_BIN" mode enforce || fail "pmguard mode enforce"
rc=0; "$PY" "$R" perf "$SSHD" 1 >/dev/null 2>"$work/e.err" || rc=$?
check "enforce: perf_event_open sampling sshd's stack is refused (exit $rc: $(cat "$work/e.err"))" \
	test "$rc" = 2
rc=0; "$PY" "$R" perf wide 1 >/dev/null 2>"$work/w.err" || rc=$?
check "enforce: a CPU-wide user-stack sampler is refused (exit $rc)" test "$rc" = 2
out=$("$PY" "$R" perf "$PLAIN" 2)
check "enforce: perf still samples an ordinary process ($out)" \
	test "$(echo "$out" | sed -n 's/.*stack_bytes=\([0-9]*\).*/\1/p')" -gt 0
check "enforce: a counting perf event on sshd still works" plain_counter "$SSHD"
"$PMGUARD_BIN" mode audit
pmg_monitor_stop

expect "$ev" "audit: sampling sshd is perf_sample, high, would_deny" kind=perf_sample \
	target.pid="$SSHD" rule=sensitive-memory severity=high action=alert \
	flags@would_deny flags@target_sensitive result=0
expect "$ev" "audit: a CPU-wide sampler is perf_sample of pid 0, would_deny" \
	kind=perf_sample target.pid=0 rule=sensitive-memory flags@would_deny
expect "$ev" "enforce: sampling sshd denied" kind=perf_sample target.pid="$SSHD" \
	action=deny result=-1
expect "$ev" "an ordinary process sampled: perf-sample, allowed, info" kind=perf_sample \
	target.pid="$PLAIN" rule=perf-sample action=allow severity=info --min 2
expect_none "$ev" "an ordinary process sampled is never more than info" \
	kind=perf_sample target.pid="$PLAIN" severity!=info
# The two samplers of sshd (audit, enforce); its two counting events are none.
expect_queue "a counting event is no perf_sample: 2 events for sshd" "$ev" \
	--min 2 --max 2 kind=perf_sample target.pid="$SSHD"
kill "$SSHD" "$PLAIN" 2>/dev/null
wait 2>/dev/null
rm -rf "$work"
finish
