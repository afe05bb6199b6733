#!/bin/bash
# kernels: 5.10 6.1 6.12 7.3
# An attempt the kernel itself refuses inside the open path (Yama's ptrace
# check) is reported with the kernel's error.  Both processes run as the
# unprivileged user nobody, so file permissions let the open through to
# the ptrace check.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

scope=/proc/sys/kernel/yama/ptrace_scope
[ -w "$scope" ] || { log "no Yama on this kernel"; exit 77; }
old=$(cat "$scope")

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"
setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 600 &
VICTIM=$!
sleep 0.5
echo 2 >"$scope"	# only CAP_SYS_PTRACE may attach
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	dd if=/proc/$VICTIM/mem of=/dev/null bs=1 count=1 2>"$PMGUARD_OUT/dd.err"
echo "$old" >"$scope"
check "dd was refused by the kernel" grep -q "Permission denied" "$PMGUARD_OUT/dd.err"
# environ needs only PTRACE_MODE_READ, which Yama does not restrict: allowed.
setpriv --reuid=nobody --regid=nogroup --clear-groups cat /proc/$VICTIM/environ >/dev/null
pmg_monitor_stop
kill "$VICTIM"

expect "$ev" "refused mem open reported with -EACCES" kind=mem caller.comm=dd \
	caller.uid=65534 target.pid="$VICTIM" result=-13 result_name=EACCES
expect "$ev" "same-uid environ read reported at low severity" kind=environ \
	caller.uid=65534 target.pid="$VICTIM" result=0 severity=low \
	rule=own-uid flags@same_uid
finish
