// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pmguard's decision logic (module/policy.c), compiled
 * into this test module so the logic is tested exactly as the module
 * builds it.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/time64.h>

#include "../../module/policy.c"

/* The kind of a NUL-terminated name (the module passes a dentry's qstr). */
static enum pmguard_kind kind_of(const char *name)
{
	return pmguard_kind_from_qstr(name, strlen(name));
}

static void kind_from_name_test(struct kunit *test)
{
	int kind;

	KUNIT_EXPECT_EQ(test, kind_of("mem"), PMGUARD_KIND_MEM);
	KUNIT_EXPECT_EQ(test, kind_of("environ"), PMGUARD_KIND_ENVIRON);
	KUNIT_EXPECT_EQ(test, kind_of("maps"), PMGUARD_KIND_MAPS);
	KUNIT_EXPECT_EQ(test, kind_of("smaps"), PMGUARD_KIND_SMAPS);
	KUNIT_EXPECT_EQ(test, kind_of("smaps_rollup"),
			PMGUARD_KIND_SMAPS_ROLLUP);
	KUNIT_EXPECT_EQ(test, kind_of("numa_maps"),
			PMGUARD_KIND_NUMA_MAPS);
	KUNIT_EXPECT_EQ(test, kind_of("pagemap"), PMGUARD_KIND_PAGEMAP);
	KUNIT_EXPECT_EQ(test, kind_of("auxv"), PMGUARD_KIND_AUXV);
	/* Every procfs kind by its own name; a name is its first len bytes. */
	for (kind = PMGUARD_KIND_MEM; kind <= PMGUARD_KIND_AUXV; kind++)
		KUNIT_EXPECT_EQ(test, kind_of(pmguard_kind_name(kind)),
				kind);
	KUNIT_EXPECT_EQ(test, pmguard_kind_from_qstr("mapsX", 4), PMGUARD_KIND_MAPS);
	KUNIT_EXPECT_EQ(test, pmguard_kind_from_qstr("maps", 3), PMGUARD_KIND_UNSPEC);
	/* Near misses and other procfs files are not ours. */
	KUNIT_EXPECT_EQ(test, kind_of("mapx"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of("auxw"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of("pagemaq"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of("smaps_rollupx"),
			PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of("status"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of("memx"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of("me"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of(""), PMGUARD_KIND_UNSPEC);
	/* The syscall routes' names are no procfs files. */
	KUNIT_EXPECT_EQ(test, kind_of("vm_read"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of("ptrace"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_STREQ(test, pmguard_kind_name(PMGUARD_KIND_PTRACE_WRITE),
			   "ptrace_write");
	KUNIT_EXPECT_STREQ(test, pmguard_kind_name(PMGUARD_KIND_GETFD), "getfd");
	KUNIT_EXPECT_EQ(test, kind_of("getfd"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_EQ(test, kind_of("unknown"), PMGUARD_KIND_UNSPEC);
	KUNIT_EXPECT_STREQ(test, pmguard_kind_name(PMGUARD_KIND_SMAPS_ROLLUP),
			   "smaps_rollup");
	KUNIT_EXPECT_STREQ(test, pmguard_kind_name(__PMGUARD_KIND_MAX), "unknown");
}

static void parse_tid_test(struct kunit *test)
{
	u32 tid = 0;

	KUNIT_EXPECT_TRUE(test, pmguard_parse_tid("1", &tid));
	KUNIT_EXPECT_EQ(test, tid, 1U);
	KUNIT_EXPECT_TRUE(test, pmguard_parse_tid("4194304", &tid));
	KUNIT_EXPECT_EQ(test, tid, 4194304U);
	KUNIT_EXPECT_TRUE(test, pmguard_parse_tid("2147483647", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("2147483648", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("12345678901", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("0", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("01", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("-1", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("12a", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("self", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("task", &tid));
	KUNIT_EXPECT_FALSE(test, pmguard_parse_tid("", &tid));
}

static void comm_matches_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, pmguard_comm_matches("sshd", "sshd"));
	KUNIT_EXPECT_FALSE(test, pmguard_comm_matches("sshd-session", "sshd"));
	KUNIT_EXPECT_FALSE(test, pmguard_comm_matches("ssh", "sshd"));
	/* comm keeps 15 characters of a longer name */
	KUNIT_EXPECT_TRUE(test, pmguard_comm_matches("gdm-session-wor",
						     "gdm-session-worker"));
	KUNIT_EXPECT_FALSE(test, pmguard_comm_matches("gdm-session-wo",
						      "gdm-session-worker"));
	KUNIT_EXPECT_FALSE(test, pmguard_comm_matches("sshd", ""));
	KUNIT_EXPECT_FALSE(test, pmguard_comm_matches("", "sshd"));
}

static struct pmguard_policy *make_policy(struct kunit *test, unsigned int n);

static void sensitive_test(struct kunit *test)
{
	static const char * const names[] = {
		"sshd", "", "sudo", "gdm-session-worker"
	};
	struct pmguard_policy *p = make_policy(test, 0);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		strscpy(p->sensitive[i], names[i], PMGUARD_NAME_LEN);
	p->nr_sensitive = ARRAY_SIZE(names);

	KUNIT_EXPECT_TRUE(test, pmguard_target_sensitive(p, "sshd", "sshd"));
	/* by executable, whatever the comm */
	KUNIT_EXPECT_TRUE(test, pmguard_target_sensitive(p, "renamed", "sudo"));
	/* by comm, whatever the executable */
	KUNIT_EXPECT_TRUE(test, pmguard_target_sensitive(p, "sudo", "x"));
	KUNIT_EXPECT_TRUE(test, pmguard_target_sensitive(p, "gdm-session-wor",
							 "gdm-session-worker"));
	KUNIT_EXPECT_FALSE(test, pmguard_target_sensitive(p, "bash", "bash"));
	/* an empty entry matches nothing, not even an unknown executable */
	KUNIT_EXPECT_FALSE(test, pmguard_target_sensitive(p, "x", ""));
	p->nr_sensitive = 1;
	KUNIT_EXPECT_FALSE(test, pmguard_target_sensitive(p, "sudo", "sudo"));
	p->nr_sensitive = 0;
	KUNIT_EXPECT_FALSE(test, pmguard_target_sensitive(p, "sshd", "sshd"));
}

/* A caller and a target with distinct identities. */
static void fill_access(struct pmguard_access *acc)
{
	memset(acc, 0, sizeof(*acc));
	acc->kind = PMGUARD_KIND_MEM;
	acc->access = PMGUARD_ACCESS_READ;
	acc->caller.uid = 1000;
	strscpy(acc->caller.comm, "python3", sizeof(acc->caller.comm));
	strscpy(acc->caller.exe_name, "python3.11", sizeof(acc->caller.exe_name));
	acc->caller.exe.dev = 8;
	acc->caller.exe.ino = 100;
	acc->target.uid = 0;
	strscpy(acc->target.comm, "sshd", sizeof(acc->target.comm));
	strscpy(acc->target.exe_name, "sshd", sizeof(acc->target.exe_name));
	acc->target.exe.dev = 8;
	acc->target.exe.ino = 200;
}

static void rule_matches_test(struct kunit *test)
{
	struct pmguard_access acc;
	struct pmguard_rule rule = {};

	fill_access(&acc);
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));	/* empty: all */

	rule.kinds = BIT(PMGUARD_KIND_ENVIRON);
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
	rule.kinds |= BIT(PMGUARD_KIND_MEM);
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));

	rule.access = PMGUARD_ACCESS_WRITE;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
	acc.access |= PMGUARD_ACCESS_WRITE;
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));

	rule.flags_set = PMGUARD_F_TARGET_SENSITIVE;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
	acc.flags |= PMGUARD_F_TARGET_SENSITIVE;
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));
	rule.flags_clear = PMGUARD_F_CALLER_CAP_PTRACE;
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));
	acc.flags |= PMGUARD_F_CALLER_CAP_PTRACE;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
	rule.flags_clear = 0;

	/* Executables by identity: same inode on another device is not it. */
	rule.match = PMGUARD_M_CALLER_EXE;
	rule.caller_exe.dev = 8;
	rule.caller_exe.ino = 100;
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));
	rule.caller_exe.dev = 9;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
	/*
	 * The same device and number, another inode (a btrfs subvolume's
	 * first file, a reused ext4 number): not it either.
	 */
	rule.caller_exe.dev = 8;
	rule.caller_exe.inode = &rule;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
	acc.caller.exe.inode = &rule;
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));
	acc.caller.exe.inode = NULL;
	rule.caller_exe.inode = NULL;
	/* An unknown executable (ino 0) never matches an identity. */
	rule.caller_exe.dev = 0;
	rule.caller_exe.ino = 0;
	acc.caller.exe.dev = 0;
	acc.caller.exe.ino = 0;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
	/* A fresh read access; the rule still wants write: widen it again. */
	fill_access(&acc);
	acc.flags = PMGUARD_F_TARGET_SENSITIVE;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
	rule.access = 0;

	rule.match = PMGUARD_M_TARGET_EXE;
	rule.target_exe.dev = 8;
	rule.target_exe.ino = 200;
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));
	rule.target_exe.ino = 201;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));

	rule.match = PMGUARD_M_CALLER_COMM | PMGUARD_M_TARGET_COMM;
	strscpy(rule.caller_comm, "python3", sizeof(rule.caller_comm));
	strscpy(rule.target_comm, "sshd", sizeof(rule.target_comm));
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));
	strscpy(rule.target_comm, "sshd2", sizeof(rule.target_comm));
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));

	rule.match = PMGUARD_M_CALLER_UID;
	rule.caller_uid = 1000;
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(&rule, &acc));
	rule.caller_uid = 0;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(&rule, &acc));
}

