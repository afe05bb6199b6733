#!/bin/bash
# Harness self-test: the kernels header restricts where this runs.
# kernels: debug
[ "$PMGUARD_KERNEL" = debug ] && [ -e /sys/kernel/debug/kmemleak ]
