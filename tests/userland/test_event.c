// SPDX-License-Identifier: GPL-2.0
/* Decoding of pmguard netlink messages built in memory with libnl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include <linux/genetlink.h>

#include "event.h"
#include "testutil.h"

static void assert_str(struct pmg_str s, const char *expected)
{
	assert_int_equal(s.len, strlen(expected));
	assert_memory_equal(s.ptr, expected, s.len);
}

static void test_full_event_parses(void **state)
{
	struct nl_msg *msg = test_full_event(42);
	struct pmguard_event ev;

	(void)state;
	assert_non_null(msg);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);

	for (int a = PMGUARD_A_SEQ; a <= PMGUARD_A_COUNT; a++) {
		bool expected = a != PMGUARD_A_STATS && a != PMGUARD_A_MODE;

		assert_int_equal(pmg_event_has(&ev, a), expected);
	}
	assert_int_equal(ev.seq, 42);
	assert_int_equal(ev.time_ns, 1795678812123456789ull);
	assert_int_equal(ev.kind, PMGUARD_KIND_MEM);
	assert_int_equal(ev.access, PMGUARD_ACCESS_READ);
	assert_int_equal(ev.result, -13);
	assert_int_equal(ev.action, PMGUARD_ACTION_ALERT);
	assert_int_equal(ev.severity, PMGUARD_SEV_HIGH);
	assert_int_equal(ev.flags, PMGUARD_F_CALLER_CAP_PTRACE | PMGUARD_F_SAME_UID);
	assert_int_equal(ev.count, 3);
	assert_str(ev.rule, "default");

	for (int a = PMGUARD_P_PID; a <= PMGUARD_P_EXE; a++) {
		assert_true(pmg_proc_has(&ev.caller, a));
		assert_true(pmg_proc_has(&ev.target, a));
	}
	assert_int_equal(ev.caller.pid, 1234);
	assert_int_equal(ev.caller.tid, 1235);
	assert_int_equal(ev.caller.ppid, 1233);
	assert_int_equal(ev.caller.uid, 1000);
	assert_int_equal(ev.caller.euid, 0);
	assert_int_equal(ev.caller.fsuid, 0);
	assert_int_equal(ev.caller.gid, 1000);
	assert_int_equal(ev.caller.loginuid, UINT32_MAX);
	assert_int_equal(ev.caller.sessionid, UINT32_MAX);
	assert_str(ev.caller.comm, "dd");
	assert_str(ev.caller.exe, "/usr/bin/dd");
	assert_int_equal(ev.target.pid, 1200);
	assert_str(ev.target.comm, "sh");
	assert_str(ev.target.exe, "/usr/bin/dash");
	nlmsg_free(msg);
}

static void test_missing_optional_attributes(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct nlattr *nest;
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(nla_put_u64(msg, PMGUARD_A_SEQ, 7), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_KIND, PMGUARD_KIND_ENVIRON), 0);
	/* A target without exe (kernel thread, exited mm) and without tid. */
	nest = nla_nest_start(msg, PMGUARD_A_TARGET);
	assert_int_equal(nla_put_u32(msg, PMGUARD_P_PID, 99), 0);
	assert_int_equal(nla_put_string(msg, PMGUARD_P_COMM, "kworker"), 0);
	nla_nest_end(msg, nest);

	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_true(pmg_event_has(&ev, PMGUARD_A_SEQ));
	assert_true(pmg_event_has(&ev, PMGUARD_A_KIND));
	assert_true(pmg_event_has(&ev, PMGUARD_A_TARGET));
	assert_false(pmg_event_has(&ev, PMGUARD_A_TIME_NS));
	assert_false(pmg_event_has(&ev, PMGUARD_A_RESULT));
	assert_false(pmg_event_has(&ev, PMGUARD_A_RULE));
	assert_false(pmg_event_has(&ev, PMGUARD_A_FLAGS));
	assert_false(pmg_event_has(&ev, PMGUARD_A_COUNT));
	assert_false(pmg_event_has(&ev, PMGUARD_A_CALLER));
	assert_int_equal(ev.caller.present, 0);
	assert_true(pmg_proc_has(&ev.target, PMGUARD_P_PID));
	assert_false(pmg_proc_has(&ev.target, PMGUARD_P_TID));
	assert_false(pmg_proc_has(&ev.target, PMGUARD_P_EXE));
	assert_int_equal(ev.target.exe.len, 0);
	assert_str(ev.target.comm, "kworker");
	nlmsg_free(msg);
}

static void test_empty_event(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.present, 0);
	nlmsg_free(msg);
}