static struct pmguard_policy *make_policy(struct kunit *test, unsigned int n)
{
	struct pmguard_policy *p;

	p = kunit_kzalloc(test, struct_size(p, rules, n), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->nr_rules = n;
	p->default_action = PMGUARD_ACTION_ALERT;
	p->default_severity = PMGUARD_SEV_LOW;
	return p;
}

static void decide_test(struct kunit *test)
{
	struct pmguard_policy *p = make_policy(test, 3);
	struct pmguard_verdict v;
	struct pmguard_access acc;

	fill_access(&acc);
	/* rule 0: allow this caller's executable for maps only */
	strscpy(p->rules[0].name, "allow-maps", PMGUARD_RULE_NAME_MAX);
	p->rules[0].match = PMGUARD_M_CALLER_EXE;
	p->rules[0].caller_exe = acc.caller.exe;
	p->rules[0].kinds = BIT(PMGUARD_KIND_MAPS);
	p->rules[0].action = PMGUARD_ACTION_ALLOW;
	/* rule 1: deny sensitive targets */
	strscpy(p->rules[1].name, "deny-sensitive", PMGUARD_RULE_NAME_MAX);
	p->rules[1].flags_set = PMGUARD_F_TARGET_SENSITIVE;
	p->rules[1].action = PMGUARD_ACTION_DENY;
	p->rules[1].severity = PMGUARD_SEV_HIGH;
	/* rule 2: everything else is medium */
	strscpy(p->rules[2].name, "catch-all", PMGUARD_RULE_NAME_MAX);
	p->rules[2].kinds = BIT(PMGUARD_KIND_MEM);
	p->rules[2].action = PMGUARD_ACTION_ALERT;
	p->rules[2].severity = PMGUARD_SEV_MEDIUM;

	pmguard_decide(p, &acc, &v);		/* mem, not sensitive */
	KUNIT_EXPECT_STREQ(test, v.rule, "catch-all");
	KUNIT_EXPECT_EQ(test, v.action, PMGUARD_ACTION_ALERT);
	KUNIT_EXPECT_EQ(test, v.severity, PMGUARD_SEV_MEDIUM);

	acc.flags |= PMGUARD_F_TARGET_SENSITIVE;	/* first match wins */
	pmguard_decide(p, &acc, &v);
	KUNIT_EXPECT_STREQ(test, v.rule, "deny-sensitive");
	KUNIT_EXPECT_EQ(test, v.action, PMGUARD_ACTION_DENY);

	acc.kind = PMGUARD_KIND_MAPS;			/* allow comes first */
	pmguard_decide(p, &acc, &v);
	KUNIT_EXPECT_STREQ(test, v.rule, "allow-maps");
	KUNIT_EXPECT_EQ(test, v.action, PMGUARD_ACTION_ALLOW);

	acc.flags = 0;
	acc.kind = PMGUARD_KIND_AUXV;			/* nothing matches */
	acc.caller.exe.ino = 5;
	pmguard_decide(p, &acc, &v);
	KUNIT_EXPECT_STREQ(test, v.rule, "default");
	KUNIT_EXPECT_EQ(test, v.action, PMGUARD_ACTION_ALERT);
	KUNIT_EXPECT_EQ(test, v.severity, PMGUARD_SEV_LOW);

	/* A spoofed comm raises an alert's severity, never an allow's. */
	acc.flags = PMGUARD_F_COMM_SPOOFS_ALLOWED;
	pmguard_decide(p, &acc, &v);
	KUNIT_EXPECT_EQ(test, v.severity, PMGUARD_SEV_HIGH);
	acc.kind = PMGUARD_KIND_MAPS;
	acc.caller.exe.ino = 100;
	pmguard_decide(p, &acc, &v);
	KUNIT_EXPECT_EQ(test, v.action, PMGUARD_ACTION_ALLOW);
	KUNIT_EXPECT_EQ(test, v.severity, PMGUARD_SEV_INFO);
}

static void comm_flags_test(struct kunit *test)
{
	struct pmguard_policy *p = make_policy(test, 1);
	struct pmguard_proc_info caller = {};

	strscpy(p->rules[0].name, "allow:gdb", PMGUARD_RULE_NAME_MAX);
	strscpy(p->rules[0].caller_exe_path, "/usr/bin/gdb", PMGUARD_RULE_PATH_MAX);
	p->rules[0].match = PMGUARD_M_CALLER_EXE;
	p->rules[0].caller_exe.dev = 8;
	p->rules[0].caller_exe.ino = 42;
	p->rules[0].action = PMGUARD_ACTION_ALLOW;

	/* the real gdb */
	strscpy(caller.comm, "gdb", sizeof(caller.comm));
	strscpy(caller.exe_name, "gdb", sizeof(caller.exe_name));
	caller.exe.dev = 8;
	caller.exe.ino = 42;
	KUNIT_EXPECT_EQ(test, pmguard_comm_flags(p, &caller), 0U);

	/* a copy of python named gdb: comm matches its exe, but not gdb's inode */
	caller.exe.ino = 43;
	KUNIT_EXPECT_EQ(test, pmguard_comm_flags(p, &caller),
			(u32)PMGUARD_F_COMM_SPOOFS_ALLOWED);

	/* python that called prctl(PR_SET_NAME, "gdb") */
	strscpy(caller.exe_name, "python3.11", sizeof(caller.exe_name));
	KUNIT_EXPECT_EQ(test, pmguard_comm_flags(p, &caller),
			(u32)(PMGUARD_F_COMM_SPOOFS_ALLOWED | PMGUARD_F_COMM_MISMATCH));

	/* an ordinary process whose comm is its (truncated) exe name */
	strscpy(caller.comm, "gnome-keyring-d", sizeof(caller.comm));
	strscpy(caller.exe_name, "gnome-keyring-daemon", sizeof(caller.exe_name));
	KUNIT_EXPECT_EQ(test, pmguard_comm_flags(p, &caller), 0U);

	/* unknown executable: no mismatch claimed */
	caller.exe_name[0] = '\0';
	KUNIT_EXPECT_EQ(test, pmguard_comm_flags(p, &caller), 0U);
}

/*
 * A script rule (caller_script=) matches the script's identity, not the
 * interpreter, not a comm; another script named like it is a spoof.
 */
static void script_rule_test(struct kunit *test)
{
	struct pmguard_policy *p = make_policy(test, 1);
	struct pmguard_rule *rule = &p->rules[0];
	struct pmguard_access acc;
	struct pmguard_exe_id id = { .dev = 8, .ino = 300 };

	strscpy(rule->name, "inventory:needrestart", PMGUARD_RULE_NAME_MAX);
	strscpy(rule->caller_script_path, "/usr/sbin/needrestart",
		PMGUARD_RULE_PATH_MAX);
	rule->match = PMGUARD_M_CALLER_SCRIPT;
	rule->caller_script = id;
	rule->action = PMGUARD_ACTION_ALLOW;

	fill_access(&acc);
	strscpy(acc.caller.comm, "needrestart", sizeof(acc.caller.comm));
	strscpy(acc.caller.exe_name, "perl", sizeof(acc.caller.exe_name));
	/* perl running another script, or no script at all */
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(rule, &acc));
	KUNIT_EXPECT_EQ(test, pmguard_comm_flags(p, &acc.caller),
			(u32)(PMGUARD_F_COMM_SPOOFS_ALLOWED | PMGUARD_F_COMM_MISMATCH));
	acc.caller.script.dev = 8;
	acc.caller.script.ino = 301;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(rule, &acc));
	/* the script itself, whatever the interpreter's identity */
	acc.caller.script = id;
	KUNIT_EXPECT_TRUE(test, pmguard_rule_matches(rule, &acc));
	KUNIT_EXPECT_EQ(test, pmguard_comm_flags(p, &acc.caller),
			(u32)PMGUARD_F_COMM_MISMATCH);
	KUNIT_EXPECT_TRUE(test, pmguard_policy_names_script(p, &id));
	id.ino = 301;
	KUNIT_EXPECT_FALSE(test, pmguard_policy_names_script(p, &id));
	/* an unknown script (ino 0) never matches */
	rule->caller_script.ino = 0;
	acc.caller.script.ino = 0;
	KUNIT_EXPECT_FALSE(test, pmguard_rule_matches(rule, &acc));
	id.ino = 0;
	KUNIT_EXPECT_FALSE(test, pmguard_policy_names_script(p, &id));
}

