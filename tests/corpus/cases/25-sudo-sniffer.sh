#!/bin/bash
# case: sudo-sniffer
# expect: attack
# kinds: ptrace ptrace_read
# what: a root ptrace sniffer attaches to nobody's shell (TRACEFORK|TRACEEXEC), follows it into sudo -S and PEEKs what sudo reads as the password
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
PASSWORD=hunter2-corpus
[ -u /usr/bin/sudo ] || { bad "sudo is not installed setuid"; case_done; }
# The shell waits for the GOFILE the sniffer creates once attached
# (setpriv execs bash: $! is the shell itself).
"${NOBODY[@]}" bash -c "while [ ! -e '$CASE_WORK/go' ]; do sleep 0.1; done
	echo '$PASSWORD' | sudo -S -k -p '' true; sleep 0.5" >"$CASE_WORK/sudo.out" 2>&1 &
shell=$!
"$PY" "$MR" sniff "$shell" "$CASE_WORK/sniffed" "$CASE_WORK/go"
wait "$shell"
say "sudo: $(tr '\n' ' ' <"$CASE_WORK/sudo.out")"
ok grep -q "$PASSWORD" "$CASE_WORK/sniffed"
case_done
