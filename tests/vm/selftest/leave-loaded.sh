#!/bin/bash
# Harness self-test: a scenario may leave the module loaded; the harness
# unloads it.
set -euo pipefail
insmod "$PMGUARD_KO"
grep -q '^pmguard ' /proc/modules
