#!/bin/bash
# Harness self-test: "# pmguard-vm: last" runs after the plain scenarios.
# pmguard-vm: last
set -euo pipefail
[ -f "$PMGUARD_OUT/../../basics/status" ]
