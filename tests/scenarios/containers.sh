#!/bin/bash
# kernels: 5.10 6.1 7.3
# timeout: 240
# Which container or service each side of an access belongs to (issue 13),
# with real isolation: processes in their own pid, mount, cgroup, uts, ipc
# and network namespaces (container A, named as docker names its cgroups;
# no user namespace, as docker runs by default) or also a user namespace
# (container B, named as containerd's CRI plugin names a pod's container),
# each moved into its cgroup v2 before unshare, as a runtime does.  The
# events' ids are checked against what the kernel says about the same
# processes (/proc/PID/cgroup, stat -L /proc/PID/ns/*, NSpid, the cgroup
# directory's inode).  Attacks: container A reads a host credential holder
# and container B; the host reads container A (gdb, allowed) and B.  In
# enforce mode the cross-container reads fail, the host's gdb still works.
# Container C shares the host's pid and user namespaces (docker run
# --pid=host: only its mount and cgroup namespaces are its own): its reads
# of the host are cross-container too, its reads inside itself are not.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

HEXA=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
HEXB=c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf
POD=5f1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b
CG=/sys/fs/cgroup
if [ "$(stat -f -c %T "$CG" 2>/dev/null)" != cgroup2fs ]; then
	mount -t cgroup2 none "$CG" || { fail "cannot mount cgroup2 on $CG"; finish; }
fi
CGA_REL=/system.slice/docker-$HEXA.scope
CGB_REL=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD//-/_}.slice/cri-containerd-$HEXB.scope
HEXC=e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff
CGC_REL=/system.slice/docker-$HEXC.scope
CGS_REL=/system.slice/ssh.service
CGP_REL=/system.slice/cron.service
mkdir -p "$CG$CGA_REL" "$CG$CGB_REL" "$CG$CGC_REL" "$CG$CGS_REL" "$CG$CGP_REL" ||
	{ fail "cannot create the cgroups"; finish; }

work=$(mktemp -d /tmp/containers.XXXXXX)
cp /usr/bin/sleep "$work/sshd"

# in_cgroup REL CMD... &: run CMD in cgroup REL (moved before it starts),
# in the background only: the background subshell execs it, so $! is CMD.
in_cgroup() {
	local rel=$1; shift
	exec sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$rel" "$@"
}

# child_of PID: the first child of PID (what unshare --fork started).
child_of() {
	local i c
	for i in $(seq 1 100); do
		c=$(pgrep -P "$1" | head -n 1)
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.1
	done
	return 1
}

# wait_file FILE: wait (up to 30 s) until FILE exists.
wait_file() {

	for _ in $(seq 1 300); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# A credential holder on the host, in its service's cgroup.
in_cgroup "$CGS_REL" "$work/sshd" 600 &
SSHD=$!
# An ordinary host process, in another service's cgroup.
in_cgroup "$CGP_REL" sleep 600 &
PLAIN=$!
# Container B: containerd's naming, and a user namespace (rootless style).
in_cgroup "$CGB_REL" unshare -U -r -p -f -m -C -u -i -n --mount-proc sleep 600 &
B=$(child_of $!) || { fail "container B did not start"; finish; }

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"

# Container A: docker's naming; its own procfs at /tmp/cproc (its pid
# namespace), the host's still at /proc, as with a host /proc mount.
# Every read is a redirection of the container's shell: the caller stays
# alive for the checks below.  $1: a directory for its notes.
container_a() {
	in_cgroup "$CGA_REL" unshare -p -f -m -C -u -i -n bash -c '
		out=$1 sshd=$2 b=$3
		mkdir -p /tmp/cproc && mount -t proc proc /tmp/cproc || exit 1
		sleep 600 &
		echo $! >"$out/sib"
		: </tmp/cproc/$!/environ; echo $? >"$out/rc-same"
		: </proc/$sshd/environ; echo $? >"$out/rc-host"
		: </proc/$sshd/mem; echo $? >"$out/rc-host-mem"
		: </proc/$b/environ; echo $? >"$out/rc-b"
		touch "$out/done"
		wait' container-a "$1" "$SSHD" "$B" &
}

# Container C: --pid=host, a mount and a cgroup namespace of its own.
container_c() {
	in_cgroup "$CGC_REL" unshare -m -C bash -c '
		out=$1 sshd=$2 plain=$3
		sleep 600 &
		echo $! >"$out/c-sib"
		: </proc/$!/environ; echo $? >"$out/c-same"
		: </proc/$plain/environ; echo $? >"$out/c-plain"
		: </proc/$plain/mem; echo $? >"$out/c-plain-mem"
		: </proc/$sshd/environ; echo $? >"$out/c-host"
		touch "$out/c-done"
		wait' container-c "$1" "$SSHD" "$PLAIN" &
	C=$!
}

mkdir -p "$work/audit" "$work/enforce"
container_c "$work/audit"
wait_file "$work/audit/c-done" || { fail "container C did not finish its reads"; finish; }
CSIB=$(cat "$work/audit/c-sib")
check "host cat reads container C" cat "/proc/$CSIB/environ"
container_a "$work/audit"
A=$(child_of $!) || { fail "container A did not start"; finish; }
wait_file "$work/audit/done" || { fail "container A did not finish its reads"; finish; }
SIB=$(pgrep -P "$A" -x sleep | head -n 1)

# What the kernel says about a process: CGROUP PID_NS MNT_NS USER_NS
# NET_NS CGROUP_NS NS_PID CGROUP_ID, as variables PREFIX_*.
kernel_view() {
	local p=$1 pid=$2 cg
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	printf -v "${p}_CGROUP" %s "$cg"
	printf -v "${p}_CGROUP_ID" %s "$(stat -c %i "$CG$cg")"
	for ns in pid mnt user net cgroup; do
		printf -v "${p}_${ns^^}_NS" %s "$(stat -L -c %i "/proc/$pid/ns/$ns")"
	done
	printf -v "${p}_NS_PID" %s "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")"
}
kernel_view KA "$A"
kernel_view KB "$B"
kernel_view KS "$SSHD"
log "kernel: A $A $KA_CGROUP pid_ns $KA_PID_NS ns_pid $KA_NS_PID; B $B $KB_CGROUP" \
	"user_ns $KB_USER_NS; sshd $SSHD $KS_CGROUP"
