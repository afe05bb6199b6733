#!/bin/bash
# Harness self-test: a module that leaks.  Expected: this scenario PASSES
# and the step "kmemleak" FAILS (with --kmemleak each: this scenario fails).
# kernels: debug
# timeout: 60
set -euo pipefail
insmod "$PMGUARD_KO" leak=1
rmmod pmguard
