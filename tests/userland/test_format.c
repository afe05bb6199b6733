// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output: exact formats, and the promise that any bytes a
 * hostile process puts in its comm or exe path still give exactly one
 * line of valid JSON (or printable ASCII text) per event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include <json.h>

#include "format.h"
#include "testutil.h"

#define TEXT_EVENT \
	"2026-11-26T07:40:12.123456789Z seq=12 ALERT high mem read " \
	"result=-13(EACCES) rule=default count=3 caller=dd[1234/1235] ppid=1233 " \
	"uid=1000 euid=0 loginuid=-1 exe=/usr/bin/dd -> target=sh[1200] uid=1000 " \
	"exe=/usr/bin/dash flags=caller_cap_ptrace,same_uid"

/* The full event of testutil.h, decoded: the formatters' usual input. */
struct fixture {
	struct nl_msg *msg;
	struct pmguard_event ev;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->msg = test_full_event(12);
	if (!fx->msg || pmg_event_parse(nlmsg_hdr(fx->msg), &fx->ev) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	nlmsg_free(fx->msg);
	free(fx);
	return 0;
}

/* Format as JSON, check it is one line, parse it back. */
static struct json_object *json_of(const struct pmguard_event *ev)
{
	char *s = pmg_format_event(PMG_FMT_JSON, ev, "host1");
	struct json_object *obj;

	assert_non_null(s);
	assert_null(strchr(s, '\n'));
	assert_null(strchr(s, '\r'));
	assert_true(test_valid_utf8(s, strlen(s)));
	obj = json_tokener_parse(s);
	assert_non_null(obj);
	assert_true(json_object_is_type(obj, json_type_object));
	free(s);
	return obj;
}

static struct json_object *get(struct json_object *obj, const char *key)
{
	struct json_object *val = NULL;

