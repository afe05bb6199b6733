// SPDX-License-Identifier: GPL-2.0
/*
 * The policy file: every field, every rejection (line number and reason),
 * the round trip file -> POLICY_REPLACE message -> file, RULE_LIST dumps,
 * GET_CONFIG, extended ACKs, and the shipped userland/policy.conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include <json.h>

#include "format.h"
#include "nl.h"
#include "policy.h"
#include "testutil.h"

static struct pmg_policy *pol;
static struct pmg_policy_errors *errs;

static int setup(void **state)
{
	(void)state;
	pol = calloc(1, sizeof(*pol));
	errs = calloc(1, sizeof(*errs));
	return pol && errs ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(pol);
	free(errs);
	return 0;
}

static int parse(const char *text)
{
	return pmg_policy_parse(text, strlen(text), pol, errs);
}

/* Print the errors when a test does not get what it expects. */
static void dump_errors(void)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "  line %u: %s\n", errs->e[i].line, errs->e[i].reason);
}

static void assert_valid(const char *text)
{
	int ret = parse(text);

	if (ret != 0)
		dump_errors();
	assert_int_equal(ret, 0);
}

/* ---- valid files ------------------------------------------------------ */

static void test_every_field(void **state)
{
	const struct pmg_rule *r;

	(void)state;
	assert_valid(
		"# a comment\n"
		"\n"
		"   default action=deny severity=critical   # trailing comment\n"
		"sensitive sshd \"Web Content\" sudo\n"
		"sensitive\tsu\n"
		"rule full:rule-1.x action=alert severity=high caller_exe=/usr/bin/gdb "
		"caller_comm=gdb caller_uid=1000 target_exe=\"/opt/my app/bin\" "
		"target_comm=\"a#b \\\"c\\\\\" kinds=mem,environ,maps,smaps,smaps_rollup,"
		"numa_maps,pagemap,auxv access=read,write if=caller_cap_ptrace,"
		"caller_is_tracer,caller_is_ancestor,same_uid,target_sensitive "
		"unless=comm_mismatch,comm_spoofs_allowed,task_alias,target_exe_unknown\n"
		"rule min action=allow\n"
		"rule byname action=deny caller_uid=root kinds=all access=write\n"
		"rule q\"uoted\" action=allow \"caller_comm\"=x\n");

	assert_int_equal(pol->default_action, PMGUARD_ACTION_DENY);
	assert_int_equal(pol->default_severity, PMGUARD_SEV_CRITICAL);
	assert_int_equal(pol->n_sensitive, 4);
	assert_string_equal(pol->sensitive[0], "sshd");
	assert_string_equal(pol->sensitive[1], "Web Content");
	assert_string_equal(pol->sensitive[2], "sudo");
	assert_string_equal(pol->sensitive[3], "su");
	assert_int_equal(pol->n_rules, 4);

	r = &pol->rules[0];
	assert_int_equal(r->line, 6);
	assert_string_equal(r->name, "full:rule-1.x");
	assert_int_equal(r->action, PMGUARD_ACTION_ALERT);
	assert_int_equal(r->severity, PMGUARD_SEV_HIGH);
	assert_string_equal(r->caller_exe, "/usr/bin/gdb");
	assert_string_equal(r->caller_comm, "gdb");
	assert_int_equal(r->caller_uid, 1000);
	assert_string_equal(r->target_exe, "/opt/my app/bin");
	assert_string_equal(r->target_comm, "a#b \"c\\");
	assert_int_equal(r->kinds, 0x1fe);
	assert_int_equal(r->access, PMGUARD_ACCESS_READ | PMGUARD_ACCESS_WRITE);
	assert_int_equal(r->flags_set, 0x1f);
	assert_int_equal(r->flags_clear, 0x1e0);
	for (int a = PMGUARD_R_NAME; a <= PMGUARD_R_FLAGS_CLEAR; a++)
		assert_true(pmg_rule_has(r, a));
	assert_false(pmg_rule_has(r, PMGUARD_R_STALE));

	r = &pol->rules[1];
	assert_string_equal(r->name, "min");
	assert_int_equal(r->present, (1u << PMGUARD_R_NAME) | (1u << PMGUARD_R_ACTION));

	r = &pol->rules[2];
	assert_int_equal(r->caller_uid, 0);		/* root */
	assert_false(pmg_rule_has(r, PMGUARD_R_KINDS));	/* all == any */
	assert_int_equal(r->access, PMGUARD_ACCESS_WRITE);

	r = &pol->rules[3];
	assert_string_equal(r->name, "quoted");
	assert_string_equal(r->caller_comm, "x");
}

static void test_defaults_when_absent(void **state)
{
	(void)state;
	assert_valid("rule a action=allow\n");
	assert_int_equal(pol->default_action, PMGUARD_ACTION_ALERT);
	assert_int_equal(pol->default_severity, PMGUARD_SEV_LOW);
	assert_valid("default action=allow\n");
	assert_int_equal(pol->default_action, PMGUARD_ACTION_ALLOW);
	assert_int_equal(pol->default_severity, PMGUARD_SEV_LOW);
	assert_int_equal(pol->n_rules, 0);
	/* Empty file, no final newline, only comments: all fine. */
	assert_valid("");
	assert_valid("# nothing\n   \t\n#");
	assert_valid("rule x action=allow");
	assert_int_equal(pol->n_rules, 1);
}

static void test_limits_accepted(void **state)
{
	char path[PMG_RULE_PATH_MAX];
	char text[8192];

	(void)state;
	/* Exactly at each limit: 63-byte name, 15-byte comm, 255-byte path. */
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	snprintf(text, sizeof(text), "rule %s action=allow caller_comm=%s caller_exe=%s\n",
		 "n23456789012345678901234567890123456789012345678901234567890123",
		 "c23456789012345", path);
	assert_valid(text);
	assert_int_equal(strlen(pol->rules[0].name), 63);
	assert_int_equal(strlen(pol->rules[0].caller_comm), 15);
	assert_int_equal(strlen(pol->rules[0].caller_exe), 255);
	/* One byte more is rejected. */
	snprintf(text, sizeof(text), "rule x action=allow target_exe=%sq\n", path);
	assert_int_equal(parse(text), -1);
	assert_non_null(strstr(errs->e[0].reason, "' is 256 bytes, longer than 255"));
	/* uid 4294967294 is the largest real one. */
	assert_valid("rule u action=allow caller_uid=4294967294\n");
	assert_int_equal(pol->rules[0].caller_uid, 4294967294u);
}

static void test_max_rules_and_names(void **state)
{
	size_t size = 300 * 64 + 64 * 8;
	char *text = malloc(size), *p = text;

	(void)state;
	for (int i = 0; i < PMGUARD_MAX_RULES; i++)
		p += sprintf(p, "rule r%d action=alert\n", i);
	for (int i = 0; i < PMGUARD_MAX_SENSITIVE; i++)
		p += sprintf(p, "sensitive s%d\n", i);
	assert_valid(text);
	assert_int_equal(pol->n_rules, PMGUARD_MAX_RULES);
	assert_int_equal(pol->n_sensitive, PMGUARD_MAX_SENSITIVE);

	/* One more of each: both rejected, on their own lines. */
	p += sprintf(p, "rule one-too-many action=alert\nsensitive one-too-many\n");
	assert_int_equal(parse(text), -1);
	assert_int_equal(errs->n, 2);
	assert_int_equal(errs->e[0].line, PMGUARD_MAX_RULES + PMGUARD_MAX_SENSITIVE + 1);
	assert_string_equal(errs->e[0].reason, "too many rules (max 256)");
	assert_int_equal(errs->e[1].line, PMGUARD_MAX_RULES + PMGUARD_MAX_SENSITIVE + 2);
	assert_string_equal(errs->e[1].reason, "too many sensitive names (max 64)");
	free(text);
}

/* ---- rejections ------------------------------------------------------- */

