#!/bin/bash
# kernels: 6.1 7.3
# A rule naming an executable on a hung mount (a FUSE server that never
# answers, like a dead NFS server) blocks only the request that names it:
# pmguard's operations run without genetlink's global mutex and resolve
# paths outside their own lock, so while that request waits, the family is
# still resolved (nlctrl), stats and the policy still answer, the mode
# still changes, and events still flow.  The stuck request ends when its
# sender is killed.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P=$PMGUARD_BIN
if [ ! -e /dev/fuse ]; then
	ko=$(find /var/cache/pmguard-test/kernels/*/root/lib/modules/"$(uname -r)" \
		-name 'fuse.ko*' 2>/dev/null | head -n 1)
	[ -n "$ko" ] && insmod "$ko" 2>/dev/null
fi
[ -e /dev/fuse ] || { log "no FUSE on this kernel"; exit 77; }

mnt=$(mktemp -d /tmp/hung.XXXXXX)
# Mounts a FUSE filesystem and never reads its device: every request
# (lookups included) waits for an INIT answer that never comes.
"$PY" - "$mnt" <<'PYEOF' &
import ctypes, os, sys, time
fd = os.open("/dev/fuse", os.O_RDWR)
opts = f"fd={fd},rootmode=40000,user_id=0,group_id=0".encode()
libc = ctypes.CDLL(None, use_errno=True)
if libc.mount(b"hung", sys.argv[1].encode(), b"fuse", 0, opts) != 0:
    sys.exit(f"mount: {os.strerror(ctypes.get_errno())}")
time.sleep(600)
PYEOF
SERVER=$!
for _ in $(seq 1 50); do
	grep -q " $mnt fuse" /proc/mounts && break
	sleep 0.2
done
grep -q " $mnt fuse" /proc/mounts || { fail "FUSE mount did not appear"; finish; }

sleep 600 &
V=$!
pmg_load
ev="$PMGUARD_OUT/events.jsonl"
pmg_monitor "$ev"

"$P" policy add rule hung action=allow caller_exe="$mnt/tool" \
	>"$PMGUARD_OUT/hung.out" 2>&1 &
HUNG=$!
sleep 3
check "the rule naming a path on the hung mount is still waiting" \
	kill -0 "$HUNG"
check "stats answer meanwhile" timeout 20 "$P" stats
check "the policy lists meanwhile" timeout 20 "$P" policy list
check "the mode changes meanwhile" timeout 20 "$P" mode enforce
check "... and back" timeout 20 "$P" mode audit
cat "/proc/$V/environ" >/dev/null
sleep 2
check "the stuck request is still waiting" kill -0 "$HUNG"
kill -KILL "$HUNG"
wait "$HUNG" 2>/dev/null
check "the stuck request is gone once killed" bash -c "! kill -0 $HUNG 2>/dev/null"
check "no rule was added by it" bash -c "! timeout 20 '$P' policy list | grep -qw hung"
pmg_monitor_stop

expect "$ev" "events flowed while the request hung" kind=environ \
	caller.comm=cat target.pid="$V"
kill "$SERVER" "$V"
wait "$SERVER" 2>/dev/null
umount -l "$mnt" 2>/dev/null
rmdir "$mnt" 2>/dev/null
finish
