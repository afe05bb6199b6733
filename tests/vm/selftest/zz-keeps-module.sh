#!/bin/bash
# Harness self-test: "last" ordering; this one may leave pmguard loaded.
# pmguard-vm: last, keeps-module
set -euo pipefail
insmod "$PMGUARD_KO"
# the KUnit modules (debug) ran before: none of them is loaded now
! grep -q kunit /proc/modules
