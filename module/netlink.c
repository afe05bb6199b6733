// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard generic netlink family: events unicast to subscribers, counters
 * and policy on request.  The family lives in the initial network
 * namespace only (no netnsok), and every command, SUBSCRIBE included,
 * needs CAP_NET_ADMIN in the initial user namespace: root in a container
 * hears nothing.
 *
 * Why not a multicast group: genl_bind() lets any socket join a group id
 * that no family owns yet, and a family that registers later inherits
 * those members.  A user who joined the free ids before pmguard loaded
 * (boot, a DKMS upgrade, a reload) would hear every event, whatever the
 * group's flags say.  So nothing is ever sent to a group.  A socket asks
 * for the events with PMGUARD_CMD_SUBSCRIBE, and each event is unicast to
 * each subscriber's port, from the worker, without blocking.
 *
 * A port id is only a number: once a socket is released, any socket may
 * bind the same id.  A subscription therefore holds a reference to the
 * subscriber's socket file, so the socket is not released and its port
 * cannot be taken over while events go to it.  When that reference is the
 * last one (the subscriber closed the socket, or exited), the
 * subscription ends and the reference is dropped.  Unloading the module
 * ends every subscription.
 *
 * A subscriber whose socket is full loses events (counted as "send"), but
 * not the ones that matter: an access of severity high or above, a deny
 * or a would-be deny (and the mem summary of such an access) is held back
 * for that subscriber, up to PMGUARD_NL_HELD_MAX of them, and sent before
 * anything else once its socket has room again.  While a subscriber has
 * held events, nothing of lower priority is sent to it: the room its
 * reader makes goes to them first, and the subscriber still sees events in
 * sequence order.  When the hold is full, an access the kernel refused
 * gives way to one that succeeded or that pmguard denied.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/ratelimit.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "netlink.h"
#include "compat.h"

/*
 * The "events" group carries nothing.  It stays declared because readers
 * that follow module reloads through nlctrl (pmguard monitor) take its
 * announcement as the sign to subscribe again.
 */
