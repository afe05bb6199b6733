// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard policy: pure decision logic.  Nothing here sleeps, allocates or
 * takes locks, so it runs in probe context and under KUnit alike.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/sched.h>

#include "internal.h"

static const char * const pmguard_kind_names[] = {
	[PMGUARD_KIND_UNSPEC]		= "unknown",
	[PMGUARD_KIND_MEM]		= "mem",
	[PMGUARD_KIND_ENVIRON]		= "environ",
	[PMGUARD_KIND_MAPS]		= "maps",
	[PMGUARD_KIND_SMAPS]		= "smaps",
	[PMGUARD_KIND_SMAPS_ROLLUP]	= "smaps_rollup",
	[PMGUARD_KIND_NUMA_MAPS]	= "numa_maps",
	[PMGUARD_KIND_PAGEMAP]		= "pagemap",
	[PMGUARD_KIND_AUXV]		= "auxv",
	[PMGUARD_KIND_VM_READ]		= "vm_read",
	[PMGUARD_KIND_VM_WRITE]		= "vm_write",
	[PMGUARD_KIND_PTRACE]		= "ptrace",
	[PMGUARD_KIND_PTRACE_READ]	= "ptrace_read",
	[PMGUARD_KIND_PTRACE_WRITE]	= "ptrace_write",
	[PMGUARD_KIND_GETFD]		= "getfd",
	[PMGUARD_KIND_PAGEOUT]		= "pageout",
	[PMGUARD_KIND_KCORE]		= "kcore",
	[PMGUARD_KIND_CORE]		= "core",
	[PMGUARD_KIND_FD_REOPEN]	= "fd_reopen",
	[PMGUARD_KIND_UPROBE]		= "uprobe",
	[PMGUARD_KIND_PERF_SAMPLE]	= "perf_sample",
	[PMGUARD_KIND_DUMP_CONFIG]	= "dump_config",
};

const char *pmguard_kind_name(enum pmguard_kind kind)
{
	if ((unsigned int)kind > PMGUARD_KIND_MAX)
		kind = PMGUARD_KIND_UNSPEC;
	return pmguard_kind_names[kind];
}

/*
 * The kind of a /proc/<pid>/ file, from its (kernel-chosen) name of @len
 * bytes.  Every procfs open asks: by length first, then a compare the
 * compiler does inline (KUnit checks it against pmguard_kind_names).
 */
enum pmguard_kind pmguard_kind_from_qstr(const char *name, u32 len)
{
#define PMGUARD_IS(s)	!memcmp(name, s, sizeof(s) - 1)
	switch (len) {
	case 3:
		return PMGUARD_IS("mem") ? PMGUARD_KIND_MEM : PMGUARD_KIND_UNSPEC;
	case 4:
		return PMGUARD_IS("maps") ? PMGUARD_KIND_MAPS :
		       PMGUARD_IS("auxv") ? PMGUARD_KIND_AUXV : PMGUARD_KIND_UNSPEC;
	case 5:
		return PMGUARD_IS("smaps") ? PMGUARD_KIND_SMAPS : PMGUARD_KIND_UNSPEC;
	case 7:
		return PMGUARD_IS("environ") ? PMGUARD_KIND_ENVIRON :
		       PMGUARD_IS("pagemap") ? PMGUARD_KIND_PAGEMAP : PMGUARD_KIND_UNSPEC;
	case 9:
		return PMGUARD_IS("numa_maps") ? PMGUARD_KIND_NUMA_MAPS :
		       PMGUARD_KIND_UNSPEC;
	case 12:
		return PMGUARD_IS("smaps_rollup") ? PMGUARD_KIND_SMAPS_ROLLUP :
		       PMGUARD_KIND_UNSPEC;
	}
	return PMGUARD_KIND_UNSPEC;
#undef PMGUARD_IS
}

/*
 * A /proc/<pid> or /proc/<pid>/task/<tid> directory name: canonical decimal
 * as procfs creates it (no sign, no leading zero), at most 10 digits.
 */