static const struct {
	const char *line;	/* the bad line (line 4 of the file) */
	const char *reason;	/* the exact reason */
} rejections[] = {
	{ "bogus x", "unknown keyword 'bogus' (expected default, sensitive or rule)" },
	{ "Rule x action=allow", "unknown keyword 'Rule' (expected default, sensitive or rule)" },
	{ "rule x action=allow colour=red", "unknown field 'colour'" },
	{ "rule x severity=low", "rule 'x': missing action= (allow, alert or deny)" },
	{ "rule x action=allow action=deny", "duplicate field 'action'" },
	{ "rule x action=allow kinds=mem kinds=maps", "duplicate field 'kinds'" },
	{ "rule ok action=deny", "duplicate rule name 'ok' (first on line 3)" },
	{ "rule", "rule: missing NAME" },
	{ "rule action=allow", "rule: missing NAME before 'action=allow'" },
	{ "rule x/y action=allow",
	  "invalid rule name 'x/y': use 1 to 63 of A-Z a-z 0-9 _ . : -" },
	{ "rule \"\" action=allow",
	  "invalid rule name '': use 1 to 63 of A-Z a-z 0-9 _ . : -" },
	{ "rule n234567890123456789012345678901234567890123456789012345678901234 action=allow",
	  "invalid rule name 'n23456789012345678901234567890123456789012345678...': "
	  "use 1 to 63 of A-Z a-z 0-9 _ . : -" },
	{ "rule x action=allow caller_comm=c234567890123456",
	  "caller_comm: 'c234567890123456' is 16 bytes, longer than 15" },
	{ "rule x action=allow target_comm=\"sixteen bytes!!!\"",
	  "target_comm: 'sixteen bytes!!!' is 16 bytes, longer than 15" },
	{ "rule x action=allow caller_exe=usr/bin/gdb",
	  "caller_exe: path must be absolute: 'usr/bin/gdb'" },
	{ "rule x action=allow target_exe=./gdb", "target_exe: path must be absolute: './gdb'" },
	{ "rule x action=allow caller_uid=12x", "caller_uid: unknown user or bad uid '12x'" },
	{ "rule x action=allow caller_uid=-1", "caller_uid: unknown user or bad uid '-1'" },
	{ "rule x action=allow caller_uid=no-such-user-pmguard",
	  "caller_uid: unknown user or bad uid 'no-such-user-pmguard'" },
	{ "rule x action=allow caller_uid=4294967295",
	  "caller_uid: uid '4294967295' out of range (0 to 4294967294)" },
	{ "rule x action=allow caller_uid=99999999999999999999",
	  "caller_uid: uid '99999999999999999999' out of range (0 to 4294967294)" },
	{ "rule x action=permit", "action: unknown value 'permit' (expected allow, alert or deny)" },
	{ "rule x action=ALLOW", "action: unknown value 'ALLOW' (expected allow, alert or deny)" },
	{ "rule x action=allow severity=urgent",
	  "severity: unknown value 'urgent' (expected info, low, medium, high or critical)" },
	{ "rule x action=allow kinds=mem,cmdline",
	  "kinds: unknown kind 'cmdline' (expected mem, environ, maps, smaps, smaps_rollup, "
	  "numa_maps, pagemap, auxv, vm_read, vm_write, ptrace, ptrace_read, ptrace_write, "
	  "getfd, pageout, kcore, core, fd_reopen, uprobe, perf_sample, dump_config, all)" },
	/* all with others: would read as any kind and match only the others */
	{ "rule x action=deny kinds=all,mem",
	  "kinds: 'all' with other items in 'all,mem' (all alone means any; or list "
	  "the ones meant)" },
	{ "rule x action=deny kinds=mem,all,all",
	  "kinds: 'all' with other items in 'mem,all,all' (all alone means any; or list "
	  "the ones meant)" },
	{ "rule x action=allow kinds=", "kinds: empty list" },
	{ "rule x action=allow kinds=\"\"", "kinds: empty list" },
	{ "rule x action=allow kinds=mem,,maps", "kinds: empty item in 'mem,,maps'" },
	{ "rule x action=allow kinds=mem,", "kinds: empty item in 'mem,'" },
	{ "rule x action=allow access=exec", "access: unknown access 'exec' (expected read, write)" },
	{ "rule x action=allow access=", "access: empty list" },
	{ "rule x action=allow if=would_deny",
	  "if: unknown flag 'would_deny' (expected caller_cap_ptrace, caller_is_tracer, "
	  "caller_is_ancestor, same_uid, target_sensitive, comm_mismatch, "
	  "comm_spoofs_allowed, task_alias, target_exe_unknown, exe_replaced, "
	  "cross_container, from_container, target_nondumpable)" },
	{ "rule x action=allow unless=", "unless: empty list" },
	{ "rule x action=allow if=same_uid unless=task_alias,same_uid",
	  "flag 'same_uid' in both if= and unless= (never matches)" },
	{ "rule x action=allow caller_comm=", "caller_comm: empty value" },
	{ "rule x action=allow caller_exe=\"\"", "caller_exe: empty value" },
	{ "rule x action=", "action: empty value" },
	{ "rule x allow", "expected FIELD=VALUE, got 'allow'" },
	{ "rule x action=allow \"caller_comm=x\"", "expected FIELD=VALUE, got 'caller_comm=x'" },
	{ "rule x action=allow caller_comm=\"abc", "unterminated quote (opened at column 33)" },
	{ "rule x action=allow caller_comm=\"abc\\", "unterminated quote (opened at column 33)" },
	{ "rule x action=allow caller_comm=\"a\\nb\"",
	  "bad escape '\\n' at column 35 (inside quotes only \\\" and \\\\)" },
	{ "rule x action=allow caller_comm=a\xff", "invalid UTF-8 at column 34 (byte 0xff)" },
	{ "rule x action=allow # comment \xc0\xaf", "invalid UTF-8 at column 31 (byte 0xc0)" },
	{ "rule x action=allow caller_comm=\xed\xa0\x80", /* a surrogate */
	  "invalid UTF-8 at column 33 (byte 0xed)" },
	{ "rule x action=allow\r", "carriage return at the end of the line (DOS line endings?)" },
	{ "rule x action=allow caller_comm=a\x1b[31m", "control character 0x1b at column 34" },
	{ "rule x action=allow caller_comm=\"a\x7f\"", "control character 0x7f at column 35" },
	{ "default action=deny", "duplicate default line (first on line 1)" },
	{ "sensitive", "sensitive: no names given" },
	{ "sensitive a \"\"", "sensitive: empty name" },
	{ "sensitive n234567890123456789012345678901234567890123456789012345678901234",
	  "sensitive: name 'n23456789012345678901234567890123456789012345678...' is 64 "
	  "bytes, longer than 63" },
};

static void test_rejections(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rejections) / sizeof(rejections[0]); i++) {
		char text[8192];

		snprintf(text, sizeof(text), "default action=alert\n# comment\n"
			 "rule ok action=allow\n%s\nrule after action=allow\n",
			 rejections[i].line);
		if (parse(text) != -1 || errs->n != 1 || errs->e[0].line != 4 ||
		    strcmp(errs->e[0].reason, rejections[i].reason) != 0) {
			fprintf(stderr, "case %zu: %s\n", i, rejections[i].line);
			dump_errors();
			fail();
		}
	}
}

