// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's stream logic end to end: messages built in memory go in,
 * the exact lines a user or a log shipper would read come out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>

#include <json.h>
#include <linux/genetlink.h>

#include "exit_codes.h"
#include "journal.h"
#include "monitor.h"
#include "testutil.h"

#define MAX_ENTRIES 16

/* What the monitor sent to the (fake) journal. */
struct journal_entry {
	int n;
	char *field[64];
	size_t len[64];
};

struct fixture {
	struct pmg_monitor m;
	char *buf;
	size_t size;
	FILE *out;
	int joined_group;
	int n_entries;
	struct journal_entry entry[MAX_ENTRIES];
	int journal_error;		/* returned by fake_journal when not 0 */
};

static int fake_journal(const struct iovec *iov, int n, void *ctx)
{
	struct fixture *fx = ctx;
	struct journal_entry *e;

	if (fx->journal_error)
		return fx->journal_error;
	assert_true(fx->n_entries < MAX_ENTRIES);
	assert_true(n <= 64);
	e = &fx->entry[fx->n_entries++];
	e->n = n;
	for (int i = 0; i < n; i++) {
		e->field[i] = malloc(iov[i].iov_len + 1);
		memcpy(e->field[i], iov[i].iov_base, iov[i].iov_len);
		e->field[i][iov[i].iov_len] = '\0';
		e->len[i] = iov[i].iov_len;
	}
	return 0;
}

/* "NAME=value" of an entry, or NULL. */
static const char *entry_field(const struct journal_entry *e, const char *name)
{
	size_t nlen = strlen(name);

	for (int i = 0; i < e->n; i++)
		if (strncmp(e->field[i], name, nlen) == 0 && e->field[i][nlen] == '=')
			return e->field[i] + nlen + 1;
	return NULL;
}

static int fake_join(void *ctx, int group)
{
	struct fixture *fx = ctx;

	fx->joined_group = group;
	return PMG_EXIT_OK;
}

static int setup(void **state, enum pmg_format fmt)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->out = open_memstream(&fx->buf, &fx->size);
	if (!fx->out)
		return -1;
	pmg_monitor_init(&fx->m, fmt, fx->out, "test output", TEST_FAMILY_ID);
	fx->m.join_group = fake_join;
	fx->m.join_ctx = fx;
	fx->joined_group = -1;
	*state = fx;
	return 0;
}

static int setup_text(void **state)
{
	return setup(state, PMG_FMT_TEXT);
}

static int setup_json(void **state)
{
	return setup(state, PMG_FMT_JSON);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	for (int i = 0; i < fx->n_entries; i++)
		for (int j = 0; j < fx->entry[i].n; j++)
			free(fx->entry[i].field[j]);

	fclose(fx->out);
	free(fx->buf);
	free(fx);
	return 0;
}

static void feed_msg(struct fixture *fx, struct nl_msg *msg)
{
	assert_non_null(msg);
	pmg_monitor_handle(&fx->m, nlmsg_hdr(msg));
	nlmsg_free(msg);
}

static void feed(struct fixture *fx, uint64_t seq)
{
	feed_msg(fx, test_full_event(seq));
}

/* The output so far, split into lines (at most max). */
static size_t lines(struct fixture *fx, char **line, size_t max)
{
	size_t n = 0;
	char *p;

	fflush(fx->out);
	for (p = fx->buf; p && *p && n < max; n++) {
		char *nl = strchr(p, '\n');

		assert_non_null(nl);	/* every record ends its line */
		line[n] = strndup(p, (size_t)(nl - p));
		p = nl + 1;
	}
	return n;
}

static void free_lines(char **line, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(line[i]);
}

static bool has(const char *line, const char *needle)
{
	if (strstr(line, needle))
		return true;
	print_error("line: %s\nlacks: %s\n", line, needle);
	return false;
}

