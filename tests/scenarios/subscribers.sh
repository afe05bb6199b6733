#!/bin/bash
# kernels: 5.10 6.1 7.3 debug
# Subscriber slots cannot be held against the service: a process with
# CAP_NET_ADMIN but not CAP_SYS_ADMIN (systemd-networkd, a host-network
# pod without a user namespace) may take every one of the 8 slots, but a
# reader with CAP_SYS_ADMIN (pmguard.service) then takes the slot of the
# oldest of them, and gets the events; another CAP_NET_ADMIN-only socket
# is refused (EBUSY).
. "$PMGUARD_REPO/tests/scenarios/lib.sh"

JOIN="$PMGUARD_REPO/tests/scenarios/genl_join.py"
net_admin_only() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin \
		--bounding-set=-all,+net_admin "$@"
}
subs() { "$PY" "$JOIN" --stats | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("17", 0))'; }

pmg_load
pids=()
for i in 1 2 3 4 5 6 7 8; do
	net_admin_only "$PY" "$JOIN" --listen 120 >"$PMGUARD_OUT/sub.$i" 2>&1 &
	pids+=($!)
	for t in $(seq 1 50); do grep -q '^port' "$PMGUARD_OUT/sub.$i" && break; sleep 0.1; done
done
check "8 CAP_NET_ADMIN-only subscribers hold every slot" test "$(subs)" = 8
rc=0; net_admin_only "$PY" "$JOIN" >"$PMGUARD_OUT/ninth.txt" 2>&1 || rc=$?
check "a ninth CAP_NET_ADMIN-only subscriber is refused (exit $rc: $(cat "$PMGUARD_OUT/ninth.txt"))" \
	grep -qi "busy" "$PMGUARD_OUT/ninth.txt"
ev="$PMGUARD_OUT/events.jsonl"
dmesg -c >/dev/null
pmg_monitor "$ev"	# root: CAP_SYS_ADMIN; fails the scenario if it cannot subscribe
check "the privileged reader took the oldest one's slot" \
	bash -c "dmesg | grep -q 'pmguard: subscriber port [0-9]* (no CAP_SYS_ADMIN) gives way to port'"
check "still 8 subscribers" test "$(subs)" = 8
pmg_monitor_stop
kill "${pids[@]}" 2>/dev/null
finish