static const struct genl_multicast_group pmguard_nl_groups[] = {
	{
		.name = PMGUARD_GENL_MCGRP_EVENTS,
		PMGUARD_MCGRP_PRIVILEGED,
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
static int pmguard_nl_subscribe(struct sk_buff *skb, struct genl_info *info);

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
	{
		.cmd = PMGUARD_CMD_SUBSCRIBE,
		.doit = pmguard_nl_subscribe,
		.flags = GENL_ADMIN_PERM,
	},
};

/*
 * parallel_ops: every op takes the lock it needs (pmguard_config_mutex,
 * the subscribers' mutex) instead of genl_mutex, so a rule whose path sits
 * on a hung mount, or a policy install waiting for RCU, stalls pmguard's
 * requests only, not every generic netlink family's.
 */
struct genl_family pmguard_nl_family __ro_after_init = {
	.name		= PMGUARD_GENL_NAME,
	.parallel_ops	= true,
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
		    nla_put_u32(msg, PMGUARD_KS_PROBED, !pmguard_is_blind()))
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
static struct file *pmguard_nl_pid_exe(const struct pmguard_proc_info *proc)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct file *exe = NULL;

	task = pmguard_task_get(proc->tid, proc->start_time);
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

/* What the worker adds to one side: paths, and the context it resolved. */
struct pmguard_nl_side {
	const char *exe;
	struct pmguard_ctx_resolved ctx;
};

/* An optional u32: 0 means unknown, and is left out. */
static int pmguard_nl_put_id(struct sk_buff *msg, int attr, u32 value)
{
	return value ? nla_put_u32(msg, attr, value) : 0;
}

static int pmguard_nl_put_context(struct sk_buff *msg,
				  const struct pmguard_proc_info *proc,
				  const struct pmguard_ctx_resolved *ctx)
{
	if (!(proc->ctx & PMGUARD_CTX_KNOWN))
		return 0;
	if ((proc->cgroup_id &&
	     nla_put_u64_64bit(msg, PMGUARD_P_CGROUP_ID, proc->cgroup_id,
			       PMGUARD_P_PAD)) ||
	    (ctx->cgroup && nla_put_string(msg, PMGUARD_P_CGROUP, ctx->cgroup)) ||
	    pmguard_nl_put_id(msg, PMGUARD_P_NS_PID, proc->ns_pid) ||
	    pmguard_nl_put_id(msg, PMGUARD_P_PID_NS, proc->pid_ns) ||
	    pmguard_nl_put_id(msg, PMGUARD_P_MNT_NS, ctx->mnt_ns) ||
	    pmguard_nl_put_id(msg, PMGUARD_P_USER_NS, proc->user_ns) ||
	    pmguard_nl_put_id(msg, PMGUARD_P_NET_NS, ctx->net_ns) ||
	    pmguard_nl_put_id(msg, PMGUARD_P_CGROUP_NS, ctx->cgroup_ns) ||
	    nla_put_u8(msg, PMGUARD_P_IN_CONTAINER,
		       !!(proc->ctx & PMGUARD_CTX_IN_CONTAINER)))
		return -EMSGSIZE;
	return 0;
}

static int pmguard_nl_put_proc(struct sk_buff *msg, int attr,
			       const struct pmguard_proc_info *proc,
			       const struct pmguard_nl_side *side)
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
	    (side->exe && nla_put_string(msg, PMGUARD_P_EXE, side->exe)) ||
	    pmguard_nl_put_context(msg, proc, &side->ctx))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int pmguard_nl_fill_event(struct sk_buff *msg,
				 const struct pmguard_event *ev,
				 const struct pmguard_nl_side *caller,
				 const struct pmguard_nl_side *target)
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
				caller) ||
	    pmguard_nl_put_proc(msg, PMGUARD_A_TARGET, &ev->acc.target,
				target)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int pmguard_nl_fill_summary(struct sk_buff *msg,
				   const struct pmguard_event *ev,
				   const struct pmguard_nl_side *caller,
				   const struct pmguard_nl_side *target)
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
				caller) ||
	    pmguard_nl_put_proc(msg, PMGUARD_A_TARGET, &ev->acc.target,
				target))
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
 * allowed + alerted + denied = reported + dropped; summaries apart.  A
 * dropped priority access is also counted as priority_dropped, and if it
 * got through or pmguard refused it, as urgent_dropped.
 */
static void pmguard_nl_count_fate(u8 type, u32 count, u32 kind, u8 urgency,
				  int counter)
{
	if (type == PMGUARD_EV_GUARD) {	/* not an access */
		if (counter != PMGUARD_S_REPORTED)
			atomic64_inc(&pmguard_stats[PMGUARD_S_DROP_GUARD]);
		return;
	}
	if (type == PMGUARD_EV_SUMMARY) {
		atomic64_inc(&pmguard_stats[counter == PMGUARD_S_REPORTED ?
					    PMGUARD_S_SUMMARIES :
					    PMGUARD_S_DROP_TRACKING]);
		return;
	}
	atomic64_add(count, &pmguard_stats[counter]);
	if (counter == PMGUARD_S_REPORTED)
		atomic64_add(count, &pmguard_kind_reported[kind]);
	else
		pmguard_count_urgent_dropped(urgency, count);
}

static void pmguard_nl_count(const struct pmguard_event *ev, int counter)
{
	pmguard_nl_count_fate(ev->type, ev->count, ev->acc.kind,
			      pmguard_event_urgency(ev), counter);
}

#define PMGUARD_NL_MAX_SUBSCRIBERS	8
#define PMGUARD_NL_HELD_MAX		256
#define PMGUARD_NL_RETRY_MIN_MS		10
#define PMGUARD_NL_RETRY_MAX_MS		1000

/*
 * A priority event that some subscriber has not taken yet.  It is
 * counted once: reported when the first copy is delivered (or at once, if
 * another subscriber took it), dropped when its last held copy goes
 * undelivered.
 */
