// SPDX-License-Identifier: GPL-2.0
/*
 * Journal entries: the exact field list of each record, the priority
 * mapping, and hostile comm/exe bytes that must stay inside their own
 * field (sd_journal_sendv() sends values with a newline length-prefixed,
 * so the only requirement on our side is one iovec per field with a
 * fixed, valid name).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "journal.h"
#include "testutil.h"

/* The value of field name, or NULL; *count gets how many there are. */
static const char *field(const struct pmg_journal_fields *f, const char *name,
			 size_t *len, int *count)
{
	size_t nlen = strlen(name);
	const char *found = NULL;
	int n = 0;

	for (size_t i = 0; i < f->n; i++) {
		const char *s = f->iov[i].iov_base;

		if (f->iov[i].iov_len > nlen && memcmp(s, name, nlen) == 0 && s[nlen] == '=') {
			if (!found) {
				found = s + nlen + 1;
				if (len)
					*len = f->iov[i].iov_len - nlen - 1;
			}
			n++;
		}
	}
	if (count)
		*count = n;
	return found;
}

static void assert_field(const struct pmg_journal_fields *f, const char *name,
			 const char *want)
{
	size_t len = 0;
	int count;
	const char *v = field(f, name, &len, &count);

	if (!v)
		fail_msg("field %s missing", name);
	if (count != 1)
		fail_msg("field %s appears %d times", name, count);
	if (len != strlen(want) || memcmp(v, want, len) != 0)
		fail_msg("field %s is '%.*s', not '%s'", name, (int)len, v, want);
}

static void assert_no_field(const struct pmg_journal_fields *f, const char *name)
{
	if (field(f, name, NULL, NULL))
		fail_msg("field %s should be absent", name);
}

/* Names journald accepts from clients: [A-Z0-9_], not starting with '_'. */
static void assert_names_valid(const struct pmg_journal_fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const char *s = f->iov[i].iov_base;
		const char *eq = memchr(s, '=', f->iov[i].iov_len);

		assert_non_null(eq);
		assert_true(eq > s && eq - s <= 64);
		assert_true(s[0] != '_' && !(s[0] >= '0' && s[0] <= '9'));
		for (const char *p = s; p < eq; p++)
			assert_true((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
				    *p == '_');
	}
}

/* Container context: both sides, each field once, names journald accepts. */
static void test_container_fields(void **state)
{
	struct nl_msg *msg = test_container_event();
	struct pmg_journal_fields f;
	struct pmguard_event ev;

	(void)state;
	assert_non_null(msg);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(pmg_journal_event(&f, &ev, "line"), 0);
	assert_names_valid(&f);
	assert_field(&f, "PMGUARD_FLAGS", "cross_container,from_container");
	assert_field(&f, "PMGUARD_CALLER_IN_CONTAINER", "1");
	assert_field(&f, "PMGUARD_CALLER_CGROUP",
		     "/system.slice/docker-" TEST_DOCKER_ID ".scope");
	assert_field(&f, "PMGUARD_CALLER_CONTAINER_RUNTIME", "docker");
	assert_field(&f, "PMGUARD_CALLER_CONTAINER_ID", TEST_DOCKER_ID);
	assert_field(&f, "PMGUARD_CALLER_UNIT", "docker-" TEST_DOCKER_ID ".scope");
	assert_field(&f, "PMGUARD_CALLER_NS_PID", "1");
	assert_field(&f, "PMGUARD_CALLER_PID_NS", "4026532001");
	assert_field(&f, "PMGUARD_CALLER_MNT_NS", "4026532002");
	assert_field(&f, "PMGUARD_CALLER_USER_NS", "4026532003");
	assert_field(&f, "PMGUARD_CALLER_NET_NS", "4026532004");
	assert_field(&f, "PMGUARD_CALLER_CGROUP_NS", "4026532005");
	assert_field(&f, "PMGUARD_CALLER_CGROUP_ID", "4026536242");
	assert_field(&f, "PMGUARD_TARGET_IN_CONTAINER", "0");
	assert_field(&f, "PMGUARD_TARGET_UNIT", "ssh.service");
	assert_field(&f, "PMGUARD_TARGET_NS_PID", "700");
	assert_no_field(&f, "PMGUARD_TARGET_CONTAINER_ID");
	pmg_journal_free(&f);
	nlmsg_free(msg);
}