/* A newer module may add attributes: they are skipped, the rest decoded. */
static void test_unknown_attributes_ignored(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct nlattr *nest;
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_MAX + 1, 0xdead), 0);
	assert_int_equal(nla_put_string(msg, 300, "future"), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_A_SEQ, 5), 0);
	nest = nla_nest_start(msg, PMGUARD_A_CALLER);
	assert_int_equal(nla_put_u64(msg, PMGUARD_P_MAX + 1, 1), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_P_PID, 77), 0);
	assert_int_equal(nla_put_string(msg, PMGUARD_P_MAX + 7, "x"), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_MAX + 2, 1), 0);

	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.seq, 5);
	assert_int_equal(ev.caller.pid, 77);
	assert_int_equal(ev.caller.present, 1u << PMGUARD_P_PID);
	assert_int_equal(ev.present, (1ull << PMGUARD_A_SEQ) | (1ull << PMGUARD_A_CALLER));
	nlmsg_free(msg);
}

/* Enum values newer than the reader are kept as numbers. */
static void test_unknown_enum_values_kept(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_KIND, 99), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_ACTION, 42), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_SEVERITY, 17), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_ACCESS, 0x80), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_FLAGS, 0x80000000u), 0);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.kind, 99);
	assert_int_equal(ev.action, 42);
	assert_int_equal(ev.severity, 17);
	assert_int_equal(ev.access, 0x80);
	assert_int_equal(ev.flags, 0x80000000u);
	nlmsg_free(msg);
}

/* An integer attribute shorter than its type must not be read past its end. */
static void test_truncated_integer_rejected(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct pmguard_event ev;
	uint32_t four = 4;

	(void)state;
	assert_int_equal(nla_put(msg, PMGUARD_A_SEQ, sizeof(four), &four), 0);
	assert_true(pmg_event_parse(nlmsg_hdr(msg), &ev) < 0);
	nlmsg_free(msg);
}

static void test_truncated_nested_integer_rejected(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct pmguard_event ev;
	struct nlattr *nest;
	uint16_t two = 2;

	(void)state;
	nest = nla_nest_start(msg, PMGUARD_A_TARGET);
	assert_int_equal(nla_put(msg, PMGUARD_P_PID, sizeof(two), &two), 0);
	nla_nest_end(msg, nest);
	assert_true(pmg_event_parse(nlmsg_hdr(msg), &ev) < 0);
	nlmsg_free(msg);
}

/* A string without its NUL is bounded by the attribute, not read past. */
static void test_unterminated_string(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct pmguard_event ev;
	struct nlattr *nest;

	(void)state;
	nest = nla_nest_start(msg, PMGUARD_A_CALLER);
	assert_int_equal(nla_put(msg, PMGUARD_P_COMM, 3, "abc"), 0);
	assert_int_equal(nla_put(msg, PMGUARD_P_EXE, 0, NULL), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(nla_put(msg, PMGUARD_A_RULE, 4, "r\0zz"), 0);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_str(ev.caller.comm, "abc");
	assert_true(pmg_proc_has(&ev.caller, PMGUARD_P_EXE));
	assert_int_equal(ev.caller.exe.len, 0);
	assert_str(ev.rule, "r");
	nlmsg_free(msg);
}

static void test_hostile_strings_kept_verbatim(void **state)
{
	static const char hostile[] = "a\"b\\c\nd\x1b[31m\xff\xfe";
	char long_exe[PMGUARD_PATH_MAX];
	struct nl_msg *msg;
	struct pmguard_event ev;

	(void)state;
	memset(long_exe, '/', sizeof(long_exe) - 1);
	long_exe[sizeof(long_exe) - 1] = '\0';
	msg = test_msg_new(PMGUARD_CMD_EVENT);
	assert_int_equal(test_put_proc(msg, PMGUARD_A_CALLER, 1, 1, hostile, long_exe) < 0, 0);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_str(ev.caller.comm, hostile);
	assert_int_equal(ev.caller.exe.len, PMGUARD_PATH_MAX - 1);
	nlmsg_free(msg);
}

/* nla_put_u64_64bit() may insert PAD attributes (empty) before u64s. */
static void test_pad_attributes(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(nla_put(msg, PMGUARD_A_PAD, 0, NULL), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_A_SEQ, 8), 0);
	assert_int_equal(nla_put(msg, PMGUARD_A_PAD, 0, NULL), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_A_TIME_NS, 9), 0);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.seq, 8);
	assert_int_equal(ev.time_ns, 9);
	assert_false(pmg_event_has(&ev, PMGUARD_A_PAD));
	nlmsg_free(msg);
}