struct pmguard_nl_pending {
	unsigned int refs;		/* held copies */
	bool counted;
	bool replay;			/* counted as no_listener already */
	u8 type;
	u8 urgency;
	u32 count;
	u32 kind;
};

struct pmguard_nl_held {
	struct sk_buff *skb;
	struct pmguard_nl_pending *pending;
	u8 urgency;			/* enum pmguard_urgency */
};

struct pmguard_nl_sub {
	u32 portid;
	bool admin;			/* CAP_SYS_ADMIN when it subscribed */
	u64 since;			/* order of subscription */
	struct file *file;		/* pins the socket, and so its port */
	unsigned int head, len;		/* ring of held events, oldest first */
	struct pmguard_nl_held held[PMGUARD_NL_HELD_MAX];
};

/* Subscribers and their held events; taken by the worker and requests. */
static DEFINE_MUTEX(pmguard_nl_subs_mutex);
static struct pmguard_nl_sub *pmguard_nl_subs[PMGUARD_NL_MAX_SUBSCRIBERS];
static unsigned int pmguard_nl_nr_subs;
static u64 pmguard_nl_subs_made;
static unsigned int pmguard_nl_retry_ms = PMGUARD_NL_RETRY_MIN_MS;

static void pmguard_nl_retry_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(pmguard_nl_retry_work, pmguard_nl_retry_fn);

/*
 * The last priority events that found no subscriber (a killed reader),
 * as built for one: replayed to each subscriber that comes next, ahead of
 * what follows, until one with CAP_SYS_ADMIN (pmguard.service) has them.
 * Under pmguard_nl_subs_mutex.
 */
#define PMGUARD_NL_UNHEARD_MAX		64
static struct sk_buff *pmguard_nl_unheard[PMGUARD_NL_UNHEARD_MAX];
static unsigned int pmguard_nl_unheard_head, pmguard_nl_unheard_len;

static void pmguard_nl_drop_oldest_unheard(void)
{
	nlmsg_free(pmguard_nl_unheard[pmguard_nl_unheard_head]);
	pmguard_nl_unheard_head = (pmguard_nl_unheard_head + 1) %
				  PMGUARD_NL_UNHEARD_MAX;
	pmguard_nl_unheard_len--;
}

/* Keep @msg (ownership passes), the oldest one making room. */
static void pmguard_nl_keep_unheard(struct sk_buff *msg)
{
	unsigned int at;

	lockdep_assert_held(&pmguard_nl_subs_mutex);
	if (pmguard_nl_unheard_len == PMGUARD_NL_UNHEARD_MAX)
		pmguard_nl_drop_oldest_unheard();
	at = (pmguard_nl_unheard_head + pmguard_nl_unheard_len) %
	     PMGUARD_NL_UNHEARD_MAX;
	pmguard_nl_unheard[at] = msg;
	pmguard_nl_unheard_len++;
}

static void pmguard_nl_forget_unheard(void)
{
	while (pmguard_nl_unheard_len)
		pmguard_nl_drop_oldest_unheard();
}

/* Nobody but the subscription holds the socket: its owner closed it. */
static bool pmguard_nl_sub_gone(const struct pmguard_nl_sub *sub)
{
	return file_count(sub->file) <= 1;
}

/* One held copy's fate is known: delivered, or dropped. */
static void pmguard_nl_resolve(struct pmguard_nl_held *h, bool delivered)
{
	struct pmguard_nl_pending *p = h->pending;

	kfree_skb(h->skb);
	h->skb = NULL;
	h->pending = NULL;
	if (p->replay) {
		if (delivered)
			atomic64_inc(&pmguard_stats[PMGUARD_S_REPLAYED]);
		if (!--p->refs)
			kfree(p);
		return;
	}
	if (delivered && !p->counted) {
		pmguard_nl_count_fate(p->type, p->count, p->kind, p->urgency,
				      PMGUARD_S_REPORTED);
		p->counted = true;
	}
	if (--p->refs)
		return;
	if (!p->counted)
		pmguard_nl_count_fate(p->type, p->count, p->kind, p->urgency,
				      PMGUARD_S_DROP_SEND);
	kfree(p);
}