static void test_access_fields(void **state)
{
	static const char *const names[] = {
		"MESSAGE_ID", "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "PMGUARD_TYPE",
		"PMGUARD_SEQ", "PMGUARD_KIND", "PMGUARD_ACCESS", "PMGUARD_RESULT",
		"PMGUARD_ACTION", "PMGUARD_SEVERITY", "PMGUARD_RULE", "PMGUARD_MITRE",
		"PMGUARD_COUNT", "PMGUARD_FLAGS", "PMGUARD_CALLER_PID",
		"PMGUARD_CALLER_TID", "PMGUARD_CALLER_PPID", "PMGUARD_CALLER_UID",
		"PMGUARD_CALLER_EUID", "PMGUARD_CALLER_LOGINUID", "PMGUARD_CALLER_COMM",
		"PMGUARD_CALLER_EXE", "PMGUARD_TARGET_PID", "PMGUARD_TARGET_TID",
		"PMGUARD_TARGET_UID", "PMGUARD_TARGET_COMM", "PMGUARD_TARGET_EXE",
	};
	struct nl_msg *msg = test_full_event(42);
	struct pmg_journal_fields f;
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(pmg_journal_event(&f, &ev, "the text line"), 0);
	assert_int_equal(f.n, sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < f.n; i++) {
		size_t nlen = strlen(names[i]);

		/* In this order, each once. */
		assert_memory_equal(f.iov[i].iov_base, names[i], nlen);
		assert_int_equal(((char *)f.iov[i].iov_base)[nlen], '=');
	}
	assert_names_valid(&f);
	assert_field(&f, "MESSAGE_ID", PMG_JOURNAL_ID_ACCESS);
	assert_field(&f, "MESSAGE", "the text line");
	assert_field(&f, "PRIORITY", "3");			/* high */
	assert_field(&f, "SYSLOG_IDENTIFIER", "pmguard");
	assert_field(&f, "PMGUARD_TYPE", "access");
	assert_field(&f, "PMGUARD_SEQ", "42");
	assert_field(&f, "PMGUARD_KIND", "mem");
	assert_field(&f, "PMGUARD_ACCESS", "read");
	assert_field(&f, "PMGUARD_RESULT", "-13");
	assert_field(&f, "PMGUARD_ACTION", "alert");
	assert_field(&f, "PMGUARD_SEVERITY", "high");
	assert_field(&f, "PMGUARD_RULE", "default");
	assert_field(&f, "PMGUARD_MITRE", "T1003.007");
	assert_field(&f, "PMGUARD_COUNT", "3");
	assert_field(&f, "PMGUARD_FLAGS", "caller_cap_ptrace,same_uid");
	assert_field(&f, "PMGUARD_CALLER_PID", "1234");
	assert_field(&f, "PMGUARD_CALLER_TID", "1235");
	assert_field(&f, "PMGUARD_CALLER_PPID", "1233");
	assert_field(&f, "PMGUARD_CALLER_UID", "1000");
	assert_field(&f, "PMGUARD_CALLER_EUID", "0");
	assert_field(&f, "PMGUARD_CALLER_LOGINUID", "-1");
	assert_field(&f, "PMGUARD_CALLER_COMM", "dd");
	assert_field(&f, "PMGUARD_CALLER_EXE", "/usr/bin/dd");
	assert_field(&f, "PMGUARD_TARGET_PID", "1200");
	assert_field(&f, "PMGUARD_TARGET_TID", "1200");
	assert_field(&f, "PMGUARD_TARGET_UID", "1000");
	assert_field(&f, "PMGUARD_TARGET_COMM", "sh");
	assert_field(&f, "PMGUARD_TARGET_EXE", "/usr/bin/dash");
	pmg_journal_free(&f);
	assert_int_equal(f.n, 0);
	nlmsg_free(msg);
}

