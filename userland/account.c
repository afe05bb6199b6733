// SPDX-License-Identifier: GPL-2.0
/* Sequence-gap detection and counters; the rules are in account.h. */
#include "account.h"

struct pmg_seq_report pmg_seq_observe(struct pmg_seq_tracker *t, uint64_t seq)
{
	struct pmg_seq_report r = { .verdict = PMG_SEQ_NEXT };

	if (!t->started) {
		r.verdict = PMG_SEQ_FIRST;
	} else if (seq <= t->last) {
		r.verdict = PMG_SEQ_RESET;
		r.previous = t->last;
	} else if (seq - t->last > 1) {
		r.verdict = PMG_SEQ_GAP;
		r.previous = t->last;
		r.first_lost = t->last + 1;
		r.last_lost = seq - 1;
		r.lost = seq - t->last - 1;
	}
	t->started = true;
	t->last = seq;
	return r;
}

void pmg_seq_forget(struct pmg_seq_tracker *t)
{
	t->started = false;
	t->last = 0;
}

void pmg_counters_add_event(struct pmg_counters *c, const struct pmguard_event *ev)
{
	/* COUNT 0 would be a kernel bug; still one event, so one access. */
	uint64_t n = pmg_event_has(ev, PMGUARD_A_COUNT) && ev->count > 0 ? ev->count : 1;
	size_t k = __PMGUARD_KIND_MAX, a = __PMGUARD_ACTION_MAX;

	c->events++;
	c->accesses += n;
	if (n > 1)
		c->folded_events++;
	if (pmg_event_has(ev, PMGUARD_A_FLAGS) && (ev->flags & PMGUARD_F_CROSS_CONTAINER))
		c->cross_container += n;

	if (pmg_event_has(ev, PMGUARD_A_KIND) && ev->kind != PMGUARD_KIND_UNSPEC &&
	    ev->kind < __PMGUARD_KIND_MAX) {
		k = ev->kind;
		c->by_kind[k] += n;
	} else {
		c->kind_unknown += n;
	}

	if (pmg_event_has(ev, PMGUARD_A_ACTION) && ev->action < __PMGUARD_ACTION_MAX) {
		a = ev->action;
		c->by_action[a] += n;
	} else {
		c->action_unknown += n;
	}
	c->by_kind_action[k][a] += n;
}

void pmg_counters_add_seq(struct pmg_counters *c, const struct pmg_seq_report *r)
{
	switch (r->verdict) {
	case PMG_SEQ_GAP:
		c->gaps++;
		c->lost += r->lost;
		break;
	case PMG_SEQ_RESET:
		c->resets++;
		break;
	case PMG_SEQ_FIRST:
	case PMG_SEQ_NEXT:
		break;
	}
}