/*
 * Send a copy of @skb to @sub without blocking: 0, -EAGAIN (its socket is
 * full), -ECONNREFUSED (no socket there can take it: it connected its
 * socket elsewhere) or -ENOMEM.
 */
static int pmguard_nl_send(struct pmguard_nl_sub *sub, struct sk_buff *skb)
{
	struct sk_buff *copy = skb_clone(skb, GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	return genlmsg_unicast(&init_net, copy, sub->portid);
}

/*
 * Send what @sub holds, oldest first: 0 once nothing is held, or why the
 * oldest could not be sent (pmguard_nl_send()).
 */
static int pmguard_nl_flush(struct pmguard_nl_sub *sub)
{
	int err;

	while (sub->len) {
		struct pmguard_nl_held *h = &sub->held[sub->head];

		err = pmguard_nl_send(sub, h->skb);
		if (err)
			return err;
		pmguard_nl_resolve(h, true);
		sub->head = (sub->head + 1) % PMGUARD_NL_HELD_MAX;
		sub->len--;
	}
	return 0;
}

/* The hold is full: drop its oldest access less urgent than @urgency. */
static bool pmguard_nl_make_room(struct pmguard_nl_sub *sub, u8 urgency)
{
	unsigned int i, at, next;

	for (i = 0; i < sub->len; i++) {
		at = (sub->head + i) % PMGUARD_NL_HELD_MAX;
		if (sub->held[at].urgency < urgency)
			break;
	}
	if (i == sub->len)
		return false;
	pmguard_nl_resolve(&sub->held[at], false);
	for (; i + 1 < sub->len; i++) {
		next = (at + 1) % PMGUARD_NL_HELD_MAX;
		sub->held[at] = sub->held[next];
		at = next;
	}
	sub->len--;
	return true;
}

/* Keep a copy of @skb for @sub; false if it cannot. */
static bool pmguard_nl_hold(struct pmguard_nl_sub *sub, struct sk_buff *skb,
			    struct pmguard_nl_pending *p, u8 urgency)
{
	struct pmguard_nl_held *h;
	struct sk_buff *copy;

	if (sub->len == PMGUARD_NL_HELD_MAX &&
	    !pmguard_nl_make_room(sub, urgency))
		return false;
	copy = skb_clone(skb, GFP_KERNEL);
	if (!copy)
		return false;
	h = &sub->held[(sub->head + sub->len) % PMGUARD_NL_HELD_MAX];
	h->skb = copy;
	h->pending = p;
	h->urgency = urgency;
	p->refs++;
	sub->len++;
	atomic64_inc(&pmguard_stats[PMGUARD_S_HELD]);
	return true;
}

/* End subscription @i: what it held is dropped, the socket let go. */
static void pmguard_nl_sub_remove(unsigned int i)
{
	struct pmguard_nl_sub *sub = pmguard_nl_subs[i];

	lockdep_assert_held(&pmguard_nl_subs_mutex);
	while (sub->len) {
		pmguard_nl_resolve(&sub->held[sub->head], false);
		sub->head = (sub->head + 1) % PMGUARD_NL_HELD_MAX;
		sub->len--;
	}
	/* From the worker, the final release is deferred (delayed_fput). */
	fput(sub->file);
	kfree(sub);
	pmguard_nl_subs[i] = NULL;
	WRITE_ONCE(pmguard_nl_nr_subs, pmguard_nl_nr_subs - 1);
	atomic64_set(&pmguard_stats[PMGUARD_S_SUBSCRIBERS], pmguard_nl_nr_subs);
}

/* Subscriber @i, or NULL: none, or its owner closed it (it is removed). */
static struct pmguard_nl_sub *pmguard_nl_sub_get(unsigned int i)
{
	struct pmguard_nl_sub *sub = pmguard_nl_subs[i];

	if (sub && pmguard_nl_sub_gone(sub)) {
		pmguard_nl_sub_remove(i);
		sub = NULL;
	}
	return sub;
}

static void pmguard_nl_retry_later(bool progress)
{
	if (progress)
		pmguard_nl_retry_ms = PMGUARD_NL_RETRY_MIN_MS;
	schedule_delayed_work(&pmguard_nl_retry_work,
			      msecs_to_jiffies(pmguard_nl_retry_ms));
}

/* Held events wait for room in their subscriber's socket: try again. */
static void pmguard_nl_retry_fn(struct work_struct *work)
{
	unsigned int i, before = 0, after = 0;

	mutex_lock(&pmguard_nl_subs_mutex);
	for (i = 0; i < PMGUARD_NL_MAX_SUBSCRIBERS; i++) {
		struct pmguard_nl_sub *sub = pmguard_nl_sub_get(i);

		if (!sub)
			continue;
		before += sub->len;
		if (pmguard_nl_flush(sub) == -ECONNREFUSED) {
			pmguard_nl_sub_remove(i);
			continue;
		}
		after += sub->len;
	}
	if (after) {
		if (after == before)
			pmguard_nl_retry_ms = min(2 * pmguard_nl_retry_ms,
						  PMGUARD_NL_RETRY_MAX_MS);
		pmguard_nl_retry_later(after < before);
	}
	mutex_unlock(&pmguard_nl_subs_mutex);
}

/*
 * A new subscriber gets what nobody heard first: held for it, sent by the
 * retry work after this request's ACK.  Counted as replayed (they were
 * counted as no_listener when they happened).
 */
static void pmguard_nl_replay_unheard(struct pmguard_nl_sub *sub)
{
	struct pmguard_nl_pending *p;
	unsigned int i;

	lockdep_assert_held(&pmguard_nl_subs_mutex);
	if (!pmguard_nl_unheard_len)
		return;
	for (i = 0; i < pmguard_nl_unheard_len; i++) {
		p = kzalloc(sizeof(*p), GFP_KERNEL);
		if (!p)
			break;
		p->replay = true;
		if (!pmguard_nl_hold(sub, pmguard_nl_unheard[(pmguard_nl_unheard_head + i) %
							     PMGUARD_NL_UNHEARD_MAX],
				     p, PMGUARD_URGENCY_PRIVILEGED))
			kfree(p);
	}
	if (sub->admin)
		pmguard_nl_forget_unheard();
	pmguard_nl_retry_later(true);
}

/*
 * PMGUARD_CMD_SUBSCRIBE: send events to the requesting socket until it is
 * closed or the module unloads.  GENL_ADMIN_PERM has checked
 * CAP_NET_ADMIN in the initial user namespace, of the socket's opener and
 * of the sender.  Subscribing again is not an error.  With every slot
 * taken, a subscriber that also has CAP_SYS_ADMIN there (pmguard.service)
 * takes the slot of the oldest one that does not (a CAP_NET_ADMIN-only
 * process cannot lock the service out); only a ninth CAP_SYS_ADMIN
 * subscriber is refused.
 */
static int pmguard_nl_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct sock *sk = NETLINK_CB(skb).sk;
	bool admin = netlink_capable(skb, CAP_SYS_ADMIN);
	struct pmguard_nl_sub *sub;
	int i, free = -1, evict = -1;

	/* A user socket: it is sending this, so its file is alive. */
	if (!sk || !sk->sk_socket || !sk->sk_socket->file) {
		GENL_SET_ERR_MSG(info, "pmguard: only a user socket can subscribe");
		return -EINVAL;
	}
	sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	if (!sub)
		return -ENOMEM;

	mutex_lock(&pmguard_nl_subs_mutex);
	for (i = 0; i < PMGUARD_NL_MAX_SUBSCRIBERS; i++) {
		struct pmguard_nl_sub *s = pmguard_nl_sub_get(i);

		if (s && s->portid == info->snd_portid) {
			free = -2;
			break;
		}
		if (!s && free < 0)
			free = i;
		if (s && !s->admin &&
		    (evict < 0 || s->since < pmguard_nl_subs[evict]->since))
			evict = i;
	}
	if (free == -1 && admin && evict >= 0) {
		pr_notice("subscriber port %u (no CAP_SYS_ADMIN) gives way to port %u\n",
			  pmguard_nl_subs[evict]->portid, info->snd_portid);
		pmguard_nl_sub_remove(evict);
		free = evict;
	}
	if (free >= 0) {
		sub->portid = info->snd_portid;
		sub->admin = admin;
		sub->since = ++pmguard_nl_subs_made;
		sub->file = get_file(sk->sk_socket->file);
		pmguard_nl_subs[free] = sub;
		WRITE_ONCE(pmguard_nl_nr_subs, pmguard_nl_nr_subs + 1);
		atomic64_set(&pmguard_stats[PMGUARD_S_SUBSCRIBERS],
			     pmguard_nl_nr_subs);
		pmguard_nl_replay_unheard(sub);
		sub = NULL;
	}
	mutex_unlock(&pmguard_nl_subs_mutex);

	kfree(sub);
	if (free == -1) {
		GENL_SET_ERR_MSG(info, "pmguard: too many subscribers (8)");
		return -EBUSY;
	}
	return 0;
}