bool pmguard_parse_tid(const char *name, u32 *tid)
{
	u64 val = 0;
	int len = 0;

	if (name[0] < '1' || name[0] > '9')
		return false;
	for (; name[len]; len++) {
		if (name[len] < '0' || name[len] > '9' || len >= 10)
			return false;
		val = val * 10 + (name[len] - '0');
	}
	if (val > INT_MAX)
		return false;
	*tid = val;
	return true;
}

/* Does a task comm stand for @name?  comm holds at most 15 characters. */
bool pmguard_comm_matches(const char *comm, const char *name)
{
	return name[0] && !strncmp(comm, name, TASK_COMM_LEN - 1) &&
	       (strlen(name) >= TASK_COMM_LEN - 1 || !comm[strlen(name)]);
}

/*
 * Is the target one of the policy's sensitive names, by its executable's
 * base name or by its comm?
 */
bool pmguard_target_sensitive(const struct pmguard_policy *policy,
			      const char *comm, const char *exe_name)
{
	unsigned int i;

	for (i = 0; i < policy->nr_sensitive; i++) {
		const char *name = policy->sensitive[i];

		if (name[0] && (!strcmp(exe_name, name) ||
				pmguard_comm_matches(comm, name)))
			return true;
	}
	return false;
}

static bool pmguard_exe_equal(const struct pmguard_exe_id *a,
			      const struct pmguard_exe_id *b)
{
	return a->ino && a->inode == b->inode && a->ino == b->ino &&
	       a->dev == b->dev;
}

bool pmguard_rule_matches(const struct pmguard_rule *rule,
			  const struct pmguard_access *acc)
{
	if (rule->kinds && !(rule->kinds & BIT(acc->kind)))
		return false;
	if (rule->access && !(rule->access & acc->access))
		return false;
	if ((acc->flags & rule->flags_set) != rule->flags_set)
		return false;
	if (acc->flags & rule->flags_clear)
		return false;
	if ((rule->match & PMGUARD_M_CALLER_EXE) &&
	    !pmguard_exe_equal(&rule->caller_exe, &acc->caller.exe))
		return false;
	if ((rule->match & PMGUARD_M_TARGET_EXE) &&
	    !pmguard_exe_equal(&rule->target_exe, &acc->target.exe))
		return false;
	if ((rule->match & PMGUARD_M_CALLER_SCRIPT) &&
	    !pmguard_exe_equal(&rule->caller_script, &acc->caller.script))
		return false;
	if ((rule->match & PMGUARD_M_CALLER_COMM) &&
	    strncmp(rule->caller_comm, acc->caller.comm, TASK_COMM_LEN))
		return false;
	if ((rule->match & PMGUARD_M_TARGET_COMM) &&
	    strncmp(rule->target_comm, acc->target.comm, TASK_COMM_LEN))
		return false;
	if ((rule->match & PMGUARD_M_CALLER_UID) &&
	    rule->caller_uid != acc->caller.uid)
		return false;
	return true;
}

/* First matching rule wins; the policy's default applies otherwise. */
void pmguard_decide(const struct pmguard_policy *policy,
		    const struct pmguard_access *acc,
		    struct pmguard_verdict *verdict)
{
	unsigned int i;

	verdict->action = policy->default_action;
	verdict->severity = policy->default_severity;
	verdict->rule = "default";

	for (i = 0; i < policy->nr_rules; i++) {
		const struct pmguard_rule *rule = &policy->rules[i];

		if (pmguard_rule_matches(rule, acc)) {
			verdict->action = rule->action;
			verdict->severity = rule->severity;
			verdict->rule = rule->name;
			break;
		}
	}

	/* A caller dressed up as an allowlisted tool is worth a closer look. */
	if (verdict->action != PMGUARD_ACTION_ALLOW &&
	    (acc->flags & (PMGUARD_F_COMM_SPOOFS_ALLOWED | PMGUARD_F_EXE_REPLACED)) &&
	    verdict->severity < PMGUARD_SEV_HIGH)
		verdict->severity = PMGUARD_SEV_HIGH;
}