static void test_text_stream_with_gap(void **state)
{
	struct fixture *fx = *state;
	char *line[8];
	size_t n;

	feed(fx, 10);	/* first event: not a loss */
	feed(fx, 11);
	feed(fx, 15);	/* 12..14 lost */
	n = lines(fx, line, 8);
	assert_int_equal(n, 4);
	assert_true(has(line[0], " seq=10 ALERT high mem read "));
	assert_true(has(line[1], " seq=11 "));
	assert_true(has(line[2], " LOST 3 events (seq 12..14)"));
	assert_true(has(line[3], " seq=15 "));
	assert_int_equal(fx->m.counters.events, 3);
	assert_int_equal(fx->m.counters.lost, 3);
	/* COUNT 3 each: per kind and action, accesses are counted. */
	assert_int_equal(fx->m.counters.by_kind[PMGUARD_KIND_MEM], 9);
	assert_int_equal(fx->m.counters.by_action[PMGUARD_ACTION_ALERT], 9);
	assert_int_equal(fx->m.counters.accesses, 9);
	free_lines(line, n);
}

static void test_json_stream_reset_and_overrun(void **state)
{
	struct fixture *fx = *state;
	struct json_object *obj;
	char *line[8];
	size_t n;

	feed(fx, 7);
	pmg_monitor_overrun(&fx->m);
	feed(fx, 9);	/* the gap gives the overrun's count */
	feed(fx, 2);	/* module reloaded */
	n = lines(fx, line, 8);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		obj = json_tokener_parse(line[i]);
		assert_non_null(obj);
		json_object_put(obj);
	}
	assert_true(has(line[0], "\"type\":\"access\",\"seq\":7,"));
	assert_true(has(line[1], "\"type\":\"lost\""));
	assert_true(has(line[1], "\"reason\":\"overrun\""));
	assert_true(has(line[2], "\"count\":1,\"first_seq\":8,\"last_seq\":8,\"reason\":\"seq_gap\""));
	assert_true(has(line[3], "\"seq\":9,"));
	assert_true(has(line[4], "\"type\":\"reset\""));
	assert_true(has(line[4], "\"previous_seq\":9,\"seq\":2,"));
	assert_true(has(line[5], "\"seq\":2,"));
	assert_int_equal(fx->m.counters.overruns, 1);
	assert_int_equal(fx->m.counters.lost, 1);	/* not double counted */
	assert_int_equal(fx->m.counters.resets, 1);
	free_lines(line, n);
}

static void test_json_counters_in_stream(void **state)
{
	struct fixture *fx = *state;
	char *line[4];
	size_t n;

	feed(fx, 1);
	pmg_monitor_print_counters(&fx->m, stderr);
	n = lines(fx, line, 4);
	assert_int_equal(n, 2);
	assert_true(has(line[1], "{\"type\":\"counters\","));
	assert_true(has(line[1], "\"events\":1,"));
	free_lines(line, n);
}

static void test_text_counters_not_in_stream(void **state)
{
	struct fixture *fx = *state;
	char *buf = NULL, *line[4];
	size_t size = 0, n;
	FILE *err = open_memstream(&buf, &size);

	feed(fx, 1);
	pmg_monitor_print_counters(&fx->m, err);
	fclose(err);
	n = lines(fx, line, 4);
	assert_int_equal(n, 1);
	assert_true(has(buf, "pmguard counters: events=1 "));
	free(buf);
	free_lines(line, n);
}

static void test_other_messages_ignored(void **state)
{
	struct fixture *fx = *state;
	struct nl_msg *msg = nlmsg_alloc();
	char *line[4];

	/* Another family's message, and an unknown command of ours. */
	assert_non_null(genlmsg_put(msg, 0, 0, TEST_FAMILY_ID + 1, 0, 0,
				    PMGUARD_CMD_EVENT, 1));
	assert_int_equal(nla_put_u64(msg, PMGUARD_A_SEQ, 99), 0);
	feed_msg(fx, msg);
	feed_msg(fx, test_msg_new(__PMGUARD_CMD_MAX + 3));
	assert_int_equal(lines(fx, line, 4), 0);
	assert_int_equal(fx->m.counters.events, 0);
	assert_false(fx->m.stop);
}

