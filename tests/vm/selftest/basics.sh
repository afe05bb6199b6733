#!/bin/bash
# Harness self-test: the guest environment promised to scenarios.
# kernels: 6.1 6.12 6.12-rt debug
# timeout: 120
set -euo pipefail
echo "kernel $PMGUARD_KERNEL: $(uname -r), cwd $(pwd)"
[ "$(pwd)" = "$PMGUARD_REPO" ]
[ "$(id -u)" = 0 ]
for v in PMGUARD_KERNEL PMGUARD_KO PMGUARD_BIN PMGUARD_REPO PMGUARD_OUT; do
	[ -n "${!v}" ] || { echo "missing $v"; exit 1; }
done
[ -f "$PMGUARD_KO" ]
touch "$PMGUARD_OUT/written-by-guest"
for t in /usr/bin/python3 gdb dd grep ps top pgrep setpriv runuser unshare insmod rmmod dmesg timeout; do
	command -v "$t" >/dev/null || { echo "missing tool $t"; exit 1; }
done
/usr/bin/python3 -c 'import sys; print("python", sys.version.split()[0])'
setpriv --reuid=nobody --regid=nogroup --clear-groups id -u | grep -qx 65534
runuser -u nobody -- id -un | grep -qx nobody
unshare -Ur id -u | grep -qx 0
touch /tmp/x /root/x /var/tmp/x /dev/shm/x
! touch /usr/pmguard-readonly-probe 2>/dev/null
mountpoint -q /sys/kernel/debug
insmod "$PMGUARD_KO"
dmesg | tail -n 5 | grep -q 'pmguard: loaded'
rmmod pmguard
echo ok