static void test_priorities(void **state)
{
	(void)state;
	assert_int_equal(pmg_journal_priority(true, PMGUARD_SEV_CRITICAL), 2);
	assert_int_equal(pmg_journal_priority(true, PMGUARD_SEV_HIGH), 3);
	assert_int_equal(pmg_journal_priority(true, PMGUARD_SEV_MEDIUM), 4);
	assert_int_equal(pmg_journal_priority(true, PMGUARD_SEV_LOW), 5);
	assert_int_equal(pmg_journal_priority(true, PMGUARD_SEV_INFO), 6);
	assert_int_equal(pmg_journal_priority(true, 77), 4);
	assert_int_equal(pmg_journal_priority(false, PMGUARD_SEV_INFO), 4);
}

static void test_ids(void **state)
{
	const char *ids[] = {
		PMG_JOURNAL_ID_ACCESS, PMG_JOURNAL_ID_SUMMARY, PMG_JOURNAL_ID_LOST,
	};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(strlen(ids[i]), 32);
		for (const char *p = ids[i]; *p; p++)
			assert_true((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
}

/* Newlines, '=', field-like text and invalid UTF-8 stay in one value. */
static void test_hostile_strings(void **state)
{
	static const char comm[] = "x\nPRIORITY=0\n";
	static const char exe[] = "/tmp/\n_PID=1\nMESSAGE_ID=00\xff\xfe \x1b[2J";
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct pmg_journal_fields f;
	struct pmguard_event ev;
	char *text;
	size_t len;
	const char *v;
	int count;

	(void)state;
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_SEVERITY, PMGUARD_SEV_INFO), 0);
	assert_int_equal(nla_put_string(msg, PMGUARD_A_RULE, "r\nSYSLOG_IDENTIFIER=x"), 0);
	assert_true(test_put_proc(msg, PMGUARD_A_CALLER, 1, 1, comm, exe) >= 0);
	assert_true(test_put_proc(msg, PMGUARD_A_TARGET, 2, 2, "=", "") >= 0);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	text = pmg_format_event(PMG_FMT_TEXT, &ev, "h");
	assert_int_equal(pmg_journal_event(&f, &ev, text), 0);
	assert_names_valid(&f);

	v = field(&f, "PMGUARD_CALLER_COMM", &len, &count);
	assert_int_equal(count, 1);
	assert_int_equal(len, strlen(comm));
	assert_memory_equal(v, comm, len);
	v = field(&f, "PMGUARD_CALLER_EXE", &len, &count);
	assert_int_equal(len, strlen(exe));
	assert_memory_equal(v, exe, len);
	assert_field(&f, "PMGUARD_RULE", "r\nSYSLOG_IDENTIFIER=x");
	assert_field(&f, "PMGUARD_TARGET_COMM", "=");
	assert_field(&f, "PMGUARD_TARGET_EXE", "");
	/* Exactly one of each header field, with our values. */
	assert_field(&f, "PRIORITY", "6");
	assert_field(&f, "SYSLOG_IDENTIFIER", "pmguard");
	assert_field(&f, "MESSAGE_ID", PMG_JOURNAL_ID_ACCESS);
	assert_no_field(&f, "_PID");
	/* MESSAGE is the escaped text line: printable ASCII, one line. */
	v = field(&f, "MESSAGE", &len, NULL);
	assert_int_equal(len, strlen(text));
	assert_true(test_printable_ascii_line(text));
	pmg_journal_free(&f);
	free(text);
	nlmsg_free(msg);
}

static void test_folded_fields(void **state)
{
	struct nl_msg *msg = test_folded_event(90, 17, 74);
	struct pmg_journal_fields f;
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(pmg_journal_event(&f, &ev, "m"), 0);
	assert_field(&f, "PRIORITY", "5");		/* low */
	assert_field(&f, "PMGUARD_COUNT", "17");
	assert_field(&f, "PMGUARD_FIRST_SEQ", "74");
	assert_field(&f, "PMGUARD_FLAGS", "same_uid,folded");
	assert_field(&f, "PMGUARD_RESULT", "0");
	pmg_journal_free(&f);
	nlmsg_free(msg);
}

