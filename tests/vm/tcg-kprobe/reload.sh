#!/bin/bash
# Load and unload a module with only pmguard's probe points (empty
# handlers) RELOAD_CYCLES times while 4 processes open another process's
# maps, environ, mem and smaps_rollup in a loop, without pausing them:
# if the guest crashes here, the crash seen under TCG at insmod/rmmod
# (docs/stress.md) needs no pmguard code.
#   tests/vm/run --kernel 6.12-rt --module-src tests/vm/tcg-kprobe/src \
#       --scenarios-dir tests/vm/tcg-kprobe --no-kunit
# Fewer cycles: PMGUARD_APPEND=pmguard_reload_cycles=N (the kernel command
# line; the guest's environment is clean).  Single-threaded TCG (one host
# thread runs every vCPU in turn): PMGUARD_ACCEL=tcg-single.
# timeout: 1800
set -u
CYCLES=300
read -r -a cmdline </proc/cmdline
for w in "${cmdline[@]}"; do
	case $w in pmguard_reload_cycles=[0-9]*) CYCLES=${w#*=} ;; esac
done
echo "$CYCLES cycles on $(uname -r), $(nproc) CPUs"
sleep 600 &
V=$!
pids=()
for f in maps environ mem smaps_rollup; do
	/usr/bin/python3 -c '
import sys
p = sys.argv[1]
while True:
    try:
        open(p, "rb").close()
    except OSError:
        pass' "/proc/$V/$f" &
	pids+=($!)
done
sleep 2
for i in $(seq 1 "$CYCLES"); do
	insmod "$PMGUARD_KO" || { echo "FAIL: insmod (cycle $i)"; exit 1; }
	sleep 0.2
	rmmod pmguard || { echo "FAIL: rmmod (cycle $i)"; exit 1; }
	[ $((i % 25)) = 0 ] && echo "cycle $i"
done
kill "${pids[@]}" "$V"
echo "ok: $CYCLES cycles"