static void test_not_genetlink(void **state)
{
	struct nl_msg *msg = nlmsg_alloc_simple(TEST_FAMILY_ID, 0);
	struct pmguard_event ev;

	(void)state;
	/* No room for the genl header at all. */
	assert_true(pmg_event_parse(nlmsg_hdr(msg), &ev) < 0);
	nlmsg_free(msg);
}

static int put_kind_stats(struct nl_msg *msg, uint32_t kind, uint64_t seen,
			  uint64_t reported, uint32_t probed)
{
	struct nlattr *nest = nla_nest_start(msg, PMGUARD_S_KIND);

	if (!nest || nla_put_u32(msg, PMGUARD_KS_KIND, kind) ||
	    nla_put(msg, PMGUARD_KS_PAD, 0, NULL) ||
	    nla_put_u64(msg, PMGUARD_KS_SEEN, seen) ||
	    nla_put_u64(msg, PMGUARD_KS_REPORTED, reported) ||
	    nla_put_u32(msg, PMGUARD_KS_PROBED, probed))
		return -1;
	return nla_nest_end(msg, nest);
}

static void test_stats_parse(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_GET_STATS);
	struct pmguard_stats st;
	struct nlattr *nest;

	(void)state;
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_MODE, PMGUARD_MODE_ENFORCE), 0);
	nest = nla_nest_start(msg, PMGUARD_A_STATS);
	assert_int_equal(nla_put(msg, PMGUARD_S_PAD, 0, NULL), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_SEEN, 100), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_REPORTED, 90), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_DENIED, 4), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_DROP_SEND, 10), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_PROBES, 8), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_MAX + 5, 1), 0);	/* future */
	assert_false(put_kind_stats(msg, PMGUARD_KIND_MEM, 60, 55, 1) < 0);
	assert_false(put_kind_stats(msg, PMGUARD_KIND_MAPS, 40, 35, 0) < 0);
	assert_false(put_kind_stats(msg, 77, 1, 1, 1) < 0);
	nla_nest_end(msg, nest);

	assert_int_equal(pmg_stats_parse(nlmsg_hdr(msg), &st), 0);
	assert_true(st.has_mode);
	assert_int_equal(st.mode, PMGUARD_MODE_ENFORCE);
	assert_true(st.has_stats);
	assert_int_equal(st.counter[PMGUARD_S_SEEN], 100);
	assert_int_equal(st.counter[PMGUARD_S_REPORTED], 90);
	assert_int_equal(st.counter[PMGUARD_S_DENIED], 4);
	assert_int_equal(st.counter[PMGUARD_S_DROP_SEND], 10);
	assert_int_equal(st.counter[PMGUARD_S_PROBES], 8);
	assert_true(st.present & (1u << PMGUARD_S_SEEN));
	assert_false(st.present & (1u << PMGUARD_S_ALLOWED));
	assert_false(st.present & (1u << PMGUARD_S_PAD));
	assert_int_equal(st.n_kinds, 3);
	assert_int_equal(st.kinds[0].kind, PMGUARD_KIND_MEM);
	assert_int_equal(st.kinds[0].seen, 60);
	assert_int_equal(st.kinds[0].reported, 55);
	assert_int_equal(st.kinds[0].probed, 1);
	assert_int_equal(st.kinds[1].kind, PMGUARD_KIND_MAPS);
	assert_int_equal(st.kinds[1].probed, 0);
	assert_int_equal(st.kinds[2].kind, 77);
	nlmsg_free(msg);
}

static void test_stats_without_mode(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_GET_STATS);
	struct pmguard_stats st;

	(void)state;
	assert_int_equal(pmg_stats_parse(nlmsg_hdr(msg), &st), 0);
	assert_false(st.has_mode);
	assert_false(st.has_stats);
	assert_int_equal(st.n_kinds, 0);
	nlmsg_free(msg);
}

/* nlctrl announcing the module (re)loaded, with its events group. */
static void test_ctrl_new_group(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct pmg_ctrl_note cn;
	struct nlattr *groups, *grp;

	(void)state;
	assert_non_null(genlmsg_put(msg, 0, 0, GENL_ID_CTRL, 0, 0,
				    CTRL_CMD_NEWMCAST_GRP, 2));
	assert_int_equal(nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, 0x22), 0);
	assert_int_equal(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "pmguard"), 0);
	groups = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
	grp = nla_nest_start(msg, 1);
	assert_int_equal(nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "other"), 0);
	assert_int_equal(nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 8), 0);
	nla_nest_end(msg, grp);
	grp = nla_nest_start(msg, 2);
	assert_int_equal(nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "events"), 0);
	assert_int_equal(nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 9), 0);
	nla_nest_end(msg, grp);
	nla_nest_end(msg, groups);

	assert_int_equal(pmg_ctrl_parse(nlmsg_hdr(msg), &cn), 0);
	assert_int_equal(cn.cmd, CTRL_CMD_NEWMCAST_GRP);
	assert_true(cn.is_pmguard);
	assert_int_equal(cn.family_id, 0x22);
	assert_int_equal(cn.events_group, 9);
	nlmsg_free(msg);
}

