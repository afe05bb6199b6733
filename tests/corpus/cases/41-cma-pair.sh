#!/bin/bash
# case: mpi-cma-pair
# expect: benign
# what: an MPI-like same-user pair (nobody): one rank copies from its peer with process_vm_readv in a loop for 3 s (memroutes.py cma, Open MPI/MPICH CMA)
. "$PMGUARD_REPO/tests/corpus/lib-case.sh"
out=$("${NOBODY[@]}" "$PY" "$MR" cma 3)
say "$out"
calls=${out#calls=}
ok test "${calls:-0}" -gt 0
case_done