static void test_malformed_counted(void **state)
{
	struct fixture *fx = *state;
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	uint16_t two = 2;
	char *line[4];

	assert_int_equal(nla_put(msg, PMGUARD_A_KIND, sizeof(two), &two), 0);
	feed_msg(fx, msg);
	feed_msg(fx, nlmsg_alloc_simple(TEST_FAMILY_ID, 0));	/* no genl header */
	assert_int_equal(fx->m.counters.malformed, 2);
	assert_int_equal(lines(fx, line, 4), 0);
}

static struct nl_msg *ctrl_msg(uint8_t cmd, const char *family, int family_id,
			       int events_group)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *groups, *grp;

	genlmsg_put(msg, 0, 0, GENL_ID_CTRL, 0, 0, cmd, 2);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, family);
	if (family_id >= 0)
		nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, (uint16_t)family_id);
	if (events_group >= 0) {
		groups = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
		grp = nla_nest_start(msg, 1);
		nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "events");
		nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, (uint32_t)events_group);
		nla_nest_end(msg, grp);
		nla_nest_end(msg, groups);
	}
	return msg;
}

/* Module unloaded and loaded again with a new family id: follow it. */
static void test_module_reload(void **state)
{
	struct fixture *fx = *state;
	char *line[8];
	size_t n;
	struct nl_msg *msg;

	feed(fx, 40);
	feed_msg(fx, ctrl_msg(CTRL_CMD_DELFAMILY, "other", 0x30, -1));
	feed_msg(fx, ctrl_msg(CTRL_CMD_DELFAMILY, "pmguard", TEST_FAMILY_ID, -1));
	feed_msg(fx, ctrl_msg(CTRL_CMD_NEWFAMILY, "pmguard", 0x33, 12));
	assert_int_equal(fx->joined_group, 12);
	assert_int_equal(fx->m.family, 0x33);

	/* Events now carry the new family id and start again at 1. */
	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, 0x33, 0, 0, PMGUARD_CMD_EVENT, 1);
	nla_put_u64(msg, PMGUARD_A_SEQ, 3);
	feed_msg(fx, msg);

	n = lines(fx, line, 8);
	assert_int_equal(n, 4);
	assert_true(has(line[0], " seq=40 "));
	assert_true(has(line[1], " NOTE module_unloaded: "));
	assert_true(has(line[2], " NOTE module_loaded: "));
	assert_true(has(line[3], " seq=3 "));	/* no LOST, no RESET line */
	assert_int_equal(fx->m.counters.lost, 0);
	assert_int_equal(fx->m.counters.resets, 0);
	free_lines(line, n);
}

static int failing_join(void *ctx, int group)
{
	(void)ctx;
	(void)group;
	return PMG_EXIT_PERMISSION;
}

static void test_rejoin_failure_stops(void **state)
{
	struct fixture *fx = *state;

	fx->m.join_group = failing_join;
	feed_msg(fx, ctrl_msg(CTRL_CMD_NEWMCAST_GRP, "pmguard", 0x33, 12));
	assert_true(fx->m.stop);
	assert_int_equal(fx->m.status, PMG_EXIT_ERROR);
}

/* A write error stops the monitor with exit code 5, once. */
static void test_output_error(void **state)
{
	struct fixture *fx = *state;
	FILE *full = fopen("/dev/full", "w");

	if (!full)
		skip();
	fx->m.out = full;
	feed(fx, 1);
	assert_true(fx->m.stop);
	assert_true(fx->m.out_failed);
	assert_int_equal(fx->m.status, PMG_EXIT_OUTPUT);
	feed(fx, 2);	/* no second attempt, no second message */
	assert_int_equal(fx->m.status, PMG_EXIT_OUTPUT);
	fx->m.out = fx->out;
	fclose(full);
}