/* NUL bytes and overlong lines: cannot be written as C strings above. */
static void test_nul_and_long_lines(void **state)
{
	static const char nul[] = "rule ok action=allow\nrule x action=al\0low\n";
	char *text = malloc(PMG_POLICY_LINE_MAX + 64);

	(void)state;
	assert_int_equal(pmg_policy_parse(nul, sizeof(nul) - 1, pol, errs), -1);
	assert_int_equal(errs->n, 1);
	assert_int_equal(errs->e[0].line, 2);
	assert_string_equal(errs->e[0].reason, "NUL byte at column 17");

	/* 4096 bytes is fine (a comment), 4097 is not. */
	memset(text, '#', PMG_POLICY_LINE_MAX);
	strcpy(text + PMG_POLICY_LINE_MAX, "\n");
	assert_valid(text);
	memset(text, '#', PMG_POLICY_LINE_MAX + 1);
	strcpy(text + PMG_POLICY_LINE_MAX + 1, "\nrule x action=allow\n");
	assert_int_equal(parse(text), -1);
	assert_int_equal(errs->n, 1);
	assert_int_equal(errs->e[0].line, 1);
	assert_string_equal(errs->e[0].reason, "line is 4097 bytes, longer than 4096");
	free(text);
}

/* Every bad line is reported, with its own number; later lines still checked. */
static void test_all_errors_reported(void **state)
{
	char text[4096] = "";

	(void)state;
	assert_int_equal(parse("rule a action=x\nrule b action=allow\nfoo\n"
			       "rule a action=allow\nrule a action=deny\n"), -1);
	assert_int_equal(errs->n, 3);
	assert_int_equal(errs->e[0].line, 1);
	assert_int_equal(errs->e[1].line, 3);
	assert_int_equal(errs->e[2].line, 5);
	assert_string_equal(errs->e[2].reason, "duplicate rule name 'a' (first on line 4)");

	for (int i = 0; i < PMG_POLICY_MAX_ERRORS + 5; i++)
		strcat(text, "nonsense\n");
	assert_int_equal(parse(text), -1);
	assert_int_equal(errs->n, PMG_POLICY_MAX_ERRORS);
	assert_int_equal(errs->n_more, 5);
	assert_int_equal(errs->e[PMG_POLICY_MAX_ERRORS - 1].line, PMG_POLICY_MAX_ERRORS);
}

/* ---- policy add ------------------------------------------------------- */

static void test_rule_line(void **state)
{
	char reason[PMG_REASON_LEN];
	struct pmg_rule r;

	(void)state;
	assert_int_equal(pmg_rule_parse_line("rule allow-gdb action=allow "
					     "caller_exe=/usr/bin/gdb", 51, &r, reason), 0);
	assert_string_equal(r.name, "allow-gdb");
	assert_string_equal(r.caller_exe, "/usr/bin/gdb");

	assert_int_equal(pmg_rule_parse_line("allow-gdb action=allow", 22, &r, reason), -1);
	assert_string_equal(reason, "expected a rule line: rule NAME "
			    "action=allow|alert|deny [FIELD=VALUE ...]");
	assert_int_equal(pmg_rule_parse_line("sensitive x", 11, &r, reason), -1);
	assert_int_equal(pmg_rule_parse_line("rule x action=allow caller_exe=gdb", 34,
					     &r, reason), -1);
	assert_string_equal(reason, "caller_exe: path must be absolute: 'gdb'");

	/* A comment would drop the rest of the rule silently: refused. */
	assert_int_equal(pmg_rule_parse_line("rule x action=deny # kinds=mem", 30,
					     &r, reason), -1);
	assert_string_equal(reason, "'#' at column 20 would start a comment and drop "
			    "'# kinds=mem' from the rule; quote it (\"#\") if it is "
			    "part of a value");
	/* Only len bytes are the line (fuzz_policy found the message read on). */
	assert_int_equal(pmg_rule_parse_line("rule x action=deny # kinds=memNOT-THE-LINE", 30,
					     &r, reason), -1);
	assert_null(strstr(reason, "NOT"));
	assert_int_equal(pmg_rule_parse_line("rule x action=deny#x", 20, &r, reason), -1);
	assert_string_equal(reason, "'#' at column 19 would start a comment and drop "
			    "'#x' from the rule; quote it (\"#\") if it is part of a value");
	assert_int_equal(pmg_rule_parse_line("rule x action=deny caller_comm=\"#\"", 34,
					     &r, reason), 0);
	assert_string_equal(r.caller_comm, "#");
}

static void test_join_words(void **state)
{
	char *words[] = {
		"rule", "x", "action=allow", "caller_exe=/opt/my app/x",
		"target_comm=a\"b\\c", "caller_comm=#1",
	};
	char *one[] = { "rule y action=deny kinds=mem" };
	char reason[PMG_REASON_LEN];
	struct pmg_rule r;
	char *line;

	(void)state;
	line = pmg_policy_join_words(6, words);
	assert_string_equal(line, "rule x action=allow caller_exe=\"/opt/my app/x\" "
			    "target_comm=\"a\\\"b\\\\c\" caller_comm=\"#1\"");
	assert_int_equal(pmg_rule_parse_line(line, strlen(line), &r, reason), 0);
	assert_string_equal(r.caller_exe, "/opt/my app/x");
	assert_string_equal(r.target_comm, "a\"b\\c");
	assert_string_equal(r.caller_comm, "#1");
	free(line);

	line = pmg_policy_join_words(1, one);
	assert_string_equal(line, one[0]);
	assert_int_equal(pmg_rule_parse_line(line, strlen(line), &r, reason), 0);
	assert_int_equal(r.kinds, 1u << PMGUARD_KIND_MEM);
	free(line);
}

/*
 * pmguard policy add rule x action=deny '#=1' kinds=mem: each word is
 * one token, so the stray word is an error and kinds= is not dropped.
 */
static void test_join_words_stray(void **state)
{
	char *stray[] = { "rule", "x", "action=deny", "#=1", "kinds=mem" };
	char *hash[] = { "rule", "x", "action=deny", "#", "kinds=mem" };
	char *blank[] = { "rule", "x", "action=deny", "kinds x=mem" };
	char reason[PMG_REASON_LEN];
	struct pmg_rule r;
	char *line;

	(void)state;
	line = pmg_policy_join_words(5, stray);
	assert_string_equal(line, "rule x action=deny \"#\"=1 kinds=mem");
	assert_int_equal(pmg_rule_parse_line(line, strlen(line), &r, reason), -1);
	assert_string_equal(reason, "unknown field '#'");
	free(line);

	line = pmg_policy_join_words(5, hash);
	assert_int_equal(pmg_rule_parse_line(line, strlen(line), &r, reason), -1);
	assert_string_equal(reason, "expected FIELD=VALUE, got '#'");
	free(line);

	line = pmg_policy_join_words(4, blank);
	assert_int_equal(pmg_rule_parse_line(line, strlen(line), &r, reason), -1);
	assert_string_equal(reason, "unknown field 'kinds x'");
	free(line);
}

/* ---- round trip ------------------------------------------------------- */

/* Exactly what pmg_policy_format writes (no header). */
static const char canonical[] =
	"default action=deny severity=medium\n"
	"sensitive sshd sshd-session sudo \"Web Content\" su login passwd chpasswd\n"
	"sensitive unix_chkpwd gnome-keyring-daemon kwalletd5 kwalletd6 gpg-agent\n"
	"sensitive \"a\\\"quote\" \"back\\\\slash\" \"hash#\"\n"
	"\n"
	"rule allow:gdb action=allow severity=info caller_exe=/usr/bin/gdb\n"
	"rule everything action=alert severity=critical caller_exe=\"/opt/my app/bin\" "
	"caller_comm=\"x y\" caller_uid=1000 target_exe=/usr/sbin/sshd "
	"target_comm=sshd kinds=mem,environ,maps,smaps,smaps_rollup,numa_maps,pagemap,auxv "
	"access=read,write if=caller_cap_ptrace,caller_is_tracer,caller_is_ancestor,"
	"same_uid,target_sensitive unless=comm_mismatch,comm_spoofs_allowed,task_alias,"
	"target_exe_unknown\n"
	"rule no-severity action=deny access=write\n"
	"rule utf8:ok action=alert target_comm=pépé\n";

