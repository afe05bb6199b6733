#!/bin/bash
# kernels: 5.10 6.1 6.12 6.12-rt 7.3 7.3-rt debug
# Where core dumps go (issue 21): a change of kernel.core_pattern (a pipe
# to any program: the first step of the core-dump theft) or of
# fs.suid_dumpable (setuid processes dumped too) is reported as
# dump_config, high, in audit and in enforce mode (root's setting: not
# refused), with the setting's name as the target's comm.  Quiet: reading
# them, and writing the value they already have (sysctl --system rewrites
# every setting it knows at each run).
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

pattern=$(cat /proc/sys/kernel/core_pattern)
dumpable=$(cat /proc/sys/fs/suid_dumpable)
restore() {
	printf '%s\n' "$pattern" >/proc/sys/kernel/core_pattern
	echo "$dumpable" >/proc/sys/fs/suid_dumpable
}

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
check "shipped policy loads" "$PMGUARD_BIN" policy load --skip-missing "$PMGUARD_REPO/userland/policy.conf"
pmg_monitor "$ev"
cat /proc/sys/kernel/core_pattern /proc/sys/fs/suid_dumpable >/dev/null
check "core_pattern rewritten unchanged" sh -c 'printf "%s\n" "$1" >/proc/sys/kernel/core_pattern' sh "$pattern"
check "suid_dumpable rewritten unchanged" sh -c 'echo "$1" >/proc/sys/fs/suid_dumpable' sh "$dumpable"
check "audit: core_pattern piped to a program" sh -c 'echo "|/bin/cat" >/proc/sys/kernel/core_pattern'
check "audit: setuid processes made dumpable" sh -c 'echo 2 >/proc/sys/fs/suid_dumpable'
check "audit: the pipe is set" grep -qx '|/bin/cat' /proc/sys/kernel/core_pattern
restore
"$PMGUARD_BIN" mode enforce || fail "pmguard mode enforce"
check "enforce: core_pattern still changes (reported, not refused)" \
	sh -c 'echo "/tmp/core.%p" >/proc/sys/kernel/core_pattern'
check "enforce: the new pattern is set" grep -qx '/tmp/core.%p' /proc/sys/kernel/core_pattern
restore
"$PMGUARD_BIN" mode audit
sleep 1.5	# the fold window closes
pmg_monitor_stop

expect "$ev" "core_pattern piped: dump_config, high" kind=dump_config \
	target.pid=0 target.comm=core_pattern access=write rule=dump-config \
	severity=high action=alert result=0 caller.comm=sh --min 2
expect "$ev" "suid_dumpable changed: dump_config, high" kind=dump_config \
	target.comm=suid_dumpable rule=dump-config severity=high --min 2
expect_none "$ev" "never refused" kind=dump_config action=deny
# The two unchanged writes, and the reads, are no access: every change
# above (3 by sh, and the 3 restores that change something) is one (the
# restores, the same caller and setting within the fold window, may fold).
expect_queue "only the changes are reported" "$ev" --sum-count 6 kind=dump_config
restore
finish
