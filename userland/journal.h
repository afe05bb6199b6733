/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records as systemd journal entries (pmguard monitor --journal).
 *
 * The field list is built by pure functions into an iovec array, one
 * "NAME=value" per element, and handed to sd_journal_sendv() by the
 * caller; the tests inspect the array instead of a journal.  Values are
 * the raw bytes the kernel sent (comm and exe are untrusted and may hold
 * newlines, quotes, invalid UTF-8): sd_journal_sendv() switches to the
 * length-prefixed (binary-safe) encoding for values with a newline, so
 * no value can end its field early or add another.  MESSAGE= is the text
 * line of "pmguard monitor", which is escaped printable ASCII.
 *
 * Every entry: MESSAGE_ID, MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=pmguard,
 * PMGUARD_TYPE (access|mem_summary|lost|reset|note).
 *
 * access (MESSAGE_ID PMG_JOURNAL_ID_ACCESS), PRIORITY from the severity
 * (critical 2, high 3, medium 4, low 5, info 6; absent or unknown 4):
 *   PMGUARD_SEQ PMGUARD_KIND PMGUARD_ACCESS PMGUARD_RESULT PMGUARD_ACTION
 *   PMGUARD_SEVERITY PMGUARD_RULE PMGUARD_MITRE=T1003.007 PMGUARD_COUNT
 *   PMGUARD_FIRST_SEQ PMGUARD_FLAGS (comma-separated names, empty if none)
 *   PMGUARD_CALLER_{PID,TID,PPID,UID,EUID,LOGINUID,COMM,EXE}
 *   PMGUARD_TARGET_{PID,TID,UID,COMM,EXE}
 * mem_summary (PMG_JOURNAL_ID_SUMMARY), PRIORITY 5 (notice):
 *   PMGUARD_SEQ PMGUARD_KIND PMGUARD_MITRE the caller and target fields,
 *   PMGUARD_{READS,BYTES_READ,WRITES,BYTES_WRITTEN,FIRST_OFFSET,
 *   LAST_OFFSET,DURATION_NS,ERRORS} (decimal)
 * lost (PMG_JOURNAL_ID_LOST), PRIORITY 4: PMGUARD_REASON=seq_gap|overrun,
 *   PMGUARD_LOST_COUNT PMGUARD_FIRST_SEQ PMGUARD_LAST_SEQ (seq_gap only)
 * reset and note (no MESSAGE_ID), PRIORITY 5: PMGUARD_PREVIOUS_SEQ and
 *   PMGUARD_SEQ (reset), PMGUARD_NOTE (note).
 * guard (PMG_JOURNAL_ID_GUARD), PRIORITY from the severity (blind:
 *   critical, 2): PMGUARD_GUARD=blind|seeing PMGUARD_SEVERITY.
 * Fields whose attribute the kernel did not send are left out.
 * Numbers are decimal; loginuid (u32)-1 is -1; enum values unknown to
 * this reader are "unknown(N)", as in JSON.
 */
#ifndef PMG_JOURNAL_H
#define PMG_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "account.h"
#include "event.h"

#define PMG_JOURNAL_ID_ACCESS	"885e59c8c4dd42a2b6fcea927a46171c"
#define PMG_JOURNAL_ID_SUMMARY	"e490b2b8871b432e898c9222b444976f"
#define PMG_JOURNAL_ID_LOST	"6ed1755d40f9472591994672428296a6"
#define PMG_JOURNAL_ID_GUARD	"fc0cb8ed58134a3b98a9543a62d46fdb"

#define PMG_JOURNAL_MAX_FIELDS	96

struct pmg_journal_fields {
	size_t n;
	bool failed;		/* out of memory (or too many fields): do not send */
	struct iovec iov[PMG_JOURNAL_MAX_FIELDS];
};

/* syslog priority for an event's severity. */
int pmg_journal_priority(bool has_severity, uint32_t severity);

/*
 * Fill f (from scratch) for one record; message is the MESSAGE= text.
 * Return 0, or -1 on ENOMEM (f is then freed).  pmg_journal_free()
 * releases the strings after sending.
 */
int pmg_journal_event(struct pmg_journal_fields *f, const struct pmguard_event *ev,
		      const char *message);
int pmg_journal_summary(struct pmg_journal_fields *f,
			const struct pmguard_mem_summary *s, const char *message);
/* r is the gap report, or NULL for a receive-buffer overrun. */
int pmg_journal_lost(struct pmg_journal_fields *f, const struct pmg_seq_report *r,
		     const char *message);
int pmg_journal_reset(struct pmg_journal_fields *f, const struct pmg_seq_report *r,
		      uint64_t seq, const char *message);
/* A guard record: MESSAGE_ID PMG_JOURNAL_ID_GUARD, PRIORITY from severity. */
int pmg_journal_guard(struct pmg_journal_fields *f, const struct pmg_guard *g);

int pmg_journal_note(struct pmg_journal_fields *f, const char *what,
		     const char *message);

void pmg_journal_free(struct pmg_journal_fields *f);

#endif /* PMG_JOURNAL_H */