static void rule_name_test(struct kunit *test)
{
	char name[PMGUARD_RULE_NAME_MAX + 1];

	KUNIT_EXPECT_TRUE(test, pmguard_rule_name_valid("allow:gdb"));
	KUNIT_EXPECT_TRUE(test, pmguard_rule_name_valid("a-b_c.d"));
	KUNIT_EXPECT_FALSE(test, pmguard_rule_name_valid(""));
	KUNIT_EXPECT_FALSE(test, pmguard_rule_name_valid("has space"));
	KUNIT_EXPECT_FALSE(test, pmguard_rule_name_valid("quote\""));
	KUNIT_EXPECT_FALSE(test, pmguard_rule_name_valid("new\nline"));
	KUNIT_EXPECT_FALSE(test, pmguard_rule_name_valid("\xc3\xa9t\xc3\xa9"));
	memset(name, 'a', sizeof(name));
	name[PMGUARD_RULE_NAME_MAX - 1] = '\0';	/* 63 characters */
	KUNIT_EXPECT_TRUE(test, pmguard_rule_name_valid(name));
	name[PMGUARD_RULE_NAME_MAX - 1] = 'a';
	name[PMGUARD_RULE_NAME_MAX] = '\0';		/* 64 */
	KUNIT_EXPECT_FALSE(test, pmguard_rule_name_valid(name));
}

