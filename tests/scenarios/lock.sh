#!/bin/bash
# kernels: 6.1 6.12-rt debug
# The lock: after 'pmguard lock --yes' policy and mode are frozen and the
# module cannot be unloaded until reboot.  The module stays loaded, so the
# VM runner runs this scenario last in its boot.
# pmguard-vm: last, keeps-module
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P="$PMGUARD_BIN"
pmg_load
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
check "rmmod refused when locked" bash -c "! rmmod pmguard 2>/dev/null"
check "module still loaded" grep -q '^pmguard ' /proc/modules
[ "$FAILS" -eq 0 ] || { log "$FAILS check(s) failed"; exit 1; }
exit 0	# not finish(): it would try to unload