	if (!json_object_object_get_ex(obj, key, &val))
		fail_msg("key \"%s\" missing", key);
	return val;
}

static void assert_json_str(struct json_object *obj, const char *key, const char *want)
{
	struct json_object *val = get(obj, key);

	assert_true(json_object_is_type(val, json_type_string));
	assert_string_equal(json_object_get_string(val), want);
}

static void assert_json_int(struct json_object *obj, const char *key, int64_t want)
{
	struct json_object *val = get(obj, key);

	assert_true(json_object_is_type(val, json_type_int));
	assert_int_equal(json_object_get_int64(val), want);
}

static void assert_json_bool(struct json_object *obj, const char *key, bool want)
{
	struct json_object *val = get(obj, key);

	assert_true(json_object_is_type(val, json_type_boolean));
	assert_int_equal(json_object_get_boolean(val), want);
}

static void assert_json_absent(struct json_object *obj, const char *key)
{
	assert_false(json_object_object_get_ex(obj, key, NULL));
}

/* ---- time ------------------------------------------------------------- */

static void test_time_epoch(void **state)
{
	char buf[PMG_TIME_LEN];

	(void)state;
	assert_string_equal(pmg_format_time(0, buf, sizeof(buf)),
			    "1970-01-01T00:00:00.000000000Z");
}

static void test_time_known(void **state)
{
	char buf[PMG_TIME_LEN];

	(void)state;
	assert_string_equal(pmg_format_time(1795678812123456789ull, buf, sizeof(buf)),
			    "2026-11-26T07:40:12.123456789Z");
	assert_string_equal(pmg_format_time(951782400000000001ull, buf, sizeof(buf)),
			    "2000-02-29T00:00:00.000000001Z");
	assert_string_equal(pmg_format_time(1704067199999999999ull, buf, sizeof(buf)),
			    "2023-12-31T23:59:59.999999999Z");
}

static void test_time_max(void **state)
{
	char buf[PMG_TIME_LEN];

	(void)state;
	assert_string_equal(pmg_format_time(UINT64_MAX, buf, sizeof(buf)),
			    "2554-07-21T23:34:33.709551615Z");
}

/* ---- UTF-8 sanitizing and text escaping -------------------------------- */

static void check_sanitize(const char *in, size_t len, const char *want)
{
	size_t out_len = 0;
	char *out = pmg_utf8_sanitize(in, len, &out_len);

	assert_non_null(out);
	assert_string_equal(out, want);
	assert_int_equal(out_len, strlen(want));
	assert_true(test_valid_utf8(out, out_len));
	free(out);
}

#define FFFD "\xef\xbf\xbd"

static void test_sanitize(void **state)
{
	(void)state;
	check_sanitize("", 0, "");
	check_sanitize("plain", 5, "plain");
	check_sanitize("\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80");
	check_sanitize("\xf4\x8f\xbf\xbf", 4, "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	check_sanitize("\xff\xfe", 2, FFFD FFFD);
	check_sanitize("a\x80z", 3, "a" FFFD "z");			/* stray continuation */
	check_sanitize("\xc0\xaf", 2, FFFD FFFD);			/* overlong '/' */
	check_sanitize("\xc1\xbf", 2, FFFD FFFD);
	check_sanitize("\xe0\x80\xaf", 3, FFFD FFFD FFFD);		/* overlong 3-byte */
	check_sanitize("\xf0\x80\x80\xaf", 4, FFFD FFFD FFFD FFFD);	/* overlong 4-byte */
	check_sanitize("\xed\xa0\x80", 3, FFFD FFFD FFFD);		/* surrogate */
	check_sanitize("\xf4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD);	/* > U+10FFFF */
	check_sanitize("\xf8\x88\x80\x80\x80", 5, FFFD FFFD FFFD FFFD FFFD);
	check_sanitize("x\xe2\x82", 3, "x" FFFD FFFD);			/* truncated at end */
	check_sanitize("\xe2\x82x", 3, FFFD FFFD "x");			/* truncated inside */
	check_sanitize("\xf0\x9f\x98", 3, FFFD FFFD FFFD);
}

/* Lengths, not C strings: a NUL is valid UTF-8 and kept (json-c escapes it). */
static void test_sanitize_keeps_nul(void **state)
{
	size_t out_len = 0;
	char *out = pmg_utf8_sanitize("a\0\xff", 3, &out_len);

	(void)state;
	assert_non_null(out);
	assert_int_equal(out_len, 5);
	assert_memory_equal(out, "a\0" FFFD, 5);
	free(out);
}

static char *escaped(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	pmg_escape_text(f, s, len);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void check_escape(const char *in, const char *want)
{
	char *out = escaped(in, strlen(in));

	assert_string_equal(out, want);
	free(out);
}

static void test_escape_text(void **state)
{
	(void)state;
	check_escape("/usr/bin/dd", "/usr/bin/dd");
	check_escape("a b", "a\\x20b");
	check_escape("back\\slash", "back\\\\slash");
	check_escape("q\"uote'", "q\"uote'");
	check_escape("line\nbreak\r", "line\\x0abreak\\x0d");
	check_escape("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	check_escape("tab\there\x7f", "tab\\x09here\\x7f");
	check_escape("\xff\xfe", "\\xff\\xfe");
	check_escape("\xc3\xa4", "\\xc3\\xa4");
	/* An escaped backslash cannot be confused with an escape sequence. */
	check_escape("\\x41", "\\\\x41");
}

/* ---- events ----------------------------------------------------------- */

static void test_text_event_exact(void **state)
{
	struct fixture *fx = *state;
	char *s = pmg_format_event(PMG_FMT_TEXT, &fx->ev, "host1");

	assert_non_null(s);
	assert_string_equal(s, TEXT_EVENT);
	free(s);
}

static void test_json_event_schema(void **state)
{
	struct fixture *fx = *state;
	struct json_object *obj = json_of(&fx->ev);
	struct json_object *caller, *target, *flags;

	assert_json_str(obj, "type", "access");
	assert_json_int(obj, "seq", 12);
	assert_json_str(obj, "time", "2026-11-26T07:40:12.123456789Z");
	assert_json_str(obj, "host", "host1");
	assert_json_str(obj, "kind", "mem");
	assert_json_str(obj, "access", "read");
	assert_json_int(obj, "result", -13);
	assert_json_str(obj, "result_name", "EACCES");
	assert_json_str(obj, "action", "alert");
	assert_json_str(obj, "severity", "high");
	assert_json_str(obj, "rule", "default");
	assert_json_str(obj, "mitre", "T1003.007");
	assert_json_int(obj, "count", 3);

	flags = get(obj, "flags");
	assert_true(json_object_is_type(flags, json_type_array));
	assert_int_equal(json_object_array_length(flags), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(flags, 0)),
			    "caller_cap_ptrace");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(flags, 1)),
			    "same_uid");

	caller = get(obj, "caller");
	assert_json_int(caller, "pid", 1234);
	assert_json_int(caller, "tid", 1235);
	assert_json_int(caller, "ppid", 1233);
	assert_json_int(caller, "uid", 1000);
	assert_json_int(caller, "euid", 0);
	assert_json_int(caller, "fsuid", 0);
	assert_json_int(caller, "gid", 1000);
	assert_json_int(caller, "loginuid", -1);
	assert_json_int(caller, "sessionid", -1);
	assert_json_str(caller, "comm", "dd");
	assert_json_str(caller, "exe", "/usr/bin/dd");
	assert_json_bool(caller, "cap_sys_ptrace", true);
	assert_json_bool(caller, "is_tracer", false);
	assert_json_bool(caller, "is_ancestor", false);
	assert_json_bool(caller, "comm_mismatch", false);

	target = get(obj, "target");
	assert_json_int(target, "pid", 1200);
	assert_json_int(target, "tid", 1200);
	assert_json_int(target, "uid", 1000);
	assert_json_str(target, "comm", "sh");
	assert_json_str(target, "exe", "/usr/bin/dash");
	assert_json_absent(target, "cap_sys_ptrace");
	json_object_put(obj);
}

/* Container and service context: kernel ids, the path, what it names. */
static void test_json_container_context(void **state)
{
	struct nl_msg *msg = test_container_event();
	struct json_object *obj, *caller, *target, *flags;
	struct pmguard_event ev;
	char *text;

	(void)state;
	assert_non_null(msg);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	obj = json_of(&ev);
	flags = get(obj, "flags");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(flags, 0)),
			    "cross_container");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(flags, 1)),
			    "from_container");
	caller = get(obj, "caller");
	assert_json_bool(caller, "in_container", true);
	assert_json_int(caller, "cgroup_id", 4242 + 4026532000LL);
	assert_json_str(caller, "cgroup", "/system.slice/docker-" TEST_DOCKER_ID ".scope");
	assert_json_int(caller, "ns_pid", 1);
	assert_json_int(caller, "pid_ns", 4026532001LL);
	assert_json_int(caller, "mnt_ns", 4026532002LL);
	assert_json_int(caller, "user_ns", 4026532003LL);
	assert_json_int(caller, "net_ns", 4026532004LL);
	assert_json_int(caller, "cgroup_ns", 4026532005LL);
	assert_json_str(caller, "container_runtime", "docker");
	assert_json_str(caller, "container_id", TEST_DOCKER_ID);
	assert_json_str(caller, "unit", "docker-" TEST_DOCKER_ID ".scope");
	assert_json_absent(caller, "pod_uid");
	assert_json_absent(caller, "user_unit");
	target = get(obj, "target");
	assert_json_bool(target, "in_container", false);
	assert_json_str(target, "unit", "ssh.service");
	assert_json_absent(target, "container_id");
	assert_json_absent(target, "container_runtime");
	json_object_put(obj);

	text = pmg_format_event(PMG_FMT_TEXT, &ev, "host1");
	assert_non_null(text);
	assert_non_null(strstr(text, "caller=cat[4100] container=docker:0123456789ab unit=docker-"));
	assert_non_null(strstr(text, "target=sshd[700] unit=ssh.service flags="
				     "cross_container,from_container"));
	free(text);
	nlmsg_free(msg);
}

