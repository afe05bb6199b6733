/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering of events, loss notes, counters and kernel stats as one-line
 * text or JSON (json-c).  Pure functions of their input: no I/O, so every
 * byte of the output format is unit-tested.
 *
 * Each pmg_format_* function returns a malloc'd, NUL-terminated string
 * WITHOUT a trailing newline (the writer adds it), or NULL when out of
 * memory.  JSON results are always a single line of valid UTF-8; text
 * results are a single line of printable ASCII, except for the counters
 * and stats blocks, which are multi-line by design.
 *
 * JSON records (one compact object per line; "time" is RFC 3339 UTC with
 * nanoseconds and a Z suffix; "host" is gethostname(), made valid UTF-8):
 *
 *  {"type":"access","seq":N,"time":T,"host":H,"kind":K,"access":A,
 *   "result":0|-errno,"result_name":"OK"|"EACCES"|...,"action":"allow|alert|deny",
 *   "severity":"info|low|medium|high|critical","rule":S,"mitre":"T1003.007",
 *   "count":N,"first_seq":N,"bytes":N,"flags":["caller_cap_ptrace",...],
 *   "caller":{"pid","tid","ppid","uid","euid","fsuid","gid","loginuid",
 *             "sessionid","comm","exe","cap_sys_ptrace","is_tracer",
 *             "is_ancestor","comm_mismatch"},
 *   "target":{"pid","tid","ppid","uid","euid","fsuid","gid","loginuid",
 *             "sessionid","comm","exe"}}
 *     Keys whose attribute the kernel did not send are omitted (never
 *     null, never a made-up 0); "type", "host" and "mitre" are always
 *     there.  The four caller booleans come from "flags" and are present
 *     when it is.  loginuid/sessionid (u32)-1 are -1.  Values unknown to
 *     this reader are "unknown(N)" (flags: "unknown(0xBITS)").
 *     "count" is the number of accesses the event stands for.  Folding:
 *     the first access of a burst is reported at once as usual; the same
 *     access repeated within the fold window is only counted, and when
 *     the window closes one event (flag "folded") reports those repeats:
 *     "count" of them, "first_seq" = the seq of the burst's first event.
 *     Its "seq" is its own, the next in the stream (no gap).
 *     "bytes": what a vm_read, vm_write, ptrace_read or ptrace_write
 *     access copied (folded: the sum over the accesses).
 *     K: mem|environ|maps|smaps|smaps_rollup|numa_maps|pagemap|auxv|
 *     vm_read|vm_write|ptrace|ptrace_read|ptrace_write|getfd;
 *     A: read|write|read-write|none.  Strings are made valid UTF-8 (each
 *     invalid byte becomes U+FFFD), then escaped by json-c.
 *  {"type":"lost","time":T,"host":H,"count":N,"first_seq":N,"last_seq":N,"reason":"seq_gap"}
 *  {"type":"lost","time":T,"host":H,"reason":"overrun"}        (no count)
 *  {"type":"reset","time":T,"host":H,"previous_seq":N,"seq":N,"reason":"seq_backwards"}
 *  {"type":"note","time":T,"host":H,"note":"module_unloaded|module_loaded","message":S}
 *  {"type":"counters","time":T,"host":H,"events":N,"accesses":N,
 *   "folded_events":N,"summaries":N,"lost":N,
 *   "gaps":N,"overruns":N,"resets":N,"malformed":N,"journal_errors":N,
 *   "kind":{"mem":N,...,"unknown":N},"action":{"allow":N,"alert":N,"deny":N,"unknown":N}}
 *     ("kind" and "action" count accesses: a folded event counts COUNT.)
 *  {"type":"stats","time":T,"host":H,"mode":"audit|enforce","seen":N,
 *   "reported":N,"allowed":N,"alerted":N,"denied":N,"probes":N,
 *   "folded":N,"summaries":N,"subscribers":N,"priority_dropped":N,"held":N,
 *   "dropped":{"queue_full":N,"nomem":N,"no_listener":N,"send":N,"missed":N,
 *              "tracking":N},
 *   "kinds":{"mem":{"seen":N,"reported":N,"probed":bool},...}}
 *
 * In "lost", "reset" and "note" records "time" is the reader's clock when
 * it noticed; in "access" records it is the kernel's.
 */
#ifndef PMG_FORMAT_H
#define PMG_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "account.h"
#include "event.h"
#include "names.h"
#include "policy.h"

enum pmg_format {
	PMG_FMT_TEXT,
	PMG_FMT_JSON,
};

/* "1970-01-01T00:00:00.000000000Z" plus NUL fits; sized for year 99999. */
#define PMG_TIME_LEN 40

/* RFC 3339, UTC, nanoseconds, "Z" suffix.  Returns buf. */
char *pmg_format_time(uint64_t ns, char *buf, size_t size);

/* Current CLOCK_REALTIME in ns (when the reader notices something). */
uint64_t pmg_now_ns(void);

/* This host's name for the "host" key; "unknown" if it cannot be read. */
void pmg_hostname(char *buf, size_t size);


