#!/bin/bash
# Harness self-test: exit 77 is reported as SKIP.
echo "SKIP: nothing to see here"
exit 77