static void fold_window_test(struct kunit *test)
{
	const u64 ms = NSEC_PER_MSEC;
	struct pmguard_fold_key burst, key;
	struct pmguard_access acc;

	fill_access(&acc);
	acc.caller.pid = 10;
	acc.target.pid = 20;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &burst);

	/* same access, inside the window: folded */
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_TRUE(test, pmguard_fold_same_burst(&burst, 1000 * ms, &key,
							1000 * ms, 1000 * ms));
	KUNIT_EXPECT_TRUE(test, pmguard_fold_same_burst(&burst, 1000 * ms, &key,
							1999 * ms, 1000 * ms));
	/* the window is half-open */
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 1000 * ms, &key,
							 2000 * ms, 1000 * ms));
	/* a clock going backwards never folds */
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 1000 * ms, &key,
							 999 * ms, 1000 * ms));
	/* folding off */
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 1000 * ms, &key,
							 1000 * ms, 0));

	/* anything that matters to a responder starts another burst */
	acc.caller.pid = 11;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
	acc.caller.pid = 10;
	acc.kind = PMGUARD_KIND_ENVIRON;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
	acc.kind = PMGUARD_KIND_MEM;
	acc.result = -EACCES;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
	acc.result = 0;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_DENY, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
	acc.access |= PMGUARD_ACCESS_WRITE;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
	/* a worse severity, or another flag, is another burst */
	acc.access = PMGUARD_ACCESS_READ;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_HIGH, &key);
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
	acc.flags |= PMGUARD_F_COMM_SPOOFS_ALLOWED;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_FALSE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
	acc.flags &= ~PMGUARD_F_COMM_SPOOFS_ALLOWED;
	/* ... but "folded" itself is not part of the key */
	acc.flags |= PMGUARD_F_FOLDED;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_TRUE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
	acc.flags &= ~PMGUARD_F_FOLDED;
	/* the target's other threads are the same target */
	acc.access = PMGUARD_ACCESS_READ;
	acc.target.tid = 21;
	pmguard_fold_key_of(&acc, PMGUARD_ACTION_ALERT, PMGUARD_SEV_MEDIUM, &key);
	KUNIT_EXPECT_TRUE(test, pmguard_fold_same_burst(&burst, 0, &key, 1, ms));
}

static struct kunit_case pmguard_policy_cases[] = {
	KUNIT_CASE(kind_from_name_test),
	KUNIT_CASE(parse_tid_test),
	KUNIT_CASE(comm_matches_test),
	KUNIT_CASE(sensitive_test),
	KUNIT_CASE(rule_matches_test),
	KUNIT_CASE(decide_test),
	KUNIT_CASE(comm_flags_test),
	KUNIT_CASE(script_rule_test),
	KUNIT_CASE(rule_name_test),
	KUNIT_CASE(fold_window_test),
	{}
};

static struct kunit_suite pmguard_policy_suite = {
	.name = "pmguard_policy",
	.test_cases = pmguard_policy_cases,
};

kunit_test_suite(pmguard_policy_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for pmguard's policy logic");
