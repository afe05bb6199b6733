#!/bin/bash
# timeout: 900
# tests/scenarios/flood-priority.sh with FLOOD_ROUTES=1: the flood is of
# priority events (kernel-refused process_vm_readv, PTRACE_ATTACH and
# pidfd_getfd on root's sshd by 32 forked unprivileged callers, and their
# process_vm_readv of their own credential holder, which gets through),
# for STRESS_FLOOD_SECONDS (default 120), while root reads a process
# named sshd three times: all three reach `pmguard monitor`.
export FLOOD_SECONDS=${STRESS_FLOOD_SECONDS:-120}
export FLOODERS=4
export FLOOD_ROUTES=1
exec bash "$PMGUARD_REPO/tests/scenarios/flood-priority.sh"
