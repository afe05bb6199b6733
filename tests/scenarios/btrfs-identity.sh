#!/bin/bash
# kernels: 5.10 6.1 6.12
# timeout: 180
# An executable identity a user cannot forge (issue 22, item 5).  btrfs
# subvolumes share their filesystem's device and number their inodes from
# 256 each, and any user may create one: root installs an allowlisted tool
# as the first file of a subvolume (inode 257), a user creates a subvolume
# of their own and copies cat there as its first file: the same device and
# the same inode number.  The rule must still tell them apart (pmguard pins
# the inode its rule names), and the forged copy gets no allowance; the
# real tool keeps it.  A second check: the tool is replaced (an upgrade)
# while the rule stands, and a file made afterwards does not take its
# place.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

P=$PMGUARD_BIN
# btrfs and loop are modules of the Debian kernel, in the kernel's cache.
root=
for r in /var/cache/pmguard-test/kernels/*/root; do
	[ -d "$r/lib/modules/$(uname -r)" ] && { root=$r; break; }
done
if [ -n "$root" ]; then
	modprobe -d "$root" loop 2>/dev/null
	modprobe -d "$root" btrfs 2>/dev/null
fi
grep -qw btrfs /proc/filesystems || { log "no btrfs on this kernel"; exit 77; }
command -v mkfs.btrfs >/dev/null || { fail "mkfs.btrfs missing (tests/setup.sh installs btrfs-progs)"; finish; }

work=$(mktemp -d /tmp/btrfs-id.XXXXXX)
chmod 755 "$work"
truncate -s 200M "$work/fs.img"
mkfs.btrfs -q "$work/fs.img" >"$work/mkfs.log" 2>&1 || { fail "mkfs.btrfs: $(cat "$work/mkfs.log")"; finish; }
M=$work/mnt
mkdir -p "$M"
mount -o loop "$work/fs.img" "$M" || { log "cannot mount a btrfs loop image"; exit 77; }
btrfs -q subvolume create "$M/sys" >/dev/null || { fail "btrfs subvolume create (root)"; finish; }
cp /usr/bin/cat "$M/sys/tool"
mkdir -m 1777 "$M/home"
# nobody's subvolume, and its first file: cat under the same name.
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
check "a user creates a btrfs subvolume" as_nobody btrfs -q subvolume create "$M/home/sub"
as_nobody cp /usr/bin/cat "$M/home/sub/tool"
real=$(stat -c '%i' "$M/sys/tool") forged=$(stat -c '%i' "$M/home/sub/tool")
log "real tool inode $real, forged copy inode $forged"
check "the forged copy has the real tool's inode number" test "$real" = "$forged"

# A credential holder of nobody's (what the allowance would open).
cp /usr/bin/sleep "$work/ssh-agent"
# (setpriv execs it: $! is the holder itself, not a subshell)
setpriv --reuid=nobody --regid=nogroup --clear-groups "$work/ssh-agent" 600 &
AGENT=$!

pmg_load
ev="$PMGUARD_OUT/events.jsonl"
check "shipped policy loads" "$P" policy load --skip-missing "$PMGUARD_REPO/userland/policy.conf"
check "rule for the real tool added" "$P" policy add --index 0 rule allow:btrfs-tool \
	action=allow severity=info caller_exe="$M/sys/tool" kinds=environ
pmg_monitor "$ev"
"$P" mode enforce
sleep 0.2
as_nobody "$M/sys/tool" "/proc/$AGENT/environ" >/dev/null 2>&1
rc_real=$?
as_nobody "$M/home/sub/tool" "/proc/$AGENT/environ" >/dev/null 2>&1
rc_forged=$?
check "enforce: the real tool reads the holder's environ (allowed, exit $rc_real)" test "$rc_real" = 0
check "enforce: the forged copy is refused (exit $rc_forged)" test "$rc_forged" != 0

# An upgrade replaces the tool while the rule stands; a file made after it
# must not take the old one's place (its inode is held, not reused).
cp /usr/bin/cat "$M/sys/tool.new" && mv "$M/sys/tool.new" "$M/sys/tool"
for i in 1 2 3 4 5 6 7 8; do as_nobody cp /usr/bin/cat "$M/home/sub/t$i"; done
reused=no
for i in 1 2 3 4 5 6 7 8; do
	as_nobody "$M/home/sub/t$i" "/proc/$AGENT/environ" >/dev/null 2>&1 && reused="t$i"
done
check "enforce: no file made after the upgrade passes as the old tool ($reused)" test "$reused" = no
"$P" mode audit
pmg_monitor_stop

expect "$ev" "the real tool: allow:btrfs-tool" kind=environ target.pid="$AGENT" \
	caller.exe="$M/sys/tool" rule=allow:btrfs-tool action=allow
expect "$ev" "the forged copy: refused, not the tool's rule" kind=environ \
	target.pid="$AGENT" caller.exe="$M/home/sub/tool" action=deny result=-13
expect_none "$ev" "nothing but the real tool matches its rule" \
	rule=allow:btrfs-tool caller.exe!="$M/sys/tool"
kill "$AGENT" 2>/dev/null
wait 2>/dev/null
umount "$M" 2>/dev/null || umount -l "$M"
rm -rf "$work"
finish