/* Summaries carry the seq of their access: no gap, no reset, not an event. */
static void test_summaries_not_in_seq_accounting(void **state)
{
	struct fixture *fx = *state;
	struct json_object *obj;
	char *line[8];
	size_t n;

	feed(fx, 10);
	feed_msg(fx, test_summary(10));
	feed_msg(fx, test_summary(3));		/* an old one: not a reset */
	feed_msg(fx, test_summary(500));	/* not a gap either */
	feed(fx, 11);
	n = lines(fx, line, 8);
	assert_int_equal(n, 5);
	obj = json_tokener_parse(line[1]);
	assert_non_null(obj);
	assert_string_equal(json_object_get_string(json_object_object_get(obj, "type")),
			    "mem_summary");
	assert_int_equal(json_object_get_int64(json_object_object_get(obj, "seq")), 10);
	json_object_put(obj);
	assert_non_null(strstr(line[4], "\"type\":\"access\",\"seq\":11,"));
	assert_int_equal(fx->m.counters.events, 2);
	assert_int_equal(fx->m.counters.summaries, 3);
	assert_int_equal(fx->m.counters.lost, 0);
	assert_int_equal(fx->m.counters.gaps, 0);
	assert_int_equal(fx->m.counters.resets, 0);
	free_lines(line, n);
}

static void test_folded_in_stream(void **state)
{
	struct fixture *fx = *state;
	char *line[4];
	size_t n;

	/*
	 * The burst's first access is reported at once (73); the accesses
	 * folded after it take no seq of their own; the folded event gets the
	 * next seq and names the first one: no gap.
	 */
	feed(fx, 73);
	feed_msg(fx, test_folded_event(74, 17, 73));
	n = lines(fx, line, 4);
	assert_int_equal(n, 2);
	assert_true(has(line[1], " seq=74 ALERT low maps read result=0 rule=own-uid "
			"count=17 first_seq=73 "));
	assert_true(has(line[1], " flags=same_uid,folded"));
	assert_int_equal(fx->m.counters.lost, 0);
	assert_int_equal(fx->m.counters.accesses, 3 + 17);
	free_lines(line, n);
}

static void test_journal_and_stream(void **state)
{
	struct fixture *fx = *state;
	char *line[8];
	size_t n;

	fx->m.journal = true;
	fx->m.journal_send = fake_journal;
	fx->m.journal_ctx = fx;
	feed(fx, 10);
	feed(fx, 13);				/* 11..12 lost */
	feed_msg(fx, test_summary(13));
	pmg_monitor_overrun(&fx->m);

	n = lines(fx, line, 8);
	assert_int_equal(n, 5);			/* JSON stream unchanged */
	assert_int_equal(fx->n_entries, 5);
	assert_string_equal(entry_field(&fx->entry[0], "MESSAGE_ID"), PMG_JOURNAL_ID_ACCESS);
	assert_string_equal(entry_field(&fx->entry[0], "PMGUARD_SEQ"), "10");
	assert_string_equal(entry_field(&fx->entry[0], "PRIORITY"), "3");
	/* MESSAGE is the text line even when the stream is JSON. */
	assert_non_null(strstr(entry_field(&fx->entry[0], "MESSAGE"),
			       " seq=10 ALERT high mem read "));
	assert_string_equal(entry_field(&fx->entry[1], "MESSAGE_ID"), PMG_JOURNAL_ID_LOST);
	assert_string_equal(entry_field(&fx->entry[1], "PMGUARD_LOST_COUNT"), "2");
	assert_non_null(strstr(entry_field(&fx->entry[1], "MESSAGE"), " LOST 2 events (seq 11..12)"));
	assert_string_equal(entry_field(&fx->entry[2], "PMGUARD_SEQ"), "13");
	assert_string_equal(entry_field(&fx->entry[3], "MESSAGE_ID"), PMG_JOURNAL_ID_SUMMARY);
	assert_non_null(strstr(entry_field(&fx->entry[3], "MESSAGE"), " SUMMARY seq=13 "));
	assert_string_equal(entry_field(&fx->entry[4], "PMGUARD_REASON"), "overrun");
	assert_int_equal(fx->m.counters.journal_errors, 0);
	free_lines(line, n);
}