/* Build POLICY_REPLACE from pol, decode it as the kernel would, format it. */
static char *through_netlink(const struct pmg_policy *in, struct pmg_policy *out)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_POLICY_REPLACE);
	struct nlattr *tb[PMGUARD_A_MAX + 1];
	char reason[PMG_REASON_LEN];
	char *text;

	assert_non_null(msg);
	assert_int_equal(pmg_policy_put(msg, in), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, PMGUARD_A_MAX, NULL), 0);
	assert_non_null(tb[PMGUARD_A_POLICY]);
	memset(out, 0, sizeof(*out));
	assert_int_equal(pmg_policy_from_nest(tb[PMGUARD_A_POLICY], out), 0);
	nlmsg_free(msg);
	text = pmg_policy_format(out, NULL, reason);
	if (!text)
		fprintf(stderr, "format: %s\n", reason);
	assert_non_null(text);
	return text;
}

static void test_round_trip(void **state)
{
	struct pmg_policy *back = calloc(1, sizeof(*back));
	char *text;

	(void)state;
	assert_valid(canonical);
	text = through_netlink(pol, back);
	assert_string_equal(text, canonical);
	assert_int_equal(back->n_rules, 4);
	assert_int_equal(back->n_sensitive, 16);
	/* What was left out stays out (the module chooses). */
	assert_false(pmg_rule_has(&back->rules[2], PMGUARD_R_SEVERITY));
	free(text);

	/* The same policy written differently gives the same canonical text. */
	assert_valid("# comments are not kept\n"
		     "sensitive sshd sshd-session   sudo \"Web Content\"\n"
		     "sensitive su login passwd chpasswd unix_chkpwd gnome-keyring-daemon\n"
		     /* Outside quotes a backslash is an ordinary byte. */
		     "sensitive kwalletd5 kwalletd6 gpg-agent \"a\\\"quote\" back\\slash hash\"#\"\n"
		     "default severity=medium action=deny\n"
		     "rule allow:gdb caller_exe=/usr/bin/gdb severity=info action=allow\n"
		     "rule everything unless=target_exe_unknown,task_alias,comm_spoofs_allowed,"
		     "comm_mismatch if=target_sensitive,same_uid,caller_is_ancestor,"
		     "caller_is_tracer,caller_cap_ptrace access=write,read "
		     "kinds=auxv,pagemap,numa_maps,smaps_rollup,smaps,maps,environ,mem,mem "
		     "target_comm=sshd target_exe=/usr/sbin/sshd caller_uid=1000 "
		     "caller_comm=x\" \"y caller_exe=\"/opt/my app/bin\" severity=critical "
		     "action=alert # and trailing comments\n"
		     "rule no-severity action=deny access=write kinds=all\n"
		     "rule utf8:ok action=alert target_comm=\"pépé\"\n");
	text = through_netlink(pol, back);
	assert_string_equal(text, canonical);
	free(text);
	free(back);
}

/*
 * A tab inside quotes: what "policy load" accepts, "policy save" writes,
 * and the written text loads back to the same values.
 */
static void test_tab_round_trip(void **state)
{
	struct pmg_policy *back = calloc(1, sizeof(*back));
	char reason[PMG_REASON_LEN];
	char *text;

	(void)state;
	assert_valid("sensitive \"a\tb\"\n"
		     "rule t action=deny caller_comm=\"x\ty\" target_exe=\"/opt/a\tb\"\n");
	assert_string_equal(pol->rules[0].caller_comm, "x\ty");
	text = pmg_policy_format(pol, NULL, reason);
	if (!text)
		fprintf(stderr, "format: %s\n", reason);
	assert_non_null(text);
	assert_string_equal(text, "default action=alert severity=low\n"
			    "sensitive \"a\tb\"\n\n"
			    "rule t action=deny caller_comm=\"x\ty\" "
			    "target_exe=\"/opt/a\tb\"\n");
	free(text);
	text = through_netlink(pol, back);
	assert_string_equal(back->rules[0].caller_comm, "x\ty");
	assert_string_equal(back->rules[0].target_exe, "/opt/a\tb");
	assert_string_equal(back->sensitive[0], "a\tb");
	free(text);
	free(back);
}

/* The saved text (with header and stale notes) loads again. */
static void test_format_header_and_stale(void **state)
{
	char reason[PMG_REASON_LEN];
	char *text;

	(void)state;
	assert_valid("rule a action=allow caller_exe=/usr/bin/gdb\n");
	pol->rules[0].stale = 1;
	pol->n_sensitive = 0;
	text = pmg_policy_format(pol, "# saved\n\n", reason);
	assert_string_equal(text, "# saved\n\ndefault action=alert severity=low\n\n"
			    "# stale: an executable path of this rule names another file "
			    "now; load the policy again\n"
			    "rule a action=allow caller_exe=/usr/bin/gdb\n");
	assert_valid(text);
	free(text);
}

/* Bits from a newer module cannot be written: an error, not a silent drop. */
static void test_format_refuses_unknown(void **state)
{
	char reason[PMG_REASON_LEN];
	struct pmg_rule r = {
		.present = (1u << PMGUARD_R_NAME) | (1u << PMGUARD_R_ACTION) |
			   (1u << PMGUARD_R_KINDS),
		.name = "new",
		.action = PMGUARD_ACTION_DENY,
		.kinds = (1u << PMGUARD_KIND_MEM) | (1u << 22),
	};

	(void)state;
	assert_null(pmg_rule_format(&r, reason));
	assert_non_null(strstr(reason, "rule 'new' uses kinds, access bits or flags this "
			       "version of pmguard does not know (kinds 0x400000"));
	r.kinds = 0;
	r.flags_set = PMGUARD_F_WOULD_DENY;
	r.present |= 1u << PMGUARD_R_FLAGS_SET;
	assert_null(pmg_rule_format(&r, reason));
	assert_non_null(strstr(reason, "if 0x200"));
	r.flags_set = 0;
	r.action = 7;
	assert_null(pmg_rule_format(&r, reason));
	assert_string_equal(reason, "rule 'new': unknown action 7");
	r.action = PMGUARD_ACTION_DENY;
	strcpy(r.caller_comm, "a\nb");
	r.present |= 1u << PMGUARD_R_CALLER_COMM;
	assert_null(pmg_rule_format(&r, reason));
	assert_string_equal(reason, "rule 'new': caller_comm holds bytes the policy "
			    "file cannot represent");

	/*
	 * What the module lists but a file cannot say is refused here, not
	 * written for "policy load" to refuse (fuzz_event found these).
	 */
	strcpy(r.caller_comm, "gdb");
	strcpy(r.caller_exe, "h");
	r.present |= 1u << PMGUARD_R_CALLER_EXE;
	assert_null(pmg_rule_format(&r, reason));
	assert_string_equal(reason, "rule 'new': caller_exe: path must be absolute: 'h'");
	strcpy(r.caller_exe, "/usr/bin/gdb");
	r.caller_uid = UINT32_MAX;
	r.present |= 1u << PMGUARD_R_CALLER_UID;
	assert_null(pmg_rule_format(&r, reason));
	assert_string_equal(reason, "rule 'new': caller_uid: uid '4294967295' out of range "
			    "(0 to 4294967294)");
	r.caller_uid = 0;
	r.target_comm[0] = '\0';
	r.present |= 1u << PMGUARD_R_TARGET_COMM;
	assert_null(pmg_rule_format(&r, reason));
	assert_string_equal(reason, "rule 'new': target_comm is empty, which the policy "
			    "file cannot represent");
	strcpy(r.target_comm, "sshd");
	assert_non_null(pmg_rule_format(&r, reason));
}

/* ---- dumps and configuration ------------------------------------------ */