/* Does @comm name the file @path (its base name) while @id is not it? */
static bool pmguard_comm_spoofs(const char *comm, const char *path,
				const struct pmguard_exe_id *rule_id,
				const struct pmguard_exe_id *id)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return pmguard_comm_matches(comm, base) &&
	       !pmguard_exe_equal(rule_id, id);
}

/*
 * comm is whatever the process chose (prctl(PR_SET_NAME), or a copied binary
 * renamed "gdb"); the executable is what the kernel ran.  Flag a comm that
 * does not match the executable, and one that names a tool the policy
 * allows by executable (or a script it allows) while the executable (or
 * the script) is a different one.  A script's comm is its own name.
 */
u32 pmguard_comm_flags(const struct pmguard_policy *policy,
		       const struct pmguard_proc_info *caller)
{
	u32 flags = 0;
	unsigned int i;

	if (caller->exe_name[0] &&
	    !pmguard_comm_matches(caller->comm, caller->exe_name))
		flags |= PMGUARD_F_COMM_MISMATCH;

	for (i = 0; i < policy->nr_rules; i++) {
		const struct pmguard_rule *rule = &policy->rules[i];

		if (rule->action != PMGUARD_ACTION_ALLOW)
			continue;
		if (((rule->match & PMGUARD_M_CALLER_EXE) &&
		     pmguard_comm_spoofs(caller->comm, rule->caller_exe_path,
					 &rule->caller_exe, &caller->exe)) ||
		    ((rule->match & PMGUARD_M_CALLER_SCRIPT) &&
		     pmguard_comm_spoofs(caller->comm, rule->caller_script_path,
					 &rule->caller_script, &caller->script))) {
			flags |= PMGUARD_F_COMM_SPOOFS_ALLOWED;
			break;
		}
	}
	return flags;
}

/* Does a rule of @policy name the script @id (caller_script=)? */
bool pmguard_policy_names_script(const struct pmguard_policy *policy,
				 const struct pmguard_exe_id *id)
{
	unsigned int i;

	for (i = 0; i < policy->nr_rules; i++) {
		const struct pmguard_rule *rule = &policy->rules[i];

		if ((rule->match & PMGUARD_M_CALLER_SCRIPT) &&
		    pmguard_exe_equal(&rule->caller_script, id))
			return true;
	}
	return false;
}

void pmguard_fold_key_of(const struct pmguard_access *acc, u8 action,
			 u8 severity, struct pmguard_fold_key *key)
{
	memset(key, 0, sizeof(*key));
	key->caller_pid = acc->caller.pid;
	key->target_pid = acc->target.pid;
	key->target_ino = acc->target.exe.ino;
	memcpy(key->target_comm, acc->target.comm, sizeof(key->target_comm));
	key->kind = acc->kind;
	key->access = acc->access;
	key->result = acc->result;
	/* A spoofed comm or a would-deny must not hide in a milder burst. */
	key->flags = acc->flags & ~PMGUARD_F_FOLDED;
	key->action = action;
	key->severity = severity;
}

/*
 * Does an access (@key at @now_ns) belong to the burst that started at
 * @burst_start_ns?  Same caller, target, kind, access, result, flags,
 * verdict and severity, within the window; a window of 0 folds nothing.
 */
bool pmguard_fold_same_burst(const struct pmguard_fold_key *burst,
			     u64 burst_start_ns, const struct pmguard_fold_key *key,
			     u64 now_ns, u64 window_ns)
{
	return window_ns && now_ns >= burst_start_ns &&
	       now_ns - burst_start_ns < window_ns &&
	       !memcmp(burst, key, sizeof(*key));
}

/* Rule names: 1 to 63 of [A-Za-z0-9_.:-], as the policy file allows. */
bool pmguard_rule_name_valid(const char *name)
{
	const char *p;

	if (!*name || strnlen(name, PMGUARD_RULE_NAME_MAX) >= PMGUARD_RULE_NAME_MAX)
		return false;
	for (p = name; *p; p++)
		if (!isalnum(*p) && !strchr("_.:-", *p))
			return false;
	return true;
}
