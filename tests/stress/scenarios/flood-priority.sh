#!/bin/bash
# timeout: 900
# The long run of tests/scenarios/flood-priority.sh: four unprivileged
# flooders for STRESS_FLOOD_SECONDS (default 120) against root's processes
# while root reads a process named sshd three times; every one of root's
# high-severity events reaches `pmguard monitor`, no priority access is
# dropped, the flood overran the reader's socket, the counters add up.
export FLOOD_SECONDS=${STRESS_FLOOD_SECONDS:-120}
export FLOODERS=4
exec bash "$PMGUARD_REPO/tests/scenarios/flood-priority.sh"
