#!/bin/bash
# kernels: 6.1 6.12-rt debug
# Forensics: read accounting (bytes read through a reported mem file match
# what dd says it read), the trace events pmguard:access and
# pmguard:mem_summary recorded through tracefs, and burst folding (many
# opens in a burst become few events whose counts add up exactly).
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

tracefs=/sys/kernel/tracing
[ -d "$tracefs/events" ] || mount -t tracefs tracefs "$tracefs" 2>/dev/null ||
	tracefs=/sys/kernel/debug/tracing

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"

sh -c 'echo "The password is T1003.007" && sleep 600' &
V=$!
# Until the shell has echoed and started sleep (its heap holds the
# password): a fixed 0.5 s was too short on a loaded host (no [heap] in
# its maps yet: dd read offset 0, EIO; process_vm_readv EFAULT).
for _ in $(seq 1 100); do pgrep -P "$V" >/dev/null && break; sleep 0.1; done
HEAP=$(grep heap /proc/$V/maps | cut -d' ' -f1)
[ -n "$HEAP" ] || fail "no heap in /proc/$V/maps"
START=$((0x${HEAP%-*}))

# Trace events, without the reader.
if [ -d "$tracefs/events/pmguard" ]; then
	echo >"$tracefs/trace"
	echo 1 >"$tracefs/events/pmguard/access/enable"
	echo 1 >"$tracefs/events/pmguard/mem_summary/enable"
else
	fail "no pmguard trace events in $tracefs/events"
fi

dd if=/proc/$V/mem of=/dev/null bs=4096 skip=$((START / 4096)) count=8 2>"$PMGUARD_OUT/dd.err"
bytes=$(sed -n 's/^\([0-9]*\) bytes.*/\1/p' "$PMGUARD_OUT/dd.err")
check "dd read 32768 bytes (dd says $bytes)" test "$bytes" = 32768
# process_vm_readv of the same heap: the event carries what it copied.
check "process_vm_readv of 64 bytes" "$PY" "$PMGUARD_REPO/tests/scenarios/memroutes.py" \
	vmread "$V" "$(printf %x "$START")"

if [ -d "$tracefs/events/pmguard" ]; then
	echo 0 >"$tracefs/events/pmguard/access/enable"
	echo 0 >"$tracefs/events/pmguard/mem_summary/enable"
	cat "$tracefs/trace" >"$PMGUARD_OUT/trace.txt"
	check "tracefs: pmguard:access for dd, with its sequence number" \
		grep -qE "access: seq=[1-9][0-9]* kind=mem .*action=alert .*comm=dd exe=dd target=$V/$V " "$PMGUARD_OUT/trace.txt"
	check "tracefs: pmguard:access for process_vm_readv when decided, no bytes yet" \
		grep -qE "access: seq=[1-9][0-9]* kind=vm_read .*target=$V/$V .* bytes=0$" "$PMGUARD_OUT/trace.txt"
	vmseq=$(sed -nE "s/.*access: seq=([1-9][0-9]*) kind=vm_read .*target=$V\/$V .*/\1/p" "$PMGUARD_OUT/trace.txt" | head -n1)
	check "tracefs: pmguard:mem_summary of process_vm_readv, joined by seq $vmseq, with the 64 bytes" \
		grep -qE "mem_summary: seq=$vmseq kind=vm_read caller=[0-9]+ comm=[^ ]+ target=$V comm=sh reads=1 bytes_read=64 " "$PMGUARD_OUT/trace.txt"
	check "tracefs: pmguard:mem_summary with dd's bytes" \
		grep -qE "mem_summary: seq=[0-9]+ kind=mem caller=[0-9]+ comm=dd target=$V comm=sh reads=8 bytes_read=32768 writes=0 bytes_written=0 range=0x$(printf %x "$START")-0x$(printf %x $((START + 32768)))" "$PMGUARD_OUT/trace.txt"
fi

# A burst: the same caller opens the same target's mem 200 times.  A 3 s
# window: on a slow, loaded emulator the burst may span a few windows,
# still far fewer events than opens.
"$PMGUARD_BIN" fold 3000 || fail "pmguard fold 3000"
"$PY" -c '
import sys
for _ in range(200):
    open("/proc/%s/mem" % sys.argv[1], "rb").close()' "$V"
"$PMGUARD_BIN" fold 1000
sleep 4	# let the folding window close
pmg_monitor_stop
kill "$V"

expect "$ev" "read accounting matches dd" --type mem_summary caller.comm=dd \
	target.pid="$V" bytes_read=32768 reads=8 first_offset="$START" \
	last_offset=$((START + 32768)) bytes_written=0
pyexe=$(readlink -f "$PY")
expect "$ev" "burst folded: fewer events, counts add up to 200" kind=mem \
	caller.exe="$pyexe" target.pid="$V" --max 20 --sum-count 200
expect_none "$ev" "no summary for the 200 files closed without a read" \
	--type mem_summary kind=mem caller.exe="$pyexe" target.pid="$V"
expect "$ev" "a folded event says so" kind=mem caller.exe="$pyexe" \
	target.pid="$V" flags@folded 'count~^([2-9]|[1-9][0-9]+)$' 'first_seq~^[0-9]+$'
finish