check "A is in docker's cgroup" test "$KA_CGROUP" = "$CGA_REL"
check "A is pid 1 in its namespace" test "$KA_NS_PID" = 1
check "B has a user namespace of its own" test "$KB_USER_NS" != "$KS_USER_NS"

# The host reads the containers: gdb on A's process (allowlisted), cat on B.
check "host gdb reads a process of container A" \
	bash -c "gdb -nx -batch -p $SIB -ex 'info proc mappings' >/dev/null 2>&1"
cat "/proc/$B/environ" >/dev/null

# Enforce: the cross-container reads fail, the host's gdb still works.
"$PMGUARD_BIN" mode enforce || fail "pmguard mode enforce"
container_c "$work/enforce"
C2=$C
wait_file "$work/enforce/c-done" || fail "container C (enforce) did not finish"
container_a "$work/enforce"
A2=$(child_of $!) || { fail "container A (enforce) did not start"; finish; }
wait_file "$work/enforce/done" || fail "container A (enforce) did not finish"
check "enforce: host gdb still reads container A" \
	bash -c "gdb -nx -batch -p $SIB -ex 'info proc mappings' >/dev/null 2>&1"
"$PMGUARD_BIN" mode audit
pmg_monitor_stop

for m in audit enforce; do
	log "$m: rc same=$(cat "$work/$m/rc-same") host=$(cat "$work/$m/rc-host")" \
		"host-mem=$(cat "$work/$m/rc-host-mem") b=$(cat "$work/$m/rc-b")"
done
check "audit: container A read the host and B" \
	test "$(cat "$work/audit/rc-host") $(cat "$work/audit/rc-host-mem") $(cat "$work/audit/rc-b")" = "0 0 0"
check "enforce: container A could not read the host or B" \
	test "$(cat "$work/enforce/rc-host") $(cat "$work/enforce/rc-host-mem") $(cat "$work/enforce/rc-b")" = "1 1 1"
check "enforce: container A still reads its own process" \
	test "$(cat "$work/enforce/rc-same")" = 0
check "audit: container C (--pid=host) read the host" \
	test "$(cat "$work/audit/c-plain") $(cat "$work/audit/c-plain-mem") $(cat "$work/audit/c-host")" = "0 0 0"
check "enforce: container C (--pid=host) could not read the host" \
	test "$(cat "$work/enforce/c-plain") $(cat "$work/enforce/c-plain-mem") $(cat "$work/enforce/c-host")" = "1 1 1"
check "enforce: container C still reads its own process" \
	test "$(cat "$work/enforce/c-same")" = 0
expect "$ev" "C (--pid=host) reads a host process's mem: cross_container" kind=mem \
	target.pid="$PLAIN" rule=cross-container action=alert flags@cross_container \
	flags@from_container flags@would_deny caller.container_id="$HEXC" \
	caller.in_container=true caller.pid_ns="$KS_PID_NS"
expect "$ev" "C (--pid=host) reads the host's sshd: cross_container" kind=environ \
	target.pid="$SSHD" rule=cross-container flags@cross_container \
	caller.container_id="$HEXC"
expect "$ev" "C reads its own process: from_container only" kind=environ \
	target.pid="$CSIB" flags@from_container rule=environ-read