static void test_json_result_ok_and_unknown(void **state)
{
	struct fixture *fx = *state;
	struct json_object *obj;

	fx->ev.result = 0;
	obj = json_of(&fx->ev);
	assert_json_int(obj, "result", 0);
	assert_json_str(obj, "result_name", "OK");
	json_object_put(obj);

	fx->ev.result = -1;
	obj = json_of(&fx->ev);
	assert_json_str(obj, "result_name", "EPERM");
	json_object_put(obj);

	fx->ev.result = -4000;
	obj = json_of(&fx->ev);
	assert_json_int(obj, "result", -4000);
	assert_json_str(obj, "result_name", "unknown(-4000)");
	json_object_put(obj);
}

static void test_json_access_values(void **state)
{
	static const struct { uint32_t access; const char *name; } cases[] = {
		{ PMGUARD_ACCESS_READ, "read" },
		{ PMGUARD_ACCESS_WRITE, "write" },
		{ PMGUARD_ACCESS_READ | PMGUARD_ACCESS_WRITE, "read-write" },
		{ 0, "none" },
		{ 0x10, "unknown(16)" },
	};
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *obj;

		fx->ev.access = cases[i].access;
		obj = json_of(&fx->ev);
		assert_json_str(obj, "access", cases[i].name);
		json_object_put(obj);
	}
}

static void test_unknown_enums(void **state)
{
	struct fixture *fx = *state;
	struct json_object *obj;
	char *s;

	fx->ev.kind = 99;
	fx->ev.action = 42;
	fx->ev.severity = 17;
	fx->ev.flags = PMGUARD_F_COMM_MISMATCH | 0x80000000u;

	obj = json_of(&fx->ev);
	assert_json_str(obj, "kind", "unknown(99)");
	assert_json_str(obj, "action", "unknown(42)");
	assert_json_str(obj, "severity", "unknown(17)");
	assert_string_equal(json_object_to_json_string_ext(get(obj, "flags"),
							   JSON_C_TO_STRING_PLAIN),
			    "[\"comm_mismatch\",\"unknown(0x80000000)\"]");
	assert_json_bool(get(obj, "caller"), "comm_mismatch", true);
	json_object_put(obj);

	s = pmg_format_event(PMG_FMT_TEXT, &fx->ev, "h");
	assert_non_null(s);
	assert_non_null(strstr(s, " unknown(42) unknown(17) unknown(99) read "));
	assert_non_null(strstr(s, " flags=comm_mismatch,unknown(0x80000000)"));
	free(s);
}

/* Absent attributes are omitted (JSON) or shown as "-" (text), not zero. */
static void test_missing_attributes(void **state)
{
	struct pmguard_event ev = { 0 };
	struct json_object *obj;
	char *s;

	(void)state;
	ev.present = 1ull << PMGUARD_A_SEQ | 1ull << PMGUARD_A_TARGET;
	ev.seq = 9;
	ev.target.present = 1u << PMGUARD_P_PID;
	ev.target.pid = 300;

	obj = json_of(&ev);
	assert_json_str(obj, "type", "access");
	assert_json_int(obj, "seq", 9);
	assert_json_str(obj, "mitre", "T1003.007");
	assert_json_str(obj, "host", "host1");
	static const char *const absent[] = {
		"time", "kind", "access", "result", "result_name", "action",
		"severity", "rule", "count", "flags", "caller",
	};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_json_absent(obj, absent[i]);
	assert_json_int(get(obj, "target"), "pid", 300);
	assert_json_absent(get(obj, "target"), "exe");
	assert_json_absent(get(obj, "target"), "comm");
	json_object_put(obj);

	s = pmg_format_event(PMG_FMT_TEXT, &ev, "h");
	assert_non_null(s);
	assert_string_equal(s, "- seq=9 - - - - caller=[?] -> target=[300]");
	free(s);
}

