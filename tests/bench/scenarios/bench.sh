#!/bin/bash
# timeout: 2400
# Overhead benchmark, in ONE guest boot so the ratios are fair
# (tests/bench/run formats the results; docs/bench.md has the numbers).
#
# Part 1, latency: openbench times N open+close of each file, ROUNDS times
# (median of the rounds), in each configuration, and every configuration
# is measured PASSES times, interleaved (the best median is kept: TCG on a
# shared host is noisy, and noise only ever adds time).
# Part 2, event rate: OPENERS processes open /proc/<pid>/mem in a loop for
# RATE_SECONDS, with fold_ms=0 and with the default folding, and with
# fold_ms=0 from inside a container (c0); the kernel's counters and the
# reader's must account for every open.
# audit-container and c0 run the measuring process in a pid, mount and
# cgroup namespace (root, no user namespace: docker's default), in a cgroup
# named as docker names one, with the host's /proc: every access to the
# other process is then cross_container (would_deny), and the worker
# resolves a container's context.  process_vm_readv cannot name a process
# outside the caller's pid namespace: other-vm-readv is not measured there.
. "$PMGUARD_REPO/tests/scenarios/lib.sh"
OB=${BENCH_OPENBENCH:?}
N=${BENCH_N:-2000}
ROUNDS=${BENCH_ROUNDS:-7}
PASSES=${BENCH_PASSES:-2}
OPENERS=${BENCH_OPENERS:-4}
RATE_SECONDS=${BENCH_RATE_SECONDS:-20}
CONFIGS=${BENCH_CONFIGS:-"unloaded audit enforce audit-fold0 audit-container bpftrace auditd"}
OUT=$PMGUARD_OUT
LAT=$OUT/latency.txt
: >"$LAT"
ulimit -l unlimited

CG=/sys/fs/cgroup
if [ "$(stat -f -c %T "$CG" 2>/dev/null)" != cgroup2fs ]; then
	mount -t cgroup2 none "$CG" || fail "cannot mount cgroup2"
fi
BCG=$CG/system.slice/docker-0b0e0c0d0b0e0c0d0b0e0c0d0b0e0c0d0b0e0c0d0b0e0c0d0b0e0c0d0b0e0c0d.scope
mkdir -p "$BCG"
# in_container CMD...: CMD in a pid, mount and cgroup namespace, in $BCG.
in_container() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec unshare -p -f -m -C -- "$@"' "$BCG" "$@"
}

sleep 100000 &
OTHER=$!
echo data >/tmp/bench-file
FILES=(/proc/self/maps "/proc/$OTHER/maps" "/proc/$OTHER/mem" /tmp/bench-file)
LABELS=(self-maps other-maps other-mem tmpfs-file)
log "kernel $(uname -r), $(nproc) CPUs, N=$N ROUNDS=$ROUNDS PASSES=$PASSES"

READER=
reader_start() {	# a reader, as deployed; its output is not what is measured
	"$PMGUARD_BIN" monitor --json >/dev/null 2>>"$OUT/reader-$1.err" &
	READER=$!
	sleep 2
}
reader_stop() {
	[ -n "$READER" ] || return 0
	kill -TERM "$READER"; wait "$READER" 2>/dev/null; READER=
}

# The functions pmguard probes, as the kernel lists them while it is loaded
# (k: kprobe, r: kretprobe): the bpftrace configuration probes the same
# kernel functions (not pmguard's own canary, which is off these paths and
# gone when pmguard is unloaded).
PROBES=$OUT/pmguard-probes.txt
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
pmg_load
awk '{ sub(/\+0x0$/, "", $3) } $3 !~ /^pmguard_/ { print $2, $3 }' /sys/kernel/debug/kprobes/list | sort -u >"$PROBES"
rmmod pmguard
[ -s "$PROBES" ] || fail "no pmguard probes listed in /sys/kernel/debug/kprobes/list"
log "pmguard's probes: $(tr '\n' ' ' <"$PROBES")"
# A bare bpftrace script on those functions: a kprobe for each kprobe, a
# kprobe and a kretprobe for each kretprobe, each counting calls by comm.
bt_script() {
	local type fn n=0
	while read -r type fn; do
		n=$((n + 1))
		echo "kprobe:$fn { @p$n[comm] = count(); }"
		[ "$type" != r ] || echo "kretprobe:$fn { @r$n[comm] = count(); }"
	done <"$PROBES"
}