static void test_ctrl_other_family(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct pmg_ctrl_note cn;

	(void)state;
	assert_non_null(genlmsg_put(msg, 0, 0, GENL_ID_CTRL, 0, 0,
				    CTRL_CMD_DELFAMILY, 2));
	assert_int_equal(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "pmguardx"), 0);
	assert_int_equal(pmg_ctrl_parse(nlmsg_hdr(msg), &cn), 0);
	assert_int_equal(cn.cmd, CTRL_CMD_DELFAMILY);
	assert_false(cn.is_pmguard);
	assert_int_equal(cn.family_id, -1);
	assert_int_equal(cn.events_group, -1);
	nlmsg_free(msg);
}

static void test_folded_event_parses(void **state)
{
	struct nl_msg *msg = test_folded_event(90, 17, 74);
	struct pmguard_event ev;

	(void)state;
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.seq, 90);
	assert_int_equal(ev.count, 17);
	assert_true(pmg_event_has(&ev, PMGUARD_A_FIRST_SEQ));
	assert_int_equal(ev.first_seq, 74);
	assert_true(ev.flags & PMGUARD_F_FOLDED);
	nlmsg_free(msg);

	/* An ordinary event has no first_seq. */
	msg = test_full_event(5);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_false(pmg_event_has(&ev, PMGUARD_A_FIRST_SEQ));
	nlmsg_free(msg);
}

/* PMGUARD_A_BYTES: bytes a vm_read/vm_write/ptrace_read/_write copied. */
static void test_bytes_parses(void **state)
{
	struct nl_msg *msg = test_copy_event(91, 4, 88, 5300000123ull);
	struct pmguard_event ev;
	uint32_t four = 4;

	(void)state;
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.kind, PMGUARD_KIND_VM_READ);
	assert_true(pmg_event_has(&ev, PMGUARD_A_BYTES));
	assert_int_equal(ev.bytes, 5300000123ull);
	assert_true(ev.flags & PMGUARD_F_COMPAT_SYSCALL);
	nlmsg_free(msg);

	/* Absent (a procfs open): not present, not a made-up 0. */
	msg = test_full_event(5);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	assert_false(pmg_event_has(&ev, PMGUARD_A_BYTES));
	nlmsg_free(msg);

	/* Too short for a u64: the message is refused, never read past. */
	msg = test_msg_new(PMGUARD_CMD_EVENT);
	assert_int_equal(nla_put(msg, PMGUARD_A_BYTES, sizeof(four), &four), 0);
	assert_true(pmg_event_parse(nlmsg_hdr(msg), &ev) < 0);
	nlmsg_free(msg);
}

static void test_summary_parses(void **state)
{
	struct nl_msg *msg = test_summary(42);
	struct pmguard_mem_summary s;

	(void)state;
	assert_int_equal(pmg_summary_parse(nlmsg_hdr(msg), &s), 0);
	assert_int_equal(s.present, (1ull << PMGUARD_A_SEQ) | (1ull << PMGUARD_A_TIME_NS) |
			 (1ull << PMGUARD_A_KIND) | (1ull << PMGUARD_A_CALLER) |
			 (1ull << PMGUARD_A_TARGET) | (1ull << PMGUARD_A_SUMMARY));
	assert_int_equal(s.seq, 42);
	assert_int_equal(s.time_ns, 1795678813000000000ull);
	assert_int_equal(s.kind, PMGUARD_KIND_MEM);
	assert_int_equal(s.caller.pid, 123);
	assert_str(s.caller.comm, "python3");
	assert_str(s.target.exe, "/usr/sbin/sshd");
	for (int a = PMGUARD_SUM_READS; a <= PMGUARD_SUM_ERRORS; a++)
		assert_true(pmg_summary_has_sum(&s, a));
	assert_false(pmg_summary_has_sum(&s, PMGUARD_SUM_PAD));
	assert_int_equal(s.sum[PMGUARD_SUM_READS], 33);
	assert_int_equal(s.sum[PMGUARD_SUM_BYTES_READ], 135168);
	assert_int_equal(s.sum[PMGUARD_SUM_WRITES], 0);
	assert_int_equal(s.sum[PMGUARD_SUM_FIRST_OFFSET], 0x55d0a1b2c000ull);
	assert_int_equal(s.sum[PMGUARD_SUM_LAST_OFFSET], 0x55d2f3e4d000ull);
	assert_int_equal(s.sum[PMGUARD_SUM_DURATION_NS], 1500000000ull);
	assert_int_equal(s.sum[PMGUARD_SUM_ERRORS], 2);
	nlmsg_free(msg);
}