/* Every hostile string: one line, valid JSON, valid UTF-8, round-trips. */
static const struct {
	const char *bytes;
	const char *json_back;	/* what the JSON parser must give back */
} hostile[] = {
	{ "\"quoted\"", "\"quoted\"" },
	{ "back\\slash\\", "back\\slash\\" },
	{ "new\nline\r\n", "new\nline\r\n" },
	{ "\x1b[2J\x1b]0;owned\x07", "\x1b[2J\x1b]0;owned\x07" },
	{ "\"}, {\"type\":\"fake\"", "\"}, {\"type\":\"fake\"" },
	{ "\xff\xfe", FFFD FFFD },
	{ "a\xc0\xaf" "b", "a" FFFD FFFD "b" },
	{ "\xed\xa0\x80", FFFD FFFD FFFD },
	{ "end\xe2\x82", "end" FFFD FFFD },
	{ "\xc3\xa4\xe2\x80\xae", "\xc3\xa4\xe2\x80\xae" },	/* valid, kept */
	{ "\t\x01\x7f", "\t\x01\x7f" },
	{ "</script>", "</script>" },
	{ "", "" },
};

static void set_hostile(struct pmguard_event *ev, const char *bytes, size_t len)
{
	struct pmg_str s = { bytes, len };

	ev->caller.comm = s;
	ev->caller.exe = s;
	ev->target.comm = s;
	ev->target.exe = s;
	ev->rule = s;
}

static void test_json_hostile_strings(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct json_object *obj;

		set_hostile(&fx->ev, hostile[i].bytes, strlen(hostile[i].bytes));
		obj = json_of(&fx->ev);
		assert_json_str(obj, "type", "access");
		assert_json_str(obj, "rule", hostile[i].json_back);
		assert_json_str(get(obj, "caller"), "comm", hostile[i].json_back);
		assert_json_str(get(obj, "caller"), "exe", hostile[i].json_back);
		assert_json_str(get(obj, "target"), "comm", hostile[i].json_back);
		assert_json_str(get(obj, "target"), "exe", hostile[i].json_back);
		json_object_put(obj);
	}
}

static void test_text_hostile_strings(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char *s;

		set_hostile(&fx->ev, hostile[i].bytes, strlen(hostile[i].bytes));
		s = pmg_format_event(PMG_FMT_TEXT, &fx->ev, "h");
		assert_non_null(s);
		if (!test_printable_ascii_line(s))
			fail_msg("case %zu: text line not printable ASCII: %s", i, s);
		/* Hostile text cannot forge extra fields: no raw blanks inside. */
		assert_non_null(strstr(s, " rule="));
		assert_int_equal(strstr(s, " -> target=") != NULL, true);
		free(s);
	}
}

/* Very long strings of every byte value, including invalid UTF-8. */
static void test_long_strings(void **state)
{
	struct fixture *fx = *state;
	size_t len = 100000;
	char *bytes = malloc(len);
	struct json_object *obj;
	char *s;

	assert_non_null(bytes);
	for (size_t i = 0; i < len; i++)
		bytes[i] = (char)(i % 255 + 1);		/* 0x01..0xff, no NUL */
	set_hostile(&fx->ev, bytes, len);

	obj = json_of(&fx->ev);
	assert_true(json_object_get_string_len(get(get(obj, "caller"), "exe")) >= (int)len / 2);
	json_object_put(obj);

	s = pmg_format_event(PMG_FMT_TEXT, &fx->ev, "h");
	assert_non_null(s);
	assert_true(test_printable_ascii_line(s));
	assert_true(strlen(s) > len);
	free(s);
	free(bytes);
}

/* A string of only U+FFFD-worthy bytes grows 3x: the buffer must hold it. */
static void test_all_invalid_long(void **state)
{
	size_t len = PMGUARD_PATH_MAX, out_len;
	char *bytes = malloc(len);
	char *out;

	(void)state;
	memset(bytes, 0xff, len);
	out = pmg_utf8_sanitize(bytes, len, &out_len);
	assert_non_null(out);
	assert_int_equal(out_len, 3 * len);
	assert_true(test_valid_utf8(out, out_len));
	free(out);
	free(bytes);
}

static void test_hostile_host(void **state)
{
	struct fixture *fx = *state;
	char *s = pmg_format_event(PMG_FMT_JSON, &fx->ev, "evil\"\nhost");
	struct json_object *obj;

	assert_non_null(s);
	assert_null(strchr(s, '\n'));
	obj = json_tokener_parse(s);
	assert_non_null(obj);
	assert_json_str(obj, "host", "evil\"\nhost");
	json_object_put(obj);
	free(s);
}

/*
 * A host name is any bytes root (or a UTS namespace's root) chose: every
 * JSON record carrying "host" must stay valid UTF-8.
 */
static void assert_host_sanitised(char *s)
{
	struct json_object *obj;

	assert_non_null(s);
	if (!test_valid_utf8(s, strlen(s)))
		fail_msg("not valid UTF-8: %s", s);
	obj = json_tokener_parse(s);
	assert_non_null(obj);
	assert_json_str(obj, "host", "bad" FFFD "host" FFFD FFFD);
	json_object_put(obj);
	free(s);
}