/*
 * Hand @msg to every subscriber: now, held back (priority events), or
 * dropped; count its fate.  Returns false when no subscriber was left to
 * take it.  Caller holds pmguard_nl_subs_mutex.
 */
static bool pmguard_nl_deliver(const struct pmguard_event *ev,
			       struct sk_buff *msg)
{
	bool priority = pmguard_event_priority(ev);
	u8 urgency = pmguard_event_urgency(ev);
	struct pmguard_nl_pending *p = NULL;
	bool delivered = false, held = false;
	unsigned int i;
	int err;

	if (priority) {
		p = kzalloc(sizeof(*p), GFP_KERNEL);
		if (p) {
			p->type = ev->type;
			p->urgency = urgency;
			p->count = ev->count;
			p->kind = ev->acc.kind;
		}
	}
	for (i = 0; i < PMGUARD_NL_MAX_SUBSCRIBERS; i++) {
		struct pmguard_nl_sub *sub = pmguard_nl_sub_get(i);

		if (!sub)
			continue;
		/* Nothing overtakes what is held: first room goes to it. */
		err = pmguard_nl_flush(sub);
		if (!err)
			err = pmguard_nl_send(sub, msg);
		if (!err) {
			delivered = true;
			continue;
		}
		/* Connected to another port: it cannot take ours. */
		if (err == -ECONNREFUSED) {
			pmguard_nl_sub_remove(i);
			continue;
		}
		if (p && pmguard_nl_hold(sub, msg, p, urgency))
			held = true;
	}