static void test_summary_partial_and_truncated(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_MEM_SUMMARY);
	struct pmguard_mem_summary s;
	struct nlattr *nest;
	uint32_t four = 4;

	(void)state;
	/* Only some counters, plus one from a newer module. */
	nest = nla_nest_start(msg, PMGUARD_A_SUMMARY);
	assert_int_equal(nla_put_u64(msg, PMGUARD_SUM_BYTES_READ, 4096), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_SUM_MAX + 3, 9), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(pmg_summary_parse(nlmsg_hdr(msg), &s), 0);
	assert_int_equal(s.sum_present, 1u << PMGUARD_SUM_BYTES_READ);
	assert_int_equal(s.present, 1ull << PMGUARD_A_SUMMARY);
	nlmsg_free(msg);

	/* A u64 counter of 4 bytes fails the message. */
	msg = test_msg_new(PMGUARD_CMD_MEM_SUMMARY);
	nest = nla_nest_start(msg, PMGUARD_A_SUMMARY);
	assert_int_equal(nla_put(msg, PMGUARD_SUM_READS, sizeof(four), &four), 0);
	nla_nest_end(msg, nest);
	assert_true(pmg_summary_parse(nlmsg_hdr(msg), &s) < 0);
	nlmsg_free(msg);
}

static void test_stats_new_counters(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_GET_STATS);
	struct pmguard_stats *st = calloc(1, sizeof(*st));
	struct nlattr *nest;

	(void)state;
	nest = nla_nest_start(msg, PMGUARD_A_STATS);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_FOLDED, 1000), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_SUMMARIES, 12), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_DROP_TRACKING, 3), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_SUBSCRIBERS, 2), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_PRIORITY_DROPPED, 5), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_S_HELD, 7), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(pmg_stats_parse(nlmsg_hdr(msg), st), 0);
	assert_int_equal(st->present, (1u << PMGUARD_S_FOLDED) | (1u << PMGUARD_S_SUMMARIES) |
			 (1u << PMGUARD_S_DROP_TRACKING) | (1u << PMGUARD_S_SUBSCRIBERS) |
			 (1u << PMGUARD_S_PRIORITY_DROPPED) | (1u << PMGUARD_S_HELD));
	assert_int_equal(st->counter[PMGUARD_S_SUBSCRIBERS], 2);
	assert_int_equal(st->counter[PMGUARD_S_PRIORITY_DROPPED], 5);
	assert_int_equal(st->counter[PMGUARD_S_HELD], 7);
	assert_int_equal(st->counter[PMGUARD_S_FOLDED], 1000);
	assert_int_equal(st->counter[PMGUARD_S_SUMMARIES], 12);
	assert_int_equal(st->counter[PMGUARD_S_DROP_TRACKING], 3);
	nlmsg_free(msg);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_event_parses),
		cmocka_unit_test(test_missing_optional_attributes),
		cmocka_unit_test(test_empty_event),
		cmocka_unit_test(test_unknown_attributes_ignored),
		cmocka_unit_test(test_unknown_enum_values_kept),
		cmocka_unit_test(test_truncated_integer_rejected),
		cmocka_unit_test(test_truncated_nested_integer_rejected),
		cmocka_unit_test(test_unterminated_string),
		cmocka_unit_test(test_hostile_strings_kept_verbatim),
		cmocka_unit_test(test_pad_attributes),
		cmocka_unit_test(test_not_genetlink),
		cmocka_unit_test(test_stats_parse),
		cmocka_unit_test(test_stats_without_mode),
		cmocka_unit_test(test_ctrl_new_group),
		cmocka_unit_test(test_ctrl_other_family),
		cmocka_unit_test(test_folded_event_parses),
		cmocka_unit_test(test_bytes_parses),
		cmocka_unit_test(test_summary_parses),
		cmocka_unit_test(test_summary_partial_and_truncated),
		cmocka_unit_test(test_stats_new_counters),
	};

	return cmocka_run_group_tests_name("event parsing", tests, NULL, NULL);
}