static void test_invalid_utf8_host(void **state)
{
	static const char host[] = "bad\xffhost\xc0\xaf";
	struct fixture *fx = *state;
	struct pmg_seq_report r = { .lost = 1, .first_lost = 2, .last_lost = 2 };
	struct pmguard_mem_summary sum = { 0 };
	struct pmg_counters c = { 0 };
	struct pmguard_stats st = { 0 };
	struct pmg_config cfg = { 0 };
	struct pmg_guard guard = { PMGUARD_GUARD_BLIND, PMGUARD_SEV_CRITICAL, 1 };

	(void)state;
	assert_host_sanitised(pmg_format_event(PMG_FMT_JSON, &fx->ev, host));
	assert_host_sanitised(pmg_format_summary(PMG_FMT_JSON, &sum, host));
	assert_host_sanitised(pmg_format_gap(PMG_FMT_JSON, &r, 1, host));
	assert_host_sanitised(pmg_format_overrun(PMG_FMT_JSON, 1, host));
	assert_host_sanitised(pmg_format_reset(PMG_FMT_JSON, &r, 1, 1, host));
	assert_host_sanitised(pmg_format_note(PMG_FMT_JSON, "n", "m", 1, host));
	assert_host_sanitised(pmg_format_guard(PMG_FMT_JSON, &guard, 1, host));
	assert_host_sanitised(pmg_format_counters(PMG_FMT_JSON, &c, 1, host));
	assert_host_sanitised(pmg_format_stats(PMG_FMT_JSON, &st, 1, host));
	assert_host_sanitised(pmg_format_config(PMG_FMT_JSON, &cfg, 1, host));
}

/* The module went blind: one record a SIEM can alert on, in both forms. */
static void test_guard_records(void **state)
{
	struct pmg_guard g = { PMGUARD_GUARD_BLIND, PMGUARD_SEV_CRITICAL, 1000000000 };
	char *s;

	(void)state;
	s = pmg_format_guard(PMG_FMT_JSON, &g, 5, "h");
	assert_non_null(strstr(s, "\"type\":\"guard\""));
	assert_non_null(strstr(s, "\"state\":\"blind\""));
	assert_non_null(strstr(s, "\"severity\":\"critical\""));
	assert_non_null(strstr(s, "1970-01-01T00:00:01"));	/* the kernel's time */
	free(s);
	s = pmg_format_guard(PMG_FMT_TEXT, &g, 5, "h");
	assert_non_null(strstr(s, " GUARD critical blind: kprobes are disarmed"));
	free(s);
	g.state = 77;
	s = pmg_format_guard(PMG_FMT_JSON, &g, 5, "h");
	assert_non_null(strstr(s, "\"state\":\"unknown\""));
	free(s);
}

static void test_text_thread_ids(void **state)
{
	struct fixture *fx = *state;
	char *s;

	fx->ev.target.tid = 1201;	/* opened via /proc/1200/task/1201/... */
	s = pmg_format_event(PMG_FMT_TEXT, &fx->ev, "h");
	assert_non_null(strstr(s, " target=sh[1200/1201] "));
	free(s);
	fx->ev.caller.present &= ~(1u << PMGUARD_P_TID);
	s = pmg_format_event(PMG_FMT_TEXT, &fx->ev, "h");
	assert_non_null(strstr(s, " caller=dd[1234] "));
	free(s);
}

/* ---- reader records --------------------------------------------------- */

#define parse_line test_json_line

static void test_gap_records(void **state)
{
	struct pmg_seq_report r = {
		.verdict = PMG_SEQ_GAP, .lost = 3, .first_lost = 5, .last_lost = 7,
		.previous = 4,
	};
	struct json_object *obj;
	char *s;

	(void)state;
	s = pmg_format_gap(PMG_FMT_TEXT, &r, 0, "h");
	assert_string_equal(s, "1970-01-01T00:00:00.000000000Z LOST 3 events (seq 5..7)");
	free(s);

	obj = parse_line(pmg_format_gap(PMG_FMT_JSON, &r, 0, "h"));
	assert_json_str(obj, "type", "lost");
	assert_json_int(obj, "count", 3);
	assert_json_int(obj, "first_seq", 5);
	assert_json_int(obj, "last_seq", 7);
	assert_json_str(obj, "reason", "seq_gap");
	assert_json_str(obj, "time", "1970-01-01T00:00:00.000000000Z");
	assert_json_str(obj, "host", "h");
	json_object_put(obj);
}

static void test_overrun_records(void **state)
{
	struct json_object *obj;
	char *s;

	(void)state;
	s = pmg_format_overrun(PMG_FMT_TEXT, 0, "h");
	assert_non_null(strstr(s, " LOST events: receive buffer overrun"));
	free(s);

	obj = parse_line(pmg_format_overrun(PMG_FMT_JSON, 0, "h"));
	assert_json_str(obj, "type", "lost");
	assert_json_str(obj, "reason", "overrun");
	assert_json_absent(obj, "count");	/* counted by the next seq gap */
	json_object_put(obj);
}

