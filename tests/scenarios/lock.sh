#!/bin/bash
# kernels: 6.1 6.12-rt debug
# The lock: after 'pmguard lock --yes' policy and mode are frozen and the
# module cannot be unloaded until reboot, but by a forced unload, which is
# logged; /sys/module/pmguard/parameters show the live mode and lock.  The
# module may stay loaded, so the VM runner runs this scenario last.
# pmguard-vm: last, keeps-module, forced-rmmod
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P="$PMGUARD_BIN"
PARAMS=/sys/module/pmguard/parameters
pmg_load
# The parameters show the live mode and lock, not the load-time values.
check "mode parameter says audit" test "$(cat $PARAMS/mode)" = audit
"$P" mode enforce >/dev/null
check "mode parameter follows 'pmguard mode enforce'" test "$(cat $PARAMS/mode)" = enforce
"$P" mode audit >/dev/null
check "lock parameter says N before the lock" test "$(cat $PARAMS/lock)" = N
rc=0; "$P" lock 2>/dev/null || rc=$?
check "lock without --yes refuses (exit $rc)" test "$rc" = 2
check "lock --yes" "$P" lock --yes
check "config says locked" bash -c "'$P' config --json | grep -q '\"locked\": *true'"
rc=0; "$P" policy flush 2>"$PMGUARD_OUT/flush.err" || rc=$?
check "flush refused when locked (exit $rc)" test "$rc" != 0
check "... with the kernel's reason" grep -qi "locked" "$PMGUARD_OUT/flush.err"
rc=0; "$P" mode enforce 2>/dev/null || rc=$?
check "mode change refused when locked (exit $rc)" test "$rc" != 0
rc=0; "$P" policy load --skip-missing "$PMGUARD_REPO/userland/policy.conf" 2>/dev/null || rc=$?
check "policy load refused when locked (exit $rc)" test "$rc" != 0
check "lock parameter says Y" test "$(cat $PARAMS/lock)" = Y
check "rmmod refused when locked" bash -c "! rmmod pmguard 2>/dev/null"
check "module still loaded" grep -q '^pmguard ' /proc/modules
# A forced unload (CONFIG_MODULE_FORCE_UNLOAD: Debian 6.1) cannot be
# refused, only logged (kernel.modules_disabled=1 would refuse it).
if rmmod -f pmguard 2>/dev/null; then
	check "a forced unload of the locked module is logged" \
		bash -c "dmesg | grep -q 'pmguard: forced unload of a locked pmguard'"
else
	check "no forced unload here: module still loaded" grep -q '^pmguard ' /proc/modules
fi
[ "$FAILS" -eq 0 ] || { log "$FAILS check(s) failed"; exit 1; }
exit 0	# not finish(): it would try to unload