static void test_bytes_fields(void **state)
{
	struct nl_msg *msg = test_copy_event(91, 4, 88, 5300000123ull);
	struct pmg_journal_fields f;
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(pmg_journal_event(&f, &ev, "m"), 0);
	assert_names_valid(&f);
	assert_field(&f, "PMGUARD_KIND", "vm_read");
	assert_field(&f, "PMGUARD_BYTES", "5300000123");
	assert_field(&f, "PMGUARD_COUNT", "4");
	assert_field(&f, "PMGUARD_FIRST_SEQ", "88");
	assert_field(&f, "PMGUARD_FLAGS", "target_sensitive,folded,compat_syscall");
	pmg_journal_free(&f);
	nlmsg_free(msg);

	msg = test_full_event(5);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(pmg_journal_event(&f, &ev, "m"), 0);
	assert_no_field(&f, "PMGUARD_BYTES");
	pmg_journal_free(&f);
	nlmsg_free(msg);
}

/* Only what the kernel sent, plus the fixed fields. */
static void test_empty_event_fields(void **state)
{
	struct pmguard_event ev = { 0 };
	struct pmg_journal_fields f;

	(void)state;
	assert_int_equal(pmg_journal_event(&f, &ev, "m"), 0);
	assert_int_equal(f.n, 6);
	assert_field(&f, "PRIORITY", "4");
	assert_field(&f, "PMGUARD_MITRE", "T1003.007");
	assert_no_field(&f, "PMGUARD_SEQ");
	assert_no_field(&f, "PMGUARD_FLAGS");
	pmg_journal_free(&f);

	/* Unknown enum values as in JSON. */
	ev.present = (1ull << PMGUARD_A_KIND) | (1ull << PMGUARD_A_ACTION) |
		     (1ull << PMGUARD_A_FLAGS);
	ev.kind = 99;
	ev.action = 7;
	ev.flags = 0x80000000u | PMGUARD_F_TASK_ALIAS;
	assert_int_equal(pmg_journal_event(&f, &ev, "m"), 0);
	assert_field(&f, "PMGUARD_KIND", "unknown(99)");
	assert_field(&f, "PMGUARD_ACTION", "unknown(7)");
	assert_field(&f, "PMGUARD_FLAGS", "task_alias,unknown(0x80000000)");
	pmg_journal_free(&f);
}

static void test_summary_fields(void **state)
{
	struct nl_msg *msg = test_summary(42);
	struct pmguard_mem_summary sum;
	struct pmg_journal_fields f;

	(void)state;
	assert_int_equal(pmg_summary_parse(nlmsg_hdr(msg), &sum), 0);
	assert_int_equal(pmg_journal_summary(&f, &sum, "summary line"), 0);
	assert_names_valid(&f);
	assert_field(&f, "MESSAGE_ID", PMG_JOURNAL_ID_SUMMARY);
	assert_field(&f, "MESSAGE", "summary line");
	assert_field(&f, "PRIORITY", "5");
	assert_field(&f, "PMGUARD_TYPE", "mem_summary");
	assert_field(&f, "PMGUARD_SEQ", "42");
	assert_field(&f, "PMGUARD_KIND", "mem");
	assert_field(&f, "PMGUARD_MITRE", "T1003.007");
	assert_field(&f, "PMGUARD_CALLER_PID", "123");
	assert_field(&f, "PMGUARD_CALLER_COMM", "python3");
	assert_field(&f, "PMGUARD_TARGET_COMM", "sshd");
	assert_field(&f, "PMGUARD_READS", "33");
	assert_field(&f, "PMGUARD_BYTES_READ", "135168");
	assert_field(&f, "PMGUARD_WRITES", "0");
	assert_field(&f, "PMGUARD_BYTES_WRITTEN", "0");
	assert_field(&f, "PMGUARD_FIRST_OFFSET", "94354554404864");
	assert_field(&f, "PMGUARD_LAST_OFFSET", "94364523352064");
	assert_field(&f, "PMGUARD_DURATION_NS", "1500000000");
	assert_field(&f, "PMGUARD_ERRORS", "2");
	assert_no_field(&f, "PMGUARD_ACTION");
	assert_no_field(&f, "PMGUARD_COUNT");
	pmg_journal_free(&f);
	nlmsg_free(msg);
}