static void test_reset_records(void **state)
{
	struct pmg_seq_report r = { .verdict = PMG_SEQ_RESET, .previous = 50 };
	struct json_object *obj;
	char *s;

	(void)state;
	s = pmg_format_reset(PMG_FMT_TEXT, &r, 1, 0, "h");
	assert_non_null(strstr(s, " RESET seq went back from 50 to 1 "));
	free(s);

	obj = parse_line(pmg_format_reset(PMG_FMT_JSON, &r, 1, 0, "h"));
	assert_json_str(obj, "type", "reset");
	assert_json_int(obj, "previous_seq", 50);
	assert_json_int(obj, "seq", 1);
	assert_json_str(obj, "reason", "seq_backwards");
	json_object_put(obj);
}

static void test_counter_records(void **state)
{
	struct pmg_counters c = { 0 };
	struct json_object *obj;
	char *s;

	(void)state;
	c.events = 7;
	c.accesses = 9;
	c.lost = 4;
	c.gaps = 2;
	c.overruns = 1;
	c.by_kind[PMGUARD_KIND_MEM] = 5;
	c.by_kind[PMGUARD_KIND_AUXV] = 1;
	c.kind_unknown = 1;
	c.by_action[PMGUARD_ACTION_DENY] = 6;
	c.action_unknown = 1;
	c.folded_events = 1;
	c.summaries = 5;
	c.journal_errors = 2;

	obj = parse_line(pmg_format_counters(PMG_FMT_JSON, &c, 0, "h"));
	assert_json_str(obj, "type", "counters");
	assert_json_int(obj, "events", 7);
	assert_json_int(obj, "accesses", 9);
	assert_json_int(obj, "lost", 4);
	assert_json_int(obj, "gaps", 2);
	assert_json_int(obj, "overruns", 1);
	assert_json_int(obj, "resets", 0);
	assert_json_int(obj, "malformed", 0);
	assert_json_int(obj, "folded_events", 1);
	assert_json_int(obj, "summaries", 5);
	assert_json_int(obj, "journal_errors", 2);
	assert_json_int(get(obj, "kind"), "mem", 5);
	assert_json_int(get(obj, "kind"), "auxv", 1);
	assert_json_int(get(obj, "kind"), "environ", 0);
	assert_json_int(get(obj, "kind"), "unknown", 1);
	assert_json_int(get(obj, "action"), "deny", 6);
	assert_json_int(get(obj, "action"), "allow", 0);
	assert_json_int(get(obj, "action"), "unknown", 1);
	json_object_put(obj);

	s = pmg_format_counters(PMG_FMT_TEXT, &c, 0, "h");
	assert_non_null(strstr(s, "events=7 accesses=9 lost=4 gaps=2 overruns=1"));
	assert_non_null(strstr(s, " folded_events=1 summaries=5 journal_errors=2\n"));
	assert_non_null(strstr(s, " mem=5 "));
	assert_non_null(strstr(s, " deny=6 "));
	free(s);
}

static void test_stats_records(void **state)
{
	struct pmguard_stats st = { 0 };
	struct json_object *obj, *kinds;
	char *s;

	(void)state;
	st.has_mode = true;
	st.mode = PMGUARD_MODE_ENFORCE;
	st.present = 1u << PMGUARD_S_SEEN | 1u << PMGUARD_S_DENIED |
		     1u << PMGUARD_S_DROP_SEND | 1u << PMGUARD_S_PROBES |
		     1u << PMGUARD_S_FOLDED | 1u << PMGUARD_S_SUMMARIES |
		     1u << PMGUARD_S_DROP_TRACKING | 1u << PMGUARD_S_SUBSCRIBERS |
		     1u << PMGUARD_S_PRIORITY_DROPPED | 1u << PMGUARD_S_HELD;
	st.counter[PMGUARD_S_SUBSCRIBERS] = 1;
	st.counter[PMGUARD_S_PRIORITY_DROPPED] = 0;
	st.counter[PMGUARD_S_HELD] = 9;
	st.counter[PMGUARD_S_FOLDED] = 70;
	st.counter[PMGUARD_S_SUMMARIES] = 6;
	st.counter[PMGUARD_S_DROP_TRACKING] = 4;
	st.counter[PMGUARD_S_SEEN] = 100;
	st.counter[PMGUARD_S_DENIED] = 3;
	st.counter[PMGUARD_S_DROP_SEND] = 2;
	st.counter[PMGUARD_S_PROBES] = 8;
	st.n_kinds = 2;
	st.kinds[0] = (struct pmguard_kind_stats){
		.present = 1u << PMGUARD_KS_KIND | 1u << PMGUARD_KS_SEEN |
			   1u << PMGUARD_KS_REPORTED | 1u << PMGUARD_KS_PROBED,
		.kind = PMGUARD_KIND_ENVIRON, .seen = 10, .reported = 9, .probed = 1,
	};
	st.kinds[1] = (struct pmguard_kind_stats){
		.present = 1u << PMGUARD_KS_KIND | 1u << PMGUARD_KS_PROBED,
		.kind = 31, .probed = 0,
	};

	obj = parse_line(pmg_format_stats(PMG_FMT_JSON, &st, 0, "h"));
	assert_json_str(obj, "type", "stats");
	assert_json_str(obj, "mode", "enforce");
	assert_json_int(obj, "seen", 100);
	assert_json_int(obj, "denied", 3);
	assert_json_int(obj, "probes", 8);
	assert_json_absent(obj, "reported");
	assert_json_int(get(obj, "dropped"), "send", 2);
	assert_json_int(obj, "folded", 70);
	assert_json_int(obj, "summaries", 6);
	assert_json_int(get(obj, "dropped"), "tracking", 4);
	assert_json_absent(get(obj, "dropped"), "nomem");
	assert_json_int(obj, "subscribers", 1);
	assert_json_int(obj, "priority_dropped", 0);
	assert_json_int(obj, "held", 9);
	kinds = get(obj, "kinds");
	assert_json_int(get(kinds, "environ"), "seen", 10);
	assert_json_int(get(kinds, "environ"), "reported", 9);
	assert_json_bool(get(kinds, "environ"), "probed", true);
	assert_json_bool(get(kinds, "unknown(31)"), "probed", false);
	json_object_put(obj);

	s = pmg_format_stats(PMG_FMT_TEXT, &st, 0, "h");
	assert_non_null(strstr(s, "mode:        enforce\n"));
	assert_non_null(strstr(s, "\nsubscribers: 1\n"));
	assert_non_null(strstr(s, "\npriority_dropped: 0\n"));
	assert_non_null(strstr(s, "\nheld:        9\n"));
	assert_non_null(strstr(s, "seen:        100\n"));
	assert_non_null(strstr(s, "reported:    -\n"));
	assert_non_null(strstr(s, " send=2 "));
	assert_non_null(strstr(s, "folded:      70\n"));
	assert_non_null(strstr(s, "summaries:   6\n"));
	assert_non_null(strstr(s, " missed=- tracking=4 guard=-\n"));
	assert_non_null(strstr(s, "\nenviron "));
	free(s);
}