	if (delivered) {
		pmguard_nl_count(ev, PMGUARD_S_REPORTED);
		if (p)
			p->counted = true;
	} else if (!held) {
		pmguard_nl_count(ev, pmguard_nl_nr_subs ? PMGUARD_S_DROP_SEND :
				 PMGUARD_S_DROP_NO_LISTENER);
	}
	/* Held and not delivered: counted when its copies are resolved. */
	if (p && !p->refs)
		kfree(p);
	if (held && !delayed_work_pending(&pmguard_nl_retry_work))
		pmguard_nl_retry_later(true);
	return delivered || held || pmguard_nl_nr_subs;
}

static const char * const pmguard_nl_action_names[] = {
	[PMGUARD_ACTION_ALLOW] = "allow",
	[PMGUARD_ACTION_ALERT] = "alert",
	[PMGUARD_ACTION_DENY] = "deny",
};

static const char * const pmguard_nl_severity_names[] = {
	[PMGUARD_SEV_INFO] = "info",
	[PMGUARD_SEV_LOW] = "low",
	[PMGUARD_SEV_MEDIUM] = "medium",
	[PMGUARD_SEV_HIGH] = "high",
	[PMGUARD_SEV_CRITICAL] = "critical",
};

/*
 * Nobody listens (no subscriber, or its reader was killed): a deny,
 * would-deny or high access goes to the kernel log instead, rate-limited,
 * as the audit subsystem's records do while auditd is down.  It is still
 * counted as no_listener.  comm and paths are the processes' choice:
 * printed escaped.
 */