expect_none "$ev" "a read inside container C is not cross_container" \
	target.pid="$CSIB" flags@cross_container
expect "$ev" "enforce: C reading a host process is denied" kind=mem \
	target.pid="$PLAIN" rule=cross-container action=deny result=-13

# Container A -> host credential holder: every id as the kernel says.
expect "$ev" "A reads the host's sshd: cross_container, would_deny, ids as the kernel's" \
	kind=environ caller.pid="$A" target.pid="$SSHD" rule=cross-container \
	action=alert severity=high flags@cross_container flags@from_container \
	flags@would_deny flags@target_sensitive \
	caller.in_container=true caller.ns_pid="$KA_NS_PID" \
	caller.cgroup="$KA_CGROUP" caller.cgroup_id="$KA_CGROUP_ID" \
	caller.pid_ns="$KA_PID_NS" caller.mnt_ns="$KA_MNT_NS" \
	caller.user_ns="$KA_USER_NS" caller.net_ns="$KA_NET_NS" \
	caller.cgroup_ns="$KA_CGROUP_NS" \
	caller.container_runtime=docker caller.container_id="$HEXA" \
	caller.unit="docker-$HEXA.scope" \
	target.in_container=false target.ns_pid="$SSHD" target.cgroup="$KS_CGROUP" \
	target.cgroup_id="$KS_CGROUP_ID" target.pid_ns="$KS_PID_NS" \
	target.mnt_ns="$KS_MNT_NS" target.user_ns="$KS_USER_NS" \
	target.net_ns="$KS_NET_NS" target.cgroup_ns="$KS_CGROUP_NS" \
	target.unit=ssh.service
expect "$ev" "A opens the host sshd's mem: cross_container" kind=mem \
	caller.pid="$A" target.pid="$SSHD" rule=cross-container flags@would_deny
expect_none "$ev" "a host process has no container id" target.pid="$SSHD" \
	target.container_id~.
# Container A -> container B (user namespace, containerd naming).
expect "$ev" "A reads container B: cross_container, B's ids as the kernel's" \
	kind=environ caller.pid="$A" target.pid="$B" rule=cross-container \
	flags@cross_container flags@would_deny target.in_container=true \
	target.ns_pid="$KB_NS_PID" target.cgroup="$KB_CGROUP" \
	target.cgroup_id="$KB_CGROUP_ID" target.pid_ns="$KB_PID_NS" \
	target.mnt_ns="$KB_MNT_NS" target.user_ns="$KB_USER_NS" \
	target.net_ns="$KB_NET_NS" target.cgroup_ns="$KB_CGROUP_NS" \
	target.container_runtime=containerd target.container_id="$HEXB" \
	target.pod_uid="$POD"
# Inside one container: from_container, not cross_container.
expect "$ev" "A reads its own process: from_container only" kind=environ \
	caller.pid="$A" target.pid="$SIB" flags@from_container rule=environ-read \
	target.container_id="$HEXA" target.ns_pid~'^[0-9]+$'
expect_none "$ev" "a read inside container A is not cross_container" \
	caller.pid="$A" target.pid="$SIB" flags@cross_container
# The host reads the containers: benign, not cross_container.
expect "$ev" "host gdb reads container A: allowed" caller.comm=gdb \
	target.pid="$SIB" rule=allow:gdb action=allow target.container_id="$HEXA" \
	target.in_container=true caller.in_container=false
expect_none "$ev" "the host reading a container is never cross_container" \
	caller.in_container=false flags@cross_container
expect_none "$ev" "the host reading a container is never from_container" \
	caller.in_container=false flags@from_container
expect "$ev" "host cat reads container B's environ: the usual environ-read" caller.comm=cat \
	target.pid="$B" rule=environ-read target.container_runtime=containerd
# Enforce mode.
expect "$ev" "enforce: A reading the host's sshd is denied" caller.pid="$A2" \
	target.pid="$SSHD" kind=environ rule=cross-container action=deny result=-13
expect "$ev" "enforce: A reading container B is denied" caller.pid="$A2" \
	target.pid="$B" rule=cross-container action=deny result=-13
kill "$SSHD" "$PLAIN" "$CSIB" "$(cat "$work/enforce/c-sib" 2>/dev/null)" 2>/dev/null
kill -9 "$C" "$C2" 2>/dev/null
# Each is its namespace's init: only SIGKILL reaches it from outside.
kill -9 "$A" "$A2" "$B" 2>/dev/null
wait 2>/dev/null
rmdir "$CG$CGA_REL" "$CG$CGB_REL" "$CG$CGC_REL" "$CG$CGS_REL" "$CG$CGP_REL" 2>/dev/null
rm -rf "$work"
finish