BT=
AUDIT_RULE=
setup() {
	case $1 in
	unloaded) rmmod pmguard 2>/dev/null; true ;;
	audit) pmg_load; reader_start "$1" ;;
	enforce) pmg_load mode=enforce; reader_start "$1" ;;
	audit-fold0) pmg_load fold_ms=0; reader_start "$1" ;;
	audit-container) pmg_load; reader_start "$1" ;;
	audit-base)	# another build of pmguard (BENCH_BASE_KO), e.g. before a change
		rmmod pmguard 2>/dev/null
		insmod "${BENCH_BASE_KO:?audit-base needs BENCH_BASE_KO}" || fail "insmod $BENCH_BASE_KO"
		reader_start "$1" ;;
	bpftrace)
		rmmod pmguard 2>/dev/null
		bpftrace -e "$(bt_script)" \
			>"$OUT/bpftrace-$PASS.txt" 2>&1 &
		BT=$!
		for _ in $(seq 1 300); do
			grep -q Attaching "$OUT/bpftrace-$PASS.txt" && break
			sleep 1
		done
		sleep 2 ;;
	auditd)
		rmmod pmguard 2>/dev/null
		mkdir -p /var/log/audit && chmod 700 /var/log/audit
		auditd -n >>"$OUT/auditd.log" 2>&1 &
		AUDITD=$!
		sleep 3
		if auditctl -a always,exit -F arch=b64 -S openat -F dir=/proc -k pm 2>>"$OUT/auditd.log"; then
			AUDIT_RULE="-a always,exit -F arch=b64 -S openat -F dir=/proc -k pm"
		else
			auditctl -a always,exit -F arch=b64 -S openat -k pm
			AUDIT_RULE="-a always,exit -F arch=b64 -S openat -k pm"
		fi
		auditctl -l >>"$OUT/auditd.log" ;;
	esac
}
teardown() {
	case $1 in
	audit | enforce | audit-fold0 | audit-container | audit-base)
		reader_stop
		"$PMGUARD_BIN" stats --json >"$OUT/stats-$1-$PASS.json"
		rmmod pmguard ;;
	bpftrace) kill -INT "$BT"; wait "$BT" 2>/dev/null ;;
	auditd)
		auditctl -D >/dev/null
		auditctl -e 0 >/dev/null
		kill -TERM "$AUDITD"; wait "$AUDITD" 2>/dev/null
		echo "records: $(grep -c 'key="pm"' /var/log/audit/audit.log 2>/dev/null)" >>"$OUT/auditd.log"
		rm -f /var/log/audit/audit.log ;;
	esac
}

for PASS in $(seq 1 "$PASSES"); do
	for cfg in $CONFIGS; do
		log "pass $PASS: $cfg"
		setup "$cfg"
		IN=()
		[ "$cfg" = audit-container ] && IN=(in_container)
		for i in "${!FILES[@]}"; do
			r=$("${IN[@]}" "$OB" lat "${FILES[$i]}" "$N" "$ROUNDS") || { fail "$cfg ${FILES[$i]}"; continue; }
			set -- $r
			echo "$cfg $PASS ${LABELS[$i]} $2 $3 $4" >>"$LAT"
			log "  ${LABELS[$i]}: median $2 ns (min $3, max $4)"
		done
		# read() through an open mem file: pmguard's accounting probes see
		# every read, of a file it tracks (another process's) or not (self).
		for who in self "$OTHER"; do
			label=other-mem-pread
			[ "$who" = self ] && label=self-mem-pread
			r=$("${IN[@]}" "$OB" readlat "$who" $((N * 5)) "$ROUNDS") || { fail "$cfg readlat $who"; continue; }
			set -- $r
			echo "$cfg $PASS $label $2 $3 $4" >>"$LAT"
			log "  $label: median $2 ns (min $3, max $4)"
		done
		# process_vm_readv of another process (the decision and the byte
		# count), and ps's read of /proc/<pid>/stat (a READ-mode ptrace
		# check, which pmguard's probe leaves at once).
		if [ "$cfg" != audit-container ]; then
			r=$("$OB" vmlat "$OTHER" $((N * 5)) "$ROUNDS") || { fail "$cfg vmlat"; r="x 0 0 0"; }
			set -- $r
			echo "$cfg $PASS other-vm-readv $2 $3 $4" >>"$LAT"
			log "  other-vm-readv: median $2 ns (min $3, max $4)"
		fi
		r=$("${IN[@]}" "$OB" slurp "/proc/$OTHER/stat" "$N" "$ROUNDS") || { fail "$cfg slurp"; r="x 0 0 0"; }
		set -- $r
		echo "$cfg $PASS other-stat-read $2 $3 $4" >>"$LAT"
		log "  other-stat-read: median $2 ns (min $3, max $4)"
		teardown "$cfg"
	done