static void pmguard_nl_log_unheard(const struct pmguard_event *ev,
				   const char *caller_exe, const char *target_exe)
{
	static DEFINE_RATELIMIT_STATE(pmguard_nl_log_rs, 5 * HZ, 10);
	const struct pmguard_proc_info *c = &ev->acc.caller;
	const struct pmguard_proc_info *t = &ev->acc.target;

	if (ev->type != PMGUARD_EV_ACCESS || !pmguard_event_priority(ev) ||
	    ev->action >= ARRAY_SIZE(pmguard_nl_action_names) ||
	    ev->severity >= ARRAY_SIZE(pmguard_nl_severity_names) ||
	    !__ratelimit(&pmguard_nl_log_rs))
		return;
	caller_exe = caller_exe ?: "";
	target_exe = target_exe ?: "";
	pr_warn("no reader: action=%s%s severity=%s kind=%s result=%d rule=%s seq=%llu count=%u pid=%u uid=%u comm=\"%*pE\" exe=\"%*pE\" target_pid=%u target_uid=%u target_comm=\"%*pE\" target_exe=\"%*pE\"\n",
		pmguard_nl_action_names[ev->action],
		(ev->acc.flags & PMGUARD_F_WOULD_DENY) ? " would_deny" : "",
		pmguard_nl_severity_names[ev->severity],
		pmguard_kind_name(ev->acc.kind), ev->acc.result, ev->rule,
		ev->seq, ev->count, c->pid, c->uid,
		(int)strnlen(c->comm, TASK_COMM_LEN), c->comm,
		(int)strlen(caller_exe), caller_exe, t->pid, t->uid,
		(int)strnlen(t->comm, TASK_COMM_LEN), t->comm,
		(int)strlen(target_exe), target_exe);
}

/* pmguard's own state changed (blind, seeing again): tell subscribers. */
static void pmguard_nl_report_guard(const struct pmguard_event *ev)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(128, GFP_KERNEL);
	if (!msg) {
		pmguard_nl_count(ev, PMGUARD_S_DROP_NOMEM);
		return;
	}
	hdr = genlmsg_put(msg, 0, 0, &pmguard_nl_family, 0, PMGUARD_CMD_GUARD);
	if (!hdr ||
	    nla_put_u64_64bit(msg, PMGUARD_A_TIME_NS, ev->time_ns, PMGUARD_A_PAD) ||
	    nla_put_u32(msg, PMGUARD_A_GUARD, ev->guard) ||
	    nla_put_u32(msg, PMGUARD_A_SEVERITY, ev->severity)) {
		nlmsg_free(msg);
		pmguard_nl_count(ev, PMGUARD_S_DROP_NOMEM);
		return;
	}
	genlmsg_end(msg, hdr);
	mutex_lock(&pmguard_nl_subs_mutex);
	pmguard_nl_deliver(ev, msg);
	mutex_unlock(&pmguard_nl_subs_mutex);
	nlmsg_free(msg);
}

/*
 * Worker context: both sides' paths and context, in @buf
 * (PMGUARD_NL_BUF_SIZE); returns a looked-up target executable to drop.
 */
static struct file *pmguard_nl_sides(const struct pmguard_event *ev, char *buf,
				     struct pmguard_nl_side *caller,
				     struct pmguard_nl_side *target)
{
	struct file *looked_up = NULL;