/* ---- folded events and mem summaries ---------------------------------- */

static void test_folded_event_format(void **state)
{
	struct nl_msg *msg = test_folded_event(90, 17, 74);
	struct pmguard_event ev;
	struct json_object *obj, *flags;
	char *s;

	(void)state;
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	s = pmg_format_event(PMG_FMT_TEXT, &ev, "h");
	assert_string_equal(s,
		"2026-11-26T07:40:12.123456789Z seq=90 ALERT low maps read result=0 "
		"rule=own-uid count=17 first_seq=74 caller=top[500/500] ppid=499 uid=1000 "
		"euid=0 loginuid=-1 exe=/usr/bin/top -> target=bash[600] uid=1000 "
		"exe=/usr/bin/bash flags=same_uid,folded");
	free(s);

	obj = json_of(&ev);
	assert_json_int(obj, "seq", 90);
	assert_json_int(obj, "count", 17);
	assert_json_int(obj, "first_seq", 74);
	flags = get(obj, "flags");
	assert_int_equal(json_object_array_length(flags), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(flags, 1)),
			    "folded");
	json_object_put(obj);
	nlmsg_free(msg);
}

/* A folded process_vm_readv burst: bytes in all three renderings. */
static void test_bytes_format(void **state)
{
	struct nl_msg *msg = test_copy_event(91, 4, 88, 5300000123ull);
	struct pmguard_event ev;
	struct json_object *obj;
	char *s;

	(void)state;
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	s = pmg_format_event(PMG_FMT_TEXT, &ev, "h");
	assert_non_null(s);
	assert_non_null(strstr(s, " ALERT high vm_read read result=0 rule=sensitive-memory "
			       "count=4 first_seq=88 bytes=5300000123 caller=python3[700/700]"));
	assert_non_null(strstr(s, " flags=target_sensitive,folded,compat_syscall"));
	free(s);

	obj = json_of(&ev);
	assert_json_str(obj, "kind", "vm_read");
	assert_json_int(obj, "bytes", 5300000123ll);
	assert_json_int(obj, "count", 4);
	json_object_put(obj);
	nlmsg_free(msg);

	/* An open sends no bytes: none shown. */
	msg = test_full_event(5);
	assert_int_equal(pmg_event_parse(nlmsg_hdr(msg), &ev), 0);
	s = pmg_format_event(PMG_FMT_TEXT, &ev, "h");
	assert_null(strstr(s, "bytes="));
	free(s);
	obj = json_of(&ev);
	assert_json_absent(obj, "bytes");
	json_object_put(obj);
	nlmsg_free(msg);
}

static void test_summary_text(void **state)
{
	struct nl_msg *msg = test_summary(42);
	struct pmguard_mem_summary sum;
	char *s;

	(void)state;
	assert_int_equal(pmg_summary_parse(nlmsg_hdr(msg), &sum), 0);
	s = pmg_format_summary(PMG_FMT_TEXT, &sum, "h");
	assert_string_equal(s,
		"2026-11-26T07:40:13.000000000Z SUMMARY seq=42 python3[123] read 135168 "
		"bytes in 33 reads (0x55d0a1b2c000-0x55d2f3e4d000) from sshd[77] writes=0 "
		"bytes_written=0 errors=2 duration=1.500000000s kind=mem caller_uid=1000 "
		"caller_exe=/usr/bin/python3.11 target_uid=1000 target_exe=/usr/sbin/sshd");
	assert_true(test_printable_ascii_line(s));
	free(s);

	/* What the kernel did not send is "?" or left out, never a made-up 0. */
	memset(&sum, 0, sizeof(sum));
	s = pmg_format_summary(PMG_FMT_TEXT, &sum, "h");
	assert_string_equal(s, "- SUMMARY [?] read ? bytes in ? reads (?-?) from [?] "
			    "writes=? bytes_written=? errors=?");
	free(s);
	nlmsg_free(msg);
}