done
echo "auditd rule: $AUDIT_RULE" >"$OUT/auditd-rule.txt"

# ---- event rate and accounting
for run in 0 1000 c0; do
	fold=${run#c} IN=() where=host
	[ "$run" = "$fold" ] || { IN=(in_container); where=container; }
	log "event rate, fold_ms=$fold, $OPENERS openers in the $where, ${RATE_SECONDS}s"
	pmg_load fold_ms=$fold
	# The reader writes to tmpfs (the results share, 9p, is slow).
	"$PMGUARD_BIN" monitor --json >"/tmp/rate-$run.jsonl" 2>"$OUT/rate-$run.err" &
	R=$!
	sleep 2
	pmg_sample_reader "$R" 2 "/tmp/rate-$run.jsonl" >"$OUT/rate-$run-reader.samples" 2>&1 &
	SAMPLER=$!
	pids=()
	for i in $(seq 1 "$OPENERS"); do
		"${IN[@]}" "$OB" loop "/proc/$OTHER/mem" "$RATE_SECONDS" >"$OUT/rate-$run-opener$i.txt" &
		pids+=($!)
	done
	wait "${pids[@]}"
	# the worker drains the queue, the last folds close (kernel_exact below)
	pmg_stats_settled "$OUT/rate-$run-stats.json" || true
	kill "$SAMPLER"
	kill -TERM "$R"; wait "$R"
	rmmod pmguard
	grep -v '"type":"access"' "/tmp/rate-$run.jsonl" >"$OUT/rate-$run.nonaccess.jsonl"
	"$PY" - "$OUT" "$run" "$RATE_SECONDS" "$OPENERS" "$fold" "$where" >"$OUT/rate-$run.json" <<'PYEOF'
import json, sys
out, run, secs, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
fold, where = sys.argv[5], sys.argv[6]
opens = sum(int(open(f"{out}/rate-{run}-opener{i}.txt").read().split()[0]) for i in range(1, n + 1))
s = json.load(open(f"{out}/rate-{run}-stats.json"))
events = accesses = lost_events = 0
counters = None
for line in open(f"/tmp/rate-{run}.jsonl"):
    r = json.loads(line)
    if r.get("type") == "access":
        events += 1
        accesses += r.get("count", 1)
    elif r.get("type") == "lost" and "count" in r:
        lost_events += r["count"]
    elif r.get("type") == "counters":
        counters = r
d = s["dropped"]
decided = s["allowed"] + s["alerted"] + s["denied"]
dropped = sum(d.get(k, 0) for k in ("queue_full", "nomem", "no_listener", "send"))
res = {"fold_ms": int(fold), "caller": where, "seconds": secs, "openers": n, "opens": opens,
       "seen": s["seen"], "decided": decided, "reported": s["reported"],
       "dropped": d, "folded": s.get("folded"),
       "reader_events": events, "reader_accesses": accesses,
       "reader_lost_events": lost_events, "reader_counters": counters,
       "opens_per_s": opens / secs, "events_per_s": events / secs,
       "kernel_exact": opens == s["seen"] == decided == s["reported"] + dropped,
       "reader_exact": accesses == s["reported"]}
print(json.dumps(res))
PYEOF
	cat "$OUT/rate-$run.json"
	check "fold_ms=$fold ($where): every open accounted for by the kernel's counters" \
		"$PY" -c "import json,sys; sys.exit(0 if json.load(open('$OUT/rate-$run.json'))['kernel_exact'] else 1)"
	"$PY" -c "import json,sys; sys.exit(0 if json.load(open('$OUT/rate-$run.json'))['reader_exact'] else 1)" ||
		log "NOTE: fold_ms=$fold ($where): the reader did not receive every reported access (see docs/bench.md)"
done
kill "$OTHER"
rmdir "$BCG" 2>/dev/null
finish
