#!/bin/bash
# case: mimipenguin
# expect: attack
# kinds: maps mem
# what: MimiPenguin-style: find gnome-keyring-daemon/sshd/vsftpd/sudo/lightdm, parse maps, open mem once per readable region, grep strings
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
# Targets named like MimiPenguin's: copies of python (holding a password)
# and of sleep.  Their executables' base names are on pmguard's sensitive
# list, as the real ones would be.
py_victim "$(named "$PYEXE" gnome-keyring-daemon)" "keyring-s3cret" || case_done
K=$VICTIM
py_victim "$(named "$PYEXE" sshd)" "sshd-s3cret" || case_done
S=$VICTIM
others=()
for n in vsftpd sudo lightdm; do
	"$(named /usr/bin/sleep "$n")" 600 &
	others+=($!)
done
cat >"$BIN/mimipenguin.py" <<'PYEOF'
#!/usr/bin/python3
# MimiPenguin's method (mimipenguin.py): for each target process, every
# readable region of its maps is read through one open of /proc/PID/mem,
# and the strings are searched for passwords.
import os, re, sys
TARGETS = ("gnome-keyring-daemon", "sshd", "vsftpd", "sudo", "lightdm",
           "gdm-password", "gnome-keyring-d")
found = []
opens = 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        name = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        continue
    if name not in TARGETS or int(pid) == os.getpid():
        continue
    with open(f"/proc/{pid}/maps") as maps:
        lines = maps.read().splitlines()
    for line in lines:
        f = line.split()
        if not f[1].startswith("r") or (len(f) > 5 and f[5] in ("[vvar]", "[vsyscall]")):
            continue
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        try:
            with open(f"/proc/{pid}/mem", "rb", 0) as mem:
                opens += 1
                mem.seek(lo)
                data = mem.read(min(hi - lo, 4 << 20))
        except OSError:
            continue
        for m in re.findall(rb"The password is [ -~]+", data):
            found.append((name, m.decode()))
print(f"{opens} mem opens")
for name, s in sorted(set(found)):
    print(f"{name}: {s}")
PYEOF
chmod +x "$BIN/mimipenguin.py"
"$BIN/mimipenguin.py" >"$CASE_WORK/out.txt"
cat "$CASE_WORK/out.txt"
ok grep -q "keyring-s3cret" "$CASE_WORK/out.txt"
ok grep -q "sshd-s3cret" "$CASE_WORK/out.txt"
kill "$K" "$S" "${others[@]}"
case_done