	caller->exe = pmguard_nl_path(ev->caller_exe, buf);
	if (!ev->target_exe && ev->lookup_target_exe)
		looked_up = pmguard_nl_pid_exe(&ev->acc.target);
	target->exe = pmguard_nl_path(ev->target_exe ?: looked_up,
				      buf + PATH_MAX);
	pmguard_context_resolve(&ev->acc.caller, &caller->ctx,
				buf + 2 * PATH_MAX, PATH_MAX);
	pmguard_context_resolve(&ev->acc.target, &target->ctx,
				buf + 3 * PATH_MAX, PATH_MAX);
	return looked_up;
}

static size_t pmguard_nl_side_size(const struct pmguard_nl_side *side)
{
	return (side->exe ? strlen(side->exe) : 0) +
	       (side->ctx.cgroup ? strlen(side->ctx.cgroup) : 0);
}

/* Worker context: build one event message and send it to subscribers. */
void pmguard_nl_report(const struct pmguard_event *ev, char *buf)
{
	struct pmguard_nl_side caller, target;
	struct file *looked_up;
	struct sk_buff *msg;
	size_t size;
	bool heard;
	int err;

	if (ev->type == PMGUARD_EV_GUARD) {
		if (!READ_ONCE(pmguard_nl_nr_subs))
			pmguard_nl_count(ev, PMGUARD_S_DROP_NO_LISTENER);
		else
			pmguard_nl_report_guard(ev);
		return;
	}
	if (!READ_ONCE(pmguard_nl_nr_subs) && !pmguard_event_priority(ev)) {
		pmguard_nl_count(ev, PMGUARD_S_DROP_NO_LISTENER);
		return;
	}

	looked_up = pmguard_nl_sides(ev, buf, &caller, &target);
	/* 768 for the fixed attributes, 2 x 96 for the context's. */
	size = 960 + pmguard_nl_side_size(&caller) +
	       pmguard_nl_side_size(&target);
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg) {
		pmguard_nl_count(ev, PMGUARD_S_DROP_NOMEM);
		goto out;
	}
	if (ev->type == PMGUARD_EV_SUMMARY)
		err = pmguard_nl_fill_summary(msg, ev, &caller, &target);
	else
		err = pmguard_nl_fill_event(msg, ev, &caller, &target);
	if (err) {
		/* The size above is computed to fit: this is a bug. */
		WARN_ON_ONCE(1);
		nlmsg_free(msg);
		pmguard_nl_count(ev, PMGUARD_S_DROP_NOMEM);
		goto out;
	}
	mutex_lock(&pmguard_nl_subs_mutex);
	if (pmguard_nl_nr_subs) {
		heard = pmguard_nl_deliver(ev, msg);
	} else {
		/* Only priority events get this far with nobody there. */
		pmguard_nl_count(ev, PMGUARD_S_DROP_NO_LISTENER);
		heard = false;
	}
	/* Nobody left to take it (a killed reader is found gone here too). */
	if (!heard && pmguard_event_priority(ev))
		pmguard_nl_keep_unheard(msg);
	else
		nlmsg_free(msg);
	mutex_unlock(&pmguard_nl_subs_mutex);
	if (!heard)
		pmguard_nl_log_unheard(ev, caller.exe, target.exe);
out:
	if (looked_up)
		fput(looked_up);
}

int pmguard_nl_register(void)
{
	return genl_register_family(&pmguard_nl_family);
}

/*
 * After the last event was handed over: no new subscriber, one last try
 * for what is held, then every subscription ends (held events that still
 * do not fit are counted as dropped).
 */
void pmguard_nl_unregister(void)
{
	unsigned int i;

	genl_unregister_family(&pmguard_nl_family);
	cancel_delayed_work_sync(&pmguard_nl_retry_work);
	mutex_lock(&pmguard_nl_subs_mutex);
	for (i = 0; i < PMGUARD_NL_MAX_SUBSCRIBERS; i++) {
		if (!pmguard_nl_subs[i])
			continue;
		pmguard_nl_flush(pmguard_nl_subs[i]);
		pmguard_nl_sub_remove(i);
	}
	pmguard_nl_forget_unheard();
	mutex_unlock(&pmguard_nl_subs_mutex);
}