static void test_summary_json(void **state)
{
	static const char *const keys[] = {
		"type", "seq", "time", "host", "mitre", "kind", "caller", "target",
		"reads", "bytes_read", "writes", "bytes_written", "first_offset",
		"last_offset", "duration_ns", "errors",
	};
	struct nl_msg *msg = test_summary(42);
	struct pmguard_mem_summary sum;
	struct json_object *obj;
	char *s;

	(void)state;
	assert_int_equal(pmg_summary_parse(nlmsg_hdr(msg), &sum), 0);
	s = pmg_format_summary(PMG_FMT_JSON, &sum, "host1");
	assert_null(strchr(s, '\n'));
	obj = json_tokener_parse(s);
	assert_non_null(obj);
	free(s);
	assert_int_equal(json_object_object_length(obj), sizeof(keys) / sizeof(keys[0]));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		(void)get(obj, keys[i]);
	assert_json_str(obj, "type", "mem_summary");
	assert_json_int(obj, "seq", 42);
	assert_json_str(obj, "time", "2026-11-26T07:40:13.000000000Z");
	assert_json_str(obj, "host", "host1");
	assert_json_str(obj, "mitre", "T1003.007");
	assert_json_str(obj, "kind", "mem");
	assert_json_int(get(obj, "caller"), "pid", 123);
	assert_json_str(get(obj, "caller"), "comm", "python3");
	assert_json_str(get(obj, "target"), "comm", "sshd");
	assert_json_int(obj, "reads", 33);
	assert_json_int(obj, "bytes_read", 135168);
	assert_json_int(obj, "writes", 0);
	assert_json_int(obj, "bytes_written", 0);
	/* Offsets are integers in JSON (hex only in text). */
	assert_json_int(obj, "first_offset", 0x55d0a1b2c000ll);
	assert_json_int(obj, "last_offset", 0x55d2f3e4d000ll);
	assert_json_int(obj, "duration_ns", 1500000000);
	assert_json_int(obj, "errors", 2);
	/* No access-event facts in a summary's caller. */
	assert_json_absent(get(obj, "caller"), "cap_sys_ptrace");
	json_object_put(obj);

	memset(&sum, 0, sizeof(sum));
	s = pmg_format_summary(PMG_FMT_JSON, &sum, "h");
	assert_string_equal(s, "{\"type\":\"mem_summary\",\"host\":\"h\","
			    "\"mitre\":\"T1003.007\"}");
	free(s);
	nlmsg_free(msg);
}

/* Hostile comm/exe in a summary: still one line of valid JSON / ASCII text. */
static void test_summary_hostile(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_MEM_SUMMARY);
	struct pmguard_mem_summary sum;
	char *s;

	(void)state;
	assert_true(test_put_proc(msg, PMGUARD_A_CALLER, 1, 1, "a\n\"b\xff\x1b",
				  "/tmp/\xe2\x80\xae evil\r") >= 0);
	assert_int_equal(pmg_summary_parse(nlmsg_hdr(msg), &sum), 0);
	s = pmg_format_summary(PMG_FMT_JSON, &sum, "h");
	assert_null(strchr(s, '\n'));
	assert_true(test_valid_utf8(s, strlen(s)));
	free(s);
	s = pmg_format_summary(PMG_FMT_TEXT, &sum, "h");
	assert_true(test_printable_ascii_line(s));
	assert_non_null(strstr(s, " a\\x0a\"b\\xff\\x1b[1] "));
	free(s);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guard_records),
		cmocka_unit_test(test_time_epoch),
		cmocka_unit_test(test_time_known),
		cmocka_unit_test(test_time_max),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_sanitize_keeps_nul),
		cmocka_unit_test(test_escape_text),
		cmocka_unit_test_setup_teardown(test_text_event_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_event_schema, setup, teardown),
		cmocka_unit_test(test_json_container_context),
		cmocka_unit_test_setup_teardown(test_json_result_ok_and_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_access_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_enums, setup, teardown),
		cmocka_unit_test(test_missing_attributes),
		cmocka_unit_test_setup_teardown(test_json_hostile_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_hostile_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_strings, setup, teardown),
		cmocka_unit_test(test_all_invalid_long),
		cmocka_unit_test_setup_teardown(test_hostile_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_thread_ids, setup, teardown),
		cmocka_unit_test(test_gap_records),
		cmocka_unit_test(test_overrun_records),
		cmocka_unit_test(test_reset_records),
		cmocka_unit_test(test_counter_records),
		cmocka_unit_test(test_stats_records),
		cmocka_unit_test(test_folded_event_format),
		cmocka_unit_test(test_summary_text),
		cmocka_unit_test(test_summary_json),
		cmocka_unit_test(test_summary_hostile),
		cmocka_unit_test(test_bytes_format),
	};

	return cmocka_run_group_tests_name("formatting", tests, NULL, NULL);
}