static void test_lost_reset_note_fields(void **state)
{
	struct pmg_seq_report r = {
		.verdict = PMG_SEQ_GAP, .lost = 3, .first_lost = 12, .last_lost = 14,
		.previous = 11,
	};
	struct pmg_journal_fields f;

	(void)state;
	assert_int_equal(pmg_journal_lost(&f, &r, "lost line"), 0);
	assert_field(&f, "MESSAGE_ID", PMG_JOURNAL_ID_LOST);
	assert_field(&f, "PRIORITY", "4");
	assert_field(&f, "PMGUARD_TYPE", "lost");
	assert_field(&f, "PMGUARD_REASON", "seq_gap");
	assert_field(&f, "PMGUARD_LOST_COUNT", "3");
	assert_field(&f, "PMGUARD_FIRST_SEQ", "12");
	assert_field(&f, "PMGUARD_LAST_SEQ", "14");
	pmg_journal_free(&f);

	assert_int_equal(pmg_journal_lost(&f, NULL, "overrun line"), 0);
	assert_field(&f, "MESSAGE_ID", PMG_JOURNAL_ID_LOST);
	assert_field(&f, "PRIORITY", "4");
	assert_field(&f, "PMGUARD_REASON", "overrun");
	assert_no_field(&f, "PMGUARD_LOST_COUNT");
	pmg_journal_free(&f);

	r.verdict = PMG_SEQ_RESET;
	r.previous = 50;
	assert_int_equal(pmg_journal_reset(&f, &r, 1, "reset line"), 0);
	assert_no_field(&f, "MESSAGE_ID");
	assert_field(&f, "PRIORITY", "5");
	assert_field(&f, "PMGUARD_TYPE", "reset");
	assert_field(&f, "PMGUARD_PREVIOUS_SEQ", "50");
	assert_field(&f, "PMGUARD_SEQ", "1");
	pmg_journal_free(&f);

	assert_int_equal(pmg_journal_note(&f, "module_unloaded", "gone"), 0);
	assert_field(&f, "PMGUARD_TYPE", "note");
	assert_field(&f, "PMGUARD_NOTE", "module_unloaded");
	assert_field(&f, "MESSAGE", "gone");
	assert_names_valid(&f);
	pmg_journal_free(&f);
}

/* The module went blind: a critical entry of its own, with its state. */
static void test_guard_fields(void **state)
{
	struct pmg_guard g = { PMGUARD_GUARD_BLIND, PMGUARD_SEV_CRITICAL, 5 };
	struct pmg_journal_fields f;

	(void)state;
	assert_int_equal(pmg_journal_guard(&f, &g), 0);
	assert_field(&f, "MESSAGE_ID", PMG_JOURNAL_ID_GUARD);
	assert_field(&f, "PRIORITY", "2");
	assert_field(&f, "PMGUARD_TYPE", "guard");
	assert_field(&f, "PMGUARD_GUARD", "blind");
	assert_names_valid(&f);
	pmg_journal_free(&f);
	g.state = PMGUARD_GUARD_SEEING;
	g.severity = PMGUARD_SEV_INFO;
	assert_int_equal(pmg_journal_guard(&f, &g), 0);
	assert_field(&f, "PRIORITY", "6");
	assert_field(&f, "PMGUARD_GUARD", "seeing");
	pmg_journal_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_fields),
		cmocka_unit_test(test_container_fields),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_hostile_strings),
		cmocka_unit_test(test_folded_fields),
		cmocka_unit_test(test_bytes_fields),
		cmocka_unit_test(test_empty_event_fields),
		cmocka_unit_test(test_summary_fields),
		cmocka_unit_test(test_lost_reset_note_fields),
		cmocka_unit_test(test_guard_fields),
	};

	return cmocka_run_group_tests_name("journal fields", tests, NULL, NULL);
}
