// SPDX-License-Identifier: GPL-2.0
/* Sequence-gap accounting and the reader's counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "account.h"

static struct pmg_seq_report feed(struct pmg_seq_tracker *t, uint64_t seq)
{
	return pmg_seq_observe(t, seq);
}

/* The reader may start late: whatever the first seq, nothing is lost. */
static void test_first_event_is_not_a_loss(void **state)
{
	struct pmg_seq_tracker t = { 0 };
	struct pmg_seq_report r = feed(&t, 1000);

	(void)state;
	assert_int_equal(r.verdict, PMG_SEQ_FIRST);
	assert_int_equal(r.lost, 0);
}

static void test_no_gap(void **state)
{
	struct pmg_seq_tracker t = { 0 };

	(void)state;
	assert_int_equal(feed(&t, 1).verdict, PMG_SEQ_FIRST);
	for (uint64_t s = 2; s < 100; s++) {
		struct pmg_seq_report r = feed(&t, s);

		assert_int_equal(r.verdict, PMG_SEQ_NEXT);
		assert_int_equal(r.lost, 0);
	}
}

static void test_gap_of_one(void **state)
{
	struct pmg_seq_tracker t = { 0 };
	struct pmg_seq_report r;

	(void)state;
	feed(&t, 5);
	r = feed(&t, 7);
	assert_int_equal(r.verdict, PMG_SEQ_GAP);
	assert_int_equal(r.lost, 1);
	assert_int_equal(r.first_lost, 6);
	assert_int_equal(r.last_lost, 6);
	assert_int_equal(r.previous, 5);
	assert_int_equal(feed(&t, 8).verdict, PMG_SEQ_NEXT);
}

static void test_gap_of_many(void **state)
{
	struct pmg_seq_tracker t = { 0 };
	struct pmg_seq_report r;

	(void)state;
	feed(&t, 10);
	r = feed(&t, 1000);
	assert_int_equal(r.verdict, PMG_SEQ_GAP);
	assert_int_equal(r.lost, 989);
	assert_int_equal(r.first_lost, 11);
	assert_int_equal(r.last_lost, 999);
}

/* Module reloaded: numbering restarts; not a loss, tracking restarts. */
static void test_backwards_seq_resets(void **state)
{
	struct pmg_seq_tracker t = { 0 };
	struct pmg_seq_report r;

	(void)state;
	feed(&t, 50);
	r = feed(&t, 3);
	assert_int_equal(r.verdict, PMG_SEQ_RESET);
	assert_int_equal(r.previous, 50);
	assert_int_equal(r.lost, 0);
	assert_int_equal(feed(&t, 4).verdict, PMG_SEQ_NEXT);
	r = feed(&t, 6);
	assert_int_equal(r.verdict, PMG_SEQ_GAP);
	assert_int_equal(r.lost, 1);
}

/* Reloaded module's first event can repeat our last seq (e.g. 1 then 1). */
static void test_repeated_seq_resets(void **state)
{
	struct pmg_seq_tracker t = { 0 };

	(void)state;
	feed(&t, 1);
	assert_int_equal(feed(&t, 1).verdict, PMG_SEQ_RESET);
	assert_int_equal(feed(&t, 2).verdict, PMG_SEQ_NEXT);
}

static void test_forget(void **state)
{
	struct pmg_seq_tracker t = { 0 };

	(void)state;
	feed(&t, 10);
	pmg_seq_forget(&t);
	assert_int_equal(feed(&t, 500).verdict, PMG_SEQ_FIRST);
	assert_int_equal(feed(&t, 501).verdict, PMG_SEQ_NEXT);
}

static void test_seq_near_u64_max(void **state)
{
	struct pmg_seq_tracker t = { 0 };
	struct pmg_seq_report r;

	(void)state;
	feed(&t, 1);
	r = feed(&t, UINT64_MAX);
	assert_int_equal(r.verdict, PMG_SEQ_GAP);
	assert_int_equal(r.lost, UINT64_MAX - 2);
	assert_int_equal(r.last_lost, UINT64_MAX - 1);
	pmg_seq_forget(&t);
	feed(&t, UINT64_MAX - 1);
	assert_int_equal(feed(&t, UINT64_MAX).verdict, PMG_SEQ_NEXT);
}

static struct pmguard_event event(uint32_t kind, uint32_t action)
{
	struct pmguard_event ev = { 0 };

	ev.present = (1ull << PMGUARD_A_KIND) | (1ull << PMGUARD_A_ACTION);
	ev.kind = kind;
	ev.action = action;
	return ev;
}