static struct nl_msg *dump_msg(const char *name, const char *comm, bool stale)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_RULE_LIST);
	struct nlattr *nest = nla_nest_start(msg, PMGUARD_A_RULE_SPEC);

	assert_int_equal(nla_put_string(msg, PMGUARD_R_NAME, name), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_ACTION, PMGUARD_ACTION_ALLOW), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_SEVERITY, PMGUARD_SEV_INFO), 0);
	assert_int_equal(nla_put_string(msg, PMGUARD_R_CALLER_EXE, "/usr/bin/gdb"), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_CALLER_EXE_DEV, 0x801), 0);
	/* The kernel aligns u64s with PAD attributes: skipped. */
	assert_int_equal(nla_put(msg, PMGUARD_R_PAD, 0, NULL), 0);
	assert_int_equal(nla_put_u64(msg, PMGUARD_R_CALLER_EXE_INO, 1234567890123ull), 0);
	assert_int_equal(nla_put_string(msg, PMGUARD_R_CALLER_COMM, comm), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_KINDS, 1u << PMGUARD_KIND_MAPS), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_ACCESS, 0), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_FLAGS_SET, 0), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_FLAGS_CLEAR,
				     PMGUARD_F_TARGET_SENSITIVE), 0);
	assert_int_equal(nla_put_u8(msg, PMGUARD_R_STALE, stale), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_INDEX, 3), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_R_MAX + 5, 1), 0);	/* future */
	nla_nest_end(msg, nest);
	return msg;
}

static void test_dump_parse(void **state)
{
	struct nl_msg *msg = dump_msg("inventory:pmap", "pmap", true);
	char reason[PMG_REASON_LEN];
	struct pmg_rule r;
	char *s;

	(void)state;
	assert_int_equal(pmg_rule_list_parse(nlmsg_hdr(msg), &r), 0);
	nlmsg_free(msg);
	assert_string_equal(r.name, "inventory:pmap");
	assert_int_equal(r.caller_exe_dev, 0x801);
	assert_int_equal(r.caller_exe_ino, 1234567890123ull);
	assert_int_equal(r.stale, 1);
	assert_int_equal(r.index, 3);
	assert_true(pmg_rule_has(&r, PMGUARD_R_INDEX));
	assert_false(pmg_rule_has(&r, PMGUARD_R_TARGET_EXE));

	/* Zero masks match anything and are not written; dump-only data is not. */
	s = pmg_rule_format(&r, reason);
	assert_string_equal(s, "rule inventory:pmap action=allow severity=info "
			    "caller_exe=/usr/bin/gdb caller_comm=pmap kinds=maps "
			    "unless=target_sensitive");
	free(s);

	s = pmg_format_rules(PMG_FMT_TEXT, &r, 1);
	assert_string_equal(s,
		" IDX NAME                     ACTION SEVERITY MATCH\n"
		"   3 inventory:pmap           allow  info     caller_exe=/usr/bin/gdb "
		"caller_comm=pmap kinds=maps unless=target_sensitive STALE\n"
		"STALE: an executable path of the rule names another file now "
		"(upgraded?); load the policy again");
	free(s);

	s = pmg_format_rules(PMG_FMT_JSON, &r, 1);
	assert_string_equal(s,
		"[{\"index\":3,\"name\":\"inventory:pmap\",\"action\":\"allow\","
		"\"severity\":\"info\",\"caller_exe\":\"/usr/bin/gdb\","
		"\"caller_exe_dev\":2049,\"caller_exe_ino\":1234567890123,"
		"\"caller_comm\":\"pmap\",\"kinds\":[\"maps\"],"
		"\"unless\":[\"target_sensitive\"],\"stale\":true}]");
	free(s);

	s = pmg_format_rules(PMG_FMT_JSON, NULL, 0);
	assert_string_equal(s, "[]");
	free(s);
	s = pmg_format_rules(PMG_FMT_TEXT, NULL, 0);
	assert_string_equal(s, " IDX NAME                     ACTION SEVERITY MATCH\n"
			    "(no rules: every access gets the default action)");
	free(s);
}

/* Hostile or future values in a listing: escaped, unknown bits named. */
static void test_dump_hostile(void **state)
{
	struct pmg_rule r = {
		.present = (1u << PMGUARD_R_NAME) | (1u << PMGUARD_R_ACTION) |
			   (1u << PMGUARD_R_TARGET_COMM) | (1u << PMGUARD_R_KINDS) |
			   (1u << PMGUARD_R_FLAGS_SET) | (1u << PMGUARD_R_SEVERITY),
		.name = "x",
		.action = 9,
		.severity = 2,
		.target_comm = "\x1b[2J\xff z",
		.kinds = (1u << PMGUARD_KIND_MEM) | (1u << 30),
		.flags_set = PMGUARD_F_SAME_UID | 0x10000,
	};
	char *s;

	(void)state;
	s = pmg_format_rules(PMG_FMT_TEXT, &r, 1);
	assert_string_equal(s, " IDX NAME                     ACTION SEVERITY MATCH\n"
			    "   - x                        unknown(9) medium   "
			    "target_comm=\\x1b[2J\\xff\\x20z kinds=mem,unknown(0x40000000) "
			    "if=same_uid,unknown(0x10000)");
	free(s);
	s = pmg_format_rules(PMG_FMT_JSON, &r, 1);
	assert_true(test_valid_utf8(s, strlen(s)));
	assert_non_null(strstr(s, "\"target_comm\":\"\\u001b[2J\xef\xbf\xbd z\""));
	assert_non_null(strstr(s, "\"action\":\"unknown(9)\""));
	free(s);
}

static void test_dump_rejects_overlong(void **state)
{
	struct nl_msg *msg = dump_msg("x", "c234567890123456", false);
	struct pmg_rule r;

	(void)state;
	assert_int_equal(pmg_rule_list_parse(nlmsg_hdr(msg), &r), -NLE_RANGE);
	nlmsg_free(msg);
	/* A dump message without a rule is malformed. */
	msg = test_msg_new(PMGUARD_CMD_RULE_LIST);
	assert_true(pmg_rule_list_parse(nlmsg_hdr(msg), &r) < 0);
	nlmsg_free(msg);
}

static void test_config(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_GET_CONFIG);
	struct pmg_config cfg;
	struct nlattr *nest;
	char *s;

	(void)state;
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_MODE, PMGUARD_MODE_ENFORCE), 0);
	assert_int_equal(nla_put_u8(msg, PMGUARD_A_LOCKED, 1), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_FOLD_MS, 250), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_DEFAULT_ACTION, PMGUARD_ACTION_ALERT), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_DEFAULT_SEVERITY, PMGUARD_SEV_LOW), 0);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_NR_RULES, 16), 0);
	nest = nla_nest_start(msg, PMGUARD_A_POLICY);
	assert_int_equal(nla_put_string(msg, PMGUARD_A_SENSITIVE_NAME, "sshd"), 0);
	assert_int_equal(nla_put_string(msg, PMGUARD_A_SENSITIVE_NAME, "Web Content"), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(pmg_config_parse(nlmsg_hdr(msg), &cfg), 0);
	nlmsg_free(msg);

	assert_int_equal(cfg.mode, PMGUARD_MODE_ENFORCE);
	assert_int_equal(cfg.locked, 1);
	assert_int_equal(cfg.fold_ms, 250);
	assert_int_equal(cfg.nr_rules, 16);
	assert_int_equal(cfg.n_sensitive, 2);
	assert_string_equal(cfg.sensitive[1], "Web Content");

	s = pmg_format_config(PMG_FMT_TEXT, &cfg, 0, "h");
	assert_string_equal(s,
		"mode:             enforce\n"
		"locked:           yes (policy and mode frozen until reboot)\n"
		"fold_ms:          250\n"
		"default action:   alert\n"
		"default severity: low\n"
		"rules:            16\n"
		"sensitive:        sshd Web\\x20Content");
	free(s);
	s = pmg_format_config(PMG_FMT_JSON, &cfg, 0, "h");
	assert_string_equal(s,
		"{\"type\":\"config\",\"time\":\"1970-01-01T00:00:00.000000000Z\","
		"\"host\":\"h\",\"mode\":\"enforce\",\"locked\":true,\"fold_ms\":250,"
		"\"default_action\":\"alert\",\"default_severity\":\"low\",\"rules\":16,"
		"\"sensitive\":[\"sshd\",\"Web Content\"]}");
	free(s);

	/* Nothing sent: nothing made up. */
	memset(&cfg, 0, sizeof(cfg));
	s = pmg_format_config(PMG_FMT_JSON, &cfg, 0, "h");
	assert_string_equal(s, "{\"type\":\"config\",\"time\":\"1970-01-01T00:00:00."
			    "000000000Z\",\"host\":\"h\"}");
	free(s);
}