/* --journal alone: nothing on the stream, counters on stderr (text_out). */
static void test_journal_only(void **state)
{
	struct fixture *fx = *state;
	char *tbuf = NULL;
	size_t tsize = 0;
	FILE *text_out = open_memstream(&tbuf, &tsize);

	fx->m.journal = true;
	fx->m.stream = false;
	fx->m.journal_send = fake_journal;
	fx->m.journal_ctx = fx;
	feed(fx, 1);
	feed_msg(fx, test_folded_event(3, 5, 1));	/* seq 2 lost */
	pmg_monitor_print_counters(&fx->m, text_out);
	fclose(text_out);
	fflush(fx->out);
	assert_int_equal(fx->size, 0);
	assert_int_equal(fx->n_entries, 3);	/* event, lost 2..2, folded event */
	assert_string_equal(entry_field(&fx->entry[1], "PMGUARD_LOST_COUNT"), "1");
	assert_string_equal(entry_field(&fx->entry[2], "PMGUARD_COUNT"), "5");
	assert_non_null(strstr(tbuf, "pmguard counters: events=2 accesses=8 lost=1 "));
	free(tbuf);
	assert_int_equal(fx->m.status, PMG_EXIT_OK);
}

/* The journal refusing entries is counted (and warned once), not fatal. */
static void test_journal_errors_counted(void **state)
{
	struct fixture *fx = *state;
	char *line[4];
	size_t n;

	fx->m.journal = true;
	fx->m.journal_send = fake_journal;
	fx->m.journal_ctx = fx;
	fx->journal_error = -ECONNREFUSED;
	feed(fx, 1);
	feed(fx, 2);
	fx->journal_error = 0;
	feed(fx, 3);
	n = lines(fx, line, 4);
	assert_int_equal(n, 3);
	assert_int_equal(fx->n_entries, 1);
	assert_int_equal(fx->m.counters.journal_errors, 2);
	assert_false(fx->m.stop);
	assert_false(fx->m.journal_failing);
	free_lines(line, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text_stream_with_gap, setup_text, teardown),
		cmocka_unit_test_setup_teardown(test_json_stream_reset_and_overrun, setup_json, teardown),
		cmocka_unit_test_setup_teardown(test_json_counters_in_stream, setup_json, teardown),
		cmocka_unit_test_setup_teardown(test_text_counters_not_in_stream, setup_text, teardown),
		cmocka_unit_test_setup_teardown(test_other_messages_ignored, setup_text, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_counted, setup_text, teardown),
		cmocka_unit_test_setup_teardown(test_module_reload, setup_text, teardown),
		cmocka_unit_test_setup_teardown(test_rejoin_failure_stops, setup_text, teardown),
		cmocka_unit_test_setup_teardown(test_output_error, setup_json, teardown),
		cmocka_unit_test_setup_teardown(test_summaries_not_in_seq_accounting,
						setup_json, teardown),
		cmocka_unit_test_setup_teardown(test_folded_in_stream, setup_text, teardown),
		cmocka_unit_test_setup_teardown(test_journal_and_stream, setup_json, teardown),
		cmocka_unit_test_setup_teardown(test_journal_only, setup_text, teardown),
		cmocka_unit_test_setup_teardown(test_journal_errors_counted, setup_text,
						teardown),
	};

	return cmocka_run_group_tests_name("monitor stream", tests, NULL, NULL);
}