static void test_counters_by_kind_and_action(void **state)
{
	struct pmg_counters c = { 0 };
	struct pmguard_event ev;

	(void)state;
	ev = event(PMGUARD_KIND_MEM, PMGUARD_ACTION_ALERT);
	pmg_counters_add_event(&c, &ev);
	pmg_counters_add_event(&c, &ev);
	ev = event(PMGUARD_KIND_ENVIRON, PMGUARD_ACTION_DENY);
	pmg_counters_add_event(&c, &ev);
	ev = event(PMGUARD_KIND_AUXV, PMGUARD_ACTION_ALLOW);
	pmg_counters_add_event(&c, &ev);

	assert_int_equal(c.events, 4);
	assert_int_equal(c.accesses, 4);
	assert_int_equal(c.by_kind[PMGUARD_KIND_MEM], 2);
	assert_int_equal(c.by_kind[PMGUARD_KIND_ENVIRON], 1);
	assert_int_equal(c.by_kind[PMGUARD_KIND_AUXV], 1);
	assert_int_equal(c.by_kind[PMGUARD_KIND_MAPS], 0);
	assert_int_equal(c.by_action[PMGUARD_ACTION_ALERT], 2);
	assert_int_equal(c.by_action[PMGUARD_ACTION_DENY], 1);
	assert_int_equal(c.by_action[PMGUARD_ACTION_ALLOW], 1);
	assert_int_equal(c.kind_unknown, 0);
	assert_int_equal(c.action_unknown, 0);
}

static void test_counters_unknown_and_absent(void **state)
{
	struct pmg_counters c = { 0 };
	struct pmguard_event ev;

	(void)state;
	ev = event(99, 42);
	pmg_counters_add_event(&c, &ev);
	ev = event(PMGUARD_KIND_UNSPEC, PMGUARD_ACTION_ALLOW);
	pmg_counters_add_event(&c, &ev);
	ev = (struct pmguard_event){ 0 };	/* neither attribute sent */
	pmg_counters_add_event(&c, &ev);

	assert_int_equal(c.events, 3);
	assert_int_equal(c.kind_unknown, 3);
	assert_int_equal(c.action_unknown, 2);
	assert_int_equal(c.by_action[PMGUARD_ACTION_ALLOW], 1);
}

static void test_counters_count_attribute(void **state)
{
	struct pmg_counters c = { 0 };
	struct pmguard_event ev = event(PMGUARD_KIND_MEM, PMGUARD_ACTION_ALERT);

	(void)state;
	ev.present |= 1ull << PMGUARD_A_COUNT;
	ev.count = 10;
	pmg_counters_add_event(&c, &ev);
	assert_int_equal(c.events, 1);
	assert_int_equal(c.accesses, 10);
	assert_int_equal(c.folded_events, 1);
	/* Per kind and action, a folded event counts every access it stands for. */
	assert_int_equal(c.by_kind[PMGUARD_KIND_MEM], 10);
	assert_int_equal(c.by_action[PMGUARD_ACTION_ALERT], 10);
	assert_int_equal(c.by_kind_action[PMGUARD_KIND_MEM][PMGUARD_ACTION_ALERT], 10);

	/* COUNT 1 is not folded; COUNT 0 (a kernel bug) still one access. */
	ev.count = 1;
	pmg_counters_add_event(&c, &ev);
	ev.count = 0;
	pmg_counters_add_event(&c, &ev);
	assert_int_equal(c.events, 3);
	assert_int_equal(c.accesses, 12);
	assert_int_equal(c.folded_events, 1);
	assert_int_equal(c.by_kind[PMGUARD_KIND_MEM], 12);
	assert_int_equal(c.cross_container, 0);
	/* A folded cross-container event counts every access it stands for. */
	ev.present |= 1ull << PMGUARD_A_FLAGS;
	ev.flags = PMGUARD_F_CROSS_CONTAINER | PMGUARD_F_FROM_CONTAINER;
	ev.count = 4;
	pmg_counters_add_event(&c, &ev);
	assert_int_equal(c.cross_container, 4);

	/* Unknown kind and action land in the matrix's last row and column. */
	ev = event(99, 42);
	ev.present |= 1ull << PMGUARD_A_COUNT;
	ev.count = 5;
	pmg_counters_add_event(&c, &ev);
	assert_int_equal(c.kind_unknown, 5);
	assert_int_equal(c.action_unknown, 5);
	assert_int_equal(c.by_kind_action[__PMGUARD_KIND_MAX][__PMGUARD_ACTION_MAX], 5);
}

static void test_counters_from_seq(void **state)
{
	struct pmg_seq_tracker t = { 0 };
	struct pmg_counters c = { 0 };
	static const uint64_t seqs[] = { 3, 4, 7, 8, 20, 2, 3, 5 };
	struct pmg_seq_report r;

	(void)state;
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		r = feed(&t, seqs[i]);
		pmg_counters_add_seq(&c, &r);
	}
	/* 5,6 + 9..19 + 4 lost; one reset (20 -> 2). */
	assert_int_equal(c.lost, 2 + 11 + 1);
	assert_int_equal(c.gaps, 3);
	assert_int_equal(c.resets, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_event_is_not_a_loss),
		cmocka_unit_test(test_no_gap),
		cmocka_unit_test(test_gap_of_one),
		cmocka_unit_test(test_gap_of_many),
		cmocka_unit_test(test_backwards_seq_resets),
		cmocka_unit_test(test_repeated_seq_resets),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_seq_near_u64_max),
		cmocka_unit_test(test_counters_by_kind_and_action),
		cmocka_unit_test(test_counters_unknown_and_absent),
		cmocka_unit_test(test_counters_count_attribute),
		cmocka_unit_test(test_counters_from_seq),
	};

	return cmocka_run_group_tests_name("seq accounting and counters", tests, NULL, NULL);
}