static void test_config_too_many_names(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_GET_CONFIG);
	struct pmg_config cfg;
	struct nlattr *nest;

	(void)state;
	nest = nla_nest_start(msg, PMGUARD_A_POLICY);
	for (int i = 0; i <= PMGUARD_MAX_SENSITIVE; i++)
		assert_int_equal(nla_put_string(msg, PMGUARD_A_SENSITIVE_NAME, "n"), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(pmg_config_parse(nlmsg_hdr(msg), &cfg), -NLE_RANGE);
	nlmsg_free(msg);
}

/* ---- extended ACKs ---------------------------------------------------- */

/* An NLMSG_ERROR the way the kernel builds it (net/netlink/af_netlink.c). */
static struct nl_msg *error_msg(int error, bool capped, const char *text)
{
	struct nl_msg *req = test_msg_new(PMGUARD_CMD_RULE_ADD);
	struct nlmsghdr *orig, *nlh;
	struct nl_msg *msg = nlmsg_alloc_size(8192);
	struct nlmsgerr *e;
	size_t payload;

	assert_int_equal(nla_put_string(req, PMGUARD_A_RULE_NAME, "some-rule-name"), 0);
	orig = nlmsg_hdr(req);
	payload = sizeof(*e) + (capped ? 0 : orig->nlmsg_len - NLMSG_HDRLEN);
	nlh = nlmsg_put(msg, 0, 1, NLMSG_ERROR, (int)payload,
			(capped ? NLM_F_CAPPED : 0) | (text ? NLM_F_ACK_TLVS : 0));
	assert_non_null(nlh);
	e = nlmsg_data(nlh);
	e->error = error;
	memcpy(&e->msg, orig, capped ? sizeof(*orig) : orig->nlmsg_len);
	if (text)
		assert_int_equal(nla_put_string(msg, NLMSGERR_ATTR_MSG, text), 0);
	assert_int_equal(nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20), 0);
	nlmsg_free(req);
	return msg;
}

static void test_extack(void **state)
{
	static const char locked[] = "pmguard: the policy is locked";
	struct pmg_nl_extack ext;
	struct nl_msg *msg;

	(void)state;
	for (int capped = 0; capped <= 1; capped++) {
		msg = error_msg(-EPERM, capped, locked);
		assert_int_equal(pmg_nl_extack(nlmsg_hdr(msg), &ext), 0);
		assert_non_null(ext.msg);
		assert_int_equal(ext.msg_len, strlen(locked));
		assert_memory_equal(ext.msg, locked, ext.msg_len);
		assert_true(ext.has_offset);
		assert_int_equal(ext.offset, 20);
		nlmsg_free(msg);
	}
	/* Without NLM_F_ACK_TLVS there is nothing to read. */
	msg = error_msg(-ENOENT, true, NULL);
	assert_int_equal(pmg_nl_extack(nlmsg_hdr(msg), &ext), 0);
	assert_null(ext.msg);
	nlmsg_free(msg);

	/* A dump that failed: NLMSG_DONE with -errno and the TLVs. */
	msg = nlmsg_alloc_size(4096);
	{
		struct nlmsghdr *nlh = nlmsg_put(msg, 0, 1, NLMSG_DONE, sizeof(int),
						 NLM_F_MULTI | NLM_F_ACK_TLVS);
		int err = -EINVAL;

		memcpy(nlmsg_data(nlh), &err, sizeof(err));
		assert_int_equal(nla_put_string(msg, NLMSGERR_ATTR_MSG, "bad dump"), 0);
	}
	assert_int_equal(pmg_nl_extack(nlmsg_hdr(msg), &ext), 0);
	assert_int_equal(ext.msg_len, 8);
	assert_memory_equal(ext.msg, "bad dump", 8);
	nlmsg_free(msg);
}

static void test_extack_malformed(void **state)
{
	struct nl_msg *msg = error_msg(-EPERM, false, "x");
	struct pmg_nl_extack ext;
	struct nlmsgerr *e = nlmsg_data(nlmsg_hdr(msg));

	(void)state;
	/* The echoed request claims to be longer than the whole error. */
	e->msg.nlmsg_len = 100000;
	assert_int_equal(pmg_nl_extack(nlmsg_hdr(msg), &ext), -1);
	assert_null(ext.msg);
	nlmsg_free(msg);
}

/* The kernel points at the attribute it refused: find the rule it is in. */
static void test_locate(void **state)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_POLICY_REPLACE);
	struct nlattr *tb[PMGUARD_A_MAX + 1], *nla, *inner;
	struct nlmsghdr *nlh;
	size_t index = 99, rule = 0;
	uint32_t off;
	int rem;

	(void)state;
	assert_valid("sensitive a b\n"
		     "rule one action=allow caller_exe=/bin/a\n"
		     "rule two action=deny caller_exe=/nonexistent/b target_comm=x\n");
	assert_int_equal(pmg_policy_put(msg, pol), 0);
	nlh = nlmsg_hdr(msg);
	assert_int_equal(genlmsg_parse(nlh, 0, tb, PMGUARD_A_MAX, NULL), 0);
	/* Each rule's CALLER_EXE, as NL_SET_ERR_MSG_ATTR would point at it. */
	nla_for_each_nested(nla, tb[PMGUARD_A_POLICY], rem) {
		if (nla_type(nla) != PMGUARD_A_RULE_SPEC)
			continue;
		inner = nla_find(nla_data(nla), nla_len(nla), PMGUARD_R_CALLER_EXE);
		assert_non_null(inner);
		off = (uint32_t)((char *)inner - (char *)nlh);
		assert_int_equal(pmg_policy_locate(nlh, off, &index), PMG_PART_RULE);
		assert_int_equal(index, rule);
		/* The nest itself too. */
		off = (uint32_t)((char *)nla - (char *)nlh);
		assert_int_equal(pmg_policy_locate(nlh, off, &index), PMG_PART_RULE);
		assert_int_equal(index, rule);
		rule++;
	}
	assert_int_equal(rule, 2);
	nla_for_each_nested(nla, tb[PMGUARD_A_POLICY], rem) {
		off = (uint32_t)((char *)nla - (char *)nlh);
		if (nla_type(nla) == PMGUARD_A_SENSITIVE_NAME &&
		    strcmp(nla_data(nla), "b") == 0) {
			assert_int_equal(pmg_policy_locate(nlh, off, &index), PMG_PART_SENSITIVE);
			assert_int_equal(index, 1);
		}
		if (nla_type(nla) == PMGUARD_A_DEFAULT_ACTION)
			assert_int_equal(pmg_policy_locate(nlh, off, &index), PMG_PART_DEFAULT);
	}
	/* The headers, or past the end: nothing. */
	assert_int_equal(pmg_policy_locate(nlh, 0, &index), PMG_PART_NONE);
	assert_int_equal(pmg_policy_locate(nlh, nlh->nlmsg_len + 4, &index), PMG_PART_NONE);
	nlmsg_free(msg);

	/* RULE_ADD: the one rule. */
	msg = test_msg_new(PMGUARD_CMD_RULE_ADD);
	assert_int_equal(nla_put_u32(msg, PMGUARD_A_RULE_INDEX, 0), 0);
	assert_int_equal(pmg_rule_put(msg, PMGUARD_A_RULE_SPEC, &pol->rules[1]), 0);
	nlh = nlmsg_hdr(msg);
	assert_int_equal(genlmsg_parse(nlh, 0, tb, PMGUARD_A_MAX, NULL), 0);
	off = (uint32_t)((char *)tb[PMGUARD_A_RULE_SPEC] - (char *)nlh) + 8;
	assert_int_equal(pmg_policy_locate(nlh, off, &index), PMG_PART_RULE);
	assert_int_equal(index, 0);
	off = (uint32_t)((char *)tb[PMGUARD_A_RULE_INDEX] - (char *)nlh);
	assert_int_equal(pmg_policy_locate(nlh, off, &index), PMG_PART_NONE);
	nlmsg_free(msg);
}

