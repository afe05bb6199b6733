// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard generic netlink family: events to the "events" multicast group,
 * counters on request.  The family lives in the initial network namespace
 * only (no netnsok), and joining the group needs CAP_NET_ADMIN in the
 * initial user namespace: root in a container hears nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "netlink.h"
#include "compat.h"

enum pmguard_nl_group {
	PMGUARD_NL_GROUP_EVENTS,
};

static const struct genl_multicast_group pmguard_nl_groups[] = {
	[PMGUARD_NL_GROUP_EVENTS] = {
		.name = PMGUARD_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/*
 * NLA_POLICY_MAX() holds an s16: a larger bound needs a range (not const:
 * 6.1 declares the policy's pointer without it).
 */
static struct netlink_range_validation pmguard_fold_ms_range = {
	.max = 60000,
};

/*
 * What a request may carry.  Strict validation rejects anything else (an
 * attribute not listed here, a wrong type or length) with an extack
 * message naming it.  Rules and policies are checked again, field by field,
 * in control.c.
 */
static const struct nla_policy pmguard_nl_policy[PMGUARD_A_MAX + 1] = {
	[PMGUARD_A_MODE]	= NLA_POLICY_MAX(NLA_U32, __PMGUARD_MODE_MAX - 1),
	[PMGUARD_A_RULE_NAME]	= { .type = NLA_NUL_STRING,
				    .len = PMGUARD_RULE_NAME_MAX - 1 },
	[PMGUARD_A_RULE_INDEX]	= NLA_POLICY_MAX(NLA_U32, PMGUARD_MAX_RULES),
	[PMGUARD_A_RULE_SPEC]	= { .type = NLA_NESTED },
	[PMGUARD_A_POLICY]	= { .type = NLA_NESTED },
	[PMGUARD_A_FOLD_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &pmguard_fold_ms_range),
};

static int pmguard_nl_get_stats(struct sk_buff *skb, struct genl_info *info);

/* Every command needs CAP_NET_ADMIN; changes check CAP_SYS_ADMIN too. */
static const struct genl_small_ops pmguard_nl_ops[] = {
	{
		.cmd = PMGUARD_CMD_GET_STATS,
		.doit = pmguard_nl_get_stats,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PMGUARD_CMD_GET_CONFIG,
		.doit = pmguard_ctl_get_config,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PMGUARD_CMD_RULE_LIST,
		.dumpit = pmguard_ctl_rule_list,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PMGUARD_CMD_RULE_ADD,
		.doit = pmguard_ctl_rule_add,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PMGUARD_CMD_RULE_DEL,
		.doit = pmguard_ctl_rule_del,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PMGUARD_CMD_POLICY_FLUSH,
		.doit = pmguard_ctl_flush,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PMGUARD_CMD_POLICY_REPLACE,
		.doit = pmguard_ctl_replace,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PMGUARD_CMD_SET_CONFIG,
		.doit = pmguard_ctl_set_config,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PMGUARD_CMD_LOCK,
		.doit = pmguard_ctl_lock,
		.flags = GENL_ADMIN_PERM,
	},
};

struct genl_family pmguard_nl_family __ro_after_init = {
	.name		= PMGUARD_GENL_NAME,
	.version	= PMGUARD_GENL_VERSION,
	.maxattr	= PMGUARD_A_MAX,
	.policy		= pmguard_nl_policy,
	.module		= THIS_MODULE,
	.small_ops	= pmguard_nl_ops,
	.n_small_ops	= ARRAY_SIZE(pmguard_nl_ops),
	.mcgrps		= pmguard_nl_groups,
	.n_mcgrps	= ARRAY_SIZE(pmguard_nl_groups),
};

static int pmguard_nl_put_stats(struct sk_buff *msg)
{
	struct nlattr *stats, *kind_nest;
	int attr, kind;

	stats = nla_nest_start(msg, PMGUARD_A_STATS);
	if (!stats)
		return -EMSGSIZE;
	for (attr = PMGUARD_S_SEEN; attr <= PMGUARD_S_MAX; attr++) {
		if (attr == PMGUARD_S_DROP_MISSED || attr == PMGUARD_S_KIND ||
		    attr == PMGUARD_S_PROBES)
			continue;
		if (nla_put_u64_64bit(msg, attr,
				      atomic64_read(&pmguard_stats[attr]),
				      PMGUARD_S_PAD))
			return -EMSGSIZE;
	}
	if (nla_put_u64_64bit(msg, PMGUARD_S_DROP_MISSED,
			      pmguard_probes_missed(), PMGUARD_S_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_S_PROBES, pmguard_probes_active(),
			      PMGUARD_S_PAD))
		return -EMSGSIZE;
	for (kind = PMGUARD_KIND_MEM; kind <= PMGUARD_KIND_MAX; kind++) {
		kind_nest = nla_nest_start(msg, PMGUARD_S_KIND);
		if (!kind_nest ||
		    nla_put_u32(msg, PMGUARD_KS_KIND, kind) ||
		    nla_put_u64_64bit(msg, PMGUARD_KS_SEEN,
				      atomic64_read(&pmguard_kind_seen[kind]),
				      PMGUARD_KS_PAD) ||
		    nla_put_u64_64bit(msg, PMGUARD_KS_REPORTED,
				      atomic64_read(&pmguard_kind_reported[kind]),
				      PMGUARD_KS_PAD) ||
		    nla_put_u32(msg, PMGUARD_KS_PROBED, 1))
			return -EMSGSIZE;
		nla_nest_end(msg, kind_nest);
	}
	nla_nest_end(msg, stats);
	return 0;
}

static int pmguard_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pmguard_nl_family, 0,
				PMGUARD_CMD_GET_STATS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = pmguard_nl_put_stats(msg);
	if (!err && nla_put_u32(msg, PMGUARD_A_MODE, READ_ONCE(pmguard_mode)))
		err = -EMSGSIZE;
	if (err) {
		NL_SET_ERR_MSG(info->extack, "pmguard: statistics do not fit in a message");
		goto err_free;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/* The executable's path, or NULL; @buf holds PATH_MAX bytes. */
static const char *pmguard_nl_path(struct file *file, char *buf)
{
	char *path;

	if (!file)
		return NULL;
	path = d_path(&file->f_path, buf, PATH_MAX);
	return IS_ERR(path) ? NULL : path;
}

/* The target's executable when probe context could not take it. */
static struct file *pmguard_nl_pid_exe(u32 tid)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct file *exe = NULL;

	rcu_read_lock();
	task = pid_task(find_pid_ns(tid, &init_pid_ns), PIDTYPE_PID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	if (!task)
		return NULL;
	mm = get_task_mm(task);
	put_task_struct(task);
	if (mm) {
		exe = pmguard_mm_exe_file(mm);
		mmput(mm);
	}
	return exe;
}

static int pmguard_nl_put_proc(struct sk_buff *msg, int attr,
			       const struct pmguard_proc_info *proc,
			       const char *exe)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest ||
	    nla_put_u32(msg, PMGUARD_P_PID, proc->pid) ||
	    nla_put_u32(msg, PMGUARD_P_TID, proc->tid) ||
	    nla_put_u32(msg, PMGUARD_P_PPID, proc->ppid) ||
	    nla_put_u32(msg, PMGUARD_P_UID, proc->uid) ||
	    nla_put_u32(msg, PMGUARD_P_EUID, proc->euid) ||
	    nla_put_u32(msg, PMGUARD_P_FSUID, proc->fsuid) ||
	    nla_put_u32(msg, PMGUARD_P_GID, proc->gid) ||
	    nla_put_u32(msg, PMGUARD_P_LOGINUID, proc->loginuid) ||
	    nla_put_u32(msg, PMGUARD_P_SESSIONID, proc->sessionid) ||
	    nla_put_string(msg, PMGUARD_P_COMM, proc->comm) ||
	    (exe && nla_put_string(msg, PMGUARD_P_EXE, exe)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int pmguard_nl_fill_event(struct sk_buff *msg,
				 const struct pmguard_event *ev,
				 const char *caller_exe, const char *target_exe)
{
	void *hdr;

	hdr = genlmsg_put(msg, 0, 0, &pmguard_nl_family, 0, PMGUARD_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, PMGUARD_A_SEQ, ev->seq, PMGUARD_A_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_A_TIME_NS, ev->time_ns, PMGUARD_A_PAD) ||
	    nla_put_u32(msg, PMGUARD_A_KIND, ev->acc.kind) ||
	    nla_put_u32(msg, PMGUARD_A_ACCESS, ev->acc.access) ||
	    nla_put_s32(msg, PMGUARD_A_RESULT, ev->acc.result) ||
	    nla_put_u32(msg, PMGUARD_A_ACTION, ev->action) ||
	    nla_put_u32(msg, PMGUARD_A_SEVERITY, ev->severity) ||
	    nla_put_string(msg, PMGUARD_A_RULE, ev->rule) ||
	    nla_put_u32(msg, PMGUARD_A_FLAGS, ev->acc.flags) ||
	    nla_put_u32(msg, PMGUARD_A_COUNT, ev->count) ||
	    (ev->has_bytes &&
	     nla_put_u64_64bit(msg, PMGUARD_A_BYTES, ev->bytes,
			       PMGUARD_A_PAD)) ||
	    (ev->first_seq &&
	     nla_put_u64_64bit(msg, PMGUARD_A_FIRST_SEQ, ev->first_seq,
			       PMGUARD_A_PAD)) ||
	    pmguard_nl_put_proc(msg, PMGUARD_A_CALLER, &ev->acc.caller,
				caller_exe) ||
	    pmguard_nl_put_proc(msg, PMGUARD_A_TARGET, &ev->acc.target,
				target_exe)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int pmguard_nl_fill_summary(struct sk_buff *msg,
				   const struct pmguard_event *ev,
				   const char *caller_exe, const char *target_exe)
{
	const struct pmguard_mem_stats *mem = &ev->mem;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, 0, 0, &pmguard_nl_family, 0,
			  PMGUARD_CMD_MEM_SUMMARY);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, PMGUARD_A_SEQ, ev->seq, PMGUARD_A_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_A_TIME_NS, ev->time_ns, PMGUARD_A_PAD) ||
	    nla_put_u32(msg, PMGUARD_A_KIND, ev->acc.kind) ||
	    pmguard_nl_put_proc(msg, PMGUARD_A_CALLER, &ev->acc.caller,
				caller_exe) ||
	    pmguard_nl_put_proc(msg, PMGUARD_A_TARGET, &ev->acc.target,
				target_exe))
		goto cancel;
	nest = nla_nest_start(msg, PMGUARD_A_SUMMARY);
	if (!nest ||
	    nla_put_u64_64bit(msg, PMGUARD_SUM_READS, mem->reads, PMGUARD_SUM_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_SUM_BYTES_READ, mem->bytes_read,
			      PMGUARD_SUM_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_SUM_WRITES, mem->writes, PMGUARD_SUM_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_SUM_BYTES_WRITTEN, mem->bytes_written,
			      PMGUARD_SUM_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_SUM_FIRST_OFFSET, mem->first_offset,
			      PMGUARD_SUM_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_SUM_LAST_OFFSET, mem->last_offset,
			      PMGUARD_SUM_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_SUM_DURATION_NS, mem->duration_ns,
			      PMGUARD_SUM_PAD) ||
	    nla_put_u64_64bit(msg, PMGUARD_SUM_ERRORS, mem->errors, PMGUARD_SUM_PAD))
		goto cancel;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;
cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/*
 * Count an event's fate.  Accesses count as many as they stand for, so
 * allowed + alerted + denied = reported + dropped; summaries apart.
 */
static void pmguard_nl_count(const struct pmguard_event *ev, int counter)
{
	if (ev->type == PMGUARD_EV_SUMMARY) {
		atomic64_inc(&pmguard_stats[counter == PMGUARD_S_REPORTED ?
					    PMGUARD_S_SUMMARIES :
					    PMGUARD_S_DROP_TRACKING]);
		return;
	}
	atomic64_add(ev->count, &pmguard_stats[counter]);
	if (counter == PMGUARD_S_REPORTED)
		atomic64_add(ev->count, &pmguard_kind_reported[ev->acc.kind]);
}

/* Worker context: build one event message and multicast it. */
void pmguard_nl_report(const struct pmguard_event *ev, char *buf)
{
	const char *caller_exe, *target_exe;
	struct file *looked_up = NULL;
	struct sk_buff *msg;
	size_t size;
	int err;

	if (!genl_has_listeners(&pmguard_nl_family, &init_net,
				PMGUARD_NL_GROUP_EVENTS)) {
		pmguard_nl_count(ev, PMGUARD_S_DROP_NO_LISTENER);
		return;
	}

	caller_exe = pmguard_nl_path(ev->caller_exe, buf);
	if (!ev->target_exe && ev->lookup_target_exe)
		looked_up = pmguard_nl_pid_exe(ev->acc.target.tid);
	target_exe = pmguard_nl_path(ev->target_exe ?: looked_up, buf + PATH_MAX);

	size = 768 + (caller_exe ? strlen(caller_exe) : 0) +
	       (target_exe ? strlen(target_exe) : 0);
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg) {
		pmguard_nl_count(ev, PMGUARD_S_DROP_NOMEM);
		goto out;
	}
	if (ev->type == PMGUARD_EV_SUMMARY)
		err = pmguard_nl_fill_summary(msg, ev, caller_exe, target_exe);
	else
		err = pmguard_nl_fill_event(msg, ev, caller_exe, target_exe);
	if (err) {
		/* The size above is computed to fit: this is a bug. */
		WARN_ON_ONCE(1);
		nlmsg_free(msg);
		pmguard_nl_count(ev, PMGUARD_S_DROP_NOMEM);
		goto out;
	}
	err = genlmsg_multicast(&pmguard_nl_family, msg, 0,
				PMGUARD_NL_GROUP_EVENTS, GFP_KERNEL);
	/*
	 * -ESRCH: no socket took it.  Without NETLINK_BROADCAST_ERROR that
	 * is also what a listener whose receive buffer is full gets: only a
	 * group that is empty now means nobody was listening.  A listener
	 * that missed a message learns it from the seq gap.
	 */
	if (!err)
		pmguard_nl_count(ev, PMGUARD_S_REPORTED);
	else if (err == -ESRCH &&
		 !genl_has_listeners(&pmguard_nl_family, &init_net,
				     PMGUARD_NL_GROUP_EVENTS))
		pmguard_nl_count(ev, PMGUARD_S_DROP_NO_LISTENER);
	else
		pmguard_nl_count(ev, PMGUARD_S_DROP_SEND);
out:
	if (looked_up)
		fput(looked_up);
}

int pmguard_nl_register(void)
{
	return genl_register_family(&pmguard_nl_family);
}

void pmguard_nl_unregister(void)
{
	genl_unregister_family(&pmguard_nl_family);
}