/*
 * An access event's plain numbers after its rule (count, first_seq,
 * bytes), as the three renderings show them: text "KEY=N", JSON
 * "KEY": N, journal JOURNAL=N.  One table, so a new number is one row.
 */
struct pmg_event_number {
	const char *key;
	const char *journal;
	uint64_t value;
};

#define PMG_EVENT_NUMBERS 3

/* The numbers ev has, in order; returns how many (<= PMG_EVENT_NUMBERS). */
size_t pmg_event_numbers(const struct pmguard_event *ev,
			 struct pmg_event_number out[PMG_EVENT_NUMBERS]);


/*
 * Write s to f so that it is one unambiguous token of printable ASCII:
 * bytes 0x21..0x7e are copied except the backslash, which is doubled;
 * everything else (space, controls, DEL, every non-ASCII byte) becomes
 * \xNN.  Escaping spaces keeps "key=value" fields splittable on blanks
 * and escaping non-ASCII keeps terminal-control and bidi tricks out.
 */
void pmg_escape_text(FILE *f, const char *s, size_t len);

/* One access event. host goes into JSON only. */
char *pmg_format_event(enum pmg_format fmt, const struct pmguard_event *ev,
		       const char *host);

/*
 * A mem read summary (PMGUARD_CMD_MEM_SUMMARY):
 *  {"type":"mem_summary","seq":N,"time":T,"host":H,"mitre":"T1003.007",
 *   "kind":K,"caller":{...},"target":{...},"reads":N,"bytes_read":N,
 *   "writes":N,"bytes_written":N,"first_offset":N,"last_offset":N,
 *   "duration_ns":N,"errors":N}
 * seq is the seq of the access event it summarizes; absent attributes
 * are omitted.  Text:
 *  T SUMMARY seq=N comm[pid] read B bytes in N reads (0xFIRST-0xLAST)
 *    from comm[pid] writes=N bytes_written=N errors=N duration=S.NNNNNNNNNs
 *    kind=K caller_uid=N caller_exe=P target_uid=N target_exe=P
 */
char *pmg_format_summary(enum pmg_format fmt, const struct pmguard_mem_summary *s,
			 const char *host);

/* Events lost, detected by a seq gap (r->verdict == PMG_SEQ_GAP). */
char *pmg_format_gap(enum pmg_format fmt, const struct pmg_seq_report *r,
		     uint64_t now_ns, const char *host);

/* The socket overran: some events lost, count known at the next gap. */
char *pmg_format_overrun(enum pmg_format fmt, uint64_t now_ns, const char *host);

/* The kernel's seq went backwards (r->verdict == PMG_SEQ_RESET). */
char *pmg_format_reset(enum pmg_format fmt, const struct pmg_seq_report *r,
		       uint64_t seq, uint64_t now_ns, const char *host);

/*
 * A note from the reader about the stream (family gone, re-subscribed):
 * JSON {"type":"note","time":...,"host":...,"note":"<what>","message":...}
 */
char *pmg_format_note(enum pmg_format fmt, const char *what, const char *message,
		      uint64_t now_ns, const char *host);

/*
 * The module's word on its own state (PMGUARD_CMD_GUARD): text
 * "TIME GUARD critical blind: MESSAGE", JSON {"type":"guard",...,
 * "state":"blind"|"seeing","severity":...,"message":...}.
 */
char *pmg_format_guard(enum pmg_format fmt, const struct pmg_guard *g,
		       uint64_t now_ns, const char *host);
const char *pmg_guard_state_name(uint32_t state);
const char *pmg_guard_message(uint32_t state);

/* The reader's counters: multi-line text block, or one JSON line. */
char *pmg_format_counters(enum pmg_format fmt, const struct pmg_counters *c,
			  uint64_t now_ns, const char *host);

/* The kernel's counters (pmguard stats): multi-line text, or one JSON line. */
char *pmg_format_stats(enum pmg_format fmt, const struct pmguard_stats *st,
		       uint64_t now_ns, const char *host);

/*
 * The running rules (pmguard policy list): a text table, or one JSON
 * array of objects
 *   {"index":N,"name":S,"action":A,"severity":S,"caller_exe":S,
 *    "caller_exe_dev":N,"caller_exe_ino":N,"caller_comm":S,"caller_uid":N,
 *    "target_exe":S,"target_exe_dev":N,"target_exe_ino":N,"target_comm":S,
 *    "kinds":[K,...],"access":["read","write"],"if":[F,...],
 *    "unless":[F,...],"stale":bool}
 * with absent fields (and empty masks, which match anything) omitted;
 * "stale" is always there.
 */
char *pmg_format_rules(enum pmg_format fmt, const struct pmg_rule *rules, size_t n);

/*
 * The module's configuration (pmguard config): text lines, or
 *   {"type":"config","time":T,"host":H,"mode":"audit|enforce",
 *    "locked":bool,"fold_ms":N,"default_action":A,"default_severity":S,
 *    "rules":N,"sensitive":[S,...]}
 * (keys of attributes the module did not send are omitted).
 */
char *pmg_format_config(enum pmg_format fmt, const struct pmg_config *cfg,
			uint64_t now_ns, const char *host);

#endif /* PMG_FORMAT_H */