/* ---- the shipped default policy --------------------------------------- */

static const struct pmg_rule *rule_named(const char *name, size_t *index)
{
	for (size_t i = 0; i < pol->n_rules; i++)
		if (strcmp(pol->rules[i].name, name) == 0) {
			if (index)
				*index = i;
			return &pol->rules[i];
		}
	fail_msg("no rule %s in the shipped policy", name);
	return NULL;
}

static bool sensitive_named(const char *name)
{
	for (size_t i = 0; i < pol->n_sensitive; i++)
		if (strcmp(pol->sensitive[i], name) == 0)
			return true;
	return false;
}

/*
 * The shipped policy.conf (the module's built-in default, main.c, is the
 * same rules): its order and what each rule does, and the invariants that
 * keep it safe: no rule ahead of sensitive-memory lets anything read a
 * credential holder's memory or environment.
 */
static void test_default_policy_conf(void **state)
{
	static const char *const names[] = {
		"cross-container", "kcore", "dump-config:systemd-sysctl", "dump-config",
		"sensitive-core", "nondumpable-core", "core",
		"nondumpable-memory", "allow:gdb", "allow:gdb-multiarch", "allow:strace",
		"allow:ltrace", "allow:lldb", "allow:eu-stack", "allow:systemd-coredump",
		"sensitive-environ:ps", "sensitive-environ:top", "sensitive-environ:htop",
		"sensitive-environ:pgrep", "sensitive-environ:pkill",
		"sensitive-environ:pidwait", "sensitive-environ:needrestart",
		"sensitive-environ:checkrestart",
		"inventory:pmap", "inventory:lsof", "inventory:fuser", "inventory:ps",
		"inventory:top", "inventory:htop", "inventory:pgrep", "inventory:pkill",
		"inventory:pidwait", "inventory:needrestart", "inventory:checkrestart",
		"environ:ps", "environ:top", "environ:htop", "environ:pgrep",
		"environ:pkill", "environ:pidwait", "environ:needrestart",
		"environ:checkrestart",
		"own-tracee", "debug-child", "same-uid-copy", "sensitive-memory",
		"sensitive-inventory", "sensitive-other", "uprobe", "perf-sample", "own-uid",
		"environ-read",
		"fd-reopen", "memory-read",
	};
	const uint32_t maps = (1u << PMGUARD_KIND_MAPS) | (1u << PMGUARD_KIND_SMAPS) |
			      (1u << PMGUARD_KIND_SMAPS_ROLLUP) |
			      (1u << PMGUARD_KIND_NUMA_MAPS);
	const uint32_t inventory = maps | (1u << PMGUARD_KIND_AUXV);
	const uint32_t environ = 1u << PMGUARD_KIND_ENVIRON;
	const uint32_t copy = (1u << PMGUARD_KIND_VM_READ) | (1u << PMGUARD_KIND_VM_WRITE) |
			      (1u << PMGUARD_KIND_PTRACE_READ) |
			      (1u << PMGUARD_KIND_PTRACE_WRITE);
	/* Every route into memory: the module's PMGUARD_KINDS_DIRECT. */
	const uint32_t direct = (1u << PMGUARD_KIND_MEM) | (1u << PMGUARD_KIND_PAGEMAP) |
				copy | (1u << PMGUARD_KIND_PTRACE) |
				(1u << PMGUARD_KIND_GETFD) | (1u << PMGUARD_KIND_PAGEOUT) |
				(1u << PMGUARD_KIND_FD_REOPEN) |
				(1u << PMGUARD_KIND_PERF_SAMPLE);
	const uint32_t core = 1u << PMGUARD_KIND_CORE;
	const char *path = getenv("PMG_POLICY_CONF");
	const struct pmg_rule *r;
	size_t sensitive_memory;
	int ret;

	(void)state;
#ifdef PMG_POLICY_CONF
	if (!path)
		path = PMG_POLICY_CONF;
#endif
	if (!path)
		path = access("policy.conf", R_OK) == 0 ? "policy.conf" :
		       "../../userland/policy.conf";
	ret = pmg_policy_read_file(path, pol, errs);
	if (ret)
		dump_errors();
	assert_int_equal(ret, 0);
	assert_int_equal(pol->n_rules, sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < pol->n_rules; i++)
		assert_string_equal(pol->rules[i].name, names[i]);
	assert_int_equal(pol->default_action, PMGUARD_ACTION_ALERT);
	assert_int_equal(pol->default_severity, PMGUARD_SEV_LOW);
	assert_int_equal(pol->n_sensitive, 45);
	assert_string_equal(pol->sensitive[0], "sshd");
	assert_true(sensitive_named("ssh-agent"));
	assert_true(sensitive_named("sssd_be"));
	assert_true(sensitive_named("pinentry-curses"));
	assert_true(sensitive_named("ssh"));

	/* A container reading another or the host, before any allowlist (issue 13). */
	r = &pol->rules[0];
	assert_int_equal(r->action, PMGUARD_ACTION_DENY);
	assert_int_equal(r->severity, PMGUARD_SEV_HIGH);
	assert_int_equal(r->kinds, direct | environ);
	assert_int_equal(r->flags_set, PMGUARD_F_CROSS_CONTAINER);
	assert_int_equal(r->flags_clear, 0);

	r = rule_named("sensitive-memory", &sensitive_memory);
	assert_int_equal(r->action, PMGUARD_ACTION_DENY);
	assert_int_equal(r->severity, PMGUARD_SEV_HIGH);
	assert_int_equal(r->kinds, direct | environ | (1u << PMGUARD_KIND_UPROBE));
	assert_int_equal(r->flags_set, PMGUARD_F_TARGET_SENSITIVE);

	/* kcore, and the dumps of credential holders and setuid processes. */
	r = &pol->rules[1];
	assert_int_equal(r->action, PMGUARD_ACTION_DENY);
	assert_int_equal(r->severity, PMGUARD_SEV_HIGH);
	assert_int_equal(r->kinds, 1u << PMGUARD_KIND_KCORE);
	assert_int_equal(r->flags_set | r->flags_clear, 0);
	/* Where dumps go: systemd-sysctl at boot, anyone else high, never refused. */
	assert_int_equal(pol->rules[2].kinds, 1u << PMGUARD_KIND_DUMP_CONFIG);
	assert_int_equal(pol->rules[2].action, PMGUARD_ACTION_ALLOW);
	assert_string_equal(pol->rules[2].caller_exe, "/usr/lib/systemd/systemd-sysctl");
	assert_int_equal(pol->rules[3].kinds, 1u << PMGUARD_KIND_DUMP_CONFIG);
	assert_int_equal(pol->rules[3].action, PMGUARD_ACTION_ALERT);
	assert_int_equal(pol->rules[3].severity, PMGUARD_SEV_HIGH);
	assert_int_equal(pol->rules[4].kinds, core);
	assert_int_equal(pol->rules[4].flags_set, PMGUARD_F_TARGET_SENSITIVE);
	assert_int_equal(pol->rules[4].action, PMGUARD_ACTION_DENY);
	assert_int_equal(pol->rules[5].kinds, core);
	assert_int_equal(pol->rules[5].flags_set, PMGUARD_F_TARGET_NONDUMPABLE);
	assert_int_equal(pol->rules[5].action, PMGUARD_ACTION_DENY);
	assert_int_equal(pol->rules[6].kinds, core);
	assert_int_equal(pol->rules[6].action, PMGUARD_ACTION_ALLOW);
	assert_int_equal(pol->rules[6].flags_set | pol->rules[6].flags_clear, 0);
	/* Not dumpable, or exiting without an mm: only CAP_SYS_PTRACE passes. */
	r = &pol->rules[7];
	assert_int_equal(r->action, PMGUARD_ACTION_DENY);
	assert_int_equal(r->severity, PMGUARD_SEV_HIGH);
	assert_int_equal(r->kinds, direct);
	assert_int_equal(r->flags_set, PMGUARD_F_TARGET_NONDUMPABLE);
	assert_int_equal(r->flags_clear, PMGUARD_F_CALLER_CAP_PTRACE);

	/*
	 * Ahead of sensitive-memory: an allow reaches a credential holder
	 * only for its layout (maps family, auxv); a deny there is quiet only
	 * for environ, by a named tool (issue 20).
	 */
	for (size_t i = 8; i < sensitive_memory; i++) {
		r = &pol->rules[i];
		if (r->action == PMGUARD_ACTION_ALLOW) {
			assert_int_equal(r->severity, PMGUARD_SEV_INFO);
			if (!(r->flags_clear & PMGUARD_F_TARGET_SENSITIVE)) {
				assert_true(r->kinds);
				assert_int_equal(r->kinds & ~inventory, 0);
			}
		} else {
			assert_int_equal(r->action, PMGUARD_ACTION_DENY);
			assert_int_equal(r->severity, PMGUARD_SEV_LOW);
			assert_int_equal(r->kinds, environ);
			assert_int_equal(r->flags_set, PMGUARD_F_TARGET_SENSITIVE);
		}
		/* every allowlisting names its tool by identity */
		if (strchr(r->name, ':'))
			assert_true(pmg_rule_has(r, PMGUARD_R_CALLER_EXE) !=
				    pmg_rule_has(r, PMGUARD_R_CALLER_SCRIPT));
	}
	for (size_t i = 8; i < 15; i++) {
		r = &pol->rules[i];
		assert_true(pmg_rule_has(r, PMGUARD_R_CALLER_EXE));
		assert_false(pmg_rule_has(r, PMGUARD_R_KINDS));
		assert_int_equal(r->flags_clear, PMGUARD_F_TARGET_SENSITIVE);
	}
	assert_string_equal(pol->rules[14].caller_exe, "/usr/lib/systemd/systemd-coredump");
	/* Scripts by their own identity, not the interpreter's. */
	r = rule_named("inventory:needrestart", NULL);
	assert_string_equal(r->caller_script, "/usr/sbin/needrestart");
	assert_false(pmg_rule_has(r, PMGUARD_R_CALLER_EXE));
	assert_int_equal(r->kinds, inventory);
	r = rule_named("sensitive-environ:ps", NULL);
	assert_string_equal(r->caller_exe, "/usr/bin/ps");
	r = rule_named("environ:ps", NULL);
	assert_int_equal(r->kinds, environ);
	assert_int_equal(r->flags_clear, PMGUARD_F_TARGET_SENSITIVE);
	r = rule_named("inventory:lsof", NULL);
	assert_int_equal(r->kinds, inventory);
	assert_int_equal(r->flags_clear, 0);

	/* Everyday debugging, never on a sensitive target (issue 10). */
	/* ... and never on a process the kernel would not let be dumped. */
	r = rule_named("own-tracee", NULL);
	assert_int_equal(r->kinds, (1u << PMGUARD_KIND_MEM) | copy);
	assert_int_equal(r->flags_set, PMGUARD_F_CALLER_IS_TRACER);
	assert_int_equal(r->flags_clear, PMGUARD_F_TARGET_SENSITIVE | PMGUARD_F_TARGET_NONDUMPABLE);
	r = rule_named("debug-child", NULL);
	assert_int_equal(r->kinds, (1u << PMGUARD_KIND_PTRACE) | (1u << PMGUARD_KIND_GETFD));
	assert_int_equal(r->flags_set, PMGUARD_F_CALLER_IS_ANCESTOR);
	assert_int_equal(r->flags_clear, PMGUARD_F_TARGET_SENSITIVE | PMGUARD_F_TARGET_NONDUMPABLE);
	r = rule_named("same-uid-copy", NULL);
	assert_int_equal(r->kinds, (1u << PMGUARD_KIND_VM_READ) | (1u << PMGUARD_KIND_VM_WRITE));
	assert_int_equal(r->flags_set, PMGUARD_F_SAME_UID);
	assert_int_equal(r->flags_clear, PMGUARD_F_TARGET_SENSITIVE | PMGUARD_F_CALLER_CAP_PTRACE |
			 PMGUARD_F_TARGET_NONDUMPABLE);

	/* After it: a credential holder's layout is low, the rest medium. */
	r = rule_named("sensitive-inventory", NULL);
	assert_int_equal(r->action, PMGUARD_ACTION_ALERT);
	assert_int_equal(r->severity, PMGUARD_SEV_LOW);
	assert_int_equal(r->kinds, inventory);
	assert_int_equal(r->flags_set, PMGUARD_F_TARGET_SENSITIVE);
	assert_int_equal(r->flags_clear, PMGUARD_F_CROSS_CONTAINER);
	r = rule_named("sensitive-other", NULL);
	assert_int_equal(r->severity, PMGUARD_SEV_MEDIUM);
	assert_false(pmg_rule_has(r, PMGUARD_R_KINDS));
	assert_int_equal(r->flags_set, PMGUARD_F_TARGET_SENSITIVE);
	r = rule_named("own-uid", NULL);
	assert_int_equal(r->severity, PMGUARD_SEV_LOW);
	assert_int_equal(r->kinds, inventory | environ);
	assert_int_equal(r->flags_set, PMGUARD_F_SAME_UID);
	assert_int_equal(r->flags_clear, PMGUARD_F_CALLER_CAP_PTRACE);
	/* An ordinary process's environ is low; its memory is medium. */
	r = rule_named("environ-read", NULL);
	assert_int_equal(r->action, PMGUARD_ACTION_ALERT);
	assert_int_equal(r->severity, PMGUARD_SEV_LOW);
	assert_int_equal(r->kinds, environ);
	r = rule_named("memory-read", NULL);
	assert_int_equal(r->action, PMGUARD_ACTION_ALERT);
	assert_int_equal(r->severity, PMGUARD_SEV_MEDIUM);
	assert_int_equal(r->kinds, direct);
	assert_int_equal(r->flags_set, 0);
}

static void test_read_file_errors(void **state)
{
	(void)state;
	assert_int_equal(pmg_policy_read_file("/nonexistent/pmguard.conf", pol, errs), -2);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(pmg_policy_read_file("/", pol, errs), -2);
	assert_int_equal(errno, EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_defaults_when_absent),
		cmocka_unit_test(test_limits_accepted),
		cmocka_unit_test(test_max_rules_and_names),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_rule_line),
		cmocka_unit_test(test_join_words),
		cmocka_unit_test(test_join_words_stray),
		cmocka_unit_test(test_tab_round_trip),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_header_and_stale),
		cmocka_unit_test(test_format_refuses_unknown),
		cmocka_unit_test(test_dump_parse),
		cmocka_unit_test(test_dump_hostile),
		cmocka_unit_test(test_dump_rejects_overlong),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_too_many_names),
		cmocka_unit_test(test_extack),
		cmocka_unit_test(test_extack_malformed),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_default_policy_conf),
		cmocka_unit_test(test_read_file_errors),
	};

	return cmocka_run_group_tests_name("policy", tests, setup, teardown);
}
