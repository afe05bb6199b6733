/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bookkeeping of the event stream: sequence-gap detection and counters.
 *
 * The kernel numbers events 1, 2, 3, ... (PMGUARD_A_SEQ), one per event,
 * restarting when the module is loaded again.  From the numbers alone we
 * can tell exactly how many events we missed:
 *
 *  - The first event seen is never a loss, whatever its number: the
 *    reader may start long after the module, and what happened before we
 *    subscribed was never ours to receive.
 *  - seq == last + 1: nothing lost.
 *  - seq  > last + 1: seq - last - 1 events lost (last+1 .. seq-1).  This
 *    is the only place losses are counted, also after a socket overrun
 *    (ENOBUFS), whose own size the kernel does not tell us.
 *  - seq <= last: the numbering restarted (module reloaded).  Not a loss:
 *    tracking restarts as if this were the first event.
 */
#ifndef PMG_ACCOUNT_H
#define PMG_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

struct pmg_seq_tracker {
	bool started;
	uint64_t last;
};

enum pmg_seq_verdict {
	PMG_SEQ_FIRST,		/* first event since start (or since a reset) */
	PMG_SEQ_NEXT,		/* the expected successor */
	PMG_SEQ_GAP,		/* events were lost */
	PMG_SEQ_RESET,		/* numbering went backwards */
};

struct pmg_seq_report {
	enum pmg_seq_verdict verdict;
	uint64_t lost;		/* PMG_SEQ_GAP: number of events lost */
	uint64_t first_lost;	/* PMG_SEQ_GAP: first missing seq */
	uint64_t last_lost;	/* PMG_SEQ_GAP: last missing seq */
	uint64_t previous;	/* GAP/RESET: last seq seen before this one */
};

/* Feed the next seq; tells what it means for the stream. */
struct pmg_seq_report pmg_seq_observe(struct pmg_seq_tracker *t, uint64_t seq);

/* Forget the stream: the next seq is a first one (family went away). */
void pmg_seq_forget(struct pmg_seq_tracker *t);

/*
 * What the reader saw since it started.  A folded event (PMGUARD_A_COUNT
 * > 1) stands for COUNT accesses: "events" counts messages, everything
 * per kind and action counts accesses, so folding loses nothing from the
 * numbers.  Index __PMGUARD_KIND_MAX / __PMGUARD_ACTION_MAX of the
 * matrix is "unknown" (absent, UNSPEC or newer than this reader).
 */
struct pmg_counters {
	uint64_t events;			/* access event messages received */
	uint64_t accesses;			/* sum of PMGUARD_A_COUNT (1 if absent) */
	uint64_t folded_events;			/* events with COUNT > 1 */
	uint64_t cross_container;		/* accesses flagged cross_container */
	uint64_t by_kind[__PMGUARD_KIND_MAX];	/* accesses; index 0 (UNSPEC) unused */
	uint64_t kind_unknown;			/* absent, UNSPEC or newer kind */
	uint64_t by_action[__PMGUARD_ACTION_MAX];	/* accesses */
	uint64_t action_unknown;		/* absent or newer action */
	uint64_t by_kind_action[__PMGUARD_KIND_MAX + 1][__PMGUARD_ACTION_MAX + 1];
	uint64_t summaries;			/* mem summaries received */
	uint64_t lost;				/* events lost, from seq gaps */
	uint64_t gaps;				/* number of seq gaps */
	uint64_t overruns;			/* socket receive overruns */
	uint64_t resets;			/* seq went backwards */
	uint64_t malformed;			/* messages we could not decode */
	uint64_t journal_errors;		/* entries the journal refused */
};

/* Count one decoded event. */
void pmg_counters_add_event(struct pmg_counters *c, const struct pmguard_event *ev);

/* Count what a seq report says (gap sizes, resets). */
void pmg_counters_add_seq(struct pmg_counters *c, const struct pmg_seq_report *r);

#endif /* PMG_ACCOUNT_H */
